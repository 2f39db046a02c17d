/*
 * map_db.c - Berkeley DB tables (hash and btree), shared by both drivers
 *
 * Compatibility with Postfix's files: keys and values are written with
 * a trailing NUL byte (Postfix's default on every system we build on).
 * A table opened without truncation may have been written either way,
 * so its first record is read at open to tell; an empty table tries
 * both forms and remembers the first that matches, as Postfix does.
 *
 * Each table gets its own private DB environment, rooted in the table's
 * directory (so that Berkeley DB never reads a DB_CONFIG from whatever
 * directory the process happens to be in), with a cache whose size
 * depends on whether the table is read or written: a hash table that
 * outgrows the cache while it is built pages constantly (1,000,000
 * entries build in 0.9 s with 64 MB, 2.4 s with Postfix's 16 MB), while
 * lookups run at about 900,000 a second with 128 kB.
 *
 * Locking: fcntl() locks on name.db, through a descriptor of our own.
 * A reader holds a shared lock only while it opens the file, so it never
 * sees a half-written in-place update, and it never blocks a writer
 * for longer. A writer holds an exclusive lock from open to close; the
 * map's lock_fd stays -1 then, so that a per-access map_lock() cannot
 * downgrade it. Since a bulk build replaces the file, a writer that got
 * its lock on a file that has just been renamed away opens the new one.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HAS_DB
#include <db.h>
#endif

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "lock_file.h"
#include "map.h"
#include "map_db.h"

/*
 * Cache sizes. Postfix reads with 128 kB and builds with 16 MB; a
 * larger build cache saves much of the paging of a hash table that
 * outgrows it. Memory is only touched as the table grows into it.
 */
static size_t map_db_read_cache = 128 * 1024;
static size_t map_db_create_cache = 64 * 1024 * 1024;

/* map_db_set_cache_size - set the cache sizes for later opens */

void
map_db_set_cache_size(size_t read_size, size_t create_size)
{
	if (read_size)
		map_db_read_cache = read_size;
	if (create_size)
		map_db_create_cache = create_size;
}

#ifdef HAS_DB

/* Hash tables start with this many buckets (Postfix's choice). */
#define MAP_DB_NELEM	4096

/* How often a writer retries a lock on a file that was replaced. */
#define MAP_DB_LOCK_TRIES 10

#define MAP_DB_TMP_SUFFIX ".tmp"

typedef struct MAP_DB {
	MAP     map;
	DB_ENV *env;
	DB     *db;
	DBC    *cursor;		/* for sequence, or NULL */
	int     fd;		/* our descriptor of db_path; -1 when closed */
	char   *db_path;	/* name.db */
	char   *tmp_path;	/* bulk build: name.db.tmp; else NULL */
	int     committed;	/* commit ran; close only frees */
} MAP_DB;

/* db_errcall - Berkeley DB's own messages; our error text says enough */

static void
db_errcall(const DB_ENV *env, const char *prefix, const char *msg)
{
	if (log_verbose)
		log_info("Berkeley DB: %s", msg);
}

/* db_data_len - the length of a key or value without its trailing NUL */

static size_t
db_data_len(const DBT *dbt)
{
	const char *data = dbt->data;
	size_t  len = dbt->size;

	if (len > 0 && data[len - 1] == 0)
		len--;
	return len;
}

/* db_get - one lookup attempt with the key as given */

static int
db_get(MAP_DB *md, const char *key, size_t len, STRBUF *value)
{
	DBT     k;
	DBT     v;
	int     err;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *) key;
	k.size = (u_int32_t) len;
	switch (err = md->db->get(md->db, NULL, &k, &v, 0)) {
	case 0:
		strbuf_set_mem(value, v.data, db_data_len(&v));
		return MAP_FOUND;
	case DB_NOTFOUND:
	case DB_KEYEMPTY:
		return MAP_NOTFOUND;
	default:
		strbuf_printf(md->map.why, "error reading %s: %s", md->db_path,
			      db_strerror(err));
		return MAP_RETRY;
	}
}

/* db_lookup - find a key, trying the NUL conventions still possible */

