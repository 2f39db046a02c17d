/*
 * map_pcre_test.c - unit tests for pcre tables (pcre_table(5))
 *
 * Each case writes a table to a scratch file, opens it through
 * map_open("pcre:FILE"), and checks lookups or the open error, whose
 * text must name the file and line as Postfix does. Without HAS_PCRE
 * the only check is that the type is not there.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#ifdef HAS_PCRE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"

#ifdef HAS_PCRE

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

/* open_text - open a pcre table with this content */

static MAP *
open_text(const char *text, int map_flags, STRBUF *why)
{
	char   *spec = str_concat("pcre:", path, (char *) 0);
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

/* test_manual_example - the access map example of pcre_table(5) */

static void
test_manual_example(void **state)
{
	static const char table[] =
	"# Protect your outgoing majordomo exploders\n"
	"/^(?!owner-)(.*)-outgoing@(.*)/ 550 Use ${1}@${2} instead\n"
	"\n"
	"# Bounce friend@whatever, except when whatever is our domain (you would\n"
	"# be better just bouncing all friend@ mail - this is just an example).\n"
	"/^(friend@(?!my\\.domain$).*)$/  550 Stick this in your pipe $1\n"
	"\n"
	"# A multi-line entry. The text is sent as one line.\n"
	"#\n"
	"/^noddy@my\\.domain$/\n"
	" 550 This user is a funny one. You really don't want to send mail to\n"
	" them as it only makes their head spin.\n";
	static const struct {
		const char *key;
		const char *value;
	} t[] = {
		{ "list-outgoing@example.com", "550 Use list@example.com instead" },
		{ "owner-list-outgoing@example.com", NULL },
		{ "friend@example.com",
		  "550 Stick this in your pipe friend@example.com" },
		{ "friend@my.domain", NULL },
		{ "noddy@my.domain",
		  "550 This user is a funny one. You really don't want to send "
		  "mail to them as it only makes their head spin." },
		{ "NODDY@MY.DOMAIN",
		  "550 This user is a funny one. You really don't want to send "
		  "mail to them as it only makes their head spin." },
	};
	STRBUF *why = strbuf_create(10);
	MAP    *map;
	size_t	i;

	if ((map = open_text(table, 0, why)) == NULL)
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
		/* i: case-insensitive by default. */
		{ "/abc/ X\n", "xABCx", "X" },
		{ "/abc/i X\n", "ABC", NULL },
		{ "/abc/i X\n", "abc", "X" },
		/* s: dot matches newline by default. */
		{ "/a.b/ X\n", "a\nb", "X" },
		{ "/a.b/s X\n", "a\nb", NULL },
		/* m: multi-line. */
		{ "/^b/ X\n", "a\nb", NULL },
		{ "/^b/m X\n", "a\nb", "X" },
		/* x: extended, white space ignored. */
		{ "/^a b c$/x X\n", "abc", "X" },
		{ "/^a b c$/ X\n", "abc", NULL },
		/* A: anchored. */
		{ "/b/A X\n", "ab", NULL },
		{ "/b/A X\n", "bc", "X" },
		/* E: $ only at the very end. */
		{ "/a$/ X\n", "a\n", "X" },
		{ "/a$/E X\n", "a\n", NULL },
		/* U: ungreedy. */
		{ "/^(a+)/ $1\n", "aaa", "aaa" },
		{ "/^(a+)/U $1\n", "aaa", "a" },
		/* X: accepted; PCRE2 always refuses unknown escapes. */
		{ "/a/X X\n", "a", "X" },
		{ "/a/imsxAEUX X\n", "a", "X" },
		/* Negation. */
		{ "!/abc/ X\n", "xyz", "X" },
		{ "!/abc/ X\n", "abc", NULL },
		{ "! ! /abc/ X\n", "abc", "X" },
		/* Delimiters. */
		{ "%^a/b$% X\n", "a/b", "X" },
		{ "/^a\\/b$/ X\n", "a/b", "X" },
		{ "~^[[:alnum:]+/]{6,}$~ OK\n", "ab+/cd", "OK" },
		/* Substitution, unset groups, $$. */
		{ "/^(.*)@(.*)$/ $2 $1\n", "u@d", "d u" },
		{ "/^(a)$|^(b)$/ [$1][$2]\n", "b", "[][b]" },
		{ "/^(a)(b)?$/ [$1][$2]\n", "a", "[a][]" },
		{ "/(x)/ $$1 ${1}y $(1)z\n", "x", "$1 xy xz" },
		{ "/^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)$/ $9${10}\n", "abcdefghij",
		  "ij" },
		{ "/^(?<user>[^@]+)@/ $1\n", "u@d", "u" },
		/* First match wins; nested IF blocks. */
		{ "/a/ 1\n/b/ 2\n", "ba", "1" },
		{ "if /^user/\nif !/example\\.com$/\n/^user(.*)/ out$1\n"
		  "endif\n/./ in\nendif\n/./ other\n", "user1@foo.org",
		  "out1@foo.org" },
		{ "if /^user/\nif !/example\\.com$/\n/^user(.*)/ out$1\n"
		  "endif\n/./ in\nendif\n/./ other\n", "user@example.com", "in" },
		{ "if /^user/\nif !/example\\.com$/\n/^user(.*)/ out$1\n"
		  "endif\n/./ in\nendif\n/./ other\n", "x@example.com", "other" },
		{ "IF /^a/i\n/./ in\nENDIF\n", "A", NULL },
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

/* test_warnings - problems Postfix only warns about, at open and lookup */

static void
test_warnings(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	MAP    *map;

	strbuf_reset(logged);
	map = open_text("/x/ X\n/^empty$/\nif /a/ junk\nendif junk\n", 0, why);
	if (map == NULL)
		fail_msg("open: %s", strbuf_str(why));
	assert_string_equal(strbuf_str(logged), fill_name(expect,
	    "warning: pcre map %s, line 2: no replacement text: using empty "
	    "string\n"
	    "warning: pcre map %s, line 3: ignoring extra text after IF\n"
	    "warning: pcre map %s, line 4: ignoring extra text after ENDIF\n",
	    path));
	expect_lookup(map, "empty", "");
	map_close(map);

	/* A matching error skips the rule with a warning, as in Postfix. */
	map = open_text("/(*LIMIT_MATCH=1)(a+)+b/ X\n/./ Y\n", 0, why);
	if (map == NULL)
		fail_msg("open: %s", strbuf_str(why));
	strbuf_reset(logged);
	expect_lookup(map, "aaaaaaaaaaaaaaacb", "Y");
	fill_name(expect, "warning: pcre map %s, line 1: matching error: ",
		  path);
	assert_true(str_has_prefix(strbuf_str(logged), strbuf_str(expect)));
	map_close(map);

	strbuf_free(&expect);
	strbuf_free(&why);
}

/*
 * test_errors - as in Postfix, a bad line is skipped with a warning that
 * names the file and line (the first warning is checked; a skipped IF
 * leaves its ENDIF unmatched); only IFs left open make the open fail.
 */

static void
test_errors(void **state)
{
	static const struct {
		const char *table;
		int	map_flags;
		const char *why;
	} t[] = {
		{ "/abc X\n", 0, "line 1: no closing regexp delimiter \"/\"" },
		{ "/abc/q X\n", 0, "line 1: unknown regexp option \"q\"" },
		{ "/a/!/b/ X\n", 0, "line 1: unknown regexp option \"!\"" },
		{ "/(a)/ $2\n", 0, "line 1: out of range replacement index \"2\"" },
		{ "!/(a)/ $1\n", 0,
		  "line 1: $number found in negative match replacement text" },
		{ "/a/ $x\n", 0, "line 1: non-numeric replacement index \"x\"" },
		{ "/a/ $(1\n", 0, "line 1: bad replacement syntax" },
		{ "/(a)/ $1\n", MAP_F_NO_REGSUB,
		  "line 1: regular expression substitution is not allowed" },
		{ "/a/ A\nendif\n", 0, "line 2: ENDIF without matching IF" },
		{ "if /a/\n/b/ B\n", 0, "line 2: more IFs than ENDIFs" },
		{ "1.2.3.4 OK\n", 0, "line 1: unrecognized request" },
		{ "if\n", 0, "line 1: no regexp" },
		{ "if /a/z\nendif\n", 0, "line 1: unknown regexp option \"z\"" },
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
			strbuf_printf(tmp, "pcre:%%s: pcre map %%s, %s", t[i].why);
			assert_string_equal(strbuf_str(why),
				      fill_name(expect, strbuf_str(tmp), path));
			continue;
		}
		if (map == NULL)
			fail_msg("case %zu: open: %s", i, strbuf_str(why));
		map_close(map);
		strbuf_printf(tmp, "warning: pcre map %%s, %s: skipping this "
			      "rule\n", t[i].why);
		if (!str_has_prefix(strbuf_str(logged),
				    fill_name(expect, strbuf_str(tmp), path)))
			fail_msg("case %zu: logged \"%s\"", i,
				 strbuf_str(logged));
	}
	strbuf_free(&tmp);
	strbuf_free(&expect);
	strbuf_free(&why);
}

/* test_compile_error - PCRE2's own text and offset, with file and line */

static void
test_compile_error(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	MAP    *map;
	PCRE2_UCHAR text[256];
	PCRE2_SIZE offset;
	pcre2_code *code;
	int	err;

	code = pcre2_compile((PCRE2_SPTR) "a(b", PCRE2_ZERO_TERMINATED,
			     PCRE2_CASELESS | PCRE2_DOTALL, &err, &offset, NULL);
	assert_null(code);
	assert_true(pcre2_get_error_message(err, text, sizeof(text)) > 0);

	strbuf_reset(logged);
	map = open_text("/ok/ OK\n/a(b/ X\n/a/ A\n", 0, why);
	assert_non_null(map);
	strbuf_printf(expect, "warning: pcre map %s, line 2: error in regex "
		      "at offset %lu: %s: skipping this rule\n", path,
		      (unsigned long) offset, (const char *) text);
	assert_string_equal(strbuf_str(logged), strbuf_str(expect));
	/* The rules before and after the bad one are there. */
	expect_lookup(map, "ok", "OK");
	expect_lookup(map, "a(b", "A");
	map_close(map);
	strbuf_free(&expect);
	strbuf_free(&why);
}

/* test_open - access mode, missing file, inline tables, registry */

static void
test_open(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	ARGV   *types;
	char   *spec;
	MAP    *map;

	write_table("/a/ A\n");
	spec = str_concat("pcre:", path, (char *) 0);
	assert_null(map_open(spec, O_RDWR, 0, why));
	strbuf_printf(expect, "pcre:%s map requires O_RDONLY access mode",
		      path);
	assert_string_equal(strbuf_str(why), strbuf_str(expect));
	xfree(spec);

	assert_null(map_open("pcre:/nonexistent/pcre/table", O_RDONLY, 0, why));
	assert_string_equal(strbuf_str(why),
			    "pcre:/nonexistent/pcre/table: open "
			    "/nonexistent/pcre/table: No such file or directory");

	map = map_open("pcre:{ {/^a/ A}, {/^(b)(.*)/ B$2} }", O_RDONLY, 0, why);
	if (map == NULL)
		fail_msg("inline: %s", strbuf_str(why));
	expect_lookup(map, "abc", "A");
	expect_lookup(map, "bcd", "Bcd");
	expect_lookup(map, "cde", NULL);
	map_close(map);

	types = map_type_names();
	assert_true(argv_find(types, "pcre") >= 0);
	argv_free(&types);

	strbuf_free(&expect);
	strbuf_free(&why);
}

/* setup - scratch directory and log capture */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/map_pcre_test.XXXXXX";

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

#else

/* test_absent - without PCRE2 the type does not exist */

static void
test_absent(void **state)
{
	STRBUF *why = strbuf_create(10);
	ARGV   *types;

	assert_null(map_open("pcre:/etc/postfix/x", O_RDONLY, 0, why));
	assert_string_equal(strbuf_str(why), "unsupported dictionary type: pcre");
	types = map_type_names();
	assert_true(argv_find(types, "pcre") < 0);
	argv_free(&types);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
