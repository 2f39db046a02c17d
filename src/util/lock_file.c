/*
 * lock_file.c - file locks: fcntl() and flock() locks, dot-lock files
 *
 * Both kernel lock kinds report "held elsewhere" with different errno
 * values across systems (EAGAIN, EACCES, EWOULDBLOCK); callers see
 * EAGAIN only. Blocking waits are restarted after signals.
 *
 * A dot-lock is a file created with O_EXCL next to the file it guards;
 * its existence is the lock. It works on any file system that honours
 * O_EXCL, and mail readers of old use it, so Postfix still offers it.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "lock_file.h"

#define DOTLOCK_SUFFIX		".lock"
#define DOTLOCK_TRIES		20	/* deliver_lock_attempts */
#define DOTLOCK_DELAY_MS	1000	/* deliver_lock_delay */
#define DOTLOCK_STALE_SEC	500	/* stale_lock_time */

/* lock_busy - map the "held elsewhere" errno values to EAGAIN */

static int
lock_busy(void)
{
	if (errno == EACCES || errno == EWOULDBLOCK)
		errno = EAGAIN;
	return -1;
}

/* lock_fcntl - whole-file POSIX record lock */

int
lock_fcntl(int fd, int mode, int wait)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	switch (mode) {
	case LOCK_MODE_NONE:
		fl.l_type = F_UNLCK;
		break;
	case LOCK_MODE_SHARED:
		fl.l_type = F_RDLCK;
		break;
	case LOCK_MODE_EXCLUSIVE:
		fl.l_type = F_WRLCK;
		break;
	default:
		log_panic("lock_fcntl: bad lock mode %d", mode);
	}
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;				/* to the end, however it grows */
	while (fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl) < 0) {
		if (errno == EINTR)
			continue;
		return wait ? -1 : lock_busy();
	}
	return 0;
}

/* lock_flock - BSD whole-file lock */

int
lock_flock(int fd, int mode, int wait)
{
	int     op;

	switch (mode) {
	case LOCK_MODE_NONE:
		op = LOCK_UN;
		break;
	case LOCK_MODE_SHARED:
		op = LOCK_SH;
		break;
	case LOCK_MODE_EXCLUSIVE:
		op = LOCK_EX;
		break;
	default:
		log_panic("lock_flock: bad lock mode %d", mode);
	}
	if (!wait)
		op |= LOCK_NB;
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		return wait ? -1 : lock_busy();
	}
	return 0;
}

/* dotlock_sleep - wait between attempts */

static void
dotlock_sleep(int delay_ms)
{
	struct timespec ts;

	ts.tv_sec = delay_ms / 1000;
	ts.tv_nsec = (long) (delay_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		 /* void */ ;
}

/* dotlock_acquire_ext - create path.lock, with retries */

int
dotlock_acquire_ext(const char *path, int tries, int delay_ms,
		    int stale_sec, STRBUF *why)
{
	char   *lock_path = str_concat(path, DOTLOCK_SUFFIX, (char *) 0);
	struct stat st;
	int     attempt, fd, err = 0;

	if (tries < 1)
		tries = 1;
	for (attempt = 0; attempt < tries; /* see below */ ) {
		/* Mode 0: the lock file is a name, nobody opens it again. */
		if ((fd = open(lock_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
			       0)) >= 0) {
			(void) close(fd);
			xfree(lock_path);
			return 0;
		}
		err = errno;
		if (err != EEXIST)
			break;

		/*
		 * Someone holds it. A lock this old belongs to a process that
		 * died: remove it and try again at once, without counting an
		 * attempt. Once per call is enough; a lock that comes back
		 * after that is a live one.
		 */
		if (stale_sec > 0 && lstat(lock_path, &st) == 0
		    && st.st_mtime + stale_sec < time((time_t *) 0)
		    && unlink(lock_path) == 0) {
			stale_sec = 0;
			continue;
		}
		if (++attempt < tries && delay_ms > 0)
			dotlock_sleep(delay_ms);
	}
	if (why)
		strbuf_printf(why, "cannot create lock file %s: %s",
			      lock_path, strerror(err));
	xfree(lock_path);
	errno = (err == EEXIST) ? EAGAIN : err;
	return -1;
}

/* dotlock_acquire - dot-lock with Postfix's default limits */

int
dotlock_acquire(const char *path, STRBUF *why)
{
	return dotlock_acquire_ext(path, DOTLOCK_TRIES, DOTLOCK_DELAY_MS,
				   DOTLOCK_STALE_SEC, why);
}

/* dotlock_release - remove path.lock */

int
dotlock_release(const char *path)
{
	char   *lock_path = str_concat(path, DOTLOCK_SUFFIX, (char *) 0);
	int     ret, saved;

	ret = unlink(lock_path);
	saved = errno;
	xfree(lock_path);
	errno = saved;
	return ret;
}
