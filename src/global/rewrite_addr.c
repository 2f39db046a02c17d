/*
 * rewrite_addr.c - address rewriting and resolving rules (trivial-rewrite)
 *
 * Implements the canonical-form rules of ADDRESS_REWRITING_README and
 * the address classes of ADDRESS_CLASS_README. Special characters ('@',
 * '!', '%', ':') count only outside double quotes and backslash escapes,
 * so "a@b"@c has local part "a@b".
 */

#include "sysdeps.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "rewrite_addr.h"

/* addr_find - first (last != 0: last) unquoted ch in s[0..len), or -1 */

static ssize_t
addr_find(const char *s, size_t len, int ch, int last)
{
	ssize_t found = -1;
	int     quoted = 0;
	size_t  i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ch) {
			found = (ssize_t) i;
			if (!last)
				break;
		}
	}
	return found;
}

/* rewrite_addr_split - position of the separating '@' */

ssize_t
rewrite_addr_split(const char *addr)
{
	return addr_find(addr, strlen(addr), '@', 1);
}

/*
 * addr_strip_route - drop an RFC 822 source route "@a,@b:user@domain"
 *
 * Returns 1 when a route was removed.
 */

static int
addr_strip_route(STRBUF *buf)
{
	ssize_t colon;
	char   *copy;

	if (strbuf_len(buf) == 0 || strbuf_str(buf)[0] != '@')
		return 0;
	colon = addr_find(strbuf_str(buf), strbuf_len(buf), ':', 0);
	if (colon < 0)
		return 0;
	copy = xstrdup(strbuf_str(buf) + colon + 1);
	strbuf_set(buf, copy);
	free(copy);
	return 1;
}

/* addr_strip_dot - drop one trailing dot, not "..", not "@." */

static void
addr_strip_dot(STRBUF *buf)
{
	size_t  len = strbuf_len(buf);
	const char *s = strbuf_str(buf);

	if (len >= 2 && s[len - 1] == '.' && s[len - 2] != '.'
	    && s[len - 2] != '@' && rewrite_addr_split(s) >= 0)
		strbuf_truncate(buf, len - 1);
}

/*
 * addr_swap_bang - "host!user" becomes "user@host" (first '!' only)
 *
 * Returns 1 when the address changed.
 */

static int
addr_swap_bang(STRBUF *buf)
{
	ssize_t bang = addr_find(strbuf_str(buf), strbuf_len(buf), '!', 0);
	char   *host;
	char   *user;

	if (bang <= 0 || (size_t) bang + 1 >= strbuf_len(buf))
		return 0;
	host = xstrdup(strbuf_str(buf));
	host[bang] = 0;
	user = host + bang + 1;
	{
		STRBUF *tmp = strbuf_create(strbuf_len(buf) + 2);

		strbuf_printf(tmp, "%s@%s", user, host);
		strbuf_set(buf, strbuf_str(tmp));
		strbuf_free(&tmp);
	}
	free(host);
	return 1;
}

/* addr_percent - "user%domain" becomes "user@domain" (last '%') */

static int
addr_percent(STRBUF *buf)
{
	ssize_t pct = addr_find(strbuf_str(buf), strbuf_len(buf), '%', 1);

	if (pct < 0)
		return 0;
	strbuf_str(buf)[pct] = '@';
	return 1;
}

/* rewrite_addr - canonicalise an address */

void
rewrite_addr(const REWRITE_CONF *conf, const char *addr, STRBUF *result)
{
	ssize_t at;

	strbuf_set(result, addr);
	if (*addr == 0)
		return;
	(void) addr_strip_route(result);

	/* Only addresses without '@' get the UUCP and percent treatment. */
	if (rewrite_addr_split(strbuf_str(result)) < 0) {
		if (conf->swap_bangpath)
			(void) addr_swap_bang(result);
		if (rewrite_addr_split(strbuf_str(result)) < 0 && conf->percent_hack)
			(void) addr_percent(result);
	}
	addr_strip_dot(result);
	at = rewrite_addr_split(strbuf_str(result));
	if (at < 0) {
		if (conf->append_at_origin && conf->origin && *conf->origin)
			strbuf_append_printf(result, "@%s", conf->origin);
	} else if (conf->append_dot_domain && conf->domain && *conf->domain
		   && strchr(strbuf_str(result) + at + 1, '.') == NULL
		   && strbuf_str(result)[at + 1] != '[') {
		strbuf_append_printf(result, ".%s", conf->domain);
	}
}

/* resolve_reply_init - allocate the reply buffers */

void
resolve_reply_init(RESOLVE_REPLY *reply)
{
	reply->transport = strbuf_create(20);
	reply->nexthop = strbuf_create(50);
	reply->recipient = strbuf_create(50);
	reply->flags = 0;
}

/* resolve_reply_free - release the reply buffers */

