/*
 * service_main_test.c - the skeletons, driven from outside
 *
 * Runs the test daemon (test_echo_server, built beside this test) the
 * two ways it can run: stand-alone (-S) on a socket or pipe, and as
 * master runs it, with a status stream on descriptor 5 and an endpoint
 * on descriptor 6. The test plays master: it reads the status records,
 * connects to the endpoint, and closes the status stream to see the
 * daemon leave.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "master_proto.h"

#define DAEMON	"./test_echo_server"

static char *dir;
static char *record;
static char *sock_path;

/* now_ms - monotonic clock */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* write_file - create a file with this text */

static void
write_file(const char *path, const char *text)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
}

/* read_file - the contents of a file ("" when missing) */

static void
read_file(const char *path, STRBUF *out)
{
	char	buf[512];
	ssize_t	n;
	int	fd;

	strbuf_reset(out);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_append(out, buf, (size_t) n);
	close(fd);
}

/* setup - configuration directory that is also the queue directory */

static int
setup(void **unused_state)
{
	char	tmpl[] = "/tmp/service_main_test.XXXXXX";
	char   *main_cf;
	STRBUF *text = strbuf_create(100);

	if (access(DAEMON, X_OK) < 0) {
		fprintf(stderr, "%s: %s\n", DAEMON, strerror(errno));
		return -1;
	}
	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	record = str_concat(dir, "/record", NULL);
	sock_path = str_concat(dir, "/sock", NULL);
	main_cf = str_concat(dir, "/main.cf", NULL);
	strbuf_printf(text, "queue_directory = %s\nmax_idle = 100s\n", dir);
	write_file(main_cf, strbuf_str(text));
	xfree(main_cf);
	strbuf_free(&text);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* teardown - remove the files */

static int
teardown(void **unused_state)
{
	char   *main_cf = str_concat(dir, "/main.cf", NULL);

	(void) unlink(main_cf);
	(void) unlink(record);
	(void) unlink(sock_path);
	(void) rmdir(dir);
	xfree(main_cf);
	xfree(record);
	xfree(sock_path);
	xfree(dir);
	return 0;
}

/* start_daemon - run the daemon with these descriptors (-1: none) */

static pid_t
start_daemon(const char *args, int in_fd, int status_fd, int listen_fd,
	     int err_fd)
{
	static const int targets[4] = {0, MASTER_STATUS_FD, MASTER_LISTEN_FD, 2};
	ARGV   *argv = argv_split(args, " ");
	int	fds[4];
	pid_t	pid;
	int	i, fd, null_fd;

	argv_insert(argv, 0, DAEMON);
	fds[0] = in_fd;
	fds[1] = status_fd;
	fds[2] = listen_fd;
	fds[3] = err_fd;
	if ((pid = fork()) == 0) {
		/* Only what master would pass: the test's other ends stay here. */
		null_fd = open("/dev/null", O_RDWR);
		if (fds[0] < 0)
			fds[0] = null_fd;
		if (fds[3] < 0)
			fds[3] = null_fd;
		for (i = 0; i < 4; i++)
			if (fds[i] >= 0)
				fds[i] = fcntl(fds[i], F_DUPFD, 100);
		for (fd = 3; fd < 100; fd++)
			(void) close(fd);
		for (i = 0; i < 4; i++)
			if (fds[i] >= 0)
				(void) dup2(fds[i], targets[i]);
		for (fd = 100; fd < 1024; fd++)
			(void) close(fd);
		setenv("MAIL_CONFIG", dir, 1);
		setenv(MASTER_GEN_NAME, "5", 1);
		execv(DAEMON, argv->argv);
		_exit(127);
	}
	argv_free(&argv);
	assert_true(pid > 0);
	return pid;
}

/* wait_exit - the daemon's wait status, within max_ms */

static int
wait_exit(pid_t pid, int max_ms)
{
	long	deadline = now_ms() + max_ms;
	int	status;

	while (now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("pid %ld did not exit in time", (long) pid);
	return -1;
}

/* read_line - one line from a socket, within 5 seconds */

static void
read_line(int fd, STRBUF *line)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	char	ch;

	strbuf_reset(line);
	for (;;) {
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		if (read(fd, &ch, 1) != 1 || ch == '\n')
			return;
		strbuf_append_char(line, ch);
	}
}

/* expect_status - the next status record, within 5 seconds */

static void
expect_status(int fd, pid_t pid, int status)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	unsigned char buf[MASTER_STATUS_SIZE];
	MASTER_STATUS stat;

	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(read(fd, buf, sizeof(buf)), MASTER_STATUS_SIZE);
	assert_int_equal(master_status_decode(buf, sizeof(buf), &stat), 0);
	assert_int_equal(stat.pid, pid);
	assert_int_equal(stat.gen, 5);
	assert_int_equal(stat.status, status);
}

