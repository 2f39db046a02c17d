"""test_error_discard.py - the error and discard agents, stand-alone

Each agent runs from the build tree with -S, serving one end of a
socketpair as qmgr would, against a queue file written here in a
private queue directory. A small fake bounce(8) listens on
private/bounce, private/defer and private/trace and records what the
agent appends. Checked: the reply, the log line (relay=none, dsn,
status, reason from the nexthop), which status log got each recipient,
and which recipients are marked done in the queue file.
"""

import os
import re
import socket
import struct
import subprocess
import tempfile
import threading

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBEXEC = os.path.join(TOP, "libexec")
QUEUE_ID = "3F1A22C0D81"


# ---------------------------------------------------------- attributes

def attr(kind, name, value):
    value = str(value).encode()
    name = name.encode()
    return (kind.encode() + b"%d:" % len(name) + name + b","
            + b"%d:" % len(value) + value + b",")


def read_attrs(sock_file):
    """One attribute list up to its terminator: [(type, name, value)]."""
    out = []
    while True:
        t = sock_file.read(1)
        if t == b"":
            return None
        if t == b"E":
            return out
        fields = []
        for _ in range(2):
            n = b""
            while True:
                c = sock_file.read(1)
                if c == b":":
                    break
                assert c.isdigit(), c
                n += c
            data = sock_file.read(int(n))
            assert sock_file.read(1) == b","
            fields.append(data.decode())
        out.append((t.decode(), fields[0], fields[1]))


# ---------------------------------------------------------- queue file

def record(rtype, data):
    data = data.encode() if isinstance(data, str) else data
    n, length = len(data), b""
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            length += bytes([b | 0x80])
        else:
            length += bytes([b])
            break
    return rtype.encode() + length + data


def write_queue_file(queue, rcpts):
    """A complete queue file in queue/active; offsets of the R records."""
    buf = b""
    size_at = 0
    buf += record("C", " ".join(["%15d" % 0] * 6))
    buf += record("T", "1700000000 0")
    buf += record("S", "sender@example.com")
    offsets = []
    for r in rcpts:
        offsets.append(len(buf))
        buf += record("R", r)
    buf += record("M", "")
    data_offset = len(buf)
    buf += record("N", "Subject: test") + record("N", "") + record("N", "x")
    xtra = len(buf)
    buf += record("X", "") + record("E", "")
    size = [xtra - data_offset, data_offset, len(rcpts), 0, 20, 0]
    buf = (buf[:size_at] + record("C", " ".join("%15d" % v for v in size))
           + buf[size_at + len(record("C", " ".join(["%15d" % 0] * 6))):])
    os.makedirs(os.path.join(queue, "active"), exist_ok=True)
    with open(os.path.join(queue, "active", QUEUE_ID), "wb") as f:
        f.write(buf)
    return offsets, data_offset


def marks(queue, offsets):
    with open(os.path.join(queue, "active", QUEUE_ID), "rb") as f:
        data = f.read()
    return "".join(chr(data[o]) for o in offsets)


def request(nexthop, rcpts, offsets, data_offset, notify=None):
    notify = notify or [0] * len(rcpts)
    req = attr("I", "flags", 0) + attr("S", "queue_name", "active")
    req += attr("S", "queue_id", QUEUE_ID)
    req += attr("L", "data_offset", data_offset) + attr("L", "data_size", 20)
    req += attr("S", "nexthop", nexthop) + attr("S", "encoding", "")
    req += attr("I", "smtputf8", 0) + attr("S", "sender", "sender@example.com")
    req += attr("S", "dsn_envid", "") + attr("I", "dsn_ret", 0)
    for name in ("client_name", "client_address", "client_port",
                 "protocol_name", "helo_name", "sasl_method",
                 "sasl_username", "sasl_sender", "rewrite_context"):
        req += attr("S", name, "")
    for name in ("arrival", "active", "request"):
        req += attr("L", name + "_sec", 1700000000)
        req += attr("L", name + "_usec", 0)
    req += attr("I", "rcpt_count", len(rcpts))
    for r, off, n in zip(rcpts, offsets, notify):
        req += attr("S", "orig_rcpt", "") + attr("S", "address", r)
        req += attr("S", "dsn_orcpt", "") + attr("I", "dsn_notify", n)
        req += attr("L", "offset", off)
    return req + b"E"


# ---------------------------------------------------------- fake bounce

class FakeBounce:
    """Accepts on private/{bounce,defer,trace}; records appends."""

    def __init__(self, queue, fail=False):
        self.appends = []
        self.fail = fail
        self.socks = []
        os.makedirs(os.path.join(queue, "private"), exist_ok=True)
        for name in ("bounce", "defer", "trace"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(os.path.join(queue, "private", name))
            s.listen(5)
            self.socks.append(s)
            threading.Thread(target=self.accept, args=(name, s),
                             daemon=True).start()

    def accept(self, name, s):
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(name, conn),
                             daemon=True).start()

    def serve(self, name, conn):
        f = conn.makefile("rwb")
        while True:
            attrs = read_attrs(f)
            if attrs is None:
                break
            d = {a[1]: a[2] for a in attrs}
            self.appends.append((name, d["address"], d["status"],
                                 d["reason"]))
            f.write(attr("I", "status", -1 if self.fail else 0) + b"E")
            f.flush()
        conn.close()

    def close(self):
        for s in self.socks:
            s.close()


# ---------------------------------------------------------- running

