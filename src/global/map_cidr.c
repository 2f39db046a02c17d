/*
 * map_cidr.c - lookup table keyed by network address blocks (cidr_table(5))
 *
 * Lines are "block result" and "!block result" (Postfix 3.2), where a
 * block is an address or network/prefix, IPv4 or IPv6, optionally in
 * [], plus "if block" ... "endif" (Postfix 3.2), first match wins. A
 * key that is not an address matches nothing; as in Postfix, a block is
 * compared only with keys of its own address family, so "!1.2.3.0/24"
 * does not match an IPv6 key. Lookups never return MAP_RETRY: the whole
 * table is loaded at open time, and a bad line makes the open fail.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>

#include "cidr_match.h"
#include "inet_addr.h"
#include "mem.h"
#include "strbuf.h"
#include "map.h"
#include "map_pattern.h"

typedef struct MAP_CIDR {
	MAP	map;
	MAP_PATTERN_LIST list;
	INET_ADDR addr;		/* the key, during a lookup */
} MAP_CIDR;

/* cidr_negations - skip '!' operators and white space */

static char *
cidr_negations(char *p, int *match)
{
	*match = 1;
	for (;; p++) {
		if (*p == '!')
			*match = !*match;
		else if (!isspace((unsigned char) *p))
			return p;
	}
}

/* cidr_compile - parse one block */

static CIDR_MATCH *
cidr_compile(const char *pattern, STRBUF *why)
{
	CIDR_MATCH *cm = xmalloc(sizeof(*cm));

	if (cidr_match_parse(cm, pattern, why) < 0) {
		xfree(cm);
		return NULL;
	}
	return cm;
}

/* cidr_parse_line - one logical line of the table */

static int
cidr_parse_line(void *context, MAP_PATTERN_LIST *list, char *line,
		const MAP_PATTERN_WHERE *where, STRBUF *why)
{
	MAP_PATTERN_RULE *rule;
	CIDR_MATCH *cm;
	char   *p = line;
	char   *pattern;
	size_t	len;
	int	match;

	/* "if block": everything after the keyword is the block. */
	if ((len = map_pattern_keyword(p, "if")) != 0) {
		p = cidr_negations(p + len, &match);
		if (*p == 0) {
			strbuf_set(why, "no address pattern");
			return -1;
		}
		if ((cm = cidr_compile(p, why)) == NULL)
			return -1;
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_IF, match,
					    where->lineno, cm);
		return 0;
	}

	if ((len = map_pattern_keyword(p, "endif")) != 0) {
		for (p += len; isspace((unsigned char) *p); p++)
			 /* void */ ;
		if (*p != 0) {
			strbuf_set(why, "garbage after ENDIF");
			return -1;
		}
		if (map_pattern_list_depth(list) == 0) {
			strbuf_set(why, "ENDIF without IF");
			return -1;
		}
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_ENDIF, 1,
					    where->lineno, NULL);
		return 0;
	}

	/* "block result", the block possibly negated. */
	p = cidr_negations(p, &match);
	pattern = p;
	while (*p && !isspace((unsigned char) *p))
		p++;
	if (*p)
		*p++ = 0;
	while (isspace((unsigned char) *p))
		p++;
	if (*pattern == 0) {
		strbuf_set(why, "no address pattern");
		return -1;
	}
	if ((cm = cidr_compile(pattern, why)) == NULL)
		return -1;
	if (*p == 0) {
		strbuf_set(why, "no lookup result");
		xfree(cm);
		return -1;
	}
	rule = map_pattern_list_add(list, MAP_PATTERN_OP_MATCH, match,
				    where->lineno, cm);
	rule->text = xstrdup(p);
	return 0;
}

/* cidr_match - does a rule's block contain the key */

static int
cidr_match(void *context, const MAP_PATTERN_RULE *rule)
{
	MAP_CIDR *mc = context;
	const CIDR_MATCH *cm = rule->pattern;

	/* Postfix compares a block only with keys of its own family. */
	if (cm->net.family != mc->addr.family)
		return -1;
	return cidr_match_addr(cm, &mc->addr);
}

/* cidr_lookup - first block that applies to the address */

static int
cidr_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_CIDR *mc = (MAP_CIDR *) map;
	const MAP_PATTERN_RULE *rule;

	if (inet_addr_pton(key, &mc->addr) < 0)
		return MAP_NOTFOUND;
	if ((rule = map_pattern_list_walk(&mc->list, cidr_match, mc)) == NULL)
		return MAP_NOTFOUND;
	strbuf_set(value, rule->text);
	return MAP_FOUND;
}

/* cidr_close - free the rules and the table */

static void
cidr_close(MAP *map)
{
	MAP_CIDR *mc = (MAP_CIDR *) map;

	map_pattern_list_free(&mc->list);
	map_free(map);
}

/* cidr_open - load the whole table */

static MAP *
cidr_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_CIDR *mc;

	if (open_flags != O_RDONLY) {
		strbuf_printf(why, "cidr:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	mc = (MAP_CIDR *) map_alloc("cidr", name, sizeof(*mc), open_flags,
				    map_flags | MAP_F_PATTERN);
	map_pattern_list_init(&mc->list, xfree);
	if (map_pattern_load("cidr", name, &mc->list, cidr_parse_line, mc,
			     why) < 0) {
		cidr_close(&mc->map);
		return NULL;
	}
	mc->map.lookup = cidr_lookup;
	mc->map.close = cidr_close;
	return &mc->map;
}

const MAP_DRIVER map_driver_cidr = {
	.type = "cidr",
	.flags = MAP_F_PATTERN,
	.open = cidr_open,
};
