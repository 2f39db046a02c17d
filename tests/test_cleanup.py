"""
test_cleanup.py - cleanup(8) on a private instance

Starts master with cleanup and trivial-rewrite and submits messages
over public/cleanup with a small Python client (attribute framing of
src/global/attr.h, records of src/global/rec.h): a local submission
gets canonical addresses, the Received:, From:, Date: and Message-Id:
headers, and a complete (mode 0700) queue file that postcat shows;
sendmail -t extraction removes Bcc:; a message without recipients is
refused; a cleanup process killed mid-message leaves no complete file.
"""

import os
import shutil
import signal
import socket
import stat
import subprocess

from conftest import wait_until
from test_trivial_rewrite import AttrReader, attr_encode

FLAG_EXTRACT = 1 << 6
STAT_RCPT = 1 << 5


def record(rtype, data):
    """One rec.h record: type, base-128 length (low first), data."""
    if isinstance(data, str):
        data = data.encode()
    out = rtype.encode()
    n = len(data)
    while True:
        if n > 127:
            out += bytes([(n & 127) | 128])
            n >>= 7
        else:
            out += bytes([n])
            break
    return out + data


def message(sender, rcpts, lines, attrs=(), fullname=None):
    out = record("T", "1700000000 5")
    for a in attrs:
        out += record("A", a)
    if fullname:
        out += record("F", fullname)
    out += record("S", sender)
    for r in rcpts:
        out += record("R", r)
    out += record("M", "")
    for line in lines:
        out += record("N", line)
    return out + record("X", "") + record("E", "")


def start(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("cleanup", "trivial-rewrite"):
        shutil.copy(os.path.join(daemons, prog), instance.libexec)
    instance.write_main_cf(myhostname="host.example.com",
                           mydomain="example.com",
                           myorigin="$myhostname")
    instance.write_master_cf(
        instance.echo_service(instance.port)
        + "cleanup unix n - n - 0 cleanup\n"
        + "rewrite unix - - n - - trivial-rewrite\n")
    instance.start()
    path = os.path.join(instance.queue, "public", "cleanup")
    wait_until(lambda: os.path.exists(path), 10, "public/cleanup")
    return path


def connect(path, flags=0):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(20)
    sock.connect(path)
    reader = AttrReader(sock)
    queue_id = reader.reply()["queue_id"]
    sock.sendall(attr_encode([("flags", flags)]))
    return sock, reader, queue_id


def submit(path, data, flags=0):
    sock, reader, queue_id = connect(path, flags)
    sock.sendall(data)
    reply = reader.reply()
    sock.close()
    return queue_id, reply


def postcat(instance, queue_id):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    proc = subprocess.run([instance.installed.command("postcat"),
                           "-c", instance.etc, "-q", queue_id],
                          env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def incoming(instance, queue_id):
    """Path of queue_id in incoming/ (hashed or not), or None."""
    for dirpath, _, files in os.walk(os.path.join(instance.queue,
                                                  "incoming")):
        if queue_id in files:
            return os.path.join(dirpath, queue_id)
    return None


def test_local_submission(instance):
    path = start(instance)
    queue_id, reply = submit(path, message(
        "alice", ["bob", "bob", "carol@example.org"],
        ["Subject: hello", "", "body line"],
        attrs=["userid=1001", "protocol_name=sendmail"],
        fullname="Alice Example"))
    assert reply == {"status": 0, "reason": ""}
    qfile = incoming(instance, queue_id)
    assert qfile, queue_id
    assert stat.S_IMODE(os.stat(qfile).st_mode) == 0o700
    text = postcat(instance, queue_id)
    assert "sender: alice@host.example.com" in text
    assert text.count("recipient: bob@host.example.com") == 1
    assert "original_recipient: bob" in text
    assert "recipient: carol@example.org" in text
    assert ("Received: by host.example.com (Postfix, from userid 1001)"
            in text)
    assert "\tid %s; " % queue_id in text
    assert "From: Alice Example <alice@host.example.com>" in text
    assert "Date: " in text
    assert "Message-Id: <2023111422" in text
    assert ".%s@host.example.com>" % queue_id in text
    assert text.index("Subject: hello") < text.index("From: Alice")
    assert text.index("From: Alice") < text.index("body line")
    instance.wait_log("%s: message-id=<" % queue_id)


def test_smtpd_received_and_extract(instance):
    path = start(instance)
    queue_id, reply = submit(path, message(
        "alice@example.org", [],
        ["From: Alice <alice@example.org>", "To: bob, Carol <carol@x.org>",
         "Bcc: dave@y.org", "Message-ID: <m1@example.org>", "", "hi"],
        attrs=["client_name=mx.example.org", "client_address=192.0.2.1",
               "helo_name=helo.example.org", "protocol_name=ESMTP"]),
        flags=FLAG_EXTRACT)
    assert reply["status"] == 0, reply
    text = postcat(instance, queue_id)
    assert ("Received: from helo.example.org (mx.example.org [192.0.2.1])"
            in text)
    assert ("\tby host.example.com (Postfix) with ESMTP id %s;" % queue_id
            in text)
    for rcpt in ("bob@host.example.com", "carol@x.org", "dave@y.org"):
        assert "recipient: " + rcpt in text
    assert "Bcc:" not in text
    assert "Message-Id:" not in text
    assert "From: Alice <alice@example.org>" in text
    instance.wait_log("%s: message-id=<m1@example.org>" % queue_id)


def test_no_recipients(instance):
    path = start(instance)
    queue_id, reply = submit(path, message("alice", [], ["", "x"]))
    assert reply["status"] == STAT_RCPT
    assert reply["reason"]
    assert incoming(instance, queue_id) is None


def test_hopcount(instance):
    path = start(instance)
    queue_id, reply = submit(path, message(
        "alice", ["bob"], ["Received: by x"] * 50 + ["", "x"]))
    assert reply["status"] == 1 << 4
    assert incoming(instance, queue_id) is None


def test_disconnect_and_kill(instance):
    path = start(instance)
    # A client that goes away mid-message: the file is removed.
    sock, _, queue_id = connect(path)
    sock.sendall(record("S", "alice") + record("R", "bob")
                 + record("M", "") + record("N", "Subject: x"))
    sock.shutdown(socket.SHUT_RDWR)    # the reader's file keeps it open
    sock.close()
    wait_until(lambda: incoming(instance, queue_id) is None, 10,
               "removal of " + queue_id)
    instance.wait_log("%s: unexpected EOF from client" % queue_id)
    # cleanup killed mid-message: whatever is left is not complete.
    sock, _, queue_id = connect(path)
    sock.sendall(record("S", "alice") + record("R", "bob")
                 + record("M", "") + record("N", "Subject: x"))
    qfile = wait_until(lambda: incoming(instance, queue_id), 10, queue_id)
    pids = [p for p in instance.processes()
            if os.readlink("/proc/%d/exe" % p).endswith("/cleanup")]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    sock.close()
    if os.path.exists(qfile):
        assert stat.S_IMODE(os.stat(qfile).st_mode) == 0o600
