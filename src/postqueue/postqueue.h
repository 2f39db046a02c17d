/*
 * postqueue.h - postqueue(1) internal interfaces
 *
 * postqueue_fmt.c turns the item stream of showq(8) (showq_proto.h)
 * into the listing the user asked for: Postfix's mailq layout (-p) or
 * one JSON object per message (-j).
 */

#ifndef POSTQUEUE_H
#define POSTQUEUE_H

#include "sysdeps.h"

struct IOSTREAM;
struct STRBUF;

/* Output styles. */
#define PQ_FMT_MAILQ	1	/* postqueue -p, mailq, sendmail -bp */
#define PQ_FMT_JSON	2	/* postqueue -j */

typedef struct PQ_FMT PQ_FMT;

/* One message, as showq reports it; strings are borrowed. */
typedef struct PQ_MSG {
	const char *queue_name;
	const char *queue_id;
	long	arrival_time;
	long	message_size;
	int	forced_expire;
	const char *sender;
} PQ_MSG;

/*
 * A formatter writing to out (borrowed). long_ids selects Postfix's
 * wider mailq columns ($enable_long_queue_ids), as Postfix does: by the
 * setting, not by the IDs seen.
 */
extern PQ_FMT *pq_fmt_create(int style, int long_ids, struct IOSTREAM *out);

/* A message, then its recipients (reason "" when none). */
extern void pq_fmt_message(PQ_FMT *fmt, const PQ_MSG *msg);
extern void pq_fmt_rcpt(PQ_FMT *fmt, const char *address, const char *reason);

/* The end of the listing: the mailq summary or "Mail queue is empty". */
extern void pq_fmt_end(PQ_FMT *fmt);
extern void pq_fmt_free(PQ_FMT *fmt);

/*
 * Reads the whole showq stream from showq and formats it with fmt
 * (including pq_fmt_end()). Returns 0, or -1 with the reason in why
 * when the stream was malformed or ended before its end item (what
 * arrived until then has been formatted).
 */
extern int pq_fmt_showq(struct IOSTREAM *showq, PQ_FMT *fmt,
			struct STRBUF *why);

/* Appends text to out with JSON string escapes (RFC 8259). */
extern void pq_json_quote(struct STRBUF *out, const char *text);

#endif
