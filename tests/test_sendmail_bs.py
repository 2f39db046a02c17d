"""test_sendmail_bs.py - sendmail -bs: SMTP on standard input and output

An unprivileged user (pftest1) runs "sendmail -bs" with a pipelined
SMTP dialogue on standard input; the replies come on standard output.
sendmail runs smtpd(8) in stand-alone mode, which stores the message
through postdrop(1) as the user's own local submission: local delivery
into the mailbox, "Received: ... (Postfix, from userid N)", no client
attributes in the queue file whatever the dialogue claims, and no
access restrictions (a remote recipient is accepted, as in Postfix).

The installed commands live under the session's private root, which
only root may enter, and postdrop must be set-gid $setgid_group there:
each test copies them into its instance (command_directory) with those
permissions. postdrop trusts a configuration directory other than the
compiled-in default (/etc/postfix) only when the default main.cf lists
it in alternate_config_directories: each run therefore happens in a
private mount namespace whose /etc/postfix is a small directory that
does so; the host's /etc/postfix is never touched.
"""

import grp
import os
import pwd
import re
import shutil
import subprocess
import time

import pytest

from test_cleanup import postcat
from test_local import need_users, wait_file

USER = "pftest1"


def run_bs(instance, script, user=USER, timeout=60):
    """Run sendmail -bs as user with script (bytes) on standard input;
    returns the CompletedProcess."""
    trust = os.path.join(instance.base, "default-etc")
    os.makedirs(trust, exist_ok=True)
    os.chmod(trust, 0o755)
    with open(os.path.join(trust, "main.cf"), "w") as f:
        f.write("alternate_config_directories = %s\n" % instance.etc)
    os.chmod(os.path.join(trust, "main.cf"), 0o644)
    shell = ('mount --bind "$1" /etc/postfix && exec setpriv --reuid="$2" '
             '--regid="$2" --init-groups "$3" -C "$4" -bs')
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", shell,
         "sh", trust, user, os.path.join(instance.bs_commands, "sendmail"),
         instance.etc],
        input=script, capture_output=True, timeout=timeout, env=env)


def replies(proc):
    """The reply lines on standard output (CRLF ends each)."""
    text = proc.stdout.decode()
    assert text.endswith("\r\n"), text
    return text[:-2].split("\r\n")


def codes(lines):
    """Reply codes of the last line of each reply."""
    return [int(line[:3]) for line in lines if line[3:4] == " "]


def queued_id(lines):
    for line in lines:
        m = re.match(r"250 2\.0\.0 Ok: queued as (\w+)$", line)
        if m:
            return m.group(1)
    raise AssertionError("no queue ID in %r" % lines)


@pytest.fixture
def spool(instance, request):
    need_users()
    if not os.path.isdir("/etc/postfix"):
        # A fresh machine (CI) has none: an empty mount point, removed
        # again afterwards, is all the namespace needs.
        os.mkdir("/etc/postfix", 0o755)
        request.addfinalizer(lambda: os.rmdir("/etc/postfix"))
    for prog in ("smtpd", "pickup", "cleanup"):
        if not os.path.exists(os.path.join(
                instance.installed.path("daemon_directory"), prog)):
            pytest.skip("%s is not installed" % prog)
    commands = os.path.join(instance.base, "sbin")
    shutil.copytree(instance.installed.path("command_directory"), commands)
    shutil.copy(instance.installed.path("sendmail_path"),
                os.path.join(commands, "sendmail"))
    os.chmod(commands, 0o755)
    postdrop = os.path.join(commands, "postdrop")
    os.chown(postdrop, 0, grp.getgrnam("postdrop").gr_gid)
    os.chmod(postdrop, 0o2755)
    instance.bs_commands = commands
    path = os.path.join(instance.base, "mail")
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o1777)
    return path


def start(instance, spool, **main_cf):
    instance.mail_system(mail_spool_directory=spool,
                         command_directory=instance.bs_commands, **main_cf)


