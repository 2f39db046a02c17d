/*
 * map_db_test.c - unit tests for the Berkeley DB tables (hash, btree)
 *
 * Every test runs for both types. The file format is checked by
 * reading and writing .db files with the Berkeley DB API directly, the
 * way Postfix's postmap leaves them. Lock checks need a second process,
 * because fcntl() locks never conflict within one: a fork()ed child
 * tries the lock without waiting and reports through its exit status.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAS_DB
#include <db.h>
#endif

#include "argv.h"
#include "lock_file.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "map_db.h"

#ifdef HAS_DB

static const char *const types[] = {"hash", "btree"};

static STRBUF *logged;			/* log lines since the last reset */
static char *dir;			/* scratch directory */

#define RW_CREATE	(O_RDWR | O_CREAT | O_TRUNC)

/* capture - extra log output: keep every line */

static void
capture(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* table_path - DIR/NAME; caller frees */

static char *
table_path(const char *name)
{
	return str_concat(dir, "/", name, (char *) 0);
}

/* db_file - DIR/NAME.db; caller frees */

static char *
db_file(const char *name)
{
	return str_concat(dir, "/", name, ".db", (char *) 0);
}

/* topen - open type:DIR/name, which must work */

static MAP *
topen(const char *type, const char *name, int open_flags, int map_flags)
{
	STRBUF *why = strbuf_create(100);
	char   *spec = str_concat(type, ":", dir, "/", name, (char *) 0);
	MAP    *map = map_open(spec, open_flags, map_flags, why);

	if (map == NULL)
		fail_msg("open %s: %s", spec, strbuf_str(why));
	xfree(spec);
	strbuf_free(&why);
	return map;
}

/* topen_err - open type:DIR/name, which must fail with text in the reason */

static void
topen_err(const char *type, const char *name, int open_flags, int map_flags,
	  const char *want)
{
	STRBUF *why = strbuf_create(100);
	char   *spec = str_concat(type, ":", dir, "/", name, (char *) 0);
	MAP    *map = map_open(spec, open_flags, map_flags, why);

	if (map != NULL)
		fail_msg("open %s: unexpected success", spec);
	if (strstr(strbuf_str(why), want) == NULL)
		fail_msg("open %s: got \"%s\", want \"%s\"", spec,
			 strbuf_str(why), want);
	xfree(spec);
	strbuf_free(&why);
}

/* tclose - close a written table, which must commit */

static void
tclose(MAP *map)
{
	STRBUF *why = strbuf_create(100);

	if (map_close_commit(map, why) != 0)
		fail_msg("close: %s", strbuf_str(why));
	strbuf_free(&why);
}

/* expect - one lookup and its result */

static void
expect(MAP *map, const char *key, int status, const char *value)
{
	STRBUF *val = strbuf_create(10);
	int     got = map_lookup(map, key, val);

	if (got != status)
		fail_msg("%s:%s lookup \"%s\": status %d, want %d (%s)", map->type,
			 map->name, key, got, status, map_error(map));
	if (status == MAP_FOUND && strcmp(strbuf_str(val), value) != 0)
		fail_msg("%s:%s lookup \"%s\": \"%s\", want \"%s\"", map->type,
			 map->name, key, strbuf_str(val), value);
	strbuf_free(&val);
}

/* put - one update and its result */

static void
put(MAP *map, const char *key, const char *value, int status)
{
	int     got = map_update(map, key, value);

	if (got != status)
		fail_msg("%s:%s update \"%s\": status %d, want %d (%s)", map->type,
			 map->name, key, got, status, map_error(map));
}

/* raw_open - the file through the Berkeley DB API, no environment */

static DB *
raw_open(const char *type, const char *path, u_int32_t flags)
{
	DB     *db;
	int     err;

	assert_int_equal(db_create(&db, NULL, 0), 0);
	err = db->open(db, NULL, path, NULL,
		       strcmp(type, "hash") == 0 ? DB_HASH : DB_BTREE, flags, 0644);
	if (err != 0)
		fail_msg("raw open %s: %s", path, db_strerror(err));
	return db;
}

/* raw_has - whether the file has key with exactly this value (sizes too) */

static int
raw_has(const char *type, const char *path, const char *key, size_t klen,
	const char *value, size_t vlen)
{
	DB     *db = raw_open(type, path, DB_RDONLY);
	DBT     k;
	DBT     v;
	int     found;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *) key;
	k.size = (u_int32_t) klen;
	found = db->get(db, NULL, &k, &v, 0) == 0 && v.size == vlen
		&& memcmp(v.data, value, vlen) == 0;
	db->close(db, 0);
	return found;
}

