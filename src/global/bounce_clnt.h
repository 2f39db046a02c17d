/*
 * bounce_clnt.h - clients of the bounce(8) services, and their status logs
 *
 * One program, bounce(8), runs as three master.cf services: "bounce"
 * ($bounce_service_name), "defer" ($defer_service_name) and "trace"
 * ($trace_service_name), each reached as private/NAME. Each keeps a
 * per-message status log in the queue directory of the same name
 * (bounce/ID, defer/ID, trace/ID), appended to by delivery agents
 * (through deliver_status.h) and turned into notifications by qmgr's
 * flush requests:
 *
 *	append	one recipient's outcome, to the service's log.
 *	flush	bounce: send the non-delivery notification for the
 *		recipients in bounce/ID, then remove the log.
 *		defer: the message expired; send the non-delivery
 *		notification for the recipients in defer/ID (their last
 *		deferral reasons, Action: failed), then remove the log.
 *		trace: send the delivery report (NOTIFY=SUCCESS
 *		recipients, sendmail -v and -bv reports) for trace/ID,
 *		then remove the log.
 *	warn	defer only: send a delay warning (Action: delayed) for
 *		the recipients in defer/ID; the log stays.
 *
 * A notification is an RFC 3464 multipart/report that bounce submits
 * through cleanup as a new message from the null sender (or to
 * postmaster copies per $notify_classes, from $double_bounce_sender
 * when the original sender was null). Its queue ID is logged as
 * "QUEUEID: sender non-delivery notification: NEWID" (and "sender
 * delay notification", "sender delivery status notification").
 *
 * Protocol (attr.h), request "append":
 *	S request "append", I flags, S queue_id,
 *	S orig_rcpt, S address, S dsn_orcpt, I dsn_notify, L offset,
 *	S status, S action, S reason, S dtype, S dtext, S mtype, S mname,
 *	S relay, L log_sec (time of the attempt)
 * request "flush" / "warn":
 *	S request, I flags, S queue_name, S queue_id, S encoding,
 *	I smtputf8, S sender, S dsn_envid, I dsn_ret
 * Reply to each: I status (0 success, -1 failure), E.
 */

#ifndef BOUNCE_CLNT_H
#define BOUNCE_CLNT_H

#include "sysdeps.h"

#include <sys/types.h>

#include "deliver_request.h"
#include "dsn.h"

struct STRBUF;

/* Which service: also the name of the log's queue directory. */
#define BOUNCE_LOG_BOUNCE	"bounce"
#define BOUNCE_LOG_DEFER	"defer"
#define BOUNCE_LOG_TRACE	"trace"

#define BOUNCE_REQ_APPEND	"append"
#define BOUNCE_REQ_FLUSH	"flush"
#define BOUNCE_REQ_WARN		"warn"

/* Attribute names of the requests (client and server only). */
#define BOUNCE_ATTR_FLAGS	"flags"
#define BOUNCE_ATTR_QUEUE	"queue_name"
#define BOUNCE_ATTR_QUEUE_ID	"queue_id"
#define BOUNCE_ATTR_ORCPT	"orig_rcpt"
#define BOUNCE_ATTR_RCPT	"address"
#define BOUNCE_ATTR_DSN_ORCPT	"dsn_orcpt"
#define BOUNCE_ATTR_NOTIFY	"dsn_notify"
#define BOUNCE_ATTR_OFFSET	"offset"
#define BOUNCE_ATTR_STATUS	"status"
#define BOUNCE_ATTR_ACTION	"action"
#define BOUNCE_ATTR_REASON	"reason"
#define BOUNCE_ATTR_DTYPE	"dtype"
#define BOUNCE_ATTR_DTEXT	"dtext"
#define BOUNCE_ATTR_MTYPE	"mtype"
#define BOUNCE_ATTR_MNAME	"mname"
#define BOUNCE_ATTR_RELAY	"relay"
#define BOUNCE_ATTR_LOG_SEC	"log_sec"
#define BOUNCE_ATTR_ENCODING	"encoding"
#define BOUNCE_ATTR_SMTPUTF8	"smtputf8"
#define BOUNCE_ATTR_SENDER	"sender"
#define BOUNCE_ATTR_ENVID	"dsn_envid"
#define BOUNCE_ATTR_RET		"dsn_ret"

/*
 * Appends rcpt's outcome to the log of service (BOUNCE_LOG_*) for
 * queue_id. flags are the request's DEL_REQ_FLAG_*. Returns 0, or -1
 * when the service could not be reached or failed (logged).
 */
extern int bounce_append(const char *service, int flags,
			 const char *queue_id, const DELIVER_RCPT *rcpt,
			 const char *relay, const DSN *dsn);

/* The message facts a flush or warn needs. */
typedef struct BOUNCE_MSG {
	const char *queue_name;		/* where the queue file is now */
	const char *queue_id;
	const char *encoding;		/* "" / "7bit" / "8bitmime" */
	int	smtputf8;
	const char *sender;		/* "" for the null sender */
	const char *dsn_envid;		/* "" when none */
	int	dsn_ret;		/* 0, QFILE_RET_FULL, QFILE_RET_HDRS */
	int	flags;			/* DEL_REQ_FLAG_* */
} BOUNCE_MSG;

/*
 * flush (service bounce, defer or trace) and warn (service defer).
 * Return 0 when the notification was queued (or none was due) and,
 * for flush, the log removed; -1 otherwise (qmgr tries again later).
 */
extern int bounce_flush(const char *service, const BOUNCE_MSG *msg);
extern int bounce_warn(const BOUNCE_MSG *msg);

/*
 * Reading a status log (bounce(8) itself, and showq(8) for the
 * deferral reasons that postqueue -p shows). The file format is
 * private to this module (and documented in bounce(8)); callers see
 * entries only.
 */
typedef struct BOUNCE_LOG BOUNCE_LOG;

typedef struct BOUNCE_LOG_ENTRY {
	DELIVER_RCPT rcpt;		/* strings owned by the reader */
	DSN	dsn;			/* strings owned by the reader */
	const char *relay;
	long	log_sec;
} BOUNCE_LOG_ENTRY;

/*
 * Opens log service/queue_id (relative to $queue_directory, honouring
 * hash_queue_names). NULL with errno set when there is none.
 */
extern BOUNCE_LOG *bounce_log_open(const char *service, const char *queue_id);

/*
 * The next entry (valid until the next call), or NULL at the end. A
 * malformed entry is skipped with a warning.
 */
extern const BOUNCE_LOG_ENTRY *bounce_log_read(BOUNCE_LOG *log);
extern void bounce_log_close(BOUNCE_LOG *log);

#endif
