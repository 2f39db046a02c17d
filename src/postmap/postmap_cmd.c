/*
 * postmap_cmd.c - what postmap and postalias share
 *
 * Opening tables by "[type:]name", building a table from its source
 * file, and the query, delete and list operations, with Postfix's
 * diagnostics and exit rules. A build writes a new file that replaces
 * the old one only when complete (MAP_F_BULK_UPDATE), so a reader never
 * sees half a table; an update from standard input changes the table in
 * place under an exclusive lock. Termination signals wait until the
 * table is closed either way.
 *
 * Security: when root builds or updates a table from a file that root
 * does not own, the effective uid and gid become the file owner's
 * first, so that the result belongs to that owner and a hostile source
 * file cannot make root write where its owner could not (Postfix does
 * the same; -o turns it off). Source files, keys from standard input
 * and table contents are untrusted text.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "cfgline.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "mainconf.h"
#include "map.h"
#include "map_db.h"
#include "param.h"
#include "params_global.h"
#include "postmap.h"

/* The tables of one "-q -" or "-d -" run, opened on first use. */
typedef struct {
	char  **specs;
	MAP   **maps;
	int     count;
	int     open_flags;
	int     map_flags;
	int     flags;			/* POSTMAP_F_* */
	const char *sep;		/* between key and value */
	STRBUF *value;
	STRBUF *decoded;		/* -F */
	int     found;
} POSTMAP_MAPS;

/* postmap_init - program start */

void
postmap_init(char **argv)
{
	struct stat st;
	char   *slash;
	int     fd;

	umask(022);
	for (fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) < 0
		    && (close(fd), open("/dev/null", O_RDWR, 0)) != fd)
			exit(1);		/* nowhere to say it */
	if ((slash = strrchr(argv[0], '/')) != NULL && slash[1])
		argv[0] = slash + 1;		/* getopt() says argv[0] */
	log_init(argv[0], LOG_DEST_STDERR | LOG_DEST_SYSLOG);
	if (getenv("MAIL_VERBOSE"))
		log_verbose = 1;
	(void) mainconf_set_dir_env();
}

/* postmap_config - read main.cf */

void
postmap_config(void)
{
	STRBUF *why = strbuf_create(100);

	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	if (*var_syslog_name)
		log_syslog_name(var_syslog_name);

	/*
	 * Postfix builds Berkeley DB tables with a large cache (a hash table
	 * that outgrows its cache pages heavily) and reads with a small one.
	 */
	map_db_set_cache_size((size_t) var_berkeley_db_read_buffer_size,
			      (size_t) var_berkeley_db_create_buffer_size);
	strbuf_free(&why);
}

/* postmap_split - "type:name" into type (caller frees) and name */

static const char *
postmap_split(const char *spec, char **type)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL) {
		*type = xstrdup(*var_default_database_type ?
				var_default_database_type : map_default_type());
		return spec;
	}
	*type = xstrndup(spec, (size_t) (colon - spec));
	return colon + 1;
}

/* postmap_strip - text without a leading "type:name: " */

static const char *
postmap_strip(const char *text, const char *type, const char *name)
{
	size_t  tlen = strlen(type);
	size_t  nlen = strlen(name);

	if (strncmp(text, type, tlen) == 0 && text[tlen] == ':'
	    && strncmp(text + tlen + 1, name, nlen) == 0
	    && strncmp(text + tlen + 1 + nlen, ": ", 2) == 0)
		text += tlen + 1 + nlen + 2;
	return text;
}

/* postmap_open - open a table or die with the driver's reason */

MAP    *
postmap_open(const char *spec, int open_flags, int map_flags)
{
	STRBUF *why = strbuf_create(100);
	char   *type;
	const char *name = postmap_split(spec, &type);
	MAP    *map;

	if (*type == 0 || *name == 0)
		log_fatal("open dictionary: expecting \"type:name\" form "
			  "instead of \"%s:%s\"", type, name);

	/* Postfix says the driver's words ("open database x.db: ..."). */
	if ((map = map_open3(type, name, open_flags, map_flags, why)) == NULL)
		log_fatal("%s", postmap_strip(strbuf_str(why), type, name));
	xfree(type);
	strbuf_free(&why);
	return map;
}

