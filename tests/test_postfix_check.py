"""
test_postfix_check.py - "postfix check", "postfix set-permissions", and
what the postfix command checks before any command

Runs on a private instance (conftest.Instance) that is not started:
its queue, data and daemon directories and its copy of postfix-files
(the installed one, without the shared commands and manual pages).
"""

import grp
import os
import pwd
import shutil
import stat
import subprocess
import tempfile

SCRIPT = "postfix/postfix-script: "

QUEUES = ("active", "bounce", "corrupt", "defer", "deferred", "flush",
          "hold", "incoming", "saved", "trace")


def owner_group_mode(path):
    st = os.lstat(path)
    return (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
            stat.S_IMODE(st.st_mode))


def assert_queue_tree(instance):
    """The queue and data directories as postfix-files has them."""
    postfix = pwd.getpwnam("postfix")
    for name in QUEUES + ("private",):
        st = os.stat(os.path.join(instance.queue, name))
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (postfix.pw_uid,
                                                         0o700), name
    assert owner_group_mode(os.path.join(instance.queue, "public")) == (
        "postfix", "postdrop", 0o710)
    assert owner_group_mode(os.path.join(instance.queue, "maildrop")) == (
        "postfix", "postdrop", 0o1730)
    st = os.stat(os.path.join(instance.queue, "pid"))
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o755)
    st = os.stat(instance.data)
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (postfix.pw_uid, 0o700)


# ------------------------------------------------------------- check

def test_check_creates_the_queue_tree(instance):
    proc = instance.postfix("check")
    assert proc.returncode == 0, proc.stderr
    for name in QUEUES + ("private", "public", "maildrop", "pid"):
        assert ("%screating missing directory: %s/%s\n"
                % (SCRIPT, instance.queue, name)) in proc.stderr
    assert "%screating missing directory: %s\n" % (SCRIPT, instance.data) \
        in proc.stderr
    assert "warning" not in proc.stderr and "fatal" not in proc.stderr
    assert_queue_tree(instance)

    # A second check finds nothing to say.
    proc = instance.postfix("check")
    assert (proc.returncode, proc.stderr) == (0, "")


def test_check_repairs_and_says_so(instance):
    assert instance.postfix("check").returncode == 0
    q = instance.queue
    os.chmod(os.path.join(q, "incoming"), 0o755)
    os.rmdir(os.path.join(q, "hold"))
    os.chown(os.path.join(q, "active"), 0, 0)
    os.chmod(os.path.join(q, "public"), 0o777)
    os.chown(os.path.join(q, "maildrop"), -1, 0)
    # Below a recursive queue: a hash subdirectory and a queue file.
    sub = os.path.join(q, "deferred", "A")
    os.mkdir(sub)
    os.chmod(sub, 0o777)
    queue_file = os.path.join(sub, "ABCDEF")
    with open(queue_file, "w") as f:
        f.write("x")
    os.chmod(queue_file, 0o744)
    # A link planted in the queue is not followed.
    os.symlink("/etc/passwd", os.path.join(q, "incoming", "link"))
    passwd_before = os.stat("/etc/passwd")

    proc = instance.postfix("check")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    for want in (
            "warning: wrong permissions 0755 (should be 0700): %s/incoming",
            "fixing permissions of %s/incoming: 0700",
            "creating missing directory: %s/hold",
            "warning: not owned by postfix: %s/active",
            "fixing ownership of %s/active: postfix",
            "warning: group or other writable: %s/public",
            "fixing permissions of %s/public: 0710",
            "warning: not owned by group postdrop: %s/maildrop",
            "fixing ownership of %s/maildrop: :postdrop",
            "warning: not owned by postfix: %s/deferred/A",
            "warning: group or other writable: %s/deferred/A",
            "fixing ownership of %s/deferred/A: postfix",
            "fixing permissions of %s/deferred/A: 0700",
            "warning: not owned by postfix: %s/deferred/A/ABCDEF",
            "fixing ownership of %s/deferred/A/ABCDEF: postfix",
            "warning: not owned by postfix: %s/incoming/link",
            "fixing ownership of %s/incoming/link: postfix"):
        assert SCRIPT + want % q in lines, (want, proc.stderr)
    assert_queue_tree(instance)
    assert owner_group_mode(sub)[::2] == ("postfix", 0o700)
    # Queue files keep their mode: it carries their state.
    assert owner_group_mode(queue_file)[::2] == ("postfix", 0o744)
    # The link itself changed owner; what it points to did not.
    assert os.lstat(os.path.join(q, "incoming", "link")).st_uid == \
        pwd.getpwnam("postfix").pw_uid
    after = os.stat("/etc/passwd")
    assert (after.st_uid, after.st_mode) == (passwd_before.st_uid,
                                             passwd_before.st_mode)

    proc = instance.postfix("check")
    assert (proc.returncode, proc.stderr) == (0, "")


