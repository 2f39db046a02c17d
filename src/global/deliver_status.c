/*
 * deliver_status.c - report one recipient's outcome: log, status log, mark
 *
 * The one place that writes the Postfix-shaped delivery log line, talks
 * to the bounce/defer/trace services for an agent, and marks recipients
 * done in the queue file. The order of the steps is what keeps mail
 * safe: a recipient is marked done only after its outcome is recorded
 * where the notification will come from, so a failure anywhere leaves
 * the recipient to be tried again (a duplicate at worst, never a loss).
 */

#include "sysdeps.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "strbuf.h"
#include "bounce_clnt.h"	/* global */
#include "deliver_request.h"
#include "deliver_status.h"
#include "dsn.h"
#include "flush_clnt.h"
#include "info_log_addr.h"
#include "params_deliver.h"
#include "params_global.h"
#include "qfile.h"

/* Postfix's log_adhoc.c: two significant digits below ten seconds. */
#define DSTAT_SIG_DIGITS	2

/* Longest status code we keep ("5.123.456" and its NUL, with room). */
#define DSTAT_CODE_SIZE		16

/* What the service failed to record, in Postfix's words. */
#define DSTAT_SERVICE_FAILURE	"bounce or trace service failure"

/* dstat_format_delay - seconds as Postfix logs them */

void
dstat_format_delay(STRBUF *out, double seconds)
{
	char    buf[64];
	int     limit = var_delay_logging_resolution_limit;
	int     digits;
	double  x;
	int     n;
	char   *end;

	if (limit < 0)
		limit = 0;
	if (limit > 6)
		limit = 6;
	if (!(seconds > 0))			/* also NaN */
		seconds = 0;
	if (seconds >= 10 || limit == 0) {
		digits = 0;
	} else if (seconds >= 1) {
		digits = DSTAT_SIG_DIGITS - 1;
	} else {
		/* The position of the first significant digit after the point. */
		for (digits = 1, x = seconds; x < 0.1 && digits <= limit; digits++)
			x *= 10;
		digits += DSTAT_SIG_DIGITS - 1;
	}
	if (digits > limit)
		digits = limit;
	n = snprintf(buf, sizeof(buf), "%.*f", digits, seconds);
	if (n < 0 || (size_t) n >= sizeof(buf)) {
		strbuf_append_str(out, "0");
		return;
	}
	/* Drop trailing zeros after the point, and a bare point. */
	if (strchr(buf, '.') != NULL) {
		end = buf + n;
		while (end > buf && end[-1] == '0')
			*--end = 0;
		if (end > buf && end[-1] == '.')
			*--end = 0;
	}
	strbuf_append_str(out, buf);
}

/* dstat_elapsed - b - a in seconds, never negative (clock steps) */

static double
dstat_elapsed(long a_sec, long a_usec, long b_sec, long b_usec)
{
	double  d = (double) (b_sec - a_sec) + (double) (b_usec - a_usec) / 1e6;

	return d > 0 ? d : 0;
}

/*
 * dstat_log - the log line
 *
 * delays=a/b/c/d: a, before the queue manager (arrival to active); b,
 * in the queue manager (active to this agent reading the request); c,
 * connection setup; d, the rest of the transmission.
 */

static void
dstat_log(const DELIVER_REQUEST *req, const DELIVER_RCPT *rcpt,
	  const char *relay, const char *status, const char *word,
	  const char *reason)
{
	STRBUF *buf = strbuf_create(200);
	struct timeval now;
	long    xfer_sec, xfer_usec;

	(void) gettimeofday(&now, NULL);
	strbuf_printf(buf, "%s: to=<%s>", req->queue_id,
		      info_log_addr(rcpt->address));
	if (rcpt->orig_addr && *rcpt->orig_addr
	    && strcasecmp(rcpt->orig_addr, rcpt->address) != 0)
		strbuf_append_printf(buf, ", orig_to=<%s>",
				     info_log_addr(rcpt->orig_addr));
	strbuf_append_printf(buf, ", relay=%s, delay=", relay);
	dstat_format_delay(buf, dstat_elapsed(req->arrival_sec, req->arrival_usec,
				     (long) now.tv_sec, (long) now.tv_usec));
	strbuf_append_str(buf, ", delays=");
	dstat_format_delay(buf, dstat_elapsed(req->arrival_sec, req->arrival_usec,
					 req->active_sec, req->active_usec));
	strbuf_append_char(buf, '/');
	dstat_format_delay(buf, dstat_elapsed(req->active_sec, req->active_usec,
				     req->received_sec, req->received_usec));
	strbuf_append_char(buf, '/');
	if (req->conn_sec != 0) {
		dstat_format_delay(buf, dstat_elapsed(req->received_sec,
						      req->received_usec,
						      req->conn_sec,
						      req->conn_usec));
		xfer_sec = req->conn_sec;
		xfer_usec = req->conn_usec;
	} else {
		strbuf_append_str(buf, "0");
		xfer_sec = req->received_sec;
		xfer_usec = req->received_usec;
	}
	strbuf_append_char(buf, '/');
	dstat_format_delay(buf, dstat_elapsed(xfer_sec, xfer_usec,
				     (long) now.tv_sec, (long) now.tv_usec));
	strbuf_append_printf(buf, ", dsn=%s, status=%s (%s)", status, word,
			     reason);
	log_info("%s", strbuf_str(buf));
	strbuf_free(&buf);
}

