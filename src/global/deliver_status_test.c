/*
 * deliver_status_test.c - unit tests for deliver_status
 *
 * Delay formatting at several resolution limits; and, on a real queue
 * file written with qfile_write_*, what each dstat_*() call does: the
 * log line (shape, orig_to only when it differs, delays), which status
 * log gets the recipient (bounce_append() is replaced here by a
 * recorder that can also fail), and which recipients end up marked done
 * (soft_bounce, verification, service failures and expansion copies
 * with a negative offset mark nothing).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "bounce_clnt.h"
#include "deliver_request.h"
#include "deliver_status.h"
#include "params_deliver.h"
#include "qfile.h"

static char path[] = "/tmp/deliver_status_test.XXXXXX";
static off_t rcpt_off[3];
static STRBUF *logged;			/* the last log text */
static STRBUF *appended;		/* "service:address:status:action;" */
static int fail_append;			/* the recorder fails */

/* bounce_append - stands in for the bounce client: records the call */

int
bounce_append(const char *service, int flags, const char *queue_id,
	      const DELIVER_RCPT *rcpt, const char *relay, const DSN *dsn)
{
	strbuf_append_printf(appended, "%s:%s:%s:%s;", service, rcpt->address,
			     dsn->status, dsn->action);
	return fail_append ? -1 : 0;
}

/* capture - keep the last log line */

static void
capture(int level, const char *text)
{
	strbuf_set(logged, text);
}

static void
test_format_delay(void **unused)
{
	static const struct {
		int	limit;
		double	in;
		const char *out;
	} t[] = {
		{2, 0, "0"}, {2, 0.0042, "0"}, {2, 0.123, "0.12"}, {2, 1.25, "1.2"},
		{2, 12.7, "13"}, {2, 420, "420"}, {2, 0.05, "0.05"}, {2, 0.5, "0.5"},
		{2, 1.0, "1"}, {2, 9.96, "10"}, {2, -3, "0"}, {2, 0.0999, "0.1"},
		{6, 0.0042, "0.0042"}, {6, 0.000012, "0.000012"}, {6, 0.0000004, "0"},
		{6, 1.25, "1.2"}, {1, 0.123, "0.1"}, {1, 0.05, "0.1"}, {1, 0.04, "0"},
		{0, 0.7, "1"}, {0, 3.2, "3"}, {0, 0.2, "0"},
	};
	STRBUF *out = strbuf_create(10);
	int     saved = var_delay_logging_resolution_limit;
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		var_delay_logging_resolution_limit = t[i].limit;
		strbuf_set(out, "x");
		dstat_format_delay(out, t[i].in);
		if (strcmp(strbuf_str(out) + 1, t[i].out) != 0)
			fail_msg("limit %d, %g: got \"%s\", want \"%s\"", t[i].limit,
				 t[i].in, strbuf_str(out) + 1, t[i].out);
	}
	var_delay_logging_resolution_limit = saved;
	strbuf_free(&out);
}

/* make_request - a fresh queue file and a request for its recipients */

static DELIVER_REQUEST *
make_request(int flags)
{
	static const char *addr[3] = {"a@example.org", "b@example.org", "c@example.org"};
	DELIVER_REQUEST *req = calloc(1, sizeof(*req));
	STRBUF *why = strbuf_create(10);
	QFILE_WRITER *w;
	IOSTREAM *st;
	struct timeval tv;
	int     fd;
	int     i;

	assert_non_null(req);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_RDWR);
	w = qfile_write_open(st, 1700000000L, 0, 0);
	qfile_write_sender(w, "sender@example.com");
	rcpt_off[0] = qfile_write_rcpt(w, addr[0], "Alias@example.org", NULL, 0);
	rcpt_off[1] = qfile_write_rcpt(w, addr[1], "B@Example.org", NULL,
				       QFILE_NOTIFY_SUCCESS);
	rcpt_off[2] = qfile_write_rcpt(w, addr[2], NULL, NULL, 0);
	qfile_write_content(w);
	qfile_write_line(w, "Subject: x", 10);
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 12, why), 0);
	assert_int_equal(iostream_seek(st, 0, SEEK_SET), 0);
	strbuf_free(&why);

	(void) gettimeofday(&tv, NULL);
	req->fp = st;
	req->flags = flags;
	req->queue_name = strdup("active");
	req->queue_id = strdup("ABCDEF12345");
	req->received_sec = (long) tv.tv_sec;
	req->received_usec = (long) tv.tv_usec;
	req->arrival_sec = req->received_sec - 3;
	req->arrival_usec = req->received_usec;
	req->active_sec = req->received_sec - 1;
	req->active_usec = req->received_usec;
	req->hop_status = strdup("");
	req->hop_reason = strdup("");
	req->rcpt_count = 3;
	req->rcpts = calloc(3, sizeof(*req->rcpts));
	assert_non_null(req->rcpts);
	for (i = 0; i < 3; i++) {
		req->rcpts[i].address = strdup(addr[i]);
		req->rcpts[i].orig_addr = strdup(i == 0 ? "Alias@example.org" :
						i == 1 ? "B@Example.org" : "");
		req->rcpts[i].dsn_orcpt = strdup("");
		req->rcpts[i].offset = rcpt_off[i];
		req->rcpts[i].dsn_notify = i == 1 ? QFILE_NOTIFY_SUCCESS : 0;
	}
	return req;
}

