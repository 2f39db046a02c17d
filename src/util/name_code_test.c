/*
 * name_code_test.c - unit tests for name_code
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "name_code.h"
#include "strbuf.h"

static const NAME_CODE colors[] = {
	{ "red", 1 },
	{ "Green", 2 },
	{ "blue", 3 },
	{ "crimson", 1 },		/* second name for 1 */
	{ NULL, -1 },
};

/* test_name_code_lookup - folding, exact case, the default code */

static void
test_name_code_lookup(void **state)
{
	static const struct {
		const char *name;
		int flags;
		int code;
	} t[] = {
		{ "red", NAME_CODE_FLAG_NONE, 1 },
		{ "RED", NAME_CODE_FLAG_NONE, 1 },
		{ "green", NAME_CODE_FLAG_NONE, 2 },
		{ "crimson", NAME_CODE_FLAG_NONE, 1 },
		{ "RED", NAME_CODE_FLAG_STRICT_CASE, -1 },
		{ "green", NAME_CODE_FLAG_STRICT_CASE, -1 },
		{ "Green", NAME_CODE_FLAG_STRICT_CASE, 2 },
		{ "", NAME_CODE_FLAG_NONE, -1 },
		{ "re", NAME_CODE_FLAG_NONE, -1 },
		{ "reds", NAME_CODE_FLAG_NONE, -1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		assert_int_equal(name_code_lookup(colors, t[i].flags, t[i].name),
				 t[i].code);
}

/* test_str_name_code - first name of a code, NULL when unknown */

static void
test_str_name_code(void **state)
{
	static const NAME_CODE empty[] = { { NULL, 7 } };

	assert_string_equal(str_name_code(colors, 1), "red");
	assert_string_equal(str_name_code(colors, 3), "blue");
	assert_null(str_name_code(colors, 4));
	assert_null(str_name_code(colors, -1));	/* the terminator is no name */
	assert_null(str_name_code(empty, 7));
	assert_int_equal(name_code_lookup(empty, 0, "x"), 7);
}

#define F_A	(1 << 0)
#define F_B	(1 << 1)
#define F_C	(1 << 2)

static const NAME_MASK flags_tab[] = {
	{ "all", F_A | F_B | F_C },
	{ "alpha", F_A },
	{ "beta", F_B },
	{ "gamma", F_C },
	{ "none", 0 },
	{ NULL, 0 },
};

/* test_name_mask_parse - separators, case, numbers, unknown names */

static void
test_name_mask_parse(void **state)
{
	static const struct {
		const char *in;
		int flags;
		int status;
		int mask;
		const char *why;
	} t[] = {
		{ "", 0, 0, 0, NULL },
		{ "alpha", 0, 0, F_A, NULL },
		{ "alpha, beta", 0, 0, F_A | F_B, NULL },
		{ " beta\tgamma,,alpha ", 0, 0, F_A | F_B | F_C, NULL },
		{ "all", 0, 0, F_A | F_B | F_C, NULL },
		{ "none", 0, 0, 0, NULL },
		{ "ALPHA", 0, -1, 0, "unknown name \"ALPHA\"" },
		{ "ALPHA", NAME_MASK_FLAG_ANY_CASE, 0, F_A, NULL },
		{ "alpha delta", 0, -1, 0, "unknown name \"delta\"" },
		{ "alpha|beta", 0, -1, 0, "unknown name \"alpha|beta\"" },
		{ "alpha|beta", NAME_MASK_FLAG_PIPE, 0, F_A | F_B, NULL },
		{ "0x10", 0, -1, 0, "unknown name \"0x10\"" },
		{ "0x10 beta", NAME_MASK_FLAG_NUMBER, 0, 0x10 | F_B, NULL },
		{ "0x", NAME_MASK_FLAG_NUMBER, -1, 0, "unknown name \"0x\"" },
		{ "0x1g", NAME_MASK_FLAG_NUMBER, -1, 0, "unknown name \"0x1g\"" },
		{ "0x123456789", NAME_MASK_FLAG_NUMBER, -1, 0,
		  "unknown name \"0x123456789\"" },
	};
	STRBUF *why = strbuf_create(10);
	size_t i;
	int mask;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		mask = 12345;
		strbuf_reset(why);
		assert_int_equal(name_mask_parse(flags_tab, t[i].in, t[i].flags,
						 &mask, why), t[i].status);
		if (t[i].status == 0) {
			assert_int_equal(mask, t[i].mask);
		} else {
			assert_int_equal(mask, 12345);	/* untouched */
			assert_string_equal(strbuf_str(why), t[i].why);
		}
	}
	/* why may be NULL. */
	assert_int_equal(name_mask_parse(flags_tab, "bogus", 0, &mask, NULL), -1);
	strbuf_free(&why);
}

/* test_name_mask_format - table order, separators, leftover bits */

static void
test_name_mask_format(void **state)
{
	static const struct {
		int mask;
		int flags;
		int status;
		const char *out;
	} t[] = {
		{ 0, 0, 0, "" },
		{ F_A, 0, 0, "alpha" },
		{ F_A | F_C, 0, 0, "alpha gamma" },
		{ F_A | F_C, NAME_MASK_FLAG_COMMA, 0, "alpha,gamma" },
		{ F_A | F_C, NAME_MASK_FLAG_PIPE, 0, "alpha|gamma" },
		{ F_A | F_B | F_C, 0, 0, "all" },
		{ F_B | 0x100, 0, -1, "beta" },
		{ F_B | 0x100, NAME_MASK_FLAG_NUMBER, 0, "beta 0x100" },
		{ 0x300, NAME_MASK_FLAG_NUMBER, 0, "0x300" },
	};
	STRBUF *out = strbuf_create(10);
	size_t i;
	int mask;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(out);
		assert_int_equal(name_mask_format(flags_tab, t[i].mask, t[i].flags,
						  out), t[i].status);
		assert_string_equal(strbuf_str(out), t[i].out);
	}
	/* Format then parse is the identity for known bits. */
	strbuf_reset(out);
	assert_int_equal(name_mask_format(flags_tab, F_B | F_C, 0, out), 0);
	assert_int_equal(name_mask_parse(flags_tab, strbuf_str(out), 0, &mask,
					 NULL), 0);
	assert_int_equal(mask, F_B | F_C);
	/* Output is appended. */
	strbuf_set(out, "x=");
	name_mask_format(flags_tab, F_A, 0, out);
	assert_string_equal(strbuf_str(out), "x=alpha");
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_code_lookup),
		cmocka_unit_test(test_str_name_code),
		cmocka_unit_test(test_name_mask_parse),
		cmocka_unit_test(test_name_mask_format),
	};

	return cmocka_run_group_tests_name("name_code", tests, NULL, NULL);
}
