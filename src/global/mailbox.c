/*
 * mailbox.c - deliver into an mbox file or a Maildir, safely
 *
 * The rules that keep a mailbox intact (mailbox.h): an mbox file is
 * appended to only under every lock the administrator asked for, and
 * a failed append is cut back to the old size, so that a reader never
 * sees half a message; a Maildir message becomes visible in new/ only
 * once it was written completely and fsynced in tmp/.
 *
 * The mailbox size limit works as in Postfix: the file size resource
 * limit is lowered for the duration of the append, so the write that
 * would pass it fails with EFBIG ("File too large", 5.2.2). SIGXFSZ is
 * ignored meanwhile, or the kernel would kill the process instead.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "iostream.h"
#include "lock_file.h"
#include "log.h"
#include "mem.h"
#include "safe_open.h"
#include "strbuf.h"
#include "stringops.h"
#include "mail_copy.h"
#include "params_deliver.h"
#include "mailbox.h"

/* Lock methods (mailbox_delivery_lock). */
#define MBOX_LOCK_FCNTL		(1 << 0)
#define MBOX_LOCK_FLOCK		(1 << 1)
#define MBOX_LOCK_DOTLOCK	(1 << 2)

/* mailbox_dsn - the status for a system error, as Postfix's mbox_dsn() */

static const char *
mailbox_dsn(int err, const char *def_dsn)
{
	if (err == ENOSPC)
		return "4.3.0";
	if (err == EAGAIN || err == ESTALE)
		return "4.2.0";
#ifdef EDQUOT
	if (err == EDQUOT)
		return "5.2.2";
#endif
	if (err == EFBIG)
		return "5.2.2";
	return def_dsn;
}

static int mailbox_fail(STRBUF *, STRBUF *, const char *, const char *, ...)
	PRINTFLIKE(4, 5);

/* mailbox_fail - fill in status and reason; always -1 */

static int
mailbox_fail(STRBUF *status, STRBUF *reason, const char *dsn,
	     const char *fmt, ...)
{
	va_list ap;

	strbuf_set(status, dsn);
	strbuf_reset(reason);
	va_start(ap, fmt);
	strbuf_append_vprintf(reason, fmt, ap);
	va_end(ap);
	return -1;
}

/* mbox_lock_mask - parse "fcntl, dotlock"; -1 for an unknown method */

static int
mbox_lock_mask(const char *methods, STRBUF *why)
{
	char   *copy = xstrdup(methods ? methods : "");
	char   *cp = copy, *name;
	int     mask = 0;

	while ((name = token_next(&cp, ", \t\r\n")) != NULL) {
		if (strcasecmp(name, "fcntl") == 0)
			mask |= MBOX_LOCK_FCNTL;
		else if (strcasecmp(name, "flock") == 0)
			mask |= MBOX_LOCK_FLOCK;
		else if (strcasecmp(name, "dotlock") == 0)
			mask |= MBOX_LOCK_DOTLOCK;
		else {
			strbuf_printf(why, "unknown mailbox lock method \"%s\"",
				      name);
			mask = -1;
			break;
		}
	}
	xfree(copy);
	return mask;
}

/* mbox_kernel_lock - one kernel lock, retried as deliver_lock_* say */

static int
mbox_kernel_lock(int fd, int (*fn)(int, int, int))
{
	int     attempt;
	int     tries = var_deliver_lock_attempts > 0 ? var_deliver_lock_attempts : 1;

	for (attempt = 1; /* see below */ ; attempt++) {
		if (fn(fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT) == 0)
			return 0;
		if (errno != EAGAIN || attempt >= tries)
			return -1;
		sleep((unsigned) (var_deliver_lock_delay > 0 ?
				  var_deliver_lock_delay : 1));
	}
}

/*
 * File size limit for the duration of one append. The soft limit only:
 * it can be raised again without privileges.
 */
struct fsize_save {
	int	active;
	struct rlimit rl;
	struct sigaction sa;
};

/* mailbox_limit_set - lower the file size limit to size_limit */

