/*
 * map_pattern_test.c - unit tests for the pattern table helpers
 *
 * Result text compilation and expansion ($N, ${N}, $(N), $$), keyword
 * and delimited-pattern parsing, IF/ENDIF nesting in the rule walk, and
 * the table source reader (files, inline "{ {rule}, ... }" text, logical
 * lines, errors with file and line).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map_pattern.h"

#define UNSET	SIZE_MAX

/* test_subst_parse - accepted and refused result text */

static void
test_subst_parse(void **state)
{
	static const struct {
		const char *text;
		int	max;		/* -1: refused */
		const char *why;
	} t[] = {
		{ "OK", 0, NULL },
		{ "", 0, NULL },
		{ "cost $$5", 0, NULL },
		{ "$1", 1, NULL },
		{ "${2}x", 2, NULL },
		{ "$(3)x", 3, NULL },
		{ "a $1 b ${12} c", 12, NULL },
		{ "$1.$2", 2, NULL },
		{ "$01", 1, NULL },
		{ "$1x", -1, "non-numeric replacement index \"1x\"" },
		{ "$name", -1, "non-numeric replacement index \"name\"" },
		{ "${1:x}", -1, "non-numeric replacement index \"1:x\"" },
		{ "$0", -1, "out-of-range replacement index \"0\"" },
		{ "${00}", -1, "out-of-range replacement index \"00\"" },
		{ "$", -1, "bad replacement syntax" },
		{ "a $ b", -1, "bad replacement syntax" },
		{ "${1", -1, "bad replacement syntax" },
		{ "$(1", -1, "bad replacement syntax" },
		{ "${}", -1, "bad replacement syntax" },
	};
	STRBUF *why = strbuf_create(10);
	MAP_PATTERN_SUBST *subst;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		subst = map_pattern_subst_parse(t[i].text, why);
		if (t[i].max < 0) {
			assert_null(subst);
			assert_string_equal(strbuf_str(why), t[i].why);
		} else {
			assert_non_null(subst);
			assert_int_equal(map_pattern_subst_max(subst), t[i].max);
			map_pattern_subst_free(subst);
		}
	}
	strbuf_free(&why);
}

/* test_subst_expand - substitution from offsets */

