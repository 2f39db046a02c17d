/*
 * master_spawn.c - child processes: birth, death, throttling
 *
 * A child gets its service's status stream on MASTER_STATUS_FD and the
 * endpoints on MASTER_LISTEN_FD and up, its generation number in the
 * environment, and then runs $daemon_directory/command. Master counts
 * it as available until it reports otherwise.
 *
 * When a child ends badly (non-zero exit status, or a signal that
 * master did not send) before it finished a first request, the fault
 * is probably in the command or the configuration, and starting more
 * processes would only repeat it: the service is throttled, that is,
 * master starts no processes for it during $service_throttle_time, and
 * then tries again. This is Postfix's "bad command startup" rule.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "events.h"
#include "log.h"
#include "mem.h"
#include "master.h"

/* How long master_delete_children() waits before SIGKILL (ms). */
#define MASTER_KILL_GRACE	5000

static MASTER_PROC *master_procs;
static unsigned master_gen_counter;

const char *master_config_dir_env;

/* master_proc_find - the process with this pid, or NULL */

MASTER_PROC *
master_proc_find(pid_t pid)
{
	MASTER_PROC *proc;

	for (proc = master_procs; proc != NULL; proc = proc->next)
		if (proc->pid == pid)
			return proc;
	return NULL;
}

/* master_proc_add - remember a process */

void
master_proc_add(MASTER_PROC *proc)
{
	proc->next = master_procs;
	master_procs = proc;
}

/* master_proc_remove - forget a process (the caller frees it) */

void
master_proc_remove(MASTER_PROC *proc)
{
	MASTER_PROC **pp;

	for (pp = &master_procs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == proc) {
			*pp = proc->next;
			proc->next = NULL;
			return;
		}
	}
	log_panic("master_proc_remove: unknown pid %ld", (long) proc->pid);
}

/* master_unthrottle_event - the back-off time is over */

static void
master_unthrottle_event(int unused_event, void *context)
{
	master_unthrottle((MASTER_SERV *) context);
}

/* master_throttle - start no processes for a while */

void
master_throttle(MASTER_SERV *serv)
{
	if (MASTER_THROTTLED(serv))
		return;
	serv->flags |= MASTER_FLAG_THROTTLE;
	event_request_timer(master_unthrottle_event, serv,
			    serv->throttle_delay > 2000000 ? 2000000000 :
			    serv->throttle_delay * 1000);
	if (log_verbose)
		log_info("throttling command %s", serv->path);
	master_avail_listen(serv);
}

/* master_unthrottle - start processes again */

void
master_unthrottle(MASTER_SERV *serv)
{
	if (!MASTER_THROTTLED(serv))
		return;
	serv->flags &= ~MASTER_FLAG_THROTTLE;
	(void) event_cancel_timer(master_unthrottle_event, serv);
	if (log_verbose)
		log_info("throttle released for command %s", serv->path);
	master_avail_listen(serv);
}

/* master_move_fd - put fd at target in a child, whatever is there */

static void
master_move_fd(int *fds, int count, int first_target)
{
	int	n;

	/*
	 * First copy every descriptor above all targets, so that placing one
	 * cannot overwrite another that still has to be moved.
	 */
	for (n = 0; n < count; n++)
		if ((fds[n] = fcntl(fds[n], F_DUPFD_CLOEXEC,
				    first_target + count)) < 0)
			log_fatal("master_spawn: dup: %m");
	for (n = 0; n < count; n++)
		if (dup2(fds[n], first_target + n) < 0)
			log_fatal("master_spawn: dup2: %m");
}

/* master_spawn_child - in the new process: plumbing, then exec */

static NORETURN
master_spawn_child(MASTER_SERV *serv, unsigned gen)
{
	int	fds[1 + MASTER_LISTEN_MAX];
	char	buf[32];
	int	n;

	/*
	 * The parent's cleanup is not ours to run. The syslog connection is
	 * close-on-exec already, and keeps our ident until then.
	 */
	(void) log_set_cleanup(NULL);
	master_sig_child();

	/* Status stream and endpoints, in the order the numbers go. */
	fds[0] = serv->status_fd[1];
	for (n = 0; n < serv->listen_count; n++)
		fds[1 + n] = serv->listen_fd[n];
	master_move_fd(fds, 1 + serv->listen_count, MASTER_STATUS_FD);
	if (MASTER_STATUS_FD + 1 != MASTER_LISTEN_FD)
		log_panic("master_spawn: descriptor numbers out of order");

	snprintf(buf, sizeof(buf), "%u", gen);
	if (setenv(MASTER_GEN_NAME, buf, 1) < 0
	    || (master_config_dir_env != NULL
		&& setenv("MAIL_CONFIG", master_config_dir_env, 1) < 0))
		log_fatal("master_spawn: setenv: %m");
	execv(serv->path, serv->args->argv);
	log_fatal("master_spawn: exec %s: %m", serv->path);
}

/* master_spawn - start a process for a service */

