/*
 * smtp.c - smtp(8) and lmtp: deliver over SMTP or LMTP
 *
 * One program, two modes: installed as libexec/smtp it speaks SMTP
 * with the smtp_* parameters, as libexec/lmtp it speaks LMTP (RFC
 * 2033) with the lmtp_* twins. For each delivery request from qmgr it
 * reuses an idle connection to the same next hop when this process
 * has one (smtp_cache.c), else looks up the next hop's addresses
 * (smtp_addr.h), then those of each smtp_fallback_relay, and tries
 * them in turn: a refused connection, a 4xx or 5xx greeting, a failed
 * EHLO/HELO or a lost connection moves on to the next address, with at
 * most smtp_mx_session_limit sessions per host list. Each recipient is
 * reported through deliver_status.h. When no server could take the
 * mail, the rest is deferred with the last error (bounced when every
 * server answered with a 5xx) and, when no server got as far as a
 * mail transaction, the hop status tells qmgr that the destination
 * is down.
 *
 * After EHLO, STARTTLS per the next hop's TLS policy and AUTH with
 * smtp_sasl_password_maps (smtp_tls.c, smtp_sasl.c). Envelope and
 * header addresses go out through smtp_generic_maps (smtp_generic.c).
 *
 * Security: runs unprivileged (master.cf "unprivileged" column -);
 * everything from the network is treated as untrusted text with
 * bounded buffers (smtp_proto.c). The TLS context (with an optional
 * client key) and the TLS policy, SASL password and generic tables are
 * opened in pre_jail, as root.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "deliver_request.h"	/* global */
#include "deliver_status.h"
#include "debug_peer.h"
#include "dsn.h"
#include "param.h"
#include "params_global.h"
#include "params_smtp.h"
#include "params_tls.h"
#include "params_sasl.h"
#include "service.h"		/* master */
#include "tls.h"			/* tls */
#include "smtp.h"

SMTP_CONF smtp_conf;

static int smtp_lmtp_mode;		/* from the program name */

/* smtp_conf_init - the settings of this mode */

