"""
test_postlog.py - logging to $maillog_file through postlogd, and postlog(1)

Each test runs a private mail system: its own configuration, queue and
daemon directories under /tmp (readable by $mail_owner, which the
daemons become), the installed master and postlogd plus the build
tree's test_echo_server, and maillog_file in its own log directory
(allowed by maillog_file_prefixes). It checks the lines that reach the
file and their syslog shape, as Postfix 3.7's msg_logger(3) writes them:
"Mmm dd hh:mm:ss host tag[pid]: text". The instance is torn down
whatever happens: master gets SIGTERM, and any of its daemons still
alive afterwards is killed by process ID.
"""

import os
import re
import select
import signal
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import TOP

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="master runs as root")

HOST = "testhost.example.com"
STAMP = r"[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2}"


def record_re(tag, text, pid=None):
    """A whole maillog_file line, as a regular expression."""
    pid_re = str(pid) if pid is not None else r"\d+"
    return re.compile(r"^%s testhost %s\[%s\]: %s$"
                      % (STAMP, re.escape(tag), pid_re, text), re.M)


class Instance:
    """A private mail system with maillog_file set."""

    def __init__(self, installed, maillog_file=None, prefixes=None):
        self.installed = installed
        self.base = tempfile.mkdtemp(prefix="postlog-test.", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.etc = os.path.join(self.base, "etc")
        self.queue = os.path.join(self.base, "queue")
        self.libexec = os.path.join(self.base, "libexec")
        self.logdir = os.path.join(self.base, "log")
        for d in (self.etc, self.queue, self.libexec, self.logdir):
            os.mkdir(d)
            os.chmod(d, 0o755)
        self.maillog = os.path.join(self.logdir, "maillog")
        for name in ("master", "postlogd"):
            src = os.path.join(installed.path("daemon_directory"), name)
            if not os.path.exists(src):
                src = os.path.join(TOP, "libexec", name)
            shutil.copy(src, self.libexec)
        shutil.copy(os.path.join(TOP, "src", "master", "test_echo_server"),
                    self.libexec)
        self.master_pid = None
        self.master_proc = None
        self.write_main_cf(self.maillog if maillog_file is None
                           else maillog_file,
                           self.logdir if prefixes is None else prefixes)
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write("postlog   unix-dgram n  -       n       -       1"
                    "       postlogd\n"
                    "echo      unix  n       -       n       -       1"
                    "       test_echo_server -v model=trigger\n"
                    "broken    unix  n       -       n       -       1"
                    "       test_echo_server model=trigger fail\n")

    def write_main_cf(self, maillog_file, prefixes, extra=""):
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write("queue_directory = %s\n" % self.queue)
            f.write("daemon_directory = %s\n" % self.libexec)
            f.write("data_directory = %s\n" % os.path.join(self.base, "data"))
            f.write("command_directory = %s\n"
                    % self.installed.path("command_directory"))
            f.write("mail_owner = postfix\nsetgid_group = postdrop\n")
            f.write("myhostname = %s\n" % HOST)
            f.write("maillog_file = %s\n" % maillog_file)
            f.write("maillog_file_prefixes = %s\n" % prefixes)
            f.write(extra)

    # Master.

    def start(self):
        proc = subprocess.run([os.path.join(self.libexec, "master"),
                               "-c", self.etc, "-w"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        with open(os.path.join(self.queue, "pid", "master.pid")) as f:
            self.master_pid = int(f.read().strip())
        return proc

    def start_foreground(self):
        """master -d with standard output on a pipe (postfix start-fg)."""
        self.master_proc = subprocess.Popen(
            [os.path.join(self.libexec, "master"), "-c", self.etc, "-d"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.master_pid = self.master_proc.pid

    def stop(self):
        """SIGTERM master, wait, then kill whatever of ours is left."""
        if self.master_pid is not None:
            try:
                os.kill(self.master_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.time() + 10
            while time.time() < deadline and self.alive(self.master_pid):
                if self.master_proc is not None:
                    self.master_proc.poll()
                time.sleep(0.05)
            if self.alive(self.master_pid):
                os.kill(self.master_pid, signal.SIGKILL)
            if self.master_proc is not None:
                self.master_proc.wait(timeout=10)
        for pid in self.our_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.master_pid = None

    @staticmethod
    def alive(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().split(") ")[-1][0] != "Z"
        except OSError:
            return False

    def our_processes(self):
        """Processes whose program lives in our daemon directory."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                exe = os.readlink("/proc/%s/exe" % entry)
            except OSError:
                continue
            if exe.startswith(self.libexec + "/"):
                pids.append(int(entry))
        return pids

    def cleanup(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    # Clients.

    def postlog_argv(self, *args):
        return [self.installed.command("postlog"), "-c", self.etc] + list(args)

    def postlog(self, *args, input=None):
        """Run postlog; returns (process id, CompletedProcess-like)."""
        proc = subprocess.Popen(self.postlog_argv(*args),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate(input=input or "", timeout=60)
        return proc.pid, subprocess.CompletedProcess(proc.args,
                                                     proc.returncode, out, err)

    def trigger(self, service, data):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(os.path.join(self.queue, "public", service))
            s.sendall(data)
        finally:
            s.close()

    def datagram(self, data):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.connect(os.path.join(self.queue, "public", "postlog"))
            s.send(data)
        finally:
            s.close()

    # The log.

    def read_log(self, path=None):
        try:
            with open(path or self.maillog, encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for(self, regex, path=None, timeout=15):
        """Wait until the log has a line that matches; returns the match."""
        deadline = time.time() + timeout
        while True:
            text = self.read_log(path)
            m = regex.search(text)
            if m:
                return m
            if time.time() > deadline:
                pytest.fail("no line matching %r in %s:\n%s"
                            % (regex.pattern, path or self.maillog, text))
            time.sleep(0.05)


class PipeReader:
    """Collects what a pipe delivers, without blocking forever."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.text = ""

    def wait_for(self, regex, timeout=15):
        deadline = time.time() + timeout
        while not regex.search(self.text):
            left = deadline - time.time()
            if left <= 0:
                pytest.fail("no line matching %r in:\n%s"
                            % (regex.pattern, self.text))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                data = os.read(self.fd, 65536)
                if not data:
                    pytest.fail("end of output; no line matching %r in:\n%s"
                                % (regex.pattern, self.text))
                self.text += data.decode("utf-8", "replace")


@pytest.fixture
def instance(installed):
    inst = Instance(installed)
    try:
        yield inst
    finally:
        inst.cleanup()


def test_master_and_daemon_lines(instance):
    instance.start()
    m = instance.wait_for(record_re(
        "postfix/master",
        r"daemon started -- version \S+, configuration %s"
        % re.escape(instance.etc), instance.master_pid))
    assert m

    # A daemon's lines: the skeleton's verbose start-up and its own.
    instance.trigger("echo", b"hello-trigger")
    m = instance.wait_for(record_re("postfix/test_echo_server",
                                    "trigger: hello-trigger"))
    pid = re.search(r"\[(\d+)\]", m.group(0)).group(1)
    assert record_re("postfix/test_echo_server", "daemon started",
                     pid).search(instance.read_log())

    # Nothing but records: every line has the syslog shape.
    for line in instance.read_log().splitlines():
        assert re.match(r"^%s testhost \S+\[\d+\]: " % STAMP, line), line


def test_daemon_fatal_and_master_warning(instance):
    instance.start()
    instance.trigger("broken", b"x")
    m = instance.wait_for(record_re("postfix/test_echo_server",
                                    "fatal: startup failure requested"))
    pid = re.search(r"\[(\d+)\]", m.group(0)).group(1)
    instance.wait_for(record_re(
        "postfix/master", r"warning: process %s pid %s exit status 1"
        % (re.escape(os.path.join(instance.libexec, "test_echo_server")),
           pid), instance.master_pid))


def test_postlog_tag(instance):
    instance.start()
    pid, proc = instance.postlog("-t", "mytag", "hello", "world")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "postlog: hello world\n"
    instance.wait_for(record_re("mytag", "hello world", pid))

    # Default tag: $syslog_name/postlog.
    pid, proc = instance.postlog("-i", "default", "tag")
    assert proc.returncode == 0, proc.stderr
    instance.wait_for(record_re("postfix/postlog", "default tag", pid))


def test_postlog_stdin(instance):
    instance.start()
    pid, proc = instance.postlog("-p", "warning",
                                 input="line one\n\nline\tthree\nno newline")
    assert proc.returncode == 0, proc.stderr
    instance.wait_for(record_re("postfix/postlog", "warning: no newline", pid))
    lines = [l for l in instance.read_log().splitlines()
             if "postfix/postlog[%d]" % pid in l]
    assert [l.split("]: ", 1)[1] for l in lines] == [
        "warning: line one", "warning: ", "warning: line?three",
        "warning: no newline"]


def test_postlog_priorities(instance):
    instance.start()
    for prio, label in (("info", ""), ("warn", "warning: "),
                        ("err", "error: "), ("error", "error: "),
                        ("crit", "fatal: "), ("panic", "panic: ")):
        pid, proc = instance.postlog("-t", "prio", "-p", prio, "text " + prio)
        assert proc.returncode == 0, proc.stderr
        instance.wait_for(record_re("prio", label + "text " + prio, pid))

    pid, proc = instance.postlog("-p", "bogus", "x")
    assert proc.returncode != 0
    assert 'postlog: fatal: bad severity: "bogus"' in proc.stderr

    pid, proc = instance.postlog("-x", "x")
    assert proc.returncode != 0
    assert "usage: postlog" in proc.stderr


def test_control_characters(instance):
    instance.start()

    # Through the log module: one record, one line.
    pid, proc = instance.postlog("-t", "ctl", "a\x01b\nc\rd\x7fe")
    assert proc.returncode == 0, proc.stderr
    instance.wait_for(record_re("ctl", r"a\?b\?c\?d\?e", pid))

    # A raw datagram from a client that does not sanitize: postlogd does.
    instance.datagram(b"Jan 01 00:00:00 h forged[1]: a\n"
                      b"Jan 01 00:00:00 h injected[2]: b\x1b[31m\tc\n")
    instance.wait_for(re.compile(
        r"^Jan 01 00:00:00 h forged\[1\]: a\?Jan 01 00:00:00 h "
        r"injected\[2\]: b\?\[31m\?c$", re.M))
    assert not re.search(r"^Jan 01 00:00:00 h injected", instance.read_log(),
                         re.M)

    # Tags are made printable too.
    pid, proc = instance.postlog("-t", "bad\ttag\x02", "x")
    assert proc.returncode == 0, proc.stderr
    instance.wait_for(record_re("bad?tag?", "x", pid))


def test_stop_is_logged(instance):
    instance.start()
    instance.wait_for(record_re("postfix/master", "daemon started.*",
                                instance.master_pid))
    pid = instance.master_pid
    instance.stop()
    instance.wait_for(record_re("postfix/master", "terminating on signal 15",
                                pid), timeout=5)


def test_postlog_writes_directly_when_down(instance):
    # Nothing runs: no socket. postlog (root) appends the record itself.
    pid, proc = instance.postlog("-t", "down", "while down")
    assert proc.returncode == 0, proc.stderr
    m = instance.wait_for(record_re("down", "while down", pid), timeout=1)
    assert m
    assert os.stat(instance.maillog).st_mode & 0o777 == 0o600

    # And when it cannot, it says why.
    os.unlink(instance.maillog)
    os.mkdir(instance.maillog)
    pid, proc = instance.postlog("-t", "down", "again")
    assert proc.returncode != 0
    assert ("postlog: fatal: open logfile '%s': cannot open file: "
            "Is a directory" % instance.maillog) in proc.stderr, proc.stderr


def test_maillog_file_prefixes(installed):
    inst = Instance(installed, prefixes="/var, /dev/stdout")
    try:
        want = ("fatal: maillog_file value '%s' does not match any prefix "
                "in maillog_file_prefixes" % inst.maillog)
        pid, proc = inst.postlog("-t", "p", "refused")
        assert proc.returncode != 0
        assert "postlog: " + want in proc.stderr
        assert not os.path.exists(inst.maillog)

        proc = subprocess.run([os.path.join(inst.libexec, "master"),
                               "-c", inst.etc, "-w"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode != 0
        assert "master: " + want in proc.stderr
        assert not os.path.exists(os.path.join(inst.queue, "pid",
                                               "master.pid")) \
            or not inst.our_processes()
        assert not os.path.exists(inst.maillog)

        # The default prefixes allow /var and /dev/stdout.
        inst.write_main_cf("/dev/stdout", "/var, /dev/stdout")
        pid, proc = inst.postlog("-t", "p", "allowed")
        assert proc.returncode == 0, proc.stderr
        assert record_re("p", "allowed", pid).search(proc.stdout)
    finally:
        inst.cleanup()


def test_reload_reopens_file(instance):
    """What "postfix logrotate" relies on: rename, reload, new file."""
    instance.start()
    instance.wait_for(record_re("postfix/master", "daemon started.*",
                                instance.master_pid))
    rotated = instance.maillog + ".1"
    os.rename(instance.maillog, rotated)
    os.kill(instance.master_pid, signal.SIGHUP)
    instance.wait_for(record_re("postfix/master", "reload -- .*",
                                instance.master_pid), path=rotated)
    pid, proc = instance.postlog("-t", "rot", "after rotation")
    assert proc.returncode == 0, proc.stderr
    instance.wait_for(record_re("rot", "after rotation", pid))
    assert "after rotation" not in instance.read_log(rotated)


def test_stdout(installed):
    """maillog_file = /dev/stdout with master in the foreground."""
    inst = Instance(installed, maillog_file="/dev/stdout",
                    prefixes="/var, /dev/stdout")
    try:
        inst.start_foreground()
        reader = PipeReader(inst.master_proc.stdout)
        reader.wait_for(record_re(
            "postfix/master", r"daemon started -- version \S+, "
            "configuration %s" % re.escape(inst.etc), inst.master_pid))
        pid, proc = inst.postlog("-t", "fg", "to stdout")
        assert proc.returncode == 0, proc.stderr
        reader.wait_for(record_re("fg", "to stdout", pid))
    finally:
        inst.cleanup()


def test_syslog_when_unset(installed):
    """maillog_file empty: nobody sends to the postlog socket."""
    inst = Instance(installed, maillog_file="")
    try:
        inst.start()
        inst.trigger("echo", b"logs to syslog")
        pid, proc = inst.postlog("-t", "sys", "to syslog")
        assert proc.returncode == 0, proc.stderr
        # A record in the socket would make master start postlogd.
        time.sleep(1)
        postlogd = os.path.join(inst.libexec, "postlogd")
        assert [p for p in inst.our_processes()
                if os.readlink("/proc/%d/exe" % p) == postlogd] == []
        assert os.listdir(inst.logdir) == []
    finally:
        inst.cleanup()


def test_setgid_postlog_distrusts_caller(instance):
    """Set-gid and run by another user: -c needs root's blessing."""
    instance.start()
    setgid_copy = os.path.join(instance.base, "postlog")
    shutil.copy(instance.installed.command("postlog"), setgid_copy)
    shutil.chown(setgid_copy, group="postdrop")
    os.chmod(setgid_copy, 0o2755)
    os.chmod(instance.etc, 0o755)
    os.chmod(os.path.join(instance.etc, "main.cf"), 0o644)

    proc = subprocess.run([setgid_copy, "-c", instance.etc, "-t", "evil",
                           "untrusted"], user="nobody", capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    default_dir = subprocess.run(
        [instance.installed.command("postconf"), "-dh", "config_directory"],
        capture_output=True, text=True).stdout.strip()
    assert ("postlog: error: untrusted configuration directory name: %s"
            % instance.etc) in proc.stderr \
        or ("%s/main.cf" % default_dir) in proc.stderr, proc.stderr

    # MAIL_CONFIG is ignored, so the instance's file sees nothing either.
    proc = subprocess.run([setgid_copy, "-t", "evil", "untrusted"],
                          user="nobody", capture_output=True, text=True,
                          timeout=60,
                          env={"MAIL_CONFIG": instance.etc, "PATH": "/bin"})
    time.sleep(0.5)
    assert "evil" not in instance.read_log()
