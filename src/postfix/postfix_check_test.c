/*
 * postfix_check_test.c - checks and repairs, and the master lock test
 *
 * postfix_check_stat() is table-driven. postfix_check_run() runs on a
 * scratch installation in a temporary directory, owned by whoever runs
 * the test (mail_owner and setgid_group are set to that user and its
 * group, so no privileges are needed). postfix_ctl_master_pid() is
 * tried against a lock held by a child process, as master holds it.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock_file.h"
#include "strbuf.h"
#include "mainconf.h"
#include "param.h"
#include "postfix.h"

/* test_check_stat - which problems are reported */

static void
test_check_stat(void **unused_state)
{
	static const struct {
		uid_t	have_uid;
		gid_t	have_gid;
		mode_t	have_mode;
		uid_t	uid;
		gid_t	gid;
		mode_t	mode;
		int	problems;
	} t[] = {
		{100, 200, 0700, 100, 200, 0700, 0},
		{100, 200, 0700, 100, (gid_t) -1, 0700, 0},
		{100, 200, 0700, (uid_t) -1, (gid_t) -1, 0700, 0},
		{0, 200, 0700, 100, (gid_t) -1, 0700, POSTFIX_CHECK_OWNER},
		{100, 0, 0700, 100, 200, 0700, POSTFIX_CHECK_GROUP},
		{100, 200, 0755, 100, 200, 0700, POSTFIX_CHECK_MODE},
		{100, 200, 0770, 100, 200, 0700,
		 POSTFIX_CHECK_MODE | POSTFIX_CHECK_WRITABLE},
		{100, 200, 0702, 100, 200, 0700,
		 POSTFIX_CHECK_MODE | POSTFIX_CHECK_WRITABLE},
		/* maildrop is group writable by design. */
		{100, 200, 01730, 100, 200, 01730, 0},
		{100, 200, 0730, 100, 200, 01730, POSTFIX_CHECK_MODE},
		{100, 200, 01733, 100, 200, 01730,
		 POSTFIX_CHECK_MODE | POSTFIX_CHECK_WRITABLE},
		/* Set-gid bits count. */
		{0, 200, 0755, 0, 200, 02755, POSTFIX_CHECK_MODE},
		{1, 2, 0777, 0, 200, 0755, POSTFIX_CHECK_OWNER | POSTFIX_CHECK_GROUP
		 | POSTFIX_CHECK_MODE | POSTFIX_CHECK_WRITABLE},
	};
	struct stat st;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		memset(&st, 0, sizeof(st));
		st.st_uid = t[i].have_uid;
		st.st_gid = t[i].have_gid;
		st.st_mode = S_IFDIR | t[i].have_mode;
		assert_int_equal(postfix_check_stat(&st, t[i].uid, t[i].gid,
						    t[i].mode), t[i].problems);
	}
}

static char test_top[] = "/tmp/postfix_check_test.XXXXXX";

/* test_path - a name under the scratch directory (static buffer) */

static const char *
test_path(const char *name)
{
	static char buf[256];

	assert_true((size_t) snprintf(buf, sizeof(buf), "%s/%s", test_top, name)
		    < sizeof(buf));
	return buf;
}

/* test_write - create a file with text */

