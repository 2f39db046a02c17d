/*
 * maillog_client.c - log to syslog, or through postlogd to $maillog_file
 *
 * An extra output of the log module formats each line as a record and
 * sends it as one datagram. A datagram socket lets postlogd(8) restart
 * (reload, max_idle) without losing anything: records wait in the
 * kernel until the next postlogd reads them, and master starts one as
 * soon as the socket is readable.
 *
 * Sending never blocks for long: when postlogd does not keep up (or
 * cannot start) and the socket queue is full, a record waits at most
 * MAILLOG_SEND_WAIT, so that no program, master least of all, hangs on
 * its own logging. Master must not wait longer, since it is the one
 * that starts postlogd; the daemons and commands that master runs say
 * MAILLOG_CLIENT_FLAG_PATIENT and wait up to MAILLOG_PATIENT_WAIT, so
 * that a burst of deliveries on a busy host does not lose log lines.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "maillog_client.h"	/* global */
#include "maillog_file.h"
#include "params_global.h"

/* Where records go. */
#define MAILLOG_MODE_SYSLOG	0	/* nowhere: syslog has them */
#define MAILLOG_MODE_POSTLOG	1	/* to the postlogd socket */
#define MAILLOG_MODE_DIRECT	2	/* postlogd itself: to its open file */

/* How long one record may wait for room in postlogd's queue (ms). */
#define MAILLOG_SEND_WAIT	1000
#define MAILLOG_PATIENT_WAIT	10000

static struct {
	int	mode;
	int	flags;		/* MAILLOG_CLIENT_FLAG_* */
	char   *path;		/* socket */
	char   *host;		/* $myhostname */
	char   *file;		/* $maillog_file, for the fallback */
	int	sock;		/* connected socket, or -1 */
	int	direct_fd;	/* MAILLOG_MODE_DIRECT */
	int	registered;	/* log_add_output() was called */
	int	busy;		/* in maillog_output(): no recursion */
	STRBUF *rec;
} maillog_state = {
	.sock = -1,
	.direct_fd = -1,
};

/* maillog_disconnect - forget the socket */

static void
maillog_disconnect(void)
{
	if (maillog_state.sock >= 0) {
		(void) close(maillog_state.sock);
		maillog_state.sock = -1;
	}
}

/* maillog_connect - connect to postlogd's socket if not yet connected */

static int
maillog_connect(void)
{
	struct sockaddr_un sun;
	size_t	len = strlen(maillog_state.path);
	int	fd;
	int	err;

	if (maillog_state.sock >= 0)
		return 0;
	if (len >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, maillog_state.path, len + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		err = errno;
		(void) close(fd);
		errno = err;
		return -1;
	}
	maillog_state.sock = fd;
	return 0;
}

/* maillog_send - one record to postlogd; 0 or -1 */

