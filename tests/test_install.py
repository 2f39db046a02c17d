"""
test_install.py - postfix-install and conf/postfix-files

The session fixture installs into a throw-away root (install_root, so no
ownership changes: everything belongs to the user running the tests and
files lose set-ID bits, as conf/postfix-files documents). Tests that
change an installation make their own in a temporary root.
"""

import grp
import os
import pty
import pwd
import re
import select
import shutil
import stat
import subprocess
import time

import pytest

from conftest import INSTALL_PATHS, TOP

POSTFIX_FILES = os.path.join(TOP, "conf", "postfix-files")

# Installation parameters recorded in main.cf, with the session's values.
RECORDED = {name: value for name, value in INSTALL_PATHS.items()
            if name != "config_directory"}
RECORDED.update({"mail_owner": "postfix", "setgid_group": "postdrop"})

# Where each kind of installed file comes from in the build tree.
SOURCES = {
    "command_directory": "bin", "daemon_directory": "libexec",
    "config_directory": "conf", "meta_directory": "conf",
    "manpage_directory": "man", "html_directory": "html",
    "readme_directory": "README_FILES",
}


def entries():
    """conf/postfix-files as (path, type, owner, group, mode, flags)."""
    result = []
    with open(POSTFIX_FILES) as f:
        for line in f:
            if not line.startswith("$"):
                continue
            fields = line.rstrip("\n").split(":")
            fields += [""] * (6 - len(fields))
            result.append(tuple(fields[:6]))
    return result


def source_of(path):
    """Build tree file for a $param/name entry of type f."""
    param, _, rest = path[1:].partition("/")
    if param == "sendmail_path":
        return os.path.join(TOP, "bin", "sendmail")
    return os.path.join(TOP, SOURCES[param], rest)


def host_path(root, path, params):
    """Installed location of a $param/rest entry, or None if "no"."""
    param, slash, rest = path[1:].partition("/")
    value = params[param]
    if value == "no":
        return None
    return root + value + slash + rest


def install(root, *args, cwd=TOP, stdin=subprocess.DEVNULL):
    return subprocess.run(["sh", os.path.join(cwd, "postfix-install"),
                           "-non-interactive", "install_root=" + root]
                          + list(args),
                          cwd=cwd, capture_output=True, text=True,
                          stdin=stdin, timeout=120)


def main_cf_settings(path):
    """name -> list of values, for each 'name = value' line of main.cf."""
    settings = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_]+) = (.*)$", line.rstrip("\n"))
            if m:
                settings.setdefault(m.group(1), []).append(m.group(2))
    return settings


# ---------------------------------------------------- conf/postfix-files

def test_postfix_files_is_well_formed(installed):
    seen = set()
    assert entries(), "no entries"
    for path, ftype, owner, group, mode, flags in entries():
        m = re.match(r"^\$([a-z_]+)(/[^:\s]+)?$", path)
        assert m and m.group(1) in INSTALL_PATHS, path
        assert path not in seen, "duplicate " + path
        seen.add(path)
        assert ftype in ("d", "f", "l", "h"), path
        if ftype in ("d", "f"):
            assert owner in ("root", "$mail_owner"), path
            assert group in ("-", "$setgid_group"), path
            assert re.match(r"^[0-7]{3,4}$", mode), path
        else:
            m = re.match(r"^\$([a-z_]+)(/\S+)?$", owner)
            assert m and m.group(1) in INSTALL_PATHS, path
        assert set(flags) <= set("pucrm"), path
        # The tree is built: every file that must be there is.
        if ftype == "f" and "m" not in flags:
            assert os.path.exists(source_of(path)), "no source for " + path
    for queue in ("active", "bounce", "corrupt", "defer", "deferred",
                  "flush", "hold", "incoming", "saved", "trace", "private"):
        assert ("$queue_directory/" + queue, "d", "$mail_owner", "-",
                "700", "ucr" if queue != "private" else "uc") in entries()
    assert ("$queue_directory/maildrop", "d", "$mail_owner",
            "$setgid_group", "1730", "uc") in entries()
    assert ("$queue_directory/public", "d", "$mail_owner",
            "$setgid_group", "710", "uc") in entries()
    assert ("$config_directory/main.cf", "f", "root", "-", "644", "p") \
        in entries()
    assert ("$config_directory/master.cf", "f", "root", "-", "644", "p") \
        in entries()


# --------------------------------------------------- the session install

