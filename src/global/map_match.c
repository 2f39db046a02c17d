/*
 * map_match.c - lookup tables as entries of address match lists
 *
 * The callbacks behind map_match_ops: addr_match_list (src/util) knows
 * nothing of tables, so the mail-system library lends it map_open(),
 * map_lookup() and map_close().
 */

#include "sysdeps.h"

#include <fcntl.h>

#include "strbuf.h"		/* util */
#include "map.h"		/* global */
#include "map_match.h"

/* map_match_open - open type:name read-only; note pattern tables */

static void *
map_match_open(void *context, const char *type_name, int list_flags,
	       int *props, STRBUF *why)
{
	MAP    *map;

	(void) context;
	(void) list_flags;
	if ((map = map_open(type_name, O_RDONLY, MAP_F_FOLD_FIX, why)) != NULL
	    && (map->flags & MAP_F_PATTERN))
		*props |= ADDR_MATCH_TABLE_PATTERN;
	return map;
}

/* map_match_lookup - 1 when the table has key, 0 when not, -1 on error */

static int
map_match_lookup(void *context, void *table, const char *key)
{
	STRBUF *value = strbuf_create(100);
	int	ret;

	(void) context;
	ret = map_lookup((MAP *) table, key, value);
	strbuf_free(&value);
	return ret == MAP_FOUND ? 1 : ret == MAP_NOTFOUND ? 0 : -1;
}

/* map_match_close - close a table of a list that is freed */

static void
map_match_close(void *context, void *table)
{
	(void) context;
	map_close((MAP *) table);
}

const ADDR_MATCH_TABLE_OPS map_match_ops = {
	map_match_open, map_match_lookup, map_match_close,
};
