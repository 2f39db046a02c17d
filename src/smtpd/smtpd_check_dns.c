/*
 * smtpd_check_dns.c - the restrictions that ask the DNS
 *
 * DNSBL and RHSBL rejects (reject_rbl_client, reject_rhsbl_*), DNSWL
 * and RHSWL permits, unknown HELO host names and unknown sender or
 * recipient domains, and the MX/NS/A access checks. The restriction
 * engine (smtpd_check.c) parses the lists and calls in here; replies
 * go back through smtpd_check_reject() and friends.
 *
 * The one rule that matters most: a DNS answer that is not definite
 * (timeout, SERVFAIL, REFUSED) never produces a 5xx. As in Postfix, a
 * blocklist that cannot be asked is skipped with a warning (we cannot
 * refuse all mail because a list is down), an unknown-domain or
 * unknown-hostname check defers as its *_tempfail_action says, and an
 * allowlist that cannot be asked does not permit and turns a later
 * reject into a deferral (defer_if_reject). DNSxL answers are cached
 * for the session.
 *
 * Security: everything from the DNS (TXT texts, host names) is
 * untrusted; the resolver library has already made it printable, and
 * TXT texts are cut to RBL_TXT_LIMIT before they reach a reply.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>
#include <stdlib.h>

#include "argv.h"		/* util */
#include "inet_addr.h"
#include "log.h"
#include "mem.h"
#include "stringops.h"
#include "strbuf.h"
#include "dns.h"		/* dns */
#include "mainconf.h"		/* global */
#include "map.h"
#include "mynetworks.h"
#include "params_global.h"
#include "rewrite_clnt.h"
#include "params_smtpd_dns.h"
#include "smtpd_check_int.h"	/* smtpd */

#define RBL_TXT_LIMIT	500		/* TXT text in a reply, as Postfix */
#define HOST_ACCESS_MAX	100		/* server names checked per domain */

/* A parsed "=d.d.d.d" reply filter: allowed values of each octet. */
typedef struct RBL_FILTER {
	unsigned char ok[4][32];	/* bit set of 256 values per octet */
} RBL_FILTER;

/* What a DNSxL said about one name. */
#define RBL_MISS	0		/* not listed */
#define RBL_HIT		1		/* listed (and the filter matched) */
#define RBL_SOFT	2		/* could not ask: temporary error */
#define RBL_BADARG	3		/* bad filter syntax */

/* The $name values of an RBL reply template. */
typedef struct RBL_EXPAND {
	SMTPD_STATE *state;
	const char *domain;		/* zone without "=filter" */
	const char *what;
	const char *class;
	const char *txt;
	STRBUF *buf;
} RBL_EXPAND;

static MAP **rbl_reply_maps;
static size_t rbl_reply_nmaps;
static int rbl_reply_opened;
static int rbl_reply_broken;		/* a table did not open */

/* rbl_filter_octet - parse "n", "[n;m..k;...]" into one octet's set */

static int
rbl_filter_octet(const char *str, unsigned char *set)
{
	char   *copy;
	char   *cp;
	char   *item;
	long	lo, hi, v;
	int	ok = 1;

	memset(set, 0, 32);
	if (*str != '[') {
		if (parse_long(str, &v, 0, 255) < 0)
			return -1;
		set[v >> 3] |= (unsigned char) (1 << (v & 7));
		return 0;
	}
	if (str[strlen(str) - 1] != ']' || strlen(str) < 3)
		return -1;
	copy = xstrndup(str + 1, strlen(str) - 2);
	cp = copy;
	while (ok && (item = token_next(&cp, ";")) != NULL) {
		char   *dots = strstr(item, "..");

		if (dots) {
			*dots = 0;
			if (parse_long(item, &lo, 0, 255) < 0
			    || parse_long(dots + 2, &hi, 0, 255) < 0 || lo > hi) {
				ok = 0;
				break;
			}
		} else if (parse_long(item, &lo, 0, 255) < 0) {
			ok = 0;
			break;
		} else {
			hi = lo;
		}
		for (v = lo; v <= hi; v++)
			set[v >> 3] |= (unsigned char) (1 << (v & 7));
	}
	xfree(copy);
	return ok ? 0 : -1;
}

/* rbl_filter_parse - parse "d.d.d.d" (each d a number or [...]) */

