/*
 * bounce_notify_test.c - unit tests for bounce_notify
 *
 * Which recipients each kind of notification reports (DSN NOTIFY,
 * sendmail -bv/-v flags); the composed multipart/report: subject,
 * human-readable lines, delivery-status fields, and whether the
 * original comes back whole (message/rfc822) or as headers only (DSN
 * RET=HDRS, larger than bounce_size_limit, delay warnings, postmaster
 * copies); RFC 5322 dates.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iostream.h"
#include "strbuf.h"
#include "deliver_request.h"
#include "params_bounce.h"
#include "params_global.h"
#include "qfile.h"
#include "bounce.h"

static void
test_wanted(void **unused)
{
	static const struct {
		int	kind, flags, notify, want;
	} t[] = {
		{BOUNCE_KIND_FAILED, 0, 0, 1},
		{BOUNCE_KIND_FAILED, 0, QFILE_NOTIFY_FAILURE, 1},
		{BOUNCE_KIND_FAILED, 0, QFILE_NOTIFY_NEVER, 0},
		{BOUNCE_KIND_FAILED, 0, QFILE_NOTIFY_SUCCESS | QFILE_NOTIFY_DELAY, 0},
		{BOUNCE_KIND_DELAYED, 0, 0, 1},
		{BOUNCE_KIND_DELAYED, 0, QFILE_NOTIFY_DELAY, 1},
		{BOUNCE_KIND_DELAYED, 0, QFILE_NOTIFY_FAILURE, 0},
		{BOUNCE_KIND_DELAYED, 0, QFILE_NOTIFY_NEVER, 0},
		{BOUNCE_KIND_SUCCESS, 0, 0, 0},
		{BOUNCE_KIND_SUCCESS, 0, QFILE_NOTIFY_SUCCESS, 1},
		{BOUNCE_KIND_SUCCESS, 0, QFILE_NOTIFY_FAILURE, 0},
		{BOUNCE_KIND_SUCCESS, DEL_REQ_FLAG_USR_VRFY, 0, 1},
		{BOUNCE_KIND_SUCCESS, DEL_REQ_FLAG_RECORD, QFILE_NOTIFY_NEVER, 1},
	};
	BOUNCE_LOG_ENTRY e;
	size_t	i;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		e.rcpt.dsn_notify = t[i].notify;
		assert_int_equal(bounce_wanted(t[i].kind, t[i].flags, &e), t[i].want);
	}
}

static void
test_date(void **unused)
{
	STRBUF *out = strbuf_create(10);

	setenv("TZ", "UTC", 1);
	tzset();
	bounce_date(out, 0);
	assert_string_equal(strbuf_str(out), "Thu, 1 Jan 1970 00:00:00 +0000 (UTC)");
	strbuf_reset(out);
	bounce_date(out, 1795312345);
	assert_string_equal(strbuf_str(out), "Sun, 22 Nov 2026 01:52:25 +0000 (UTC)");
	strbuf_free(&out);
}

/* put_text - BOUNCE_PUT_FN into a STRBUF */

static void
put_text(void *context, const char *line, size_t len)
{
	strbuf_append((STRBUF *) context, line, len);
	strbuf_append_char((STRBUF *) context, '\n');
}

/* make_qfile - a queue file with a small message; returns the stream */

static IOSTREAM *
make_qfile(off_t *data_offset, long *size)
{
	static const char *lines[] = {
		"Subject: hello", "From: a@example.com", "", "body line 1",
		"body line 2",
	};
	char	path[] = "/tmp/bounce_notify_test.XXXXXX";
	STRBUF *why = strbuf_create(10);
	QFILE_WRITER *w;
	IOSTREAM *st;
	QFILE  *q;
	size_t	i;
	int	fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	st = iostream_fdopen(fd, O_RDWR);
	w = qfile_write_open(st, 1795312345, 0, 2048);
	qfile_write_sender(w, "a@example.com");
	qfile_write_rcpt(w, "b@example.com", NULL, NULL, 0);
	qfile_write_content(w);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		qfile_write_line(w, lines[i], strlen(lines[i]));
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 70, why), 0);
	assert_int_equal(iostream_seek(st, 0, SEEK_SET), 0);
	q = qfile_read(st, 65536, 0, why);
	assert_non_null(q);
	*data_offset = (off_t) q->size[QFILE_SIZE_DATA_OFFSET];
	*size = q->size[QFILE_SIZE_CONTENT];
	qfile_free(q);
	strbuf_free(&why);
	return st;
}