/* postmap_error - the map's last error, for "table t:n: ... error: %s" */

const char *
postmap_error(MAP *map)
{
	const char *why = postmap_strip(map_error(map), map->type, map->name);

	return *why ? why : "operation failed";
}

/* postmap_printable - a copy of text fit for a log line */

char   *
postmap_printable(const char *text)
{
	char   *copy = xstrdup(text);
	unsigned char *cp;

	for (cp = (unsigned char *) copy; *cp; cp++)
		if (*cp < 0x20 || *cp >= 0x7f)
			*cp = '?';
	return copy;
}

/* postmap_valid_utf8 - RFC 3629 UTF-8: no overlong forms, no surrogates */

static int
postmap_valid_utf8(const char *text)
{
	const unsigned char *cp = (const unsigned char *) text;
	int     more;
	unsigned lo;
	unsigned hi;

	while (*cp) {
		if (*cp < 0x80) {
			cp++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (*cp >= 0xc2 && *cp <= 0xdf) {
			more = 1;
		} else if (*cp >= 0xe0 && *cp <= 0xef) {
			more = 2;
			if (*cp == 0xe0)
				lo = 0xa0;
			else if (*cp == 0xed)
				hi = 0x9f;
		} else if (*cp >= 0xf0 && *cp <= 0xf4) {
			more = 3;
			if (*cp == 0xf0)
				lo = 0x90;
			else if (*cp == 0xf4)
				hi = 0x8f;
		} else {
			return 0;
		}
		for (cp++; more > 0; more--, cp++) {
			if (*cp < lo || *cp > hi)
				return 0;
			lo = 0x80;
			hi = 0xbf;
		}
	}
	return 1;
}

/*
 * postmap_can_create - whether this type has a file format to build.
 * Postfix keeps the same kind of list (its mkmap table); the other
 * types read their source file directly and cannot be built.
 */

static int
postmap_can_create(const char *type)
{
	static const char *const creatable[] = {"btree", "hash", "fail"};
	size_t  i;

	for (i = 0; i < ARRAY_LEN(creatable); i++)
		if (strcmp(type, creatable[i]) == 0)
			return map_driver_find(type) != NULL;
	return 0;
}

/* postmap_signals - hold or release the signals that would kill an update */

static void
postmap_signals(int how, sigset_t *saved)
{
	sigset_t block;

	if (how == SIG_BLOCK) {
		sigemptyset(&block);
		sigaddset(&block, SIGHUP);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGQUIT);
		sigaddset(&block, SIGTERM);
		if (sigprocmask(SIG_BLOCK, &block, saved) < 0)
			log_fatal("sigprocmask: %m");
	} else if (sigprocmask(SIG_SETMASK, saved, NULL) < 0) {
		log_fatal("sigprocmask: %m");
	}
}

/* postmap_set_eugid - become the source file's owner */

static void
postmap_set_eugid(uid_t uid, gid_t gid)
{
	if (geteuid() != 0 && seteuid(0) < 0)
		log_fatal("seteuid(0): %m");
	if (setegid(gid) < 0)
		log_fatal("setegid(%ld): %m", (long) gid);
	if (uid != 0 && setgroups(1, &gid) < 0)
		log_fatal("setgroups(1, &%ld): %m", (long) gid);
	if (seteuid(uid) < 0)
		log_fatal("seteuid(%ld): %m", (long) uid);
}

/* postmap_update - store an entry; a table error is fatal */

void
postmap_update(MAP *map, const char *key, const char *value)
{
	if (map_update(map, key, value) == MAP_RETRY)
		log_fatal("table %s:%s: write error: %s", map->type, map->name,
			  postmap_error(map));
}

/* postmap_build - create a table from its source, or update from stdin */