MESSAGE = (b"Subject: bs test\r\n"
           b"\r\n"
           b"line one\r\n"
           b"..dot line\r\n"
           b"last line\r\n")


def test_bs_local_delivery(instance, spool):
    """A pipelined dialogue: every reply on stdout, the message in the
    mailbox as the user's local submission."""
    start(instance, spool)
    script = (b"EHLO client.example\r\n"
              b"MAIL FROM:<pftest1@host.example.com>\r\n"
              b"RCPT TO:<pftest1@host.example.com>\r\n"
              b"DATA\r\n" + MESSAGE + b".\r\n"
              b"QUIT\r\n")
    proc = run_bs(instance, script)
    assert proc.returncode == 0, proc.stderr
    lines = replies(proc)
    assert lines[0].startswith("220 host.example.com ESMTP"), lines
    assert codes(lines) == [220, 250, 250, 250, 354, 250, 221], (
        lines, proc.stderr)
    assert "250-PIPELINING" in lines
    queued_id(lines)
    data = wait_file(os.path.join(spool, USER), b"last line")
    uid = pwd.getpwnam(USER).pw_uid
    assert b"(Postfix, from userid %d)" % uid in data, data
    assert b"\n.dot line\n" in data
    assert b"\nSubject: bs test\n" in data
    assert b"client.example" not in data
    assert b"Return-Path: <pftest1@host.example.com>" in data
    instance.wait_log("status=sent (delivered to mailbox)")


def test_bs_two_messages_and_rset(instance, spool):
    """Two transactions in one session, each with its own queue ID; an
    RSET in between; HELO (not EHLO)."""
    start(instance, spool)
    script = (b"HELO client.example\r\n"
              b"MAIL FROM:<>\r\nRCPT TO:<pftest1@host.example.com>\r\n"
              b"DATA\r\nSubject: one\r\n\r\nfirst\r\n.\r\n"
              b"MAIL FROM:<x@example.org>\r\nRSET\r\n"
              b"MAIL FROM:<y@example.org>\r\nRCPT TO:<pftest1>\r\n"
              b"DATA\r\nSubject: two\r\n\r\nsecond\r\n.\r\n"
              b"QUIT\r\n")
    proc = run_bs(instance, script)
    assert proc.returncode == 0, proc.stderr
    lines = replies(proc)
    assert codes(lines) == [220, 250, 250, 250, 354, 250, 250, 250,
                            250, 250, 354, 250, 221], lines
    ids = [re.sub(".* ", "", line) for line in lines
           if line.startswith("250 2.0.0 Ok: queued as ")]
    assert len(ids) == 2 and ids[0] != ids[1], lines
    data = wait_file(os.path.join(spool, USER), b"second")
    deadline = time.time() + 20
    while b"first" not in data and time.time() < deadline:
        time.sleep(0.2)
        data = wait_file(os.path.join(spool, USER))
    assert b"first" in data and b"second" in data


def test_bs_bad_commands(instance, spool):
    """Unknown commands and bad syntax get 5xx; the session goes on;
    nothing is queued for a transaction without recipients."""
    start(instance, spool)
    script = (b"HELO client.example\r\n"
              b"NOSUCHCOMMAND\r\n"
              b"MAIL FROM:<broken\r\n"
              b"RCPT TO:<pftest1@host.example.com>\r\n"
              b"DATA\r\n"
              b"QUIT\r\n")
    proc = run_bs(instance, script)
    assert proc.returncode == 0, proc.stderr
    lines = replies(proc)
    got = codes(lines)
    assert got[0] == 220 and got[1] == 250 and got[-1] == 221, lines
    assert got[2] == 502 and lines[2].startswith("502 5.5.2"), lines
    assert got[3] == 501, lines
    assert got[4] == 503 and got[5] == 503, lines
    assert not os.path.exists(os.path.join(spool, USER))
    assert instance.queue_files("maildrop") == []


