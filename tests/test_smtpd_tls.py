"""test_smtpd_tls.py - STARTTLS and smtps in smtpd(8)

Real clients (Python's ssl/smtplib, openssl s_client) against a private
instance: TLSv1.2 and TLSv1.3 handshakes, the established log line, the
Received: header with smtpd_tls_received_header, level encrypt and
none, the STARTTLS replies, plaintext pipelined after STARTTLS thrown
away (CVE-2011-0411), smtps (wrapper mode), client certificates
(ask/require, permit_tls_clientcerts with relay_clientcerts,
check_ccert_access), a broken server certificate, session resumption.
Certificates are made at test time (tlscerts.make_pki).
"""

import os
import re
import signal
import smtplib
import socket
import ssl
import subprocess
import time

import pytest

import tlscerts
from conftest import wait_until
from test_cleanup import message, postcat, start, submit
from test_smtpd_proto import (Client, mbox, require, smtpd_pids,  # noqa
                              spool)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "host.example.com"
BASE = dict(local_recipient_maps="")


def smtpd_has_tls():
    """Was smtpd built with TLS (makedefs found OpenSSL)?"""
    try:
        with open(os.path.join(TOP, "makedefs.out")) as f:
            return "-DUSE_TLS" in f.read()
    except OSError:
        return False


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    if not smtpd_has_tls():
        pytest.skip("smtpd is built without TLS")
    directory = str(tmp_path_factory.mktemp("pki"))
    os.chmod(os.path.dirname(directory), 0o755)
    return tlscerts.make_pki(directory)


def tls_conf(pki, **extra):
    conf = dict(BASE, smtpd_tls_cert_file=pki["server_cert"],
                smtpd_tls_key_file=pki["server_key"],
                smtpd_tls_security_level="may", smtpd_tls_loglevel="1")
    conf.update(extra)
    return conf


