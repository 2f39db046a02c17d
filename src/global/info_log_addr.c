/*
 * info_log_addr.c - addresses in the form that info_log_address_format asks
 *
 * The queue keeps addresses in internal (unquoted) form; the external
 * form comes from addr_quote(), with 8-bit local parts left bare as
 * Postfix logs them. The parameter is read at the first call, after
 * the daemon skeleton has loaded main.cf, and never again.
 */

#include "sysdeps.h"

#include <strings.h>

#include "log.h"		/* util */
#include "strbuf.h"
#include "addr_parse.h"		/* global */
#include "info_log_addr.h"
#include "params_global.h"

#define INFO_LOG_ADDR_UNSET	(-1)
#define INFO_LOG_ADDR_EXTERNAL	0
#define INFO_LOG_ADDR_INTERNAL	1

static int info_log_addr_form = INFO_LOG_ADDR_UNSET;
static STRBUF *info_log_addr_buf[INFO_LOG_ADDR_SLOTS];
static int info_log_addr_next;

/* info_log_addr_init - read info_log_address_format */

static void
info_log_addr_init(void)
{
	const char *value = var_info_log_address_format;

	if (value == NULL || strcasecmp(value, "external") == 0)
		info_log_addr_form = INFO_LOG_ADDR_EXTERNAL;
	else if (strcasecmp(value, "internal") == 0)
		info_log_addr_form = INFO_LOG_ADDR_INTERNAL;
	else
		log_fatal("invalid info_log_address_format value: \"%s\"",
			  value);
}

/* info_log_addr - the address for a log line */

const char *
info_log_addr(const char *internal)
{
	STRBUF *buf;

	if (info_log_addr_form == INFO_LOG_ADDR_UNSET)
		info_log_addr_init();
	if (info_log_addr_form == INFO_LOG_ADDR_INTERNAL || internal == NULL)
		return internal ? internal : "";
	if (info_log_addr_buf[info_log_addr_next] == NULL)
		info_log_addr_buf[info_log_addr_next] = strbuf_create(100);
	buf = info_log_addr_buf[info_log_addr_next];
	info_log_addr_next = (info_log_addr_next + 1) % INFO_LOG_ADDR_SLOTS;
	strbuf_reset(buf);
	addr_quote(buf, internal, ADDR_QUOTE_8BITCLEAN);
	return strbuf_str(buf);
}

/* info_log_addr_reset - forget everything */

void
info_log_addr_reset(void)
{
	int	i;

	for (i = 0; i < INFO_LOG_ADDR_SLOTS; i++)
		strbuf_free(&info_log_addr_buf[i]);
	info_log_addr_form = INFO_LOG_ADDR_UNSET;
	info_log_addr_next = 0;
}
