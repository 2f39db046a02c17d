"""test_smtp_lmtp.py - the lmtp(8) client against real LMTP servers

Dovecot's LMTP server (tests/dovecot.py: a private copy on a UNIX-domain
socket) receives mail from a full mail system whose transport_maps send
a domain to lmtp:unix:SOCKET, and stores it in a Maildir; the test
checks the stored message and the delivery log line. Then the
programmable sink of tests/smtpsink.py in LMTP mode, over TCP
(lmtp:inet:127.0.0.1:PORT), answers each recipient differently after
the final dot: one is delivered, one deferred, one bounced.

First of all, a direct LMTP session with the private Dovecot (smtplib)
shows that the server side works, whatever the client does.
"""

import os
import re
import smtplib

import pytest

import dovecot
from conftest import wait_until
from smtpsink import SMTPSink

pytestmark = pytest.mark.skipif(
    not dovecot.available() or os.getuid() != 0,
    reason="needs root and Dovecot (dovecot-core, dovecot-lmtpd: "
           "tools/install-deps)")

BODY = ("Subject: lmtp test\nFrom: root@host.example.com\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "first line\n.line with a leading dot\ncaf\u00e9 \u2603\n")


def need_lmtp(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("lmtp", "qmgr", "pickup", "cleanup", "trivial-rewrite",
                 "bounce", "local"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed yet" % prog)


def spool_dir(instance):
    """A private mail spool for local deliveries (bounces to root)."""
    spool = os.path.join(instance.base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o1777)
    return spool


def test_dovecot_direct_session():
    with dovecot.Dovecot(users=("alice", "bob")) as dc:
        c = smtplib.LMTP(dc.socket, timeout=10)
        try:
            code, _ = c.ehlo("client.example")
            assert code == 250 and c.has_extn("pipelining")
            assert c.mail("s@example.com")[0] == 250
            assert c.rcpt("alice@example.org")[0] == 250
            code, text = c.rcpt("nobody@example.org")
            assert code == 550 and b"5.1.1" in text
            code, text = c.data(b"Subject: direct\r\n\r\nhello\r\n")
            assert code == 250 and b"Saved" in text
        finally:
            c.quit()
        files = dc.wait_maildir("alice", 1)
        raw = dc.read(files[0])
        assert b"Subject: direct\n" in raw and raw.endswith(b"\nhello\n")
        assert b"Return-Path: <s@example.com>" in raw
        assert dc.messages("bob") == []


def test_lmtp_unix_to_dovecot_maildir(instance):
    need_lmtp(instance)
    with dovecot.Dovecot(users=("alice", "bob")) as dc:
        spool = spool_dir(instance)
        instance.mail_system(
            transport_maps="inline:{ dovecot.example=lmtp:unix:%s }"
                           % dc.socket,
            mail_spool_directory=spool)
        proc = instance.sendmail("-f", "root@host.example.com",
                                 "alice@dovecot.example",
                                 "bob@dovecot.example",
                                 "nobody@dovecot.example",
                                 input=BODY.encode("utf-8"))
        assert proc.returncode == 0, proc.stderr
        alice = dc.wait_maildir("alice", 1, timeout=30)
        bob = dc.wait_maildir("bob", 1, timeout=30)
        for path, rcpt in ((alice[0], "alice"), (bob[0], "bob")):
            raw = dc.read(path)
            assert b"Subject: lmtp test\n" in raw
            # one LMTP transaction for all three recipients: Dovecot
            # adds no Delivered-To, only its Received line
            assert b"Received: from host.example.com\n" in raw
            assert b"with LMTP" in raw
            assert b"Return-Path: <root@host.example.com>" in raw
            # dot-stuffing undone and 8-bit text intact
            assert raw.endswith("\n\nfirst line\n.line with a leading dot\n"
                                "caf\u00e9 \u2603\n".encode("utf-8")), raw
        if instance.maillog is None:
            return
        sock = re.escape(dc.socket)
        for rcpt in ("alice", "bob"):
            wait_until(lambda: re.search(
                r": to=<%s@dovecot.example>, relay=[^ ,]*\[%s\], "
                r"delay=[0-9.]+, delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, "
                r"dsn=2\.0\.0, status=sent \(250 2\.0\.0 <%s@dovecot"
                r"\.example> \S+ Saved\)" % (rcpt, sock, rcpt),
                instance.log()), 30, "the %s line in\n%s"
                % (rcpt, instance.log()))
        # Dovecot's 550 for an unknown user bounces that recipient
        instance.wait_log("to=<nobody@dovecot.example>", timeout=30)
        wait_until(lambda: re.search(
            r"to=<nobody@dovecot\.example>, relay=[^ ]*, .*dsn=5\.1\.1, "
            r"status=bounced \(host \S+ said: 550 5\.1\.1 "
            r"<nobody@dovecot\.example> User doesn't exist",
            instance.log()), 30, "the bounce line in\n" + instance.log())
        mbox = os.path.join(spool, "root")
        wait_until(lambda: os.path.exists(mbox)
                   and b"nobody@dovecot.example" in open(mbox, "rb").read(),
                   30, "the non-delivery report in " + mbox)


def test_lmtp_inet_per_recipient_replies(instance):
    need_lmtp(instance)
    with SMTPSink(lmtp=True, lmtp_replies={
            "later@sink.example": "452 4.2.2 mailbox full",
            "gone@sink.example": "550 5.1.1 no such mailbox"}) as sink:
        spool = spool_dir(instance)
        instance.mail_system(
            transport_maps="inline:{ sink.example=lmtp:inet:127.0.0.1:%d }"
                           % sink.port,
            mail_spool_directory=spool, minimal_backoff_time="300s",
            queue_run_delay="300s")
        rcpts = ["ok@sink.example", "later@sink.example",
                 "gone@sink.example"]
        proc = instance.sendmail("-f", "root@host.example.com", *rcpts,
                                 input=BODY.encode("utf-8"))
        assert proc.returncode == 0, proc.stderr
        tx = sink.wait_messages(1, timeout=30)[0]
        assert sink.sessions[0].hello_cmd == "LHLO"
        assert tx.mail_from == "root@host.example.com"
        assert sorted(tx.rcpts) == sorted(rcpts)
        assert b"Subject: lmtp test\r\n" in tx.data
        assert tx.data.endswith("\r\n\r\nfirst line\r\n.line with a leading "
                                "dot\r\ncaf\u00e9 \u2603\r\n".encode("utf-8"))
        if instance.maillog is None:
            return
        relay = r"relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d" % sink.port
        for rcpt, tail in (
                ("ok", r"dsn=2\.0\.0, status=sent \(250 2\.0\.0 Ok"),
                ("later", r"dsn=4\.2\.2, status=deferred \(host 127\.0\.0\.1"
                          r"\[127\.0\.0\.1\] said: 452 4\.2\.2 mailbox full"),
                ("gone", r"dsn=5\.1\.1, status=bounced \(host 127\.0\.0\.1"
                         r"\[127\.0\.0\.1\] said: 550 5\.1\.1 "
                         r"no such mailbox")):
            wait_until(lambda: re.search(
                r"to=<%s@sink\.example>, %s, .*%s" % (rcpt, relay, tail),
                instance.log()), 30, "the %s line in\n%s"
                % (rcpt, instance.log()))
        # the deferred recipient stays queued; the bounced one is reported
        wait_until(lambda: instance.queue_files("deferred"), 30,
                   "the message in deferred/")
        mbox = os.path.join(spool, "root")
        wait_until(lambda: os.path.exists(mbox)
                   and b"gone@sink.example" in open(mbox, "rb").read(), 30,
                   "the non-delivery report in " + mbox)
        with open(mbox, "rb") as f:
            report = f.read()
        assert b"Final-Recipient: rfc822; gone@sink.example" in report
        assert b"Final-Recipient: rfc822; later@sink.example" not in report
