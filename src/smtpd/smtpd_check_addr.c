/*
 * smtpd_check_addr.c - address checks of the restriction engine
 *
 * Relay control (permit_auth_destination, reject_unauth_destination,
 * permit_mx_backup), the recipient tables (local_recipient_maps,
 * virtual and relay recipient maps: "User unknown in ... table"), and
 * the syntax of host names and addresses. The class of an address
 * comes from trivial-rewrite (resolve_clnt), so that smtpd and the
 * queue manager agree on where mail goes: an address that routes
 * elsewhere (user%remote@local, remote!user@local, "user@remote"@local)
 * is never "ours" unless allow_untrusted_routing says so.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "addr_match_list.h"
#include "argv.h"
#include "inet_addr.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "dns.h"
#include "mainconf.h"
#include "map.h"
#include "map_match.h"
#include "map_search.h"
#include "mynetworks.h"
#include "params_global.h"
#include "params_smtpd_check.h"
#include "rewrite_clnt.h"
#include "smtpd.h"
#include "smtpd_check_int.h"
#include "smtpd_check_eng.h"

#define CHECK_DELIMS	", \t\r\n"

/* Recipient tables. */
typedef struct CHECK_MAPS {
	const char *name;		/* parameter, for logs */
	size_t	count;
	MAP   **maps;
} CHECK_MAPS;

static CHECK_MAPS local_rcpt_maps;
static CHECK_MAPS virt_alias_maps;
static CHECK_MAPS virt_mailbox_maps;
static CHECK_MAPS relay_rcpt_maps;
static CHECK_MAPS canon_maps;
static CHECK_MAPS login_maps;		/* smtpd_sender_login_maps */
static STRBUF *check_maps_value;	/* the last value found */

static ADDR_MATCH_LIST *mx_backup_list;

/* check_maps_open - open the tables of a maps parameter */

static void
check_maps_open(CHECK_MAPS *cm, const char *name)
{
	const char *value = mainconf_lookup(name);
	STRBUF *why = strbuf_create(100);
	ARGV   *specs = argv_split(value ? value : "", CHECK_DELIMS);
	size_t	i;

	cm->name = name;
	cm->count = specs->argc;
	cm->maps = xcalloc(specs->argc + 1, sizeof(*cm->maps));
	for (i = 0; i < specs->argc; i++) {
		cm->maps[i] = map_open(specs->argv[i], O_RDONLY, MAP_F_FOLD_FIX,
				       why);
		if (cm->maps[i] == NULL) {
			char   *type = xstrdup(specs->argv[i]);
			char   *colon = strchr(type, ':');

			/*
			 * A table type we do not have (the default's
			 * nis:mail.aliases) is skipped with a warning, as a
			 * Postfix built without it does; any other table that
			 * will not open answers "try again".
			 */
			log_warn("%s: %s", name, strbuf_str(why));
			if (colon)
				*colon = 0;
			if (colon && map_driver_find(type) != NULL)
				cm->maps[i] = map_open("fail:smtpd", O_RDONLY, 0,
						       why);
			xfree(type);
		}
	}
	argv_free(&specs);
	strbuf_free(&why);
}

/* check_maps_find - MAP_FOUND, MAP_NOTFOUND or MAP_RETRY for one key */

static int
check_maps_find(const CHECK_MAPS *cm, const char *key)
{
	STRBUF *value = strbuf_create(100);
	int	ret = MAP_NOTFOUND;
	size_t	i;

	for (i = 0; i < cm->count && ret == MAP_NOTFOUND; i++) {
		if (cm->maps[i] == NULL)
			continue;
		ret = map_lookup(cm->maps[i], key, value);
		if (ret == MAP_FOUND && check_maps_value)
			strbuf_set(check_maps_value, strbuf_str(value));
		if (ret == MAP_RETRY)
			log_warn("%s lookup error for \"%s\": %s", cm->name, key,
				 map_error(cm->maps[i]));
	}
	strbuf_free(&value);
	return ret;
}

/*
 * check_maps_addr - is the address in the tables? Keys as Postfix's
 * mail_addr_find: the address, without extension, the local part
 * alone for local domains, then @domain. MAP_FOUND/NOTFOUND/RETRY.
 */