static int
rbl_filter_parse(const char *str, RBL_FILTER *filter)
{
	char   *copy = xstrdup(str);
	char   *cp = copy;
	char   *octet;
	int	n = 0;
	int	ok = 1;

	/* "[1..3].0.0.2": the dots inside [] are not separators. */
	while (ok && *cp) {
		char   *end;

		if (n >= 4) {
			ok = 0;
			break;
		}
		octet = cp;
		if (*cp == '[') {
			if ((end = strchr(cp, ']')) == NULL) {
				ok = 0;
				break;
			}
			end++;
		} else {
			end = cp + strcspn(cp, ".");
		}
		if (*end == '.') {
			*end = 0;
			cp = end + 1;
			if (*cp == 0)
				ok = 0;
		} else if (*end == 0) {
			cp = end;
		} else {
			ok = 0;
			break;
		}
		if (ok && rbl_filter_octet(octet, filter->ok[n]) < 0)
			ok = 0;
		n++;
	}
	xfree(copy);
	return ok && n == 4 ? 0 : -1;
}

/* rbl_filter_match - does an A record's address pass the filter? */

static int
rbl_filter_match(const RBL_FILTER *filter, const INET_ADDR *addr)
{
	int	i;

	if (addr->family != AF_INET)
		return 0;
	for (i = 0; i < 4; i++)
		if ((filter->ok[i][addr->bytes[i] >> 3]
		     & (1 << (addr->bytes[i] & 7))) == 0)
			return 0;
	return 1;
}

/* rbl_query_dns - rbl_query without the cache */

static int
rbl_query_dns(const char *prefix, const char *zone_arg, STRBUF *txt)
{
	STRBUF *query = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	const char *eq = strchr(zone_arg, '=');
	RBL_FILTER filter;
	DNS_RR *list = NULL;
	DNS_RR *rr;
	int	status;
	int	result = RBL_MISS;

	strbuf_reset(txt);
	if (eq && rbl_filter_parse(eq + 1, &filter) < 0) {
		log_warn("%s: bad DNSxL reply filter syntax", zone_arg);
		result = RBL_BADARG;
		goto out;
	}
	strbuf_set(query, prefix);
	if (eq)
		strbuf_append(query, zone_arg, (size_t) (eq - zone_arg));
	else
		strbuf_append_str(query, zone_arg);
	status = dns_lookup(strbuf_str(query), DNS_T_A, DNS_F_NONE, &list, why);
	if (status != DNS_OK) {
		if (status != DNS_NOTFOUND) {
			/* Postfix: a list that cannot answer is skipped. */
			log_warn("%s: RBL lookup error: %s", strbuf_str(query),
				 strbuf_str(why));
			result = RBL_SOFT;
		}
		goto out;
	}
	if (eq) {
		for (rr = list; rr; rr = rr->next)
			if (rbl_filter_match(&filter, &rr->addr))
				break;
		if (rr == NULL)
			goto out;
	}
	result = RBL_HIT;
	dns_rr_free(list);
	list = NULL;
	if (dns_lookup(strbuf_str(query), DNS_T_TXT, DNS_F_NONE, &list,
		       NULL) == DNS_OK) {
		for (rr = list; rr; rr = rr->next) {
			if (strbuf_len(txt))
				strbuf_append_str(txt, " / ");
			strbuf_append_str(txt, rr->text);
		}
		strbuf_truncate(txt, RBL_TXT_LIMIT);
	}
out:
	dns_rr_free(list);
	strbuf_free(&query);
	strbuf_free(&why);
	return result;
}

/*
 * DNSxL answers are remembered for the rest of the session, as Postfix
 * caches them: with smtpd_delay_reject the client restrictions run
 * again for every recipient. A session is told apart by the state, its
 * start time and the client's address and port; the cache is emptied
 * when it changes. Past RBL_CACHE_SIZE names, answers are not kept.
 */
#define RBL_CACHE_SIZE	32

static struct rbl_cache_entry {
	char   *key;			/* prefix + zone_arg */
	int	result;			/* RBL_HIT, RBL_MISS, RBL_SOFT */
	char   *txt;
} rbl_cache[RBL_CACHE_SIZE];
static size_t rbl_cache_len;
static STRBUF *rbl_cache_session;

/* rbl_cache_find - a remembered answer for key, or NULL */

