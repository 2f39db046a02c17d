/*
 * maillog_client_test.c - unit tests for maillog_client
 *
 * Plays postlogd with a datagram socket at $queue_directory/public/
 * postlog in a temporary directory, and checks what arrives: one record
 * per log line in Postfix's shape, with labels and sanitized text;
 * nothing with maillog_file empty; the prefix check; the fallback that
 * writes the file directly when nobody listens; postlogd's own direct
 * mode; and the path seen from inside a chroot.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "maillog_client.h"
#include "params_global.h"

static char *dir;			/* $queue_directory */
static char *sock_path;			/* $queue_directory/public/postlog */
static char *file_path;			/* $maillog_file for fallbacks */
static int server = -1;			/* our postlogd */
static STRBUF *why;

/* listen_dgram - bind the postlog socket */

static int
listen_dgram(const char *path)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* setup - queue directory with a listening socket, default settings */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/maillog_client_test.XXXXXX";
	char   *public;

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	public = str_concat(dir, "/public", (char *) 0);
	if (mkdir(public, 0700) < 0)
		return -1;
	xfree(public);
	sock_path = str_concat(dir, "/public/postlog", (char *) 0);
	file_path = str_concat(dir, "/maillog", (char *) 0);
	if ((server = listen_dgram(sock_path)) < 0)
		return -1;
	why = strbuf_create(100);

	var_maillog_file = (char *) "/var/log/maillog";
	var_maillog_file_prefixes = (char *) "/var, /dev/stdout";
	var_queue_directory = dir;
	var_postlog_service_name = (char *) "postlog";
	var_myhostname = (char *) "host.example.com";
	log_init("maillog_client_test", 0);
	return 0;
}

/* teardown - back to syslog, remove everything */

static int
teardown(void **state)
{
	char   *public = str_concat(dir, "/public", (char *) 0);

	var_maillog_file = (char *) "";
	(void) maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why);
	if (server >= 0)
		(void) close(server);
	server = -1;
	(void) unlink(sock_path);
	(void) unlink(file_path);
	(void) rmdir(public);
	(void) rmdir(dir);
	xfree(public);
	xfree(sock_path);
	xfree(file_path);
	xfree(dir);
	strbuf_free(&why);
	return 0;
}

/* receive - one datagram, "" when none is waiting */

static char *
receive(void)
{
	char	buf[8192];
	ssize_t n;

	n = recv(server, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n < 0) {
		assert_int_equal(errno, EAGAIN);
		n = 0;
	}
	buf[n] = 0;
	return xstrdup(buf);
}

/* slurp - the contents of a file, "" when missing */

static char *
slurp(const char *path)
{
	STRBUF *buf = strbuf_create(100);
	char	chunk[512];
	ssize_t n;
	int	fd;
	char   *result;

	if ((fd = open(path, O_RDONLY)) >= 0) {
		while ((n = read(fd, chunk, sizeof(chunk))) > 0)
			strbuf_append(buf, chunk, (size_t) n);
		(void) close(fd);
	}
	result = strbuf_detach(buf);
	strbuf_free(&buf);
	return result;
}

/* assert_record - "Mmm dd hh:mm:ss host postfix/maillog_client_test[pid]: text" */

static void
assert_record(const char *rec, const char *text)
{
	char	tail[256];

	/* The time stamp: "Mmm dd hh:mm:ss " */
	assert_true(strlen(rec) > 16);
	assert_true(rec[0] >= 'A' && rec[0] <= 'Z');
	assert_true(rec[3] == ' ' && rec[6] == ' ' && rec[9] == ':'
		    && rec[12] == ':' && rec[15] == ' ');
	snprintf(tail, sizeof(tail), "host postfix/maillog_client_test[%ld]: %s",
		 (long) getpid(), text);
	assert_string_equal(rec + 16, tail);
}

/* test_send - each log line is one record */

