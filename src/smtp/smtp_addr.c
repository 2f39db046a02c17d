/*
 * smtp_addr.c - next hop to the ordered list of server addresses
 *
 * Follows Postfix's order of work: the MX records of a domain (DNS
 * only), then the addresses of each MX host (DNS and/or getaddrinfo per
 * smtp_host_lookup), a random order among equal preferences, and the
 * cut at this host's own place in the MX list. The loop test is done
 * only in SMTP mode and only for port 25: a content filter on
 * [127.0.0.1]:10025 or an LMTP server on localhost is not a loop.
 * An MX host whose addresses cannot be found is skipped; only when no
 * MX host is left does the lookup fail, temporarily if any of the
 * failures was temporary. This host is recognized by its addresses
 * (inet_interfaces, proxy_interfaces) and, as RFC 5321 section 5.1
 * asks and Postfix does not, by an MX host name equal to myhostname.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"			/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "inet_addr.h"
#include "dns.h"			/* dns */
#include "mynetworks.h"			/* global */
#include "params_global.h"
#include "params_smtp_addr.h"
#include "smtp_addr.h"

#define SMTP_PORT	25		/* loop detection only applies here */
#define NO_PREF		UINT_MAX

/* Host lookup methods (smtp_host_lookup). */
#define LOOKUP_DNS	(1 << 0)
#define LOOKUP_NATIVE	(1 << 1)

/* Settings of one lookup, from the smtp_ or lmtp_ parameters. */
struct addr_conf {
	int	lmtp;
	int	lookup;			/* LOOKUP_* */
	int	prefer;			/* 0 any, 4 ipv4, 6 ipv6 */
	int	limit;			/* 0: none */
	int	randomize;
	int	loop_detect;		/* SMTP mode and port 25 */
	unsigned port;
};

/* Failure state while looking up several hosts. */
struct addr_err {
	int	soft;			/* a temporary failure was seen */
	int	any;			/* some failure was seen */
};

/* This host's addresses (inet_interfaces and proxy_interfaces). */
static INET_ADDR *self_addrs;
static size_t self_count;
static size_t self_size;
static int addr_families = MYNETWORKS_IPV4 | MYNETWORKS_IPV6;
static int addr_init_done;

/* The last service name looked up, and its port. */
static char *last_service;
static unsigned last_port;

/* addr_self_add - remember one of our addresses */

static void
addr_self_add(const INET_ADDR *addr)
{
	size_t	i;

	for (i = 0; i < self_count; i++)
		if (inet_addr_equal(self_addrs + i, addr))
			return;
	if (self_count == self_size) {
		self_size = self_size ? size_mul(self_size, 2) : 8;
		self_addrs = xrealloc(self_addrs,
				      size_mul(self_size, sizeof(*self_addrs)));
	}
	self_addrs[self_count++] = *addr;
}

/* addr_family_ok - is the address family enabled by inet_protocols */

static int
addr_family_ok(int family)
{
	if (family == AF_INET)
		return (addr_families & MYNETWORKS_IPV4) != 0;
	if (family == AF_INET6)
		return (addr_families & MYNETWORKS_IPV6) != 0;
	return 0;
}

/* addr_self_interfaces - every address of every interface */

static void
addr_self_interfaces(void)
{
	struct ifaddrs *ifap, *ifa;
	INET_ADDR addr;

	if (getifaddrs(&ifap) < 0) {
		log_warn("getifaddrs: %m");
		return;
	}
	for (ifa = ifap; ifa; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL)
			continue;
		if (ifa->ifa_addr->sa_family != AF_INET &&
		    ifa->ifa_addr->sa_family != AF_INET6)
			continue;
		if (inet_addr_from_sockaddr(ifa->ifa_addr,
					    ifa->ifa_addr->sa_family == AF_INET ?
					    sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6),
					    &addr, NULL) == 0)
			addr_self_add(&addr);
	}
	freeifaddrs(ifap);
}

/* addr_self_name - the addresses of one interface name or address */

