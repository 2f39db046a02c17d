/*
 * rec_test.c - unit tests for rec
 *
 * Byte-exact encodings of lengths (one and several length bytes), a
 * round trip of every kind of record, continuation records for long
 * lines, and the refusals: unknown type, truncated length or data, an
 * overlong length encoding, and a length above the caller's limit.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "iostream.h"
#include "strbuf.h"
#include "rec.h"

/* encode - records written by fn into a memory buffer */

static STRBUF *
encode_one(int type, const char *data, size_t len)
{
	STRBUF *out = strbuf_create(100);
	IOSTREAM *st = iostream_memcreate(out);

	assert_int_equal(rec_put(st, type, data, len), type);
	assert_int_equal(iostream_close(st), 0);
	return out;
}

static void
test_encoding(void **unused)
{
	static const struct {
		size_t  len;
		const char *hdr;
		size_t  hdr_len;
	} t[] = {
		{0, "N\x00", 2},
		{1, "N\x01", 2},
		{127, "N\x7f", 2},
		{128, "N\x80\x01", 3},
		{300, "N\xac\x02", 3},
		{16384, "N\x80\x80\x01", 4},
	};
	size_t  i;
	char   *data;
	STRBUF *out;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		data = calloc(1, t[i].len + 1);
		memset(data, 'x', t[i].len);
		out = encode_one(REC_TYPE_NORM, data, t[i].len);
		assert_int_equal(strbuf_len(out), t[i].hdr_len + t[i].len);
		assert_memory_equal(strbuf_str(out), t[i].hdr, t[i].hdr_len);
		strbuf_free(&out);
		free(data);
	}
}

static void
test_round_trip(void **unused)
{
	STRBUF *out = strbuf_create(100);
	STRBUF *buf = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	IOSTREAM *st = iostream_memcreate(out);
	char    big[1000];

	memset(big, 'b', sizeof(big));
	rec_puts(st, REC_TYPE_FROM, "a@example.com");
	rec_printf(st, REC_TYPE_TIME, "%d %d", 12, 34);
	rec_put(st, REC_TYPE_NORM, "bin\0ary", 7);
	rec_put(st, REC_TYPE_NORM, big, sizeof(big));
	rec_put(st, REC_TYPE_END, "", 0);
	assert_int_equal(iostream_close(st), 0);

	st = iostream_memopen(strbuf_str(out), strbuf_len(out));
	assert_int_equal(rec_get(st, buf, 100, why), REC_TYPE_FROM);
	assert_string_equal(strbuf_str(buf), "a@example.com");
	assert_int_equal(rec_get(st, buf, 100, why), REC_TYPE_TIME);
	assert_string_equal(strbuf_str(buf), "12 34");
	assert_int_equal(rec_get(st, buf, 100, why), REC_TYPE_NORM);
	assert_int_equal(strbuf_len(buf), 7);
	assert_memory_equal(strbuf_str(buf), "bin\0ary", 7);
	assert_int_equal(rec_get(st, buf, 1000, why), REC_TYPE_NORM);
	assert_int_equal(strbuf_len(buf), 1000);
	assert_int_equal(rec_get(st, buf, 100, why), REC_TYPE_END);
	assert_int_equal(strbuf_len(buf), 0);
	assert_int_equal(rec_get(st, buf, 100, why), REC_TYPE_EOF);
	iostream_close(st);
	strbuf_free(&out);
	strbuf_free(&buf);
	strbuf_free(&why);
}

static void
test_put_line(void **unused)
{
	static const struct {
		const char *line;
		size_t  chunk;
		const char *expect;		/* type:text, ... */
	} t[] = {
		{"", 4, "N:"},
		{"abcd", 4, "N:abcd"},
		{"abcde", 4, "L:abcd N:e"},
		{"abcdefgh", 4, "L:abcd N:efgh"},
		{"abcdefghi", 4, "L:abcd L:efgh N:i"},
		{"abcdefgh", 0, "N:abcdefgh"},
	};
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		STRBUF *out = strbuf_create(100);
		STRBUF *buf = strbuf_create(10);
		STRBUF *why = strbuf_create(10);
		STRBUF *got = strbuf_create(10);
		IOSTREAM *st = iostream_memcreate(out);
		int     type;

		assert_int_equal(rec_put_line(st, t[i].line, strlen(t[i].line),
					      t[i].chunk), REC_TYPE_NORM);
		iostream_close(st);
		st = iostream_memopen(strbuf_str(out), strbuf_len(out));
		while ((type = rec_get(st, buf, 100, why)) > 0)
			strbuf_append_printf(got, "%s%c:%s", strbuf_len(got) ? " " : "",
					     type, strbuf_str(buf));
		assert_int_equal(type, REC_TYPE_EOF);
		assert_string_equal(strbuf_str(got), t[i].expect);
		iostream_close(st);
		strbuf_free(&out);
		strbuf_free(&buf);
		strbuf_free(&why);
		strbuf_free(&got);
	}
}

static void
test_refusals(void **unused)
{
	static const struct {
		const char *in;
		size_t  len;
		size_t  limit;
		const char *why;
	} t[] = {
		{"Q\x01x", 3, 100, "unknown record type 81"},
		{"\x00\x00", 2, 100, "unknown record type 0"},
		{"N", 1, 100, "record type N: truncated length"},
		{"N\x80", 2, 100, "record type N: truncated length"},
		{"N\x05" "abc", 5, 100, "record type N: truncated data"},
		{"N\x80\x80\x80\x80\x80\x01", 7, 100, "record type N: bad length encoding"},
		{"N\x80\x00", 3, 100, "record type N: bad length encoding"},
		{"N\x65" "x", 3, 100, "record type N: length 101 exceeds limit 100"},
		{"N\xff\xff\xff\xff\x0f", 6, 1000, "record type N: length 4294967295 exceeds limit 1000"},
	};
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		STRBUF *buf = strbuf_create(10);
		STRBUF *why = strbuf_create(10);
		IOSTREAM *st = iostream_memopen(t[i].in, t[i].len);

		assert_int_equal(rec_get(st, buf, t[i].limit, why), REC_TYPE_ERROR);
		assert_string_equal(strbuf_str(why), t[i].why);
		iostream_close(st);
		strbuf_free(&buf);
		strbuf_free(&why);
	}
}

static void
test_names(void **unused)
{
	assert_string_equal(rec_type_name(REC_TYPE_RCPT), "recipient");
	assert_string_equal(rec_type_name(REC_TYPE_TIME), "message_arrival_time");
	assert_string_equal(rec_type_name('Q'), "unknown_record_type");
	assert_true(rec_type_known(REC_TYPE_END));
	assert_false(rec_type_known('Q'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_put_line),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
