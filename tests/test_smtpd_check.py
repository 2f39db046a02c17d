"""System tests of smtpd's restriction engine (issue 7, item 3).

Each restriction and access(5) action is driven with Python's smtplib
or a raw socket against a private mail system on 127.0.0.1, with a
passing and a failing case; reply codes, enhanced codes, texts and the
"NOQUEUE: reject: ..." log lines are compared with what Postfix sends
and logs (postconf(5), access(5), SMTPD_ACCESS_README). By default the
test client 127.0.0.1 is kept outside mynetworks (127.0.0.2/32).
"""

import os
import smtplib
import socket
import time

import pytest

OUTSIDE = "127.0.0.2/32"        # mynetworks that leaves 127.0.0.1 out
LOCAL = "host.example.com"      # $myhostname (in mydestination)


def start(instance, files=None, **main_cf):
    """Write table files (name -> text) into etc and start the system;
    {etc} in main.cf values is the etc directory."""
    for name, text in (files or {}).items():
        with open(os.path.join(instance.etc, name), "w") as f:
            f.write(text)
    settings = dict(mynetworks=OUTSIDE)
    settings.update({k: v.replace("{etc}", instance.etc)
                     for k, v in main_cf.items()})
    found = instance.mail_system(**settings)
    if "smtpd" not in found:
        pytest.skip("smtpd is not installed yet")
    if "trivial-rewrite" not in found:
        pytest.skip("trivial-rewrite is not installed")


def client(instance, helo="client.example.com", ehlo=True):
    s = smtplib.SMTP(timeout=20)
    s.connect("127.0.0.1", instance.port)
    if helo is not None:
        code, _ = s.ehlo(helo) if ehlo else s.helo(helo)
        assert code == 250
    return s


def expect(reply, code, text=None):
    got_code, msg = reply
    msg = msg.decode(errors="replace")
    assert got_code == code, (got_code, msg)
    if text is not None:
        assert msg.startswith(text), msg
    return msg


def log_has(instance, text):
    return instance.wait_log(text)


def close(s):
    try:
        s.quit()
    except (smtplib.SMTPException, OSError):
        pass


# ------------------------------------------------------- relay control

def test_default_relay_restrictions(instance):
    start(instance)
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("u@remote.example.net"), 454,
           "4.7.1 <u@remote.example.net>: Relay access denied")
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("nosuchuser@" + LOCAL), 550,
           "5.1.1 <nosuchuser@%s>: Recipient address rejected: User "
           "unknown in local recipient table" % LOCAL)
    expect(s.rcpt("postmaster"), 250)
    close(s)
    log_has(instance, "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
            "454 4.7.1 <u@remote.example.net>: Relay access denied; "
            "from=<a@example.org> to=<u@remote.example.net> proto=ESMTP "
            "helo=<client.example.com>")
    log_has(instance, "reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 "
            "<nosuchuser@%s>: Recipient address rejected: User unknown in "
            "local recipient table; from=<a@example.org>" % LOCAL)


def test_relay_from_mynetworks_and_relay_domains(instance):
    start(instance, mynetworks="127.0.0.0/8",
          relay_domains="relay.example.net",
          smtpd_relay_restrictions="permit_mynetworks, "
                                   "reject_unauth_destination")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("u@remote.example.net"), 250)
    close(s)


def test_reject_unauth_destination(instance):
    start(instance, relay_domains="relay.example.net",
          relay_domains_reject_code="550",
          smtpd_relay_restrictions="permit_mynetworks, "
                                   "reject_unauth_destination")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("u@remote.example.net"), 550,
           "5.7.1 <u@remote.example.net>: Relay access denied")
    expect(s.rcpt("u@relay.example.net"), 250)
    expect(s.rcpt("u@sub.relay.example.net"), 250)
    close(s)


def test_permit_auth_destination(instance):
    start(instance, relay_domains="relay.example.net",
          smtpd_relay_restrictions="",
          smtpd_recipient_restrictions="permit_auth_destination, reject")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("u@relay.example.net"), 250)
    expect(s.rcpt("u@remote.example.net"), 554,
           "5.7.1 <u@remote.example.net>: Recipient address rejected: "
           "Access denied")
    close(s)


