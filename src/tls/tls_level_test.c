/*
 * tls_level_test.c - unit tests for the TLS level names
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tls.h"

static void
test_levels(void **state)
{
	static const struct {
		const char *name;
		int	level;
	} rows[] = {
		{"none", TLS_LEV_NONE}, {"may", TLS_LEV_MAY},
		{"ENCRYPT", TLS_LEV_ENCRYPT}, {"dane", TLS_LEV_DANE},
		{"dane-only", TLS_LEV_DANE}, {"fingerprint", TLS_LEV_FPRINT},
		{"verify", TLS_LEV_VERIFY}, {"Secure", TLS_LEV_SECURE},
		{"", TLS_LEV_INVALID}, {"maybe", TLS_LEV_INVALID},
	};
	size_t  i;

	(void) state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(tls_level_lookup(rows[i].name), rows[i].level);
	assert_string_equal(tls_level_name(TLS_LEV_SECURE), "secure");
	assert_string_equal(tls_level_name(TLS_LEV_DANE), "dane");
	assert_string_equal(tls_level_name(TLS_LEV_INVALID), "invalid");
	assert_string_equal(tls_level_name(42), "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
