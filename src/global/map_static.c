/*
 * map_static.c - table that returns the same value for every key
 *
 * "static:value" answers value whatever the key. Since Postfix 3.0 the
 * value may contain white space when it is written in braces:
 * "static:{ text with spaces }" answers "text with spaces".
 */

#include "sysdeps.h"

#include <string.h>

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"

typedef struct MAP_STATIC {
	MAP     map;
	char   *value;
} MAP_STATIC;

/* static_lookup - every key has the value */

static int
static_lookup(MAP *map, const char *key, STRBUF *value)
{
	strbuf_set(value, ((MAP_STATIC *) map)->value);
	return MAP_FOUND;
}

/* static_close - free the value and the table */

static void
static_close(MAP *map)
{
	xfree(((MAP_STATIC *) map)->value);
	map_free(map);
}

/* static_open - parse the value out of the table name */

static MAP *
static_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_STATIC *ms;
	char   *copy = xstrdup(name);
	char   *text;

	if ((text = token_strip_parens(copy, "{}", why)) == NULL) {
		xfree(copy);
		return NULL;
	}
	ms = (MAP_STATIC *) map_alloc("static", name, sizeof(*ms), open_flags,
				      map_flags | MAP_F_FIXED);
	ms->value = xstrdup(text);
	xfree(copy);
	ms->map.lookup = static_lookup;
	ms->map.close = static_close;
	return &ms->map;
}

const MAP_DRIVER map_driver_static = {
	.type = "static",
	.flags = MAP_F_FIXED,
	.open = static_open,
};
