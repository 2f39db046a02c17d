/*
 * postsuper - queue maintenance for the super-user
 *
 * Operations, in Postfix's order: first the whole-queue passes (-s
 * structure check and repair, -p purge of old temporary files, and the
 * "ALL" forms of -d, -r, -h and -H), then the operations on named
 * queue IDs (-d, -r, -h, -H, each ID given as an argument or, for "-",
 * one per line on standard input). Without any option postsuper does
 * -s and -p. Queue directory arguments replace each operation's
 * default queues. Each message acted on is logged ("ID: removed",
 * "ID: placed on hold", "ID: released from hold", "ID: requeued") and
 * the totals go to standard error and the log ("Deleted: 2 messages").
 *
 *	-d	removes the message from hold, incoming, active or
 *		deferred, after its bounce, defer and trace logs. As in
 *		Postfix, a message in the active queue is removed at once:
 *		a delivery agent that still has it open finishes its
 *		attempt, and the queue manager finds the file gone.
 *	-h	moves a message from incoming, active or deferred to hold;
 *		-H moves it from hold to deferred.
 *	-r	requeues a message (hold, incoming, active, deferred)
 *		through the maildrop queue, so that pickup(8) and cleanup(8)
 *		process it again (rewriting, content_filter). Our pickup
 *		reads maildrop files only, so the queue file is converted:
 *		arrival time, sender, DSN fields, the recipients not yet
 *		done and the content go into a new maildrop file, then the
 *		queue file and its defer log are removed.
 *		XXX issue 6: original recipients (O records) and the
 *		client attributes are not carried over; the message is
 *		rewritten in the "local" context.
 *	-s	moves files to the hash subdirectory that hash_queue_names
 *		and hash_queue_depth want, removes hash subdirectories that
 *		are no longer needed and non-file objects, and renames
 *		short-ID message files whose name does not match their inode
 *		number (after a restore), with their logs; the operations
 *		by queue ID are then refused, as in Postfix.
 *	-p	removes message files that are not ready (owner execute bit
 *		clear) and more than a day old: debris of a crash while a
 *		file was being written.
 *
 * Security: root only, and it gives that up (for $mail_owner) as soon as
 * main.cf is read and it is in the queue directory, as Postfix does: a
 * compromised queue then cannot trick it into damage elsewhere, and the
 * files and directories it creates belong to the mail system.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mail_queue.h"		/* global */
#include "mainconf.h"
#include "maillog_client.h"
#include "param.h"
#include "params_global.h"
#include "qfile.h"
#include "queue_id.h"
#include "queue_scan.h"
#include "rec.h"
#include "showq_proto.h"
#include "master_proto.h"	/* master */
#include "trigger_send.h"

/* A message file older than this that is not ready is debris (Postfix's). */
#define PS_TEMP_AGE	(60 * 60 * 24)

/* Whole-queue actions. */
#define PS_STRUCT	(1 << 0)	/* -s */
#define PS_PURGE	(1 << 1)	/* -p */
#define PS_DELETE_ALL	(1 << 2)	/* -d ALL */
#define PS_REQUEUE_ALL	(1 << 3)	/* -r ALL */
#define PS_HOLD_ALL	(1 << 4)	/* -h ALL */
#define PS_RELEASE_ALL	(1 << 5)	/* -H ALL */

#define PS_USAGE "usage: postsuper [-c config_dir] [-d queue_id (delete)] " \
	"[-h queue_id (hold)] [-H queue_id (un-hold)] " \
	"[-p (purge temporary files)] [-r queue_id (requeue)] " \
	"[-s (structure fix)] [-S (redundant structure fix)] " \
	"[-v (verbose)] [queue...]"

/* Which queues hold messages (the others hold logs). */
static const char *ps_message_queues[] = {
	MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
	MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD, NULL,
};

/* Logs that belong to a message. */
static const char *ps_log_queues[] = {
	MAIL_QUEUE_BOUNCE, MAIL_QUEUE_DEFER, MAIL_QUEUE_TRACE, NULL,
};