/* raw_create - write a table as another program might: with or without NUL */

static void
raw_create(const char *type, const char *path, int with_nul,
	   const char *const *pairs)
{
	DB     *db;
	DBT     k;
	DBT     v;

	unlink(path);
	db = raw_open(type, path, DB_CREATE);
	for (; pairs[0]; pairs += 2) {
		memset(&k, 0, sizeof(k));
		memset(&v, 0, sizeof(v));
		k.data = (void *) pairs[0];
		k.size = (u_int32_t) (strlen(pairs[0]) + (with_nul ? 1 : 0));
		v.data = (void *) pairs[1];
		v.size = (u_int32_t) (strlen(pairs[1]) + (with_nul ? 1 : 0));
		assert_int_equal(db->put(db, NULL, &k, &v, 0), 0);
	}
	assert_int_equal(db->close(db, 0), 0);
}

/* child_lock - in another process, try a lock without waiting */

static int
child_lock(const char *path, int mode)
{
	pid_t   pid;
	int     status;

	if ((pid = fork()) == 0) {
		int     fd = open(path, mode == LOCK_MODE_EXCLUSIVE ? O_RDWR : O_RDONLY);

		if (fd < 0)
			_exit(3);
		if (lock_fcntl(fd, mode, LOCK_NOWAIT) == 0)
			_exit(0);
		_exit(errno == EAGAIN ? 1 : 2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);		/* 0: got it, 1: held elsewhere */
}

/* test_create_lookup - build, reopen read-only, look up */

static void
test_create_lookup(void **state)
{
	static const struct {
		const char *key;
		int     status;
		const char *value;
	} t[] = {
		{"user@example.com", MAP_FOUND, "local"},
		{"USER@EXAMPLE.COM", MAP_FOUND, "local"},
		{"example.net", MAP_FOUND, "smtp:[relay]:25 with spaces"},
		{"example.org", MAP_FOUND, ""},
		{"example", MAP_NOTFOUND, NULL},
		{"", MAP_NOTFOUND, NULL},
	};
	size_t  i;
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		MAP    *map = topen(types[n], "t", RW_CREATE, MAP_F_FOLD_FIX);
		char   *path = db_file("t");

		assert_true(map->flags & MAP_F_FIXED);
		assert_true(map->flags & MAP_F_TRY1NULL);
		assert_false(map->flags & MAP_F_TRY0NULL);
		put(map, "User@Example.COM", "local", MAP_FOUND);
		put(map, "example.net", "smtp:[relay]:25 with spaces", MAP_FOUND);
		put(map, "example.org", "", MAP_FOUND);
		expect(map, "user@example.com", MAP_FOUND, "local");
		tclose(map);

		/* Postfix's layout: folded key and value, each with its NUL. */
		assert_true(raw_has(types[n], path, "user@example.com", 17,
				    "local", 6));
		assert_false(raw_has(types[n], path, "user@example.com", 16,
				     "local", 5));

		map = topen(types[n], "t", O_RDONLY, MAP_F_FOLD_FIX);
		for (i = 0; i < ARRAY_LEN(t); i++)
			expect(map, t[i].key, t[i].status, t[i].value);
		assert_int_equal(map_update(map, "a", "b"), MAP_RETRY);
		assert_non_null(strstr(map_error(map),
				       "update operation is not supported"));
		assert_int_equal(map_delete(map, "example.net"), MAP_RETRY);
		map_close(map);

		/* Without folding the stored (folded) key must match exactly. */
		map = topen(types[n], "t", O_RDONLY, 0);
		expect(map, "USER@EXAMPLE.COM", MAP_NOTFOUND, NULL);
		expect(map, "user@example.com", MAP_FOUND, "local");
		map_close(map);
		unlink(path);
		xfree(path);
	}
}

