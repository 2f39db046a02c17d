/*
 * name_code.c - map names to codes and bit masks, and back
 *
 * Tables are short and static, so a linear search is the right tool:
 * no setup, and the order of the table decides ties.
 */

#include "sysdeps.h"

#include <strings.h>

#include "mem.h"
#include "name_code.h"
#include "strbuf.h"
#include "stringops.h"

/* name_code_lookup - look up the code of a name */

int
name_code_lookup(const NAME_CODE *table, int flags, const char *name)
{
	const NAME_CODE *np;
	int exact = (flags & NAME_CODE_FLAG_STRICT_CASE) != 0;

	for (np = table; np->name != NULL; np++) {
		if (exact ? strcmp(name, np->name) == 0
			  : strcasecmp(name, np->name) == 0)
			break;
	}
	return np->code;
}

/* str_name_code - look up the name of a code */

const char *
str_name_code(const NAME_CODE *table, int code)
{
	const NAME_CODE *np;

	for (np = table; np->name != NULL; np++)
		if (np->code == code)
			return np->name;
	return NULL;
}

/* name_mask_number - parse a "0x..." token; 0 or -1 */

static int
name_mask_number(const char *tok, int *bits)
{
	unsigned long val = 0;
	const char *cp;
	int digit;

	if (tok[0] != '0' || (tok[1] != 'x' && tok[1] != 'X') || tok[2] == 0)
		return -1;
	for (cp = tok + 2; *cp; cp++) {
		if (*cp >= '0' && *cp <= '9')
			digit = *cp - '0';
		else if (*cp >= 'a' && *cp <= 'f')
			digit = *cp - 'a' + 10;
		else if (*cp >= 'A' && *cp <= 'F')
			digit = *cp - 'A' + 10;
		else
			return -1;
		val = val * 16 + digit;
		if (val > (unsigned int) -1)
			return -1;
	}
	*bits = (int) (unsigned int) val;
	return 0;
}

/* name_mask_parse - turn a list of names into a bit mask */

int
name_mask_parse(const NAME_MASK *table, const char *names, int flags, int *mask,
		STRBUF *why)
{
	const char *delims =
	    (flags & NAME_MASK_FLAG_PIPE) ? ", \t\r\n|" : ", \t\r\n";
	char *copy = xstrdup(names);
	char *cp = copy;
	char *tok;
	const NAME_MASK *np;
	int result = 0;
	int bits;
	int status = 0;

	while ((tok = token_next(&cp, delims)) != NULL) {
		for (np = table; np->name != NULL; np++) {
			if ((flags & NAME_MASK_FLAG_ANY_CASE)
				? strcasecmp(tok, np->name) == 0
				: strcmp(tok, np->name) == 0)
				break;
		}
		if (np->name != NULL) {
			result |= np->mask;
		} else if ((flags & NAME_MASK_FLAG_NUMBER) &&
			   name_mask_number(tok, &bits) == 0) {
			result |= bits;
		} else {
			if (why)
				strbuf_printf(why, "unknown name \"%s\"", tok);
			status = -1;
			break;
		}
	}
	xfree(copy);
	if (status == 0)
		*mask = result;
	return status;
}

/* name_mask_format - turn a bit mask into a list of names */

int
name_mask_format(const NAME_MASK *table, int mask, int flags, STRBUF *out)
{
	const NAME_MASK *np;
	unsigned int left = (unsigned int) mask;
	const char *sep = (flags & NAME_MASK_FLAG_COMMA)  ? ","
			  : (flags & NAME_MASK_FLAG_PIPE) ? "|"
							  : " ";
	int any = 0;

	for (np = table; np->name != NULL && left != 0; np++) {
		unsigned int bits = (unsigned int) np->mask;

		if (bits != 0 && (left & bits) == bits) {
			strbuf_append_printf(out, "%s%s", any ? sep : "",
					     np->name);
			left &= ~bits;
			any = 1;
		}
	}
	if (left == 0)
		return 0;
	if ((flags & NAME_MASK_FLAG_NUMBER) == 0)
		return -1;
	strbuf_append_printf(out, "%s0x%x", any ? sep : "", left);
	return 0;
}
