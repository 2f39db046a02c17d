/*
 * map_list.c - the open tables of a process, and whether they changed
 *
 * Kept apart from map.c so that a daemon that only asks whether a table
 * changed (the service skeleton, between requests) does not pull in the
 * table drivers.
 */

#include "sysdeps.h"

#include <sys/stat.h>

#include "map.h"

static MAP *map_open_list;		/* every open table, newest first */

/* map_list_add - a new table (map_alloc) */

void
map_list_add(MAP *map)
{
	map->open_prev = NULL;
	map->open_next = map_open_list;
	if (map_open_list)
		map_open_list->open_prev = map;
	map_open_list = map;
}

/* map_list_remove - a table goes away (map_free) */

void
map_list_remove(MAP *map)
{
	if (map->open_prev)
		map->open_prev->open_next = map->open_next;
	else
		map_open_list = map->open_next;
	if (map->open_next)
		map->open_next->open_prev = map->open_prev;
	map->open_prev = map->open_next = NULL;
}

/* map_changed - whether the file under the table was changed or replaced */

int
map_changed(const MAP *map)
{
	struct stat st;

	if (map->stat_fd < 0)
		return 0;
	if (fstat(map->stat_fd, &st) < 0)
		return 1;
	/* A file renamed over ours leaves ours without a name. */
	return st.st_mtime != map->mtime || st.st_nlink == 0;
}

/* map_changed_any - the first open table whose file changed */

const MAP *
map_changed_any(void)
{
	const MAP *map;

	for (map = map_open_list; map != NULL; map = map->open_next)
		if (map_changed(map))
			return map;
	return NULL;
}
