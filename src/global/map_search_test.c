/*
 * map_search_test.c - unit tests for access-style searches (access(5))
 *
 * A recording table type ("trace") logs every key it is asked for, so
 * that each case can check the exact key order against access(5) and
 * Postfix's smtpd: which keys, in which order, which go to pattern
 * tables, how keys are case-folded, and where the search stops. Real
 * inline, regexp and cidr tables then check the documented examples.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "map_search.h"

static STRBUF *trace;			/* "name:key|" per lookup */
static STRBUF *logged;			/* warnings */

/* A table that records its lookups and knows a few keys. */
typedef struct TRACE_MAP {
	MAP	map;
	const char *const *entries;	/* key, value, ..., NULL */
	const char *retry_key;		/* this key cannot be answered */
} TRACE_MAP;

/* capture - extra log output: keep warnings */

static void
capture(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* trace_lookup - record the key, answer from the entries */

static int
trace_lookup(MAP *map, const char *key, STRBUF *value)
{
	TRACE_MAP *tm = (TRACE_MAP *) map;
	const char *const *ep;

	strbuf_append_printf(trace, "%s:%s|", map->name, key);
	if (tm->retry_key && strcmp(key, tm->retry_key) == 0) {
		strbuf_set(map->why, "server unavailable");
		return MAP_RETRY;
	}
	for (ep = tm->entries; ep && *ep; ep += 2) {
		if (strcmp(*ep, key) == 0) {
			strbuf_set(value, ep[1]);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* trace_map - a recording table; kind is MAP_F_FIXED or MAP_F_PATTERN */

static MAP *
trace_map(const char *name, int kind, const char *const *entries)
{
	TRACE_MAP *tm;

	tm = (TRACE_MAP *) map_alloc("trace", name, sizeof(*tm), O_RDONLY,
				     kind);
	tm->entries = entries;
	tm->map.lookup = trace_lookup;
	return &tm->map;
}

/* open_ok - open a real table that must open */

static MAP *
open_ok(const char *spec)
{
	STRBUF *why = strbuf_create(10);
	MAP    *map = map_open(spec, O_RDONLY, 0, why);

	if (map == NULL)
		fail_msg("open %s: %s", spec, strbuf_str(why));
	strbuf_free(&why);
	return map;
}

#define PARENT	MAP_SEARCH_F_PARENT
#define DOT	0
#define F	"F:"			/* prefix of a fixed-table trace */

/* test_parent_style - parent_domain_matches_subdomains membership */

static void
test_parent_style(void **state)
{
	static const char deflt[] = "debug_peer_list,fast_flush_domains,"
	    "mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,"
	    "relay_domains,smtpd_access_maps";

	assert_int_equal(map_search_parent_style(deflt, "smtpd_access_maps"),
			 MAP_SEARCH_F_PARENT);
	assert_int_equal(map_search_parent_style(deflt, "mynetworks"),
			 MAP_SEARCH_F_PARENT);
	assert_int_equal(map_search_parent_style(deflt, "transport_maps"), 0);
	assert_int_equal(map_search_parent_style(deflt, "smtpd_access"), 0);
	assert_int_equal(map_search_parent_style(
	    " a\n\tSMTPD_Access_Maps ,b", "smtpd_access_maps"),
			 MAP_SEARCH_F_PARENT);
	assert_int_equal(map_search_parent_style("", "smtpd_access_maps"), 0);
	assert_int_equal(map_search_parent_style(NULL, "smtpd_access_maps"), 0);
}

/* test_strip_ext - recipient_delimiter splitting, Postfix's exceptions */

static void
test_strip_ext(void **state)
{
	static const struct {
		const char *address;
		const char *delims;
		int	flags;
		const char *bare;	/* NULL: nothing stripped */
	} t[] = {
		{ "user+foo@example.com", "+", 0, "user@example.com" },
		{ "user@example.com", "+", 0, NULL },
		{ "user+foo@example.com", "", 0, NULL },
		{ "user+foo@example.com", NULL, 0, NULL },
		{ "user+foo+bar@d", "+", 0, "user@d" },
		{ "user-foo@d", "+-", 0, "user@d" },
		{ "user+foo-bar@d", "-+", 0, "user@d" },
		{ "user-foo+bar@d", "+", 0, "user-foo@d" },
		{ "user+@d", "+", 0, "user@d" },
		{ "+foo@d", "+", 0, NULL },
		{ "user+foo", "+", 0, "user" },
		{ "user@do+main", "+", 0, NULL },
		{ "a+b@c@d", "+", 0, "a@d" },
		/* Never split: postmaster, mailer-daemon, double-bounce. */
		{ "poster@d", "t", 0, "pos@d" },
		{ "postmaster@d", "t", 0, NULL },
		{ "PostMaster@d", "t", 0, NULL },
		{ "postmaster+x@d", "+", 0, "postmaster@d" },
		{ "mailer-daemon@d", "-", 0, NULL },
		{ "MAILER-DAEMON", "-", 0, NULL },
		{ "double-bounce@d", "-", 0, NULL },
		/* owner-* and *-request, only when '-' is a delimiter. */
		{ "owner-list@d", "-", 0, NULL },
		{ "OWNER-list@d", "+-", 0, NULL },
		{ "owner-list@d", "-", MAP_SEARCH_F_NO_OWNREQ, "owner@d" },
		{ "list-request@d", "-", 0, NULL },
		{ "list-REQUEST@d", "-", 0, NULL },
		{ "list-request@d", "-", MAP_SEARCH_F_NO_OWNREQ, "list@d" },
		{ "x-request@d", "-", 0, NULL },
		{ "owner-list+x@d", "+", 0, "owner-list@d" },
		{ "owner-list+x@d", "+-", 0, NULL },
		{ "list-request+x@d", "+", 0, "list-request@d" },
	};
	STRBUF *bare = strbuf_create(10);
	size_t	i;
	int	stripped;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_set(bare, "untouched");
		stripped = map_search_strip_ext(t[i].address, t[i].delims,
						t[i].flags, bare);
		if (t[i].bare == NULL) {
			if (stripped != 0)
				fail_msg("%s: stripped to %s", t[i].address,
					 strbuf_str(bare));
			assert_string_equal(strbuf_str(bare), "untouched");
		} else {
			if (stripped != 1)
				fail_msg("%s: not stripped", t[i].address);
			assert_string_equal(strbuf_str(bare), t[i].bare);
		}
	}
	strbuf_free(&bare);
}

/* test_address_order - every key of an address search, in order */

static void
test_address_order(void **state)
{
	static const struct {
		const char *address;
		const char *delims;
		int	flags;
		const char *keys;
	} t[] = {
		/* access(5) EMAIL ADDRESS EXTENSION, both parent styles. */
		{ "user+ext@sub.example.com", "+", PARENT,
		  F "user+ext@sub.example.com|" F "user@sub.example.com|"
		  F "sub.example.com|" F "example.com|" F "com|"
		  F "user+ext@|" F "user@|" },
		{ "user+ext@sub.example.com", "+", DOT,
		  F "user+ext@sub.example.com|" F "user@sub.example.com|"
		  F "sub.example.com|" F ".example.com|" F ".com|"
		  F "user+ext@|" F "user@|" },
		/* No extension, or extensions not enabled. */
		{ "user@example.com", "+", PARENT,
		  F "user@example.com|" F "example.com|" F "com|" F "user@|" },
		{ "user+ext@example.com", "", PARENT,
		  F "user+ext@example.com|" F "example.com|" F "com|"
		  F "user+ext@|" },
		{ "user+ext@example.com", "-", DOT,
		  F "user+ext@example.com|" F "example.com|" F ".com|"
		  F "user+ext@|" },
		/* Keys for fixed tables are lower-cased. */
		{ "User+Ext@Example.COM", "+", PARENT,
		  F "user+ext@example.com|" F "user@example.com|"
		  F "example.com|" F "com|" F "user+ext@|" F "user@|" },
		/* postmaster is never split. */
		{ "postmaster@example.com", "t", PARENT,
		  F "postmaster@example.com|" F "example.com|" F "com|"
		  F "postmaster@|" },
		/* Without a domain: the address, then without extension. */
		{ "user", "+", PARENT, F "user|" },
		{ "user+ext", "+", PARENT, F "user+ext|" F "user|" },
		/* Trailing dot, empty domain, '@' in the localpart. */
		{ "user@example.com.", "", PARENT,
		  F "user@example.com.|" F "example.com.|" F "com.|" F "user@|" },
		{ "user@example.com.", "", DOT,
		  F "user@example.com.|" F "example.com.|" F ".com.|" F ".|"
		  F "user@|" },
		{ "user@", "+", PARENT, F "user@|" F "user@|" },
		{ "a@b@example.com", "", PARENT,
		  F "a@b@example.com|" F "example.com|" F "com|" F "a@b@|" },
		{ "u@localhost", "", DOT, F "u@localhost|" F "localhost|" F "u@|" },
	};
	MAP    *map = trace_map("F", MAP_F_FIXED, NULL);
	STRBUF *value = strbuf_create(10);
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(trace);
		assert_int_equal(map_search_address(map, t[i].address, t[i].flags,
						    t[i].delims, value),
				 MAP_NOTFOUND);
		assert_string_equal(strbuf_str(trace), t[i].keys);
	}
	map_close(map);
	strbuf_free(&value);
}

/* test_address_found - the search stops at the first key that is found */

static void
test_address_found(void **state)
{
	static const char *const entries[] = {
		"user+ext@example.com", "FULL",
		"other@example.com", "NOEXT",
		"sub.example.net", "DOMAIN",
		"example.net", "PARENT",
		".example.org", "DOTPARENT",
		"user+ext@", "LOCAL-EXT",
		"user@", "LOCAL",
		NULL,
	};
	static const struct {
		const char *address;
		int	flags;
		const char *value;	/* NULL: not found */
		const char *last_key;	/* the key that ended the search */
	} t[] = {
		{ "user+ext@example.com", PARENT, "FULL", "user+ext@example.com" },
		{ "USER+EXT@EXAMPLE.COM", PARENT, "FULL", "user+ext@example.com" },
		{ "other+x@example.com", PARENT, "NOEXT", "other@example.com" },
		{ "x@sub.example.net", PARENT, "DOMAIN", "sub.example.net" },
		{ "x@sub.example.net", DOT, "DOMAIN", "sub.example.net" },
		{ "x@a.sub.example.net", PARENT, "DOMAIN", "sub.example.net" },
		{ "x@a.sub.example.net", DOT, NULL, "x@" },
		{ "x@deep.example.net", PARENT, "PARENT", "example.net" },
		{ "x@example.net", DOT, "PARENT", "example.net" },
		{ "x@deep.example.org", DOT, "DOTPARENT", ".example.org" },
		{ "x@deep.example.org", PARENT, NULL, "x@" },
		{ "x@example.org", DOT, NULL, "x@" },
		{ "user+ext@elsewhere.test", PARENT, "LOCAL-EXT", "user+ext@" },
		{ "user+other@elsewhere.test", PARENT, "LOCAL", "user@" },
		{ "user@elsewhere.test", PARENT, "LOCAL", "user@" },
		{ "nobody@elsewhere.test", PARENT, NULL, "nobody@" },
	};
	MAP    *map = trace_map("F", MAP_F_FIXED, entries);
	STRBUF *value = strbuf_create(10);
	STRBUF *last = strbuf_create(10);
	size_t	i;
	int	status;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(trace);
		strbuf_reset(value);
		status = map_search_address(map, t[i].address, t[i].flags, "+",
					    value);
		if (t[i].value) {
			assert_int_equal(status, MAP_FOUND);
			assert_string_equal(strbuf_str(value), t[i].value);
		} else {
			assert_int_equal(status, MAP_NOTFOUND);
		}
		strbuf_printf(last, F "%s|", t[i].last_key);
		if (!str_has_suffix(strbuf_str(trace), strbuf_str(last)))
			fail_msg("%s: trace %s does not end with %s", t[i].address,
				 strbuf_str(trace), strbuf_str(last));
	}
	map_close(map);
	strbuf_free(&last);
	strbuf_free(&value);
}

/* test_host_order - host names, network addresses, clients */

static void
test_host_order(void **state)
{
	static const struct {
		const char *hostname;	/* NULL: network address search */
		const char *addr;	/* NULL: host name search */
		int	flags;
		const char *keys;
	} t[] = {
		/* access(5) HOST NAME/ADDRESS PATTERNS. */
		{ "mail.example.com", NULL, PARENT,
		  F "mail.example.com|" F "example.com|" F "com|" },
		{ "mail.example.com", NULL, DOT,
		  F "mail.example.com|" F ".example.com|" F ".com|" },
		{ "Mail.Example.COM", NULL, DOT,
		  F "mail.example.com|" F ".example.com|" F ".com|" },
		{ "helo.example.", NULL, PARENT,
		  F "helo.example.|" F "example.|" },
		{ "localhost", NULL, PARENT, F "localhost|" },
		/* A numeric host name has no parent domains (smtpd). */
		{ "1.2.3.4", NULL, PARENT, F "1.2.3.4|" },
		{ "2001:db8::1", NULL, DOT, F "2001:db8::1|" },
		{ "[1.2.3.4]", NULL, DOT,
		  F "[1.2.3.4]|" F ".2.3.4]|" F ".3.4]|" F ".4]|" },
		{ "1.2.3.4.example", NULL, PARENT,
		  F "1.2.3.4.example|" F "2.3.4.example|" F "3.4.example|"
		  F "4.example|" F "example|" },
		/* Network addresses: cut an octet (pair) at a time. */
		{ NULL, "1.2.3.4", 0, F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ NULL, "2001:db8::1", 0,
		  F "2001:db8::1|" F "2001:db8:|" F "2001:db8|" F "2001|" },
		{ NULL, "2001:DB8:1:2:3:4:5:6", 0,
		  F "2001:db8:1:2:3:4:5:6|" F "2001:db8:1:2:3:4:5|"
		  F "2001:db8:1:2:3:4|" F "2001:db8:1:2:3|" F "2001:db8:1:2|"
		  F "2001:db8:1|" F "2001:db8|" F "2001|" },
		{ NULL, "::1", 0, F "::1|" F ":|" },
	};
	MAP    *map = trace_map("F", MAP_F_FIXED, NULL);
	STRBUF *value = strbuf_create(10);
	size_t	i;
	int	status;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(trace);
		if (t[i].addr == NULL)
			status = map_search_domain(map, t[i].hostname, t[i].flags,
						   value);
		else
			status = map_search_net(map, t[i].addr, value);
		assert_int_equal(status, MAP_NOTFOUND);
		assert_string_equal(strbuf_str(trace), t[i].keys);
	}
	map_close(map);
	strbuf_free(&value);
}

