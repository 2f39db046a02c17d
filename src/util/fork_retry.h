/*
 * fork_retry.h - fork() that tries again when the system is short of
 * processes or memory
 *
 * Postfix programs do not give up on the first failed fork(): they try
 * up to $fork_attempts times, $fork_delay seconds apart, because EAGAIN
 * and ENOMEM are usually short-lived. Every program that forks goes
 * through fork_retry() with those two parameters.
 */

#ifndef FORK_RETRY_H
#define FORK_RETRY_H

#include "sysdeps.h"

#include <sys/types.h>

/*
 * fork() up to attempts times (at least once), sleeping delay seconds
 * after each failure but the last; each failure that is retried is
 * logged as a warning. Returns what fork() returned: the child's pid
 * in the parent, 0 in the child, or -1 with errno from the last try.
 */
extern pid_t fork_retry(int attempts, int delay);

/*
 * For unit tests: replace fork() and sleep(); NULL restores the real
 * one.
 */
typedef pid_t (*FORK_RETRY_FORK_FN)(void);
typedef unsigned (*FORK_RETRY_SLEEP_FN)(unsigned);
extern void fork_retry_hooks(FORK_RETRY_FORK_FN fork_fn,
			     FORK_RETRY_SLEEP_FN sleep_fn);

#endif
