/*
 * map_pattern.c - what the pattern table drivers (regexp, pcre, cidr) share
 *
 * The rule list is a flat array; each IF records the index just past its
 * ENDIF, so a walk skips a block whose condition fails in one step. The
 * $N syntax follows Postfix's mac_parse(): "$$" is a dollar, "${...}"
 * and "$(...)" take anything up to the matching close, and a bare "$"
 * takes the letters, digits and underscores after it, so "$1x" names
 * "1x", which is not a number and is refused at open time.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "cfgline.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map_pattern.h"

/* One piece of compiled result text. */
typedef struct MAP_PATTERN_SEG {
	int	index;		/* 0: literal text; N: subexpression N */
	char   *text;		/* index 0 only */
	size_t	len;
} MAP_PATTERN_SEG;

struct MAP_PATTERN_SUBST {
	MAP_PATTERN_SEG *seg;
	size_t	nseg;
	int	max_index;
};

/* subst_add - append one segment */

static void
subst_add(MAP_PATTERN_SUBST *subst, int index, const char *text, size_t len)
{
	MAP_PATTERN_SEG *seg;

	subst->seg = xrealloc(subst->seg, size_mul(subst->nseg + 1,
						   sizeof(*subst->seg)));
	seg = subst->seg + subst->nseg++;
	seg->index = index;
	seg->text = index ? NULL : xstrndup(text, len);
	seg->len = len;
	if (index > subst->max_index)
		subst->max_index = index;
}

/* subst_index - validate a $name as a subexpression number */

static int
subst_index(const char *name, size_t len, STRBUF *why)
{
	size_t	i;
	long	n = 0;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char) name[i])) {
			strbuf_printf(why, "non-numeric replacement index \"%.*s\"",
				      (int) len, name);
			return -1;
		}
		/* Saturate: anything this large is out of range anyway. */
		if (n < INT_MAX / 10)
			n = n * 10 + (name[i] - '0');
		else
			n = INT_MAX;
	}
	if (n < 1) {
		strbuf_printf(why, "out-of-range replacement index \"%.*s\"",
			      (int) len, name);
		return -1;
	}
	return (int) n;
}

/* map_pattern_subst_parse - compile result text with $N references */

MAP_PATTERN_SUBST *
map_pattern_subst_parse(const char *text, STRBUF *why)
{
	MAP_PATTERN_SUBST *subst = xcalloc(1, sizeof(*subst));
	STRBUF *lit = strbuf_create(100);
	const char *cp = text;
	const char *name;
	size_t	name_len;
	int	index;

	while (*cp) {
		if (*cp != '$') {
			strbuf_append_char(lit, *cp++);
			continue;
		}
		if (cp[1] == '$') {		/* $$ is a literal $ */
			strbuf_append_char(lit, '$');
			cp += 2;
			continue;
		}
		cp++;
		if (*cp == '{' || *cp == '(') {
			int	open = *cp;
			int	close = (open == '{' ? '}' : ')');
			int	level = 1;
			const char *ep;

			for (ep = cp + 1; *ep; ep++) {
				if (*ep == open)
					level++;
				else if (*ep == close && --level == 0)
					break;
			}
			if (*ep == 0) {
				/* Postfix: "truncated macro reference" */
				strbuf_set(why, "bad replacement syntax");
				goto fail;
			}
			name = cp + 1;
			name_len = (size_t) (ep - name);
			cp = ep + 1;
		} else {
			name = cp;
			while (isalnum((unsigned char) *cp) || *cp == '_')
				cp++;
			name_len = (size_t) (cp - name);
		}
		if (name_len == 0) {
			/* Postfix: "empty macro name" */
			strbuf_set(why, "bad replacement syntax");
			goto fail;
		}
		if ((index = subst_index(name, name_len, why)) < 0)
			goto fail;
		if (strbuf_len(lit) > 0) {
			subst_add(subst, 0, strbuf_str(lit), strbuf_len(lit));
			strbuf_reset(lit);
		}
		subst_add(subst, index, NULL, 0);
	}
	if (strbuf_len(lit) > 0 || subst->nseg == 0)
		subst_add(subst, 0, strbuf_str(lit), strbuf_len(lit));
	strbuf_free(&lit);
	return subst;

fail:
	strbuf_free(&lit);
	map_pattern_subst_free(subst);
	return NULL;
}

/* map_pattern_subst_max - highest subexpression number used */

int
map_pattern_subst_max(const MAP_PATTERN_SUBST *subst)
{
	return subst->max_index;
}

/* map_pattern_subst_expand - produce the result for one match */

void
map_pattern_subst_expand(const MAP_PATTERN_SUBST *subst, const char *subject,
			 const size_t *ovector, STRBUF *out)
{
	const MAP_PATTERN_SEG *seg;
	size_t	so, eo;

	strbuf_reset(out);
	for (seg = subst->seg; seg < subst->seg + subst->nseg; seg++) {
		if (seg->index == 0) {
			strbuf_append(out, seg->text, seg->len);
			continue;
		}
		so = ovector[2 * seg->index];
		eo = ovector[2 * seg->index + 1];
		if (so == SIZE_MAX || eo == SIZE_MAX || eo <= so)
			continue;	/* unset or empty: nothing */
		strbuf_append(out, subject + so, eo - so);
	}
}

