/*
 * qmgr_message.c - messages of the active queue: load, resolve, finish
 *
 * A message is read once (envelope only) when it enters the active
 * queue; its undone recipients are resolved (or redirected by the
 * content_filter and redirect_to attributes that cleanup's
 * header_checks left) and handed to the scheduler. When the last of
 * its delivery requests is over, the message is finished: bounce and
 * trace logs are flushed into notifications, and the queue file,
 * re-read for its done marks, is removed when nothing is left to do,
 * returned to the sender when it is older than its lifetime, or moved
 * to the deferred queue with a next-retry time as its mtime. A file is
 * never removed while a recipient is undone.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "events.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "bounce_clnt.h"	/* global */
#include "deliver_request.h"
#include "deliver_status.h"
#include "dsn.h"
#include "info_log_addr.h"
#include "mail_queue.h"
#include "params_global.h"
#include "params_qmgr.h"
#include "qfile.h"
#include "rec.h"
#include "rewrite_clnt.h"
#include "qmgr.h"

int	qmgr_message_count;
int	qmgr_recipient_count;

/* Messages whose deliveries are all over, to be finished. */
static QMGR_MESSAGE *qmgr_done_list;

/* Attribute names as Postfix's cleanup and smtpd write them. */
#define QMGR_ATTR_FILTER	"content_filter"
#define QMGR_ATTR_REDIRECT	"redirect_to"
#define QMGR_ATTR_TRACE_FLAGS	"trace_flags"
#define QMGR_ATTR_ENCODING	"encoding"
#define QMGR_ATTR_CLIENT_PORT	"client_port"
#define QMGR_ATTR_SASL_METHOD	"sasl_method"
#define QMGR_ATTR_SASL_SENDER	"sasl_sender"

/* qmgr_attr - extracted section first (header_checks), then envelope */

static const char *
qmgr_attr(const QFILE *q, const char *name)
{
	size_t	len = strlen(name);
	size_t	i;

	for (i = q->xattrs->argc; i > 0; i--)
		if (strncmp(q->xattrs->argv[i - 1], name, len) == 0
		    && q->xattrs->argv[i - 1][len] == '=')
			return q->xattrs->argv[i - 1] + len + 1;
	return qfile_attr(q, name);
}

/* qmgr_attr_dup - a copy of an attribute, "" when absent */

static char *
qmgr_attr_dup(const QFILE *q, const char *name)
{
	const char *value = qmgr_attr(q, name);

	return xstrdup(value ? value : "");
}

/* qmgr_now - wall clock with microseconds */

