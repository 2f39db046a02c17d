"""test_smtpd_proto.py - the smtpd(8) protocol engine over real sockets

Replies and enhanced status codes of every command, pipelining, BDAT,
dot-stuffing, bare <LF>/<CR> smuggling attempts, long lines, timeouts,
error limits, end-to-end delivery with the Received: header, crash
safety (kill -9 mid-DATA) and flat memory over a long session.
"""

import os
import pwd
import re
import signal
import smtplib
import socket
import time

import pytest

from conftest import wait_until

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEEDED = ("smtpd", "cleanup", "qmgr", "trivial-rewrite")
HOST = "host.example.com"
# Restrictions are tested elsewhere: accept any local recipient here.
BASE = dict(local_recipient_maps="")


def require(*progs):
    for prog in NEEDED + progs:
        if not os.path.exists(os.path.join(TOP, "libexec", prog)):
            pytest.skip("%s is not built yet" % prog)


class Client:
    """A raw SMTP client: bytes out, reply lines in, bounded in time."""

    def __init__(self, port, timeout=15):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; have %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("latin-1")

    def reply(self):
        """One (possibly multi-line) reply: list of lines."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return lines

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()[-1]

    def closed(self):
        """True when the server has closed the connection."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return True

    def close(self):
        self.sock.close()


def connect(instance):
    c = Client(instance.port)
    banner = c.reply()
    assert banner == ["220 %s ESMTP Postfix" % HOST]
    return c


@pytest.fixture
def spool(instance):
    if os.geteuid() != 0:
        pytest.skip("local delivery tests need root")
    try:
        pwd.getpwnam("pftest1")
    except KeyError:
        pytest.skip("test user pftest1 missing: run tools/install-deps")
    require("local")
    path = os.path.join(instance.base, "mail")
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o1777)
    return path


def mbox(spool, want, timeout=30):
    path = os.path.join(spool, "pftest1")
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if want in data:
                return data
        time.sleep(0.2)
    raise AssertionError("no %r in %s" % (want, path))


def smtpd_pids(instance):
    return [p for p in instance.processes()
            if os.readlink("/proc/%d/exe" % p).endswith("/smtpd")]


def test_session_replies(instance):
    """Banner, EHLO keywords in Postfix's order, and the simple commands."""
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    c.send("EHLO client.example\r\n")
    assert c.reply() == [
        "250-%s" % HOST, "250-PIPELINING", "250-SIZE 10240000",
        "250-VRFY", "250-ETRN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
        "250-DSN", "250-SMTPUTF8", "250 CHUNKING"]
    assert c.cmd("HELO client.example") == "250 %s" % HOST
    assert c.cmd("HELO") == "501 Syntax: HELO hostname"
    assert c.cmd("EHLO") == "501 Syntax: EHLO hostname"
    assert c.cmd("NOOP") == "250 2.0.0 Ok"
    assert c.cmd("RSET") == "250 2.0.0 Ok"
    assert c.cmd("RSET x") == "501 5.5.4 Syntax: RSET"
    assert c.cmd("VRFY user@example.com") == "252 2.0.0 user@example.com"
    assert c.cmd("VRFY") == "501 5.5.4 Syntax: VRFY address"
    assert c.cmd("HELP") == "502 5.5.2 Error: command not recognized"
    assert c.cmd("XYZZY") == "502 5.5.2 Error: command not recognized"
    assert c.cmd("") == "500 5.5.2 Error: bad syntax"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    assert c.closed()
    instance.wait_log("connect from localhost[127.0.0.1]")
    instance.wait_log("disconnect from ")
    log = instance.log()
    m = re.search(r"disconnect from (\S+) (.*)", log)
    assert m, log
    assert m.group(2) == ("helo=1/2 ehlo=1/2 rset=1/2 noop=1 vrfy=1/2 "
                          "quit=1 unknown=0/2 commands=6/12"), m.group(2)


