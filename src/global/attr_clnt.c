/*
 * attr_clnt.c - request/reply client for an internal service
 *
 * One connection per client object, reused across requests. A server
 * may close an idle connection at any time, so a failed exchange is
 * retried exactly once on a fresh connection; a second failure is
 * reported to the caller.
 */

#include "sysdeps.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"
#include "attr_clnt.h"

struct ATTR_CLNT {
	char   *path;			/* class/service */
	int     timeout;		/* seconds per read or write */
	IOSTREAM *stream;		/* NULL: not connected */
};

/* attr_clnt_create - make a client; connect later */

ATTR_CLNT *
attr_clnt_create(const char *class_name, const char *service, int timeout)
{
	ATTR_CLNT *clnt = xmalloc(sizeof(*clnt));
	STRBUF *path = strbuf_create(100);

	strbuf_printf(path, "%s/%s", class_name, service);
	clnt->path = strbuf_detach(path);
	strbuf_free(&path);
	clnt->timeout = timeout;
	clnt->stream = NULL;
	return clnt;
}

/* attr_clnt_disconnect - drop the connection */

void
attr_clnt_disconnect(ATTR_CLNT *clnt)
{
	if (clnt->stream != NULL) {
		(void) iostream_close(clnt->stream);
		clnt->stream = NULL;
	}
}

/* attr_clnt_free - drop the connection and the client */

void
attr_clnt_free(ATTR_CLNT *clnt)
{
	attr_clnt_disconnect(clnt);
	free(clnt->path);
	free(clnt);
}

/* attr_clnt_connect - open the unix socket; 0 or -1 (logged) */

static int
attr_clnt_connect(ATTR_CLNT *clnt)
{
	struct sockaddr_un sun;
	int     fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(clnt->path) >= sizeof(sun.sun_path)) {
		log_warn("connect to %s: path name is too long", clnt->path);
		return -1;
	}
	memcpy(sun.sun_path, clnt->path, strlen(clnt->path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		log_warn("socket: %m");
		return -1;
	}
	if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		log_warn("connect to subsystem %s: %m", clnt->path);
		(void) close(fd);
		return -1;
	}
	clnt->stream = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(clnt->stream, clnt->timeout);
	return 0;
}

/* attr_clnt_exchange - one attempt: send, then read the reply */

static int
attr_clnt_exchange(ATTR_CLNT *clnt, int send_flags, va_list *app)
{
	int     recv_flags;

	if (clnt->stream == NULL && attr_clnt_connect(clnt) < 0)
		return -1;
	if (attr_vprint(clnt->stream, send_flags, app) < 0)
		return -1;
	recv_flags = va_arg(*app, int);
	return attr_vscan(clnt->stream, recv_flags, app);
}

/* attr_clnt_request - send a request, read the reply, retry once */

int
attr_clnt_request(ATTR_CLNT *clnt, int send_flags,...)
{
	va_list ap;
	va_list again;
	int     ret;

	va_start(ap, send_flags);
	va_copy(again, ap);
	ret = attr_clnt_exchange(clnt, send_flags, &ap);
	if (ret < 0) {
		attr_clnt_disconnect(clnt);
		ret = attr_clnt_exchange(clnt, send_flags, &again);
		if (ret < 0) {
			log_warn("problem talking to service %s", clnt->path);
			attr_clnt_disconnect(clnt);
		}
	}
	va_end(again);
	va_end(ap);
	return ret;
}
