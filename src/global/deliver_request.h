/*
 * deliver_request.h - the queue manager to delivery agent protocol
 *
 * qmgr(8) connects to private/TRANSPORT (the master.cf service named by
 * the transport), sends one delivery request and waits, without
 * blocking its event loop, for the one-attribute reply. The agent
 * (local, virtual, pipe, smtp, error, discard, ...) reads the request,
 * opens the queue file named in it (read-write: it marks recipients
 * done in place), delivers, reports each recipient through
 * deliver_status.h (log line, bounce/defer/trace log, done mark), and
 * replies. One connection may carry several requests in turn.
 *
 * Request (attr.h encoding, in this order):
 *	I flags		DEL_REQ_FLAG_*
 *	S queue_name	"active" (or another queue for tests)
 *	S queue_id
 *	L data_offset	offset of the first content record (after 'M')
 *	L data_size	content bytes (size record field 0)
 *	S nexthop	from the resolver, or transport_maps
 *	S encoding	"" / "7bit" / "8bitmime" (the BODY= the message had)
 *	I smtputf8
 *	S sender	envelope sender, "" for the null sender
 *	S dsn_envid	"" when none
 *	I dsn_ret	0, QFILE_RET_FULL or QFILE_RET_HDRS
 *	S client_name, client_address, client_port, protocol_name,
 *	  helo_name, sasl_method, sasl_username, sasl_sender,
 *	  rewrite_context		"" when unknown
 *	L arrival_sec, arrival_usec	message arrival (queue file time)
 *	L active_sec, active_usec	when qmgr moved it to active
 *	L request_sec, request_usec	when qmgr sent this request
 *	I rcpt_count	then, per recipient:
 *	  S orig_rcpt	"" when none
 *	  S address
 *	  S dsn_orcpt	"" when none
 *	  I dsn_notify	QFILE_NOTIFY_* bits, 0 when none
 *	  L offset	of the recipient's R record in the queue file, or
 *			-1: report the recipient but never mark it done
 *			(local(8) passing on an alias or .forward
 *			destination; see deliver_status.h)
 *	E
 *
 * Reply:
 *	I status	DEL_STAT_OK: every recipient was reported (delivered,
 *			bounced or deferred, logged and marked);
 *			DEL_STAT_DEFER: the agent could not report some
 *			recipients; qmgr defers those it cannot prove done.
 *	S hop_status	"" normally; a 4.x.x or 5.x.x code when the
 *			destination as a whole failed (connection refused,
 *			all MX hosts down): qmgr feeds this to its dead-site
 *			logic, with
 *	S hop_reason	the reason text for the recipients it defers.
 *	I deferred	how many recipients the agent reported as deferred
 *			(dstat_defer() and friends): a client that passes
 *			one recipient on (local(8)'s mailbox_transport and
 *			fallback_transport, as Postfix's deliver_pass) learns
 *			from it whether that recipient still waits. Added
 *			later: readers skip unknown reply attributes and read
 *			an absent count as 0.
 *	E
 */

#ifndef DELIVER_REQUEST_H
#define DELIVER_REQUEST_H

#include "sysdeps.h"

#include <sys/types.h>

#include "dsn.h"

struct IOSTREAM;

/* Request flags. */
#define DEL_REQ_FLAG_MTA_VRFY	(1 << 0)  /* address probe: do not deliver */
#define DEL_REQ_FLAG_USR_VRFY	(1 << 1)  /* sendmail -bv: report, no delivery */
#define DEL_REQ_FLAG_RECORD	(1 << 2)  /* sendmail -v: trace every recipient */
#define DEL_REQ_FLAG_EXPIRED	(1 << 3)  /* message past its lifetime */
#define DEL_REQ_FLAG_BOUNCE	(1 << 4)  /* sender is null: a notification */
#define DEL_REQ_FLAG_VERIFY	(DEL_REQ_FLAG_MTA_VRFY | DEL_REQ_FLAG_USR_VRFY)

/* Reply status. */
#define DEL_STAT_OK		0
#define DEL_STAT_DEFER		1

