/*
 * smtp-sink.c - parallel SMTP/LMTP test server that throws mail away
 *
 * Listens on one TCP or UNIX-domain endpoint, answers every session
 * with positive replies (or the failures that -f, -r, -q and -Q ask
 * for) and discards the messages. It measures clients, not protocol
 * compliance, but keeps to RFC 5321's reply shapes and sequencing so
 * that real clients (smtp-source, Postfix's smtp) work against it.
 *
 * One process serves every session through the event loop: each
 * session has a bounded input buffer (commands are limited to
 * SINK_LINE_MAX bytes; message content is scanned for the final dot
 * as it streams and never stored) and an output buffer that holds the
 * replies to one batch of pipelined commands. Input is not read while
 * replies are waiting to be written, so memory per session is bounded.
 *
 * Security: runs as the invoking user, or drops to -u user after it
 * has opened its socket. Everything a client sends is untrusted.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "argv.h" /* util */
#include "events.h"
#include "inet_addr.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets; be lenient. */
#define SINK_LINE_MAX 4096
#define SINK_READ_SIZE 16384

/* Commands that -f, -r, -q, -Q and -s name (bit per command). */
enum {
	SINK_CMD_CONNECT,
	SINK_CMD_HELO,
	SINK_CMD_EHLO,
	SINK_CMD_LHLO,
	SINK_CMD_MAIL,
	SINK_CMD_RCPT,
	SINK_CMD_VRFY,
	SINK_CMD_DATA,
	SINK_CMD_DOT,
	SINK_CMD_RSET,
	SINK_CMD_NOOP,
	SINK_CMD_QUIT,
	SINK_CMD_AUTH,
	SINK_CMD_XCLIENT,
	SINK_CMD_XFORWARD,
	SINK_CMD_ETRN,
	SINK_CMD_HELP,
	SINK_CMD_STARTTLS,
};

static const char *const sink_cmd_names[] = {
    [SINK_CMD_CONNECT] = "CONNECT",
    [SINK_CMD_HELO] = "HELO",
    [SINK_CMD_EHLO] = "EHLO",
    [SINK_CMD_LHLO] = "LHLO",
    [SINK_CMD_MAIL] = "MAIL",
    [SINK_CMD_RCPT] = "RCPT",
    [SINK_CMD_VRFY] = "VRFY",
    [SINK_CMD_DATA] = "DATA",
    [SINK_CMD_DOT] = ".",
    [SINK_CMD_RSET] = "RSET",
    [SINK_CMD_NOOP] = "NOOP",
    [SINK_CMD_QUIT] = "QUIT",
    [SINK_CMD_AUTH] = "AUTH",
    [SINK_CMD_XCLIENT] = "XCLIENT",
    [SINK_CMD_XFORWARD] = "XFORWARD",
    [SINK_CMD_ETRN] = "ETRN",
    [SINK_CMD_HELP] = "HELP",
    [SINK_CMD_STARTTLS] = "STARTTLS",
};

#define SINK_CMD_UNKNOWN (-1)

/* Session states. */
#define SINK_ST_CMD 0  /* reading commands */
#define SINK_ST_DATA 1 /* reading message content */
#define SINK_ST_AUTH 2 /* reading an AUTH response line */

/* Data scanner states: where in a line the content stream is. */
#define SINK_DATA_BOL 0	  /* at the start of a line */
#define SINK_DATA_MID 1	  /* inside a line */
#define SINK_DATA_DOT 2	  /* a line started with "." */
#define SINK_DATA_DOTCR 3 /* a line is ".\r" so far */

typedef struct SINK_SESS {
	int fd;
	STRBUF *in;	     /* unprocessed input */
	size_t in_pos;	     /* first unprocessed byte of in */
	STRBUF *out;	     /* replies not yet written */
	size_t out_pos;	     /* first unwritten byte of out */
	int state;	     /* SINK_ST_* */
	int data_state;	     /* SINK_DATA_* */
	int skip_line;	     /* discarding an overlong command */
	int have_mail;	     /* MAIL accepted */
	int rcpts;	     /* RCPTs accepted */
	int closing;	     /* close once out is written */
	int paused;	     /* a -w/-H delay is running */
	const char *pending; /* reply to send when the delay ends */
	int pending_data;    /* enter DATA state with it */
	char peer[INET6_ADDRSTRLEN + 8];
} SINK_SESS;

