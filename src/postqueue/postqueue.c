/*
 * postqueue - the unprivileged queue commands: list and flush
 *
 * -p lists the queue in Postfix's mailq layout and -j as JSON lines
 * (postqueue_fmt.c), from the showq(8) service; when that is down, root
 * runs showq stand-alone instead, as Postfix does. -f asks qmgr(8) to
 * forget dead destinations and scan every queue now (the trigger bytes
 * F A D I on public/qmgr, Postfix's order) and wakes pickup(8) for the
 * maildrop queue. -s site and -i queue_id go to the flush(8) service
 * (flush_clnt.h), with Postfix's diagnostics.
 * sendmail -bp, mailq and sendmail -q run this command.
 *
 * Listing is allowed to $authorized_mailq_users and flushing to
 * $authorized_flush_users (root and $mail_owner always), matched
 * against the caller's login name: names, !name, and type:table
 * lookups such as the default static:anyone.
 *
 * Security: installed set-group-ID $setgid_group, as Postfix's
 * postqueue is, because public/ (mode 0710, group $setgid_group) holds
 * the showq, qmgr, pickup and flush sockets. For a caller other than
 * root everything is untrusted (setgid_trust.h): MAIL_CONFIG is
 * ignored, a -c directory must be listed in the default main.cf, the
 * environment is reduced to $import_environment, and -v is refused.
 * What the services send back is formatted, never interpreted.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "flush_clnt.h"		/* global */
#include "mainconf.h"
#include "maillog_client.h"
#include "map.h"
#include "param.h"
#include "params_global.h"
#include "setgid_trust.h"
#include "showq_proto.h"
#include "user_acl.h"
#include "master_proto.h"	/* master */
#include "trigger_send.h"
#include "postqueue.h"

#define PQ_MODE_NONE	0
#define PQ_MODE_MAILQ	1	/* -p */
#define PQ_MODE_JSON	2	/* -j */
#define PQ_MODE_FLUSH	3	/* -f */
#define PQ_MODE_SITE	4	/* -s site */
#define PQ_MODE_ID	5	/* -i queue_id */

#define PQ_USAGE "usage: postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p | postqueue -s site"

/*
 * qmgr requests for a full flush, in Postfix's order: forget dead
 * destinations, then scan all queues ignoring deferral times.
 */
static const char pq_flush_request[] = {
	TRIGGER_REQ_FLUSH_DEAD, TRIGGER_REQ_SCAN_ALL,
	TRIGGER_REQ_SCAN_DEFERRED, TRIGGER_REQ_SCAN_INCOMING,
};

/* pq_check_acl - exit unless the caller may do this (root, mail_owner: always) */

static void
pq_check_acl(const char *list, const char *what)
{
	struct passwd *pw;
	uid_t   uid = getuid();

	if (uid == 0 || ((pw = getpwnam(var_mail_owner)) != NULL && pw->pw_uid == uid))
		return;
	user_acl_require(list, what);
}

/* pq_connect - connect to public/service; NULL (errno set) when down */

static IOSTREAM *
pq_connect(const char *service)
{
	struct sockaddr_un sun;
	STRBUF *path = strbuf_create(100);
	IOSTREAM *st;
	int     fd;
	int     saved_errno;

	strbuf_printf(path, "%s/%s", SHOWQ_CLASS, service);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strbuf_len(path) >= sizeof(sun.sun_path)) {
		strbuf_free(&path);
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, strbuf_str(path), strbuf_len(path) + 1);
	strbuf_free(&path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		saved_errno = errno;
		(void) close(fd);
		errno = saved_errno;
		return NULL;
	}
	st = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(st, var_ipc_timeout);
	return st;
}

/*
 * pq_standalone - root, with the mail system down: run showq -S on one
 * end of a socket pair and read the other end. Returns the stream, or
 * NULL (logged).
 */

static IOSTREAM *
pq_standalone(pid_t *pid)
{
	STRBUF *path = strbuf_create(100);
	int     sv[2];
	IOSTREAM *st;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		log_warn("socketpair: %m");
		strbuf_free(&path);
		return NULL;
	}
	strbuf_printf(path, "%s/showq", var_daemon_directory);
	if ((*pid = fork_retry(var_fork_attempts, var_fork_delay)) < 0) {
		log_warn("fork: %m");
		(void) close(sv[0]);
		(void) close(sv[1]);
		strbuf_free(&path);
		return NULL;
	}
	if (*pid == 0) {
		(void) close(sv[0]);
		if (dup2(sv[1], STDIN_FILENO) < 0)
			_exit(EX_OSERR);
		if (sv[1] != STDIN_FILENO)
			(void) close(sv[1]);
		if (setenv("MAIL_CONFIG", mainconf_dir(), 1) < 0)
			_exit(EX_OSERR);
		execl(strbuf_str(path), "showq", "-S", (char *) 0);
		log_fatal_status(EX_OSERR, "execute %s: %m", strbuf_str(path));
	}
	(void) close(sv[1]);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout(st, var_ipc_timeout);
	strbuf_free(&path);
	return st;
}

/* pq_list - postqueue -p and -j */

