/*
 * anvil_clnt.h - client of the anvil(8) connection and rate counter
 *
 * anvil(8) keeps, per (service, client address) pair, the number of
 * open connections and the connection, message, recipient and new TLS
 * session rates over $anvil_rate_time_unit. smtpd(8) reports events
 * and gets the new values back; it decides itself what is too much.
 *
 * Protocol (attr.h, over private/anvil):
 *	request=connect ident=I		-> status=0 count=N rate=N
 *	request=disconnect ident=I	-> status=0
 *	request=message ident=I		-> status=0 rate=N
 *	request=recipient ident=I	-> status=0 rate=N
 *	request=newtls ident=I		-> status=0 rate=N
 *	request=newtls_report ident=I	-> status=0 rate=N (no update)
 *	request=auth ident=I		-> status=0 rate=N
 *	request=lookup ident=I		-> status=0 count=N rate=N
 *			message=N recipient=N newtls=N
 * where I is "service:address" (anvil_clnt_ident). Every call returns
 * ANVIL_STAT_OK, or ANVIL_STAT_FAIL when the service could not be
 * reached (logged; the caller goes on without limits).
 */

#ifndef ANVIL_CLNT_H
#define ANVIL_CLNT_H

#include "sysdeps.h"

struct STRBUF;

/* Requests (attribute "request"). */
#define ANVIL_REQ_CONN		"connect"
#define ANVIL_REQ_DISC		"disconnect"
#define ANVIL_REQ_MAIL		"message"
#define ANVIL_REQ_RCPT		"recipient"
#define ANVIL_REQ_NTLS		"newtls"
#define ANVIL_REQ_NTLS_STAT	"newtls_report"
#define ANVIL_REQ_AUTH		"auth"
#define ANVIL_REQ_LOOKUP	"lookup"

/* Attributes. */
#define ANVIL_ATTR_IDENT	"ident"
#define ANVIL_ATTR_COUNT	"count"
#define ANVIL_ATTR_RATE		"rate"
#define ANVIL_ATTR_MAIL		"message"
#define ANVIL_ATTR_RCPT		"recipient"
#define ANVIL_ATTR_NTLS		"newtls"

/* Status (attribute "status"). */
#define ANVIL_STAT_OK		0
#define ANVIL_STAT_FAIL		(-1)

/*
 * The counter name for a client of a service, "service:address" with
 * any non-printable byte replaced by '?' (into ident, which is reset).
 */
extern void anvil_clnt_ident(struct STRBUF *ident, const char *service,
			     const char *addr);

/* A connection was opened: the new count and connection rate. */
extern int anvil_clnt_connect(const char *service, const char *addr,
			      int *count, int *rate);

/* A connection counted by anvil_clnt_connect() was closed. */
extern int anvil_clnt_disconnect(const char *service, const char *addr);

/* A message (MAIL FROM) was asked for: the new message rate. */
extern int anvil_clnt_mail(const char *service, const char *addr, int *rate);

/* A recipient (RCPT TO) was asked for: the new recipient rate. */
extern int anvil_clnt_rcpt(const char *service, const char *addr, int *rate);

/* A new (not resumed) TLS session: the new rate. */
extern int anvil_clnt_newtls(const char *service, const char *addr,
			     int *rate);

/* The new TLS session rate, without counting one. */
extern int anvil_clnt_newtls_stat(const char *service, const char *addr,
				  int *rate);

/* An AUTH command (smtpd_client_auth_rate_limit): the new rate. */
extern int anvil_clnt_auth(const char *service, const char *addr, int *rate);

/* Every counter of a client, without changing any. */
extern int anvil_clnt_lookup(const char *service, const char *addr,
			     int *count, int *rate, int *msgs, int *rcpts,
			     int *newtls);

/* Closes the connection to anvil (before exit, or for tests). */
extern void anvil_clnt_close(void);

#endif
