"""
test_submission_crash.py - local submission survives crashes and junk

On a private instance running pickup, cleanup and trivial-rewrite (no
queue manager, so accepted messages stay in incoming/ to be counted):

- cleanup killed (SIGKILL) in the middle of a message that pickup is
  streaming leaves at most a partial (mode 0600) queue file, never a
  complete (0700) one; the maildrop file stays, and once pickup is woken
  again a new cleanup queues the message exactly once;
- pickup killed (SIGKILL) while it streams a file loses nothing: cleanup
  throws its partial file away, master starts a new pickup on the next
  wakeup, and the message is queued exactly once;
- garbage, truncated and empty files in maildrop/ (owned by root, ready
  mode) are moved to corrupt/ with a warning each, by the same pickup
  process, and a good message still flows;
- an unprivileged user (nobody) submits with sendmail through the
  set-group-ID postdrop when root's main.cf lists the instance's
  configuration directory in alternate_config_directories; the maildrop
  file belongs to nobody and the queue file says "from userid N". The
  default main.cf (/etc/postfix) is replaced only inside a private mount
  namespace (unshare -m), never on the host.

To catch cleanup and pickup in the middle of a message deterministically,
trivial-rewrite (limited to one process) is stopped with SIGSTOP after a
first message: cleanup then blocks on its first address rewrite, right
after it created its 0600 file, and pickup blocks writing the rest of a
message of a few megabytes into the full socket (the test checks that
pickup's read offset in the maildrop file stays between start and end).
"""

import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess

import pytest

from conftest import wait_until

LINE = "x" * 70
BIG_LINES = 40000                       # about 2.8 MB, below the size limit


def record(rtype, data):
    """One rec.h record: type, base-128 length (low first), data."""
    if isinstance(data, str):
        data = data.encode()
    out = rtype.encode()
    n = len(data)
    while True:
        if n > 127:
            out += bytes([(n & 127) | 128])
            n >>= 7
        else:
            out += bytes([n])
            break
    return out + data


def clean_env():
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return env