static void
smtp_conf_init(int lmtp)
{
	SMTP_CONF *c = &smtp_conf;

	c->lmtp = lmtp;
	if (lmtp) {
		c->helo_name = var_lmtp_lhlo_name;
		c->bind_address = var_lmtp_bind_address;
		c->bind_address6 = var_lmtp_bind_address6;
		c->fallback_relay = var_lmtp_fallback_relay;
		c->cache_destinations = var_lmtp_connection_cache_destinations;
		c->connect_timeout = var_lmtp_connect_timeout;
		c->helo_timeout = var_lmtp_lhlo_timeout;
		c->mail_timeout = var_lmtp_mail_timeout;
		c->rcpt_timeout = var_lmtp_rcpt_timeout;
		c->data_init_timeout = var_lmtp_data_init_timeout;
		c->data_xfer_timeout = var_lmtp_data_xfer_timeout;
		c->data_done_timeout = var_lmtp_data_done_timeout;
		c->rset_timeout = var_lmtp_rset_timeout;
		c->quit_timeout = var_lmtp_quit_timeout;
		c->line_length_limit = var_lmtp_line_length_limit;
		c->mx_session_limit = var_lmtp_mx_session_limit;
		c->never_send_ehlo = 0;
		c->skip_5xx_greeting = var_lmtp_skip_5xx_greeting;
		c->skip_quit_response = var_lmtp_skip_quit_response;
		c->cache_on_demand = var_lmtp_connection_cache_on_demand;
		c->cache_time_limit = var_lmtp_connection_cache_time_limit;
		c->reuse_count_limit = var_lmtp_connection_reuse_count_limit;
		c->reuse_time_limit = var_lmtp_connection_reuse_time_limit;
		c->tls_security_level = var_lmtp_tls_security_level;
		c->use_tls = var_lmtp_use_tls;
		c->enforce_tls = var_lmtp_enforce_tls;
		c->tls_enforce_peername = var_lmtp_tls_enforce_peername;
		c->tls_policy_maps = var_lmtp_tls_policy_maps;
		c->tls_wrappermode = var_lmtp_tls_wrappermode;
		c->tls_note_starttls_offer = var_lmtp_tls_note_starttls_offer;
		c->starttls_timeout = var_lmtp_starttls_timeout;
		c->tls_loglevel = var_lmtp_tls_loglevel;
		c->tls_CAfile = var_lmtp_tls_CAfile;
		c->tls_CApath = var_lmtp_tls_CApath;
		c->tls_cert_file = var_lmtp_tls_cert_file;
		c->tls_key_file = var_lmtp_tls_key_file;
		c->tls_chain_files = var_lmtp_tls_chain_files;
		c->tls_scert_verifydepth = var_lmtp_tls_scert_verifydepth;
		c->tls_fingerprint_digest = var_lmtp_tls_fingerprint_digest;
		c->tls_session_cache_database =
			var_lmtp_tls_session_cache_database;
		c->tls_session_cache_timeout =
			var_lmtp_tls_session_cache_timeout;
		c->tls_protocols = var_lmtp_tls_protocols;
		c->tls_ciphers = var_lmtp_tls_ciphers;
		c->tls_exclude_ciphers = var_lmtp_tls_exclude_ciphers;
		c->tls_mandatory_protocols = var_lmtp_tls_mandatory_protocols;
		c->tls_mandatory_ciphers = var_lmtp_tls_mandatory_ciphers;
		c->tls_mandatory_exclude_ciphers =
			var_lmtp_tls_mandatory_exclude_ciphers;
		c->tls_verify_cert_match = var_lmtp_tls_verify_cert_match;
		c->tls_secure_cert_match = var_lmtp_tls_secure_cert_match;
		c->tls_fingerprint_cert_match =
			var_lmtp_tls_fingerprint_cert_match;
		c->tls_servername = var_lmtp_tls_servername;
		c->sasl_auth_enable = var_lmtp_sasl_auth_enable;
		c->sasl_auth_soft_bounce = var_lmtp_sasl_auth_soft_bounce;
		c->sasl_mechanism_filter = var_lmtp_sasl_mechanism_filter;
		c->sasl_password_maps = var_lmtp_sasl_password_maps;
		c->sasl_path = var_lmtp_sasl_path;
		c->sasl_type = var_lmtp_sasl_type;
		c->sasl_security_options = var_lmtp_sasl_security_options;
		c->sasl_tls_security_options =
			var_lmtp_sasl_tls_security_options;
		c->sasl_tls_verified_security_options =
			var_lmtp_sasl_tls_verified_security_options;
		c->sender_dependent_authentication =
			var_lmtp_sender_dependent_authentication;
		c->generic_maps = var_lmtp_generic_maps;
	} else {
		c->helo_name = var_smtp_helo_name;
		c->bind_address = var_smtp_bind_address;
		c->bind_address6 = var_smtp_bind_address6;
		c->fallback_relay = var_smtp_fallback_relay;
		c->cache_destinations = var_smtp_connection_cache_destinations;
		c->connect_timeout = var_smtp_connect_timeout;
		c->helo_timeout = var_smtp_helo_timeout;
		c->mail_timeout = var_smtp_mail_timeout;
		c->rcpt_timeout = var_smtp_rcpt_timeout;
		c->data_init_timeout = var_smtp_data_init_timeout;
		c->data_xfer_timeout = var_smtp_data_xfer_timeout;
		c->data_done_timeout = var_smtp_data_done_timeout;
		c->rset_timeout = var_smtp_rset_timeout;
		c->quit_timeout = var_smtp_quit_timeout;
		c->line_length_limit = var_smtp_line_length_limit;
		c->mx_session_limit = var_smtp_mx_session_limit;
		c->never_send_ehlo = var_smtp_never_send_ehlo;
		c->skip_5xx_greeting = var_smtp_skip_5xx_greeting;
		c->skip_quit_response = var_smtp_skip_quit_response;
		c->cache_on_demand = var_smtp_connection_cache_on_demand;
		c->cache_time_limit = var_smtp_connection_cache_time_limit;
		c->reuse_count_limit = var_smtp_connection_reuse_count_limit;
		c->reuse_time_limit = var_smtp_connection_reuse_time_limit;
		c->tls_security_level = var_smtp_tls_security_level;
		c->use_tls = var_smtp_use_tls;
		c->enforce_tls = var_smtp_enforce_tls;
		c->tls_enforce_peername = var_smtp_tls_enforce_peername;
		c->tls_policy_maps = var_smtp_tls_policy_maps;
		c->tls_wrappermode = var_smtp_tls_wrappermode;
		c->tls_note_starttls_offer = var_smtp_tls_note_starttls_offer;
		c->starttls_timeout = var_smtp_starttls_timeout;
		c->tls_loglevel = var_smtp_tls_loglevel;
		c->tls_CAfile = var_smtp_tls_CAfile;
		c->tls_CApath = var_smtp_tls_CApath;
		c->tls_cert_file = var_smtp_tls_cert_file;
		c->tls_key_file = var_smtp_tls_key_file;
		c->tls_chain_files = var_smtp_tls_chain_files;
		c->tls_scert_verifydepth = var_smtp_tls_scert_verifydepth;
		c->tls_fingerprint_digest = var_smtp_tls_fingerprint_digest;
		c->tls_session_cache_database =
			var_smtp_tls_session_cache_database;
		c->tls_session_cache_timeout =
			var_smtp_tls_session_cache_timeout;
		c->tls_protocols = var_smtp_tls_protocols;
		c->tls_ciphers = var_smtp_tls_ciphers;
		c->tls_exclude_ciphers = var_smtp_tls_exclude_ciphers;
		c->tls_mandatory_protocols = var_smtp_tls_mandatory_protocols;
		c->tls_mandatory_ciphers = var_smtp_tls_mandatory_ciphers;
		c->tls_mandatory_exclude_ciphers =
			var_smtp_tls_mandatory_exclude_ciphers;
		c->tls_verify_cert_match = var_smtp_tls_verify_cert_match;
		c->tls_secure_cert_match = var_smtp_tls_secure_cert_match;
		c->tls_fingerprint_cert_match =
			var_smtp_tls_fingerprint_cert_match;
		c->tls_servername = var_smtp_tls_servername;
		c->sasl_auth_enable = var_smtp_sasl_auth_enable;
		c->sasl_auth_soft_bounce = var_smtp_sasl_auth_soft_bounce;
		c->sasl_mechanism_filter = var_smtp_sasl_mechanism_filter;
		c->sasl_password_maps = var_smtp_sasl_password_maps;
		c->sasl_path = var_smtp_sasl_path;
		c->sasl_type = var_smtp_sasl_type;
		c->sasl_security_options = var_smtp_sasl_security_options;
		c->sasl_tls_security_options =
			var_smtp_sasl_tls_security_options;
		c->sasl_tls_verified_security_options =
			var_smtp_sasl_tls_verified_security_options;
		c->sender_dependent_authentication =
			var_smtp_sender_dependent_authentication;
		c->generic_maps = var_smtp_generic_maps;
	}
}