def client_context(maximum=None, cert=None, key=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if maximum is not None:
        ctx.maximum_version = maximum
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def ehlo_keywords(c, name="client.example"):
    c.send("EHLO %s\r\n" % name)
    lines = c.reply()
    return [line[4:].split()[0].upper() for line in lines[1:]]


def starttls_raw(c, ctx):
    """Handshake over the raw socket of a Client after 220."""
    c.sock = ctx.wrap_socket(c.sock, server_hostname="localhost")
    c.buf = b""
    return c.sock


def test_without_tls_support(instance):
    """A build without TLS: one warning, no STARTTLS, plaintext mail."""
    if smtpd_has_tls():
        pytest.skip("smtpd is built with TLS")
    require()
    instance.mail_system(**BASE, smtpd_tls_security_level="may",
                         smtpd_tls_cert_file="/nonexistent/cert.pem")
    c = Client(instance.port)
    c.reply()
    assert "STARTTLS" not in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == "502 5.5.1 Error: command not implemented"
    assert c.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    c.close()
    instance.wait_log("warning: TLS has been selected, but TLS support is "
                      "not compiled in")


# ------------------------------------------------------------ cleanup

def test_cleanup_received_tls_and_auth_lines(instance):
    """cleanup writes the TLS and AUTH comments of Postfix's Received:
    header from smtpd's attributes, folded before key-exchange, and
    protocol_name as given (ESMTPSA)."""
    path = start(instance)
    summary = ("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
               "key-exchange X25519 server-signature RSA-PSS (2048 bits) "
               "server-digest SHA256 client-signature RSA-PSS (2048 bits) "
               "client-digest SHA256")
    queue_id, reply = submit(path, message(
        "alice@example.org", ["bob@example.org"], ["Subject: x", "", "hi"],
        attrs=["client_name=mx.example.org", "client_address=192.0.2.1",
               "helo_name=helo.example.org", "protocol_name=ESMTPSA",
               "tls_summary=" + summary,
               "tls_ccert=Client CN \"c.example\", Issuer \"CA\" "
               "(verified OK)",
               "received_auth=alice\rx"]))
    assert reply["status"] == 0, reply
    text = postcat(instance, queue_id)
    want = ("Received: from helo.example.org (mx.example.org [192.0.2.1])\n"
            "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
            "(256/256 bits)\n"
            "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) "
            "server-digest SHA256\n"
            "\t client-signature RSA-PSS (2048 bits) client-digest SHA256)\n"
            "\t(Client CN \"c.example\", Issuer \"CA\" (verified OK))\n"
            "\t(Authenticated sender: alice?x)\n"
            "\tby host.example.com (Postfix) with ESMTPSA id %s\n"
            % queue_id)
    assert want in text, text


# ------------------------------------------------------------ STARTTLS

@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_starttls_smtplib_delivery(instance, spool, pki, version):
    require("local")
    instance.mail_system(**tls_conf(pki, smtpd_tls_received_header="yes"),
                         mail_spool_directory=spool)
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    assert s.has_extn("starttls")
    maximum = getattr(ssl.TLSVersion, version)
    code, _ = s.starttls(context=client_context(maximum=maximum))
    assert code == 220
    want = version.replace("_", ".")
    assert s.sock.version() == want
    s.ehlo("client.example")
    assert not s.has_extn("starttls")
    s.mail("sender@example.org")
    s.rcpt("pftest1@%s" % HOST)
    code, msg = s.data(b"Subject: tls\r\n\r\nover " + want.encode() +
                       b"\r\n")
    assert code == 250, msg
    qid = msg.split()[-1].decode()
    s.quit()
    data = mbox(spool, b"over " + want.encode())
    assert re.search(
        rb"\nReceived: from client\.example \(localhost \[127\.0\.0\.1\]\)\n"
        rb"\t\(using " + want.encode() + rb" with cipher \S+ "
        rb"\(\d+/\d+ bits\)\n"
        rb"(\t key-exchange [^\n]*\)\n)?"
        rb"\t\(No client certificate requested\)\n"
        rb"\tby host\.example\.com \(Postfix\) with ESMTPS id " +
        qid.encode(), data), data
    instance.wait_log("Anonymous TLS connection established from "
                      "localhost[127.0.0.1]: %s with cipher" % want)
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=2 "
                      "starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7")


def test_no_received_lines_by_default(instance, spool, pki):
    require("local")
    instance.mail_system(**tls_conf(pki), mail_spool_directory=spool)
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context())
    s.ehlo("client.example")
    s.sendmail("sender@example.org", ["pftest1@%s" % HOST],
               b"Subject: plain header\r\n\r\nnoheader\r\n")
    s.quit()
    data = mbox(spool, b"noheader")
    assert b"(using " not in data
    assert b"with ESMTPS id" in data


@pytest.mark.parametrize("flag,proto", [("-tls1_2", b"TLSv1.2"),
                                        ("-tls1_3", b"TLSv1.3")])
def test_openssl_s_client(instance, pki, flag, proto):
    require()
    instance.mail_system(**tls_conf(pki))
    proc = subprocess.run(
        ["openssl", "s_client", "-starttls", "smtp", "-connect",
         "127.0.0.1:%d" % instance.port, flag, "-CAfile", pki["ca_cert"],
         "-servername", "localhost", "-crlf", "-ign_eof"],
        input=b"QUIT\n", capture_output=True, timeout=30)
    out = proc.stdout
    assert b"New, " + proto in out or b"Protocol  : " + proto in out, out
    assert b"Verify return code: 0 (ok)" in out, out
    assert b"221 2.0.0 Bye" in out, out


