"""test_smtpd_dns.py - smtpd's DNS-based restrictions against a test DNS

Each test starts tests/dnsserver.py on a loopback address of its own,
points the instance's resolver at it (instance.use_dns), starts a mail
system with the restriction under test and talks SMTP to it. Every
check has a passing and a failing case; a SERVFAIL or a timeout must
give a 4xx or no decision, never a 5xx. Nothing here reaches the
Internet.
"""

import os
import smtplib
import socket
import time

import pytest

from dnsserver import DNSServer, ptr_name

HERE = os.path.dirname(os.path.abspath(__file__))

# Names and addresses of the test zone.
ZONE = [
    # A DNSBL listing 127.0.0.1 (the test client) with a reason.
    ("1.0.0.127.bl.example", "A", "127.0.0.2"),
    ("1.0.0.127.bl.example", "TXT", "listed for testing"),
    ("1.0.0.127.notxt.example", "A", "127.0.0.4"),
    # An RHSBL listing bad.example.
    ("bad.example.rhsbl.example", "A", "127.0.0.2"),
    ("bad.example.rhsbl.example", "TXT", "bad domain"),
    # A DNSWL listing 127.0.0.1.
    ("1.0.0.127.wl.example", "A", "127.0.0.5"),
    # Domains with and without mail service.
    ("good.example", "MX", (10, "mx.good.example")),
    ("mx.good.example", "A", "127.0.0.20"),
    ("bad.example", "MX", (10, "mx.bad.example")),
    ("mx.bad.example", "A", "127.0.0.66"),
    ("bad.example", "NS", "ns.bad.example"),
    ("ns.bad.example", "A", "127.0.0.67"),
    ("aonly.example", "A", "127.0.0.30"),
    ("nullmx.example", "MX", (0, "")),
    ("noaddr.example", "TXT", "exists, but no MX or address"),
    ("helo.example", "A", "127.0.0.40"),
    ("mxhelo.example", "MX", (10, "mx.good.example")),
]

FORCED = {
    "servfail.example": "SERVFAIL",
    "refused.example": "REFUSED",
    "timeout.example": "TIMEOUT",
    "1.0.0.127.failbl.example": "SERVFAIL",
    "1.0.0.127.slowbl.example": "TIMEOUT",
    "1.0.0.127.failwl.example": "SERVFAIL",
}

RCPT = "user@host.example.com"


@pytest.fixture
def dns():
    with DNSServer(ZONE, forced=FORCED) as server:
        yield server


def start(instance, dns, **main_cf):
    """Start the mail system resolving through dns; skip without smtpd."""
    instance.use_dns(dns.addr)
    settings = dict(local_recipient_maps="", smtpd_error_sleep_time="0s")
    settings.update(main_cf)
    found = instance.mail_system(**settings)
    if "smtpd" not in found:
        pytest.skip("smtpd is not installed yet")


def connect(instance, source=None, helo="client.example"):
    """An SMTP session to the instance's smtpd, after EHLO."""
    kwargs = {}
    if source:
        kwargs["source_address"] = (source, 0)
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30, **kwargs)
    code, _msg = s.ehlo(helo)
    assert code == 250
    return s


def transaction(instance, sender="sender@good.example", rcpt=RCPT,
                helo="client.example", source=None):
    """MAIL FROM and RCPT TO; returns (mail reply, rcpt reply) as
    (code, text) with the text decoded."""
    s = connect(instance, source=source, helo=helo)
    try:
        mail = s.mail(sender)
        rcpt_reply = s.rcpt(rcpt) if mail[0] == 250 else (None, b"")
        return ((mail[0], mail[1].decode()),
                (rcpt_reply[0], rcpt_reply[1].decode()))
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            pass


def rcpt_reply(instance, **kwargs):
    """"CODE TEXT" of RCPT TO (or of MAIL FROM when that failed)."""
    mail, rcpt = transaction(instance, **kwargs)
    if mail[0] != 250:
        return "%d %s" % mail
    return "%d %s" % rcpt


# ------------------------------------------------------------ DNSBL


def test_rbl_client_listed(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "bl.example")
    assert rcpt_reply(instance) == (
        "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked "
        "using bl.example; listed for testing")
    assert ("1.0.0.127.bl.example", "A") in dns.queries()
    instance.wait_log("NOQUEUE: reject: RCPT from")
    assert "blocked using bl.example" in instance.log()


def test_rbl_client_not_listed(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "other.example")
    assert rcpt_reply(instance).startswith("250")
    assert ("1.0.0.127.other.example", "A") in dns.queries()


