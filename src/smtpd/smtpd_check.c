/*
 * smtpd_check.c - the restriction engine of smtpd(8)
 *
 * Parses the smtpd_*_restrictions lists and smtpd_restriction_classes
 * once (smtpd_check_init, before the jail, so tables open as root) and
 * evaluates them per command as postconf(5), access(5) and
 * SMTPD_ACCESS_README describe: a list is tried left to right, the
 * first restriction that decides (permit or reject) ends it, a permit
 * only ends its own stage. This file makes the replies, logs them in
 * Postfix's shape and keeps the per-session verdicts; access tables
 * are in smtpd_check_access.c, relay control and recipient tables in
 * smtpd_check_addr.c, the DNS-based checks in smtpd_check_dns.c.
 *
 * Never an open relay by accident: as in Postfix, init is fatal unless
 * smtpd_relay_restrictions or smtpd_recipient_restrictions holds a
 * restriction that refuses unauthorized destinations.
 *
 * Security: runs inside smtpd (unprivileged, maybe chrooted). The
 * client's HELO name, sender and recipient are untrusted text: they
 * are only compared, looked up and printed, with lengths already
 * bounded by the protocol engine's line limit.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "addr_match_list.h"
#include "argv.h"
#include "log.h"
#include "mem.h"
#include "inet_addr.h"
#include "iostream.h"
#include "strbuf.h"
#include "stringops.h"
#include "cleanup_clnt.h"
#include "dns.h"
#include "mainconf.h"
#include "map.h"
#include "map_search.h"
#include "mynetworks.h"
#include "info_log_addr.h"
#include "param.h"
#include "params_global.h"
#include "params_smtpd_check.h"
#include "rewrite_clnt.h"
#include "smtpd.h"
#include "smtpd_check.h"
#include "smtpd_check_int.h"
#include "smtpd_check_eng.h"
#include "smtpd_policy.h"

#define CHECK_DELIMS	", \t\r\n"
#define CHECK_MAX_DEPTH	100		/* nested classes and table results */

/* Which stage is being evaluated: the generic reply name and class. */
typedef struct CHECK_STAGE {
	const char *reply_name;
	const char *reply_class;
} CHECK_STAGE;

static int check_list(SMTPD_STATE *, ARGV *, const CHECK_STAGE *);

/* Parsed restriction lists. */
static ARGV *client_list;
static ARGV *helo_list;
static ARGV *sender_list;
static ARGV *relay_list;
static ARGV *rcpt_list;
static ARGV *data_list;
static ARGV *eod_list;
static ARGV *etrn_list;

/* smtpd_restriction_classes: names and their lists. */
static ARGV *class_names;
static ARGV **class_lists;

/* Tables named in restrictions, opened once, by spec. */
static ARGV *table_specs;
static MAP **table_maps;

static ADDR_MATCH_LIST *mynetworks_list;
static ADDR_MATCH_LIST *permit_log_list;	/* ..._log_access_permit_actions */
static int soft_bounce;
static int check_inited;

int	smtpd_check_access_flags;
char   *smtpd_check_rcpt_delim;

/* A remembered reply for defer_if_permit / defer_if_reject. */
typedef struct CHECK_DEFER {
	int	active;
	STRBUF *reply;
} CHECK_DEFER;

/* Per-session context (state->check_context). */
typedef struct CHECK_CTX {
	STRBUF *reply;			/* the reply handed to the engine */
	STRBUF *tmp;
	int	warn_if_reject;		/* list depth it was set at, or 0 */
	int	depth;
	CHECK_DEFER defer_if_permit;
	CHECK_DEFER defer_if_reject;
	/* Delayed stages (smtpd_delay_reject): passed this transaction. */
	int	client_done;
	int	helo_done;
	int	sender_done;
	STRBUF *client_dip;		/* their defer_if_permit, if any */
	STRBUF *helo_dip;
	STRBUF *sender_dip;
	char   *helo;			/* HELO argument, when given */
	char   *sender;			/* MAIL FROM argument, when given */
} CHECK_CTX;

/* Restrictions: name and whether it takes an argument. */
typedef struct CHECK_NAME {
	const char *name;
	int	has_arg;
} CHECK_NAME;

static const CHECK_NAME check_names[] = {
	{"permit", 0}, {"reject", 0}, {"defer", 0},
	{"defer_if_permit", 0}, {"defer_if_reject", 0},
	{"warn_if_reject", 0}, {"reject_unauth_pipelining", 0},
	{"sleep", 1}, {"check_policy_service", 1},
	{"permit_mynetworks", 0}, {"permit_sasl_authenticated", 0},
	{"permit_auth_destination", 0}, {"reject_unauth_destination", 0},
	{"defer_unauth_destination", 0}, {"permit_mx_backup", 0},
	{"check_client_access", 1}, {"check_reverse_client_hostname_access", 1},
	{"check_helo_access", 1}, {"check_sender_access", 1},
	{"check_recipient_access", 1},
	{"check_client_mx_access", 1}, {"check_client_ns_access", 1},
	{"check_client_a_access", 1},
	{"check_reverse_client_hostname_mx_access", 1},
	{"check_reverse_client_hostname_ns_access", 1},
	{"check_reverse_client_hostname_a_access", 1},
	{"check_helo_mx_access", 1}, {"check_helo_ns_access", 1},
	{"check_helo_a_access", 1},
	{"check_sender_mx_access", 1}, {"check_sender_ns_access", 1},
	{"check_sender_a_access", 1},
	{"check_recipient_mx_access", 1}, {"check_recipient_ns_access", 1},
	{"check_recipient_a_access", 1},
	{"reject_invalid_helo_hostname", 0}, {"reject_invalid_hostname", 0},
	{"reject_non_fqdn_helo_hostname", 0}, {"reject_non_fqdn_hostname", 0},
	{"reject_unknown_helo_hostname", 0}, {"reject_unknown_hostname", 0},
	{"reject_unknown_client_hostname", 0}, {"reject_unknown_client", 0},
	{"reject_unknown_reverse_client_hostname", 0},
	{"reject_non_fqdn_sender", 0}, {"reject_non_fqdn_recipient", 0},
	{"reject_unknown_sender_domain", 0},
	{"reject_unknown_recipient_domain", 0},
	{"reject_unlisted_sender", 0}, {"reject_unlisted_recipient", 0},
	{"check_recipient_maps", 0},
	{"reject_unverified_sender", 0}, {"reject_unverified_recipient", 0},
	{"reject_multi_recipient_bounce", 0},
	{"reject_rbl_client", 1}, {"reject_rhsbl_client", 1},
	{"reject_rhsbl_reverse_client", 1}, {"reject_rhsbl_helo", 1},
	{"reject_rhsbl_sender", 1}, {"reject_rhsbl_recipient", 1},
	{"permit_dnswl_client", 1}, {"permit_rhswl_client", 1},
	/* SASL (issue 9). */
	{"check_sasl_access", 1},
	{"reject_sender_login_mismatch", 0},
	{"reject_authenticated_sender_login_mismatch", 0},
	{"reject_known_sender_login_mismatch", 0},
	{"reject_unauthenticated_sender_login_mismatch", 0},
	/* TLS (issue 9, smtpd_check_access.c). */
	{"permit_tls_clientcerts", 0}, {"permit_tls_all_clientcerts", 0},
	{"check_ccert_access", 1},
	{"reject_plaintext_session", 0},
	{0, 0},
};

