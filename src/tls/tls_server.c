/*
 * tls_server.c - the server side of TLS (smtpd STARTTLS and smtps)
 *
 * One SSL_CTX per process, made in pre_jail (keys may be root-only).
 * A client certificate is requested with a verify callback that never
 * fails the handshake: trust is recorded and judged afterwards, as
 * Postfix does, so that an untrusted certificate still yields an
 * encrypted session unless smtpd_tls_req_ccert asks for more.
 *
 * With a session cache table, sessions are stored there (keyed by the
 * hex session ID) instead of in the process, and session tickets are
 * turned off: a ticket's key would be private to one smtpd process,
 * whereas a stored session resumes in any of them.
 */

#include "sysdeps.h"

#ifdef USE_TLS

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "hex.h"
#include "iostream.h"
#include "tls.h"
#include "tls_int.h"

struct TLS_SERVER_CTX {
	SSL_CTX *ssl_ctx;
	int	loglevel;
	int	ask_ccert;
	int	verifydepth;
	char   *fpt_dgst;
	TLS_SCACHE *cache;
};

/* Session ID context: resumption only within our own SMTP service. */
static const unsigned char tls_server_sid_ctx[] = "smtpd";

/* tls_server_verify_cb - record, never fail, the client certificate */

static int
tls_server_verify_cb(int ok, X509_STORE_CTX *store)
{
	(void) ok;
	(void) store;
	return 1;
}

/* tls_server_cache_key - hex session ID */

static void
tls_server_cache_key(const unsigned char *id, unsigned int len, STRBUF *key)
{
	(void) hex_encode(key, id, len, HEX_FLAG_NONE);
}

/* tls_server_new_cb - store a new session in the shared table */

static int
tls_server_new_cb(SSL *ssl, SSL_SESSION *session)
{
	TLS_SERVER_CTX *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	STRBUF *key = strbuf_create(100);
	const unsigned char *id;
	unsigned int id_len;
	unsigned char *der = 0;
	int	len;

	id = SSL_SESSION_get_id(session, &id_len);
	if (id_len > 0 && (len = i2d_SSL_SESSION(session, &der)) > 0) {
		tls_server_cache_key(id, id_len, key);
		tls_scache_put(ctx->cache, strbuf_str(key), der, (size_t) len);
		if (ctx->loglevel >= 2)
			log_info("save session %s to the TLS session cache",
				 strbuf_str(key));
	}
	OPENSSL_free(der);
	strbuf_free(&key);
	return 0;				/* we keep no reference */
}

/* tls_server_get_cb - find a session in the shared table */

static SSL_SESSION *
tls_server_get_cb(SSL *ssl, const unsigned char *id, int id_len, int *copy)
{
	TLS_SERVER_CTX *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	STRBUF *key = strbuf_create(100);
	STRBUF *der = strbuf_create(1000);
	SSL_SESSION *session = 0;
	const unsigned char *p;

	*copy = 0;
	if (id_len > 0) {
		tls_server_cache_key(id, (unsigned int) id_len, key);
		if (tls_scache_get(ctx->cache, strbuf_str(key), der) == 0) {
			p = (const unsigned char *) strbuf_str(der);
			session = d2i_SSL_SESSION(0, &p, (long) strbuf_len(der));
			if (session == 0)
				ERR_clear_error();
		}
		if (ctx->loglevel >= 2)
			log_info("lookup session %s in the TLS session cache: %s",
				 strbuf_str(key), session ? "found" : "not found");
	}
	strbuf_free(&key);
	strbuf_free(&der);
	return session;
}

/* tls_server_remove_cb - forget a session */

static void
tls_server_remove_cb(SSL_CTX *ssl_ctx, SSL_SESSION *session)
{
	TLS_SERVER_CTX *ctx = SSL_CTX_get_app_data(ssl_ctx);
	STRBUF *key = strbuf_create(100);
	const unsigned char *id;
	unsigned int id_len;

	id = SSL_SESSION_get_id(session, &id_len);
	if (ctx && ctx->cache && id_len > 0) {
		tls_server_cache_key(id, id_len, key);
		tls_scache_delete(ctx->cache, strbuf_str(key));
	}
	strbuf_free(&key);
}

/* tls_server_init - make the server context */

