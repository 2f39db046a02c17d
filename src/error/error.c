/*
 * error - delivery agent that bounces or defers every recipient
 *
 * One program serves two master.cf services. As "error" it bounces each
 * recipient of a request; as "retry" it defers each one. The reason is
 * the request's nexthop (transport_maps "error:5.1.1 No such user" or
 * the resolver's "error:" result), optionally led by an RFC 3463 code
 * that becomes the DSN status; without one the status is 5.0.0 (error)
 * or 4.0.0 (retry). A code of the other class is replaced by that
 * default, as Postfix does: error never defers and retry never bounces.
 * Nothing is delivered anywhere, so the relay is "none".
 *
 * Security: runs as $mail_owner, optionally chrooted; the only input is
 * qmgr's request and the queue file it names, both from the mail system
 * itself. The queue file is opened read-write only to mark recipients.
 */

#include "sysdeps.h"

#include <string.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "deliver_request.h"	/* global */
#include "deliver_status.h"
#include "dsn.h"
#include "param.h"
#include "service.h"		/* master */

/* The service name that defers instead of bouncing. */
#define ERROR_SERVICE_RETRY	"retry"

/* error_deliver - report every recipient of one request */

static int
error_deliver(DELIVER_REQUEST *req, int retry)
{
	const char *def = retry ? "4.0.0" : "5.0.0";
	const char *text;
	char    code[16];
	DSN     dsn = DSN_SIMPLE("", "");
	int     ret = DEL_STAT_OK;
	int     i;

	text = dsn_split(req->nexthop, def, code, sizeof(code));
	if (DSN_CLASS(code) != def[0]) {
		log_warn("%s: ignoring status %s for the %s service",
			 req->queue_id, code, retry ? "retry" : "error");
		memcpy(code, def, strlen(def) + 1);
	}
	dsn.status = code;
	dsn.reason = *text ? text : (retry ? "delivery temporarily suspended"
				     : "mail delivery failed");
	for (i = 0; i < req->rcpt_count; i++) {
		if ((retry ? dstat_defer(req, req->rcpts + i, "none", &dsn)
		     : dstat_bounce(req, req->rcpts + i, "none", &dsn)) < 0)
			ret = DEL_STAT_DEFER;
	}
	return ret;
}

/* error_serve - requests on one connection, until qmgr hangs up */

static void
error_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;
	int     retry = strcmp(svc->name, ERROR_SERVICE_RETRY) == 0;

	while ((req = deliver_request_read(client)) != NULL) {
		if (deliver_request_done(client, req,
					 error_deliver(req, retry)) < 0)
			break;
	}
}

/* main - hand over to the single-client skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "error",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_DELIVER,
		.serve = error_serve,
	};

	service_main(argc, argv, &spec);
}
