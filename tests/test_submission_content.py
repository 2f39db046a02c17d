"""
test_submission_content.py - what local submission does to a message

Through the installed sendmail, with pickup, cleanup and
trivial-rewrite running in a private instance (test_submission.py's
pipeline), each message is read back with "postcat -q ID": the
envelope (sender canonicalized to user@$myorigin, the recipients,
those of sendmail -t in the extracted section), the headers cleanup
adds (Received:, From:, Date:, Message-Id:) and a body that comes back
byte for byte: a line over 10,000 bytes, "." and ".." lines with and
without -i, Latin-1 and UTF-8 bytes in a header and in the body, CRLF
line endings.
"""

import os
import re
import subprocess

import pytest

from conftest import wait_until
from test_submission import env_without_config, start_pipeline

ORIGIN = "host.example.com"


@pytest.fixture
def pipeline(instance):
    if not instance.maillog:
        pytest.skip("needs postlogd for the pickup log line")
    start_pipeline(instance)
    return instance


def submit(instance, args, data, extra_env=None):
    """sendmail with bytes on stdin; the queue ID of the new message."""
    before = set(queue_ids(instance))
    argv = [instance.installed.path("sendmail_path"), "-C", instance.etc]
    env = env_without_config()
    env.pop("NAME", None)
    env.update(extra_env or {})
    proc = subprocess.run(argv + list(args), input=data,
                          env=env, capture_output=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: set(queue_ids(instance)) - before, 20,
               "a new pickup log line in:\n%s" % instance.log())
    [queue_id] = set(queue_ids(instance)) - before
    return queue_id


def queue_ids(instance):
    return re.findall(r"pickup\[\d+\]: (\w+): uid=0 from=<", instance.log())


def complete(instance, queue_id):
    """Is the queue file finished (cleanup makes it mode 0700 last)?
    pickup logs the queue ID before cleanup is done with the file."""
    for root, _dirs, files in os.walk(os.path.join(instance.queue,
                                                   "incoming")):
        if queue_id in files:
            return os.stat(os.path.join(root, queue_id)).st_mode & 0o100
    return False


def postcat(instance, queue_id):
    """postcat -q output, as bytes, split into its three sections."""
    wait_until(lambda: complete(instance, queue_id), 20,
               "a complete queue file " + queue_id)
    proc = subprocess.run([instance.installed.command("postcat"),
                           "-c", instance.etc, "-q", queue_id],
                          env=env_without_config(), capture_output=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    m = re.match(rb"\*\*\* ENVELOPE RECORDS [^\n]*\n(.*?)"
                 rb"\*\*\* MESSAGE CONTENTS [^\n]*\n(.*?)"
                 rb"\*\*\* HEADER EXTRACTED [^\n]*\n(.*?)"
                 rb"\*\*\* MESSAGE FILE END [^\n]*\n$", out, re.S)
    assert m, out
    return m.group(1), m.group(2), m.group(3)


def split_content(content):
    """Header lines (continuations joined with "\\n") and body bytes."""
    head, sep, body = content.partition(b"\n\n")
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1] += b"\n" + line
        elif line:
            headers.append(line)
    return headers, (body if sep else None)


def header_names(headers):
    return [h.split(b":", 1)[0].lower() for h in headers]


def check_added(queue_id, headers, sender):
    """Received: first, then From:, Date: and Message-Id: once each."""
    names = header_names(headers)
    assert names[0] == b"received", headers
    assert headers[0] == (b"Received: by host.example.com (Postfix, from "
                          b"userid 0)\n\tid " + queue_id.encode()
                          + headers[0][headers[0].index(b";"):]), headers
    for name in (b"from", b"date", b"message-id"):
        assert names.count(name) == 1, headers
    assert (b"From: " + sender.encode()) in headers
    [msgid] = [h for h in headers if h.lower().startswith(b"message-id:")]
    assert re.fullmatch(rb"Message-Id: <\d{14}\.%s@host\.example\.com>"
                        % queue_id.encode(), msgid), msgid
    [date] = [h for h in headers if h.lower().startswith(b"date:")]
    assert re.fullmatch(rb"Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d "
                        rb"[+-]\d{4}( \(\w+\))?", date), date


