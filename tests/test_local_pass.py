"""test_local_pass.py - local(8)'s mailbox_transport and fallback_transport

local(8) hands the destination to a master.cf service (here a pipe(8)
service running a script that appends to a file per recipient) as a
delivery request of its own; the pipe agent logs and marks it, and
local(8) learns from the reply whether it was deferred. Needs root and
the test users (see test_local.py).
"""

import os
import re
import subprocess
import time

import pytest

from test_local import need_users

SCRIPT = """#!/bin/sh
# $1: the recipient. Defers {slow} until the flag file exists.
case "$1" in
{slow}) if [ ! -e {flag} ]; then echo "mailbox not ready"; exit 75; fi ;;
esac
cat >> {drop}/"$1"
exit 0
"""


def wait_until(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def postqueue(instance, *args):
    return subprocess.run([instance.installed.command("postqueue"),
                           "-c", instance.etc] + list(args),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def mbt(instance):
    """A pipe service "mbt"; returns (drop directory, flag file)."""
    need_users()
    for prog in ("pipe", "showq"):
        if not os.path.exists(os.path.join(
                instance.installed.path("daemon_directory"), prog)):
            pytest.skip("%s is not installed yet" % prog)
    base = instance.base
    drop = os.path.join(base, "drop")
    os.mkdir(drop)
    os.chmod(drop, 0o1777)
    os.chmod(base, 0o755)
    flag = os.path.join(base, "ready")
    script = os.path.join(base, "mbt")
    with open(script, "w") as f:
        f.write(SCRIPT.format(slow="pftest2@*", flag=flag, drop=drop))
    os.chmod(script, 0o755)
    service = "mbt unix - n n - - pipe user=nobody argv=%s ${recipient}\n" \
        % script
    return drop, flag, service


def copies(drop, rcpt):
    path = os.path.join(drop, rcpt)
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return f.read().count(b"\nSubject: pass\n")


def send(instance, rcpt):
    r = instance.sendmail("-f", "sender@example.org", rcpt,
                          input=b"From: sender@example.org\n"
                                b"Subject: pass\n\nbody\n")
    assert r.returncode == 0, r.stderr


def empty_queue(instance):
    return "Mail queue is empty" in postqueue(instance, "-p").stdout


def test_mailbox_transport(instance, mbt):
    drop, flag, service = mbt
    instance.mail_system(services=service, mailbox_transport="mbt")
    send(instance, "pftest1@host.example.com")
    wait_until(lambda: copies(drop, "pftest1@host.example.com"), 60,
               "delivery through mbt\n" + instance.log())
    instance.wait_log("status=sent", timeout=20)
    wait_until(lambda: empty_queue(instance), 20, "an empty queue")
    instance.wait_log("removed", timeout=20)
    log = instance.log()
    assert re.search(r"pipe\[\d+\]: \w+: to=<pftest1@host\.example\.com>, "
                     r"relay=mbt, .*status=sent", log), log
    assert "relay=local" not in log, log
    assert log.count("status=sent") == 1, log
    time.sleep(1)
    assert copies(drop, "pftest1@host.example.com") == 1


def test_mailbox_transport_without_account(instance, mbt):
    """mailbox_transport serves every local recipient, also names with
    no account in the password file (a Dovecot store with virtual
    users), ahead of fallback_transport and luser_relay."""
    drop, flag, service = mbt
    instance.mail_system(services=service, mailbox_transport="mbt",
                         fallback_transport="nosuchservice",
                         luser_relay="pftest1")
    send(instance, "storeonly@host.example.com")
    wait_until(lambda: copies(drop, "storeonly@host.example.com"), 60,
               "delivery through mbt\n" + instance.log())
    wait_until(lambda: empty_queue(instance), 20, "an empty queue")
    log = instance.log()
    assert re.search(r"to=<storeonly@host\.example\.com>, relay=mbt, "
                     r".*status=sent", log), log
    assert "unknown user" not in log, log
    assert "transport unavailable" not in log, log


def test_mailbox_transport_deferred(instance, mbt):
    drop, flag, service = mbt
    instance.mail_system(services=service, mailbox_transport="mbt",
                         minimal_backoff_time="1h",
                         maximal_backoff_time="2h", queue_run_delay="1h")
    send(instance, "pftest2@host.example.com")
    instance.wait_log("status=deferred", timeout=30)
    listing = wait_until(
        lambda: "mailbox not ready" in postqueue(instance, "-p").stdout
        and postqueue(instance, "-p").stdout, 20, "the deferral in -p")
    assert "pftest2@host.example.com" in listing, listing
    log = instance.log()
    assert re.search(r"pipe\[\d+\]: \w+: to=<pftest2@host\.example\.com>, "
                     r"relay=mbt, .*status=deferred", log), log
    # Reported once, by pipe(8), not again by local(8).
    assert log.count("status=deferred") == 1, log
    assert copies(drop, "pftest2@host.example.com") == 0
    open(flag, "w").close()
    assert postqueue(instance, "-f").returncode == 0
    wait_until(lambda: copies(drop, "pftest2@host.example.com"), 30,
               "delivery after -f\n" + instance.log())
    wait_until(lambda: empty_queue(instance), 20, "an empty queue")
    time.sleep(1)
    assert copies(drop, "pftest2@host.example.com") == 1
    assert instance.log().count("status=sent") == 1


def test_fallback_transport(instance, mbt):
    drop, flag, service = mbt
    instance.mail_system(services=service, fallback_transport="mbt")
    send(instance, "nosuchuser@host.example.com")
    wait_until(lambda: copies(drop, "nosuchuser@host.example.com"), 30,
               "delivery through the fallback\n" + instance.log())
    wait_until(lambda: empty_queue(instance), 20, "an empty queue")
    log = instance.log()
    assert re.search(r"to=<nosuchuser@host\.example\.com>, relay=mbt, "
                     r".*status=sent", log), log
    assert "unknown user" not in log, log


def test_fallback_transport_unavailable(instance, mbt):
    drop, flag, service = mbt
    instance.mail_system(fallback_transport="nosuchservice",
                         minimal_backoff_time="1h",
                         maximal_backoff_time="2h", queue_run_delay="1h")
    send(instance, "nosuchuser@host.example.com")
    instance.wait_log("dsn=4.3.0, status=deferred "
                      "(mail transport unavailable)", timeout=30)
    log = instance.log()
    assert re.search(r"local\[\d+\]: \w+: to=<nosuchuser@host\.example\.com>"
                     r", relay=local, ", log), log


def test_alias_partly_deferred(instance, mbt):
    """An alias to two users, one deferred by the mailbox transport: the
    other is delivered at once, the deferred one on the retry, and the
    alias (the queue file's recipient) stays until then.

    Within one attempt nothing is delivered twice and each member is
    reported once. As in Postfix, the retry expands the alias again, so
    the member delivered the first time gets a second copy then: local(8)
    keeps no per-member record across attempts (Postfix's own
    behaviour; virtual_alias_maps gives each member its own queue file
    record instead)."""
    drop, flag, service = mbt
    aliases = os.path.join(instance.base, "aliases")
    with open(aliases, "w") as f:
        f.write("both pftest1, pftest2\n")
    instance.mail_system(services=service, mailbox_transport="mbt",
                         alias_maps="texthash:" + aliases,
                         minimal_backoff_time="1h",
                         maximal_backoff_time="2h", queue_run_delay="1h")
    send(instance, "both@host.example.com")
    wait_until(lambda: copies(drop, "pftest1@host.example.com"), 60,
               "pftest1's delivery\n" + instance.log())
    instance.wait_log("status=deferred", timeout=30)
    time.sleep(1)
    log = instance.log()
    assert copies(drop, "pftest1@host.example.com") == 1
    assert copies(drop, "pftest2@host.example.com") == 0
    assert log.count("status=sent") == 1, log
    assert log.count("status=deferred") == 1, log
    assert re.search(r"to=<pftest2@host\.example\.com>, "
                     r"orig_to=<both@host\.example\.com>, relay=mbt, "
                     r".*status=deferred", log), log
    # The alias is still queued (it was not marked done).
    listing = postqueue(instance, "-p").stdout
    assert "both@host.example.com" in listing, listing
    open(flag, "w").close()
    assert postqueue(instance, "-f").returncode == 0
    wait_until(lambda: copies(drop, "pftest2@host.example.com"), 30,
               "pftest2's delivery after -f\n" + instance.log())
    wait_until(lambda: empty_queue(instance), 20, "an empty queue")
    time.sleep(1)
    assert copies(drop, "pftest2@host.example.com") == 1
    assert copies(drop, "pftest1@host.example.com") == 2
    log = instance.log()
    assert log.count("to=<pftest2@host.example.com>") == 2, log
    assert log.count("status=sent") == 3, log
