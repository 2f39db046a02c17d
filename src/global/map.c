/*
 * map.c - the lookup table interface: open by "type:name", then operate
 *
 * Everything a caller sees goes through here, so the common rules live
 * in one place: keys are lower-cased per the map's flags before a driver
 * sees them (Postfix's dict_get() does the same), an empty key is never
 * found, an operation a driver lacks is an error rather than a silent
 * "not found", and MAP_F_LOCK wraps each access in a file lock.
 */

#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"
#include "lock_file.h"
#include "map.h"

/* map_alloc - allocate and fill the common part of a driver's MAP */

MAP    *
map_alloc(const char *type, const char *name, size_t size, int open_flags,
	  int map_flags)
{
	MAP    *map;

	if (size < sizeof(MAP))
		log_panic("map_alloc: size %zu is less than a MAP", size);
	map = xcalloc(1, size);
	map->type = type;
	map->name = xstrdup(name);
	map->open_flags = open_flags;
	map->flags = map_flags;
	map->lock_fd = -1;
	map->stat_fd = -1;
	map->mtime = 0;
	map->why = strbuf_create(100);
	map->fold_buf = NULL;
	map_list_add(map);
	return map;
}

/* map_free - release the common part; the driver closed its own state */

void
map_free(MAP *map)
{
	map_list_remove(map);
	xfree(map->name);
	strbuf_free(&map->why);
	if (map->fold_buf)
		strbuf_free(&map->fold_buf);
	xfree(map);
}

/* map_open3 - open a table by type and name */

MAP    *
map_open3(const char *type, const char *name, int open_flags, int map_flags,
	  STRBUF *why)
{
	const MAP_DRIVER *drv;
	MAP    *map;
	STRBUF *reason;

	if ((drv = map_driver_find(type)) == NULL) {
		/* Postfix's wording, which administrators search for. */
		strbuf_printf(why, "unsupported dictionary type: %s", type);
		return NULL;
	}
	reason = strbuf_create(100);
	if ((map = drv->open(name, open_flags, map_flags, reason)) == NULL) {

		/*
		 * The contract promises "type:name: reason". A reason that
		 * names the table already (as many of Postfix's do) is not
		 * given the name a second time.
		 */
		char   *spec = str_concat(type, ":", name, (char *) 0);
		const char *r = strbuf_str(reason);

		if (*r && strstr(r, spec) != NULL)
			strbuf_set(why, r);
		else
			strbuf_printf(why, "%s: %s", spec, *r ? r : "open failed");
		/* A daemon restarts when the missing file shows up. */
		if (open_flags == O_RDONLY && *name == '/')
			map_list_failed(spec, name);
		xfree(spec);
		strbuf_free(&reason);
		return NULL;
	}
	strbuf_free(&reason);
	map->flags |= drv->flags & (MAP_F_FIXED | MAP_F_PATTERN);
	return map;
}

/* map_open - open a table by "type:name" */

MAP    *
map_open(const char *spec, int open_flags, int map_flags, STRBUF *why)
{
	const char *colon;
	char   *type;
	MAP    *map;

	if ((colon = strchr(spec, ':')) == NULL || colon == spec) {
		strbuf_printf(why, "open dictionary: expecting \"type:name\" "
			      "form instead of \"%s\"", spec);
		return NULL;
	}
	type = xstrndup(spec, (size_t) (colon - spec));
	map = map_open3(type, colon + 1, open_flags, map_flags, why);
	xfree(type);
	return map;
}

/* map_fold - the key as the driver must see it, folded per the flags */

static const char *
map_fold(MAP *map, const char *key)
{
	if (((map->flags & MAP_F_FOLD_FIX) && (map->flags & MAP_F_FIXED))
	    || ((map->flags & MAP_F_FOLD_MUL) && (map->flags & MAP_F_PATTERN))) {
		if (map->fold_buf == NULL)
			map->fold_buf = strbuf_create(100);
		strbuf_set(map->fold_buf, key);
		return str_lower(strbuf_str(map->fold_buf));
	}
	return key;
}

/* map_unsupported - report an operation that the type cannot do */

static int
map_unsupported(MAP *map, const char *what)
{
	strbuf_printf(map->why, "table %s:%s: %s operation is not supported",
		      map->type, map->name, what);
	return MAP_RETRY;
}

/* map_lock_around - take the per-access lock that MAP_F_LOCK asks for */

static int
map_lock_around(MAP *map, int op)
{
	if ((map->flags & MAP_F_LOCK) == 0 || map->lock_fd < 0)
		return 0;
	return map_lock(map, op);
}

/* map_lookup - look up a key */

