/*
 * attr_test.c - unit tests for the internal request/reply encoding
 *
 * Round trips of every type through a memory stream, the exact wire
 * form of a small request, and a table of malformed, truncated or
 * over-limit inputs that the reader must refuse. Flag semantics
 * (MISSING, EXTRA, MORE) and the attribute count limit are checked too.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "attr.h"

/* encode_into - print a request into out through a memory stream */

static void
encode_into(STRBUF *out, const char *str, int ival, long lval,
	    const void *data, size_t dlen)
{
	IOSTREAM *st = iostream_memcreate(out);

	assert_int_equal(attr_print(st, ATTR_FLAG_NONE,
				    ATTR_SEND_STR("s", str),
				    ATTR_SEND_INT("i", ival),
				    ATTR_SEND_LONG("l", lval),
				    ATTR_SEND_DATA("d", dlen, data),
				    ATTR_TYPE_END), 0);
	assert_int_equal(iostream_close(st), 0);
}

/* scan_text - scan s, i, l, d from a byte string; return attr_scan() */

static int
scan_mem(const char *buf, size_t len, int flags, STRBUF *s, int *i,
	 long *l, STRBUF *d)
{
	IOSTREAM *st = iostream_memopen(buf, len);
	int     ret;

	ret = attr_scan(st, flags, ATTR_RECV_STR("s", s), ATTR_RECV_INT("i", i),
			ATTR_RECV_LONG("l", l), ATTR_RECV_DATA("d", d),
			ATTR_TYPE_END);
	(void) iostream_close(st);
	return ret;
}

/* test_wire_form - the documented example is what goes on the wire */

static void
test_wire_form(void **state)
{
	STRBUF *out = strbuf_create(10);
	IOSTREAM *st = iostream_memcreate(out);

	(void) state;
	assert_int_equal(attr_print(st, ATTR_FLAG_NONE,
				    ATTR_SEND_INT(ATTR_NAME_STATUS, 0),
				    ATTR_SEND_STR("result", "a@b"),
				    ATTR_TYPE_END), 0);
	(void) iostream_close(st);
	assert_string_equal(strbuf_str(out), "I6:status,1:0,S6:result,3:a@b,E");
	strbuf_free(&out);
}

/* test_round_trip - every type, including extremes and binary data */

static void
test_round_trip(void **state)
{
	static const struct {
		const char *str;
		int     ival;
		long    lval;
		size_t  dlen;
	} t[] = {
		{"", 0, 0, 0},
		{"user@example.com", 1, 1, 3},
		{"\"a@b\"@c, with spaces\tand tabs", -1, -1, 10},
		{"x", INT_MAX, LONG_MAX, 1},
		{"y", INT_MIN, LONG_MIN, 256},
	};
	static const char bin[256] = "\0\1\2,:E\n\r\377 abc";
	size_t  n;

	(void) state;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		STRBUF *out = strbuf_create(10);
		STRBUF *s = strbuf_create(10);
		STRBUF *d = strbuf_create(10);
		int     i = 12345;
		long    l = 12345;

		encode_into(out, t[n].str, t[n].ival, t[n].lval, bin, t[n].dlen);
		assert_int_equal(scan_mem(strbuf_str(out), strbuf_len(out),
					  ATTR_FLAG_STRICT, s, &i, &l, d), 4);
		assert_string_equal(strbuf_str(s), t[n].str);
		assert_int_equal(i, t[n].ival);
		assert_true(l == t[n].lval);
		assert_int_equal(strbuf_len(d), t[n].dlen);
		assert_memory_equal(strbuf_str(d), bin, t[n].dlen);
		strbuf_free(&out);
		strbuf_free(&s);
		strbuf_free(&d);
	}
}

/* test_refused - malformed, truncated and over-limit input fails */

