"""test_smtp_tls.py - TLS in the smtp(8) client (issue 9)

sendmail -> ... -> smtp(8) -> tests/smtpsink.py with STARTTLS or
implicit TLS (certificates from tests/tlscerts.py, made at test time):
opportunistic TLS (may) with Postfix's "Untrusted/Trusted TLS
connection established to ..." log lines; encrypt without STARTTLS
deferred with dsn 4.7.4; verify with a matching and a wrong name;
fingerprint with the right and a wrong digest; smtp_tls_policy_maps
per next hop, and a broken policy; a failed handshake at may retried
in plaintext; smtp_tls_wrappermode; TLS session resumption through
smtp_tls_session_cache_database; and delivery to a second instance of
our own smtpd over STARTTLS, whose Received: header shows TLS.
"""

import os
import re
import ssl

import pytest

from conftest import Instance, port_listening, wait_until
from test_delivery import postqueue
from test_smtp_client import log_lines, send, wait_lines
from test_smtp_client import start as client_start
from smtpsink import SMTPSink
import tlscerts


def start(instance, relay, **main_cf):
    settings = dict(smtp_tls_loglevel="1")
    settings.update(main_cf)
    client_start(instance, relay, **settings)


@pytest.fixture
def pki(instance):
    """Certificates under the instance directory (readable by postfix)."""
    return tlscerts.make_pki(os.path.join(instance.base, "pki"))


def tls_sink(pki, **kw):
    return SMTPSink(starttls=(pki["server_cert"], pki["server_key"]), **kw)


def test_may_untrusted(instance, pki):
    """Level may, no CA: STARTTLS, "Untrusted TLS connection", and the
    sink saw the message over TLS after a second EHLO."""
    with tls_sink(pki) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="may")
        send(instance, "bob@remote.example")
        sink.wait_messages(1)
        session = sink.sessions[0]
        assert session.tls in ("TLSv1.2", "TLSv1.3")
        verbs = session.verbs()
        assert verbs[:3] == ["EHLO", "STARTTLS", "EHLO"], verbs
        line = wait_lines(instance, r"Untrusted TLS connection established")[0]
        assert re.search(
            r"smtp\[\d+\]: Untrusted TLS connection established to "
            r"127\.0\.0\.1\[127\.0\.0\.1\]:%d: TLSv1\.[23] with cipher \S+ "
            r"\(\d+/\d+ bits\)" % sink.port, line), line
        wait_lines(instance, r"to=<bob@remote\.example>.*status=sent")


def test_may_trusted_with_cafile(instance, pki):
    """With smtp_tls_CAfile the certificate is "Trusted"."""
    with tls_sink(pki) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="may", smtp_tls_CAfile=pki["ca_cert"])
        send(instance, "bob@remote.example")
        sink.wait_messages(1)
        wait_lines(instance, r"Trusted TLS connection established to "
                             r"127\.0\.0\.1\[127\.0\.0\.1\]:%d: " % sink.port)


