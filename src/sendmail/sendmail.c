/*
 * sendmail - the Sendmail-compatible mail posting interface
 *
 * Reads a message from standard input and posts it: the envelope
 * (sender from -f or the caller's login name, recipients from the
 * arguments, DSN options from -N, -R and -V) and the text become a
 * record stream in maildrop format (maildrop.h), which postdrop(1)
 * stores in the maildrop queue for pickup(8). With -t the recipients
 * in the headers are added by cleanup(8): the stream then carries the
 * attribute "extract_recipients=yes".
 *
 * Other modes: -bi (and the name newaliases) runs postalias(1) in its
 * newaliases mode; -bv queues a probe that is not delivered (the
 * attribute "trace_flags" carries DEL_REQ_FLAG_USR_VRFY, and a single
 * -v DEL_REQ_FLAG_RECORD, to qmgr; the sender gets a delivery status
 * report); -bp (and the name mailq) runs "postqueue -p", and -q,
 * -qRsite and -qIqueue_id run "postqueue -f", "-s site" and "-i
 * queue_id", as Postfix does; -bd is not available and fails with
 * EX_UNAVAILABLE and a message that says so. Options that Sendmail has
 * and Postfix ignores are accepted and ignored as Postfix does.
 *
 * -bs runs smtpd(8) in stand-alone mode ("smtpd -S") as the caller: it
 * reads SMTP commands from standard input and writes the replies to
 * standard output. smtpd -S serves one socket (or terminal), so sendmail
 * hands it one end of a socket pair and relays between the pair and its
 * own standard input and output, which are usually pipes; a socket on
 * standard input is handed over as it is. Not run as $mail_owner, smtpd
 * has no access restrictions and stores each message through postdrop,
 * as a local submission of the caller (see smtpd(8)).
 *
 * sendmail is not privileged: it trusts MAIL_CONFIG and -C. postdrop
 * is set-group-ID and makes its own checks; a configuration directory
 * other than the default is passed to it with -c.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "addr_parse.h"		/* global */
#include "deliver_request.h"
#include "maildrop.h"
#include "maillog_client.h"
#include "mainconf.h"
#include "user_acl.h"
#include "param.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"

/* Modes. */
#define SM_MODE_ENQUEUE	1	/* -bm, the default */
#define SM_MODE_NEWALIAS	2	/* -bi, -I, newaliases */
#define SM_MODE_MAILQ	3	/* -bp, mailq */
#define SM_MODE_SMTP	4	/* -bs */
#define SM_MODE_VERIFY	5	/* -bv */
#define SM_MODE_DAEMON	6	/* -bd */
#define SM_MODE_FLUSH	7	/* -q */

/* What the command line asked for. */
typedef struct SM_REQUEST {
	const char *sender;		/* -f/-r, or NULL */
	const char *fullname;		/* -F, or NULL */
	const char *envid;		/* -V, or NULL */
	int	dsn_ret;		/* -R, or 0 */
	int	dsn_notify;		/* -N, or 0 */
	int	extract;		/* -t */
	int	dots;			/* a line "." ends the text */
	int	trace_flags;		/* -bv, -v: DEL_REQ_FLAG_USR_VRFY, _RECORD */
} SM_REQUEST;

/* sm_usage - complain and exit */

static NORETURN
sm_usage(const char *why)
{
	log_fatal_status(EX_USAGE, "%s", why);
}

/* sm_unavailable - a mode that needs a part of the system we lack */

static NORETURN
sm_unavailable(const char *what)
{
	log_fatal_status(EX_UNAVAILABLE, "%s is not available yet in this mail system",
			 what);
}

/* sm_notify - the argument of -N as QFILE_NOTIFY_* bits */

