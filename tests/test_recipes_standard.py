"""
test_recipes_standard.py - the recipes of STANDARD_CONFIGURATION_README

Each setup of the guide is installed as printed (recipes.py) into a
private instance and its promise is checked with real clients: the
null client sends even local mail to its relay host and delivers
nothing; the local network server relays for mynetworks only and
delivers its domain locally; the virtual alias domain forwards to a
local user; the gateway accepts and forwards mail for its relay
domain and refuses unknown recipients; the backup MX accepts, keeps
the mail while the primary is down and passes it on afterwards. The
host names of the guide are served by the loopback DNS server
(tests/dnsserver.py), and the remote servers are Python sinks
(tests/smtpsink.py) on port 25 of their own loopback addresses.
"""

import os
import subprocess

import pytest

import recipes
from conftest import SmtpSession, wait_until
from dnsserver import DNSServer
from smtpsink import SMTPSink


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("cleanup", "qmgr", "trivial-rewrite", "pickup",
                 "smtpd") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def sink_at(addr, **kw):
    """An SMTP sink on addr:25 (skip when the port cannot be had)."""
    sink = SMTPSink(host=addr, port=25, **kw)
    try:
        sink.__enter__()
    except OSError as err:
        pytest.skip("cannot listen on %s:25: %s" % (addr, err))
    return sink


def sendmail(instance, *args, body=b"Subject: recipe\n\nbody\n"):
    r = instance.sendmail(*args, input=body)
    assert r.returncode == 0, r.stderr


class Client(SmtpSession):
    """An SMTP session to the instance from a chosen loopback source,
    past EHLO."""

    def __init__(self, port, source="127.0.0.1", timeout=30):
        SmtpSession.__init__(self, port, timeout=timeout, source=source)
        assert self.banner.startswith("220"), self.banner
        assert self.cmd("EHLO client.example").startswith("250")

    def rcpt(self, rcpt, sender="someone@example.org"):
        """RSET, MAIL, RCPT: the reply to RCPT."""
        self.cmd("RSET")
        assert self.cmd("MAIL FROM:<%s>" % sender).startswith("250")
        return self.cmd("RCPT TO:<%s>" % rcpt)

    def send(self, rcpt, sender="someone@example.org"):
        """A whole transaction that must be accepted."""
        reply = self.rcpt(rcpt, sender)
        assert reply.startswith("250"), reply
        assert self.cmd("DATA").startswith("354")
        reply = self.cmd("Subject: recipe\r\n\r\nbody\r\n.")
        assert reply.startswith("250"), reply


# ------------------------------------------------------------ 1. null client

def test_recipe_std_null_client(instance):
    """Mail for root and for a user of this very host goes to
    [mail.example.com] as ...@example.com; nothing is delivered here."""
    require(instance, "smtp", "local", "error")
    spool = recipes.mail_spool(instance)
    addr = "127.0.0.31"
    sink = sink_at(addr)
    try:
        with DNSServer([("mail.example.com", "A", addr)]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "std-null-client",
                          mail_spool_directory=spool)
            sendmail(instance, "-f", "cron", "root", "pftest1@host.example.com")
            msg = sink.wait_messages(1)[0]
    finally:
        sink.__exit__(None, None, None)
    assert msg.mail_from == "cron@example.com"
    assert sorted(msg.rcpts) == ["pftest1@host.example.com",
                                 "root@example.com"]
    instance.wait_log("relay=mail.example.com[127.0.0.31]:25")
    assert "relay=local" not in instance.log()
    assert os.listdir(spool) == []


# ------------------------------------------------------ 2. local network

def test_recipe_std_local_network(instance):
    """A client in mynetworks (127.0.0.1) relays, by MX, to the remote
    domain; one outside it (127.0.0.2) gets 454 4.7.1 but may still send
    to the local domain, which local(8) delivers."""
    require(instance, "smtp", "local")
    spool = recipes.mail_spool(instance)
    addr = "127.0.0.32"
    sink = sink_at(addr)
    try:
        with DNSServer([("elsewhere.example", "MX",
                         (10, "mx.elsewhere.example")),
                        ("mx.elsewhere.example", "A", addr)]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "std-local-network",
                          mail_spool_directory=spool)
            inside = Client(instance.port, "127.0.0.1")
            inside.send("user@elsewhere.example")
            inside.close()
            msg = sink.wait_messages(1)[0]
            assert msg.rcpts == ["user@elsewhere.example"]
            outside = Client(instance.port, "127.0.0.2")
            reply = outside.rcpt("user@elsewhere.example")
            assert reply == ("454 4.7.1 <user@elsewhere.example>: "
                             "Relay access denied"), reply
            outside.send("pftest1@example.com")
            reply = outside.rcpt("nobody-here@example.com")
            outside.close()
            assert reply.startswith("550 5.1.1 "), reply
            recipes.wait_file(os.path.join(spool, "pftest1"), b"Subject: recipe")
    finally:
        sink.__exit__(None, None, None)
    assert len(sink.messages) == 1


# ------------------------------------------------------ 3. virtual domains

