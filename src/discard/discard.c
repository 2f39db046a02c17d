/*
 * discard - delivery agent that pretends to deliver
 *
 * Every recipient of a request is reported as delivered ("status=sent")
 * and marked done, and the message goes nowhere. The reason in the log
 * is the request's nexthop (transport_maps "discard:silently ignored"),
 * optionally led by a 2.X.X code; "discarded" when it is empty. A code
 * of another class is replaced by 2.0.0: discard never bounces.
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

/* discard_deliver - report every recipient of one request as sent */

static int
discard_deliver(DELIVER_REQUEST *req)
{
	const char *text;
	char    code[16];
	DSN     dsn = DSN_SIMPLE("", "");
	int     ret = DEL_STAT_OK;
	int     i;

	text = dsn_split(req->nexthop, "2.0.0", code, sizeof(code));
	if (DSN_CLASS(code) != '2') {
		log_warn("%s: ignoring status %s for the discard service",
			 req->queue_id, code);
		memcpy(code, "2.0.0", sizeof("2.0.0"));
	}
	dsn.status = code;
	dsn.reason = *text ? text : "discarded";
	for (i = 0; i < req->rcpt_count; i++)
		if (dstat_sent(req, req->rcpts + i, "none", &dsn) < 0)
			ret = DEL_STAT_DEFER;
	return ret;
}

/* discard_serve - requests on one connection, until qmgr hangs up */

static void
discard_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;

	(void) svc;
	while ((req = deliver_request_read(client)) != NULL) {
		if (deliver_request_done(client, req, discard_deliver(req)) < 0)
			break;
	}
}

/* main - hand over to the single-client skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "discard",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_DELIVER,
		.serve = discard_serve,
	};

	service_main(argc, argv, &spec);
}
