/*
 * tls_client.c - the client side of TLS (smtp and lmtp)
 *
 * One SSL_CTX per process; protocols, ciphers and SNI are set per
 * connection because they depend on the security level and on
 * per-destination policy. The chain is always verified by OpenSSL
 * (SSL_VERIFY_NONE only stops it from failing the handshake); the
 * level then decides what the result means: names are matched with
 * X509_check_host(), fingerprints against the certificate and its
 * public key.
 *
 * Sessions are cached under the caller's serverid. A TLS 1.3 ticket
 * arrives after the handshake, while the first reply is read, so the
 * new-session callback (not the end of the handshake) stores it; the
 * connection carries its serverid as application data for that.
 */

#include "sysdeps.h"

#ifdef USE_TLS

#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "argv.h"
#include "iostream.h"
#include "tls.h"
#include "tls_int.h"

struct TLS_CLIENT_CTX {
	SSL_CTX *ssl_ctx;
	int	loglevel;
	char   *fpt_dgst;
	TLS_SCACHE *cache;
};

/* tls_client_new_cb - store a new session under the connection's serverid */

static int
tls_client_new_cb(SSL *ssl, SSL_SESSION *session)
{
	TLS_CLIENT_CTX *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	const char *serverid = SSL_get_app_data(ssl);
	unsigned char *der = 0;
	int	len;

	if (ctx == 0 || ctx->cache == 0 || serverid == 0
	    || !SSL_SESSION_is_resumable(session))
		return 0;
	if ((len = i2d_SSL_SESSION(session, &der)) > 0) {
		tls_scache_put(ctx->cache, serverid, der, (size_t) len);
		if (ctx->loglevel >= 2)
			log_info("save session %s to the TLS session cache",
				 serverid);
	}
	OPENSSL_free(der);
	return 0;				/* we keep no reference */
}

/* tls_client_init - make the client context */

TLS_CLIENT_CTX *
tls_client_init(const TLS_CLIENT_INIT *init, STRBUF *why)
{
	TLS_CLIENT_CTX *ctx;
	SSL_CTX *ssl_ctx;

	if ((ssl_ctx = tls_ctx_new(0, init->loglevel, why)) == 0)
		return 0;
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->ssl_ctx = ssl_ctx;
	ctx->loglevel = init->loglevel;
	ctx->fpt_dgst = tls_fpt_dgst_name(init->fpt_dgst);
	SSL_CTX_set_app_data(ssl_ctx, ctx);

	if (init->chain_files && *init->chain_files) {
		if (tls_load_chain_files(ssl_ctx, init->chain_files, why) < 0)
			goto fail;
	} else if (init->cert_file && *init->cert_file) {
		if (tls_load_certs(ssl_ctx, init->cert_file, init->key_file,
				   why) < 0)
			goto fail;
	}
	if (tls_load_trust(ssl_ctx, init->CAfile, init->CApath, why) < 0)
		goto fail;
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_NONE, 0);
	if (init->verifydepth > 0)
		SSL_CTX_set_verify_depth(ssl_ctx, init->verifydepth + 1);

	/* A timeout of 0 turns the session cache off, as in Postfix. */
	ctx->cache = tls_scache_open_or_warn(init->cache_db,
					     init->cache_timeout);
	if (init->cache_timeout > 0)
		SSL_CTX_set_timeout(ssl_ctx, init->cache_timeout);
	if (ctx->cache) {
		SSL_CTX_set_session_cache_mode(ssl_ctx, SSL_SESS_CACHE_CLIENT
					| SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ssl_ctx, tls_client_new_cb);
	}
	ERR_clear_error();
	return ctx;

fail:
	tls_client_free(ctx);
	return 0;
}

/* tls_client_match_name - one certificate name check (".dom": subdomains) */

static int
tls_client_match_name(X509 *cert, const char *name)
{
	unsigned int flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;

	if (*name == 0)
		return 0;
	/* X509_check_host(): a leading "." matches any subdomain. */
	return X509_check_host(cert, name, 0, flags, 0) == 1;
}

/* tls_client_match_fprint - is one of the fingerprints listed? */

static int
tls_client_match_fprint(TLS_SESS *sess, struct ARGV *list)
{
	size_t  i;

	if (list == 0)
		return 0;
	for (i = 0; i < list->argc; i++) {
		if (sess->peer_cert_fprint
		    && strcasecmp(list->argv[i], sess->peer_cert_fprint) == 0)
			return 1;
		if (sess->peer_pkey_fprint
		    && strcasecmp(list->argv[i], sess->peer_pkey_fprint) == 0)
			return 1;
	}
	return 0;
}

/* tls_client_resume - offer a cached session */

static void
tls_client_resume(TLS_CLIENT_CTX *ctx, SSL *ssl, const char *serverid)
{
	STRBUF *der = strbuf_create(1000);
	SSL_SESSION *session;
	const unsigned char *p;

	if (tls_scache_get(ctx->cache, serverid, der) == 0) {
		p = (const unsigned char *) strbuf_str(der);
		if ((session = d2i_SSL_SESSION(0, &p,
					       (long) strbuf_len(der))) != 0) {
			if (SSL_SESSION_is_resumable(session))
				SSL_set_session(ssl, session);
			SSL_SESSION_free(session);
			if (ctx->loglevel >= 2)
				log_info("reloaded session %s from the TLS "
					 "session cache", serverid);
		} else
			ERR_clear_error();
	}
	strbuf_free(&der);
}