static int
maillog_send(const char *rec, size_t len)
{
	struct pollfd pfd;
	int	attempt;
	int	waited;
	int	limit = (maillog_state.flags & MAILLOG_CLIENT_FLAG_PATIENT) ?
		MAILLOG_PATIENT_WAIT : MAILLOG_SEND_WAIT;

	for (attempt = 0; attempt < 2; attempt++) {
		if (maillog_connect() < 0)
			return -1;
		for (waited = 0;;) {
			if (send(maillog_state.sock, rec, len,
				 MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || waited >= limit)
				break;
			pfd.fd = maillog_state.sock;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			(void) poll(&pfd, 1, MAILLOG_SEND_WAIT);
			waited += MAILLOG_SEND_WAIT;
		}
		/* A full queue stays full for a new connection too. */
		if (errno == EAGAIN)
			return -1;

		/*
		 * Otherwise the endpoint we were connected to is gone (master
		 * made a new one after a reload, or stopped): once more.
		 */
		maillog_disconnect();
	}
	return -1;
}

/* maillog_fallback - append a record to $maillog_file ourselves */

static void
maillog_fallback(const char *rec, size_t len)
{
	STRBUF *why = strbuf_create(100);
	int	fd;

	/* Fatal, as in Postfix: the caller must learn that logging failed. */
	if ((fd = maillog_file_open(maillog_state.file, why)) < 0)
		log_fatal("open logfile '%s': %s", maillog_state.file,
			  strbuf_str(why));
	if (maillog_file_write(fd, rec, len) < 0 || close(fd) < 0)
		log_fatal("logfile '%s' write error: %m", maillog_state.file);
	strbuf_free(&why);
}

/* maillog_output - the log module's extra output */

static void
maillog_output(int level, const char *text)
{
	STRBUF *rec;

	if (maillog_state.mode == MAILLOG_MODE_SYSLOG || maillog_state.busy)
		return;
	maillog_state.busy = 1;
	if (maillog_state.rec == NULL)
		maillog_state.rec = strbuf_create(256);
	rec = maillog_state.rec;
	maillog_file_format(rec, time(NULL), maillog_state.host, log_ident(),
			    (long) getpid(), level, text);
	if (maillog_state.mode == MAILLOG_MODE_DIRECT) {
		/* postlogd: there is nowhere else to report a write error. */
		(void) maillog_file_write(maillog_state.direct_fd,
					  strbuf_str(rec), strbuf_len(rec));
	} else if (maillog_send(strbuf_str(rec), strbuf_len(rec)) < 0
		   && (maillog_state.flags & MAILLOG_CLIENT_FLAG_FALLBACK)) {
		maillog_fallback(strbuf_str(rec), strbuf_len(rec));
	}
	maillog_state.busy = 0;
}

/* maillog_register - become an output of the log module, once */

static void
maillog_register(void)
{
	if (!maillog_state.registered) {
		log_add_output(maillog_output);
		maillog_state.registered = 1;
	}
}

/* maillog_client_init - syslog or postlogd, as main.cf says */

int
maillog_client_init(int flags, STRBUF *why)
{
	if (var_maillog_file == NULL || *var_maillog_file == 0) {
		maillog_client_disable();
		return 0;
	}
	if (maillog_file_check(var_maillog_file, var_maillog_file_prefixes,
			       why) < 0)
		return -1;

	maillog_disconnect();
	xfree(maillog_state.path);
	maillog_state.path = str_concat(var_queue_directory, "/public/",
					var_postlog_service_name, NULL);
	xfree(maillog_state.host);
	/* Postfix's name when it knows none (msg_logger(3)). */
	maillog_state.host = xstrdup(var_myhostname && *var_myhostname ?
				     var_myhostname : "amnesiac");
	xfree(maillog_state.file);
	maillog_state.file = xstrdup(var_maillog_file);
	maillog_state.flags = flags;
	maillog_state.mode = MAILLOG_MODE_POSTLOG;
	maillog_register();
	log_syslog_enable(0);

	/* Before a chroot or setuid() can make the socket unreachable. */
	(void) maillog_connect();
	return 0;
}

/* maillog_client_direct - postlogd writes its own records */

void
maillog_client_direct(int fd)
{
	maillog_disconnect();
	maillog_state.direct_fd = fd;
	maillog_state.mode = MAILLOG_MODE_DIRECT;
	if (maillog_state.host == NULL)
		maillog_state.host = xstrdup(var_myhostname && *var_myhostname ?
					     var_myhostname : "amnesiac");
	maillog_register();
	log_syslog_enable(0);
}

/* maillog_client_disable - back to syslog */

void
maillog_client_disable(void)
{
	maillog_disconnect();
	maillog_state.mode = MAILLOG_MODE_SYSLOG;
	log_syslog_enable(1);
}

/* maillog_client_jail - the socket path as seen from inside a chroot */

void
maillog_client_jail(const char *root)
{
	size_t	len = strlen(root);
	char   *path = maillog_state.path;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (path != NULL && len > 1 && strncmp(path, root, len) == 0
	    && path[len] == '/')
		memmove(path, path + len, strlen(path + len) + 1);
}

/* maillog_client_path - the socket path in use */

const char *
maillog_client_path(void)
{
	return maillog_state.mode == MAILLOG_MODE_POSTLOG ?
	    maillog_state.path : NULL;
}
