/*
 * header_parse_test.c - tests for the header line helpers
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"
#include "header_parse.h"

static const struct {
	const char *line;
	size_t  name_len;		/* 0: not a header */
	const char *value;		/* text from value_off */
} name_cases[] = {
	{"Subject: hello", 7, "hello"},
	{"Subject:hello", 7, "hello"},
	{"Subject :\thello", 7, "hello"},	/* obsolete WSP before colon */
	{"X-Foo-Bar:", 9, ""},
	{"Received: from a (b [1.2.3.4])", 8, "from a (b [1.2.3.4])"},
	{"X!#$%&'*+^_`{|}~.9: v", 18, "v"},
	{"From someone@example.com Mon Jan 1", 0, NULL},	/* mbox From_ */
	{" continued: x", 0, NULL},
	{"\tcontinued", 0, NULL},
	{": no name", 0, NULL},
	{"No colon here", 0, NULL},
	{"Bad\x01Name: x", 0, NULL},
	{"Na\xc3\xa9me: x", 0, NULL},
	{"", 0, NULL},
	{"Name", 0, NULL},
	{"Name :", 4, ""},
};

/* test_name - header name recognition */

static void
test_name(void **state)
{
	size_t  i;
	size_t  n;
	size_t  off;

	(void) state;
	for (i = 0; i < ARRAY_LEN(name_cases); i++) {
		off = 12345;
		n = header_name_len(name_cases[i].line,
				    strlen(name_cases[i].line), &off);
		if (n != name_cases[i].name_len)
			fail_msg("\"%s\": got %zu, want %zu", name_cases[i].line,
				 n, name_cases[i].name_len);
		if (n > 0)
			assert_string_equal(name_cases[i].line + off,
					    name_cases[i].value);
		else
			assert_int_equal(off, 12345);
	}
	/* The length argument bounds the scan. */
	assert_int_equal(header_name_len("To: x", 2, NULL), 0);
	assert_int_equal(header_name_len("To: x", 3, NULL), 2);
	assert_true(header_is_continuation(" x", 2));
	assert_true(header_is_continuation("\tx", 2));
	assert_false(header_is_continuation("x", 1));
	assert_false(header_is_continuation(" ", 0));
}

/* test_append - joining lines under a size limit */

static void
test_append(void **state)
{
	STRBUF *hdr = strbuf_create(10);

	(void) state;
	assert_int_equal(header_append_line(hdr, "To: a,", 6, 0), 0);
	assert_int_equal(header_append_line(hdr, " b", 2, 0), 0);
	assert_string_equal(strbuf_str(hdr), "To: a,\n b");

	strbuf_reset(hdr);
	assert_int_equal(header_append_line(hdr, "Subject: 12345", 14, 20), 0);
	assert_int_equal(header_append_line(hdr, " 6789", 5, 20), 0);
	assert_int_equal(strbuf_len(hdr), 20);
	assert_int_equal(header_append_line(hdr, " x", 2, 20), 1);
	assert_string_equal(strbuf_str(hdr), "Subject: 12345\n 6789");

	strbuf_reset(hdr);
	assert_int_equal(header_append_line(hdr, "Subject: 1234567890", 19, 10), 1);
	assert_string_equal(strbuf_str(hdr), "Subject: 1");
	strbuf_reset(hdr);
	assert_int_equal(header_append_line(hdr, "Subject: 12", 11, 12), 0);
	assert_int_equal(header_append_line(hdr, " 3", 2, 12), 1);
	assert_string_equal(strbuf_str(hdr), "Subject: 12\n");
	strbuf_free(&hdr);
}

static const struct {
	const char *in;
	const char *out;
} unfold_cases[] = {
	{"a\r\n b", "a b"},
	{"a\n\tb", "a\tb"},
	{"a\n  b\n c", "a  b c"},
	{"a\nb", "a\nb"},		/* not folding */
	{"a\r\nb", "a\r\nb"},
	{"no folding", "no folding"},
	{"", ""},
	{"end\n", "end\n"},
	{"\n x", " x"},
};

/* test_unfold - RFC 5322 2.2.3 */

