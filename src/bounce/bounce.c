/*
 * bounce - the bounce, defer and trace services
 *
 * One program behind three master.cf services: the service name
 * ($bounce_service_name, $defer_service_name, $trace_service_name)
 * selects the status log directory (bounce/, defer/, trace/ in the
 * queue directory). Requests (bounce_clnt.h):
 *
 *	append	add one recipient's outcome to the message's log, under
 *		a lock, fsynced before the reply;
 *	flush	send the notification for the whole log (non-delivery
 *		for bounce and defer, delivery report for trace), then
 *		remove the log;
 *	warn	(defer) send a delay warning; the log stays.
 *
 * Each reply is one status attribute: 0, or -1 when the work was not
 * done (the client keeps its state and tries again later). An unknown
 * request gets -1 and a warning; the process stays up.
 *
 * Security: runs as $mail_owner, chrooted when master.cf says so. The
 * requests come from our own daemons over private/ sockets, but queue
 * IDs and queue names are still checked before they become path names,
 * and every log value is treated as text (bounce_log.c).
 */

#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"		/* global */
#include "bounce_clnt.h"
#include "bounce_log.h"
#include "dsn.h"
#include "mail_queue.h"
#include "param.h"
#include "params_global.h"
#include "queue_id.h"
#include "service.h"		/* master */
#include "bounce.h"

/* Longest string attribute in a request. */
#define BOUNCE_ATTR_LIMIT	(64 * 1024)

/* The log directory of this service. */
static const char *bounce_service;

/* One request's attributes. */
typedef struct BOUNCE_REQ {
	STRBUF *queue_name;
	STRBUF *queue_id;
	STRBUF *orig_rcpt;
	STRBUF *rcpt;
	STRBUF *dsn_orcpt;
	STRBUF *status;
	STRBUF *action;
	STRBUF *reason;
	STRBUF *dtype;
	STRBUF *dtext;
	STRBUF *mtype;
	STRBUF *mname;
	STRBUF *relay;
	STRBUF *encoding;
	STRBUF *sender;
	STRBUF *envid;
} BOUNCE_REQ;

/* bounce_req_create - buffers for the attributes */

static BOUNCE_REQ *
bounce_req_create(void)
{
	BOUNCE_REQ *r = xcalloc(1, sizeof(*r));
	STRBUF **all[] = {&r->queue_name, &r->queue_id, &r->orig_rcpt, &r->rcpt,
		&r->dsn_orcpt, &r->status, &r->action, &r->reason, &r->dtype,
		&r->dtext, &r->mtype, &r->mname, &r->relay, &r->encoding,
	&r->sender, &r->envid};
	size_t	i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		*all[i] = strbuf_create(64);
		strbuf_set_limit(*all[i], BOUNCE_ATTR_LIMIT);
	}
	return r;
}

/* bounce_req_free - the reverse */

static void
bounce_req_free(BOUNCE_REQ *r)
{
	STRBUF **all[] = {&r->queue_name, &r->queue_id, &r->orig_rcpt, &r->rcpt,
		&r->dsn_orcpt, &r->status, &r->action, &r->reason, &r->dtype,
		&r->dtext, &r->mtype, &r->mname, &r->relay, &r->encoding,
	&r->sender, &r->envid};
	size_t	i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		strbuf_free(all[i]);
	xfree(r);
}

/* bounce_append_req - the append request */