void
postmap_build(const char *spec, int flags, int open_flags, int map_flags,
	      POSTMAP_LINE_FN line_fn, POSTMAP_END_FN end_fn, void *context)
{
	STRBUF *line = strbuf_create(100);
	const char *path;
	char   *type;
	const char *name = postmap_split(spec, &type);
	struct stat st;
	mode_t  saved_mask = 0;
	sigset_t saved_sigs;
	FILE   *fp;
	MAP    *map;
	int     lineno = 0;
	int     first;
	char   *text;
	char   *p;

	if ((open_flags & O_TRUNC) == 0) {
		fp = stdin;
		path = "stdin";
	} else {
		if (strcmp(type, "proxy") == 0)
			log_fatal("can't create maps via the proxy service");
		map_flags |= MAP_F_BULK_UPDATE;
		if ((fp = fopen(name, "r")) == NULL)
			log_fatal("open %s: %m", name);
		path = name;
	}
	if (fstat(fileno(fp), &st) < 0)
		log_fatal("fstat %s: %m", path);
	if (!postmap_can_create(type))
		log_fatal("unsupported map type for this operation: %s", type);

	/* New files get the source's group and other permissions. */
	if ((flags & POSTMAP_F_SAVE_PERM) && S_ISREG(st.st_mode))
		saved_mask = umask(022 | (~st.st_mode & 077));
	if ((flags & POSTMAP_F_AS_OWNER) && getuid() == 0
	    && (st.st_uid != geteuid() || st.st_gid != getegid()))
		postmap_set_eugid(st.st_uid, st.st_gid);

	postmap_signals(SIG_BLOCK, &saved_sigs);
	map = postmap_open(spec, open_flags, map_flags);
	if (map_lock(map, MAP_LOCK_EXCL) < 0)
		log_fatal("%s", map_error(map));
	if ((flags & POSTMAP_F_SAVE_PERM) && S_ISREG(st.st_mode))
		umask(saved_mask);

	while (cfgline_read(fp, line, &lineno, &first) == 0) {
		text = strbuf_str(line);
		if (*text == ' ' || *text == '\t') {
			p = postmap_printable(text);
			log_warn("%s: logical line must not start with "
				 "whitespace: \"%.30s%s\"", path, p,
				 strlen(p) > 30 ? "..." : "");
			xfree(p);
			continue;
		}
		if ((flags & POSTMAP_F_UTF8) && !postmap_valid_utf8(text)) {
			p = postmap_printable(text);
			log_warn("%s, line %d: non-UTF-8 input \"%s\" -- "
				 "ignoring this line", path, first, p);
			xfree(p);
			continue;
		}
		line_fn(map, text, path, first, context);
	}
	if (ferror(fp))
		log_fatal("read %s: %m", path);
	if (end_fn)
		end_fn(map, context);
	if (map_sync(map) < 0)
		log_fatal("table %s:%s: write error: %s", map->type, map->name,
			  postmap_error(map));
	(void) map_lock(map, MAP_LOCK_NONE);
	map_close(map);
	postmap_signals(SIG_SETMASK, &saved_sigs);

	if (fp != stdin)
		(void) fclose(fp);
	xfree(type);
	strbuf_free(&line);
}

/* postmap_empty_result - Postfix's warning about an empty value */

static void
postmap_empty_result(MAP *map, const char *key)
{
	log_warn("table %s:%s: key %s: empty string result is not allowed",
		 map->type, map->name, key);
	log_warn("table %s:%s should return NO RESULT in case of NOT FOUND",
		 map->type, map->name);
}

/* postmap_decode - -F: a stored value decoded, or NULL after a warning */

static const char *
postmap_decode(MAP *map, const char *key, const char *value, STRBUF *out)
{
	if (base64_decode(out, value, strlen(value), BASE64_FLAG_NONE) < 0) {
		log_warn("table %s:%s: key %s: malformed BASE64 value: %.30s",
			 map->type, map->name, key, value);
		return NULL;
	}
	return strbuf_str(out);
}

/* postmap_maps_init - prepare to open tables lazily */

