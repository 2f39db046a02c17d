"""
test_postconf_master.py - postconf on master.cf: -M, -F, -P and their edits

Expected outputs are what Postfix 3.7's postconf prints for the same
files (checked against its postconf). Postfix re-formats every entry it
prints or rewrites: columns at fixed positions, "-o name=value" (braced
when the value has white space), and with folding (-f, and always when
an edit rewrites an entry) each -o on a continuation line.

One Postfix 3.7 quirk is avoided rather than tested: when an edit
rewrites an entry, comment lines that directly follow the entry end up
above it. The test master.cf has no comment after an edited entry.
"""

import os
import re

from conftest import TOP

TESTS = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(TESTS, "data")
REFERENCE = os.path.join(os.path.dirname(TOP), "shared", "reference",
                         "postconf-d-3.7.11.txt")


def diags(proc):
    """stderr as a list of "warning: ..." / "fatal: ..." lines."""
    lines = []
    for line in proc.stderr.splitlines():
        m = re.match(r"^(?:\S*/)?postconf: (.*)$", line)
        lines.append(m.group(1) if m else line)
    return lines


def postfix_names():
    """Every parameter name that Postfix 3.7 has (empty if unavailable)."""
    if not os.path.exists(REFERENCE):
        return set()
    with open(REFERENCE) as f:
        return {line.split(" =", 1)[0] for line in f if " =" in line}


def without_registry_gaps(lines):
    """
    Drops "unused parameter" warnings about -o names that are real
    Postfix 3.7 parameters: our registry declares a parameter only once
    some code honours it. Other warnings stay and must match exactly.
    """
    names = postfix_names()
    kept = []
    for line in lines:
        m = re.match(r"^warning: .*: unused parameter: ([^=]+)=", line)
        if m and m.group(1) in names:
            continue
        kept.append(line)
    return kept


def run_ok(config, *args):
    proc = config.postconf(*args)
    assert proc.returncode == 0, proc.stderr
    return proc


