/*
 * master_avail_test.c - process accounting, status reports, throttling
 *
 * Runs the real availability, status, spawn and wakeup modules. The
 * children are /bin/sh scripts: one that reports to master writes its
 * status records to descriptor 5 with printf, exactly as a daemon
 * would, so the whole path from child to process table is exercised.
 * Log lines are captured to check the warnings master writes.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "events.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "master.h"

static STRBUF *logged;
static int pipe_write_end = -1;	/* keeps the fake endpoint quiet */

/* capture_log - keep what master logs */

static void
capture_log(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* now_ms - monotonic clock */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Shell code with which a child reports to master: "report 0" (busy) or
 * "report 1" (available). o() prints the escapes for a 32-bit number;
 * one printf then writes the whole record, as a daemon does.
 */
#define REPORT_FN \
	"o() { printf '\\\\%03o\\\\%03o\\\\%03o\\\\%03o' $((($1>>24)&255)) " \
	"$((($1>>16)&255)) $((($1>>8)&255)) $(($1&255)); }; " \
	"report() { printf \"$(o $$)$(o $GENERATION)$(o $1)\" >&5; }; "

/* new_serv - a service that runs a shell script */

static MASTER_SERV *
new_serv(int type, int max_proc, const char *script)
{
	MASTER_SERV *serv = xcalloc(1, sizeof(*serv));
	int	pipefd[2];

	serv->ext_name = xstrdup("test");
	serv->name = xstrdup("private/test");
	serv->type = type;
	serv->max_proc = max_proc;
	serv->throttle_delay = 1;
	serv->path = xstrdup("/bin/sh");
	serv->args = argv_create();
	argv_add(serv->args, "sh");
	argv_add(serv->args, "-c");
	argv_add(serv->args, script);
	serv->listen_count = 1;
	serv->listen_fd = xmalloc(sizeof(int));
	/* An open write end: no data, no hangup, so the listener stays quiet. */
	assert_int_equal(pipe(pipefd), 0);
	pipe_write_end = pipefd[1];
	serv->listen_fd[0] = pipefd[0];
	serv->status_fd[0] = serv->status_fd[1] = -1;
	master_status_init(serv);
	master_avail_listen(serv);
	return serv;
}

/* free_serv - undo new_serv */

static void
free_serv(MASTER_SERV *serv)
{
	master_status_cleanup(serv);
	event_disable_readwrite(serv->listen_fd[0]);
	close(serv->listen_fd[0]);
	close(pipe_write_end);
	master_ent_free(serv);
}

/* run_until - run the event loop and reap children until cond holds */

#define run_until(cond, max_ms) do { \
	long deadline_ = now_ms() + (max_ms); \
	int ok_; \
	while (!(ok_ = (cond)) && now_ms() < deadline_) { \
		event_loop(20); \
		master_reap_child(); \
	} \
	assert_true(ok_); \
} while (0)

/* fake_proc - a process entry without a process */

static MASTER_PROC *
fake_proc(MASTER_SERV *serv, pid_t pid, unsigned gen)
{
	MASTER_PROC *proc = xcalloc(1, sizeof(*proc));

	proc->serv = serv;
	proc->pid = pid;
	proc->gen = gen;
	proc->avail = MASTER_STAT_TAKEN;
	master_proc_add(proc);
	serv->total_proc++;
	master_avail_more(serv, proc);
	return proc;
}

/* drop_proc - forget a fake process */

static void
drop_proc(MASTER_SERV *serv, MASTER_PROC *proc)
{
	serv->total_proc--;
	if (proc->avail == MASTER_STAT_AVAIL)
		master_avail_less(serv, proc);
	else
		master_avail_listen(serv);
	master_proc_remove(proc);
	xfree(proc);
}

/* test_want_listen - the policy table */

static void
test_want_listen(void **unused_state)
{
	static const struct {
		int	throttled, avail, total, max;
		int	want;
	} t[] = {
		{0, 0, 0, 1, 1},
		{0, 0, 0, 0, 1},	/* 0: no limit */
		{0, 0, 1000, 0, 1},
		{0, 1, 1, 5, 0},	/* one is free: it watches */
		{0, 0, 4, 5, 1},
		{0, 0, 5, 5, 0},	/* at the limit */
		{1, 0, 0, 5, 0},	/* throttled */
		{1, 0, 0, 0, 0},
	};
	MASTER_SERV serv;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		memset(&serv, 0, sizeof(serv));
		serv.flags = t[i].throttled ? MASTER_FLAG_THROTTLE : 0;
		serv.avail_proc = t[i].avail;
		serv.total_proc = t[i].total;
		serv.max_proc = t[i].max;
		assert_int_equal(master_avail_want_listen(&serv), t[i].want);
	}
}

/* test_accounting - status reports move the counts and the listener */

