/*
 * anvil.c - connection and rate counter for smtpd(8)
 *
 * anvil(8) keeps, for each (service, client address) pair that it is
 * told about, the number of connections open now and how many
 * connections, messages, recipients and new TLS sessions there were in
 * the current $anvil_rate_time_unit. smtpd asks through anvil_clnt.h
 * (the protocol is described there) and applies its own limits; anvil
 * only counts. Every $anvil_status_update_time, and before it exits,
 * it logs the largest values it saw ("statistics: max connection rate
 * 3/60s for (smtp:192.0.2.1) at Nov 22 10:11:12") and starts over.
 *
 * Rates are counted in fixed windows: a counter's window starts with
 * its first event and lasts one time unit; the first event after that
 * starts a new window at zero. An entry whose connection count is zero
 * is forgotten once its window has ended, so memory follows the active
 * clients only. A connection is remembered with the client stream that
 * reported it: when an smtpd process goes away without saying
 * "disconnect" (crash, kill), its connections are released too.
 *
 * One process serves every smtpd (SERVICE_MULTI, maxproc 1 in
 * master.cf): the counters would be wrong if split across processes.
 *
 * Security: runs as $mail_owner and can be chrooted; it opens no files.
 * Requests come from other mail system processes only (private/anvil);
 * identifiers are bounded in length and used only as table keys and in
 * log lines.
 */

#include "sysdeps.h"

#include <string.h>
#include <time.h>

#include "events.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "strbuf.h"
#include "anvil_clnt.h"		/* global */
#include "attr.h"
#include "param.h"
#include "params_anvil.h"
#include "params_global.h"
#include "service.h"		/* master */

/* Longest identifier ("service:address") we accept. */
#define ANVIL_IDENT_LIMIT	1024

/* The counters of one (service, client) pair. */
typedef struct ANVIL_REMOTE {
	char   *ident;			/* "service:address" */
	int	count;			/* connections open now */
	int	rate;			/* connections in this window */
	int	mail;			/* messages in this window */
	int	rcpt;			/* recipients in this window */
	int	ntls;			/* new TLS sessions in this window */
	int	auth;			/* AUTH commands in this window */
	time_t	start;			/* window start */
	struct ANVIL_REMOTE *next;	/* every entry, for expiry */
} ANVIL_REMOTE;

/* One connection a client stream reported and has not closed yet. */
typedef struct ANVIL_LOCAL_CONN {
	ANVIL_REMOTE *remote;
	struct ANVIL_LOCAL_CONN *next;
} ANVIL_LOCAL_CONN;

/* One client stream (an smtpd process). */
typedef struct ANVIL_LOCAL {
	IOSTREAM *stream;
	ANVIL_LOCAL_CONN *conns;
} ANVIL_LOCAL;

/* A largest value seen, for the statistics. */
typedef struct ANVIL_MAX {
	int	value;
	char   *ident;
	time_t	when;
} ANVIL_MAX;

static NAMETAB *anvil_table;		/* ident -> ANVIL_REMOTE */
static ANVIL_REMOTE *anvil_list;	/* the same entries */
static size_t anvil_size;		/* entries now */
static size_t anvil_max_size;		/* most entries since the last dump */
static time_t anvil_max_size_when;

static ANVIL_MAX anvil_max_rate;
static ANVIL_MAX anvil_max_count;
static ANVIL_MAX anvil_max_mail;
static ANVIL_MAX anvil_max_rcpt;
static ANVIL_MAX anvil_max_ntls;
static ANVIL_MAX anvil_max_auth;

/* anvil_max_update - remember a new largest value */

static void
anvil_max_update(ANVIL_MAX *max, int value, const char *ident)
{
	if (value > max->value) {
		max->value = value;
		if (max->ident == NULL || strcmp(max->ident, ident) != 0) {
			free(max->ident);
			max->ident = xstrdup(ident);
		}
		max->when = event_time();
	}
}

/* anvil_max_reset - start a new statistics period */

static void
anvil_max_reset(ANVIL_MAX *max)
{
	max->value = 0;
	free(max->ident);
	max->ident = NULL;
}

/* anvil_when - the "Nov 22 10:11:12" part of a statistics line */

static const char *
anvil_when(time_t when)
{
	static char buf[32];
	struct tm *tm = localtime(&when);

	if (tm == NULL || strftime(buf, sizeof(buf), "%b %e %H:%M:%S", tm) == 0)
		return "?";
	return buf;
}

