/*
 * local_biff.c - new-mail notices for comsat(8), the "biff" service
 *
 * After a message has been appended to a UNIX-style mailbox, local(8)
 * sends one UDP datagram "user@offset" (the offset where the new
 * message starts, followed by a null byte, as Postfix sends it) to the
 * biff service on the loopback address, if $biff allows. This is best
 * effort: nobody answers, and a failure only logs a warning.
 */

#include "sysdeps.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"
#include "local.h"

/* The port when the services database has no "biff" entry. */
#define LOCAL_BIFF_PORT	512

/* local_biff - tell comsat(8) that user has new mail at offset */

void
local_biff(const char *user, off_t offset)
{
	static in_port_t port;		/* network order, looked up once */
	struct sockaddr_in sin;
	struct servent *sp;
	STRBUF *msg;
	int	fd;

	if (port == 0) {
		if ((sp = getservbyname("biff", "udp")) != NULL)
			port = (in_port_t) sp->s_port;
		else
			port = htons(LOCAL_BIFF_PORT);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = port;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		log_warn("biff: socket: %m");
		return;
	}
	msg = strbuf_create(100);
	strbuf_printf(msg, "%s@%ld", user, (long) offset);
	/* The terminating null byte goes too. */
	if (sendto(fd, strbuf_str(msg), strbuf_len(msg) + 1, 0,
		   (struct sockaddr *) &sin, sizeof(sin)) < 0
	    && errno != ECONNREFUSED)
		log_warn("biff: send to 127.0.0.1 port %d: %m",
			 (int) ntohs(port));
	(void) close(fd);
	strbuf_free(&msg);
}