/* smtp_conn_time - connection set up now (delays=a/b/c/d) */

static void
smtp_conn_time(DELIVER_REQUEST *req)
{
	struct timeval tv;

	(void) gettimeofday(&tv, NULL);
	req->conn_sec = tv.tv_sec;
	req->conn_usec = tv.tv_usec;
}

/* smtp_left - recipients not yet reported */

static int
smtp_left(const DELIVER_REQUEST *req, const char *done)
{
	int	i, n = 0;

	for (i = 0; i < req->rcpt_count; i++)
		n += !done[i];
	return n;
}

/* smtp_finish - a transaction ended: keep the session or close it */

static void
smtp_finish(SMTP_SESSION *session, int ret, int cache)
{
	if (ret == SMTP_OK && cache && smtp_rset(session) == 0)
		smtp_cache_store(session);
	else
		smtp_quit(session);
}

/*
 * smtp_try_hop - try the addresses of one next hop
 *
 * Returns 1 when a server took the transaction (every recipient it
 * could decide was reported), 0 when the caller should go on. The
 * last_* buffers track the latest failure (last_relay: the server it
 * happened with, empty when there was no connection, as Postfix logs
 * relay=none then), *all_perm whether every one was permanent, *site
 * whether none got as far as a mail transaction.
 */

