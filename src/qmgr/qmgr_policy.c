/*
 * qmgr_policy.c - the queue manager's decisions, without I/O
 *
 * Retry backoff, expiry, delay warnings, the concurrency window of a
 * destination, whether rate delays let a delivery start, and which
 * queue files a scan takes. These follow
 * Postfix's qmgr(8): the backoff is the message's age clamped to
 * [minimal_backoff_time, maximal_backoff_time], so the interval doubles
 * with each attempt; the window grows by positive feedback after
 * successes and shrinks by negative feedback after whole-site failures,
 * and a destination is dead after $..._failed_cohort_limit failed
 * cohorts (a cohort: one window's worth of failures).
 */

#include "sysdeps.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"		/* util */
#include "strbuf.h"
#include "stringops.h"
#include "mail_queue.h"		/* global */
#include "qmgr.h"

/* qmgr_backoff - next retry delay from the message age */

int
qmgr_backoff(long age, int min_backoff, int max_backoff)
{
	long	delay = age;

	if (delay > max_backoff)
		delay = max_backoff;
	if (delay < min_backoff)
		delay = min_backoff;
	return (int) delay;
}

/* qmgr_expired - past the queue lifetime */

int
qmgr_expired(long age, int lifetime)
{
	return age >= lifetime;
}

/* qmgr_warn_due - delay warning wanted and not yet sent */

int
qmgr_warn_due(long age, int warn_time, long qflags)
{
	return warn_time > 0 && age >= warn_time
	    && (qflags & QMGR_QFLAG_WARNED) == 0;
}

/*
 * qmgr_feedback_parse - "1", "0.5", "1/4", "1/concurrency": as in
 * Postfix, a number, number/number or number/concurrency, the number
 * (or quotient) in 0..1 inclusive.
 */
int
qmgr_feedback_parse(const char *text, QMGR_FEEDBACK *fb)
{
	char   *end, *den_end;
	double	val, den;
	int	per_window = 0;

	fb->value = 1;
	fb->per_window = 0;
	val = strtod(text, &end);
	if (end == text || !(val >= 0))
		return -1;
	end += strspn(end, " \t");
	if (*end == '/') {
		end++;
		end += strspn(end, " \t");
		if (strncasecmp(end, "concurrency", 11) == 0) {
			end += 11;
			per_window = 1;
		} else {
			den = strtod(end, &den_end);
			if (den_end == end || !(den > 0))
				return -1;
			end = den_end;
			val /= den;
		}
	}
	if ((*end != 0 && !str_is_blank(end)) || !(val <= 1))
		return -1;
	fb->value = val;
	fb->per_window = per_window;
	return 0;
}

/* qmgr_feedback_value - the feedback amount at this window */

static double
qmgr_feedback_value(const QMGR_FEEDBACK *fb, int window)
{
	return fb->per_window && window > 0 ? fb->value / window : fb->value;
}

/* qmgr_window_init - a fresh destination */

void
qmgr_window_init(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf)
{
	w->window = conf->init;
	if (conf->limit > 0 && w->window > conf->limit)
		w->window = conf->limit;
	if (w->window < 1)
		w->window = 1;
	w->success = w->failure = w->fail_cohorts = 0;
}

/* qmgr_window_success - positive feedback */

void
qmgr_window_success(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf, int busy)
{
	if (w->window == 0)
		qmgr_window_init(w, conf);
	w->fail_cohorts = 0;

	/*
	 * Grow only while the window is in use: a destination that never
	 * has more than a few deliveries at once keeps a small window.
	 */
	if ((conf->limit == 0 || conf->limit > w->window)
	    && w->window < busy + conf->init) {
		w->success += qmgr_feedback_value(&conf->pos, w->window);
		if (w->success >= 1) {
			w->window += 1;
			w->success = 0;
			w->failure = 0;
		}
	}
}

/* qmgr_window_failure - negative feedback; 1 when now dead */

int
qmgr_window_failure(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf)
{
	if (w->window == 0)
		return 1;
	w->fail_cohorts += 1.0 / w->window;
	if (conf->cohort_limit > 0 && w->fail_cohorts >= conf->cohort_limit) {
		w->window = 0;
		return 1;
	}
	w->failure -= qmgr_feedback_value(&conf->neg, w->window);
	w->success = 0;
	if (w->failure <= -1) {
		w->window -= 1;
		w->failure = 0;
	}
	if (w->window < 1)
		w->window = 1;
	return 0;
}

/* qmgr_rate_conf - a destination rate delay means one at a time */

void
qmgr_rate_conf(QMGR_WINDOW_CONF *conf, int dest_rate_delay)
{
	if (dest_rate_delay > 0)
		conf->init = conf->limit = 1;
}

/*
 * qmgr_rate_may_start - windows and rate delay pauses. The pauses
 * begin when a delivery ends, so one delivery at a time (the window of
 * 1, or the transport's single slot) keeps the deliveries apart by at
 * least the delay.
 */

int
qmgr_rate_may_start(int window, int busy, int paused, int tr_busy,
		    int tr_paused, int tr_delay)
{
	if (window <= 0 || busy >= window || paused)
		return 0;
	if (tr_delay > 0 && (tr_busy > 0 || tr_paused))
		return 0;
	return 1;
}

/* qmgr_delay_ms - timer milliseconds */

int
qmgr_delay_ms(int seconds)
{
	if (seconds <= 0)
		return 0;
	return seconds > INT_MAX / 1000 ? INT_MAX : seconds * 1000;
}

/* qmgr_scan_ready - complete file, due for a retry */

int
qmgr_scan_ready(const char *queue, mode_t mode, time_t mtime, time_t now,
		int all)
{
	/* cleanup writes 0600 and sets 0700 when the file is complete. */
	if (!S_ISREG(mode) || (mode & S_IRWXU) != S_IRWXU)
		return 0;
	if (strcmp(queue, MAIL_QUEUE_DEFERRED) == 0 && !all && mtime > now)
		return 0;
	return 1;
}

/* qmgr_queue_key - destination or recipient */

void
qmgr_queue_key(STRBUF *key, const char *nexthop, const char *address,
	       int rcpt_limit)
{
	strbuf_set(key, nexthop);
	if (rcpt_limit == 1) {
		strbuf_append_char(key, '\n');
		strbuf_append_str(key, address);
		str_lower(strbuf_str(key));
	}
}

/* qmgr_transport_listed - name in a comma/space separated list */

int
qmgr_transport_listed(const char *list, const char *transport)
{
	char   *copy = xstrdup(list);
	char   *cp = copy;
	char   *tok;
	int	found = 0;

	while ((tok = token_next(&cp, ", \t\r\n")) != NULL) {
		if (strcmp(tok, transport) == 0) {
			found = 1;
			break;
		}
	}
	xfree(copy);
	return found;
}
