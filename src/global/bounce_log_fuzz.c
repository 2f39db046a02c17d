/*
 * bounce_log_fuzz.c - libFuzzer target for the status log reader
 *
 * The input is read as a status log. Checks: every entry returned has
 * a recipient and a valid status; written again with
 * bounce_log_format() and read back, it gives the same fields.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "bounce_log.h"
#include "dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_same - do two entries agree? */

static int
fuzz_same(const BOUNCE_LOG_ENTRY *a, const BOUNCE_LOG_ENTRY *b)
{
	return strcmp(a->rcpt.address, b->rcpt.address) == 0
		&& strcmp(a->rcpt.orig_addr, b->rcpt.orig_addr) == 0
		&& strcmp(a->rcpt.dsn_orcpt, b->rcpt.dsn_orcpt) == 0
		&& a->rcpt.dsn_notify == b->rcpt.dsn_notify
		&& a->rcpt.offset == b->rcpt.offset
		&& strcmp(a->dsn.status, b->dsn.status) == 0
		&& strcmp(a->dsn.action, b->dsn.action) == 0
		&& strcmp(a->dsn.reason, b->dsn.reason) == 0
		&& strcmp(a->dsn.dtype, b->dsn.dtype) == 0
		&& strcmp(a->dsn.dtext, b->dsn.dtext) == 0
		&& strcmp(a->dsn.mtype, b->dsn.mtype) == 0
		&& strcmp(a->dsn.mname, b->dsn.mname) == 0
		&& strcmp(a->relay, b->relay) == 0
		&& a->log_sec == b->log_sec;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	BOUNCE_LOG *log = bounce_log_stream(iostream_memopen(data, size), "fuzz");
	const BOUNCE_LOG_ENTRY *e;
	const BOUNCE_LOG_ENTRY *again;
	STRBUF *text = strbuf_create(100);
	BOUNCE_LOG *copy;

	log_syslog_enable(0);
	while ((e = bounce_log_read(log)) != NULL) {
		if (*e->rcpt.address == 0 || !dsn_valid(e->dsn.status))
			abort();
		strbuf_reset(text);
		bounce_log_format(text, e);
		copy = bounce_log_stream(iostream_memopen(strbuf_str(text),
							  strbuf_len(text)), "copy");
		if ((again = bounce_log_read(copy)) == NULL || !fuzz_same(e, again)
		    || bounce_log_read(copy) != NULL)
			abort();
		bounce_log_close(copy);
	}
	bounce_log_close(log);
	strbuf_free(&text);
	return 0;
}
