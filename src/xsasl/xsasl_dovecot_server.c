/*
 * xsasl_dovecot_server.c - SASL server back-end speaking Dovecot's auth
 *	protocol
 *
 * A client of Dovecot's authentication service (auth protocol 1.1) over
 * a UNIX-domain stream socket, no library needed. One connection per
 * process serves all its sessions; it is opened on first use, the
 * handshake's mechanism list (with flags) is kept, and a connection that
 * the server closed is reopened once per request.
 *
 * Security: everything the server sends is bounded (line length, number
 * of lines) and read with a timeout; every field we send is checked to
 * hold no TAB or LF, and client base64 is validated before it goes on
 * the wire. A FAIL without reason= leaves reply as it was, as Postfix
 * does (its log then shows the last challenge).
 */

#include "sysdeps.h"

#ifdef USE_SASL_AUTH

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "base64.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "timed_connect.h"
#include "xsasl.h"
#include "xsasl_int.h"

/* Seconds for connect and for each read or write (Postfix: 10s). */
int	xsasl_dovecot_timeout = 10;

/* A server line may carry a 64 KB challenge in base64. */
#define DOVECOT_LINE_LIMIT	(BASE64_ENCODED_LEN(XSASL_MAX_DECODED) + 1024)
#define DOVECOT_MAX_LINES	1000	/* handshake or one reply */
#define DOVECOT_MAX_MECHS	100
#define DOVECOT_NAME_LIMIT	64	/* mechanism name length */

/* Mechanism flags from the MECH lines. */
#define DOVECOT_MECH_ANONYMOUS		(1 << 0)
#define DOVECOT_MECH_PLAINTEXT		(1 << 1)
#define DOVECOT_MECH_DICTIONARY		(1 << 2)
#define DOVECOT_MECH_ACTIVE		(1 << 3)
#define DOVECOT_MECH_FORWARD_SECRECY	(1 << 4)
#define DOVECOT_MECH_MUTUAL_AUTH	(1 << 5)
#define DOVECOT_MECH_PRIVATE		(1 << 6)

static const struct {
	const char *name;
	int	flag;
} dovecot_mech_flags[] = {
	{"anonymous", DOVECOT_MECH_ANONYMOUS},
	{"plaintext", DOVECOT_MECH_PLAINTEXT},
	{"dictionary", DOVECOT_MECH_DICTIONARY},
	{"active", DOVECOT_MECH_ACTIVE},
	{"forward-secrecy", DOVECOT_MECH_FORWARD_SECRECY},
	{"mutual-auth", DOVECOT_MECH_MUTUAL_AUTH},
	{"private", DOVECOT_MECH_PRIVATE},
};

typedef struct {
	char   *name;			/* upper case */
	int	flags;
} DOVECOT_MECH;

typedef struct {
	XSASL_SERVER_IMPL impl;		/* must be first */
	char   *path;			/* socket */
	IOSTREAM *st;			/* NULL: not connected */
	DOVECOT_MECH *mechs;
	size_t	mech_count;
	unsigned request_id;
	STRBUF *line;			/* last line read */
} XSASL_DOVECOT_IMPL;

typedef struct {
	XSASL_SERVER server;		/* must be first */
	XSASL_DOVECOT_IMPL *impl;
	int	sec_flags;		/* XSASL_SEC_* */
	int	tls;
	char   *service;
	char   *lip;
	char   *rip;
	char   *lport;
	char   *rport;
	STRBUF *mech_list;
	STRBUF *scratch;		/* base64 validation */
	unsigned last_id;		/* request in progress, 0 none */
	char   *username;
} XSASL_DOVECOT_SERVER;

#define LOST_TEXT	"Connection lost to authentication server"

/* dovecot_disconnect - drop the connection and what it told us */

static void
dovecot_disconnect(XSASL_DOVECOT_IMPL *di)
{
	size_t	i;

	if (di->st) {
		(void) iostream_close(di->st);
		di->st = NULL;
	}
	for (i = 0; i < di->mech_count; i++)
		xfree(di->mechs[i].name);
	xfree(di->mechs);
	di->mechs = NULL;
	di->mech_count = 0;
}

/* dovecot_read_line - one LF-terminated server line into di->line */

static int
dovecot_read_line(XSASL_DOVECOT_IMPL *di)
{
	int	status;

	status = iostream_get_line(di->st, di->line, DOVECOT_LINE_LIMIT, 0);
	if (status == IOS_LINE_COMPLETE)
		return 0;
	if (status == IOS_LINE_MORE)
		log_warn("SASL: line from %s is too long", di->path);
	else if (iostream_timeout(di->st))
		log_warn("SASL: timeout reading from %s", di->path);
	return -1;
}