/* marks - the type byte of each recipient record, as "RDR" */

static const char *
marks(DELIVER_REQUEST *req)
{
	static char buf[4];
	int     i;

	for (i = 0; i < 3; i++)
		assert_int_equal(pread(iostream_fileno(req->fp), buf + i, 1,
				       rcpt_off[i]), 1);
	buf[3] = 0;
	return buf;
}

/* reset - forget what was logged and appended */

static void
reset(void)
{
	strbuf_reset(logged);
	strbuf_reset(appended);
	fail_append = 0;
	var_soft_bounce = 0;
}

static void
test_sent(void **unused)
{
	DELIVER_REQUEST *req = make_request(0);
	DSN     dsn = DSN_SIMPLE("2.0.0", "delivered to mailbox");

	reset();
	assert_int_equal(dstat_sent(req, req->rcpts + 0, "local", &dsn), 0);
	assert_string_equal(strbuf_str(logged),
			    "ABCDEF12345: to=<a@example.org>, "
			    "orig_to=<Alias@example.org>, relay=local, delay=3, "
			    "delays=2/1/0/0, dsn=2.0.0, status=sent "
			    "(delivered to mailbox)");
	assert_string_equal(strbuf_str(appended), "");
	assert_string_equal(marks(req), "DRR");

	/* NOTIFY=SUCCESS: the trace log; orig_to differs only in case. */
	assert_int_equal(dstat_sent(req, req->rcpts + 1, "local", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged), "to=<b@example.org>, relay=local"));
	assert_string_equal(strbuf_str(appended),
			    "trace:b@example.org:2.0.0:delivered;");
	assert_string_equal(marks(req), "DDR");

	/* Connection setup time and a relayed action. */
	req->conn_sec = req->received_sec;
	req->conn_usec = req->received_usec;
	req->active_usec = req->received_usec > 500000 ?
		req->received_usec - 500000 : req->received_usec + 500000;
	if (req->active_usec > req->received_usec)
		req->active_sec--;
	reset();
	dsn.action = "relayed";
	dsn.status = "2.6.0";
	assert_int_equal(dstat_report(req, req->rcpts + 2, "mx[192.0.2.1]:25", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged),
			       "to=<c@example.org>, relay=mx[192.0.2.1]:25, "
			       "delay=3, delays=1.5/1.5/0/0, dsn=2.6.0, status=sent"));
	assert_string_equal(marks(req), "DDD");

	/* Trace service failure: deferred, not marked. */
	req->rcpts[1].offset = rcpt_off[1];
	assert_int_equal(pwrite(iostream_fileno(req->fp), "R", 1, rcpt_off[1]), 1);
	reset();
	fail_append = 1;
	dsn.status = "2.0.0";
	assert_int_equal(dstat_sent(req, req->rcpts + 1, "local", &dsn), -1);
	assert_non_null(strstr(strbuf_str(logged),
			       "dsn=4.3.0, status=deferred (bounce or trace "
			       "service failure)"));
	assert_string_equal(marks(req), "DRD");
	deliver_request_free(req);
}