static void
postmap_maps_init(POSTMAP_MAPS *pm, char **specs, int count, int open_flags,
		  int map_flags, int flags)
{
	pm->specs = specs;
	pm->count = count;
	pm->maps = xcalloc((size_t) count, sizeof(*pm->maps));
	pm->open_flags = open_flags;
	pm->map_flags = map_flags;
	pm->flags = flags;
	pm->sep = "\t";
	pm->value = strbuf_create(100);
	pm->decoded = strbuf_create(100);
	pm->found = 0;
}

/* postmap_maps_get - the nth table, opened on first use */

static MAP *
postmap_maps_get(POSTMAP_MAPS *pm, int n)
{
	if (pm->maps[n] == NULL)
		pm->maps[n] = postmap_open(pm->specs[n], pm->open_flags,
					   pm->map_flags);
	return pm->maps[n];
}

/* postmap_maps_free - close what was opened */

static void
postmap_maps_free(POSTMAP_MAPS *pm)
{
	int     n;

	for (n = 0; n < pm->count; n++)
		if (pm->maps[n])
			map_close(pm->maps[n]);
	xfree(pm->maps);
	strbuf_free(&pm->value);
	strbuf_free(&pm->decoded);
}

/*
 * postmap_lookup - the value from the first table that has the key, or
 * NULL. A table that cannot answer is fatal: "not found" would be a lie.
 */

static const char *
postmap_lookup(POSTMAP_MAPS *pm, const char *key)
{
	MAP    *map;
	int     n;

	for (n = 0; n < pm->count; n++) {
		map = postmap_maps_get(pm, n);
		switch (map_lookup(map, key, pm->value)) {
		case MAP_FOUND:
			if (strbuf_len(pm->value) == 0)
				postmap_empty_result(map, key);
			if (pm->flags & POSTMAP_F_RHS_FILE)
				return postmap_decode(map, key,
						      strbuf_str(pm->value),
						      pm->decoded);
			return strbuf_str(pm->value);
		case MAP_NOTFOUND:
			break;
		default:
			log_fatal("table %s:%s: query error: %s", map->type,
				  map->name, postmap_error(map));
		}
	}
	return NULL;
}

/* postmap_query_key - one key of "-q -": print it when found */

static void
postmap_query_key(void *context, const char *key)
{
	POSTMAP_MAPS *pm = (POSTMAP_MAPS *) context;
	const char *value;

	if ((value = postmap_lookup(pm, key)) != NULL) {
		printf("%s%s%s\n", key, pm->sep, value);
		pm->found = 1;
	}
}

/* postmap_read_key - one line of input without its newline; -1 at EOF */

static int
postmap_read_key(STRBUF *buf, FILE *fp)
{
	int     ch;

	strbuf_reset(buf);
	while ((ch = getc_unlocked(fp)) != EOF && ch != '\n')
		strbuf_append_char(buf, ch);
	return (ch == EOF && strbuf_len(buf) == 0) ? -1 : 0;
}

/* postmap_flush - standard output, or die */

static void
postmap_flush(void)
{
	if (fflush(stdout) != 0)
		log_fatal("write to standard output: %m");
}

/* postmap_queries - "-q -" */

int
postmap_queries(char **specs, int count, const char *sep, int flags,
		int map_flags)
{
	POSTMAP_MAPS pm;
	STRBUF *key = strbuf_create(100);
	POSTMAP_MIME *mime;
	int     mime_flags = 0;
	int     found;

	postmap_maps_init(&pm, specs, count, O_RDONLY, map_flags, flags);
	pm.sep = sep;
	if ((flags & POSTMAP_F_HB_KEY) == 0) {
		while (postmap_read_key(key, stdin) == 0)
			postmap_query_key(&pm, strbuf_str(key));
	} else {
		if (flags & POSTMAP_F_HEADER_KEY)
			mime_flags |= POSTMAP_MIME_HEADERS;
		if (flags & POSTMAP_F_BODY_KEY)
			mime_flags |= POSTMAP_MIME_BODY;
		if (flags & POSTMAP_F_MIME_KEY)
			mime_flags |= POSTMAP_MIME_PARSE;
		mime = postmap_mime_create(mime_flags, postmap_query_key, &pm);
		while (postmap_read_key(key, stdin) == 0
		       && postmap_mime_update(mime, strbuf_str(key)) == 0)
			 /* void */ ;
		postmap_mime_free(mime);
	}
	postmap_flush();
	found = pm.found;
	postmap_maps_free(&pm);
	strbuf_free(&key);
	return found;
}

