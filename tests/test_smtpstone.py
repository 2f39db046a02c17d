"""test_smtpstone.py - smtp-source and smtp-sink

smtp-source against smtp-sink over TCP and UNIX-domain sockets (message,
session and recipient counts, -d, -L); smtp-sink alone through raw
sockets (greeting, EHLO keywords, pipelined batches, dot-stuffed
content, sequencing errors, -r/-f/-q/-Q failures, overlong lines, -L
replies per recipient); smtp-source alone against a small recording
server written here (what it sends for -f -t -S -l -r -N -F -o -M,
dot-stuffing, CRLF, its exit status on failures); and, once smtpd is
installed, smtp-source against a mail system whose transports discard.
"""

import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import free_ports, port_listening, wait_until

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def progs(installed):
    """Paths of the installed smtp-source and smtp-sink."""
    source = installed.command("smtp-source")
    sink = installed.command("smtp-sink")
    assert os.access(source, os.X_OK) and os.access(sink, os.X_OK)
    return source, sink


class Sink:
    """A running smtp-sink; stop() returns (sessions, messages) from -c."""

    def __init__(self, path, *args, endpoint=None):
        if endpoint is None:
            self.port = free_ports(1)[0]
            endpoint = "127.0.0.1:%d" % self.port
        self.endpoint = endpoint
        self.proc = subprocess.Popen([path, "-c"] + list(args)
                                     + [endpoint, "100"],
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        if endpoint.startswith("unix:"):
            wait_until(lambda: os.path.exists(endpoint[5:]), 10, endpoint)
        else:
            wait_until(self.listening, 10, endpoint)

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port),
                                     timeout=2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=10)
        self.stderr = err.decode()
        assert "Sanitizer" not in self.stderr, self.stderr
        assert "runtime error" not in self.stderr, self.stderr
        last = out.decode().replace("\r", "\n").strip().splitlines()[-1]
        m = re.fullmatch(r"(\d+) sessions, (\d+) messages", last)
        assert m, out
        # The probe of listening() was one session.
        probes = 0 if self.endpoint.startswith("unix:") else 1
        return int(m.group(1)) - probes, int(m.group(2))


def run_source(path, *args, timeout=60):
    return subprocess.run([path] + list(args), capture_output=True,
                          text=True, timeout=timeout)


# ---------------------------------------------------------- raw client

class Raw:
    """A raw SMTP client: send bytes, read whole replies."""

    def __init__(self, endpoint):
        if endpoint.startswith("unix:"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(endpoint[5:])
        else:
            host, port = endpoint.rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)))
        self.sock.settimeout(10)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def reply(self):
        """One reply: the list of its lines."""
        lines = [self.line()]
        while lines[-1][3:4] == "-":
            lines.append(self.line())
        return lines

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def closed(self):
        """True when the server closes without sending anything more."""
        try:
            return self.sock.recv(100) == b""
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


# ---------------------------------------------------------- source -> sink

@pytest.mark.parametrize("args,sessions,messages", [
    (["-m", "1"], 1, 1),
    (["-s", "5", "-m", "50", "-l", "2000"], 50, 50),
    (["-s", "20", "-m", "500", "-l", "5120"], 500, 500),
    (["-d", "-s", "2", "-m", "10"], 2, 10),
    (["-d", "-m", "300", "-r", "4"], 1, 300),
    (["-s", "3", "-m", "7", "-N", "-r", "2", "-S", "x"], 7, 7),
])
def test_source_to_sink_counts(progs, args, sessions, messages):
    source, sink_path = progs
    sink = Sink(sink_path)
    try:
        proc = run_source(source, *args, sink.endpoint)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
    finally:
        counts = sink.stop()
    assert counts == (sessions, messages)


def test_source_counter(progs):
    source, sink_path = progs
    sink = Sink(sink_path)
    try:
        proc = run_source(source, "-c", "-s", "4", "-m", "40", sink.endpoint)
    finally:
        sink.stop()
    assert proc.returncode == 0, proc.stderr
    counts = [int(x) for x in proc.stdout.replace("\r", "\n").split()]
    assert counts == list(range(1, 41))