static void
test_accounting(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_UNIX, 2, "exit 0");
	MASTER_PROC *p1, *p2;
	MASTER_STATUS stat;

	assert_true(MASTER_LISTENING(serv));
	p1 = fake_proc(serv, 999991, 7);
	assert_int_equal(serv->avail_proc, 1);
	assert_false(MASTER_LISTENING(serv));

	/* Busy: master watches again, since the limit allows one more. */
	stat.pid = 999991;
	stat.gen = 7;
	stat.status = MASTER_STAT_TAKEN;
	master_status_apply(serv, &stat);
	assert_int_equal(serv->avail_proc, 0);
	assert_true(MASTER_LISTENING(serv));

	/* A report from an older generation of that pid changes nothing. */
	stat.gen = 6;
	stat.status = MASTER_STAT_AVAIL;
	master_status_apply(serv, &stat);
	assert_int_equal(serv->avail_proc, 0);
	assert_true(strstr(strbuf_str(logged),
		 "ignoring status update from child pid 999991 generation 6") != NULL);

	/* Nor does an unknown pid, or a repeated report. */
	stat.pid = 999999;
	stat.gen = 7;
	master_status_apply(serv, &stat);
	stat.pid = 999991;
	stat.status = MASTER_STAT_TAKEN;
	master_status_apply(serv, &stat);
	assert_int_equal(serv->avail_proc, 0);
	assert_int_equal(p1->use_count, 0);

	/* A second busy process: at the limit, nobody listens. */
	p2 = fake_proc(serv, 999992, 8);
	stat.pid = 999992;
	stat.gen = 8;
	master_status_apply(serv, &stat);
	assert_int_equal(serv->total_proc, 2);
	assert_int_equal(serv->avail_proc, 0);
	assert_false(MASTER_LISTENING(serv));

	/* Done with a request: available again, and one use counted. */
	stat.status = MASTER_STAT_AVAIL;
	master_status_apply(serv, &stat);
	assert_int_equal(serv->avail_proc, 1);
	assert_int_equal(p2->use_count, 1);
	assert_false(MASTER_LISTENING(serv));

	drop_proc(serv, p2);
	assert_true(MASTER_LISTENING(serv));
	drop_proc(serv, p1);
	assert_int_equal(serv->total_proc, 0);
	free_serv(serv);
}

/* test_verdict - what a child's end means */

static void
test_verdict(void **unused_state)
{
	static const struct {
		int	status;
		int	use_count, throttled, killed_by_us;
		int	want;
	} t[] = {
		{W_EXITCODE(0, 0), 0, 0, 0, MASTER_EXIT_OK},
		{W_EXITCODE(0, 0), 5, 0, 0, MASTER_EXIT_OK},
		{W_EXITCODE(1, 0), 0, 0, 0, MASTER_EXIT_WARN | MASTER_EXIT_THROTTLE},
		{W_EXITCODE(1, 0), 1, 0, 0, MASTER_EXIT_WARN},
		{W_EXITCODE(1, 0), 0, 1, 0, MASTER_EXIT_WARN},
		{W_EXITCODE(0, 9), 0, 0, 0, MASTER_EXIT_WARN | MASTER_EXIT_THROTTLE},
		{W_EXITCODE(0, 9), 3, 0, 0, MASTER_EXIT_WARN},
		{W_EXITCODE(0, 15), 0, 0, 1, MASTER_EXIT_OK},
		{W_EXITCODE(0, 9), 0, 0, 1, MASTER_EXIT_OK},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		assert_int_equal(master_exit_verdict(t[i].status, t[i].use_count,
						     t[i].throttled,
						     t[i].killed_by_us), t[i].want);
}

/* test_bad_startup - a failing command throttles, then recovers */

static void
test_bad_startup(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_UNIX, 0, "exit 3");
	long	start;

	master_spawn(serv);
	assert_int_equal(serv->total_proc, 1);
	assert_int_equal(serv->avail_proc, 1);
	assert_false(MASTER_LISTENING(serv));
	run_until(serv->total_proc == 0, 5000);
	assert_true(MASTER_THROTTLED(serv));
	assert_false(MASTER_LISTENING(serv));
	assert_true(strstr(strbuf_str(logged), "warning: process /bin/sh pid ") != NULL);
	assert_true(strstr(strbuf_str(logged), " exit status 3\n") != NULL);
	assert_true(strstr(strbuf_str(logged),
			   "warning: /bin/sh: bad command startup -- throttling\n") != NULL);

	/* service_throttle_time (1s here) later, master listens again. */
	start = now_ms();
	run_until(!MASTER_THROTTLED(serv), 3000);
	assert_true(now_ms() - start >= 500);
	assert_true(MASTER_LISTENING(serv));
	free_serv(serv);
}

/* test_killed_startup - death by signal before any work throttles too */