/* test_nul_compat - tables written with and without the trailing NUL */

static void
test_nul_compat(void **state)
{
	static const char *const pairs[] = {"a", "1", "bb", "22", NULL};
	STRBUF *key = strbuf_create(10);
	STRBUF *val = strbuf_create(10);
	size_t  n;
	int     nul;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		char   *path = db_file("raw");

		for (nul = 0; nul <= 1; nul++) {
			MAP    *map;

			raw_create(types[n], path, nul, pairs);
			map = topen(types[n], "raw", O_RDONLY, 0);
			assert_int_equal((map->flags & MAP_F_TRY1NULL) != 0, nul);
			assert_int_equal((map->flags & MAP_F_TRY0NULL) != 0, !nul);
			expect(map, "a", MAP_FOUND, "1");
			expect(map, "bb", MAP_FOUND, "22");
			expect(map, "b", MAP_NOTFOUND, NULL);
			assert_int_equal(map_sequence(map, MAP_SEQ_FIRST, key, val),
					 MAP_FOUND);
			assert_int_equal(strbuf_len(key), strlen(strbuf_str(key)));
			map_close(map);

			/* An update keeps the table's convention. */
			map = topen(types[n], "raw", O_RDWR, 0);
			put(map, "c", "3", MAP_FOUND);
			tclose(map);
			assert_true(raw_has(types[n], path, "c", 1 + nul, "3",
					    1 + nul));
		}

		/* An empty table: both forms stay possible until one matches. */
		raw_create(types[n], path, 0, pairs + 4);
		{
			MAP    *map = topen(types[n], "raw", O_RDONLY, 0);

			assert_true(map->flags & MAP_F_TRY0NULL);
			assert_true(map->flags & MAP_F_TRY1NULL);
			expect(map, "a", MAP_NOTFOUND, NULL);
			map_close(map);
		}

		/* The caller may ask for the form (postmap -n). */
		{
			MAP    *map = topen(types[n], "raw", RW_CREATE,
					    MAP_F_TRY0NULL);

			put(map, "k", "v", MAP_FOUND);
			tclose(map);
			assert_true(raw_has(types[n], path, "k", 1, "v", 1));
		}
		unlink(path);
		xfree(path);
	}
	strbuf_free(&key);
	strbuf_free(&val);
}

/* test_duplicates - the MAP_F_DUP_* policies */

static void
test_duplicates(void **state)
{
	static const struct {
		int     flags;
		int     status;		/* of the second update */
		const char *value;	/* afterwards */
		int     warns;
	} t[] = {
		{MAP_F_DUP_WARN, MAP_NOTFOUND, "first", 1},
		{MAP_F_DUP_IGNORE, MAP_NOTFOUND, "first", 0},
		{MAP_F_DUP_REPLACE, MAP_FOUND, "second", 0},
		{0, MAP_RETRY, "first", 0},
	};
	size_t  i;
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		char   *path = db_file("dup");

		for (i = 0; i < ARRAY_LEN(t); i++) {
			MAP    *map = topen(types[n], "dup", RW_CREATE,
					    t[i].flags | MAP_F_FOLD_FIX);
			STRBUF *want = strbuf_create(100);

			strbuf_reset(logged);
			put(map, "Key", "first", MAP_FOUND);
			put(map, "KEY", "second", t[i].status);
			strbuf_printf(want, "%s: duplicate entry: \"key\"", path);
			if (t[i].status == MAP_RETRY)
				assert_string_equal(map_error(map), strbuf_str(want));
			if (t[i].warns) {
				STRBUF *line = strbuf_create(100);

				strbuf_printf(line, "warning: %s\n", strbuf_str(want));
				assert_string_equal(strbuf_str(logged), strbuf_str(line));
				strbuf_free(&line);
			} else {
				assert_string_equal(strbuf_str(logged), "");
			}
			expect(map, "key", MAP_FOUND, t[i].value);
			tclose(map);
			strbuf_free(&want);
		}
		unlink(path);
		xfree(path);
	}
}