static void
test_send(void **state)
{
	char   *rec;

	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	assert_string_equal(maillog_client_path(), sock_path);

	log_info("hello %d", 42);
	rec = receive();
	assert_record(rec, "hello 42");
	xfree(rec);

	log_warn("careful");
	rec = receive();
	assert_record(rec, "warning: careful");
	xfree(rec);

	/* The log module sanitizes; one line stays one record. */
	log_info("two\nlines\r\001");
	rec = receive();
	assert_record(rec, "two?lines??");
	xfree(rec);

	rec = receive();
	assert_string_equal(rec, "");
	xfree(rec);
}

/* test_syslog_mode - maillog_file empty: nothing is sent */

static void
test_syslog_mode(void **state)
{
	char   *rec;

	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	var_maillog_file = (char *) "";
	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	assert_null(maillog_client_path());
	log_info("to syslog");
	rec = receive();
	assert_string_equal(rec, "");
	xfree(rec);
}

/* test_prefix - a maillog_file outside the prefixes is refused */

static void
test_prefix(void **state)
{
	var_maillog_file = file_path;
	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), -1);
	assert_true(str_has_prefix(strbuf_str(why), "maillog_file value '/tmp/"));
	assert_true(str_has_suffix(strbuf_str(why),
			   "' does not match any prefix in maillog_file_prefixes"));
	assert_null(maillog_client_path());

	var_maillog_file_prefixes = dir;
	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	assert_non_null(maillog_client_path());
}

/* test_fallback - nobody listens: the file is written directly */

static void
test_fallback(void **state)
{
	char   *text;

	(void) close(server);
	server = -1;
	assert_int_equal(unlink(sock_path), 0);
	var_maillog_file = file_path;
	var_maillog_file_prefixes = dir;

	/* Without the flag, the record is lost. */
	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	log_info("lost");
	text = slurp(file_path);
	assert_string_equal(text, "");
	xfree(text);

	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_FALLBACK, why), 0);
	log_info("first");
	log_warn("second");
	text = slurp(file_path);
	assert_non_null(strstr(text, "]: first\n"));
	assert_non_null(strstr(text, "]: warning: second\n"));
	assert_null(strstr(text, "lost"));
	xfree(text);
}

/* test_reconnect - a new socket at the same path (master reloaded) */

static void
test_reconnect(void **state)
{
	char   *rec;

	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	(void) close(server);
	assert_int_equal(unlink(sock_path), 0);
	assert_true((server = listen_dgram(sock_path)) >= 0);
	log_info("after reload");
	rec = receive();
	assert_record(rec, "after reload");
	xfree(rec);
}

/* test_direct - postlogd's own records go to its open file */

static void
test_direct(void **state)
{
	char   *text;
	char   *rec;
	int	fd;

	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	assert_true((fd = open(file_path, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0);
	maillog_client_direct(fd);
	assert_null(maillog_client_path());
	log_info("myself");
	(void) close(fd);
	text = slurp(file_path);
	assert_non_null(strstr(text, " host postfix/maillog_client_test["));
	assert_true(str_has_suffix(text, "]: myself\n"));
	xfree(text);
	rec = receive();
	assert_string_equal(rec, "");
	xfree(rec);

	maillog_client_disable();
	assert_null(maillog_client_path());
}

/* test_jail - the socket path from inside a chroot */

static void
test_jail(void **state)
{
	char   *root;

	var_queue_directory = (char *) "/var/spool/postfix";
	assert_int_equal(maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why), 0);
	maillog_client_jail("/var/spool/post");
	assert_string_equal(maillog_client_path(), "/var/spool/postfix/public/postlog");
	maillog_client_jail("/var/spool/postfix/");
	assert_string_equal(maillog_client_path(), "/public/postlog");

	/* A path that is not under the root stays. */
	root = xstrdup("/elsewhere");
	maillog_client_jail(root);
	assert_string_equal(maillog_client_path(), "/public/postlog");
	xfree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syslog_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jail, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
