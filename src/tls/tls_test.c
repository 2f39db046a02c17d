/*
 * tls_test.c - unit tests for the TLS library: parsers, handshakes over
 * a socketpair (the server in a forked child), verification levels,
 * fingerprints, client certificates and session caches
 *
 * Certificates are made here with the OpenSSL API, in a private
 * temporary directory. The child reports its view of the session
 * through the TLS stream itself, so one channel carries everything.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "argv.h"
#include "stringops.h"
#include "iostream.h"
#include "tls.h"
#include "tls_int.h"

#ifdef USE_TLS

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static char *dir;
static char *ca_file;			/* the CA that signed the others */
static char *other_ca_file;		/* an unrelated CA */
static char *server_file;		/* cert + key, RSA 2048 */
static char *client_file;		/* cert + key, EC P-256 */
static char *ecserver_file;		/* cert + key, EC P-256 */
static char *server_fpt;		/* sha256 of the server certificate */
static char *server_pkey_fpt;
static STRBUF *logged;

/* capture - keep log lines */

static void
capture(int level, const char *text)
{
	(void) level;
	strbuf_append_printf(logged, "%s\n", text);
}

/* make_cert - a certificate for key, signed by ca_key (or itself) */

static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key,
	  const char *san, long serial)
{
	X509   *cert = X509_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	assert_non_null(cert);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN",
				   MBSTRING_ASC, (const unsigned char *) cn,
				   -1, -1, 0);
	X509_set_issuer_name(cert, ca ? X509_get_subject_name(ca) :
			     X509_get_subject_name(cert));
	X509V3_set_ctx(&v3, ca ? ca : cert, cert, 0, 0, 0);
	ext = X509V3_EXT_conf_nid(0, &v3, NID_basic_constraints,
				  ca ? "critical,CA:FALSE" : "critical,CA:TRUE");
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	if (san) {
		ext = X509V3_EXT_conf_nid(0, &v3, NID_subject_alt_name, san);
		assert_non_null(ext);
		X509_add_ext(cert, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(cert, ca_key ? ca_key : key, EVP_sha256()) > 0);
	return cert;
}

/* write_pem - certificate (and key) into dir/name */

static char *
write_pem(const char *name, X509 *cert, EVP_PKEY *key)
{
	char   *path = str_concat(dir, "/", name, (char *) 0);
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	if (key)
		assert_true(PEM_write_PrivateKey(fp, key, 0, 0, 0, 0, 0));
	assert_true(PEM_write_X509(fp, cert));
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* setup - certificates, scratch directory, log capture */

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/tls_test.XXXXXX";
	EVP_PKEY *ca_key;
	EVP_PKEY *other_key;
	EVP_PKEY *srv_key;
	EVP_PKEY *cl_key;
	EVP_PKEY *ec_key;
	X509   *ec;
	X509   *ca;
	X509   *other;
	X509   *srv;
	X509   *cl;

	(void) state;
	if (mkdtemp(tmpl) == 0)
		return -1;
	dir = xstrdup(tmpl);
	logged = strbuf_create(1000);
	log_init("tls_test", 0);
	log_add_output(capture);

	ca_key = EVP_EC_gen("P-256");
	other_key = EVP_EC_gen("P-256");
	srv_key = EVP_RSA_gen(2048);
	cl_key = EVP_EC_gen("P-256");
	ec_key = EVP_EC_gen("P-256");
	if (!ca_key || !other_key || !srv_key || !cl_key || !ec_key)
		return -1;
	ca = make_cert(ca_key, "Test CA", 0, 0, 0, 1);
	other = make_cert(other_key, "Other CA", 0, 0, 0, 2);
	srv = make_cert(srv_key, "mail.example.com", ca, ca_key,
			"DNS:localhost, DNS:mail.example.com", 3);
	cl = make_cert(cl_key, "client.example.com", ca, ca_key,
		       "DNS:client.example.com", 4);
	ec = make_cert(ec_key, "mail.example.com", ca, ca_key,
		       "DNS:mail.example.com", 5);
	ecserver_file = write_pem("ecserver.pem", ec, ec_key);
	X509_free(ec);
	EVP_PKEY_free(ec_key);
	ca_file = write_pem("ca.pem", ca, 0);
	other_ca_file = write_pem("other.pem", other, 0);
	server_file = write_pem("server.pem", srv, srv_key);
	client_file = write_pem("client.pem", cl, cl_key);
	server_fpt = tls_fingerprint(srv, "sha256", 0);
	server_pkey_fpt = tls_fingerprint(srv, "sha256", 1);
	X509_free(ca);
	X509_free(other);
	X509_free(srv);
	X509_free(cl);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(srv_key);
	EVP_PKEY_free(cl_key);
	return server_fpt && server_pkey_fpt ? 0 : -1;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	char   *cmd = str_concat("rm -rf '", dir, "'", (char *) 0);

	(void) state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	xfree(cmd);
	xfree(dir);
	xfree(ca_file);
	xfree(other_ca_file);
	xfree(server_file);
	xfree(client_file);
	xfree(ecserver_file);
	xfree(server_fpt);
	xfree(server_pkey_fpt);
	strbuf_free(&logged);
	return 0;
}

