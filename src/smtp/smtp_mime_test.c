/*
 * smtp_mime_test.c - unit tests for smtp_mime.c
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "smtp_mime.h"

/* collect - the output as text with newlines */

static void
collect(void *context, const char *line, size_t len)
{
	STRBUF *out = context;

	strbuf_append(out, line, len);
	strbuf_append_char(out, '\n');
}

/* convert - run text (lines end in \n) through the converter */

static int
convert(const char *text, STRBUF *out)
{
	SMTP_MIME *m = smtp_mime_create(collect, out);
	const char *nl;
	int	n;

	strbuf_reset(out);
	while ((nl = strchr(text, '\n')) != NULL) {
		smtp_mime_line(m, text, (size_t) (nl - text));
		text = nl + 1;
	}
	smtp_mime_end(m);
	n = smtp_mime_converted(m);
	smtp_mime_free(m);
	return n;
}

typedef struct {
	const char *in;
	const char *out;
	int	converted;
} MIME_CASE;

static const MIME_CASE mime_cases[] = {
	/* Not labelled 8bit: unchanged. */
	{"Subject: x\n\ncaf\xc3\xa9\n", "Subject: x\n\ncaf\xc3\xa9\n", 0},
	/* A single part. */
	{"Subject: x\nMIME-Version: 1.0\nContent-Type: text/plain; "
	 "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\ncaf\xc3\xa9 = "
	 "x \n.dot\n",
	 "Subject: x\nMIME-Version: 1.0\nContent-Type: text/plain; "
	 "charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	 "caf=C3=A9 =3D x=20\n.dot\n", 1},
	/* Multipart: the container becomes 7bit, the 8bit part QP. */
	{"Content-Type: multipart/mixed;\n\tboundary=\"b1\"\n"
	 "Content-Transfer-Encoding: 8BIT\n\npre\n--b1\n"
	 "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
	 "\xe9t\xe9\n--b1\nContent-Type: text/plain\n\n\xe9\n--b1--\nepi\n",
	 "Content-Type: multipart/mixed;\n\tboundary=\"b1\"\n"
	 "Content-Transfer-Encoding: 7bit\n\npre\n--b1\n"
	 "Content-Type: text/plain\nContent-Transfer-Encoding: "
	 "quoted-printable\n\n=E9t=E9\n--b1\nContent-Type: text/plain\n\n"
	 "\xe9\n--b1--\nepi\n", 1},
	/* message/rfc822 inside. */
	{"Content-Type: message/rfc822\nContent-Transfer-Encoding: 8bit\n\n"
	 "Subject: in\nContent-Transfer-Encoding: 8bit\n\n\xff\n",
	 "Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit\n\n"
	 "Subject: in\nContent-Transfer-Encoding: quoted-printable\n\n=FF\n",
	 1},
	/* A header that ends without a blank line. */
	{"Content-Transfer-Encoding: 8bit\nbody \xe9\n",
	 "Content-Transfer-Encoding: quoted-printable\nbody =E9\n", 1},
};

/* test_cases - table of conversions */

static void
test_cases(void **state)
{
	STRBUF *out = strbuf_create(100);
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(mime_cases) / sizeof(mime_cases[0]); i++) {
		assert_int_equal(convert(mime_cases[i].in, out),
				 mime_cases[i].converted);
		assert_string_equal(strbuf_str(out), mime_cases[i].out);
	}
	strbuf_free(&out);
}

/* test_soft_breaks - long lines are wrapped at 76 */

static void
test_soft_breaks(void **state)
{
	STRBUF *out = strbuf_create(100);
	STRBUF *in = strbuf_create(100);
	const char *cp, *nl;
	size_t	i;

	(void) state;
	strbuf_set(in, "Content-Transfer-Encoding: 8bit\n\n");
	for (i = 0; i < 300; i++)
		strbuf_append_str(in, i % 3 ? "a" : "\xe9");
	strbuf_append_char(in, '\n');
	convert(strbuf_str(in), out);
	cp = strstr(strbuf_str(out), "\n\n") + 2;
	for (i = 0; (nl = strchr(cp, '\n')) != NULL; i++, cp = nl + 1) {
		assert_true(nl - cp <= 76);
		if (nl[1])
			assert_int_equal(nl[-1], '=');
	}
	assert_true(i > 5);
	strbuf_free(&out);
	strbuf_free(&in);
}

/* test_deep_nesting - bounded, everything still comes out */

static void
test_deep_nesting(void **state)
{
	STRBUF *out = strbuf_create(100);
	STRBUF *in = strbuf_create(100);
	int	i;

	(void) state;
	for (i = 0; i < 40; i++)
		strbuf_append_printf(in, "Content-Type: multipart/mixed; "
				     "boundary=b%d\n\n--b%d\n", i, i);
	strbuf_append_str(in, "Content-Transfer-Encoding: 8bit\n\nx\n");
	convert(strbuf_str(in), out);
	assert_int_equal(strbuf_len(out), strbuf_len(in));
	strbuf_free(&out);
	strbuf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_soft_breaks),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
