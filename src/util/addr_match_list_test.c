/*
 * addr_match_list_test.c - unit tests for addr_match_list
 *
 * A fake table layer records every lookup, so the tests also check the
 * order of parent-domain lookups. /file/name tests use files in a
 * private temporary directory.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "addr_match_list.h"
#include "mem.h"
#include "strbuf.h"

/* Fake table layer. */

typedef struct FAKE_TABLE {
	const char *name;
	const char *const *keys;
	int props;
	int fail;			/* every lookup is an error */
} FAKE_TABLE;

static const char *const fake_keys[] = {
	"example.org", ".sub.example.net", "example.net", "192.0.2.1",
	"2001:db8::7", NULL,
};
static const char *const pattern_keys[] = { "a.b.example.com", NULL };

static const FAKE_TABLE fake_tables[] = {
	{ "hash:/etc/fake", fake_keys, 0, 0 },
	{ "regexp:/etc/fake", pattern_keys, ADDR_MATCH_TABLE_PATTERN, 0 },
	{ "fail:/etc/fake", NULL, 0, 1 },
	{ "inline:{ 192.0.2.9, x.example }", NULL, 0, 0 },
};

static STRBUF *fake_log;		/* "key;" for every lookup */
static int fake_open_count;

/* fake_open - find a fake table by name */

static void *
fake_open(void *context, const char *type_name, int list_flags, int *props,
	  STRBUF *why)
{
	size_t i;

	assert_ptr_equal(context, &fake_open_count);
	for (i = 0; i < ARRAY_LEN(fake_tables); i++) {
		if (strcmp(fake_tables[i].name, type_name) == 0) {
			*props = fake_tables[i].props;
			fake_open_count++;
			return (void *) &fake_tables[i];
		}
	}
	strbuf_printf(why, "%s: no such fake table", type_name);
	return NULL;
}

/* fake_lookup - look for a key, logging it */

static int
fake_lookup(void *context, void *handle, const char *key)
{
	const FAKE_TABLE *tab = handle;
	const char *const *kp;

	strbuf_append_printf(fake_log, "%s;", key);
	if (tab->fail)
		return -1;
	for (kp = tab->keys; kp && *kp; kp++)
		if (strcmp(*kp, key) == 0)
			return 1;
	return 0;
}

/* fake_close - count closes */

static void
fake_close(void *context, void *handle)
{
	fake_open_count--;
}

static const ADDR_MATCH_TABLE_OPS fake_ops = {
	fake_open, fake_lookup, fake_close,
};

static char tmpdir[] = "/tmp/aml_testXXXXXX";

/* write_file - create a file in the temporary directory */

static const char *
write_file(const char *name, const char *text)
{
	static STRBUF *path;
	FILE *fp;

	if (path == NULL)
		path = strbuf_create(100);
	strbuf_printf(path, "%s/%s", tmpdir, name);
	if ((fp = fopen(strbuf_str(path), "w")) == NULL)
		fail_msg("create %s", strbuf_str(path));
	fputs(text, fp);
	fclose(fp);
	return strbuf_str(path);
}

/* setup - scratch directory, log buffer */

static int
setup(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	fake_log = strbuf_create(100);
	return 0;
}

/* teardown - remove what setup made */

static int
teardown(void **state)
{
	STRBUF *cmd = strbuf_create(100);
	int status;

	strbuf_printf(cmd, "rm -rf '%s'", tmpdir);
	status = system(strbuf_str(cmd));
	strbuf_free(&cmd);
	strbuf_free(&fake_log);
	return status == 0 ? 0 : -1;
}

typedef struct QUERY {
	const char *name;
	const char *addr;
	int result;
} QUERY;

/* run_queries - create a list, check each query, free it */

