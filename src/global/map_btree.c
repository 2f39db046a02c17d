/*
 * map_btree.c - Berkeley DB B-tree tables, "btree:/path" in /path.db
 *
 * The work is done in map_db.c, which the hash type shares.
 */

#include "sysdeps.h"

#ifdef HAS_DB

#include "strbuf.h"
#include "map.h"
#include "map_db.h"

/* btree_open - open /path.db as a B-tree */

static MAP *
btree_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	return map_db_open("btree", MAP_DB_BTREE, name, open_flags, map_flags, why);
}

const MAP_DRIVER map_driver_btree = {
	.type = "btree",
	.flags = MAP_F_FIXED,
	.open = btree_open,
};

#endif