/* Options. */
static const char *sink_hostname = "smtp-sink";
static unsigned sink_hard_cmds;	 /* -f */
static unsigned sink_soft_cmds;	 /* -r */
static unsigned sink_quit_cmds;	 /* -q */
static unsigned sink_421_cmds;	 /* -Q */
static unsigned sink_log_cmds;	 /* -s */
static int sink_lmtp;		 /* -L */
static int sink_no_esmtp;	 /* -e */
static int sink_no_pipelining;	 /* -p */
static int sink_pix;		 /* -P */
static int sink_no_8bitmime;	 /* -8 */
static int sink_no_auth;	 /* -a */
static int sink_no_xclient;	 /* -C */
static int sink_no_xforward;	 /* -F */
static int sink_no_enhanced;	 /* -E */
static int sink_no_dsn;		 /* -N */
static int sink_show_counter;	 /* -c */
static int sink_timeout = 100;	 /* -t, seconds */
static int sink_data_wait;	 /* -w, seconds */
static int sink_read_wait;	 /* -H, seconds */
static long sink_max_conn = 256; /* -m */
static long sink_max_msgs;	 /* -M */
static long sink_max_sess;	 /* -n */
static const char *sink_soft_reply = "450 4.3.0 Error: command failed";
static const char *sink_hard_reply = "500 5.3.0 Error: command failed";

/* Counters. */
static long sink_active;
static long sink_sessions;
static long sink_messages;
static long sink_queue_id;
static int sink_listen_fd = -1;
static int sink_listening;
static volatile sig_atomic_t sink_stop;

static void sink_read_event(int, void *);
static void sink_write_event(int, void *);
static void sink_accept_event(int, void *);
static void sink_close(SINK_SESS *);

/* sink_usage - complain and exit */

static NORETURN
sink_usage(void)
{
	log_fatal("usage: smtp-sink [-8aCcEeFLNpPv] [-b soft_reply] "
		  "[-B hard_reply] [-f cmds] [-h hostname] [-H delay] "
		  "[-m max_conn] [-M messages] [-n sessions] [-q cmds] "
		  "[-Q cmds] [-r cmds] [-s cmds] [-S start] [-t timeout] "
		  "[-T window] [-u user] [-w delay] "
		  "[inet:][host]:port backlog | unix:path backlog");
}

/* sink_cmd_code - command name to index, or SINK_CMD_UNKNOWN */

static int
sink_cmd_code(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(sink_cmd_names); i++)
		if (strcasecmp(name, sink_cmd_names[i]) == 0)
			return (int) i;
	return SINK_CMD_UNKNOWN;
}

/* sink_cmd_mask - parse "cmd,cmd ..." into a bit mask */

static unsigned
sink_cmd_mask(const char *opt, const char *list)
{
	char *copy = xstrdup(list);
	char *cp = copy;
	char *name;
	unsigned mask = 0;
	int code;

	while ((name = token_next(&cp, ", \t")) != NULL) {
		if ((code = sink_cmd_code(name)) == SINK_CMD_UNKNOWN)
			log_fatal("-%s: unknown command name: %s", opt, name);
		mask |= 1U << code;
	}
	free(copy);
	return mask;
}

/* sink_counter - show the running counters (-c) */

static void
sink_counter(void)
{
	if (sink_show_counter) {
		printf("%ld sessions, %ld messages\r", sink_sessions,
		       sink_messages);
		fflush(stdout);
	}
}

/* sink_reply - queue one reply line for the client */

static void
sink_reply(SINK_SESS *s, const char *text)
{
	if (log_verbose)
		log_info("%s: > %s", s->peer, text);
	strbuf_append_str(s->out, text);
	strbuf_append(s->out, "\r\n", 2);
}

/* sink_timeout_event - the client has been silent for too long */

static void
sink_timeout_event(int event, void *context)
{
	SINK_SESS *s = context;

	(void) event;
	if (log_verbose)
		log_info("%s: timeout", s->peer);
	sink_close(s);
}

/* sink_close - end a session */