static void
addr_self_name(const char *what, char *name)
{
	struct addrinfo hints, *res0, *res;
	INET_ADDR addr;
	size_t	len = strlen(name);
	int	err;

	if (len > 1 && name[0] == '[' && name[len - 1] == ']') {
		name[len - 1] = 0;
		name++;
	}
	if (inet_addr_pton(name, &addr) == 0) {
		addr_self_add(&addr);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(name, NULL, &hints, &res0)) != 0) {
		log_warn("%s: unable to look up host %s: %s", what, name,
			 gai_strerror(err));
		return;
	}
	for (res = res0; res; res = res->ai_next)
		if (inet_addr_from_sockaddr(res->ai_addr, res->ai_addrlen,
					    &addr, NULL) == 0)
			addr_self_add(&addr);
	freeaddrinfo(res0);
}

/* addr_self_list - addresses named by an inet_interfaces-like value */

static void
addr_self_list(const char *what, const char *value)
{
	char   *copy = xstrdup(value ? value : "");
	char   *cp = copy;
	char   *tok;
	INET_ADDR addr;

	while ((tok = token_next(&cp, ", \t\r\n")) != NULL) {
		if (strcasecmp(tok, "all") == 0) {
			addr_self_interfaces();
		} else if (strcasecmp(tok, "loopback-only") == 0) {
			if (inet_addr_pton("127.0.0.1", &addr) == 0)
				addr_self_add(&addr);
			if (inet_addr_pton("::1", &addr) == 0)
				addr_self_add(&addr);
		} else {
			addr_self_name(what, tok);
		}
	}
	xfree(copy);
}

/* smtp_addr_init - learn this host's addresses and names */

void
smtp_addr_init(void)
{
	STRBUF *why = strbuf_create(100);
	int	families;

	self_count = 0;
	if (mynetworks_protocols(var_inet_protocols ? var_inet_protocols :
				 "all", &families, why) < 0)
		log_fatal("%s", strbuf_str(why));
	addr_families = families;
	addr_self_list("inet_interfaces", var_inet_interfaces ?
		       var_inet_interfaces : "all");
	addr_self_list("proxy_interfaces", var_proxy_interfaces);
	strbuf_free(&why);
	srandom((unsigned) time(NULL) ^ ((unsigned) getpid() << 16));
	addr_init_done = 1;
}

/* addr_is_self - is addr one of ours */

static int
addr_is_self(const INET_ADDR *addr)
{
	INET_ADDR plain = *addr;
	size_t	i;

	(void) inet_addr_unmap(&plain);
	for (i = 0; i < self_count; i++)
		if (inet_addr_equal(self_addrs + i, &plain))
			return 1;
	return 0;
}

/* addr_name_is_self - is name this host's myhostname */

static int
addr_name_is_self(const char *name)
{
	return var_myhostname != NULL && *var_myhostname != 0
	    && strcasecmp(name, var_myhostname) == 0;
}

/* addr_conf_lookup - parse smtp_host_lookup */

static int
addr_conf_lookup(const char *name, const char *value)
{
	char   *copy = xstrdup(value ? value : "dns");
	char   *cp = copy;
	char   *tok;
	int	mask = 0;

	while ((tok = token_next(&cp, ", \t\r\n")) != NULL) {
		if (strcasecmp(tok, "dns") == 0)
			mask |= LOOKUP_DNS;
		else if (strcasecmp(tok, "native") == 0)
			mask |= LOOKUP_NATIVE;
		else
			log_warn("%s: unknown host lookup method \"%s\"; "
				 "ignored", name, tok);
	}
	xfree(copy);
	return mask ? mask : LOOKUP_DNS;
}

/* addr_conf_prefer - parse smtp_address_preference */

static int
addr_conf_prefer(const char *name, const char *value)
{
	if (value == NULL || strcasecmp(value, "any") == 0)
		return 0;
	if (strcasecmp(value, "ipv4") == 0)
		return 4;
	if (strcasecmp(value, "ipv6") == 0)
		return 6;
	log_warn("%s: bad value \"%s\"; using \"any\"", name, value);
	return 0;
}

