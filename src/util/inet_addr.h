/*
 * inet_addr.h - IPv4 and IPv6 host addresses: parse, format, compare
 *
 * An INET_ADDR is a family (AF_INET or AF_INET6) plus the address bytes
 * in network order, so it can be compared with memcmp() and masked bit
 * by bit. Parsing uses inet_pton(), so an IPv4 address is four decimal
 * octets and nothing else. Also splits "host:port" endpoint strings.
 */

#ifndef INET_ADDR_H
#define INET_ADDR_H

#include "sysdeps.h"

#include <sys/socket.h>
#include <netinet/in.h>

struct STRBUF;

typedef struct INET_ADDR {
	int	family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* network order; 4 used for IPv4 */
} INET_ADDR;

/* Bytes and bits in use for the address family. */
#define INET_ADDR_LEN(a)	((a)->family == AF_INET6 ? 16 : 4)
#define INET_ADDR_BITS(a)	(INET_ADDR_LEN(a) * 8)

/* Room for any printed address, NUL included. */
typedef struct INET_ADDR_STR {
	char	buf[INET6_ADDRSTRLEN];
} INET_ADDR_STR;

/*
 * Parses a bare address: IPv6 when str contains ':', else IPv4.
 * Returns 0, or -1 when str is not an address.
 */
extern int inet_addr_pton(const char *str, INET_ADDR *addr);

/* Flags for inet_addr_parse(). */
#define INET_ADDR_FLAG_NONE		0
#define INET_ADDR_FLAG_BRACKETS		(1 << 0)	/* also "[addr]" */
#define INET_ADDR_FLAG_NEED_BRACKETS	(1 << 1)	/* only "[addr]" */
#define INET_ADDR_FLAG_IPV6_TAG		(1 << 2)	/* also "IPv6:addr" */

/*
 * SMTP address literal, RFC 5321 4.1.3: "[1.2.3.4]" or "[IPv6:...]"; like
 * Postfix, the IPv6 tag may be left out.
 */
#define INET_ADDR_FLAG_SMTP_LITERAL \
	(INET_ADDR_FLAG_NEED_BRACKETS | INET_ADDR_FLAG_IPV6_TAG)

/*
 * Parses an address in the forms the flags allow. An "IPv6:" tag (any
 * case) must be followed by an IPv6 address. Returns 0, or -1 with a reason in why
 * (may be NULL).
 */
extern int inet_addr_parse(const char *str, int flags, INET_ADDR *addr,
			   struct STRBUF *why);

/* Formats addr (inet_ntop() form) into buf; returns buf->buf. */
extern const char *inet_addr_ntop(const INET_ADDR *addr, INET_ADDR_STR *buf);

/* Compare family and bytes: 1 when equal. */
extern int inet_addr_equal(const INET_ADDR *a, const INET_ADDR *b);

/* 1 for an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
extern int inet_addr_is_v4mapped(const INET_ADDR *addr);

/* Turns an IPv4-mapped IPv6 address into IPv4: 1 if it did, else 0. */
extern int inet_addr_unmap(INET_ADDR *addr);

/*
 * Conversions from and to socket addresses; port in host order. From
 * returns 0, or -1 for a family other than AF_INET/AF_INET6 or a short
 * salen (port may be NULL). To returns the length to pass to bind().
 */
extern int inet_addr_from_sockaddr(const struct sockaddr *sa, size_t salen,
				   INET_ADDR *addr, unsigned *port);
extern size_t inet_addr_to_sockaddr(const INET_ADDR *addr, unsigned port,
				    struct sockaddr_storage *ss);

/* Result of inet_addr_split_hostport(); pointers into the caller's buffer. */
typedef struct INET_ADDR_HOSTPORT {
	char   *host;		/* NULL when absent; without its [] */
	char   *port;		/* NULL when absent; number or service name */
	int	bracketed;	/* host was written as [host] */
} INET_ADDR_HOSTPORT;

/* Flags for inet_addr_split_hostport(). */
#define INET_ADDR_HOSTPORT_NONE		0
#define INET_ADDR_HOSTPORT_BARE_PORT	(1 << 0)	/* "word" is a port */

/*
 * Splits buf in place: "host:port", "[host]:port", "[host]", ":port",
 * "host" (or, with INET_ADDR_HOSTPORT_BARE_PORT, "port", as in
 * master.cf), and "host:" or "[host]:" (no port). IPv6 addresses must be
 * in brackets. A port is a number 1..65535 or a service name. Returns
 * 0, or -1 with a reason in why (may be NULL) and buf unchanged.
 */
extern int inet_addr_split_hostport(char *buf, int flags,
				    INET_ADDR_HOSTPORT *hp,
				    struct STRBUF *why);

/* Appends "host:port", with [] around a host that contains ':'. */
extern void inet_addr_join_hostport(struct STRBUF *out, const char *host,
				    const char *port);

#endif