def test_check_warns_about_configuration(instance):
    assert instance.postfix("check").returncode == 0
    os.chmod(instance.main_cf, 0o664)
    extra = os.path.join(instance.etc, "access")
    with open(extra, "w") as f:
        f.write("x\n")
    os.chown(extra, pwd.getpwnam("postfix").pw_uid, -1)
    os.symlink("/etc/hosts", os.path.join(instance.etc, "hosts"))
    corrupt = os.path.join(instance.queue, "corrupt", "DEADBEEF")
    with open(corrupt, "w") as f:
        f.write("x")
    os.chown(corrupt, pwd.getpwnam("postfix").pw_uid, -1)

    proc = instance.postfix("check")
    assert proc.returncode == 0, proc.stderr
    assert sorted(proc.stderr.splitlines()) == sorted([
        SCRIPT + "warning: group or other writable: " + instance.main_cf,
        SCRIPT + "warning: not owned by root: " + extra,
        SCRIPT + "warning: symlink leaves directory: %s/hosts" % instance.etc,
        SCRIPT + "warning: damaged message: " + corrupt,
    ])
    # Warnings only: the administrator's files are left alone.
    assert owner_group_mode(instance.main_cf)[2] == 0o664
    assert os.stat(extra).st_uid == pwd.getpwnam("postfix").pw_uid


def test_check_fatal_problems(instance):
    os.unlink(instance.master_cf)
    proc = instance.postfix("check")
    assert proc.returncode == 1
    assert proc.stderr.endswith(SCRIPT + "fatal: no %s file found\n"
                                % instance.master_cf)
    proc = instance.postfix("start")
    assert proc.returncode == 1
    assert proc.stderr.endswith(
        SCRIPT + "fatal: no %s file found\n" % instance.master_cf
        + SCRIPT + "fatal: Postfix integrity check failed!\n")
    assert "starting the Postfix mail system" not in proc.stderr
    assert not instance.processes()

    # With maillog_file, master.cf needs the postlog service.
    with open(instance.master_cf, "w") as f:
        f.write(instance.echo_service(instance.port))
    instance.write_main_cf(maillog_file=os.path.join(instance.base, "log"),
                           maillog_file_prefixes=instance.base)
    proc = instance.postfix("check")
    assert proc.returncode == 1
    assert SCRIPT + "fatal: missing 'postlog' service in master.cf" \
        in proc.stderr

    # A postfix-files entry that names an unknown account.
    instance.write_main_cf(maillog_file=None, maillog_file_prefixes=None)
    with open(os.path.join(instance.etc, "postfix-files"), "a") as f:
        f.write("$queue_directory/extra:d:nosuchuser:-:700:uc\n")
    proc = instance.postfix("check")
    assert proc.returncode == 1
    assert 'unknown user name "nosuchuser" for $queue_directory/extra' \
        in proc.stderr
    assert not os.path.exists(os.path.join(instance.queue, "extra"))


# ------------------------------------------- before any command

