/*
 * smtp_connect.c - open a connection to one server address
 *
 * A TCP connection is made non-blocking so that smtp_connect_timeout
 * bounds it (0: the system's own limit), optionally from
 * smtp_bind_address or smtp_bind_address6; an LMTP "unix:" address is
 * a UNIX-domain stream socket (its path relative to the queue
 * directory, which is the working directory). Failures are worded as
 * Postfix words them: "connect to H[A]:P: Connection refused".
 */

#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "inet_addr.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "timed_connect.h"
#include "debug_peer.h"		/* global */
#include "smtp.h"

/* smtp_bind - bind to the configured source address; -1 on failure */

static int
smtp_bind(int fd, int family)
{
	const char *text = family == AF_INET6 ? smtp_conf.bind_address6 :
		smtp_conf.bind_address;
	INET_ADDR addr;
	struct sockaddr_storage ss;
	size_t	len;

	if (text == NULL || *text == 0)
		return 0;
	if (inet_addr_parse(text, INET_ADDR_FLAG_BRACKETS, &addr, NULL) < 0
	    || addr.family != family) {
		log_warn("%s_%s: bad source address for %s connections: \"%s\"",
			 smtp_conf.lmtp ? "lmtp" : "smtp",
			 family == AF_INET6 ? "bind_address6" : "bind_address",
			 family == AF_INET6 ? "IPv6" : "IPv4", text);
		return 0;
	}
	len = inet_addr_to_sockaddr(&addr, 0, &ss);
	if (bind(fd, (struct sockaddr *) &ss, (socklen_t) len) < 0) {
		log_warn("bind %s: %m", text);
		return -1;
	}
	return 0;
}

/* smtp_connect - connect to one address */

SMTP_SESSION *
smtp_connect(const SMTP_ADDR *addr, STRBUF *dsn, STRBUF *why)
{
	SMTP_SESSION *session;
	STRBUF *name = strbuf_create(100);
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	INET_ADDR_STR astr;
	size_t	salen;
	int	fd, saved;

	smtp_addr_name(addr, name);
	if (addr->is_unix) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(addr->host) >= sizeof(sun.sun_path)) {
			strbuf_set(dsn, "4.3.5");
			strbuf_printf(why, "connect to %s: File name too long",
				      strbuf_str(name));
			strbuf_free(&name);
			return NULL;
		}
		memcpy(sun.sun_path, addr->host, strlen(addr->host) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else {
		fd = socket(addr->addr.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0) {
		strbuf_set(dsn, "4.4.1");
		strbuf_printf(why, "connect to %s: %s", strbuf_str(name),
			      strerror(errno));
		strbuf_free(&name);
		return NULL;
	}
	if (!addr->is_unix && smtp_bind(fd, addr->addr.family) < 0) {
		strbuf_set(dsn, "4.4.1");
		strbuf_printf(why, "connect to %s: cannot bind source address",
			      strbuf_str(name));
		goto fail;
	}
	if (addr->is_unix) {
		saved = timed_connect(fd, (struct sockaddr *) &sun,
				      sizeof(sun), smtp_conf.connect_timeout);
	} else {
		salen = inet_addr_to_sockaddr(&addr->addr, addr->port, &ss);
		saved = timed_connect(fd, (struct sockaddr *) &ss,
				      (socklen_t) salen,
				      smtp_conf.connect_timeout);
	}
	if (saved < 0) {
		strbuf_set(dsn, "4.4.1");
		strbuf_printf(why, "connect to %s: %s", strbuf_str(name),
			      strerror(errno));
		goto fail;
	}
	session = xcalloc(1, sizeof(*session));
	session->st = iostream_fdopen(fd, O_RDWR);
	session->host = xstrdup(addr->host);
	session->relay = strbuf_detach(name);
	strbuf_free(&name);
	session->port = addr->port;
	if (addr->is_unix) {
		session->namaddr = xstrdup(session->relay);
		session->addr = xstrdup(addr->host);
	} else {
		session->addr = xstrdup(inet_addr_ntop(&addr->addr, &astr));
		name = strbuf_create(100);
		strbuf_printf(name, "%s[%s]", addr->host,
			      inet_addr_ntop(&addr->addr, &astr));
		session->namaddr = strbuf_detach(name);
		strbuf_free(&name);
	}
	session->created = time(NULL);
	(void) debug_peer_check(session->host, session->addr);
	return session;

fail:
	(void) close(fd);
	strbuf_free(&name);
	return NULL;
}

/* smtp_session_free - close and free */

void
smtp_session_free(SMTP_SESSION *session)
{
	if (session->st) {
		smtp_tls_stop(session, session->broken
			      || iostream_error(session->st)
			      || iostream_timeout(session->st));
		(void) iostream_close(session->st);
	}
	debug_peer_restore();
	xfree(session->addr);
	xfree(session->key);
	xfree(session->host);
	xfree(session->namaddr);
	xfree(session->relay);
	xfree(session);
}
