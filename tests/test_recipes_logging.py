"""
test_recipes_logging.py - the recipes of LOGGING_README

The test instance always logs through postlogd to a file of its own;
these tests install the guide's maillog_file setting with /var/log/
moved into the instance directory (the only change, so that the tests
never write the host's /var/log), check that the guide's postlog line
is the one the shipped master.cf has, send mail over SMTP and with
sendmail to a Python SMTP sink (relayhost, test plumbing), and compare
the lines of the file with the shapes the guide shows: smtpd connect,
client=, disconnect with command counts, cleanup message-id=, pickup
uid= from=, qmgr from= size= nrcpt= (queue active), smtp to= relay=
delay= delays= dsn= status=sent, qmgr removed, a NOQUEUE reject, and a
postlog(1) line. syslog_name is checked in the tags.
"""

import os
import re
import smtplib
import subprocess

import pytest

import recipes
from conftest import TOP, wait_until
from smtpsink import SMTPSink

STAMP = r"[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} host"


def require(instance):
    if not instance.maillog:
        pytest.skip("postlogd is not installed")
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite", "smtp",
                 "pickup"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def columns(line):
    return line.split()


def shipped_postlog_line():
    with open(os.path.join(TOP, "conf", "master.cf")) as f:
        for line in f:
            if line.startswith("postlog "):
                return line
    raise AssertionError("no postlog line in conf/master.cf")


def traffic(instance, sink):
    """One message over SMTP, one with sendmail, one rejected RCPT."""
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=20)
    s.ehlo("client.example.com")
    assert s.sendmail("a@example.org", ["u@remote.example"],
                      b"Subject: x\r\nMessage-ID: <m1@example.org>\r\n\r\n"
                      b"body\r\n") == {}
    s.quit()
    r = instance.sendmail("-f", "b@example.org", "v@remote.example",
                          input=b"Subject: y\n\nbody\n")
    assert r.returncode == 0, r.stderr
    sink.wait_messages(2)


def wait_re(instance, pattern, timeout=20):
    return wait_until(lambda: re.search(pattern, instance.log(), re.M),
                      timeout, "%r in the log:\n%s"
                      % (pattern, instance.log()[-3000:]))


def test_recipe_log_file(instance):
    require(instance)
    text = recipes.recipes()["log-file"]
    setting = recipes.main_cf_settings(text["main.cf"])["maillog_file"]
    assert setting == "/var/log/postfix.log"
    assert columns(text["master.cf"]) == columns(shipped_postlog_line())
    logdir = os.path.join(instance.base, "log")
    os.mkdir(logdir)
    path = setting.replace("/var/log/", logdir + "/")
    with SMTPSink() as sink:
        # The instance writes the same postlog line itself.
        recipes.apply(instance, "log-file", master_filter=lambda t: "",
                      maillog_file=path,
                      relayhost="[127.0.0.1]:%d" % sink.port)
        instance.maillog = path
        traffic(instance, sink)
    smtp_id = wait_re(instance, r"^%s postfix/smtpd\[\d+\]: ([0-9A-F]+): "
                      r"client=localhost\[127\.0\.0\.1\]$" % STAMP).group(1)
    pick_id = wait_re(instance, r"^%s postfix/pickup\[\d+\]: ([0-9A-F]+): "
                      r"uid=0 from=<b@example\.org>$" % STAMP).group(1)
    wait_re(instance, r"^%s postfix/smtpd\[\d+\]: connect from "
            r"localhost\[127\.0\.0\.1\]$" % STAMP)
    wait_re(instance, r"^%s postfix/cleanup\[\d+\]: %s: "
            r"message-id=<m1@example\.org>$" % (STAMP, smtp_id))
    wait_re(instance, r"^%s postfix/smtpd\[\d+\]: disconnect from "
            r"localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=1 data=1 quit=1 "
            r"commands=5$" % STAMP)
    for qid, sender, rcpt in ((smtp_id, "a@example.org", "u@remote.example"),
                              (pick_id, "b@example.org", "v@remote.example")):
        wait_re(instance, r"^%s postfix/qmgr\[\d+\]: %s: from=<%s>, "
                r"size=\d+, nrcpt=1 \(queue active\)$"
                % (STAMP, qid, re.escape(sender)))
        wait_re(instance, r"^%s postfix/smtp\[\d+\]: %s: to=<%s>, "
                r"relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+, delay=[\d.]+, "
                r"delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, dsn=2\.0\.0, "
                r"status=sent \(250 .*\)$" % (STAMP, qid, re.escape(rcpt)))
        wait_re(instance, r"^%s postfix/qmgr\[\d+\]: %s: removed$"
                % (STAMP, qid))
    # A rejection has no queue ID yet. The default relay restrictions
    # accept mynetworks, so provoke one with an unknown local user.
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=20)
    s.ehlo("client.example.com")
    s.mail("a@example.org")
    assert s.rcpt("nosuchuser@host.example.com")[0] == 550
    s.quit()
    wait_re(instance, r"^%s postfix/smtpd\[\d+\]: NOQUEUE: reject: RCPT from "
            r"localhost\[127\.0\.0\.1\]: 550 5\.1\.1 "
            r"<nosuchuser@host\.example\.com>: .*; from=<a@example\.org> "
            r"to=<nosuchuser@host\.example\.com> proto=ESMTP "
            r"helo=<client\.example\.com>$" % STAMP)
    # postlog(1), the guide's example.
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    proc = subprocess.run([instance.installed.command("postlog"), "-c",
                           instance.etc, "-t", "backup", "-p", "warn",
                           "nightly backup of the queue started"],
                          env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    wait_re(instance, r"^%s backup\[\d+\]: warning: nightly backup of the "
            r"queue started$" % STAMP)
    # postfix check accepts the setting with the postlog service.
    check = instance.postfix("check")
    assert check.returncode == 0, check.stderr


def test_recipe_log_tag(instance):
    require(instance)
    with SMTPSink() as sink:
        recipes.apply(instance, "log-tag",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        traffic(instance, sink)
    wait_re(instance, r"^%s mailhub/smtpd\[\d+\]: connect from " % STAMP)
    wait_re(instance, r"^%s mailhub/qmgr\[\d+\]: [0-9A-F]+: from=<a@" % STAMP)
    wait_re(instance, r"^%s mailhub/smtp\[\d+\]: [0-9A-F]+: to=<u@remote"
            % STAMP)
    assert not re.search(r" postfix/(smtpd|qmgr|smtp|cleanup)\[",
                         instance.log()), instance.log()