def test_rbl_asked_once_per_session(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "other.example")
    s = connect(instance)
    try:
        assert s.mail("s@good.example")[0] == 250
        for n in range(3):
            assert s.rcpt("user%d@host.example.com" % n)[0] == 250
    finally:
        s.quit()
    assert dns.queries().count(("1.0.0.127.other.example", "A")) == 1
    # The next session asks again.
    assert rcpt_reply(instance).startswith("250")
    assert dns.queries().count(("1.0.0.127.other.example", "A")) == 2


@pytest.mark.parametrize("zone,listed", [
    ("bl.example=127.0.0.2", True),
    ("bl.example=127.0.0.[1;2]", True),
    ("bl.example=127.0.[0..1].[2..11]", True),
    ("bl.example=127.0.0.[3..11]", False),
    ("bl.example=127.0.0.3", False),
])
def test_rbl_reply_filter(instance, dns, zone, listed):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          + zone)
    reply = rcpt_reply(instance)
    if listed:
        assert reply.startswith("554 5.7.1 Service unavailable; Client "
                                "host [127.0.0.1] blocked using "
                                "bl.example;"), reply
    else:
        assert reply.startswith("250"), reply


def test_rbl_reply_maps_and_code(instance, dns):
    table = os.path.join(instance.base, "rbl_reply")
    with open(table, "w") as f:
        f.write("bl.example $rbl_code 5.7.9 Go away, $rbl_what "
                "(${rbl_reason}) helo=$helo_name\n")
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "bl.example, reject_rbl_client bl2.example",
          rbl_reply_maps="texthash:" + table, maps_rbl_reject_code="550")
    assert rcpt_reply(instance, helo="me.example") == (
        "550 5.7.9 Go away, 127.0.0.1 (listed for testing) "
        "helo=me.example")


def test_rbl_without_txt(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "notxt.example")
    assert rcpt_reply(instance) == (
        "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked "
        "using notxt.example")


def test_rbl_bad_filter_is_temporary(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "bl.example=127.0.[0..1]")
    assert rcpt_reply(instance).startswith("451 4.3.5")
    instance.wait_log("bad DNSxL reply filter syntax")


def test_rbl_default_reply_code(instance, dns):
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          "bl.example", maps_rbl_reject_code="450")
    assert rcpt_reply(instance).startswith(
        "450 4.7.1 Service unavailable; Client host [127.0.0.1]")


@pytest.mark.parametrize("zone", ["failbl.example", "slowbl.example"])
def test_rbl_lookup_error_skips(instance, dns, zone):
    """A list that cannot answer is skipped with a warning, as Postfix
    does: no 5xx, and the mail goes on."""
    start(instance, dns, smtpd_client_restrictions="reject_rbl_client "
          + zone)
    assert rcpt_reply(instance).startswith("250")
    instance.wait_log("1.0.0.127.%s: RBL lookup error" % zone)


# ------------------------------------------------------------ RHSBL


def test_rhsbl_sender(instance, dns):
    start(instance, dns, smtpd_sender_restrictions="reject_rhsbl_sender "
          "rhsbl.example")
    assert rcpt_reply(instance, sender="user@bad.example") == (
        "554 5.7.1 Service unavailable; Sender address [user@bad.example] "
        "blocked using rhsbl.example; bad domain")
    assert rcpt_reply(instance, sender="user@good.example").startswith("250")


def test_rhsbl_helo(instance, dns):
    start(instance, dns, smtpd_helo_restrictions="reject_rhsbl_helo "
          "rhsbl.example")
    assert rcpt_reply(instance, helo="bad.example") == (
        "554 5.7.1 Service unavailable; Helo command [bad.example] "
        "blocked using rhsbl.example; bad domain")
    assert rcpt_reply(instance, helo="good.example").startswith("250")


def test_rhsbl_recipient(instance, dns):
    start(instance, dns, mydestination="host.example.com, bad.example",
          smtpd_recipient_restrictions="reject_rhsbl_recipient "
          "rhsbl.example")
    assert rcpt_reply(instance, rcpt="user@bad.example") == (
        "554 5.7.1 Service unavailable; Recipient address "
        "[user@bad.example] blocked using rhsbl.example; bad domain")
    assert rcpt_reply(instance).startswith("250")


def test_rhsbl_servfail_skips(instance, dns):
    start(instance, dns, smtpd_sender_restrictions="reject_rhsbl_sender "
          "failbl.example")
    dns.force("bad.example.failbl.example", "SERVFAIL")
    assert rcpt_reply(instance, sender="user@bad.example").startswith("250")
    instance.wait_log("bad.example.failbl.example: RBL lookup error")