/* test_client_order - the host name search, then the address search */

static void
test_client_order(void **state)
{
	static const struct {
		const char *hostname;
		const char *addr;
		int	flags;
		const char *keys;
	} t[] = {
		{ "mail.example.com", "1.2.3.4", PARENT,
		  F "mail.example.com|" F "example.com|" F "com|"
		  F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ "mail.example.com", "1.2.3.4", DOT,
		  F "mail.example.com|" F ".example.com|" F ".com|"
		  F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ "unknown", "2001:db8::5", PARENT,
		  F "unknown|" F "2001:db8::5|" F "2001:db8:|" F "2001:db8|"
		  F "2001|" },
		{ NULL, "1.2.3.4", PARENT,
		  F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ "", "1.2.3.4", PARENT,
		  F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ "1.2.3.4", "1.2.3.4", PARENT,
		  F "1.2.3.4|" F "1.2.3.4|" F "1.2.3|" F "1.2|" F "1|" },
		{ "host.test", NULL, PARENT, F "host.test|" F "test|" },
	};
	MAP    *map = trace_map("F", MAP_F_FIXED, NULL);
	STRBUF *value = strbuf_create(10);
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(trace);
		assert_int_equal(map_search_client(map, t[i].hostname, t[i].addr,
						   t[i].flags, value),
				 MAP_NOTFOUND);
		assert_string_equal(strbuf_str(trace), t[i].keys);
	}
	map_close(map);
	strbuf_free(&value);
}

