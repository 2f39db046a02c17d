/*
 * smtpd_tls.c - smtpd(8): STARTTLS (RFC 3207) and smtps (wrapper mode)
 *
 * The level comes from smtpd_tls_security_level, or, when that is
 * empty, from the older smtpd_enforce_tls (encrypt) and smtpd_use_tls
 * (may). smtpd_tls_wrappermode (port 465) makes the handshake happen
 * before the banner, so there is no STARTTLS and the level is at least
 * encrypt. At level encrypt a client must finish STARTTLS before MAIL,
 * RCPT, DATA, BDAT, VRFY, ETRN or AUTH; only HELO, EHLO, STARTTLS, RSET,
 * NOOP and QUIT work before.
 *
 * When the server context cannot be made (no certificate, an unreadable
 * key), Postfix keeps going: at level may this server then offers no
 * STARTTLS (plaintext service as at level none), at level encrypt it
 * keeps offering STARTTLS and answers "454 4.7.0 TLS not available due
 * to local problem", so that no mail is taken in plaintext.
 *
 * Security: the context (with the private keys and the session cache)
 * is made in the pre-jail hook as root. Plaintext that a client sent
 * after STARTTLS is thrown away before the handshake (CVE-2011-0411),
 * and everything learnt before the handshake (HELO name, transaction,
 * authentication) is forgotten after it (RFC 3207 4.2).
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "iostream.h"
#include "params_global.h"	/* global */
#include "params_tls.h"
#include "rec.h"
#include "tls.h"		/* tls */
#include "smtpd.h"		/* smtpd */
#include "smtpd_anvil.h"
#include "smtpd_check.h"
#include "smtpd_int.h"
#include "smtpd_sasl.h"
#include "smtpd_tls.h"

static int smtpd_tls_level = TLS_LEV_NONE;	/* effective level */

#ifdef USE_TLS
static TLS_SERVER_CTX *smtpd_tls_ctx;	/* NULL: none, or it failed */
#endif

/* smtpd_tls_config_level - the level that main.cf asks for */

static int
smtpd_tls_config_level(void)
{
	int	level;

	if (*var_smtpd_tls_security_level) {
		level = tls_level_lookup(var_smtpd_tls_security_level);
		/* Postfix: the server knows none, may and encrypt only. */
		if (level != TLS_LEV_NONE && level != TLS_LEV_MAY
		    && level != TLS_LEV_ENCRYPT) {
			log_warn("invalid smtpd_tls_security_level value "
				 "\"%s\"; using \"none\"",
				 var_smtpd_tls_security_level);
			level = TLS_LEV_NONE;
		}
	} else if (var_smtpd_enforce_tls) {
		level = TLS_LEV_ENCRYPT;
	} else if (var_smtpd_use_tls) {
		level = TLS_LEV_MAY;
	} else {
		level = TLS_LEV_NONE;
	}
	if (var_smtpd_tls_wrappermode && level < TLS_LEV_ENCRYPT)
		level = TLS_LEV_ENCRYPT;
	return level;
}

/* smtpd_tls_init - choose the level, make the server context */

void
smtpd_tls_init(void)
{
	smtpd_tls_level = SMTPD_STAND_ALONE() ? TLS_LEV_NONE :
	    smtpd_tls_config_level();
	if (smtpd_tls_level == TLS_LEV_NONE)
		return;
#ifdef USE_TLS
	{
		TLS_SERVER_INIT init;
		STRBUF *why = strbuf_create(100);
		STRBUF *exclude = strbuf_create(100);
		int	enforce = smtpd_tls_level >= TLS_LEV_ENCRYPT;

		if (var_smtpd_tls_req_ccert && !enforce)
			log_warn("Can't require client certs unless TLS is "
				 "required");
		memset(&init, 0, sizeof(init));
		init.loglevel = var_smtpd_tls_loglevel;
		init.cert_file = var_smtpd_tls_cert_file;
		init.key_file = var_smtpd_tls_key_file;
		init.eccert_file = var_smtpd_tls_eccert_file;
		init.eckey_file = var_smtpd_tls_eckey_file;
		init.chain_files = var_smtpd_tls_chain_files;
		init.CAfile = var_smtpd_tls_CAfile;
		init.CApath = var_smtpd_tls_CApath;

		/*
		 * The mandatory_* settings apply at encrypt; the plain
		 * exclusions apply at every level (postconf(5)).
		 */
		strbuf_set(exclude, var_smtpd_tls_exclude_ciphers);
		if (enforce) {
			init.protocols = var_smtpd_tls_mandatory_protocols;
			init.cipher_grade = var_smtpd_tls_mandatory_ciphers;
			if (*var_smtpd_tls_mandatory_exclude_ciphers) {
				if (strbuf_len(exclude) > 0)
					strbuf_append_char(exclude, ' ');
				strbuf_append_str(exclude,
				       var_smtpd_tls_mandatory_exclude_ciphers);
			}
		} else {
			init.protocols = var_smtpd_tls_protocols;
			init.cipher_grade = var_smtpd_tls_ciphers;
		}
		init.exclude_ciphers = strbuf_str(exclude);
		init.ask_ccert = var_smtpd_tls_ask_ccert
		    || (enforce && var_smtpd_tls_req_ccert);
		init.verifydepth = var_smtpd_tls_ccert_verifydepth;
		init.fpt_dgst = var_smtpd_tls_fingerprint_digest;
		init.cache_db = var_smtpd_tls_session_cache_database;
		init.cache_timeout = var_smtpd_tls_session_cache_timeout;
		init.issue_session_ids = var_smtpd_tls_always_issue_session_ids;
		if ((smtpd_tls_ctx = tls_server_init(&init, why)) == NULL)
			log_warn("TLS context initialization failed: %s; %s",
				 strbuf_str(why), enforce ?
				 "STARTTLS will be answered with 454 4.7.0 and "
				 "mail is refused" : "TLS won't be enabled");
		strbuf_free(&exclude);
		strbuf_free(&why);
	}
#else
	log_warn("TLS has been selected, but TLS support is not compiled in");
	smtpd_tls_level = TLS_LEV_NONE;
#endif
}

