"""test_smtp_client.py - the smtp(8) delivery agent against a sink

sendmail -> pickup -> cleanup -> qmgr -> smtp(8) -> tests/smtpsink.py
(a programmable SMTP server on loopback), through relayhost or
smtp_fallback_relay: the delivered message and Postfix's log line;
per-recipient 4xx/2xx in one transaction; a 5xx after DATA bounces
every recipient and the notification reaches the sender's mailbox; a
server that closes in the middle of DATA defers; a 554 greeting moves
on to the next server; PIPELINING; connection reuse across messages;
a server that never answers times out.
"""

import os
import pwd
import re
import socket
import time

import pytest

from conftest import wait_until
from smtpsink import SMTPSink

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite", "smtp")


def start(instance, relay, **main_cf):
    daemons = instance.installed.path("daemon_directory")
    missing = [p for p in NEEDED
               if not os.path.exists(os.path.join(daemons, p))]
    if missing:
        pytest.skip("needs %s (not installed yet)" % ", ".join(missing))
    settings = dict(relayhost=relay)
    settings.update(main_cf)
    instance.mail_system(**settings)


def poke(instance):
    """Wake qmgr (deferred mail, tests that wait for a retry)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(os.path.join(instance.queue, "public", "qmgr"))
            s.sendall(b"I")
    except OSError:
        pass


def send(instance, *rcpts, sender="sender@example.org",
         body=b"Subject: hello\n\nline one\n.leading dot\nend\n"):
    r = instance.sendmail("-f", sender, *rcpts, input=body)
    assert r.returncode == 0, r.stderr


def log_lines(instance, pattern):
    return [line for line in instance.log().splitlines()
            if re.search(pattern, line)]


def wait_lines(instance, pattern, count=1, timeout=30):
    wait_until(lambda: len(log_lines(instance, pattern)) >= count, timeout,
               "%d log lines matching %r:\n%s" % (count, pattern,
                                                   instance.log()[-3000:]))
    return log_lines(instance, pattern)


def test_delivered(instance):
    """A message reaches the sink, pipelined, with SIZE and BODY, and
    the log line has Postfix's shape with the server's reply."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        send(instance, "bob@remote.example", "carol@remote.example")
        msg = sink.wait_messages(1)[0]
        assert msg.mail_from == "sender@example.org"
        assert msg.rcpts == ["bob@remote.example", "carol@remote.example"]
        assert "SIZE" in msg.mail_params
        assert b"Subject: hello\r\n" in msg.data
        assert b"\r\n.leading dot\r\n" in msg.data     # unstuffed by sink
        session = sink.sessions[0]
        assert session.hello_cmd == "EHLO"
        assert session.helo == "host.example.com"
        assert session.pipelined
        lines = wait_lines(instance, r"status=sent", 2)
        relay = "127.0.0.1[127.0.0.1]:%d" % sink.port
        for line in lines:
            assert re.search(
                r"smtp\[\d+\]: [0-9A-F]+: to=<(bob|carol)@remote\.example>, "
                r"relay=%s, delay=[\d.]+, delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, "
                r"dsn=2\.0\.0, status=sent \(250 2\.0\.0 .*\)$"
                % re.escape(relay), line), line


def test_rcpt_4xx_and_2xx(instance):
    """One recipient deferred by 451, the other delivered, in one
    transaction."""
    with SMTPSink(rcpt_replies={"later@remote.example":
                                "451 4.3.0 try again later"}) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        send(instance, "later@remote.example", "now@remote.example")
        msg = sink.wait_messages(1)[0]
        assert msg.rcpts == ["now@remote.example"]
        sent = wait_lines(instance, r"to=<now@remote\.example>.*status=sent")
        deferred = wait_lines(instance,
                              r"to=<later@remote\.example>.*status=deferred")
        assert "dsn=4.3.0" in deferred[0]
        assert ("status=deferred (host 127.0.0.1[127.0.0.1] said: 451 4.3.0 "
                "try again later (in reply to RCPT TO command))"
                in deferred[0]), deferred[0]
        assert len(sink.transactions()) == 1
        assert sent