static void
test_compose(void **unused)
{
	static const struct {
		int	kind, postmaster, ret, limit, flags;
		const char *must[6];
		const char *mustnt[3];
	} t[] = {
		{BOUNCE_KIND_FAILED, 0, 0, 50000, 0,
		 {"Subject: Undelivered Mail Returned to Sender\n",
		  "\n<b@example.com>: unknown user: \"b\"\n",
		  "\nAction: failed\nStatus: 5.1.1\n"
		  "Diagnostic-Code: X-Postfix; unknown user: \"b\"\n",
		  "Content-Type: message/rfc822\n\nSubject: hello\n",
		  "body line 2\n",
		  "X-Postfix-Sender: rfc822; a@example.com\n"},
		 {"c@example.com", "text/rfc822-headers", NULL}},
		{BOUNCE_KIND_FAILED, 0, QFILE_RET_HDRS, 50000, 0,
		 {"Content-Type: text/rfc822-headers\n\nSubject: hello\n"
		  "From: a@example.com\n\n--", NULL},
		 {"body line", NULL}},
		{BOUNCE_KIND_FAILED, 0, 0, 20, 0,
		 {"Content-Description: Undelivered Message Headers\n", NULL},
		 {"body line", NULL}},
		{BOUNCE_KIND_FAILED, 1, 0, 50000, 0,
		 {"Subject: Postmaster Copy: Undelivered Mail\n",
		  "<c@example.com>", NULL},
		 {"body line", NULL}},
		{BOUNCE_KIND_DELAYED, 0, 0, 50000, 0,
		 {"Subject: Delayed Mail (still being retried)\n",
		  "Action: delayed\n",
		  "Will-Retry-Until: ", "Last-Attempt-Date: ", NULL},
		 {"body line", NULL}},
		{BOUNCE_KIND_SUCCESS, 0, 0, 50000, DEL_REQ_FLAG_USR_VRFY,
		 {"Subject: Mail Delivery Status Report\n", "Action: deliverable\n",
		  NULL},
		 {NULL}},
		{BOUNCE_KIND_SUCCESS, 0, 0, 50000, 0,
		 {"Subject: Successful Mail Delivery Report\n", NULL},
		 {NULL}},
	};
	BOUNCE_LOG_ENTRY ent[2];
	BOUNCE_LIST list = {ent, 2, 2};
	BOUNCE_NOTICE n;
	BOUNCE_MSG msg;
	STRBUF *out = strbuf_create(1000);
	IOSTREAM *qf;
	off_t	off;
	long	size;
	size_t	i, j;
	char	sel[2];

	var_myhostname = "mx.example.org";
	var_line_length_limit = 2048;
	memset(ent, 0, sizeof(ent));
	for (j = 0; j < 2; j++) {
		ent[j].rcpt.address = j ? "c@example.com" : "b@example.com";
		ent[j].rcpt.orig_addr = "";
		ent[j].rcpt.dsn_orcpt = "";
		ent[j].dsn.status = "5.1.1";
		ent[j].dsn.action = "deliverable";
		ent[j].dsn.reason = j ? "nope" : "unknown user: \"b\"";
		ent[j].dsn.dtype = ent[j].dsn.dtext = "";
		ent[j].dsn.mtype = ent[j].dsn.mname = "";
		ent[j].relay = "local";
		ent[j].log_sec = 1795312345;
	}
	qf = make_qfile(&off, &size);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&msg, 0, sizeof(msg));
		msg.queue_name = "active";
		msg.queue_id = "C3CD21F3E90";
		msg.encoding = "";
		msg.sender = "a@example.com";
		msg.dsn_envid = "";
		msg.dsn_ret = t[i].ret;
		msg.flags = t[i].flags;
		memset(&n, 0, sizeof(n));
		n.kind = t[i].kind;
		n.postmaster = t[i].postmaster;
		n.to = "a@example.com";
		n.now = 1795312345;
		n.arrival_sec = 1795312345;
		n.retry_until = 1795312345 + 5 * 86400;
		n.boundary = "B.1/mx";
		var_bounce_size_limit = t[i].limit;
		sel[0] = 1;
		sel[1] = (char) t[i].postmaster;
		strbuf_reset(out);
		assert_int_equal(bounce_compose(&msg, &n, &list, sel, qf, off, size,
						put_text, out), 0);
		assert_non_null(strstr(strbuf_str(out),
		     "Content-Type: multipart/report; report-type=delivery-status;\n"
				       "\tboundary=\"B.1/mx\"\n"));
		assert_non_null(strstr(strbuf_str(out), "\n--B.1/mx--\n"));
		assert_non_null(strstr(strbuf_str(out),
				       "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"));
		assert_non_null(strstr(strbuf_str(out), "Auto-Submitted: auto-replied\n"));
		assert_non_null(strstr(strbuf_str(out),
			      "Final-Recipient: rfc822; b@example.com\n"));
		for (j = 0; j < 6 && t[i].must[j]; j++)
			if (strstr(strbuf_str(out), t[i].must[j]) == NULL)
				fail_msg("case %zu: missing \"%s\" in:\n%s", i,
					 t[i].must[j], strbuf_str(out));
		for (j = 0; j < 3 && t[i].mustnt[j]; j++)
			if (strstr(strbuf_str(out), t[i].mustnt[j]) != NULL)
				fail_msg("case %zu: unexpected \"%s\" in:\n%s", i,
					 t[i].mustnt[j], strbuf_str(out));
	}

	/* No queue file: still a complete report, with a note. */
	strbuf_reset(out);
	n.kind = BOUNCE_KIND_FAILED;
	assert_int_equal(bounce_compose(&msg, &n, &list, sel, NULL, 0, 0,
					put_text, out), 0);
	assert_non_null(strstr(strbuf_str(out), "not available"));
	assert_non_null(strstr(strbuf_str(out), "\n--B.1/mx--\n"));

	(void) iostream_close(qf);
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_compose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