def test_source_to_sink_lmtp_unix(progs, tmp_path):
    source, sink_path = progs
    path = str(tmp_path / "lmtp")
    sink = Sink(sink_path, "-L", endpoint="unix:" + path)
    try:
        proc = run_source(source, "-L", "-r", "5", "-s", "3", "-m", "12",
                          "unix:" + path)
        assert proc.returncode == 0, proc.stderr
        # SMTP's HELO does not work with an LMTP server.
        proc = run_source(source, "-m", "1", "unix:" + path)
        assert proc.returncode == 1
        assert "HELO" in proc.stderr
    finally:
        counts = sink.stop()
    assert counts == (13, 12)


def test_source_fails_on_reject(progs):
    source, sink_path = progs
    sink = Sink(sink_path, "-f", "RCPT")
    try:
        proc = run_source(source, "-m", "3", sink.endpoint)
        assert proc.returncode == 1
        assert "500 5.3.0 Error: command failed" in proc.stderr
        # -A: go on regardless; the sink refuses DATA without a
        # recipient, so no message arrives.
        proc = run_source(source, "-A", "-m", "2", sink.endpoint)
        assert proc.returncode == 0, proc.stderr
    finally:
        counts = sink.stop()
    assert counts == (3, 0)          # the first run stops at its failure


def test_source_connection_refused(progs):
    source, _ = progs
    port = free_ports(1)[0]
    proc = run_source(source, "-C", "3", "127.0.0.1:%d" % port)
    assert proc.returncode == 1
    assert "connect to 127.0.0.1:%d" % port in proc.stderr


@pytest.mark.parametrize("args,text", [
    ([], "usage"),
    (["-m", "0", "127.0.0.1:25"], "-m: bad number"),
    (["-s", "x", "127.0.0.1:25"], "-s: bad number"),
    (["-Z", "127.0.0.1:25"], "usage"),
    (["[::1:25"], "bad server"),
    (["a", "b"], "usage"),
])
def test_source_usage(progs, args, text):
    proc = run_source(progs[0], *args)
    assert proc.returncode != 0
    assert text in proc.stderr


@pytest.mark.parametrize("args,text", [
    ([], "usage"),
    (["127.0.0.1:0"], "usage"),
    (["-r", "BOGUS", "127.0.0.1:0", "10"], "unknown command name: BOGUS"),
    (["-t", "0", "127.0.0.1:0", "10"], "-t: bad number"),
    (["127.0.0.1", "10"], "bad endpoint"),
    (["127.0.0.1:0", "x"], "bad backlog"),
])
def test_sink_usage(progs, args, text):
    proc = subprocess.run([progs[1]] + args, capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode != 0
    assert text in proc.stderr


# ---------------------------------------------------------- sink, raw

def test_sink_dialogue(progs):
    sink = Sink(progs[1], "-h", "sink.example")
    try:
        c = Raw(sink.endpoint)
        assert c.reply() == ["220 sink.example ESMTP"]
        c.send("EHLO client.example\r\n")
        ehlo = c.reply()
        assert ehlo[0] == "250-sink.example"
        assert [x[4:] for x in ehlo[1:]] == [
            "PIPELINING", "8BITMIME", "AUTH PLAIN LOGIN",
            "XCLIENT NAME HELO", "XFORWARD NAME ADDR PROTO HELO",
            "ENHANCEDSTATUSCODES", "DSN"]
        assert ehlo[-1].startswith("250 ")
        # Sequencing errors.
        c.send("RCPT TO:<a@b>\r\n")
        assert c.reply() == ["503 5.5.1 Error: need MAIL command"]
        c.send("DATA\r\n")
        assert c.reply() == ["503 5.5.1 Error: need MAIL command"]
        c.send("MAIL FROM:<a@b>\r\n")
        assert c.reply() == ["250 2.1.0 Ok"]
        c.send("MAIL FROM:<a@b>\r\n")
        assert c.reply() == ["503 5.5.1 Error: nested MAIL command"]
        c.send("DATA\r\n")
        assert c.reply() == ["503 5.5.1 Error: need RCPT command"]
        c.send("RSET\r\nBOGUS\r\nNOOP\r\nVRFY x\r\n")
        assert c.reply() == ["250 2.0.0 Ok"]
        assert c.reply() == ["502 5.5.2 Error: command not recognized"]
        assert c.reply() == ["250 2.0.0 Ok"]
        assert c.reply()[0].startswith("252 ")
        # A pipelined transaction with dot-stuffed content; the lines
        # ".." and ". " and a bare-LF "." inside a line are content.
        c.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\n"
               "DATA\r\n")
        assert c.reply() == ["250 2.1.0 Ok"]
        assert c.reply() == ["250 2.1.5 Ok"]
        assert c.reply() == ["250 2.1.5 Ok"]
        assert c.reply()[0].startswith("354 ")
        c.send("Subject: x\r\n\r\n..\r\n. \r\nx\n.x\r\n.")
        time.sleep(0.2)
        c.send("\r\nQUIT\r\n")
        assert re.fullmatch(r"250 2\.0\.0 Ok: queued as [0-9A-F]+",
                            c.reply()[0])
        assert c.reply() == ["221 2.0.0 Bye"]
        assert c.closed()
        c.close()
    finally:
        counts = sink.stop()
    assert counts == (1, 1)


