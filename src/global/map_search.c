/*
 * map_search.c - access-style table searches (access(5))
 *
 * The key orders are those of Postfix's mail_addr_find() with the
 * strategy smtpd uses for check_*_access (full address, address without
 * extension, domain and parent domains, localpart@), and of smtpd's
 * check_domain_access() and check_addr_access() for host names and
 * network addresses. "Full" keys go to every table; "partial" keys only
 * to fixed tables, so that a regular expression is never asked about a
 * fragment of what it was written to match.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>

#include "inet_addr.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "map_search.h"
#include "params_global.h"

/* double_bounce_sender, or its default before main.cf is loaded. */
#define SEARCH_DOUBLE_BOUNCE \
	(var_double_bounce_sender ? var_double_bounce_sender : "double-bounce")

/* Which tables a key goes to. */
#define SEARCH_FULL	0
#define SEARCH_PARTIAL	1

typedef struct SEARCH {
	MAP    *const *maps;
	size_t	nmaps;
	STRBUF *fold;		/* lower-cased key for fixed tables */
	STRBUF *value;		/* the caller's result buffer */
} SEARCH;

/* search_init - state for one search */

static void
search_init(SEARCH *s, MAP *const *maps, size_t nmaps, STRBUF *value)
{
	s->maps = maps;
	s->nmaps = nmaps;
	s->fold = strbuf_create(100);
	s->value = value;
}

/* search_done - release the state, pass the status on */

static int
search_done(SEARCH *s, int status)
{
	strbuf_free(&s->fold);
	return status;
}

/* search_key - one key, every table in order */

static int
search_key(SEARCH *s, const char *key, int partial)
{
	MAP    *map;
	const char *k;
	size_t	i;
	int	status;

	for (i = 0; i < s->nmaps; i++) {
		map = s->maps[i];
		if (map->flags & MAP_F_PATTERN) {
			if (partial)
				continue;
			k = key;
		} else {
			strbuf_set(s->fold, key);
			k = str_lower(strbuf_str(s->fold));
		}
		status = map_lookup(map, k, s->value);
		if (status == MAP_FOUND)
			return MAP_FOUND;
		if (status != MAP_NOTFOUND) {
			/* Postfix's maps_find() wording. */
			log_warn("%s:%s lookup error for \"%s\"", map->type,
				 map->name, k);
			return MAP_RETRY;
		}
	}
	return MAP_NOTFOUND;
}

/* search_key_n - a key that is the first len bytes of text */

static int
search_key_n(SEARCH *s, const char *text, size_t len, int partial)
{
	char   *key = xstrndup(text, len);
	int	status;

	status = search_key(s, key, partial);
	xfree(key);
	return status;
}

/* search_parents - a domain, then its parent domains */

static int
search_parents(SEARCH *s, const char *domain, int flags, int partial,
	       int numeric)
{
	const char *name;
	const char *next;
	int	status;

	/*
	 * With MAP_SEARCH_F_PARENT "example.com" also matches subdomains, so
	 * the parents are looked up without their dot; otherwise a parent
	 * entry is written ".example.com" and is looked up that way. The
	 * top-level domain is tried too. An empty name (after a trailing
	 * dot) is never looked up.
	 */
	for (name = domain; *name != 0; name = next) {
		if ((status = search_key(s, name, partial)) != MAP_NOTFOUND)
			return status;
		/* smtpd: no subdomain magic for numerical host names. */
		if (numeric)
			break;
		if ((next = strchr(name + 1, '.')) == NULL)
			break;
		if (flags & MAP_SEARCH_F_PARENT)
			next++;
		partial = SEARCH_PARTIAL;
	}
	return MAP_NOTFOUND;
}

/* search_is_hostaddr - a numeric IPv4 or IPv6 address, as Postfix sees it */

static int
search_is_hostaddr(const char *name)
{
	INET_ADDR addr;
	const char *cp;
	int	fields = 0;
	int	digits = 0;
	long	val = 0;

	if (strchr(name, ':') != NULL)
		return inet_addr_pton(name, &addr) == 0;

	/* Postfix's valid_ipv4_hostaddr() allows leading zeros. */
	for (cp = name; *cp; cp++) {
		if (isdigit((unsigned char) *cp)) {
			if (digits == 0) {
				fields++;
				val = 0;
			}
			digits++;
			val = val * 10 + (*cp - '0');
			if (val > 255)
				return 0;
		} else if (*cp == '.') {
			if (digits == 0 || cp[1] == 0)
				return 0;
			digits = 0;
		} else {
			return 0;
		}
	}
	return fields == 4 && digits > 0;
}

/* map_search_parent_style - is the feature in parent_domain_matches_subdomains */

int
map_search_parent_style(const char *list, const char *feature)
{
	char   *copy = xstrdup(list ? list : "");
	char   *bp = copy;
	char   *name;
	int	found = 0;

	while (!found && (name = token_next(&bp, ", \t\r\n")) != NULL)
		found = (strcasecmp(name, feature) == 0);
	xfree(copy);
	return found ? MAP_SEARCH_F_PARENT : 0;
}

/* map_search_strip_ext - the address without its extension */

