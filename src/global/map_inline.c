/*
 * map_inline.c - table written in the table name itself
 *
 * "inline:{ key=value, { key = text with spaces }, ... }" (Postfix 3.0
 * syntax): elements are separated by commas or white space; an element
 * in braces may contain both, with white space around the key and the
 * value trimmed. A later duplicate key replaces the earlier value.
 * Syntax errors fail the open with Postfix's wording.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "map_mem.h"

#define INLINE_SEP	", \t\r\n"

/* inline_syntax - Postfix's complaint: what is wrong, and what is needed */

static void
inline_syntax(STRBUF *why, const char *what, const char *name)
{
	strbuf_printf(why, "%s: \"inline:%s\"; need \"inline:{name=value...}\"",
		      what, name);
}

/* inline_element - split one "key=value" element and add it */

static int
inline_element(MAP *map, char *elem, const char *name, STRBUF *why)
{
	char   *text = elem;
	char   *eq;
	char   *key;

	if (*elem == '{') {
		if ((text = token_strip_parens(elem, "{}", NULL)) == NULL) {
			inline_syntax(why, "bad syntax", name);
			return -1;
		}
	}
	if ((eq = strchr(text, '=')) == NULL) {
		inline_syntax(why, "missing '=' after attribute name", name);
		return -1;
	}
	*eq = 0;
	key = str_trim(text);
	if (*key == 0) {
		inline_syntax(why, "missing attribute name", name);
		return -1;
	}
	(void) map_mem_put(map, key, str_trim(eq + 1), 1);
	return 0;
}

/* inline_open - parse the whole table out of its name */

static MAP *
inline_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP    *map;
	char   *copy;
	char   *body;
	char   *cp;
	char   *elem;
	int     err = 0;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		strbuf_printf(why, "inline:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	copy = xstrdup(name);
	if (*str_trim(copy) != '{'
	    || (body = token_strip_parens(str_trim(copy), "{}", NULL)) == NULL) {
		inline_syntax(why, "bad syntax", name);
		xfree(copy);
		return NULL;
	}
	map = map_mem_create("inline", name, open_flags, map_flags);
	cp = body;
	while ((elem = token_next_q(&cp, INLINE_SEP, "{}", &err)) != NULL) {
		if (err) {
			inline_syntax(why, "bad syntax", name);
			break;
		}
		if (inline_element(map, elem, name, why) < 0) {
			err = 1;
			break;
		}
	}
	xfree(copy);
	if (!err && map_mem_count(map) == 0) {
		inline_syntax(why, "bad syntax", name);	/* an empty table */
		err = 1;
	}
	if (err) {
		map_close(map);
		return NULL;
	}
	return map;
}

const MAP_DRIVER map_driver_inline = {
	.type = "inline",
	.flags = MAP_F_FIXED,
	.open = inline_open,
};