static void
sink_close(SINK_SESS *s)
{
	event_disable_readwrite(s->fd);
	event_cancel_timer(sink_timeout_event, s);
	event_cancel_timer(sink_read_event, s);
	(void) close(s->fd);
	strbuf_free(&s->in);
	strbuf_free(&s->out);
	free(s);
	sink_active--;
	sink_sessions++;
	sink_counter();
	if (sink_max_sess > 0 && sink_sessions >= sink_max_sess)
		sink_stop = 1;
	if (!sink_listening && !sink_stop && sink_active < sink_max_conn) {
		event_enable_read(sink_listen_fd, sink_accept_event, NULL);
		sink_listening = 1;
	}
}

/* sink_fail - apply -f, -r, -q, -Q to a command: 1 when it was handled */

static int
sink_fail(SINK_SESS *s, int code)
{
	unsigned bit;

	if (code == SINK_CMD_UNKNOWN)
		return 0;
	bit = 1U << code;
	if (sink_log_cmds & bit)
		log_info("%s: %s", s->peer, sink_cmd_names[code]);
	if (sink_quit_cmds & bit) {
		strbuf_reset(s->out);
		s->out_pos = 0;
		s->closing = 1;
		return 1;
	}
	if (sink_421_cmds & bit) {
		sink_reply(s, "421 4.0.0 Service not available, closing "
			      "transmission channel");
		s->closing = 1;
		return 1;
	}
	if (sink_hard_cmds & bit) {
		sink_reply(s, sink_hard_reply);
		return 1;
	}
	if (sink_soft_cmds & bit) {
		sink_reply(s, sink_soft_reply);
		return 1;
	}
	return 0;
}

/* sink_ehlo - the EHLO/LHLO reply with its keywords */

static void
sink_ehlo(SINK_SESS *s)
{
	ARGV *kw = argv_create();
	STRBUF *line = strbuf_create(100);
	size_t i;

	argv_add(kw, sink_hostname);
	if (!sink_no_pipelining)
		argv_add(kw, "PIPELINING");
	if (!sink_no_8bitmime)
		argv_add(kw, "8BITMIME");
	if (!sink_no_auth)
		argv_add(kw, "AUTH PLAIN LOGIN");
	if (!sink_no_xclient)
		argv_add(kw, "XCLIENT NAME HELO");
	if (!sink_no_xforward)
		argv_add(kw, "XFORWARD NAME ADDR PROTO HELO");
	if (!sink_no_enhanced)
		argv_add(kw, "ENHANCEDSTATUSCODES");
	if (!sink_no_dsn)
		argv_add(kw, "DSN");
	for (i = 0; i < kw->argc; i++) {
		strbuf_printf(line, "250%c%s", i + 1 < kw->argc ? '-' : ' ',
			      kw->argv[i]);
		sink_reply(s, strbuf_str(line));
	}
	strbuf_free(&line);
	argv_free(&kw);
}

/* sink_end_data - the final dot arrived */

static void
sink_end_data(SINK_SESS *s)
{
	char buf[64];
	int i;

	s->state = SINK_ST_CMD;
	sink_messages++;
	sink_counter();
	if (!sink_fail(s, SINK_CMD_DOT)) {
		snprintf(buf, sizeof(buf), "250 2.0.0 Ok: queued as %lX",
			 ++sink_queue_id);
		/* RFC 2033 4.2: LMTP answers once per accepted recipient. */
		for (i = 0; i < (sink_lmtp ? s->rcpts : 1); i++)
			sink_reply(s, buf);
	}
	s->have_mail = 0;
	s->rcpts = 0;
	if (sink_max_msgs > 0 && sink_messages >= sink_max_msgs)
		sink_stop = 1;
}

/* sink_pause - hold the session for delay seconds, then send reply */

static void
sink_pause(SINK_SESS *s, int delay, const char *reply, int to_data)
{
	s->paused = 1;
	s->pending = reply;
	s->pending_data = to_data;
	event_request_timer(sink_read_event, s, delay * 1000);
}

/* sink_command - handle one command line */

