"""
mariadb.py - a private MariaDB server for the mysql: table tests

MariaDBServer creates a data directory under a temporary directory,
starts mariadbd on its own UNIX-domain socket and a free loopback TCP
port (never the system's /run/mysqld or port 3306), and stops it again.
It works as root (the server then runs with --user=root, and a
parent-death signal stops it if the test process dies) and as an
ordinary user. Root logs in through the socket without a password
(--auth-root-authentication-method=normal); sql() runs statements as
root with the mariadb client.

The module-scoped fixture mariadb_server gives a running server with a
test database, user and tables (see SCHEMA); tests that stop the server
must start it again. When the server programs are not installed the
tests that use the fixture are skipped (tools/install-deps installs
them).
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

# The test database and the account the tables log in with.
DBNAME = "pftest"
DBUSER = "pfuser"
DBPASS = "pf'secret"

SCHEMA = """
CREATE DATABASE pftest;
CREATE USER 'pfuser'@'localhost' IDENTIFIED BY 'pf\\'secret';
CREATE USER 'pfuser'@'127.0.0.1' IDENTIFIED BY 'pf\\'secret';
GRANT SELECT, EXECUTE ON pftest.* TO 'pfuser'@'localhost';
GRANT SELECT, EXECUTE ON pftest.* TO 'pfuser'@'127.0.0.1';
USE pftest;
CREATE TABLE aliases (
    address VARCHAR(255) NOT NULL,
    goto VARCHAR(255),
    active INT NOT NULL DEFAULT 1
);
INSERT INTO aliases (address, goto, active) VALUES
    ('user@example.com', 'target@example.net', 1),
    ('list@example.com', 'one@example.net', 1),
    ('list@example.com', 'two@example.org', 1),
    ('gone@example.com', 'old@example.net', 0),
    ('o''brien@example.com', 'irish@example.net', 1),
    ('empty@example.com', '', 1),
    ('null@example.com', NULL, 1),
    ('bare@example.com', 'unqualified', 1),
    ('postmaster', 'root@example.net', 1);
CREATE TABLE domains (
    domain VARCHAR(255) NOT NULL,
    transport VARCHAR(255) NOT NULL
);
INSERT INTO domains VALUES
    ('example.com', 'smtp:[mx.example.com]'),
    ('example.org', 'relay:[mx.example.org]');
CREATE PROCEDURE lookup_alias(IN param VARCHAR(255))
    READS SQL DATA SQL SECURITY INVOKER
    SELECT goto FROM aliases WHERE address = param AND active = 1;
"""

SEARCH_PATH = ["/usr/sbin", "/usr/bin", "/usr/libexec", "/usr/local/sbin",
               "/usr/local/bin"]

PR_SET_PDEATHSIG = 1


def find_program(*names):
    """The first of names found on PATH or in the system directories."""
    path = os.environ.get("PATH", "") + ":" + ":".join(SEARCH_PATH)
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """In the child: get SIGTERM when the test process dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class MariaDBServer:
    """One private mariadbd instance under base (a directory)."""

    def __init__(self, base):
        self.base = base
        self.datadir = os.path.join(base, "data")
        self.socket = os.path.join(base, "mysqld.sock")
        self.pidfile = os.path.join(base, "mysqld.pid")
        self.errlog = os.path.join(base, "mysqld.err")
        self.port = None
        self.proc = None
        self.server = find_program("mariadbd", "mysqld")
        self.installer = find_program("mariadb-install-db",
                                      "mysql_install_db")
        self.client = find_program("mariadb", "mysql")
        self.as_root = os.geteuid() == 0

    def available(self):
        return bool(self.server and self.installer and self.client)

    def install(self):
        """Create the data directory with the system tables."""
        args = [self.installer, "--no-defaults",
                "--datadir=" + self.datadir,
                "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve"]
        if self.as_root:
            args.append("--user=root")
        proc = subprocess.run(args, capture_output=True, text=True,
                              timeout=120)
        if proc.returncode != 0:
            raise RuntimeError("%s failed:\n%s%s" % (
                self.installer, proc.stdout, proc.stderr))

    def start(self, timeout=60):
        """Start mariadbd and wait until it answers on its socket."""
        if self.proc is not None:
            raise RuntimeError("mariadbd is already running")
        if self.port is None:
            self.port = free_port()
        args = [self.server, "--no-defaults",
                "--datadir=" + self.datadir,
                "--socket=" + self.socket,
                "--pid-file=" + self.pidfile,
                "--log-error=" + self.errlog,
                "--port=%d" % self.port,
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--max-connections=50"]
        if self.as_root:
            args.append("--user=root")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                raise RuntimeError("mariadbd exited at startup:\n"
                                   + self.log_tail())
            if os.path.exists(self.socket) and self.ping():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("mariadbd did not start within %ds:\n%s"
                           % (timeout, self.log_tail()))

    def stop(self, timeout=60):
        """Stop mariadbd (SIGTERM: a clean shutdown) and wait for it."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def ping(self):
        proc = subprocess.run(
            [self.client, "--no-defaults", "--socket=" + self.socket,
             "--user=root", "--batch", "--skip-column-names",
             "--execute=SELECT 1"],
            capture_output=True, text=True, timeout=30)
        return proc.returncode == 0

    def sql(self, text, database=None):
        """Run SQL statements as root; returns the client's stdout."""
        args = [self.client, "--no-defaults", "--socket=" + self.socket,
                "--user=root", "--batch", "--skip-column-names"]
        if database:
            args.append(database)
        proc = subprocess.run(args, input=text, capture_output=True,
                              text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError("SQL failed: %s\n%s" % (text, proc.stderr))
        return proc.stdout

    def log_tail(self, lines=20):
        try:
            with open(self.errlog) as f:
                return "".join(f.readlines()[-lines:])
        except OSError as e:
            return "(no log: %s)" % e


@pytest.fixture(scope="module")
def mariadb_server():
    """A running private MariaDB with the test schema; stopped at the end."""
    base = tempfile.mkdtemp(prefix="pftest-mariadb-")
    server = MariaDBServer(base)
    if not server.available():
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip("MariaDB server not installed (tools/install-deps)")
    try:
        server.install()
        server.start()
        server.sql(SCHEMA)
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