/* test_pattern_tables - pattern tables get only whole strings, unfolded */

static void
test_pattern_tables(void **state)
{
	MAP    *map = trace_map("P", MAP_F_PATTERN, NULL);
	STRBUF *value = strbuf_create(10);

	strbuf_reset(trace);
	assert_int_equal(map_search_address(map, "User+Ext@Sub.Example.COM",
					    PARENT, "+", value), MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace), "P:User+Ext@Sub.Example.COM|");

	strbuf_reset(trace);
	assert_int_equal(map_search_domain(map, "Mail.Example.COM", DOT, value),
			 MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace), "P:Mail.Example.COM|");

	strbuf_reset(trace);
	assert_int_equal(map_search_net(map, "2001:DB8::1", value),
			 MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace), "P:2001:DB8::1|");

	/* A client: the whole host name, then the whole address. */
	strbuf_reset(trace);
	assert_int_equal(map_search_client(map, "Mail.Example.COM", "1.2.3.4",
					   PARENT, value), MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace), "P:Mail.Example.COM|P:1.2.3.4|");

	map_close(map);
	strbuf_free(&value);
}

/* test_multi - every table for one key before the next key */

static void
test_multi(void **state)
{
	static const char *const c_entries[] = { "example.com", "C-DOMAIN", NULL };
	MAP    *maps[3];
	STRBUF *value = strbuf_create(10);

	maps[0] = trace_map("A", MAP_F_FIXED, NULL);
	maps[1] = trace_map("P", MAP_F_PATTERN, NULL);
	maps[2] = trace_map("C", MAP_F_FIXED, c_entries);

	strbuf_reset(trace);
	assert_int_equal(map_search_address_maps(maps, 3, "U+x@Sub.Example.com",
						 PARENT, "+", value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "C-DOMAIN");
	assert_string_equal(strbuf_str(trace),
			    "A:u+x@sub.example.com|P:U+x@Sub.Example.com|"
			    "C:u+x@sub.example.com|"
			    "A:u@sub.example.com|C:u@sub.example.com|"
			    "A:sub.example.com|C:sub.example.com|"
			    "A:example.com|C:example.com|");

	strbuf_reset(trace);
	assert_int_equal(map_search_client_maps(maps, 3, "h.test", "10.0.0.1",
						DOT, value), MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace),
			    "A:h.test|P:h.test|C:h.test|A:.test|C:.test|"
			    "A:10.0.0.1|P:10.0.0.1|C:10.0.0.1|"
			    "A:10.0.0|C:10.0.0|A:10.0|C:10.0|A:10|C:10|");

	strbuf_reset(trace);
	assert_int_equal(map_search_domain_maps(maps, 2, "h.test", PARENT,
						value), MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace), "A:h.test|P:h.test|A:test|");

	strbuf_reset(trace);
	assert_int_equal(map_search_net_maps(maps + 1, 2, "10.0.0.1", value),
			 MAP_NOTFOUND);
	assert_string_equal(strbuf_str(trace),
			    "P:10.0.0.1|C:10.0.0.1|C:10.0.0|C:10.0|C:10|");

	map_close(maps[0]);
	map_close(maps[1]);
	map_close(maps[2]);
	strbuf_free(&value);
}

