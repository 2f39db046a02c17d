/*
 * smtp-source.c - parallel SMTP/LMTP test client that generates mail
 *
 * Sends -m messages to one server, over -s parallel sessions. Each
 * session is a child process that talks plain (unpipelined) SMTP or
 * LMTP through an IOSTREAM with a timeout, one connection per message
 * unless -d keeps the connection for the next one. The parent hands
 * out the messages, counts completed transactions for -c through a
 * pipe (one byte per DATA that completed) and collects exit statuses.
 *
 * Security: runs as the invoking user; it trusts nothing the server
 * says beyond the three-digit reply code. Reply lines are read with a
 * length limit.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inet_addr.h" /* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

#define SOURCE_REPLY_MAX 4096 /* longest reply line we keep */
#define SOURCE_TIMEOUT 300    /* seconds per read or write */

/* Options. */
static int source_counter;	      /* -c */
static long source_conn_tries = 1;    /* -C */
static int source_keep;		      /* -d */
static int source_any_reply;	      /* -A */
static const char *source_sender;     /* -f */
static const char *source_file;	      /* -F */
static long source_length = 100;      /* -l */
static int source_lmtp;		      /* -L */
static long source_messages = 1;      /* -m */
static const char *source_helo;	      /* -M */
static int source_seqno;	      /* -N */
static int source_old;		      /* -o */
static long source_rcpts = 1;	      /* -r */
static long source_random_wait;	      /* -R, seconds */
static long source_sessions = 1;      /* -s */
static const char *source_subject;    /* -S */
static const char *source_recipient;  /* -t */
static int source_window;	      /* -T */
static long source_fixed_wait;	      /* -w, seconds */
static int source_family = AF_UNSPEC; /* -4, -6 */

/* Prepared once in the parent. */
static STRBUF *source_body; /* dot-stuffed CRLF content */
static const char *source_endpoint;
static int source_count_fd = -1; /* child: write end of the counter */
static struct sockaddr_storage source_addr; /* the server */
static socklen_t source_addr_len;
static STRBUF *source_host; /* -M, or this host's name */

/* One child's share of the messages, and its numbering state. */
typedef struct SOURCE_CHILD {
	long messages;
	long seq;   /* next -N sequence number */
	long msgno; /* messages sent, for Message-Id */
} SOURCE_CHILD;

/* source_usage - complain and exit */

static NORETURN
source_usage(void)
{
	log_fatal("usage: smtp-source [-46AcdLNov] [-C count] [-f from] "
		  "[-F file] [-l length] [-m messages] [-M myhostname] "
		  "[-r recipients] [-R interval] [-s sessions] [-S subject] "
		  "[-t to] [-T window] [-w interval] "
		  "[inet:]host[:port] | unix:path");
}

/* source_opt_long - parse a numeric option or die */

static long
source_opt_long(int opt, const char *arg, long min, long max)
{
	long val;

	if (parse_long(arg, &val, min, max) < 0)
		log_fatal("-%c: bad number: %s (range %ld..%ld)", opt, arg, min,
			  max);
	return val;
}

/* source_add_line - append one content line, dot-stuffed, with CRLF */

static void
source_add_line(STRBUF *out, const char *line, size_t len)
{
	/* RFC 5321 4.5.2: a line that starts with "." gets another one. */
	if (len > 0 && line[0] == '.')
		strbuf_append_char(out, '.');
	strbuf_append(out, line, len);
	strbuf_append(out, "\r\n", 2);
}

/* source_prepare_body - the message content after the headers */

