/*
 * smtpd_anvil.c - smtpd(8)'s use of the anvil(8) rate/concurrency service
 *
 * anvil(8) only counts; the limits are applied here, as Postfix does.
 * The anvil client is used at all only when some limit is non-zero
 * (smtpd_client_connection_count_limit is 50 by default, so normally it
 * is); clients in smtpd_client_event_limit_exceptions are neither
 * counted nor limited. When anvil cannot be reached the client library
 * has logged a warning and the session goes on without limits: a
 * broken counter must not stop mail.
 *
 * smtpd serves one session per process, so the state of "this
 * session's connection was counted" is kept here rather than in
 * SMTPD_STATE; the service and address that were reported are copied,
 * so that the disconnect names exactly what the connect counted. A
 * connection refused for a limit is uncounted at once (as Postfix
 * does), so a later smtpd_anvil_disconnect() is a no-op either way.
 */

#include "sysdeps.h"

#include <string.h>

#include "addr_match_list.h"	/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "anvil_clnt.h"		/* global */
#include "map_match.h"
#include "params_anvil.h"
#include "params_global.h"
#include "smtpd.h"
#include "smtpd_anvil.h"

static int smtpd_anvil_enabled;		/* some limit is set */
static ADDR_MATCH_LIST *smtpd_anvil_exceptions;
static char *smtpd_anvil_service;	/* counted connection, or NULL */
static char *smtpd_anvil_addr;
static STRBUF *smtpd_anvil_reply;	/* the reply we return */

/* smtpd_anvil_init - parse the exception list */

void
smtpd_anvil_init(void)
{
	STRBUF *why = strbuf_create(100);

	smtpd_anvil_enabled = var_smtpd_client_connection_count_limit > 0
		|| var_smtpd_client_connection_rate_limit > 0
		|| var_smtpd_client_message_rate_limit > 0
		|| var_smtpd_client_recipient_rate_limit > 0
		|| var_smtpd_client_new_tls_session_rate_limit > 0
		|| var_smtpd_client_auth_rate_limit > 0;
	if (smtpd_anvil_exceptions == NULL) {
		smtpd_anvil_exceptions =
			addr_match_list_create_ops(var_smtpd_client_event_limit_exceptions,
						   ADDR_MATCH_FLAG_NONE,
						   &map_match_ops,
						   NULL, why);
		if (smtpd_anvil_exceptions == NULL)
			log_fatal("smtpd_client_event_limit_exceptions: %s",
				  strbuf_str(why));
	}
	if (smtpd_anvil_reply == NULL)
		smtpd_anvil_reply = strbuf_create(100);
	strbuf_free(&why);
}

/*
 * smtpd_anvil_applies - is this client counted and limited? Not when
 * anvil is not used or the client is an exception. A lookup error in
 * the exception list counts as "not an exception", as in Postfix.
 */

static int
smtpd_anvil_applies(SMTPD_STATE *state)
{
	int	match;

	if (!smtpd_anvil_enabled || smtpd_anvil_exceptions == NULL
	    || state->addr == NULL)
		return 0;
	match = addr_match_list_match(smtpd_anvil_exceptions, state->name,
				      state->addr);
	if (match < 0)
		log_warn("smtpd_client_event_limit_exceptions: %s",
			 addr_match_list_error(smtpd_anvil_exceptions));
	return match <= 0;
}

/* smtpd_anvil_service_name - the service name anvil counts under */

static const char *
smtpd_anvil_service_name(SMTPD_STATE *state)
{
	return state->service ? state->service : "smtp";
}

/* smtpd_anvil_connect - count a new connection */

const char *
smtpd_anvil_connect(SMTPD_STATE *state)
{
	const char *service = smtpd_anvil_service_name(state);
	int	count;
	int	rate;

	if (smtpd_anvil_service != NULL)	/* previous session's, if any */
		smtpd_anvil_disconnect(state);
	if (!smtpd_anvil_applies(state))
		return NULL;
	if (anvil_clnt_connect(service, state->addr, &count, &rate)
	    != ANVIL_STAT_OK)
		return NULL;
	smtpd_anvil_service = xstrdup(service);
	smtpd_anvil_addr = xstrdup(state->addr);
	if (var_smtpd_client_connection_count_limit > 0
	    && count > var_smtpd_client_connection_count_limit) {
		log_warn("Connection concurrency limit exceeded: %d from %s "
			 "for service %s", count, state->namaddr, service);
		strbuf_printf(smtpd_anvil_reply,
			      "421 4.7.0 %s Error: too many connections from %s",
			      var_myhostname, state->addr);
		smtpd_anvil_disconnect(state);
		return strbuf_str(smtpd_anvil_reply);
	}
	if (var_smtpd_client_connection_rate_limit > 0
	    && rate > var_smtpd_client_connection_rate_limit) {
		log_warn("Connection rate limit exceeded: %d from %s "
			 "for service %s", rate, state->namaddr, service);
		strbuf_printf(smtpd_anvil_reply,
			      "421 4.7.0 %s Error: too many connections from %s",
			      var_myhostname, state->addr);
		smtpd_anvil_disconnect(state);
		return strbuf_str(smtpd_anvil_reply);
	}
	return NULL;
}

