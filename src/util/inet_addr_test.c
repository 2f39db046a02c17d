/*
 * inet_addr_test.c - unit tests for inet_addr
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "inet_addr.h"
#include "mem.h"
#include "strbuf.h"

/* test_inet_addr_pton - bare addresses, printed back in canonical form */

static void
test_inet_addr_pton(void **state)
{
	static const struct {
		const char *in;
		int family;		/* 0: rejected */
		const char *out;
	} t[] = {
		{ "1.2.3.4", AF_INET, "1.2.3.4" },
		{ "0.0.0.0", AF_INET, "0.0.0.0" },
		{ "255.255.255.255", AF_INET, "255.255.255.255" },
		{ "::1", AF_INET6, "::1" },
		{ "::", AF_INET6, "::" },
		{ "2001:DB8:0:0:0:0:0:1", AF_INET6, "2001:db8::1" },
		{ "::ffff:1.2.3.4", AF_INET6, "::ffff:1.2.3.4" },
		{ "256.1.1.1", 0, NULL },
		{ "1.2.3", 0, NULL },
		{ "1.2.3.4.5", 0, NULL },
		{ " 1.2.3.4", 0, NULL },
		{ "1.2.3.4 ", 0, NULL },
		{ "[1.2.3.4]", 0, NULL },
		{ "", 0, NULL },
		{ "example.com", 0, NULL },
		{ "1:2:3:4:5:6:7:8:9", 0, NULL },
		{ "fe80::1%eth0", 0, NULL },
		{ "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:1", 0, NULL },
	};
	INET_ADDR addr;
	INET_ADDR_STR buf;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		if (t[i].family == 0) {
			assert_int_equal(inet_addr_pton(t[i].in, &addr), -1);
			continue;
		}
		assert_int_equal(inet_addr_pton(t[i].in, &addr), 0);
		assert_int_equal(addr.family, t[i].family);
		assert_string_equal(inet_addr_ntop(&addr, &buf), t[i].out);
	}
}

/* test_inet_addr_parse - brackets and the IPv6 tag, by flags */

static void
test_inet_addr_parse(void **state)
{
#define B	INET_ADDR_FLAG_BRACKETS
#define NB	INET_ADDR_FLAG_NEED_BRACKETS
#define TAG	INET_ADDR_FLAG_IPV6_TAG
#define LIT	INET_ADDR_FLAG_SMTP_LITERAL
	static const struct {
		const char *in;
		int flags;
		const char *out;	/* NULL: rejected */
		const char *why;
	} t[] = {
		{ "1.2.3.4", 0, "1.2.3.4", NULL },
		{ "[1.2.3.4]", 0, NULL, "unexpected '[' in address \"[1.2.3.4]\"" },
		{ "[1.2.3.4]", B, "1.2.3.4", NULL },
		{ "1.2.3.4", B, "1.2.3.4", NULL },
		{ "1.2.3.4", NB, NULL, "address \"1.2.3.4\" is not enclosed in []" },
		{ "[::1]", NB, "::1", NULL },
		{ "[::1", B, NULL, "missing ']' in address \"[::1\"" },
		{ "[", B, NULL, "missing ']' in address \"[\"" },
		{ "[]", B, NULL, "bad address \"[]\"" },
		{ "[1.2.3.4]x", B, NULL, "missing ']' in address \"[1.2.3.4]x\"" },
		{ "[IPv6:2001:db8::1]", LIT, "2001:db8::1", NULL },
		{ "[ipv6:::1]", LIT, "::1", NULL },
		{ "[IPV6:1.2.3.4]", LIT, NULL, "bad IPv6 address \"[IPV6:1.2.3.4]\"" },
		{ "[IPv6:::1]", B, NULL, "bad address \"[IPv6:::1]\"" },
		{ "[2001:db8::1]", LIT, "2001:db8::1", NULL },	/* tag optional */
		{ "[10.0.0.1]", LIT, "10.0.0.1", NULL },
		{ "IPv6:::1", TAG, "::1", NULL },
		{ "[1.2.3.256]", LIT, NULL, "bad address \"[1.2.3.256]\"" },
		{ "[mail.example.com]", LIT, NULL, "bad address \"[mail.example.com]\"" },
	};
	STRBUF *why = strbuf_create(10);
	INET_ADDR addr;
	INET_ADDR_STR buf;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		if (t[i].out == NULL) {
			assert_int_equal(inet_addr_parse(t[i].in, t[i].flags, &addr,
							 why), -1);
			assert_string_equal(strbuf_str(why), t[i].why);
		} else {
			assert_int_equal(inet_addr_parse(t[i].in, t[i].flags, &addr,
							 why), 0);
			assert_string_equal(inet_addr_ntop(&addr, &buf), t[i].out);
		}
	}
	/* A very long string is refused, not copied. */
	{
		char *big = xmalloc(5000);

		memset(big, '1', 4999);
		big[4999] = 0;
		big[0] = '[';
		big[4998] = ']';
		assert_int_equal(inet_addr_parse(big, B, &addr, NULL), -1);
		xfree(big);
	}
	strbuf_free(&why);
}