static void
test_killed_startup(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_UNIX, 0, "kill -9 $$");

	master_spawn(serv);
	run_until(serv->total_proc == 0, 5000);
	assert_true(MASTER_THROTTLED(serv));
	assert_true(strstr(strbuf_str(logged), " killed by signal 9\n") != NULL);
	master_unthrottle(serv);
	free_serv(serv);
}

/* test_used_then_failed - a process that did work does not throttle */

static void
test_used_then_failed(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_UNIX, 0,
				     REPORT_FN "report 0; report 1; sleep 0.2; exit 2");

	master_spawn(serv);
	run_until(serv->total_proc == 0, 5000);
	assert_false(MASTER_THROTTLED(serv));
	assert_true(strstr(strbuf_str(logged), " exit status 2\n") != NULL);
	assert_null(strstr(strbuf_str(logged), "bad command startup"));
	assert_true(MASTER_LISTENING(serv));

	/* And one that exits normally says nothing at all. */
	strbuf_reset(logged);
	argv_truncate(serv->args, 2);
	argv_add(serv->args, "exit 0");
	master_spawn(serv);
	run_until(serv->total_proc == 0, 5000);
	assert_string_equal(strbuf_str(logged), "");
	free_serv(serv);
}

/* test_limit_and_delete - busy processes, the limit, and removal */

static void
test_limit_and_delete(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_INET, 2,
				     REPORT_FN "report 0; exec sleep 30");
	int	n;

	for (n = 1; n <= 2; n++) {
		master_spawn(serv);
		run_until(serv->avail_proc == 0, 5000);
		assert_int_equal(serv->total_proc, n);
	}
	assert_false(MASTER_LISTENING(serv));
	assert_true(strstr(strbuf_str(logged), "warning: service \"test\" (private/test)"
			   " has reached its process limit \"2\"") != NULL);

	/* Removing the service: SIGTERM, wait, no complaints, no throttle. */
	strbuf_reset(logged);
	master_delete_children(serv);
	assert_int_equal(serv->total_proc, 0);
	assert_int_equal(serv->avail_proc, 0);
	assert_false(MASTER_THROTTLED(serv));
	assert_string_equal(strbuf_str(logged), "");
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	free_serv(serv);
}

/* test_wakeup - timers send TRIGGER_REQ_WAKEUP to the endpoint */

static char wakeup_dir[] = "/tmp/master_avail_test.XXXXXX";


static void
test_wakeup(void **unused_state)
{
	MASTER_SERV *serv = new_serv(MASTER_TYPE_FIFO, 1, "exit 0");
	char	buf[10];
	long	start;
	int	fd;

	assert_non_null(mkdtemp(wakeup_dir));
	xfree(serv->name);
	serv->name = str_concat(wakeup_dir, "/fifo", NULL);
	assert_int_equal(mkfifo(serv->name, 0600), 0);
	fd = open(serv->name, O_RDWR | O_NONBLOCK);
	assert_true(fd >= 0);

	serv->wakeup_time = 1;
	master_wakeup_init(serv);
	start = now_ms();
	run_until(read(fd, buf, sizeof(buf)) == 1, 3000);
	assert_int_equal(buf[0], TRIGGER_REQ_WAKEUP);
	assert_true(now_ms() - start >= 800);

	/* Throttled services are left alone; the timer keeps going. */
	serv->throttle_delay = 100;
	master_throttle(serv);
	event_loop(1500);
	event_loop(100);
	assert_int_equal(read(fd, buf, sizeof(buf)), -1);
	master_unthrottle(serv);
	master_wakeup_cleanup(serv);

	/* "1?": nothing until the service is used. */
	serv->flags |= MASTER_FLAG_CONDWAKE;
	master_wakeup_init(serv);
	event_loop(1500);
	event_loop(100);
	assert_int_equal(read(fd, buf, sizeof(buf)), -1);
	master_wakeup_cleanup(serv);

	close(fd);
	free_serv(serv);
}

/* teardown_wakeup - remove the fifo, even after a failure */

static int
teardown_wakeup(void **unused_state)
{
	char   *path = str_concat(wakeup_dir, "/fifo", NULL);

	(void) unlink(path);
	(void) rmdir(wakeup_dir);
	xfree(path);
	return 0;
}

/* setup - capture the log */

static int
setup(void **unused_state)
{
	strbuf_reset(logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_want_listen, setup),
		cmocka_unit_test_setup(test_accounting, setup),
		cmocka_unit_test_setup(test_verdict, setup),
		cmocka_unit_test_setup(test_bad_startup, setup),
		cmocka_unit_test_setup(test_killed_startup, setup),
		cmocka_unit_test_setup(test_used_then_failed, setup),
		cmocka_unit_test_setup(test_limit_and_delete, setup),
		cmocka_unit_test_setup_teardown(test_wakeup, setup, teardown_wakeup),
	};
	int	ret;

	logged = strbuf_create(1000);
	log_init("master_avail_test", 0);
	log_add_output(capture_log);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	strbuf_free(&logged);
	return ret;
}