/* The restrictions that make relay control work (Postfix's list). */
static const char *const relay_required[] = {
	"reject_unauth_destination", "defer_unauth_destination", "reject",
	"defer", "defer_if_permit", "check_relay_domains", 0,
};

/* check_name_find - the restriction's table entry, or NULL */

static const CHECK_NAME *
check_name_find(const char *name)
{
	const CHECK_NAME *cn;

	for (cn = check_names; cn->name; cn++)
		if (strcmp(cn->name, name) == 0)
			return cn;
	return NULL;
}

/* check_class_find - a restriction class's list, or NULL */

static ARGV *
check_class_find(const char *name)
{
	ssize_t idx;

	if (class_names == NULL || (idx = argv_find(class_names, name)) < 0)
		return NULL;
	return class_lists[idx];
}

/* smtpd_check_table_find - the table for spec, opened on first use */

MAP *
smtpd_check_table_find(const char *spec)
{
	STRBUF *why;
	ssize_t idx;
	MAP    *map;

	if (table_specs == NULL)
		table_specs = argv_create();
	if ((idx = argv_find(table_specs, spec)) >= 0)
		return table_maps[idx];
	why = strbuf_create(100);
	map = map_open(spec, O_RDONLY, MAP_F_FOLD_FIX, why);
	if (map == NULL)
		log_warn("%s", strbuf_str(why));
	strbuf_free(&why);
	table_maps = xrealloc(table_maps,
			      size_mul(table_specs->argc + 1, sizeof(*table_maps)));
	table_maps[table_specs->argc] = map;
	argv_add(table_specs, spec);
	return map;
}

/* check_parse - split a restriction list, check names, open tables */

static ARGV *
check_parse(const char *param, const char *value)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *list;
	const CHECK_NAME *cn;
	size_t	i;

	if ((list = argv_split_q(value ? value : "", CHECK_DELIMS, "{}",
				 why)) == NULL)
		log_fatal("%s: %s", param, strbuf_str(why));
	for (i = 0; i < list->argc; i++) {
		const char *name = list->argv[i];

		if ((cn = check_name_find(name)) == NULL) {
			if (check_class_find(name) != NULL)
				continue;
			/* Postfix 2.x: a bare type:table is check_*_access. */
			log_fatal("unknown smtpd restriction: \"%s\"", name);
		}
		if (cn->has_arg) {
			if (i + 1 >= list->argc)
				log_fatal("restriction %s in %s requires an "
					  "argument", name, param);
			i++;
			if (strncmp(name, "check_", 6) == 0
			    && str_has_suffix(name, "_access")) {
				STRBUF *spec = strbuf_create(50);

				strbuf_set(spec, list->argv[i]);
				if (strbuf_str(spec)[0] == '{')
					(void) token_strip_parens(strbuf_str(spec),
								  "{}", why);
				(void) smtpd_check_table_find(list->argv[i]);
				strbuf_free(&spec);
			}
		} else if (strncmp(name, "reject_unverified_", 18) == 0) {
			log_warn("%s: restriction %s is not supported by this "
				 "mail system; it is ignored", param, name);
		}
	}
	strbuf_free(&why);
	return list;
}

/* check_has_required - does the list (or a class in it) refuse relaying? */

static int
check_has_required(const ARGV *list, int depth)
{
	const char *const *req;
	ARGV   *sub;
	size_t	i;

	if (list == NULL || depth > CHECK_MAX_DEPTH)
		return 0;
	for (i = 0; i < list->argc; i++) {
		const char *name = list->argv[i];
		const CHECK_NAME *cn = check_name_find(name);

		if (strcmp(name, "warn_if_reject") == 0) {
			i++;
			continue;
		}
		if (strcmp(name, "permit") == 0)
			return 0;
		for (req = relay_required; *req; req++)
			if (strcmp(*req, name) == 0)
				return 1;
		if (cn == NULL && (sub = check_class_find(name)) != NULL
		    && check_has_required(sub, depth + 1))
			return 1;
		if (cn && cn->has_arg)
			i++;
	}
	return 0;
}

/* smtpd_check_init - parse every list, open tables */

void
smtpd_check_init(void)
{
	STRBUF *example;
	ARGV   *names;
	const char *value;
	const char *const *req;
	int	owner_special;
	size_t	i;

	if (check_inited)
		return;
	check_inited = 1;
	mainconf_load(PARAM_GROUP_SMTPD_CHECK);
	value = mainconf_lookup("soft_bounce");
	if (value == NULL || parse_bool(value, &soft_bounce) < 0)
		soft_bounce = 0;
	value = mainconf_lookup("recipient_delimiter");
	smtpd_check_rcpt_delim = xstrdup(value ? value : "");
	smtpd_check_access_flags = map_search_parent_style(var_parent_domain_matches_subdomains,
					       "smtpd_access_maps")
		? MAP_SEARCH_F_PARENT : 0;
	value = mainconf_lookup("owner_request_special");
	if (value != NULL && parse_bool(value, &owner_special) == 0
	    && !owner_special)
		smtpd_check_access_flags |= MAP_SEARCH_F_NO_OWNREQ;

	/* Classes first: the lists may name them. */
	names = argv_split(var_smtpd_restriction_classes, CHECK_DELIMS);
	class_names = argv_create();
	class_lists = xcalloc(names->argc + 1, sizeof(*class_lists));
	for (i = 0; i < names->argc; i++)
		argv_add(class_names, names->argv[i]);
	for (i = 0; i < names->argc; i++) {
		value = mainconf_lookup(names->argv[i]);
		if (value == NULL)
			log_fatal("restriction class `%s' needs a definition",
				  names->argv[i]);
		class_lists[i] = check_parse(names->argv[i], value);
	}
	argv_free(&names);

	client_list = check_parse("smtpd_client_restrictions",
				  var_smtpd_client_restrictions);
	helo_list = check_parse("smtpd_helo_restrictions",
				var_smtpd_helo_restrictions);
	sender_list = check_parse("smtpd_sender_restrictions",
				  var_smtpd_sender_restrictions);
	relay_list = check_parse("smtpd_relay_restrictions",
				 var_smtpd_relay_restrictions);
	rcpt_list = check_parse("smtpd_recipient_restrictions",
				var_smtpd_recipient_restrictions);
	data_list = check_parse("smtpd_data_restrictions",
				var_smtpd_data_restrictions);
	eod_list = check_parse("smtpd_end_of_data_restrictions",
			       var_smtpd_end_of_data_restrictions);
	etrn_list = check_parse("smtpd_etrn_restrictions",
				var_smtpd_etrn_restrictions);

	/*
	 * People get relay control wrong too often: require a restriction
	 * that refuses unauthorized destinations, as Postfix does.
	 */
	if (!check_has_required(rcpt_list, 0)
	    && !check_has_required(relay_list, 0)) {
		example = strbuf_create(100);
		for (req = relay_required; *req; req++)
			strbuf_append_printf(example, "%s%s", *req,
					     req[1] == 0 ? "" :
					     req[2] == 0 ? " or " : ", ");
		log_fatal("in parameter smtpd_relay_restrictions or "
			  "smtpd_recipient_restrictions, specify at least one "
			  "working instance of: %s", strbuf_str(example));
	}

	if (var_queue_minfree > 0 && var_message_size_limit > 0
	    && var_queue_minfree / 1.5 < (double) var_message_size_limit)
		log_warn("queue_minfree(%ld) should be at least "
			 "1.5*message_size_limit(%ld)", var_queue_minfree,
			 var_message_size_limit);
	mynetworks_list = smtpd_check_list_create("mynetworks", var_mynetworks);
	if (*var_smtpd_log_access_permit_actions)
		permit_log_list = smtpd_check_list_create(
					   "smtpd_log_access_permit_actions",
					  var_smtpd_log_access_permit_actions);
	smtpd_check_addr_init();
	smtpd_check_tls_init();
}