def test_no_relay_control_is_fatal(instance):
    start(instance, smtpd_relay_restrictions="",
          smtpd_recipient_restrictions="permit_mynetworks")
    with pytest.raises((smtplib.SMTPException, OSError)):
        s = client(instance)
        s.mail("a@example.org")
        s.rcpt("u@remote.example.net")
    log_has(instance, "fatal: in parameter smtpd_relay_restrictions or "
            "smtpd_recipient_restrictions, specify at least one working "
            "instance of: reject_unauth_destination, "
            "defer_unauth_destination, reject, defer, defer_if_permit or "
            "check_relay_domains")


def test_unknown_restriction_is_fatal(instance):
    start(instance, smtpd_client_restrictions="permit_mynetworks, "
                                              "bogus_restriction")
    with pytest.raises((smtplib.SMTPException, OSError)):
        s = client(instance)
        s.mail("a@example.org")
    log_has(instance, 'fatal: unknown smtpd restriction: "bogus_restriction"')


# ------------------------------------------------- access(5) actions

ACCESS = """\
reject@x.example       REJECT
text@x.example         REJECT go away
dsn@x.example          REJECT 5.7.9 custom reason
defer@x.example        DEFER
defertext@x.example    DEFER try later
num5@x.example         521 no thanks
num4@x.example         451 4.7.2 later please
ok@x.example           OK
allnum@x.example       12345
dunno@x.example        DUNNO
hold@x.example         HOLD
discard@x.example      DISCARD
warn@x.example         WARN watch this one
info@x.example         INFO for your information
filter@x.example       FILTER smtp:[127.0.0.1]:10025
redirect@x.example     REDIRECT other@elsewhere.example
prepend@x.example      PREPEND X-Check: prepended
dir@x.example          DEFER_IF_REJECT
dip@x.example          DEFER_IF_PERMIT
class@x.example        strict
list@x.example         reject_non_fqdn_recipient, permit
x.example              REJECT domain blocked
"""


def access_system(instance, delay="yes"):
    start(instance, files={"access": ACCESS},
          smtpd_restriction_classes="strict",
          strict="reject",
          smtpd_delay_reject=delay,
          smtpd_sender_restrictions="check_sender_access "
                                    "texthash:{etc}/access")


@pytest.mark.parametrize("sender,code,text", [
    ("reject@x.example", 554,
     "5.7.1 <reject@x.example>: Sender address rejected: Access denied"),
    ("text@x.example", 554,
     "5.7.1 <text@x.example>: Sender address rejected: go away"),
    ("dsn@x.example", 554,
     "5.7.9 <dsn@x.example>: Sender address rejected: custom reason"),
    ("defer@x.example", 450,
     "4.7.1 <defer@x.example>: Sender address rejected: Access denied"),
    ("defertext@x.example", 450,
     "4.7.1 <defertext@x.example>: Sender address rejected: try later"),
    ("num5@x.example", 521,
     "5.7.1 <num5@x.example>: Sender address rejected: no thanks"),
    ("num4@x.example", 451,
     "4.7.2 <num4@x.example>: Sender address rejected: later please"),
    ("other@x.example", 554,
     "5.7.1 <other@x.example>: Sender address rejected: domain blocked"),
    ("class@x.example", 554,
     "5.7.1 <class@x.example>: Sender address rejected: Access denied"),
    ("dip@x.example", 450,
     "4.7.1 <dip@x.example>: Sender address rejected: Service "
     "unavailable"),
    ("ok@x.example", 250, None),
    ("allnum@x.example", 250, None),
    ("dunno@x.example", 250, None),
    ("a@unlisted.example", 250, None),
])
def test_access_results(instance, sender, code, text):
    access_system(instance)
    s = client(instance)
    expect(s.mail(sender), 250)            # smtpd_delay_reject = yes
    expect(s.rcpt("root@" + LOCAL), code, text)
    close(s)
    if code != 250:
        log_has(instance, "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
                "%d %s; from=<%s> to=<root@%s> proto=ESMTP "
                "helo=<client.example.com>" % (code, text, sender, LOCAL))


