"""
test_recipes_basic.py - the recipes of BASIC_CONFIGURATION_README

Each test installs a snippet of the guide as it is printed (recipes.py)
into a private instance and checks what the guide promises: the domain
that myorigin adds, local delivery for the domains of mydestination,
which clients may relay with mynetworks_style and mynetworks, and that
relayhost sends everything to the named host. Remote servers are the
Python sink (tests/smtpsink.py); the relay host's name is resolved by
the loopback DNS server (tests/dnsserver.py).
"""

import os

import pytest

import recipes
from conftest import SmtpSession
from dnsserver import DNSServer
from smtpsink import SMTPSink


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("cleanup", "qmgr", "trivial-rewrite", "pickup") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def sendmail(instance, *args, body=b"Subject: recipe\n\nbody\n"):
    r = instance.sendmail(*args, input=body)
    assert r.returncode == 0, r.stderr


def relay_reply(instance, source):
    """The RCPT reply for a remote recipient, from a client at source."""
    s = SmtpSession(instance.port, source=source)
    try:
        assert s.banner.startswith("220"), s.banner
        s.cmd("EHLO client.example")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        return s.cmd("RCPT TO:<x@remote.example>")
    finally:
        s.close()


def test_recipe_basic_myorigin(instance):
    """myorigin = $mydomain: a bare sender and a bare recipient leave as
    name@example.com (mydomain of the test instance)."""
    require(instance, "smtp")
    with SMTPSink() as sink:
        settings = recipes.apply(instance, "basic-myorigin",
                                 relayhost="[127.0.0.1]:%d" % sink.port)
        assert settings["myorigin"] == "$mydomain"
        sendmail(instance, "-f", "alice", "bob",
                 body=b"From: alice\nTo: bob\nSubject: bare\n\nbody\n")
        msg = sink.wait_messages(1)[0]
    assert msg.mail_from == "alice@example.com"
    assert msg.rcpts == ["bob@example.com"]
    assert b"\nFrom: alice@example.com" in b"\n" + msg.data
    assert b"\nTo: bob@example.com" in b"\n" + msg.data


def test_recipe_basic_mydestination(instance):
    """$mydomain in mydestination: user@example.com is delivered by
    local(8); an unknown user of the domain is refused with 550 5.1.1."""
    require(instance, "local", "smtpd")
    spool = recipes.mail_spool(instance)
    recipes.apply(instance, "basic-mydestination",
                  mail_spool_directory=spool)
    sendmail(instance, "-f", "sender@example.org", "pftest1@example.com")
    data = recipes.wait_file(os.path.join(spool, "pftest1"), b"Subject: recipe")
    assert b"\nDelivered-To: pftest1@example.com\n" in data
    instance.wait_log("relay=local")
    s = SmtpSession(instance.port)
    try:
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<a@example.org>")
        reply = s.cmd("RCPT TO:<nobody-here@example.com>")
    finally:
        s.close()
    assert reply.startswith("550 5.1.1 <nobody-here@example.com>: "
                            "Recipient address rejected: User unknown "
                            "in local recipient table"), reply


def test_recipe_basic_mynetworks_style(instance):
    """mynetworks_style = host: this host's address relays, another
    loopback address (another "machine") gets 454 4.7.1."""
    require(instance, "smtpd")
    recipes.apply(instance, "basic-mynetworks-style")
    assert relay_reply(instance, "127.0.0.1").startswith("250")
    reply = relay_reply(instance, "127.0.0.2")
    assert reply == ("454 4.7.1 <x@remote.example>: Relay access denied"), \
        reply


def test_recipe_basic_mynetworks(instance):
    """An explicit mynetworks with 127.0.0.0/8: any loopback client,
    also 127.0.0.2, may relay; the mail goes out."""
    require(instance, "smtpd", "smtp")
    with SMTPSink() as sink:
        recipes.apply(instance, "basic-mynetworks",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        for source in ("127.0.0.1", "127.0.0.2"):
            assert relay_reply(instance, source).startswith("250")
        s = SmtpSession(instance.port, source="127.0.0.2")
        try:
            s.cmd("EHLO client.example")
            s.cmd("MAIL FROM:<a@example.org>")
            assert s.cmd("RCPT TO:<x@remote.example>").startswith("250")
            assert s.cmd("DATA").startswith("354")
            assert s.cmd("Subject: relayed\r\n\r\nbody\r\n.").startswith(
                "250")
        finally:
            s.close()
        msg = sink.wait_messages(1)[0]
    assert msg.rcpts == ["x@remote.example"]


def test_recipe_basic_relayhost(instance):
    """relayhost = [mail.isp.example]: the A record of that name, no MX
    lookup, port 25; every remote recipient goes there."""
    require(instance, "smtp")
    addr = "127.0.0.23"
    try:
        sink = SMTPSink(host=addr, port=25)
        sink.__enter__()
    except OSError as err:
        pytest.skip("cannot listen on %s:25: %s" % (addr, err))
    try:
        with DNSServer([("mail.isp.example", "A", addr),
                        ("remote.example", "MX", (10, "mx.remote.example")),
                        ("mx.remote.example", "A", "127.0.0.24")]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "basic-relayhost")
            sendmail(instance, "-f", "sender@example.org",
                     "user@remote.example", "other@elsewhere.example")
            msg = sink.wait_messages(1)[0]
            queried = dns.queries()
        assert sorted(msg.rcpts) == ["other@elsewhere.example",
                                     "user@remote.example"]
        assert ("mail.isp.example", "MX") not in queried
        assert ("remote.example", "MX") not in queried
    finally:
        sink.__exit__(None, None, None)
    instance.wait_log("relay=mail.isp.example[127.0.0.23]:25")
