"""
test_postcat.py - postcat(1) on queue files written by an independent writer

The queue files are made by QueueFileWriter below, a small Python
writer of the format in qfile(5), written from the manual page and not
from the C code, so that the two check each other. Each test runs the
installed postcat on such a file, by path and with -q (in a private
queue directory with hashed deferred queue), with each option, and
compares the whole output with the text Postfix's postcat prints for
the same records. Times are shown in UTC (TZ=UTC).
"""

import os

import pytest

ID = "C3CD21F3E90"
ARRIVAL = 1700000000            # Tue Nov 14 22:13:20 2023 UTC
STAMP = "Tue Nov 14 22:13:20 2023"


def rec(rtype, data=b""):
    """One record: type byte, base-128 length (low group first), data."""
    if isinstance(data, str):
        data = data.encode()
    n = len(data)
    out = bytearray(rtype.encode())
    while True:
        byte = n & 0x7f
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            break
    return bytes(out) + data


class QueueFileWriter:
    """Writes a queue file as qfile(5) describes it."""

    def __init__(self, chunk=2048):
        self.chunk = chunk
        self.env = []           # records after C
        self.content = []
        self.extracted = []
        self.rcpt_count = 0

    def attr(self, name, value, extracted=False):
        (self.extracted if extracted else self.env).append(
            rec("A", "%s=%s" % (name, value)))

    def rcpt(self, addr, orig=None, orcpt=None, notify=0, extracted=False):
        out = self.extracted if extracted else self.env
        if orcpt:
            out.append(rec("o", orcpt))
        if notify:
            out.append(rec("n", str(notify)))
        if orig:
            out.append(rec("O", orig))
        out.append(rec("R", addr))
        if not extracted:
            self.rcpt_count += 1

    def line(self, text):
        data = text.encode()
        while self.chunk and len(data) > self.chunk:
            self.content.append(rec("L", data[:self.chunk]))
            data = data[self.chunk:]
        self.content.append(rec("N", data))

    def build(self, content_length=0):
        env = b"".join(self.env)
        content = b"".join(self.content)
        size_len = len(rec("C", "x" * 95))
        data_offset = size_len + len(env) + len(rec("M"))
        fields = [len(content), data_offset, self.rcpt_count, 0,
                  content_length, 0]
        size = " ".join("%15d" % f for f in fields)
        return (rec("C", size) + env + rec("M") + content + rec("X")
                + b"".join(self.extracted) + rec("E"))


def sample(chunk=2048):
    w = QueueFileWriter(chunk)
    w.env.append(rec("T", "%d 123456" % ARRIVAL))
    w.attr("create_time", str(ARRIVAL))
    w.attr("client_name", "client.example")
    w.attr("client_address", "192.0.2.1")
    w.attr("protocol_name", "ESMTP")
    w.env.append(rec("S", "sender@example.com"))
    w.env.append(rec("<", "2"))
    w.env.append(rec("i", "envid-1"))
    w.rcpt("one@example.org", orig="One@Example.org",
           orcpt="rfc822;One@Example.org", notify=6)
    w.rcpt("two@example.org")
    w.line("Subject: test")
    w.line("To: one@example.org,")
    w.line("\ttwo@example.org")
    w.line("")
    w.line("body line one")
    w.line("x" * 30)
    w.rcpt("hdr@example.net", extracted=True)
    w.extracted.append(rec("r", "rr@example.com"))
    return w


def envelope(path, size):
    return (
        "*** ENVELOPE RECORDS %s ***\n" % path
        + "message_size: %s\n" % size
        + "message_arrival_time: %s\n" % STAMP
        + "create_time: %s\n" % STAMP
        + "named_attribute: client_name=client.example\n"
        "named_attribute: client_address=192.0.2.1\n"
        "named_attribute: protocol_name=ESMTP\n"
        "sender: sender@example.com\n"
        "dsn_return_flags: 2\n"
        "dsn_envelope_id: envid-1\n"
        "dsn_original_recipient: rfc822;One@Example.org\n"
        "dsn_notify_flags: 6\n"
        "original_recipient: One@Example.org\n"
        "recipient: one@example.org\n"
        "recipient: two@example.org\n")


HEADERS = "Subject: test\nTo: one@example.org,\n\ttwo@example.org\n"
BODY = "\nbody line one\n" + "x" * 30 + "\n"


def tail(path):
    return ("*** HEADER EXTRACTED %s ***\n" % path
            + "recipient: hdr@example.net\n"
            "return_receipt: rr@example.com\n"
            "*** MESSAGE FILE END %s ***\n" % path)


def size_text(data):
    return data[2:2 + 95].decode()


@pytest.fixture
def queue(config, tmp_path):
    """A queue directory with one file in deferred/C/, and its bytes."""
    qdir = tmp_path / "queue"
    for name in ("maildrop", "incoming", "active", "deferred/C", "hold"):
        (qdir / name).mkdir(parents=True)
    assert config.postconf("-e", "queue_directory=%s" % qdir).returncode == 0
    data = sample().build(content_length=80)
    path = qdir / "deferred" / "C" / ID
    path.write_bytes(data)
    return str(path), data


