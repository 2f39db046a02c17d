/*
 * tls_misc.c - shared TLS pieces: protocols, ciphers, options, trust,
 * certificates, fingerprints, the session record and its summary
 *
 * The protocol and cipher parsers are pure and built even without
 * OpenSSL (the unit tests run them everywhere); the rest needs USE_TLS.
 * Names follow Postfix: the summary text is the one Postfix logs after
 * "TLS connection established from ...: " and puts in Received:.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "params_tls.h"
#include "tls.h"
#include "tls_int.h"

#ifdef USE_TLS
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#endif

/* Protocol names in version order, one bit each (TLS_PROTO_*). */
static const struct {
	const char *name;
	int	bit;
} tls_proto_names[] = {
	{"SSLv2", TLS_PROTO_SSLv2},
	{"SSLv3", TLS_PROTO_SSLv3},
	{"TLSv1", TLS_PROTO_TLSv1},
	{"TLSv1.1", TLS_PROTO_TLSv1_1},
	{"TLSv1.2", TLS_PROTO_TLSv1_2},
	{"TLSv1.3", TLS_PROTO_TLSv1_3},
};

#define TLS_PROTO_COUNT	(sizeof(tls_proto_names) / sizeof(tls_proto_names[0]))

/* tls_proto_bit - protocol name to its bit, 0 if unknown */

static int
tls_proto_bit(const char *name)
{
	size_t  i;

	for (i = 0; i < TLS_PROTO_COUNT; i++)
		if (strcasecmp(name, tls_proto_names[i].name) == 0)
			return tls_proto_names[i].bit;
	return 0;
}

/* tls_protocol_mask - Postfix protocol list to the enabled set */

int
tls_protocol_mask(const char *list)
{
	char   *copy = xstrdup(list ? list : "");
	char   *cp = copy;
	char   *tok;
	int	include = 0;
	int	exclude = 0;
	int	range = TLS_PROTO_ALL;
	int	bit;
	int	enabled;

	while ((tok = token_next(&cp, " \t,:")) != 0) {
		if (strncmp(tok, ">=", 2) == 0 || strncmp(tok, "<=", 2) == 0) {
			if ((bit = tls_proto_bit(tok + 2)) == 0) {
				log_warn("Invalid TLS protocol list \"%s\": "
					 "ignoring \"%s\"", list, tok);
				continue;
			}
			if (tok[0] == '>')	/* this bit and all above */
				range &= ~(bit - 1);
			else			/* this bit and all below */
				range &= (bit << 1) - 1;
		} else if (tok[0] == '!') {
			if ((bit = tls_proto_bit(tok + 1)) == 0)
				log_warn("Invalid TLS protocol list \"%s\": "
					 "ignoring \"%s\"", list, tok);
			exclude |= bit;
		} else {
			if ((bit = tls_proto_bit(tok)) == 0)
				log_warn("Invalid TLS protocol list \"%s\": "
					 "ignoring \"%s\"", list, tok);
			include |= bit;
		}
	}
	xfree(copy);
	enabled = (include ? include : TLS_PROTO_ALL) & ~exclude & range;
	return enabled;
}

/* tls_cipher_list - grade and exclusions to an OpenSSL cipher list */

int
tls_cipher_list(const char *grade, const char *exclude, STRBUF *out,
		STRBUF *why)
{
	const char *list;
	char   *copy;
	char   *cp;
	char   *tok;

	/* The defaults are Postfix 3.7's, for callers without main.cf. */
	if (grade == 0 || strcasecmp(grade, "medium") == 0)
		list = var_tls_medium_cipherlist ? var_tls_medium_cipherlist :
		    "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH";
	else if (strcasecmp(grade, "high") == 0)
		list = var_tls_high_cipherlist ? var_tls_high_cipherlist :
		    "aNULL:-aNULL:HIGH:@STRENGTH";
	else if (strcasecmp(grade, "low") == 0)
		list = var_tls_low_cipherlist ? var_tls_low_cipherlist :
		    "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH";
	else if (strcasecmp(grade, "export") == 0)
		list = var_tls_export_cipherlist ? var_tls_export_cipherlist :
		    "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH";
	else if (strcasecmp(grade, "null") == 0)
		list = var_tls_null_cipherlist ? var_tls_null_cipherlist :
		    "eNULL:!aNULL";
	else {
		strbuf_printf(why, "invalid cipher grade: \"%s\"", grade);
		return -1;
	}
	strbuf_set(out, list);
	copy = xstrdup(exclude ? exclude : "");
	cp = copy;
	while ((tok = token_next(&cp, " \t,:")) != 0)
		strbuf_append_printf(out, ":!%s", tok);
	xfree(copy);
	return 0;
}

