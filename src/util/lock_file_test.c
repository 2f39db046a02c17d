/*
 * lock_file_test.c - unit tests for fcntl/flock locks and dot-locks
 *
 * Kernel locks only conflict between processes (fcntl) or open file
 * descriptions (flock), so the other contender is a fork()ed child
 * that opens the file itself and reports each result over a pipe. The
 * parent tells the child when to go on through a second pipe.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "lock_file.h"

typedef int (*LOCK_FN)(int, int, int);

static char *dir;
static char *file;

/* now_ms - monotonic clock for elapsed-time checks */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* setup - temporary directory with one file to lock */

static int
setup(void **state)
{
	char    tmpl[] = "/tmp/lock_file_test.XXXXXX";
	int     fd;

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	file = str_concat(dir, "/mbox", (char *) 0);
	if ((fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600)) < 0)
		return -1;
	close(fd);
	return 0;
}

/* teardown - remove what the tests made */

static int
teardown(void **state)
{
	char   *lock = str_concat(file, ".lock", (char *) 0);

	(void) unlink(lock);
	(void) unlink(file);
	(void) rmdir(dir);
	xfree(lock);
	xfree(file);
	xfree(dir);
	return 0;
}

/*
 * Child script: for each step, wait for the parent's go byte, try the
 * lock, and report 0 (got it), 1 (EAGAIN) or 2 (other error), plus the
 * milliseconds the call took.
 */
struct step {
	int     mode;
	int     wait;
};

struct report {
	int     result;
	long    ms;
};

/* child_run - body of the contending child; never returns */

static void
child_run(LOCK_FN fn, const struct step *steps, int nsteps, int go_fd,
	  int report_fd)
{
	struct report r;
	char    go;
	long    t0;
	int     fd, i;

	if ((fd = open(file, O_RDWR)) < 0)
		_exit(3);
	for (i = 0; i < nsteps; i++) {
		if (read(go_fd, &go, 1) != 1)
			_exit(4);
		t0 = now_ms();
		if (fn(fd, steps[i].mode, steps[i].wait) == 0)
			r.result = 0;
		else
			r.result = (errno == EAGAIN) ? 1 : 2;
		r.ms = now_ms() - t0;
		if (write(report_fd, &r, sizeof(r)) != sizeof(r))
			_exit(5);
	}
	_exit(0);
}

/* contend - the same lock dialogue for either lock kind */

static void
contend(LOCK_FN fn)
{
	static const struct step steps[] = {
		{LOCK_MODE_SHARED, LOCK_NOWAIT},	/* parent: exclusive */
		{LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT},	/* parent: unlocked */
		{LOCK_MODE_NONE, LOCK_NOWAIT},
		{LOCK_MODE_SHARED, LOCK_NOWAIT},	/* parent: shared */
		{LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT},	/* parent: shared */
		{LOCK_MODE_NONE, LOCK_NOWAIT},
		{LOCK_MODE_EXCLUSIVE, LOCK_WAIT},	/* parent lets go later */
	};
	struct report r;
	int     go[2], rep[2], fd, status;
	pid_t   pid;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(rep), 0);
	if ((pid = fork()) == 0) {
		close(go[1]);
		close(rep[0]);
		child_run(fn, steps, ARRAY_LEN(steps), go[0], rep[1]);
	}
	assert_true(pid > 0);
	close(go[0]);
	close(rep[1]);
	fd = open(file, O_RDWR);
	assert_true(fd >= 0);

#define STEP(want) do { \
		assert_int_equal(write(go[1], "g", 1), 1); \
		assert_int_equal(read(rep[0], &r, sizeof(r)), sizeof(r)); \
		assert_int_equal(r.result, (want)); \
	} while (0)

	assert_int_equal(fn(fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT), 0);
	STEP(1);					/* shared refused */
	assert_true(r.ms < 500);			/* at once */
	assert_int_equal(fn(fd, LOCK_MODE_NONE, LOCK_NOWAIT), 0);
	STEP(0);					/* exclusive granted */
	assert_int_equal(fn(fd, LOCK_MODE_SHARED, LOCK_NOWAIT), -1);
	assert_int_equal(errno, EAGAIN);		/* child holds it */
	STEP(0);					/* child unlocks */

	assert_int_equal(fn(fd, LOCK_MODE_SHARED, LOCK_NOWAIT), 0);
	STEP(0);					/* shared + shared */
	STEP(1);					/* no upgrade */
	STEP(0);

	/* The child blocks until we let go, 150 ms from now. */
	assert_int_equal(fn(fd, LOCK_MODE_EXCLUSIVE, LOCK_WAIT), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	usleep(150000);
	assert_int_equal(fn(fd, LOCK_MODE_NONE, LOCK_NOWAIT), 0);
	assert_int_equal(read(rep[0], &r, sizeof(r)), sizeof(r));
	assert_int_equal(r.result, 0);
	assert_true(r.ms >= 100 && r.ms < 2000);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	close(go[1]);
	close(rep[0]);
}

