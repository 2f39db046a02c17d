/*
 * nametab.h - hash table from names (strings) to pointers
 *
 * The parameter registry, main.cf and postconf look names up often and
 * in bulk, so they share this small open-addressing table. The table
 * owns copies of the names; the values belong to the caller.
 */

#ifndef NAMETAB_H
#define NAMETAB_H

#include "sysdeps.h"

typedef struct NAMETAB NAMETAB;

/* An empty table sized for about hint names (it grows as needed). */
extern NAMETAB *nametab_create(size_t hint);

/*
 * Frees the table and its copies of the names; calls free_fn (may be
 * NULL) for every value first.
 */
extern void nametab_free_(NAMETAB *tab, void (*free_fn)(void *));
#define nametab_free(pp, fn) (nametab_free_(*(pp), (fn)), *(pp) = NULL)

/* The value stored under name, or NULL. */
extern void *nametab_find(const NAMETAB *tab, const char *name);

/* 1 when name is in the table (its value may be NULL). */
extern int nametab_exists(const NAMETAB *tab, const char *name);

/*
 * Stores value under name. Returns the previous value when the name
 * was there (the value is replaced), else NULL.
 */
extern void *nametab_enter(NAMETAB *tab, const char *name, void *value);

/* Number of names in the table. */
extern size_t nametab_count(const NAMETAB *tab);

#endif