def test_bs_relay_no_forged_attributes(instance, spool):
    """Access controls are off in stand-alone mode: a remote recipient
    is accepted. The queue file still says only "local submission by
    uid N": the HELO name and the claimed client do not get in."""
    start(instance, spool, defer_transports="smtp")
    script = (b"EHLO forged-helo.example\r\n"
              b"XCLIENT NAME=forged.example ADDR=192.0.2.66\r\n"
              b"MAIL FROM:<pftest1@host.example.com>\r\n"
              b"RCPT TO:<someone@remote.example>\r\n"
              b"RCPT TO:<user%other.example@remote.example>\r\n"
              b"DATA\r\n"
              b"Subject: relay\r\n\r\nrelayed body\r\n.\r\n"
              b"QUIT\r\n")
    proc = run_bs(instance, script)
    assert proc.returncode == 0, proc.stderr
    lines = replies(proc)
    got = codes(lines)
    assert got[0] == 220 and got[1] == 250 and got[2] >= 500, lines
    assert got[3:] == [250, 250, 250, 354, 250, 221], lines
    assert not any("Relay access denied" in line for line in lines)
    # The message waits in deferred/ (defer_transports = smtp).
    deadline = time.time() + 20
    while not instance.queue_files("deferred") and time.time() < deadline:
        time.sleep(0.2)
    ids = instance.queue_files("deferred")
    assert len(ids) == 1, ids
    text = postcat(instance, ids[0])
    uid = pwd.getpwnam(USER).pw_uid
    assert "(Postfix, from userid %d)" % uid in text, text
    assert "someone@remote.example" in text
    for forged in ("forged-helo.example", "forged.example", "192.0.2.66",
                   "client_address", "client_name", "helo_name",
                   "127.0.0.1", "localhost"):
        assert forged not in text, (forged, text)


def test_bs_as_mail_owner(instance, spool):
    """Run as $mail_owner, smtpd -S is a normal smtpd: the relay
    restrictions apply (127.0.0.1 is not in mynetworks here), and the
    message goes to cleanup with the stand-alone client identity."""
    start(instance, spool, mynetworks="192.0.2.0/24")
    script = (b"EHLO client.example\r\n"
              b"MAIL FROM:<postfix@host.example.com>\r\n"
              b"RCPT TO:<someone@remote.example>\r\n"
              b"RCPT TO:<pftest1@host.example.com>\r\n"
              b"DATA\r\nSubject: owner\r\n\r\nowner body\r\n.\r\n"
              b"QUIT\r\n")
    proc = run_bs(instance, script, user="postfix")
    assert proc.returncode == 0, proc.stderr
    lines = replies(proc)
    assert codes(lines) == [220, 250, 250, 454, 250, 354, 250, 221], lines
    assert "454 4.7.1 <someone@remote.example>: Relay access denied" in lines
    data = wait_file(os.path.join(spool, USER), b"owner body")
    assert b"from client.example (localhost [127.0.0.1])" in data, data
    assert b"from userid" not in data


def test_bs_abandoned_transaction(instance, spool):
    """RSET (and a lost session) after RCPT: postdrop removes its
    unfinished maildrop file without complaint; nothing is delivered."""
    start(instance, spool)
    script = (b"HELO client.example\r\n"
              b"MAIL FROM:<a@example.org>\r\n"
              b"RCPT TO:<pftest1@host.example.com>\r\n"
              b"RSET\r\n"
              b"MAIL FROM:<b@example.org>\r\n"
              b"RCPT TO:<pftest1@host.example.com>\r\n")
    proc = run_bs(instance, script)
    lines = replies(proc)
    assert codes(lines) == [220, 250, 250, 250, 250, 250, 250], lines
    assert b"fatal" not in proc.stderr, proc.stderr
    deadline = time.time() + 5
    while instance.queue_files("maildrop") and time.time() < deadline:
        time.sleep(0.1)
    assert instance.queue_files("maildrop") == []
    assert not os.path.exists(os.path.join(spool, USER))