/* addr_conf_init - settings for SMTP or LMTP mode */

static void
addr_conf_init(struct addr_conf *conf, int lmtp)
{
	conf->lmtp = lmtp;
	if (lmtp) {
		conf->lookup = addr_conf_lookup("lmtp_host_lookup",
						var_lmtp_host_lookup);
		conf->prefer = addr_conf_prefer("lmtp_address_preference",
						var_lmtp_address_preference);
		conf->limit = var_lmtp_mx_address_limit;
		conf->randomize = var_lmtp_randomize_addresses;
	} else {
		conf->lookup = addr_conf_lookup("smtp_host_lookup",
						var_smtp_host_lookup);
		conf->prefer = addr_conf_prefer("smtp_address_preference",
						var_smtp_address_preference);
		conf->limit = var_smtp_mx_address_limit;
		conf->randomize = var_smtp_randomize_addresses;
	}
	if (var_disable_dns_lookups)
		conf->lookup = LOOKUP_NATIVE;
	conf->loop_detect = 0;
	conf->port = 0;
}

/* addr_port - a port number or service name to a number */

static int
addr_port(const char *port, unsigned *result, STRBUF *dsn, STRBUF *why)
{
	struct servent *sp;
	long	num;

	if (isdigit((unsigned char) *port)) {
		if (parse_long(port, &num, 1, 65535) < 0) {
			strbuf_set(dsn, "4.3.5");
			strbuf_printf(why, "bad port number: %s", port);
			return -1;
		}
		*result = (unsigned) num;
		return 0;
	}
	/* The default "smtp" comes every time: keep the last answer. */
	if (last_service && strcmp(last_service, port) == 0) {
		*result = last_port;
		return 0;
	}
	if ((sp = getservbyname(port, "tcp")) == NULL) {
		strbuf_set(dsn, "4.3.5");
		strbuf_printf(why, "unknown service: %s/tcp", port);
		return -1;
	}
	*result = ntohs((unsigned short) sp->s_port);
	xfree(last_service);
	last_service = xstrdup(port);
	last_port = *result;
	return 0;
}

/* addr_new - one list entry */

static SMTP_ADDR *
addr_new(const char *host, const INET_ADDR *addr, unsigned port,
	 unsigned pref)
{
	SMTP_ADDR *entry = xcalloc(1, sizeof(*entry));

	entry->host = xstrdup(host);
	if (addr)
		entry->addr = *addr;
	entry->port = port;
	entry->pref = pref;
	return entry;
}

/* addr_append - add an entry at the end of a list */

static void
addr_append(SMTP_ADDR **list, SMTP_ADDR *entry)
{
	while (*list)
		list = &(*list)->next;
	*list = entry;
}

/*
 * addr_fail - record a failure; after a temporary one, a permanent one
 * (soft == 0) changes nothing: the result stays temporary
 */

static void
addr_fail(struct addr_err *err, int soft, const char *status,
	  const char *text, STRBUF *dsn, STRBUF *why)
{
	if (err->soft && !soft)
		return;
	strbuf_set(dsn, status);
	strbuf_set(why, text);
	err->any = 1;
	if (soft)
		err->soft = 1;
}

/* addr_native - getaddrinfo() lookup of one host */