/* check_ctx - the session's context, made on first use */

static CHECK_CTX *
check_ctx(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = state->check_context;

	if (ctx == NULL) {
		ctx = xcalloc(1, sizeof(*ctx));
		ctx->reply = strbuf_create(100);
		ctx->tmp = strbuf_create(100);
		ctx->defer_if_permit.reply = strbuf_create(100);
		ctx->defer_if_reject.reply = strbuf_create(100);
		state->check_context = ctx;
	}
	return ctx;
}

/* smtpd_check_log_permit - "permit: ... action=NAME for CLASS=NAME" */

void
smtpd_check_log_permit(SMTPD_STATE *state, const char *action,
		       const char *reply_class, const char *reply_name,
		       const char *table)
{
	CHECK_CTX *ctx = check_ctx(state);
	STRBUF *text;
	int	m;

	/* A pending defer_if_permit overrules this permit: no log. */
	if (permit_log_list == NULL || ctx->defer_if_permit.active)
		return;
	if ((m = addr_match_list_match(permit_log_list, action, NULL)) <= 0) {
		if (m < 0)
			log_warn("smtpd_log_access_permit_actions: %s",
				 addr_match_list_error(permit_log_list));
		return;
	}
	text = strbuf_create(100);
	strbuf_printf(text, "action=%s for %s=%s", action, reply_class,
		      reply_name ? reply_name : "");
	if (table)
		strbuf_append_printf(text, " from %s", table);
	smtpd_check_log(state, "permit", strbuf_str(text));
	strbuf_free(&text);
}

/* check_log_permit - a permit_* restriction that said OK */

static void
check_log_permit(SMTPD_STATE *state, const char *name,
		 const CHECK_STAGE *stage)
{
	if (strcmp(name, "permit") == 0)
		smtpd_check_log_permit(state, name, stage->reply_class,
				       stage->reply_name, NULL);
	else if (strcmp(name, "permit_auth_destination") == 0
		 || strcmp(name, "permit_mx_backup") == 0)
		smtpd_check_log_permit(state, name, SMTPD_NAME_RECIPIENT,
				       state->recipient, NULL);
	else
		smtpd_check_log_permit(state, name, SMTPD_NAME_CLIENT,
				       state->namaddr, NULL);
}

/* smtpd_check_session_start - new session */

void
smtpd_check_session_start(SMTPD_STATE *state)
{
	state->check_context = NULL;
	(void) check_ctx(state);
}

/* check_stage_clear - forget the delayed stages' verdicts */

static void
check_stage_clear(CHECK_CTX *ctx)
{
	ctx->client_done = ctx->helo_done = ctx->sender_done = 0;
	if (ctx->client_dip)
		strbuf_free(&ctx->client_dip);
	if (ctx->helo_dip)
		strbuf_free(&ctx->helo_dip);
	if (ctx->sender_dip)
		strbuf_free(&ctx->sender_dip);
}

/* smtpd_check_session_end - release the context */

void
smtpd_check_session_end(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = state->check_context;

	if (ctx == NULL)
		return;
	check_stage_clear(ctx);
	strbuf_free(&ctx->reply);
	strbuf_free(&ctx->tmp);
	strbuf_free(&ctx->defer_if_permit.reply);
	strbuf_free(&ctx->defer_if_reject.reply);
	xfree(ctx->helo);
	xfree(ctx->sender);
	xfree(ctx);
	state->check_context = NULL;
}

/* smtpd_check_reset - new transaction: verdicts are per transaction */

void
smtpd_check_reset(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);

	check_stage_clear(ctx);
}

/* smtpd_check_log - log "QUEUEID: what: WHERE from name[addr]: text; from=..." */

void
smtpd_check_log(SMTPD_STATE *state, const char *what, const char *text)
{
	STRBUF *buf = strbuf_create(200);

	strbuf_printf(buf, "%s: %s: %s from %s: %s;", SMTPD_QUEUE_ID(state),
		      what, state->where ? state->where : SMTPD_AFTER_CONNECT,
		      state->namaddr ? state->namaddr : "unknown[unknown]",
		      text);
	if (state->sender)
		strbuf_append_printf(buf, " from=<%s>",
				     info_log_addr(state->sender));
	if (state->recipient)
		strbuf_append_printf(buf, " to=<%s>",
				     info_log_addr(state->recipient));
	if (state->protocol)
		strbuf_append_printf(buf, " proto=%s", state->protocol);
	if (state->helo_name)
		strbuf_append_printf(buf, " helo=<%s>", state->helo_name);
	log_info("%s", strbuf_str(buf));
	strbuf_free(&buf);
}

/* check_make_reply - "CODE D.S.N text" with the DSN class fixed up */

static void check_make_reply(STRBUF *, int, const char *, const char *,
			     va_list) PRINTFLIKE(4, 0);

static void
check_make_reply(STRBUF *out, int code, const char *dsn, const char *fmt,
		 va_list ap)
{
	char	dsn_buf[32];

	if (soft_bounce && code >= 500 && code < 600)
		code -= 100;
	if (snprintf(dsn_buf, sizeof(dsn_buf), "%s", dsn) >= (int) sizeof(dsn_buf))
		dsn_buf[0] = 0;
	if (dsn_buf[0] == '4' || dsn_buf[0] == '5' || dsn_buf[0] == '2')
		dsn_buf[0] = (char) ('0' + code / 100);
	strbuf_printf(out, "%d %s ", code, dsn_buf);
	strbuf_append_vprintf(out, fmt, ap);
}