int
map_lookup(MAP *map, const char *key, STRBUF *value)
{
	int     status;

	strbuf_reset(map->why);
	if (*key == 0)
		return MAP_NOTFOUND;
	if (map->lookup == NULL)
		return map_unsupported(map, "lookup");
	key = map_fold(map, key);
	if (map_lock_around(map, MAP_LOCK_SHARED) < 0)
		return MAP_RETRY;
	status = map->lookup(map, key, value);
	if (map_lock_around(map, MAP_LOCK_NONE) < 0)
		return MAP_RETRY;
	if (map->flags & MAP_F_DEBUG)
		log_info("map_lookup: %s:%s: %s = %s", map->type, map->name, key,
			 status == MAP_FOUND ? strbuf_str(value) :
			 status == MAP_NOTFOUND ? "not found" : map_error(map));
	return status;
}

/* map_update - add or replace an entry */

int
map_update(MAP *map, const char *key, const char *value)
{
	int     status;

	strbuf_reset(map->why);
	if (map->update == NULL)
		return map_unsupported(map, "update");
	key = map_fold(map, key);
	if (map_lock_around(map, MAP_LOCK_EXCL) < 0)
		return MAP_RETRY;
	status = map->update(map, key, value);
	if (map_lock_around(map, MAP_LOCK_NONE) < 0)
		return MAP_RETRY;
	if (map->flags & MAP_F_DEBUG)
		log_info("map_update: %s:%s: %s = %s: %s", map->type, map->name,
			 key, value, status == MAP_FOUND ? "stored" :
			 status == MAP_NOTFOUND ? "not stored" : map_error(map));
	return status;
}

/* map_delete - remove an entry */

int
map_delete(MAP *map, const char *key)
{
	int     status;

	strbuf_reset(map->why);
	if (*key == 0)
		return MAP_NOTFOUND;
	if (map->delete == NULL)
		return map_unsupported(map, "delete");
	key = map_fold(map, key);
	if (map_lock_around(map, MAP_LOCK_EXCL) < 0)
		return MAP_RETRY;
	status = map->delete(map, key);
	if (map_lock_around(map, MAP_LOCK_NONE) < 0)
		return MAP_RETRY;
	if (map->flags & MAP_F_DEBUG)
		log_info("map_delete: %s:%s: %s: %s", map->type, map->name, key,
			 status == MAP_FOUND ? "deleted" :
			 status == MAP_NOTFOUND ? "not found" : map_error(map));
	return status;
}

/* map_sequence - walk the table: MAP_SEQ_FIRST, then MAP_SEQ_NEXT */

int
map_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	int     status;

	strbuf_reset(map->why);
	if (func != MAP_SEQ_FIRST && func != MAP_SEQ_NEXT)
		log_panic("map_sequence: bad function %d", func);
	if (map->sequence == NULL)
		return map_unsupported(map, "sequence");
	if (map_lock_around(map, MAP_LOCK_SHARED) < 0)
		return MAP_RETRY;
	status = map->sequence(map, func, key, value);
	if (map_lock_around(map, MAP_LOCK_NONE) < 0)
		return MAP_RETRY;
	return status;
}

/* map_lock - lock or unlock the table's file, when it has one */

int
map_lock(MAP *map, int op)
{
	int     mode;

	if (map->lock_fd < 0)
		return 0;
	switch (op) {
	case MAP_LOCK_NONE:
		mode = LOCK_MODE_NONE;
		break;
	case MAP_LOCK_SHARED:
		mode = LOCK_MODE_SHARED;
		break;
	case MAP_LOCK_EXCL:
		mode = LOCK_MODE_EXCLUSIVE;
		break;
	default:
		log_panic("map_lock: bad lock operation %d", op);
	}
	if (lock_fcntl(map->lock_fd, mode, LOCK_WAIT) < 0) {
		strbuf_printf(map->why, "%s:%s: %s dictionary: %s", map->type,
			      map->name, mode == LOCK_MODE_NONE ? "unlock" : "lock",
			      strerror(errno));
		return -1;
	}
	return 0;
}

/* map_sync - flush pending updates to stable storage */

int
map_sync(MAP *map)
{
	strbuf_reset(map->why);
	if (map->sync == NULL)
		return 0;
	return map->sync(map);
}

/* map_close - close the table and free it */

void
map_close(MAP *map)
{
	if (map->close)
		map->close(map);
	else
		map_free(map);
}

/* map_error - the text of the last error */

const char *
map_error(const MAP *map)
{
	return strbuf_str(map->why);
}

/* map_close_commit - make updates durable, then close; report the result */

int
map_close_commit(MAP *map, STRBUF *why)
{
	int     status;

	strbuf_reset(map->why);
	status = map->commit ? map->commit(map) : map_sync(map);
	if (status < 0)
		strbuf_printf(why, "%s:%s: %s", map->type, map->name,
			      *map_error(map) ? map_error(map) : "commit failed");
	map_close(map);
	return status < 0 ? -1 : 0;
}


/* map_split_specs - a parameter's list of tables, braces kept whole */

ARGV   *
map_split_specs(const char *param, const char *value)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *specs;

	if ((specs = argv_split_q(value, ", \t\r\n", "{}", why)) == NULL)
		log_fatal("%s: %s", param, strbuf_str(why));
	strbuf_free(&why);
	return specs;
}
