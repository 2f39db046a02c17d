/*
 * xsasl_cyrus_client.c - SASL client back-end on Cyrus libsasl2
 *
 * sasl_client_init() runs once per process; smtp_sasl_path is not
 * used (as in Postfix), the configuration directory comes from
 * cyrus_sasl_config_path. Each session answers libsasl2's user, auth
 * name and password callbacks from the copies made at create time; the
 * password copy is wiped before it is freed.
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
#include "xsasl.h"
#include "xsasl_int.h"

typedef struct {
	XSASL_CLIENT client;		/* must be first */
	sasl_conn_t *conn;
	sasl_callback_t callbacks[4];
	char   *username;
	sasl_secret_t *secret;		/* password, wiped at free */
	size_t	secret_size;
	STRBUF *decoded;		/* server challenge */
} XSASL_CYRUS_CLIENT;

/* xsasl_cyrus_client_user - SASL_CB_USER and SASL_CB_AUTHNAME */

static int
xsasl_cyrus_client_user(void *context, int id, const char **result,
			unsigned *len)
{
	XSASL_CYRUS_CLIENT *cc = context;

	if (id != SASL_CB_USER && id != SASL_CB_AUTHNAME)
		return SASL_BADPARAM;
	*result = cc->username;
	if (len)
		*len = strlen(cc->username);
	return SASL_OK;
}

/* xsasl_cyrus_client_pass - SASL_CB_PASS */

static int
xsasl_cyrus_client_pass(sasl_conn_t *conn, void *context, int id,
			sasl_secret_t **psecret)
{
	XSASL_CYRUS_CLIENT *cc = context;

	if (id != SASL_CB_PASS || psecret == NULL)
		return SASL_BADPARAM;
	*psecret = cc->secret;
	return SASL_OK;
}

/* xsasl_cyrus_client_free - dispose; wipe the password */

static void
xsasl_cyrus_client_free(XSASL_CLIENT *client)
{
	XSASL_CYRUS_CLIENT *cc = (XSASL_CYRUS_CLIENT *) client;

	if (cc->conn)
		sasl_dispose(&cc->conn);
	explicit_bzero(cc->secret, cc->secret_size);
	xfree(cc->secret);
	xfree(cc->username);
	strbuf_free(&cc->decoded);
	xfree(cc);
}

/* xsasl_cyrus_client_status - libsasl2 failure to FAIL or TEMP */

static int
xsasl_cyrus_client_status(int status, STRBUF *why)
{
	return xsasl_cyrus_failure(status, 0, why);
}

/* xsasl_cyrus_client_first - sasl_client_start() */

static int
xsasl_cyrus_client_first(XSASL_CLIENT *client, const char *mechanisms,
			 STRBUF *mechanism, STRBUF *init_response, STRBUF *why)
{
	XSASL_CYRUS_CLIENT *cc = (XSASL_CYRUS_CLIENT *) client;
	const char *out = NULL;
	unsigned outlen = 0;
	const char *mech = NULL;
	int	status;

	status = sasl_client_start(cc->conn, mechanisms, NULL, &out, &outlen,
				   &mech);
	if (status != SASL_OK && status != SASL_CONTINUE)
		return xsasl_cyrus_client_status(status, why);
	strbuf_set(mechanism, mech ? mech : "");
	if (base64_encode(init_response, out ? out : "", out ? outlen : 0,
			  BASE64_FLAG_NONE) < 0) {
		strbuf_set(why, "SASL initial response too long");
		return XSASL_AUTH_FAIL;
	}
	return XSASL_AUTH_OK;
}

/* xsasl_cyrus_client_next - sasl_client_step() */

static int
xsasl_cyrus_client_next(XSASL_CLIENT *client, const char *challenge,
			STRBUF *response, STRBUF *why)
{
	XSASL_CYRUS_CLIENT *cc = (XSASL_CYRUS_CLIENT *) client;
	const char *out = NULL;
	unsigned outlen = 0;
	int	status;

	if (base64_decode(cc->decoded, challenge, strlen(challenge),
			  BASE64_FLAG_NONE) < 0) {
		strbuf_set(why, strbuf_overflow(cc->decoded) ?
			   "SASL challenge too long" : "malformed SASL challenge");
		return XSASL_AUTH_FAIL;
	}
	status = sasl_client_step(cc->conn, strbuf_str(cc->decoded),
				  strbuf_len(cc->decoded), NULL, &out, &outlen);
	if (status != SASL_OK && status != SASL_CONTINUE)
		return xsasl_cyrus_client_status(status, why);
	if (base64_encode(response, out ? out : "", out ? outlen : 0,
			  BASE64_FLAG_NONE) < 0) {
		strbuf_set(why, "SASL response too long");
		return XSASL_AUTH_FAIL;
	}
	return XSASL_AUTH_OK;
}