static int
smtp_try_hop(DELIVER_REQUEST *req, const ARGV *env, const char *hop,
	     const char *key, char *done, int *status, STRBUF *last_dsn, STRBUF *last_why,
	     STRBUF *last_relay, int *all_perm, int *site, int *stop)
{
	SMTP_ADDR *list, *addr;
	SMTP_SESSION *session;
	SMTP_TLS_POLICY policy;
	STRBUF *dsn = strbuf_create(12);
	STRBUF *why = strbuf_create(100);
	int	sessions = 0, perm, ret, found = 0, plain = 0;

	/* A next hop whose TLS policy is broken gets nothing, not less. */
	smtp_tls_policy(hop, &policy);
	if (policy.error) {
		strbuf_set(last_dsn, policy.dsn);
		strbuf_set(last_why, policy.why);
		strbuf_reset(last_relay);
		*all_perm = 0;
		smtp_tls_policy_free(&policy);
		goto done;
	}
	ret = smtp_addr_find(hop, smtp_conf.lmtp, &list, dsn, why);
	if (ret != SMTP_ADDR_OK) {
		strbuf_set(last_dsn, strbuf_str(dsn));
		strbuf_set(last_why, strbuf_str(why));
		strbuf_reset(last_relay);
		if (ret != SMTP_ADDR_FAIL)
			*all_perm = 0;

		/*
		 * Postfix does not use the fallback relays for a destination
		 * that this host is MX for (mail loop), nor for one that
		 * accepts no mail at all (RFC 7505 null MX).
		 */
		if (strcmp(strbuf_str(dsn), "5.4.6") == 0
		    || strcmp(strbuf_str(dsn), "5.1.0") == 0)
			*stop = 1;
		smtp_tls_policy_free(&policy);
		goto done;
	}
	for (addr = list; addr != NULL; addr = plain ? addr : addr->next) {
		if (smtp_conf.mx_session_limit > 0
		    && sessions >= smtp_conf.mx_session_limit)
			break;
		if ((session = smtp_connect(addr, dsn, why)) == NULL) {
			log_info("%s", strbuf_str(why));
			strbuf_set(last_dsn, strbuf_str(dsn));
			strbuf_set(last_why, strbuf_str(why));
			strbuf_reset(last_relay);
			*all_perm = 0;
			plain = 0;
			continue;
		}
		session->policy = &policy;
		session->nexthop = hop;
		session->sender = req->sender;
		session->tls_disabled = plain;
		plain = 0;
		sessions++;

		/* smtp_tls_wrappermode: TLS from the first byte (SMTPS). */
		if (smtp_conf.tls_wrappermode && policy.level != TLS_LEV_NONE
		    && smtp_tls_start(session, dsn, why) < 0) {
			log_info("%s: %s", req->queue_id, strbuf_str(why));
			strbuf_set(last_dsn, strbuf_str(dsn));
			strbuf_set(last_why, strbuf_str(why));
			strbuf_set(last_relay, session->relay);
			*all_perm = 0;
			session->broken = 1;
			smtp_quit(session);
			continue;
		}
		if (smtp_helo(session, dsn, why, &perm) != SMTP_OK) {
			log_info("%s: %s", req->queue_id, strbuf_str(why));
			strbuf_set(last_dsn, strbuf_str(dsn));
			strbuf_set(last_why, strbuf_str(why));
			strbuf_set(last_relay, session->relay);
			if (!perm)
				*all_perm = 0;

			/*
			 * Postfix: a failed handshake at level may is retried
			 * once, on a new connection to the same server,
			 * without TLS.
			 */
			plain = session->tls_retry_plain;
			smtp_quit(session);
			if (perm == SMTP_PERM_GREETING
			    && !smtp_conf.skip_5xx_greeting) {
				*stop = 1;
				break;
			}
			if (plain)
				sessions--;
			continue;
		}
		smtp_conn_time(req);
		session->key = xstrdup(key);
		*site = 0;
		ret = smtp_xfer(session, req, env, done, status, dsn, why,
				&perm);
		if (ret == SMTP_NEXT) {
			log_info("%s: %s", req->queue_id, strbuf_str(why));
			strbuf_set(last_dsn, strbuf_str(dsn));
			strbuf_set(last_why, strbuf_str(why));
			strbuf_set(last_relay, session->relay);
			if (!perm)
				*all_perm = 0;
			smtp_quit(session);
			if (smtp_left(req, done) == 0) {
				found = 1;
				break;
			}
			continue;
		}
		smtp_finish(session, ret, smtp_cache_wanted(req->nexthop));
		found = 1;
		break;
	}
	smtp_addr_free(list);
	smtp_tls_policy_free(&policy);

done:
	strbuf_free(&dsn);
	strbuf_free(&why);
	return found;
}