/* test_inet_addr_v4mapped - recognise and unmap ::ffff:a.b.c.d */

static void
test_inet_addr_v4mapped(void **state)
{
	static const struct {
		const char *in;
		int mapped;
		const char *out;	/* after unmap */
	} t[] = {
		{ "::ffff:1.2.3.4", 1, "1.2.3.4" },
		{ "::FFFF:102:304", 1, "1.2.3.4" },
		{ "::1.2.3.4", 0, "::1.2.3.4" },	/* compatible, not mapped */
		{ "::fffe:1.2.3.4", 0, "::fffe:102:304" },
		{ "1.2.3.4", 0, "1.2.3.4" },
		{ "2001:db8::ffff:1.2.3.4", 0, "2001:db8::ffff:102:304" },
	};
	INET_ADDR addr, plain;
	INET_ADDR_STR buf;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(inet_addr_pton(t[i].in, &addr), 0);
		assert_int_equal(inet_addr_is_v4mapped(&addr), t[i].mapped);
		assert_int_equal(inet_addr_unmap(&addr), t[i].mapped);
		assert_string_equal(inet_addr_ntop(&addr, &buf), t[i].out);
	}
	assert_int_equal(inet_addr_pton("::ffff:10.1.2.3", &addr), 0);
	assert_int_equal(inet_addr_pton("10.1.2.3", &plain), 0);
	assert_false(inet_addr_equal(&addr, &plain));
	inet_addr_unmap(&addr);
	assert_true(inet_addr_equal(&addr, &plain));
	assert_int_equal(inet_addr_pton("10.1.2.4", &plain), 0);
	assert_false(inet_addr_equal(&addr, &plain));
}

/* test_inet_addr_sockaddr - conversions both ways */

static void
test_inet_addr_sockaddr(void **state)
{
	static const char *t[] = { "192.0.2.7", "2001:db8::25", "::" };
	struct sockaddr_storage ss;
	INET_ADDR addr, back;
	INET_ADDR_STR buf;
	unsigned port;
	size_t len;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(inet_addr_pton(t[i], &addr), 0);
		len = inet_addr_to_sockaddr(&addr, 2525, &ss);
		assert_int_equal(len, addr.family == AF_INET ?
				 sizeof(struct sockaddr_in) :
				 sizeof(struct sockaddr_in6));
		assert_int_equal(ss.ss_family, addr.family);
		port = 0;
		assert_int_equal(inet_addr_from_sockaddr((struct sockaddr *) &ss, len,
							 &back, &port), 0);
		assert_int_equal(port, 2525);
		assert_true(inet_addr_equal(&addr, &back));
		assert_string_equal(inet_addr_ntop(&back, &buf), t[i]);
		/* Too short, or a port we do not want. */
		assert_int_equal(inet_addr_from_sockaddr((struct sockaddr *) &ss,
							 len - 1, &back, NULL), -1);
		assert_int_equal(inet_addr_from_sockaddr((struct sockaddr *) &ss,
							 len, &back, NULL), 0);
	}
	ss.ss_family = AF_UNIX;
	assert_int_equal(inet_addr_from_sockaddr((struct sockaddr *) &ss,
						 sizeof(ss), &back, NULL), -1);
}

/* test_inet_addr_hostport - endpoint splitting and its errors */

