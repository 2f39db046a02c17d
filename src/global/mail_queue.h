/*
 * mail_queue.h - queue directories and queue file names
 *
 * Paths are relative to $queue_directory: programs chdir() there first.
 * Queues listed in $hash_queue_names keep their files in
 * $hash_queue_depth levels of one-character subdirectories, named
 * after the hex microseconds of the queue ID (queue_id_hash_chars()),
 * so "deferred/C/C3CD21F3E90" with the default depth of 1.
 */

#ifndef MAIL_QUEUE_H
#define MAIL_QUEUE_H

#include "sysdeps.h"

#include <sys/types.h>

struct STRBUF;

#define MAIL_QUEUE_MAILDROP	"maildrop"
#define MAIL_QUEUE_INCOMING	"incoming"
#define MAIL_QUEUE_ACTIVE	"active"
#define MAIL_QUEUE_DEFERRED	"deferred"
#define MAIL_QUEUE_HOLD		"hold"
#define MAIL_QUEUE_CORRUPT	"corrupt"
#define MAIL_QUEUE_SAVED	"saved"
#define MAIL_QUEUE_BOUNCE	"bounce"
#define MAIL_QUEUE_DEFER	"defer"
#define MAIL_QUEUE_TRACE	"trace"
#define MAIL_QUEUE_FLUSH	"flush"

/* Is name a plausible queue name (lower-case letters only)? */
extern int mail_queue_name_ok(const char *name);

/* Is queue hashed according to $hash_queue_names? */
extern int mail_queue_hashed(const char *queue);

/*
 * The directory of queue file id in queue, and the path of the file,
 * into out. Return 0, or -1 when the queue name or ID is malformed.
 */
extern int mail_queue_dir(struct STRBUF *out, const char *queue,
			  const char *id);
extern int mail_queue_path(struct STRBUF *out, const char *queue,
			   const char *id);

/*
 * Create a new, empty queue file in queue: exclusively, mode 0600,
 * named by a fresh ID (long when long_ids). Returns the descriptor
 * (open for reading and writing) with the ID in id and its path in
 * path, or -1 with the reason in why.
 */
extern int mail_queue_create(const char *queue, int long_ids,
			     struct STRBUF *id, struct STRBUF *path,
			     struct STRBUF *why);

/*
 * Open queue file id of queue with open(2) flags. Returns the
 * descriptor, or -1 with errno set (EINVAL for a malformed name).
 */
extern int mail_queue_open(const char *queue, const char *id, int flags);

/*
 * Move queue file id from old_queue to new_queue with rename(),
 * creating a missing hash subdirectory. Returns 0, or -1 with errno
 * set and the reason in why.
 */
extern int mail_queue_rename(const char *id, const char *old_queue,
			     const char *new_queue, struct STRBUF *why);

#endif
