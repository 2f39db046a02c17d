"""dnsserver.py - a small DNS server for tests (no dependencies)

Serves one zone that the test gives as records, over UDP and TCP on
port 53 of a loopback address of its own (127.0.0.N, N picked at random
among the free ones), so that tests running side by side do not clash.
Needs root (port 53). Use it with instance.use_dns(server.addr):

    from dnsserver import DNSServer
    with DNSServer([("example.com", "MX", (10, "mx.example.com")),
                    ("mx.example.com", "A", "127.0.0.9"),
                    ("2.0.0.127.bl.example", "TXT", "listed")],
                   forced={"broken.example": "SERVFAIL",
                           "slow.example": "TIMEOUT"}) as dns:
        instance.use_dns(dns.addr)
        ...
        assert ("example.com", "MX") in dns.queries()

Records are (name, type, value): A and AAAA take an address string; MX
an (preference, host) pair or "10 host"; TXT a string or a list of
strings; NS, PTR and CNAME a host name. Names are case-insensitive,
with or without the final dot. ptr_name("1.2.3.4") gives the
in-addr.arpa (or ip6.arpa) name to use for PTR records.

Answers: the records of the type, after following CNAMEs in the zone
(at most 10); NODATA (NOERROR, no answers) when the name exists with
other types (or has names below it); NXDOMAIN otherwise. forced maps a
name, or a (name, type) pair, to "SERVFAIL", "NXDOMAIN", "REFUSED",
"NODATA" or "TIMEOUT" (no answer at all). UDP answers longer than 512
octets are truncated (TC set), so resolvers retry over TCP.
"""

import ipaddress
import random
import select
import socket
import struct
import threading

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "ANY": 255}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3,
          "NOTIMP": 4, "REFUSED": 5}
ACTIONS = ("SERVFAIL", "NXDOMAIN", "REFUSED", "NODATA", "TIMEOUT")


def ptr_name(addr):
    """The reverse-lookup name of an IPv4 or IPv6 address."""
    return ipaddress.ip_address(addr).reverse_pointer


def _norm(name):
    return name.lower().rstrip(".")


def _type_number(rtype):
    if isinstance(rtype, int):
        return rtype
    return TYPES[rtype.upper()]


def _encode_name(name):
    out = b""
    for label in _norm(name).split("."):
        if label:
            raw = label.encode()
            if len(raw) > 63:
                raise ValueError("label too long: %r" % name)
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def _rdata(rtype, value):
    """Wire rdata of one record."""
    if rtype == TYPES["A"]:
        return socket.inet_pton(socket.AF_INET, value)
    if rtype == TYPES["AAAA"]:
        return socket.inet_pton(socket.AF_INET6, value)
    if rtype == TYPES["MX"]:
        if isinstance(value, str):
            pref, host = value.split(None, 1)
        else:
            pref, host = value
        return struct.pack(">H", int(pref)) + _encode_name(host)
    if rtype in (TYPES["NS"], TYPES["PTR"], TYPES["CNAME"]):
        return _encode_name(value)
    if rtype == TYPES["TXT"]:
        strings = [value] if isinstance(value, (str, bytes)) else value
        out = b""
        for s in strings:
            raw = s.encode() if isinstance(s, str) else s
            while True:         # strings of at most 255 octets
                out += bytes([min(len(raw), 255)]) + raw[:255]
                raw = raw[255:]
                if not raw:
                    break
        return out
    if isinstance(value, bytes):
        return value
    raise ValueError("no encoding for type %d" % rtype)


