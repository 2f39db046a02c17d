"""
test_virtual.py - the virtual(8) delivery agent

Two hosted domains, one.example and two.example, have their mailboxes
in a mysql: table on a private MariaDB (mariadb.py): Maildirs
(results ending in "/") and an mbox file, below virtual_mailbox_base,
owned by the uid and gid that static: tables give. A delivery lands in
new/ of the Maildir or is appended to the mbox with a From line, with
Return-Path:, Delivered-To: and X-Original-To: headers, owned by that
uid; an address the table does not know is returned with "5.1.1
unknown user". Results that leave the base are refused (the mail
waits), as are user IDs below virtual_minimum_uid.

The agent tests run virtual stand-alone (-S) with a delivery request
built from a queue file (deliver_proto.py), so they need no qmgr. The
mail system tests submit a message for a known and an unknown mailbox
locally (the unknown one bounces) and over SMTP (smtpd refuses the
unknown one at RCPT).
"""

import os
import re
import smtplib
import stat

import pytest

from conftest import wait_until
import deliver_proto
from mariadb import DBNAME, DBPASS, DBUSER
from mariadb import mariadb_server  # noqa: F401 (a fixture)

UID = 5000
GID = 5001

MAILBOXES = """
CREATE TABLE IF NOT EXISTS pftest.mailboxes (
    email VARCHAR(255) NOT NULL,
    mailbox VARCHAR(255) NOT NULL
);
DELETE FROM pftest.mailboxes;
INSERT INTO pftest.mailboxes (email, mailbox) VALUES
    ('alice@one.example', 'one.example/alice/'),
    ('bob@two.example', 'two.example/bob/'),
    ('carol@two.example', 'two.example/carol'),
    ('evil@one.example', '../../etc/evil/'),
    ('abs@one.example', '/tmp/abs/');
"""


def need(instance, *programs):
    daemons = instance.installed.path("daemon_directory")
    for prog in programs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("needs %s (not installed yet)" % prog)


@pytest.fixture
def vsettings(instance, mariadb_server):  # noqa: F811
    """main.cf settings for the hosted domains; creates the mailbox base."""
    mariadb_server.sql(MAILBOXES)
    cf = os.path.join(instance.etc, "mailboxes.cf")
    with open(cf, "w") as f:
        f.write("hosts = unix:%s\nuser = %s\npassword = %s\ndbname = %s\n"
                "query = SELECT mailbox FROM mailboxes WHERE email = '%%s'\n"
                % (mariadb_server.socket, DBUSER, DBPASS, DBNAME))
    base = os.path.join(instance.base, "vmail")
    for d in (base, os.path.join(base, "one.example"),
              os.path.join(base, "two.example")):
        os.mkdir(d)
        os.chown(d, UID, GID)
        os.chmod(d, 0o755)
    return base, dict(virtual_mailbox_domains="one.example, two.example",
                      virtual_mailbox_maps="mysql:" + cf,
                      virtual_mailbox_base=base,
                      virtual_uid_maps="static:%d" % UID,
                      virtual_gid_maps="static:%d" % GID)


@pytest.fixture
def agent(instance, vsettings):
    need(instance, "virtual", "pickup", "cleanup", "trivial-rewrite",
         "bounce")
    base, settings = vsettings
    deliver_proto.agent_system(instance, **settings)
    return instance, base


def run_virtual(instance, rcpts, **kw):
    qid, env = deliver_proto.queued(instance, rcpts, **kw)
    req = deliver_proto.request("incoming", qid, env)
    reply, proc = deliver_proto.run_agent(instance, "virtual",
                                          ["-n", "virtual"], req)
    assert deliver_proto.ok_deferred(reply) is not None, (reply, proc.stderr)
    return qid, proc


def maildir_files(path):
    new = os.path.join(path, "new")
    if not os.path.isdir(new):
        return []
    return [os.path.join(new, n) for n in os.listdir(new)]


def test_maildir_and_mbox(agent):
    instance, base = agent
    qid, _proc = run_virtual(instance, ["alice@one.example", "bob@two.example",
                                        "carol@two.example"])
    for who, domain in (("alice", "one.example"), ("bob", "two.example")):
        files = maildir_files(os.path.join(base, domain, who))
        assert len(files) == 1, files
        st = os.stat(files[0])
        assert (st.st_uid, st.st_gid) == (UID, GID)
        assert stat.S_IMODE(st.st_mode) == 0o600
        for sub in ("tmp", "cur"):
            assert os.path.isdir(os.path.join(base, domain, who, sub))
        with open(files[0]) as f:
            text = f.read()
        lines = text.split("\n")
        assert lines[0] == "Return-Path: <sender@host.example.com>", text
        assert lines[1] == "X-Original-To: %s@%s" % (who, domain), text
        assert lines[2] == "Delivered-To: %s@%s" % (who, domain), text
        assert "Subject: test" in text and "body line" in text
        instance.wait_log("%s: to=<%s@%s>, relay=virtual" % (qid, who, domain))
    mbox = os.path.join(base, "two.example", "carol")
    st = os.stat(mbox)
    assert (st.st_uid, st.st_gid) == (UID, GID)
    with open(mbox) as f:
        text = f.read()
    assert text.startswith("From sender@host.example.com "), text
    assert "Delivered-To: carol@two.example" in text
    assert text.endswith("body line\n\n"), text
    if instance.maillog:
        log = instance.log()
        assert log.count("status=sent (delivered to maildir)") == 2, log
        assert "to=<carol@two.example>, relay=virtual" in log
        assert "status=sent (delivered to mailbox)" in log, log
    after = deliver_proto.envelope(os.path.join(instance.queue, "incoming",
                                                qid))
    assert after["rcpts"] == []


