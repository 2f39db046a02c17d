"""
test_recipes_rewriting.py - the recipes of ADDRESS_REWRITING_README

Each test installs a recipe as the guide shows it, submits a message
with the instance's sendmail (so pickup and cleanup rewrite it as they
do for any local user's mail) and lets the smtp client relay it to a
Python SMTP sink on a loopback port (relayhost is test plumbing). The
sink's MAIL FROM, RCPT TO and the headers it received show the
rewriting that the guide promises. The relocated recipe is checked in
the delivery log (the bounce of the error transport).
"""

import os
import re

import pytest

import recipes
from conftest import wait_until
from smtpsink import SMTPSink

H = "host.example.com"


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("pickup", "cleanup", "qmgr", "trivial-rewrite",
                 "smtp") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def send(instance, sender, rcpts, headers=""):
    r = instance.sendmail("-f", sender, *rcpts,
                          input=headers + "Subject: recipe\n\nbody\n")
    assert r.returncode == 0, r.stderr


def relay(instance, name, sender, rcpts, headers="", **extra):
    """Install recipe name with a sink as relayhost, send one message,
    return the transaction the sink received."""
    require(instance)
    with SMTPSink() as sink:
        recipes.apply(instance, name,
                      relayhost="[127.0.0.1]:%d" % sink.port, **extra)
        send(instance, sender, rcpts, headers)
        return sink.wait_messages(1, timeout=30)[0]


def header(tx, name):
    """The values of header name in a received message."""
    head = tx.data.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")
    head = head.split(b"\n\n", 1)[0].decode()
    return re.findall(r"^%s: (.*)$" % name, head, re.M | re.I)


def test_recipe_rw_myorigin(instance):
    """A bare sender gets @$mydomain in the envelope and in the From:
    header that cleanup adds."""
    tx = relay(instance, "rw-myorigin", "alice", ["bob@remote.example"])
    assert tx.mail_from == "alice@example.com"
    assert header(tx, "From") == ["alice@example.com"]
    assert tx.rcpts == ["bob@remote.example"]


def test_recipe_rw_append_dot_mydomain(instance):
    """bob@mailhub becomes bob@mailhub.example.com."""
    tx = relay(instance, "rw-append-dot-mydomain", "alice@" + H,
               ["bob@mailhub"])
    assert tx.rcpts == ["bob@mailhub.example.com"]


def test_append_dot_mydomain_default_off(instance):
    """Without the recipe (compatibility_level 3.7) bob@mailhub stays."""
    require(instance)
    with SMTPSink() as sink:
        instance.mail_system(relayhost="[127.0.0.1]:%d" % sink.port)
        send(instance, "alice@" + H, ["bob@mailhub"])
        assert sink.wait_messages(1)[0].rcpts == ["bob@mailhub"]


def test_recipe_rw_canonical(instance):
    """alice -> Alice.Smith (local part only), @old.example ->
    @example.com, in the envelope and the headers."""
    tx = relay(instance, "rw-canonical", "alice",
               ["bob@old.example"],
               headers="From: alice@%s\nTo: bob@old.example\n" % H)
    assert tx.mail_from == "Alice.Smith@" + H
    assert tx.rcpts == ["bob@example.com"]
    assert header(tx, "From") == ["Alice.Smith@" + H]
    assert header(tx, "To") == ["bob@example.com"]


def test_recipe_rw_sender_canonical(instance):
    """Senders in desk.example.com become @example.com; a recipient in
    that domain is not touched."""
    tx = relay(instance, "rw-sender-canonical", "pc12@desk.example.com",
               ["pc7@desk.example.com"],
               headers="From: pc12@desk.example.com\n"
                       "To: pc7@desk.example.com\n")
    assert tx.mail_from == "pc12@example.com"
    assert header(tx, "From") == ["pc12@example.com"]
    assert tx.rcpts == ["pc7@desk.example.com"]
    assert header(tx, "To") == ["pc7@desk.example.com"]


def test_recipe_rw_masquerade(instance):
    """alice@host.example.com -> alice@example.com; root keeps its
    host name; the envelope recipient is not masqueraded."""
    tx = relay(instance, "rw-masquerade", "alice", ["bob@remote.example"],
               headers="Cc: carol@%s\n" % H)
    assert tx.mail_from == "alice@example.com"
    assert header(tx, "From") == ["alice@example.com"]
    assert header(tx, "Cc") == ["carol@example.com"]
    require(instance)
    with SMTPSink() as sink:
        instance.write_main_cf(relayhost="[127.0.0.1]:%d" % sink.port)
        assert instance.postfix("reload").returncode == 0
        send(instance, "root", ["sub@dept.example.com"])
        tx = sink.wait_messages(1, timeout=30)[0]
    assert tx.mail_from == "root@" + H
    assert tx.rcpts == ["sub@dept.example.com"]


def test_recipe_rw_virtual_alias(instance):
    """sales@ expands to two partner addresses (envelope only); To:
    keeps the original address."""
    tx = relay(instance, "rw-virtual-alias", "alice",
               ["sales@" + H], headers="To: sales@%s\n" % H)
    assert sorted(tx.rcpts) == ["alice@partner.example",
                                "bob@partner.example"]
    assert header(tx, "To") == ["sales@" + H]


def test_recipe_rw_recipient_delimiter(instance):
    """alice+news@host.example.com -> alice+news@partner.example."""
    tx = relay(instance, "rw-recipient-delimiter", "carol",
               ["alice+news@" + H])
    assert tx.rcpts == ["alice+news@partner.example"]


def test_recipe_rw_relocated(instance):
    """Mail for dave bounces with 5.1.6 and the new address."""
    require(instance, "error", "bounce")
    recipes.apply(instance, "rw-relocated", mail_spool_directory=os.path.join(
        instance.base, "mail"))
    send(instance, "alice@remote.example", ["dave@" + H])
    wait_until(lambda: re.search(
        r"to=<dave@host\.example\.com>, relay=none, .*dsn=5\.1\.6, "
        r"status=bounced \(User has moved to dave@newjob\.example\)",
        instance.log()), 30, "the relocated bounce:\n" + instance.log())


def test_recipe_rw_generic(instance):
    """Mail leaving through the SMTP client: alice@host.example.com ->
    alice.smith@isp.example, other users @isp.example, in MAIL FROM,
    RCPT TO and the headers; a remote address is not touched."""
    tx = relay(instance, "rw-generic", "alice",
               ["bob@remote.example", "carol@" + H],
               headers="From: Alice <alice@%s>\nTo: bob@remote.example, "
                       "carol@%s\n" % (H, H),
               mydestination="")
    assert tx.mail_from == "alice.smith@isp.example"
    assert sorted(tx.rcpts) == ["bob@remote.example", "carol@isp.example"]
    assert header(tx, "From") == ["Alice <alice.smith@isp.example>"]
    assert header(tx, "To") == ["bob@remote.example, carol@isp.example"]
    assert header(tx, "Subject") == ["recipe"]
