/*
 * rewrite_addr_test.c - unit tests for the rewrite and resolve rules
 *
 * Table-driven cases from ADDRESS_REWRITING_README (canonical form:
 * myorigin, mydomain, bang paths, the percent hack, source routes,
 * trailing dots) and ADDRESS_CLASS_README (local, virtual alias,
 * virtual mailbox, relay and default classes, relayhost,
 * transport_maps), with domain tables as small fixed lists.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "map.h"
#include "rewrite_addr.h"

/* test_rewrite_local - the "local" rule set with Postfix defaults */

static void
test_rewrite_local(void **state)
{
	static const REWRITE_CONF on = {"example.com", "example.com", 1, 1, 1, 1};
	static const REWRITE_CONF off = {"example.com", "example.com", 0, 0, 0, 0};
	static const REWRITE_CONF remote_empty = {"", "", 1, 1, 1, 1};
	static const struct {
		const REWRITE_CONF *conf;
		const char *in;
		const char *out;
	} t[] = {
		{&on, "", ""},
		{&on, "user", "user@example.com"},
		{&on, "user@host", "user@host.example.com"},
		{&on, "user@host.other", "user@host.other"},
		{&on, "user@host.other.", "user@host.other"},
		{&on, "user@[1.2.3.4]", "user@[1.2.3.4]"},
		{&on, "host!user", "user@host.example.com"},
		{&on, "a!b!user", "b!user@a.example.com"},
		{&on, "user%domain.org", "user@domain.org"},
		{&on, "user%a%b", "user%a@b.example.com"},
		{&on, "@r1,@r2:user@dom.org", "user@dom.org"},
		{&on, "\"a@b\"@c.org", "\"a@b\"@c.org"},
		{&on, "\"a@b\"", "\"a@b\"@example.com"},
		{&on, "\"a!b\"", "\"a!b\"@example.com"},
		{&on, "\"a%b\"", "\"a%b\"@example.com"},
		{&on, "a\\@b", "a\\@b@example.com"},
		{&off, "user", "user"},
		{&off, "host!user", "host!user"},
		{&off, "user%domain", "user%domain"},
		{&off, "user@host", "user@host"},
		{&remote_empty, "user", "user"},
		{&remote_empty, "user@host", "user@host"},
	};
	STRBUF *out = strbuf_create(10);
	size_t  n;

	(void) state;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		rewrite_addr(t[n].conf, t[n].in, out);
		if (strcmp(strbuf_str(out), t[n].out) != 0)
			fail_msg("%s: got %s, want %s", t[n].in, strbuf_str(out),
				 t[n].out);
	}
	strbuf_free(&out);
}

/* test_domain_class - fixed domain lists for the resolve tests */

static int
test_domain_class(void *context, const char *domain)
{
	(void) context;
	if (strcmp(domain, "host.example.com") == 0
	    || strcmp(domain, "localhost") == 0
	    || strcmp(domain, "[127.0.0.1]") == 0)
		return RESOLVE_CLASS_LOCAL;
	if (strcmp(domain, "alias.example") == 0)
		return RESOLVE_CLASS_ALIAS;
	if (strcmp(domain, "vmail.example") == 0)
		return RESOLVE_CLASS_VIRTUAL;
	if (strcmp(domain, "relay.example") == 0)
		return RESOLVE_CLASS_RELAY;
	if (strcmp(domain, "broken.example") == 0)
		return -1;
	return RESOLVE_CLASS_DEFAULT;
}

/* test_transport - a transport_maps table */