static int
check_maps_addr(const CHECK_MAPS *cm, const char *addr, int local)
{
	STRBUF *key = strbuf_create(100);
	STRBUF *bare = strbuf_create(100);
	const char *at;
	int	ret;
	int	has_bare;
	size_t	llen;

	if (cm->count == 0) {
		strbuf_free(&key);
		strbuf_free(&bare);
		return MAP_NOTFOUND;
	}
	strbuf_set(key, addr);
	str_lower(strbuf_str(key));
	has_bare = map_search_strip_ext(strbuf_str(key), smtpd_check_rcpt_delim, 0, bare);
	ret = check_maps_find(cm, strbuf_str(key));
	if (ret == MAP_NOTFOUND && has_bare)
		ret = check_maps_find(cm, strbuf_str(bare));
	at = strrchr(strbuf_str(key), '@');
	if (ret == MAP_NOTFOUND && local && at) {
		llen = (size_t) (at - strbuf_str(key));
		strbuf_set_mem(bare, strbuf_str(key), llen);
		ret = check_maps_find(cm, strbuf_str(bare));
		if (ret == MAP_NOTFOUND
		    && map_search_strip_ext(strbuf_str(key), smtpd_check_rcpt_delim, 0,
					    bare)
		    && (at = strrchr(strbuf_str(bare), '@')) != NULL) {
			strbuf_truncate(bare, (size_t) (at - strbuf_str(bare)));
			ret = check_maps_find(cm, strbuf_str(bare));
		}
	}
	at = strrchr(strbuf_str(key), '@');
	if (ret == MAP_NOTFOUND && at && at[1]) {
		strbuf_set(bare, at);
		ret = check_maps_find(cm, strbuf_str(bare));
	}
	strbuf_free(&key);
	strbuf_free(&bare);
	return ret;
}

/* smtpd_check_list_create - parse an addr_match_list parameter, fatal if bad */

ADDR_MATCH_LIST *
smtpd_check_list_create(const char *param, const char *value)
{
	STRBUF *why = strbuf_create(100);
	ADDR_MATCH_LIST *list;
	int	flags = ADDR_MATCH_FLAG_NONE;

	if (map_search_parent_style(var_parent_domain_matches_subdomains,
				    param))
		flags |= ADDR_MATCH_FLAG_PARENT;
	list = addr_match_list_create_ops(value, flags, &map_match_ops, 0,
					  why);
	if (list == NULL)
		log_fatal("%s: %s", param, strbuf_str(why));
	strbuf_free(&why);
	return list;
}

/* smtpd_check_addr_init - open the recipient tables */

void
smtpd_check_addr_init(void)
{
	if (*var_permit_mx_backup_networks)
		mx_backup_list = smtpd_check_list_create("permit_mx_backup_networks",
						  var_permit_mx_backup_networks);
	check_maps_open(&local_rcpt_maps, "local_recipient_maps");
	check_maps_open(&virt_alias_maps, "virtual_alias_maps");
	check_maps_open(&virt_mailbox_maps, "virtual_mailbox_maps");
	check_maps_open(&relay_rcpt_maps, "relay_recipient_maps");
	check_maps_open(&canon_maps, "canonical_maps");
	check_maps_open(&login_maps, "smtpd_sender_login_maps");
	check_maps_value = strbuf_create(100);
}

/* smtpd_check_domain_of - the domain of an address, or NULL */

const char *
smtpd_check_domain_of(const char *addr)
{
	const char *at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL || at[1] == 0)
		return NULL;
	return at + 1;
}

/* smtpd_check_valid_hostname - RFC 1035 host name (letters, digits, -, .) */

int
smtpd_check_valid_hostname(const char *name)
{
	const char *cp;
	size_t	label = 0;
	int	all_numeric = 1;

	if (*name == 0 || strlen(name) > 255 || *name == '.')
		return 0;
	for (cp = name; *cp; cp++) {
		if (*cp == '.') {
			if (label == 0 || cp[-1] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char) *cp) || *cp == '-'
			   || *cp == '_') {
			if (label == 0 && *cp == '-')
				return 0;
			if (++label > 63)
				return 0;
			if (!isdigit((unsigned char) *cp))
				all_numeric = 0;
		} else {
			return 0;
		}
	}
	if (cp[-1] == '-')
		return 0;
	return !all_numeric;
}

/* smtpd_check_valid_literal - [1.2.3.4] or [ipv6:...] */