static void
test_unfold(void **state)
{
	STRBUF *out = strbuf_create(10);
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(unfold_cases); i++) {
		strbuf_reset(out);
		header_unfold(out, unfold_cases[i].in);
		assert_string_equal(strbuf_str(out), unfold_cases[i].out);
	}
	strbuf_free(&out);
}

static const struct {
	const char *in;
	size_t  width;
	const char *out;
} fold_cases[] = {
	{"To: a@example.com, b@example.com", 78, "To: a@example.com, b@example.com"},
	{"To: a@example.com, b@example.com", 20, "To: a@example.com,\n b@example.com"},
	{"To: a, b, c, d", 8, "To: a,\n b, c, d"},
	{"To: a, b, c, d", 7, "To: a,\n b, c,\n d"},
	{"Subject: averyveryverylongword x", 10,
	 "Subject:\n averyveryverylongword\n x"},
	{"X: nospaceatallinthisvalue", 5, "X:\n nospaceatallinthisvalue"},
	{"Nospace", 3, "Nospace"},
	{"X: a     ", 4, "X: a     "},
	{"  leading b", 3, "  leading\n b"},
	{"", 5, ""},
};

/* test_fold - folding keeps the text and the width where it can */

static void
test_fold(void **state)
{
	STRBUF *out = strbuf_create(10);
	STRBUF *back = strbuf_create(10);
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(fold_cases); i++) {
		strbuf_reset(out);
		header_fold(out, fold_cases[i].in, fold_cases[i].width);
		if (strcmp(strbuf_str(out), fold_cases[i].out) != 0)
			fail_msg("\"%s\" width %zu: got \"%s\"", fold_cases[i].in,
				 fold_cases[i].width, strbuf_str(out));
		strbuf_reset(back);
		header_unfold(back, strbuf_str(out));
		assert_string_equal(strbuf_str(back), fold_cases[i].in);
	}
	strbuf_free(&out);
	strbuf_free(&back);
}

/* test_info - the known header table */

static void
test_info(void **state)
{
	const HEADER_INFO *hi;

	(void) state;
	hi = header_info_find("from", 4);
	assert_non_null(hi);
	assert_int_equal(hi->id, HDR_FROM);
	assert_string_equal(hi->name, "From");
	assert_true(hi->flags & HDR_F_SENDER);
	hi = header_info_find("RESENT-TO", 9);
	assert_non_null(hi);
	assert_int_equal(hi->id, HDR_RESENT_TO);
	assert_true(hi->flags & HDR_F_RECIPIENT);
	assert_true(hi->flags & HDR_F_RESENT);
	hi = header_info_find("Message-Id", 10);
	assert_non_null(hi);
	assert_int_equal(hi->id, HDR_MESSAGE_ID);
	hi = header_info_find("Content-Type: text/plain", 12);
	assert_non_null(hi);
	assert_int_equal(hi->id, HDR_CONTENT_TYPE);
	assert_true(hi->flags & HDR_F_MIME);
	hi = header_info_find("Received", 8);
	assert_non_null(hi);
	assert_true(hi->flags & HDR_F_TRACE);
	hi = header_info_find("Bcc", 3);
	assert_non_null(hi);
	assert_true(hi->flags & HDR_F_EXTRACT);
	assert_null(header_info_find("Fro", 3));
	assert_null(header_info_find("Fromm", 5));
	assert_null(header_info_find("X-Mailer", 8));
	assert_null(header_info_find("", 0));
}

