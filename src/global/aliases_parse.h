/*
 * aliases_parse.h - the aliases(5) syntax: "name: value, value, ..."
 *
 * Shared by postalias (which stores name and value in a table) and the
 * local delivery agent (which splits a stored value, or a .forward or
 * :include: line, into destinations). Both sides use the same RFC 822
 * tokenizer as Postfix, so quoting, comments and white space come out
 * the same: the name is stored in internal (unquoted) form, the value in
 * external (quoted) form because it is parsed again at delivery time.
 */

#ifndef ALIASES_PARSE_H
#define ALIASES_PARSE_H

#include "sysdeps.h"

struct STRBUF;
struct ARGV;

/* Results of aliases_parse_line(). */
#define ALIASES_PARSE_OK	0	/* name and value filled in */
#define ALIASES_PARSE_EMPTY	1	/* no tokens at all: skip silently */
#define ALIASES_PARSE_ERROR	(-1)	/* reason in why */

/*
 * Splits one logical line of an aliases file (comments and continuation
 * lines already handled by cfgline_read()) into name and value. The name
 * is not case-folded here; the table does that. Errors, in Postfix's
 * words: "need name:value pair" (no colon, nothing before or after it,
 * or a comma before it) and "name must be local" (an unquoted @ or %
 * in the name).
 */
extern int aliases_parse_line(const char *line, struct STRBUF *name,
			      struct STRBUF *value, struct STRBUF *why);

/*
 * Splits a right-hand side (a stored alias value, a .forward or
 * :include: line) into destinations, in internal form, appended to
 * dests: "a, b" gives "a" and "b"; "\"|cmd arg\"" gives "|cmd arg";
 * "Name <addr>" gives "addr"; comments are dropped. Two words with no
 * operator between them are two destinations, as in Postfix. Returns
 * the number of destinations added.
 */
extern size_t aliases_split_value(const char *value, struct ARGV *dests);

/* What a destination from aliases_split_value() names. */
#define ALIASES_DEST_ADDRESS	0	/* forward to an address */
#define ALIASES_DEST_FILE	1	/* /file/name: append */
#define ALIASES_DEST_COMMAND	2	/* |command: pipe */
#define ALIASES_DEST_INCLUDE	3	/* :include:/file/name */

/*
 * Classifies a destination; for ALIASES_DEST_INCLUDE *arg points to
 * the file name, otherwise to the command (without "|"), the file name,
 * or the address. arg may be NULL.
 */
extern int aliases_dest_type(const char *dest, const char **arg);

#endif
