/*
 * base64_fuzz.c - libFuzzer target for the base64 encoder and decoder
 *
 * The decoder reads SMTP AUTH responses from clients. Because it is
 * strict, whatever it accepts must encode back to exactly the input;
 * and any bytes must survive an encode and decode. The input also sets
 * a length limit on the output buffer, to check that a refused result
 * leaves an appended-to buffer as it was.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "log.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX	"old"

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* same_bytes - does buf hold exactly data */

static int
same_bytes(const STRBUF *buf, const void *data, size_t len)
{
	return strbuf_len(buf) == len && memcmp(strbuf_str(buf), data, len) == 0;
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "base64_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("base64_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	STRBUF *dec = strbuf_create(10);
	STRBUF *enc = strbuf_create(10);
	STRBUF *app = strbuf_create(10);
	size_t dec_len;
	int ok;


	/* Strict decoding: accepted text is the canonical encoding. */
	ok = base64_decode(dec, text, size, BASE64_FLAG_NONE) == 0;
	dec_len = strbuf_len(dec);
	if (ok) {
		check(strbuf_len(dec) <= size / 4 * 3, "decoded too long");
		check(base64_encode(enc, strbuf_str(dec), strbuf_len(dec),
				    BASE64_FLAG_NONE) == 0, "re-encode failed");
		check(same_bytes(enc, data, size), "decode is not canonical");
	} else {
		check(strbuf_len(dec) == 0, "failed decode left output");
	}

	/* Any bytes round-trip. */
	check(base64_encode(enc, data, size, BASE64_FLAG_NONE) == 0,
	      "encode failed");
	check(strbuf_len(enc) == BASE64_ENCODED_LEN(size), "encoded length");
	check(base64_decode(dec, strbuf_str(enc), strbuf_len(enc),
			    BASE64_FLAG_NONE) == 0, "decode of encoding failed");
	check(same_bytes(dec, data, size), "round trip changed the bytes");

	/*
	 * Appending under a limit that the input's first byte picks: all or
	 * nothing, and "nothing" keeps the old contents.
	 */
	strbuf_set(app, PREFIX);
	strbuf_set_limit(app, sizeof(PREFIX) - 1 + (size ? data[0] : 0));
	if (base64_decode(app, text, size, BASE64_FLAG_APPEND) == 0) {
		check(ok, "append decode accepted what plain decode refused");
		check(strbuf_len(app) == sizeof(PREFIX) - 1 + dec_len,
		      "append decode length");
	} else {
		check(strcmp(strbuf_str(app), PREFIX) == 0
		      && strbuf_len(app) == sizeof(PREFIX) - 1,
		      "refused decode changed the buffer");
	}
	strbuf_set_limit(app, 0);
	strbuf_set(app, PREFIX);
	strbuf_set_limit(app, sizeof(PREFIX) - 1 + (size ? data[0] : 0));
	if (base64_encode(app, data, size, BASE64_FLAG_APPEND) == 0)
		check(strbuf_len(app) == sizeof(PREFIX) - 1
		      + BASE64_ENCODED_LEN(size), "append encode length");
	else
		check(strbuf_len(app) == sizeof(PREFIX) - 1
		      && BASE64_ENCODED_LEN(size) > (size_t) data[0],
		      "refused encode changed the buffer");

	strbuf_free(&dec);
	strbuf_free(&enc);
	strbuf_free(&app);
	return 0;
}