int
map_search_strip_ext(const char *address, const char *delimiters, int flags,
		     STRBUF *bare)
{
	const char *ratsign;
	char   *local;
	size_t	local_len;
	size_t	len;
	int	stripped = 0;

	if (delimiters == NULL || *delimiters == 0
	    || address[strcspn(address, delimiters)] == 0)
		return 0;
	ratsign = strrchr(address, '@');
	local_len = ratsign ? (size_t) (ratsign - address) : strlen(address);
	local = xstrndup(address, local_len);

	/* Postfix's split_addr(): these localparts are never split. */
	if (strcasecmp(local, "postmaster") == 0
	    || strcasecmp(local, "mailer-daemon") == 0
	    || strcasecmp(local, SEARCH_DOUBLE_BOUNCE) == 0)
		goto out;
	if (strchr(delimiters, '-') != NULL
	    && (flags & MAP_SEARCH_F_NO_OWNREQ) == 0) {
		if (strncasecmp(local, "owner-", 6) == 0)
			goto out;
		if (local_len > 8
		    && strcasecmp(local + local_len - 8, "-request") == 0)
			goto out;
	}

	/* Nor is an address whose localpart would become empty. */
	len = strcspn(local, delimiters);
	if (len == 0 || local[len] == 0)
		goto out;
	strbuf_set_mem(bare, local, len);
	if (ratsign)
		strbuf_append_str(bare, ratsign);
	stripped = 1;

out:
	xfree(local);
	return stripped;
}

/* map_search_address_maps - search for an email address */

int
map_search_address_maps(MAP *const *maps, size_t nmaps, const char *address,
			int flags, const char *delimiters, STRBUF *value)
{
	SEARCH	s;
	STRBUF *bare = strbuf_create(100);
	const char *ratsign;
	const char *bare_at;
	int	has_bare;
	int	status;

	search_init(&s, maps, nmaps, value);
	has_bare = map_search_strip_ext(address, delimiters, flags, bare);
	ratsign = strrchr(address, '@');

	/* user+ext@domain, then user@domain. */
	if ((status = search_key(&s, address, SEARCH_FULL)) != MAP_NOTFOUND)
		goto out;
	if (has_bare && (status = search_key(&s, strbuf_str(bare),
					     SEARCH_PARTIAL)) != MAP_NOTFOUND)
		goto out;
	if (ratsign == NULL)
		goto out;

	/* domain and its parents. */
	if ((status = search_parents(&s, ratsign + 1, flags, SEARCH_PARTIAL,
				     0)) != MAP_NOTFOUND)
		goto out;

	/* user+ext@, then user@. */
	if ((status = search_key_n(&s, address, (size_t) (ratsign - address) + 1,
				   SEARCH_PARTIAL)) != MAP_NOTFOUND)
		goto out;
	if (has_bare) {
		bare_at = strrchr(strbuf_str(bare), '@');
		status = search_key_n(&s, strbuf_str(bare),
				      (size_t) (bare_at - strbuf_str(bare)) + 1,
				      SEARCH_PARTIAL);
	}

out:
	strbuf_free(&bare);
	return search_done(&s, status);
}

/* map_search_address - search one table for an email address */

int
map_search_address(MAP *map, const char *address, int flags,
		   const char *delimiters, STRBUF *value)
{
	return map_search_address_maps(&map, 1, address, flags, delimiters,
				       value);
}

/* map_search_domain_maps - search for a host or domain name */

int
map_search_domain_maps(MAP *const *maps, size_t nmaps, const char *domain,
		       int flags, STRBUF *value)
{
	SEARCH	s;

	search_init(&s, maps, nmaps, value);
	return search_done(&s, search_parents(&s, domain, flags, SEARCH_FULL,
					      search_is_hostaddr(domain)));
}

/* map_search_domain - search one table for a host or domain name */

int
map_search_domain(MAP *map, const char *domain, int flags, STRBUF *value)
{
	return map_search_domain_maps(&map, 1, domain, flags, value);
}

/* search_net - a network address, then its parent networks */

static int
search_net(SEARCH *s, const char *addr)
{
	char   *copy = xstrdup(addr);
	char   *cut;
	int	delim = strchr(copy, ':') ? ':' : '.';
	int	partial = SEARCH_FULL;
	int	status;

	/* access(5): cut the last ".octet" or ":octetpair", again and again. */
	for (;;) {
		if ((status = search_key(s, copy, partial)) != MAP_NOTFOUND)
			break;
		if ((cut = strrchr(copy, delim)) == NULL)
			break;
		*cut = 0;
		partial = SEARCH_PARTIAL;
	}
	xfree(copy);
	return status;
}

/* map_search_net_maps - search for a network address */

int
map_search_net_maps(MAP *const *maps, size_t nmaps, const char *addr,
		    STRBUF *value)
{
	SEARCH	s;

	search_init(&s, maps, nmaps, value);
	return search_done(&s, search_net(&s, addr));
}

/* map_search_net - search one table for a network address */

int
map_search_net(MAP *map, const char *addr, STRBUF *value)
{
	return map_search_net_maps(&map, 1, addr, value);
}

/* map_search_client_maps - search for a client: name, then address */

int
map_search_client_maps(MAP *const *maps, size_t nmaps, const char *hostname,
		       const char *addr, int flags, STRBUF *value)
{
	SEARCH	s;
	int	status = MAP_NOTFOUND;

	search_init(&s, maps, nmaps, value);
	if (hostname != NULL && *hostname != 0)
		status = search_parents(&s, hostname, flags, SEARCH_FULL,
					search_is_hostaddr(hostname));
	if (status == MAP_NOTFOUND && addr != NULL && *addr != 0)
		status = search_net(&s, addr);
	return search_done(&s, status);
}

/* map_search_client - search one table for a client */

int
map_search_client(MAP *map, const char *hostname, const char *addr,
		  int flags, STRBUF *value)
{
	return map_search_client_maps(&map, 1, hostname, addr, flags, value);
}
