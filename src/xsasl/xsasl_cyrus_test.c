/*
 * xsasl_cyrus_test.c - Cyrus server and client back-ends, talking to
 *	each other in one process
 *
 * A private sasldb (made with saslpasswd2) and smtpd.conf in a temporary
 * directory, found through cyrus_sasl_config_path.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#if defined(USE_SASL_AUTH) && defined(USE_CYRUS_SASL)

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base64.h"
#include "mem.h"
#include "params_sasl.h"
#include "strbuf.h"
#include "stringops.h"
#include "xsasl.h"
#include "xsasl_int.h"

static char tmpdir[] = "/tmp/xsasl_cyrus_test.XXXXXX";
static XSASL_SERVER_IMPL *server_impl;
static XSASL_CLIENT_IMPL *client_impl;

/* write_file - create path with text */

static void
write_file(const char *path, const char *text)
{
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* setup - sasldb, smtpd.conf, library init */

static int
setup(void **state)
{
	STRBUF *buf = strbuf_create(0);
	STRBUF *why = strbuf_create(0);
	FILE   *fp;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	strbuf_printf(buf, "saslpasswd2 -f %s/sasldb -c -u example.com -p user",
		      tmpdir);
	if ((fp = popen(strbuf_str(buf), "w")) == NULL)
		return -1;
	fputs("secret\n", fp);
	if (pclose(fp) != 0)
		return -1;
	strbuf_printf(buf, "%s/smtpd.conf", tmpdir);
	{
		STRBUF *conf = strbuf_create(0);

		strbuf_printf(conf, "pwcheck_method: auxprop\n"
			      "auxprop_plugin: sasldb\n"
			      "sasldb_path: %s/sasldb\n"
			      "mech_list: PLAIN LOGIN\n", tmpdir);
		write_file(strbuf_str(buf), strbuf_str(conf));
		strbuf_free(&conf);
	}
	var_cyrus_sasl_config_path = tmpdir;
	server_impl = xsasl_server_init("cyrus", "smtpd", why);
	if (server_impl == NULL) {
		fprintf(stderr, "server init: %s\n", strbuf_str(why));
		return -1;
	}
	client_impl = xsasl_client_init("cyrus", "", why);
	if (client_impl == NULL) {
		fprintf(stderr, "client init: %s\n", strbuf_str(why));
		return -1;
	}
	strbuf_free(&buf);
	strbuf_free(&why);
	return 0;
}

/* teardown - remove the temporary directory */

static int
teardown(void **state)
{
	STRBUF *buf = strbuf_create(0);

	xsasl_server_done(server_impl);
	xsasl_client_done(client_impl);
	strbuf_printf(buf, "rm -rf %s", tmpdir);
	if (system(strbuf_str(buf)) != 0)
		return -1;
	strbuf_free(&buf);
	return 0;
}

/* server_new - a server session with the given options and realm */

static XSASL_SERVER *
server_new(const char *options, const char *realm)
{
	XSASL_SERVER_CREATE args = {
		.service = "smtp",
		.user_realm = realm,
		.server_addr = "127.0.0.1",
		.server_port = "25",
		.client_addr = "127.0.0.1",
		.client_port = "40000",
		.tls = 0,
		.security_options = options,
	};
	STRBUF *why = strbuf_create(0);
	XSASL_SERVER *server = xsasl_server_create(server_impl, &args, why);

	assert_non_null(server);
	strbuf_free(&why);
	return server;
}

/*
 * exchange - run one client/server conversation with mechanism mech;
 * returns the server's final result; *username gets a copy on DONE.
 */

static int
exchange(const char *realm, const char *mech, const char *user,
	 const char *password, char **username)
{
	XSASL_CLIENT_CREATE cargs = {
		.service = "smtp",
		.server_name = "localhost",
		.security_options = "",
		.username = user,
		.password = password,
	};
	STRBUF *why = strbuf_create(0);
	STRBUF *chosen = strbuf_create(0);
	STRBUF *init = strbuf_create(0);
	STRBUF *reply = strbuf_create(0);
	STRBUF *resp = strbuf_create(0);
	XSASL_SERVER *server = server_new("noanonymous", realm);
	XSASL_CLIENT *client = xsasl_client_create(client_impl, &cargs, why);
	int	status;
	int	rounds;

	assert_non_null(client);
	assert_int_equal(xsasl_client_first(client, mech, chosen, init, why),
			 XSASL_AUTH_OK);
	assert_string_equal(strbuf_str(chosen), mech);
	status = xsasl_server_first(server, strbuf_str(chosen),
				    strbuf_len(init) ? strbuf_str(init) : NULL,
				    reply);
	for (rounds = 0; status == XSASL_AUTH_OK && rounds < 5; rounds++) {
		assert_int_equal(xsasl_client_next(client, strbuf_str(reply),
						   resp, why), XSASL_AUTH_OK);
		status = xsasl_server_next(server, strbuf_str(resp), reply);
	}
	*username = NULL;
	if (status == XSASL_AUTH_DONE) {
		assert_non_null(xsasl_server_get_username(server));
		*username = xstrdup(xsasl_server_get_username(server));
	} else if (status == XSASL_AUTH_FAIL) {
		assert_string_equal(strbuf_str(reply), "authentication failure");
	}
	xsasl_client_free(client);
	xsasl_server_free(server);
	strbuf_free(&why);
	strbuf_free(&chosen);
	strbuf_free(&init);
	strbuf_free(&reply);
	strbuf_free(&resp);
	return status;
}

/* test_good_password - PLAIN and LOGIN, with and without a realm */

static void
test_good_password(void **state)
{
	static const struct {
		const char *realm;
		const char *mech;
		const char *user;
		const char *expect;
	} t[] = {
		/* libsasl2 appends the realm (smtpd_sasl_local_domain). */
		{"example.com", "PLAIN", "user", "user@example.com"},
		{"example.com", "LOGIN", "user", "user@example.com"},
		{"example.com", "PLAIN", "user@example.com", "user@example.com"},
		{"", "PLAIN", "user@example.com", "user@example.com"},
		{"", "LOGIN", "user@example.com", "user@example.com"},
	};
	size_t	i;
	char   *name;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(exchange(t[i].realm, t[i].mech, t[i].user,
					  "secret", &name), XSASL_AUTH_DONE);
		assert_string_equal(name, t[i].expect);
		xfree(name);
	}
}

