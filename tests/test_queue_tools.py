"""
test_queue_tools.py - showq, postqueue, postsuper, mailq

A private instance with pickup, cleanup, trivial-rewrite and showq but
no qmgr, so that submitted mail stays in the incoming queue; deferred,
active and held mail is made by moving files (and writing a defer log)
as qmgr would. Checked: every line of postqueue -p against Postfix's
layout (header, "ID[*!] size date sender", right-aligned "(reason)",
recipients at column 42, "-- N Kbytes in M Requests."), the -j objects
(member names and order, types), mailq and sendmail -bp, recipients
already delivered left out; postsuper -d (ID, "-", ALL), -h, -H, -r
(through maildrop and pickup again), -p, -s with Postfix's messages;
postqueue -f's trigger bytes; and the authorized_mailq_users and
authorized_flush_users checks for an unprivileged user.
"""

import json
import os
import re
import shutil
import socket
import stat
import subprocess
import threading
import time

import pytest

from conftest import wait_until

SERVICES = ("pickup", "cleanup", "trivial-rewrite", "showq")

HEADER = ("-Queue ID-  --Size-- ----Arrival Time---- "
          "-Sender/Recipient-------")
# ID, optional marker, size right-aligned, asctime's first 20 characters
# (weekday, month, day, time and a blank), a blank, the sender.
MESSAGE_LINE = re.compile(
    r"^(?P<id>[0-9A-F]{6,})(?P<mark>[*!#]?) *(?P<size>\d+) "
    r"(?P<date>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\d "
    r"\d\d:\d\d:\d\d)  (?P<sender>\S+)$")
RCPT_LINE = re.compile(r"^ {41}(?P<rcpt>\S+)$")
REASON_LINE = re.compile(r"^ *\((?P<reason>.+)\)$")
SUMMARY = re.compile(r"^-- (\d+) Kbytes in (\d+) Requests?\.$")
JSON_KEYS = ["queue_name", "queue_id", "arrival_time", "message_size",
             "forced_expire", "sender", "recipients"]


def env_without_config():
    env = dict(os.environ)
    env.pop("MAIL_CONFIG", None)
    return env


def start(instance, **main_cf):
    """The mail system without qmgr: mail stays where it is put."""
    found = instance.mail_system(start=False, **main_cf)
    for prog in SERVICES:
        if prog not in found:
            pytest.skip("needs %s" % prog)
    with open(instance.master_cf) as f:
        lines = [line for line in f if not line.startswith("qmgr")]
    with open(instance.master_cf, "w") as f:
        f.writelines(lines)
    instance.start()
    for name in ("pickup", "showq"):
        wait_until(lambda: os.path.exists(
            os.path.join(instance.queue, "public", name)), 10,
            "public/" + name)


def command(instance, name, *args, input=None, user=None, group=None,
            program=None):
    argv = [program or instance.installed.command(name), "-c", instance.etc]
    return subprocess.run(argv + list(args), input=input, user=user,
                          group=group, env=env_without_config(),
                          capture_output=True, text=True, timeout=60)


def postqueue(instance, *args, **kw):
    return command(instance, "postqueue", *args, **kw)


def postsuper(instance, *args, **kw):
    return command(instance, "postsuper", *args, **kw)


def incoming(instance):
    """Queue IDs in incoming/ (not cleanup's temporary names)."""
    return {name for name in instance.queue_files("incoming")
            if not name.startswith("tmp.")}


def submit(instance, sender, *rcpts, body="hello\n"):
    before = incoming(instance)
    text = "Subject: test\n\n" + body
    proc = instance.sendmail("-f", sender, *rcpts, input=text)
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: len(incoming(instance) - before) == 1, 20,
               "a new file in incoming/")
    new_id = (incoming(instance) - before).pop()
    path = os.path.join(instance.queue, "incoming", new_id)
    wait_until(lambda: stat.S_IMODE(os.stat(path).st_mode) & 0o700 == 0o700,
               10, "a complete queue file")
    return new_id


def find(instance, queue, queue_id):
    """Path of queue_id under queue (any hash level), or None."""
    for root, _dirs, files in os.walk(os.path.join(instance.queue, queue)):
        if queue_id in files:
            return os.path.join(root, queue_id)
    return None


def move(instance, queue_id, old, new, hashed=True):
    """Move a queue file as qmgr would (deferred is hashed, depth 1)."""
    src = find(instance, old, queue_id)
    assert src, (old, queue_id)
    directory = os.path.join(instance.queue, new)
    if hashed:
        # Short IDs: the first hex digit of the microseconds.
        directory = os.path.join(directory, queue_id[0])
        os.makedirs(directory, exist_ok=True)
        shutil.chown(directory, "postfix")
    os.rename(src, os.path.join(directory, queue_id))
    return os.path.join(directory, queue_id)


