/*
 * maillog_file_test.c - unit tests for maillog_file
 *
 * Record shape against hand-written Postfix lines (in UTC, so that the
 * time stamps are fixed), the reverse parse, the prefix check with
 * Postfix's wording, and the open rules: what logwriter(3) accepts
 * (new file, existing file, device, root's symbolic link) and what it
 * refuses (someone else's symbolic link, hard links, directories).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "maillog_file.h"

static char *dir;			/* per-test temporary directory */
static STRBUF *why;

/* setup - fresh directory and reason buffer */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/maillog_file_test.XXXXXX";

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
	static const char *names[] = {"file", "link", "hard", "dir", "new"};
	char   *path;
	size_t	i;

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

/* in_dir - path of a name in the test directory (caller frees) */

static char *
in_dir(const char *name)
{
	return str_concat(dir, "/", name, (char *) 0);
}

/* slurp - the contents of a file */

static char *
slurp(const char *path)
{
	STRBUF *buf = strbuf_create(100);
	char	chunk[512];
	ssize_t n;
	int	fd;
	char   *result;

	assert_true((fd = open(path, O_RDONLY)) >= 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		strbuf_append(buf, chunk, (size_t) n);
	(void) close(fd);
	result = strbuf_detach(buf);
	strbuf_free(&buf);
	return result;
}

/* test_format - records as Postfix writes them */

static void
test_format(void **state)
{
	static const struct {
		time_t	when;
		const char *host;
		const char *tag;
		long	pid;
		int	level;
		const char *text;
		const char *want;
	} t[] = {
		{0, "mail.example.com", "postfix/smtpd", 123, LOG_LEVEL_INFO,
		 "connect from a[1.2.3.4]",
		"Jan 01 00:00:00 mail postfix/smtpd[123]: connect from a[1.2.3.4]"},
		{1700000000, "vm", "postfix/master", 7, LOG_LEVEL_WARN, "x",
		"Nov 14 22:13:20 vm postfix/master[7]: warning: x"},
		{1700000000, "h.", "t", 1, LOG_LEVEL_ERROR, "e",
		"Nov 14 22:13:20 h t[1]: error: e"},
		{1700000000, "h", "t", 1, LOG_LEVEL_FATAL, "f",
		"Nov 14 22:13:20 h t[1]: fatal: f"},
		{1700000000, "h", "t", 1, LOG_LEVEL_PANIC, "p",
		"Nov 14 22:13:20 h t[1]: panic: p"},
		{1700000000, "h", "t", 1, 99, "bad level",
		"Nov 14 22:13:20 h t[1]: panic: bad level"},
		{1709251199, "h", "mytag", 42, LOG_LEVEL_INFO, "",
		"Feb 29 23:59:59 h mytag[42]: "},
	};
	STRBUF *rec = strbuf_create(10);
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		maillog_file_format(rec, t[i].when, t[i].host, t[i].tag, t[i].pid,
				    t[i].level, t[i].text);
		assert_string_equal(strbuf_str(rec), t[i].want);
	}
	strbuf_free(&rec);
}

/* test_format_truncates - text is cut at MAILLOG_TEXT_MAX */

static void
test_format_truncates(void **state)
{
	STRBUF *rec = strbuf_create(10);
	char   *text = xmalloc(MAILLOG_TEXT_MAX + 100);
	const char *prefix = "Jan 01 00:00:00 h t[1]: ";

	memset(text, 'x', MAILLOG_TEXT_MAX + 99);
	text[MAILLOG_TEXT_MAX + 99] = 0;
	maillog_file_format(rec, 0, "h", "t", 1, LOG_LEVEL_INFO, text);
	assert_int_equal(strbuf_len(rec), strlen(prefix) + MAILLOG_TEXT_MAX);
	assert_true(str_has_prefix(strbuf_str(rec), prefix));
	xfree(text);
	strbuf_free(&rec);
}

/* test_parse - the reverse, for postlogd's relay to syslog */

static void
test_parse(void **state)
{
	static const struct {
		const char *rec;
		int	ok;
		const char *tag_pid;
		const char *text;
	} t[] = {
		{"Jan 01 00:00:00 mail postfix/smtpd[123]: connect from x", 1,
		"postfix/smtpd[123]", "connect from x"},
		{"Nov 14 22:13:20 vm postfix/master[7]: warning: x", 1,
		"postfix/master[7]", "warning: x"},
		{"Nov 14 22:13:20 vm tag[7]:", 1, "tag[7]", ""},
		{"Nov 14 22:13:20 vm tag[7] no colon", 0, NULL, NULL},
		{"Nov 14 22:13:20 vm", 0, NULL, NULL},
		{"Nov 14 22:13:20 vm ", 0, NULL, NULL},
		{"", 0, NULL, NULL},
		{"Nov 14 22:13:20 vm :text", 0, NULL, NULL},
	};
	STRBUF *tag = strbuf_create(10);
	STRBUF *text = strbuf_create(10);
	size_t	i;
	int	ret;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		ret = maillog_file_parse(t[i].rec, strlen(t[i].rec), tag, text);
		assert_int_equal(ret, t[i].ok ? 0 : -1);
		if (t[i].ok) {
			assert_string_equal(strbuf_str(tag), t[i].tag_pid);
			assert_string_equal(strbuf_str(text), t[i].text);
		}
	}
	/* The length counts, not a NUL. */
	assert_int_equal(maillog_file_parse("a b c d e[1]: xyz", 15, tag, text), 0);
	assert_string_equal(strbuf_str(text), "x");
	strbuf_free(&tag);
	strbuf_free(&text);
}

