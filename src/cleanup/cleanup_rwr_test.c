/*
 * cleanup_rwr_test.c - unit tests for local_header_rewrite_clients
 *
 * The decision of cleanup_rwr_local() for each supported element, and
 * cleanup_rwr_context() for a local submission (no client_address) and
 * a remote client with and without remote_header_rewrite_domain.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdarg.h>
#include <string.h>

#include "addr_match_list.h"
#include "argv.h"
#include "params_cleanup.h"
#include "params_global.h"
#include "params_rewrite.h"
#include "rewrite_clnt.h"
#include "cleanup.h"

/* test_local - each element of local_header_rewrite_clients */

static void
test_local(void **unused)
{
	ADDR_MATCH_LIST *ifc = addr_match_list_create("127.0.0.1 192.0.2.1",
						      0, NULL);
	ADDR_MATCH_LIST *nets = addr_match_list_create("10.0.0.0/8 [fd00::]/8",
						       0, NULL);
	static const struct {
		const char *clients, *addr, *sasl;
		int	want;
	} t[] = {
		{"permit_inet_interfaces", NULL, NULL, 1},
		{"permit_inet_interfaces", "", NULL, 1},
		{"", NULL, NULL, 1},
		{"permit_inet_interfaces", "192.0.2.1", NULL, 1},
		{"permit_inet_interfaces", "192.0.2.2", NULL, 0},
		{"permit_inet_interfaces", "10.1.2.3", NULL, 0},
		{"permit_mynetworks", "10.1.2.3", NULL, 1},
		{"permit_mynetworks", "fd00::5", NULL, 1},
		{"permit_mynetworks", "192.0.2.1", NULL, 0},
		{"permit_inet_interfaces, permit_mynetworks", "10.1.2.3", NULL, 1},
		{"permit_sasl_authenticated", "198.51.100.1", "joe", 1},
		{"permit_sasl_authenticated", "198.51.100.1", "", 0},
		{"permit_sasl_authenticated", "198.51.100.1", NULL, 0},
		{"static:all", "198.51.100.1", NULL, 1},
		{"check_address_map inline:{198.51.100.1=x}", "198.51.100.1",
		 NULL, 1},
		{"check_address_map inline:{198.51.100.1=x}", "198.51.100.2",
		 NULL, 0},
		{"check_address_map cidr:/nonexistent/x, permit_mynetworks",
		 "10.9.9.9", NULL, 1},
		{"check_address_map", "198.51.100.1", NULL, 0},
		{"", "198.51.100.1", NULL, 0},
	};
	size_t	n;

	(void) unused;
	assert_non_null(ifc);
	assert_non_null(nets);
	for (n = 0; n < sizeof(t) / sizeof(t[0]); n++)
		if (cleanup_rwr_local(t[n].clients, t[n].addr, t[n].sasl, ifc,
				      nets) != t[n].want)
			fail_msg("%s %s: want %d", t[n].clients,
				 t[n].addr ? t[n].addr : "(none)", t[n].want);
	addr_match_list_free(ifc);
	addr_match_list_free(nets);
}

/* test_context - the rule set chosen for a message */

static void
test_context(void **unused)
{
	CLEANUP_STATE state;

	(void) unused;
	memset(&state, 0, sizeof(state));
	state.attrs = argv_create();
	var_local_header_rewrite_clients = "permit_mynetworks";
	var_inet_interfaces = "loopback-only";
	var_inet_protocols = "ipv4";
	var_mynetworks = "10.0.0.0/8";
	var_remote_header_rewrite_domain = "";

	assert_string_equal(cleanup_rwr_context(&state), REWRITE_LOCAL);
	argv_add(state.attrs, "client_address=198.51.100.1");
	assert_null(cleanup_rwr_context(&state));
	var_remote_header_rewrite_domain = "example.net";
	assert_string_equal(cleanup_rwr_context(&state), REWRITE_REMOTE);
	argv_free(&state.attrs);
	state.attrs = argv_create();
	argv_add(state.attrs, "client_address=10.9.8.7");
	assert_string_equal(cleanup_rwr_context(&state), REWRITE_LOCAL);
	argv_free(&state.attrs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
