/*
 * postfix_ctl.c - start, stop, reload and query the master daemon
 *
 * Does what Postfix's postfix-script does for these commands, with the
 * same messages: master(8) holds an exclusive fcntl() lock on
 * $queue_directory/$process_id_directory/master.pid while it runs, so
 * "is it running" is "does someone hold that lock", and the file holds
 * its process ID. Start runs "master -w", which returns once the
 * daemon is up; stop sends SIGTERM and waits up to five seconds before
 * it kills the whole process group.
 *
 * Security: runs as root (postfix.c checks). The pid file is only read,
 * and a process ID is signalled only while the lock shows that a master
 * still holds it.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "params_global.h"	/* global */
#include "master_proto.h"	/* master */
#include "trigger_send.h"
#include "postfix.h"

/* How long "postfix stop" waits before it uses force (seconds). */
#define CTL_STOP_WAIT	5

/* How often it looks (milliseconds). */
#define CTL_POLL_MS	50

/* postfix_ctl_master_pid - who holds the master lock */

long
postfix_ctl_master_pid(const char *pid_path, STRBUF *why)
{
	struct flock lock;
	char	buf[64];
	ssize_t	len;
	long	pid;
	int	fd;

	if ((fd = open(pid_path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		strbuf_printf(why, "open %s: %s", pid_path, strerror(errno));
		return -1;
	}

	/* Ask, rather than lock: a lock of ours could make a start fail. */
	memset(&lock, 0, sizeof(lock));
	lock.l_type = F_WRLCK;
	lock.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &lock) < 0) {
		strbuf_printf(why, "lock test %s: %s", pid_path, strerror(errno));
		(void) close(fd);
		return -1;
	}
	if (lock.l_type == F_UNLCK) {
		(void) close(fd);
		return 0;
	}

	/* Postfix reports the number in the file; the lock knows it too. */
	len = read(fd, buf, sizeof(buf) - 1);
	(void) close(fd);
	if (len > 0) {
		buf[len] = 0;
		if (parse_long(str_trim(buf), &pid, 1, LONG_MAX) == 0)
			return pid;
	}
	return lock.l_pid > 0 ? (long) lock.l_pid : 1;
}

/* ctl_pid_path - where master.pid is (caller frees) */

static char *
ctl_pid_path(void)
{
	if (*var_process_id_directory == '/')
		return str_concat(var_process_id_directory, "/master.pid", NULL);
	return str_concat(var_queue_directory, "/", var_process_id_directory,
			  "/master.pid", NULL);
}

/* ctl_running - the master's process ID, or 0; errors are fatal */

static long
ctl_running(void)
{
	STRBUF *why = strbuf_create(100);
	char   *pid_path = ctl_pid_path();
	long	pid;

	if ((pid = postfix_ctl_master_pid(pid_path, why)) < 0)
		log_fatal("%s", strbuf_str(why));
	xfree(pid_path);
	strbuf_free(&why);
	return pid;
}

/* ctl_wait_gone - wait up to ms for the master to let go of its lock */

static int
ctl_wait_gone(int ms)
{
	int	waited;

	for (waited = 0;; waited += CTL_POLL_MS) {
		if (ctl_running() == 0)
			return 1;
		if (waited >= ms)
			return 0;
		(void) poll(NULL, 0, CTL_POLL_MS);
	}
}

/* ctl_run - run a program and wait; its exit status, or -1 */

static int
ctl_run(const ARGV *args)
{
	pid_t	pid;
	int	status;

	switch (pid = fork_retry(var_fork_attempts, var_fork_delay)) {
	case -1:
		log_warn("fork: %m");
		return -1;
	case 0:
		execv(args->argv[0], args->argv);
		log_fatal("execute %s: %m", args->argv[0]);
	default:
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				log_warn("waitpid: %m");
				return -1;
			}
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		return -1;
	}
}

/* postfix_ctl_start - "start" and "start-fg" */

int
postfix_ctl_start(int foreground, int verbose, int debug,
		  const char *config_dir)
{
	ARGV   *args;
	int	status;
	int	i;

	if (ctl_running() > 0)
		log_fatal("the Postfix mail system is already running");
	if (foreground && *var_multi_instance_directories)
		log_fatal("start-fg does not support multi_instance_directories");
	if (postfix_check_run(POSTFIX_CHECK_REPAIR) < 0)
		log_fatal("Postfix integrity check failed!");
	log_info("starting the Postfix mail system");

	args = argv_create();
	argv_add_printf(args, "%s/master", var_daemon_directory);

	/*
	 * Foreground: as process 1 (a container) master takes our place in
	 * init mode; otherwise it runs as our child with its own session,
	 * keeping standard output for maillog_file = /dev/stdout.
	 */
	if (foreground)
		argv_add(args, getpid() == 1 ? "-i" : "-s");
	else
		argv_add(args, "-w");
	for (i = 0; i < verbose; i++)
		argv_add(args, "-v");
	if (debug)
		argv_add(args, "-D");
	if (config_dir) {
		argv_add(args, "-c");
		argv_add(args, config_dir);
	}
	if (foreground && getpid() == 1) {
		execv(args->argv[0], args->argv);
		log_fatal("cannot start-fg the master daemon");
	}
	status = ctl_run(args);
	argv_free(&args);
	if (!foreground && status != 0)
		log_fatal("mail system startup failed");
	return status < 0 ? 1 : status;
}