static void
addr_native(const char *host, unsigned pref, const struct addr_conf *conf,
	    SMTP_ADDR **list, struct addr_err *err, STRBUF *dsn, STRBUF *why)
{
	struct addrinfo hints, *res0, *res;
	STRBUF *text;
	INET_ADDR addr;
	int	found = 0;
	int	aierr;
	int	nohost;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((aierr = getaddrinfo(host, NULL, &hints, &res0)) != 0) {
		int	soft = err->soft || aierr == EAI_AGAIN
		    || aierr == EAI_MEMORY || aierr == EAI_SYSTEM;

		nohost = aierr == EAI_AGAIN || aierr == EAI_NONAME
#ifdef EAI_NODATA
		    || aierr == EAI_NODATA
#endif
		    ;
		text = strbuf_create(100);
		strbuf_printf(text, "unable to look up host %s: %s", host,
			      gai_strerror(aierr));
		addr_fail(err, soft, soft ? (nohost ? "4.4.4" : "4.3.0") :
			  (nohost ? "5.4.4" : "5.3.0"), strbuf_str(text),
			  dsn, why);
		strbuf_free(&text);
		return;
	}
	for (res = res0; res; res = res->ai_next) {
		if (inet_addr_from_sockaddr(res->ai_addr, res->ai_addrlen,
					    &addr, NULL) < 0
		    || !addr_family_ok(addr.family)) {
			continue;
		}
		found++;
		addr_append(list, addr_new(host, &addr, conf->port, pref));
	}
	freeaddrinfo(res0);
	if (found == 0) {
		text = strbuf_create(100);
		strbuf_printf(text, "%s: host not found", host);
		addr_fail(err, err->soft, err->soft ? "4.4.4" : "5.4.4",
			  strbuf_str(text), dsn, why);
		strbuf_free(&text);
	}
}

/* addr_host - addresses of one host; appends to list, 1 if any found */

static int
addr_host(const char *host, unsigned pref, const struct addr_conf *conf,
	  SMTP_ADDR **list, struct addr_err *err, STRBUF *dsn, STRBUF *why)
{
	SMTP_ADDR *found = NULL;
	INET_ADDR addr;
	INET_ADDR_STR abuf;
	DNS_RR *rrs, *rr;
	STRBUF *text;
	int	status;

	/* A numeric name is the address itself. */
	if (inet_addr_parse(host, INET_ADDR_FLAG_IPV6_TAG, &addr, NULL) == 0) {
		if (!addr_family_ok(addr.family)) {
			text = strbuf_create(100);
			strbuf_printf(text, "unable to look up host %s: "
				      "address family not enabled by "
				      "inet_protocols", host);
			addr_fail(err, 0, "5.4.4", strbuf_str(text), dsn, why);
			strbuf_free(&text);
			return 0;
		}
		addr_append(list, addr_new(inet_addr_ntop(&addr, &abuf),
					    &addr, conf->port, pref));
		return 1;
	}
	if (conf->lookup & LOOKUP_DNS) {
		text = strbuf_create(100);
		status = dns_lookup_addr(host, addr_families, &rrs, text);
		switch (status) {
		case DNS_OK:
			for (rr = rrs; rr; rr = rr->next)
				if ((rr->type == DNS_T_A || rr->type == DNS_T_AAAA)
				    && addr_family_ok(rr->addr.family))
					addr_append(&found,
						    addr_new(host, &rr->addr,
							     conf->port, pref));
			dns_rr_free(rrs);
			strbuf_free(&text);
			if (found) {
				addr_append(list, found);
				return 1;
			}
			return 0;
		case DNS_RETRY:
			addr_fail(err, 1, "4.4.3", strbuf_str(text), dsn, why);
			strbuf_free(&text);
			return 0;
		default:			/* NOTFOUND, INVAL */
			addr_fail(err, err->soft, err->soft ? "4.4.4" : "5.4.4",
				  strbuf_str(text), dsn, why);
			strbuf_free(&text);
			break;			/* the native lookup may work */
		}
	}
	if (conf->lookup & LOOKUP_NATIVE) {
		addr_native(host, pref, conf, &found, err, dsn, why);
		if (found) {
			addr_append(list, found);
			return 1;
		}
	}
	return 0;
}

/* addr_rank - sort key within one preference: the preferred family first */

static int
addr_rank(const SMTP_ADDR *a, int prefer)
{
	if (prefer == 6)
		return a->addr.family == AF_INET6 ? 0 : 1;
	if (prefer == 4)
		return a->addr.family == AF_INET ? 0 : 1;
	return 0;
}