static struct rbl_cache_entry *
rbl_cache_find(SMTPD_STATE *state, const char *key)
{
	STRBUF *session = strbuf_create(100);
	size_t	i;

	strbuf_printf(session, "%p %ld %s %s", (void *) state,
		      (long) state->conn_time, state->addr ? state->addr : "",
		      state->port ? state->port : "");
	if (rbl_cache_session == NULL
	    || strcmp(strbuf_str(rbl_cache_session), strbuf_str(session)) != 0) {
		for (i = 0; i < rbl_cache_len; i++) {
			xfree(rbl_cache[i].key);
			xfree(rbl_cache[i].txt);
		}
		rbl_cache_len = 0;
		if (rbl_cache_session)
			strbuf_free(&rbl_cache_session);
		rbl_cache_session = session;
	} else {
		strbuf_free(&session);
	}
	for (i = 0; i < rbl_cache_len; i++)
		if (strcmp(rbl_cache[i].key, key) == 0)
			return rbl_cache + i;
	return NULL;
}

/* rbl_cache_add - remember an answer */

static void
rbl_cache_add(const char *key, int result, const char *txt)
{
	if (rbl_cache_len >= RBL_CACHE_SIZE)
		return;
	rbl_cache[rbl_cache_len].key = xstrdup(key);
	rbl_cache[rbl_cache_len].result = result;
	rbl_cache[rbl_cache_len].txt = xstrdup(txt);
	rbl_cache_len++;
}

/*
 * rbl_query - ask zone_arg ("zone" or "zone=filter") about prefix
 * (reversed address or domain, with a final dot). RBL_HIT gives the
 * TXT text (joined with " / ", cut to RBL_TXT_LIMIT) in txt.
 */

static int
rbl_query(SMTPD_STATE *state, const char *prefix, const char *zone_arg,
	  STRBUF *txt)
{
	STRBUF *key = strbuf_create(100);
	struct rbl_cache_entry *hit;
	int	result;

	strbuf_printf(key, "%s%s", prefix, zone_arg);
	if ((hit = rbl_cache_find(state, strbuf_str(key))) != NULL) {
		strbuf_set(txt, hit->txt);
		result = hit->result;
	} else {
		result = rbl_query_dns(prefix, zone_arg, txt);
		if (result != RBL_BADARG)
			rbl_cache_add(strbuf_str(key), result, strbuf_str(txt));
	}
	strbuf_free(&key);
	return result;
}

/* rbl_addr_prefix - "4.3.2.1." for the client address, or -1 */

static int
rbl_addr_prefix(SMTPD_STATE *state, STRBUF *prefix)
{
	INET_ADDR addr;

	if (state->addr == NULL || inet_addr_pton(state->addr, &addr) < 0)
		return -1;
	(void) inet_addr_unmap(&addr);
	dns_rbl_name(&addr, "", prefix);
	return 0;
}

/* rbl_domain_prefix - "example.com." for an RHSBL domain, or -1 */

static int
rbl_domain_prefix(const char *domain, STRBUF *prefix)
{
	const char *dot;
	const char *p;
	size_t	n;

	if (domain == NULL || *domain == 0 || *domain == '[')
		return -1;
	n = strlen(domain);
	if (domain[n - 1] == '.')
		n--;
	if (n == 0)
		return -1;
	/* Postfix: no RHSBL query for a name with a numeric last label. */
	strbuf_set_mem(prefix, domain, n);
	dot = strrchr(strbuf_str(prefix), '.');
	for (p = dot ? dot + 1 : strbuf_str(prefix); *p; p++)
		if (*p < '0' || *p > '9')
			break;
	if (*p == 0)
		return -1;
	for (p = strbuf_str(prefix); *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '@' || *p == '\\'
		    || *p == '"')
			return -1;
	strbuf_append_char(prefix, '.');
	return 0;
}

/* rbl_addr_part - local part or domain of an address for the macros */

static const char *
rbl_addr_part(RBL_EXPAND *exp, const char *addr, int want_domain)
{
	const char *at;

	if (addr == NULL)
		return NULL;
	if (*addr == 0)
		return want_domain ? "" : "<>";
	at = strrchr(addr, '@');
	if (want_domain)
		return at ? at + 1 : "";
	if (at == NULL)
		return addr;
	strbuf_set_mem(exp->buf, addr, (size_t) (at - addr));
	return strbuf_str(exp->buf);
}

/* rbl_expand_lookup - the $name values of an RBL reply template */