/*
 * dstat_fix - a copy of dsn with a status of the wanted class and an
 * action; the code is the agent's when well-formed, else X.0.0.
 */

static void
dstat_fix(DSN *out, char *code, const DSN *dsn, int class,
	  const char *action)
{
	const char *status = dsn ? dsn->status : NULL;

	if (status != NULL && dsn_valid(status)
	    && strlen(status) < DSTAT_CODE_SIZE) {
		memcpy(code, status, strlen(status) + 1);
	} else {
		if (status != NULL && *status)
			log_warn("malformed DSN status \"%.20s\": using %c.0.0",
				 status, class);
		memcpy(code, "X.0.0", 6);
	}
	code[0] = (char) class;
	out->status = code;
	out->action = (dsn && dsn->action && *dsn->action) ? dsn->action : action;
#define DSTAT_S(f)	((dsn && dsn->f) ? dsn->f : "")
	out->reason = DSTAT_S(reason);
	out->dtype = DSTAT_S(dtype);
	out->dtext = DSTAT_S(dtext);
	out->mtype = DSTAT_S(mtype);
	out->mname = DSTAT_S(mname);
#undef DSTAT_S
}

/* dstat_mark - the recipient is done; -1 (logged) when that failed */

static int
dstat_mark(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt)
{
	STRBUF *why;
	int     ret = 0;

	/*
	 * A negative offset: one destination of an alias or .forward
	 * expansion; local(8) marks the recipient itself when all are done.
	 */
	if (rcpt->offset < 0)
		return 0;
	why = strbuf_create(100);
	if (req->fp == NULL
	    || qfile_mark_done(iostream_fileno(req->fp), rcpt->offset, why) < 0) {
		log_warn("%s: cannot mark recipient <%s> done: %s", req->queue_id,
			 rcpt->address, req->fp ? strbuf_str(why) : "no queue file");
		ret = -1;
	}
	strbuf_free(&why);
	return ret;
}

/*
 * dstat_flush_add - tell flush(8) that the recipient's domain has mail
 * waiting, so that ETRN and "postqueue -s" find it. Not being able to
 * is no reason to fail the deferral: the mail stays in the deferred
 * queue and a full queue run finds it.
 */

static void
dstat_flush_add(const DELIVER_REQUEST *req, const DELIVER_RCPT *rcpt)
{
	const char *domain = strrchr(rcpt->address, '@');

	if (domain == NULL || *++domain == 0)
		return;
	switch (flush_add(domain, req->queue_id)) {
	case FLUSH_STAT_OK:
	case FLUSH_STAT_DENY:
		break;
	default:
		log_warn("%s: %s service failure", req->queue_id,
			 var_flush_service_name);
		break;
	}
}

/* dstat_defer_fixed - a deferral whose DSN is already in shape */

static int
dstat_defer_fixed(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
		  const char *relay, const DSN *d)
{
	int     ret = 0;

	if (req->flags & DEL_REQ_FLAG_VERIFY) {
		DSN     v = *d;

		v.action = "undeliverable";
		ret = bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
				    rcpt, relay, &v);
	} else {
		if (bounce_append(BOUNCE_LOG_DEFER, req->flags, req->queue_id,
				  rcpt, relay, d) < 0)
			ret = -1;
		if ((req->flags & DEL_REQ_FLAG_RECORD)
		    && bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
				     rcpt, relay, d) < 0)
			ret = -1;
		dstat_flush_add(req, rcpt);
	}
	dstat_log(req, rcpt, relay, d->status, "deferred", d->reason);
	req->deferred++;
	return ret;
}

