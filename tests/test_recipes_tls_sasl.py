"""
test_recipes_tls_sasl.py - the recipes of TLS_README and SASL_README

Each test installs a guide's snippet as the guide shows it (recipes.py
puts /etc/postfix/ files into the test instance) and checks what the
guide promises, with real clients: smtplib with STARTTLS and AUTH, a
Python SMTP sink for the client side, a loopback DNS server for the
host names the guides use, a private Dovecot and a Cyrus sasldb made
with saslpasswd2. Certificates are made at test time.
"""

import os
import pwd
import re
import shutil
import smtplib
import ssl
import subprocess

import pytest

import dovecot
import recipes
import tlscerts
from conftest import free_ports, port_listening, wait_until
from dnsserver import DNSServer
from smtpsink import SMTPSink

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SASLPASSWD2 = "/usr/sbin/saslpasswd2"
ALICE = ("alice", "wonderland")


def require(instance, *progs):
    daemons = instance.installed.path("daemon_directory")
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + progs:
        if not os.path.exists(os.path.join(daemons, prog)):
            pytest.skip("%s is not installed" % prog)
    with open(os.path.join(TOP, "makedefs.out")) as f:
        defs = f.read()
    if "-DUSE_TLS" not in defs or "-DUSE_SASL_AUTH" not in defs:
        pytest.skip("built without TLS or SASL")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("pki"))
    os.chmod(os.path.dirname(directory), 0o755)
    return tlscerts.make_pki(directory)


def install_server_cert(instance, pki):
    """The files that section 1 of TLS_README makes with openssl."""
    shutil.copy(pki["server_cert"], os.path.join(instance.etc, "cert.pem"))
    shutil.copy(pki["server_key"], os.path.join(instance.etc, "key.pem"))
    os.chmod(os.path.join(instance.etc, "key.pem"), 0o600)


def make_sasldb(instance):
    """The saslpasswd2, chown and chmod commands of SASL_README."""
    if not os.path.exists(SASLPASSWD2):
        pytest.skip("saslpasswd2 (sasl2-bin) is not installed")
    db = os.path.join(instance.etc, "sasl", "sasldb2")
    subprocess.run([SASLPASSWD2, "-f", db, "-c", "-u", "example.com", "-p",
                    ALICE[0]], input=ALICE[1].encode(), check=True,
                   capture_output=True, timeout=30)
    os.chown(db, 0, pwd.getpwnam("postfix").pw_gid)
    os.chmod(db, 0o640)


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def sendmail(instance, rcpt, sender="sender@example.org"):
    r = instance.sendmail("-f", sender, rcpt,
                          input=b"Subject: recipe\n\nbody\n")
    assert r.returncode == 0, r.stderr


def wait_log_re(instance, pattern, timeout=30):
    wait_until(lambda: re.search(pattern, instance.log()), timeout,
               "log line %r:\n%s" % (pattern, instance.log()[-2000:]))


# ------------------------------------------------------------ TLS_README

def test_recipe_tls_server(instance, pki):
    """Opportunistic STARTTLS with the certificate of section 1."""
    require(instance)
    install_server_cert(instance, pki)
    recipes.apply(instance, "tls-server")
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    assert s.has_extn("starttls")
    s.starttls(context=client_context())
    s.ehlo("client.example")
    assert s.sock.version() in ("TLSv1.2", "TLSv1.3")
    s.quit()
    instance.wait_log("Anonymous TLS connection established from "
                      "localhost[127.0.0.1]: TLSv1.")