static void
test_refused(void **state)
{
	static const char *t[] = {
		"",					/* nothing at all */
		"S1:s,0:,",				/* no terminator */
		"S1:s,0:,I1:i,1:1,L1:l,1:2,D1:d,0:,",	/* still none */
		"X1:s,0:,E",				/* bad type */
		"S01:s,0:,E",				/* leading zero */
		"S:s,0:,E",				/* empty count */
		"S1s,0:,E",				/* no colon */
		"S1:s;0:,E",				/* bad separator */
		"S0:,0:,E",				/* empty name */
		"S1:?,0:,E",				/* bad name char */
		"S101:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0:,E",
		"S1:s,99999999999:,E",			/* count too long */
		"S1:s,5:ab,E",				/* truncated value */
		"S1:s,2:ab;E",				/* value separator */
		"I1:s,1:1,E",				/* type mismatch */
		"S1:s,0:,I1:i,2:01,E",			/* leading zero */
		"S1:s,0:,I1:i,2:-0,E",			/* minus zero */
		"S1:s,0:,I1:i,1:-,E",			/* lone minus */
		"S1:s,0:,I1:i,2:1x,E",			/* not a number */
		"S1:s,0:,I1:i,10:2147483648,E",		/* int overflow */
		"S1:s,0:,I1:i,1:1,L1:l,20:99999999999999999999,E",
	};
	size_t  n;

	(void) state;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		STRBUF *s = strbuf_create(10);
		STRBUF *d = strbuf_create(10);
		int     i;
		long    l;

		if (scan_mem(t[n], strlen(t[n]), ATTR_FLAG_NONE, s, &i, &l, d)
		    != -1)
			fail_msg("accepted: %s", t[n]);
		strbuf_free(&s);
		strbuf_free(&d);
	}
}

/* test_nul_in_string - a string with a NUL byte is refused, data is not */

static void
test_nul_in_string(void **state)
{
	static const char str[] = "S1:s,3:a\0b,E";
	static const char dat[] = "D1:d,3:a\0b,E";
	STRBUF *v = strbuf_create(10);
	IOSTREAM *st;

	(void) state;
	st = iostream_memopen(str, sizeof(str) - 1);
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("s", v), ATTR_TYPE_END),
			 -1);
	(void) iostream_close(st);
	st = iostream_memopen(dat, sizeof(dat) - 1);
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_DATA("d", v), ATTR_TYPE_END),
			 1);
	assert_int_equal(strbuf_len(v), 3);
	(void) iostream_close(st);
	strbuf_free(&v);
}

/* test_value_limit - the receiving STRBUF's limit bounds the value */

static void
test_value_limit(void **state)
{
	static const char in[] = "S1:s,6:abcdef,E";
	STRBUF *v = strbuf_create(10);
	IOSTREAM *st;

	(void) state;
	strbuf_set_limit(v, 5);
	st = iostream_memopen(in, sizeof(in) - 1);
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("s", v), ATTR_TYPE_END),
			 -1);
	(void) iostream_close(st);
	strbuf_set_limit(v, 6);
	st = iostream_memopen(in, sizeof(in) - 1);
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("s", v), ATTR_TYPE_END),
			 1);
	assert_string_equal(strbuf_str(v), "abcdef");
	(void) iostream_close(st);
	strbuf_free(&v);
}

/* test_flags - MISSING, EXTRA, MORE, skipping of extra attributes */

