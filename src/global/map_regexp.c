/*
 * map_regexp.c - lookup table of POSIX regular expressions (regexp_table(5))
 *
 * Lines are "/pattern/flags result", "!/pattern/flags result", the old
 * "/pattern1/!/pattern2/ result" (pattern1 matches and pattern2 does
 * not), and "if /pattern/flags" ... "endif" blocks. Patterns are
 * extended and case-insensitive unless the flags i and x toggle that;
 * m turns on REG_NEWLINE. The result may use $1..$9 (${10} and up too).
 * The whole file is compiled at open time; a bad line makes the open
 * fail with the file name and line number.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <regex.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"
#include "strbuf.h"
#include "map.h"
#include "map_pattern.h"

/* The compiled pattern(s) of one rule. */
typedef struct REGEXP_PAT {
	regex_t first;
	regex_t second;		/* valid when has_second */
	int	has_second;
	int	second_match;	/* pattern2 must match (1) or not (0) */
} REGEXP_PAT;

typedef struct MAP_REGEXP {
	MAP	map;
	MAP_PATTERN_LIST list;
	regmatch_t *pmatch;	/* room for the largest $N + 1 */
	size_t *ovector;	/* the same, as offset pairs */
	size_t	nmatch;
	const char *key;	/* during a lookup */
} MAP_REGEXP;

/* regexp_error - the regerror() text for a compile or match failure */

static void
regexp_error(int err, const regex_t *re, STRBUF *why)
{
	char	buf[256];

	(void) regerror(err, re, buf, sizeof(buf));
	strbuf_set(why, buf);
}

/* regexp_pat_free - free one rule's compiled patterns */

static void
regexp_pat_free(void *ptr)
{
	REGEXP_PAT *pat = ptr;

	regfree(&pat->first);
	if (pat->has_second)
		regfree(&pat->second);
	xfree(pat);
}

/* regexp_options - turn the flag characters into regcomp() options */

static int
regexp_options(const MAP_PATTERN_DELIM *d, int *options, STRBUF *why)
{
	size_t	i;

	/* regexp_table(5): case-insensitive and extended by default. */
	*options = REG_EXTENDED | REG_ICASE;
	for (i = 0; i < d->flags_len; i++) {
		switch (d->flags[i]) {
		case 'i':
			*options ^= REG_ICASE;
			break;
		case 'm':
			*options ^= REG_NEWLINE;
			break;
		case 'x':
			*options ^= REG_EXTENDED;
			break;
		default:
			strbuf_printf(why, "unknown regexp option \"%c\"",
				      d->flags[i]);
			return -1;
		}
	}
	return 0;
}

/* regexp_compile - compile one delimited pattern */

static int
regexp_compile(regex_t *re, const MAP_PATTERN_DELIM *d, int extra,
	       STRBUF *why)
{
	int	options;
	int	err;

	if (regexp_options(d, &options, why) < 0)
		return -1;
	if ((err = regcomp(re, d->pattern, options | extra)) != 0) {
		regexp_error(err, re, why);
		regfree(re);
		return -1;
	}
	return 0;
}

/* regexp_parse_line - one logical line of the table */

static int
regexp_parse_line(void *context, MAP_PATTERN_LIST *list, char *line,
		  const MAP_PATTERN_WHERE *where, STRBUF *why)
{
	MAP_REGEXP *mr = context;
	MAP_PATTERN_DELIM first;
	MAP_PATTERN_DELIM second;
	MAP_PATTERN_SUBST *subst;
	MAP_PATTERN_RULE *rule;
	REGEXP_PAT *pat;
	char   *p = line;
	size_t	len;
	int	max_sub;

	/* A rule starts with a delimiter or '!'; keywords with a letter. */
	if (!isalnum((unsigned char) *p)) {
		if (map_pattern_get_delimited(&p, MAP_PATTERN_DELIM_BANG_ENDS_FLAGS,
					      &first, why) < 0)
			return -1;
		second.pattern = NULL;
		if (*p == '!' && map_pattern_get_delimited(&p, 0, &second,
							   why) < 0)
			return -1;
		if (*p == 0)
			map_pattern_warn(where,
					 "no replacement text: using empty string");
		if ((subst = map_pattern_subst_parse(p, why)) == NULL)
			return -1;
		max_sub = map_pattern_subst_max(subst);
		if (max_sub > 0 && first.match == 0) {
			strbuf_set(why, "$number found in negative match "
				   "replacement text");
			goto bad_subst;
		}
		if (max_sub > 0 && (mr->map.flags & MAP_F_NO_REGSUB)) {
			strbuf_set(why, "regular expression substitution is "
				   "not allowed");
			goto bad_subst;
		}
		pat = xcalloc(1, sizeof(*pat));
		if (regexp_compile(&pat->first, &first,
				   max_sub ? 0 : REG_NOSUB, why) < 0) {
			xfree(pat);
			goto bad_subst;
		}
		if ((size_t) max_sub > pat->first.re_nsub) {
			strbuf_printf(why, "out of range replacement index \"%d\"",
				      max_sub);
			regexp_pat_free(pat);
			goto bad_subst;
		}
		if (second.pattern != NULL) {
			if (regexp_compile(&pat->second, &second, REG_NOSUB,
					   why) < 0) {
				regexp_pat_free(pat);
				goto bad_subst;
			}
			pat->has_second = 1;
			pat->second_match = second.match;
		}
		rule = map_pattern_list_add(list, MAP_PATTERN_OP_MATCH,
					    first.match, where->lineno, pat);
		rule->subst = subst;
		if ((size_t) max_sub + 1 > mr->nmatch)
			mr->nmatch = (size_t) max_sub + 1;
		return 0;

bad_subst:
		map_pattern_subst_free(subst);
		return -1;
	}

	/* "if /pattern/flags": no result; extra text is ignored. */
	if ((len = map_pattern_keyword(p, "if")) != 0) {
		p += len;
		if (map_pattern_get_delimited(&p, 0, &first, why) < 0)
			return -1;
		pat = xcalloc(1, sizeof(*pat));
		if (regexp_compile(&pat->first, &first, REG_NOSUB, why) < 0) {
			xfree(pat);
			return -1;
		}
		if (*p)
			map_pattern_warn(where, "ignoring extra text after IF "
					 "statement: \"%s\"", p);
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_IF, first.match,
					    where->lineno, pat);
		return 0;
	}

	switch (map_pattern_endif(p, list, where, why)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}

	strbuf_set(why, "unrecognized request");
	return -1;
}

