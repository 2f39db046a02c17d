/*
 * qmgr_deliver.c - transports, destinations and delivery agent conversations
 *
 * Recipients are grouped per transport (the master.cf service reached
 * as private/TRANSPORT) and per destination (the next hop, or the
 * recipient itself for a transport whose recipient limit is 1), and
 * within a destination into entries of at most the transport's
 * recipient limit, each entry one delivery request. A destination
 * runs at most its concurrency window of requests at once
 * (qmgr_policy.c has the feedback rules). Everything here runs from
 * the event loop: the connection to an agent is made without
 * blocking, the request is a few kbytes written to an empty socket,
 * and the reply is read only when the socket turns readable, so a slow
 * agent never stops the queue manager.
 *
 * A transport without a listening socket is dead for
 * $transport_retry_time ("mail transport unavailable"), a destination
 * whose failed cohorts reach the limit is dead for
 * $minimal_backoff_time (with the agent's hop reason); the mail queued
 * for either is deferred without a delivery attempt, as Postfix does.
 *
 * Rate delays pace a transport with timers, never by sleeping: with
 * $TRANSPORT_destination_rate_delay a destination runs one delivery at
 * a time and pauses for the delay after each; with
 * $TRANSPORT_transport_rate_delay the whole transport does. Other
 * destinations and transports keep going meanwhile.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"	/* global */
#include "mail_queue.h"
#include "mainconf.h"
#include "param.h"
#include "params_global.h"
#include "params_qmgr.h"
#include "qmgr.h"

/* One delivery request: recipients of one message for one destination. */
typedef struct QMGR_ENTRY {
	QMGR_MESSAGE *msg;
	QMGR_QUEUE *queue;
	QMGR_RCPT **rcpts;		/* borrowed from msg */
	int	count;
	int	size;
	IOSTREAM *st;			/* agent connection, while busy */
	struct QMGR_ENTRY *next;	/* todo list */
} QMGR_ENTRY;

struct QMGR_QUEUE {
	char   *key;
	char   *nexthop;
	QMGR_TRANSPORT *transport;
	QMGR_WINDOW win;		/* window 0: dead */
	int	busy;			/* requests in progress */
	int	rate_paused;		/* destination rate delay running */
	char   *dead_status;		/* while dead */
	char   *dead_reason;
	QMGR_ENTRY *todo_head;
	QMGR_ENTRY *todo_tail;
	QMGR_QUEUE *next;		/* the transport's queues */
};

struct QMGR_TRANSPORT {
	char   *name;
	QMGR_WINDOW_CONF conf;
	int	rcpt_limit;		/* 0: none */
	int	dest_rate_delay;	/* seconds; 0: none */
	int	rate_delay;		/* transport rate delay, seconds */
	int	rate_paused;		/* transport rate delay running */
	int	busy;			/* requests in progress */
	int	dead;
	char   *dead_reason;
	int	blocked;		/* agents' listen queue is full */
	NAMETAB *queues;
	QMGR_QUEUE *queue_list;
	QMGR_TRANSPORT *next;
};

static NAMETAB *qmgr_transports;
static QMGR_TRANSPORT *qmgr_transport_list;
static int qmgr_busy;

/* qmgr_param_int - per-transport integer, else the default */

static int
qmgr_param_int(const char *transport, const char *suffix, int dflt)
{
	STRBUF *name = strbuf_create(100);
	const char *value;
	long	val = dflt;

	strbuf_printf(name, "%s_%s", transport, suffix);
	if ((value = mainconf_lookup(strbuf_str(name))) != NULL
	    && parse_long(value, &val, 0, INT_MAX) < 0) {
		log_warn("bad numerical configuration: %s = %s; using %d",
			 strbuf_str(name), value, dflt);
		val = dflt;
	}
	strbuf_free(&name);
	return (int) val;
}

/* qmgr_param_time - per-transport time in seconds, else the default */

