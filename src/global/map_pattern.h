/*
 * map_pattern.h - what the pattern table drivers (regexp, pcre, cidr) share
 *
 * A pattern table is a list of rules tried in file order, first match
 * wins, with "if PATTERN" ... "endif" blocks that can nest. This module
 * holds that list and walks it; reads the table source (a file, or the
 * inline "{ {rule}, {rule} }" form of Postfix 3.7) one logical line at a
 * time, with errors as Postfix words them ("regexp map NAME, line N:
 * ..."); parses "/pattern/flags" with any delimiter; and compiles and
 * expands the $1, ${1}, $(1) and $$ forms of result text.
 *
 * As in Postfix, a bad rule is skipped with a warning that names the
 * file and line; the table opens with the other rules.
 */

#ifndef MAP_PATTERN_H
#define MAP_PATTERN_H

#include "sysdeps.h"

struct STRBUF;

/* Result text with $N references, compiled once at open. */
typedef struct MAP_PATTERN_SUBST MAP_PATTERN_SUBST;

/*
 * Compiles result text: "$$" is "$"; "$N", "${N}" and "$(N)" refer to
 * subexpression N >= 1 (a bare "$N" ends at the first character that is
 * not a letter, digit or '_', as in Postfix). Returns NULL with
 * Postfix's reason in why ("non-numeric replacement index ...",
 * "bad replacement syntax", ...).
 */
extern MAP_PATTERN_SUBST *map_pattern_subst_parse(const char *text,
						  struct STRBUF *why);

/* The highest N used, 0 when the text is literal. */
extern int map_pattern_subst_max(const MAP_PATTERN_SUBST *subst);

/*
 * Appends the expansion to out (which it resets first). ovector holds
 * start and end offsets into subject, two per subexpression from 0 up to
 * map_pattern_subst_max(); SIZE_MAX marks an unset subexpression, which
 * expands to nothing (as does an empty one).
 */
extern void map_pattern_subst_expand(const MAP_PATTERN_SUBST *subst,
				     const char *subject,
				     const size_t *ovector,
				     struct STRBUF *out);

extern void map_pattern_subst_free(MAP_PATTERN_SUBST *subst);

/* Rule kinds. */
#define MAP_PATTERN_OP_MATCH	1	/* pattern, result */
#define MAP_PATTERN_OP_IF	2	/* if pattern */
#define MAP_PATTERN_OP_ENDIF	3	/* endif */

typedef struct MAP_PATTERN_RULE {
	int	op;		/* MAP_PATTERN_OP_* */
	int	match;		/* applies when the pattern matches (1) or not (0) */
	int	lineno;		/* where the rule starts, for messages */
	size_t	skip;		/* IF: index of the rule after its ENDIF */
	void   *pattern;	/* the driver's compiled pattern; owned */
	MAP_PATTERN_SUBST *subst;	/* MATCH with substitution, or NULL */
	char   *text;		/* MATCH without substitution, or NULL */
} MAP_PATTERN_RULE;

typedef struct MAP_PATTERN_LIST {
	MAP_PATTERN_RULE *rules;
	size_t	count;
	size_t	size;
	size_t *open_ifs;	/* while loading: IFs not yet closed */
	size_t	depth;
	size_t	open_size;
	void	(*free_pattern)(void *pattern);
} MAP_PATTERN_LIST;

/* An empty list; free_pattern (may be NULL) frees a rule's pattern. */
extern void map_pattern_list_init(MAP_PATTERN_LIST *list,
				  void (*free_pattern)(void *pattern));

/* Frees the rules and everything they own (not the list itself). */
extern void map_pattern_list_free(MAP_PATTERN_LIST *list);

/*
 * Appends a rule and takes ownership of pattern; a MATCH rule's result
 * goes in the returned rule's subst or text, which the list then owns
 * too (the pointer is valid until the next call). An ENDIF closes the
 * innermost open IF; the caller checks first that one is open
 * (map_pattern_list_depth() > 0).
 */
extern MAP_PATTERN_RULE *map_pattern_list_add(MAP_PATTERN_LIST *list, int op,
					      int match, int lineno,
					      void *pattern);

