"""
test_bounce.py - bounce(8) stand-alone, against a running cleanup

Starts master with cleanup and trivial-rewrite only (no qmgr, so new
mail stays in incoming/), submits an original message through
public/cleanup, and runs the installed bounce program with -S on one
end of a socket pair, talking its protocol (src/global/bounce_clnt.h)
with a small attribute client. Checks: append writes the status log;
flush sends an RFC 3464 report to the sender (parsed with Python's
email package: multipart/report, delivery-status fields, the returned
message) and removes the log; DSN NOTIFY=NEVER sends nothing; a
bounce of a bounce is dropped, or goes to the postmaster with
notify_classes=2bounce; delay warnings keep the log; trace reports
for sendmail -bv; bad requests fail without killing the server.
"""

import email
import email.policy
import os
import re
import shutil
import socket
import subprocess

import pytest

from test_cleanup import message, postcat, start, submit

DEL_REQ_FLAG_USR_VRFY = 1 << 1
NOTIFY_NEVER = 1 << 0
NOTIFY_SUCCESS = 1 << 1


def bounce_program(instance):
    path = os.path.join(instance.installed.path("daemon_directory"),
                        "bounce")
    if not os.path.exists(path):
        pytest.skip("bounce is not installed")
    return path


def encode(attrs):
    """attrs: (name, value) with int -> I, ("L", n) -> L, str -> S."""
    out = b""
    for name, value in attrs:
        if isinstance(value, tuple):
            tag, data = b"L", str(value[1]).encode()
        elif isinstance(value, int):
            tag, data = b"I", str(value).encode()
        else:
            tag, data = b"S", value.encode()
        out += tag + b"%d:%s," % (len(name), name.encode())
        out += b"%d:%s," % (len(data), data)
    return out + b"E"


def read_reply(f):
    """One reply: {name: value}; None when the server hung up."""
    result = {}
    while True:
        tag = f.read(1)
        if not tag:
            return None
        if tag == b"E":
            return result

        def field():
            digits = b""
            while True:
                ch = f.read(1)
                assert ch, "connection closed"
                if ch == b":":
                    break
                digits += ch
            data = f.read(int(digits))
            assert f.read(1) == b","
            return data.decode()
        name = field()
        value = field()
        result[name] = int(value) if tag in b"IL" else value


def append(queue_id, rcpt, status, reason, notify=0, dtype="", dtext="",
           orig=""):
    return encode([
        ("request", "append"), ("flags", 0), ("queue_id", queue_id),
        ("orig_rcpt", orig), ("address", rcpt), ("dsn_orcpt", ""),
        ("dsn_notify", notify), ("offset", ("L", 100)), ("status", status),
        ("action", ""), ("reason", reason), ("dtype", dtype),
        ("dtext", dtext), ("mtype", "dns" if dtype else ""),
        ("mname", "mx.example.net" if dtype else ""),
        ("relay", "mx.example.net[192.0.2.1]:25"),
        ("log_sec", ("L", 1795312345))])


def notify(request, queue_id, sender, flags=0, ret=0):
    return encode([
        ("request", request), ("flags", flags), ("queue_name", "incoming"),
        ("queue_id", queue_id), ("encoding", ""), ("smtputf8", 0),
        ("sender", sender), ("dsn_envid", ""), ("dsn_ret", ret)])