static int
sm_notify(const char *arg)
{
	static const struct {
		const char *name;
		int	bit;
	} words[] = {
		{"never", QFILE_NOTIFY_NEVER},
		{"success", QFILE_NOTIFY_SUCCESS},
		{"failure", QFILE_NOTIFY_FAILURE},
		{"delay", QFILE_NOTIFY_DELAY},
	};
	ARGV   *list = argv_split(arg, ", \t");
	int	bits = 0;
	size_t	i;
	size_t	j;

	for (i = 0; i < list->argc; i++) {
		for (j = 0; j < ARRAY_LEN(words); j++)
			if (strcasecmp(list->argv[i], words[j].name) == 0)
				break;
		if (j >= ARRAY_LEN(words))
			bits = -1;
		else if (bits >= 0)
			bits |= words[j].bit;
	}
	argv_free(&list);
	if (bits <= 0 || ((bits & QFILE_NOTIFY_NEVER) && bits != QFILE_NOTIFY_NEVER))
		sm_usage("-N option requires never or a list of success, delay, failure");
	return bits;
}

/* sm_sender - the envelope sender, internal form */

static void
sm_sender(const SM_REQUEST *req, STRBUF *out)
{
	STRBUF *why;
	struct passwd *pw;

	if (req->sender != NULL && *req->sender == 0) {
		strbuf_set(out, "");		/* -f "": the null sender */
		return;
	}
	if (req->sender != NULL) {
		why = strbuf_create(100);
		if (addr_parse_path(req->sender, ADDR_PATH_ALLOW_EMPTY, out,
				    NULL, why) < 0)
			log_fatal_status(EX_USAGE, "bad sender address \"%s\": %s",
					 req->sender, strbuf_str(why));
		strbuf_free(&why);
		return;
	}
	/* As Postfix: the bare login name; cleanup appends @$myorigin. */
	if ((pw = getpwuid(getuid())) == NULL)
		log_fatal_status(EX_OSERR, "no login name found for user ID %ld",
				 (long) getuid());
	strbuf_set(out, pw->pw_name);
}

/* sm_eol_flags - sendmail_fix_line_endings as maildrop_copy_text() flags */

static int
sm_eol_flags(void)
{
	/* As in Postfix: exact case, and anything else is fatal. */
	if (strcmp(var_sendmail_fix_line_endings, "always") == 0)
		return MAILDROP_TEXT_STRIP_CR;
	if (strcmp(var_sendmail_fix_line_endings, "strict") == 0)
		return MAILDROP_TEXT_STRIP_CR_FIRST;
	if (strcmp(var_sendmail_fix_line_endings, "never") == 0)
		return 0;
	log_fatal_status(EX_USAGE, "invalid sendmail_fix_line_endings value: %s",
			 var_sendmail_fix_line_endings);
}

/* sm_write - the whole record stream, message text from in */

static void
sm_write(const SM_REQUEST *req, char **rcpts, IOSTREAM *in, IOSTREAM *out)
{
	STRBUF *sender = strbuf_create(100);
	ADDR_LIST *list;
	struct timeval tv;
	size_t	i;
	int	flags = MAILDROP_TEXT_SKIP_FROM | sm_eol_flags();

	if (req->dots)
		flags |= MAILDROP_TEXT_DOT;
	sm_sender(req, sender);
	if (gettimeofday(&tv, NULL) < 0)
		log_fatal("gettimeofday: %m");
	rec_printf(out, REC_TYPE_TIME, "%ld %ld", (long) tv.tv_sec, (long) tv.tv_usec);
	if (req->extract)
		rec_puts(out, REC_TYPE_ATTR, MAILDROP_ATTR_EXTRACT "=yes");
	if (req->trace_flags)
		rec_printf(out, REC_TYPE_ATTR, MAILDROP_ATTR_TRACE_FLAGS "=%d",
			   req->trace_flags);
	if (req->dsn_ret)
		rec_printf(out, REC_TYPE_DSN_RET, "%d", req->dsn_ret);
	if (req->envid)
		rec_puts(out, REC_TYPE_DSN_ENVID, req->envid);
	if (req->fullname)
		rec_puts(out, REC_TYPE_FULL, req->fullname);
	rec_puts(out, REC_TYPE_FROM, strbuf_str(sender));
	for (; *rcpts; rcpts++) {
		/* Each argument is an address list, as in a To: header. */
		list = addr_parse_list(*rcpts);
		for (i = 0; i < list->count; i++) {
			if (*list->items[i].addr == 0)
				continue;
			if (req->dsn_notify)
				rec_printf(out, REC_TYPE_DSN_NOTIFY, "%d", req->dsn_notify);
			rec_puts(out, REC_TYPE_RCPT, list->items[i].addr);
		}
		addr_list_free(&list);
	}
	rec_puts(out, REC_TYPE_MESG, "");
	/* As Postfix: sendmail -bv does not read a message. */
	if ((req->trace_flags & DEL_REQ_FLAG_USR_VRFY) == 0)
		(void) maildrop_copy_text(in, out, flags,
					  (size_t) var_line_length_limit);
	rec_puts(out, REC_TYPE_XTRA, "");
	rec_puts(out, REC_TYPE_END, "");
	strbuf_free(&sender);
}