def test_directories_must_exist(instance):
    shutil.rmtree(instance.queue)
    proc = instance.postfix("status")
    assert proc.returncode == 1
    assert proc.stderr == (SCRIPT + "fatal: no Postfix queue directory %s!\n"
                           % instance.queue)
    os.mkdir(instance.queue)
    os.unlink(os.path.join(instance.libexec, "master"))
    proc = instance.postfix("check")
    assert proc.returncode == 1
    assert proc.stderr == (SCRIPT + "fatal: no Postfix master program "
                           "%s/master!\n" % instance.libexec)


def test_accounts_are_checked(instance):
    postfix = pwd.getpwnam("postfix")
    own_group = grp.getgrgid(postfix.pw_gid).gr_name
    main_cf = instance.main_cf
    for settings, message in (
            ({"mail_owner": "nosuchuser"},
             "parameter mail_owner: unknown user name value: nosuchuser"),
            ({"mail_owner": "root"},
             "parameter mail_owner: user root has privileged user ID"),
            ({"setgid_group": "nosuchgroup"},
             "parameter setgid_group: unknown group name: nosuchgroup"),
            ({"setgid_group": "root"},
             "parameter setgid_group: group root has privileged group ID"),
            ({"setgid_group": own_group},
             "parameters mail_owner and setgid_group: user postfix and group "
             "%s have the same group ID: %d" % (own_group, postfix.pw_gid))):
        instance.write_main_cf(mail_owner="postfix", setgid_group="postdrop")
        instance.write_main_cf(**settings)
        proc = instance.postfix("check")
        assert proc.returncode == 1, settings
        assert proc.stderr == "postfix: fatal: file %s: %s\n" % (main_cf,
                                                                 message)
        assert not os.path.exists(os.path.join(instance.queue, "incoming"))


def test_usage_errors(instance):
    proc = instance.postfix()
    assert proc.returncode == 1
    assert proc.stderr.startswith("postfix: fatal: usage: postfix ")
    proc = instance.postfix("bogus")
    assert proc.returncode == 1
    assert proc.stderr.startswith(SCRIPT + "fatal: unknown command: 'bogus'. "
                                  "Usage: postfix start (or ")
    proc = instance.postfix("-x", "status")
    assert proc.returncode == 1
    assert "usage" in proc.stderr


def test_reserved_for_the_superuser(instance):
    # A copy that the unprivileged user can execute.
    where = tempfile.mkdtemp(prefix="pfx-bin-")
    try:
        os.chmod(where, 0o755)
        program = os.path.join(where, "postfix")
        shutil.copy(instance.installed.command("postfix"), program)
        nobody = pwd.getpwnam("nobody")

        def drop():
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
        proc = subprocess.run([program, "status"], preexec_fn=drop,
                              capture_output=True, text=True, timeout=30,
                              env={"PATH": "/usr/bin:/bin"})
        assert proc.returncode == 1
        assert proc.stderr == ("postfix: fatal: the postfix command is "
                               "reserved for the superuser\n")
    finally:
        shutil.rmtree(where)


# ------------------------------------------------- set-permissions

def test_set_permissions(instance):
    assert instance.postfix("check").returncode == 0
    q = instance.queue
    os.chown(os.path.join(q, "incoming"), 0, 0)
    os.chmod(os.path.join(q, "maildrop"), 0o755)
    os.rmdir(os.path.join(q, "flush"))
    master = os.path.join(instance.libexec, "master")
    os.chmod(master, 0o700)

    proc = instance.postfix("set-permissions")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert_queue_tree(instance)
    # Files listed in postfix-files get their mode too.
    assert owner_group_mode(master)[::2] == ("root", 0o755)

    # name=value: recorded in main.cf first, then applied.
    proc = instance.postfix("set-permissions", "setgid_group=mail")
    assert (proc.returncode, proc.stderr) == (0, "")
    with open(instance.main_cf) as f:
        assert "setgid_group = mail\n" in f.read()
    assert owner_group_mode(os.path.join(q, "public"))[1] == "mail"
    assert owner_group_mode(os.path.join(q, "maildrop"))[1] == "mail"

    proc = instance.postfix("set-permissions", "no_such_thing=1")
    assert proc.returncode == 1
    assert "unknown installation parameter: no_such_thing" in proc.stderr
