"""test_qmgr.py - the queue manager with real agents

sendmail -> pickup -> cleanup -> qmgr -> discard / error / retry
(-> bounce). Each test starts a private instance with
instance.mail_system() and watches the log and the queue directories.
"""

import os
import re
import socket
import time

import pytest

from conftest import wait_until

NEEDED = ("pickup", "cleanup", "qmgr", "trivial-rewrite")


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    missing = [p for p in NEEDED + progs
               if not os.path.exists(os.path.join(daemons, p))]
    if missing:
        pytest.skip("not installed yet: " + ", ".join(missing))


def send(instance, sender, *rcpts, subject="test"):
    proc = instance.sendmail("-f", sender, *rcpts,
                             input="Subject: %s\n\nbody\n" % subject)
    assert proc.returncode == 0, proc.stderr


def poke(instance, req=b"I"):
    """A trigger to public/qmgr, as cleanup, postqueue or master send."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(os.path.join(instance.queue, "public", "qmgr"))
            s.sendall(req)
    except OSError:
        pass


def queue_id(instance, sender, timeout=10):
    """The ID of the message from sender, from qmgr's log line."""
    pattern = re.compile(r"([0-9A-Za-z]+): from=<%s>, size=\d+, nrcpt=\d+ "
                         r"\(queue active\)" % re.escape(sender))
    found = []

    def look():
        found[:] = pattern.findall(instance.log())
        return found
    wait_until(look, timeout, "qmgr log line for <%s>:\n%s"
               % (sender, instance.log()))
    return found[0]


def queue_path(instance, queue, qid):
    for dirpath, _, files in os.walk(os.path.join(instance.queue, queue)):
        if qid in files:
            return os.path.join(dirpath, qid)
    return None


def qmgr_running(instance):
    for pid in instance.processes():
        try:
            exe = os.readlink("/proc/%d/exe" % pid)
        except OSError:
            continue
        if os.path.basename(exe) == "qmgr" and instance.alive(pid):
            return True
    return False


def need_log(instance):
    if not instance.maillog:
        pytest.skip("needs postlogd for log assertions")


def test_discard_removed(instance):
    require(instance, "discard")
    need_log(instance)
    instance.mail_system(default_transport="discard")
    send(instance, "s1@host.example.com", "a@remote.example",
         "b@remote.example")
    qid = queue_id(instance, "s1@host.example.com")
    assert re.search(r"%s: from=<s1@host.example.com>, size=\d+, nrcpt=2 "
                     r"\(queue active\)" % qid, instance.log())
    instance.wait_log("%s: removed" % qid)
    for q in ("incoming", "active", "deferred"):
        assert queue_path(instance, q, qid) is None, q


def test_dont_remove_saves(instance):
    """dont_remove: a delivered message's queue file goes to saved/."""
    require(instance, "discard")
    need_log(instance)
    instance.mail_system(default_transport="discard", dont_remove="1")
    send(instance, "s1@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s1@host.example.com")
    instance.wait_log("%s: removed" % qid)
    saved = queue_path(instance, "saved", qid)
    assert saved is not None, os.listdir(os.path.join(instance.queue, "saved"))
    with open(saved, "rb") as f:
        assert b"s1@host.example.com" in f.read()
    for q in ("incoming", "active", "deferred"):
        assert queue_path(instance, q, qid) is None, q


def test_retry_deferred_with_future_mtime(instance):
    require(instance, "error")
    need_log(instance)
    instance.mail_system(default_transport="retry:try again later",
                         minimal_backoff_time="1000s")
    before = time.time()
    send(instance, "s2@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s2@host.example.com")
    wait_until(lambda: queue_path(instance, "deferred", qid), 10,
               "%s in deferred" % qid)
    path = queue_path(instance, "deferred", qid)
    assert os.stat(path).st_mtime >= before + 900
    assert "%s: removed" % qid not in instance.log()
    instance.wait_log("%s: to=<a@remote.example>" % qid)
    assert re.search(r"%s: to=<a@remote.example>, .*status=deferred "
                     r"\(.*try again later" % qid, instance.log())
    assert queue_path(instance, "active", qid) is None