def test_may_without_starttls_is_plaintext(instance, pki):
    """Level may and a server without STARTTLS: plaintext delivery."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="may")
        send(instance, "p@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].tls is None
        wait_lines(instance, r"to=<p@remote\.example>.*status=sent")


def test_none_notes_offer(instance, pki):
    """Level none: no STARTTLS; smtp_tls_note_starttls_offer logs it."""
    with tls_sink(pki) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="none",
              smtp_tls_note_starttls_offer="yes")
        send(instance, "n@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].tls is None
        assert "STARTTLS" not in sink.sessions[0].verbs()
        wait_lines(instance, r"Host offered STARTTLS: \[127\.0\.0\.1\]")


def test_encrypt_not_offered_defers(instance, pki):
    """Level encrypt and no STARTTLS: deferred, dsn 4.7.4."""
    with SMTPSink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="encrypt")
        send(instance, "e@remote.example")
        line = wait_lines(instance, r"to=<e@remote\.example>.*deferred")[0]
        assert "dsn=4.7.4" in line, line
        assert ("TLS is required, but was not offered by host "
                "127.0.0.1[127.0.0.1]" in line), line
        assert not sink.messages
        assert "MAIL" not in sink.sessions[0].verbs()
        wait_until(lambda: "TLS is required, but was not offered by host "
                   "127.0.0.1[127.0.0.1]" in postqueue(instance, "-p").stdout,
                   20, "the reason in postqueue -p")


def test_verify_matching_name(instance, pki):
    """Level verify with the CA and the name localhost: "Verified"."""
    with tls_sink(pki) as sink:
        start(instance, "[localhost]:%d" % sink.port,
              smtp_host_lookup="native",
              smtp_tls_security_level="verify",
              smtp_tls_CAfile=pki["ca_cert"])
        send(instance, "v@remote.example")
        sink.wait_messages(1)
        wait_lines(instance, r"Verified TLS connection established to "
                             r"localhost\[127\.0\.0\.1\]:%d: " % sink.port)
        wait_lines(instance, r"to=<v@remote\.example>.*status=sent")


def test_verify_wrong_name_defers(instance, pki):
    """Level verify, a name the certificate does not have: deferred."""
    with tls_sink(pki) as sink:
        start(instance, "[localhost]:%d" % sink.port,
              smtp_host_lookup="native",
              smtp_tls_security_level="verify",
              smtp_tls_verify_cert_match="nosuch.example",
              smtp_tls_CAfile=pki["ca_cert"])
        send(instance, "w@remote.example")
        line = wait_lines(instance, r"to=<w@remote\.example>.*deferred")[0]
        assert "Server certificate not verified" in line, line
        assert "dsn=4.7.5" in line, line
        assert not sink.messages


def test_verify_untrusted_defers(instance, pki):
    """Level verify without the CA: not trusted, deferred."""
    with tls_sink(pki) as sink:
        start(instance, "[localhost]:%d" % sink.port,
              smtp_host_lookup="native",
              smtp_tls_security_level="verify")
        send(instance, "u@remote.example")
        line = wait_lines(instance, r"to=<u@remote\.example>.*deferred")[0]
        assert re.search(r"Server certificate not (trusted|verified)",
                         line), line
        assert not sink.messages


@pytest.mark.parametrize("right", [True, False])
def test_fingerprint(instance, pki, right):
    """Level fingerprint: the server's sha256 digest delivers, another
    one defers."""
    fpr = tlscerts.fingerprint(pki["server_cert"], "sha256")
    if not right:
        fpr = tlscerts.fingerprint(pki["self_cert"], "sha256")
    with tls_sink(pki) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="fingerprint",
              smtp_tls_fingerprint_digest="sha256",
              smtp_tls_fingerprint_cert_match=fpr)
        send(instance, "f@remote.example")
        if right:
            sink.wait_messages(1)
            assert sink.sessions[0].tls in ("TLSv1.2", "TLSv1.3")
            wait_lines(instance, r"to=<f@remote\.example>.*status=sent")
        else:
            line = wait_lines(instance,
                              r"to=<f@remote\.example>.*deferred")[0]
            assert "dsn=4.7.5" in line, line
            assert "Server certificate not verified" in line, line
            assert not sink.messages


def test_policy_maps_per_next_hop(instance, pki):
    """smtp_tls_policy_maps: encrypt for one next hop (whose server has
    no STARTTLS: deferred), none for another (plaintext, though STARTTLS
    is offered), and match= in a policy."""
    with SMTPSink() as plain, tls_sink(pki) as tls:
        hop_a = "[127.0.0.1]:%d" % plain.port
        hop_b = "[127.0.0.1]:%d" % tls.port
        transport = os.path.join(instance.base, "transport")
        with open(transport, "w") as f:
            f.write("a.example smtp:%s\nb.example smtp:%s\n"
                    % (hop_a, hop_b))
        policy = os.path.join(instance.base, "tls_policy")
        with open(policy, "w") as f:
            f.write("%s encrypt\n%s none\n" % (hop_a, hop_b))
        start(instance, "",
              transport_maps="texthash:" + transport,
              smtp_tls_security_level="may",
              smtp_tls_policy_maps="texthash:" + policy)
        send(instance, "x@a.example")
        send(instance, "y@b.example")
        tls.wait_messages(1)
        assert tls.sessions[0].tls is None
        assert "STARTTLS" not in tls.sessions[0].verbs()
        line = wait_lines(instance, r"to=<x@a\.example>.*deferred")[0]
        assert "TLS is required, but was not offered" in line, line
        assert not plain.messages


def test_policy_match(instance, pki):
    """match= in a verify policy replaces smtp_tls_verify_cert_match:
    a name the certificate has delivers, one it lacks defers."""
    with tls_sink(pki) as good, tls_sink(pki) as bad:
        transport = os.path.join(instance.base, "transport")
        with open(transport, "w") as f:
            f.write("good.example smtp:[localhost]:%d\n"
                    "bad.example smtp:[localhost]:%d\n"
                    % (good.port, bad.port))
        policy = os.path.join(instance.base, "tls_policy")
        with open(policy, "w") as f:
            f.write("[localhost]:%d verify match=nosuch.example:"
                    "mail.example.com\n"
                    "[localhost]:%d verify match=nosuch.example\n"
                    % (good.port, bad.port))
        start(instance, "", smtp_host_lookup="native",
              transport_maps="texthash:" + transport,
              smtp_tls_CAfile=pki["ca_cert"],
              smtp_tls_policy_maps="texthash:" + policy)
        send(instance, "g@good.example")
        send(instance, "b@bad.example")
        good.wait_messages(1)
        wait_lines(instance, r"Verified TLS connection established to "
                             r"localhost\[127\.0\.0\.1\]:%d" % good.port)
        line = wait_lines(instance, r"to=<b@bad\.example>.*deferred")[0]
        assert "Server certificate not verified" in line, line
        assert not bad.messages


def test_invalid_policy_defers(instance, pki):
    """An unknown level in a policy: warning and deferral, no mail."""
    with tls_sink(pki) as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        policy = os.path.join(instance.base, "tls_policy")
        with open(policy, "w") as f:
            f.write("%s bogus\n" % hop)
        start(instance, hop, smtp_tls_policy_maps="texthash:" + policy)
        send(instance, "i@remote.example")
        line = wait_lines(instance, r"to=<i@remote\.example>.*deferred")[0]
        assert "client TLS configuration problem" in line, line
        assert "dsn=4.7.5" in line, line
        assert log_lines(instance, r"warning: .*invalid TLS security "
                                   r"level \"bogus\"")
        assert sink.connections == 0


def test_may_handshake_failure_retries_plaintext(instance, pki):
    """At may a failed handshake is retried without TLS (Postfix)."""
    with tls_sink(pki) as sink:
        sink.starttls_context.minimum_version = ssl.TLSVersion.TLSv1_3
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="may",
              smtp_tls_protocols="!SSLv2, !SSLv3, !TLSv1.3")
        send(instance, "h@remote.example")
        sink.wait_messages(1)
        assert len(sink.sessions) >= 2
        assert sink.sessions[0].tls is None
        assert "STARTTLS" in sink.sessions[0].verbs()
        last = [s for s in sink.sessions if s.transactions][0]
        assert "STARTTLS" not in last.verbs()
        wait_lines(instance, r"to=<h@remote\.example>.*status=sent")


def test_encrypt_handshake_failure_defers(instance, pki):
    """At encrypt a failed handshake defers (no plaintext retry)."""
    with tls_sink(pki) as sink:
        sink.starttls_context.minimum_version = ssl.TLSVersion.TLSv1_3
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="encrypt",
              smtp_tls_mandatory_protocols="!SSLv2, !SSLv3, !TLSv1.3")
        send(instance, "k@remote.example")
        line = wait_lines(instance, r"to=<k@remote\.example>.*deferred")[0]
        assert "dsn=4.7.5" in line, line
        assert "Cannot start TLS: handshake failure" in line, line
        assert not sink.messages


def test_wrappermode(instance, pki):
    """smtp_tls_wrappermode: TLS from the first byte."""
    with SMTPSink(implicit_tls=(pki["server_cert"],
                                pki["server_key"])) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_wrappermode="yes",
              smtp_tls_security_level="encrypt")
        send(instance, "s@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].tls in ("TLSv1.2", "TLSv1.3")
        assert "STARTTLS" not in sink.sessions[0].verbs()
        wait_lines(instance, r"TLS connection established to "
                             r"127\.0\.0\.1\[127\.0\.0\.1\]:%d" % sink.port)


def test_session_cache_resumption(instance, pki):
    """With smtp_tls_session_cache_database, a new connection resumes
    the TLS session of the previous one."""
    with tls_sink(pki) as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_tls_security_level="may",
              smtp_connection_cache_on_demand="no",
              smtp_tls_session_cache_database=
              "btree:${data_directory}/smtp_scache")
        send(instance, "c1@remote.example")
        sink.wait_messages(1)
        sink.wait_sessions_closed(1)
        send(instance, "c2@remote.example")
        sink.wait_messages(2)
        tls_sessions = [s for s in sink.sessions if s.transactions]
        assert len(tls_sessions) == 2
        assert not tls_sessions[0].tls_resumed
        assert tls_sessions[1].tls_resumed, "session not resumed"


# ------------------------------------------------ to our own smtpd

@pytest.fixture
def receiver(installed):
    """A second instance whose smtpd offers STARTTLS."""
    inst = Instance(installed)
    yield inst
    inst.cleanup()


def test_starttls_to_own_smtpd(instance, receiver, pki):
    """smtp(8) -> our smtpd with STARTTLS: the delivered message's
    Received: header shows TLS (smtpd_tls_received_header)."""
    daemons = installed_daemons(receiver)
    for prog in ("smtpd", "local", "cleanup", "qmgr"):
        if prog not in daemons:
            pytest.skip("needs %s" % prog)
    spool = os.path.join(receiver.base, "mail")
    os.makedirs(spool, exist_ok=True)
    os.chmod(spool, 0o1777)
    receiver.mail_system(
        myhostname="mx.dest.example", mydomain="dest.example",
        mydestination="dest.example", mail_spool_directory=spool,
        local_recipient_maps="", mynetworks="127.0.0.0/8",
        smtpd_tls_security_level="may",
        smtpd_tls_cert_file=pki["server_cert"],
        smtpd_tls_key_file=pki["server_key"],
        smtpd_tls_received_header="yes",
        smtpd_tls_loglevel="1")
    wait_until(lambda: port_listening(receiver.port), 10, "smtpd port")
    start(instance, "[127.0.0.1]:%d" % receiver.port,
          smtp_tls_security_level="encrypt")
    send(instance, "root@dest.example")
    wait_lines(instance, r"to=<root@dest\.example>.*status=sent", timeout=60)
    wait_lines(instance, r"TLS connection established to "
                         r"127\.0\.0\.1\[127\.0\.0\.1\]:%d" % receiver.port)
    path = os.path.join(spool, "root")
    wait_until(lambda: os.path.exists(path), 30, path)
    data = open(path, "rb").read()
    assert re.search(rb"\(using TLSv1\.[23] with cipher \S+ \(\d+/\d+ bits\)",
                     data), data[:2000]
    assert re.search(rb"with ESMTPS id", data), data[:2000]


def installed_daemons(inst):
    return set(os.listdir(inst.installed.path("daemon_directory")))


def test_lmtp_twin(instance, pki):
    """lmtp reads the lmtp_* twins: lmtp_tls_security_level = encrypt
    uses STARTTLS after LHLO (smtp_tls_security_level stays none)."""
    daemons = instance.installed.path("daemon_directory")
    if not os.path.exists(os.path.join(daemons, "lmtp")):
        pytest.skip("lmtp is not installed")
    with tls_sink(pki, lmtp=True) as sink:
        transport = os.path.join(instance.base, "transport")
        with open(transport, "w") as f:
            f.write("remote.example lmtp:[127.0.0.1]:%d\n" % sink.port)
        start(instance, "", transport_maps="texthash:" + transport,
              smtp_tls_security_level="none",
              lmtp_tls_security_level="encrypt", lmtp_tls_loglevel="1")
        send(instance, "l@remote.example")
        sink.wait_messages(1)
        session = sink.sessions[0]
        assert session.tls in ("TLSv1.2", "TLSv1.3")
        assert session.verbs()[:3] == ["LHLO", "STARTTLS", "LHLO"]
        wait_lines(instance, r"lmtp\[\d+\]: Untrusted TLS connection "
                             r"established to 127\.0\.0\.1")
