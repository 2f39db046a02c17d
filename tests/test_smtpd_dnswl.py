"""test_smtpd_dnswl.py - permit_dnswl_client / permit_rhswl_client safety

postconf(5): an allowlisted client is no licence to relay. When these
restrictions are evaluated for a recipient, they permit only what
permit_auth_destination would, so "permit_dnswl_client zone,
reject_unauth_destination" still refuses relaying. And an allowlist
that cannot be asked (SERVFAIL) does not permit; a later reject of the
same request becomes "450 4.7.1 <addr>: Client host rejected: Service
unavailable" (defer_if_reject), because the client might have been
listed. The DNS is tests/dnsserver.py; nothing reaches the Internet.
"""

import smtplib

import pytest

from dnsserver import DNSServer, ptr_name

ZONE = [
    ("1.0.0.127.wl.example", "A", "127.0.0.5"),
    (ptr_name("127.0.0.1"), "PTR", "client.wltest.example"),
    ("client.wltest.example", "A", "127.0.0.1"),
    ("client.wltest.example.rhswl.example", "A", "127.0.0.2"),
    ("localhost.rhswl.example", "A", "127.0.0.2"),
]
FORCED = {"1.0.0.127.failwl.example": "SERVFAIL"}
LOCAL = "user@host.example.com"
REMOTE = "user@elsewhere.example"


@pytest.fixture
def dns():
    with DNSServer(ZONE, forced=FORCED) as server:
        yield server


def start(instance, dns, **main_cf):
    instance.use_dns(dns.addr)
    settings = dict(local_recipient_maps="", smtpd_error_sleep_time="0s",
                    mynetworks="127.0.0.2/32")
    settings.update(main_cf)
    found = instance.mail_system(**settings)
    if "smtpd" not in found:
        pytest.skip("smtpd is not installed yet")


def rcpt_replies(instance, *rcpts):
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    try:
        assert s.ehlo("client.example")[0] == 250
        assert s.mail("a@example.org")[0] == 250
        out = []
        for rcpt in rcpts:
            code, text = s.rcpt(rcpt)
            out.append("%d %s" % (code, text.decode()))
        return out
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            pass


@pytest.mark.parametrize("param", ["smtpd_relay_restrictions",
                                   "smtpd_recipient_restrictions"])
@pytest.mark.parametrize("restriction", ["permit_dnswl_client wl.example",
                                         "permit_rhswl_client rhswl.example"])
def test_allowlist_does_not_open_relay(instance, dns, param, restriction):
    settings = {param: restriction + ", reject_unauth_destination"}
    if param == "smtpd_recipient_restrictions":
        settings["smtpd_relay_restrictions"] = ""
    start(instance, dns, **settings)
    local, remote = rcpt_replies(instance, LOCAL, REMOTE)
    assert local.startswith("250"), local
    assert remote == ("554 5.7.1 <%s>: Relay access denied" % REMOTE), remote


@pytest.mark.parametrize("restriction", ["permit_dnswl_client wl.example",
                                         "permit_rhswl_client rhswl.example"])
def test_allowlist_still_permits_over_reject(instance, dns, restriction):
    """For our own domains the listed client is permitted past a
    reject that follows (so the safety check does not disable it, and
    both lists do list the test client)."""
    start(instance, dns, smtpd_recipient_restrictions=restriction
          + ", reject")
    assert rcpt_replies(instance, LOCAL)[0].startswith("250")


def test_not_listed_is_rejected(instance, dns):
    start(instance, dns, smtpd_recipient_restrictions="permit_dnswl_client "
          "other.example, reject")
    assert rcpt_replies(instance, LOCAL)[0] == (
        "554 5.7.1 <%s>: Recipient address rejected: Access denied" % LOCAL)


def test_lookup_failure_defers_a_reject(instance, dns):
    start(instance, dns, smtpd_recipient_restrictions="permit_dnswl_client "
          "failwl.example, reject")
    reply = rcpt_replies(instance, LOCAL)[0]
    assert reply == ("450 4.7.1 <127.0.0.1>: Client host rejected: Service "
                     "unavailable"), reply
    instance.wait_log("reject: RCPT from ")


def test_lookup_failure_does_not_block_a_permit(instance, dns):
    start(instance, dns, smtpd_recipient_restrictions="permit_dnswl_client "
          "failwl.example, permit")
    assert rcpt_replies(instance, LOCAL)[0].startswith("250")
