/*
 * master_listen.c - open and close the endpoints of a service
 *
 * Every endpoint is non-blocking, because all processes of a service
 * watch it and only one of them gets each client, and close-on-exec,
 * because a child must receive only its own service's endpoints (at
 * the fixed descriptor numbers that master_spawn.c sets up).
 *
 * UNIX-domain sockets and fifos live under the queue directory (master
 * runs there) in public/ or private/. As in Postfix they are created
 * with the effective IDs of $mail_owner, which owns those directories;
 * sockets get mode 0666 and fifos 0622, so that who may connect is
 * decided by the directory (private/ 0700, public/ 0710 with group
 * $setgid_group).
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "inet_addr.h"
#include "log.h"
#include "strbuf.h"
#include "params_global.h"	/* global */
#include "master.h"

uid_t	master_owner_uid;
gid_t	master_owner_gid;

#define MASTER_SOCKET_MODE	0666
#define MASTER_FIFO_MODE	0622

/* listen_as_owner - switch effective IDs to $mail_owner and back */

static void
listen_as_owner(int on)
{
	static int switched;

	if (on) {
		/* Not root (tests), or no owner known: create as we are. */
		if (master_owner_uid == 0 || geteuid() != 0)
			return;
		if (setegid(master_owner_gid) < 0)
			log_fatal("setegid(%ld): %m", (long) master_owner_gid);
		if (seteuid(master_owner_uid) < 0)
			log_fatal("seteuid(%ld): %m", (long) master_owner_uid);
		switched = 1;
	} else if (switched) {
		if (seteuid(getuid()) < 0)
			log_fatal("seteuid(%ld): %m", (long) getuid());
		if (setegid(getgid()) < 0)
			log_fatal("setegid(%ld): %m", (long) getgid());
		switched = 0;
	}
}

/* listen_unix - UNIX-domain socket, stream or datagram */

static int
listen_unix(const char *path, int type, int backlog, STRBUF *why)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		strbuf_printf(why, "unix-domain name too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		strbuf_printf(why, "socket: %m");
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		strbuf_printf(why, "remove %s: %m", path);
		goto bad;
	}
	if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		strbuf_printf(why, "bind: %s: %m", path);
		goto bad;
	}
	if (chmod(path, MASTER_SOCKET_MODE) < 0) {
		strbuf_printf(why, "chmod socket %s: %m", path);
		goto bad;
	}
	if (type == SOCK_STREAM && listen(fd, backlog) < 0) {
		strbuf_printf(why, "listen: %s: %m", path);
		goto bad;
	}
	return fd;

bad:
	(void) close(fd);
	return -1;
}

/* listen_fifo - named pipe, opened read-write so it never reports EOF */

static int
listen_fifo(const char *path, STRBUF *why)
{
	struct stat st;
	int	fd;

	if (mkfifo(path, MASTER_FIFO_MODE) < 0 && errno != EEXIST) {
		strbuf_printf(why, "create fifo %s: %m", path);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		strbuf_printf(why, "open fifo %s: %m", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		strbuf_printf(why, "%s: not a fifo", path);
		(void) close(fd);
		return -1;
	}
	if (fchmod(fd, MASTER_FIFO_MODE) < 0) {
		strbuf_printf(why, "chmod fifo %s: %m", path);
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* listen_inet - TCP listener on one address */

static int
listen_inet(const INET_ADDR *addr, unsigned port, int backlog, STRBUF *why)
{
	struct sockaddr_storage ss;
	INET_ADDR_STR abuf;
	size_t	salen;
	int	on = 1;
	int	fd;

	salen = inet_addr_to_sockaddr(addr, port, &ss);
	if ((fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0) {
		strbuf_printf(why, "socket: %m");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		log_warn("setsockopt SO_REUSEADDR: %m");

	/* The IPv6 wildcard must not take the IPv4 port too. */
	if (addr->family == AF_INET6
	    && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		log_warn("setsockopt IPV6_V6ONLY: %m");
	if (bind(fd, (struct sockaddr *) &ss, (socklen_t) salen) < 0) {
		strbuf_printf(why, "bind %s port %u: %m",
			      inet_addr_ntop(addr, &abuf), port);
		(void) close(fd);
		return -1;
	}
	if (listen(fd, backlog) < 0) {
		strbuf_printf(why, "listen %s port %u: %m",
			      inet_addr_ntop(addr, &abuf), port);
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* master_listen_init - open all endpoints of a service */

int
master_listen_init(MASTER_SERV *serv, STRBUF *why)
{
	int	backlog = serv->max_proc > var_default_process_limit ?
	serv->max_proc : var_default_process_limit;
	int	n;

	switch (serv->type) {
	case MASTER_TYPE_UNIX:
	case MASTER_TYPE_PASS:
	case MASTER_TYPE_UNIX_DGRAM:
		listen_as_owner(1);
		serv->listen_fd[0] = listen_unix(serv->name,
						 serv->type == MASTER_TYPE_UNIX_DGRAM ?
						 SOCK_DGRAM : SOCK_STREAM,
						 backlog, why);
		listen_as_owner(0);
		break;
	case MASTER_TYPE_FIFO:
		listen_as_owner(1);
		serv->listen_fd[0] = listen_fifo(serv->name, why);
		listen_as_owner(0);
		break;
	case MASTER_TYPE_INET:
		for (n = 0; n < serv->listen_count; n++) {
			serv->listen_fd[n] = listen_inet(serv->addrs + n, serv->port,
							 backlog, why);
			if (serv->listen_fd[n] < 0)
				break;
		}
		break;
	default:
		log_panic("master_listen_init: unknown service type %d", serv->type);
	}
	for (n = 0; n < serv->listen_count; n++) {
		if (serv->listen_fd[n] < 0) {
			master_listen_cleanup(serv);
			return -1;
		}
	}
	return 0;
}

/* master_listen_cleanup - close the endpoints (children keep theirs) */

void
master_listen_cleanup(MASTER_SERV *serv)
{
	int	n;

	for (n = 0; n < serv->listen_count; n++) {
		if (serv->listen_fd[n] < 0)
			continue;
		event_disable_readwrite(serv->listen_fd[n]);
		if (close(serv->listen_fd[n]) < 0)
			log_warn("close listener %d: %m", serv->listen_fd[n]);
		serv->listen_fd[n] = -1;
	}
	serv->flags &= ~MASTER_FLAG_LISTEN;
}
