/*
 * timed_connect_test.c - unit tests for timed_connect
 *
 * A listening UNIX-domain socket accepts; a path without a listener is
 * refused with ECONNREFUSED (or ENOENT); the socket's blocking mode is
 * unchanged either way.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "timed_connect.h"

/* unix_addr - a socket address under a fresh temporary directory */

static void
unix_addr(struct sockaddr_un *sun, char *dir, size_t dirlen)
{
	char	tmpl[] = "/tmp/tcXXXXXX";

	assert_non_null(mkdtemp(tmpl));
	assert_true(strlen(tmpl) < dirlen);
	memcpy(dir, tmpl, sizeof(tmpl));
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	assert_true(snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/s",
			     dir) > 0);
}

/* test_connect - a listener accepts; blocking mode is kept */

static void
test_connect(void **unused)
{
	struct sockaddr_un sun;
	char	dir[64];
	int	lfd, fd;

	(void) unused;
	unix_addr(&sun, dir, sizeof(dir));
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *) &sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 5), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(timed_connect(fd, (struct sockaddr *) &sun,
				       sizeof(sun), 5), 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);

	/* A non-blocking socket stays non-blocking. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(timed_connect(fd, (struct sockaddr *) &sun,
				       sizeof(sun), 0), 0);
	assert_int_not_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	close(lfd);
	unlink(sun.sun_path);
	rmdir(dir);
}

/* test_refused - nobody listens: -1 with the reason in errno */

static void
test_refused(void **unused)
{
	struct sockaddr_un sun;
	char	dir[64];
	int	fd;

	(void) unused;
	unix_addr(&sun, dir, sizeof(dir));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(timed_connect(fd, (struct sockaddr *) &sun,
				       sizeof(sun), 5), -1);
	assert_true(errno == ENOENT || errno == ECONNREFUSED);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
