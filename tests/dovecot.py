"""dovecot.py - a private Dovecot LMTP server for tests

Runs Debian's Dovecot (dovecot-core, dovecot-lmtpd; tools/install-deps
installs them without starting the system service) as a child process
with a configuration of its own, written here: only the LMTP protocol,
on a UNIX-domain socket in a fresh directory under /tmp (short, and
world-traversable so that unprivileged mail system daemons reach it),
users from a passwd-file (all mapped to one system account, pftest1 by
default), mail in BASE/home/USER/Maildir, logs in BASE/dovecot.log, no
SSL, no inet listener. Needs root (Dovecot switches to the user).

    from dovecot import Dovecot
    with Dovecot(users=("alice", "bob")) as dc:
        ... deliver to lmtp:unix:dc.socket ...
        files = dc.wait_maildir("alice", 1)
        assert b"Subject: hi" in dc.read(files[0])

Recipients are looked up by their local part (auth_username_format =
%Ln), so alice@any.domain reaches alice; an unknown user is refused
with 550 by Dovecot itself.
"""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

DOVECOT = "/usr/sbin/dovecot"


def available():
    """True when Dovecot and its LMTP server are installed."""
    return (os.path.exists(DOVECOT)
            and os.path.exists("/usr/lib/dovecot/lmtp"))


class Dovecot:
    """A private Dovecot serving LMTP on self.socket."""

    def __init__(self, users=("pftest1",), account="pftest1"):
        pw = pwd.getpwnam(account)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.users = list(users)
        self.base = tempfile.mkdtemp(prefix="dcot-")
        os.chmod(self.base, 0o755)
        self.socket = os.path.join(self.base, "lmtp")
        self.conf = os.path.join(self.base, "dovecot.conf")
        self.log_file = os.path.join(self.base, "dovecot.log")
        self.run_dir = os.path.join(self.base, "run")
        self.home_dir = os.path.join(self.base, "home")
        self.proc = None
        os.mkdir(self.home_dir, 0o755)
        passwd = os.path.join(self.base, "users")
        with open(passwd, "w") as f:
            for user in self.users:
                home = self.home(user)
                os.mkdir(home, 0o700)
                os.chown(home, self.uid, self.gid)
                f.write("%s::%d:%d::%s::\n" % (user, self.uid, self.gid, home))
        with open(self.conf, "w") as f:
            f.write(self.config_text(passwd))

    def config_text(self, passwd):
        return """\
# written by tests/dovecot.py
protocols = lmtp
base_dir = %(run)s
state_dir = %(base)s/state
log_path = %(log)s
info_log_path = %(log)s
debug_log_path = %(log)s
ssl = no
first_valid_uid = 1
first_valid_gid = 1
auth_username_format = %%Ln
mail_location = maildir:~/Maildir
mail_fsync = never
lmtp_rcpt_check_quota = no
postmaster_address = postmaster@example.com
passdb {
  driver = passwd-file
  args = %(passwd)s
}
userdb {
  driver = passwd-file
  args = %(passwd)s
}
service lmtp {
  unix_listener %(socket)s {
    mode = 0666
  }
}
""" % dict(run=self.run_dir, base=self.base, log=self.log_file,
           passwd=passwd, socket=self.socket)

    def home(self, user):
        return os.path.join(self.home_dir, user)

    def maildir(self, user):
        return os.path.join(self.home(user), "Maildir")

    # ---------------------------------------------------- life cycle

    def start(self, timeout=20):
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                text = ("dovecot exited (%s): %s\n%s"
                        % (self.proc.returncode, out, self.log()))
                self.stop()
                raise AssertionError(text)
            if time.monotonic() > deadline:
                text = ("dovecot: no socket %s after %ss\n%s"
                        % (self.socket, timeout, self.log()))
                self.stop()
                raise AssertionError(text)
            time.sleep(0.05)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None:
            self.proc.stdout.close()
        self.proc = None
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # ---------------------------------------------------- observation

    def log(self):
        try:
            with open(self.log_file, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def messages(self, user):
        """Paths of the messages in user's Maildir (new and cur)."""
        found = []
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir(user), sub)
            try:
                found += [os.path.join(d, n) for n in sorted(os.listdir(d))]
            except FileNotFoundError:
                pass
        return found

    def wait_maildir(self, user, count, timeout=20):
        """The messages of user's Maildir once there are count of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(user)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError("dovecot: %d of %d messages for %s "
                                     "after %ss\n%s" % (len(found), count,
                                                        user, timeout,
                                                        self.log()))
            time.sleep(0.05)

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()


class DovecotAuth:
    """A private Dovecot that runs only its auth service, for smtpd's
    smtpd_sasl_type = dovecot: the client listener is self.socket (an
    absolute path, mode 0666, so that smtpd running as postfix reaches
    it), users and {PLAIN} passwords from a passwd-file, mechanisms
    PLAIN and LOGIN, plaintext allowed without TLS. Needs root.

        from dovecot import DovecotAuth
        with DovecotAuth(users={"alice": "secret"}) as da:
            ... smtpd_sasl_path = da.socket ...

    socket= puts the listener elsewhere (an instance's
    queue/private/auth, for smtpd_sasl_path = private/auth); its
    directory must exist.
    """

    def __init__(self, users, socket=None):
        self.users = dict(users)
        self.base = tempfile.mkdtemp(prefix="dcauth-")
        os.chmod(self.base, 0o755)
        self.socket = socket or os.path.join(self.base, "auth-client")
        self.conf = os.path.join(self.base, "dovecot.conf")
        self.log_file = os.path.join(self.base, "dovecot.log")
        self.run_dir = os.path.join(self.base, "run")
        self.proc = None
        passwd = os.path.join(self.base, "users")
        with open(passwd, "w") as f:
            for user, password in self.users.items():
                f.write("%s:{PLAIN}%s\n" % (user, password))
        os.chmod(passwd, 0o644)
        with open(self.conf, "w") as f:
            f.write(self.config_text(passwd))

    def config_text(self, passwd):
        return """\
# written by tests/dovecot.py (DovecotAuth)
protocols =
base_dir = %(run)s
state_dir = %(base)s/state
log_path = %(log)s
info_log_path = %(log)s
debug_log_path = %(log)s
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = %(passwd)s
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent allow_all_users=yes
}
service auth {
  unix_listener %(socket)s {
    mode = 0666
  }
}
""" % dict(run=self.run_dir, base=self.base, log=self.log_file,
           passwd=passwd, socket=self.socket)

    def start(self, timeout=20):
        return Dovecot.start(self, timeout)

    def stop(self):
        Dovecot.stop(self)

    def log(self):
        return Dovecot.log(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
