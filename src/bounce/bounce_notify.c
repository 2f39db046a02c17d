/*
 * bounce_notify.c - compose and send delivery status notifications
 *
 * A notification is an RFC 3464 multipart/report (report-type=
 * delivery-status) in Postfix's shape: a human-readable part with one
 * "<address>: reason" line per recipient, a message/delivery-status
 * part, and the original message (message/rfc822) or only its headers
 * (text/rfc822-headers). The original is returned in full only in a
 * non-delivery notification to the sender, when DSN RET does not ask
 * for headers and the message is not larger than $bounce_size_limit.
 *
 * It is submitted through cleanup(8) as a new message. Notifications
 * to the sender come from the null sender, so that they never bounce
 * back; postmaster copies come from $double_bounce_sender, whose own
 * failures are dropped (RFC 3461 section 6.2 and RFC 5321 section 6.1:
 * no notification about a notification).
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "cleanup_clnt.h"	/* global */
#include "deliver_request.h"
#include "mail_queue.h"
#include "mainconf.h"
#include "param.h"
#include "params_bounce.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"
#include "bounce.h"

/* bounce_list_read - copy a status log into memory */

BOUNCE_LIST *
bounce_list_read(const char *service, const char *id)
{
	const BOUNCE_LOG_ENTRY *e;
	BOUNCE_LOG_ENTRY *c;
	BOUNCE_LIST *list;
	BOUNCE_LOG *log;

	if ((log = bounce_log_open(service, id)) == NULL)
		return NULL;
	list = xcalloc(1, sizeof(*list));
	while ((e = bounce_log_read(log)) != NULL) {
		if (list->count == list->size) {
			list->size = list->size ? list->size * 2 : 16;
			list->ent = xrealloc(list->ent,
			      size_mul((size_t) list->size, sizeof(*list->ent)));
		}
		c = list->ent + list->count++;
		c->rcpt.address = xstrdup(e->rcpt.address);
		c->rcpt.orig_addr = xstrdup(e->rcpt.orig_addr);
		c->rcpt.dsn_orcpt = xstrdup(e->rcpt.dsn_orcpt);
		c->rcpt.dsn_notify = e->rcpt.dsn_notify;
		c->rcpt.offset = e->rcpt.offset;
		c->dsn.status = xstrdup(e->dsn.status);
		c->dsn.action = xstrdup(e->dsn.action);
		c->dsn.reason = xstrdup(e->dsn.reason);
		c->dsn.dtype = xstrdup(e->dsn.dtype);
		c->dsn.dtext = xstrdup(e->dsn.dtext);
		c->dsn.mtype = xstrdup(e->dsn.mtype);
		c->dsn.mname = xstrdup(e->dsn.mname);
		c->relay = xstrdup(e->relay);
		c->log_sec = e->log_sec;
	}
	bounce_log_close(log);
	return list;
}

/* bounce_list_free - free a list and its strings */

void
bounce_list_free(BOUNCE_LIST *list)
{
	BOUNCE_LOG_ENTRY *c;

	for (c = list->ent; c < list->ent + list->count; c++) {
		xfree(c->rcpt.address);
		xfree(c->rcpt.orig_addr);
		xfree(c->rcpt.dsn_orcpt);
		xfree((char *) c->dsn.status);
		xfree((char *) c->dsn.action);
		xfree((char *) c->dsn.reason);
		xfree((char *) c->dsn.dtype);
		xfree((char *) c->dsn.dtext);
		xfree((char *) c->dsn.mtype);
		xfree((char *) c->dsn.mname);
		xfree((char *) c->relay);
	}
	xfree(list->ent);
	xfree(list);
}

/* bounce_wanted - does the sender's notification report this recipient? */

int
bounce_wanted(int kind, int msg_flags, const BOUNCE_LOG_ENTRY *ent)
{
	int	notify = ent->rcpt.dsn_notify;

	/* RFC 3461 4.1: without NOTIFY, failures (and maybe delays) only. */
	switch (kind) {
	case BOUNCE_KIND_FAILED:
		return notify == 0 || (notify & QFILE_NOTIFY_FAILURE) != 0;
	case BOUNCE_KIND_DELAYED:
		return notify == 0 || (notify & QFILE_NOTIFY_DELAY) != 0;
	case BOUNCE_KIND_SUCCESS:
		if (msg_flags & (DEL_REQ_FLAG_USR_VRFY | DEL_REQ_FLAG_RECORD))
			return 1;
		return (notify & QFILE_NOTIFY_SUCCESS) != 0;
	default:
		log_panic("bounce_wanted: bad kind %d", kind);
	}
}

