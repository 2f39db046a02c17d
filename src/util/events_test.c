/*
 * events_test.c - unit tests for the event loop
 *
 * Pipes and socket pairs stand in for clients. Each test leaves no
 * descriptor registered and no timer pending, because the loop's state
 * is global and outlives a test.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events.h"

/* now_ms - monotonic clock for elapsed-time checks */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What callbacks saw. */
#define MAX_CALLS	32

static struct call {
	int     event;
	void   *ctx;
	int     tag;			/* which callback */
} calls[MAX_CALLS];
static int ncalls;

/* record - note one callback */

static void
record(int tag, int event, void *ctx)
{
	assert_true(ncalls < MAX_CALLS);
	calls[ncalls].event = event;
	calls[ncalls].ctx = ctx;
	calls[ncalls].tag = tag;
	ncalls++;
}

/* on_read - read callback: consume one byte, note the event */

static void
on_read(int event, void *ctx)
{
	int     fd = *(int *) ctx;
	char    ch;

	record('r', event, ctx);
	if (event == EVENT_READ)
		(void) read(fd, &ch, 1);
}

/* on_write - write callback: note the event */

static void
on_write(int event, void *ctx)
{
	record('w', event, ctx);
}

/* test_read_write - readable and writable descriptors, then disabled */

static void
test_read_write(void **state)
{
	int     pv[2], sv[2];

	ncalls = 0;
	assert_int_equal(pipe(pv), 0);
	event_enable_read(pv[0], on_read, &pv[0]);
	event_loop(0);
	assert_int_equal(ncalls, 0);			/* nothing to read */

	assert_int_equal(write(pv[1], "x", 1), 1);
	event_loop(1000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].tag, 'r');
	assert_int_equal(calls[0].event, EVENT_READ);
	assert_ptr_equal(calls[0].ctx, &pv[0]);
	event_loop(0);
	assert_int_equal(ncalls, 1);			/* byte consumed */

	/* Read and write on one descriptor, each with its own callback. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	event_enable_write(sv[0], on_write, &sv[0]);
	event_enable_read(sv[0], on_read, &sv[0]);
	assert_int_equal(write(sv[1], "y", 1), 1);
	ncalls = 0;
	event_loop(1000);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[0].tag, 'r');
	assert_int_equal(calls[1].tag, 'w');
	assert_int_equal(calls[1].event, EVENT_WRITE);

	event_disable_readwrite(sv[0]);
	event_disable_readwrite(sv[0]);			/* harmless */
	event_disable_readwrite(1000);			/* never known */
	assert_int_equal(write(sv[1], "z", 1), 1);
	ncalls = 0;
	event_loop(0);
	assert_int_equal(ncalls, 0);

	event_disable_readwrite(pv[0]);
	close(pv[0]);
	close(pv[1]);
	close(sv[0]);
	close(sv[1]);
}

/* test_hangup - writer gone: data first, then EVENT_ERROR */

static void
test_hangup(void **state)
{
	int     pv[2], sv[2], i;

	assert_int_equal(pipe(pv), 0);
	assert_int_equal(write(pv[1], "x", 1), 1);
	close(pv[1]);
	event_enable_read(pv[0], on_read, &pv[0]);
	ncalls = 0;
	for (i = 0; i < 3; i++)
		event_loop(1000);
	event_disable_readwrite(pv[0]);
	close(pv[0]);
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].event, EVENT_READ);	/* the last data */
	assert_int_equal(calls[1].event, EVENT_ERROR);	/* then hangup */
	assert_int_equal(calls[2].event, EVENT_ERROR);	/* level-triggered */

	/* A write-only registration hears about the hangup too. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	event_enable_write(sv[0], on_write, &sv[0]);
	ncalls = 0;
	event_loop(1000);
	event_disable_readwrite(sv[0]);
	close(sv[0]);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].tag, 'w');
	assert_int_equal(calls[0].event, EVENT_ERROR);
}

/* Two ready peers whose callbacks sabotage each other. */
static int peer_fd[2];
static int fresh_calls;

/* on_fresh - must never run: registered after the wait */

static void
on_fresh(int event, void *ctx)
{
	fresh_calls++;
}

/*
 * on_peer - disable and close the other descriptor, and put a new pipe
 * under its number with a new callback, as when a new client arrives.
 */
static void
on_peer(int event, void *ctx)
{
	int     me = (int) (intptr_t) ctx;
	int     other = peer_fd[1 - me];
	int     pv[2];

	record('p', event, ctx);
	event_disable_readwrite(other);
	close(other);
	assert_int_equal(pipe(pv), 0);
	if (pv[0] != other) {
		assert_int_equal(dup2(pv[0], other), other);
		close(pv[0]);
	}
	close(pv[1]);				/* so it hangs up, later */
	event_enable_read(other, on_fresh, NULL);
	event_disable_readwrite(peer_fd[me]);
}

/* test_callback_disables_other - no stale event reaches a new owner */

static void
test_callback_disables_other(void **state)
{
	int     a[2], b[2], i;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	peer_fd[0] = a[0];
	peer_fd[1] = b[0];
	event_enable_read(a[0], on_peer, (void *) (intptr_t) 0);
	event_enable_read(b[0], on_peer, (void *) (intptr_t) 1);
	assert_int_equal(write(a[1], "1", 1), 1);
	assert_int_equal(write(b[1], "2", 1), 1);
	ncalls = 0;
	fresh_calls = 0;
	event_loop(1000);
	assert_int_equal(ncalls, 1);			/* the other was cut off */
	assert_int_equal(fresh_calls, 0);		/* stale event dropped */

	/* The new registration works in the next round (hangup). */
	event_loop(1000);
	assert_int_equal(fresh_calls, 1);
	for (i = 0; i < 2; i++) {
		event_disable_readwrite(peer_fd[i]);
		close(peer_fd[i]);
	}
	close(a[1]);
	close(b[1]);
}

