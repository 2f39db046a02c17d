/*
 * set_eugid_test.c - unit tests for switching effective IDs
 *
 * Meaningful only as root (the tests skip otherwise): a file created
 * while switched belongs to the user, a root-only file cannot be read
 * while switched and can be again after set_eugid_root(), and set_ugid()
 * in a child leaves no way back.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "stringops.h"
#include "set_eugid.h"

#define TEST_UID	((uid_t) 65534)
#define TEST_GID	((gid_t) 65534)

/* test_switch_and_back - effective IDs and groups follow the calls */

static void
test_switch_and_back(void **state)
{
	gid_t   groups[16];
	int     n;

	(void) state;
	if (getuid() != 0)
		skip();
	assert_int_equal(set_eugid(TEST_UID, TEST_GID), 0);
	assert_int_equal(geteuid(), TEST_UID);
	assert_int_equal(getegid(), TEST_GID);
	assert_int_equal(getuid(), 0);
	n = getgroups(16, groups);
	assert_int_equal(n, 1);
	assert_int_equal(groups[0], TEST_GID);

	/* Switching from one user to another goes through root. */
	assert_int_equal(set_eugid(1, 1), 0);
	assert_int_equal(geteuid(), 1);
	assert_int_equal(getegid(), 1);

	assert_int_equal(set_eugid_root(), 0);
	assert_int_equal(geteuid(), 0);
	assert_int_equal(getegid(), 0);
}

/* test_file_rights - the kernel checks the user's rights */

static void
test_file_rights(void **state)
{
	char    tmpl[] = "/tmp/set_eugid_test.XXXXXX";
	char   *secret, *mine;
	struct stat st;
	int     fd;

	(void) state;
	if (getuid() != 0)
		skip();
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(chmod(tmpl, 01777), 0);
	secret = str_concat(tmpl, "/secret", (char *) 0);
	mine = str_concat(tmpl, "/mine", (char *) 0);
	fd = open(secret, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);

	assert_int_equal(set_eugid(TEST_UID, TEST_GID), 0);
	errno = 0;
	assert_int_equal(open(secret, O_RDONLY), -1);
	assert_int_equal(errno, EACCES);
	fd = open(mine, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(set_eugid_root(), 0);

	assert_int_equal(stat(mine, &st), 0);
	assert_int_equal(st.st_uid, TEST_UID);
	assert_int_equal(st.st_gid, TEST_GID);
	fd = open(secret, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);

	unlink(secret);
	unlink(mine);
	rmdir(tmpl);
	xfree(secret);
	xfree(mine);
}

/* test_set_ugid - a child that drops root for good cannot get it back */

static void
test_set_ugid(void **state)
{
	pid_t   pid;
	int     status;

	(void) state;
	if (getuid() != 0)
		skip();
	if ((pid = fork()) == 0) {
		if (set_ugid(TEST_UID, TEST_GID) < 0)
			_exit(1);
		if (getuid() != TEST_UID || geteuid() != TEST_UID
		    || getgid() != TEST_GID)
			_exit(2);
		if (seteuid(0) == 0 || set_eugid_root() == 0)
			_exit(3);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch_and_back),
		cmocka_unit_test(test_file_rights),
		cmocka_unit_test(test_set_ugid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
