"""
test_bounce_system.py - non-delivery and verification reports end to end

sendmail -> pickup -> cleanup -> qmgr -> error(8) (local_transport =
error:...) -> bounce(8) -> cleanup: the notification to the remote
sender then waits in the deferred queue (defer_transports = smtp), so
that its content can be read with postcat and parsed with Python's
email package. Also sendmail -bv: nothing is delivered and the sender
gets a "Mail Delivery Status Report"; and sendmail -v: the delivery is
reported to the sender. Skipped while one of the programs is missing.
"""

import email
import email.policy
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import wait_until

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite", "bounce", "error")


def start(instance, **main_cf):
    daemons = instance.installed.path("daemon_directory")
    missing = [p for p in NEEDED
               if not os.path.exists(os.path.join(daemons, p))]
    if missing:
        pytest.skip("needs %s (not installed yet)" % ", ".join(missing))
    if not instance.maillog:
        pytest.skip("needs postlogd for the notification's queue ID")
    settings = dict(local_transport="error:5.1.1 no such user here",
                    defer_transports="smtp")
    settings.update(main_cf)
    instance.mail_system(**settings)


def read_message(instance, queue_id):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    argv = [instance.installed.command("postcat"), "-c", instance.etc,
            "-q", queue_id]
    wait_until(lambda: subprocess.run(argv, env=env, capture_output=True,
                                      timeout=30).returncode == 0,
               20, "queue file %s" % queue_id)
    envelope = subprocess.run(argv, env=env, capture_output=True, text=True,
                              timeout=30).stdout
    proc = subprocess.run(argv[:1] + ["-bh"] + argv[1:], env=env,
                          capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return envelope, email.message_from_bytes(proc.stdout,
                                              policy=email.policy.compat32)


def poke(instance):
    """A wakeup for qmgr. XXX(issue 6): as test_qmgr.py, until cleanup's
    own wakeup reaches the unix socket of qmgr."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(os.path.join(instance.queue, "public", "qmgr"))
            s.sendall(b"I")
    except OSError:
        pass


def wait_log_poking(instance, marker, timeout=60):
    """wait_log, waking qmgr now and then."""
    last = [0.0]

    def look():
        if marker in instance.log():
            return True
        if time.monotonic() - last[0] > 0.5:
            poke(instance)
            last[0] = time.monotonic()
        return False
    wait_until(look, timeout, "%r in the log" % marker)


def notification_id(instance, what):
    """The queue ID in "ID: sender WHAT notification: NEWID"."""
    marker = "sender %s notification: " % what
    wait_log_poking(instance, marker)
    line = [l for l in instance.log().splitlines() if marker in l][0]
    return line.split(marker)[1].split()[0]


def delivery_status(msg):
    parts = [p for p in msg.walk()
             if p.get_content_type() == "message/delivery-status"]
    assert len(parts) == 1
    return [dict(g.items()) for g in parts[0].get_payload()]


def test_unknown_user_returns_dsn(instance):
    start(instance)
    proc = instance.sendmail("-f", "alice@remote.example",
                             "bob@host.example.com",
                             input="Subject: lost\n\nhello bob\n")
    assert proc.returncode == 0, proc.stderr
    new_id = notification_id(instance, "non-delivery")
    envelope, msg = read_message(instance, new_id)
    assert "recipient: alice@remote.example" in envelope
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    assert msg["Subject"] == "Undelivered Mail Returned to Sender"
    groups = delivery_status(msg)
    assert groups[1]["Final-Recipient"] == "rfc822; bob@host.example.com"
    assert groups[1]["Action"] == "failed"
    assert groups[1]["Status"] == "5.1.1"
    assert groups[1]["Diagnostic-Code"] == "X-Postfix; no such user here"
    human = msg.get_payload()[0].get_payload()
    assert "<bob@host.example.com>: no such user here" in human
    returned = msg.get_payload()[2]
    assert returned.get_content_type() == "message/rfc822"
    assert returned.get_payload()[0]["Subject"] == "lost"
    # The bounce log is gone once the notification is queued.
    wait_until(lambda: not instance.queue_files("bounce"), 20,
               "empty bounce queue")


def test_sendmail_bv_reports(instance):
    start(instance)
    proc = instance.sendmail("-bv", "-f", "alice@remote.example",
                             "bob@host.example.com")
    assert proc.returncode == 0, proc.stderr
    new_id = notification_id(instance, "delivery status")
    envelope, msg = read_message(instance, new_id)
    assert "recipient: alice@remote.example" in envelope
    assert msg["Subject"] == "Mail Delivery Status Report"
    groups = delivery_status(msg)
    assert groups[1]["Final-Recipient"] == "rfc822; bob@host.example.com"
    assert groups[1]["Status"] == "5.1.1"
    # Nothing bounced: no non-delivery notification.
    assert "non-delivery notification" not in instance.log()


def test_sendmail_v_reports_delivery(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "discard")):
        pytest.skip("needs discard (not installed yet)")
    start(instance, default_transport="discard", defer_transports="")
    proc = instance.sendmail("-v", "-f", "alice@remote.example",
                             "carol@remote.example",
                             input="Subject: tell me\n\nhello\n")
    assert proc.returncode == 0, proc.stderr
    new_id = notification_id(instance, "delivery status")
    assert re.search(r"to=<carol@remote.example>, .*status=sent",
                     instance.log())
    # The report itself goes out like any mail (here: discarded).
    wait_log_poking(instance, "%s: to=<alice@remote.example>" % new_id)
