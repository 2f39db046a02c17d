/*
 * rec_fuzz.c - libFuzzer target for record and queue file reading
 *
 * The input is read as a record stream with rec_get() (with a small
 * limit, so that the length checks are reached) and as a whole queue
 * file with qfile_read(). Checks: every record read is of a known type
 * and within the limit; an error always comes with a reason; a file
 * that qfile_read() accepts ends with the end record and, written again
 * record by record, reads back the same.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "qfile.h"
#include "rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LIMIT	512

/* fuzz_records - walk the raw records; copy them to out */

static int
fuzz_records(const uint8_t *data, size_t size, STRBUF *out, int *last)
{
	IOSTREAM *in = iostream_memopen(data, size);
	IOSTREAM *copy = iostream_memcreate(out);
	STRBUF *buf = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	int     type;
	int     count = 0;

	*last = 0;
	while ((type = rec_get(in, buf, FUZZ_LIMIT, why)) > 0) {
		if (!rec_type_known(type) || strbuf_len(buf) > FUZZ_LIMIT)
			abort();
		rec_put(copy, type, strbuf_str(buf), strbuf_len(buf));
		*last = type;
		count++;
	}
	if (type == REC_TYPE_ERROR && strbuf_len(why) == 0)
		abort();
	iostream_close(in);
	iostream_close(copy);
	strbuf_free(&buf);
	strbuf_free(&why);
	return type == REC_TYPE_EOF ? count : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *copy = strbuf_create(100);
	IOSTREAM *in = iostream_memopen(data, size);
	QFILE  *q;
	int     last;
	int     count;

	count = fuzz_records(data, size, copy, &last);
	q = qfile_read(in, FUZZ_LIMIT, 1, why);
	iostream_close(in);
	if (q == NULL) {
		if (strbuf_len(why) == 0)
			abort();
	} else {
		/* Accepted: well-formed records ending in E, re-encoded the same. */
		if (count <= 0 || last != REC_TYPE_END)
			abort();
		if (strbuf_len(copy) != size || memcmp(strbuf_str(copy), data, size))
			abort();
		qfile_free(q);
	}
	strbuf_free(&copy);
	strbuf_free(&why);
	return 0;
}