static void
test_write(const char *name, const char *text)
{
	int	fd;

	assert_true((fd = open(test_path(name), O_WRONLY | O_CREAT | O_TRUNC,
			       0644)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
}

/* test_mode - permission bits of a name under the scratch directory */

static mode_t
test_mode(const char *name)
{
	struct stat st;

	assert_int_equal(lstat(test_path(name), &st), 0);
	return st.st_mode & 07777;
}

/* test_load - (re)load main.cf of the scratch installation */

static void
test_load(void)
{
	STRBUF *why = strbuf_create(100);

	mainconf_reset();
	mainconf_set_dir(test_path("etc"));
	assert_int_equal(mainconf_read(0, why), 0);
	mainconf_load(PARAM_GROUP_GLOBAL);
	strbuf_free(&why);
}

/* test_setup - a scratch installation */

static int
test_setup(void **unused_state)
{
	STRBUF *text = strbuf_create(100);
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());

	assert_non_null(mkdtemp(test_top));
	assert_non_null(pw);
	assert_non_null(gr);
	assert_int_equal(chmod(test_top, 0755), 0);
	assert_int_equal(mkdir(test_path("etc"), 0755), 0);
	assert_int_equal(mkdir(test_path("libexec"), 0755), 0);
	strbuf_printf(text,
		      "queue_directory = %s/queue\n"
		      "data_directory = %s/data\n"
		      "meta_directory = %s/etc\n"
		      "daemon_directory = %s/libexec\n"
		      "mail_owner = %s\n"
		      "setgid_group = %s\n",
		      test_top, test_top, test_top, test_top, pw->pw_name,
		      gr->gr_name);
	test_write("etc/main.cf", strbuf_str(text));
	test_write("etc/master.cf", "");
	test_write("etc/postfix-files",
		   "# the scratch installation\n"
		   "$queue_directory:d:$mail_owner:-:755:uc\n"
		   "$queue_directory/incoming:d:$mail_owner:-:700:ucr\n"
		   "$queue_directory/public:d:$mail_owner:$setgid_group:710:uc\n"
		   "$queue_directory/keep:d:$mail_owner:-:700:c\n"
		   "$data_directory:d:$mail_owner:-:700:uc\n"
		   "$queue_directory/file:f:$mail_owner:-:600\n"
		   "$queue_directory/absent:f:$mail_owner:-:600\n"
		   "$queue_directory/link:l:$queue_directory/file:-:-\n");
	strbuf_free(&text);
	test_load();
	return 0;
}

/* test_teardown - remove the scratch installation */

static int
test_teardown(void **unused_state)
{
	STRBUF *cmd = strbuf_create(100);

	strbuf_printf(cmd, "rm -rf '%s'", test_top);
	assert_int_equal(system(strbuf_str(cmd)), 0);
	strbuf_free(&cmd);
	return 0;
}

/* test_check_repairs - check creates, repairs "u", warns about the rest */

static void
test_check_repairs(void **unused_state)
{
	assert_int_equal(mkdir(test_path("queue"), 0755), 0);
	assert_int_equal(mkdir(test_path("queue/public"), 0755), 0);
	assert_int_equal(mkdir(test_path("queue/keep"), 0777), 0);
	assert_int_equal(chmod(test_path("queue/keep"), 0777), 0);
	test_write("queue/file", "x");
	assert_int_equal(chmod(test_path("queue/file"), 0666), 0);

	/* Missing directories appear, wrong modes of "u" ones are fixed. */
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), 0);
	assert_int_equal(test_mode("queue/incoming"), 0700);
	assert_int_equal(test_mode("data"), 0700);
	assert_int_equal(test_mode("queue/public"), 0710);
	/* Not flagged u: left alone (a warning only), as is a file. */
	assert_int_equal(test_mode("queue/keep"), 0777);
	assert_int_equal(test_mode("queue/file"), 0666);

	/* Recursive: subdirectories get the mode, queue files keep theirs. */
	assert_int_equal(mkdir(test_path("queue/incoming/A"), 0755), 0);
	assert_int_equal(mkdir(test_path("queue/incoming/A/B"), 0777), 0);
	assert_int_equal(chmod(test_path("queue/incoming/A/B"), 0777), 0);
	test_write("queue/incoming/A/B/QUEUEID", "x");
	assert_int_equal(chmod(test_path("queue/incoming/A/B/QUEUEID"), 0744), 0);
	assert_int_equal(mkdir(test_path("target"), 0755), 0);
	{
		char   *target = strdup(test_path("target"));

		assert_int_equal(symlink(target, test_path("queue/incoming/A/evil")), 0);
		free(target);
	}
	assert_int_equal(chmod(test_path("queue/incoming"), 0750), 0);
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), 0);
	assert_int_equal(test_mode("queue/incoming"), 0700);
	assert_int_equal(test_mode("queue/incoming/A"), 0700);
	assert_int_equal(test_mode("queue/incoming/A/B"), 0700);
	assert_int_equal(test_mode("queue/incoming/A/B/QUEUEID"), 0744);
	/* The link was not followed: its target keeps its mode. */
	assert_int_equal(test_mode("target"), 0755);

	/* set-permissions does files and unflagged directories too. */
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_SET_PERMS), 0);
	assert_int_equal(test_mode("queue/keep"), 0700);
	assert_int_equal(test_mode("queue/file"), 0600);
}