def _parse_query(data):
    """(id, flags, qname, qtype, question bytes) or None."""
    if len(data) < 12:
        return None
    qid, flags, qdcount = struct.unpack(">HHH", data[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    off = 12
    labels = []
    while True:
        if off >= len(data):
            return None
        n = data[off]
        if n == 0:
            off += 1
            break
        if n > 63 or off + 1 + n > len(data):
            return None
        labels.append(data[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n
    if off + 4 > len(data):
        return None
    qtype, _qclass = struct.unpack(">HH", data[off:off + 4])
    return qid, flags, ".".join(labels), qtype, data[12:off + 4]


class DNSServer:
    """A DNS server for one test; see the module comment."""

    def __init__(self, records=(), forced=None, addr=None, port=53, ttl=60):
        self.records = []
        self.forced = {}
        self.port = port
        self.ttl = ttl
        self.addr = addr
        self._log = []
        self._lock = threading.Lock()
        self._thread = None
        self._stop = None
        self._udp = None
        self._tcp = None
        for rec in records:
            self.add(*rec)
        for key, action in (forced or {}).items():
            self.force(key, action)

    # ---------------------------------------------------- the zone

    def add(self, name, rtype, value):
        """Add one record."""
        rtype = _type_number(rtype)
        _rdata(rtype, value)                    # fail early on bad values
        with self._lock:
            self.records.append((_norm(name), rtype, value))

    def remove(self, name, rtype=None):
        """Remove the records of name (of one type, or all)."""
        name = _norm(name)
        with self._lock:
            self.records = [r for r in self.records if not (
                r[0] == name and (rtype is None
                                  or r[1] == _type_number(rtype)))]

    def force(self, key, action):
        """Force the answer for a name or a (name, type) pair; action
        None removes it."""
        if isinstance(key, tuple):
            key = (_norm(key[0]), _type_number(key[1]))
        else:
            key = _norm(key)
        with self._lock:
            if action is None:
                self.forced.pop(key, None)
            else:
                if action.upper() not in ACTIONS:
                    raise ValueError("unknown action %r" % action)
                self.forced[key] = action.upper()

    # ---------------------------------------------------- query log

    def queries(self):
        """[(name, type name)] of the queries received, in order."""
        with self._lock:
            return [(n, t) for n, t, _proto in self._log]

    def query_log(self):
        """[(name, type name, "udp" or "tcp")]."""
        with self._lock:
            return list(self._log)

    def clear_log(self):
        with self._lock:
            self._log = []

    # ---------------------------------------------------- answers

    def _answer(self, qname, qtype):
        """(rcode name, [(owner, type, value)]) or ("TIMEOUT", [])."""
        name = _norm(qname)
        with self._lock:
            action = (self.forced.get((name, qtype))
                      or self.forced.get(name))
            records = list(self.records)
        if action == "TIMEOUT":
            return "TIMEOUT", []
        if action in ("SERVFAIL", "REFUSED", "NXDOMAIN"):
            return action, []
        if action == "NODATA":
            return "NOERROR", []
        answers = []
        for _ in range(11):
            here = [r for r in records if r[0] == name]
            exact = [r for r in here
                     if r[1] == qtype or qtype == TYPES["ANY"]]
            if exact:
                return "NOERROR", answers + exact
            cname = [r for r in here if r[1] == TYPES["CNAME"]]
            if cname:
                answers.append(cname[0])
                name = _norm(cname[0][2])
                continue
            if here or answers or any(r[0].endswith("." + name)
                                      for r in records):
                return "NOERROR", answers
            return "NXDOMAIN", []
        return "SERVFAIL", []                   # CNAME loop

    def _reply(self, data, proto):
        query = _parse_query(data)
        if query is None:
            if len(data) >= 2:                  # FORMERR, if we can
                return data[:2] + struct.pack(">HHHHH", 0x8001, 0, 0, 0, 0)
            return None
        qid, qflags, qname, qtype, question = query
        with self._lock:
            self._log.append((_norm(qname),
                              TYPE_NAMES.get(qtype, "TYPE%d" % qtype), proto))
        rcode, answers = self._answer(qname, qtype)
        if rcode == "TIMEOUT":
            return None
        body = b""
        for owner, rtype, value in answers:
            rdata = _rdata(rtype, value)
            body += (_encode_name(owner)
                     + struct.pack(">HHIH", rtype, 1, self.ttl, len(rdata))
                     + rdata)
        flags = 0x8000 | 0x0080 | (qflags & 0x0100) | RCODES[rcode]
        if rcode == "NOERROR" or rcode == "NXDOMAIN":
            flags |= 0x0400                     # authoritative
        count = len(answers)
        if proto == "udp" and 12 + len(question) + len(body) > 512:
            flags |= 0x0200                     # TC: retry over TCP
            body = b""
            count = 0
        return (struct.pack(">HHHHHH", qid, flags, 1, count, 0, 0)
                + question + body)

    # ---------------------------------------------------- sockets

    def _bind(self):
        """Bind UDP and TCP on port 53 of a free 127.0.0.N."""
        candidates = ([self.addr] if self.addr else
                      random.sample(["127.0.0.%d" % n
                                     for n in range(2, 255)], 60))
        last = None
        for addr in candidates:
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                udp.bind((addr, self.port))
                tcp.bind((addr, self.port))
                tcp.listen(16)
            except OSError as e:
                udp.close()
                tcp.close()
                last = e
                continue
            self.addr = addr
            return udp, tcp
        raise OSError("dnsserver: no free loopback address: %s" % last)

    def _serve_tcp(self, conn):
        """Answer the queries of one TCP connection (bounded)."""
        conn.settimeout(2)
        try:
            for _ in range(20):
                head = b""
                while len(head) < 2:
                    more = conn.recv(2 - len(head))
                    if not more:
                        return
                    head += more
                (n,) = struct.unpack(">H", head)
                data = b""
                while len(data) < n:
                    more = conn.recv(n - len(data))
                    if not more:
                        return
                    data += more
                reply = self._reply(data, "tcp")
                if reply is None:
                    continue
                conn.sendall(struct.pack(">H", len(reply)) + reply)
        except OSError:
            return
        finally:
            conn.close()

    def _run(self):
        while not self._stop.is_set():
            ready, _, _ = select.select([self._udp, self._tcp], [], [], 0.2)
            for sock in ready:
                try:
                    if sock is self._udp:
                        data, peer = sock.recvfrom(4096)
                        reply = self._reply(data, "udp")
                        if reply is not None:
                            sock.sendto(reply, peer)
                    else:
                        conn, _peer = sock.accept()
                        threading.Thread(target=self._serve_tcp,
                                         args=(conn,), daemon=True).start()
                except OSError:
                    continue

    def start(self):
        self._udp, self._tcp = self._bind()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread:
            self._stop.set()
            self._thread.join(5)
            self._thread = None
        for sock in (self._udp, self._tcp):
            if sock:
                sock.close()
        self._udp = self._tcp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def query(server, name, qtype="A", proto="udp", timeout=2):
    """Send one query to server (an address) and return (rcode name,
    [(owner, type name, rdata bytes)], truncated); for the server's
    own tests."""
    qid = random.randrange(65536)
    packet = (struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
              + _encode_name(name) + struct.pack(">HH", _type_number(qtype),
                                                 1))
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(timeout)
        try:
            s.sendto(packet, (server, 53))
            data = s.recv(65535)
        finally:
            s.close()
    else:
        s = socket.create_connection((server, 53), timeout)
        try:
            s.sendall(struct.pack(">H", len(packet)) + packet)
            data = b""
            while len(data) < 2 or len(data) < 2 + struct.unpack(
                    ">H", data[:2])[0]:
                more = s.recv(65535)
                if not more:
                    break
                data += more
            data = data[2:]
        finally:
            s.close()
    rid, flags, _qd, ancount = struct.unpack(">HHHH", data[:8])
    assert rid == qid
    off = 12 + len(_encode_name(name)) + 4
    answers = []
    for _ in range(ancount):
        owner, off = _read_name(data, off)
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", data[off:off + 10])
        off += 10
        answers.append((owner, TYPE_NAMES.get(rtype, rtype),
                        data[off:off + rdlen]))
        off += rdlen
    rcode = {v: k for k, v in RCODES.items()}.get(flags & 0xf, flags & 0xf)
    return rcode, answers, bool(flags & 0x0200)


def _read_name(data, off):
    labels = []
    while data[off]:
        n = data[off]
        labels.append(data[off + 1:off + 1 + n].decode())
        off += 1 + n
    return ".".join(labels), off + 1
