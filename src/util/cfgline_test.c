/*
 * cfgline_test.c - unit tests for the logical line reader
 *
 * Each case is a file, given as a string, and the logical lines that
 * cfgline_read() must return, separated by '|', each with the number
 * of the line where it starts.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "cfgline.h"
#include "strbuf.h"

#define MAX_LINES	4

static const struct {
	const char *file;
	const char *lines[MAX_LINES];	/* NULL-terminated */
	int	first[MAX_LINES];
	int	count;			/* physical lines at the end */
} cases[] = {
	{"a = b\nc = d\n", {"a = b", "c = d"}, {1, 2}, 2},
	{"a = b\n  c\n\td\n", {"a = b  c\td"}, {1}, 3},
	{"# comment\n\na = b  \n", {"a = b"}, {3}, 3},
	{"a = b\n# comment\n  c\n", {"a = b  c"}, {1}, 3},
	{"a = b\n   \n  c", {"a = b  c"}, {1}, 3},
	{"  lead\nx", {"  lead", "x"}, {1, 2}, 2},
	{"", {NULL}, {0}, 0},
	{"\n#\n \n", {NULL}, {0}, 3},
	/* Found by cfgline_fuzz: all white space continues, as in Postfix. */
	{"a = b\r\n\r\n  c\r\n", {"a = b\r  c"}, {1}, 3},
	{"a\n\fb\n", {"a\fb"}, {1}, 2},
	{"a\n\vb\nc\n", {"a\vb", "c"}, {1, 3}, 3},
};

/* test_cfgline_cases - logical lines and line numbers */

static void
test_cfgline_cases(void **state)
{
	STRBUF *buf = strbuf_create(10);
	size_t	i;
	int	n;
	int	lineno;
	int	first;
	FILE   *fp;

	(void) state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		/* fmemopen() refuses an empty buffer; a pipe would do too. */
		fp = *cases[i].file ?
		    fmemopen((void *) cases[i].file, strlen(cases[i].file), "r") :
		    fopen("/dev/null", "r");
		assert_non_null(fp);
		lineno = 0;
		for (n = 0; cfgline_read(fp, buf, &lineno, &first) == 0; n++) {
			assert_true(n < MAX_LINES);
			assert_non_null(cases[i].lines[n]);
			assert_string_equal(strbuf_str(buf), cases[i].lines[n]);
			assert_int_equal(first, cases[i].first[n]);
		}
		assert_true(n == MAX_LINES || cases[i].lines[n] == NULL);
		assert_int_equal(lineno, cases[i].count);
		fclose(fp);
	}
	strbuf_free(&buf);
}

/* test_cfgline_limit - a long line is cut at the limit and says so */

static void
test_cfgline_limit(void **state)
{
	static const char file[] = "abcdefgh\n  ijk\nxy\n";
	STRBUF *buf = strbuf_create(10);
	int	lineno = 0;
	int	first;
	FILE   *fp;

	(void) state;
	strbuf_set_limit(buf, 5);
	fp = fmemopen((void *) file, sizeof(file) - 1, "r");
	assert_non_null(fp);
	assert_int_equal(cfgline_read(fp, buf, &lineno, &first), 0);
	assert_string_equal(strbuf_str(buf), "abcde");
	assert_true(strbuf_overflow(buf));
	assert_int_equal(cfgline_read(fp, buf, &lineno, &first), 0);
	assert_string_equal(strbuf_str(buf), "xy");
	assert_false(strbuf_overflow(buf));
	assert_int_equal(first, 3);
	assert_int_equal(cfgline_read(fp, buf, &lineno, &first), -1);
	fclose(fp);
	strbuf_free(&buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfgline_cases),
		cmocka_unit_test(test_cfgline_limit),
	};

	return cmocka_run_group_tests_name("cfgline", tests, NULL, NULL);
}