def envelope(records, name):
    return [line.split(b": ", 1)[1].decode() for line in records.split(b"\n")
            if line.startswith(name.encode() + b": ")]


def test_extract_to_cc_bcc(pipeline):
    data = (b"To: one@example.org, Two <two@example.org>\n"
            b"Cc: three@example.net\n"
            b"Bcc: hidden@example.com\n"
            b"Subject: extract\n\nbody line\n")
    queue_id = submit(pipeline, ["-t"], data)
    env, content, extracted = postcat(pipeline, queue_id)
    assert envelope(env, "sender") == ["root@" + ORIGIN]
    assert envelope(env, "recipient") == []
    assert envelope(extracted, "recipient") == [
        "one@example.org", "two@example.org", "three@example.net",
        "hidden@example.com"]
    headers, body = split_content(content)
    check_added(queue_id, headers, "root@" + ORIGIN)
    assert b"bcc" not in header_names(headers)
    assert b"To: one@example.org, Two <two@example.org>" in headers
    assert b"Cc: three@example.net" in headers
    assert body == b"body line\n"


@pytest.mark.parametrize("sender, canonical", [
    ("a@x", "a@x"), ("joe", "joe@" + ORIGIN)])
def test_envelope_from_command_line(pipeline, sender, canonical):
    queue_id = submit(pipeline, ["-f", sender, "rcpt", "r2@example.org"],
                      b"Subject: s\n\nhi\n")
    env, content, extracted = postcat(pipeline, queue_id)
    assert envelope(env, "sender") == [canonical]
    assert envelope(env, "recipient") == ["rcpt@" + ORIGIN,
                                          "r2@example.org"]
    assert envelope(extracted, "recipient") == []
    headers, body = split_content(content)
    check_added(queue_id, headers, canonical)
    assert body == b"hi\n"


def test_no_headers_at_all(pipeline):
    """A body after an empty line: the headers are added before it."""
    queue_id = submit(pipeline, ["rcpt@example.org"],
                      b"\njust a body\n\nsecond paragraph\n")
    env, content, _ = postcat(pipeline, queue_id)
    assert envelope(env, "recipient") == ["rcpt@example.org"]
    headers, body = split_content(content)
    check_added(queue_id, headers, "root@" + ORIGIN)
    assert header_names(headers) == [b"received", b"from", b"date",
                                      b"message-id"]
    assert body == b"just a body\n\nsecond paragraph\n"


@pytest.mark.parametrize("args,expect", [
    ([], b"From: Joe Public <root@" + ORIGIN.encode() + b">"),
    (["-F", "Ann Other"], b"From: Ann Other <root@" + ORIGIN.encode() + b">"),
])
def test_full_name_from_environment(pipeline, args, expect):
    """The From: full name comes from $NAME unless -F overrides it."""
    queue_id = submit(pipeline, args + ["rcpt@example.org"],
                      b"Subject: x\n\nbody\n", {"NAME": "Joe Public"})
    _, content, _ = postcat(pipeline, queue_id)
    headers, _ = split_content(content)
    assert expect in headers, headers


def test_body_without_header_line(pipeline):
    """The first line is not a header: it is body, headers go first."""
    queue_id = submit(pipeline, ["rcpt@example.org"],
                      b"Subject: x\nnot a header\nworld\n")
    _, content, _ = postcat(pipeline, queue_id)
    head, _, rest = content.partition(b"not a header\n")
    assert rest == b"world\n"
    for name in (b"\nFrom: ", b"\nDate: ", b"\nMessage-Id: ",
                 b"\nSubject: x\n"):
        assert head.count(name) == 1, content


@pytest.mark.parametrize("data", [b"Subject: only\n", b"Subject: only"])
def test_only_subject(pipeline, data):
    queue_id = submit(pipeline, ["rcpt@example.org"], data)
    _, content, _ = postcat(pipeline, queue_id)
    headers, body = split_content(content)
    check_added(queue_id, headers, "root@" + ORIGIN)
    assert b"Subject: only" in headers
    assert body in (None, b"")