def test_installed_tree_matches_postfix_files(installed):
    """Every entry exists with its mode; ownership stays the installer's."""
    params = dict(INSTALL_PATHS, mail_owner="postfix", setgid_group="postdrop")
    checked = 0
    for path, ftype, owner, group, mode, flags in entries():
        where = host_path(installed.root, path, params)
        if where is None:
            continue
        if ftype == "f" and "m" in flags and not os.path.exists(
                source_of(path)):
            assert not os.path.exists(where), where
            continue
        st = os.lstat(where)
        want = int(mode, 8)
        if ftype == "d":
            assert stat.S_ISDIR(st.st_mode), where
        elif ftype == "f":
            assert stat.S_ISREG(st.st_mode), where
            want &= ~(stat.S_ISUID | stat.S_ISGID)
            if "p" not in flags:
                with open(where, "rb") as a, open(source_of(path), "rb") as b:
                    assert a.read() == b.read(), where
        else:
            # A link: the owner field names what it points to.
            to = host_path(installed.root, owner, params)
            if to is not None:
                assert os.path.realpath(where) == os.path.realpath(to), where
                if ftype == "l":
                    assert stat.S_ISLNK(st.st_mode), where
                    # Relative, so that it also works after unpacking.
                    assert not os.readlink(where).startswith("/"), where
                else:
                    assert os.path.samefile(where, to), where
            continue
        assert stat.S_IMODE(st.st_mode) == want, \
            "%s: mode %o, want %o" % (where, stat.S_IMODE(st.st_mode), want)
        # An install_root install does not change ownership.
        assert st.st_uid == os.getuid(), where
        checked += 1
    assert checked >= 20
    # Nothing but what postfix-files lists, and no temporary files.
    for dirpath, dirnames, filenames in os.walk(installed.root):
        for name in filenames:
            assert ".postfix-install." not in name, os.path.join(dirpath, name)


def test_installed_main_cf_records_parameters(installed):
    main_cf = os.path.join(installed.path("config_directory"), "main.cf")
    settings = main_cf_settings(main_cf)
    for name, value in RECORDED.items():
        # Replaced in place: exactly one setting per name.
        assert settings.get(name) == [value], name
    assert "config_directory" not in settings
    assert "install_root" not in settings
    assert settings["compatibility_level"] == ["3.7"]
    # The shipped comments are all still there, in order.
    with open(os.path.join(TOP, "conf", "main.cf")) as f:
        shipped_comments = [l for l in f if l.startswith("#")]
    with open(main_cf) as f:
        installed_comments = [l for l in f if l.startswith("#")]
    assert installed_comments == shipped_comments
    with open(os.path.join(TOP, "conf", "master.cf")) as a, \
            open(os.path.join(installed.path("config_directory"),
                              "master.cf")) as b:
        assert a.read() == b.read()


