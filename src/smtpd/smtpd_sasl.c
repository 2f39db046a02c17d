/*
 * smtpd_sasl.c - SMTP AUTH (RFC 4954) for smtpd(8)
 *
 * The SASL back-end (smtpd_sasl_type: cyrus or dovecot) is prepared
 * once per process before the jail; each session gets its own server
 * context when AUTH may be offered: smtpd_sasl_auth_enable, the back-end
 * initialized, and TLS active when smtpd_tls_auth_only asks for it.
 * The context uses smtpd_sasl_security_options in plaintext and
 * smtpd_sasl_tls_security_options under TLS; a STARTTLS handshake
 * recreates it (smtpd_sasl_session_reset(), and, as a safety net, a
 * changed state->tls_context noticed at EHLO or AUTH time).
 *
 * EHLO announces the back-end's mechanisms after
 * smtpd_sasl_mechanism_filter, unless the client matches
 * smtpd_sasl_exceptions_networks; the filter also bounds what AUTH
 * accepts.
 *
 * Security: runs as $mail_owner, possibly chrooted; the back-end was
 * opened as root. Every AUTH line comes from the network: its length is
 * bounded by smtpd_sasl_response_limit, and each read has smtpd_timeout.
 * Responses may carry passwords: they are never logged. A failed AUTH
 * counts as an error, so smtpd_soft_error_limit and smtpd_error_sleep_time
 * slow down password guessing.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"
#include "cfgline.h"
#include "iostream.h"
#include "addr_match_list.h"
#include "map.h"		/* global */
#include "map_match.h"
#include "params_global.h"
#include "params_smtpd.h"
#include "params_sasl.h"
#include "params_tls.h"
#include "xsasl.h"		/* xsasl */
#include "smtpd.h"		/* smtpd */
#include "smtpd_anvil.h"
#include "smtpd_int.h"
#include "smtpd_sasl.h"

#ifdef USE_SASL_AUTH

static XSASL_SERVER_IMPL *sasl_impl;	/* NULL: AUTH is never offered */
static ADDR_MATCH_LIST *sasl_exceptions;	/* smtpd_sasl_exceptions_networks */
static XSASL_MECH_FILTER *sasl_filter;	/* smtpd_sasl_mechanism_filter */
static const struct TLS_SESS *sasl_tls_seen;	/* tls_context at create */
static STRBUF *sasl_mechs;		/* filtered mechanism list */
static int sasl_used;			/* an AUTH ran on this context */

/* smtpd_sasl_activate - a new AUTH context for the session, if allowed */

static void
smtpd_sasl_activate(SMTPD_STATE *state)
{
	XSASL_SERVER_CREATE args;
	STRBUF *why;

	if (state->sasl_server) {
		xsasl_server_free(state->sasl_server);
		state->sasl_server = NULL;
	}
	sasl_tls_seen = state->tls_context;
	sasl_used = 0;
	if (sasl_impl == NULL || SMTPD_STAND_ALONE())
		return;
	if (var_smtpd_tls_auth_only && state->tls_context == NULL)
		return;
	memset(&args, 0, sizeof(args));
	args.service = var_smtpd_sasl_service;
	args.user_realm = var_smtpd_sasl_local_domain;
	args.server_addr = state->server_addr;
	args.server_port = state->server_port;
	args.client_addr = state->addr;
	args.client_port = state->port;
	args.tls = state->tls_context != NULL;
	args.security_options = state->tls_context ?
	    var_smtpd_sasl_tls_security_options : var_smtpd_sasl_security_options;
	why = strbuf_create(100);
	state->sasl_server = xsasl_server_create(sasl_impl, &args, why);
	if (state->sasl_server == NULL) {
		log_warn("SASL per-connection initialization failed: %s",
			 strbuf_str(why));
		strbuf_free(&why);
		return;
	}
	strbuf_free(&why);

	/* The filtered mechanism list, for EHLO and AUTH. */
	if (sasl_mechs == NULL)
		sasl_mechs = strbuf_create(100);
	xsasl_mech_filter_list(sasl_filter,
			       xsasl_server_get_mechanism_list(state->sasl_server),
			       sasl_mechs);
	if (strbuf_len(sasl_mechs) == 0) {
		log_warn("no SASL authentication mechanisms left after "
			 "filtering; AUTH is not offered to %s", state->namaddr);
		xsasl_server_free(state->sasl_server);
		state->sasl_server = NULL;
	}
}