static void
test_subst_expand(void **state)
{
	/* subject "user-list@example.com", groups 1 "user", 2 unset, 3 "" */
	static const char subject[] = "user-list@example.com";
	static const size_t ovector[] = {
		0, 21,		/* 0: the whole match */
		0, 4,		/* 1: "user" */
		UNSET, UNSET,	/* 2: did not participate */
		4, 4,		/* 3: empty */
		10, 21,		/* 4: "example.com" */
	};
	static const struct {
		const char *text;
		const char *out;
	} t[] = {
		{ "OK", "OK" },
		{ "", "" },
		{ "$$1", "$1" },
		{ "$$$1", "$user" },
		{ "$1", "user" },
		{ "<${1}@${4}>", "<user@example.com>" },
		{ "$(1) at $4", "user at example.com" },
		{ "[$2][$3]", "[][]" },
		{ "550 Use ${1}@${4} instead", "550 Use user@example.com instead" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *out = strbuf_create(10);
	MAP_PATTERN_SUBST *subst;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		subst = map_pattern_subst_parse(t[i].text, why);
		assert_non_null(subst);
		strbuf_set(out, "junk");
		map_pattern_subst_expand(subst, subject, ovector, out);
		assert_string_equal(strbuf_str(out), t[i].out);
		map_pattern_subst_free(subst);
	}
	strbuf_free(&out);
	strbuf_free(&why);
}

/* test_keyword - keywords end where letters and digits end */

static void
test_keyword(void **state)
{
	assert_int_equal(map_pattern_keyword("if /x/", "if"), 2);
	assert_int_equal(map_pattern_keyword("IF/x/", "if"), 2);
	assert_int_equal(map_pattern_keyword("If", "if"), 2);
	assert_int_equal(map_pattern_keyword("if!/x/", "if"), 2);
	assert_int_equal(map_pattern_keyword("iffy /x/", "if"), 0);
	assert_int_equal(map_pattern_keyword("if1", "if"), 0);
	assert_int_equal(map_pattern_keyword("endif", "endif"), 5);
	assert_int_equal(map_pattern_keyword("ENDIF  ", "endif"), 5);
	assert_int_equal(map_pattern_keyword("endifx", "endif"), 0);
	assert_int_equal(map_pattern_keyword("end", "endif"), 0);
}

/* test_get_delimited - negation, delimiters, escapes, flags */

static void
test_get_delimited(void **state)
{
	static const struct {
		const char *in;
		int	flags;
		int	ok;
		int	match;
		const char *pattern;
		const char *opts;
		const char *rest;	/* or the error */
	} t[] = {
		{ "/a b/ OK", 0, 1, 1, "a b", "", "OK" },
		{ "/a/ix  OK x", 0, 1, 1, "a", "ix", "OK x" },
		{ "!/a/ OK", 0, 1, 0, "a", "", "OK" },
		{ "! ! /a/ OK", 0, 1, 1, "a", "", "OK" },
		{ "!!!/a/m", 0, 1, 0, "a", "m", "" },
		{ "#a/b#i r", 0, 1, 1, "a/b", "i", "r" },
		{ "|x|", 0, 1, 1, "x", "", "" },
		{ "/a\\/b/ r", 0, 1, 1, "a\\/b", "", "r" },
		{ "/a\\\\/ r", 0, 1, 1, "a\\\\", "", "r" },
		{ "/a/i!/b/ r", MAP_PATTERN_DELIM_BANG_ENDS_FLAGS, 1, 1, "a", "i",
		  "!/b/ r" },
		{ "/a/i!/b/ r", 0, 1, 1, "a", "i!/b/", "r" },
		{ "", 0, 0, 0, NULL, NULL, "no regexp" },
		{ " ! ", 0, 0, 0, NULL, NULL, "no regexp" },
		{ "/abc", 0, 0, 0, NULL, NULL,
		  "no closing regexp delimiter \"/\"" },
		{ "/abc\\/", 0, 0, 0, NULL, NULL,
		  "no closing regexp delimiter \"/\"" },
		{ "~abc/ x", 0, 0, 0, NULL, NULL,
		  "no closing regexp delimiter \"~\"" },
	};
	STRBUF *why = strbuf_create(10);
	MAP_PATTERN_DELIM d;
	char   *copy;
	char   *p;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		copy = xstrdup(t[i].in);
		p = copy;
		strbuf_reset(why);
		if (!t[i].ok) {
			assert_int_equal(map_pattern_get_delimited(
			    &p, t[i].flags, &d, why), -1);
			assert_string_equal(strbuf_str(why), t[i].rest);
		} else {
			assert_int_equal(map_pattern_get_delimited(
			    &p, t[i].flags, &d, why), 0);
			assert_int_equal(d.match, t[i].match);
			assert_string_equal(d.pattern, t[i].pattern);
			assert_int_equal(d.flags_len, strlen(t[i].opts));
			assert_memory_equal(d.flags, t[i].opts, d.flags_len);
			assert_string_equal(p, t[i].rest);
		}
		xfree(copy);
	}
	strbuf_free(&why);
}

/* fake_match - a "pattern" is a substring of the key */

static int
fake_match(void *context, const MAP_PATTERN_RULE *rule)
{
	const char *key = context;

	if (strcmp(rule->pattern, "ERROR") == 0)
		return -1;
	return strstr(key, rule->pattern) != NULL;
}

/* add - append a rule with a substring pattern */

static void
add(MAP_PATTERN_LIST *list, int op, int match, const char *pattern,
    const char *result)
{
	MAP_PATTERN_RULE *rule;

	rule = map_pattern_list_add(list, op, match, (int) list->count + 1,
				    pattern ? xstrdup(pattern) : NULL);
	if (result)
		rule->text = xstrdup(result);
}

/* test_walk - first match wins, IF blocks nest, negation */

