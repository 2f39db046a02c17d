/*
 * bounce_clnt_test.c - unit tests for bounce_clnt
 *
 * A forked fake server listens on private/bounce and private/defer in a
 * scratch directory. It reads each request exactly as bounce(8) does
 * (the request name first, then the rest strictly) and answers status
 * 0 when every attribute has the value the test sent, -1 otherwise, so
 * the tests see the wire format: append, flush and warn succeed with
 * the right attributes, a server's -1 becomes -1, and a service that
 * nobody serves (private/trace) fails without hanging.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/select.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iostream.h"
#include "strbuf.h"
#include "attr.h"
#include "bounce_clnt.h"
#include "params_global.h"

static pid_t server_pid;
static char scratch[] = "/tmp/bounce_clnt_testXXXXXX";

/* server_append - check an append request; 0 or -1 */

static int
server_append(IOSTREAM *st)
{
	STRBUF *s[13];
	int	flags, notify, i, ok;
	long	offset, when;

	for (i = 0; i < 13; i++)
		s[i] = strbuf_create(10);
	ok = attr_scan(st, ATTR_FLAG_STRICT,
		       ATTR_RECV_INT(BOUNCE_ATTR_FLAGS, &flags),
		       ATTR_RECV_STR(BOUNCE_ATTR_QUEUE_ID, s[0]),
		       ATTR_RECV_STR(BOUNCE_ATTR_ORCPT, s[1]),
		       ATTR_RECV_STR(BOUNCE_ATTR_RCPT, s[2]),
		       ATTR_RECV_STR(BOUNCE_ATTR_DSN_ORCPT, s[3]),
		       ATTR_RECV_INT(BOUNCE_ATTR_NOTIFY, &notify),
		       ATTR_RECV_LONG(BOUNCE_ATTR_OFFSET, &offset),
		       ATTR_RECV_STR(BOUNCE_ATTR_STATUS, s[4]),
		       ATTR_RECV_STR(BOUNCE_ATTR_ACTION, s[5]),
		       ATTR_RECV_STR(BOUNCE_ATTR_REASON, s[6]),
		       ATTR_RECV_STR(BOUNCE_ATTR_DTYPE, s[7]),
		       ATTR_RECV_STR(BOUNCE_ATTR_DTEXT, s[8]),
		       ATTR_RECV_STR(BOUNCE_ATTR_MTYPE, s[9]),
		       ATTR_RECV_STR(BOUNCE_ATTR_MNAME, s[10]),
		       ATTR_RECV_STR(BOUNCE_ATTR_RELAY, s[11]),
		       ATTR_RECV_LONG(BOUNCE_ATTR_LOG_SEC, &when),
		       ATTR_TYPE_END) == 16
		&& flags == 4 && strcmp(strbuf_str(s[0]), "ABCDE12345") == 0
		&& strcmp(strbuf_str(s[1]), "o@x") == 0
		&& strcmp(strbuf_str(s[2]), "r@x") == 0
		&& strcmp(strbuf_str(s[3]), "") == 0 && notify == 6
		&& offset == 1234 && strcmp(strbuf_str(s[4]), "5.1.1") == 0
		&& strcmp(strbuf_str(s[5]), "") == 0
		&& strcmp(strbuf_str(s[7]), "smtp") == 0
		&& strcmp(strbuf_str(s[11]), "relay") == 0 && when > 0;
	if (ok && strcmp(strbuf_str(s[6]), "please fail") == 0)
		ok = 0;
	for (i = 0; i < 13; i++)
		strbuf_free(&s[i]);
	return ok ? 0 : -1;
}

/* server_notify - check a flush or warn request; 0 or -1 */

static int
server_notify(IOSTREAM *st)
{
	STRBUF *s[5];
	int	flags, utf8, ret, i, ok;

	for (i = 0; i < 5; i++)
		s[i] = strbuf_create(10);
	ok = attr_scan(st, ATTR_FLAG_STRICT,
		       ATTR_RECV_INT(BOUNCE_ATTR_FLAGS, &flags),
		       ATTR_RECV_STR(BOUNCE_ATTR_QUEUE, s[0]),
		       ATTR_RECV_STR(BOUNCE_ATTR_QUEUE_ID, s[1]),
		       ATTR_RECV_STR(BOUNCE_ATTR_ENCODING, s[2]),
		       ATTR_RECV_INT(BOUNCE_ATTR_SMTPUTF8, &utf8),
		       ATTR_RECV_STR(BOUNCE_ATTR_SENDER, s[3]),
		       ATTR_RECV_STR(BOUNCE_ATTR_ENVID, s[4]),
		       ATTR_RECV_INT(BOUNCE_ATTR_RET, &ret),
		       ATTR_TYPE_END) == 8
		&& flags == 2 && strcmp(strbuf_str(s[0]), "active") == 0
		&& strcmp(strbuf_str(s[1]), "ABCDE12345") == 0
		&& strcmp(strbuf_str(s[2]), "") == 0 && utf8 == 1
		&& strcmp(strbuf_str(s[3]), "s@x") == 0
		&& strcmp(strbuf_str(s[4]), "") == 0 && ret == 2;
	for (i = 0; i < 5; i++)
		strbuf_free(&s[i]);
	return ok ? 0 : -1;
}

