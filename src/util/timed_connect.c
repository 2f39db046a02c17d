/*
 * timed_connect.c - connect a socket with a time limit
 *
 * A non-blocking connect(), then poll() for writability, then
 * SO_ERROR for the outcome: the usual recipe, kept in one place.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "timed_connect.h"

/* timed_connect - connect within timeout seconds; 0 or -1 (errno) */

int
timed_connect(int fd, const struct sockaddr *sa, socklen_t salen, int timeout)
{
	struct pollfd pfd;
	socklen_t errlen;
	int	flags;
	int	err = 0;
	int	ret = -1;
	int	n;

	if ((flags = fcntl(fd, F_GETFL)) < 0
	    || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, sa, salen) == 0) {
		ret = 0;
	} else if (errno == EINPROGRESS || errno == EINTR) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			n = poll(&pfd, 1, timeout > 0 ? timeout * 1000 : -1);
		} while (n < 0 && errno == EINTR);
		errlen = sizeof(err);
		if (n == 0)
			err = ETIMEDOUT;
		else if (n < 0)
			err = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
			err = errno;
		ret = err ? -1 : 0;
	} else {
		err = errno;
	}
	if (fcntl(fd, F_SETFL, flags) < 0 && ret == 0) {
		err = errno;
		ret = -1;
	}
	if (ret < 0)
		errno = err;
	return ret;
}
