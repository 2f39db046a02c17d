/*
 * mail_queue_test.c - unit tests for mail_queue
 *
 * Paths with and without hashing at several depths, for short and long
 * IDs; refusal of bad queue names and IDs; exclusive creation with mode
 * 0600 and a name that matches the file's inode; renames between a flat
 * and a hashed queue, creating the hash subdirectory on demand.
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

#include "strbuf.h"
#include "mail_queue.h"
#include "params_global.h"
#include "queue_id.h"

static char dir[] = "/tmp/mail_queue_test.XXXXXX";
static char cwd[4096];

static void
test_paths(void **unused)
{
	static const struct {
		const char *names;
		int     depth;
		const char *queue;
		const char *id;
		const char *path;
	} t[] = {
		{"deferred, defer", 1, "deferred", "C3CD21F3E90", "deferred/C/C3CD21F3E90"},
		{"deferred, defer", 1, "defer", "C3CD21F3E90", "defer/C/C3CD21F3E90"},
		{"deferred, defer", 1, "incoming", "C3CD21F3E90", "incoming/C3CD21F3E90"},
		{"deferred, defer", 2, "deferred", "C3CD21F3E90", "deferred/C/3/C3CD21F3E90"},
		{"deferred", 0, "deferred", "C3CD21F3E90", "deferred/C3CD21F3E90"},
		{"incoming active", 3, "active", "C3CD21F3E90", "active/C/3/C/C3CD21F3E90"},
		{"deferred, defer", 9, "deferred", "C3CD21F3E90", "deferred/C/3/C/D/2/C3CD21F3E90"},
		/* 0000000000z1: usec 0 -> "00000" */
		{"deferred", 1, "deferred", "0000000000z1", "deferred/0/0000000000z1"},
		{"deferred", 1, "deferred", "../x", NULL},
		{"deferred", 1, "Deferred", "C3CD21F3E90", NULL},
		{"deferred", 1, "def/erred", "C3CD21F3E90", NULL},
		{"deferred", 1, "", "C3CD21F3E90", NULL},
	};
	STRBUF *out = strbuf_create(10);
	char   *saved_names = var_hash_queue_names;
	int     saved_depth = var_hash_queue_depth;
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		var_hash_queue_names = (char *) t[i].names;
		var_hash_queue_depth = t[i].depth;
		if (t[i].path) {
			assert_int_equal(mail_queue_path(out, t[i].queue, t[i].id), 0);
			assert_string_equal(strbuf_str(out), t[i].path);
		} else {
			assert_int_equal(mail_queue_path(out, t[i].queue, t[i].id), -1);
		}
	}
	var_hash_queue_names = saved_names;
	var_hash_queue_depth = saved_depth;
	strbuf_free(&out);
}

static int
setup(void **unused)
{
	if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(dir) == NULL
	    || chdir(dir) < 0 || mkdir("incoming", 0700) < 0
	    || mkdir("deferred", 0700) < 0)
		return -1;
	var_hash_queue_names = "deferred";
	var_hash_queue_depth = 1;
	return 0;
}

static int
teardown(void **unused)
{
	char    cmd[4200];

	if (chdir(cwd) < 0)
		return -1;
	if (snprintf(cmd, sizeof(cmd), "rm -rf %s", dir) >= (int) sizeof(cmd)
	    || system(cmd) != 0)
		return -1;
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	var_hash_queue_names = NULL;
	return 0;
}

static void
test_create_rename(void **unused)
{
	STRBUF *id = strbuf_create(10);
	STRBUF *id2 = strbuf_create(10);
	STRBUF *path = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	STRBUF *hashed = strbuf_create(10);
	struct stat st;
	char    expect[40];
	int     fd;
	int     fd2;
	int     long_ids;

	for (long_ids = 0; long_ids <= 1; long_ids++) {
		fd = mail_queue_create("incoming", long_ids, id, path, why);
		assert_true(fd >= 0);
		assert_true(queue_id_ok(strbuf_str(id)));
		assert_int_equal(queue_id_is_long(strbuf_str(id)), long_ids);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(st.st_nlink, 1);	/* temporary name gone */
		if (!long_ids) {
			snprintf(expect, sizeof(expect), "%lX",
				 (unsigned long) st.st_ino);
			assert_string_equal(strbuf_str(id) + 5, expect);
		}
		snprintf(expect, sizeof(expect), "incoming/%s", strbuf_str(id));
		assert_string_equal(strbuf_str(path), expect);

		/* A second file gets another name. */
		fd2 = mail_queue_create("incoming", long_ids, id2, path, why);
		assert_true(fd2 >= 0);
		assert_string_not_equal(strbuf_str(id), strbuf_str(id2));
		close(fd2);

		/* To a hashed queue and back. */
		assert_int_equal(mail_queue_rename(strbuf_str(id), "incoming",
						   "deferred", why), 0);
		assert_int_equal(mail_queue_path(hashed, "deferred", strbuf_str(id)), 0);
		assert_int_equal(stat(strbuf_str(hashed), &st), 0);
		fd2 = mail_queue_open("deferred", strbuf_str(id), O_RDONLY);
		assert_true(fd2 >= 0);
		close(fd2);
		assert_int_equal(mail_queue_open("incoming", strbuf_str(id), O_RDONLY), -1);
		assert_int_equal(mail_queue_rename(strbuf_str(id), "deferred",
						   "incoming", why), 0);
		assert_int_equal(mail_queue_rename(strbuf_str(id), "deferred",
						   "incoming", why), -1);
		assert_true(strncmp(strbuf_str(why), "rename deferred/", 16) == 0);
		close(fd);
	}
	assert_int_equal(mail_queue_create("nosuch", 0, id, path, why), -1);
	assert_true(strncmp(strbuf_str(why), "create file nosuch/tmp.", 23) == 0);
	assert_int_equal(mail_queue_create("../x", 0, id, path, why), -1);
	strbuf_free(&id);
	strbuf_free(&id2);
	strbuf_free(&path);
	strbuf_free(&why);
	strbuf_free(&hashed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_create_rename, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