def test_access_no_delay_reject(instance):
    access_system(instance, delay="no")
    s = client(instance)
    expect(s.mail("reject@x.example"), 554,
           "5.7.1 <reject@x.example>: Sender address rejected: Access denied")
    expect(s.mail("ok@x.example"), 250)
    close(s)
    log_has(instance, "NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 554 "
            "5.7.1 <reject@x.example>: Sender address rejected: Access "
            "denied; from=<reject@x.example> proto=ESMTP "
            "helo=<client.example.com>")


def send(instance, sender, rcpt="root@" + LOCAL, body="Subject: t\n\nhi\n"):
    s = client(instance)
    expect(s.mail(sender), 250)
    expect(s.rcpt(rcpt), 250)
    code, msg = s.data(body)
    close(s)
    return code, msg


@pytest.mark.parametrize("sender,what,text", [
    ("hold@x.example", "hold",
     "<hold@x.example>: Sender address triggers HOLD action"),
    ("discard@x.example", "discard",
     "<discard@x.example>: Sender address triggers DISCARD action"),
    ("warn@x.example", "warn", "watch this one"),
    ("info@x.example", "info", "for your information"),
    ("filter@x.example", "filter",
     "<filter@x.example>: Sender address triggers FILTER "
     "smtp:[127.0.0.1]:10025"),
    ("redirect@x.example", "redirect",
     "<redirect@x.example>: Sender address triggers REDIRECT "
     "other@elsewhere.example"),
])
def test_access_info_actions(instance, sender, what, text):
    access_system(instance)
    code, _ = send(instance, sender)
    assert code == 250
    log_has(instance, ": %s: RCPT from localhost[127.0.0.1]: %s; from=<%s> "
            "to=<root@%s> proto=ESMTP helo=<client.example.com>"
            % (what, text, sender, LOCAL))


def test_access_hold_queue(instance):
    access_system(instance)
    code, _ = send(instance, "hold@x.example")
    assert code == 250
    deadline = time.time() + 10
    while not instance.queue_files("hold") and time.time() < deadline:
        time.sleep(0.1)
    assert instance.queue_files("hold")


def test_access_inline_list(instance):
    access_system(instance)
    s = client(instance)
    expect(s.mail("list@x.example"), 250)
    expect(s.rcpt("root"), 504,
           "5.5.2 <root>: Recipient address rejected: need "
           "fully-qualified address")
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


def test_defer_if_reject(instance):
    start(instance, files={"access": ACCESS},
          smtpd_sender_restrictions="check_sender_access "
                                    "texthash:{etc}/access, "
                                    "reject_non_fqdn_recipient")
    s = client(instance)
    expect(s.mail("dir@x.example"), 250)
    expect(s.rcpt("root"), 450,
           "4.7.1 <dir@x.example>: Sender address rejected: Service "
           "unavailable")
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


# --------------------------------------------------- generic actions

@pytest.mark.parametrize("restrictions,code,text", [
    ("reject", 554, "5.7.1 <root@%s>: Recipient address rejected: "
     "Access denied" % LOCAL),
    ("defer", 450, "4.7.1 <root@%s>: Recipient address rejected: "
     "Access denied" % LOCAL),
    ("defer_if_permit", 450, "4.7.1 <root@%s>: Recipient address "
     "rejected: defer_if_permit requested" % LOCAL),
    ("defer_if_permit, permit", 450, "4.7.1"),
    ("defer_if_reject, reject", 450, "4.7.1 <root@%s>: Recipient address "
     "rejected: defer_if_reject requested" % LOCAL),
    ("defer_if_reject, permit", 250, None),
    ("warn_if_reject, reject", 250, None),
    ("permit, reject", 250, None),
    ("permit_mynetworks, reject", 554, "5.7.1"),
])
def test_generic_actions(instance, restrictions, code, text):
    start(instance, smtpd_recipient_restrictions=restrictions,
          reject_code="554", defer_code="450")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), code, text)
    close(s)
    if restrictions.startswith("warn_if_reject"):
        log_has(instance, "NOQUEUE: reject_warning: RCPT from "
                "localhost[127.0.0.1]: 554 5.7.1 <root@%s>: Recipient "
                "address rejected: Access denied; from=<a@example.org> "
                "to=<root@%s>" % (LOCAL, LOCAL))


