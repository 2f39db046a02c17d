/*
 * pickup - move mail from the maildrop queue into cleanup
 *
 * master(8) wakes pickup every 60 seconds, and postdrop(1) wakes it
 * through public/pickup after each message. On each wakeup pickup
 * scans $queue_directory/maildrop once. A file there belongs to the
 * user who submitted it and is trusted for nothing but its owner: it
 * is opened without following symbolic links, must be a regular file
 * with one link, and is checked completely (maildrop.h) before a byte
 * of it goes to cleanup(8). Files whose owner execute bit is not yet
 * set are still being written by postdrop and are skipped.
 *
 * A good file is streamed to cleanup with CLEANUP_FLAG_BOUNCE and
 * CLEANUP_FLAG_MASK_EXTERNAL (plus CLEANUP_FLAG_EXTRACT for sendmail
 * -t), with the attribute userid=UID (the file owner) for the Received:
 * header, and without the maildrop's own attributes. pickup logs
 * "ID: uid=N from=<sender>" as Postfix does, and removes the file
 * once cleanup reports success. When cleanup is unreachable or fails
 * temporarily, the file stays and the scan stops until the next
 * wakeup; a message that cleanup rejects is removed with a warning. A
 * malformed file goes to $queue_directory/corrupt, with a warning, so
 * that it is not tried again and again.
 */

#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "cleanup_clnt.h"	/* global */
#include "info_log_addr.h"
#include "mail_queue.h"
#include "maildrop.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"
#include "service.h"		/* master */

/* What became of one file. */
#define PICKUP_DONE	0	/* delivered, removed, or set aside */
#define PICKUP_SKIP	1	/* not ready; look again later */
#define PICKUP_RETRY	2	/* cleanup trouble: stop this scan */

/* What the check of a file learned. */
typedef struct PICKUP_INFO {
	const char *name;		/* file name in maildrop/ */
	uid_t   uid;			/* file owner */
	STRBUF *sender;			/* for the log line */
	int     extract;		/* sendmail -t */
} PICKUP_INFO;

/* pickup_corrupt - set a bad file aside, with the reason */

static int
pickup_corrupt(const PICKUP_INFO *info, const char *why)
{
	STRBUF *from = strbuf_create(100);
	STRBUF *to = strbuf_create(100);

	strbuf_printf(from, "%s/%s", MAIL_QUEUE_MAILDROP, info->name);
	strbuf_printf(to, "%s/%s", MAIL_QUEUE_CORRUPT, info->name);
	if (rename(strbuf_str(from), strbuf_str(to)) == 0) {
		log_warn("%s: uid=%ld: %s; moved to %s", strbuf_str(from),
			 (long) info->uid, why, strbuf_str(to));
	} else {
		log_warn("%s: uid=%ld: %s; cannot move it to %s (%m); removed",
			 strbuf_str(from), (long) info->uid, why, strbuf_str(to));
		if (unlink(strbuf_str(from)) < 0 && errno != ENOENT)
			log_warn("remove %s: %m", strbuf_str(from));
	}
	strbuf_free(&from);
	strbuf_free(&to);
	return PICKUP_DONE;
}

/* pickup_check - read the whole file and check it; 0 or -1 and why */

static int
pickup_check(IOSTREAM *st, PICKUP_INFO *info, STRBUF *why)
{
	MAILDROP_CHECK mc;
	STRBUF *buf = strbuf_create(100);
	size_t  limit = QFILE_REC_LIMIT(var_line_length_limit);
	int     type;
	int     result = 0;

	maildrop_check_init(&mc);
	while ((type = rec_get(st, buf, limit, why)) != REC_TYPE_EOF) {
		if (type == REC_TYPE_ERROR
		    || maildrop_check_rec(&mc, type, strbuf_str(buf),
					  strbuf_len(buf), why) < 0) {
			result = -1;
			break;
		}
		if (type == REC_TYPE_FROM)
			strbuf_set(info->sender, strbuf_str(buf));
	}
	if (result == 0 && maildrop_check_end(&mc, why) < 0)
		result = -1;
	info->extract = mc.extract;
	strbuf_free(&buf);
	return result;
}

/*
 * pickup_reason - the status text, then the server's reason when it
 * adds anything (cleanup_clnt_close() puts the status text in why when
 * there is no reason); the result is left in why
 */

static const char *
pickup_reason(int status, STRBUF *why)
{
	const char *text = cleanup_stat_text(status);
	STRBUF *tmp;

	if (strbuf_len(why) == 0 || strcmp(strbuf_str(why), text) == 0) {
		strbuf_set(why, text);
	} else {
		tmp = strbuf_create(100);
		strbuf_printf(tmp, "%s: %s", text, strbuf_str(why));
		strbuf_set(why, strbuf_str(tmp));
		strbuf_free(&tmp);
	}
	return strbuf_str(why);
}

/* pickup_send - stream a checked file to cleanup */