def test_recipe_std_virtual(instance):
    """info@example.net reaches the local user of the table (alice in
    the guide: pftest1 here); an address not in the table is refused."""
    require(instance, "local")
    spool = recipes.mail_spool(instance)
    every = recipes.recipes()["std-virtual"]
    table = every["/etc/postfix/virtual"]
    assert "info@example.net      alice\n" in table
    recipes.apply(instance, "std-virtual", start=False,
                  mail_spool_directory=spool)
    # The guide's alice is the test system's pftest1.
    path = os.path.join(instance.etc, "virtual")
    with open(path, "w") as f:
        f.write(table.replace("alice", "pftest1"))
    recipes._build_tables(instance, {"virtual_alias_maps": "hash:" + path})
    instance.start()
    wait_until(lambda: os.path.exists(
        os.path.join(instance.queue, "public", "pickup")), 10, "pickup")
    c = Client(instance.port, "127.0.0.2")
    c.send("info@example.net")
    reply = c.rcpt("nobody@example.net")
    c.close()
    assert reply.startswith("550 5.1.1 <nobody@example.net>: Recipient "
                            "address rejected: User unknown in virtual "
                            "alias table"), reply
    data = recipes.wait_file(os.path.join(spool, "pftest1"), b"Subject: recipe")
    assert b"\nX-Original-To: info@example.net\n" in data


# ------------------------------------------------------ 4. gateway

def test_recipe_std_relay(instance):
    """Mail for alice@example.net from any client is accepted and
    forwarded to [inside.example.net]; nobody@example.net gets 550
    5.1.1; other domains are still not relayed for outsiders."""
    require(instance, "smtp")
    addr = "127.0.0.33"
    sink = sink_at(addr)
    try:
        with DNSServer([("inside.example.net", "A", addr)]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "std-relay")
            c = Client(instance.port, "127.0.0.2")
            c.send("alice@example.net")
            reply = c.rcpt("nobody@example.net")
            assert reply == ("550 5.1.1 <nobody@example.net>: Recipient "
                             "address rejected: User unknown in relay "
                             "recipient table"), reply
            reply = c.rcpt("user@elsewhere.example")
            assert reply.startswith("454 4.7.1 "), reply
            c.close()
            msg = sink.wait_messages(1)[0]
            assert ("example.net", "MX") not in dns.queries()
    finally:
        sink.__exit__(None, None, None)
    assert msg.rcpts == ["alice@example.net"]
    instance.wait_log("relay=inside.example.net[127.0.0.33]:25")


# ------------------------------------------------------ 5. backup MX

def test_recipe_std_backup_mx(instance):
    """The backup MX (MX 20, its own myhostname) accepts mail for
    example.net while the primary (MX 10) is down, keeps it deferred,
    and delivers it to the primary when the queue is flushed."""
    require(instance, "smtp")
    primary = "127.0.0.34"
    myhostname = "host.example.com"         # the test instance's
    with DNSServer([("example.net", "MX", (10, "mx1.example.net")),
                    ("example.net", "MX", (20, myhostname)),
                    ("mx1.example.net", "A", primary),
                    (myhostname, "A", "127.0.0.1")]) as dns:
        instance.use_dns(dns.addr)
        recipes.apply(instance, "std-backup-mx")
        c = Client(instance.port, "127.0.0.2")
        c.send("alice@example.net")
        reply = c.rcpt("nobody@example.net")
        c.close()
        assert reply.startswith("550 5.1.1 "), reply
        instance.wait_log("to=<alice@example.net>", timeout=20)
        instance.wait_log("status=deferred", timeout=20)
        assert "loops back to myself" not in instance.log()
        assert instance.queue_files("deferred")
        sink = sink_at(primary)
        try:
            env = dict(os.environ)
            env.pop("MAIL_CONFIG", None)
            r = subprocess.run([instance.installed.command("postqueue"),
                                "-c", instance.etc, "-f"], env=env,
                               capture_output=True, timeout=30)
            assert r.returncode == 0, r.stderr
            msg = sink.wait_messages(1, timeout=30)[0]
        finally:
            sink.__exit__(None, None, None)
    assert msg.rcpts == ["alice@example.net"]
    instance.wait_log("relay=mx1.example.net[127.0.0.34]:25")


def test_recipe_std_backup_mx_transport(instance):
    """With a relayhost for the other mail, the transport entry of the
    guide still sends example.net's mail to its primary MX, not to the
    relay host."""
    require(instance, "smtp")
    primary = "127.0.0.35"
    myhostname = "host.example.com"         # the test instance's
    with SMTPSink() as relay:
        with DNSServer([("example.net", "MX", (10, "mx1.example.net")),
                        ("example.net", "MX", (20, myhostname)),
                        ("mx1.example.net", "A", primary),
                        (myhostname, "A", "127.0.0.1")]) as dns:
            instance.use_dns(dns.addr)
            sink = sink_at(primary)
            try:
                # The situation the guide describes: a relayhost for
                # everything else.
                recipes.apply(instance, "std-backup-mx-transport",
                              also=("std-backup-mx",),
                              relayhost="[127.0.0.1]:%d" % relay.port)
                c = Client(instance.port, "127.0.0.2")
                c.send("alice@example.net")
                c.close()
                sendmail(instance, "-f", "root", "user@elsewhere.example")
                msg = sink.wait_messages(1)[0]
                other = relay.wait_messages(1)[0]
            finally:
                sink.__exit__(None, None, None)
    assert msg.rcpts == ["alice@example.net"]
    assert other.rcpts == ["user@elsewhere.example"]
    assert len(relay.messages) == 1
