"""
conftest.py - fixtures shared by every system test

The session builds the tree once (make), installs it once into a
throw-away root with postfix-install, and gives each test its own
configuration directory (a copy of the installed main.cf and master.cf)
so tests never see each other's settings or the host's /etc/postfix.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Install paths inside the throw-away root, as postfix-install is told.
INSTALL_PATHS = {
    "config_directory": "/etc/postfix",
    "command_directory": "/usr/sbin",
    "daemon_directory": "/usr/libexec/postfix",
    "data_directory": "/var/lib/postfix",
    "queue_directory": "/var/spool/postfix",
    "meta_directory": "/etc/postfix",
    "sendmail_path": "/usr/sbin/sendmail",
    "newaliases_path": "/usr/bin/newaliases",
    "mailq_path": "/usr/bin/mailq",
    "manpage_directory": "/usr/local/man",
    "sample_directory": "/etc/postfix",
    "readme_directory": "no",
    "html_directory": "no",
}


class Installed:
    """One installation under a throw-away root."""

    def __init__(self, root):
        self.root = root

    def path(self, name):
        """Host path of an install parameter, e.g. path("command_directory")."""
        return self.root + INSTALL_PATHS[name]

    def command(self, name):
        """Host path of an installed command such as postconf."""
        return os.path.join(self.path("command_directory"), name)


class Config:
    """A private configuration directory and ways to run commands on it."""

    def __init__(self, installed, directory):
        self.installed = installed
        self.dir = directory
        self.main_cf = os.path.join(directory, "main.cf")
        self.master_cf = os.path.join(directory, "master.cf")

    def write_main_cf(self, text):
        with open(self.main_cf, "w") as f:
            f.write(text)

    def write_master_cf(self, text):
        with open(self.master_cf, "w") as f:
            f.write(text)

    def read_main_cf(self):
        with open(self.main_cf) as f:
            return f.read()

    def read_master_cf(self):
        with open(self.master_cf) as f:
            return f.read()

    def run(self, program, *args, input=None, env=None, use_c=True):
        """Run an installed command with -c this directory (first)."""
        argv = [self.installed.command(program)]
        if use_c:
            argv += ["-c", self.dir]
        argv += list(args)
        run_env = dict(os.environ)
        run_env.pop("MAIL_CONFIG", None)
        if env:
            run_env.update(env)
        return subprocess.run(argv, input=input, env=run_env,
                              capture_output=True, text=True, timeout=60)

    def postconf(self, *args, **kw):
        return self.run("postconf", *args, **kw)


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """Build the tree and install it into a throw-away root, once."""
    subprocess.run(["make", "-s"], cwd=TOP, check=True)
    root = str(tmp_path_factory.mktemp("root"))
    args = ["sh", "postfix-install", "-non-interactive",
            "install_root=" + root]
    args += ["%s=%s" % kv for kv in INSTALL_PATHS.items()]
    proc = subprocess.run(args, cwd=TOP, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Installed(root)


@pytest.fixture
def config(installed, tmp_path):
    """A fresh configuration directory with the shipped main.cf/master.cf."""
    directory = tmp_path / "etc"
    directory.mkdir()
    for name in ("main.cf", "master.cf"):
        shutil.copy(os.path.join(installed.path("config_directory"), name),
                    directory / name)
    return Config(installed, str(directory))
