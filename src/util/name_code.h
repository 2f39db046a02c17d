/*
 * name_code.h - map names to codes and bit masks, and back
 *
 * A NAME_CODE table is an array of {name, code} pairs ended by an entry
 * whose name is NULL; that entry's code is what a lookup of an unknown
 * name returns. A NAME_MASK table is an array of {name, mask} pairs
 * ended by {NULL, 0}; it turns "a, b c" style lists into a bit mask and
 * a mask back into names. Tables are static data owned by the caller.
 */

#ifndef NAME_CODE_H
#define NAME_CODE_H

#include "sysdeps.h"

struct STRBUF;

typedef struct NAME_CODE {
	const char *name;
	int	code;
} NAME_CODE;

/* Flags for name_code_lookup(). */
#define NAME_CODE_FLAG_NONE		0	/* case-insensitive match */
#define NAME_CODE_FLAG_STRICT_CASE	(1 << 0)	/* exact match */

/* The code of name, or the terminator's code when name is not listed. */
extern int name_code_lookup(const NAME_CODE *table, int flags,
			    const char *name);

/* The first name listed with code, or NULL (borrowed from the table). */
extern const char *str_name_code(const NAME_CODE *table, int code);

typedef struct NAME_MASK {
	const char *name;
	int	mask;		/* one or more bits */
} NAME_MASK;

/* Flags for name_mask_parse() and name_mask_format(). */
#define NAME_MASK_FLAG_NONE	0
#define NAME_MASK_FLAG_ANY_CASE	(1 << 0)	/* parse: fold case */
#define NAME_MASK_FLAG_NUMBER	(1 << 1)	/* 0x... for unnamed bits */
#define NAME_MASK_FLAG_COMMA	(1 << 2)	/* format: "a,b" */
#define NAME_MASK_FLAG_PIPE	(1 << 3)	/* "a|b"; parse splits on '|' */

/*
 * Parses names separated by commas and/or white space into *mask (0 for
 * an empty list). With NAME_MASK_FLAG_NUMBER a token may also be a
 * hexadecimal number "0x...". Returns 0, or -1 with the first unknown
 * name in why (may be NULL); *mask is then unchanged.
 */
extern int name_mask_parse(const NAME_MASK *table, const char *names,
			   int flags, int *mask, struct STRBUF *why);

/*
 * Appends the names of the bits in mask to out, separated by a space (or
 * the separator a flag selects). An entry is used when all its bits are
 * set, in table order, and its bits are then taken out, so a table that
 * lists "all" first prints "all". Returns 0, or -1 when bits without a
 * name remain; with NAME_MASK_FLAG_NUMBER they are appended as "0x..."
 * and the result is 0.
 */
extern int name_mask_format(const NAME_MASK *table, int mask, int flags,
			    struct STRBUF *out);

#endif