static void
sink_command(SINK_SESS *s, char *line)
{
	char *cp = line;
	char *verb;
	int code;

	if (log_verbose)
		log_info("%s: < %s", s->peer, line);
	if (s->state == SINK_ST_AUTH) {
		s->state = SINK_ST_CMD;
		sink_reply(s, strcmp(line, "*") == 0
				  ? "501 5.7.0 Authentication aborted"
				  : "235 2.7.0 Authentication successful");
		return;
	}
	if ((verb = token_next(&cp, " \t")) == NULL) {
		sink_reply(s, "500 5.5.2 Error: bad syntax");
		return;
	}
	code = sink_cmd_code(verb);
	if (sink_fail(s, code))
		return;
	switch (code) {
	case SINK_CMD_HELO:
		if (sink_lmtp) {
			sink_reply(s,
				   "502 5.5.2 Error: command not recognized");
		} else {
			char buf[300];

			snprintf(buf, sizeof(buf), "250 %s", sink_hostname);
			sink_reply(s, buf);
		}
		break;
	case SINK_CMD_EHLO:
		if (sink_lmtp || sink_no_esmtp)
			sink_reply(s,
				   "502 5.5.2 Error: command not recognized");
		else
			sink_ehlo(s);
		break;
	case SINK_CMD_LHLO:
		if (!sink_lmtp)
			sink_reply(s,
				   "502 5.5.2 Error: command not recognized");
		else
			sink_ehlo(s);
		break;
	case SINK_CMD_MAIL:
		if (s->have_mail) {
			sink_reply(s, "503 5.5.1 Error: nested MAIL command");
		} else {
			s->have_mail = 1;
			sink_reply(s, "250 2.1.0 Ok");
		}
		break;
	case SINK_CMD_RCPT:
		if (!s->have_mail) {
			sink_reply(s, "503 5.5.1 Error: need MAIL command");
		} else {
			s->rcpts++;
			sink_reply(s, "250 2.1.5 Ok");
		}
		break;
	case SINK_CMD_VRFY:
		sink_reply(s, "252 2.0.0 Will try to deliver");
		break;
	case SINK_CMD_DATA:
		if (s->rcpts == 0) {
			sink_reply(s,
				   s->have_mail
				       ? "503 5.5.1 Error: need RCPT command"
				       : "503 5.5.1 Error: need MAIL command");
		} else if (sink_data_wait > 0) {
			sink_pause(s, sink_data_wait,
				   "354 End data with "
				   "<CR><LF>.<CR><LF>",
				   1);
		} else {
			sink_reply(s, "354 End data with <CR><LF>.<CR><LF>");
			s->state = SINK_ST_DATA;
			s->data_state = SINK_DATA_BOL;
			if (sink_read_wait > 0)
				sink_pause(s, sink_read_wait, NULL, 0);
		}
		break;
	case SINK_CMD_RSET:
		s->have_mail = 0;
		s->rcpts = 0;
		sink_reply(s, "250 2.0.0 Ok");
		break;
	case SINK_CMD_NOOP:
		sink_reply(s, "250 2.0.0 Ok");
		break;
	case SINK_CMD_QUIT:
		sink_reply(s, "221 2.0.0 Bye");
		s->closing = 1;
		break;
	case SINK_CMD_AUTH:
		if (sink_no_auth) {
			sink_reply(s,
				   "502 5.5.2 Error: command not recognized");
		} else if (token_next(&cp, " \t") == NULL) {
			sink_reply(s, "501 5.5.4 Syntax: AUTH mechanism");
		} else if (token_next(&cp, " \t") != NULL) {
			sink_reply(s, "235 2.7.0 Authentication successful");
		} else {
			sink_reply(s, "334 ");
			s->state = SINK_ST_AUTH;
		}
		break;
	case SINK_CMD_XCLIENT:
		if (sink_no_xclient) {
			sink_reply(s,
				   "502 5.5.2 Error: command not recognized");
		} else {
			char buf[300];

			snprintf(buf, sizeof(buf), "220 %s ESMTP",
				 sink_hostname);
			sink_reply(s, buf);
		}
		break;
	case SINK_CMD_XFORWARD:
		sink_reply(s, sink_no_xforward
				  ? "502 5.5.2 Error: command not recognized"
				  : "250 2.0.0 Ok");
		break;
	case SINK_CMD_ETRN:
		sink_reply(s, "250 2.0.0 Queuing started");
		break;
	case SINK_CMD_HELP:
		sink_reply(s, "214 2.0.0 Ok");
		break;
	default:
		sink_reply(s, "502 5.5.2 Error: command not recognized");
		break;
	}
}

/* sink_scan_data - consume message content; 1 when the dot was seen */

