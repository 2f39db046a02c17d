"""test_smtpd_conf_names.py - user-defined main.cf names are not "unused"

Names listed in smtpd_restriction_classes, and names that another
value uses as $name, ${name} or $(name), are parameters in their own
right (postconf(5), RESTRICTION_CLASS_README): postconf -n shows them,
postconf NAME prints them, and neither postconf nor the daemons warn
that they are unused or unknown. The same holds for master.cf -o
overrides. A name nothing refers to still draws postconf's warning.
"""

import os
import smtplib
import subprocess

import pytest

HOST = "host.example.com"
NAMES = dict(
    smtpd_restriction_classes="strict_senders, relaxed",
    strict_senders="reject_non_fqdn_sender, $sender_checks",
    sender_checks="reject",
    relaxed="permit",
    my_domains="relay.example",
    relay_domains="${my_domains}, $(more_domains)",
    more_domains="relay2.example",
    smtpd_sender_restrictions="check_sender_access "
    "inline:{bad@x.example=strict_senders, good@x.example=relaxed}",
    smtpd_relay_restrictions="permit_mynetworks, reject_unauth_destination",
    mynetworks="127.0.0.2/32",
    local_recipient_maps="",
    smtpd_delay_reject="no",
)
MASTER = ("127.0.0.1:%d inet n - n - - smtpd\n"
          "  -o smtpd_restriction_classes=subm_class\n"
          "  -o subm_class=permit\n"
          "  -o smtpd_recipient_restrictions=$subm_rcpt\n"
          "  -o subm_rcpt=subm_class\n")


def postconf(instance, *args):
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return subprocess.run([instance.installed.command("postconf"),
                           "-c", instance.etc] + list(args), env=env,
                          capture_output=True, text=True, timeout=30)


def configure(instance, start=False, **extra):
    settings = dict(NAMES)
    settings.update(extra)
    found = instance.mail_system(start=start, services=MASTER
                                 % instance.ports[1], **settings)
    if "smtpd" not in found:
        pytest.skip("smtpd is not installed yet")


def test_postconf_n_shows_names_without_warnings(instance):
    configure(instance, stray_name="nobody uses this")
    proc = postconf(instance, "-n")
    assert proc.returncode == 0, proc.stderr
    for name in ("strict_senders", "sender_checks", "relaxed", "my_domains",
                 "more_domains"):
        assert "\n%s = " % name in "\n" + proc.stdout, (name, proc.stdout)
        assert name + "=" not in proc.stderr, proc.stderr
    for word in ("subm_class", "subm_rcpt"):
        assert word not in proc.stderr, proc.stderr
    # A name that nothing uses is still reported, as Postfix does.
    assert "unused parameter: stray_name=nobody uses this" in proc.stderr


def test_postconf_name_and_master_overrides(instance):
    configure(instance)
    proc = postconf(instance, "relaxed", "more_domains")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "relaxed = permit\nmore_domains = relay2.example\n"
    assert "unknown parameter" not in proc.stderr, proc.stderr
    assert "unused" not in proc.stderr, proc.stderr
    proc = postconf(instance, "-P")
    assert "/subm_class = permit" in proc.stdout, proc.stdout
    assert "unused" not in proc.stderr, proc.stderr


def test_daemons_use_classes_without_warnings(instance):
    configure(instance, start=True)
    for port in (instance.port, instance.ports[1]):
        s = smtplib.SMTP("127.0.0.1", port, timeout=30)
        try:
            s.ehlo("client.example")
            if port == instance.port:
                code, msg = s.mail("bad@x.example")
                assert code == 554, msg
                assert s.rset()[0] == 250
                assert s.mail("good@x.example")[0] == 250
                assert s.rcpt("user@relay2.example")[0] == 250
            else:
                # $subm_rcpt names subm_class (a master.cf class): an
                # unknown class would be a 451 configuration error.
                assert s.mail("other@x.example")[0] == 250
                assert s.rcpt("user@%s" % HOST)[0] == 250
        finally:
            s.quit()
    instance.wait_log("disconnect from localhost[127.0.0.1]")
    log = instance.log()
    for word in ("unused parameter", "unknown parameter",
                 "undefined parameter", "unknown smtpd restriction"):
        assert word not in log, log
