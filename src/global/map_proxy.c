/*
 * map_proxy.c - "proxy:type:name" tables, opened in-process
 *
 * Postfix sends proxy: lookups to its proxymap(8) service, so that
 * chrooted daemons can read tables outside the jail and share one open
 * copy. This mail system has no proxymap service: a proxy: table is the
 * inner table opened in the calling process (before its jail, where
 * daemons open their tables). Only reading is supported; opening a
 * proxy: table for writing (Postfix's proxywrite) is an error.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>

#include "strbuf.h"
#include "map.h"

typedef struct PROXY_MAP {
	MAP	map;			/* must be first */
	MAP    *inner;			/* the real table */
} PROXY_MAP;

/* proxy_lookup - ask the inner table */

static int
proxy_lookup(MAP *map, const char *key, STRBUF *value)
{
	PROXY_MAP *pm = (PROXY_MAP *) map;
	int	ret = map_lookup(pm->inner, key, value);

	if (ret == MAP_RETRY)
		strbuf_printf(map->why, "%s", map_error(pm->inner));
	return ret;
}

/* proxy_sequence - walk the inner table */

static int
proxy_sequence(MAP *map, int func, STRBUF *key, STRBUF *value)
{
	PROXY_MAP *pm = (PROXY_MAP *) map;
	int	ret = map_sequence(pm->inner, func, key, value);

	if (ret == MAP_RETRY)
		strbuf_printf(map->why, "%s", map_error(pm->inner));
	return ret;
}

/* proxy_close - close both */

static void
proxy_close(MAP *map)
{
	PROXY_MAP *pm = (PROXY_MAP *) map;

	map_close(pm->inner);
	map_free(map);
}

/* proxy_open - open the inner table, read-only */

static MAP *
proxy_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	PROXY_MAP *pm;
	MAP    *inner;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		strbuf_printf(why, "proxy:%s: proxy write access is not "
			      "supported by this mail system (no proxywrite "
			      "service)", name);
		return NULL;
	}
	if (strncmp(name, "proxy:", 6) == 0) {
		strbuf_printf(why, "proxy:%s: nested proxy: table", name);
		return NULL;
	}
	if ((inner = map_open(name, open_flags, map_flags, why)) == NULL)
		return NULL;
	pm = (PROXY_MAP *) map_alloc("proxy", name, sizeof(*pm), open_flags,
				     (map_flags & ~(MAP_F_FIXED | MAP_F_PATTERN))
				     | (inner->flags & (MAP_F_FIXED
							| MAP_F_PATTERN)));
	pm->inner = inner;
	pm->map.lookup = proxy_lookup;
	pm->map.sequence = proxy_sequence;
	pm->map.close = proxy_close;
	return &pm->map;
}

const MAP_DRIVER map_driver_proxy = {
	.type = "proxy",
	.flags = MAP_F_FIXED,
	.open = proxy_open,
};
