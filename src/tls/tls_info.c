/*
 * tls_info.c - what postconf -T reports about the TLS library
 *
 * compile-version and run-version print what "openssl version" prints
 * for the headers we were built with and for the library we run with;
 * public-key-algorithms lists the certificate key types the library
 * can use, lower case, one per line. A build without TLS reports
 * nothing, as Postfix does.
 */

#include "sysdeps.h"

#include <string.h>

#ifdef USE_TLS
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#endif

#include "argv.h"
#include "tls.h"

#ifdef USE_TLS

/* tls_info_has_pkey - can the library make keys of this type? */

static int
tls_info_has_pkey(const char *name)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);

	if (ctx == NULL)
		return 0;
	EVP_PKEY_CTX_free(ctx);
	return 1;
}

#endif

/* tls_info - the lines of one postconf -T mode */

int
tls_info(const char *mode, ARGV *out)
{
	if (strcmp(mode, "compile-version") != 0
	    && strcmp(mode, "run-version") != 0
	    && strcmp(mode, "public-key-algorithms") != 0)
		return -1;
#ifdef USE_TLS
	if (strcmp(mode, "compile-version") == 0) {
		argv_add(out, OPENSSL_VERSION_TEXT);
	} else if (strcmp(mode, "run-version") == 0) {
		argv_add(out, OpenSSL_version(OPENSSL_VERSION));
	} else {
		static const char *const algs[][2] = {
			{"rsa", "RSA"}, {"ecdsa", "EC"},
			{"ed25519", "ED25519"}, {"ed448", "ED448"},
		};
		size_t	i;

		for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
			if (tls_info_has_pkey(algs[i][1]))
				argv_add(out, algs[i][0]);
	}
#else
	(void) out;
#endif
	return 0;
}