static int
sink_scan_data(SINK_SESS *s)
{
	const char *base = strbuf_str(s->in);
	size_t end = strbuf_len(s->in);
	size_t i = s->in_pos;
	const char *nl;
	int ch;

	while (i < end) {
		switch (s->data_state) {
		case SINK_DATA_MID:
			if ((nl = memchr(base + i, '\n', end - i)) == NULL) {
				i = end;
				break;
			}
			i = (size_t) (nl - base) + 1;
			s->data_state = SINK_DATA_BOL;
			break;
		case SINK_DATA_BOL:
			ch = base[i++];
			s->data_state = ch == '.'    ? SINK_DATA_DOT
					: ch == '\n' ? SINK_DATA_BOL
						     : SINK_DATA_MID;
			break;
		case SINK_DATA_DOT:
		case SINK_DATA_DOTCR:
			ch = base[i++];
			if (ch == '\n') {
				s->in_pos = i;
				return 1;
			}
			if (ch == '\r' && s->data_state == SINK_DATA_DOT)
				s->data_state = SINK_DATA_DOTCR;
			else
				s->data_state = SINK_DATA_MID;
			break;
		}
	}
	s->in_pos = i;
	return 0;
}

/* sink_process - handle everything complete in the input buffer */

static void
sink_process(SINK_SESS *s)
{
	char *base;
	char *nl;
	size_t len;

	while (!s->closing && !s->paused && s->in_pos < strbuf_len(s->in)) {
		if (s->state == SINK_ST_DATA) {
			if (sink_scan_data(s))
				sink_end_data(s);
			continue;
		}
		base = strbuf_str(s->in) + s->in_pos;
		len = strbuf_len(s->in) - s->in_pos;
		if ((nl = memchr(base, '\n', len)) == NULL) {
			/* An overlong command: reply once, drop the rest. */
			if (len > SINK_LINE_MAX) {
				if (!s->skip_line)
					sink_reply(
					    s,
					    "500 5.5.0 Error: line too long");
				s->skip_line = 1;
				s->in_pos = strbuf_len(s->in);
			}
			break;
		}
		*nl = 0;
		if (nl > base && nl[-1] == '\r')
			nl[-1] = 0;
		s->in_pos += (size_t) (nl - base) + 1;
		if (s->skip_line)
			s->skip_line = 0;
		else
			sink_command(s, base);
	}
	/* Keep the buffer small: drop what has been processed. */
	if (s->in_pos == strbuf_len(s->in)) {
		strbuf_reset(s->in);
		s->in_pos = 0;
	} else if (s->in_pos > SINK_READ_SIZE) {
		len = strbuf_len(s->in) - s->in_pos;
		memmove(strbuf_str(s->in), strbuf_str(s->in) + s->in_pos, len);
		strbuf_truncate(s->in, len);
		s->in_pos = 0;
	}
}

/* sink_flush - write queued replies; adjust which events we wait for */

static void
sink_flush(SINK_SESS *s)
{
	ssize_t n;

	while (s->out_pos < strbuf_len(s->out)) {
		n = write(s->fd, strbuf_str(s->out) + s->out_pos,
			  strbuf_len(s->out) - s->out_pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			if (log_verbose)
				log_info("%s: write: %m", s->peer);
			sink_close(s);
			return;
		}
		s->out_pos += (size_t) n;
	}
	if (s->out_pos < strbuf_len(s->out)) {
		/* Stop reading until the client takes our replies. */
		event_disable_readwrite(s->fd);
		event_enable_write(s->fd, sink_write_event, s);
		return;
	}
	strbuf_reset(s->out);
	s->out_pos = 0;
	if (s->closing) {
		sink_close(s);
		return;
	}
	event_disable_readwrite(s->fd);
	if (!s->paused)
		event_enable_read(s->fd, sink_read_event, s);
	event_request_timer(sink_timeout_event, s, sink_timeout * 1000);
}

/* sink_write_event - the client can take more replies */

static void
sink_write_event(int event, void *context)
{
	SINK_SESS *s = context;

	(void) event;
	sink_flush(s);
}

/* sink_read_event - input arrived, or a -w/-H delay ended */

