/*
 * bounce_log_test.c - unit tests for bounce_log
 *
 * Round trips of entries through the writer's text and the reader
 * (control characters made spaces, empty optional fields), malformed
 * entries skipped (no recipient, bad status, bad numbers, a line
 * without '=', an overlong line) while unknown fields are ignored, an
 * unfinished last entry ignored by the reader and cut off by the next
 * append, and appends, reads and removal in a hashed queue directory.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iostream.h"
#include "strbuf.h"
#include "bounce_log.h"
#include "params_global.h"

static char dir[] = "/tmp/bounce_log_test.XXXXXX";
static char cwd[4096];

/* make_entry - fill an entry from strings */

static void
make_entry(BOUNCE_LOG_ENTRY *e, const char *addr, const char *orig,
	   const char *status, const char *reason, const char *dtext)
{
	memset(e, 0, sizeof(*e));
	e->rcpt.address = (char *) addr;
	e->rcpt.orig_addr = (char *) orig;
	e->rcpt.dsn_orcpt = (char *) "rfc822;x@example.com";
	e->rcpt.dsn_notify = 6;
	e->rcpt.offset = 1234;
	e->dsn.status = status;
	e->dsn.action = "failed";
	e->dsn.reason = reason;
	e->dsn.dtype = dtext[0] ? "smtp" : "";
	e->dsn.dtext = dtext;
	e->dsn.mtype = dtext[0] ? "dns" : "";
	e->dsn.mname = dtext[0] ? "mx.example.com" : "";
	e->relay = "mx.example.com[192.0.2.1]:25";
	e->log_sec = 1795312345;
}

/* reader_over - a reader over a copy of text */

static BOUNCE_LOG *
reader_over(const char *text)
{
	return bounce_log_stream(iostream_memopen(text, strlen(text)), "test");
}

static void
test_round_trip(void **unused)
{
	static const struct {
		const char *addr, *orig, *status, *reason, *dtext;
		const char *reason_out;
	} t[] = {
		{"a@example.com", "", "5.1.1", "unknown user: \"a\"", "", "unknown user: \"a\""},
		{"b@example.com", "alias@example.com", "4.4.1", "connect: refused",
		 "", "connect: refused"},
		{"c@example.com", "", "5.7.1", "line1\nline2\rx\tz", "550 5.7.1 no",
		 "line1 line2 x z"},
		{"d=e@example.com", "", "2.0.0", "delivered to mailbox", "", "delivered to mailbox"},
	};
	STRBUF *text = strbuf_create(100);
	BOUNCE_LOG_ENTRY e;
	const BOUNCE_LOG_ENTRY *r;
	BOUNCE_LOG *log;
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		make_entry(&e, t[i].addr, t[i].orig, t[i].status, t[i].reason,
			   t[i].dtext);
		bounce_log_format(text, &e);
	}
	log = reader_over(strbuf_str(text));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = bounce_log_read(log);
		assert_non_null(r);
		assert_string_equal(r->rcpt.address, t[i].addr);
		assert_string_equal(r->rcpt.orig_addr, t[i].orig);
		assert_string_equal(r->rcpt.dsn_orcpt, "rfc822;x@example.com");
		assert_int_equal(r->rcpt.dsn_notify, 6);
		assert_int_equal(r->rcpt.offset, 1234);
		assert_string_equal(r->dsn.status, t[i].status);
		assert_string_equal(r->dsn.action, "failed");
		assert_string_equal(r->dsn.reason, t[i].reason_out);
		assert_string_equal(r->dsn.dtext, t[i].dtext);
		assert_string_equal(r->dsn.dtype, t[i].dtext[0] ? "smtp" : "");
		assert_string_equal(r->dsn.mname, t[i].dtext[0] ? "mx.example.com" : "");
		assert_string_equal(r->relay, "mx.example.com[192.0.2.1]:25");
		assert_int_equal(r->log_sec, 1795312345);
	}
	assert_null(bounce_log_read(log));
	assert_null(bounce_log_read(log));
	bounce_log_close(log);
	strbuf_free(&text);
}

static void
test_malformed(void **unused)
{
	static const struct {
		const char *text;
		const char *addrs;		/* recipients read, space-separated */
	} t[] = {
		/* Minimal entry: only the required fields. */
		{"recipient=a\nstatus=5.0.0\n\n", "a"},
		/* Stray empty lines between entries. */
		{"\n\nrecipient=a\nstatus=5.0.0\n\n\n\nrecipient=b\nstatus=4.0.0\n\n", "a b"},
		/* No recipient, an empty one, no status, bad status. */
		{"status=5.0.0\n\nrecipient=\nstatus=5.0.0\n\n"
		 "recipient=b\n\nrecipient=c\nstatus=9.9.9\n\n"
		 "recipient=d\nstatus=5.1.1\n\n", "d"},
		/* Bad numbers. */
		{"recipient=a\nstatus=5.0.0\noffset=-3\n\n"
		 "recipient=b\nstatus=5.0.0\nlog_time=x\n\n"
		 "recipient=c\nstatus=5.0.0\ndsn_notify=99999\n\n"
		 "recipient=d\nstatus=5.0.0\n\n", "d"},
		/* A line without '=' spoils its entry only. */
		{"recipient=a\ngarbage\nstatus=5.0.0\n\nrecipient=b\nstatus=5.0.0\n\n", "b"},
		/* Unknown fields are ignored. */
		{"recipient=a\nfuture_field=1\nstatus=5.0.0\n\n", "a"},
		/* An unfinished last entry is not an entry. */
		{"recipient=a\nstatus=5.0.0\n\nrecipient=b\nstatus=5.0.0\n", "a"},
		{"recipient=a\nstatus=5.0.0\n\nrecipient=b\nstat", "a"},
		{"recipient=a\nstatus=5.0.0", ""},
		{"", ""},
	};
	STRBUF *got = strbuf_create(10);
	const BOUNCE_LOG_ENTRY *r;
	BOUNCE_LOG *log;
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		strbuf_reset(got);
		log = reader_over(t[i].text);
		while ((r = bounce_log_read(log)) != NULL) {
			if (strbuf_len(got))
				strbuf_append_char(got, ' ');
			strbuf_append_str(got, r->rcpt.address);
		}
		bounce_log_close(log);
		assert_string_equal(strbuf_str(got), t[i].addrs);
	}
	strbuf_free(&got);
}