def test_error_bounces(instance):
    require(instance, "error", "bounce")
    need_log(instance)
    instance.mail_system(default_transport="error:no such place")
    send(instance, "s3@remote.example", "a@remote.example")
    qid = queue_id(instance, "s3@remote.example")
    instance.wait_log("%s: sender non-delivery notification:" % qid)
    instance.wait_log("%s: removed" % qid)
    assert re.search(r"%s: to=<a@remote.example>, .*status=bounced" % qid,
                     instance.log())


def test_defer_transports(instance):
    require(instance, "discard")
    need_log(instance)
    instance.mail_system(default_transport="discard",
                         defer_transports="discard")
    send(instance, "s4@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s4@host.example.com")
    instance.wait_log("%s: to=<a@remote.example>, relay=none" % qid)
    assert re.search(r"%s: to=<a@remote.example>, relay=none, delay=[0-9.]+, "
                     r"delays=[0-9.]+/[0-9.]+/0/0, dsn=4.3.2, "
                     r"status=deferred \(deferred transport\)" % qid,
                     instance.log())
    wait_until(lambda: queue_path(instance, "deferred", qid), 10,
               "%s in deferred" % qid)
    assert "%s: removed" % qid not in instance.log()
    # 'A' (postqueue -f) ignores retry times and defer_transports.
    poke(instance, b"A")
    instance.wait_log("%s: removed" % qid)


def test_transport_unavailable(instance):
    need_log(instance)
    instance.mail_system(default_transport="nosuchservice")
    send(instance, "s5@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s5@host.example.com")
    instance.wait_log("%s: to=<a@remote.example>, relay=none" % qid)
    assert re.search(r"%s: to=<a@remote.example>, .*dsn=4.3.0, "
                     r"status=deferred \(mail transport unavailable\)" % qid,
                     instance.log())
    wait_until(lambda: queue_path(instance, "deferred", qid), 10,
               "%s in deferred" % qid)


def test_hold_untouched_and_filter(instance):
    """header_checks HOLD keeps mail in hold/ (qmgr never looks there);
    FILTER sends the message to another transport than resolution."""
    require(instance, "discard", "error")
    need_log(instance)
    checks = os.path.join(instance.etc, "header_checks")
    with open(checks, "w") as f:
        f.write("/^Subject: hold/ HOLD\n/^Subject: filter/ FILTER discard:\n")
    instance.mail_system(default_transport="retry:not this way",
                         header_checks="regexp:" + checks)
    send(instance, "s6@host.example.com", "a@remote.example",
         subject="hold me")
    send(instance, "s7@host.example.com", "a@remote.example",
         subject="filter me")
    qid = queue_id(instance, "s7@host.example.com")
    instance.wait_log("%s: removed" % qid)
    wait_until(lambda: instance.queue_files("hold"), 10, "a file in hold")
    held = instance.queue_files("hold")
    # A wakeup: qmgr scans incoming and leaves hold/ alone.
    send(instance, "s8@host.example.com", "b@remote.example",
         subject="filter again")
    queue_id(instance, "s8@host.example.com")
    time.sleep(0.5)
    assert instance.queue_files("hold") == held
    assert "from=<s6@host.example.com>, size=" not in instance.log()


@pytest.mark.parametrize("param,value,most", [
    ("qmgr_message_active_limit", "2", 2),
    ("qmgr_message_recipient_limit", "3", 2),   # 2 recipients each
])
def test_active_limit(instance, param, value, most):
    """With qmgr out of master.cf, 20 messages pile up in incoming; then
    the active queue never holds more than the limits allow."""
    require(instance, "discard")
    need_log(instance)
    instance.mail_system(default_transport="discard", **{param: value})
    with open(instance.master_cf) as f:
        full = f.read()
    without = "".join(line for line in full.splitlines(True)
                      if not line.startswith("qmgr "))
    with open(instance.master_cf, "w") as f:
        f.write(without)
    assert instance.postfix("reload").returncode == 0
    wait_until(lambda: not qmgr_running(instance), 10, "qmgr gone")
    count = 20
    for n in range(count):
        send(instance, "l%d@host.example.com" % n, "a@remote.example",
             "b@remote.example")
    wait_until(lambda: len(instance.queue_files("incoming")) == count, 20,
               "%d files in incoming" % count)
    with open(instance.master_cf, "w") as f:
        f.write(full)
    assert instance.postfix("reload").returncode == 0
    seen = 0
    deadline = time.monotonic() + 30
    last = 0
    while time.monotonic() < deadline:
        seen = max(seen, len(instance.queue_files("active")))
        if time.monotonic() - last > 0.5:
            poke(instance)
            last = time.monotonic()
        if (instance.log().count(": removed") >= count
                and not instance.queue_files("incoming")):
            break
        time.sleep(0.002)
    assert instance.log().count(": removed") == count, instance.log()
    assert seen <= most, seen


