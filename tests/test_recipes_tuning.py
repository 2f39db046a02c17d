"""
test_recipes_tuning.py - the recipes of TUNING_README

message_size_limit against a client that announces SIZE and one that
does not; the anvil connection limit (the test client 127.0.0.1 is put
outside mynetworks, since smtpd_client_event_limit_exceptions exempts
$mynetworks); and the smtp destination concurrency limit, measured with
a slow SMTP server in this file that counts its simultaneous sessions,
reached through relayhost (test plumbing).
"""

import os
import smtplib
import socket
import threading
import time

import pytest

import recipes
from conftest import SmtpSession, wait_until

LOCAL = "host.example.com"


def require(instance, *more):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + more:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)


def test_recipe_tune_size(instance):
    require(instance)
    recipes.apply(instance, "tune-size", local_recipient_maps="")
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example.com")
    assert s.has_extn("size") and s.esmtp_features["size"] == "20480000"
    code, msg = s.mail("a@example.org", ["SIZE=30000000"])
    assert (code, msg) == (552, b"5.3.4 Message size exceeds fixed limit")
    code, _ = s.mail("a@example.org", ["SIZE=20000000"])
    assert code == 250
    s.rset()
    # Without SIZE: refused after the data.
    assert s.mail("a@example.org")[0] == 250
    assert s.rcpt("root@" + LOCAL)[0] == 250
    line = b"x" * 998 + b"\r\n"
    body = b"Subject: big\r\n\r\n" + line * (20480000 // len(line) + 10)
    code, msg = s.data(body)
    assert (code, msg) == (552, b"5.3.4 Error: message file too big")
    s.quit()


def test_recipe_tune_anvil(instance):
    require(instance, "anvil")
    recipes.apply(instance, "tune-anvil", mynetworks="192.0.2.0/24")
    wait_until(lambda: SmtpSession(instance.port).close() or True, 10,
               "smtpd")
    time.sleep(0.5)             # that probe connection is over
    held = [SmtpSession(instance.port) for _ in range(10)]
    try:
        assert all(s.banner.startswith("220") for s in held), \
            [s.banner for s in held]
        extra = SmtpSession(instance.port)
        assert extra.banner == ("421 4.7.0 %s Error: too many connections "
                                "from 127.0.0.1" % LOCAL), extra.banner
        extra.close()
    finally:
        for s in held:
            try:
                s.cmd("QUIT")       # smtpd closes; close() alone does
            except OSError:         # not (the reader holds the socket)
                pass
            s.close()
    instance.wait_log("warning: Connection concurrency limit exceeded: 11 "
                      "from localhost[127.0.0.1] for service ")
    # smtpd_client_message_rate_limit = 100: the 101st MAIL FROM.
    def admitted():
        sess = SmtpSession(instance.port)
        if sess.banner.startswith("220"):
            return sess
        sess.close()
        time.sleep(0.2)         # anvil hears of the closed ones
        return None

    s = wait_until(admitted, 10, "a connection admitted again")
    try:
        assert s.cmd("EHLO client.example").startswith("250")
        for _ in range(100):
            reply = s.cmd("MAIL FROM:<a@example.org>")
            assert reply.startswith("250"), reply
            assert s.cmd("RSET").startswith("250")
        assert s.cmd("MAIL FROM:<a@example.org>") == \
            "450 4.7.1 Error: too much mail from 127.0.0.1"
    finally:
        s.close()


class SlowServer:
    """An SMTP server that takes a second over each message and records
    how many sessions it had open at the same time."""

    def __init__(self):
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(50)
        self.lsock.settimeout(0.2)
        self.port = self.lsock.getsockname()[1]
        self.lock = threading.Lock()
        self.open = 0
        self.max_open = 0
        self.messages = 0
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            try:
                conn, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,),
                             daemon=True).start()

    def serve(self, conn):
        with self.lock:
            self.open += 1
            self.max_open = max(self.max_open, self.open)
        try:
            conn.settimeout(30)
            f = conn.makefile("rb")
            conn.sendall(b"220 slow.example ESMTP\r\n")
            while True:
                line = f.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb == b"EHLO" or verb == b"HELO":
                    conn.sendall(b"250 slow.example\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    while f.readline() not in (b".\r\n", b""):
                        pass
                    time.sleep(1)
                    with self.lock:
                        self.messages += 1
                    conn.sendall(b"250 2.0.0 Ok\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 2.0.0 Ok\r\n")
        except OSError:
            pass
        finally:
            conn.close()
            with self.lock:
                self.open -= 1

    def stop(self):
        self.running = False
        self.lsock.close()
        self.thread.join(5)


def test_recipe_tune_concurrency(instance):
    """Eight messages to one destination: never more than two at once."""
    require(instance, "smtp", "pickup")
    server = SlowServer()
    try:
        recipes.apply(instance, "tune-concurrency",
                      relayhost="[127.0.0.1]:%d" % server.port)
        for i in range(8):
            r = instance.sendmail("-f", "a@example.org",
                                  "user%d@remote.example" % i,
                                  input=b"Subject: c\n\nbody\n")
            assert r.returncode == 0, r.stderr
        wait_until(lambda: server.messages >= 8, 60, "eight deliveries")
        assert server.max_open == 2, server.max_open
    finally:
        server.stop()