/* Server settings for one connection. */
typedef struct {
	const char *protocols;
	const char *chain_files;
	const char *eccert_file;
	const char *cache_db;
	const char *CAfile;
	int	cache_off;		/* cache_timeout 0 */
	int	ask_ccert;
	int	req_ccert;
} SERVER_OPTS;

/* run_server - child: handshake, answer one line with its view */

static NORETURN
run_server(int fd, const SERVER_OPTS *opts)
{
	TLS_SERVER_INIT init = {
		.loglevel = 1,
		.cert_file = server_file,
		.eccert_file = opts->eccert_file,
		.chain_files = opts->chain_files,
		.CAfile = opts->CAfile ? opts->CAfile : "",
		.protocols = opts->protocols ? opts->protocols : ">=TLSv1",
		.cipher_grade = "medium",
		.exclude_ciphers = "",
		.ask_ccert = opts->ask_ccert,
		.verifydepth = 9,
		.fpt_dgst = "sha256",
		.cache_db = opts->cache_db ? opts->cache_db : "",
		.cache_timeout = opts->cache_off ? 0 : 3600,
		.issue_session_ids = 1,
	};
	STRBUF *why = strbuf_create(100);
	STRBUF *line = strbuf_create(100);
	STRBUF *summary = strbuf_create(100);
	IOSTREAM *st = iostream_fdopen(fd, O_RDWR);
	TLS_SERVER_CTX *ctx;
	TLS_SESS *sess;

	alarm(20);
	iostream_set_timeout(st, 10);
	if ((ctx = tls_server_init(&init, why)) == 0) {
		fprintf(stderr, "server init: %s\n", strbuf_str(why));
		_exit(2);
	}
	if ((sess = tls_server_start(ctx, st, 10, "localhost[127.0.0.1]",
				     opts->req_ccert)) == 0)
		_exit(1);
	if (iostream_get_line(st, line, 100, IOS_LINE_STRIP_CR)
	    != IOS_LINE_COMPLETE || strcmp(strbuf_str(line), "ping") != 0)
		_exit(3);
	tls_session_summary(sess, summary);
	iostream_printf(st, "status=%d reused=%d proto=%s summary=%s\n",
			sess->peer_status, sess->session_reused,
			sess->protocol, strbuf_str(summary));
	if (iostream_flush(st) < 0)
		_exit(4);
	tls_session_stop(sess, st, 0);
	tls_server_free(ctx);
	iostream_close(st);
	strbuf_free(&why);
	strbuf_free(&line);
	strbuf_free(&summary);
	_exit(0);
}

/* Client settings for one connection. */
typedef struct {
	int	level;
	const char *protocols;
	const char *CAfile;
	const char *cert_file;
	const char *cache_db;
	int	cache_off;		/* cache_timeout 0 */
	const char *match;		/* comma-separated */
} CLIENT_OPTS;

