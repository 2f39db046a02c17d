/*
 * hex_fuzz.c - libFuzzer target for the hex and RFC 3461 xtext codecs
 *
 * xtext_unquote() reads ENVID and ORCPT values from SMTP clients. What
 * it accepts must quote and unquote back to the same bytes, and any
 * bytes without a NUL must survive xtext_quote() and xtext_unquote()
 * (a NUL becomes "+00", which the decoder refuses on purpose). The hex
 * codec gets the same treatment; a decode it accepts must encode back
 * to the input apart from the case of the letters.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hex.h"
#include "log.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Characters a caller may ask to have quoted as well. */
static const char *const specials[] = {NULL, "", "@", "<>()\"\\", "!~"};

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

/* xtext_is_valid - only xchars, and '+' with two upper-case hex digits */

static int
xtext_is_valid(const STRBUF *buf, const char *special)
{
	const unsigned char *cp = (const unsigned char *) strbuf_str(buf);
	size_t	len = strbuf_len(buf);
	size_t	i;

	for (i = 0; i < len; i++) {
		if (cp[i] == '+') {
			if (len - i < 3 || !strchr("0123456789ABCDEF", cp[i + 1])
			    || !strchr("0123456789ABCDEF", cp[i + 2])
			    || cp[i + 1] == 0 || cp[i + 2] == 0)
				return 0;
			i += 2;
		} else if (cp[i] < 33 || cp[i] > 126 || cp[i] == '='
			   || (special != NULL && strchr(special, cp[i]))) {
			return 0;
		}
	}
	return 1;
}

/* fuzz_xtext - the xtext checks */

static void
fuzz_xtext(const uint8_t *data, size_t size, const char *special)
{
	const char *text = (const char *) data;
	STRBUF *dec = strbuf_create(10);
	STRBUF *enc = strbuf_create(10);
	STRBUF *again = strbuf_create(10);

	/* Accepted xtext: the decoded text has no NUL and round-trips. */
	if (xtext_unquote(dec, text, size, XTEXT_FLAG_NONE) == 0) {
		check(strbuf_len(dec) <= size, "unquoted text grew");
		check(memchr(strbuf_str(dec), 0, strbuf_len(dec)) == NULL,
		      "unquoted text holds a NUL");
		check(xtext_quote(enc, strbuf_str(dec), strbuf_len(dec),
				  special, XTEXT_FLAG_NONE) == 0, "quote");
		check(xtext_unquote(again, strbuf_str(enc), strbuf_len(enc),
				    XTEXT_FLAG_NONE) == 0, "re-unquote");
		check(same_bytes(again, strbuf_str(dec), strbuf_len(dec)),
		      "xtext round trip of decoded text");
	} else {
		check(strbuf_len(dec) == 0, "refused unquote left output");
	}

	/* Any bytes: valid xtext comes out; it decodes unless NUL was in. */
	check(xtext_quote(enc, text, size, special, XTEXT_FLAG_NONE) == 0,
	      "quote of input");
	check(xtext_is_valid(enc, special), "quote produced invalid xtext");
	if (memchr(data, 0, size) == NULL) {
		check(xtext_unquote(dec, strbuf_str(enc), strbuf_len(enc),
				    XTEXT_FLAG_NONE) == 0, "unquote of quote");
		check(same_bytes(dec, data, size), "xtext round trip");
	} else {
		check(xtext_unquote(dec, strbuf_str(enc), strbuf_len(enc),
				    XTEXT_FLAG_NONE) < 0,
		      "unquote accepted an encoded NUL");
	}
	strbuf_free(&dec);
	strbuf_free(&enc);
	strbuf_free(&again);
}

/* fuzz_hex - the hex checks */

static void
fuzz_hex(const uint8_t *data, size_t size, int upper)
{
	const char *text = (const char *) data;
	STRBUF *dec = strbuf_create(10);
	STRBUF *enc = strbuf_create(10);

	if (hex_decode(dec, text, size, HEX_FLAG_NONE) == 0) {
		check(strbuf_len(dec) * 2 == size, "hex decoded length");
		check(hex_encode(enc, strbuf_str(dec), strbuf_len(dec),
				 upper ? HEX_FLAG_UPPER : HEX_FLAG_NONE) == 0,
		      "hex re-encode");
		check(strbuf_len(enc) == size
		      && strncasecmp(strbuf_str(enc), text, size) == 0,
		      "hex decode is not the inverse of encode");
	} else {
		check(strbuf_len(dec) == 0, "refused hex decode left output");
	}
	check(hex_encode(enc, data, size,
			 upper ? HEX_FLAG_UPPER : HEX_FLAG_NONE) == 0,
	      "hex encode");
	check(strbuf_len(enc) == 2 * size, "hex encoded length");
	check(hex_decode(dec, strbuf_str(enc), strbuf_len(enc),
			 HEX_FLAG_NONE) == 0, "hex decode of encoding");
	check(same_bytes(dec, data, size), "hex round trip");
	strbuf_free(&dec);
	strbuf_free(&enc);
}

/* fuzz_append - a refused append under a limit keeps the old contents */

static void
fuzz_append(const uint8_t *data, size_t size, size_t limit)
{
	const char *text = (const char *) data;
	STRBUF *buf = strbuf_create(10);
	int	status;

	strbuf_set(buf, "x");
	strbuf_set_limit(buf, 1 + limit);
	status = xtext_unquote(buf, text, size, XTEXT_FLAG_APPEND);
	check(status == 0 || strcmp(strbuf_str(buf), "x") == 0,
	      "refused xtext_unquote append changed the buffer");
	strbuf_set_limit(buf, 0);
	strbuf_set(buf, "x");
	strbuf_set_limit(buf, 1 + limit);
	status = xtext_quote(buf, text, size, NULL, XTEXT_FLAG_APPEND);
	check(status == 0 || strcmp(strbuf_str(buf), "x") == 0,
	      "refused xtext_quote append changed the buffer");
	strbuf_set_limit(buf, 0);
	strbuf_set(buf, "x");
	strbuf_set_limit(buf, 1 + limit);
	status = hex_decode(buf, text, size, HEX_FLAG_APPEND);
	check(status == 0 || strcmp(strbuf_str(buf), "x") == 0,
	      "refused hex_decode append changed the buffer");
	strbuf_free(&buf);
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "hex_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("hex_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sel = size ? data[0] : 0;

	fuzz_xtext(data, size, specials[sel % ARRAY_LEN(specials)]);
	fuzz_hex(data, size, sel & 0x80);
	fuzz_append(data, size, sel);
	return 0;
}
