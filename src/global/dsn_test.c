/*
 * dsn_test.c - unit tests for dsn
 *
 * Well-formed and malformed status codes, codes found at the start of
 * reply text with and without an SMTP reply code in front, and the
 * split of such text into code and reason.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dsn.h"

static void
test_valid(void **unused)
{
	static const struct {
		const char *in;
		int	ok;
	} t[] = {
		{"2.0.0", 1}, {"4.4.1", 1}, {"5.1.1", 1}, {"5.123.456", 1},
		{"3.0.0", 0}, {"5.0", 0}, {"5.1234.1", 0}, {"5.1.1234", 0},
		{"5..1", 0}, {"5.1.", 0}, {"5.1.1 ", 0}, {"", 0}, {"x.1.1", 0},
		{"55.1.1", 0}, {".1.1", 0},
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(dsn_valid(t[i].in), t[i].ok);
	assert_int_equal(dsn_valid(NULL), 0);
}

static void
test_find(void **unused)
{
	static const struct {
		const char *in;
		const char *code;	/* NULL: none */
	} t[] = {
		{"550 5.1.1 No such user", "5.1.1"},
		{"550-5.1.1 No such user", "5.1.1"},
		{"4.7.1 try again later", "4.7.1"},
		{"5.0.0", "5.0.0"},
		{"5.0.0\tx", "5.0.0"},
		{"550 No such user", NULL},
		{"5.1.1x text", NULL},
		{"55 5.1.1 text", NULL},
		{"user unknown", NULL},
		{"", NULL},
		{"550 6.1.1 text", NULL},
	};
	char	code[12];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t	len = dsn_find_code(t[i].in, code, sizeof(code));

		if (t[i].code) {
			assert_int_equal(len, strlen(t[i].code));
			assert_string_equal(code, t[i].code);
		} else {
			assert_int_equal(len, 0);
			assert_string_equal(code, "");
		}
	}
	/* Too small a buffer: no code, nothing written past it. */
	assert_int_equal(dsn_find_code("5.123.456 x", code, 9), 0);
}

static void
test_split(void **unused)
{
	static const struct {
		const char *in;
		const char *def;
		const char *code;
		const char *text;
	} t[] = {
		{"5.1.1 User unknown", "4.0.0", "5.1.1", "User unknown"},
		{"550 5.7.1  Go away", "4.0.0", "5.7.1", "Go away"},
		{"4.7.1", "5.0.0", "4.7.1", ""},
		{"mail for example.com loops back", "5.0.0", "5.0.0",
		 "mail for example.com loops back"},
		{"  spaced", "2.0.0", "2.0.0", "spaced"},
		{"", "2.0.0", "2.0.0", ""},
		{"550 no code", "5.0.0", "5.0.0", "550 no code"},
	};
	char	code[12];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_string_equal(dsn_split(t[i].in, t[i].def, code, sizeof(code)),
				    t[i].text);
		assert_string_equal(code, t[i].code);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