def test_transaction_errors(instance):
    """503/501/555/554 replies of MAIL, RCPT and DATA."""
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    assert c.cmd("RCPT TO:<a@example.com>") == \
        "503 5.5.1 Error: need MAIL command"
    assert c.cmd("DATA") == "503 5.5.1 Error: need RCPT command"
    assert c.cmd("EHLO client.example").startswith("250 ")
    assert c.cmd("MAIL FROM <a@example.com>") == \
        "501 5.5.4 Syntax: MAIL FROM:<address>"
    assert c.cmd("MAIL FROM:<a@example.com") == \
        "501 5.1.7 Bad sender address syntax"
    assert c.cmd("MAIL FROM:<a@example.com> FOO=BAR") == \
        "555 5.5.4 Unsupported option: FOO"
    assert c.cmd("MAIL FROM:<a@example.com> SIZE=abc") == \
        "501 5.5.4 Bad message size syntax"
    assert c.cmd("MAIL FROM:<a@example.com> BODY=BINARYMIME") == \
        "501 5.5.4 Unsupported BODY parameter value"
    assert c.cmd("MAIL FROM:<a@example.com> RET=ALL") == \
        "501 5.5.4 Bad RET parameter syntax"
    assert c.cmd("MAIL FROM:<a@example.com> ENVID=a+zz") == \
        "501 5.5.4 Bad ENVID parameter syntax"
    assert c.cmd("MAIL FROM:<a@example.com> SIZE=100 BODY=8BITMIME "
                 "RET=HDRS ENVID=x+2By SMTPUTF8 AUTH=<>") == "250 2.1.0 Ok"
    assert c.cmd("MAIL FROM:<a@example.com>") == \
        "503 5.5.1 Error: nested MAIL command"
    assert c.cmd("DATA") == "554 5.5.1 Error: no valid recipients"
    assert c.cmd("RCPT TO <b@example.com>") == \
        "501 5.5.4 Syntax: RCPT TO:<address>"
    assert c.cmd("RCPT TO:<>") == "501 5.1.3 Bad recipient address syntax"
    assert c.cmd("RCPT TO:<b@example.com> NOTIFY=SOMETIMES") == \
        "501 5.5.4 Error: Bad NOTIFY parameter syntax"
    assert c.cmd("RCPT TO:<b@example.com> NOTIFY=NEVER,SUCCESS") == \
        "501 5.5.4 Error: Bad NOTIFY parameter syntax"
    assert c.cmd("RCPT TO:<b@example.com> ORCPT=rfc822") == \
        "501 5.5.4 Error: Bad ORCPT parameter syntax"
    assert c.cmd("RCPT TO:<b@example.com> BOGUS=1") == \
        "555 5.5.4 Unsupported option: BOGUS"
    assert c.cmd("DATA extra") == "501 5.5.4 Syntax: DATA"
    assert c.cmd("RSET") == "250 2.0.0 Ok"
    c.send("MAIL FROM:<j\u00f6rg@example.com>\r\n".encode())
    assert c.reply() == ["553 5.6.7 Must declare SMTPUTF8 to send "
                         "unicode address"]
    c.send("MAIL FROM:<j\u00f6rg@example.com> SMTPUTF8\r\n".encode())
    assert c.reply() == ["250 2.1.0 Ok"]
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_recipient_limit(instance):
    require()
    instance.mail_system(**BASE, smtpd_recipient_limit="2")
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("MAIL FROM:<>") == "250 2.1.0 Ok"
    for i in range(2):
        assert c.cmd("RCPT TO:<u%d@%s>" % (i, HOST)) == "250 2.1.5 Ok"
    assert c.cmd("RCPT TO:<u9@%s>" % HOST) == \
        "452 4.5.3 Error: too many recipients"
    assert c.cmd("RSET") == "250 2.0.0 Ok"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_helo_required_and_vrfy_disabled(instance):
    require()
    instance.mail_system(**BASE, smtpd_helo_required="yes",
                         disable_vrfy_command="yes",
                         smtpd_discard_ehlo_keywords="chunking, dsn")
    c = connect(instance)
    assert c.cmd("MAIL FROM:<>") == "503 5.5.1 Error: send HELO/EHLO first"
    assert c.cmd("VRFY x@example.com") == "502 5.5.1 VRFY command is disabled"
    c.send("EHLO c\r\n")
    ehlo = c.reply()
    assert "250-VRFY" not in ehlo and "250-DSN" not in ehlo
    assert not any("CHUNKING" in line for line in ehlo)
    assert c.cmd("MAIL FROM:<> RET=FULL") == \
        "555 5.5.4 Unsupported option: RET"
    assert c.cmd("BDAT 10 LAST") == "502 5.5.1 Error: command not implemented"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_helo_required_vrfy(instance):
    """VRFY, like MAIL, wants HELO/EHLO first when it is required."""
    require()
    instance.mail_system(**BASE, smtpd_helo_required="yes")
    c = connect(instance)
    assert c.cmd("VRFY x@example.com") == \
        "503 5.5.1 Error: send HELO/EHLO first"
    assert c.cmd("HELO c").startswith("250")
    assert c.cmd("VRFY x@example.com") == "252 2.0.0 x@example.com"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_end_to_end_received_header(instance, spool):
    """smtplib to a mailbox: Received: in Postfix's shape, dot-stuffing
    undone, 250 with the queue ID, client= log line."""
    instance.mail_system(**BASE, mail_spool_directory=spool)
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    body = (b"Subject: e2e\r\n\r\nline one\r\n.leading dot\r\n"
            b"..two dots\r\nend\r\n")
    s.mail("sender@example.org")
    s.rcpt("pftest1@%s" % HOST)
    code, msg = s.data(body)
    assert code == 250 and msg.startswith(b"2.0.0 Ok: queued as "), msg
    qid = msg.split()[-1].decode()
    s.quit()
    data = mbox(spool, b"end\n")
    assert re.search(
        rb"\nReceived: from client\.example \(localhost \[127\.0\.0\.1\]\)\n"
        rb"\tby host\.example\.com \(Postfix\) with ESMTP id " +
        qid.encode() + rb"\n\tfor <pftest1@host\.example\.com>; ", data), data
    assert b"\n.leading dot\n" in data
    assert b"\n..two dots\n" in data     # smtplib stuffed it to "..."
    instance.wait_log("%s: client=localhost[127.0.0.1]" % qid)
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=1 mail=1 "
                      "rcpt=1 data=1 quit=1 commands=5")


