"""Open-relay battery for smtpd (issue 7).

From a client outside mynetworks, no form of a remote address may be
accepted: plain, percent hack, bang path, source route, quoted local
part, double @, address literal, upper case and trailing dots, against
both the default smtpd_relay_restrictions (defer_unauth_destination,
454) and reject_unauth_destination (554). From inside mynetworks the
same addresses are accepted, as Postfix documents for
permit_mynetworks. Every RCPT is sent raw ("RCPT TO:<...>") so that the
client library does not rewrite the address.
"""

import os
import smtplib

import pytest

LOCAL = "host.example.com"       # $myhostname, in mydestination
REMOTE = "remote.example.net"

RELAY_ATTEMPTS = [
    "user@%s" % REMOTE,
    "user%%%s@%s" % (REMOTE, LOCAL),
    "%s!user@%s" % (REMOTE, LOCAL),
    "@%s:user@%s" % (LOCAL, REMOTE),
    "@%s,@%s:user@%s" % (LOCAL, LOCAL, REMOTE),
    '"user@%s"@%s' % (REMOTE, LOCAL),
    '"user%%%s"@%s' % (REMOTE, LOCAL),
    "user@%s@%s" % (REMOTE, LOCAL),
    "user@[192.0.2.1]",
    "user@[IPv6:2001:db8::1]",
    "user%%%s@[127.0.0.1]" % REMOTE,
    "user%%%s" % REMOTE,
    "%s!user" % REMOTE,
    "USER@%s" % REMOTE.upper(),
    "user%%%s@%s" % (REMOTE.upper(), LOCAL.upper()),
    "%s!user@%s" % (REMOTE.upper(), LOCAL.upper()),
    "user@%s." % REMOTE,
    "user%%%s.@%s." % (REMOTE, LOCAL),
    "user@%s.@%s" % (REMOTE, LOCAL),
    "user@%s@%s." % (REMOTE, LOCAL),
    '"user@%s"@%s.' % (REMOTE, LOCAL),
    "@%s.:user@%s." % (LOCAL, REMOTE),
    "user@localhost@%s" % REMOTE,
]


def start(instance, **main_cf):
    # Every refused RCPT counts as an error: keep the session open.
    main_cf.setdefault("smtpd_soft_error_limit", "100")
    main_cf.setdefault("smtpd_hard_error_limit", "100")
    main_cf.setdefault("smtpd_error_sleep_time", "0")
    found = instance.mail_system(**main_cf)
    if "smtpd" not in found or "trivial-rewrite" not in found:
        pytest.skip("smtpd and trivial-rewrite must be installed")


def rcpt_all(instance, addresses):
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=20)
    assert s.ehlo("client.example.org")[0] == 250
    assert s.mail("sender@example.org")[0] == 250
    replies = {}
    for addr in addresses:
        code, msg = s.docmd("RCPT TO:<%s>" % addr)
        replies[addr] = (code, msg.decode(errors="replace"))
    s.quit()
    return replies


@pytest.mark.parametrize("settings,code", [
    ({}, 454),
    ({"smtpd_relay_restrictions": "permit_mynetworks, "
                                  "reject_unauth_destination"}, 554),
    ({"smtpd_relay_restrictions": "",
      "smtpd_recipient_restrictions": "permit_mynetworks, "
                                      "reject_unauth_destination"}, 554),
])
def test_no_relay_from_outside(instance, settings, code):
    start(instance, mynetworks="127.0.0.2/32", **settings)
    replies = rcpt_all(instance, RELAY_ATTEMPTS)
    relayed = {a: r for a, r in replies.items() if r[0] // 100 == 2}
    assert not relayed, relayed
    for addr, (got, msg) in replies.items():
        # Syntax errors are refusals too; everything else is the relay
        # check's reply.
        if got // 100 == 5 and msg.startswith("5.1.3"):
            continue
        assert got == code, (addr, got, msg)
        assert "Relay access denied" in msg, (addr, msg)


def test_relay_from_inside(instance):
    start(instance, mynetworks="127.0.0.0/8")
    attempts = [a for a in RELAY_ATTEMPTS if "[IPv6" not in a]
    replies = rcpt_all(instance, attempts)
    refused = {a: r for a, r in replies.items()
               if r[0] != 250 and not r[1].startswith("5.1.3")}
    assert not refused, refused


def test_local_mail_accepted_from_outside(instance):
    start(instance, mynetworks="127.0.0.2/32")
    replies = rcpt_all(instance, ["root@%s" % LOCAL, "ROOT@%s" % LOCAL.upper(),
                                  "root@%s." % LOCAL, "root@localhost",
                                  "root@[127.0.0.1]", "postmaster",
                                  "nosuchuser@%s" % LOCAL])
    assert replies["root@%s" % LOCAL][0] == 250
    assert replies["root@localhost"][0] == 250
    assert replies["root@[127.0.0.1]"][0] == 250
    assert replies["postmaster"][0] == 250
    assert replies["nosuchuser@%s" % LOCAL] == (
        550, "5.1.1 <nosuchuser@%s>: Recipient address rejected: User "
             "unknown in local recipient table" % LOCAL)


def test_no_routing_through_relay_domains(instance):
    """relay_domains are authorized destinations, but not as a hop for
    sender-specified routes (Postfix's allow_untrusted_routing = no)."""
    relay = "relay.example.org"
    start(instance, mynetworks="127.0.0.2/32", relay_domains=relay)
    replies = rcpt_all(instance, [
        "user@%s" % relay,
        "user%%%s@%s" % (REMOTE, relay),
        "%s!user@%s" % (REMOTE, relay),
        '"user@%s"@%s' % (REMOTE, relay),
        "user@%s@%s" % (REMOTE, relay),
        "@%s:user@%s" % (relay, REMOTE),
    ])
    assert replies["user@%s" % relay][0] == 250
    for addr, (code, msg) in replies.items():
        if addr != "user@%s" % relay:
            assert code == 454 and "Relay access denied" in msg, \
                (addr, code, msg)


def test_untrusted_routing_allowed(instance):
    relay = "relay.example.org"
    start(instance, mynetworks="127.0.0.2/32", relay_domains=relay,
          allow_untrusted_routing="yes")
    replies = rcpt_all(instance, ["user%%%s@%s" % (REMOTE, relay)])
    assert replies["user%%%s@%s" % (REMOTE, relay)][0] == 250


@pytest.mark.parametrize("kind,entry,code", [
    ("cidr", "127.0.0.0/8 OK", 250),
    ("cidr", "10.0.0.0/8 OK", 554),
    ("texthash", "127.0.0.1 OK", 250),
    ("texthash", "127.0.0.2 OK", 554),
])
def test_mynetworks_table(instance, kind, entry, code):
    """mynetworks may name a table (mynetworks = cidr:/file): the client
    address is looked up in it, and only a hit counts as "mine"."""
    path = os.path.join(instance.base, "nets")
    with open(path, "w") as f:
        f.write(entry + "\n")
    start(instance, mynetworks="%s:%s" % (kind, path),
          smtpd_relay_restrictions="permit_mynetworks, "
                                   "reject_unauth_destination")
    replies = rcpt_all(instance, ["user@%s" % REMOTE])
    assert replies["user@%s" % REMOTE][0] == code, replies
