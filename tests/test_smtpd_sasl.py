"""test_smtpd_sasl.py - SMTP AUTH (RFC 4954) in smtpd(8), end to end

Real back-ends only: Cyrus SASL with a sasldb made by saslpasswd2
(sasl2-bin) and a private Dovecot auth service (dovecot-core), both
driven by smtplib and raw sessions. Covers the EHLO keyword (with
broken_sasl_auth_clients, the mechanism filter, exceptions networks,
smtpd_tls_auth_only), the AUTH replies of Postfix, relay permission
after AUTH, the client= log line, the sender login maps restrictions,
check_sasl_access, the Received: header of an authenticated message
and the submission entry of the shipped master.cf.
"""

import base64
import os
import pwd
import re
import smtplib
import ssl
import subprocess

import pytest

import dovecot
from conftest import SmtpSession, free_ports, wait_until
from test_smtpd_proto import mbox, spool  # noqa: F401 (fixture)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "host.example.com"
REALM = "example.com"
SASLPASSWD2 = "/usr/sbin/saslpasswd2"
USERS = {"alice": "wonderland", "bob": "builder"}
RELAY = "permit_sasl_authenticated, reject_unauth_destination"


def require(*progs):
    for prog in ("smtpd", "cleanup", "qmgr", "trivial-rewrite") + progs:
        if not os.path.exists(os.path.join(TOP, "libexec", prog)):
            pytest.skip("%s is not built yet" % prog)


def require_sasl(instance, kind):
    """Skip unless postconf -a lists the server type (a build with
    SASL support)."""
    proc = subprocess.run([instance.installed.command("postconf"), "-a"],
                          capture_output=True, text=True, timeout=30)
    if kind not in proc.stdout.split():
        pytest.skip("smtpd has no %s SASL support in this build" % kind)


def plain(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0"
                            + password.encode()).decode()


