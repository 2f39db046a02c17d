/*
 * maillog_file.c - records of $maillog_file: format, check, open, append
 *
 * The record shape is Postfix's, byte for byte, because log readers
 * parse it. The open rules are Postfix's logwriter(3) rules rather than
 * safe_open()'s: $maillog_file is chosen by root in main.cf, and the
 * usual value in containers, /dev/stdout, is a root-owned symbolic link
 * to a pipe or a terminal, which safe_open() rightly refuses for
 * mailboxes.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "log.h"
#include "strbuf.h"
#include "maillog_file.h"	/* global */

/* Rounds of "not there" / "there after all" before giving up. */
#define MAILLOG_OPEN_TRIES	10

/* maillog_file_format - one record in Postfix's shape */

void
maillog_file_format(STRBUF *rec, time_t when, const char *host,
		    const char *tag, long pid, int level, const char *text)
{
	static const char *const labels[] = {
		"", "warning: ", "error: ", "fatal: ", "panic: ",
	};
	char	stamp[64];
	struct tm tm;

	if (level < LOG_LEVEL_INFO || level > LOG_LEVEL_PANIC)
		level = LOG_LEVEL_PANIC;

	/*
	 * msg_logger(3) uses "%b %d", so the day has a leading zero where
	 * syslog has a space. We are not setlocale()d: month names are C's.
	 */
	if (localtime_r(&when, &tm) == NULL
	    || strftime(stamp, sizeof(stamp), "%b %d %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "Jan 01 00:00:00");
	strbuf_reset(rec);
	strbuf_append_printf(rec, "%s %.*s %s[%ld]: %s%.*s", stamp,
			     (int) strcspn(host, "."), host, tag, pid,
			     labels[level], MAILLOG_TEXT_MAX, text);
}

/* maillog_file_parse - tag[pid] and text of a record */

int
maillog_file_parse(const char *rec, size_t len, STRBUF *tag_pid,
		   STRBUF *text)
{
	const char *cp = rec;
	const char *end = rec + len;
	const char *start;
	int	field;

	strbuf_reset(tag_pid);
	strbuf_reset(text);

	/* Month, day, time and host, each followed by white space. */
	for (field = 0; field < 4; field++) {
		while (cp < end && (*cp == ' ' || *cp == '\t'))
			cp++;
		start = cp;
		while (cp < end && *cp != ' ' && *cp != '\t')
			cp++;
		if (cp == start || cp == end)
			return -1;
	}
	while (cp < end && (*cp == ' ' || *cp == '\t'))
		cp++;

	/* tag[pid], then ":". */
	start = cp;
	while (cp < end && *cp != ':' && *cp != ' ' && *cp != '\t')
		cp++;
	if (cp == start || cp == end || *cp != ':')
		return -1;
	strbuf_append(tag_pid, start, (size_t) (cp - start));
	cp++;
	while (cp < end && (*cp == ' ' || *cp == '\t'))
		cp++;
	strbuf_append(text, cp, (size_t) (end - cp));
	return 0;
}

/* maillog_file_check - the value must start with an allowed prefix */

int
maillog_file_check(const char *path, const char *prefixes, STRBUF *why)
{
	ARGV   *list = argv_split(prefixes, ", \t\r\n");
	int	found = 0;
	size_t	i;

	/* Postfix compares plain strings: "/var" also allows "/variable". */
	for (i = 0; i < list->argc && !found; i++)
		found = (strncmp(path, list->argv[i], strlen(list->argv[i])) == 0);
	argv_free(&list);
	if (!found) {
		strbuf_printf(why, "maillog_file value '%s' does not match any "
			      "prefix in maillog_file_prefixes", path);
		return -1;
	}
	return 0;
}

/* maillog_refuse - record why, close fd if open, return -1 */

static int
maillog_refuse(int fd, int err, STRBUF *why, const char *fmt, ...)
    PRINTFLIKE(4, 5);

static int
maillog_refuse(int fd, int err, STRBUF *why, const char *fmt, ...)
{
	va_list ap;

	/* The format may use %m for err. */
	errno = err;
	strbuf_reset(why);
	va_start(ap, fmt);
	strbuf_append_vprintf(why, fmt, ap);
	va_end(ap);
	if (fd >= 0)
		(void) close(fd);
	errno = err;
	return -1;
}

/* maillog_file_open - open for appending, with logwriter(3)'s checks */

int
maillog_file_open(const char *path, STRBUF *why)
{
	const int flags = O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC | O_NONBLOCK;
	struct stat lst, fst;
	int	tries = 0;
	int	fd;
	int	fl;

	for (;;) {
		if (++tries > MAILLOG_OPEN_TRIES)
			return maillog_refuse(-1, EAGAIN, why,
					"file keeps appearing and disappearing");
		if (lstat(path, &lst) < 0) {
			if (errno != ENOENT)
				return maillog_refuse(-1, errno, why,
						      "cannot open file: %m");
			/* O_EXCL follows no link that someone plants meanwhile. */
			if ((fd = open(path, flags | O_CREAT | O_EXCL, 0600)) >= 0)
				break;
			if (errno == EEXIST)
				continue;
			return maillog_refuse(-1, errno, why,
					"cannot create file exclusively: %m");
		}

		/*
		 * Postfix trusts a symbolic link only when root owns it, as
		 * /dev/stdout is; anyone else's link could point at a file
		 * that we must not append to.
		 */
		if (S_ISLNK(lst.st_mode) && lst.st_uid != 0)
			return maillog_refuse(-1, EPERM, why,
					      "file is a symbolic link");
		fd = open(path, flags | (S_ISLNK(lst.st_mode) ? 0 : O_NOFOLLOW));
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return maillog_refuse(-1, errno, why, "cannot open file: %m");
		}
		if (fstat(fd, &fst) < 0)
			return maillog_refuse(fd, errno, why,
					      "bad open file status: %m");
		if (S_ISDIR(fst.st_mode))
			return maillog_refuse(fd, EISDIR, why, "file is a directory");
		if (fst.st_nlink != 1)
			return maillog_refuse(fd, EPERM, why, "file has %lu hard links",
					      (unsigned long) fst.st_nlink);
		if (!S_ISLNK(lst.st_mode)
		    && (fst.st_dev != lst.st_dev || fst.st_ino != lst.st_ino))
			return maillog_refuse(fd, EPERM, why,
					      "file status changed unexpectedly");
		break;
	}

	/* Non-blocking only so that a fifo without a reader cannot hang us. */
	if ((fl = fcntl(fd, F_GETFL)) >= 0)
		(void) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* maillog_file_write - append one record and its newline */

int
maillog_file_write(int fd, const char *rec, size_t len)
{
	struct iovec iov[2];
	ssize_t n;
	int	i = 0;

	iov[0].iov_base = (void *) rec;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *) "\n";
	iov[1].iov_len = 1;

	/*
	 * One writev() keeps the record whole against other writers of an
	 * O_APPEND file; a pipe may take less, and then we go on.
	 */
	while (i < 2) {
		n = writev(fd, iov + i, 2 - i);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (i < 2 && (size_t) n >= iov[i].iov_len) {
			n -= (ssize_t) iov[i].iov_len;
			i++;
		}
		if (i < 2) {
			iov[i].iov_base = (char *) iov[i].iov_base + n;
			iov[i].iov_len -= (size_t) n;
		}
	}
	return 0;
}
