"""
test_cleanup_rewrite.py - cleanup(8) address rewriting on a private instance

Canonical mapping (canonical_maps, sender_/recipient_canonical_maps and
their *_classes), masquerading (masquerade_domains with "!" entries and
masquerade_exceptions, masquerade_classes) and virtual alias expansion
(1:1, 1:many, recursion, the limits, address extensions, an address
that maps to itself), from the examples of ADDRESS_REWRITING_README,
canonical(5) and virtual(5). Each case submits one message with the
map-ok flag that pickup and smtpd set, and checks the envelope and the
headers that postcat shows. The helpers come from test_cleanup.py.
"""

import os

import pytest

from test_cleanup import incoming, message, postcat, start, submit

FLAG_MAP_OK = 1 << 5
STAT_DEFER = 1 << 6

# myorigin = host.example.com, which is also in mydestination.
H = "host.example.com"


def table(instance, name, text):
    path = os.path.join(instance.etc, name)
    with open(path, "w") as f:
        f.write(text)
    return "texthash:" + path


def run(instance, settings, tables, sender, rcpts, headers,
        flags=FLAG_MAP_OK):
    for name, text in tables.items():
        settings[name] = table(instance, name, text)
    instance.write_main_cf(**settings)
    path = start(instance)
    queue_id, reply = submit(path, message(
        sender, rcpts, headers + ["", "body"],
        attrs=["userid=1001"]), flags=flags)
    return queue_id, reply


def envelope(text):
    """sender and recipients of a postcat listing."""
    sender = None
    rcpts = []
    for line in text.splitlines():
        if line.startswith("sender: "):
            sender = line[len("sender: "):]
        elif line.startswith("recipient: "):
            rcpts.append(line[len("recipient: "):])
    return sender, sorted(rcpts)


