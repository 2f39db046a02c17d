/*
 * nametab_test.c - unit tests for the name hash table
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mem.h"
#include "nametab.h"
#include "strbuf.h"

static int freed;

/* count_free - value destructor that counts its calls */

static void
count_free(void *value)
{
	freed++;
	xfree(value);
}

/* test_enter_find - insert, replace, look up, count */

static void
test_enter_find(void **state)
{
	NAMETAB *tab = nametab_create(1);
	int a = 1, b = 2;

	assert_null(nametab_find(tab, "x"));
	assert_false(nametab_exists(tab, "x"));
	assert_null(nametab_enter(tab, "x", &a));
	assert_ptr_equal(nametab_find(tab, "x"), &a);
	assert_ptr_equal(nametab_enter(tab, "x", &b), &a);
	assert_ptr_equal(nametab_find(tab, "x"), &b);
	assert_int_equal(nametab_count(tab), 1);

	/* A NULL value still exists; names are case-sensitive. */
	assert_null(nametab_enter(tab, "y", NULL));
	assert_true(nametab_exists(tab, "y"));
	assert_null(nametab_find(tab, "y"));
	assert_false(nametab_exists(tab, "X"));
	assert_null(nametab_enter(tab, "", &a));
	assert_ptr_equal(nametab_find(tab, ""), &a);
	assert_int_equal(nametab_count(tab), 3);
	nametab_free(&tab, NULL);
	assert_null(tab);
}

/* test_growth - many names survive rehashing; free_fn sees each value */

static void
test_growth(void **state)
{
	NAMETAB *tab = nametab_create(4);
	STRBUF *name = strbuf_create(0);
	int i, *val;

	for (i = 0; i < 20000; i++) {
		strbuf_printf(name, "param_%d", i);
		val = xmalloc(sizeof(*val));
		*val = i;
		assert_null(nametab_enter(tab, strbuf_str(name), val));
	}
	assert_int_equal(nametab_count(tab), 20000);
	for (i = 0; i < 20000; i += 7) {
		strbuf_printf(name, "param_%d", i);
		val = nametab_find(tab, strbuf_str(name));
		assert_non_null(val);
		assert_int_equal(*val, i);
	}
	strbuf_printf(name, "param_%d", 20000);
	assert_null(nametab_find(tab, strbuf_str(name)));
	freed = 0;
	nametab_free(&tab, count_free);
	assert_int_equal(freed, 20000);
	strbuf_free(&name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enter_find),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests_name("nametab", tests, NULL, NULL);
}