def run_bounce(instance, service, requests):
    """Runs bounce -S -n service; returns (replies, stderr)."""
    ours, theirs = socket.socketpair()
    env = dict(os.environ, MAIL_CONFIG=instance.etc)
    proc = subprocess.Popen([bounce_program(instance), "-S", "-n", service],
                            stdin=theirs, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    theirs.close()
    ours.settimeout(30)
    f = ours.makefile("rb")
    replies = []
    for req in requests:
        ours.sendall(req)
        reply = read_reply(f)
        replies.append(reply)
        if reply is None:
            break
    ours.shutdown(socket.SHUT_WR)
    f.close()
    ours.close()
    _, err = proc.communicate(timeout=30)
    return replies, err.decode(errors="replace")


def incoming_ids(instance):
    return set(instance.queue_files("incoming"))


def log_path(instance, service, queue_id):
    for dirpath, _, files in os.walk(os.path.join(instance.queue, service)):
        if queue_id in files:
            return os.path.join(dirpath, queue_id)
    return None


def setup_original(instance, sender="alice@example.org", **main_cf):
    """Cleanup running, one original message in incoming/; its ID."""
    bounce_program(instance)
    path = start(instance)
    if main_cf:
        instance.write_main_cf(**main_cf)
    queue_id, reply = submit(path, message(
        sender, ["bob@host.example.com"],
        ["Subject: original subject", "From: <%s>" % sender, "",
         "original body line"]))
    assert reply["status"] == 0, reply
    return queue_id


def envelope_and_message(instance, queue_id):
    """(postcat text, email.message.Message of the content)."""
    text = postcat(instance, queue_id)
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    proc = subprocess.run([instance.installed.command("postcat"), "-bh",
                           "-c", instance.etc, "-q", queue_id],
                          env=env, capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return text, email.message_from_bytes(proc.stdout,
                                          policy=email.policy.compat32)


def new_message(instance, before):
    new = incoming_ids(instance) - before
    assert len(new) == 1, new
    return new.pop()


def status_groups(msg):
    """The delivery-status part: [per-message fields, per-recipient...]."""
    parts = [p for p in msg.walk()
             if p.get_content_type() == "message/delivery-status"]
    assert len(parts) == 1
    return [dict(g.items()) for g in parts[0].get_payload()]


def test_bounce_flush_sends_dsn(instance):
    queue_id = setup_original(instance)
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1",
               "host mx.example.net[192.0.2.1] said: 550 5.1.1 no such "
               "user (in reply to RCPT TO command)",
               dtype="smtp", dtext="550 5.1.1 no such user",
               orig="bobby@host.example.com"),
        append(queue_id, "carol@host.example.com", "5.2.2", "mailbox full"),
    ])
    assert replies == [{"status": 0}, {"status": 0}], err
    log = log_path(instance, "bounce", queue_id)
    assert log
    with open(log) as f:
        text = f.read()
    assert "recipient=bob@host.example.com\n" in text
    assert "status=5.1.1\n" in text
    assert text.endswith("\n\n")

    replies, err = run_bounce(instance, "bounce",
                              [notify("flush", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}], err
    assert log_path(instance, "bounce", queue_id) is None
    new_id = new_message(instance, before)
    logged = "%s: sender non-delivery notification: %s" % (queue_id, new_id)
    assert logged in err or instance.wait_log(logged) is not None

    env, msg = envelope_and_message(instance, new_id)
    assert re.search(r"^sender: *$", env, re.M), env
    assert "recipient: alice@example.org" in env
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    assert msg["Subject"] == "Undelivered Mail Returned to Sender"
    assert msg["From"] == ("MAILER-DAEMON@host.example.com "
                           "(Mail Delivery System)")
    assert msg["Auto-Submitted"] == "auto-replied"
    parts = msg.get_payload()
    assert [p.get_content_type() for p in parts] == [
        "text/plain", "message/delivery-status", "message/rfc822"]
    human = parts[0].get_payload()
    assert ("<bob@host.example.com> (expanded from <bobby@host.example.com>)"
            ": host mx.example.net[192.0.2.1] said: 550 5.1.1" in human)
    assert "<carol@host.example.com>: mailbox full" in human
    groups = status_groups(msg)
    assert groups[0]["Reporting-MTA"] == "dns; host.example.com"
    assert groups[0]["X-Postfix-Queue-ID"] == queue_id
    assert groups[0]["X-Postfix-Sender"] == "rfc822; alice@example.org"
    assert "Arrival-Date" in groups[0]
    assert groups[1]["Final-Recipient"] == "rfc822; bob@host.example.com"
    assert groups[1]["Original-Recipient"] == "rfc822; bobby@host.example.com"
    assert groups[1]["Action"] == "failed"
    assert groups[1]["Status"] == "5.1.1"
    assert groups[1]["Remote-MTA"] == "dns; mx.example.net"
    assert groups[1]["Diagnostic-Code"] == "smtp; 550 5.1.1 no such user"
    assert groups[2]["Status"] == "5.2.2"
    assert groups[2]["Diagnostic-Code"] == "X-Postfix; mailbox full"
    original = parts[2].get_payload()[0]
    assert original["Subject"] == "original subject"
    assert "original body line" in original.get_payload()


def test_headers_only_over_size_limit(instance):
    queue_id = setup_original(instance)
    instance.write_main_cf(bounce_size_limit=10)
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1", "no such user"),
        notify("flush", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}, {"status": 0}], err
    _, msg = envelope_and_message(instance, new_message(instance, before))
    last = msg.get_payload()[2]
    assert last.get_content_type() == "text/rfc822-headers"
    assert "original subject" in last.get_payload()
    assert "original body line" not in last.get_payload()


def test_notify_never_sends_nothing(instance):
    queue_id = setup_original(instance)
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1", "no such user",
               notify=NOTIFY_NEVER),
        notify("flush", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}, {"status": 0}], err
    assert incoming_ids(instance) == before
    assert log_path(instance, "bounce", queue_id) is None


