/*
 * map.h - the lookup table interface
 *
 * A table is opened by "type:name" (hash:/etc/postfix/access,
 * pcre:/etc/postfix/header_checks, inline:{ a=b, c=d }, mysql:/path.cf)
 * and then looked up, updated, deleted from, or walked, whatever its
 * type. Each type is one driver, in one file (map_TYPE.c), registered
 * once in map_registry.c.
 *
 * Lookups are tri-state: MAP_FOUND (value in the caller's STRBUF),
 * MAP_NOTFOUND, or MAP_RETRY (the table could not answer now: a database
 * is down, a file could not be read). A driver never turns an error into
 * "not found": mail would bounce that should wait.
 */

#ifndef MAP_H
#define MAP_H

#include "sysdeps.h"

#include <fcntl.h>

struct STRBUF;
struct ARGV;

/* Lookup, update, delete and sequence results. */
#define MAP_FOUND	0
#define MAP_NOTFOUND	1
#define MAP_RETRY	(-1)

/* Map flags (the Postfix dictionary flags that matter). */
#define MAP_F_DUP_WARN	(1 << 0)	/* update: warn about duplicate keys */
#define MAP_F_DUP_IGNORE (1 << 1)	/* update: keep the first value */
#define MAP_F_DUP_REPLACE (1 << 2)	/* update: keep the last value */
#define MAP_F_TRY0NULL	(1 << 3)	/* keys stored without trailing NUL */
#define MAP_F_TRY1NULL	(1 << 4)	/* keys stored with trailing NUL */
#define MAP_F_FIXED	(1 << 5)	/* driver: keys are fixed strings */
#define MAP_F_PATTERN	(1 << 6)	/* driver: keys are patterns */
#define MAP_F_LOCK	(1 << 7)	/* lock around each access */
#define MAP_F_FOLD_FIX	(1 << 8)	/* lower-case keys of fixed tables */
#define MAP_F_FOLD_MUL	(1 << 9)	/* lower-case keys of pattern tables */
#define MAP_F_SYNC_UPDATE (1 << 10)	/* flush after each update */
#define MAP_F_BULK_UPDATE (1 << 11)	/* build: new file, then rename */
#define MAP_F_NO_REGSUB	(1 << 12)	/* no $1 substitution in results */
#define MAP_F_PARANOID	(1 << 13)	/* refuse table names with %/$ */
#define MAP_F_MULTI_WRITER (1 << 14)	/* concurrent updaters: lock */
#define MAP_F_DEBUG	(1 << 15)	/* log lookups (-v) */

#define MAP_F_FOLD_ANY	(MAP_F_FOLD_FIX | MAP_F_FOLD_MUL)

/* Sequence functions. */
#define MAP_SEQ_FIRST	0
#define MAP_SEQ_NEXT	1

/* Lock operations for map_lock(). */
#define MAP_LOCK_NONE	0
#define MAP_LOCK_SHARED	1
#define MAP_LOCK_EXCL	2

typedef struct MAP MAP;

struct MAP {
	const char *type;	/* "hash", "pcre", ... */
	char   *name;		/* the part after "type:" */
	int     open_flags;	/* O_RDONLY, O_RDWR|O_CREAT|O_TRUNC */
	int     flags;		/* MAP_F_* */
	int     lock_fd;	/* -1, or the descriptor to lock */
	struct STRBUF *why;	/* the last error, for map_error() */
	struct STRBUF *fold_buf;	/* lower-cased key, when folding */

	/* Driver methods; NULL where the type cannot do it. */
	int     (*lookup)(MAP *map, const char *key, struct STRBUF *value);
	int     (*update)(MAP *map, const char *key, const char *value);
	int     (*delete)(MAP *map, const char *key);
	int     (*sequence)(MAP *map, int func, struct STRBUF *key,
			    struct STRBUF *value);
	int     (*sync)(MAP *map);
	void    (*close)(MAP *map);
	/* Makes all updates durable before close (bulk builds: installs
	 * the new file); 0 or -1 with the reason in why. May be NULL. */
	int     (*commit)(MAP *map);

	/* For map_changed(): a descriptor of the table's file, or -1. */
	int     stat_fd;
	time_t  mtime;		/* its modification time at open */

	/* Every open table of the process (map_changed_any()). */
	struct MAP *open_prev;
	struct MAP *open_next;
};