static int
db_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_DB *md = (MAP_DB *) map;
	size_t  len = strlen(key);
	int     status = MAP_NOTFOUND;

	if (map->flags & MAP_F_TRY1NULL) {
		if ((status = db_get(md, key, len + 1, value)) == MAP_FOUND)
			map->flags &= ~MAP_F_TRY0NULL;
		if (status != MAP_NOTFOUND)
			return status;
	}
	if (map->flags & MAP_F_TRY0NULL) {
		if ((status = db_get(md, key, len, value)) == MAP_FOUND)
			map->flags &= ~MAP_F_TRY1NULL;
	}
	return status;
}

/* db_flush - write the cache to the file when each update must stick */

static int
db_flush(MAP_DB *md)
{
	int     err;

	if ((err = md->db->sync(md->db, 0)) != 0) {
		strbuf_printf(md->map.why, "flush %s: %s", md->db_path,
			      db_strerror(err));
		return -1;
	}
	return 0;
}

/* db_update - store a key, honouring the duplicate policy */

static int
db_update(MAP *map, const char *key, const char *value)
{
	MAP_DB *md = (MAP_DB *) map;
	DBT     k;
	DBT     v;
	int     err;
	int     status = MAP_FOUND;

	/* Undecided (an empty table): write the Postfix default. */
	if ((map->flags & MAP_F_TRY1NULL) && (map->flags & MAP_F_TRY0NULL))
		map->flags &= ~MAP_F_TRY0NULL;
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *) key;
	v.data = (void *) value;
	k.size = (u_int32_t) strlen(key);
	v.size = (u_int32_t) strlen(value);
	if (map->flags & MAP_F_TRY1NULL) {
		k.size++;
		v.size++;
	}
	err = md->db->put(md->db, NULL, &k, &v,
		       (map->flags & MAP_F_DUP_REPLACE) ? 0 : DB_NOOVERWRITE);
	if (err == DB_KEYEXIST) {
		/* Postfix's dict_db wording, which log watchers know. */
		if (map->flags & MAP_F_DUP_IGNORE) {
			status = MAP_NOTFOUND;
		} else if (map->flags & MAP_F_DUP_WARN) {
			log_warn("%s: duplicate entry: \"%s\"", md->db_path, key);
			status = MAP_NOTFOUND;
		} else {
			strbuf_printf(map->why, "%s: duplicate entry: \"%s\"",
				      md->db_path, key);
			return MAP_RETRY;
		}
	} else if (err != 0) {
		strbuf_printf(map->why, "error writing %s: %s", md->db_path,
			      db_strerror(err));
		return MAP_RETRY;
	}
	if ((map->flags & MAP_F_SYNC_UPDATE) && db_flush(md) < 0)
		return MAP_RETRY;
	return status;
}

/* db_del - one delete attempt with the key as given */

static int
db_del(MAP_DB *md, const char *key, size_t len)
{
	DBT     k;
	int     err;

	memset(&k, 0, sizeof(k));
	k.data = (void *) key;
	k.size = (u_int32_t) len;
	switch (err = md->db->del(md->db, NULL, &k, 0)) {
	case 0:
		return MAP_FOUND;
	case DB_NOTFOUND:
	case DB_KEYEMPTY:
		return MAP_NOTFOUND;
	default:
		strbuf_printf(md->map.why, "error deleting from %s: %s",
			      md->db_path, db_strerror(err));
		return MAP_RETRY;
	}
}

/* db_delete - remove a key, trying the NUL conventions still possible */

static int
db_delete(MAP *map, const char *key)
{
	MAP_DB *md = (MAP_DB *) map;
	size_t  len = strlen(key);
	int     status = MAP_NOTFOUND;

	if (map->flags & MAP_F_TRY1NULL) {
		if ((status = db_del(md, key, len + 1)) == MAP_FOUND)
			map->flags &= ~MAP_F_TRY0NULL;
		if (status != MAP_NOTFOUND)
			goto out;
	}
	if (map->flags & MAP_F_TRY0NULL) {
		if ((status = db_del(md, key, len)) == MAP_FOUND)
			map->flags &= ~MAP_F_TRY1NULL;
	}
out:
	if (status == MAP_FOUND && (map->flags & MAP_F_SYNC_UPDATE)
	    && db_flush(md) < 0)
		return MAP_RETRY;
	return status;
}

/* db_sequence - walk the table with a cursor */