def test_starttls_replies(instance, pki):
    require()
    instance.mail_system(**tls_conf(pki))
    c = Client(instance.port)
    c.reply()
    assert c.cmd("STARTTLS now") == "501 5.5.4 Syntax: STARTTLS"
    assert "STARTTLS" in ehlo_keywords(c)
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
    assert c.cmd("STARTTLS") == "220 2.0.0 Ready to start TLS"
    starttls_raw(c, client_context())
    # RFC 3207 4.2: the session starts over (no MAIL transaction left).
    assert c.cmd("RCPT TO:<x@%s>" % HOST) == \
        "503 5.5.1 Error: need MAIL command"
    assert "STARTTLS" not in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == "554 5.5.1 Error: TLS already active"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    c.close()
    instance.wait_log("ehlo=2 starttls=1/3 mail=1 rcpt=0/1 quit=1")


def test_helo_forgotten_after_starttls(instance, pki):
    """The HELO name given before STARTTLS does not count afterwards:
    a delayed HELO restriction that would reject it does not fire for
    a client that does not say EHLO again."""
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_helo_restrictions="check_helo_access "
        "inline:{evil.example=REJECT}", smtpd_delay_reject="yes"))
    c = Client(instance.port)
    c.reply()
    ehlo_keywords(c, "evil.example")
    assert c.cmd("STARTTLS") == "220 2.0.0 Ready to start TLS"
    starttls_raw(c, client_context())
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
    assert c.cmd("RCPT TO:<x@%s>" % HOST).startswith("250")
    assert c.cmd("RSET").startswith("250")
    # Said again under TLS, the name is checked (and rejected) as usual.
    ehlo_keywords(c, "evil.example")
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
    assert c.cmd("RCPT TO:<x@%s>" % HOST).startswith("554 5.7.1")
    c.close()


def test_new_tls_session_rate_limit(instance, pki):
    """smtpd_client_new_tls_session_rate_limit: anvil counts handshakes
    that did not resume a session; over the limit STARTTLS gets 454 and
    the session goes on in plaintext."""
    require("anvil")
    instance.mail_system(**tls_conf(
        pki, smtpd_client_new_tls_session_rate_limit="2",
        smtpd_client_event_limit_exceptions="",
        anvil_rate_time_unit="60s"))
    for _ in range(2):
        c = Client(instance.port)
        c.reply()
        ehlo_keywords(c)
        assert c.cmd("STARTTLS") == "220 2.0.0 Ready to start TLS"
        starttls_raw(c, client_context())
        assert c.cmd("QUIT") == "221 2.0.0 Bye"
        c.close()
    c = Client(instance.port)
    c.reply()
    ehlo_keywords(c)
    assert c.cmd("STARTTLS") == ("454 4.7.0 Error: too many new TLS "
                                 "sessions from 127.0.0.1")
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
    c.close()
    instance.wait_log("warning: New TLS session rate limit exceeded: 3 from "
                      "localhost[127.0.0.1] for service ")


def test_level_encrypt(instance, pki):
    require()
    instance.mail_system(**tls_conf(pki, smtpd_tls_security_level="encrypt"))
    c = Client(instance.port)
    c.reply()
    words = ehlo_keywords(c)
    assert "STARTTLS" in words and "PIPELINING" in words
    for cmd in ("MAIL FROM:<a@example.org>", "RCPT TO:<b@example.org>",
                "DATA", "VRFY x", "ETRN example.org", "BDAT 1 LAST",
                "AUTH PLAIN"):
        assert c.cmd(cmd) == "530 5.7.0 Must issue a STARTTLS command " \
            "first", cmd
    assert c.cmd("NOOP").startswith("250")
    assert c.cmd("RSET").startswith("250")
    assert c.cmd("STARTTLS") == "220 2.0.0 Ready to start TLS"
    starttls_raw(c, client_context())
    ehlo_keywords(c)
    assert c.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    assert c.cmd("QUIT") == "221 2.0.0 Bye"
    c.close()


def test_smtpd_enforce_tls_compat(instance, pki):
    """smtpd_enforce_tls = yes without a security level: encrypt."""
    require()
    conf = tls_conf(pki, smtpd_enforce_tls="yes")
    del conf["smtpd_tls_security_level"]
    instance.mail_system(**conf)
    c = Client(instance.port)
    c.reply()
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("530 5.7.0")
    c.close()