def test_pipelining_and_bdat(instance, spool):
    """A pipelined transaction in one write, then BDAT chunks."""
    instance.mail_system(**BASE, mail_spool_directory=spool)
    c = connect(instance)
    c.send("EHLO c\r\n")
    c.reply()
    c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<pftest1@%s>\r\n"
           "RCPT TO:<pftest1@%s> NOTIFY=SUCCESS,FAILURE "
           "ORCPT=rfc822;x+2By@example.com\r\nDATA\r\n" % (HOST, HOST))
    assert c.reply() == ["250 2.1.0 Ok"]
    assert c.reply() == ["250 2.1.5 Ok"]
    assert c.reply() == ["250 2.1.5 Ok"]
    assert c.reply() == ["354 End data with <CR><LF>.<CR><LF>"]
    c.send("Subject: piped\r\n\r\npipelined body\r\n.\r\n")
    assert c.reply()[0].startswith("250 2.0.0 Ok: queued as ")
    mbox(spool, b"pipelined body\n")

    c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<pftest1@%s>\r\n" % HOST)
    assert c.reply() == ["250 2.1.0 Ok"]
    assert c.reply() == ["250 2.1.5 Ok"]
    part1 = b"Subject: chunked\r\n\r\nfirst half of a li"
    part2 = b"ne\r\n.not stuffed\r\nlast line\r\n"
    c.send(b"BDAT %d\r\n" % len(part1) + part1)
    assert c.reply() == ["250 2.0.0 Ok: %d bytes" % len(part1)]
    c.send(b"BDAT %d LAST\r\n" % len(part2) + part2)
    assert c.reply()[0].startswith("250 2.0.0 Ok: queued as ")
    assert c.cmd("DATA") == "503 5.5.1 Error: need RCPT command"
    data = mbox(spool, b"last line\n")
    assert b"\nfirst half of a line\n.not stuffed\nlast line\n" in data
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_bdat_errors(instance):
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    c.cmd("EHLO c")
    # Without a transaction the chunk is read and thrown away.
    c.send(b"BDAT 5\r\nhello")
    assert c.reply() == ["503 5.5.1 Error: need RCPT command"]
    assert c.cmd("BDAT x") == "501 5.5.4 Syntax: BDAT count [LAST]"
    assert c.cmd("NOOP") == "250 2.0.0 Ok"
    assert c.cmd("MAIL FROM:<>") == "250 2.1.0 Ok"
    assert c.cmd("RCPT TO:<u@%s>" % HOST) == "250 2.1.5 Ok"
    c.send(b"BDAT 3\r\nabc")
    assert c.reply() == ["250 2.0.0 Ok: 3 bytes"]
    assert c.cmd("DATA") == "503 5.5.1 Error: DATA after BDAT"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    instance.wait_log("disconnect from")


