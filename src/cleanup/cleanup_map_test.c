/*
 * cleanup_map_test.c - tests of the address mapping decisions
 *
 * The pure parts of cleanup_map.c and cleanup_masq.c, with fake tables:
 * the masquerade decision ("!" entries and list order, exceptions), the
 * canonical(5)/virtual(5) key order with extensions and local domains,
 * table values into addresses (extension propagation, "@domain"
 * values), and virtual alias expansion (1:n, self-expansion, loops and
 * the limits).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdarg.h>
#include <string.h>

#include "argv.h"
#include "strbuf.h"
#include "addr_map.h"
#include "map.h"
#include "cleanup.h"

/* cleanup_error - not reached by the pure functions */

void
cleanup_error(CLEANUP_STATE *state, int stat, const char *fmt,...)
{
	(void) state;
	(void) stat;
	(void) fmt;
	fail_msg("cleanup_error called");
}

/* test_masq_domain - the masquerade decision, table-driven */

static void
test_masq_domain(void **unused)
{
	static const struct {
		const char *list;
		const char *domain;
		const char *want;	/* NULL: not masqueraded */
	}	t[] = {
		{"example.com", "host.example.com", "example.com"},
		{"example.com", "a.b.example.com", "example.com"},
		{"example.com", "HOST.Example.COM", "example.com"},
		{"example.com", "example.com", NULL},
		{"example.com", "xexample.com", NULL},
		{"example.com", "example.org", NULL},
		{"!sub.example.com, example.com", "a.sub.example.com", NULL},
		{"!sub.example.com, example.com", "sub.example.com", NULL},
		{"!sub.example.com, example.com", "b.example.com",
		"example.com"},
		/* Order rule: the parent listed first wins. */
		{"example.com, !sub.example.com", "a.sub.example.com",
		"example.com"},
		{"sub.example.com example.com", "a.sub.example.com",
		"sub.example.com"},
		{"example.com sub.example.com", "a.sub.example.com",
		"example.com"},
		{"", "host.example.com", NULL},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ARGV   *masq = argv_split(t[i].list, ", ");
		const char *got = cleanup_masq_domain(masq, t[i].domain);

		if (t[i].want == NULL)
			assert_null(got);
		else {
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		}
		argv_free(&masq);
	}
}

/* test_masq_addr - whole addresses and masquerade_exceptions */

static void
test_masq_addr(void **unused)
{
	static const struct {
		const char *addr;
		int     changed;
		const char *want;
	}	t[] = {
		{"user@host.example.com", 1, "user@example.com"},
		{"root@host.example.com", 0, "root@host.example.com"},
		{"ROOT@host.example.com", 0, "ROOT@host.example.com"},
		{"user", 0, "user"},
		{"user@example.com", 0, "user@example.com"},
		{"a@b@host.example.com", 1, "a@b@example.com"},
	};
	ARGV   *masq = argv_split("example.com", ", ");
	ARGV   *except = argv_split("root, mailer-daemon", ", ");
	STRBUF *addr = strbuf_create(10);
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		strbuf_set(addr, t[i].addr);
		assert_int_equal(cleanup_masq_addr(masq, except, addr),
				 t[i].changed);
		assert_string_equal(strbuf_str(addr), t[i].want);
	}
	strbuf_set(addr, "root@host.example.com");
	assert_int_equal(cleanup_masq_addr(masq, NULL, addr), 1);
	assert_string_equal(strbuf_str(addr), "root@example.com");
	argv_free(&masq);
	argv_free(&except);
	strbuf_free(&addr);
}

/* A fake table: "key=value" entries; value "RETRY" fails. */
struct fake {
	const char *const *entries;
	const char *retry_domain;	/* is_local fails for it */
	ARGV   *keys;			/* "key" or "key (partial)" */
};

/* fake_lookup - the table */

