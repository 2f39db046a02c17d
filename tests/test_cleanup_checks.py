"""
test_cleanup_checks.py - header_checks, mime_header_checks,
nested_header_checks and body_checks in cleanup(8)

Same approach as test_cleanup.py (whose helpers are imported): a
private instance with cleanup and trivial-rewrite, messages submitted
over public/cleanup with CLEANUP_FLAG_FILTER, regexp tables in the
instance's configuration directory. Each action of header_checks(5) is
checked through the reply, the queue file (postcat) and the log line.
"""

import os

from test_cleanup import incoming, message, postcat, start, submit

FLAG_FILTER = 1 << 1
STAT_CONT = 1 << 3
STAT_DEFER = 1 << 6

LOCAL = ["userid=1001", "protocol_name=sendmail"]
SMTPD = ["client_name=mx.example.org", "client_address=192.0.2.1",
         "helo_name=helo.example.org", "protocol_name=ESMTP"]
TAIL = "from local; from=<alice@host.example.com> to=<bob>"


def configure(instance, **tables):
    """Write each table (parameter name -> regexp text) and start."""
    settings = {}
    for param, text in tables.items():
        path = os.path.join(instance.etc, param)
        with open(path, "w") as f:
            f.write(text)
        settings[param] = "regexp:" + path
    instance.write_main_cf(**settings)
    return start(instance)


def send(path, lines, attrs=LOCAL, flags=FLAG_FILTER, rcpts=("bob",)):
    return submit(path, message("alice", list(rcpts), lines, attrs=attrs),
                  flags=flags)


def held(instance, queue_id):
    for dirpath, _, files in os.walk(os.path.join(instance.queue, "hold")):
        if queue_id in files:
            return os.path.join(dirpath, queue_id)
    return None


MSG = ["Subject: spam offer", "X-Other: keep", "", "body line",
       "more body"]


def test_reject(instance):
    path = configure(instance, header_checks="/^Subject: spam/ REJECT no spam\n")
    queue_id, reply = send(path, MSG)
    assert reply == {"status": STAT_CONT, "reason": "5.7.1 no spam"}
    assert incoming(instance, queue_id) is None
    instance.wait_log("%s: reject: header Subject: spam offer %s: "
                      "5.7.1 no spam" % (queue_id, TAIL))


def test_reject_default_text_and_smtpd_origin(instance):
    path = configure(instance, header_checks="/^Subject: spam/ REJECT\n")
    queue_id, reply = send(path, MSG, attrs=SMTPD)
    assert reply["status"] == STAT_CONT
    assert reply["reason"] == "5.7.1 message content rejected"
    instance.wait_log(
        "%s: reject: header Subject: spam offer from mx.example.org"
        "[192.0.2.1]; from=<alice@host.example.com> to=<bob> proto=ESMTP "
        "helo=<helo.example.org>: 5.7.1 message content rejected"
        % queue_id)


def test_reject_4xx_defers(instance):
    path = configure(instance, header_checks="/^Subject/ REJECT 4.7.1 later\n")
    queue_id, reply = send(path, MSG)
    assert reply == {"status": STAT_DEFER, "reason": "4.7.1 later"}
    assert incoming(instance, queue_id) is None


def test_no_filter_flag_no_checks(instance):
    path = configure(instance, header_checks="/^Subject: spam/ REJECT\n")
    queue_id, reply = send(path, MSG, flags=0)
    assert reply["status"] == 0
    assert "Subject: spam offer" in postcat(instance, queue_id)


def test_discard(instance):
    path = configure(instance, header_checks="/^Subject: spam/ DISCARD bye\n")
    queue_id, reply = send(path, MSG)
    assert reply == {"status": 0, "reason": ""}
    assert incoming(instance, queue_id) is None
    instance.wait_log("%s: discard: header Subject: spam offer %s: bye"
                      % (queue_id, TAIL))
    assert "discard: client request" not in (instance.log() or "")


