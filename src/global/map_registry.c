/*
 * map_registry.c - the list of table types built into this program
 *
 * Each driver is listed once, in the table below; a driver that needs an
 * optional library is listed under that library's feature flag, here
 * and in its own file only. map_type_names() (postconf -m) and
 * map_open() both read this list, so a type is either fully there or
 * not there at all.
 */

#include "sysdeps.h"

#include <string.h>

#include "argv.h"
#include "map.h"

/* The drivers (each defined in its map_TYPE.c). */
extern const MAP_DRIVER map_driver_btree;
extern const MAP_DRIVER map_driver_environ;
extern const MAP_DRIVER map_driver_fail;
extern const MAP_DRIVER map_driver_hash;
extern const MAP_DRIVER map_driver_inline;
extern const MAP_DRIVER map_driver_proxy;
extern const MAP_DRIVER map_driver_static;
extern const MAP_DRIVER map_driver_texthash;
extern const MAP_DRIVER map_driver_unix;
/* Pattern drivers: one extern line each (map_regexp.c, map_pcre.c, ...). */
extern const MAP_DRIVER map_driver_cidr;
#ifdef HAS_PCRE
extern const MAP_DRIVER map_driver_pcre;
#endif
extern const MAP_DRIVER map_driver_regexp;
/* SQL drivers: one extern line each (map_mysql.c). */
#ifdef HAS_MYSQL
extern const MAP_DRIVER map_driver_mysql;
#endif

/*
 * The registry. One line per driver; a driver that is added later gets
 * one extern line above and one line below, under the comment that names
 * its group (an optional library's both under its #ifdef). The order does
 * not matter: map_type_names() sorts.
 */
static const MAP_DRIVER *const map_drivers[] = {
	/* Simple drivers (map_static.c, map_inline.c, ...). */
	&map_driver_environ,
	&map_driver_fail,
	&map_driver_inline,
	&map_driver_proxy,
	&map_driver_static,
	&map_driver_texthash,
	&map_driver_unix,
#ifdef HAS_DB
	/* Berkeley DB drivers (map_hash.c, map_btree.c). */
	&map_driver_btree,
	&map_driver_hash,
#endif
	/* Pattern drivers: one line each (map_regexp.c, map_pcre.c, ...). */
	&map_driver_cidr,
#ifdef HAS_PCRE
	&map_driver_pcre,
#endif
	&map_driver_regexp,
	/* SQL drivers: one line each (map_mysql.c, under HAS_MYSQL). */
#ifdef HAS_MYSQL
	&map_driver_mysql,
#endif
};

/* map_driver_find - the driver for a type, or NULL */

const MAP_DRIVER *
map_driver_find(const char *type)
{
	size_t  i;

	for (i = 0; i < ARRAY_LEN(map_drivers); i++)
		if (strcmp(map_drivers[i]->type, type) == 0)
			return map_drivers[i];
	return NULL;
}

/* map_type_names - the built-in types, sorted, as postconf -m prints them */

ARGV   *
map_type_names(void)
{
	ARGV   *names = argv_create();
	size_t  i;

	for (i = 0; i < ARRAY_LEN(map_drivers); i++)
		argv_add(names, map_drivers[i]->type);
	argv_sort(names);
	return names;
}

/*
 * map_default_type - the type postmap and postalias use without "type:"
 *
 * Postfix's default_database_type is "hash" where Berkeley DB is built
 * in. Without it Postfix would pick another indexed type (lmdb, cdb);
 * we have none, so we fall back to texthash, which every build has. It
 * can be read but not built by postmap, which then says so clearly.
 */

const char *
map_default_type(void)
{
#ifdef HAS_DB
	return "hash";
#else
	return "texthash";
#endif
}
