/*
 * master_wakeup.c - wakeup timers (the master.cf wakeup column)
 *
 * Every wakeup_time seconds master sends TRIGGER_REQ_WAKEUP to the
 * service's own endpoint, as any client would; if no process is
 * running, the request waiting there makes master start one. A
 * throttled service is left alone. With "N?" the timer starts only
 * once the service has been used (master_spawn.c).
 */

#include "sysdeps.h"

#include <limits.h>

#include "events.h"		/* util */
#include "inet_addr.h"
#include "log.h"
#include "strbuf.h"
#include "trigger_send.h"
#include "master.h"

/* How long master may wait for a wakeup to go out (seconds). */
#define MASTER_WAKEUP_TIMEOUT	1

/* master_wakeup_endpoint - where to send: a path, or "[addr]:port" */

static void
master_wakeup_endpoint(const MASTER_SERV *serv, STRBUF *out)
{
	INET_ADDR_STR abuf;
	INET_ADDR addr;

	if (serv->type != MASTER_TYPE_INET) {
		strbuf_set(out, serv->name);
		return;
	}

	/* A wildcard address is reached through the loopback address. */
	addr = serv->addrs[0];
	if (addr.family == AF_INET
	    && memcmp(addr.bytes, "\0\0\0\0", 4) == 0)
		(void) inet_addr_pton("127.0.0.1", &addr);
	else if (addr.family == AF_INET6
		 && memcmp(addr.bytes, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0)
		(void) inet_addr_pton("::1", &addr);
	strbuf_printf(out, "[%s]:%u", inet_addr_ntop(&addr, &abuf), serv->port);
}

/* master_wakeup_event - time to poke the service */

static void
master_wakeup_event(int unused_event, void *context)
{
	static const char wakeup[] = {TRIGGER_REQ_WAKEUP};
	MASTER_SERV *serv = context;
	STRBUF *endpoint;
	STRBUF *why;

	if (serv->wakeup_time <= 0)
		return;
	if (!MASTER_THROTTLED(serv)) {
		endpoint = strbuf_create(100);
		why = strbuf_create(100);
		master_wakeup_endpoint(serv, endpoint);
		if (log_verbose)
			log_info("master_wakeup: service %s (%s)", serv->ext_name,
				 strbuf_str(endpoint));
		if (trigger_send(serv->type, strbuf_str(endpoint), wakeup,
				 sizeof(wakeup), MASTER_WAKEUP_TIMEOUT, why) < 0)
			log_warn("service %s(%s): %s", serv->ext_name,
				 strbuf_str(endpoint), strbuf_str(why));
		strbuf_free(&endpoint);
		strbuf_free(&why);
	}
	master_wakeup_init(serv);
}

/* master_wakeup_init - (re)start the timer unless it must wait */

void
master_wakeup_init(MASTER_SERV *serv)
{
	if (serv->wakeup_time <= 0 || (serv->flags & MASTER_FLAG_CONDWAKE))
		return;
	event_request_timer(master_wakeup_event, serv,
			    serv->wakeup_time > INT_MAX / 1000 ? INT_MAX :
			    serv->wakeup_time * 1000);
}

/*
 * master_wakeup_start - a service just started: poke it at once (from
 * the event loop, once the listeners are ready), then on its timer, so
 * that qmgr and pickup find work left from before without waiting a
 * whole wakeup period, as with Postfix
 */

void
master_wakeup_start(MASTER_SERV *serv)
{
	if (serv->wakeup_time <= 0 || (serv->flags & MASTER_FLAG_CONDWAKE))
		return;
	event_request_timer(master_wakeup_event, serv, 0);
}

/* master_wakeup_cleanup - stop the timer */

void
master_wakeup_cleanup(MASTER_SERV *serv)
{
	(void) event_cancel_timer(master_wakeup_event, serv);
}