def test_level_none(instance, pki):
    require()
    instance.mail_system(**tls_conf(pki, smtpd_tls_security_level="none"))
    c = Client(instance.port)
    c.reply()
    assert "STARTTLS" not in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == "502 5.5.1 Error: command not implemented"
    c.close()


def test_discard_ehlo_keyword(instance, pki):
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_discard_ehlo_keywords="silent-discard, starttls"))
    c = Client(instance.port)
    c.reply()
    assert "STARTTLS" not in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == "502 5.5.1 Error: command not implemented"
    c.close()


def test_plaintext_after_starttls_discarded(instance, pki):
    """CVE-2011-0411: "STARTTLS\\r\\nRSET\\r\\n" in one write; the RSET
    must not be answered inside TLS."""
    require()
    instance.mail_system(**tls_conf(pki))
    c = Client(instance.port)
    c.reply()
    ehlo_keywords(c)
    c.send("STARTTLS\r\nRSET\r\n")
    assert c.reply() == ["220 2.0.0 Ready to start TLS"]
    assert c.buf == b""
    starttls_raw(c, client_context())
    c.send("EHLO again.example\r\n")
    lines = c.reply()
    assert lines[0] == "250-%s" % HOST, lines
    assert c.cmd("NOOP") == "250 2.0.0 Ok"
    c.close()
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=2 "
                      "starttls=1 noop=1")
    assert "rset=" not in instance.log()


def test_handshake_failure(instance, pki):
    """A client that talks nonsense after 220: lost connection."""
    require()
    instance.mail_system(**tls_conf(pki))
    c = Client(instance.port)
    c.reply()
    assert c.cmd("STARTTLS").startswith("220")
    c.send(b"this is not a TLS client hello\r\n" * 4)
    assert wait_until(c.closed, 20, "the server closes the connection")
    c.close()
    instance.wait_log("lost connection after STARTTLS from "
                      "localhost[127.0.0.1]")
    instance.wait_log("starttls=0/1")


def test_missing_certificate_at_may(instance, pki):
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_cert_file="/nonexistent/cert.pem",
        smtpd_tls_key_file="/nonexistent/key.pem"))
    c = Client(instance.port)
    c.reply()
    assert "STARTTLS" not in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == "502 5.5.1 Error: command not implemented"
    assert c.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    c.close()
    instance.wait_log("warning: TLS context initialization failed")


def test_missing_certificate_at_encrypt(instance, pki):
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_security_level="encrypt",
        smtpd_tls_cert_file="/nonexistent/cert.pem",
        smtpd_tls_key_file="/nonexistent/key.pem"))
    c = Client(instance.port)
    c.reply()
    assert "STARTTLS" in ehlo_keywords(c)
    assert c.cmd("STARTTLS") == \
        "454 4.7.0 TLS not available due to local problem"
    assert c.cmd("MAIL FROM:<a@example.org>").startswith("530 5.7.0")
    c.close()


# ------------------------------------------------------------ smtps

def test_smtps_wrappermode(instance, spool, pki):
    require("local")
    port = instance.ports[1]
    services = ("127.0.0.1:%d inet n - n - - smtpd\n"
                "  -o smtpd_tls_wrappermode=yes\n"
                "  -o syslog_name=postfix/smtps\n" % port)
    instance.mail_system(services=services, mail_spool_directory=spool,
                         **tls_conf(pki, smtpd_tls_received_header="yes"))
    wait_until(lambda: port_open(port), 10, "smtps port")
    s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=30,
                         context=client_context())
    code, _ = s.ehlo("client.example")
    assert code == 250
    assert not s.has_extn("starttls")
    assert s.sock.version() in ("TLSv1.2", "TLSv1.3")
    s.sendmail("sender@example.org", ["pftest1@%s" % HOST],
               b"Subject: smtps\r\n\r\nwrapped\r\n")
    s.quit()
    data = mbox(spool, b"wrapped")
    assert b"with ESMTPS id" in data
    assert b"\t(using TLSv1." in data
    instance.wait_log("Anonymous TLS connection established from "
                      "localhost[127.0.0.1]")
    # A plaintext client on the smtps port gets no banner.
    c = Client(port, timeout=10)
    c.send(b"EHLO plain.example\r\n")
    assert wait_until(c.closed, 20, "smtps drops a plaintext client")
    c.close()


