/*
 * smtp_tls.c - TLS policy and STARTTLS handshakes of the smtp(8) client
 *
 * The level for a next hop comes, as in Postfix, from
 * smtp_tls_policy_maps (the next hop as written, "[host]:port" or
 * "example.com", then its parent domains ".example.com"; value "level
 * name=value ..." with match=, protocols=, ciphers=, exclude=,
 * servername=), else smtp_tls_security_level, else the obsolete
 * smtp_enforce_tls (encrypt, or verify with smtp_tls_enforce_peername)
 * and smtp_use_tls (may), else none. A broken policy defers the mail
 * for that next hop (4.7.5, "client TLS configuration problem"); it
 * never falls back to less security.
 *
 * The handshake itself is the TLS library's (tls.h). This file chooses
 * its inputs: the mandatory_* protocols and ciphers at encrypt and up,
 * the names to match (smtp_tls_verify_cert_match and friends, with
 * "hostname", "nexthop" and "dot-nexthop" expanded), the SNI name, and
 * a session cache key that keeps sessions of different policies apart.
 *
 * DANE needs DNSSEC-validated TLSA records, which our resolver does
 * not provide: "dane" works as "may" (what Postfix does when a
 * destination has no usable TLSA records) and "dane-only" defers.
 *
 * Security: the context and the policy tables are opened in pre_jail
 * (root) so that a client key may be readable by root only. Policy
 * values are trusted configuration; server names are not.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"		/* global */
#include "tls.h"		/* tls */
#include "smtp.h"

#define SMTP_TLS_DELIMS	", \t\r\n"

static MAP **smtp_tls_maps;		/* smtp_tls_policy_maps */
static size_t smtp_tls_nmaps;
static int smtp_tls_main_level;		/* from main.cf */
static int smtp_tls_main_dane_only;

#ifdef USE_TLS
static TLS_CLIENT_CTX *smtp_tls_ctx;	/* NULL: TLS unavailable */
#endif

/* smtp_tls_level_of - level name to TLS_LEV_*; *dane_only for dane-only */

static int
smtp_tls_level_of(const char *name, int *dane_only)
{
	*dane_only = strcasecmp(name, "dane-only") == 0;
	return tls_level_lookup(name);
}

/* smtp_tls_init - main.cf level, policy tables, TLS context */

void
smtp_tls_init(void)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *specs;
	size_t	i;
	int	wanted;

	if (*smtp_conf.tls_security_level) {
		smtp_tls_main_level = smtp_tls_level_of(
			smtp_conf.tls_security_level, &smtp_tls_main_dane_only);
		if (smtp_tls_main_level == TLS_LEV_INVALID)
			log_fatal("invalid %s_tls_security_level value: \"%s\"",
				  smtp_conf.lmtp ? "lmtp" : "smtp",
				  smtp_conf.tls_security_level);
	} else if (smtp_conf.enforce_tls) {
		smtp_tls_main_level = smtp_conf.tls_enforce_peername ?
			TLS_LEV_VERIFY : TLS_LEV_ENCRYPT;
	} else if (smtp_conf.use_tls) {
		smtp_tls_main_level = TLS_LEV_MAY;
	} else {
		smtp_tls_main_level = TLS_LEV_NONE;
	}
	if (smtp_conf.tls_wrappermode && smtp_tls_main_level < TLS_LEV_ENCRYPT
	    && !*smtp_conf.tls_policy_maps) {
		log_warn("%s_tls_wrappermode requires %s_tls_security_level >= "
			 "encrypt; using encrypt",
			 smtp_conf.lmtp ? "lmtp" : "smtp",
			 smtp_conf.lmtp ? "lmtp" : "smtp");
		smtp_tls_main_level = TLS_LEV_ENCRYPT;
	}

	/* The policy tables, as other tables of this program. */
	specs = map_split_specs(smtp_conf.lmtp ? "lmtp_tls_policy_maps" :
				"smtp_tls_policy_maps", smtp_conf.tls_policy_maps);
	smtp_tls_maps = xcalloc(specs->argc + 1, sizeof(*smtp_tls_maps));
	for (i = 0; i < specs->argc; i++) {
		MAP    *map = map_open(specs->argv[i], O_RDONLY, MAP_F_FOLD_FIX,
				       why);

		if (map == NULL) {
			/* Mail waits until the table can be read. */
			log_warn("%s_tls_policy_maps: %s",
				 smtp_conf.lmtp ? "lmtp" : "smtp",
				 strbuf_str(why));
			map = map_open("fail:smtp_tls_policy_maps", O_RDONLY, 0,
				       why);
			if (map == NULL)
				log_panic("open fail: table: %s",
					  strbuf_str(why));
		}
		smtp_tls_maps[smtp_tls_nmaps++] = map;
	}
	wanted = smtp_tls_main_level != TLS_LEV_NONE || specs->argc > 0;
	argv_free(&specs);