static void
test_walk(void **state)
{
	static const struct {
		const char *key;
		const char *result;	/* NULL: no rule applies */
	} t[] = {
		{ "first", "R1" },
		{ "a", "R6" },
		{ "a b", "R2" },
		{ "a b c", "R3" },
		{ "a b c first", "R1" },
		{ "a x", "R4" },
		{ "a x y", "R4" },
		{ "a b y", "R2" },
		{ "x", "R6" },
		{ "q", "R6" },
		{ "zzz", "R7" },
		{ "zzz x", NULL },
	};
	MAP_PATTERN_LIST list;
	const MAP_PATTERN_RULE *rule;
	size_t	i;

	map_pattern_list_init(&list, xfree);
	add(&list, MAP_PATTERN_OP_MATCH, 1, "first", "R1");	/* 0 */
	add(&list, MAP_PATTERN_OP_IF, 1, "a", NULL);		/* 1 */
	add(&list, MAP_PATTERN_OP_IF, 1, "b", NULL);		/* 2 */
	add(&list, MAP_PATTERN_OP_MATCH, 0, "c", "R2");		/* 3 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "c", "R3");		/* 4 */
	add(&list, MAP_PATTERN_OP_ENDIF, 1, NULL, NULL);	/* 5 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "x", "R4");		/* 6 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "ERROR", "R5");	/* 7 */
	add(&list, MAP_PATTERN_OP_ENDIF, 1, NULL, NULL);	/* 8 */
	add(&list, MAP_PATTERN_OP_IF, 0, "zzz", NULL);		/* 9 */
	add(&list, MAP_PATTERN_OP_MATCH, 0, "ERROR", "R5");	/* 10 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "", "R6");		/* 11 */
	add(&list, MAP_PATTERN_OP_ENDIF, 1, NULL, NULL);	/* 12 */
	add(&list, MAP_PATTERN_OP_IF, 1, "ERROR", NULL);	/* 13 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "", "R5");		/* 14 */
	add(&list, MAP_PATTERN_OP_ENDIF, 1, NULL, NULL);	/* 15 */
	add(&list, MAP_PATTERN_OP_IF, 0, "x", NULL);		/* 16 */
	add(&list, MAP_PATTERN_OP_MATCH, 1, "", "R7");		/* 17 */
	add(&list, MAP_PATTERN_OP_ENDIF, 1, NULL, NULL);	/* 18 */
	assert_int_equal(map_pattern_list_depth(&list), 0);
	assert_int_equal(list.rules[1].skip, 9);
	assert_int_equal(list.rules[2].skip, 6);
	assert_int_equal(list.rules[9].skip, 13);

	for (i = 0; i < ARRAY_LEN(t); i++) {
		rule = map_pattern_list_walk(&list, fake_match, (void *) t[i].key);
		if (t[i].result == NULL) {
			assert_null(rule);
		} else {
			assert_non_null(rule);
			assert_string_equal(rule->text, t[i].result);
		}
	}
	map_pattern_list_free(&list);
}

/*
 * test_empty - an empty table (an empty file, "{}") walks and frees
 * cleanly; found by map_pattern_fuzz, which clang's UBSan stopped on
 * pointer arithmetic with the NULL rule array
 */

static void
test_empty(void **state)
{
	MAP_PATTERN_LIST list;

	map_pattern_list_init(&list, xfree);
	assert_null(list.rules);
	assert_null(map_pattern_list_walk(&list, fake_match, (void *) "a"));
	map_pattern_list_free(&list);
	assert_null(list.rules);
	assert_int_equal(list.count, 0);
}

static char *dir;			/* scratch directory */
static STRBUF *logged;			/* warnings, one a line */

/* write_file - create dir/name with text; caller frees the path */

static char *
write_file(const char *name, const char *text)
{
	char   *path = str_concat(dir, "/", name, (char *) 0);
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* fill_name - expected text: tmpl with "%s" replaced by name */

static const char *
fill_name(STRBUF *out, const char *tmpl, const char *name)
{
	const char *cp;

	strbuf_reset(out);
	for (cp = tmpl; *cp; cp++) {
		if (cp[0] == '%' && cp[1] == 's') {
			strbuf_append_str(out, name);
			cp++;
		} else {
			strbuf_append_char(out, *cp);
		}
	}
	return strbuf_str(out);
}

/* capture - extra log output: keep the warnings */

static void
capture(int level, const char *text)
{
	if (level == LOG_LEVEL_WARN)
		strbuf_append_printf(logged, "warning: %s\n", text);
}

/* record_line - test line parser: "if X", "endif", "X result", "bad" */

static int
record_line(void *context, MAP_PATTERN_LIST *list, char *line,
	    const MAP_PATTERN_WHERE *where, STRBUF *why)
{
	STRBUF *seen = context;
	size_t	len;

	strbuf_append_printf(seen, "%d:%s|", where->lineno, line);
	if (strcmp(line, "bad") == 0) {
		strbuf_set(why, "bad line");
		return -1;
	}
	if ((len = map_pattern_keyword(line, "if")) != 0) {
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_IF, 1,
					    where->lineno, NULL);
	} else if (map_pattern_keyword(line, "endif") != 0) {
		if (map_pattern_list_depth(list) == 0) {
			strbuf_set(why, "ENDIF without matching IF");
			return -1;
		}
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_ENDIF, 1,
					    where->lineno, NULL);
	} else {
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_MATCH, 1,
					    where->lineno, NULL);
	}
	return 0;
}

/* test_load - logical lines, inline text, errors with file and line */