/* smtpd_sasl_tls_check - recreate the context when TLS came up */

static void
smtpd_sasl_tls_check(SMTPD_STATE *state)
{
	if (sasl_impl != NULL && state->tls_context != sasl_tls_seen)
		smtpd_sasl_session_reset(state);
}

/* smtpd_sasl_mech_allowed - is mech in the announced list? */

static int
smtpd_sasl_mech_allowed(const char *mech)
{
	const char *cp = strbuf_str(sasl_mechs);
	size_t	len = strlen(mech);

	while (*cp) {
		if (strncasecmp(cp, mech, len) == 0
		    && (cp[len] == ' ' || cp[len] == 0))
			return 1;
		cp += strcspn(cp, " ");
		cp += strspn(cp, " ");
	}
	return 0;
}

/* smtpd_sasl_failed - log and answer a failed or refused authentication */

static int
smtpd_sasl_failed(SMTPD_STATE *state, const char *mech, int status,
		  const char *reason, const char *user)
{
	log_warn("%s: SASL %s authentication failed: %s%s%s", state->namaddr,
		 mech, reason, user && *user ? ", sasl_username=" : "",
		 user && *user ? user : "");
	if (status == XSASL_AUTH_TEMP)
		smtpd_reply(state, "454 4.7.0 Temporary authentication failure: %s",
			    reason);
	else
		smtpd_reply(state, "535 5.7.8 Error: authentication failed: %s",
			    reason);
	return SMTPD_CMD_ERR;
}

/* smtpd_sasl_exchange - the challenge/response loop of one AUTH */

static int
smtpd_sasl_exchange(SMTPD_STATE *state, const char *mech, const char *init)
{
	STRBUF *reply = strbuf_create(100);
	STRBUF *line = strbuf_create(100);
	size_t	limit = (size_t) var_smtpd_sasl_response_limit;
	size_t	len;
	int	status, r;
	int	ret;

	status = xsasl_server_first(state->sasl_server, mech, init, reply);
	while (status == XSASL_AUTH_OK) {
		smtpd_reply(state, "334 %s", strbuf_str(reply));
		smtpd_deadline(state, 0);
		r = iostream_get_line(state->client, line, size_add(limit, 1),
				      IOS_LINE_STRIP_CR);
		if (r == IOS_EOF || r == IOS_LINE_LAST) {
			ret = smtpd_lost(state);
			goto done;
		}
		if (r == IOS_LINE_MORE) {
			while ((r = iostream_get_line(state->client, line, limit,
						      0)) == IOS_LINE_MORE)
				 /* void */ ;
			if (r == IOS_EOF || r == IOS_LINE_LAST) {
				ret = smtpd_lost(state);
				goto done;
			}
			smtpd_reply(state, "500 5.5.6 Authentication exchange "
				    "line is too long");
			ret = SMTPD_CMD_ERR;
			goto done;
		}
		len = strbuf_len(line);
		if (len > limit) {
			smtpd_reply(state, "500 5.5.6 Authentication exchange "
				    "line is too long");
			ret = SMTPD_CMD_ERR;
			goto done;
		}
		if (strcmp(strbuf_str(line), "*") == 0) {
			log_warn("%s: SASL %s authentication aborted",
				 state->namaddr, mech);
			smtpd_reply(state, "501 5.7.0 Authentication aborted");
			ret = SMTPD_CMD_ERR;
			goto done;
		}
		status = xsasl_server_next(state->sasl_server, strbuf_str(line),
					   reply);
	}
	switch (status) {
	case XSASL_AUTH_DONE:
		xfree(state->sasl_method);
		xfree(state->sasl_username);
		state->sasl_method = str_upper(xstrdup(mech));
		state->sasl_username =
		    xstrdup(xsasl_server_get_username(state->sasl_server));
		smtpd_reply(state, "235 2.7.0 Authentication successful");
		ret = SMTPD_CMD_OK;
		break;
	case XSASL_AUTH_FORM:
		log_warn("%s: SASL %s authentication failed: %s",
			 state->namaddr, mech, strbuf_str(reply));
		smtpd_reply(state, "501 5.5.2 Cannot decode response");
		ret = SMTPD_CMD_ERR;
		break;
	default:
		ret = smtpd_sasl_failed(state, mech, status, strbuf_str(reply),
				  xsasl_server_get_username(state->sasl_server));
		break;
	}
done:
	/* The line may hold a password. */
	explicit_bzero(strbuf_str(line), strbuf_len(line));
	strbuf_free(&line);
	strbuf_free(&reply);
	return ret;
}