def write_defer_log(instance, queue_id, entries):
    """defer/X/ID in bounce_log.c's format: name=value lines per entry."""
    directory = os.path.join(instance.queue, "defer", queue_id[0])
    os.makedirs(directory, exist_ok=True)
    shutil.chown(directory, "postfix")
    path = os.path.join(directory, queue_id)
    with open(path, "w") as f:
        for rcpt, reason in entries:
            f.write("recipient=%s\nstatus=4.4.1\naction=delayed\n"
                    "reason=%s\nlog_time=%d\n\n" % (rcpt, reason, time.time()))
    shutil.chown(path, "postfix")
    os.chmod(path, 0o600)
    return path


def records(path):
    """(offset, type, data) of each record of a queue file."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    pos = 0
    while pos < len(data):
        start_pos = pos
        rtype = chr(data[pos])
        pos += 1
        length = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            length |= (byte & 0x7f) << shift
            shift += 7
            if not byte & 0x80:
                break
        out.append((start_pos, rtype, data[pos:pos + length]))
        pos += length
    return out


def mark_done(path, rcpt):
    """Turn the R record of rcpt into D, as a delivery agent does."""
    for offset, rtype, data in records(path):
        if rtype == "R" and data == rcpt.encode():
            with open(path, "r+b") as f:
                f.seek(offset)
                f.write(b"D")
            return
    raise AssertionError("no R record for %s" % rcpt)


def parse_listing(text):
    """Check every line of postqueue -p output; the messages found."""
    lines = text.split("\n")
    assert lines[-1] == "", "output must end in a newline"
    lines = lines[:-1]
    if lines == ["Mail queue is empty"]:
        return []
    assert lines[0] == HEADER
    m = SUMMARY.match(lines[-1])
    assert m, lines[-1]
    assert lines[-2] == ""
    messages = []
    current = None
    expect_message = True
    for line in lines[1:-2]:
        if expect_message:
            m = MESSAGE_LINE.match(line)
            assert m, "bad message line: %r" % line
            current = dict(m.groupdict(), rcpts=[], reasons=[])
            messages.append(current)
            expect_message = False
        elif line == "":
            expect_message = True
        elif RCPT_LINE.match(line):
            current["rcpts"].append(RCPT_LINE.match(line).group("rcpt"))
        else:
            m = REASON_LINE.match(line)
            assert m, "bad line: %r" % line
            # Right-aligned: the closing parenthesis in column 78.
            assert len(line) == 78 or not line.startswith(" "), repr(line)
            current["reasons"].append((len(current["rcpts"]),
                                       m.group("reason")))
    total_kbytes = int(SUMMARY.match(lines[-1]).group(1))
    count = int(SUMMARY.match(lines[-1]).group(2))
    assert count == len(messages)
    assert total_kbytes == sum(int(m["size"]) for m in messages) // 1024
    assert lines[-1].endswith("Request.") == (count == 1)
    return messages


def parse_json(text):
    objects = []
    for line in text.split("\n")[:-1]:
        obj = json.loads(line)
        assert list(obj) == JSON_KEYS, line
        assert isinstance(obj["arrival_time"], int)
        assert isinstance(obj["message_size"], int)
        assert isinstance(obj["forced_expire"], bool)
        for rcpt in obj["recipients"]:
            assert set(rcpt) <= {"address", "delay_reason"}
            assert "address" in rcpt
        objects.append(obj)
    assert text == "" or text.endswith("\n")
    return objects


def listing(instance):
    proc = postqueue(instance, "-p")
    assert proc.returncode == 0, proc.stderr
    return parse_listing(proc.stdout)


def json_listing(instance):
    proc = postqueue(instance, "-j")
    assert proc.returncode == 0, proc.stderr
    return parse_json(proc.stdout)


def test_empty_queue(instance):
    start(instance)
    proc = postqueue(instance, "-p")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Mail queue is empty\n"
    proc = postqueue(instance, "-j")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    for argv in ([instance.installed.path("mailq_path"), "-C", instance.etc],
                 [instance.installed.path("sendmail_path"), "-C",
                  instance.etc, "-bp"]):
        proc = subprocess.run(argv, env=env_without_config(),
                              capture_output=True, text=True, timeout=30)
        assert (proc.returncode, proc.stdout) == (0, "Mail queue is empty\n"), \
            proc.stderr


def test_listing_shapes(instance):
    start(instance)
    first = submit(instance, "alice@example.com", "bob@example.com",
                   "carol@example.com")
    second = submit(instance, "", "dave@example.com", body="x" * 3000 + "\n")
    third = submit(instance, "erin@example.com", "frank@example.com",
                   "gina@example.com", "hank@example.com")
    held = submit(instance, "ivan@example.com", "judy@example.com")
    active = submit(instance, "kim@example.com", "lee@example.com")

    # A deferred message: one recipient with a reason, one delivered
    # since (not shown, though its old reason is in the log), and one
    # never tried.
    path = move(instance, third, "incoming", "deferred")
    mark_done(path, "gina@example.com")
    write_defer_log(instance, third, [
        ("frank@example.com", "connect to mx.example.com[192.0.2.1]:25: "
         "Connection refused"),
        ("gina@example.com", "old news")])
    proc = postsuper(instance, "-h", held)
    assert proc.returncode == 0, proc.stderr
    move(instance, active, "incoming", "active", hashed=False)

    messages = {m["id"]: m for m in listing(instance)}
    assert set(messages) == {first, second, third, held, active}
    assert messages[active]["mark"] == "*"
    assert messages[held]["mark"] == "!"
    assert messages[first]["mark"] == messages[third]["mark"] == ""
    assert messages[first]["sender"] == "alice@example.com"
    assert messages[second]["sender"] == "MAILER-DAEMON"
    assert messages[first]["rcpts"] == ["bob@example.com",
                                        "carol@example.com"]
    assert messages[first]["reasons"] == []
    assert messages[third]["rcpts"] == ["frank@example.com",
                                        "hank@example.com"]
    assert messages[third]["reasons"] == [
        (0, "connect to mx.example.com[192.0.2.1]:25: Connection refused"),
        (1, "reason unavailable")]
    assert int(messages[second]["size"]) > 3000

    # Postfix's order: active, incoming, deferred, hold.
    order = [m["id"] for m in listing(instance)]
    assert order.index(active) < order.index(first) < order.index(third) \
        < order.index(held)

    # A reader that stops early is no error.
    proc = subprocess.run("%s -c %s -p | head -1; exit ${PIPESTATUS[0]}"
                          % (instance.installed.command("postqueue"),
                             instance.etc), shell=True, executable="/bin/bash",
                          capture_output=True, text=True, timeout=30,
                          env=env_without_config())
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, HEADER + "\n", "")

    objects = {o["queue_id"]: o for o in json_listing(instance)}
    assert objects[active]["queue_name"] == "active"
    assert objects[held]["queue_name"] == "hold"
    assert objects[third]["queue_name"] == "deferred"
    assert objects[first]["queue_name"] == "incoming"
    assert objects[second]["sender"] == "MAILER-DAEMON"
    assert objects[third]["recipients"] == [
        {"address": "frank@example.com", "delay_reason":
         "connect to mx.example.com[192.0.2.1]:25: Connection refused"},
        {"address": "hank@example.com"}]
    assert objects[first]["message_size"] == int(messages[first]["size"])
    assert abs(objects[first]["arrival_time"] - time.time()) < 120
    assert objects[first]["forced_expire"] is False


def test_postsuper_delete(instance):
    start(instance)
    ids = [submit(instance, "a@example.com", "r%d@example.com" % i)
           for i in range(4)]
    move(instance, ids[0], "incoming", "deferred")
    log = write_defer_log(instance, ids[0], [("r0@example.com", "later")])
    proc = postsuper(instance, "-d", ids[0])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "postsuper: %s: removed" % ids[0], "postsuper: Deleted: 1 message"]
    assert not os.path.exists(log)
    assert find(instance, "deferred", ids[0]) is None

    proc = postsuper(instance, "-d", "-", input="%s\n%s\n" % (ids[1], ids[2]))
    assert proc.returncode == 0, proc.stderr
    assert "postsuper: Deleted: 2 messages" in proc.stderr.splitlines()

    # Unknown or malformed IDs delete nothing and say nothing of counts.
    proc = postsuper(instance, "-d", "ABCDEF12345")
    assert (proc.returncode, proc.stderr) == (0, "")
    proc = postsuper(instance, "-d", "../etc")
    assert "invalid mail queue id: ../etc" in proc.stderr

    proc = postsuper(instance, "-d", "ALL", "incoming")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == ["postsuper: Deleted: 1 message"]
    assert listing(instance) == []

    # The session installation is not reachable by other users: a copy.
    program = os.path.join(instance.base, "postsuper")
    shutil.copy(instance.installed.command("postsuper"), program)
    proc = postsuper(instance, "-d", ids[3], user="nobody", program=program)
    assert proc.returncode == 77
    assert "use of this command is reserved for the superuser" in proc.stderr


def test_postsuper_delete_dont_remove(instance):
    """dont_remove: postsuper -d moves the queue file to saved/."""
    start(instance, dont_remove="1")
    qid = submit(instance, "a@example.com", "r@example.com")
    proc = postsuper(instance, "-d", qid)
    assert proc.returncode == 0, proc.stderr
    assert "postsuper: %s: removed" % qid in proc.stderr.splitlines()
    assert find(instance, "incoming", qid) is None
    assert find(instance, "saved", qid) is not None


def test_postsuper_hold_release(instance):
    start(instance)
    one = submit(instance, "a@example.com", "b@example.com")
    two = submit(instance, "a@example.com", "c@example.com")
    move(instance, two, "incoming", "deferred")
    proc = postsuper(instance, "-h", one, "-h", two)
    assert proc.returncode == 0, proc.stderr
    assert sorted(proc.stderr.splitlines()) == sorted([
        "postsuper: %s: placed on hold" % one,
        "postsuper: %s: placed on hold" % two,
        "postsuper: Placed on hold: 2 messages"])
    assert sorted(instance.queue_files("hold")) == sorted([one, two])
    assert {m["mark"] for m in listing(instance)} == {"!"}

    proc = postsuper(instance, "-H", one)
    assert proc.stderr.splitlines() == [
        "postsuper: %s: released from hold" % one,
        "postsuper: Released from hold: 1 message"]
    # Released mail goes to the deferred queue, in its hash subdirectory.
    assert find(instance, "deferred", one) == os.path.join(
        instance.queue, "deferred", one[0], one)
    proc = postsuper(instance, "-H", "ALL")
    assert proc.stderr.splitlines()[-1] == \
        "postsuper: Released from hold: 1 message"
    assert instance.queue_files("hold") == []
    assert sorted(instance.queue_files("deferred")) == sorted([one, two])


def test_postsuper_requeue(instance):
    start(instance)
    old = submit(instance, "alice@example.com", "bob@example.com",
                 "carol@example.com", body="requeue me\n")
    path = move(instance, old, "incoming", "deferred")
    mark_done(path, "bob@example.com")
    write_defer_log(instance, old, [("carol@example.com", "try later")])
    proc = postsuper(instance, "-r", old)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "postsuper: %s: requeued" % old, "postsuper: Requeued: 1 message"]
    assert find(instance, "deferred", old) is None
    assert find(instance, "defer", old) is None
    # pickup and cleanup make a new queue file of it: only carol is left.
    wait_until(lambda: len(incoming(instance)) == 1, 20,
               "the requeued message in incoming/")
    new = incoming(instance).pop()
    assert new != old
    wait_until(lambda: listing(instance) and
               listing(instance)[0]["rcpts"] == ["carol@example.com"], 10,
               "the requeued message listed")
    (msg,) = listing(instance)
    assert msg["sender"] == "alice@example.com"
    proc = subprocess.run([instance.installed.command("postcat"), "-c",
                           instance.etc, "-q", new], capture_output=True,
                          text=True, env=env_without_config(), timeout=30)
    assert "requeue me" in proc.stdout


def test_postsuper_purge_and_structure(instance):
    start(instance)
    ready = submit(instance, "a@example.com", "b@example.com")
    incoming = os.path.join(instance.queue, "incoming")
    old_temp = os.path.join(incoming, "0123456789A")
    new_temp = os.path.join(incoming, "0123456789B")
    for path in (old_temp, new_temp):
        with open(path, "w") as f:
            f.write("partial")
        shutil.chown(path, "postfix")
        os.chmod(path, 0o600)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_temp, (two_days_ago, two_days_ago))
    proc = postsuper(instance, "-p")
    assert proc.returncode == 0, proc.stderr
    assert not os.path.exists(old_temp)
    assert os.path.exists(new_temp)
    assert os.path.exists(os.path.join(incoming, ready))

    # A deferred file at the wrong hash level is moved where it belongs.
    path = move(instance, ready, "incoming", "deferred", hashed=False)
    assert path == os.path.join(instance.queue, "deferred", ready)
    proc = postsuper(instance, "-s")
    assert proc.returncode == 0, proc.stderr
    assert find(instance, "deferred", ready) == os.path.join(
        instance.queue, "deferred", ready[0], ready)
    # A short ID that does not match its inode (a restored queue) is
    # renamed, with its defer log.
    wrong = ready[:5] + "FFFFF"
    os.rename(find(instance, "deferred", ready),
              os.path.join(instance.queue, "deferred", ready[0], wrong))
    write_defer_log(instance, wrong, [("b@example.com", "later")])
    proc = postsuper(instance, "-s")
    assert "postsuper: Renamed to match inode number: 1 message" \
        in proc.stderr.splitlines()
    assert find(instance, "deferred", wrong) is None
    assert find(instance, "deferred", ready) is not None
    assert find(instance, "defer", ready) is not None


def test_flush_triggers_qmgr(instance):
    start(instance)
    proc = postqueue(instance, "-f")
    assert proc.returncode == 69
    assert "Cannot flush mail queue - mail system is down" in proc.stderr

    # Stand in for qmgr on public/qmgr and catch what postqueue sends.
    path = os.path.join(instance.queue, "public", "qmgr")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o666)
    server.listen(1)
    got = []

    def serve():
        conn, _ = server.accept()
        data = b""
        while True:
            chunk = conn.recv(100)
            if not chunk:
                break
            data += chunk
        got.append(data)
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        proc = postqueue(instance, "-f")
        assert proc.returncode == 0, proc.stderr
        thread.join(10)
        assert got == [b"FADI"]
        # sendmail -q is postqueue -f.
        thread = threading.Thread(target=serve)
        thread.start()
        proc = instance.sendmail("-q")
        assert proc.returncode == 0, proc.stderr
        thread.join(10)
        assert got == [b"FADI", b"FADI"]
    finally:
        server.close()


def test_authorization(instance):
    start(instance)
    submit(instance, "a@example.com", "b@example.com")
    os.chmod(instance.etc, 0o755)
    os.chmod(instance.main_cf, 0o644)
    # A copy without the set-group-ID bit trusts -c; run with the group.
    program = os.path.join(instance.base, "postqueue")
    shutil.copy(instance.installed.command("postqueue"), program)
    os.chmod(program, 0o755)

    proc = postqueue(instance, "-p", user="nobody", group="postdrop",
                     program=program)
    assert proc.returncode == 0, proc.stderr
    assert len(parse_listing(proc.stdout)) == 1

    instance.write_main_cf(authorized_mailq_users="root, postfix",
                           authorized_flush_users="!nobody, static:anyone")
    for option in ("-p", "-j"):
        proc = postqueue(instance, option, user="nobody", group="postdrop",
                         program=program)
        assert proc.returncode == 77
        assert proc.stdout == ""
        assert re.search(r"postqueue: fatal: User nobody\(\d+\) is not "
                         r"allowed to view the mail queue", proc.stderr), \
            proc.stderr
    proc = postqueue(instance, "-f", user="nobody", group="postdrop",
                     program=program)
    assert proc.returncode == 77
    assert "is not allowed to flush the mail queue" in proc.stderr
    # root always may.
    assert len(listing(instance)) == 1


def test_site_flush_needs_fast_flush_domains(instance):
    start(instance, fast_flush_domains="")
    proc = postqueue(instance, "-s", "example.com")
    assert proc.returncode == 69
    assert ('Flush service is not configured for destination "example.com"'
            in proc.stderr), proc.stderr
    proc = instance.sendmail("-qRexample.com")
    assert proc.returncode == 69
    assert b"Flush service is not configured" in proc.stderr
    proc = instance.sendmail("-qS")
    assert proc.returncode == 64
    assert b"-qS is not implemented" in proc.stderr


def test_renamed_services(instance):
    """postdrop and postsuper wake $pickup_service_name, and pickup
    hands mail to $cleanup_service_name, not the default names."""
    instance.mail_system(start=False, pickup_service_name="pickup2",
                         cleanup_service_name="cleanup2")
    start_names = {"pickup": "pickup2", "cleanup": "cleanup2"}
    with open(instance.master_cf) as f:
        lines = []
        for line in f:
            name = line.split(" ", 1)[0]
            if name == "qmgr":
                continue
            if name in start_names:
                line = start_names[name] + line[len(name):]
            lines.append(line)
    if not any(line.startswith("pickup2 ") for line in lines):
        pytest.skip("needs pickup")
    with open(instance.master_cf, "w") as f:
        f.writelines(lines)
    instance.start()
    wait_until(lambda: os.path.exists(
        os.path.join(instance.queue, "public", "pickup2")), 10,
        "public/pickup2")
    # pickup polls only every 60 seconds: the trigger must find it.
    old = submit(instance, "a@example.com", "b@example.com")
    move(instance, old, "incoming", "deferred")
    proc = postsuper(instance, "-r", old)
    assert proc.returncode == 0, proc.stderr
    wait_until(lambda: len(incoming(instance)) == 1, 20,
               "the requeued message in incoming/")