/* Results of one connection. */
typedef struct {
	int	ok;			/* client handshake and checks passed */
	int	status;			/* client's peer_status */
	int	reused;
	char	why[200];
	char	reply[1000];		/* the server's line, "" if none */
	char	summary[500];		/* the client's summary */
	int	server_exit;
} RESULT;

/* run_pair - one connection, server in a child, client here */

static void
run_pair(const SERVER_OPTS *sopts, const CLIENT_OPTS *copts, RESULT *res)
{
	TLS_CLIENT_INIT cinit = {
		.loglevel = 1,
		.cert_file = copts->cert_file ? copts->cert_file : "",
		.CAfile = copts->CAfile ? copts->CAfile : "",
		.verifydepth = 9,
		.fpt_dgst = "sha256",
		.cache_db = copts->cache_db ? copts->cache_db : "",
		.cache_timeout = copts->cache_off ? 0 : 3600,
	};
	ARGV   *match = argv_split(copts->match ? copts->match : "", ",");
	TLS_CLIENT_START start = {
		.level = copts->level,
		.timeout = 10,
		.protocols = copts->protocols ? copts->protocols : ">=TLSv1",
		.cipher_grade = "medium",
		.exclude_ciphers = "",
		.namaddrport = "mail.example.com[127.0.0.1]:25",
		.serverid = "smtp:127.0.0.1:25:mail.example.com",
		.sni = "mail.example.com",
		.matchargv = match,
	};
	STRBUF *why = strbuf_create(100);
	STRBUF *line = strbuf_create(100);
	STRBUF *summary = strbuf_create(100);
	TLS_CLIENT_CTX *ctx;
	TLS_SESS *sess;
	IOSTREAM *st;
	int	sv[2];
	int	wstatus;
	pid_t	pid;

	memset(res, 0, sizeof(*res));
	strbuf_reset(logged);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		run_server(sv[1], sopts);
	}
	assert_true(pid > 0);
	close(sv[1]);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout(st, 10);
	ctx = tls_client_init(&cinit, why);
	assert_non_null(ctx);
	if ((sess = tls_client_start(ctx, st, &start, why)) != 0) {
		res->ok = 1;
		res->status = sess->peer_status;
		res->reused = sess->session_reused;
		tls_session_summary(sess, summary);
		snprintf(res->summary, sizeof(res->summary), "%s",
			 strbuf_str(summary));
		iostream_puts(st, "ping\r\n");
		if (iostream_get_line(st, line, 1000, IOS_LINE_STRIP_CR)
		    == IOS_LINE_COMPLETE)
			snprintf(res->reply, sizeof(res->reply), "%s",
				 strbuf_str(line));
		tls_session_stop(sess, st, 0);
	}
	snprintf(res->why, sizeof(res->why), "%s", strbuf_str(why));
	iostream_close(st);
	tls_client_free(ctx);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	res->server_exit = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 99;
	argv_free(&match);
	strbuf_free(&why);
	strbuf_free(&line);
	strbuf_free(&summary);
}

/* test_tls13 - default negotiation, line exchange, summary text */

static void
test_tls13(void **state)
{
	SERVER_OPTS s = {0};
	CLIENT_OPTS c = {.level = TLS_LEV_MAY};
	RESULT	r;
	const char *want = "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
	    "(256/256 bits) key-exchange X25519 server-signature RSA-PSS "
	    "(2048 bits) server-digest SHA256";

	(void) state;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.server_exit, 0);
	assert_string_equal(r.summary, want);
	assert_int_equal(r.status, TLS_CERT_PRESENT);
	assert_non_null(strstr(r.reply, "status=0 reused=0 proto=TLSv1.3 "));
	assert_non_null(strstr(r.reply, want));
	assert_non_null(strstr(strbuf_str(logged),
			       "Untrusted TLS connection established to "
			       "mail.example.com[127.0.0.1]:25: TLSv1.3 with"));
}

/* test_tls12 - the protocol lists restrict the version */