#define map_pattern_list_depth(list)	((list)->depth)

/*
 * Says whether a rule's pattern matches the key being looked up: 1 or
 * 0, which the walk compares with rule->match; or -1 when the rule does
 * not apply whether negated or not (the driver logged a matching error,
 * as Postfix does, or the key cannot be compared with the pattern, as
 * with an IPv6 key and an IPv4 block).
 */
typedef int (*MAP_PATTERN_MATCH_FN)(void *context,
				    const MAP_PATTERN_RULE *rule);

/*
 * Tries the rules in order, entering an IF block only when its
 * condition holds. Returns the first MATCH rule that applies, or NULL.
 */
extern const MAP_PATTERN_RULE *map_pattern_list_walk(
    const MAP_PATTERN_LIST *list, MAP_PATTERN_MATCH_FN match, void *context);

/* Where a table line came from, for messages. */
typedef struct MAP_PATTERN_WHERE {
	const char *type;	/* "regexp" */
	const char *name;	/* file name, or the inline text */
	int	lineno;
} MAP_PATTERN_WHERE;

/* Logs a warning as "TYPE map NAME, line N: text". */
extern void map_pattern_warn(const MAP_PATTERN_WHERE *where,
			     const char *fmt, ...) PRINTFLIKE(2, 3);

/*
 * Parses one logical line (leading white space removed, writable) into
 * list. Returns 0, or -1 with the reason (without file and line) in why.
 */
typedef int (*MAP_PATTERN_LINE_FN)(void *context, MAP_PATTERN_LIST *list,
				   char *line, const MAP_PATTERN_WHERE *where,
				   struct STRBUF *why);

/*
 * Reads the table "type:name" (a file, or inline text when name starts
 * with '{'), passing each logical line to line_fn. A line that line_fn
 * refuses is logged as "TYPE map NAME, line N: reason: skipping this
 * rule" and left out. Returns 0, or -1 with a reason in why: "open
 * NAME: error", "TYPE map: inline syntax error", or "TYPE map NAME,
 * line N: more IFs than ENDIFs" for an IF left open at the end.
 */
extern int map_pattern_load(const char *type, const char *name,
			    MAP_PATTERN_LIST *list, MAP_PATTERN_LINE_FN line_fn,
			    void *context, struct STRBUF *why);

/*
 * Length of keyword word (case-insensitive: "if", "endif") at the start
 * of text when the character after it is not a letter or digit, else 0.
 */
extern size_t map_pattern_keyword(const char *text, const char *word);

/*
 * The regexp/pcre form of "endif": when text is an ENDIF line, checks
 * the nesting, warns about trailing text and adds the ENDIF rule.
 * Returns 0 when text is not an ENDIF, 1 when it was handled, -1 with
 * the reason in why.
 */
extern int map_pattern_endif(const char *text, MAP_PATTERN_LIST *list,
			     const MAP_PATTERN_WHERE *where, struct STRBUF *why);

/* A delimited pattern: "!/pattern/flags". */
typedef struct MAP_PATTERN_DELIM {
	int	match;		/* 0 after an odd number of '!' */
	char   *pattern;	/* NUL-terminated, inside the caller's line */
	const char *flags;	/* the flag characters, not terminated */
	size_t	flags_len;
} MAP_PATTERN_DELIM;

/* Flags for map_pattern_get_delimited(). */
#define MAP_PATTERN_DELIM_BANG_ENDS_FLAGS	(1 << 0)	/* regexp: /a/!/b/ */

/*
 * Parses negations ('!', with optional white space), the delimiter (the
 * next character, whatever it is), the pattern up to the matching
 * delimiter (a backslash protects the next character and is kept), and
 * the flag characters up to white space. Advances *bufp past white space
 * after the flags. Returns 0, or -1 with "no regexp" or "no closing
 * regexp delimiter "/"" in why.
 */
extern int map_pattern_get_delimited(char **bufp, int flags,
				     MAP_PATTERN_DELIM *out,
				     struct STRBUF *why);

#endif