static const char *
rbl_expand_lookup(const char *name, void *context)
{
	RBL_EXPAND *exp = context;
	SMTPD_STATE *state = exp->state;

	if (strcmp(name, "rbl_code") == 0) {
		strbuf_printf(exp->buf, "%d", var_maps_rbl_reject_code);
		return strbuf_str(exp->buf);
	}
	if (strcmp(name, "rbl_domain") == 0)
		return exp->domain;
	if (strcmp(name, "rbl_reason") == 0 || strcmp(name, "rbl_txt") == 0)
		return exp->txt;
	if (strcmp(name, "rbl_what") == 0)
		return exp->what;
	if (strcmp(name, "rbl_class") == 0)
		return exp->class;
	if (strcmp(name, "client") == 0)
		return state->namaddr ? state->namaddr : "";
	if (strcmp(name, "client_address") == 0)
		return state->addr ? state->addr : "";
	if (strcmp(name, "client_name") == 0)
		return state->name ? state->name : "";
	if (strcmp(name, "reverse_client_name") == 0)
		return state->reverse_name ? state->reverse_name : "";
	if (strcmp(name, "helo_name") == 0)
		return state->helo_name ? state->helo_name : "";
	if (strcmp(name, "sender") == 0)
		return state->sender ? (*state->sender ? state->sender : "<>")
			: "";
	if (strcmp(name, "sender_name") == 0)
		return rbl_addr_part(exp, state->sender, 0);
	if (strcmp(name, "sender_domain") == 0)
		return rbl_addr_part(exp, state->sender, 1);
	if (strcmp(name, "recipient") == 0)
		return state->recipient ? (*state->recipient ?
					   state->recipient : "<>") : "";
	if (strcmp(name, "recipient_name") == 0)
		return rbl_addr_part(exp, state->recipient, 0);
	if (strcmp(name, "recipient_domain") == 0)
		return rbl_addr_part(exp, state->recipient, 1);
	return NULL;
}

/*
 * rbl_reply_template - the rbl_reply_maps entry for zone_arg: MAP_FOUND
 * (in value), MAP_NOTFOUND, or MAP_RETRY when a table failed (to open,
 * or now). The tables open at first use and stay open.
 */

static int
rbl_reply_template(const char *zone_arg, STRBUF *value)
{
	size_t	i;

	if (!rbl_reply_opened) {
		STRBUF *why = strbuf_create(100);
		ARGV   *specs = argv_split_q(var_rbl_reply_maps, ", \t\r\n",
					     "{}", why);

		rbl_reply_opened = 1;
		if (specs == NULL) {
			log_warn("rbl_reply_maps: %s", strbuf_str(why));
			rbl_reply_broken = 1;
			specs = argv_create();
		}
		rbl_reply_maps = xcalloc(specs->argc + 1, sizeof(MAP *));
		for (i = 0; i < (size_t) specs->argc; i++) {
			MAP    *map = map_open(specs->argv[i], O_RDONLY,
					       MAP_F_FOLD_FIX, why);

			if (map == NULL) {
				log_warn("rbl_reply_maps: %s", strbuf_str(why));
				rbl_reply_broken = 1;
			} else
				rbl_reply_maps[rbl_reply_nmaps++] = map;
		}
		strbuf_free(&why);
		argv_free(&specs);
	}
	if (rbl_reply_broken)
		return MAP_RETRY;
	for (i = 0; i < rbl_reply_nmaps; i++) {
		switch (map_lookup(rbl_reply_maps[i], zone_arg, value)) {
		case MAP_FOUND:
			return MAP_FOUND;
		case MAP_RETRY:
			log_warn("rbl_reply_maps: lookup of %s failed: %s",
				 zone_arg, map_error(rbl_reply_maps[i]));
			return MAP_RETRY;
		default:
			break;
		}
	}
	return MAP_NOTFOUND;
}

/* rbl_reject - make the reply for a listed client, name or address */

