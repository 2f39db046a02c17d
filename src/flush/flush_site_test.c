/*
 * flush_site_test.c - tests for flush(8) log names and contents
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "argv.h"
#include "strbuf.h"
#include "flush.h"

static void
test_site_path(void **state)
{
	static const struct {
		const char *site;
		const char *path;	/* NULL: refused */
	} t[] = {
		{"example.com", "flush/example.com"},
		{"Mail.Example.COM", "flush/mail.example.com"},
		{"[192.0.2.1]", "flush/_192.0.2.1_"},
		{"../../etc/passwd", NULL},
		{"a/../../x", "flush/a_.._.._x"},
		{"a b\001", "flush/a_b_"},
		{"", NULL},
		{".hidden", NULL},
	};
	STRBUF *path = strbuf_create(10);
	size_t	i;
	int	r;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = flush_site_path(path, t[i].site);
		if (t[i].path == NULL) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_string_equal(strbuf_str(path), t[i].path);
		}
	}
	strbuf_set(path, "");
	for (i = 0; i < 300; i++)
		strbuf_append_char(path, 'a');
	assert_int_equal(flush_site_path(path, strbuf_str(path)), -1);
	strbuf_free(&path);
}

static void
test_log_ids(void **state)
{
	static const char log[] = "4ABC123\n3DEF456\n4ABC123\nnot/an/id\n\n"
		"3DEF456\n5FED321";
	ARGV   *ids = argv_create();

	(void) state;
	flush_log_ids(log, sizeof(log) - 1, ids);
	assert_int_equal(ids->argc, 3);
	assert_string_equal(ids->argv[0], "3DEF456");
	assert_string_equal(ids->argv[1], "4ABC123");
	assert_string_equal(ids->argv[2], "5FED321");
	argv_free(&ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_path),
		cmocka_unit_test(test_log_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
