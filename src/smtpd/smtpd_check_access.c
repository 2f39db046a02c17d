/*
 * smtpd_check_access.c - access(5) tables of the restriction engine
 *
 * Looks addresses, host names and network addresses up in the tables
 * that check_*_access restrictions name, and turns a result (OK,
 * REJECT text, 4NN/5NN text, DEFER_IF_*, HOLD, DISCARD, FILTER,
 * REDIRECT, PREPEND, WARN, INFO, DUNNO, a restriction class or a list)
 * into a verdict, a reply and Postfix's log lines. Policy servers'
 * actions go through the same code.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "cleanup_clnt.h"
#include "map.h"
#include "map_search.h"
#include "params_smtpd_check.h"
#include "params_tls.h"
#include "tls.h"
#include "smtpd.h"
#include "smtpd_check_int.h"
#include "smtpd_check_eng.h"

#define CHECK_DELIMS	", \t\r\n"

/* check_bare - reply_name without the <> that some callers add */

static const char *
check_bare(const char *reply_name, STRBUF *buf)
{
	size_t	len = strlen(reply_name);

	if (len >= 2 && reply_name[0] == '<' && reply_name[len - 1] == '>') {
		strbuf_set_mem(buf, reply_name + 1, len - 2);
		return strbuf_str(buf);
	}
	return reply_name;
}

/*
 * check_split_dsn - "5.7.2 text" gives dsn and text; otherwise the
 * default dsn and all of text.
 */

static const char *
check_split_dsn(const char *text, const char *def_dsn, char *dsn,
		size_t dsn_size)
{
	const char *cp = text;
	size_t	n;

	if ((*cp == '2' || *cp == '4' || *cp == '5') && cp[1] == '.') {
		cp += 2;
		for (n = 0; n < 3 && isdigit((unsigned char) *cp); n++)
			cp++;
		if (n > 0 && *cp == '.') {
			cp++;
			for (n = 0; n < 3 && isdigit((unsigned char) *cp); n++)
				cp++;
			if (n > 0 && (*cp == 0 || *cp == ' ' || *cp == '\t')) {
				if ((size_t) (cp - text) < dsn_size) {
					memcpy(dsn, text, (size_t) (cp - text));
					dsn[cp - text] = 0;
					while (*cp == ' ' || *cp == '\t')
						cp++;
					return cp;
				}
			}
		}
	}
	if (snprintf(dsn, dsn_size, "%s", def_dsn) >= (int) dsn_size)
		dsn[0] = 0;
	return text;
}

/* check_action_is - does value start with word (any case) and then end or space? */

static const char *
check_action_is(const char *value, const char *word)
{
	size_t	len = strlen(word);

	if (strncasecmp(value, word, len) != 0)
		return NULL;
	if (value[len] == 0)
		return value + len;
	if (value[len] != ' ' && value[len] != '\t')
		return NULL;
	value += len;
	while (*value == ' ' || *value == '\t')
		value++;
	return value;
}

/* check_is_header - "Name: value" with a valid header name */

static int
check_is_header(const char *text)
{
	const char *cp;

	for (cp = text; *cp && *cp != ':'; cp++)
		if (*cp <= ' ' || *cp >= 127)
			return 0;
	return cp > text && *cp == ':';
}

/* smtpd_check_table_result - evaluate an access result */

