/*
 * queue_scan.h - walk the files of one queue directory
 *
 * Lists every file of a queue, descending into the one-character hash
 * subdirectories that $hash_queue_names and $hash_queue_depth create
 * (whatever the settings are now: postsuper -s must find files that an
 * earlier setting put elsewhere). Names that start with "." are
 * skipped. The walk is a snapshot of nothing: files may come and go
 * while it runs, so callers must expect a listed file to be gone.
 */

#ifndef QUEUE_SCAN_H
#define QUEUE_SCAN_H

#include "sysdeps.h"

struct STRBUF;

typedef struct QUEUE_SCAN QUEUE_SCAN;

/* Deepest hash level followed (hash_queue_depth allows up to 16). */
#define QUEUE_SCAN_DEPTH	16

/*
 * Starts a walk of directory queue (relative to the working directory).
 * Returns NULL with errno set when the directory cannot be opened.
 */
extern QUEUE_SCAN *queue_scan_open(const char *queue);

/*
 * The next file: its name is returned (borrowed: valid until the next
 * call) and its path ("deferred/C/C3CD21F3E90") put into path. NULL at
 * the end. A subdirectory that cannot be read is skipped with a warning.
 */
extern const char *queue_scan_next(QUEUE_SCAN *scan, struct STRBUF *path);

/* Ends a walk (any time) and frees it. */
extern void queue_scan_close(QUEUE_SCAN *scan);

/*
 * Removes the empty hash subdirectories of queue below level keep_depth
 * (0: all of them), for postsuper -s after a change of
 * hash_queue_names or hash_queue_depth. Returns how many were removed.
 */
extern int queue_scan_prune(const char *queue, int keep_depth);

#endif
