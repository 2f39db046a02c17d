/*
 * attr_clnt.h - request/reply client for an internal service
 *
 * Connects to a service's unix socket ("private/rewrite" relative to
 * $queue_directory, which is the working directory of every daemon and
 * command), sends one attribute request and reads the reply. The
 * connection stays open for later requests; when it turns out to be
 * broken (the server exited after max_idle or max_use) the request is
 * tried once more on a new connection.
 */

#ifndef ATTR_CLNT_H
#define ATTR_CLNT_H

#include "sysdeps.h"

typedef struct ATTR_CLNT ATTR_CLNT;

/*
 * A client for class/service (class is "private" or "public"). Each
 * read or write waits at most timeout seconds (callers pass
 * $ipc_timeout). Nothing is connected until the first request.
 */
extern ATTR_CLNT *attr_clnt_create(const char *class_name,
				   const char *service, int timeout);

/* Closes the connection, if any, and frees the client. */
extern void attr_clnt_free(ATTR_CLNT *clnt);

/* Closes the connection; the next request opens a new one. */
extern void attr_clnt_disconnect(ATTR_CLNT *clnt);

/*
 * Sends a request and reads its reply, as
 *	attr_clnt_request(clnt, send_flags, ATTR_SEND_...(...), ...,
 *			  ATTR_TYPE_END, recv_flags, ATTR_RECV_...(...), ...,
 *			  ATTR_TYPE_END);
 * Returns attr_scan()'s result for the reply, or -1 when the service
 * could not be reached or the exchange failed twice (logged as a
 * warning; the caller decides how fatal that is).
 */
extern int attr_clnt_request(ATTR_CLNT *clnt, int send_flags,...);

#endif
