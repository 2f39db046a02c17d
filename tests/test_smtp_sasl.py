"""test_smtp_sasl.py - SMTP AUTH in the smtp(8) client (issue 9)

sendmail -> ... -> smtp(8) -> tests/smtpsink.py offering AUTH PLAIN
LOGIN with one fixed user: smtp_sasl_password_maps looked up by the
next hop as written and by the server's host name (texthash: and a
postmap-built hash: table), by the sender with
smtp_sender_dependent_authentication; a wrong password deferred
(smtp_sasl_auth_soft_bounce) or bounced; smtp_sasl_mechanism_filter;
smtp_sasl_security_options (noplaintext refuses PLAIN/LOGIN in
plaintext) and smtp_sasl_tls_security_options under STARTTLS; and
authentication to a second instance of our own smtpd with a Cyrus
sasldb, whose log shows "sasl_method=PLAIN, sasl_username=...".
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import Instance, port_listening, wait_until
from test_smtp_client import send, wait_lines
from test_smtp_client import start as client_start
from smtpsink import SMTPSink
import tlscerts

USER, PASSWORD = "alice", "s3cret pass"


def start(instance, relay, **main_cf):
    settings = dict(smtp_sasl_auth_enable="yes",
                    smtp_sasl_security_options="noanonymous")
    settings.update(main_cf)
    client_start(instance, relay, **settings)


def password_map(instance, entries, kind="texthash"):
    """A password table; kind "hash" is built with postmap."""
    path = os.path.join(instance.base, "sasl_passwd")
    with open(path, "w") as f:
        for key, value in entries.items():
            f.write("%s %s\n" % (key, value))
    if kind == "hash":
        r = subprocess.run([instance.installed.command("postmap"), "-c",
                            instance.etc, "hash:" + path],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    return "%s:%s" % (kind, path)


def auth_sink(**kw):
    return SMTPSink(auth={USER: PASSWORD}, **kw)


@pytest.mark.parametrize("kind", ["texthash", "hash"])
def test_auth_plain_by_next_hop(instance, kind):
    """The next hop as written finds the password; AUTH PLAIN with an
    initial response; the mail is delivered after 235."""
    with auth_sink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_password_maps=password_map(
            instance, {hop: "%s:%s" % (USER, PASSWORD)}, kind))
        send(instance, "bob@remote.example")
        sink.wait_messages(1)
        session = sink.sessions[0]
        assert (session.auth_user, session.auth_mech) == (USER, "PLAIN")
        verbs = session.verbs()
        assert verbs.index("AUTH") < verbs.index("MAIL"), verbs
        wait_lines(instance, r"to=<bob@remote\.example>.*status=sent")
        assert PASSWORD not in instance.log()


def test_auth_by_host_name(instance):
    """The server's host name is looked up before the next hop."""
    with auth_sink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_password_maps=password_map(
            instance, {"127.0.0.1": "%s:%s" % (USER, PASSWORD),
                       hop: "%s:wrong" % USER}))
        send(instance, "h@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].auth_user == USER


def test_no_password_no_auth(instance):
    """No table entry for this server: no AUTH, plain delivery."""
    with auth_sink() as sink:
        start(instance, "[127.0.0.1]:%d" % sink.port,
              smtp_sasl_password_maps=password_map(
                  instance, {"other.example": "x:y"}))
        send(instance, "n@remote.example")
        sink.wait_messages(1)
        assert "AUTH" not in sink.sessions[0].verbs()


def test_server_without_auth(instance):
    """A password but no AUTH offered: delivered without AUTH."""
    with SMTPSink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_password_maps=password_map(
            instance, {hop: "%s:%s" % (USER, PASSWORD)}))
        send(instance, "s@remote.example")
        sink.wait_messages(1)
        assert "AUTH" not in sink.sessions[0].verbs()


def test_server_without_auth_table_error(instance):
    """The table is not consulted when the server offers no AUTH, so a
    table that fails does not defer the mail (Postfix)."""
    with SMTPSink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_password_maps="fail:broken")
        send(instance, "t@remote.example")
        sink.wait_messages(1)
        assert "AUTH" not in sink.sessions[0].verbs()


def test_wrong_password_defers(instance):
    """535 from the server: deferred (soft bounce), in Postfix's words."""
    with auth_sink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_password_maps=password_map(
            instance, {hop: "%s:wrong" % USER}))
        send(instance, "w@remote.example")
        line = wait_lines(instance, r"to=<w@remote\.example>.*deferred")[0]
        assert ("SASL authentication failed; server 127.0.0.1[127.0.0.1] "
                "said: 535 5.7.8 Error: authentication failed: "
                "authentication failure" in line), line
        assert "dsn=4.7.8" in line, line
        assert not sink.messages
        assert "MAIL" not in sink.sessions[0].verbs()


def test_wrong_password_hard_bounce(instance):
    """smtp_sasl_auth_soft_bounce = no: a 5xx refusal bounces."""
    with auth_sink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_auth_soft_bounce="no",
              smtp_sasl_password_maps=password_map(
                  instance, {hop: "%s:wrong" % USER}))
        send(instance, "b@remote.example")
        line = wait_lines(instance, r"to=<b@remote\.example>.*bounced")[0]
        assert "dsn=5.7.8" in line, line


@pytest.mark.parametrize("spec", ["login", "!plain, static:rest",
                                  "!inline:{plain=x}, static:rest"])
