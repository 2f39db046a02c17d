"""test_delivery.py - the whole delivery path through the real processes

sendmail -> postdrop -> pickup -> cleanup -> qmgr -> agents (discard,
pipe, smtp) -> bounce, with the queue tools looking on: many messages
delivered exactly once within the active queue limits, and a message
that is deferred, listed with its reason, retried, flushed, and finally
returned when it expires, through a failing pipe and through an
unreachable relayhost.
"""

import email
import email.policy
import os
import re
import subprocess
import threading
import time

import pytest

from conftest import wait_until
from smtpsink import SMTPSink

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite")


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    missing = [p for p in NEEDED + progs
               if not os.path.exists(os.path.join(daemons, p))]
    if missing:
        pytest.skip("not installed yet: " + ", ".join(missing))


def postqueue(instance, *args):
    proc = subprocess.run([instance.installed.command("postqueue"),
                           "-c", instance.etc] + list(args),
                          capture_output=True, text=True, timeout=60)
    return proc


def test_many_messages_delivered_exactly_once(instance):
    """2,000 messages to 10 recipients each: every recipient delivered
    once (counted in the log), the active queue never over its limit."""
    require(instance, "discard")
    messages, rcpts, active_limit = 2000, 10, 100
    instance.mail_system(default_transport="discard",
                         qmgr_message_active_limit=str(active_limit))
    seen_active = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen_active[0] = max(seen_active[0],
                                 len(instance.queue_files("active")))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # Submissions in parallel batches, bounded in count and time.
        procs = []
        deadline = time.monotonic() + 300
        for n in range(messages):
            to = ["r%d-%d@remote%d.example" % (n, i, i % 3)
                  for i in range(rcpts)]
            argv = [instance.installed.path("sendmail_path"), "-C",
                    instance.etc, "-f", "s%d@host.example.com" % n] + to
            procs.append(subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE))
            procs[-1].stdin.write(b"Subject: m%d\n\nbody\n" % n)
            procs[-1].stdin.close()
            if len(procs) >= 16:
                for p in procs:
                    assert p.wait(timeout=60) == 0, p.stderr.read()
                    p.stderr.close()
                procs = []
            assert time.monotonic() < deadline, "submission too slow"
        for p in procs:
            assert p.wait(timeout=60) == 0, p.stderr.read()
            p.stderr.close()
        pattern = re.compile(r"discard\[\d+\]: (\w+): to=<(r\d+-\d+@[^>]+)>,"
                             r" relay=none, .*status=sent")

        def all_done():
            return len(pattern.findall(instance.log())) >= messages * rcpts \
                and not instance.queue_files("incoming") \
                and not instance.queue_files("active")
        wait_until(all_done, 600, "all deliveries")
    finally:
        stop.set()
        watcher.join()
    found = pattern.findall(instance.log())
    addresses = [addr for _qid, addr in found]
    assert len(addresses) == messages * rcpts
    assert len(set(addresses)) == messages * rcpts, "a duplicate delivery"
    assert seen_active[0] <= active_limit, seen_active[0]
    assert instance.queue_files("deferred") == []
    assert instance.queue_files("maildrop") == []
    assert len(re.findall(r"qmgr\[\d+\]: \w+: removed", instance.log())) \
        == messages


FLAKY = """#!/bin/sh
# Fails with EX_TEMPFAIL until the flag file exists, then keeps the mail.
if [ -e {flag} ]; then cat > {out}; exit 0; fi
echo "remote end not ready"
exit 75
"""


def test_deferred_retried_flushed(instance):
    """A deferred message shows in postqueue -p with its reason, is
    retried on its back-off, and is delivered by postqueue -f once the
    destination works."""
    require(instance, "pipe", "bounce", "showq")
    base = instance.base
    drop = os.path.join(base, "drop")       # the pipe runs as nobody
    os.mkdir(drop)
    os.chmod(drop, 0o1777)
    flag, out = os.path.join(base, "ready"), os.path.join(drop, "out")
    script = os.path.join(base, "flaky")
    with open(script, "w") as f:
        f.write(FLAKY.format(flag=flag, out=out))
    os.chmod(script, 0o755)
    os.chmod(base, 0o755)
    instance.mail_system(
        services="flaky unix - n n - - pipe user=nobody argv=%s\n" % script,
        default_transport="flaky", minimal_backoff_time="2s",
        maximal_backoff_time="4s", queue_run_delay="1s")
    proc = instance.sendmail("-f", "sender@host.example.com",
                             "user@remote.example",
                             input=b"Subject: later\n\nretry me\n")
    assert proc.returncode == 0, proc.stderr
    instance.wait_log("status=deferred", timeout=30)
    listing = wait_until(lambda: "remote end not ready"
                         in postqueue(instance, "-p").stdout, 20,
                         "the deferral reason in postqueue -p")
    text = postqueue(instance, "-p").stdout
    assert re.search(r"^[0-9A-F]{6,}\s+\d+ \w{3} \w{3} [ \d]\d "
                     r"\d\d:\d\d:\d\d  sender@host\.example\.com$",
                     text, re.M), text
    assert re.search(r"^\s+user@remote\.example$", text, re.M), text
    assert listing is None or listing
    # Retried on the back-off: a second deferral without our help.
    wait_until(lambda: instance.log().count("status=deferred") >= 2, 30,
               "a retry after the back-off")
    open(flag, "w").close()
    proc = postqueue(instance, "-f")
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: os.path.exists(out), 20, "delivery after -f")
    wait_until(lambda: "Mail queue is empty"
               in postqueue(instance, "-p").stdout, 20, "an empty queue")
    with open(out, "rb") as f:
        assert b"retry me" in f.read()


