/*
 * maildrop.h - the maildrop file format: build and check record streams
 *
 * sendmail(1) writes a message as a stream of records (rec.h) to
 * postdrop(1), which checks it and stores it in $queue_directory/maildrop;
 * pickup(8) checks it again (the file belongs to a user) and hands it to
 * cleanup(8). The stream is cleanup's input format (cleanup_clnt.h):
 *
 *   REC_TYPE_TIME "sec usec"		at most once
 *   REC_TYPE_ATTR "name=value"		only the maildrop attributes below
 *   REC_TYPE_DSN_RET, REC_TYPE_DSN_ENVID	at most once each, before FROM
 *   REC_TYPE_FULL full name		at most once
 *   REC_TYPE_FROM sender			exactly once
 *   REC_TYPE_DSN_ORCPT, REC_TYPE_DSN_NOTIFY, REC_TYPE_RCPT	after FROM
 *   REC_TYPE_MESG ""			start of the content
 *   REC_TYPE_NORM / REC_TYPE_CONT		lines; a CONT piece is always
 *					followed, eventually, by a NORM
 *   REC_TYPE_XTRA ""			start of the (empty) extracted section
 *   REC_TYPE_END ""			last record; nothing may follow
 *
 * The only attributes a maildrop file may carry are
 * "extract_recipients=yes" (sendmail -t): pickup turns it into
 * CLEANUP_FLAG_EXTRACT and does not pass it on; and "trace_flags=N"
 * (sendmail -bv, -v; N has only DEL_REQ_FLAG_USR_VRFY and
 * DEL_REQ_FLAG_RECORD bits): pickup passes it on, so that it ends up in
 * the queue file for qmgr. Users cannot set client or protocol
 * attributes this way.
 */

#ifndef MAILDROP_H
#define MAILDROP_H

#include "sysdeps.h"

struct IOSTREAM;
struct STRBUF;

#define MAILDROP_ATTR_EXTRACT	"extract_recipients"
/* sendmail -bv, -v: "trace_flags=N", N = DEL_REQ_FLAG_USR_VRFY and/or _RECORD; kept in the queue file */
#define MAILDROP_ATTR_TRACE_FLAGS	"trace_flags"

/* Where a checker is in the stream. */
#define MAILDROP_SECT_ENVELOPE	0
#define MAILDROP_SECT_CONTENT	1
#define MAILDROP_SECT_EXTRACTED	2
#define MAILDROP_SECT_DONE	3

typedef struct MAILDROP_CHECK {
	int     section;		/* MAILDROP_SECT_* */
	int     saw_time;
	int     saw_full;
	int     saw_ret;
	int     saw_envid;
	int     saw_from;
	int     in_line;		/* a CONT piece wants its NORM */
	int     extract;		/* extract_recipients=yes */
	long    rcpt_count;
	long    content_size;		/* content bytes, without newlines */
} MAILDROP_CHECK;

extern void maildrop_check_init(MAILDROP_CHECK *mc);

/*
 * Check the next record of a stream (data is NUL-terminated, len bytes).
 * Returns 0 when it is allowed here, or -1 with the reason in why.
 */
extern int maildrop_check_rec(MAILDROP_CHECK *mc, int type,
			      const char *data, size_t len, struct STRBUF *why);

/* At the end of input: 0 when the stream was complete, else -1 and why. */
extern int maildrop_check_end(const MAILDROP_CHECK *mc, struct STRBUF *why);

/* maildrop_copy_text() flags. */
#define MAILDROP_TEXT_DOT	(1 << 0)	/* a line "." ends the message */
#define MAILDROP_TEXT_SKIP_FROM	(1 << 1)	/* drop a leading "From " line */
#define MAILDROP_TEXT_STRIP_CR	(1 << 2)	/* CRLF becomes LF */
#define MAILDROP_TEXT_STRIP_CR_FIRST (1 << 3)	/* ... if the first line has CRLF */

/*
 * Copy message text from in to out as content records: one
 * REC_TYPE_NORM per line, lines longer than chunk (> 0) split into
 * REC_TYPE_CONT pieces. Stops at the end of input or, with
 * MAILDROP_TEXT_DOT, at a line that is just ".". Returns the number of
 * content bytes written (newlines counted), or -1 when out failed.
 */
extern long maildrop_copy_text(struct IOSTREAM *in, struct IOSTREAM *out,
			       int flags, size_t chunk);

#endif
