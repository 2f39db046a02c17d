/*
 * hex.h - hexadecimal and RFC 3461 xtext encodings
 *
 * Both decoders are strict: they accept only what the matching encoder
 * could have produced (hex: either case; xtext: upper case after '+').
 * On failure the output buffer keeps nothing of the result: it is
 * empty, or with the APPEND flag it holds its old contents.
 */

#ifndef HEX_H
#define HEX_H

#include "sysdeps.h"

struct STRBUF;

/* Flags. */
#define HEX_FLAG_NONE		0
#define HEX_FLAG_APPEND		(1 << 0)	/* append, do not replace */
#define HEX_FLAG_UPPER		(1 << 1)	/* encode: A-F instead of a-f */

/* Two hex digits per byte. 0, or -1 when out's limit refused the text. */
extern int hex_encode(struct STRBUF *out, const void *in, size_t len,
		      int flags);

/*
 * Decodes len hex digits (an even number, either case, nothing else)
 * into bytes. 0, or -1 on bad input or a refused append.
 */
extern int hex_decode(struct STRBUF *out, const char *in, size_t len,
		      int flags);

#define XTEXT_FLAG_NONE		0
#define XTEXT_FLAG_APPEND	(1 << 0)

/*
 * RFC 3461 section 4 xtext: bytes outside "!".."~", '+', '=' and any
 * byte listed in special (may be NULL) become "+XX" with upper-case
 * hex digits. 0, or -1 when out's limit refused the text.
 */
extern int xtext_quote(struct STRBUF *out, const char *in, size_t len,
		       const char *special, int flags);

/*
 * Decodes xtext. Rejects (-1) any byte outside "!".."~", a bare '=', a
 * '+' not followed by two upper-case hex digits, and "+00" (the result
 * is used as a C string). 0 on success.
 */
extern int xtext_unquote(struct STRBUF *out, const char *in, size_t len,
			 int flags);

#endif
