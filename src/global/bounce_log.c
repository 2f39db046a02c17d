/*
 * bounce_log.c - the per-message status logs of bounce(8): bounce/ID,
 * defer/ID and trace/ID
 *
 * Format (private to this module; bounce(8) documents it). A log is a
 * sequence of entries, one per recipient outcome. An entry is a group
 * of "name=value" lines ended by an empty line:
 *
 *	recipient=user@example.com
 *	orig_rcpt=alias@example.com
 *	dsn_orig_rcpt=rfc822;alias@example.com
 *	dsn_notify=6
 *	offset=312
 *	status=5.1.1
 *	action=failed
 *	reason=unknown user: "user"
 *	diag_type=smtp
 *	diag_text=550 5.1.1 no such user
 *	mta_type=dns
 *	mta_name=mx.example.com
 *	relay=mx.example.com[192.0.2.1]:25
 *	log_time=1795312345
 *	(empty line)
 *
 * recipient and a valid status are required; other names may be
 * missing (empty or 0) and unknown names are ignored, so the format
 * can grow. Values never hold control characters: the writer turns
 * them into spaces. An entry counts only once its empty line is
 * there, so a reader ignores an unfinished last entry (a writer busy
 * or dead); the next writer cuts such a tail off under its lock
 * before it appends. Entries are appended under an exclusive fcntl
 * lock and fsynced before bounce(8) answers.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iostream.h"
#include "lock_file.h"
#include "log.h"
#include "mem.h"
#include "stringops.h"
#include "strbuf.h"
#include "dsn.h"
#include "mail_queue.h"
#include "bounce_log.h"

/* Field indexes of the reader's value table. */
enum {
	BL_RECIPIENT, BL_ORIG_RCPT, BL_DSN_ORIG_RCPT, BL_DSN_NOTIFY, BL_OFFSET,
	BL_STATUS, BL_ACTION, BL_REASON, BL_DIAG_TYPE, BL_DIAG_TEXT,
	BL_MTA_TYPE, BL_MTA_NAME, BL_RELAY, BL_LOG_TIME, BL_COUNT
};

static const char *const bl_names[BL_COUNT] = {
	"recipient", "orig_rcpt", "dsn_orig_rcpt", "dsn_notify", "offset",
	"status", "action", "reason", "diag_type", "diag_text",
	"mta_type", "mta_name", "relay", "log_time",
};

struct BOUNCE_LOG {
	IOSTREAM *fp;
	char   *name;			/* for warnings */
	STRBUF *line;
	STRBUF *val[BL_COUNT];
	int	seen[BL_COUNT];
	BOUNCE_LOG_ENTRY entry;
};

/* bounce_log_put - one "name=value" line, control characters made spaces */

static void
bounce_log_put(STRBUF *out, const char *name, const char *value)
{
	const unsigned char *cp;

	strbuf_append_str(out, name);
	strbuf_append_char(out, '=');
	for (cp = (const unsigned char *) (value ? value : ""); *cp; cp++)
		strbuf_append_char(out, (*cp < 0x20 || *cp == 0x7f) ? ' ' : *cp);
	strbuf_append_char(out, '\n');
}

/* bounce_log_format - the text of one entry */

void
bounce_log_format(STRBUF *out, const BOUNCE_LOG_ENTRY *e)
{
	char	num[32];

	bounce_log_put(out, bl_names[BL_RECIPIENT], e->rcpt.address);
	bounce_log_put(out, bl_names[BL_ORIG_RCPT], e->rcpt.orig_addr);
	bounce_log_put(out, bl_names[BL_DSN_ORIG_RCPT], e->rcpt.dsn_orcpt);
	snprintf(num, sizeof(num), "%d", e->rcpt.dsn_notify);
	bounce_log_put(out, bl_names[BL_DSN_NOTIFY], num);
	snprintf(num, sizeof(num), "%lld", (long long) e->rcpt.offset);
	bounce_log_put(out, bl_names[BL_OFFSET], num);
	bounce_log_put(out, bl_names[BL_STATUS], e->dsn.status);
	bounce_log_put(out, bl_names[BL_ACTION], e->dsn.action);
	bounce_log_put(out, bl_names[BL_REASON], e->dsn.reason);
	bounce_log_put(out, bl_names[BL_DIAG_TYPE], e->dsn.dtype);
	bounce_log_put(out, bl_names[BL_DIAG_TEXT], e->dsn.dtext);
	bounce_log_put(out, bl_names[BL_MTA_TYPE], e->dsn.mtype);
	bounce_log_put(out, bl_names[BL_MTA_NAME], e->dsn.mname);
	bounce_log_put(out, bl_names[BL_RELAY], e->relay);
	snprintf(num, sizeof(num), "%ld", e->log_sec);
	bounce_log_put(out, bl_names[BL_LOG_TIME], num);
	strbuf_append_char(out, '\n');
}

