/*
 * map_db.h - Berkeley DB tables (hash and btree), shared by both drivers
 *
 * "hash:/path" and "btree:/path" live in /path.db. Keys and values are
 * stored with their trailing NUL byte, as Postfix stores them, and
 * tables made by Postfix's postmap (with or without the NUL) are read.
 * Readers take a shared lock only while opening; a writer holds an
 * exclusive fcntl() lock on /path.db from open to close. With
 * MAP_F_BULK_UPDATE and O_TRUNC, a writer builds /path.db.tmp and
 * renames it over /path.db at close, so readers see the old table or
 * the new one, never half of one.
 *
 * fcntl() locks belong to the process, and closing any descriptor of a
 * file drops them: a process that has a table open for writing must
 * not open the same table a second time.
 */

#ifndef MAP_DB_H
#define MAP_DB_H

#include "sysdeps.h"

#include "map.h"

struct STRBUF;

/* Access methods for map_db_open(). */
#define MAP_DB_HASH	1
#define MAP_DB_BTREE	2

/*
 * Opens name.db with the access method; same contract as a driver's
 * open. Only built with HAS_DB.
 */
extern MAP *map_db_open(const char *type, int method, const char *name,
			int open_flags, int map_flags, struct STRBUF *why);

/*
 * The per-table cache sizes in bytes for tables opened read-only and
 * for tables opened to write (Postfix's berkeley_db_read_buffer_size and
 * berkeley_db_create_buffer_size); 0 keeps the current value. Affects
 * later opens only. Available in every build (a no-op without HAS_DB).
 */
extern void map_db_set_cache_size(size_t read_size, size_t create_size);

#endif
