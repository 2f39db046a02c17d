/*
 * smtp_sasl.c - SMTP AUTH (RFC 4954) in the smtp(8) client
 *
 * With smtp_sasl_auth_enable, the client looks up "user:password" in
 * smtp_sasl_password_maps, as Postfix does: by the sender address (and
 * "@domain") first when smtp_sender_dependent_authentication is set,
 * then by the server's host name, then by the next hop as written
 * ("[mail.example.com]:587", "example.com"). When something is found
 * and the server offers AUTH, it authenticates with the first
 * mechanism the SASL back-end accepts among those the server offers
 * (after smtp_sasl_mechanism_filter), under smtp_sasl_security_options,
 * or the _tls_ or _tls_verified_ variants on a TLS session. A server
 * that offers no AUTH gets the mail without it.
 *
 * A refusal defers the recipients for this server, or bounces them
 * when smtp_sasl_auth_soft_bounce = no and the server said 5xx; the
 * next server is tried either way: "SASL authentication failed; server
 * H[A] said: 535 5.7.8 ...".
 *
 * Security: passwords come from root-readable tables opened in
 * pre_jail; they are wiped after use and never logged (the AUTH lines
 * are not logged even with -v).
 */

#include "sysdeps.h"

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
#include "xsasl.h"		/* xsasl */
#include "smtp.h"


/* AUTH exchanges longer than this many steps are abandoned. */
#define SMTP_SASL_MAX_STEPS	20

#ifdef USE_SASL_AUTH
static MAP **smtp_sasl_maps;
static size_t smtp_sasl_nmaps;
static XSASL_CLIENT_IMPL *smtp_sasl_impl;
static XSASL_MECH_FILTER *smtp_sasl_mech_filter;
#endif

/* smtp_sasl_init - password tables and the client back-end */

void
smtp_sasl_init(void)
{
#ifdef USE_SASL_AUTH
	STRBUF *why;
	ARGV   *specs;
	size_t	i;

	if (!smtp_conf.sasl_auth_enable)
		return;
	why = strbuf_create(100);
	specs = map_split_specs(smtp_conf.lmtp ? "lmtp_sasl_password_maps" :
				"smtp_sasl_password_maps",
				smtp_conf.sasl_password_maps);
	smtp_sasl_maps = xcalloc(specs->argc + 1, sizeof(*smtp_sasl_maps));
	for (i = 0; i < specs->argc; i++) {
		MAP    *map = map_open(specs->argv[i], O_RDONLY, MAP_F_FOLD_FIX,
				       why);

		if (map == NULL) {
			log_warn("%s_sasl_password_maps: %s",
				 smtp_conf.lmtp ? "lmtp" : "smtp",
				 strbuf_str(why));
			map = map_open("fail:smtp_sasl_password_maps", O_RDONLY,
				       0, why);
			if (map == NULL)
				log_panic("open fail: table: %s",
					  strbuf_str(why));
		}
		smtp_sasl_maps[smtp_sasl_nmaps++] = map;
	}
	argv_free(&specs);
	smtp_sasl_mech_filter = xsasl_mech_filter_create(smtp_conf.lmtp ?
			   "lmtp_sasl_mechanism_filter" : "smtp_sasl_mechanism_filter",
					      smtp_conf.sasl_mechanism_filter, why);
	if (smtp_sasl_mech_filter == NULL)
		log_fatal("%s_sasl_mechanism_filter: %s",
			  smtp_conf.lmtp ? "lmtp" : "smtp", strbuf_str(why));
	smtp_sasl_impl = xsasl_client_init(smtp_conf.sasl_type,
					   smtp_conf.sasl_path, why);
	if (smtp_sasl_impl == NULL)
		log_warn("SASL client initialization failed (%s_sasl_type "
			 "\"%s\"): %s", smtp_conf.lmtp ? "lmtp" : "smtp",
			 smtp_conf.sasl_type, strbuf_str(why));
	strbuf_free(&why);
#else
	if (smtp_conf.sasl_auth_enable)
		log_warn("SASL support is not compiled in: %s_sasl_auth_enable "
			 "is ignored", smtp_conf.lmtp ? "lmtp" : "smtp");
#endif
}

#ifdef USE_SASL_AUTH

/* smtp_sasl_find - one key in every table: MAP_FOUND, _NOTFOUND, _RETRY */

