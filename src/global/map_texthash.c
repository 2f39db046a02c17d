/*
 * map_texthash.c - a postmap source file, read into memory at open
 *
 * "texthash:/path" reads /path as postmap would ("key whitespace value"
 * lines, '#' comments, continuation lines that start with white space)
 * and answers from memory, so it needs no database library and no
 * "postmap" run. It is read-only, and it sees changes to the file only
 * when reopened. Malformed lines get a warning with file and line and
 * are skipped, as postmap does; a duplicate key is handled per the
 * MAP_F_DUP_* flags, and with none of them fails the open.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cfgline.h"
#include "log.h"
#include "strbuf.h"
#include "map.h"
#include "map_mem.h"

/* texthash_load - read every entry of the file into the table */

static int
texthash_load(MAP *map, FILE *fp, const char *path, STRBUF *why)
{
	STRBUF *line = strbuf_create(200);
	int     lineno = 0;
	int     first;
	char   *key;
	char   *value;
	int     rc = 0;

	while (cfgline_read(fp, line, &lineno, &first) == 0) {
		key = strbuf_str(line);
		while (isspace((unsigned char) *key))
			key++;
		for (value = key; *value && !isspace((unsigned char) *value); value++)
			 /* void */ ;
		if (*value)
			*value++ = 0;
		while (isspace((unsigned char) *value))
			value++;
		if (*key == 0 || *value == 0) {
			log_warn("%s, line %d: expected format: key whitespace "
				 "value -- ignoring this line", path, first);
			continue;
		}
		if (map_mem_put(map, key, value,
				(map->flags & MAP_F_DUP_REPLACE) != 0) == MAP_FOUND
		    || (map->flags & (MAP_F_DUP_IGNORE | MAP_F_DUP_REPLACE)))
			continue;
		if (map->flags & MAP_F_DUP_WARN) {
			log_warn("%s, line %d: duplicate entry: \"%s\"",
				 path, first, key);
			continue;
		}
		strbuf_printf(why, "%s, line %d: duplicate entry: \"%s\"",
			      path, first, key);
		rc = -1;
		break;
	}
	if (rc == 0 && ferror(fp)) {
		strbuf_printf(why, "read %s: %s", path, strerror(errno));
		rc = -1;
	}
	strbuf_free(&line);
	return rc;
}

/* texthash_open - load the file */

static MAP *
texthash_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP    *map;
	FILE   *fp;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		strbuf_printf(why, "texthash:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	if ((fp = fopen(name, "r")) == NULL) {
		strbuf_printf(why, "open %s: %s", name, strerror(errno));
		return NULL;
	}
	map = map_mem_create("texthash", name, open_flags, map_flags);
	if (texthash_load(map, fp, name, why) < 0) {
		map_close(map);
		map = NULL;
	}
	(void) fclose(fp);
	return map;
}

const MAP_DRIVER map_driver_texthash = {
	.type = "texthash",
	.flags = MAP_F_FIXED,
	.open = texthash_open,
};
