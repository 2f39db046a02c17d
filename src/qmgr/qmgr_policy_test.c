/*
 * qmgr_policy_test.c - tests for the queue manager's pure decisions
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "strbuf.h"
#include "mail_queue.h"
#include "qmgr.h"

/* test_backoff - the age, clamped to [min, max] */

static void
test_backoff(void **unused)
{
	static const struct {
		long	age;
		int	min, max, want;
	} t[] = {
		{0, 300, 4000, 300},
		{299, 300, 4000, 300},
		{300, 300, 4000, 300},
		{600, 300, 4000, 600},	/* retried at 600: doubling */
		{1200, 300, 4000, 1200},
		{3999, 300, 4000, 3999},
		{50000, 300, 4000, 4000},
		{-5, 300, 4000, 300},	/* clock went back */
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(qmgr_backoff(t[i].age, t[i].min, t[i].max),
				 t[i].want);
}

/* test_expiry_warn - lifetime and delay warning decisions */

static void
test_expiry_warn(void **unused)
{
	assert_true(qmgr_expired(432000, 432000));
	assert_false(qmgr_expired(431999, 432000));
	assert_true(qmgr_expired(0, 0));	/* lifetime 0: one attempt */
	assert_false(qmgr_warn_due(10000, 0, 0));	/* disabled */
	assert_false(qmgr_warn_due(3599, 3600, 0));
	assert_true(qmgr_warn_due(3600, 3600, 0));
	assert_false(qmgr_warn_due(7200, 3600, QMGR_QFLAG_WARNED));
}

/* test_feedback_parse - accepted and refused forms */

static void
test_feedback_parse(void **unused)
{
	static const struct {
		const char *in;
		int	ok;
		double	value;
		int	per_window;
	} t[] = {
		{"1", 0, 1, 0},
		{"0.5", 0, 0.5, 0},
		{"1/concurrency", 0, 1, 1},
		{"1 / concurrency", 0, 1, 1},
		{"0", 0, 0, 0},
		{"0/concurrency", 0, 0, 1},
		{"1/4", 0, 0.25, 0},
		{"1 / 2", 0, 0.5, 0},
		{"3/2", -1, 1, 0},
		{"1/0", -1, 1, 0},
		{"1/", -1, 1, 0},
		{"-0.5", -1, 1, 0},
		{"2", -1, 1, 0},
		{"1/foo", -1, 1, 0},
		{"", -1, 1, 0},
		{"x", -1, 1, 0},
		{"1 junk", -1, 1, 0},
	};
	QMGR_FEEDBACK fb;
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(qmgr_feedback_parse(t[i].in, &fb), t[i].ok);
		assert_true(fb.value == t[i].value);
		assert_int_equal(fb.per_window, t[i].per_window);
	}
}

static QMGR_WINDOW_CONF conf_default = {
	.init = 5, .limit = 20, .cohort_limit = 1,
	.pos = {1, 0}, .neg = {1, 0},
};

/* test_window_growth - +1 per success, capped by the limit */

static void
test_window_growth(void **unused)
{
	QMGR_WINDOW w;
	int	i;

	qmgr_window_init(&w, &conf_default);
	assert_int_equal(w.window, 5);
	qmgr_window_success(&w, &conf_default, 5);
	assert_int_equal(w.window, 6);
	for (i = 0; i < 100; i++)
		qmgr_window_success(&w, &conf_default, w.window);
	assert_int_equal(w.window, 20);

	/* An idle destination does not grow past busy + init. */
	qmgr_window_init(&w, &conf_default);
	for (i = 0; i < 100; i++)
		qmgr_window_success(&w, &conf_default, 0);
	assert_int_equal(w.window, 5);

	/* 1/concurrency: a window's worth of successes for +1. */
	{
		QMGR_WINDOW_CONF c = conf_default;

		c.pos.per_window = 1;
		qmgr_window_init(&w, &c);
		for (i = 0; i < 4; i++)
			qmgr_window_success(&w, &c, 5);
		assert_int_equal(w.window, 5);
		qmgr_window_success(&w, &c, 5);
		assert_int_equal(w.window, 6);
	}

	/* The initial concurrency never exceeds the limit. */
	{
		QMGR_WINDOW_CONF c = conf_default;

		c.limit = 2;
		qmgr_window_init(&w, &c);
		assert_int_equal(w.window, 2);
	}
}

