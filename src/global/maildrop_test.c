/*
 * maildrop_test.c - unit tests for maildrop
 *
 * The checker against streams written as type letters: the complete
 * streams sendmail writes are accepted, and each ordering or content
 * mistake is refused with a reason. The text copier: dot handling,
 * the leading From_ line, CRLF, long lines as continuation records,
 * and a last line without a newline.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "iostream.h"
#include "strbuf.h"
#include "maildrop.h"
#include "rec.h"

/*
 * check_stream - run the checker over records spelled "T:data|S:a|..."
 * (type letter, colon, data; records separated by "|"). Returns the
 * index of the refused record, the record count when the end check
 * fails, or -1 when everything is accepted.
 */

static int
check_stream(const char *spec, MAILDROP_CHECK *mc)
{
	char   *copy = strdup(spec);
	char   *save = NULL;
	char   *rec;
	STRBUF *why = strbuf_create(10);
	int     n = 0;
	int     result = -1;

	maildrop_check_init(mc);
	for (rec = strtok_r(copy, "|", &save); rec; rec = strtok_r(NULL, "|", &save), n++) {
		assert_true(rec[0] && rec[1] == ':');
		if (maildrop_check_rec(mc, rec[0], rec + 2, strlen(rec + 2), why) < 0) {
			assert_true(strbuf_len(why) > 0);
			result = n;
			break;
		}
	}
	if (result < 0 && maildrop_check_end(mc, why) < 0) {
		assert_true(strbuf_len(why) > 0);
		result = n;
	}
	free(copy);
	strbuf_free(&why);
	return result;
}

static void
test_check(void **unused)
{
	static const struct {
		const char *spec;
		int     refused;	/* index, or -1 */
	} t[] = {
		/* What sendmail writes. */
		{"T:1 2|S:root|R:a@b|M:|N:hi|X:|E:", -1},
		{"T:1 2|A:extract_recipients=yes|F:Joe|S:|M:|N:To: a|N:|N:x|X:|E:", -1},
		{"S:u|o:rfc822;a@b|n:4|R:a@b|R:c|M:|L:aa|L:bb|N:cc|X:|E:", -1},
		{"S:u|M:|X:|E:", -1},
		{"<:2|i:env-id|S:u|n:9|R:a|M:|X:|E:", -1},
		{"<:3|S:u|M:|X:|E:", 0},
		{"S:u|<:1|M:|X:|E:", 1},
		{"i:a|i:b|S:u|M:|X:|E:", 1},
		{"S:u|n:x|R:a|M:|X:|E:", 1},
		/* Envelope mistakes. */
		{"R:a@b|S:u|M:|X:|E:", 0},
		{"S:u|S:v|M:|X:|E:", 1},
		{"T:1|T:2|S:u|M:|X:|E:", 1},
		{"T:x y|S:u|M:|X:|E:", 0},
		{"A:client_address=1.2.3.4|S:u|M:|X:|E:", 0},
		{"A:extract_recipients=no|S:u|M:|X:|E:", 0},
		/* sendmail -bv and -v: only the user-settable trace bits. */
		{"A:trace_flags=2|S:u|R:a|M:|X:|E:", -1},
		{"A:trace_flags=4|S:u|R:a|M:|X:|E:", -1},
		{"A:trace_flags=6|S:u|R:a|M:|X:|E:", -1},
		{"A:trace_flags=1|S:u|M:|X:|E:", 0},
		{"A:trace_flags=0|S:u|M:|X:|E:", 0},
		{"A:trace_flags=x|S:u|M:|X:|E:", 0},
		{"A:trace_flags=10|S:u|M:|X:|E:", 0},
		{"S:u|F:late|M:|X:|E:", 1},
		{"S:u|R:|M:|X:|E:", 1},
		{"M:|X:|E:", 0},
		{"S:u|D:a@b|M:|X:|E:", 1},
		{"S:u|C:x|M:|X:|E:", 1},
		/* Content and trailer mistakes. */
		{"S:u|M:|R:a|X:|E:", 2},
		{"S:u|M:|L:piece|X:|E:", 3},
		{"S:u|M:|N:x|X:|R:a|E:", 4},
		{"S:u|M:|X:|E:|N:more", 4},
		{"S:u|M:|N:x|X:", 4},
		{"S:u|M:|N:x", 3},
		{"", 0},
	};
	MAILDROP_CHECK mc;
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int     got = check_stream(t[i].spec, &mc);

		if (got != t[i].refused)
			fail_msg("%s: got %d, want %d", t[i].spec, got, t[i].refused);
	}
}

