/*
 * base64.c - RFC 4648 base64 with the standard alphabet and padding
 *
 * The output is built in the caller's STRBUF, and on any failure the
 * buffer is cut back to its length before the call, so an append never
 * leaves half a result behind.
 */

#include "sysdeps.h"

#include "base64.h"
#include "strbuf.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64_value - the 6-bit value of an alphabet character, or -1 */

static int
base64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* base64_encode - encode bytes */

int
base64_encode(STRBUF *out, const void *in, size_t len, int flags)
{
	const unsigned char *cp = in;
	size_t start;
	char quad[4];
	size_t i;

	if ((flags & BASE64_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	for (i = 0; i < len; i += 3) {
		unsigned long group = (unsigned long) cp[i] << 16;

		if (i + 1 < len)
			group |= (unsigned long) cp[i + 1] << 8;
		if (i + 2 < len)
			group |= cp[i + 2];
		quad[0] = base64_alphabet[(group >> 18) & 0x3f];
		quad[1] = base64_alphabet[(group >> 12) & 0x3f];
		quad[2] =
		    i + 1 < len ? base64_alphabet[(group >> 6) & 0x3f] : '=';
		quad[3] = i + 2 < len ? base64_alphabet[group & 0x3f] : '=';
		if (strbuf_append(out, quad, 4) < 0) {
			strbuf_truncate(out, start);
			return -1;
		}
	}
	return 0;
}

/* base64_decode - strictly decode text */

int
base64_decode(STRBUF *out, const char *in, size_t len, int flags)
{
	const unsigned char *cp = (const unsigned char *) in;
	size_t start;
	size_t i;
	int val[4];
	char bytes[3];
	int pad;
	int k;

	if ((flags & BASE64_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		/* RFC 4648 3.3: padding may only appear at the very end. */
		pad = 0;
		if (i + 4 == len) {
			if (cp[i + 3] == '=')
				pad = cp[i + 2] == '=' ? 2 : 1;
		}
		for (k = 0; k < 4 - pad; k++)
			if ((val[k] = base64_value(cp[i + k])) < 0)
				goto bad;
		for (; k < 4; k++)
			val[k] = 0;
		/* RFC 4648 3.5: unused bits of the last group must be zero. */
		if ((pad == 2 && (val[1] & 0x0f) != 0) ||
		    (pad == 1 && (val[2] & 0x03) != 0))
			goto bad;
		bytes[0] = (char) ((val[0] << 2) | (val[1] >> 4));
		bytes[1] = (char) (((val[1] & 0x0f) << 4) | (val[2] >> 2));
		bytes[2] = (char) (((val[2] & 0x03) << 6) | val[3]);
		if (strbuf_append(out, bytes, 3 - pad) < 0)
			goto bad;
	}
	return 0;

bad:
	strbuf_truncate(out, start);
	return -1;
}
