/*
 * mailbox_test.c - unit tests for mbox and Maildir delivery
 *
 * Each test writes a small queue file through the qfile writer, builds
 * the delivery request by hand, and delivers into a temporary
 * directory: the mbox envelope lines and quoting, appends, the size
 * limit (and the truncation after a failed append), each lock method
 * held by someone else, refused destinations, the owner a root caller
 * gives a new spool file, and the Maildir layout.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iostream.h"
#include "lock_file.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"
#include "mail_copy.h"
#include "mailbox.h"
#include "params_deliver.h"
#include "qfile.h"

static char dir[] = "/tmp/mailbox_test.XXXXXX";
static char *qpath;

/* Holds one queue file open and the request that points into it. */
static DELIVER_REQUEST req;
static int qfd = -1;

static const char *const body[] = {
	"Subject: test",
	"",
	"From the start",
	"a line",
	">From quoted already",
};

/* make_request - a queue file with the body above, and a request */

static void
make_request(void)
{
	IOSTREAM *st;
	STRBUF *why = strbuf_create(10);
	QFILE_WRITER *w;
	QFILE  *q;
	size_t  i;

	qpath = str_concat(dir, "/queuefile", (char *) 0);
	qfd = open(qpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(qfd >= 0);
	st = iostream_fdopen(qfd, O_RDWR);
	w = qfile_write_open(st, 1700000000L, 0, 10);
	qfile_write_sender(w, "sender@example.com");
	qfile_write_rcpt(w, "user@example.com", "orig@example.com", NULL, 0);
	qfile_write_content(w);
	for (i = 0; i < ARRAY_LEN(body); i++)
		qfile_write_line(w, body[i], strlen(body[i]));
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 100, why), 0);

	assert_int_equal(iostream_seek(st, 0, SEEK_SET), 0);
	q = qfile_read(st, 10000, 0, why);
	assert_non_null(q);
	memset(&req, 0, sizeof(req));
	req.fp = st;
	req.queue_id = xstrdup("ABC123");
	req.sender = xstrdup("sender@example.com");
	req.data_offset = q->size[QFILE_SIZE_DATA_OFFSET];
	req.data_size = q->size[QFILE_SIZE_CONTENT];
	req.arrival_sec = 1700000000L;
	qfile_free(q);
	strbuf_free(&why);
}

/* free_request - undo make_request() */

static void
free_request(void)
{
	iostream_close(req.fp);
	xfree(req.queue_id);
	xfree(req.sender);
	unlink(qpath);
	xfree(qpath);
}

/* read_file - the whole file, or NULL */