void
resolve_reply_free(RESOLVE_REPLY *reply)
{
	strbuf_free(&reply->transport);
	strbuf_free(&reply->nexthop);
	strbuf_free(&reply->recipient);
}

/* resolve_channel - split "transport:nexthop" into the reply */

static void
resolve_channel(RESOLVE_REPLY *reply, const char *spec, const char *dflt_hop)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL) {
		strbuf_set(reply->transport, spec);
		strbuf_set(reply->nexthop, dflt_hop);
	} else {
		strbuf_set_mem(reply->transport, spec, (size_t) (colon - spec));
		strbuf_set(reply->nexthop, colon[1] ? colon + 1 : dflt_hop);
	}
}

/* resolve_transport_maps - apply transport_maps; -1 on lookup failure */

static int
resolve_transport_maps(const RESOLVE_CONF *conf, const char *rcpt,
		       const char *domain, RESOLVE_REPLY *reply)
{
	STRBUF *value = strbuf_create(50);
	STRBUF *key = strbuf_create(50);
	const char *p;
	int     status = MAP_NOTFOUND;
	int     pass;

	/* user@domain, user@domain without extension, domain, .parents, * */
	for (pass = 0; pass < 3 && status == MAP_NOTFOUND; pass++) {
		if (pass == 0)
			strbuf_set(key, rcpt);
		else if (pass == 1) {
			const char *d = conf->recipient_delimiter;
			ssize_t at = rewrite_addr_split(rcpt);
			size_t  cut;

			if (d == NULL || *d == 0 || at <= 0)
				continue;
			cut = strcspn(rcpt, d);
			if (cut == 0 || cut >= (size_t) at)
				continue;
			strbuf_set_mem(key, rcpt, cut);
			strbuf_append_str(key, rcpt + at);
		} else {
			strbuf_set(key, domain);
		}
		str_lower(strbuf_str(key));
		status = conf->transport_lookup(conf->context, strbuf_str(key),
						value);
	}
	for (p = domain; status == MAP_NOTFOUND && (p = strchr(p, '.')) != NULL;
	     p++) {
		strbuf_set(key, p);
		str_lower(strbuf_str(key));
		status = conf->transport_lookup(conf->context, strbuf_str(key),
						value);
	}
	if (status == MAP_NOTFOUND)
		status = conf->transport_lookup(conf->context, "*", value);
	if (status == MAP_FOUND) {
		const char *v = strbuf_str(value);
		const char *colon = strchr(v, ':');

		/* An empty transport or next hop keeps what the class chose. */
		if (colon == NULL) {
			if (*v)
				strbuf_set(reply->transport, v);
		} else {
			if (colon > v)
				strbuf_set_mem(reply->transport, v,
					       (size_t) (colon - v));
			if (colon[1])
				strbuf_set(reply->nexthop, colon + 1);
		}
	}
	strbuf_free(&key);
	strbuf_free(&value);
	return status == MAP_RETRY ? -1 : 0;
}

/*
 * resolve_relocated - relocated_maps: a user who has moved bounces
 *
 * The keys of relocated(5), in order: user+ext@domain, user@domain,
 * user+ext, user (these two only when the domain is local), @domain.
 * A hit selects the error transport with the new location in the
 * 5.1.6 text; -1 when a table failed.
 */

static int
resolve_relocated(const RESOLVE_CONF *conf, const char *rcpt, int local,
		  RESOLVE_REPLY *reply)
{
	STRBUF *value;
	STRBUF *key;
	const char *d = conf->recipient_delimiter;
	ssize_t at = rewrite_addr_split(rcpt);
	size_t	cut = 0;
	int     status = MAP_NOTFOUND;
	int     pass;

	if (at <= 0)
		return 0;
	if (d != NULL && *d) {
		cut = strcspn(rcpt, d);
		if (cut >= (size_t) at)
			cut = 0;
	}
	value = strbuf_create(50);
	key = strbuf_create(50);
	for (pass = 0; pass < 5 && status == MAP_NOTFOUND; pass++) {
		switch (pass) {
		case 0:
			strbuf_set(key, rcpt);
			break;
		case 1:
			if (cut == 0)
				continue;
			strbuf_set_mem(key, rcpt, cut);
			strbuf_append_str(key, rcpt + at);
			break;
		case 2:
			if (!local)
				continue;
			strbuf_set_mem(key, rcpt, (size_t) at);
			break;
		case 3:
			if (!local || cut == 0)
				continue;
			strbuf_set_mem(key, rcpt, cut);
			break;
		default:
			strbuf_set(key, rcpt + at);
			break;
		}
		status = conf->relocated_lookup(conf->context, strbuf_str(key),
						pass > 0, value);
	}
	if (status == MAP_FOUND) {
		strbuf_set(reply->transport, "error");
		strbuf_printf(reply->nexthop, "5.1.6 User has moved to %s",
			      strbuf_str(value));
	}
	strbuf_free(&key);
	strbuf_free(&value);
	return status == MAP_RETRY ? -1 : 0;
}