static int
smtp_sasl_find(const char *key, STRBUF *value)
{
	size_t	i;
	int	ret;

	if (key == NULL || *key == 0)
		return MAP_NOTFOUND;
	for (i = 0; i < smtp_sasl_nmaps; i++) {
		ret = map_lookup(smtp_sasl_maps[i], key, value);
		if (ret == MAP_RETRY)
			log_warn("%s_sasl_password_maps lookup of \"%s\": %s",
				 smtp_conf.lmtp ? "lmtp" : "smtp", key,
				 map_error(smtp_sasl_maps[i]));
		if (ret != MAP_NOTFOUND)
			return ret;
	}
	return MAP_NOTFOUND;
}

/* smtp_sasl_lookup - the password entry for this session */

static int
smtp_sasl_lookup(const SMTP_SESSION *session, STRBUF *value)
{
	const char *at;
	int	ret = MAP_NOTFOUND;

	if (smtp_conf.sender_dependent_authentication && session->sender
	    && *session->sender) {
		ret = smtp_sasl_find(session->sender, value);
		if (ret == MAP_NOTFOUND
		    && (at = strrchr(session->sender, '@')) != NULL)
			ret = smtp_sasl_find(at, value);
	}
	if (ret == MAP_NOTFOUND)
		ret = smtp_sasl_find(session->host, value);
	if (ret == MAP_NOTFOUND)
		ret = smtp_sasl_find(session->nexthop, value);
	return ret;
}

/* smtp_sasl_failed - "SASL authentication failed; ..." for dsn/why */

static int
smtp_sasl_failed(SMTP_SESSION *session, const char *code, const char *text,
		 STRBUF *dsn, STRBUF *why, int *perm)
{
	strbuf_set(dsn, code);
	strbuf_set(why, text);
	/* smtp_sasl_auth_soft_bounce: a 5xx refusal defers, as Postfix. */
	if (smtp_conf.sasl_auth_soft_bounce && strbuf_str(dsn)[0] == '5')
		strbuf_str(dsn)[0] = '4';
	*perm = strbuf_str(dsn)[0] == '5';
	(void) session;
	return SMTP_NEXT;
}

/* smtp_sasl_wipe - clear a buffer that held a secret */

static void
smtp_sasl_wipe(STRBUF *buf)
{
	if (strbuf_len(buf) > 0)
		explicit_bzero(strbuf_str(buf), strbuf_len(buf));
	strbuf_reset(buf);
}

/* smtp_sasl_auth - AUTH when there is a password for this server */