static void
test_tls12(void **state)
{
	SERVER_OPTS s = {.protocols = "!SSLv2, !SSLv3, !TLSv1.3"};
	CLIENT_OPTS c = {.level = TLS_LEV_ENCRYPT, .protocols = "<=TLSv1.2"};
	RESULT	r;

	(void) state;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.server_exit, 0);
	assert_true(strncmp(r.summary, "TLSv1.2 with cipher ECDHE-RSA-", 30) == 0);
	assert_non_null(strstr(r.summary, " key-exchange X25519 "
			       "server-signature RSA-PSS (2048 bits) "
			       "server-digest SHA256"));
	assert_non_null(strstr(r.reply, "proto=TLSv1.2 summary=TLSv1.2 with"));
	assert_non_null(strstr(r.reply, " key-exchange X25519 server-signature "
			       "RSA-PSS (2048 bits) server-digest SHA256"));

	/* Disjoint lists: no handshake, and the server says why. */
	s.protocols = "TLSv1.3";
	run_pair(&s, &c, &r);
	assert_false(r.ok);
	assert_int_equal(r.server_exit, 1);
}

/* test_ecdsa - a second (ECDSA) certificate, single files or chain_files */

static void
test_ecdsa(void **state)
{
	SERVER_OPTS s = {.eccert_file = ecserver_file};
	CLIENT_OPTS c = {.level = TLS_LEV_VERIFY, .CAfile = ca_file,
	.match = "mail.example.com"};
	RESULT	r;
	char   *chain = str_concat(server_file, ", ", ecserver_file, (char *) 0);
	const char *want = " server-signature ECDSA (P-256) server-digest SHA256";

	(void) state;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_non_null(strstr(r.summary, want));
	assert_int_equal(r.status, TLS_CERT_PRESENT | TLS_CERT_VERIFIED);

	s.eccert_file = 0;
	s.chain_files = chain;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_non_null(strstr(r.summary, want));
	assert_non_null(strstr(r.reply, want));

	/* Only the RSA pair in the chain files. */
	s.chain_files = server_file;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_non_null(strstr(r.summary, " server-signature RSA-PSS (2048 bits)"));
	xfree(chain);
}

/* test_verify - CA trust and name matching at level verify */

static void
test_verify(void **state)
{
	SERVER_OPTS s = {0};
	CLIENT_OPTS c = {.level = TLS_LEV_VERIFY, .CAfile = ca_file,
	.match = "mail.example.com"};
	RESULT	r;

	(void) state;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.status, TLS_CERT_PRESENT | TLS_CERT_VERIFIED);
	assert_non_null(strstr(strbuf_str(logged),
			       "Verified TLS connection established to "));

	c.match = "nomatch.example.net,.example.com";	/* dot-nexthop */
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.status, TLS_CERT_PRESENT | TLS_CERT_VERIFIED);

	c.match = "other.example.com,example.com";
	run_pair(&s, &c, &r);
	assert_false(r.ok);
	assert_string_equal(r.why, "Server certificate not verified");

	c.match = "mail.example.com";
	c.CAfile = other_ca_file;
	run_pair(&s, &c, &r);
	assert_false(r.ok);
	assert_string_equal(r.why, "Server certificate not trusted");

	/* At may, a trusted certificate is only "Trusted". */
	c.level = TLS_LEV_MAY;
	c.CAfile = ca_file;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.status, TLS_CERT_PRESENT | TLS_CERT_TRUSTED);
	assert_non_null(strstr(strbuf_str(logged),
			       "Trusted TLS connection established to "));
}

/* test_fingerprint - certificate and public key digests */

static void
test_fingerprint(void **state)
{
	SERVER_OPTS s = {0};
	CLIENT_OPTS c = {.level = TLS_LEV_FPRINT};
	RESULT	r;
	char   *lower = xstrdup(server_fpt);
	char   *list;

	(void) state;
	assert_int_equal(strlen(server_fpt), 32 * 3 - 1);
	assert_true(server_fpt[2] == ':' && strchr(server_fpt, 'a') == 0);
	str_lower(lower);
	c.match = lower;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.status & TLS_CERT_MATCHED, TLS_CERT_MATCHED);

	list = str_concat("00:11,", server_pkey_fpt, (char *) 0);
	c.match = list;
	run_pair(&s, &c, &r);
	assert_true(r.ok);

	c.match = "00:11:22";
	run_pair(&s, &c, &r);
	assert_false(r.ok);
	assert_string_equal(r.why, "Server certificate not verified");
	xfree(lower);
	xfree(list);
}