# ------------------------------------------------------------ DNSWL


def test_dnswl_client(instance, dns):
    start(instance, dns, smtpd_client_restrictions="permit_dnswl_client "
          "wl.example, reject")
    assert rcpt_reply(instance).startswith("250")


def test_dnswl_client_not_listed(instance, dns):
    start(instance, dns, smtpd_client_restrictions="permit_dnswl_client "
          "other.example, reject")
    assert rcpt_reply(instance).startswith("554 5.7.1")


def test_dnswl_client_filter_and_failure(instance, dns):
    """A filter that the answer misses, or a failing list, does not
    permit; the failure never turns into a 5xx of its own, and a later
    reject becomes a deferral (defer_if_reject, as in Postfix)."""
    start(instance, dns, smtpd_client_restrictions="permit_dnswl_client "
          "wl.example=127.0.0.[0..4], permit_dnswl_client failwl.example, "
          "reject_rbl_client bl.example")
    assert rcpt_reply(instance) == (
        "450 4.7.1 <127.0.0.1>: Client host rejected: Service unavailable")


# ------------------------------------------------------------ unknown names


def test_unknown_helo_hostname(instance, dns):
    start(instance, dns, smtpd_helo_restrictions=
          "reject_unknown_helo_hostname")
    assert rcpt_reply(instance, helo="helo.example").startswith("250")
    assert rcpt_reply(instance, helo="mxhelo.example").startswith("250")
    assert rcpt_reply(instance, helo="nx.example") == (
        "450 4.7.1 <nx.example>: Helo command rejected: Host not found")


@pytest.mark.parametrize("name", ["servfail.example", "timeout.example"])
def test_unknown_helo_hostname_tempfail(instance, dns, name):
    start(instance, dns, smtpd_helo_restrictions=
          "reject_unknown_helo_hostname")
    assert rcpt_reply(instance, helo=name) == (
        "450 4.7.1 <%s>: Helo command rejected: Host not found" % name)


def test_unknown_hostname_reject_code(instance, dns):
    start(instance, dns, smtpd_helo_restrictions=
          "reject_unknown_helo_hostname",
          unknown_hostname_reject_code="550")
    assert rcpt_reply(instance, helo="nx.example").startswith(
        "550 5.7.1 <nx.example>: Helo command rejected: Host not found")
    # A temporary failure stays temporary whatever the code says.
    assert rcpt_reply(instance, helo="servfail.example").startswith("450")


def test_unknown_sender_domain(instance, dns):
    start(instance, dns, smtpd_sender_restrictions=
          "reject_unknown_sender_domain")
    for domain in ("good.example", "aonly.example"):
        assert rcpt_reply(instance, sender="u@" + domain).startswith("250")
    assert rcpt_reply(instance, sender="u@nx.example") == (
        "450 4.1.8 <u@nx.example>: Sender address rejected: "
        "Domain not found")
    assert rcpt_reply(instance, sender="u@noaddr.example") == (
        "450 4.1.8 <u@noaddr.example>: Sender address rejected: "
        "Domain not found")
    assert rcpt_reply(instance, sender="u@nullmx.example") == (
        "550 5.7.27 <u@nullmx.example>: Sender address rejected: "
        "Domain nullmx.example does not accept mail (nullMX)")
    # The null sender is never checked.
    assert rcpt_reply(instance, sender="").startswith("250")


@pytest.mark.parametrize("domain", ["servfail.example", "refused.example",
                                    "timeout.example"])
def test_unknown_sender_domain_tempfail(instance, dns, domain):
    start(instance, dns, smtpd_sender_restrictions=
          "reject_unknown_sender_domain", unknown_address_reject_code="550")
    assert rcpt_reply(instance, sender="u@" + domain) == (
        "450 4.1.8 <u@%s>: Sender address rejected: Domain not found"
        % domain)


def test_unknown_sender_domain_tempfail_defer_if_permit(instance, dns):
    """defer_if_permit: a later reject wins over the deferral."""
    start(instance, dns, smtpd_sender_restrictions=
          "reject_unknown_sender_domain, reject_rhsbl_sender rhsbl.example")
    dns.add("servfail.example.rhsbl.example", "A", "127.0.0.2")
    assert rcpt_reply(instance, sender="u@servfail.example").startswith(
        "554 5.7.1 Service unavailable; Sender address")