/* sm_enqueue - pipe the message into postdrop */

static int
sm_enqueue(const SM_REQUEST *req, char **rcpts, const char *config_dir)
{
	ARGV   *cmd = argv_create();
	IOSTREAM *in;
	IOSTREAM *out;
	int	pfd[2];
	pid_t	pid;
	int	status;
	int	write_error;

	(void) sm_eol_flags();			/* a bad value is fatal first */
	argv_add_printf(cmd, "%s/postdrop", var_command_directory);
	if (config_dir != NULL && strcmp(config_dir, DEF_CONFIG_DIRECTORY) != 0) {
		argv_add(cmd, "-c");
		argv_add(cmd, config_dir);
	}
	if (log_verbose)
		argv_add(cmd, "-v");
	if (pipe(pfd) < 0)
		log_fatal_status(EX_OSERR, "pipe: %m");
	if ((pid = fork_retry(var_fork_attempts, var_fork_delay)) < 0)
		log_fatal_status(EX_OSERR, "fork: %m");
	if (pid == 0) {
		(void) close(pfd[1]);
		if (pfd[0] != STDIN_FILENO) {
			if (dup2(pfd[0], STDIN_FILENO) < 0)
				_exit(EX_OSERR);
			(void) close(pfd[0]);
		}
		execv(cmd->argv[0], cmd->argv);
		log_fatal_status(EX_OSERR, "execute %s: %m", cmd->argv[0]);
	}
	(void) close(pfd[0]);
	signal(SIGPIPE, SIG_IGN);
	in = iostream_fdopen(STDIN_FILENO, O_RDONLY);
	out = iostream_fdopen(pfd[1], O_WRONLY);
	sm_write(req, rcpts, in, out);
	(void) iostream_fdclose(in);
	write_error = (iostream_close(out) != 0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			log_fatal_status(EX_OSERR, "waitpid: %m");
	if (WIFSIGNALED(status))
		log_fatal_status(EX_TEMPFAIL, "%s killed by signal %d",
				 cmd->argv[0], WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		/* postdrop said why on standard error. */
		log_fatal_status(WEXITSTATUS(status) >= EX__BASE
				 && WEXITSTATUS(status) <= EX__MAX ?
				 WEXITSTATUS(status) : EX_TEMPFAIL,
				 "%s exited with status %d", cmd->argv[0],
				 WEXITSTATUS(status));
	if (write_error)
		log_fatal_status(EX_TEMPFAIL, "write to %s: %m", cmd->argv[0]);
	argv_free(&cmd);
	return 0;
}

/* sm_postqueue - postqueue does the work for mailq and -q */

static NORETURN
sm_postqueue(const char *config_dir, const char *option, const char *arg)
{
	ARGV   *cmd = argv_create();

	argv_add_printf(cmd, "%s/postqueue", var_command_directory);
	if (config_dir != NULL) {
		argv_add(cmd, "-c");
		argv_add(cmd, config_dir);
	}
	argv_add(cmd, option);
	if (arg != NULL)
		argv_add(cmd, arg);
	execv(cmd->argv[0], cmd->argv);
	log_fatal_status(EX_OSERR, "execute %s: %m", cmd->argv[0]);
}

/* sm_newaliases - postalias does the work when called newaliases */

static NORETURN
sm_newaliases(int argc, char **argv)
{
	ARGV   *cmd = argv_create();
	STRBUF *path = strbuf_create(100);
	int	i;

	strbuf_printf(path, "%s/postalias", var_command_directory);
	argv_add(cmd, "newaliases");
	for (i = 1; i < argc; i++)
		argv_add(cmd, argv[i]);
	execv(strbuf_str(path), cmd->argv);
	log_fatal_status(EX_OSERR, "execute %s: %m", strbuf_str(path));
}

/* sm_smtpd_exec - in the child: become smtpd -S on standard input */

static NORETURN
sm_smtpd_exec(const char *config_dir, int fd)
{
	ARGV   *cmd = argv_create();

	argv_add_printf(cmd, "%s/smtpd", var_daemon_directory);
	argv_add(cmd, "-S");
	if (log_verbose)
		argv_add(cmd, "-v");
	if (config_dir != NULL && setenv("MAIL_CONFIG", config_dir, 1) < 0)
		log_fatal_status(EX_OSERR, "setenv: %m");
	if (fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) < 0)
		log_fatal_status(EX_OSERR, "dup2: %m");
	if (fd > STDERR_FILENO)
		(void) close(fd);
	execv(cmd->argv[0], cmd->argv);
	log_fatal_status(EX_OSERR, "execute %s: %m", cmd->argv[0]);
}

/* sm_write_all - write everything or fail */

static int
sm_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t) n;
	}
	return 0;
}