def test_smtps_without_certificate(instance, pki):
    """smtps whose certificate cannot be loaded: warnings, and the
    connection is dropped without a banner."""
    require()
    port = instance.ports[1]
    services = ("127.0.0.1:%d inet n - n - - smtpd\n"
                "  -o smtpd_tls_wrappermode=yes\n" % port)
    instance.mail_system(services=services, **tls_conf(
        pki, smtpd_tls_cert_file="/nonexistent/cert.pem",
        smtpd_tls_key_file="/nonexistent/key.pem"))
    wait_until(lambda: port_open(port), 10, "smtps port")
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    assert sock.recv(100) == b""
    sock.close()
    instance.wait_log("warning: TLS context initialization failed: ")
    instance.wait_log("warning: Wrapper-mode request dropped from "
                      "localhost[127.0.0.1] for service 127.0.0.1:%d. TLS "
                      "context initialization failed." % port)


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


# ------------------------------------------------------------ client certs

@pytest.mark.parametrize("restriction,listed,stem", [
    ("permit_tls_clientcerts", True, "client"),
    ("permit_tls_clientcerts", False, "client"),
    ("permit_tls_all_clientcerts", False, "client"),
    # Postfix: a listed fingerprint needs no CA.
    ("permit_tls_clientcerts", True, "self"),
    ("permit_tls_all_clientcerts", False, "self")])
def test_client_certificates(instance, pki, restriction, listed, stem):
    require()
    fp = tlscerts.fingerprint(pki[stem + "_cert"], "sha256")
    relay = os.path.join(instance.base, "relay_clientcerts")
    with open(relay, "w") as f:
        f.write("%s client.example.com\n" % (fp if listed else "AA:BB"))
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_ask_ccert="yes", smtpd_tls_CAfile=pki["ca_cert"],
        relay_clientcerts="texthash:" + relay,
        smtpd_relay_restrictions=restriction + ", "
                                 "reject_unauth_destination"))
    relays = listed or (restriction == "permit_tls_all_clientcerts"
                        and stem == "client")

    # With a client certificate.
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context(cert=pki[stem + "_cert"],
                                      key=pki[stem + "_key"]))
    s.ehlo("client.example")
    code, msg = s.mail("")
    assert code == 250, msg
    code, msg = s.rcpt("someone@elsewhere.example")
    assert code == (250 if relays else 554), msg
    s.rset()
    s.quit()
    instance.wait_log("%s TLS connection established from "
                      "localhost[127.0.0.1]"
                      % ("Trusted" if stem == "client" else "Untrusted"))

    # Without one: relay access denied.
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context())
    s.ehlo("client.example")
    s.mail("")
    code, msg = s.rcpt("someone@elsewhere.example")
    assert code == 554 and b"5.7.1" in msg and \
        b"Relay access denied" in msg, msg
    s.quit()


def test_check_ccert_access(instance, pki):
    require()
    fp = tlscerts.fingerprint(pki["client_cert"], "sha256")
    ccert = os.path.join(instance.base, "ccert_access")
    with open(ccert, "w") as f:
        f.write("%s REJECT certificate barred\n" % fp)
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_ask_ccert="yes", smtpd_tls_CAfile=pki["ca_cert"],
        smtpd_sender_restrictions="check_ccert_access texthash:" + ccert))
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context(cert=pki["client_cert"],
                                      key=pki["client_key"]))
    s.ehlo("client.example")
    s.mail("a@example.org")
    # smtpd_delay_reject: the sender restrictions run at RCPT.
    code, msg = s.rcpt("pftest1@%s" % HOST)
    assert code == 554 and msg == b"5.7.1 <client.example.com>: Client " \
        b"certificate rejected: certificate barred", msg
    s.quit()
    # No certificate: nothing to look up.
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context())
    s.ehlo("client.example")
    s.mail("a@example.org")
    code, msg = s.rcpt("pftest1@%s" % HOST)
    assert code == 250, msg
    s.quit()