static void
mailbox_limit_set(struct fsize_save *save, long size_limit)
{
	struct rlimit rl;
	struct sigaction ign;

	save->active = 0;
	if (size_limit <= 0 || getrlimit(RLIMIT_FSIZE, &save->rl) < 0)
		return;
	rl = save->rl;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= (rlim_t) size_limit)
		return;				/* already as tight */
	rl.rlim_cur = (rlim_t) size_limit;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGXFSZ, &ign, &save->sa) < 0)
		return;
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0) {
		(void) sigaction(SIGXFSZ, &save->sa, (struct sigaction *) 0);
		return;
	}
	save->active = 1;
}

/* mailbox_limit_restore - undo mailbox_limit_set() */

static void
mailbox_limit_restore(struct fsize_save *save)
{
	if (!save->active)
		return;
	if (setrlimit(RLIMIT_FSIZE, &save->rl) < 0)
		log_warn("cannot restore file size limit: %m");
	(void) sigaction(SIGXFSZ, &save->sa, (struct sigaction *) 0);
	save->active = 0;
}

/* mailbox_copy - mail_copy() to fd, status and reason on failure */

static int
mailbox_copy(DELIVER_REQUEST *req, int fd, int copy_flags,
	     const char *delivered_to, const char *orig_to,
	     STRBUF *status, STRBUF *reason)
{
	IOSTREAM *dst = iostream_fdopen(fd, O_WRONLY);
	STRBUF *why = strbuf_create(100);
	int     ret, err = 0;

	ret = mail_copy(req, delivered_to, orig_to ? orig_to : "", dst,
			copy_flags, why);
	if (ret == MAIL_COPY_STAT_WRITE)
		err = errno;
	(void) iostream_fdclose(dst);
	if (ret == MAIL_COPY_STAT_READ)
		(void) mailbox_fail(status, reason, "4.3.0", "%s",
				    strbuf_str(why));
	else if (ret != MAIL_COPY_OK)
		(void) mailbox_fail(status, reason, mailbox_dsn(err, "5.2.0"),
				    "%s", strbuf_len(why) ? strbuf_str(why) :
				    "error writing message");
	strbuf_free(&why);
	return ret == MAIL_COPY_OK ? 0 : -1;
}

/* mbox_wrong_owner - path is a plain file that owner does not own */

static int
mbox_wrong_owner(const char *path, uid_t owner)
{
	struct stat st;
	int     saved = errno;
	int     ret;

	ret = owner != (uid_t) -1 && lstat(path, &st) == 0
	    && S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_uid != owner;
	errno = saved;
	return ret;
}

static off_t mbox_offset = -1;		/* see mbox_last_offset() */

/* mbox_last_offset - where the last message delivered to an mbox starts */

off_t
mbox_last_offset(void)
{
	return mbox_offset;
}

/* mbox_deliver_owner - append to an mbox file (see mailbox.h) */

