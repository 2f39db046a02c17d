/*
 * debug_peer.c - more verbose logging for selected remote peers
 *
 * The list is an address match list with the project's table layer, so
 * it takes the same entries as mynetworks. debug_peer_check() keeps
 * the level it found and debug_peer_restore() puts exactly that level
 * back, so a -v given on the command line survives the session.
 */

#include "sysdeps.h"

#include "addr_match_list.h"	/* util */
#include "log.h"
#include "strbuf.h"
#include "debug_peer.h"		/* global */
#include "map_match.h"
#include "map_search.h"
#include "params_global.h"

static ADDR_MATCH_LIST *debug_peer_list;
static int debug_peer_saved = -1;	/* log_verbose before the raise */

/* debug_peer_init - parse debug_peer_list */

void
debug_peer_init(void)
{
	STRBUF *why;
	int	flags = ADDR_MATCH_FLAG_NONE;

	debug_peer_free();
	if (var_debug_peer_list == NULL || *var_debug_peer_list == 0)
		return;
	if (map_search_parent_style(var_parent_domain_matches_subdomains,
				    "debug_peer_list"))
		flags |= ADDR_MATCH_FLAG_PARENT;
	why = strbuf_create(100);
	debug_peer_list = addr_match_list_create_ops(var_debug_peer_list, flags,
						     &map_match_ops, NULL, why);
	if (debug_peer_list == NULL)
		log_fatal("debug_peer_list: %s", strbuf_str(why));
	strbuf_free(&why);
}

/* debug_peer_check - raise the logging level for a listed peer */

int
debug_peer_check(const char *name, const char *addr)
{
	int	m;

	if (debug_peer_list == NULL || debug_peer_saved >= 0)
		return 0;
	m = addr_match_list_match(debug_peer_list, name, addr);
	if (m < 0) {
		log_warn("debug_peer_list: %s",
			 addr_match_list_error(debug_peer_list));
		return 0;
	}
	if (m == 0)
		return 0;
	debug_peer_saved = log_verbose;
	if (var_debug_peer_level > 0)
		log_verbose += var_debug_peer_level;
	return 1;
}

/* debug_peer_restore - back to the level before debug_peer_check() */

void
debug_peer_restore(void)
{
	if (debug_peer_saved < 0)
		return;
	log_verbose = debug_peer_saved;
	debug_peer_saved = -1;
}

/* debug_peer_free - forget the list */

void
debug_peer_free(void)
{
	debug_peer_restore();
	addr_match_list_free(debug_peer_list);
	debug_peer_list = NULL;
}