/* test_check - maillog_file_prefixes */

static void
test_check(void **state)
{
	static const struct {
		const char *path;
		const char *prefixes;
		int	ok;
	} t[] = {
		{"/var/log/postfix.log", "/var, /dev/stdout", 1},
		{"/dev/stdout", "/var, /dev/stdout", 1},
		{"/tmp/maillog", "/var, /dev/stdout", 0},
		{"/tmp/maillog", "/var /tmp", 1},
		{"/tmp/maillog", "/var,/tmp", 1},
		{"/variable", "/var", 1},	/* plain string prefix, as Postfix */
		{"/var/log/x", "", 0},
		{"/dev/stderr", "/var, /dev/stdout", 0},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		assert_int_equal(maillog_file_check(t[i].path, t[i].prefixes, why),
				 t[i].ok ? 0 : -1);
	}
	assert_int_equal(maillog_file_check("/tmp/x", "/var, /dev/stdout", why), -1);
	assert_string_equal(strbuf_str(why), "maillog_file value '/tmp/x' does "
			    "not match any prefix in maillog_file_prefixes");
}

/* test_open_create - a new file: created 0600, appended to */

static void
test_open_create(void **state)
{
	char   *path = in_dir("new");
	struct stat st;
	char   *text;
	int	fd;

	assert_true((fd = maillog_file_open(path, why)) >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(maillog_file_write(fd, "one", 3), 0);
	assert_int_equal(close(fd), 0);

	/* Existing file: appended to, not truncated. */
	assert_true((fd = maillog_file_open(path, why)) >= 0);
	assert_int_equal(maillog_file_write(fd, "two two", 7), 0);
	assert_int_equal(close(fd), 0);
	text = slurp(path);
	assert_string_equal(text, "one\ntwo two\n");
	xfree(text);
	xfree(path);
}

/* test_open_traps - what logwriter(3) refuses */

static void
test_open_traps(void **state)
{
	char   *file = in_dir("file");
	char   *slink = in_dir("link");
	char   *hard = in_dir("hard");
	char   *sub = in_dir("dir");
	char   *text;
	int	fd;

	assert_true((fd = open(file, O_CREAT | O_WRONLY, 0600)) >= 0);
	(void) close(fd);

	/* A symbolic link that root does not own. */
	assert_int_equal(symlink(file, slink), 0);
	if (geteuid() == 0)
		assert_int_equal(lchown(slink, 1, 1), 0);
	assert_int_equal(maillog_file_open(slink, why), -1);
	assert_int_equal(errno, EPERM);
	assert_string_equal(strbuf_str(why), "file is a symbolic link");

	/* Root's symbolic link is fine (/dev/stdout). */
	if (geteuid() == 0) {
		assert_int_equal(lchown(slink, 0, 0), 0);
		assert_true((fd = maillog_file_open(slink, why)) >= 0);
		assert_int_equal(maillog_file_write(fd, "via link", 8), 0);
		(void) close(fd);
		text = slurp(file);
		assert_string_equal(text, "via link\n");
		xfree(text);
	}

	/* Two hard links. */
	assert_int_equal(link(file, hard), 0);
	assert_int_equal(maillog_file_open(file, why), -1);
	assert_string_equal(strbuf_str(why), "file has 2 hard links");

	/* A directory. */
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(maillog_file_open(sub, why), -1);
	assert_true(strbuf_len(why) > 0);

	/* A missing directory on the way. */
	xfree(sub);
	sub = in_dir("nodir/file");
	assert_int_equal(maillog_file_open(sub, why), -1);
	assert_int_equal(errno, ENOENT);

	xfree(file);
	xfree(slink);
	xfree(hard);
	xfree(sub);
}

/* test_open_device - a device is fine (stdout may be a terminal) */

static void
test_open_device(void **state)
{
	int	fd;

	assert_true((fd = maillog_file_open("/dev/null", why)) >= 0);
	assert_int_equal(maillog_file_write(fd, "gone", 4), 0);
	(void) close(fd);
}

/* test_write_error - a bad descriptor reports failure */

static void
test_write_error(void **state)
{
	assert_int_equal(maillog_file_write(-1, "x", 1), -1);
	assert_int_equal(errno, EBADF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_device, setup, teardown),
		cmocka_unit_test(test_write_error),
	};

	/* Fixed time stamps. */
	if (setenv("TZ", "UTC0", 1) < 0)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
