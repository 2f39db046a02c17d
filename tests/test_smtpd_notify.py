"""System tests of smtpd's session transcripts to the postmaster.

A private mail system delivers locally into a private spool; the
postmaster is an alias of the test user pftest1, so a notice shows up
as mail in that user's mailbox. smtpd keeps a transcript of each
session and, when the session had an error of a class listed in
notify_classes, submits it to $error_notice_recipient (postmaster)
from $double_bounce_sender: an unknown command (protocol), a relay
attempt (policy), a table lookup failure (software) and too little
queue space (resource), the last two in the default classes.
Sessions without such errors, and the default classes with protocol
or policy errors, send nothing; nor does sendmail -bs. The count of
transcripts in the mailbox shows that a notice causes no other
notice.
"""

import os
import re
import smtplib
import time

import pytest

from conftest import port_listening, wait_until

USER = "pftest1"


def start(instance, **main_cf):
    spool = os.path.join(instance.base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o1777)
    instance.spool = spool
    settings = dict(mail_spool_directory=spool, local_recipient_maps="",
                    alias_maps="inline:{ postmaster=%s }" % USER,
                    mynetworks="127.0.0.2/32")
    settings.update(main_cf)
    found = instance.mail_system(**settings)
    for prog in ("smtpd", "cleanup", "qmgr", "local", "trivial-rewrite"):
        if prog not in found:
            pytest.skip("%s is not installed" % prog)
    wait_until(lambda: port_listening(instance.port), 20, "smtpd")


def mailbox(instance):
    try:
        with open(os.path.join(instance.spool, USER), "rb") as f:
            return f.read().decode("latin-1")
    except FileNotFoundError:
        return ""


def wait_notice(instance, timeout=30):
    wait_until(lambda: "Transcript of session follows." in mailbox(instance),
               timeout, "a notice in the mailbox of %s" % USER)
    return mailbox(instance)


def session(instance, commands):
    """One SMTP session: commands are (command, expected code) pairs."""
    s = smtplib.SMTP(timeout=20)
    s.connect("127.0.0.1", instance.port)
    assert s.ehlo("client.example.com")[0] == 250
    for text, code in commands:
        got, msg = s.docmd(text)
        assert got == code, (text, got, msg)
    s.quit()


def test_protocol_notice(instance):
    start(instance, notify_classes="protocol")
    session(instance, [("XYZZY frob", 502), ("NOOP", 250)])
    text = wait_notice(instance)
    assert re.search(r"^Subject: Postfix SMTP server: errors from "
                     r"localhost\[127\.0\.0\.1\]$|^Subject: Postfix SMTP "
                     r"server: errors from \S+\[127\.0\.0\.1\]$", text, re.M)
    assert re.search(r"^Return-Path: <double-bounce@", text, re.M), text
    assert "In: ehlo client.example.com" in text
    assert "In: XYZZY frob" in text
    assert "Out: 502 5.5.2 Error: command not recognized" in text
    assert "Out: 220 " in text
    assert "In: quit" in text
    instance.wait_log("postmaster notice: protocol errors from")
    # The notice itself causes no second notice.
    time.sleep(1)
    assert mailbox(instance).count("Transcript of session follows.") == 1


def test_policy_notice(instance):
    start(instance, notify_classes="policy")
    # Nothing wrong in this one: a local recipient, then RSET.
    session(instance, [("MAIL FROM:<a@example.org>", 250),
                       ("RCPT TO:<%s@host.example.com>" % USER, 250),
                       ("RSET", 250)])
    session(instance, [("MAIL FROM:<a@example.org>", 250),
                       ("RCPT TO:<u@remote.example.net>", 454)])
    text = wait_notice(instance)
    assert text.count("Transcript of session follows.") == 1
    assert "In: RCPT TO:<u@remote.example.net>" in text
    assert "Out: 454 4.7.1 <u@remote.example.net>: Relay access denied" \
        in text
    assert "RCPT TO:<%s@" % USER not in text


def test_default_classes_send_nothing(instance):
    start(instance)
    session(instance, [("XYZZY", 502),
                       ("MAIL FROM:<a@example.org>", 250),
                       ("RCPT TO:<u@remote.example.net>", 454)])
    # A software error afterwards proves that the queue works; only
    # its own transcript may arrive.
    instance.write_main_cf(smtpd_sender_restrictions=
                           "check_sender_access fail:x")
    proc = instance.postfix("reload")
    assert proc.returncode == 0, proc.stderr
    time.sleep(1)
    session(instance, [("MAIL FROM:<probe@example.org>", 250),
                       ("RCPT TO:<%s@host.example.com>" % USER, 451)])
    text = wait_notice(instance)
    assert text.count("Transcript of session follows.") == 1
    assert "XYZZY" not in text
    assert "remote.example.net" not in text
    assert "In: MAIL FROM:<probe@example.org>" in text


def test_software_notice_default(instance):
    start(instance, smtpd_sender_restrictions="check_sender_access fail:x")
    # smtpd_delay_reject: the sender is checked at RCPT time.
    session(instance, [("MAIL FROM:<a@example.org>", 250),
                       ("RCPT TO:<%s@host.example.com>" % USER, 451)])
    text = wait_notice(instance)
    assert re.search(r"^Out: 451 4\.3\.0 <a@example\.org>: .*Temporary "
                     r"lookup failure", text, re.M), text
    assert "software" in text


def test_stand_alone_sends_nothing(instance):
    start(instance, notify_classes="protocol")
    proc = instance.sendmail("-bs", input=b"EHLO x\r\nXYZZY\r\nQUIT\r\n")
    assert b"502 5.5.2" in proc.stdout, proc.stdout
    # A daemon session afterwards: its notice is the only one.
    session(instance, [("FROBNICATE", 502)])
    text = wait_notice(instance)
    assert text.count("Transcript of session follows.") == 1
    assert "In: FROBNICATE" in text
    assert "In: XYZZY" not in text


def test_resource_notice_default(instance):
    # More free space required than any test machine has: MAIL FROM
    # gets 452 4.3.1, a resource error; cleanup still queues the notice.
    start(instance, queue_minfree="1000000000000000000")
    session(instance, [("MAIL FROM:<a@example.org>", 452)])
    text = wait_notice(instance)
    assert "Out: 452 4.3.1 Insufficient system storage" in text
    assert "resource" in text
