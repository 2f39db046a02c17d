/*
 * master.c - the resident process that runs the mail system's daemons
 *
 * Reads main.cf and master.cf, opens every service endpoint, and starts
 * each service's program on demand, as master(8) describes. This file
 * holds the startup (options, lock file, detaching) and the main loop,
 * which acts on signals: SIGHUP reloads both files, SIGCHLD collects
 * children, SIGTERM (and SIGINT, SIGQUIT) stops everything.
 *
 * Security: runs as root, because it opens privileged ports and starts
 * daemons that need root before they drop it. It takes no input from
 * users: its configuration files are root's, and children talk to it
 * only through fixed-size status records that it checks. The
 * environment is cleaned to $import_environment before anything runs.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "events.h"
#include "lock_file.h"
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mail_version.h"	/* global */
#include "maillog_client.h"
#include "mainconf.h"
#include "param.h"
#include "params_global.h"
#include "debug_process.h"
#include "master.h"

/* How long "master -w" waits for the daemon to come up (seconds). */
#define MASTER_INIT_TIMEOUT	100

/* How long master waits for its children when it stops (ms). */
#define MASTER_EXIT_GRACE	3000

static char *master_cf_path;

/* usage - complain and exit */

static NORETURN
usage(const char *myname)
{
	log_fatal("usage: %s [-Ddistvw] [-c config_dir] [-e exit_time]", myname);
}

/* master_close_inherited - close descriptors that our parent leaked */

static void
master_close_inherited(void)
{
	long	max_fd = sysconf(_SC_OPEN_MAX);
	int	fd;

	if (max_fd < 0 || max_fd > 4096)
		max_fd = 4096;
	for (fd = 3; fd < max_fd; fd++)
		(void) close(fd);
}

/* master_stdio_null - point a standard descriptor at /dev/null */

static void
master_stdio_null(int fd)
{
	int	null_fd;

	if ((null_fd = open("/dev/null", O_RDWR)) < 0)
		log_fatal("open /dev/null: %m");
	if (null_fd != fd) {
		if (dup2(null_fd, fd) < 0)
			log_fatal("dup2 /dev/null: %m");
		(void) close(null_fd);
	}
}

/* master_clean_env - keep only what $import_environment lists */

static void
master_clean_env(void)
{
	ARGV   *keep = argv_split(var_import_environment, ", \t\r\n");
	ARGV   *saved = argv_create();
	const char *value;
	char   *eq;
	size_t	i;

	for (i = 0; i < keep->argc; i++) {
		if (strchr(keep->argv[i], '=') != NULL) {
			argv_add(saved, keep->argv[i]);
		} else if ((value = getenv(keep->argv[i])) != NULL) {
			argv_add_printf(saved, "%s=%s", keep->argv[i], value);
		}
	}
	if (clearenv() != 0)
		log_fatal("clearenv failed");
	for (i = 0; i < saved->argc; i++) {
		eq = strchr(saved->argv[i], '=');
		*eq = 0;
		if (setenv(saved->argv[i], eq + 1, 1) < 0)
			log_fatal("setenv: %m");
	}
	argv_free(&keep);
	argv_free(&saved);
}

/* master_owner_init - look up $mail_owner, as every daemon will */

static int
master_owner_init(STRBUF *why)
{
	struct passwd *pw;

	if ((pw = getpwnam(var_mail_owner)) == NULL) {
		strbuf_printf(why, "file %s: parameter mail_owner: unknown user name value: %s",
			      mainconf_path(), var_mail_owner);
		return -1;
	}
	if (pw->pw_uid == 0) {
		strbuf_printf(why, "file %s: parameter mail_owner: user %s has privileged user ID",
			      mainconf_path(), var_mail_owner);
		return -1;
	}
	if (pw->pw_gid == 0) {
		strbuf_printf(why, "file %s: parameter mail_owner: user %s has privileged group ID",
			      mainconf_path(), var_mail_owner);
		return -1;
	}
	master_owner_uid = pw->pw_uid;
	master_owner_gid = pw->pw_gid;
	return 0;
}

/* master_vars_init - (re)load main.cf; 0 or -1 with why */

static int
master_vars_init(STRBUF *why)
{
	mainconf_reset();
	if (mainconf_read(0, why) < 0)
		return -1;
	mainconf_load(PARAM_GROUP_GLOBAL);
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);

	/*
	 * With maillog_file set, master logs through postlogd like everyone
	 * else. Until master has opened the postlog socket (startup), the
	 * records have nowhere to go and only standard error sees them.
	 */
	if (maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why) < 0)
		return -1;
	if (master_owner_init(why) < 0)
		return -1;
	xfree(master_cf_path);
	master_cf_path = str_concat(var_config_directory, "/master.cf", NULL);
	return 0;
}

