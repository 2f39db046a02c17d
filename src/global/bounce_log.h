/*
 * bounce_log.h - writing and removing the bounce/defer/trace status logs
 *
 * The reader (bounce_log_open/read/close) is declared in bounce_clnt.h,
 * which everybody includes; this header adds what only bounce(8) and
 * the tests need. The file format is described in bounce_log.c and in
 * bounce(8).
 */

#ifndef BOUNCE_LOG_H
#define BOUNCE_LOG_H

#include "sysdeps.h"

#include "bounce_clnt.h"

struct IOSTREAM;
struct STRBUF;

/* Longest line a reader accepts (a longer one makes its entry malformed). */
#define BOUNCE_LOG_LINE_LIMIT	(64 * 1024)

/*
 * Appends the text of one entry (its lines and the empty line that ends
 * it) to out. Control characters in values become spaces.
 */
extern void bounce_log_format(struct STRBUF *out, const BOUNCE_LOG_ENTRY *entry);

/*
 * Appends entry to service/queue_id (BOUNCE_LOG_*; created mode 0600
 * when missing), under an exclusive lock, then fsyncs. An unfinished
 * entry left at the end by a writer that died is cut off first.
 * Returns 0, or -1 with the reason in why.
 */
extern int bounce_log_append(const char *service, const char *queue_id,
			     const BOUNCE_LOG_ENTRY *entry, struct STRBUF *why);

/*
 * A reader over an open stream (taken over: bounce_log_close() closes
 * it); name is used in warnings.
 */
extern BOUNCE_LOG *bounce_log_stream(struct IOSTREAM *fp, const char *name);

/* Removes service/queue_id. 0, or -1 with errno (ENOENT: there was none). */
extern int bounce_log_remove(const char *service, const char *queue_id);

#endif
