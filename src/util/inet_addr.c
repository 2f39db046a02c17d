/*
 * inet_addr.c - IPv4 and IPv6 host addresses: parse, format, compare
 *
 * Strings reach inet_pton() through a fixed buffer sized for the longest
 * valid address, so an overlong string is rejected before it is copied.
 */

#include "sysdeps.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <strings.h>

#include "inet_addr.h"
#include "log.h"
#include "strbuf.h"
#include "stringops.h"

/* The longest text inet_pton() can accept, with room for the NUL. */
#define INET_ADDR_TEXT_MAX INET6_ADDRSTRLEN

/* IPv4-mapped IPv6 prefix, RFC 4291 2.5.5.2. */
static const unsigned char inet_addr_v4mapped_prefix[12] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

/* inet_addr_pton_len - parse a bare address of given length */

static int
inet_addr_pton_len(const char *str, size_t len, INET_ADDR *addr)
{
	char text[INET_ADDR_TEXT_MAX];
	int family;

	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, str, len);
	text[len] = 0;
	family = memchr(text, ':', len) != NULL ? AF_INET6 : AF_INET;
	memset(addr->bytes, 0, sizeof(addr->bytes));
	if (inet_pton(family, text, addr->bytes) != 1)
		return -1;
	addr->family = family;
	return 0;
}

/* inet_addr_pton - parse a bare address */

int
inet_addr_pton(const char *str, INET_ADDR *addr)
{
	return inet_addr_pton_len(str, strlen(str), addr);
}

/* inet_addr_parse - parse an address, maybe bracketed or tagged */

int
inet_addr_parse(const char *str, int flags, INET_ADDR *addr, STRBUF *why)
{
	const char *start = str;
	size_t len = strlen(str);
	int tagged = 0;

	if (*str == '[') {
		if ((flags & (INET_ADDR_FLAG_BRACKETS |
			      INET_ADDR_FLAG_NEED_BRACKETS)) == 0) {
			if (why)
				strbuf_printf(
				    why, "unexpected '[' in address \"%s\"",
				    str);
			return -1;
		}
		if (len < 2 || str[len - 1] != ']') {
			if (why)
				strbuf_printf(
				    why, "missing ']' in address \"%s\"", str);
			return -1;
		}
		start = str + 1;
		len -= 2;
	} else if (flags & INET_ADDR_FLAG_NEED_BRACKETS) {
		if (why)
			strbuf_printf(
			    why, "address \"%s\" is not enclosed in []", str);
		return -1;
	}
	if ((flags & INET_ADDR_FLAG_IPV6_TAG) && len >= 5 &&
	    strncasecmp(start, "ipv6:", 5) == 0) {
		start += 5;
		len -= 5;
		tagged = 1;
	}
	if (inet_addr_pton_len(start, len, addr) < 0 ||
	    (tagged && addr->family != AF_INET6)) {
		if (why)
			strbuf_printf(why, "bad %saddress \"%s\"",
				      tagged ? "IPv6 " : "", str);
		return -1;
	}
	return 0;
}

/* inet_addr_ntop - format an address */

const char *
inet_addr_ntop(const INET_ADDR *addr, INET_ADDR_STR *buf)
{
	if (!inet_ntop(addr->family, addr->bytes, buf->buf, sizeof(buf->buf)))
		log_panic("inet_addr_ntop: bad address family %d",
			  addr->family);
	return buf->buf;
}

/* inet_addr_equal - same family and bytes */

int
inet_addr_equal(const INET_ADDR *a, const INET_ADDR *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, INET_ADDR_LEN(a)) == 0;
}

/* inet_addr_is_v4mapped - ::ffff:a.b.c.d */

int
inet_addr_is_v4mapped(const INET_ADDR *addr)
{
	return addr->family == AF_INET6 &&
	       memcmp(addr->bytes, inet_addr_v4mapped_prefix,
		      sizeof(inet_addr_v4mapped_prefix)) == 0;
}

/* inet_addr_unmap - IPv4-mapped IPv6 to IPv4 */

int
inet_addr_unmap(INET_ADDR *addr)
{
	if (!inet_addr_is_v4mapped(addr))
		return 0;
	memmove(addr->bytes, addr->bytes + 12, 4);
	memset(addr->bytes + 4, 0, sizeof(addr->bytes) - 4);
	addr->family = AF_INET;
	return 1;
}

/* inet_addr_from_sockaddr - address and port of a socket address */