def test_deferred_site_flush(instance):
    """A recipient deferred for a domain in fast_flush_domains is logged
    with flush(8), so that "postqueue -s domain" delivers it at once,
    long before its back-off would."""
    require(instance, "pipe", "bounce", "flush")
    base = instance.base
    drop = os.path.join(base, "drop")
    os.mkdir(drop)
    os.chmod(drop, 0o1777)
    flag, out = os.path.join(base, "ready"), os.path.join(drop, "out")
    script = os.path.join(base, "flaky")
    with open(script, "w") as f:
        f.write(FLAKY.format(flag=flag, out=out))
    os.chmod(script, 0o755)
    instance.mail_system(
        services="flaky unix - n n - - pipe user=nobody argv=%s\n" % script,
        default_transport="flaky", fast_flush_domains="remote.example",
        minimal_backoff_time="1h", maximal_backoff_time="2h",
        queue_run_delay="1h")
    proc = instance.sendmail("-f", "sender@host.example.com",
                             "user@remote.example",
                             input=b"Subject: site\n\nflush me\n")
    assert proc.returncode == 0, proc.stderr
    instance.wait_log("status=deferred", timeout=30)
    qid = re.search(r"([0-9A-F]{6,}): to=<user@remote\.example>",
                    instance.log()).group(1)
    log = os.path.join(instance.queue, "flush", "remote.example")
    wait_until(lambda: os.path.exists(log) and qid in open(log).read(), 10,
               "the queue ID in flush/remote.example")
    open(flag, "w").close()
    proc = postqueue(instance, "-s", "remote.example")
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: os.path.exists(out), 20, "delivery after -s")
    with open(out, "rb") as f:
        assert b"flush me" in f.read()


def test_expired_message_bounces(instance):
    """After maximal_queue_lifetime a deferred message comes back to
    its sender as an RFC 3464 report with the last deferral reason."""
    require(instance, "pipe", "bounce", "local")
    base = instance.base
    script = os.path.join(base, "down")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho 'destination down'\nexit 75\n")
    os.chmod(script, 0o755)
    spool = os.path.join(base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o1777)
    instance.mail_system(
        services="down unix - n n - - pipe user=nobody argv=%s\n" % script,
        transport_maps="inline:{remote.example=down}",
        mail_spool_directory=spool, minimal_backoff_time="1s",
        maximal_backoff_time="1s", queue_run_delay="1s",
        maximal_queue_lifetime="3s")
    proc = instance.sendmail("-f", "root@host.example.com",
                             "user@remote.example",
                             input=b"Subject: doomed\n\nnever arrives\n")
    assert proc.returncode == 0, proc.stderr
    mbox = os.path.join(spool, "root")
    wait_until(lambda: os.path.exists(mbox)
               and b"multipart/report" in open(mbox, "rb").read(), 60,
               "the non-delivery report in %s:\n%s" % (mbox, instance.log()))
    with open(mbox, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw.split(b"\n", 1)[1],
                                   policy=email.policy.default)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    parts = list(msg.iter_parts())
    status = [p for p in parts
              if p.get_content_type() == "message/delivery-status"]
    assert status, [p.get_content_type() for p in parts]
    text = status[0].as_string()
    assert "Final-Recipient: rfc822; user@remote.example" in text
    assert re.search(r"Action: failed", text), text
    assert re.search(r"Status: 4\.\d+\.\d+", text), text
    assert "destination down" in text


def unreachable_relay(instance, **main_cf):
    """A mail system whose relayhost is a loopback port nobody listens
    on; returns that port."""
    require(instance, "smtp", "bounce", "showq", "local")
    port = instance.ports[2]
    spool = os.path.join(instance.base, "spool")
    os.mkdir(spool)
    os.chmod(spool, 0o1777)
    instance.mail_system(relayhost="[127.0.0.1]:%d" % port,
                         mail_spool_directory=spool, **main_cf)
    return port


