/*
 * map_fail.c - table that always fails
 *
 * "fail:name" answers every operation with MAP_RETRY, so that mail that
 * depends on it waits in the queue. It stands in for a table that is
 * not available, and lets tests exercise the error paths of callers.
 */

#include "sysdeps.h"

#include "strbuf.h"
#include "map.h"

/* fail_error - the one answer of this table */

static int
fail_error(MAP *map)
{
	strbuf_printf(map->why, "%s:%s: table lookup problem", map->type,
		      map->name);
	return MAP_RETRY;
}

/* fail_lookup - fail */

static int
fail_lookup(MAP *map, const char *key, STRBUF *value)
{
	return fail_error(map);
}

/* fail_update - fail */

static int
fail_update(MAP *map, const char *key, const char *value)
{
	return fail_error(map);
}

/* fail_delete - fail */

static int
fail_delete(MAP *map, const char *key)
{
	return fail_error(map);
}

/* fail_sequence - fail */

static int
fail_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	return fail_error(map);
}

/* fail_open - any name will do */

static MAP *
fail_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP    *map = map_alloc("fail", name, sizeof(*map), open_flags,
				map_flags | MAP_F_FIXED);

	map->lookup = fail_lookup;
	map->update = fail_update;
	map->delete = fail_delete;
	map->sequence = fail_sequence;
	return map;
}

const MAP_DRIVER map_driver_fail = {
	.type = "fail",
	.flags = MAP_F_FIXED,
	.open = fail_open,
};