int
smtp_sasl_auth(SMTP_SESSION *session, const char *mechs, STRBUF *dsn,
	       STRBUF *why, int *perm)
{
	XSASL_CLIENT_CREATE args;
	XSASL_CLIENT *client = NULL;
	SMTP_REPLY *reply = NULL;
	STRBUF *entry, *allowed, *mech, *resp, *reason, *text;
	const char *opts;
	char   *colon;
	int	ret = SMTP_OK, steps, got;

	*perm = 0;

	/*
	 * As in Postfix, the table is consulted only for a server that
	 * offers AUTH: a table error must not defer mail to other servers.
	 */
	if (!smtp_conf.sasl_auth_enable || smtp_sasl_maps == NULL
	    || session->sasl_done
	    || (session->features & SMTP_FEATURE_AUTH) == 0)
		return SMTP_OK;
	entry = strbuf_create(100);
	allowed = strbuf_create(100);
	mech = strbuf_create(20);
	resp = strbuf_create(100);
	reason = strbuf_create(100);
	text = strbuf_create(100);

	got = smtp_sasl_lookup(session, entry);
	if (got == MAP_RETRY) {
		ret = smtp_sasl_failed(session, "4.3.0", "SASL password table "
				       "lookup error", dsn, why, perm);
		goto done;
	}
	if (got == MAP_NOTFOUND)
		goto done;
	if ((colon = strchr(strbuf_str(entry), ':')) == NULL) {
		log_warn("%s_sasl_password_maps entry for %s has no "
			 "\"user:password\" form", smtp_conf.lmtp ? "lmtp" :
			 "smtp", session->namaddr);
		goto done;
	}
	*colon = 0;
	xsasl_mech_filter_list(smtp_sasl_mech_filter, mechs, allowed);
	if (strbuf_len(allowed) == 0) {
		strbuf_printf(text, "SASL authentication failed: server %s "
			      "offered no compatible authentication mechanisms "
			      "for this type of connection security",
			      session->namaddr);
		ret = smtp_sasl_failed(session, "4.7.0", strbuf_str(text), dsn,
				       why, perm);
		goto done;
	}
	if (smtp_sasl_impl == NULL) {
		ret = smtp_sasl_failed(session, "4.7.0", "SASL authentication "
				       "failed: cannot initialize the SASL "
				       "client", dsn, why, perm);
		goto done;
	}

	opts = session->tls == NULL ? smtp_conf.sasl_security_options :
		session->tls_verified ?
		smtp_conf.sasl_tls_verified_security_options :
		smtp_conf.sasl_tls_security_options;
	memset(&args, 0, sizeof(args));
	args.service = "smtp";
	args.server_name = session->host;
	args.security_options = opts;
	args.username = strbuf_str(entry);
	args.password = colon + 1;
	client = xsasl_client_create(smtp_sasl_impl, &args, reason);
	if (client == NULL
	    || xsasl_client_first(client, strbuf_str(allowed), mech, resp,
				  reason) != XSASL_AUTH_OK) {
		strbuf_printf(text, "SASL authentication failed; cannot "
			      "authenticate to server %s: %s",
			      session->namaddr, strbuf_str(reason));
		ret = smtp_sasl_failed(session, "4.7.0", strbuf_str(text), dsn,
				       why, perm);
		goto done;
	}
	reply = smtp_reply_create();
	if (smtp_chat(session, smtp_conf.helo_timeout, reply,
		      "sending AUTH command", dsn, why, "AUTH %s%s%s",
		      strbuf_str(mech), strbuf_len(resp) ? " " : "",
		      strbuf_str(resp)) < 0) {
		ret = SMTP_NEXT;
		goto done;
	}
	for (steps = 0; reply->code == 334 && steps < SMTP_SASL_MAX_STEPS;
	     steps++) {
		const char *challenge = strbuf_str(reply->text) + 3;

		while (*challenge == ' ')
			challenge++;
		smtp_sasl_wipe(resp);
		if (xsasl_client_next(client, challenge, resp, reason)
		    != XSASL_AUTH_OK) {
			/* Abort the exchange, as RFC 4954 4 says. */
			if (smtp_chat(session, smtp_conf.helo_timeout, reply,
				      "sending AUTH command", dsn, why,
				      "*") < 0) {
				ret = SMTP_NEXT;
				goto done;
			}
			strbuf_printf(text, "SASL authentication failed; "
				      "cannot authenticate to server %s: %s",
				      session->namaddr, strbuf_str(reason));
			ret = smtp_sasl_failed(session, "4.7.0",
					       strbuf_str(text), dsn, why,
					       perm);
			goto done;
		}
		if (smtp_chat(session, smtp_conf.helo_timeout, reply,
			      "sending AUTH command", dsn, why, "%s",
			      strbuf_str(resp)) < 0) {
			ret = SMTP_NEXT;
			goto done;
		}
	}
	if (reply->code / 100 != 2) {
		strbuf_printf(text, "SASL authentication failed; server %s "
			      "said: %s", session->namaddr,
			      strbuf_str(reply->text));
		ret = smtp_sasl_failed(session, reply->code == 334 ? "4.7.0" :
				       reply->dsn, strbuf_str(text), dsn, why,
				       perm);
		goto done;
	}
	session->sasl_done = 1;
	if (log_verbose)
		log_info("%s: authenticated with SASL mechanism %s",
			 session->namaddr, strbuf_str(mech));

done:
	if (client)
		xsasl_client_free(client);
	if (reply)
		smtp_reply_free(reply);
	smtp_sasl_wipe(entry);
	smtp_sasl_wipe(resp);
	strbuf_free(&entry);
	strbuf_free(&allowed);
	strbuf_free(&mech);
	strbuf_free(&resp);
	strbuf_free(&reason);
	strbuf_free(&text);
	return ret;
}

#else

/* smtp_sasl_auth - no SASL support: never authenticate */

int
smtp_sasl_auth(SMTP_SESSION *session, const char *mechs, STRBUF *dsn,
	       STRBUF *why, int *perm)
{
	(void) session;
	(void) mechs;
	(void) dsn;
	(void) why;
	*perm = 0;
	return SMTP_OK;
}

#endif