def test_warn_if_reject_covers_a_class(instance):
    start(instance, smtpd_restriction_classes="strictclass",
          strictclass="reject_non_fqdn_sender, reject",
          smtpd_sender_restrictions="warn_if_reject strictclass, "
                                    "reject_non_fqdn_sender")
    s = client(instance)
    expect(s.mail("nodomain"), 250)
    expect(s.rcpt("root@" + LOCAL), 504,
           "5.5.2 <nodomain>: Sender address rejected: need "
           "fully-qualified address")
    close(s)
    log_has(instance, "NOQUEUE: reject_warning: RCPT from "
            "localhost[127.0.0.1]: 504 5.5.2 <nodomain>: Sender address "
            "rejected: need fully-qualified address;")
    log_has(instance, "NOQUEUE: reject_warning: RCPT from "
            "localhost[127.0.0.1]: 554 5.7.1 <nodomain>: Sender address "
            "rejected: Access denied;")
    log_has(instance, "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: "
            "504 5.5.2 <nodomain>")


def test_reject_and_defer_codes(instance):
    start(instance, smtpd_sender_restrictions="reject",
          reject_code="550", soft_bounce="yes")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 450,
           "4.7.1 <a@example.org>: Sender address rejected: Access denied")
    close(s)


def test_sleep(instance):
    start(instance, smtpd_sender_restrictions="sleep 2, permit")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    t0 = time.monotonic()
    expect(s.rcpt("root@" + LOCAL), 250)
    assert time.monotonic() - t0 >= 1.9
    close(s)


def test_restriction_class_with_permit(instance):
    start(instance, files={"rcpt": "root@%s  friendly\n"
                                   "abuse@%s  picky\n" % (LOCAL, LOCAL)},
          smtpd_restriction_classes="friendly, picky",
          friendly="permit",
          picky="reject_non_fqdn_sender, check_sender_access "
                "texthash:{etc}/rcpt",
          smtpd_recipient_restrictions="check_recipient_access "
                                       "texthash:{etc}/rcpt, "
                                       "reject_non_fqdn_sender, "
                                       "reject_unauth_destination")
    s = client(instance)
    expect(s.mail("nodomain"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("abuse@" + LOCAL), 504,
           "5.5.2 <nodomain>: Sender address rejected: need "
           "fully-qualified address")
    close(s)


def test_reject_unauth_pipelining(instance):
    start(instance, smtpd_data_restrictions="reject_unauth_pipelining")
    sock = socket.create_connection(("127.0.0.1", instance.port), timeout=20)
    f = sock.makefile("rb")
    assert f.readline().startswith(b"220")
    sock.sendall(b"HELO client.example.com\r\nMAIL FROM:<a@example.org>\r\n"
                 b"RCPT TO:<root@%s>\r\nDATA\r\n" % LOCAL.encode())
    replies = [f.readline() for _ in range(4)]
    assert replies[0].startswith(b"250")
    assert replies[3].startswith(b"503 5.5.0 <DATA>: Data command rejected: "
                                 b"Improper use of SMTP command pipelining"), \
        replies
    sock.sendall(b"QUIT\r\n")
    sock.close()


def test_reject_unauth_pipelining_polite_client(instance):
    start(instance, smtpd_data_restrictions="reject_unauth_pipelining")
    s = client(instance, ehlo=False)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.docmd("DATA"), 354)
    close(s)


# ------------------------------------------------- client, HELO checks

def test_check_client_access(instance):
    start(instance, files={"clients": "127.0.0.1 REJECT no clients here\n"},
          smtpd_client_restrictions="check_client_access "
                                    "cidr:{etc}/clients")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 554,
           "5.7.1 <localhost[127.0.0.1]>: Client host rejected: "
           "no clients here")
    close(s)