/* dovecot_field - next TAB-separated field of *bufp, or NULL */

static char *
dovecot_field(char **bufp)
{
	char   *start = *bufp;
	char   *tab;

	if (start == NULL)
		return NULL;
	if ((tab = strchr(start, '\t')) != NULL) {
		*tab = 0;
		*bufp = tab + 1;
	} else {
		*bufp = NULL;
	}
	return start;
}

/* dovecot_valid_mech_name - letters, digits, '-' and '_' only */

static int
dovecot_valid_mech_name(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > DOVECOT_NAME_LIMIT)
		return 0;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "abcdefghijklmnopqrstuvwxyz0123456789-_") == len;
}

/* dovecot_add_mech - remember one MECH line */

static void
dovecot_add_mech(XSASL_DOVECOT_IMPL *di, char *args)
{
	char   *name = dovecot_field(&args);
	char   *word;
	int	flags = 0;
	size_t	i;

	if (name == NULL || !dovecot_valid_mech_name(name)) {
		log_warn("SASL: %s: ignoring bad mechanism name", di->path);
		return;
	}
	if (di->mech_count >= DOVECOT_MAX_MECHS)
		return;
	while ((word = dovecot_field(&args)) != NULL)
		for (i = 0; i < sizeof(dovecot_mech_flags)
		     / sizeof(dovecot_mech_flags[0]); i++)
			if (strcmp(word, dovecot_mech_flags[i].name) == 0)
				flags |= dovecot_mech_flags[i].flag;
	di->mechs = xrealloc(di->mechs, size_mul(di->mech_count + 1,
						 sizeof(*di->mechs)));
	di->mechs[di->mech_count].name = str_upper(xstrdup(name));
	di->mechs[di->mech_count].flags = flags;
	di->mech_count++;
}

/* dovecot_handshake - VERSION/CPID out; VERSION, MECH ... DONE in */

static int
dovecot_handshake(XSASL_DOVECOT_IMPL *di)
{
	int	have_version = 0;
	int	lines;
	char   *cp;
	char   *cmd;
	char   *major;
	long	num;

	iostream_printf(di->st, "VERSION\t1\t1\nCPID\t%ld\n", (long) getpid());
	if (iostream_flush(di->st) < 0) {
		log_warn("SASL: write to %s failed: %s", di->path,
			 strerror(iostream_errno(di->st)));
		return -1;
	}
	for (lines = 0; lines < DOVECOT_MAX_LINES; lines++) {
		if (dovecot_read_line(di) < 0) {
			log_warn("SASL: %s: handshake failed", di->path);
			return -1;
		}
		cp = strbuf_str(di->line);
		cmd = dovecot_field(&cp);
		if (strcmp(cmd, "VERSION") == 0) {
			major = dovecot_field(&cp);
			if (major == NULL || parse_long(major, &num, 0, 1000000) < 0
			    || num != 1) {
				log_warn("SASL: %s: authentication server protocol "
					 "version %s is incompatible", di->path,
					 major ? major : "(none)");
				return -1;
			}
			have_version = 1;
		} else if (strcmp(cmd, "MECH") == 0) {
			dovecot_add_mech(di, cp);
		} else if (strcmp(cmd, "DONE") == 0) {
			if (!have_version) {
				log_warn("SASL: %s: no VERSION in handshake",
					 di->path);
				return -1;
			}
			return 0;
		}
		/* SPID, CUID, COOKIE and anything newer: not needed. */
	}
	log_warn("SASL: %s: handshake too long", di->path);
	return -1;
}

/* dovecot_connect - open the socket and do the handshake */

static int
dovecot_connect(XSASL_DOVECOT_IMPL *di)
{
	struct sockaddr_un sun;
	int	fd;

	if (di->st)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(di->path) >= sizeof(sun.sun_path)) {
		log_warn("SASL: Connect to %s failed: socket path too long",
			 di->path);
		return -1;
	}
	memcpy(sun.sun_path, di->path, strlen(di->path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0) {
		log_warn("SASL: Connect to %s failed: %m", di->path);
		return -1;
	}
	if (timed_connect(fd, (struct sockaddr *) &sun, sizeof(sun),
			  xsasl_dovecot_timeout) < 0) {
		/* Postfix's words. */
		log_warn("SASL: Connect to %s failed: %m", di->path);
		(void) close(fd);
		return -1;
	}
	di->st = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(di->st, xsasl_dovecot_timeout);
	if (dovecot_handshake(di) < 0) {
		dovecot_disconnect(di);
		return -1;
	}
	return 0;
}

