/*
 * smtp_addr.h - where to deliver: next hop to a list of server addresses
 *
 * Turns the next hop of a delivery request into the ordered list of
 * addresses the smtp(8)/lmtp client tries, as Postfix does:
 *   "example.com"		MX lookup; the MX hosts by preference, in
 *				random order among equal preferences, each
 *				expanded to its addresses (A/AAAA per
 *				inet_protocols and smtp_address_preference);
 *				no MX records: the host's own addresses;
 *   "[mail.example.com]"	no MX lookup: the host's addresses;
 *   "[192.0.2.1]", "[IPv6:2001:db8::1]"	the address itself;
 *   any of those with ":port" (a number or a service name); also with
 *   an "inet:" prefix; "unix:/path" or "unix:private/name" (LMTP only)
 *   for a UNIX-domain socket (relative paths are relative to the queue
 *   directory).
 * The default port is 25 for smtp ("smtp" service), 24 for lmtp.
 * smtp_host_lookup ("dns", "native", "dns, native") chooses DNS or the
 * system resolver (getaddrinfo) for host addresses; MX lookups are DNS
 * only; disable_dns_lookups = yes means "native" and no MX lookups.
 * The list is cut to smtp_mx_address_limit addresses (0: no limit).
 *
 * Failures come back with an enhanced status code and text in
 * Postfix's words, for the delivery status and the log:
 *   5.4.4 "Host or domain name not found. Name service error for
 *	   name=nx.example type=A: Host not found"		(NXDOMAIN: as
 *	   in Postfix, no MX records means the A/AAAA lookup, whose
 *	   error is reported)
 *   4.4.3 "... type=MX: Host not found, try again"		(SERVFAIL,
 *	   timeout)
 *   5.1.0 "Domain example.com does not accept mail (nullMX)"	(RFC 7505;
 *	   5.1.0 as Postfix's client, 5.1.10 is smtpd's reject code)
 *   5.4.6 "mail for example.com loops back to myself"		(the best
 *	   MX is this host, per inet_interfaces/proxy_interfaces/myhostname)
 *   4.4.4 "unable to find primary relay for example.com"	(this host
 *	   is a backup MX and no better MX host has an address)
 * An MX host that is this host ends the list before it (lower-priority
 * MX hosts are not tried, as Postfix does); when that leaves nothing,
 * the loop error above. The loop test is made only in SMTP mode at port
 * 25 (as Postfix: a content filter at [127.0.0.1]:10025 is no loop).
 * MX hosts whose addresses cannot be found are skipped; when none is
 * left, the result is RETRY if any lookup failed temporarily (or with
 * smtp_defer_if_no_mx_address_found), else FAIL.
 */

#ifndef SMTP_ADDR_H
#define SMTP_ADDR_H

#include "sysdeps.h"

#include "inet_addr.h"

struct STRBUF;

typedef struct SMTP_ADDR {
	struct SMTP_ADDR *next;
	char   *host;			/* server name for logs and TLS:
					 * "mx1.example.com", "192.0.2.1",
					 * or the socket path for unix: */
	INET_ADDR addr;			/* unused for unix: */
	unsigned port;			/* host byte order; 0 for unix: */
	unsigned pref;			/* MX preference (0: not from MX) */
	int	is_unix;		/* UNIX-domain socket (LMTP) */
} SMTP_ADDR;

/* Results. */
#define SMTP_ADDR_OK	0	/* list is not empty */
#define SMTP_ADDR_RETRY	1	/* temporary: defer */
#define SMTP_ADDR_FAIL	2	/* permanent: bounce */

/*
 * After main.cf is loaded: learns this host's own addresses and names
 * for the loop test.
 */
extern void smtp_addr_init(void);

/*
 * Looks up nexthop for the client in mode lmtp (0: smtp, 1: lmtp).
 * SMTP_ADDR_OK with *list set (free with smtp_addr_free); otherwise
 * *list is NULL, dsn gets the enhanced status code ("5.4.4") and why
 * the text.
 */
extern int smtp_addr_find(const char *nexthop, int lmtp, SMTP_ADDR **list,
			  struct STRBUF *dsn, struct STRBUF *why);

/* Frees a list (NULL is fine). */
extern void smtp_addr_free(SMTP_ADDR *list);

/*
 * "host[addr]:port" (or "host[path]" for unix:) for logs and the
 * relay= field of delivery status lines; replaces out.
 */
extern void smtp_addr_name(const SMTP_ADDR *addr, struct STRBUF *out);

#endif