def test_check_client_access_by_name_no_delay(instance):
    start(instance, files={"clients": "localhost REJECT\n"},
          smtpd_delay_reject="no",
          smtpd_client_restrictions="check_client_access "
                                    "texthash:{etc}/clients")
    sock = socket.create_connection(("127.0.0.1", instance.port), timeout=20)
    banner = sock.makefile("rb").readline()
    sock.close()
    assert banner.startswith(b"554 5.7.1 <localhost[127.0.0.1]>: Client "
                             b"host rejected: Access denied"), banner
    log_has(instance, "NOQUEUE: reject: CONNECT from localhost[127.0.0.1]: "
            "554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: "
            "Access denied;")


def test_check_client_access_permits(instance):
    start(instance, files={"clients": "127.0.0 OK\n"},
          smtpd_client_restrictions="check_client_access "
                                    "texthash:{etc}/clients, reject")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


def test_reverse_client_hostname_access(instance):
    start(instance, files={"rev": "localhost REJECT\n"},
          smtpd_client_restrictions="check_reverse_client_hostname_access "
                                    "texthash:{etc}/rev")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 554,
           "5.7.1 <localhost[127.0.0.1]>: Unverified Client host "
           "rejected: Access denied")
    close(s)


def test_reject_unknown_client_hostname(instance):
    start(instance, smtpd_peername_lookup="no",
          unknown_client_reject_code="550",
          smtpd_client_restrictions="reject_unknown_client_hostname")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 550,
           "5.7.1 Client host rejected: cannot find your hostname, "
           "[127.0.0.1]")
    close(s)


def test_reject_unknown_reverse_client_hostname(instance):
    start(instance, smtpd_peername_lookup="no",
          smtpd_client_restrictions="reject_unknown_reverse_client_hostname")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 450,
           "4.7.1 Client host rejected: cannot find your reverse "
           "hostname, [127.0.0.1]")
    close(s)


def test_known_client_hostname_passes(instance):
    start(instance, smtpd_client_restrictions="reject_unknown_client_hostname,"
                                              " reject_unknown_reverse_"
                                              "client_hostname")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


@pytest.mark.parametrize("helo,code,text", [
    ("client.example.com", 250, None),
    ("[127.0.0.1]", 250, None),
    ("bad_host!name", 501,
     "5.5.2 <bad_host!name>: Helo command rejected: Invalid name"),
    ("nodots", 504,
     "5.5.2 <nodots>: Helo command rejected: need fully-qualified hostname"),
    ("blocked.example", 554,
     "5.7.1 <blocked.example>: Helo command rejected: Access denied"),
    ("mail.blocked.example", 554,
     "5.7.1 <mail.blocked.example>: Helo command rejected: Access denied"),
])
def test_helo_restrictions(instance, helo, code, text):
    start(instance, files={"helo": "blocked.example REJECT\n"},
          smtpd_helo_restrictions="reject_invalid_helo_hostname, "
                                  "reject_non_fqdn_helo_hostname, "
                                  "check_helo_access texthash:{etc}/helo")
    s = client(instance, helo=helo)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), code, text)
    close(s)


def test_helo_no_delay_reject(instance):
    start(instance, smtpd_delay_reject="no",
          smtpd_helo_restrictions="reject_non_fqdn_helo_hostname")
    s = client(instance, helo=None)
    expect(s.ehlo("nodots"), 504,
           "5.5.2 <nodots>: Helo command rejected: need fully-qualified "
           "hostname")
    expect(s.ehlo("client.example.com"), 250)
    close(s)


# ---------------------------------------------- sender, recipient checks

@pytest.mark.parametrize("sender,rcpt,code,text", [
    ("a@example.org", "root@" + LOCAL, 250, None),
    ("", "root@" + LOCAL, 250, None),
    ("nodomain", "root@" + LOCAL, 504,
     "5.5.2 <nodomain>: Sender address rejected: need fully-qualified "
     "address"),
    ("a@nodots", "root@" + LOCAL, 504,
     "5.5.2 <a@nodots>: Sender address rejected: need fully-qualified "
     "address"),
    ("a@example.org", "root", 504,
     "5.5.2 <root>: Recipient address rejected: need fully-qualified "
     "address"),
])
def test_non_fqdn(instance, sender, rcpt, code, text):
    start(instance, smtpd_recipient_restrictions="reject_non_fqdn_sender, "
                                                 "reject_non_fqdn_recipient")
    s = client(instance)
    expect(s.mail(sender), 250)
    expect(s.rcpt(rcpt), code, text)
    close(s)