/* ctl_require_running - the master's process ID; fatal when not running */

static long
ctl_require_running(void)
{
	long	pid;

	if ((pid = ctl_running()) == 0)
		log_fatal("the Postfix mail system is not running");
	return pid;
}

/* ctl_signal - signal the master; gone by now is not an error */

static void
ctl_signal(long pid, int sig)
{
	if (kill((pid_t) pid, sig) < 0 && errno != ESRCH)
		log_fatal("kill %ld: %m", pid);
}

/* postfix_ctl_stop - "stop": SIGTERM, wait, then force */

int
postfix_ctl_stop(void)
{
	long	pid = ctl_require_running();
	int	tries;

	log_info("stopping the Postfix mail system");
	ctl_signal(pid, SIGTERM);
	for (tries = 0; tries < CTL_STOP_WAIT; tries++) {
		if (ctl_wait_gone(1000))
			return 0;
		log_info("waiting for the Postfix mail system to terminate");
	}
	if (ctl_wait_gone(0))
		return 0;
	log_warn("stopping the Postfix mail system with force");

	/* master leads the process group of the whole mail system. */
	if (kill(-(pid_t) pid, SIGKILL) < 0 && errno == ESRCH)
		(void) kill((pid_t) pid, SIGKILL);
	return 0;
}

/* postfix_ctl_abort - "abort": SIGTERM, no waiting */

int
postfix_ctl_abort(void)
{
	long	pid = ctl_require_running();

	log_info("aborting the Postfix mail system");
	ctl_signal(pid, SIGTERM);
	return 0;
}

/* postfix_ctl_reload - "reload": SIGHUP */

int
postfix_ctl_reload(void)
{
	long	pid = ctl_require_running();

	/* XXX issue 6: Postfix runs "postsuper active" first. */
	log_info("refreshing the Postfix mail system");
	ctl_signal(pid, SIGHUP);
	return 0;
}

/* postfix_ctl_status - "status" */

int
postfix_ctl_status(void)
{
	long	pid;

	if ((pid = ctl_running()) == 0) {
		log_info("the Postfix mail system is not running");
		return 1;
	}
	log_info("the Postfix mail system is running: PID: %ld", pid);
	return 0;
}

/*
 * postfix_ctl_flush - "flush": what "postqueue -f" does. Once postqueue
 * is installed, it does the work; until then the qmgr trigger is sent
 * from here, with the same requests: forget dead destinations, ignore
 * retry times, scan the deferred and the incoming queue.
 */

int
postfix_ctl_flush(void)
{
	static const char requests[] = {
		TRIGGER_REQ_FLUSH_DEAD, TRIGGER_REQ_SCAN_ALL,
		TRIGGER_REQ_SCAN_DEFERRED, TRIGGER_REQ_SCAN_INCOMING,
	};
	STRBUF *why;
	ARGV   *args;
	struct stat st;
	char   *path;
	int	type;
	int	status;

	path = str_concat(var_command_directory, "/postqueue", NULL);
	if (access(path, X_OK) == 0) {
		args = argv_create();
		argv_add(args, path);
		argv_add(args, "-f");
		status = ctl_run(args);
		argv_free(&args);
		xfree(path);
		return status < 0 ? 1 : status;
	}
	xfree(path);

	path = str_concat(var_queue_directory, "/public/",
			  var_queue_service_name, NULL);
	why = strbuf_create(100);
	if (stat(path, &st) < 0)
		log_fatal("Cannot flush mail queue - mail system is down");
	type = S_ISFIFO(st.st_mode) ? MASTER_TYPE_FIFO : MASTER_TYPE_UNIX;
	if (trigger_send(type, path, requests, sizeof(requests),
			 var_trigger_timeout, why) < 0) {
		if (log_verbose)
			log_info("trigger %s: %s", path, strbuf_str(why));
		log_fatal("Cannot flush mail queue - mail system is down");
	}
	strbuf_free(&why);
	xfree(path);
	return 0;
}