static int
fake_lookup(void *context, const char *key, int partial, STRBUF *value)
{
	struct fake *f = context;
	size_t	len = strlen(key);
	size_t	i;

	argv_add_printf(f->keys, "%s%s", key, partial ? " (partial)" : "");
	for (i = 0; f->entries[i]; i++) {
		if (strncmp(f->entries[i], key, len) == 0
		    && f->entries[i][len] == '=') {
			if (strcmp(f->entries[i] + len + 1, "RETRY") == 0)
				return MAP_RETRY;
			strbuf_set(value, f->entries[i] + len + 1);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* fake_is_local - local.example and origin.example are ours */

static int
fake_is_local(void *context, const char *domain)
{
	struct fake *f = context;

	if (f->retry_domain && strcmp(domain, f->retry_domain) == 0)
		return -1;
	return strcmp(domain, "local.example") == 0
		|| strcmp(domain, "origin.example") == 0;
}

/* test_find - canonical(5) lookup order, extensions, failures */

static void
test_find(void **unused)
{
	static const char *const none[] = {NULL};
	static const char *const table[] = {
		"user@remote.example=full@x",
		"joe=joe-local@x",
		"@catch.example=catchall@x",
		"bad@remote.example=RETRY",
		NULL,
	};
	static const struct {
		const char *const *entries;
		const char *addr;
		const char *delims;
		int     ret;
		const char *value;
		const char *ext;
		const char *keys;	/* the lookups made, "|"-joined */
	}	t[] = {
		{none, "user+foo@local.example", "+", MAP_NOTFOUND, "", "",
			"user+foo@local.example|user@local.example (partial)|"
			"user+foo (partial)|user (partial)|"
		"@local.example (partial)"},
		{none, "user+foo@remote.example", "+", MAP_NOTFOUND, "", "",
			"user+foo@remote.example|user@remote.example (partial)|"
		"@remote.example (partial)"},
		{none, "user+foo@local.example", "", MAP_NOTFOUND, "", "",
			"user+foo@local.example|user+foo (partial)|"
		"@local.example (partial)"},
		{none, "user-foo@origin.example", "+-", MAP_NOTFOUND, "", "",
			"user-foo@origin.example|user@origin.example (partial)|"
			"user-foo (partial)|user (partial)|"
		"@origin.example (partial)"},
		{table, "user@remote.example", "+", MAP_FOUND, "full@x", "",
		"user@remote.example"},
		{table, "user+foo@remote.example", "+", MAP_FOUND, "full@x",
			"+foo",
		"user+foo@remote.example|user@remote.example (partial)"},
		{table, "joe+a+b@local.example", "+", MAP_FOUND,
			"joe-local@x", "+a+b",
			"joe+a+b@local.example|joe@local.example (partial)|"
		"joe+a+b (partial)|joe (partial)"},
		{table, "joe@local.example", "+", MAP_FOUND, "joe-local@x", "",
		"joe@local.example|joe (partial)"},
		{table, "joe@remote.example", "+", MAP_NOTFOUND, "", "",
		"joe@remote.example|@remote.example (partial)"},
		{table, "any+x@catch.example", "+", MAP_FOUND, "catchall@x",
			"",
			"any+x@catch.example|any@catch.example (partial)|"
		"@catch.example (partial)"},
		{table, "bad@remote.example", "+", MAP_RETRY, "", "",
		"bad@remote.example"},
		{table, "joe@fail.example", "+", MAP_RETRY, "", "",
		"joe@fail.example"},
		{table, "joe", "+", MAP_FOUND, "joe-local@x", "", "joe"},
	};
	STRBUF *value = strbuf_create(10);
	STRBUF *ext = strbuf_create(10);
	STRBUF *keys = strbuf_create(10);
	size_t	i, k;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fake f = {t[i].entries, "fail.example", argv_create()};
		ADDR_MAP_FIND find = {fake_lookup, fake_is_local, &f,
		t[i].delims};

		strbuf_reset(value);
		assert_int_equal(addr_map_find(&find, t[i].addr, value, ext),
				 t[i].ret);
		if (t[i].ret == MAP_FOUND)
			assert_string_equal(strbuf_str(value), t[i].value);
		assert_string_equal(strbuf_str(ext), t[i].ext);
		strbuf_reset(keys);
		for (k = 0; k < f.keys->argc; k++)
			strbuf_append_printf(keys, "%s%s", k ? "|" : "",
					     f.keys->argv[k]);
		assert_string_equal(strbuf_str(keys), t[i].keys);
		argv_free(&f.keys);
	}
	strbuf_free(&value);
	strbuf_free(&ext);
	strbuf_free(&keys);
}

/* test_crunch - table values into addresses */

static void
test_crunch(void **unused)
{
	static const struct {
		const char *addr;
		const char *value;
		const char *ext;
		const char *want;	/* "|"-joined */
	}	t[] = {
		{"u@a", "x@y", NULL, "x@y"},
		{"u+f@a", "x@y", "+f", "x+f@y"},
		{"u+f@a", "x@y, z@w", "+f", "x+f@y|z+f@w"},
		{"u+f@a", "Joe <x@y>, \"a b\"@c", NULL, "x@y|a b@c"},
		{"u+f@a", "local", "+f", "local+f"},
		{"u+f@a", "@b", "+f", "u+f@b"},
		{"u+f@a", "@b", NULL, "u+f@b"},
		{"u@a", "@b.example", NULL, "u@b.example"},
		{"u@a", "", NULL, ""},
	};
	ARGV   *out = argv_create();
	STRBUF *got = strbuf_create(10);
	size_t	i, k;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		addr_map_crunch(t[i].addr, t[i].value, t[i].ext, out);
		strbuf_reset(got);
		for (k = 0; k < out->argc; k++)
			strbuf_append_printf(got, "%s%s", k ? "|" : "",
					     out->argv[k]);
		assert_string_equal(strbuf_str(got), t[i].want);
	}
	argv_free(&out);
	strbuf_free(&got);
}

/* fake_1n - a virtual alias table: "lhs=a,b,c" */

static int
fake_1n(void *context, const char *addr, ARGV *result)
{
	const char *const *entries = context;
	size_t	len = strlen(addr);
	ARGV   *split;
	size_t	i, k;

	argv_truncate(result, 0);
	for (i = 0; entries[i]; i++) {
		if (strncmp(entries[i], addr, len) == 0
		    && entries[i][len] == '=') {
			if (strcmp(entries[i] + len + 1, "RETRY") == 0)
				return MAP_RETRY;
			split = argv_split(entries[i] + len + 1, ",");
			for (k = 0; k < split->argc; k++)
				argv_add(result, split->argv[k]);
			argv_free(&split);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* test_expand - virtual alias expansion */

static void
test_expand(void **unused)
{
	static const char *const table[] = {
		"one@v=two@v",
		"two@v=three@x",
		"list@v=a@x,b@v,c@x",
		"b@v=bb@x",
		"self@v=self@v,copy@x",
		"Case@v=case@V,other@x",
		"loop1@v=loop2@v",
		"loop2@v=loop1@v",
		"deep1@v=deep2@v",
		"deep2@v=deep3@v",
		"deep3@v=deep4@v",
		"big@v=1@x,2@x,3@x,4@x",
		"long@v=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x",
		"fail@v=RETRY",
		"viafail@v=ok@x,fail@v",
		NULL,
	};
	static const struct {
		const char *addr;
		int     ret;
		const char *want;	/* "|"-joined, when OK */
	}	t[] = {
		{"none@v", CLEANUP_EXPAND_OK, "none@v"},
		{"one@v", CLEANUP_EXPAND_OK, "three@x"},
		{"list@v", CLEANUP_EXPAND_OK, "a@x|bb@x|c@x"},
		{"self@v", CLEANUP_EXPAND_OK, "self@v|copy@x"},
		{"Case@v", CLEANUP_EXPAND_OK, "case@V|other@x"},
		{"loop1@v", CLEANUP_EXPAND_NESTING, NULL},
		{"deep2@v", CLEANUP_EXPAND_OK, "deep4@v"},
		{"deep1@v", CLEANUP_EXPAND_NESTING, NULL},
		{"big@v", CLEANUP_EXPAND_SIZE, NULL},
		{"long@v", CLEANUP_EXPAND_LENGTH, NULL},
		{"fail@v", CLEANUP_EXPAND_RETRY, NULL},
		{"viafail@v", CLEANUP_EXPAND_RETRY, NULL},
	};
	CLEANUP_LIMITS limits = {3, 3, 30};
	ARGV   *out = argv_create();
	STRBUF *got = strbuf_create(10);
	size_t	i, k;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(cleanup_map_expand(t[i].addr, fake_1n,
						    (void *) table, &limits,
						    out), t[i].ret);
		if (t[i].want == NULL)
			continue;
		strbuf_reset(got);
		for (k = 0; k < out->argc; k++)
			strbuf_append_printf(got, "%s%s", k ? "|" : "",
					     out->argv[k]);
		assert_string_equal(strbuf_str(got), t[i].want);
	}
	/* One more level than the limit allows. */
	limits.recursion = 2;
	assert_int_equal(cleanup_map_expand("deep2@v", fake_1n, (void *) table,
					    &limits, out),
			 CLEANUP_EXPAND_NESTING);
	argv_free(&out);
	strbuf_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masq_domain),
		cmocka_unit_test(test_masq_addr),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_crunch),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
