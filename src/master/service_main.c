/*
 * service_main.c - daemon startup: options, main.cf, jail, event loop
 *
 * The part of the skeleton that every model shares: it turns the
 * command line that master(8) built into configuration, logging and
 * descriptors, runs the daemon's hooks around the privilege drop, and
 * then runs the event loop with the idle timer, the use limit and the
 * watchdog. The models (service_single.c, service_multi.c,
 * service_trigger.c) only register their events.
 *
 * Security: starts as root (started by master). The pre_jail hook runs
 * as root; with -c the process then chroots to $queue_directory, with
 * -u it becomes $mail_owner (never root) for good, before post_jail
 * and before any client is accepted. Inputs: the command line and the
 * environment come from master (trusted); clients are the daemon's
 * business.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "events.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "mainconf.h"		/* global */
#include "param.h"
#include "params_global.h"
#include "map.h"
#include "maillog_client.h"
#include "debug_process.h"
#include "service_impl.h"

SERVICE_STATE service_state;

static int service_watchdog_secs;	/* 0: no watchdog */

/* service_exit - normal termination */

NORETURN
service_exit(void)
{
	const SERVICE_SPEC *spec = service_state.spec;

	if (spec->pre_exit)
		spec->pre_exit(&service_state.svc);
	exit(0);
}

/* service_idle_event - nothing to do for max_idle seconds */

static void
service_idle_event(int unused_event, void *unused_context)
{
	if (log_verbose)
		log_info("idle timeout -- exiting");
	service_exit();
}

/* service_idle_start - (re)start the idle timer */

void
service_idle_start(void)
{
	int	secs = service_state.idle_limit;

	if (secs <= 0 || service_state.svc.standalone)
		return;
	if (secs > INT_MAX / 1000)
		secs = INT_MAX / 1000;
	event_request_timer(service_idle_event, NULL, secs * 1000);
}

/* service_set_idle_limit - a daemon's own max_idle */

void
service_set_idle_limit(int seconds)
{
	if (service_state.spec != NULL
	    && (service_state.spec->flags & SERVICE_FLAG_UNLIMITED))
		return;
	service_state.idle_limit = seconds;
}

/* service_idle_stop - stop the idle timer while busy */

void
service_idle_stop(void)
{
	(void) event_cancel_timer(service_idle_event, NULL);
}

/* service_used_up - served max_use requests, or asked to go */

int
service_used_up(void)
{
	const char *table;

	if (service_state.exit_soon)
		return 1;
	/* A table rebuilt by postmap: start over with the new file. */
	if ((table = map_changed_name()) != NULL) {
		log_info("table %s has changed -- restarting", table);
		service_state.exit_soon = 1;
		return 1;
	}
	return service_state.use_limit > 0
	    && service_state.use_count >= service_state.use_limit;
}

/* service_exit_soon - leave after the current request */

void
service_exit_soon(void)
{
	service_state.exit_soon = 1;
}

/* service_drain_event - clients did not finish in time */

static void
service_drain_event(int unused_event, void *unused_context)
{
	if (log_verbose)
		log_info("drain timeout -- exiting");
	service_exit();
}

/* service_master_lost - stop taking work; leave after the current one */

static void
service_master_lost(void)
{
	int	n;

	if (service_state.master_gone)
		return;
	if (log_verbose)
		log_info("master disconnect -- exiting after current work");
	service_state.master_gone = 1;
	service_state.exit_soon = 1;
	event_disable_readwrite(MASTER_STATUS_FD);
	for (n = 0; n < service_state.listen_count; n++)
		event_disable_readwrite(service_state.listen_fd[n]);

	/*
	 * A multi-client server lets its clients finish, within
	 * $application_event_drain_time, as Postfix's event servers do.
	 */
	event_request_timer(service_drain_event, NULL,
			    var_application_event_drain_time > INT_MAX / 1000 ?
			    INT_MAX : var_application_event_drain_time * 1000);
}

/* service_notify - tell master busy or available */

int
service_notify(int status)
{
	if (service_state.svc.standalone)
		return 0;
	if (service_state.master_gone || master_notify(status) < 0) {
		service_master_lost();
		return -1;
	}
	return 0;
}

/* service_master_gone - master closed the status stream */