/* master_make_dir - create a queue subdirectory that is missing */

static void
master_make_dir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	/* Repairing existing ones is "postfix check"'s job, not ours. */
	if (stat(path, &st) == 0 || errno != ENOENT)
		return;
	if (mkdir(path, mode) < 0 || chown(path, uid, gid) < 0
	    || chmod(path, mode) < 0)
		log_fatal("create directory %s/%s: %m", var_queue_directory, path);
	log_info("created directory %s/%s", var_queue_directory, path);
}

/* master_make_dirs - the directories that master itself needs */

static void
master_make_dirs(void)
{
	struct group *gr;
	gid_t	public_gid;

	if ((gr = getgrnam(var_setgid_group)) != NULL) {
		public_gid = gr->gr_gid;
	} else {
		log_warn("unknown setgid_group: %s", var_setgid_group);
		public_gid = master_owner_gid;
	}
	master_make_dir(var_process_id_directory, 0755, 0, 0);
	master_make_dir("private", 0700, master_owner_uid, master_owner_gid);
	master_make_dir("public", 0710, master_owner_uid, public_gid);
}

/* master_monitor - "-w": wait in the foreground for the daemon */

static int
master_monitor(int timeout)
{
	struct pollfd pfd;
	int	pipefd[2];
	char	ch;
	pid_t	pid;
	int	n;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		log_fatal("pipe: %m");
	switch (pid = fork_retry(var_fork_attempts, var_fork_delay)) {
	case -1:
		log_fatal("fork: %m");
	case 0:
		(void) close(pipefd[0]);
		return pipefd[1];
	default:
		(void) close(pipefd[1]);
		pfd.fd = pipefd[0];
		pfd.events = POLLIN;
		do {
			n = poll(&pfd, 1, timeout * 1000);
		} while (n < 0 && errno == EINTR);
		if (n > 0 && read(pipefd[0], &ch, 1) == 1)
			exit(0);
		log_fatal("daemon initialization failure -- see the logs for more information");
	}
}

/* master_exit_event - "-e": the exit time has come */

static void
master_exit_event(int unused_event, void *unused_context)
{
	log_info("master exit time has arrived");
	exit(0);
}

/* master_wait_children - reap children until none is left or time is up */

static void
master_wait_children(int max_ms)
{
	int	waited;

	for (waited = 0; waited < max_ms; waited += 10) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			 /* void */ ;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		(void) poll(NULL, 0, 10);
	}
}

/* master_terminate - stop the children, and ourselves */

static NORETURN
master_terminate(int sig)
{
	log_info("terminating on signal %d", sig);

	/*
	 * Our children, and anything they started (pipe commands, local
	 * deliveries), when we lead the process group.
	 */
	(void) signal(SIGTERM, SIG_IGN);
	master_stop_all();
	if (getpgrp() == getpid())
		(void) kill(-getpid(), SIGTERM);

	/*
	 * Give the children a moment, so that whoever waits for master to go
	 * away (postfix stop, tests) finds no daemon left either.
	 */
	master_wait_children(MASTER_EXIT_GRACE);
	exit(0);
}

/* master_reload - SIGHUP: read main.cf and master.cf again */

static void
master_reload(void)
{
	MASTER_ENT_VARS vars;
	STRBUF *why = strbuf_create(100);

	log_info("reload -- version %s, configuration %s", MAIL_VERSION,
		 var_config_directory);
	if (master_vars_init(why) < 0) {
		log_warn("%s -- configuration not reloaded", strbuf_str(why));
	} else {
		master_ent_vars_init(&vars);
		if (master_refresh(master_cf_path, &vars, why) < 0)
			log_warn("%s -- keeping the previous master.cf services",
				 strbuf_str(why));
	}
	strbuf_free(&why);
}

/* main - startup, then the loop */