/*
 * sm_smtp_relay - copy standard input to sock and sock to standard
 * output until smtpd hangs up. The socket is non-blocking, so that a
 * client that pipelines much more than it reads cannot dead-lock us
 * against smtpd; at most one buffer of input is held.
 */

static void
sm_smtp_relay(int sock)
{
	char	in_buf[8192];
	char	out_buf[8192];
	size_t	in_len = 0;
	size_t	in_off = 0;
	int	in_eof = 0;
	struct pollfd pfd[2];
	ssize_t	n;

	if (fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK) < 0)
		log_fatal_status(EX_OSERR, "fcntl: %m");
	for (;;) {
		pfd[0].fd = in_eof || in_len > 0 ? -1 : STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = sock;
		pfd[1].events = POLLIN | (in_len > 0 ? POLLOUT : 0);
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_fatal_status(EX_OSERR, "poll: %m");
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(sock, out_buf, sizeof(out_buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				n = -2;
			if (n == 0 || n == -1)
				return;		/* smtpd is done */
			if (n > 0 && sm_write_all(STDOUT_FILENO, out_buf,
						   (size_t) n) < 0)
				log_fatal_status(EX_IOERR, "write to standard output: %m");
		}
		if (in_len > 0 && (pfd[1].revents & POLLOUT)) {
			n = write(sock, in_buf + in_off, in_len);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				/* smtpd hung up; its last replies may still wait. */
				in_len = 0;
				in_eof = 1;
			} else if (n > 0) {
				in_off += (size_t) n;
				in_len -= (size_t) n;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(STDIN_FILENO, in_buf, sizeof(in_buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_eof = 1;
				(void) shutdown(sock, SHUT_WR);
			} else {
				in_len = (size_t) n;
				in_off = 0;
			}
		}
	}
}

/* sm_smtp - sendmail -bs: smtpd -S with our standard input and output */

static NORETURN
sm_smtp(const char *config_dir)
{
	struct stat st;
	int	sv[2];
	pid_t	pid;
	int	status;

	/* A socket is what smtpd -S serves as it is (inetd style). */
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISSOCK(st.st_mode))
		sm_smtpd_exec(config_dir, STDIN_FILENO);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		log_fatal_status(EX_OSERR, "socketpair: %m");
	if ((pid = fork_retry(var_fork_attempts, var_fork_delay)) < 0)
		log_fatal_status(EX_OSERR, "fork: %m");
	if (pid == 0) {
		(void) close(sv[0]);
		sm_smtpd_exec(config_dir, sv[1]);
	}
	(void) close(sv[1]);
	signal(SIGPIPE, SIG_IGN);
	sm_smtp_relay(sv[0]);
	(void) close(sv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			log_fatal_status(EX_OSERR, "waitpid: %m");
	if (WIFSIGNALED(status))
		log_fatal_status(EX_SOFTWARE, "smtpd killed by signal %d",
				 WTERMSIG(status));
	exit(WEXITSTATUS(status));
}

/* main - parse the command line and do what it says */

int
main(int argc, char **argv)
{
	SM_REQUEST req;
	STRBUF *why = strbuf_create(100);
	const char *name;
	const char *name_env;
	const char *config_dir = NULL;
	char   *dir_copy = NULL;
	char   *slash;
	struct stat st;
	int	mode = SM_MODE_ENQUEUE;
	const char *flush_option = "-f";	/* -q: postqueue's option */
	const char *flush_arg = NULL;
	static char q_now[] = "-q0";
	int	saved_argc = argc;
	char  **saved_argv = argv;
	int	fd;
	int	ch;

	umask(077);
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EX_OSERR);

	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	log_init("sendmail", LOG_DEST_STDERR | LOG_DEST_SYSLOG);
	if (strcmp(name, "mailq") == 0)
		mode = SM_MODE_MAILQ;
	else if (strcmp(name, "newaliases") == 0)
		mode = SM_MODE_NEWALIAS;
	memset(&req, 0, sizeof(req));
	req.dots = 1;
	/* A bare -q (flush now) would take the next word as its argument. */
	for (fd = 1; fd < argc && strcmp(argv[fd], "--") != 0; fd++)
		if (strcmp(argv[fd], "-q") == 0)
			argv[fd] = q_now;

	/* Sendmail's options; those Postfix ignores are ignored here too. */
	while ((ch = getopt(argc, argv,
			    "B:C:F:GIL:N:O:R:UV:X:b:ce:f:h:imno:p:r:q:tvx")) > 0) {
		switch (ch) {
		case 'B':			/* body type: cleanup looks at MIME */
		case 'G':			/* gateway submission */
		case 'O':			/* long-form options */
		case 'U':			/* initial user submission */
		case 'X':			/* traffic log */
		case 'c':			/* connect to non-local mailers */
		case 'e':			/* error reporting */
		case 'h':			/* hop count */
		case 'm':			/* send to self too */
		case 'n':			/* no aliasing */
		case 'p':			/* protocol */
		case 'x':
			break;
		case 'C':
			/* A file or a directory; Postfix uses the directory. */
			if (stat(optarg, &st) == 0 && !S_ISDIR(st.st_mode)) {
				xfree(dir_copy);
				if ((slash = strrchr(optarg, '/')) == NULL)
					dir_copy = xstrdup(".");
				else if (slash == optarg)
					dir_copy = xstrdup("/");
				else
					dir_copy = xstrndup(optarg, (size_t) (slash - optarg));
				config_dir = dir_copy;
			} else {
				config_dir = optarg;
			}
			break;
		case 'F':
			req.fullname = optarg;
			break;
		case 'I':
			mode = SM_MODE_NEWALIAS;
			break;
		case 'L':
			log_syslog_ident(optarg);
			break;
		case 'N':
			req.dsn_notify = sm_notify(optarg);
			break;
		case 'R':
			if (strcasecmp(optarg, "full") == 0)
				req.dsn_ret = QFILE_RET_FULL;
			else if (strcasecmp(optarg, "hdrs") == 0)
				req.dsn_ret = QFILE_RET_HDRS;
			else
				sm_usage("-R option requires full or hdrs");
			break;
		case 'V':
			req.envid = optarg;
			break;
		case 'b':
			switch (*optarg) {
			case 'm':
				mode = SM_MODE_ENQUEUE;
				break;
			case 'i':
				mode = SM_MODE_NEWALIAS;
				break;
			case 'p':
				mode = SM_MODE_MAILQ;
				break;
			case 's':
				mode = SM_MODE_SMTP;
				break;
			case 'v':
				mode = SM_MODE_VERIFY;
				break;
			case 'd':
				mode = SM_MODE_DAEMON;
				break;
			default:
				log_fatal_status(EX_USAGE, "unsupported: -b%s", optarg);
			}
			break;
		case 'f':
		case 'r':
			req.sender = optarg;
			break;
		case 'i':
			req.dots = 0;
			break;
		case 'o':
			if (*optarg == 'i')
				req.dots = 0;
			/* -oA, -om, -oee ... are ignored, as by Postfix. */
			break;
		case 'q':
			/* -qinterval, -qRsite, -qIqueue_id as Postfix's sendmail. */
			mode = SM_MODE_FLUSH;
			if (*optarg >= '0' && *optarg <= '9') {
				flush_option = "-f";
				flush_arg = NULL;
			} else if (*optarg == 'R' || *optarg == 'I') {
				if (optarg[1] == 0)
					log_fatal_status(EX_USAGE, "specify: -q%c%s", *optarg,
							 *optarg == 'R' ? "sitename" : "queueid");
				flush_option = (*optarg == 'R' ? "-s" : "-i");
				flush_arg = optarg + 1;
			} else {
				log_fatal_status(EX_USAGE, "-q%c is not implemented", *optarg);
			}
			break;
		case 't':
			req.extract = 1;
			break;
		case 'v':
			/* As Postfix: one -v asks for a delivery report, more log more. */
			if (req.trace_flags & DEL_REQ_FLAG_RECORD)
				log_verbose++;
			req.trace_flags |= DEL_REQ_FLAG_RECORD;
			break;
		default:
			sm_usage("usage: sendmail [options] [recipient ...]");
		}
	}

	/* Configuration: sendmail is not privileged, so MAIL_CONFIG counts. */
	if (config_dir != NULL) {
		mainconf_set_dir(config_dir);
	} else if (mainconf_set_dir_env()) {
		config_dir = mainconf_dir();
	}
	if (mainconf_read(0, why) < 0)
		log_fatal_status(EX_CONFIG, "%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	log_syslog_name(var_syslog_name);
	(void) log_syslog_facility(var_syslog_facility);
	/* Without access to public/postlog the log goes to stderr and syslog. */
	(void) maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why);

	switch (mode) {
	case SM_MODE_NEWALIAS:
		sm_newaliases(saved_argc, saved_argv);
	case SM_MODE_MAILQ:
		sm_postqueue(config_dir, "-p", NULL);
	case SM_MODE_SMTP:
		user_acl_require(var_authorized_submit_users, "submit mail");
		sm_smtp(config_dir);
	case SM_MODE_VERIFY:
		/* Queue a probe: the agents report, nothing is delivered. */
		req.trace_flags |= DEL_REQ_FLAG_USR_VRFY;
		break;
	case SM_MODE_DAEMON:
		sm_unavailable("daemon mode (sendmail -bd; use \"postfix start\")");
	case SM_MODE_FLUSH:
		sm_postqueue(config_dir, flush_option, flush_arg);
	default:
		break;
	}
	user_acl_require(var_authorized_submit_users, "submit mail");
	if (optind >= argc && !req.extract)
		sm_usage("Recipient addresses must be specified on the command line or via the -t option");
	/* As in Postfix, -F overrides the sender full name in $NAME. */
	if (req.fullname == NULL && (name_env = getenv("NAME")) != NULL
	    && *name_env != 0)
		req.fullname = name_env;
	(void) sm_enqueue(&req, argv + optind, config_dir);
	strbuf_free(&why);
	xfree(dir_copy);
	exit(0);
}