def test_5xx_after_data_bounces_all(instance):
    """554 after the final dot: every recipient bounced, and the
    notification reaches the sender's local mailbox."""
    if os.geteuid() != 0:
        pytest.skip("local delivery needs root")
    try:
        pwd.getpwnam("pftest1")
    except KeyError:
        pytest.skip("test user pftest1 missing: run tools/install-deps")
    if not os.path.exists(os.path.join(
            instance.installed.path("daemon_directory"), "local")):
        pytest.skip("local is not installed")
    spool = os.path.join(instance.base, "mail")
    os.makedirs(spool, exist_ok=True)
    os.chmod(spool, 0o1777)
    with SMTPSink(replies={"eod": "554 5.7.1 content rejected"}) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              mail_spool_directory=spool)
        send(instance, "x@remote.example", "y@remote.example",
             sender="pftest1@host.example.com")
        lines = wait_lines(instance, r"status=bounced", 2)
        for line in lines:
            assert ("dsn=5.7.1, status=bounced (host 127.0.0.1[127.0.0.1] "
                    "said: 554 5.7.1 content rejected (in reply to end of "
                    "DATA command))" in line), line
        path = os.path.join(spool, "pftest1")
        wait_until(lambda: os.path.exists(path)
                   and b"554 5.7.1 content rejected" in open(path, "rb").read(),
                   60, "the notification in %s" % path)
        data = open(path, "rb").read()
        assert b"x@remote.example" in data and b"y@remote.example" in data


def test_close_mid_data_defers(instance):
    """A server that closes during the content: deferred, with the
    stage in the reason."""
    with SMTPSink(disconnect="mid-data") as sink:
        # A small receive buffer at the sink, and a body much larger,
        # so that the client is still writing the body when the
        # connection goes.
        sink.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        start(instance, "[127.0.0.1]:%d" % sink.port)
        send(instance, "z@remote.example",
             body=b"Subject: big\n\n" + (b"y" * 900 + b"\n") * 3000)
        line = wait_lines(instance, r"to=<z@remote\.example>.*deferred")[0]
        assert ("lost connection with 127.0.0.1[127.0.0.1] while sending "
                "message body" in line), line
        assert "dsn=4.4.2" in line


def test_554_greeting_skips_to_next(instance):
    """The first server greets with 554; the fallback relay gets the
    mail."""
    with SMTPSink(replies={"greeting": "554 5.3.2 not now"}) as bad, \
            SMTPSink() as good:
        start(instance, "[127.0.0.1]:%d" % bad.port,
              smtp_fallback_relay="[127.0.0.1]:%d" % good.port)
        send(instance, "w@remote.example")
        msg = good.wait_messages(1)[0]
        assert msg.rcpts == ["w@remote.example"]
        assert bad.connections >= 1 and not bad.messages
        line = wait_lines(instance, r"to=<w@remote\.example>.*status=sent")[0]
        assert "relay=127.0.0.1[127.0.0.1]:%d" % good.port in line
        assert log_lines(instance, r"refused to talk to me: 554 5\.3\.2 "
                                   r"not now")