static void
run_queries(const char *patterns, int flags, const QUERY *q, size_t count)
{
	STRBUF *why = strbuf_create(10);
	ADDR_MATCH_LIST *list;
	size_t i;
	int got;

	list = addr_match_list_create_ops(patterns, flags, &fake_ops,
					  &fake_open_count, why);
	if (list == NULL)
		fail_msg("\"%s\": %s", patterns, strbuf_str(why));
	for (i = 0; i < count; i++) {
		got = addr_match_list_match(list, q[i].name, q[i].addr);
		if (got != q[i].result)
			fail_msg("\"%s\" flags %d: name=%s addr=%s: got %d, want %d",
				 patterns, flags, q[i].name ? q[i].name : "(null)",
				 q[i].addr ? q[i].addr : "(null)", got, q[i].result);
	}
	addr_match_list_free(list);
	assert_int_equal(fake_open_count, 0);
	strbuf_free(&why);
}

/* test_addresses - blocks, plain and bracketed addresses, negation */

static void
test_addresses(void **state)
{
	static const QUERY q1[] = {
		{ NULL, "127.0.0.1", 1 },
		{ NULL, "168.100.189.0", 1 },
		{ NULL, "168.100.189.15", 1 },
		{ NULL, "168.100.189.16", 0 },
		{ NULL, "::1", 1 },
		{ NULL, "0::1", 1 },
		{ NULL, "::2", 0 },
		{ NULL, "2001:240:587::99", 1 },
		{ NULL, "2001:240:588::", 0 },
		{ NULL, "::ffff:127.1.2.3", 1 },	/* IPv4-mapped */
		{ NULL, "unknown", 0 },
		{ NULL, NULL, 0 },
		{ "localhost", NULL, 0 },
	};
	static const QUERY q2[] = {
		{ NULL, "192.168.0.1", 0 },		/* excluded first */
		{ NULL, "192.168.0.2", 1 },
		{ NULL, "192.168.0.16", 0 },
		{ NULL, "10.1.1.1", 0 },
		{ NULL, "10.2.2.2", 1 },
	};
	static const QUERY q3[] = {			/* double negation */
		{ NULL, "10.0.0.1", 1 },
		{ NULL, "10.0.0.2", 0 },
	};
	static const QUERY q4[] = {			/* empty list */
		{ "x", "10.0.0.1", 0 },
	};

	run_queries("127.0.0.0/8 168.100.189.0/28 [::1]/128 [2001:240:587::]/64",
		    0, q1, ARRAY_LEN(q1));
	run_queries("!192.168.0.1, 192.168.0.0/28,,!10.1.0.0/16\n10.0.0.0/8",
		    0, q2, ARRAY_LEN(q2));
	run_queries("!!10.0.0.1", 0, q3, ARRAY_LEN(q3));
	run_queries("  , ", 0, q4, ARRAY_LEN(q4));
	run_queries("", 0, q4, ARRAY_LEN(q4));
}

/* test_names - host names and domains, with and without PARENT */

static void
test_names(void **state)
{
	static const QUERY plain[] = {
		{ "example.com", NULL, 1 },
		{ "EXAMPLE.Com", "1.1.1.1", 1 },
		{ "mail.example.com", NULL, 0 },	/* no parent matching */
		{ "host.example.net", NULL, 1 },	/* .example.net */
		{ "a.b.example.net", NULL, 1 },
		{ "example.net", NULL, 0 },
		{ "xexample.net", NULL, 0 },
		{ "notexample.com", NULL, 0 },
		{ "other.org", NULL, 0 },
		{ NULL, "1.2.3.4", 0 },
		{ "1.2.3.4", "1.2.3.4", 0 },
		{ "", NULL, 0 },
	};
	static const QUERY parent[] = {
		{ "example.com", NULL, 1 },
		{ "mail.example.com", NULL, 1 },
		{ "a.b.EXAMPLE.COM", NULL, 1 },
		{ "notexample.com", NULL, 0 },
		{ "host.example.net", NULL, 1 },	/* ".example.net" still works */
		{ "example.net", NULL, 0 },
		{ "com", NULL, 0 },
	};
	static const QUERY neg[] = {
		{ "bad.example.com", "10.0.0.1", 0 },
		{ "good.example.com", "10.0.0.1", 1 },
		{ "unknown", "10.0.0.1", 1 },
		{ "unknown", "11.0.0.1", 0 },
	};

	run_queries("Example.COM .example.net", 0, plain, ARRAY_LEN(plain));
	run_queries("Example.COM .example.net", ADDR_MATCH_FLAG_PARENT,
		    parent, ARRAY_LEN(parent));
	run_queries("!bad.example.com .example.com 10.0.0.0/8", 0,
		    neg, ARRAY_LEN(neg));
}

