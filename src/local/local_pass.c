/*
 * local_pass.c - local(8) hands one destination to another transport
 *
 * mailbox_transport and fallback_transport name a master.cf service,
 * optionally followed by ":nexthop" (without one, the request's own
 * next hop). As Postfix's deliver_pass(), local(8) sends that service
 * a delivery request of its own, copied from the current one, with
 * exactly one recipient: the destination being delivered. The other
 * agent delivers and reports it (log line, bounce/defer log, done mark)
 * and replies; local(8) reports it only when the other agent could not
 * be reached or gave no usable reply.
 *
 * The recipient carries the queue file recipient's offset when the
 * destination is that recipient itself, so that the other agent marks
 * it done; an expansion's destination (alias, :include:, .forward, a
 * luser_relay child) carries offset -1, and the queue file recipient is
 * then marked by local_serve_request() once none of its destinations
 * waits. The reply's deferred count (deliver_request.h) tells whether
 * the destination still waits.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "timed_connect.h"
#include "deliver_request.h"
#include "params_global.h"
#include "local.h"

/* local_pass_connect - a blocking connection to private/SERVICE */

static IOSTREAM *
local_pass_connect(const char *service)
{
	struct sockaddr_un sun;
	STRBUF *path = strbuf_create(100);
	IOSTREAM *st;
	int     fd;

	strbuf_printf(path, "private/%s", service);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strbuf_len(path) >= sizeof(sun.sun_path)) {
		strbuf_free(&path);
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, strbuf_str(path), strbuf_len(path) + 1);
	strbuf_free(&path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return NULL;
	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (timed_connect(fd, (struct sockaddr *) &sun, sizeof(sun),
			  var_ipc_timeout) < 0) {
		int     saved = errno;

		(void) close(fd);
		errno = saved;
		return NULL;
	}
	st = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(st, var_ipc_timeout);
	return st;
}

/* local_pass - deliver attr's destination through transport */

int
local_pass(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *param,
	   const char *transport)
{
	DELIVER_REQUEST req = *ctx->req;
	DELIVER_RCPT rcpt = *ctx->rcpt;
	char   *service = xstrdup(transport);
	char   *nexthop = strchr(service, ':');
	IOSTREAM *st;
	int     copy;
	int     status;
	int     deferred = 0;

	if (nexthop != NULL)
		*nexthop++ = 0;
	if (*service == 0) {
		log_warn("%s: %s: empty transport name in \"%s\"",
			 ctx->req->queue_id, param, transport);
		xfree(service);
		return local_report(ctx, attr, "4.3.5",
				    "mail system configuration error");
	}

	/* The destination, as local_report() would name it. */
	copy = attr->level > 0 || strcmp(attr->address, rcpt.address) != 0;
	if (copy) {
		rcpt.address = (char *) attr->address;
		if (*ctx->rcpt->orig_addr == 0)
			rcpt.orig_addr = ctx->rcpt->address;
		rcpt.offset = -1;
	}
	req.fp = NULL;
	req.rcpts = &rcpt;
	req.rcpt_count = 1;
	if (nexthop != NULL && *nexthop)
		req.nexthop = nexthop;

	if ((st = local_pass_connect(service)) == NULL) {
		log_warn("%s: connect to transport private/%s: %m",
			 ctx->req->queue_id, service);
		xfree(service);
		return local_report(ctx, attr, "4.3.0",
				    "mail transport unavailable");
	}
	status = -1;
	if (deliver_request_send(st, &req) == 0)
		status = deliver_reply_read_deferred(st, NULL, NULL, &deferred);
	(void) iostream_close(st);

	/*
	 * DEL_STAT_DEFER without a deferral: the other agent could not
	 * report the destination (an unreadable queue file, say); nobody
	 * has, so local(8) defers it itself.
	 */
	if (status < 0 || (status == DEL_STAT_DEFER && deferred == 0)) {
		log_warn("%s: %s: no usable reply from transport private/%s",
			 ctx->req->queue_id, param, service);
		xfree(service);
		return local_report(ctx, attr, "4.3.0",
				    "mail transport unavailable");
	}
	xfree(service);
	if (copy)
		ctx->expanded = 1;
	if (deferred > 0 || status == DEL_STAT_DEFER)
		ctx->deferred = 1;
	/* So that local(8)'s own reply counts it too. */
	ctx->req->deferred += deferred;
	return 0;
}
