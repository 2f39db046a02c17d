"""
test_recipes_access.py - the recipes of SMTPD_ACCESS_README

Each test installs a recipe of the guide as it is printed (recipes.py)
into a private instance and speaks SMTP to its smtpd on 127.0.0.1 with
smtplib, comparing the reply codes and texts with what the guide says.
A source address of 127.0.0.2 plays a client outside mynetworks; the
DNS blocklist is served by the loopback DNS server tests/dnsserver.py.
"""

import os
import smtplib

import pytest

import recipes
from dnsserver import DNSServer

LOCAL = "host.example.com"       # $myhostname of the test instance


def require(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite"):
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def client(instance, helo="client.example.com", source=None):
    kwargs = {"source_address": (source, 0)} if source else {}
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=20, **kwargs)
    code, _ = s.ehlo(helo)
    assert code == 250
    return s


def expect(reply, code, text=None):
    got, msg = reply
    msg = msg.decode(errors="replace")
    assert got == code, (got, msg)
    if text is not None:
        assert msg == text, msg


def close(s):
    try:
        s.quit()
    except (smtplib.SMTPException, OSError):
        pass


def test_recipe_acc_relay(instance):
    """mynetworks may relay; others only to local domains, else 554."""
    require(instance)
    recipes.apply(instance, "acc-relay")
    s = client(instance)                    # 127.0.0.1: in mynetworks
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("user@remote.example"), 250)
    close(s)
    s = client(instance, source="127.0.0.2")     # outside mynetworks
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("user@remote.example"), 554,
           "5.7.1 <user@remote.example>: Relay access denied")
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


def test_recipe_acc_fqdn(instance):
    require(instance)
    recipes.apply(instance, "acc-fqdn")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root"), 504, "5.5.2 <root>: Recipient address rejected: "
           "need fully-qualified address")
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)
    s = client(instance)
    expect(s.mail("nodomain"), 250)
    expect(s.rcpt("root@" + LOCAL), 504, "5.5.2 <nodomain>: Sender address "
           "rejected: need fully-qualified address")
    close(s)


def test_recipe_acc_rbl(instance):
    """The client 127.0.0.1 is listed in the zone: 554 with the TXT."""
    require(instance)
    zone = [("1.0.0.127.dnsbl.example.net", "A", "127.0.0.2"),
            ("1.0.0.127.dnsbl.example.net", "TXT", "listed for spam")]
    with DNSServer(zone) as dns:
        instance.use_dns(dns.addr)
        recipes.apply(instance, "acc-rbl")
        s = client(instance)
        expect(s.mail("a@example.org"), 250)       # smtpd_delay_reject
        expect(s.rcpt("root@" + LOCAL), 554,
               "5.7.1 Service unavailable; Client host [127.0.0.1] blocked "
               "using dnsbl.example.net; listed for spam")
        close(s)
        assert ("1.0.0.127.dnsbl.example.net", "A") in dns.queries()
    instance.wait_log("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 "
                      "5.7.1 Service unavailable; Client host [127.0.0.1] "
                      "blocked using dnsbl.example.net")


@pytest.mark.parametrize("sender,code,text", [
    ("spammer@example.net", 554, "5.7.1 <spammer@example.net>: Sender "
     "address rejected: Access denied"),
    ("other@example.org", 554, "5.7.1 <other@example.org>: Sender address "
     "rejected: We do not accept mail from this domain"),
    ("friend@example.org", 250, None),
    ("someone@example.net", 250, None),
])
def test_recipe_acc_sender_access(instance, sender, code, text):
    require(instance)
    recipes.apply(instance, "acc-sender-access")
    assert os.path.exists(os.path.join(instance.etc, "sender_access.db"))
    s = client(instance)
    expect(s.mail(sender), 250)             # rejected at RCPT TO
    expect(s.rcpt("root@" + LOCAL), code, text)
    close(s)
    if code != 250:
        instance.wait_log("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
                          "%d %s; from=<%s> to=<root@%s> proto=ESMTP "
                          "helo=<client.example.com>"
                          % (code, text, sender, LOCAL))


def test_recipe_acc_warn(instance):
    require(instance)
    recipes.apply(instance, "acc-warn")
    s = client(instance, helo="localhost")
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)
    instance.wait_log("NOQUEUE: reject_warning: RCPT from "
                      "localhost[127.0.0.1]: 504 5.5.2 <localhost>: Helo "
                      "command rejected: need fully-qualified hostname;")


def test_recipe_acc_soft_bounce(instance):
    require(instance)
    recipes.apply(instance, "acc-soft-bounce")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root"), 404, "4.5.2 <root>: Recipient address rejected: "
           "need fully-qualified address")
    close(s)


@pytest.mark.parametrize("sender,code", [
    ("boss@example.com", 250),
    ("outsider@example.net", 554),
])
def test_recipe_acc_class(instance, sender, code):
    require(instance)
    recipes.apply(instance, "acc-class", mydestination="example.com, "
                  "$myhostname", local_recipient_maps="")
    s = client(instance)
    expect(s.mail(sender), 250)
    expect(s.rcpt("staff@example.com"), code,
           None if code == 250 else "5.7.1 <staff@example.com>: Recipient "
           "address rejected: Access denied")
    expect(s.rcpt("root@" + LOCAL), 250)    # other recipients unaffected
    close(s)