SMUGGLE = [b"\n.\n", b"\n.\r\n", b"\r.\r", b"\r\n.\n", b"\r\n.\r"]


@pytest.mark.parametrize("mode", ["normalize", "no"])
def test_smuggling_never_ends_data(instance, spool, mode):
    """Only <CR><LF>.<CR><LF> ends DATA: the smuggled transaction stays
    inside the one message, whatever the bare newline mode."""
    instance.mail_system(**BASE, mail_spool_directory=spool,
                         smtpd_forbid_bare_newline=mode,
                         smtpd_forbid_bare_newline_exclusions="")
    c = connect(instance)
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<pftest1@%s>" % HOST)
    assert c.cmd("DATA").startswith("354 ")
    msg = b"Subject: smuggle\r\n\r\nstart\r\n"
    for i, seq in enumerate(SMUGGLE):
        msg += (b"x" + seq + b"MAIL FROM:<evil@example.org>\r\n"
                b"RCPT TO:<pftest1@" + HOST.encode() + b">\r\nDATA\r\n"
                b"Subject: smuggled %d\r\n\r\nevil\r\n" % i)
    msg += b"the end\r\n.\r\n"
    c.send(msg)
    reply = c.reply()
    assert len(reply) == 1 and reply[0].startswith("250 2.0.0 Ok: queued")
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    data = mbox(spool, b"the end\n")
    assert data.count(b"\nFrom ") + data.startswith(b"From ") == 1
    assert b"Subject: smuggled 4" in data     # inside the body
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=1 mail=1 "
                      "rcpt=1 data=1 quit=1 commands=5")


def test_bare_lf_reject(instance):
    require()
    instance.mail_system(**BASE, smtpd_forbid_bare_newline="reject",
                         smtpd_forbid_bare_newline_exclusions="")
    c = connect(instance)
    c.send("EHLO c\n")
    assert c.reply() == ["550 5.5.2 Error: bare <LF> received"]
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<u@%s>" % HOST)
    assert c.cmd("DATA").startswith("354 ")
    c.send(b"Subject: x\r\n\r\nbare\nline\r\n.\r\n")
    assert c.reply() == ["550 5.5.2 Error: bare <LF> received"]
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    instance.wait_log("bare <LF> received")
    time.sleep(0.5)
    assert instance.queue_files("incoming") == []


def test_bare_lf_excluded_client(instance):
    """$mynetworks (127.0.0.1 here) is excluded from reject mode."""
    require()
    instance.mail_system(**BASE, smtpd_forbid_bare_newline="reject",
                         mynetworks="127.0.0.0/8")
    c = connect(instance)
    c.send("EHLO c\n")
    assert c.reply()[-1] == "250 CHUNKING"
    c.close()


def test_long_lines(instance, spool):
    """A long command line: 500 5.5.0; a long content line: kept whole."""
    instance.mail_system(**BASE, mail_spool_directory=spool)
    c = connect(instance)
    assert c.cmd("NOOP " + "x" * 5000) == "500 5.5.0 Error: line too long"
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<pftest1@%s>" % HOST)
    c.cmd("DATA")
    long_line = b"y" * 9000
    c.send(b"Subject: long\r\n\r\n" + long_line + b"\r\n.\r\n")
    assert c.reply()[0].startswith("250 2.0.0 Ok: queued as")
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    data = mbox(spool, b"Subject: long")
    assert b"\n" + long_line + b"\n" in data


def test_message_size_limit(instance):
    require()
    instance.mail_system(**BASE, message_size_limit="20000")
    c = connect(instance)
    c.send("EHLO c\r\n")
    assert "250-SIZE 20000" in c.reply()
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<u@%s>" % HOST)
    c.cmd("DATA")
    c.send(b"Subject: big\r\n\r\n" + (b"z" * 70 + b"\r\n") * 500 + b".\r\n")
    assert c.reply() == ["552 5.3.4 Error: message file too big"]
    # The session goes on.
    assert c.cmd("NOOP") == "250 2.0.0 Ok"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_timeout(instance):
    require()
    instance.mail_system(**BASE, smtpd_timeout="2s")
    c = connect(instance)
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<u@%s>" % HOST)
    c.cmd("DATA")
    c.send("Subject: slow\r\n")
    assert c.reply() == ["421 4.4.2 %s Error: timeout exceeded" % HOST]
    assert c.closed()
    instance.wait_log("timeout after DATA (15 bytes) from "
                      "localhost[127.0.0.1]")
    time.sleep(0.5)
    assert instance.queue_files("incoming") == []


