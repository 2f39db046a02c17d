"""
deliver_proto.py - drive a delivery agent without qmgr

For the agent tests (test_pipe.py, test_virtual.py): read the envelope
of a queue file (qfile(5) records), encode a qmgr delivery request
(deliver_request.h, attr.h encoding), and run an agent stand-alone
(-S) with the request on a socket as its standard input, as qmgr would
send it. The agent then reports through the real bounce/defer/trace
services and logs as usual.
"""

import os
import re
import socket
import subprocess
import time


def _records(data):
    """(type, offset, payload) of each record of a queue file."""
    pos = 0
    while pos < len(data):
        start = pos
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
        yield rtype, start, data[pos:pos + length]
        pos += length


def envelope(path):
    """The request fields that a queue file's envelope gives."""
    with open(path, "rb") as f:
        data = f.read()
    env = {"rcpts": [], "sender": "", "arrival": (0, 0)}
    orig = ""
    for rtype, offset, payload in _records(data):
        text = payload.decode("utf-8", "replace")
        if rtype == "C":
            env["data_size"] = int(text.split()[0])
        elif rtype == "T":
            sec, usec = (text.split() + ["0"])[:2]
            env["arrival"] = (int(sec), int(usec))
        elif rtype == "S":
            env["sender"] = text
        elif rtype == "O":
            orig = text
        elif rtype == "R":
            env["rcpts"].append((orig, text, offset))
            orig = ""
        elif rtype == "M":
            env["data_offset"] = offset + 1 + 1 + len(payload)
            break
    return env


def _attr(kind, name, value):
    value = str(value).encode()
    name = name.encode()
    return (kind.encode() + b"%d:" % len(name) + name + b","
            + b"%d:" % len(value) + value + b",")


def request(queue, queue_id, env, nexthop="", flags=0):
    """The encoded delivery request for every recipient of env."""
    now = int(time.time())
    out = [
        _attr("I", "flags", flags),
        _attr("S", "queue_name", queue),
        _attr("S", "queue_id", queue_id),
        _attr("L", "data_offset", env["data_offset"]),
        _attr("L", "data_size", env["data_size"]),
        _attr("S", "nexthop", nexthop),
        _attr("S", "encoding", ""),
        _attr("I", "smtputf8", 0),
        _attr("S", "sender", env["sender"]),
        _attr("S", "dsn_envid", ""),
        _attr("I", "dsn_ret", 0),
    ]
    for name in ("client_name", "client_address", "client_port",
                 "protocol_name", "helo_name", "sasl_method",
                 "sasl_username", "sasl_sender", "rewrite_context"):
        out.append(_attr("S", name, ""))
    for name, value in (("arrival_sec", env["arrival"][0]),
                        ("arrival_usec", env["arrival"][1]),
                        ("active_sec", now), ("active_usec", 0),
                        ("request_sec", now), ("request_usec", 0)):
        out.append(_attr("L", name, value))
    out.append(_attr("I", "rcpt_count", len(env["rcpts"])))
    for orig, addr, offset in env["rcpts"]:
        out += [_attr("S", "orig_rcpt", orig), _attr("S", "address", addr),
                _attr("S", "dsn_orcpt", ""), _attr("I", "dsn_notify", 0),
                _attr("L", "offset", offset)]
    out.append(b"E")
    return b"".join(out)


def run_agent(instance, program, args, req, timeout=60):
    """Runs libexec/program -S with req on its standard input socket.
    Returns (reply bytes, CompletedProcess)."""
    path = os.path.join(instance.libexec, program)
    left, right = socket.socketpair()
    env = dict(os.environ, MAIL_CONFIG=instance.etc)
    try:
        proc = subprocess.Popen([path, "-S"] + list(args), stdin=right,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=env,
                                cwd=instance.queue)
        right.close()
        reply = b""
        try:
            left.sendall(req)
            left.settimeout(timeout)
            while not reply.endswith(b"E"):
                chunk = left.recv(4096)
                if not chunk:
                    break
                reply += chunk
            left.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass                        # the agent exited early
        _out, err = proc.communicate(timeout=timeout)
        return reply, subprocess.CompletedProcess(proc.args, proc.returncode,
                                                  "", err.decode())
    finally:
        left.close()


# An agent's reply when every recipient was reported and the destination
# as a whole did not fail: status 0, no hop status, and the number of
# recipients it reported as deferred.
OK_REPLY = re.compile(rb"I6:status,1:0,S10:hop_status,0:,S10:hop_reason,0:,"
                      rb"I8:deferred,(\d+):(\d+),E")


def ok_deferred(reply):
    """The deferred count of an OK reply (see OK_REPLY), or None when
    reply is something else."""
    m = OK_REPLY.fullmatch(reply)
    return int(m.group(2)) if m else None


def queued(instance, recipients, sender="sender@host.example.com",
           message="Subject: test\n\nbody line\n"):
    """Submit with sendmail and wait for the file in incoming/ (no qmgr
    runs in these tests); returns (queue_id, envelope)."""
    from conftest import wait_until
    before = set(instance.queue_files("incoming"))
    proc = instance.sendmail("-f", sender, *recipients, input=message)
    assert proc.returncode == 0, proc.stderr

    def ready():
        for qid in set(instance.queue_files("incoming")) - before:
            path = os.path.join(instance.queue, "incoming", qid)
            try:
                mode = os.stat(path).st_mode
            except FileNotFoundError:
                continue        # cleanup's temporary name, renamed since
            if mode & 0o100:
                return qid
        return None
    qid = wait_until(ready, 30, "a complete file in incoming/")
    return qid, envelope(os.path.join(instance.queue, "incoming", qid))


def agent_system(instance, **main_cf):
    """pickup, cleanup, rewrite, bounce (and postlogd) without qmgr, so
    that submitted mail waits in incoming/ for run_agent()."""
    instance.mail_system(start=False, **main_cf)
    with open(instance.master_cf) as f:
        lines = [line for line in f if not line.startswith("qmgr ")]
    with open(instance.master_cf, "w") as f:
        f.writelines(lines)
    instance.start()
