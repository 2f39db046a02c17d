"""test_info_log_addr.py - info_log_address_format

The queue keeps "john doe"@example.com as john doe@example.com. With
external (the default) the from=, to= and orig_to= of the log show the
quoted form, with internal the stored one; qmgr, pickup and the
delivery agents' status lines all follow the parameter.
"""

import os
import re

import pytest

from conftest import wait_until

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite", "discard")
SENDER = '"john doe"@example.com'


def require(instance):
    daemons = instance.installed.path("daemon_directory")
    missing = [p for p in NEEDED
               if not os.path.exists(os.path.join(daemons, p))]
    if missing:
        pytest.skip("not installed yet: " + ", ".join(missing))


def deliver(instance, **main_cf):
    """Send from SENDER to a discarded recipient with a space in its
    local part; returns the log once the delivery is logged."""
    require(instance)
    instance.mail_system(default_transport="discard",
                         local_transport="discard", **main_cf)
    if not instance.maillog:
        pytest.skip("no maillog_file")
    proc = instance.sendmail("-f", SENDER, '"jane roe"@example.net',
                             input="Subject: t\n\nbody\n")
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: "status=sent" in instance.log(), 20,
               "delivery:\n" + instance.log())
    return instance.log()


def test_external_is_default(instance):
    log = deliver(instance)
    assert re.search(r': from=<"john doe"@example\.com>, size=\d+, nrcpt=1 '
                     r'\(queue active\)', log), log
    assert re.search(r': uid=\d+ from=<"john doe"@example\.com>', log), log
    assert re.search(r': to=<"jane roe"@example\.net>, relay=none, .*'
                     r'status=sent', log), log
    assert "<john doe@example.com>" not in log, log


def test_internal(instance):
    log = deliver(instance, info_log_address_format="internal")
    assert re.search(r': from=<john doe@example\.com>, size=\d+, nrcpt=1 '
                     r'\(queue active\)', log), log
    assert re.search(r': uid=\d+ from=<john doe@example\.com>', log), log
    assert re.search(r': to=<jane roe@example\.net>, relay=none, .*'
                     r'status=sent', log), log
    assert '"john doe"' not in log, log


@pytest.mark.parametrize("form, shown", [
    ("external", 'from=<"john doe"@example.com> to=<"a b"@remote.example>'),
    ("internal", "from=<john doe@example.com> to=<a b@remote.example>"),
])
def test_smtpd_noqueue(instance, form, shown):
    from conftest import SmtpSession
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("smtpd not installed yet")
    require(instance)
    instance.mail_system(info_log_address_format=form)
    if not instance.maillog:
        pytest.skip("no maillog_file")
    s = SmtpSession(instance.port, source="127.0.0.2")
    assert s.cmd("EHLO client.example").startswith("250")
    assert s.cmd('MAIL FROM:<"john doe"@example.com>').startswith("250")
    assert s.cmd('RCPT TO:<"a b"@remote.example>').startswith(("4", "5"))
    s.cmd("QUIT")
    s.close()
    instance.wait_log("NOQUEUE: reject: RCPT from unknown[127.0.0.2]")
    assert shown in instance.log(), instance.log()
