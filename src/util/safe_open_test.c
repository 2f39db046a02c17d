/*
 * safe_open_test.c - unit tests for safe_open
 *
 * Plants the usual traps (symbolic links, hard links, directories,
 * FIFOs, foreign owners) in a private temporary directory and checks
 * that each is refused with a reason, that nothing behind a trap is
 * created or truncated, and that ordinary files open normally.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "safe_open.h"

static char *dir;			/* per-test temporary directory */
static STRBUF *why;

/* setup - fresh directory and reason buffer */

static int
setup(void **state)
{
	char    tmpl[] = "/tmp/safe_open_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	why = strbuf_create(100);
	return 0;
}

/* teardown - remove the directory and what the test left in it */

static int
teardown(void **state)
{
	static const char *names[] = {
		"file", "link", "hard", "dir", "fifo", "new", "dangling", "target",
	};
	char   *path;
	size_t  i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		path = str_concat(dir, "/", names[i], (char *) 0);
		if (unlink(path) < 0)
			(void) rmdir(path);
		xfree(path);
	}
	(void) rmdir(dir);
	xfree(dir);
	strbuf_free(&why);
	return 0;
}

/* tpath - name inside the test directory; caller frees */

static char *
tpath(const char *name)
{
	return str_concat(dir, "/", name, (char *) 0);
}

/* make_file - create a file with some content */

static void
make_file(const char *name, const char *content)
{
	char   *path = tpath(name);
	int     fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), strlen(content));
	close(fd);
	xfree(path);
}

/* file_size - size of a file, -1 if it does not exist */

static long
file_size(const char *name)
{
	char   *path = tpath(name);
	struct stat st;
	long    ret = lstat(path, &st) < 0 ? -1 : (long) st.st_size;

	xfree(path);
	return ret;
}

/* test_plain_file - a regular file opens; owner check both ways */

static void
test_plain_file(void **state)
{
	char   *path = tpath("file");
	struct stat st;
	char    buf[8];
	int     fd;

	make_file("file", "hello");
	fd = safe_open(path, O_RDONLY, 0, &st, (uid_t) -1, (gid_t) -1, why);
	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 5);
	assert_int_equal(read(fd, buf, sizeof(buf)), 5);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);	/* cleared */
	close(fd);

	fd = safe_open(path, O_RDONLY, 0, NULL, geteuid(), (gid_t) -1, why);
	assert_true(fd >= 0);
	close(fd);

	fd = safe_open(path, O_RDONLY, 0, &st, geteuid() + 1, (gid_t) -1, why);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EPERM);
	assert_non_null(strstr(strbuf_str(why), "owned by uid"));

	/* O_TRUNC is honoured once the file has passed. */
	fd = safe_open(path, O_WRONLY | O_TRUNC | O_APPEND, 0, &st,
		       (uid_t) -1, (gid_t) -1, why);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(write(fd, "ab", 2), 2);
	close(fd);
	assert_int_equal(file_size("file"), 2);
	xfree(path);
}

/* Traps: each must be refused with a reason that names the problem. */
static const struct trap {
	const char *name;
	int     flags;
	const char *reason;
} traps[] = {
	{"link", O_RDONLY, "symbolic link"},
	{"link", O_WRONLY | O_TRUNC, "symbolic link"},
	{"link", O_WRONLY | O_CREAT, "symbolic link"},
	{"link", O_WRONLY | O_CREAT | O_EXCL, "File exists"},
	{"dangling", O_WRONLY | O_CREAT, "symbolic link"},
	{"dangling", O_WRONLY | O_CREAT | O_EXCL, "File exists"},
	{"hard", O_WRONLY | O_TRUNC, "2 hard links"},
	{"hard", O_RDWR | O_CREAT, "2 hard links"},
	{"dir", O_RDONLY, "not a regular file"},
	{"fifo", O_RDONLY, "not a regular file"},	/* and no hang */
	{"fifo", O_WRONLY | O_CREAT, "not a regular file"},
	{"missing", O_RDONLY, "No such file"},
};