def test_long_line(pipeline):
    line = b"".join(b"%05d-" % i for i in range(2100))   # 12,600 bytes
    queue_id = submit(pipeline, ["-i", "rcpt@example.org"],
                      b"Subject: long\n\nbefore\n" + line + b"\nafter\n")
    _, content, _ = postcat(pipeline, queue_id)
    _, body = split_content(content)
    assert body == b"before\n" + line + b"\nafter\n"


@pytest.mark.parametrize("args, body", [
    (["-i"], b"a\n.\nb\n..\nc\n...\n"),
    (["-oi"], b"a\n.\nb\n..\nc\n"),
    ([], b"a\n..\nb\n"),
])
def test_dot_lines_kept(pipeline, args, body):
    queue_id = submit(pipeline, args + ["rcpt@example.org"],
                      b"Subject: dots\n\n" + body)
    _, content, _ = postcat(pipeline, queue_id)
    assert split_content(content)[1] == body


def test_dot_line_ends_input_without_i(pipeline):
    queue_id = submit(pipeline, ["rcpt@example.org"],
                      b"Subject: dots\n\na\n..\nb\n.\nnot this\n")
    _, content, _ = postcat(pipeline, queue_id)
    assert split_content(content)[1] == b"a\n..\nb\n"


def test_eight_bit_unchanged(pipeline):
    latin1 = "caf\u00e9 na\u00efve \u00fcber".encode("latin-1")
    utf8 = "caf\u00e9 \u2013 \u65e5\u672c \U0001f600".encode("utf-8")
    data = (b"Subject: " + latin1 + b"\nX-Utf8: " + utf8 + b"\n\n"
            + latin1 + b"\n" + utf8 + b"\n\xff\xfe\x80\n")
    queue_id = submit(pipeline, ["rcpt@example.org"], data)
    _, content, _ = postcat(pipeline, queue_id)
    headers, body = split_content(content)
    assert b"Subject: " + latin1 in headers
    assert b"X-Utf8: " + utf8 in headers
    assert body == latin1 + b"\n" + utf8 + b"\n\xff\xfe\x80\n"


def test_crlf_line_endings(pipeline):
    data = (b"To: crlf@example.org\r\nSubject: crlf\r\n"
            b"X-Folded: one\r\n\ttwo\r\n\r\nline 1\r\n\r\nline 3\r\n"
            b".\r\nnot this\r\n")
    queue_id = submit(pipeline, ["-t"], data)
    env, content, extracted = postcat(pipeline, queue_id)
    assert b"\r" not in content
    assert envelope(extracted, "recipient") == ["crlf@example.org"]
    headers, body = split_content(content)
    check_added(queue_id, headers, "root@" + ORIGIN)
    assert b"X-Folded: one\n\ttwo" in headers
    assert body == b"line 1\n\nline 3\n"


def test_fix_line_endings_strict(pipeline):
    """strict: CRLF becomes LF only when the first line ends in CRLF."""
    pipeline.write_main_cf(sendmail_fix_line_endings="strict")
    queue_id = submit(pipeline, ["rcpt@example.org"],
                      b"Subject: lf first\n\nline 1\r\nline 2\n")
    _, content, _ = postcat(pipeline, queue_id)
    assert split_content(content)[1] == b"line 1\r\nline 2\n"
    queue_id = submit(pipeline, ["rcpt@example.org"],
                      b"Subject: crlf first\r\n\r\nline 1\r\nline 2\n")
    _, content, _ = postcat(pipeline, queue_id)
    assert b"\r" not in content
    assert split_content(content)[1] == b"line 1\nline 2\n"


def test_fix_line_endings_invalid(pipeline):
    pipeline.write_main_cf(sendmail_fix_line_endings="sometimes")
    proc = subprocess.run([pipeline.installed.path("sendmail_path"), "-C",
                           pipeline.etc, "rcpt@example.org"],
                          input=b"Subject: x\n\nbody\n",
                          env=env_without_config(), capture_output=True,
                          timeout=60)
    assert proc.returncode != 0
    assert b"invalid sendmail_fix_line_endings value: sometimes" \
        in proc.stderr, proc.stderr
