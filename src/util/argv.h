/*
 * argv.h - growable, NULL-terminated array of strings
 *
 * The array owns copies of its strings. argv->argv[argv->argc] is always
 * NULL, so the array can be handed to execv() as it is.
 */

#ifndef ARGV_H
#define ARGV_H

#include "sysdeps.h"

typedef struct ARGV {
	char  **argv;
	size_t  argc;
	size_t  size;		/* slots allocated, including the NULL */
} ARGV;

extern ARGV *argv_create(void);
extern void argv_free_(ARGV *argvp);
#define argv_free(pp)	(argv_free_(*(pp)), *(pp) = NULL)

extern void argv_add(ARGV *argvp, const char *str);
extern void argv_addn(ARGV *argvp, const char *str, size_t len);
extern void argv_add_printf(ARGV *argvp, const char *fmt, ...) PRINTFLIKE(2, 3);
extern void argv_insert(ARGV *argvp, size_t where, const char *str);
extern void argv_delete(ARGV *argvp, size_t where, size_t count);
extern void argv_truncate(ARGV *argvp, size_t len);
extern void argv_sort(ARGV *argvp);		/* strcmp order */
extern void argv_uniq(ARGV *argvp);		/* drop adjacent duplicates */
extern ssize_t argv_find(const ARGV *argvp, const char *str);	/* -1: none */

/* Split on any of delims, skipping empty fields. */
extern ARGV *argv_split(const char *str, const char *delims);

/*
 * Like argv_split(), but text between the characters of parens (for
 * example "{}") stays one field, parentheses included (strip them with
 * token_strip_parens()); nested pairs are honoured. Returns NULL and
 * fills why (if not NULL) on unbalanced input.
 */
struct STRBUF;
extern ARGV *argv_split_q(const char *str, const char *delims,
			  const char *parens, struct STRBUF *why);

#endif
