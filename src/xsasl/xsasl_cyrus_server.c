/*
 * xsasl_cyrus_server.c - SASL server back-end on Cyrus libsasl2
 *
 * sasl_server_init() runs once per process with smtpd_sasl_path as the
 * application name, so libsasl2 reads NAME.conf from
 * cyrus_sasl_config_path (or its default directory). Each SMTP session
 * gets its own sasl_conn_t. As in Postfix, no SASL security layer is
 * negotiated (max_ssf 0): TLS does that job.
 *
 * The user name is what libsasl2 reports as SASL_USERNAME: with a realm
 * (smtpd_sasl_local_domain) a bare "user" becomes "user@realm"; without
 * one it is the name as the client gave it ("user@example.com").
 */

#include "sysdeps.h"

#ifdef USE_SASL_AUTH
#ifdef USE_CYRUS_SASL

#include <string.h>

#include <sasl/sasl.h>

#include "base64.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "xsasl.h"
#include "xsasl_int.h"

typedef struct {
	XSASL_SERVER_IMPL impl;		/* must be first */
} XSASL_CYRUS_SERVER_IMPL;

typedef struct {
	XSASL_SERVER server;		/* must be first */
	sasl_conn_t *conn;
	STRBUF *mechs;			/* get_mechanism_list result */
	STRBUF *decoded;		/* the client's decoded data */
	char   *username;
} XSASL_CYRUS_SERVER;

static XSASL_SERVER *xsasl_cyrus_server_create(XSASL_SERVER_IMPL *,
					       const XSASL_SERVER_CREATE *,
					       STRBUF *);

/* xsasl_cyrus_server_done - nothing to release: libsasl2 stays up */

static void
xsasl_cyrus_server_done(XSASL_SERVER_IMPL *impl)
{
	xfree(impl);
}

/* xsasl_cyrus_server_init - sasl_server_init() once per process */

XSASL_SERVER_IMPL *
xsasl_cyrus_server_init(const char *type, const char *path, STRBUF *why)
{
	static char *app_name;
	XSASL_CYRUS_SERVER_IMPL *ci;
	int	status;

	if (app_name == NULL) {
		/* libsasl2 keeps the name pointer: it must live forever. */
		app_name = xstrdup(path && *path ? path : "smtpd");
		status = sasl_server_init(xsasl_cyrus_callbacks(), app_name);
		if (status != SASL_OK) {
			strbuf_printf(why, "SASL per-process initialization failed: %s",
				      xsasl_cyrus_strerror(status));
			xfree(app_name);
			app_name = NULL;
			return NULL;
		}
	}
	ci = xcalloc(1, sizeof(*ci));
	ci->impl.create = xsasl_cyrus_server_create;
	ci->impl.done = xsasl_cyrus_server_done;
	return &ci->impl;
}

/* xsasl_cyrus_server_free - end a session */

static void
xsasl_cyrus_server_free(XSASL_SERVER *server)
{
	XSASL_CYRUS_SERVER *cs = (XSASL_CYRUS_SERVER *) server;

	if (cs->conn)
		sasl_dispose(&cs->conn);
	/* It may hold a password (PLAIN). */
	explicit_bzero(strbuf_str(cs->decoded), strbuf_len(cs->decoded));
	strbuf_free(&cs->decoded);
	strbuf_free(&cs->mechs);
	xfree(cs->username);
	xfree(cs);
}

/* xsasl_cyrus_server_get_mechanism_list - "PLAIN LOGIN" */

static const char *
xsasl_cyrus_server_get_mechanism_list(XSASL_SERVER *server)
{
	XSASL_CYRUS_SERVER *cs = (XSASL_CYRUS_SERVER *) server;
	const char *list;
	unsigned len;
	int	count;

	strbuf_reset(cs->mechs);
	if (sasl_listmech(cs->conn, NULL, "", " ", "", &list, &len, &count)
	    != SASL_OK || count == 0)
		return strbuf_str(cs->mechs);
	strbuf_set_mem(cs->mechs, list, len);
	str_upper(strbuf_str(cs->mechs));
	return strbuf_str(cs->mechs);
}

/* xsasl_cyrus_server_result - one libsasl2 status to XSASL_AUTH_* */

static int
xsasl_cyrus_server_result(XSASL_CYRUS_SERVER *cs, int status,
			  const char *out, unsigned outlen, STRBUF *reply)
{
	const char *name;

	switch (status) {
	case SASL_OK:
	case SASL_CONTINUE:
		if (base64_encode(reply, out ? out : "", out ? outlen : 0,
				  BASE64_FLAG_NONE) < 0) {
			strbuf_set(reply, "server challenge too long");
			return XSASL_AUTH_TEMP;
		}
		if (status == SASL_CONTINUE)
			return XSASL_AUTH_OK;
		if (sasl_getprop(cs->conn, SASL_USERNAME, (const void **) &name)
		    != SASL_OK || name == NULL || *name == 0) {
			log_warn("SASL authentication succeeded without a user name");
			strbuf_set(reply, "internal authentication error");
			return XSASL_AUTH_TEMP;
		}
		xfree(cs->username);
		cs->username = xstrdup(name);
		return XSASL_AUTH_DONE;
	case SASL_NOUSER:
		/* Do not tell the client which user names exist (Postfix). */
		status = SASL_BADAUTH;
		break;
	}
	return xsasl_cyrus_failure(status, 1, reply);
}

