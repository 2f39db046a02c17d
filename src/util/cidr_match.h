/*
 * cidr_match.h - match host addresses against network/prefix patterns
 *
 * Pattern forms: "1.2.3.0/24", "2001:db8::/32", "1.2.3.4", "[::1]",
 * "[2001:db8::]/64" and "[2001:db8::/64]". An address without a prefix
 * length matches only itself. As in Postfix cidr tables, a network
 * address with bits set after the prefix is an error, not a silent
 * truncation. An IPv4 pattern matches an IPv4 address, or the IPv4 part
 * of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), which is how the
 * Postfix SMTP server presents such clients; an IPv6 pattern matches
 * IPv6 addresses only.
 */

#ifndef CIDR_MATCH_H
#define CIDR_MATCH_H

#include "sysdeps.h"

#include "inet_addr.h"

struct STRBUF;

typedef struct CIDR_MATCH {
	INET_ADDR net;			/* host bits are zero */
	unsigned char mask[16];		/* prefix ones, then zeros */
	int	prefix;			/* 0..32 or 0..128 */
} CIDR_MATCH;

/*
 * Parses pattern into *cm. Returns 0, or -1 with a reason in why (may
 * be NULL), worded as Postfix words it, for example: non-null host
 * address bits in "1.2.3.4/24", perhaps you should use "1.2.3.0/24"
 * instead.
 */
extern int cidr_match_parse(CIDR_MATCH *cm, const char *pattern,
			    struct STRBUF *why);

/* 1 when addr is inside the block, else 0. */
extern int cidr_match_addr(const CIDR_MATCH *cm, const INET_ADDR *addr);

/* Same for an address string; 0 when str is not a bare address. */
extern int cidr_match_str(const CIDR_MATCH *cm, const char *str);

/* Appends the canonical "net/prefix" form (IPv6 without brackets). */
extern void cidr_match_format(const CIDR_MATCH *cm, struct STRBUF *out);

#endif