static int
test_transport(void *context, const char *key, STRBUF *value)
{
	static const char *t[][2] = {
		{"special@remote.example", "smtp:[mx.special]:2525"},
		{"user@plus.example", "lmtp:unix:/lmtp"},
		{"remote.example", ":[gateway.example]"},
		{".sub.example", "uucp:"},
		{"retry.example", 0},
	};
	size_t  n;

	(void) context;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		if (strcmp(key, t[n][0]) == 0) {
			if (t[n][1] == 0)
				return MAP_RETRY;
			strbuf_set(value, t[n][1]);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* test_resolve - address classes and next hops */

static void
test_resolve(void **state)
{
	static const struct {
		const char *relayhost;
		int	use_transport;
		const char *in;
		const char *transport, *nexthop, *rcpt;
		int	flags;
	} t[] = {
		{"", 0, "user@host.example.com", "local", "host.example.com",
		 "user@host.example.com",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{"", 0, "user", "local", "host.example.com",
		 "user@host.example.com",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{"", 0, "User@LocalHost.", "local", "host.example.com",
		 "User@LocalHost", RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{"", 0, "user@[127.0.0.1]", "local", "host.example.com",
		 "user@[127.0.0.1]", RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{"", 0, "a@alias.example", "error",
		 "5.1.1 User unknown in virtual alias table", "a@alias.example",
		 RESOLVE_CLASS_FLAG_ALIAS},
		{"", 0, "a@vmail.example", "virtual", "vmail.example",
		 "a@vmail.example",
		 RESOLVE_CLASS_FLAG_VIRTUAL | RESOLVE_FLAG_FINAL},
		{"", 0, "a@relay.example", "relay", "relay.example",
		 "a@relay.example", RESOLVE_CLASS_FLAG_RELAY},
		{"[gw]:587", 0, "a@relay.example", "relay", "[gw]:587",
		 "a@relay.example", RESOLVE_CLASS_FLAG_RELAY},
		{"", 0, "a@Other.Example", "smtp", "other.example",
		 "a@Other.Example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"[gw]", 0, "a@other.example", "smtp", "[gw]",
		 "a@other.example", RESOLVE_CLASS_FLAG_DEFAULT},
		/* Routing through this host: percent hack, @ in local part. */
		{"", 0, "a%other.example@host.example.com", "smtp",
		 "other.example", "a@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{"", 0, "@host.example.com:a@vmail.example", "virtual",
		 "vmail.example", "a@vmail.example",
		 RESOLVE_CLASS_FLAG_VIRTUAL | RESOLVE_FLAG_FINAL
		 | RESOLVE_FLAG_ROUTED},
		/* resolve_dequoted_address=yes: quotes do not hide a route. */
		{"", 0, "\"a@other.example\"@host.example.com", "smtp",
		 "other.example", "a@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{"", 0, "a@broken.example", "retry",
		 "4.3.0 address resolver lookup failure", "a@broken.example",
		 RESOLVE_FLAG_FAIL},
		/* transport_maps: full address, delimiter, domain, parent. */
		{"", 1, "special@remote.example", "smtp", "[mx.special]:2525",
		 "special@remote.example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"", 1, "other@remote.example", "smtp", "[gateway.example]",
		 "other@remote.example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"", 1, "user+ext@plus.example", "lmtp", "unix:/lmtp",
		 "user+ext@plus.example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"[gw]", 1, "x@a.sub.example", "uucp", "[gw]",
		 "x@a.sub.example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"", 1, "x@sub.example", "smtp", "sub.example",
		 "x@sub.example", RESOLVE_CLASS_FLAG_DEFAULT},
		{"", 1, "x@retry.example", "smtp", "retry.example",
		 "x@retry.example", RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_FAIL},
	};
	RESOLVE_REPLY reply;
	size_t  n;

	(void) state;
	resolve_reply_init(&reply);
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		RESOLVE_CONF conf = {
			.myhostname = "host.example.com",
			.local_transport = "local:host.example.com",
			.virtual_transport = "virtual",
			.relay_transport = "relay",
			.default_transport = "smtp",
			.relayhost = t[n].relayhost,
			.recipient_delimiter = "+",
			.percent_hack = 1,
			.swap_bangpath = 1,
			.domain_class = test_domain_class,
			.transport_lookup = t[n].use_transport ? test_transport : 0,
			.dequoted = 1,
		};

		resolve_addr(&conf, t[n].in, &reply);
		if (strcmp(strbuf_str(reply.transport), t[n].transport) != 0
		    || strcmp(strbuf_str(reply.nexthop), t[n].nexthop) != 0
		    || strcmp(strbuf_str(reply.recipient), t[n].rcpt) != 0
		    || reply.flags != t[n].flags)
			fail_msg("%s: got %s %s %s %#x", t[n].in,
				 strbuf_str(reply.transport),
				 strbuf_str(reply.nexthop),
				 strbuf_str(reply.recipient), (unsigned) reply.flags);
	}
	resolve_reply_free(&reply);
}

/* test_relocated_lookup - a relocated_maps table that logs its keys */

static int
test_relocated_lookup(void *context, const char *key, int partial,
		      STRBUF *value)
{
	static const char *t[][2] = {
		{"bob@host.example.com", "bob@new.example"},
		{"carol", "carol@elsewhere.example"},
		{"@gone.example", "the new office"},
		{"fail@vmail.example", 0},
	};
	STRBUF *keys = context;
	size_t  n;

	strbuf_append_printf(keys, "%s%s%s", strbuf_len(keys) ? " " : "",
			     partial ? "*" : "", key);
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		if (strcmp(key, t[n][0]) == 0) {
			if (t[n][1] == 0)
				return MAP_RETRY;
			strbuf_set(value, t[n][1]);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* test_relocated - relocated(5) search order and the 5.1.6 bounce */

static void
test_relocated(void **state)
{
	static const struct {
		const char *in;
		const char *keys;		/* "*": a partial key */
		const char *transport, *nexthop;
		int	fail;
	} t[] = {
		{"joe+ext@host.example.com", "joe+ext@host.example.com "
		 "*joe@host.example.com *joe+ext *joe *@host.example.com",
		 "local", "host.example.com", 0},
		{"joe", "joe@host.example.com *joe *@host.example.com",
		 "local", "host.example.com", 0},
		{"joe@other.example", "joe@other.example *@other.example",
		 "smtp", "other.example", 0},
		{"joe@origin.example", "joe@origin.example *joe "
		 "*@origin.example", "smtp", "origin.example", 0},
		{"bob+x@host.example.com", "bob+x@host.example.com "
		 "*bob@host.example.com", "error",
		 "5.1.6 User has moved to bob@new.example", 0},
		{"carol@localhost", "carol@localhost *carol", "error",
		 "5.1.6 User has moved to carol@elsewhere.example", 0},
		{"carol@other.example", "carol@other.example *@other.example",
		 "smtp", "other.example", 0},
		{"anyone@gone.example", "anyone@gone.example *@gone.example",
		 "error", "5.1.6 User has moved to the new office", 0},
		{"fail@vmail.example", "fail@vmail.example", "virtual",
		 "vmail.example", 1},
		{"x@broken.example", "", "retry",
		 "4.3.0 address resolver lookup failure", 1},
	};
	STRBUF *keys = strbuf_create(100);
	RESOLVE_REPLY reply;
	size_t  n;

	(void) state;
	resolve_reply_init(&reply);
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		RESOLVE_CONF conf = {
			.myhostname = "host.example.com",
			.local_transport = "local:host.example.com",
			.virtual_transport = "virtual",
			.relay_transport = "relay",
			.default_transport = "smtp",
			.relayhost = "",
			.recipient_delimiter = "+",
			.percent_hack = 1,
			.swap_bangpath = 1,
			.domain_class = test_domain_class,
			.relocated_lookup = test_relocated_lookup,
			.myorigin = "origin.example",
			.context = keys,
			.dequoted = 1,
		};

		strbuf_reset(keys);
		resolve_addr(&conf, t[n].in, &reply);
		if (strcmp(strbuf_str(keys), t[n].keys) != 0
		    || strcmp(strbuf_str(reply.transport), t[n].transport) != 0
		    || strcmp(strbuf_str(reply.nexthop), t[n].nexthop) != 0
		    || ((reply.flags & RESOLVE_FLAG_FAIL) != 0) != t[n].fail)
			fail_msg("%s: keys [%s] got %s [%s] %#x", t[n].in,
				 strbuf_str(keys), strbuf_str(reply.transport),
				 strbuf_str(reply.nexthop),
				 (unsigned) reply.flags);
	}
	resolve_reply_free(&reply);
	strbuf_free(&keys);
}

/* test_resolve_options - null/numeric domains, dequoting, literals */

static void
test_resolve_options(void **state)
{
	static const struct {
		int	null_domain, numeric_domain, dequoted;
		const char *in;
		const char *transport, *rcpt;
		int	flags;
	} t[] = {
		{0, 0, 1, "user@", "smtp", "user@",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ERROR},
		{1, 0, 1, "user@", "local", "user@host.example.com",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{0, 0, 1, "user@127.0.0.1", "smtp", "user@127.0.0.1",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ERROR},
		{0, 1, 1, "user@127.0.0.1", "local", "user@[127.0.0.1]",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{0, 1, 1, "user@192.0.2.9", "smtp", "user@[192.0.2.9]",
		 RESOLVE_CLASS_FLAG_DEFAULT},
		{0, 0, 1, "user@host9.example", "smtp", "user@host9.example",
		 RESOLVE_CLASS_FLAG_DEFAULT},
		{0, 0, 1, "a@other.example@localhost", "smtp", "a@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{0, 0, 0, "a@other.example@localhost", "local",
		 "a@other.example@localhost",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{0, 0, 0, "\"a@other.example\"@localhost", "local",
		 "\"a@other.example\"@localhost",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{0, 0, 0, "a%other.example@localhost", "smtp", "a@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{0, 0, 0, "\"a%other.example\"@localhost", "local",
		 "\"a%other.example\"@localhost",
		 RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL},
		{0, 0, 1, "\"a%other.example\"@localhost", "smtp",
		 "a@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		/* Routing operators left for a non-local next hop. */
		{0, 0, 1, "user%remote.example@relay.example", "relay",
		 "user%remote.example@relay.example",
		 RESOLVE_CLASS_FLAG_RELAY | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "host!user@relay.example", "relay",
		 "host!user@relay.example",
		 RESOLVE_CLASS_FLAG_RELAY | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "\"user@remote.example\"@relay.example", "relay",
		 "\"user@remote.example\"@relay.example",
		 RESOLVE_CLASS_FLAG_RELAY | RESOLVE_FLAG_ROUTED},
		{0, 0, 0, "\"user@remote.example\"@relay.example", "relay",
		 "\"user@remote.example\"@relay.example",
		 RESOLVE_CLASS_FLAG_RELAY | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "user@remote.example@other.example", "smtp",
		 "user@remote.example@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "a\\%b@other.example", "smtp", "a\\%b@other.example",
		 RESOLVE_CLASS_FLAG_DEFAULT | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "u%x@vmail.example", "virtual", "u%x@vmail.example",
		 RESOLVE_CLASS_FLAG_VIRTUAL | RESOLVE_FLAG_FINAL
		 | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "u!x@alias.example", "error", "u!x@alias.example",
		 RESOLVE_CLASS_FLAG_ALIAS | RESOLVE_FLAG_ROUTED},
		{0, 0, 1, "user.name+ext@relay.example", "relay",
		 "user.name+ext@relay.example", RESOLVE_CLASS_FLAG_RELAY},
		{0, 0, 1, "\"a b\"@relay.example", "relay",
		 "\"a b\"@relay.example", RESOLVE_CLASS_FLAG_RELAY},
	};
	RESOLVE_REPLY reply;
	size_t  n;

	(void) state;
	resolve_reply_init(&reply);
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		RESOLVE_CONF conf = {
			.myhostname = "host.example.com",
			.local_transport = "local:host.example.com",
			.virtual_transport = "virtual",
			.relay_transport = "relay",
			.default_transport = "smtp",
			.relayhost = "",
			.recipient_delimiter = "+",
			.percent_hack = 1,
			.swap_bangpath = 1,
			.domain_class = test_domain_class,
			.null_domain = t[n].null_domain,
			.numeric_domain = t[n].numeric_domain,
			.dequoted = t[n].dequoted,
		};

		resolve_addr(&conf, t[n].in, &reply);
		if (strcmp(strbuf_str(reply.transport), t[n].transport) != 0
		    || strcmp(strbuf_str(reply.recipient), t[n].rcpt) != 0
		    || reply.flags != t[n].flags)
			fail_msg("%s: got %s %s %#x", t[n].in,
				 strbuf_str(reply.transport),
				 strbuf_str(reply.recipient), (unsigned) reply.flags);
	}
	resolve_reply_free(&reply);
}

/* test_literal_local - inet_interfaces and proxy_interfaces literals */

static void
test_literal_local(void **state)
{
	static const struct {
		const char *domain, *interfaces;
		int	want;
	} t[] = {
		{"[192.0.2.1]", "127.0.0.1 192.0.2.1", 1},
		{"[192.0.2.1]", "127.0.0.1, 198.51.100.7", 0},
		{"[198.51.100.7]", "all 198.51.100.7", 1},
		{"[127.0.0.1]", "all", 1},
		{"[127.0.0.1]", "loopback-only", 1},
		{"[127.0.0.1]", "192.0.2.1", 0},
		{"[ipv6:2001:db8::1]", "127.0.0.1 2001:DB8:0::1", 1},
		{"[IPv6:::1]", "all", 1},
		{"192.0.2.1", "192.0.2.1", 0},
		{"[]", "192.0.2.1", 0},
		{"[192.0.2.10]", "192.0.2.1", 0},
	};
	size_t  n;

	(void) state;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++)
		if (rewrite_addr_literal_local(t[n].domain, t[n].interfaces)
		    != t[n].want)
			fail_msg("%s in %s: want %d", t[n].domain,
				 t[n].interfaces, t[n].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_local),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_relocated),
		cmocka_unit_test(test_resolve_options),
		cmocka_unit_test(test_literal_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