static int
bounce_append_req(IOSTREAM *client, BOUNCE_REQ *r)
{
	BOUNCE_LOG_ENTRY e;
	STRBUF *why;
	int	flags, notify;
	long	offset, log_sec;
	int	ret;

	if (attr_scan(client, ATTR_FLAG_STRICT,
		      ATTR_RECV_INT(BOUNCE_ATTR_FLAGS, &flags),
		      ATTR_RECV_STR(BOUNCE_ATTR_QUEUE_ID, r->queue_id),
		      ATTR_RECV_STR(BOUNCE_ATTR_ORCPT, r->orig_rcpt),
		      ATTR_RECV_STR(BOUNCE_ATTR_RCPT, r->rcpt),
		      ATTR_RECV_STR(BOUNCE_ATTR_DSN_ORCPT, r->dsn_orcpt),
		      ATTR_RECV_INT(BOUNCE_ATTR_NOTIFY, &notify),
		      ATTR_RECV_LONG(BOUNCE_ATTR_OFFSET, &offset),
		      ATTR_RECV_STR(BOUNCE_ATTR_STATUS, r->status),
		      ATTR_RECV_STR(BOUNCE_ATTR_ACTION, r->action),
		      ATTR_RECV_STR(BOUNCE_ATTR_REASON, r->reason),
		      ATTR_RECV_STR(BOUNCE_ATTR_DTYPE, r->dtype),
		      ATTR_RECV_STR(BOUNCE_ATTR_DTEXT, r->dtext),
		      ATTR_RECV_STR(BOUNCE_ATTR_MTYPE, r->mtype),
		      ATTR_RECV_STR(BOUNCE_ATTR_MNAME, r->mname),
		      ATTR_RECV_STR(BOUNCE_ATTR_RELAY, r->relay),
		      ATTR_RECV_LONG(BOUNCE_ATTR_LOG_SEC, &log_sec),
		      ATTR_TYPE_END) != 16)
		return -2;			/* malformed: hang up */
	(void) flags;
	if (!queue_id_ok(strbuf_str(r->queue_id))) {
		log_warn("append: malformed queue ID \"%.100s\"",
			 strbuf_str(r->queue_id));
		return -1;
	}
	if (!dsn_valid(strbuf_str(r->status)) || strbuf_len(r->rcpt) == 0) {
		log_warn("%s: append: malformed status \"%.20s\" or empty recipient",
			 strbuf_str(r->queue_id), strbuf_str(r->status));
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.rcpt.orig_addr = strbuf_str(r->orig_rcpt);
	e.rcpt.address = strbuf_str(r->rcpt);
	e.rcpt.dsn_orcpt = strbuf_str(r->dsn_orcpt);
	e.rcpt.dsn_notify = notify;
	e.rcpt.offset = (off_t) offset;
	e.dsn.status = strbuf_str(r->status);
	e.dsn.action = strbuf_str(r->action);
	e.dsn.reason = strbuf_str(r->reason);
	e.dsn.dtype = strbuf_str(r->dtype);
	e.dsn.dtext = strbuf_str(r->dtext);
	e.dsn.mtype = strbuf_str(r->mtype);
	e.dsn.mname = strbuf_str(r->mname);
	e.relay = strbuf_str(r->relay);
	e.log_sec = log_sec;
	why = strbuf_create(100);
	if ((ret = bounce_log_append(bounce_service, strbuf_str(r->queue_id),
				     &e, why)) < 0)
		log_warn("%s: %s", strbuf_str(r->queue_id), strbuf_str(why));
	strbuf_free(&why);
	return ret;
}

/* bounce_notify_req - the flush and warn requests */

static int
bounce_notify_req(IOSTREAM *client, BOUNCE_REQ *r, int warn)
{
	BOUNCE_MSG msg;
	BOUNCE_LIST *list;
	int	flags, smtputf8, ret_mode;
	int	kind;
	int	ret;

	if (attr_scan(client, ATTR_FLAG_STRICT,
		      ATTR_RECV_INT(BOUNCE_ATTR_FLAGS, &flags),
		      ATTR_RECV_STR(BOUNCE_ATTR_QUEUE, r->queue_name),
		      ATTR_RECV_STR(BOUNCE_ATTR_QUEUE_ID, r->queue_id),
		      ATTR_RECV_STR(BOUNCE_ATTR_ENCODING, r->encoding),
		      ATTR_RECV_INT(BOUNCE_ATTR_SMTPUTF8, &smtputf8),
		      ATTR_RECV_STR(BOUNCE_ATTR_SENDER, r->sender),
		      ATTR_RECV_STR(BOUNCE_ATTR_ENVID, r->envid),
		      ATTR_RECV_INT(BOUNCE_ATTR_RET, &ret_mode),
		      ATTR_TYPE_END) != 8)
		return -2;
	if (!queue_id_ok(strbuf_str(r->queue_id))
	    || !mail_queue_name_ok(strbuf_str(r->queue_name))) {
		log_warn("%s: malformed queue name or ID \"%.100s/%.100s\"",
			 warn ? "warn" : "flush", strbuf_str(r->queue_name),
			 strbuf_str(r->queue_id));
		return -1;
	}
	if (warn && strcmp(bounce_service, BOUNCE_LOG_DEFER) != 0) {
		log_warn("%s: warn request for the %s service", strbuf_str(r->queue_id),
			 bounce_service);
		return -1;
	}
	if ((list = bounce_list_read(bounce_service, strbuf_str(r->queue_id))) == NULL) {
		if (errno == ENOENT)
			return 0;		/* nothing to report */
		log_warn("%s: open %s log: %m", strbuf_str(r->queue_id), bounce_service);
		return -1;
	}
	msg.queue_name = strbuf_str(r->queue_name);
	msg.queue_id = strbuf_str(r->queue_id);
	msg.encoding = strbuf_str(r->encoding);
	msg.smtputf8 = smtputf8;
	msg.sender = strbuf_str(r->sender);
	msg.dsn_envid = strbuf_str(r->envid);
	msg.dsn_ret = ret_mode;
	msg.flags = flags;
	if (warn)
		kind = BOUNCE_KIND_DELAYED;
	else if (strcmp(bounce_service, BOUNCE_LOG_TRACE) == 0)
		kind = BOUNCE_KIND_SUCCESS;
	else
		kind = BOUNCE_KIND_FAILED;
	ret = bounce_notify(&msg, kind, list);
	bounce_list_free(list);
	if (ret == 0 && !warn
	    && bounce_log_remove(bounce_service, msg.queue_id) < 0
	    && errno != ENOENT) {
		log_warn("%s: remove %s log: %m", msg.queue_id, bounce_service);
		ret = -1;
	}
	return ret;
}

/* bounce_serve - answer requests until the client hangs up */

static void
bounce_serve(IOSTREAM *client, const SERVICE *svc)
{
	STRBUF *name = strbuf_create(32);
	STRBUF *value = strbuf_create(32);
	BOUNCE_REQ *r = bounce_req_create();
	int	type, status;

	(void) svc;
	strbuf_set_limit(value, 100);
	while ((type = attr_scan_one(client, name, value)) >= 0) {
		if (type != ATTR_TYPE_STR
		    || strcmp(strbuf_str(name), ATTR_NAME_REQUEST) != 0) {
			log_warn("protocol error: request name expected");
			break;
		}
		if (strcmp(strbuf_str(value), BOUNCE_REQ_APPEND) == 0) {
			status = bounce_append_req(client, r);
		} else if (strcmp(strbuf_str(value), BOUNCE_REQ_FLUSH) == 0) {
			status = bounce_notify_req(client, r, 0);
		} else if (strcmp(strbuf_str(value), BOUNCE_REQ_WARN) == 0) {
			status = bounce_notify_req(client, r, 1);
		} else {
			log_warn("unknown request: \"%.100s\"", strbuf_str(value));
			if (attr_scan(client, ATTR_FLAG_NONE, ATTR_TYPE_END) < 0)
				break;
			status = -1;
		}
		if (status == -2)
			break;			/* attr_scan() logged why */
		if (attr_print(client, ATTR_FLAG_NONE,
			       ATTR_SEND_INT(ATTR_NAME_STATUS, status),
			       ATTR_TYPE_END) < 0)
			break;
	}
	bounce_req_free(r);
	strbuf_free(&name);
	strbuf_free(&value);
}

/* bounce_post_jail - which log this process serves */

static void
bounce_post_jail(const SERVICE *svc)
{
	if (strcmp(svc->name, var_defer_service_name) == 0)
		bounce_service = BOUNCE_LOG_DEFER;
	else if (strcmp(svc->name, var_trace_service_name) == 0)
		bounce_service = BOUNCE_LOG_TRACE;
	else
		bounce_service = BOUNCE_LOG_BOUNCE;
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "bounce",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_BOUNCE | PARAM_GROUP_QMGR,
		.post_jail = bounce_post_jail,
		.serve = bounce_serve,
	};

	service_main(argc, argv, &spec);
}
