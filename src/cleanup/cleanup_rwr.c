/*
 * cleanup_rwr.c - rewrite context of header addresses
 *
 * Postfix rewrites the addresses in From:, To:, Cc: and the other
 * address headers to canonical form with the "local" rule set
 * (append_at_myorigin, append_dot_mydomain) only for clients that
 * local_header_rewrite_clients names; for the others it uses the
 * "remote" rule set, and only when remote_header_rewrite_domain is not
 * empty. A submission without a client_address attribute (pickup,
 * sendmail) is local. The list understands permit_inet_interfaces,
 * permit_mynetworks, permit_sasl_authenticated, check_address_map
 * type:table (the client address as the whole key: no subnets, the
 * value does not matter) and static:all. Certificate-based elements
 * wait for TLS.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "addr_match_list.h"	/* util */
#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "map.h"			/* global */
#include "mynetworks.h"
#include "params_cleanup.h"
#include "params_global.h"
#include "params_rewrite.h"
#include "qfile.h"
#include "rewrite_clnt.h"
#include "cleanup.h"

/*
 * cleanup_rwr_table - is addr a key of the table spec? Tables stay open
 * for the life of the process; one that cannot be opened or answer
 * matches nothing, with a warning.
 */

static int
cleanup_rwr_table(const char *spec, const char *addr)
{
	static ARGV *names;
	static MAP **maps;
	STRBUF *why;
	STRBUF *value;
	MAP    *map = NULL;
	size_t	i;
	int	found;

	if (names == NULL)
		names = argv_create();
	for (i = 0; i < names->argc; i++)
		if (strcmp(names->argv[i], spec) == 0)
			map = maps[i];
	if (i == names->argc && map == NULL) {
		why = strbuf_create(100);
		if ((map = map_open(spec, O_RDONLY, MAP_F_FOLD_FIX, why)) == NULL)
			log_warn("local_header_rewrite_clients: %s",
				 strbuf_str(why));
		strbuf_free(&why);
		argv_add(names, spec);
		maps = xrealloc(maps, size_mul(names->argc, sizeof(*maps)));
		maps[names->argc - 1] = map;
	}
	if (map == NULL)
		return 0;
	value = strbuf_create(100);
	found = map_lookup(map, addr, value);
	if (found == MAP_RETRY)
		log_warn("local_header_rewrite_clients: %s lookup error for "
			 "\"%s\": %s", spec, addr, map_error(map));
	strbuf_free(&value);
	return found == MAP_FOUND;
}

/*
 * cleanup_rwr_local - does local_header_rewrite_clients (clients) allow
 * "local" rewriting for this client? client_addr NULL or "" is a local
 * submission. interfaces and mynetworks may be NULL (no match).
 */

int
cleanup_rwr_local(const char *clients, const char *client_addr,
		  const char *sasl_username, ADDR_MATCH_LIST *interfaces,
		  ADDR_MATCH_LIST *mynetworks)
{
	ARGV   *words;
	size_t	i;
	int	local = 0;

	if (client_addr == NULL || *client_addr == 0)
		return 1;
	words = argv_split(clients, ", \t\r\n");
	for (i = 0; i < words->argc && !local; i++) {
		const char *w = words->argv[i];

		if (strcasecmp(w, "permit_inet_interfaces") == 0)
			local = interfaces != NULL
				&& addr_match_list_match(interfaces, NULL,
							 client_addr) > 0;
		else if (strcasecmp(w, "permit_mynetworks") == 0)
			local = mynetworks != NULL
				&& addr_match_list_match(mynetworks, NULL,
							 client_addr) > 0;
		else if (strcasecmp(w, "permit_sasl_authenticated") == 0)
			local = sasl_username != NULL && *sasl_username != 0;
		else if (strcmp(w, "static:all") == 0)
			local = 1;
		else if (strcasecmp(w, "check_address_map") == 0) {
			if (i + 1 >= words->argc)
				log_warn("local_header_rewrite_clients: "
					 "check_address_map needs a table");
			else
				local = cleanup_rwr_table(words->argv[++i],
							  client_addr);
		}
		else
			log_warn("local_header_rewrite_clients: "
				 "unsupported element: %s", w);
	}
	argv_free(&words);
	return local;
}

/* cleanup_rwr_list - an address list, or NULL with a warning */

static ADDR_MATCH_LIST *
cleanup_rwr_list(const char *title, const char *patterns)
{
	STRBUF *why = strbuf_create(100);
	ADDR_MATCH_LIST *list;

	if ((list = addr_match_list_create(patterns, ADDR_MATCH_FLAG_NONE,
					   why)) == NULL)
		log_warn("%s: %s", title, strbuf_str(why));
	strbuf_free(&why);
	return list;
}

/* cleanup_rwr_attr - value of an envelope attribute, or NULL */

static const char *
cleanup_rwr_attr(const CLEANUP_STATE *state, const char *name)
{
	size_t	len = strlen(name);
	size_t	i;

	for (i = 0; i < state->attrs->argc; i++) {
		const char *text = state->attrs->argv[i];

		if (strncmp(text, name, len) == 0 && text[len] == '=')
			return text + len + 1;
	}
	return NULL;
}

/*
 * cleanup_rwr_context - REWRITE_LOCAL, REWRITE_REMOTE, or NULL (leave
 * header addresses alone) for the message in state
 */

const char *
cleanup_rwr_context(const CLEANUP_STATE *state)
{
	static ADDR_MATCH_LIST *interfaces;
	static ADDR_MATCH_LIST *mynetworks;
	static int init;
	const char *client = cleanup_rwr_attr(state, QFILE_ATTR_CLIENT_ADDR);

	if (client != NULL && *client && !init) {
		STRBUF *why = strbuf_create(100);
		char   *own;

		init = 1;
		/* Our interface addresses, one host block each. */
		own = mynetworks_compute("host", var_inet_interfaces,
					 var_inet_protocols, why);
		if (own == NULL)
			log_warn("inet_interfaces: %s", strbuf_str(why));
		else {
			interfaces = cleanup_rwr_list("inet_interfaces", own);
			free(own);
		}
		mynetworks = cleanup_rwr_list("mynetworks", var_mynetworks);
		strbuf_free(&why);
	}
	if (cleanup_rwr_local(var_local_header_rewrite_clients, client,
			      cleanup_rwr_attr(state, QFILE_ATTR_SASL_USER),
			      interfaces, mynetworks))
		return REWRITE_LOCAL;
	return *var_remote_header_rewrite_domain ? REWRITE_REMOTE : NULL;
}
