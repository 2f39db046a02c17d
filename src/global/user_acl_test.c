/*
 * user_acl_test.c - unit tests for the user access lists
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "strbuf.h"
#include "user_acl.h"

static void
test_lists(void **state)
{
	static const struct {
		const char *list;
		const char *user;
		int	want;
	} rows[] = {
		{"static:anyone", "alice", 1},
		{"", "alice", 0},
		{"alice, bob", "alice", 1},
		{"alice, bob", "ALICE", 1},
		{"alice, bob", "carol", 0},
		{"!www, static:all", "www", 0},
		{"!www, static:all", "alice", 1},
		{"inline:{alice=x}", "alice", 1},
		{"inline:{alice=x}", "bob", 0},
		{"nosuchtype:x, static:all", "alice", 0},
		{"alice nosuchtype:x", "alice", 1},
	};
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (user_acl_match(rows[i].list, rows[i].user) != rows[i].want)
			fail_msg("row %zu: \"%s\" for %s", i, rows[i].list,
				 rows[i].user);
}

static void
test_files(void **state)
{
	char	dir[] = "/tmp/user_acl_test.XXXXXX";
	char	path[100], list[200];
	FILE   *fp;

	(void) state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/users", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("# people\nalice\n!bob, dave\n", fp);
	fclose(fp);
	snprintf(list, sizeof(list), "%s, static:all", path);
	assert_int_equal(user_acl_match(list, "alice"), 1);
	assert_int_equal(user_acl_match(list, "bob"), 0);
	assert_int_equal(user_acl_match(list, "carol"), 1);
	snprintf(list, sizeof(list), "!%s, static:all", path);
	assert_int_equal(user_acl_match(list, "alice"), 0);
	assert_int_equal(user_acl_match(list, "dave"), 0);
	assert_int_equal(user_acl_match(list, "bob"), 1);
	assert_int_equal(user_acl_match(list, "carol"), 1);
	snprintf(list, sizeof(list), "%s/nonexistent, static:all", dir);
	assert_int_equal(user_acl_match(list, "carol"), 0);
	unlink(path);
	rmdir(dir);
}

static void
test_names(void **state)
{
	STRBUF *name = strbuf_create(10);

	(void) state;
	assert_string_equal(user_acl_name(0, name), "root");
	assert_string_equal(user_acl_name((uid_t) 3999999991U, name), "unknown");
	strbuf_free(&name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
