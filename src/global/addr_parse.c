/*
 * addr_parse.c - RFC 5322 address lists, RFC 5321 paths, quoting
 *
 * Parsing is two passes, as in Postfix's tok822: a scanner turns the
 * text into tokens (atoms, quoted strings, domain literals, comments
 * and the specials that matter), then a walk over the tokens cuts them
 * into list elements and each element into display name, source route,
 * local part and domain. The scanner never fails: an unclosed quote,
 * comment or literal ends at the end of the text.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "strbuf.h"
#include "addr_parse.h"

/* Token types; specials are their own character. */
#define TOK_ATOM	256
#define TOK_QSTRING	257
#define TOK_DLITERAL	258
#define TOK_COMMENT	259

typedef struct {
	int     type;
	char   *text;		/* atom, quoted string or comment contents */
	int     space;		/* white space or a comment came before it */
} ADDR_TOK;

typedef struct {
	ADDR_TOK *tok;
	size_t  count;
	size_t  size;
} ADDR_TOKS;

/* RFC 5322 specials that separate atoms; "[" opens a domain literal. */
#define ADDR_SPECIALS	"()<>@,;:\\\".["

#define IS_WORD(t)	((t) == TOK_ATOM || (t) == TOK_QSTRING || (t) == TOK_DLITERAL)

/* toks_add - append a token; text is copied from buf when not NULL */

static void
toks_add(ADDR_TOKS *ts, int type, const STRBUF *buf, int space)
{
	if (ts->count == ts->size) {
		ts->size = ts->size ? size_mul(ts->size, 2) : 16;
		ts->tok = xrealloc(ts->tok, size_mul(ts->size, sizeof(*ts->tok)));
	}
	ts->tok[ts->count].type = type;
	ts->tok[ts->count].text = buf ? xstrdup(strbuf_str(buf)) : NULL;
	ts->tok[ts->count].space = space;
	ts->count++;
}

/* toks_free - release the tokens */

static void
toks_free(ADDR_TOKS *ts)
{
	size_t  i;

	for (i = 0; i < ts->count; i++)
		xfree(ts->tok[i].text);
	xfree(ts->tok);
}

/* scan_comment - nested comment starting after "("; returns the end */

static const char *
scan_comment(const char *s, STRBUF *buf)
{
	int     level = 1;

	for (; *s; s++) {
		if (*s == '\\') {
			if (s[1] == 0)
				break;
			strbuf_append_char(buf, *++s);
			continue;
		}
		if (*s == '(')
			level++;
		else if (*s == ')' && --level == 0)
			return s + 1;
		strbuf_append_char(buf, *s);
	}
	return s;
}

/* addr_scan - split text into tokens, never failing */

static void
addr_scan(const char *s, ADDR_TOKS *ts)
{
	STRBUF *buf = strbuf_create(100);
	int     space = 0;

	memset(ts, 0, sizeof(*ts));
	while (*s) {
		unsigned char ch = *s;

		strbuf_reset(buf);
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'
		    || ch == '\v' || ch == '\f') {
			space = 1;
			s++;
		} else if (ch == '(') {
			s = scan_comment(s + 1, buf);
			toks_add(ts, TOK_COMMENT, buf, space);
			space = 1;
		} else if (ch == '"') {
			/* Inside quotes everything counts but the escapes. */
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\') {
					if (s[1] == 0)
						break;
					s++;
				}
				strbuf_append_char(buf, *s);
			}
			if (*s == '"')
				s++;
			toks_add(ts, TOK_QSTRING, buf, space);
			space = 0;
		} else if (ch == '[') {
			/* Kept with its brackets, escapes removed, as Postfix. */
			strbuf_append_char(buf, '[');
			for (s++; *s && *s != ']'; s++) {
				if (*s == '\\') {
					if (s[1] == 0)
						break;
					s++;
				}
				strbuf_append_char(buf, *s);
			}
			if (*s == ']')
				s++;
			strbuf_append_char(buf, ']');
			toks_add(ts, TOK_DLITERAL, buf, space);
			space = 0;
		} else if (strchr("<>@,;:.", ch)) {
			toks_add(ts, ch, NULL, space);
			space = 0;
			s++;
		} else {
			/*
			 * An atom: anything else, up to a special or white
			 * space. A backslash quotes the next character into
			 * the atom, as in tok822; a stray ")" or "]" is text.
			 */
			while (*s) {
				ch = *s;
				if (ch == '\\') {
					if (s[1] != 0)
						strbuf_append_char(buf, s[1]);
					s += s[1] ? 2 : 1;
					continue;
				}
				if (ch == ' ' || ch == '\t' || ch == '\r'
				    || ch == '\n' || ch == '\v' || ch == '\f'
				    || (strchr(ADDR_SPECIALS, ch)
					&& ch != ']' && ch != ')'))
					break;
				strbuf_append_char(buf, ch);
				s++;
			}
			/* A lone trailing backslash quotes nothing: no atom. */
			if (strbuf_len(buf) > 0) {
				toks_add(ts, TOK_ATOM, buf, space);
				space = 0;
			}
		}
	}
	strbuf_free(&buf);
}