int
smtpd_check_table_result(SMTPD_STATE *state, const char *table,
			 const char *value, const char *def_acl,
			 const char *reply_name, const char *reply_class)
{
	STRBUF *tmp = strbuf_create(100);
	STRBUF *namebuf = strbuf_create(50);
	const char *name = check_bare(reply_name, namebuf);
	const char *text;
	char	dsn[32];
	int	ret = SMTPD_CHECK_DUNNO;
	const char *cp;

	while (*value == ' ' || *value == '\t')
		value++;

	/* All-numeric results are OK (pop-before-smtp and friends). */
	for (cp = value; isdigit((unsigned char) *cp); cp++)
		 /* void */ ;
	if (cp > value && *cp == 0) {
		smtpd_check_log_permit(state, value, reply_class, name, table);
		ret = SMTPD_CHECK_OK;
	} else if (check_action_is(value, "OK")) {
		/* As in Postfix, the first word decides: "OK text" is OK. */
		smtpd_check_log_permit(state, "OK", reply_class, name, table);
		ret = SMTPD_CHECK_OK;
	} else if (check_action_is(value, "DUNNO")) {
		ret = SMTPD_CHECK_DUNNO;
	} else if ((text = check_action_is(value, "REJECT")) != NULL) {
		text = check_split_dsn(text, "5.7.1", dsn, sizeof(dsn));
		ret = smtpd_check_reject(state, var_access_map_reject_code, dsn,
					 "<%s>: %s rejected: %s", name,
					 reply_class, *text ? text :
					 "Access denied");
	} else if ((text = check_action_is(value, "DEFER")) != NULL) {
		text = check_split_dsn(text, "4.7.1", dsn, sizeof(dsn));
		ret = smtpd_check_reject(state, var_access_map_defer_code, dsn,
					 "<%s>: %s rejected: %s", name,
					 reply_class, *text ? text :
					 "Access denied");
	} else if ((text = check_action_is(value, "DEFER_IF_REJECT")) != NULL) {
		text = check_split_dsn(text, "4.7.1", dsn, sizeof(dsn));
		smtpd_check_defer_if_reject(state, var_access_map_defer_code, dsn,
				      "<%s>: %s rejected: %s", name,
				      reply_class, *text ? text :
				      "Service unavailable");
	} else if ((text = check_action_is(value, "DEFER_IF_PERMIT")) != NULL) {
		text = check_split_dsn(text, "4.7.1", dsn, sizeof(dsn));
		ret = smtpd_check_defer_if_permit(state,
						  var_access_map_defer_code,
						  dsn, "<%s>: %s rejected: %s",
						  name, reply_class, *text ?
						  text : "Service unavailable");
	} else if ((text = check_action_is(value, "WARN")) != NULL) {
		smtpd_check_log(state, "warn", text);
	} else if ((text = check_action_is(value, "INFO")) != NULL) {
		smtpd_check_log(state, "info", text);
	} else if ((text = check_action_is(value, "HOLD")) != NULL) {
		strbuf_printf(tmp, "<%s>: %s %s", name, reply_class,
			      *text ? text : "triggers HOLD action");
		smtpd_check_log(state, "hold", strbuf_str(tmp));
		state->saved_flags |= CLEANUP_FLAG_HOLD;
	} else if ((text = check_action_is(value, "DISCARD")) != NULL) {
		strbuf_printf(tmp, "<%s>: %s %s", name, reply_class,
			      *text ? text : "triggers DISCARD action");
		smtpd_check_log(state, "discard", strbuf_str(tmp));
		state->saved_flags |= CLEANUP_FLAG_DISCARD;
		xfree(state->discard_reason);
		state->discard_reason = xstrdup(strbuf_str(tmp));
		ret = SMTPD_CHECK_OK;
	} else if ((text = check_action_is(value, "FILTER")) != NULL) {
		if (strchr(text, ':') == NULL) {
			log_warn("access table %s entry \"%s\" has FILTER entry "
				 "without \":\"", table, value);
		} else {
			strbuf_printf(tmp, "<%s>: %s triggers FILTER %s",
				      name, reply_class, text);
			smtpd_check_log(state, "filter", strbuf_str(tmp));
			xfree(state->saved_filter);
			state->saved_filter = xstrdup(text);
		}
	} else if ((text = check_action_is(value, "REDIRECT")) != NULL) {
		if (*text == 0) {
			log_warn("access table %s entry \"%s\" has REDIRECT "
				 "entry without address", table, value);
		} else {
			strbuf_printf(tmp, "<%s>: %s triggers REDIRECT %s",
				      name, reply_class, text);
			smtpd_check_log(state, "redirect", strbuf_str(tmp));
			xfree(state->saved_redirect);
			state->saved_redirect = xstrdup(text);
		}
	} else if ((text = check_action_is(value, "PREPEND")) != NULL) {
		if (!check_is_header(text)) {
			log_warn("access table %s entry \"%s\" requires "
				 "header: text", table, value);
		} else {
			if (state->prepend == NULL)
				state->prepend = argv_create();
			argv_add(state->prepend, text);
		}
	} else if ((text = check_action_is(value, "BCC")) != NULL) {
		log_warn("access table %s: action BCC is not supported by "
			 "this mail system; ignored", table);
	} else if (isdigit((unsigned char) value[0])
		   && isdigit((unsigned char) value[1])
		   && isdigit((unsigned char) value[2])
		   && (value[3] == ' ' || value[3] == '\t' || value[3] == 0)) {
		int	code = (value[0] - '0') * 100 + (value[1] - '0') * 10
		    + (value[2] - '0');

		if (value[0] != '4' && value[0] != '5') {
			log_warn("access table %s: with %s specify a 4XX or 5XX "
				 "status code", table, value);
			ret = smtpd_check_server_error(state);
		} else {
			text = value + 3;
			while (*text == ' ' || *text == '\t')
				text++;
			text = check_split_dsn(text, value[0] == '4' ?
					       "4.7.1" : "5.7.1", dsn,
					       sizeof(dsn));
			ret = smtpd_check_reject(state, code, dsn,
						 "<%s>: %s rejected: %s", name,
						 reply_class, *text ? text :
						 "Access denied");
		}
	} else {
		/* A restriction class name, or a list of restrictions. */
		STRBUF *why = strbuf_create(50);
		ARGV   *list = argv_split_q(value, CHECK_DELIMS, "{}", why);

		(void) def_acl;
		if (list == NULL || list->argc == 0) {
			log_warn("access table %s: bad result \"%s\"", table,
				 value);
			ret = smtpd_check_server_error(state);
		} else {
			ret = smtpd_check_list_eval(state, list, name,
						    reply_class);
		}
		if (list)
			argv_free(&list);
		strbuf_free(&why);
	}
	strbuf_free(&namebuf);
	strbuf_free(&tmp);
	return ret;
}