def sendmail(instance, sender, rcpt, body="hello\n"):
    argv = [instance.installed.path("sendmail_path"), "-C", instance.etc,
            "-f", sender, rcpt]
    proc = subprocess.run(argv, input="Subject: s\n\n" + body,
                          env=clean_env(), capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr


def big_body():
    return "".join("%s %06d\n" % (LINE, i) for i in range(BIG_LINES))


def qdir(instance, name):
    return os.path.join(instance.queue, name)


def queue_files(instance, name):
    """{file name: permission bits} of a queue directory."""
    out = {}
    d = qdir(instance, name)
    for f in os.listdir(d):
        try:
            out[f] = stat.S_IMODE(os.lstat(os.path.join(d, f)).st_mode)
        except FileNotFoundError:
            pass
    return out


def complete(instance):
    """Queue IDs of complete (mode 0700) files in incoming/ and hold/."""
    return sorted(f for name in ("incoming", "hold")
                  for f, mode in queue_files(instance, name).items()
                  if mode == 0o700)


def postcat(instance, queue_id):
    proc = subprocess.run([instance.installed.command("postcat"),
                           "-c", instance.etc, "-q", queue_id],
                          env=clean_env(), capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def senders(instance):
    """Sender of each complete queue file, sorted: counts deliveries."""
    found = []
    for queue_id in complete(instance):
        m = re.search(r"^sender: (.*)$", postcat(instance, queue_id), re.M)
        assert m, queue_id
        found.append(m.group(1))
    return sorted(found)


def daemons(instance, name):
    """PIDs of live processes running libexec/name."""
    pids = []
    for pid in instance.processes():
        try:
            exe = os.readlink("/proc/%d/exe" % pid)
        except OSError:
            continue
        if os.path.basename(exe) == name and instance.alive(pid):
            pids.append(pid)
    return pids


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def wake_pickup(instance):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(qdir(instance, "public/pickup"))
    sock.sendall(b"W")
    sock.close()


def start(instance):
    if not instance.maillog:
        pytest.skip("needs postlogd for the pickup and cleanup log lines")
    libexec = instance.installed.path("daemon_directory")
    for prog in ("pickup", "cleanup", "trivial-rewrite"):
        shutil.copy(os.path.join(libexec, prog), instance.libexec)
    instance.write_main_cf(
        myhostname="host.example.com", mydomain="example.com",
        myorigin="$myhostname")
    instance.write_master_cf(
        instance.echo_service(instance.port)
        + "pickup unix n - n 60 1 pickup\n"
        + "cleanup unix n - n - 0 cleanup\n"
        + "rewrite unix - - n - 1 trivial-rewrite\n")
    instance.start()
    wait_until(lambda: os.path.exists(qdir(instance, "public/pickup")), 10,
               "public/pickup")
    # A first message: cleanup and the one trivial-rewrite now exist.
    sendmail(instance, "warm@x", "r@example.com")
    wait_until(lambda: len(complete(instance)) == 1
               and not os.listdir(qdir(instance, "maildrop")), 15,
               "the first message in incoming/")
    rewrite = daemons(instance, "trivial-rewrite")
    assert len(rewrite) == 1, rewrite
    return rewrite


def stall(instance, rewrite):
    """Stop trivial-rewrite, submit a big message and wait until cleanup
    has its partial file and pickup is stuck streaming; the partial's
    name and the maildrop file name."""
    signal_all(rewrite, signal.SIGSTOP)
    before = set(queue_files(instance, "incoming"))
    sendmail(instance, "big@x", "r@example.com", big_body())
    [dropped] = os.listdir(qdir(instance, "maildrop"))

    def partial():
        new = {f: m for f, m in queue_files(instance, "incoming").items()
               if f not in before}
        return list(new.items()) if new else None
    [(name, mode)] = wait_until(partial, 15, "cleanup's partial file")
    assert mode == 0o600

    # pickup is stuck part way through the file (its read offset stays
    # put between the start and the end), blocked on the full socket.
    [pickup] = daemons(instance, "pickup")
    size = os.path.getsize(os.path.join(qdir(instance, "maildrop"), dropped))
    offsets = []

    def stuck():
        offsets.append(read_offset(pickup, dropped))
        return len(offsets) >= 4 and len(set(offsets[-4:])) == 1
    wait_until(stuck, 10, "pickup to block in the middle of the file",
               interval=0.1)
    assert 0 < offsets[-1] < size, (offsets[-1], size)
    return name, dropped


def read_offset(pid, name):
    """File offset of pid's descriptor for maildrop/name, or None."""
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.endswith("/maildrop/" + name):
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                for line in f:
                    if line.startswith("pos:"):
                        return int(line.split()[1])
    return None


def test_cleanup_killed_mid_message(instance):
    rewrite = start(instance)
    try:
        partial, dropped = stall(instance, rewrite)
        cleanups = daemons(instance, "cleanup")
        assert cleanups
        signal_all(cleanups, signal.SIGKILL)
    finally:
        signal_all(rewrite, signal.SIGCONT)
    wait_until(lambda: not any(map(instance.alive, cleanups)), 10,
               "the killed cleanup to go")
    # Said once, not "message file write error: message file write error".
    instance.wait_log("warning: maildrop/%s: message file write error; "
                      "will try again later" % dropped, timeout=15)

    # Nothing complete came of it; the maildrop file is still there.
    assert queue_files(instance, "incoming").get(partial) == 0o600
    assert senders(instance) == ["warm@x"]
    assert os.listdir(qdir(instance, "maildrop")) == [dropped]
    assert not os.listdir(qdir(instance, "corrupt"))

    # The next wakeup gets a new cleanup, and the message is queued once.
    wake_pickup(instance)
    wait_until(lambda: not os.listdir(qdir(instance, "maildrop")), 20,
               "the maildrop file to be picked up")
    wait_until(lambda: len(complete(instance)) == 2, 10,
               "the second complete queue file")
    wake_pickup(instance)                       # nothing left to send
    instance.wait_log("uid=0 from=<big@x>")
    assert senders(instance) == ["big@x", "warm@x"]
    [queue_id] = [q for q in complete(instance)
                  if "big@x" in postcat(instance, q)]
    text = postcat(instance, queue_id)
    assert "%s %06d" % (LINE, BIG_LINES - 1) in text
    assert partial != queue_id



def test_pickup_killed_mid_message(instance):
    rewrite = start(instance)
    try:
        partial, dropped = stall(instance, rewrite)
        [pickup] = daemons(instance, "pickup")
        os.kill(pickup, signal.SIGKILL)
        wait_until(lambda: not instance.alive(pickup), 10,
                   "the killed pickup to go")
    finally:
        signal_all(rewrite, signal.SIGCONT)
    # cleanup sees its client gone and removes its partial file.
    wait_until(lambda: partial not in queue_files(instance, "incoming"), 15,
               "cleanup to remove %s" % partial)
    assert senders(instance) == ["warm@x"]
    assert os.listdir(qdir(instance, "maildrop")) == [dropped]

    # A new pickup, started for the next wakeup, queues it once.
    wake_pickup(instance)
    wait_until(lambda: not os.listdir(qdir(instance, "maildrop")), 20,
               "the maildrop file to be picked up")
    wait_until(lambda: len(complete(instance)) == 2, 10,
               "the second complete queue file")
    [new_pickup] = daemons(instance, "pickup")
    assert new_pickup != pickup
    wake_pickup(instance)
    instance.wait_log("uid=0 from=<big@x>")
    assert senders(instance) == ["big@x", "warm@x"]
    assert not os.listdir(qdir(instance, "corrupt"))


def test_corrupt_files_set_aside(instance):
    start(instance)
    [pickup] = daemons(instance, "pickup")
    good = (record("T", "1700000000 0") + record("S", "t@x")
            + record("R", "r@example.com") + record("M", "")
            + record("N", "a line that will be cut short"))
    bad = {
        "GARBAGE": bytes(range(256)) * 8 + b"\xff\xff\xff\xff\xff",
        "TRUNCATED": good[:-10],
        "EMPTY": b"",
    }
    for name, data in bad.items():
        path = os.path.join(qdir(instance, "maildrop"), name)
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, 0, 0)
        os.chmod(path, 0o744)
    wake_pickup(instance)
    for name in bad:
        moved = os.path.join(qdir(instance, "corrupt"), name)
        wait_until(lambda: os.path.exists(moved), 10, "corrupt/" + name)
        with open(moved, "rb") as f:
            assert f.read() == bad[name]
        instance.wait_log("warning: maildrop/%s: uid=0: " % name)
        instance.wait_log("; moved to corrupt/%s" % name)
    assert os.listdir(qdir(instance, "maildrop")) == []

    # Same pickup, no fatal error, and mail still flows.
    sendmail(instance, "after@x", "r@example.com")
    wait_until(lambda: len(complete(instance)) == 2
               and not os.listdir(qdir(instance, "maildrop")), 15,
               "the message after the junk")
    assert senders(instance) == ["after@x", "warm@x"]
    assert daemons(instance, "pickup") == [pickup]
    assert "fatal" not in instance.log()
    assert "panic" not in instance.log()
    assert sorted(os.listdir(qdir(instance, "corrupt"))) == sorted(bad)


def test_unprivileged_sendmail(instance, tmp_path):
    """nobody submits through the set-group-ID postdrop."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1)")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True,
                           timeout=10)
    if probe.returncode != 0:
        pytest.skip("cannot make a mount namespace: %s" % probe.stderr)
    nobody = pwd.getpwnam("nobody")
    start(instance)

    # Commands where nobody can reach them, postdrop set-group-ID.
    bindir = os.path.join(instance.base, "bin")
    os.mkdir(bindir, 0o755)
    for prog in ("sendmail", "postdrop"):
        shutil.copy(instance.installed.command(prog), bindir)
        os.chmod(os.path.join(bindir, prog), 0o755)
    postdrop = os.path.join(bindir, "postdrop")
    shutil.chown(postdrop, "root", "postdrop")
    os.chmod(postdrop, 0o2755)
    instance.write_main_cf(command_directory=bindir)
    os.chmod(instance.etc, 0o755)
    os.chmod(instance.main_cf, 0o644)

    # Root's main.cf, in a private mount namespace only.
    default_dir = tmp_path / "default-etc"
    default_dir.mkdir()
    (default_dir / "main.cf").write_text(
        "alternate_config_directories = %s\n" % instance.etc)
    os.chmod(default_dir, 0o755)
    os.chmod(default_dir / "main.cf", 0o644)
    script = ('mount --bind "$1" /etc/postfix && shift && '
              'exec setpriv --reuid=%d --regid=%d --clear-groups "$@"'
              % (nobody.pw_uid, nobody.pw_gid))

    def run_as_nobody(confdir, sender):
        return subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             script, "sh", confdir, os.path.join(bindir, "sendmail"),
             "-C", instance.etc, "-f", sender, "r@example.com"],
            input="Subject: n\n\nfrom nobody\n", capture_output=True,
            text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})

    # Without the listing, postdrop refuses the directory: nothing queued.
    empty = tmp_path / "empty-etc"
    empty.mkdir()
    (empty / "main.cf").write_text("")
    os.chmod(empty, 0o755)
    os.chmod(empty / "main.cf", 0o644)
    proc = run_as_nobody(str(empty), "refused@x")
    assert proc.returncode != 0
    assert "untrusted configuration directory name" in proc.stderr, \
        proc.stderr
    assert os.listdir(qdir(instance, "maildrop")) == []

    # With it, the message goes through and carries nobody's user ID.
    signal_all(daemons(instance, "pickup"), signal.SIGSTOP)
    try:
        proc = run_as_nobody(str(default_dir), "nobody@x")
        assert proc.returncode == 0, proc.stderr
        [name] = os.listdir(qdir(instance, "maildrop"))
        st = os.lstat(os.path.join(qdir(instance, "maildrop"), name))
        assert st.st_uid == nobody.pw_uid
        assert stat.S_IMODE(st.st_mode) == 0o744
    finally:
        signal_all(daemons(instance, "pickup"), signal.SIGCONT)
    wake_pickup(instance)
    wait_until(lambda: len(complete(instance)) == 2, 15,
               "nobody's message in incoming/")
    assert senders(instance) == ["nobody@x", "warm@x"]
    instance.wait_log("uid=%d from=<nobody@x>" % nobody.pw_uid)
    [queue_id] = [q for q in complete(instance)
                  if "nobody@x" in postcat(instance, q)]
    assert ("(Postfix, from userid %d)" % nobody.pw_uid
            in postcat(instance, queue_id))