/* test_sequence - every entry once, keys without their NUL */

static void
test_sequence(void **state)
{
	STRBUF *key = strbuf_create(10);
	STRBUF *val = strbuf_create(10);
	size_t  n;
	int     i;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		MAP    *map = topen(types[n], "seq", RW_CREATE, 0);
		ARGV   *seen = argv_create();
		int     func;
		char   *path = db_file("seq");

		for (i = 0; i < 200; i++) {
			strbuf_printf(key, "key%03d", i);
			strbuf_printf(val, "value%d", i * 7);
			put(map, strbuf_str(key), strbuf_str(val), MAP_FOUND);
		}
		tclose(map);
		map = topen(types[n], "seq", O_RDONLY, 0);
		for (func = MAP_SEQ_FIRST;
		     map_sequence(map, func, key, val) == MAP_FOUND;
		     func = MAP_SEQ_NEXT) {
			assert_int_equal(strbuf_len(key), strlen(strbuf_str(key)));
			assert_int_equal(strbuf_len(val), strlen(strbuf_str(val)));
			argv_add_printf(seen, "%s=%s", strbuf_str(key),
					strbuf_str(val));
		}
		assert_int_equal(seen->argc, 200);
		argv_sort(seen);
		for (i = 0; i < 200; i++) {
			strbuf_printf(key, "key%03d=value%d", i, i * 7);
			assert_string_equal(seen->argv[i], strbuf_str(key));
		}
		/* FIRST starts over. */
		assert_int_equal(map_sequence(map, MAP_SEQ_FIRST, key, val),
				 MAP_FOUND);
		map_close(map);
		argv_free(&seen);
		unlink(path);
		xfree(path);
	}
	strbuf_free(&key);
	strbuf_free(&val);
}

/* test_incremental - update and delete in place (postmap -i, -d) */

static void
test_incremental(void **state)
{
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		MAP    *map = topen(types[n], "inc", RW_CREATE, MAP_F_FOLD_FIX);
		char   *path = db_file("inc");

		put(map, "a", "1", MAP_FOUND);
		put(map, "b", "2", MAP_FOUND);
		tclose(map);

		map = topen(types[n], "inc", O_RDWR, MAP_F_FOLD_FIX);
		put(map, "C", "3", MAP_FOUND);
		assert_int_equal(map_delete(map, "A"), MAP_FOUND);
		assert_int_equal(map_delete(map, "a"), MAP_NOTFOUND);
		assert_int_equal(map_delete(map, "nosuch"), MAP_NOTFOUND);
		assert_int_equal(map_delete(map, ""), MAP_NOTFOUND);
		tclose(map);

		map = topen(types[n], "inc", O_RDONLY, 0);
		expect(map, "a", MAP_NOTFOUND, NULL);
		expect(map, "b", MAP_FOUND, "2");
		expect(map, "c", MAP_FOUND, "3");
		map_close(map);

		/* Without O_TRUNC the existing entries stay. */
		topen_err(types[n], "nosuch", O_RDWR, 0,
			  "No such file or directory");
		unlink(path);
		xfree(path);
	}
}

/* test_sync_update - MAP_F_SYNC_UPDATE and map_sync() reach the file */

static void
test_sync_update(void **state)
{
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		MAP    *map = topen(types[n], "sync", RW_CREATE, MAP_F_SYNC_UPDATE);
		char   *path = db_file("sync");

		put(map, "k", "v", MAP_FOUND);
		assert_true(raw_has(types[n], path, "k", 2, "v", 2));
		map_close(map);

		map = topen(types[n], "sync", O_RDWR, 0);
		put(map, "k2", "v2", MAP_FOUND);
		assert_int_equal(map_sync(map), 0);
		assert_true(raw_has(types[n], path, "k2", 3, "v2", 3));
		map_close(map);
		unlink(path);
		xfree(path);
	}
}

/* test_bulk - a rebuild replaces the file whole; old readers go on */

