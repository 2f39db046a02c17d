/*
 * xsasl.h - SASL authentication for smtpd(8) (server) and smtp(8)
 *
 * One interface, several back-ends chosen by name, as in Postfix:
 * server types "cyrus" (libsasl2, USE_CYRUS_SASL) and "dovecot"
 * (Dovecot's auth protocol over a UNIX-domain socket, no library);
 * client type "cyrus". sasl_types.h lists what a build has.
 *
 * All challenges and responses cross this interface base64-encoded,
 * exactly as they travel in the SMTP AUTH exchange; the back-ends
 * decode what they need. Replies and reasons are plain text for the
 * caller to put into an SMTP reply or a log line.
 *
 * Security: every input comes from the network; lengths are bounded
 * by the caller (smtpd_sasl_response_limit) and again here. Passwords
 * are never logged.
 */

#ifndef XSASL_H
#define XSASL_H

#include "sysdeps.h"

struct STRBUF;

/* Results of the first and next steps. */
#define XSASL_AUTH_OK	1	/* a challenge is in reply (server) or
				 * a response to send (client) */
#define XSASL_AUTH_DONE	2	/* authenticated (server); reply may
				 * hold final server data (usually "") */
#define XSASL_AUTH_FORM	3	/* malformed (bad base64): reply says */
#define XSASL_AUTH_FAIL	4	/* refused: reply holds the reason */
#define XSASL_AUTH_TEMP	5	/* temporary failure (auth service down) */

/* Server side. */
typedef struct XSASL_SERVER_IMPL XSASL_SERVER_IMPL;
typedef struct XSASL_SERVER XSASL_SERVER;

/*
 * Prepare a back-end, once per process (the service's pre_jail hook,
 * before chroot). type: smtpd_sasl_type. path: smtpd_sasl_path, for
 * cyrus the application name that selects PATH/NAME.conf in
 * cyrus_sasl_config_path (or Cyrus's default), for dovecot the socket
 * (relative to the queue directory, or absolute; opened per session).
 * NULL with the reason in why for an unknown type or a failed init.
 */
extern XSASL_SERVER_IMPL *xsasl_server_init(const char *type,
					    const char *path,
					    struct STRBUF *why);
extern void xsasl_server_done(XSASL_SERVER_IMPL *impl);

typedef struct XSASL_SERVER_CREATE {
	const char *service;		/* smtpd_sasl_service ("smtp") */
	const char *user_realm;		/* smtpd_sasl_local_domain, "" none */
	const char *server_addr;	/* printable; may be NULL */
	const char *server_port;
	const char *client_addr;
	const char *client_port;
	int	tls;			/* the session is encrypted */
	const char *security_options;	/* smtpd_sasl_security_options or,
					 * with TLS, the _tls_ ones:
					 * noanonymous, noplaintext, noactive,
					 * nodictionary, forward_secrecy,
					 * mutual_auth */
} XSASL_SERVER_CREATE;

/* One authentication context for one SMTP session. NULL with why. */
extern XSASL_SERVER *xsasl_server_create(XSASL_SERVER_IMPL *impl,
					 const XSASL_SERVER_CREATE *args,
					 struct STRBUF *why);
extern void xsasl_server_free(XSASL_SERVER *server);

/*
 * The mechanisms this server offers under its security options, upper
 * case, separated by one space ("PLAIN LOGIN"); "" for none. Owned by
 * the server object.
 */
extern const char *xsasl_server_get_mechanism_list(XSASL_SERVER *server);

/*
 * First step: mechanism and optional initial response (base64, "" for
 * an empty one, NULL for none). Next step: the client's base64 answer
 * to a challenge. Returns XSASL_AUTH_*; reply is the base64 challenge
 * (OK), final data (DONE), or the reason (FORM, FAIL, TEMP).
 */
extern int xsasl_server_first(XSASL_SERVER *server, const char *mechanism,
			      const char *init_response,
			      struct STRBUF *reply);
extern int xsasl_server_next(XSASL_SERVER *server, const char *response,
			     struct STRBUF *reply);

/* After DONE: the authenticated user name (owned by the server). */
extern const char *xsasl_server_get_username(XSASL_SERVER *server);

/* Client side. */
typedef struct XSASL_CLIENT_IMPL XSASL_CLIENT_IMPL;
typedef struct XSASL_CLIENT XSASL_CLIENT;

/* type: smtp_sasl_type; path: smtp_sasl_path (Cyrus application). */
extern XSASL_CLIENT_IMPL *xsasl_client_init(const char *type,
					    const char *path,
					    struct STRBUF *why);
extern void xsasl_client_done(XSASL_CLIENT_IMPL *impl);

typedef struct XSASL_CLIENT_CREATE {
	const char *service;		/* "smtp" */
	const char *server_name;	/* the server's host name */
	const char *security_options;	/* smtp_sasl_security_options or a
					 * _tls_ variant, as smtpd */
	const char *username;		/* from smtp_sasl_password_maps */
	const char *password;
} XSASL_CLIENT_CREATE;

extern XSASL_CLIENT *xsasl_client_create(XSASL_CLIENT_IMPL *impl,
					 const XSASL_CLIENT_CREATE *args,
					 struct STRBUF *why);
extern void xsasl_client_free(XSASL_CLIENT *client);

/*
 * First step: choose from the server's mechanism list (already
 * filtered by smtp_sasl_mechanism_filter); mechanism gets the choice,
 * init_response the base64 initial response ("" for none). Next step:
 * answer a base64 challenge. XSASL_AUTH_OK, or FAIL/TEMP with why
 * ("no mechanism available", ...).
 */
extern int xsasl_client_first(XSASL_CLIENT *client, const char *mechanisms,
			      struct STRBUF *mechanism,
			      struct STRBUF *init_response,
			      struct STRBUF *why);
extern int xsasl_client_next(XSASL_CLIENT *client, const char *challenge,
			     struct STRBUF *response, struct STRBUF *why);

/*
 * Mechanism filters (smtpd_sasl_mechanism_filter, smtp_sasl_mechanism_filter):
 * names, type:table and /file/name patterns, "!" to negate; the first
 * match decides, no match refuses, an empty filter allows all. param
 * names the parameter in warnings. create: NULL with why for a bad
 * table or file (open them before dropping privileges). match: 1 when
 * allowed (a table lookup error logs a warning and refuses). list:
 * the allowed mechanisms of a space-separated list, upper case.
 */
typedef struct XSASL_MECH_FILTER XSASL_MECH_FILTER;

extern XSASL_MECH_FILTER *xsasl_mech_filter_create(const char *param,
						   const char *spec,
						   struct STRBUF *why);
extern int xsasl_mech_filter_match(XSASL_MECH_FILTER *filter,
				   const char *mech);
extern void xsasl_mech_filter_list(XSASL_MECH_FILTER *filter,
				   const char *mechs, struct STRBUF *out);
extern void xsasl_mech_filter_free(XSASL_MECH_FILTER *filter);

#endif