@pytest.fixture
def queue():
    d = tempfile.mkdtemp(prefix="agent-")
    etc = os.path.join(d, "etc")
    os.mkdir(etc)
    with open(os.path.join(etc, "main.cf"), "w") as f:
        f.write("queue_directory = %s\n" % d)
    yield d
    subprocess.run(["rm", "-rf", d])


def run_agent(queue, program, name, payload, extra=()):
    """Run program -S as service name; returns (reply attrs, stderr)."""
    path = os.path.join(LIBEXEC, program)
    if not os.path.exists(path):
        pytest.skip(program + " is not built")
    ours, theirs = socket.socketpair()
    env = dict(os.environ, MAIL_CONFIG=os.path.join(queue, "etc"))
    proc = subprocess.Popen([path, "-S", "-n", name] + list(extra),
                            stdin=theirs, stdout=theirs,
                            stderr=subprocess.PIPE, env=env)
    theirs.close()
    ours.sendall(payload)
    f = ours.makefile("rb")
    replies = []
    while True:
        r = read_attrs(f)
        if r is None:
            break
        replies.append({a[1]: a[2] for a in r})
        if len(replies) == payload.count(b"I10:rcpt_count"):
            ours.shutdown(socket.SHUT_WR)
    f.close()
    ours.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=30) == 0, err
    return replies, err


RCPTS = ["a@example.org", "b@example.org"]


def test_error_bounces_with_code(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    fake = FakeBounce(queue)
    try:
        replies, err = run_agent(queue, "error", "error", request(
            "5.1.1 mailbox unavailable", RCPTS, offsets, data_offset))
    finally:
        fake.close()
    assert replies == [{"status": "0", "hop_status": "", "hop_reason": "",
                       "deferred": "0"}]
    for r in RCPTS:
        assert re.search(r"%s: to=<%s>, relay=none, delay=\d+, "
                         r"delays=[\d.]+/[\d.]+/0/[\d.]+, dsn=5\.1\.1, "
                         r"status=bounced \(mailbox unavailable\)"
                         % (QUEUE_ID, re.escape(r)), err), err
    assert sorted(fake.appends) == [
        ("bounce", r, "5.1.1", "mailbox unavailable") for r in RCPTS]
    assert marks(queue, offsets) == "DD"


def test_error_default_and_wrong_class(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    fake = FakeBounce(queue)
    try:
        # Two requests on one connection.
        replies, err = run_agent(queue, "error", "error", request(
            "no such domain", RCPTS[:1], offsets[:1], data_offset)
            + request("4.4.1 try later", RCPTS[1:], offsets[1:],
                      data_offset))
    finally:
        fake.close()
    assert [r["status"] for r in replies] == ["0", "0"]
    assert "dsn=5.0.0, status=bounced (no such domain)" in err
    assert "ignoring status 4.4.1" in err
    assert "dsn=5.0.0, status=bounced (try later)" in err
    assert marks(queue, offsets) == "DD"


def test_retry_defers(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    fake = FakeBounce(queue)
    try:
        replies, err = run_agent(queue, "error", "retry", request(
            "4.3.2 system busy", RCPTS, offsets, data_offset))
    finally:
        fake.close()
    assert replies[0]["status"] == "0"
    assert err.count("dsn=4.3.2, status=deferred (system busy)") == 2, err
    assert sorted(fake.appends) == [
        ("defer", r, "4.3.2", "system busy") for r in RCPTS]
    assert marks(queue, offsets) == "RR"


def test_error_soft_bounce(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    fake = FakeBounce(queue)
    try:
        replies, err = run_agent(queue, "error", "error", request(
            "5.1.1 gone", RCPTS, offsets, data_offset),
            extra=("-o", "soft_bounce=yes"))
    finally:
        fake.close()
    assert err.count("dsn=4.1.1, status=deferred (gone)") == 2, err
    assert {a[0] for a in fake.appends} == {"defer"}
    assert marks(queue, offsets) == "RR"


def test_error_bounce_service_down(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    replies, err = run_agent(queue, "error", "error", request(
        "5.1.1 gone", RCPTS, offsets, data_offset))
    assert replies[0]["status"] == "1"
    assert "status=bounced" not in err
    assert marks(queue, offsets) == "RR"


def test_discard(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    fake = FakeBounce(queue)
    try:
        replies, err = run_agent(queue, "discard", "discard", request(
            "", RCPTS, offsets, data_offset, notify=[0, 2])
            + request("2.7.0 dropped by policy", RCPTS, offsets,
                      data_offset))
    finally:
        fake.close()
    assert [r["status"] for r in replies] == ["0", "0"]
    assert err.count("relay=none") == 4
    assert err.count("dsn=2.0.0, status=sent (discarded)") == 2, err
    assert err.count("dsn=2.7.0, status=sent (dropped by policy)") == 2
    # NOTIFY=SUCCESS (2) only for b, on the first request.
    assert fake.appends == [("trace", "b@example.org", "2.0.0", "discarded")]
    assert marks(queue, offsets) == "DD"


def test_missing_queue_file(queue):
    offsets, data_offset = write_queue_file(queue, RCPTS)
    os.unlink(os.path.join(queue, "active", QUEUE_ID))
    replies, err = run_agent(queue, "discard", "discard", request(
        "", RCPTS, offsets, data_offset))
    assert replies == [{"status": "1", "hop_status": "", "hop_reason": "",
                       "deferred": "0"}]
    assert "open queue file" in err
