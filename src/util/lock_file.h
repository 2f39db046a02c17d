/*
 * lock_file.h - file locks: fcntl() and flock() locks, dot-lock files
 *
 * Mailbox delivery takes one or more of these, as the administrator
 * chooses (mailbox_delivery_lock), so that mail readers that use the
 * same kind of lock never see half a message. fcntl() locks belong to
 * the process and vanish when it closes ANY descriptor of the file;
 * flock() locks belong to the open file description.
 */

#ifndef LOCK_FILE_H
#define LOCK_FILE_H

#include "sysdeps.h"

struct STRBUF;

/* Lock modes. */
#define LOCK_MODE_NONE		0	/* unlock */
#define LOCK_MODE_SHARED	1
#define LOCK_MODE_EXCLUSIVE	2

/* Whether to wait for a lock that someone else holds. */
#define LOCK_NOWAIT		0
#define LOCK_WAIT		1

/*
 * Lock the whole file open on fd, or unlock it (LOCK_MODE_NONE). With
 * LOCK_NOWAIT a lock held elsewhere fails at once with errno EAGAIN.
 * LOCK_WAIT waits as long as it takes. Returns 0 or -1 with errno.
 */
extern int lock_fcntl(int fd, int mode, int wait);
extern int lock_flock(int fd, int mode, int wait);

/*
 * Dot-lock: create path.lock exclusively. When it exists, try again
 * after delay_ms, up to tries attempts in all; a lock file older than
 * stale_sec seconds is left over from a crash and is removed. Returns
 * 0, or -1 with errno and the reason in why. dotlock_acquire() uses
 * Postfix's defaults (deliver_lock_attempts = 20, deliver_lock_delay =
 * 1s, stale_lock_time = 500s).
 */
extern int dotlock_acquire(const char *path, struct STRBUF *why);
extern int dotlock_acquire_ext(const char *path, int tries, int delay_ms,
			       int stale_sec, struct STRBUF *why);

/* Remove path.lock. Returns 0 or -1 with errno. */
extern int dotlock_release(const char *path);

#endif
