/*
 * xsasl_security_test.c - unit tests for the SASL security options
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"
#include "xsasl_int.h"

static void
test_security_parse(void **state)
{
	STRBUF *why = strbuf_create(0);
	int     flags;

	assert_int_equal(xsasl_security_parse("", &flags, why), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(xsasl_security_parse("noplaintext, noanonymous",
					      &flags, why), 0);
	assert_int_equal(flags, XSASL_SEC_NOPLAINTEXT | XSASL_SEC_NOANONYMOUS);
	assert_int_equal(xsasl_security_parse("NoActive nodictionary,"
					      "forward_secrecy mutual_auth",
					      &flags, why), 0);
	assert_int_equal(flags, XSASL_SEC_NOACTIVE | XSASL_SEC_NODICTIONARY
			 | XSASL_SEC_FORWARD_SECRECY | XSASL_SEC_MUTUAL_AUTH);
	assert_int_equal(xsasl_security_parse("noanonymous, noplain",
					      &flags, why), -1);
	assert_non_null(strstr(strbuf_str(why), "noplain"));
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
