/*
 * stringops.h - small string operations: tokens, case, trimming, numbers
 *
 * The token functions split a writable buffer in place and advance a
 * cursor, replacing the banned strtok. parse_long replaces atoi:
 * the whole string must be a number within the given range.
 */

#ifndef STRINGOPS_H
#define STRINGOPS_H

#include "sysdeps.h"

struct STRBUF;

/* Next token delimited by any of delims, or NULL at the end. */
extern char *token_next(char **bufp, const char *delims);

/*
 * Same, but a group opened by parens[0] and closed by parens[1] (nested
 * groups allowed) is part of one token, parentheses included. *err is
 * set to 1 when a group is not closed (or a closing one has no opener),
 * else 0; err may be NULL.
 */
extern char *token_next_q(char **bufp, const char *delims,
			  const char *parens, int *err);

/*
 * If tok starts with parens[0], remove it and the matching parens[1]
 * (which must end the token) and trim white space inside. Returns the
 * inner text (in place), or NULL with a reason in why.
 */
extern char *token_strip_parens(char *tok, const char *parens,
				struct STRBUF *why);

extern char *str_lower(char *str);		/* in place; returns str */
extern char *str_upper(char *str);
extern char *str_trim(char *str);		/* in place; returns first non-space */
extern int str_has_prefix(const char *str, const char *prefix);
extern int str_has_suffix(const char *str, const char *suffix);
extern int str_is_blank(const char *str);	/* only white space, or empty */
extern char *str_concat(const char *first, ...);	/* NULL-terminated; caller frees */

/* 0, or -1 if str is not entirely a decimal number in [min, max]. */
extern int parse_long(const char *str, long *result, long min, long max);

/* Postfix booleans: yes/no/true/false, any case. 0 or -1. */
extern int parse_bool(const char *str, int *result);

#endif