/* The log that a requeued message leaves behind. */
static const char *ps_defer_log[] = {
	MAIL_QUEUE_DEFER, NULL,
};

/* Defaults, as postsuper(1) documents them. Logs first, for -s. */
static const char *ps_all_queues[] = {
	MAIL_QUEUE_DEFER, MAIL_QUEUE_BOUNCE, MAIL_QUEUE_TRACE,
	MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
	MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD, MAIL_QUEUE_FLUSH, NULL,
};
static const char *ps_delete_queues[] = {
	MAIL_QUEUE_HOLD, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
	MAIL_QUEUE_DEFERRED, NULL,
};
static const char *ps_hold_queues[] = {
	MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED, NULL,
};
static const char *ps_release_queues[] = {
	MAIL_QUEUE_HOLD, NULL,
};

/* What was done, for the report. */
static int ps_deleted;
static int ps_requeued;
static int ps_held;
static int ps_released;
static int ps_inode_fixed;
static int ps_misplaced;

/* ps_in_list - is name in a NULL-terminated list */

static int
ps_in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* ps_is_message_queue - does queue hold message files */

static int
ps_is_message_queue(const char *queue)
{
	return ps_in_list(ps_message_queues, queue);
}

/* ps_ready - is a message file complete */

static int
ps_ready(const struct stat *st)
{
	return S_ISREG(st->st_mode)
		&& (st->st_mode & SHOWQ_MODE_READY) == SHOWQ_MODE_READY;
}

/* ps_remove - remove a file; 0, or -1 (ENOENT quietly, else fatal) */

static int
ps_remove(const char *path)
{
	if (unlink(path) < 0) {
		if (errno != ENOENT)
			log_fatal("remove file %s: %m", path);
		return -1;
	}
	if (log_verbose)
		log_info("removed file %s", path);
	return 0;
}

/* ps_mkdirs - create the hash levels of a queue directory path */

static int
ps_mkdirs(const char *dir)
{
	char   *copy = xstrdup(dir);
	char   *cp = strchr(copy, '/');
	int     ret = 0;

	/* The queue directory itself exists; only its subdirectories may not. */
	while (ret == 0 && cp != NULL) {
		cp = strchr(cp + 1, '/');
		if (cp)
			*cp = 0;
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			ret = -1;
		if (cp)
			*cp = '/';
	}
	xfree(copy);
	return ret;
}

/*
 * ps_move - move the file at old_path to queue/id (hash levels made as
 * needed). Returns 0, or -1 when old_path is gone; other errors are
 * fatal, as in Postfix: the queue is not in a state to go on with.
 * link() and unlink() rather than rename(), so that an existing file
 * of that name is never replaced.
 */

static int
ps_move(const char *old_path, const char *queue, const char *id)
{
	STRBUF *dir = strbuf_create(100);
	STRBUF *path = strbuf_create(100);
	int     ret = -1;

	if (mail_queue_dir(dir, queue, id) < 0)
		log_panic("ps_move: bad queue %s or ID %s", queue, id);
	strbuf_printf(path, "%s/%s", strbuf_str(dir), id);
	if (strcmp(old_path, strbuf_str(path)) == 0) {
		ret = 0;
	} else if (link(old_path, strbuf_str(path)) == 0
		   || (errno == ENOENT && access(old_path, F_OK) == 0
		       && ps_mkdirs(strbuf_str(dir)) == 0
		       && link(old_path, strbuf_str(path)) == 0)) {
		if (unlink(old_path) < 0 && errno != ENOENT)
			log_fatal("remove file %s: %m", old_path);
		if (log_verbose)
			log_info("renamed file %s as %s", old_path, strbuf_str(path));
		ret = 0;
	} else if (errno != ENOENT) {
		log_fatal("rename file %s as %s: %m", old_path, strbuf_str(path));
	}
	strbuf_free(&dir);
	strbuf_free(&path);
	return ret;
}

