/*
 * sasl_types.c - SASL plug-in types this build supports
 *
 * As in Postfix: the Dovecot server plug-in talks to Dovecot's auth
 * server over a socket and needs no library, but like every SASL
 * feature it exists only in builds with SASL support (USE_SASL_AUTH).
 * Cyrus needs libsasl2 as well (USE_CYRUS_SASL), for both sides.
 */

#include "sysdeps.h"

#include "argv.h"
#include "sasl_types.h"

/* sasl_type_names - plug-in types for the server or the client side */

ARGV *
sasl_type_names(int side)
{
	ARGV *names = argv_create();

#ifdef USE_SASL_AUTH
#ifdef USE_CYRUS_SASL
	argv_add(names, "cyrus");
#endif
	if (side == SASL_TYPES_SERVER)
		argv_add(names, "dovecot");
#endif
	argv_sort(names);
	return names;
}