/* no_status - nothing more on the status stream for a moment */

static void
no_status(int fd, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	assert_int_equal(poll(&pfd, 1, ms), 0);
}

/* unix_listener - the endpoint that master would pass */

static int
unix_listener(void)
{
	struct sockaddr_un sun;
	int	fd;

	(void) unlink(sock_path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 10), 0);
	return fd;
}

/* unix_connect - a client of the endpoint */

static int
unix_connect(void)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	return fd;
}

/* say - send a line */

static void
say(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
}

/* expect_hello - the greeting names the service and the pid */

static void
expect_hello(int fd, const char *service, pid_t pid, STRBUF *line)
{
	STRBUF *want = strbuf_create(100);

	read_line(fd, line);
	strbuf_printf(want, "hello %s %ld", service, (long) pid);
	assert_string_equal(strbuf_str(line), strbuf_str(want));
	strbuf_free(&want);
}

/* test_standalone_single - -S serves its socket stdin once */

static void
test_standalone_single(void **unused_state)
{
	STRBUF *line = strbuf_create(100);
	int	sv[2];
	pid_t	pid;
	int	status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = start_daemon("-S", sv[1], -1, -1, -1);
	close(sv[1]);
	expect_hello(sv[0], "test_echo_server", pid, line);
	say(sv[0], "one\r\ntwo\n");
	read_line(sv[0], line);
	assert_string_equal(strbuf_str(line), "echo one");
	read_line(sv[0], line);
	assert_string_equal(strbuf_str(line), "echo two");
	say(sv[0], "quit\n");
	read_line(sv[0], line);
	assert_string_equal(strbuf_str(line), "");	/* end of file */
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(sv[0]);
	strbuf_free(&line);
}

/* test_standalone_multi - the event-loop model, stand-alone */

static void
test_standalone_multi(void **unused_state)
{
	STRBUF *line = strbuf_create(100);
	long	num;
	int	sv[2];
	pid_t	pid;
	int	status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = start_daemon("-S -n alpha model=multi", sv[1], -1, -1, -1);
	close(sv[1]);
	expect_hello(sv[0], "alpha", pid, line);
	say(sv[0], "a\nb\npid\n");
	read_line(sv[0], line);
	assert_string_equal(strbuf_str(line), "echo a");
	read_line(sv[0], line);
	assert_string_equal(strbuf_str(line), "echo b");
	read_line(sv[0], line);
	assert_int_equal(parse_long(strbuf_str(line), &num, 1, LONG_MAX), 0);
	assert_int_equal(num, pid);
	close(sv[0]);			/* the client leaves: the daemon exits */
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	strbuf_free(&line);
}

/* test_standalone_trigger - stdin to the end, as triggers */

static void
test_standalone_trigger(void **unused_state)
{
	STRBUF *got = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	STRBUF *args = strbuf_create(100);
	int	pipefd[2];
	pid_t	pid;
	int	status;

	assert_int_equal(pipe(pipefd), 0);
	strbuf_printf(args, "-S model=trigger record=%s", record);
	pid = start_daemon(strbuf_str(args), pipefd[0], -1, -1, -1);
	close(pipefd[0]);
	say(pipefd[1], "WI");
	close(pipefd[1]);
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	read_file(record, got);
	strbuf_printf(want, "start %ld test_echo_server\ntrigger %ld WI\n",
		      (long) pid, (long) pid);
	assert_string_equal(strbuf_str(got), strbuf_str(want));
	strbuf_free(&got);
	strbuf_free(&want);
	strbuf_free(&args);
}

