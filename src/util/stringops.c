/*
 * stringops.c - small string operations: tokens, case, trimming, numbers
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* token_next - next delimited token, in place */

char *
token_next(char **bufp, const char *delims)
{
	char *start = *bufp;
	char *end;

	if (start == NULL)
		return NULL;
	start += strspn(start, delims);
	if (*start == 0) {
		*bufp = start;
		return NULL;
	}
	end = start + strcspn(start, delims);
	if (*end != 0)
		*end++ = 0;
	*bufp = end;
	return start;
}

/* token_next_q - next token, keeping parenthesized groups together */

char *
token_next_q(char **bufp, const char *delims, const char *parens, int *err)
{
	char *start = *bufp;
	char *cp;
	int level = 0;

	if (err)
		*err = 0;
	if (start == NULL)
		return NULL;
	start += strspn(start, delims);
	if (*start == 0) {
		*bufp = start;
		return NULL;
	}
	for (cp = start; *cp; cp++) {
		if (*cp == parens[0]) {
			level++;
		} else if (*cp == parens[1]) {
			if (--level < 0) {
				if (err)
					*err = 1;
				level = 0;
			}
		} else if (level == 0 && strchr(delims, *cp)) {
			break;
		}
	}
	if (level != 0 && err)
		*err = 1;
	if (*cp != 0)
		*cp++ = 0;
	*bufp = cp;
	return start;
}

/* token_strip_parens - remove the outer group parentheses of a token */

char *
token_strip_parens(char *tok, const char *parens, STRBUF *why)
{
	size_t len;
	char *cp;
	int level = 0;

	if (*tok != parens[0])
		return str_trim(tok);
	len = strlen(tok);
	/* The opener must be closed by the very last character. */
	for (cp = tok; *cp; cp++) {
		if (*cp == parens[0])
			level++;
		else if (*cp == parens[1] && --level == 0)
			break;
	}
	if (*cp == 0) {
		if (why)
			strbuf_printf(why, "missing '%c' in \"%s\"", parens[1], tok);
		return NULL;
	}
	if (cp != tok + len - 1) {
		if (why)
			strbuf_printf(why, "syntax error after '%c' in \"%s\"",
				      parens[1], tok);
		return NULL;
	}
	*cp = 0;
	return str_trim(tok + 1);
}

/* str_lower - fold to lower case in place */

char *
str_lower(char *str)
{
	unsigned char *cp;

	for (cp = (unsigned char *) str; *cp; cp++)
		*cp = tolower(*cp);
	return str;
}

/* str_upper - fold to upper case in place */

char *
str_upper(char *str)
{
	unsigned char *cp;

	for (cp = (unsigned char *) str; *cp; cp++)
		*cp = toupper(*cp);
	return str;
}

/* str_trim - strip leading and trailing white space */

char *
str_trim(char *str)
{
	char *end;

	while (isspace((unsigned char) *str))
		str++;
	end = str + strlen(str);
	while (end > str && isspace((unsigned char) end[-1]))
		end--;
	*end = 0;
	return str;
}

/* str_has_prefix - does str start with prefix */

int
str_has_prefix(const char *str, const char *prefix)
{
	return strncmp(str, prefix, strlen(prefix)) == 0;
}

/* str_has_suffix - does str end with suffix */

int
str_has_suffix(const char *str, const char *suffix)
{
	size_t slen = strlen(str);
	size_t xlen = strlen(suffix);

	return slen >= xlen && strcmp(str + slen - xlen, suffix) == 0;
}

/* str_is_blank - empty or only white space */

int
str_is_blank(const char *str)
{
	while (*str)
		if (!isspace((unsigned char) *str++))
			return 0;
	return 1;
}

/* str_concat - concatenate a NULL-terminated list of strings */

char *
str_concat(const char *first, ...)
{
	STRBUF *sb = strbuf_create(64);
	const char *arg;
	char *result;
	va_list ap;

	va_start(ap, first);
	for (arg = first; arg != NULL; arg = va_arg(ap, const char *))
		strbuf_append_str(sb, arg);
	va_end(ap);
	result = strbuf_detach(sb);
	strbuf_free(&sb);
	return result;
}

/* parse_long - whole-string decimal number within a range */

int
parse_long(const char *str, long *result, long min, long max)
{
	char *end;
	long val;

	while (isspace((unsigned char) *str))
		str++;
	if (*str == 0)
		return -1;
	errno = 0;
	val = strtol(str, &end, 10);
	if (errno == ERANGE || end == str)
		return -1;
	while (isspace((unsigned char) *end))
		end++;
	if (*end != 0 || val < min || val > max)
		return -1;
	*result = val;
	return 0;
}

/* parse_bool - yes/no/true/false */

int
parse_bool(const char *str, int *result)
{
	if (strcasecmp(str, "yes") == 0 || strcasecmp(str, "true") == 0) {
		*result = 1;
		return 0;
	}
	if (strcasecmp(str, "no") == 0 || strcasecmp(str, "false") == 0) {
		*result = 0;
		return 0;
	}
	return -1;
}