/* join_text - append tokens [start, end) without comments */

static void
join_text(STRBUF *out, const ADDR_TOKS *ts, size_t start, size_t end,
	  int phrase)
{
	size_t  i;
	int     first = 1;

	for (i = start; i < end; i++) {
		const ADDR_TOK *t = ts->tok + i;

		if (t->type == TOK_COMMENT)
			continue;
		/* A phrase keeps single spaces; an address keeps them between words. */
		if (!first && t->space
		    && (phrase || (IS_WORD(t->type) && i > start
				   && IS_WORD(ts->tok[i - 1].type))))
			strbuf_append_char(out, ' ');
		if (t->type >= TOK_ATOM)
			strbuf_append_str(out, t->text);
		else
			strbuf_append_char(out, t->type);
		first = 0;
	}
}

/* list_add - new empty item at the end of the list */

static ADDR_ITEM *
list_add(ADDR_LIST *list)
{
	ADDR_ITEM *item;

	if (list->count == list->size) {
		list->size = list->size ? size_mul(list->size, 2) : 4;
		list->items = xrealloc(list->items,
				       size_mul(list->size, sizeof(*list->items)));
	}
	item = list->items + list->count++;
	memset(item, 0, sizeof(*item));
	return item;
}

/* first_comment - text of the first comment in [start, end), or NULL */

static char *
first_comment(const ADDR_TOKS *ts, size_t start, size_t end)
{
	size_t  i;

	for (i = start; i < end; i++)
		if (ts->tok[i].type == TOK_COMMENT)
			return xstrdup(ts->tok[i].text);
	return NULL;
}

/* add_spec - one address from the addr-spec tokens [start, end) */

static ADDR_ITEM *
add_spec(ADDR_LIST *list, const ADDR_TOKS *ts, size_t start, size_t end,
	 const char *group, int angle)
{
	ADDR_ITEM *item = list_add(list);
	STRBUF *buf = strbuf_create(100);
	size_t  i;
	size_t  at = end;
	size_t  colon = end;

	/* RFC 5322 4.4 obs-route: "@a,@b:" before the mailbox. */
	for (i = start; i < end && ts->tok[i].type == TOK_COMMENT; i++)
		 /* skip */ ;
	if (i < end && ts->tok[i].type == '@') {
		for (colon = i; colon < end && ts->tok[colon].type != ':'; colon++)
			 /* skip */ ;
		if (colon < end) {
			join_text(buf, ts, start, colon, 0);
			item->route = xstrdup(strbuf_str(buf));
			start = colon + 1;
		}
	}
	for (i = start; i < end; i++)
		if (ts->tok[i].type == '@')
			at = i;
	strbuf_reset(buf);
	join_text(buf, ts, start, at, 0);
	item->local = xstrdup(strbuf_str(buf));
	if (at < end) {
		strbuf_reset(buf);
		join_text(buf, ts, at + 1, end, 0);
		item->domain = xstrdup(strbuf_str(buf));
	}
	strbuf_reset(buf);
	if (item->route)
		strbuf_append_printf(buf, "%s:", item->route);
	strbuf_append_str(buf, item->local);
	if (item->domain)
		strbuf_append_printf(buf, "@%s", item->domain);
	item->addr = strbuf_detach(buf);
	item->group = group ? xstrdup(group) : NULL;
	item->angle = angle;
	strbuf_free(&buf);
	return item;
}

