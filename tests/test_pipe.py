"""
test_pipe.py - the pipe(8) delivery agent

A pipe transport runs a script as "nobody" that writes its arguments
and its standard input to a file: one delivery for two recipients gets
both as arguments (${recipient} expands to one argument per
recipient), with the Return-Path: header that flags=R asks for, and
both recipients are marked done. A command that exits 75 (EX_TEMPFAIL)
defers the mail, one that exits 1 bounces it, each with Postfix's
"Command died with status N" reason including the command's output.

The agent tests run pipe stand-alone (-S) with a delivery request built
from a queue file that pickup and cleanup wrote (deliver_proto.py), so
they do not need qmgr. The mail system tests choose the transport with
transport_maps and need a working qmgr; they skip while there is none.
Bad command attributes are fatal at startup.
"""

import os
import shutil
import time

import pytest

from conftest import wait_until
import deliver_proto

SCRIPT = """#!/bin/sh
out=%s/out.$$
{ echo "ARGS: $*"; cat; } > $out.tmp
mv $out.tmp $out
"""



def need(instance, *programs):
    """Skip unless the installed tree has every daemon listed."""
    daemons = instance.installed.path("daemon_directory")
    for prog in programs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("needs %s (not installed yet)" % prog)


def add_pipe(instance):
    shutil.copy(os.path.join(instance.installed.path("daemon_directory"),
                             "pipe"), instance.libexec)


def make_spool(instance):
    """A directory that the script (as nobody) writes to, and the script."""
    spool = os.path.join(instance.base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o777)
    script = os.path.join(instance.base, "save.sh")
    with open(script, "w") as f:
        f.write(SCRIPT % spool)
    os.chmod(script, 0o755)
    return spool, script


def save_args(script):
    return ["flags=R", "user=nobody", "argv=/bin/sh", script, "-f",
            "${sender}", "--", "${recipient}"]


TEMP_ARGS = ["user=nobody", "argv=/bin/sh", "-c",
             "{ echo try again later; exit 75 }"]
BAD_ARGS = ["user=nobody", "argv=/bin/sh", "-c",
            "{ echo no such mailbox here; exit 1 }"]


def outputs(spool):
    return sorted(n for n in os.listdir(spool) if not n.endswith(".tmp"))


def check_saved(spool, recipients):
    files = outputs(spool)
    assert len(files) == 1, files     # one delivery for every recipient
    with open(os.path.join(spool, files[0])) as f:
        text = f.read()
    lines = text.split("\n")
    assert lines[0] == ("ARGS: -f sender@host.example.com -- "
                        + " ".join(recipients)), text
    assert lines[1] == "Return-Path: <sender@host.example.com>", text
    assert "Subject: test" in text
    assert "body line" in text


# ------------------------------------------------ stand-alone agent


@pytest.fixture
def agent(instance):
    need(instance, "pipe", "pickup", "cleanup", "trivial-rewrite", "bounce")
    deliver_proto.agent_system(instance)
    add_pipe(instance)
    return instance


def run_pipe(instance, name, args, qid, env):
    req = deliver_proto.request("incoming", qid, env)
    reply, proc = deliver_proto.run_agent(instance, "pipe",
                                          ["-n", name] + args, req)
    assert deliver_proto.ok_deferred(reply) is not None, (reply, proc.stderr)
    return proc


def test_agent_recipients_and_headers(agent):
    instance = agent
    spool, script = make_spool(instance)
    rcpts = ["a@pipe.example", "b@pipe.example"]
    qid, env = deliver_proto.queued(instance, rcpts)
    run_pipe(instance, "savepipe", save_args(script), qid, env)
    check_saved(spool, rcpts)
    # Both recipients are marked done in the queue file.
    after = deliver_proto.envelope(os.path.join(instance.queue, "incoming",
                                                qid))
    assert after["rcpts"] == []
    for rcpt in rcpts:
        instance.wait_log("%s: to=<%s>, relay=savepipe" % (qid, rcpt))
    if instance.maillog:
        assert "status=sent (delivered via savepipe service)" in instance.log()


def test_agent_tempfail_defers(agent):
    instance = agent
    qid, env = deliver_proto.queued(instance, ["user@temp.example"])
    run_pipe(instance, "temppipe", TEMP_ARGS, qid, env)
    instance.wait_log("%s: to=<user@temp.example>, relay=temppipe" % qid)
    if instance.maillog:
        assert ("dsn=4.3.0, status=deferred (Command died with status 75: "
                "\"/bin/sh\". Command output: try again later)"
                in instance.log()), instance.log()
    wait_until(lambda: qid in instance.queue_files("defer"), 10,
               "defer/%s" % qid)
    after = deliver_proto.envelope(os.path.join(instance.queue, "incoming",
                                                qid))
    assert [r[1] for r in after["rcpts"]] == ["user@temp.example"]


def test_agent_failure_bounces(agent):
    instance = agent
    qid, env = deliver_proto.queued(instance, ["user@bad.example"])
    run_pipe(instance, "badpipe", BAD_ARGS, qid, env)
    instance.wait_log("%s: to=<user@bad.example>, relay=badpipe" % qid)
    if instance.maillog:
        assert ("dsn=5.3.0, status=bounced (Command died with status 1: "
                "\"/bin/sh\". Command output: no such mailbox here)"
                in instance.log()), instance.log()
    wait_until(lambda: qid in instance.queue_files("bounce"), 10,
               "bounce/%s" % qid)
    after = deliver_proto.envelope(os.path.join(instance.queue, "incoming",
                                                qid))
    assert after["rcpts"] == []