static void
test_flags(void **state)
{
	static const char extra[] = "S1:x,1:1,S1:a,1:A,D1:y,2:zz,S1:b,1:B,I1:z,1:7,E";
	static const char partial[] = "S1:a,1:A,E";
	static const char two[] = "S1:a,1:A,E" "S1:a,1:C,E";
	STRBUF *a = strbuf_create(10);
	STRBUF *b = strbuf_create(10);
	IOSTREAM *st;

	(void) state;
	/* Extra attributes are skipped, and the terminator consumed. */
	st = iostream_memopen(extra, sizeof(extra) - 1);
	assert_int_equal(attr_scan(st, ATTR_FLAG_MISSING, ATTR_RECV_STR("a", a),
				   ATTR_RECV_STR("b", b), ATTR_TYPE_END), 2);
	assert_string_equal(strbuf_str(a), "A");
	assert_string_equal(strbuf_str(b), "B");
	assert_int_equal(iostream_getc(st), IOS_EOF);
	(void) iostream_close(st);

	/* ... unless ATTR_FLAG_EXTRA. */
	st = iostream_memopen(extra, sizeof(extra) - 1);
	assert_int_equal(attr_scan(st, ATTR_FLAG_EXTRA, ATTR_RECV_STR("a", a),
				   ATTR_RECV_STR("b", b), ATTR_TYPE_END), -1);
	(void) iostream_close(st);

	/* A missing one: counted, or an error with ATTR_FLAG_MISSING. */
	st = iostream_memopen(partial, sizeof(partial) - 1);
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("a", a),
				   ATTR_RECV_STR("b", b), ATTR_TYPE_END), 1);
	(void) iostream_close(st);
	st = iostream_memopen(partial, sizeof(partial) - 1);
	assert_int_equal(attr_scan(st, ATTR_FLAG_MISSING, ATTR_RECV_STR("a", a),
				   ATTR_RECV_STR("b", b), ATTR_TYPE_END), -1);
	(void) iostream_close(st);

	/* MORE leaves the rest; two requests back to back. */
	st = iostream_memopen(two, sizeof(two) - 1);
	assert_int_equal(attr_scan(st, ATTR_FLAG_MORE, ATTR_RECV_STR("a", a),
				   ATTR_TYPE_END), 1);
	assert_int_equal(attr_scan(st, ATTR_FLAG_STRICT, ATTR_TYPE_END), 0);
	assert_int_equal(attr_scan(st, ATTR_FLAG_STRICT, ATTR_RECV_STR("a", a),
				   ATTR_TYPE_END), 1);
	assert_string_equal(strbuf_str(a), "C");
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("a", a),
				   ATTR_TYPE_END), -1);
	(void) iostream_close(st);
	strbuf_free(&a);
	strbuf_free(&b);
}

/* test_count_limit - too many attributes in one request */

static void
test_count_limit(void **state)
{
	STRBUF *in = strbuf_create(100);
	STRBUF *a = strbuf_create(10);
	IOSTREAM *st;
	int     n;

	(void) state;
	for (n = 0; n < ATTR_COUNT_LIMIT + 5; n++)
		strbuf_append_str(in, "S1:x,0:,");
	strbuf_append_str(in, "S1:a,0:,E");
	st = iostream_memopen(strbuf_str(in), strbuf_len(in));
	assert_int_equal(attr_scan(st, 0, ATTR_RECV_STR("a", a), ATTR_TYPE_END),
			 -1);
	(void) iostream_close(st);
	strbuf_free(&in);
	strbuf_free(&a);
}

/* test_scan_one - one attribute at a time, numbers as text */

static void
test_scan_one(void **state)
{
	static const char in[] = "S7:request,7:resolve,I1:n,2:-5,E";
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	IOSTREAM *st = iostream_memopen(in, sizeof(in) - 1);

	(void) state;
	assert_int_equal(attr_scan_one(st, name, value), ATTR_TYPE_STR);
	assert_string_equal(strbuf_str(name), "request");
	assert_string_equal(strbuf_str(value), "resolve");
	assert_int_equal(attr_scan_one(st, name, value), ATTR_TYPE_INT);
	assert_string_equal(strbuf_str(value), "-5");
	assert_int_equal(attr_scan_one(st, name, value), ATTR_TYPE_END);
	assert_int_equal(attr_scan_one(st, name, value), -1);
	(void) iostream_close(st);
	strbuf_free(&name);
	strbuf_free(&value);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_form),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nul_in_string),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_count_limit),
		cmocka_unit_test(test_scan_one),
	};

	log_init("attr_test", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