#ifdef USE_TLS
	if (wanted) {
		TLS_CLIENT_INIT init;

		memset(&init, 0, sizeof(init));
		init.loglevel = smtp_conf.tls_loglevel;
		init.cert_file = smtp_conf.tls_cert_file;
		init.key_file = smtp_conf.tls_key_file;
		init.chain_files = smtp_conf.tls_chain_files;
		init.CAfile = smtp_conf.tls_CAfile;
		init.CApath = smtp_conf.tls_CApath;
		init.verifydepth = smtp_conf.tls_scert_verifydepth;
		init.fpt_dgst = smtp_conf.tls_fingerprint_digest;
		init.cache_db = smtp_conf.tls_session_cache_database;
		init.cache_timeout = smtp_conf.tls_session_cache_timeout;
		if ((smtp_tls_ctx = tls_client_init(&init, why)) == NULL)
			log_warn("TLS library initialization failed: %s",
				 strbuf_str(why));
	}
#else
	if (wanted)
		log_warn("TLS support is not compiled in: %s TLS settings "
			 "are ignored", smtp_conf.lmtp ? "lmtp" : "smtp");
#endif
	strbuf_free(&why);
}

/* smtp_tls_bad - the policy failed: defer with this reason */

static void
smtp_tls_bad(SMTP_TLS_POLICY *policy, const char *dsn, const char *why)
{
	policy->error = 1;
	policy->dsn = xstrdup(dsn);
	policy->why = xstrdup(why);
}

/* smtp_tls_parse - "level name=value ..." into policy; -1 when invalid */

static int
smtp_tls_parse(const char *nexthop, const char *value,
	       SMTP_TLS_POLICY *policy, int *dane_only)
{
	char   *copy = xstrdup(value);
	char   *bp = copy, *word, *eq;
	char  **slot;
	int	ret = 0;

	if ((word = token_next(&bp, SMTP_TLS_DELIMS)) == NULL) {
		log_warn("%s_tls_policy_maps, next-hop destination \"%s\": "
			 "empty policy", smtp_conf.lmtp ? "lmtp" : "smtp",
			 nexthop);
		xfree(copy);
		return -1;
	}
	policy->level = smtp_tls_level_of(word, dane_only);
	if (policy->level == TLS_LEV_INVALID) {
		log_warn("%s_tls_policy_maps, next-hop destination \"%s\": "
			 "invalid TLS security level \"%s\"",
			 smtp_conf.lmtp ? "lmtp" : "smtp", nexthop, word);
		xfree(copy);
		return -1;
	}
	while (ret == 0 && (word = token_next(&bp, SMTP_TLS_DELIMS)) != NULL) {
		if ((eq = strchr(word, '=')) == NULL) {
			slot = NULL;
		} else {
			*eq++ = 0;
			slot = strcasecmp(word, "match") == 0 ? &policy->match :
				strcasecmp(word, "protocols") == 0 ?
				&policy->protocols :
				strcasecmp(word, "ciphers") == 0 ?
				&policy->ciphers :
				strcasecmp(word, "exclude") == 0 ?
				&policy->exclude :
				strcasecmp(word, "servername") == 0 ?
				&policy->servername : NULL;
		}
		if (slot == NULL) {
			log_warn("%s_tls_policy_maps, next-hop destination "
				 "\"%s\": invalid attribute \"%s\"",
				 smtp_conf.lmtp ? "lmtp" : "smtp", nexthop,
				 word);
			ret = -1;
		} else if (*slot != NULL) {
			log_warn("%s_tls_policy_maps, next-hop destination "
				 "\"%s\": attribute \"%s\" is specified "
				 "multiple times", smtp_conf.lmtp ? "lmtp" :
				 "smtp", nexthop, word);
			ret = -1;
		} else {
			*slot = xstrdup(eq);
		}
	}
	xfree(copy);
	return ret;
}

/* smtp_tls_find - search the policy tables for one key */

static int
smtp_tls_find(const char *key, STRBUF *value)
{
	size_t	i;
	int	ret;

	for (i = 0; i < smtp_tls_nmaps; i++) {
		ret = map_lookup(smtp_tls_maps[i], key, value);
		if (ret == MAP_FOUND || ret == MAP_RETRY) {
			if (ret == MAP_RETRY)
				log_warn("%s_tls_policy_maps lookup of "
					 "\"%s\": %s", smtp_conf.lmtp ?
					 "lmtp" : "smtp", key,
					 map_error(smtp_tls_maps[i]));
			return ret;
		}
	}
	return MAP_NOTFOUND;
}

/* smtp_tls_policy - the TLS policy of one next hop */