/* ps_find - the path of message id in one of queues, and which queue */

static const char *
ps_find(const char *const *queues, const char *id, STRBUF *path,
	struct stat *st)
{
	for (; *queues; queues++) {
		if (!ps_is_message_queue(*queues))
			continue;
		if (mail_queue_path(path, *queues, id) < 0)
			continue;
		if (lstat(strbuf_str(path), st) == 0 && ps_ready(st))
			return *queues;
	}
	return NULL;
}

/* ps_remove_logs - remove the bounce, defer and trace logs of a message */

static void
ps_remove_logs(const char *id, const char *const *which)
{
	STRBUF *path = strbuf_create(100);

	for (; *which; which++)
		if (mail_queue_path(path, *which, id) == 0)
			(void) ps_remove(strbuf_str(path));
	strbuf_free(&path);
}

/* ps_delete_one - postsuper -d queue_id */

static int
ps_delete_one(const char *const *queues, const char *id)
{
	STRBUF *path = strbuf_create(100);
	struct stat st;
	int     found = 0;
	int     tries;

	/*
	 * Logs first, and only when the message exists, as Postfix does.
	 * With dont_remove the queue file goes to the saved queue instead.
	 */
	for (tries = 0; !found && tries < 2; tries++) {
		if (ps_find(queues, id, path, &st) == NULL)
			break;
		ps_remove_logs(id, ps_log_queues);
		if (var_dont_remove ? ps_move(strbuf_str(path), MAIL_QUEUE_SAVED,
					      id) == 0
		    : ps_remove(strbuf_str(path)) == 0) {
			log_info("%s: removed", id);
			found = 1;
		}					/* else: lost a race */
	}
	strbuf_free(&path);
	return found;
}

/* ps_hold_one - postsuper -h queue_id */

static int
ps_hold_one(const char *const *queues, const char *id)
{
	STRBUF *path = strbuf_create(100);
	const char *const *qp;
	struct stat st;
	const char *one[2];
	int     found = 0;

	/* Never maildrop: it holds mail that cleanup has not seen yet. */
	for (qp = queues; !found && *qp; qp++) {
		if (strcmp(*qp, MAIL_QUEUE_MAILDROP) == 0
		    || strcmp(*qp, MAIL_QUEUE_HOLD) == 0)
			continue;
		one[0] = *qp;
		one[1] = NULL;
		if (ps_find(one, id, path, &st) != NULL
		    && ps_move(strbuf_str(path), MAIL_QUEUE_HOLD, id) == 0) {
			log_info("%s: placed on hold", id);
			found = 1;
		}
	}
	strbuf_free(&path);
	return found;
}

/* ps_release_one - postsuper -H queue_id */

static int
ps_release_one(const char *const *queues, const char *id)
{
	STRBUF *path = strbuf_create(100);
	struct stat st;
	const char *hold[] = {MAIL_QUEUE_HOLD, NULL};
	int     found = 0;

	if (ps_in_list(queues, MAIL_QUEUE_HOLD)
	    && ps_find(hold, id, path, &st) != NULL
	    && ps_move(strbuf_str(path), MAIL_QUEUE_DEFERRED, id) == 0) {
		log_info("%s: released from hold", id);
		found = 1;
	}
	strbuf_free(&path);
	return found;
}

/*
 * ps_convert - write the maildrop form of the queue file on in to out.
 * Returns 0, or -1 with the reason in why.
 */

