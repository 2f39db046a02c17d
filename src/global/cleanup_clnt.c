/*
 * cleanup_clnt.c - hand a message to the cleanup service
 *
 * The client half of the protocol in cleanup_clnt.h. The server answers
 * only after the queue file is safe on disk, so a status of
 * CLEANUP_STAT_OK is the one moment a client may say "queued". Any
 * failure to talk to the server counts as CLEANUP_STAT_WRITE: the
 * message is not queued and the client must report a temporary error.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"		/* global */
#include "cleanup_clnt.h"
#include "params_global.h"
#include "queue_id.h"
#include "rec.h"

struct CLEANUP_CLNT {
	IOSTREAM *stream;
	char	queue_id[QUEUE_ID_SIZE];
};

/* cleanup_clnt_connect - connect to the socket; -1 with why */

static int
cleanup_clnt_connect(const char *path, STRBUF *why)
{
	struct sockaddr_un sun;
	int     fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		strbuf_printf(why, "connect to %s: path name is too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		strbuf_printf(why, "socket: %m");
		return -1;
	}
	if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		strbuf_printf(why, "connect to %s: %m", path);
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* cleanup_clnt_open - connect, read the queue ID, send the flags */

CLEANUP_CLNT *
cleanup_clnt_open(const char *path, int flags, STRBUF *why)
{
	STRBUF *def_path = NULL;
	int     fd;

	if (path == NULL) {
		def_path = strbuf_create(64);
		strbuf_printf(def_path, "public/%s",
			      var_cleanup_service_name ?
			      var_cleanup_service_name : "cleanup");
		path = strbuf_str(def_path);
	}
	fd = cleanup_clnt_connect(path, why);
	if (def_path)
		strbuf_free(&def_path);
	if (fd < 0)
		return NULL;
	return cleanup_clnt_fdopen(fd, flags, why);
}

/* cleanup_clnt_fdopen - the same protocol on a connected stream socket */

CLEANUP_CLNT *
cleanup_clnt_fdopen(int fd, int flags, STRBUF *why)
{
	CLEANUP_CLNT *clnt;
	STRBUF *id;

	clnt = xcalloc(1, sizeof(*clnt));
	clnt->stream = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(clnt->stream, var_ipc_timeout > 0 ?
			     var_ipc_timeout : 3600);
	id = strbuf_create(QUEUE_ID_SIZE);
	strbuf_set_limit(id, QUEUE_ID_SIZE - 1);
	if (attr_scan(clnt->stream, ATTR_FLAG_STRICT,
		      ATTR_RECV_STR(CLEANUP_ATTR_QUEUE_ID, id),
		      ATTR_TYPE_END) != 1
	    || !queue_id_ok(strbuf_str(id))) {
		strbuf_set(why, "cleanup service: no queue ID");
		goto bad;
	}
	memcpy(clnt->queue_id, strbuf_str(id), strbuf_len(id) + 1);
	if (attr_print(clnt->stream, ATTR_FLAG_NONE,
		       ATTR_SEND_INT(CLEANUP_ATTR_FLAGS, flags),
		       ATTR_TYPE_END) < 0) {
		strbuf_set(why, "cleanup service: error sending request flags");
		goto bad;
	}
	strbuf_free(&id);
	return clnt;

bad:
	strbuf_free(&id);
	(void) iostream_close(clnt->stream);
	free(clnt);
	return NULL;
}

/* cleanup_clnt_queue_id - the ID the server assigned */

const char *
cleanup_clnt_queue_id(const CLEANUP_CLNT *clnt)
{
	return clnt->queue_id;
}

/* cleanup_clnt_stream - where the records go */

IOSTREAM *
cleanup_clnt_stream(CLEANUP_CLNT *clnt)
{
	return clnt->stream;
}

/*
 * cleanup_clnt_close - end the message, read the verdict, disconnect
 *
 * A second end record, when the caller sent one already, is harmless:
 * the server stops reading records at the first one and drains its
 * input until we hang up.
 */

int
cleanup_clnt_close(CLEANUP_CLNT *clnt, STRBUF *reason)
{
	STRBUF *text = strbuf_create(100);
	int     status = CLEANUP_STAT_WRITE;
	int     got;

	strbuf_set_limit(text, 4096);
	(void) rec_put(clnt->stream, REC_TYPE_END, "", 0);
	if (iostream_flush(clnt->stream) == 0) {
		got = attr_scan(clnt->stream, ATTR_FLAG_MISSING,
				ATTR_RECV_INT(CLEANUP_ATTR_STATUS, &status),
				ATTR_RECV_STR(CLEANUP_ATTR_REASON, text),
				ATTR_TYPE_END);
		if (got < 1) {
			status = CLEANUP_STAT_WRITE;
			strbuf_set(text, "");
		}
	}
	if (reason) {
		if (status != CLEANUP_STAT_OK && strbuf_len(text) == 0)
			strbuf_set(reason, cleanup_stat_text(status));
		else
			strbuf_set(reason, strbuf_str(text));
	}
	(void) iostream_close(clnt->stream);
	free(clnt);
	strbuf_free(&text);
	return status;
}

/* cleanup_clnt_abort - hang up; the server throws the message away */

void
cleanup_clnt_abort(CLEANUP_CLNT *clnt)
{
	(void) iostream_close(clnt->stream);
	free(clnt);
}

/* cleanup_stat_text - words for the most important bit of a status */

const char *
cleanup_stat_text(int status)
{
	static const struct {
		int	bit;
		const char *text;
	} texts[] = {
		{CLEANUP_STAT_DEFER, "service unavailable"},
		{CLEANUP_STAT_BAD, "internal protocol error"},
		{CLEANUP_STAT_RCPT, "no recipients specified"},
		{CLEANUP_STAT_HOPS, "too many hops"},
		{CLEANUP_STAT_SIZE, "message file too big"},
		{CLEANUP_STAT_CONT, "message content rejected"},
		{CLEANUP_STAT_WRITE, "message file write error"},
	};
	size_t	i;

	if (status == CLEANUP_STAT_OK)
		return "Success";
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (status & texts[i].bit)
			return texts[i].text;
	return "unknown cleanup error";
}