static int
qmgr_param_time(const char *transport, const char *suffix, int dflt)
{
	STRBUF *name = strbuf_create(100);
	const char *value;
	long	val = dflt;

	strbuf_printf(name, "%s_%s", transport, suffix);
	if ((value = mainconf_lookup(strbuf_str(name))) != NULL
	    && param_parse_time(value, 's', &val) < 0) {
		log_warn("bad time configuration: %s = %s; using %ds",
			 strbuf_str(name), value, dflt);
		val = dflt;
	}
	strbuf_free(&name);
	return (int) val;
}

/* qmgr_param_feedback - per-transport feedback, else the default */

static void
qmgr_param_feedback(const char *transport, const char *suffix,
		    const char *dflt, QMGR_FEEDBACK *fb)
{
	STRBUF *name = strbuf_create(100);
	const char *value;

	strbuf_printf(name, "%s_%s", transport, suffix);
	if ((value = mainconf_lookup(strbuf_str(name))) == NULL)
		value = dflt;
	if (qmgr_feedback_parse(value, fb) < 0)
		log_warn("%s: bad concurrency feedback value \"%s\"; using 1",
			 strbuf_str(name), value);
	strbuf_free(&name);
}

/* qmgr_transport_find - the transport by name, created on first use */

static QMGR_TRANSPORT *
qmgr_transport_find(const char *name)
{
	QMGR_TRANSPORT *tr;

	if (qmgr_transports == NULL)
		qmgr_transports = nametab_create(10);
	if ((tr = nametab_find(qmgr_transports, name)) != NULL)
		return tr;
	tr = xcalloc(1, sizeof(*tr));
	tr->name = xstrdup(name);
	tr->conf.init = qmgr_param_int(name, "initial_destination_concurrency",
				       var_initial_destination_concurrency);
	tr->conf.limit = qmgr_param_int(name, "destination_concurrency_limit",
				     var_default_destination_concurrency_limit);
	tr->conf.cohort_limit =
	    qmgr_param_int(name, "destination_concurrency_failed_cohort_limit",
		  var_default_destination_concurrency_failed_cohort_limit);
	qmgr_param_feedback(name, "destination_concurrency_positive_feedback",
		   var_default_destination_concurrency_positive_feedback,
			    &tr->conf.pos);
	qmgr_param_feedback(name, "destination_concurrency_negative_feedback",
		   var_default_destination_concurrency_negative_feedback,
			    &tr->conf.neg);
	tr->rcpt_limit = qmgr_param_int(name, "destination_recipient_limit",
				      var_default_destination_recipient_limit);
	if (tr->rcpt_limit <= 0 || tr->rcpt_limit > DEL_REQ_RCPT_LIMIT)
		tr->rcpt_limit = DEL_REQ_RCPT_LIMIT;
	tr->dest_rate_delay = qmgr_param_time(name, "destination_rate_delay",
					  var_default_destination_rate_delay);
	tr->rate_delay = qmgr_param_time(name, "transport_rate_delay",
					 var_default_transport_rate_delay);
	qmgr_rate_conf(&tr->conf, tr->dest_rate_delay);
	tr->queues = nametab_create(10);
	tr->next = qmgr_transport_list;
	qmgr_transport_list = tr;
	nametab_enter(qmgr_transports, name, tr);
	return tr;
}

/* qmgr_queue_find - the destination, created on first use */

static QMGR_QUEUE *
qmgr_queue_find(QMGR_TRANSPORT *tr, const char *nexthop, const char *address)
{
	STRBUF *key = strbuf_create(100);
	QMGR_QUEUE *q;

	qmgr_queue_key(key, nexthop, address, tr->rcpt_limit);
	if ((q = nametab_find(tr->queues, strbuf_str(key))) == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->key = xstrdup(strbuf_str(key));
		q->nexthop = xstrdup(nexthop);
		q->transport = tr;
		qmgr_window_init(&q->win, &tr->conf);
		q->next = tr->queue_list;
		tr->queue_list = q;
		nametab_enter(tr->queues, q->key, q);
	}
	strbuf_free(&key);
	return q;
}

/* qmgr_queue_idle_free - forget a destination that has nothing to do */

