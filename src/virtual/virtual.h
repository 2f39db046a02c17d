/*
 * virtual.h - private interfaces of virtual(8)
 *
 * virtual_lookup.c holds the decisions that do not touch mailboxes:
 * which table keys a recipient is looked up with, and whether a
 * mailbox lookup result and a uid/gid lookup result are acceptable.
 */

#ifndef VIRTUAL_H
#define VIRTUAL_H

#include "sysdeps.h"

#include "map.h"

struct STRBUF;

/* A parameter's list of tables, opened once. */
typedef struct VIRTUAL_MAPS {
	const char *param;	/* "virtual_mailbox_maps", for messages */
	MAP   **maps;
	size_t	count;
} VIRTUAL_MAPS;

/*
 * Opens every "type:name" in spec (comma and/or space separated). A
 * table that does not open is logged as a warning and replaced by one
 * that answers MAP_RETRY, so mail waits until the problem is fixed.
 */
extern VIRTUAL_MAPS *virtual_maps_open(const char *param, const char *spec);
extern void virtual_maps_free(VIRTUAL_MAPS *vm);

/*
 * virtual(8)'s search for a recipient: the full address, then the
 * address without its extension (delimiters: recipient_delimiter),
 * then "@domain"; every table is tried for one key before the next
 * key, and pattern tables get the full address only. Keys for fixed
 * tables are lower-cased. Returns MAP_FOUND with the value,
 * MAP_NOTFOUND, or MAP_RETRY (reason in why).
 */
extern int virtual_maps_find(VIRTUAL_MAPS *vm, const char *address,
			     const char *delimiters, struct STRBUF *value,
			     struct STRBUF *why);

/*
 * Is a virtual_mailbox_maps result usable as a path below
 * $virtual_mailbox_base: not empty, not absolute, no ".." component?
 * 1 or 0 with the reason in why.
 */
extern int virtual_path_ok(const char *result, struct STRBUF *why);

/*
 * A uid or gid lookup result: a decimal number not below minimum.
 * Returns the number, or -1 with the reason in why.
 */
extern long virtual_parse_id(const char *result, long minimum,
			     struct STRBUF *why);

#endif
