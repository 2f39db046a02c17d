/*
 * attr_fuzz.c - libFuzzer target for the internal request/reply decoder
 *
 * The input is read as a stream of requests with attr_scan_one() until
 * it fails or ends, and once more with attr_scan() into one destination
 * of every type. Checks: whatever attr_scan() accepted prints again and
 * scans back to the same values (the encoding round-trips), and a
 * string value never contains a null byte.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <string.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "attr.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_scan - scan the four test attributes from a stream */

static int
fuzz_scan(IOSTREAM *st, STRBUF *s, int *i, long *l, STRBUF *d)
{
	return attr_scan(st, ATTR_FLAG_NONE, ATTR_RECV_STR("s", s),
			 ATTR_RECV_INT("i", i), ATTR_RECV_LONG("l", l),
			 ATTR_RECV_DATA("d", d), ATTR_TYPE_END);
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	STRBUF *s = strbuf_create(10);
	STRBUF *d = strbuf_create(10);
	STRBUF *s2 = strbuf_create(10);
	STRBUF *d2 = strbuf_create(10);
	STRBUF *out = strbuf_create(10);
	IOSTREAM *st;
	int     i = 0, i2 = 0;
	long    l = 0, l2 = 0;
	int     n, type;

	strbuf_set_limit(value, 1 << 20);
	strbuf_set_limit(s, 1 << 20);
	strbuf_set_limit(d, 1 << 20);
	st = iostream_memopen(data, size);
	for (n = 0; n < 10000; n++) {
		if ((type = attr_scan_one(st, name, value)) < 0)
			break;
		if (type == ATTR_TYPE_STR
		    && strlen(strbuf_str(value)) != strbuf_len(value))
			log_panic("string value with a null byte");
	}
	(void) iostream_close(st);

	st = iostream_memopen(data, size);
	n = fuzz_scan(st, s, &i, &l, d);
	(void) iostream_close(st);
	if (n == 4) {
		st = iostream_memcreate(out);
		if (attr_print(st, ATTR_FLAG_NONE, ATTR_SEND_STR("s", strbuf_str(s)),
			       ATTR_SEND_INT("i", i), ATTR_SEND_LONG("l", l),
			       ATTR_SEND_DATA("d", strbuf_len(d), strbuf_str(d)),
			       ATTR_TYPE_END) < 0)
			log_panic("print to memory failed");
		(void) iostream_close(st);
		st = iostream_memopen(strbuf_str(out), strbuf_len(out));
		if (fuzz_scan(st, s2, &i2, &l2, d2) != 4 || i != i2 || l != l2
		    || strcmp(strbuf_str(s), strbuf_str(s2)) != 0
		    || strbuf_len(d) != strbuf_len(d2)
		    || memcmp(strbuf_str(d), strbuf_str(d2), strbuf_len(d)) != 0)
			log_panic("round trip mismatch");
		(void) iostream_close(st);
	}
	strbuf_free(&name);
	strbuf_free(&value);
	strbuf_free(&s);
	strbuf_free(&d);
	strbuf_free(&s2);
	strbuf_free(&d2);
	strbuf_free(&out);
	return 0;
}