static void
qmgr_queue_idle_free(QMGR_QUEUE *q)
{
	QMGR_TRANSPORT *tr = q->transport;
	QMGR_QUEUE **pp;

	if (q->busy > 0 || q->todo_head != NULL || q->win.window == 0
	    || q->rate_paused)
		return;
	for (pp = &tr->queue_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	}
	nametab_enter(tr->queues, q->key, NULL);
	xfree(q->key);
	xfree(q->nexthop);
	xfree(q->dead_status);
	xfree(q->dead_reason);
	xfree(q);
}

/* qmgr_entry_free - an entry is over */

static void
qmgr_entry_free(QMGR_ENTRY *entry)
{
	QMGR_MESSAGE *msg = entry->msg;

	xfree(entry->rcpts);
	xfree(entry);
	qmgr_message_release(msg);
}

/* qmgr_entry_defer - defer every recipient of a queued entry */

static void
qmgr_entry_defer(QMGR_ENTRY *entry, const char *status, const char *reason)
{
	int	i;

	for (i = 0; i < entry->count; i++)
		qmgr_defer_rcpt(entry->msg, entry->rcpts[i], status, reason);
	qmgr_entry_free(entry);
}

/* qmgr_queue_defer_todo - defer everything waiting for a destination */

static void
qmgr_queue_defer_todo(QMGR_QUEUE *q, const char *status, const char *reason)
{
	QMGR_ENTRY *entry;

	while ((entry = q->todo_head) != NULL) {
		q->todo_head = entry->next;
		if (q->todo_head == NULL)
			q->todo_tail = NULL;
		qmgr_entry_defer(entry, status, reason);
	}
}

/* qmgr_queue_unthrottle - a dead destination gets another chance */

static void
qmgr_queue_unthrottle(int unused_event, void *context)
{
	QMGR_QUEUE *q = context;

	qmgr_window_init(&q->win, &q->transport->conf);
	xfree(q->dead_status);
	xfree(q->dead_reason);
	q->dead_status = q->dead_reason = NULL;
	qmgr_queue_idle_free(q);
}

/* qmgr_queue_rate_resume - a destination's rate delay is over */

static void
qmgr_queue_rate_resume(int unused_event, void *context)
{
	QMGR_QUEUE *q = context;

	q->rate_paused = 0;
	qmgr_queue_idle_free(q);
}

/* qmgr_transport_rate_resume - a transport's rate delay is over */

static void
qmgr_transport_rate_resume(int unused_event, void *context)
{
	QMGR_TRANSPORT *tr = context;

	tr->rate_paused = 0;
}

/*
 * qmgr_rate_pause - a delivery ended: start the rate delays. The
 * destination cannot be freed while its pause runs (idle_free checks).
 */

static void
qmgr_rate_pause(QMGR_QUEUE *q)
{
	QMGR_TRANSPORT *tr = q->transport;

	if (tr->dest_rate_delay > 0) {
		q->rate_paused = 1;
		event_request_timer(qmgr_queue_rate_resume, q,
				    qmgr_delay_ms(tr->dest_rate_delay));
	}
	if (tr->rate_delay > 0) {
		tr->rate_paused = 1;
		event_request_timer(qmgr_transport_rate_resume, tr,
				    qmgr_delay_ms(tr->rate_delay));
	}
}

/* qmgr_queue_throttle - the destination as a whole failed */

static void
qmgr_queue_throttle(QMGR_QUEUE *q, const char *status, const char *reason)
{
	if (!qmgr_window_failure(&q->win, &q->transport->conf))
		return;
	if (q->dead_status == NULL) {
		q->dead_status = xstrdup(status);
		q->dead_reason = xstrdup(reason);
		event_request_timer(qmgr_queue_unthrottle, q,
				    var_minimal_backoff_time > INT_MAX / 1000 ?
			       INT_MAX : var_minimal_backoff_time * 1000);
	}
	qmgr_queue_defer_todo(q, q->dead_status, q->dead_reason);
}