def test_null_sender_access_key(instance):
    start(instance, files={"senders": "<> REJECT no bounces\n"},
          smtpd_sender_restrictions="check_sender_access "
                                    "texthash:{etc}/senders")
    s = client(instance)
    expect(s.mail(""), 250)
    expect(s.rcpt("root@" + LOCAL), 554,
           "5.7.1 <>: Sender address rejected: no bounces")
    close(s)


def test_check_recipient_access(instance):
    start(instance, files={"rcpts": "abuse@%s REJECT\n"
                                    "root@%s 550 5.1.2 no root here\n"
                           % (LOCAL, LOCAL)},
          smtpd_recipient_restrictions="check_recipient_access "
                                       "texthash:{etc}/rcpts")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 550,
           "5.1.2 <root@%s>: Recipient address rejected: no root here"
           % LOCAL)
    expect(s.rcpt("abuse@" + LOCAL), 554, "5.7.1")
    expect(s.rcpt("daemon@" + LOCAL), 250)
    close(s)


def test_multi_recipient_bounce(instance):
    start(instance, multi_recipient_bounce_reject_code="550",
          smtpd_recipient_restrictions="reject_multi_recipient_bounce")
    s = client(instance)
    expect(s.mail(""), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("daemon@" + LOCAL), 550,
           "5.5.3 <>: Sender address rejected: Multi-recipient bounce")
    expect(s.rset(), 250)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("daemon@" + LOCAL), 250)
    close(s)


def test_reject_unlisted_sender(instance):
    start(instance, smtpd_reject_unlisted_sender="yes")
    s = client(instance)
    expect(s.mail("nosuchuser@" + LOCAL), 250)
    expect(s.rcpt("root@" + LOCAL), 550,
           "5.1.0 <nosuchuser@%s>: Sender address rejected: User unknown "
           "in local recipient table" % LOCAL)
    expect(s.rset(), 250)
    expect(s.mail("root@" + LOCAL), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


def test_reject_unlisted_sender_restriction(instance):
    start(instance, smtpd_sender_restrictions="reject_unlisted_sender")
    s = client(instance)
    expect(s.mail("nosuchuser@" + LOCAL), 250)
    expect(s.rcpt("root@" + LOCAL), 550, "5.1.0")
    close(s)


def test_unlisted_recipient_off(instance):
    start(instance, smtpd_reject_unlisted_recipient="no")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("nosuchuser@" + LOCAL), 250)
    close(s)


def test_reject_unlisted_recipient_restriction(instance):
    start(instance, smtpd_reject_unlisted_recipient="no",
          smtpd_recipient_restrictions="reject_unlisted_recipient")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("nosuchuser@" + LOCAL), 550, "5.1.1")
    expect(s.rcpt("root@" + LOCAL), 250)
    close(s)


def test_empty_local_recipient_maps(instance):
    start(instance, local_recipient_maps="")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("nosuchuser@" + LOCAL), 250)
    close(s)


def test_local_recipient_maps_table_and_codes(instance):
    start(instance, files={"users": "known@%s x\n" % LOCAL},
          local_recipient_maps="texthash:{etc}/users",
          unknown_local_recipient_reject_code="450",
          show_user_unknown_table_name="no",
          recipient_delimiter="+")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("known@" + LOCAL), 250)
    expect(s.rcpt("known+ext@" + LOCAL), 250)
    expect(s.rcpt("root@" + LOCAL), 450,
           "4.1.1 <root@%s>: Recipient address rejected: User unknown"
           % LOCAL)
    close(s)


