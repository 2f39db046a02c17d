"""
test_submission.py - local submission: sendmail, postdrop, pickup

On a private instance: sendmail (as root) leaves a ready file in the
maildrop queue, which other users can neither list, read nor remove; a
set-group-ID postdrop run by an unprivileged user refuses a -c
directory that root's main.cf does not list, and stores nothing; with
pickup, cleanup and trivial-rewrite running, a message reaches
incoming/ (postcat -q shows it, pickup logs "uid=0 from=<...>"),
sendmail -t recipients are extracted, and a malformed maildrop file is
moved to corrupt/ with a warning. mailq and sendmail -bp run
postqueue, which lists the queue through showq.
"""

import os
import re
import shutil
import socket
import stat
import subprocess

from conftest import wait_until

MESSAGE = "Subject: test\n\nhello there\n.\nafter the dot\n"


def env_without_config():
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return env


def sendmail(instance, *args, input=MESSAGE, user=None):
    argv = [instance.installed.path("sendmail_path"), "-C", instance.etc]
    return subprocess.run(argv + list(args), input=input, user=user,
                          env=env_without_config(), capture_output=True,
                          text=True, timeout=60)


def maildrop(instance):
    return os.path.join(instance.queue, "maildrop")


def as_user(user, code):
    """Run Python code as another user; its stdout."""
    proc = subprocess.run(["python3", "-c", code], user=user,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def record(rtype, data):
    data = data.encode()
    out = rtype.encode()
    n = len(data)
    while True:
        if n > 127:
            out += bytes([(n & 127) | 128])
            n >>= 7
        else:
            return out + bytes([n]) + data


def test_maildrop_file_is_private(instance):
    instance.write_main_cf(
        command_directory=instance.installed.path("command_directory"))
    instance.start()
    proc = sendmail(instance, "-f", "a@x", "rcpt@example.com")
    assert proc.returncode == 0, proc.stderr
    # Nobody picks it up here: no pickup service in this master.cf.
    assert "unable to look up public/pickup" in proc.stderr
    files = os.listdir(maildrop(instance))
    assert len(files) == 1, files
    path = os.path.join(maildrop(instance), files[0])
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o744
    assert st.st_uid == 0
    drop = os.stat(maildrop(instance))
    assert stat.S_IMODE(drop.st_mode) == 0o1730
    with open(path, "rb") as f:
        data = f.read()
    assert record("S", "a@x") in data
    assert record("R", "rcpt@example.com") in data
    assert record("N", "hello there") in data
    assert b"after the dot" not in data
    assert data.endswith(record("X", "") + record("E", ""))

    # Another user can neither list, read nor remove it.
    out = as_user("nobody", """
import os
for what, fn in (("list", lambda: os.listdir(%r)),
                 ("read", lambda: open(%r, "rb").read()),
                 ("remove", lambda: os.unlink(%r))):
    try:
        fn()
        print(what, "allowed")
    except PermissionError:
        print(what, "denied")
""" % (maildrop(instance), path, path))
    assert out.split("\n") == ["list denied", "read denied",
                               "remove denied"]
    assert os.path.exists(path)


def test_mailq_runs_postqueue(instance):
    # With the mail system down, root's postqueue runs showq itself.
    shutil.copy(os.path.join(instance.installed.path("daemon_directory"),
                             "showq"), instance.libexec)
    instance.write_main_cf(
        command_directory=instance.installed.path("command_directory"))
    for argv in ([instance.installed.path("mailq_path")],
                 [instance.installed.path("sendmail_path"), "-bp"]):
        proc = subprocess.run(argv + ["-C", instance.etc],
                              env=env_without_config(), capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "Mail queue is empty\n"
        assert "Mail system is down -- accessing queue directly" \
            in proc.stderr
    proc = sendmail(instance)
    assert proc.returncode == 64
    assert "Recipient addresses must be specified" in proc.stderr


def test_setgid_postdrop_distrusts_caller(instance):
    instance.start()
    setgid_copy = os.path.join(instance.base, "postdrop")
    shutil.copy(instance.installed.command("postdrop"), setgid_copy)
    shutil.chown(setgid_copy, group="postdrop")
    os.chmod(setgid_copy, 0o2755)
    os.chmod(instance.etc, 0o755)
    os.chmod(instance.main_cf, 0o644)
    stream = (record("S", "evil") + record("R", "x@y") + record("M", "")
              + record("X", "") + record("E", ""))
    proc = subprocess.run([setgid_copy, "-c", instance.etc], input=stream,
                          user="nobody", capture_output=True, timeout=60,
                          env={"PATH": "/bin"})
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert ("postdrop: error: untrusted configuration directory name: %s"
            % instance.etc) in err or "/main.cf" in err, err
    assert os.listdir(maildrop(instance)) == []


def start_pipeline(instance):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("pickup", "cleanup", "trivial-rewrite"):
        shutil.copy(os.path.join(daemons, prog), instance.libexec)
    instance.write_main_cf(
        command_directory=instance.installed.path("command_directory"),
        myhostname="host.example.com", mydomain="example.com",
        myorigin="$myhostname")
    instance.write_master_cf(
        instance.echo_service(instance.port)
        + "pickup unix n - n 60 1 pickup\n"
        + "cleanup unix n - n - 0 cleanup\n"
        + "rewrite unix - - n - - trivial-rewrite\n")
    instance.start()
    wait_until(lambda: os.path.exists(
        os.path.join(instance.queue, "public", "pickup")), 10,
        "public/pickup")


def postcat(instance, queue_id):
    proc = subprocess.run([instance.installed.command("postcat"),
                           "-c", instance.etc, "-q", queue_id],
                          env=env_without_config(), capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def picked_up(instance, sender):
    """Queue ID from pickup's "ID: uid=0 from=<sender>" log line."""
    pattern = re.compile(r"pickup\[\d+\]: (\w+): uid=0 from=<%s>"
                         % re.escape(sender))
    wait_until(lambda: pattern.search(instance.log()), 20,
               "pickup log line for %s in:\n%s" % (sender, instance.log()))
    return pattern.search(instance.log()).group(1)


def test_sendmail_to_incoming(instance):
    if not instance.maillog:
        import pytest
        pytest.skip("needs postlogd for the pickup log line")
    start_pipeline(instance)
    proc = sendmail(instance, "-f", "a@x", "-F", "Joe", "rcpt@example.com")
    assert proc.returncode == 0, proc.stderr
    queue_id = picked_up(instance, "a@x")
    wait_until(lambda: os.listdir(maildrop(instance)) == [], 10,
               "an empty maildrop")
    text = postcat(instance, queue_id)
    assert "sender: a@x" in text
    assert "recipient: rcpt@example.com" in text
    assert "hello there" in text
    assert "after the dot" not in text
    assert "Received: by host.example.com (Postfix, from userid 0)" in text

    # -t: the recipients come from the headers.
    proc = sendmail(instance, "-t", "-i", "-f", "b@x",
                    input="To: tee@example.org\nSubject: t\n\n.\nbody\n")
    assert proc.returncode == 0, proc.stderr
    text = postcat(instance, picked_up(instance, "b@x"))
    assert "recipient: tee@example.org" in text
    assert "body" in text


def test_corrupt_maildrop_file(instance):
    if not instance.maillog:
        import pytest
        pytest.skip("needs postlogd for the warning")
    start_pipeline(instance)
    bad = os.path.join(maildrop(instance), "BADFILE")
    with open(bad, "wb") as f:
        f.write(record("R", "before@sender") + record("S", "x"))
    os.chmod(bad, 0o744)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.path.join(instance.queue, "public", "pickup"))
    sock.sendall(b"W")
    sock.close()
    moved = os.path.join(instance.queue, "corrupt", "BADFILE")
    wait_until(lambda: os.path.exists(moved), 10, "corrupt/BADFILE")
    assert not os.path.exists(bad)
    instance.wait_log("warning: maildrop/BADFILE: uid=0: "
                      "recipient record before the sender; "
                      "moved to corrupt/BADFILE")


def test_postdrop_refuses_bad_input(instance):
    """A malformed or truncated stream leaves no file behind."""
    instance.write_main_cf(
        command_directory=instance.installed.path("command_directory"))
    instance.start()
    for stream, why in ((b"Zjunk", "unknown record type"),
                        (record("S", "a") + record("M", ""),
                         "premature end of input"),
                        (record("S", "a") + record("A", "client_address=1")
                         + record("M", "") + record("X", "")
                         + record("E", ""), "unexpected attribute record")):
        proc = subprocess.run([instance.installed.command("postdrop"),
                               "-c", instance.etc], input=stream,
                              env=env_without_config(), capture_output=True,
                              timeout=30)
        assert proc.returncode == 65, proc.stderr
        assert why in proc.stderr.decode()
        assert os.listdir(maildrop(instance)) == []
    proc = sendmail(instance, "-f", "", "x@y")
    assert proc.returncode == 0, proc.stderr
    [name] = os.listdir(maildrop(instance))
    with open(os.path.join(maildrop(instance), name), "rb") as f:
        assert record("S", "") in f.read()


def test_authorized_submit_users(instance):
    """authorized_submit_users: sendmail and postdrop refuse a user the
    list excludes (here root itself), with Postfix's message and exit
    status EX_NOPERM, and nothing reaches the maildrop queue."""
    instance.start()
    instance.write_main_cf(authorized_submit_users="!root, static:all")
    proc = sendmail(instance, "-f", "a@example.org", "b@example.org")
    assert proc.returncode == 77, proc.stderr
    assert "User root(0) is not allowed to submit mail" in proc.stderr
    proc = subprocess.run([instance.installed.command("postdrop"), "-c",
                           instance.etc], input=b"", capture_output=True,
                          env=env_without_config(), timeout=60)
    assert proc.returncode == 77
    assert b"User root(0) is not allowed to submit mail" in proc.stderr
    assert os.listdir(maildrop(instance)) == []
    # A table and a /file/name pattern work as in the other lists.
    users = os.path.join(instance.base, "submitters")
    with open(users, "w") as f:
        f.write("# who may submit\nroot\n")
    instance.write_main_cf(authorized_submit_users=users)
    proc = sendmail(instance, "-f", "a@example.org", "b@example.org")
    assert proc.returncode == 0, proc.stderr
    assert len(os.listdir(maildrop(instance))) == 1