/* test_ccert - client certificates, asked for and required */

static void
test_ccert(void **state)
{
	SERVER_OPTS s = {.CAfile = 0, .ask_ccert = 1, .req_ccert = 1};
	CLIENT_OPTS c = {.level = TLS_LEV_MAY};
	RESULT	r;

	(void) state;
	s.CAfile = ca_file;
	c.cert_file = client_file;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.server_exit, 0);
	assert_non_null(strstr(r.reply, "status=3 "));	/* present|trusted */
	assert_non_null(strstr(r.reply, " client-signature ECDSA (P-256) "
			       "client-digest SHA256"));
	assert_non_null(strstr(r.summary, " client-signature ECDSA (P-256) "
			       "client-digest SHA256"));

	/* No certificate: the server gives up after the handshake. */
	c.cert_file = 0;
	run_pair(&s, &c, &r);
	assert_int_equal(r.server_exit, 1);
	assert_string_equal(r.reply, "");

	/* Asked but not required: an anonymous session works. */
	s.req_ccert = 0;
	run_pair(&s, &c, &r);
	assert_true(r.ok);
	assert_int_equal(r.server_exit, 0);
	assert_non_null(strstr(r.reply, "status=0 "));
}

/* test_resume - sessions cached in btree tables on both sides */

static void
test_resume(void **state)
{
	char   *sdb = str_concat("btree:", dir, "/scache", (char *) 0);
	char   *cdb = str_concat("btree:", dir, "/ccache", (char *) 0);
	SERVER_OPTS s = {.cache_db = sdb};
	CLIENT_OPTS c = {.level = TLS_LEV_MAY, .cache_db = cdb};
	RESULT	r;
	int	round;

	(void) state;
	for (round = 0; round < 2; round++) {
		s.protocols = round ? "<=TLSv1.2" : ">=TLSv1";
		run_pair(&s, &c, &r);
		assert_true(r.ok);
		assert_int_equal(r.reused, 0);
		assert_non_null(strstr(r.reply, "reused=0 "));
		/* A new server process, the same table. */
		run_pair(&s, &c, &r);
		assert_true(r.ok);
		assert_int_equal(r.reused, 1);
		assert_non_null(strstr(r.reply, "reused=1 "));
		assert_non_null(strstr(r.reply, round ? "proto=TLSv1.2" :
				       "proto=TLSv1.3"));
		/* Resumed: no signature; TLS 1.2 has no key exchange. */
		assert_null(strstr(r.reply, "signature"));
		assert_true((strstr(r.reply, "key-exchange") == 0) == round);
	}
	xfree(sdb);
	xfree(cdb);
}

/* test_resume_off - a cache timeout of 0 on either side: no resumption */

static void
test_resume_off(void **state)
{
	char   *sdb = str_concat("btree:", dir, "/scache-off", (char *) 0);
	char   *cdb = str_concat("btree:", dir, "/ccache-off", (char *) 0);
	SERVER_OPTS s = {.cache_db = sdb};
	CLIENT_OPTS c = {.level = TLS_LEV_MAY, .cache_db = cdb};
	RESULT	r;
	int	side, round;

	(void) state;
	for (side = 0; side < 2; side++) {
		s.cache_off = side == 0;
		c.cache_off = side == 1;
		for (round = 0; round < 2; round++) {
			s.protocols = round ? "<=TLSv1.2" : ">=TLSv1";
			run_pair(&s, &c, &r);
			assert_true(r.ok);
			run_pair(&s, &c, &r);
			assert_true(r.ok);
			assert_int_equal(r.reused, 0);
			assert_non_null(strstr(r.reply, "reused=0 "));
		}
	}
	xfree(sdb);
	xfree(cdb);
}