static int
rbl_reject(SMTPD_STATE *state, const char *zone_arg, const char *what,
	   const char *reply_class, const char *txt)
{
	STRBUF *template = strbuf_create(100);
	STRBUF *reply = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	char   *domain = xstrdup(zone_arg);
	char   *eq;
	RBL_EXPAND exp;
	const char *text;
	char	dsn[16];
	int	code;
	int	status;

	if ((eq = strchr(domain, '=')) != NULL)
		*eq = 0;
	exp.state = state;
	exp.domain = domain;
	exp.what = what;
	exp.class = reply_class;
	exp.txt = txt;
	exp.buf = strbuf_create(100);

	switch (*var_rbl_reply_maps ? rbl_reply_template(zone_arg, template)
		: MAP_NOTFOUND) {
	case MAP_RETRY:
		/* As Postfix does for a table that fails here. */
		status = smtpd_check_reject(state, 451, "4.3.5",
					    "Server configuration error");
		goto out;
	case MAP_FOUND:
		if (mainconf_expand_fn(reply, strbuf_str(template), 0,
				       rbl_expand_lookup, &exp, NULL, why) == 0)
			break;
		log_warn("bad rbl reply template for domain %s: %s: %s",
			 zone_arg, strbuf_str(template), strbuf_str(why));
		/* FALLTHROUGH */
	default:
		if (mainconf_expand_fn(reply, var_default_rbl_reply, 0,
				       rbl_expand_lookup, &exp, NULL, why) < 0) {
			log_warn("bad default_rbl_reply template: %s: %s",
				 var_default_rbl_reply, strbuf_str(why));
			strbuf_set(reply, "");
		}
		break;
	}

	/* The reply must start with a 4xx/5xx code (and maybe a DSN). */
	text = strbuf_str(reply);
	if ((text[0] != '4' && text[0] != '5') || text[1] < '0' || text[1] > '9'
	    || text[2] < '0' || text[2] > '9' || text[3] != ' ') {
		log_warn("rbl response code configuration error: %s", text);
		status = smtpd_check_reject(state, 450, "4.7.1",
					    "Service unavailable");
		goto out;
	}
	code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
	text += 4;
	snprintf(dsn, sizeof(dsn), "%c.7.1", text[-4]);
	if ((text[0] == '4' || text[0] == '5') && text[1] == '.') {
		size_t	n = strspn(text, "0123456789.");

		if (n < sizeof(dsn) && (text[n] == ' ' || text[n] == 0)) {
			memcpy(dsn, text, n);
			dsn[n] = 0;
			dsn[0] = (char) ('0' + code / 100);
			text += n;
			while (*text == ' ')
				text++;
		}
	}
	status = smtpd_check_reject(state, code, dsn, "%s",
				    *text ? text : "Service unavailable");
out:
	strbuf_free(&exp.buf);
	strbuf_free(&template);
	strbuf_free(&reply);
	strbuf_free(&why);
	xfree(domain);
	return status;
}

/* rbl_config_error - a bad "=filter" in a restriction */

static int
rbl_config_error(SMTPD_STATE *state)
{
	return smtpd_check_reject(state, 451, "4.3.5",
				  "Server configuration error");
}

/* smtpd_dns_rbl_client - reject_rbl_client */

int
smtpd_dns_rbl_client(SMTPD_STATE *state, const char *zone_arg)
{
	STRBUF *prefix = strbuf_create(80);
	STRBUF *txt = strbuf_create(80);
	int	status = SMTPD_CHECK_DUNNO;

	if (rbl_addr_prefix(state, prefix) == 0) {
		switch (rbl_query(state, strbuf_str(prefix), zone_arg, txt)) {
		case RBL_HIT:
			status = rbl_reject(state, zone_arg, state->addr,
					    SMTPD_NAME_CLIENT, strbuf_str(txt));
			break;
		case RBL_BADARG:
			status = rbl_config_error(state);
			break;
		default:
			break;
		}
	}
	strbuf_free(&prefix);
	strbuf_free(&txt);
	return status;
}

/* smtpd_dns_rhsbl - reject_rhsbl_{client,reverse_client,helo,sender,recipient} */

int
smtpd_dns_rhsbl(SMTPD_STATE *state, const char *zone_arg, const char *domain,
		const char *reply_name, const char *reply_class)
{
	STRBUF *prefix = strbuf_create(80);
	STRBUF *txt = strbuf_create(80);
	STRBUF *what = strbuf_create(80);
	const char *at;
	int	status = SMTPD_CHECK_DUNNO;

	/* An address's domain; a client name "unknown" is no domain. */
	if (domain && (at = strrchr(domain, '@')) != NULL)
		domain = at + 1;
	if (domain == NULL || strcmp(domain, "unknown") == 0
	    || rbl_domain_prefix(domain, prefix) < 0)
		goto out;

	/* $rbl_what: the address for sender/recipient, else the name. */
	if (reply_name && (strcmp(reply_class, SMTPD_NAME_SENDER) == 0
			   || strcmp(reply_class, SMTPD_NAME_RECIPIENT) == 0)) {
		size_t	n = strlen(reply_name);

		if (n >= 2 && reply_name[0] == '<' && reply_name[n - 1] == '>')
			strbuf_set_mem(what, reply_name + 1, n - 2);
		else
			strbuf_set(what, reply_name);
	} else {
		strbuf_set(what, domain);
	}
	switch (rbl_query(state, strbuf_str(prefix), zone_arg, txt)) {
	case RBL_HIT:
		status = rbl_reject(state, zone_arg, strbuf_str(what),
				    reply_class, strbuf_str(txt));
		break;
	case RBL_BADARG:
		status = rbl_config_error(state);
		break;
	default:
		break;
	}
out:
	strbuf_free(&prefix);
	strbuf_free(&txt);
	strbuf_free(&what);
	return status;
}

