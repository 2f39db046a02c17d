/*
 * master_sig.c - signals become flags and a byte on a pipe
 *
 * The handlers only set a flag and write to a non-blocking pipe that
 * the event loop watches, so a signal that arrives just before the loop
 * goes to sleep still wakes it; master.c acts on the flags between
 * rounds, outside any handler.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "log.h"
#include "master.h"

volatile sig_atomic_t master_got_sighup;
volatile sig_atomic_t master_got_sigchld;
volatile sig_atomic_t master_got_sigterm;

static int master_sig_pipe[2] = {-1, -1};

/* The signals that master handles. */
static const int master_sig_list[] = {SIGHUP, SIGCHLD, SIGTERM, SIGINT,
SIGQUIT};

/* master_sig_handler - remember the signal, wake the loop */

static void
master_sig_handler(int sig)
{
	int	saved_errno = errno;

	switch (sig) {
	case SIGHUP:
		master_got_sighup = 1;
		break;
	case SIGCHLD:
		master_got_sigchld = 1;
		break;
	default:
		master_got_sigterm = sig;
		break;
	}
	if (write(master_sig_pipe[1], "", 1) < 0) {
		/* Full pipe: the loop will wake up anyway. */
	}
	errno = saved_errno;
}

/* master_sig_drain - empty the pipe */

static void
master_sig_drain(int unused_event, void *unused_context)
{
	char	buf[64];

	while (read(master_sig_pipe[0], buf, sizeof(buf)) > 0)
		 /* void */ ;
}

/* master_sig_init - install the handlers */

void
master_sig_init(void)
{
	struct sigaction sa;
	size_t	i;

	if (pipe2(master_sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		log_fatal("pipe: %m");
	event_enable_read(master_sig_pipe[0], master_sig_drain, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = master_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < ARRAY_LEN(master_sig_list); i++) {
		sa.sa_flags = SA_RESTART
		    | (master_sig_list[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
		if (sigaction(master_sig_list[i], &sa, NULL) < 0)
			log_fatal("sigaction %d: %m", master_sig_list[i]);
	}
}

/* master_sig_child - a new child starts with default signal handling */

void
master_sig_child(void)
{
	struct sigaction sa;
	sigset_t mask;
	size_t	i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_LEN(master_sig_list); i++)
		(void) sigaction(master_sig_list[i], &sa, NULL);
	(void) sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&mask);
	(void) sigprocmask(SIG_SETMASK, &mask, NULL);
}
