"""
test_recipes_database.py - the recipes of DATABASE_README

Each recipe's table is installed as the guide shows it (hash: tables
are built with postmap by recipes.apply) and used by a running
instance: smtpd access checks over SMTP (hash:, regexp:, cidr:), a
header check in cleanup (pcre:), virtual aliases in texthash: and
inline: form relayed to a Python SMTP sink (relayhost is test
plumbing). The hash: test also follows section 3: edit, postmap,
postfix reload, and the new entry is used.
"""

import os
import smtplib
import subprocess

import pytest

import recipes
from conftest import wait_until
from smtpsink import SMTPSink

H = "host.example.com"


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def have_type(instance, name):
    proc = subprocess.run([instance.installed.command("postconf"), "-m"],
                          capture_output=True, text=True, timeout=30)
    return name in proc.stdout.split()


def postmap(instance, *args):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return subprocess.run([instance.installed.command("postmap"), "-c",
                           instance.etc] + list(args), capture_output=True,
                          text=True, env=env, timeout=30)


def mail_reply(instance, sender, helo="client.example.org"):
    """The replies to MAIL FROM and one RCPT TO (restrictions are
    delayed until RCPT by smtpd_delay_reject)."""
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo(helo)
        mail = client.mail(sender)
        rcpt = client.rcpt("root@" + H)
        client.rset()
    return mail, rcpt


def test_recipe_db_hash_access(instance):
    require(instance)
    recipes.apply(instance, "db-hash-access")
    assert os.path.exists(os.path.join(instance.etc, "sender_access.db"))
    assert postmap(instance, "-q", "spam.example", "hash:" + os.path.join(
        instance.etc, "sender_access")).stdout == "REJECT\n"
    _, rcpt = mail_reply(instance, "joe@spam.example")
    assert rcpt == (554, b"5.7.1 <joe@spam.example>: Sender address "
                         b"rejected: Access denied")
    assert mail_reply(instance, "friend@spam.example")[1][0] == 250
    assert mail_reply(instance, "ann@other.example")[1][0] == 250
    # Section 3: edit, postmap, reload.
    with open(os.path.join(instance.etc, "sender_access"), "a") as f:
        f.write("other.example    REJECT\n")
    assert postmap(instance, os.path.join(instance.etc,
                                          "sender_access")).returncode == 0
    assert instance.postfix("reload").returncode == 0

    def refused():
        return mail_reply(instance, "ann@other.example")[1][0] == 554
    wait_until(refused, 20, "the rebuilt table after reload")


def test_recipe_db_texthash(instance):
    require(instance, "smtp", "pickup")
    with SMTPSink() as sink:
        recipes.apply(instance, "db-texthash",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        r = instance.sendmail("-f", "root", "webmaster@" + H,
                              input=b"Subject: texthash\n\nbody\n")
        assert r.returncode == 0, r.stderr
        msg = sink.wait_messages(1, timeout=30)[0]
    assert msg.rcpts == ["alice@example.com"]
    assert not os.path.exists(os.path.join(instance.etc, "virtual_text.db"))


def test_recipe_db_inline(instance):
    """The braced entry with spaces and the plain one, in smtpd."""
    require(instance)
    recipes.apply(instance, "db-inline")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail("a@example.org")
        assert client.rcpt("Sales@" + H) == (
            554, b"5.7.1 <Sales@%s>: Recipient address rejected: Please "
                 b"use the web form" % H.encode())
        assert client.rcpt("jobs@" + H) == (
            554, b"5.7.1 <jobs@%s>: Recipient address rejected: Access "
                 b"denied" % H.encode())
        assert client.rcpt("root@" + H)[0] == 250


def test_inline_several_entries_in_cleanup(instance):
    """inline: with several entries (spaces and commas inside the
    braces) also works in cleanup's virtual_alias_maps."""
    require(instance, "smtp", "pickup")
    with SMTPSink() as sink:
        instance.mail_system(
            relayhost="[127.0.0.1]:%d" % sink.port,
            virtual_alias_maps="inline:{ abuse@%s=alice@example.com, "
                               "{ sales@%s = bob@example.com } }" % (H, H))
        r = instance.sendmail("-f", "root", "abuse@" + H, "sales@" + H,
                              input=b"Subject: inline\n\nbody\n")
        assert r.returncode == 0, r.stderr
        msg = sink.wait_messages(1, timeout=30)[0]
    assert sorted(msg.rcpts) == ["alice@example.com", "bob@example.com"]


def test_recipe_db_regexp(instance):
    require(instance)
    recipes.apply(instance, "db-regexp")
    _, rcpt = mail_reply(instance, "a@example.org", helo="LocalHost")
    assert rcpt == (554, b"5.7.1 <LocalHost>: Helo command rejected: "
                         b"You are not localhost")
    _, rcpt = mail_reply(instance, "a@example.org", helo="10.1.2.3")
    assert rcpt == (554, b"5.7.1 <10.1.2.3>: Helo command rejected: "
                         b"Use a host name or [address]")
    assert mail_reply(instance, "a@example.org")[1][0] == 250


def test_recipe_db_pcre(instance):
    require(instance)
    if not have_type(instance, "pcre"):
        pytest.skip("built without PCRE")
    recipes.apply(instance, "db-pcre")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail("a@example.org")
        client.rcpt("root@" + H)
        code, text = client.data(b"Subject: You WIN A PRIZE today\r\n\r\n"
                                 b"body\r\n")
    assert (code, text) == (550, b"5.7.1 Not here, thanks")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail("a@example.org")
        client.rcpt("root@" + H)
        code, _ = client.data(b"Subject: winner\r\n\r\nbody\r\n")
    assert code == 250


def test_recipe_db_cidr(instance):
    require(instance)
    recipes.apply(instance, "db-cidr")
    _, rcpt = mail_reply(instance, "a@example.org")
    assert rcpt == (554, b"5.7.1 <localhost[127.0.0.1]>: Client host "
                         b"rejected: Not from the loopback network")
