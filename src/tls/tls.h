/*
 * tls.h - TLS sessions over OpenSSL for smtpd(8) and smtp(8)/lmtp
 *
 * A program makes one context per role at start-up (tls_server_init(),
 * tls_client_init(): certificates, trust, session cache), then turns a
 * connected IOSTREAM into a TLS session with tls_server_start() or
 * tls_client_start(). On success the stream carries TLS from then on
 * (an iostream transport over the now non-blocking descriptor):
 * callers keep using the iostream API and its timeouts unchanged.
 * tls_session_stop() sends close_notify (or not, after a failure),
 * puts the plain system calls back and frees the session.
 *
 * Logging follows Postfix: errors and the "... TLS connection
 * established from/to ..." line are logged here, with more detail as
 * the loglevel (smtpd_tls_loglevel, smtp_tls_loglevel) rises.
 *
 * Parameters that shape a context are passed in explicitly (the init
 * structures below) so that the same code serves smtp_* and lmtp_*
 * settings and per-destination policy; only the shared tls_*
 * cipher lists and options (params_tls.h) are read directly.
 *
 * Security: tls_server_init() and tls_client_init() run in the
 * service's pre_jail hook, as root before chroot and setuid, so that
 * private keys may be readable by root only (as with Postfix); the
 * session cache database is opened there too. Nothing after that needs
 * privileges. All peer data (certificate names, OpenSSL error text)
 * is treated as untrusted and logged printable only.
 */

#ifndef TLS_H
#define TLS_H

#include "sysdeps.h"

struct IOSTREAM;
struct STRBUF;
struct ARGV;

/* Security levels (smtp_tls_security_level and friends). */
#define TLS_LEV_INVALID	(-1)
#define TLS_LEV_NONE	0	/* plaintext only */
#define TLS_LEV_MAY	1	/* opportunistic */
#define TLS_LEV_ENCRYPT	2	/* mandatory TLS, no authentication */
#define TLS_LEV_DANE	3	/* DANE (here: see tls_level_lookup) */
#define TLS_LEV_FPRINT	4	/* certificate fingerprint match */
#define TLS_LEV_VERIFY	5	/* trusted CA and name match */
#define TLS_LEV_SECURE	6	/* same, names from the next hop */

/*
 * Level name to TLS_LEV_*: "none", "may", "encrypt", "dane",
 * "dane-only", "fingerprint", "verify", "secure" (case-insensitive);
 * TLS_LEV_INVALID for anything else. tls_level_name() is the reverse.
 */
extern int tls_level_lookup(const char *name);
extern const char *tls_level_name(int level);

/*
 * Peer certificate status bits (TLS_SESS.peer_status).
 */
#define TLS_CERT_PRESENT	(1 << 0)	/* the peer sent a certificate */
#define TLS_CERT_TRUSTED	(1 << 1)	/* it chains to a trusted CA */
#define TLS_CERT_MATCHED	(1 << 2)	/* a name or fingerprint matched */
#define TLS_CERT_VERIFIED	(TLS_CERT_TRUSTED | TLS_CERT_MATCHED)

/*
 * An established session; read-only for callers. Strings are owned by
 * the session. Names are OpenSSL's ("TLSv1.3", "TLS_AES_256_GCM_SHA384").
 */
typedef struct TLS_SESS {
	const char *protocol;		/* "TLSv1.2", "TLSv1.3" */
	const char *cipher_name;
	int	cipher_usebits;
	int	cipher_algbits;
	char   *kex_name;		/* "X25519", NULL if unknown */
	char   *peer_CN;		/* subject CN, NULL if no certificate */
	char   *issuer_CN;		/* issuer CN, NULL if none */
	char   *peer_cert_fprint;	/* hex with colons, per *_fingerprint_digest */
	char   *peer_pkey_fprint;	/* of the public key */
	int	peer_status;		/* TLS_CERT_* */
	int	session_reused;		/* resumed from the cache or a ticket */
	int	level;			/* TLS_LEV_* the session was made for */
	void   *impl;			/* library private */
} TLS_SESS;

/*
 * "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
 * key-exchange X25519 server-signature RSA-PSS (2048 bits)
 * server-digest SHA256": the text Postfix puts after "established
 * from host[addr]: " and (in parentheses, after "using ") in the
 * Received: header. Replaces out's contents.
 */
extern void tls_session_summary(const TLS_SESS *sess, struct STRBUF *out);

/*
 * End the session. failure: the connection is broken (no
 * close_notify). The stream goes back to plain system calls; its
 * descriptor stays open (the caller closes the stream).
 */
extern void tls_session_stop(TLS_SESS *sess, struct IOSTREAM *stream,
			     int failure);

/*
 * postconf -T: "compile-version" and "run-version" (OpenSSL's version
 * text for the headers and for the running library) or
 * "public-key-algorithms" (rsa, ecdsa, ed25519, ed448: those the
 * library has). Appends the lines to out and returns 0; -1 for an
 * unknown mode. Without TLS support: 0 and nothing appended.
 */