static int
ps_convert(IOSTREAM *in, IOSTREAM *out, STRBUF *why)
{
	size_t  limit = QFILE_REC_LIMIT(var_line_length_limit);
	STRBUF *buf = strbuf_create(100);
	QFILE  *q;
	int     i;
	int     pass;
	int     type;
	int     ret = -1;

	if ((q = qfile_read(in, limit, 0, why)) == NULL)
		goto out;
	rec_printf(out, REC_TYPE_TIME, "%ld %ld", q->arrival_sec, q->arrival_usec);
	if (q->dsn_ret)
		rec_printf(out, REC_TYPE_DSN_RET, "%d", q->dsn_ret);
	if (q->dsn_envid)
		rec_puts(out, REC_TYPE_DSN_ENVID, q->dsn_envid);
	if (q->fullname)
		rec_puts(out, REC_TYPE_FULL, q->fullname);
	rec_puts(out, REC_TYPE_FROM, q->sender);
	/* Recipients still to do, from the envelope and from the headers. */
	for (pass = 0; pass < 2; pass++) {
		QFILE_RCPT *r = pass ? q->xrcpts : q->rcpts;
		int     n = pass ? q->xrcpt_count : q->rcpt_count;

		for (i = 0; i < n; i++) {
			if (r[i].done)
				continue;
			if (r[i].dsn_orcpt)
				rec_puts(out, REC_TYPE_DSN_ORCPT, r[i].dsn_orcpt);
			if (r[i].dsn_notify)
				rec_printf(out, REC_TYPE_DSN_NOTIFY, "%d", r[i].dsn_notify);
			rec_puts(out, REC_TYPE_RCPT, r[i].address);
		}
	}
	rec_puts(out, REC_TYPE_MESG, "");
	/* The content records, as they are, up to the extracted section. */
	if (iostream_seek(in, (off_t) q->size[QFILE_SIZE_DATA_OFFSET], SEEK_SET) < 0) {
		strbuf_printf(why, "seek: %s", strerror(errno));
		goto out;
	}
	while ((type = rec_get(in, buf, limit, why)) == REC_TYPE_NORM
	       || type == REC_TYPE_CONT || type == REC_TYPE_DTXT)
		if (type != REC_TYPE_DTXT)
			(void) rec_put(out, type, strbuf_str(buf), strbuf_len(buf));
	if (type != REC_TYPE_XTRA) {
		if (type >= 0 || strbuf_len(why) == 0)
			strbuf_set(why, "content does not end in an extracted section");
		goto out;
	}
	rec_puts(out, REC_TYPE_XTRA, "");
	rec_puts(out, REC_TYPE_END, "");
	ret = 0;
out:
	if (q != NULL)
		qfile_free(q);
	strbuf_free(&buf);
	return ret;
}

/* ps_requeue_file - requeue the message at path; 0 or -1 (logged) */

static int
ps_requeue_file(const char *path, const char *id)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *new_id = strbuf_create(40);
	STRBUF *new_path = strbuf_create(100);
	IOSTREAM *in = NULL;
	IOSTREAM *out = NULL;
	int     in_fd;
	int     out_fd;
	int     ret = -1;

	if ((in_fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0) {
		if (errno != ENOENT)
			log_warn("open %s: %m", path);
		goto done;
	}
	in = iostream_fdopen(in_fd, O_RDONLY);
	if ((out_fd = mail_queue_create(MAIL_QUEUE_MAILDROP, var_enable_long_queue_ids,
					new_id, new_path, why)) < 0) {
		log_warn("%s: %s", id, strbuf_str(why));
		goto done;
	}
	out = iostream_fdopen(out_fd, O_WRONLY);
	if (ps_convert(in, out, why) < 0) {
		log_warn("%s: cannot requeue %s: %s", id, path, strbuf_str(why));
		(void) iostream_close(out);
		out = NULL;
		(void) unlink(strbuf_str(new_path));
		goto done;
	}
	/* Durable first; only then does pickup see it (owner execute bit). */
	if (iostream_flush(out) != 0 || fsync(out_fd) < 0 || fchmod(out_fd, 0744) < 0
	    || iostream_close(out) != 0) {
		log_warn("%s: write %s: %m", id, strbuf_str(new_path));
		if (out != NULL)
			(void) iostream_close(out);
		out = NULL;
		(void) unlink(strbuf_str(new_path));
		goto done;
	}
	out = NULL;
	if (ps_remove(path) < 0) {
		/* Gone meanwhile (delivered or deleted): drop our copy. */
		(void) unlink(strbuf_str(new_path));
		goto done;
	}
	/* Its deferral reasons are about recipients that start afresh now. */
	ps_remove_logs(id, ps_defer_log);
	log_info("%s: requeued", id);
	ret = 0;
done:
	if (in != NULL)
		(void) iostream_close(in);
	strbuf_free(&why);
	strbuf_free(&new_id);
	strbuf_free(&new_path);
	return ret;
}