/* bounce_date - RFC 5322 date-time, without locale */

void
bounce_date(STRBUF *out, long when)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t	t = (time_t) when;
	struct tm tm;
	long	off;
	char	zone[64];

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff / 60;
	strbuf_append_printf(out, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
			     days[tm.tm_wday % 7], tm.tm_mday,
			     months[tm.tm_mon % 12], tm.tm_year + 1900,
			     tm.tm_hour, tm.tm_min, tm.tm_sec,
			     off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	if (strftime(zone, sizeof(zone), "%Z", &tm) > 0)
		strbuf_append_printf(out, " (%s)", zone);
}

/* Composition state. */
typedef struct BOUNCE_OUT {
	BOUNCE_PUT_FN put;
	void   *context;
	STRBUF *line;
} BOUNCE_OUT;

/* bounce_put - one formatted line */

static void PRINTFLIKE(2, 3)
bounce_put(BOUNCE_OUT *out, const char *fmt,...)
{
	va_list	ap;

	strbuf_reset(out->line);
	va_start(ap, fmt);
	strbuf_append_vprintf(out->line, fmt, ap);
	va_end(ap);
	out->put(out->context, strbuf_str(out->line), strbuf_len(out->line));
}

/* bounce_subject - the Subject: of a notification */

static const char *
bounce_subject(const BOUNCE_MSG *msg, const BOUNCE_NOTICE *n)
{
	switch (n->kind) {
	case BOUNCE_KIND_FAILED:
		return n->postmaster ? "Postmaster Copy: Undelivered Mail"
			: "Undelivered Mail Returned to Sender";
	case BOUNCE_KIND_DELAYED:
		return n->postmaster ? "Postmaster Warning: Delayed Mail"
			: "Delayed Mail (still being retried)";
	default:
		return (msg->flags & (DEL_REQ_FLAG_USR_VRFY | DEL_REQ_FLAG_RECORD)) ?
			"Mail Delivery Status Report" : "Successful Mail Delivery Report";
	}
}

/* bounce_human - the text/plain part */

static void
bounce_human(BOUNCE_OUT *out, const BOUNCE_MSG *msg, const BOUNCE_NOTICE *n,
	     const BOUNCE_LIST *list, const char *sel)
{
	STRBUF *date = strbuf_create(64);
	int	i;

	bounce_put(out, "This report was written automatically by the mail system"
		   " at host %s.", var_myhostname);
	bounce_put(out, "%s", "");
	if (n->postmaster)
		bounce_put(out, "This copy goes to the postmaster; the message was"
			   " sent by <%s>.", msg->sender);
	switch (n->kind) {
	case BOUNCE_KIND_FAILED:
		bounce_put(out, "%s", "Your message could not be delivered to one or"
			   " more of its recipients.");
		bounce_put(out, "%s", "The mail system has given up on them: this"
			   " failure is permanent.");
		bounce_put(out, "%s", "");
		bounce_put(out, "%s", "Should you need help, write to your postmaster"
			   " and include this");
		bounce_put(out, "%s", "report; the returned message itself is not"
			   " needed.");
		break;
	case BOUNCE_KIND_DELAYED:
		bounce_put(out, "%s", "This is only a warning. There is no need to"
			   " send your message again.");
		bounce_put(out, "%s", "");
		bounce_put(out, "%s", "Your message has not reached the recipients"
			   " below yet.");
		if (n->retry_until > 0) {
			bounce_date(date, n->retry_until);
			bounce_put(out, "The mail system will keep trying until %s.",
				   strbuf_str(date));
		} else {
			bounce_put(out, "%s", "The mail system will keep trying for a"
				   " while.");
		}
		break;
	default:
		if (msg->flags & (DEL_REQ_FLAG_USR_VRFY | DEL_REQ_FLAG_RECORD))
			bounce_put(out, "%s", "Here is the delivery status report"
				   " that you asked for.");
		else
			bounce_put(out, "%s", "As you asked, this reports the"
				   " successful delivery of your message.");
		break;
	}
	bounce_put(out, "%s", "");
	bounce_put(out, "%s", "                   The mail system");
	for (i = 0; i < list->count; i++) {
		const BOUNCE_LOG_ENTRY *e = list->ent + i;

		if (!sel[i])
			continue;
		bounce_put(out, "%s", "");
		if (*e->rcpt.orig_addr && strcasecmp(e->rcpt.orig_addr,
						     e->rcpt.address) != 0)
			bounce_put(out, "<%s> (expanded from <%s>): %s",
				   e->rcpt.address, e->rcpt.orig_addr, e->dsn.reason);
		else
			bounce_put(out, "<%s>: %s", e->rcpt.address, e->dsn.reason);
	}
	strbuf_free(&date);
}

