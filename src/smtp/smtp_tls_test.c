/*
 * smtp_tls_test.c - unit tests for the TLS policy of smtp_tls.c
 *
 * smtp_tls_policy() against a texthash: policy table: the next hop as
 * written, parent domains with a leading dot, the attributes, and the
 * policies that must defer rather than fall back to less security.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "tls.h"
#include "smtp.h"

SMTP_CONF smtp_conf;

#ifdef USE_TLS

static char table_path[] = "/tmp/smtp_tls_testXXXXXX";
static char *table_spec;

static const char table_text[] =
	"[127.0.0.1]:2525 encrypt protocols=>=TLSv1.2 ciphers=high\n"
	".example.com verify match=hostname:nexthop servername=hostname\n"
	"exact.example.com none\n"
	"bogus.example bogus\n"
	"badattr.example encrypt color=blue\n"
	"twice.example verify match=a match=b\n"
	"dane.example dane\n"
	"daneonly.example dane-only\n"
	"fpr.example fingerprint match=AA:BB|CC:DD exclude=aNULL\n";

/* setup - write the table and initialize with level may */

static int
setup(void **state)
{
	FILE   *fp;
	int	fd;

	(void) state;
	if ((fd = mkstemp(table_path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(table_text, fp);
	fclose(fp);
	table_spec = malloc(strlen(table_path) + 10);
	snprintf(table_spec, strlen(table_path) + 10, "texthash:%s",
		 table_path);

	memset(&smtp_conf, 0, sizeof(smtp_conf));
	smtp_conf.tls_security_level = "may";
	smtp_conf.tls_policy_maps = table_spec;
	smtp_conf.tls_CAfile = "";
	smtp_conf.tls_CApath = "";
	smtp_conf.tls_cert_file = "";
	smtp_conf.tls_key_file = "";
	smtp_conf.tls_chain_files = "";
	smtp_conf.tls_scert_verifydepth = 9;
	smtp_conf.tls_fingerprint_digest = "sha256";
	smtp_conf.tls_session_cache_database = "";
	smtp_conf.tls_session_cache_timeout = 3600;
	smtp_tls_init();
	return 0;
}

/* teardown - remove the table */

static int
teardown(void **state)
{
	(void) state;
	unlink(table_path);
	free(table_spec);
	return 0;
}

/* test_policy - table-driven policy lookups */

static void
test_policy(void **state)
{
	static const struct {
		const char *nexthop;
		int	error;
		int	level;
		const char *match;
		const char *extra;	/* protocols, servername or exclude */
		const char *why;
	} t[] = {
		{"[127.0.0.1]:2525", 0, TLS_LEV_ENCRYPT, NULL, ">=TLSv1.2", NULL},
		/* Not in the table: the main.cf level. */
		{"[127.0.0.1]:25", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		{"nowhere.example", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		/* Parent domains, nearest first; the exact key wins. */
		{"mx.example.com", 0, TLS_LEV_VERIFY, "hostname:nexthop",
		 "hostname", NULL},
		{"a.b.example.com", 0, TLS_LEV_VERIFY, "hostname:nexthop",
		 "hostname", NULL},
		{"exact.example.com", 0, TLS_LEV_NONE, NULL, NULL, NULL},
		/* ".example.com" is not example.com itself. */
		{"example.com", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		/* No parent lookups for [host] or host:port. */
		{"[mx.example.com]", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		{"mx.example.com:587", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		/* Keys fold case. */
		{"FPR.Example", 0, TLS_LEV_FPRINT, "AA:BB|CC:DD", "aNULL", NULL},
		{"dane.example", 0, TLS_LEV_MAY, NULL, NULL, NULL},
		{"bogus.example", 1, 0, NULL, NULL,
		 "client TLS configuration problem"},
		{"badattr.example", 1, 0, NULL, NULL,
		 "client TLS configuration problem"},
		{"twice.example", 1, 0, NULL, NULL,
		 "client TLS configuration problem"},
		{"daneonly.example", 1, 0, NULL, NULL,
		 "TLS is required, but DANE (dane-only) is not supported by "
		 "this client"},
	};
	SMTP_TLS_POLICY p;
	const char *extra;
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		smtp_tls_policy(t[i].nexthop, &p);
		assert_int_equal(p.error, t[i].error);
		if (t[i].error) {
			assert_string_equal(p.dsn, "4.7.5");
			assert_string_equal(p.why, t[i].why);
		} else {
			assert_int_equal(p.level, t[i].level);
			if (t[i].match)
				assert_string_equal(p.match, t[i].match);
			else
				assert_null(p.match);
			extra = p.protocols ? p.protocols : p.servername ?
				p.servername : p.exclude;
			if (t[i].extra)
				assert_string_equal(extra, t[i].extra);
			else
				assert_null(extra);
		}
		smtp_tls_policy_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

/* skip_test - built without TLS */

static void
skip_test(void **state)
{
	(void) state;
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