/* ps_requeue_one - postsuper -r queue_id */

static int
ps_requeue_one(const char *const *queues, const char *id)
{
	STRBUF *path = strbuf_create(100);
	const char *const *qp;
	const char *one[2];
	struct stat st;
	int     found = 0;

	for (qp = queues; !found && *qp; qp++) {
		if (strcmp(*qp, MAIL_QUEUE_MAILDROP) == 0)
			continue;
		one[0] = *qp;
		one[1] = NULL;
		if (ps_find(one, id, path, &st) != NULL
		    && ps_requeue_file(strbuf_str(path), id) == 0)
			found = 1;
	}
	strbuf_free(&path);
	return found;
}

/* ps_fix_inode - rename a short-ID file (and logs) to match its inode */

static int
ps_fix_inode(const char *path, const char *queue, const char *id,
	     const struct stat *st)
{
	STRBUF *hash = strbuf_create(10);
	STRBUF *log_path = strbuf_create(100);
	char    new_id[QUEUE_ID_SIZE];
	const char *const *lq;
	long    usec;
	char   *end;

	if (queue_id_hash_chars(id, hash) < 0)
		log_panic("ps_fix_inode: bad ID %s", id);
	usec = strtol(strbuf_str(hash), &end, 16);
	strbuf_free(&hash);
	/* Five hex digits can exceed 999999 only in a forged name. */
	if (*end != 0 || usec < 0 || usec > 999999) {
		log_warn("bogus file name: %s", path);
		strbuf_free(&log_path);
		return -1;
	}
	queue_id_make(new_id, sizeof(new_id), 0, usec, (unsigned long) st->st_ino, 0);
	/* Logs before the message, so that a rerun finds them. */
	for (lq = ps_log_queues; *lq; lq++)
		if (mail_queue_path(log_path, *lq, id) == 0
		    && access(strbuf_str(log_path), F_OK) == 0)
			(void) ps_move(strbuf_str(log_path), *lq, new_id);
	strbuf_free(&log_path);
	if (ps_move(path, queue, new_id) < 0)
		return -1;
	log_info("%s: renamed to %s to match its inode number", id, new_id);
	return 0;
}

/* ps_inode_mismatch - does a short ID name another inode */

static int
ps_inode_mismatch(const char *id, const struct stat *st)
{
	char    want[QUEUE_ID_SIZE];
	STRBUF *hash;
	long    usec;
	char   *end;
	int     ret;

	if (queue_id_is_long(id))
		return 0;			/* long IDs never repeat */
	hash = strbuf_create(10);
	if (queue_id_hash_chars(id, hash) < 0) {
		strbuf_free(&hash);
		return 0;
	}
	usec = strtol(strbuf_str(hash), &end, 16);
	ret = 0;
	if (*end == 0 && usec >= 0 && usec <= 999999) {
		queue_id_make(want, sizeof(want), 0, usec, (unsigned long) st->st_ino, 0);
		ret = (strcmp(want, id) != 0);
	}
	strbuf_free(&hash);
	return ret;
}

/* ps_super - the whole-queue pass over one queue */