/* bounce_orcpt - "type; address" from a DSN ORCPT "type;address" */

static void
bounce_orcpt(BOUNCE_OUT *out, const BOUNCE_LOG_ENTRY *e)
{
	const char *semi;

	if (*e->rcpt.dsn_orcpt && (semi = strchr(e->rcpt.dsn_orcpt, ';')) != NULL) {
		const char *addr = semi + 1;

		while (*addr == ' ')
			addr++;
		bounce_put(out, "Original-Recipient: %.*s; %s",
			   (int) (semi - e->rcpt.dsn_orcpt), e->rcpt.dsn_orcpt, addr);
	} else if (*e->rcpt.orig_addr) {
		bounce_put(out, "Original-Recipient: rfc822; %s", e->rcpt.orig_addr);
	}
}

/* bounce_status_part - the message/delivery-status body (RFC 3464 2.2, 2.3) */

static void
bounce_status_part(BOUNCE_OUT *out, const BOUNCE_MSG *msg,
		   const BOUNCE_NOTICE *n, const BOUNCE_LIST *list,
		   const char *sel)
{
	STRBUF *date = strbuf_create(64);
	int	i;

	if (msg->dsn_envid && *msg->dsn_envid)
		bounce_put(out, "Original-Envelope-Id: %s", msg->dsn_envid);
	bounce_put(out, "Reporting-MTA: dns; %s", var_myhostname);
	bounce_put(out, "X-Postfix-Queue-ID: %s", msg->queue_id);
	bounce_put(out, "X-Postfix-Sender: rfc822; %s", msg->sender);
	if (n->arrival_sec > 0) {
		bounce_date(date, n->arrival_sec);
		bounce_put(out, "Arrival-Date: %s", strbuf_str(date));
	}
	for (i = 0; i < list->count; i++) {
		const BOUNCE_LOG_ENTRY *e = list->ent + i;
		const char *action;

		if (!sel[i])
			continue;
		if (n->kind == BOUNCE_KIND_FAILED)
			action = "failed";
		else if (n->kind == BOUNCE_KIND_DELAYED)
			action = "delayed";
		else
			action = *e->dsn.action ? e->dsn.action : "delivered";
		bounce_put(out, "%s", "");
		bounce_put(out, "Final-Recipient: rfc822; %s", e->rcpt.address);
		bounce_orcpt(out, e);
		bounce_put(out, "Action: %s", action);
		bounce_put(out, "Status: %s", e->dsn.status);
		if (*e->dsn.mtype && *e->dsn.mname)
			bounce_put(out, "Remote-MTA: %s; %s", e->dsn.mtype, e->dsn.mname);
		if (*e->dsn.dtype && *e->dsn.dtext)
			bounce_put(out, "Diagnostic-Code: %s; %s", e->dsn.dtype,
				   e->dsn.dtext);
		else
			bounce_put(out, "Diagnostic-Code: X-Postfix; %s", e->dsn.reason);
		if (n->kind == BOUNCE_KIND_DELAYED) {
			if (e->log_sec > 0) {
				strbuf_reset(date);
				bounce_date(date, e->log_sec);
				bounce_put(out, "Last-Attempt-Date: %s", strbuf_str(date));
			}
			if (n->retry_until > 0) {
				strbuf_reset(date);
				bounce_date(date, n->retry_until);
				bounce_put(out, "Will-Retry-Until: %s", strbuf_str(date));
			}
		}
	}
	strbuf_free(&date);
}

/* bounce_original - copy the original message, or its headers */

