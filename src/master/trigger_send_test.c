/*
 * trigger_send_test.c - triggers over each endpoint type, and failures
 *
 * The test plays the service: it creates the endpoint in a temporary
 * directory, sends, and reads what arrived the way the trigger
 * skeleton does.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "master_proto.h"
#include "trigger_send.h"

static char *dir;

/* setup - temporary directory */

static int
setup(void **unused_state)
{
	char	tmpl[] = "/tmp/trigger_send_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	return 0;
}

/* teardown - remove what the tests made */

static int
teardown(void **unused_state)
{
	static const char *const names[] = {"sock", "fifo", "dgram", "pass"};
	char   *path;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		path = str_concat(dir, "/", names[i], NULL);
		(void) unlink(path);
		xfree(path);
	}
	(void) rmdir(dir);
	xfree(dir);
	return 0;
}

/* unix_listener - a listening or datagram socket at path */

static int
unix_listener(const char *path, int type)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, type, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 5), 0);
	return fd;
}

/* read_all - what the peer wrote before it closed */

static void
read_all(int fd, STRBUF *out)
{
	char	buf[100];
	ssize_t	n;

	strbuf_reset(out);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_append(out, buf, (size_t) n);
}

/* test_unix - stream socket: connect, write, close */

static void
test_unix(void **unused_state)
{
	char   *path = str_concat(dir, "/sock", NULL);
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	int	lfd = unix_listener(path, SOCK_STREAM);
	int	fd;

	assert_int_equal(trigger_send(MASTER_TYPE_UNIX, path, "WI", 2, 1, why), 0);
	fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	read_all(fd, got);
	assert_string_equal(strbuf_str(got), "WI");
	close(fd);
	close(lfd);

	/* Nobody listens any more. */
	assert_int_equal(trigger_send(MASTER_TYPE_UNIX, path, "W", 1, 1, why), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_true(str_has_prefix(strbuf_str(why), "connect: "));
	unlink(path);
	assert_int_equal(trigger_send(MASTER_TYPE_UNIX, path, "W", 1, 0, why), -1);
	assert_int_equal(errno, ENOENT);
	xfree(path);
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_fifo - named pipe with a reader, and without */

static void
test_fifo(void **unused_state)
{
	char   *path = str_concat(dir, "/fifo", NULL);
	STRBUF *why = strbuf_create(100);
	char	buf[10];
	int	fd;

	assert_int_equal(mkfifo(path, 0600), 0);

	/* No reader: the service is not running. */
	assert_int_equal(trigger_send(MASTER_TYPE_FIFO, path, "W", 1, 1, why), -1);
	assert_int_equal(errno, ENXIO);
	assert_true(str_has_prefix(strbuf_str(why), "open: "));

	/* Opened read-write as master does. */
	fd = open(path, O_RDWR | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(trigger_send(MASTER_TYPE_FIFO, path, "D", 1, 1, why), 0);
	assert_int_equal(trigger_send(MASTER_TYPE_FIFO, path, "F", 1, 0, why), 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "DF", 2);
	close(fd);
	xfree(path);
	strbuf_free(&why);
}

/* test_dgram - one datagram per trigger */

static void
test_dgram(void **unused_state)
{
	char   *path = str_concat(dir, "/dgram", NULL);
	STRBUF *why = strbuf_create(100);
	char	buf[10];
	int	fd = unix_listener(path, SOCK_DGRAM);

	assert_int_equal(trigger_send(MASTER_TYPE_UNIX_DGRAM, path, "abc", 3, 0,
				      why), 0);
	assert_int_equal(trigger_send(MASTER_TYPE_UNIX_DGRAM, path, "de", 2, 0,
				      why), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 2);
	assert_memory_equal(buf, "de", 2);
	close(fd);
	xfree(path);
	strbuf_free(&why);
}

/* test_inet - TCP on the loopback address */

static void
test_inet(void **unused_state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	STRBUF *ep = strbuf_create(100);
	int	lfd, fd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *) &sin, &len), 0);
	strbuf_printf(ep, "127.0.0.1:%u", (unsigned) ntohs(sin.sin_port));

	assert_int_equal(trigger_send(MASTER_TYPE_INET, strbuf_str(ep), "A", 1, 2,
				      why), 0);
	fd = accept(lfd, NULL, NULL);
	read_all(fd, got);
	assert_string_equal(strbuf_str(got), "A");
	close(fd);
	close(lfd);

	assert_int_equal(trigger_send(MASTER_TYPE_INET, "127.0.0.1", "A", 1, 1,
				      why), -1);
	assert_string_equal(strbuf_str(why), "no port");
	strbuf_free(&ep);
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_pass - the request arrives through a passed descriptor */

static void
test_pass(void **unused_state)
{
	char   *path = str_concat(dir, "/pass", NULL);
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	union {
		struct cmsghdr align;
		char	space[CMSG_SPACE(sizeof(int))];
	} ctl;
	char	dummy;
	int	lfd = unix_listener(path, SOCK_STREAM);
	int	conn, fd = -1;

	assert_int_equal(trigger_send(MASTER_TYPE_PASS, path, "WW", 2, 1, why), 0);
	conn = accept(lfd, NULL, NULL);
	assert_true(conn >= 0);
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &dummy;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	assert_int_equal(recvmsg(conn, &msg, 0), 1);
	cmsg = CMSG_FIRSTHDR(&msg);
	assert_non_null(cmsg);
	assert_int_equal(cmsg->cmsg_type, SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	read_all(fd, got);
	assert_string_equal(strbuf_str(got), "WW");
	close(fd);
	close(conn);
	close(lfd);
	xfree(path);
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_bad_type - unknown endpoint type */

static void
test_bad_type(void **unused_state)
{
	STRBUF *why = strbuf_create(100);

	assert_int_equal(trigger_send(0, "x", "W", 1, 0, why), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(strbuf_str(why), "unknown service type 0");
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_dgram),
		cmocka_unit_test(test_inet),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_bad_type),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