void
master_spawn(MASTER_SERV *serv)
{
	MASTER_PROC *proc;
	sigset_t block;
	sigset_t saved;
	pid_t	pid;
	unsigned gen;

	if (!MASTER_LIMIT_OK(serv->max_proc, serv->total_proc))
		log_panic("master_spawn: %s: at process limit %d", serv->name,
			  serv->total_proc);
	if (serv->avail_proc > 0)
		log_panic("master_spawn: %s: processes available: %d", serv->name,
			  serv->avail_proc);
	if (MASTER_THROTTLED(serv))
		log_panic("master_spawn: throttled service: %s", serv->path);

	/*
	 * Until the child has reset its handlers (master_sig_child()), a
	 * signal would run our handler in the child and be lost there: a
	 * daemon started just as "postfix stop" arrives would miss its
	 * SIGTERM. Blocked, the signal waits for the default action.
	 */
	sigfillset(&block);
	(void) sigprocmask(SIG_BLOCK, &block, &saved);
	gen = ++master_gen_counter;

	/*
	 * No fork_retry() here, as in Postfix: sleeping $fork_delay would
	 * stall every service of the event loop. A failed fork throttles
	 * just this service, which is the retry, $service_throttle_time
	 * later.
	 */
	if ((pid = fork()) != 0)
		(void) sigprocmask(SIG_SETMASK, &saved, NULL);
	switch (pid) {
	case -1:
		log_warn("master_spawn: fork: %m -- throttling");
		master_throttle(serv);
		return;
	case 0:
		master_spawn_child(serv, gen);
		/* NOTREACHED */
	default:
		if (log_verbose)
			log_info("spawn command %s; pid %ld", serv->path, (long) pid);
		proc = xcalloc(1, sizeof(*proc));
		proc->serv = serv;
		proc->pid = pid;
		proc->gen = gen;
		proc->avail = MASTER_STAT_TAKEN;
		master_proc_add(proc);
		serv->total_proc++;
		master_avail_more(serv, proc);

		/* "wakeup?" starts its timer once the service is in use. */
		if (serv->flags & MASTER_FLAG_CONDWAKE) {
			serv->flags &= ~MASTER_FLAG_CONDWAKE;
			master_wakeup_init(serv);
		}
		return;
	}
}

/* master_exit_verdict - what a child's end means for its service */

int
master_exit_verdict(int wait_status, int use_count, int throttled,
		    int killed_by_us)
{
	int	verdict;

	if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)
		return MASTER_EXIT_OK;
	if (WIFSIGNALED(wait_status) && killed_by_us)
		return MASTER_EXIT_OK;
	verdict = MASTER_EXIT_WARN;
	if (use_count == 0 && !throttled)
		verdict |= MASTER_EXIT_THROTTLE;
	return verdict;
}

/* master_delete_child - forget a process that is gone */

static void
master_delete_child(MASTER_PROC *proc)
{
	MASTER_SERV *serv = proc->serv;

	serv->total_proc--;
	if (proc->avail == MASTER_STAT_AVAIL)
		master_avail_less(serv, proc);
	else
		master_avail_listen(serv);
	master_proc_remove(proc);
	xfree(proc);
}

/* master_child_ended - log, throttle, forget */

static void
master_child_ended(MASTER_PROC *proc, int status, int killed_by_us)
{
	MASTER_SERV *serv = proc->serv;
	int	verdict;

	verdict = master_exit_verdict(status, proc->use_count,
				      MASTER_THROTTLED(serv), killed_by_us);
	if (verdict & MASTER_EXIT_WARN) {
		if (WIFEXITED(status))
			log_warn("process %s pid %ld exit status %d",
				 serv->path, (long) proc->pid, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			log_warn("process %s pid %ld killed by signal %d",
				 serv->path, (long) proc->pid, WTERMSIG(status));
	}
	if (verdict & MASTER_EXIT_THROTTLE) {
		log_warn("%s: bad command startup -- throttling", serv->path);
		master_throttle(serv);
	}
	master_delete_child(proc);
}

/* master_reap_child - collect every child that has ended */

void
master_reap_child(void)
{
	MASTER_PROC *proc;
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (log_verbose)
			log_info("master_reap_child: pid %ld", (long) pid);
		/* As process 1 (-i) we also inherit other orphans. */
		if ((proc = master_proc_find(pid)) == NULL) {
			if (log_verbose)
				log_info("master_reap_child: unknown pid %ld", (long) pid);
			continue;
		}
		master_child_ended(proc, status, 0);
	}
}

/* master_now_ms - monotonic clock (the event loop's is not running) */

static int64_t
master_now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* master_delete_children - end every process of a service, and wait */

void
master_delete_children(MASTER_SERV *serv)
{
	MASTER_PROC *proc, *next;
	int64_t	deadline;
	int	status;
	int	left;
	pid_t	pid;

	/* Throttled, no new process starts while we wait. */
	master_throttle(serv);
	for (proc = master_procs; proc != NULL; proc = proc->next)
		if (proc->serv == serv)
			(void) kill(proc->pid, SIGTERM);

	deadline = master_now_ms() + MASTER_KILL_GRACE;
	for (;;) {
		left = 0;
		for (proc = master_procs; proc != NULL; proc = next) {
			next = proc->next;
			if (proc->serv != serv)
				continue;
			pid = waitpid(proc->pid, &status, WNOHANG);
			if (pid == proc->pid || (pid < 0 && errno == ECHILD))
				master_child_ended(proc, pid < 0 ? 0 : status, 1);
			else
				left++;
		}
		if (left == 0)
			break;
		if (master_now_ms() > deadline) {
			for (proc = master_procs; proc != NULL; proc = proc->next)
				if (proc->serv == serv)
					(void) kill(proc->pid, SIGKILL);
			deadline = INT64_MAX;
		}
		(void) poll(NULL, 0, 10);
	}
	master_unthrottle(serv);
}

/* master_kill_all - send a signal to every child */

void
master_kill_all(int sig)
{
	MASTER_PROC *proc;

	for (proc = master_procs; proc != NULL; proc = proc->next)
		(void) kill(proc->pid, sig);
}
