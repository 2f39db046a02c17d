/*
 * addr_map.c - one-to-one address mapping in canonical(5) order
 *
 * Moved here from cleanup so that the smtp client's generic mapping
 * searches tables exactly as canonical mapping does. The caller owns
 * the tables (lookup callback) and the local-domain decision
 * (is_local callback: cleanup and smtp ask trivial-rewrite).
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "strbuf.h"
#include "addr_map.h"		/* global */
#include "addr_parse.h"
#include "map.h"
#include "map_search.h"

/* addr_map_split - where the domain starts (internal form), or -1 */

static ssize_t
addr_map_split(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at - addr : -1;
}

/*
 * addr_map_find - search one address in canonical(5) order
 *
 * Returns MAP_FOUND with the table value in value and the unmatched
 * extension (with its delimiter, or empty) in ext, MAP_NOTFOUND, or
 * MAP_RETRY.
 */

int
addr_map_find(const ADDR_MAP_FIND *find, const char *addr, STRBUF *value,
		 STRBUF *ext)
{
	STRBUF *bare = strbuf_create(100);
	STRBUF *key = strbuf_create(100);
	ssize_t	at = addr_map_split(addr);
	ssize_t	bare_at;
	int     has_ext;
	int     local;
	int     ret;

	strbuf_reset(ext);
	has_ext = map_search_strip_ext(addr, find->delimiters, 0, bare);
	if (has_ext) {
		bare_at = addr_map_split(strbuf_str(bare));
		if (at >= 0 && bare_at >= 0)
			strbuf_set_mem(ext, addr + bare_at,
				       (size_t) (at - bare_at));
		else
			strbuf_set(ext, addr + strbuf_len(bare));
	}

	/* user+ext@domain, user@domain */
	if ((ret = find->lookup(find->context, addr, 0, value)) != MAP_NOTFOUND)
		goto done;
	if (has_ext) {
		if ((ret = find->lookup(find->context, strbuf_str(bare), 1,
					value)) != MAP_NOTFOUND) {
			if (ret == MAP_FOUND)
				goto keep_ext;
			goto done;
		}
	}
	if (at < 0)
		goto done;

	/* user+ext, user: only for local domains */
	if ((local = find->is_local(find->context, addr + at + 1)) < 0) {
		ret = MAP_RETRY;
		goto done;
	}
	if (local) {
		strbuf_set_mem(key, addr, (size_t) at);
		if ((ret = find->lookup(find->context, strbuf_str(key), 1,
					value)) != MAP_NOTFOUND)
			goto done;
		if (has_ext) {
			strbuf_set_mem(key, addr, (size_t) at
				       - strbuf_len(ext));
			if ((ret = find->lookup(find->context, strbuf_str(key),
						1, value)) != MAP_NOTFOUND) {
				if (ret == MAP_FOUND)
					goto keep_ext;
				goto done;
			}
		}
	}

	/* @domain: the whole address stays unmatched, no extension. */
	ret = find->lookup(find->context, addr + at, 1, value);

done:
	strbuf_reset(ext);
keep_ext:
	strbuf_free(&bare);
	strbuf_free(&key);
	return ret;
}

/* addr_map_add_ext - insert an extension before the domain */

static void
addr_map_add_ext(ARGV *out, const char *addr, const char *ext)
{
	ssize_t	at = addr_map_split(addr);
	STRBUF *buf;

	if (ext == NULL || *ext == 0) {
		argv_add(out, addr);
		return;
	}
	buf = strbuf_create(100);
	if (at < 0) {
		strbuf_set(buf, addr);
		strbuf_append_str(buf, ext);
	} else {
		strbuf_set_mem(buf, addr, (size_t) at);
		strbuf_append_str(buf, ext);
		strbuf_append_str(buf, addr + at);
	}
	argv_add(out, strbuf_str(buf));
	strbuf_free(&buf);
}

/*
 * addr_map_crunch - the addresses of a table value, internal form
 *
 * A value "@other.domain" keeps the local part of addr (without the
 * unmatched extension, which is then added back like for any other
 * result when ext is not NULL).
 */

void
addr_map_crunch(const char *addr, const char *value, const char *ext,
		   ARGV *out)
{
	ADDR_LIST *list;
	STRBUF *buf;
	ssize_t	at;
	size_t	i, len;

	argv_truncate(out, 0);
	if (*value == '@') {
		buf = strbuf_create(100);
		at = addr_map_split(addr);
		len = at < 0 ? strlen(addr) : (size_t) at;
		if (ext != NULL && strlen(ext) <= len
		    && strncmp(addr + len - strlen(ext), ext, strlen(ext)) == 0)
			len -= strlen(ext);
		strbuf_set_mem(buf, addr, len);
		list = addr_parse_list(value);
		if (list->count > 0 && list->items[0].domain != NULL) {
			strbuf_append_char(buf, '@');
			strbuf_append_str(buf, list->items[0].domain);
		} else {
			strbuf_append_str(buf, value);
		}
		addr_list_free(&list);
		addr_map_add_ext(out, strbuf_str(buf), ext);
		strbuf_free(&buf);
		return;
	}
	list = addr_parse_list(value);
	for (i = 0; i < list->count; i++)
		if (*list->items[i].addr)
			addr_map_add_ext(out, list->items[i].addr, ext);
	addr_list_free(&list);
}

/* addr_map_phrase - a display name, quoted unless plain words */

static void
addr_map_phrase(STRBUF *out, const char *name)
{
	const char *cp;
	int     plain = (*name != 0);

	for (cp = name; *cp; cp++)
		if ((unsigned char) *cp >= 0x80 || *cp < ' '
		    || strchr("()<>[]:;@\\,.\"", *cp))
			plain = 0;
	if (plain) {
		strbuf_append_str(out, name);
		return;
	}
	strbuf_append_char(out, '"');
	for (cp = name; *cp; cp++) {
		if (*cp == '"' || *cp == '\\')
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *cp);
	}
	strbuf_append_char(out, '"');
}

/*
 * addr_map_format_list - rebuild an address list with new addresses
 *
 * Display names, angle brackets and groups are kept; comments outside
 * the display name and the original folding are not.
 */

void
addr_map_format_list(STRBUF *out, const ADDR_LIST *list, const ARGV *addrs)
{
	const char *group = NULL;
	size_t	i;

	for (i = 0; i < list->count; i++) {
		const ADDR_ITEM *item = list->items + i;
		int     same_group = group && item->group
			&& strcmp(group, item->group) == 0;

		if (group && !same_group) {
			strbuf_append_str(out, ";");
			group = NULL;
		}
		if (i > 0)
			strbuf_append_str(out, ", ");
		if (item->group && !same_group) {
			addr_map_phrase(out, item->group);
			strbuf_append_str(out, ": ");
			group = item->group;
		}
		if (item->display && *item->display) {
			addr_map_phrase(out, item->display);
			strbuf_append_str(out, " <");
			addr_quote(out, addrs->argv[i], 0);
			strbuf_append_str(out, ">");
		} else if (item->angle) {
			strbuf_append_str(out, "<");
			addr_quote(out, addrs->argv[i], 0);
			strbuf_append_str(out, ">");
		} else {
			addr_quote(out, addrs->argv[i], 0);
		}
	}
	if (group)
		strbuf_append_str(out, ";");
}