/* smtpd_check_reject - make and log a reject reply */

int
smtpd_check_reject(SMTPD_STATE *state, int code, const char *dsn,
		   const char *fmt,...)
{
	CHECK_CTX *ctx = check_ctx(state);
	va_list ap;

	va_start(ap, fmt);
	check_make_reply(ctx->reply, code, dsn, fmt, ap);
	va_end(ap);

	if (ctx->warn_if_reject) {
		smtpd_check_log(state, "reject_warning", strbuf_str(ctx->reply));
		strbuf_reset(ctx->reply);
		return SMTPD_CHECK_DUNNO;
	}

	/* defer_if_reject: a hard reject becomes the remembered deferral. */
	if (ctx->defer_if_reject.active && strbuf_str(ctx->reply)[0] == '5')
		strbuf_set(ctx->reply, strbuf_str(ctx->defer_if_reject.reply));
	smtpd_check_log(state, "reject", strbuf_str(ctx->reply));
	return SMTPD_CHECK_REJECT;
}

/* smtpd_check_defer_if_permit - remember a deferral for a final permit */

int
smtpd_check_defer_if_permit(SMTPD_STATE *state, int code, const char *dsn,
			    const char *fmt,...)
{
	CHECK_CTX *ctx = check_ctx(state);
	va_list ap;

	if (ctx->warn_if_reject) {
		va_start(ap, fmt);
		check_make_reply(ctx->tmp, code, dsn, fmt, ap);
		va_end(ap);
		smtpd_check_log(state, "reject_warning", strbuf_str(ctx->tmp));
		return SMTPD_CHECK_DUNNO;
	}
	va_start(ap, fmt);
	check_make_reply(ctx->defer_if_permit.reply, code, dsn, fmt, ap);
	va_end(ap);
	ctx->defer_if_permit.active = 1;
	return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_defer_if_reject - remember a deferral for a later reject */

void
smtpd_check_defer_if_reject(SMTPD_STATE *state, int code, const char *dsn,
		      const char *fmt,...) PRINTFLIKE(4, 5);

void
smtpd_check_defer_if_reject(SMTPD_STATE *state, int code, const char *dsn,
		      const char *fmt,...)
{
	CHECK_CTX *ctx = check_ctx(state);
	va_list ap;

	va_start(ap, fmt);
	check_make_reply(ctx->defer_if_reject.reply, code, dsn, fmt, ap);
	va_end(ap);
	ctx->defer_if_reject.active = 1;
}

/* smtpd_check_server_error - a configuration problem: 451 4.3.5 */

int
smtpd_check_server_error(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	saved = ctx->warn_if_reject;
	int	ret;

	ctx->warn_if_reject = 0;
	ret = smtpd_check_reject(state, 451, "4.3.5",
				 "Server configuration error");
	ctx->warn_if_reject = saved;
	return ret;
}

/* smtpd_check_dict_retry - a table lookup failed: 451 4.3.0 */

int
smtpd_check_dict_retry(SMTPD_STATE *state, const char *reply_name)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	saved = ctx->warn_if_reject;
	int	ret;

	ctx->warn_if_reject = 0;
	ret = smtpd_check_reject(state, 451, "4.3.0",
				 "<%s>: Temporary lookup failure", reply_name);
	ctx->warn_if_reject = saved;
	return ret;
}

/* check_unknown_client - reject_unknown_(reverse_)client_hostname */

static int
check_unknown_client(SMTPD_STATE *state, int status, const char *what)
{
	int	code;

	if (status == SMTPD_PEER_CODE_OK)
		return SMTPD_CHECK_DUNNO;
	code = status == SMTPD_PEER_CODE_TEMP ? 450 :
	    var_unknown_client_reject_code;
	return smtpd_check_reject(state, code, "4.7.1",
				  "Client host rejected: cannot find your %s"
				  "hostname, [%s]", what,
				  state->addr ? state->addr : "unknown");
}

/* check_dns_access - check_*_{mx,ns,a}_access dispatch */

static int
check_dns_access(SMTPD_STATE *state, const char *name, const char *table,
		 const char *domain, const char *reply_name,
		 const char *reply_class)
{
	unsigned type;

	if (domain == NULL || *domain == 0 || *domain == '['
	    || strcasecmp(domain, "unknown") == 0)
		return SMTPD_CHECK_DUNNO;
	if (str_has_suffix(name, "_mx_access"))
		type = DNS_T_MX;
	else if (str_has_suffix(name, "_ns_access"))
		type = DNS_T_NS;
	else
		type = DNS_T_A;
	return smtpd_dns_host_access(state, table, type, domain, name,
				     reply_name, reply_class);
}

/* check_one - evaluate one restriction (with its argument) */

