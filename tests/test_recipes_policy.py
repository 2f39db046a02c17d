"""
test_recipes_policy.py - the recipes of SMTPD_POLICY_README

The example policy server of section 3 is the guide's own text: the
recipe writes it into the instance's configuration directory and the
test runs exactly that file, as the postfix user, on the instance's
private/policy socket. Greylisting runs Debian's postgrey (installed by
tools/install-deps) with a private database and a one-second delay, on
a free loopback port instead of 10023 (the only change to the recipe).
The test client 127.0.0.1 is put outside mynetworks, as an Internet
client would be.
"""

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

import recipes
from conftest import SmtpSession, port_listening, wait_until

OUTSIDE = "192.0.2.0/24"        # mynetworks without the test client


def require(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def rcpt_replies(port, rcpts, sender="a@example.org"):
    s = SmtpSession(port)
    try:
        assert s.banner.startswith("220"), s.banner
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<%s>" % sender).startswith("250")
        out = [s.cmd("RCPT TO:<%s>" % r) for r in rcpts]
        s.cmd("QUIT")
        return out
    finally:
        s.close()


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def test_recipe_pol_limit(instance):
    """The guide's script: three recipients per message, then 450."""
    require(instance)
    recipes.apply(instance, "pol-limit", mynetworks=OUTSIDE,
                  local_recipient_maps="")
    script = os.path.join(instance.etc, "policy-limit.py")
    with open(script) as f:
        assert f.read() == recipes.recipes()["pol-limit"][
            "/etc/postfix/policy-limit.py"]
    sock = os.path.join(instance.queue, "private", "policy")
    proc = subprocess.Popen([sys.executable, script, sock], user="postfix",
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        wait_until(lambda: os.path.exists(sock) or proc.poll() is not None,
                   10, "policy socket")
        assert proc.poll() is None, proc.stderr.read()
        rcpts = ["%s@host.example.com" % c for c in "abcde"]
        replies = rcpt_replies(instance.port, rcpts)
        assert all(r.startswith("250") for r in replies[:3]), replies
        for rcpt, reply in zip(rcpts[3:], replies[3:]):
            assert reply == ("450 4.7.1 <%s>: Recipient address rejected: "
                             "Too many recipients, send the rest later"
                             % rcpt), replies
        # A new message counts from zero again.
        again = rcpt_replies(instance.port, rcpts[:2])
        assert all(r.startswith("250") for r in again), again
    finally:
        stop(proc)
    # Server gone: default_action=DUNNO lets mail through, with a warning.
    os.unlink(sock)
    replies = rcpt_replies(instance.port, rcpts)
    assert all(r.startswith("250") for r in replies), replies
    instance.wait_log("warning: connect to private/policy: ")


def test_recipe_pol_postgrey(instance):
    require(instance)
    exe = shutil.which("postgrey") or "/usr/sbin/postgrey"
    if not os.path.exists(exe):
        pytest.skip("needs postgrey (tools/install-deps installs it)")
    try:
        user = pwd.getpwnam("postgrey")
    except KeyError:
        pytest.skip("needs the postgrey user (Debian's package makes it)")
    port = instance.ports[3]
    text = recipes.recipes()["pol-postgrey"]["main.cf"]
    restrictions = recipes.main_cf_settings(text)[
        "smtpd_recipient_restrictions"]
    assert "inet:127.0.0.1:10023" in restrictions
    dbdir = tempfile.mkdtemp(prefix="postgrey-")
    os.chown(dbdir, user.pw_uid, user.pw_gid)
    proc = subprocess.Popen(
        [exe, "--inet=127.0.0.1:%d" % port, "--dbdir=" + dbdir,
         "--delay=1", "--user=postgrey", "--group=%d" % user.pw_gid,
         "--pidfile=" + os.path.join(dbdir, "postgrey.pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: port_listening(port) or proc.poll() is not None,
                   20, "postgrey listening")
        assert proc.poll() is None, proc.stderr.read()
        recipes.apply(instance, "pol-postgrey", mynetworks=OUTSIDE,
                      local_recipient_maps="",
                      smtpd_recipient_restrictions=restrictions.replace(
                          ":10023", ":%d" % port))
        rcpt = "bob@host.example.com"
        first = rcpt_replies(instance.port, [rcpt])[0]
        assert re.match(r"450 4\.2\.0 <bob@host\.example\.com>: Recipient "
                        r"address rejected: Greylisted, see http", first), \
            first
        time.sleep(2.5)                     # --delay=1
        retry = rcpt_replies(instance.port, [rcpt])[0]
        assert retry.startswith("250"), retry
    finally:
        stop(proc)
        shutil.rmtree(dbdir, ignore_errors=True)
