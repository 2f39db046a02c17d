/*
 * xsasl_client.c - choose a SASL client back-end by name
 *
 * smtp_sasl_type (lmtp_sasl_type) names the back-end; only "cyrus"
 * exists, as in Postfix.
 */

#include "sysdeps.h"

#include <string.h>

#include "strbuf.h"
#include "xsasl.h"
#include "xsasl_int.h"

typedef XSASL_CLIENT_IMPL *(*XSASL_CLIENT_INIT_FN) (const char *, const char *,
						    struct STRBUF *);

static const struct {
	const char *type;
	XSASL_CLIENT_INIT_FN init;
} xsasl_client_types[] = {
#if defined(USE_SASL_AUTH) && defined(USE_CYRUS_SASL)
	{"cyrus", xsasl_cyrus_client_init},
#endif
	{0, 0},
};

/* xsasl_client_init - look up a back-end and prepare it */

XSASL_CLIENT_IMPL *
xsasl_client_init(const char *type, const char *path, struct STRBUF *why)
{
	size_t	i;

	for (i = 0; xsasl_client_types[i].type; i++)
		if (strcmp(xsasl_client_types[i].type, type) == 0)
			return xsasl_client_types[i].init(type, path, why);
	/* Postfix's wording. */
	strbuf_printf(why, "unsupported SASL client implementation: %s", type);
	return NULL;
}

/* xsasl_client_done - release a back-end */

void
xsasl_client_done(XSASL_CLIENT_IMPL *impl)
{
	if (impl)
		impl->done(impl);
}

/* xsasl_client_create - one client context */

XSASL_CLIENT *
xsasl_client_create(XSASL_CLIENT_IMPL *impl, const XSASL_CLIENT_CREATE *args,
		    struct STRBUF *why)
{
	return impl->create(impl, args, why);
}

/* xsasl_client_free - end a context; wipes the password copy */

void
xsasl_client_free(XSASL_CLIENT *client)
{
	if (client)
		client->free(client);
}

/* xsasl_client_first - choose a mechanism, make the initial response */

int
xsasl_client_first(XSASL_CLIENT *client, const char *mechanisms,
		   struct STRBUF *mechanism, struct STRBUF *init_response,
		   struct STRBUF *why)
{
	return client->first(client, mechanisms, mechanism, init_response, why);
}

/* xsasl_client_next - answer a challenge */

int
xsasl_client_next(XSASL_CLIENT *client, const char *challenge,
		  struct STRBUF *response, struct STRBUF *why)
{
	return client->next(client, challenge, response, why);
}
