/*
 * queue_scan_test.c - unit tests for queue_scan
 *
 * A queue with files at the top, one and two hash levels down, a dot
 * file, a directory with a long name (not followed) and an empty queue:
 * the walk lists exactly the files, with their paths. Pruning removes
 * only empty hash levels below the depth kept.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "strbuf.h"
#include "queue_scan.h"

static char dir[] = "/tmp/queue_scan_test.XXXXXX";
static char cwd[4096];

/* touch - create an empty file */

static void
touch(const char *path)
{
	int     fd = open(path, O_CREAT | O_WRONLY, 0600);

	assert_true(fd >= 0);
	close(fd);
}

/* walk - every path of a queue, sorted, space-separated */

static char *
walk(const char *queue)
{
	QUEUE_SCAN *scan = queue_scan_open(queue);
	STRBUF *path = strbuf_create(10);
	STRBUF *out = strbuf_create(10);
	ARGV   *all = argv_create();
	const char *name;
	char   *result;
	size_t  i;

	assert_non_null(scan);
	while ((name = queue_scan_next(scan, path)) != NULL) {
		/* The name is the last component of the path. */
		assert_string_equal(strrchr(strbuf_str(path), '/') + 1, name);
		argv_add(all, strbuf_str(path));
	}
	assert_null(queue_scan_next(scan, path));	/* stays at the end */
	queue_scan_close(scan);
	argv_sort(all);
	for (i = 0; i < all->argc; i++)
		strbuf_append_printf(out, "%s%s", i ? " " : "", all->argv[i]);
	argv_free(&all);
	strbuf_free(&path);
	result = strbuf_detach(out);
	strbuf_free(&out);
	return result;
}

static void
test_walk(void **unused)
{
	char   *got;

	(void) unused;
	assert_int_equal(mkdir("deferred", 0700), 0);
	assert_int_equal(mkdir("deferred/A", 0700), 0);
	assert_int_equal(mkdir("deferred/B", 0700), 0);
	assert_int_equal(mkdir("deferred/B/C", 0700), 0);
	assert_int_equal(mkdir("deferred/longname", 0700), 0);
	assert_int_equal(mkdir("deferred/E", 0700), 0);
	touch("deferred/TOP1");
	touch("deferred/A/A1234");
	touch("deferred/B/C/BC567");
	touch("deferred/.hidden");
	touch("deferred/longname/NOTME");
	got = walk("deferred");
	assert_string_equal(got, "deferred/A/A1234 deferred/B/C/BC567 deferred/TOP1");
	free(got);

	assert_int_equal(mkdir("empty", 0700), 0);
	got = walk("empty");
	assert_string_equal(got, "");
	free(got);

	assert_null(queue_scan_open("nonexistent"));
}

static void
test_close_early(void **unused)
{
	QUEUE_SCAN *scan;
	STRBUF *path = strbuf_create(10);

	(void) unused;
	/* Closing in the middle of a walk, two levels down, leaks nothing. */
	scan = queue_scan_open("deferred");
	assert_non_null(scan);
	assert_non_null(queue_scan_next(scan, path));
	queue_scan_close(scan);
	strbuf_free(&path);
}

static void
test_prune(void **unused)
{
	struct stat st;

	(void) unused;
	/* Keep level 1: only B/C could go, and it still holds a file. */
	assert_int_equal(queue_scan_prune("deferred", 1), 0);
	assert_int_equal(unlink("deferred/B/C/BC567"), 0);
	assert_int_equal(queue_scan_prune("deferred", 1), 1);
	assert_int_equal(stat("deferred/B/C", &st), -1);
	assert_int_equal(stat("deferred/E", &st), 0);
	/* Keep nothing: the empty E and B go, A (not empty) stays. */
	assert_int_equal(queue_scan_prune("deferred", 0), 2);
	assert_int_equal(stat("deferred/A", &st), 0);
	assert_int_equal(stat("deferred/longname", &st), 0);
}

static int
setup(void **unused)
{
	(void) unused;
	if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(dir) == NULL
	    || chdir(dir) < 0)
		return -1;
	return 0;
}

static int
teardown(void **unused)
{
	char    cmd[200];

	(void) unused;
	if (chdir(cwd) < 0)
		return -1;
	if (snprintf(cmd, sizeof(cmd), "rm -rf %s", dir) >= (int) sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_close_early),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