/* smtpd_tls_offer - announce STARTTLS now? */

int
smtpd_tls_offer(const SMTPD_STATE *state)
{
#ifdef USE_TLS
	if (smtpd_tls_level == TLS_LEV_NONE || state->tls_context != NULL
	    || var_smtpd_tls_wrappermode)
		return 0;
	/* At level may a broken context makes this a plaintext server. */
	return smtpd_tls_ctx != NULL || smtpd_tls_level >= TLS_LEV_ENCRYPT;
#else
	(void) state;
	return 0;
#endif
}

/* smtpd_tls_needed - level encrypt: must cmd wait for STARTTLS? */

int
smtpd_tls_needed(const SMTPD_STATE *state, const char *cmd)
{
	static const char *const pre_tls[] = {
		"HELO", "EHLO", "STARTTLS", "RSET", "NOOP", "QUIT", 0,
	};
	const char *const *cpp;

	if (smtpd_tls_level < TLS_LEV_ENCRYPT || state->tls_context != NULL)
		return 0;
	for (cpp = pre_tls; *cpp; cpp++)
		if (strcasecmp(*cpp, cmd) == 0)
			return 0;
	return 1;
}

#ifdef USE_TLS

/* smtpd_tls_handshake - the server side of the handshake */

static int
smtpd_tls_handshake(SMTPD_STATE *state)
{
	int	req_ccert = smtpd_tls_level >= TLS_LEV_ENCRYPT
	    && var_smtpd_tls_req_ccert;

	state->tls_context = tls_server_start(smtpd_tls_ctx, state->client,
					      var_smtpd_starttls_timeout,
					      state->namaddr, req_ccert);
	if (state->tls_context == NULL)
		return -1;
	if (!state->tls_context->session_reused)
		smtpd_anvil_newtls(state);
	return 0;
}

#endif

/* smtpd_tls_starttls_cmd - STARTTLS */

int
smtpd_tls_starttls_cmd(SMTPD_STATE *state, char *args)
{
	if (*args) {
		smtpd_reply(state, "501 5.5.4 Syntax: STARTTLS");
		return SMTPD_CMD_ERR;
	}
	if (state->tls_context != NULL) {
		smtpd_reply(state, "554 5.5.1 Error: TLS already active");
		return SMTPD_CMD_ERR;
	}
	if (!smtpd_tls_offer(state) || !EHLO_ON(EHLO_STARTTLS)) {
		smtpd_reply(state, "502 5.5.1 Error: command not implemented");
		return SMTPD_CMD_ERR;
	}
#ifdef USE_TLS
	if (smtpd_tls_ctx == NULL) {
		smtpd_reply(state, "454 4.7.0 TLS not available due to local "
			    "problem");
		return SMTPD_CMD_ERR;
	}
	if (smtpd_anvil_newtls_check(state)) {
		smtpd_reply(state, "454 4.7.0 Error: too many new TLS sessions "
			    "from %s", state->addr);
		return SMTPD_CMD_FAIL;
	}
	smtpd_reply(state, "220 2.0.0 Ready to start TLS");
	if (iostream_flush(state->client) < 0)
		return smtpd_lost(state);

	/*
	 * CVE-2011-0411: commands pipelined after STARTTLS came in
	 * plaintext; they must not be taken as if they had come through
	 * the encrypted session.
	 */
	(void) iostream_purge_input(state->client);

	/* RFC 3207 4.2: forget everything the client told us before. */
	smtpd_mail_reset(state);
	xfree(state->helo_name);
	state->helo_name = NULL;
	smtpd_check_helo_reset(state);
	state->protocol = "SMTP";
	iostream_clear_deadline(state->client);
	if (smtpd_tls_handshake(state) < 0) {
		log_info("lost connection after STARTTLS from %s",
			 state->namaddr);
		return SMTPD_CMD_HANGUP;
	}
	smtpd_sasl_session_reset(state);
	return SMTPD_CMD_OK;
#else
	return SMTPD_CMD_ERR;
#endif
}