/* regexp_match_error - log a regexec() failure; the rule is skipped */

static int
regexp_match_error(MAP_REGEXP *mr, const MAP_PATTERN_RULE *rule, int err,
		   const regex_t *re)
{
	MAP_PATTERN_WHERE where = { "regexp", mr->map.name, rule->lineno };
	STRBUF *why = strbuf_create(100);

	/* As in Postfix: a warning, and the rule does not apply. */
	regexp_error(err, re, why);
	map_pattern_warn(&where, "%s", strbuf_str(why));
	strbuf_free(&why);
	return -1;
}

/* regexp_match - does a rule's pattern match the key */

static int
regexp_match(void *context, const MAP_PATTERN_RULE *rule)
{
	MAP_REGEXP *mr = context;
	REGEXP_PAT *pat = rule->pattern;
	size_t	nmatch;
	int	err;
	int	hit;

	/* Offsets are wanted only for a result with $N (else REG_NOSUB). */
	nmatch = rule->subst ? (size_t) map_pattern_subst_max(rule->subst) : 0;
	if (nmatch > 0)
		nmatch += 1;
	err = regexec(&pat->first, mr->key, nmatch, nmatch ? mr->pmatch : NULL,
		      0);
	if (err != 0 && err != REG_NOMATCH)
		return regexp_match_error(mr, rule, err, &pat->first);
	hit = (err == 0);

	/* Old form /a/!/b/: pattern 2 is tried only when pattern 1 applies. */
	if (hit == rule->match && pat->has_second) {
		err = regexec(&pat->second, mr->key, 0, NULL, 0);
		if (err != 0 && err != REG_NOMATCH)
			return regexp_match_error(mr, rule, err, &pat->second);
		if ((err == 0) != pat->second_match)
			hit = !rule->match;
	}
	return hit;
}

/* regexp_lookup - first rule that applies, with $N substituted */

static int
regexp_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_REGEXP *mr = (MAP_REGEXP *) map;
	const MAP_PATTERN_RULE *rule;
	size_t	nsub;
	size_t	i;

	mr->key = key;
	rule = map_pattern_list_walk(&mr->list, regexp_match, mr);
	mr->key = NULL;
	if (rule == NULL)
		return MAP_NOTFOUND;

	/* The last regexec() was this rule's, which is never negated with $N. */
	if ((nsub = (size_t) map_pattern_subst_max(rule->subst)) > 0) {
		for (i = 0; i <= nsub; i++) {
			mr->ovector[2 * i] = mr->pmatch[i].rm_so < 0 ? SIZE_MAX :
			    (size_t) mr->pmatch[i].rm_so;
			mr->ovector[2 * i + 1] = mr->pmatch[i].rm_eo < 0 ?
			    SIZE_MAX : (size_t) mr->pmatch[i].rm_eo;
		}
	}
	map_pattern_subst_expand(rule->subst, key, mr->ovector, value);
	return MAP_FOUND;
}

/* regexp_close - free the rules and the table */

static void
regexp_close(MAP *map)
{
	MAP_REGEXP *mr = (MAP_REGEXP *) map;

	map_pattern_list_free(&mr->list);
	xfree(mr->pmatch);
	xfree(mr->ovector);
	map_free(map);
}

/* regexp_open - compile the whole table */

static MAP *
regexp_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_REGEXP *mr;

	if (open_flags != O_RDONLY) {
		strbuf_printf(why, "regexp:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	mr = (MAP_REGEXP *) map_alloc("regexp", name, sizeof(*mr), open_flags,
				      map_flags | MAP_F_PATTERN);
	map_pattern_list_init(&mr->list, regexp_pat_free);
	if (map_pattern_load("regexp", name, &mr->list, regexp_parse_line, mr,
			     why) < 0) {
		regexp_close(&mr->map);
		return NULL;
	}
	if (mr->nmatch == 0)
		mr->nmatch = 1;
	mr->pmatch = xcalloc(mr->nmatch, sizeof(*mr->pmatch));
	mr->ovector = xcalloc(mr->nmatch, 2 * sizeof(*mr->ovector));
	mr->map.lookup = regexp_lookup;
	mr->map.close = regexp_close;
	return &mr->map;
}

const MAP_DRIVER map_driver_regexp = {
	.type = "regexp",
	.flags = MAP_F_PATTERN,
	.open = regexp_open,
};