/* test_check_failures - what stops "postfix start" */

static void
test_check_failures(void **unused_state)
{
	/* No master.cf. */
	assert_int_equal(unlink(test_path("etc/master.cf")), 0);
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
	test_write("etc/master.cf", "");
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), 0);

	/* maillog_file without a postlog service. */
	{
		int	fd = open(test_path("etc/main.cf"), O_WRONLY | O_APPEND);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "maillog_file = /dev/stdout\n", 27), 27);
		close(fd);
	}
	test_load();
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
	test_write("etc/master.cf",
		   "postlog   unix-dgram n  -       n       -       1       postlogd\n");
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), 0);

	/* An unknown account, a bad line, a missing list. */
	test_write("etc/postfix-files",
		   "$queue_directory/x:d:no-such-user-here:-:700:uc\n");
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
	assert_int_equal(access(test_path("queue/x"), F_OK), -1);
	test_write("etc/postfix-files", "$queue_directory/x:d:root:-:700:uq\n");
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
	test_write("etc/postfix-files", "$no_such_param/x:d:root:-:700:uc\n");
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
	assert_int_equal(unlink(test_path("etc/postfix-files")), 0);
	assert_int_equal(postfix_check_run(POSTFIX_CHECK_REPAIR), -1);
}

/* test_master_pid - the lock says who runs */

static void
test_master_pid(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	const char *path = test_path("master.pid");
	int	ready[2];
	char	ch;
	pid_t	child;
	int	status;
	int	fd;

	/* No file, or nobody holding the lock: not running. */
	assert_int_equal(postfix_ctl_master_pid(path, why), 0);
	test_write("master.pid", "          4242\n");
	assert_int_equal(postfix_ctl_master_pid(path, why), 0);

	/* A lock of another process, as master holds it. */
	assert_int_equal(pipe(ready), 0);
	if ((child = fork()) == 0) {
		fd = open(path, O_RDWR);
		if (fd < 0 || lock_fcntl(fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	close(ready[1]);
	assert_int_equal(read(ready[0], &ch, 1), 1);
	close(ready[0]);
	assert_int_equal(postfix_ctl_master_pid(path, why), 4242);

	/* Unreadable content: the lock holder's process ID. */
	test_write("master.pid", "garbage\n");
	assert_int_equal(postfix_ctl_master_pid(path, why), (long) child);

	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(postfix_ctl_master_pid(path, why), 0);

	/* Not a file we can open: an error with the reason. */
	assert_int_equal(mkdir(test_path("pid.d"), 0755), 0);
	assert_int_equal(postfix_ctl_master_pid(test_path("pid.d/x/y"), why), 0);
	if (getuid() != 0) {
		assert_int_equal(chmod(test_path("pid.d"), 0), 0);
		strbuf_reset(why);
		assert_int_equal(postfix_ctl_master_pid(test_path("pid.d/x"), why), -1);
		assert_non_null(strstr(strbuf_str(why), "Permission denied"));
		assert_int_equal(chmod(test_path("pid.d"), 0755), 0);
	}
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_stat),
		cmocka_unit_test(test_check_repairs),
		cmocka_unit_test(test_check_failures),
		cmocka_unit_test(test_master_pid),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
