/*
 * aliases_parse.c - the aliases(5) syntax: "name: value, value, ..."
 *
 * The line is cut into RFC 822 tokens exactly as Postfix's tok822_scan()
 * does (atoms, quoted strings, comments, domain literals, and the
 * operators |%! plus the RFC 822 specials), because the tokens decide
 * where the name ends (the first ':' operator, so a quoted "a:b" is one
 * name), whether the name is local (no '@' or '%' operator), and how the
 * stored value looks (Postfix re-joins tokens with its own spacing rule,
 * and administrators compare "postalias -s" output with Postfix's).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "aliases_parse.h"

/* Token types: operators are their own character, below 256. */
#define TOK_ATOM	256
#define TOK_QSTRING	257
#define TOK_COMMENT	258
#define TOK_DOMLIT	259

/* The text of every token lives in one pool, each NUL-terminated. */
typedef struct {
	int     type;
	size_t  off;			/* text offset in the pool */
} ALIAS_TOK;

typedef struct {
	ALIAS_TOK *tok;
	size_t  len;
	size_t  size;
	STRBUF *pool;
} ALIAS_TOKS;

/* RFC 822 specials plus Postfix's extra operators ("|" for aliases). */
static const char aliases_opchar[] = "|%!()<>@,;:\\\".[]";

#define ALIAS_SPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' \
			 || (c) == '\n')
#define ALIAS_OPCHAR(c)	((c) != 0 && strchr(aliases_opchar, (c)) != NULL)
#define ALIAS_WORD(t)	((t) == TOK_ATOM || (t) == TOK_QSTRING \
			 || (t) == TOK_DOMLIT)
#define ALIAS_NONOP(t)	(ALIAS_WORD(t) || (t) == TOK_COMMENT)

#define TOK_TEXT(ts, i)	(strbuf_str((ts)->pool) + (ts)->tok[i].off)

/* toks_add - start a new token; its text is appended to the pool */

static void
toks_add(ALIAS_TOKS *ts, int type)
{
	if (ts->len == ts->size) {
		ts->size = ts->size ? size_mul(ts->size, 2) : 16;
		ts->tok = xrealloc(ts->tok, size_mul(ts->size, sizeof(*ts->tok)));
	}
	ts->tok[ts->len].type = type;
	ts->tok[ts->len].off = strbuf_len(ts->pool);
	ts->len++;
}

/* toks_end - terminate the text of the token just added */

static void
toks_end(ALIAS_TOKS *ts)
{
	strbuf_append_char(ts->pool, 0);
}

/*
 * toks_collect - copy text up to stop (or, for an atom, up to white
 * space or an operator); a backslash takes the next character as is,
 * and white space becomes a plain space, as in Postfix.
 */

static const char *
toks_collect(ALIAS_TOKS *ts, const char *s, int stop)
{
	int     c;

	while ((c = *(const unsigned char *) s) != 0) {
		if (c == '\\') {
			if ((c = *(const unsigned char *) ++s) == 0)
				break;
		} else if (stop ? c == stop : (ALIAS_SPACE(c) || ALIAS_OPCHAR(c))) {
			break;
		}
		strbuf_append_char(ts->pool, ALIAS_SPACE(c) ? ' ' : c);
		s++;
	}
	return s;
}

/*
 * toks_comment - copy a comment, parentheses and backslashes included
 * (Postfix keeps comments in external form), honouring nesting.
 */

static const char *
toks_comment(ALIAS_TOKS *ts, const char *s)
{
	int     level = 1;
	int     c;

	strbuf_append_char(ts->pool, '(');
	while ((c = *(const unsigned char *) s) != 0) {
		strbuf_append_char(ts->pool, c);
		s++;
		if (c == '(') {
			level++;
		} else if (c == ')') {
			if (--level == 0)
				break;
		} else if (c == '\\') {
			if ((c = *(const unsigned char *) s) == 0)
				break;
			strbuf_append_char(ts->pool, c);
			s++;
		}
	}
	return s;
}

/*
 * toks_quote_atom - an atom that got a space, a control or an operator
 * character through a backslash must be quoted when written out again.
 */

static void
toks_quote_atom(ALIAS_TOKS *ts)
{
	const unsigned char *cp;

	for (cp = (const unsigned char *) TOK_TEXT(ts, ts->len - 1); *cp; cp++) {
		if (*cp == ' ' || (isascii(*cp) && iscntrl(*cp))
		    || ALIAS_OPCHAR(*cp)) {
			ts->tok[ts->len - 1].type = TOK_QSTRING;
			break;
		}
	}
}

/* toks_scan - cut a string into RFC 822 tokens */