/*
 * dnswl_result - an allowlist answer. When the list cannot be asked
 * the permit is not given (the request goes on to the other
 * restrictions; rbl_query_dns warns), and a later reject becomes a
 * "450 4.7.1 <what>: Client host rejected: Service unavailable"
 * (defer_if_reject), as in Postfix: the client might have been listed.
 */

static int
dnswl_result(SMTPD_STATE *state, const char *prefix, const char *zone_arg,
	     const char *what)
{
	STRBUF *txt = strbuf_create(80);
	int	status;

	switch (rbl_query(state, prefix, zone_arg, txt)) {
	case RBL_HIT:
		status = SMTPD_CHECK_OK;
		break;
	case RBL_BADARG:
		status = rbl_config_error(state);
		break;
	case RBL_SOFT:
		smtpd_check_defer_if_reject(state, 450, "4.7.1", "<%s>: %s "
					    "rejected: Service unavailable",
					    what, SMTPD_NAME_CLIENT);
		status = SMTPD_CHECK_DUNNO;
		break;
	default:
		status = SMTPD_CHECK_DUNNO;
		break;
	}
	strbuf_free(&txt);
	return status;
}

/* smtpd_dns_dnswl_client - permit_dnswl_client */

int
smtpd_dns_dnswl_client(SMTPD_STATE *state, const char *zone_arg)
{
	STRBUF *prefix = strbuf_create(80);
	int	status = SMTPD_CHECK_DUNNO;

	if (rbl_addr_prefix(state, prefix) == 0)
		status = dnswl_result(state, strbuf_str(prefix), zone_arg,
				      state->addr);
	strbuf_free(&prefix);
	return status;
}

/* smtpd_dns_rhswl_client - permit_rhswl_client */

int
smtpd_dns_rhswl_client(SMTPD_STATE *state, const char *zone_arg)
{
	STRBUF *prefix = strbuf_create(80);
	int	status = SMTPD_CHECK_DUNNO;

	if (state->name && strcmp(state->name, "unknown") != 0
	    && rbl_domain_prefix(state->name, prefix) == 0)
		status = dnswl_result(state, strbuf_str(prefix), zone_arg,
				      state->name);
	strbuf_free(&prefix);
	return status;
}

/*
 * tempfail - a reject-type check could not decide: "defer" replies
 * now, "defer_if_permit" (the default) only if the lists would permit.
 */

static int
tempfail(SMTPD_STATE *state, const char *action, const char *dsn,
	 const char *reply_name, const char *reply_class, const char *what)
{
	if (strcmp(action, "defer") == 0)
		return smtpd_check_reject(state, 450, dsn, "<%s>: %s rejected: %s",
					  reply_name, reply_class, what);
	if (strcmp(action, "defer_if_permit") != 0)
		log_warn("unknown tempfail action \"%s\": using defer_if_permit",
			 action);
	return smtpd_check_defer_if_permit(state, 450, dsn,
					   "<%s>: %s rejected: %s",
					   reply_name, reply_class, what);
}

/* name_copy - a host or domain name without its final dot, or NULL */

static char *
name_copy(const char *name)
{
	size_t	n;

	if (name == NULL || *name == 0 || *name == '[')
		return NULL;
	n = strlen(name);
	if (n > 1 && name[n - 1] == '.' && name[n - 2] != '.')
		n--;
	return xstrndup(name, n);
}

/* smtpd_dns_unknown_hostname - reject_unknown_helo_hostname */

int
smtpd_dns_unknown_hostname(SMTPD_STATE *state, const char *name,
			   const char *reply_name, const char *reply_class)
{
	static const unsigned types[] = {DNS_T_A, DNS_T_AAAA, DNS_T_MX};
	char   *host = name_copy(name);
	DNS_RR *list;
	int	retry = 0, inval = 0;
	size_t	i;

	if (host == NULL)
		return SMTPD_CHECK_DUNNO;
	/* Any address or MX record will do; a null MX is fine for an MTA. */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		switch (dns_lookup(host, types[i], DNS_F_NONE, &list, NULL)) {
		case DNS_OK:
			dns_rr_free(list);
			xfree(host);
			return SMTPD_CHECK_DUNNO;
		case DNS_RETRY:
			retry = 1;
			break;
		case DNS_INVAL:
			inval = 1;
			break;
		default:
			break;
		}
	}
	xfree(host);
	if (retry)
		return tempfail(state, var_unknown_helo_hostname_tempfail_action,
				"4.7.1", reply_name, reply_class,
				"Host not found");
	return smtpd_check_reject(state, var_unknown_hostname_reject_code,
				  var_unknown_hostname_reject_code >= 500 ?
				  "5.7.1" : "4.7.1",
				  "<%s>: %s rejected: %s", reply_name,
				  reply_class, inval ?
				  "Malformed DNS server reply" : "Host not found");
}

