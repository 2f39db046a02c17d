"""
test_master.py - master(8) and the postfix command, on a private instance

Each test gets its own instance (conftest.Instance): configuration,
queue and daemon directories of its own, services on free loopback
ports that run src/master/test_echo_server. Every wait is bounded, and
the fixture kills whatever the instance left running, also when a test
fails. Log lines are checked in $maillog_file; without postlogd in the
installation those checks are skipped (TODO(issue 4 logging)), and one
test reads master's standard error in -d mode instead.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import EchoClient, port_listening, wait_until

SCRIPT = "postfix/postfix-script: "


def refused(port):
    return not port_listening(port)


def gone(instance, pid):
    return not instance.alive(pid)


def programs(instance):
    """Names of the instance's programs that run now."""
    names = []
    for pid in instance.processes():
        try:
            names.append(os.path.basename(os.readlink("/proc/%d/exe" % pid)))
        except OSError:
            pass                        # just exited
    return names


# ------------------------------------------------------ start and stop

def test_start_status_stop(instance):
    proc = instance.postfix("status")
    assert proc.returncode == 1
    assert proc.stderr == SCRIPT + "the Postfix mail system is not running\n"

    proc = instance.start()
    assert SCRIPT + "starting the Postfix mail system\n" in proc.stderr
    assert "fatal" not in proc.stderr and "warning" not in proc.stderr
    pid = instance.master_pid()
    assert pid and instance.alive(pid)
    assert os.readlink("/proc/%d/exe" % pid) == os.path.join(
        instance.libexec, "master")
    # master leads a session of its own: "postfix stop" can reach all.
    assert os.getsid(pid) == pid

    # The listener answers, through a child that master started.
    client = EchoClient(instance.port)
    assert client.service == "127.0.0.1:%d" % instance.port
    assert client.command("hello there") == "echo hello there"
    assert client.command("pid") == str(client.pid)
    assert client.pid in instance.processes()
    client.close()

    proc = instance.postfix("status")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == (SCRIPT + "the Postfix mail system is running: "
                           "PID: %d\n" % pid)

    # A second start refuses, and changes nothing.
    proc = instance.postfix("start")
    assert proc.returncode == 1
    assert proc.stderr == (SCRIPT + "fatal: the Postfix mail system is "
                           "already running\n")
    assert instance.master_pid() == pid and instance.alive(pid)

    instance.wait_log("postfix/master[%d]: daemon started -- version " % pid)
    instance.wait_log("postfix/postfix-script[")

    proc = instance.postfix("stop", timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(SCRIPT + "stopping the Postfix mail system\n")
    assert "with force" not in proc.stderr
    # Nothing of the instance is left: master waits for its children.
    wait_until(lambda: not instance.processes(), 5,
               "no process of the instance")
    assert refused(instance.port)
    instance.wait_log("postfix/master[%d]: terminating on signal 15" % pid)

    proc = instance.postfix("status")
    assert proc.returncode == 1
    for command in ("stop", "reload", "abort"):
        proc = instance.postfix(command)
        assert proc.returncode == 1, command
        assert proc.stderr == (SCRIPT + "fatal: the Postfix mail system "
                               "is not running\n"), command


def test_stop_uses_force_when_master_hangs(instance):
    instance.start()
    EchoClient(instance.port).close()
    pid = instance.master_pid()
    os.kill(pid, signal.SIGSTOP)            # deaf to SIGTERM, still locked
    started = time.monotonic()
    proc = instance.postfix("stop", timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == (
        SCRIPT + "stopping the Postfix mail system\n"
        + 5 * (SCRIPT + "waiting for the Postfix mail system to terminate\n")
        + SCRIPT + "warning: stopping the Postfix mail system with force\n")
    assert time.monotonic() - started >= 4.5
    # The whole process group went: master and its children.
    wait_until(lambda: not instance.processes(), 5, "no process left")
    assert instance.postfix("status").returncode == 1


def test_abort_and_start_again(instance):
    instance.start()
    pid = instance.master_pid()
    proc = instance.postfix("abort")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == SCRIPT + "aborting the Postfix mail system\n"
    wait_until(lambda: not instance.processes(), 10, "master to exit")
    # The lock went with master: a new start works at once.
    instance.start()
    assert instance.master_pid() != pid
    EchoClient(instance.port).close()


def test_start_fg_stays_in_the_foreground(instance):
    with open(os.path.join(instance.base, "start-fg.err"), "w+") as err:
        proc = subprocess.Popen(
            [instance.installed.command("postfix"), "-c", instance.etc,
             "start-fg"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err)
        try:
            wait_until(lambda: port_listening(instance.port), 10,
                       "the service of start-fg")
            assert proc.poll() is None          # still in the foreground
            pid = instance.master_pid()
            assert pid and pid != proc.pid
            stop = instance.postfix("stop", timeout=30)
            assert stop.returncode == 0, stop.stderr
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        err.seek(0)
        assert SCRIPT + "starting the Postfix mail system\n" in err.read()


# --------------------------------------------------- child processes

def test_killed_child_is_replaced(instance):
    instance.start()

    # An idle child that served a client.
    client = EchoClient(instance.port)
    first = client.pid
    client.close()
    wait_until(lambda: first in instance.processes(), 5, "the idle child")
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: gone(instance, first), 5, "the killed child")
    client = EchoClient(instance.port)
    second = client.pid
    assert second != first
    client.close()
    instance.wait_log("pid %d killed by signal 9" % first)

    # A child killed in the middle of a session: the client sees the
    # end, the next client gets a fresh child.
    client = EchoClient(instance.port)
    assert client.command("ping") == "echo ping"
    os.kill(client.pid, signal.SIGKILL)
    with pytest.raises((EOFError, ConnectionError)):
        client.command("ping")
    killed = client.pid
    client.close()
    client = EchoClient(instance.port, timeout=15)
    assert client.pid != killed
    assert client.command("ping") == "echo ping"
    client.close()


def test_missing_program_is_throttled_and_recovers(instance):
    port2 = instance.ports[1]
    instance.write_master_cf(instance.echo_service(instance.port)
                             + instance.echo_service(port2, "late_server"))
    instance.start()

    # The client waits in the listen queue while master cannot start
    # the program; master throttles the service.
    sock = socket.create_connection(("127.0.0.1", port2), timeout=10)
    try:
        sock.settimeout(0.5)
        with pytest.raises(socket.timeout):
            sock.recv(100)
        instance.wait_log("late_server: bad command startup -- throttling")

        # The other service is not affected.
        EchoClient(instance.port).close()

        # Once the program is there, the waiting client is served.
        shutil.copy(os.path.join(instance.libexec, "test_echo_server"),
                    os.path.join(instance.libexec, "late_server"))
        sock.settimeout(15)
        hello = sock.recv(100).decode()
        assert re.match(r"^hello 127\.0\.0\.1:%d \d+\n$" % port2, hello), hello
    finally:
        sock.close()
    EchoClient(port2).close()


def test_idle_daemons_exit_after_max_idle(instance):
    instance.write_main_cf(max_idle="2s")
    instance.start()
    client = EchoClient(instance.port)
    pid = client.pid
    assert client.command("param max_idle") == "2s"
    client.close()
    idle_since = time.monotonic()
    wait_until(lambda: gone(instance, pid), 10, "the idle daemon to exit")
    assert time.monotonic() - idle_since >= 1.0
    # master stays, and starts a new process on demand.
    assert instance.alive(instance.master_pid())
    client = EchoClient(instance.port)
    assert client.pid != pid
    client.close()

    # "postfix stop" logs before it signals, which (with maillog_file)
    # makes master start postlogd again just as it has to terminate: the
    # new daemon must not miss its SIGTERM (master would wait 3s for it).
    wait_until(lambda: "postlogd" not in programs(instance), 10,
               "postlogd to go idle")
    started = time.monotonic()
    assert instance.postfix("stop", timeout=30).returncode == 0
    assert time.monotonic() - started < 2
    wait_until(lambda: not instance.processes(), 5, "no process left")


# ------------------------------------------------------------ reload

def test_reload_adds_and_removes_a_service(instance):
    port2 = instance.ports[1]
    instance.start()
    pid = instance.master_pid()
    assert refused(port2)

    instance.write_master_cf(instance.echo_service(instance.port)
                             + instance.echo_service(port2))
    proc = instance.postfix("reload")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == SCRIPT + "refreshing the Postfix mail system\n"
    wait_until(lambda: port_listening(port2), 10, "the added service")
    client = EchoClient(port2)
    assert client.service == "127.0.0.1:%d" % port2
    client.close()
    instance.wait_log("reload -- version")

    instance.write_master_cf(instance.echo_service(instance.port))
    assert instance.postfix("reload").returncode == 0
    wait_until(lambda: refused(port2), 10, "the removed service to close")
    EchoClient(instance.port).close()
    assert instance.master_pid() == pid


@pytest.mark.parametrize("bad_line, reason", [
    ("bad unix n - n - 0", "bad field count"),
    ("bad bogus n - n - 0 test_echo_server", 'invalid type field "bogus"'),
    ("bad unix n - n - x1 test_echo_server",
     'invalid process_limit field "x1"'),
])
def test_malformed_master_cf_refuses_start(instance, bad_line, reason):
    instance.write_master_cf(instance.echo_service(instance.port)
                             + bad_line + "\n")
    proc = instance.postfix("start")
    assert proc.returncode == 1
    # master names the file and the line (line 1 is a comment).
    assert "%s: line 3: %s" % (instance.master_cf, reason) in proc.stderr, \
        proc.stderr
    assert proc.stderr.endswith(SCRIPT + "fatal: mail system startup "
                                "failed\n"), proc.stderr
    assert instance.postfix("status").returncode == 1
    wait_until(lambda: not instance.processes(), 5, "no process left")
    assert refused(instance.port)


def test_reload_with_malformed_master_cf_keeps_services(instance):
    port2 = instance.ports[1]
    instance.start()
    client = EchoClient(instance.port)
    client.close()
    # A new service, and a bad line: nothing of the new file is used.
    instance.write_master_cf(instance.echo_service(port2)
                             + "bad bogus n - n - 0 test_echo_server\n")
    proc = instance.postfix("reload")
    assert proc.returncode == 0, proc.stderr
    instance.wait_log("keeping the previous master.cf services")
    if not instance.maillog:
        time.sleep(1)
    assert refused(port2)
    client = EchoClient(instance.port)
    assert client.command("x") == "echo x"
    client.close()


# -------------------------------------------------------------- flush

def test_flush_triggers_the_queue_manager(instance):
    record = os.path.join(instance.base, "qmgr.record")
    proc = instance.postfix("flush")
    # "postfix flush" runs postqueue -f, which exits EX_UNAVAILABLE.
    assert proc.returncode == 69, proc.stderr
    assert proc.stderr.endswith("fatal: Cannot flush mail queue - mail "
                                "system is down\n"), proc.stderr

    instance.write_master_cf(
        instance.echo_service(instance.port)
        + "qmgr unix n n n - 1 test_echo_server model=trigger record=%s\n"
        % record
        + "pickup unix n n n - 1 test_echo_server model=trigger\n")
    instance.start()
    proc = instance.postfix("flush")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    wait_until(lambda: os.path.exists(record)
               and re.search(r"^trigger \d+ FADI$", open(record).read(), re.M),
               10, "the qmgr trigger")

    # With master gone, the socket is still there but nobody listens.
    assert instance.postfix("stop", timeout=30).returncode == 0
    proc = instance.postfix("flush")
    assert proc.returncode == 69
    assert "mail system is down" in proc.stderr


# -------------------------------------------------- master's own log

def test_master_debug_mode_logs_to_stderr(instance):
    """
    master -d keeps standard error: the log lines of a start-up, a broken
    service and a stop, whether or not maillog_file works.
    """
    port2 = instance.ports[1]
    instance.write_master_cf(instance.echo_service(instance.port)
                             + instance.echo_service(port2, "no_such_server"))
    assert instance.postfix("check").returncode == 0
    err_path = os.path.join(instance.base, "master.err")
    with open(err_path, "w") as err:
        master = subprocess.Popen(
            [os.path.join(instance.libexec, "master"), "-d", "-c",
             instance.etc], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err)

    def log():
        with open(err_path) as f:
            return f.read()
    try:
        wait_until(lambda: "daemon started" in log(), 10, "daemon started")
        assert "master: daemon started -- version " in log()
        socket.create_connection(("127.0.0.1", port2), timeout=5).close()
        wait_until(lambda: "bad command startup" in log(), 10,
                   "throttling:\n" + log())
        assert re.search(r"master: warning: process \S+/no_such_server pid "
                         r"\d+ exit status 1\n", log()), log()
        assert ("master: warning: %s/no_such_server: bad command startup -- "
                "throttling\n" % instance.libexec) in log()
        master.send_signal(signal.SIGTERM)
        assert master.wait(timeout=10) == 0
        assert "master: terminating on signal 15\n" in log()
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(timeout=10)
