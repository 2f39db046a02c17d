/*
 * xsasl_cyrus_common.c - what the Cyrus server and client share
 *
 * libsasl2 keeps global state: one set of global callbacks (logging
 * and the configuration directory) serves sasl_server_init() and
 * sasl_client_init(). Its messages go to our log as Postfix words them.
 */

#include "sysdeps.h"

#ifdef USE_SASL_AUTH
#ifdef USE_CYRUS_SASL

#include <string.h>

#include <sasl/sasl.h>

#include "log.h"
#include "strbuf.h"
#include "xsasl.h"
#include "params_sasl.h"
#include "xsasl_int.h"

/* xsasl_cyrus_log - route libsasl2 messages to our log */

static int
xsasl_cyrus_log(void *context, int priority, const char *message)
{
	switch (priority) {
	case SASL_LOG_ERR:
	case SASL_LOG_WARN:
		log_warn("SASL authentication problem: %s", message);
		break;
	case SASL_LOG_FAIL:
		log_warn("SASL authentication failure: %s", message);
		break;
	case SASL_LOG_NOTE:
	default:
		if (log_verbose)
			log_info("SASL authentication info: %s", message);
		break;
	}
	return SASL_OK;
}

/* xsasl_cyrus_conf_path - where NAME.conf lives (cyrus_sasl_config_path) */

static int
xsasl_cyrus_conf_path(void *context, const char **path)
{
	*path = var_cyrus_sasl_config_path;
	return SASL_OK;
}

/* xsasl_cyrus_callbacks - the global callback list, built once */

const void *
xsasl_cyrus_callbacks(void)
{
	static sasl_callback_t callbacks[3];
	static int done;
	int	n = 0;

	if (done)
		return callbacks;
	done = 1;
	callbacks[n].id = SASL_CB_LOG;
	callbacks[n].proc = XSASL_CYRUS_PROC(xsasl_cyrus_log);
	callbacks[n++].context = NULL;
	/* Empty: libsasl2's own default directory. */
	if (var_cyrus_sasl_config_path && *var_cyrus_sasl_config_path) {
		callbacks[n].id = SASL_CB_GETCONFPATH;
		callbacks[n].proc = XSASL_CYRUS_PROC(xsasl_cyrus_conf_path);
		callbacks[n++].context = NULL;
	}
	callbacks[n].id = SASL_CB_LIST_END;
	callbacks[n].proc = NULL;
	callbacks[n].context = NULL;
	return callbacks;
}

/* xsasl_cyrus_failure - failure status to TEMP or FAIL, with text */

int
xsasl_cyrus_failure(int status, int fail_is_temp, STRBUF *why)
{
	strbuf_set(why, xsasl_cyrus_strerror(status));
	switch (status) {
	case SASL_FAIL:
		return fail_is_temp ? XSASL_AUTH_TEMP : XSASL_AUTH_FAIL;
	case SASL_NOMEM:
	case SASL_TRYAGAIN:
	case SASL_UNAVAIL:
		return XSASL_AUTH_TEMP;
	default:
		return XSASL_AUTH_FAIL;
	}
}

/* xsasl_cyrus_strerror - libsasl2's short text for a status */

const char *
xsasl_cyrus_strerror(int status)
{
	return sasl_errstring(status, NULL, NULL);
}

/* xsasl_cyrus_sec_flags - our option bits in libsasl2 terms */

unsigned
xsasl_cyrus_sec_flags(int xsasl_flags)
{
	static const struct {
		int	ours;
		unsigned cyrus;
	} map[] = {
		{XSASL_SEC_NOPLAINTEXT, SASL_SEC_NOPLAINTEXT},
		{XSASL_SEC_NOACTIVE, SASL_SEC_NOACTIVE},
		{XSASL_SEC_NODICTIONARY, SASL_SEC_NODICTIONARY},
		{XSASL_SEC_NOANONYMOUS, SASL_SEC_NOANONYMOUS},
		{XSASL_SEC_FORWARD_SECRECY, SASL_SEC_FORWARD_SECRECY},
		{XSASL_SEC_MUTUAL_AUTH, SASL_SEC_MUTUAL_AUTH},
	};
	unsigned flags = 0;
	size_t	i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (xsasl_flags & map[i].ours)
			flags |= map[i].cyrus;
	return flags;
}

#endif
#endif