/* test_retry - a table that cannot answer ends the search */

static void
test_retry(void **state)
{
	static const char *const b_entries[] = { "com", "B-COM", NULL };
	MAP    *maps[2];
	TRACE_MAP *tm;
	STRBUF *value = strbuf_create(10);

	maps[0] = trace_map("A", MAP_F_FIXED, NULL);
	maps[1] = trace_map("B", MAP_F_FIXED, b_entries);
	tm = (TRACE_MAP *) maps[0];
	tm->retry_key = "example.com";

	strbuf_reset(trace);
	strbuf_reset(logged);
	assert_int_equal(map_search_address_maps(maps, 2, "u@example.com",
						 PARENT, "", value), MAP_RETRY);
	assert_string_equal(strbuf_str(trace),
			    "A:u@example.com|B:u@example.com|A:example.com|");
	assert_string_equal(strbuf_str(logged),
			    "warning: trace:A lookup error for \"example.com\"\n");
	assert_string_equal(map_error(maps[0]), "server unavailable");

	/* The same table, a key it can answer: found in the second table. */
	strbuf_reset(trace);
	assert_int_equal(map_search_domain_maps(maps, 2, "www.test.com",
						PARENT, value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "B-COM");

	strbuf_reset(trace);
	tm->retry_key = "1.2";
	assert_int_equal(map_search_client(maps[0], "h.test", "1.2.3.4", PARENT,
					   value), MAP_RETRY);
	assert_string_equal(strbuf_str(trace),
			    "A:h.test|A:test|A:1.2.3.4|A:1.2.3|A:1.2|");

	map_close(maps[0]);
	map_close(maps[1]);
	strbuf_free(&value);
}

/* test_real_tables - the documented examples with real table types */

static void
test_real_tables(void **state)
{
	STRBUF *value = strbuf_create(10);
	MAP    *map;
	MAP    *maps[2];

	/* access(5) EXAMPLE: 1.2.3.4 is permitted, the rest of 1.2.3 not. */
	map = open_ok("inline:{ 1.2.3=REJECT, 1.2.3.4=OK }");
	assert_int_equal(map_search_client(map, "unknown", "1.2.3.4", PARENT,
					   value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "OK");
	assert_int_equal(map_search_client(map, "unknown", "1.2.3.5", PARENT,
					   value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "REJECT");
	assert_int_equal(map_search_client(map, "unknown", "1.2.4.1", PARENT,
					   value), MAP_NOTFOUND);
	map_close(map);

	/* domain.tld versus .domain.tld, per parent_domain_matches_subdomains. */
	map = open_ok("inline:{ example.com=PARENT, .example.com=DOT }");
	assert_int_equal(map_search_address(map, "u@sub.example.com", PARENT,
					    "+", value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "PARENT");
	assert_int_equal(map_search_address(map, "u@sub.example.com", DOT, "+",
					    value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "DOT");
	assert_int_equal(map_search_address(map, "u@example.com", DOT, "+",
					    value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "PARENT");
	assert_int_equal(map_search_domain(map, "Host.Sub.Example.Com", DOT,
					   value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "DOT");
	map_close(map);

	/* A regexp table sees the whole address, never user@ or domain. */
	map = open_ok("regexp:{ {/^user@/ USER}, {/^example\\.com$/ DOMAIN} }");
	assert_int_equal(map_search_address(map, "user+x@example.com", PARENT,
					    "+", value), MAP_NOTFOUND);
	assert_int_equal(map_search_address(map, "user@example.com", PARENT,
					    "+", value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "USER");
	map_close(map);

	map = open_ok("regexp:{ {/^(USER)\\+(x)@/i $1-$2} }");
	assert_int_equal(map_search_address(map, "USER+x@example.com", PARENT,
					    "+", value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "USER-x");
	map_close(map);

	/* A cidr table sees the client address, not its parent networks. */
	maps[0] = open_ok("cidr:{ {1.2.3.0/24 NET} }");
	maps[1] = open_ok("inline:{ 1.2=SHORT }");
	assert_int_equal(map_search_client_maps(maps, 2, "host.example.com",
						"1.2.3.9", PARENT, value),
			 MAP_FOUND);
	assert_string_equal(strbuf_str(value), "NET");
	assert_int_equal(map_search_client_maps(maps, 2, "host.example.com",
						"1.2.4.9", PARENT, value),
			 MAP_FOUND);
	assert_string_equal(strbuf_str(value), "SHORT");
	assert_int_equal(map_search_client(maps[0], "1.2.3.1", "9.9.9.9",
					   PARENT, value), MAP_FOUND);
	assert_string_equal(strbuf_str(value), "NET");
	map_close(maps[0]);
	map_close(maps[1]);

	strbuf_free(&value);
}

/* setup - trace and log buffers */

static int
setup(void **state)
{
	trace = strbuf_create(100);
	logged = strbuf_create(100);
	log_add_output(capture);
	return 0;
}

/* teardown - free the buffers */

static int
teardown(void **state)
{
	strbuf_free(&trace);
	strbuf_free(&logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parent_style),
		cmocka_unit_test(test_strip_ext),
		cmocka_unit_test(test_address_order),
		cmocka_unit_test(test_address_found),
		cmocka_unit_test(test_host_order),
		cmocka_unit_test(test_client_order),
		cmocka_unit_test(test_pattern_tables),
		cmocka_unit_test(test_multi),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_real_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