static void
toks_scan(ALIAS_TOKS *ts, const char *s)
{
	int     c;

	while ((c = *(const unsigned char *) s++) != 0) {
		if (ALIAS_SPACE(c))
			continue;
		if (c == '(') {
			toks_add(ts, TOK_COMMENT);
			s = toks_comment(ts, s);
		} else if (c == '[') {
			toks_add(ts, TOK_DOMLIT);
			s = toks_collect(ts, s, ']');
			if (*s)
				s++;
		} else if (c == '"') {
			toks_add(ts, TOK_QSTRING);
			s = toks_collect(ts, s, '"');
			if (*s)
				s++;
		} else if (c != '\\' && ALIAS_OPCHAR(c)) {
			toks_add(ts, c);
		} else {
			toks_add(ts, TOK_ATOM);
			s = toks_collect(ts, s - 1, 0);	/* '\' may come first */
			toks_end(ts);
			toks_quote_atom(ts);
			continue;
		}
		toks_end(ts);
	}
}

/* toks_init - an empty token list */

static void
toks_init(ALIAS_TOKS *ts)
{
	ts->tok = NULL;
	ts->len = ts->size = 0;
	ts->pool = strbuf_create(100);
}

/* toks_free - release a token list */

static void
toks_free(ALIAS_TOKS *ts)
{
	xfree(ts->tok);
	strbuf_free(&ts->pool);
}

/*
 * toks_space_after - Postfix's rule for a space between two tokens
 * when they are joined again: after a comma, before '<', and between
 * two words (atoms, quoted strings, comments, domain literals).
 */

static int
toks_space_after(const ALIAS_TOKS *ts, size_t i, size_t end)
{
	int     t;
	int     next;

	if (i + 1 >= end)
		return 0;
	t = ts->tok[i].type;
	next = ts->tok[i + 1].type;
	if (t == ',' || next == '<')
		return 1;
	return ALIAS_NONOP(t) && ALIAS_NONOP(next);
}

/* toks_copy_quoted - append text, a backslash before each of quote_set */

static void
toks_copy_quoted(STRBUF *out, const char *text, const char *quote_set)
{
	for (; *text; text++) {
		if (strchr(quote_set, *text))
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *text);
	}
}

/*
 * toks_join - tokens [start, end) as a string: internal form (no
 * quoting) or external form (quoted strings and domain literals
 * quoted again).
 */

static void
toks_join(const ALIAS_TOKS *ts, size_t start, size_t end, int external,
	  STRBUF *out)
{
	size_t  i;

	strbuf_reset(out);
	for (i = start; i < end; i++) {
		switch (ts->tok[i].type) {
		case TOK_ATOM:
		case TOK_COMMENT:
			strbuf_append_str(out, TOK_TEXT(ts, i));
			break;
		case TOK_QSTRING:
			if (external) {
				strbuf_append_char(out, '"');
				toks_copy_quoted(out, TOK_TEXT(ts, i), "\"\\\r\n");
				strbuf_append_char(out, '"');
			} else {
				strbuf_append_str(out, TOK_TEXT(ts, i));
			}
			break;
		case TOK_DOMLIT:
			strbuf_append_char(out, '[');
			if (external)
				toks_copy_quoted(out, TOK_TEXT(ts, i), "\\\r\n");
			else
				strbuf_append_str(out, TOK_TEXT(ts, i));
			strbuf_append_char(out, ']');
			break;
		default:
			strbuf_append_char(out, ts->tok[i].type);
			break;
		}
		if (toks_space_after(ts, i, end))
			strbuf_append_char(out, ' ');
	}
}

/* aliases_parse_line - split "name: value, ..." into name and value */

int
aliases_parse_line(const char *line, STRBUF *name, STRBUF *value,
		   STRBUF *why)
{
	ALIAS_TOKS ts;
	size_t  colon;
	size_t  i;
	int     status = ALIASES_PARSE_OK;

	toks_init(&ts);
	toks_scan(&ts, line);
	if (ts.len == 0) {
		toks_free(&ts);
		return ALIASES_PARSE_EMPTY;
	}

	/*
	 * Postfix: the name ends at the first ':' operator; there must be
	 * something on both sides, and no comma in the name (a list of
	 * names is not a name). An empty value must be written as "".
	 */
	for (colon = 0; colon < ts.len && ts.tok[colon].type != ':'; colon++)
		 /* void */ ;
	if (colon == ts.len || colon == 0 || colon == ts.len - 1) {
		strbuf_set(why, "need name:value pair");
		status = ALIASES_PARSE_ERROR;
	}
	for (i = 0; status == ALIASES_PARSE_OK && i < colon; i++) {
		if (ts.tok[i].type == ',') {
			strbuf_set(why, "need name:value pair");
			status = ALIASES_PARSE_ERROR;
		}
	}

	/*
	 * The name is a local part: without the mail system running we
	 * cannot resolve it, so Postfix just refuses a domain or a percent
	 * hack. Quote the name to have these characters in it.
	 */
	for (i = 0; status == ALIASES_PARSE_OK && i < colon; i++) {
		if (ts.tok[i].type == '@' || ts.tok[i].type == '%') {
			strbuf_set(why, "name must be local");
			status = ALIASES_PARSE_ERROR;
		}
	}

	/*
	 * The name in internal form, as the resolver hands out addresses;
	 * the value in external form, because it is parsed again on use.
	 */
	if (status == ALIASES_PARSE_OK) {
		toks_join(&ts, 0, colon, 0, name);
		toks_join(&ts, colon + 1, ts.len, 1, value);
	}
	toks_free(&ts);
	return status;
}

