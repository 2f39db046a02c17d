/*
 * map_environ.c - the process environment as a table
 *
 * "environ:name" (the name is not used) looks keys up with getenv();
 * updates change the environment of this process only. Keys are folded
 * to lower case like those of any fixed table when MAP_F_FOLD_FIX is
 * set, as Postfix does, so callers that want "PATH" open it without.
 */

#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "map.h"

extern char **environ;

typedef struct MAP_ENVIRON {
	MAP     map;
	size_t  seq_next;	/* next environ[] slot for MAP_SEQ_NEXT */
} MAP_ENVIRON;

/* environ_lookup - getenv() */

static int
environ_lookup(MAP *map, const char *key, STRBUF *value)
{
	const char *val;

	if ((val = getenv(key)) == NULL)
		return MAP_NOTFOUND;
	strbuf_set(value, val);
	return MAP_FOUND;
}

/* environ_update - setenv() */

static int
environ_update(MAP *map, const char *key, const char *value)
{
	if (setenv(key, value, 1) < 0) {
		strbuf_printf(map->why, "setenv %s: %s", key, strerror(errno));
		return MAP_RETRY;
	}
	return MAP_FOUND;
}

/* environ_delete - unsetenv() */

static int
environ_delete(MAP *map, const char *key)
{
	if (getenv(key) == NULL)
		return MAP_NOTFOUND;
	if (unsetenv(key) < 0) {
		strbuf_printf(map->why, "unsetenv %s: %s", key, strerror(errno));
		return MAP_RETRY;
	}
	return MAP_FOUND;
}

/* environ_sequence - walk environ[] in its order */

static int
environ_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	MAP_ENVIRON *me = (MAP_ENVIRON *) map;
	const char *entry;
	const char *eq;

	if (func == MAP_SEQ_FIRST)
		me->seq_next = 0;
	for (;;) {
		if (environ == NULL || (entry = environ[me->seq_next]) == NULL)
			return MAP_NOTFOUND;
		me->seq_next++;
		if ((eq = strchr(entry, '=')) != NULL)
			break;
	}
	strbuf_set_mem(key, entry, (size_t) (eq - entry));
	strbuf_set(value, eq + 1);
	return MAP_FOUND;
}

/* environ_open - nothing to open */

static MAP *
environ_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_ENVIRON *me;

	me = (MAP_ENVIRON *) map_alloc("environ", name, sizeof(*me), open_flags,
				       map_flags | MAP_F_FIXED);
	me->seq_next = 0;
	me->map.lookup = environ_lookup;
	me->map.update = environ_update;
	me->map.delete = environ_delete;
	me->map.sequence = environ_sequence;
	return &me->map;
}

const MAP_DRIVER map_driver_environ = {
	.type = "environ",
	.flags = MAP_F_FIXED,
	.open = environ_open,
};