/* test_window_failure - cohorts and dead destinations */

static void
test_window_failure(void **unused)
{
	QMGR_WINDOW_CONF c = conf_default;
	QMGR_WINDOW w;
	int	i;

	/* Cohort limit 1, window 1: the first failure kills it. */
	c.init = 1;
	qmgr_window_init(&w, &c);
	assert_int_equal(qmgr_window_failure(&w, &c), 1);
	assert_int_equal(w.window, 0);
	assert_int_equal(qmgr_window_failure(&w, &c), 1);

	/* Window 5: five failures make one cohort, shrinking meanwhile. */
	c.init = 5;
	qmgr_window_init(&w, &c);
	assert_int_equal(qmgr_window_failure(&w, &c), 0);
	assert_int_equal(w.window, 4);
	for (i = 0; i < 10 && qmgr_window_failure(&w, &c) == 0; i++)
		assert_true(w.window >= 1);
	assert_int_equal(w.window, 0);
	assert_true(i < 10);

	/* A success resets the cohort count; after death it restarts. */
	qmgr_window_init(&w, &c);
	(void) qmgr_window_failure(&w, &c);
	qmgr_window_success(&w, &c, 4);
	assert_true(w.fail_cohorts == 0);
	w.window = 0;
	qmgr_window_success(&w, &c, 0);
	assert_int_equal(w.window, 5);

	/* Cohort limit 0: never dead, floor 1. */
	c.cohort_limit = 0;
	qmgr_window_init(&w, &c);
	for (i = 0; i < 50; i++)
		assert_int_equal(qmgr_window_failure(&w, &c), 0);
	assert_int_equal(w.window, 1);
}

/* test_rate_conf - a destination rate delay forces a window of 1 */

static void
test_rate_conf(void **unused)
{
	QMGR_WINDOW_CONF c = conf_default;
	QMGR_WINDOW w;
	int	i;

	qmgr_rate_conf(&c, 0);
	assert_int_equal(c.init, 5);
	assert_int_equal(c.limit, 20);
	qmgr_rate_conf(&c, 2);
	assert_int_equal(c.init, 1);
	assert_int_equal(c.limit, 1);

	/* Successes never grow the window past 1. */
	qmgr_window_init(&w, &c);
	assert_int_equal(w.window, 1);
	for (i = 0; i < 20; i++)
		qmgr_window_success(&w, &c, 1);
	assert_int_equal(w.window, 1);

	/* With the default cohort limit one failure kills it. */
	assert_int_equal(qmgr_window_failure(&w, &c), 1);
}

/* test_rate_may_start - windows, pauses, the transport's one slot */

