/*
 * info_log_addr_test.c - tests for info_log_addr.c
 *
 * external quotes local parts that are not dot-atoms, internal leaves
 * every address alone, and one log line can hold several results.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "info_log_addr.h"
#include "params_global.h"

static char external[] = "external";
static char internal[] = "internal";

static const struct {
	const char *in, *ext;
} cases[] = {
	{ "john doe@example.com", "\"john doe\"@example.com" },
	{ "john.doe@example.com", "john.doe@example.com" },
	{ "a\"b@example.com", "\"a\\\"b\"@example.com" },
	{ "x..y@example.com", "\"x..y\"@example.com" },
	{ "@example.com", "\"\"@example.com" },
	{ "postmaster", "postmaster" },
	{ "dr who", "\"dr who\"" },
	{ "", "" },
	{ "j\xc3\xb6rg@example.com", "j\xc3\xb6rg@example.com" },
};

/* test_external - the default form */

static void
test_external(void **unused)
{
	size_t	i;

	(void) unused;
	var_info_log_address_format = external;
	info_log_addr_reset();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(info_log_addr(cases[i].in), cases[i].ext);
	info_log_addr_reset();
}

/* test_internal - addresses as stored */

static void
test_internal(void **unused)
{
	size_t	i;

	(void) unused;
	var_info_log_address_format = internal;
	info_log_addr_reset();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(info_log_addr(cases[i].in), cases[i].in);
	info_log_addr_reset();
}

/* test_slots - results of one log line do not overwrite each other */

static void
test_slots(void **unused)
{
	const char *r[INFO_LOG_ADDR_SLOTS];
	char	addr[32];
	char	want[32];
	int	i;

	(void) unused;
	var_info_log_address_format = external;
	info_log_addr_reset();
	for (i = 0; i < INFO_LOG_ADDR_SLOTS; i++) {
		snprintf(addr, sizeof(addr), "u %d@example.com", i);
		r[i] = info_log_addr(addr);
	}
	for (i = 0; i < INFO_LOG_ADDR_SLOTS; i++) {
		snprintf(want, sizeof(want), "\"u %d\"@example.com", i);
		assert_string_equal(r[i], want);
	}
	info_log_addr_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_internal),
		cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
