/*
 * dns.h - DNS lookups over the system resolver library
 *
 * The lookups smtpd's checks and (later) the smtp client need: A, AAAA,
 * MX, PTR, TXT, NS, CNAME. Queries go through the system resolver
 * (res_nquery and friends: /etc/resolv.conf, the search list off);
 * answers are parsed here, never by callers. The one distinction
 * callers must keep: a name that does not exist (or has no record of
 * the type) is DNS_NOTFOUND, a permanent answer; a timeout, SERVFAIL,
 * REFUSED or network trouble is DNS_RETRY, a temporary one, which must
 * turn into a 4xx reply or a deferral, never a 5xx or a bounce.
 *
 * Names are compared and returned in lower case without the final dot.
 * CNAME chains in an answer are followed (at most 10 links).
 */

#ifndef DNS_H
#define DNS_H

#include "sysdeps.h"

#include "inet_addr.h"

struct STRBUF;

/* Record types (RFC 1035 numbers). */
#define DNS_T_A		1
#define DNS_T_NS	2
#define DNS_T_CNAME	5
#define DNS_T_PTR	12
#define DNS_T_MX	15
#define DNS_T_TXT	16
#define DNS_T_AAAA	28

/* Results. */
#define DNS_OK		0	/* records found */
#define DNS_NOTFOUND	1	/* NXDOMAIN, or no record of the type */
#define DNS_RETRY	2	/* temporary: timeout, SERVFAIL, network */
#define DNS_INVAL	3	/* malformed name or reply: permanent */

/* One record of an answer. */
typedef struct DNS_RR {
	struct DNS_RR *next;
	char   *qname;			/* the name asked for */
	char   *rname;			/* owner name (after CNAMEs) */
	unsigned type;			/* DNS_T_* */
	unsigned ttl;
	unsigned pref;			/* MX preference; 0 otherwise */
	char   *text;			/* MX/NS/PTR/CNAME target; TXT strings
					 * of one record joined; NULL for A/AAAA */
	INET_ADDR addr;			/* A, AAAA */
} DNS_RR;

/* Lookup flags. */
#define DNS_F_NONE	0
#define DNS_F_TCP	(1 << 0)	/* use TCP (truncated replies retry
					 * over TCP anyway) */

/*
 * Looks up records of type for name. DNS_OK with the records in *list
 * (the caller frees it with dns_rr_free); otherwise *list is NULL and
 * why (may be NULL) says what happened, as Postfix words it
 * ("Host or domain name not found. Name service error for
 * name=example.com type=MX: Host not found, try again").
 */
extern int dns_lookup(const char *name, unsigned type, int flags,
		      DNS_RR **list, struct STRBUF *why);

/*
 * A and AAAA records of name, for the address families in families
 * (MYNETWORKS_IPV4 | MYNETWORKS_IPV6 bits of mynetworks.h: 1, 2, 3).
 * DNS_OK when either type gave records; DNS_RETRY when one failed
 * temporarily and the other found nothing.
 */
extern int dns_lookup_addr(const char *name, int families, DNS_RR **list,
			   struct STRBUF *why);

/* PTR records of an address (in-addr.arpa / ip6.arpa). */
extern int dns_lookup_ptr(const INET_ADDR *addr, DNS_RR **list,
			  struct STRBUF *why);

/*
 * The reversed query name for a DNSBL lookup: "4.3.2.1.zone" for
 * 1.2.3.4, nibbles for IPv6 ("...ip6 nibbles....zone"). Replaces out.
 */
extern void dns_rbl_name(const INET_ADDR *addr, const char *zone,
			 struct STRBUF *out);

/* Frees a record list (NULL is fine). */
extern void dns_rr_free(DNS_RR *list);

/* "A", "MX", ... or "TYPE99" for others (static buffer for those). */
extern const char *dns_type_name(unsigned type);

/*
 * Parses a reply packet for (qname, type) into *list; used by
 * dns_lookup and directly by the unit tests and the fuzzer. Returns
 * DNS_OK, DNS_NOTFOUND (no records of the type; rcode NXDOMAIN
 * included), DNS_RETRY (rcode SERVFAIL/REFUSED...) or DNS_INVAL.
 */
extern int dns_parse_reply(const unsigned char *reply, size_t len,
			   const char *qname, unsigned type, DNS_RR **list,
			   struct STRBUF *why);

#endif
