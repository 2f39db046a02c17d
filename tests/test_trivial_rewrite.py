"""
test_trivial_rewrite.py - trivial-rewrite(8) on a private instance

Starts master with the shipped "rewrite" service line and queries
private/rewrite with the internal attribute protocol (src/global/attr.h),
spoken here by a small Python encoder and decoder: rewrite with both rule
sets, resolve of each address class, transport_maps, and the refusal of
a garbled request (the server drops that client and keeps serving),
relocated_maps (the error transport with "5.1.6 User has moved to").
"""

import os
import shutil
import socket

from conftest import wait_until


def attr_encode(attrs):
    """attrs: list of (name, value); int values go as I, str as S."""
    out = b""
    for name, value in attrs:
        if isinstance(value, int):
            tag, data = b"I", str(value).encode()
        else:
            tag, data = b"S", value.encode()
        out += tag + b"%d:%s," % (len(name), name.encode())
        out += b"%d:%s," % (len(data), data)
    return out + b"E"


class AttrReader:
    """Reads one attribute reply from a socket."""

    def __init__(self, sock):
        self.file = sock.makefile("rb")

    def count(self):
        digits = b""
        while True:
            ch = self.file.read(1)
            assert ch, "connection closed"
            if ch == b":":
                return int(digits)
            digits += ch

    def field(self):
        data = self.file.read(self.count())
        assert self.file.read(1) == b","
        return data.decode()

    def reply(self):
        result = {}
        while True:
            tag = self.file.read(1)
            assert tag, "connection closed"
            if tag == b"E":
                return result
            name = self.field()
            value = self.field()
            result[name] = int(value) if tag in (b"I", b"L") else value


def start(instance, **settings):
    shutil.copy(os.path.join(instance.installed.path("daemon_directory"),
                             "trivial-rewrite"), instance.libexec)
    instance.write_main_cf(**settings)
    instance.write_master_cf(
        instance.echo_service(instance.port)
        + "rewrite unix - - n - - trivial-rewrite\n")
    instance.start()
    path = os.path.join(instance.queue, "private", "rewrite")
    wait_until(lambda: os.path.exists(path), 10, "private/rewrite")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    return sock, AttrReader(sock)


def request(sock, reader, attrs):
    sock.sendall(attr_encode(attrs))
    return reader.reply()


def test_rewrite_and_resolve(instance):
    sock, reader = start(
        instance, myhostname="mail.example.com", mydomain="example.com",
        mydestination="$myhostname, localhost",
        virtual_alias_domains="alias.example",
        virtual_mailbox_domains="vmail.example",
        relay_domains="relay.example",
        remote_header_rewrite_domain="remote.example",
        append_dot_mydomain="yes",
        transport_maps="inline:{special.example=smtp:[10.0.0.1]:2525}")
    cases = [
        ("local", "user", "user@mail.example.com"),
        ("local", "user@host", "user@host.example.com"),
        ("local", "host!user", "user@host.example.com"),
        ("local", "@a,@b:user@dom.example.", "user@dom.example"),
        ("local", '"a@b"@c.example', '"a@b"@c.example'),
        ("remote", "user", "user@remote.example"),
    ]
    for rule, addr, want in cases:
        reply = request(sock, reader, [("request", "rewrite"),
                                       ("rule", rule), ("address", addr)])
        assert reply == {"status": 0, "address": want}, (rule, addr)

    cases = [
        ("u@mail.example.com", "local", "mail.example.com"),
        ("u@alias.example", "error",
         "5.1.1 User unknown in virtual alias table"),
        ("u@vmail.example", "virtual", "vmail.example"),
        ("u@sub.relay.example", "relay", "sub.relay.example"),
        ("u@other.example", "smtp", "other.example"),
        ("u@special.example", "smtp", "[10.0.0.1]:2525"),
        ("u%other.example@localhost", "smtp", "other.example"),
    ]
    for addr, transport, nexthop in cases:
        reply = request(sock, reader, [("request", "resolve"),
                                       ("address", addr)])
        assert reply["status"] == 0
        assert (reply["transport"], reply["nexthop"]) == (transport, nexthop), \
            addr

    # An unknown request gets an error status; the connection stays.
    reply = request(sock, reader, [("request", "frobnicate")])
    assert reply == {"status": -1}
    reply = request(sock, reader, [("request", "rewrite"),
                                   ("rule", "local"), ("address", "x")])
    assert reply["address"] == "x@mail.example.com"

    # Garbage: the server hangs up on this client only.
    sock.sendall(b"Z99:garbage")
    assert sock.recv(100) == b""
    sock.close()
    sock2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock2.settimeout(10)
    sock2.connect(os.path.join(instance.queue, "private", "rewrite"))
    reply = request(sock2, AttrReader(sock2),
                    [("request", "resolve"), ("address", "u@localhost")])
    assert reply["transport"] == "local"
    sock2.close()