static int
check_one(SMTPD_STATE *state, const char *name, const char *arg,
	  const CHECK_STAGE *stage)
{
	CHECK_CTX *ctx = check_ctx(state);
	const char *sender = state->sender;
	const char *rcpt = state->recipient;
	const char *helo = state->helo_name ? state->helo_name : ctx->helo;
	const char *sname = stage->reply_name;
	const char *sclass = stage->reply_class;
	ARGV   *class_list;
	static int warned_verify;

	if (strcmp(name, "permit") == 0)
		return SMTPD_CHECK_OK;
	if (strcmp(name, "reject") == 0)
		return smtpd_check_reject(state, var_reject_code, "5.7.1",
					  "<%s>: %s rejected: Access denied",
					  sname, sclass);
	if (strcmp(name, "defer") == 0)
		return smtpd_check_reject(state, var_defer_code, "4.7.1",
					  "<%s>: %s rejected: Access denied",
					  sname, sclass);
	if (strcmp(name, "defer_if_permit") == 0)
		return smtpd_check_defer_if_permit(state, var_defer_code, "4.7.1",
					"<%s>: %s rejected: defer_if_permit "
						   "requested", sname, sclass);
	if (strcmp(name, "defer_if_reject") == 0) {
		smtpd_check_defer_if_reject(state, var_defer_code, "4.7.1",
				      "<%s>: %s rejected: defer_if_reject "
				      "requested", sname, sclass);
		return SMTPD_CHECK_DUNNO;
	}
	if (strcmp(name, "reject_unauth_pipelining") == 0) {
		if (state->unauth_pipelining)
			return smtpd_check_reject(state, 503, "5.5.0",
						  "<%s>: %s rejected: Improper "
						  "use of SMTP command "
						  "pipelining", sname, sclass);
		return SMTPD_CHECK_DUNNO;
	}
	if (strcmp(name, "sleep") == 0) {
		long	secs;

		if (parse_long(arg, &secs, 0, 3600) < 0) {
			log_warn("restriction sleep: bad argument \"%s\"", arg);
			return smtpd_check_server_error(state);
		}
		if (state->client)
			(void) iostream_flush(state->client);
		sleep((unsigned) secs);
		return SMTPD_CHECK_DUNNO;
	}
	if (strcmp(name, "check_policy_service") == 0) {
		STRBUF *action = strbuf_create(100);
		int	ret;

		(void) smtpd_policy_query(state, arg, action);
		ret = smtpd_check_table_result(state, arg, strbuf_str(action),
					       name, sname, sclass);
		strbuf_free(&action);
		return ret;
	}
	if (strcmp(name, "permit_mynetworks") == 0) {
		int	m = addr_match_list_match(mynetworks_list, state->name,
						  state->addr);

		if (m < 0) {
			log_warn("mynetworks: %s",
				 addr_match_list_error(mynetworks_list));
			return smtpd_check_server_error(state);
		}
		return m > 0 ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
	}
	if (strcmp(name, "permit_sasl_authenticated") == 0)
		return state->sasl_username ? SMTPD_CHECK_OK : SMTPD_CHECK_DUNNO;
	if (strcmp(name, "check_sasl_access") == 0)
		return state->sasl_username && *state->sasl_username ?
		    smtpd_check_mail_access(state, arg, state->sasl_username,
					    name, SMTPD_NAME_SASL_USER) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_sender_login_mismatch") == 0)
		return smtpd_check_login_mismatch(state, sender,
				       SMTPD_LOGIN_AUTH | SMTPD_LOGIN_UNAUTH);
	if (strcmp(name, "reject_authenticated_sender_login_mismatch") == 0)
		return smtpd_check_login_mismatch(state, sender,
						  SMTPD_LOGIN_AUTH);
	if (strcmp(name, "reject_known_sender_login_mismatch") == 0)
		return smtpd_check_login_mismatch(state, sender,
			 SMTPD_LOGIN_AUTH | SMTPD_LOGIN_UNAUTH | SMTPD_LOGIN_KNOWN);
	if (strcmp(name, "reject_unauthenticated_sender_login_mismatch") == 0)
		return smtpd_check_login_mismatch(state, sender,
						  SMTPD_LOGIN_UNAUTH);
	if (strcmp(name, "permit_tls_clientcerts") == 0)
		return smtpd_check_tls_clientcerts(state, name, 0);
	if (strcmp(name, "permit_tls_all_clientcerts") == 0)
		return smtpd_check_tls_clientcerts(state, name, 1);
	if (strcmp(name, "check_ccert_access") == 0)
		return smtpd_check_ccert_access(state, arg, name);
	if (strcmp(name, "reject_plaintext_session") == 0)
		return smtpd_check_plaintext(state);
	if (strcmp(name, "permit_auth_destination") == 0)
		return rcpt ? smtpd_check_auth_dest(state, rcpt) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_unauth_destination") == 0
	    || strcmp(name, "defer_unauth_destination") == 0) {
		int	ret;

		if (rcpt == NULL)
			return SMTPD_CHECK_DUNNO;
		ret = smtpd_check_auth_dest(state, rcpt);
		if (ret != SMTPD_CHECK_DUNNO)
			return ret == SMTPD_CHECK_OK ? SMTPD_CHECK_DUNNO : ret;
		if (name[0] == 'd')
			return smtpd_check_reject(state, 454, "4.7.1",
						  "<%s>: Relay access denied",
						  rcpt);
		return smtpd_check_reject(state, var_relay_domains_reject_code,
					  "5.7.1", "<%s>: Relay access denied",
					  rcpt);
	}
	if (strcmp(name, "permit_mx_backup") == 0)
		return rcpt ? smtpd_check_mx_backup(state, rcpt) : SMTPD_CHECK_DUNNO;
	if (strcmp(name, "check_client_access") == 0)
		return smtpd_check_namadr_access(state, arg, state->name, state->addr,
					   name, SMTPD_NAME_CLIENT);
	if (strcmp(name, "check_reverse_client_hostname_access") == 0)
		return smtpd_check_namadr_access(state, arg, state->reverse_name,
					   state->addr, name,
					   SMTPD_NAME_REV_CLIENT);
	if (strcmp(name, "check_helo_access") == 0) {
		int	found;

		if (helo == NULL)
			return SMTPD_CHECK_DUNNO;
		return smtpd_check_domain_access(state, arg, helo, name, helo,
						 SMTPD_NAME_HELO, &found);
	}
	if (strcmp(name, "check_sender_access") == 0)
		return sender ? smtpd_check_mail_access(state, arg, sender, name,
						  SMTPD_NAME_SENDER) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "check_recipient_access") == 0)
		return rcpt ? smtpd_check_mail_access(state, arg, rcpt, name,
						SMTPD_NAME_RECIPIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strncmp(name, "check_client_", 13) == 0
	    && str_has_suffix(name, "_access"))
		return check_dns_access(state, name, arg, state->name,
					state->namaddr, SMTPD_NAME_CLIENT);
	if (strncmp(name, "check_reverse_client_hostname_", 30) == 0)
		return check_dns_access(state, name, arg, state->reverse_name,
					state->namaddr, SMTPD_NAME_REV_CLIENT);
	if (strncmp(name, "check_helo_", 11) == 0)
		return check_dns_access(state, name, arg, helo, helo,
					SMTPD_NAME_HELO);
	if (strncmp(name, "check_sender_", 13) == 0)
		return sender ? check_dns_access(state, name, arg,
						 smtpd_check_domain_of(sender),
						 sender, SMTPD_NAME_SENDER) :
		    SMTPD_CHECK_DUNNO;
	if (strncmp(name, "check_recipient_", 16) == 0
	    && strcmp(name, "check_recipient_maps") != 0)
		return rcpt ? check_dns_access(state, name, arg,
					       smtpd_check_domain_of(rcpt), rcpt,
					       SMTPD_NAME_RECIPIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_invalid_helo_hostname") == 0
	    || strcmp(name, "reject_invalid_hostname") == 0) {
		if (helo == NULL || smtpd_check_valid_literal(helo)
		    || smtpd_check_valid_hostname(helo)
		    || (helo[0] != '[' && smtpd_check_is_addr(helo)))
			return SMTPD_CHECK_DUNNO;
		return smtpd_check_reject(state,
					  var_invalid_hostname_reject_code,
					  "5.5.2", "<%s>: %s rejected: Invalid "
					  "name", helo, SMTPD_NAME_HELO);
	}
	if (strcmp(name, "reject_non_fqdn_helo_hostname") == 0
	    || strcmp(name, "reject_non_fqdn_hostname") == 0) {
		if (helo == NULL || smtpd_check_valid_literal(helo)
		    || smtpd_check_fqdn(helo))
			return SMTPD_CHECK_DUNNO;
		return smtpd_check_reject(state, var_non_fqdn_reject_code,
					  "5.5.2", "<%s>: %s rejected: need "
					  "fully-qualified hostname", helo,
					  SMTPD_NAME_HELO);
	}
	if (strcmp(name, "reject_unknown_helo_hostname") == 0
	    || strcmp(name, "reject_unknown_hostname") == 0) {
		if (helo == NULL || helo[0] == '[' || smtpd_check_is_addr(helo))
			return SMTPD_CHECK_DUNNO;
		return smtpd_dns_unknown_hostname(state, helo, helo,
						  SMTPD_NAME_HELO);
	}
	if (strcmp(name, "reject_unknown_client_hostname") == 0
	    || strcmp(name, "reject_unknown_client") == 0)
		return check_unknown_client(state, state->name_status, "");
	if (strcmp(name, "reject_unknown_reverse_client_hostname") == 0)
		return check_unknown_client(state, state->reverse_name_status,
					    "reverse ");
	if (strcmp(name, "reject_non_fqdn_sender") == 0)
		return sender ? smtpd_check_non_fqdn(state, sender, SMTPD_NAME_SENDER) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_non_fqdn_recipient") == 0)
		return rcpt ? smtpd_check_non_fqdn(state, rcpt, SMTPD_NAME_RECIPIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_unknown_sender_domain") == 0)
		return sender && *sender ?
		    smtpd_dns_unknown_domain(state, sender, sender,
					     SMTPD_NAME_SENDER) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_unknown_recipient_domain") == 0)
		return rcpt && *rcpt ?
		    smtpd_dns_unknown_domain(state, rcpt, rcpt,
					     SMTPD_NAME_RECIPIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_unlisted_sender") == 0)
		return sender ? smtpd_check_rcpt_maps(state, sender, SMTPD_NAME_SENDER) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_unlisted_recipient") == 0
	    || strcmp(name, "check_recipient_maps") == 0)
		return rcpt ? smtpd_check_rcpt_maps(state, rcpt, SMTPD_NAME_RECIPIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_multi_recipient_bounce") == 0) {
		int	count = state->rcpt_count;

		if (strcmp(state->where ? state->where : "", SMTPD_CMD_RCPT) == 0)
			count++;
		if (sender && *sender == 0 && count > 1)
			return smtpd_check_reject(state,
					 var_multi_recipient_bounce_reject_code,
						  "5.5.3", "<>: %s rejected: "
						  "Multi-recipient bounce",
						  SMTPD_NAME_SENDER);
		return SMTPD_CHECK_DUNNO;
	}
	if (strcmp(name, "reject_rbl_client") == 0)
		return smtpd_dns_rbl_client(state, arg);
	if (strcmp(name, "permit_dnswl_client") == 0
	    || strcmp(name, "permit_rhswl_client") == 0) {
		int	ret;

		/*
		 * An allowlisted client is no licence to relay: for a
		 * recipient, permit only what permit_auth_destination
		 * would (postconf(5)).
		 */
		if (rcpt && strcmp(state->where ? state->where : "",
				   SMTPD_CMD_RCPT) == 0
		    && (ret = smtpd_check_auth_dest(state, rcpt))
		    != SMTPD_CHECK_OK)
			return ret == SMTPD_CHECK_REJECT ? ret : SMTPD_CHECK_DUNNO;
		return name[7] == 'd' ? smtpd_dns_dnswl_client(state, arg)
		    : smtpd_dns_rhswl_client(state, arg);
	}
	if (strcmp(name, "reject_rhsbl_client") == 0)
		return state->name && strcasecmp(state->name, "unknown") != 0 ?
		    smtpd_dns_rhsbl(state, arg, state->name, state->namaddr,
				    SMTPD_NAME_CLIENT) : SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_rhsbl_reverse_client") == 0)
		return state->reverse_name
		    && strcasecmp(state->reverse_name, "unknown") != 0 ?
		    smtpd_dns_rhsbl(state, arg, state->reverse_name,
				    state->namaddr, SMTPD_NAME_REV_CLIENT) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_rhsbl_helo") == 0)
		return helo && helo[0] != '[' ?
		    smtpd_dns_rhsbl(state, arg, helo, helo, SMTPD_NAME_HELO) :
		    SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_rhsbl_sender") == 0)
		return smtpd_check_domain_of(sender) ?
		    smtpd_dns_rhsbl(state, arg, smtpd_check_domain_of(sender), sender,
				    SMTPD_NAME_SENDER) : SMTPD_CHECK_DUNNO;
	if (strcmp(name, "reject_rhsbl_recipient") == 0)
		return smtpd_check_domain_of(rcpt) ?
		    smtpd_dns_rhsbl(state, arg, smtpd_check_domain_of(rcpt), rcpt,
				    SMTPD_NAME_RECIPIENT) : SMTPD_CHECK_DUNNO;
	if (strncmp(name, "reject_unverified_", 18) == 0) {
		if (!warned_verify++)
			log_warn("%s is not supported: this mail system has no "
				 "address verification service", name);
		return SMTPD_CHECK_DUNNO;
	}
	if (check_name_find(name) != NULL)	/* known, nothing to do */
		return SMTPD_CHECK_DUNNO;
	if ((class_list = check_class_find(name)) != NULL)
		return check_list(state, class_list, stage);
	log_warn("unknown smtpd restriction: \"%s\"", name);
	return smtpd_check_server_error(state);
}