@pytest.mark.parametrize("code", [None, "554"])
def test_reject_plaintext_session(instance, pki, code):
    require()
    extra = dict(plaintext_reject_code=code) if code else {}
    instance.mail_system(**tls_conf(
        pki, smtpd_sender_restrictions="reject_plaintext_session", **extra))
    c = Client(instance.port)
    c.reply()
    ehlo_keywords(c)
    assert c.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    assert c.cmd("RCPT TO:<pftest1@%s>" % HOST) == \
        "%s %s.7.1 Session encryption is required" % (
            code or "450", (code or "450")[0])
    assert c.cmd("STARTTLS").startswith("220")
    starttls_raw(c, client_context())
    ehlo_keywords(c)
    assert c.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    assert c.cmd("RCPT TO:<pftest1@%s>" % HOST) == "250 2.1.5 Ok"
    c.close()


def test_req_ccert_without_certificate(instance, pki):
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_security_level="encrypt", smtpd_tls_req_ccert="yes",
        smtpd_tls_CAfile=pki["ca_cert"]))
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    with pytest.raises((ssl.SSLError, smtplib.SMTPException, OSError)):
        s.starttls(context=client_context())
        # TLS 1.3: the server's refusal arrives after the client's
        # handshake is done, at the next read.
        s.ehlo("client.example")
    s.close()
    instance.wait_log("lost connection after STARTTLS from "
                      "localhost[127.0.0.1]")
    # With the certificate it works.
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=client_context(cert=pki["client_cert"],
                                      key=pki["client_key"]))
    code, _ = s.ehlo("client.example")
    assert code == 250
    assert s.mail("a@example.org")[0] == 250
    s.quit()


# ------------------------------------------------------------ policy

def test_policy_tls_attributes(instance, pki):
    """ccert_* and encryption_* attributes of the policy protocol."""
    require()
    from test_smtpd_policy import PolicyServer
    server = PolicyServer(instance.ports[1])
    try:
        instance.mail_system(**tls_conf(
            pki, smtpd_tls_ask_ccert="yes", smtpd_tls_CAfile=pki["ca_cert"],
            smtpd_recipient_restrictions="check_policy_service "
            "inet:127.0.0.1:%d, reject_unauth_destination"
            % instance.ports[1]))
        # Plaintext: empty values.
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
        s.ehlo("client.example")
        s.mail("a@example.org")
        assert s.rcpt("dunno@%s" % HOST)[0] == 250
        s.starttls(context=client_context(
            maximum=ssl.TLSVersion.TLSv1_3, cert=pki["client_cert"],
            key=pki["client_key"]))
        s.ehlo("client.example")
        s.mail("a@example.org")
        assert s.rcpt("dunno@%s" % HOST)[0] == 250
        cipher, version, bits = s.sock.cipher()
        s.quit()
        wait_until(lambda: len(server.requests) >= 2, 10, "2 requests")
        plain, tls = server.requests[0][1], server.requests[1][1]
        for name in ("ccert_subject", "ccert_issuer", "ccert_fingerprint",
                     "ccert_pubkey_fingerprint", "encryption_protocol",
                     "encryption_cipher"):
            assert plain[name] == "", (name, plain)
        assert plain["encryption_keysize"] == "0"
        assert tls["ccert_subject"] == "client.example.com"
        assert tls["ccert_issuer"] == "Test+20CA"
        assert tls["ccert_fingerprint"] == \
            tlscerts.fingerprint(pki["client_cert"], "sha256")
        assert re.match(r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$",
                        tls["ccert_pubkey_fingerprint"]), tls
        assert tls["encryption_protocol"] == version == "TLSv1.3"
        assert tls["encryption_cipher"] == cipher
        assert tls["encryption_keysize"] == str(bits)
    finally:
        server.stop()


