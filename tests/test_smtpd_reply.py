"""test_smtpd_reply.py - reject footers, permit logging, request deadlines

smtpd_reject_footer and smtpd_reject_footer_maps (postconf(5): a footer
after every 4XX/5XX reply, "\\c" to stay on the same line, "\\n" for
more lines that repeat the reply and enhanced status codes, $name for
client_address, client_port, localtime and server_name; not logged),
smtpd_log_access_permit_actions ("permit: ... action=NAME for ..."
log lines), and smtpd_per_request_deadline with smtpd_min_data_rate (a
whole request must arrive within smtpd_timeout; message content buys
time at the minimum rate).
"""

import os
import re
import time

import pytest

from test_smtpd_proto import Client, connect, require

HOST = "host.example.com"


def start(instance, files=None, **main_cf):
    require()
    for name, text in (files or {}).items():
        with open(os.path.join(instance.etc, name), "w") as f:
            f.write(text)
    settings = dict(local_recipient_maps="", mynetworks="127.0.0.2/32",
                    smtpd_relay_restrictions="permit_mynetworks, "
                    "reject_unauth_destination")
    settings.update({k: v.replace("{etc}", instance.etc)
                     for k, v in main_cf.items()})
    instance.mail_system(**settings)


def relay_reply(instance):
    """The reply to a relay attempt (every line), after EHLO and MAIL."""
    c = connect(instance)
    try:
        c.cmd("EHLO client.example")
        assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
        c.send("RCPT TO:<x@elsewhere.example>\r\n")
        lines = c.reply()
        assert c.cmd("NOOP").startswith("250")       # session goes on
        c.cmd("QUIT")
        return lines
    finally:
        c.close()


# ------------------------------------------------------------ footers

def test_footer_same_line_with_attributes(instance):
    start(instance, smtpd_reject_footer="\\c. Call 555-0101 with time "
          "($localtime), client (${client_address}) and server "
          "($(server_name)).")
    lines = relay_reply(instance)
    assert len(lines) == 1, lines
    m = re.fullmatch(r"554 5\.7\.1 <x@elsewhere\.example>: Relay access "
                     r"denied\. Call 555-0101 with time \(([A-Z][a-z]{2} "
                     r"[ 0-9]\d \d\d:\d\d:\d\d)\), client \(127\.0\.0\.1\) "
                     r"and server \(host\.example\.com\)\.", lines[0])
    assert m, lines
    # The footer is for the client only: the log has the plain reply.
    instance.wait_log("Relay access denied; from=<a@example.org>")
    assert "555-0101" not in instance.log()


def test_footer_own_lines(instance):
    start(instance, smtpd_reject_footer="Problems? Port $client_port\\n"
          "costs $$5 to $server_name")
    lines = relay_reply(instance)
    assert len(lines) == 3, lines
    assert lines[0] == ("554-5.7.1 <x@elsewhere.example>: Relay access "
                        "denied")
    assert re.fullmatch(r"554-5\.7\.1 Problems\? Port \d+", lines[1]), lines
    assert lines[2] == "554 5.7.1 costs $5 to host.example.com", lines


def test_footer_not_on_success_and_codes_without_dsn(instance):
    start(instance, smtpd_reject_footer="\\c (see footer)")
    c = connect(instance)
    try:
        assert c.cmd("EHLO client.example") != ""
        assert c.cmd("NOOP") == "250 2.0.0 Ok"
        assert c.cmd("BOGUS") == ("502 5.5.2 Error: command not "
                                  "recognized (see footer)")
        c.cmd("QUIT")
    finally:
        c.close()


def test_footer_maps_by_reply(instance):
    start(instance,
          files={"footers": "/Relay access denied/ \\c; see "
                            "https://relay.example/$$client_address\n"},
          smtpd_reject_footer="\\c (generic)",
          smtpd_reject_footer_maps="regexp:{etc}/footers")
    lines = relay_reply(instance)
    assert lines == ["554 5.7.1 <x@elsewhere.example>: Relay access "
                     "denied; see https://relay.example/127.0.0.1"], lines
    c = connect(instance)
    try:
        assert c.cmd("BOGUS").endswith("not recognized (generic)")
    finally:
        c.close()


# ------------------------------------------------------------ permit logs