/* add_element - the addresses of one list element [start, end) */

static void
add_element(ADDR_LIST *list, const ADDR_TOKS *ts, size_t start, size_t end,
	    const char *group)
{
	STRBUF *buf;
	ADDR_ITEM *item;
	size_t  lt;
	size_t  gt;
	size_t  i;
	size_t  sub;
	int     depth;

	for (lt = start; lt < end && ts->tok[lt].type != '<'; lt++)
		 /* skip */ ;
	if (lt < end) {
		/* name-addr: the phrase before "<" is the display name. */
		for (depth = 0, gt = lt + 1; gt < end; gt++) {
			if (ts->tok[gt].type == '<')
				depth++;
			else if (ts->tok[gt].type == '>' && depth-- == 0)
				break;
		}
		item = add_spec(list, ts, lt + 1, gt, group, 1);
		buf = strbuf_create(100);
		join_text(buf, ts, start, lt, 1);
		if (strbuf_len(buf) > 0)
			item->display = strbuf_detach(buf);
		else
			item->display = first_comment(ts, start, end);
		strbuf_free(&buf);
		return;
	}

	/*
	 * A bare addr-spec. Two words with no operator between them are two
	 * addresses, as tok822_parse() has it, so "a b" is "a, b".
	 */
	sub = start;
	for (i = start; i < end; i++) {
		if (!IS_WORD(ts->tok[i].type))
			continue;
		for (depth = (int) i - 1; depth >= (int) sub
		     && ts->tok[depth].type == TOK_COMMENT; depth--)
			 /* skip */ ;
		if (depth >= (int) sub && IS_WORD(ts->tok[depth].type)) {
			add_spec(list, ts, sub, i, group, 0);
			sub = i;
		}
	}
	for (i = sub; i < end && ts->tok[i].type == TOK_COMMENT; i++)
		 /* skip */ ;
	if (i == end)
		return;				/* empty element */
	item = add_spec(list, ts, sub, end, group, 0);
	item->display = first_comment(ts, sub, end);
}

/* addr_parse_list - header value to addresses */

ADDR_LIST *
addr_parse_list(const char *text)
{
	ADDR_LIST *list = xcalloc(1, sizeof(*list));
	ADDR_TOKS ts;
	STRBUF *gname = 0;
	size_t  start = 0;
	size_t  i;
	int     angle = 0;
	int     seen_at = 0;
	int     seen_lt = 0;
	int     type;

	addr_scan(text, &ts);
	for (i = 0; i <= ts.count; i++) {
		type = i < ts.count ? ts.tok[i].type : 0;
		if (type == '<') {
			angle++;
			seen_lt = 1;
		} else if (type == '>') {
			if (angle > 0)
				angle--;
		} else if (type == '@') {
			seen_at = 1;
		} else if (type == ':' && !angle && !seen_at && !seen_lt
			   && gname == 0) {
			/* RFC 5322 3.4: group = display-name ":" [list] ";" */
			gname = strbuf_create(50);
			join_text(gname, &ts, start, i, 1);
			start = i + 1;
		} else if (type == 0 || (!angle && (type == ',' || type == ';'))) {
			add_element(list, &ts, start, i,
				    gname ? strbuf_str(gname) : NULL);
			if (type == ';' && gname)
				strbuf_free(&gname);
			start = i + 1;
			seen_at = seen_lt = 0;
			angle = 0;
		}
	}
	if (gname)
		strbuf_free(&gname);
	toks_free(&ts);
	return list;
}