static int
bounce_original(BOUNCE_OUT *out, IOSTREAM *qf, off_t data_offset,
		int headers_only)
{
	STRBUF *rec = strbuf_create(256);
	STRBUF *line = strbuf_create(256);
	STRBUF *why = strbuf_create(100);
	size_t	limit = QFILE_REC_LIMIT(var_line_length_limit);
	size_t	total = 0;
	size_t	cap;
	int	type;
	int	ret = -1;

	/*
	 * $bounce_size_limit bounds the returned text; headers only (already
	 * bounded by cleanup's header_size_limit) go back whole.
	 */
	cap = headers_only ? limit : (size_t) var_bounce_size_limit;
	if (iostream_seek(qf, data_offset, SEEK_SET) < 0)
		goto done;
	for (;;) {
		type = rec_get(qf, rec, limit, why);
		if (type == REC_TYPE_DTXT)
			continue;
		if (type == REC_TYPE_XTRA) {
			ret = 0;
			break;
		}
		if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
			break;
		if (strbuf_len(line) < cap)
			strbuf_append(line, strbuf_str(rec), strbuf_len(rec));
		if (type == REC_TYPE_CONT)
			continue;
		if (headers_only && strbuf_len(line) == 0) {
			ret = 0;
			break;
		}
		total += strbuf_len(line) + 1;
		if (!headers_only && total > cap) {
			ret = 0;
			break;
		}
		out->put(out->context, strbuf_str(line), strbuf_len(line));
		strbuf_reset(line);
	}
	if (ret < 0)
		log_warn("queue file: %s", strbuf_len(why) ? strbuf_str(why)
			 : "cannot read the message content");
done:
	strbuf_free(&rec);
	strbuf_free(&line);
	strbuf_free(&why);
	return ret;
}

/* bounce_compose - the whole notification */

int
bounce_compose(const BOUNCE_MSG *msg, const BOUNCE_NOTICE *n,
	       const BOUNCE_LIST *list, const char *sel, IOSTREAM *qf,
	       off_t data_offset, long content_size, BOUNCE_PUT_FN put,
	       void *context)
{
	BOUNCE_OUT out;
	int	eight = strcasecmp(msg->encoding, "8bitmime") == 0 || msg->smtputf8;
	int	headers_only;
	int	ret = 0;

	out.put = put;
	out.context = context;
	out.line = strbuf_create(256);

	headers_only = n->postmaster || n->kind != BOUNCE_KIND_FAILED
		|| msg->dsn_ret == QFILE_RET_HDRS
		|| content_size > (long) var_bounce_size_limit;

	/* Message headers; cleanup adds Date:, Message-Id: and Received:. */
	bounce_put(&out, "From: MAILER-DAEMON@%s (Mail Delivery System)",
		   var_myhostname);
	bounce_put(&out, "Subject: %s", bounce_subject(msg, n));
	bounce_put(&out, "To: %s", n->to);
	bounce_put(&out, "%s", "Auto-Submitted: auto-replied");
	bounce_put(&out, "%s", "MIME-Version: 1.0");
	bounce_put(&out, "%s", "Content-Type: multipart/report;"
		   " report-type=delivery-status;");
	bounce_put(&out, "\tboundary=\"%s\"", n->boundary);
	bounce_put(&out, "Content-Transfer-Encoding: %s", eight ? "8bit" : "7bit");
	bounce_put(&out, "%s", "");
	bounce_put(&out, "%s", "This is a MIME-encapsulated message.");

	bounce_put(&out, "%s", "");
	bounce_put(&out, "--%s", n->boundary);
	bounce_put(&out, "%s", "Content-Description: Notification");
	bounce_put(&out, "%s", "Content-Type: text/plain; charset=us-ascii");
	bounce_put(&out, "%s", "");
	bounce_human(&out, msg, n, list, sel);

	bounce_put(&out, "%s", "");
	bounce_put(&out, "--%s", n->boundary);
	bounce_put(&out, "%s", "Content-Description: Delivery report");
	bounce_put(&out, "%s", "Content-Type: message/delivery-status");
	bounce_put(&out, "%s", "");
	bounce_status_part(&out, msg, n, list, sel);

	bounce_put(&out, "%s", "");
	bounce_put(&out, "--%s", n->boundary);
	bounce_put(&out, "Content-Description: %s%s",
		   n->kind == BOUNCE_KIND_FAILED ? "Undelivered Message" :
		   n->kind == BOUNCE_KIND_DELAYED ? "Delayed Message" :
		   "Delivered Message", headers_only ? " Headers" : "");
	bounce_put(&out, "Content-Type: %s",
		   headers_only ? "text/rfc822-headers" : "message/rfc822");
	if (eight)
		bounce_put(&out, "%s", "Content-Transfer-Encoding: 8bit");
	bounce_put(&out, "%s", "");
	if (qf == NULL || bounce_original(&out, qf, data_offset, headers_only) < 0) {
		bounce_put(&out, "%s", "X-Postfix-Note: the original message is"
			   " not available");
		ret = qf == NULL ? 0 : -1;
	}
	bounce_put(&out, "%s", "");
	bounce_put(&out, "--%s--", n->boundary);
	strbuf_free(&out.line);
	return ret;
}

