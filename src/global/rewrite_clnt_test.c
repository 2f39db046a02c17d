/*
 * rewrite_clnt_test.c - unit tests for rewrite_clnt and attr_clnt
 *
 * A forked fake server listens on private/rewrite in a scratch
 * directory. It answers each request with a reply that carries a
 * request counter, and hangs up after every second request, so the
 * tests see: the wire requests that the client sends, the cache (a
 * repeated question is not asked again), the reconnect-once after the
 * server closed an idle connection, and the failure reply when there
 * is no server at all.
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
#include "params_global.h"
#include "rewrite_clnt.h"

static pid_t server_pid;
static char scratch[] = "/tmp/rewrite_clnt_testXXXXXX";

/* server_loop - the fake trivial-rewrite: canned answers, counted */

static void
server_loop(int lfd)
{
	STRBUF *req = strbuf_create(10);
	STRBUF *rule = strbuf_create(10);
	STRBUF *addr = strbuf_create(10);
	STRBUF *text = strbuf_create(10);
	int	count = 0;
	int	fd;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		IOSTREAM *st = iostream_fdopen(fd, O_RDWR);
		int	n;

		for (n = 0; n < 2; n++) {
			if (attr_scan(st, ATTR_FLAG_MORE, ATTR_RECV_STR("request", req),
				      ATTR_TYPE_END) != 1)
				break;
			count++;
			if (strcmp(strbuf_str(req), "rewrite") == 0) {
				if (attr_scan(st, ATTR_FLAG_STRICT,
					      ATTR_RECV_STR("rule", rule),
					      ATTR_RECV_STR("address", addr),
					      ATTR_TYPE_END) != 2)
					break;
				strbuf_printf(text, "%s/%s/%d", strbuf_str(rule),
					      strbuf_str(addr), count);
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_SEND_STR("address", strbuf_str(text)),
					   ATTR_TYPE_END);
			} else {
				if (attr_scan(st, ATTR_FLAG_STRICT,
					      ATTR_RECV_STR("address", addr),
					      ATTR_TYPE_END) != 1)
					break;
				strbuf_printf(text, "%d", count);
				attr_print(st, 0, ATTR_SEND_INT("status", 0),
					   ATTR_SEND_INT("flags", RESOLVE_FLAG_FINAL),
					   ATTR_SEND_STR("transport", "local"),
					   ATTR_SEND_STR("nexthop", strbuf_str(text)),
					   ATTR_SEND_STR("recipient", strbuf_str(addr)),
					   ATTR_TYPE_END);
			}
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
	assert_non_null(mkdtemp(scratch));
	assert_int_equal(chdir(scratch), 0);
	assert_int_equal(mkdir("private", 0700), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "private/rewrite", sizeof("private/rewrite"));
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	var_rewrite_service_name = "rewrite";
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
	rewrite_clnt_reset();
	(void) kill(server_pid, SIGTERM);
	(void) waitpid(server_pid, NULL, 0);
	(void) unlink("private/rewrite");
	(void) rmdir("private");
	assert_int_equal(chdir("/"), 0);
	(void) rmdir(scratch);
	var_rewrite_service_name = NULL;
	return 0;
}

/* test_rewrite - requests, cache, reconnect after the server hung up */

static void
test_rewrite(void **state)
{
	STRBUF *out = strbuf_create(10);

	(void) state;
	assert_int_equal(rewrite_clnt("local", "a", out), 0);
	assert_string_equal(strbuf_str(out), "local/a/1");
	/* Cached: the server's counter does not move. */
	assert_int_equal(rewrite_clnt("local", "a", out), 0);
	assert_string_equal(strbuf_str(out), "local/a/1");
	assert_int_equal(rewrite_clnt("remote", "a", out), 0);
	assert_string_equal(strbuf_str(out), "remote/a/2");
	/* The server closed after two requests: one silent reconnect. */
	assert_int_equal(rewrite_clnt("local", "b", out), 0);
	assert_string_equal(strbuf_str(out), "local/b/3");
	strbuf_free(&out);
}

/* test_resolve - a resolve round trip, and its cache */

static void
test_resolve(void **state)
{
	RESOLVE_REPLY reply;

	(void) state;
	resolve_reply_init(&reply);
	assert_int_equal(resolve_clnt("u@x", &reply), 0);
	assert_string_equal(strbuf_str(reply.transport), "local");
	assert_string_equal(strbuf_str(reply.recipient), "u@x");
	assert_int_equal(reply.flags, RESOLVE_FLAG_FINAL);
	assert_string_equal(strbuf_str(reply.nexthop), "4");
	assert_int_equal(resolve_clnt("u@x", &reply), 0);
	assert_string_equal(strbuf_str(reply.nexthop), "4");
	assert_int_equal(resolve_clnt("v@x", &reply), 0);
	assert_string_equal(strbuf_str(reply.nexthop), "5");
	resolve_reply_free(&reply);
}

/* test_no_server - nothing listens: failure, address unchanged */

static void
test_no_server(void **state)
{
	STRBUF *out = strbuf_create(10);
	RESOLVE_REPLY reply;

	(void) state;
	rewrite_clnt_reset();
	var_rewrite_service_name = "nosuchservice";
	assert_int_equal(rewrite_clnt("local", "zz", out), -1);
	assert_string_equal(strbuf_str(out), "zz");
	resolve_reply_init(&reply);
	assert_int_equal(resolve_clnt("zz@y", &reply), -1);
	assert_int_equal(reply.flags, RESOLVE_FLAG_FAIL);
	resolve_reply_free(&reply);
	rewrite_clnt_reset();
	var_rewrite_service_name = "rewrite";
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_no_server),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
