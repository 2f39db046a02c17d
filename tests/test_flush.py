"""
test_flush.py - the flush(8) fast flush service

flush runs stand-alone (-S) on a private instance, with requests as
flush_clnt sends them: "add" appends a queue ID to flush/SITE for a
site in fast_flush_domains (a subdomain too, parent_domain_matches_
subdomains naming fast_flush_domains by default) and refuses others
with FLUSH_STAT_DENY; "send_site" makes the listed deferred files due
now (their time was in the future) and empties the log; malformed
queue IDs, site names and request names get FLUSH_STAT_BAD; "purge"
flushes every log.
"""

import os
import socket
import threading
import time

import pytest

import deliver_proto

QID = "4A1B2C3D4E"


def attr(kind, name, value):
    value = str(value).encode()
    return (kind.encode() + b"%d:%s," % (len(name), name.encode())
            + b"%d:%s," % (len(value), value))


def flush_request(instance, request, site="", queue_id=""):
    req = (attr("S", "request", request) + attr("S", "site", site)
           + attr("S", "queue_id", queue_id) + b"E")
    reply, proc = deliver_proto.run_agent(instance, "flush", ["-n", "flush"],
                                          req)
    assert reply.startswith(b"I6:status,"), (reply, proc.stderr)
    return int(reply.split(b",")[1].split(b":")[1]), proc


@pytest.fixture
def flush(instance):
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "flush")):
        pytest.skip("needs flush (not installed yet)")
    instance.mail_system(start=False, fast_flush_domains="example.net, "
                         "inline:{ table.example=x }",
                         hash_queue_names="defer")
    instance.start()
    return instance


def deferred_file(instance, qid, future=3600):
    path = os.path.join(instance.queue, "deferred", qid)
    with open(path, "w") as f:
        f.write("x")
    later = time.time() + future
    os.utime(path, (later, later))
    return path


def test_add_and_send_site(flush):
    instance = flush
    path = deferred_file(instance, QID)
    assert flush_request(instance, "add", "Example.NET", QID)[0] == 0
    assert flush_request(instance, "add", "example.net", QID)[0] == 0
    log = os.path.join(instance.queue, "flush", "example.net")
    with open(log) as f:
        assert f.read() == QID + "\n" + QID + "\n"
    assert os.stat(path).st_mtime > time.time() + 600
    assert flush_request(instance, "send_site", "example.net")[0] == 0
    assert abs(os.stat(path).st_mtime - time.time()) < 60
    assert os.path.getsize(log) == 0


def test_eligibility(flush):
    instance = flush
    assert flush_request(instance, "add", "mail.example.net", QID)[0] == 0
    assert os.path.exists(os.path.join(instance.queue, "flush",
                                       "mail.example.net"))
    assert flush_request(instance, "add", "table.example", QID)[0] == 0
    assert flush_request(instance, "add", "example.org", QID)[0] == 4
    assert flush_request(instance, "send_site", "example.org")[0] == 4
    assert not os.path.exists(os.path.join(instance.queue, "flush",
                                           "example.org"))
    # A site without a log is fine.
    assert flush_request(instance, "send_site", "other.example.net")[0] == 0


def test_bad_requests(flush):
    instance = flush
    assert flush_request(instance, "add", "example.net", "../x")[0] == 3
    assert flush_request(instance, "add", "", QID)[0] == 3
    assert flush_request(instance, "add", ".example.net", QID)[0] == 3
    assert flush_request(instance, "send_file", "", "not/an/id")[0] == 3
    assert flush_request(instance, "bogus")[0] == 3
    assert os.listdir(os.path.join(instance.queue, "flush")) == []


def test_send_file_and_purge(flush):
    instance = flush
    one = deferred_file(instance, QID)
    two = deferred_file(instance, "4B1B2C3D4E")
    assert flush_request(instance, "send_file", "", QID)[0] == 0
    assert abs(os.stat(one).st_mtime - time.time()) < 60
    assert os.stat(two).st_mtime > time.time() + 600
    assert flush_request(instance, "add", "example.net", "4B1B2C3D4E")[0] == 0
    assert flush_request(instance, "purge")[0] == 0
    assert abs(os.stat(two).st_mtime - time.time()) < 60
    assert os.path.getsize(os.path.join(instance.queue, "flush",
                                        "example.net")) == 0


def test_wakes_queue_service_name(flush):
    """flush wakes $queue_service_name, not a fixed "qmgr"."""
    instance = flush
    instance.write_main_cf(queue_service_name="qmgr2")
    path = os.path.join(instance.queue, "public", "qmgr2")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(20)
    got = []

    def serve():
        conn, _ = server.accept()
        got.append(conn.recv(100))
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        deferred_file(instance, QID)
        assert flush_request(instance, "send_file", "", QID)[0] == 0
        thread.join(20)
        assert got == [b"D"], got
    finally:
        server.close()