/* bounce_put_rec - BOUNCE_PUT_FN that writes content records */

static void
bounce_put_rec(void *context, const char *line, size_t len)
{
	(void) rec_put_line((IOSTREAM *) context, line, len,
			    (size_t) var_line_length_limit);
}

/* bounce_send - submit one notification; its queue ID goes into newid */

static int
bounce_send(const BOUNCE_MSG *msg, BOUNCE_NOTICE *n, const char *from,
	    const BOUNCE_LIST *list, const char *sel, IOSTREAM *qf,
	    off_t data_offset, long content_size, STRBUF *newid)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *boundary = strbuf_create(100);
	CLEANUP_CLNT *clnt;
	IOSTREAM *st;
	int	status;

	if ((clnt = cleanup_clnt_open(NULL, CLEANUP_FLAG_NONE, why)) == NULL) {
		log_warn("%s: cannot submit a notification: %s", msg->queue_id,
			 strbuf_str(why));
		strbuf_free(&why);
		strbuf_free(&boundary);
		return -1;
	}
	strbuf_set(newid, cleanup_clnt_queue_id(clnt));
	strbuf_printf(boundary, "%s.%ld/%s", strbuf_str(newid), n->now,
		      var_myhostname);
	n->boundary = strbuf_str(boundary);
	st = cleanup_clnt_stream(clnt);
	rec_puts(st, REC_TYPE_FROM, from);
	rec_puts(st, REC_TYPE_RCPT, n->to);
	rec_puts(st, REC_TYPE_MESG, "");
	(void) bounce_compose(msg, n, list, sel, qf, data_offset, content_size,
			      bounce_put_rec, st);
	rec_puts(st, REC_TYPE_XTRA, "");
	status = cleanup_clnt_close(clnt, why);
	if (status != CLEANUP_STAT_OK)
		log_warn("%s: notification not queued: %s", msg->queue_id,
			 strbuf_len(why) ? strbuf_str(why) : cleanup_stat_text(status));
	n->boundary = NULL;
	strbuf_free(&why);
	strbuf_free(&boundary);
	return status == CLEANUP_STAT_OK ? 0 : -1;
}

/*
 * bounce_notify_class - is class listed in $notify_classes? As Postfix
 * documents, "bounce" also implies "2bounce".
 */
static int
bounce_notify_class(const char *class_name)
{
	char   *copy = xstrdup(var_notify_classes);
	char   *bp = copy;
	char   *tok;
	int	found = 0;

	while (!found && (tok = token_next(&bp, ", \t\r\n")) != NULL)
		found = strcasecmp(tok, class_name) == 0
		    || (strcasecmp(class_name, "2bounce") == 0
			&& strcasecmp(tok, "bounce") == 0);
	xfree(copy);
	return found;
}

/* bounce_from_double - is sender the $double_bounce_sender? */

static int
bounce_from_double(const char *sender)
{
	size_t	len = strlen(var_double_bounce_sender);

	return strncasecmp(sender, var_double_bounce_sender, len) == 0
		&& (sender[len] == 0 || sender[len] == '@');
}

/* bounce_retry_until - arrival plus the queue lifetime, 0 if unknown */