/* xsasl_cyrus_server_decode - client base64 to bytes, bounded */

static int
xsasl_cyrus_server_decode(XSASL_CYRUS_SERVER *cs, const char *in,
			  STRBUF *reply)
{
	/* SMTP's "=" stands for an empty initial response (RFC 4954). */
	if (strcmp(in, "=") == 0)
		in = "";
	explicit_bzero(strbuf_str(cs->decoded), strbuf_len(cs->decoded));
	if (base64_decode(cs->decoded, in, strlen(in), BASE64_FLAG_NONE) < 0) {
		strbuf_set(reply, strbuf_overflow(cs->decoded) ?
			   "SASL response too long" : "malformed SASL response");
		return -1;
	}
	return 0;
}

/* xsasl_cyrus_server_first - sasl_server_start() */

static int
xsasl_cyrus_server_first(XSASL_SERVER *server, const char *mechanism,
			 const char *init_response, STRBUF *reply)
{
	XSASL_CYRUS_SERVER *cs = (XSASL_CYRUS_SERVER *) server;
	const char *out = NULL;
	unsigned outlen = 0;
	int	status;

	/* A new AUTH command after a failure starts from scratch. */
	xfree(cs->username);
	cs->username = NULL;
	if (init_response && xsasl_cyrus_server_decode(cs, init_response,
						       reply) < 0)
		return XSASL_AUTH_FORM;
	status = sasl_server_start(cs->conn, mechanism,
				   init_response ? strbuf_str(cs->decoded) : NULL,
				   init_response ? strbuf_len(cs->decoded) : 0,
				   &out, &outlen);
	return xsasl_cyrus_server_result(cs, status, out, outlen, reply);
}

/* xsasl_cyrus_server_next - sasl_server_step() */

static int
xsasl_cyrus_server_next(XSASL_SERVER *server, const char *response,
			STRBUF *reply)
{
	XSASL_CYRUS_SERVER *cs = (XSASL_CYRUS_SERVER *) server;
	const char *out = NULL;
	unsigned outlen = 0;
	int	status;

	if (xsasl_cyrus_server_decode(cs, response, reply) < 0)
		return XSASL_AUTH_FORM;
	status = sasl_server_step(cs->conn, strbuf_str(cs->decoded),
				  strbuf_len(cs->decoded), &out, &outlen);
	return xsasl_cyrus_server_result(cs, status, out, outlen, reply);
}

/* xsasl_cyrus_server_get_username - SASL_USERNAME after DONE */

static const char *
xsasl_cyrus_server_get_username(XSASL_SERVER *server)
{
	return ((XSASL_CYRUS_SERVER *) server)->username;
}

/* xsasl_cyrus_server_ipport - "addr;port" for libsasl2, or NULL */

static char *
xsasl_cyrus_server_ipport(const char *addr, const char *port)
{
	if (addr == NULL || *addr == 0 || port == NULL || *port == 0)
		return NULL;
	return str_concat(addr, ";", port, (char *) 0);
}

/* xsasl_cyrus_server_create - sasl_server_new() and security properties */

static XSASL_SERVER *
xsasl_cyrus_server_create(XSASL_SERVER_IMPL *impl,
			  const XSASL_SERVER_CREATE *args, STRBUF *why)
{
	XSASL_CYRUS_SERVER *cs;
	sasl_security_properties_t props;
	char   *local;
	char   *remote;
	int	flags;
	int	status;

	if (xsasl_security_parse(args->security_options ?
				 args->security_options : "", &flags, why) < 0)
		return NULL;
	local = xsasl_cyrus_server_ipport(args->server_addr, args->server_port);
	remote = xsasl_cyrus_server_ipport(args->client_addr, args->client_port);
	cs = xcalloc(1, sizeof(*cs));
	status = sasl_server_new(args->service ? args->service : "smtp", NULL,
				 args->user_realm && *args->user_realm ?
				 args->user_realm : NULL,
				 local, remote, NULL, 0, &cs->conn);
	xfree(local);
	xfree(remote);
	if (status != SASL_OK) {
		strbuf_printf(why, "SASL per-connection server initialization: %s",
			      xsasl_cyrus_strerror(status));
		xfree(cs);
		return NULL;
	}
	memset(&props, 0, sizeof(props));
	props.min_ssf = 0;
	props.max_ssf = 0;			/* no security layer (Postfix) */
	props.maxbufsize = 0;
	props.security_flags = xsasl_cyrus_sec_flags(flags);
	if ((status = sasl_setprop(cs->conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
		strbuf_printf(why, "SASL per-connection security setup: %s",
			      xsasl_cyrus_strerror(status));
		sasl_dispose(&cs->conn);
		xfree(cs);
		return NULL;
	}
	cs->mechs = strbuf_create(100);
	cs->decoded = strbuf_create(100);
	strbuf_set_limit(cs->decoded, XSASL_MAX_DECODED);
	cs->server.free = xsasl_cyrus_server_free;
	cs->server.get_mechanism_list = xsasl_cyrus_server_get_mechanism_list;
	cs->server.first = xsasl_cyrus_server_first;
	cs->server.next = xsasl_cyrus_server_next;
	cs->server.get_username = xsasl_cyrus_server_get_username;
	return &cs->server;
}

#endif
#endif