/* test_tables - lookup keys, parent domains, pattern tables, errors */

static void
test_tables(void **state)
{
	static const struct {
		const char *patterns;
		int flags;
		const char *name;
		const char *addr;
		int result;
		const char *log;	/* keys looked up, in order */
	} t[] = {
		{ "hash:/etc/fake", 0, "Example.ORG", NULL, 1, "example.org;" },
		{ "hash:/etc/fake", 0, "a.sub.example.net", "10.0.0.1", 1,
		  "a.sub.example.net;.sub.example.net;" },
		{ "hash:/etc/fake", 0, "a.b.example.org", "10.0.0.1", 0,
		  "a.b.example.org;.b.example.org;.example.org;.org;10.0.0.1;" },
		{ "hash:/etc/fake", ADDR_MATCH_FLAG_PARENT, "a.b.example.org",
		  "10.0.0.1", 1, "a.b.example.org;b.example.org;example.org;" },
		{ "hash:/etc/fake", 0, "unknown", "192.0.2.1", 1,
		  "unknown;192.0.2.1;" },
		{ "hash:/etc/fake", 0, NULL, "2001:DB8::7", 1, "2001:db8::7;" },
		{ "hash:/etc/fake", 0, NULL, "not-an-address", 0, "" },
		{ "hash:/etc/fake", 0, "", "10.0.0.1", 0, "10.0.0.1;" },
		{ "hash:/etc/fake", 0, "com.", NULL, 0, "com.;.;" },
		{ "hash:/etc/fake", ADDR_MATCH_FLAG_PARENT, "com.", NULL, 0,
		  "com.;" },
		{ "!hash:/etc/fake 0.0.0.0/0", 0, NULL, "192.0.2.1", 0,
		  "192.0.2.1;" },
		{ "!hash:/etc/fake 0.0.0.0/0", 0, NULL, "192.0.2.2", 1,
		  "192.0.2.2;" },
		{ "regexp:/etc/fake", ADDR_MATCH_FLAG_PARENT, "x.a.b.example.com",
		  "10.0.0.1", 0, "x.a.b.example.com;10.0.0.1;" },
		{ "regexp:/etc/fake", 0, "a.b.example.com", NULL, 1,
		  "a.b.example.com;" },
		{ "10.0.0.0/8 fail:/etc/fake", 0, "x", "10.0.0.1", 1, "" },
		{ "fail:/etc/fake 10.0.0.0/8", 0, "x", "10.0.0.1", -1, "x;" },
		{ "!fail:/etc/fake", 0, NULL, "10.0.0.1", -1, "10.0.0.1;" },
		{ "inline:{ 192.0.2.9, x.example }, 10.0.0.1", 0, NULL,
		  "10.0.0.1", 1, "10.0.0.1;" },
	};
	STRBUF *why = strbuf_create(10);
	ADDR_MATCH_LIST *list;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		list = addr_match_list_create_ops(t[i].patterns, t[i].flags,
						  &fake_ops, &fake_open_count, why);
		if (list == NULL)
			fail_msg("%s: %s", t[i].patterns, strbuf_str(why));
		strbuf_reset(fake_log);
		if (addr_match_list_match(list, t[i].name, t[i].addr) != t[i].result)
			fail_msg("case %zu: %s %s %s: want %d", i, t[i].patterns,
				 t[i].name ? t[i].name : "-",
				 t[i].addr ? t[i].addr : "-", t[i].result);
		assert_string_equal(strbuf_str(fake_log), t[i].log);
		if (t[i].result < 0)
			assert_string_equal(addr_match_list_error(list),
					    "fail:/etc/fake: table lookup problem");
		else
			assert_string_equal(addr_match_list_error(list), "");
		addr_match_list_free(list);
		assert_int_equal(fake_open_count, 0);
	}
	strbuf_free(&why);
}

/* test_default_ops - the registered table layer, and none at all */