/* split_add - add the words [start, end) (comments skipped) as one */

static void
split_add(const ALIAS_TOKS *ts, size_t start, size_t end, STRBUF *buf,
	  ARGV *dests, size_t *count)
{
	ALIAS_TOKS sub;
	size_t  i;

	/*
	 * Join without comments: build a token list of the rest, so that
	 * the spacing rule sees the neighbours that remain.
	 */
	sub.tok = xmalloc(size_mul(end - start + 1, sizeof(*sub.tok)));
	sub.len = 0;
	sub.size = end - start + 1;
	sub.pool = ts->pool;
	for (i = start; i < end; i++)
		if (ts->tok[i].type != TOK_COMMENT)
			sub.tok[sub.len++] = ts->tok[i];
	if (sub.len > 0) {
		toks_join(&sub, 0, sub.len, 0, buf);
		argv_add(dests, strbuf_str(buf));
		*count += 1;
	}
	xfree(sub.tok);
}

/*
 * split_segment - one comma-separated part: a <route address> wins over
 * the phrase before it; otherwise two adjacent words start a new
 * destination (Postfix's parser inserts the missing comma there).
 */

static void
split_segment(const ALIAS_TOKS *ts, size_t start, size_t end, STRBUF *buf,
	      ARGV *dests, size_t *count)
{
	size_t  i;
	size_t  first;
	int     have_word;

	for (i = start; i < end; i++) {
		if (ts->tok[i].type == '<') {
			for (first = ++i; i < end && ts->tok[i].type != '>'; i++)
				 /* void */ ;
			split_add(ts, first, i, buf, dests, count);
			if (i < end)
				split_segment(ts, i + 1, end, buf, dests, count);
			return;
		}
	}
	/* Comments do not separate words: they are moved aside. */
	first = start;
	have_word = 0;
	for (i = start; i < end; i++) {
		int     t = ts->tok[i].type;

		if (t == TOK_COMMENT)
			continue;
		if (ALIAS_WORD(t) && have_word) {
			split_add(ts, first, i, buf, dests, count);
			first = i;
		}
		have_word = ALIAS_WORD(t);
	}
	split_add(ts, first, end, buf, dests, count);
}

/* aliases_split_value - a right-hand side as a list of destinations */

size_t
aliases_split_value(const char *value, ARGV *dests)
{
	ALIAS_TOKS ts;
	STRBUF *buf = strbuf_create(100);
	size_t  count = 0;
	size_t  depth = 0;
	size_t  start;
	size_t  i;

	toks_init(&ts);
	toks_scan(&ts, value);

	/* A comma inside <...> belongs to a source route, not a list. */
	for (start = i = 0; i <= ts.len; i++) {
		if (i < ts.len && ts.tok[i].type == '<')
			depth++;
		else if (i < ts.len && ts.tok[i].type == '>' && depth > 0)
			depth--;
		if (i == ts.len || (depth == 0 && (ts.tok[i].type == ','
						   || ts.tok[i].type == ';'))) {
			split_segment(&ts, start, i, buf, dests, &count);
			start = i + 1;
		}
	}
	toks_free(&ts);
	strbuf_free(&buf);
	return count;
}

/* aliases_dest_type - what a destination names */

int
aliases_dest_type(const char *dest, const char **arg)
{
	const char *dummy;

	if (arg == NULL)
		arg = &dummy;
	if (strncasecmp(dest, ":include:", 9) == 0) {
		*arg = dest + 9;
		return ALIASES_DEST_INCLUDE;
	}
	if (*dest == '|') {
		*arg = dest + 1;
		return ALIASES_DEST_COMMAND;
	}
	*arg = dest;
	return *dest == '/' ? ALIASES_DEST_FILE : ALIASES_DEST_ADDRESS;
}
