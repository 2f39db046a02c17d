/*
 * rewrite_clnt.h - client of the trivial-rewrite(8) service
 *
 * The only way programs ask for address rewriting (canonical form) and
 * resolution (transport, next hop, class): nobody formats these
 * requests by hand. The service is reached as private/$rewrite_service_name
 * relative to the working directory ($queue_directory). Each process
 * remembers the last answer of each kind for $ipc_idle seconds, so the
 * repeated lookups of one message cost one round trip.
 */

#ifndef REWRITE_CLNT_H
#define REWRITE_CLNT_H

#include "sysdeps.h"

#include "rewrite_addr.h"	/* RESOLVE_REPLY, RESOLVE_FLAG_* */

struct STRBUF;

/* Rule sets. */
#define REWRITE_LOCAL		"local"		/* myorigin, mydomain */
#define REWRITE_REMOTE		"remote"	/* remote_header_rewrite_domain */

/* Protocol names (shared with the server). */
#define REWRITE_REQ_REWRITE	"rewrite"
#define REWRITE_REQ_RESOLVE	"resolve"
#define REWRITE_ATTR_RULE	"rule"
#define REWRITE_ATTR_ADDR	"address"
#define RESOLVE_ATTR_FLAGS	"flags"
#define RESOLVE_ATTR_TRANSPORT	"transport"
#define RESOLVE_ATTR_NEXTHOP	"nexthop"
#define RESOLVE_ATTR_RECIPIENT	"recipient"

/*
 * Rewrites addr with the rule set into result (replaced). Returns 0, or
 * -1 when the service failed (result is then a copy of addr; callers
 * treat the address as "try later").
 */
extern int rewrite_clnt(const char *rule, const char *addr,
			struct STRBUF *result);

/*
 * Resolves addr into reply (initialised with resolve_reply_init()).
 * Returns 0, or -1 when the service failed; reply->flags then has
 * RESOLVE_FLAG_FAIL.
 */
extern int resolve_clnt(const char *addr, RESOLVE_REPLY *reply);

/* Forgets the cached answers and closes the connection. */
extern void rewrite_clnt_reset(void);

#endif