static void
source_prepare_body(void)
{
	static const char pattern[] =
	    "La de da de da 1. La de da de da 2. "
	    "La de da de da 3. La de da de da 4. La de da de da 5.";
	long left = source_length;
	size_t n;

	source_body =
	    strbuf_create(source_length > 0 ? (size_t) source_length + 64 : 64);
	if (source_file) {
		IOSTREAM *in;
		STRBUF *line = strbuf_create(1000);
		int rc;
		int fd;

		if ((fd = open(source_file, O_RDONLY)) < 0)
			log_fatal("open %s: %m", source_file);
		in = iostream_fdopen(fd, O_RDONLY);
		while ((rc = iostream_get_line(in, line, 0,
					       IOS_LINE_STRIP_CR)) != IOS_EOF)
			source_add_line(source_body, strbuf_str(line),
					strbuf_len(line));
		if (iostream_error(in))
			log_fatal("read %s: %m", source_file);
		(void) iostream_close(in);
		strbuf_free(&line);
		return;
	}

	/*
	 * -l counts payload bytes, line ends included: lines of up to 78
	 * characters plus CRLF.
	 */
	while (left > 0) {
		n = left > 80 ? 78 : (size_t) (left > 2 ? left - 2 : 0);
		if (n > sizeof(pattern) - 1)
			n = sizeof(pattern) - 1;
		source_add_line(source_body, pattern, n);
		left -= (long) n + 2;
	}
}

/* source_resolve - find the server's address once, in the parent */

static void
source_resolve(const char *endpoint)
{
	if (strncasecmp(endpoint, "unix:", 5) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *) &source_addr;
		const char *path = endpoint + 5;

		if (*path == 0 || strlen(path) >= sizeof(sun->sun_path))
			log_fatal("bad UNIX-domain socket path: %s", path);
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, path, strlen(path) + 1);
		source_addr_len = sizeof(*sun);
	} else {
		STRBUF *why = strbuf_create(100);
		INET_ADDR_HOSTPORT hp;
		struct addrinfo hints;
		struct addrinfo *res;
		char *buf;
		int err;

		if (strncasecmp(endpoint, "inet:", 5) == 0)
			endpoint += 5;
		buf = xstrdup(endpoint);
		if (inet_addr_split_hostport(buf, INET_ADDR_HOSTPORT_NONE, &hp,
					     why) < 0 ||
		    hp.host == NULL || *hp.host == 0)
			log_fatal("bad server \"%s\": %s", endpoint,
				  strbuf_len(why) ? strbuf_str(why)
						  : "need host[:port]");
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = source_family;
		hints.ai_socktype = SOCK_STREAM;
		if ((err = getaddrinfo(hp.host, hp.port ? hp.port : "smtp",
				       &hints, &res)) != 0 &&
		    hp.port == NULL && err == EAI_SERVICE)
			err = getaddrinfo(hp.host, "25", &hints, &res);
		if (err != 0)
			log_fatal("%s: %s", endpoint, gai_strerror(err));
		if (res->ai_addrlen > sizeof(source_addr))
			log_panic("address too long");
		memcpy(&source_addr, res->ai_addr, res->ai_addrlen);
		source_addr_len = res->ai_addrlen;
		freeaddrinfo(res);
		free(buf);
		strbuf_free(&why);
	}
}

/* source_connect - a connected stream to the server, or NULL */

static IOSTREAM *
source_connect(void)
{
	IOSTREAM *st;
	long tries;
	int on = 1;
	int fd;

	for (tries = 0; tries < source_conn_tries; tries++) {
		if ((fd = socket(source_addr.ss_family, SOCK_STREAM, 0)) < 0)
			log_fatal("socket: %m");
		if (source_window > 0 &&
		    (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &source_window,
				sizeof(source_window)) < 0 ||
		     setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &source_window,
				sizeof(source_window)) < 0))
			log_warn("setsockopt window %d: %m", source_window);
		/*
		 * The content goes out in more than one write; without this,
		 * Nagle's algorithm holds the last piece until the server's
		 * delayed ACK, 40 ms per message.
		 */
		if (source_addr.ss_family != AF_UNIX &&
		    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) <
			0)
			log_warn("setsockopt TCP_NODELAY: %m");
		if (connect(fd, (struct sockaddr *) &source_addr,
			    source_addr_len) == 0) {
			st = iostream_fdopen(fd, O_RDWR);
			iostream_set_timeout(st, SOURCE_TIMEOUT);
			return st;
		}
		log_warn("connect to %s: %m", source_endpoint);
		(void) close(fd);
		/* Retry only a reset connection: a full listen queue (-C). */
		if (errno != ECONNRESET)
			break;
	}
	return NULL;
}

