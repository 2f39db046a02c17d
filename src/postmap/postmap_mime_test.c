/*
 * postmap_mime_test.c - tests for the message-to-keys engine of postmap
 *
 * Each case feeds a message line by line with some of -h, -b and -m and
 * compares the keys produced, joined with "|", with the keys Postfix
 * 3.7's "postmap -q -" looked up for the same message and options (read
 * off its output with a table that answers every key, the empty one
 * included).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"
#include "postmap.h"

#define H	POSTMAP_MIME_HEADERS
#define B	POSTMAP_MIME_BODY
#define M	POSTMAP_MIME_PARSE

typedef struct {
	const char *name;
	const char *const *lines;
	int     flags;
	const char *keys;
} MIME_CASE;

/* Generated from Postfix 3.7 "postmap -q -" output; see the header comment. */
static const char *const msg_msg[] = {
	"Subject: hello",
	"  world",
	"From: a@b",
	"X-Bad header",
	"body1",
	"",
	"body3",
	NULL,
};

static const char *const msg_mm[] = {
	"From: a@b",
	"MIME-Version: 1.0",
	"Content-Type: multipart/mixed;",
	"\tboundary=\"XYZ\"",
	"",
	"preamble",
	"--XYZ",
	"Content-Type: text/plain",
	"",
	"part1 text",
	"--XYZ",
	"Content-Type: message/rfc822",
	"",
	"Subject: inner",
	"X-Inner: 1",
	"",
	"inner body",
	"--XYZ--",
	"epilogue",
	NULL,
};

static const char *const msg_sub[] = {
	"Subject: x",
	"",
	"b1",
	NULL,
};

static const char *const msg_nohdr[] = {
	"body first",
	"Subject: not a header",
	NULL,
};

static const char *const msg_digest[] = {
	"Content-Type: multipart/digest; boundary=D",
	"",
	"--D",
	"",
	"Subject: in digest",
	"",
	"digest body",
	"--D--",
	NULL,
};

static const char *const msg_nested[] = {
	"Content-Type: multipart/mixed; boundary=A",
	"",
	"--A",
	"Content-Type: multipart/alternative; boundary=\"B\"",
	"",
	"--B",
	"Content-Type: text/plain",
	"",
	"alt1",
	"--B--",
	"--A",
	"X: y",
	"",
	"last",
	"--A--",
	NULL,
};

static const char *const msg_eof[] = {
	"Subject: a",
	"  b",
	NULL,
};

