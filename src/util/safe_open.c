/*
 * safe_open.c - open a file in a place that others may control
 *
 * An existing file is examined with lstat() before it is opened, so a
 * link planted by someone else is refused without ever being opened,
 * and with fstat() after, so a file swapped in between the two calls is
 * refused too. The open itself uses O_NOFOLLOW, and O_NONBLOCK so that
 * a FIFO swapped in at the last moment cannot hang us; truncation waits
 * until the file has passed every check.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "safe_open.h"

/* Rounds of "not there" / "there after all" before giving up. */
#define SAFE_OPEN_TRIES	10

/* safe_open_refuse - record a reason, close fd if open, return -1 */

static int
safe_open_refuse(int fd, int err, STRBUF *why, const char *fmt, ...)
    PRINTFLIKE(4, 5);

static int
safe_open_refuse(int fd, int err, STRBUF *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		strbuf_reset(why);
		va_start(ap, fmt);
		strbuf_append_vprintf(why, fmt, ap);
		va_end(ap);
	}
	if (fd >= 0)
		(void) close(fd);
	errno = err;
	return -1;
}

/* safe_open_check - the file may be used: regular, one link, owner */

static int
safe_open_check(int fd, const struct stat *st, uid_t user, STRBUF *why)
{
	if (S_ISLNK(st->st_mode))
		return safe_open_refuse(fd, EPERM, why, "file is a symbolic link");
	if (!S_ISREG(st->st_mode))
		return safe_open_refuse(fd, EPERM, why, "file is not a regular file");
	if (st->st_nlink != 1)
		return safe_open_refuse(fd, EPERM, why, "file has %lu hard links",
					(unsigned long) st->st_nlink);
	if (user != (uid_t) -1 && st->st_uid != user)
		return safe_open_refuse(fd, EPERM, why,
					"file is owned by uid %ld, not uid %ld",
					(long) st->st_uid, (long) user);
	return 0;
}

/* safe_open_same - fstat() and lstat() describe the same file */

static int
safe_open_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * safe_open_exist - open an existing file. *absent is set when lstat()
 * found no file, so that the caller may create one.
 */
static int
safe_open_exist(const char *path, int flags, struct stat *fst,
		uid_t user, STRBUF *why, int *absent)
{
	struct stat lst;
	int     fd, fl;

	*absent = 0;
	if (lstat(path, &lst) < 0) {
		*absent = (errno == ENOENT);
		return safe_open_refuse(-1, errno, why, "cannot open file: %m");
	}
	if (safe_open_check(-1, &lst, user, why) < 0)
		return -1;

	fd = open(path, (flags & ~(O_CREAT | O_EXCL | O_TRUNC))
		  | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		/* The file went away since lstat(): let the caller retry. */
		*absent = (errno == ENOENT);
		return safe_open_refuse(-1, errno, why, "cannot open file: %m");
	}
	if (fstat(fd, fst) < 0)
		return safe_open_refuse(fd, errno, why, "cannot fstat file: %m");
	if (!safe_open_same(fst, &lst))
		return safe_open_refuse(fd, EPERM, why,
					"file status changed unexpectedly");
	if (safe_open_check(fd, fst, user, why) < 0)
		return -1;

	if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) {
		if (ftruncate(fd, 0) < 0)
			return safe_open_refuse(fd, errno, why,
						"cannot truncate file: %m");
		if (fstat(fd, fst) < 0)
			return safe_open_refuse(fd, errno, why,
						"cannot fstat file: %m");
	}
	if (!(flags & O_NONBLOCK)) {
		if ((fl = fcntl(fd, F_GETFL)) < 0
		    || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
			return safe_open_refuse(fd, errno, why,
					  "cannot clear non-blocking mode: %m");
	}
	return fd;
}

/* safe_open_create - create a new file exclusively */

static int
safe_open_create(const char *path, int flags, mode_t mode, struct stat *fst,
		 uid_t user, gid_t group, STRBUF *why)
{
	struct stat lst;
	int     fd;

	/* O_EXCL fails on any existing name, symbolic links included. */
	fd = open(path, flags | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	if (fd < 0)
		return safe_open_refuse(-1, errno, why, "cannot create file: %m");
	if ((user != (uid_t) -1 || group != (gid_t) -1)
	    && fchown(fd, user, group) < 0)
		return safe_open_refuse(fd, errno, why,
					"cannot change file ownership: %m");
	if (fstat(fd, fst) < 0)
		return safe_open_refuse(fd, errno, why, "cannot fstat file: %m");
	if (safe_open_check(fd, fst, (uid_t) -1, why) < 0)
		return -1;
	if (lstat(path, &lst) < 0 || !safe_open_same(fst, &lst))
		return safe_open_refuse(fd, EPERM, why,
					"file status changed unexpectedly");
	return fd;
}

/* safe_open - open or create a file without being fooled by links */

int
safe_open(const char *path, int flags, mode_t mode, struct stat *st,
	  uid_t user, gid_t group, STRBUF *why)
{
	struct stat local_st;
	int     fd, absent, tries;

	if (st == NULL)
		st = &local_st;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return safe_open_create(path, flags, mode, st, user, group, why);
	if (!(flags & O_CREAT))
		return safe_open_exist(path, flags, st, user, why, &absent);

	/*
	 * Open or create: each step can lose a race with another process
	 * that creates or removes the file, so try again a few times.
	 */
	for (tries = 0; tries < SAFE_OPEN_TRIES; tries++) {
		fd = safe_open_exist(path, flags, st, user, why, &absent);
		if (fd >= 0 || !absent)
			return fd;
		fd = safe_open_create(path, flags, mode, st, user, group, why);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}