def test_installed_postconf_reads_recorded_parameters(installed):
    postconf = installed.command("postconf")
    proc = subprocess.run(
        [postconf, "-c", installed.path("config_directory"), "-h",
         "daemon_directory", "mail_owner", "meta_directory"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "%s\npostfix\n%s\n" % (
        INSTALL_PATHS["daemon_directory"], INSTALL_PATHS["meta_directory"])


# ------------------------------------------------- own installations

def test_reinstall_preserves_configuration(installed, tmp_path):
    """
    A second install keeps a modified main.cf and master.cf, takes the
    parameters it does not get from the installed main.cf, and records
    a changed one in place.
    """
    root = str(tmp_path / "root")
    proc = install(root, "queue_directory=/srv/queue",
                   "data_directory=/srv/data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    etc = root + "/etc/postfix"
    with open(etc + "/main.cf", "a") as f:
        f.write("myhostname = mail.example.com\n")
    with open(etc + "/master.cf", "a") as f:
        f.write("# local change\n")
    with open(etc + "/main.cf") as f:
        before = f.read()
    with open(etc + "/master.cf") as f:
        master_before = f.read()
    old_daemon_directory = main_cf_settings(etc + "/main.cf")[
        "daemon_directory"][0]

    proc = install(root, "daemon_directory=/opt/libexec/mail")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(etc + "/main.cf") as f:
        after = f.read()
    assert after == before.replace(
        "daemon_directory = " + old_daemon_directory,
        "daemon_directory = /opt/libexec/mail")
    with open(etc + "/master.cf") as f:
        assert f.read() == master_before
    settings = main_cf_settings(etc + "/main.cf")
    assert settings["queue_directory"] == ["/srv/queue"]
    assert settings["myhostname"] == ["mail.example.com"]
    # The remembered queue directory was used again.
    assert os.path.isdir(root + "/srv/queue/maildrop")
    assert os.path.isdir(root + "/opt/libexec/mail")
    assert "preserved" in proc.stdout


def test_install_replaces_changed_program_atomically(installed, tmp_path):
    root = str(tmp_path / "root")
    assert install(root).returncode == 0
    postconf = root + "/usr/sbin/postconf"
    with open(postconf, "ab") as f:
        f.write(b"stale")
    os.chmod(postconf, 0o700)
    before = os.stat(postconf)
    proc = install(root)
    assert proc.returncode == 0, proc.stderr
    after = os.stat(postconf)
    # A new file renamed into place, not the old one rewritten.
    assert after.st_ino != before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o755
    with open(postconf, "rb") as a, \
            open(os.path.join(TOP, "bin", "postconf"), "rb") as b:
        assert a.read() == b.read()
    assert "Updating %s..." % postconf in proc.stdout


def test_root_install_sets_ownership(installed, tmp_path):
    """
    As root and without install_root, owners and groups are set as
    postfix-files says (with accounts that exist on any Debian system).
    """
    if os.getuid() != 0:
        pytest.skip("needs root")
    try:
        owner = pwd.getpwnam("daemon").pw_uid
        group = grp.getgrnam("mail").gr_gid
    except KeyError:
        pytest.skip("no daemon user or mail group")
    base = str(tmp_path / "sys")
    params = {name: base + value for name, value in INSTALL_PATHS.items()
              if value != "no"}
    params.update(mail_owner="daemon", setgid_group="mail")
    proc = subprocess.run(["sh", "postfix-install", "-non-interactive"]
                          + ["%s=%s" % kv for kv in params.items()],
                          cwd=TOP, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    queue = params["queue_directory"]
    for name, uid, gid, mode in (
            ("incoming", owner, None, 0o700),
            ("maildrop", owner, group, 0o1730),
            ("public", owner, group, 0o710),
            ("pid", 0, None, 0o755)):
        st = os.stat(os.path.join(queue, name))
        assert st.st_uid == uid, name
        if gid is not None:
            assert st.st_gid == gid, name
        assert stat.S_IMODE(st.st_mode) == mode, name
    st = os.stat(params["data_directory"])
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (owner, 0o700)
    st = os.stat(os.path.join(params["command_directory"], "postconf"))
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o755)
    settings = main_cf_settings(os.path.join(params["config_directory"],
                                             "main.cf"))
    assert settings["mail_owner"] == ["daemon"]
    assert settings["queue_directory"] == [queue]


def test_install_refuses_unbuilt_tree(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(os.path.join(TOP, "postfix-install"), tree)
    shutil.copytree(os.path.join(TOP, "conf"), tree / "conf")
    proc = install(str(tmp_path / "root"), cwd=str(tree))
    assert proc.returncode == 1
    assert "bin/postconf" in proc.stderr and "make" in proc.stderr
    assert not (tmp_path / "root").exists()


def test_install_rejects_bad_parameters(installed, tmp_path):
    root = str(tmp_path / "root")
    for args, words in (
            (["queue_directory=relative/path"], "absolute"),
            (["html_directory=docs"], '"no" or an absolute'),
            (["no_such_parameter=1"], "unknown installation parameter"),
            (["manpage_directory=no"], "manpage_directory"),
            (["bogus-option"], "usage")):
        proc = install(root, *args)
        assert proc.returncode == 1, args
        assert words in proc.stderr, (args, proc.stderr)
    assert not os.path.exists(root + "/etc/postfix/main.cf")


def test_package_needs_install_root(installed, tmp_path):
    proc = subprocess.run(["sh", "postfix-install", "-non-interactive",
                           "-package"], cwd=TOP, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 1
    assert "install_root" in proc.stderr
    root = str(tmp_path / "pkg")
    proc = install(root, "-package")
    assert proc.returncode == 0, proc.stderr
    assert os.path.isfile(root + "/etc/postfix/main.cf")
    assert os.stat(root + "/usr/sbin/postconf").st_uid == os.getuid()


def test_interactive_needs_a_terminal(installed, tmp_path):
    proc = subprocess.run(["sh", "postfix-install",
                           "install_root=" + str(tmp_path)],
                          cwd=TOP, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 1
    assert "-non-interactive" in proc.stderr


def test_interactive_install(installed, tmp_path):
    """Prompts show the current choice; an answer replaces it."""
    root = str(tmp_path / "root")
    answers = {"install_root": root, "mail_owner": "mailer",
               "readme_directory": ""}
    master, slave = pty.openpty()
    proc = subprocess.Popen(["sh", "postfix-install",
                             "readme_directory=/usr/share/doc/mail"],
                            cwd=TOP, stdin=slave, stdout=slave,
                            stderr=subprocess.STDOUT)
    os.close(slave)
    output = b""
    prompts = []
    deadline = time.time() + 60
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
                m = re.search(rb"\n([a-z_]+): \[([^\]\r\n]*)\] $", output)
                if m:
                    name = m.group(1).decode()
                    prompts.append((name, m.group(2).decode()))
                    output = b""
                    os.write(master, (answers.get(name, "") + "\n").encode())
            elif proc.poll() is not None:
                break
        proc.wait(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0, output.decode(errors="replace")
    asked = dict(prompts)
    assert [name for name, _ in prompts[:2]] == ["install_root",
                                                 "config_directory"]
    assert set(asked) == {"install_root"} | set(INSTALL_PATHS) \
        | {"mail_owner", "setgid_group"}
    assert asked["install_root"] == "/"
    assert asked["mail_owner"] == "postfix"
    # A command-line setting is the default that the prompt offers.
    assert asked["readme_directory"] == "/usr/share/doc/mail"
    settings = main_cf_settings(root + asked["config_directory"] + "/main.cf")
    assert settings["mail_owner"] == ["mailer"]
    assert settings["readme_directory"] == ["/usr/share/doc/mail"]