/* postmap_query - "-q key": each table opened and closed in turn */

int
postmap_query(char **specs, int count, const char *key, int flags,
	      int map_flags)
{
	POSTMAP_MAPS pm;
	const char *value;
	int     found = 0;
	int     n;

	for (n = 0; found == 0 && n < count; n++) {
		postmap_maps_init(&pm, specs + n, 1, O_RDONLY, map_flags, flags);
		if ((value = postmap_lookup(&pm, key)) != NULL) {
			printf("%s\n", value);
			found = 1;
		}
		postmap_flush();
		postmap_maps_free(&pm);
	}
	return found;
}

/* postmap_delete_key - one entry per table; 1 when any table had it */

static int
postmap_delete_key(POSTMAP_MAPS *pm, const char *key)
{
	MAP    *map;
	int     found = 0;
	int     n;

	for (n = 0; n < pm->count; n++) {
		map = postmap_maps_get(pm, n);
		switch (map_delete(map, key)) {
		case MAP_FOUND:
			found = 1;
			break;
		case MAP_NOTFOUND:
			break;
		default:
			if (map->delete == NULL)	/* says "not supported" */
				log_fatal("%s", map_error(map));
			log_fatal("table %s:%s: delete error: %s", map->type,
				  map->name, postmap_error(map));
		}
	}
	return found;
}

/* postmap_deletes - "-d key" or "-d -" */

int
postmap_deletes(char **specs, int count, const char *key, int map_flags)
{
	POSTMAP_MAPS pm;
	STRBUF *buf = strbuf_create(100);
	int     found = 0;
	int     n;

	postmap_maps_init(&pm, specs, count, O_RDWR, map_flags, 0);
	for (n = 0; n < count; n++)	/* all must open before any change */
		(void) postmap_maps_get(&pm, n);
	if (strcmp(key, "-") == 0) {
		while (postmap_read_key(buf, stdin) == 0)
			found |= postmap_delete_key(&pm, strbuf_str(buf));
	} else {
		found = postmap_delete_key(&pm, key);
	}
	postmap_maps_free(&pm);
	strbuf_free(&buf);
	return found;
}

/* postmap_seq - "-s" */

void
postmap_seq(const char *spec, const char *sep, int flags, int map_flags)
{
	STRBUF *key = strbuf_create(100);
	STRBUF *value = strbuf_create(100);
	STRBUF *decoded = strbuf_create(100);
	MAP    *map = postmap_open(spec, O_RDONLY, map_flags);
	const char *v;
	int     func;
	int     status;

	for (func = MAP_SEQ_FIRST;; func = MAP_SEQ_NEXT) {
		if ((status = map_sequence(map, func, key, value)) != MAP_FOUND)
			break;
		if (strbuf_len(key) == 0) {
			log_warn("table %s:%s: empty lookup key value is not "
				 "allowed", map->type, map->name);
		} else if (strbuf_len(value) == 0) {
			postmap_empty_result(map, strbuf_str(key));
		}
		v = strbuf_str(value);
		if ((flags & POSTMAP_F_RHS_FILE)
		    && (v = postmap_decode(map, strbuf_str(key), v,
					   decoded)) == NULL)
			continue;
		printf("%s%s%s\n", strbuf_str(key), sep, v);
	}
	if (status == MAP_RETRY && map->sequence == NULL)
		log_fatal("%s", map_error(map));	/* "not supported" */
	if (status == MAP_RETRY)
		log_fatal("table %s:%s: sequence error: %s", map->type,
			  map->name, postmap_error(map));
	postmap_flush();
	map_close(map);
	strbuf_free(&key);
	strbuf_free(&value);
	strbuf_free(&decoded);
}
