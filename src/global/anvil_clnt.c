/*
 * anvil_clnt.c - client of the anvil(8) connection and rate counter
 *
 * One reconnecting attr_clnt per process, created on first use and
 * kept open: anvil(8) counts a connection as closed when the stream
 * that reported it goes away, so a crashed smtpd does not leave its
 * connections counted for ever.
 */

#include "sysdeps.h"

#include <ctype.h>

#include "strbuf.h"		/* util */
#include "anvil_clnt.h"		/* global */
#include "attr.h"
#include "attr_clnt.h"
#include "params_global.h"

static ATTR_CLNT *anvil_clnt;

/* anvil_clnt_ident - the counter name of a client of a service */

void
anvil_clnt_ident(STRBUF *ident, const char *service, const char *addr)
{
	size_t	i;

	strbuf_printf(ident, "%s:%s", service, addr);
	for (i = 0; i < strbuf_len(ident); i++)
		if (!isprint((unsigned char) strbuf_str(ident)[i]))
			strbuf_str(ident)[i] = '?';
}

/* anvil_clnt_conn - the connection, created on first use */

static ATTR_CLNT *
anvil_clnt_conn(void)
{
	if (anvil_clnt == NULL)
		anvil_clnt = attr_clnt_create("private", "anvil",
					      var_ipc_timeout);
	return anvil_clnt;
}

/* anvil_clnt_rate - a request answered by status and rate */

static int
anvil_clnt_rate(const char *request, const char *service, const char *addr,
		int *rate)
{
	STRBUF *ident = strbuf_create(100);
	int	status;
	int	ret;

	anvil_clnt_ident(ident, service, addr);
	ret = attr_clnt_request(anvil_clnt_conn(), ATTR_FLAG_NONE,
				ATTR_SEND_STR(ATTR_NAME_REQUEST, request),
				ATTR_SEND_STR(ANVIL_ATTR_IDENT,
					      strbuf_str(ident)),
				ATTR_TYPE_END, ATTR_FLAG_MISSING,
				ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
				ATTR_RECV_INT(ANVIL_ATTR_RATE, rate),
				ATTR_TYPE_END);
	strbuf_free(&ident);
	return ret == 2 && status == ANVIL_STAT_OK ? ANVIL_STAT_OK
		: ANVIL_STAT_FAIL;
}

/* anvil_clnt_connect - report a new connection */

int
anvil_clnt_connect(const char *service, const char *addr, int *count,
		   int *rate)
{
	STRBUF *ident = strbuf_create(100);
	int	status;
	int	ret;

	anvil_clnt_ident(ident, service, addr);
	ret = attr_clnt_request(anvil_clnt_conn(), ATTR_FLAG_NONE,
				ATTR_SEND_STR(ATTR_NAME_REQUEST, ANVIL_REQ_CONN),
				ATTR_SEND_STR(ANVIL_ATTR_IDENT,
					      strbuf_str(ident)),
				ATTR_TYPE_END, ATTR_FLAG_MISSING,
				ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
				ATTR_RECV_INT(ANVIL_ATTR_COUNT, count),
				ATTR_RECV_INT(ANVIL_ATTR_RATE, rate),
				ATTR_TYPE_END);
	strbuf_free(&ident);
	return ret == 3 && status == ANVIL_STAT_OK ? ANVIL_STAT_OK
		: ANVIL_STAT_FAIL;
}

/* anvil_clnt_disconnect - report a closed connection */

int
anvil_clnt_disconnect(const char *service, const char *addr)
{
	STRBUF *ident = strbuf_create(100);
	int	status;
	int	ret;

	anvil_clnt_ident(ident, service, addr);
	ret = attr_clnt_request(anvil_clnt_conn(), ATTR_FLAG_NONE,
				ATTR_SEND_STR(ATTR_NAME_REQUEST, ANVIL_REQ_DISC),
				ATTR_SEND_STR(ANVIL_ATTR_IDENT,
					      strbuf_str(ident)),
				ATTR_TYPE_END, ATTR_FLAG_MISSING,
				ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
				ATTR_TYPE_END);
	strbuf_free(&ident);
	return ret == 1 && status == ANVIL_STAT_OK ? ANVIL_STAT_OK
		: ANVIL_STAT_FAIL;
}

/* anvil_clnt_mail - report a message */

int
anvil_clnt_mail(const char *service, const char *addr, int *rate)
{
	return anvil_clnt_rate(ANVIL_REQ_MAIL, service, addr, rate);
}

/* anvil_clnt_rcpt - report a recipient */

int
anvil_clnt_rcpt(const char *service, const char *addr, int *rate)
{
	return anvil_clnt_rate(ANVIL_REQ_RCPT, service, addr, rate);
}

/* anvil_clnt_newtls - report a new TLS session */

int
anvil_clnt_newtls(const char *service, const char *addr, int *rate)
{
	return anvil_clnt_rate(ANVIL_REQ_NTLS, service, addr, rate);
}

/* anvil_clnt_auth - report an AUTH command */

int
anvil_clnt_auth(const char *service, const char *addr, int *rate)
{
	return anvil_clnt_rate(ANVIL_REQ_AUTH, service, addr, rate);
}

/* anvil_clnt_newtls_stat - the new TLS session rate, unchanged */

int
anvil_clnt_newtls_stat(const char *service, const char *addr, int *rate)
{
	return anvil_clnt_rate(ANVIL_REQ_NTLS_STAT, service, addr, rate);
}

/* anvil_clnt_lookup - every counter of a client */

int
anvil_clnt_lookup(const char *service, const char *addr, int *count,
		  int *rate, int *msgs, int *rcpts, int *newtls)
{
	STRBUF *ident = strbuf_create(100);
	int	status;
	int	ret;

	anvil_clnt_ident(ident, service, addr);
	ret = attr_clnt_request(anvil_clnt_conn(), ATTR_FLAG_NONE,
				ATTR_SEND_STR(ATTR_NAME_REQUEST,
					      ANVIL_REQ_LOOKUP),
				ATTR_SEND_STR(ANVIL_ATTR_IDENT,
					      strbuf_str(ident)),
				ATTR_TYPE_END, ATTR_FLAG_MISSING,
				ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
				ATTR_RECV_INT(ANVIL_ATTR_COUNT, count),
				ATTR_RECV_INT(ANVIL_ATTR_RATE, rate),
				ATTR_RECV_INT(ANVIL_ATTR_MAIL, msgs),
				ATTR_RECV_INT(ANVIL_ATTR_RCPT, rcpts),
				ATTR_RECV_INT(ANVIL_ATTR_NTLS, newtls),
				ATTR_TYPE_END);
	strbuf_free(&ident);
	return ret == 6 && status == ANVIL_STAT_OK ? ANVIL_STAT_OK
		: ANVIL_STAT_FAIL;
}

/* anvil_clnt_close - drop the connection */

void
anvil_clnt_close(void)
{
	if (anvil_clnt != NULL) {
		attr_clnt_free(anvil_clnt);
		anvil_clnt = NULL;
	}
}