def test_unknown_address_tempfail_action_defer(instance, dns):
    """defer: the deferral is the answer, whatever follows."""
    start(instance, dns, smtpd_sender_restrictions=
          "reject_unknown_sender_domain, reject_rhsbl_sender rhsbl.example",
          unknown_address_tempfail_action="defer")
    dns.add("servfail.example.rhsbl.example", "A", "127.0.0.2")
    assert rcpt_reply(instance, sender="u@servfail.example") == (
        "450 4.1.8 <u@servfail.example>: Sender address rejected: "
        "Domain not found")


def test_unknown_helo_hostname_tempfail_action(instance, dns):
    start(instance, dns, smtpd_helo_restrictions=
          "reject_unknown_helo_hostname, reject_rhsbl_helo rhsbl.example")
    dns.add("servfail.example.rhsbl.example", "A", "127.0.0.2")
    # defer_if_permit (the default): the later reject wins.
    assert rcpt_reply(instance, helo="servfail.example").startswith(
        "554 5.7.1 Service unavailable; Helo command [servfail.example]")
    instance.postfix("stop")
    instance.write_main_cf(unknown_helo_hostname_tempfail_action="defer")
    instance.start()
    wait_for_smtpd(instance)
    assert rcpt_reply(instance, helo="servfail.example") == (
        "450 4.7.1 <servfail.example>: Helo command rejected: "
        "Host not found")


def wait_for_smtpd(instance, timeout=10):
    """Wait until smtpd accepts connections again after a restart."""
    deadline = time.time() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", instance.port), 1).close()
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def test_unknown_address_reject_code(instance, dns):
    start(instance, dns, smtpd_sender_restrictions=
          "reject_unknown_sender_domain", unknown_address_reject_code="550")
    assert rcpt_reply(instance, sender="u@nx.example") == (
        "550 5.1.8 <u@nx.example>: Sender address rejected: "
        "Domain not found")


def test_unknown_recipient_domain(instance, dns):
    start(instance, dns, smtpd_recipient_restrictions=
          "reject_unknown_recipient_domain, permit_mynetworks, "
          "reject_unauth_destination")
    assert rcpt_reply(instance, rcpt="u@good.example").startswith("250")
    assert rcpt_reply(instance, rcpt="u@nx.example") == (
        "450 4.1.2 <u@nx.example>: Recipient address rejected: "
        "Domain not found")
    assert rcpt_reply(instance, rcpt="u@nullmx.example") == (
        "556 5.1.10 <u@nullmx.example>: Recipient address rejected: "
        "Domain nullmx.example does not accept mail (nullMX)")
    assert rcpt_reply(instance, rcpt="u@timeout.example").startswith(
        "450 4.1.2")
    # Our own domain is never looked up.
    dns.clear_log()
    assert rcpt_reply(instance).startswith("250")
    assert not [q for q in dns.queries() if q[0] == "host.example.com"]


# ------------------------------------------------------------ MX/NS/A access


def access_table(instance, text):
    path = os.path.join(instance.base, "access")
    with open(path, "w") as f:
        f.write(text)
    return "texthash:" + path


def test_sender_mx_access_by_name(instance, dns):
    table = access_table(instance, "mx.bad.example REJECT bad mail host\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_mx_access " + table)
    assert rcpt_reply(instance, sender="u@bad.example") == (
        "554 5.7.1 <u@bad.example>: Sender address rejected: bad mail host")
    assert rcpt_reply(instance, sender="u@good.example").startswith("250")


def test_sender_mx_access_by_address(instance, dns):
    table = access_table(instance, "127.0.0.66 550 no mail from there\n"
                         "127.0.0.30 REJECT fallback to A\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_mx_access " + table)
    assert rcpt_reply(instance, sender="u@bad.example") == (
        "550 5.7.1 <u@bad.example>: Sender address rejected: "
        "no mail from there")
    # No MX: the domain's own address, as the SMTP client would use.
    assert rcpt_reply(instance, sender="u@aonly.example").startswith(
        "554 5.7.1 <u@aonly.example>: Sender address rejected: fallback")
    assert rcpt_reply(instance, sender="u@good.example").startswith("250")


def test_sender_mx_access_ok_not_allowed(instance, dns):
    """OK in an MX access table does not permit (Postfix's safety rule)."""
    table = access_table(instance, "mx.bad.example OK\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_mx_access " + table + ", reject")
    assert rcpt_reply(instance, sender="u@bad.example").startswith("554")


def test_sender_ns_access(instance, dns):
    table = access_table(instance, "ns.bad.example REJECT bad name server\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_ns_access " + table)
    assert rcpt_reply(instance, sender="u@bad.example") == (
        "554 5.7.1 <u@bad.example>: Sender address rejected: "
        "bad name server")
    # A subdomain without NS records uses its parent's name servers.
    assert rcpt_reply(instance, sender="u@sub.bad.example").startswith("554")
    assert rcpt_reply(instance, sender="u@good.example").startswith("250")