def test_lost_connection(instance):
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.close()
    instance.wait_log("lost connection after MAIL from localhost[127.0.0.1]")
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=1 mail=1 "
                      "commands=2")


def test_error_limits(instance):
    require()
    instance.mail_system(**BASE, smtpd_hard_error_limit="3",
                         smtpd_soft_error_limit="2",
                         smtpd_error_sleep_time="0")
    c = connect(instance)
    for _ in range(3):
        assert c.cmd("BOGUS") == "502 5.5.2 Error: command not recognized"
    assert c.reply() == ["421 4.7.0 %s Error: too many errors" % HOST]
    assert c.closed()
    instance.wait_log("too many errors after UNKNOWN from "
                      "localhost[127.0.0.1]")


def test_junk_command_limit(instance):
    require()
    instance.mail_system(**BASE, smtpd_junk_command_limit="2",
                         smtpd_hard_error_limit="3",
                         smtpd_error_sleep_time="0")
    c = connect(instance)
    for _ in range(5):
        assert c.cmd("NOOP") == "250 2.0.0 Ok"
    assert c.reply() == ["421 4.7.0 %s Error: too many errors" % HOST]


def test_error_sleep(instance):
    """After smtpd_soft_error_limit errors, replies are delayed."""
    require()
    instance.mail_system(**BASE, smtpd_soft_error_limit="1",
                         smtpd_error_sleep_time="1s")
    c = connect(instance)
    c.cmd("BOGUS")
    t0 = time.monotonic()
    c.cmd("NOOP")
    assert time.monotonic() - t0 >= 0.9


@pytest.mark.parametrize("line", ["GET / HTTP/1.0", "POST /x HTTP/1.1",
                                  "Subject: hello", "/bogus", "CONNECT x"])
def test_forbidden_commands(instance, line):
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    assert c.cmd(line) == \
        "221 2.7.0 Error: I can break rules, too. Goodbye."
    assert c.closed()
    instance.wait_log("warning: non-SMTP command from "
                      "localhost[127.0.0.1]: %s" % line)


def test_lower_case_commands(instance):
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    assert c.cmd("ehlo c").startswith("250 ")
    assert c.cmd("mail from:<s@example.org>") == "250 2.1.0 Ok"
    assert c.cmd("quit") == "221 2.0.0 Bye"


def test_unauth_pipelining(instance):
    """EHLO with the next command in the same packet: with
    smtpd_forbid_unauth_pipelining the server hangs up."""
    require()
    instance.mail_system(**BASE, smtpd_forbid_unauth_pipelining="yes")
    c = connect(instance)
    c.send("EHLO c\r\nMAIL FROM:<s@example.org>\r\n")
    assert c.reply() == ["554 5.5.0 Error: SMTP protocol synchronization"]
    assert c.closed()
    instance.wait_log("improper command pipelining after EHLO from "
                      "localhost[127.0.0.1]: MAIL FROM:<s@example.org>")
    # Allowed pipelining (after EHLO, before DATA) is fine.
    c = connect(instance)
    c.cmd("EHLO c")
    c.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<u@%s>\r\nRSET\r\n"
           % HOST)
    assert [c.reply(), c.reply(), c.reply()] == \
        [["250 2.1.0 Ok"], ["250 2.1.5 Ok"], ["250 2.0.0 Ok"]]


def test_etrn(instance):
    require()
    instance.mail_system(**BASE)
    c = connect(instance)
    assert c.cmd("ETRN example.com") == \
        "503 5.5.1 Error: send HELO/EHLO first"
    c.cmd("EHLO c")
    assert c.cmd("ETRN") == "500 Syntax: ETRN domain"
    assert c.cmd("ETRN bad/domain") == "501 Error: invalid parameter syntax"
    c.cmd("MAIL FROM:<>")
    assert c.cmd("ETRN example.com") == \
        "503 5.5.1 Error: MAIL transaction in progress"
    c.cmd("RSET")
    # example.com is not in fast_flush_domains ($relay_domains, empty).
    r = c.cmd("ETRN example.com")
    assert r in ("459 <example.com>: service unavailable",
                 "458 Unable to queue messages"), r
    c.close()
    if not os.path.exists(os.path.join(TOP, "libexec", "flush")):
        return
    instance.postfix("stop")
    instance.mail_system(**BASE, fast_flush_domains="example.com")
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("ETRN example.com") == "250 Queuing started"
    assert c.cmd("ETRN other.example") == \
        "459 <other.example>: service unavailable"
    instance.wait_log("warning: reject: ETRN other.example... from "
                      "localhost[127.0.0.1]")