# ------------------------------------------------------------ resumption

def test_session_resumption(instance, pki):
    require()
    instance.mail_system(**tls_conf(
        pki, smtpd_tls_session_cache_database="btree:${data_directory}/"
                                              "smtpd_scache"))
    ctx = client_context(maximum=ssl.TLSVersion.TLSv1_2)
    # No session tickets: resumption by session ID, from the cache.
    ctx.options |= ssl.OP_NO_TICKET
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.starttls(context=ctx)
    session = s.sock.session
    assert not s.sock.session_reused
    s.quit()
    assert session is not None
    # Another smtpd process resumes it: the session is in the database.
    instance.wait_log("disconnect from localhost[127.0.0.1]")
    pids = smtpd_pids(instance)
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not smtpd_pids(instance), 10, "smtpd gone")
    sock = socket.create_connection(("127.0.0.1", instance.port),
                                    timeout=30)
    f = sock.makefile("rb")
    assert f.readline().startswith(b"220 ")
    sock.sendall(b"EHLO client.example\r\n")
    while not f.readline().startswith(b"250 "):
        pass
    sock.sendall(b"STARTTLS\r\n")
    assert f.readline().startswith(b"220 ")
    tls = ctx.wrap_socket(sock, server_hostname="localhost",
                          session=session)
    assert tls.session_reused
    tls.sendall(b"QUIT\r\n")
    time.sleep(0.1)
    tls.close()
    assert [f for f in os.listdir(instance.data)
            if f.startswith("smtpd_scache")], os.listdir(instance.data)


# ------------------------------------------------------------ master.cf

def shipped_entry(service, port):
    """The shipped master.cf's entry for service, uncommented, on port."""
    with open(os.path.join(TOP, "conf", "master.cf")) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if re.match(r"#?%s\s+inet\s" % service, line):
            break
    else:
        raise AssertionError("no %s entry in conf/master.cf" % service)
    out = [re.sub(r"^#?%s" % service, "127.0.0.1:%d" % port, lines[i])]
    for line in lines[i + 1:]:
        if not re.match(r"#?\s+-o\s", line):
            break
        out.append(line.lstrip("#"))
    return "\n".join(out) + "\n"


def test_shipped_entries_parse(instance):
    """Uncommented, the submission and submissions entries parse."""
    require()
    entries = (shipped_entry("submission", instance.ports[1]) +
               shipped_entry("submissions", instance.ports[2]))
    instance.write_master_cf(entries)
    proc = subprocess.run([instance.installed.command("postconf"), "-c",
                           instance.etc, "-M"], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr
    assert "127.0.0.1:%d" % instance.ports[2] in proc.stdout
    assert "smtpd_tls_wrappermode=yes" in proc.stdout


def test_shipped_submissions_entry(instance, pki):
    """The submissions (smtps) entry of the shipped master.cf: TLS
    before the banner, no STARTTLS, no relaying without AUTH."""
    require()
    port = instance.ports[1]
    conf = tls_conf(pki)
    del conf["smtpd_tls_security_level"]
    instance.mail_system(services=shipped_entry("submissions", port),
                         **conf)
    wait_until(lambda: port_open(port), 10, "submissions port")
    s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=30,
                         context=client_context())
    s.ehlo("client.example")
    assert not s.has_extn("starttls")
    code, _ = s.docmd("MAIL", "FROM:<alice@example.org>")
    assert code == 250
    code, msg = s.docmd("RCPT", "TO:<x@remote.example>")
    assert (code, msg) == (554, b"5.7.1 <localhost[127.0.0.1]>: Client "
                                b"host rejected: Access denied")
    s.quit()
    instance.wait_log("postfix/submissions/smtpd[")
