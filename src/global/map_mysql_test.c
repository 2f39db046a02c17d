/*
 * map_mysql_test.c - unit tests for the mysql: table without a server
 *
 * Covers mysql_cf.c (the configuration file, its defaults and errors,
 * the hosts list, the legacy query, the '%' expansions of query and
 * result_format, the domain restriction) and the parts of map_mysql.c
 * that need no server: lookups that are suppressed without a
 * connection, MAP_RETRY when no host answers, and the retry interval.
 * Lookups against a real MariaDB are in tests/test_map_mysql.py.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"
#include "mysql_cf.h"

static STRBUF *logged;			/* log lines since the last reset */
static char *dir;			/* scratch directory */

/* capture - extra log output: keep every line */

static void
capture(int level, const char *text)
{
	strbuf_append_printf(logged, "%s%s\n",
			     level == LOG_LEVEL_WARN ? "warning: " : "", text);
}

/* count_lines - how many logged lines contain text */

static int
count_lines(const char *text)
{
	const char *cp = strbuf_str(logged);
	int     n = 0;

	while ((cp = strstr(cp, text)) != NULL) {
		n++;
		cp += strlen(text);
	}
	return n;
}

/* write_file - create dir/name with the given text; caller frees path */

static char *
write_file(const char *name, const char *text)
{
	char   *path = str_concat(dir, "/", name, (char *) 0);
	FILE   *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* remove_file - unlink and free a path from write_file() */

static void
remove_file(char *path)
{
	assert_int_equal(unlink(path), 0);
	xfree(path);
}

/* read_ok - read a configuration that must be good */

static MYSQL_CF *
read_ok(const char *text, char **pathp)
{
	STRBUF *why = strbuf_create(100);
	char   *path = write_file("ok.cf", text);
	MYSQL_CF *cf = mysql_cf_read(path, why);

	if (cf == NULL)
		fail_msg("%s: %s", text, strbuf_str(why));
	strbuf_free(&why);
	if (pathp)
		*pathp = path;
	else
		remove_file(path);
	return cf;
}

/* test_defaults - what an almost empty file means */

static void
test_defaults(void **state)
{
	char   *path;
	MYSQL_CF *cf = read_ok("dbname = mail\nquery = SELECT 1\n", &path);

	assert_string_equal(cf->name, path);
	assert_string_equal(cf->dbname, "mail");
	assert_string_equal(cf->user, "");
	assert_string_equal(cf->password, "");
	assert_string_equal(cf->result_format, "%s");
	assert_string_equal(cf->option_group, "client");
	assert_null(cf->option_file);
	assert_null(cf->tls_CAfile);
	assert_int_equal(cf->tls_verify_cert, -1);
	assert_int_equal(cf->require_result_set, 1);
	assert_int_equal(cf->expansion_limit, 0);
	assert_int_equal(cf->retry_interval, 60);
	assert_int_equal(cf->idle_interval, 60);
	assert_string_equal(cf->charset, "utf8mb4");
	assert_null(cf->domain);

	/* No hosts: localhost (the default socket), listed twice. */
	assert_int_equal(cf->nhosts, 2);
	assert_int_equal(cf->hosts[0].type, MYSQL_CF_UNIX);
	assert_null(cf->hosts[0].name);
	assert_string_equal(cf->hosts[1].label, "localhost");
	mysql_cf_free(cf);
	remove_file(path);
}

/* test_settings - syntax: continuation lines, comments, last one wins */

static void
test_settings(void **state)
{
	MYSQL_CF *cf = read_ok(
		"# a comment\n"
		"hosts = unix:/run/a.sock,\n"
		"   inet:db1.example:3307 db2.example\n"
		"user=postfix\n"
		"password = s3cret = x\n"
		"dbname = old\n"
		"dbname = mail\n"
		"\n"
		"query = SELECT goto FROM alias\n"
		"  WHERE address = '%s'\n"
		"result_format = smtp:[%s]\n"
		"expansion_limit = 3\n"
		"require_result_set = no\n"
		"tls_verify_cert = yes\n"
		"retry_interval = 5\n"
		"option_group =\n"
		"unknown_setting = ignored\n", NULL);

	assert_int_equal(cf->nhosts, 3);
	assert_string_equal(cf->hosts[0].label, "unix:/run/a.sock");
	assert_string_equal(cf->hosts[1].name, "db1.example");
	assert_int_equal(cf->hosts[1].port, 3307);
	assert_string_equal(cf->hosts[2].name, "db2.example");
	assert_int_equal(cf->hosts[2].port, 0);
	assert_string_equal(cf->user, "postfix");
	assert_string_equal(cf->password, "s3cret = x");
	assert_string_equal(cf->dbname, "mail");
	assert_string_equal(cf->query,
			    "SELECT goto FROM alias  WHERE address = '%s'");
	assert_string_equal(cf->result_format, "smtp:[%s]");
	assert_int_equal(cf->expansion_limit, 3);
	assert_int_equal(cf->require_result_set, 0);
	assert_int_equal(cf->tls_verify_cert, 1);
	assert_int_equal(cf->retry_interval, 5);
	assert_string_equal(cf->option_group, "");
	mysql_cf_free(cf);
}

/* test_legacy_query - table, select_field, where_field, conditions */

static void
test_legacy_query(void **state)
{
	MYSQL_CF *cf;

	cf = read_ok("dbname = d\ntable = mxaliases\nselect_field = forw_addr\n"
		     "where_field = alias\n"
		     "additional_conditions = AND status = 'paid'\n", NULL);
	assert_string_equal(cf->query, "SELECT forw_addr FROM mxaliases "
			    "WHERE alias='%s' AND status = 'paid'");
	mysql_cf_free(cf);

	/* "query" wins over the legacy settings. */
	cf = read_ok("dbname = d\ntable = t\nselect_field = f\nwhere_field = w\n"
		     "query = SELECT 1\n", NULL);
	assert_string_equal(cf->query, "SELECT 1");
	mysql_cf_free(cf);
}

/* test_errors - bad files name the file, the line or the setting */

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} t[] = {
		{"dbname = d\nquery = x\nthis line has no equals sign\n",
		 "ok.cf, line 3: missing '=' after attribute name"},
		{"dbname = d\n= value\n", "line 2: missing attribute name"},
		{"query = SELECT 1\n", "bad string length 0 < 1: dbname = "},
		{"dbname =\nquery = SELECT 1\n", "bad string length 0 < 1"},
		{"dbname = d\nquery = x\nexpansion_limit = many\n",
		 "bad numerical configuration: expansion_limit = many"},
		{"dbname = d\nquery = x\nexpansion_limit = -1\n",
		 "invalid expansion_limit parameter value -1 < 0"},
		{"dbname = d\nquery = x\nretry_interval = 0\n",
		 "invalid retry_interval parameter value 0 < 1"},
		{"dbname = d\nquery = x\nrequire_result_set = maybe\n",
		 "bad boolean configuration: require_result_set = maybe"},
		{"dbname = d\nquery = SELECT '%x'\n",
		 "invalid query template: SELECT '%x'"},
		{"dbname = d\nquery = SELECT 100%\n", "invalid query template"},
		{"dbname = d\nquery = x\nresult_format = %s%q\n",
		 "invalid result_format template: %s%q"},
		{"dbname = d\nquery = x\nresult_format =\n",
		 "bad string length 0 < 1: result_format"},
		{"dbname = d\ntable = t\nselect_field = f\n",
		 "legacy 'where_field' parameter is defined"},
		{"dbname = d\n", "legacy 'table' parameter"},
		{"dbname = d\nquery = x\nhosts = db:99999\n",
		 "hosts: bad port in host \"db:99999\""},
		{"dbname = d\nquery = x\nhosts = inet:db:no-such-service-xx\n",
		 "bad port"},
		{"dbname = d\nquery = x\nhosts = unix:\n",
		 "hosts: empty host or socket name in \"unix:\""},
		{"dbname = d\nquery = x\ndomain = /nonexistent/domains\n",
		 "domain: open /nonexistent/domains: No such file or directory"},
		{"dbname = d\nquery = x\ndomain = nosuchtype:/x\n",
		 "unsupported dictionary type: nosuchtype"},
		{"dbname = d\nquery = x\ndomain = !/etc/hosts\n",
		 "cannot be negated"},
	};
	STRBUF *why = strbuf_create(100);
	char   *path;
	size_t  i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		path = write_file("ok.cf", t[i].text);
		strbuf_reset(why);
		if (mysql_cf_read(path, why) != NULL)
			fail_msg("\"%s\": unexpected success", t[i].text);
		if (strstr(strbuf_str(why), t[i].want) == NULL)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", t[i].text,
				 strbuf_str(why), t[i].want);
		/* Every message names the file. */
		if (strstr(strbuf_str(why), path) == NULL)
			fail_msg("\"%s\": \"%s\" does not name %s", t[i].text,
				 strbuf_str(why), path);
		remove_file(path);
	}

	/* A file that does not exist. */
	strbuf_reset(why);
	assert_null(mysql_cf_read("/nonexistent/mysql.cf", why));
	assert_string_equal(strbuf_str(why), "open /nonexistent/mysql.cf: "
			    "No such file or directory");
	strbuf_free(&why);
}

