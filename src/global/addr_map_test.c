/*
 * addr_map_test.c - tests of the canonical(5)/generic(5) search order
 *
 * A fake table records every key it is asked: the keys and their order
 * for local and remote domains, with and without an extension, the
 * first match winning, a failing table stopping the search; table
 * values into addresses ("@domain" keeps the local part); and header
 * address lists rebuilt with new addresses.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "argv.h"
#include "strbuf.h"
#include "addr_map.h"
#include "addr_parse.h"
#include "map.h"

/* A fake table: "key=value" entries, a domain that is local. */
struct fake {
	const char *const *entries;
	ARGV   *keys;			/* keys asked, "(partial)" marked */
};

/* fake_lookup - the table; "fail" keys answer MAP_RETRY */

static int
fake_lookup(void *context, const char *key, int partial, STRBUF *value)
{
	struct fake *f = context;
	STRBUF *rec = strbuf_create(10);
	size_t	len = strlen(key);
	size_t	i;

	strbuf_printf(rec, "%s%s", key, partial ? " (partial)" : "");
	argv_add(f->keys, strbuf_str(rec));
	strbuf_free(&rec);
	if (strstr(key, "fail") != NULL)
		return MAP_RETRY;
	for (i = 0; f->entries[i]; i++) {
		if (strncmp(f->entries[i], key, len) == 0
		    && f->entries[i][len] == '=') {
			strbuf_set(value, f->entries[i] + len + 1);
			return MAP_FOUND;
		}
	}
	return MAP_NOTFOUND;
}

/* fake_is_local - host.localdomain is local */

static int
fake_is_local(void *context, const char *domain)
{
	(void) context;
	return strcmp(domain, "host.localdomain") == 0;
}

/* test_find - the key order, table-driven */

static void
test_find(void **unused)
{
	static const char *const table[] = {
		"user@host.localdomain=user@example.com",
		"@localdomain=@example.com",
		"joe=joe.public@example.com",
		NULL,
	};
	static const struct {
		const char *addr;
		int	ret;
		const char *value;
		const char *ext;
		const char *keys;
	}	t[] = {
		{"user@host.localdomain", MAP_FOUND, "user@example.com", "",
		"user@host.localdomain"},
		{"user+x@host.localdomain", MAP_FOUND, "user@example.com", "+x",
		"user+x@host.localdomain|user@host.localdomain (partial)"},
		{"joe@host.localdomain", MAP_FOUND, "joe.public@example.com", "",
		"joe@host.localdomain|joe (partial)"},
		{"joe@remote.example", MAP_NOTFOUND, "", "",
		"joe@remote.example|@remote.example (partial)"},
		{"other@localdomain", MAP_FOUND, "@example.com", "",
		"other@localdomain|@localdomain (partial)"},
		{"x+y@fail.example", MAP_RETRY, "", "", "x+y@fail.example"},
	};
	STRBUF *value = strbuf_create(10);
	STRBUF *ext = strbuf_create(10);
	STRBUF *keys = strbuf_create(10);
	size_t	i, k;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fake f = {table, argv_create()};
		ADDR_MAP_FIND find = {fake_lookup, fake_is_local, &f, "+"};

		strbuf_reset(value);
		assert_int_equal(addr_map_find(&find, t[i].addr, value, ext),
				 t[i].ret);
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

/* test_crunch - "@domain" values keep the local part */

static void
test_crunch(void **unused)
{
	ARGV   *out = argv_create();

	(void) unused;
	addr_map_crunch("other@localdomain", "@example.com", NULL, out);
	assert_int_equal(out->argc, 1);
	assert_string_equal(out->argv[0], "other@example.com");
	addr_map_crunch("u@a", "Name <x@y>", NULL, out);
	assert_int_equal(out->argc, 1);
	assert_string_equal(out->argv[0], "x@y");
	argv_free(&out);
}

/* test_format_list - display names, groups and quoting kept */

static void
test_format_list(void **unused)
{
	static const struct {
		const char *in;
		const char *want;
	}	t[] = {
		{"User Name <user@host>", "User Name <new0@example.com>"},
		{"a@b, (comment) <c@d>",
		"new0@example.com, comment <new1@example.com>"},
		{"team: a@b, c@d;, e@f",
		"team: new0@example.com, new1@example.com;, new2@example.com"},
		{"\"Doe, J.\" <j@x>", "\"Doe, J.\" <new0@example.com>"},
	};
	STRBUF *out = strbuf_create(10);
	STRBUF *addr = strbuf_create(10);
	ARGV   *addrs = argv_create();
	ADDR_LIST *list;
	size_t	i, k;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		list = addr_parse_list(t[i].in);
		argv_truncate(addrs, 0);
		for (k = 0; k < list->count; k++) {
			strbuf_printf(addr, "new%zu@example.com", k);
			argv_add(addrs, strbuf_str(addr));
		}
		strbuf_reset(out);
		addr_map_format_list(out, list, addrs);
		assert_string_equal(strbuf_str(out), t[i].want);
		addr_list_free(&list);
	}
	argv_free(&addrs);
	strbuf_free(&addr);
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_crunch),
		cmocka_unit_test(test_format_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