static void
ps_super(const char *queue, int action)
{
	STRBUF *path = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	QUEUE_SCAN *scan;
	const char *name;
	char   *id;
	struct stat st;
	int     message_queue = ps_is_message_queue(queue);
	time_t  now = time(NULL);

	if (!mail_queue_name_ok(queue))
		log_fatal_status(EX_USAGE, "invalid directory name: %s", queue);
	if ((scan = queue_scan_open(queue)) == NULL) {
		if (errno != ENOENT)
			log_warn("open directory %s: %m", queue);
		goto out;
	}
	while ((name = queue_scan_next(scan, path)) != NULL) {
		id = xstrdup(name);
		if (lstat(strbuf_str(path), &st) < 0) {
			xfree(id);
			continue;
		}
		/* Mass deletion counts the mail that we took responsibility for. */
		if (action & PS_DELETE_ALL) {
			if (ps_remove(strbuf_str(path)) == 0 && message_queue && ps_ready(&st))
				ps_deleted++;
			xfree(id);
			continue;
		}
		/* Non-files, and debris of crashed writers. */
		if (!S_ISREG(st.st_mode)
		    || ((action & PS_PURGE) && message_queue && !ps_ready(&st)
			&& now > st.st_mtime + PS_TEMP_AGE)) {
			if (S_ISDIR(st.st_mode)) {
				if (rmdir(strbuf_str(path)) < 0 && errno != ENOENT)
					log_warn("remove subdirectory %s: %m", strbuf_str(path));
			} else {
				(void) ps_remove(strbuf_str(path));
			}
			xfree(id);
			continue;
		}
		/* flush(8) logs are named by site, not by queue ID. */
		if (strcmp(queue, MAIL_QUEUE_FLUSH) == 0) {
			xfree(id);
			continue;
		}
		if (!queue_id_ok(id)) {
			if (action & PS_STRUCT)
				log_warn("bogus file name: %s", strbuf_str(path));
			xfree(id);
			continue;
		}
		if ((action & PS_STRUCT) && message_queue && ps_ready(&st)
		    && ps_inode_mismatch(id, &st)) {
			if (ps_fix_inode(strbuf_str(path), queue, id, &st) == 0)
				ps_inode_fixed++;
			xfree(id);
			continue;
		}
		if ((action & PS_REQUEUE_ALL) && message_queue && ps_ready(&st)
		    && strcmp(queue, MAIL_QUEUE_MAILDROP) != 0) {
			if (ps_requeue_file(strbuf_str(path), id) == 0)
				ps_requeued++;
			xfree(id);
			continue;
		}
		if ((action & PS_HOLD_ALL) && message_queue && ps_ready(&st)
		    && strcmp(queue, MAIL_QUEUE_MAILDROP) != 0
		    && strcmp(queue, MAIL_QUEUE_HOLD) != 0) {
			if (ps_move(strbuf_str(path), MAIL_QUEUE_HOLD, id) == 0) {
				log_info("%s: placed on hold", id);
				ps_held++;
			}
			xfree(id);
			continue;
		}
		if ((action & PS_RELEASE_ALL) && strcmp(queue, MAIL_QUEUE_HOLD) == 0
		    && ps_ready(&st)) {
			if (ps_move(strbuf_str(path), MAIL_QUEUE_DEFERRED, id) == 0) {
				log_info("%s: released from hold", id);
				ps_released++;
			}
			xfree(id);
			continue;
		}
		/* In the hash subdirectory the settings want? */
		if ((action & PS_STRUCT) && mail_queue_path(want, queue, id) == 0
		    && strcmp(strbuf_str(want), strbuf_str(path)) != 0) {
			if (ps_move(strbuf_str(path), queue, id) == 0)
				ps_misplaced++;
		}
		xfree(id);
	}
	queue_scan_close(scan);
	if (action & PS_STRUCT)
		(void) queue_scan_prune(queue, mail_queue_hashed(queue) ?
					var_hash_queue_depth : 0);
out:
	strbuf_free(&path);
	strbuf_free(&want);
}

/* ps_by_id - apply an operation to named IDs ("-": read them from stdin) */

