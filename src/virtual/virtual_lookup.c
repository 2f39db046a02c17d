/*
 * virtual_lookup.c - virtual(8) table searches and result checks
 *
 * The search order is virtual(8)'s, which differs from the access(5)
 * search in map_search.c: there are no parent domain keys and no bare
 * "user@" key, only the address, the address without its extension,
 * and the "@domain" catch-all.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"		/* global */
#include "map_search.h"
#include "virtual.h"

/* virtual_maps_open - open the tables of one parameter */

VIRTUAL_MAPS *
virtual_maps_open(const char *param, const char *spec)
{
	VIRTUAL_MAPS *vm = xcalloc(1, sizeof(*vm));
	STRBUF *why = strbuf_create(100);
	ARGV   *names;
	char   *fail;
	size_t	i;

	/* inline:{ a=b, c=d } is one table: split outside braces only. */
	if ((names = argv_split_q(spec, ", \t\r\n", "{}", why)) == NULL) {
		log_warn("%s: %s", param, strbuf_str(why));
		names = argv_create();
		argv_add(names, "fail:unbalanced");
	}

	vm->param = param;
	vm->maps = xcalloc(names->argc + 1, sizeof(*vm->maps));
	for (i = 0; i < names->argc; i++) {
		vm->maps[vm->count] = map_open(names->argv[i], O_RDONLY,
					       MAP_F_FOLD_FIX, why);
		if (vm->maps[vm->count] == NULL) {
			log_warn("%s: %s", param, strbuf_str(why));
			fail = str_concat("fail:", names->argv[i], (char *) 0);
			vm->maps[vm->count] = map_open(fail, O_RDONLY, 0, why);
			xfree(fail);
			if (vm->maps[vm->count] == NULL)
				log_panic("open fail: table: %s", strbuf_str(why));
		}
		vm->count++;
	}
	argv_free(&names);
	strbuf_free(&why);
	return vm;
}

/* virtual_maps_free - close the tables */

void
virtual_maps_free(VIRTUAL_MAPS *vm)
{
	size_t	i;

	for (i = 0; i < vm->count; i++)
		map_close(vm->maps[i]);
	xfree(vm->maps);
	xfree(vm);
}

/* virtual_find_key - try every table for one key */

static int
virtual_find_key(VIRTUAL_MAPS *vm, const char *key, int fixed_only,
		 STRBUF *value, STRBUF *why)
{
	size_t	i;
	int	ret;

	for (i = 0; i < vm->count; i++) {
		if (fixed_only && (vm->maps[i]->flags & MAP_F_PATTERN))
			continue;
		ret = map_lookup(vm->maps[i], key, value);
		if (ret == MAP_RETRY) {
			strbuf_printf(why, "%s:%s lookup error for \"%s\": %s",
				      vm->maps[i]->type, vm->maps[i]->name, key,
				      map_error(vm->maps[i]));
			return MAP_RETRY;
		}
		if (ret == MAP_FOUND)
			return MAP_FOUND;
	}
	return MAP_NOTFOUND;
}

/* virtual_maps_find - the address, without extension, then @domain */

int
virtual_maps_find(VIRTUAL_MAPS *vm, const char *address,
		  const char *delimiters, STRBUF *value, STRBUF *why)
{
	STRBUF *key = strbuf_create(100);
	STRBUF *bare = strbuf_create(100);
	const char *at;
	int	ret;

	ret = virtual_find_key(vm, address, 0, value, why);
	if (ret == MAP_NOTFOUND && delimiters && *delimiters
	    && map_search_strip_ext(address, delimiters, 0, bare))
		ret = virtual_find_key(vm, strbuf_str(bare), 1, value, why);
	if (ret == MAP_NOTFOUND && (at = strrchr(address, '@')) != NULL
	    && at[1] != 0) {
		strbuf_set(key, at);
		ret = virtual_find_key(vm, strbuf_str(key), 1, value, why);
	}
	strbuf_free(&key);
	strbuf_free(&bare);
	return ret;
}

/* virtual_path_ok - a relative path that stays below the base */

int
virtual_path_ok(const char *result, STRBUF *why)
{
	const char *cp = result;
	size_t	len;

	if (*result == 0) {
		strbuf_set(why, "empty mailbox name");
		return 0;
	}
	if (*result == '/') {
		strbuf_printf(why, "mailbox name is not relative to "
			      "virtual_mailbox_base: \"%s\"", result);
		return 0;
	}
	while (*cp) {
		len = strcspn(cp, "/");
		if (len == 2 && cp[0] == '.' && cp[1] == '.') {
			strbuf_printf(why, "mailbox name contains a \"..\" "
				      "component: \"%s\"", result);
			return 0;
		}
		cp += len;
		while (*cp == '/')
			cp++;
	}
	return 1;
}

/* virtual_parse_id - a numeric uid or gid result */

long
virtual_parse_id(const char *result, long minimum, STRBUF *why)
{
	long	id;

	if (parse_long(result, &id, 0, INT_MAX) < 0) {
		strbuf_printf(why, "bad numerical value: \"%s\"", result);
		return -1;
	}
	if (id < minimum) {
		strbuf_printf(why, "value %ld is below the minimum %ld", id,
			      minimum);
		return -1;
	}
	return id;
}