def b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def cyrus(instance):
    """main.cf settings for a Cyrus sasldb with USERS in the realm
    example.com (smtpd_sasl_local_domain): user names are then
    "alice@example.com"."""
    if not os.path.exists(SASLPASSWD2):
        pytest.skip("saslpasswd2 (sasl2-bin) is not installed")
    require()
    require_sasl(instance, "cyrus")
    conf = os.path.join(instance.base, "sasl")
    os.mkdir(conf, 0o755)
    db = os.path.join(conf, "sasldb2")
    for user, password in USERS.items():
        subprocess.run([SASLPASSWD2, "-f", db, "-c", "-u", REALM, "-p", user],
                       input=password.encode(), check=True, timeout=30,
                       capture_output=True)
    pw = pwd.getpwnam("postfix")
    os.chown(db, pw.pw_uid, pw.pw_gid)
    os.chmod(db, 0o640)
    with open(os.path.join(conf, "smtpd.conf"), "w") as f:
        f.write("pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                "sasldb_path: %s\nmech_list: PLAIN LOGIN\n" % db)
    return dict(smtpd_sasl_auth_enable="yes", smtpd_sasl_type="cyrus",
                cyrus_sasl_config_path=conf, smtpd_sasl_local_domain=REALM,
                local_recipient_maps="",
                smtpd_relay_restrictions=RELAY)


def start(instance, settings, **more):
    conf = dict(settings)
    conf.update(more)
    instance.mail_system(**conf)


def session(instance):
    s = SmtpSession(instance.port, timeout=30)
    assert s.banner.startswith("220 ")
    return s


def ehlo_lines(reply):
    return [line[4:] for line in reply.split("\n")]


# ---------------------------------------------------------------- Cyrus

def test_cyrus_ehlo_and_login(instance, cyrus):
    """EHLO lists AUTH PLAIN LOGIN; smtplib logs in with each mechanism;
    a wrong password is 535 5.7.8 and logged as Postfix does."""
    start(instance, cyrus)
    for mech in ("PLAIN", "LOGIN"):
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
        s.ehlo("client.example")
        assert sorted(s.esmtp_features["auth"].split()) == ["LOGIN", "PLAIN"]
        assert "auth=plain" not in s.esmtp_features
        s.user, s.password = "alice", USERS["alice"]
        code, msg = s.auth(mech, getattr(s, "auth_" + mech.lower()),
                           initial_response_ok=(mech == "PLAIN"))
        assert (code, msg) == (235, b"2.7.0 Authentication successful")
        s.quit()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    with pytest.raises(smtplib.SMTPAuthenticationError) as err:
        s.user, s.password = "alice", "wrong"
        s.auth("PLAIN", s.auth_plain)
    assert err.value.smtp_code == 535
    assert err.value.smtp_error.startswith(
        b"5.7.8 Error: authentication failed: ")
    s.quit()
    instance.wait_log("warning: localhost[127.0.0.1]: SASL PLAIN "
                      "authentication failed: ")
    instance.wait_log("disconnect from localhost[127.0.0.1] ehlo=1 "
                      "auth=0/1 quit=1 commands=2/3")
    assert "wonderland" not in instance.log()


def test_auth_rate_limit(instance, cyrus):
    """smtpd_client_auth_rate_limit: anvil counts AUTH commands; over the
    limit AUTH gets 450 4.7.1 before any password is checked."""
    require("anvil")
    start(instance, cyrus, smtpd_client_auth_rate_limit="2",
          smtpd_client_connection_count_limit="0",
          smtpd_client_event_limit_exceptions="", anvil_rate_time_unit="60s")
    s = session(instance)
    assert s.cmd("EHLO client.example").startswith("250")
    for _ in range(2):
        assert s.cmd("AUTH PLAIN " + plain("alice", "wrong")).startswith(
            "535 5.7.8 Error: authentication failed:")
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "450 4.7.1 Error: too many AUTH commands from 127.0.0.1"
    s.close()
    instance.wait_log("warning: AUTH command rate limit exceeded: 3 from "
                      "localhost[127.0.0.1] for service ")


def test_cyrus_protocol_replies(instance, cyrus):
    """The AUTH command's replies: order of checks, abort, syntax, bad
    base64, over-long response, challenges, already authenticated."""
    start(instance, cyrus, smtpd_sasl_response_limit="100")
    s = session(instance)
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: send HELO/EHLO first"
    assert "AUTH PLAIN LOGIN" in ehlo_lines(s.cmd("EHLO client.example"))
    assert s.cmd("AUTH") == "501 5.5.4 Syntax: AUTH mechanism"
    assert s.cmd("AUTH PLAIN a b") == "501 5.5.4 Syntax: AUTH mechanism"
    assert s.cmd("AUTH LOGIN") == "334 VXNlcm5hbWU6"
    assert s.cmd("*") == "501 5.7.0 Authentication aborted"
    assert s.cmd("AUTH LOGIN " + b64("alice")) == "334 UGFzc3dvcmQ6"
    assert s.cmd("!!notbase64!!") == "501 5.5.2 Cannot decode response"
    assert s.cmd("AUTH PLAIN") == "334 "
    assert s.cmd("x" * 200) == \
        "500 5.5.6 Authentication exchange line is too long"
    assert s.cmd("AUTH CRAM-MD5").startswith(
        "535 5.7.8 Error: authentication failed: ")
    assert s.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: MAIL transaction in progress"
    assert s.cmd("RSET") == "250 2.0.0 Ok"
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "235 2.7.0 Authentication successful"
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: already authenticated"
    assert s.cmd("QUIT").startswith("221")
    s.close()
    instance.wait_log("warning: localhost[127.0.0.1]: SASL LOGIN "
                      "authentication aborted")
    instance.wait_log(" ehlo=1 auth=1/10 mail=1 rset=1 quit=1 ")


def test_cyrus_initial_response_equals(instance, cyrus):
    """AUTH PLAIN = is an empty initial response (refused), and the
    challenge-response form of PLAIN works."""
    start(instance, cyrus)
    s = session(instance)
    s.cmd("EHLO client.example")
    assert s.cmd("AUTH PLAIN =").startswith(
        "535 5.7.8 Error: authentication failed: ")
    assert s.cmd("AUTH PLAIN") == "334 "
    assert s.cmd(plain("bob", USERS["bob"])) == \
        "235 2.7.0 Authentication successful"
    s.cmd("QUIT")
    s.close()


def test_cyrus_relay_and_log(instance, cyrus):
    """Unauthenticated: Relay access denied. Authenticated: the remote
    recipient is accepted, the message queued, and the client= line
    names the method, the user and the AUTH= sender."""
    start(instance, cyrus)
    s = session(instance)
    s.cmd("EHLO client.example")
    assert s.cmd("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok"
    assert s.cmd("RCPT TO:<x@remote.example>") == \
        "554 5.7.1 <x@remote.example>: Relay access denied"
    s.cmd("RSET")
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "235 2.7.0 Authentication successful"
    assert s.cmd("MAIL FROM:<alice@example.org> AUTH=<>") == "250 2.1.0 Ok"
    assert s.cmd("RCPT TO:<x@remote.example>") == "250 2.1.5 Ok"
    assert s.cmd("DATA").startswith("354")
    reply = s.cmd("Subject: relayed\r\n\r\nhello\r\n.")
    assert reply.startswith("250 2.0.0 Ok: queued as "), reply
    qid = reply.split()[-1]
    assert s.cmd("MAIL FROM:<alice@example.org> "
                 "AUTH=alice+2Bx@example.org") == "250 2.1.0 Ok"
    assert s.cmd("RCPT TO:<y@remote.example>") == "250 2.1.5 Ok"
    assert s.cmd("DATA").startswith("354")
    reply2 = s.cmd("Subject: relayed\r\n\r\nhello\r\n.")
    qid2 = reply2.split()[-1]
    s.cmd("QUIT")
    s.close()
    instance.wait_log("%s: client=localhost[127.0.0.1], sasl_method=PLAIN, "
                      "sasl_username=alice@example.com\n" % qid)
    instance.wait_log("%s: client=localhost[127.0.0.1], sasl_method=PLAIN, "
                      "sasl_username=alice@example.com, "
                      "sasl_sender=alice+x@example.org"
                      % qid2)
    instance.wait_log("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 "
                      "5.7.1 <x@remote.example>: Relay access denied")


def test_auth_keyword_variants(instance, cyrus):
    """broken_sasl_auth_clients adds AUTH=; the mechanism filter trims
    the list (and what AUTH accepts); exceptions networks hide AUTH;
    smtpd_discard_ehlo_keywords=auth disables it."""
    start(instance, cyrus, broken_sasl_auth_clients="yes",
          smtpd_sasl_mechanism_filter="plain")
    s = session(instance)
    lines = ehlo_lines(s.cmd("EHLO client.example"))
    assert "AUTH PLAIN" in lines and "AUTH=PLAIN" in lines
    assert s.cmd("AUTH LOGIN").startswith("535 5.7.8 Error: authentication "
                                          "failed: ")
    s.close()
    instance.postfix("stop")
    start(instance, cyrus, smtpd_sasl_exceptions_networks="127.0.0.0/8",
          broken_sasl_auth_clients=None, smtpd_sasl_mechanism_filter=None)
    s = session(instance)
    reply = s.cmd("EHLO client.example")
    assert "AUTH" not in reply
    s.close()
    instance.postfix("stop")
    mechs = os.path.join(instance.base, "mechs")
    with open(mechs, "w") as f:
        f.write("# announced\nlogin\n")
    start(instance, cyrus, smtpd_sasl_exceptions_networks=None,
          smtpd_sasl_mechanism_filter="!external, " + mechs)
    s = session(instance)
    lines = ehlo_lines(s.cmd("EHLO client.example"))
    assert "AUTH LOGIN" in lines and "AUTH=LOGIN" not in lines
    s.close()
    instance.postfix("stop")
    start(instance, cyrus, smtpd_discard_ehlo_keywords="auth",
          smtpd_sasl_mechanism_filter=None)
    s = session(instance)
    reply = s.cmd("EHLO client.example")
    assert "AUTH" not in reply
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: authentication not enabled"
    s.close()


def test_auth_not_enabled(instance, cyrus):
    """Without smtpd_sasl_auth_enable: no AUTH keyword, 503 to AUTH."""
    start(instance, cyrus, smtpd_sasl_auth_enable="no")
    s = session(instance)
    assert "AUTH" not in s.cmd("EHLO client.example")
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: authentication not enabled"
    s.close()


def test_unknown_sasl_type(instance, cyrus):
    """A back-end that does not initialize: a warning, no AUTH, and the
    server goes on serving mail."""
    start(instance, cyrus, smtpd_sasl_type="bogus")
    s = session(instance)
    assert "AUTH" not in s.cmd("EHLO client.example")
    assert s.cmd("AUTH PLAIN " + plain("alice", USERS["alice"])) == \
        "503 5.5.1 Error: authentication not enabled"
    assert s.cmd("MAIL FROM:<a@example.org>") == "250 2.1.0 Ok"
    s.close()
    instance.wait_log("warning: SASL per-process initialization failed: ")


def test_sender_login_maps(instance, cyrus):
    """reject_sender_login_mismatch: the owner may, another user gets
    'not owned by user', an unauthenticated client 'not logged in';
    reject_known_sender_login_mismatch lets unlisted addresses pass;
    check_sasl_access refuses a listed login."""
    logins = os.path.join(instance.base, "logins")
    with open(logins, "w") as f:
        f.write("alice@example.org alice@example.com\n"
                "@shared.example alice@example.com, bob@example.com\n")
    sasl = os.path.join(instance.base, "sasl_access")
    with open(sasl, "w") as f:
        f.write("bob@example.com REJECT no mail from bob today\n")
    start(instance, cyrus, smtpd_sender_login_maps="texthash:" + logins,
          smtpd_sender_restrictions="reject_sender_login_mismatch",
          smtpd_recipient_restrictions="check_sasl_access texthash:" + sasl)

    def mail_as(user, sender):
        s = session(instance)
        s.cmd("EHLO client.example")
        if user:
            assert s.cmd("AUTH PLAIN " + plain(user, USERS[user])) == \
                "235 2.7.0 Authentication successful"
        # smtpd_delay_reject: sender restrictions answer at RCPT.
        assert s.cmd("MAIL FROM:<%s>" % sender) == "250 2.1.0 Ok"
        reply = s.cmd("RCPT TO:<pftest1@%s>" % HOST)
        s.cmd("QUIT")
        s.close()
        return reply

    assert mail_as("alice", "alice@example.org") == "250 2.1.5 Ok"
    assert mail_as("bob", "alice@example.org") == (
        "553 5.7.1 <alice@example.org>: Sender address rejected: not "
        "owned by user bob@example.com")
    assert mail_as("alice", "nobody@example.org") == (
        "553 5.7.1 <nobody@example.org>: Sender address rejected: not "
        "owned by user alice@example.com")
    assert mail_as(None, "alice@example.org") == (
        "553 5.7.1 <alice@example.org>: Sender address rejected: not "
        "logged in")
    assert mail_as(None, "nobody@example.org") == "250 2.1.5 Ok"
    # bob owns x@shared.example, but check_sasl_access refuses bob.
    assert mail_as("bob", "x@shared.example") == (
        "554 5.7.1 <bob@example.com>: SASL login name rejected: no mail "
        "from bob today")

    instance.postfix("stop")
    start(instance, cyrus, smtpd_sender_login_maps="texthash:" + logins,
          smtpd_sender_restrictions="reject_known_sender_login_mismatch")
    assert mail_as("alice", "nobody@example.org") == "250 2.1.5 Ok"
    assert mail_as("bob", "alice@example.org").startswith("553 5.7.1 ")




def test_authenticated_header(instance, cyrus, spool):
    """smtpd_sasl_authenticated_header: '(Authenticated sender: user)'
    in the delivered Received: header, protocol ESMTPA."""
    start(instance, cyrus, mail_spool_directory=spool,
          smtpd_sasl_authenticated_header="yes")
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    s.login("alice", USERS["alice"])
    s.sendmail("alice@example.org", ["pftest1@%s" % HOST],
               b"Subject: authhdr\r\n\r\nauthenticated body\r\n")
    s.quit()
    data = mbox(spool, b"authenticated body")
    assert re.search(rb"\nReceived: from client\.example \(localhost "
                     rb"\[127\.0\.0\.1\]\)\n\t\(Authenticated sender: alice@example\.com\)"
                     rb"\n\tby host\.example\.com \(Postfix\) with ESMTPA id ",
                     data), data


def test_esmtpa_without_header(instance, cyrus, spool):
    """Without smtpd_sasl_authenticated_header: no user name in the
    header, but the protocol is still ESMTPA."""
    start(instance, cyrus, mail_spool_directory=spool)
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    s.login("bob", USERS["bob"])
    s.sendmail("bob@example.org", ["pftest1@%s" % HOST],
               b"Subject: esmtpa\r\n\r\nesmtpa body\r\n")
    s.quit()
    data = mbox(spool, b"esmtpa body")
    assert b"Authenticated sender" not in data
    assert b") with ESMTPA id " in data


# ---------------------------------------------------------------- TLS

@pytest.fixture
def pki(instance):
    import tlscerts
    directory = os.path.join(instance.base, "pki")
    os.mkdir(directory, 0o755)
    return tlscerts.make_pki(directory)


def tls_settings(pki):
    return dict(smtpd_tls_security_level="may",
                smtpd_tls_cert_file=pki["server_cert"],
                smtpd_tls_key_file=pki["server_key"])


def client_context(pki):
    ctx = ssl.create_default_context(cafile=pki["ca_cert"])
    ctx.check_hostname = False
    return ctx


def test_tls_auth_only(instance, cyrus, pki, spool):
    """smtpd_tls_auth_only: no AUTH before STARTTLS (503 to AUTH), AUTH
    after it; the message is ESMTPSA."""
    start(instance, cyrus, mail_spool_directory=spool,
          smtpd_tls_auth_only="yes", **tls_settings(pki))
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    assert s.has_extn("starttls")
    assert not s.has_extn("auth")
    code, msg = s.docmd("AUTH", "PLAIN " + plain("alice", USERS["alice"]))
    assert (code, msg) == (503, b"5.5.1 Error: authentication not enabled")
    s.starttls(context=client_context(pki))
    s.ehlo("client.example")
    assert sorted(s.esmtp_features["auth"].split()) == ["LOGIN", "PLAIN"]
    s.login("alice", USERS["alice"])
    s.sendmail("alice@example.org", ["pftest1@%s" % HOST],
               b"Subject: tls\r\n\r\ntls auth body\r\n")
    s.quit()
    data = mbox(spool, b"tls auth body")
    assert b") with ESMTPSA id " in data
    instance.wait_log("ehlo=2 starttls=1 auth=1/2 mail=1 rcpt=1 data=1 "
                      "quit=1 commands=8/9")


def test_tls_security_options(instance, cyrus, pki):
    """smtpd_sasl_security_options=noplaintext leaves no mechanism in
    plaintext (no AUTH keyword); smtpd_sasl_tls_security_options apply
    after STARTTLS, and a login made there works."""
    start(instance, cyrus, smtpd_sasl_security_options="noanonymous, "
          "noplaintext", smtpd_sasl_tls_security_options="noanonymous",
          **tls_settings(pki))
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    assert s.has_extn("starttls")
    assert not s.has_extn("auth")
    s.starttls(context=client_context(pki))
    s.ehlo("client.example")
    assert sorted(s.esmtp_features["auth"].split()) == ["LOGIN", "PLAIN"]
    assert s.login("bob", USERS["bob"])[0] == 235
    s.quit()


# ---------------------------------------------------------------- Dovecot

@pytest.fixture
def dovecot_auth(instance):
    if not os.path.exists(dovecot.DOVECOT):
        pytest.skip("dovecot-core is not installed")
    require()
    require_sasl(instance, "dovecot")
    dc = dovecot.DovecotAuth(users=USERS)
    dc.start()
    yield dc
    dc.stop()


def test_dovecot_auth(instance, dovecot_auth):
    """smtpd_sasl_type=dovecot over the auth service's client socket:
    PLAIN and LOGIN, a bad password, relaying after AUTH."""
    start(instance, dict(smtpd_sasl_auth_enable="yes",
                         smtpd_sasl_type="dovecot",
                         smtpd_sasl_path=dovecot_auth.socket,
                         local_recipient_maps="",
                         smtpd_relay_restrictions=RELAY))
    s = session(instance)
    assert "250-AUTH PLAIN LOGIN" in s.cmd("EHLO client.example")
    assert s.cmd("AUTH PLAIN " + plain("alice", "nope")).startswith(
        "535 5.7.8 Error: authentication failed: ")
    assert s.cmd("AUTH LOGIN") == "334 VXNlcm5hbWU6"
    assert s.cmd(b64("bob")) == "334 UGFzc3dvcmQ6"
    assert s.cmd(b64(USERS["bob"])) == "235 2.7.0 Authentication successful"
    assert s.cmd("MAIL FROM:<bob@example.org>") == "250 2.1.0 Ok"
    assert s.cmd("RCPT TO:<x@remote.example>") == "250 2.1.5 Ok"
    s.cmd("QUIT")
    s.close()
    s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
    s.ehlo("client.example")
    s.user, s.password = "alice", USERS["alice"]
    assert s.auth("PLAIN", s.auth_plain)[0] == 235
    s.quit()
    instance.wait_log("warning: localhost[127.0.0.1]: SASL PLAIN "
                      "authentication failed: ")


def test_dovecot_private_auth(instance):
    """smtpd_sasl_path = private/auth: the socket in the queue
    directory, as in Postfix's SASL_README."""
    if not os.path.exists(dovecot.DOVECOT):
        pytest.skip("dovecot-core is not installed")
    require()
    require_sasl(instance, "dovecot")
    start(instance, dict(smtpd_sasl_auth_enable="yes",
                         smtpd_sasl_type="dovecot",
                         smtpd_sasl_path="private/auth",
                         local_recipient_maps="",
                         smtpd_relay_restrictions=RELAY))
    with dovecot.DovecotAuth(users=USERS, socket=os.path.join(
            instance.queue, "private", "auth")):
        s = smtplib.SMTP("127.0.0.1", instance.port, timeout=30)
        s.ehlo("client.example")
        assert s.login("alice", USERS["alice"])[0] == 235
        assert s.sendmail("alice@example.org", ["x@remote.example"],
                          b"Subject: d\r\n\r\nbody\r\n") == {}
        s.quit()
    instance.wait_log("sasl_method=PLAIN, sasl_username=alice\n")


# ---------------------------------------------------------------- master.cf

def submission_entry(port):
    """The shipped master.cf's submission entry, uncommented, on port."""
    with open(os.path.join(TOP, "conf", "master.cf")) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if re.match(r"#?submission\s+inet\s", line):
            break
    else:
        raise AssertionError("no submission entry in conf/master.cf")
    out = [re.sub(r"^#?submission", "127.0.0.1:%d" % port, lines[i])]
    for line in lines[i + 1:]:
        if not re.match(r"#?\s+-o\s", line):
            break
        out.append(line.lstrip("#"))
    return "\n".join(out) + "\n"


def test_submission_entry(instance, cyrus, pki):
    """The submission service of the shipped master.cf: STARTTLS is
    required (530 first), AUTH then mail, no AUTH no relay."""
    port = free_ports(1)[0]
    entry = submission_entry(port)
    settings = dict(cyrus)
    settings.update(tls_settings(pki))
    # The entry's -o options alone turn on AUTH and the restrictions.
    settings.pop("smtpd_relay_restrictions")
    settings.pop("smtpd_sasl_auth_enable")
    instance.mail_system(services=entry, **settings)
    wait_until(lambda: _listening(port), 10, "submission port")
    s = smtplib.SMTP("127.0.0.1", port, timeout=30)
    s.ehlo("client.example")
    assert s.has_extn("starttls")
    code, msg = s.docmd("MAIL", "FROM:<alice@example.org>")
    assert (code, msg) == (530, b"5.7.0 Must issue a STARTTLS command first")
    s.starttls(context=client_context(pki))
    s.ehlo("client.example")
    code, _ = s.docmd("MAIL", "FROM:<alice@example.org>")
    assert code == 250
    code, msg = s.docmd("RCPT", "TO:<x@remote.example>")
    assert code == 554
    assert msg.endswith(b"]>: Client host rejected: Access denied"), msg
    s.docmd("RSET")
    s.login("alice", USERS["alice"])
    assert s.sendmail("alice@example.org", ["x@remote.example"],
                      b"Subject: submitted\r\n\r\nbody\r\n") == {}
    s.quit()
    instance.wait_log("postfix/submission/smtpd[")
    instance.wait_log("sasl_method=PLAIN, sasl_username=alice@example.com")


def _listening(port):
    import socket
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False
