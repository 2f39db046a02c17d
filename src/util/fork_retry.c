/*
 * fork_retry.c - fork() with a bounded number of retries
 *
 * Only the errors that can go away by themselves (EAGAIN: process or
 * thread limit, ENOMEM: memory) are worth a retry; anything else is
 * returned at once.
 */

#include "sysdeps.h"

#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "fork_retry.h"

static FORK_RETRY_FORK_FN fork_retry_fork = fork;
static FORK_RETRY_SLEEP_FN fork_retry_sleep = sleep;

/* fork_retry_hooks - replace fork() and sleep() for tests */

void
fork_retry_hooks(FORK_RETRY_FORK_FN fork_fn, FORK_RETRY_SLEEP_FN sleep_fn)
{
	fork_retry_fork = fork_fn ? fork_fn : fork;
	fork_retry_sleep = sleep_fn ? sleep_fn : sleep;
}

/* fork_retry - fork, trying again after transient failures */

pid_t
fork_retry(int attempts, int delay)
{
	pid_t	pid;
	int	n, saved;

	for (n = 1;; n++) {
		if ((pid = fork_retry_fork()) >= 0)
			return pid;
		saved = errno;
		if (n >= attempts || (saved != EAGAIN && saved != ENOMEM))
			break;
		log_warn("fork: %m; trying again in %d seconds (attempt %d of %d)",
			 delay, n, attempts);
		if (delay > 0)
			(void) fork_retry_sleep((unsigned) delay);
		errno = saved;
	}
	errno = saved;
	return -1;
}
