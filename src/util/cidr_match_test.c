/*
 * cidr_match_test.c - unit tests for cidr_match
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cidr_match.h"
#include "strbuf.h"

/* test_cidr_parse - accepted forms and their canonical text */

static void
test_cidr_parse(void **state)
{
	static const struct {
		const char *in;
		const char *canon;	/* NULL: rejected, see why */
		const char *why;
	} t[] = {
		{ "1.2.3.0/24", "1.2.3.0/24", NULL },
		{ "1.2.3.4", "1.2.3.4/32", NULL },
		{ "0.0.0.0/0", "0.0.0.0/0", NULL },
		{ "1.2.3.4/32", "1.2.3.4/32", NULL },
		{ "2001:db8::/32", "2001:db8::/32", NULL },
		{ "[::1]", "::1/128", NULL },
		{ "[2001:db8::]/64", "2001:db8::/64", NULL },
		{ "[2001:db8::/64]", "2001:db8::/64", NULL },
		{ "[1.2.3.0]/24", "1.2.3.0/24", NULL },
		{ "::/0", "::/0", NULL },
		{ "2001:DB8:0::/048", "2001:db8::/48", NULL },
		{ "1.2.3.4/24", NULL,
		  "non-null host address bits in \"1.2.3.4/24\", perhaps you "
		  "should use \"1.2.3.0/24\" instead" },
		{ "1.2.3.4/0", NULL,
		  "non-null host address bits in \"1.2.3.4/0\", perhaps you "
		  "should use \"0.0.0.0/0\" instead" },
		{ "[2001:db8::1]/64", NULL,
		  "non-null host address bits in \"2001:db8::1/64\", perhaps you "
		  "should use \"2001:db8::/64\" instead" },
		{ "10.0.0.128/25", "10.0.0.128/25", NULL },
		{ "10.0.0.129/25", NULL,
		  "non-null host address bits in \"10.0.0.129/25\", perhaps you "
		  "should use \"10.0.0.128/25\" instead" },
		{ "1.2.3.0/33", NULL, "bad net/mask pattern: \"1.2.3.0/33\"" },
		{ "::/129", NULL, "bad net/mask pattern: \"::/129\"" },
		{ "1.2.3.0/-1", NULL, "bad net/mask pattern: \"1.2.3.0/-1\"" },
		{ "1.2.3.0/+8", NULL, "bad net/mask pattern: \"1.2.3.0/+8\"" },
		{ "1.2.3.0/", NULL, "bad net/mask pattern: \"1.2.3.0/\"" },
		{ "1.2.3.0/2x", NULL, "bad net/mask pattern: \"1.2.3.0/2x\"" },
		{ "1.2.3/24", NULL, "bad net/mask pattern: \"1.2.3/24\"" },
		{ "example.com/8", NULL, "bad net/mask pattern: \"example.com/8\"" },
		{ "1.2.3.256", NULL, "bad address pattern: \"1.2.3.256\"" },
		{ "", NULL, "bad address pattern: \"\"" },
		{ "[::1", NULL, "missing ']' character after \"[::1\"" },
		{ "[::1]x", NULL, "garbage after \"[::1]\"" },
		{ "[::1]/", NULL, "bad net/mask pattern: \"::1/\"" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *out = strbuf_create(10);
	CIDR_MATCH cm;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		if (t[i].canon == NULL) {
			assert_int_equal(cidr_match_parse(&cm, t[i].in, why), -1);
			assert_string_equal(strbuf_str(why), t[i].why);
			assert_int_equal(cidr_match_parse(&cm, t[i].in, NULL), -1);
		} else {
			assert_int_equal(cidr_match_parse(&cm, t[i].in, why), 0);
			strbuf_reset(out);
			cidr_match_format(&cm, out);
			assert_string_equal(strbuf_str(out), t[i].canon);
		}
	}
	strbuf_free(&why);
	strbuf_free(&out);
}

/* test_cidr_match - inside, outside, families, mapped addresses */

static void
test_cidr_match(void **state)
{
	static const struct {
		const char *pattern;
		const char *addr;
		int match;
	} t[] = {
		{ "1.2.3.0/24", "1.2.3.0", 1 },
		{ "1.2.3.0/24", "1.2.3.255", 1 },
		{ "1.2.3.0/24", "1.2.4.0", 0 },
		{ "1.2.3.0/24", "1.2.2.255", 0 },
		{ "10.0.0.128/25", "10.0.0.127", 0 },
		{ "10.0.0.128/25", "10.0.0.200", 1 },
		{ "172.16.0.0/12", "172.31.255.255", 1 },
		{ "172.16.0.0/12", "172.32.0.0", 0 },
		{ "1.2.3.4", "1.2.3.4", 1 },
		{ "1.2.3.4", "1.2.3.5", 0 },
		{ "0.0.0.0/0", "255.255.255.255", 1 },
		{ "0.0.0.0/0", "::1", 0 },		/* no IPv6 for IPv4 patterns */
		{ "::/0", "1.2.3.4", 0 },		/* nor the other way */
		{ "::/0", "::1", 1 },
		{ "1.2.3.0/24", "::ffff:1.2.3.9", 1 },	/* IPv4-mapped */
		{ "1.2.3.0/24", "::ffff:1.2.4.9", 0 },
		{ "1.2.3.0/24", "::1.2.3.9", 0 },	/* compatible is not mapped */
		{ "::ffff:1.2.3.0/120", "1.2.3.9", 0 },
		{ "::ffff:1.2.3.0/120", "::ffff:1.2.3.9", 1 },
		{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
		{ "2001:db8::/32", "2001:db9::1", 0 },
		{ "[2001:db8::]/64", "2001:DB8:0:0:1::", 1 },
		{ "[2001:db8::]/64", "2001:db8:0:1::", 0 },
		{ "[::1]", "0:0:0:0:0:0:0:1", 1 },
		{ "[::1]", "::2", 0 },
		{ "2001:db8::/33", "2001:db8:7fff::", 1 },
		{ "2001:db8::/33", "2001:db8:8000::", 0 },
		{ "1.2.3.0/24", "garbage", 0 },
		{ "1.2.3.0/24", "[1.2.3.4]", 0 },
		{ "1.2.3.0/24", "", 0 },
	};
	CIDR_MATCH cm;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(cidr_match_parse(&cm, t[i].pattern, NULL), 0);
		if (cidr_match_str(&cm, t[i].addr) != t[i].match)
			fail_msg("%s vs %s: expected %d", t[i].pattern, t[i].addr,
				 t[i].match);
	}
}

/* test_cidr_every_prefix - each prefix length splits where it should */

static void
test_cidr_every_prefix(void **state)
{
	STRBUF *pat = strbuf_create(10);
	CIDR_MATCH cm;
	INET_ADDR in, out;
	int len, byte;

	for (len = 0; len <= 128; len++) {
		strbuf_printf(pat, "::/%d", len);
		assert_int_equal(cidr_match_parse(&cm, strbuf_str(pat), NULL), 0);
		assert_int_equal(cm.prefix, len);
		/* The last address inside: all host bits set. */
		memset(&in, 0, sizeof(in));
		in.family = AF_INET6;
		for (byte = 0; byte < 16; byte++)
			in.bytes[byte] = (unsigned char) ~cm.mask[byte];
		assert_true(cidr_match_addr(&cm, &in));
		/* Just outside: the last network bit set. */
		if (len > 0) {
			out = in;
			out.bytes[(len - 1) / 8] |= (unsigned char) (0x80 >> ((len - 1) % 8));
			assert_false(cidr_match_addr(&cm, &out));
		}
	}
	for (len = 0; len <= 32; len++) {
		strbuf_printf(pat, "128.0.0.0/%d", len);
		assert_int_equal(cidr_match_parse(&cm, strbuf_str(pat), NULL),
				 len == 0 ? -1 : 0);
	}
	strbuf_free(&pat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_match),
		cmocka_unit_test(test_cidr_every_prefix),
	};

	return cmocka_run_group_tests_name("cidr_match", tests, NULL, NULL);
}
