"""test_parent_domain_param.py - parent_domain_matches_subdomains is global

The parameter belongs to every program (params_global.c), with Postfix
3.7's default, so postconf -d shows it and flush(8), trivial-rewrite(8)
and smtpd(8) all honour it: with the default, "example.net" in
fast_flush_domains or relay_domains covers its subdomains; without the
feature in the list, only ".example.net" would.
"""

import os
import smtplib
import subprocess

import pytest

from test_flush import flush_request

DEFAULT = ("debug_peer_list,fast_flush_domains,mynetworks,"
           "permit_mx_backup_networks,qmqpd_authorized_clients,"
           "relay_domains,smtpd_access_maps")
QID = "4A1B2C3D4E"


def postconf(instance, *args):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return subprocess.run([instance.installed.command("postconf"),
                           "-c", instance.etc] + list(args), env=env,
                          capture_output=True, text=True, timeout=30)


def test_postconf_default(instance):
    instance.mail_system(start=False)
    proc = postconf(instance, "-d", "parent_domain_matches_subdomains")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "parent_domain_matches_subdomains = %s\n" % DEFAULT
    assert proc.stderr == ""


@pytest.mark.parametrize("style,code", [(None, 0), ("relay_domains", 4)])
def test_flush_follows_the_parameter(instance, style, code):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "flush")):
        pytest.skip("needs flush")
    settings = dict(fast_flush_domains="example.net")
    if style is not None:
        settings["parent_domain_matches_subdomains"] = style
    instance.mail_system(start=False, **settings)
    instance.start()
    assert flush_request(instance, "add", "example.net", QID)[0] == 0
    assert flush_request(instance, "add", "mail.example.net", QID)[0] == code


@pytest.mark.parametrize("style,code", [(None, 250),
                                        ("fast_flush_domains", 554)])
def test_relay_domains_subdomains(instance, style, code):
    settings = dict(relay_domains="relay.example", mynetworks="127.0.0.2/32",
                    local_recipient_maps="",
                    smtpd_relay_restrictions="permit_mynetworks, "
                    "reject_unauth_destination")
    if style is not None:
        settings["parent_domain_matches_subdomains"] = style
    found = instance.mail_system(**settings)
    if "smtpd" not in found or "trivial-rewrite" not in found:
        pytest.skip("needs smtpd and trivial-rewrite")
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    try:
        s.ehlo("client.example")
        assert s.mail("a@example.org")[0] == 250
        assert s.rcpt("u@relay.example")[0] == 250
        got, text = s.rcpt("u@sub.relay.example")
        assert got == code, text
    finally:
        s.quit()