static const struct {
	const char *value;
	int     ret;
	const char *type, *subtype, *boundary;
} ct_cases[] = {
	{"text/plain", 0, "text", "plain", ""},
	{"Text/HTML; charset=\"utf-8\"", 0, "text", "html", ""},
	{"multipart/mixed; boundary=\"----=_Part_0\"", 0, "multipart",
	 "mixed", "----=_Part_0"},
	{"multipart/alternative;\n\tboundary=abc123", 0, "multipart",
	 "alternative", "abc123"},
	{"multipart/mixed (comment) ; (c) BOUNDARY = \"a\\\"b\"", 0,
	 "multipart", "mixed", "a\"b"},
	{"multipart/mixed; charset=x; boundary=B1; boundary=B2", 0,
	 "multipart", "mixed", "B1"},
	{" message / rfc822 ", 0, "message", "rfc822", ""},
	{"multipart/mixed; boundary=\"unclosed", 0, "multipart", "mixed",
	 "unclosed"},
	{"multipart/mixed; junk; boundary=x", 0, "multipart", "mixed", ""},
	{"multipart/mixed;; boundary=x", 0, "multipart", "mixed", "x"},
	{"text", -1, "", "", ""},
	{"text/", -1, "", "", ""},
	{"/plain", -1, "", "", ""},
	{"", -1, "", "", ""},
	{"(only a comment)", -1, "", "", ""},
};

/* test_content_type - RFC 2045 5.1 */

static void
test_content_type(void **state)
{
	STRBUF *type = strbuf_create(10);
	STRBUF *subtype = strbuf_create(10);
	STRBUF *boundary = strbuf_create(10);
	size_t  i;
	int     ret;

	(void) state;
	for (i = 0; i < ARRAY_LEN(ct_cases); i++) {
		strbuf_set(boundary, "stale");
		ret = header_content_type(ct_cases[i].value, type, subtype,
					  boundary);
		if (ret != ct_cases[i].ret)
			fail_msg("\"%s\": got %d", ct_cases[i].value, ret);
		assert_string_equal(strbuf_str(type), ct_cases[i].type);
		assert_string_equal(strbuf_str(subtype), ct_cases[i].subtype);
		assert_string_equal(strbuf_str(boundary), ct_cases[i].boundary);
	}
	assert_int_equal(header_content_type("a/b; boundary=x", type, subtype,
					     NULL), 0);
	assert_string_equal(strbuf_str(subtype), "b");
	strbuf_free(&type);
	strbuf_free(&subtype);
	strbuf_free(&boundary);
}

/* test_cte - RFC 2045 6.1 */

static void
test_cte(void **state)
{
	(void) state;
	assert_int_equal(header_cte("7bit"), HEADER_CTE_7BIT);
	assert_int_equal(header_cte(" 8BIT "), HEADER_CTE_8BIT);
	assert_int_equal(header_cte("binary"), HEADER_CTE_BINARY);
	assert_int_equal(header_cte("Quoted-Printable"), HEADER_CTE_QP);
	assert_int_equal(header_cte("(c) base64"), HEADER_CTE_BASE64);
	assert_int_equal(header_cte("x-uuencode"), HEADER_CTE_OTHER);
	assert_int_equal(header_cte(""), HEADER_CTE_OTHER);
	assert_int_equal(header_cte("base64x"), HEADER_CTE_OTHER);
}

/* test_boundary - RFC 2046 5.1.1 boundary lines */

static void
test_boundary(void **state)
{
	static const struct {
		const char *line;
		int     want;
	} b[] = {
		{"--abc", HEADER_BOUNDARY_PART},
		{"--abc  ", HEADER_BOUNDARY_PART},
		{"--abc--", HEADER_BOUNDARY_END},
		{"--abc-- ", HEADER_BOUNDARY_END},
		{"--abcdef", HEADER_BOUNDARY_PART},	/* prefix, as Postfix */
		{"--ab", HEADER_BOUNDARY_NONE},
		{"-abc", HEADER_BOUNDARY_NONE},
		{"abc", HEADER_BOUNDARY_NONE},
		{"--ABC", HEADER_BOUNDARY_NONE},
		{"", HEADER_BOUNDARY_NONE},
		{"--abc-", HEADER_BOUNDARY_PART},
	};
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(b); i++)
		if (header_boundary(b[i].line, strlen(b[i].line), "abc") != b[i].want)
			fail_msg("\"%s\": want %d", b[i].line, b[i].want);
	assert_int_equal(header_boundary("--", 2, ""), HEADER_BOUNDARY_NONE);
	assert_int_equal(header_boundary("--abc--", 5, "abc"), HEADER_BOUNDARY_PART);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_unfold),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_cte),
		cmocka_unit_test(test_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