/* source_reply - read one (multi-line) reply; its code, or -1 */

static int
source_reply(IOSTREAM *st, STRBUF *line, const char *what)
{
	const char *cp;
	int rc;

	for (;;) {
		rc = iostream_get_line(st, line, SOURCE_REPLY_MAX,
				       IOS_LINE_STRIP_CR);
		if (rc == IOS_EOF || rc == IOS_LINE_LAST) {
			log_warn("%s: %s after %s", source_endpoint,
				 iostream_timeout(st) ? "timeout"
						      : "lost connection",
				 what);
			return -1;
		}
		while (rc == IOS_LINE_MORE) /* drop the rest of a long line */
			rc = iostream_get_line(st, line, SOURCE_REPLY_MAX,
					       IOS_LINE_STRIP_CR);
		if (log_verbose)
			log_info("< %s", strbuf_str(line));
		cp = strbuf_str(line);
		if (strbuf_len(line) < 3 || cp[0] < '1' || cp[0] > '5' ||
		    cp[1] < '0' || cp[1] > '9' || cp[2] < '0' || cp[2] > '9' ||
		    (cp[3] != 0 && cp[3] != ' ' && cp[3] != '-')) {
			log_warn("%s: malformed reply after %s: %.100s",
				 source_endpoint, what, cp);
			return -1;
		}
		if (cp[3] != '-')
			return (cp[0] - '0') * 100 + (cp[1] - '0') * 10 +
			       cp[2] - '0';
	}
}

/* source_expect - read a reply and check it; 0 when we may go on */

static int
source_expect(IOSTREAM *st, STRBUF *line, int want, const char *what)
{
	int code = source_reply(st, line, what);

	if (code < 0)
		return -1;
	if (code / 100 != want / 100) {
		if (source_any_reply)
			return 0;
		log_warn("%s: %s: unexpected reply: %s", source_endpoint, what,
			 strbuf_str(line));
		return -1;
	}
	return 0;
}

/* source_command - send one command line */

static int PRINTFLIKE(2, 3) source_command(IOSTREAM *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_verbose) {
		STRBUF *tmp = strbuf_create(100);
		va_list ap2;

		va_copy(ap2, ap);
		strbuf_append_vprintf(tmp, fmt, ap2);
		va_end(ap2);
		log_info("> %s", strbuf_str(tmp));
		strbuf_free(&tmp);
	}
	iostream_vprintf(st, fmt, ap);
	va_end(ap);
	iostream_write(st, "\r\n", 2);
	return iostream_flush(st);
}

/* source_wait - the -w and -R pauses between messages */

static void
source_wait(void)
{
	long ms = source_fixed_wait * 1000;

	if (source_random_wait > 0)
		ms += random() % (source_random_wait * 1000 + 1);
	if (ms > 0) {
		struct timespec ts;

		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			/* continue */;
	}
}

/* source_message - one mail transaction; 0 when it went through */

