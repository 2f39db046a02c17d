/*
 * flush_clnt.c - client of the flush(8) fast flush service
 *
 * One reconnecting client per process (attr_clnt.h), created on first
 * use; the server may exit between requests (max_idle, max_use) and
 * attr_clnt then reconnects once by itself.
 */

#include "sysdeps.h"

#include "attr.h"
#include "attr_clnt.h"
#include "flush_clnt.h"
#include "mainconf.h"
#include "params_global.h"

static ATTR_CLNT *flush_clnt;

/* flush_request - send one request; the FLUSH_STAT_* reply */

static int
flush_request(const char *request, const char *site, const char *queue_id)
{
	int	status;

	if (flush_clnt == NULL)
		flush_clnt = attr_clnt_create("public", var_flush_service_name,
					      var_ipc_timeout);
	if (attr_clnt_request(flush_clnt, ATTR_FLAG_NONE,
			      ATTR_SEND_STR(ATTR_NAME_REQUEST, request),
			      ATTR_SEND_STR(FLUSH_ATTR_SITE, site),
			      ATTR_SEND_STR(FLUSH_ATTR_QUEUE_ID, queue_id),
			      ATTR_TYPE_END, ATTR_FLAG_STRICT,
			      ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			      ATTR_TYPE_END) != 1)
		return FLUSH_STAT_FAIL;
	return status;
}

/* flush_disabled - is fast_flush_domains empty (nothing is logged)? */

static int
flush_disabled(void)
{
	const char *value = mainconf_lookup("fast_flush_domains");

	return value != NULL && *value == 0;
}

/* flush_add - log a deferred queue file for site */

int
flush_add(const char *site, const char *queue_id)
{
	if (flush_disabled())
		return FLUSH_STAT_DENY;
	return flush_request(FLUSH_REQ_ADD, site, queue_id);
}

/* flush_send_site - deliver the mail logged for site */

int
flush_send_site(const char *site)
{
	if (flush_disabled())
		return FLUSH_STAT_DENY;
	return flush_request(FLUSH_REQ_SEND_SITE, site, "");
}

/* flush_send_file - deliver one queue file */

int
flush_send_file(const char *queue_id)
{
	return flush_request(FLUSH_REQ_SEND_FILE, "", queue_id);
}

/* flush_refresh - refresh old logs */

int
flush_refresh(void)
{
	return flush_request(FLUSH_REQ_REFRESH, "", "");
}

/* flush_purge - flush every log */

int
flush_purge(void)
{
	return flush_request(FLUSH_REQ_PURGE, "", "");
}