def test_connection_refused_defers(instance):
    """Nothing listens: deferred with Postfix's connect text."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    start(instance, "[127.0.0.1]:%d" % port)
    send(instance, "v@remote.example")
    line = wait_lines(instance, r"to=<v@remote\.example>.*deferred")[0]
    assert ("relay=none" in line and "status=deferred (connect to "
            "127.0.0.1[127.0.0.1]:%d: Connection refused)" % port in line), \
        line


def test_lock_step_without_pipelining(instance):
    """A server without PIPELINING gets one command at a time, no
    BODY= without 8BITMIME, and no DSN parameters without DSN."""
    with SMTPSink(features=["SIZE"]) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        send(instance, "a@remote.example", "b@remote.example")
        msg = sink.wait_messages(1)[0]
        assert not sink.sessions[0].pipelined
        assert "BODY" not in msg.mail_params
        assert "RET" not in msg.mail_params


def test_connection_reuse(instance):
    """Messages to one destination share a connection; the log shows
    conn_use=N."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_connection_cache_time_limit="10s")
        for i in range(4):
            send(instance, "r%d@remote.example" % i)
            sink.wait_messages(i + 1)
        wait_lines(instance, r"status=sent", 4)
        assert len(sink.messages) == 4
        assert sink.connections < 4, sink.connections
        assert log_lines(instance, r"relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d, "
                                   r"conn_use=2, delay=" % sink.port)


def test_timeout(instance):
    """A server that never answers MAIL FROM: deferred after
    smtp_mail_timeout, in Postfix's words."""
    with SMTPSink(hang="mail") as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_mail_timeout="2s")
        t0 = time.monotonic()
        send(instance, "t@remote.example")
        line = wait_lines(instance, r"to=<t@remote\.example>.*deferred")[0]
        assert ("conversation with 127.0.0.1[127.0.0.1] timed out while "
                "sending MAIL FROM" in line), line
        assert time.monotonic() - t0 < 30


def test_dsn_parameters(instance):
    """RET, ENVID, NOTIFY and ORCPT go to a server that offers DSN."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        send(instance, "-N", "success,failure", "-R", "hdrs", "-V",
             "env+id1", "d@remote.example")
        msg = sink.wait_messages(1)[0]
        assert msg.mail_params.get("RET") == "HDRS"
        assert msg.mail_params.get("ENVID") == "env+2Bid1"
        params = msg.rcpt_params["d@remote.example"]
        assert params.get("NOTIFY") == "SUCCESS,FAILURE"
        assert params.get("ORCPT") == "rfc822;d@remote.example"
        wait_lines(instance, r"to=<d@remote\.example>.*status=sent")


def test_lmtp_per_recipient_replies(instance):
    """lmtp: LHLO, and one reply per recipient after the dot."""
    if not os.path.exists(os.path.join(
            instance.installed.path("daemon_directory"), "lmtp")):
        pytest.skip("lmtp is not installed")
    with SMTPSink(lmtp=True, lmtp_replies={
            "full@remote.example": "452 4.2.2 mailbox full",
            "gone@remote.example": "550 5.1.1 no such mailbox"}) as sink:
        start(instance, "",
              default_transport="lmtp:inet:127.0.0.1:%d" % sink.port)
        send(instance, "ok@remote.example", "full@remote.example",
             "gone@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].hello_cmd == "LHLO"
        sent = wait_lines(instance, r"lmtp\[\d+\]: .*to=<ok@remote\.example>"
                                    r".*status=sent \(250 ")
        assert "relay=127.0.0.1[127.0.0.1]:%d" % sink.port in sent[0]
        full = wait_lines(instance, r"to=<full@remote\.example>.*deferred")[0]
        assert ("said: 452 4.2.2 mailbox full (in reply to end of DATA "
                "command)" in full), full
        gone = wait_lines(instance, r"to=<gone@remote\.example>.*bounced")[0]
        assert "dsn=5.1.1" in gone


def test_idle_connection_closed(instance):
    """A kept connection is closed after
    smtp_connection_cache_time_limit without a request."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_connection_cache_time_limit="1s")
        send(instance, "i@remote.example")
        sink.wait_messages(1)
        sink.wait_sessions_closed(1, timeout=15)
        assert "QUIT" in sink.sessions[0].verbs()
        assert "RSET" in sink.sessions[0].verbs()