/* resolve_numeric - is text a bare IPv4 or IPv6 address? */

static int
resolve_numeric(const char *text)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, text, &a4) == 1
		|| inet_pton(AF_INET6, text, &a6) == 1;
}

/* resolve_same_addr - do two textual IP addresses name the same host? */

static int
resolve_same_addr(const char *a, const char *b)
{
	unsigned char x[sizeof(struct in6_addr)];
	unsigned char y[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1
			&& memcmp(x, y, sizeof(struct in_addr)) == 0;
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, sizeof(x)) == 0;
	return strcasecmp(a, b) == 0;
}

/* rewrite_addr_literal_local - [addr] of one of our interfaces? */

int
rewrite_addr_literal_local(const char *domain, const char *interfaces)
{
	size_t	len = strlen(domain);
	STRBUF *addr;
	ARGV   *ifcs;
	size_t	i;
	int	found = 0;

	if (len < 3 || domain[0] != '[' || domain[len - 1] != ']')
		return 0;
	addr = strbuf_create(len);
	strbuf_set_mem(addr, domain + 1, len - 2);
	if (strncasecmp(strbuf_str(addr), "ipv6:", 5) == 0)
		strbuf_set(addr, strbuf_str(addr) + 5);
	ifcs = argv_split(interfaces, ", \t\r\n");
	for (i = 0; i < ifcs->argc && !found; i++) {
		const char *ifc = ifcs->argv[i];

		if (resolve_same_addr(ifc, strbuf_str(addr)))
			found = 1;
		/* XXX issue 5: "all" stands for the loopback addresses only. */
		else if ((strcasecmp(ifc, "all") == 0
			  || strcasecmp(ifc, "loopback-only") == 0
			  || strcasecmp(ifc, "localhost") == 0)
			 && (str_has_prefix(strbuf_str(addr), "127.")
			     || resolve_same_addr(strbuf_str(addr), "::1")))
			found = 1;
	}
	argv_free(&ifcs);
	strbuf_free(&addr);
	return found;
}

/*
 * resolve_routed - does the local part s[0..at) route through us?
 *
 * With resolve_dequoted_address (the default) '@', and '%' or '!' when
 * enabled, count even inside quotes, and a routed local part loses its
 * quotes. Without it, a local part that needs quoting (it has '@' or
 * quotes) is opaque. On 1, rcpt holds the (dequoted) local part.
 */

static int
resolve_routed(const RESOLVE_CONF *conf, STRBUF *rcpt, size_t at)
{
	const char *s = strbuf_str(rcpt);
	char   *copy;
	size_t	i, n;

	if (!conf->dequoted) {
		if (memchr(s, '@', at) || memchr(s, '"', at))
			return 0;
		if (!(conf->percent_hack && memchr(s, '%', at))
		    && !(conf->swap_bangpath && memchr(s, '!', at)))
			return 0;
		strbuf_truncate(rcpt, at);
		return 1;
	}
	if (!memchr(s, '@', at)
	    && !(conf->percent_hack && memchr(s, '%', at))
	    && !(conf->swap_bangpath && memchr(s, '!', at)))
		return 0;
	copy = xmalloc(at + 1);
	for (i = n = 0; i < at; i++) {
		if (s[i] == '"')
			continue;
		if (s[i] == '\\' && i + 1 < at)
			i++;
		copy[n++] = s[i];
	}
	copy[n] = 0;
	strbuf_set(rcpt, copy);
	free(copy);
	return 1;
}

/* resolve_addr - decide transport, next hop and class of an address */

