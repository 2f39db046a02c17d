/*
 * map_cidr_test.c - unit tests for cidr tables (cidr_table(5))
 *
 * The table files live in testdata/ (map_cidr_*.cidr); error cases
 * write a scratch file so that the message can be checked with its file
 * name and line number.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"

static char *dir;			/* scratch directory */
static char *path;			/* the scratch table file */
static STRBUF *logged;			/* warnings, one a line */

/* capture - extra log output: keep the warnings */

static void
capture(int level, const char *text)
{
	if (level == LOG_LEVEL_WARN)
		strbuf_append_printf(logged, "warning: %s\n", text);
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

/* open_spec - open a table that must open */

static MAP *
open_spec(const char *spec)
{
	STRBUF *why = strbuf_create(10);
	MAP    *map = map_open(spec, O_RDONLY, 0, why);

	if (map == NULL)
		fail_msg("open %s: %s", spec, strbuf_str(why));
	strbuf_free(&why);
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

typedef struct {
	const char *key;
	const char *value;
} CASE;

/* run_cases - open a table and check every case */

static void
run_cases(const char *spec, const CASE *t, size_t n)
{
	MAP    *map = open_spec(spec);
	size_t	i;

	assert_true(map->flags & MAP_F_PATTERN);
	for (i = 0; i < n; i++)
		expect_lookup(map, t[i].key, t[i].value);
	map_close(map);
}

/* test_manual_example - the example of cidr_table(5), rule order matters */

static void
test_manual_example(void **state)
{
	static const CASE t[] = {
		{ "192.168.1.1", "OK" },
		{ "192.168.1.2", "REJECT" },
		{ "192.168.255.255", "REJECT" },
		{ "192.169.0.1", NULL },
		{ "10.0.0.1", NULL },
		{ "2001:db8::1", "OK" },
		{ "2001:DB8:0:0::1", "OK" },
		{ "2001:db8::2", "REJECT" },
		{ "2001:db8:ffff::", "REJECT" },
		{ "2001:db9::1", NULL },
		/* Only bare addresses, and only of a block's own family. */
		{ "::ffff:192.168.1.1", NULL },
		{ "[192.168.1.1]", NULL },
		{ "192.168.1", NULL },
		{ "example.com", NULL },
		{ "192.168.1.1 ", NULL },
	};

	run_cases("cidr:testdata/map_cidr_example.cidr", t, ARRAY_LEN(t));
}

/* test_blocks - prefixes, brackets, negation, IF blocks */

static void
test_blocks(void **state)
{
	static const CASE t[] = {
		/* Address forms, first match wins, results with spaces. */
		{ "1.2.3.4", "550 5.7.1 exact, brackets" },
		{ "1.2.3.5", "NET24" },
		{ "2001:db8:1::1", "SIX64" },
		{ "2001:db8:2::1", "SIX64B" },
		{ "2001:db8:3::1", "continued text" },
		/* Negation: same family only. */
		{ "172.16.0.1", "NOT-TEN" },
		/* IF blocks, nested, negated. */
		{ "10.1.2.3", "TEN-ONE" },
		{ "10.2.0.1", "TEN-TWO-INNER" },
		{ "10.2.1.1", "TEN-TWO" },
		{ "10.3.0.1", "TEN-NOT-ONE" },
		{ "10.1.255.255", "TEN-ONE" },
		{ "192.168.5.5", NULL },
		{ "11.0.0.1", "NOT-TEN" },
		/* Catch-all for IPv6 after an IPv4-only part. */
		{ "fe80::1", "ANY6" },
		{ "::1", "ANY6" },
	};

	run_cases("cidr:testdata/map_cidr_blocks.cidr", t, ARRAY_LEN(t));
}

/* test_inline - the Postfix 3.7 inline form */

static void
test_inline(void **state)
{
	static const CASE t[] = {
		{ "10.9.8.7", "TEN" },
		{ "2001:db8::1", "SIX" },
		{ "11.0.0.1", NULL },
	};

	run_cases("cidr:{ {10.0.0.0/8 TEN}, { ::/0  SIX } }", t, ARRAY_LEN(t));
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
		const char *why;	/* after "cidr map FILE, " */
	} t[] = {
		{ "1.2.3.0/24 OK\n1.2.3.4/24 OK\n",
		  "line 2: non-null host address bits in \"1.2.3.4/24\", perhaps "
		  "you should use \"1.2.3.0/24\" instead" },
		{ "2001:db8::1/64 OK\n",
		  "line 1: non-null host address bits in \"2001:db8::1/64\", "
		  "perhaps you should use \"2001:db8::/64\" instead" },
		{ "1.2.3.0/33 OK\n", "line 1: bad net/mask pattern: \"1.2.3.0/33\"" },
		{ "# c\n\nexample.com OK\n",
		  "line 3: bad address pattern: \"example.com\"" },
		{ "[1.2.3.4 OK\n",
		  "line 1: missing ']' character after \"[1.2.3.4\"" },
		{ "1.2.3.4\n", "line 1: no lookup result" },
		{ "!1.2.3.4\n", "line 1: no lookup result" },
		{ "!\n", "line 1: no address pattern" },
		{ "if\nendif\n", "line 1: no address pattern" },
		{ "if !\nendif\n", "line 1: no address pattern" },
		{ "if 1.2.3.0/24 junk\nendif\n",
		  "line 1: bad net/mask pattern: \"1.2.3.0/24 junk\"" },
		{ "if 1.2.3.4/24\nendif\n",
		  "line 1: non-null host address bits in \"1.2.3.4/24\", perhaps "
		  "you should use \"1.2.3.0/24\" instead" },
		{ "1.2.3.4 OK\nendif\n", "line 2: ENDIF without IF" },
		{ "if 1.2.3.0/24\nendif x\nendif\n",
		  "line 2: garbage after ENDIF" },
		{ "if 10.0.0.0/8\n10.1.0.0/16 A\n", "line 2: more IFs than ENDIFs" },
		{ "if 10.0.0.0/8\nif 10.1.0.0/16\nendif\n10.1.0.0/16\n  A\n",
		  "line 5: more IFs than ENDIFs" },
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *expect = strbuf_create(10);
	char   *spec = str_concat("cidr:", path, (char *) 0);
	size_t	i;
	MAP    *map;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		write_table(t[i].table);
		strbuf_reset(logged);
		map = map_open(spec, O_RDONLY, 0, why);
		if (strstr(t[i].why, "more IFs than ENDIFs") != NULL) {
			assert_null(map);
			strbuf_printf(expect, "cidr:%s: cidr map %s, %s", path,
				      path, t[i].why);
			assert_string_equal(strbuf_str(why), strbuf_str(expect));
			continue;
		}
		if (map == NULL)
			fail_msg("case %zu: open: %s", i, strbuf_str(why));
		map_close(map);
		strbuf_printf(expect, "warning: cidr map %s, %s: skipping this "
			      "rule\n", path, t[i].why);
		if (!str_has_prefix(strbuf_str(logged), strbuf_str(expect)))
			fail_msg("case %zu: logged \"%s\"", i,
				 strbuf_str(logged));
	}

	/* The rules around a skipped one still work. */
	write_table("1.2.3.4/24 BAD\n1.2.3.0/24 GOOD\n");
	map = open_spec(spec);
	expect_lookup(map, "1.2.3.9", "GOOD");
	map_close(map);

	/* Only read access; the file must be there. */
	write_table("1.2.3.4 OK\n");
	assert_null(map_open(spec, O_RDWR, 0, why));
	strbuf_printf(expect, "cidr:%s map requires O_RDONLY access mode", path);
	assert_string_equal(strbuf_str(why), strbuf_str(expect));
	assert_null(map_open("cidr:testdata/no-such-table.cidr", O_RDONLY, 0,
			     why));
	assert_string_equal(strbuf_str(why),
			    "cidr:testdata/no-such-table.cidr: open "
			    "testdata/no-such-table.cidr: No such file or "
			    "directory");

	xfree(spec);
	strbuf_free(&expect);
	strbuf_free(&why);
}

/* setup - scratch directory */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/map_cidr_test.XXXXXX";

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
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