def test_agent_size_limit(agent):
    instance = agent
    spool, script = make_spool(instance)
    qid, env = deliver_proto.queued(instance, ["big@pipe.example"])
    run_pipe(instance, "savepipe", ["size=10"] + save_args(script), qid, env)
    instance.wait_log("%s: to=<big@pipe.example>, relay=savepipe" % qid)
    if instance.maillog:
        assert "dsn=5.2.3, status=bounced (message too large)" \
            in instance.log(), instance.log()
    assert outputs(spool) == []


def test_agent_time_limit(agent):
    instance = agent
    with open(instance.main_cf, "a") as f:
        f.write("slowpipe_time_limit = 2s\n")
    qid, env = deliver_proto.queued(instance, ["slow@pipe.example"])
    start = time.monotonic()
    run_pipe(instance, "slowpipe", ["user=nobody", "argv=/bin/sleep", "30"],
             qid, env)
    assert time.monotonic() - start < 20
    instance.wait_log("%s: to=<slow@pipe.example>, relay=slowpipe" % qid)
    if instance.maillog:
        assert ("status=bounced (Command time limit exceeded: "
                "\"/bin/sleep\")" in instance.log()), instance.log()


@pytest.mark.parametrize("args, message", [
    (["user=root", "argv=/bin/true"], "specifies root privileges"),
    (["user=postfix", "argv=/bin/true"], "specifies mail system owner"),
    (["argv=/bin/true"], "missing user="),
    (["user=nobody"], "missing argv="),
    (["user=nobody", "flags=Z", "argv=/bin/true"], "unknown flag: Z"),
    (["user=nobody", "argv=/bin/echo", "${nosuch}"],
     'unknown macro name "nosuch"'),
    (["user=nosuchuser", "argv=/bin/true"], "unknown user name"),
])
def test_bad_attributes_are_fatal(instance, args, message):
    need(instance, "pipe")
    add_pipe(instance)
    reply, proc = deliver_proto.run_agent(instance, "pipe",
                                          ["-n", "mypipe"] + args, b"",
                                          timeout=30)
    assert reply == b""
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr


# ------------------------------------------------ through qmgr


def qmgr_or_skip(instance, wait=20):
    """Skip when qmgr leaves submitted mail in incoming/ (src/qmgr is
    not finished yet)."""
    wait_until(lambda: not instance.queue_files("maildrop"), 30,
               "pickup to empty maildrop/")
    try:
        wait_until(lambda: not instance.queue_files("incoming"), wait,
                   "qmgr to take the mail")
    except AssertionError:
        pytest.skip("qmgr does not take mail out of incoming/ yet")


def test_mail_system(instance):
    need(instance, "pipe", "qmgr", "pickup", "cleanup", "trivial-rewrite",
         "bounce")
    spool, script = make_spool(instance)
    add_pipe(instance)
    services = ("savepipe unix - n n - - pipe\n  %s\n"
                "temppipe unix - n n - - pipe\n  %s\n"
                % (" ".join(save_args(script)),
                   " ".join(TEMP_ARGS)))
    instance.mail_system(
        services=services,
        transport_maps="inline:{ pipe.example=savepipe, "
                       "temp.example=temppipe }")
    rcpts = ["a@pipe.example", "b@pipe.example"]
    proc = instance.sendmail("-f", "sender@host.example.com", *rcpts,
                             input="Subject: test\n\nbody line\n")
    assert proc.returncode == 0, proc.stderr
    qmgr_or_skip(instance)
    wait_until(lambda: outputs(spool), 30,
               "pipe output in %s\n%s" % (spool, instance.log()))
    check_saved(spool, rcpts)
    instance.wait_log("to=<b@pipe.example>, relay=savepipe")
    proc = instance.sendmail("-f", "sender@host.example.com",
                             "user@temp.example", input="Subject: t\n\nx\n")
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: instance.queue_files("deferred"), 30,
               "the message in deferred/")
    instance.wait_log("to=<user@temp.example>, relay=temppipe")


def test_agent_delivered_to_loop(agent):
    instance = agent
    spool, script = make_spool(instance)
    args = ["flags=D"] + save_args(script)[1:]
    qid, env = deliver_proto.queued(
        instance, ["loop@pipe.example"],
        message="Delivered-To: LOOP@pipe.example\nSubject: test\n\nbody\n")
    run_pipe(instance, "savepipe", args, qid, env)
    instance.wait_log("%s: to=<loop@pipe.example>, relay=savepipe" % qid)
    if instance.maillog:
        assert ("dsn=5.4.6, status=bounced (mail forwarding loop for "
                "loop@pipe.example)" in instance.log()), instance.log()
    assert outputs(spool) == []
    # Without the header the same transport delivers, with Delivered-To:.
    qid, env = deliver_proto.queued(instance, ["loop@pipe.example"])
    run_pipe(instance, "savepipe", args, qid, env)
    files = outputs(spool)
    assert len(files) == 1
    with open(os.path.join(spool, files[0])) as f:
        assert f.read().split("\n")[1] == "Delivered-To: loop@pipe.example"


def test_agent_delivered_to_needs_one_recipient(agent):
    instance = agent
    spool, script = make_spool(instance)
    qid, env = deliver_proto.queued(instance, ["a@pipe.example",
                                               "b@pipe.example"])
    run_pipe(instance, "savepipe", ["flags=D"] + save_args(script)[1:],
             qid, env)
    instance.wait_log("%s: to=<b@pipe.example>, relay=savepipe" % qid)
    if instance.maillog:
        log = instance.log()
        assert "pipe flag `D' requires savepipe_destination_recipient_limit" \
            " = 1" in log, log
        assert log.count("dsn=4.3.5, status=deferred (mail system "
                         "configuration error)") == 2, log
    assert outputs(spool) == []
