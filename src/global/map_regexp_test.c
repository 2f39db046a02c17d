/*
 * map_regexp_test.c - unit tests for regexp tables (regexp_table(5))
 *
 * Each case writes a table to a scratch file, opens it through
 * map_open("regexp:FILE"), and checks lookups or the open error, whose
 * text must name the file and line as Postfix does. Warnings are
 * captured through an extra log output.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <regex.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"

static STRBUF *logged;			/* warnings since the last reset */
static char *dir;			/* scratch directory */
static char *path;			/* the table file */

/* capture - extra log output: keep every line */

static void
capture(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* write_table - replace the scratch table file */

static void
write_table(const char *text)
{
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* fill_name - expected text: tmpl with each "%s" replaced by name */

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

/* open_text - open a regexp table with this content */

static MAP *
open_text(const char *text, int map_flags, STRBUF *why)
{
	char   *spec = str_concat("regexp:", path, (char *) 0);
	MAP    *map;

	write_table(text);
	strbuf_reset(why);
	map = map_open(spec, O_RDONLY, map_flags, why);
	xfree(spec);
	return map;
}

/* expect_lookup - key gives value, or is not found when value is NULL */

static void
expect_lookup(MAP *map, const char *key, const char *value)
{
	STRBUF *result = strbuf_create(10);
	int	status = map_lookup(map, key, result);

	if (value == NULL) {
		if (status != MAP_NOTFOUND)
			fail_msg("key \"%s\": expected not found, got %d \"%s\"",
				 key, status, strbuf_str(result));
	} else {
		if (status != MAP_FOUND)
			fail_msg("key \"%s\": expected \"%s\", got status %d",
				 key, value, status);
		assert_string_equal(strbuf_str(result), value);
	}
	strbuf_free(&result);
}

/* test_manual_example - the access map example of regexp_table(5) */

static void
test_manual_example(void **state)
{
	static const char table[] =
	"# Disallow sender-specified routing. This is a must if you relay mail\n"
	"# for other domains.\n"
	"/[%!@].*[%!@]/       550 Sender-specified routing rejected\n"
	"\n"
	"# Postmaster is OK, that way they can talk to us about how to fix\n"
	"# their problem.\n"
	"/^postmaster@/       OK\n"
	"\n"
	"# Protect your outgoing majordomo exploders\n"
	"if !/^owner-/\n"
	"/^(.*)-outgoing@(.*)$/  550 Use ${1}@${2} instead\n"
	"endif\n";
	static const struct {
		const char *key;
		const char *value;
	} t[] = {
		{ "a%b@example.com", "550 Sender-specified routing rejected" },
		{ "a!b@example.com", "550 Sender-specified routing rejected" },
		{ "postmaster@example.com", "OK" },
		{ "PostMaster@Example.COM", "OK" },
		{ "list-outgoing@example.com", "550 Use list@example.com instead" },
		{ "owner-list-outgoing@example.com", NULL },
		{ "user@example.com", NULL },
	};
	STRBUF *why = strbuf_create(10);
	MAP    *map;
	size_t	i;

	map = open_text(table, 0, why);
	if (map == NULL)
		fail_msg("open: %s", strbuf_str(why));
	assert_true(map->flags & MAP_F_PATTERN);
	for (i = 0; i < ARRAY_LEN(t); i++)
		expect_lookup(map, t[i].key, t[i].value);
	map_close(map);
	strbuf_free(&why);
}

/* test_rules - one rule (or a few) per case, checked against keys */

static void
test_rules(void **state)
{
	static const struct {
		const char *table;
		const char *key;
		const char *value;
	} t[] = {
		/* Case folding: i toggles, insensitive by default. */
		{ "/abc/ X\n", "xABCx", "X" },
		{ "/abc/i X\n", "ABC", NULL },
		{ "/abc/i X\n", "abc", "X" },
		{ "/abc/ii X\n", "ABC", "X" },
		/* x toggles extended syntax: in basic syntax '+' is literal. */
		{ "/^a+$/ X\n", "aaa", "X" },
		{ "/^a+$/x X\n", "aaa", NULL },
		{ "/^a+$/x X\n", "a+", "X" },
		{ "/^(a|b)$/ X\n", "b", "X" },
		/* m: REG_NEWLINE, so ^ and $ work at line ends. */
		{ "/^b/ X\n", "a\nb", NULL },
		{ "/^b/m X\n", "a\nb", "X" },
		{ "/a.b/ X\n", "a\nb", "X" },
		{ "/a.b/m X\n", "a\nb", NULL },
		{ "/^a/mi X\n", "x\na", "X" },
		{ "/^a/mi X\n", "x\nA", NULL },
		/* Negation. */
		{ "!/abc/ X\n", "xyz", "X" },
		{ "!/abc/ X\n", "abc", NULL },
		{ "!!/abc/ X\n", "abc", "X" },
		{ "! /abc/ X\n", "xyz", "X" },
		/* The old two-pattern form: pattern 1 and not pattern 2. */
		{ "/^a/!/b/ X\n", "ax", "X" },
		{ "/^a/!/b/ X\n", "ab", NULL },
		{ "/^a/!/b/ X\n", "xa", NULL },
		{ "/^a/i!/b/ X\n", "Ax", NULL },
		{ "/^a/!!/b/ X\n", "ab", "X" },
		{ "!/^a/!/b/ X\n", "xy", "X" },
		{ "!/^a/!/b/ X\n", "xb", NULL },
		/* Other delimiters, and an escaped one. */
		{ "%^a/b$% X\n", "a/b", "X" },
		{ "#^a/b$# X\n/b/ B\n", "a/b", "B" },
		{ "~^[[:alnum:]+/]{6,}$~ OK\n", "ab+/cd", "OK" },
		{ "/^a\\/b$/ X\n", "a/b", "X" },
		{ "/^a b$/ X Y\n", "a b", "X Y" },
		/* Substitution. */
		{ "/^(.*)@(.*)$/ $2 $1\n", "u@d", "d u" },
		{ "/^(a)(b)?$/ [$1][$2]\n", "a", "[a][]" },
		{ "/(x)/ $$1 ${1}y $(1)z\n", "x", "$1 xy xz" },
		{ "/^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)$/ $9${10}\n", "abcdefghij",
		  "ij" },
		{ "/^(A)/ $1\n", "abc", "a" },
		{ "/x/ cost $$5\n", "x", "cost $5" },
		/* First match wins. */
		{ "/a/ 1\n/b/ 2\n/c/ 3\n", "cb", "2" },
		{ "/a/ 1\n/b/ 2\n/c/ 3\n", "abc", "1" },
		/* Logical lines: comments, blank lines, continuations. */
		{ "# /a/ no\n\n   \n/a/ yes\n", "a", "yes" },
		{ "/^a$/\n  550 multi\n  line\n/b/ B\n", "a", "550 multi  line" },
		{ "/^a$/ A\n  # comment inside\n/b/ B\n", "b", "B" },
		/* Nested IF blocks; keywords in any case. */
		{ "IF /^user/\nif !/example\\.com$/\n/^user(.*)/ outside$1\n"
		  "ENDIF\n/./ inside\nendif\n/./ other\n",
		  "user1@foo.org", "outside1@foo.org" },
		{ "IF /^user/\nif !/example\\.com$/\n/^user(.*)/ outside$1\n"
		  "ENDIF\n/./ inside\nendif\n/./ other\n",
		  "user@example.com", "inside" },
		{ "IF /^user/\nif !/example\\.com$/\n/^user(.*)/ outside$1\n"
		  "ENDIF\n/./ inside\nendif\n/./ other\n",
		  "x@example.com", "other" },
		{ "if/^a/i\n/./ in\nendif\n", "A", NULL },
		{ "if/^a/i\n/./ in\nendif\n", "a", "in" },
		{ "if ! /^a/\n/./ in\nendif\n", "a", NULL },
		{ "if ! /^a/\n/./ in\nendif\n", "b", "in" },
		{ "if /a/\nendif\n", "a", NULL },
	};
	STRBUF *why = strbuf_create(10);
	MAP    *map;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		if ((map = open_text(t[i].table, 0, why)) == NULL)
			fail_msg("case %zu: open: %s", i, strbuf_str(why));
		expect_lookup(map, t[i].key, t[i].value);
		map_close(map);
	}
	strbuf_free(&why);
}

/* test_warnings - problems Postfix only warns about */

static void
test_warnings(void **state)
{
	static const struct {
		const char *table;
		const char *key;
		const char *value;
		const char *warning;	/* %s: the file */
	} t[] = {
		{ "/x/ X\n/^empty$/\n", "empty", "",
		  "warning: regexp map %s, line 2: no replacement text: "
		  "using empty string\n" },
		{ "if /a/ junk\n/./ in\nendif\n", "a", "in",
		  "warning: regexp map %s, line 1: ignoring extra text after "
		  "IF statement: \"junk\"\n" },
		{ "if /a/\n/./ in\nendif junk\n", "a", "in",
		  "warning: regexp map %s, line 3: ignoring extra text after "
		  "ENDIF\n" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	MAP    *map;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(logged);
		if ((map = open_text(t[i].table, 0, why)) == NULL)
			fail_msg("case %zu: open: %s", i, strbuf_str(why));
		assert_string_equal(strbuf_str(logged),
				    fill_name(expect, t[i].warning, path));
		expect_lookup(map, t[i].key, t[i].value);
		map_close(map);
	}
	strbuf_free(&expect);
	strbuf_free(&why);
}

/*
 * test_errors - as in Postfix, a bad line is skipped with a warning that
 * names the file and line; only IFs left open make the open fail.
 */

static void
test_errors(void **state)
{
	static const struct {
		const char *table;
		int	map_flags;
		const char *why;	/* %s: the file */
	} t[] = {
		{ "/abc X\n", 0,
		  "line 1: no closing regexp delimiter \"/\"" },
		{ "/a/ A\n/b\n  more\n", 0,
		  "line 2: no closing regexp delimiter \"/\"" },
		{ "/a/ A\n/b/!/c X\n", 0,
		  "line 2: no closing regexp delimiter \"/\"" },
		{ "/abc/q X\n", 0, "line 1: unknown regexp option \"q\"" },
		{ "|x|y| X\n", 0, "line 1: unknown regexp option \"y\"" },
		{ "/a/ A\n/b/!/c/z C\n", 0, "line 2: unknown regexp option \"z\"" },
		{ "/(a)/ $2\n", 0, "line 1: out of range replacement index \"2\"" },
		{ "/a/ $1\n", 0, "line 1: out of range replacement index \"1\"" },
		{ "!/(a)/ $1\n", 0,
		  "line 1: $number found in negative match replacement text" },
		{ "/a/ $x\n", 0, "line 1: non-numeric replacement index \"x\"" },
		{ "/(a)/ $1x\n", 0,
		  "line 1: non-numeric replacement index \"1x\"" },
		{ "/a/ ${1\n", 0, "line 1: bad replacement syntax" },
		{ "/a/ $0\n", 0, "line 1: out-of-range replacement index \"0\"" },
		{ "/(a)/ $1\n", MAP_F_NO_REGSUB,
		  "line 1: regular expression substitution is not allowed" },
		{ "endif\n", 0, "line 1: ENDIF without matching IF" },
		{ "if /a/\nendif\nendif\n", 0,
		  "line 3: ENDIF without matching IF" },
		{ "if /a/\n/b/ B\n", 0, "line 2: more IFs than ENDIFs" },
		{ "if /a/\nif /b/\nendif\n\n# end\n", 0,
		  "line 5: more IFs than ENDIFs" },
		{ "foo bar\n", 0, "line 1: unrecognized request" },
		{ "if\n", 0, "line 1: no regexp" },
		{ "if /a\n", 0, "line 1: no closing regexp delimiter \"/\"" },
		{ "if /a/q\n", 0, "line 1: unknown regexp option \"q\"" },
		{ "!\n", 0, "line 1: no regexp" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	STRBUF *tmp = strbuf_create(10);
	size_t	i;

	MAP    *map;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(logged);
		map = open_text(t[i].table, t[i].map_flags, why);
		if (strstr(t[i].why, "more IFs than ENDIFs") != NULL) {
			assert_null(map);
			strbuf_printf(tmp, "regexp:%%s: regexp map %%s, %s",
				      t[i].why);
			assert_string_equal(strbuf_str(why),
				      fill_name(expect, strbuf_str(tmp), path));
			continue;
		}
		if (map == NULL)
			fail_msg("case %zu: open: %s", i, strbuf_str(why));
		map_close(map);
		strbuf_printf(tmp, "warning: regexp map %%s, %s: skipping this "
			      "rule\n", t[i].why);
		assert_string_equal(strbuf_str(logged),
				    fill_name(expect, strbuf_str(tmp), path));
	}
	strbuf_free(&tmp);
	strbuf_free(&expect);
	strbuf_free(&why);
}

/* test_compile_error - regcomp()'s own text, with file and line */

static void
test_compile_error(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	MAP    *map;
	regex_t re;
	char	text[256];
	int	err;

	err = regcomp(&re, "a(", REG_EXTENDED | REG_ICASE);
	assert_int_not_equal(err, 0);
	(void) regerror(err, &re, text, sizeof(text));
	regfree(&re);

	strbuf_reset(logged);
	map = open_text("/ok/ OK\n\n/a(/ X\n/a/ A\n", 0, why);
	assert_non_null(map);
	strbuf_printf(expect, "warning: regexp map %s, line 3: %s: skipping "
		      "this rule\n", path, text);
	assert_string_equal(strbuf_str(logged), strbuf_str(expect));
	/* The rules before and after the bad one are there. */
	expect_lookup(map, "ok", "OK");
	expect_lookup(map, "a(", "A");
	map_close(map);
	strbuf_free(&expect);
	strbuf_free(&why);
}

/* test_open - access mode, missing file, flags, inline tables */

static void
test_open(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	char   *spec;
	char   *missing;
	MAP    *map;

	/* Only read access. */
	write_table("/a/ A\n");
	spec = str_concat("regexp:", path, (char *) 0);
	assert_null(map_open(spec, O_RDWR | O_CREAT, 0, why));
	strbuf_printf(expect, "regexp:%s map requires O_RDONLY access mode",
		      path);
	assert_string_equal(strbuf_str(why), strbuf_str(expect));
	xfree(spec);

	/* A file that is not there. */
	missing = str_concat(dir, "/missing", (char *) 0);
	spec = str_concat("regexp:", missing, (char *) 0);
	assert_null(map_open(spec, O_RDONLY, 0, why));
	strbuf_printf(expect, "regexp:%s: open %s: No such file or directory",
		      missing, missing);
	assert_string_equal(strbuf_str(why), strbuf_str(expect));
	xfree(spec);
	xfree(missing);

	/* A substitution-free table is fine with MAP_F_NO_REGSUB. */
	map = open_text("/(a)/ $$1\n", MAP_F_NO_REGSUB, why);
	assert_non_null(map);
	expect_lookup(map, "a", "$1");
	map_close(map);

	/* An empty table finds nothing. */
	map = open_text("# nothing\n", 0, why);
	assert_non_null(map);
	expect_lookup(map, "a", NULL);
	map_close(map);

	/* Postfix 3.7 inline form. */
	map = map_open("regexp:{ {/^a/ A}, { /^(b)(.*)/ B$2 }, {if /^c/}, "
		       "{/x/ CX}, {endif} }", O_RDONLY, 0, why);
	if (map == NULL)
		fail_msg("inline: %s", strbuf_str(why));
	expect_lookup(map, "abc", "A");
	expect_lookup(map, "bcd", "Bcd");
	expect_lookup(map, "cx", "CX");
	expect_lookup(map, "dx", NULL);
	map_close(map);

	strbuf_reset(logged);
	map = map_open("regexp:{ {/^a/ A}, {/b/q B} }", O_RDONLY, 0, why);
	assert_non_null(map);
	assert_string_equal(strbuf_str(logged),
			    "warning: regexp map { {/^a/ A}, {/b/q B} }, line 2: "
			    "unknown regexp option \"q\": skipping this rule\n");
	expect_lookup(map, "abc", "A");
	expect_lookup(map, "b", NULL);
	map_close(map);
	assert_null(map_open("regexp:{ {/^a/ A}x }", O_RDONLY, 0, why));
	assert_string_equal(strbuf_str(why),
			    "regexp:{ {/^a/ A}x }: regexp map: syntax error "
			    "after '}' in \"{/^a/ A}x\"");

	strbuf_free(&expect);
	strbuf_free(&why);
}

/* setup - scratch directory and log capture */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/map_regexp_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	path = str_concat(dir, "/table", (char *) 0);
	logged = strbuf_create(100);
	log_add_output(capture);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	(void) unlink(path);
	(void) rmdir(dir);
	xfree(path);
	xfree(dir);
	strbuf_free(&logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_example),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_compile_error),
		cmocka_unit_test(test_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
