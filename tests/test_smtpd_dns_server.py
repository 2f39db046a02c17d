"""test_smtpd_dns_server.py - the test DNS server itself (tests/dnsserver.py)

The DNS tests of smtpd are only as good as the server they ask: these
check its answers over UDP and TCP, CNAME chains, NODATA against
NXDOMAIN, the forced answers (SERVFAIL, REFUSED, NXDOMAIN, NODATA and
no answer at all), truncation of long UDP answers, the query log, and
that two servers get different addresses. Needs root (port 53).
"""

import socket
import struct

import pytest

from dnsserver import DNSServer, ptr_name, query


ZONE = [
    ("Example.COM.", "MX", (20, "mx2.example.com")),
    ("example.com", "MX", "10 mx1.example.com"),
    ("mx1.example.com", "A", "127.0.0.9"),
    ("mx1.example.com", "AAAA", "::1"),
    ("www.example.com", "CNAME", "alias.example.com"),
    ("alias.example.com", "CNAME", "mx1.example.com"),
    ("loop1.example", "CNAME", "loop2.example"),
    ("loop2.example", "CNAME", "loop1.example"),
    ("a.b.deep.example", "A", "127.0.0.10"),
    (ptr_name("127.0.0.33"), "PTR", "client.example.com"),
    ("txt.example", "TXT", ["part one ", "part two"]),
    ("big.example", "TXT", ["x" * 250] * 4),
    ("ns.example", "NS", "ns1.example"),
]


@pytest.fixture
def server():
    with DNSServer(ZONE, forced={"fail.example": "SERVFAIL",
                                 "refused.example": "REFUSED",
                                 "gone.example": "NXDOMAIN",
                                 ("mx1.example.com", "AAAA"): "NODATA",
                                 "slow.example": "TIMEOUT"}) as s:
        yield s


@pytest.mark.parametrize("proto", ["udp", "tcp"])
def test_answers(server, proto):
    rcode, answers, tc = query(server.addr, "EXAMPLE.com", "MX", proto)
    assert (rcode, tc) == ("NOERROR", False)
    prefs = sorted(struct.unpack(">H", rdata[:2])[0]
                   for _owner, rtype, rdata in answers)
    assert prefs == [10, 20]
    rcode, answers, _ = query(server.addr, "mx1.example.com", "A", proto)
    assert answers == [("mx1.example.com", "A", bytes([127, 0, 0, 9]))]
    rcode, answers, _ = query(server.addr, "33.0.0.127.in-addr.arpa",
                              "PTR", proto)
    assert answers[0][1] == "PTR"
    assert b"client" in answers[0][2]
    rcode, answers, _ = query(server.addr, "txt.example", "TXT", proto)
    assert answers[0][2] == b"\x09part one \x08part two"


def test_cname_chain_and_loop(server):
    rcode, answers, _ = query(server.addr, "www.example.com", "A")
    assert rcode == "NOERROR"
    assert [a[1] for a in answers] == ["CNAME", "CNAME", "A"]
    assert answers[-1] == ("mx1.example.com", "A", bytes([127, 0, 0, 9]))
    assert query(server.addr, "loop1.example", "A")[0] == "SERVFAIL"


def test_nodata_and_nxdomain(server):
    assert query(server.addr, "mx1.example.com", "MX")[:2] == ("NOERROR", [])
    assert query(server.addr, "deep.example", "A")[:2] == ("NOERROR", [])
    assert query(server.addr, "nothing.example", "A")[:2] == ("NXDOMAIN", [])


def test_forced(server):
    assert query(server.addr, "fail.example", "A")[0] == "SERVFAIL"
    assert query(server.addr, "refused.example", "MX")[0] == "REFUSED"
    assert query(server.addr, "gone.example", "A")[0] == "NXDOMAIN"
    assert query(server.addr, "mx1.example.com", "AAAA")[:2] == (
        "NOERROR", [])
    assert query(server.addr, "mx1.example.com", "A")[1]
    with pytest.raises(socket.timeout):
        query(server.addr, "slow.example", "A", timeout=0.5)
    server.force("fail.example", None)
    assert query(server.addr, "fail.example", "A")[0] == "NXDOMAIN"


def test_truncation(server):
    rcode, answers, tc = query(server.addr, "big.example", "TXT", "udp")
    assert (rcode, answers, tc) == ("NOERROR", [], True)
    rcode, answers, tc = query(server.addr, "big.example", "TXT", "tcp")
    assert (rcode, len(answers), tc) == ("NOERROR", 1, False)


def test_query_log_and_updates(server):
    server.clear_log()
    query(server.addr, "new.example", "A")
    server.add("new.example", "A", "127.0.0.11")
    assert query(server.addr, "new.example", "A")[1]
    server.remove("new.example")
    assert query(server.addr, "new.example", "A", "tcp")[0] == "NXDOMAIN"
    assert server.queries() == [("new.example", "A")] * 3
    assert [p for _n, _t, p in server.query_log()] == ["udp", "udp", "tcp"]


def test_garbage_gets_formerr(server):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(b"\x12\x34\x00\x00\x00\x05junk", (server.addr, 53))
        data = s.recv(512)
    finally:
        s.close()
    assert data[:2] == b"\x12\x34"
    assert data[3] & 0xf == 1


def test_two_servers_two_addresses():
    with DNSServer() as one, DNSServer() as two:
        assert one.addr != two.addr
        assert one.addr.startswith("127.0.0.")
    # Stopped: the address is free again.
    with DNSServer(addr=one.addr) as again:
        assert again.addr == one.addr
