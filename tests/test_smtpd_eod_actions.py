"""test_smtpd_eod_actions.py - FILTER and REDIRECT decided at end of data

smtpd_end_of_data_restrictions (and a policy server asked at
END-OF-MESSAGE) may answer FILTER or REDIRECT after the content has
gone to cleanup(8). smtpd then sends them after the content, and cleanup
writes them into the queue file's extracted section, where they win over
what earlier stages (and header_checks) decided: the queue file (postcat)
shows them after the body, and delivery follows the redirection.
"""

import os
import smtplib

import pytest

from conftest import wait_until
from test_cleanup import postcat
from test_smtpd_policy import PolicyServer
from test_smtpd_proto import mbox, spool  # noqa: F401 (fixture)

HOST = "host.example.com"


def start(instance, files=None, **main_cf):
    for name, text in (files or {}).items():
        with open(os.path.join(instance.etc, name), "w") as f:
            f.write(text)
    settings = dict(local_recipient_maps="")
    settings.update({k: v.replace("{etc}", instance.etc)
                     for k, v in main_cf.items()})
    found = instance.mail_system(**settings)
    for prog in ("smtpd", "cleanup", "trivial-rewrite"):
        if prog not in found:
            pytest.skip("%s is not installed" % prog)


def send(instance, sender, rcpt, body="Subject: eod\n\nbody line\n"):
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    try:
        s.ehlo("client.example.com")
        s.mail(sender)
        code, msg = s.rcpt(rcpt)
        assert code == 250, msg
        code, msg = s.data(body)
        assert code == 250, msg
        return msg.decode().split()[-1]
    finally:
        s.quit()


def held(instance, queue_id):
    wait_until(lambda: any(queue_id in path for path in
                           instance.queue_files("hold")),
               10, "%s in the hold queue" % queue_id)


def test_eod_filter_wins_in_extracted_section(instance):
    """FILTER at RCPT goes with the envelope; FILTER at end of data goes
    after the body and is the one qmgr takes (the last one)."""
    start(instance,
          files={"eod": "eod@x.example FILTER scan:[127.0.0.1]:10026\n",
                 "early": "eod@x.example FILTER early:[127.0.0.1]:10025\n",
                 "hold": "eod@x.example HOLD\n"},
          smtpd_recipient_restrictions="check_sender_access "
          "texthash:{etc}/early, permit_mynetworks, "
          "reject_unauth_destination",
          smtpd_end_of_data_restrictions="check_sender_access "
          "texthash:{etc}/eod, check_sender_access texthash:{etc}/hold")
    queue_id = send(instance, "eod@x.example", "root@" + HOST)
    held(instance, queue_id)
    text = postcat(instance, queue_id)
    early = text.index("named_attribute: content_filter=early:[127.0.0.1]:"
                       "10025")
    late = text.index("named_attribute: content_filter=scan:[127.0.0.1]:"
                      "10026")
    body = text.index("body line")
    assert early < body < late, text
    instance.wait_log("filter: END-OF-MESSAGE from localhost[127.0.0.1]: "
                      "<eod@x.example>: Sender address triggers FILTER "
                      "scan:[127.0.0.1]:10026")


def test_eod_nothing_decided_nothing_after_body(instance):
    """Without an end-of-data FILTER, the DATA-stage one stays in the
    envelope only."""
    start(instance,
          files={"early": "a@x.example FILTER early:[127.0.0.1]:10025\n"},
          smtpd_data_restrictions="check_sender_access "
          "texthash:{etc}/early",
          smtpd_end_of_data_restrictions="check_sender_access "
          "inline:{a@x.example=HOLD}")
    queue_id = send(instance, "a@x.example", "root@" + HOST)
    held(instance, queue_id)
    text = postcat(instance, queue_id)
    assert text.count("content_filter=") == 1, text
    assert text.index("content_filter=early") < text.index("body line")


def test_eod_redirect_is_delivered(instance, spool):  # noqa: F811
    """REDIRECT at end of data: the message goes to the new address."""
    start(instance, mail_spool_directory=spool,
          files={"redirect": "r@x.example REDIRECT pftest1@%s\n" % HOST},
          smtpd_end_of_data_restrictions="check_sender_access "
          "texthash:{etc}/redirect")
    queue_id = send(instance, "r@x.example", "nosuchuser@" + HOST,
                    body="Subject: redirected\n\nredirect body\n")
    data = mbox(spool, b"redirect body")
    assert b"Subject: redirected" in data
    instance.wait_log("%s: to=<pftest1@%s>, orig_to=<nosuchuser@%s>"
                      % (queue_id, HOST, HOST))
    assert "%s: to=<nosuchuser@" % queue_id not in instance.log()


def test_policy_filter_at_end_of_message(instance):
    start(instance, smtpd_end_of_data_restrictions="check_policy_service "
          "inet:127.0.0.1:%d, check_sender_access inline:{p@x.example=HOLD}"
          % instance.ports[1])
    server = PolicyServer(instance.ports[1])
    server.ACTIONS = dict(server.ACTIONS,
                          eodfilter="FILTER pol:[127.0.0.1]:10027")
    try:
        queue_id = send(instance, "p@x.example", "eodfilter@" + HOST)
        held(instance, queue_id)
    finally:
        server.stop()
    states = [r["protocol_state"] for _, r in server.requests]
    assert states == ["END-OF-MESSAGE"], server.requests
    text = postcat(instance, queue_id)
    assert text.index("body line") < text.index(
        "named_attribute: content_filter=pol:[127.0.0.1]:10027"), text