/* Attribute names (shared by both sides; nobody else uses them). */
#define DEL_ATTR_FLAGS		"flags"
#define DEL_ATTR_QUEUE		"queue_name"
#define DEL_ATTR_QUEUE_ID	"queue_id"
#define DEL_ATTR_OFFSET		"data_offset"
#define DEL_ATTR_SIZE		"data_size"
#define DEL_ATTR_NEXTHOP	"nexthop"
#define DEL_ATTR_ENCODING	"encoding"
#define DEL_ATTR_SMTPUTF8	"smtputf8"
#define DEL_ATTR_SENDER		"sender"
#define DEL_ATTR_ENVID		"dsn_envid"
#define DEL_ATTR_RET		"dsn_ret"
#define DEL_ATTR_RCPT_COUNT	"rcpt_count"
#define DEL_ATTR_ORCPT		"orig_rcpt"
#define DEL_ATTR_RCPT		"address"
#define DEL_ATTR_DSN_ORCPT	"dsn_orcpt"
#define DEL_ATTR_NOTIFY		"dsn_notify"
#define DEL_ATTR_RCPT_OFFSET	"offset"
#define DEL_ATTR_HOP_STATUS	"hop_status"
#define DEL_ATTR_HOP_REASON	"hop_reason"
#define DEL_ATTR_DEFERRED	"deferred"

/* Upper bound on recipients in one request (a protocol limit). */
#define DEL_REQ_RCPT_LIMIT	100000

typedef struct DELIVER_RCPT {
	char   *orig_addr;		/* "" when none */
	char   *address;
	char   *dsn_orcpt;		/* "" when none */
	int	dsn_notify;		/* QFILE_NOTIFY_* bits */
	off_t	offset;			/* of its R record; -1: no mark */
} DELIVER_RCPT;

typedef struct DELIVER_REQUEST {
	/* Filled by deliver_request_read(); owned by the request. */
	struct IOSTREAM *fp;		/* the queue file, read-write */
	int	flags;
	char   *queue_name;
	char   *queue_id;
	off_t	data_offset;
	long	data_size;
	char   *nexthop;
	char   *encoding;
	int	smtputf8;
	char   *sender;
	char   *dsn_envid;
	int	dsn_ret;
	char   *client_name;
	char   *client_addr;
	char   *client_port;
	char   *client_proto;
	char   *client_helo;
	char   *sasl_method;
	char   *sasl_username;
	char   *sasl_sender;
	char   *rewrite_context;
	long	arrival_sec, arrival_usec;
	long	active_sec, active_usec;
	long	request_sec, request_usec;
	DELIVER_RCPT *rcpts;
	int	rcpt_count;

	/* Set by the agent, for the log's delays=a/b/c/d. */
	long	received_sec, received_usec;	/* request read (set by read) */
	long	conn_sec, conn_usec;	/* connection set up; 0: none */

	/* Set by the agent (deliver_request_hop()); sent in the reply. */
	char   *hop_status;		/* "" normally */
	char   *hop_reason;

	/* Counted by deliver_status.c (every deferral); sent in the reply. */
	int	deferred;
} DELIVER_REQUEST;

/*
 * Agent side. Reads one request from client and opens its queue file
 * (read-write, for done marks). Returns the request, or NULL at a clean
 * end of input, or on a malformed request or a queue file that cannot
 * be opened (logged as a warning; the reply DEL_STAT_DEFER has then
 * already been sent when the request itself was well-formed).
 */
extern DELIVER_REQUEST *deliver_request_read(struct IOSTREAM *client);

/* Agent side: the destination as a whole failed (see above). */
extern void deliver_request_hop(DELIVER_REQUEST *req, const char *status,
				const char *reason);

/*
 * Agent side. Sends the reply (status and hop fields), closes the queue
 * file and frees the request. Returns 0, or -1 when the reply could not
 * be written.
 */
extern int deliver_request_done(struct IOSTREAM *client, DELIVER_REQUEST *req,
				int status);

/*
 * qmgr side. Sends req (the fields above "Set by the agent"; fp,
 * received_* and conn_* are ignored) on st. Returns 0, or -1 when the
 * write failed.
 */
extern int deliver_request_send(struct IOSTREAM *st, const DELIVER_REQUEST *req);

/*
 * qmgr side. Reads the reply. Returns DEL_STAT_OK or DEL_STAT_DEFER
 * with the hop fields copied into the STRBUFs (emptied when none), or
 * -1 when the agent closed the connection or sent garbage (treat as
 * DEL_STAT_DEFER with hop_status "4.3.0", "unknown mail transport
 * error" as Postfix does).
 */
extern int deliver_reply_read(struct IOSTREAM *st, struct STRBUF *hop_status,
			      struct STRBUF *hop_reason);

/*
 * Client side, as deliver_reply_read(), and also stores the agent's
 * count of recipients reported as deferred in *deferred (when not
 * NULL; 0 on error or when the agent did not send it).
 */
extern int deliver_reply_read_deferred(struct IOSTREAM *st,
				       struct STRBUF *hop_status,
				       struct STRBUF *hop_reason,
				       int *deferred);

/* Frees a request built by hand (qmgr, tests); deliver_request_done() frees the agent's. */
extern void deliver_request_free(DELIVER_REQUEST *req);

#endif
