/*
 * addr_match_list.h - match a client name and address against a list
 *
 * The engine behind mynetworks, debug_peer_list and the other Postfix
 * "network/netmask, host name, /file/name, type:table" lists. The list
 * is split on commas and/or white space and parsed once; entries are
 * tried left to right and the first entry that matches decides:
 *
 *   1.2.3.0/24 [2001:db8::]/32 1.2.3.4 [::1]	address blocks
 *   example.com			that host name (and its subdomains
 *					with ADDR_MATCH_FLAG_PARENT)
 *   .example.com			any subdomain of example.com
 *   type:table				a lookup of the name (and its
 *					parent domains), then the address
 *   /file/name				the file's words, as more entries
 *   !entry				a match means "not in the list"
 *
 * IPv6 addresses must be in [], else they read as type:table. Host
 * names compare without regard to case. A word that starts with '#'
 * makes the rest of its line a comment, so in a /file/name a line whose
 * first non-blank character is '#' is a comment. A file that cannot be
 * read does not fail the create (as in Postfix): a match that reaches
 * it returns -1, so the caller can defer instead of guessing.
 */

#ifndef ADDR_MATCH_LIST_H
#define ADDR_MATCH_LIST_H

#include "sysdeps.h"

struct STRBUF;

typedef struct ADDR_MATCH_LIST ADDR_MATCH_LIST;

/* Flags for addr_match_list_create(). */
#define ADDR_MATCH_FLAG_NONE	0
/*
 * With ADDR_MATCH_FLAG_PARENT "example.com" also matches subdomains; the
 * caller sets it when its feature is in parent_domain_matches_subdomains.
 */
#define ADDR_MATCH_FLAG_PARENT	(1 << 0)

/*
 * The table layer, supplied by the caller. open() gets "type:name" and
 * returns a handle, or NULL with a reason in why (never NULL); it sets
 * *props (initially 0) to ADDR_MATCH_TABLE_PATTERN for tables whose keys
 * are patterns (regexp, cidr, ...): those get only the full name and
 * the address, no parent domain lookups. lookup() returns 1 (key found;
 * the value is ignored), 0 (not found) or -1 (lookup error); keys come
 * in lower case. close() may be NULL.
 */
#define ADDR_MATCH_TABLE_PATTERN	(1 << 0)

typedef struct ADDR_MATCH_TABLE_OPS {
	void   *(*open)(void *context, const char *type_name, int list_flags,
			int *props, struct STRBUF *why);
	int	(*lookup)(void *context, void *table, const char *key);
	void	(*close)(void *context, void *table);
} ADDR_MATCH_TABLE_OPS;

/*
 * Sets the table layer used by addr_match_list_create() (the ops
 * structure is borrowed for the life of the program; NULL removes it).
 * Without one, a type:table entry is a create error.
 */
extern void addr_match_list_set_table_ops(const ADDR_MATCH_TABLE_OPS *ops,
					  void *context);

/*
 * Parses patterns. Returns the list, or NULL with a reason in why (may
 * be NULL) for a bad entry, a table that does not open, unbalanced {}
 * or /file/name nesting deeper than ADDR_MATCH_MAX_DEPTH. The patterns
 * text is not kept.
 */
extern ADDR_MATCH_LIST *addr_match_list_create(const char *patterns,
					       int flags, struct STRBUF *why);

/* Same, with an explicit table layer (ops may be NULL: no tables). */
extern ADDR_MATCH_LIST *addr_match_list_create_ops(const char *patterns,
						   int flags,
					      const ADDR_MATCH_TABLE_OPS *ops,
						   void *context,
						   struct STRBUF *why);

#define ADDR_MATCH_MAX_DEPTH	10	/* /file/name within /file/name ... */

/*
 * Matches a host name and/or an address string (either may be NULL; an
 * address that does not parse matches no address entry). Returns 1 for
 * a match, 0 for no match or a negated match, -1 when a table lookup
 * failed or an unreadable /file/name was reached before any match;
 * addr_match_list_error() then says why.
 */
extern int addr_match_list_match(ADDR_MATCH_LIST *list, const char *hostname,
				 const char *addr);

/* Reason for the last -1 from addr_match_list_match() (borrowed). */
extern const char *addr_match_list_error(const ADDR_MATCH_LIST *list);

/* Number of entries after /file/name expansion (for tests and logging). */
extern size_t addr_match_list_size(const ADDR_MATCH_LIST *list);

/* Closes its tables and frees; NULL is fine. */
extern void addr_match_list_free(ADDR_MATCH_LIST *list);

#endif