/* anvil_status_dump - log the largest values, then start over */

static void
anvil_status_dump(void)
{
	int	unit = var_anvil_rate_time_unit;

	if (anvil_max_rate.value > 0)
		log_info("statistics: max connection rate %d/%ds for (%s) at %s",
			 anvil_max_rate.value, unit, anvil_max_rate.ident,
			 anvil_when(anvil_max_rate.when));
	if (anvil_max_count.value > 0)
		log_info("statistics: max connection count %d for (%s) at %s",
			 anvil_max_count.value, anvil_max_count.ident,
			 anvil_when(anvil_max_count.when));
	if (anvil_max_mail.value > 0)
		log_info("statistics: max message rate %d/%ds for (%s) at %s",
			 anvil_max_mail.value, unit, anvil_max_mail.ident,
			 anvil_when(anvil_max_mail.when));
	if (anvil_max_rcpt.value > 0)
		log_info("statistics: max recipient rate %d/%ds for (%s) at %s",
			 anvil_max_rcpt.value, unit, anvil_max_rcpt.ident,
			 anvil_when(anvil_max_rcpt.when));
	if (anvil_max_ntls.value > 0)
		log_info("statistics: max new TLS sessions %d/%ds for (%s) at %s",
			 anvil_max_ntls.value, unit, anvil_max_ntls.ident,
			 anvil_when(anvil_max_ntls.when));
	if (anvil_max_auth.value > 0)
		log_info("statistics: max auth rate %d/%ds for (%s) at %s",
			 anvil_max_auth.value, unit, anvil_max_auth.ident,
			 anvil_when(anvil_max_auth.when));
	if (anvil_max_size > 0)
		log_info("statistics: max cache size %zu at %s",
			 anvil_max_size, anvil_when(anvil_max_size_when));
	anvil_max_reset(&anvil_max_rate);
	anvil_max_reset(&anvil_max_count);
	anvil_max_reset(&anvil_max_mail);
	anvil_max_reset(&anvil_max_rcpt);
	anvil_max_reset(&anvil_max_ntls);
	anvil_max_reset(&anvil_max_auth);
	anvil_max_size = 0;
}

/* anvil_status_event - timer: periodic statistics */

static void
anvil_status_event(int event, void *context)
{
	(void) event;
	anvil_status_dump();
	event_request_timer(anvil_status_event, context,
			    var_anvil_status_update_time * 1000);
}

/* anvil_window - start a new rate window when the old one has ended */

static void
anvil_window(ANVIL_REMOTE *remote)
{
	time_t	now = event_time();

	if (now - remote->start >= var_anvil_rate_time_unit || now < remote->start) {
		remote->start = now;
		remote->rate = remote->mail = remote->rcpt = remote->ntls =
		    remote->auth = 0;
	}
}

/* anvil_remote_find - the entry of ident, created when asked */

static ANVIL_REMOTE *
anvil_remote_find(const char *ident, int create)
{
	ANVIL_REMOTE *remote = nametab_find(anvil_table, ident);

	if (remote == NULL && create) {
		remote = xcalloc(1, sizeof(*remote));
		remote->ident = xstrdup(ident);
		remote->start = event_time();
		remote->next = anvil_list;
		anvil_list = remote;
		(void) nametab_enter(anvil_table, ident, remote);
		if (++anvil_size > anvil_max_size) {
			anvil_max_size = anvil_size;
			anvil_max_size_when = event_time();
		}
	}
	if (remote != NULL)
		anvil_window(remote);
	return remote;
}

/*
 * anvil_expire_event - timer: forget entries without connections whose
 * window has ended (the table has no delete, so it is rebuilt)
 */

static void
anvil_expire_event(int event, void *context)
{
	ANVIL_REMOTE **pp = &anvil_list;
	ANVIL_REMOTE *remote;
	NAMETAB *fresh;
	time_t	now = event_time();
	int	dropped = 0;

	(void) event;
	while ((remote = *pp) != NULL) {
		if (remote->count == 0
		    && now - remote->start >= var_anvil_rate_time_unit) {
			*pp = remote->next;
			free(remote->ident);
			free(remote);
			anvil_size--;
			dropped++;
		} else
			pp = &remote->next;
	}
	if (dropped) {
		fresh = nametab_create(anvil_size + 10);
		for (remote = anvil_list; remote; remote = remote->next)
			(void) nametab_enter(fresh, remote->ident, remote);
		nametab_free(&anvil_table, NULL);
		anvil_table = fresh;
	}
	event_request_timer(anvil_expire_event, context,
			    var_anvil_rate_time_unit * 1000);
}

