/*
 * mail_copy_test.c - unit tests for mail_copy
 *
 * A queue file written with qfile_write_* (small chunk size, so long
 * lines become continuation records) reads back line for line,
 * including an empty line and one with a NUL byte. mail_copy() output
 * is compared byte for byte for the mbox and SMTP flavours and for the
 * null sender; write errors give MAIL_COPY_STAT_WRITE with errno kept,
 * and damaged content (truncated file, foreign record) gives
 * MAIL_COPY_STAT_READ.
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
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "iostream.h"
#include "strbuf.h"
#include "deliver_request.h"
#include "mail_copy.h"
#include "params_global.h"
#include "qfile.h"

static char path[] = "/tmp/mail_copy_test.XXXXXX";
static off_t data_off;
static off_t line_off[10];		/* of each line's first record */

#define LONG_LINE "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"

static const struct {
	const char *text;
	size_t	len;
} lines[] = {
	{"Subject: test", 13},
	{"", 0},
	{"From me to you", 14},
	{".dot line", 9},
	{LONG_LINE, sizeof(LONG_LINE) - 1},
	{"nul\0byte", 8},
	{"From", 4},
	{"last", 4},
};

#define NLINES	(sizeof(lines) / sizeof(lines[0]))

/* write_file - the sample queue file, lines split at 10 bytes */

static void
write_file(void)
{
	IOSTREAM *st;
	STRBUF *why = strbuf_create(10);
	QFILE_WRITER *w;
	size_t  i;
	int     fd;

	fd = open(path, O_RDWR | O_TRUNC);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_RDWR);
	w = qfile_write_open(st, 1700000000L, 0, 10);
	qfile_write_sender(w, "sender@example.com");
	(void) qfile_write_rcpt(w, "user@example.org", NULL, NULL, 0);
	qfile_write_content(w);
	data_off = iostream_tell(st);
	for (i = 0; i < NLINES; i++) {
		line_off[i] = iostream_tell(st);
		qfile_write_line(w, lines[i].text, lines[i].len);
	}
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 100, why), 0);
	assert_int_equal(iostream_close(st), 0);
	strbuf_free(&why);
}

/* open_request - a request over the sample file */

static DELIVER_REQUEST *
open_request(const char *sender)
{
	DELIVER_REQUEST *req = calloc(1, sizeof(*req));
	int     fd = open(path, O_RDWR);

	assert_non_null(req);
	assert_true(fd >= 0);
	req->fp = iostream_fdopen(fd, O_RDWR);
	req->queue_id = strdup("ABCDEF12345");
	req->sender = strdup(sender);
	req->data_offset = data_off;
	return req;
}

static void
test_content_lines(void **unused)
{
	DELIVER_REQUEST *req = open_request("s@example.com");
	STRBUF *line = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	QFILE_CONTENT *c;
	size_t  i;

	/* The long line really was split. */
	assert_true(line_off[5] - line_off[4] > (off_t) (sizeof(LONG_LINE) + 2));

	c = qfile_content_open(req->fp, req->data_offset, 1000);
	for (i = 0; i < NLINES; i++) {
		assert_int_equal(qfile_content_line(c, line, why), 1);
		assert_int_equal(strbuf_len(line), lines[i].len);
		assert_memory_equal(strbuf_str(line), lines[i].text, lines[i].len);
	}
	assert_int_equal(qfile_content_line(c, line, why), 0);
	assert_int_equal(qfile_content_line(c, line, why), 0);
	qfile_content_close(c);

	/* A line longer than the caller's buffer allows is an error. */
	strbuf_set_limit(line, 20);
	c = qfile_content_open(req->fp, req->data_offset, 1000);
	for (i = 0; i < 4; i++)
		assert_int_equal(qfile_content_line(c, line, why), 1);
	assert_int_equal(qfile_content_line(c, line, why), -1);
	assert_string_equal(strbuf_str(why), "message line is too long");
	assert_int_equal(qfile_content_line(c, line, why), -1);
	qfile_content_close(c);

	/* Records longer than the limit: an error, not a huge allocation. */
	strbuf_set_limit(line, 0);
	c = qfile_content_open(req->fp, req->data_offset, 5);
	assert_int_equal(qfile_content_line(c, line, why), -1);
	qfile_content_close(c);

	deliver_request_free(req);
	strbuf_free(&line);
	strbuf_free(&why);
}

