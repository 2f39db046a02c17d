/*
 * map_mem.h - in-memory table behind the texthash and inline types
 *
 * A driver that loads all its entries at open time creates one of these,
 * puts the entries in, and hands it out as its MAP: lookups are a hash
 * probe, and sequence walks the entries in the order they were put.
 * The table is read-only to map_update() and map_delete().
 */

#ifndef MAP_MEM_H
#define MAP_MEM_H

#include "sysdeps.h"

#include "map.h"

/* An empty table; flags get MAP_F_FIXED. Free it with map_close(). */
extern MAP *map_mem_create(const char *type, const char *name,
			   int open_flags, int map_flags);

/*
 * Adds an entry; the key is lower-cased first when the table has
 * MAP_F_FOLD_FIX. Returns MAP_FOUND when the key is new, MAP_NOTFOUND
 * when it was there already: then the old value is kept, or replaced
 * when replace is non-zero.
 */
extern int map_mem_put(MAP *map, const char *key, const char *value,
		       int replace);

/* Number of entries. */
extern size_t map_mem_count(const MAP *map);

#endif