def test_unknown_user_bounces(agent):
    instance, base = agent
    qid, _proc = run_virtual(instance, ["nobody@one.example"])
    instance.wait_log("%s: to=<nobody@one.example>, relay=virtual" % qid)
    if instance.maillog:
        assert ('dsn=5.1.1, status=bounced (unknown user: '
                '"nobody@one.example")' in instance.log()), instance.log()
    wait_until(lambda: qid in instance.queue_files("bounce"), 10,
               "bounce/%s" % qid)


@pytest.mark.parametrize("rcpt", ["evil@one.example", "abs@one.example"])
def test_bad_mailbox_path_defers(agent, rcpt):
    instance, base = agent
    qid, _proc = run_virtual(instance, [rcpt])
    instance.wait_log("%s: to=<%s>, relay=virtual" % (qid, rcpt))
    if instance.maillog:
        log = instance.log()
        assert ("dsn=4.3.5, status=deferred (mail system configuration "
                "error)" in log), log
        assert "bad virtual_mailbox_maps result" in log, log
    assert not os.path.exists("/tmp/abs")
    assert not os.path.exists(os.path.join(instance.base, "etc", "evil"))


def test_minimum_uid(instance, vsettings):
    need(instance, "virtual", "pickup", "cleanup", "trivial-rewrite",
         "bounce")
    base, settings = vsettings
    settings["virtual_minimum_uid"] = str(UID + 1)
    deliver_proto.agent_system(instance, **settings)
    qid, _proc = run_virtual(instance, ["alice@one.example"])
    instance.wait_log("%s: to=<alice@one.example>, relay=virtual" % qid)
    if instance.maillog:
        log = instance.log()
        assert "status=deferred (mail system configuration error)" in log
        assert "below the minimum" in log, log
    assert maildir_files(os.path.join(base, "one.example", "alice")) == []


def test_mail_system(instance, vsettings):
    need(instance, "virtual", "qmgr", "pickup", "cleanup",
         "trivial-rewrite", "bounce")
    base, settings = vsettings
    instance.mail_system(**settings)
    proc = instance.sendmail("-f", "sender@host.example.com",
                             "alice@one.example", "nobody@two.example",
                             input="Subject: test\n\nbody line\n")
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: not instance.queue_files("maildrop"), 30,
               "pickup to empty maildrop/")
    try:
        wait_until(lambda: not instance.queue_files("incoming"), 20,
                   "qmgr to take the mail")
    except AssertionError:
        pytest.skip("qmgr does not take mail out of incoming/ yet")
    wait_until(lambda: maildir_files(os.path.join(base, "one.example",
                                                  "alice")), 30,
               "delivery to alice's Maildir")
    instance.wait_log("to=<nobody@two.example>, relay=virtual", timeout=30)
    if instance.maillog:
        assert ('status=bounced (unknown user: "nobody@two.example")'
                in instance.log())


def test_smtpd_refuses_unknown_mailbox(instance, vsettings,
                                       mariadb_server):  # noqa: F811
    """smtpd refuses an address of a hosted domain that the mailbox
    table does not list at RCPT time (smtpd_reject_unlisted_recipient),
    accepts a listed one, and virtual delivers that one."""
    need(instance, "virtual", "smtpd", "qmgr", "cleanup",
         "trivial-rewrite")
    base, settings = vsettings
    # smtpd looks the table up as the unprivileged mail_owner: let it
    # reach the server's socket (its directory is private by default).
    os.chmod(os.path.dirname(mariadb_server.socket), 0o711)
    instance.mail_system(**settings)
    with smtplib.SMTP("127.0.0.1", instance.port, timeout=30) as client:
        client.ehlo("client.example.org")
        code, _ = client.mail("sender@example.org")
        assert code == 250
        code, text = client.rcpt("nobody@one.example")
        assert (code, text) == (550, b"5.1.1 <nobody@one.example>: "
                                b"Recipient address rejected: User unknown "
                                b"in virtual mailbox table"), (code, text)
        code, text = client.rcpt("bob@two.example")
        assert code == 250, (code, text)
        code, text = client.data(b"Subject: over smtp\r\n\r\nhosted\r\n")
        assert code == 250, (code, text)
    bob = os.path.join(base, "two.example", "bob")
    files = wait_until(lambda: maildir_files(bob), 30,
                       "delivery to bob's Maildir:\n" + instance.log())
    with open(files[0], "rb") as f:
        content = f.read()
    assert b"hosted" in content
    assert b"Delivered-To: bob@two.example" in content
    assert os.stat(files[0]).st_uid == UID
    instance.wait_log("to=<bob@two.example>, relay=virtual", timeout=30)
    assert "nobody@one.example" not in " ".join(
        line for line in instance.log().splitlines() if "relay=" in line)
    if instance.maillog:
        assert re.search(r"smtpd\[\d+\]: NOQUEUE: reject: RCPT from "
                         r"\S+\[127\.0\.0\.1\]: 550 5\.1\.1 "
                         r"<nobody@one\.example>: Recipient address "
                         r"rejected: User unknown in virtual mailbox table;",
                         instance.log()), instance.log()


def test_mailbox_limit_below_message_size_limit(instance):
    """Postfix's virtual refuses to start with such a setting."""
    need(instance, "virtual", "pickup", "cleanup", "trivial-rewrite",
         "bounce")
    deliver_proto.agent_system(instance, virtual_mailbox_limit="200")
    reply, proc = deliver_proto.run_agent(instance, "virtual",
                                          ["-n", "virtual"], b"")
    assert reply == b"", reply
    assert proc.returncode != 0
    text = "fatal: main.cf configuration error: " \
        "virtual_mailbox_limit is smaller than message_size_limit"
    assert text in proc.stderr or instance.wait_log(text) is not None
