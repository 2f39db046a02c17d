/*
 * xsasl_mech_filter_test.c - unit tests for SASL mechanism filters
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "xsasl.h"

/* check - the mechanisms of a list that a filter allows */

static void
check(const char *spec, const char *mechs, const char *want)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *out = strbuf_create(100);
	XSASL_MECH_FILTER *filter;

	filter = xsasl_mech_filter_create("test_filter", spec, why);
	assert_non_null(filter);
	xsasl_mech_filter_list(filter, mechs, out);
	assert_string_equal(strbuf_str(out), want);
	xsasl_mech_filter_free(filter);
	strbuf_free(&why);
	strbuf_free(&out);
}

static void
test_names_and_tables(void **state)
{
	(void) state;
	check("", "PLAIN login CRAM-MD5", "PLAIN LOGIN CRAM-MD5");
	check("plain, LOGIN", "PLAIN LOGIN CRAM-MD5", "PLAIN LOGIN");
	check("!external, static:rest", "PLAIN EXTERNAL LOGIN", "PLAIN LOGIN");
	check("!gssapi, !login, static:rest", "GSSAPI LOGIN PLAIN", "PLAIN");
	check("login !login", "LOGIN PLAIN", "LOGIN");
	check("inline:{plain=x}", "LOGIN PLAIN", "PLAIN");
}

static void
test_file_patterns(void **state)
{
	char    dir[] = "/tmp/xsasl_mech_filter.XXXXXX";
	char    path[100];
	char    spec[120];
	FILE   *fp;

	(void) state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mechs", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("# allowed\nplain\n  login\n", fp);
	fclose(fp);
	check(path, "LOGIN PLAIN CRAM-MD5", "LOGIN PLAIN");
	snprintf(spec, sizeof(spec), "!%s, static:rest", path);
	check(spec, "LOGIN PLAIN CRAM-MD5", "CRAM-MD5");
	unlink(path);
	rmdir(dir);
}

static void
test_errors(void **state)
{
	STRBUF *why = strbuf_create(100);

	(void) state;
	assert_null(xsasl_mech_filter_create("p", "/nonexistent/mechs", why));
	assert_non_null(strstr(strbuf_str(why), "/nonexistent/mechs"));
	assert_null(xsasl_mech_filter_create("p", "nosuchtype:x", why));
	assert_int_equal(xsasl_mech_filter_match(NULL, "PLAIN"), 1);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_tables),
		cmocka_unit_test(test_file_patterns),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
