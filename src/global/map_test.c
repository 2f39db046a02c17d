/*
 * map_test.c - unit tests for the table interface and the simple drivers
 *
 * Covers map.c (open by "type:name", folding, empty keys, unsupported
 * operations, debug logging), the registry, and the static, inline,
 * fail, environ, unix and texthash drivers. The Berkeley DB drivers have
 * their own test (map_db_test.c). Warnings are captured through an extra
 * log output so that tests can check their text.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"

static STRBUF *logged;			/* warnings since the last reset */
static char *dir;			/* scratch directory */

/* capture - extra log output: keep every line */

static void
capture(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* write_file - create dir/name with the given text; caller frees path */

static char *
write_file(const char *name, const char *text)
{
	char   *path = str_concat(dir, "/", name, (char *) 0);
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* open_ok - open a table that must open */

static MAP *
open_ok(const char *spec, int map_flags)
{
	STRBUF *why = strbuf_create(100);
	MAP    *map = map_open(spec, O_RDONLY, map_flags, why);

	if (map == NULL)
		fail_msg("open %s: %s", spec, strbuf_str(why));
	strbuf_free(&why);
	return map;
}

/* open_err - open a table that must fail; check the reason */

static void
open_err(const char *spec, int open_flags, int map_flags, const char *want)
{
	STRBUF *why = strbuf_create(100);
	MAP    *map = map_open(spec, open_flags, map_flags, why);

	if (map != NULL)
		fail_msg("open %s: unexpected success", spec);
	if (strstr(strbuf_str(why), want) == NULL)
		fail_msg("open %s: got \"%s\", want \"%s\"", spec,
			 strbuf_str(why), want);
	strbuf_free(&why);
}

/* expect - one lookup and its result */

static void
expect(MAP *map, const char *key, int status, const char *value)
{
	STRBUF *val = strbuf_create(10);
	int     got = map_lookup(map, key, val);

	if (got != status)
		fail_msg("%s:%s lookup \"%s\": status %d, want %d (%s)", map->type,
			 map->name, key, got, status, map_error(map));
	if (status == MAP_FOUND && strcmp(strbuf_str(val), value) != 0)
		fail_msg("%s:%s lookup \"%s\": \"%s\", want \"%s\"", map->type,
			 map->name, key, strbuf_str(val), value);
	strbuf_free(&val);
}

/* test_registry - the built-in types, sorted, and the default type */

static void
test_registry(void **state)
{
	static const char *const want[] = {
		"environ", "fail", "inline", "static", "texthash", "unix",
#ifdef HAS_DB
		"btree", "hash",
#endif
	};
	ARGV   *names = map_type_names();
	size_t  i;

	for (i = 0; i < ARRAY_LEN(want); i++) {
		if (argv_find(names, want[i]) < 0)
			fail_msg("map_type_names lacks %s", want[i]);
		assert_non_null(map_driver_find(want[i]));
		assert_string_equal(map_driver_find(want[i])->type, want[i]);
	}
	for (i = 1; i < names->argc; i++)
		assert_true(strcmp(names->argv[i - 1], names->argv[i]) < 0);
	assert_null(map_driver_find("nosuch"));
	assert_null(map_driver_find(""));
	argv_free(&names);
#ifdef HAS_DB
	assert_string_equal(map_default_type(), "hash");
#else
	assert_string_equal(map_default_type(), "texthash");
	assert_null(map_driver_find("hash"));
#endif
	assert_non_null(map_driver_find(map_default_type()));
}

/* test_open_errors - bad specifications */

static void
test_open_errors(void **state)
{
	static const struct {
		const char *spec;
		const char *want;
	} t[] = {
		{"foo:bar", "unsupported dictionary type: foo"},
		{"/etc/postfix/access", "expecting \"type:name\" form instead of "
		 "\"/etc/postfix/access\""},
		{":name", "expecting \"type:name\""},
		{"", "expecting \"type:name\""},
		{"unix:nosuch.byname", "unknown table: unix:nosuch.byname"},
	};
	size_t  i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		open_err(t[i].spec, O_RDONLY, 0, t[i].want);
}

/* test_static - every key has the value */

static void
test_static(void **state)
{
	MAP    *map;
	STRBUF *why = strbuf_create(10);

	map = open_ok("static:smtp:[relay.example]", MAP_F_FOLD_FIX);
	assert_true(map->flags & MAP_F_FIXED);
	assert_string_equal(map->type, "static");
	assert_string_equal(map->name, "smtp:[relay.example]");
	expect(map, "anything", MAP_FOUND, "smtp:[relay.example]");
	expect(map, "ANY@Thing", MAP_FOUND, "smtp:[relay.example]");
	expect(map, "", MAP_NOTFOUND, NULL);
	assert_int_equal(map_update(map, "a", "b"), MAP_RETRY);
	assert_string_equal(map_error(map),
			    "table static:smtp:[relay.example]: update operation "
			    "is not supported");
	assert_int_equal(map_delete(map, "a"), MAP_RETRY);
	assert_int_equal(map_sequence(map, MAP_SEQ_FIRST, why, why), MAP_RETRY);
	map_close(map);

	map = open_ok("static:{ text with  spaces }", 0);
	expect(map, "x", MAP_FOUND, "text with  spaces");
	map_close(map);

	map = open_ok("static:", 0);
	expect(map, "x", MAP_FOUND, "");
	map_close(map);

	open_err("static:{ unbalanced", O_RDONLY, 0,
		 "static:{ unbalanced: missing '}'");
	open_err("static:{ a } b", O_RDONLY, 0, "syntax error after '}'");
	strbuf_free(&why);
}

/* test_inline - Postfix 3.0 inline tables */

static void
test_inline(void **state)
{
	static const struct {
		const char *key;
		int     status;
		const char *value;
	} t[] = {
		{"a", MAP_FOUND, "1"},
		{"A", MAP_FOUND, "1"},		/* folded */
		{"b", MAP_FOUND, "two words"},
		{"c", MAP_FOUND, "x, y"},
		{"d", MAP_FOUND, ""},
		{"e", MAP_FOUND, "last"},		/* duplicate: last wins */
		{"upper", MAP_FOUND, "Value"},		/* key folded, value not */
		{"nosuch", MAP_NOTFOUND, NULL},
		{"", MAP_NOTFOUND, NULL},
	};
	static const char *const order[] = {"a", "b", "c", "d", "e", "upper"};
	MAP    *map;
	STRBUF *key = strbuf_create(10);
	STRBUF *val = strbuf_create(10);
	size_t  i;
	int     func;

	map = open_ok("inline:{ a=1, { b = two words },{c=x, y}\td= e=first "
		      "UPPER=Value, e=last }", MAP_F_FOLD_FIX);
	for (i = 0; i < ARRAY_LEN(t); i++)
		expect(map, t[i].key, t[i].status, t[i].value);
	for (i = 0, func = MAP_SEQ_FIRST;
	     map_sequence(map, func, key, val) == MAP_FOUND;
	     i++, func = MAP_SEQ_NEXT) {
		assert_true(i < ARRAY_LEN(order));
		assert_string_equal(strbuf_str(key), order[i]);
	}
	assert_int_equal(i, ARRAY_LEN(order));
	assert_int_equal(map_update(map, "x", "y"), MAP_RETRY);
	map_close(map);

	/* Without folding, keys are case-sensitive. */
	map = open_ok("inline:{Key=v}", 0);
	expect(map, "Key", MAP_FOUND, "v");
	expect(map, "key", MAP_NOTFOUND, NULL);
	map_close(map);

	open_err("inline:{ a }", O_RDONLY, 0,
		 "missing '=' after attribute name: \"inline:{ a }\"; "
		 "need \"inline:{name=value...}\"");
	open_err("inline:{ =b }", O_RDONLY, 0, "missing attribute name: ");
	open_err("inline:{ { = b } }", O_RDONLY, 0, "missing attribute name");
	open_err("inline:{}", O_RDONLY, 0,
		 "bad syntax: \"inline:{}\"; need \"inline:{name=value...}\"");
	open_err("inline:{ , }", O_RDONLY, 0, "bad syntax: \"inline:{ , }\"");
	open_err("inline:a=b", O_RDONLY, 0, "bad syntax: \"inline:a=b\"");
	open_err("inline:{ a=b", O_RDONLY, 0, "bad syntax");
	open_err("inline:{ {a=b }", O_RDONLY, 0, "bad syntax");
	open_err("inline:{ a=b }}", O_RDONLY, 0, "bad syntax");
	open_err("inline:{ a={b }", O_RDONLY, 0, "bad syntax");
	open_err("inline:{ a=b }", O_RDWR, 0, "requires O_RDONLY");
	strbuf_free(&key);
	strbuf_free(&val);
}

/* test_fail - every operation asks to try again */

static void
test_fail(void **state)
{
	MAP    *map = open_ok("fail:down", 0);
	STRBUF *val = strbuf_create(10);

	assert_int_equal(map_lookup(map, "x", val), MAP_RETRY);
	assert_string_equal(map_error(map), "fail:down: table lookup problem");
	assert_int_equal(map_update(map, "x", "y"), MAP_RETRY);
	assert_int_equal(map_delete(map, "x"), MAP_RETRY);
	assert_int_equal(map_sequence(map, MAP_SEQ_FIRST, val, val), MAP_RETRY);
	map_close(map);
	strbuf_free(&val);
}

/* test_environ - the process environment */

static void
test_environ(void **state)
{
	MAP    *map = open_ok("environ:", 0);
	STRBUF *key = strbuf_create(10);
	STRBUF *val = strbuf_create(10);
	int     seen = 0;
	int     func;

	assert_int_equal(setenv("MAP_TEST_VAR", "v1", 1), 0);
	expect(map, "MAP_TEST_VAR", MAP_FOUND, "v1");
	expect(map, "MAP_TEST_NOSUCH", MAP_NOTFOUND, NULL);
	assert_int_equal(map_update(map, "MAP_TEST_VAR", "v2"), MAP_FOUND);
	assert_string_equal(getenv("MAP_TEST_VAR"), "v2");
	for (func = MAP_SEQ_FIRST; map_sequence(map, func, key, val) == MAP_FOUND;
	     func = MAP_SEQ_NEXT)
		if (strcmp(strbuf_str(key), "MAP_TEST_VAR") == 0)
			seen += strcmp(strbuf_str(val), "v2") == 0;
	assert_int_equal(seen, 1);
	assert_int_equal(map_delete(map, "MAP_TEST_VAR"), MAP_FOUND);
	assert_null(getenv("MAP_TEST_VAR"));
	assert_int_equal(map_delete(map, "MAP_TEST_VAR"), MAP_NOTFOUND);
	map_close(map);

	/* With folding the key is lower-cased first, as in Postfix. */
	assert_int_equal(setenv("MAP_TEST_VAR", "v1", 1), 0);
	map = open_ok("environ:", MAP_F_FOLD_FIX);
	expect(map, "MAP_TEST_VAR", MAP_NOTFOUND, NULL);
	map_close(map);
	unsetenv("MAP_TEST_VAR");
	strbuf_free(&key);
	strbuf_free(&val);
}

/* test_unix - passwd and group lookups */

static void
test_unix(void **state)
{
	MAP    *map;
	STRBUF *val = strbuf_create(10);
	struct passwd *pw;
	ARGV   *fields;

	map = open_ok("unix:passwd.byname", MAP_F_FOLD_FIX);
	assert_int_equal(map_lookup(map, "root", val), MAP_FOUND);
	pw = getpwnam("root");
	assert_non_null(pw);
	fields = argv_split(strbuf_str(val), ":");
	assert_true(strncmp(strbuf_str(val), "root:", 5) == 0);
	assert_non_null(strstr(strbuf_str(val), ":0:0:"));
	assert_true(str_has_suffix(strbuf_str(val), pw->pw_shell));
	assert_true(fields->argc >= 5);
	argv_free(&fields);
	expect(map, "no-such-user-map-test", MAP_NOTFOUND, NULL);
	map_close(map);

	map = open_ok("unix:group.byname", 0);
	assert_int_equal(map_lookup(map, "root", val), MAP_FOUND);
	assert_true(strncmp(strbuf_str(val), "root:", 5) == 0);
	assert_non_null(strstr(strbuf_str(val), ":0:"));
	expect(map, "no-such-group-map-test", MAP_NOTFOUND, NULL);
	map_close(map);

	open_err("unix:passwd.byname", O_RDWR, 0, "requires O_RDONLY");
	strbuf_free(&val);
}

/* test_texthash - a source file read into memory */

static void
test_texthash(void **state)
{
	static const struct {
		const char *key;
		int     status;
		const char *value;
	} t[] = {
		{"user@example.com", MAP_FOUND, "local"},
		{"USER@Example.COM", MAP_FOUND, "local"},
		{"example.net", MAP_FOUND, "smtp:[relay]:25 with  spaces"},
		{"multi", MAP_FOUND, "first second\tthird"},
		{"dup", MAP_FOUND, "one"},
		{"#notcomment", MAP_NOTFOUND, NULL},
		{"novalue", MAP_NOTFOUND, NULL},
		{"nosuch", MAP_NOTFOUND, NULL},
	};
	char   *path;
	char   *spec;
	MAP    *map;
	STRBUF *key = strbuf_create(10);
	STRBUF *val = strbuf_create(10);
	size_t  i;
	int     func;

	path = write_file("text",
			  "# comment\n"
			  "\n"
			  "User@Example.com   local\n"
			  "example.net\tsmtp:[relay]:25 with  spaces   \n"
			  "   # indented comment\n"
			  "multi first\n"
			  " second\n"
			  "\tthird\n"
			  "novalue\n"
			  "dup one\n"
			  "dup two\n");
	spec = str_concat("texthash:", path, (char *) 0);

	/* Default flags: a duplicate fails the open, naming file and line. */
	strbuf_reset(logged);
	open_err(spec, O_RDONLY, MAP_F_FOLD_FIX, "duplicate entry: \"dup\"");
	open_err(spec, O_RDONLY, 0, ", line 11: duplicate entry");

	strbuf_reset(logged);
	map = open_ok(spec, MAP_F_FOLD_FIX | MAP_F_DUP_WARN);
	for (i = 0; i < ARRAY_LEN(t); i++)
		expect(map, t[i].key, t[i].status, t[i].value);
	{
		STRBUF *want = strbuf_create(100);

		strbuf_printf(want, "warning: %s, line 9: expected format: "
			      "key whitespace value -- ignoring this line\n", path);
		strbuf_append_printf(want, "warning: %s, line 11: duplicate "
				     "entry: \"dup\"\n", path);
		assert_string_equal(strbuf_str(logged), strbuf_str(want));
		strbuf_free(&want);
	}
	for (i = 0, func = MAP_SEQ_FIRST;
	     map_sequence(map, func, key, val) == MAP_FOUND;
	     i++, func = MAP_SEQ_NEXT)
		if (i == 0)
			assert_string_equal(strbuf_str(key), "user@example.com");
	assert_int_equal(i, 4);
	assert_int_equal(map_update(map, "a", "b"), MAP_RETRY);
	map_close(map);

	map = open_ok(spec, MAP_F_DUP_IGNORE);
	expect(map, "dup", MAP_FOUND, "one");
	expect(map, "user@example.com", MAP_NOTFOUND, NULL);	/* not folded */
	expect(map, "User@Example.com", MAP_FOUND, "local");
	map_close(map);

	map = open_ok(spec, MAP_F_DUP_REPLACE);
	expect(map, "dup", MAP_FOUND, "two");
	map_close(map);

	open_err(spec, O_RDWR, 0, "requires O_RDONLY");
	xfree(spec);
	spec = str_concat("texthash:", dir, "/nosuch", (char *) 0);
	open_err(spec, O_RDONLY, 0, "/nosuch: open ");
	open_err(spec, O_RDONLY, 0, "No such file or directory");
	xfree(spec);
	unlink(path);
	xfree(path);
	strbuf_free(&key);
	strbuf_free(&val);
}

/* test_debug - MAP_F_DEBUG logs each lookup */

static void
test_debug(void **state)
{
	MAP    *map = open_ok("inline:{k=v}", MAP_F_DEBUG);
	STRBUF *why = strbuf_create(10);

	strbuf_reset(logged);
	expect(map, "k", MAP_FOUND, "v");
	expect(map, "x", MAP_NOTFOUND, NULL);
	assert_string_equal(strbuf_str(logged),
			    "map_lookup: inline:{k=v}: k = v\n"
			    "map_lookup: inline:{k=v}: x = not found\n");
	assert_int_equal(map_changed(map), 0);	/* no file: never changes */
	assert_int_equal(map_close_commit(map, why), 0);
	strbuf_free(&why);
}

/* test_lock - map_lock() is a no-op without a file, and works with one */

static void
test_lock(void **state)
{
	MAP    *map = open_ok("inline:{k=v}", MAP_F_LOCK);
	char   *path = write_file("lockme", "x\n");
	int     fd;

	assert_int_equal(map_lock(map, MAP_LOCK_EXCL), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	map->lock_fd = fd;
	assert_int_equal(map_lock(map, MAP_LOCK_EXCL), 0);
	assert_int_equal(map_lock(map, MAP_LOCK_NONE), 0);
	expect(map, "k", MAP_FOUND, "v");	/* locks around the lookup */
	map->lock_fd = -1;
	close(fd);
	unlink(path);
	xfree(path);
	map_close(map);
}

/* setup - scratch directory and log capture */

static int
setup(void **state)
{
	char    tmpl[] = "/tmp/map_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	logged = strbuf_create(100);
	log_init("map_test", 0);
	log_add_output(capture);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	rmdir(dir);
	xfree(dir);
	strbuf_free(&logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_environ),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_texthash),
		cmocka_unit_test(test_debug),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
