"""
test_smtpd_policy.py - check_policy_service: the policy delegation client

A small policy server in this process (a thread on a loopback port)
records each request and answers by the recipient's local part, so the
tests see the attributes smtpd sends (SMTPD_POLICY_README: protocol
state and name, HELO name, sender, recipient, recipient count, client
and server address and port, one "instance" per mail transaction), that
one connection serves a session's requests, how actions come back
(DUNNO, REJECT text, DEFER_IF_PERMIT, a 4NN reply), and what happens when
the server is down (smtpd_policy_service_default_action, "451 4.3.5
Server configuration problem") or too slow (the timeout of the inline
"{ inet:..., timeout=1s, default_action=... }" form).

Then the real thing: Debian's postgrey (tools/install-deps installs
it), run by the test on a loopback port with a private database and a
one-second delay, greylists the first attempt (450) and accepts the
retry.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import SmtpSession, port_listening, wait_until


# ------------------------------------------------------------ policy server

class PolicyServer:
    """Answers by recipient local part; records (connection, request)."""

    ACTIONS = {
        "dunno": "DUNNO",
        "reject": "REJECT go away",
        "defer": "DEFER_IF_PERMIT Service is busy",
        "code450": "450 4.7.1 try again later",
        "ok": "OK",
    }

    def __init__(self, port):
        self.port = port
        self.requests = []
        self.lock = threading.Lock()
        self.conns = 0
        self.closed = {}                    # connection -> monotonic time
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.lsock.listen(20)
        self.lsock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        while self.running:
            try:
                conn, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            with self.lock:
                self.conns += 1
                number = self.conns
            threading.Thread(target=self.serve, args=(conn, number),
                             daemon=True).start()

    def serve(self, conn, number):
        conn.settimeout(30)
        f = conn.makefile("rb")
        try:
            while True:
                attrs = {}
                while True:
                    line = f.readline()
                    if not line:
                        return
                    line = line.decode().rstrip("\n")
                    if line == "":
                        break
                    name, _, value = line.partition("=")
                    attrs[name] = value
                with self.lock:
                    self.requests.append((number, attrs))
                local = attrs.get("recipient", "").split("@")[0]
                if local == "slow":
                    time.sleep(3)
                    return
                if local == "garbage":
                    conn.sendall(b"this is not a reply\n\n")
                    return
                action = self.ACTIONS.get(local, "DUNNO")
                conn.sendall(("action=%s\n\n" % action).encode())
                if local == "closeafter":
                    return
        except OSError:
            pass
        finally:
            conn.close()
            with self.lock:
                self.closed[number] = time.monotonic()

    def stop(self):
        self.running = False
        self.lsock.close()
        self.thread.join(5)


@pytest.fixture
def policy(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("needs smtpd")
    server = PolicyServer(instance.ports[1])
    yield server
    server.stop()


def start(instance, restriction, **main_cf):
    settings = dict(smtpd_recipient_restrictions=restriction,
                    local_recipient_maps="")
    settings.update(main_cf)
    instance.mail_system(start=False, **settings)
    instance.start()
    wait_until(lambda: port_listening(instance.port), 10, "smtpd port")
    return instance


def rcpt_replies(port, *locals_, helo="client.example",
                 sender="a@example.org"):
    """One transaction; the RCPT reply for each local part."""
    s = SmtpSession(port)
    try:
        assert s.banner.startswith("220"), s.banner
        assert s.cmd("EHLO " + helo).startswith("250")
        assert s.cmd("MAIL FROM:<%s>" % sender).startswith("250")
        out = [s.cmd("RCPT TO:<%s@host.example.com>" % lp) for lp in locals_]
        s.cmd("QUIT")
        return out
    finally:
        s.close()


# ------------------------------------------------------------ tests

def test_request_attributes_and_reuse(policy, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port)
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        assert s.cmd("RCPT TO:<ok@host.example.com>").startswith("250")
        assert s.cmd("RSET").startswith("250")
        assert s.cmd("MAIL FROM:<b@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    reqs = policy.requests
    assert len(reqs) == 3, reqs
    # One connection for the whole session.
    assert len({conn for conn, _ in reqs}) == 1, reqs
    first = reqs[0][1]
    for name, value in (("request", "smtpd_access_policy"),
                        ("protocol_state", "RCPT"),
                        ("protocol_name", "ESMTP"),
                        ("helo_name", "client.example"),
                        ("sender", "a@example.org"),
                        ("recipient", "dunno@host.example.com"),
                        ("recipient_count", "0"),
                        ("client_address", "127.0.0.1"),
                        ("server_address", "127.0.0.1"),
                        ("server_port", str(inst.port)),
                        ("policy_context", ""),
                        ("sasl_method", ""),
                        ("etrn_domain", "")):
        assert first.get(name) == value, (name, first)
    for name in ("client_name", "reverse_client_name", "queue_id", "size",
                 "stress", "ccert_subject", "encryption_protocol",
                 "sasl_username", "sasl_sender"):
        assert name in first, (name, first)
    assert re.fullmatch(r"\d+", first["client_port"]), first
    assert int(first["client_port"]) != inst.port
    # "instance" is the same within a transaction, new for the next one.
    inst1, inst2, inst3 = (r[1]["instance"] for r in reqs)
    assert inst1 and inst1 == inst2 and inst3 != inst1, reqs
    assert reqs[2][1]["sender"] == "b@example.org"


def test_instance_exact_per_transaction(policy, instance):
    """The same sender twice, no recipient accepted in between and no
    queue file: still two transactions, two instances; the requests of
    one transaction (RCPT, DATA) share one."""
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port,
                 smtpd_data_restrictions="check_policy_service "
                 "inet:127.0.0.1:%d" % policy.port)
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<reject@host.example.com>").startswith("554")
        assert s.cmd("RSET").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<reject@host.example.com>").startswith("554")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        assert s.cmd("DATA").startswith("354")
        s.sock.sendall(b"Subject: t\r\n\r\nbody\r\n.\r\n")
        assert s.reply().startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    got = [(r["protocol_state"], r["instance"]) for _, r in policy.requests]
    assert [st for st, _ in got] == ["RCPT", "RCPT", "RCPT", "DATA",
                                     "RCPT"], got
    i = [v for _, v in got]
    assert all(i), got
    assert i[0] != i[1] and i[1] == i[2] == i[3] and i[4] != i[3], got
    assert len(set(i)) == 3, got


def test_etrn_domain(policy, instance):
    inst = start(instance, "permit_mynetworks",
                 smtpd_etrn_restrictions="check_policy_service "
                 "inet:127.0.0.1:%d" % policy.port)
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        s.cmd("ETRN example.net")
        s.cmd("QUIT")
    finally:
        s.close()
    assert len(policy.requests) == 1, policy.requests
    req = policy.requests[0][1]
    assert req["protocol_state"] == "ETRN", req
    assert req["etrn_domain"] == "example.net", req
    assert req["sender"] == "" and req["recipient"] == "", req


def test_stress_attribute(policy, instance):
    """stress= carries $stress ("yes" when master runs smtpd under
    stress), as in Postfix."""
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port, stress="yes")
    s = SmtpSession(inst.port)
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>").startswith("250")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    assert len(policy.requests) == 1, policy.requests
    assert policy.requests[0][1]["stress"] == "yes", policy.requests


def test_connection_outlives_session_until_max_idle(policy, instance):
    """As in Postfix, a policy connection is kept after the session ends
    (the next session of the same process reuses it) and is closed when
    it has been idle for max_idle, also while smtpd waits for clients."""
    inst = start(instance, "check_policy_service { inet:127.0.0.1:%d, "
                 "max_idle=2s }" % policy.port)
    assert rcpt_replies(inst.port, "dunno")[0].startswith("250")
    t_end = time.monotonic()
    time.sleep(0.5)
    assert 1 not in policy.closed, "closed at the end of the session"
    wait_until(lambda: 1 in policy.closed, 6, "idle policy connection closed")
    idle = policy.closed[1] - t_end
    assert 1.0 <= idle <= 4.5, idle


def test_actions(policy, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port)
    replies = rcpt_replies(inst.port, "dunno", "reject", "defer", "code450",
                           "ok")
    assert replies[0].startswith("250"), replies
    assert replies[1] == ("554 5.7.1 <reject@host.example.com>: Recipient "
                          "address rejected: go away"), replies
    assert replies[2] == ("450 4.7.1 <defer@host.example.com>: Recipient "
                          "address rejected: Service is busy"), replies
    assert replies[3] == ("450 4.7.1 <code450@host.example.com>: Recipient "
                          "address rejected: try again later"), replies
    assert replies[4].startswith("250"), replies


def test_policy_context_and_data_state(policy, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port,
                 smtpd_policy_service_policy_context="submission",
                 smtpd_data_restrictions="check_policy_service "
                 "inet:127.0.0.1:%d" % policy.port)
    s = SmtpSession(inst.port)
    try:
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<a@example.org>")
        assert s.cmd("RCPT TO:<x@host.example.com>").startswith("250")
        assert s.cmd("RCPT TO:<y@host.example.com>").startswith("250")
        assert s.cmd("DATA").startswith("354")
        s.sock.sendall(b"Subject: t\r\n\r\nbody\r\n.\r\n")
        assert s.reply().startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    data = [r for _, r in policy.requests if r["protocol_state"] == "DATA"]
    assert len(data) == 1, policy.requests
    assert data[0]["recipient_count"] == "2"
    assert data[0]["recipient"] == ""       # more than one recipient
    assert data[0]["policy_context"] == "submission"
    assert data[0]["instance"] == policy.requests[0][1]["instance"]


def test_server_down_default_action(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("needs smtpd")
    port = instance.ports[2]                # nobody listens there
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d" % port,
                 smtpd_policy_service_retry_delay="1s")
    t0 = time.monotonic()
    replies = rcpt_replies(inst.port, "dunno")
    assert replies[0] == ("451 4.3.5 <dunno@host.example.com>: Recipient "
                          "address rejected: Server configuration problem"), \
        replies
    assert time.monotonic() - t0 >= 1       # two tries, one delay apart
    inst.wait_log("warning: connect to 127.0.0.1:%d: Connection refused"
                  % port)
    inst.wait_log("warning: problem talking to server 127.0.0.1:%d" % port)


def test_server_down_unix_endpoint(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("needs smtpd")
    inst = start(instance, "check_policy_service unix:private/nopolicy",
                 smtpd_policy_service_try_limit="1",
                 smtpd_policy_service_default_action="DUNNO")
    assert rcpt_replies(inst.port, "dunno")[0].startswith("250")
    inst.wait_log("warning: connect to private/nopolicy: ")


def test_inline_settings_timeout(policy, instance):
    spec = ("{ inet:127.0.0.1:%d, timeout=1s, try_limit=1, "
            "{ default_action = 450 4.7.0 policy is slow } }" % policy.port)
    inst = start(instance, "check_policy_service " + spec)
    t0 = time.monotonic()
    replies = rcpt_replies(inst.port, "slow", "dunno")
    elapsed = time.monotonic() - t0
    assert replies[0] == ("450 4.7.0 <slow@host.example.com>: Recipient "
                          "address rejected: policy is slow"), replies
    assert elapsed < 2.9, elapsed          # not the server's 3 seconds
    # The next request works on a new connection.
    assert replies[1].startswith("250"), replies
    inst.wait_log("warning: problem talking to server 127.0.0.1:%d: "
                  "read timeout" % policy.port)


def test_server_closed_kept_connection(policy, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port)
    s = SmtpSession(inst.port)
    try:
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<a@example.org>")
        assert s.cmd("RCPT TO:<closeafter@host.example.com>") \
            .startswith("250")
        time.sleep(0.3)                     # the server has closed it
        t0 = time.monotonic()
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        # A new connection at once, not after retry_delay (1s).
        assert time.monotonic() - t0 < 0.9
        s.cmd("QUIT")
    finally:
        s.close()
    conns = [c for c, _ in policy.requests]
    assert conns[0] != conns[-1], policy.requests


def test_max_idle(policy, instance):
    inst = start(instance, "check_policy_service { inet:127.0.0.1:%d, "
                 "max_idle=1s }" % policy.port)
    s = SmtpSession(inst.port)
    try:
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<a@example.org>")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        time.sleep(1.5)
        assert s.cmd("RCPT TO:<dunno@host.example.com>").startswith("250")
        s.cmd("QUIT")
    finally:
        s.close()
    conns = [c for c, _ in policy.requests]
    assert len(conns) == 3 and conns[0] == conns[1] != conns[2], conns
    assert "problem talking" not in inst.log()


def test_garbage_reply(policy, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % policy.port, smtpd_policy_service_retry_delay="1s")
    replies = rcpt_replies(inst.port, "garbage")
    assert replies[0].startswith("451 4.3.5 "), replies
    # Tried twice (smtpd_policy_service_try_limit = 2).
    assert len(policy.requests) == 2, policy.requests


# ------------------------------------------------------------ postgrey

@pytest.fixture
def postgrey(instance):
    exe = shutil.which("postgrey") or "/usr/sbin/postgrey"
    if not os.path.exists(exe):
        pytest.skip("needs postgrey (tools/install-deps installs it)")
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "smtpd")):
        pytest.skip("needs smtpd")
    try:
        user = pwd.getpwnam("postgrey")
    except KeyError:
        pytest.skip("needs the postgrey user (Debian's package makes it)")
    dbdir = tempfile.mkdtemp(prefix="postgrey-")
    os.chown(dbdir, user.pw_uid, user.pw_gid)
    port = instance.ports[3]
    proc = subprocess.Popen(
        [exe, "--inet=127.0.0.1:%d" % port, "--dbdir=" + dbdir,
         "--delay=1", "--user=postgrey", "--group=%d" % user.pw_gid,
         "--pidfile=" + os.path.join(dbdir, "postgrey.pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: port_listening(port) or proc.poll() is not None, 20,
                   "postgrey listening")
        if proc.poll() is not None:
            pytest.fail("postgrey exited: %s" % proc.stderr.read())
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        shutil.rmtree(dbdir, ignore_errors=True)


def test_postgrey_greylists_then_accepts(postgrey, instance):
    inst = start(instance, "check_policy_service inet:127.0.0.1:%d"
                 % postgrey)
    first = rcpt_replies(inst.port, "someone")[0]
    # postgrey sends "DEFER_IF_PERMIT 4.2.0 Greylisted, see ..." when
    # the request has etrn_domain (Postfix 2.3+), as Postfix's log shows.
    assert re.match(r"450 4\.2\.0 <someone@host\.example\.com>: Recipient "
                    r"address rejected: Greylisted, see http", first), first
    time.sleep(2.5)                         # --delay=1
    retry = rcpt_replies(inst.port, "someone")[0]
    assert retry.startswith("250"), retry
    # Another sender is a new triplet: greylisted again.
    other = rcpt_replies(inst.port, "someone", sender="z@example.net")[0]
    assert other.startswith("450 4.2.0 "), other