/* smtpd_anvil_mail - count a message */

const char *
smtpd_anvil_mail(SMTPD_STATE *state)
{
	const char *service = smtpd_anvil_service_name(state);
	int	rate;

	if (var_smtpd_client_message_rate_limit <= 0
	    || !smtpd_anvil_applies(state)
	    || anvil_clnt_mail(service, state->addr, &rate) != ANVIL_STAT_OK
	    || rate <= var_smtpd_client_message_rate_limit)
		return NULL;
	log_warn("Message delivery request rate limit exceeded: %d from %s "
		 "for service %s", rate, state->namaddr, service);
	strbuf_printf(smtpd_anvil_reply, "450 4.7.1 Error: too much mail from %s",
		      state->addr);
	return strbuf_str(smtpd_anvil_reply);
}

/* smtpd_anvil_rcpt - count a recipient */

const char *
smtpd_anvil_rcpt(SMTPD_STATE *state)
{
	const char *service = smtpd_anvil_service_name(state);
	int	rate;

	if (var_smtpd_client_recipient_rate_limit <= 0
	    || !smtpd_anvil_applies(state)
	    || anvil_clnt_rcpt(service, state->addr, &rate) != ANVIL_STAT_OK
	    || rate <= var_smtpd_client_recipient_rate_limit)
		return NULL;
	log_warn("Recipient address rate limit exceeded: %d from %s "
		 "for service %s", rate, state->namaddr, service);
	strbuf_printf(smtpd_anvil_reply,
		      "450 4.7.1 Error: too many recipients from %s",
		      state->addr);
	return strbuf_str(smtpd_anvil_reply);
}

/* smtpd_anvil_auth - count an AUTH command */

const char *
smtpd_anvil_auth(SMTPD_STATE *state)
{
	const char *service = smtpd_anvil_service_name(state);
	int	rate;

	if (var_smtpd_client_auth_rate_limit <= 0
	    || !smtpd_anvil_applies(state)
	    || anvil_clnt_auth(service, state->addr, &rate) != ANVIL_STAT_OK
	    || rate <= var_smtpd_client_auth_rate_limit)
		return NULL;
	log_warn("AUTH command rate limit exceeded: %d from %s for service %s",
		 rate, state->namaddr, service);
	strbuf_printf(smtpd_anvil_reply,
		      "450 4.7.1 Error: too many AUTH commands from %s",
		      state->addr);
	return strbuf_str(smtpd_anvil_reply);
}

/* smtpd_anvil_newtls_check - over the new TLS session rate? */

int
smtpd_anvil_newtls_check(SMTPD_STATE *state)
{
	const char *service = smtpd_anvil_service_name(state);
	int	rate;

	if (var_smtpd_client_new_tls_session_rate_limit <= 0
	    || !smtpd_anvil_applies(state)
	    || anvil_clnt_newtls_stat(service, state->addr, &rate)
	    != ANVIL_STAT_OK
	    || rate < var_smtpd_client_new_tls_session_rate_limit)
		return 0;
	/* This handshake would be one more than the limit allows. */
	log_warn("New TLS session rate limit exceeded: %d from %s "
		 "for service %s", rate + 1, state->namaddr, service);
	return 1;
}

/* smtpd_anvil_newtls - count a new (not resumed) TLS session */

void
smtpd_anvil_newtls(SMTPD_STATE *state)
{
	int	rate;

	if (var_smtpd_client_new_tls_session_rate_limit > 0
	    && smtpd_anvil_applies(state))
		(void) anvil_clnt_newtls(smtpd_anvil_service_name(state),
					 state->addr, &rate);
}

/* smtpd_anvil_disconnect - count a closed connection */

void
smtpd_anvil_disconnect(SMTPD_STATE *state)
{
	(void) state;
	if (smtpd_anvil_service == NULL)
		return;
	(void) anvil_clnt_disconnect(smtpd_anvil_service, smtpd_anvil_addr);
	free(smtpd_anvil_service);
	free(smtpd_anvil_addr);
	smtpd_anvil_service = smtpd_anvil_addr = NULL;
}
