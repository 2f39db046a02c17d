/*
 * dsn.c - checks and parsing of RFC 3463 enhanced status codes
 *
 * Delivery agents take codes from remote replies and from table text
 * ("550 5.1.1 no such user", "4.7.1 try later"), so the parser accepts
 * only the exact shape and never reads past the end of the text.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>

#include "log.h"		/* util */
#include "dsn.h"		/* global */

/* dsn_digits - count 1 to 3 digits at s; 0 when there are none or more */

static size_t
dsn_digits(const char *s)
{
	size_t  n = 0;

	while (n < 4 && isdigit((unsigned char) s[n]))
		n++;
	return (n >= 1 && n <= 3) ? n : 0;
}

/* dsn_scan - length of a code at the start of s, or 0 */

static size_t
dsn_scan(const char *s)
{
	size_t  len;
	size_t  n;

	/* RFC 3463 section 3.1: class "2", "4" or "5" only. */
	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	len = 2;
	if ((n = dsn_digits(s + len)) == 0 || s[len + n] != '.')
		return 0;
	len += n + 1;
	if ((n = dsn_digits(s + len)) == 0)
		return 0;
	return len + n;
}

/* dsn_valid - is status exactly one well-formed code? */

int
dsn_valid(const char *status)
{
	size_t  len;

	if (status == NULL)
		return 0;
	len = dsn_scan(status);
	return len > 0 && status[len] == 0;
}

/* dsn_find_code - a code at the start of text, after an SMTP reply code */

size_t
dsn_find_code(const char *text, char *code, size_t size)
{
	const char *p = text;
	size_t  len;

	if (code != NULL && size > 0)
		code[0] = 0;
	if (text == NULL)
		return 0;
	/* "550 5.1.1 text" or "550-5.1.1 text": skip the reply code. */
	if (isdigit((unsigned char) p[0]) && isdigit((unsigned char) p[1])
	    && isdigit((unsigned char) p[2]) && (p[3] == ' ' || p[3] == '-'))
		p += 4;
	if ((len = dsn_scan(p)) == 0)
		return 0;
	/* The code must be a word of its own: "5.1.1x" is not a code. */
	if (p[len] != 0 && p[len] != ' ' && p[len] != '\t')
		return 0;
	if (code == NULL || len >= size)
		return 0;
	memcpy(code, p, len);
	code[len] = 0;
	return len;
}

/* dsn_split - a code (found or the default) and the text after it */

const char *
dsn_split(const char *text, const char *def, char *code, size_t size)
{
	const char *p;
	size_t  len;

	if (!dsn_valid(def) || strlen(def) >= size)
		log_panic("dsn_split: bad default status \"%s\"", def);
	if (text == NULL)
		text = "";
	if ((len = dsn_find_code(text, code, size)) > 0) {
		/* The code is at the start or right after "NNN " / "NNN-". */
		p = text + (strncmp(text, code, len) == 0 ? 0 : 4) + len;
	} else {
		memcpy(code, def, strlen(def) + 1);
		p = text;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}