/* smtpd_sasl_init - prepare the back-end (root, before the jail) */

void
smtpd_sasl_init(void)
{
	STRBUF *why;

	if (!var_smtpd_sasl_auth_enable)
		return;
	why = strbuf_create(100);
	sasl_impl = xsasl_server_init(var_smtpd_sasl_type, var_smtpd_sasl_path,
				      why);
	if (sasl_impl == NULL) {
		log_warn("SASL per-process initialization failed: %s; "
			 "AUTH is not offered", strbuf_str(why));
		strbuf_free(&why);
		return;
	}
	if (*var_smtpd_sasl_exceptions_networks) {
		sasl_exceptions = addr_match_list_create_ops(
					  var_smtpd_sasl_exceptions_networks,
					 ADDR_MATCH_FLAG_NONE, &map_match_ops,
							     NULL, why);
		if (sasl_exceptions == NULL)
			log_fatal("smtpd_sasl_exceptions_networks: %s",
				  strbuf_str(why));
	}
	if ((sasl_filter = xsasl_mech_filter_create("smtpd_sasl_mechanism_filter",
					var_smtpd_sasl_mechanism_filter,
						    why)) == NULL)
		log_fatal("smtpd_sasl_mechanism_filter: %s", strbuf_str(why));
	strbuf_free(&why);
}

/* smtpd_sasl_connect - session start */

void
smtpd_sasl_connect(SMTPD_STATE *state)
{
	smtpd_sasl_activate(state);
}

/* smtpd_sasl_session_reset - after STARTTLS: forget AUTH, recreate */

void
smtpd_sasl_session_reset(SMTPD_STATE *state)
{
	xfree(state->sasl_method);
	xfree(state->sasl_username);
	xfree(state->sasl_sender);
	state->sasl_method = state->sasl_username = state->sasl_sender = NULL;
	smtpd_sasl_activate(state);
}

/* smtpd_sasl_ehlo_mechanisms - the AUTH keyword's mechanisms, or NULL */

const char *
smtpd_sasl_ehlo_mechanisms(SMTPD_STATE *state)
{
	int	m;

	smtpd_sasl_tls_check(state);
	if (state->sasl_server == NULL)
		return NULL;
	if (sasl_exceptions != NULL) {
		m = addr_match_list_match(sasl_exceptions, state->name,
					  state->addr);
		if (m < 0)
			log_warn("smtpd_sasl_exceptions_networks: %s",
				 addr_match_list_error(sasl_exceptions));
		if (m != 0)
			return NULL;
	}
	return strbuf_str(sasl_mechs);
}

/* smtpd_sasl_auth_cmd - AUTH mechanism [initial-response] */

