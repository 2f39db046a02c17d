/*
 * deliver_status.h - what a delivery agent does with each recipient's outcome
 *
 * Every delivery agent reports each recipient of a request exactly once
 * through one of these calls, and nothing else writes delivery log
 * lines, status logs or done marks. Each call:
 *   - logs the Postfix-shaped line (syslog or postlogd, via log.h):
 *	QUEUEID: to=<addr>, orig_to=<orig>, relay=RELAY, delay=D,
 *	    delays=a/b/c/d, dsn=X.Y.Z, status=STATUS (reason)
 *     where orig_to appears only when orig_rcpt differs from the
 *     address; the delays are: a = arrival to active, b = active to the
 *     agent reading the request, c = connection setup (conn_*), d =
 *     the rest; each formatted by dstat_format_delay();
 *   - records the outcome for notifications through bounce_clnt.h:
 *	sent:   to the trace log when the recipient asked NOTIFY=SUCCESS
 *		or the request has DEL_REQ_FLAG_RECORD or a verify flag;
 *	bounce: to the bounce log (to the defer log, as deferred, when
 *		soft_bounce = yes);
 *	defer:  to the defer log;
 *   - marks the recipient done in the queue file (sent, bounce), unless
 *     the request is a verification (DEL_REQ_FLAG_VERIFY: nothing is
 *     delivered, marked or bounced; the outcome goes to the trace log
 *     only, with status "deliverable"/"undeliverable"/"deferred"), or
 *     rcpt->offset is negative: local(8) reports each destination of
 *     an alias or .forward expansion with a copy of the recipient whose
 *     offset is -1, and marks the queue file's recipient itself (with
 *     qfile_mark_done()) once all its destinations are done.
 * With DEL_REQ_FLAG_VERIFY, the log status is "deliverable" for
 * dstat_sent() and "undeliverable" for dstat_bounce().
 *
 * relay is "host[addr]:port" or a transport name ("local", "virtual",
 * "pipe-name", "none"). dsn->action may be NULL or "": the call
 * supplies "delivered", "failed" or "delayed".
 *
 * Return value: 0 when the outcome was recorded; -1 when it could not
 * be (the bounce/defer/trace service or the done mark failed; logged
 * as a warning). After -1 the agent replies DEL_STAT_DEFER so that
 * qmgr keeps the recipient (it will be retried; never lost).
 */

#ifndef DELIVER_STATUS_H
#define DELIVER_STATUS_H

#include "sysdeps.h"

#include "deliver_request.h"
#include "dsn.h"

struct STRBUF;

extern int dstat_sent(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
		      const char *relay, const DSN *dsn);
extern int dstat_bounce(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
			const char *relay, const DSN *dsn);
extern int dstat_defer(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
		       const char *relay, const DSN *dsn);

/*
 * Picks dstat_sent, dstat_defer or dstat_bounce from the class of
 * dsn->status ('2', '4', '5').
 */
extern int dstat_report(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt,
			const char *relay, const DSN *dsn);

/* The same outcome for every recipient of req; -1 if any failed. */
extern int dstat_report_all(DELIVER_REQUEST *req, const char *relay,
			    const DSN *dsn);

/*
 * A time in seconds as Postfix logs it: at most two significant
 * digits after the point when below 10, trailing zeros dropped, "0"
 * for zero (0.0042 -> "0", 0.123 -> "0.12", 1.25 -> "1.2", 12.7 -> "13",
 * 420 -> "420"). Appends to out.
 */
extern void dstat_format_delay(struct STRBUF *out, double seconds);

#endif