static void
test_check_counts(void **unused)
{
	MAILDROP_CHECK mc;

	assert_int_equal(check_stream("A:extract_recipients=yes|S:u|R:a|R:b|M:|N:abc|L:de|N:f|X:|E:", &mc), -1);
	assert_true(mc.extract);
	assert_int_equal(mc.rcpt_count, 2);
	assert_int_equal(mc.content_size, 6);
	assert_int_equal(check_stream("S:u|M:|X:|E:", &mc), -1);
	assert_false(mc.extract);
}

/*
 * copy - run maildrop_copy_text over input; returns the records as
 * "N:text|L:text|..." and the size in *size.
 */

static char *
copy(const char *input, int flags, size_t chunk, long *size)
{
	IOSTREAM *in = iostream_memopen(input, strlen(input));
	STRBUF *recs = strbuf_create(100);
	IOSTREAM *out = iostream_memcreate(recs);
	IOSTREAM *rd;
	STRBUF *buf = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	STRBUF *text = strbuf_create(100);
	int     type;
	char   *result;

	*size = maildrop_copy_text(in, out, flags, chunk);
	assert_int_equal(iostream_close(out), 0);
	assert_int_equal(iostream_close(in), 0);
	rd = iostream_memopen(strbuf_str(recs), strbuf_len(recs));
	while ((type = rec_get(rd, buf, 1000, why)) != REC_TYPE_EOF) {
		assert_true(type == REC_TYPE_NORM || type == REC_TYPE_CONT);
		if (strbuf_len(text))
			strbuf_append_char(text, '|');
		strbuf_append_char(text, (char) type);
		strbuf_append_char(text, ':');
		strbuf_append_str(text, strbuf_str(buf));
	}
	assert_int_equal(iostream_close(rd), 0);
	result = strdup(strbuf_str(text));
	strbuf_free(&recs);
	strbuf_free(&buf);
	strbuf_free(&why);
	strbuf_free(&text);
	return result;
}

static void
test_copy_text(void **unused)
{
	static const struct {
		const char *input;
		int     flags;
		size_t  chunk;
		const char *records;
		long    size;
	} t[] = {
		{"a\nb\n", 0, 0, "N:a|N:b", 4},
		{"a\n.\nb\n", MAILDROP_TEXT_DOT, 0, "N:a", 2},
		{"a\n.\nb\n", 0, 0, "N:a|N:.|N:b", 6},
		{"a\n..\n.x\n", MAILDROP_TEXT_DOT, 0, "N:a|N:..|N:.x", 8},
		{"a\r\nb\r\n", MAILDROP_TEXT_STRIP_CR, 0, "N:a|N:b", 4},
		{"a\r\n.\r\nb\n", MAILDROP_TEXT_STRIP_CR | MAILDROP_TEXT_DOT, 0, "N:a", 2},
		{"a\r\n", 0, 0, "N:a\r", 3},
		{"a\r\nb\r\n", MAILDROP_TEXT_STRIP_CR_FIRST, 0, "N:a|N:b", 4},
		{"a\nb\r\n", MAILDROP_TEXT_STRIP_CR_FIRST, 0, "N:a|N:b\r", 5},
		{"abcdef\r\nb\r\n", MAILDROP_TEXT_STRIP_CR_FIRST, 4,
		 "L:abcd|N:ef|N:b", 9},
		{"From x Sun\nSubject: s\n", MAILDROP_TEXT_SKIP_FROM, 0, "N:Subject: s", 11},
		{"From x Sun\nSubject: s\n", 0, 0, "N:From x Sun|N:Subject: s", 22},
		{"Subject: s\nFrom x\n", MAILDROP_TEXT_SKIP_FROM, 0, "N:Subject: s|N:From x", 18},
		{"From abcdefgh\nz\n", MAILDROP_TEXT_SKIP_FROM, 6, "N:z", 2},
		{"abcdefghij\nk\n", 0, 4, "L:abcd|L:efgh|N:ij|N:k", 13},
		{"abcd\n", 0, 4, "N:abcd", 5},
		{"abcde\n", 0, 4, "L:abcd|N:e", 6},
		{"....x\n", MAILDROP_TEXT_DOT, 1, "L:.|L:.|L:.|L:.|N:x", 6},
		{"a\n.\nb\n", MAILDROP_TEXT_DOT, 1, "N:a", 2},
		{"no newline", 0, 0, "N:no newline", 11},
		{"", 0, 0, "", 0},
	};
	size_t  i;
	long    size;
	char   *got;
	char    msg[200];
	int     ok;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = copy(t[i].input, t[i].flags, t[i].chunk, &size);
		ok = (strcmp(got, t[i].records) == 0 && size == t[i].size);
		snprintf(msg, sizeof(msg), "case %zu: got \"%s\" size %ld", i, got, size);
		free(got);
		if (!ok)
			fail_msg("%s, want \"%s\" size %ld", msg, t[i].records, t[i].size);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_counts),
		cmocka_unit_test(test_copy_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