static void
service_master_gone(int unused_event, void *unused_context)
{
	/* Between requests, unless a multi-client server has clients. */
	if (service_state.spec->model != SERVICE_MULTI
	    || service_state.client_count == 0) {
		if (log_verbose)
			log_info("master disconnect -- exiting");
		service_exit();
	}
	service_master_lost();
}

/* service_watchdog_alarm - a request or callback got stuck */

static void
service_watchdog_alarm(int unused_sig)
{
	/*
	 * log_fatal() is not async-signal-safe. Should it hang, the next
	 * SIGALRM takes the default action and ends the process anyway.
	 */
	(void) signal(SIGALRM, SIG_DFL);
	(void) alarm(5);
	log_fatal("watchdog timeout");
}

/* service_watchdog_pat - restart the watchdog */

void
service_watchdog_pat(void)
{
	if (service_watchdog_secs > 0)
		(void) alarm((unsigned) service_watchdog_secs);
}

/* service_recv_fd - receive the descriptor that a pass client sends */

static int
service_recv_fd(int conn)
{
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	union {
		struct cmsghdr align;
		char	space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct pollfd pfd;
	char	dummy;
	int	fd = -1;
	ssize_t n;

	pfd.fd = conn;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, var_ipc_timeout > INT_MAX / 1000 ? INT_MAX :
		 var_ipc_timeout * 1000) <= 0) {
		log_warn("pass connection: timeout or error while waiting for descriptor");
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = &dummy;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	do {
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		log_warn("pass connection: receive descriptor: %s",
			 n < 0 ? strerror(errno) : "unexpected end of file");
		return -1;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS
		    && cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
			break;
		}
	}
	if (fd < 0)
		log_warn("pass connection: no descriptor received");
	return fd;
}

/* service_accept - accept one client on a listening endpoint */

