"""test_smtp_relay.py - our smtp(8) client relaying to our own smtpd(8)

Two mail systems side by side: the first (the instance fixture) takes
mail from sendmail and relays it with relayhost = [127.0.0.1]:PORT to
the smtpd of a second one (another Instance of the same installation,
with a host name of its own so that neither thinks the other is
itself), which delivers it with local(8) to a mailbox in a private
spool. The test checks that the message arrives intact (headers, body,
dot-stuffed lines, 8-bit text), with the receiving side's Received:
header and the envelope, and that both sides log the delivery: the
client's status=sent line quotes the queue ID that the server logs.
"""

import os
import re

import pytest

from conftest import Instance, port_listening, wait_until

PROGRAMS = ("smtpd", "qmgr", "pickup", "cleanup", "trivial-rewrite",
            "bounce", "local")

BODY = ("From: Root <root@host.example.com>\n"
        "To: Test One <pftest1@dest.example>\n"
        "Subject: relay test\n"
        "X-Test: kept as it was\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "first line\n"
        ".a line with a leading dot\n"
        "..two dots\n"
        "caf\u00e9 na\u00efve \u2603\n"
        + "x" * 900 + "\n"
        "last line\n")


@pytest.fixture
def receiver(installed):
    """A second, started mail system that delivers dest.example locally."""
    if os.getuid() != 0:
        pytest.skip("needs root")
    daemons = installed.path("daemon_directory")
    for prog in PROGRAMS:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed yet" % prog)
    inst = Instance(installed)
    try:
        spool = os.path.join(inst.base, "spool")
        os.mkdir(spool)
        os.chmod(spool, 0o1777)
        inst.spool = spool
        inst.mail_system(myhostname="receiver.example.net",
                         mydomain="example.net",
                         mydestination="$myhostname, dest.example",
                         mail_spool_directory=spool,
                         local_recipient_maps="")
        wait_until(lambda: port_listening(inst.port), 20,
                   "the receiver's smtpd")
        yield inst
    finally:
        inst.cleanup()


def need_client(installed):
    daemons = installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtp")):
        pytest.skip("smtp is not installed yet")


def mailbox(receiver, user):
    path = os.path.join(receiver.spool, user)
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def test_relay_to_second_instance(instance, receiver):
    need_client(instance.installed)
    instance.mail_system(relayhost="[127.0.0.1]:%d" % receiver.port)
    proc = instance.sendmail("-f", "root@host.example.com",
                             "pftest1@dest.example",
                             input=BODY.encode("utf-8"))
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: b"last line" in mailbox(receiver, "pftest1"), 30,
               "the message in %s/pftest1\nsender:\n%s\nreceiver:\n%s"
               % (receiver.spool, instance.log(), receiver.log()))
    raw = mailbox(receiver, "pftest1")
    assert raw.startswith(b"From root@host.example.com ")
    header, body = raw.split(b"\n\n", 1)
    assert b"\nReturn-Path: <root@host.example.com>\n" in header
    assert b"\nDelivered-To: pftest1@dest.example\n" in header
    # The receiving smtpd's trace header names our client's HELO name.
    assert re.search(rb"\nReceived: from host\.example\.com \(localhost "
                     rb"\[127\.0\.0\.1\]\)\n\tby receiver\.example\.net",
                     header), header
    for line in BODY.split("\n\n", 1)[0].split("\n"):
        assert b"\n" + line.encode() + b"\n" in header, line
    # mbox format quotes nothing here; the body is byte for byte intact
    # (dots unstuffed, 8-bit text unchanged, no 7-bit conversion).
    expect = BODY.split("\n\n", 1)[1].encode("utf-8")
    assert body.rstrip(b"\n") == expect.rstrip(b"\n"), body
    if instance.maillog is None:
        return
    # Sender: status=sent with the server's reply and its queue ID.
    pattern = (r"(\w+): to=<pftest1@dest\.example>, relay=127\.0\.0\.1"
               r"\[127\.0\.0\.1\]:%d, delay=[0-9.]+, delays=[0-9.]+/[0-9.]+"
               r"/[0-9.]+/[0-9.]+, dsn=2\.0\.0, status=sent \(250 2\.0\.0 "
               r"Ok: queued as (\w+)\)" % receiver.port)
    found = wait_until(lambda: re.search(pattern, instance.log()), 30,
                       "the sender's status=sent line in\n" + instance.log())
    their_id = found.group(2)
    # Receiver: the same queue ID, received from our client, delivered.
    receiver.wait_log("%s: client=localhost[127.0.0.1]" % their_id)
    receiver.wait_log("%s: to=<pftest1@dest.example>, relay=local" % their_id,
                      timeout=30)
    assert re.search(r"%s: to=<pftest1@dest\.example>, relay=local, .*"
                     r"status=sent \(delivered to mailbox\)" % their_id,
                     receiver.log()), receiver.log()
    instance.wait_log("%s: removed" % found.group(1))


def test_relay_several_messages_and_recipients(instance, receiver):
    """Three messages, two recipients each (one of them unknown to the
    receiver's local delivery), all over the same relayhost."""
    instance.mail_system(relayhost="[127.0.0.1]:%d" % receiver.port)
    for n in range(3):
        proc = instance.sendmail(
            "-f", "root@host.example.com", "pftest1@dest.example",
            "pftest2@dest.example",
            input=("Subject: message %d\n\nbody %d\n" % (n, n)).encode())
        assert proc.returncode == 0, proc.stderr
    for user in ("pftest1", "pftest2"):
        wait_until(lambda: mailbox(receiver, user).count(b"\nbody ") == 3,
                   30, "three messages for %s\nsender:\n%s\nreceiver:\n%s"
                   % (user, instance.log(), receiver.log()))
        box = mailbox(receiver, user)
        for n in range(3):
            assert b"Subject: message %d\n" % n in box
    if instance.maillog is None:
        return
    wait_until(lambda: len(re.findall(
        r"to=<pftest[12]@dest\.example>, relay=127\.0\.0\.1\[127\.0\.0\.1\]"
        r":%d, .*status=sent" % receiver.port, instance.log())) == 6, 30,
        "six status=sent lines in\n" + instance.log())