void
resolve_addr(const RESOLVE_CONF *conf, const char *addr, RESOLVE_REPLY *reply)
{
	STRBUF *rcpt = strbuf_create(50);
	char   *domain;
	ssize_t at;
	int     cls;
	int     n;
	int	numeric = 0;		/* bare IP address domain */

	strbuf_reset(reply->transport);
	strbuf_reset(reply->nexthop);
	reply->flags = 0;
	strbuf_set(rcpt, addr);
	if (addr_strip_route(rcpt))
		reply->flags |= RESOLVE_FLAG_ROUTED;

	/*
	 * Peel local domains off: user%remote@local and user@remote@local
	 * are routed through us (ADDRESS_REWRITING_README, percent hack).
	 * The loop is bounded by the address length.
	 */
	for (n = 0; n < 100; n++) {
		addr_strip_dot(rcpt);
		if ((at = rewrite_addr_split(strbuf_str(rcpt))) < 0) {
			if (conf->swap_bangpath && addr_swap_bang(rcpt)) {
				reply->flags |= RESOLVE_FLAG_ROUTED;
				continue;
			}
			if (conf->percent_hack && addr_percent(rcpt)) {
				reply->flags |= RESOLVE_FLAG_ROUTED;
				continue;
			}
			/* No domain: local, as user@$myhostname. */
			strbuf_append_printf(rcpt, "@%s", conf->myhostname);
			at = rewrite_addr_split(strbuf_str(rcpt));
			cls = RESOLVE_CLASS_LOCAL;
			break;
		}
		domain = xstrdup(strbuf_str(rcpt) + at + 1);
		str_lower(domain);
		/* resolve_null_domain: "user@" as user@$myhostname. */
		if (*domain == 0 && conf->null_domain) {
			free(domain);
			strbuf_append_str(rcpt, conf->myhostname);
			cls = RESOLVE_CLASS_LOCAL;
			break;
		}
		/* resolve_numeric_domain: user@1.2.3.4 as user@[1.2.3.4]. */
		if (resolve_numeric(domain)) {
			if (conf->numeric_domain) {
				strbuf_truncate(rcpt, (size_t) at + 1);
				strbuf_append_printf(rcpt, "[%s]", domain);
				free(domain);
				continue;
			}
			numeric = 1;
		}
		cls = conf->domain_class(conf->context, domain);
		free(domain);
		if (cls != RESOLVE_CLASS_LOCAL)
			break;
		if (resolve_routed(conf, rcpt, (size_t) at)) {
			reply->flags |= RESOLVE_FLAG_ROUTED;
			continue;
		}
		break;
	}
	strbuf_set(reply->recipient, strbuf_str(rcpt));
	at = rewrite_addr_split(strbuf_str(rcpt));
	domain = xstrdup(at >= 0 ? strbuf_str(rcpt) + at + 1 : "");
	str_lower(domain);
	if (at == 0 || *domain == 0 || numeric)
		reply->flags |= RESOLVE_FLAG_ERROR;

	/*
	 * A non-local destination whose local part still holds '@', '%' or
	 * '!' (quoted or not, whatever percent_hack and swap_bangpath say
	 * here) may be routed on by the next hop: a backup MX must not be
	 * used to reach third parties through its primary.
	 */
	if (cls != RESOLVE_CLASS_LOCAL && at > 0
	    && strcspn(strbuf_str(rcpt), "@%!") < (size_t) at)
		reply->flags |= RESOLVE_FLAG_ROUTED;

	switch (cls) {
	case RESOLVE_CLASS_LOCAL:
		resolve_channel(reply, conf->local_transport, conf->myhostname);
		reply->flags |= RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_FLAG_FINAL;
		break;
	case RESOLVE_CLASS_ALIAS:
		/* Unaliased addresses in a virtual alias domain bounce. */
		strbuf_set(reply->transport, "error");
		strbuf_set(reply->nexthop, "5.1.1 User unknown in virtual alias table");
		reply->flags |= RESOLVE_CLASS_FLAG_ALIAS;
		break;
	case RESOLVE_CLASS_VIRTUAL:
		resolve_channel(reply, conf->virtual_transport, domain);
		reply->flags |= RESOLVE_CLASS_FLAG_VIRTUAL | RESOLVE_FLAG_FINAL;
		break;
	case RESOLVE_CLASS_RELAY:
	case RESOLVE_CLASS_DEFAULT:
		resolve_channel(reply, cls == RESOLVE_CLASS_RELAY ?
				conf->relay_transport : conf->default_transport,
				conf->relayhost && *conf->relayhost ?
				conf->relayhost : domain);
		reply->flags |= cls == RESOLVE_CLASS_RELAY ?
			RESOLVE_CLASS_FLAG_RELAY : RESOLVE_CLASS_FLAG_DEFAULT;
		break;
	default:
		/* A domain table failed: the message waits. */
		reply->flags |= RESOLVE_FLAG_FAIL;
		strbuf_set(reply->transport, "retry");
		strbuf_set(reply->nexthop, "4.3.0 address resolver lookup failure");
		break;
	}
	if (cls > 0 && cls != RESOLVE_CLASS_ALIAS && conf->transport_lookup
	    && resolve_transport_maps(conf, strbuf_str(rcpt), domain, reply) < 0)
		reply->flags |= RESOLVE_FLAG_FAIL;
	if (cls > 0 && !(reply->flags & RESOLVE_FLAG_FAIL)
	    && conf->relocated_lookup
	    && resolve_relocated(conf, strbuf_str(rcpt),
				 cls == RESOLVE_CLASS_LOCAL
				 || (conf->myorigin
				     && strcasecmp(domain, conf->myorigin) == 0),
				 reply) < 0)
		reply->flags |= RESOLVE_FLAG_FAIL;
	free(domain);
	strbuf_free(&rcpt);
}