static void
test_bounce_defer(void **unused)
{
	DELIVER_REQUEST *req = make_request(DEL_REQ_FLAG_RECORD);
	DSN     dsn = DSN_SIMPLE("5.1.1", "unknown user: \"a\"");

	reset();
	assert_int_equal(dstat_bounce(req, req->rcpts + 0, "local", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged),
			       "dsn=5.1.1, status=bounced (unknown user: \"a\")"));
	assert_string_equal(strbuf_str(appended),
			    "bounce:a@example.org:5.1.1:failed;"
			    "trace:a@example.org:5.1.1:failed;");
	assert_string_equal(marks(req), "DRR");
	assert_int_equal(req->deferred, 0);

	/* soft_bounce: a deferral with a 4.x.x code, no mark. */
	reset();
	var_soft_bounce = 1;
	assert_int_equal(dstat_bounce(req, req->rcpts + 1, "local", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged),
			       "dsn=4.1.1, status=deferred (unknown user"));
	assert_string_equal(strbuf_str(appended),
			    "defer:b@example.org:4.1.1:delayed;"
			    "trace:b@example.org:4.1.1:delayed;");
	assert_string_equal(marks(req), "DRR");
	assert_int_equal(req->deferred, 1);

	/* A deferral; a malformed code becomes 4.0.0. */
	reset();
	dsn.status = "4.4.1";
	assert_int_equal(dstat_defer(req, req->rcpts + 2, "none", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged), "dsn=4.4.1, status=deferred"));
	dsn.status = "bogus";
	reset();
	assert_int_equal(dstat_report(req, req->rcpts + 2, "none", &dsn), 0);
	assert_non_null(strstr(strbuf_str(logged), "dsn=4.0.0, status=deferred"));
	assert_string_equal(marks(req), "DRR");
	assert_int_equal(req->deferred, 3);

	/* Bounce service failure: deferred, not marked, -1. */
	reset();
	fail_append = 1;
	dsn.status = "5.0.0";
	assert_int_equal(dstat_bounce(req, req->rcpts + 2, "none", &dsn), -1);
	assert_non_null(strstr(strbuf_str(logged), "dsn=4.3.0, status=deferred"));
	assert_string_equal(marks(req), "DRR");
	assert_int_equal(req->deferred, 4);

	/* An expansion's copy (offset -1) is never marked. */
	reset();
	{
		DELIVER_RCPT copy = req->rcpts[2];

		copy.offset = -1;
		dsn.status = "5.0.0";
		assert_int_equal(dstat_bounce(req, &copy, "local", &dsn), 0);
		assert_non_null(strstr(strbuf_str(logged), "status=bounced"));
		assert_int_equal(dstat_sent(req, &copy, "local", &dsn), 0);
		assert_non_null(strstr(strbuf_str(logged), "status=sent"));
		assert_string_equal(marks(req), "DRR");
	}

	/* Everyone at once. */
	reset();
	dsn.status = "5.0.0";
	assert_int_equal(dstat_report_all(req, "none", &dsn), 0);
	assert_string_equal(marks(req), "DDD");
	assert_int_equal(req->deferred, 4);
	deliver_request_free(req);
}

static void
test_verify(void **unused)
{
	DELIVER_REQUEST *req = make_request(DEL_REQ_FLAG_USR_VRFY);
	DSN     ok = DSN_SIMPLE("2.0.0", "delivers to mailbox");
	DSN     bad = DSN_SIMPLE("5.1.1", "unknown user");

	reset();
	var_soft_bounce = 1;			/* no effect on verification */
	assert_int_equal(dstat_sent(req, req->rcpts + 0, "local", &ok), 0);
	assert_non_null(strstr(strbuf_str(logged), "status=deliverable"));
	assert_int_equal(dstat_bounce(req, req->rcpts + 1, "local", &bad), 0);
	assert_non_null(strstr(strbuf_str(logged),
			       "dsn=5.1.1, status=undeliverable"));
	assert_int_equal(dstat_defer(req, req->rcpts + 2, "local", &bad), 0);
	assert_string_equal(strbuf_str(appended),
			    "trace:a@example.org:2.0.0:deliverable;"
			    "trace:b@example.org:5.1.1:undeliverable;"
			    "trace:c@example.org:4.1.1:undeliverable;");
	assert_string_equal(marks(req), "RRR");
	var_soft_bounce = 0;
	deliver_request_free(req);
}

static int
setup(void **unused)
{
	int     fd;

	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	logged = strbuf_create(100);
	appended = strbuf_create(100);
	log_init("deliver_status_test", 0);
	log_add_output(capture);
	var_delay_logging_resolution_limit = 2;
	return 0;
}

static int
teardown(void **unused)
{
	unlink(path);
	strbuf_free(&logged);
	strbuf_free(&appended);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_delay),
		cmocka_unit_test(test_sent),
		cmocka_unit_test(test_bounce_defer),
		cmocka_unit_test(test_verify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