def test_sink_many_parallel_sessions(progs):
    """One process, 60 sessions open at once, each at a different step."""
    sink = Sink(progs[1])
    try:
        clients = [Raw(sink.endpoint) for _ in range(60)]
        for c in clients:
            assert c.reply()[0].startswith("220 ")
            c.send("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
        for c in clients:
            assert [c.reply()[0][:3] for _ in range(4)] == [
                "250", "250", "250", "354"]
            c.send("x" * 3000 + "\r\n")
        for c in clients:
            c.send(".\r\nQUIT\r\n")
            assert c.reply()[0].startswith("250 2.0.0 Ok: queued as ")
            assert c.reply() == ["221 2.0.0 Bye"]
            c.close()
    finally:
        counts = sink.stop()
    assert counts == (60, 60)


def test_sink_lmtp_replies_per_recipient(progs):
    sink = Sink(progs[1], "-L")
    try:
        c = Raw(sink.endpoint)
        assert c.reply()[0].endswith(" LMTP")
        c.send("EHLO x\r\n")
        assert c.reply()[0].startswith("502 ")
        c.send("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<1@d>\r\n"
               "RCPT TO:<2@d>\r\nRCPT TO:<3@d>\r\nDATA\r\n")
        assert [c.reply()[0][:3] for _ in range(6)] == [
            "250", "250", "250", "250", "250", "354"]
        c.send("hello\r\n.\r\n")
        assert [c.reply()[0][:3] for _ in range(3)] == ["250"] * 3
        c.send("NOOP\r\n")
        assert c.reply() == ["250 2.0.0 Ok"]    # and no fourth 250 before
        c.close()
    finally:
        sink.stop()


def test_sink_failures(progs):
    sink = Sink(progs[1], "-r", "RCPT", "-f", "vrfy,helo", "-Q", "ETRN",
                "-b", "451 4.3.5 try later")
    try:
        c = Raw(sink.endpoint)
        c.reply()
        c.send("EHLO x\r\n")
        assert "250-PIPELINING" not in c.reply()     # -r implies -p
        c.send("HELO x\r\n")
        assert c.reply() == ["500 5.3.0 Error: command failed"]
        c.send("VRFY x\r\n")
        assert c.reply() == ["500 5.3.0 Error: command failed"]
        c.send("MAIL FROM:<a@b>\r\n")
        assert c.reply() == ["250 2.1.0 Ok"]
        c.send("RCPT TO:<a@b>\r\n")
        assert c.reply() == ["451 4.3.5 try later"]
        c.send("DATA\r\n")
        assert c.reply() == ["503 5.5.1 Error: need RCPT command"]
        c.send("ETRN x\r\n")
        assert c.reply()[0].startswith("421 4.")
        assert c.closed()
        c.close()
    finally:
        sink.stop()
    sink = Sink(progs[1], "-q", "mail", "-e")
    try:
        c = Raw(sink.endpoint)
        assert c.reply() == ["220 smtp-sink SMTP"]
        c.send("EHLO x\r\n")
        assert c.reply()[0].startswith("502 ")
        c.send("MAIL FROM:<a@b>\r\n")
        assert c.closed()
        c.close()
    finally:
        sink.stop()
    sink = Sink(progs[1], "-Q", "connect")
    try:
        c = Raw(sink.endpoint)
        assert c.reply()[0].startswith("421 ")
        assert c.closed()
    finally:
        sink.stop()


def test_sink_overlong_line_and_timeout(progs):
    sink = Sink(progs[1], "-t", "1")
    try:
        c = Raw(sink.endpoint)
        c.reply()
        c.send("NOOP " + "x" * 100000 + "\r\nNOOP\r\n")
        assert c.reply() == ["500 5.5.0 Error: line too long"]
        assert c.reply() == ["250 2.0.0 Ok"]
        start = time.monotonic()
        assert c.closed()                       # -t 1: idle session ends
        assert time.monotonic() - start < 5
    finally:
        counts = sink.stop()
    assert counts == (1, 0)


def test_sink_stops_after_count(progs):
    source, sink_path = progs
    sink = Sink(sink_path, "-M", "5")
    proc = run_source(source, "-m", "5", sink.endpoint)
    assert proc.returncode == 0, proc.stderr
    sink.proc.wait(timeout=10)
    assert sink.stop()[1] == 5


def test_sink_data_delay(progs):
    sink = Sink(progs[1], "-w", "1")
    try:
        c = Raw(sink.endpoint)
        c.reply()
        c.send("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
        for _ in range(3):
            c.reply()
        start = time.monotonic()
        assert c.reply()[0].startswith("354 ")
        assert time.monotonic() - start >= 0.8
        c.close()
    finally:
        sink.stop()


# ---------------------------------------------------------- source, raw

class Recorder:
    """A one-thread SMTP server that records what smtp-source sends:
    self.sessions is a list of sessions, each a list of (command, data)."""

    def __init__(self, lmtp=False):
        self.lmtp = lmtp
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(10)
        self.port = self.sock.getsockname()[1]
        self.endpoint = "127.0.0.1:%d" % self.port
        self.sessions = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(20)
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.session(conn)

    def session(self, conn):
        conn.settimeout(10)
        f = conn.makefile("rb")
        rec = []
        self.sessions.append(rec)
        rcpts = 0
        conn.sendall(b"220 recorder ESMTP\r\n")
        while True:
            line = f.readline()
            if not line:
                break
            assert line.endswith(b"\r\n"), line
            cmd = line[:-2].decode()
            if cmd.upper() == "DATA":
                conn.sendall(b"354 go\r\n")
                data = b""
                while True:
                    dl = f.readline()
                    if dl in (b".\r\n", b""):
                        break
                    data += dl
                rec.append(("DATA", data))
                conn.sendall(b"250 ok\r\n" * (rcpts if self.lmtp else 1))
                rcpts = 0
                continue
            rec.append((cmd, None))
            if cmd.upper().startswith("RCPT"):
                rcpts += 1
            if cmd.upper() == "QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            conn.sendall(b"250 ok\r\n")
        conn.close()

    def close(self):
        self.sock.close()


def test_source_sends(progs):
    rec = Recorder()
    try:
        proc = run_source(progs[0], "-f", "s@x.example", "-t", "r@y.example",
                          "-S", "Hello there", "-l", "1000", "-M",
                          "me.example", "-m", "2", rec.endpoint)
        assert proc.returncode == 0, proc.stderr
    finally:
        rec.close()
    assert len(rec.sessions) == 2
    cmds = [c for c, _ in rec.sessions[0]]
    assert cmds == ["HELO me.example", "MAIL FROM:<s@x.example>",
                    "RCPT TO:<r@y.example>", "DATA", "QUIT"]
    data = rec.sessions[0][3][1]
    head, body = data.split(b"\r\n\r\n", 1)
    assert b"From: <s@x.example>\r\n" in head + b"\r\n"
    assert b"To: <r@y.example>" in head
    assert b"Subject: Hello there" in head
    assert re.search(rb"(^|\r\n)Date: \w\w\w, ", head)
    assert re.search(rb"(^|\r\n)Message-Id: <[^>]+@me\.example>", head)
    assert len(body) == 1000
    assert all(len(x) <= 78 for x in body.split(b"\r\n"))
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_source_recipients_numbered(progs):
    rec = Recorder()
    try:
        proc = run_source(progs[0], "-r", "3", "-t", "u@z", "-d", "-m", "2",
                          rec.endpoint)
        assert proc.returncode == 0, proc.stderr
        proc = run_source(progs[0], "-N", "-t", "u@z", "-m", "3", "-d",
                          rec.endpoint)
        assert proc.returncode == 0, proc.stderr
    finally:
        rec.close()
    assert len(rec.sessions) == 2
    rcpts = [c for c, _ in rec.sessions[0] if c.startswith("RCPT")]
    assert rcpts == ["RCPT TO:<%du@z>" % n for n in (1, 2, 3, 1, 2, 3)]
    rcpts = [c for c, _ in rec.sessions[1] if c.startswith("RCPT")]
    assert len(set(rcpts)) == 3 and all(
        re.fullmatch(r"RCPT TO:<\d+u@z>", r) for r in rcpts)


def test_source_file_and_old_mode(progs, tmp_path):
    msg = tmp_path / "msg"
    msg.write_bytes(b"Subject: file\n\n.leading dot\nplain\r\n..two\n")
    rec = Recorder(lmtp=True)
    try:
        proc = run_source(progs[0], "-F", str(msg), "-m", "1", rec.endpoint)
        assert proc.returncode == 0, proc.stderr
        proc = run_source(progs[0], "-o", "-l", "10", "-m", "1", rec.endpoint)
        assert proc.returncode == 0, proc.stderr
        proc = run_source(progs[0], "-L", "-r", "2", "-m", "1", "-o",
                          rec.endpoint)
        assert proc.returncode == 0, proc.stderr
    finally:
        rec.close()
    assert rec.sessions[0][3][1] == (b"Subject: file\r\n\r\n..leading dot\r\n"
                                     b"plain\r\n...two\r\n")
    assert rec.sessions[1][0][0].startswith("MAIL FROM:")   # no HELO
    assert rec.sessions[1][2][1] == b"La de da\r\n"           # no header
    assert rec.sessions[2][0][0].startswith("LHLO ")


# ---------------------------------------------------------- smtpd

def test_source_to_smtpd_discard(progs, instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "discard", "cleanup", "qmgr"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("needs %s (not installed yet)" % prog)
    instance.mail_system(default_transport="discard",
                         local_transport="discard")
    wait_until(lambda: port_listening(instance.port), 10, "smtpd port")
    proc = run_source(progs[0], "-s", "4", "-m", "20", "-l", "5000",
                      "-f", "s@example.com", "-t", "u@example.net",
                      "127.0.0.1:%d" % instance.port, timeout=120)
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: instance.log().count("status=sent") >= 20
               or not instance.maillog, 60, "20 discarded messages")
    if instance.maillog:
        log = instance.log()
        assert log.count("status=sent") == 20
        assert log.count(": from=<s@example.com>, size=") == 20
        assert log.count(" helo=1 mail=1 rcpt=1 data=1 quit=1 commands=5") \
            == 20
    # With -d, one connection carries every message of a session.
    proc = run_source(progs[0], "-d", "-s", "2", "-m", "10", "-r", "3",
                      "-t", "u@example.net",
                      "127.0.0.1:%d" % instance.port, timeout=120)
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: instance.log().count("status=sent") >= 50
               or not instance.maillog, 60, "50 discarded recipients")
    if instance.maillog:
        assert instance.log().count(" mail=5 rcpt=15 data=5 quit=1 ") == 2