static void
test_bulk(void **state)
{
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		char   *path = db_file("bulk");
		char   *tmp = str_concat(path, ".tmp", (char *) 0);
		MAP    *old_reader;
		MAP    *writer;
		MAP    *reader;
		struct stat st_old;
		struct stat st;

		writer = topen(types[n], "bulk", RW_CREATE, MAP_F_BULK_UPDATE);
		put(writer, "a", "old", MAP_FOUND);
		put(writer, "gone", "soon", MAP_FOUND);
		tclose(writer);
		assert_int_equal(access(tmp, F_OK), -1);
		assert_int_equal(stat(path, &st_old), 0);

		old_reader = topen(types[n], "bulk", O_RDONLY, 0);
		expect(old_reader, "a", MAP_FOUND, "old");
		assert_int_equal(map_changed(old_reader), 0);

		/* While the build runs, the installed file is the old one. */
		writer = topen(types[n], "bulk", RW_CREATE, MAP_F_BULK_UPDATE);
		assert_int_equal(access(tmp, F_OK), 0);
		put(writer, "a", "new", MAP_FOUND);
		put(writer, "b", "added", MAP_FOUND);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_ino == st_old.st_ino);
		expect(old_reader, "a", MAP_FOUND, "old");
		expect(old_reader, "b", MAP_NOTFOUND, NULL);

		/* Other writers wait; so do readers that open now. */
		assert_int_equal(child_lock(path, LOCK_MODE_EXCLUSIVE), 1);
		assert_int_equal(child_lock(path, LOCK_MODE_SHARED), 1);

		/* Last: closing any descriptor of the file drops our lock. */
		assert_true(raw_has(types[n], path, "a", 2, "old", 4));
		tclose(writer);
		assert_int_equal(child_lock(path, LOCK_MODE_EXCLUSIVE), 0);

		/* Installed by rename: a new file, and no temporary left. */
		assert_int_equal(access(tmp, F_OK), -1);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_ino != st_old.st_ino);

		/* The reader opened before the rebuild keeps working. */
		assert_int_equal(map_changed(old_reader), 1);
		expect(old_reader, "a", MAP_FOUND, "old");
		expect(old_reader, "gone", MAP_FOUND, "soon");
		map_close(old_reader);

		reader = topen(types[n], "bulk", O_RDONLY, 0);
		assert_int_equal(map_changed(reader), 0);
		{
			/* An update in place changes the modification time. */
			struct timespec ts[2] = {{0, UTIME_OMIT}, {12345, 0}};

			assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
			assert_int_equal(map_changed(reader), 1);
		}
		expect(reader, "a", MAP_FOUND, "new");
		expect(reader, "b", MAP_FOUND, "added");
		expect(reader, "gone", MAP_NOTFOUND, NULL);
		map_close(reader);

		/* A temporary file left by a crash does not stop a build. */
		assert_int_equal(close(open(tmp, O_WRONLY | O_CREAT, 0644)), 0);
		writer = topen(types[n], "bulk", RW_CREATE, MAP_F_BULK_UPDATE);
		put(writer, "x", "y", MAP_FOUND);
		map_close(writer);		/* plain close installs too */
		reader = topen(types[n], "bulk", O_RDONLY, 0);
		expect(reader, "x", MAP_FOUND, "y");
		expect(reader, "a", MAP_NOTFOUND, NULL);
		map_close(reader);
		assert_int_equal(access(tmp, F_OK), -1);

		unlink(path);
		xfree(path);
		xfree(tmp);
	}
}

/* test_locks - readers hold no lock after open; writers hold one */

static void
test_locks(void **state)
{
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		char   *path = db_file("lk");
		MAP    *map = topen(types[n], "lk", RW_CREATE, 0);

		assert_int_equal(map->lock_fd, -1);
		assert_int_equal(child_lock(path, LOCK_MODE_SHARED), 1);
		put(map, "k", "v", MAP_FOUND);
		tclose(map);

		map = topen(types[n], "lk", O_RDONLY, MAP_F_LOCK);
		assert_true(map->lock_fd >= 0);
		assert_int_equal(child_lock(path, LOCK_MODE_EXCLUSIVE), 0);
		expect(map, "k", MAP_FOUND, "v");
		assert_int_equal(child_lock(path, LOCK_MODE_EXCLUSIVE), 0);
		assert_int_equal(map_lock(map, MAP_LOCK_SHARED), 0);
		assert_int_equal(child_lock(path, LOCK_MODE_EXCLUSIVE), 1);
		assert_int_equal(child_lock(path, LOCK_MODE_SHARED), 0);
		assert_int_equal(map_lock(map, MAP_LOCK_NONE), 0);
		map_close(map);
		unlink(path);
		xfree(path);
	}
}