/*
 * smtp_envelope - the envelope as sent: argv[0] the sender, argv[1 + i]
 * recipient i, with smtp_generic_maps applied; NULL when a table
 * failed (every recipient then deferred, 4.3.0, nothing sent)
 */

static ARGV *
smtp_envelope(DELIVER_REQUEST *req, int *status)
{
	ARGV   *env = argv_create();
	STRBUF *addr = strbuf_create(100);
	DSN	dsn;
	int	i, bad = 0;

	strbuf_set(addr, req->sender);
	bad = smtp_generic_addr(addr) < 0;
	argv_add(env, strbuf_str(addr));
	for (i = 0; i < req->rcpt_count && !bad; i++) {
		strbuf_set(addr, req->rcpts[i].address);
		bad = smtp_generic_addr(addr) < 0;
		argv_add(env, strbuf_str(addr));
	}
	strbuf_free(&addr);
	if (!bad)
		return env;
	argv_free(&env);
	dsn = (DSN) DSN_SIMPLE("4.3.0", smtp_conf.lmtp ?
			       "lmtp_generic_maps lookup error" :
			       "smtp_generic_maps lookup error");
	for (i = 0; i < req->rcpt_count; i++)
		if (dstat_report(req, req->rcpts + i, "none", &dsn) < 0)
			*status = DEL_STAT_DEFER;
	return NULL;
}

/* smtp_deliver - deliver one request; DEL_STAT_OK or DEL_STAT_DEFER */

