"""
test_recipes_mysql.py - the recipes of MYSQL_README

A private MariaDB server (mariadb.py) gets the database of section 3,
with the SQL taken from the guide itself. The recipe's .cf files are
installed as shown; the only change is the TCP port of "hosts" (the
private server listens on a free port, not 3306), and the mailbox base
is inside the instance. Then: postmap -q answers as the guide says,
smtpd accepts hosted mailboxes and aliases and refuses an inactive
mailbox with 550 5.1.1, virtual(8) delivers into the Maildirs, a change
in the database takes effect without a reload, and with the server
stopped RCPT gets 451 4.3.0.
"""

import os
import pwd
import re
import smtplib
import subprocess

import pytest

import recipes
from conftest import wait_until
from mariadb import mariadb_server  # noqa: F401 (a fixture)

UID = GID = 5000
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def guide_sql():
    """The SQL block of MYSQL_README, section 3."""
    with open(os.path.join(TOP, "README_FILES", "MYSQL_README")) as f:
        lines = f.read().split("\n")
    start = lines.index("    CREATE DATABASE mail;")
    block = []
    for line in lines[start:]:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block).strip() + "\n"


def require(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite", "virtual"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)
    proc = subprocess.run([instance.installed.command("postconf"), "-m"],
                          capture_output=True, text=True, timeout=30)
    if "mysql" not in proc.stdout.split():
        pytest.skip("built without MySQL")


def maildir_new(path):
    new = os.path.join(path, "new")
    return [os.path.join(new, n) for n in os.listdir(new)] \
        if os.path.isdir(new) else []


def test_recipe_mysql_virtual(instance, mariadb_server):  # noqa: F811
    require(instance)
    mariadb_server.sql("DROP DATABASE IF EXISTS mail;"
                       "DROP USER IF EXISTS 'postfix'@'127.0.0.1';")
    mariadb_server.sql(guide_sql())
    base = os.path.join(instance.base, "vhosts")
    os.mkdir(base)
    os.chown(base, UID, GID)
    recipes.apply(instance, "mysql-virtual", start=False,
                  virtual_mailbox_base=base)
    postfix_gid = pwd.getpwnam("postfix").pw_gid
    for name in ("domains", "mailboxes", "aliases"):
        path = os.path.join(instance.etc, "mysql-%s.cf" % name)
        with open(path) as f:
            text = f.read()
        assert "hosts = inet:127.0.0.1:3306\n" in text
        with open(path, "w") as f:
            f.write(text.replace(":3306", ":%d" % mariadb_server.port))
        os.chown(path, 0, postfix_gid)      # the chown/chmod of section 2
        os.chmod(path, 0o640)

    def query(key, name):
        return instance_run(instance, "postmap", "-q", key, "mysql:%s/"
                            "mysql-%s.cf" % (instance.etc, name))
    assert query("example.org", "domains").stdout == "example.org\n"
    assert query("alice@example.org", "mailboxes").stdout == \
        "example.org/alice/\n"
    assert query("team@example.org", "aliases").stdout == \
        "alice@example.org,bob@example.org\n"
    instance.start()

    mariadb_server.sql("INSERT INTO mail.mailboxes (local_part, domain, "
                       "active) VALUES ('carol', 'example.org', 0);")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.net")
        assert client.mail("sender@example.net")[0] == 250
        assert client.rcpt("carol@example.org") == (
            550, b"5.1.1 <carol@example.org>: Recipient address rejected: "
                 b"User unknown in virtual mailbox table")
        for rcpt in ("alice@example.org", "team@example.org",
                     "postmaster@example.org"):
            assert client.rcpt(rcpt)[0] == 250, rcpt
        code, _ = client.data(b"Subject: sql\r\n\r\nfrom the database\r\n")
        assert code == 250
    for who in ("alice", "bob"):
        files = wait_until(lambda: maildir_new(
            os.path.join(base, "example.org", who)), 30,
            "%s's Maildir:\n%s" % (who, instance.log()))
        assert os.stat(files[0]).st_uid == UID
        with open(files[0], "rb") as f:
            assert b"from the database" in f.read()

    # A change in the database counts at once, without a reload.
    mariadb_server.sql("UPDATE mail.mailboxes SET active = 0 "
                       "WHERE local_part = 'bob';")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.net")
        client.mail("sender@example.net")
        assert client.rcpt("bob@example.org")[0] == 550

    # Section 5: the server is down.
    mariadb_server.stop()
    try:
        with smtplib.SMTP("127.0.0.1", instance.port, timeout=60) as client:
            client.ehlo("client.example.net")
            client.mail("sender@example.net")
            assert client.rcpt("alice@example.org") == (
                451, b"4.3.0 <alice@example.org>: Temporary lookup failure")
    finally:
        mariadb_server.start()
    assert re.search(r"warning: .*mysql", instance.log()), instance.log()


def instance_run(instance, program, *args):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return subprocess.run([instance.installed.command(program), "-c",
                           instance.etc] + list(args), capture_output=True,
                          text=True, env=env, timeout=60)