static void
pq_list(int style)
{
	IOSTREAM *showq;
	IOSTREAM *out;
	STRBUF *why = strbuf_create(100);
	PQ_FMT *fmt;
	pid_t   pid = 0;
	int     status;
	int     out_error;
	int     ret;

	pq_check_acl(var_authorized_mailq_users, "view the mail queue");
	if ((showq = pq_connect(var_showq_service_name)) == NULL) {
		if (getuid() != 0)
			log_fatal_status(EX_UNAVAILABLE,
				"Queue report unavailable - mail system is down");
		log_warn("Mail system is down -- accessing queue directly");
		if ((showq = pq_standalone(&pid)) == NULL)
			log_fatal_status(EX_UNAVAILABLE,
				"Queue report unavailable - mail system is down");
	}
	/* A reader that stops early (mailq | head) is no error. */
	signal(SIGPIPE, SIG_IGN);
	out = iostream_fdopen(STDOUT_FILENO, O_WRONLY);
	fmt = pq_fmt_create(style, var_enable_long_queue_ids, out);
	ret = pq_fmt_showq(showq, fmt, why);
	pq_fmt_free(fmt);
	if ((out_error = (iostream_flush(out) != 0)) && iostream_errno(out) != EPIPE) {
		errno = iostream_errno(out);
		log_fatal_status(EX_IOERR, "output write error: %m");
	}
	(void) iostream_fdclose(out);
	(void) iostream_close(showq);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			 /* void */ ;
	/* A broken pipe to the reader is the reader's choice, not an error. */
	if (ret < 0 && !out_error)
		log_fatal_status(EX_SOFTWARE, "%s", strbuf_str(why));
	strbuf_free(&why);
}

/* pq_flush - postqueue -f */

static void
pq_flush(void)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *path = strbuf_create(100);

	pq_check_acl(var_authorized_flush_users, "flush the mail queue");
	strbuf_printf(path, "public/%s", var_queue_service_name);
	if (trigger_send(MASTER_TYPE_UNIX, strbuf_str(path), pq_flush_request,
			 sizeof(pq_flush_request), var_trigger_timeout, why) < 0) {
		log_warn("unable to send a request to %s: %s", strbuf_str(path),
			 strbuf_str(why));
		log_fatal_status(EX_UNAVAILABLE,
				 "Cannot flush mail queue - mail system is down");
	}
	/* The maildrop queue is pickup's: a wakeup is all it needs. */
	strbuf_printf(path, "public/%s", var_pickup_service_name);
	if (trigger_send(MASTER_TYPE_UNIX, strbuf_str(path), "W", 1,
			 var_trigger_timeout, why) < 0)
		log_warn("unable to send a request to %s: %s", strbuf_str(path),
			 strbuf_str(why));
	strbuf_free(&why);
	strbuf_free(&path);
}

/* pq_flush_service - postqueue -s and -i (flush(8) service) */

static void
pq_flush_service(int mode, const char *arg)
{
	int	status;

	pq_check_acl(var_authorized_flush_users, "flush the mail queue");
	status = (mode == PQ_MODE_SITE ? flush_send_site(arg) : flush_send_file(arg));
	switch (status) {
	case FLUSH_STAT_OK:
		return;
	case FLUSH_STAT_BAD:
		log_fatal_status(EX_USAGE, "Invalid request: \"%s\"", arg);
	case FLUSH_STAT_FAIL:
		log_fatal_status(EX_UNAVAILABLE,
				 "Cannot flush mail queue - mail system is down");
	case FLUSH_STAT_DENY:
		log_fatal_status(EX_UNAVAILABLE,
				 "Flush service is not configured for destination \"%s\"",
				 arg);
	default:
		log_fatal_status(EX_SOFTWARE, "Unknown flush server reply status %d",
				 status);
	}
}

/* main - parse the command line and do what it says */

int
main(int argc, char **argv)
{
	STRBUF *why = strbuf_create(100);
	const char *config_dir = NULL;
	const char *arg = NULL;
	int     untrusted;
	int     mode = PQ_MODE_NONE;
	int     fd;
	int     ch;

	umask(077);
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EX_OSERR);
	untrusted = setgid_untrusted();
	tzset();
	log_init("postqueue", LOG_DEST_STDERR | LOG_DEST_SYSLOG);

	while ((ch = getopt(argc, argv, "c:fi:jps:v")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'f':
			mode = PQ_MODE_FLUSH;
			break;
		case 'i':
			mode = PQ_MODE_ID;
			arg = optarg;
			break;
		case 'j':
			mode = PQ_MODE_JSON;
			break;
		case 'p':
			mode = PQ_MODE_MAILQ;
			break;
		case 's':
			mode = PQ_MODE_SITE;
			arg = optarg;
			break;
		case 'v':
			/* As Postfix 2.3 and later: for the super-user only. */
			if (getuid() == 0)
				log_verbose++;
			break;
		default:
			log_fatal_status(EX_USAGE, PQ_USAGE);
		}
	}
	if (argc > optind)
		log_fatal_status(EX_USAGE, "%s\n%s", "unexpected argument",
				 PQ_USAGE);
	if (mode == PQ_MODE_NONE)
		log_fatal_status(EX_USAGE, "%s", PQ_USAGE);

	if (config_dir != NULL) {
		if (untrusted && strcmp(config_dir, DEF_CONFIG_DIRECTORY) != 0)
			setgid_check_config_dir(config_dir, EX_USAGE);
		mainconf_set_dir(config_dir);
	} else if (!untrusted) {
		(void) mainconf_set_dir_env();
	}
	if (mainconf_read(0, why) < 0)
		log_fatal_status(EX_CONFIG, "%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL | PARAM_GROUP_FLUSH);
	setgid_clean_env();
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);
	(void) maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why);
	if (chdir(var_queue_directory) < 0)
		log_fatal_status(EX_UNAVAILABLE, "chdir %s: %m", var_queue_directory);

	switch (mode) {
	case PQ_MODE_MAILQ:
		pq_list(PQ_FMT_MAILQ);
		break;
	case PQ_MODE_JSON:
		pq_list(PQ_FMT_JSON);
		break;
	case PQ_MODE_FLUSH:
		pq_flush();
		break;
	default:
		pq_flush_service(mode, arg);
	}
	strbuf_free(&why);
	exit(0);
}