static void
test_load(void **state)
{
	static const struct {
		const char *text;	/* file content, or inline when "{" */
		int	ok;
		const char *seen;	/* lines the parser got */
		const char *why;	/* %s: the file name; if ok: the log */
	} t[] = {
		{ "# comment\n\n/a/ A\n  # indented comment\n/b/ B\n", 1,
		  "3:/a/ A|5:/b/ B|", NULL },
		{ "/a/\n  continued\n\tand more\n/b/ B\n", 1,
		  "1:/a/  continued\tand more|4:/b/ B|", NULL },
		{ "  /lead/ L\n", 1, "1:/lead/ L|", NULL },
		{ "/a/ A   \n", 1, "1:/a/ A|", NULL },
		{ "", 1, "", NULL },
		{ "if x\n/a/ A\nendif\n", 1, "1:if x|2:/a/ A|3:endif|", NULL },
		/* As in Postfix, a bad line is skipped with a warning. */
		{ "/a/ A\nbad\n/c/ C\n", 1, "1:/a/ A|2:bad|3:/c/ C|",
		  "warning: test map %s, line 2: bad line: skipping this rule\n" },
		{ "/a/ A\n\n/b\n  bad\nbad\n", 1, "1:/a/ A|3:/b  bad|5:bad|",
		  "warning: test map %s, line 5: bad line: skipping this rule\n" },
		{ "endif\n", 1, "1:endif|",
		  "warning: test map %s, line 1: ENDIF without matching IF: "
		  "skipping this rule\n" },
		{ "if a\nif b\nendif\n/x/ X\n\n", 0,
		  "1:if a|2:if b|3:endif|4:/x/ X|",
		  "test map %s, line 5: more IFs than ENDIFs" },
		{ "{ {/a/ A}, { /b/  B }, {if x}, {endif} }", 1,
		  "1:/a/ A|2:/b/  B|3:if x|4:endif|", NULL },
		{ "{, ,{/a/ A}, ,}", 1, "1:/a/ A|", NULL },
		{ "{}", 1, "", NULL },
		{ "{ {bad} }", 1, "1:bad|",
		  "warning: test map { {bad} }, line 1: bad line: "
		  "skipping this rule\n" },
		{ "{ {if x} }", 0, "1:if x|",
		  "test map { {if x} }, line 1: more IFs than ENDIFs" },
		{ "{{/a/ A}}x", 0, "",
		  "test map: syntax error after '}' in \"{{/a/ A}}x\"" },
		{ "{{/a/ A}x}", 0, "",
		  "test map: syntax error after '}' in \"{/a/ A}x\"" },
		{ "{{/a/ A}", 0, "", "test map: missing '}' in \"{{/a/ A}\"" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *seen = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	MAP_PATTERN_LIST list;
	char   *path;
	const char *name;
	size_t	i;
	int	status;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		path = NULL;
		if (t[i].text[0] == '{')
			name = t[i].text;
		else
			name = path = write_file("load", t[i].text);
		map_pattern_list_init(&list, NULL);
		strbuf_reset(why);
		strbuf_reset(seen);
		strbuf_reset(logged);
		status = map_pattern_load("test", name, &list, record_line, seen,
					  why);
		assert_string_equal(strbuf_str(seen), t[i].seen);
		if (t[i].ok) {
			assert_int_equal(status, 0);
			assert_string_equal(strbuf_str(logged), t[i].why ?
				     fill_name(expect, t[i].why, name) : "");
		} else {
			assert_int_equal(status, -1);
			assert_string_equal(strbuf_str(why),
					    fill_name(expect, t[i].why, name));
		}
		map_pattern_list_free(&list);
		xfree(path);
	}

	/* A file that is not there. */
	map_pattern_list_init(&list, NULL);
	path = str_concat(dir, "/missing", (char *) 0);
	assert_int_equal(map_pattern_load("test", path, &list, record_line,
					  seen, why), -1);
	strbuf_printf(expect, "open %s: No such file or directory", path);
	assert_string_equal(strbuf_str(why), strbuf_str(expect));
	map_pattern_list_free(&list);
	xfree(path);

	strbuf_free(&expect);
	strbuf_free(&seen);
	strbuf_free(&why);
}

/* setup - scratch directory */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/map_pattern_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	logged = strbuf_create(100);
	log_add_output(capture);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	char   *path = str_concat(dir, "/load", (char *) 0);

	(void) unlink(path);
	xfree(path);
	(void) rmdir(dir);
	strbuf_free(&logged);
	xfree(dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subst_parse),
		cmocka_unit_test(test_subst_expand),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_get_delimited),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
