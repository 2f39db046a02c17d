"""
test_postconf_main.py - postconf on main.cf: show, expand, edit, diagnose

Every expected output here is what Postfix 3.7's postconf prints for the
same input (checked against its postconf). Two host-dependent details are
normalized: diagnostics start with the program's path as invoked
("/some/where/postconf: warning: ..."), which diags() strips to
"warning: ...", and "postconf -c DIR -n" shows "config_directory = DIR"
(postconf records -c as an explicit setting), which the goldens fill in.
"""

import os
import re
import subprocess

from conftest import INSTALL_PATHS, TOP

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
    Drops "unused parameter" / "undefined parameter" / "unknown parameter"
    warnings about names that are real Postfix 3.7 parameters: our
    registry declares a parameter only once some code honours it, so
    these may appear for a while. Warnings about names that Postfix does
    not know either stay, and must match exactly.
    """
    names = postfix_names()
    kept = []
    for line in lines:
        m = (re.match(r"^warning: .*: unused parameter: ([^=]+)=", line)
             or re.match(r"^warning: .*: undefined parameter: (\S+)$", line)
             or re.match(r"^warning: (\S+): unknown parameter$", line))
        if m and m.group(1) in names:
            continue
        kept.append(line)
    return kept


def run_ok(config, *args):
    proc = config.postconf(*args)
    assert proc.returncode == 0, proc.stderr
    return proc


# ---------------------------------------------------------------- -n

def test_n_on_shipped_main_cf(config):
    """The installed main.cf: compatibility level plus install parameters."""
    proc = run_ok(config, "-n")
    expect = {name: value for name, value in INSTALL_PATHS.items()
              if name != "config_directory"}
    expect.update({"compatibility_level": "3.7", "mail_owner": "postfix",
                   "setgid_group": "postdrop",
                   "config_directory": config.dir})
    golden = "".join("%s = %s\n" % (name, expect[name])
                     for name in sorted(expect))
    assert proc.stdout == golden
    assert diags(proc) == []


LARGE_N = """\
2bounce_notice_recipient = postmaster@$site_mail_domain
bounce_notice_recipient = ${{mydomain?postmaster@$mydomain}}
config_directory = {dir}
delay_notice_recipient = ${{myorigin?{{admin}}:{{postmaster}}}}@$mydomain
double_bounce_sender = bounce-$myorigin
error_notice_recipient = ${{site_relay_tag?{{nobody}}:{{errors}}}}
inet_interfaces = loopback-only
mydestination = $myhostname, localhost.$mydomain, localhost, ${{mydomain}}
mydomain = example.com
myhostname = mail.example.com
mynetworks = 127.0.0.0/8 [::1]/128
myorigin = $mydomain
recipient_delimiter = ${{site_relay_tag:{{+}}}}
site_mail_domain = $mydomain
site_relay_tag =
"""

LARGE_NX = """\
2bounce_notice_recipient = postmaster@example.com
bounce_notice_recipient = postmaster@example.com
config_directory = {dir}
delay_notice_recipient = admin@example.com
double_bounce_sender = bounce-example.com
error_notice_recipient = errors
inet_interfaces = loopback-only
mydestination = mail.example.com, localhost.example.com, localhost, example.com
mydomain = example.com
myhostname = mail.example.com
mynetworks = 127.0.0.0/8 [::1]/128
myorigin = example.com
recipient_delimiter = +
site_mail_domain = example.com
site_relay_tag =
"""


def large_config(config):
    with open(os.path.join(DATA, "main.cf.large")) as f:
        config.write_main_cf(f.read())


def check_large_diags(config, proc):
    """Warnings for the large main.cf: the repeat and the unused name."""
    found = set(without_registry_gaps(diags(proc)))
    # Postfix re-reads a file that changed within the last second and
    # then warns again (about line 19 too); only the first pass counts.
    found.discard("warning: %s, line 19: overriding earlier entry: "
                  "mynetworks=127.0.0.0/8 [::1]/128" % config.main_cf)
    assert found == {
        "warning: %s, line 20: overriding earlier entry: "
        "mynetworks=10.0.0.0/8" % config.main_cf,
        "warning: %s: unused parameter: no_such_thing_at_all=42"
        % config.main_cf,
    }


def test_n_on_large_main_cf(config):
    """Continuation and comment lines, repeats, raw $name values."""
    large_config(config)
    proc = run_ok(config, "-n")
    assert proc.stdout == LARGE_N.format(dir=config.dir)
    check_large_diags(config, proc)


def test_nx_expands_recursively(config):
    """-x: nested $name, ${name}, ${name?text}, ${name?{a}:{b}}, ${name:{a}}."""
    large_config(config)
    proc = run_ok(config, "-n", "-x")
    assert proc.stdout == LARGE_NX.format(dir=config.dir)
    check_large_diags(config, proc)


def test_conditional_tests_the_unexpanded_value(config):
    """${name?..} looks at name's text before expansion, as Postfix does."""
    config.write_main_cf("site_empty =\n"
                         "site_indirect = $site_empty\n"
                         "mydomain = ${site_indirect?{set}:{unset}}\n"
                         "myhostname = ${site_empty?{set}:{unset}}\n")
    proc = run_ok(config, "-x", "mydomain", "myhostname")
    assert proc.stdout == "mydomain = set\nmyhostname = unset\n"