/* check_list - evaluate a restriction list: DUNNO, OK or REJECT */

static int
check_list(SMTPD_STATE *state, ARGV *list, const CHECK_STAGE *stage)
{
	CHECK_CTX *ctx = check_ctx(state);
	const CHECK_NAME *cn;
	const char *arg;
	int	ret = SMTPD_CHECK_DUNNO;
	size_t	i;

	if (ctx->depth >= CHECK_MAX_DEPTH) {
		log_warn("restriction nesting too deep");
		return smtpd_check_server_error(state);
	}
	ctx->depth++;
	for (i = 0; i < list->argc && ret == SMTPD_CHECK_DUNNO; i++) {
		const char *name = list->argv[i];

		/*
		 * warn_if_reject covers the next restriction, with all that
		 * it expands to (a class, a table result's list).
		 */
		if (strcmp(name, "warn_if_reject") == 0) {
			if (!ctx->warn_if_reject)
				ctx->warn_if_reject = ctx->depth;
			continue;
		}
		arg = NULL;
		if ((cn = check_name_find(name)) != NULL && cn->has_arg) {
			if (i + 1 >= list->argc) {
				log_warn("restriction %s requires an argument",
					 name);
				ret = smtpd_check_server_error(state);
				break;
			}
			arg = list->argv[++i];
		}
		ret = check_one(state, name, arg, stage);
		if (ret == SMTPD_CHECK_OK && permit_log_list != NULL
		    && strncmp(name, "permit", 6) == 0)
			check_log_permit(state, name, stage);
		if (ctx->warn_if_reject >= ctx->depth)
			ctx->warn_if_reject = 0;
	}
	ctx->depth--;
	return ret;
}