/* addr_order - shuffle (smtp_randomize_addresses) and sort stably */

static SMTP_ADDR *
addr_order(SMTP_ADDR *list, const struct addr_conf *conf)
{
	SMTP_ADDR **vec, *tmp, *e;
	size_t	n = 0, i, j;

	for (e = list; e; e = e->next)
		n++;
	if (n < 2)
		return list;
	vec = xmalloc(size_mul(n, sizeof(*vec)));
	for (i = 0, e = list; e; e = e->next)
		vec[i++] = e;
	if (conf->randomize) {
		for (i = n - 1; i > 0; i--) {
			j = (size_t) random() % (i + 1);
			tmp = vec[i];
			vec[i] = vec[j];
			vec[j] = tmp;
		}
	}
	/* Insertion sort: stable, and the lists are short. */
	for (i = 1; i < n; i++) {
		tmp = vec[i];
		for (j = i; j > 0; j--) {
			if (vec[j - 1]->pref < tmp->pref
			    || (vec[j - 1]->pref == tmp->pref
				&& addr_rank(vec[j - 1], conf->prefer) <=
				addr_rank(tmp, conf->prefer)))
				break;
			vec[j] = vec[j - 1];
		}
		vec[j] = tmp;
	}
	for (i = 0; i + 1 < n; i++)
		vec[i]->next = vec[i + 1];
	vec[n - 1]->next = NULL;
	list = vec[0];
	xfree(vec);
	return list;
}

/* addr_cut - drop every entry from pref on (the list is sorted) */

static SMTP_ADDR *
addr_cut(SMTP_ADDR *list, unsigned pref)
{
	SMTP_ADDR **pp;

	for (pp = &list; *pp; pp = &(*pp)->next) {
		if ((*pp)->pref >= pref) {
			smtp_addr_free(*pp);
			*pp = NULL;
			break;
		}
	}
	return list;
}

/* addr_self_pref - the best preference at which this host appears */

static unsigned
addr_self_pref(const SMTP_ADDR *list)
{
	unsigned best = NO_PREF;

	for (; list; list = list->next)
		if (list->pref < best
		    && (addr_is_self(&list->addr) || addr_name_is_self(list->host)))
			best = list->pref;
	return best;
}

/* addr_by_host - a host without MX lookup: [host], implicit MX, LMTP */

static int
addr_by_host(const char *host, const struct addr_conf *conf,
	     SMTP_ADDR **list, STRBUF *dsn, STRBUF *why)
{
	struct addr_err err = {0, 0};

	if (!addr_host(host, 0, conf, list, &err, dsn, why)) {
		if (!err.any) {
			strbuf_set(dsn, "5.4.4");
			strbuf_printf(why, "%s: host not found", host);
		}
		return err.soft ? SMTP_ADDR_RETRY : SMTP_ADDR_FAIL;
	}
	if (conf->loop_detect
	    && (addr_name_is_self(host) || addr_self_pref(*list) != NO_PREF)) {
		smtp_addr_free(*list);
		*list = NULL;
		strbuf_set(dsn, "5.4.6");
		strbuf_printf(why, "mail for %s loops back to myself", host);
		return SMTP_ADDR_FAIL;
	}
	*list = addr_order(*list, conf);
	return SMTP_ADDR_OK;
}

/* addr_mx_cmp - qsort() order of MX records: preference, then input order */

static int
addr_mx_cmp(const void *a, const void *b)
{
	const DNS_RR *ra = *(DNS_RR *const *) a;
	const DNS_RR *rb = *(DNS_RR *const *) b;

	if (ra->pref != rb->pref)
		return ra->pref < rb->pref ? -1 : 1;
	return 0;
}

/* addr_by_mx - MX lookup, then the addresses of each MX host */