/* test_fcntl - POSIX locks against another process */

static void
test_fcntl(void **state)
{
	contend(lock_fcntl);
}

/* test_flock - BSD locks against another process */

static void
test_flock(void **state)
{
	contend(lock_flock);
}

/*
 * test_kinds_differ - two descriptors of one file in one process: flock
 * locks conflict, fcntl locks do not (they belong to the process).
 */
static void
test_kinds_differ(void **state)
{
	int     a = open(file, O_RDWR), b = open(file, O_RDWR);

	assert_true(a >= 0 && b >= 0);
	assert_int_equal(lock_flock(a, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT), 0);
	assert_int_equal(lock_flock(b, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(lock_fcntl(a, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT), 0);
	assert_int_equal(lock_fcntl(b, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT), 0);
	assert_int_equal(lock_fcntl(-1, LOCK_MODE_SHARED, LOCK_NOWAIT), -1);
	assert_int_equal(errno, EBADF);
	close(a);
	close(b);
}

/* lock_exists - the dot-lock file is there */

static int
lock_exists(void)
{
	char   *lock = str_concat(file, ".lock", (char *) 0);
	struct stat st;
	int     ret = lstat(lock, &st) == 0;

	xfree(lock);
	return ret;
}

/* test_dotlock - acquire, contend, release */

static void
test_dotlock(void **state)
{
	STRBUF *why = strbuf_create(100);
	long    t0, dt;

	assert_int_equal(dotlock_acquire(file, why), 0);
	assert_true(lock_exists());

	/* Held: three tries, 20 ms apart, then EAGAIN with a reason. */
	t0 = now_ms();
	assert_int_equal(dotlock_acquire_ext(file, 3, 20, 500, why), -1);
	dt = now_ms() - t0;
	assert_int_equal(errno, EAGAIN);
	assert_true(dt >= 35 && dt < 1000);
	assert_non_null(strstr(strbuf_str(why), "cannot create lock file"));
	assert_non_null(strstr(strbuf_str(why), ".lock"));

	assert_int_equal(dotlock_release(file), 0);
	assert_false(lock_exists());
	assert_int_equal(dotlock_release(file), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(dotlock_acquire_ext(file, 1, 0, 0, why), 0);
	assert_int_equal(dotlock_release(file), 0);
	strbuf_free(&why);
}

/* test_dotlock_stale - an old lock is broken, a fresh one is not */

static void
test_dotlock_stale(void **state)
{
	STRBUF *why = strbuf_create(100);
	char   *lock = str_concat(file, ".lock", (char *) 0);
	struct utimbuf ut;
	int     fd;

	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(dotlock_acquire_ext(file, 1, 0, 500, why), -1);

	ut.actime = ut.modtime = time((time_t *) 0) - 1000;
	assert_int_equal(utime(lock, &ut), 0);
	assert_int_equal(dotlock_acquire_ext(file, 1, 0, 0, why), -1);	/* off */
	assert_int_equal(dotlock_acquire_ext(file, 1, 0, 500, why), 0);
	assert_int_equal(dotlock_acquire_ext(file, 1, 0, 500, why), -1);	/* ours */
	assert_int_equal(dotlock_release(file), 0);
	xfree(lock);
	strbuf_free(&why);
}

/* test_dotlock_wait - a holder that lets go within the retries */

static void
test_dotlock_wait(void **state)
{
	STRBUF *why = strbuf_create(100);
	char   *nodir = str_concat(dir, "/nodir/file", (char *) 0);
	int     status;
	long    t0;
	pid_t   pid;

	assert_int_equal(dotlock_acquire(file, why), 0);
	if ((pid = fork()) == 0) {
		usleep(100000);
		_exit(dotlock_release(file) == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	t0 = now_ms();
	assert_int_equal(dotlock_acquire_ext(file, 50, 20, 500, why), 0);
	assert_true(now_ms() - t0 >= 80);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(dotlock_release(file), 0);

	/* Errors other than "exists" are not retried. */
	t0 = now_ms();
	assert_int_equal(dotlock_acquire_ext(nodir, 50, 100, 500, why), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(now_ms() - t0 < 100);
	assert_non_null(strstr(strbuf_str(why), "No such file"));
	xfree(nodir);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fcntl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotlock_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotlock_wait, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