def test_log_access_permit_actions(instance):
    start(instance, files={"senders": "ok@x.example OK\n"},
          mynetworks="127.0.0.0/8",
          smtpd_log_access_permit_actions="permit_mynetworks, OK",
          smtpd_sender_restrictions="check_sender_access "
          "texthash:{etc}/senders",
          smtpd_recipient_restrictions="permit_mynetworks, "
          "reject_unauth_destination")
    c = connect(instance)
    try:
        c.cmd("EHLO client.example")
        assert c.cmd("MAIL FROM:<ok@x.example>").startswith("250")
        assert c.cmd("RCPT TO:<r@elsewhere.example>").startswith("250")
        c.cmd("QUIT")
    finally:
        c.close()
    instance.wait_log("NOQUEUE: permit: RCPT from localhost[127.0.0.1]: "
                      "action=OK for Sender address=ok@x.example from "
                      "texthash:%s/senders; from=<ok@x.example> "
                      "to=<r@elsewhere.example> proto=ESMTP "
                      "helo=<client.example>" % instance.etc)
    instance.wait_log("NOQUEUE: permit: RCPT from localhost[127.0.0.1]: "
                      "action=permit_mynetworks for Client "
                      "host=localhost[127.0.0.1]; from=<ok@x.example> "
                      "to=<r@elsewhere.example>")


def test_permit_actions_not_logged_by_default(instance):
    start(instance, mynetworks="127.0.0.0/8",
          smtpd_recipient_restrictions="permit_mynetworks, "
          "reject_unauth_destination")
    c = connect(instance)
    try:
        c.cmd("EHLO client.example")
        c.cmd("MAIL FROM:<a@x.example>")
        assert c.cmd("RCPT TO:<r@elsewhere.example>").startswith("250")
        c.cmd("QUIT")
    finally:
        c.close()
    instance.wait_log("disconnect from localhost[127.0.0.1]")
    assert ": permit: " not in instance.log()


# ------------------------------------------------------------ deadlines

def trickle(c, data, gap):
    for ch in data:
        try:
            c.send(ch)
        except OSError:
            return False
        time.sleep(gap)
    return True


@pytest.mark.parametrize("deadline", ["yes", "no"])
def test_per_request_deadline(instance, deadline):
    """One byte every 0.4 s: each read is quick, the request is not."""
    start(instance, smtpd_timeout="2s", smtpd_per_request_deadline=deadline)
    c = connect(instance)
    try:
        c.sock.settimeout(15)
        assert c.cmd("EHLO client.example") != ""
        t0 = time.monotonic()
        trickle(c, "HELO slowcli", 0.4)
        if deadline == "yes":
            # Gone after ~2 s, well before the 12 bytes were sent.
            reply = c.reply()
            assert reply == ["421 4.4.2 %s Error: timeout exceeded" % HOST]
            assert time.monotonic() - t0 < 4.5
            instance.wait_log("timeout after EHLO from localhost[127.0.0.1]")
        else:
            assert c.cmd("ent.example").startswith("250 "), \
                instance.log()
            assert "timeout after" not in instance.log()
    finally:
        c.close()


def send_slow_data(instance, chunks, gap):
    c = connect(instance)
    c.sock.settimeout(20)
    try:
        c.cmd("EHLO client.example")
        assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert c.cmd("RCPT TO:<r@%s>" % HOST).startswith("250")
        assert c.cmd("DATA").startswith("354")
        c.send("Subject: slow\r\n\r\n")
        for _ in range(chunks):
            try:
                c.send(("x" * 998 + "\r\n") * 2)
            except OSError:
                break
            time.sleep(gap)
        try:
            c.send(".\r\n")
            return c.reply()[-1]
        except (OSError, EOFError) as e:
            return "closed: %s" % e
    finally:
        c.close()


def test_min_data_rate_keeps_fast_enough_client(instance):
    """2000 bytes every 0.5 s = 4000 bytes/s > 500: the deadline keeps
    moving (never beyond smtpd_timeout from now), DATA takes 4 s > 2 s."""
    start(instance, smtpd_timeout="2s", smtpd_per_request_deadline="yes",
          smtpd_min_data_rate="500")
    reply = send_slow_data(instance, 8, 0.5)
    assert reply.startswith("250 2.0.0 Ok: queued as"), reply


def test_min_data_rate_drops_slow_client(instance):
    start(instance, smtpd_timeout="2s", smtpd_per_request_deadline="yes",
          smtpd_min_data_rate="100000")
    reply = send_slow_data(instance, 8, 0.5)
    assert not reply.startswith("250"), reply
    instance.wait_log("timeout after DATA (")
