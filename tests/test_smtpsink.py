"""test_smtpsink.py - self-test of tests/smtpsink.py with smtplib

No mail system is involved: Python's smtplib (and a raw socket where
smtplib cannot show a behaviour, such as pipelining) talks to the sink
and the test checks what the sink recorded and answered.
"""

import os
import smtplib
import socket
import tempfile
import time

import pytest

from smtpsink import SMTPSink

MSG = (b"From: a@example.com\r\nTo: b@example.net\r\nSubject: hello\r\n"
       b"\r\n.leading dot\r\ncaf\xc3\xa9 8-bit\r\n")


def test_plain_delivery_is_recorded():
    with SMTPSink() as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            c.ehlo("client.example")
            assert c.has_extn("pipelining") and c.has_extn("8bitmime")
            assert c.esmtp_features.get("size") == "10240000"
            refused = c.sendmail("a@example.com", ["b@example.net"], MSG,
                                 mail_options=["BODY=8BITMIME"],
                                 rcpt_options=["NOTIFY=SUCCESS,FAILURE"])
            assert refused == {}
        msg = sink.wait_messages(1)[0]
        assert msg.mail_from == "a@example.com"
        assert msg.mail_params["BODY"] == "8BITMIME"
        assert msg.rcpts == ["b@example.net"]
        assert msg.rcpt_params["b@example.net"] == {
            "NOTIFY": "SUCCESS,FAILURE"}
        assert msg.data == MSG          # dot-unstuffed, bytes intact
        assert sink.connections == 1
        sink.wait_sessions_closed(1)
        s = sink.sessions[0]
        assert (s.hello_cmd, s.helo) == ("EHLO", "client.example")
        assert s.verbs() == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]


def test_per_recipient_and_stage_replies():
    with SMTPSink(rcpt_replies={"Bad@x": "550 5.1.1 no such user",
                                "later@x": "451 4.3.0 try later"},
                  replies={"eod": "552 5.3.4 too big for you"}) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            with pytest.raises(smtplib.SMTPDataError) as e:
                c.sendmail("a@x", ["good@x", "bad@x", "later@x"], MSG)
            assert e.value.smtp_code == 552
        txs = sink.transactions()
        assert len(txs) == 1 and sink.messages == []
        assert txs[0].rcpts == ["good@x"]
        assert dict(txs[0].rcpt_replies)["bad@x"].startswith("550 5.1.1")
        assert dict(txs[0].rcpt_replies)["later@x"].startswith("451 4.3.0")
        assert txs[0].replies == ["552 5.3.4 too big for you"]


def test_reply_lists_are_used_in_turn():
    with SMTPSink(replies={"mail": ["451 4.3.0 busy",
                                    "250 2.1.0 Ok"]}) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            with pytest.raises(smtplib.SMTPSenderRefused):
                c.sendmail("a@x", ["b@x"], MSG)
            c.rset()
            assert c.sendmail("a@x", ["b@x"], MSG) == {}
            assert c.sendmail("a@x", ["b@x"], MSG) == {}
        assert len(sink.wait_messages(2)) == 2


def test_greeting_refused():
    with SMTPSink(replies={"greeting": "554 5.3.2 go away"}) as sink:
        with pytest.raises(smtplib.SMTPConnectError) as e:
            smtplib.SMTP("127.0.0.1", sink.port, timeout=10)
        assert e.value.smtp_code == 554
        assert sink.connections == 1


def test_features_can_be_turned_off():
    with SMTPSink(features=["SIZE"], size_limit=100) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            c.ehlo()
            assert not c.has_extn("pipelining")
            assert not c.has_extn("8bitmime") and not c.has_extn("dsn")
            assert c.esmtp_features["size"] == "100"
            code, _text = c.mail("a@x", ["SIZE=1000"])
            assert code == 552