static void
test_overlong_line(void **unused)
{
	STRBUF *text = strbuf_create(100);
	const BOUNCE_LOG_ENTRY *r;
	BOUNCE_LOG *log;
	size_t	i;

	strbuf_append_str(text, "recipient=a\nstatus=5.0.0\nreason=");
	for (i = 0; i < BOUNCE_LOG_LINE_LIMIT + 10; i++)
		strbuf_append_char(text, 'x');
	strbuf_append_str(text, "\n\nrecipient=b\nstatus=5.0.0\n\n");
	log = reader_over(strbuf_str(text));
	r = bounce_log_read(log);
	assert_non_null(r);
	assert_string_equal(r->rcpt.address, "b");
	assert_null(bounce_log_read(log));
	bounce_log_close(log);
	strbuf_free(&text);
}

/* read_addrs - the recipients of a log on disk, space-separated */

static void
read_addrs(const char *service, const char *id, STRBUF *got)
{
	const BOUNCE_LOG_ENTRY *r;
	BOUNCE_LOG *log;

	strbuf_reset(got);
	log = bounce_log_open(service, id);
	assert_non_null(log);
	while ((r = bounce_log_read(log)) != NULL) {
		if (strbuf_len(got))
			strbuf_append_char(got, ' ');
		strbuf_append_str(got, r->rcpt.address);
	}
	bounce_log_close(log);
}

static void
test_append_files(void **unused)
{
	static const char id[] = "C3CD21F3E90";
	STRBUF *why = strbuf_create(10);
	STRBUF *got = strbuf_create(10);
	BOUNCE_LOG_ENTRY e;
	struct stat st;
	FILE   *fp;

	/* No log yet. */
	errno = 0;
	assert_null(bounce_log_open("defer", id));
	assert_int_equal(errno, ENOENT);

	/* The hash subdirectory is created on demand. */
	make_entry(&e, "a@example.com", "", "4.4.1", "refused", "");
	assert_int_equal(bounce_log_append("defer", id, &e, why), 0);
	make_entry(&e, "b@example.com", "", "4.4.1", "refused", "");
	assert_int_equal(bounce_log_append("defer", id, &e, why), 0);
	assert_int_equal(stat("defer/C/C3CD21F3E90", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	read_addrs("defer", id, got);
	assert_string_equal(strbuf_str(got), "a@example.com b@example.com");

	/* A writer died half-way: the reader skips, the next append cuts. */
	fp = fopen("defer/C/C3CD21F3E90", "a");
	assert_non_null(fp);
	fputs("recipient=dead@example.com\nstatus=4.", fp);
	fclose(fp);
	read_addrs("defer", id, got);
	assert_string_equal(strbuf_str(got), "a@example.com b@example.com");
	make_entry(&e, "c@example.com", "", "4.4.1", "refused", "");
	assert_int_equal(bounce_log_append("defer", id, &e, why), 0);
	read_addrs("defer", id, got);
	assert_string_equal(strbuf_str(got),
			    "a@example.com b@example.com c@example.com");

	/* A file that is nothing but junk is emptied by the next append. */
	fp = fopen("bounce/C3CD21F3E90", "w");
	assert_non_null(fp);
	fputs("junk without an end", fp);
	fclose(fp);
	assert_int_equal(bounce_log_append("bounce", id, &e, why), 0);
	read_addrs("bounce", id, got);
	assert_string_equal(strbuf_str(got), "c@example.com");

	/* Removal. */
	assert_int_equal(bounce_log_remove("defer", id), 0);
	assert_int_equal(bounce_log_remove("defer", id), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(bounce_log_open("defer", id));
	assert_int_equal(bounce_log_remove("defer", "../x"), -1);

	/* A bad name or a missing queue directory is an error with why. */
	assert_int_equal(bounce_log_append("nonexistent", id, &e, why), -1);
	assert_true(strbuf_len(why) > 0);

	/* Two hash levels. */
	var_hash_queue_depth = 2;
	assert_int_equal(bounce_log_append("defer", "D4CD21F3E90", &e, why), 0);
	assert_int_equal(stat("defer/D/4/D4CD21F3E90", &st), 0);
	read_addrs("defer", "D4CD21F3E90", got);
	assert_string_equal(strbuf_str(got), "c@example.com");
	var_hash_queue_depth = 1;

	strbuf_free(&why);
	strbuf_free(&got);
}

static int
setup(void **unused)
{
	if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(dir) == NULL
	    || chdir(dir) < 0 || mkdir("defer", 0700) < 0
	    || mkdir("bounce", 0700) < 0)
		return -1;
	var_hash_queue_names = "deferred, defer";
	var_hash_queue_depth = 1;
	return 0;
}

static int
teardown(void **unused)
{
	char	cmd[4200];

	if (chdir(cwd) < 0)
		return -1;
	if (snprintf(cmd, sizeof(cmd), "rm -rf %s", dir) >= (int) sizeof(cmd)
	    || system(cmd) != 0)
		return -1;
	var_hash_queue_names = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test_setup_teardown(test_append_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