/* smtpd_check_list_eval - a list found in a table result or class */

int
smtpd_check_list_eval(SMTPD_STATE *state, ARGV *list, const char *reply_name,
		      const char *reply_class)
{
	CHECK_STAGE stage = {reply_name, reply_class};

	return check_list(state, list, &stage);
}

/* check_begin - reset the per-check flags */

static void
check_begin(CHECK_CTX *ctx)
{
	ctx->warn_if_reject = 0;
	ctx->depth = 0;
	ctx->defer_if_reject.active = 0;
	ctx->defer_if_permit.active = 0;
	strbuf_reset(ctx->reply);
}

/*
 * check_finish - the end of a check: REJECT gives the reply, a
 * permit with a pending defer_if_permit gives that (logged as a
 * reject); else NULL.
 */

static const char *
check_finish(SMTPD_STATE *state, int ret)
{
	CHECK_CTX *ctx = check_ctx(state);

	if (ret == SMTPD_CHECK_REJECT)
		return strbuf_str(ctx->reply);
	if (ctx->defer_if_permit.active) {
		ctx->defer_if_permit.active = 0;
		strbuf_set(ctx->reply, strbuf_str(ctx->defer_if_permit.reply));
		smtpd_check_log(state, "reject", strbuf_str(ctx->reply));
		return strbuf_str(ctx->reply);
	}
	return NULL;
}

/* check_stage - one stage: REJECT, or DUNNO with defer_if_permit kept */

static int
check_stage(SMTPD_STATE *state, ARGV *list, const char *reply_name,
	    const char *reply_class)
{
	CHECK_STAGE stage = {reply_name ? reply_name : "", reply_class};
	CHECK_CTX *ctx = check_ctx(state);
	int	ret;

	ctx->defer_if_reject.active = 0;
	ret = check_list(state, list, &stage);
	ctx->defer_if_reject.active = 0;
	return ret == SMTPD_CHECK_REJECT ? ret : SMTPD_CHECK_DUNNO;
}

/* check_save_dip - remember a stage's defer_if_permit for later checks */

static void
check_save_dip(CHECK_CTX *ctx, STRBUF **slot)
{
	if (ctx->defer_if_permit.active) {
		if (*slot == NULL)
			*slot = strbuf_create(100);
		strbuf_set(*slot, strbuf_str(ctx->defer_if_permit.reply));
	}
}

/* check_load_dip - restore a stage's remembered defer_if_permit */

static void
check_load_dip(CHECK_CTX *ctx, STRBUF *slot)
{
	if (slot != NULL && !ctx->defer_if_permit.active) {
		strbuf_set(ctx->defer_if_permit.reply, strbuf_str(slot));
		ctx->defer_if_permit.active = 1;
	}
}

/* check_client_stage - smtpd_client_restrictions (once per transaction) */

static int
check_client_stage(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	ret;

	if (ctx->client_done) {
		check_load_dip(ctx, ctx->client_dip);
		return SMTPD_CHECK_DUNNO;
	}
	ctx->defer_if_permit.active = 0;
	ret = check_stage(state, client_list, state->namaddr, SMTPD_NAME_CLIENT);
	if (ret != SMTPD_CHECK_REJECT) {
		ctx->client_done = 1;
		check_save_dip(ctx, &ctx->client_dip);
	}
	return ret;
}

/* check_helo_stage - smtpd_helo_restrictions (once per transaction) */

static int
check_helo_stage(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);
	const char *helo = state->helo_name ? state->helo_name : ctx->helo;
	int	ret;

	if (helo == NULL)
		return SMTPD_CHECK_DUNNO;
	if (ctx->helo_done) {
		check_load_dip(ctx, ctx->helo_dip);
		return SMTPD_CHECK_DUNNO;
	}
	ret = check_stage(state, helo_list, helo, SMTPD_NAME_HELO);
	if (ret != SMTPD_CHECK_REJECT) {
		ctx->helo_done = 1;
		check_save_dip(ctx, &ctx->helo_dip);
	}
	return ret;
}

/* check_sender_stage - smtpd_sender_restrictions and unlisted senders */

static int
check_sender_stage(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	ret;

	if (state->sender == NULL)
		return SMTPD_CHECK_DUNNO;
	if (ctx->sender_done) {
		check_load_dip(ctx, ctx->sender_dip);
		return SMTPD_CHECK_DUNNO;
	}
	ret = check_stage(state, sender_list, state->sender, SMTPD_NAME_SENDER);
	if (ret != SMTPD_CHECK_REJECT && var_smtpd_reject_unlisted_sender
	    && *state->sender)
		ret = smtpd_check_rcpt_maps(state, state->sender, SMTPD_NAME_SENDER);
	if (ret != SMTPD_CHECK_REJECT) {
		ctx->sender_done = 1;
		check_save_dip(ctx, &ctx->sender_dip);
	}
	return ret;
}

/* check_push - temporarily set a state string (returns the old one) */

static char *
check_push(char **field, const char *value)
{
	char   *old = *field;

	*field = value ? xstrdup(value) : NULL;
	return old;
}

/* check_pop - undo check_push */

static void
check_pop(char **field, char *old)
{
	xfree(*field);
	*field = old;
}

/* smtpd_check_client - client restrictions */

const char *
smtpd_check_client(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	ret;

	if (var_smtpd_delay_reject || client_list == NULL || client_list->argc == 0)
		return NULL;
	check_begin(ctx);
	ret = check_client_stage(state);
	return check_finish(state, ret);
}

/* smtpd_check_helo_reset - forget the HELO name and its results */

void
smtpd_check_helo_reset(SMTPD_STATE *state)
{
	CHECK_CTX *ctx = check_ctx(state);

	xfree(ctx->helo);
	ctx->helo = NULL;
	ctx->helo_done = 0;
	if (ctx->helo_dip)
		strbuf_free(&ctx->helo_dip);
}

/* smtpd_check_helo - HELO restrictions */

const char *
smtpd_check_helo(SMTPD_STATE *state, const char *helo)
{
	CHECK_CTX *ctx = check_ctx(state);
	char   *saved;
	int	ret;

	xfree(ctx->helo);
	ctx->helo = helo ? xstrdup(helo) : NULL;
	ctx->helo_done = 0;
	if (ctx->helo_dip)
		strbuf_free(&ctx->helo_dip);
	if (var_smtpd_delay_reject || helo_list == NULL || helo_list->argc == 0)
		return NULL;
	check_begin(ctx);
	saved = check_push(&state->helo_name, helo);
	ret = check_helo_stage(state);
	check_pop(&state->helo_name, saved);
	return check_finish(state, ret);
}