/* copy - mail_copy() into a string */

static int
copy(DELIVER_REQUEST *req, const char *dto, const char *oto, int flags,
     STRBUF *out, STRBUF *why)
{
	IOSTREAM *mem = iostream_memcreate(out);
	int     ret;

	strbuf_reset(out);
	ret = mail_copy(req, dto, oto, mem, flags, why);
	(void) iostream_close(mem);
	return ret;
}

static void
test_copy(void **unused)
{
	static const char body_mbox[] =
		"Return-Path: <sender@example.com>\n"
		"X-Original-To: Orig@example.org\n"
		"Delivered-To: user@example.org\n"
		"Subject: test\n"
		"\n"
		">From me to you\n"
		".dot line\n"
		LONG_LINE "\n"
		"nul\0byte\n"
		"From\n"
		"last\n"
		"\n";
	static const char body_smtp[] =
		"Subject: test\r\n"
		"\r\n"
		"From me to you\r\n"
		"..dot line\r\n"
		LONG_LINE "\r\n"
		"nul\0byte\r\n"
		"From\r\n"
		"last\r\n";
	DELIVER_REQUEST *req = open_request("sender@example.com");
	STRBUF *out = strbuf_create(100);
	STRBUF *why = strbuf_create(10);
	STRBUF *date = strbuf_create(10);
	size_t  from_len;
	char   *nl;

	assert_int_equal(copy(req, "user@example.org", "Orig@example.org",
			      MAIL_COPY_MBOX, out, why), MAIL_COPY_OK);
	/* "From sender@example.com  Tue Nov 14 22:13:20 2023\n" */
	nl = strchr(strbuf_str(out), '\n');
	assert_non_null(nl);
	from_len = (size_t) (nl - strbuf_str(out)) + 1;
	assert_int_equal(from_len, strlen("From sender@example.com  ") + 24 + 1);
	assert_memory_equal(strbuf_str(out), "From sender@example.com  ", 25);
	assert_int_equal(strbuf_len(out) - from_len, sizeof(body_mbox) - 1);
	assert_memory_equal(strbuf_str(out) + from_len, body_mbox,
			    sizeof(body_mbox) - 1);

	/* Maildir: no From_ line, no quoting; empty orig_to: no header. */
	assert_int_equal(copy(req, "user@example.org", "", MAIL_COPY_MAILDIR,
			      out, why), MAIL_COPY_OK);
	assert_non_null(strstr(strbuf_str(out), "Return-Path: <sender@example.com>\n"
			       "Delivered-To: user@example.org\nSubject: test\n\n"
			       "From me to you\n"));

	/* SMTP flavour: dot-stuffing and CRLF, nothing prepended. */
	assert_int_equal(copy(req, NULL, NULL, MAIL_COPY_DOT | MAIL_COPY_CRLF,
			      out, why), MAIL_COPY_OK);
	assert_int_equal(strbuf_len(out), sizeof(body_smtp) - 1);
	assert_memory_equal(strbuf_str(out), body_smtp, sizeof(body_smtp) - 1);
	deliver_request_free(req);

	/* The null sender. */
	req = open_request("");
	assert_int_equal(copy(req, NULL, NULL, MAIL_COPY_FROM | MAIL_COPY_RETURN,
			      out, why), MAIL_COPY_OK);
	assert_memory_equal(strbuf_str(out), "From MAILER-DAEMON  ", 20);
	assert_non_null(strstr(strbuf_str(out), "\nReturn-Path: <>\nSubject: test\n"));
	deliver_request_free(req);

	/* The date, as asctime() would show it. */
	setenv("TZ", "UTC", 1);
	tzset();
	mail_copy_from_date(date, 1698796800L);
	assert_string_equal(strbuf_str(date), "Wed Nov  1 00:00:00 2023");
	strbuf_reset(date);
	mail_copy_from_date(date, 1700000000L);
	assert_string_equal(strbuf_str(date), "Tue Nov 14 22:13:20 2023");

	strbuf_free(&out);
	strbuf_free(&why);
	strbuf_free(&date);
}

