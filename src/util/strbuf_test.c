/*
 * strbuf_test.c - unit tests for strbuf
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"

/* test_append - appends grow the buffer and keep it terminated */

static void
test_append(void **state)
{
	STRBUF *sb = strbuf_create(1);
	int i;

	for (i = 0; i < 1000; i++)
		assert_int_equal(strbuf_append_char(sb, 'a' + i % 26), 0);
	assert_int_equal(strbuf_len(sb), 1000);
	assert_int_equal(strlen(strbuf_str(sb)), 1000);
	assert_int_equal(strbuf_str(sb)[27], 'b');
	assert_int_equal(strbuf_append(sb, "x\0y", 3), 0);
	assert_int_equal(strbuf_len(sb), 1003);
	assert_memory_equal(strbuf_str(sb) + 1000, "x\0y", 4);
	strbuf_free(&sb);
	assert_null(sb);
}

/* test_limit - a refused append changes nothing and sets the flag */

static void
test_limit(void **state)
{
	STRBUF *sb = strbuf_create(4);

	strbuf_set_limit(sb, 5);
	assert_int_equal(strbuf_append_str(sb, "abc"), 0);
	assert_int_equal(strbuf_append_str(sb, "def"), -1);
	assert_string_equal(strbuf_str(sb), "abc");
	assert_true(strbuf_overflow(sb));
	assert_int_equal(strbuf_append_str(sb, "de"), 0);
	assert_int_equal(strbuf_append_char(sb, 'f'), -1);
	assert_string_equal(strbuf_str(sb), "abcde");
	assert_int_equal(strbuf_append_printf(sb, "%d", 7), -1);
	assert_string_equal(strbuf_str(sb), "abcde");
	strbuf_reset(sb);
	assert_false(strbuf_overflow(sb));
	assert_int_equal(strbuf_printf(sb, "%s-%d", "ab", 12), 0);
	assert_string_equal(strbuf_str(sb), "ab-12");
	assert_int_equal(strbuf_printf(sb, "%s", "toolong"), -1);
	strbuf_free(&sb);
}

/* test_printf_grow - formatted text longer than the allocation */

static void
test_printf_grow(void **state)
{
	STRBUF *sb = strbuf_create(2);

	assert_int_equal(strbuf_printf(sb, "%s=%0100d", "n", 5), 0);
	assert_int_equal(strbuf_len(sb), 102);
	assert_int_equal(strbuf_str(sb)[101], '5');
	assert_int_equal(strbuf_append_printf(sb, "|%s", "tail"), 0);
	assert_string_equal(strbuf_str(sb) + 102, "|tail");
	strbuf_free(&sb);
}

/* test_self_append - appending part of the buffer to itself */

static void
test_self_append(void **state)
{
	STRBUF *sb = strbuf_create(1);
	int i;

	strbuf_set(sb, "ab");
	for (i = 0; i < 10; i++)
		strbuf_append(sb, strbuf_str(sb), strbuf_len(sb));
	assert_int_equal(strbuf_len(sb), 2048);
	assert_memory_equal(strbuf_str(sb) + 2046, "ab", 3);
	strbuf_set_mem(sb, strbuf_str(sb) + 1, 3);
	assert_string_equal(strbuf_str(sb), "bab");
	strbuf_free(&sb);
}

/* test_misc - truncate, trim, detach */

static void
test_misc(void **state)
{
	STRBUF *sb = strbuf_create(0);
	char *s;

	strbuf_set(sb, "hello  \t\r\n");
	strbuf_trim_right(sb);
	assert_string_equal(strbuf_str(sb), "hello");
	strbuf_set_mem(sb, "ab\0 ", 4);
	strbuf_trim_right(sb);
	assert_int_equal(strbuf_len(sb), 3);
	strbuf_set(sb, "hello");
	strbuf_truncate(sb, 2);
	assert_string_equal(strbuf_str(sb), "he");
	strbuf_truncate(sb, 20);
	assert_string_equal(strbuf_str(sb), "he");
	assert_int_equal(strbuf_last(sb), 'e');
	s = strbuf_detach(sb);
	assert_string_equal(s, "he");
	assert_int_equal(strbuf_len(sb), 0);
	assert_int_equal(strbuf_last(sb), -1);
	free(s);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_printf_grow),
		cmocka_unit_test(test_self_append),
		cmocka_unit_test(test_misc),
	};

	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