def test_expired_returned(instance):
    """maximal_queue_lifetime=0: after its first deferral the message is
    returned with the defer log as the reason, and removed."""
    require(instance, "error", "bounce")
    need_log(instance)
    instance.mail_system(default_transport="retry:try again later",
                         maximal_queue_lifetime="0")
    send(instance, "s9@remote.example", "a@remote.example")
    qid = queue_id(instance, "s9@remote.example")
    instance.wait_log("%s: from=<s9@remote.example>, status=expired, "
                      "returned to sender" % qid)
    instance.wait_log("%s: sender non-delivery notification:" % qid)
    instance.wait_log("%s: removed" % qid)
    for q in ("active", "deferred", "defer"):
        assert queue_path(instance, q, qid) is None, q


def test_delay_warning_once(instance):
    """delay_warning_time: one delay notification, on a later attempt
    ('A' ignores the retry time), never two."""
    require(instance, "error", "bounce")
    need_log(instance)
    instance.mail_system(default_transport="retry:try again later",
                         delay_warning_time="3s")
    send(instance, "s10@remote.example", "a@remote.example")
    qid = queue_id(instance, "s10@remote.example")
    wait_until(lambda: queue_path(instance, "deferred", qid), 10,
               "%s in deferred" % qid)
    assert "sender delay notification" not in instance.log()
    time.sleep(3.2)
    for attempt in (2, 3):
        poke(instance, b"A")
        wait_until(lambda: instance.log().count(
            "%s: to=<a@remote.example>" % qid) >= attempt, 10,
            "attempt %d" % attempt)
        wait_until(lambda: queue_path(instance, "deferred", qid), 10,
                   "%s in deferred again" % qid)
    instance.wait_log("%s: sender delay notification:" % qid)
    assert instance.log().count("%s: sender delay notification" % qid) == 1


def test_corrupt_file_set_aside(instance):
    """A complete-looking file that is not a queue file goes to corrupt/
    with a warning naming it; an incomplete one (0600) is left alone."""
    need_log(instance)
    instance.mail_system(default_transport="discard")
    import pwd
    pw = pwd.getpwnam("postfix")
    for name, mode in (("ABCDE1234", 0o700), ("ABCDF1235", 0o600)):
        path = os.path.join(instance.queue, "incoming", name)
        with open(path, "w") as f:
            f.write("garbage\n")
        os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(path, mode)
    deadline = time.monotonic() + 10
    while (queue_path(instance, "corrupt", "ABCDE1234") is None
           and time.monotonic() < deadline):
        poke(instance)
        time.sleep(0.2)
    assert queue_path(instance, "corrupt", "ABCDE1234")
    instance.wait_log("warning: ABCDE1234: corrupt queue file")
    assert queue_path(instance, "incoming", "ABCDF1235")
    assert "ABCDF1235" not in instance.log()


def test_broken_agent(instance):
    """An agent that answers garbage: its recipients are deferred with
    4.3.0 unknown mail transport error, and the message is kept."""
    need_log(instance)
    instance.mail_system(
        services="broken unix - - n - - test_echo_server\n",
        default_transport="broken")
    send(instance, "s11@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s11@host.example.com")
    instance.wait_log("%s: to=<a@remote.example>, relay=none" % qid)
    assert re.search(r"%s: to=<a@remote.example>, .*dsn=4.3.0, "
                     r"status=deferred \(unknown mail transport error\)"
                     % qid, instance.log())
    assert "warning: transport broken failure" in instance.log()
    wait_until(lambda: queue_path(instance, "deferred", qid), 10,
               "%s in deferred" % qid)