static int
ps_by_id(ARGV *ids, const char *const *queues,
	 int (*op)(const char *const *, const char *))
{
	STRBUF *line;
	IOSTREAM *in;
	size_t  i;
	int     count = 0;
	int     status;
	char   *id;

	for (i = 0; i < ids->argc; i++) {
		if (strcmp(ids->argv[i], "ALL") == 0)
			continue;
		if (strcmp(ids->argv[i], "-") != 0) {
			if (!queue_id_ok(ids->argv[i]))
				log_warn("invalid mail queue id: %s", ids->argv[i]);
			else
				count += op(queues, ids->argv[i]);
			continue;
		}
		line = strbuf_create(100);
		in = iostream_fdopen(STDIN_FILENO, O_RDONLY);
		while ((status = iostream_get_line(in, line, 1000, 0)) != IOS_EOF) {
			if (status == IOS_LINE_MORE)
				continue;		/* the rest of a silly line */
			id = str_trim(strbuf_str(line));
			if (*id == 0)
				continue;
			if (!queue_id_ok(id))
				log_warn("invalid mail queue id: %s", id);
			else
				count += op(queues, id);
		}
		(void) iostream_fdclose(in);
		strbuf_free(&line);
	}
	return count;
}

/* ps_become_owner - give up root for $mail_owner, for good */