typedef struct MAP_DRIVER {
	const char *type;
	int     flags;		/* MAP_F_FIXED or MAP_F_PATTERN, ... */
	/*
	 * Opens "name"; on failure NULL with the reason in why (map_open3()
	 * puts "type:name: " in front unless the reason starts with it).
	 */
	MAP    *(*open)(const char *name, int open_flags, int map_flags,
			struct STRBUF *why);
} MAP_DRIVER;

/*
 * Opens "type:name". An unknown type, a file that cannot be opened or
 * parsed: NULL with "type:name: reason" (with file and line for syntax
 * errors) in why.
 */
extern MAP *map_open(const char *spec, int open_flags, int map_flags,
		     struct STRBUF *why);
extern MAP *map_open3(const char *type, const char *name, int open_flags,
		      int map_flags, struct STRBUF *why);

/* The common part of every driver's open: allocate and fill a MAP. */
extern MAP *map_alloc(const char *type, const char *name, size_t size,
		      int open_flags, int map_flags);
extern void map_free(MAP *map);	/* the common part of close */

/*
 * Operations. The key is folded to lower case first when the map has
 * MAP_F_FIXED and MAP_F_FOLD_FIX, or MAP_F_PATTERN and MAP_F_FOLD_MUL
 * (drivers need not fold). An empty key is never found. Lookup, delete
 * and sequence return MAP_FOUND, MAP_NOTFOUND or MAP_RETRY (reason in
 * map_error()); update returns MAP_FOUND (stored), MAP_NOTFOUND (the key
 * existed and was kept: MAP_F_DUP_IGNORE or MAP_F_DUP_WARN) or MAP_RETRY
 * (an error, or a duplicate key without any MAP_F_DUP_* flag). An
 * operation the type lacks is MAP_RETRY. With MAP_F_LOCK each access
 * takes a shared (lookup, sequence) or exclusive lock on lock_fd.
 * map_lock() and map_sync() return 0 or -1.
 */
extern int map_lookup(MAP *map, const char *key, struct STRBUF *value);
extern int map_update(MAP *map, const char *key, const char *value);
extern int map_delete(MAP *map, const char *key);
extern int map_sequence(MAP *map, int func, struct STRBUF *key,
			struct STRBUF *value);
extern int map_lock(MAP *map, int op);
extern int map_sync(MAP *map);
extern void map_close(MAP *map);

/*
 * Closes like map_close(), but first makes every update durable and
 * says whether that worked: 0, or -1 with "type:name: reason" in why.
 * After -1 a bulk build (MAP_F_BULK_UPDATE) has left the old table in
 * place. Programs that write tables (postmap, postalias) close with it.
 */
extern int map_close_commit(MAP *map, struct STRBUF *why);
extern const char *map_error(const MAP *map);	/* last error text */

/*
 * 1 when the table's file was modified or replaced (a bulk rebuild
 * renamed a new file over it) since the map was opened, else 0. A
 * long-running reader checks this between requests and reopens (or,
 * as Postfix daemons do, exits to be restarted). Tables without a file
 * that stays open (drivers that leave stat_fd at -1) never change.
 */
extern int map_changed(const MAP *map);

/*
 * The "type:name" of the first table of this process whose file was
 * changed or replaced since it was opened, or that could not be opened
 * and whose file (name, or name.db) exists now; NULL when there is
 * none. Long-running daemons call it between requests and restart, so
 * that "postmap" takes effect without a reload (as Postfix daemons do).
 */
extern const char *map_changed_name(void);

/*
 * The table specs of a parameter value: "type:name" items separated by
 * commas and/or white space, a "{...}" group kept whole (so that
 * "inline:{ a=b, c=d }" is one item). Fatal, naming param, for
 * unbalanced braces. The caller frees the result.
 */
struct ARGV;
extern struct ARGV *map_split_specs(const char *param, const char *value);

/* map_list.c: map_alloc() and map_free() keep the list of open tables. */
extern void map_list_add(MAP *map);
extern void map_list_remove(MAP *map);

/* map.c: a read-only open of "type:/file" failed (see map_changed_name). */
extern void map_list_failed(const char *spec, const char *path);

/* The driver for a type, or NULL. */
extern const MAP_DRIVER *map_driver_find(const char *type);

/* The types built in, sorted (postconf -m); caller frees. */
extern struct ARGV *map_type_names(void);

/*
 * The default table type (default_database_type): "hash" when Berkeley
 * DB is built in, else "texthash", the only file type every build has.
 */
extern const char *map_default_type(void);

#endif