/* map_pattern_subst_free - release compiled result text */

void
map_pattern_subst_free(MAP_PATTERN_SUBST *subst)
{
	size_t	i;

	if (subst == NULL)
		return;
	for (i = 0; i < subst->nseg; i++)
		xfree(subst->seg[i].text);
	xfree(subst->seg);
	xfree(subst);
}

/* map_pattern_list_init - an empty rule list */

void
map_pattern_list_init(MAP_PATTERN_LIST *list, void (*free_pattern)(void *))
{
	memset(list, 0, sizeof(*list));
	list->free_pattern = free_pattern;
}

/* map_pattern_list_free - release the rules */

void
map_pattern_list_free(MAP_PATTERN_LIST *list)
{
	MAP_PATTERN_RULE *rule;
	size_t	i;

	/* An index, not a pointer: rules is NULL in an empty list. */
	for (i = 0; i < list->count; i++) {
		rule = list->rules + i;
		if (rule->pattern && list->free_pattern)
			list->free_pattern(rule->pattern);
		map_pattern_subst_free(rule->subst);
		xfree(rule->text);
	}
	xfree(list->rules);
	xfree(list->open_ifs);
	memset(list, 0, sizeof(*list));
}

/* map_pattern_list_add - append a rule, tracking IF/ENDIF nesting */

MAP_PATTERN_RULE *
map_pattern_list_add(MAP_PATTERN_LIST *list, int op, int match, int lineno,
		     void *pattern)
{
	MAP_PATTERN_RULE *rule;

	if (op == MAP_PATTERN_OP_ENDIF && list->depth == 0)
		log_panic("map_pattern_list_add: ENDIF without IF");
	if (list->count == list->size) {
		list->size = list->size ? size_mul(list->size, 2) : 16;
		list->rules = xrealloc(list->rules,
				       size_mul(list->size, sizeof(*rule)));
	}
	rule = list->rules + list->count;
	memset(rule, 0, sizeof(*rule));
	rule->op = op;
	rule->match = match;
	rule->lineno = lineno;
	rule->pattern = pattern;
	list->count++;

	if (op == MAP_PATTERN_OP_IF) {
		if (list->depth == list->open_size) {
			list->open_size = list->open_size ?
			    size_mul(list->open_size, 2) : 8;
			list->open_ifs = xrealloc(
			    list->open_ifs,
			    size_mul(list->open_size, sizeof(*list->open_ifs)));
		}
		list->open_ifs[list->depth++] = list->count - 1;
	} else if (op == MAP_PATTERN_OP_ENDIF) {
		/* The block ends here; a failed IF resumes after this rule. */
		list->rules[list->open_ifs[--list->depth]].skip = list->count;
	}
	return rule;
}

/* map_pattern_list_walk - find the first rule that applies */

const MAP_PATTERN_RULE *
map_pattern_list_walk(const MAP_PATTERN_LIST *list, MAP_PATTERN_MATCH_FN match,
		      void *context)
{
	const MAP_PATTERN_RULE *rule;
	size_t	i = 0;
	int	hit;

	while (i < list->count) {
		rule = list->rules + i;
		switch (rule->op) {
		case MAP_PATTERN_OP_ENDIF:
			i++;
			break;
		case MAP_PATTERN_OP_IF:
			hit = match(context, rule);
			i = (hit >= 0 && hit == rule->match) ? i + 1 : rule->skip;
			break;
		case MAP_PATTERN_OP_MATCH:
			hit = match(context, rule);
			if (hit >= 0 && hit == rule->match)
				return rule;
			i++;
			break;
		default:
			log_panic("map_pattern_list_walk: bad rule op %d",
				  rule->op);
		}
	}
	return NULL;
}

/* map_pattern_warn - log a warning with table, file and line */

void
map_pattern_warn(const MAP_PATTERN_WHERE *where, const char *fmt, ...)
{
	STRBUF *buf = strbuf_create(100);
	va_list ap;

	va_start(ap, fmt);
	strbuf_append_vprintf(buf, fmt, ap);
	va_end(ap);
	log_warn("%s map %s, line %d: %s", where->type, where->name,
		 where->lineno, strbuf_str(buf));
	strbuf_free(&buf);
}

/*
 * inline_to_text - the rules of "{ {rule}, {rule} }", one per line
 *
 * Postfix 3.7 writes each rule of an inline pattern table as one line of
 * an in-memory file and parses that as it would a file.
 */

static int
inline_to_text(const char *name, STRBUF *text, STRBUF *why)
{
	char   *copy = xstrdup(name);
	char   *bp;
	char   *tok;
	char   *rule;
	int	status = -1;

	if ((bp = token_strip_parens(copy, "{}", why)) == NULL)
		goto out;
	while ((tok = token_next_q(&bp, ", \t\r\n", "{}", NULL)) != NULL) {
		if ((rule = token_strip_parens(tok, "{}", why)) == NULL)
			goto out;
		strbuf_append_str(text, rule);
		strbuf_append_char(text, '\n');
	}
	status = 0;

out:
	xfree(copy);
	return status;
}