/* anvil_reply_rate - a reply of status and rate */

static int
anvil_reply_rate(IOSTREAM *client, int status, int rate)
{
	return attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, status),
			  ATTR_SEND_INT(ANVIL_ATTR_RATE, rate),
			  ATTR_TYPE_END);
}

/* anvil_connect - a new connection */

static int
anvil_connect(ANVIL_LOCAL *local, const char *ident)
{
	ANVIL_REMOTE *remote = anvil_remote_find(ident, 1);
	ANVIL_LOCAL_CONN *conn = xmalloc(sizeof(*conn));

	remote->count++;
	remote->rate++;
	conn->remote = remote;
	conn->next = local->conns;
	local->conns = conn;
	anvil_max_update(&anvil_max_rate, remote->rate, ident);
	anvil_max_update(&anvil_max_count, remote->count, ident);
	if (log_verbose)
		log_info("connect: %s count=%d rate=%d", ident, remote->count,
			 remote->rate);
	return attr_print(local->stream, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, ANVIL_STAT_OK),
			  ATTR_SEND_INT(ANVIL_ATTR_COUNT, remote->count),
			  ATTR_SEND_INT(ANVIL_ATTR_RATE, remote->rate),
			  ATTR_TYPE_END);
}

/* anvil_disconnect - a connection reported by this client was closed */

static int
anvil_disconnect(ANVIL_LOCAL *local, const char *ident)
{
	ANVIL_LOCAL_CONN **pp;
	ANVIL_LOCAL_CONN *conn;

	for (pp = &local->conns; (conn = *pp) != NULL; pp = &conn->next) {
		if (strcmp(conn->remote->ident, ident) == 0) {
			if (conn->remote->count > 0)
				conn->remote->count--;
			*pp = conn->next;
			free(conn);
			break;
		}
	}
	if (conn == NULL)
		log_warn("disconnect: no connection for %s", ident);
	return attr_print(local->stream, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, ANVIL_STAT_OK),
			  ATTR_TYPE_END);
}

/* anvil_event_rate - count a message, recipient, new TLS session, AUTH */

static int
anvil_event_rate(ANVIL_LOCAL *local, const char *request, const char *ident)
{
	ANVIL_REMOTE *remote = anvil_remote_find(ident, 1);
	int	rate;

	if (strcmp(request, ANVIL_REQ_MAIL) == 0) {
		rate = ++remote->mail;
		anvil_max_update(&anvil_max_mail, rate, ident);
	} else if (strcmp(request, ANVIL_REQ_RCPT) == 0) {
		rate = ++remote->rcpt;
		anvil_max_update(&anvil_max_rcpt, rate, ident);
	} else if (strcmp(request, ANVIL_REQ_NTLS) == 0) {
		rate = ++remote->ntls;
		anvil_max_update(&anvil_max_ntls, rate, ident);
	} else if (strcmp(request, ANVIL_REQ_AUTH) == 0) {
		rate = ++remote->auth;
		anvil_max_update(&anvil_max_auth, rate, ident);
	} else
		rate = remote->ntls;		/* ANVIL_REQ_NTLS_STAT */
	return anvil_reply_rate(local->stream, ANVIL_STAT_OK, rate);
}

/* anvil_lookup - every counter, unchanged */

static int
anvil_lookup(ANVIL_LOCAL *local, const char *ident)
{
	ANVIL_REMOTE *remote = anvil_remote_find(ident, 0);
	ANVIL_REMOTE none = {0};

	if (remote == NULL)
		remote = &none;
	return attr_print(local->stream, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, ANVIL_STAT_OK),
			  ATTR_SEND_INT(ANVIL_ATTR_COUNT, remote->count),
			  ATTR_SEND_INT(ANVIL_ATTR_RATE, remote->rate),
			  ATTR_SEND_INT(ANVIL_ATTR_MAIL, remote->mail),
			  ATTR_SEND_INT(ANVIL_ATTR_RCPT, remote->rcpt),
			  ATTR_SEND_INT(ANVIL_ATTR_NTLS, remote->ntls),
			  ATTR_TYPE_END);
}