/* bounce_log_cut_tail - drop an unfinished last entry, if any */

static int
bounce_log_cut_tail(int fd, STRBUF *why)
{
	struct stat st;
	char	buf[4096];
	off_t	end, pos, keep = 0;
	ssize_t n;
	int	found = 0;

	if (fstat(fd, &st) < 0) {
		strbuf_printf(why, "fstat: %m");
		return -1;
	}
	end = st.st_size;
	if (end == 0)
		return 0;

	/*
	 * A finished log ends in "\n\n". Look backwards for the last such
	 * pair; a chunk overlaps the next by one byte so that no pair is
	 * missed at a chunk boundary.
	 */
	for (pos = end; pos > 0 && !found;) {
		off_t	start = pos > (off_t) sizeof(buf) ? pos - (off_t) sizeof(buf) : 0;
		size_t	len = (size_t) (pos - start);
		size_t	i;

		if ((n = pread(fd, buf, len, start)) != (ssize_t) len) {
			strbuf_printf(why, "read: %m");
			return -1;
		}
		for (i = len; i >= 2; i--) {
			if (buf[i - 1] == '\n' && buf[i - 2] == '\n') {
				keep = start + (off_t) i;
				found = 1;
				break;
			}
		}
		if (found || start == 0)
			break;
		pos = start + 1;
	}
	if (keep == end)
		return 0;
	log_warn("status log: dropping %lld bytes of an unfinished entry",
		 (long long) (end - keep));
	if (ftruncate(fd, keep) < 0) {
		strbuf_printf(why, "truncate: %m");
		return -1;
	}
	return 0;
}

/* bounce_log_mkdirs - create the hash levels of dir below its queue */

static int
bounce_log_mkdirs(char *dir, size_t queue_len)
{
	char   *cp;

	/* The queue directory itself must exist: it is never created here. */
	if (strlen(dir) <= queue_len + 1)
		return -1;
	for (cp = strchr(dir + queue_len + 1, '/');; cp = strchr(cp + 1, '/')) {
		if (cp != NULL)
			*cp = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			if (cp != NULL)
				*cp = '/';
			return -1;
		}
		if (cp == NULL)
			return 0;
		*cp = '/';
	}
}

/* bounce_log_open_fd - open (creating) the log file for appending */

static int
bounce_log_open_fd(const char *service, const char *queue_id, STRBUF *why)
{
	STRBUF *path = strbuf_create(100);
	int	fd;

	if (mail_queue_path(path, service, queue_id) < 0) {
		strbuf_printf(why, "bad log name %s/%s", service, queue_id);
		strbuf_free(&path);
		errno = EINVAL;
		return -1;
	}
	fd = open(strbuf_str(path), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* A missing hash subdirectory: create it, then try again. */
		STRBUF *dir = strbuf_create(100);

		if (mail_queue_hashed(service)
		    && mail_queue_dir(dir, service, queue_id) == 0
		    && bounce_log_mkdirs(strbuf_str(dir), strlen(service)) == 0)
			fd = open(strbuf_str(path), O_RDWR | O_CREAT | O_APPEND
				  | O_NOFOLLOW, 0600);
		strbuf_free(&dir);
	}
	if (fd < 0)
		strbuf_printf(why, "open %s: %m", strbuf_str(path));
	strbuf_free(&path);
	return fd;
}

