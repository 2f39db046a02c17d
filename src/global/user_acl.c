/*
 * user_acl.c - user access lists of the commands
 *
 * See user_acl.h. Used by setgid programs (postdrop, postqueue), so
 * everything here runs with the caller's real user ID known and the
 * list taken from the trusted main.cf only.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "cfgline.h"
#include "map.h"		/* global */
#include "user_acl.h"

#define ACL_DELIMS	", \t\r\n"

/* user_acl_table - is user a key of the table: 1, 0, -1 (error) */

static int
user_acl_table(const char *spec, const char *user)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *value;
	MAP    *map;
	int	ret;

	if ((map = map_open(spec, O_RDONLY, MAP_F_FOLD_ANY, why)) == NULL) {
		log_warn("%s", strbuf_str(why));
		strbuf_free(&why);
		return -1;
	}
	value = strbuf_create(100);
	switch (map_lookup(map, user, value)) {
	case MAP_FOUND:
		ret = 1;
		break;
	case MAP_NOTFOUND:
		ret = 0;
		break;
	default:
		log_warn("%s: table lookup problem: %s", spec, map_error(map));
		ret = -1;
		break;
	}
	map_close(map);
	strbuf_free(&value);
	strbuf_free(&why);
	return ret;
}

static int user_acl_list(const char *list, const char *user, int depth);

/* user_acl_file - the patterns of a /file/name item: 1, 0, -1 */

static int
user_acl_file(const char *path, const char *user, int depth)
{
	STRBUF *line;
	FILE   *fp;
	int	lineno = 0, first, ret = 0;

	if (depth > 5) {
		log_warn("%s: /file/name patterns nested too deep", path);
		return -1;
	}
	if ((fp = fopen(path, "re")) == NULL) {
		log_warn("open %s: %m", path);
		return -1;
	}
	line = strbuf_create(100);
	while (ret == 0 && cfgline_read(fp, line, &lineno, &first) == 0)
		ret = user_acl_list(strbuf_str(line), user, depth + 1);
	(void) fclose(fp);
	strbuf_free(&line);
	return ret;
}

/*
 * user_acl_list - first matching pattern: 1 (allow), -2 (a "!" match:
 * deny), 0 (no match), -1 (error)
 */

static int
user_acl_list(const char *list, const char *user, int depth)
{
	char   *copy = xstrdup(list);
	char   *bp = copy;
	char   *item;
	int	negate, match = 0;

	while ((item = token_next(&bp, ACL_DELIMS)) != NULL) {
		negate = *item == '!';
		item += negate;
		if (*item == '/')
			match = user_acl_file(item, user, depth);
		else if (strchr(item, ':') != NULL)
			match = user_acl_table(item, user);
		else
			match = strcasecmp(item, user) == 0;
		if (match == -2 && negate)	/* !/file with a ! inside */
			match = 1;
		else if (match == 1 && negate)
			match = -2;
		if (match != 0)
			break;
	}
	xfree(copy);
	return match;
}

/* user_acl_match - does the list let user in? */

int
user_acl_match(const char *list, const char *user)
{
	return user_acl_list(list, user, 0) == 1;
}

/* user_acl_name - login name of uid, or "unknown" */

const char *
user_acl_name(uid_t uid, STRBUF *name)
{
	struct passwd *pw;

	if ((pw = getpwuid(uid)) != NULL)
		strbuf_set(name, pw->pw_name);
	else
		strbuf_set(name, "unknown");
	return strbuf_str(name);
}

/* user_acl_require - exit unless the real user is on the list */

void
user_acl_require(const char *list, const char *what)
{
	STRBUF *name = strbuf_create(40);
	uid_t	uid = getuid();

	if (!user_acl_match(list, user_acl_name(uid, name)))
		log_fatal_status(EX_NOPERM, "User %s(%ld) is not allowed to %s",
				 strbuf_str(name), (long) uid, what);
	strbuf_free(&name);
}
