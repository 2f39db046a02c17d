/*
 * qmgr.h - the queue manager's private interfaces
 *
 * qmgr.c owns the event loop hooks and the queue scans, qmgr_message.c
 * the messages of the active queue (loading, resolving, finishing),
 * qmgr_deliver.c the transports, destinations and the conversations
 * with delivery agents, and qmgr_policy.c the pure decisions (backoff,
 * concurrency feedback, scan selection) that the unit tests drive.
 */

#ifndef QMGR_H
#define QMGR_H

#include "sysdeps.h"

#include <sys/types.h>
#include <time.h>

struct STRBUF;
struct IOSTREAM;
struct NAMETAB;

/* Bits of the size record's QFILE_SIZE_QMGR_FLAGS field. */
#define QMGR_QFLAG_WARNED	(1 << 0)	/* delay warning was sent */

/* One undone recipient of a message in the active queue. */
typedef struct QMGR_RCPT {
	char   *orig;			/* "" when none */
	char   *address;
	char   *dsn_orcpt;		/* "" when none */
	int	dsn_notify;
	off_t	offset;			/* of its R record */
} QMGR_RCPT;

/* A message in the active queue. */
typedef struct QMGR_MESSAGE {
	char   *queue_id;
	long	arrival_sec, arrival_usec;
	long	active_sec, active_usec;
	off_t	data_offset;
	long	data_size;
	long	qflags;			/* size record QFILE_SIZE_QMGR_FLAGS */
	int	tflags;			/* DEL_REQ_FLAG_* for every request */
	int	ignore_defer_transports;	/* admitted by an 'A' scan */
	char   *sender;
	char   *encoding;
	int	smtputf8;
	char   *dsn_envid;
	int	dsn_ret;
	char   *client_name, *client_addr, *client_port, *client_proto;
	char   *client_helo, *sasl_method, *sasl_username, *sasl_sender;
	char   *rewrite_context;
	char   *filter;			/* content_filter, or NULL */
	char   *redirect;		/* redirect_to, or NULL */
	QMGR_RCPT *rcpts;
	int	rcpt_count;
	int	refcount;		/* entries not yet finished */
	int	deferred;		/* qmgr or an agent deferred someone */
	struct QMGR_MESSAGE *next;	/* finished-message list */
} QMGR_MESSAGE;

typedef struct QMGR_TRANSPORT QMGR_TRANSPORT;
typedef struct QMGR_QUEUE QMGR_QUEUE;

/* Counts of the in-memory active set. */
extern int qmgr_message_count;
extern int qmgr_recipient_count;

/* qmgr_message.c */

/*
 * Loads queue file id from the active queue and hands its recipients
 * to the scheduler. A corrupt file goes to the corrupt queue. dfxp:
 * ignore $defer_transports.
 */
extern void qmgr_message_load(const char *id, int dfxp);

/*
 * One entry of msg is finished; when it was the last, the message is
 * put on the list that qmgr_message_finish_pending() works through.
 */
extern void qmgr_message_release(QMGR_MESSAGE *msg);

/* Finish the messages whose deliveries are all over; how many. */
extern int qmgr_message_finish_pending(void);

/*
 * qmgr defers rcpt itself (no agent): status log entry in the defer
 * (or trace) log and a Postfix-shaped log line with relay=none.
 */
extern void qmgr_defer_rcpt(QMGR_MESSAGE *msg, const QMGR_RCPT *rcpt,
			    const char *status, const char *reason);

/* qmgr_deliver.c */

/*
 * Queue rcpt of msg for delivery by transport to nexthop (or defer it
 * when the transport or destination is dead or deferred).
 */
extern void qmgr_deliver_assign(QMGR_MESSAGE *msg, QMGR_RCPT *rcpt,
				const char *transport, const char *nexthop);

/* Start the deliveries that the concurrency windows allow. */
extern void qmgr_deliver_schedule(void);

/* 'F': forget dead transports and destinations. */
extern void qmgr_deliver_flush_dead(void);

/* Deliveries in progress (agent conversations). */
extern int qmgr_deliver_busy(void);

/* qmgr_policy.c: pure functions, no I/O. */

/*
 * The next-retry delay of a deferred message of age seconds: its age,
 * within [min_backoff, max_backoff] (Postfix's rule, which doubles the
 * interval with every attempt).
 */
extern int qmgr_backoff(long age, int min_backoff, int max_backoff);

/* Is a message of age seconds past its lifetime? */
extern int qmgr_expired(long age, int lifetime);

/* Should a delay warning go out now? */
extern int qmgr_warn_due(long age, int warn_time, long qflags);

/*
 * Concurrency feedback: "N", "N/M" or "N/concurrency" (N, N/M in [0, 1]).
 */
typedef struct QMGR_FEEDBACK {
	double	value;
	int	per_window;		/* divide by the window */
} QMGR_FEEDBACK;

/* Parses text; returns 0, or -1 (fb is then 1). */
extern int qmgr_feedback_parse(const char *text, QMGR_FEEDBACK *fb);

/* A destination's concurrency state (Postfix 2.5 scheduler). */
typedef struct QMGR_WINDOW {
	int	window;			/* 0: dead (throttled) */
	double	success;
	double	failure;
	double	fail_cohorts;
} QMGR_WINDOW;

typedef struct QMGR_WINDOW_CONF {
	int	init;			/* initial_destination_concurrency */
	int	limit;			/* 0: none */
	int	cohort_limit;		/* 0: never dead */
	QMGR_FEEDBACK pos;
	QMGR_FEEDBACK neg;
} QMGR_WINDOW_CONF;

extern void qmgr_window_init(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf);

/* A delivery succeeded; busy is the destination's deliveries in progress. */
extern void qmgr_window_success(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf,
				int busy);

/* The destination as a whole failed; returns 1 when it is now dead. */
extern int qmgr_window_failure(QMGR_WINDOW *w, const QMGR_WINDOW_CONF *conf);

/*
 * Rate delays (default_destination_rate_delay and
 * default_transport_rate_delay, per transport). A destination rate
 * delay makes the window 1 (init and limit), as Postfix does.
 */
extern void qmgr_rate_conf(QMGR_WINDOW_CONF *conf, int dest_rate_delay);

/*
 * May one more delivery start for a destination? window and busy are
 * the destination's, paused is 1 while its destination rate delay runs;
 * tr_busy, tr_paused and tr_delay are the transport's deliveries in
 * progress, transport rate delay pause and transport rate delay. With
 * a transport rate delay the transport runs one delivery at a time.
 */
extern int qmgr_rate_may_start(int window, int busy, int paused,
			       int tr_busy, int tr_paused, int tr_delay);

/* Seconds to timer milliseconds, at most INT_MAX. */
extern int qmgr_delay_ms(int seconds);

/*
 * Scan selection: should a file with this mode and mtime be taken from
 * queue (MAIL_QUEUE_INCOMING or _DEFERRED) at now? all: ignore times.
 */
extern int qmgr_scan_ready(const char *queue, mode_t mode, time_t mtime,
			   time_t now, int all);

/*
 * The destination queue key: nexthop, or for a transport with a
 * recipient limit of 1, the recipient itself (per-recipient
 * concurrency, as Postfix 2.5+). Into key.
 */
extern void qmgr_queue_key(struct STRBUF *key, const char *nexthop,
			   const char *address, int rcpt_limit);

/* Is transport listed in the $defer_transports value list? */
extern int qmgr_transport_listed(const char *list, const char *transport);

#endif