# ------------------------------------------------ names, -h, -x, -d, -H

def test_named_parameters_in_command_line_order(config):
    large_config(config)
    proc = run_ok(config, "myorigin", "mydestination", "mydomain")
    assert proc.stdout == (
        "myorigin = $mydomain\n"
        "mydestination = $myhostname, localhost.$mydomain, localhost, "
        "${mydomain}\n"
        "mydomain = example.com\n")


def test_h_x_xh(config):
    large_config(config)
    assert run_ok(config, "-h", "myorigin").stdout == "$mydomain\n"
    assert run_ok(config, "-x", "myorigin").stdout == \
        "myorigin = example.com\n"
    assert run_ok(config, "-xh", "myorigin", "double_bounce_sender").stdout \
        == "example.com\nbounce-example.com\n"
    assert run_ok(config, "-h", "-x", "site_relay_tag").stdout == "\n"


def test_H_shows_names_only(config):
    large_config(config)
    proc = run_ok(config, "-H", "mydomain", "myorigin")
    assert proc.stdout == "mydomain\nmyorigin\n"


def test_d_ignores_main_cf(config):
    large_config(config)
    proc = run_ok(config, "-d", "myorigin", "mydestination")
    assert proc.stdout == (
        "myorigin = $myhostname\n"
        "mydestination = $myhostname, localhost.$mydomain, localhost\n")
    assert run_ok(config, "-dh", "proxy_interfaces").stdout == "\n"


def test_unset_parameter_shows_its_default(config):
    """Without -n, a parameter not in main.cf shows its default."""
    proc = run_ok(config, "myorigin", "proxy_interfaces")
    assert proc.stdout == "myorigin = $myhostname\nproxy_interfaces =\n"


def test_unknown_name_on_command_line(config):
    proc = config.postconf("no_such_parameter_xyz")
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert diags(proc) == ["warning: no_such_parameter_xyz: unknown parameter"]


# ------------------------------------------------------------- -f

FOLD_MAIN_CF = """\
mydestination = mail.example.com, localhost.example.com, localhost, \
example.com, mx.example.com, lists.example.com, backup-mx.example.net
notify_classes = resource   software\tbounce
"""

FOLDED = """\
mydestination = mail.example.com, localhost.example.com, localhost, example.com,
    mx.example.com, lists.example.com, backup-mx.example.net
"""


def test_fold_long_lines(config):
    config.write_main_cf(FOLD_MAIN_CF)
    # Without -f: one line, white space normalized.
    assert run_ok(config, "mydestination", "notify_classes").stdout == (
        FOLDED.replace("\n    ", " ")
        + "notify_classes = resource software bounce\n")
    assert run_ok(config, "-f", "mydestination").stdout == FOLDED
    assert run_ok(config, "-nf").stdout == (
        "config_directory = %s\n" % config.dir + FOLDED
        + "notify_classes = resource software bounce\n")
    # The "name = " label counts towards the line length.
    assert run_ok(config, "-hf", "mydestination").stdout == (
        "mail.example.com, localhost.example.com, localhost, example.com, "
        "mx.example.com,\n"
        "    lists.example.com, backup-mx.example.net\n")


# ------------------------------------------------------ diagnostics

UNUSED_MAIN_CF = """\
myhostname = mail.example.com
relay_destination_concurrency_limit = 5
site_own_domain = example.net
mydestination = $myhostname, $site_own_domain
bogus_setting = yes
"""


def test_unused_parameter_warning(config):
    """
    A name nobody knows is reported; a name used as $name elsewhere
    (user-defined) and a per-transport name of a master.cf service
    (relay runs smtp) are not.
    """
    config.write_main_cf(UNUSED_MAIN_CF)
    proc = run_ok(config, "-n")
    assert proc.stdout == (
        "config_directory = %s\n" % config.dir
        + "mydestination = $myhostname, $site_own_domain\n"
        "myhostname = mail.example.com\n"
        "relay_destination_concurrency_limit = 5\n"
        "site_own_domain = example.net\n")
    assert without_registry_gaps(diags(proc)) == [
        "warning: %s: unused parameter: bogus_setting=yes" % config.main_cf]
    proc = run_ok(config, "-x", "mydestination",
                  "relay_destination_concurrency_limit", "site_own_domain")
    assert proc.stdout == ("mydestination = mail.example.com, example.net\n"
                           "relay_destination_concurrency_limit = 5\n"
                           "site_own_domain = example.net\n")