/* check_table_get - the table of a restriction, or NULL after a reply */

static MAP *
check_table_get(SMTPD_STATE *state, const char *table, int *ret)
{
	MAP    *map = smtpd_check_table_find(table);

	if (map == NULL)
		*ret = smtpd_check_server_error(state);
	return map;
}

/* check_access_result - shared tail of the access lookups */

static int
check_access_result(SMTPD_STATE *state, MAP *map, const char *table,
		    int status, STRBUF *value, const char *def_acl,
		    const char *reply_name, const char *reply_class,
		    int *found)
{
	if (status == MAP_RETRY) {
		STRBUF *buf = strbuf_create(50);
		int	ret;

		(void) map;
		ret = smtpd_check_dict_retry(state, check_bare(reply_name, buf));
		strbuf_free(&buf);
		return ret;
	}
	if (status != MAP_FOUND)
		return SMTPD_CHECK_DUNNO;
	*found = 1;
	return smtpd_check_table_result(state, table, strbuf_str(value),
					def_acl, reply_name, reply_class);
}

/* smtpd_check_domain_access - table lookup of a host or domain name */

int
smtpd_check_domain_access(SMTPD_STATE *state, const char *table,
			  const char *domain, const char *def_acl,
			  const char *reply_name, const char *reply_class,
			  int *found)
{
	STRBUF *value;
	MAP    *map;
	int	ret = SMTPD_CHECK_DUNNO;
	int	status;

	*found = 0;
	if ((map = check_table_get(state, table, &ret)) == NULL)
		return ret;
	value = strbuf_create(100);
	status = map_search_domain(map, domain, smtpd_check_access_flags, value);
	ret = check_access_result(state, map, table, status, value, def_acl,
				  reply_name, reply_class, found);
	strbuf_free(&value);
	return ret;
}

/* smtpd_check_addr_access - table lookup of a network address */

int
smtpd_check_addr_access(SMTPD_STATE *state, const char *table,
			const char *addr, const char *def_acl,
			const char *reply_name, const char *reply_class,
			int *found)
{
	STRBUF *value;
	MAP    *map;
	int	ret = SMTPD_CHECK_DUNNO;
	int	status;

	*found = 0;
	if ((map = check_table_get(state, table, &ret)) == NULL)
		return ret;
	value = strbuf_create(100);
	status = map_search_net(map, addr, value);
	ret = check_access_result(state, map, table, status, value, def_acl,
				  reply_name, reply_class, found);
	strbuf_free(&value);
	return ret;
}

/* smtpd_check_mail_access - table lookup of an email address */

int
smtpd_check_mail_access(SMTPD_STATE *state, const char *table, const char *addr,
		  const char *def_acl, const char *reply_class)
{
	STRBUF *value;
	MAP    *map;
	int	ret = SMTPD_CHECK_DUNNO;
	int	status;
	int	found = 0;
	const char *key = *addr ? addr : var_smtpd_null_access_lookup_key;

	if ((map = check_table_get(state, table, &ret)) == NULL)
		return ret;
	value = strbuf_create(100);
	status = map_search_address(map, key, smtpd_check_access_flags, smtpd_check_rcpt_delim, value);
	ret = check_access_result(state, map, table, status, value, def_acl,
				  key, reply_class, &found);
	strbuf_free(&value);
	return ret;
}

/* smtpd_check_namadr_access - host name (unless unknown), then address */

int
smtpd_check_namadr_access(SMTPD_STATE *state, const char *table, const char *name,
		    const char *addr, const char *def_acl,
		    const char *reply_class)
{
	int	found = 0;
	int	ret;
	const char *reply_name = state->namaddr ? state->namaddr : "unknown";

	if (name && *name && strcasecmp(name, "unknown") != 0) {
		ret = smtpd_check_domain_access(state, table, name, def_acl,
						reply_name, reply_class, &found);
		if (ret != SMTPD_CHECK_DUNNO || found)
			return ret;
	}
	if (addr && *addr)
		return smtpd_check_addr_access(state, table, addr, def_acl,
					       reply_name, reply_class, &found);
	return SMTPD_CHECK_DUNNO;
}