def test_greeting_timeout(instance):
    """A server that never greets: deferred after smtp_helo_timeout."""
    with SMTPSink(hang="greeting") as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_helo_timeout="2s")
        send(instance, "g@remote.example")
        line = wait_lines(instance, r"to=<g@remote\.example>.*deferred")[0]
        assert ("status=deferred (conversation with 127.0.0.1[127.0.0.1] "
                "timed out while receiving the initial server greeting)"
                in line), line
        # The server was reached: relay= names it, as in Postfix.
        assert "relay=127.0.0.1[127.0.0.1]:%d," % sink.port in line


def test_8bitmime_passed_on(instance):
    """Mail received with BODY=8BITMIME leaves with BODY=8BITMIME."""
    import smtplib
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("smtpd is not installed")
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as c:
            c.ehlo("client.example.org")
            c.sendmail("sender@example.org", ["e@remote.example"],
                       "Subject: caf\u00e9\n\nna\u00efve\n".encode(),
                       mail_options=["BODY=8BITMIME"])
        msg = sink.wait_messages(1)[0]
        assert msg.mail_params.get("BODY") == "8BITMIME"
        assert "na\u00efve".encode() in msg.data


EIGHT_BIT_MIME = ("Subject: caf\u00e9\nMIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=utf-8\n"
                  "Content-Transfer-Encoding: 8bit\n\n"
                  "na\u00efve = yes\n").encode()


def submit_8bit(instance, rcpt):
    import smtplib
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as c:
        c.ehlo("client.example.org")
        c.sendmail("sender@example.org", [rcpt], EIGHT_BIT_MIME,
                   mail_options=["BODY=8BITMIME"])


@pytest.mark.parametrize("disable", ["no", "yes"])
def test_8bit_to_7bit_server(instance, disable):
    """A server without 8BITMIME gets quoted-printable (unless
    disable_mime_output_conversion = yes, then the content unchanged)."""
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("smtpd is not installed")
    with SMTPSink(features=["PIPELINING", "SIZE", "DSN"]) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              disable_mime_output_conversion=disable)
        submit_8bit(instance, "q@remote.example")
        msg = sink.wait_messages(1)[0]
        assert "BODY" not in msg.mail_params
        if disable == "no":
            assert (b"\r\nContent-Transfer-Encoding: quoted-printable\r\n"
                    in msg.data), msg.data
            assert b"\r\nna=C3=AFve =3D yes\r\n" in msg.data, msg.data
            assert not any(b > 127 for b in msg.data.split(b"\r\n\r\n", 1)[1])
        else:
            assert b"Content-Transfer-Encoding: 8bit\r\n" in msg.data
            assert "na\u00efve = yes".encode() in msg.data


def test_verify_probe(instance):
    """sendmail -bv: MAIL and RCPT only, no DATA; the log says
    deliverable / undeliverable with the server's reply."""
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "bounce")):
        pytest.skip("bounce is not installed")
    with SMTPSink(rcpt_replies={"nobody@remote.example":
                                "550 5.1.1 no such user"}) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port)
        proc = instance.sendmail("-bv", "-f", "sender@example.org",
                                 "yes@remote.example",
                                 "nobody@remote.example")
        assert proc.returncode == 0, proc.stderr
        ok = wait_lines(instance, r"to=<yes@remote\.example>.*"
                                  r"status=deliverable \(250 ")[0]
        assert "relay=127.0.0.1[127.0.0.1]:%d" % sink.port in ok
        bad = wait_lines(instance, r"to=<nobody@remote\.example>.*"
                                   r"status=undeliverable")[0]
        assert "550 5.1.1 no such user" in bad
        # The only content that goes out is the report to the sender.
        for tx in sink.transactions():
            if tx.data is not None:
                assert tx.rcpts == ["sender@example.org"], tx


