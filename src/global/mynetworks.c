/*
 * mynetworks.c - the networks of this host, as the mynetworks default
 *
 * Reads the interface addresses with getifaddrs(), keeps those that
 * inet_interfaces and inet_protocols select, and prints each as
 * network/length in the style mynetworks_style asks for. Addresses are
 * not merged, only duplicate addresses dropped, so two addresses on one
 * subnet print the subnet twice, as Postfix does.
 */

#include "sysdeps.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"
#include "mem.h"
#include "mynetworks.h"
#include "strbuf.h"
#include "stringops.h"

/* One interface address with the length of its network prefix. */
typedef struct MYNET_ADDR {
	int family;
	unsigned char bytes[16];
	int prefix;
	int loopback;
} MYNET_ADDR;

typedef struct MYNET_LIST {
	MYNET_ADDR *addrs;
	size_t used;
	size_t size;
} MYNET_LIST;

#define MYNET_SEPARATORS ", \t\r\n"

#define MYNET_STYLE_HOST 1
#define MYNET_STYLE_SUBNET 2
#define MYNET_STYLE_CLASS 3

/* mynet_add - append an address unless it is there already */

static void
mynet_add(MYNET_LIST *list, const MYNET_ADDR *addr)
{
	size_t i;
	size_t len = addr->family == AF_INET6 ? 16 : 4;

	for (i = 0; i < list->used; i++)
		if (list->addrs[i].family == addr->family &&
		    memcmp(list->addrs[i].bytes, addr->bytes, len) == 0)
			return;
	if (list->used == list->size) {
		list->size = list->size ? size_mul(list->size, 2) : 8;
		list->addrs =
		    xrealloc(list->addrs, size_mul(list->size, sizeof(*addr)));
	}
	list->addrs[list->used++] = *addr;
}

/* mynet_prefix - length of a netmask, in bits */

static int
mynet_prefix(const unsigned char *mask, size_t len)
{
	int bits = 0;
	size_t i;
	unsigned char b;

	for (i = 0; i < len; i++)
		for (b = mask[i]; b & 0x80; b <<= 1)
			bits++;
	return bits;
}

/* mynet_from_sockaddr - address bytes of an AF_INET or AF_INET6 sockaddr */

