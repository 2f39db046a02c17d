/*
 * bounce_clnt.c - client of the bounce, defer and trace services
 *
 * One reconnecting attr_clnt per service (they are separate master.cf
 * services of the one bounce(8) program), created on first use. The
 * services are reached as private/$bounce_service_name,
 * private/$defer_service_name and private/$trace_service_name.
 */

#include "sysdeps.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "attr.h"
#include "attr_clnt.h"
#include "params_global.h"
#include "bounce_clnt.h"

static ATTR_CLNT *bounce_conn;
static ATTR_CLNT *defer_conn;
static ATTR_CLNT *trace_conn;

/* bounce_clnt_conn - the client of a service, NULL for an unknown one */

static ATTR_CLNT *
bounce_clnt_conn(const char *service)
{
	ATTR_CLNT **connp;
	const char *name;

	if (strcmp(service, BOUNCE_LOG_BOUNCE) == 0) {
		connp = &bounce_conn;
		name = var_bounce_service_name;
	} else if (strcmp(service, BOUNCE_LOG_DEFER) == 0) {
		connp = &defer_conn;
		name = var_defer_service_name;
	} else if (strcmp(service, BOUNCE_LOG_TRACE) == 0) {
		connp = &trace_conn;
		name = var_trace_service_name;
	} else {
		log_panic("bounce_clnt: unknown service \"%s\"", service);
	}
	if (*connp == NULL)
		*connp = attr_clnt_create("private", name, var_ipc_timeout);
	return *connp;
}

/* bounce_append - record one recipient's outcome */

int
bounce_append(const char *service, int flags, const char *queue_id,
	      const DELIVER_RCPT *rcpt, const char *relay, const DSN *dsn)
{
	int	status = -1;

#define S(x)	((x) ? (x) : "")

	if (attr_clnt_request(bounce_clnt_conn(service), ATTR_FLAG_NONE,
			      ATTR_SEND_STR(ATTR_NAME_REQUEST, BOUNCE_REQ_APPEND),
			      ATTR_SEND_INT(BOUNCE_ATTR_FLAGS, flags),
			      ATTR_SEND_STR(BOUNCE_ATTR_QUEUE_ID, queue_id),
			      ATTR_SEND_STR(BOUNCE_ATTR_ORCPT, S(rcpt->orig_addr)),
			      ATTR_SEND_STR(BOUNCE_ATTR_RCPT, S(rcpt->address)),
			      ATTR_SEND_STR(BOUNCE_ATTR_DSN_ORCPT, S(rcpt->dsn_orcpt)),
			      ATTR_SEND_INT(BOUNCE_ATTR_NOTIFY, rcpt->dsn_notify),
			      ATTR_SEND_LONG(BOUNCE_ATTR_OFFSET, rcpt->offset),
			      ATTR_SEND_STR(BOUNCE_ATTR_STATUS, S(dsn->status)),
			      ATTR_SEND_STR(BOUNCE_ATTR_ACTION, S(dsn->action)),
			      ATTR_SEND_STR(BOUNCE_ATTR_REASON, S(dsn->reason)),
			      ATTR_SEND_STR(BOUNCE_ATTR_DTYPE, S(dsn->dtype)),
			      ATTR_SEND_STR(BOUNCE_ATTR_DTEXT, S(dsn->dtext)),
			      ATTR_SEND_STR(BOUNCE_ATTR_MTYPE, S(dsn->mtype)),
			      ATTR_SEND_STR(BOUNCE_ATTR_MNAME, S(dsn->mname)),
			      ATTR_SEND_STR(BOUNCE_ATTR_RELAY, S(relay)),
			      ATTR_SEND_LONG(BOUNCE_ATTR_LOG_SEC, (long) time(NULL)),
			      ATTR_TYPE_END,
			      ATTR_FLAG_MISSING,
			      ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			      ATTR_TYPE_END) != 1 || status != 0) {
		log_warn("%s: %s service: append failed for <%.100s>",
			 queue_id, service, S(rcpt->address));
		return -1;
	}
	return 0;
}

/* bounce_clnt_notify - a flush or warn request */

static int
bounce_clnt_notify(const char *service, const char *request,
		   const BOUNCE_MSG *msg)
{
	int	status = -1;

	if (attr_clnt_request(bounce_clnt_conn(service), ATTR_FLAG_NONE,
			      ATTR_SEND_STR(ATTR_NAME_REQUEST, request),
			      ATTR_SEND_INT(BOUNCE_ATTR_FLAGS, msg->flags),
			      ATTR_SEND_STR(BOUNCE_ATTR_QUEUE, S(msg->queue_name)),
			      ATTR_SEND_STR(BOUNCE_ATTR_QUEUE_ID, msg->queue_id),
			      ATTR_SEND_STR(BOUNCE_ATTR_ENCODING, S(msg->encoding)),
			      ATTR_SEND_INT(BOUNCE_ATTR_SMTPUTF8, msg->smtputf8),
			      ATTR_SEND_STR(BOUNCE_ATTR_SENDER, S(msg->sender)),
			      ATTR_SEND_STR(BOUNCE_ATTR_ENVID, S(msg->dsn_envid)),
			      ATTR_SEND_INT(BOUNCE_ATTR_RET, msg->dsn_ret),
			      ATTR_TYPE_END,
			      ATTR_FLAG_MISSING,
			      ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			      ATTR_TYPE_END) != 1 || status != 0) {
		log_warn("%s: %s service: %s request failed",
			 msg->queue_id, service, request);
		return -1;
	}
	return 0;
}

/* bounce_flush - send the notification for a service's log */

int
bounce_flush(const char *service, const BOUNCE_MSG *msg)
{
	return bounce_clnt_notify(service, BOUNCE_REQ_FLUSH, msg);
}

/* bounce_warn - send a delay warning */

int
bounce_warn(const BOUNCE_MSG *msg)
{
	return bounce_clnt_notify(BOUNCE_LOG_DEFER, BOUNCE_REQ_WARN, msg);
}
