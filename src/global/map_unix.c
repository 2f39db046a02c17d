/*
 * map_unix.c - the system's user and group databases as tables
 *
 * "unix:passwd.byname" answers a user name with the passwd line that
 * getpwnam() finds, "name:passwd:uid:gid:gecos:dir:shell";
 * "unix:group.byname" answers a group name with "name:passwd:gid:m1,m2".
 * These are the shapes Postfix prints. A lookup error of the system
 * database (as opposed to "no such user") is MAP_RETRY.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "strbuf.h"
#include "map.h"

/* unix_missing - tell "no such entry" from a failure of the database */

static int
unix_missing(MAP *map, const char *key, int err)
{
	/* getpwnam(3): these mean the name was not found. */
	if (err == 0 || err == ENOENT || err == ESRCH || err == EBADF
	    || err == EPERM)
		return MAP_NOTFOUND;
	strbuf_printf(map->why, "%s:%s: lookup %s: %s", map->type, map->name,
		      key, strerror(err));
	return MAP_RETRY;
}

/* unix_passwd_lookup - getpwnam() */

static int
unix_passwd_lookup(MAP *map, const char *key, STRBUF *value)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(key)) == NULL)
		return unix_missing(map, key, errno);
	strbuf_printf(value, "%s:%s:%ld:%ld:%s:%s:%s", pw->pw_name,
		      pw->pw_passwd, (long) pw->pw_uid, (long) pw->pw_gid,
		      pw->pw_gecos, pw->pw_dir, pw->pw_shell);
	return MAP_FOUND;
}

/* unix_group_lookup - getgrnam() */

static int
unix_group_lookup(MAP *map, const char *key, STRBUF *value)
{
	struct group *gr;
	char  **mem;

	errno = 0;
	if ((gr = getgrnam(key)) == NULL)
		return unix_missing(map, key, errno);
	strbuf_printf(value, "%s:%s:%ld:", gr->gr_name, gr->gr_passwd,
		      (long) gr->gr_gid);
	for (mem = gr->gr_mem; *mem; mem++) {
		if (mem != gr->gr_mem)
			strbuf_append_char(value, ',');
		strbuf_append_str(value, *mem);
	}
	return MAP_FOUND;
}

/* unix_open - pick the database by name */

static MAP *
unix_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	static const struct {
		const char *name;
		int     (*lookup)(MAP *, const char *, STRBUF *);
	} tables[] = {
		{"passwd.byname", unix_passwd_lookup},
		{"group.byname", unix_group_lookup},
	};
	MAP    *map;
	size_t  i;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		strbuf_printf(why, "unix:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	for (i = 0; i < ARRAY_LEN(tables); i++)
		if (strcmp(tables[i].name, name) == 0)
			break;
	if (i == ARRAY_LEN(tables)) {
		strbuf_printf(why, "unknown table: unix:%s", name);
		return NULL;
	}
	map = map_alloc("unix", name, sizeof(*map), open_flags,
			map_flags | MAP_F_FIXED);
	map->lookup = tables[i].lookup;
	return map;
}

const MAP_DRIVER map_driver_unix = {
	.type = "unix",
	.flags = MAP_F_FIXED,
	.open = unix_open,
};