static int
db_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	MAP_DB *md = (MAP_DB *) map;
	DBT     k;
	DBT     v;
	int     err;

	if (md->cursor == NULL) {
		if (func == MAP_SEQ_NEXT)
			func = MAP_SEQ_FIRST;
		if ((err = md->db->cursor(md->db, NULL, &md->cursor, 0)) != 0) {
			md->cursor = NULL;
			strbuf_printf(map->why, "error seeking %s: %s", md->db_path,
				      db_strerror(err));
			return MAP_RETRY;
		}
	}
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	err = md->cursor->get(md->cursor, &k, &v,
			      func == MAP_SEQ_FIRST ? DB_FIRST : DB_NEXT);
	if (err == DB_NOTFOUND)
		return MAP_NOTFOUND;
	if (err != 0) {
		strbuf_printf(map->why, "error seeking %s: %s", md->db_path,
			      db_strerror(err));
		return MAP_RETRY;
	}
	strbuf_set_mem(key, k.data, db_data_len(&k));
	strbuf_set_mem(value, v.data, db_data_len(&v));
	return MAP_FOUND;
}

/* db_sync - write the cache to the file */

static int
db_sync(MAP *map)
{
	return db_flush((MAP_DB *) map);
}

/* db_fsync_path - make a file's data durable before it is renamed */

static int
db_fsync_path(const char *path, STRBUF *why)
{
	int     fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
		strbuf_printf(why, "fsync %s: %s", path, strerror(errno));
		if (fd >= 0)
			(void) close(fd);
		return -1;
	}
	(void) close(fd);
	return 0;
}

/* db_release - close the Berkeley DB handles; 0 or -1 with why */

static int
db_release(MAP_DB *md)
{
	int     err;
	int     rc = 0;

	if (md->cursor) {
		(void) md->cursor->close(md->cursor);
		md->cursor = NULL;
	}
	if (md->db) {
		/* DB->close() writes the cache back to the file. */
		if ((err = md->db->close(md->db, 0)) != 0) {
			strbuf_printf(md->map.why, "close database %s: %s",
				      md->db_path, db_strerror(err));
			rc = -1;
		}
		md->db = NULL;
	}
	if (md->env) {
		(void) md->env->close(md->env, 0);
		md->env = NULL;
	}
	return rc;
}

/* db_commit - flush, and install a bulk build in place of the old file */

static int
db_commit(MAP *map)
{
	MAP_DB *md = (MAP_DB *) map;
	int     rc;

	md->committed = 1;
	if (md->tmp_path == NULL) {
		if (md->db == NULL || (map->open_flags & O_ACCMODE) == O_RDONLY)
			return db_release(md);
		rc = db_flush(md);
		return db_release(md) < 0 ? -1 : rc;
	}
	rc = db_release(md);
	if (rc == 0)
		rc = db_fsync_path(md->tmp_path, map->why);
	if (rc == 0 && rename(md->tmp_path, md->db_path) < 0) {
		strbuf_printf(map->why, "rename %s to %s: %s", md->tmp_path,
			      md->db_path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		(void) unlink(md->tmp_path);
	return rc;
}

/* db_close - commit unless done, release the lock, free */

static void
db_close(MAP *map)
{
	MAP_DB *md = (MAP_DB *) map;

	if (!md->committed && db_commit(map) < 0)
		log_warn("%s:%s: %s", map->type, map->name, map_error(map));
	(void) db_release(md);
	if (md->fd >= 0)
		(void) close(md->fd);		/* also drops our lock */
	xfree(md->db_path);
	xfree(md->tmp_path);
	map_free(map);
}

/* db_lock_open - open our descriptor of db_path and lock it */

static int
db_lock_open(const char *db_path, int writer, int open_flags, STRBUF *why)
{
	struct stat fst;
	struct stat pst;
	int     fd;
	int     tries;

	for (tries = 0; tries < MAP_DB_LOCK_TRIES; tries++) {
		fd = writer ?
			open(db_path, O_RDWR | O_CLOEXEC | (open_flags & O_CREAT),
			     0644) :
			open(db_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			strbuf_printf(why, "open database %s: %s", db_path,
				      strerror(errno));
			return -1;
		}
		if (lock_fcntl(fd, writer ? LOCK_MODE_EXCLUSIVE : LOCK_MODE_SHARED,
			       LOCK_WAIT) < 0) {
			strbuf_printf(why, "%s-lock database %s for open: %s",
				      writer ? "exclusive" : "shared", db_path,
				      strerror(errno));
			(void) close(fd);
			return -1;
		}

		/*
		 * While we waited, a bulk build may have renamed a new file
		 * over this one. Its readers are fine with the old one; a
		 * writer must write the file that has the name.
		 */
		if (!writer)
			return fd;
		if (fstat(fd, &fst) == 0 && stat(db_path, &pst) == 0
		    && fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino)
			return fd;
		(void) close(fd);
	}
	strbuf_printf(why, "lock database %s: file keeps being replaced",
		      db_path);
	return -1;
}

/* db_dirname - the directory part of a path, for the DB environment */

static char *
db_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t) (slash - path));
}