TLS_SERVER_CTX *
tls_server_init(const TLS_SERVER_INIT *init, STRBUF *why)
{
	TLS_SERVER_CTX *ctx;
	SSL_CTX *ssl_ctx;

	if ((ssl_ctx = tls_ctx_new(1, init->loglevel, why)) == 0)
		return 0;
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->ssl_ctx = ssl_ctx;
	ctx->loglevel = init->loglevel;
	ctx->ask_ccert = init->ask_ccert;
	ctx->verifydepth = init->verifydepth;
	ctx->fpt_dgst = tls_fpt_dgst_name(init->fpt_dgst);
	SSL_CTX_set_app_data(ssl_ctx, ctx);

	tls_apply_protocols(ssl_ctx, 0, init->protocols);
	if (tls_apply_ciphers(ssl_ctx, 0, init->cipher_grade,
			      init->exclude_ciphers, why) < 0)
		goto fail;

	/* Certificates: chain_files wins over the four single files. */
	if (init->chain_files && *init->chain_files) {
		if (tls_load_chain_files(ssl_ctx, init->chain_files, why) < 0)
			goto fail;
	} else {
		if (init->cert_file == 0 || *init->cert_file == 0) {
			if (init->eccert_file == 0 || *init->eccert_file == 0) {
				strbuf_set(why, "no server certificate "
					   "configured");
				goto fail;
			}
		} else if (tls_load_certs(ssl_ctx, init->cert_file,
					  init->key_file, why) < 0)
			goto fail;
		if (init->eccert_file && *init->eccert_file
		    && tls_load_certs(ssl_ctx, init->eccert_file,
				      init->eckey_file, why) < 0)
			goto fail;
	}

	/* Trust for client certificates, and the CA names we announce. */
	if (tls_load_trust(ssl_ctx, init->CAfile, init->CApath, why) < 0)
		goto fail;
	if (init->CAfile && *init->CAfile) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(init->CAfile);

		if (names)
			SSL_CTX_set_client_CA_list(ssl_ctx, names);
		else
			ERR_clear_error();
	}
	if (init->ask_ccert)
		SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
				   tls_server_verify_cb);
	if (init->verifydepth > 0)
		SSL_CTX_set_verify_depth(ssl_ctx, init->verifydepth + 1);
	SSL_CTX_set_session_id_context(ssl_ctx, tls_server_sid_ctx,
				       sizeof(tls_server_sid_ctx) - 1);

	/* Session cache. A timeout of 0 turns caching off, as in Postfix. */
	ctx->cache = tls_scache_open_or_warn(init->cache_db,
					     init->cache_timeout);
	if (init->cache_timeout > 0)
		SSL_CTX_set_timeout(ssl_ctx, init->cache_timeout);
	if (ctx->cache) {
		SSL_CTX_set_session_cache_mode(ssl_ctx, SSL_SESS_CACHE_SERVER
					| SSL_SESS_CACHE_NO_INTERNAL_STORE
					| SSL_SESS_CACHE_NO_AUTO_CLEAR);
		SSL_CTX_sess_set_new_cb(ssl_ctx, tls_server_new_cb);
		SSL_CTX_sess_set_get_cb(ssl_ctx, tls_server_get_cb);
		SSL_CTX_sess_set_remove_cb(ssl_ctx, tls_server_remove_cb);
		SSL_CTX_set_options(ssl_ctx, SSL_OP_NO_TICKET);
		/* TLS 1.3: one stateful "ticket" (a session ID) is enough. */
		SSL_CTX_set_num_tickets(ssl_ctx, 1);
	} else if (!init->issue_session_ids || init->cache_timeout <= 0) {
		SSL_CTX_set_session_cache_mode(ssl_ctx, SSL_SESS_CACHE_OFF);
	}
	/* Postfix: no session tickets either when caching is off. */
	if (init->cache_timeout <= 0) {
		SSL_CTX_set_options(ssl_ctx, SSL_OP_NO_TICKET);
		SSL_CTX_set_num_tickets(ssl_ctx, 0);
	}
	ERR_clear_error();
	return ctx;

fail:
	tls_server_free(ctx);
	return 0;
}

/* tls_server_start - handshake as the server */

TLS_SESS *
tls_server_start(TLS_SERVER_CTX *ctx, IOSTREAM *stream, int timeout,
		 const char *namaddr, int req_ccert)
{
	STRBUF *why = strbuf_create(100);
	TLS_SESS *sess;
	SSL    *ssl;
	const char *status;

	if (ctx->loglevel >= 2)
		log_info("setting up TLS connection from %s", namaddr);
	(void) iostream_flush(stream);
	ERR_clear_error();
	if ((ssl = SSL_new(ctx->ssl_ctx)) == 0) {
		tls_log_errors(1);
		log_info("SSL_accept error from %s: cannot allocate TLS session",
			 namaddr);
		strbuf_free(&why);
		return 0;
	}
	if (req_ccert && !ctx->ask_ccert)
		SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
			       tls_server_verify_cb);
	if (tls_handshake(ssl, stream, timeout, 1, why) < 0) {
		log_info("SSL_accept error from %s: %s", namaddr,
			 strbuf_str(why));
		SSL_free(ssl);
		strbuf_free(&why);
		return 0;
	}
	strbuf_free(&why);
	sess = tls_session_new(ssl, ctx->loglevel, 1, ctx->fpt_dgst,
			       TLS_LEV_NONE);
	tls_io_install(sess, stream);

	if (sess->peer_status & TLS_CERT_PRESENT) {
		if (ctx->loglevel >= 2 || (ctx->loglevel >= 1
				  && !(sess->peer_status & TLS_CERT_TRUSTED)))
			log_info("%s: subject_CN=%s, issuer=%s%s%s%s%s", namaddr,
				 sess->peer_CN ? sess->peer_CN : "",
				 sess->issuer_CN ? sess->issuer_CN : "",
				 sess->peer_cert_fprint ? ", fingerprint=" : "",
				 sess->peer_cert_fprint ? sess->peer_cert_fprint : "",
				 sess->peer_pkey_fprint ? ", pkey_fingerprint=" : "",
				 sess->peer_pkey_fprint ? sess->peer_pkey_fprint : "");
		status = (sess->peer_status & TLS_CERT_TRUSTED) ?
		    "Trusted" : "Untrusted";
	} else
		status = "Anonymous";
	tls_log_established(sess, ctx->loglevel, status, "from", namaddr);

	if (req_ccert && !(sess->peer_status & TLS_CERT_TRUSTED)) {
		/* Postfix smtpd: "NOQUEUE: abort: TLS from ...: ..." */
		log_info("NOQUEUE: abort: TLS from %s: %s", namaddr,
			 (sess->peer_status & TLS_CERT_PRESENT) ?
			 "Client certificate not trusted" :
			 "No client certificate presented");
		tls_session_stop(sess, stream, 0);
		return 0;
	}
	return sess;
}

/* tls_server_free - free the context */

void
tls_server_free(TLS_SERVER_CTX *ctx)
{
	if (ctx == 0)
		return;
	tls_ctx_release(ctx->ssl_ctx, ctx->cache, ctx->fpt_dgst);
	xfree(ctx);
}

#endif					/* USE_TLS */
