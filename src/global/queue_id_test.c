/*
 * queue_id_test.c - unit tests for queue_id
 *
 * Short and long IDs against hand-computed values, validation of good
 * and bad names, the hash characters (the same microseconds give the
 * same hash in both forms), and that IDs differ when time or inode do.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "strbuf.h"
#include "queue_id.h"

static void
test_make(void **unused)
{
	static const struct {
		long    sec, usec;
		unsigned long ino;
		int     long_ids;
		const char *id;
	} t[] = {
		{0, 0, 0, 0, "000000"},
		{0, 999999, 0x1234, 0, "F423F1234"},
		{5, 1, 0xabcdef, 0, "00001ABCDEF"},
		/* 52 = "10" in base 52; 51 = "z"; inode 51 = "10" in base 51 */
		{52, 51, 51, 1, "000010000zz10"},
		{0, 0, 0, 1, "0000000000z0"},
		/* 1700000000 = 6*52^5 + ... */
		{1700000000L, 999999, 1, 1, NULL},
	};
	char    buf[QUEUE_ID_SIZE];
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		queue_id_make(buf, sizeof(buf), t[i].sec, t[i].usec, t[i].ino,
			      t[i].long_ids);
		if (t[i].id)
			assert_string_equal(buf, t[i].id);
		assert_true(queue_id_ok(buf));
		assert_int_equal(queue_id_is_long(buf), t[i].long_ids);
	}
}

static void
test_ok(void **unused)
{
	static const struct {
		const char *id;
		int     ok;
	} t[] = {
		{"C3CD21F3E90", 1},
		{"3Pt2mN2VXxznjll", 1},
		{"c3cd21f3e90", 0},		/* lower case hex */
		{"C3CD2", 0},			/* no inode */
		{"C3CD21F3E9G", 0},
		{"../../etc", 0},
		{"", 0},
		{"3Pt2mN2VXxz", 0},		/* no inode after z */
		{"3Pt2mzjll", 0},		/* too short before z */
		{"3Pt2mN2VXxznjAl", 0},		/* vowel */
		{"C3CD21F3E90/x", 0},
		{"0123456789ABCDEF0123456", 0},	/* too long */
	};
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(queue_id_ok(t[i].id), t[i].ok);
}

static void
test_hash(void **unused)
{
	STRBUF *h = strbuf_create(10);
	char    shrt[QUEUE_ID_SIZE];
	char    lng[QUEUE_ID_SIZE];

	queue_id_make(shrt, sizeof(shrt), 1700000000L, 654321, 77, 0);
	queue_id_make(lng, sizeof(lng), 1700000000L, 654321, 77, 1);
	assert_int_equal(queue_id_hash_chars(shrt, h), 0);
	assert_string_equal(strbuf_str(h), "9FBF1");
	assert_int_equal(queue_id_hash_chars(lng, h), 0);
	assert_string_equal(strbuf_str(h), "9FBF1");
	assert_int_equal(queue_id_hash_chars("bad/", h), -1);
	strbuf_free(&h);
}

static void
test_unique(void **unused)
{
	char    a[QUEUE_ID_SIZE];
	char    b[QUEUE_ID_SIZE];

	queue_id_make(a, sizeof(a), 100, 5, 7, 1);
	queue_id_make(b, sizeof(b), 101, 5, 7, 1);
	assert_string_not_equal(a, b);
	queue_id_make(b, sizeof(b), 100, 5, 8, 1);
	assert_string_not_equal(a, b);
	queue_id_make(a, sizeof(a), 100, 5, 0x17, 0);
	queue_id_make(b, sizeof(b), 100, 5, 0x18, 0);
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