static void
ps_become_owner(void)
{
	struct passwd *pw;

	if ((pw = getpwnam(var_mail_owner)) == NULL)
		log_fatal("unknown mail_owner user: %s", var_mail_owner);
	if (pw->pw_uid == 0)
		log_fatal("mail_owner %s must not be the super-user", var_mail_owner);
	if (setgroups(1, &pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0
	    || setuid(pw->pw_uid) < 0)
		log_fatal("change to user %s: %m", var_mail_owner);
}

/* ps_report - counts on stderr and in the log, in Postfix's words */

static void
ps_report(const char *what, int count)
{
	if (count > 0)
		log_info("%s: %d message%s", what, count, count > 1 ? "s" : "");
}

/* main - parse the command line and do what it says */

int
main(int argc, char **argv)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *delete_ids = argv_create();
	ARGV   *requeue_ids = argv_create();
	ARGV   *hold_ids = argv_create();
	ARGV   *release_ids = argv_create();
	const char *const *queues;
	const char *const *arg_queues = NULL;
	char   *pickup;
	int     action = 0;
	int     by_id = 0;
	int     config_set = 0;
	int     fd;
	int     ch;
	int     i;

	umask(022);
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EX_OSERR);
	log_init("postsuper", LOG_DEST_STDERR | LOG_DEST_SYSLOG);
	if (getuid() != 0)
		log_fatal_status(EX_NOPERM, "use of this command is reserved for the superuser");
	if (geteuid() != getuid() || getegid() != getgid())
		log_fatal("this postfix command must not run as a set-uid process");

	while ((ch = getopt(argc, argv, "c:d:h:H:pr:sSv")) > 0) {
		switch (ch) {
		case 'c':
			if (*optarg != '/')
				log_fatal_status(EX_USAGE, "-c requires absolute pathname");
			mainconf_set_dir(optarg);
			config_set = 1;
			break;
		case 'd':
			argv_add(delete_ids, optarg);
			if (strcmp(optarg, "ALL") == 0)
				action |= PS_DELETE_ALL;
			else
				by_id = 1;
			break;
		case 'h':
			argv_add(hold_ids, optarg);
			if (strcmp(optarg, "ALL") == 0)
				action |= PS_HOLD_ALL;
			else
				by_id = 1;
			break;
		case 'H':
			argv_add(release_ids, optarg);
			if (strcmp(optarg, "ALL") == 0)
				action |= PS_RELEASE_ALL;
			else
				by_id = 1;
			break;
		case 'p':
			action |= PS_PURGE;
			break;
		case 'r':
			argv_add(requeue_ids, optarg);
			if (strcmp(optarg, "ALL") == 0)
				action |= PS_REQUEUE_ALL;
			else
				by_id = 1;
			break;
		case 'S':			/* long IDs never repeat: as -s here */
		case 's':
			action |= PS_STRUCT;
			break;
		case 'v':
			log_verbose++;
			break;
		default:
			log_fatal_status(EX_USAGE, PS_USAGE);
		}
	}
	if (argc > optind) {
		for (i = optind; i < argc; i++)
			if (!mail_queue_name_ok(argv[i]))
				log_fatal_status(EX_USAGE, "invalid directory name: %s", argv[i]);
		arg_queues = (const char *const *) argv + optind;
	}

	/* Only root gets here, so MAIL_CONFIG is trusted. */
	if (!config_set)
		(void) mainconf_set_dir_env();
	if (mainconf_read(0, why) < 0)
		log_fatal_status(EX_CONFIG, "%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);
	(void) maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why);
	if (chdir(var_queue_directory) < 0)
		log_fatal("chdir %s: %m", var_queue_directory);
	ps_become_owner();
	signal(SIGPIPE, SIG_IGN);

	/* One "ALL" makes the named IDs of the same option pointless. */
	if ((action & PS_DELETE_ALL) && delete_ids->argc > 1)
		log_warn("option \"-d ALL\" will ignore other command line queue IDs");
	if ((action & PS_REQUEUE_ALL) && requeue_ids->argc > 1)
		log_warn("option \"-r ALL\" will ignore other command line queue IDs");
	if ((action & PS_HOLD_ALL) && hold_ids->argc > 1)
		log_warn("option \"-h ALL\" will ignore other command line queue IDs");
	if ((action & PS_RELEASE_ALL) && release_ids->argc > 1)
		log_warn("option \"-H ALL\" will ignore other command line queue IDs");
	if (action == 0 && !by_id)
		action = PS_STRUCT | PS_PURGE;

	/* Whole-queue work first, so that files are where the IDs say. */
	if (action) {
		if (arg_queues)
			queues = arg_queues;
		else if (action == PS_HOLD_ALL)
			queues = ps_hold_queues;
		else if (action == PS_RELEASE_ALL)
			queues = ps_release_queues;
		else
			queues = ps_all_queues;
		for (; *queues; queues++)
			ps_super(*queues, action);
	}
	if (by_id && ps_inode_fixed > 0) {
		log_error("QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
		log_fatal("CHECK YOUR QUEUE IDS AND RE-ISSUE THE COMMAND");
	}
	if (!(action & PS_DELETE_ALL))
		ps_deleted += ps_by_id(delete_ids, arg_queues ? arg_queues
				       : ps_delete_queues, ps_delete_one);
	if (!(action & PS_REQUEUE_ALL))
		ps_requeued += ps_by_id(requeue_ids, arg_queues ? arg_queues
					: ps_delete_queues, ps_requeue_one);
	if (!(action & PS_HOLD_ALL))
		ps_held += ps_by_id(hold_ids, arg_queues ? arg_queues
				    : ps_hold_queues, ps_hold_one);
	if (!(action & PS_RELEASE_ALL))
		ps_released += ps_by_id(release_ids, arg_queues ? arg_queues
					: ps_release_queues, ps_release_one);

	/* Requeued mail waits in maildrop: tell pickup (a courtesy). */
	if (ps_requeued > 0) {
		pickup = str_concat("public/", var_pickup_service_name,
				    (char *) 0);
		(void) trigger_send(MASTER_TYPE_UNIX, pickup, "W", 1,
				    var_trigger_timeout, why);
		xfree(pickup);
	}

	ps_report("Requeued", ps_requeued);
	ps_report("Deleted", ps_deleted);
	ps_report("Placed on hold", ps_held);
	ps_report("Released from hold", ps_released);
	ps_report("Renamed to match inode number", ps_inode_fixed);
	if (ps_inode_fixed > 0)
		log_warn("QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
	if (ps_misplaced > 0 && log_verbose)
		log_info("moved %d file%s to the right hash subdirectory",
			 ps_misplaced, ps_misplaced > 1 ? "s" : "");
	argv_free(&delete_ids);
	argv_free(&requeue_ids);
	argv_free(&hold_ids);
	argv_free(&release_ids);
	strbuf_free(&why);
	exit(0);
}