/* dovecot_clean_text - a printable copy of server text for our reply */

static void
dovecot_clean_text(STRBUF *out, const char *text)
{
	const unsigned char *cp;

	strbuf_reset(out);
	for (cp = (const unsigned char *) text; *cp; cp++)
		strbuf_append_char(out, *cp < 0x20 || *cp == 0x7f ? '?' : *cp);
}

/* dovecot_server_mech_ok - may this session offer mechanism m? */

static int
dovecot_server_mech_ok(XSASL_DOVECOT_SERVER *ds, const DOVECOT_MECH *m)
{
	int	f = ds->sec_flags;

	if (m->flags & DOVECOT_MECH_PRIVATE)
		return 0;
	if ((f & XSASL_SEC_NOANONYMOUS) && (m->flags & DOVECOT_MECH_ANONYMOUS))
		return 0;
	if ((f & XSASL_SEC_NOPLAINTEXT) && (m->flags & DOVECOT_MECH_PLAINTEXT))
		return 0;
	if ((f & XSASL_SEC_NODICTIONARY) && (m->flags & DOVECOT_MECH_DICTIONARY))
		return 0;
	if ((f & XSASL_SEC_NOACTIVE) && (m->flags & DOVECOT_MECH_ACTIVE))
		return 0;
	if ((f & XSASL_SEC_FORWARD_SECRECY)
	    && !(m->flags & DOVECOT_MECH_FORWARD_SECRECY))
		return 0;
	if ((f & XSASL_SEC_MUTUAL_AUTH) && !(m->flags & DOVECOT_MECH_MUTUAL_AUTH))
		return 0;
	return 1;
}

/* dovecot_server_get_mechanism_list - filtered MECH names */

static const char *
dovecot_server_get_mechanism_list(XSASL_SERVER *server)
{
	XSASL_DOVECOT_SERVER *ds = (XSASL_DOVECOT_SERVER *) server;
	XSASL_DOVECOT_IMPL *di = ds->impl;
	size_t	i;

	strbuf_reset(ds->mech_list);
	if (dovecot_connect(di) < 0)
		return strbuf_str(ds->mech_list);
	for (i = 0; i < di->mech_count; i++) {
		if (!dovecot_server_mech_ok(ds, di->mechs + i))
			continue;
		if (strbuf_len(ds->mech_list))
			strbuf_append_char(ds->mech_list, ' ');
		strbuf_append_str(ds->mech_list, di->mechs[i].name);
	}
	return strbuf_str(ds->mech_list);
}

/* dovecot_server_valid_base64 - client base64 is safe to forward */

static int
dovecot_server_valid_base64(XSASL_DOVECOT_SERVER *ds, const char *data,
			    STRBUF *reply)
{
	if (base64_decode(ds->scratch, data, strlen(data), BASE64_FLAG_NONE) < 0) {
		strbuf_set(reply, strbuf_overflow(ds->scratch) ?
			   "SASL response too long" : "malformed SASL response");
		explicit_bzero(strbuf_str(ds->scratch), strbuf_len(ds->scratch));
		return 0;
	}
	/* It may hold a password. */
	explicit_bzero(strbuf_str(ds->scratch), strbuf_len(ds->scratch));
	return 1;
}

/* dovecot_server_reply - read the answer to request ds->last_id */