/* server_loop - serve requests on both listeners until killed */

static void
server_loop(int lfd1, int lfd2)
{
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	IOSTREAM *st;
	int	lfd = lfd1;
	int	fd;

	for (;;) {
		fd_set	rd;

		FD_ZERO(&rd);
		FD_SET(lfd1, &rd);
		FD_SET(lfd2, &rd);
		if (select((lfd1 > lfd2 ? lfd1 : lfd2) + 1, &rd, NULL, NULL, NULL) < 0)
			_exit(1);
		lfd = FD_ISSET(lfd1, &rd) ? lfd1 : lfd2;
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			_exit(1);
		/* The client keeps each connection: one process per connection. */
		if (fork() != 0) {
			(void) close(fd);
			continue;
		}
		st = iostream_fdopen(fd, O_RDWR);

		while (attr_scan_one(st, name, value) == ATTR_TYPE_STR) {
			int	status;

			if (strcmp(strbuf_str(value), BOUNCE_REQ_APPEND) == 0)
				status = server_append(st);
			else if (strcmp(strbuf_str(value), BOUNCE_REQ_WARN) == 0)
				status = lfd == lfd2 ? server_notify(st) : -1;
			else
				status = server_notify(st);
			attr_print(st, 0, ATTR_SEND_INT(ATTR_NAME_STATUS, status),
				   ATTR_TYPE_END);
		}
		(void) iostream_close(st);
		_exit(0);
	}
}

/* listen_at - a listening socket at path */

static int
listen_at(const char *path)
{
	struct sockaddr_un sun;
	int	lfd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	return lfd;
}

static int
setup(void **state)
{
	int	lfd1, lfd2;

	(void) state;
	assert_non_null(mkdtemp(scratch));
	assert_int_equal(chdir(scratch), 0);
	assert_int_equal(mkdir("private", 0700), 0);
	lfd1 = listen_at("private/bounce");
	lfd2 = listen_at("private/defer");
	var_bounce_service_name = "bounce";
	var_defer_service_name = "defer";
	var_trace_service_name = "trace";
	var_ipc_timeout = 10;
	if ((server_pid = fork()) == 0) {
		(void) setpgid(0, 0);		/* teardown kills the group */
		server_loop(lfd1, lfd2);
	}
	(void) setpgid(server_pid, server_pid);
	assert_true(server_pid > 0);
	(void) close(lfd1);
	(void) close(lfd2);
	return 0;
}

static int
teardown(void **state)
{
	(void) state;
	(void) kill(-server_pid, SIGTERM);
	(void) waitpid(server_pid, NULL, 0);
	(void) unlink("private/bounce");
	(void) unlink("private/defer");
	(void) rmdir("private");
	assert_int_equal(chdir("/"), 0);
	(void) rmdir(scratch);
	return 0;
}

static void
test_requests(void **state)
{
	DELIVER_RCPT rcpt = {"o@x", "r@x", "", 6, 1234};
	DSN	dsn = {"5.1.1", NULL, "no such user", "smtp", "550 no",
	"dns", "mx"};
	DSN	bad = {"5.1.1", NULL, "please fail", "smtp", "550 no",
	"dns", "mx"};
	BOUNCE_MSG msg = {"active", "ABCDE12345", "", 1, "s@x", "", 2, 2};
	BOUNCE_MSG wrong = msg;

	(void) state;
	assert_int_equal(bounce_append(BOUNCE_LOG_BOUNCE, 4, "ABCDE12345",
				       &rcpt, "relay", &dsn), 0);
	assert_int_equal(bounce_append(BOUNCE_LOG_DEFER, 4, "ABCDE12345",
				       &rcpt, "relay", &dsn), 0);
	/* The same connection carries the next request. */
	assert_int_equal(bounce_append(BOUNCE_LOG_BOUNCE, 4, "ABCDE12345",
				       &rcpt, "relay", &bad), -1);
	assert_int_equal(bounce_append(BOUNCE_LOG_BOUNCE, 0, "ABCDE12345",
				       &rcpt, "relay", &dsn), -1);
	assert_int_equal(bounce_flush(BOUNCE_LOG_BOUNCE, &msg), 0);
	assert_int_equal(bounce_warn(&msg), 0);
	wrong.dsn_ret = 1;
	assert_int_equal(bounce_flush(BOUNCE_LOG_DEFER, &wrong), -1);
	/* Nobody serves private/trace. */
	assert_int_equal(bounce_flush(BOUNCE_LOG_TRACE, &msg), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
