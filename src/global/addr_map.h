/*
 * addr_map.h - one-to-one address mapping in canonical(5) order
 *
 * Shared by cleanup (canonical_maps, virtual_alias_maps) and the smtp
 * client (smtp_generic_maps): the key order of an address search, the
 * conversion of a table value into addresses, and the rebuilding of a
 * header address list with new addresses. The tables themselves are
 * the caller's: it supplies the lookup and the "is this domain local"
 * decision as callbacks, so this module does no I/O.
 */

#ifndef ADDR_MAP_H
#define ADDR_MAP_H

#include "sysdeps.h"

#include "addr_parse.h"

struct STRBUF;
struct ARGV;

typedef struct ADDR_MAP_FIND {
	/* MAP_FOUND (value set), MAP_NOTFOUND or MAP_RETRY; partial keys
	 * (all but the first) are not for pattern tables. */
	int     (*lookup)(void *context, const char *key, int partial,
			  struct STRBUF *value);
	/* The domain is $myorigin or local: 1, 0, or -1 (try later). */
	int     (*is_local)(void *context, const char *domain);
	void   *context;
	const char *delimiters;		/* recipient_delimiter */
} ADDR_MAP_FIND;

/*
 * Searches one internal-form address: user+ext@domain, user@domain,
 * then (only when is_local says so for the domain) user+ext and user,
 * and last @domain. Returns MAP_FOUND with the table value in value and
 * the unmatched extension (with its delimiter, or empty) in ext,
 * MAP_NOTFOUND, or MAP_RETRY.
 */
extern int addr_map_find(const ADDR_MAP_FIND *find, const char *addr,
			 struct STRBUF *value, struct STRBUF *ext);

/*
 * The addresses (internal form) of a table value found for addr,
 * replacing out. A value "@domain" keeps the local part of addr. ext,
 * when not NULL, is put back before the domain of each result.
 */
extern void addr_map_crunch(const char *addr, const char *value,
			    const char *ext, struct ARGV *out);

/*
 * Appends a header address list rebuilt from a parsed list with the
 * addresses replaced by addrs (internal form, one per list item):
 * display names, angle brackets and groups are kept; comments outside
 * the display name and the original folding are not.
 */
extern void addr_map_format_list(struct STRBUF *out, const ADDR_LIST *list,
				 const struct ARGV *addrs);

#endif