/* qmgr_transport_unthrottle - try a dead transport again */

static void
qmgr_transport_unthrottle(int unused_event, void *context)
{
	QMGR_TRANSPORT *tr = context;

	tr->dead = 0;
	xfree(tr->dead_reason);
	tr->dead_reason = NULL;
}

/* qmgr_transport_throttle - no agent: defer all its mail for a while */

static void
qmgr_transport_throttle(QMGR_TRANSPORT *tr, const char *status,
			const char *reason)
{
	QMGR_QUEUE *q;

	if (!tr->dead) {
		tr->dead = 1;
		tr->dead_reason = xstrdup(reason);
		event_request_timer(qmgr_transport_unthrottle, tr,
				    var_transport_retry_time > INT_MAX / 1000 ?
			       INT_MAX : var_transport_retry_time * 1000);
	}
	for (q = tr->queue_list; q != NULL; q = q->next)
		qmgr_queue_defer_todo(q, status, reason);
}

/* qmgr_transport_unblock - the agents' listen queue may have room now */

static void
qmgr_transport_unblock(int unused_event, void *context)
{
	QMGR_TRANSPORT *tr = context;

	tr->blocked = 0;
}

/* qmgr_deliver_assign - queue one recipient */

void
qmgr_deliver_assign(QMGR_MESSAGE *msg, QMGR_RCPT *rcpt,
		    const char *transport, const char *nexthop)
{
	QMGR_TRANSPORT *tr;
	QMGR_QUEUE *q;
	QMGR_ENTRY *entry;

	if (!msg->ignore_defer_transports
	    && qmgr_transport_listed(var_defer_transports, transport)) {
		qmgr_defer_rcpt(msg, rcpt, "4.3.2", "deferred transport");
		return;
	}
	tr = qmgr_transport_find(transport);
	if (tr->dead) {
		qmgr_defer_rcpt(msg, rcpt, "4.3.0", tr->dead_reason);
		return;
	}
	q = qmgr_queue_find(tr, nexthop, rcpt->address);
	if (q->win.window == 0) {
		qmgr_defer_rcpt(msg, rcpt, q->dead_status, q->dead_reason);
		return;
	}
	entry = q->todo_tail;
	if (entry == NULL || entry->msg != msg || entry->count >= tr->rcpt_limit) {
		entry = xcalloc(1, sizeof(*entry));
		entry->msg = msg;
		entry->queue = q;
		msg->refcount++;
		if (q->todo_tail)
			q->todo_tail->next = entry;
		else
			q->todo_head = entry;
		q->todo_tail = entry;
	}
	if (entry->count >= entry->size) {
		entry->size = entry->size ? entry->size * 2 : 4;
		if (entry->size > tr->rcpt_limit)
			entry->size = tr->rcpt_limit;
		entry->rcpts = xrealloc(entry->rcpts,
			     size_mul((size_t) entry->size, sizeof(QMGR_RCPT *)));
	}
	entry->rcpts[entry->count++] = rcpt;
}

/* qmgr_defer_undone - defer the recipients of an entry that are still R */

static void
qmgr_defer_undone(QMGR_ENTRY *entry, const char *status, const char *reason)
{
	char	type;
	int	fd;
	int	i;

	fd = mail_queue_open(MAIL_QUEUE_ACTIVE, entry->msg->queue_id, O_RDONLY);
	for (i = 0; i < entry->count; i++) {
		if (fd >= 0 && pread(fd, &type, 1, entry->rcpts[i]->offset) == 1
		    && type != 'R')
			continue;
		qmgr_defer_rcpt(entry->msg, entry->rcpts[i], status, reason);
	}
	if (fd >= 0)
		(void) close(fd);
}

/* qmgr_deliver_finish - an agent conversation is over */