def test_virtual_tables(instance):
    start(instance, files={"vmbox": "user@vmail.example x\n",
                           "valias": "alias@valias.example root\n"
                                     "alias2@vmail.example user@vmail."
                                     "example\n",
                           "relayrcpt": "user@relay.example x\n"},
          virtual_mailbox_domains="vmail.example",
          virtual_mailbox_maps="texthash:{etc}/vmbox",
          virtual_alias_domains="valias.example",
          virtual_alias_maps="texthash:{etc}/valias",
          relay_domains="relay.example",
          relay_recipient_maps="texthash:{etc}/relayrcpt")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("user@vmail.example"), 250)
    expect(s.rcpt("alias2@vmail.example"), 250)
    expect(s.rcpt("nobody@vmail.example"), 550,
           "5.1.1 <nobody@vmail.example>: Recipient address rejected: User "
           "unknown in virtual mailbox table")
    expect(s.rcpt("alias@valias.example"), 250)
    expect(s.rcpt("nobody@valias.example"), 550,
           "5.1.1 <nobody@valias.example>: Recipient address rejected: User "
           "unknown in virtual alias table")
    expect(s.rcpt("user@relay.example"), 250)
    expect(s.rcpt("nobody@relay.example"), 550,
           "5.1.1 <nobody@relay.example>: Recipient address rejected: User "
           "unknown in relay recipient table")
    close(s)


# ------------------------------------------------ DATA, EOD, ETRN, size

def test_data_restrictions(instance):
    start(instance, smtpd_data_restrictions="reject")
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.docmd("DATA"), 554,
           "5.7.1 <DATA>: Data command rejected: Access denied")
    close(s)
    log_has(instance, "reject: DATA from localhost[127.0.0.1]: 554 5.7.1 "
            "<DATA>: Data command rejected: Access denied;")


def test_data_restrictions_multi_recipient_bounce(instance):
    start(instance, smtpd_data_restrictions="reject_multi_recipient_bounce")
    s = client(instance)
    expect(s.mail(""), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("daemon@" + LOCAL), 250)
    expect(s.docmd("DATA"), 550,
           "5.5.3 <>: Sender address rejected: Multi-recipient bounce")
    expect(s.rset(), 250)
    expect(s.mail(""), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.docmd("DATA"), 354)
    close(s)


