"""
test_postalias.py - postalias and newaliases with a realistic aliases file

Every expected output and message here is what Postfix 3.7's postalias
prints for the same input (checked side by side with its postalias),
except that Postfix builds with NIS add two YP_* entries that this
implementation does not write.
"""

import os
import subprocess

import pytest

from conftest import TOP

ALIASES = """\
# /etc/aliases
#
# Well-known aliases.
MAILER-DAEMON:	postmaster
Postmaster:	root
abuse:		postmaster
# Mail for root goes to the admins, a log file and a filter.
root:	admin@example.com,  "|/usr/bin/procmail -a root",
	/var/mail/archive
"John Doe":	john
"quoted:colon":	x
staff:	:include:/etc/mail/staff.list
owner-staff:	admin
first.last:	"First Last" <fl@example.com>, (a note) backup@example.org
devnull:	/dev/null
bad line without colon
remote@example.com: x
a, b: c
empty:
dup: one
Dup: two
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return str(path)


@pytest.fixture
def aliases(config, tmp_path):
    """The realistic aliases file, built; returns (path, build result)."""
    path = write(tmp_path / "aliases", ALIASES)
    return path, config.run("postalias", "hash:" + path)


def test_build_warnings(aliases):
    path, proc = aliases
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [
        "postalias: warning: %s, line 16: need name:value pair" % path,
        "postalias: warning: %s, line 17: name must be local" % path,
        "postalias: warning: %s, line 18: need name:value pair" % path,
        "postalias: warning: %s, line 19: need name:value pair" % path,
        'postalias: warning: %s.db: duplicate entry: "dup"' % path,
    ]


def test_list(config, aliases):
    path, _ = aliases
    proc = config.run("postalias", "-s", "hash:" + path)
    assert proc.returncode == 0
    # Names folded and unquoted, values requoted with Postfix's spacing,
    # and the "@" entry that tells Sendmail the database is complete.
    assert sorted(proc.stdout.splitlines()) == sorted([
        "@:\t@",
        "mailer-daemon:\tpostmaster",
        "postmaster:\troot",
        "abuse:\tpostmaster",
        'root:\tadmin@example.com, "|/usr/bin/procmail -a root", '
        '/var/mail/archive',
        "john doe:\tjohn",
        "quoted:colon:\tx",
        "staff:\t:include:/etc/mail/staff.list",
        "owner-staff:\tadmin",
        'first.last:\t"First Last" <fl@example.com>, (a note) '
        'backup@example.org',
        "devnull:\t/dev/null",
        "dup:\tone",
    ])


def test_query(config, aliases):
    path, _ = aliases
    q = config.run("postalias", "-q", "POSTMASTER", "hash:" + path)
    assert (q.returncode, q.stdout, q.stderr) == (0, "root\n", "")
    assert config.run("postalias", "-q", "@", path).stdout == "@\n"
    assert config.run("postalias", "-q", "nobody", path).returncode == 1
    proc = config.run("postalias", "-q", "-", path,
                      input="root\nnone\nJohn Doe\n")
    assert proc.returncode == 0
    assert proc.stdout == (
        'root:\tadmin@example.com, "|/usr/bin/procmail -a root", '
        '/var/mail/archive\nJohn Doe:\tjohn\n')
    proc = config.run("postalias", "-q", "-", path, input="none\n")
    assert (proc.returncode, proc.stdout) == (1, "")


def test_postmap_reads_alias_database(config, aliases):
    path, _ = aliases
    assert config.run("postmap", "-q", "abuse", path).stdout == \
        "postmaster\n"


def test_no_folding(config, tmp_path):
    path = write(tmp_path / "a", "MixedCase: x\n")
    assert config.run("postalias", "-f", path).returncode == 0
    assert config.run("postalias", "-f", "-q", "MixedCase",
                      path).stdout == "x\n"
    assert config.run("postalias", "-q", "mixedcase", path).returncode == 1


def test_incremental(config, aliases):
    path, _ = aliases
    proc = config.run("postalias", "-i", path, input="new: x\nroot: y\n")
    assert proc.returncode == 0
    # The "@" entry is rewritten silently; real duplicates still warn.
    assert proc.stderr == ('postalias: warning: %s.db: duplicate entry: '
                           '"root"\n' % path)
    assert config.run("postalias", "-q", "new", path).stdout == "x\n"
    assert config.run("postalias", "-q", "root", path).stdout.startswith(
        "admin@example.com")
    proc = config.run("postalias", "-i", "-r", path, input="root: y\n")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert config.run("postalias", "-q", "root", path).stdout == "y\n"


def test_delete(config, aliases):
    path, _ = aliases
    assert config.run("postalias", "-d", "Root", path).returncode == 0
    assert config.run("postalias", "-d", "root", path).returncode == 1
    assert config.run("postalias", "-q", "root", path).returncode == 1


def test_errors(config, tmp_path):
    usage = ("postalias: fatal: usage: postalias [-Nfinoprsuvw] "
             "[-c config_dir] [-d key] [-q key] [map_type:]file...\n")
    assert config.run("postalias").stderr == usage
    proc = config.run("postalias", "-q", "x", "-s", "a")
    assert proc.stderr == ("postalias: fatal: specify only one of -s or -q "
                           "or -d\n")
    missing = str(tmp_path / "missing")
    proc = config.run("postalias", missing)
    assert (proc.returncode, proc.stderr) == (
        1, "postalias: fatal: open %s: No such file or directory\n"
        % missing)
    proc = config.run("postalias", "-q", "x", missing)
    assert proc.stderr == ("postalias: fatal: open database %s.db: No such "
                           "file or directory\n" % missing)
    src = write(tmp_path / "a", "a: b\n")
    proc = config.run("postalias", "texthash:" + src)
    assert proc.stderr == ("postalias: fatal: unsupported map type for this "
                           "operation: texthash\n")


def test_btree(config, tmp_path):
    src = write(tmp_path / "a", "b: 2\na: 1\n")
    assert config.run("postalias", "btree:" + src).returncode == 0
    assert config.run("postalias", "-s", "btree:" + src).stdout == \
        "@:\t@\na:\t1\nb:\t2\n"


def newaliases_listed():
    """Whether conf/postfix-files installs $newaliases_path."""
    with open(os.path.join(TOP, "conf", "postfix-files")) as f:
        return any(line.startswith("$newaliases_path:") for line in f)


def newaliases(installed, tmp_path, *args, env=None):
    """Run newaliases: the installed link, or one made here to postalias."""
    path = installed.path("newaliases_path")
    if not os.path.lexists(path):
        path = str(tmp_path / "newaliases")
        if not os.path.lexists(path):
            os.symlink(installed.command("postalias"), path)
    run_env = dict(os.environ)
    run_env.pop("MAIL_CONFIG", None)
    run_env.update(env or {})
    return subprocess.run([path] + list(args), env=run_env,
                          capture_output=True, text=True, timeout=60)


def test_newaliases_is_installed(installed):
    if not newaliases_listed():
        pytest.skip("the newaliases link is disabled in conf/postfix-files "
                    "until postfix-install can install links")
    link = installed.path("newaliases_path")
    assert os.path.islink(link)
    assert os.path.realpath(link) == os.path.realpath(
        installed.command("postalias"))


def test_newaliases_rebuilds_alias_database(installed, config, tmp_path):
    one = write(tmp_path / "aliases", "root: admin\n")
    two = write(tmp_path / "more", "Staff: a, b\n")
    config.write_main_cf(config.read_main_cf()
                         + "alias_database = hash:%s, btree:%s\n" % (one, two))
    proc = newaliases(installed, tmp_path, env={"MAIL_CONFIG": config.dir})
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert config.run("postalias", "-q", "root", "hash:" + one).stdout == \
        "admin\n"
    assert config.run("postalias", "-s", "btree:" + two).stdout == \
        "@:\t@\nstaff:\ta, b\n"
    # Warnings come from postalias, as with Postfix's newaliases.
    write(one, "root admin\n")
    proc = newaliases(installed, tmp_path, "-C", config.main_cf)
    assert (proc.returncode, proc.stderr) == (
        0, "postalias: warning: %s, line 1: need name:value pair\n" % one)


def test_newaliases_usage(installed, config, tmp_path):
    proc = newaliases(installed, tmp_path, "someone",
                      env={"MAIL_CONFIG": config.dir})
    assert proc.returncode == 64
    assert proc.stderr == ("newaliases: fatal: alias initialization mode "
                           "requires no recipient\n")