/* map_pattern_load - read a pattern table source into a rule list */

int
map_pattern_load(const char *type, const char *name, MAP_PATTERN_LIST *list,
		 MAP_PATTERN_LINE_FN line_fn, void *context, STRBUF *why)
{
	MAP_PATTERN_WHERE where;
	STRBUF *text = NULL;
	STRBUF *line;
	STRBUF *reason;
	FILE   *fp;
	char   *cp;
	int	lineno = 0;
	int	first_line;
	int	status = 0;

	if (*name == '{') {
		text = strbuf_create(100);
		reason = strbuf_create(100);
		if (inline_to_text(name, text, reason) < 0) {
			strbuf_printf(why, "%s map: %s", type, strbuf_str(reason));
			strbuf_free(&reason);
			strbuf_free(&text);
			return -1;
		}
		strbuf_free(&reason);
		if (strbuf_len(text) == 0) {	/* "{}": no rules at all */
			strbuf_free(&text);
			return 0;
		}
		fp = fmemopen(strbuf_str(text), strbuf_len(text), "r");
	} else {
		fp = fopen(name, "re");
	}
	if (fp == NULL) {
		strbuf_printf(why, "open %s: %s", name, strerror(errno));
		if (text)
			strbuf_free(&text);
		return -1;
	}

	where.type = type;
	where.name = name;
	line = strbuf_create(100);
	reason = strbuf_create(100);
	while (cfgline_read(fp, line, &lineno, &first_line) == 0) {
		where.lineno = first_line ? first_line : lineno;
		/* A first line that starts with white space has nothing to continue. */
		for (cp = strbuf_str(line); isspace((unsigned char) *cp); cp++)
			 /* void */ ;
		strbuf_reset(reason);
		/* As in Postfix: a bad rule is skipped with a warning. */
		if (line_fn(context, list, cp, &where, reason) < 0)
			map_pattern_warn(&where, "%s: skipping this rule",
					 strbuf_str(reason));
	}
	if (status == 0 && ferror(fp)) {
		strbuf_printf(why, "read %s: %s", name, strerror(errno));
		status = -1;
	}
	if (status == 0 && map_pattern_list_depth(list) > 0) {
		/* Postfix names the last line of the file. */
		strbuf_printf(why, "%s map %s, line %d: more IFs than ENDIFs",
			      type, name, lineno);
		status = -1;
	}
	strbuf_free(&reason);
	strbuf_free(&line);
	(void) fclose(fp);
	if (text)
		strbuf_free(&text);
	return status;
}

/* map_pattern_keyword - does text start with this keyword */

size_t
map_pattern_keyword(const char *text, const char *word)
{
	size_t	len = strlen(word);

	if (strncasecmp(text, word, len) == 0
	    && !isalnum((unsigned char) text[len]))
		return len;
	return 0;
}

/* map_pattern_endif - the ENDIF line of regexp and pcre tables */

int
map_pattern_endif(const char *text, MAP_PATTERN_LIST *list,
		  const MAP_PATTERN_WHERE *where, STRBUF *why)
{
	size_t	len;

	if ((len = map_pattern_keyword(text, "endif")) == 0)
		return 0;
	if (map_pattern_list_depth(list) == 0) {
		strbuf_set(why, "ENDIF without matching IF");
		return -1;
	}
	for (text += len; isspace((unsigned char) *text); text++)
		 /* void */ ;
	if (*text)
		map_pattern_warn(where, "ignoring extra text after ENDIF");
	(void) map_pattern_list_add(list, MAP_PATTERN_OP_ENDIF, 1,
				    where->lineno, NULL);
	return 1;
}

/* map_pattern_get_delimited - parse "!/pattern/flags" */

int
map_pattern_get_delimited(char **bufp, int flags, MAP_PATTERN_DELIM *out,
			  STRBUF *why)
{
	char   *p = *bufp;
	int	delim;

	out->match = 1;
	for (;; p++) {
		if (*p == '!')
			out->match = !out->match;
		else if (!isspace((unsigned char) *p))
			break;
	}
	if (*p == 0) {
		strbuf_set(why, "no regexp");
		return -1;
	}
	delim = (unsigned char) *p++;
	out->pattern = p;
	while (*p && *p != delim) {
		if (*p == '\\' && p[1])
			p++;	/* the backslash stays: the engine reads it */
		p++;
	}
	if (*p == 0) {
		strbuf_printf(why, "no closing regexp delimiter \"%c\"", delim);
		return -1;
	}
	*p++ = 0;
	out->flags = p;
	while (*p && !isspace((unsigned char) *p)
	       && !((flags & MAP_PATTERN_DELIM_BANG_ENDS_FLAGS) && *p == '!'))
		p++;
	out->flags_len = (size_t) (p - out->flags);
	while (isspace((unsigned char) *p))
		p++;
	*bufp = p;
	return 0;
}