static int
addr_by_mx(const char *domain, const struct addr_conf *conf,
	   SMTP_ADDR **list, STRBUF *dsn, STRBUF *why)
{
	struct addr_err err = {0, 0};
	DNS_RR *mx, *rr, **vec;
	STRBUF *text = strbuf_create(100);
	unsigned best_pref, best_found, self_pref = NO_PREF;
	size_t	n = 0, i, real = 0;
	int	status;

	status = dns_lookup(domain, DNS_T_MX, DNS_F_NONE, &mx, text);
	switch (status) {
	case DNS_NOTFOUND:
		strbuf_free(&text);
		return addr_by_host(domain, conf, list, dsn, why);
	case DNS_OK:
		break;
	default:
		strbuf_set(dsn, status == DNS_RETRY ? "4.4.3" : "5.4.4");
		strbuf_set(why, strbuf_str(text));
		strbuf_free(&text);
		if (var_ignore_mx_lookup_error)
			return addr_by_host(domain, conf, list, dsn, why);
		return status == DNS_RETRY ? SMTP_ADDR_RETRY : SMTP_ADDR_FAIL;
	}
	strbuf_free(&text);

	/* RFC 7505: one MX record with an empty target ("."). */
	for (rr = mx; rr; rr = rr->next) {
		n++;
		if (rr->text && rr->text[0] && strcmp(rr->text, ".") != 0)
			real++;
	}
	if (real == 0) {
		dns_rr_free(mx);
		strbuf_set(dsn, "5.1.0");
		strbuf_printf(why, "Domain %s does not accept mail (nullMX)",
			      domain);
		return SMTP_ADDR_FAIL;
	}
	vec = xmalloc(size_mul(n, sizeof(*vec)));
	for (i = 0, rr = mx; rr; rr = rr->next)
		vec[i++] = rr;
	qsort(vec, n, sizeof(*vec), addr_mx_cmp);
	best_pref = vec[0]->pref;
	for (i = 0; i < n; i++) {
		rr = vec[i];
		if (rr->text == NULL || rr->text[0] == 0
		    || strcmp(rr->text, ".") == 0)
			continue;
		if (conf->loop_detect && addr_name_is_self(rr->text)
		    && rr->pref < self_pref)
			self_pref = rr->pref;
		(void) addr_host(rr->text, rr->pref, conf, list, &err, dsn, why);
	}
	xfree(vec);
	dns_rr_free(mx);

	if (*list == NULL && self_pref == NO_PREF) {
		log_warn("no MX host for %s has a valid address record",
			 domain);
		if (!err.any) {
			strbuf_set(dsn, "5.4.4");
			strbuf_printf(why, "no MX host for %s has a valid "
				      "address record", domain);
		}
		if (err.soft || var_smtp_defer_if_no_mx_address_found) {
			if (strbuf_str(dsn)[0] == '5')
				strbuf_str(dsn)[0] = '4';
			return SMTP_ADDR_RETRY;
		}
		return SMTP_ADDR_FAIL;
	}
	*list = addr_order(*list, conf);
	best_found = *list ? (*list)->pref : NO_PREF;
	if (conf->loop_detect) {
		unsigned addr_self = addr_self_pref(*list);

		if (addr_self < self_pref)
			self_pref = addr_self;
		if (self_pref != NO_PREF) {
			if (best_found > self_pref)
				best_found = self_pref;
			*list = addr_cut(*list, self_pref);
			if (*list == NULL) {
				if (best_pref != best_found) {
					strbuf_set(dsn, "4.4.4");
					strbuf_printf(why, "unable to find "
						      "primary relay for %s",
						      domain);
					return SMTP_ADDR_RETRY;
				}
				strbuf_set(dsn, "5.4.6");
				strbuf_printf(why, "mail for %s loops back to "
					      "myself", domain);
				return SMTP_ADDR_FAIL;
			}
		}
	}
	return SMTP_ADDR_OK;
}

/* addr_limit - keep at most limit entries */