#ifdef USE_TLS

/* strbuf_detach_free - the text of out, which is freed */

static char *
strbuf_detach_free(STRBUF *out)
{
	char   *text = strbuf_detach(out);

	strbuf_free(&out);
	return text;
}

/* tls_log_errors - log and clear the OpenSSL error queue */

void
tls_log_errors(int warn)
{
	unsigned long err;
	char	buf[256];

	while ((err = ERR_get_error()) != 0) {
		if (!warn)
			continue;
		ERR_error_string_n(err, buf, sizeof(buf));
		log_warn("TLS library problem: %s", buf);
	}
}

/* tls_apply_protocols - set the version range and gaps on ctx or ssl */

int
tls_apply_protocols(SSL_CTX *ctx, SSL *ssl, const char *list)
{
	static const struct {
		int	bit;
		int	version;
		uint64_t op;
	} map[] = {
		{TLS_PROTO_SSLv3, SSL3_VERSION, SSL_OP_NO_SSLv3},
		{TLS_PROTO_TLSv1, TLS1_VERSION, SSL_OP_NO_TLSv1},
		{TLS_PROTO_TLSv1_1, TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
		{TLS_PROTO_TLSv1_2, TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
		{TLS_PROTO_TLSv1_3, TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
	};
	int	mask = tls_protocol_mask(list);
	int	min = 0;
	int	max = 0;
	uint64_t off = 0;
	size_t  i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (mask & map[i].bit) {
			if (min == 0)
				min = map[i].version;
			max = map[i].version;
		}
	}
	/* Versions inside the range that the list leaves out. */
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((mask & map[i].bit) == 0 && map[i].version > min
		    && map[i].version < max)
			off |= map[i].op;
	if (min == 0) {				/* nothing left: fail closed */
		min = max = TLS1_3_VERSION;
		off = SSL_OP_NO_TLSv1_3;
	}
	if (ctx) {
		SSL_CTX_set_min_proto_version(ctx, min);
		SSL_CTX_set_max_proto_version(ctx, max);
		SSL_CTX_clear_options(ctx, SSL_OP_NO_SSL_MASK);
		SSL_CTX_set_options(ctx, off);
	}
	if (ssl) {
		SSL_set_min_proto_version(ssl, min);
		SSL_set_max_proto_version(ssl, max);
		SSL_clear_options(ssl, SSL_OP_NO_SSL_MASK);
		SSL_set_options(ssl, off);
	}
	return mask;
}

/* tls_apply_ciphers - set the TLS 1.2 and older cipher list */

int
tls_apply_ciphers(SSL_CTX *ctx, SSL *ssl, const char *grade,
		  const char *exclude, STRBUF *why)
{
	STRBUF *list = strbuf_create(100);
	int	ok;

	if (tls_cipher_list(grade, exclude, list, why) < 0) {
		strbuf_free(&list);
		return -1;
	}
	ok = ctx ? SSL_CTX_set_cipher_list(ctx, strbuf_str(list)) :
	    SSL_set_cipher_list(ssl, strbuf_str(list));
	if (!ok) {
		strbuf_printf(why, "invalid cipher list: \"%s\"",
			      strbuf_str(list));
		ERR_clear_error();
		strbuf_free(&list);
		return -1;
	}
	strbuf_free(&list);
	return 0;
}

/* tls_apply_options - tls_ssl_options, curves, server preference */

void
tls_apply_options(SSL_CTX *ctx)
{
	static const struct {
		const char *name;
		uint64_t op;
	} opts[] = {
		{"NO_TICKET", SSL_OP_NO_TICKET},
		{"NO_COMPRESSION", SSL_OP_NO_COMPRESSION},
		{"ENABLE_MIDDLEBOX_COMPAT", SSL_OP_ENABLE_MIDDLEBOX_COMPAT},
		{"LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT},
		{"NO_RENEGOTIATION", SSL_OP_NO_RENEGOTIATION},
		{"NO_SESSION_RESUMPTION_ON_RENEGOTIATION",
		SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION},
		{"PRIORITIZE_CHACHA", SSL_OP_PRIORITIZE_CHACHA},
		{"ENABLE_KTLS", SSL_OP_ENABLE_KTLS},
		{"NO_QUERY_MTU", SSL_OP_NO_QUERY_MTU},
		{"TLSEXT_PADDING", SSL_OP_TLSEXT_PADDING},
		{"DONT_INSERT_EMPTY_FRAGMENTS",
		SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS},
		{"CRYPTOPRO_TLSEXT_BUG", SSL_OP_CRYPTOPRO_TLSEXT_BUG},
	};
	const char *curves = var_tls_eecdh_auto_curves ?
	    var_tls_eecdh_auto_curves :
	    "X25519 X448 prime256v1 secp521r1 secp384r1";
	STRBUF *groups = strbuf_create(100);
	char   *copy;
	char   *cp;
	char   *tok;
	size_t  i;

	/*
	 * Postfix: compression off; a peer that closes without
	 * close_notify is an end of file, not an error.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_NO_COMPRESSION
			    | SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* The stream may retry a write from a moved buffer, or take part. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
			 | SSL_MODE_ENABLE_PARTIAL_WRITE);
	if (var_tls_preempt_cipherlist)
		SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);

	copy = xstrdup(var_tls_ssl_options ? var_tls_ssl_options : "");
	cp = copy;
	while ((tok = token_next(&cp, " \t,:")) != 0) {
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			if (strcasecmp(tok, opts[i].name) == 0)
				break;
		if (i < sizeof(opts) / sizeof(opts[0]))
			SSL_CTX_set_options(ctx, opts[i].op);
		else
			log_warn("ignoring unknown tls_ssl_options value: "
				 "\"%s\"", tok);
	}
	xfree(copy);

	/* Keep only the curves this OpenSSL knows. */
	copy = xstrdup(curves);
	cp = copy;
	while ((tok = token_next(&cp, " \t,:")) != 0) {
		int	nid = OBJ_sn2nid(tok);

		if (nid == NID_undef)
			nid = EC_curve_nist2nid(tok);
		if (nid == NID_undef)
			nid = OBJ_ln2nid(tok);
		if (nid == NID_undef) {
			log_warn("ignoring unknown curve in "
				 "tls_eecdh_auto_curves: \"%s\"", tok);
			continue;
		}
		if (strbuf_len(groups))
			strbuf_append_char(groups, ':');
		strbuf_append_str(groups, tok);
	}
	xfree(copy);
	if (strbuf_len(groups)
	    && !SSL_CTX_set1_groups_list(ctx, strbuf_str(groups))) {
		log_warn("cannot set tls_eecdh_auto_curves \"%s\": "
			 "using the OpenSSL defaults", strbuf_str(groups));
		ERR_clear_error();
	}
	strbuf_free(&groups);
}

/* tls_load_trust - CAfile, CApath and optionally the system store */

int
tls_load_trust(SSL_CTX *ctx, const char *CAfile, const char *CApath,
	       STRBUF *why)
{
	if (CAfile && *CAfile == 0)
		CAfile = 0;
	if (CApath && *CApath == 0)
		CApath = 0;
	if ((CAfile || CApath)
	    && !SSL_CTX_load_verify_locations(ctx, CAfile, CApath)) {
		strbuf_printf(why, "cannot load Certification Authority data, "
			      "CAfile=\"%s\" CApath=\"%s\"",
			      CAfile ? CAfile : "", CApath ? CApath : "");
		tls_log_errors(1);
		return -1;
	}
	if (var_tls_append_default_CA && !SSL_CTX_set_default_verify_paths(ctx)) {
		strbuf_printf(why, "cannot load the default Certification "
			      "Authority data");
		tls_log_errors(1);
		return -1;
	}
	return 0;
}

/* tls_load_certs - one certificate chain and its key */

int
tls_load_certs(SSL_CTX *ctx, const char *cert, const char *key, STRBUF *why)
{
	if (key == 0 || *key == 0)
		key = cert;
	if (!SSL_CTX_use_certificate_chain_file(ctx, cert)) {
		strbuf_printf(why, "cannot load certificate chain from file %s",
			      cert);
		tls_log_errors(1);
		return -1;
	}
	if (!SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM)) {
		strbuf_printf(why, "cannot load private key from file %s", key);
		tls_log_errors(1);
		return -1;
	}
	if (!SSL_CTX_check_private_key(ctx)) {
		strbuf_printf(why, "private key in %s does not match public key "
			      "in %s", key, cert);
		tls_log_errors(1);
		return -1;
	}
	return 0;
}

/* tls_load_chain_files - each file: a key and its certificate chain */

int
tls_load_chain_files(SSL_CTX *ctx, const char *files, STRBUF *why)
{
	char   *copy = xstrdup(files);
	char   *cp = copy;
	char   *tok;
	int	count = 0;

	while ((tok = token_next(&cp, " \t,")) != 0) {
		if (tls_load_certs(ctx, tok, tok, why) < 0) {
			xfree(copy);
			return -1;
		}
		count++;
	}
	xfree(copy);
	if (count == 0) {
		strbuf_printf(why, "no files in chain_files list");
		return -1;
	}
	return 0;
}

/* tls_fingerprint - hex digest of a certificate or its public key */

char   *
tls_fingerprint(X509 *cert, const char *dgst, int pkey)
{
	const EVP_MD *md = EVP_get_digestbyname(dgst ? dgst : "sha256");
	unsigned char *der = 0;
	unsigned char md_buf[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	STRBUF *out;
	int	len;
	unsigned int i;

	if (md == 0) {
		log_warn("unsupported fingerprint digest: \"%s\"", dgst);
		return 0;
	}
	if (pkey)
		len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	else
		len = i2d_X509(cert, &der);
	if (len <= 0) {
		tls_log_errors(1);
		return 0;
	}
	if (!EVP_Digest(der, (size_t) len, md_buf, &md_len, md, 0)) {
		OPENSSL_free(der);
		tls_log_errors(1);
		return 0;
	}
	OPENSSL_free(der);
	out = strbuf_create(3 * md_len + 1);
	for (i = 0; i < md_len; i++)
		strbuf_append_printf(out, "%s%02X", i ? ":" : "", md_buf[i]);
	return strbuf_detach_free(out);
}

/* tls_text_field - printable copy of a name's field, NULL if none */

static char *
tls_text_field(X509_NAME *name, int nid)
{
	int	pos;
	unsigned char *utf8 = 0;
	int	len;
	char   *res;
	int	i;

	if (name == 0 || (pos = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return 0;
	len = ASN1_STRING_to_UTF8(&utf8,
		X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos)));
	if (len < 0)
		return 0;
	res = xstrndup((char *) utf8, (size_t) len);
	OPENSSL_free(utf8);
	/* Peer data: keep it printable for the logs. */
	for (i = 0; res[i]; i++)
		if ((unsigned char) res[i] < 0x20 || res[i] == 0x7f)
			res[i] = '?';
	return res;
}

/* tls_sig_name - signature algorithm name as Postfix prints it */

static const char *
tls_sig_name(int nid)
{
	switch (nid) {
	case EVP_PKEY_RSA:
		return "RSA";
	case EVP_PKEY_RSA_PSS:
		return "RSA-PSS";
	case EVP_PKEY_EC:
		return "ECDSA";
	case EVP_PKEY_DSA:
		return "DSA";
	case EVP_PKEY_ED25519:
		return "ED25519";
	case EVP_PKEY_ED448:
		return "ED448";
	default:
		return OBJ_nid2sn(nid);
	}
}

/* tls_append_curve - " (P-256)": the NIST name of a key's curve if any */

static void
tls_append_curve(STRBUF *out, EVP_PKEY *key)
{
	char	group[80];
	size_t  len = 0;
	const char *nist;
	int	nid;

	if (!EVP_PKEY_get_group_name(key, group, sizeof(group), &len)) {
		strbuf_append_str(out, " (unknown)");
		return;
	}
	nid = OBJ_sn2nid(group);
	nist = nid != NID_undef ? EC_curve_nid2nist(nid) : 0;
	strbuf_append_printf(out, " (%s)", nist ? nist : group);
}

/* tls_append_sig - " server-signature RSA-PSS (2048 bits) server-digest SHA256" */

static void
tls_append_sig(STRBUF *out, const char *who, SSL *ssl, int peer)
{
	int	sig_nid;
	int	md_nid;
	EVP_PKEY *key;
	X509   *cert;

	if (peer) {
		if (!SSL_get_peer_signature_type_nid(ssl, &sig_nid))
			return;
		cert = SSL_get0_peer_certificate(ssl);
	} else {
		if (!SSL_get_signature_type_nid(ssl, &sig_nid))
			return;
		cert = SSL_get_certificate(ssl);
	}
	strbuf_append_printf(out, " %s-signature %s", who,
			     tls_sig_name(sig_nid));
	if (cert && (key = X509_get0_pubkey(cert)) != 0) {
		if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)
			tls_append_curve(out, key);
		else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA
			 || EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA_PSS
			 || EVP_PKEY_get_base_id(key) == EVP_PKEY_DSA)
			strbuf_append_printf(out, " (%d bits)",
					     EVP_PKEY_get_bits(key));
	}
	if ((peer ? SSL_get_peer_signature_nid(ssl, &md_nid) :
	     SSL_get_signature_nid(ssl, &md_nid)) && md_nid != NID_undef)
		strbuf_append_printf(out, " %s-digest %s", who,
				     OBJ_nid2sn(md_nid));
}

/* tls_make_summary - the Postfix summary text */

static char *
tls_make_summary(TLS_SESS *sess, SSL *ssl, int is_server)
{
	STRBUF *out = strbuf_create(200);

	strbuf_printf(out, "%s with cipher %s (%d/%d bits)", sess->protocol,
		      sess->cipher_name, sess->cipher_usebits,
		      sess->cipher_algbits);
	if (sess->kex_name)
		strbuf_append_printf(out, " key-exchange %s", sess->kex_name);
	tls_append_sig(out, "server", ssl, !is_server);
	tls_append_sig(out, "client", ssl, is_server);
	return strbuf_detach_free(out);
}

/* tls_kex_name - "X25519", "ECDHE (P-256)", "DHE (2048 bits)" */

static char *
tls_kex_name(SSL *ssl)
{
	EVP_PKEY *key = 0;
	STRBUF *out;
	int	id;

	if (!SSL_get_peer_tmp_key(ssl, &key) && !SSL_get_tmp_key(ssl, &key)) {

		/*
		 * A TLS 1.2 server has freed both ECDHE keys by now; the
		 * group is still known. (A resumed TLS 1.2 session has
		 * none, and Postfix then prints no key-exchange either.)
		 */
		if (SSL_session_reused(ssl) && SSL_version(ssl) < TLS1_3_VERSION)
			return 0;
		id = SSL_get_negotiated_group(ssl);
		if (id <= 0 || id == NID_undef || (id & TLSEXT_nid_unknown))
			return 0;
		if (id == NID_X25519 || id == NID_X448)
			return xstrdup(OBJ_nid2sn(id));
		if (EC_curve_nid2nist(id))
			return str_concat("ECDHE (", EC_curve_nid2nist(id), ")",
					  (char *) 0);
		return xstrdup(OBJ_nid2sn(id));
	}
	out = strbuf_create(40);
	switch (id = EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_EC:
		strbuf_set(out, "ECDHE");
		tls_append_curve(out, key);
		break;
	case EVP_PKEY_DH:
		strbuf_printf(out, "DHE (%d bits)", EVP_PKEY_get_bits(key));
		break;
	case EVP_PKEY_X25519:
		strbuf_set(out, "X25519");
		break;
	case EVP_PKEY_X448:
		strbuf_set(out, "X448");
		break;
	default:
		strbuf_set(out, EVP_PKEY_get0_type_name(key) ?
			   EVP_PKEY_get0_type_name(key) : OBJ_nid2sn(id));
		break;
	}
	EVP_PKEY_free(key);
	return strbuf_detach_free(out);
}

/* tls_session_new - fill a TLS_SESS from an established connection */

TLS_SESS *
tls_session_new(SSL *ssl, int loglevel, int is_server, const char *fpt_dgst,
		int level)
{
	TLS_SESS *sess = xcalloc(1, sizeof(*sess));
	TLS_IMPL *impl = xcalloc(1, sizeof(*impl));
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
	X509   *peer = SSL_get0_peer_certificate(ssl);

	impl->ssl = ssl;
	impl->loglevel = loglevel;
	impl->is_server = is_server;
	sess->impl = impl;
	sess->level = level;
	sess->protocol = SSL_get_version(ssl);
	sess->cipher_name = cipher ? SSL_CIPHER_get_name(cipher) : "unknown";
	sess->cipher_usebits = cipher ?
	    SSL_CIPHER_get_bits(cipher, &sess->cipher_algbits) : 0;
	sess->kex_name = tls_kex_name(ssl);
	sess->session_reused = SSL_session_reused(ssl);
	if (peer) {
		sess->peer_status |= TLS_CERT_PRESENT;
		if (SSL_get_verify_result(ssl) == X509_V_OK)
			sess->peer_status |= TLS_CERT_TRUSTED;
		sess->peer_CN = tls_text_field(X509_get_subject_name(peer),
					       NID_commonName);
		sess->issuer_CN = tls_text_field(X509_get_issuer_name(peer),
						 NID_commonName);
		if (sess->issuer_CN == 0)
			sess->issuer_CN = tls_text_field(
			  X509_get_issuer_name(peer), NID_organizationName);
		sess->peer_cert_fprint = tls_fingerprint(peer, fpt_dgst, 0);
		sess->peer_pkey_fprint = tls_fingerprint(peer, fpt_dgst, 1);
	}
	impl->summary = tls_make_summary(sess, ssl, is_server);
	return sess;
}

/* tls_log_established - the session line of smtpd and smtp logs */

void
tls_log_established(const TLS_SESS *sess, int loglevel, const char *status,
		    const char *direction, const char *namaddr)
{
	if (loglevel >= 1)
		log_info("%s TLS connection established %s %s: %s", status,
			 direction, namaddr, ((TLS_IMPL *) sess->impl)->summary);
	if (loglevel >= 2 && sess->session_reused)
		log_info("%s: Reusing old session", namaddr);
}

/* tls_ctx_new - an OpenSSL context with the shared settings */

SSL_CTX *
tls_ctx_new(int is_server, int loglevel, STRBUF *why)
{
	SSL_CTX *ssl_ctx;

	ERR_clear_error();
	ssl_ctx = SSL_CTX_new(is_server ? TLS_server_method() :
			      TLS_client_method());
	if (ssl_ctx == 0) {
		strbuf_printf(why, "cannot allocate a TLS %s context",
			      is_server ? "server" : "client");
		tls_log_errors(1);
		return 0;
	}
	if (loglevel >= 2)
		SSL_CTX_set_info_callback(ssl_ctx, tls_info_callback);
	tls_apply_options(ssl_ctx);
	return ssl_ctx;
}

/* tls_fpt_dgst_name - the digest for fingerprints */

char   *
tls_fpt_dgst_name(const char *name)
{
	return xstrdup(name && *name ? name : "sha256");
}

/* tls_scache_open_or_warn - a context's session cache, if any */

TLS_SCACHE *
tls_scache_open_or_warn(const char *db, int timeout)
{
	TLS_SCACHE *cache;
	STRBUF *why;

	if (db == 0 || *db == 0 || timeout <= 0)
		return 0;
	why = strbuf_create(100);
	if ((cache = tls_scache_open(db, timeout, why)) == 0)
		log_warn("cannot open TLS session cache %s: %s", db,
			 strbuf_str(why));
	strbuf_free(&why);
	return cache;
}

/* tls_ctx_release - the OpenSSL context, cache and digest name */

void
tls_ctx_release(SSL_CTX *ssl_ctx, TLS_SCACHE *cache, char *fpt_dgst)
{
	SSL_CTX_set_app_data(ssl_ctx, 0);
	SSL_CTX_free(ssl_ctx);
	if (cache)
		tls_scache_close(cache);
	xfree(fpt_dgst);
}

/* tls_session_free - free a session record and its SSL */

void
tls_session_free(TLS_SESS *sess)
{
	TLS_IMPL *impl = sess->impl;

	if (impl) {
		if (impl->ssl) {
			xfree(SSL_get_app_data(impl->ssl));
			SSL_free(impl->ssl);
		}
		xfree(impl->summary);
		xfree(impl);
	}
	xfree(sess->kex_name);
	xfree(sess->peer_CN);
	xfree(sess->issuer_CN);
	xfree(sess->peer_cert_fprint);
	xfree(sess->peer_pkey_fprint);
	xfree(sess);
}

/* tls_session_summary - the Postfix summary text */

void
tls_session_summary(const TLS_SESS *sess, STRBUF *out)
{
	const TLS_IMPL *impl = sess->impl;

	strbuf_set(out, impl && impl->summary ? impl->summary : "");
}

#else					/* USE_TLS */

/* tls_session_summary - without TLS there are no sessions */

void
tls_session_summary(const TLS_SESS *sess, STRBUF *out)
{
	(void) sess;
	strbuf_reset(out);
}

/* tls_session_stop - without TLS there are no sessions */

void
tls_session_stop(TLS_SESS *sess, struct IOSTREAM *stream, int failure)
{
	(void) sess;
	(void) stream;
	(void) failure;
}

/* tls_server_init - refuse: TLS support is not compiled in */

TLS_SERVER_CTX *
tls_server_init(const TLS_SERVER_INIT *init, STRBUF *why)
{
	(void) init;
	strbuf_set(why, "TLS support is not compiled in");
	return 0;
}

/* tls_server_start - never reached without a context */

TLS_SESS *
tls_server_start(TLS_SERVER_CTX *ctx, struct IOSTREAM *stream, int timeout,
		 const char *namaddr, int req_ccert)
{
	(void) ctx;
	(void) stream;
	(void) timeout;
	(void) req_ccert;
	log_warn("%s: TLS support is not compiled in", namaddr);
	return 0;
}

/* tls_server_free - nothing to free */

void
tls_server_free(TLS_SERVER_CTX *ctx)
{
	(void) ctx;
}

/* tls_client_init - refuse: TLS support is not compiled in */

TLS_CLIENT_CTX *
tls_client_init(const TLS_CLIENT_INIT *init, STRBUF *why)
{
	(void) init;
	strbuf_set(why, "TLS support is not compiled in");
	return 0;
}

/* tls_client_start - never reached without a context */

TLS_SESS *
tls_client_start(TLS_CLIENT_CTX *ctx, struct IOSTREAM *stream,
		 const TLS_CLIENT_START *start, STRBUF *why)
{
	(void) ctx;
	(void) stream;
	(void) start;
	strbuf_set(why, "TLS support is not compiled in");
	return 0;
}

/* tls_client_free - nothing to free */

void
tls_client_free(TLS_CLIENT_CTX *ctx)
{
	(void) ctx;
}

#endif					/* USE_TLS */