void
smtp_tls_policy(const char *nexthop, SMTP_TLS_POLICY *policy)
{
	STRBUF *value = strbuf_create(100);
	STRBUF *key = strbuf_create(100);
	const char *dot;
	int	ret, dane_only = smtp_tls_main_dane_only;

	memset(policy, 0, sizeof(*policy));
	policy->level = smtp_tls_main_level;

	/* The next hop as written, then parent domains of a domain. */
	ret = smtp_tls_find(nexthop, value);
	if (ret == MAP_NOTFOUND && *nexthop != '['
	    && strchr(nexthop, ':') == NULL) {
		for (dot = strchr(nexthop, '.'); dot != NULL && dot[1];
		     dot = strchr(dot + 1, '.')) {
			strbuf_set(key, dot);
			if ((ret = smtp_tls_find(strbuf_str(key), value))
			    != MAP_NOTFOUND)
				break;
		}
	}
	if (ret == MAP_RETRY) {
		smtp_tls_bad(policy, "4.3.0", "TLS policy lookup error");
		goto done;
	}
	if (ret == MAP_FOUND
	    && smtp_tls_parse(nexthop, strbuf_str(value), policy,
			      &dane_only) < 0) {
		smtp_tls_bad(policy, "4.7.5",
			     "client TLS configuration problem");
		goto done;
	}
	if (policy->level == TLS_LEV_DANE) {
		if (dane_only) {
			smtp_tls_bad(policy, "4.7.5",
				     "TLS is required, but DANE (dane-only) "
				     "is not supported by this client");
			goto done;
		}
		policy->level = TLS_LEV_MAY;
	}
	if (smtp_conf.tls_wrappermode && policy->level < TLS_LEV_ENCRYPT)
		policy->level = TLS_LEV_ENCRYPT;

	/* Without a working TLS engine: plaintext at may, else defer. */
#ifdef USE_TLS
	if (smtp_tls_ctx == NULL) {
#else
	{
#endif
		if (policy->level >= TLS_LEV_ENCRYPT)
			smtp_tls_bad(policy, "4.7.5", "TLS is required, "
				     "but our TLS engine is unavailable");
		else
			policy->level = TLS_LEV_NONE;
	}

done:
	strbuf_free(&value);
	strbuf_free(&key);
}

/* smtp_tls_policy_free - release what smtp_tls_policy() allocated */

void
smtp_tls_policy_free(SMTP_TLS_POLICY *policy)
{
	xfree(policy->protocols);
	xfree(policy->ciphers);
	xfree(policy->exclude);
	xfree(policy->match);
	xfree(policy->servername);
	xfree(policy->dsn);
	xfree(policy->why);
	memset(policy, 0, sizeof(*policy));
}

#ifdef USE_TLS

/* smtp_tls_domain - the next hop's domain: no [], :port or inet: */

static char *
smtp_tls_domain(const char *nexthop)
{
	char   *copy, *cp, *end;

	if (strncasecmp(nexthop, "inet:", 5) == 0)
		nexthop += 5;
	copy = xstrdup(nexthop);
	if (*copy == '[' && (end = strchr(copy, ']')) != NULL) {
		*end = 0;
		memmove(copy, copy + 1, strlen(copy + 1) + 1);
	} else if ((cp = strrchr(copy, ':')) != NULL) {
		*cp = 0;
	}
	return copy;
}

/* smtp_tls_matchargv - names or fingerprints the certificate must match */

static ARGV *
smtp_tls_matchargv(const SMTP_SESSION *session, int level)
{
	const SMTP_TLS_POLICY *policy = session->policy;
	char   *domain = smtp_tls_domain(session->nexthop);
	ARGV   *words, *out = argv_create();
	size_t	i;

	if (level == TLS_LEV_FPRINT) {
		/* Fingerprints hold colons: policies separate them by "|". */
		words = policy->match ? argv_split(policy->match, "|") :
			argv_split(smtp_conf.tls_fingerprint_cert_match,
				   SMTP_TLS_DELIMS);
		for (i = 0; i < words->argc; i++)
			argv_add(out, words->argv[i]);
	} else {
		words = policy->match ? argv_split(policy->match, ":") :
			argv_split(level == TLS_LEV_SECURE ?
				   smtp_conf.tls_secure_cert_match :
				   smtp_conf.tls_verify_cert_match,
				   SMTP_TLS_DELIMS ":");
		for (i = 0; i < words->argc; i++) {
			if (strcasecmp(words->argv[i], "hostname") == 0)
				argv_add(out, session->host);
			else if (strcasecmp(words->argv[i], "nexthop") == 0)
				argv_add(out, domain);
			else if (strcasecmp(words->argv[i], "dot-nexthop") == 0)
				argv_add_printf(out, ".%s", domain);
			else
				argv_add(out, words->argv[i]);
		}
	}
	argv_free(&words);
	xfree(domain);
	return out;
}

/* smtp_tls_sni - the server name to send, or NULL */

static char *
smtp_tls_sni(const SMTP_SESSION *session)
{
	const char *name = session->policy->servername ?
	session->policy->servername : smtp_conf.tls_servername;

	if (name == NULL || *name == 0)
		return NULL;
	if (strcasecmp(name, "hostname") == 0)
		return xstrdup(session->host);
	if (strcasecmp(name, "nexthop") == 0)
		return smtp_tls_domain(session->nexthop);
	return xstrdup(name);
}

/* smtp_tls_start - handshake at the policy's level */

int
smtp_tls_start(SMTP_SESSION *session, STRBUF *dsn, STRBUF *why)
{
	const SMTP_TLS_POLICY *policy = session->policy;
	TLS_CLIENT_START start;
	TLS_SESS *sess;
	STRBUF *serverid = strbuf_create(100);
	STRBUF *exclude = strbuf_create(100);
	STRBUF *reason = strbuf_create(100);
	ARGV   *match = NULL;
	char   *sni;
	int	level = policy->level;
	int	mandatory = level >= TLS_LEV_ENCRYPT;

	memset(&start, 0, sizeof(start));
	start.level = level;
	start.timeout = smtp_conf.starttls_timeout;
	start.protocols = policy->protocols ? policy->protocols : mandatory ?
		smtp_conf.tls_mandatory_protocols : smtp_conf.tls_protocols;
	start.cipher_grade = policy->ciphers ? policy->ciphers : mandatory ?
		smtp_conf.tls_mandatory_ciphers : smtp_conf.tls_ciphers;
	if (policy->exclude) {
		strbuf_set(exclude, policy->exclude);
	} else {
		strbuf_set(exclude, smtp_conf.tls_exclude_ciphers);
		if (mandatory && *smtp_conf.tls_mandatory_exclude_ciphers)
			strbuf_append_printf(
				exclude, "%s%s", strbuf_len(exclude) ? " " : "",
				smtp_conf.tls_mandatory_exclude_ciphers);
	}
	start.exclude_ciphers = strbuf_str(exclude);
	start.namaddrport = session->relay;
	sni = smtp_tls_sni(session);
	start.sni = sni;
	if (level >= TLS_LEV_FPRINT) {
		match = smtp_tls_matchargv(session, level);
		start.matchargv = match;
	}

	/*
	 * Sessions made under one policy must not be resumed under another:
	 * the key holds the server, the next hop, the level and the names.
	 */
	strbuf_printf(serverid, "%s:%s:%u:%s&l=%s", smtp_conf.lmtp ? "lmtp" :
		      "smtp", session->addr, session->port, session->nexthop,
		      tls_level_name(level));
	if (match) {
		size_t	i;

		for (i = 0; i < match->argc; i++)
			strbuf_append_printf(serverid, "&m=%s", match->argv[i]);
	}
	if (sni)
		strbuf_append_printf(serverid, "&sni=%s", sni);
	start.serverid = strbuf_str(serverid);

	sess = tls_client_start(smtp_tls_ctx, session->st, &start, reason);
	if (sess == NULL) {
		/*
		 * Postfix's reasons: the certificate check's own words, else
		 * a generic one (the library logged the details).
		 */
		strbuf_set(dsn, "4.7.5");
		if (strncmp(strbuf_str(reason), "Server certificate", 18) == 0)
			strbuf_set(why, strbuf_str(reason));
		else
			strbuf_set(why, "Cannot start TLS: handshake failure");
		if (level == TLS_LEV_MAY)
			log_info("%s: %s; trying again without TLS",
				 session->namaddr, strbuf_str(why));
	} else {
		session->tls = sess;
		session->tls_verified = (sess->peer_status & TLS_CERT_VERIFIED)
			== TLS_CERT_VERIFIED;
	}
	if (match)
		argv_free(&match);
	xfree(sni);
	strbuf_free(&serverid);
	strbuf_free(&exclude);
	strbuf_free(&reason);
	return sess ? 0 : -1;
}

/* smtp_tls_stop - end TLS before close */

void
smtp_tls_stop(SMTP_SESSION *session, int failure)
{
	if (session->tls) {
		tls_session_stop(session->tls, session->st, failure);
		session->tls = NULL;
	}
}

#else

/* smtp_tls_start - no TLS support: never reached (level none) */

int
smtp_tls_start(SMTP_SESSION *session, STRBUF *dsn, STRBUF *why)
{
	strbuf_set(dsn, "4.7.5");
	strbuf_printf(why, "TLS is required, but our TLS engine is "
		      "unavailable");
	(void) session;
	return -1;
}

/* smtp_tls_stop - nothing to stop */

void
smtp_tls_stop(SMTP_SESSION *session, int failure)
{
	(void) session;
	(void) failure;
}

#endif