static double
qmgr_now(long *sec, long *usec)
{
	struct timeval tv;

	(void) gettimeofday(&tv, NULL);
	if (sec)
		*sec = tv.tv_sec;
	if (usec)
		*usec = tv.tv_usec;
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* qmgr_defer_rcpt - qmgr's own deferral of one recipient */

void
qmgr_defer_rcpt(QMGR_MESSAGE *msg, const QMGR_RCPT *rcpt,
		const char *status, const char *reason)
{
	DELIVER_RCPT drcpt;
	DSN	dsn = DSN_SIMPLE(status, reason);
	STRBUF *line = strbuf_create(200);
	STRBUF *code = strbuf_create(12);
	double	now = qmgr_now(NULL, NULL);
	double	arrival = msg->arrival_sec + msg->arrival_usec / 1e6;
	double	active = msg->active_sec + msg->active_usec / 1e6;
	const char *service;

	/* A deferral is a 4.x.x whatever class the reason came with. */
	if (dsn_valid(status)) {
		strbuf_set(code, status);
		strbuf_str(code)[0] = '4';
	} else {
		strbuf_set(code, "4.0.0");
	}
	status = dsn.status = strbuf_str(code);
	dsn.action = "delayed";
	drcpt.orig_addr = rcpt->orig;
	drcpt.address = rcpt->address;
	drcpt.dsn_orcpt = rcpt->dsn_orcpt;
	drcpt.dsn_notify = rcpt->dsn_notify;
	drcpt.offset = rcpt->offset;
	service = (msg->tflags & DEL_REQ_FLAG_VERIFY) ?
	    BOUNCE_LOG_TRACE : BOUNCE_LOG_DEFER;
	(void) bounce_append(service, msg->tflags, msg->queue_id, &drcpt,
			     "none", &dsn);
	if ((msg->tflags & DEL_REQ_FLAG_RECORD)
	    && !(msg->tflags & DEL_REQ_FLAG_VERIFY))
		(void) bounce_append(BOUNCE_LOG_TRACE, msg->tflags,
				     msg->queue_id, &drcpt, "none", &dsn);
	msg->deferred = 1;

	/* The delivery agents' line shape (deliver_status.h), relay=none. */
	strbuf_printf(line, "%s: to=<%s>", msg->queue_id,
		      info_log_addr(rcpt->address));
	if (*rcpt->orig && strcmp(rcpt->orig, rcpt->address) != 0)
		strbuf_append_printf(line, ", orig_to=<%s>",
				     info_log_addr(rcpt->orig));
	strbuf_append_str(line, ", relay=none, delay=");
	dstat_format_delay(line, now - arrival);
	strbuf_append_str(line, ", delays=");
	dstat_format_delay(line, active - arrival);
	strbuf_append_char(line, '/');
	dstat_format_delay(line, now - active);
	strbuf_append_str(line, "/0/0, dsn=");
	strbuf_append_printf(line, "%s, status=deferred (%s)", status, reason);
	log_info("%s", strbuf_str(line));
	strbuf_free(&line);
	strbuf_free(&code);
}

/* qmgr_corrupt - set an unreadable queue file aside */

static void
qmgr_corrupt(const char *id, const char *why)
{
	STRBUF *err = strbuf_create(100);

	log_warn("%s: corrupt queue file: %s", id, why);
	if (mail_queue_rename(id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT, err) == 0)
		log_warn("saving corrupt file \"%s\" from queue \"%s\" to queue \"%s\"",
			 id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT);
	else
		log_warn("%s: cannot move to queue %s: %s", id,
			 MAIL_QUEUE_CORRUPT, strbuf_str(err));
	strbuf_free(&err);
}

/*
 * qmgr_read - read a queue file's envelope; NULL with why, and with
 * *missing set when the file was not there at all
 */

static QFILE *
qmgr_read(const char *queue, const char *id, STRBUF *why, int *missing)
{
	IOSTREAM *st;
	QFILE  *q;
	int	fd;

	*missing = 0;
	if ((fd = mail_queue_open(queue, id, O_RDONLY)) < 0) {
		*missing = (errno == ENOENT);
		strbuf_printf(why, "open %s/%s: %m", queue, id);
		return NULL;
	}
	st = iostream_fdopen(fd, O_RDONLY);
	q = qfile_read(st, QFILE_REC_LIMIT(var_line_length_limit), 0, why);
	(void) iostream_close(st);
	return q;
}

/* qmgr_message_free - forget a message */

static void
qmgr_message_free(QMGR_MESSAGE *msg)
{
	int	i;

	for (i = 0; i < msg->rcpt_count; i++) {
		xfree(msg->rcpts[i].orig);
		xfree(msg->rcpts[i].address);
		xfree(msg->rcpts[i].dsn_orcpt);
	}
	qmgr_message_count--;
	qmgr_recipient_count -= msg->rcpt_count;
	xfree(msg->rcpts);
	xfree(msg->queue_id);
	xfree(msg->sender);
	xfree(msg->encoding);
	xfree(msg->dsn_envid);
	xfree(msg->client_name);
	xfree(msg->client_addr);
	xfree(msg->client_port);
	xfree(msg->client_proto);
	xfree(msg->client_helo);
	xfree(msg->sasl_method);
	xfree(msg->sasl_username);
	xfree(msg->sasl_sender);
	xfree(msg->rewrite_context);
	xfree(msg->filter);
	xfree(msg->redirect);
	xfree(msg);
}

/* qmgr_message_resolve - route every recipient */

static void
qmgr_message_resolve(QMGR_MESSAGE *msg)
{
	RESOLVE_REPLY reply;
	STRBUF *transport = strbuf_create(20);
	STRBUF *nexthop = strbuf_create(100);
	const char *at;
	char   *colon;
	int	i;

	resolve_reply_init(&reply);
	for (i = 0; i < msg->rcpt_count; i++) {
		QMGR_RCPT *rcpt = msg->rcpts + i;

		if (msg->filter) {

			/*
			 * FILTER transport:nexthop; without a next hop the
			 * recipient domain, as Postfix's empty
			 * default_filter_nexthop.
			 */
			strbuf_set(transport, msg->filter);
			colon = strchr(strbuf_str(transport), ':');
			if (colon) {
				*colon = 0;
				strbuf_set(nexthop, colon + 1);
				strbuf_truncate(transport, (size_t)
					     (colon - strbuf_str(transport)));
			} else {
				strbuf_reset(nexthop);
			}
			if (strbuf_len(nexthop) == 0) {
				at = strrchr(rcpt->address, '@');
				strbuf_set(nexthop, at && at[1] ? at + 1 :
					   var_myhostname);
			}
		} else {
			if (resolve_clnt(rcpt->address, &reply) < 0
			    || (reply.flags & RESOLVE_FLAG_FAIL)) {
				qmgr_defer_rcpt(msg, rcpt, "4.3.0",
						"address resolver failure");
				continue;
			}
			strbuf_set(transport, strbuf_str(reply.transport));
			strbuf_set(nexthop, strbuf_str(reply.nexthop));
		}
		qmgr_deliver_assign(msg, rcpt, strbuf_str(transport),
				    strbuf_str(nexthop));
	}
	resolve_reply_free(&reply);
	strbuf_free(&transport);
	strbuf_free(&nexthop);
}

/* qmgr_message_load - a queue file enters the active set */

void
qmgr_message_load(const char *id, int dfxp)
{
	STRBUF *why = strbuf_create(100);
	QMGR_MESSAGE *msg;
	QFILE  *q;
	const char *value;
	long	flags;
	long	size;
	int	missing;
	int	i;
	int	n;

	if ((q = qmgr_read(MAIL_QUEUE_ACTIVE, id, why, &missing)) == NULL) {
		if (missing)
			log_warn("%s: %s", id, strbuf_str(why));
		else
			qmgr_corrupt(id, strbuf_str(why));
		strbuf_free(&why);
		return;
	}
	strbuf_free(&why);
	msg = xcalloc(1, sizeof(*msg));
	msg->queue_id = xstrdup(id);
	msg->arrival_sec = q->arrival_sec;
	msg->arrival_usec = q->arrival_usec;
	(void) qmgr_now(&msg->active_sec, &msg->active_usec);
	msg->data_offset = q->size[QFILE_SIZE_DATA_OFFSET];
	msg->data_size = q->size[QFILE_SIZE_CONTENT];
	msg->qflags = q->size[QFILE_SIZE_QMGR_FLAGS];
	msg->smtputf8 = q->size[QFILE_SIZE_SMTPUTF8] != 0;
	msg->sender = xstrdup(q->sender);
	msg->dsn_envid = xstrdup(q->dsn_envid ? q->dsn_envid : "");
	msg->dsn_ret = q->dsn_ret;
	msg->encoding = qmgr_attr_dup(q, QMGR_ATTR_ENCODING);
	msg->client_name = qmgr_attr_dup(q, QFILE_ATTR_CLIENT_NAME);
	msg->client_addr = qmgr_attr_dup(q, QFILE_ATTR_CLIENT_ADDR);
	msg->client_port = qmgr_attr_dup(q, QMGR_ATTR_CLIENT_PORT);
	msg->client_proto = qmgr_attr_dup(q, QFILE_ATTR_PROTO_NAME);
	msg->client_helo = qmgr_attr_dup(q, QFILE_ATTR_HELO_NAME);
	msg->sasl_method = qmgr_attr_dup(q, QMGR_ATTR_SASL_METHOD);
	msg->sasl_username = qmgr_attr_dup(q, QFILE_ATTR_SASL_USER);
	msg->sasl_sender = qmgr_attr_dup(q, QMGR_ATTR_SASL_SENDER);
	msg->rewrite_context = qmgr_attr_dup(q, QFILE_ATTR_REWRITE);
	if ((value = qmgr_attr(q, QMGR_ATTR_FILTER)) != NULL && *value)
		msg->filter = xstrdup(value);
	if ((value = qmgr_attr(q, QMGR_ATTR_REDIRECT)) != NULL && *value)
		msg->redirect = xstrdup(value);
	if ((value = qmgr_attr(q, QMGR_ATTR_TRACE_FLAGS)) != NULL) {
		if (parse_long(value, &flags, 0, INT_MAX) == 0)
			msg->tflags = (int) flags & (DEL_REQ_FLAG_VERIFY
						     | DEL_REQ_FLAG_RECORD);
		else
			log_warn("%s: bad %s attribute: %s", id,
				 QMGR_ATTR_TRACE_FLAGS, value);
	}
	if (*msg->sender == 0)
		msg->tflags |= DEL_REQ_FLAG_BOUNCE;
	msg->ignore_defer_transports = dfxp;

	/* The undone recipients; redirect_to replaces each address. */
	msg->rcpts = xcalloc((size_t) q->rcpt_count + 1, sizeof(QMGR_RCPT));
	for (n = i = 0; i < q->rcpt_count; i++) {
		const QFILE_RCPT *qr = q->rcpts + i;
		QMGR_RCPT *rcpt;

		if (qr->done)
			continue;
		rcpt = msg->rcpts + n++;
		if (msg->redirect) {
			rcpt->address = xstrdup(msg->redirect);
			rcpt->orig = xstrdup(qr->orig ? qr->orig : qr->address);
		} else {
			rcpt->address = xstrdup(qr->address);
			rcpt->orig = xstrdup(qr->orig ? qr->orig : "");
		}
		rcpt->dsn_orcpt = xstrdup(qr->dsn_orcpt ? qr->dsn_orcpt : "");
		rcpt->dsn_notify = qr->dsn_notify;
		rcpt->offset = qr->offset;
	}
	msg->rcpt_count = n;
	qmgr_message_count++;
	qmgr_recipient_count += n;

	/* Postfix logs the message length as sent, and every recipient. */
	size = q->size[QFILE_SIZE_CONT_LENGTH] > 0 ?
	    q->size[QFILE_SIZE_CONT_LENGTH] : q->size[QFILE_SIZE_CONTENT];
	log_info("%s: from=<%s>, size=%ld, nrcpt=%d (queue active)",
		 id, info_log_addr(msg->sender), size, q->rcpt_count);
	qfile_free(q);

	/* Hold a reference while assigning, so it cannot finish early. */
	msg->refcount = 1;
	qmgr_message_resolve(msg);
	qmgr_message_release(msg);
}

/* qmgr_message_release - one reference less */

void
qmgr_message_release(QMGR_MESSAGE *msg)
{
	if (--msg->refcount > 0)
		return;
	msg->next = qmgr_done_list;
	qmgr_done_list = msg;
}

/* qmgr_log_exists - does the status log service/id exist? */

static int
qmgr_log_exists(const char *service, const char *id)
{
	STRBUF *path = strbuf_create(100);
	struct stat st;
	int	ret;

	ret = mail_queue_path(path, service, id) == 0
	    && stat(strbuf_str(path), &st) == 0;
	strbuf_free(&path);
	return ret;
}

/* qmgr_unlink_log - remove a status log */

static void
qmgr_unlink_log(const char *service, const char *id)
{
	STRBUF *path = strbuf_create(100);

	if (mail_queue_path(path, service, id) == 0
	    && unlink(strbuf_str(path)) < 0 && errno != ENOENT)
		log_warn("remove %s: %m", strbuf_str(path));
	strbuf_free(&path);
}

/* qmgr_bounce_msg - the facts for a flush or warn */

static void
qmgr_bounce_msg(const QMGR_MESSAGE *msg, BOUNCE_MSG *bm)
{
	bm->queue_name = MAIL_QUEUE_ACTIVE;
	bm->queue_id = msg->queue_id;
	bm->encoding = msg->encoding;
	bm->smtputf8 = msg->smtputf8;
	bm->sender = msg->sender;
	bm->dsn_envid = msg->dsn_envid;
	bm->dsn_ret = msg->dsn_ret;
	bm->flags = msg->tflags;
}

/* qmgr_set_qflags - rewrite the size record's queue manager field */

static int
qmgr_set_qflags(const char *id, long qflags)
{
	STRBUF *buf = strbuf_create(REC_SIZE_LEN + 1);
	STRBUF *field = strbuf_create(REC_SIZE_WIDTH + 1);
	IOSTREAM *st;
	off_t	start;
	int	fd;
	int	ret = -1;

	if ((fd = mail_queue_open(MAIL_QUEUE_ACTIVE, id, O_RDWR)) < 0) {
		log_warn("%s: open for update: %m", id);
		goto out;
	}
	st = iostream_fdopen(fd, O_RDWR);
	if (rec_get(st, buf, REC_SIZE_LEN, field) != REC_TYPE_SIZE
	    || strbuf_len(buf) != REC_SIZE_LEN) {
		log_warn("%s: bad size record", id);
		(void) iostream_close(st);
		goto out;
	}
	start = iostream_tell(st) - REC_SIZE_LEN;
	strbuf_printf(field, "%*ld", REC_SIZE_WIDTH, qflags);
	if (pwrite(fd, strbuf_str(field), strbuf_len(field), start
		   + QFILE_SIZE_QMGR_FLAGS * (REC_SIZE_WIDTH + 1))
	    != (ssize_t) strbuf_len(field) || fsync(fd) < 0)
		log_warn("%s: update size record: %m", id);
	else
		ret = 0;
	(void) iostream_close(st);
out:
	strbuf_free(&buf);
	strbuf_free(&field);
	return ret;
}

/* qmgr_expire_fill - a defer log entry for each undone recipient */

static void
qmgr_expire_fill(QMGR_MESSAGE *msg, const QFILE *q)
{
	BOUNCE_LOG *log;
	const BOUNCE_LOG_ENTRY *ent;
	off_t  *seen = NULL;
	size_t	nseen = 0;
	size_t	j;
	int	i;

	if ((log = bounce_log_open(BOUNCE_LOG_DEFER, msg->queue_id)) != NULL) {
		while ((ent = bounce_log_read(log)) != NULL) {
			seen = xrealloc(seen, size_mul(nseen + 1, sizeof(*seen)));
			seen[nseen++] = ent->rcpt.offset;
		}
		bounce_log_close(log);
	}
	for (i = 0; i < q->rcpt_count; i++) {
		const QFILE_RCPT *qr = q->rcpts + i;
		DELIVER_RCPT drcpt;
		DSN	dsn = DSN_SIMPLE("4.4.7", "message delivery time exceeded");

		if (qr->done)
			continue;
		for (j = 0; j < nseen && seen[j] != qr->offset; j++)
			continue;
		if (j < nseen)
			continue;
		dsn.action = "delayed";
		drcpt.orig_addr = qr->orig ? qr->orig : "";
		drcpt.address = qr->address;
		drcpt.dsn_orcpt = qr->dsn_orcpt ? qr->dsn_orcpt : "";
		drcpt.dsn_notify = qr->dsn_notify;
		drcpt.offset = qr->offset;
		(void) bounce_append(BOUNCE_LOG_DEFER, msg->tflags, msg->queue_id,
				     &drcpt, "none", &dsn);
	}
	xfree(seen);
}

/*
 * qmgr_remove - all done: the queue file and its defer log go. With
 * dont_remove (a debugging aid) the queue file moves to the saved
 * queue instead; the log line stays "removed", as in Postfix.
 */

static void
qmgr_remove(const QMGR_MESSAGE *msg)
{
	STRBUF *path = strbuf_create(100);
	STRBUF *why = strbuf_create(100);

	if (mail_queue_path(path, MAIL_QUEUE_ACTIVE, msg->queue_id) < 0) {
		log_warn("%s: bad queue ID", msg->queue_id);
	} else if (var_dont_remove
		   && mail_queue_rename(msg->queue_id, MAIL_QUEUE_ACTIVE,
					MAIL_QUEUE_SAVED, why) < 0
		   && errno != ENOENT) {
		log_warn("%s: save %s: %s", msg->queue_id, strbuf_str(path),
			 strbuf_str(why));
	} else if (!var_dont_remove
		   && unlink(strbuf_str(path)) < 0 && errno != ENOENT) {
		log_warn("%s: remove %s: %m", msg->queue_id, strbuf_str(path));
	} else {
		qmgr_unlink_log(BOUNCE_LOG_DEFER, msg->queue_id);
		log_info("%s: removed", msg->queue_id);
	}
	strbuf_free(&path);
	strbuf_free(&why);
}

/* qmgr_defer_file - to the deferred queue, retry time as mtime */

static void
qmgr_defer_file(const QMGR_MESSAGE *msg, long age)
{
	STRBUF *path = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	struct timeval tv[2];

	tv[0].tv_sec = tv[1].tv_sec = event_time()
	    + qmgr_backoff(age, var_minimal_backoff_time, var_maximal_backoff_time);
	tv[0].tv_usec = tv[1].tv_usec = 0;
	if (mail_queue_path(path, MAIL_QUEUE_ACTIVE, msg->queue_id) == 0
	    && utimes(strbuf_str(path), tv) < 0)
		log_warn("%s: update %s time stamps: %m", msg->queue_id,
			 strbuf_str(path));
	if (mail_queue_rename(msg->queue_id, MAIL_QUEUE_ACTIVE,
			      MAIL_QUEUE_DEFERRED, why) < 0)
		log_warn("%s: move to queue %s: %s", msg->queue_id,
			 MAIL_QUEUE_DEFERRED, strbuf_str(why));
	strbuf_free(&path);
	strbuf_free(&why);
}

/* qmgr_message_finish - every delivery attempt of msg is over */

static void
qmgr_message_finish(QMGR_MESSAGE *msg)
{
	BOUNCE_MSG bm;
	STRBUF *why = strbuf_create(100);
	QFILE  *q = NULL;
	int	undone = 0;
	int	keep = 0;
	int	missing;
	long	age = (long) event_time() - msg->arrival_sec;
	int	i;

	qmgr_bounce_msg(msg, &bm);
	if (qmgr_log_exists(BOUNCE_LOG_BOUNCE, msg->queue_id)
	    && bounce_flush(BOUNCE_LOG_BOUNCE, &bm) < 0)
		keep = 1;
	if (qmgr_log_exists(BOUNCE_LOG_TRACE, msg->queue_id)
	    && bounce_flush(BOUNCE_LOG_TRACE, &bm) < 0)
		keep = 1;

	/*
	 * An address verification marks nothing done: it is over when it
	 * was reported, unless qmgr itself had to defer someone.
	 */
	if (msg->tflags & DEL_REQ_FLAG_VERIFY) {
		undone = msg->deferred;
	} else if ((q = qmgr_read(MAIL_QUEUE_ACTIVE, msg->queue_id, why,
				  &missing)) == NULL) {
		log_warn("%s: re-read queue file: %s", msg->queue_id,
			 strbuf_str(why));
		undone = 1;
	} else {
		for (i = 0; i < q->rcpt_count; i++)
			if (!q->rcpts[i].done)
				undone++;
	}
	if (undone && q != NULL
	    && qmgr_expired(age, *msg->sender ? var_maximal_queue_lifetime
			    : var_bounce_queue_lifetime)) {
		log_info("%s: from=<%s>, status=expired, returned to sender",
			 msg->queue_id, info_log_addr(msg->sender));
		qmgr_expire_fill(msg, q);
		if (bounce_flush(BOUNCE_LOG_DEFER, &bm) == 0)
			undone = 0;
		else
			keep = 1;
	} else if (undone && qmgr_warn_due(age, var_delay_warning_time,
					   msg->qflags)) {
		if (bounce_warn(&bm) == 0)
			(void) qmgr_set_qflags(msg->queue_id,
					       msg->qflags | QMGR_QFLAG_WARNED);
	}
	if (undone || keep)
		qmgr_defer_file(msg, age);
	else
		qmgr_remove(msg);
	if (q)
		qfile_free(q);
	strbuf_free(&why);
	qmgr_message_free(msg);
}

/* qmgr_message_finish_pending - finish what is over */

int
qmgr_message_finish_pending(void)
{
	QMGR_MESSAGE *msg;
	int	count = 0;

	while ((msg = qmgr_done_list) != NULL) {
		qmgr_done_list = msg->next;
		qmgr_message_finish(msg);
		count++;
	}
	return count;
}