/* db_basename - the file part of a path, relative to the environment */

static const char *
db_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* db_open_handles - create the environment and open the file */

static int
db_open_handles(MAP_DB *md, int method, int writer, int open_flags,
		STRBUF *why)
{
	const char *path = md->tmp_path ? md->tmp_path : md->db_path;
	size_t  cache = writer ? map_db_create_cache : map_db_read_cache;
	char   *home;
	u_int32_t db_flags;
	int     err;

	if ((err = db_env_create(&md->env, 0)) != 0) {
		strbuf_printf(why, "create DB environment: %s", db_strerror(err));
		return -1;
	}
	md->env->set_errcall(md->env, db_errcall);
	if ((err = md->env->set_cachesize(md->env, (u_int32_t) (cache >> 30),
					  (u_int32_t) (cache & ((1U << 30) - 1)),
					  1)) != 0) {
		strbuf_printf(why, "set DB cache size %zu: %s", cache,
			      db_strerror(err));
		return -1;
	}
	home = db_dirname(path);
	err = md->env->open(md->env, home,
			    DB_CREATE | DB_INIT_MPOOL | DB_PRIVATE, 0);
	xfree(home);
	if (err != 0) {
		strbuf_printf(why, "open DB environment: %s", db_strerror(err));
		return -1;
	}
	if ((err = db_create(&md->db, md->env, 0)) != 0) {
		md->db = NULL;
		strbuf_printf(why, "create DB database: %s", db_strerror(err));
		return -1;
	}
	if (method == MAP_DB_HASH
	    && (err = md->db->set_h_nelem(md->db, MAP_DB_NELEM)) != 0) {
		strbuf_printf(why, "set DB hash element count: %s",
			      db_strerror(err));
		return -1;
	}
	if (!writer)
		db_flags = DB_RDONLY;
	else if (md->tmp_path)
		db_flags = DB_CREATE | DB_EXCL;
	else
		db_flags = (open_flags & (O_CREAT | O_TRUNC)) ? DB_CREATE : 0;

	/*
	 * Truncate in place ourselves: DB_TRUNCATE closes and reopens the
	 * file, and that close would drop our lock. Berkeley DB makes a new
	 * table in an empty file when DB_CREATE is given.
	 */
	if (writer && md->tmp_path == NULL && (open_flags & O_TRUNC)
	    && ftruncate(md->fd, 0) < 0) {
		strbuf_printf(why, "truncate %s: %s", md->db_path, strerror(errno));
		return -1;
	}
	if (md->tmp_path && unlink(md->tmp_path) < 0 && errno != ENOENT) {
		strbuf_printf(why, "remove %s: %s", md->tmp_path, strerror(errno));
		return -1;
	}

	/*
	 * DB_FCNTL_LOCKING (undocumented, used by Postfix too) keeps the
	 * descriptors Berkeley DB opens until DB->close(): closing one would
	 * drop our fcntl() lock on the same file.
	 */
	if ((err = md->db->open(md->db, NULL, db_basename(path), NULL,
				method == MAP_DB_HASH ? DB_HASH : DB_BTREE,
				db_flags | DB_FCNTL_LOCKING, 0644)) != 0) {
		strbuf_printf(why, "open database %s: %s", path, db_strerror(err));
		return -1;
	}
	return 0;
}

/* db_probe_nul - tell from the first record how keys were written */