/* bounce_log_append - add one entry to a log, durably */

int
bounce_log_append(const char *service, const char *queue_id,
		  const BOUNCE_LOG_ENTRY *entry, STRBUF *why)
{
	STRBUF *text;
	int	fd;
	int	ret = -1;

	if ((fd = bounce_log_open_fd(service, queue_id, why)) < 0)
		return -1;
	if (lock_fcntl(fd, LOCK_MODE_EXCLUSIVE, LOCK_WAIT) < 0) {
		strbuf_printf(why, "lock %s/%s: %m", service, queue_id);
		(void) close(fd);
		return -1;
	}
	text = strbuf_create(512);
	bounce_log_format(text, entry);
	if (bounce_log_cut_tail(fd, why) == 0) {
		const char *cp = strbuf_str(text);
		size_t	left = strbuf_len(text);
		ssize_t n = 0;

		while (left > 0 && (n = write(fd, cp, left)) > 0) {
			cp += n;
			left -= (size_t) n;
		}
		if (left > 0)
			strbuf_printf(why, "write %s/%s: %m", service, queue_id);
		else if (fsync(fd) < 0)
			strbuf_printf(why, "fsync %s/%s: %m", service, queue_id);
		else
			ret = 0;
	}
	strbuf_free(&text);
	if (close(fd) < 0 && ret == 0) {
		strbuf_printf(why, "close %s/%s: %m", service, queue_id);
		ret = -1;
	}
	return ret;
}

/* bounce_log_remove - remove a log */

int
bounce_log_remove(const char *service, const char *queue_id)
{
	STRBUF *path = strbuf_create(100);
	int	ret;

	if (mail_queue_path(path, service, queue_id) < 0) {
		errno = EINVAL;
		ret = -1;
	} else {
		ret = unlink(strbuf_str(path));
	}
	strbuf_free(&path);
	return ret;
}

/* bounce_log_stream - a reader over an open stream */

BOUNCE_LOG *
bounce_log_stream(IOSTREAM *fp, const char *name)
{
	BOUNCE_LOG *log = xcalloc(1, sizeof(*log));
	int	i;

	log->fp = fp;
	log->name = xstrdup(name);
	log->line = strbuf_create(256);
	for (i = 0; i < BL_COUNT; i++)
		log->val[i] = strbuf_create(64);
	return log;
}

/* bounce_log_open - open a log for reading */

BOUNCE_LOG *
bounce_log_open(const char *service, const char *queue_id)
{
	STRBUF *path = strbuf_create(100);
	BOUNCE_LOG *log = NULL;
	int	fd;

	if (mail_queue_path(path, service, queue_id) < 0) {
		errno = EINVAL;
	} else if ((fd = open(strbuf_str(path), O_RDONLY | O_NOFOLLOW)) >= 0) {
		log = bounce_log_stream(iostream_fdopen(fd, O_RDONLY),
					strbuf_str(path));
	}
	strbuf_free(&path);
	return log;
}

/* bounce_log_field - the index of a field name, or -1 */

static int
bounce_log_field(const char *name, size_t len)
{
	int	i;

	for (i = 0; i < BL_COUNT; i++)
		if (strlen(bl_names[i]) == len && memcmp(bl_names[i], name, len) == 0)
			return i;
	return -1;
}

/* bounce_log_fill - check the collected fields and build the entry */

