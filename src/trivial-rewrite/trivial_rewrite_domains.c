/*
 * trivial_rewrite_domains.c - Postfix domain lists for address classes
 *
 * Holds mydestination, virtual_alias_domains, virtual_mailbox_domains
 * and relay_domains as parsed pattern lists. Tables are opened once when
 * the list is created (before the daemon drops privileges); a table
 * that failed to open answers "try later" rather than "no match", so
 * mail waits instead of going to the wrong class.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "trivial_rewrite.h"

#define TR_DELIMS	", \t\r\n"

typedef struct TR_ENTRY {
	int	negate;
	char   *name;			/* domain pattern, lower case */
	MAP    *map;			/* type:table, or NULL */
	int	is_table;
} TR_ENTRY;

struct TR_DOMAINS {
	char   *what;			/* parameter name, for logging */
	int	parent_match;
	TR_ENTRY *ent;
	size_t	count;
};

/* tr_domains_add - parse one pattern into the list */

static void
tr_domains_add(TR_DOMAINS *list, const char *pat, int depth);

/* tr_domains_add_file - add the patterns of a /file/name */

static void
tr_domains_add_file(TR_DOMAINS *list, const char *path, int depth)
{
	FILE   *fp;
	char    line[1024];
	ARGV   *words;
	size_t  i;

	if (depth > 5) {
		log_warn("%s: %s: files nested too deeply", list->what, path);
		return;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s: open %s: %m", list->what, path);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char   *hash = strchr(line, '#');

		if (hash)
			*hash = 0;
		words = argv_split(line, TR_DELIMS);
		for (i = 0; i < words->argc; i++)
			tr_domains_add(list, words->argv[i], depth + 1);
		argv_free(&words);
	}
	(void) fclose(fp);
}

static void
tr_domains_add(TR_DOMAINS *list, const char *pat, int depth)
{
	TR_ENTRY *ent;
	STRBUF *why;
	int	negate = 0;

	while (*pat == '!') {
		negate = !negate;
		pat++;
	}
	if (*pat == 0)
		return;
	if (*pat == '/') {
		tr_domains_add_file(list, pat, depth);
		return;
	}
	list->ent = xrealloc(list->ent, size_mul(list->count + 1, sizeof(*ent)));
	ent = list->ent + list->count++;
	ent->negate = negate;
	ent->name = str_lower(xstrdup(pat));
	ent->map = NULL;
	ent->is_table = strchr(pat, ':') != NULL && pat[0] != '[';
	if (ent->is_table) {
		why = strbuf_create(100);
		ent->map = map_open(pat, O_RDONLY, MAP_F_FOLD_FIX | MAP_F_FOLD_MUL,
				    why);
		if (ent->map == NULL)
			log_warn("%s: %s", list->what, strbuf_str(why));
		strbuf_free(&why);
	}
}

/* tr_domains_create - parse a list */

TR_DOMAINS *
tr_domains_create(const char *what, const char *patterns, int parent_match)
{
	TR_DOMAINS *list = xmalloc(sizeof(*list));
	ARGV   *words = map_split_specs(what, patterns);
	size_t	i;

	list->what = xstrdup(what);
	list->parent_match = parent_match;
	list->ent = NULL;
	list->count = 0;
	for (i = 0; i < words->argc; i++)
		tr_domains_add(list, words->argv[i], 0);
	argv_free(&words);
	return list;
}

/* tr_domains_table - look a domain and its parents up in a table */

static int
tr_domains_table(TR_DOMAINS *list, TR_ENTRY *ent, const char *domain)
{
	STRBUF *value;
	const char *p;
	int	status;

	if (ent->map == NULL)
		return -1;
	value = strbuf_create(50);
	status = map_lookup(ent->map, domain, value);
	for (p = domain; status == MAP_NOTFOUND && (p = strchr(p, '.')) != NULL;
	     p++)
		status = map_lookup(ent->map, list->parent_match ? p + 1 : p, value);
	strbuf_free(&value);
	if (status == MAP_RETRY) {
		log_warn("%s: %s: table lookup failed", list->what, ent->name);
		return -1;
	}
	return status == MAP_FOUND;
}

/* tr_domains_name - match a domain against one name pattern */

static int
tr_domains_name(TR_DOMAINS *list, const char *pat, const char *domain)
{
	size_t	dlen = strlen(domain);
	size_t	plen;

	if (strcmp(pat, domain) == 0)
		return 1;
	if (*pat == '.' || list->parent_match) {
		if (*pat != '.') {
			plen = strlen(pat);
			return dlen > plen && domain[dlen - plen - 1] == '.'
				&& strcmp(domain + dlen - plen, pat) == 0;
		}
		plen = strlen(pat);
		return dlen > plen && strcmp(domain + dlen - plen, pat) == 0;
	}
	return 0;
}

/* tr_domains_match - first matching entry decides */

int
tr_domains_match(TR_DOMAINS *list, const char *domain)
{
	size_t	i;
	int	hit;

	if (*domain == 0)
		return 0;
	for (i = 0; i < list->count; i++) {
		TR_ENTRY *ent = list->ent + i;

		hit = ent->is_table ? tr_domains_table(list, ent, domain)
			: tr_domains_name(list, ent->name, domain);
		if (hit < 0)
			return -1;
		if (hit)
			return !ent->negate;
	}
	return 0;
}

/* tr_domains_free - release a list and close its tables */

void
tr_domains_free(TR_DOMAINS *list)
{
	size_t	i;

	for (i = 0; i < list->count; i++) {
		if (list->ent[i].map)
			map_close(list->ent[i].map);
		free(list->ent[i].name);
	}
	free(list->ent);
	free(list->what);
	free(list);
}