def test_deferred_unreachable_relayhost(instance):
    """Mail for a relayhost whose port is closed is deferred with the
    connect error, shows in postqueue -p with it, is retried on the
    back-off, and is delivered by postqueue -f once a server listens."""
    port = unreachable_relay(instance, minimal_backoff_time="2s",
                             maximal_backoff_time="4s",
                             queue_run_delay="1s")
    reason = ("connect to 127.0.0.1[127.0.0.1]:%d: Connection refused"
              % port)
    proc = instance.sendmail("-f", "sender@host.example.com",
                             "user@remote.example",
                             input=b"Subject: relay\n\nwhen it is up\n")
    assert proc.returncode == 0, proc.stderr
    instance.wait_log("status=deferred", timeout=30)
    assert re.search(r"smtp\[\d+\]: [0-9A-F]+: to=<user@remote\.example>, "
                     r"relay=none, delay=[\d.]+, delays=[\d.]+/[\d.]+/"
                     r"[\d.]+/[\d.]+, dsn=4\.4\.1, status=deferred \(%s\)"
                     % re.escape(reason), instance.log()), instance.log()
    wait_until(lambda: reason in " ".join(
        postqueue(instance, "-p").stdout.split()), 20,
        "the connect error in postqueue -p")
    text = postqueue(instance, "-p").stdout
    assert re.search(r"^[0-9A-F]{6,}\s+\d+ \w{3} \w{3} [ \d]\d "
                     r"\d\d:\d\d:\d\d  sender@host\.example\.com$",
                     text, re.M), text
    assert re.search(r"^\s+\(connect to 127\.0\.0\.1", text, re.M), text
    assert re.search(r"^\s+user@remote\.example$", text, re.M), text
    # Retried on the back-off: a second deferral without our help.
    wait_until(lambda: instance.log().count("status=deferred") >= 2, 30,
               "a retry after the back-off:\n" + instance.log()[-2000:])
    with SMTPSink(port=port) as sink:
        proc = postqueue(instance, "-f")
        assert proc.returncode == 0, proc.stderr
        msg = sink.wait_messages(1)[0]
        assert msg.mail_from == "sender@host.example.com"
        assert msg.rcpts == ["user@remote.example"]
        assert b"when it is up" in msg.data
        instance.wait_log("status=sent", timeout=20)
        wait_until(lambda: "Mail queue is empty"
                   in postqueue(instance, "-p").stdout, 20, "an empty queue")
    assert re.search(r"to=<user@remote\.example>, relay=127\.0\.0\.1"
                     r"\[127\.0\.0\.1\]:%d, .*status=sent" % port,
                     instance.log()), instance.log()


def test_unreachable_relayhost_expires(instance):
    """A message that the relayhost never takes comes back after
    maximal_queue_lifetime as an RFC 3464 report to its local sender,
    with the connect error as the diagnostic."""
    port = unreachable_relay(instance, minimal_backoff_time="1s",
                             maximal_backoff_time="1s",
                             queue_run_delay="1s",
                             maximal_queue_lifetime="3s",
                             bounce_queue_lifetime="3s")
    reason = ("connect to 127.0.0.1[127.0.0.1]:%d: Connection refused"
              % port)
    proc = instance.sendmail("-f", "root@host.example.com",
                             "user@remote.example",
                             input=b"Subject: doomed\n\nnever relayed\n")
    assert proc.returncode == 0, proc.stderr
    mbox = os.path.join(instance.base, "spool", "root")
    wait_until(lambda: os.path.exists(mbox)
               and b"multipart/report" in open(mbox, "rb").read(), 60,
               "the non-delivery report in %s:\n%s" % (mbox, instance.log()))
    assert re.search(r"[0-9A-F]+: sender non-delivery notification: "
                     r"[0-9A-F]+", instance.log()), instance.log()
    with open(mbox, "rb") as f:
        raw = f.read()
    assert raw.startswith(b"From ")
    msg = email.message_from_bytes(raw.split(b"\n", 1)[1],
                                   policy=email.policy.default)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    parts = list(msg.iter_parts())
    status = [p for p in parts
              if p.get_content_type() == "message/delivery-status"]
    assert status, [p.get_content_type() for p in parts]
    text = status[0].as_string()
    assert "Final-Recipient: rfc822; user@remote.example" in text
    assert "Action: failed" in text, text
    assert re.search(r"Status: 4\.4\.1", text), text
    assert reason in " ".join(text.split()), text
    # The original message comes back too.
    assert b"never relayed" in raw