class FakeAgent:
    """A delivery agent on private/NAME that reads each request and
    answers DEL_STAT_DEFER with a whole-destination failure (hop_status),
    as an smtp client does when every MX host refuses."""

    def __init__(self, instance, name, hop_status="", hop_reason="",
                 status="1"):
        import pwd
        import threading
        self.path = os.path.join(instance.queue, "private", name)
        self.reply = self.encode([("I", "status", status),
                                  ("S", "hop_status", hop_status),
                                  ("S", "hop_reason", hop_reason)])
        self.requests = 0
        self.rcpt_counts = []
        self.arrivals = []              # (monotonic time, nexthop)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        pw = pwd.getpwnam("postfix")
        os.chown(self.path, pw.pw_uid, pw.pw_gid)
        self.sock.listen(10)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    @staticmethod
    def encode(attrs):
        out = b""
        for kind, name, value in attrs:
            name, value = name.encode(), value.encode()
            out += b"%s%d:%s,%d:%s," % (kind.encode(), len(name), name,
                                        len(value), value)
        return out + b"E"

    @staticmethod
    def read_request(conn, attrs=None):
        """Reads one request; the number of recipients. String
        attributes go into attrs (the last of each name)."""
        buf = b""

        def need(n):
            nonlocal buf
            while len(buf) < n:
                data = conn.recv(4096)
                if not data:
                    raise EOFError
                buf += data

        pos = 0
        count = 0
        while True:
            need(pos + 1)
            if buf[pos:pos + 1] == b"E":
                return count
            pos += 1
            start = pos
            fields = []
            for _ in range(2):          # name, then value
                while True:
                    need(pos + 1)
                    colon = buf.find(b":", pos)
                    if colon >= 0:
                        break
                    need(len(buf) + 1)
                size = int(buf[pos:colon])
                fields.append((colon + 1, colon + 1 + size))
                pos = colon + 1 + size + 1
                need(pos)
            if attrs is not None:
                (ns, ne), (vs, ve) = fields
                attrs[buf[ns:ne].decode()] = buf[vs:ve].decode()
            if buf[start:pos].startswith(b"7:address,"):
                count += 1

    def run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            with conn:
                conn.settimeout(5)
                attrs = {}
                try:
                    count = self.read_request(conn, attrs)
                except (EOFError, OSError, ValueError):
                    continue
                self.arrivals.append((time.monotonic(),
                                      attrs.get("nexthop", "")))
                self.rcpt_counts.append(count)
                self.requests += 1
                conn.sendall(self.reply)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_dead_destination(instance):
    """A whole-destination failure with a window of 1 kills the
    destination: later mail for it is deferred with the agent's reason
    without a delivery attempt, until 'F' forgets it."""
    need_log(instance)
    instance.mail_system(default_transport="hopfail",
                         hopfail_initial_destination_concurrency="1",
                         minimal_backoff_time="1000s")
    agent = FakeAgent(instance, "hopfail", "4.4.1", "connection refused")
    try:
        send(instance, "s12@host.example.com", "a@remote.example")
        qid1 = queue_id(instance, "s12@host.example.com")
        wait_until(lambda: queue_path(instance, "deferred", qid1), 10,
                   "%s in deferred" % qid1)
        assert agent.requests == 1
        assert re.search(r"%s: to=<a@remote.example>, relay=none, .*"
                         r"dsn=4.4.1, status=deferred \(connection refused\)"
                         % qid1, instance.log())
        send(instance, "s13@host.example.com", "b@remote.example")
        qid2 = queue_id(instance, "s13@host.example.com")
        instance.wait_log("%s: to=<b@remote.example>" % qid2)
        assert re.search(r"%s: to=<b@remote.example>, relay=none, .*"
                         r"dsn=4.4.1, status=deferred \(connection refused\)"
                         % qid2, instance.log())
        wait_until(lambda: queue_path(instance, "deferred", qid2), 10,
                   "%s in deferred" % qid2)
        assert agent.requests == 1
        # Forget dead destinations, then retry everything: tried again.
        poke(instance, b"FA")
        wait_until(lambda: agent.requests >= 2, 10, "a new attempt")
    finally:
        agent.close()