int
smtpd_check_valid_literal(const char *name)
{
	INET_ADDR addr;
	STRBUF *buf = strbuf_create(50);
	size_t	len = strlen(name);
	const char *inner;
	int	ok = 0;

	if (len > 2 && name[0] == '[' && name[len - 1] == ']') {
		strbuf_set_mem(buf, name + 1, len - 2);
		inner = strbuf_str(buf);
		if (strncasecmp(inner, "ipv6:", 5) == 0)
			inner += 5;
		ok = inet_addr_pton(inner, &addr) == 0;
	}
	strbuf_free(&buf);
	return ok;
}

/* check_helo_literal - also a bare IPv4 address is no host name */

int
smtpd_check_is_addr(const char *name)
{
	INET_ADDR addr;

	return inet_addr_pton(name, &addr) == 0;
}

/* check_resolve - resolve a recipient; -1 after a 451 reply */

static int
check_resolve(SMTPD_STATE *state, const char *addr, RESOLVE_REPLY *reply,
	      int *ret)
{
	resolve_reply_init(reply);
	if (resolve_clnt(addr, reply) < 0 || (reply->flags & RESOLVE_FLAG_FAIL)) {
		*ret = smtpd_check_dict_retry(state, addr);
		resolve_reply_free(reply);
		return -1;
	}
	return 0;
}

/*
 * check_routed - sender-specified routing: trivial-rewrite flags a
 * route it followed, and a non-local (or virtual) destination whose
 * local part still holds '@', '%' or '!' ("user%elsewhere@relay.example",
 * "host!user@relay.example"), which the next hop might honour.
 */

static int
check_routed(const RESOLVE_REPLY *reply)
{
	return (reply->flags & RESOLVE_FLAG_ROUTED) != 0;
}

#define RESOLVE_CLASS_FINAL_FLAGS (RESOLVE_CLASS_FLAG_LOCAL \
	| RESOLVE_CLASS_FLAG_ALIAS | RESOLVE_CLASS_FLAG_VIRTUAL)

/* smtpd_check_auth_dest - OK for our own and relay_domains destinations */

int
smtpd_check_auth_dest(SMTPD_STATE *state, const char *rcpt)
{
	RESOLVE_REPLY reply;
	int	ret = SMTPD_CHECK_DUNNO;

	if (check_resolve(state, rcpt, &reply, &ret) < 0)
		return ret;
	if (smtpd_check_domain_of(strbuf_str(reply.recipient)) == NULL)
		ret = SMTPD_CHECK_OK;
	else if (!var_allow_untrusted_routing && check_routed(&reply))
		ret = SMTPD_CHECK_DUNNO;
	else if (reply.flags & (RESOLVE_CLASS_FINAL_FLAGS
				| RESOLVE_CLASS_FLAG_RELAY))
		ret = SMTPD_CHECK_OK;
	resolve_reply_free(&reply);
	return ret;
}

/* check_is_me - is the host one of ours (name or the server address)? */

static int
check_is_me(SMTPD_STATE *state, const char *host)
{
	DNS_RR *rrs = NULL;
	DNS_RR *rr;
	INET_ADDR_STR abuf;
	size_t	len = strlen(host);
	int	me = 0;

	if (len > 0 && host[len - 1] == '.')
		len--;
	if (strlen(var_myhostname) == len
	    && strncasecmp(host, var_myhostname, len) == 0)
		return 1;
	if (state->server_addr == NULL
	    || dns_lookup_addr(host, MYNETWORKS_IPV4 | MYNETWORKS_IPV6, &rrs, NULL) != DNS_OK)
		return 0;
	for (rr = rrs; rr && !me; rr = rr->next)
		if (strcmp(inet_addr_ntop(&rr->addr, &abuf),
			   state->server_addr) == 0)
			me = 1;
	dns_rr_free(rrs);
	return me;
}

/* smtpd_check_mx_backup - permit_mx_backup */