/* dstat_defer - the recipient is deferred: defer log, no mark */

int
dstat_defer(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt, const char *relay,
	    const DSN *dsn)
{
	char    code[DSTAT_CODE_SIZE];
	DSN     d;

	dstat_fix(&d, code, dsn, '4', "delayed");
	return dstat_defer_fixed(req, rcpt, relay, &d);
}

/* dstat_service_failure - the bounce or trace service let us down */

static void
dstat_service_failure(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
		      const char *relay)
{
	DSN     d = DSN_SIMPLE("4.3.0", DSTAT_SERVICE_FAILURE);

	d.action = "delayed";
	(void) dstat_defer_fixed(req, rcpt, relay, &d);
}

/* dstat_bounce - the recipient failed: bounce log, then the mark */

int
dstat_bounce(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt, const char *relay,
	     const DSN *dsn)
{
	char    code[DSTAT_CODE_SIZE];
	DSN     d;

	/* soft_bounce: the failure becomes a deferral, 5.x.x becomes 4.x.x. */
	if (var_soft_bounce && (req->flags & DEL_REQ_FLAG_VERIFY) == 0) {
		dstat_fix(&d, code, dsn, '4', "delayed");
		d.action = "delayed";
		return dstat_defer_fixed(req, rcpt, relay, &d);
	}

	dstat_fix(&d, code, dsn, '5', "failed");
	if (req->flags & DEL_REQ_FLAG_VERIFY) {
		d.action = "undeliverable";
		if (bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
				  rcpt, relay, &d) < 0) {
			dstat_service_failure(req, rcpt, relay);
			return -1;
		}
		dstat_log(req, rcpt, relay, d.status, "undeliverable", d.reason);
		return 0;
	}
	if (bounce_append(BOUNCE_LOG_BOUNCE, req->flags, req->queue_id,
			  rcpt, relay, &d) < 0
	    || ((req->flags & DEL_REQ_FLAG_RECORD)
		&& bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
				 rcpt, relay, &d) < 0)) {
		dstat_service_failure(req, rcpt, relay);
		return -1;
	}
	dstat_log(req, rcpt, relay, d.status, "bounced", d.reason);
	return dstat_mark(req, rcpt);
}

/* dstat_sent - the recipient was delivered: trace log if wanted, mark */

int
dstat_sent(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt, const char *relay,
	   const DSN *dsn)
{
	char    code[DSTAT_CODE_SIZE];
	DSN     d;

	dstat_fix(&d, code, dsn, '2', "delivered");
	if (req->flags & DEL_REQ_FLAG_VERIFY) {
		d.action = "deliverable";
		if (bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
				  rcpt, relay, &d) < 0) {
			dstat_service_failure(req, rcpt, relay);
			return -1;
		}
		dstat_log(req, rcpt, relay, d.status, "deliverable", d.reason);
		return 0;
	}
	if (((rcpt->dsn_notify & QFILE_NOTIFY_SUCCESS)
	     || (req->flags & DEL_REQ_FLAG_RECORD))
	    && bounce_append(BOUNCE_LOG_TRACE, req->flags, req->queue_id,
			     rcpt, relay, &d) < 0) {
		dstat_service_failure(req, rcpt, relay);
		return -1;
	}
	dstat_log(req, rcpt, relay, d.status, "sent", d.reason);
	return dstat_mark(req, rcpt);
}

/* dstat_report - dispatch on the class of the status */

int
dstat_report(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt, const char *relay,
	     const DSN *dsn)
{
	switch (dsn && dsn->status ? DSN_CLASS(dsn->status) : 0) {
	case '2':
		return dstat_sent(req, rcpt, relay, dsn);
	case '5':
		return dstat_bounce(req, rcpt, relay, dsn);
	default:
		/* "Not sure" is temporary. */
		return dstat_defer(req, rcpt, relay, dsn);
	}
}

/* dstat_report_all - one outcome for every recipient */

int
dstat_report_all(DELIVER_REQUEST *req, const char *relay, const DSN *dsn)
{
	int     ret = 0;
	int     i;

	for (i = 0; i < req->rcpt_count; i++)
		if (dstat_report(req, req->rcpts + i, relay, dsn) < 0)
			ret = -1;
	return ret;
}