/* smtpd_tls_wrapper - smtps: the handshake before the banner */

int
smtpd_tls_wrapper(SMTPD_STATE *state)
{
	if (!var_smtpd_tls_wrappermode || smtpd_tls_level == TLS_LEV_NONE)
		return 0;
#ifdef USE_TLS
	if (smtpd_tls_ctx == NULL) {
		log_warn("Wrapper-mode request dropped from %s for service %s. "
			 "TLS context initialization failed. For details see "
			 "earlier warnings in your logs.", state->namaddr,
			 state->service);
		return -1;
	}
	if (smtpd_anvil_newtls_check(state)) {
		/* As Postfix: said in plaintext, which a TLS client ignores. */
		smtpd_reply(state, "421 4.7.0 %s Error: too many new TLS "
			    "sessions from %s", var_myhostname, state->addr);
		(void) iostream_flush(state->client);
		return -1;
	}
	if (smtpd_tls_handshake(state) < 0) {
		log_info("lost connection after CONNECT from %s",
			 state->namaddr);
		return -1;
	}
#endif
	return 0;
}

/* smtpd_tls_session_end - close the TLS session, if any */

void
smtpd_tls_session_end(SMTPD_STATE *state, int failure)
{
#ifdef USE_TLS
	if (state->tls_context != NULL) {
		tls_session_stop(state->tls_context, state->client, failure);
		state->tls_context = NULL;
	}
#else
	(void) state;
	(void) failure;
#endif
}

#ifdef USE_TLS

/* smtpd_tls_comment - text that may go inside a header comment */

static void
smtpd_tls_comment(STRBUF *out, const char *text)
{
	const char *cp;

	/* Certificate names come from the client: no line breaks, no
	 * parentheses that would end the comment early. */
	for (cp = text; *cp; cp++) {
		unsigned char ch = (unsigned char) *cp;

		if (ch < 0x20 || ch == 0x7f || ch == '(' || ch == ')'
		    || ch == '\\' || ch == '"')
			strbuf_append_char(out, '?');
		else
			strbuf_append_char(out, (char) ch);
	}
}

#endif

/* smtpd_tls_data_attrs - what cleanup's Received: header needs */

void
smtpd_tls_data_attrs(const SMTPD_STATE *state, IOSTREAM *out)
{
#ifdef USE_TLS
	const TLS_SESS *sess = state->tls_context;
	STRBUF *buf;

	if (sess == NULL || !var_smtpd_tls_received_header)
		return;
	buf = strbuf_create(200);
	tls_session_summary(sess, buf);
	rec_printf(out, REC_TYPE_ATTR, "tls_summary=%s", strbuf_str(buf));
	strbuf_reset(buf);
	if (sess->peer_status & TLS_CERT_PRESENT) {
		strbuf_append_str(buf, "Client CN \"");
		smtpd_tls_comment(buf, sess->peer_CN ? sess->peer_CN : "");
		strbuf_append_str(buf, "\", Issuer \"");
		smtpd_tls_comment(buf, sess->issuer_CN ? sess->issuer_CN : "");
		strbuf_append_str(buf, (sess->peer_status & TLS_CERT_TRUSTED) ?
				  "\" (verified OK)" : "\" (not verified)");
	} else if (var_smtpd_tls_ask_ccert
		   || (smtpd_tls_level >= TLS_LEV_ENCRYPT
		       && var_smtpd_tls_req_ccert)) {
		strbuf_append_str(buf, "Client did not present a certificate");
	} else {
		strbuf_append_str(buf, "No client certificate requested");
	}
	rec_printf(out, REC_TYPE_ATTR, "tls_ccert=%s", strbuf_str(buf));
	strbuf_free(&buf);
#else
	(void) state;
	(void) out;
#endif
}