static const BOUNCE_LOG_ENTRY *
bounce_log_fill(BOUNCE_LOG *log)
{
	BOUNCE_LOG_ENTRY *e = &log->entry;
	long	notify = 0, offset = 0, when = 0;

	if (strbuf_len(log->val[BL_RECIPIENT]) == 0 || !log->seen[BL_STATUS]
	    || !dsn_valid(strbuf_str(log->val[BL_STATUS]))
	    || (log->seen[BL_DSN_NOTIFY]
		&& parse_long(strbuf_str(log->val[BL_DSN_NOTIFY]), &notify, 0, 255) < 0)
	    || (log->seen[BL_OFFSET]
		&& parse_long(strbuf_str(log->val[BL_OFFSET]), &offset, 0, LONG_MAX) < 0)
	    || (log->seen[BL_LOG_TIME]
		&& parse_long(strbuf_str(log->val[BL_LOG_TIME]), &when, 0, LONG_MAX) < 0))
		return NULL;
	e->rcpt.address = strbuf_str(log->val[BL_RECIPIENT]);
	e->rcpt.orig_addr = strbuf_str(log->val[BL_ORIG_RCPT]);
	e->rcpt.dsn_orcpt = strbuf_str(log->val[BL_DSN_ORIG_RCPT]);
	e->rcpt.dsn_notify = (int) notify;
	e->rcpt.offset = (off_t) offset;
	e->dsn.status = strbuf_str(log->val[BL_STATUS]);
	e->dsn.action = strbuf_str(log->val[BL_ACTION]);
	e->dsn.reason = strbuf_str(log->val[BL_REASON]);
	e->dsn.dtype = strbuf_str(log->val[BL_DIAG_TYPE]);
	e->dsn.dtext = strbuf_str(log->val[BL_DIAG_TEXT]);
	e->dsn.mtype = strbuf_str(log->val[BL_MTA_TYPE]);
	e->dsn.mname = strbuf_str(log->val[BL_MTA_NAME]);
	e->relay = strbuf_str(log->val[BL_RELAY]);
	e->log_sec = when;
	return e;
}

/* bounce_log_text - control characters become spaces, as the writer does */

static void
bounce_log_text(STRBUF *val)
{
	unsigned char *cp;

	for (cp = (unsigned char *) strbuf_str(val); *cp; cp++)
		if (*cp < 0x20 || *cp == 0x7f)
			*cp = ' ';
}

/* bounce_log_read - the next well-formed, finished entry */

const BOUNCE_LOG_ENTRY *
bounce_log_read(BOUNCE_LOG *log)
{
	const BOUNCE_LOG_ENTRY *e;
	int	i, got, lines, bad;

	for (;;) {
		for (i = 0; i < BL_COUNT; i++) {
			strbuf_reset(log->val[i]);
			log->seen[i] = 0;
		}
		lines = 0;
		bad = 0;
		for (;;) {
			const char *eq;
			int	idx;

			got = iostream_get_line(log->fp, log->line,
						BOUNCE_LOG_LINE_LIMIT, 0);
			if (got == IOS_EOF || got == IOS_LINE_LAST)
				return NULL;	/* no entry, or an unfinished one */
			if (got == IOS_LINE_MORE) {
				/* Skip the rest of an overlong line. */
				while (got == IOS_LINE_MORE)
					got = iostream_get_line(log->fp, log->line,
						     BOUNCE_LOG_LINE_LIMIT, 0);
				if (got != IOS_LINE_COMPLETE)
					return NULL;
				bad = 1;
				lines++;
				continue;
			}
			if (strbuf_len(log->line) == 0) {
				if (lines == 0)
					continue;	/* stray empty line */
				break;
			}
			lines++;
			if ((eq = strchr(strbuf_str(log->line), '=')) == NULL) {
				bad = 1;
				continue;
			}
			idx = bounce_log_field(strbuf_str(log->line),
					(size_t) (eq - strbuf_str(log->line)));
			if (idx < 0)
				continue;	/* a newer writer's field */
			strbuf_set(log->val[idx], eq + 1);
			bounce_log_text(log->val[idx]);
			log->seen[idx] = 1;
		}
		if (!bad && (e = bounce_log_fill(log)) != NULL)
			return e;
		log_warn("%s: skipping malformed status log entry", log->name);
	}
}

/* bounce_log_close - close a reader */

void
bounce_log_close(BOUNCE_LOG *log)
{
	int	i;

	(void) iostream_close(log->fp);
	for (i = 0; i < BL_COUNT; i++)
		strbuf_free(&log->val[i]);
	strbuf_free(&log->line);
	xfree(log->name);
	xfree(log);
}