int
smtpd_check_mx_backup(SMTPD_STATE *state, const char *rcpt)
{
	RESOLVE_REPLY reply;
	DNS_RR *rrs = NULL;
	DNS_RR *rr;
	const char *domain;
	unsigned best = ~0U;
	unsigned mine = ~0U;
	int	ret = SMTPD_CHECK_DUNNO;
	int	status;

	if (check_resolve(state, rcpt, &reply, &ret) < 0)
		return ret;
	if (!var_allow_untrusted_routing && check_routed(&reply)) {
		resolve_reply_free(&reply);
		return SMTPD_CHECK_DUNNO;
	}
	if (reply.flags & (RESOLVE_CLASS_FINAL_FLAGS | RESOLVE_CLASS_FLAG_RELAY)) {
		resolve_reply_free(&reply);
		return SMTPD_CHECK_OK;
	}
	domain = smtpd_check_domain_of(strbuf_str(reply.recipient));
	if (domain == NULL || *domain == '[') {
		resolve_reply_free(&reply);
		return SMTPD_CHECK_DUNNO;
	}
	status = dns_lookup(domain, DNS_T_MX, DNS_F_NONE, &rrs, NULL);
	if (status == DNS_RETRY) {
		ret = smtpd_check_defer_if_permit(state, 450, "4.4.4",
			     "<%s>: %s rejected: Unable to look up mail "
			     "exchanger information", rcpt,
			     SMTPD_NAME_RECIPIENT);
	} else if (status == DNS_OK) {
		for (rr = rrs; rr; rr = rr->next) {
			if (rr->pref < best)
				best = rr->pref;
			if (rr->text && rr->pref < mine
			    && check_is_me(state, rr->text))
				mine = rr->pref;
		}
		/* We must be listed, and not as the primary MX. */
		if (mine != ~0U && mine > best) {
			ret = SMTPD_CHECK_OK;
			if (mx_backup_list) {
				ret = SMTPD_CHECK_DUNNO;
				for (rr = rrs; rr; rr = rr->next) {
					DNS_RR *arr = NULL;
					DNS_RR *a;
					INET_ADDR_STR abuf;

					if (rr->pref != best || rr->text == NULL
					    || dns_lookup_addr(rr->text,
							       MYNETWORKS_IPV4 | MYNETWORKS_IPV6, &arr,
							       NULL) != DNS_OK)
						continue;
					for (a = arr; a; a = a->next)
						if (addr_match_list_match(mx_backup_list,
									  NULL,
						     inet_addr_ntop(&a->addr,
								    &abuf)) > 0)
							ret = SMTPD_CHECK_OK;
					dns_rr_free(arr);
				}
			}
		}
	}
	dns_rr_free(rrs);
	resolve_reply_free(&reply);
	return ret;
}

/*
 * smtpd_check_rcpt_maps - is the address known in the recipient tables of
 * its class? reply_class says sender or recipient (5.1.0 vs 5.1.1).
 */

int
smtpd_check_rcpt_maps(SMTPD_STATE *state, const char *addr,
		const char *reply_class)
{
	RESOLVE_REPLY reply;
	int	ret = SMTPD_CHECK_DUNNO;
	const char *rcpt;
	const char *dsn = strcmp(reply_class, SMTPD_NAME_SENDER) == 0 ?
	    "5.1.0" : "5.1.1";
	const char *table = 0;
	int	code = 0;
	int	status;

	if (*addr == 0)
		return SMTPD_CHECK_DUNNO;
	if (check_resolve(state, addr, &reply, &ret) < 0)
		return ret;
	rcpt = strbuf_str(reply.recipient);
	if (reply.flags & RESOLVE_FLAG_ERROR) {
		resolve_reply_free(&reply);
		return SMTPD_CHECK_DUNNO;
	}

	/* Canonical and virtual alias entries make an address real. */
	if ((status = check_maps_addr(&canon_maps, rcpt, 0)) == MAP_NOTFOUND)
		status = check_maps_addr(&virt_alias_maps, rcpt, 0);
	if (status == MAP_FOUND) {
		resolve_reply_free(&reply);
		return SMTPD_CHECK_DUNNO;
	}
	if (status == MAP_RETRY) {
		ret = smtpd_check_dict_retry(state, addr);
		resolve_reply_free(&reply);
		return ret;
	}
	if ((reply.flags & RESOLVE_CLASS_FLAG_LOCAL) && local_rcpt_maps.count) {
		status = check_maps_addr(&local_rcpt_maps, rcpt, 1);
		table = "local recipient table";
		code = var_unknown_local_recipient_reject_code;
	} else if (reply.flags & RESOLVE_CLASS_FLAG_ALIAS) {
		status = MAP_NOTFOUND;
		table = "virtual alias table";
		code = var_unknown_virtual_alias_reject_code;
	} else if (reply.flags & RESOLVE_CLASS_FLAG_VIRTUAL) {
		status = check_maps_addr(&virt_mailbox_maps, rcpt, 0);
		table = "virtual mailbox table";
		code = var_unknown_virtual_mailbox_reject_code;
	} else if ((reply.flags & RESOLVE_CLASS_FLAG_RELAY)
		   && relay_rcpt_maps.count) {
		status = check_maps_addr(&relay_rcpt_maps, rcpt, 0);
		table = "relay recipient table";
		code = var_unknown_relay_recipient_reject_code;
	}
	if (table && status == MAP_RETRY)
		ret = smtpd_check_dict_retry(state, addr);
	else if (table && status == MAP_NOTFOUND)
		ret = smtpd_check_reject(state, code, dsn,
					 "<%s>: %s rejected: User unknown%s%s",
					 addr, reply_class,
					 var_show_user_unknown_table_name ?
					 " in " : "",
					 var_show_user_unknown_table_name ?
					 table : "");
	resolve_reply_free(&reply);
	return ret;
}