/* test_hosts - the forms of a "hosts" entry */

static void
test_hosts(void **state)
{
	static const struct {
		const char *text;
		int     type;
		const char *name;
		unsigned port;
	} ok[] = {
		{"unix:/var/run/mysqld/mysqld.sock", MYSQL_CF_UNIX,
		 "/var/run/mysqld/mysqld.sock", 0},
		{"inet:db.example:3307", MYSQL_CF_INET, "db.example", 3307},
		{"inet:db.example", MYSQL_CF_INET, "db.example", 0},
		{"db.example:3306", MYSQL_CF_INET, "db.example", 3306},
		{"db.example", MYSQL_CF_INET, "db.example", 0},
		{"127.0.0.1", MYSQL_CF_INET, "127.0.0.1", 0},
		{"[::1]:3308", MYSQL_CF_INET, "::1", 3308},
		{"inet:[2001:db8::1]", MYSQL_CF_INET, "2001:db8::1", 0},
		/* As with the MySQL library: localhost is the default socket. */
		{"localhost", MYSQL_CF_UNIX, NULL, 0},
		{"inet:LocalHost:3306", MYSQL_CF_UNIX, NULL, 3306},
	};
	static const char *const bad[] = {
		"unix:", "inet:", "db:0", "db:65536", "db:", ":3306",
	};
	MYSQL_CF_HOST host;
	STRBUF *why = strbuf_create(100);
	size_t  i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		if (mysql_cf_parse_host(ok[i].text, &host, why) < 0)
			fail_msg("%s: %s", ok[i].text, strbuf_str(why));
		assert_string_equal(host.label, ok[i].text);
		assert_int_equal(host.type, ok[i].type);
		if (ok[i].name)
			assert_string_equal(host.name, ok[i].name);
		else
			assert_null(host.name);
		assert_int_equal(host.port, ok[i].port);
		mysql_cf_free_host(&host);
	}
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		strbuf_reset(why);
		if (mysql_cf_parse_host(bad[i], &host, why) == 0)
			fail_msg("%s: unexpected success", bad[i]);
		assert_non_null(strstr(strbuf_str(why), bad[i]));
	}
	strbuf_free(&why);
}

