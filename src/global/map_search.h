/*
 * map_search.h - access-style table searches (access(5)), shared by
 * smtpd, cleanup and local
 *
 * An address, a host name or a network address is not looked up once
 * but as a sequence of keys, most specific first, and the first key
 * that any table knows wins:
 *
 * address user+ext@sub.example.com (recipient_delimiter "+"):
 *	user+ext@sub.example.com, user@sub.example.com, sub.example.com,
 *	then the parent domains (example.com, com with MAP_SEARCH_F_PARENT;
 *	.example.com, .com without), then user+ext@, user@.
 * host name mail.example.com: mail.example.com, then its parent
 *	domains as above (a host name that is a numeric address has none).
 * network address 1.2.3.4: 1.2.3.4, 1.2.3, 1.2, 1; 2001:db8::1:
 *	2001:db8::1, 2001:db8:, 2001:db8, 2001 (access(5): the last
 *	":octetpair" is cut off the compressed form, again and again).
 * client: the host name search, then the network address search.
 *
 * Only the first key of each search (the whole address, host name or
 * network address) is given to pattern tables (regexp, pcre, cidr:
 * MAP_F_PATTERN); the partial keys go to fixed tables only, as in
 * Postfix. Keys for fixed tables are lower-cased (Postfix opens these
 * tables with DICT_FLAG_FOLD_FIX); keys for pattern tables are not.
 *
 * With several tables (a parameter such as smtpd_sender_login_maps
 * lists more than one), every table is tried for one key before the
 * next key, as Postfix's maps_find() does. A table that cannot answer
 * ends the search with MAP_RETRY and a warning in Postfix's shape
 * ("type:name lookup error for "key""); map_error() says why.
 */

#ifndef MAP_SEARCH_H
#define MAP_SEARCH_H

#include "sysdeps.h"

#include "map.h"

struct STRBUF;

/* Search flags. */
#define MAP_SEARCH_F_PARENT	(1 << 0)	/* "example.com" matches subdomains */
#define MAP_SEARCH_F_NO_OWNREQ	(1 << 1)	/* owner_request_special = no */

/*
 * MAP_SEARCH_F_PARENT when feature (for example "smtpd_access_maps") is
 * listed in list (the parent_domain_matches_subdomains value: names
 * separated by commas and/or white space, any case), else 0.
 */
extern int map_search_parent_style(const char *list, const char *feature);

/*
 * The address without its extension: the localpart is cut at the first
 * character that is in delimiters (recipient_delimiter). Returns 1 with
 * the result in bare, or 0 (bare untouched) when there is nothing to
 * strip: no delimiter, an empty delimiter set, an empty localpart
 * before the delimiter, or one of the localparts Postfix never splits:
 * postmaster, mailer-daemon and $double_bounce_sender (any case), and, when
 * delimiters contain '-' and MAP_SEARCH_F_NO_OWNREQ is not given,
 * owner-* and *-request.
 */
extern int map_search_strip_ext(const char *address, const char *delimiters,
				int flags, struct STRBUF *bare);

/*
 * Search for an email address (check_sender_access and friends).
 * delimiters is recipient_delimiter ("" or NULL: no extensions). An
 * address without '@' is looked up whole, then without its extension.
 * Returns MAP_FOUND with the value, MAP_NOTFOUND or MAP_RETRY.
 */
extern int map_search_address(MAP *map, const char *address, int flags,
			      const char *delimiters, struct STRBUF *value);
extern int map_search_address_maps(MAP *const *maps, size_t nmaps,
				   const char *address, int flags,
				   const char *delimiters,
				   struct STRBUF *value);

/* Search for a host or domain name and its parent domains (check_helo_access). */
extern int map_search_domain(MAP *map, const char *domain, int flags,
			     struct STRBUF *value);
extern int map_search_domain_maps(MAP *const *maps, size_t nmaps,
				  const char *domain, int flags,
				  struct STRBUF *value);

/* Search for a network address and its parent networks. */
extern int map_search_net(MAP *map, const char *addr, struct STRBUF *value);
extern int map_search_net_maps(MAP *const *maps, size_t nmaps,
			       const char *addr, struct STRBUF *value);

/*
 * Search for an SMTP client (check_client_access): the host name search
 * (skipped when hostname is NULL or empty; smtpd passes "unknown" for a
 * client without a verified name), then the network address search.
 */
extern int map_search_client(MAP *map, const char *hostname,
			     const char *addr, int flags,
			     struct STRBUF *value);
extern int map_search_client_maps(MAP *const *maps, size_t nmaps,
				  const char *hostname, const char *addr,
				  int flags, struct STRBUF *value);

#endif