def test_kill9_mid_data(instance, spool):
    """A message that got 250 survives kill -9 of smtpd; one that was
    in DATA when smtpd died is not queued."""
    instance.mail_system(**BASE, mail_spool_directory=spool)
    c = connect(instance)
    c.cmd("EHLO c")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<pftest1@%s>" % HOST)
    c.cmd("DATA")
    c.send(b"Subject: first\r\n\r\nsurvivor\r\n.\r\n")
    assert c.reply()[0].startswith("250 2.0.0 Ok: queued as")
    c.cmd("MAIL FROM:<s@example.org>")
    c.cmd("RCPT TO:<pftest1@%s>" % HOST)
    c.cmd("DATA")
    c.send(b"Subject: second\r\n\r\nhalf a message\r\n")
    time.sleep(0.3)
    pids = smtpd_pids(instance)
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    assert c.closed()
    data = mbox(spool, b"survivor")
    wait_until(lambda: instance.queue_files("incoming") == [], 10,
               "incoming queue empty")
    time.sleep(1)
    with open(os.path.join(spool, "pftest1"), "rb") as f:
        data = f.read()
    assert b"half a message" not in data
    assert instance.queue_files("active") == []
    assert instance.queue_files("deferred") == []


def vmrss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_memory_flat_over_long_session(instance):
    """2,000 messages on one connection: smtpd's RSS does not grow."""
    require("discard")
    instance.mail_system(**BASE, default_transport="discard",
                         local_transport="discard")
    c = connect(instance)
    c.cmd("EHLO c")
    pid = smtpd_pids(instance)[0]
    body = b"Subject: m\r\n\r\n" + b"0123456789" * 100 + b"\r\n.\r\n"
    rss = {}
    deadline = time.monotonic() + 240
    for i in range(2000):
        c.send(b"MAIL FROM:<s@example.org> SIZE=1000 ENVID=e%d\r\n"
               b"RCPT TO:<u@" % i + HOST.encode() +
               b"> NOTIFY=FAILURE\r\nDATA\r\n")
        assert c.reply() == ["250 2.1.0 Ok"]
        assert c.reply() == ["250 2.1.5 Ok"]
        assert c.reply()[0].startswith("354")
        c.send(body)
        assert c.reply()[0].startswith("250 2.0.0 Ok: queued as")
        if i in (300, 1999):
            rss[i] = vmrss(pid)
        assert time.monotonic() < deadline
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    print("smtpd VmRSS kB after 300 and 2000 messages:", rss)
    assert rss[1999] - rss[300] < 256, rss


