/*
 * trivial_rewrite_domains_test.c - unit tests for domain lists
 *
 * Names, ".subdomain" patterns, parent-domain matching, negation, first
 * match wins, inline tables, and a table that cannot be opened (which
 * must answer "try later", never "no match").
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "trivial_rewrite.h"

/* test_match - table of lists, domains and answers */

static void
test_match(void **state)
{
	static const struct {
		const char *list;
		int	parent;
		const char *domain;
		int	want;
	} t[] = {
		{"example.com, localhost", 0, "example.com", 1},
		{"example.com, localhost", 0, "localhost", 1},
		{"example.com, localhost", 0, "sub.example.com", 0},
		{"example.com", 1, "sub.example.com", 1},
		{"example.com", 1, "badexample.com", 0},
		{".example.com", 0, "sub.example.com", 1},
		{".example.com", 0, "example.com", 0},
		{"!bad.example.com .example.com", 0, "bad.example.com", 0},
		{"!bad.example.com .example.com", 0, "ok.example.com", 1},
		{"Example.COM", 0, "example.com", 1},
		{"", 0, "example.com", 0},
		{"example.com", 0, "", 0},
		{"inline:{example.org=x}", 0, "example.org", 1},
		{"inline:{example.org=x}", 0, "a.example.org", 0},
		{"inline:{.example.org=x}", 0, "a.example.org", 1},
		{"inline:{example.org=x}", 1, "a.example.org", 1},
		{"nosuchtype:/x", 0, "example.org", -1},
		{"example.org nosuchtype:/x", 0, "example.org", 1},
	};
	size_t	n;

	(void) state;
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++) {
		TR_DOMAINS *list = tr_domains_create("test", t[n].list, t[n].parent);
		int	got = tr_domains_match(list, t[n].domain);

		if (got != t[n].want)
			fail_msg("%s / %s: got %d, want %d", t[n].list,
				 t[n].domain, got, t[n].want);
		tr_domains_free(list);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