def test_end_of_data_restrictions(instance):
    start(instance, files={"senders": "bad@x.example REJECT not this one\n"},
          smtpd_end_of_data_restrictions="check_sender_access "
                                         "texthash:{etc}/senders")
    s = client(instance)
    expect(s.mail("bad@x.example"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.data("Subject: x\n\nbody\n"), 554,
           "5.7.1 <bad@x.example>: Sender address rejected: not this one")
    expect(s.mail("good@x.example"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.data("Subject: x\n\nbody\n"), 250)
    close(s)


def test_etrn_restrictions(instance):
    start(instance, fast_flush_domains="example.net, blocked.example",
          files={"etrn": "blocked.example REJECT\n"},
          smtpd_etrn_restrictions="check_helo_access texthash:{etc}/etrn, "
                                  "reject")
    s = client(instance)
    code, msg = s.docmd("ETRN", "blocked.example")
    assert code == 554, msg
    assert msg.startswith(b"5.7.1 <client.example.com>: Helo command "
                          b"rejected: Access denied") or \
        msg.startswith(b"5.7.1"), msg
    code, msg = s.docmd("ETRN", "example.net")
    assert code == 554
    assert msg.startswith(b"5.7.1 <example.net>: Etrn command rejected: "
                          b"Access denied"), msg
    close(s)


def test_message_size_limit(instance):
    start(instance, message_size_limit="100000")
    s = client(instance)
    expect(s.mail("a@example.org", ["SIZE=200000"]), 552,
           "5.3.4 Message size exceeds fixed limit")
    expect(s.mail("a@example.org", ["SIZE=1000"]), 250)
    close(s)
    log_has(instance, "NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 552 "
            "5.3.4 Message size exceeds fixed limit;")


def test_queue_minfree(instance):
    start(instance, queue_minfree="999999999999999", message_size_limit="0")
    s = client(instance)
    expect(s.mail("a@example.org"), 452, "4.3.1 Insufficient system storage")
    close(s)


def test_free_space_for_message_size_limit(instance):
    # queue_minfree = 0 still means 1.5 * message_size_limit free.
    start(instance, message_size_limit="999999999999999")
    s = client(instance)
    expect(s.mail("a@example.org"), 452, "4.3.1 Insufficient system storage")
    close(s)
    log_has(instance, "warning: not enough free space in mail queue")


# ------------------------------------------------------ policy service

def test_check_policy_service(instance):
    import threading
    port = instance.ports[1]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(5)
    srv.settimeout(30)
    seen = []

    def serve():
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        f = conn.makefile("rwb")
        for _ in range(10):
            attrs = {}
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.rstrip(b"\n")
                if not line:
                    break
                k, _, v = line.partition(b"=")
                attrs[k.decode()] = v.decode()
            seen.append(attrs)
            if attrs.get("recipient", "").startswith("root@"):
                f.write(b"action=DUNNO\n\n")
            else:
                f.write(b"action=REJECT policy says no\n\n")
            f.flush()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    start(instance, smtpd_recipient_restrictions="check_policy_service "
                                                 "inet:127.0.0.1:%d" % port)
    s = client(instance)
    expect(s.mail("a@example.org"), 250)
    expect(s.rcpt("root@" + LOCAL), 250)
    expect(s.rcpt("abuse@" + LOCAL), 554,
           "5.7.1 <abuse@%s>: Recipient address rejected: policy says no"
           % LOCAL)
    close(s)
    srv.close()
    assert seen and seen[0].get("request") == "smtpd_access_policy"
    assert seen[0].get("sender") == "a@example.org"


# ------------------------------------------- permit_mx_backup (DNS)

MX_ZONE = [
    ("backup.example", "MX", (10, "primary.example.net")),
    ("backup.example", "MX", (20, LOCAL)),
    ("primary.example", "MX", (10, LOCAL)),
    ("notus.example", "MX", (10, "primary.example.net")),
    ("primary.example.net", "A", "192.0.2.10"),
    (LOCAL, "A", "127.0.0.1"),
]


@pytest.mark.parametrize("networks,rcpt,code,text", [
    ("", "u@backup.example", 250, None),
    ("", "u@primary.example", 554,
     "5.7.1 <u@primary.example>: Relay access denied"),
    ("", "u@notus.example", 554,
     "5.7.1 <u@notus.example>: Relay access denied"),
    ("", "u%other.example@backup.example", 554,
     "5.7.1 <u%other.example@backup.example>: Relay access denied"),
    ("", "u@tempfail.example", 554, "5.7.1"),
    ("192.0.2.0/24", "u@backup.example", 250, None),
    ("198.51.100.0/24", "u@backup.example", 554,
     "5.7.1 <u@backup.example>: Relay access denied"),
])
def test_permit_mx_backup(instance, networks, rcpt, code, text):
    from dnsserver import DNSServer
    with DNSServer(MX_ZONE, forced={"tempfail.example": "SERVFAIL"}) as dns:
        instance.use_dns(dns.addr)
        start(instance, permit_mx_backup_networks=networks,
              smtpd_relay_restrictions="permit_mynetworks, "
                                       "permit_mx_backup, "
                                       "reject_unauth_destination")
        s = client(instance)
        expect(s.mail("a@example.org"), 250)
        expect(s.rcpt(rcpt), code, text)
        close(s)


def test_permit_mx_backup_tempfail_defers_permit(instance):
    from dnsserver import DNSServer
    with DNSServer(MX_ZONE, forced={"tempfail.example": "SERVFAIL"}) as dns:
        instance.use_dns(dns.addr)
        # A class hides the permit from the relay-control sanity check.
        start(instance, smtpd_restriction_classes="accept_all",
              accept_all="permit",
              smtpd_relay_restrictions="permit_mx_backup, accept_all, "
                                       "reject_unauth_destination")
        s = client(instance)
        expect(s.mail("a@example.org"), 250)
        expect(s.rcpt("u@tempfail.example"), 450,
               "4.4.4 <u@tempfail.example>: Recipient address rejected: "
               "Unable to look up mail exchanger information")
        close(s)