static int
smtp_deliver(DELIVER_REQUEST *req)
{
	char   *done = xcalloc((size_t) req->rcpt_count + 1, 1);
	STRBUF *dsn = strbuf_create(12);
	STRBUF *why = strbuf_create(100);
	STRBUF *last_dsn = strbuf_create(12);
	STRBUF *last_why = strbuf_create(100);
	STRBUF *last_relay = strbuf_create(100);
	SMTP_SESSION *session;
	ARGV   *hops;
	DSN	final;
	char	code[12];
	STRBUF *key = strbuf_create(100);
	SMTP_TLS_POLICY policy;
	ARGV   *env;
	int	status = DEL_STAT_OK, all_perm = 1, site = 1, stop = 0;
	int	ret, perm, i;
	size_t	h;

	/* Generic mapping first: a table that fails sends nothing. */
	if ((env = smtp_envelope(req, &status)) == NULL) {
		xfree(done);
		strbuf_free(&dsn);
		strbuf_free(&why);
		strbuf_free(&last_dsn);
		strbuf_free(&last_why);
		strbuf_free(&last_relay);
		strbuf_free(&key);
		return status;
	}

	/*
	 * An idle connection to the same next hop first. Its key holds the
	 * TLS level it was made for, so that a policy change (a new
	 * process) or another level never reuses it, and with
	 * sender-dependent authentication the sender, whose credentials
	 * it carries.
	 */
	smtp_tls_policy(req->nexthop, &policy);
	strbuf_printf(key, "%s\t%d", req->nexthop, policy.level);
	smtp_tls_policy_free(&policy);
	if (smtp_conf.sasl_auth_enable
	    && smtp_conf.sender_dependent_authentication)
		strbuf_append_printf(key, "\t%s", req->sender);
	if ((session = smtp_cache_find(strbuf_str(key))) != NULL) {
		(void) debug_peer_check(session->host, session->addr);
		smtp_conn_time(req);
		ret = smtp_xfer(session, req, env, done, &status, dsn, why,
				&perm);
		if (ret == SMTP_NEXT)
			smtp_quit(session);	/* stale: start afresh */
		else
			smtp_finish(session, ret,
				    smtp_cache_wanted(req->nexthop));
	}

	/* The next hop, then the fallback relays. */
	hops = argv_split(smtp_conf.fallback_relay, ", \t\r\n");
	argv_insert(hops, 0, req->nexthop);
	for (h = 0; h < hops->argc && smtp_left(req, done) > 0 && !stop; h++) {
		if (h > 0 && strcasecmp(hops->argv[h], req->nexthop) == 0)
			continue;
		if (smtp_try_hop(req, env, hops->argv[h], strbuf_str(key), done,
				 &status, last_dsn, last_why, last_relay,
				 &all_perm, &site, &stop))
			break;
	}
	argv_free(&hops);

	/* What no server took. */
	if (smtp_left(req, done) > 0) {
		if (!dsn_valid(strbuf_str(last_dsn))) {
			strbuf_set(last_dsn, "4.4.1");
			if (strbuf_len(last_why) == 0)
				strbuf_set(last_why, "no server to try");
		}
		snprintf(code, sizeof(code), "%s", strbuf_str(last_dsn));
		if (!all_perm && code[0] == '5')
			code[0] = '4';
		final = (DSN) DSN_SIMPLE(code, strbuf_str(last_why));
		for (i = 0; i < req->rcpt_count; i++)
			if (!done[i] && dstat_report(req, req->rcpts + i,
						     strbuf_len(last_relay) ?
						     strbuf_str(last_relay) :
						     "none", &final) < 0)
				status = DEL_STAT_DEFER;
		if (site && code[0] == '4')
			deliver_request_hop(req, code, strbuf_str(last_why));
	}
	xfree(done);
	argv_free(&env);
	strbuf_free(&key);
	strbuf_free(&dsn);
	strbuf_free(&why);
	strbuf_free(&last_dsn);
	strbuf_free(&last_why);
	strbuf_free(&last_relay);
	return status;
}

/* smtp_pre_jail - settings and local addresses */

static void
smtp_pre_jail(const SERVICE *svc)
{
	(void) svc;
	smtp_conf_init(smtp_lmtp_mode);
	debug_peer_init();
	smtp_addr_init();
	smtp_tls_init();
	smtp_sasl_init();
	smtp_generic_init();
}

/* smtp_serve - the requests of one qmgr connection */

static void
smtp_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;
	int	status;

	(void) svc;
	while ((req = deliver_request_read(client)) != NULL) {
		status = smtp_deliver(req);
		if (deliver_request_done(client, req, status) < 0)
			break;
	}
}

/* smtp_loop - close idle connections in time */

static int
smtp_loop(const SERVICE *svc)
{
	(void) svc;
	return smtp_cache_expire();
}

/* smtp_pre_exit - say goodbye to idle servers */

static void
smtp_pre_exit(const SERVICE *svc)
{
	(void) svc;
	smtp_cache_close();
}

/* smtp_post_jail - settings of the mode */

static void
smtp_post_jail(const SERVICE *svc)
{
	(void) svc;
	smtp_conf_init(smtp_lmtp_mode);
}

int
main(int argc, char **argv)
{
	static SERVICE_SPEC spec = {
		.name = "smtp",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_SMTP | PARAM_GROUP_TLS | PARAM_GROUP_SASL,
		.pre_jail = smtp_pre_jail,
		.post_jail = smtp_post_jail,
		.serve = smtp_serve,
		.loop = smtp_loop,
		.pre_exit = smtp_pre_exit,
	};
	const char *slash, *name;

	/* The mode comes from the program name. */
	name = argc > 0 && argv[0] ? argv[0] : "smtp";
	if ((slash = strrchr(name, '/')) != NULL)
		name = slash + 1;
	if (strcmp(name, "lmtp") == 0) {
		smtp_lmtp_mode = 1;
		spec.name = "lmtp";
	}
	service_main(argc, argv, &spec);
}
