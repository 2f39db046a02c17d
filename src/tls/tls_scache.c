/*
 * tls_scache.c - TLS session cache in a lookup table shared by processes
 *
 * Postfix keeps sessions in tlsmgr(8); here each process opens the
 * table (usually "btree:/path") for every access and closes it again.
 * The table layer holds an exclusive lock from a writer's open to its
 * close, so concurrent smtpd (or smtp) processes take turns and every
 * access sees what the others stored. A record is
 * "seconds-since-epoch:hex DER of the SSL_SESSION"; stale ones are
 * treated as absent and deleted.
 *
 * Security: the table is created at init time, in pre_jail as root,
 * and handed to mail_owner so that the daemon can still write it after
 * it drops privileges. Records come from our own processes only, but
 * they are still parsed defensively (hex, length checked by OpenSSL).
 */

#include "sysdeps.h"

#ifdef USE_TLS

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "hex.h"
#include "stringops.h"
#include "map.h"
#include "params_global.h"
#include "tls_int.h"

struct TLS_SCACHE {
	char   *spec;			/* "btree:/path" */
	int	timeout;		/* seconds */
};

/* tls_scache_map - open the table for one access */

static MAP *
tls_scache_map(TLS_SCACHE *cache)
{
	STRBUF *why = strbuf_create(100);
	MAP    *map;

	if ((map = map_open(cache->spec, O_RDWR | O_CREAT,
			    MAP_F_DUP_REPLACE | MAP_F_SYNC_UPDATE, why)) == 0)
		log_warn("TLS session cache: %s", strbuf_str(why));
	strbuf_free(&why);
	return map;
}

/* tls_scache_open - remember and create the table */

TLS_SCACHE *
tls_scache_open(const char *spec, int timeout, STRBUF *why)
{
	TLS_SCACHE *cache;
	MAP    *map;
	const char *colon;
	struct passwd *pw;
	char   *path;

	if ((map = map_open(spec, O_RDWR | O_CREAT, MAP_F_DUP_REPLACE, why)) == 0)
		return 0;
	map_close(map);

	/*
	 * Created by root in pre_jail: let the unprivileged daemon write it
	 * later. Berkeley DB tables live in "name.db".
	 */
	if (geteuid() == 0 && var_mail_owner && *var_mail_owner
	    && (pw = getpwnam(var_mail_owner)) != 0
	    && (colon = strchr(spec, ':')) != 0) {
		path = str_concat(colon + 1, ".db", (char *) 0);
		if (chown(path, pw->pw_uid, pw->pw_gid) < 0 && errno != ENOENT)
			log_warn("TLS session cache: chown %s: %m", path);
		xfree(path);
	}
	cache = xcalloc(1, sizeof(*cache));
	cache->spec = xstrdup(spec);
	cache->timeout = timeout > 0 ? timeout : 3600;
	return cache;
}

/* tls_scache_get - the DER of a fresh session under key */

int
tls_scache_get(TLS_SCACHE *cache, const char *key, STRBUF *der)
{
	STRBUF *value = strbuf_create(500);
	MAP    *map;
	char   *end;
	long	stamp;
	int	status;
	int	ret = -1;

	if ((map = tls_scache_map(cache)) == 0) {
		strbuf_free(&value);
		return -1;
	}
	status = map_lookup(map, key, value);
	if (status == MAP_FOUND) {
		errno = 0;
		stamp = strtol(strbuf_str(value), &end, 10);
		if (errno == 0 && *end == ':'
		    && stamp + cache->timeout > (long) time(0)
		    && hex_decode(der, end + 1, strlen(end + 1), 0) == 0)
			ret = 0;
		else
			(void) map_delete(map, key);
	}
	map_close(map);
	strbuf_free(&value);
	return ret;
}

/* tls_scache_put - store a session under key */

void
tls_scache_put(TLS_SCACHE *cache, const char *key, const void *der,
	       size_t len)
{
	STRBUF *value = strbuf_create(2 * len + 30);
	MAP    *map;

	strbuf_printf(value, "%ld:", (long) time(0));
	(void) hex_encode(value, der, len, HEX_FLAG_APPEND);
	if ((map = tls_scache_map(cache)) != 0) {
		if (map_update(map, key, strbuf_str(value)) == MAP_RETRY)
			log_warn("TLS session cache: %s", map_error(map));
		map_close(map);
	}
	strbuf_free(&value);
}

/* tls_scache_delete - forget a session */

void
tls_scache_delete(TLS_SCACHE *cache, const char *key)
{
	MAP    *map;

	if ((map = tls_scache_map(cache)) != 0) {
		(void) map_delete(map, key);
		map_close(map);
	}
}

/* tls_scache_close - free the handle */

void
tls_scache_close(TLS_SCACHE *cache)
{
	xfree(cache->spec);
	xfree(cache);
}

#endif					/* USE_TLS */
