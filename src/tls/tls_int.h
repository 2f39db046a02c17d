/*
 * tls_int.h - internals shared by the files of the TLS library
 *
 * Not for callers outside src/tls: the protocol-list and cipher-grade
 * parsers are exported here for the unit tests, the rest glues the
 * server, client, transport and session cache files together.
 */

#ifndef TLS_INT_H
#define TLS_INT_H

#include "sysdeps.h"

struct STRBUF;

/* Protocol bits of tls_protocol_mask(), lowest version first. */
#define TLS_PROTO_SSLv2		(1 << 0)
#define TLS_PROTO_SSLv3		(1 << 1)
#define TLS_PROTO_TLSv1		(1 << 2)
#define TLS_PROTO_TLSv1_1	(1 << 3)
#define TLS_PROTO_TLSv1_2	(1 << 4)
#define TLS_PROTO_TLSv1_3	(1 << 5)
#define TLS_PROTO_ALL		((1 << 6) - 1)

/*
 * Postfix protocol list (">=TLSv1.2", "!SSLv2, !SSLv3", "TLSv1.2
 * TLSv1.3", "<=TLSv1.2") to the set of enabled protocols. Unknown names
 * are logged ("warning: Invalid TLS protocol list") and ignored.
 */
extern int tls_protocol_mask(const char *list);

/*
 * OpenSSL cipher list for a grade ("high", "medium", "low", "export",
 * "null") with each excluded name appended as ":!name". 0, or -1 with
 * the reason in why for an unknown grade.
 */
extern int tls_cipher_list(const char *grade, const char *exclude,
			   struct STRBUF *out, struct STRBUF *why);

#ifdef USE_TLS

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls.h"

/* What a session needs beyond the public TLS_SESS. */
struct TLS_SCACHE;

typedef struct TLS_IMPL {
	SSL    *ssl;
	int	loglevel;
	int	is_server;
	char   *summary;		/* tls_session_summary() text */
} TLS_IMPL;

/* tls_misc.c */
extern void tls_log_errors(int warn);
extern int tls_apply_protocols(SSL_CTX *ctx, SSL *ssl, const char *list);
extern int tls_apply_ciphers(SSL_CTX *ctx, SSL *ssl, const char *grade,
			     const char *exclude, struct STRBUF *why);
extern void tls_apply_options(SSL_CTX *ctx);
extern int tls_load_trust(SSL_CTX *ctx, const char *CAfile,
			  const char *CApath, struct STRBUF *why);
extern int tls_load_certs(SSL_CTX *ctx, const char *cert, const char *key,
			  struct STRBUF *why);
extern int tls_load_chain_files(SSL_CTX *ctx, const char *files,
				struct STRBUF *why);
extern char *tls_fingerprint(X509 *cert, const char *dgst, int pkey);
extern TLS_SESS *tls_session_new(SSL *ssl, int loglevel, int is_server,
				 const char *fpt_dgst, int level);
extern void tls_session_free(TLS_SESS *sess);

/*
 * The "Anonymous|Untrusted|Trusted|Verified TLS connection established
 * from|to NAMADDR: SUMMARY" line (loglevel 1) and, at loglevel 2, the
 * note that a session was resumed.
 */
extern void tls_log_established(const TLS_SESS *sess, int loglevel,
				const char *status, const char *direction,
				const char *namaddr);

/*
 * A new OpenSSL context for one side, with the shared options
 * (tls_ssl_options ...) and, at loglevel 2, the handshake callback.
 * NULL with why when OpenSSL cannot make one.
 */
extern SSL_CTX *tls_ctx_new(int is_server, int loglevel,
			    struct STRBUF *why);

/* The fingerprint digest name to use ("sha256" when none given). */
extern char *tls_fpt_dgst_name(const char *name);

/* Free what a server or client context holds besides itself. */
extern void tls_ctx_release(SSL_CTX *ssl_ctx, struct TLS_SCACHE *cache,
			    char *fpt_dgst);

/* tls_io.c */
extern int tls_handshake(SSL *ssl, struct IOSTREAM *stream, int timeout,
			 int is_server, struct STRBUF *why);
extern void tls_io_install(TLS_SESS *sess, struct IOSTREAM *stream);
extern void tls_info_callback(const SSL *ssl, int where, int ret);

/* tls_scache.c */
typedef struct TLS_SCACHE TLS_SCACHE;

extern TLS_SCACHE *tls_scache_open(const char *spec, int timeout,
				   struct STRBUF *why);

/*
 * The session cache of a context: NULL when db is empty or timeout is
 * 0 (caching off, as in Postfix), or, with a warning, when the table
 * cannot be opened (the program goes on without a cache).
 */
extern TLS_SCACHE *tls_scache_open_or_warn(const char *db, int timeout);
extern int tls_scache_get(TLS_SCACHE *cache, const char *key,
			  struct STRBUF *der);
extern void tls_scache_put(TLS_SCACHE *cache, const char *key,
			   const void *der, size_t len);
extern void tls_scache_delete(TLS_SCACHE *cache, const char *key);
extern void tls_scache_close(TLS_SCACHE *cache);

#endif

#endif
