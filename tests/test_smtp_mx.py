"""test_smtp_mx.py - how the smtp(8) client finds its servers in the DNS

A full mail system resolves through the test's loopback DNS server
(tests/dnsserver.py, instance.use_dns) and relays with smtp(8) to
programmable sinks (tests/smtpsink.py) listening on loopback addresses
of their own (127.X.Y.1, .2, ...) that the MX hosts resolve to.
transport_maps sends each test domain to "smtp:DOMAIN:PORT": a next hop
that is not in brackets is still looked up as MX records, and the port
(the sinks' one) is used for every MX host.

Deliveries: the best MX host gets the mail; when it is down the next
one does; equal preferences spread the mail over both hosts; without
MX records the domain's own address record is used. Failures, as
Postfix words them: a null MX (RFC 7505) bounces, an MX host that is
this host (inet_interfaces) at port 25 bounces with "loops back to
myself", NXDOMAIN bounces, SERVFAIL defers.
"""

import os
import random
import re
import socket

import pytest

from conftest import wait_until
from dnsserver import DNSServer
from smtpsink import SMTPSink

pytestmark = pytest.mark.skipif(os.getuid() != 0,
                                reason="needs root (DNS server on port 53)")

PROGRAMS = ("smtp", "qmgr", "pickup", "cleanup", "trivial-rewrite",
            "bounce", "local")