static int
source_message(IOSTREAM *st, STRBUF *line, SOURCE_CHILD *child)
{
	long i;
	int code;

	if (source_command(st, "MAIL FROM:<%s>", source_sender) < 0 ||
	    source_expect(st, line, 250, "MAIL FROM") < 0)
		return -1;
	for (i = 0; i < source_rcpts; i++) {
		/* Numbered recipients defeat the address caches (-N, -r). */
		if (source_seqno) {
			code = source_command(st, "RCPT TO:<%ld%s>", child->seq,
					      source_recipient);
			child->seq += source_sessions;
		} else if (source_rcpts > 1) {
			code = source_command(st, "RCPT TO:<%ld%s>", i + 1,
					      source_recipient);
		} else {
			code = source_command(st, "RCPT TO:<%s>",
					      source_recipient);
		}
		if (code < 0 || source_expect(st, line, 250, "RCPT TO") < 0)
			return -1;
	}
	if (source_command(st, "DATA") < 0 ||
	    source_expect(st, line, 354, "DATA") < 0)
		return -1;
	if (!source_old && !source_file) {
		char date[64];
		time_t now = time(NULL);
		struct tm tm;

		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
			 localtime_r(&now, &tm));
		iostream_printf(st,
				"From: <%s>\r\nTo: <%s>\r\nDate: %s\r\n"
				"Message-Id: <%ld.%ld.%ld@%s>\r\n",
				source_sender, source_recipient, date,
				(long) getpid(), (long) now, ++child->msgno,
				strbuf_str(source_host));
		if (source_subject)
			iostream_printf(st, "Subject: %s\r\n", source_subject);
		iostream_write(st, "\r\n", 2);
	}
	iostream_write(st, strbuf_str(source_body), strbuf_len(source_body));
	if (source_command(st, ".") < 0)
		return -1;
	/* RFC 2033 4.2: an LMTP server answers once per recipient. */
	for (i = 0; i < (source_lmtp ? source_rcpts : 1); i++)
		if (source_expect(st, line, 250, "end of data") < 0)
			return -1;
	if (source_count_fd >= 0 && source_counter)
		(void) write(source_count_fd, "", 1);
	return 0;
}

/* source_session_open - connect, greeting, HELO/LHLO */

static IOSTREAM *
source_session_open(STRBUF *line)
{
	IOSTREAM *st;

	if ((st = source_connect()) == NULL)
		return NULL;
	if (source_expect(st, line, 220, "greeting") < 0)
		goto fail;
	if (!source_old || source_lmtp) {
		if (source_command(st, "%s %s", source_lmtp ? "LHLO" : "HELO",
				   strbuf_str(source_host)) < 0 ||
		    source_expect(st, line, 250,
				  source_lmtp ? "LHLO" : "HELO") < 0)
			goto fail;
	}
	return st;
fail:
	(void) iostream_close(st);
	return NULL;
}

/* source_session_close - QUIT and close */

static void
source_session_close(IOSTREAM *st, STRBUF *line)
{
	if (source_command(st, "QUIT") == 0)
		(void) source_expect(st, line, 221, "QUIT");
	(void) iostream_close(st);
}

/* source_child - one session's share of the messages */

static int
source_child(SOURCE_CHILD *child)
{
	STRBUF *line = strbuf_create(256);
	IOSTREAM *st = NULL;
	long n;
	int status = 0;

	srandom((unsigned) getpid() ^ (unsigned) time(NULL));
	for (n = 0; n < child->messages; n++) {
		if (n > 0)
			source_wait();
		if (st == NULL && (st = source_session_open(line)) == NULL) {
			status = 1;
			break;
		}
		if (source_message(st, line, child) < 0) {
			status = 1;
			(void) iostream_close(st);
			st = NULL;
			if (!source_any_reply)
				break;
			continue;
		}
		if (!source_keep) {
			source_session_close(st, line);
			st = NULL;
		}
	}
	if (st)
		source_session_close(st, line);
	strbuf_free(&line);
	return status;
}

/* source_my_hostname - -M, or this machine's name */

static void
source_my_hostname(void)
{
	char buf[256];

	source_host = strbuf_create(100);
	if (source_helo) {
		strbuf_set(source_host, source_helo);
		return;
	}
	if (gethostname(buf, sizeof(buf)) < 0)
		log_fatal("gethostname: %m");
	buf[sizeof(buf) - 1] = 0;
	strbuf_set(source_host, buf);
}