int
mbox_deliver_owner(DELIVER_REQUEST *req, const char *path,
		   const char *lock_methods, long size_limit, int copy_flags,
		   const char *delivered_to, const char *orig_to,
		   uid_t owner, gid_t group, STRBUF *status, STRBUF *reason)
{
	STRBUF *why = strbuf_create(100);
	struct fsize_save save;
	struct stat st;
	int     mask, fd = -1, dotlocked = 0, ret = -1, err;

	if ((mask = mbox_lock_mask(lock_methods, why)) < 0) {
		(void) mailbox_fail(status, reason, "4.3.5", "%s",
				    strbuf_str(why));
		goto out;
	}

	/*
	 * The dot-lock comes first, as in Postfix: it also keeps out the
	 * readers that know no other lock. A spool directory that we
	 * cannot write (for example /var/mail without group mail) makes
	 * dot-locking impossible; the kernel locks then have to do.
	 */
	if (mask & MBOX_LOCK_DOTLOCK) {
		if (dotlock_acquire_ext(path, var_deliver_lock_attempts,
					var_deliver_lock_delay * 1000,
					var_stale_lock_time, why) == 0) {
			dotlocked = 1;
		} else if (errno != EACCES && errno != EPERM && errno != EROFS) {
			err = errno;
			(void) mailbox_fail(status, reason,
					    mailbox_dsn(err, "5.2.0"),
					    "unable to lock for exclusive access: %s",
					    strbuf_str(why));
			goto out;
		}
	}
	fd = safe_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, &st,
		       owner, group, why);
	if (fd < 0) {
		err = errno;
		if (mbox_wrong_owner(path, owner)) {
			/* Postfix defers: the owner may be fixed by hand. */
			log_warn("specify \"strict_mailbox_ownership = no\" "
				 "to ignore mailbox ownership mismatch");
			(void) mailbox_fail(status, reason, "4.2.0",
				  "destination %s is not owned by recipient",
					    path);
		} else
			(void) mailbox_fail(status, reason,
					    mailbox_dsn(err, "5.2.0"),
					    "%s", strbuf_str(why));
		goto out;
	}
	if (((mask & MBOX_LOCK_FCNTL) && mbox_kernel_lock(fd, lock_fcntl) < 0)
	    || ((mask & MBOX_LOCK_FLOCK) && mbox_kernel_lock(fd, lock_flock) < 0)) {
		(void) mailbox_fail(status, reason, mailbox_dsn(errno, "5.2.0"),
				    "unable to lock for exclusive access: %s",
				    strerror(errno));
		goto out;
	}

	/* The size that counts is the one under the lock. */
	if (fstat(fd, &st) < 0) {
		(void) mailbox_fail(status, reason, "4.3.0",
				    "cannot fstat file: %s", strerror(errno));
		goto out;
	}
	mailbox_limit_set(&save, size_limit);
	ret = mailbox_copy(req, fd, copy_flags, delivered_to, orig_to,
			   status, reason);
	mailbox_limit_restore(&save);
	if (ret < 0 && ftruncate(fd, st.st_size) < 0)
		log_warn("truncate %s to %ld bytes: %m", path, (long) st.st_size);
	if (ret == 0)
		mbox_offset = st.st_size;

out:
	if (fd >= 0) {
		if (mask > 0 && (mask & MBOX_LOCK_FLOCK))
			(void) lock_flock(fd, LOCK_MODE_NONE, LOCK_NOWAIT);
		if (mask > 0 && (mask & MBOX_LOCK_FCNTL))
			(void) lock_fcntl(fd, LOCK_MODE_NONE, LOCK_NOWAIT);
		(void) close(fd);
	}
	if (dotlocked && dotlock_release(path) < 0)
		log_warn("remove lock file %s.lock: %m", path);
	strbuf_free(&why);
	return ret;
}

/* mbox_deliver - append to an mbox file as the current user */

int
mbox_deliver(DELIVER_REQUEST *req, const char *path,
	     const char *lock_methods, long size_limit, int copy_flags,
	     const char *delivered_to, const char *orig_to,
	     STRBUF *status, STRBUF *reason)
{
	return mbox_deliver_owner(req, path, lock_methods, size_limit,
				  copy_flags, delivered_to, orig_to,
				  (uid_t) -1, (gid_t) -1, status, reason);
}

/* maildir_mkdirs - create dir and its missing parents, mode 0700 */

static int
maildir_mkdirs(const char *dir)
{
	char   *copy = xstrdup(dir);
	char   *cp;
	int     ret = 0;

	for (cp = copy + 1; ; cp++) {
		if (*cp != '/' && *cp != 0)
			continue;
		if (cp[-1] != '/') {
			int     saved = *cp;

			*cp = 0;
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				ret = -1;
				break;
			}
			*cp = (char) saved;
		}
		if (*cp == 0)
			break;
	}
	xfree(copy);
	return ret;
}

/* maildir_host - host name for unique names: '/' and ':' escaped */