def test_swaks_pipelined(instance, spool):
    """swaks with PIPELINING and DSN options, to a mailbox."""
    if not os.path.exists("/usr/bin/swaks"):
        pytest.skip("swaks is not installed")
    import subprocess
    instance.mail_system(**BASE, mail_spool_directory=spool)
    proc = subprocess.run(
        ["/usr/bin/swaks", "--server", "127.0.0.1:%d" % instance.port,
         "--helo", "swaks.example", "--from", "s@example.org",
         "--to", "pftest1@%s" % HOST, "--pipeline",
         "--header", "Subject: via swaks", "--body", "swaks body line",
         ],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "250 2.0.0 Ok: queued as" in proc.stdout
    data = mbox(spool, b"swaks body line")
    assert b"Received: from swaks.example (localhost [127.0.0.1])" in data


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_hold_and_discard_results(instance, stage):
    """HOLD from the restrictions puts the message on hold; DISCARD
    accepts it with 250 and queues nothing (the check results reach
    cleanup as flags)."""
    require()
    param = ("smtpd_recipient_restrictions" if stage == "rcpt"
             else "smtpd_data_restrictions")
    instance.mail_system(
        **BASE, **{param: "check_sender_access inline:{"
                   "hold@example.org=HOLD, drop@example.org=DISCARD}"})
    c = connect(instance)
    c.cmd("EHLO c")
    for sender in ("hold@example.org", "drop@example.org"):
        assert c.cmd("MAIL FROM:<%s>" % sender) == "250 2.1.0 Ok"
        assert c.cmd("RCPT TO:<u@%s>" % HOST) == "250 2.1.5 Ok"
        assert c.cmd("DATA").startswith("354")
        c.send(b"Subject: flags\r\n\r\nbody\r\n.\r\n")
        assert c.reply()[0].startswith("250 2.0.0 Ok: queued as")
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    wait_until(lambda: len(instance.queue_files("hold")) == 1, 10,
               "one message on hold")
    time.sleep(1)
    assert len(instance.queue_files("hold")) == 1


def test_discard_ehlo_keyword_address_maps(instance):
    """Per-client EHLO keyword removal; silent-discard logs nothing."""
    require()
    instance.mail_system(
        **BASE, smtpd_discard_ehlo_keywords="etrn",
        smtpd_discard_ehlo_keyword_address_maps=
        "inline:{{127.0.0.1=pipelining, chunking}}")
    c = connect(instance)
    c.send("EHLO c\r\n")
    ehlo = c.reply()
    assert "250-PIPELINING" not in ehlo and "250-ETRN" in ehlo
    assert ehlo[-1] == "250 SMTPUTF8"
    instance.wait_log("discarding EHLO keywords: PIPELINING CHUNKING")


def test_size_and_storage_at_mail(instance):
    """SIZE= over message_size_limit: 552 5.3.4; not enough room for
    queue_minfree: 452 4.3.1."""
    require()
    instance.mail_system(**BASE, message_size_limit="1000")
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("MAIL FROM:<s@example.org> SIZE=1001") == \
        "552 5.3.4 Message size exceeds fixed limit"
    assert c.cmd("MAIL FROM:<s@example.org> SIZE=999") == "250 2.1.0 Ok"
    c.close()
    instance.postfix("stop")
    instance.mail_system(**BASE, queue_minfree=str(1 << 60))
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("MAIL FROM:<s@example.org>") == \
        "452 4.3.1 Insufficient system storage"


def test_client_rejected_at_connect(instance):
    """smtpd_delay_reject = no: the client reject replaces the banner,
    then every command but QUIT gets 503 5.7.0."""
    require()
    instance.mail_system(**BASE, smtpd_delay_reject="no",
                         smtpd_client_restrictions="reject")
    c = Client(instance.port)
    greeting = c.reply()
    assert greeting[0].startswith("554 5.7.1 "), greeting
    assert c.cmd("EHLO c") == \
        "503 5.7.0 Error: access denied for localhost[127.0.0.1]"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"


def test_ipv6_client(instance, spool):
    """An IPv6 client: logged as name[::1], Received: with [IPv6:::1]."""
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback")
    port = instance.ports[1]
    instance.mail_system(**BASE, mail_spool_directory=spool,
                         inet_protocols="all",
                         services="[::1]:%d inet n - n - - smtpd\n" % port)
    s = smtplib.SMTP("::1", port, timeout=30)
    s.ehlo("v6.example")
    s.sendmail("s@example.org", ["pftest1@%s" % HOST],
               b"Subject: v6\r\n\r\nover ipv6\r\n")
    s.quit()
    data = mbox(spool, b"over ipv6")
    assert re.search(rb"Received: from v6\.example \(\S+ \[IPv6:::1\]\)",
                     data), data
    instance.wait_log("[::1]")


def test_strict_rfc821_envelopes(instance):
    require()
    instance.mail_system(**BASE, strict_rfc821_envelopes="yes")
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("MAIL FROM:s@example.org") == \
        "501 5.1.7 Bad sender address syntax"
    assert c.cmd("MAIL FROM:<s@example.org> (comment)") == \
        "555 5.5.4 Unsupported option: (comment)"
    assert c.cmd("MAIL FROM:<s@example.org>") == "250 2.1.0 Ok"
    assert c.cmd("RCPT TO:u@%s" % HOST) == \
        "501 5.1.3 Bad recipient address syntax"
    assert c.cmd("RCPT TO:<u@%s>" % HOST) == "250 2.1.5 Ok"
    c.close()
    instance.postfix("stop")
    instance.mail_system(**BASE, strict_rfc821_envelopes="no")
    c = connect(instance)
    c.cmd("EHLO c")
    assert c.cmd("MAIL FROM: s@example.org") == "250 2.1.0 Ok"
    assert c.cmd("RCPT TO: <u@%s>" % HOST) == "250 2.1.5 Ok"
