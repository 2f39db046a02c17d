/*
 * cleanup_act_test.c - tests for cleanup_act.c: command words, optional
 * text, and REJECT reply texts
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "cleanup_act.h"

static const struct {
	const char *value;
	int     code;
	const char *text;
} parse_cases[] = {
	{"REJECT", CLEANUP_ACT_REJECT, ""},
	{"reject go away", CLEANUP_ACT_REJECT, "go away"},
	{"Reject \t 5.7.0  spaced  text", CLEANUP_ACT_REJECT, "5.7.0  spaced  text"},
	{"DISCARD", CLEANUP_ACT_DISCARD, ""},
	{"discard why", CLEANUP_ACT_DISCARD, "why"},
	{"HOLD later", CLEANUP_ACT_HOLD, "later"},
	{"WARN", CLEANUP_ACT_WARN, ""},
	{"warn look", CLEANUP_ACT_WARN, "look"},
	{"IGNORE", CLEANUP_ACT_IGNORE, ""},
	{"PREPEND X-Tag: yes", CLEANUP_ACT_PREPEND, "X-Tag: yes"},
	{"REPLACE Subject: clean", CLEANUP_ACT_REPLACE, "Subject: clean"},
	{"REDIRECT a@b.example", CLEANUP_ACT_REDIRECT, "a@b.example"},
	{"FILTER smtp:[127.0.0.1]:10025", CLEANUP_ACT_FILTER,
	 "smtp:[127.0.0.1]:10025"},
	{"INFO note", CLEANUP_ACT_INFO, "note"},
	{"DUNNO", CLEANUP_ACT_DUNNO, ""},
	{"OK", CLEANUP_ACT_DUNNO, ""},
	{"ok extra", CLEANUP_ACT_DUNNO, "extra"},
	{"BCC x@y.example", CLEANUP_ACT_BCC, "x@y.example"},
	{"PASS trusted", CLEANUP_ACT_PASS, "trusted"},
	{"STRIP gone", CLEANUP_ACT_STRIP, "gone"},
	{"REJECTED", CLEANUP_ACT_UNKNOWN, ""},
	{"REJ", CLEANUP_ACT_UNKNOWN, ""},
	{"550 no", CLEANUP_ACT_UNKNOWN, "no"},
	{"", CLEANUP_ACT_UNKNOWN, ""},
	{"DEFER later", CLEANUP_ACT_UNKNOWN, "later"},
};

static void
test_parse(void **unused)
{
	size_t	i;
	const char *text;

	(void) unused;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		text = NULL;
		assert_int_equal(cleanup_act_parse(parse_cases[i].value, &text),
				 parse_cases[i].code);
		assert_non_null(text);
		assert_string_equal(text, parse_cases[i].text);
	}
}

static const struct {
	const char *text;
	const char *reply;
} reply_cases[] = {
	{"", "5.7.1 message content rejected"},
	{"go away", "5.7.1 go away"},
	{"5.7.0 own code", "5.7.0 own code"},
	{"4.7.1 try later", "4.7.1 try later"},
	{"2.0.0 odd", "2.0.0 odd"},
	{"5.7.1", "5.7.1"},
	{"3.7.1 bad class", "5.7.1 3.7.1 bad class"},
	{"5.1234.1 too long", "5.7.1 5.1234.1 too long"},
	{"5.7.1x", "5.7.1 5.7.1x"},
	{"550 5.7.1 smtp code", "5.7.1 550 5.7.1 smtp code"},
	{"5..1 empty", "5.7.1 5..1 empty"},
};

static void
test_reply(void **unused)
{
	STRBUF *out = strbuf_create(10);
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(reply_cases) / sizeof(reply_cases[0]); i++) {
		strbuf_set(out, "stale");
		cleanup_act_reply(out, reply_cases[i].text);
		assert_string_equal(strbuf_str(out), reply_cases[i].reply);
	}
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