/* test_high_fd - descriptor numbers beyond the initial table */

static void
test_high_fd(void **state)
{
	int     pv[2], hi = 300;

	assert_int_equal(pipe(pv), 0);
	assert_int_equal(dup2(pv[0], hi), hi);
	event_enable_read(hi, on_read, &hi);
	assert_int_equal(write(pv[1], "x", 1), 1);
	ncalls = 0;
	event_loop(1000);
	assert_int_equal(ncalls, 1);
	assert_ptr_equal(calls[0].ctx, &hi);
	event_disable_readwrite(hi);
	close(hi);
	close(pv[0]);
	close(pv[1]);
}

/* on_timer - timer callback: note the event; context is a tag */

static void
on_timer(int event, void *ctx)
{
	record((int) (intptr_t) ctx, event, ctx);
}

/* run_until - loop until n callbacks or a second has passed */

static void
run_until(int n)
{
	long    t0 = now_ms();

	while (ncalls < n && now_ms() - t0 < 1000)
		event_loop(100);
}

/* test_timer_order - by time, equal times in request order */

static void
test_timer_order(void **state)
{
	static const int want[] = {'B', 'C', 'D', 'E', 'A'};
	size_t  i;

	ncalls = 0;
	event_request_timer(on_timer, (void *) (intptr_t) 'A', 40);
	event_request_timer(on_timer, (void *) (intptr_t) 'D', 10);
	event_request_timer(on_timer, (void *) (intptr_t) 'B', 0);
	event_request_timer(on_timer, (void *) (intptr_t) 'C', 10);
	event_request_timer(on_timer, (void *) (intptr_t) 'D', 10);	/* moved back */
	event_request_timer(on_timer, (void *) (intptr_t) 'E', 10);
	run_until(ARRAY_LEN(want));
	event_loop(60);					/* nothing more */
	assert_int_equal(ncalls, ARRAY_LEN(want));
	for (i = 0; i < ARRAY_LEN(want); i++) {
		assert_int_equal(calls[i].tag, want[i]);
		assert_int_equal(calls[i].event, EVENT_TIMER);
	}
}

/* test_timer_cancel - cancel reports the time left; replaced timers */

static void
test_timer_cancel(void **state)
{
	int     left;
	long    t0;

	ncalls = 0;
	assert_int_equal(event_cancel_timer(on_timer, (void *) (intptr_t) 1), -1);
	event_request_timer(on_timer, (void *) (intptr_t) 1, 500);
	left = event_cancel_timer(on_timer, (void *) (intptr_t) 1);
	assert_true(left > 400 && left <= 500);
	assert_int_equal(event_cancel_timer(on_timer, (void *) (intptr_t) 1), -1);

	/* The same callback with another context is another timer. */
	event_request_timer(on_timer, (void *) (intptr_t) 1, 20);
	event_request_timer(on_timer, (void *) (intptr_t) 2, 30);
	assert_true(event_cancel_timer(on_timer, (void *) (intptr_t) 1) >= 0);
	t0 = now_ms();
	run_until(1);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].tag, 2);
	assert_true(now_ms() - t0 >= 25);
}

static int rearm_count;

/* on_rearm - a timer that asks for itself again, at once */

static void
on_rearm(int event, void *ctx)
{
	rearm_count++;
	event_request_timer(on_rearm, ctx, 0);
}

/* test_timer_rearm - a zero-delay timer from a timer waits a round */

static void
test_timer_rearm(void **state)
{
	rearm_count = 0;
	event_request_timer(on_rearm, NULL, 0);
	event_loop(0);
	assert_int_equal(rearm_count, 1);
	event_loop(0);
	assert_int_equal(rearm_count, 2);
	assert_int_equal(event_cancel_timer(on_rearm, NULL), 0);
	event_loop(0);
	assert_int_equal(rearm_count, 2);
}

/* test_loop_wait - the wait ends at max_wait or at the next timer */

static void
test_loop_wait(void **state)
{
	long    t0, dt;
	int64_t ms0;
	time_t  now;

	ms0 = event_time_ms();
	t0 = now_ms();
	event_loop(50);
	dt = now_ms() - t0;
	assert_true(dt >= 45 && dt < 500);
	assert_true(event_time_ms() - ms0 >= 45);
	now = time((time_t *) 0);
	assert_true(event_time() >= now - 1 && event_time() <= now);

	ncalls = 0;
	event_request_timer(on_timer, (void *) (intptr_t) 'T', 30);
	t0 = now_ms();
	event_loop(5000);
	dt = now_ms() - t0;
	assert_int_equal(ncalls, 1);
	assert_true(dt >= 25 && dt < 1000);
}

/*
 * test_fork - a child that calls event_fork() may drop registrations
 * without taking them away from the parent.
 */
static void
test_fork(void **state)
{
	int     pv[2], status;
	pid_t   pid;

	assert_int_equal(pipe(pv), 0);
	event_enable_read(pv[0], on_read, &pv[0]);
	if ((pid = fork()) == 0) {
		event_fork();
		event_disable_readwrite(pv[0]);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	assert_int_equal(write(pv[1], "x", 1), 1);
	ncalls = 0;
	event_loop(500);
	assert_int_equal(ncalls, 1);
	event_disable_readwrite(pv[0]);
	close(pv[0]);
	close(pv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_hangup),
		cmocka_unit_test(test_callback_disables_other),
		cmocka_unit_test(test_high_fd),
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_timer_rearm),
		cmocka_unit_test(test_loop_wait),
		cmocka_unit_test(test_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