int
main(int argc, char **argv)
{
	MASTER_ENT_VARS vars;
	STRBUF *why = strbuf_create(100);
	const char *config_dir = NULL;
	char   *pid_path;
	char	buf[64];
	long	exit_time = 0;
	int	foreground = 0;		/* -d */
	int	debug_me = 0;		/* -D */
	int	init_mode = 0;		/* -i */
	int	keep_stdout = 0;	/* -s */
	int	test_lock = 0;		/* -t */
	int	wait_flag = 0;		/* -w */
	int	monitor_fd = -1;
	int	lock_fd;
	int	ch;
	ssize_t	len;

	umask(077);
	(void) signal(SIGPIPE, SIG_IGN);

	/* Nothing leaked by whoever started us reaches the children. */
	master_close_inherited();
	log_init("master", LOG_DEST_SYSLOG
		 | (isatty(STDERR_FILENO) ? LOG_DEST_STDERR : 0));

	while ((ch = getopt(argc, argv, "c:Dde:istvw")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'D':
			debug_me = 1;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'e':
			if (parse_long(optarg, &exit_time, 1, INT_MAX / 1000) < 0)
				log_fatal("bad -e exit time: %s", optarg);
			break;
		case 'i':
			init_mode = 1;
			keep_stdout = 1;
			break;
		case 's':
			keep_stdout = 1;
			break;
		case 't':
			test_lock = 1;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			wait_flag = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc > optind)
		usage(argv[0]);
	/* Startup errors go to the terminal too, until we detach. */
	if (foreground || wait_flag)
		log_init("master", LOG_DEST_SYSLOG | LOG_DEST_STDERR);
	if (getuid() != 0)
		log_fatal("the master command is reserved for the superuser");
	if (test_lock && wait_flag)
		log_fatal("the -t and -w options cannot be used together");
	if (init_mode && getpid() != 1)
		log_fatal("the -i option is allowed only for process ID 1");

	/* Configuration. -c also reaches the children, as MAIL_CONFIG. */
	if (config_dir) {
		mainconf_set_dir(config_dir);
		master_config_dir_env = config_dir;
	} else {
		(void) mainconf_set_dir_env();
	}
	if (master_vars_init(why) < 0)
		log_fatal("%s", strbuf_str(why));
	master_clean_env();
	if (chdir(var_queue_directory) < 0)
		log_fatal("chdir %s: %m", var_queue_directory);

	/* Test mode: is a master holding the lock? No file means no. */
	pid_path = str_concat(var_process_id_directory, "/master.pid", NULL);
	if (test_lock) {
		if ((lock_fd = open(pid_path, O_RDWR | O_CLOEXEC)) < 0)
			exit(errno == ENOENT ? 0 : 1);
		exit(lock_fcntl(lock_fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT) < 0);
	}

	if (wait_flag)
		monitor_fd = master_monitor(MASTER_INIT_TIMEOUT);

	/*
	 * Leave the terminal and the caller's process group, so that "postfix
	 * stop" can signal the whole mail system. Standard error stays until
	 * startup is complete, so that startup errors are seen.
	 */
	if (!foreground) {
		master_stdio_null(STDIN_FILENO);
		if (!keep_stdout)
			master_stdio_null(STDOUT_FILENO);
	}
	if (!foreground && !init_mode && !debug_me
	    && setsid() < 0 && getsid(0) != getpid())
		log_fatal("unable to set session and process group ID: %m");
	for (ch = 0; ch < 3; ch++)
		if (fcntl(ch, F_GETFD) < 0)
			master_stdio_null(ch);

	/* One master per queue: the lock on master.pid says who it is. */
	master_make_dirs();
	if ((lock_fd = open(pid_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		log_fatal("open lock file %s/%s: %m", var_queue_directory, pid_path);
	if (lock_fcntl(lock_fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			log_fatal("the Postfix mail system is already running");
		log_fatal("lock %s/%s: %m", var_queue_directory, pid_path);
	}
	len = snprintf(buf, sizeof(buf), "%*lu\n", (int) sizeof(unsigned long) * 4,
		       (unsigned long) getpid());
	if (ftruncate(lock_fd, 0) < 0 || len < 0 || (size_t) len >= sizeof(buf)
	    || write(lock_fd, buf, (size_t) len) != len)
		log_fatal("cannot update lock file %s/%s: %m",
			  var_queue_directory, pid_path);

	if (debug_me)
		debug_process();

	master_ent_vars_init(&vars);
	master_config(master_cf_path, &vars);
	master_sig_init();
	if (exit_time > 0)
		event_request_timer(master_exit_event, NULL, (int) exit_time * 1000);
	if (!foreground) {
		master_stdio_null(STDERR_FILENO);
		log_init("master", LOG_DEST_SYSLOG);
		log_syslog_name(var_syslog_name);
	}
	log_info("daemon started -- version %s, configuration %s",
		 MAIL_VERSION, var_config_directory);
	if (monitor_fd >= 0) {
		if (write(monitor_fd, "", 1) != 1)
			log_warn("notify foreground process: %m");
		(void) close(monitor_fd);
	}
	strbuf_free(&why);

	for (;;) {
		event_loop(-1);
		if (master_got_sigterm)
			master_terminate(master_got_sigterm);
		if (master_got_sighup) {
			master_got_sighup = 0;
			master_reload();
		}
		if (master_got_sigchld) {
			master_got_sigchld = 0;
			master_reap_child();
		}
	}
}
