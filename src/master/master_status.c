/*
 * master_status.c - the status stream between a service and master
 *
 * One socketpair per service: master reads end 0, every child writes
 * its records to its copy of end 1. A socketpair rather than a pipe, so
 * that a child can watch its end for readability: it turns readable
 * (end of file) when master closes its ends, which is how master tells
 * the processes of a service to finish after a reload, or when master
 * dies. A reload gives the service a new pair; reports that were still
 * on the old one are lost, which is fine: its processes are on their
 * way out.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "log.h"
#include "master.h"

/* master_status_apply - one report from a child */

void
master_status_apply(MASTER_SERV *serv, const MASTER_STATUS *stat)
{
	MASTER_PROC *proc;

	/* A child may die before master reads what it wrote: no problem. */
	if ((proc = master_proc_find((pid_t) stat->pid)) == NULL) {
		if (log_verbose)
			log_info("master_status: process id not found: %ld",
				 stat->pid);
		return;
	}
	if (proc->gen != stat->gen) {
		log_info("ignoring status update from child pid %ld generation %u",
			 stat->pid, stat->gen);
		return;
	}
	if (proc->serv != serv)
		log_panic("master_status: pid %ld reports on the wrong service",
			  stat->pid);

	/* Repeated reports are harmless; only changes count. */
	if (proc->avail == stat->status)
		return;
	if (stat->status == MASTER_STAT_AVAIL) {
		proc->use_count++;
		master_avail_more(serv, proc);
	} else {
		master_avail_less(serv, proc);
	}
}

/* master_status_event - a report is waiting */

static void
master_status_event(int unused_event, void *context)
{
	MASTER_SERV *serv = context;
	unsigned char buf[MASTER_STATUS_SIZE];
	MASTER_STATUS stat;
	ssize_t n;

	n = read(serv->status_fd[0], buf, sizeof(buf));
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("service %s(%s): read status: %m",
				 serv->ext_name, serv->name);
		return;
	}
	if (n == 0)
		log_panic("service %s(%s): end of file on status stream",
			  serv->ext_name, serv->name);
	if (master_status_decode(buf, (size_t) n, &stat) < 0) {
		log_warn("service %s(%s): child sent a bad status update (%ld bytes)",
			 serv->ext_name, serv->name, (long) n);
		return;
	}
	if (log_verbose)
		log_info("master_status: pid %ld gen %u status %d",
			 stat.pid, stat.gen, stat.status);
	master_status_apply(serv, &stat);
}

/* master_status_init - a new status stream */

void
master_status_init(MASTER_SERV *serv)
{
	if (serv->status_fd[0] >= 0 || serv->status_fd[1] >= 0)
		log_panic("master_status_init: %s: stream already open", serv->name);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		       serv->status_fd) < 0)
		log_fatal("socketpair: %m");
	if (fcntl(serv->status_fd[0], F_SETFL, O_NONBLOCK) < 0)
		log_fatal("fcntl status stream: %m");
	event_enable_read(serv->status_fd[0], master_status_event, serv);
}

/* master_status_cleanup - close the stream: its children will exit */

void
master_status_cleanup(MASTER_SERV *serv)
{
	int	n;

	if (serv->status_fd[0] >= 0)
		event_disable_readwrite(serv->status_fd[0]);
	for (n = 0; n < 2; n++) {
		if (serv->status_fd[n] >= 0 && close(serv->status_fd[n]) < 0)
			log_warn("close status stream: %m");
		serv->status_fd[n] = -1;
	}
}