int
service_accept(int listen_fd)
{
	int	fd, conn;
	int	flags;

	do {
		conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (conn < 0 && errno == EINTR);
	if (conn < 0) {
		/*
		 * Another process got the connection first, or the client
		 * gave up before we got to it: not our problem.
		 */
		switch (errno) {
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
		case ECONNABORTED:
		case ECONNRESET:
		case ECONNREFUSED:
		case EHOSTDOWN:
		case EHOSTUNREACH:
		case ENETDOWN:
		case ENETUNREACH:
		case ENOTCONN:
		case ENOBUFS:
		case EPROTO:
		case ETIMEDOUT:
			return -1;
		default:
			log_fatal("accept connection: %m");
		}
	}
	if (service_state.type != MASTER_TYPE_PASS) {
		fd = conn;
	} else {
		fd = service_recv_fd(conn);
		(void) close(conn);
		if (fd < 0)
			return -1;
	}
	/* The listener is non-blocking; what it hands out must not be. */
	if ((flags = fcntl(fd, F_GETFL)) >= 0 && (flags & O_NONBLOCK))
		(void) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

/* service_client_open - stream over a client, with $ipc_timeout */

IOSTREAM *
service_client_open(int fd)
{
	IOSTREAM *st = iostream_fdopen(fd, O_RDWR);

	iostream_set_timeout(st, var_ipc_timeout);
	return st;
}

/* service_check_fd - a descriptor that master must have passed */

static void
service_check_fd(int fd, const char *what)
{
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		log_fatal("%s descriptor %d: %m (not started by master?)",
			  what, fd);
}

/* service_jail - chroot and give up root, as the options say */

static void
service_jail(void)
{
	static char ident[256];
	struct passwd *pw;
	uid_t	uid = 0;
	gid_t	gid = 0;
	char   *user = NULL;

	if (service_state.opts.unpriv) {
		if ((pw = getpwnam(var_mail_owner)) == NULL)
			log_fatal("file %s: parameter mail_owner: unknown user name value: %s",
				  mainconf_path(), var_mail_owner);
		if (pw->pw_uid == 0)
			log_fatal("file %s: parameter mail_owner: user %s has privileged user ID",
				  mainconf_path(), var_mail_owner);
		if (pw->pw_gid == 0)
			log_fatal("file %s: parameter mail_owner: user %s has privileged group ID",
				  mainconf_path(), var_mail_owner);
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		user = xstrdup(pw->pw_name);
		if (setgid(gid) < 0)
			log_fatal("setgid(%ld): %m", (long) gid);
		if (initgroups(user, gid) < 0)
			log_fatal("initgroups(%s): %m", user);
	}
	if (service_state.opts.chroot) {

		/*
		 * There is no /dev/log in the jail: connect to syslog now. The
		 * log module's own openlog() later keeps this connection.
		 */
		snprintf(ident, sizeof(ident), "%s/%s", var_syslog_name,
			 log_progname());
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
		if (chroot(var_queue_directory) < 0)
			log_fatal("chroot(%s): %m", var_queue_directory);
		if (chdir("/") < 0)
			log_fatal("chdir(\"/\"): %m");
		maillog_client_jail(var_queue_directory);
	}
	if (service_state.opts.unpriv) {
		if (setuid(uid) < 0)
			log_fatal("setuid(%ld): %m", (long) uid);
		/* A process that can become root again must not serve. */
		if (setuid(0) == 0)
			log_fatal("unable to give up root privileges");
		xfree(user);
	}
}

/* service_check_type - the endpoint types a model can serve */

static void
service_check_type(void)
{
	const char *name = service_state.opts.type;
	int	type;
	int	ok;

	if (name == NULL)
		log_fatal("no transport type specified");
	type = master_type_code(name);
	switch (service_state.spec->model) {
	case SERVICE_SINGLE:
	case SERVICE_MULTI:
		ok = (type == MASTER_TYPE_INET || type == MASTER_TYPE_UNIX
		      || type == MASTER_TYPE_PASS);
		break;
	case SERVICE_TRIGGER:
		ok = (type != 0);
		break;
	default:
		log_panic("service_main: unknown model %d",
			  service_state.spec->model);
	}
	if (!ok)
		log_fatal("unsupported transport type: %s", name);
	service_state.type = type;
}

/*
 * service_subst_name - $service_name in an -o value, expanded by hand
 *
 * XXX #4 service_name is a read-only parameter whose table default is
 * empty, so main.cf expansion cannot see the -n value. Until the table
 * gets a dynamic default for it, the skeleton substitutes $service_name,
 * ${service_name} and $(service_name) in -o values itself ("$$" stays).
 */

static char *
service_subst_name(const char *value, const char *name)
{
	static const char *const forms[] = {
		"$service_name", "${service_name}", "$(service_name)",
	};
	STRBUF *out = strbuf_create(strlen(value) + 1);
	const char *cp = value;
	size_t	i, len;
	char   *result;

	while (*cp) {
		if (cp[0] == '$' && cp[1] == '$') {
			strbuf_append(out, cp, 2);
			cp += 2;
			continue;
		}
		for (i = 0; i < ARRAY_LEN(forms); i++) {
			len = strlen(forms[i]);
			/* "$service_names" is another name. */
			if (strncmp(cp, forms[i], len) == 0
			    && (i > 0 || !(cp[len] == '_' || isalnum((unsigned char) cp[len]))))
				break;
		}
		if (i < ARRAY_LEN(forms)) {
			strbuf_append_str(out, name);
			cp += len;
		} else {
			strbuf_append_char(out, *cp++);
		}
	}
	result = strbuf_detach(out);
	strbuf_free(&out);
	return result;
}

/* service_main - the skeleton */

NORETURN
service_main(int argc, char **argv, const SERVICE_SPEC *spec)
{
	SERVICE_STATE *ss = &service_state;
	const char *progname = spec->name ? spec->name : argv[0];
	STRBUF *why = strbuf_create(100);
	const PARAM_DEF *def;
	struct sigaction sa;
	size_t	i;
	int	wait_ms, max_wait;
	int	n;

	/* A client that goes away must not kill us; nor must a big file. */
	(void) signal(SIGPIPE, SIG_IGN);
	(void) signal(SIGXFSZ, SIG_IGN);

	ss->spec = spec;
	if (service_opts_parse(argc, argv, &ss->opts, why) < 0) {
		log_init(progname, LOG_DEST_SYSLOG | LOG_DEST_STDERR);
		log_fatal("%s", strbuf_str(why));
	}
	ss->svc.standalone = ss->opts.standalone;
	log_init(progname, LOG_DEST_SYSLOG
		 | (ss->svc.standalone ? LOG_DEST_STDERR : 0));
	log_verbose = ss->opts.verbose;
	if (!ss->svc.standalone && isatty(STDIN_FILENO)) {
		log_init(progname, LOG_DEST_STDERR);
		log_fatal("do not run this command by hand");
	}
	ss->svc.name = ss->opts.name ? ss->opts.name : progname;
	ss->svc.argc = (int) ss->opts.args->argc;
	ss->svc.argv = ss->opts.args->argv;
	if (spec->model == SERVICE_TRIGGER ? spec->trigger == NULL
	    : spec->serve == NULL)
		log_panic("service_main: %s: no request handler for this model",
			  progname);

	/*
	 * Configuration: main.cf, then the -o overrides in order, as if they
	 * came last in main.cf. service_name is the -n value, so that for
	 * example -o syslog_name=postfix/$service_name works.
	 */
	(void) mainconf_set_dir_env();
	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	for (i = 0; i < ss->opts.opt_names->argc; i++) {
		char   *value = service_subst_name(ss->opts.opt_values->argv[i],
					       ss->svc.name);

		mainconf_override(ss->opts.opt_names->argv[i], value);
		xfree(value);
	}
	mainconf_load(PARAM_GROUP_GLOBAL | spec->param_groups);
	if ((def = param_find("service_name")) != NULL
	    && param_store(def, ss->svc.name, why) < 0)
		log_fatal("%s", strbuf_str(why));
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);

	/*
	 * With maillog_file set, log lines go to postlogd(8) from here on.
	 * This connects now, while the socket is still reachable (before
	 * chroot and setuid).
	 */
	if (maillog_client_init(MAILLOG_CLIENT_FLAG_PATIENT, why) < 0)
		log_fatal("%s", strbuf_str(why));
	if (log_verbose)
		log_info("daemon started");

	if (ss->svc.standalone) {
		ss->svc.type = "stand-alone";
	} else {
		service_check_type();
		ss->svc.type = ss->opts.type;
		if ((spec->flags & SERVICE_FLAG_SOLITARY) && !ss->opts.solitary)
			log_fatal("service %s requires a process limit of 1",
				  ss->svc.name);
		ss->listen_count = ss->opts.socket_count;
		for (n = 0; n < ss->listen_count; n++) {
			ss->listen_fd[n] = MASTER_LISTEN_FD + n;
			service_check_fd(ss->listen_fd[n], "listen");
		}
		service_check_fd(MASTER_STATUS_FD, "status");
	}
	if (!(spec->flags & SERVICE_FLAG_UNLIMITED)) {
		if (!(spec->flags & SERVICE_FLAG_NO_USE_LIMIT))
			ss->use_limit = var_max_use;
		ss->idle_limit = var_max_idle;
	}

	/* Daemons work relative to the queue directory, as Postfix's do. */
	if (chdir(var_queue_directory) < 0)
		log_fatal("chdir(\"%s\"): %m", var_queue_directory);
	if (ss->opts.debug)
		debug_process();

	if (spec->pre_jail)
		spec->pre_jail(&ss->svc);
	service_jail();
	if (spec->post_jail)
		spec->post_jail(&ss->svc);
	strbuf_free(&why);

	service_watchdog_secs = spec->watchdog_timeout ?
	    *spec->watchdog_timeout : var_daemon_timeout;
	if (service_watchdog_secs > 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = service_watchdog_alarm;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGALRM, &sa, NULL) < 0)
			log_fatal("sigaction SIGALRM: %m");
	}

	/*
	 * Serve. In stand-alone mode the model's start function serves and
	 * exits; otherwise it registers its events and the loop runs them.
	 */
	if (!ss->svc.standalone)
		event_enable_read(MASTER_STATUS_FD, service_master_gone, NULL);
	switch (spec->model) {
	case SERVICE_SINGLE:
		service_single_start();
		break;
	case SERVICE_MULTI:
		service_multi_start();
		break;
	case SERVICE_TRIGGER:
		service_trigger_start();
		break;
	default:
		log_panic("service_main: unknown model %d", spec->model);
	}
	service_idle_start();

	/* Wake up often enough that only a stuck callback trips the watchdog. */
	max_wait = service_watchdog_secs > 0 ?
	    (service_watchdog_secs > INT_MAX / 500 ? INT_MAX :
	     service_watchdog_secs * 500) : -1;
	for (;;) {
		service_watchdog_pat();
		wait_ms = spec->loop ? spec->loop(&ss->svc) : -1;
		if (max_wait >= 0 && (wait_ms < 0 || wait_ms > max_wait))
			wait_ms = max_wait;
		event_loop(wait_ms);
	}
}