static void
addr_limit(SMTP_ADDR *list, int limit)
{
	int	i;

	if (limit <= 0)
		return;
	for (i = 1; list && i < limit; i++)
		list = list->next;
	if (list && list->next) {
		smtp_addr_free(list->next);
		list->next = NULL;
	}
}

/* smtp_addr_find - look up the addresses of a next hop */

int
smtp_addr_find(const char *nexthop, int lmtp, SMTP_ADDR **list,
	       STRBUF *dsn, STRBUF *why)
{
	struct addr_conf conf;
	INET_ADDR_HOSTPORT hp;
	const char *dest = nexthop;
	const char *defport;
	char   *copy;
	int	lookup_mx;
	int	status;

	if (!addr_init_done)
		smtp_addr_init();
	*list = NULL;
	strbuf_reset(dsn);
	strbuf_reset(why);
	addr_conf_init(&conf, lmtp);

	if (strncasecmp(dest, "unix:", 5) == 0) {
		if (!lmtp || dest[5] == 0) {
			strbuf_set(dsn, "4.3.5");
			strbuf_printf(why, "bad destination: %s: %s", nexthop,
				      lmtp ? "no socket path" :
				      "unix: requires LMTP");
			return SMTP_ADDR_RETRY;
		}
		*list = addr_new(dest + 5, NULL, 0, 0);
		(*list)->is_unix = 1;
		return SMTP_ADDR_OK;
	}
	if (strncasecmp(dest, "inet:", 5) == 0)
		dest += 5;

	copy = xstrdup(dest);
	if (inet_addr_split_hostport(copy, INET_ADDR_HOSTPORT_NONE, &hp,
				     why) < 0 || hp.host == NULL || !*hp.host) {
		strbuf_set(dsn, "4.3.5");
		if (strbuf_len(why) == 0)
			strbuf_printf(why, "bad destination: %s", nexthop);
		xfree(copy);
		return SMTP_ADDR_RETRY;
	}
	if (lmtp)
		defport = var_lmtp_tcp_port ? var_lmtp_tcp_port : "24";
	else
		defport = var_smtp_tcp_port ? var_smtp_tcp_port : "smtp";
	if (addr_port(hp.port ? hp.port : defport, &conf.port, dsn, why) < 0) {
		xfree(copy);
		return SMTP_ADDR_RETRY;
	}
	conf.loop_detect = !lmtp && conf.port == SMTP_PORT;
	lookup_mx = !lmtp && !hp.bracketed && (conf.lookup & LOOKUP_DNS)
	    && !var_disable_dns_lookups;
	if (lookup_mx && inet_addr_parse(hp.host, INET_ADDR_FLAG_IPV6_TAG,
					 &(INET_ADDR){0}, NULL) == 0)
		lookup_mx = 0;

	if (lookup_mx)
		status = addr_by_mx(hp.host, &conf, list, dsn, why);
	else
		status = addr_by_host(hp.host, &conf, list, dsn, why);
	xfree(copy);
	if (status != SMTP_ADDR_OK) {
		smtp_addr_free(*list);
		*list = NULL;
		return status;
	}
	addr_limit(*list, conf.limit);
	strbuf_reset(dsn);
	strbuf_reset(why);
	return SMTP_ADDR_OK;
}

/* smtp_addr_free - free a list */

void
smtp_addr_free(SMTP_ADDR *list)
{
	SMTP_ADDR *next;

	for (; list != NULL; list = next) {
		next = list->next;
		xfree(list->host);
		xfree(list);
	}
}

/* smtp_addr_name - "host[addr]:port", or "myhostname[path]" for unix: */

void
smtp_addr_name(const SMTP_ADDR *addr, STRBUF *out)
{
	INET_ADDR_STR buf;

	if (addr->is_unix) {
		strbuf_printf(out, "%s[%s]", var_myhostname && *var_myhostname ?
			      var_myhostname : "localhost", addr->host);
		return;
	}
	strbuf_printf(out, "%s[%s]:%u", addr->host,
		      inet_addr_ntop(&addr->addr, &buf), addr->port);
}
