/*
 * cleanup_addr.c - canonical addresses and the recipient writer
 *
 * Every envelope address goes through trivial-rewrite's "local" rule
 * set. When that service cannot be reached the message is deferred
 * (CLEANUP_STAT_DEFER) rather than queued with addresses in the wrong
 * form: the client reports a temporary error and tries again later.
 * Duplicate recipients are written once, up to duplicate_filter_limit
 * remembered addresses; that filter sees the final recipients, after
 * canonical and virtual alias mapping.
 */

#include "sysdeps.h"

#include <string.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "strbuf.h"
#include "cleanup_clnt.h"	/* global */
#include "params_cleanup.h"
#include "params_global.h"
#include "qfile.h"
#include "rewrite_clnt.h"
#include "cleanup.h"

/* cleanup_rewrite - canonical form of addr; -1 (and DEFER) on failure */

int
cleanup_rewrite(CLEANUP_STATE *state, const char *addr, STRBUF *result)
{
	if (rewrite_clnt(REWRITE_LOCAL, addr, result) < 0) {
		cleanup_error(state, CLEANUP_STAT_DEFER,
			      "address rewriting service unavailable");
		return -1;
	}
	return 0;
}

/* cleanup_out_rcpt1 - write a recipient unless it was written already */

static void
cleanup_out_rcpt1(CLEANUP_STATE *state, const char *canon, const char *orig,
		  const char *dsn_orcpt, int dsn_notify)
{
	if (nametab_exists(state->dups, canon))
		return;
	if ((int) nametab_count(state->dups) < var_duplicate_filter_limit)
		(void) nametab_enter(state->dups, canon, NULL);
	(void) qfile_write_rcpt(state->writer, canon,
				var_enable_original_recipient ? orig : NULL,
				dsn_orcpt, dsn_notify);
	if (state->rcpts_out++ == 0)
		state->one_rcpt = xstrdup(canon);
	else if (state->one_rcpt) {
		free(state->one_rcpt);
		state->one_rcpt = NULL;
	}
}

/*
 * cleanup_out_rcpt - canonical and virtual alias mapping
 * (cleanup_map.c), then write each resulting recipient
 */

void
cleanup_out_rcpt(CLEANUP_STATE *state, const char *canon, const char *orig,
		 const char *dsn_orcpt, int dsn_notify)
{
	ARGV   *list = argv_create();
	size_t	i;

	if (cleanup_map_recipient(state, canon, list) == 0)
		for (i = 0; i < list->argc; i++)
			cleanup_out_rcpt1(state, list->argv[i], orig, dsn_orcpt,
					  dsn_notify);
	argv_free(&list);
}