static void
maildir_host(STRBUF *out)
{
	char    host[256];
	const char *cp;

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = 0;
	host[sizeof(host) - 1] = 0;
	if (host[0] == 0)
		snprintf(host, sizeof(host), "localhost");
	strbuf_reset(out);
	for (cp = host; *cp; cp++) {
		if (*cp == '/')
			strbuf_append_str(out, "\\057");
		else if (*cp == ':')
			strbuf_append_str(out, "\\072");
		else
			strbuf_append_char(out, *cp);
	}
}

/* maildir_deliver - one new file in a Maildir (see mailbox.h) */

int
maildir_deliver(DELIVER_REQUEST *req, const char *path, int copy_flags,
		const char *delivered_to, const char *orig_to,
		STRBUF *status, STRBUF *reason)
{
	static unsigned counter;
	STRBUF *host = strbuf_create(100);
	char   *base, *tmpdir, *newdir, *curdir;
	char   *tmpfile = NULL, *newfile = NULL;
	struct timeval tv;
	struct stat st;
	size_t  len;
	int     fd, ret = -1;

	/* "dir/" and "dir" name the same Maildir. */
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	base = xstrndup(path, len);
	tmpdir = str_concat(base, "/tmp", (char *) 0);
	newdir = str_concat(base, "/new", (char *) 0);
	curdir = str_concat(base, "/cur", (char *) 0);
	maildir_host(host);
	gettimeofday(&tv, (struct timezone *) 0);

	if (maildir_mkdirs(tmpdir) < 0 || maildir_mkdirs(newdir) < 0
	    || maildir_mkdirs(curdir) < 0) {
		(void) mailbox_fail(status, reason, mailbox_dsn(errno, "5.2.0"),
				    "create maildir file %s/tmp: %s", base,
				    strerror(errno));
		goto out;
	}

	/*
	 * The temporary name needs to be unique only among the deliveries
	 * running now: the time, our process ID and a counter do that.
	 */
	{
		STRBUF *name = strbuf_create(100);

		strbuf_printf(name, "%s/%ld.P%ldQ%u.%s", tmpdir, (long) tv.tv_sec,
			      (long) getpid(), counter++, strbuf_str(host));
		tmpfile = strbuf_detach(name);
		strbuf_free(&name);
	}
	fd = open(tmpfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd < 0) {
		(void) mailbox_fail(status, reason, mailbox_dsn(errno, "5.2.0"),
				    "create maildir file %s: %s", tmpfile,
				    strerror(errno));
		goto out;
	}
	if (mailbox_copy(req, fd, copy_flags, delivered_to, orig_to,
			 status, reason) < 0) {
		(void) close(fd);
		(void) unlink(tmpfile);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		(void) mailbox_fail(status, reason, "4.3.0",
				    "cannot fstat file %s: %s", tmpfile,
				    strerror(errno));
		(void) close(fd);
		(void) unlink(tmpfile);
		goto out;
	}
	if (close(fd) < 0) {
		(void) mailbox_fail(status, reason, mailbox_dsn(errno, "5.2.0"),
				    "error writing message: %s",
				    strerror(errno));
		(void) unlink(tmpfile);
		goto out;
	}

	/* The Maildir convention: the device and inode make it unique. */
	{
		STRBUF *name = strbuf_create(100);

		strbuf_printf(name, "%s/%ld.V%lxI%lxM%ld.%s", newdir,
			      (long) tv.tv_sec, (unsigned long) st.st_dev,
			      (unsigned long) st.st_ino, (long) tv.tv_usec,
			      strbuf_str(host));
		newfile = strbuf_detach(name);
		strbuf_free(&name);
	}
	if (link(tmpfile, newfile) < 0) {
		(void) mailbox_fail(status, reason, mailbox_dsn(errno, "4.2.0"),
				    "create maildir file %s: %s", newfile,
				    strerror(errno));
		(void) unlink(tmpfile);
		goto out;
	}
	if (unlink(tmpfile) < 0)
		log_warn("remove %s: %m", tmpfile);
	ret = 0;

out:
	xfree(tmpfile);
	xfree(newfile);
	xfree(base);
	xfree(tmpdir);
	xfree(newdir);
	xfree(curdir);
	strbuf_free(&host);
	return ret;
}