int
inet_addr_from_sockaddr(const struct sockaddr *sa, size_t salen,
			INET_ADDR *addr, unsigned *port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(addr->bytes, 0, sizeof(addr->bytes));
	/* Copies, because sa need not be aligned for the specific type. */
	if (sa->sa_family == AF_INET && salen >= sizeof(sin)) {
		memcpy(&sin, sa, sizeof(sin));
		addr->family = AF_INET;
		memcpy(addr->bytes, &sin.sin_addr, 4);
		if (port)
			*port = ntohs(sin.sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && salen >= sizeof(sin6)) {
		memcpy(&sin6, sa, sizeof(sin6));
		addr->family = AF_INET6;
		memcpy(addr->bytes, &sin6.sin6_addr, 16);
		if (port)
			*port = ntohs(sin6.sin6_port);
		return 0;
	}
	return -1;
}

/* inet_addr_to_sockaddr - socket address for an address and port */

size_t
inet_addr_to_sockaddr(const INET_ADDR *addr, unsigned port,
		      struct sockaddr_storage *ss)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short) port);
		memcpy(&sin.sin_addr, addr->bytes, 4);
		memcpy(ss, &sin, sizeof(sin));
		return sizeof(sin);
	}
	if (addr->family == AF_INET6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((unsigned short) port);
		memcpy(&sin6.sin6_addr, addr->bytes, 16);
		memcpy(ss, &sin6, sizeof(sin6));
		return sizeof(sin6);
	}
	log_panic("inet_addr_to_sockaddr: bad address family %d", addr->family);
}

/* inet_addr_bad_host - reason why a host part is unusable, or NULL */

static const char *
inet_addr_bad_host(const char *host)
{
	const unsigned char *cp;

	if (*host == 0)
		return "empty host";
	for (cp = (const unsigned char *) host; *cp; cp++) {
		if (isspace(*cp) || iscntrl(*cp))
			return "white space or control character in host";
		if (*cp == '[' || *cp == ']')
			return "misplaced '[' or ']'";
	}
	return NULL;
}

/* inet_addr_bad_port - reason why a port is unusable, or NULL */

static const char *
inet_addr_bad_port(const char *port)
{
	const unsigned char *cp;
	long num;

	if (isdigit((unsigned char) *port))
		return parse_long(port, &num, 1, 65535) ? "bad port number" : 0;
	/* A service name from /etc/services: letters, digits, '-', '_', '.'. */
	if (!isalpha((unsigned char) *port))
		return "bad port";
	for (cp = (const unsigned char *) port; *cp; cp++)
		if (!isalnum(*cp) && *cp != '-' && *cp != '_' && *cp != '.')
			return "bad service name";
	return NULL;
}

/* inet_addr_split_hostport - split "host:port" and its variants */

int
inet_addr_split_hostport(char *buf, int flags, INET_ADDR_HOSTPORT *hp,
			 STRBUF *why)
{
	const char *err = NULL;
	char *cut = NULL; /* the one byte replaced by a NUL */
	char cut_ch = 0;
	char *cp;

	hp->host = hp->port = NULL;
	hp->bracketed = 0;
	if (*buf == 0) {
		err = "empty endpoint";
	} else if (*buf == '[') {
		if ((cp = strchr(buf, ']')) == NULL) {
			err = "missing ']'";
		} else if (cp[1] != 0 && cp[1] != ':') {
			err = "text after ']' is not \":port\"";
		} else {
			cut = cp;
			cut_ch = *cp;
			*cp++ = 0;
			hp->host = buf + 1;
			hp->bracketed = 1;
			if (*cp == ':')
				hp->port = cp + 1;
		}
	} else if ((cp = strchr(buf, ':')) != NULL) {
		if (strchr(cp + 1, ':') != NULL) {
			err = "IPv6 address must be enclosed in []";
		} else {
			cut = cp;
			cut_ch = *cp;
			*cp = 0;
			hp->host = cp == buf ? NULL : buf;
			hp->port = cp + 1;
		}
	} else if (flags & INET_ADDR_HOSTPORT_BARE_PORT) {
		hp->port = buf;
	} else {
		hp->host = buf;
	}
	if (err == NULL && hp->port != NULL && *hp->port == 0)
		hp->port = NULL;
	if (err == NULL && hp->host != NULL)
		err = inet_addr_bad_host(hp->host);
	if (err == NULL && hp->port != NULL)
		err = inet_addr_bad_port(hp->port);
	if (err == NULL && hp->host == NULL && hp->port == NULL)
		err = "no host and no port";
	if (err != NULL) {
		if (cut != NULL)
			*cut = cut_ch; /* the caller's text is intact again */
		if (why)
			strbuf_printf(why, "%s in \"%s\"", err, buf);
		hp->host = hp->port = NULL;
		hp->bracketed = 0;
		return -1;
	}
	return 0;
}

/* inet_addr_join_hostport - "host:port", bracketing IPv6 */

void
inet_addr_join_hostport(STRBUF *out, const char *host, const char *port)
{
	if (strchr(host, ':') != NULL)
		strbuf_append_printf(out, "[%s]:%s", host, port);
	else
		strbuf_append_printf(out, "%s:%s", host, port);
}