static void
qmgr_deliver_finish(QMGR_ENTRY *entry, int status, const char *hop_status,
		    const char *hop_reason)
{
	QMGR_QUEUE *q = entry->queue;
	QMGR_TRANSPORT *tr = q->transport;

	q->busy--;
	tr->busy--;
	qmgr_busy--;
	qmgr_rate_pause(q);
	if (status < 0) {
		log_warn("transport %s failure -- see a previous warning/fatal/"
			 "panic logfile record for the problem description",
			 tr->name);
		qmgr_defer_undone(entry, "4.3.0", "unknown mail transport error");
	} else if (status == DEL_STAT_DEFER) {
		if (*hop_status)
			qmgr_defer_undone(entry, hop_status, hop_reason);
		else
			qmgr_defer_undone(entry, "4.3.0",
					  "unknown mail transport error");
	}
	if (*hop_status)
		qmgr_queue_throttle(q, hop_status, *hop_reason ? hop_reason :
				    "delivery temporarily suspended");
	else if (status >= 0)
		qmgr_window_success(&q->win, &tr->conf, q->busy);
	qmgr_entry_free(entry);
	if (status < 0)
		qmgr_transport_throttle(tr, "4.3.0", "unknown mail transport error");
}

/* qmgr_deliver_reply - the agent's reply (or its end) arrived */

static void
qmgr_deliver_reply(int unused_event, void *context)
{
	QMGR_ENTRY *entry = context;
	STRBUF *hop_status = strbuf_create(20);
	STRBUF *hop_reason = strbuf_create(100);
	int	status;

	status = deliver_reply_read(entry->st, hop_status, hop_reason);
	event_disable_readwrite(iostream_fileno(entry->st));
	(void) iostream_close(entry->st);
	entry->st = NULL;
	qmgr_deliver_finish(entry, status, status < 0 ? "" :
			    strbuf_str(hop_status), strbuf_str(hop_reason));
	strbuf_free(&hop_status);
	strbuf_free(&hop_reason);
}

/* qmgr_deliver_connect - non-blocking connect to private/TRANSPORT */

static int
qmgr_deliver_connect(const char *transport)
{
	struct sockaddr_un sun;
	STRBUF *path = strbuf_create(100);
	int	fd;
	int	flags;

	strbuf_printf(path, "private/%s", transport);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strbuf_len(path) >= sizeof(sun.sun_path)) {
		strbuf_free(&path);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, strbuf_str(path), strbuf_len(path) + 1);
	strbuf_free(&path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0
	    || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0
	    || fcntl(fd, F_SETFL, flags) < 0) {
		int	saved = errno;

		(void) close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* qmgr_deliver_send - build and send the request of entry */

static int
qmgr_deliver_send(QMGR_ENTRY *entry)
{
	QMGR_MESSAGE *msg = entry->msg;
	DELIVER_REQUEST req;
	struct timeval now;
	int	i;
	int	ret;

	memset(&req, 0, sizeof(req));
	req.flags = msg->tflags;
	req.queue_name = MAIL_QUEUE_ACTIVE;
	req.queue_id = msg->queue_id;
	req.data_offset = msg->data_offset;
	req.data_size = msg->data_size;
	req.nexthop = entry->queue->nexthop;
	req.encoding = msg->encoding;
	req.smtputf8 = msg->smtputf8;
	req.sender = msg->sender;
	req.dsn_envid = msg->dsn_envid;
	req.dsn_ret = msg->dsn_ret;
	req.client_name = msg->client_name;
	req.client_addr = msg->client_addr;
	req.client_port = msg->client_port;
	req.client_proto = msg->client_proto;
	req.client_helo = msg->client_helo;
	req.sasl_method = msg->sasl_method;
	req.sasl_username = msg->sasl_username;
	req.sasl_sender = msg->sasl_sender;
	req.rewrite_context = msg->rewrite_context;
	req.arrival_sec = msg->arrival_sec;
	req.arrival_usec = msg->arrival_usec;
	req.active_sec = msg->active_sec;
	req.active_usec = msg->active_usec;
	(void) gettimeofday(&now, NULL);
	req.request_sec = now.tv_sec;
	req.request_usec = now.tv_usec;
	req.rcpt_count = entry->count;
	req.rcpts = xcalloc((size_t) entry->count, sizeof(DELIVER_RCPT));
	for (i = 0; i < entry->count; i++) {
		req.rcpts[i].orig_addr = entry->rcpts[i]->orig;
		req.rcpts[i].address = entry->rcpts[i]->address;
		req.rcpts[i].dsn_orcpt = entry->rcpts[i]->dsn_orcpt;
		req.rcpts[i].dsn_notify = entry->rcpts[i]->dsn_notify;
		req.rcpts[i].offset = entry->rcpts[i]->offset;
	}
	req.hop_status = "";
	req.hop_reason = "";
	ret = deliver_request_send(entry->st, &req);
	xfree(req.rcpts);
	return ret;
}

/* qmgr_deliver_start - hand the first todo entry of q to an agent */

static int
qmgr_deliver_start(QMGR_QUEUE *q)
{
	QMGR_TRANSPORT *tr = q->transport;
	QMGR_ENTRY *entry = q->todo_head;
	int	fd;

	if ((fd = qmgr_deliver_connect(tr->name)) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* Every agent is busy and the backlog is full. */
			tr->blocked = 1;
			event_request_timer(qmgr_transport_unblock, tr, 1000);
			return -1;
		}
		log_warn("connect to transport private/%s: %m", tr->name);
		qmgr_transport_throttle(tr, "4.3.0", "mail transport unavailable");
		return -1;
	}
	q->todo_head = entry->next;
	if (q->todo_head == NULL)
		q->todo_tail = NULL;
	entry->next = NULL;
	q->busy++;
	tr->busy++;
	qmgr_busy++;
	entry->st = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(entry->st, var_qmgr_ipc_timeout);
	if (qmgr_deliver_send(entry) < 0) {
		log_warn("%s: write delivery request to transport %s: %m",
			 entry->msg->queue_id, tr->name);
		(void) iostream_close(entry->st);
		entry->st = NULL;
		qmgr_deliver_finish(entry, -1, "", "");
		return -1;
	}
	event_enable_read(fd, qmgr_deliver_reply, entry);
	return 0;
}

