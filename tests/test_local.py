"""test_local.py - the local(8) delivery agent in a running instance

Mail is submitted with sendmail to user@host.example.com and delivered
by qmgr and local into an mbox spool directory inside the instance, a
Maildir in the test user's home, alias destinations (file, command,
:include:), and an unknown user is bounced. Needs the test users that
tools/install-deps creates (pftest1, pftest2), root, and qmgr.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def need_users():
    if os.geteuid() != 0:
        pytest.skip("local(8) tests need root")
    for u in ("pftest1", "pftest2"):
        try:
            pwd.getpwnam(u)
        except KeyError:
            pytest.skip("test user %s missing: run tools/install-deps" % u)
    for prog in ("qmgr", "local"):
        if not os.path.exists(os.path.join(TOP, "libexec", prog)):
            pytest.skip("%s is not built yet" % prog)


def wait_file(path, want=None, timeout=20):
    """The contents of path once it exists (and contains want)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if want is None or want in data:
                return data
        time.sleep(0.2)
    raise AssertionError("no %s in %s" % (want, path))


def send(instance, rcpt, body=b"Subject: hi\n\nFrom me\nbody\n"):
    r = instance.sendmail("-f", "sender@example.org", rcpt, input=body)
    assert r.returncode == 0, r.stderr
    instance.wait_log("(queue active)", timeout=15)


@pytest.fixture
def spool(instance):
    need_users()
    path = os.path.join(instance.base, "mail")
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o1777)
    return path


def test_mbox_spool(instance, spool):
    instance.mail_system(mail_spool_directory=spool)
    send(instance, "pftest1@host.example.com")
    data = wait_file(os.path.join(spool, "pftest1"), b"body")
    assert data.startswith(b"From sender@example.org ")
    assert b"\nReturn-Path: <sender@example.org>\n" in data
    assert b"\nX-Original-To: pftest1@host.example.com\n" in data
    assert b"\nDelivered-To: pftest1@host.example.com\n" in data
    assert b"\n>From me\n" in data
    st = os.stat(os.path.join(spool, "pftest1"))
    assert st.st_uid == pwd.getpwnam("pftest1").pw_uid
    instance.wait_log("relay=local")
    instance.wait_log("status=sent (delivered to mailbox)")


def test_maildir(instance, spool):
    home = pwd.getpwnam("pftest2").pw_dir
    md = os.path.join(home, "Maildir")
    shutil.rmtree(md, ignore_errors=True)
    instance.mail_system(mail_spool_directory=spool,
                         home_mailbox="Maildir/")
    send(instance, "pftest2@host.example.com")
    deadline = time.time() + 20
    while time.time() < deadline:
        if os.path.isdir(os.path.join(md, "new")) and \
                os.listdir(os.path.join(md, "new")):
            break
        time.sleep(0.2)
    files = os.listdir(os.path.join(md, "new"))
    assert len(files) == 1
    with open(os.path.join(md, "new", files[0]), "rb") as f:
        data = f.read()
    assert data.startswith(b"Return-Path: <sender@example.org>\n")
    assert os.stat(os.path.join(md, "new", files[0])).st_uid == \
        pwd.getpwnam("pftest2").pw_uid
    shutil.rmtree(md, ignore_errors=True)


def test_aliases(instance, spool):
    out = os.path.join(instance.base, "out")
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o1777)
    incl = os.path.join(instance.base, "list.incl")
    with open(incl, "w") as f:
        f.write("pftest2\n")
    aliases = os.path.join(instance.base, "aliases")
    with open(aliases, "w") as f:
        # texthash: takes postmap's "key value" lines
        f.write("tofile %s/file.mbox\n" % out)
        f.write("tocmd \"|cat > %s/cmd.out\"\n" % out)
        f.write("list :include:%s\n" % incl)
        f.write("nested list\n")
    instance.mail_system(mail_spool_directory=spool,
                         alias_maps="texthash:" + aliases)
    send(instance, "tofile@host.example.com")
    send(instance, "tocmd@host.example.com")
    send(instance, "nested@host.example.com")
    try:
        wait_file(os.path.join(out, "file.mbox"), b"body")
    except AssertionError:
        raise AssertionError(instance.log())
    assert b"body" in wait_file(os.path.join(out, "cmd.out"), b"body")
    data = wait_file(os.path.join(spool, "pftest2"), b"body")
    assert b"X-Original-To: nested@host.example.com" in data
    instance.wait_log("delivered to command: cat > %s/cmd.out" % out)
    instance.wait_log("delivered to file: %s/file.mbox" % out)


