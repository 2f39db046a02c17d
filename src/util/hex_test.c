/*
 * hex_test.c - unit tests for hex and xtext
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hex.h"
#include "strbuf.h"

/* test_hex_encode - case flag, binary input, append */

static void
test_hex_encode(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int flags;
		const char *out;
	} t[] = {
		{ "", 0, 0, "" },
		{ "\x00\x01\xab\xff", 4, 0, "0001abff" },
		{ "\x00\x01\xab\xff", 4, HEX_FLAG_UPPER, "0001ABFF" },
		{ "Az", 2, 0, "417a" },
	};
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_set(out, "junk");
		assert_int_equal(hex_encode(out, t[i].in, t[i].len, t[i].flags), 0);
		assert_string_equal(strbuf_str(out), t[i].out);
	}
	strbuf_set(out, "id=");
	assert_int_equal(hex_encode(out, "\x12", 1, HEX_FLAG_APPEND), 0);
	assert_string_equal(strbuf_str(out), "id=12");
	strbuf_reset(out);
	strbuf_set_limit(out, 3);
	assert_int_equal(hex_encode(out, "ab", 2, 0), -1);
	assert_int_equal(strbuf_len(out), 0);
	strbuf_free(&out);
}

/* test_hex_decode - both cases accepted, anything else rejected */

static void
test_hex_decode(void **state)
{
	static const struct {
		const char *in;
		int status;
		const char *out;
		size_t len;
	} t[] = {
		{ "", 0, "", 0 },
		{ "0001abff", 0, "\x00\x01\xab\xff", 4 },
		{ "0001ABFF", 0, "\x00\x01\xab\xff", 4 },
		{ "aB", 0, "\xab", 1 },
		{ "abc", -1, NULL, 0 },
		{ "0g", -1, NULL, 0 },
		{ " 0a", -1, NULL, 0 },
		{ "0x1f", -1, NULL, 0 },
		{ "-1", -1, NULL, 0 },
	};
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_set(out, "old");
		assert_int_equal(hex_decode(out, t[i].in, strlen(t[i].in),
					    HEX_FLAG_APPEND), t[i].status);
		if (t[i].status == 0) {
			assert_int_equal(strbuf_len(out), 3 + t[i].len);
			assert_memory_equal(strbuf_str(out) + 3, t[i].out, t[i].len);
		} else {
			assert_string_equal(strbuf_str(out), "old");
		}
	}
	strbuf_free(&out);
}

/* test_xtext_quote - RFC 3461 xchar set and extra special characters */

static void
test_xtext_quote(void **state)
{
	static const struct {
		const char *in;
		const char *special;
		const char *out;
	} t[] = {
		{ "", NULL, "" },
		{ "user@example.com", NULL, "user@example.com" },
		{ "a+b=c", NULL, "a+2Bb+3Dc" },
		{ "a b\tc", NULL, "a+20b+09c" },
		{ "\x7f\x80\xff!~", NULL, "+7F+80+FF!~" },
		{ "a<b>", "<>", "a+3Cb+3E" },
		{ "rfc822;x@y", "", "rfc822;x@y" },
	};
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(xtext_quote(out, t[i].in, strlen(t[i].in),
					     t[i].special, XTEXT_FLAG_NONE), 0);
		assert_string_equal(strbuf_str(out), t[i].out);
	}
	strbuf_set(out, "ORCPT=");
	assert_int_equal(xtext_quote(out, "a=", 2, NULL, XTEXT_FLAG_APPEND), 0);
	assert_string_equal(strbuf_str(out), "ORCPT=a+3D");
	strbuf_free(&out);
}

/* test_xtext_unquote - strict decoding */

static void
test_xtext_unquote(void **state)
{
	static const struct {
		const char *in;
		int status;
		const char *out;
	} t[] = {
		{ "", 0, "" },
		{ "user@example.com", 0, "user@example.com" },
		{ "a+2Bb+3Dc", 0, "a+b=c" },
		{ "+41+20+7E", 0, "A ~" },
		{ "+FF", 0, "\xff" },
		{ "a+2b", -1, NULL },		/* lower-case hex */
		{ "a+2", -1, NULL },		/* truncated */
		{ "a+", -1, NULL },
		{ "a+G0", -1, NULL },
		{ "a=b", -1, NULL },		/* bare '=' */
		{ "a b", -1, NULL },		/* outside 33..126 */
		{ "a\x7f", -1, NULL },
		{ "a\x80", -1, NULL },
		{ "a+00b", -1, NULL },		/* NUL */
	};
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_set(out, "old");
		assert_int_equal(xtext_unquote(out, t[i].in, strlen(t[i].in),
					       XTEXT_FLAG_NONE), t[i].status);
		if (t[i].status == 0)
			assert_string_equal(strbuf_str(out), t[i].out);
		else
			assert_int_equal(strbuf_len(out), 0);
	}
	strbuf_set(out, "keep");
	assert_int_equal(xtext_unquote(out, "x+2", 3, XTEXT_FLAG_APPEND), -1);
	assert_string_equal(strbuf_str(out), "keep");
	strbuf_free(&out);
}

/* test_xtext_roundtrip - every byte but NUL survives */

static void
test_xtext_roundtrip(void **state)
{
	STRBUF *enc = strbuf_create(1);
	STRBUF *dec = strbuf_create(1);
	char all[255];
	size_t i;

	for (i = 0; i < sizeof(all); i++)
		all[i] = (char) (i + 1);
	assert_int_equal(xtext_quote(enc, all, sizeof(all), NULL, 0), 0);
	assert_null(strchr(strbuf_str(enc), '='));
	assert_int_equal(xtext_unquote(dec, strbuf_str(enc), strbuf_len(enc), 0), 0);
	assert_int_equal(strbuf_len(dec), sizeof(all));
	assert_memory_equal(strbuf_str(dec), all, sizeof(all));
	strbuf_free(&enc);
	strbuf_free(&dec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_xtext_quote),
		cmocka_unit_test(test_xtext_unquote),
		cmocka_unit_test(test_xtext_roundtrip),
	};

	return cmocka_run_group_tests_name("hex", tests, NULL, NULL);
}