/* test_traps - links, directories and FIFOs are refused untouched */

static void
test_traps(void **state)
{
	char   *target = tpath("target");
	char   *path;
	size_t  i;
	int     fd;

	make_file("target", "precious");
	path = tpath("link");
	assert_int_equal(symlink(target, path), 0);
	xfree(path);
	path = tpath("dangling");
	assert_int_equal(symlink("new", path), 0);	/* points at "new" */
	xfree(path);
	path = tpath("hard");
	assert_int_equal(link(target, path), 0);
	xfree(path);
	path = tpath("dir");
	assert_int_equal(mkdir(path, 0700), 0);
	xfree(path);
	path = tpath("fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	xfree(path);

	for (i = 0; i < ARRAY_LEN(traps); i++) {
		path = tpath(traps[i].name);
		strbuf_reset(why);
		fd = safe_open(path, traps[i].flags, 0600, NULL, (uid_t) -1,
			       (gid_t) -1, why);
		if (fd >= 0)
			fail_msg("%s flags 0%o: opened", traps[i].name, traps[i].flags);
		if (strstr(strbuf_str(why), traps[i].reason) == NULL)
			fail_msg("%s flags 0%o: reason \"%s\", want \"%s\"",
				 traps[i].name, traps[i].flags, strbuf_str(why),
				 traps[i].reason);
		xfree(path);
	}
	assert_int_equal(file_size("target"), 8);	/* not truncated */
	assert_int_equal(file_size("new"), -1);		/* not created */
	xfree(target);
}

/* test_create - exclusive creation with ownership and mode */

static void
test_create(void **state)
{
	char   *path = tpath("new");
	struct stat st;
	uid_t   uid = geteuid() == 0 ? 12345 : geteuid();
	gid_t   gid = geteuid() == 0 ? 23456 : getegid();
	int     fd;

	fd = safe_open(path, O_WRONLY | O_CREAT | O_EXCL, 0640, &st,
		       uid, gid, why);
	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);	/* umask 022 */
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(st.st_nlink, 1);
	close(fd);

	/* Exists now: exclusive creation fails, plain O_CREAT opens it. */
	fd = safe_open(path, O_WRONLY | O_CREAT | O_EXCL, 0600, NULL,
		       (uid_t) -1, (gid_t) -1, why);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EEXIST);
	assert_non_null(strstr(strbuf_str(why), "cannot create file"));

	fd = safe_open(path, O_WRONLY | O_CREAT, 0600, &st, uid, (gid_t) -1, why);
	assert_true(fd >= 0);
	close(fd);

	/* With an owner check, the same open fails for someone else. */
	fd = safe_open(path, O_WRONLY | O_CREAT, 0600, &st, uid + 1,
		       (gid_t) -1, why);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(strbuf_str(why), "owned by uid"));
	assert_int_equal(unlink(path), 0);

	/* Plain O_CREAT on a missing file creates it. */
	fd = safe_open(path, O_RDWR | O_CREAT, 0600, &st, (uid_t) -1,
		       (gid_t) -1, why);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	assert_int_equal(file_size("new"), 0);

	xfree(path);
}

/* chown_refused - without privilege, giving a new file away fails */

static int
chown_refused(const char *path, uid_t to)
{
	int     fd;

	fd = safe_open(path, O_WRONLY | O_CREAT | O_EXCL, 0600, NULL,
		       to, (gid_t) -1, why);
	return fd == -1 && errno == EPERM
	    && strstr(strbuf_str(why), "cannot change file ownership") != NULL;
}

/* test_create_chown_fails - the ownership change is checked */

static void
test_create_chown_fails(void **state)
{
	char   *path = tpath("new");
	pid_t   pid;
	int     status;

	if (geteuid() != 0) {
		assert_true(chown_refused(path, 0));
	} else {
		/* As root, try it in a child that gave up root. */
		assert_int_equal(chmod(dir, 01777), 0);
		if ((pid = fork()) == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(2);
			_exit(chown_refused(path, 0) ? 0 : 1);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	xfree(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_chown_fails, setup,
						teardown),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
