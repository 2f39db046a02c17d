/*
 * fork_retry_test.c - unit tests for fork() with retries
 *
 * A fake fork() fails a chosen number of times with a chosen errno;
 * the tests count the tries and the sleeps. One test forks for real.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fork_retry.h"

static int fake_failures;		/* fail this many times, then succeed */
static int fake_errno;
static int fake_calls;
static int fake_sleeps;
static unsigned fake_slept;

/* fake_fork - fail fake_failures times, then "be the parent of 4242" */

static pid_t
fake_fork(void)
{
	fake_calls++;
	if (fake_calls <= fake_failures) {
		errno = fake_errno;
		return -1;
	}
	return 4242;
}

/* fake_sleep - count sleeps instead of sleeping */

static unsigned
fake_sleep(unsigned seconds)
{
	fake_sleeps++;
	fake_slept += seconds;
	return 0;
}

/* test_table - tries, sleeps and outcome for failure patterns */

static void
test_table(void **state)
{
	static const struct {
		int	failures, err, attempts, delay;
		pid_t	result;
		int	calls, sleeps;
		unsigned slept;
	} t[] = {
		{0, EAGAIN, 5, 1, 4242, 1, 0, 0},	/* first try works */
		{2, EAGAIN, 5, 3, 4242, 3, 2, 6},	/* works on try 3 */
		{4, ENOMEM, 5, 1, 4242, 5, 4, 4},	/* works on the last */
		{9, EAGAIN, 5, 2, -1, 5, 4, 8},		/* gives up after 5 */
		{9, EAGAIN, 1, 1, -1, 1, 0, 0},		/* one attempt only */
		{9, EAGAIN, 0, 1, -1, 1, 0, 0},		/* 0: still one try */
		{9, EPERM, 5, 1, -1, 1, 0, 0},		/* not transient */
	};
	size_t	i;
	pid_t	pid;

	(void) state;
	fork_retry_hooks(fake_fork, fake_sleep);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fake_failures = t[i].failures;
		fake_errno = t[i].err;
		fake_calls = fake_sleeps = 0;
		fake_slept = 0;
		errno = 0;
		pid = fork_retry(t[i].attempts, t[i].delay);
		assert_int_equal(pid, t[i].result);
		assert_int_equal(fake_calls, t[i].calls);
		assert_int_equal(fake_sleeps, t[i].sleeps);
		assert_int_equal(fake_slept, t[i].slept);
		if (pid < 0)
			assert_int_equal(errno, t[i].err);
	}
	fork_retry_hooks(NULL, NULL);
}

/* test_real_fork - with the real fork(), a child runs and exits */

static void
test_real_fork(void **state)
{
	pid_t	pid;
	int	status;

	(void) state;
	if ((pid = fork_retry(5, 1)) == 0)
		_exit(7);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_real_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
