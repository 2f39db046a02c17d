/*
 * base64_test.c - unit tests for base64
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base64.h"
#include "strbuf.h"

/* RFC 4648 section 10 test vectors, plus binary data. */
static const struct {
	const char *plain;
	size_t len;
	const char *coded;
} vectors[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg==" },
	{ "fo", 2, "Zm8=" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg==" },
	{ "fooba", 5, "Zm9vYmE=" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\0user\0pass", 10, "AHVzZXIAcGFzcw==" },	/* AUTH PLAIN */
	{ "\xff\xfe\xfd", 3, "//79" },
	{ "\xfb\xff", 2, "+/8=" },
};

/* test_base64_vectors - encode and decode the known vectors */

static void
test_base64_vectors(void **state)
{
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(vectors); i++) {
		assert_int_equal(base64_encode(out, vectors[i].plain, vectors[i].len,
					       BASE64_FLAG_NONE), 0);
		assert_string_equal(strbuf_str(out), vectors[i].coded);
		assert_int_equal(strbuf_len(out), BASE64_ENCODED_LEN(vectors[i].len));
		assert_int_equal(base64_decode(out, vectors[i].coded,
					       strlen(vectors[i].coded),
					       BASE64_FLAG_NONE), 0);
		assert_int_equal(strbuf_len(out), vectors[i].len);
		assert_memory_equal(strbuf_str(out), vectors[i].plain,
				    vectors[i].len);
	}
	strbuf_free(&out);
}

/* test_base64_bad - strict decoding rejects everything not canonical */

static void
test_base64_bad(void **state)
{
	static const char *bad[] = {
		"Zg",			/* no padding */
		"Zg=",			/* short padding */
		"Zm9vY",		/* not a multiple of 4 */
		"Z===",			/* three pad characters */
		"====",
		"Zg==Zg==",		/* padding in the middle */
		"Zm=v",			/* '=' before data */
		"Zm9v\n",		/* white space */
		"Zm 9v",
		"Zm9-",			/* URL-safe alphabet is not ours */
		"Zm9_",
		"Zh==",			/* non-zero pad bits */
		"Zm9=",
		"Zm\x80v",
	};
	STRBUF *out = strbuf_create(1);
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		strbuf_set(out, "old");
		assert_int_equal(base64_decode(out, bad[i], strlen(bad[i]),
					       BASE64_FLAG_NONE), -1);
		assert_int_equal(strbuf_len(out), 0);
		strbuf_set(out, "old");
		assert_int_equal(base64_decode(out, bad[i], strlen(bad[i]),
					       BASE64_FLAG_APPEND), -1);
		assert_string_equal(strbuf_str(out), "old");
	}
	/* Embedded NUL in the input is bad too, length is what counts. */
	assert_int_equal(base64_decode(out, "Zm\0v", 4, 0), -1);
	assert_int_equal(base64_decode(out, "Zm9vYg==", 6, 0), -1);
	assert_int_equal(base64_decode(out, "Zm9vYmFy", 6, 0), -1);
	assert_int_equal(base64_decode(out, "Zm9vYg==", 4, 0), 0);
	assert_string_equal(strbuf_str(out), "foo");
	strbuf_free(&out);
}

/* test_base64_append_limit - append mode and a refused append */

static void
test_base64_append_limit(void **state)
{
	STRBUF *out = strbuf_create(1);

	strbuf_set(out, "AUTH PLAIN ");
	assert_int_equal(base64_encode(out, "foo", 3, BASE64_FLAG_APPEND), 0);
	assert_string_equal(strbuf_str(out), "AUTH PLAIN Zm9v");
	assert_int_equal(base64_decode(out, "YmFy", 4, BASE64_FLAG_APPEND), 0);
	assert_string_equal(strbuf_str(out), "AUTH PLAIN Zm9vbar");

	strbuf_reset(out);
	strbuf_set_limit(out, 6);
	assert_int_equal(base64_encode(out, "foobar", 6, 0), -1);
	assert_true(strbuf_overflow(out));
	assert_int_equal(strbuf_len(out), 0);
	assert_int_equal(base64_encode(out, "foo", 3, 0), 0);
	assert_string_equal(strbuf_str(out), "Zm9v");
	assert_int_equal(base64_decode(out, "Zm9vYmFyYg==", 12, 0), -1);
	assert_true(strbuf_overflow(out));
	assert_int_equal(strbuf_len(out), 0);
	strbuf_free(&out);
}

/* test_base64_roundtrip - all byte values and lengths survive */

static void
test_base64_roundtrip(void **state)
{
	STRBUF *enc = strbuf_create(1);
	STRBUF *dec = strbuf_create(1);
	unsigned char data[256];
	size_t len;

	for (len = 0; len < sizeof(data); len++)
		data[len] = (unsigned char) (len * 7 + 3);
	for (len = 0; len <= sizeof(data); len++) {
		assert_int_equal(base64_encode(enc, data, len, 0), 0);
		assert_int_equal(base64_decode(dec, strbuf_str(enc), strbuf_len(enc),
					       0), 0);
		assert_int_equal(strbuf_len(dec), len);
		assert_memory_equal(strbuf_str(dec), data, len);
	}
	strbuf_free(&enc);
	strbuf_free(&dec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_base64_bad),
		cmocka_unit_test(test_base64_append_limit),
		cmocka_unit_test(test_base64_roundtrip),
	};

	return cmocka_run_group_tests_name("base64", tests, NULL, NULL);
}
