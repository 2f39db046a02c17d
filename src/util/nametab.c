/*
 * nametab.c - hash table from names (strings) to pointers
 *
 * Open addressing with linear probing over a power-of-two array that is
 * kept at most half full, so a lookup touches one or two slots. Names
 * are never deleted, which keeps probing simple.
 */

#include "sysdeps.h"

#include <stdint.h>

#include "mem.h"
#include "nametab.h"

typedef struct NAMETAB_SLOT {
	char *name; /* NULL: free slot */
	void *value;
} NAMETAB_SLOT;

struct NAMETAB {
	NAMETAB_SLOT *slots;
	size_t size; /* a power of two */
	size_t used;
};

/* nametab_hash - FNV-1a over the bytes of the name */

static size_t
nametab_hash(const char *name)
{
	uint32_t h = 2166136261u;
	const unsigned char *cp;

	for (cp = (const unsigned char *) name; *cp; cp++) {
		h ^= *cp;
		h *= 16777619u;
	}
	return h;
}

/* nametab_slot - the slot that holds name, or the free slot for it */

static NAMETAB_SLOT *
nametab_slot(const NAMETAB *tab, const char *name)
{
	size_t mask = tab->size - 1;
	size_t i = nametab_hash(name) & mask;

	while (tab->slots[i].name != NULL &&
	       strcmp(tab->slots[i].name, name) != 0)
		i = (i + 1) & mask;
	return tab->slots + i;
}

/* nametab_create - empty table */

NAMETAB *
nametab_create(size_t hint)
{
	NAMETAB *tab = xmalloc(sizeof(*tab));

	tab->size = 16;
	while (tab->size < size_mul(hint, 2))
		tab->size = size_mul(tab->size, 2);
	tab->slots = xcalloc(tab->size, sizeof(*tab->slots));
	tab->used = 0;
	return tab;
}

/* nametab_grow - double the array and rehash */

static void
nametab_grow(NAMETAB *tab)
{
	NAMETAB_SLOT *old = tab->slots;
	size_t old_size = tab->size;
	size_t i;

	tab->size = size_mul(tab->size, 2);
	tab->slots = xcalloc(tab->size, sizeof(*tab->slots));
	for (i = 0; i < old_size; i++)
		if (old[i].name != NULL)
			*nametab_slot(tab, old[i].name) = old[i];
	xfree(old);
}

/* nametab_free_ - destroy the table */

void
nametab_free_(NAMETAB *tab, void (*free_fn)(void *))
{
	size_t i;

	if (tab == NULL)
		return;
	for (i = 0; i < tab->size; i++) {
		if (tab->slots[i].name == NULL)
			continue;
		if (free_fn)
			free_fn(tab->slots[i].value);
		xfree(tab->slots[i].name);
	}
	xfree(tab->slots);
	xfree(tab);
}

/* nametab_find - look up a name */

void *
nametab_find(const NAMETAB *tab, const char *name)
{
	return nametab_slot(tab, name)->value;
}

/* nametab_exists - is the name in the table */

int
nametab_exists(const NAMETAB *tab, const char *name)
{
	return nametab_slot(tab, name)->name != NULL;
}

/* nametab_enter - add or replace */

void *
nametab_enter(NAMETAB *tab, const char *name, void *value)
{
	NAMETAB_SLOT *slot = nametab_slot(tab, name);
	void *old;

	if (slot->name != NULL) {
		old = slot->value;
		slot->value = value;
		return old;
	}
	/* Keep the table at most half full, so probes stay short. */
	if (size_mul(tab->used + 1, 2) > tab->size) {
		nametab_grow(tab);
		slot = nametab_slot(tab, name);
	}
	slot->name = xstrdup(name);
	slot->value = value;
	tab->used++;
	return NULL;
}

/* nametab_count - number of names */

size_t
nametab_count(const NAMETAB *tab)
{
	return tab->used;
}
