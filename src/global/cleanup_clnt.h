/*
 * cleanup_clnt.h - hand a message to the cleanup service
 *
 * pickup, smtpd, bounce and the sendmail path never write queue files
 * themselves: they stream the message to cleanup(8), which rewrites it,
 * writes the queue file into incoming/, fsyncs it, and only then
 * answers. A client treats anything but CLEANUP_STAT_OK as "not
 * queued": 4xx/defer for CLEANUP_STAT_WRITE and CLEANUP_STAT_DEFER,
 * 5xx/bounce for the others.
 *
 * Protocol, on the stream socket $queue_directory/public/cleanup,
 * using attr.h framing for the attribute exchanges and rec.h records
 * for the message:
 *
 *   server: queue_id=ID                  (attr_print; the new queue ID)
 *   client: flags=N                      (attr_print; CLEANUP_FLAG_*)
 *   client: records, in this order (rec_put):
 *           REC_TYPE_TIME "sec usec"      (optional; arrival time)
 *           REC_TYPE_ATTR "name=value"    (zero or more: client_name,
 *                                          client_address, protocol_name,
 *                                          helo_name, sasl_username, ...)
 *           REC_TYPE_DSN_ENVID, REC_TYPE_DSN_RET   (optional)
 *           REC_TYPE_FULL full name       (optional)
 *           REC_TYPE_FROM sender          ("" for the null sender)
 *           per recipient: REC_TYPE_DSN_ORCPT, REC_TYPE_DSN_NOTIFY
 *           (optional), then REC_TYPE_RCPT address
 *           REC_TYPE_MESG ""              (start of content)
 *           REC_TYPE_NORM / REC_TYPE_CONT (the message, one line per
 *                                          NORM, long lines split)
 *           REC_TYPE_XTRA ""              (start of extracted section)
 *           REC_TYPE_END ""               (end of input)
 *   server: status=N reason=TEXT         (attr_print; CLEANUP_STAT_*,
 *                                          reason for a non-zero status)
 *
 * With CLEANUP_FLAG_EXTRACT (sendmail -t), recipients in To:, Cc:,
 * Bcc: (and Resent-*) are added to the envelope. The reply comes only
 * after the queue file is complete and fsynced (or removed on error).
 *
 * Clients do not write a Received: header of their own: cleanup puts
 * one first, in Postfix's shape for smtpd when a client_address
 * attribute is present ("from HELO (NAME [ADDR]) by ... with
 * PROTOCOL id ID [for <RCPT>]; DATE"), or for a local submission when
 * the REC_TYPE_ATTR "userid=UID" is present ("by HOST (Postfix, from
 * userid UID) id ID; DATE"; userid is not stored in the queue file).
 * After its reply the server reads and discards input until the client
 * hangs up, so a second REC_TYPE_END from cleanup_clnt_close() is
 * harmless.
 */

#ifndef CLEANUP_CLNT_H
#define CLEANUP_CLNT_H

#include "sysdeps.h"

struct IOSTREAM;
struct STRBUF;

/* Request flags (client -> server). */
#define CLEANUP_FLAG_NONE	0
#define CLEANUP_FLAG_BOUNCE	(1 << 0)	/* bounce bad mail, don't lose it */
#define CLEANUP_FLAG_FILTER	(1 << 1)	/* apply header/body_checks */
#define CLEANUP_FLAG_HOLD	(1 << 2)	/* put the message on hold */
#define CLEANUP_FLAG_DISCARD	(1 << 3)	/* accept and discard */
#define CLEANUP_FLAG_BCC_OK	(1 << 4)	/* always_bcc etc. allowed */
#define CLEANUP_FLAG_MAP_OK	(1 << 5)	/* canonical/virtual maps allowed */
#define CLEANUP_FLAG_EXTRACT	(1 << 6)	/* recipients from headers (-t) */
#define CLEANUP_FLAG_MILTER	(1 << 7)	/* milters allowed (later) */
#define CLEANUP_FLAG_MASK_EXTERNAL \
	(CLEANUP_FLAG_FILTER | CLEANUP_FLAG_BCC_OK | CLEANUP_FLAG_MAP_OK \
	 | CLEANUP_FLAG_MILTER)

/* Completion status (server -> client), a bit mask; 0 is success. */
#define CLEANUP_STAT_OK		0
#define CLEANUP_STAT_BAD	(1 << 0)	/* internal protocol error */
#define CLEANUP_STAT_WRITE	(1 << 1)	/* error writing the queue file */
#define CLEANUP_STAT_SIZE	(1 << 2)	/* message_size_limit exceeded */
#define CLEANUP_STAT_CONT	(1 << 3)	/* content rejected (checks) */
#define CLEANUP_STAT_HOPS	(1 << 4)	/* too many Received: headers */
#define CLEANUP_STAT_RCPT	(1 << 5)	/* no recipients */
#define CLEANUP_STAT_DEFER	(1 << 6)	/* temporary failure (tables) */

/* Attribute names of the exchange. */
#define CLEANUP_ATTR_QUEUE_ID	"queue_id"
#define CLEANUP_ATTR_FLAGS	"flags"
#define CLEANUP_ATTR_STATUS	"status"
#define CLEANUP_ATTR_REASON	"reason"

typedef struct CLEANUP_CLNT CLEANUP_CLNT;

/*
 * Connects to $queue_directory/public/cleanup (the caller's working
 * directory must be $queue_directory, or path gives the socket), reads
 * the queue ID and sends the flags. NULL with the reason in why.
 */
extern CLEANUP_CLNT *cleanup_clnt_open(const char *path, int flags,
				       struct STRBUF *why);

/*
 * The same exchange on fd, a connected stream socket to a server that
 * speaks this protocol (postdrop -r for smtpd in stand-alone mode);
 * the client owns fd from here on, also on failure (NULL, why).
 */
extern CLEANUP_CLNT *cleanup_clnt_fdopen(int fd, int flags,
					 struct STRBUF *why);

/* The queue ID cleanup assigned; valid until close. */
extern const char *cleanup_clnt_queue_id(const CLEANUP_CLNT *clnt);

/* The stream to write records to (rec.h). */
extern struct IOSTREAM *cleanup_clnt_stream(CLEANUP_CLNT *clnt);

/*
 * Sends REC_TYPE_END (unless the caller did), reads the status and
 * disconnects. Returns CLEANUP_STAT_* (CLEANUP_STAT_WRITE when the
 * connection failed: the message is not queued); the reason text goes
 * into reason (may be NULL).
 */
extern int cleanup_clnt_close(CLEANUP_CLNT *clnt, struct STRBUF *reason);

/* Disconnects without completing: cleanup removes its partial file. */
extern void cleanup_clnt_abort(CLEANUP_CLNT *clnt);

/* Text for a status, for log lines ("message file write error"...). */
extern const char *cleanup_stat_text(int status);

#endif