def raw_session(port, data, timeout=10):
    """Send data at once, read until the server closes; the replies."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        out += s.recv(4096)
        s.sendall(data)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out.decode()


def test_pipelining_is_detected():
    with SMTPSink() as sink:
        replies = raw_session(sink.port,
                              b"EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n"
                              b"DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n")
        assert "354" in replies and "221" in replies
        sink.wait_sessions_closed(1)
        s = sink.sessions[0]
        assert s.pipelined
        # The last command had nothing behind it.
        assert s.commands[-1] == ("QUIT", False)
        assert sink.messages[0].data == b"Subject: x\r\n\r\nhi\r\n"

    with SMTPSink() as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            c.sendmail("a@x", ["b@x"], MSG)
        sink.wait_sessions_closed(1)
        assert not sink.sessions[0].pipelined   # smtplib waits each time


def test_disconnect_mid_data():
    with SMTPSink(disconnect="mid-data") as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            with pytest.raises((smtplib.SMTPServerDisconnected, OSError)):
                c.sendmail("a@x", ["b@x"], MSG * 1000)
        sink.wait_sessions_closed(1)
        assert sink.messages == []
        assert sink.transactions()[0].data is None


def test_hang_never_answers():
    with SMTPSink(hang="greeting") as sink:
        start = time.monotonic()
        with pytest.raises((socket.timeout, smtplib.SMTPServerDisconnected)):
            smtplib.SMTP("127.0.0.1", sink.port, timeout=1)
        assert time.monotonic() - start < 5
    with SMTPSink(hang="eod") as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=1) as c:
            with pytest.raises((socket.timeout,
                                smtplib.SMTPServerDisconnected)):
                c.sendmail("a@x", ["b@x"], MSG)


def test_lmtp_over_unix_socket_replies_per_recipient():
    d = tempfile.mkdtemp(prefix="sink-")
    path = os.path.join(d, "lmtp")
    try:
        with SMTPSink(unix_path=path, lmtp=True,
                      lmtp_replies={"b@x": "452 4.2.2 mailbox full",
                                    "c@x": "550 5.1.1 unknown"}) as sink:
            assert os.stat(path).st_mode & 0o777 == 0o777
            c = smtplib.LMTP(path, timeout=10)
            try:
                code, _ = c.docmd("EHLO", "c")  # EHLO is not LMTP
                assert code == 500
                code, _ = c.ehlo("c")           # smtplib.LMTP sends LHLO
                assert code == 250 and c.has_extn("pipelining")
            finally:
                c.quit()
            # smtplib reads one reply after the dot: use a raw session.
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(path)
            f = s.makefile("rwb")
            try:
                assert f.readline().startswith(b"220 ")
                f.write(b"LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\n"
                        b"RCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n")
                f.flush()
                lines = [f.readline() for _ in range(7 + 5)]
                assert lines[6].startswith(b"250 ") and lines[5][3:4] == b"-"
                assert lines[-1].startswith(b"354 ")
                f.write(MSG.replace(b"\r\n.", b"\r\n..") + b".\r\n")
                f.flush()
                after = [f.readline().decode() for _ in range(3)]
                assert after[0].startswith("250 ")
                assert after[1] == "452 4.2.2 mailbox full\r\n"
                assert after[2] == "550 5.1.1 unknown\r\n"
                f.write(b"QUIT\r\n")
                f.flush()
                assert f.readline().startswith(b"221 ")
            finally:
                f.close()
                s.close()
            tx = sink.wait_messages(1)[0]
            assert tx.rcpts == ["a@x", "b@x", "c@x"]
            assert tx.results["a@x"].startswith("250")
            assert len(tx.replies) == 3
            assert tx.data == MSG
            sink.wait_sessions_closed(2)
            assert sink.sessions[1].hello_cmd == "LHLO"
            assert sink.sessions[1].pipelined
        assert not os.path.exists(path)
    finally:
        os.rmdir(d)


def test_bounds():
    with SMTPSink(max_message=1000, max_connections=1) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as c:
            # a second connection while the first is open is closed at once
            with pytest.raises((smtplib.SMTPServerDisconnected, OSError)):
                smtplib.SMTP("127.0.0.1", sink.port, timeout=5)
            with pytest.raises(smtplib.SMTPDataError) as e:
                c.sendmail("a@x", ["b@x"], b"x" * 2000 + b"\r\n")
            assert e.value.smtp_code == 552
            code, _ = c.docmd("X" * 5000)
            assert code == 500
            code, _ = c.noop()
            assert code == 250
        assert sink.refused == 1 and sink.messages == []