def test_relocated_maps(instance):
    sock, reader = start(
        instance, myhostname="mail.example.com", mydomain="example.com",
        myorigin="origin.example", mydestination="$myhostname, localhost",
        recipient_delimiter="+",
        relocated_maps="inline:{bob@mail.example.com=bob@new.example, "
                       "carol=carol@elsewhere.example, "
                       "{@gone.example=the new office}}, "
                       "regexp:{{/^dave(\\+.*)?@/ dave@x.example}, "
                       "{!/@/ frank@x.example}}")
    cases = [
        ("bob@mail.example.com", "error",
         "5.1.6 User has moved to bob@new.example"),
        ("Bob+ext@Mail.Example.com", "error",
         "5.1.6 User has moved to bob@new.example"),
        ("carol@localhost", "error",
         "5.1.6 User has moved to carol@elsewhere.example"),
        ("carol+x@origin.example", "error",
         "5.1.6 User has moved to carol@elsewhere.example"),
        ("carol@other.example", "smtp", "other.example"),
        ("anyone@gone.example", "error",
         "5.1.6 User has moved to the new office"),
        ("dave@other.example", "error",
         "5.1.6 User has moved to dave@x.example"),
        ("dave+x@mail.example.com", "error",
         "5.1.6 User has moved to dave@x.example"),
        ("erin@mail.example.com", "local", "mail.example.com"),
        # Pattern tables see the whole address only, never "frank".
        ("frank@mail.example.com", "local", "mail.example.com"),
    ]
    for addr, transport, nexthop in cases:
        reply = request(sock, reader, [("request", "resolve"),
                                       ("address", addr)])
        assert reply["status"] == 0
        assert (reply["transport"], reply["nexthop"]) == (transport, nexthop), \
            (addr, reply)
    sock.close()


def resolve(sock, reader, addr):
    reply = request(sock, reader, [("request", "resolve"), ("address", addr)])
    assert reply["status"] == 0
    return reply


FLAG_ERROR = 1 << 2
CLASS_LOCAL = 1 << 8


def test_resolve_interface_literals(instance):
    # inet_interfaces and proxy_interfaces addresses are this machine.
    sock, reader = start(instance, myhostname="mail.example.com",
                         mydestination="$myhostname",
                         inet_interfaces="127.0.0.1",
                         proxy_interfaces="198.51.100.7")
    for addr in ("u@[127.0.0.1]", "u@[198.51.100.7]"):
        reply = resolve(sock, reader, addr)
        assert reply["transport"] == "local", addr
        assert reply["flags"] & CLASS_LOCAL, addr
    reply = resolve(sock, reader, "u@[198.51.100.8]")
    assert reply["transport"] == "smtp"
    sock.close()


def test_resolve_defaults(instance):
    # resolve_null_domain = no, resolve_numeric_domain = no,
    # resolve_dequoted_address = yes.
    sock, reader = start(instance, myhostname="mail.example.com",
                         mydestination="$myhostname, localhost",
                         inet_interfaces="127.0.0.1")
    assert resolve(sock, reader, "u@")["flags"] & FLAG_ERROR
    reply = resolve(sock, reader, "u@127.0.0.1")
    assert reply["flags"] & FLAG_ERROR
    assert reply["recipient"] == "u@127.0.0.1"
    reply = resolve(sock, reader, '"u@other.example"@localhost')
    assert (reply["transport"], reply["recipient"]) == \
        ("smtp", "u@other.example")
    sock.close()


def test_resolve_options(instance):
    sock, reader = start(instance, myhostname="mail.example.com",
                         mydestination="$myhostname, localhost",
                         inet_interfaces="127.0.0.1",
                         resolve_null_domain="yes",
                         resolve_numeric_domain="yes",
                         resolve_dequoted_address="no")
    reply = resolve(sock, reader, "u@")
    assert (reply["transport"], reply["recipient"]) == \
        ("local", "u@mail.example.com")
    assert not reply["flags"] & FLAG_ERROR
    reply = resolve(sock, reader, "u@127.0.0.1")
    assert (reply["transport"], reply["recipient"]) == \
        ("local", "u@[127.0.0.1]")
    reply = resolve(sock, reader, '"u@other.example"@localhost')
    assert reply["transport"] == "local"
    sock.close()
