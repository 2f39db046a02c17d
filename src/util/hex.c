/*
 * hex.c - hexadecimal and RFC 3461 xtext encodings
 *
 * xtext carries ENVID and ORCPT values in SMTP (RFC 3461 section 4),
 * so its decoder sees client input and accepts nothing the RFC does
 * not allow.
 */

#include "sysdeps.h"

#include "hex.h"
#include "strbuf.h"

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/* hex_value - value of a hex digit (either case), or -1 */

static int
hex_value(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* hex_upper_value - value of a digit or upper-case hex letter, or -1 */

static int
hex_upper_value(unsigned char ch)
{
	if (ch >= 'a' && ch <= 'f')
		return -1;
	return hex_value(ch);
}

/* hex_encode - bytes to hex digits */

int
hex_encode(STRBUF *out, const void *in, size_t len, int flags)
{
	const unsigned char *cp = in;
	const char *digits = (flags & HEX_FLAG_UPPER) ? hex_upper : hex_lower;
	size_t start;
	char pair[2];
	size_t i;

	if ((flags & HEX_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	for (i = 0; i < len; i++) {
		pair[0] = digits[cp[i] >> 4];
		pair[1] = digits[cp[i] & 0x0f];
		if (strbuf_append(out, pair, 2) < 0) {
			strbuf_truncate(out, start);
			return -1;
		}
	}
	return 0;
}

/* hex_decode - hex digits to bytes */

int
hex_decode(STRBUF *out, const char *in, size_t len, int flags)
{
	const unsigned char *cp = (const unsigned char *) in;
	size_t start;
	size_t i;
	int hi, lo;

	if ((flags & HEX_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = hex_value(cp[i])) < 0 ||
		    (lo = hex_value(cp[i + 1])) < 0 ||
		    strbuf_append_char(out, (hi << 4) | lo) < 0) {
			strbuf_truncate(out, start);
			return -1;
		}
	}
	return 0;
}

/* xtext_quote - encode as RFC 3461 xtext */

int
xtext_quote(STRBUF *out, const char *in, size_t len, const char *special,
	    int flags)
{
	const unsigned char *cp = (const unsigned char *) in;
	size_t start;
	size_t i;
	int status;

	if ((flags & XTEXT_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	for (i = 0; i < len; i++) {
		/* RFC 3461 4: xchar is "!".."~" except "+" and "=". */
		if (cp[i] < 33 || cp[i] > 126 || cp[i] == '+' || cp[i] == '=' ||
		    (special != NULL && strchr(special, cp[i]) != NULL))
			status = strbuf_append_printf(out, "+%c%c",
						      hex_upper[cp[i] >> 4],
						      hex_upper[cp[i] & 0x0f]);
		else
			status = strbuf_append_char(out, cp[i]);
		if (status < 0) {
			strbuf_truncate(out, start);
			return -1;
		}
	}
	return 0;
}

/* xtext_unquote - strictly decode RFC 3461 xtext */

int
xtext_unquote(STRBUF *out, const char *in, size_t len, int flags)
{
	const unsigned char *cp = (const unsigned char *) in;
	size_t start;
	size_t i;
	int hi, lo, ch;

	if ((flags & XTEXT_FLAG_APPEND) == 0)
		strbuf_reset(out);
	start = strbuf_len(out);
	for (i = 0; i < len; i++) {
		if (cp[i] == '+') {
			/* RFC 3461 4: "+" followed by two upper-case hex
			 * digits. */
			if (len - i < 3 ||
			    (hi = hex_upper_value(cp[i + 1])) < 0 ||
			    (lo = hex_upper_value(cp[i + 2])) < 0 ||
			    (ch = (hi << 4) | lo) == 0)
				goto bad;
			i += 2;
		} else if (cp[i] < 33 || cp[i] > 126 || cp[i] == '=') {
			goto bad;
		} else {
			ch = cp[i];
		}
		if (strbuf_append_char(out, ch) < 0)
			goto bad;
	}
	return 0;

bad:
	strbuf_truncate(out, start);
	return -1;
}