def test_recipe_tls_submission(instance, pki):
    """The submission service of section 2 (with section 1 and the
    Cyrus recipe of SASL_README): STARTTLS first, then AUTH, then mail."""
    require(instance)
    install_server_cert(instance, pki)
    port = free_ports(1)[0]
    recipes.apply(instance, "tls-submission", start=False,
                  also=("tls-server", "sasl-cyrus"),
                  master_filter=lambda text: re.sub(
                      r"^submission", "127.0.0.1:%d" % port, text),
                  local_recipient_maps="")
    make_sasldb(instance)
    instance.start()
    wait_until(lambda: port_listening(port), 10, "submission port")
    s = smtplib.SMTP("127.0.0.1", port, timeout=30)
    s.ehlo("client.example")
    assert not s.has_extn("auth")        # smtpd_tls_auth_only
    code, msg = s.docmd("MAIL", "FROM:<alice@example.com>")
    assert (code, msg) == (530, b"5.7.0 Must issue a STARTTLS command first")
    s.starttls(context=client_context())
    s.ehlo("client.example")
    s.login("%s@example.com" % ALICE[0], ALICE[1])
    assert s.sendmail("alice@example.com", ["x@remote.example"],
                      b"Subject: submitted\r\n\r\nbody\r\n") == {}
    s.quit()
    instance.wait_log("sasl_method=PLAIN, sasl_username=alice@example.com")
    assert "postfix/submission/smtpd" in instance.log()


def test_recipe_tls_client(instance, pki):
    """smtp_tls_security_level = may: TLS when the server offers it."""
    require(instance, "smtp", "pickup")
    with SMTPSink(starttls=(pki["server_cert"], pki["server_key"])) as sink:
        recipes.apply(instance, "tls-client",
                      relayhost="[127.0.0.1]:%d" % sink.port)
        sendmail(instance, "user@remote.example")
        sink.wait_messages(1)
        assert sink.sessions[0].tls
    wait_log_re(instance, r"Untrusted TLS connection established to "
                r"127\.0\.0\.1\[127\.0\.0\.1\]:\d+: TLSv1\.")


def test_recipe_tls_policy(instance):
    """The policy table: [relay.example.com]:587 must use TLS, so a
    relay that does not offer STARTTLS gets nothing."""
    require(instance, "smtp", "pickup")
    addr = "127.0.0.3"
    try:
        sink = SMTPSink(host=addr, port=587)
        sink.__enter__()
    except OSError as err:
        pytest.skip("cannot listen on %s:587: %s" % (addr, err))
    try:
        with DNSServer([("relay.example.com", "A", addr)]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "tls-policy",
                          relayhost="[relay.example.com]:587")
            sendmail(instance, "user@remote.example")
            wait_log_re(instance, r"to=<user@remote\.example>.*"
                        r"status=deferred \(TLS is required, but was not "
                        r"offered by host relay\.example\.com"
                        r"\[127\.0\.0\.3\]\)")
        assert sink.messages == []
        assert all("MAIL" not in s.verbs() for s in sink.sessions)
    finally:
        sink.__exit__(None, None, None)


# ----------------------------------------------------------- SASL_README

def test_recipe_sasl_dovecot(instance):
    """Dovecot's auth socket in private/auth of the queue directory."""
    require(instance)
    if not os.path.exists(dovecot.DOVECOT):
        pytest.skip("dovecot-core is not installed")
    recipes.apply(instance, "sasl-dovecot", local_recipient_maps="")
    with dovecot.DovecotAuth(users=dict([ALICE]), socket=os.path.join(
            instance.queue, "private", "auth")):
        # smtpd_tls_auth_only is in the recipe: AUTH needs TLS, which
        # this recipe alone does not configure, so AUTH is not offered.
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
        s.ehlo("client.example")
        assert not s.has_extn("auth")
        s.quit()
    instance.write_main_cf(smtpd_tls_auth_only="no")
    assert instance.postfix("reload").returncode == 0
    with dovecot.DovecotAuth(users=dict([ALICE]), socket=os.path.join(
            instance.queue, "private", "auth")):
        def logged_in():
            s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
            try:
                s.ehlo("client.example")
                if not s.has_extn("auth"):
                    return False
                return s.login(*ALICE)[0] == 235
            finally:
                s.close()
        wait_until(logged_in, 20, "AUTH through Dovecot after reload")