/* test_bad_password - FAIL with libsasl2's reason */

static void
test_bad_password(void **state)
{
	char   *name;

	assert_int_equal(exchange("example.com", "PLAIN", "user", "wrong", &name),
			 XSASL_AUTH_FAIL);
	assert_null(name);
	assert_int_equal(exchange("example.com", "LOGIN", "user", "wrong", &name),
			 XSASL_AUTH_FAIL);
	assert_int_equal(exchange("example.com", "PLAIN", "nobody", "secret",
				  &name), XSASL_AUTH_FAIL);
	/* Without the realm the sasldb entry is not found. */
	assert_int_equal(exchange("", "PLAIN", "user", "secret", &name),
			 XSASL_AUTH_FAIL);
}

/* test_retry - a second AUTH in the same session after a failure */

static void
test_retry(void **state)
{
	XSASL_SERVER *server = server_new("noanonymous", "example.com");
	STRBUF *reply = strbuf_create(0);

	/* "\0user\0wrong", then "\0user\0secret" */
	assert_int_equal(xsasl_server_first(server, "PLAIN", "AHVzZXIAd3Jvbmc=",
					    reply), XSASL_AUTH_FAIL);
	assert_null(xsasl_server_get_username(server));
	assert_int_equal(xsasl_server_first(server, "PLAIN", "AHVzZXIAc2VjcmV0",
					    reply), XSASL_AUTH_DONE);
	assert_string_equal(strbuf_str(reply), "");
	assert_string_equal(xsasl_server_get_username(server),
			    "user@example.com");
	xsasl_server_free(server);
	strbuf_free(&reply);
}