def test_unknown_user(instance, spool):
    instance.mail_system(mail_spool_directory=spool)
    send(instance, "nosuchuser@host.example.com")
    instance.wait_log('dsn=5.1.1, status=bounced (unknown user: "nosuchuser")')


def test_size_limit(instance, spool):
    # The mailbox may not be smaller than a message: fill it instead.
    path = os.path.join(spool, "pftest1")
    with open(path, "wb") as f:
        f.write(b"From old@example.org Thu Jan  1 00:00:00 1970\n"
                + b"y" * 1900 + b"\n\n")
    pw = pwd.getpwnam("pftest1")
    os.chown(path, pw.pw_uid, pw.pw_gid)
    instance.mail_system(mail_spool_directory=spool,
                         mailbox_size_limit="2048",
                         message_size_limit="2048")
    send(instance, "pftest1@host.example.com",
         body=b"Subject: big\n\n" + b"x" * 300 + b"\n")
    instance.wait_log("File too large")


def test_size_limit_below_message_size_limit(instance, spool):
    """Postfix's local refuses to start with such a setting."""
    instance.mail_system(mail_spool_directory=spool, mailbox_size_limit="200")
    send(instance, "pftest1@host.example.com")
    instance.wait_log("fatal: main.cf configuration error: "
                      "mailbox_size_limit is smaller than message_size_limit")


def test_root_commands_run_as_default_privs(instance, spool):
    """Mail for root is never delivered to a command or file as root:
    mailbox_command for root runs with $default_privs (as in local(8)),
    while for an ordinary user it runs as that user."""
    out = os.path.join(instance.base, "ids")
    os.makedirs(out)
    os.chmod(out, 0o1777)
    instance.mail_system(mail_spool_directory=spool,
                         mailbox_command="/usr/bin/id -u > %s/$user" % out)
    send(instance, "root@host.example.com")
    send(instance, "pftest1@host.example.com")
    nobody = pwd.getpwnam("nobody").pw_uid
    assert wait_file(os.path.join(out, "root")).strip() == \
        str(nobody).encode()
    assert wait_file(os.path.join(out, "pftest1")).strip() == \
        str(pwd.getpwnam("pftest1").pw_uid).encode()


def test_require_home_directory(instance, spool):
    """A missing home directory defers with require_home_directory=yes."""
    user = "pfnohome%d" % (os.getpid() % 10000)
    parent = tempfile.mkdtemp(prefix="pfhome-")
    os.chmod(parent, 0o755)         # the user must be able to look inside
    home = os.path.join(parent, "missing-home")
    r = subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", user],
                       capture_output=True)
    if r.returncode != 0:
        shutil.rmtree(parent)
        pytest.skip("useradd failed: %s" % r.stderr.decode(errors="replace"))
    try:
        instance.mail_system(mail_spool_directory=spool,
                             require_home_directory="yes")
        send(instance, "%s@host.example.com" % user)
        instance.wait_log("dsn=4.3.0, status=deferred (cannot access home "
                          "directory %s: No such file or directory)" % home)
        assert not os.path.exists(os.path.join(spool, user))
        # Once the directory is there, the same user gets mail.
        os.makedirs(home)
        os.chown(home, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        send(instance, "%s@host.example.com" % user)
        wait_file(os.path.join(spool, user), b"body")
    finally:
        subprocess.run(["userdel", user], capture_output=True)
        shutil.rmtree(parent, ignore_errors=True)


def test_biff(instance, spool):
    """biff = yes: "user@offset" to 127.0.0.1:biff after mbox delivery."""
    try:
        port = socket.getservbyname("biff", "udp")
    except OSError:
        port = 512
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as e:
        sock.close()
        pytest.skip("cannot bind 127.0.0.1:%d: %s" % (port, e))
    try:
        sock.settimeout(20)
        instance.mail_system(mail_spool_directory=spool)
        mbox = os.path.join(spool, "pftest1")
        send(instance, "pftest1@host.example.com")
        data, _ = sock.recvfrom(512)
        assert data == b"pftest1@0\0"
        size = len(wait_file(mbox, b"body"))
        send(instance, "pftest1@host.example.com",
             body=b"Subject: two\n\nsecond\n")
        data, _ = sock.recvfrom(512)
        assert data == b"pftest1@%d\0" % size
        wait_file(mbox, b"second")
    finally:
        sock.close()