/* test_master_single - status records, max_use, and the exit */

static void
test_master_single(void **unused_state)
{
	STRBUF *line = strbuf_create(100);
	int	st[2];
	int	lfd = unix_listener();
	int	fd;
	pid_t	pid;
	int	status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
	pid = start_daemon("-n svc -t unix -o max_use=2", -1, st[1], lfd, -1);
	close(st[1]);

	fd = unix_connect();
	expect_hello(fd, "svc", pid, line);
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	say(fd, "quit\n");
	expect_status(st[0], pid, MASTER_STAT_AVAIL);
	close(fd);

	/* The second client is the last one (max_use = 2). */
	fd = unix_connect();
	expect_hello(fd, "svc", pid, line);
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	say(fd, "quit\n");
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	close(st[0]);
	close(lfd);
	strbuf_free(&line);
}

/* test_overrides - -o values, and $service_name in them */

static void
test_overrides(void **unused_state)
{
	static const struct {
		const char *ask;
		const char *want;
	} t[] = {
		{"param syslog_name", "x/svc/y"},
		{"param max_idle", "77"},
		{"param ipc_timeout", "3600s"},
		{"param my_own", "svc\tsvc\tsvc\t$service_name\tsvc_x"},
		{"param service_name", "svc"},
		{"param no_such_name", "(undefined)"},
	};
	STRBUF *line = strbuf_create(100);
	int	st[2];
	int	lfd = unix_listener();
	size_t	i;
	int	fd;
	pid_t	pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
	pid = start_daemon("-n svc -t unix -o syslog_name=x/$service_name/y "
			   "-o max_idle=77 -o my_own=$service_name"
			   "\t${service_name}\t$(service_name)\t$$service_name"
			   "\t${service_name}_x",
			   -1, st[1], lfd, -1);
	close(st[1]);
	fd = unix_connect();
	expect_hello(fd, "svc", pid, line);
	for (i = 0; i < ARRAY_LEN(t); i++) {
		say(fd, t[i].ask);
		say(fd, "\n");
		read_line(fd, line);
		assert_string_equal(strbuf_str(line), t[i].want);
	}
	say(fd, "quit\n");
	close(fd);
	close(st[0]);
	assert_true(WIFEXITED(wait_exit(pid, 5000)));
	close(lfd);
	strbuf_free(&line);
}

/* test_master_multi - many clients in one process */

static void
test_master_multi(void **unused_state)
{
	STRBUF *line = strbuf_create(100);
	int	st[2];
	int	lfd = unix_listener();
	int	fd1, fd2;
	pid_t	pid;
	int	status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
	pid = start_daemon("-n multi -t unix model=multi", -1, st[1], lfd, -1);
	close(st[1]);

	/* Busy only while it accepts. */
	fd1 = unix_connect();
	expect_hello(fd1, "multi", pid, line);
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	expect_status(st[0], pid, MASTER_STAT_AVAIL);
	fd2 = unix_connect();
	expect_hello(fd2, "multi", pid, line);
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	expect_status(st[0], pid, MASTER_STAT_AVAIL);
	say(fd2, "two\n");
	say(fd1, "one\n");
	read_line(fd1, line);
	assert_string_equal(strbuf_str(line), "echo one");
	read_line(fd2, line);
	assert_string_equal(strbuf_str(line), "echo two");

	/* Master goes away: clients finish, then the process exits. */
	close(st[0]);
	say(fd1, "still\n");
	read_line(fd1, line);
	assert_string_equal(strbuf_str(line), "echo still");
	close(fd1);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	close(fd2);
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(lfd);
	strbuf_free(&line);
}

/* test_master_trigger - a fifo endpoint */

