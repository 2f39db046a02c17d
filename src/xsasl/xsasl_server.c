/*
 * xsasl_server.c - choose a SASL server back-end by name
 *
 * smtpd_sasl_type names the back-end; the rest of the server interface
 * calls through the back-end's function table (xsasl_int.h). A build
 * without SASL support knows no type, so every init fails with a reason
 * that says so.
 */

#include "sysdeps.h"

#include <string.h>

#include "strbuf.h"
#include "xsasl.h"
#include "xsasl_int.h"

typedef XSASL_SERVER_IMPL *(*XSASL_SERVER_INIT_FN) (const char *, const char *,
						    struct STRBUF *);

static const struct {
	const char *type;
	XSASL_SERVER_INIT_FN init;
} xsasl_server_types[] = {
#ifdef USE_SASL_AUTH
#ifdef USE_CYRUS_SASL
	{"cyrus", xsasl_cyrus_server_init},
#endif
	{"dovecot", xsasl_dovecot_server_init},
#endif
	{0, 0},
};

/* xsasl_server_init - look up a back-end and prepare it */

XSASL_SERVER_IMPL *
xsasl_server_init(const char *type, const char *path, struct STRBUF *why)
{
	size_t	i;

	for (i = 0; xsasl_server_types[i].type; i++)
		if (strcmp(xsasl_server_types[i].type, type) == 0)
			return xsasl_server_types[i].init(type, path, why);
	/* Postfix's wording. */
	strbuf_printf(why, "unsupported SASL server implementation: %s", type);
	return NULL;
}

/* xsasl_server_done - release a back-end */

void
xsasl_server_done(XSASL_SERVER_IMPL *impl)
{
	if (impl)
		impl->done(impl);
}

/* xsasl_server_create - one authentication context */

XSASL_SERVER *
xsasl_server_create(XSASL_SERVER_IMPL *impl, const XSASL_SERVER_CREATE *args,
		    struct STRBUF *why)
{
	return impl->create(impl, args, why);
}

/* xsasl_server_free - end a context */

void
xsasl_server_free(XSASL_SERVER *server)
{
	if (server)
		server->free(server);
}

/* xsasl_server_get_mechanism_list - offered mechanisms */

const char *
xsasl_server_get_mechanism_list(XSASL_SERVER *server)
{
	return server->get_mechanism_list(server);
}

/* xsasl_server_first - start an exchange */

int
xsasl_server_first(XSASL_SERVER *server, const char *mechanism,
		   const char *init_response, struct STRBUF *reply)
{
	return server->first(server, mechanism, init_response, reply);
}

/* xsasl_server_next - continue an exchange */

int
xsasl_server_next(XSASL_SERVER *server, const char *response,
		  struct STRBUF *reply)
{
	return server->next(server, response, reply);
}

/* xsasl_server_get_username - the authenticated name */

const char *
xsasl_server_get_username(XSASL_SERVER *server)
{
	return server->get_username(server);
}