def test_many_recipients_pipelined(instance):
    """250 recipients in one transaction: more than the pipelining
    window, all delivered in one session."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              default_destination_recipient_limit="500")
        rcpts = ["m%03d@remote.example" % i for i in range(250)]
        send(instance, *rcpts)
        msg = sink.wait_messages(1)[0]
        assert sorted(msg.rcpts) == rcpts
        assert sink.connections == 1
        wait_lines(instance, r"status=sent", 250)


def test_bind_address(instance):
    """smtp_bind_address chooses the source address."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_bind_address="127.0.0.2")
        send(instance, "s@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].peer[0] == "127.0.0.2"


def test_lmtp_bad_bind_address_warning(instance):
    """The warning about an unusable source address names the LMTP
    parameter, lmtp_bind_address, for the lmtp client."""
    if not os.path.exists(os.path.join(
            instance.installed.path("daemon_directory"), "lmtp")):
        pytest.skip("lmtp is not installed")
    with SMTPSink(lmtp=True) as sink:
        start(instance, "",
              default_transport="lmtp:inet:127.0.0.1:%d" % sink.port,
              lmtp_bind_address="::1")
        send(instance, "b@remote.example")
        sink.wait_messages(1)
        line = wait_lines(instance, r"warning: .*bad source address")[0]
        assert "lmtp_bind_address: bad source address for IPv4 " \
            'connections: "::1"' in line, line


def test_all_servers_5xx_greeting_bounces(instance):
    """Every server greets with 5xx: bounced, not deferred."""
    with SMTPSink(replies={"greeting": "554 5.7.1 go away"}) as a, \
            SMTPSink(replies={"greeting": "521 5.3.2 closed"}) as b:
        start(instance, "[127.0.0.1]:%d" % a.port,
              smtp_fallback_relay="[127.0.0.1]:%d" % b.port)
        send(instance, "p@remote.example")
        line = wait_lines(instance, r"to=<p@remote\.example>.*bounced")[0]
        assert "dsn=5.3.2" in line
        assert ("host 127.0.0.1[127.0.0.1] refused to talk to me: 521 5.3.2 "
                "closed" in line), line
        assert a.connections >= 1 and b.connections >= 1


def test_helo_fallback(instance):
    """EHLO refused: HELO, and then no ESMTP parameters; smtp_helo_name
    is the name given."""
    with SMTPSink(replies={"ehlo": "502 5.5.2 what?"}) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_helo_name="client.test.example")
        send(instance, "h@remote.example")
        msg = sink.wait_messages(1)[0]
        session = sink.sessions[0]
        assert session.verbs()[:2] == ["EHLO", "HELO"], session.verbs()
        assert session.helo == "client.test.example"
        assert msg.mail_params == {}
        assert not session.pipelined


def test_reuse_count_limit(instance):
    """smtp_connection_reuse_count_limit = 2: a connection carries at
    most two transactions."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_connection_cache_time_limit="10s",
              smtp_connection_reuse_count_limit="2")
        for i in range(4):
            send(instance, "c%d@remote.example" % i)
            sink.wait_messages(i + 1)
        wait_lines(instance, r"status=sent", 4)
        for s in sink.sessions:
            assert len(s.transactions) <= 2, sink.summary()
        assert sink.connections == 2, sink.summary()
        assert not log_lines(instance, r"conn_use=3")


@pytest.mark.parametrize("listed", [False, True])
def test_cache_destinations(instance, listed):
    """smtp_connection_cache_on_demand = no: connections are kept only
    for the next hops in smtp_connection_cache_destinations."""
    with SMTPSink() as sink:
        relay = "[127.0.0.1]:%d" % sink.port
        start(instance, relay,
              smtp_connection_cache_on_demand="no",
              smtp_connection_cache_time_limit="10s",
              smtp_connection_cache_destinations=relay if listed else "")
        for i in range(3):
            send(instance, "k%d@remote.example" % i)
            sink.wait_messages(i + 1)
        wait_lines(instance, r"status=sent", 3)
        if listed:
            assert sink.connections == 1, sink.summary()
        else:
            assert sink.connections == 3, sink.summary()
            assert "RSET" not in sink.sessions[0].verbs()