static STRBUF *
read_file(const char *path)
{
	STRBUF *out = strbuf_create(100);
	char    buf[512];
	ssize_t n;
	int     fd;

	if ((fd = open(path, O_RDONLY)) < 0) {
		strbuf_free(&out);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_append(out, buf, (size_t) n);
	close(fd);
	return out;
}

/* count_lines_starting - lines of text that start with prefix */

static int
count_lines_starting(const char *text, const char *prefix)
{
	const char *cp = text;
	int     n = 0;

	while (*cp) {
		if (str_has_prefix(cp, prefix))
			n++;
		if ((cp = strchr(cp, '\n')) == NULL)
			break;
		cp++;
	}
	return n;
}

/* setup - directory and default lock parameters */

static int
setup(void **state)
{
	(void) state;
	if (mkdtemp(dir) == NULL)
		return -1;
	var_deliver_lock_attempts = 2;
	var_deliver_lock_delay = 1;
	var_stale_lock_time = 500;
	return 0;
}

/* teardown - remove what the tests left */

static int
teardown(void **state)
{
	char   *cmd = str_concat("rm -rf ", dir, (char *) 0);
	int     ret;

	(void) state;
	ret = system(cmd);
	xfree(cmd);
	return ret == 0 ? 0 : -1;
}

/* test_mbox_new - envelope lines, quoting, blank line, mode */

static void
test_mbox_new(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/new.mbox", (char *) 0);
	STRBUF *text;
	struct stat st;

	(void) state;
	make_request();
	assert_int_equal(mbox_deliver(&req, path, "fcntl, dotlock", 0,
				      MAIL_COPY_MBOX, "user@example.com",
				      "orig@example.com", status, reason), 0);
	text = read_file(path);
	assert_non_null(text);
	assert_true(str_has_prefix(strbuf_str(text),
				   "From sender@example.com "));
	assert_non_null(strstr(strbuf_str(text),
			       "\nReturn-Path: <sender@example.com>\n"));
	assert_non_null(strstr(strbuf_str(text),
			       "\nX-Original-To: orig@example.com\n"));
	assert_non_null(strstr(strbuf_str(text),
			       "\nDelivered-To: user@example.com\n"));
	assert_non_null(strstr(strbuf_str(text), "\n>From the start\n"));
	assert_non_null(strstr(strbuf_str(text), "\n>From quoted already\n"));
	assert_true(str_has_suffix(strbuf_str(text), "already\n\n"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* No lock file is left behind. */
	{
		char   *lock = str_concat(path, ".lock", (char *) 0);

		assert_int_equal(access(lock, F_OK), -1);
		xfree(lock);
	}
	strbuf_free(&text);
	unlink(path);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* test_mbox_append - a second message follows the first */

static void
test_mbox_append(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/append.mbox", (char *) 0);
	STRBUF *text;

	(void) state;
	make_request();
	assert_int_equal(mbox_deliver(&req, path, "flock", 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), 0);
	assert_int_equal(mbox_deliver(&req, path, "flock", 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), 0);
	text = read_file(path);
	assert_int_equal(count_lines_starting(strbuf_str(text), "From "), 2);
	assert_int_equal(count_lines_starting(strbuf_str(text),
					      "X-Original-To:"), 0);
	strbuf_free(&text);
	unlink(path);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* test_mbox_size_limit - 5.2.2 and the file cut back to its old size */

static void
test_mbox_size_limit(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/limit.mbox", (char *) 0);
	struct stat st1, st2;

	(void) state;
	make_request();
	assert_int_equal(mbox_deliver(&req, path, "fcntl", 100000,
				      MAIL_COPY_MBOX, "user@example.com", "",
				      status, reason), 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(mbox_deliver(&req, path, "fcntl",
				      (long) st1.st_size + 20, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), -1);
	assert_string_equal(strbuf_str(status), "5.2.2");
	assert_non_null(strstr(strbuf_str(reason), "File too large"));
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, st1.st_size);

	/* The limit was only for that delivery. */
	assert_int_equal(mbox_deliver(&req, path, "fcntl", 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), 0);
	unlink(path);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* test_mbox_dotlock_busy - a dot-lock held elsewhere: 4.2.0 */

static void
test_mbox_dotlock_busy(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/busy.mbox", (char *) 0);
	char   *lock = str_concat(path, ".lock", (char *) 0);
	int     fd;

	(void) state;
	make_request();
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mbox_deliver(&req, path, "dotlock", 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), -1);
	assert_string_equal(strbuf_str(status), "4.2.0");
	assert_non_null(strstr(strbuf_str(reason),
			       "unable to lock for exclusive access"));
	assert_int_equal(access(path, F_OK), -1);	/* not even created */
	assert_int_equal(access(lock, F_OK), 0);	/* not ours to remove */
	unlink(lock);
	xfree(lock);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* kernel_lock_busy - a child holds the lock while we try */

static void
kernel_lock_busy(const char *method, int (*fn)(int, int, int))
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/kbusy.mbox", (char *) 0);
	int     go[2], done[2];
	char    ch;
	pid_t   pid;
	struct stat st;

	make_request();
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	if ((pid = fork()) == 0) {
		int     fd = open(path, O_RDWR | O_CREAT, 0600);

		if (fd < 0 || fn(fd, LOCK_MODE_EXCLUSIVE, LOCK_NOWAIT) < 0)
			_exit(1);
		(void) write(go[1], "x", 1);
		(void) read(done[0], &ch, 1);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(read(go[0], &ch, 1), 1);
	assert_int_equal(mbox_deliver(&req, path, method, 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), -1);
	assert_string_equal(strbuf_str(status), "4.2.0");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(write(done[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);

	/* Free again: it works. */
	assert_int_equal(mbox_deliver(&req, path, method, 0, MAIL_COPY_MBOX,
				      "user@example.com", "", status,
				      reason), 0);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	unlink(path);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

static void
test_mbox_fcntl_busy(void **state)
{
	(void) state;
	kernel_lock_busy("fcntl", lock_fcntl);
}

static void
test_mbox_flock_busy(void **state)
{
	(void) state;
	kernel_lock_busy("flock", lock_flock);
}

/* test_mbox_refused - bad lock names, symlinks, non-files */

static void
test_mbox_refused(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/refused.mbox", (char *) 0);
	char   *target = str_concat(dir, "/target", (char *) 0);
	STRBUF *text;

	(void) state;
	make_request();
	assert_int_equal(mbox_deliver(&req, path, "fcntl, bogus", 0,
				      MAIL_COPY_MBOX, "u", "", status,
				      reason), -1);
	assert_true(strbuf_str(status)[0] == '4');
	assert_non_null(strstr(strbuf_str(reason), "bogus"));

	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(mbox_deliver(&req, path, "fcntl", 0, MAIL_COPY_MBOX,
				      "u", "", status, reason), -1);
	assert_true(strbuf_str(status)[0] == '5');
	assert_null(read_file(target));
	unlink(path);

	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mbox_deliver(&req, path, "fcntl", 0, MAIL_COPY_MBOX,
				      "u", "", status, reason), -1);
	assert_true(strbuf_str(status)[0] == '5');
	rmdir(path);

	text = read_file(path);
	assert_null(text);
	xfree(path);
	xfree(target);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* test_mbox_owner - a root caller gives a new spool file to the user */

static void
test_mbox_owner(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *path = str_concat(dir, "/owned.mbox", (char *) 0);
	struct stat st;
	int     fd;

	(void) state;
	if (geteuid() != 0)
		skip();
	make_request();
	assert_int_equal(mbox_deliver_owner(&req, path, "fcntl", 0,
					    MAIL_COPY_MBOX, "u", "", 65534,
					    65534, status, reason), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	unlink(path);

	/* A file that belongs to someone else is refused. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mbox_deliver_owner(&req, path, "fcntl", 0,
					    MAIL_COPY_MBOX, "u", "", 65534,
					    65534, status, reason), -1);
	/* Postfix defers (strict_mailbox_ownership), it does not bounce. */
	assert_string_equal(strbuf_str(status), "4.2.0");
	assert_non_null(strstr(strbuf_str(reason), "not owned by recipient"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	unlink(path);
	xfree(path);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

/* count_entries - files in a directory, other than . and .. */

static int
count_entries(const char *path, char **first)
{
	DIR    *dp = opendir(path);
	struct dirent *de;
	int     n = 0;

	if (dp == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n++ == 0 && first)
			*first = str_concat(path, "/", de->d_name, (char *) 0);
	}
	closedir(dp);
	return n;
}

/* test_maildir - tmp, new, cur made; one complete file in new */

static void
test_maildir(void **state)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(10);
	char   *md = str_concat(dir, "/home/Maildir/", (char *) 0);
	char   *newdir = str_concat(md, "new", (char *) 0);
	char   *tmpdir = str_concat(md, "tmp", (char *) 0);
	char   *curdir = str_concat(md, "cur", (char *) 0);
	char   *file = NULL;
	STRBUF *text;
	char    host[256];

	(void) state;
	make_request();
	assert_int_equal(maildir_deliver(&req, md, MAIL_COPY_MAILDIR,
					 "user@example.com", "orig@example.com",
					 status, reason), 0);
	assert_int_equal(count_entries(tmpdir, NULL), 0);
	assert_int_equal(count_entries(curdir, NULL), 0);
	assert_int_equal(count_entries(newdir, &file), 1);
	assert_non_null(file);
	assert_non_null(strstr(file, "/new/1"));
	assert_non_null(strstr(file, ".V"));
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	assert_true(strchr(host, '/') || str_has_suffix(file, host));
	text = read_file(file);
	assert_true(str_has_prefix(strbuf_str(text),
				   "Return-Path: <sender@example.com>\n"));
	assert_non_null(strstr(strbuf_str(text), "\nFrom the start\n"));
	assert_int_equal(count_lines_starting(strbuf_str(text), "From "), 1);
	strbuf_free(&text);
	xfree(file);

	/* A second message is a second file. */
	assert_int_equal(maildir_deliver(&req, md, MAIL_COPY_MAILDIR,
					 "user@example.com", "", status,
					 reason), 0);
	assert_int_equal(count_entries(newdir, NULL), 2);

	/* A Maildir that cannot be made: 5.x.x or 4.x.x, with a reason. */
	assert_int_equal(maildir_deliver(&req, "/proc/nonexistent/Maildir/",
					 MAIL_COPY_MAILDIR, "u", "", status,
					 reason), -1);
	assert_non_null(strstr(strbuf_str(reason), "create maildir file"));
	xfree(md);
	xfree(newdir);
	xfree(tmpdir);
	xfree(curdir);
	free_request();
	strbuf_free(&status);
	strbuf_free(&reason);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox_new),
		cmocka_unit_test(test_mbox_append),
		cmocka_unit_test(test_mbox_size_limit),
		cmocka_unit_test(test_mbox_dotlock_busy),
		cmocka_unit_test(test_mbox_fcntl_busy),
		cmocka_unit_test(test_mbox_flock_busy),
		cmocka_unit_test(test_mbox_refused),
		cmocka_unit_test(test_mbox_owner),
		cmocka_unit_test(test_maildir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
