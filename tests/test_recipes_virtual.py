"""
test_recipes_virtual.py - the recipes of VIRTUAL_README

Virtual alias domains: the recipe's table redirects addresses of
example.net to example.com addresses, which the instance relays to a
Python SMTP sink (relayhost is test plumbing); smtpd refuses an
unlisted address at RCPT with 550 5.1.1, unless a catch-all is there.
Virtual mailbox domains: mail over SMTP lands in the Maildir and the
mbox file that the table names, below a base directory made as the
guide says (its location is test plumbing), owned by uid/gid 5000.
"""

import os
import smtplib

import pytest

import recipes
from conftest import wait_until
from smtpsink import SMTPSink

UID = GID = 5000


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def smtp_send(instance, rcpts, refused=()):
    """One SMTP transaction: rcpts must be accepted, refused must get
    the reply given with them; returns nothing."""
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        assert client.mail("sender@example.org")[0] == 250
        for rcpt, reply in refused:
            assert client.rcpt(rcpt) == reply
        for rcpt in rcpts:
            code, text = client.rcpt(rcpt)
            assert code == 250, (rcpt, code, text)
        code, text = client.data(b"Subject: virtual recipe\r\n"
                                 b"To: guide@example.net\r\n\r\nhosted\r\n")
        assert code == 250, (code, text)


def unknown(addr, table):
    return (550, ("5.1.1 <%s>: Recipient address rejected: User unknown "
                  "in %s" % (addr, table)).encode())


def test_recipe_virt_alias_domain(instance):
    require(instance, "smtp")
    with SMTPSink() as sink:
        recipes.apply(instance, "virt-alias-domain",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        smtp_send(instance, ["info@example.net", "sales@example.net"],
                  refused=[("nobody@example.net",
                            unknown("nobody@example.net",
                                    "virtual alias table"))])
        msg = sink.wait_messages(1, timeout=30)[0]
    # alice appears once although two aliases name her.
    assert sorted(msg.rcpts) == ["alice@example.com", "bob@example.com"]
    assert b"To: guide@example.net" in msg.data


def test_recipe_virt_catchall(instance):
    require(instance, "smtp")
    with SMTPSink() as sink:
        recipes.apply(instance, "virt-catchall",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        smtp_send(instance, ["info@example.net"])
        smtp_send(instance, ["whoever@example.net"])
        sink.wait_messages(2, timeout=30)
        got = sorted(r for m in sink.messages for r in m.rcpts)
    assert got == ["alice@example.com", "bob@example.com"]


def mailbox_base(instance):
    """The mkdir and chown commands of the guide, in the instance."""
    base = os.path.join(instance.base, "vhosts")
    os.makedirs(os.path.join(base, "example.org"))
    for d in (base, os.path.join(base, "example.org")):
        os.chown(d, UID, GID)
    return base


def maildir_new(path):
    new = os.path.join(path, "new")
    if not os.path.isdir(new):
        return []
    return [os.path.join(new, n) for n in os.listdir(new)]


def test_recipe_virt_mailbox(instance):
    require(instance, "virtual")
    base = mailbox_base(instance)
    recipes.apply(instance, "virt-mailbox", virtual_mailbox_base=base)
    smtp_send(instance, ["alice@example.org", "bob@example.org"],
              refused=[("nobody@example.org",
                        unknown("nobody@example.org",
                                "virtual mailbox table"))])
    alice = os.path.join(base, "example.org", "alice")
    files = wait_until(lambda: maildir_new(alice), 30,
                       "alice's Maildir:\n" + instance.log())
    for sub in ("tmp", "cur"):
        assert os.path.isdir(os.path.join(alice, sub))
    st = os.stat(files[0])
    assert (st.st_uid, st.st_gid) == (UID, GID)
    with open(files[0], "rb") as f:
        text = f.read()
    assert b"Delivered-To: alice@example.org" in text
    assert b"hosted" in text
    bob = os.path.join(base, "example.org", "bob")
    wait_until(lambda: os.path.exists(bob) and os.path.getsize(bob), 30,
               "bob's mbox")
    with open(bob, "rb") as f:
        text = f.read()
    assert text.startswith(b"From sender@example.org "), text
    assert b"Delivered-To: bob@example.org" in text
    assert os.stat(bob).st_uid == UID


def test_recipe_virt_mailbox_alias(instance):
    """postmaster@example.org is accepted (it is in virtual_alias_maps
    only) and lands in alice's Maildir."""
    require(instance, "virtual")
    base = mailbox_base(instance)
    recipes.apply(instance, "virt-mailbox-alias", also=("virt-mailbox",),
                  virtual_mailbox_base=base)
    smtp_send(instance, ["postmaster@example.org"])
    files = wait_until(lambda: maildir_new(
        os.path.join(base, "example.org", "alice")), 30,
        "alice's Maildir:\n" + instance.log())
    with open(files[0], "rb") as f:
        text = f.read()
    assert b"X-Original-To: postmaster@example.org" in text
    assert b"Delivered-To: alice@example.org" in text


def test_mydestination_wins(instance):
    """The pitfall of section 4: a domain in mydestination and in
    virtual_mailbox_domains is local; its addresses are checked as
    local users, not against the mailbox table."""
    require(instance, "virtual")
    base = mailbox_base(instance)
    recipes.apply(instance, "virt-mailbox", virtual_mailbox_base=base,
                  mydestination="$myhostname, localhost, example.org")
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail("sender@example.org")
        assert client.rcpt("alice@example.org") == unknown(
            "alice@example.org", "local recipient table")