static void
test_inet_addr_hostport(void **state)
{
#define BP	INET_ADDR_HOSTPORT_BARE_PORT
	static const struct {
		const char *in;
		int flags;
		int status;
		const char *host;
		const char *port;
		int bracketed;
		const char *why;
	} t[] = {
		{ "mail.example.com:25", 0, 0, "mail.example.com", "25", 0, NULL },
		{ "127.0.0.1:smtp", BP, 0, "127.0.0.1", "smtp", 0, NULL },
		{ "[::1]:2525", BP, 0, "::1", "2525", 1, NULL },
		{ "[mail.example.com]:587", 0, 0, "mail.example.com", "587", 1, NULL },
		{ "[mail.example.com]", 0, 0, "mail.example.com", NULL, 1, NULL },
		{ "[::1]", BP, 0, "::1", NULL, 1, NULL },
		{ "mail.example.com", 0, 0, "mail.example.com", NULL, 0, NULL },
		{ "smtp", BP, 0, NULL, "smtp", 0, NULL },
		{ "2525", BP, 0, NULL, "2525", 0, NULL },
		{ ":2525", 0, 0, NULL, "2525", 0, NULL },
		{ "host:", 0, 0, "host", NULL, 0, NULL },
		{ "[host]:", 0, 0, "host", NULL, 1, NULL },
		{ "submission-x", BP, 0, NULL, "submission-x", 0, NULL },
		{ "", 0, -1, NULL, NULL, 0, "empty endpoint in \"\"" },
		{ ":", 0, -1, NULL, NULL, 0, "no host and no port in \":\"" },
		{ "::1:25", BP, -1, NULL, NULL, 0,
		  "IPv6 address must be enclosed in [] in \"::1:25\"" },
		{ "[::1", 0, -1, NULL, NULL, 0, "missing ']' in \"[::1\"" },
		{ "[::1]25", 0, -1, NULL, NULL, 0,
		  "text after ']' is not \":port\" in \"[::1]25\"" },
		{ "[]:25", 0, -1, NULL, NULL, 0, "empty host in \"[]:25\"" },
		{ "host:0", 0, -1, NULL, NULL, 0, "bad port number in \"host:0\"" },
		{ "host:65536", 0, -1, NULL, NULL, 0,
		  "bad port number in \"host:65536\"" },
		{ "host:25x", 0, -1, NULL, NULL, 0, "bad port number in \"host:25x\"" },
		{ "host:-1", 0, -1, NULL, NULL, 0, "bad port in \"host:-1\"" },
		{ "host:sm tp", 0, -1, NULL, NULL, 0,
		  "bad service name in \"host:sm tp\"" },
		{ "ho st:25", 0, -1, NULL, NULL, 0,
		  "white space or control character in host in \"ho st:25\"" },
		{ "[a[b]:25", 0, -1, NULL, NULL, 0,
		  "misplaced '[' or ']' in \"[a[b]:25\"" },
		{ "a]b", 0, -1, NULL, NULL, 0, "misplaced '[' or ']' in \"a]b\"" },
	};
	STRBUF *why = strbuf_create(10);
	INET_ADDR_HOSTPORT hp;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		char *buf = xstrdup(t[i].in);

		strbuf_reset(why);
		assert_int_equal(inet_addr_split_hostport(buf, t[i].flags, &hp, why),
				 t[i].status);
		if (t[i].status == 0) {
			if (t[i].host)
				assert_string_equal(hp.host, t[i].host);
			else
				assert_null(hp.host);
			if (t[i].port)
				assert_string_equal(hp.port, t[i].port);
			else
				assert_null(hp.port);
			assert_int_equal(hp.bracketed, t[i].bracketed);
		} else {
			assert_string_equal(strbuf_str(why), t[i].why);
			assert_string_equal(buf, t[i].in);	/* unchanged */
			assert_null(hp.host);
			assert_null(hp.port);
		}
		xfree(buf);
	}
	strbuf_free(&why);
}

/* test_inet_addr_join - brackets only for IPv6 */

static void
test_inet_addr_join(void **state)
{
	STRBUF *out = strbuf_create(10);

	inet_addr_join_hostport(out, "127.0.0.1", "25");
	assert_string_equal(strbuf_str(out), "127.0.0.1:25");
	strbuf_reset(out);
	inet_addr_join_hostport(out, "::1", "smtp");
	assert_string_equal(strbuf_str(out), "[::1]:smtp");
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_addr_pton),
		cmocka_unit_test(test_inet_addr_parse),
		cmocka_unit_test(test_inet_addr_v4mapped),
		cmocka_unit_test(test_inet_addr_sockaddr),
		cmocka_unit_test(test_inet_addr_hostport),
		cmocka_unit_test(test_inet_addr_join),
	};

	return cmocka_run_group_tests_name("inet_addr", tests, NULL, NULL);
}
