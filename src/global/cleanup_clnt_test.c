/*
 * cleanup_clnt_test.c - unit tests for cleanup_clnt
 *
 * A forked fake cleanup server listens on public/cleanup in a scratch
 * directory: it sends a queue ID, reads the flags and the records up
 * to the end record, and answers with the flags as the status and a
 * summary of what it read as the reason. The tests check the exchange
 * (ID, flags, records, one end record even when the caller sent its
 * own), and the failure when nothing listens.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iostream.h"
#include "strbuf.h"
#include "attr.h"
#include "cleanup_clnt.h"
#include "params_global.h"
#include "rec.h"

static pid_t server_pid;
static char scratch[] = "/tmp/cleanup_clnt_testXXXXXX";

/* server_one - the fake cleanup: one message on one connection */

static void
server_one(int fd)
{
	STRBUF *buf = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	STRBUF *text = strbuf_create(10);
	char	drain[100];
	IOSTREAM *st = iostream_fdopen(fd, O_RDWR);
	int	flags = -1;
	int	type;

	attr_print(st, 0, ATTR_SEND_STR("queue_id", "ABCDE12345"),
		   ATTR_TYPE_END);
	if (attr_scan(st, ATTR_FLAG_STRICT, ATTR_RECV_INT("flags", &flags),
		      ATTR_TYPE_END) == 1) {
		while ((type = rec_get(st, buf, 1000, why)) > 0) {
			strbuf_append_printf(text, "%c%s", type, strbuf_str(buf));
			if (type == REC_TYPE_END)
				break;
		}
		if (type == REC_TYPE_END)
			attr_print(st, 0, ATTR_SEND_INT("status", flags),
				   ATTR_SEND_STR("reason", strbuf_str(text)),
				   ATTR_TYPE_END);
		while (iostream_read(st, drain, sizeof(drain)) > 0)
			 /* void */ ;
	}
	(void) iostream_close(st);
	strbuf_free(&buf);
	strbuf_free(&why);
	strbuf_free(&text);
}

/* server_loop - the fake cleanup: one message per connection */

static void
server_loop(int lfd)
{
	int	fd;

	while ((fd = accept(lfd, NULL, NULL)) >= 0)
		server_one(fd);
	_exit(0);
}

/* setup - scratch directory, listening socket, fake server */

static int
setup(void **state)
{
	struct sockaddr_un sun;
	int	lfd;

	(void) state;
	assert_non_null(mkdtemp(scratch));
	assert_int_equal(chdir(scratch), 0);
	assert_int_equal(mkdir("public", 0700), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "public/cleanup", sizeof("public/cleanup"));
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	var_cleanup_service_name = "cleanup";
	var_ipc_timeout = 10;
	if ((server_pid = fork()) == 0)
		server_loop(lfd);
	assert_true(server_pid > 0);
	(void) close(lfd);
	return 0;
}

/* teardown - stop the server, remove the scratch directory */

static int
teardown(void **state)
{
	(void) state;
	(void) kill(server_pid, SIGTERM);
	(void) waitpid(server_pid, NULL, 0);
	(void) unlink("public/cleanup");
	(void) rmdir("public");
	assert_int_equal(chdir("/"), 0);
	(void) rmdir(scratch);
	var_cleanup_service_name = NULL;
	return 0;
}

/* test_exchange - ID, flags, records, status and reason */

static void
test_exchange(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *reason = strbuf_create(10);
	CLEANUP_CLNT *clnt;
	int	i;
	static const struct {
		int	flags;
		int	caller_end;	/* the caller writes its own end record */
	} cases[] = {
		{CLEANUP_FLAG_EXTRACT, 0},
		{CLEANUP_FLAG_FILTER | CLEANUP_FLAG_HOLD, 1},
	};

	(void) state;
	for (i = 0; i < 2; i++) {
		clnt = cleanup_clnt_open(NULL, cases[i].flags, why);
		assert_non_null(clnt);
		assert_string_equal(cleanup_clnt_queue_id(clnt), "ABCDE12345");
		rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_FROM, "a@b");
		rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_RCPT, "c@d");
		rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_MESG, "");
		rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_NORM, "x");
		rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_XTRA, "");
		if (cases[i].caller_end)
			rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_END, "");
		assert_int_equal(cleanup_clnt_close(clnt, reason), cases[i].flags);
		assert_string_equal(strbuf_str(reason), "Sa@bRc@dMNxXE");
	}
	strbuf_free(&why);
	strbuf_free(&reason);
}

/* test_abort - the server sees EOF; the next client still works */

static void
test_abort(void **state)
{
	STRBUF *why = strbuf_create(10);
	CLEANUP_CLNT *clnt;

	(void) state;
	clnt = cleanup_clnt_open(NULL, 0, why);
	assert_non_null(clnt);
	rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_FROM, "a@b");
	cleanup_clnt_abort(clnt);
	clnt = cleanup_clnt_open("public/cleanup", 0, why);
	assert_non_null(clnt);
	assert_int_equal(cleanup_clnt_close(clnt, NULL), 0);
	strbuf_free(&why);
}

/*
 * test_fdopen - the same exchange on a socket pair (as smtpd does with
 * postdrop -r); a peer that hangs up at once gives NULL and a reason
 */

static void
test_fdopen(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *reason = strbuf_create(10);
	CLEANUP_CLNT *clnt;
	int	sv[2];
	pid_t	pid;

	(void) state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		(void) close(sv[0]);
		server_one(sv[1]);
		_exit(0);
	}
	assert_true(pid > 0);
	(void) close(sv[1]);
	clnt = cleanup_clnt_fdopen(sv[0], CLEANUP_FLAG_HOLD, why);
	assert_non_null(clnt);
	assert_string_equal(cleanup_clnt_queue_id(clnt), "ABCDE12345");
	rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_FROM, "");
	rec_puts(cleanup_clnt_stream(clnt), REC_TYPE_RCPT, "u");
	assert_int_equal(cleanup_clnt_close(clnt, reason), CLEANUP_FLAG_HOLD);
	assert_string_equal(strbuf_str(reason), "SRuE");
	assert_int_equal(waitpid(pid, NULL, 0), pid);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	(void) close(sv[1]);
	assert_null(cleanup_clnt_fdopen(sv[0], 0, why));
	assert_string_equal(strbuf_str(why), "cleanup service: no queue ID");
	strbuf_free(&why);
	strbuf_free(&reason);
}

/* test_no_server - nothing listens: NULL with a reason */

static void
test_no_server(void **state)
{
	STRBUF *why = strbuf_create(10);

	(void) state;
	assert_null(cleanup_clnt_open("public/nosuch", 0, why));
	assert_non_null(strstr(strbuf_str(why), "public/nosuch"));
	strbuf_free(&why);
}

/* test_stat_text - the words for each status */

static void
test_stat_text(void **state)
{
	(void) state;
	assert_string_equal(cleanup_stat_text(0), "Success");
	assert_string_equal(cleanup_stat_text(CLEANUP_STAT_SIZE),
			    "message file too big");
	assert_string_equal(cleanup_stat_text(CLEANUP_STAT_RCPT
					      | CLEANUP_STAT_WRITE),
			    "no recipients specified");
	assert_string_equal(cleanup_stat_text(CLEANUP_STAT_DEFER
					      | CLEANUP_STAT_BAD),
			    "service unavailable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_fdopen),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_stat_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