def test_double_bounce(instance):
    queue_id = setup_original(instance, sender="")
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1", "no such user"),
        notify("flush", queue_id, "")])
    assert replies == [{"status": 0}, {"status": 0}], err
    assert incoming_ids(instance) == before
    logged = "%s: undeliverable postmaster notification discarded" % queue_id
    assert logged in err or instance.wait_log(logged) is not None

    instance.write_main_cf(notify_classes="resource, software, 2bounce")
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1", "no such user"),
        notify("flush", queue_id, "")])
    assert replies == [{"status": 0}, {"status": 0}], err
    new_id = new_message(instance, before)
    env, msg = envelope_and_message(instance, new_id)
    assert "recipient: postmaster@host.example.com" in env
    assert "sender: double-bounce@host.example.com" in env
    assert msg["Subject"] == "Postmaster Copy: Undelivered Mail"

    # "bounce" implies "2bounce" (postconf.5, notify_classes).
    before = incoming_ids(instance)
    instance.write_main_cf(notify_classes="resource, software, bounce")
    replies, err = run_bounce(instance, "bounce", [
        append(queue_id, "bob@host.example.com", "5.1.1", "no such user"),
        notify("flush", queue_id, "")])
    assert replies == [{"status": 0}, {"status": 0}], err
    new_id = new_message(instance, before)
    env, msg = envelope_and_message(instance, new_id)
    assert "recipient: postmaster@host.example.com" in env


def test_delay_warning_keeps_log(instance):
    queue_id = setup_original(instance)
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "defer", [
        append(queue_id, "bob@host.example.com", "4.4.1",
               "connect to mx.example.net: Connection refused"),
        notify("warn", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}, {"status": 0}], err
    assert log_path(instance, "defer", queue_id)
    assert os.sep + "defer" + os.sep in log_path(instance, "defer", queue_id)
    _, msg = envelope_and_message(instance, new_message(instance, before))
    assert msg["Subject"] == "Delayed Mail (still being retried)"
    groups = status_groups(msg)
    assert groups[1]["Action"] == "delayed"
    assert groups[1]["Status"] == "4.4.1"
    assert "Last-Attempt-Date" in groups[1]
    assert msg.get_payload()[2].get_content_type() == "text/rfc822-headers"

    # An expired message: the defer log becomes a non-delivery notice.
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "defer", [
        notify("flush", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}], err
    assert log_path(instance, "defer", queue_id) is None
    _, msg = envelope_and_message(instance, new_message(instance, before))
    assert msg["Subject"] == "Undelivered Mail Returned to Sender"
    assert status_groups(msg)[1]["Action"] == "failed"


def test_trace_report(instance):
    queue_id = setup_original(instance)
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "trace", [
        append(queue_id, "bob@host.example.com", "2.0.0",
               "delivered to mailbox"),
        append(queue_id, "carol@host.example.com", "2.0.0",
               "delivered to mailbox", notify=NOTIFY_SUCCESS),
        notify("flush", queue_id, "alice@example.org")])
    assert replies == [{"status": 0}] * 3, err
    _, msg = envelope_and_message(instance, new_message(instance, before))
    assert msg["Subject"] == "Successful Mail Delivery Report"
    groups = status_groups(msg)
    assert [g["Final-Recipient"] for g in groups[1:]] == [
        "rfc822; carol@host.example.com"]
    assert groups[1]["Action"] == "delivered"

    # sendmail -bv: every recipient, another subject.
    before = incoming_ids(instance)
    replies, err = run_bounce(instance, "trace", [
        append(queue_id, "bob@host.example.com", "2.0.0",
               "delivers to mailbox"),
        notify("flush", queue_id, "alice@example.org",
               flags=DEL_REQ_FLAG_USR_VRFY)])
    assert replies == [{"status": 0}] * 2, err
    _, msg = envelope_and_message(instance, new_message(instance, before))
    assert msg["Subject"] == "Mail Delivery Status Report"
    logged = "%s: sender delivery status notification: " % queue_id
    assert logged in err or instance.wait_log(logged) is not None


def test_bad_requests(instance):
    queue_id = setup_original(instance)
    replies, err = run_bounce(instance, "bounce", [
        append("../../etc", "bob@host.example.com", "5.1.1", "x"),
        append(queue_id, "bob@host.example.com", "9.9", "x"),
        encode([("request", "explode")]),
        notify("warn", queue_id, "alice@example.org"),
        notify("flush", "ABCDEF12345", "alice@example.org"),
        append(queue_id, "bob@host.example.com", "5.1.1", "x"),
    ])
    assert replies == [{"status": -1}, {"status": -1}, {"status": -1},
                       {"status": -1}, {"status": 0}, {"status": 0}], err
    assert "unknown request" in err or instance.wait_log(
        "unknown request") is not None
    assert not os.path.exists(os.path.join(instance.base, "etc", "bounce"))