def test_sender_a_access(instance, dns):
    table = access_table(instance, "127.0.0.30 REJECT bad address\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_a_access " + table)
    assert rcpt_reply(instance, sender="u@aonly.example") == (
        "554 5.7.1 <u@aonly.example>: Sender address rejected: "
        "bad address")
    assert rcpt_reply(instance, sender="u@good.example").startswith("250")


def test_mx_access_dns_failure(instance, dns):
    table = access_table(instance, "mx.bad.example REJECT\n")
    start(instance, dns, smtpd_sender_restrictions=
          "check_sender_mx_access " + table)
    assert rcpt_reply(instance, sender="u@servfail.example").startswith(
        "250")


# ------------------------------------------------------------ client name


def free_source_address():
    """A loopback address (not 127.0.0.1, which /etc/hosts names)
    from which we can connect."""
    for n in range(150, 200):
        addr = "127.0.0.%d" % n
        s = socket.socket()
        try:
            s.bind((addr, 0))
            return addr
        except OSError:
            continue
        finally:
            s.close()
    pytest.skip("no usable loopback source address")


def test_unknown_client_hostname_ptr(instance, dns):
    """The client name comes from our DNS server: verified when the PTR
    name maps back to the address, else unknown."""
    good = free_source_address()
    dns.add(ptr_name(good), "PTR", "client.ptr.example")
    dns.add("client.ptr.example", "A", good)
    start(instance, dns, smtpd_client_restrictions=
          "reject_unknown_client_hostname")
    assert rcpt_reply(instance, source=good).startswith("250")
    instance.wait_log("connect from client.ptr.example[%s]" % good)

    # The same address with a name that does not map back: forged.
    dns.remove("client.ptr.example", "A")
    dns.add("client.ptr.example", "A", "127.0.0.254")
    reply = rcpt_reply(instance, source=good)
    # (Postfix 3.7 answers 4.7.1 or, after RFC 7372, 4.7.25: either.)
    assert reply.startswith("450 4.7."), reply
    assert reply.endswith("Client host rejected: cannot find your "
                          "hostname, [%s]" % good), reply
    instance.wait_log("connect from unknown[%s]" % good)


def test_unknown_client_hostname_tempfail(instance, dns):
    good = free_source_address()
    dns.force(ptr_name(good), "SERVFAIL")
    start(instance, dns, smtpd_client_restrictions=
          "reject_unknown_client_hostname")
    reply = rcpt_reply(instance, source=good)
    assert reply.startswith("450 4.7."), reply
    assert reply.endswith("Client host rejected: cannot find your "
                          "hostname, [%s]" % good), reply


def named_client(dns, name):
    """A loopback source address whose PTR and A records name it."""
    addr = free_source_address()
    dns.add(ptr_name(addr), "PTR", name)
    dns.add(name, "A", addr)
    return addr


def test_rhsbl_client(instance, dns):
    source = named_client(dns, "host.bad.example")
    dns.add("host.bad.example.rhsbl.example", "A", "127.0.0.2")
    start(instance, dns, smtpd_client_restrictions="reject_rhsbl_client "
          "rhsbl.example")
    assert rcpt_reply(instance, source=source) == (
        "554 5.7.1 Service unavailable; Client host [host.bad.example] "
        "blocked using rhsbl.example")
    # 127.0.0.1 is "localhost" (from /etc/hosts), which is not listed.
    assert rcpt_reply(instance).startswith("250")


def test_rhsbl_reverse_client(instance, dns):
    # The PTR name does not map back: the client is "unknown", but its
    # reverse name is still checked.
    source = free_source_address()
    dns.add(ptr_name(source), "PTR", "unverified.bad.example")
    dns.add("unverified.bad.example.rhsbl.example", "A", "127.0.0.2")
    start(instance, dns, smtpd_client_restrictions=
          "reject_rhsbl_reverse_client rhsbl.example")
    reply = rcpt_reply(instance, source=source)
    assert reply == ("554 5.7.1 Service unavailable; Unverified Client "
                     "host [unverified.bad.example] blocked using "
                     "rhsbl.example"), reply


def test_rhswl_client(instance, dns):
    source = named_client(dns, "friend.example")
    dns.add("friend.example.rhswl.example", "A", "127.0.0.2")
    start(instance, dns, smtpd_client_restrictions="permit_rhswl_client "
          "rhswl.example, reject")
    assert rcpt_reply(instance, source=source).startswith("250")
    assert rcpt_reply(instance).startswith("554 5.7.1")
