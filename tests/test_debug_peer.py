"""test_debug_peer.py - debug_peer_list and debug_peer_level

A session with a peer in debug_peer_list is logged at a higher verbose
level (here: smtpd's "< client: command" and "> client: reply" lines);
a session with any other peer is not, even when the same smtpd process
served a listed peer just before (the level is restored).
"""

import os
import re

import pytest

from conftest import SmtpSession, wait_until

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEEDED = ("smtpd", "cleanup", "qmgr", "trivial-rewrite")


def require():
    for prog in NEEDED:
        if not os.path.exists(os.path.join(TOP, "libexec", prog)):
            pytest.skip("%s is not built yet" % prog)


def one_smtpd(instance, **main_cf):
    """The mail system with a single smtpd process, so that the second
    session below runs in the process that served the first."""
    instance.mail_system(start=False, local_recipient_maps="", **main_cf)
    with open(instance.master_cf) as f:
        text = f.read()
    assert " inet n - n - - smtpd\n" in text, text
    text = text.replace(" inet n - n - - smtpd\n", " inet n - n - 1 smtpd\n")
    with open(instance.master_cf, "w") as f:
        f.write(text)
    instance.start()


def session(instance, source):
    s = SmtpSession(instance.port, source=source)
    assert s.banner.startswith("220 ")
    assert s.cmd("EHLO client.example").startswith("250")
    assert s.cmd("NOOP") == "250 2.0.0 Ok"
    assert s.cmd("QUIT").startswith("221")
    s.close()


@pytest.mark.parametrize("listed", ["127.0.0.1", "127.0.0.0/31",
                                    "localhost"])
def test_debug_peer_list_smtpd(instance, listed):
    require()
    one_smtpd(instance, debug_peer_list=listed)
    if not instance.maillog:
        pytest.skip("no maillog_file")
    session(instance, "127.0.0.1")
    instance.wait_log("disconnect from localhost[127.0.0.1]")
    session(instance, "127.0.0.2")
    instance.wait_log("disconnect from unknown[127.0.0.2]")
    log = instance.log()
    assert "< localhost[127.0.0.1]: EHLO client.example" in log, log
    assert "> localhost[127.0.0.1]: 250 2.0.0 Ok" in log, log
    assert "< localhost[127.0.0.1]: NOOP" in log, log
    assert "[127.0.0.2]: NOOP" not in log, log
    assert "[127.0.0.2]: 250" not in log, log


def test_debug_peer_list_empty(instance):
    require()
    one_smtpd(instance)
    if not instance.maillog:
        pytest.skip("no maillog_file")
    session(instance, "127.0.0.1")
    instance.wait_log("disconnect from localhost[127.0.0.1]")
    assert "< localhost[127.0.0.1]: NOOP" not in instance.log()



def test_debug_peer_list_smtp(instance):
    """smtp(8): the dialogue with a listed server is logged, the one
    with another server is not."""
    from smtpsink import SMTPSink
    for prog in ("pickup", "smtp"):
        if not os.path.exists(os.path.join(
                instance.installed.path("daemon_directory"), prog)):
            pytest.skip("%s is not installed yet" % prog)
    require()
    with SMTPSink(host="127.0.0.1") as listed, \
            SMTPSink(host="127.0.0.3") as other:
        transport = os.path.join(instance.etc, "transport")
        with open(transport, "w") as f:
            f.write("a.example smtp:[127.0.0.1]:%d\n"
                    "b.example smtp:[127.0.0.3]:%d\n"
                    % (listed.port, other.port))
        instance.mail_system(transport_maps="texthash:" + transport,
                             debug_peer_list="127.0.0.1")
        if not instance.maillog:
            pytest.skip("no maillog_file")
        for rcpt in ("bob@b.example", "amy@a.example", "bob@b.example"):
            r = instance.sendmail("-f", "s@example.org", rcpt,
                                  input=b"Subject: t\n\nbody\n")
            assert r.returncode == 0, r.stderr
        listed.wait_messages(1)
        other.wait_messages(2)
        wait_until(lambda: instance.log().count("status=sent") >= 3, 30,
                   "deliveries:\n" + instance.log())
    log = instance.log()
    assert re.search(r"> \S*\[127\.0\.0\.1\]\S*: MAIL FROM:<s@example\.org>",
                     log), log
    assert re.search(r"< \S*\[127\.0\.0\.1\]\S*: 250", log), log
    assert not re.search(r"[<>] \S*\[127\.0\.0\.3\]", log), log
