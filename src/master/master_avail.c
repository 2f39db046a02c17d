/*
 * master_avail.c - when master watches a service's endpoints
 *
 * While a process of the service is available, it watches the
 * endpoints itself and master stays out of the way. When none is, and
 * the service is below its process limit and not throttled, master
 * watches them; a client arriving there means a new process is needed.
 * Everything that changes the counts comes through here, so the rule
 * is applied in one place.
 */

#include "sysdeps.h"

#include "events.h"		/* util */
#include "log.h"
#include "master.h"

/* Warn about a full inet service at most this often (seconds). */
#define MASTER_BUSY_WARN_INTERVAL	1000

/* master_avail_event - a client waits and no process is available */

static void
master_avail_event(int unused_event, void *context)
{
	MASTER_SERV *serv = context;

	/* The state may have changed since the event was collected. */
	if (master_avail_want_listen(serv))
		master_spawn(serv);
}

/* master_avail_want_listen - the policy */

int
master_avail_want_listen(const MASTER_SERV *serv)
{
	if (MASTER_THROTTLED(serv) || serv->avail_proc > 0)
		return 0;
	return MASTER_LIMIT_OK(serv->max_proc, serv->total_proc);
}

/* master_avail_warn_busy - an inet service is at its process limit */

static void
master_avail_warn_busy(MASTER_SERV *serv)
{
	static time_t last_warn;
	time_t	now = event_time();

	if (serv->type != MASTER_TYPE_INET || MASTER_THROTTLED(serv)
	    || serv->avail_proc > 0 || last_warn > now - MASTER_BUSY_WARN_INTERVAL)
		return;
	last_warn = now;
	log_warn("service \"%s\" (%s) has reached its process limit \"%d\": "
		 "new clients may experience noticeable delays",
		 serv->ext_name, serv->name, serv->max_proc);
	log_warn("to avoid this condition, increase the process count "
		 "in master.cf or reduce the service time per client");
}

/* master_avail_listen - apply the policy to the event registrations */

void
master_avail_listen(MASTER_SERV *serv)
{
	int	want = master_avail_want_listen(serv);
	int	n;

	if (log_verbose)
		log_info("master_avail_listen: %s avail %d total %d max %d%s",
			 serv->name, serv->avail_proc, serv->total_proc,
			 serv->max_proc, MASTER_THROTTLED(serv) ? " throttled" : "");
	if (want && !MASTER_LISTENING(serv)) {
		for (n = 0; n < serv->listen_count; n++)
			if (serv->listen_fd[n] >= 0)
				event_enable_read(serv->listen_fd[n],
						  master_avail_event, serv);
		serv->flags |= MASTER_FLAG_LISTEN;
	} else if (!want && MASTER_LISTENING(serv)) {
		for (n = 0; n < serv->listen_count; n++)
			if (serv->listen_fd[n] >= 0)
				event_disable_readwrite(serv->listen_fd[n]);
		serv->flags &= ~MASTER_FLAG_LISTEN;
	}
	if (!want && !MASTER_LIMIT_OK(serv->max_proc, serv->total_proc))
		master_avail_warn_busy(serv);
}

/* master_avail_more - a process became available */

void
master_avail_more(MASTER_SERV *serv, MASTER_PROC *proc)
{
	if (proc->avail == MASTER_STAT_AVAIL)
		log_panic("master_avail_more: pid %ld is already available",
			  (long) proc->pid);
	serv->avail_proc++;
	proc->avail = MASTER_STAT_AVAIL;
	master_avail_listen(serv);
}

/* master_avail_less - a process became busy (or is gone) */

void
master_avail_less(MASTER_SERV *serv, MASTER_PROC *proc)
{
	if (proc->avail != MASTER_STAT_AVAIL)
		log_panic("master_avail_less: pid %ld is not available",
			  (long) proc->pid);
	serv->avail_proc--;
	proc->avail = MASTER_STAT_TAKEN;
	master_avail_listen(serv);
}

/* master_avail_cleanup - the service stops: end its processes */

void
master_avail_cleanup(MASTER_SERV *serv)
{
	int	n;

	master_delete_children(serv);
	if (MASTER_LISTENING(serv)) {
		for (n = 0; n < serv->listen_count; n++)
			if (serv->listen_fd[n] >= 0)
				event_disable_readwrite(serv->listen_fd[n]);
		serv->flags &= ~MASTER_FLAG_LISTEN;
	}
}
