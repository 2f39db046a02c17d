/*
 * rewrite_addr.h - address rewriting and resolving rules (trivial-rewrite)
 *
 * Pure functions behind the trivial-rewrite(8) service, kept apart from
 * the daemon so that tests can drive them: rewrite_addr() brings an
 * address into canonical form (ADDRESS_REWRITING_README), resolve_addr()
 * decides transport, next hop and address class (ADDRESS_CLASS_README).
 * Addresses are in internal (unquoted-where-possible) form; the split
 * into local part and domain honours quoted local parts ("a@b"@c) and
 * backslash escapes. Domain membership, transport_maps and
 * relocated_maps lookups come from the caller through callbacks; a
 * relocated recipient resolves to the error transport with next hop
 * "5.1.6 User has moved to NEW_LOCATION".
 */

#ifndef REWRITE_ADDR_H
#define REWRITE_ADDR_H

#include "sysdeps.h"

struct STRBUF;

/* Rewrite context: "local" uses myorigin/mydomain, "remote" the
 * remote_header_rewrite_domain for both. NULL or "" appends nothing. */
typedef struct REWRITE_CONF {
	const char *origin;		/* appended as @origin */
	const char *domain;		/* appended as .domain */
	int	append_at_origin;	/* append_at_myorigin */
	int	append_dot_domain;	/* append_dot_mydomain */
	int	swap_bangpath;		/* swap_bangpath */
	int	percent_hack;		/* allow_percent_hack */
} REWRITE_CONF;

/* Canonicalises addr into result (replaced). */
extern void rewrite_addr(const REWRITE_CONF *conf, const char *addr,
			 struct STRBUF *result);

/* Address classes, from the domain of the address. */
#define RESOLVE_CLASS_LOCAL	1	/* mydestination, interfaces */
#define RESOLVE_CLASS_ALIAS	2	/* virtual_alias_domains */
#define RESOLVE_CLASS_VIRTUAL	3	/* virtual_mailbox_domains */
#define RESOLVE_CLASS_RELAY	4	/* relay_domains */
#define RESOLVE_CLASS_DEFAULT	5	/* everything else */

/* Reply flags (as Postfix's RESOLVE_FLAG_* and RESOLVE_CLASS_* bits). */
#define RESOLVE_FLAG_FINAL	(1 << 0)	/* final delivery here */
#define RESOLVE_FLAG_ROUTED	(1 << 1)	/* had a route, % or ! */
#define RESOLVE_FLAG_ERROR	(1 << 2)	/* bad address syntax */
#define RESOLVE_FLAG_FAIL	(1 << 3)	/* lookup failed: try later */
#define RESOLVE_CLASS_FLAG_LOCAL	(1 << 8)
#define RESOLVE_CLASS_FLAG_ALIAS	(1 << 9)
#define RESOLVE_CLASS_FLAG_VIRTUAL	(1 << 10)
#define RESOLVE_CLASS_FLAG_RELAY	(1 << 11)
#define RESOLVE_CLASS_FLAG_DEFAULT	(1 << 12)

typedef struct RESOLVE_CONF {
	const char *myhostname;
	const char *local_transport;	/* "local:$myhostname" */
	const char *virtual_transport;
	const char *relay_transport;
	const char *default_transport;
	const char *relayhost;		/* "" for none */
	const char *recipient_delimiter;	/* "" for none */
	int	percent_hack;		/* allow_percent_hack */
	int	swap_bangpath;
	/* RESOLVE_CLASS_*, or -1 when a table lookup failed. */
	int	(*domain_class)(void *context, const char *domain);
	/* transport_maps: MAP_FOUND (value set), MAP_NOTFOUND, MAP_RETRY;
	 * NULL when there are none. */
	int	(*transport_lookup)(void *context, const char *key,
				    struct STRBUF *value);
	/* relocated_maps: as transport_lookup; partial keys (user,
	 * @domain) are not for pattern tables. NULL when there are none. */
	int	(*relocated_lookup)(void *context, const char *key,
				    int partial, struct STRBUF *value);
	const char *myorigin;		/* user-only keys; NULL: class only */
	void   *context;
	int	null_domain;		/* resolve_null_domain: user@ is local */
	int	numeric_domain;		/* resolve_numeric_domain: u@1.2.3.4 */
	int	dequoted;		/* resolve_dequoted_address */
} RESOLVE_CONF;

typedef struct RESOLVE_REPLY {
	struct STRBUF *transport;
	struct STRBUF *nexthop;
	struct STRBUF *recipient;
	int	flags;
} RESOLVE_REPLY;

extern void resolve_reply_init(RESOLVE_REPLY *reply);
extern void resolve_reply_free(RESOLVE_REPLY *reply);

/* Resolves addr (canonical form) into reply. */
extern void resolve_addr(const RESOLVE_CONF *conf, const char *addr,
			 RESOLVE_REPLY *reply);

/*
 * The position of the '@' that separates local part and domain (the
 * last one outside quotes and escapes), or -1 when there is none.
 */
extern ssize_t rewrite_addr_split(const char *addr);

/*
 * Is domain an address literal ([addr] or [ipv6:addr]) of one of the
 * interfaces (inet_interfaces and proxy_interfaces addresses, separated
 * by space or comma)? "all", "loopback-only" and "localhost" stand for
 * the loopback addresses. Returns 1 or 0.
 */
extern int rewrite_addr_literal_local(const char *domain,
				      const char *interfaces);

#endif