/* test_mech_list - with and without noplaintext */

static void
test_mech_list(void **state)
{
	XSASL_SERVER *server = server_new("noanonymous", "example.com");

	assert_string_equal(xsasl_server_get_mechanism_list(server),
			    "PLAIN LOGIN");
	xsasl_server_free(server);
	server = server_new("noanonymous, noplaintext", "example.com");
	assert_string_equal(xsasl_server_get_mechanism_list(server), "");
	xsasl_server_free(server);
}

/* test_malformed - bad base64, aborted exchange, unknown mechanism */

static void
test_malformed(void **state)
{
	XSASL_SERVER *server = server_new("noanonymous", "example.com");
	STRBUF *reply = strbuf_create(0);
	STRBUF *why = strbuf_create(0);
	XSASL_SERVER_CREATE bad = {.security_options = "noplain"};

	assert_int_equal(xsasl_server_first(server, "PLAIN", "AHVzZXIAc2Vj!",
					    reply), XSASL_AUTH_FORM);
	assert_string_equal(strbuf_str(reply), "malformed SASL response");
	xsasl_server_free(server);

	/* LOGIN: a challenge, then garbage instead of the user name. */
	server = server_new("noanonymous", "example.com");
	assert_int_equal(xsasl_server_first(server, "LOGIN", NULL, reply),
			 XSASL_AUTH_OK);
	assert_int_equal(xsasl_server_next(server, "*", reply),
			 XSASL_AUTH_FORM);
	xsasl_server_free(server);

	/* An empty PLAIN response ("=") is a protocol error, not FORM. */
	server = server_new("noanonymous", "example.com");
	assert_int_equal(xsasl_server_first(server, "PLAIN", "=", reply),
			 XSASL_AUTH_FAIL);
	xsasl_server_free(server);

	server = server_new("noanonymous", "example.com");
	assert_int_equal(xsasl_server_first(server, "CRAM-MD5", NULL, reply),
			 XSASL_AUTH_FAIL);
	assert_true(strlen(strbuf_str(reply)) > 0);
	xsasl_server_free(server);

	assert_null(xsasl_server_create(server_impl, &bad, why));
	assert_non_null(strstr(strbuf_str(why), "noplain"));
	strbuf_free(&reply);
	strbuf_free(&why);
}

/* test_client_no_mech - nothing in common */

static void
test_client_no_mech(void **state)
{
	XSASL_CLIENT_CREATE cargs = {
		.service = "smtp", .server_name = "localhost",
		.security_options = "noplaintext",
		.username = "user", .password = "secret",
	};
	STRBUF *why = strbuf_create(0);
	STRBUF *mech = strbuf_create(0);
	STRBUF *init = strbuf_create(0);
	XSASL_CLIENT *client = xsasl_client_create(client_impl, &cargs, why);

	assert_non_null(client);
	assert_int_equal(xsasl_client_first(client, "PLAIN LOGIN", mech, init,
					    why), XSASL_AUTH_FAIL);
	assert_string_equal(strbuf_str(why), "no mechanism available");
	xsasl_client_free(client);
	strbuf_free(&why);
	strbuf_free(&mech);
	strbuf_free(&init);
}

/* test_unknown_type - Postfix's wording */

static void
test_unknown_type(void **state)
{
	STRBUF *why = strbuf_create(0);

	assert_null(xsasl_server_init("bogus", "smtpd", why));
	assert_string_equal(strbuf_str(why),
			    "unsupported SASL server implementation: bogus");
	assert_null(xsasl_client_init("dovecot", "", why));
	assert_string_equal(strbuf_str(why),
			    "unsupported SASL client implementation: dovecot");
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_password),
		cmocka_unit_test(test_bad_password),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_mech_list),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_client_no_mech),
		cmocka_unit_test(test_unknown_type),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

/* skip - built without Cyrus SASL */

static void
skip_test(void **state)
{
	skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skip_test),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
