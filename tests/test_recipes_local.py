"""
test_recipes_local.py - the recipes of LOCAL_RECIPIENT_README

smtpd is asked RCPT TO for known and unknown users of the instance's
local domain (host.example.com): the password file (root, and the test
user pftest1 that tools/install-deps creates), an alias, a table of
its own. Refusals must be "550 5.1.1 ... User unknown in local
recipient table". With the check off, the unknown user's mail is
accepted and bounced by local(8); with luser_relay it is forwarded
(relayed to a Python SMTP sink: relayhost is test plumbing). Local
deliveries go to an mbox spool inside the instance
(mail_spool_directory is test plumbing).
"""

import os
import pwd

import pytest

import recipes
from conftest import wait_until
from smtpsink import SMTPSink

import smtplib

H = "host.example.com"


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)




def rcpt_replies(instance, users):
    """{user: (code, text)} for RCPT TO:<user@host.example.com>."""
    replies = {}
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        assert client.mail("sender@example.org")[0] == 250
        for user in users:
            replies[user] = client.rcpt("%s@%s" % (user, H))
        client.rset()
    return replies


def unknown(user):
    return (550, ("5.1.1 <%s@%s>: Recipient address rejected: User "
                  "unknown in local recipient table" % (user, H)).encode())


def test_recipe_lrcpt_default(instance):
    require(instance)
    recipes.apply(instance, "lrcpt-default", alias_maps="")
    users = ["root", "nobody-here", "Root"]
    got = rcpt_replies(instance, users)
    assert got["root"][0] == 250
    assert got["Root"][0] == 250          # case folded
    assert got["nobody-here"] == unknown("nobody-here")
    instance.wait_log(": reject: RCPT from localhost[127.0.0.1]: "
                      "550 5.1.1 <nobody-here@%s>: Recipient address "
                      "rejected: User unknown in local recipient table;" % H)


def test_recipe_lrcpt_aliases(instance):
    """webmaster has no account but an alias: accepted, delivered to
    root's mailbox."""
    require(instance, "local")
    mail = recipes.mail_spool(instance)
    recipes.apply(instance, "lrcpt-aliases", mail_spool_directory=mail)
    got = rcpt_replies(instance, ["webmaster", "webmistress"])
    assert got["webmaster"][0] == 250
    assert got["webmistress"] == unknown("webmistress")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.sendmail("sender@example.org", ["webmaster@" + H],
                        b"Subject: alias\r\n\r\nfor the webmaster\r\n")
    box = os.path.join(mail, "root")
    wait_until(lambda: os.path.exists(box) and
               b"for the webmaster" in open(box, "rb").read(), 30,
               "root's mailbox:\n" + instance.log())


def test_recipe_lrcpt_table(instance):
    """alice (no account) is accepted; root and pftest1 (accounts, not
    in the table) are refused."""
    require(instance)
    recipes.apply(instance, "lrcpt-table")
    got = rcpt_replies(instance, ["alice", "carol", "root", "bob"])
    assert got["alice"][0] == 250 and got["carol"][0] == 250
    assert got["root"] == unknown("root")
    assert got["bob"] == unknown("bob")


def test_recipe_lrcpt_off(instance):
    """Everything is accepted; local(8) bounces the unknown user."""
    require(instance, "local", "bounce")
    recipes.apply(instance, "lrcpt-off", mail_spool_directory=recipes.mail_spool(instance))
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        refused = client.sendmail("sender@example.org", ["ghost@" + H],
                                  b"Subject: lost\r\n\r\nbody\r\n")
    assert refused == {}
    instance.wait_log('to=<ghost@%s>, relay=local' % H, timeout=30)
    instance.wait_log('status=bounced (unknown user: "ghost")')


def test_recipe_lrcpt_luser_relay(instance):
    """ghost@host.example.com is accepted and forwarded to
    ghost@oldmail.example.com; a real user still gets local mail."""
    require(instance, "local", "smtp")
    try:
        pwd.getpwnam("pftest1")
    except KeyError:
        pytest.skip("test user pftest1 missing: run tools/install-deps")
    mail = recipes.mail_spool(instance)
    with SMTPSink() as sink:
        recipes.apply(instance, "lrcpt-luser-relay",
                      mail_spool_directory=mail,
                      relayhost="[127.0.0.1]:%d" % sink.port)
        with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
            assert client.sendmail(
                "sender@example.org", ["ghost@" + H, "pftest1@" + H],
                b"Subject: moved\r\n\r\nbody\r\n") == {}
        msg = sink.wait_messages(1, timeout=30)[0]
    assert msg.rcpts == ["ghost@oldmail.example.com"]
    box = os.path.join(mail, "pftest1")
    wait_until(lambda: os.path.exists(box), 30, "pftest1's mailbox")
