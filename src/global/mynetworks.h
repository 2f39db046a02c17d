/*
 * mynetworks.h - the networks of this host, as the mynetworks default
 *
 * Postfix computes the default of mynetworks from the addresses of the
 * machine's interfaces: with mynetworks_style "host" each address alone
 * (/32, /128), with "subnet" the interface's network, with "class" the
 * IPv4 class A/B/C network (IPv6: as subnet). inet_interfaces limits
 * the interfaces ("all", "loopback-only", or addresses and host names)
 * and inet_protocols the address families.
 */

#ifndef MYNETWORKS_H
#define MYNETWORKS_H

#include "sysdeps.h"

struct STRBUF;

/*
 * Returns the space-separated list of networks (IPv4 first, then
 * "[IPv6]/len"), which the caller frees, or NULL with Postfix's wording
 * in why for a bad style, a bad protocol name, or an interface address
 * that is not local.
 */
extern char *mynetworks_compute(const char *style, const char *interfaces,
				const char *protocols, struct STRBUF *why);

/*
 * Parses an inet_protocols value into the flags below; 0, or -1 with
 * "unknown inet_protocols value ..." in why. "all" includes IPv6 only
 * when the system supports it.
 */
#define MYNETWORKS_IPV4 (1 << 0)
#define MYNETWORKS_IPV6 (1 << 1)
extern int mynetworks_protocols(const char *protocols, int *flags,
				struct STRBUF *why);

#endif