/* test_timeout - a silent server: the handshake gives up in time */

static void
test_timeout(void **state)
{
	TLS_CLIENT_INIT cinit = {.fpt_dgst = "sha256", .cache_db = ""};
	TLS_CLIENT_START start = {.level = TLS_LEV_ENCRYPT, .timeout = 1,
	.protocols = ">=TLSv1.2", .cipher_grade = "high",
	.namaddrport = "silent[127.0.0.1]:25"};
	STRBUF *why = strbuf_create(100);
	TLS_CLIENT_CTX *ctx;
	IOSTREAM *st;
	int	sv[2];
	time_t	begin = time(0);

	(void) state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout(st, 10);
	assert_non_null(ctx = tls_client_init(&cinit, why));
	assert_null(tls_client_start(ctx, st, &start, why));
	assert_string_equal(strbuf_str(why), "timeout");
	assert_true(time(0) - begin <= 3);

	/* The peer goes away in the middle: "lost connection". */
	close(sv[1]);
	iostream_close(st);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	close(sv[1]);
	assert_null(tls_client_start(ctx, st, &start, why));
	assert_string_equal(strbuf_str(why), "lost connection");
	iostream_close(st);
	tls_client_free(ctx);
	strbuf_free(&why);
}

/* test_scache - the shared table: store, expire, concurrent writers */

static void
test_scache(void **state)
{
	char   *spec = str_concat("btree:", dir, "/shared", (char *) 0);
	STRBUF *why = strbuf_create(100);
	STRBUF *der = strbuf_create(100);
	TLS_SCACHE *cache;
	char	key[40];
	pid_t	pids[4];
	int	wstatus;
	int	i;
	int	n;

	(void) state;
	assert_non_null(cache = tls_scache_open(spec, 1, why));
	tls_scache_put(cache, "k1", "\001\002\000\377", 4);
	assert_int_equal(tls_scache_get(cache, "k1", der), 0);
	assert_int_equal(strbuf_len(der), 4);
	assert_memory_equal(strbuf_str(der), "\001\002\000\377", 4);
	assert_int_equal(tls_scache_get(cache, "k2", der), -1);
	tls_scache_delete(cache, "k1");
	assert_int_equal(tls_scache_get(cache, "k1", der), -1);

	/* Stale records are not returned (timeout 1 second). */
	tls_scache_put(cache, "old", "x", 1);
	sleep(2);
	assert_int_equal(tls_scache_get(cache, "old", der), -1);
	tls_scache_close(cache);

	/* Four processes write at once; every record survives. */
	for (i = 0; i < 4; i++) {
		if ((pids[i] = fork()) == 0) {
			alarm(30);
			cache = tls_scache_open(spec, 3600, why);
			for (n = 0; cache && n < 25; n++) {
				snprintf(key, sizeof(key), "p%d-%d", i, n);
				tls_scache_put(cache, key, key, strlen(key));
			}
			_exit(cache ? 0 : 1);
		}
		assert_true(pids[i] > 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pids[i], &wstatus, 0), pids[i]);
		assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
	}
	assert_non_null(cache = tls_scache_open(spec, 3600, why));
	for (i = 0; i < 4; i++) {
		for (n = 0; n < 25; n++) {
			snprintf(key, sizeof(key), "p%d-%d", i, n);
			assert_int_equal(tls_scache_get(cache, key, der), 0);
			assert_int_equal(strbuf_len(der), strlen(key));
			assert_memory_equal(strbuf_str(der), key, strlen(key));
		}
	}
	tls_scache_close(cache);
	xfree(spec);
	strbuf_free(&why);
	strbuf_free(&der);
}

/* test_init_errors - unusable contexts are refused with a reason */

