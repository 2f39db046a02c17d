/*
 * anvil_clnt_test.c - unit tests for anvil_clnt
 *
 * The identifier format, and the wire requests against a forked fake
 * anvil on private/anvil in a scratch directory: it checks each request
 * name and identifier against what the test expects and answers with
 * numbers derived from them, so a wrong attribute order, name or reply
 * mapping fails. Without a server every call reports ANVIL_STAT_FAIL.
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
#include "anvil_clnt.h"
#include "attr.h"
#include "params_global.h"

static pid_t server_pid;
static char scratch[] = "/tmp/anvil_clnt_testXXXXXX";

/* server_loop - the fake anvil: answers derived from the request */

static void
server_loop(int lfd)
{
	STRBUF *req = strbuf_create(10);
	STRBUF *ident = strbuf_create(10);
	int	serial = 0;
	int	fd;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		IOSTREAM *st = iostream_fdopen(fd, O_RDWR);

		while (attr_scan(st, ATTR_FLAG_STRICT,
				 ATTR_RECV_STR("request", req),
				 ATTR_RECV_STR("ident", ident),
				 ATTR_TYPE_END) == 2) {
			const char *r = strbuf_str(req);
			int	len = (int) strbuf_len(ident);

			serial++;
			if (strcmp(strbuf_str(ident), "smtp:192.0.2.1") != 0)
				attr_print(st, 0, ATTR_SEND_INT("status", -1),
					   ATTR_TYPE_END);
			else if (strcmp(r, "connect") == 0)
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_SEND_INT("count", len),
					   ATTR_SEND_INT("rate", serial),
					   ATTR_TYPE_END);
			else if (strcmp(r, "disconnect") == 0)
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_TYPE_END);
			else if (strcmp(r, "lookup") == 0)
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_SEND_INT("count", 1),
					   ATTR_SEND_INT("rate", 2),
					   ATTR_SEND_INT("message", 3),
					   ATTR_SEND_INT("recipient", 4),
					   ATTR_SEND_INT("newtls", 5),
					   ATTR_TYPE_END);
			else
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_SEND_INT("rate",
							 strcmp(r, "message") == 0 ? 100
							 : strcmp(r, "recipient") == 0 ? 200
							 : strcmp(r, "newtls") == 0 ? 300
							 : strcmp(r, "newtls_report") == 0 ? 400
							 : -1),
					   ATTR_TYPE_END);
		}
		(void) iostream_close(st);
	}
	_exit(0);
}

/* setup - scratch directory, listening socket, fake server */

static int
setup(void **state)
{
	struct sockaddr_un sun;
	int	lfd;

	(void) state;
	memcpy(scratch + sizeof(scratch) - 7, "XXXXXX", 6);
	assert_non_null(mkdtemp(scratch));
	assert_int_equal(chdir(scratch), 0);
	assert_int_equal(mkdir("private", 0700), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "private/anvil", sizeof("private/anvil"));
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	var_ipc_timeout = 10;
	var_ipc_idle = 100;
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
	anvil_clnt_close();
	if (server_pid > 0) {
		(void) kill(server_pid, SIGTERM);
		(void) waitpid(server_pid, NULL, 0);
	}
	(void) unlink("private/anvil");
	(void) rmdir("private");
	assert_int_equal(chdir("/"), 0);
	(void) rmdir(scratch);
	return 0;
}

/* test_ident - "service:addr", non-printables replaced */

static void
test_ident(void **state)
{
	static const struct {
		const char *service;
		const char *addr;
		const char *want;
	} cases[] = {
		{"smtp", "192.0.2.1", "smtp:192.0.2.1"},
		{"127.0.0.1:25", "::1", "127.0.0.1:25:::1"},
		{"sm\ntp", "a\001b", "sm?tp:a?b"},
		{"", "", ":"},
	};
	STRBUF *id = strbuf_create(10);
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		anvil_clnt_ident(id, cases[i].service, cases[i].addr);
		assert_string_equal(strbuf_str(id), cases[i].want);
	}
	strbuf_free(&id);
}

/* test_requests - each request reaches the server and maps its reply */

static void
test_requests(void **state)
{
	int	count = -1, rate = -1, msgs = -1, rcpts = -1, ntls = -1;

	(void) state;
	assert_int_equal(anvil_clnt_connect("smtp", "192.0.2.1", &count, &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(count, (int) strlen("smtp:192.0.2.1"));
	assert_int_equal(rate, 1);
	assert_int_equal(anvil_clnt_connect("smtp", "192.0.2.1", &count, &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(rate, 2);
	assert_int_equal(anvil_clnt_mail("smtp", "192.0.2.1", &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(rate, 100);
	assert_int_equal(anvil_clnt_rcpt("smtp", "192.0.2.1", &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(rate, 200);
	assert_int_equal(anvil_clnt_newtls("smtp", "192.0.2.1", &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(rate, 300);
	assert_int_equal(anvil_clnt_newtls_stat("smtp", "192.0.2.1", &rate),
			 ANVIL_STAT_OK);
	assert_int_equal(rate, 400);
	assert_int_equal(anvil_clnt_lookup("smtp", "192.0.2.1", &count, &rate,
					   &msgs, &rcpts, &ntls), ANVIL_STAT_OK);
	assert_int_equal(count, 1);
	assert_int_equal(rate, 2);
	assert_int_equal(msgs, 3);
	assert_int_equal(rcpts, 4);
	assert_int_equal(ntls, 5);
	assert_int_equal(anvil_clnt_disconnect("smtp", "192.0.2.1"),
			 ANVIL_STAT_OK);
	/* A status other than 0 is a failure; so is a short reply. */
	assert_int_equal(anvil_clnt_disconnect("smtp", "192.0.2.2"),
			 ANVIL_STAT_FAIL);
	assert_int_equal(anvil_clnt_mail("smtp", "192.0.2.2", &rate),
			 ANVIL_STAT_FAIL);
}

/* test_no_server - every call fails cleanly */

static void
test_no_server(void **state)
{
	int	count, rate;

	(void) state;
	anvil_clnt_close();
	(void) kill(server_pid, SIGTERM);
	(void) waitpid(server_pid, NULL, 0);
	server_pid = 0;
	(void) unlink("private/anvil");
	assert_int_equal(anvil_clnt_connect("smtp", "192.0.2.1", &count, &rate),
			 ANVIL_STAT_FAIL);
	assert_int_equal(anvil_clnt_rcpt("smtp", "192.0.2.1", &rate),
			 ANVIL_STAT_FAIL);
}

/* main - run the tests */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_server, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