@pytest.mark.parametrize("limit,expect", [("1", [1, 1, 1]), ("2", [2, 1]),
                                          (None, [3])])
def test_recipient_limit(instance, limit, expect):
    """TRANSPORT_destination_recipient_limit splits a message into
    requests (default_destination_recipient_limit otherwise)."""
    need_log(instance)
    settings = dict(default_transport="fake", minimal_backoff_time="1000s")
    if limit:
        settings["fake_destination_recipient_limit"] = limit
    instance.mail_system(**settings)
    agent = FakeAgent(instance, "fake", status="0")
    try:
        send(instance, "s14@host.example.com", "a@remote.example",
             "b@remote.example", "c@remote.example")
        qid = queue_id(instance, "s14@host.example.com")
        # Status OK but nothing marked done: the message is deferred.
        wait_until(lambda: queue_path(instance, "deferred", qid), 10,
                   "%s in deferred" % qid)
        assert sorted(agent.rcpt_counts, reverse=True) == expect
    finally:
        agent.close()


def test_deferred_queue_run(instance):
    """queue_run_delay: deferred mail is retried without any trigger
    once its retry time (minimal_backoff_time) has come."""
    require(instance, "error")
    need_log(instance)
    instance.mail_system(default_transport="retry:try again later",
                         queue_run_delay="1s", minimal_backoff_time="1s",
                         maximal_backoff_time="1s")
    send(instance, "s15@host.example.com", "a@remote.example")
    qid = queue_id(instance, "s15@host.example.com")
    wait_until(lambda: instance.log().count(
        "%s: to=<a@remote.example>" % qid) >= 3, 15, "two retries")
    assert instance.log().count("%s: from=<s15@host.example.com>" % qid) >= 3


@pytest.mark.parametrize("param,rcpts,gap", [
    # Three messages to one destination: one per 2 seconds.
    ("fake_destination_rate_delay", ["a@one.example"] * 3, 2),
    # Without a delay they go at once.
    (None, ["a@one.example"] * 3, 0),
    # A destination rate delay does not hold up other destinations.
    ("fake_destination_rate_delay", ["a@one.example", "b@two.example"], 0),
    # A transport rate delay paces the transport across destinations.
    ("fake_transport_rate_delay", ["a@one.example", "b@two.example"], 2),
    # The default_ parameter applies when the transport has none.
    ("default_destination_rate_delay", ["a@one.example"] * 2, 2),
])
def test_rate_delay(instance, param, rcpts, gap):
    """TRANSPORT_destination_rate_delay and TRANSPORT_transport_rate_delay
    (falling back to default_...): qmgr waits the delay after each
    delivery before the next one to that destination (transport). The
    messages are first parked by defer_transports, then released
    together by 'A', so that they are all ready at the same moment."""
    need_log(instance)
    settings = dict(default_transport="fake", minimal_backoff_time="1000s",
                    defer_transports="fake")
    if param:
        settings[param] = "2s"
    instance.mail_system(**settings)
    agent = FakeAgent(instance, "fake", status="0")
    try:
        qids = []
        for n, rcpt in enumerate(rcpts):
            sender = "r%d@host.example.com" % n
            send(instance, sender, rcpt)
            qid = queue_id(instance, sender)
            wait_until(lambda: queue_path(instance, "deferred", qid), 10,
                       "%s in deferred" % qid)
            qids.append(qid)
        assert agent.requests == 0
        poke(instance, b"A")
        wait_until(lambda: agent.requests >= len(rcpts),
                   5 + gap * len(rcpts), "%d deliveries" % len(rcpts))
        times = sorted(t for t, _ in agent.arrivals)
        gaps = [b - a for a, b in zip(times, times[1:])]
        if gap:
            assert min(gaps) >= gap - 0.3, gaps
        else:
            assert times[-1] - times[0] < 1.5, gaps
        hops = sorted(set(h for _, h in agent.arrivals))
        assert hops == sorted(set(r.split("@")[1] for r in rcpts))
    finally:
        agent.close()