static void
test_write_error(void **unused)
{
	DELIVER_REQUEST *req = open_request("sender@example.com");
	STRBUF *why = strbuf_create(10);
	STRBUF *small = strbuf_create(10);
	IOSTREAM *dst;
	int     fd;

	/* A full disk. */
	fd = open("/dev/full", O_WRONLY);
	assert_true(fd >= 0);
	dst = iostream_fdopen(fd, O_WRONLY);
	errno = 0;
	assert_int_equal(mail_copy(req, "u@example.org", "", dst, MAIL_COPY_MBOX, why),
			 MAIL_COPY_STAT_WRITE);
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(strbuf_str(why),
			    "error writing message: No space left on device");
	(void) iostream_close(dst);

	/* A destination that refuses more than 50 bytes. */
	strbuf_set_limit(small, 50);
	dst = iostream_memcreate(small);
	assert_int_equal(mail_copy(req, NULL, NULL, dst, 0, why),
			 MAIL_COPY_STAT_WRITE);
	assert_int_equal(errno, ENOSPC);
	(void) iostream_close(dst);

	deliver_request_free(req);
	strbuf_free(&why);
	strbuf_free(&small);
}

static void
test_damaged(void **unused)
{
	DELIVER_REQUEST *req;
	STRBUF *out = strbuf_create(100);
	STRBUF *why = strbuf_create(10);

	/* A foreign record in the middle of the content. */
	req = open_request("sender@example.com");
	assert_int_equal(pwrite(iostream_fileno(req->fp), "R", 1, line_off[3]), 1);
	assert_int_equal(copy(req, NULL, NULL, 0, out, why), MAIL_COPY_STAT_READ);
	assert_non_null(strstr(strbuf_str(why), "error reading message: "));
	deliver_request_free(req);

	/* The file ends inside the long line. */
	write_file();
	req = open_request("sender@example.com");
	assert_int_equal(ftruncate(iostream_fileno(req->fp), line_off[4] + 20), 0);
	assert_int_equal(copy(req, NULL, NULL, 0, out, why), MAIL_COPY_STAT_READ);
	deliver_request_free(req);

	/* A bad data offset. */
	write_file();
	req = open_request("sender@example.com");
	req->data_offset = 0;
	assert_int_equal(copy(req, NULL, NULL, 0, out, why), MAIL_COPY_STAT_READ);
	deliver_request_free(req);
	write_file();

	strbuf_free(&out);
	strbuf_free(&why);
}

/* test_delivered - Delivered-To: headers, and the loop check over them */

static void
test_delivered(void **unused)
{
	static const char *const text[] = {
		"Received: from a",
		"\tby b",
		"Delivered-To:  User@Example.ORG  ",
		"Subject: x",
		"delivered-to: other@example.net",
		"",
		"Delivered-To: body@example.com",
	};
	DELIVER_REQUEST *req;
	STRBUF *why = strbuf_create(10);
	ARGV   *found;
	IOSTREAM *st;
	QFILE_WRITER *w;
	size_t	i;
	int	fd;

	fd = open(path, O_RDWR | O_TRUNC);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_RDWR);
	w = qfile_write_open(st, 1700000000L, 0, 0);
	qfile_write_sender(w, "sender@example.com");
	(void) qfile_write_rcpt(w, "user@example.org", NULL, NULL, 0);
	qfile_write_content(w);
	data_off = iostream_tell(st);
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		qfile_write_line(w, text[i], strlen(text[i]));
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 100, why), 0);
	assert_int_equal(iostream_close(st), 0);

	req = open_request("sender@example.com");
	found = mail_copy_delivered(req, why);
	assert_non_null(found);
	assert_int_equal(found->argc, 2);
	assert_string_equal(found->argv[0], "user@example.org");
	assert_string_equal(found->argv[1], "other@example.net");
	argv_free(&found);
	assert_int_equal(mail_copy_loop(req, "USER@example.org"), 1);
	assert_int_equal(mail_copy_loop(req, "other@example.net"), 1);
	assert_int_equal(mail_copy_loop(req, "body@example.com"), 0);

	/* An unreadable file: NULL and -1. */
	req->data_offset = 0;
	assert_null(mail_copy_delivered(req, why));
	assert_int_equal(mail_copy_loop(req, "user@example.org"), -1);
	deliver_request_free(req);
	write_file();
	strbuf_free(&why);
}

static int
setup(void **unused)
{
	int     fd;

	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	var_line_length_limit = 2048;
	write_file();
	return 0;
}

static int
teardown(void **unused)
{
	unlink(path);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_lines),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_delivered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