def test_hold(instance):
    path = configure(instance, header_checks="/^Subject: spam/ HOLD look\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    assert incoming(instance, queue_id) is None
    assert held(instance, queue_id)
    assert "Subject: spam offer" in postcat(instance, queue_id)
    instance.wait_log("%s: hold: header Subject: spam offer %s: look"
                      % (queue_id, TAIL))


def test_warn(instance):
    path = configure(instance, header_checks="/^Subject: spam/ WARN\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    assert "Subject: spam offer" in postcat(instance, queue_id)
    # No text: the line ends after the recipient.
    instance.wait_log("%s: warning: header Subject: spam offer %s\n"
                      % (queue_id, TAIL))


def test_ignore(instance):
    path = configure(instance, header_checks="/^X-Other:/ IGNORE\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "X-Other" not in text
    assert "Subject: spam offer" in text and "body line" in text


def test_ignore_message_id_gets_added(instance):
    path = configure(instance, header_checks="/^Message-ID:/ IGNORE\n")
    queue_id, reply = send(path, ["Message-ID: <old@x>", "", "b"])
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "<old@x>" not in text
    assert "Message-Id: <" in text


def test_prepend(instance):
    path = configure(instance,
                 header_checks="/^Subject: spam/ PREPEND X-Tag: tagged\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "X-Tag: tagged\nSubject: spam offer\n" in text


def test_prepend_bad_header_text(instance):
    path = configure(instance,
                 header_checks="/^Subject: spam/ PREPEND not a header\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    assert "not a header" not in postcat(instance, queue_id)
    instance.wait_log("bad PREPEND header text")


def test_replace(instance):
    path = configure(instance, header_checks=(
        "/^Subject: spam (.*)/ REPLACE Subject: [SPAM] $1\n"))
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "Subject: [SPAM] offer\n" in text
    assert "Subject: spam offer" not in text


def test_redirect(instance):
    path = configure(instance,
                 header_checks="/^Subject: spam/ REDIRECT trap@example.net\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "named_attribute: redirect_to=trap@example.net" in text
    assert text.index("redirect_to=") > text.index("body line")
    instance.wait_log("%s: redirect: header Subject: spam offer %s: "
                      "trap@example.net" % (queue_id, TAIL))


def test_filter(instance):
    path = configure(instance, header_checks=(
        "/^Subject: spam/ FILTER scan:[127.0.0.1]:10025\n"))
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "named_attribute: content_filter=scan:[127.0.0.1]:10025" in text
    instance.wait_log("%s: filter: header Subject: spam offer %s: "
                      "scan:[127.0.0.1]:10025" % (queue_id, TAIL))


def test_filter_without_destination_is_refused(instance):
    path = configure(instance, header_checks="/^Subject: spam/ FILTER nocolon\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    assert "content_filter" not in postcat(instance, queue_id)
    instance.wait_log("bad FILTER command nocolon in header_checks")


def test_info(instance):
    path = configure(instance, header_checks="/^Subject: spam/ INFO seen it\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    assert "Subject: spam offer" in postcat(instance, queue_id)
    instance.wait_log("%s: info: header Subject: spam offer %s: seen it"
                      % (queue_id, TAIL))


def test_dunno_stops_the_search(instance):
    path = configure(instance, header_checks=(
        "/^Subject: spam offer/ DUNNO\n/^Subject:/ REJECT\n"
        "/^X-Other/ OK\n"))
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "Subject: spam offer" in text and "X-Other: keep" in text


def test_bcc(instance):
    path = configure(instance, header_checks="/^Subject: spam/ BCC c@example.net\n")
    queue_id, reply = send(path, MSG)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "recipient: c@example.net" in text
    assert text.index("recipient: c@example.net") > text.index("body line")


def test_multiline_header(instance):
    path = configure(instance, header_checks=(
        "/^Subject: one[[:cntrl:]]{2}two$/ REJECT\n"))
    queue_id, reply = send(path, ["Subject: one", "\ttwo", "", "b"])
    assert reply["status"] == STAT_CONT
    instance.wait_log("%s: reject: header Subject: one??two from local"
                      % queue_id)


def test_unreadable_table_defers(instance):
    instance.write_main_cf(header_checks="regexp:/nonexistent/checks")
    path = start(instance)
    queue_id, reply = send(path, MSG)
    assert reply["status"] == STAT_DEFER
    assert incoming(instance, queue_id) is None
    instance.wait_log("%s: header_checks map lookup problem" % queue_id)
    # Without the filter flag no table is needed.
    queue_id, reply = send(path, MSG, flags=0)
    assert reply["status"] == 0


def test_body_reject(instance):
    path = configure(instance, body_checks="/^more body$/ REJECT bad body\n")
    queue_id, reply = send(path, MSG)
    assert reply == {"status": STAT_CONT, "reason": "5.7.1 bad body"}
    instance.wait_log("%s: reject: body more body %s: 5.7.1 bad body"
                      % (queue_id, TAIL))


def test_body_ignore_replace_prepend(instance):
    path = configure(instance, body_checks=(
        "/^body line$/ IGNORE\n/^more (.*)/ REPLACE less $1\n"
        "/^third/ PREPEND before third\n"))
    queue_id, reply = send(path, MSG + ["third"])
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "body line" not in text
    assert "less body\nbefore third\nthird\n" in text


def test_body_checks_size_limit(instance):
    instance.write_main_cf(body_checks_size_limit="100")
    path = configure(instance, body_checks="/^late/ REJECT\n")
    queue_id, reply = send(path, ["Subject: x", ""] + ["x" * 60] * 3
                           + ["late"])
    assert reply["status"] == 0
    assert "late" in postcat(instance, queue_id)


MIME = ["Subject: mime", "MIME-Version: 1.0",
        "Content-Type: multipart/mixed;", '\tboundary="BB"', "",
        "preamble", "--BB", "Content-Type: text/plain", "X-Part: p1", "",
        "part one", "--BB", "Content-Type: message/rfc822", "",
        "Subject: inner", "From: inner@example.org", "", "inner body",
        "--BB--", "epilogue"]


def test_mime_header_checks(instance):
    path = configure(instance, mime_header_checks=(
        "/^Content-Type: text\\/plain/ WARN mime\n/^X-Part/ IGNORE\n"),
                 header_checks="/^X-Part/ REJECT\n")
    queue_id, reply = send(path, MIME)
    assert reply["status"] == 0
    text = postcat(instance, queue_id)
    assert "X-Part" not in text
    assert "Subject: inner" in text and "part one" in text
    instance.wait_log("%s: warning: header Content-Type: text/plain %s: mime"
                      % (queue_id, TAIL))


def test_mime_header_default_is_header_checks(instance):
    path = configure(instance, header_checks="/^X-Part: p1/ REJECT part\n")
    queue_id, reply = send(path, MIME)
    assert reply == {"status": STAT_CONT, "reason": "5.7.1 part"}


def test_nested_header_checks(instance):
    path = configure(instance, nested_header_checks="/^Subject: inner/ HOLD\n",
                 header_checks="/^Subject: spam/ REJECT\n")
    queue_id, reply = send(path, MIME)
    assert reply["status"] == 0
    assert held(instance, queue_id)
    instance.wait_log("%s: hold: header Subject: inner %s"
                      % (queue_id, TAIL))


def test_body_checks_see_only_body(instance):
    # Part headers are not body lines; the part's text is.
    path = configure(instance, body_checks=(
        "/^X-Part/ REJECT header as body\n/^part one/ WARN body\n"),
                 header_checks="/^nothing/ DUNNO\n")
    queue_id, reply = send(path, MIME)
    assert reply["status"] == 0
    instance.wait_log("%s: warning: body part one" % queue_id)


def test_disable_mime_input_processing_off(instance):
    # The default: a body part header is a MIME header.
    path = configure(instance,
                     mime_header_checks="/^X-Part: p1/ REJECT part header\n")
    queue_id, reply = send(path, MIME)
    assert reply == {"status": STAT_CONT, "reason": "5.7.1 part header"}


def test_disable_mime_input_processing(instance):
    # With yes, cleanup ignores the MIME structure: the primary headers
    # (Content-Type too) go to header_checks, never to mime_header_checks,
    # and part headers and the attached message are body text.
    instance.write_main_cf(disable_mime_input_processing="yes")
    path = configure(instance,
                     mime_header_checks=("/^X-Part: p1/ REJECT part header\n"
                                         "/^Content-Type/ REJECT mime\n"),
                     nested_header_checks="/^Subject: inner/ REJECT nested\n",
                     header_checks="/^Content-Type: multipart/ WARN top\n",
                     body_checks=("/^X-Part: p1/ WARN part as body\n"
                                  "/^Subject: inner/ WARN inner as body\n"))
    queue_id, reply = send(path, MIME)
    assert reply["status"] == 0, reply
    text = postcat(instance, queue_id)
    assert "X-Part: p1" in text and "Subject: inner" in text
    instance.wait_log("%s: warning: header Content-Type: multipart/mixed;"
                      % queue_id)
    instance.wait_log("%s: warning: body X-Part: p1 %s: part as body"
                      % (queue_id, TAIL))
    instance.wait_log("%s: warning: body Subject: inner %s: inner as body"
                      % (queue_id, TAIL))
