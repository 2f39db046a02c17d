/*
 * virtual_lookup_test.c - tests for virtual(8) searches and result checks
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "map.h"
#include "virtual.h"

static void
test_find(void **state)
{
	static const struct {
		const char *spec;
		const char *addr;
		const char *delim;
		int	ret;
		const char *value;
	} t[] = {
		{"inline:{ a@x.example=a/, @x.example=catch }", "a@x.example", "",
		 MAP_FOUND, "a/"},
		{"inline:{ a@x.example=a/, @x.example=catch }", "A@X.Example", "",
		 MAP_FOUND, "a/"},
		{"inline:{ a@x.example=a/, @x.example=catch }", "b@x.example", "",
		 MAP_FOUND, "catch"},
		{"inline:{ a@x.example=a/ }", "a+ext@x.example", "+",
		 MAP_FOUND, "a/"},
		{"inline:{ a@x.example=a/ }", "a+ext@x.example", "", MAP_NOTFOUND,
		 0},
		{"inline:{ a@x.example=a/ }", "a@y.example", "+", MAP_NOTFOUND, 0},
		/* No parent domains, no bare user@ keys. */
		{"inline:{ x.example=1, a@=2, .example=3 }", "a@x.example", "",
		 MAP_NOTFOUND, 0},
		/* Every table for one key before the next key. */
		{"inline:{ @x.example=catch }, inline:{ a@x.example=a/ }",
		 "a@x.example", "", MAP_FOUND, "a/"},
		{"static:1234", "a@x.example", "", MAP_FOUND, "1234"},
		{"fail:x", "a@x.example", "", MAP_RETRY, 0},
		{"nosuchtype:x", "a@x.example", "", MAP_RETRY, 0},
		{"", "a@x.example", "", MAP_NOTFOUND, 0},
	};
	STRBUF *value = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	VIRTUAL_MAPS *vm;
	size_t	i;
	int	ret;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		vm = virtual_maps_open("test_maps", t[i].spec);
		ret = virtual_maps_find(vm, t[i].addr, t[i].delim, value, why);
		if (ret != t[i].ret)
			fail_msg("case %zu: got %d, want %d", i, ret, t[i].ret);
		if (ret == MAP_FOUND)
			assert_string_equal(strbuf_str(value), t[i].value);
		if (ret == MAP_RETRY)
			assert_non_null(strstr(strbuf_str(why), "lookup error"));
		virtual_maps_free(vm);
	}
	strbuf_free(&value);
	strbuf_free(&why);
}

static void
test_path_ok(void **state)
{
	static const struct {
		const char *path;
		int	ok;
	} t[] = {
		{"example.com/joe/", 1},
		{"example.com/joe", 1},
		{"a..b/c", 1},
		{"", 0},
		{"/etc/passwd", 0},
		{"../x", 0},
		{"a/../b", 0},
		{"a/..", 0},
		{"a//../", 0},
	};
	STRBUF *why = strbuf_create(10);
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (virtual_path_ok(t[i].path, why) != t[i].ok)
			fail_msg("case %zu: %s", i, t[i].path);
	strbuf_free(&why);
}

static void
test_parse_id(void **state)
{
	STRBUF *why = strbuf_create(10);

	(void) state;
	assert_int_equal(virtual_parse_id("5000", 100, why), 5000);
	assert_int_equal(virtual_parse_id("100", 100, why), 100);
	assert_int_equal(virtual_parse_id("99", 100, why), -1);
	assert_non_null(strstr(strbuf_str(why), "minimum"));
	assert_int_equal(virtual_parse_id("x", 100, why), -1);
	assert_int_equal(virtual_parse_id("-1", 0, why), -1);
	assert_int_equal(virtual_parse_id("", 0, why), -1);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_parse_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