def test_per_transport_name_needs_the_service(config):
    """Without a relay service in master.cf, relay_* is unused."""
    config.write_main_cf("relay_destination_concurrency_limit = 5\n")
    run_ok(config, "-MX", "relay/unix")
    proc = run_ok(config, "-n")
    assert proc.stdout == "config_directory = %s\n" % config.dir
    assert diags(proc) == [
        "warning: %s: unused parameter: "
        "relay_destination_concurrency_limit=5" % config.main_cf]


def test_undefined_parameter_warning(config):
    """A $name that is set nowhere and known nowhere is reported."""
    config.write_main_cf("myhostname = mail.example.com\n"
                         "mydestination = $myhostname, $not_set_anywhere\n")
    proc = run_ok(config, "-x", "mydestination")
    assert proc.stdout == "mydestination = mail.example.com,\n"
    assert without_registry_gaps(diags(proc)) == [
        "warning: %s: undefined parameter: not_set_anywhere"
        % config.main_cf]


def test_line_without_equals_is_fatal(config):
    config.write_main_cf("myhostname = mail.example.com\n"
                         "# a comment\n"
                         "this line has no equals sign\n"
                         "mydomain = example.com\n")
    proc = config.postconf("-n")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert diags(proc) == [
        "fatal: %s, line 3: missing '=' after attribute name: "
        "\"this line has no equals sign\"" % config.main_cf]


def test_macro_loop_is_fatal(config):
    config.write_main_cf("myhostname = $mydomain\n"
                         "mydomain = ${myhostname}\n")
    proc = config.postconf("-x", "myhostname")
    assert proc.returncode != 0
    lines = diags(proc)
    assert any(re.match(r'^warning: unreasonable macro call nesting: '
                        r'"(myhostname|mydomain)"$', line)
               for line in lines), lines
    assert lines[-1] == "fatal: macro processing error"


# ------------------------------------------------------ -e, -#, -X

EDIT_MAIN_CF = """\
# header comment
myhostname = old.example.com
mydestination = $myhostname,
    localhost.$mydomain,
# inner comment
    localhost
proxy_interfaces=192.0.2.1
mynetworks = 127.0.0.0/8
# trailing comment
"""


def test_e_replaces_in_place(config):
    """Replaced with its continuation lines; comments stay."""
    config.write_main_cf(EDIT_MAIN_CF)
    run_ok(config, "-e", "mydestination = new1, new2",
           "proxy_interfaces=192.0.2.2")
    assert config.read_main_cf() == """\
# header comment
myhostname = old.example.com
mydestination = new1, new2
# inner comment
proxy_interfaces = 192.0.2.2
mynetworks = 127.0.0.0/8
# trailing comment
"""
    assert sorted(os.listdir(config.dir)) == ["main.cf", "master.cf"]


def test_e_appends_new_names(config):
    config.write_main_cf(EDIT_MAIN_CF)
    run_ok(config, "-e", "alias_maps = hash:/etc/aliases", "inet_interfaces=all")
    lines = config.read_main_cf().splitlines(True)
    assert "".join(lines[:-2]) == EDIT_MAIN_CF
    # Postfix 3.7 appends in hash-table order, so the order is not fixed.
    assert sorted(lines[-2:]) == ["alias_maps = hash:/etc/aliases\n",
                                  "inet_interfaces = all\n"]


def test_e_is_implied_and_empty_values_work(config):
    config.write_main_cf(EDIT_MAIN_CF)
    run_ok(config, "myhostname=new.example.com", "proxy_interfaces=")
    assert config.read_main_cf() == EDIT_MAIN_CF.replace(
        "myhostname = old.example.com", "myhostname = new.example.com"
    ).replace("proxy_interfaces=192.0.2.1", "proxy_interfaces = ")
    proc = run_ok(config, "-n")
    assert "myhostname = new.example.com\nmynetworks" in proc.stdout
    assert "proxy_interfaces =\n" in proc.stdout


def test_e_replaces_every_occurrence(config):
    config.write_main_cf("myhostname = a\nmydomain = b\nmyhostname = c\n"
                         "  continued\n")
    proc = run_ok(config, "-e", "myhostname=z")
    assert config.read_main_cf() == "myhostname = z\nmydomain = b\n" \
        "myhostname = z\n"
    assert diags(proc) == ['warning: %s: multiple entries for "myhostname"'
                           % config.main_cf]