/* smtpd_dns_unknown_domain - reject_unknown_{sender,recipient}_domain */

int
smtpd_dns_unknown_domain(SMTPD_STATE *state, const char *addr,
			 const char *reply_name, const char *reply_class)
{
	int	is_sender = strcmp(reply_class, SMTPD_NAME_SENDER) == 0;
	const char *detail = is_sender ? "1.8" : "1.2";
	RESOLVE_REPLY reply;
	const char *at;
	char   *domain = NULL;
	DNS_RR *list;
	DNS_RR *rr;
	char	dsn[8];
	int	status = SMTPD_CHECK_DUNNO;
	int	retry = 0, inval = 0;
	int	dns_status;

	if (addr == NULL || *addr == 0)
		return SMTPD_CHECK_DUNNO;		/* the null sender */

	/* Final destinations (mydestination, virtual domains) are known. */
	resolve_reply_init(&reply);
	if (resolve_clnt(addr, &reply) < 0) {
		/* As Postfix: a failed address lookup defers at once. */
		status = smtpd_check_reject(state, 451, "4.3.0",
				     "<%s>: Temporary lookup failure", addr);
		goto out;
	}
	if (reply.flags & (RESOLVE_CLASS_FLAG_LOCAL | RESOLVE_CLASS_FLAG_ALIAS
			   | RESOLVE_CLASS_FLAG_VIRTUAL))
		goto out;
	if ((at = strrchr(strbuf_str(reply.recipient), '@')) == NULL
	    || (domain = name_copy(at + 1)) == NULL)
		goto out;

	/* MX first: a null MX (RFC 7505) says "no mail"; then addresses. */
	dns_status = dns_lookup(domain, DNS_T_MX, DNS_F_NONE, &list, NULL);
	if (dns_status == DNS_OK) {
		for (rr = list; rr && *rr->text == 0; rr = rr->next)
			 /* void */ ;
		dns_rr_free(list);
		if (rr != NULL)
			goto out;
		status = smtpd_check_reject(state, is_sender ? 550 : 556,
					    is_sender ? "5.7.27" : "5.1.10",
					    "<%s>: %s rejected: Domain %s "
					    "does not accept mail (nullMX)",
					    reply_name, reply_class, domain);
		goto out;
	}
	retry |= dns_status == DNS_RETRY;
	inval |= dns_status == DNS_INVAL;
	dns_status = dns_lookup_addr(domain, MYNETWORKS_IPV4 | MYNETWORKS_IPV6,
				     &list, NULL);
	if (dns_status == DNS_OK) {
		dns_rr_free(list);
		goto out;
	}
	retry |= dns_status == DNS_RETRY;
	inval |= dns_status == DNS_INVAL;
	if (retry) {
		snprintf(dsn, sizeof(dsn), "4.%s", detail);
		status = tempfail(state, var_unknown_address_tempfail_action, dsn,
				  reply_name, reply_class, "Domain not found");
		goto out;
	}
	snprintf(dsn, sizeof(dsn), "%c.%s",
		 var_unknown_address_reject_code >= 500 ? '5' : '4', detail);
	status = smtpd_check_reject(state, var_unknown_address_reject_code, dsn,
				    "<%s>: %s rejected: %s", reply_name,
				    reply_class, inval ?
				    "Malformed DNS server reply" :
				    "Domain not found");
out:
	xfree(domain);
	resolve_reply_free(&reply);
	return status;
}

/*
 * host_families - the address families of inet_protocols, for the
 * addresses of MX hosts and name servers (as the SMTP client would
 * use them); both when the value is bad.
 */

static int
host_families(void)
{
	static int families;

	if (families == 0) {
		STRBUF *why = strbuf_create(100);

		if (mynetworks_protocols(var_inet_protocols, &families, why) < 0
		    || families == 0) {
			log_warn("%s", strbuf_str(why));
			families = MYNETWORKS_IPV4 | MYNETWORKS_IPV6;
		}
		strbuf_free(&why);
	}
	return families;
}

/*
 * host_access_one - one server name: the name in the table, then each
 * of its addresses. Returns SMTPD_CHECK_*; *decided when the table
 * gave a result other than DUNNO.
 */