/* quote_test - a visible quoting function: <text> with ' doubled */

static int
quote_test(void *context, const char *text, size_t len, STRBUF *out,
	   STRBUF *why)
{
	size_t  i;

	(*(int *) context)++;
	strbuf_append_char(out, '<');
	for (i = 0; i < len; i++) {
		if (text[i] == '\'')
			strbuf_append_char(out, '\'');
		strbuf_append_char(out, text[i]);
	}
	strbuf_append_char(out, '>');
	return 0;
}

/* quote_fail - a quoting function that always fails */

static int
quote_fail(void *context, const char *text, size_t len, STRBUF *out,
	   STRBUF *why)
{
	strbuf_set(why, "cannot quote");
	return -1;
}

/* cf_with - a configuration with this query and result_format */

static MYSQL_CF *
cf_with(const char *query, const char *result_format)
{
	STRBUF *text = strbuf_create(100);
	MYSQL_CF *cf;

	strbuf_printf(text, "dbname = d\nquery = %s\nresult_format = %s\n",
		      query, result_format);
	cf = read_ok(strbuf_str(text), NULL);
	strbuf_free(&text);
	return cf;
}

/* test_query_expansion - each '%' expansion of the query, and quoting */

static void
test_query_expansion(void **state)
{
	static const struct {
		const char *query;
		const char *key;
		const char *want;		/* NULL: the lookup is suppressed */
	} t[] = {
		{"k=%s", "user@example.com", "k=<user@example.com>"},
		{"k=%s", "plain", "k=<plain>"},
		{"u=%u d=%d", "user@mail.example.com",
		 "u=<user> d=<mail.example.com>"},
		{"S=%S U=%U D=%D", "user@mail.example.com",
		 "S=<user@mail.example.com> U=<user> D=<mail.example.com>"},
		{"1=%1 2=%2 3=%3", "user@mail.example.com",
		 "1=<com> 2=<example> 3=<mail>"},
		{"%% 100%% %s", "k", "% 100% <k>"},
		{"'%s'", "o'brien@example.com", "'<o''brien@example.com>'"},
		/* The last '@' separates user and domain. */
		{"u=%u d=%d", "a@b@example.com", "u=<a@b> d=<example.com>"},
		/* %u alone: a key without a domain is all user. */
		{"u=%u", "postmaster", "u=<postmaster>"},
		{"u=%U", "postmaster", "u=<postmaster>"},
		/* A key without the parts the query needs is not looked up. */
		{"d=%d", "postmaster", NULL},
		{"d=%D", "postmaster", NULL},
		{"d=%d", "user@", NULL},
		{"u=%u", "@example.com", NULL},
		{"u=%U", "@example.com", NULL},
		{"%s", "@example.com", "<@example.com>"},
		{"%3", "user@example.com", NULL},
		{"%2", "user@example.com", "<example>"},
		{"%1", "user@example.com.", NULL},
		{"%2", "user@.com", NULL},
		{"%1", "user", NULL},
	};
	STRBUF *out = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	MYSQL_CF *cf;
	size_t  i;
	int     calls;
	int     status;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		cf = cf_with(t[i].query, "%s");
		calls = 0;
		status = mysql_cf_expand_query(cf, t[i].key, quote_test, &calls,
					       out, why);
		if (t[i].want == NULL) {
			if (status != 0)
				fail_msg("%s / %s: got \"%s\", want suppressed",
					 t[i].query, t[i].key, strbuf_str(out));
			assert_int_equal(calls, 0);
		} else {
			if (status != 1)
				fail_msg("%s / %s: suppressed", t[i].query,
					 t[i].key);
			assert_string_equal(strbuf_str(out), t[i].want);
		}
		mysql_cf_free(cf);
	}

	/* Without quoting, text is copied; the buffer is reset first. */
	cf = cf_with("SELECT x FROM t WHERE a='%u' AND b='%d'", "%s");
	strbuf_set(out, "junk");
	assert_int_equal(mysql_cf_expand_query(cf, "a'b@c.example", NULL, NULL,
					       out, why), 1);
	assert_string_equal(strbuf_str(out),
			    "SELECT x FROM t WHERE a='a'b' AND b='c.example'");

	/* A quoting failure is reported. */
	strbuf_reset(why);
	assert_int_equal(mysql_cf_expand_query(cf, "a@b", quote_fail, NULL,
					       out, why), -1);
	assert_string_equal(strbuf_str(why), "cannot quote");
	mysql_cf_free(cf);

	/* Needs of result_format also suppress the query. */
	cf = cf_with("SELECT '%s'", "%s@%D");
	assert_int_equal(mysql_cf_expand_query(cf, "user", NULL, NULL, out,
					       why), 0);
	assert_int_equal(mysql_cf_expand_query(cf, "user@example.com", NULL,
					       NULL, out, why), 1);
	mysql_cf_free(cf);
	cf = cf_with("SELECT '%s'", "%2");
	assert_int_equal(mysql_cf_expand_query(cf, "user@com", NULL, NULL, out,
					       why), 0);
	mysql_cf_free(cf);

	/* An empty key is never looked up (with a warning, as Postfix). */
	cf = cf_with("SELECT '%s'", "%s");
	strbuf_reset(logged);
	assert_int_equal(mysql_cf_expand_query(cf, "", NULL, NULL, out, why), 0);
	assert_int_equal(count_lines("empty query string -- ignored"), 1);
	mysql_cf_free(cf);

	strbuf_free(&out);
	strbuf_free(&why);
}