static void
sink_read_event(int event, void *context)
{
	SINK_SESS *s = context;
	char buf[SINK_READ_SIZE];
	ssize_t n;

	if (event == EVENT_TIMER) {
		s->paused = 0;
		if (s->pending) {
			sink_reply(s, s->pending);
			s->pending = NULL;
		}
		if (s->pending_data) {
			s->pending_data = 0;
			s->state = SINK_ST_DATA;
			s->data_state = SINK_DATA_BOL;
			if (sink_read_wait > 0) {
				sink_pause(s, sink_read_wait, NULL, 0);
				sink_flush(s);
				return;
			}
		}
		sink_process(s);
		sink_flush(s);
		return;
	}
	n = read(s->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (log_verbose)
			log_info("%s: %s", s->peer,
				 n < 0 ? "read error" : "end of input");
		sink_close(s);
		return;
	}
	/* The buffer holds at most one line plus one read: bounded. */
	strbuf_append(s->in, buf, (size_t) n);
	sink_process(s);
	sink_flush(s);
}

/* sink_set_nonblock - make fd non-blocking */

static void
sink_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		log_fatal("fcntl O_NONBLOCK: %m");
}

/* sink_accept_event - a new client */

static void
sink_accept_event(int event, void *context)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	SINK_SESS *s;
	INET_ADDR addr;
	INET_ADDR_STR abuf;
	char greet[300];
	int fd;

	(void) event;
	(void) context;
	if ((fd = accept(sink_listen_fd, (struct sockaddr *) &ss, &sslen)) <
	    0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept: %m");
		return;
	}
	sink_set_nonblock(fd);
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->in = strbuf_create(SINK_READ_SIZE);
	s->out = strbuf_create(512);
	s->state = SINK_ST_CMD;
	if (inet_addr_from_sockaddr((struct sockaddr *) &ss, sslen, &addr,
				    NULL) == 0)
		snprintf(s->peer, sizeof(s->peer), "%s",
			 inet_addr_ntop(&addr, &abuf));
	else
		snprintf(s->peer, sizeof(s->peer), "local");
	if (++sink_active >= sink_max_conn) {
		event_disable_readwrite(sink_listen_fd);
		sink_listening = 0;
	}
	if (!sink_fail(s, SINK_CMD_CONNECT)) {
		if (sink_pix)
			snprintf(greet, sizeof(greet),
				 "220 "
				 "**************************************");
		else
			snprintf(greet, sizeof(greet), "220 %s %s",
				 sink_hostname,
				 sink_lmtp	 ? "LMTP"
				 : sink_no_esmtp ? "SMTP"
						 : "ESMTP");
		sink_reply(s, greet);
	}
	sink_flush(s);
}

/* sink_listen - open the listening endpoint */

static int
sink_listen(const char *endpoint, int backlog, int window)
{
	STRBUF *why = strbuf_create(100);
	int fd;
	int on = 1;

	if (strncasecmp(endpoint, "unix:", 5) == 0) {
		struct sockaddr_un sun;
		const char *path = endpoint + 5;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path) || *path == 0)
			log_fatal("bad UNIX-domain socket path: %s", path);
		memcpy(sun.sun_path, path, strlen(path) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			log_fatal("socket: %m");
		(void) unlink(path);
		if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
			log_fatal("bind %s: %m", path);
	} else {
		struct addrinfo hints;
		struct addrinfo *res;
		INET_ADDR_HOSTPORT hp;
		char *buf;
		int err;

		if (strncasecmp(endpoint, "inet:", 5) == 0)
			endpoint += 5;
		buf = xstrdup(endpoint);
		if (inet_addr_split_hostport(buf, INET_ADDR_HOSTPORT_NONE, &hp,
					     why) < 0 ||
		    hp.port == NULL)
			log_fatal("bad endpoint \"%s\": %s", endpoint,
				  strbuf_len(why) ? strbuf_str(why)
						  : "need [host]:port");
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE;
		if ((err = getaddrinfo(hp.host && *hp.host ? hp.host : NULL,
				       hp.port, &hints, &res)) != 0)
			log_fatal("%s: %s", endpoint, gai_strerror(err));
		if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) < 0)
			log_fatal("socket: %m");
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) <
		    0)
			log_warn("setsockopt SO_REUSEADDR: %m");
		if (window > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window,
					     sizeof(window)) < 0)
			log_warn("setsockopt SO_RCVBUF %d: %m", window);
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
			log_fatal("bind %s: %m", endpoint);
		freeaddrinfo(res);
		free(buf);
	}
	if (listen(fd, backlog) < 0)
		log_fatal("listen: %m");
	sink_set_nonblock(fd);
	strbuf_free(&why);
	return fd;
}

/* sink_drop_privileges - become user after the socket is open (-u) */