# Each case: id, main.cf settings, tables, sender, recipients, headers,
# expected sender, expected recipients, header lines expected (and not).
CASES = [
    # ADDRESS_REWRITING_README "Canonical address mapping":
    # wietse -> Wietse.Venema, for user, user@$myorigin and headers.
    ("canonical_user", {"recipient_delimiter": "+"},
     {"canonical_maps": "wietse Wietse.Venema\n"},
     "wietse", ["wietse", "wietse+ext@" + H],
     ["From: Wietse <wietse@%s>" % H, "To: wietse@%s" % H],
     "Wietse.Venema@" + H,
     ["Wietse.Venema+ext@" + H, "Wietse.Venema@" + H],
     ["From: Wietse <Wietse.Venema@%s>" % H,
      "To: Wietse.Venema@%s" % H], []),
    # user@domain and @domain forms; @domain keeps the local part.
    ("canonical_domain", {},
     {"canonical_maps": "joe@old.example joseph@new.example\n"
                        "@old.example @new.example\n"},
     "joe@old.example", ["ann@old.example", "bob@other.example"],
     ["Cc: \"Ann A.\" <ann@old.example>, bob@other.example"],
     "joseph@new.example", ["ann@new.example", "bob@other.example"],
     ['Cc: "Ann A." <ann@new.example>, bob@other.example'], []),
    # sender_canonical_maps do not touch recipients, and the other way.
    ("sender_recipient_canonical", {},
     {"sender_canonical_maps": "@old.example @sender.example\n",
      "recipient_canonical_maps": "@old.example @rcpt.example\n"},
     "joe@old.example", ["ann@old.example"],
     ["From: joe@old.example", "To: ann@old.example",
      "Reply-To: help@old.example"],
     "joe@sender.example", ["ann@rcpt.example"],
     ["From: joe@sender.example", "To: ann@rcpt.example",
      "Reply-To: help@sender.example"], []),
    # canonical_classes: envelope only, headers untouched.
    ("canonical_classes", {"canonical_classes": "envelope_sender"},
     {"canonical_maps": "@old.example @new.example\n"},
     "joe@old.example", ["ann@old.example"],
     ["From: joe@old.example", "To: ann@old.example"],
     "joe@new.example", ["ann@old.example"],
     ["From: joe@old.example", "To: ann@old.example"], []),
    # Extensions: propagate_unmatched_extensions without canonical.
    ("canonical_no_propagate",
     {"recipient_delimiter": "+",
      "propagate_unmatched_extensions": "virtual"},
     {"canonical_maps": "joe@x.example joseph@y.example\n"},
     "alice", ["joe+list@x.example"], [],
     "alice@" + H, ["joseph@y.example"], [], []),
    # ADDRESS_REWRITING_README "Address masquerading".
    ("masquerade", {"masquerade_domains": "example.com"},
     {}, "alice", ["bob@" + H],
     ["From: alice@%s" % H, "To: bob@%s" % H],
     "alice@example.com", ["bob@" + H],
     ["From: alice@example.com", "To: bob@example.com"], []),
    # masquerade_exceptions = root; and envelope_recipient when asked.
    ("masquerade_exceptions",
     {"masquerade_domains": "example.com",
      "masquerade_exceptions": "root",
      "masquerade_classes": "envelope_sender, envelope_recipient"},
     {}, "root", ["bob@" + H, "root@" + H],
     ["From: bob@%s" % H],
     "root@" + H, ["bob@example.com", "root@" + H],
     ["From: bob@%s" % H], []),
    # "!" exceptions come before the parent domain they exclude.
    ("masquerade_not",
     {"masquerade_domains": "!sub.example.com, example.com",
      "masquerade_classes": "envelope_sender, envelope_recipient"},
     {}, "joe@a.sub.example.com", ["ann@b.other.example.com",
                                   "sue@sub.example.com"], [],
     "joe@a.sub.example.com", ["ann@example.com", "sue@sub.example.com"],
     [], []),
    # Virtual aliasing: 1:1, 1:many, recursion, an address that maps to
    # itself, extensions (virtual(5) examples).
    ("virtual", {"recipient_delimiter": "+"},
     {"virtual_alias_maps":
      "virtual.example anything\n"
      "postmaster@virtual.example postmaster\n"
      "info@virtual.example joe@x.example\n"
      "sales@virtual.example a@x.example, b@y.example\n"
      "a@x.example aa@z.example\n"
      "self@virtual.example self@virtual.example, copy@x.example\n"
      "@catch.example catchall@x.example\n"},
     "alice", ["postmaster@virtual.example", "info+foo@virtual.example",
               "sales@virtual.example", "self@virtual.example",
               "who@catch.example"],
     ["To: info@virtual.example"],
     "alice@" + H,
     sorted(["postmaster@" + H, "joe+foo@x.example", "aa@z.example",
             "b@y.example", "self@virtual.example", "copy@x.example",
             "catchall@x.example"]),
     # virtual aliasing is for the envelope only.
     ["To: info@virtual.example"], []),
    # Without map-ok (bounces, forwarded mail) nothing is mapped.
    ("no_map_ok", {"masquerade_domains": "example.com"},
     {"canonical_maps": "wietse Wietse.Venema\n",
      "virtual_alias_maps": "bob@%s robert@x.example\n" % H},
     "wietse", ["bob"], ["From: wietse@%s" % H],
     "wietse@" + H, ["bob@" + H], ["From: wietse@%s" % H], []),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rewrite(instance, case):
    (_, settings, tables, sender, rcpts, headers, want_sender,
     want_rcpts, want_headers, not_headers) = case
    flags = 0 if case[0] == "no_map_ok" else FLAG_MAP_OK
    queue_id, reply = run(instance, dict(settings), tables, sender, rcpts,
                          headers, flags)
    assert reply["status"] == 0, reply
    text = postcat(instance, queue_id)
    assert envelope(text) == (want_sender, sorted(want_rcpts)), text
    for line in want_headers:
        assert line in text.splitlines(), (line, text)
    for line in not_headers:
        assert line not in text, (line, text)


LIMIT_CASES = [
    ("recursion", {"virtual_alias_recursion_limit": "2"},
     "a@v.example b@v.example\nb@v.example c@v.example\n"
     "c@v.example d@x.example\n", "nesting"),
    ("loop", {}, "a@v.example b@v.example\nb@v.example a@v.example\n",
     "nesting"),
    ("expansion", {"virtual_alias_expansion_limit": "2"},
     "a@v.example x@x.example, y@x.example, z@x.example\n",
     "expansion size"),
]


@pytest.mark.parametrize("case", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_virtual_limits(instance, case):
    _, settings, text, what = case
    queue_id, reply = run(instance, dict(settings),
                          {"virtual_alias_maps": text}, "alice",
                          ["a@v.example"], [])
    assert reply["status"] == STAT_DEFER, reply
    assert "4.6.0" in reply["reason"]
    assert incoming(instance, queue_id) is None
    instance.wait_log("%s: unreasonable virtual_alias_maps map %s for "
                      "a@v.example -- message not accepted"
                      % (queue_id, what))


def test_virtual_recursion_within_limit(instance):
    # Four lookups: three that match and one for the final address.
    queue_id, reply = run(instance, {"virtual_alias_recursion_limit": "4"},
                          {"virtual_alias_maps":
                           "a@v.example b@v.example\n"
                           "b@v.example c@v.example\n"
                           "c@v.example d@x.example\n"},
                          "alice", ["a@v.example"], [])
    assert reply["status"] == 0, reply
    assert envelope(postcat(instance, queue_id))[1] == ["d@x.example"]


def test_table_failure_defers(instance):
    """A table that cannot answer defers; nothing is queued."""
    queue_id, reply = run(instance, {"canonical_maps": "fail:broken"}, {},
                          "alice", ["bob"], [])
    assert reply["status"] == STAT_DEFER, reply
    assert "canonical_maps map lookup problem" in reply["reason"]
    assert incoming(instance, queue_id) is None
    instance.wait_log("%s: canonical_maps map lookup problem for "
                      "alice@%s" % (queue_id, H))


# local_header_rewrite_clients: header addresses in canonical form.
HDR_REWRITE = ["From: joe", "To: ann, bob@x", "Cc: Carol <carol>",
               "Reply-To: dave@y.example"]


def run_header_rewrite(instance, settings, attrs):
    instance.write_main_cf(**settings)
    path = start(instance)
    queue_id, reply = submit(path, message(
        "joe", ["ann"], HDR_REWRITE + ["", "body"], attrs=attrs),
        flags=FLAG_MAP_OK)
    assert reply["status"] == 0, reply
    return postcat(instance, queue_id).splitlines()


def test_header_rewrite_local(instance):
    # A pickup-style submission (no client_address) is local.
    lines = run_header_rewrite(instance, {"append_dot_mydomain": "no"},
                               ["userid=1001"])
    assert "From: joe@%s" % H in lines
    assert "To: ann@%s, bob@x" % H in lines
    assert "Cc: Carol <carol@%s>" % H in lines
    assert "Reply-To: dave@y.example" in lines


def test_header_rewrite_local_dot_mydomain(instance):
    lines = run_header_rewrite(instance, {"append_dot_mydomain": "yes"},
                               ["userid=1001"])
    assert "To: ann@%s, bob@x.example.com" % H in lines


@pytest.mark.parametrize("remote_domain,want", [
    ("", HDR_REWRITE),
    ("remote.example", ["From: joe@remote.example",
                        "To: ann@remote.example, bob@x.remote.example",
                        "Cc: Carol <carol@remote.example>",
                        "Reply-To: dave@y.example"]),
])
def test_header_rewrite_remote(instance, remote_domain, want):
    lines = run_header_rewrite(
        instance, {"remote_header_rewrite_domain": remote_domain,
                   "append_dot_mydomain": "yes"},
        ["client_name=mx.example.org", "client_address=198.51.100.7",
         "protocol_name=ESMTP"])
    for line in want:
        assert line in lines, (line, lines)


@pytest.mark.parametrize("clients,attrs", [
    ("permit_mynetworks", ["client_address=198.51.100.7"]),
    ("permit_sasl_authenticated",
     ["client_address=203.0.113.5", "sasl_username=joe"]),
    ("static:all", ["client_address=203.0.113.5"]),
    ("permit_inet_interfaces", ["client_address=127.0.0.1"]),
])
def test_header_rewrite_clients(instance, clients, attrs):
    lines = run_header_rewrite(
        instance, {"local_header_rewrite_clients": clients,
                   "mynetworks": "198.51.100.0/24",
                   "append_dot_mydomain": "no"}, attrs)
    assert "From: joe@%s" % H in lines, lines
    assert "To: ann@%s, bob@x" % H in lines, lines


def test_inline_table_with_several_entries(instance):
    """A list of tables keeps "{...}" whole: an inline: table with
    several entries (commas and spaces inside the braces) works in
    cleanup's virtual_alias_maps, as in smtpd and Postfix."""
    settings = {"virtual_alias_maps": "inline:{ a@v.example=x@x.example, "
                "{ b@v.example = y@x.example, z@x.example } }"}
    queue_id, reply = run(instance, settings, {}, "s@x.example",
                          ["a@v.example", "b@v.example"], ["Subject: x"])
    assert reply["status"] == 0, reply
    text = postcat(instance, queue_id)
    assert envelope(text)[1] == ["x@x.example", "y@x.example",
                                 "z@x.example"], text