static int
dovecot_server_reply(XSASL_DOVECOT_SERVER *ds, STRBUF *reply, int *lost)
{
	XSASL_DOVECOT_IMPL *di = ds->impl;
	char   *cp;
	char   *cmd;
	char   *id;
	char   *arg;
	long	num;
	int	lines;
	int	temp;

	*lost = 0;
	for (lines = 0; lines < DOVECOT_MAX_LINES; lines++) {
		if (dovecot_read_line(di) < 0) {
			*lost = 1;
			return XSASL_AUTH_TEMP;
		}
		cp = strbuf_str(di->line);
		cmd = dovecot_field(&cp);
		id = dovecot_field(&cp);
		if (id == NULL || parse_long(id, &num, 1, 0xffffffffL) < 0) {
			if (strcmp(cmd, "OK") == 0 || strcmp(cmd, "CONT") == 0
			    || strcmp(cmd, "FAIL") == 0)
				log_warn("SASL: %s: bad request id in %s reply",
					 di->path, cmd);
			continue;
		}
		if ((unsigned long) num != ds->last_id)
			continue;
		if (strcmp(cmd, "OK") == 0) {
			ds->last_id = 0;
			strbuf_reset(reply);
			while ((arg = dovecot_field(&cp)) != NULL) {
				if (strncmp(arg, "user=", 5) == 0) {
					xfree(ds->username);
					ds->username = xstrdup(arg + 5);
				}
			}
			if (ds->username == NULL || *ds->username == 0
			  || strpbrk(ds->username, "\r\n\t\x7f") != NULL) {
				log_warn("SASL: %s: missing or bad user name in "
					 "OK reply", di->path);
				xfree(ds->username);
				ds->username = NULL;
				strbuf_set(reply, "Internal authentication server "
					   "failure");
				return XSASL_AUTH_TEMP;
			}
			return XSASL_AUTH_DONE;
		}
		if (strcmp(cmd, "CONT") == 0) {
			arg = dovecot_field(&cp);
			if (arg == NULL)
				arg = "";
			if (base64_decode(ds->scratch, arg, strlen(arg),
					  BASE64_FLAG_NONE) < 0) {
				log_warn("SASL: %s: malformed CONT data", di->path);
				ds->last_id = 0;
				strbuf_set(reply, "Internal authentication server "
					   "failure");
				return XSASL_AUTH_TEMP;
			}
			strbuf_set(reply, arg);
			return XSASL_AUTH_OK;
		}
		if (strcmp(cmd, "FAIL") == 0) {
			ds->last_id = 0;
			temp = 0;
			while ((arg = dovecot_field(&cp)) != NULL) {
				if (strncmp(arg, "reason=", 7) == 0)
					dovecot_clean_text(reply, arg + 7);
				else if (strcmp(arg, "temp") == 0)
					temp = 1;
			}
			return temp ? XSASL_AUTH_TEMP : XSASL_AUTH_FAIL;
		}
	}
	log_warn("SASL: %s: no answer to request %u", di->path, ds->last_id);
	*lost = 1;
	return XSASL_AUTH_TEMP;
}

/* dovecot_server_field_ok - safe to put on the wire as is */

static int
dovecot_server_field_ok(const char *s)
{
	return s && *s && strpbrk(s, "\t\n\r") == NULL;
}

/* dovecot_server_first - AUTH request */

static int
dovecot_server_first(XSASL_SERVER *server, const char *mechanism,
		     const char *init_response, STRBUF *reply)
{
	XSASL_DOVECOT_SERVER *ds = (XSASL_DOVECOT_SERVER *) server;
	XSASL_DOVECOT_IMPL *di = ds->impl;
	size_t	i;
	int	attempt;
	int	status;
	int	lost;

	xfree(ds->username);
	ds->username = NULL;
	ds->last_id = 0;
	if (init_response && strcmp(init_response, "=") == 0)
		init_response = "";		/* RFC 4954: empty response */
	if (init_response
	    && !dovecot_server_valid_base64(ds, init_response, reply))
		return XSASL_AUTH_FORM;
	for (attempt = 0; attempt < 2; attempt++) {
		if (dovecot_connect(di) < 0) {
			strbuf_set(reply, LOST_TEXT);
			return XSASL_AUTH_TEMP;
		}
		for (i = 0; i < di->mech_count; i++)
			if (strcasecmp(di->mechs[i].name, mechanism) == 0
			    && dovecot_server_mech_ok(ds, di->mechs + i))
				break;
		if (i == di->mech_count) {
			/* Postfix's words. */
			strbuf_set(reply, "Invalid authentication mechanism");
			return XSASL_AUTH_FAIL;
		}
		if (++di->request_id == 0)
			di->request_id = 1;
		ds->last_id = di->request_id;
		iostream_printf(di->st, "AUTH\t%u\t%s\tservice=%s\tnologin",
				ds->last_id, di->mechs[i].name, ds->service);
		if (ds->lip)
			iostream_printf(di->st, "\tlip=%s", ds->lip);
		if (ds->rip)
			iostream_printf(di->st, "\trip=%s", ds->rip);
		if (ds->lport)
			iostream_printf(di->st, "\tlport=%s", ds->lport);
		if (ds->rport)
			iostream_printf(di->st, "\trport=%s", ds->rport);
		if (ds->tls)
			iostream_puts(di->st, "\tsecured");
		if (init_response)
			iostream_printf(di->st, "\tresp=%s", init_response);
		iostream_putc(di->st, '\n');
		if (iostream_flush(di->st) < 0) {
			dovecot_disconnect(di);
			continue;
		}
		status = dovecot_server_reply(ds, reply, &lost);
		if (!lost)
			return status;
		dovecot_disconnect(di);
	}
	ds->last_id = 0;
	strbuf_set(reply, LOST_TEXT);
	return XSASL_AUTH_TEMP;
}

/* dovecot_server_next - CONT request */