/* addr_list_free_ - release a list */

void
addr_list_free_(ADDR_LIST *list)
{
	size_t  i;

	if (list == NULL)
		return;
	for (i = 0; i < list->count; i++) {
		xfree(list->items[i].addr);
		xfree(list->items[i].route);
		xfree(list->items[i].local);
		xfree(list->items[i].domain);
		xfree(list->items[i].display);
		xfree(list->items[i].group);
	}
	xfree(list->items);
	xfree(list);
}

/* is_atext - RFC 5322 3.2.3 atext, plus 8-bit for SMTPUTF8 */

static int
is_atext(int ch)
{
	return (ch & 0x80) || isalnum(ch) || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* strict_domain - RFC 5321 Domain or address-literal; returns the end */

static const char *
strict_domain(const char *s)
{
	const char *p = s;

	if (*p == '[') {
		/* Address literals hold addresses: no quotes or brackets. */
		for (p++; *p && (unsigned char) *p > ' '
		     && strchr("[]\\\"<>()", *p) == NULL; p++)
			 /* skip */ ;
		return *p == ']' && p > s + 1 ? p + 1 : NULL;
	}
	for (;;) {
		const char *label = p;

		while ((*p & 0x80) || isalnum((unsigned char) *p) || *p == '-'
		       || *p == '_')
			p++;
		if (p == label)
			return NULL;
		if (*p != '.')
			return p;
		p++;
	}
}

/* strict_path - RFC 5321 4.1.2 Path syntax inside the brackets */

static int
strict_path(const char *s, const char *end, STRBUF *why)
{
	const char *p = s;

	if (p == end)
		return 0;
	if (*p == '@') {
		/* A-d-l = At-domain *( "," At-domain ) ":" */
		for (;;) {
			if (*p != '@' || (p = strict_domain(p + 1)) == NULL)
				goto bad;
			if (*p != ',')
				break;
			p++;
		}
		if (*p++ != ':')
			goto bad;
	}
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '\\' || *p == '\r' || *p == '\n')
				goto bad;
		}
		if (p >= end)
			goto bad;
		p++;
	} else {
		/* Dot-string = Atom *("."  Atom) */
		for (;;) {
			const char *atom = p;

			while (p < end && is_atext((unsigned char) *p))
				p++;
			if (p == atom)
				goto bad;
			if (p >= end || *p != '.')
				break;
			p++;
		}
	}
	/* Postfix accepts a mailbox without domain; myorigin goes there. */
	if (p < end && *p == '@') {
		if ((p = strict_domain(p + 1)) == NULL)
			goto bad;
	}
	if (p == end)
		return 0;
bad:
	strbuf_set(why, "address syntax is not RFC 5321");
	return -1;
}

/* text_after_angle - anything but comments after the closing ">" */

static int
text_after_angle(const char *arg)
{
	ADDR_TOKS ts;
	size_t  i;
	int     seen_gt = 0;
	int     bad = 0;

	addr_scan(arg, &ts);
	for (i = 0; i < ts.count; i++) {
		if (seen_gt && ts.tok[i].type != TOK_COMMENT)
			bad = 1;
		if (ts.tok[i].type == '>')
			seen_gt = 1;
	}
	toks_free(&ts);
	return bad;
}

/* addr_parse_path - MAIL FROM / RCPT TO address */

