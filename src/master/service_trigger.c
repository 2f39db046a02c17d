/*
 * service_trigger.c - skeleton model: short requests without replies
 *
 * A fifo is read directly (master opened it read-write, so it never
 * reports end of file); a stream endpoint is accepted and read once,
 * because a trigger arrives in one write and some clients wait for us
 * to close before they do; a datagram endpoint delivers one request per
 * datagram. The daemon sees each request as a buffer.
 */

#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "log.h"
#include "mem.h"
#include "params_global.h"	/* global */
#include "service_impl.h"

/* Largest datagram we take (postlogd records are log lines). */
#define TRIGGER_DGRAM_SIZE	65536

/* trigger_call - hand one request to the daemon */

static void
trigger_call(const char *buf, size_t len)
{
	SERVICE_STATE *ss = &service_state;

	(void) service_notify(MASTER_STAT_TAKEN);
	ss->spec->trigger(buf, len, &ss->svc);
	ss->use_count++;
	if (service_used_up() || service_notify(MASTER_STAT_AVAIL) < 0)
		service_exit();
}

/* trigger_fifo_event - the fifo is readable */

static void
trigger_fifo_event(int unused_event, void *context)
{
	SERVICE_STATE *ss = &service_state;
	int	fd = (int) (intptr_t) context;
	char	buf[TRIGGER_BUF_SIZE];
	ssize_t n;

	service_idle_stop();
	if (ss->spec->pre_accept)
		ss->spec->pre_accept(&ss->svc);
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		trigger_call(buf, (size_t) n);
	else if (n == 0)
		log_fatal("fifo endpoint: unexpected end of file");
	else if (errno != EAGAIN && errno != EINTR)
		log_fatal("read fifo endpoint: %m");
	service_idle_start();
}

/* trigger_dgram_event - a datagram arrived */

static void
trigger_dgram_event(int unused_event, void *context)
{
	static char *buf;
	SERVICE_STATE *ss = &service_state;
	int	fd = (int) (intptr_t) context;
	ssize_t n;

	sigset_t block;
	sigset_t saved;

	if (buf == NULL)
		buf = xmalloc(TRIGGER_DGRAM_SIZE);
	service_idle_stop();
	if (ss->spec->pre_accept)
		ss->spec->pre_accept(&ss->svc);

	/*
	 * A datagram taken off the socket exists nowhere else: handle it
	 * before a SIGTERM handler runs (postlogd's drains the queue and
	 * exits), or it dies with the process. Found as master's lost
	 * "terminating on signal 15" line under load.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	(void) sigprocmask(SIG_BLOCK, &block, &saved);
	n = recv(fd, buf, TRIGGER_DGRAM_SIZE, MSG_DONTWAIT);
	if (n > 0)
		trigger_call(buf, (size_t) n);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		log_fatal("receive datagram: %m");
	(void) sigprocmask(SIG_SETMASK, &saved, NULL);
	service_idle_start();
}

/* trigger_stream_event - a client connects to a stream endpoint */

static void
trigger_stream_event(int unused_event, void *context)
{
	SERVICE_STATE *ss = &service_state;
	int	listen_fd = (int) (intptr_t) context;
	char	buf[TRIGGER_BUF_SIZE];
	struct pollfd pfd;
	ssize_t n = 0;
	int	fd;

	service_idle_stop();
	if (ss->spec->pre_accept)
		ss->spec->pre_accept(&ss->svc);
	if ((fd = service_accept(listen_fd)) >= 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, var_trigger_timeout > INT_MAX / 1000 ? INT_MAX
			 : var_trigger_timeout * 1000) > 0) {
			do {
				n = read(fd, buf, sizeof(buf));
			} while (n < 0 && errno == EINTR);
		}
		(void) close(fd);
		if (n > 0)
			trigger_call(buf, (size_t) n);
	}
	service_idle_start();
}

/* trigger_standalone - every chunk of standard input is a request */

static NORETURN
trigger_standalone(void)
{
	char	buf[TRIGGER_BUF_SIZE];
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n > 0)
			trigger_call(buf, (size_t) n);
		else if (n == 0)
			service_exit();
		else if (errno != EINTR)
			log_fatal("read standard input: %m");
	}
}

/* service_trigger_start - register the endpoints, or read stdin */

void
service_trigger_start(void)
{
	SERVICE_STATE *ss = &service_state;
	EVENT_FN fn;
	int	n;

	if (ss->svc.standalone)
		trigger_standalone();
	switch (ss->type) {
	case MASTER_TYPE_FIFO:
		fn = trigger_fifo_event;
		break;
	case MASTER_TYPE_UNIX_DGRAM:
		fn = trigger_dgram_event;
		break;
	default:
		fn = trigger_stream_event;
		break;
	}
	for (n = 0; n < ss->listen_count; n++)
		event_enable_read(ss->listen_fd[n], fn,
				  (void *) (intptr_t) ss->listen_fd[n]);
}