int
main(int argc, char **argv)
{
	STRBUF *def_addr;
	pid_t *pids;
	long i;
	long done = 0;
	int pipefd[2];
	int status;
	int rc = 0;
	int ch;

	log_init("smtp-source", LOG_DEST_STDERR);
	while ((ch = getopt(argc, argv,
			    "46AcC:df:F:l:Lm:M:Nor:R:s:S:t:T:vw:")) > 0) {
		switch (ch) {
		case '4':
			source_family = AF_INET;
			break;
		case '6':
			source_family = AF_INET6;
			break;
		case 'A':
			source_any_reply = 1;
			break;
		case 'c':
			source_counter = 1;
			break;
		case 'C':
			source_conn_tries =
			    source_opt_long(ch, optarg, 1, 1000);
			break;
		case 'd':
			source_keep = 1;
			break;
		case 'f':
			source_sender = optarg;
			break;
		case 'F':
			source_file = optarg;
			break;
		case 'l':
			source_length =
			    source_opt_long(ch, optarg, 0, 1024L * 1024 * 1024);
			break;
		case 'L':
			source_lmtp = 1;
			break;
		case 'm':
			source_messages =
			    source_opt_long(ch, optarg, 1, LONG_MAX / 2);
			break;
		case 'M':
			source_helo = optarg;
			break;
		case 'N':
			source_seqno = 1;
			break;
		case 'o':
			source_old = 1;
			break;
		case 'r':
			source_rcpts = source_opt_long(ch, optarg, 1, 100000);
			break;
		case 'R':
			source_random_wait =
			    source_opt_long(ch, optarg, 0, 86400);
			break;
		case 's':
			source_sessions = source_opt_long(ch, optarg, 1, 1000);
			break;
		case 'S':
			source_subject = optarg;
			break;
		case 't':
			source_recipient = optarg;
			break;
		case 'T':
			source_window =
			    (int) source_opt_long(ch, optarg, 1, 65535);
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			source_fixed_wait =
			    source_opt_long(ch, optarg, 0, 86400);
			break;
		default:
			source_usage();
		}
	}
	if (argc - optind != 1)
		source_usage();
	source_endpoint = argv[optind];
	source_my_hostname();
	def_addr = strbuf_create(100);
	strbuf_printf(def_addr, "foo@%s", strbuf_str(source_host));
	if (source_sender == NULL)
		source_sender = strbuf_str(def_addr);
	if (source_recipient == NULL)
		source_recipient = strbuf_str(def_addr);
	source_resolve(source_endpoint);
	source_prepare_body();
	signal(SIGPIPE, SIG_IGN);
	if (source_sessions > source_messages)
		source_sessions = source_messages;

	/* One child per session; the pipe carries the -c counter. */
	if (pipe(pipefd) < 0)
		log_fatal("pipe: %m");
	pids = xcalloc((size_t) source_sessions, sizeof(*pids));
	for (i = 0; i < source_sessions; i++) {
		SOURCE_CHILD child;

		child.messages = source_messages / source_sessions +
				 (i < source_messages % source_sessions);
		child.seq = i + 1;
		child.msgno = 0;
		fflush(stdout);
		switch (pids[i] = fork()) {
		case -1:
			log_fatal("fork: %m");
		case 0:
			(void) close(pipefd[0]);
			source_count_fd = pipefd[1];
			_exit(source_child(&child));
		default:
			break;
		}
	}
	(void) close(pipefd[1]);
	if (source_counter) {
		char buf[512];
		ssize_t n;

		while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			while (n-- > 0)
				printf("%ld\r", ++done);
			fflush(stdout);
		}
		printf("\n");
	}
	(void) close(pipefd[0]);
	for (i = 0; i < source_sessions; i++) {
		while (waitpid(pids[i], &status, 0) < 0)
			if (errno != EINTR)
				log_fatal("waitpid: %m");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
	}
	free(pids);
	strbuf_free(&def_addr);
	strbuf_free(&source_host);
	strbuf_free(&source_body);
	return rc;
}
