/*
 * stringops_test.c - unit tests for tokens, trimming, numbers, argv
 */

#include "sysdeps.h"

#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* test_token_next - plain delimited tokens */

static void
test_token_next(void **state)
{
	char buf[] = "  a, b,,c  ";
	char *cp = buf;

	assert_string_equal(token_next(&cp, " ,"), "a");
	assert_string_equal(token_next(&cp, " ,"), "b");
	assert_string_equal(token_next(&cp, " ,"), "c");
	assert_null(token_next(&cp, " ,"));
	assert_null(token_next(&cp, " ,"));
}

/* test_token_next_q - groups stay together, imbalance is reported */

static void
test_token_next_q(void **state)
{
	static const struct {
		const char *in;
		const char *tokens[4];
		int err;
	} t[] = {
		{ "a { b c } d", { "a", "{ b c }", "d" }, 0 },
		{ "x{ {y} z}w q", { "x{ {y} z}w", "q" }, 0 },
		{ "{ unclosed", { "{ unclosed" }, 1 },
		{ "extra } a", { "extra", "}" , "a" }, 1 },
	};
	size_t i, n;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		char *copy = xstrdup(t[i].in);
		char *cp = copy;
		char *tok;
		int err, any_err = 0;

		for (n = 0; (tok = token_next_q(&cp, " \t", "{}", &err)); n++) {
			any_err |= err;
			assert_non_null(t[i].tokens[n]);
			assert_string_equal(tok, t[i].tokens[n]);
		}
		assert_null(t[i].tokens[n]);
		assert_int_equal(any_err, t[i].err);
		xfree(copy);
	}
}

/* test_strip_parens - outer braces removed, errors explained */

static void
test_strip_parens(void **state)
{
	STRBUF *why = strbuf_create(0);
	char a[] = "{ name = value }";
	char b[] = "plain ";
	char c[] = "{ a } b";
	char d[] = "{ a { b }";

	assert_string_equal(token_strip_parens(a, "{}", why), "name = value");
	assert_string_equal(token_strip_parens(b, "{}", why), "plain");
	assert_null(token_strip_parens(c, "{}", why));
	assert_non_null(strstr(strbuf_str(why), "syntax error"));
	assert_null(token_strip_parens(d, "{}", why));
	assert_non_null(strstr(strbuf_str(why), "missing"));
	strbuf_free(&why);
}

/* test_parse_long - whole string, range checked */

static void
test_parse_long(void **state)
{
	static const struct {
		const char *in;
		int ok;
		long val;
	} t[] = {
		{ "42", 1, 42 }, { " -7 ", 1, -7 }, { "", 0, 0 }, { "4x", 0, 0 },
		{ "101", 0, 0 }, { "99999999999999999999999", 0, 0 }, { "x", 0, 0 },
	};
	size_t i;
	long val;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		val = -1000;
		assert_int_equal(parse_long(t[i].in, &val, -100, 100),
				 t[i].ok ? 0 : -1);
		if (t[i].ok)
			assert_int_equal(val, t[i].val);
	}
}

/* test_strings - case, trim, prefix, bool, concat */

static void
test_strings(void **state)
{
	char s[] = "  MiXed Case \n";
	char *p;
	int b;

	p = str_trim(s);
	assert_string_equal(p, "MiXed Case");
	assert_string_equal(str_lower(p), "mixed case");
	assert_string_equal(str_upper(p), "MIXED CASE");
	assert_true(str_has_prefix("smtpd_banner", "smtpd_"));
	assert_false(str_has_prefix("smtp", "smtpd_"));
	assert_true(str_has_suffix("relay_destination_concurrency_limit",
				   "_destination_concurrency_limit"));
	assert_true(str_is_blank(" \t"));
	assert_false(str_is_blank(" x"));
	assert_int_equal(parse_bool("YES", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(parse_bool("false", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(parse_bool("maybe", &b), -1);
	p = str_concat("a", "bc", "", "d", (char *) 0);
	assert_string_equal(p, "abcd");
	xfree(p);
}

/* test_argv - add, insert, delete, sort, split */

static void
test_argv(void **state)
{
	ARGV *a = argv_split(" c,a  b,,a ", " ,");
	STRBUF *why = strbuf_create(0);

	assert_int_equal(a->argc, 4);
	argv_sort(a);
	argv_uniq(a);
	assert_int_equal(a->argc, 3);
	assert_string_equal(a->argv[0], "a");
	assert_string_equal(a->argv[2], "c");
	assert_null(a->argv[3]);
	argv_insert(a, 1, "x");
	assert_string_equal(a->argv[1], "x");
	assert_int_equal(argv_find(a, "b"), 2);
	argv_delete(a, 0, 2);
	assert_string_equal(a->argv[0], "b");
	assert_int_equal(a->argc, 2);
	argv_add_printf(a, "%d-%s", 5, "z");
	assert_string_equal(a->argv[2], "5-z");
	argv_truncate(a, 1);
	assert_int_equal(a->argc, 1);
	assert_null(a->argv[1]);
	argv_free(&a);

	a = argv_split_q("-o { a = b } -o c=d", " ", "{}", why);
	assert_non_null(a);
	assert_int_equal(a->argc, 4);
	assert_string_equal(a->argv[1], "{ a = b }");
	argv_free(&a);
	assert_null(argv_split_q("{ a", " ", "{}", why));
	assert_non_null(strstr(strbuf_str(why), "unbalanced"));
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_next),
		cmocka_unit_test(test_token_next_q),
		cmocka_unit_test(test_strip_parens),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_argv),
	};

	return cmocka_run_group_tests_name("stringops", tests, NULL, NULL);
}