static void
db_probe_nul(MAP_DB *md)
{
	DBC    *cur;
	DBT     k;
	DBT     v;

	if (md->db->cursor(md->db, NULL, &cur, 0) != 0)
		return;
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	if (cur->get(cur, &k, &v, DB_FIRST) == 0 && k.size > 0) {
		if (((const char *) k.data)[k.size - 1] == 0)
			md->map.flags &= ~MAP_F_TRY0NULL;
		else
			md->map.flags &= ~MAP_F_TRY1NULL;
	}
	(void) cur->close(cur);
}

/* db_check_age - warn when the source file is newer than the table */

static void
db_check_age(MAP_DB *md)
{
	struct stat src;
	struct stat db;

	/* Postfix's check: a source edited minutes ago has not been built. */
	if (fstat(md->fd, &db) == 0 && stat(md->map.name, &src) == 0
	    && src.st_mtime > db.st_mtime && src.st_mtime < time(NULL) - 100)
		log_warn("database %s is older than source file %s",
			 md->db_path, md->map.name);
}

/* map_db_open - open name.db */

MAP    *
map_db_open(const char *type, int method, const char *name, int open_flags,
	    int map_flags, STRBUF *why)
{
	MAP_DB *md;
	int     writer = (open_flags & O_ACCMODE) != O_RDONLY;
	int     major;
	int     minor;
	int     patch;

	/* A header and library that disagree corrupt files quietly. */
	(void) db_version(&major, &minor, &patch);
	if (major != DB_VERSION_MAJOR || minor != DB_VERSION_MINOR) {
		strbuf_printf(why, "incorrect version of Berkeley DB: compiled "
			      "against %d.%d.%d, run-time linked against %d.%d.%d",
			      DB_VERSION_MAJOR, DB_VERSION_MINOR,
			      DB_VERSION_PATCH, major, minor, patch);
		return NULL;
	}
	if (*name == 0) {
		strbuf_set(why, "empty table name");
		return NULL;
	}
	md = (MAP_DB *) map_alloc(type, name, sizeof(*md), open_flags,
				  map_flags | MAP_F_FIXED);
	md->env = NULL;
	md->db = NULL;
	md->cursor = NULL;
	md->committed = 0;
	md->db_path = str_concat(name, ".db", (char *) NULL);
	md->tmp_path = NULL;
	if (writer && (map_flags & MAP_F_BULK_UPDATE) && (open_flags & O_TRUNC))
		md->tmp_path = str_concat(md->db_path, MAP_DB_TMP_SUFFIX,
					  (char *) NULL);
	if ((md->fd = db_lock_open(md->db_path, writer, open_flags, why)) < 0
	    || db_open_handles(md, method, writer, open_flags, why) < 0) {
		md->committed = 1;		/* nothing to install */
		if (md->tmp_path && md->fd >= 0)	/* ours: we hold the lock */
			(void) unlink(md->tmp_path);
		db_close(&md->map);
		return NULL;
	}

	/*
	 * A reader needed its lock only to open a consistent file; a
	 * writer keeps its lock, and the descriptor, to the end.
	 */
	if (!writer) {
		(void) lock_fcntl(md->fd, LOCK_MODE_NONE, LOCK_WAIT);
		md->map.lock_fd = md->fd;
		if (map_flags & MAP_F_LOCK)
			db_check_age(md);
	}
	if ((map_flags & (MAP_F_TRY0NULL | MAP_F_TRY1NULL)) == 0) {
		if (open_flags & O_TRUNC) {
			md->map.flags |= MAP_F_TRY1NULL;
		} else {
			md->map.flags |= MAP_F_TRY0NULL | MAP_F_TRY1NULL;
			db_probe_nul(md);
		}
	}
	{
		struct stat st;

		if (fstat(md->fd, &st) == 0) {
			md->map.stat_fd = md->fd;
			md->map.mtime = st.st_mtime;
		}
	}
	md->map.lookup = db_lookup;
	md->map.sequence = db_sequence;
	if (writer) {
		md->map.update = db_update;
		md->map.delete = db_delete;
		md->map.sync = db_sync;
	}
	md->map.commit = db_commit;
	md->map.close = db_close;
	return &md->map;
}

#endif
