/*
 * trigger_send.c - send a trigger request to a service
 *
 * Every socket is non-blocking and every wait goes through poll() with
 * what is left of the caller's timeout, so that master can send wakeups
 * from its event loop. A stream connection is closed right after the
 * write: the bytes stay queued at the server, which reads them when it
 * accepts the connection.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "inet_addr.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "master_proto.h"
#include "trigger_send.h"

/* ts_now_ms - monotonic milliseconds */

static long long
ts_now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ts_wait - wait until fd is ready for events or the deadline passes */

static int
ts_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int	n;

	for (;;) {
		left = deadline - ts_now_ms();
		if (left <= 0) {
			errno = EAGAIN;
			return -1;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int) left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* ts_write - write all of buf to a non-blocking descriptor */

static int
ts_write(int fd, const void *buf, size_t len, long long deadline)
{
	const char *cp = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, cp, len, MSG_NOSIGNAL);
		if (n > 0) {
			cp += n;
			len -= (size_t) n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if (ts_wait(fd, POLLOUT, deadline) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* ts_connect - connect a non-blocking socket within the deadline */

static int
ts_connect(int fd, const struct sockaddr *sa, socklen_t salen,
	   long long deadline)
{
	int	err;
	socklen_t errlen = sizeof(err);

	for (;;) {
		if (connect(fd, sa, salen) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		/* A full UNIX-domain backlog says EAGAIN: try again later. */
		if (errno == EAGAIN) {
			if (ts_now_ms() >= deadline)
				return -1;
			(void) poll(NULL, 0, 10);
			continue;
		}
		if (errno != EINPROGRESS)
			return -1;
		if (ts_wait(fd, POLLOUT, deadline) < 0)
			return -1;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
		return 0;
	}
}

/* ts_unix_addr - fill in a UNIX-domain address */

static int
ts_unix_addr(const char *path, struct sockaddr_un *sun, STRBUF *why)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		strbuf_set(why, "socket path name too long");
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* ts_unix_connect - connected UNIX-domain stream socket, or -1 */

static int
ts_unix_connect(const char *path, long long deadline, STRBUF *why)
{
	struct sockaddr_un sun;
	int	fd;

	if (ts_unix_addr(path, &sun, why) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0) {
		strbuf_printf(why, "socket: %m");
		return -1;
	}
	if (ts_connect(fd, (struct sockaddr *) &sun, sizeof(sun), deadline) < 0) {
		strbuf_printf(why, "connect: %m");
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* ts_unix - stream trigger */

static int
ts_unix(const char *path, const void *buf, size_t len, long long deadline,
	STRBUF *why)
{
	int	fd;
	int	saved;

	if ((fd = ts_unix_connect(path, deadline, why)) < 0)
		return -1;
	if (ts_write(fd, buf, len, deadline) < 0) {
		saved = errno;
		strbuf_printf(why, "write: %m");
		(void) close(fd);
		errno = saved;
		return -1;
	}
	(void) close(fd);
	return 0;
}

/* ts_dgram - datagram trigger */

static int
ts_dgram(const char *path, const void *buf, size_t len, STRBUF *why)
{
	struct sockaddr_un sun;
	int	fd;
	int	saved;

	if (ts_unix_addr(path, &sun, why) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0) {
		strbuf_printf(why, "socket: %m");
		return -1;
	}
	if (sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *) &sun,
		   sizeof(sun)) < 0) {
		saved = errno;
		strbuf_printf(why, "send: %m");
		(void) close(fd);
		errno = saved;
		return -1;
	}
	(void) close(fd);
	return 0;
}

/* ts_fifo - fifo trigger */

static int
ts_fifo(const char *path, const void *buf, size_t len, STRBUF *why)
{
	int	fd;
	ssize_t n;
	int	saved;

	/* Without a reader (master is down) this fails with ENXIO. */
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		strbuf_printf(why, "open: %m");
		return -1;
	}
	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN) {
		saved = errno;
		strbuf_printf(why, "write: %m");
		(void) close(fd);
		errno = saved;
		return -1;
	}
	(void) close(fd);
	return 0;
}

/* ts_inet - TCP trigger to host:port */

static int
ts_inet(const char *endpoint, const void *buf, size_t len,
	long long deadline, STRBUF *why)
{
	INET_ADDR_HOSTPORT hp;
	struct addrinfo hints;
	struct addrinfo *res, *ai;
	char   *copy = xstrdup(endpoint);
	int	fd = -1;
	int	err;

	if (inet_addr_split_hostport(copy, INET_ADDR_HOSTPORT_NONE, &hp,
				     why) < 0 || hp.port == NULL) {
		if (hp.port == NULL && strbuf_len(why) == 0)
			strbuf_set(why, "no port");
		xfree(copy);
		errno = EINVAL;
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(hp.host ? hp.host : "localhost", hp.port,
			       &hints, &res)) != 0) {
		strbuf_printf(why, "%s", gai_strerror(err));
		xfree(copy);
		errno = EINVAL;
		return -1;
	}
	strbuf_set(why, "no address");
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			strbuf_printf(why, "socket: %m");
			continue;
		}
		if (ts_connect(fd, ai->ai_addr, ai->ai_addrlen, deadline) == 0)
			break;
		strbuf_printf(why, "connect: %m");
		(void) close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	xfree(copy);
	if (fd < 0)
		return -1;
	if (ts_write(fd, buf, len, deadline) < 0) {
		err = errno;
		strbuf_printf(why, "write: %m");
		(void) close(fd);
		errno = err;
		return -1;
	}
	(void) close(fd);
	return 0;
}

/* ts_pass - hand the service a descriptor that carries the request */

static int
ts_pass(const char *path, const void *buf, size_t len, long long deadline,
	STRBUF *why)
{
	int	sock, pair[2];
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	union {
		struct cmsghdr align;
		char	space[CMSG_SPACE(sizeof(int))];
	} ctl;
	char	dummy = 0;
	ssize_t n;
	int	saved;

	if ((sock = ts_unix_connect(path, deadline, why)) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		saved = errno;
		strbuf_printf(why, "socketpair: %m");
		(void) close(sock);
		errno = saved;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = &dummy;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &pair[1], sizeof(int));
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	saved = errno;
	(void) close(sock);
	(void) close(pair[1]);
	if (n != 1) {
		strbuf_printf(why, "sendmsg: %s", strerror(saved));
		(void) close(pair[0]);
		errno = saved;
		return -1;
	}
	if (ts_write(pair[0], buf, len, deadline) < 0) {
		saved = errno;
		strbuf_printf(why, "write: %m");
		(void) close(pair[0]);
		errno = saved;
		return -1;
	}
	(void) close(pair[0]);
	return 0;
}

/* trigger_send - send a trigger to an endpoint of the given type */

int
trigger_send(int type, const char *endpoint, const void *buf, size_t len,
	     int timeout, STRBUF *why)
{
	long long deadline = ts_now_ms() + (long long) timeout * 1000;

	strbuf_reset(why);
	switch (type) {
	case MASTER_TYPE_UNIX:
		return ts_unix(endpoint, buf, len, deadline, why);
	case MASTER_TYPE_UNIX_DGRAM:
		return ts_dgram(endpoint, buf, len, why);
	case MASTER_TYPE_FIFO:
		return ts_fifo(endpoint, buf, len, why);
	case MASTER_TYPE_INET:
		return ts_inet(endpoint, buf, len, deadline, why);
	case MASTER_TYPE_PASS:
		return ts_pass(endpoint, buf, len, deadline, why);
	default:
		strbuf_printf(why, "unknown service type %d", type);
		errno = EINVAL;
		return -1;
	}
}