static void
test_rate_may_start(void **unused)
{
	static const struct {
		int	window, busy, paused, tr_busy, tr_paused, tr_delay;
		int	want;
	} t[] = {
		{5, 0, 0, 0, 0, 0, 1},
		{5, 4, 0, 9, 0, 0, 1},	/* no transport delay: busy is fine */
		{5, 5, 0, 5, 0, 0, 0},	/* window full */
		{0, 0, 0, 0, 0, 0, 0},	/* dead */
		{1, 0, 1, 0, 0, 0, 0},	/* destination pause */
		{1, 1, 0, 1, 0, 0, 0},
		{1, 0, 0, 0, 0, 0, 1},
		{5, 0, 0, 1, 0, 3, 0},	/* another destination is busy */
		{5, 0, 0, 0, 1, 3, 0},	/* transport pause */
		{5, 0, 0, 0, 0, 3, 1},
		{5, 0, 0, 0, 1, 0, 1},	/* stale pause without delay */
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(qmgr_rate_may_start(t[i].window, t[i].busy,
						     t[i].paused, t[i].tr_busy,
						     t[i].tr_paused,
						     t[i].tr_delay), t[i].want);
}

/* test_delay_ms - seconds to timer milliseconds */

static void
test_delay_ms(void **unused)
{
	assert_int_equal(qmgr_delay_ms(0), 0);
	assert_int_equal(qmgr_delay_ms(-3), 0);
	assert_int_equal(qmgr_delay_ms(2), 2000);
	assert_int_equal(qmgr_delay_ms(INT_MAX / 1000), INT_MAX / 1000 * 1000);
	assert_int_equal(qmgr_delay_ms(INT_MAX / 1000 + 1), INT_MAX);
	assert_int_equal(qmgr_delay_ms(INT_MAX), INT_MAX);
}

/* test_scan_ready - complete files, retry times */

static void
test_scan_ready(void **unused)
{
	static const struct {
		const char *queue;
		mode_t	mode;
		time_t	mtime;
		int	all;
		int	want;
	} t[] = {
		{MAIL_QUEUE_INCOMING, S_IFREG | 0700, 2000, 0, 1},
		{MAIL_QUEUE_INCOMING, S_IFREG | 0600, 0, 0, 0},	/* in progress */
		{MAIL_QUEUE_INCOMING, S_IFDIR | 0700, 0, 0, 0},
		{MAIL_QUEUE_INCOMING, S_IFLNK | 0777, 0, 0, 0},
		{MAIL_QUEUE_DEFERRED, S_IFREG | 0700, 999, 0, 1},
		{MAIL_QUEUE_DEFERRED, S_IFREG | 0700, 1000, 0, 1},
		{MAIL_QUEUE_DEFERRED, S_IFREG | 0700, 1001, 0, 0},
		{MAIL_QUEUE_DEFERRED, S_IFREG | 0700, 5000, 1, 1},
		{MAIL_QUEUE_DEFERRED, S_IFREG | 0600, 0, 1, 0},
		{MAIL_QUEUE_ACTIVE, S_IFREG | 0700, 5000, 0, 1},
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(qmgr_scan_ready(t[i].queue, t[i].mode,
						 t[i].mtime, 1000, t[i].all),
				 t[i].want);
}

/* test_queue_key - per destination, or per recipient with limit 1 */

static void
test_queue_key(void **unused)
{
	STRBUF *key = strbuf_create(10);
	STRBUF *key2 = strbuf_create(10);

	qmgr_queue_key(key, "example.com", "a@example.com", 50);
	assert_string_equal(strbuf_str(key), "example.com");
	qmgr_queue_key(key2, "example.com", "b@example.com", 50);
	assert_string_equal(strbuf_str(key), strbuf_str(key2));

	qmgr_queue_key(key, "host", "A@Host", 1);
	qmgr_queue_key(key2, "host", "b@host", 1);
	assert_string_not_equal(strbuf_str(key), strbuf_str(key2));
	assert_string_equal(strbuf_str(key), "host\na@host");
	strbuf_free(&key);
	strbuf_free(&key2);
}

/* test_transport_listed - defer_transports matching */

static void
test_transport_listed(void **unused)
{
	assert_true(qmgr_transport_listed("smtp", "smtp"));
	assert_true(qmgr_transport_listed("relay, smtp", "smtp"));
	assert_true(qmgr_transport_listed(" relay\tsmtp ", "relay"));
	assert_false(qmgr_transport_listed("smtp", "smtpx"));
	assert_false(qmgr_transport_listed("", "smtp"));
	assert_false(qmgr_transport_listed("smtp-a", "smtp"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_expiry_warn),
		cmocka_unit_test(test_feedback_parse),
		cmocka_unit_test(test_window_growth),
		cmocka_unit_test(test_window_failure),
		cmocka_unit_test(test_rate_conf),
		cmocka_unit_test(test_rate_may_start),
		cmocka_unit_test(test_delay_ms),
		cmocka_unit_test(test_scan_ready),
		cmocka_unit_test(test_queue_key),
		cmocka_unit_test(test_transport_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