static void
test_init_errors(void **state)
{
	TLS_SERVER_INIT init = {.cert_file = "/nonexistent/cert.pem",
	.cipher_grade = "medium", .protocols = ""};
	STRBUF *why = strbuf_create(100);
	char   *missing;

	(void) state;
	assert_null(tls_server_init(&init, why));
	assert_non_null(strstr(strbuf_str(why), "/nonexistent/cert.pem"));

	init.cert_file = server_file;
	init.cipher_grade = "bogus";
	assert_null(tls_server_init(&init, why));
	assert_string_equal(strbuf_str(why), "invalid cipher grade: \"bogus\"");

	/* A key that does not match the certificate. */
	init.cipher_grade = "high";
	init.key_file = client_file;
	assert_null(tls_server_init(&init, why));
	assert_non_null(strstr(strbuf_str(why), "does not match"));

	init.key_file = 0;
	missing = str_concat(dir, "/none.pem", (char *) 0);
	init.CAfile = missing;
	assert_null(tls_server_init(&init, why));
	assert_non_null(strstr(strbuf_str(why), "Certification Authority"));
	xfree(missing);
	strbuf_free(&why);
}

#endif					/* USE_TLS */

/* test_protocols - Postfix protocol lists */

static void
test_protocols(void **state)
{
	static const struct {
		const char *list;
		int	mask;
	} rows[] = {
		{"", TLS_PROTO_ALL},
		{">=TLSv1.2", TLS_PROTO_TLSv1_2 | TLS_PROTO_TLSv1_3},
		{"<=TLSv1.2", TLS_PROTO_ALL & ~TLS_PROTO_TLSv1_3},
		{"!SSLv2, !SSLv3, !TLSv1", TLS_PROTO_TLSv1_1 | TLS_PROTO_TLSv1_2
		| TLS_PROTO_TLSv1_3},
		{"TLSv1.2 TLSv1.3", TLS_PROTO_TLSv1_2 | TLS_PROTO_TLSv1_3},
		{"TLSv1.2:TLSv1.3", TLS_PROTO_TLSv1_2 | TLS_PROTO_TLSv1_3},
		{">=TLSv1.1 <=TLSv1.2", TLS_PROTO_TLSv1_1 | TLS_PROTO_TLSv1_2},
		{">=TLSv1, !TLSv1.1", TLS_PROTO_TLSv1 | TLS_PROTO_TLSv1_2
		| TLS_PROTO_TLSv1_3},
		{"tlsv1.3", TLS_PROTO_TLSv1_3},
		{"!TLSv9, TLSv1.3", TLS_PROTO_TLSv1_3},	/* warned, ignored */
		{">=TLSv9", TLS_PROTO_ALL},
		{"TLSv1.2, !TLSv1.2", 0},
	};
	size_t  i;

	(void) state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(tls_protocol_mask(rows[i].list), rows[i].mask);
}

/* test_ciphers - grade selection and exclusions */

static void
test_ciphers(void **state)
{
	STRBUF *out = strbuf_create(100);
	STRBUF *why = strbuf_create(100);

	(void) state;
	assert_int_equal(tls_cipher_list("high", "", out, why), 0);
	assert_string_equal(strbuf_str(out), "aNULL:-aNULL:HIGH:@STRENGTH");
	assert_int_equal(tls_cipher_list("MEDIUM", "RC4, aNULL:MD5", out, why), 0);
	assert_string_equal(strbuf_str(out), "aNULL:-aNULL:HIGH:MEDIUM:+RC4:"
			    "@STRENGTH:!RC4:!aNULL:!MD5");
	assert_int_equal(tls_cipher_list("null", 0, out, why), 0);
	assert_string_equal(strbuf_str(out), "eNULL:!aNULL");
	assert_int_equal(tls_cipher_list("low", 0, out, why), 0);
	assert_int_equal(tls_cipher_list("export", 0, out, why), 0);
	assert_int_equal(tls_cipher_list("strong", 0, out, why), -1);
	assert_string_equal(strbuf_str(why), "invalid cipher grade: \"strong\"");
	strbuf_free(&out);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_ciphers),
#ifdef USE_TLS
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_scache),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_tls12),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_ccert),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_resume_off),
#endif
	};

#ifdef USE_TLS
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
#else
	return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