static int
mynet_from_sockaddr(const struct sockaddr *sa, MYNET_ADDR *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (sa == NULL)
		return -1;
	addr->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		memcpy(addr->bytes,
		       &((const struct sockaddr_in *) sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(addr->bytes,
		       &((const struct sockaddr_in6 *) sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* mynet_local - interface addresses of the wanted families, IPv4 first */

static void
mynet_local(int protocols, MYNET_LIST *list)
{
	struct ifaddrs *ifap;
	struct ifaddrs *ifa;
	MYNET_ADDR addr;
	MYNET_ADDR mask;
	int pass;
	int family;

	if (getifaddrs(&ifap) < 0)
		return;
	for (pass = 0; pass < 2; pass++) {
		family = pass == 0 ? AF_INET : AF_INET6;
		if (!(protocols &
		      (pass == 0 ? MYNETWORKS_IPV4 : MYNETWORKS_IPV6)))
			continue;
		for (ifa = ifap; ifa; ifa = ifa->ifa_next) {
			if (ifa->ifa_addr == NULL ||
			    ifa->ifa_addr->sa_family != family ||
			    mynet_from_sockaddr(ifa->ifa_addr, &addr) < 0)
				continue;
			if (mynet_from_sockaddr(ifa->ifa_netmask, &mask) == 0)
				addr.prefix = mynet_prefix(
				    mask.bytes, family == AF_INET ? 4 : 16);
			else
				addr.prefix = family == AF_INET ? 32 : 128;
			addr.loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
			mynet_add(list, &addr);
		}
	}
	freeifaddrs(ifap);
}

/* mynetworks_protocols - parse inet_protocols */

int
mynetworks_protocols(const char *protocols, int *flags, STRBUF *why)
{
	char *copy = xstrdup(protocols);
	char *cp = copy;
	char *tok;
	int result = 0;
	int fd;

	while ((tok = token_next(&cp, MYNET_SEPARATORS)) != NULL) {
		if (strcasecmp(tok, "ipv4") == 0) {
			result |= MYNETWORKS_IPV4;
		} else if (strcasecmp(tok, "ipv6") == 0) {
			result |= MYNETWORKS_IPV6;
		} else if (strcasecmp(tok, "all") == 0) {
			result |= MYNETWORKS_IPV4;
			/* Like Postfix, "all" means IPv6 only where it works.
			 */
			if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) >= 0) {
				result |= MYNETWORKS_IPV6;
				close(fd);
			}
		} else {
			strbuf_printf(
			    why,
			    "unknown inet_protocols value \"%s\" in \"%s\"",
			    tok, protocols);
			xfree(copy);
			return -1;
		}
	}
	xfree(copy);
	*flags = result;
	return 0;
}

/* mynet_style - parse mynetworks_style: exactly one of three names */

static int
mynet_style(const char *style, STRBUF *why)
{
	static const struct {
		const char *name;
		int code;
	} styles[] = {
	    {"host", MYNET_STYLE_HOST},
	    {"subnet", MYNET_STYLE_SUBNET},
	    {"class", MYNET_STYLE_CLASS},
	};
	char *copy = xstrdup(style);
	char *cp = copy;
	char *tok;
	int mask = 0;
	int code = 0;
	int count = 0;
	size_t i;

	while ((tok = token_next(&cp, MYNET_SEPARATORS)) != NULL) {
		for (i = 0; i < ARRAY_LEN(styles); i++)
			if (strcasecmp(tok, styles[i].name) == 0)
				break;
		if (i == ARRAY_LEN(styles)) {
			strbuf_printf(why,
				      "unknown mynetworks mask style value"
				      " \"%s\" in \"%s\"",
				      tok, style);
			xfree(copy);
			return -1;
		}
		if (!(mask & (1 << i))) {
			mask |= 1 << i;
			count++;
			code = styles[i].code;
		}
	}
	xfree(copy);
	if (count != 1) {
		strbuf_printf(why,
			      "bad mynetworks_style value: %s;"
			      " specify exactly one value",
			      style);
		return -1;
	}
	return code;
}

/* mynet_resolve - addresses of one inet_interfaces name */

static int
mynet_resolve(const char *name, int protocols, MYNET_LIST *found, STRBUF *why)
{
	struct addrinfo hints;
	struct addrinfo *res;
	struct addrinfo *ai;
	MYNET_ADDR addr;
	char *host = xstrdup(name);
	size_t len = strlen(host);
	int err;

	/* "[::1]" is an address in brackets. */
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		memmove(host, host + 1, len - 2);
		host[len - 2] = 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = protocols == MYNETWORKS_IPV4	 ? AF_INET
			  : protocols == MYNETWORKS_IPV6 ? AF_INET6
							 : AF_UNSPEC;
	if ((err = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		strbuf_printf(
		    why, "parameter inet_interfaces: host not found: %s", name);
		xfree(host);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if (mynet_from_sockaddr(ai->ai_addr, &addr) == 0)
			mynet_add(found, &addr);
	freeaddrinfo(res);
	xfree(host);
	return 0;
}

/* mynet_selected - the local addresses that inet_interfaces names */

static int
mynet_selected(const char *interfaces, int protocols, const MYNET_LIST *local,
	       MYNET_LIST *out, STRBUF *why)
{
	MYNET_LIST wanted = {0, 0, 0};
	char *copy = xstrdup(interfaces);
	char *cp = copy;
	char *tok;
	size_t i;
	size_t j;
	size_t len;
	int pass;
	char text[INET6_ADDRSTRLEN];

	while ((tok = token_next(&cp, MYNET_SEPARATORS)) != NULL) {
		if (strcasecmp(tok, "all") == 0) {
			for (i = 0; i < local->used; i++)
				mynet_add(&wanted, local->addrs + i);
		} else if (strcasecmp(tok, "loopback-only") == 0) {
			for (i = 0; i < local->used; i++)
				if (local->addrs[i].loopback)
					mynet_add(&wanted, local->addrs + i);
		} else if (mynet_resolve(tok, protocols, &wanted, why) < 0) {
			xfree(copy);
			xfree(wanted.addrs);
			return -1;
		}
	}
	xfree(copy);

	/* Each wanted address must be local; it takes that interface's mask. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < wanted.used; i++) {
			if (wanted.addrs[i].family !=
			    (pass ? AF_INET6 : AF_INET))
				continue;
			len = pass ? 16 : 4;
			for (j = 0; j < local->used; j++)
				if (local->addrs[j].family ==
					wanted.addrs[i].family &&
				    memcmp(local->addrs[j].bytes,
					   wanted.addrs[i].bytes, len) == 0)
					break;
			if (j == local->used) {
				inet_ntop(wanted.addrs[i].family,
					  wanted.addrs[i].bytes, text,
					  sizeof(text));
				strbuf_printf(
				    why,
				    "parameter inet_interfaces:"
				    " no local interface found for %s",
				    text);
				xfree(wanted.addrs);
				return -1;
			}
			mynet_add(out, local->addrs + j);
		}
	}
	xfree(wanted.addrs);
	return 0;
}

/* mynet_format - append one address as network/length */

static void
mynet_format(STRBUF *out, const MYNET_ADDR *addr, int style)
{
	unsigned char net[16];
	char text[INET6_ADDRSTRLEN];
	size_t len = addr->family == AF_INET6 ? 16 : 4;
	int prefix = addr->prefix;
	size_t i;

	if (style == MYNET_STYLE_HOST) {
		prefix = (int) len * 8;
	} else if (style == MYNET_STYLE_CLASS && addr->family == AF_INET) {
		/* The historical class A/B/C/D networks. */
		if ((addr->bytes[0] & 0x80) == 0)
			prefix = 8;
		else if ((addr->bytes[0] & 0xc0) == 0x80)
			prefix = 16;
		else if ((addr->bytes[0] & 0xe0) == 0xc0)
			prefix = 24;
		else if ((addr->bytes[0] & 0xf0) == 0xe0)
			prefix = 4;
		else
			prefix = 32;
	}
	for (i = 0; i < len; i++) {
		int bits = prefix - (int) i * 8;

		if (bits >= 8)
			net[i] = addr->bytes[i];
		else if (bits <= 0)
			net[i] = 0;
		else
			net[i] = addr->bytes[i] &
				 (unsigned char) (0xff << (8 - bits));
	}
	inet_ntop(addr->family, net, text, sizeof(text));
	if (strbuf_len(out) > 0)
		strbuf_append_char(out, ' ');
	if (addr->family == AF_INET6)
		strbuf_append_printf(out, "[%s]/%d", text, prefix);
	else
		strbuf_append_printf(out, "%s/%d", text, prefix);
}

/* mynetworks_compute - the default value of mynetworks */

char *
mynetworks_compute(const char *style, const char *interfaces,
		   const char *protocols, STRBUF *why)
{
	MYNET_LIST local = {0, 0, 0};
	MYNET_LIST chosen = {0, 0, 0};
	STRBUF *out;
	char *result;
	int style_code;
	int proto_flags;
	size_t i;

	if ((style_code = mynet_style(style, why)) < 0)
		return NULL;
	if (mynetworks_protocols(protocols, &proto_flags, why) < 0)
		return NULL;
	mynet_local(proto_flags, &local);
	if (mynet_selected(interfaces, proto_flags, &local, &chosen, why) < 0) {
		xfree(local.addrs);
		return NULL;
	}
	out = strbuf_create(100);
	for (i = 0; i < chosen.used; i++)
		mynet_format(out, chosen.addrs + i, style_code);
	result = strbuf_detach(out);
	strbuf_free(&out);
	xfree(local.addrs);
	xfree(chosen.addrs);
	return result;
}