/* smtpd_check_mail - sender restrictions */

const char *
smtpd_check_mail(SMTPD_STATE *state, const char *sender)
{
	CHECK_CTX *ctx = check_ctx(state);
	char   *saved;
	int	ret;

	xfree(ctx->sender);
	ctx->sender = xstrdup(sender ? sender : "");
	ctx->sender_done = 0;
	if (ctx->sender_dip)
		strbuf_free(&ctx->sender_dip);
	if (var_smtpd_delay_reject)
		return NULL;
	check_begin(ctx);
	saved = check_push(&state->sender, ctx->sender);
	ret = check_sender_stage(state);
	check_pop(&state->sender, saved);
	return check_finish(state, ret);
}

/* check_delayed - the delayed client, HELO and sender stages */

static int
check_delayed(SMTPD_STATE *state, int with_sender)
{
	int	ret;

	if (!var_smtpd_delay_reject)
		return SMTPD_CHECK_DUNNO;
	if ((ret = check_client_stage(state)) == SMTPD_CHECK_REJECT
	    || (ret = check_helo_stage(state)) == SMTPD_CHECK_REJECT)
		return ret;
	if (with_sender)
		return check_sender_stage(state);
	return SMTPD_CHECK_DUNNO;
}

/* smtpd_check_rcpt - recipient restrictions and recipient tables */

const char *
smtpd_check_rcpt(SMTPD_STATE *state, const char *recipient)
{
	CHECK_CTX *ctx = check_ctx(state);
	char   *saved_rcpt;
	char   *saved_sender = NULL;
	int	pushed_sender = 0;
	int	ret;
	const char *reply;

	check_begin(ctx);
	saved_rcpt = check_push(&state->recipient, recipient);
	if (state->sender == NULL && ctx->sender != NULL) {
		saved_sender = check_push(&state->sender, ctx->sender);
		pushed_sender = 1;
	}

	/* RFC 5321: "postmaster" without a domain is always accepted. */
	if (strcasecmp(recipient, "postmaster") == 0) {
		ret = SMTPD_CHECK_DUNNO;
		ctx->defer_if_permit.active = 0;
		reply = NULL;
	} else {
		ret = check_delayed(state, 1);
		if (ret != SMTPD_CHECK_REJECT)
			ret = check_stage(state, relay_list, recipient,
					  SMTPD_NAME_RECIPIENT);
		if (ret != SMTPD_CHECK_REJECT)
			ret = check_stage(state, rcpt_list, recipient,
					  SMTPD_NAME_RECIPIENT);
		if (ret != SMTPD_CHECK_REJECT && var_smtpd_reject_unlisted_recipient
		    && !ctx->defer_if_permit.active)
			ret = smtpd_check_rcpt_maps(state, recipient,
					      SMTPD_NAME_RECIPIENT);
		reply = check_finish(state, ret);
	}
	if (pushed_sender)
		check_pop(&state->sender, saved_sender);
	check_pop(&state->recipient, saved_rcpt);
	return reply;
}

/* check_last_rcpt - the sole recipient, for DATA-time checks */

static const char *
check_last_rcpt(SMTPD_STATE *state)
{
	return state->rcpt_count == 1 ? state->recipient : NULL;
}

/* check_data_list - DATA and end-of-data restrictions */

static const char *
check_data_list(SMTPD_STATE *state, ARGV *list, const char *reply_name,
		const char *reply_class)
{
	CHECK_CTX *ctx = check_ctx(state);
	char   *saved;
	int	ret;
	const char *reply;

	if (list == NULL || list->argc == 0)
		return NULL;
	check_begin(ctx);
	saved = check_push(&state->recipient, check_last_rcpt(state));
	ret = check_stage(state, list, reply_name, reply_class);
	reply = check_finish(state, ret);
	check_pop(&state->recipient, saved);
	return reply;
}

/* smtpd_check_data - DATA restrictions */

const char *
smtpd_check_data(SMTPD_STATE *state)
{
	return check_data_list(state, data_list,
			       state->where ? state->where : SMTPD_CMD_DATA,
			       SMTPD_NAME_DATA);
}

/* smtpd_check_eod - end-of-data restrictions */

const char *
smtpd_check_eod(SMTPD_STATE *state)
{
	return check_data_list(state, eod_list, SMTPD_AFTER_EOM,
			       SMTPD_NAME_EOD);
}

/* smtpd_check_etrn - ETRN restrictions */

const char *
smtpd_check_etrn(SMTPD_STATE *state, const char *domain)
{
	CHECK_CTX *ctx = check_ctx(state);
	int	ret;

	check_begin(ctx);
	ret = check_delayed(state, 0);
	if (ret != SMTPD_CHECK_REJECT)
		ret = check_stage(state, etrn_list, domain, SMTPD_NAME_ETRN);
	return check_finish(state, ret);
}

/* smtpd_check_size - message_size_limit and queue file system space */

const char *
smtpd_check_size(SMTPD_STATE *state, long size)
{
	CHECK_CTX *ctx = check_ctx(state);
	struct statvfs fs;
	unsigned long long bsize;
	unsigned long long avail;
	unsigned long long minfree;
	unsigned long long need;
	unsigned long long floor;

	check_begin(ctx);
	if (var_message_size_limit > 0 && size > var_message_size_limit) {
		(void) smtpd_check_reject(state, 552, "5.3.4",
					  "Message size exceeds fixed limit");
		return strbuf_str(ctx->reply);
	}
	if (statvfs(".", &fs) < 0) {
		log_warn("statvfs queue directory: %m");
		return NULL;
	}
	bsize = fs.f_frsize ? fs.f_frsize : fs.f_bsize;
	if (bsize == 0)
		return NULL;
	avail = (unsigned long long) fs.f_bavail;

	/*
	 * Keep queue_minfree free, and never less than 1.5 times
	 * message_size_limit (postconf(5)); a message must also fit in
	 * what remains, and in half of the free space.
	 */
	minfree = (unsigned long long) (var_queue_minfree > 0 ?
					var_queue_minfree : 0);
	floor = (unsigned long long) (var_message_size_limit > 0 ?
				      var_message_size_limit : 0);
	floor += floor / 2;
	if (minfree < floor)
		minfree = floor;
	minfree /= bsize;
	need = (unsigned long long) (size > 0 ? size : 0) / bsize;
	if (minfree >= avail || need >= avail - minfree || need >= avail / 2) {
		log_warn("not enough free space in mail queue: %llu bytes < "
			 "1.5*message size %ld", avail * bsize, size);
		(void) smtpd_check_reject(state, 452, "4.3.1",
					  "Insufficient system storage");
		return strbuf_str(ctx->reply);
	}
	return NULL;
}