def postcat(config, *args, input=None):
    return config.run("postcat", *args, input=input, env={"TZ": "UTC"})


def test_default_by_id_and_path(config, queue):
    path, data = queue
    rel = "deferred/C/" + ID
    expect = (envelope(rel, size_text(data))
              + "*** MESSAGE CONTENTS %s ***\n" % rel
              + HEADERS + BODY + tail(rel))
    p = postcat(config, "-q", ID)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == expect
    # A path is printed as given; -beh is the default.
    p = postcat(config, "-beh", path)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == expect.replace(rel, path)


def test_sections(config, queue):
    path, data = queue
    assert postcat(config, "-h", path).stdout == HEADERS
    assert postcat(config, "-b", path).stdout == BODY
    assert postcat(config, "-bh", path).stdout == HEADERS + BODY
    e = postcat(config, "-e", path).stdout
    assert e == (envelope(path, size_text(data))
                 + "*** MESSAGE CONTENTS %s ***\n" % path + tail(path))


def test_offsets_and_types(config, queue):
    path, data = queue
    out = postcat(config, "-o", "-e", path).stdout.splitlines()
    # Offsets of the records, as the writer laid them out.
    assert out[0] == "*** ENVELOPE RECORDS %s ***" % path
    assert out[1] == "%9d message_size: %s" % (0, size_text(data))
    assert out[2] == "%9d message_arrival_time: %s" % (97, STAMP)
    marker = data.index(rec("M") + rec("N", "Subject: test"))
    assert "%9d *** MESSAGE CONTENTS %s ***" % (marker, path) in out
    end = len(data) - 2
    assert out[-1] == "%9d *** MESSAGE FILE END %s ***" % (end, path)
    out = postcat(config, "-d", "-h", path).stdout.splitlines()
    assert out[0] == " 78 Subject: test"
    out = postcat(config, "-d", "-e", path).stdout.splitlines()
    assert out[1].startswith(" 67 message_size: ")


def test_long_lines(config, tmp_path):
    w = sample(chunk=10)
    data = w.build()
    path = tmp_path / "long"
    path.write_bytes(data)
    # Pieces are joined back into lines...
    assert postcat(config, "-bh", str(path)).stdout == HEADERS + BODY
    # ...but shown one per line with -o, and named with -v.
    out = postcat(config, "-o", "-h", str(path)).stdout.splitlines()
    assert [l[10:] for l in out[:2]] == ["Subject: t", "est"]
    out = postcat(config, "-v", "-h", str(path)).stdout.splitlines()
    assert out[0] == "unterminated_text: Subject: t"
    assert out[1] == "regular_text: est"


def test_done_recipient(config, queue):
    path, data = queue
    off = data.index(rec("R", "two@example.org"))
    marked = data[:off] + b"D" + data[off + 1:]
    with open(path, "wb") as f:
        f.write(marked)
    out = postcat(config, "-e", path).stdout
    assert "recipient: one@example.org\ndone_recipient: two@example.org\n" in out


def test_stdin(config, queue):
    _, data = queue
    p = subprocess_stdin(config, data)
    assert p.returncode == 0
    assert p.stdout.startswith(b"*** ENVELOPE RECORDS stdin ***\n")
    assert p.stdout.endswith(b"*** MESSAGE FILE END stdin ***\n")


def subprocess_stdin(config, data):
    import subprocess
    env = dict(os.environ, TZ="UTC")
    env.pop("MAIL_CONFIG", None)
    return subprocess.run([config.installed.command("postcat"), "-c",
                           config.dir], input=data, env=env,
                          capture_output=True, timeout=60)


def test_refusals(config, queue, tmp_path):
    path, data = queue
    # Truncated: shown as far as it goes, with a warning and status 1.
    short = tmp_path / "short"
    short.write_bytes(data[:data.index(rec("X"))])
    p = postcat(config, "-e", str(short))
    assert p.returncode == 1
    assert p.stderr == ("postcat: warning: %s: premature end of file: "
                        "no end record\n" % short)
    # A bad record stops with the offset and reason.
    bad = tmp_path / "bad"
    off = data.index(rec("S", "sender@example.com"))
    bad.write_bytes(data[:off] + b"Q" + data[off + 1:])
    p = postcat(config, "-e", str(bad))
    assert p.returncode == 1
    assert p.stderr == ("postcat: fatal: %s: malformed queue file at offset "
                        "%d: unknown record type 81\n" % (bad, off))
    # Not a queue file at all.
    text = tmp_path / "text"
    text.write_text("hello\n")
    p = postcat(config, str(text))
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr == ("postcat: warning: %s: input is not a valid queue "
                        "file\n" % text)
    # -q takes queue IDs only, and they must exist.
    p = postcat(config, "-q", "../../etc/passwd")
    assert (p.returncode, p.stderr) == (
        1, "postcat: fatal: bad mail queue ID: ../../etc/passwd\n")
    p = postcat(config, "-q", "ABCDEF123")
    assert p.returncode == 1
    assert p.stderr.startswith("postcat: fatal: open queue file ABCDEF123: ")