static int
pickup_send(IOSTREAM *st, PICKUP_INFO *info, const char *path)
{
	STRBUF *buf = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	CLEANUP_CLNT *clnt;
	IOSTREAM *out;
	size_t  limit = QFILE_REC_LIMIT(var_line_length_limit);
	int     flags = CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_MASK_EXTERNAL;
	int     attrs_sent = 0;
	int     status;
	int     type;
	int     result = PICKUP_DONE;

	if (info->extract)
		flags |= CLEANUP_FLAG_EXTRACT;
	if ((clnt = cleanup_clnt_open(NULL, flags, why)) == NULL) {
		log_warn("%s: %s; will try again later", path, strbuf_str(why));
		result = PICKUP_RETRY;
		goto out;
	}
	log_info("%s: uid=%ld from=<%s>", cleanup_clnt_queue_id(clnt),
		 (long) info->uid, info_log_addr(strbuf_str(info->sender)));
	out = cleanup_clnt_stream(clnt);
	while ((type = rec_get(st, buf, limit, why)) != REC_TYPE_EOF) {
		if (type == REC_TYPE_ERROR) {
			/* It changed since the check: give it another go later. */
			log_warn("%s: read: %s", path, strbuf_str(why));
			cleanup_clnt_abort(clnt);
			result = PICKUP_RETRY;
			goto out;
		}
		if (type != REC_TYPE_TIME && !attrs_sent) {
			rec_printf(out, REC_TYPE_ATTR, "userid=%ld", (long) info->uid);
			attrs_sent = 1;
		}
		/* The maildrop's own attributes became request flags. */
		if (type == REC_TYPE_ATTR
		    && strncmp(strbuf_str(buf), MAILDROP_ATTR_TRACE_FLAGS "=",
			       sizeof(MAILDROP_ATTR_TRACE_FLAGS)) != 0)
			continue;
		(void) rec_put(out, type, strbuf_str(buf), strbuf_len(buf));
		if (type == REC_TYPE_END)
			break;
	}
	status = cleanup_clnt_close(clnt, why);
	if (status == CLEANUP_STAT_OK) {
		if (unlink(path) < 0)
			log_warn("remove %s: %m", path);
	} else if (status & (CLEANUP_STAT_WRITE | CLEANUP_STAT_DEFER)) {
		log_warn("%s: %s; will try again later", path,
			 pickup_reason(status, why));
		result = PICKUP_RETRY;
	} else {
		log_warn("%s: uid=%ld: message rejected: %s", path,
			 (long) info->uid, pickup_reason(status, why));
		if (unlink(path) < 0)
			log_warn("remove %s: %m", path);
	}
out:
	strbuf_free(&buf);
	strbuf_free(&why);
	return result;
}

/* pickup_file - one maildrop file */

static int
pickup_file(const char *name)
{
	PICKUP_INFO info;
	STRBUF *path = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	IOSTREAM *st = NULL;
	struct stat lst;
	struct stat fst;
	int     fd;
	int     result = PICKUP_SKIP;

	info.name = name;
	info.sender = strbuf_create(100);
	info.extract = 0;
	strbuf_printf(path, "%s/%s", MAIL_QUEUE_MAILDROP, name);
	if (lstat(strbuf_str(path), &lst) < 0) {
		if (errno != ENOENT)
			log_warn("lstat %s: %m", strbuf_str(path));
		goto out;
	}
	info.uid = lst.st_uid;
	if (!S_ISREG(lst.st_mode)) {
		result = pickup_corrupt(&info, "not a regular file");
		goto out;
	}
	if ((lst.st_mode & S_IRWXU) != S_IRWXU)
		goto out;			/* postdrop is still writing it */
	if ((fd = open(strbuf_str(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) < 0) {
		if (errno != ENOENT)
			log_warn("open %s: %m", strbuf_str(path));
		goto out;
	}
	if (fstat(fd, &fst) < 0)
		log_fatal("fstat %s: %m", strbuf_str(path));
	if (fst.st_dev != lst.st_dev || fst.st_ino != lst.st_ino) {
		log_warn("%s: replaced while being opened; skipped", strbuf_str(path));
		(void) close(fd);
		goto out;
	}
	st = iostream_fdopen(fd, O_RDONLY);
	if (fst.st_nlink != 1) {
		result = pickup_corrupt(&info, "file has more than one link");
		goto out;
	}
	if (pickup_check(st, &info, why) < 0) {
		result = pickup_corrupt(&info, strbuf_str(why));
		goto out;
	}
	if (iostream_seek(st, 0, SEEK_SET) < 0)
		log_fatal("seek %s: %m", strbuf_str(path));
	result = pickup_send(st, &info, strbuf_str(path));
out:
	if (st != NULL)
		(void) iostream_close(st);
	strbuf_free(&info.sender);
	strbuf_free(&path);
	strbuf_free(&why);
	return result;
}

/* pickup_scan - one pass over the maildrop directory */

static void
pickup_scan(void)
{
	DIR    *dir;
	struct dirent *ent;

	if ((dir = opendir(MAIL_QUEUE_MAILDROP)) == NULL) {
		log_warn("open directory %s: %m", MAIL_QUEUE_MAILDROP);
		return;
	}
	while ((ent = readdir(dir)) != NULL) {
		/* Dot files, and postdrop's names before the link. */
		if (ent->d_name[0] == '.' || strncmp(ent->d_name, "tmp.", 4) == 0)
			continue;
		service_watchdog_pat();
		if (pickup_file(ent->d_name) == PICKUP_RETRY)
			break;
	}
	(void) closedir(dir);
}

/* pickup_trigger - any wakeup means: look for work */

static void
pickup_trigger(const char *buf, size_t len, const SERVICE *svc)
{
	(void) buf;
	(void) len;
	(void) svc;
	pickup_scan();
}

/* main - hand over to the trigger skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "pickup",
		.model = SERVICE_TRIGGER,
		.trigger = pickup_trigger,
	};

	service_main(argc, argv, &spec);
}