/*
 * TLS restrictions. They read the session that smtpd_tls.c made (the
 * certificate's fingerprints are per smtpd_tls_fingerprint_digest);
 * without TLS there is no session and they have nothing to say, except
 * reject_plaintext_session, whose whole point is that.
 */

/* smtpd_check_tls_init - open the relay_clientcerts tables as root */

void
smtpd_check_tls_init(void)
{
	ARGV   *specs = argv_split(var_relay_clientcerts, CHECK_DELIMS);
	size_t	i;

	for (i = 0; i < specs->argc; i++)
		(void) smtpd_check_table_find(specs->argv[i]);
	argv_free(&specs);
}

/*
 * smtpd_check_tls_clientcerts - permit_tls_all_clientcerts (all): any
 * trusted client certificate; permit_tls_clientcerts: a certificate
 * (trusted by a CA or not: the fingerprint is the proof, as in Postfix)
 * whose fingerprint or public key fingerprint is in relay_clientcerts
 */

int
smtpd_check_tls_clientcerts(SMTPD_STATE *state, const char *name, int all)
{
	const TLS_SESS *sess = state->tls_context;
	ARGV   *specs;
	STRBUF *value;
	const char *prints[2];
	MAP    *map;
	size_t	i;
	int	k;
	int	status;
	int	ret = SMTPD_CHECK_DUNNO;

	if (sess == NULL)
		return SMTPD_CHECK_DUNNO;
	if ((sess->peer_status & TLS_CERT_PRESENT) == 0) {
		if (!var_smtpd_tls_ask_ccert && !var_smtpd_tls_req_ccert)
			log_warn("%s is requested, but \"smtpd_tls_ask_ccert "
				 "= no\"", name);
		return SMTPD_CHECK_DUNNO;
	}
	if (all)
		return (sess->peer_status & TLS_CERT_TRUSTED) ?
		    SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
	prints[0] = sess->peer_cert_fprint;
	prints[1] = sess->peer_pkey_fprint;
	specs = argv_split(var_relay_clientcerts, CHECK_DELIMS);
	value = strbuf_create(100);
	for (k = 0; k < 2 && ret == SMTPD_CHECK_DUNNO; k++) {
		if (prints[k] == NULL || *prints[k] == 0)
			continue;
		for (i = 0; i < specs->argc; i++) {
			if ((map = check_table_get(state, specs->argv[i], &ret))
			    == NULL)
				break;
			status = map_lookup(map, prints[k], value);
			if (status == MAP_FOUND) {
				ret = SMTPD_CHECK_OK;
				break;
			}
			if (status == MAP_RETRY) {
				log_warn("relay_clientcerts: lookup error for "
					 "fingerprint '%s', pkey fingerprint %s",
					 prints[0] ? prints[0] : "",
					 prints[1] ? prints[1] : "");
				ret = smtpd_check_dict_retry(state,
							     state->namaddr);
				break;
			}
		}
	}
	strbuf_free(&value);
	argv_free(&specs);
	return ret;
}

/*
 * smtpd_check_ccert_access - check_ccert_access type:table: the client
 * certificate fingerprint, then its public key fingerprint, as
 * access(5) keys; the reply names the certificate's CN
 */

int
smtpd_check_ccert_access(SMTPD_STATE *state, const char *table,
			 const char *def_acl)
{
	const TLS_SESS *sess = state->tls_context;
	const char *prints[2];
	const char *cn;
	STRBUF *value;
	MAP    *map;
	int	ret = SMTPD_CHECK_DUNNO;
	int	found = 0;
	int	status;
	int	k;

	if (sess == NULL || (sess->peer_status & TLS_CERT_PRESENT) == 0)
		return SMTPD_CHECK_DUNNO;
	if ((map = check_table_get(state, table, &ret)) == NULL)
		return ret;
	cn = sess->peer_CN ? sess->peer_CN : "";
	prints[0] = sess->peer_cert_fprint;
	prints[1] = sess->peer_pkey_fprint;
	value = strbuf_create(100);
	for (k = 0; k < 2 && ret == SMTPD_CHECK_DUNNO && !found; k++) {
		if (prints[k] == NULL || *prints[k] == 0)
			continue;
		status = map_lookup(map, prints[k], value);
		ret = check_access_result(state, map, table, status, value,
					  def_acl, cn, SMTPD_NAME_CCERT,
					  &found);
	}
	strbuf_free(&value);
	return ret;
}

/*
 * smtpd_check_plaintext - reject_plaintext_session: "450 4.7.1 Session
 * encryption is required" (plaintext_reject_code) without TLS
 */

int
smtpd_check_plaintext(SMTPD_STATE *state)
{
	if (state->tls_context != NULL)
		return SMTPD_CHECK_DUNNO;
	return smtpd_check_reject(state, var_plaintext_reject_code, "4.7.1",
				  "Session encryption is required");
}