extern int tls_info(const char *mode, struct ARGV *out);

/* Server side (smtpd). */
typedef struct TLS_SERVER_CTX TLS_SERVER_CTX;

typedef struct TLS_SERVER_INIT {
	int	loglevel;		/* smtpd_tls_loglevel */
	const char *cert_file;		/* RSA (or any) certificate chain */
	const char *key_file;
	const char *eccert_file;	/* optional second (ECDSA) pair */
	const char *eckey_file;
	const char *chain_files;	/* smtpd_tls_chain_files: when set,
					 * used instead of the four above */
	const char *CAfile;		/* for client certificates */
	const char *CApath;
	const char *protocols;		/* ">=TLSv1", "!SSLv2, !SSLv3" */
	const char *cipher_grade;	/* "high", "medium", "low", "export",
					 * "null" */
	const char *exclude_ciphers;	/* OpenSSL cipher names, separated
					 * by space, comma or colon */
	int	ask_ccert;		/* request a client certificate */
	int	verifydepth;
	const char *fpt_dgst;		/* "sha256", "sha1", "md5" */
	const char *cache_db;		/* "btree:/path", "" for none */
	int	cache_timeout;		/* seconds */
	int	issue_session_ids;	/* smtpd_tls_always_issue_session_ids */
} TLS_SERVER_INIT;

/*
 * Load certificates and keys, check that they match, set trust,
 * protocols, ciphers and the session cache. NULL with the reason in
 * why (and nothing logged) when the context cannot work, for example
 * a missing or unreadable certificate: smtpd then offers no STARTTLS
 * (or answers "454 4.7.0 TLS not available due to local problem").
 */
extern TLS_SERVER_CTX *tls_server_init(const TLS_SERVER_INIT *init,
				       struct STRBUF *why);

/*
 * Handshake as the server on stream (already connected; its pending
 * plaintext input must have been purged by the caller). timeout:
 * seconds for the whole handshake. namaddr: "host[addr]" for logs.
 * req_ccert: fail unless the client sends a trusted certificate.
 * Logs "Anonymous/Untrusted/Trusted TLS connection established from
 * namaddr: summary" on success, the OpenSSL reason on failure.
 * Returns NULL on failure: the connection is then unusable.
 */
extern TLS_SESS *tls_server_start(TLS_SERVER_CTX *ctx,
				  struct IOSTREAM *stream, int timeout,
				  const char *namaddr, int req_ccert);

extern void tls_server_free(TLS_SERVER_CTX *ctx);

/* Client side (smtp, lmtp). */
typedef struct TLS_CLIENT_CTX TLS_CLIENT_CTX;

typedef struct TLS_CLIENT_INIT {
	int	loglevel;		/* smtp_tls_loglevel */
	const char *cert_file;		/* optional client certificate */
	const char *key_file;
	const char *chain_files;
	const char *CAfile;		/* trust for verify/secure */
	const char *CApath;
	int	verifydepth;
	const char *fpt_dgst;
	const char *cache_db;		/* "btree:/path", "" for none */
	int	cache_timeout;
} TLS_CLIENT_INIT;

extern TLS_CLIENT_CTX *tls_client_init(const TLS_CLIENT_INIT *init,
				       struct STRBUF *why);

typedef struct TLS_CLIENT_START {
	int	level;			/* TLS_LEV_MAY or stronger */
	int	timeout;		/* seconds for the handshake */
	const char *protocols;		/* as chosen for the level: the
					 * mandatory_* ones for encrypt and
					 * up */
	const char *cipher_grade;
	const char *exclude_ciphers;
	const char *namaddrport;	/* "host[addr]:port" for logs */
	const char *serverid;		/* session cache key, e.g.
					 * "smtp:addr:port:nexthop" */
	const char *sni;		/* server name indication, NULL: none */
	struct ARGV *matchargv;		/* verify/secure: names to match
					 * (already expanded from hostname,
					 * nexthop, dot-nexthop by the
					 * caller); fingerprint: digests */
} TLS_CLIENT_START;

/*
 * Handshake as the client. At verify/secure, a certificate that is not
 * trusted or does not match fails the session with why set ("Server
 * certificate not trusted", "Server certificate not verified"); at
 * fingerprint, a certificate none of whose fingerprints is listed
 * fails the same way. At may/encrypt nothing about the certificate
 * fails. Logs "Anonymous/Untrusted/Trusted/Verified TLS connection
 * established to namaddrport: summary". NULL on failure, with why.
 */
extern TLS_SESS *tls_client_start(TLS_CLIENT_CTX *ctx,
				  struct IOSTREAM *stream,
				  const TLS_CLIENT_START *start,
				  struct STRBUF *why);

extern void tls_client_free(TLS_CLIENT_CTX *ctx);

#endif