/* test_result_expansion - result_format over one or more values */

static void
test_result_expansion(void **state)
{
	static const struct {
		const char *format;
		const char *key;
		const char *values[4];		/* NULL-terminated list */
		const char *want;		/* the joined result */
	} t[] = {
		{"%s", "k", {"a", "b", "c"}, "a,b,c"},
		{"smtp:[%s]", "k", {"mx.example.com"}, "smtp:[mx.example.com]"},
		{"%u", "k", {"joe@example.com", "plain"}, "joe,plain"},
		/* %d skips values without a domain; %u values without a user. */
		{"%d", "k", {"joe@example.com", "plain", "x@"}, "example.com"},
		{"%u", "k", {"@example.com", "ann@x"}, "ann"},
		/* Empty values are skipped. */
		{"%s", "k", {"", "b"}, "b"},
		{"%%%s%%", "k", {"a"}, "%a%"},
		/* Upper case and digits expand the lookup key. */
		{"%s for %S", "u@mail.example.com", {"v"},
		 "v for u@mail.example.com"},
		{"%U at %D", "u@mail.example.com", {"v", "w"},
		 "u at mail.example.com,u at mail.example.com"},
		{"%s.%2.%1", "u@mail.example.com", {"v"}, "v.example.com"},
	};
	STRBUF *out = strbuf_create(100);
	MYSQL_CF *cf;
	size_t  i;
	size_t  j;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		cf = cf_with("SELECT '%s'", t[i].format);
		strbuf_reset(out);
		for (j = 0; t[i].values[j]; j++)
			(void) mysql_cf_expand_result(cf, t[i].values[j], t[i].key,
						      out);
		if (strcmp(strbuf_str(out), t[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", t[i].format,
				 strbuf_str(out), t[i].want);
		mysql_cf_free(cf);
	}

	/* The return value says whether a value was added. */
	cf = cf_with("SELECT '%s'", "%d");
	strbuf_reset(out);
	assert_int_equal(mysql_cf_expand_result(cf, NULL, "k", out), 0);
	assert_int_equal(mysql_cf_expand_result(cf, "plain", "k", out), 0);
	assert_int_equal(mysql_cf_expand_result(cf, "a@b", "k", out), 1);
	assert_int_equal(mysql_cf_expand_result(cf, "c@d", "k", out), 1);
	assert_string_equal(strbuf_str(out), "b,d");

	/* An empty value gets Postfix's warning, a NULL (SQL NULL) none. */
	strbuf_reset(logged);
	assert_int_equal(mysql_cf_expand_result(cf, "", "key1", out), 0);
	assert_int_equal(mysql_cf_expand_result(cf, NULL, "key1", out), 0);
	assert_int_equal(count_lines("empty lookup result for: \"key1\" -- "
				     "ignored"), 1);
	mysql_cf_free(cf);
	strbuf_free(&out);
}

/* test_domain - only user@listed-domain keys are looked up */

static void
test_domain(void **state)
{
	static const struct {
		const char *key;
		int     want;
	} t[] = {
		{"user@example.com", 1},
		{"User@EXAMPLE.Com", 1},
		{"a@b@example.com", 1},
		{"user@example.org", 1},		/* from the file */
		{"user@example.net", 1},		/* from the file */
		{"user@table.example", 1},		/* from the table */
		{"user@bad.example.com", 0},		/* negated first */
		{"user@sub.example.com", 0},		/* no parent matching */
		{"user@other.example", 0},
		{"example.com", 0},			/* no user@ */
		{"@example.com", 0},			/* empty user */
		{"user", 0},
		{"user@", 0},
		{"user@comment", 0},			/* a comment in the file */
	};
	STRBUF *text = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	char   *list = write_file("domains", "# comment\n"
				  "example.org, example.net # comment\n");
	char   *path;
	MYSQL_CF *cf;
	size_t  i;
	int     status;

	strbuf_printf(text, "dbname = d\nquery = x\n"
		      "domain = !bad.example.com, Example.COM %s\n"
		      "  inline:{ table.example=yes }\n", list);
	cf = read_ok(strbuf_str(text), &path);
	for (i = 0; i < ARRAY_LEN(t); i++) {
		status = mysql_cf_check_domain(cf, t[i].key, why);
		if (status != t[i].want)
			fail_msg("%s: got %d, want %d", t[i].key, status, t[i].want);
	}
	mysql_cf_free(cf);
	remove_file(path);

	/* No domain list: every key. */
	cf = cf_with("x", "%s");
	assert_int_equal(mysql_cf_check_domain(cf, "user", why), 1);
	assert_int_equal(mysql_cf_check_domain(cf, "@x", why), 1);
	mysql_cf_free(cf);

	/* A table that fails: -1 and the reason. */
	cf = read_ok("dbname = d\nquery = x\ndomain = fail:broken\n", &path);
	strbuf_reset(why);
	assert_int_equal(mysql_cf_check_domain(cf, "user@example.com", why), -1);
	assert_non_null(strstr(strbuf_str(why), "fail:broken"));
	mysql_cf_free(cf);
	remove_file(path);

	remove_file(list);
	strbuf_free(&text);
	strbuf_free(&why);
}

/* test_main_cf_name - a name without / or . reads NAME_param (main.cf) */

static void
test_main_cf_name(void **state)
{
	STRBUF *why = strbuf_create(100);

	/* main.cf is not loaded here: nothing is set, dbname is missing. */
	assert_null(mysql_cf_read("mysqlsource", why));
	assert_string_equal(strbuf_str(why), "mysqlsource: bad string length "
			    "0 < 1: dbname = ");
	strbuf_free(&why);
}

#ifdef HAS_MYSQL

/* dead_table - a table whose hosts are sockets that nothing listens on */

static MAP *
dead_table(const char *extra, char **pathp)
{
	STRBUF *text = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	char   *path;
	char   *spec;
	MAP    *map;

	strbuf_printf(text, "hosts = unix:%s/dead1.sock unix:%s/dead2.sock\n"
		      "dbname = d\nuser = u\npassword = p\n"
		      "query = SELECT goto FROM t WHERE k='%%d'\n%s",
		      dir, dir, extra);
	path = write_file("dead.cf", strbuf_str(text));
	spec = str_concat("mysql:", path, (char *) 0);
	if ((map = map_open(spec, O_RDONLY, MAP_F_FOLD_FIX, why)) == NULL)
		fail_msg("%s: %s", spec, strbuf_str(why));
	xfree(spec);
	strbuf_free(&text);
	strbuf_free(&why);
	*pathp = path;
	return map;
}

/* test_driver_open - open errors name the table and the file */

static void
test_driver_open(void **state)
{
	STRBUF *why = strbuf_create(100);
	char   *path = write_file("bad.cf", "dbname = d\nquery = x\nnonsense\n");
	char   *spec = str_concat("mysql:", path, (char *) 0);

	assert_null(map_open(spec, O_RDONLY, 0, why));
	assert_non_null(strstr(strbuf_str(why), spec));
	assert_non_null(strstr(strbuf_str(why), "line 3: missing '='"));

	strbuf_reset(why);
	assert_null(map_open(spec, O_RDWR | O_CREAT, 0, why));
	assert_non_null(strstr(strbuf_str(why), "requires O_RDONLY"));

	strbuf_reset(why);
	assert_null(map_open("mysql:/nonexistent/x.cf", O_RDONLY, 0, why));
	assert_string_equal(strbuf_str(why), "mysql:/nonexistent/x.cf: open "
			    "/nonexistent/x.cf: No such file or directory");
	xfree(spec);
	remove_file(path);
	strbuf_free(&why);
}

/* test_driver_no_server - MAP_RETRY, failover and the retry interval */

static void
test_driver_no_server(void **state)
{
	STRBUF *value = strbuf_create(100);
	char   *path;
	MAP    *map = dead_table("retry_interval = 1\n", &path);

	/* Keys the query cannot use are "not found" without a connection. */
	strbuf_reset(logged);
	assert_int_equal(map_lookup(map, "postmaster", value), MAP_NOTFOUND);
	assert_int_equal(count_lines("connect to mysql server"), 0);

	/* Both hosts are tried, each once, and the lookup is MAP_RETRY. */
	assert_int_equal(map_lookup(map, "user@example.com", value), MAP_RETRY);
	assert_int_equal(count_lines("warning: connect to mysql server unix:"), 2);
	assert_int_equal(count_lines("dead1.sock: "), 1);
	assert_int_equal(count_lines("dead2.sock: "), 1);
	assert_non_null(strstr(map_error(map), "connect to mysql server unix:"));

	/* Failed hosts are left alone for retry_interval. */
	strbuf_reset(logged);
	assert_int_equal(map_lookup(map, "user@example.com", value), MAP_RETRY);
	assert_int_equal(count_lines("connect to mysql server"), 0);
	assert_non_null(strstr(map_error(map), "no mysql server available"));

	/* After it, they are tried again. */
	sleep(2);
	assert_int_equal(map_lookup(map, "user@example.com", value), MAP_RETRY);
	assert_int_equal(count_lines("connect to mysql server"), 2);

	map_close(map);
	remove_file(path);
	strbuf_free(&value);
}

/* test_driver_domain - keys outside "domain" never reach a server */

static void
test_driver_domain(void **state)
{
	STRBUF *value = strbuf_create(100);
	char   *path;
	MAP    *map = dead_table("domain = example.com\n", &path);

	strbuf_reset(logged);
	assert_int_equal(map_lookup(map, "user@example.org", value),
			 MAP_NOTFOUND);
	assert_int_equal(map_lookup(map, "example.com", value), MAP_NOTFOUND);
	assert_int_equal(count_lines("connect to mysql server"), 0);
	assert_int_equal(map_lookup(map, "user@example.com", value), MAP_RETRY);
	assert_int_equal(count_lines("connect to mysql server"), 2);
	map_close(map);
	remove_file(path);

	/* A domain table that fails makes the lookup fail, not "not found". */
	map = dead_table("domain = fail:broken\n", &path);
	strbuf_reset(logged);
	assert_int_equal(map_lookup(map, "user@example.com", value), MAP_RETRY);
	assert_int_equal(count_lines("'domain' pattern match failed for "
				     "'user@example.com'"), 1);
	assert_int_equal(count_lines("connect to mysql server"), 0);
	map_close(map);
	remove_file(path);
	strbuf_free(&value);
}

#endif

/* setup - scratch directory and log capture */

static int
setup(void **state)
{
	char    tmpl[] = "/tmp/map_mysql_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	logged = strbuf_create(100);
	log_init("map_mysql_test", 0);
	log_add_output(capture);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	rmdir(dir);
	xfree(dir);
	strbuf_free(&logged);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_legacy_query),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_query_expansion),
		cmocka_unit_test(test_result_expansion),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_main_cf_name),
#ifdef HAS_MYSQL
		cmocka_unit_test(test_driver_open),
		cmocka_unit_test(test_driver_no_server),
		cmocka_unit_test(test_driver_domain),
#endif
	};

	return cmocka_run_group_tests_name("map_mysql", tests, setup, teardown);
}