static void
test_default_ops(void **state)
{
	STRBUF *why = strbuf_create(10);
	ADDR_MATCH_LIST *list;

	assert_null(addr_match_list_create("hash:/etc/fake", 0, why));
	assert_string_equal(strbuf_str(why), "table \"hash:/etc/fake\": lookup "
			    "tables are not supported here");
	addr_match_list_set_table_ops(&fake_ops, &fake_open_count);
	list = addr_match_list_create("hash:/etc/fake", 0, why);
	assert_non_null(list);
	assert_int_equal(addr_match_list_match(list, "example.org", NULL), 1);
	addr_match_list_free(list);
	addr_match_list_set_table_ops(NULL, NULL);
	assert_null(addr_match_list_create("hash:/etc/fake", 0, why));
	assert_int_equal(fake_open_count, 0);
	/* Plain lists need no table layer. */
	list = addr_match_list_create("10.0.0.0/8", 0, why);
	assert_int_equal(addr_match_list_match(list, NULL, "10.9.9.9"), 1);
	addr_match_list_free(list);
	addr_match_list_free(NULL);
	strbuf_free(&why);
}

/* test_bad_patterns - each is refused with a clear reason */

static void
test_bad_patterns(void **state)
{
	static const struct {
		const char *patterns;
		const char *why;
	} t[] = {
		{ "10.0.0.1/24", "non-null host address bits in \"10.0.0.1/24\", "
		  "perhaps you should use \"10.0.0.0/24\" instead" },
		{ "ok.example 10.0.0.0/33", "bad net/mask pattern: \"10.0.0.0/33\"" },
		{ "[::1", "missing ']' character after \"[::1\"" },
		{ "[mail.example.com]", "bad address pattern: \"mail.example.com\"" },
		{ "example.com/24", "bad net/mask pattern: \"example.com/24\"" },
		{ "::1", "IPv6 address \"::1\" must be enclosed in []" },
		{ "2001:db8::/32", "IPv6 address \"2001:db8::/32\" must be "
		  "enclosed in []" },
		{ "sp@ce:x", "bad table name \"sp@ce:x\": expected type:name" },
		{ "ha.sh:/x", "bad table name \"ha.sh:/x\": expected type:name" },
		{ "hash:", "bad table name \"hash:\": expected type:name" },
		{ "nope:/x", "nope:/x: no such fake table" },
		{ "10.0.0.1 !", "no pattern after '!' in \"!\"" },
		{ "!!, 10.0.0.1", "no pattern after '!' in \"!!\"" },
		{ "inline:{ a, b", "unbalanced {} in \"inline:{ a, b\"" },
	};
	STRBUF *why = strbuf_create(10);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		assert_null(addr_match_list_create_ops(t[i].patterns, 0, &fake_ops,
						       &fake_open_count, why));
		assert_string_equal(strbuf_str(why), t[i].why);
		assert_null(addr_match_list_create_ops(t[i].patterns, 0, &fake_ops,
						       &fake_open_count, NULL));
		assert_int_equal(fake_open_count, 0);	/* opened ones closed */
	}
	/* A good table before the bad entry is closed again. */
	assert_null(addr_match_list_create_ops("hash:/etc/fake 1.2.3.4/8", 0,
					       &fake_ops, &fake_open_count, why));
	assert_int_equal(fake_open_count, 0);
	strbuf_free(&why);
}

/* test_files - /file/name contents, comments, negation, nesting */

