"""
test_anvil.py - anvil(8) and smtpd's client rate and concurrency limits

anvil is first driven directly over private/anvil with the requests
that anvil_clnt sends: connection counts and rates per (service,
client), message, recipient and new TLS session rates, rates starting
over after anvil_rate_time_unit, the connections of a client process
that went away without "disconnect" being released, and the periodic
"statistics: max ..." log lines.

Then through smtpd (skipped until smtpd is installed): the connection
rate, connection count, message rate and recipient rate limits trip at
the configured numbers with Postfix's replies and warnings, and clients
in smtpd_client_event_limit_exceptions ($mynetworks by default) are not
limited.
"""

import os
import re
import socket
import time

import pytest

from conftest import SmtpSession, port_listening, wait_until


# ------------------------------------------------------------ protocol

def attr(kind, name, value):
    value = str(value).encode()
    return (kind.encode() + b"%d:%s," % (len(name), name.encode())
            + b"%d:%s," % (len(value), value))


class AnvilClient:
    """One connection to private/anvil, as an smtpd process holds it."""

    def __init__(self, instance):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(os.path.join(instance.queue, "private", "anvil"))
        self.buf = b""

    def _read(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("anvil closed the connection")
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _counted(self):
        digits = b""
        while True:
            c = self._read(1)
            if c == b":":
                break
            digits += c
        value = self._read(int(digits))
        assert self._read(1) == b","
        return value.decode()

    def reply(self):
        out = {}
        while True:
            kind = self._read(1)
            if kind == b"E":
                return out
            assert kind in (b"S", b"I", b"L", b"D"), kind
            name = self._counted()
            value = self._counted()
            out[name] = int(value) if kind in (b"I", b"L") else value

    def request(self, request, ident):
        self.sock.sendall(attr("S", "request", request)
                          + attr("S", "ident", ident) + b"E")
        return self.reply()

    def close(self):
        self.sock.close()


def anvil_installed(instance):
    daemons = instance.installed.path("daemon_directory")
    return os.path.exists(os.path.join(daemons, "anvil"))


ANVIL_LINE = "anvil unix - - n - 1 anvil\n"


@pytest.fixture
def anvil(instance):
    if not anvil_installed(instance):
        pytest.skip("needs anvil (not installed yet)")
    found = instance.mail_system(
        start=False, anvil_rate_time_unit="2s",
        anvil_status_update_time="2s")
    if "anvil" not in found:
        # MAIL_SERVICES in conftest.py does not know anvil yet.
        instance.write_master_cf(open(instance.master_cf).read()
                                 .split("\n", 1)[1] + ANVIL_LINE)
    instance.start()
    wait_until(lambda: os.path.exists(
        os.path.join(instance.queue, "private", "anvil")), 10,
        "private/anvil")
    return instance


# ------------------------------------------------------------ anvil itself

def test_connect_count_and_rate(anvil):
    c = AnvilClient(anvil)
    try:
        assert c.request("connect", "smtp:192.0.2.1") == \
            {"status": 0, "count": 1, "rate": 1}
        assert c.request("connect", "smtp:192.0.2.1") == \
            {"status": 0, "count": 2, "rate": 2}
        # Another client, and the same client of another service,
        # have counters of their own.
        assert c.request("connect", "smtp:192.0.2.2") == \
            {"status": 0, "count": 1, "rate": 1}
        assert c.request("connect", "submission:192.0.2.1") == \
            {"status": 0, "count": 1, "rate": 1}
        assert c.request("disconnect", "smtp:192.0.2.1") == {"status": 0}
        r = c.request("lookup", "smtp:192.0.2.1")
        assert r["count"] == 1 and r["rate"] == 2, r
        # The rate counts connections, not open ones.
        assert c.request("connect", "smtp:192.0.2.1") == \
            {"status": 0, "count": 2, "rate": 3}
    finally:
        c.close()


def test_event_rates(anvil):
    c = AnvilClient(anvil)
    try:
        for n in (1, 2, 3):
            assert c.request("message", "smtp:192.0.2.9") == \
                {"status": 0, "rate": n}
        for n in (1, 2):
            assert c.request("recipient", "smtp:192.0.2.9") == \
                {"status": 0, "rate": n}
        assert c.request("newtls", "smtp:192.0.2.9") == \
            {"status": 0, "rate": 1}
        # The report form does not count.
        assert c.request("newtls_report", "smtp:192.0.2.9") == \
            {"status": 0, "rate": 1}
        assert c.request("lookup", "smtp:192.0.2.9") == \
            {"status": 0, "count": 0, "rate": 0, "message": 3,
             "recipient": 2, "newtls": 1}
        # An unknown client: all zero, and no entry is made.
        assert c.request("lookup", "smtp:198.51.100.1") == \
            {"status": 0, "count": 0, "rate": 0, "message": 0,
             "recipient": 0, "newtls": 0}
        assert c.request("bogus", "smtp:192.0.2.9")["status"] == -1
    finally:
        c.close()


def test_rates_start_over_after_time_unit(anvil):
    c = AnvilClient(anvil)
    try:
        c.request("connect", "smtp:192.0.2.3")
        c.request("disconnect", "smtp:192.0.2.3")
        c.request("message", "smtp:192.0.2.3")
        assert c.request("connect", "smtp:192.0.2.3")["rate"] == 2
        time.sleep(2.5)                 # anvil_rate_time_unit = 2s
        r = c.request("connect", "smtp:192.0.2.3")
        # The open connection is still counted; the rates start over.
        assert r == {"status": 0, "count": 2, "rate": 1}, r
        assert c.request("message", "smtp:192.0.2.3")["rate"] == 1
    finally:
        c.close()


def test_client_gone_releases_connections(anvil):
    smtpd1 = AnvilClient(anvil)
    smtpd2 = AnvilClient(anvil)
    try:
        smtpd1.request("connect", "smtp:192.0.2.4")
        smtpd1.request("connect", "smtp:192.0.2.4")
        assert smtpd2.request("connect", "smtp:192.0.2.4")["count"] == 3
        smtpd1.close()                  # "crashed" without disconnect
        wait_until(lambda: smtpd2.request("lookup", "smtp:192.0.2.4")
                   ["count"] == 1, 5, "count back to 1")
        # A disconnect for a connection this client never made changes
        # nothing.
        assert smtpd2.request("disconnect", "smtp:192.0.2.5") == \
            {"status": 0}
        assert smtpd2.request("lookup", "smtp:192.0.2.4")["count"] == 1
    finally:
        smtpd2.close()


def test_statistics_logged(anvil):
    if not anvil.maillog:
        pytest.skip("needs maillog_file logging")
    c = AnvilClient(anvil)
    try:
        for _ in range(3):
            c.request("connect", "smtp:192.0.2.7")
        c.request("connect", "smtp:192.0.2.8")
        for _ in range(4):
            c.request("message", "smtp:192.0.2.8")
        for _ in range(5):
            c.request("recipient", "smtp:192.0.2.7")
        c.request("newtls", "smtp:192.0.2.7")
    finally:
        c.close()
    anvil.wait_log("statistics: max connection rate 3/2s for "
                   "(smtp:192.0.2.7) at ", timeout=10)
    log = anvil.log()
    stamp = r" at [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d"
    for pat in (r"statistics: max connection rate 3/2s for "
                r"\(smtp:192\.0\.2\.7\)" + stamp,
                r"statistics: max connection count 3 for "
                r"\(smtp:192\.0\.2\.7\)" + stamp,
                r"statistics: max message rate 4/2s for "
                r"\(smtp:192\.0\.2\.8\)" + stamp,
                r"statistics: max recipient rate 5/2s for "
                r"\(smtp:192\.0\.2\.7\)" + stamp,
                r"statistics: max new TLS sessions 1/2s for "
                r"\(smtp:192\.0\.2\.7\)" + stamp,
                r"statistics: max cache size 2" + stamp):
        assert re.search(pat, log), (pat, log)


# ------------------------------------------------------------ through smtpd

def smtpd_installed(instance):
    daemons = instance.installed.path("daemon_directory")
    return os.path.exists(os.path.join(daemons, "smtpd"))


@pytest.fixture
def limited(instance):
    """A started mail system with smtpd and anvil; the test sets the
    limits through the returned function."""
    if not anvil_installed(instance) or not smtpd_installed(instance):
        pytest.skip("needs smtpd and anvil")

    def start(**limits):
        settings = dict(smtpd_client_event_limit_exceptions="")
        settings.update(limits)
        found = instance.mail_system(start=False, **settings)
        if "anvil" not in found:
            instance.write_master_cf(open(instance.master_cf).read()
                                     .split("\n", 1)[1] + ANVIL_LINE)
        instance.start()
        wait_until(lambda: port_listening(instance.port), 10, "smtpd port")
        return instance
    return start


def quit_session(port):
    s = SmtpSession(port)
    try:
        if s.banner.startswith("220"):
            s.cmd("QUIT")
        return s.banner
    finally:
        s.close()


def test_connection_rate_limit(limited):
    inst = limited(smtpd_client_connection_rate_limit="3",
                   anvil_rate_time_unit="60s")
    # port_listening() above made one connection already (counted too).
    banners = [quit_session(inst.port) for _ in range(4)]
    assert all(b.startswith("220") for b in banners[:2]), banners
    for b in banners[2:]:
        assert b == ("421 4.7.0 host.example.com Error: too many "
                     "connections from 127.0.0.1"), banners
    inst.wait_log("warning: Connection rate limit exceeded: 5 from ")
    assert re.search(r"warning: Connection rate limit exceeded: 4 from "
                     r"\S*\[127\.0\.0\.1\] for service \S+", inst.log())


def test_connection_count_limit(limited):
    inst = limited(smtpd_client_connection_count_limit="2")
    time.sleep(0.5)             # the probe connection has been closed
    held = [SmtpSession(inst.port) for _ in range(2)]
    try:
        assert all(s.banner.startswith("220") for s in held), \
            [s.banner for s in held]
        third = SmtpSession(inst.port)
        assert third.banner == ("421 4.7.0 host.example.com Error: too "
                                "many connections from 127.0.0.1")
        third.close()
        inst.wait_log("warning: Connection concurrency limit exceeded: 3 "
                      "from ")
        # Once one is closed, a new client gets in again.
        held[0].cmd("QUIT")
        held[0].close()

        def another():
            banner = quit_session(inst.port)
            return banner.startswith("220")
        wait_until(another, 10, "a connection below the limit")
    finally:
        for s in held:
            s.close()


def test_message_rate_limit(limited):
    inst = limited(smtpd_client_message_rate_limit="2")
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        for _ in range(2):
            assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
            assert s.cmd("RSET").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>") == \
            "450 4.7.1 Error: too much mail from 127.0.0.1"
        s.cmd("QUIT")
    finally:
        s.close()
    inst.wait_log("warning: Message delivery request rate limit exceeded: "
                  "3 from ")
    assert re.search(r"Message delivery request rate limit exceeded: 3 "
                     r"from \S*\[127\.0\.0\.1\] for service \S+", inst.log())


def test_recipient_rate_limit(limited):
    inst = limited(smtpd_client_recipient_rate_limit="3",
                   local_recipient_maps="")
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        for _ in range(3):
            r = s.cmd("RCPT TO:<root@host.example.com>")
            assert r.startswith("250"), r
        assert s.cmd("RCPT TO:<root@host.example.com>") == \
            "450 4.7.1 Error: too many recipients from 127.0.0.1"
        s.cmd("QUIT")
    finally:
        s.close()
    inst.wait_log("warning: Recipient address rate limit exceeded: 4 from ")


def test_exceptions_not_limited(limited):
    # The default exceptions ($mynetworks) contain 127.0.0.1.
    inst = limited(smtpd_client_event_limit_exceptions=None,
                   smtpd_client_connection_rate_limit="1",
                   smtpd_client_message_rate_limit="1")
    for _ in range(3):
        assert quit_session(inst.port).startswith("220")
    s = SmtpSession(inst.port)
    try:
        s.cmd("EHLO client.example")
        for _ in range(3):
            assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
            assert s.cmd("RSET").startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    assert "limit exceeded" not in inst.log()


def test_exceptions_list(limited):
    # An explicit list: 127.0.0.1 in it, so no limit; not in it, limited.
    inst = limited(smtpd_client_event_limit_exceptions="192.0.2.0/24, "
                   "127.0.0.1",
                   smtpd_client_connection_rate_limit="1")
    for _ in range(3):
        assert quit_session(inst.port).startswith("220")
    assert "limit exceeded" not in inst.log()