static const MIME_CASE mime_cases[] = {
	{"msg -h", msg_msg, H, "Subject: hello\n  world|From: a@b"},
	{"msg -b", msg_msg, B, "|X-Bad header|body1||body3"},
	{"msg -h -b", msg_msg, H | B, "Subject: hello\n  world|From: a@b||X-Bad header|body1||body3"},
	{"msg -m -h", msg_msg, M | H, "Subject: hello\n  world|From: a@b"},
	{"msg -m -b", msg_msg, M | B, "|X-Bad header|body1||body3"},
	{"msg -m -h -b", msg_msg, M | H | B, "Subject: hello\n  world|From: a@b||X-Bad header|body1||body3"},
	{"mm -h", msg_mm, H, "From: a@b|MIME-Version: 1.0|Content-Type: multipart/mixed;\n\tboundary=\"XYZ\""},
	{"mm -b", msg_mm, B, "|preamble|--XYZ|Content-Type: text/plain||part1 text|--XYZ|Content-Type: message/rfc822||Subject: inner|X-Inner: 1||inner body|--XYZ--|epilogue"},
	{"mm -h -b", msg_mm, H | B, "From: a@b|MIME-Version: 1.0|Content-Type: multipart/mixed;\n\tboundary=\"XYZ\"||preamble|--XYZ|Content-Type: text/plain||part1 text|--XYZ|Content-Type: message/rfc822||Subject: inner|X-Inner: 1||inner body|--XYZ--|epilogue"},
	{"mm -m -h", msg_mm, M | H, "From: a@b|MIME-Version: 1.0|Content-Type: multipart/mixed;\n\tboundary=\"XYZ\"|Content-Type: text/plain|Content-Type: message/rfc822|Subject: inner|X-Inner: 1"},
	{"mm -m -b", msg_mm, M | B, "|preamble|--XYZ||part1 text|--XYZ|||inner body|--XYZ--|epilogue"},
	{"mm -m -h -b", msg_mm, M | H | B, "From: a@b|MIME-Version: 1.0|Content-Type: multipart/mixed;\n\tboundary=\"XYZ\"||preamble|--XYZ|Content-Type: text/plain||part1 text|--XYZ|Content-Type: message/rfc822||Subject: inner|X-Inner: 1||inner body|--XYZ--|epilogue"},
	{"sub -h", msg_sub, H, "Subject: x"},
	{"sub -b", msg_sub, B, "|b1"},
	{"sub -h -b", msg_sub, H | B, "Subject: x||b1"},
	{"sub -m -h", msg_sub, M | H, "Subject: x"},
	{"sub -m -b", msg_sub, M | B, "|b1"},
	{"sub -m -h -b", msg_sub, M | H | B, "Subject: x||b1"},
	{"nohdr -h", msg_nohdr, H, ""},
	{"nohdr -b", msg_nohdr, B, "|body first|Subject: not a header"},
	{"nohdr -h -b", msg_nohdr, H | B, "|body first|Subject: not a header"},
	{"nohdr -m -h", msg_nohdr, M | H, ""},
	{"nohdr -m -b", msg_nohdr, M | B, "|body first|Subject: not a header"},
	{"nohdr -m -h -b", msg_nohdr, M | H | B, "|body first|Subject: not a header"},
	{"digest -h", msg_digest, H, "Content-Type: multipart/digest; boundary=D"},
	{"digest -b", msg_digest, B, "|--D||Subject: in digest||digest body|--D--"},
	{"digest -h -b", msg_digest, H | B, "Content-Type: multipart/digest; boundary=D||--D||Subject: in digest||digest body|--D--"},
	{"digest -m -h", msg_digest, M | H, "Content-Type: multipart/digest; boundary=D|Subject: in digest"},
	{"digest -m -b", msg_digest, M | B, "|--D|||digest body|--D--"},
	{"digest -m -h -b", msg_digest, M | H | B, "Content-Type: multipart/digest; boundary=D||--D||Subject: in digest||digest body|--D--"},
	{"nested -h", msg_nested, H, "Content-Type: multipart/mixed; boundary=A"},
	{"nested -b", msg_nested, B, "|--A|Content-Type: multipart/alternative; boundary=\"B\"||--B|Content-Type: text/plain||alt1|--B--|--A|X: y||last|--A--"},
	{"nested -h -b", msg_nested, H | B, "Content-Type: multipart/mixed; boundary=A||--A|Content-Type: multipart/alternative; boundary=\"B\"||--B|Content-Type: text/plain||alt1|--B--|--A|X: y||last|--A--"},
	{"nested -m -h", msg_nested, M | H, "Content-Type: multipart/mixed; boundary=A|Content-Type: multipart/alternative; boundary=\"B\"|Content-Type: text/plain|X: y"},
	{"nested -m -b", msg_nested, M | B, "|--A||--B||alt1|--B--|--A||last|--A--"},
	{"nested -m -h -b", msg_nested, M | H | B, "Content-Type: multipart/mixed; boundary=A||--A|Content-Type: multipart/alternative; boundary=\"B\"||--B|Content-Type: text/plain||alt1|--B--|--A|X: y||last|--A--"},
	{"eof -h", msg_eof, H, "Subject: a\n  b"},
	{"eof -b", msg_eof, B, ""},
	{"eof -h -b", msg_eof, H | B, "Subject: a\n  b"},
	{"eof -m -h", msg_eof, M | H, "Subject: a\n  b"},
	{"eof -m -b", msg_eof, M | B, ""},
	{"eof -m -h -b", msg_eof, M | H | B, "Subject: a\n  b"},
};

/* collect - the key callback: append "|key" */

static void
collect(void *context, const char *key)
{
	STRBUF *keys = (STRBUF *) context;

	strbuf_append_char(keys, '|');
	strbuf_append_str(keys, key);
}

/* test_cases - every message with every option set */

static void
test_cases(void **state)
{
	size_t  i;
	size_t  n;

	(void) state;
	for (i = 0; i < ARRAY_LEN(mime_cases); i++) {
		STRBUF *keys = strbuf_create(100);
		POSTMAP_MIME *mime = postmap_mime_create(mime_cases[i].flags,
							 collect, keys);

		for (n = 0; mime_cases[i].lines[n]; n++)
			if (postmap_mime_update(mime, mime_cases[i].lines[n]))
				break;
		postmap_mime_free(mime);
		if (strcmp(strbuf_len(keys) ? strbuf_str(keys) + 1 : "",
			   mime_cases[i].keys) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", mime_cases[i].name,
				 strbuf_str(keys), mime_cases[i].keys);
		strbuf_free(&keys);
	}
}

/* test_stops_after_headers - -h alone stops reading at the body */

static void
test_stops_after_headers(void **state)
{
	STRBUF *keys = strbuf_create(100);
	POSTMAP_MIME *mime = postmap_mime_create(H, collect, keys);

	(void) state;
	assert_int_equal(postmap_mime_update(mime, "A: b"), 0);
	assert_int_equal(postmap_mime_update(mime, ""), 1);
	assert_int_equal(postmap_mime_update(mime, "C: d"), 1);
	postmap_mime_free(mime);
	assert_string_equal(strbuf_str(keys), "|A: b");
	strbuf_free(&keys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_stops_after_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
