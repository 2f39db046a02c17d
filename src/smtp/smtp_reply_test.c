/*
 * smtp_reply_test.c - unit tests for smtp_reply.c
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "smtp.h"

typedef struct {
	const char *lines[4];
	int	result;			/* of the last line */
	int	code;
	const char *dsn;
	const char *text;
} REPLY_CASE;

static const REPLY_CASE reply_cases[] = {
	{{"250 2.0.0 Ok: queued as ABC"}, 1, 250, "2.0.0",
	 "250 2.0.0 Ok: queued as ABC"},
	{{"550 5.1.1 <u@x>: Recipient address rejected"}, 1, 550, "5.1.1",
	 "550 5.1.1 <u@x>: Recipient address rejected"},
	{{"451 try later"}, 1, 451, "4.0.0", "451 try later"},
	{{"554"}, 1, 554, "5.0.0", "554"},
	{{"550-5.7.1 first", "550 5.7.1 second"}, 1, 550, "5.7.1",
	 "550-5.7.1 first 550 5.7.1 second"},
	{{"250-host", "250-PIPELINING"}, 0, 250, "2.0.0",
	 "250-host 250-PIPELINING"},
	{{"450 5.1.1 class mismatch"}, 1, 450, "4.0.0",
	 "450 5.1.1 class mismatch"},
	{{"hello"}, -1, 0, "", ""},
	{{"250-a", "251 b"}, -1, 250, "2.0.0", "250-a"},
	{{"199 low"}, -1, 0, "", ""},
	{{"354 End data with <CR><LF>.<CR><LF>"}, 1, 354, "5.5.0",
	 "354 End data with <CR><LF>.<CR><LF>"},
	{{"250x"}, -1, 0, "", ""},
	{{"220 host\tESMTP\001"}, 1, 220, "2.0.0", "220 host ESMTP "},
};

/* test_reply_lines - codes, enhanced codes, joined text */

static void
test_reply_lines(void **state)
{
	size_t	i, j;
	int	ret;

	(void) state;
	for (i = 0; i < sizeof(reply_cases) / sizeof(reply_cases[0]); i++) {
		const REPLY_CASE *c = reply_cases + i;
		SMTP_REPLY *r = smtp_reply_create();

		ret = 0;
		for (j = 0; j < 4 && c->lines[j]; j++)
			ret = smtp_reply_add_line(r, c->lines[j],
						  strlen(c->lines[j]));
		assert_int_equal(ret, c->result);
		assert_int_equal(r->code, c->code);
		assert_string_equal(r->dsn, c->dsn);
		assert_string_equal(strbuf_str(r->text), c->text);
		smtp_reply_free(r);
	}
}

/* test_reply_limit - a long line is cut, the text is bounded */

static void
test_reply_limit(void **state)
{
	SMTP_REPLY *r = smtp_reply_create();
	char	line[5000];
	int	i;

	(void) state;
	memset(line, 'x', sizeof(line));
	memcpy(line, "250-", 4);
	for (i = 0; i < 10; i++)
		assert_int_equal(smtp_reply_add_line(r, line, sizeof(line)), 0);
	assert_true(strbuf_len(r->text) <= SMTP_REPLY_TEXT_LIMIT);
	assert_int_equal(smtp_reply_add_line(r, "250 end", 7), 1);
	smtp_reply_free(r);
}

/* test_features - EHLO keywords */

static void
test_features(void **state)
{
	static const char *ehlo[] = {
		"250-mx.example.com", "250-PIPELINING", "250-SIZE 10240000",
		"250-8bitmime", "250-DSN", "250-ENHANCEDSTATUSCODES",
		"250-SMTPUTF8", "250 CHUNKING",
	};
	SMTP_REPLY *r = smtp_reply_create();
	long	size = -1;
	size_t	i;
	int	f;

	(void) state;
	for (i = 0; i < sizeof(ehlo) / sizeof(ehlo[0]); i++)
		(void) smtp_reply_add_line(r, ehlo[i], strlen(ehlo[i]));
	f = smtp_reply_features(r, &size);
	assert_int_equal(f, SMTP_FEATURE_ESMTP | SMTP_FEATURE_PIPELINING
			 | SMTP_FEATURE_SIZE | SMTP_FEATURE_8BITMIME
			 | SMTP_FEATURE_DSN | SMTP_FEATURE_ENHANCED
			 | SMTP_FEATURE_SMTPUTF8);
	assert_int_equal(size, 10240000);

	/* The greeting line is not a keyword; SIZE without a number. */
	smtp_reply_reset(r);
	(void) smtp_reply_add_line(r, "250-PIPELINING", 14);
	(void) smtp_reply_add_line(r, "250 SIZE", 8);
	f = smtp_reply_features(r, &size);
	assert_int_equal(f, SMTP_FEATURE_ESMTP | SMTP_FEATURE_SIZE);
	assert_int_equal(size, 0);
	smtp_reply_free(r);
}

/* test_auth_mechs - STARTTLS and AUTH keywords, mechanism lists */

static void
test_auth_mechs(void **state)
{
	static const struct {
		const char *lines[4];
		int	features;
		const char *mechs;
	} t[] = {
		{{"250-mx", "250-STARTTLS", "250 AUTH PLAIN login", NULL},
		 SMTP_FEATURE_STARTTLS | SMTP_FEATURE_AUTH, "PLAIN LOGIN"},
		/* The old "AUTH=" form, with duplicates of the new one. */
		{{"250-mx", "250-AUTH LOGIN PLAIN", "250 AUTH=PLAIN LOGIN", NULL},
		 SMTP_FEATURE_AUTH, "LOGIN PLAIN"},
		{{"250-mx", "250-AUTH", "250 AUTHX CRAM-MD5", NULL},
		 SMTP_FEATURE_AUTH, ""},
		/* A mechanism whose name contains another one. */
		{{"250-mx", "250-AUTH PLAINX", "250 AUTH PLAIN", NULL},
		 SMTP_FEATURE_AUTH, "PLAINX PLAIN"},
		{{"250-mx", "250 STARTTLSX", NULL, NULL}, 0, ""},
	};
	STRBUF *mechs = strbuf_create(10);
	SMTP_REPLY *r;
	long	size;
	size_t	i, j;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = smtp_reply_create();
		for (j = 0; j < 4 && t[i].lines[j]; j++)
			(void) smtp_reply_add_line(r, t[i].lines[j],
						   strlen(t[i].lines[j]));
		assert_int_equal(smtp_reply_features(r, &size),
				 SMTP_FEATURE_ESMTP | t[i].features);
		smtp_reply_auth_mechs(r, mechs);
		assert_string_equal(strbuf_str(mechs), t[i].mechs);
		smtp_reply_free(r);
	}
	strbuf_free(&mechs);
}

/* test_xtext - parameter values */

static void
test_xtext(void **state)
{
	STRBUF *out = strbuf_create(10);

	(void) state;
	strbuf_set(out, "ORCPT=rfc822;");
	smtp_xtext(out, "a+b=c d@x");
	assert_string_equal(strbuf_str(out), "ORCPT=rfc822;a+2Bb+3Dc+20d@x");
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_lines),
		cmocka_unit_test(test_reply_limit),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_auth_mechs),
		cmocka_unit_test(test_xtext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
