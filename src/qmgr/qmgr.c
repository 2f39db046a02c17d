/*
 * qmgr - the queue manager
 *
 * qmgr(8) moves complete queue files from the incoming queue (when
 * triggered) and the deferred queue (every $queue_run_delay, only files
 * whose mtime, the next-retry time, has come) into the active queue, hands
 * their recipients to delivery agents by transport and destination
 * under per-destination concurrency windows, and finishes each message
 * when every recipient has had its attempt (qmgr_message.c). It is a
 * trigger server: master(8) and the mail programs poke it with the
 * bytes of master_proto.h (W wakeup, I incoming, D deferred, A all,
 * ignoring retry times and defer_transports, F forget dead
 * destinations). All its work happens in the event loop's hook and
 * callbacks; it never waits for a delivery agent.
 *
 * Incoming and deferred take turns when both have mail ready.
 * The active set stays within $qmgr_message_active_limit messages and
 * $qmgr_message_recipient_limit recipients: while it is full no new
 * message is admitted (one message is always admitted into an empty
 * set, however many recipients it has). Files left in the active queue
 * by a previous qmgr are taken first.
 *
 * Security: runs as $mail_owner (master.cf unprivileged), chrooted or
 * not as master.cf says, with cwd = $queue_directory. Queue files come
 * from cleanup and are checked by qfile_read() before use; agent
 * replies are read with deliver_reply_read() under $qmgr_ipc_timeout.
 */

#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "argv.h"		/* util */
#include "events.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "mail_queue.h"		/* global */
#include "param.h"
#include "params_global.h"
#include "params_qmgr.h"
#include "queue_id.h"
#include "master_proto.h"	/* master */
#include "service.h"
#include "qmgr.h"

/* Messages admitted per loop round, so that events are not starved. */
#define QMGR_ADMIT_BATCH	100

/* Deepest hash subdirectory level a scan descends. */
#define QMGR_SCAN_DEPTH		16

/* One queue scan: a list of files, consumed a few at a time. */
typedef struct QMGR_SCAN {
	const char *queue;
	ARGV   *paths;			/* this pass; NULL: none */
	size_t	next;
	int	all;			/* this pass ignores retry times */
	int	pending;		/* another pass was requested */
	int	next_all;
} QMGR_SCAN;

static QMGR_SCAN qmgr_scan_active = {.queue = MAIL_QUEUE_ACTIVE};
static QMGR_SCAN qmgr_scan_incoming = {.queue = MAIL_QUEUE_INCOMING};
static QMGR_SCAN qmgr_scan_deferred = {.queue = MAIL_QUEUE_DEFERRED};

/* qmgr_scan_request - ask for a(nother) pass over a queue */

static void
qmgr_scan_request(QMGR_SCAN *scan, int all)
{
	scan->pending = 1;
	scan->next_all |= all;
}

/* qmgr_scan_dir - collect the file names under dir */

static void
qmgr_scan_dir(ARGV *paths, const char *dir, int depth)
{
	STRBUF *path = strbuf_create(100);
	struct dirent *dp;
	DIR    *dirp;

	if ((dirp = opendir(dir)) == NULL) {
		log_warn("open directory %s: %m", dir);
		strbuf_free(&path);
		return;
	}
	while ((dp = readdir(dirp)) != NULL) {
		if (queue_id_ok(dp->d_name)) {
			strbuf_printf(path, "%s/%s", dir, dp->d_name);
			argv_add(paths, strbuf_str(path));
		} else if (strlen(dp->d_name) == 1 && dp->d_name[0] != '.'
			   && depth < QMGR_SCAN_DEPTH) {
			strbuf_printf(path, "%s/%s", dir, dp->d_name);
			qmgr_scan_dir(paths, strbuf_str(path), depth + 1);
		}
	}
	(void) closedir(dirp);
	strbuf_free(&path);
}

/*
 * qmgr_scan_next - the next file of a queue that is ready, moved to
 * the active queue; its ID goes into id. Returns 0, or -1 when the pass
 * is over.
 */

static int
qmgr_scan_next(QMGR_SCAN *scan, STRBUF *id, int *all)
{
	STRBUF *why = strbuf_create(100);
	struct stat st;
	const char *path;
	const char *base;
	int	ret = -1;

	for (;;) {
		if (scan->paths == NULL || scan->next >= scan->paths->argc) {
			if (scan->paths)
				argv_free(&scan->paths);
			if (!scan->pending)
				break;
			scan->pending = 0;
			scan->all = scan->next_all;
			scan->next_all = 0;
			scan->next = 0;
			scan->paths = argv_create();
			qmgr_scan_dir(scan->paths, scan->queue, 0);
			continue;
		}
		path = scan->paths->argv[scan->next++];
		if (lstat(path, &st) < 0) {
			if (errno != ENOENT)
				log_warn("lstat %s: %m", path);
			continue;
		}
		if (!qmgr_scan_ready(scan->queue, st.st_mode, st.st_mtime,
				     event_time(), scan->all))
			continue;
		base = strrchr(path, '/');
		strbuf_set(id, base ? base + 1 : path);
		if (strcmp(scan->queue, MAIL_QUEUE_ACTIVE) != 0
		    && mail_queue_rename(strbuf_str(id), scan->queue,
					 MAIL_QUEUE_ACTIVE, why) < 0) {
			if (errno != ENOENT)
				log_warn("%s: move to queue %s: %s", strbuf_str(id),
					 MAIL_QUEUE_ACTIVE, strbuf_str(why));
			continue;
		}
		*all = scan->all;
		ret = 0;
		break;
	}
	strbuf_free(&why);
	return ret;
}

