/*
 * debug_peer_test.c - tests for debug_peer.c
 *
 * A listed peer raises log_verbose by debug_peer_level for as long as
 * the session lasts; an unlisted one leaves it alone; restore puts the
 * level back to what it was, whatever that was.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"
#include "debug_peer.h"
#include "params_global.h"

static char list_value[] = "127.0.0.1, 10.0.0.0/8, .example.com, "
	"inline:{ 192.0.2.7=ok }";
static char empty_value[] = "";
static char parent_value[] = "debug_peer_list";

/* test_match - listed and unlisted peers */

static void
test_match(void **unused)
{
	static const struct {
		const char *name, *addr;
		int	hit;
	} t[] = {
		{ "localhost", "127.0.0.1", 1 },
		{ "unknown", "127.0.0.2", 0 },
		{ "unknown", "10.1.2.3", 1 },
		{ "mx.example.com", "198.51.100.1", 1 },
		{ "example.com", "198.51.100.1", 0 },
		{ "unknown", "192.0.2.7", 1 },
		{ "unknown", "192.0.2.8", 0 },
		{ NULL, NULL, 0 },
	};
	size_t	i;

	(void) unused;
	var_debug_peer_list = list_value;
	var_debug_peer_level = 2;
	var_parent_domain_matches_subdomains = parent_value;
	debug_peer_init();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		log_verbose = 1;
		assert_int_equal(debug_peer_check(t[i].name, t[i].addr), t[i].hit);
		assert_int_equal(log_verbose, t[i].hit ? 3 : 1);
		/* A second check in the same session raises nothing more. */
		(void) debug_peer_check(t[i].name, t[i].addr);
		assert_int_equal(log_verbose, t[i].hit ? 3 : 1);
		debug_peer_restore();
		assert_int_equal(log_verbose, 1);
	}
	debug_peer_free();
	log_verbose = 0;
}

/* test_empty - an empty list never raises */

static void
test_empty(void **unused)
{
	(void) unused;
	var_debug_peer_list = empty_value;
	var_debug_peer_level = 2;
	debug_peer_init();
	assert_int_equal(debug_peer_check("localhost", "127.0.0.1"), 0);
	assert_int_equal(log_verbose, 0);
	debug_peer_restore();
	assert_int_equal(log_verbose, 0);
	debug_peer_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
