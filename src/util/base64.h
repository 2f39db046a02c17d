/*
 * base64.h - RFC 4648 base64 with the standard alphabet and padding
 *
 * Decoding is strict, because SMTP AUTH feeds it client input: the
 * length must be a multiple of four, '=' may only end the text (at most
 * two of them), every other character must be in the alphabet, and the
 * unused bits of the last group must be zero. White space is an error.
 */

#ifndef BASE64_H
#define BASE64_H

#include "sysdeps.h"

struct STRBUF;

/* Flags. */
#define BASE64_FLAG_NONE	0
#define BASE64_FLAG_APPEND	(1 << 0)	/* append, do not replace */

/*
 * Encodes len bytes into out. Returns 0, or -1 when out's limit refused
 * the text. On failure out keeps nothing of the result: it is empty, or
 * with BASE64_FLAG_APPEND it holds its old contents.
 */
extern int base64_encode(struct STRBUF *out, const void *in, size_t len,
			 int flags);

/*
 * Decodes len characters into out (which may then hold NUL bytes; see
 * strbuf_len()). Returns 0, or -1 on bad input or when out's limit
 * refused the result (strbuf_overflow() tells which); on failure out
 * keeps nothing of the result, as with base64_encode().
 */
extern int base64_decode(struct STRBUF *out, const char *in, size_t len,
			 int flags);

/* Length of the encoding of len bytes. */
#define BASE64_ENCODED_LEN(len)	(((len) + 2) / 3 * 4)

#endif
