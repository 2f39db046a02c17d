"""
test_map_restart.py - daemons notice a rebuilt table without a reload

As in Postfix, a daemon that has a table open checks between requests
whether its file was changed or replaced (postmap builds a new file and
renames it over the old one) and then exits with "table ... has changed
-- restarting", so the next connection is served with the new contents.
"""

import os
import subprocess

import pytest

from conftest import SmtpSession, port_listening, wait_until


def postmap(instance, table):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    subprocess.run([instance.installed.command("postmap"), "-c",
                    instance.etc, table], check=True, env=env, timeout=30)


def verdict(instance, sender):
    s = SmtpSession(instance.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<%s>" % sender).startswith("250")
        return s.cmd("RCPT TO:<postmaster@host.example.com>")
    finally:
        s.cmd("QUIT")
        s.close()


def test_smtpd_restarts_after_postmap(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("smtpd is not installed")
    path = os.path.join(instance.etc, "access")
    with open(path, "w") as f:
        f.write("bad@example.org REJECT\n")
    table = "hash:" + path
    postmap(instance, table)
    instance.mail_system(smtpd_sender_restrictions="check_sender_access "
                         + table, local_recipient_maps="")
    wait_until(lambda: port_listening(instance.port), 10, "smtpd")
    assert verdict(instance, "bad@example.org").startswith("554 5.7.1")
    assert verdict(instance, "worse@example.org").startswith("250")
    with open(path, "a") as f:
        f.write("worse@example.org REJECT\n")
    postmap(instance, table)
    # No reload: the idle smtpd process sees the change and gives way.
    wait_until(lambda: verdict(instance, "worse@example.org")
               .startswith("554 5.7.1"), 20, "the rebuilt table in use")
    instance.wait_log("table hash:%s has changed -- restarting" % path)