def need_programs(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in PROGRAMS:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed yet" % prog)
    if instance.maillog is None:
        pytest.skip("no maillog in this installation")


def loopback_net(port):
    """A 127.X.Y.0 network whose .1 .. .4 are free at port."""
    for _ in range(50):
        net = "127.%d.%d." % (random.randint(1, 250), random.randint(1, 250))
        try:
            for host in range(1, 5):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    s.bind((net + str(host), port))
                finally:
                    s.close()
        except OSError:
            continue
        return net
    pytest.skip("no free loopback network")


def spool_dir(instance):
    """A private mail spool for the bounces to root."""
    spool = os.path.join(instance.base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o1777)
    return spool


def send(instance, *rcpts, subject="mx test"):
    proc = instance.sendmail("-f", "root@host.example.com", *rcpts,
                             input=("Subject: %s\nFrom: root@host.example"
                                    ".com\n\nhello\n" % subject).encode())
    assert proc.returncode == 0, proc.stderr


def wait_log_re(instance, pattern, what, timeout=30):
    wait_until(lambda: re.search(pattern, instance.log()), timeout,
               "%s in the log:\n%s" % (what, instance.log()))


def test_mx_preference_spread_and_implicit_mx(instance):
    need_programs(instance)
    port = instance.ports[0]
    net = loopback_net(port)
    a1, a2, a3, a4 = (net + str(i) for i in range(1, 5))
    records = [
        # both up: the better MX host gets the mail
        ("best.example", "MX", (10, "mx1.best.example")),
        ("best.example", "MX", (20, "mx2.best.example")),
        ("mx1.best.example", "A", a1),
        ("mx2.best.example", "A", a2),
        # best MX down (nothing listens on a4): the next one gets it
        ("down.example", "MX", (10, "mx1.down.example")),
        ("down.example", "MX", (20, "mx2.down.example")),
        ("mx1.down.example", "A", a4),
        ("mx2.down.example", "A", a2),
        # equal preferences: both hosts get some of the mail
        ("equal.example", "MX", (10, "mxa.equal.example")),
        ("equal.example", "MX", (10, "mxb.equal.example")),
        ("mxa.equal.example", "A", a1),
        ("mxb.equal.example", "A", a2),
        # no MX records: the domain's own address (the implicit MX)
        ("amx.example", "A", a3),
    ]
    domains = ("best.example", "down.example", "equal.example",
               "amx.example")
    with DNSServer(records) as dns, \
            SMTPSink(host=a1, port=port) as s1, \
            SMTPSink(host=a2, port=port) as s2, \
            SMTPSink(host=a3, port=port) as s3:
        instance.use_dns(dns.addr)
        instance.mail_system(
            transport_maps="inline:{ %s }" % ", ".join(
                "%s=smtp:%s:%d" % (d, d, port) for d in domains),
            mail_spool_directory=spool_dir(instance),
            smtp_connection_cache_on_demand="no",
            smtp_connect_timeout="5s")

        send(instance, "user@best.example", subject="best")
        tx = s1.wait_messages(1)[0]
        assert tx.rcpts == ["user@best.example"]
        assert b"Subject: best" in tx.data
        wait_log_re(instance, r"to=<user@best\.example>, relay=mx1\.best"
                    r"\.example\[%s\]:%d, .*status=sent" % (re.escape(a1),
                                                             port),
                    "the delivery to mx1.best.example")
        assert ("best.example", "MX") in dns.queries()

        send(instance, "user@down.example", subject="down")
        tx = s2.wait_messages(1)[0]
        assert tx.rcpts == ["user@down.example"]
        wait_log_re(instance, r"to=<user@down\.example>, relay=mx2\.down"
                    r"\.example\[%s\]:%d, .*status=sent" % (re.escape(a2),
                                                             port),
                    "the delivery to mx2.down.example")
        assert len(s1.messages) == 1

        send(instance, "user@amx.example", subject="implicit")
        tx = s3.wait_messages(1)[0]
        assert tx.rcpts == ["user@amx.example"]
        wait_log_re(instance, r"to=<user@amx\.example>, relay=amx\.example"
                    r"\[%s\]:%d, .*status=sent" % (re.escape(a3), port),
                    "the delivery to amx.example's own address")
        assert ("amx.example", "MX") in dns.queries()

        count = 20
        for i in range(count):
            send(instance, "user%d@equal.example" % i, subject="equal")
        wait_until(lambda: len(s1.messages) + len(s2.messages)
                   == 2 + count, 60, "the equal-preference messages")
        to_a = len(s1.messages) - 1
        to_b = len(s2.messages) - 1
        # with a fair coin, fewer than 2 on one side: about 1 in 25,000
        assert to_a >= 2 and to_b >= 2, (to_a, to_b)
        for tx in s1.messages[1:] + s2.messages[1:]:
            assert tx.rcpts[0].endswith("@equal.example")


def test_mx_failures(instance):
    need_programs(instance)
    records = [
        ("nullmx.example", "MX", (0, ".")),
        # this host: inet_interfaces = 127.0.0.1 in the test instance
        ("loop.example", "MX", (10, "mx.loop.example")),
        ("mx.loop.example", "A", "127.0.0.1"),
    ]
    forced = {"nx.example": "NXDOMAIN", "sf.example": "SERVFAIL"}
    with DNSServer(records, forced=forced) as dns:
        instance.use_dns(dns.addr)
        # the default port (25): the loop test is done only there
        instance.mail_system(mail_spool_directory=spool_dir(instance),
                             minimal_backoff_time="300s",
                             queue_run_delay="300s")
        send(instance, "user@nullmx.example", "user@loop.example",
             "user@nx.example", "user@sf.example")
        wait_log_re(instance, r"to=<user@nullmx\.example>, relay=none, .*"
                    r"dsn=5\.1\.0, status=bounced \(Domain nullmx\.example "
                    r"does not accept mail \(nullMX\)\)", "the null MX bounce")
        wait_log_re(instance, r"to=<user@loop\.example>, relay=none, .*"
                    r"dsn=5\.4\.6, status=bounced \(mail for loop\.example "
                    r"loops back to myself\)", "the mail loop bounce")
        wait_log_re(instance, r"to=<user@nx\.example>, relay=none, .*"
                    r"dsn=5\.4\.4, status=bounced \(Host or domain name not "
                    r"found\. Name service error for name=nx\.example "
                    r"type=A: Host not found\)", "the NXDOMAIN bounce")
        wait_log_re(instance, r"to=<user@sf\.example>, relay=none, .*"
                    r"dsn=4\.4\.3, status=deferred \(Host or domain name not "
                    r"found\. Name service error for name=sf\.example "
                    r"type=MX: Host not found, try again\)",
                    "the SERVFAIL deferral")
        # the deferred recipient is still queued, the others are not
        wait_until(lambda: instance.queue_files("deferred"), 30,
                   "the deferred queue file")
        assert ("sf.example", "MX") in dns.queries()


def test_no_fallback_for_null_mx_or_loop(instance):
    """smtp_fallback_relay is not used for a domain that accepts no mail
    (null MX) nor for one whose best MX is this host: both bounce, and
    the fallback relay never hears of them."""
    need_programs(instance)
    records = [
        ("nullmx.example", "MX", (0, ".")),
        ("loop.example", "MX", (10, "mx.loop.example")),
        ("mx.loop.example", "A", "127.0.0.1"),
    ]
    with DNSServer(records) as dns, SMTPSink() as fallback:
        instance.use_dns(dns.addr)
        instance.mail_system(mail_spool_directory=spool_dir(instance),
                             smtp_fallback_relay="[127.0.0.1]:%d"
                             % fallback.port)
        send(instance, "user@nullmx.example", "user@loop.example")
        wait_log_re(instance, r"to=<user@nullmx\.example>, relay=none, .*"
                    r"dsn=5\.1\.0, status=bounced", "the null MX bounce")
        wait_log_re(instance, r"to=<user@loop\.example>, relay=none, .*"
                    r"dsn=5\.4\.6, status=bounced", "the mail loop bounce")
        assert fallback.messages == []
        assert all("RCPT" not in s.verbs() for s in fallback.sessions)