/* tls_client_start - handshake as the client and judge the certificate */

TLS_SESS *
tls_client_start(TLS_CLIENT_CTX *ctx, IOSTREAM *stream,
		 const TLS_CLIENT_START *start, STRBUF *why)
{
	const char *namaddr = start->namaddrport ? start->namaddrport : "peer";
	TLS_SESS *sess;
	SSL    *ssl;
	X509   *peer;
	const char *status;
	size_t  i;

	strbuf_reset(why);
	if (ctx->loglevel >= 2)
		log_info("setting up TLS connection to %s", namaddr);
	(void) iostream_flush(stream);
	ERR_clear_error();
	if ((ssl = SSL_new(ctx->ssl_ctx)) == 0) {
		tls_log_errors(1);
		strbuf_set(why, "cannot allocate TLS session");
		return 0;
	}
	tls_apply_protocols(0, ssl, start->protocols);
	if (tls_apply_ciphers(0, ssl, start->cipher_grade,
			      start->exclude_ciphers, why) < 0) {
		log_warn("%s: %s", namaddr, strbuf_str(why));
		SSL_free(ssl);
		return 0;
	}
	if (start->sni && *start->sni
	    && !SSL_set_tlsext_host_name(ssl, start->sni)) {
		log_warn("%s: cannot set SNI name \"%s\"", namaddr, start->sni);
		ERR_clear_error();
	}
	if (ctx->cache && start->serverid && *start->serverid) {
		SSL_set_app_data(ssl, xstrdup(start->serverid));
		tls_client_resume(ctx, ssl, start->serverid);
	}
	if (tls_handshake(ssl, stream, start->timeout, 0, why) < 0) {
		log_info("SSL_connect error to %s: %s", namaddr, strbuf_str(why));
		if (ctx->cache && start->serverid && *start->serverid)
			tls_scache_delete(ctx->cache, start->serverid);
		xfree(SSL_get_app_data(ssl));
		SSL_free(ssl);
		return 0;
	}
	sess = tls_session_new(ssl, ctx->loglevel, 0, ctx->fpt_dgst,
			       start->level);
	tls_io_install(sess, stream);
	peer = SSL_get0_peer_certificate(ssl);

	/* Judge the certificate by the level. */
	if (peer && start->level == TLS_LEV_FPRINT) {
		if (tls_client_match_fprint(sess, start->matchargv))
			sess->peer_status |= TLS_CERT_MATCHED | TLS_CERT_TRUSTED;
	} else if (peer && start->level >= TLS_LEV_VERIFY
		   && (sess->peer_status & TLS_CERT_TRUSTED)
		   && start->matchargv) {
		for (i = 0; i < start->matchargv->argc; i++) {
			if (tls_client_match_name(peer, start->matchargv->argv[i])) {
				sess->peer_status |= TLS_CERT_MATCHED;
				break;
			}
		}
	}
	if (peer && !(sess->peer_status & TLS_CERT_TRUSTED)
	    && start->level >= TLS_LEV_VERIFY)
		log_info("server certificate verification failed for %s: %s",
			 namaddr, X509_verify_cert_error_string(
					     SSL_get_verify_result(ssl)));
	if (peer && ctx->loglevel >= 2)
		log_info("%s: subject_CN=%s, issuer_CN=%s, fingerprint=%s, "
			 "pkey_fingerprint=%s", namaddr,
			 sess->peer_CN ? sess->peer_CN : "",
			 sess->issuer_CN ? sess->issuer_CN : "",
			 sess->peer_cert_fprint ? sess->peer_cert_fprint : "",
			 sess->peer_pkey_fprint ? sess->peer_pkey_fprint : "");

	if (start->level >= TLS_LEV_VERIFY || start->level == TLS_LEV_FPRINT) {
		if (start->level != TLS_LEV_FPRINT
		    && !(sess->peer_status & TLS_CERT_TRUSTED))
			strbuf_set(why, "Server certificate not trusted");
		else if (!(sess->peer_status & TLS_CERT_MATCHED))
			strbuf_set(why, "Server certificate not verified");
		if (strbuf_len(why)) {
			if (start->level != TLS_LEV_FPRINT
			    && (sess->peer_status & TLS_CERT_TRUSTED))
				log_info("server certificate verification failed "
					 "for %s: no name matched", namaddr);
			else if (start->level == TLS_LEV_FPRINT)
				log_info("server certificate verification failed "
					 "for %s: fingerprint mismatch", namaddr);
			tls_session_stop(sess, stream, 1);
			return 0;
		}
	}
	if ((sess->peer_status & TLS_CERT_VERIFIED) == TLS_CERT_VERIFIED
	    && start->level >= TLS_LEV_FPRINT)
		status = "Verified";
	else if (sess->peer_status & TLS_CERT_TRUSTED)
		status = "Trusted";
	else if (sess->peer_status & TLS_CERT_PRESENT)
		status = "Untrusted";
	else
		status = "Anonymous";
	tls_log_established(sess, ctx->loglevel, status, "to", namaddr);
	return sess;
}

/* tls_client_free - free the context */

void
tls_client_free(TLS_CLIENT_CTX *ctx)
{
	if (ctx == 0)
		return;
	tls_ctx_release(ctx->ssl_ctx, ctx->cache, ctx->fpt_dgst);
	xfree(ctx);
}

#endif					/* USE_TLS */
