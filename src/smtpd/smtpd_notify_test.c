/*
 * smtpd_notify_test.c - unit tests for smtpd's transcripts (smtpd_notify.c)
 *
 * Table-driven checks of the error class of a reply, of the
 * notify_classes parser, and of the transcript: its line shapes, the
 * AUTH mask, and the bounds (lines, bytes, one line's length) that
 * drop the oldest lines. Sending the notice is covered by
 * tests/test_smtpd_notify.py against a running mail system.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "argv.h"		/* util */
#include "smtpd.h"		/* smtpd */
#include "smtpd_int.h"

int	smtpd_stand_alone;

/* test_classify - reply text to class */

static void
test_classify(void **unused)
{
	static const struct {
		const char *reply;
		int	from_check;
		int	want;
	} cases[] = {
		{"250 2.0.0 Ok", 0, 0},
		{"220 host ESMTP", 0, 0},
		{"502 5.5.2 Error: command not recognized", 0, SMTPD_ERR_PROTOCOL},
		{"501 5.1.7 Bad sender address syntax", 0, SMTPD_ERR_PROTOCOL},
		{"503 5.5.1 Error: need MAIL command", 0, SMTPD_ERR_PROTOCOL},
		{"555 5.5.4 Unsupported option: X", 0, SMTPD_ERR_PROTOCOL},
		{"500 Syntax: ETRN domain", 0, SMTPD_ERR_PROTOCOL},
		{"554 5.5.0 Error: SMTP protocol synchronization", 0,
		SMTPD_ERR_PROTOCOL},
		{"452 4.5.3 Error: too many recipients", 0, 0},
		{"454 4.7.1 <u@x>: Relay access denied", 1, SMTPD_ERR_POLICY},
		{"454 4.7.1 <u@x>: Relay access denied", 0, 0},
		{"550 5.1.1 <u@x>: Recipient address rejected: User unknown", 1,
		SMTPD_ERR_POLICY},
		{"503 5.5.0 <u@x>: Improper use of SMTP command pipelining", 1,
		SMTPD_ERR_PROTOCOL},
		{"451 4.3.5 Server configuration error", 1, SMTPD_ERR_SOFTWARE},
		{"451 4.3.0 <a@x>: Sender address rejected: Temporary lookup "
		"failure", 1, SMTPD_ERR_SOFTWARE},
		{"451 4.3.0 Error: queue file write error", 0, SMTPD_ERR_RESOURCE},
		{"554 5.7.1 <\"x: Temporary lookup failure\"@y>: Relay access "
		"denied", 1, SMTPD_ERR_POLICY},
		{"452 4.3.1 Insufficient system storage", 1, SMTPD_ERR_RESOURCE},
		{"421 4.4.2 host Error: timeout exceeded", 0, 0},
		{"504 5.5.2 <x>: Helo command rejected: need fully-qualified "
		"hostname", 1, SMTPD_ERR_POLICY},
		{"421 4.7.0 host Error: too many connections from 1.2.3.4", 1,
		SMTPD_ERR_POLICY},
		{"4xx junk", 1, 0},
		{"", 1, 0},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int	got = smtpd_notify_classify(cases[i].reply,
						    cases[i].from_check);

		if (got != cases[i].want)
			fail_msg("\"%s\" (%d): got %d, want %d", cases[i].reply,
				 cases[i].from_check, got, cases[i].want);
	}
}

/* test_mask - notify_classes values */

static void
test_mask(void **unused)
{
	(void) unused;
	assert_int_equal(smtpd_notify_mask("resource, software"),
			 SMTPD_ERR_RESOURCE | SMTPD_ERR_SOFTWARE);
	assert_int_equal(smtpd_notify_mask("Protocol,POLICY"),
			 SMTPD_ERR_PROTOCOL | SMTPD_ERR_POLICY);
	assert_int_equal(smtpd_notify_mask("bounce delay 2bounce data"), 0);
	assert_int_equal(smtpd_notify_mask(""), 0);
}

/* test_transcript - shapes, AUTH mask, error classes */

static void
test_transcript(void **unused)
{
	const ARGV *t;

	(void) unused;
	smtpd_notify_start();
	smtpd_notify_out("220 host ESMTP", 14, 0);
	smtpd_notify_in("EHLO x\001y", 8);
	smtpd_notify_in("AUTH PLAIN c2VjcmV0", 19);
	smtpd_notify_in("AUTH LOGIN", 10);
	smtpd_notify_out("502 5.5.2 Error: command not recognized", 39, 0);
	t = smtpd_notify_transcript();
	assert_int_equal(t->argc, 6);
	assert_string_equal(t->argv[0], "Out: 220 host ESMTP");
	assert_string_equal(t->argv[1], "In: EHLO x?y");
	assert_string_equal(t->argv[2], "In: AUTH PLAIN");
	assert_null(strstr(t->argv[3], "c2VjcmV0"));
	assert_string_equal(t->argv[4], "In: AUTH LOGIN");
	assert_int_equal(smtpd_notify_errors(), SMTPD_ERR_PROTOCOL);
	smtpd_notify_error(SMTPD_ERR_RESOURCE);
	assert_int_equal(smtpd_notify_errors(),
			 SMTPD_ERR_PROTOCOL | SMTPD_ERR_RESOURCE);

	/* A new session starts empty. */
	smtpd_notify_start();
	assert_int_equal(smtpd_notify_transcript()->argc, 0);
	assert_int_equal(smtpd_notify_errors(), 0);
}

/* test_bounds - the oldest lines go first */

static void
test_bounds(void **unused)
{
	const ARGV *t;
	char	line[64];
	char	big[2000];
	size_t	i, bytes;

	(void) unused;
	smtpd_notify_start();
	for (i = 0; i < 250; i++) {
		snprintf(line, sizeof(line), "NOOP %zu", i);
		smtpd_notify_in(line, strlen(line));
	}
	t = smtpd_notify_transcript();
	assert_int_equal(t->argc, 100);
	assert_string_equal(t->argv[0], "In: NOOP 150");
	assert_string_equal(t->argv[99], "In: NOOP 249");

	smtpd_notify_start();
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 40; i++)
		smtpd_notify_in(big, sizeof(big));
	t = smtpd_notify_transcript();
	for (bytes = 0, i = 0; i < t->argc; i++) {
		assert_true(strlen(t->argv[i]) < 600);
		bytes += strlen(t->argv[i]);
	}
	assert_true(bytes <= 10240);
	assert_true(t->argc >= 10);
	smtpd_notify_start();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