static int
dovecot_server_next(XSASL_SERVER *server, const char *response,
		    STRBUF *reply)
{
	XSASL_DOVECOT_SERVER *ds = (XSASL_DOVECOT_SERVER *) server;
	XSASL_DOVECOT_IMPL *di = ds->impl;
	int	status;
	int	lost;

	if (ds->last_id == 0 || di->st == NULL) {
		ds->last_id = 0;
		strbuf_set(reply, LOST_TEXT);
		return XSASL_AUTH_TEMP;
	}
	if (!dovecot_server_valid_base64(ds, response, reply))
		return XSASL_AUTH_FORM;
	iostream_printf(di->st, "CONT\t%u\t%s\n", ds->last_id, response);
	if (iostream_flush(di->st) < 0) {
		dovecot_disconnect(di);
		ds->last_id = 0;
		strbuf_set(reply, LOST_TEXT);
		return XSASL_AUTH_TEMP;
	}
	status = dovecot_server_reply(ds, reply, &lost);
	if (lost) {
		/* The server's state for this request is gone with it. */
		dovecot_disconnect(di);
		ds->last_id = 0;
		strbuf_set(reply, LOST_TEXT);
	}
	return status;
}

/* dovecot_server_get_username - user= of the OK reply */

static const char *
dovecot_server_get_username(XSASL_SERVER *server)
{
	return ((XSASL_DOVECOT_SERVER *) server)->username;
}

/* dovecot_server_free - end a session; the connection stays */

static void
dovecot_server_free(XSASL_SERVER *server)
{
	XSASL_DOVECOT_SERVER *ds = (XSASL_DOVECOT_SERVER *) server;

	xfree(ds->service);
	xfree(ds->lip);
	xfree(ds->rip);
	xfree(ds->lport);
	xfree(ds->rport);
	xfree(ds->username);
	strbuf_free(&ds->mech_list);
	strbuf_free(&ds->scratch);
	xfree(ds);
}

/* dovecot_server_copy - a copy of a field we may send, else NULL */

static char *
dovecot_server_copy(const char *s)
{
	return dovecot_server_field_ok(s) ? xstrdup(s) : NULL;
}

/* dovecot_server_create - a session; connects lazily */

static XSASL_SERVER *
dovecot_server_create(XSASL_SERVER_IMPL *impl,
		      const XSASL_SERVER_CREATE *args, STRBUF *why)
{
	XSASL_DOVECOT_SERVER *ds;
	int	flags;

	if (xsasl_security_parse(args->security_options ?
				 args->security_options : "", &flags, why) < 0)
		return NULL;
	if (!dovecot_server_field_ok(args->service ? args->service : "smtp")) {
		strbuf_set(why, "bad SASL service name");
		return NULL;
	}
	ds = xcalloc(1, sizeof(*ds));
	ds->impl = (XSASL_DOVECOT_IMPL *) impl;
	ds->sec_flags = flags;
	ds->tls = args->tls;
	ds->service = xstrdup(args->service ? args->service : "smtp");
	ds->lip = dovecot_server_copy(args->server_addr);
	ds->rip = dovecot_server_copy(args->client_addr);
	ds->lport = dovecot_server_copy(args->server_port);
	ds->rport = dovecot_server_copy(args->client_port);
	ds->mech_list = strbuf_create(100);
	ds->scratch = strbuf_create(100);
	strbuf_set_limit(ds->scratch, XSASL_MAX_DECODED);
	ds->server.free = dovecot_server_free;
	ds->server.get_mechanism_list = dovecot_server_get_mechanism_list;
	ds->server.first = dovecot_server_first;
	ds->server.next = dovecot_server_next;
	ds->server.get_username = dovecot_server_get_username;
	return &ds->server;
}

/* dovecot_server_done - close the connection */

static void
dovecot_server_done(XSASL_SERVER_IMPL *impl)
{
	XSASL_DOVECOT_IMPL *di = (XSASL_DOVECOT_IMPL *) impl;

	dovecot_disconnect(di);
	strbuf_free(&di->line);
	xfree(di->path);
	xfree(di);
}

/* xsasl_dovecot_server_init - remember the socket; no I/O yet */

XSASL_SERVER_IMPL *
xsasl_dovecot_server_init(const char *type, const char *path, STRBUF *why)
{
	XSASL_DOVECOT_IMPL *di;

	if (path == NULL || *path == 0) {
		strbuf_set(why, "dovecot SASL: empty socket path");
		return NULL;
	}
	di = xcalloc(1, sizeof(*di));
	di->path = xstrdup(path);
	di->line = strbuf_create(100);
	di->impl.create = dovecot_server_create;
	di->impl.done = dovecot_server_done;
	return &di->impl;
}

#endif