def read_data(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def edit_config(config):
    """The test master.cf, with myhostname set for -x."""
    config.write_master_cf(read_data("master.cf.edit"))
    config.write_main_cf("myhostname = mail.example.com\n")
    return read_data("master.cf.edit")


# ------------------------------------------------------------- -M

RELAY_FOLDED = ("relay      unix  -       -       n       -       -       "
                "smtp\n    -o syslog_name=postfix/$service_name\n")


def test_M_shipped_master_cf(config):
    """Every Postfix 3.7 default service, columns as Postfix prints them."""
    proc = run_ok(config, "-M")
    assert proc.stdout == read_data("master.cf.M")
    assert diags(proc) == []


def test_Mf_shipped_master_cf(config):
    golden = read_data("master.cf.M")
    relay = [line for line in golden.splitlines(True)
             if line.startswith("relay ")]
    assert len(relay) == 1
    proc = run_ok(config, "-Mf")
    assert proc.stdout == golden.replace(relay[0], RELAY_FOLDED)


def test_M_selects_services(config):
    """Service or service/type; output in master.cf order."""
    proc = run_ok(config, "-Mf", "relay", "smtp/inet", "postlog")
    assert proc.stdout == (
        "smtp       inet  n       -       n       -       -       smtpd\n"
        + RELAY_FOLDED
        + "postlog    unix-dgram n  -       n       -       1       "
        "postlogd\n")
    proc = run_ok(config, "-M", "smtp")
    assert proc.stdout == (
        "smtp       inet  n       -       n       -       -       smtpd\n"
        "smtp       unix  -       -       n       -       -       smtp\n")
    proc = run_ok(config, "-M", "no-such-service")
    assert proc.stdout == ""
    assert diags(proc) == ['warning: unmatched request: "no-such-service"']


EDIT_M = """\
smtp       inet  n       -       n       -       -       smtpd \
-o {smtpd_banner=$myhostname ESMTP ready} -o smtpd_tls_security_level=may -v
pickup     unix  n       -       n       60      1       pickup
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp \
-o syslog_name=postfix/$service_name -o smtp_helo_name=$myhostname
local      unix  -       n       n       -       -       local
"""

EDIT_MF = """\
smtp       inet  n       -       n       -       -       smtpd
    -o {smtpd_banner=$myhostname ESMTP ready}
    -o smtpd_tls_security_level=may
    -v
pickup     unix  n       -       n       60      1       pickup
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
    -o syslog_name=postfix/$service_name
    -o smtp_helo_name=$myhostname
local      unix  -       n       n       -       -       local
"""


def test_M_normalizes_options(config):
    """-o name=value, -o { name = value }, and a generic option."""
    edit_config(config)
    assert run_ok(config, "-M").stdout == EDIT_M
    assert run_ok(config, "-Mf").stdout == EDIT_MF


def test_Mx_expands_option_values(config):
    """-x expands -o values; $service_name is the entry's own name."""
    edit_config(config)
    proc = run_ok(config, "-Mx", "relay/unix")
    assert proc.stdout == (
        "relay      unix  -       -       n       -       -       smtp "
        "-o syslog_name=postfix/relay -o smtp_helo_name=mail.example.com\n")


# ------------------------------------------------------------- -F

def test_F_fields(config):
    edit_config(config)
    proc = run_ok(config, "-F", "smtp/inet")
    assert proc.stdout == """\
smtp/inet/service = smtp
smtp/inet/type = inet
smtp/inet/private = n
smtp/inet/unprivileged = -
smtp/inet/chroot = n
smtp/inet/wakeup = -
smtp/inet/process_limit = -
smtp/inet/command = smtpd -o {smtpd_banner=$myhostname ESMTP ready} \
-o smtpd_tls_security_level=may -v
"""
    # Several selectors: output in master.cf order.
    proc = run_ok(config, "-F", "relay/unix/command",
                  "pickup/unix/wakeup", "smtp/unix/process_limit")
    assert proc.stdout == (
        "pickup/unix/wakeup = 60\n"
        "smtp/unix/process_limit = -\n"
        "relay/unix/command = smtp -o syslog_name=postfix/$service_name "
        "-o smtp_helo_name=$myhostname\n")
    proc = run_ok(config, "-Fh", "pickup/unix/wakeup", "local/unix/unprivileged")
    assert proc.stdout == "60\nn\n"
    # Everything: eight fields per entry.
    proc = run_ok(config, "-F")
    lines = proc.stdout.splitlines()
    assert len(lines) == 5 * 8
    assert lines[8:16] == [
        "pickup/unix/service = pickup", "pickup/unix/type = unix",
        "pickup/unix/private = n", "pickup/unix/unprivileged = -",
        "pickup/unix/chroot = n", "pickup/unix/wakeup = 60",
        "pickup/unix/process_limit = 1", "pickup/unix/command = pickup"]
    proc = run_ok(config, "-F", "no-such/unix/command")
    assert proc.stdout == ""
    assert without_registry_gaps(diags(proc)) == ['warning: unmatched request: "no-such/unix/command"']


# ------------------------------------------------------------- -P

def test_P_parameters(config):
    """Per entry in master.cf order; within an entry sorted by name."""
    edit_config(config)
    assert run_ok(config, "-P").stdout == """\
smtp/inet/smtpd_banner = $myhostname ESMTP ready
smtp/inet/smtpd_tls_security_level = may
relay/unix/smtp_helo_name = $myhostname
relay/unix/syslog_name = postfix/$service_name
"""
    assert run_ok(config, "-P", "relay/unix/smtp_helo_name").stdout == \
        "relay/unix/smtp_helo_name = $myhostname\n"
    assert run_ok(config, "-Ph", "relay/unix/smtp_helo_name").stdout == \
        "$myhostname\n"
    assert run_ok(config, "-Px", "relay/unix/smtp_helo_name",
                  "relay/unix/syslog_name").stdout == (
        "relay/unix/smtp_helo_name = mail.example.com\n"
        "relay/unix/syslog_name = postfix/relay\n")


def test_unused_master_cf_parameter(config):
    """-o names that nobody knows are reported, like main.cf names."""
    config.write_master_cf(
        "relay     unix  -       -       n       -       -       smtp\n"
        "  -o syslog_name=postfix/relay -o bogus_master_param=1\n")
    proc = run_ok(config, "-P")
    assert proc.stdout == ("relay/unix/bogus_master_param = 1\n"
                           "relay/unix/syslog_name = postfix/relay\n")
    assert without_registry_gaps(diags(proc)) == [
        "warning: %s: unused parameter: bogus_master_param=1"
        % config.master_cf]


# ------------------------------------------- -Me, -MX, -M#, -Fe, -Pe, -PX

def test_Me_adds_entry(config):
    original = edit_config(config)
    run_ok(config, "-Me", "submission/inet=submission inet n - n - - smtpd "
           "-o syslog_name=postfix/submission "
           "-o smtpd_tls_security_level=encrypt")
    assert config.read_master_cf() == original + """\
submission inet  n       -       n       -       -       smtpd
    -o syslog_name=postfix/submission
    -o smtpd_tls_security_level=encrypt
"""


RELAY_ORIGINAL = """\
relay     unix  -       -       n       -       -       smtp
        -o syslog_name=postfix/$service_name
  -o smtp_helo_name=$myhostname
"""


def test_Me_replaces_entry(config):
    original = edit_config(config)
    run_ok(config, "-Me", "relay/unix=relay unix - - n - 5 smtp")
    assert config.read_master_cf() == original.replace(
        RELAY_ORIGINAL,
        "relay      unix  -       -       n       -       5       smtp\n")


def test_MX_removes_entry(config):
    original = edit_config(config)
    run_ok(config, "-MX", "relay/unix")
    assert config.read_master_cf() == original.replace(RELAY_ORIGINAL, "")
    assert run_ok(config, "-M", "relay").stdout == ""


def test_M_comment_out(config):
    original = edit_config(config)
    run_ok(config, "-M#", "relay/unix", "pickup/unix")
    commented = "".join("#" + line
                        for line in RELAY_ORIGINAL.splitlines(True))
    assert config.read_master_cf() == original.replace(
        RELAY_ORIGINAL, commented).replace(
        "pickup    unix", "#pickup    unix")


def test_Pe_updates_and_adds(config):
    original = edit_config(config)
    run_ok(config, "-Pe", "relay/unix/smtp_helo_name=relay.example.com",
           "relay/unix/smtp_connect_timeout=10s")
    assert config.read_master_cf() == original.replace(RELAY_ORIGINAL, """\
relay      unix  -       -       n       -       -       smtp
    -o syslog_name=postfix/$service_name
    -o smtp_helo_name=relay.example.com
    -o smtp_connect_timeout=10s
""")
    assert run_ok(config, "-P", "relay/unix").stdout == """\
relay/unix/smtp_connect_timeout = 10s
relay/unix/smtp_helo_name = relay.example.com
relay/unix/syslog_name = postfix/$service_name
"""


def test_PX_removes_parameter(config):
    original = edit_config(config)
    run_ok(config, "-PX", "relay/unix/syslog_name")
    assert config.read_master_cf() == original.replace(RELAY_ORIGINAL, """\
relay      unix  -       -       n       -       -       smtp
    -o smtp_helo_name=$myhostname
""")


def test_Fe_replaces_fields(config):
    original = edit_config(config)
    run_ok(config, "-Fe", "relay/unix/process_limit=7",
           "pickup/unix/command=pickup -v")
    assert config.read_master_cf() == original.replace(RELAY_ORIGINAL, """\
relay      unix  -       -       n       -       7       smtp
    -o syslog_name=postfix/$service_name
    -o smtp_helo_name=$myhostname
""").replace(
        "pickup    unix  n       -       n       60      1       pickup\n",
        "pickup     unix  n       -       n       60      1       pickup -v\n")


def test_edit_of_missing_service(config):
    original = edit_config(config)
    proc = run_ok(config, "-Pe", "no-such/unix/syslog_name=x")
    assert diags(proc) == [
        'warning: unmatched service_name/type: "no-such/unix/syslog_name=x"']
    assert config.read_master_cf() == original