/* test_errors - files that cannot be opened */

static void
test_errors(void **state)
{
	size_t  n;

	for (n = 0; n < ARRAY_LEN(types); n++) {
		char   *path = db_file("junk");
		char   *src = table_path("nosuch");
		STRBUF *want = strbuf_create(100);
		FILE   *fp;

		strbuf_printf(want, "%s:%s: open database %s.db: No such file or "
			      "directory", types[n], src, src);
		topen_err(types[n], "nosuch", O_RDONLY, 0, strbuf_str(want));
		assert_int_equal(access(src, F_OK), -1);

		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs("this is not a database\n", fp);
		fclose(fp);
		topen_err(types[n], "junk", O_RDONLY, 0, "open database");
		topen_err(types[n], "junk", O_RDWR, 0, "open database");
		assert_int_equal(access(path, F_OK), 0);
		unlink(path);

		/* A table of another type is not this type. */
		{
			const char *other = n == 0 ? types[1] : types[0];
			MAP    *map = topen(other, "junk", RW_CREATE, 0);

			put(map, "k", "v", MAP_FOUND);
			tclose(map);
			topen_err(types[n], "junk", O_RDONLY, 0, "open database");
		}
		unlink(path);
		xfree(path);
		xfree(src);
		strbuf_free(&want);
	}
	{
		STRBUF *why = strbuf_create(10);

		assert_null(map_open("hash:", O_RDONLY, 0, why));
		assert_string_equal(strbuf_str(why), "hash:: empty table name");
		strbuf_free(&why);
	}
}

/* test_cache_size - a tiny cache still works (the table pages) */

static void
test_cache_size(void **state)
{
	STRBUF *key = strbuf_create(10);
	MAP    *map;
	int     i;

	map_db_set_cache_size(0, 64 * 1024);
	map = topen("hash", "big", RW_CREATE, MAP_F_BULK_UPDATE);
	for (i = 0; i < 20000; i++) {
		strbuf_printf(key, "key-%d@example.com", i);
		put(map, strbuf_str(key), strbuf_str(key), MAP_FOUND);
	}
	tclose(map);
	map_db_set_cache_size(0, 64 * 1024 * 1024);
	map = topen("hash", "big", O_RDONLY, 0);
	for (i = 0; i < 20000; i += 997) {
		strbuf_printf(key, "key-%d@example.com", i);
		expect(map, strbuf_str(key), MAP_FOUND, strbuf_str(key));
	}
	map_close(map);
	{
		char   *path = db_file("big");

		unlink(path);
		xfree(path);
	}
	strbuf_free(&key);
}

/* setup - scratch directory and log capture */

static int
setup(void **state)
{
	char    tmpl[] = "/tmp/map_db_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	logged = strbuf_create(100);
	log_init("map_db_test", 0);
	log_add_output(capture);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	if (rmdir(dir) < 0)
		fprintf(stderr, "rmdir %s: %s\n", dir, strerror(errno));
	xfree(dir);
	strbuf_free(&logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_lookup),
		cmocka_unit_test(test_nul_compat),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_sync_update),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cache_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

/* test_no_db - without Berkeley DB the types are not registered */

static void
test_no_db(void **state)
{
	STRBUF *why = strbuf_create(10);

	assert_null(map_driver_find("hash"));
	assert_null(map_driver_find("btree"));
	assert_null(map_open("hash:/nosuch", O_RDONLY, 0, why));
	assert_string_equal(strbuf_str(why), "unsupported dictionary type: hash");
	map_db_set_cache_size(1, 1);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
