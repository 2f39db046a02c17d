"""
test_recipes_queue.py - the recipes of QUEUE_README

Mail goes out through relayhost (test plumbing): either the Python SMTP
sink tests/smtpsink.py, or a free loopback port where nobody listens,
so that every attempt fails with "Connection refused". The tests check
the hold queue and its release with postsuper -H, the retry time that
qmgr gives a deferred message (the file's modification time), and that
maximal_queue_lifetime = 0 returns undeliverable mail after one try.
"""

import os
import re
import smtplib
import subprocess
import time

import pytest

import recipes
from conftest import free_ports, wait_until
from smtpsink import SMTPSink


def require(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite", "smtp",
                 "pickup", "bounce", "showq"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def command(instance, prog, *args):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    proc = subprocess.run([instance.installed.command(prog), "-c",
                           instance.etc] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc


def queue_path(instance, queue, qid):
    for root, _dirs, files in os.walk(os.path.join(instance.queue, queue)):
        if qid in files:
            return os.path.join(root, qid)
    return None


def sendmail(instance, sender, rcpt):
    r = instance.sendmail("-f", sender, rcpt,
                          input=b"Subject: queue recipe\n\nbody\n")
    assert r.returncode == 0, r.stderr


def queue_id_of(instance, text, timeout=30):
    m = wait_until(lambda: re.search(r"([0-9A-F]{6,}): " + re.escape(text),
                                     instance.log()), timeout,
                   "%r in the log:\n%s" % (text, instance.log()[-2000:]))
    return m.group(1)


def test_recipe_queue_hold(instance):
    require(instance)
    with SMTPSink() as sink:
        recipes.apply(instance, "queue-hold",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=20)
        s.ehlo("client.example.com")
        assert s.sendmail("newsletter@example.net", ["user@remote.example"],
                          b"Subject: held\r\n\r\nbody\r\n") == {}
        s.quit()
        instance.wait_log("hold: RCPT from localhost[127.0.0.1]: "
                          "<newsletter@example.net>: Sender address "
                          "triggers HOLD action;")
        qid = queue_id_of(instance, "client=localhost[127.0.0.1]")
        wait_until(lambda: queue_path(instance, "hold", qid), 10,
                   "message in hold")
        # mailq marks it with "!"; nothing is delivered.
        listing = command(instance, "postqueue", "-p").stdout
        assert re.search(r"^%s!\s+\d+ .* newsletter@example\.net$" % qid,
                         listing, re.M), listing
        time.sleep(1)
        assert not sink.messages
        # Release and flush: it goes out.
        proc = command(instance, "postsuper", "-H", qid)
        assert "released from hold" in proc.stderr or \
            "Released" in proc.stderr, proc.stderr
        assert not queue_path(instance, "hold", qid)
        command(instance, "postqueue", "-f")
        msg = sink.wait_messages(1)[0]
        assert msg.rcpts == ["user@remote.example"]
        assert b"Subject: held" in msg.data
    instance.wait_log("%s: released from hold" % qid)


def test_recipe_queue_retry(instance):
    """A deferred message's retry time is now + minimal_backoff_time."""
    require(instance)
    dead = free_ports(1)[0]
    recipes.apply(instance, "queue-retry", relayhost="[127.0.0.1]:%d" % dead)
    for name, value in (("minimal_backoff_time", "120s"),
                        ("queue_run_delay", "120s"),
                        ("delay_warning_time", "4h")):
        got = command(instance, "postconf", "-h", name).stdout.strip()
        assert got == value, (name, got)
    sendmail(instance, "alice@example.org", "user@remote.example")
    qid = queue_id_of(instance, "to=<user@remote.example>")
    instance.wait_log("status=deferred")
    path = wait_until(lambda: queue_path(instance, "deferred", qid), 10,
                      "message in deferred")
    delay = os.stat(path).st_mtime - time.time()
    assert 110 <= delay <= 121, delay
    listing = command(instance, "postqueue", "-p").stdout
    assert "Connection refused" in listing, listing


def test_recipe_queue_once(instance):
    """maximal_queue_lifetime = 0: one attempt, then returned."""
    require(instance)
    dead = free_ports(1)[0]
    recipes.apply(instance, "queue-once", relayhost="[127.0.0.1]:%d" % dead,
                  mail_spool_directory=os.path.join(instance.base, "mail"))
    sendmail(instance, "alice@example.org", "user@remote.example")
    instance.wait_log("from=<alice@example.org>, status=expired, returned "
                      "to sender", timeout=30)
    qid = queue_id_of(instance, "from=<alice@example.org>, status=expired")
    assert re.search(r"%s: to=<user@remote\.example>.*status=deferred"
                     % qid, instance.log())
    instance.wait_log("%s: sender non-delivery notification: " % qid)
    wait_until(lambda: "%s: removed" % qid in instance.log(), 10,
               "message removed")