/* anvil_request - read and answer one request; -1 to disconnect */

static int
anvil_request(ANVIL_LOCAL *local)
{
	STRBUF *req = strbuf_create(20);
	STRBUF *ident = strbuf_create(100);
	const char *r;
	int	ret;

	strbuf_set_limit(req, 100);
	strbuf_set_limit(ident, ANVIL_IDENT_LIMIT);
	if (attr_scan(local->stream, ATTR_FLAG_MISSING,
		      ATTR_RECV_STR(ATTR_NAME_REQUEST, req),
		      ATTR_RECV_STR(ANVIL_ATTR_IDENT, ident),
		      ATTR_TYPE_END) != 2) {
		ret = -1;
	} else {
		r = strbuf_str(req);
		if (strcmp(r, ANVIL_REQ_CONN) == 0)
			ret = anvil_connect(local, strbuf_str(ident));
		else if (strcmp(r, ANVIL_REQ_DISC) == 0)
			ret = anvil_disconnect(local, strbuf_str(ident));
		else if (strcmp(r, ANVIL_REQ_MAIL) == 0
			 || strcmp(r, ANVIL_REQ_RCPT) == 0
			 || strcmp(r, ANVIL_REQ_NTLS) == 0
			 || strcmp(r, ANVIL_REQ_NTLS_STAT) == 0
			 || strcmp(r, ANVIL_REQ_AUTH) == 0)
			ret = anvil_event_rate(local, r, strbuf_str(ident));
		else if (strcmp(r, ANVIL_REQ_LOOKUP) == 0)
			ret = anvil_lookup(local, strbuf_str(ident));
		else {
			log_warn("unrecognized request: \"%.100s\", ignored", r);
			ret = attr_print(local->stream, ATTR_FLAG_NONE,
					 ATTR_SEND_INT(ATTR_NAME_STATUS,
						       ANVIL_STAT_FAIL),
					 ATTR_TYPE_END);
		}
	}
	strbuf_free(&req);
	strbuf_free(&ident);
	return ret;
}

/* anvil_local_free - a client went away: release its connections */

static void
anvil_local_free(ANVIL_LOCAL *local)
{
	ANVIL_LOCAL_CONN *conn;

	while ((conn = local->conns) != NULL) {
		if (conn->remote->count > 0)
			conn->remote->count--;
		local->conns = conn->next;
		free(conn);
	}
	free(local);
}

/* anvil_event - a client is readable: serve what it has sent */

static void
anvil_event(int event, void *context)
{
	ANVIL_LOCAL *local = context;

	(void) event;
	do {
		if (anvil_request(local) < 0) {
			service_disconnect(local->stream);
			anvil_local_free(local);
			return;
		}
	} while (iostream_read_pending(local->stream) > 0);
}

/* anvil_serve - a new client */

static void
anvil_serve(IOSTREAM *client, const SERVICE *svc)
{
	ANVIL_LOCAL *local = xcalloc(1, sizeof(*local));

	(void) svc;
	local->stream = client;
	event_enable_read(iostream_fileno(client), anvil_event, local);
}

/* anvil_post_jail - table and timers */

static void
anvil_post_jail(const SERVICE *svc)
{
	(void) svc;
	/* Counters live for a whole time unit, idle or not (as Postfix). */
	if (var_anvil_rate_time_unit > var_max_idle)
		service_set_idle_limit(var_anvil_rate_time_unit);
	anvil_table = nametab_create(100);
	event_request_timer(anvil_status_event, NULL,
			    var_anvil_status_update_time * 1000);
	event_request_timer(anvil_expire_event, NULL,
			    var_anvil_rate_time_unit * 1000);
}

/* anvil_pre_exit - last statistics */

static void
anvil_pre_exit(const SERVICE *svc)
{
	(void) svc;
	anvil_status_dump();
}

/* main - hand over to the skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "anvil",
		.model = SERVICE_MULTI,
		.param_groups = PARAM_GROUP_ANVIL,
		.flags = SERVICE_FLAG_SOLITARY | SERVICE_FLAG_NO_USE_LIMIT,
		.post_jail = anvil_post_jail,
		.serve = anvil_serve,
		.pre_exit = anvil_pre_exit,
	};

	service_main(argc, argv, &spec);
}