/* qmgr_room - may another message enter the active set? */

static int
qmgr_room(void)
{
	if (qmgr_message_count == 0)
		return 1;
	return qmgr_message_count < var_qmgr_message_active_limit
	    && qmgr_recipient_count < var_qmgr_message_recipient_limit;
}

/* qmgr_admit_one - take the next ready file of a queue; 1 if one */

static int
qmgr_admit_one(QMGR_SCAN *scan, STRBUF *id)
{
	int	all;

	if (!qmgr_room() || qmgr_scan_next(scan, id, &all) < 0)
		return 0;
	qmgr_message_load(strbuf_str(id), all);
	return 1;
}

/*
 * qmgr_admit - take up to a batch of messages; how many were taken.
 * Leftovers in the active queue come first; then incoming and deferred
 * take turns, as in Postfix, so that a flood of new mail does not
 * starve the retries.
 */

static int
qmgr_admit(void)
{
	STRBUF *id = strbuf_create(QUEUE_ID_SIZE);
	int	count = 0;
	int	got;

	while (count < QMGR_ADMIT_BATCH && qmgr_room()) {
		if (qmgr_admit_one(&qmgr_scan_active, id)) {
			count++;
			continue;
		}
		got = qmgr_admit_one(&qmgr_scan_incoming, id);
		got += qmgr_admit_one(&qmgr_scan_deferred, id);
		if (got == 0)
			break;
		count += got;
	}
	strbuf_free(&id);
	return count;
}

/* qmgr_deferred_timer - time for a deferred queue run */

static void
qmgr_deferred_timer(int unused_event, void *unused_context)
{
	qmgr_scan_request(&qmgr_scan_deferred, 0);
	event_request_timer(qmgr_deferred_timer, NULL,
			    var_queue_run_delay > INT_MAX / 1000 ? INT_MAX :
			    var_queue_run_delay * 1000);
}

/* qmgr_loop - admit, schedule, finish; how long the loop may sleep */

static int
qmgr_loop(const SERVICE *unused_svc)
{
	int	progress;

	/*
	 * Finishing messages makes room; starting deliveries may defer a
	 * whole message at once (dead or deferred transports), which then
	 * finishes too. Go round again without sleeping while that happens.
	 */
	progress = qmgr_message_finish_pending();
	progress += qmgr_admit();
	qmgr_deliver_schedule();
	progress += qmgr_message_finish_pending();
	return progress > 0 ? 0 : -1;
}

/* qmgr_trigger - the bytes of one trigger request */

static void
qmgr_trigger(const char *buf, size_t len, const SERVICE *unused_svc)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		switch (buf[i]) {
		case TRIGGER_REQ_WAKEUP:
		case TRIGGER_REQ_SCAN_INCOMING:
			qmgr_scan_request(&qmgr_scan_incoming, 0);
			break;
		case TRIGGER_REQ_SCAN_DEFERRED:
			qmgr_scan_request(&qmgr_scan_deferred, 0);
			break;
		case TRIGGER_REQ_SCAN_ALL:
			qmgr_scan_request(&qmgr_scan_incoming, 1);
			qmgr_scan_request(&qmgr_scan_deferred, 1);
			break;
		case TRIGGER_REQ_FLUSH_DEAD:
			qmgr_deliver_flush_dead();
			break;
		default:
			break;
		}
	}
}

/* qmgr_post_jail - first scans */

static void
qmgr_post_jail(const SERVICE *unused_svc)
{
	qmgr_scan_request(&qmgr_scan_active, 0);
	qmgr_scan_request(&qmgr_scan_incoming, 0);
	qmgr_deferred_timer(EVENT_TIMER, NULL);
}

/* main - the skeleton does the rest */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "qmgr",
		.model = SERVICE_TRIGGER,
		.param_groups = PARAM_GROUP_QMGR,
		.flags = SERVICE_FLAG_SOLITARY | SERVICE_FLAG_UNLIMITED,
		.post_jail = qmgr_post_jail,
		.trigger = qmgr_trigger,
		.loop = qmgr_loop,
		.watchdog_timeout = &var_qmgr_daemon_timeout,
	};

	service_main(argc, argv, &spec);
}