static int
host_access_one(SMTPD_STATE *state, const char *table, const char *host,
		const char *def_acl, const char *reply_name,
		const char *reply_class, int *decided)
{
	INET_ADDR_STR str;
	DNS_RR *addrs;
	DNS_RR *rr;
	int	found = 0;
	int	status;

	status = smtpd_check_domain_access(state, table, host, def_acl,
					   reply_name, reply_class, &found);
	/* An OK here could permit anything: Postfix does not allow it. */
	if (status == SMTPD_CHECK_OK)
		status = SMTPD_CHECK_DUNNO;
	if (status != SMTPD_CHECK_DUNNO) {
		*decided = 1;
		return status;
	}
	if (dns_lookup_addr(host, host_families(), &addrs, NULL) != DNS_OK)
		return SMTPD_CHECK_DUNNO;
	for (rr = addrs; rr; rr = rr->next) {
		found = 0;
		status = smtpd_check_addr_access(state, table,
						 inet_addr_ntop(&rr->addr, &str),
						 def_acl, reply_name, reply_class,
						 &found);
		if (status == SMTPD_CHECK_OK)
			status = SMTPD_CHECK_DUNNO;
		if (status != SMTPD_CHECK_DUNNO) {
			*decided = 1;
			break;
		}
	}
	dns_rr_free(addrs);
	return status;
}

/* smtpd_dns_host_access - check_*_{mx,ns,a}_access */

int
smtpd_dns_host_access(SMTPD_STATE *state, const char *table, unsigned type,
		      const char *domain, const char *def_acl,
		      const char *reply_name, const char *reply_class)
{
	STRBUF *why = strbuf_create(100);
	INET_ADDR_STR str;
	DNS_RR *list = NULL;
	DNS_RR *rr;
	ARGV   *hosts = argv_create();
	const char *at;
	const char *zone;
	char   *name;
	int	status = SMTPD_CHECK_DUNNO;
	int	dns_status;
	int	decided = 0;
	size_t	i;

	if (domain && (at = strrchr(domain, '@')) != NULL)
		domain = at + 1;
	if ((name = name_copy(domain)) == NULL || strcmp(name, "unknown") == 0)
		goto out;

	switch (type) {
	case DNS_T_MX:
		/* No MX: the domain is its own mail host, as for delivery. */
		dns_status = dns_lookup(name, DNS_T_MX, DNS_F_NONE, &list, why);
		if (dns_status == DNS_OK) {
			for (rr = list; rr; rr = rr->next)
				if (*rr->text)		/* not a null MX */
					argv_add(hosts, rr->text);
		} else if (dns_status == DNS_NOTFOUND) {
			argv_add(hosts, name);
		}
		break;
	case DNS_T_NS:
		/* The name servers of the domain or its closest parent. */
		zone = name;
		for (;;) {
			dns_status = dns_lookup(zone, DNS_T_NS, DNS_F_NONE, &list,
						why);
			if (dns_status != DNS_NOTFOUND)
				break;
			if ((zone = strchr(zone, '.')) == NULL || zone[1] == 0)
				break;
			zone++;
		}
		if (dns_status == DNS_OK)
			for (rr = list; rr; rr = rr->next)
				argv_add(hosts, rr->text);
		break;
	case DNS_T_A:
	default:
		/* Only the addresses of the domain itself. */
		dns_status = dns_lookup_addr(name, host_families(), &list, why);
		if (dns_status == DNS_OK) {
			for (rr = list; rr && !decided; rr = rr->next) {
				int	found = 0;

				status = smtpd_check_addr_access(state, table,
					    inet_addr_ntop(&rr->addr, &str),
					    def_acl, reply_name, reply_class,
								 &found);
				if (status == SMTPD_CHECK_OK)
					status = SMTPD_CHECK_DUNNO;
				decided = status != SMTPD_CHECK_DUNNO;
			}
		}
		break;
	}
	if (dns_status == DNS_RETRY || dns_status == DNS_INVAL)
		log_warn("Unable to look up %s host for %s: %s",
			 dns_type_name(type), name, strbuf_str(why));
	for (i = 0; i < hosts->argc && i < HOST_ACCESS_MAX && !decided; i++)
		status = host_access_one(state, table, hosts->argv[i], def_acl,
					 reply_name, reply_class, &decided);
out:
	dns_rr_free(list);
	argv_free(&hosts);
	strbuf_free(&why);
	xfree(name);
	return decided ? status : SMTPD_CHECK_DUNNO;
}
