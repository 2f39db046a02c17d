"""test_smtp_generic.py - smtp_generic_maps and lmtp_generic_maps

sendmail -> pickup -> cleanup -> qmgr -> smtp(8)/lmtp -> tests/smtpsink.py:
the envelope (MAIL FROM, RCPT TO) and the sender and recipient headers
leave rewritten per a texthash: generic table, searched in canonical(5)
order (user@domain, then the bare user for a local domain, then
@domain); addresses the table does not know leave unchanged; a long
rewritten header stays folded; a table that cannot answer defers the
mail with 4.3.0 and nothing reaches the server.
"""

import os
import re

import pytest

from conftest import wait_until
from smtpsink import SMTPSink

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite", "smtp")

TABLE = """\
user@host.localdomain   user@example.com
@localdomain            @example.com
joe                     joe.public@example.com
"""

BODY = """\
From: User Name <user@host.localdomain>
To: other@localdomain, stranger@remote.example
Cc: a-very-long-local-part-number-one@localdomain,
 a-very-long-local-part-number-two@localdomain, third@localdomain
Reply-To: joe@host.example.com
Subject: generic test <user@host.localdomain>

body mentions user@host.localdomain
"""


def need(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in NEEDED + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed yet" % prog)


def table(instance, text=TABLE):
    path = os.path.join(instance.etc, "generic")
    with open(path, "w") as f:
        f.write(text)
    return "texthash:" + path


def log_lines(instance, pattern):
    return [line for line in instance.log().splitlines()
            if re.search(pattern, line)]


def headers(data):
    """The header block of a message as text with LF line ends."""
    return data.split(b"\r\n\r\n", 1)[0].decode().replace("\r\n", "\n")


def check_message(msg):
    assert msg.mail_from == "user@example.com"
    assert sorted(msg.rcpts) == ["other@example.com",
                                 "stranger@remote.example"]
    head = headers(msg.data)
    assert "From: User Name <user@example.com>\n" in head, head
    assert ("To: other@example.com, stranger@remote.example\n"
            in head), head
    assert "Reply-To: joe.public@example.com\n" in head, head
    # Not an address header: left alone; the body too.
    assert "Subject: generic test <user@host.localdomain>\n" in head
    assert b"body mentions user@host.localdomain" in msg.data
    # The long Cc: header is rewritten and folded.
    cc = re.search(r"^Cc:.*?(?=^\S)", head + "\nX", re.M | re.S).group(0)
    assert all(len(line) <= 78 for line in cc.splitlines()), cc
    assert " ".join(cc.split()) == (
        "Cc: a-very-long-local-part-number-one@example.com, "
        "a-very-long-local-part-number-two@example.com, "
        "third@example.com"), cc
    assert len(cc.splitlines()) > 1, cc


def test_smtp_generic_maps(instance):
    need(instance)
    with SMTPSink() as sink:
        instance.mail_system(relayhost="[127.0.0.1]:%d" % sink.port,
                             smtp_generic_maps=table(instance))
        r = instance.sendmail("-f", "user@host.localdomain",
                              "other@localdomain", "stranger@remote.example",
                              input=BODY)
        assert r.returncode == 0, r.stderr
        msg = sink.wait_messages(1)[0]
        check_message(msg)
        # The log names the recipients as they were queued.
        wait_until(lambda: len(log_lines(
            instance, r"to=<(other@localdomain|stranger@remote\.example)>"
                      r".*status=sent")) == 2, 30, instance.log()[-3000:])


def test_lmtp_generic_maps(instance):
    need(instance, "lmtp")
    with SMTPSink(lmtp=True) as sink:
        instance.mail_system(
            transport_maps="inline:{ localdomain=lmtp:inet:127.0.0.1:%d, "
                           "remote.example=lmtp:inet:127.0.0.1:%d }"
                           % (sink.port, sink.port),
            lmtp_generic_maps=table(instance),
            smtp_generic_maps="fail:not_for_lmtp")
        r = instance.sendmail("-f", "user@host.localdomain",
                              "other@localdomain", "stranger@remote.example",
                              input=BODY)
        assert r.returncode == 0, r.stderr
        msgs = sink.wait_messages(1)
        wait_until(lambda: sum(len(m.rcpts) for m in sink.messages) == 2,
                   30, "both recipients")
        rcpts = []
        for m in sink.messages:
            assert m.mail_from == "user@example.com"
            rcpts += m.rcpts
            assert "From: User Name <user@example.com>\n" in headers(m.data)
        assert sorted(rcpts) == ["other@example.com",
                                 "stranger@remote.example"]
        assert msgs


def test_lookup_error_defers(instance):
    need(instance)
    with SMTPSink() as sink:
        instance.mail_system(relayhost="[127.0.0.1]:%d" % sink.port,
                             smtp_generic_maps="fail:generic")
        r = instance.sendmail("-f", "user@host.localdomain",
                              "other@localdomain", input=BODY)
        assert r.returncode == 0, r.stderr
        wait_until(lambda: log_lines(
            instance, r"to=<other@localdomain>.*status=deferred"), 30,
            instance.log()[-3000:])
        line = log_lines(instance,
                         r"to=<other@localdomain>.*status=deferred")[0]
        assert "dsn=4.3.0" in line, line
        assert "relay=none" in line, line
        assert "smtp_generic_maps lookup error" in line, line
        assert not sink.messages
        assert not sink.sessions