def test_recipe_sasl_cyrus(instance):
    """Cyrus with the sasldb of the guide: alice logs in with PLAIN
    and LOGIN; a wrong password is refused."""
    require(instance)
    recipes.apply(instance, "sasl-cyrus", start=False)
    make_sasldb(instance)
    instance.start()
    for mech in ("PLAIN", "LOGIN"):
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
        s.ehlo("client.example")
        s.user, s.password = ALICE
        code, _ = s.auth(mech, getattr(s, "auth_" + mech.lower()),
                         initial_response_ok=(mech == "PLAIN"))
        assert code == 235
        s.quit()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    with pytest.raises(smtplib.SMTPAuthenticationError) as err:
        s.login(ALICE[0], "wrong")
    assert err.value.smtp_code == 535
    s.close()


def test_recipe_sasl_relay(instance):
    """permit_sasl_authenticated before reject_unauth_destination: a
    logged-in client relays, an anonymous one does not."""
    require(instance)
    recipes.apply(instance, "sasl-relay", start=False, also=("sasl-cyrus",),
                  mynetworks="127.0.0.2/32")
    make_sasldb(instance)
    instance.start()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    s.docmd("MAIL", "FROM:<a@example.org>")
    code, msg = s.docmd("RCPT", "TO:<x@remote.example>")
    assert code == 554 and b"Relay access denied" in msg
    s.docmd("RSET")
    s.login(*ALICE)
    assert s.sendmail("a@example.org", ["x@remote.example"],
                      b"Subject: relayed\r\n\r\nbody\r\n") == {}
    s.quit()
    instance.wait_log("sasl_method=PLAIN, sasl_username=alice@example.com")


def test_recipe_sasl_login_maps(instance):
    """reject_sender_login_mismatch with the guide's table: alice may
    use her own address, not bob's domain."""
    require(instance)
    recipes.apply(instance, "sasl-login-maps", start=False,
                  also=("sasl-cyrus",), local_recipient_maps="")
    make_sasldb(instance)
    instance.start()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    s.login(*ALICE)
    local = "TO:<x@host.example.com>"
    # smtpd_delay_reject: sender restrictions answer at RCPT.
    assert s.docmd("MAIL", "FROM:<alice@example.com>")[0] == 250
    assert s.docmd("RCPT", local)[0] == 250
    s.docmd("RSET")
    assert s.docmd("MAIL", "FROM:<bob@example.org>")[0] == 250
    code, msg = s.docmd("RCPT", local)
    assert code == 553 and b"not owned by user alice@example.com" in msg
    s.quit()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    assert s.docmd("MAIL", "FROM:<alice@example.com>")[0] == 250
    code, msg = s.docmd("RCPT", local)
    assert code == 553 and b"not logged in" in msg
    s.quit()


def test_recipe_sasl_client(instance, pki):
    """The relay host of the guide on port 587: TLS (encrypt), then
    AUTH with the name and password of the table."""
    require(instance, "smtp", "pickup")
    addr = "127.0.0.5"
    try:
        sink = SMTPSink(host=addr, port=587,
                        starttls=(pki["server_cert"], pki["server_key"]),
                        auth={"username": "password"})
        sink.__enter__()
    except OSError as err:
        pytest.skip("cannot listen on %s:587: %s" % (addr, err))
    try:
        with DNSServer([("smtp.provider.example", "A", addr)]) as dns:
            instance.use_dns(dns.addr)
            recipes.apply(instance, "sasl-client")
            sendmail(instance, "user@remote.example")
            sink.wait_messages(1)
            session = [s for s in sink.sessions if s.auth_user][0]
            assert session.auth_user == "username"
            assert session.tls
    finally:
        sink.__exit__(None, None, None)
    wait_log_re(instance, r"to=<user@remote\.example>, relay=smtp\.provider"
                r"\.example\[127\.0\.0\.5\]:587, .*status=sent")
    assert "password" not in re.sub(r"password_maps", "", instance.log())