/*
 * smtpd_check_fqdn - a valid host name with a dot inside: one final
 * dot is ignored ("host." is not fully qualified, "a.example." is)
 */

int
smtpd_check_fqdn(const char *name)
{
	size_t	len = strlen(name);
	const char *dot = strchr(name, '.');

	return smtpd_check_valid_hostname(name) && dot != NULL
	    && dot != name + len - 1;
}

/* smtpd_check_non_fqdn - reject_non_fqdn_sender / _recipient */

int
smtpd_check_non_fqdn(SMTPD_STATE *state, const char *addr, const char *reply_class)
{
	const char *domain;

	if (*addr == 0)
		return SMTPD_CHECK_DUNNO;
	domain = smtpd_check_domain_of(addr);
	if (domain && (smtpd_check_valid_literal(domain)
		       || smtpd_check_fqdn(domain)))
		return SMTPD_CHECK_DUNNO;
	return smtpd_check_reject(state, var_non_fqdn_reject_code, "5.5.2",
				  "<%s>: %s rejected: need fully-qualified "
				  "address", addr, reply_class);
}


/*
 * smtpd_check_login_mismatch - smtpd_sender_login_maps against the SASL
 * login: an authenticated client must be listed as an owner of the
 * sender address (or, with SMTPD_LOGIN_KNOWN, of addresses that have
 * owners only); an unauthenticated one must not use an address that
 * has an owner. Keys as check_maps_addr() on the resolved address.
 */

int
smtpd_check_login_mismatch(SMTPD_STATE *state, const char *sender, int flags)
{
	RESOLVE_REPLY reply;
	int	ret = SMTPD_CHECK_DUNNO;
	int	status;
	int	owned = 0;
	char   *owners, *cp, *name;

	if (sender == NULL || *sender == 0 || login_maps.count == 0)
		return SMTPD_CHECK_DUNNO;
	if (state->sasl_username ? (flags & SMTPD_LOGIN_AUTH) == 0
	    : (flags & SMTPD_LOGIN_UNAUTH) == 0)
		return SMTPD_CHECK_DUNNO;
	if (check_resolve(state, sender, &reply, &ret) < 0)
		return ret;
	status = check_maps_addr(&login_maps, strbuf_str(reply.recipient),
				 (reply.flags & RESOLVE_CLASS_FLAG_LOCAL) != 0);
	resolve_reply_free(&reply);
	if (status == MAP_RETRY)
		return smtpd_check_dict_retry(state, sender);
	if (state->sasl_username == NULL)
		return status == MAP_FOUND ?
		    smtpd_check_reject(state, 553, "5.7.1", "<%s>: Sender "
				       "address rejected: not logged in",
				       sender) : SMTPD_CHECK_DUNNO;
	if (status == MAP_NOTFOUND) {
		if (flags & SMTPD_LOGIN_KNOWN)
			return SMTPD_CHECK_DUNNO;
	} else {
		cp = owners = xstrdup(strbuf_str(check_maps_value));
		while (!owned && (name = token_next(&cp, ", \t\r\n")) != NULL)
			owned = strcasecmp(name, state->sasl_username) == 0;
		xfree(owners);
	}
	if (owned)
		return SMTPD_CHECK_DUNNO;
	return smtpd_check_reject(state, 553, "5.7.1", "<%s>: Sender address "
				  "rejected: not owned by user %s", sender,
				  state->sasl_username);
}