def test_mechanism_filter(instance, spec):
    """smtp_sasl_mechanism_filter (names, "!" and tables, as
    smtpd_sasl_mechanism_filter) leaving LOGIN: LOGIN, with challenges."""
    with auth_sink() as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sasl_mechanism_filter=spec,
              smtp_sasl_password_maps=password_map(
                  instance, {hop: "%s:%s" % (USER, PASSWORD)}))
        send(instance, "l@remote.example")
        sink.wait_messages(1)
        session = sink.sessions[0]
        assert (session.auth_user, session.auth_mech) == (USER, "LOGIN")


def test_sender_dependent(instance):
    """smtp_sender_dependent_authentication: the sender's entry wins."""
    with SMTPSink(auth={USER: PASSWORD, "bob": "other"}) as sink:
        hop = "[127.0.0.1]:%d" % sink.port
        start(instance, hop, smtp_sender_dependent_authentication="yes",
              smtp_sasl_password_maps=password_map(
                  instance, {hop: "%s:%s" % (USER, PASSWORD),
                             "bob@example.org": "bob:other"}))
        send(instance, "r1@remote.example", sender="bob@example.org")
        sink.wait_messages(1)
        send(instance, "r2@remote.example", sender="carol@example.org")
        sink.wait_messages(2)
        users = [s.auth_user for s in sink.sessions if s.transactions]
        assert users == ["bob", USER], users


def test_noplaintext_needs_tls(instance):
    """The default smtp_sasl_security_options (noplaintext): PLAIN and
    LOGIN are refused in plaintext (deferred); under STARTTLS with
    smtp_sasl_tls_security_options = noanonymous they are used."""
    pki = tlscerts.make_pki(os.path.join(instance.base, "pki"))
    with auth_sink() as plain, \
            auth_sink(starttls=(pki["server_cert"], pki["server_key"])) as tls:
        hop_a = "[127.0.0.1]:%d" % plain.port
        hop_b = "[127.0.0.1]:%d" % tls.port
        transport = os.path.join(instance.base, "transport")
        with open(transport, "w") as f:
            f.write("a.example smtp:%s\nb.example smtp:%s\n"
                    % (hop_a, hop_b))
        start(instance, "", transport_maps="texthash:" + transport,
              smtp_tls_security_level="may",
              smtp_sasl_security_options="noplaintext, noanonymous",
              smtp_sasl_tls_security_options="noanonymous",
              smtp_sasl_password_maps=password_map(
                  instance, {hop_a: "%s:%s" % (USER, PASSWORD),
                             hop_b: "%s:%s" % (USER, PASSWORD)}))
        send(instance, "x@b.example")
        tls.wait_messages(1)
        assert tls.sessions[0].tls and tls.sessions[0].auth_user == USER
        send(instance, "y@a.example")
        line = wait_lines(instance, r"to=<y@a\.example>.*deferred")[0]
        assert "SASL authentication failed" in line, line
        assert not plain.messages


# ------------------------------------------------ to our own smtpd

SASL_REALM = "example.com"


@pytest.fixture
def receiver(installed):
    inst = Instance(installed)
    yield inst
    inst.cleanup()


def test_auth_to_own_smtpd(instance, receiver):
    """smtp(8) authenticates to our smtpd (Cyrus sasldb): the smtpd log
    shows the method and the user on the client= line."""
    daemons = set(os.listdir(receiver.installed.path("daemon_directory")))
    for prog in ("smtpd", "cleanup", "qmgr", "local"):
        if prog not in daemons:
            pytest.skip("needs %s" % prog)
    if shutil.which("saslpasswd2") is None:
        pytest.skip("needs saslpasswd2 (sasl2-bin)")
    sasldir = os.path.join(receiver.base, "sasl")
    os.makedirs(sasldir)
    os.chmod(sasldir, 0o755)
    sasldb = os.path.join(sasldir, "sasldb2")
    r = subprocess.run(["saslpasswd2", "-f", sasldb, "-c", "-u", SASL_REALM,
                        "-p", USER], input=PASSWORD.encode(),
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    os.chmod(sasldb, 0o644)
    with open(os.path.join(sasldir, "smtpd.conf"), "w") as f:
        f.write("pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                "sasldb_path: %s\nmech_list: PLAIN LOGIN\n" % sasldb)
    spool = os.path.join(receiver.base, "mail")
    os.makedirs(spool)
    os.chmod(spool, 0o1777)
    receiver.mail_system(
        myhostname="mx.dest.example", mydomain="dest.example",
        mydestination="dest.example", mail_spool_directory=spool,
        local_recipient_maps="", mynetworks="192.0.2.0/24",
        smtpd_sasl_auth_enable="yes", smtpd_sasl_type="cyrus",
        cyrus_sasl_config_path=sasldir,
        smtpd_sasl_local_domain=SASL_REALM,
        smtpd_sasl_security_options="noanonymous",
        smtpd_recipient_restrictions="permit_sasl_authenticated, "
                                     "reject_unauth_destination")
    wait_until(lambda: port_listening(receiver.port), 10, "smtpd port")
    hop = "[127.0.0.1]:%d" % receiver.port
    start(instance, hop, smtp_sasl_password_maps=password_map(
        instance, {hop: "%s:%s" % (USER, PASSWORD)}))
    send(instance, "root@dest.example")
    wait_lines(instance, r"to=<root@dest\.example>.*status=sent", timeout=60)
    wait_until(lambda: re.search(
        r"smtpd\[\d+\]: [0-9A-F]+: client=localhost\[127\.0\.0\.1\], "
        r"sasl_method=PLAIN, sasl_username=%s@%s" % (USER, SASL_REALM),
        receiver.log()), 30, "the client= line in:\n%s"
        % receiver.log()[-3000:])
    assert PASSWORD not in instance.log()