static long
bounce_retry_until(long arrival)
{
	const char *val;
	long	sec;

	/* maximal_queue_lifetime belongs to qmgr's parameter group. */
	if (arrival <= 0 || (val = mainconf_lookup("maximal_queue_lifetime")) == NULL
	    || param_parse_time(val, 'd', &sec) < 0)
		return 0;
	return arrival + sec;
}

/* bounce_notify - the notifications a flush or warn calls for */

int
bounce_notify(const BOUNCE_MSG *msg, int kind, const BOUNCE_LIST *list)
{
	STRBUF *newid = strbuf_create(32);
	STRBUF *why = strbuf_create(100);
	IOSTREAM *qf = NULL;
	QFILE  *q = NULL;
	BOUNCE_NOTICE n;
	off_t	data_offset = 0;
	long	content_size = 0;
	char   *sel = xcalloc((size_t) list->count + 1, 1);
	char   *all = xcalloc((size_t) list->count + 1, 1);
	int	nsel = 0;
	int	i, fd;
	int	ret = 0;
	int	null_sender = *msg->sender == 0;

	for (i = 0; i < list->count; i++) {
		all[i] = 1;
		if ((sel[i] = (char) bounce_wanted(kind, msg->flags, list->ent + i)) != 0)
			nsel++;
	}

	memset(&n, 0, sizeof(n));
	n.kind = kind;
	n.now = (long) time(NULL);
	if ((fd = mail_queue_open(msg->queue_name, msg->queue_id, O_RDONLY)) < 0) {
		log_warn("%s: open queue file %s/%s: %m", msg->queue_id,
			 msg->queue_name, msg->queue_id);
	} else {
		qf = iostream_fdopen(fd, O_RDONLY);
		if ((q = qfile_read(qf, QFILE_REC_LIMIT(var_line_length_limit), 0,
				    why)) == NULL) {
			log_warn("%s: queue file: %s", msg->queue_id, strbuf_str(why));
			(void) iostream_close(qf);
			qf = NULL;
		} else {
			n.arrival_sec = q->arrival_sec;
			data_offset = (off_t) q->size[QFILE_SIZE_DATA_OFFSET];
			content_size = q->size[QFILE_SIZE_CONTENT];
		}
	}
	if (kind == BOUNCE_KIND_DELAYED)
		n.retry_until = bounce_retry_until(n.arrival_sec);

#define BOUNCE_SEND(to_addr, pm, from, selection, what) do { \
	n.to = (to_addr); \
	n.postmaster = (pm); \
	if (bounce_send(msg, &n, (from), list, (selection), qf, data_offset, \
			content_size, newid) < 0) \
		ret = -1; \
	else \
		log_info("%s: %s: %s", msg->queue_id, (what), strbuf_str(newid)); \
    } while (0)

	switch (kind) {
	case BOUNCE_KIND_FAILED:
		if (!null_sender && !bounce_from_double(msg->sender)) {
			if (nsel > 0)
				BOUNCE_SEND(msg->sender, 0, "", sel,
					    "sender non-delivery notification");
			if (bounce_notify_class("bounce"))
				BOUNCE_SEND(var_bounce_notice_recipient, 1,
					    var_double_bounce_sender, all,
					    "postmaster non-delivery notification");
		} else if (null_sender && bounce_notify_class("2bounce")) {
			BOUNCE_SEND(var_2bounce_notice_recipient, 1,
				    var_double_bounce_sender, all,
				    "postmaster non-delivery notification");
		} else {
			log_info("%s: undeliverable postmaster notification discarded",
				 msg->queue_id);
		}
		break;
	case BOUNCE_KIND_DELAYED:
		if (!null_sender && !bounce_from_double(msg->sender)) {
			if (nsel > 0)
				BOUNCE_SEND(msg->sender, 0, "", sel,
					    "sender delay notification");
			if (bounce_notify_class("delay"))
				BOUNCE_SEND(var_delay_notice_recipient, 1,
					    var_double_bounce_sender, all,
					    "postmaster delay notification");
		}
		break;
	default:
		if (!null_sender && !bounce_from_double(msg->sender) && nsel > 0)
			BOUNCE_SEND(msg->sender, 0, "", sel,
				    "sender delivery status notification");
		break;
	}

	if (q)
		qfile_free(q);
	if (qf)
		(void) iostream_close(qf);
	xfree(sel);
	xfree(all);
	strbuf_free(&newid);
	strbuf_free(&why);
	return ret;
}