static void
test_master_trigger(void **unused_state)
{
	STRBUF *got = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	STRBUF *args = strbuf_create(100);
	char   *fifo = str_concat(dir, "/fifo", NULL);
	int	st[2];
	int	ffd;
	pid_t	pid;
	int	status;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	ffd = open(fifo, O_RDWR | O_NONBLOCK);
	assert_true(ffd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
	strbuf_printf(args, "-l -n tfifo -t fifo model=trigger record=%s", record);
	pid = start_daemon(strbuf_str(args), -1, st[1], ffd, -1);
	close(st[1]);

	say(ffd, "W");
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	expect_status(st[0], pid, MASTER_STAT_AVAIL);
	say(ffd, "D");
	expect_status(st[0], pid, MASTER_STAT_TAKEN);
	expect_status(st[0], pid, MASTER_STAT_AVAIL);
	no_status(st[0], 100);

	/* Between requests, master's departure ends the process at once. */
	close(st[0]);
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	read_file(record, got);
	strbuf_printf(want, "start %ld tfifo\ntrigger %ld W\ntrigger %ld D\n",
		      (long) pid, (long) pid, (long) pid);
	assert_string_equal(strbuf_str(got), strbuf_str(want));
	close(ffd);
	unlink(fifo);
	xfree(fifo);
	strbuf_free(&got);
	strbuf_free(&want);
	strbuf_free(&args);
}

/* test_idle - max_idle ends an unused process */

static void
test_idle(void **unused_state)
{
	int	st[2];
	int	lfd = unix_listener();
	long	start = now_ms();
	pid_t	pid;
	int	status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
	pid = start_daemon("-n idle -t unix -o max_idle=1", -1, st[1], lfd, -1);
	close(st[1]);
	status = wait_exit(pid, 5000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(now_ms() - start >= 900);
	/* Never busy: no status record, just the end of the stream. */
	assert_int_equal(read(st[0], &status, 1), 0);
	close(st[0]);
	close(lfd);
}

/* test_startup_errors - what cannot work ends with status 1 */

static void
test_startup_errors(void **unused_state)
{
	static const struct {
		const char *args;
		int	with_fds;
		const char *stderr_text;	/* NULL: not checked */
	} t[] = {
		{"-q", 1, "test_echo_server: fatal: invalid option: -q\n"},
		{"-n x", 1, NULL},		/* no -t */
		{"-n x -t fifo", 1, NULL},	/* single model, fifo */
		{"-n x -t tcp", 1, NULL},
		{"-n x -t unix fail", 1, NULL},
		{"-n x -t unix", 0, NULL},	/* no descriptors from master */
		{"-n x -t unix -o max_use=many", 1, NULL},
	};
	STRBUF *err = strbuf_create(100);
	char	buf[200];
	ssize_t	n;
	int	errpipe[2];
	int	st[2];
	int	lfd;
	size_t	i;
	pid_t	pid;
	int	status;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(pipe(errpipe), 0);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, st), 0);
		lfd = unix_listener();
		pid = start_daemon(t[i].args, -1, t[i].with_fds ? st[1] : -1,
				   t[i].with_fds ? lfd : -1, errpipe[1]);
		close(errpipe[1]);
		close(st[1]);
		status = wait_exit(pid, 5000);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			fail_msg("case %zu (%s): status 0x%x", i, t[i].args, status);
		strbuf_reset(err);
		while ((n = read(errpipe[0], buf, sizeof(buf))) > 0)
			strbuf_append(err, buf, (size_t) n);
		if (t[i].stderr_text)
			assert_string_equal(strbuf_str(err), t[i].stderr_text);
		close(errpipe[0]);
		close(st[0]);
		close(lfd);
	}
	strbuf_free(&err);
}

/* teardown_record - start the next test with no record file */

static int
teardown_record(void **unused_state)
{
	(void) unlink(record);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standalone_single),
		cmocka_unit_test(test_standalone_multi),
		cmocka_unit_test_setup_teardown(test_standalone_trigger, NULL, teardown_record),
		cmocka_unit_test(test_master_single),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_master_multi),
		cmocka_unit_test_setup_teardown(test_master_trigger, NULL, teardown_record),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_startup_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