int
addr_parse_path(const char *arg, int flags, STRBUF *out, STRBUF *route,
		STRBUF *why)
{
	ADDR_LIST *list;
	const char *p;
	size_t  len;
	int     depth = 0;
	int     quoted = 0;

	strbuf_reset(out);
	if (route)
		strbuf_reset(route);
	while (*arg == ' ' || *arg == '\t')
		arg++;
	len = strlen(arg);
	while (len > 0 && (arg[len - 1] == ' ' || arg[len - 1] == '\t'))
		len--;
	if (flags & ADDR_PATH_STRICT) {
		if (len < 2 || arg[0] != '<' || arg[len - 1] != '>') {
			strbuf_set(why, "address must be enclosed in <>");
			return -1;
		}
		if (strict_path(arg + 1, arg + len - 1, why) < 0)
			return -1;
	}
	/* Unquoted angle brackets must pair up, or the address is ambiguous. */
	for (p = arg; p < arg + len; p++) {
		if (*p == '\\' && p + 1 < arg + len)
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '<')
			depth++;
		else if (!quoted && *p == '>' && --depth < 0)
			break;
		else if (!quoted && (*p == '\r' || *p == '\n'))
			depth = -1;
	}
	if (depth != 0) {
		strbuf_set(why, "unbalanced angle brackets or bad characters");
		return -1;
	}
	if (text_after_angle(arg)) {
		strbuf_set(why, "text after the address");
		return -1;
	}
	list = addr_parse_list(arg);
	if (list->count != 1 || list->items[0].group != NULL) {
		strbuf_set(why, list->count == 0 ? "missing address"
			   : "more than one address");
		addr_list_free(&list);
		return -1;
	}
	if (list->items[0].addr[0] == 0 && !(flags & ADDR_PATH_ALLOW_EMPTY)) {
		strbuf_set(why, "empty address");
		addr_list_free(&list);
		return -1;
	}
	strbuf_set(out, list->items[0].addr);
	if (route && list->items[0].route)
		strbuf_set(route, list->items[0].route);
	addr_list_free(&list);
	return 0;
}

/* needs_quote - local part [s, end) is not a dot-atom */

static int
needs_quote(const char *s, const char *end, int flags)
{
	const char *p;

	if (s == end || *s == '.' || end[-1] == '.')
		return 1;
	for (p = s; p < end; p++) {
		unsigned char ch = *p;

		if (ch == '.' && p + 1 < end && p[1] == '.')
			return 1;
		if (ch & 0x80) {
			if (!(flags & ADDR_QUOTE_8BITCLEAN))
				return 1;
			continue;
		}
		if (ch <= ' ' || ch == 0x7f || strchr("()<>@,;:\\\"[]", ch))
			return 1;
	}
	return 0;
}

/* addr_quote - internal to external form */

void
addr_quote(STRBUF *out, const char *internal, int flags)
{
	const char *at = strrchr(internal, '@');
	const char *end = at ? at : internal + strlen(internal);
	const char *p;

	if (*internal == 0)
		return;
	if (!needs_quote(internal, end, flags)) {
		strbuf_append(out, internal, end - internal);
	} else {
		strbuf_append_char(out, '"');
		for (p = internal; p < end; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_append_char(out, '\\');
			strbuf_append_char(out, *p);
		}
		strbuf_append_char(out, '"');
	}
	if (at)
		strbuf_append_str(out, at);
}

/* addr_unquote - external to internal form */

int
addr_unquote(STRBUF *out, const char *external)
{
	ADDR_LIST *list = addr_parse_list(external);
	int     ret = -1;

	if (list->count == 1) {
		strbuf_append_str(out, list->items[0].addr);
		ret = 0;
	}
	addr_list_free(&list);
	return ret;
}

/* addr_compare - local part exact, domain without case */

int
addr_compare(const char *a, const char *b)
{
	const char *at_a = strrchr(a, '@');
	const char *at_b = strrchr(b, '@');
	size_t  la = at_a ? (size_t) (at_a - a) : strlen(a);
	size_t  lb = at_b ? (size_t) (at_b - b) : strlen(b);
	int     cmp;

	if ((cmp = memcmp(a, b, la < lb ? la : lb)) != 0)
		return cmp;
	if (la != lb)
		return la < lb ? -1 : 1;
	if ((at_a == NULL) != (at_b == NULL))
		return at_a == NULL ? -1 : 1;
	return at_a ? strcasecmp(at_a, at_b) : 0;
}