/* qmgr_deliver_schedule - fill the windows */

void
qmgr_deliver_schedule(void)
{
	QMGR_TRANSPORT *tr;
	QMGR_QUEUE *q;
	QMGR_QUEUE *next;

	/*
	 * Starting a delivery may throttle the transport or a destination,
	 * which defers entries but frees nothing: idle destinations are
	 * swept afterwards.
	 */
	for (tr = qmgr_transport_list; tr != NULL; tr = tr->next) {
		for (q = tr->queue_list; q != NULL; q = q->next) {
			while (!tr->dead && !tr->blocked && q->todo_head != NULL
			       && qmgr_rate_may_start(q->win.window, q->busy,
						      q->rate_paused, tr->busy,
						      tr->rate_paused,
						      tr->rate_delay))
				if (qmgr_deliver_start(q) < 0)
					break;
			if (tr->dead || tr->blocked)
				break;
		}
		for (q = tr->queue_list; q != NULL; q = next) {
			next = q->next;
			qmgr_queue_idle_free(q);
		}
	}
}

/* qmgr_deliver_flush_dead - forget dead transports and destinations */

void
qmgr_deliver_flush_dead(void)
{
	QMGR_TRANSPORT *tr;
	QMGR_QUEUE *q;
	QMGR_QUEUE *next;

	for (tr = qmgr_transport_list; tr != NULL; tr = tr->next) {
		if (tr->dead) {
			(void) event_cancel_timer(qmgr_transport_unthrottle, tr);
			qmgr_transport_unthrottle(EVENT_TIMER, tr);
		}
		for (q = tr->queue_list; q != NULL; q = next) {
			next = q->next;
			if (q->win.window == 0) {
				(void) event_cancel_timer(qmgr_queue_unthrottle, q);
				qmgr_queue_unthrottle(EVENT_TIMER, q);
			}
		}
	}
}

/* qmgr_deliver_busy - conversations in progress */

int
qmgr_deliver_busy(void)
{
	return qmgr_busy;
}
