/*
 * timed_connect.h - connect a socket with a time limit
 *
 * connect() on a blocking socket can hang for minutes on an
 * unreachable host; clients that must not (the smtp client, the policy
 * client) connect through this instead.
 */

#ifndef TIMED_CONNECT_H
#define TIMED_CONNECT_H

#include "sysdeps.h"

#include <sys/socket.h>

/*
 * Connects fd to sa within timeout seconds (0 or less: no limit). The
 * socket's blocking mode is the same afterwards as before. Returns 0,
 * or -1 with errno set (ETIMEDOUT when the time ran out, otherwise what
 * connect() reported, such as ECONNREFUSED).
 */
extern int timed_connect(int fd, const struct sockaddr *sa, socklen_t salen,
			 int timeout);

#endif