/* xsasl_cyrus_client_create - sasl_client_new() with our callbacks */

static XSASL_CLIENT *
xsasl_cyrus_client_create(XSASL_CLIENT_IMPL *impl,
			  const XSASL_CLIENT_CREATE *args, STRBUF *why)
{
	XSASL_CYRUS_CLIENT *cc;
	sasl_security_properties_t props;
	size_t	pwlen;
	int	flags;
	int	status;

	if (xsasl_security_parse(args->security_options ?
				 args->security_options : "", &flags, why) < 0)
		return NULL;
	cc = xcalloc(1, sizeof(*cc));
	cc->username = xstrdup(args->username ? args->username : "");
	pwlen = strlen(args->password ? args->password : "");
	cc->secret_size = size_add(sizeof(sasl_secret_t), pwlen);
	cc->secret = xcalloc(1, cc->secret_size);
	cc->secret->len = pwlen;
	memcpy(cc->secret->data, args->password ? args->password : "", pwlen);
	cc->decoded = strbuf_create(100);
	strbuf_set_limit(cc->decoded, XSASL_MAX_DECODED);
	cc->callbacks[0].id = SASL_CB_USER;
	cc->callbacks[0].proc = XSASL_CYRUS_PROC(xsasl_cyrus_client_user);
	cc->callbacks[0].context = cc;
	cc->callbacks[1].id = SASL_CB_AUTHNAME;
	cc->callbacks[1].proc = XSASL_CYRUS_PROC(xsasl_cyrus_client_user);
	cc->callbacks[1].context = cc;
	cc->callbacks[2].id = SASL_CB_PASS;
	cc->callbacks[2].proc = XSASL_CYRUS_PROC(xsasl_cyrus_client_pass);
	cc->callbacks[2].context = cc;
	cc->callbacks[3].id = SASL_CB_LIST_END;
	cc->client.free = xsasl_cyrus_client_free;
	cc->client.first = xsasl_cyrus_client_first;
	cc->client.next = xsasl_cyrus_client_next;
	status = sasl_client_new(args->service ? args->service : "smtp",
				 args->server_name, NULL, NULL,
				 cc->callbacks, 0, &cc->conn);
	if (status != SASL_OK) {
		strbuf_printf(why, "per-session SASL client initialization: %s",
			      xsasl_cyrus_strerror(status));
		cc->conn = NULL;
		xsasl_cyrus_client_free(&cc->client);
		return NULL;
	}
	memset(&props, 0, sizeof(props));
	props.max_ssf = 0;			/* no security layer (Postfix) */
	props.security_flags = xsasl_cyrus_sec_flags(flags);
	if ((status = sasl_setprop(cc->conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
		strbuf_printf(why, "per-session SASL client security setup: %s",
			      xsasl_cyrus_strerror(status));
		xsasl_cyrus_client_free(&cc->client);
		return NULL;
	}
	return &cc->client;
}

/* xsasl_cyrus_client_done - libsasl2 stays up for the process */

static void
xsasl_cyrus_client_done(XSASL_CLIENT_IMPL *impl)
{
	xfree(impl);
}

/* xsasl_cyrus_client_init - sasl_client_init() once per process */

XSASL_CLIENT_IMPL *
xsasl_cyrus_client_init(const char *type, const char *path, STRBUF *why)
{
	static int initialized;
	XSASL_CLIENT_IMPL *impl;
	int	status;

	if (!initialized) {
		if ((status = sasl_client_init(xsasl_cyrus_callbacks())) != SASL_OK) {
			strbuf_printf(why, "SASL library initialization: %s",
				      xsasl_cyrus_strerror(status));
			return NULL;
		}
		initialized = 1;
	}
	impl = xcalloc(1, sizeof(*impl));
	impl->create = xsasl_cyrus_client_create;
	impl->done = xsasl_cyrus_client_done;
	return impl;
}

#endif
#endif
