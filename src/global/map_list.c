/*
 * map_list.c - the open tables of a process, and whether they changed
 *
 * Kept apart from map.c so that a daemon that only asks whether a table
 * changed (the service skeleton, between requests) does not pull in the
 * table drivers.
 */

#include "sysdeps.h"

#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "stringops.h"
#include "map.h"

static MAP *map_open_list;		/* every open table, newest first */

/* Tables whose file was missing at open time. */
typedef struct MAP_FAILED {
	char   *spec;			/* "type:/path" */
	char   *path;
	char   *path_db;		/* path.db, for hash: and btree: */
	int	had_path;		/* path existed at the failure */
	int	had_db;			/* path.db existed */
	struct MAP_FAILED *next;
} MAP_FAILED;

static MAP_FAILED *map_failed_list;
static int map_failed_count;

#define MAP_FAILED_MAX	50		/* remembered, per process */

/* map_list_failed - remember a table that could not be opened */

void
map_list_failed(const char *spec, const char *path)
{
	MAP_FAILED *f;
	char   *path_db = str_concat(path, ".db", (char *) 0);
	int	had_path = access(path, F_OK) == 0;
	int	had_db = access(path_db, F_OK) == 0;

	/* Both there (a broken file) or too many: waiting would not help. */
	if ((had_path && had_db) || map_failed_count >= MAP_FAILED_MAX) {
		xfree(path_db);
		return;
	}
	f = xmalloc(sizeof(*f));
	f->spec = xstrdup(spec);
	f->path = xstrdup(path);
	f->path_db = path_db;
	f->had_path = had_path;
	f->had_db = had_db;
	f->next = map_failed_list;
	map_failed_list = f;
	map_failed_count++;
}

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

/* map_changed_name - the first table that changed or appeared */

const char *
map_changed_name(void)
{
	static char *name;
	const MAP *map;
	const MAP_FAILED *f;

	for (map = map_open_list; map != NULL; map = map->open_next) {
		if (map_changed(map)) {
			xfree(name);
			name = str_concat(map->type, ":", map->name, (char *) 0);
			return name;
		}
	}
	for (f = map_failed_list; f != NULL; f = f->next)
		if ((!f->had_path && access(f->path, F_OK) == 0)
		    || (!f->had_db && access(f->path_db, F_OK) == 0))
			return f->spec;
	return NULL;
}