def test_e_errors(config):
    config.write_main_cf(EDIT_MAIN_CF)
    proc = config.postconf("-e")
    assert proc.returncode == 1
    assert diags(proc) == ["fatal: -e requires name=value argument"]
    proc = config.postconf("-e", "bad name")
    assert proc.returncode == 1
    assert diags(proc) == [
        "fatal: missing '=' after attribute name: \"bad name\""]
    assert config.read_main_cf() == EDIT_MAIN_CF


def test_comment_out(config):
    config.write_main_cf(EDIT_MAIN_CF)
    run_ok(config, "-#", "mydestination", "proxy_interfaces")
    assert config.read_main_cf() == """\
# header comment
myhostname = old.example.com
#mydestination = $myhostname,
#    localhost.$mydomain,
# inner comment
#    localhost
#proxy_interfaces=192.0.2.1
mynetworks = 127.0.0.0/8
# trailing comment
"""


def test_remove(config):
    config.write_main_cf(EDIT_MAIN_CF)
    run_ok(config, "-X", "mydestination", "mynetworks", "not_there")
    assert config.read_main_cf() == """\
# header comment
myhostname = old.example.com
# inner comment
proxy_interfaces=192.0.2.1
# trailing comment
"""


# ------------------------------------------------------ -m, -a, -A

# Every map type name that Postfix 3.7 knows (postconf(1)).
POSTFIX_MAP_TYPES = {
    "btree", "cdb", "cidr", "dbm", "environ", "fail", "hash", "inline",
    "internal", "lmdb", "ldap", "memcache", "mysql", "nis", "pcre", "pgsql",
    "pipemap", "proxy", "randmap", "regexp", "sdbm", "socketmap", "sqlite",
    "static", "tcp", "texthash", "unionmap", "unix",
}


def makedefs():
    with open(os.path.join(TOP, "makedefs.out")) as f:
        return f.read()


def test_m_lists_built_in_map_types(config):
    # Postfix checks the accounts first; use ones that exist everywhere.
    run_ok(config, "-e", "mail_owner=daemon", "setgid_group=mail")
    proc = run_ok(config, "-m")
    types = proc.stdout.splitlines()
    assert types == sorted(set(types))
    assert set(types) <= POSTFIX_MAP_TYPES
    # Built into every Postfix, and into ours by design.
    expect = {"cidr", "environ", "fail", "inline", "regexp", "static",
              "texthash", "unix"}
    # proxy: needs the proxymap daemon, which comes with a later component.
    with open(os.path.join(TOP, "conf", "postfix-files")) as f:
        if "$daemon_directory/proxymap:" in f.read():
            expect.add("proxy")
    defs = makedefs()
    if "-DHAS_DB" in defs:
        expect |= {"hash", "btree"}
    if "-DHAS_PCRE" in defs:
        expect.add("pcre")
    if "-DHAS_MYSQL" in defs:
        expect.add("mysql")
    assert expect <= set(types), sorted(expect - set(types))


def test_T_tls_information(config):
    """-T: OpenSSL's version texts and the public-key algorithms; an
    unknown mode is fatal; nothing at all without TLS."""
    modes = ("compile-version", "run-version", "public-key-algorithms")
    out = {m: run_ok(config, "-T", m).stdout for m in modes}
    if "-DUSE_TLS" not in makedefs():
        assert out == {m: "" for m in modes}
        return
    version = subprocess.run(["openssl", "version"], capture_output=True,
                             text=True, check=True).stdout
    assert re.fullmatch(r"OpenSSL 3\.\S+ .*\n", out["compile-version"])
    assert version.startswith(out["run-version"].rstrip("\n"))
    algs = out["public-key-algorithms"].split("\n")
    assert algs[:2] == ["rsa", "ecdsa"] and algs[-1] == ""
    assert set(algs[2:-1]) <= {"ed25519", "ed448"}
    proc = config.postconf("-T", "bogus")
    assert proc.returncode != 0
    assert 'invalid -T option: "bogus"' in proc.stderr
    proc = config.postconf("-T", "run-version", "-m")
    assert "specify one of -m -T" in proc.stderr


def test_a_and_A_list_sasl_types(config):
    defs = makedefs()
    server, client = [], []
    if "-DUSE_CYRUS_SASL" in defs:
        server.append("cyrus")
        client.append("cyrus")
    if "-DUSE_SASL_AUTH" in defs:
        server.append("dovecot")
    assert run_ok(config, "-a").stdout == "".join(t + "\n" for t in server)
    assert run_ok(config, "-A").stdout == "".join(t + "\n" for t in client)