static void
test_files(void **state)
{
	STRBUF *pat = strbuf_create(100);
	STRBUF *why = strbuf_create(10);
	ADDR_MATCH_LIST *list;
	char *inner;
	char *outer;
	char *loop;

	inner = xstrdup(write_file("inner",
				   "# trusted hosts\n"
				   "   # indented comment\n"
				   "\n"
				   "192.168.1.0/24, !192.168.2.1 192.168.2.0/24\n"
				   "[2001:db8::]/32 # the lab\n"
				   "host.example hash:/etc/fake\n"
				   "10.9.9.9"));		/* no final newline */
	strbuf_printf(pat, "10.0.0.1 %s !10.0.0.0/8", inner);
	list = addr_match_list_create_ops(strbuf_str(pat), 0, &fake_ops,
					  &fake_open_count, why);
	assert_non_null(list);
	assert_int_equal(addr_match_list_size(list), 9);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.1.7"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.2.1"), 0);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.2.2"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "2001:db8::99"), 1);
	assert_int_equal(addr_match_list_match(list, "HOST.example", NULL), 1);
	assert_int_equal(addr_match_list_match(list, "example.org", NULL), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "10.9.9.9"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "10.0.0.1"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "10.0.0.2"), 0);
	/* "the lab" after '#' is a comment, not a host name. */
	assert_int_equal(addr_match_list_match(list, "lab", NULL), 0);
	addr_match_list_free(list);

	/* !/file/name inverts every entry of the file. */
	strbuf_printf(pat, "!%s 0.0.0.0/0", inner);
	list = addr_match_list_create_ops(strbuf_str(pat), 0, &fake_ops,
					  &fake_open_count, why);
	assert_non_null(list);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.1.7"), 0);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.2.1"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "172.16.0.1"), 1);
	addr_match_list_free(list);

	/* A file that names another file. */
	outer = xstrdup(write_file("outer", "172.16.0.0/12\n"));
	strbuf_printf(pat, "%s\n%s\n", outer, inner);
	write_file("nest", strbuf_str(pat));
	list = addr_match_list_create_ops(write_file("nest", strbuf_str(pat)), 0,
					  &fake_ops, &fake_open_count, why);
	assert_non_null(list);
	assert_int_equal(addr_match_list_match(list, NULL, "172.20.0.1"), 1);
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.1.1"), 1);
	addr_match_list_free(list);

	/* A bad entry in a file names the file. */
	write_file("bad", "10.0.0.0/8\n10.1.2.3/16\n");
	strbuf_printf(pat, "%s/bad", tmpdir);
	assert_null(addr_match_list_create_ops(strbuf_str(pat), 0, &fake_ops,
					       &fake_open_count, why));
	assert_true(strstr(strbuf_str(why), "/bad: non-null host address bits "
			   "in \"10.1.2.3/16\"") != NULL);

	/* A file that includes itself stops at the depth limit. */
	loop = xstrdup(write_file("loop", ""));
	write_file("loop", loop);
	assert_null(addr_match_list_create_ops(loop, 0, &fake_ops,
					       &fake_open_count, why));
	strbuf_printf(pat, "files nested more than %d deep", ADDR_MATCH_MAX_DEPTH);
	assert_true(strstr(strbuf_str(why), strbuf_str(pat)) != NULL);
	{
		/* Each open level prefixes its name, and so does the error. */
		const char *cp = strbuf_str(why);
		int levels = 0;

		strbuf_printf(pat, "%s: ", loop);
		for (; (cp = strstr(cp, strbuf_str(pat))) != NULL; cp++)
			levels++;
		assert_int_equal(levels, ADDR_MATCH_MAX_DEPTH + 1);
	}
	assert_int_equal(fake_open_count, 0);

	xfree(inner);
	xfree(outer);
	xfree(loop);
	strbuf_free(&pat);
	strbuf_free(&why);
}

/* test_missing_file - create succeeds, a match that reaches it fails */

static void
test_missing_file(void **state)
{
	STRBUF *pat = strbuf_create(100);
	STRBUF *why = strbuf_create(10);
	ADDR_MATCH_LIST *list;

	strbuf_printf(pat, "10.0.0.0/8 %s/nonexistent 192.168.0.0/16", tmpdir);
	list = addr_match_list_create_ops(strbuf_str(pat), 0, NULL, NULL, why);
	assert_non_null(list);
	assert_int_equal(addr_match_list_match(list, NULL, "10.1.1.1"), 1);
	assert_string_equal(addr_match_list_error(list), "");
	assert_int_equal(addr_match_list_match(list, NULL, "192.168.0.1"), -1);
	assert_true(strstr(addr_match_list_error(list), "/nonexistent: No such "
			   "file or directory") != NULL);
	assert_true(strncmp(addr_match_list_error(list), "open ", 5) == 0);
	addr_match_list_free(list);
	strbuf_free(&pat);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_default_ops),
		cmocka_unit_test(test_bad_patterns),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests_name("addr_match_list", tests, setup,
					   teardown);
}
