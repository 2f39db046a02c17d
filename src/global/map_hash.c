/*
 * map_hash.c - Berkeley DB hash tables, "hash:/path" in /path.db
 *
 * The work is done in map_db.c, which the btree type shares.
 */

#include "sysdeps.h"

#ifdef HAS_DB

#include "strbuf.h"
#include "map.h"
#include "map_db.h"

/* hash_open - open /path.db as a hash table */

static MAP *
hash_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	return map_db_open("hash", MAP_DB_HASH, name, open_flags, map_flags, why);
}

const MAP_DRIVER map_driver_hash = {
	.type = "hash",
	.flags = MAP_F_FIXED,
	.open = hash_open,
};

#endif