int
smtpd_sasl_auth_cmd(SMTPD_STATE *state, char *args)
{
	char   *mech, *init, *extra;
	const char *err;

	smtpd_sasl_tls_check(state);
	if (state->sasl_server == NULL || !EHLO_ON(EHLO_AUTH)) {
		smtpd_reply(state, "503 5.5.1 Error: authentication not enabled");
		return SMTPD_CMD_ERR;
	}
	if (smtpd_require_idle(state) < 0)
		return SMTPD_CMD_ERR;
	if (state->sasl_username != NULL) {
		smtpd_reply(state, "503 5.5.1 Error: already authenticated");
		return SMTPD_CMD_ERR;
	}
	mech = token_next(&args, " \t");
	init = token_next(&args, " \t");
	extra = token_next(&args, " \t");
	if (mech == NULL || extra != NULL) {
		smtpd_reply(state, "501 5.5.4 Syntax: AUTH mechanism");
		return SMTPD_CMD_ERR;
	}
	if (!SMTPD_STAND_ALONE() && (err = smtpd_anvil_auth(state)) != NULL) {
		smtpd_reply(state, "%s", err);
		return SMTPD_CMD_ERR;
	}

	/* A context is not reused after an attempt. */
	if (sasl_used) {
		smtpd_sasl_activate(state);
		if (state->sasl_server == NULL) {
			smtpd_reply(state, "454 4.7.0 Temporary authentication "
				    "failure: authentication service unavailable");
			return SMTPD_CMD_ERR;
		}
	}
	sasl_used = 1;
	str_upper(mech);
	if (!smtpd_sasl_mech_allowed(mech))
		return smtpd_sasl_failed(state, mech, XSASL_AUTH_FAIL,
					 "Invalid authentication mechanism", NULL);
	if (init != NULL && strlen(init) > (size_t) var_smtpd_sasl_response_limit) {
		smtpd_reply(state, "500 5.5.6 Authentication exchange line is "
			    "too long");
		return SMTPD_CMD_ERR;
	}
	if (init != NULL && strcmp(init, "=") == 0)
		init = "";
	return smtpd_sasl_exchange(state, mech, init);
}

/* smtpd_sasl_disconnect - session end */

void
smtpd_sasl_disconnect(SMTPD_STATE *state)
{
	if (state->sasl_server) {
		xsasl_server_free(state->sasl_server);
		state->sasl_server = NULL;
	}
	sasl_tls_seen = NULL;
	sasl_used = 0;
}

#else					/* USE_SASL_AUTH */

/* smtpd_sasl_init - no SASL in this build: say so when it is wanted */

void
smtpd_sasl_init(void)
{
	if (var_smtpd_sasl_auth_enable)
		log_warn("SASL support is not compiled in");
}

/* smtpd_sasl_connect - no SASL: nothing to do */

void
smtpd_sasl_connect(SMTPD_STATE *state)
{
	(void) state;
}

/* smtpd_sasl_session_reset - no SASL: nothing to do */

void
smtpd_sasl_session_reset(SMTPD_STATE *state)
{
	(void) state;
}

/* smtpd_sasl_ehlo_mechanisms - no SASL: AUTH is never offered */

const char *
smtpd_sasl_ehlo_mechanisms(SMTPD_STATE *state)
{
	(void) state;
	return NULL;
}

/* smtpd_sasl_auth_cmd - no SASL: as Postfix, AUTH is not enabled */

int
smtpd_sasl_auth_cmd(SMTPD_STATE *state, char *args)
{
	(void) args;
	smtpd_reply(state, "503 5.5.1 Error: authentication not enabled");
	return SMTPD_CMD_ERR;
}

/* smtpd_sasl_disconnect - no SASL: nothing to do */

void
smtpd_sasl_disconnect(SMTPD_STATE *state)
{
	(void) state;
}

#endif					/* USE_SASL_AUTH */