static void
sink_drop_privileges(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		log_fatal("unknown user: %s", user);
	if (setgroups(1, &pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		log_fatal("cannot become user %s: %m", user);
}

/* sink_signal - end the event loop cleanly */

static void
sink_signal(int sig)
{
	(void) sig;
	sink_stop = 1;
}

/* sink_opt_long - parse a numeric option or die */

static long
sink_opt_long(int opt, const char *arg, long min, long max)
{
	long val;

	if (parse_long(arg, &val, min, max) < 0)
		log_fatal("-%c: bad number: %s (range %ld..%ld)", opt, arg, min,
			  max);
	return val;
}

int
main(int argc, char **argv)
{
	const char *user = NULL;
	int window = 0;
	int backlog;
	long val;
	int ch;

	log_init("smtp-sink", LOG_DEST_STDERR);
	while ((ch = getopt(
		    argc, argv,
		    "8aA:b:B:cCeEf:Fh:H:Lm:M:n:NpPq:Q:r:s:S:t:T:u:vw:")) > 0) {
		switch (ch) {
		case '8':
			sink_no_8bitmime = 1;
			break;
		case 'a':
			sink_no_auth = 1;
			break;
		case 'b':
			sink_soft_reply = optarg;
			break;
		case 'B':
			sink_hard_reply = optarg;
			break;
		case 'c':
			sink_show_counter = 1;
			break;
		case 'C':
			sink_no_xclient = 1;
			break;
		case 'e':
			sink_no_esmtp = 1;
			break;
		case 'E':
			sink_no_enhanced = 1;
			break;
		case 'f':
			sink_hard_cmds |= sink_cmd_mask("f", optarg);
			sink_no_pipelining = 1;
			break;
		case 'F':
			sink_no_xforward = 1;
			break;
		case 'h':
			sink_hostname = optarg;
			break;
		case 'H':
			sink_read_wait =
			    (int) sink_opt_long(ch, optarg, 0, 3600);
			break;
		case 'L':
			sink_lmtp = 1;
			break;
		case 'm':
			sink_max_conn = sink_opt_long(ch, optarg, 1, 100000);
			break;
		case 'M':
			sink_max_msgs = sink_opt_long(ch, optarg, 1, LONG_MAX);
			break;
		case 'n':
			sink_max_sess = sink_opt_long(ch, optarg, 1, LONG_MAX);
			break;
		case 'N':
			sink_no_dsn = 1;
			break;
		case 'p':
			sink_no_pipelining = 1;
			break;
		case 'P':
			sink_pix = 1;
			sink_no_esmtp = 1;
			break;
		case 'q':
			sink_quit_cmds |= sink_cmd_mask("q", optarg);
			break;
		case 'Q':
			sink_421_cmds |= sink_cmd_mask("Q", optarg);
			break;
		case 'r':
			sink_soft_cmds |= sink_cmd_mask("r", optarg);
			sink_no_pipelining = 1;
			break;
		case 's':
			sink_log_cmds |= sink_cmd_mask("s", optarg);
			log_init("smtp-sink",
				 LOG_DEST_STDERR | LOG_DEST_SYSLOG);
			break;
		case 'S':
			/* Start string of dump files; dumps are not supported.
			 */
			break;
		case 't':
			sink_timeout =
			    (int) sink_opt_long(ch, optarg, 1, 86400);
			break;
		case 'T':
			window = (int) sink_opt_long(ch, optarg, 1, 65535);
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			sink_data_wait =
			    (int) sink_opt_long(ch, optarg, 0, 3600);
			break;
		default:
			sink_usage();
		}
	}
	if (argc - optind != 2)
		sink_usage();
	if (parse_long(argv[optind + 1], &val, 1, 65535) < 0)
		log_fatal("bad backlog: %s (range 1..65535)", argv[optind + 1]);
	backlog = (int) val;
	sink_listen_fd = sink_listen(argv[optind], backlog, window);
	if (user)
		sink_drop_privileges(user);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, sink_signal);
	signal(SIGINT, sink_signal);
	event_enable_read(sink_listen_fd, sink_accept_event, NULL);
	sink_listening = 1;
	while (!sink_stop)
		event_loop(1000);
	if (sink_show_counter)
		printf("%ld sessions, %ld messages\n", sink_sessions,
		       sink_messages);
	return 0;
}
