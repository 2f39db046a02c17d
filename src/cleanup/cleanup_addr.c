/*
 * cleanup_addr.c - canonical addresses and the recipient writer
 *
 * Every envelope address goes through trivial-rewrite's "local" rule
 * set. When that service cannot be reached the message is deferred
 * (CLEANUP_STAT_DEFER) rather than queued with addresses in the wrong
 * form: the client reports a temporary error and tries again later.
 * Duplicate recipients are written once, up to duplicate_filter_limit
 * remembered addresses.
 */

#include "sysdeps.h"

#include <string.h>

#include "log.h"		/* util */
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

/* cleanup_out_rcpt - write a recipient unless it was written already */

void
cleanup_out_rcpt(CLEANUP_STATE *state, const char *canon, const char *orig,
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
