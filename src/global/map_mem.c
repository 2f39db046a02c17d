/*
 * map_mem.c - in-memory table behind the texthash and inline types
 *
 * Entries live in two parallel arrays (so that sequence returns them in
 * the order of the source) and a name table maps each key to its slot.
 * The name table stores the slot number plus one, because a NULL value
 * there means "absent".
 */

#include "sysdeps.h"

#include <stdint.h>
#include <string.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "nametab.h"
#include "map.h"
#include "map_mem.h"

typedef struct MAP_MEM {
	MAP     map;
	NAMETAB *index;		/* key -> slot + 1 */
	ARGV   *keys;		/* in the order they were put */
	ARGV   *values;		/* values[i] belongs to keys[i] */
	size_t  seq_next;	/* next slot for MAP_SEQ_NEXT */
} MAP_MEM;

/* mem_lookup - find a key */

static int
mem_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_MEM *mm = (MAP_MEM *) map;
	uintptr_t slot;

	if ((slot = (uintptr_t) nametab_find(mm->index, key)) == 0)
		return MAP_NOTFOUND;
	strbuf_set(value, mm->values->argv[slot - 1]);
	return MAP_FOUND;
}

/* mem_sequence - walk the entries in source order */

static int
mem_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	MAP_MEM *mm = (MAP_MEM *) map;

	if (func == MAP_SEQ_FIRST)
		mm->seq_next = 0;
	if (mm->seq_next >= mm->keys->argc)
		return MAP_NOTFOUND;
	strbuf_set(key, mm->keys->argv[mm->seq_next]);
	strbuf_set(value, mm->values->argv[mm->seq_next]);
	mm->seq_next++;
	return MAP_FOUND;
}

/* mem_close - free the entries and the table */

static void
mem_close(MAP *map)
{
	MAP_MEM *mm = (MAP_MEM *) map;

	nametab_free(&mm->index, NULL);
	argv_free(&mm->keys);
	argv_free(&mm->values);
	map_free(map);
}

/* map_mem_create - empty in-memory table */

MAP    *
map_mem_create(const char *type, const char *name, int open_flags,
	       int map_flags)
{
	MAP_MEM *mm;

	mm = (MAP_MEM *) map_alloc(type, name, sizeof(*mm), open_flags,
				   map_flags | MAP_F_FIXED);
	mm->index = nametab_create(16);
	mm->keys = argv_create();
	mm->values = argv_create();
	mm->seq_next = 0;
	mm->map.lookup = mem_lookup;
	mm->map.sequence = mem_sequence;
	mm->map.close = mem_close;
	return &mm->map;
}

/* map_mem_put - add an entry, or handle the duplicate */

int
map_mem_put(MAP *map, const char *key, const char *value, int replace)
{
	MAP_MEM *mm = (MAP_MEM *) map;
	uintptr_t slot;
	char   *folded = NULL;
	int     status;

	if (map->flags & MAP_F_FOLD_FIX)
		key = folded = str_lower(xstrdup(key));
	if ((slot = (uintptr_t) nametab_find(mm->index, key)) != 0) {
		if (replace) {
			xfree(mm->values->argv[slot - 1]);
			mm->values->argv[slot - 1] = xstrdup(value);
		}
		status = MAP_NOTFOUND;
	} else {
		argv_add(mm->keys, key);
		argv_add(mm->values, value);
		(void) nametab_enter(mm->index, key,
				     (void *) (uintptr_t) mm->keys->argc);
		status = MAP_FOUND;
	}
	xfree(folded);
	return status;
}

/* map_mem_count - number of entries */

size_t
map_mem_count(const MAP *map)
{
	return ((const MAP_MEM *) map)->keys->argc;
}
