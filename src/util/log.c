/*
 * log.c - the one logging interface of every program
 *
 * Formatting uses a fixed buffer so that reporting out-of-memory does not
 * allocate, and control characters are replaced so that a peer cannot
 * forge log lines by embedding newlines in what we log.
 */

#include "sysdeps.h"

#include <errno.h>
#include <syslog.h>
#include <unistd.h>
#include <ctype.h>

#include "log.h"

int log_verbose;

static const char *log_prog = "unknown";
static int log_dest = LOG_DEST_STDERR;
static char log_ident_buf[256];
static int log_syslog_pid = LOG_PID;	/* 0: the ident carries a pid */
static int log_syslog_off;		/* log_syslog_enable(0) */
static int log_facility = LOG_MAIL;
static int log_syslog_opened;
static int log_error_count;
static int log_fatal_depth;
static LOG_CLEANUP_FN log_cleanup_fn;

#define LOG_OUTPUT_MAX	4
static LOG_OUTPUT_FN log_outputs[LOG_OUTPUT_MAX];
static int log_output_count;

static const char *const log_labels[] = {
	"", "warning: ", "error: ", "fatal: ", "panic: ",
};

static const int log_priorities[] = {
	LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT, LOG_CRIT,
};

/* log_init - set program name and destinations */

void
log_init(const char *progname, int dest)
{
	const char *slash = strrchr(progname, '/');

	log_prog = slash ? slash + 1 : progname;
	log_dest = dest;
	log_syslog_name("postfix");
}

/* log_syslog_name - set the first part of the syslog ident */

void
log_syslog_name(const char *syslog_name)
{
	int n;

	n = snprintf(log_ident_buf, sizeof(log_ident_buf), "%s/%s",
		     syslog_name, log_prog);
	if (n < 0 || (size_t) n >= sizeof(log_ident_buf))
		snprintf(log_ident_buf, sizeof(log_ident_buf), "postfix/%.64s",
			 log_prog);
	log_syslog_pid = LOG_PID;
	if (log_syslog_opened) {
		closelog();
		log_syslog_opened = 0;
	}
}

/* log_syslog_ident - replace the whole ident */

void
log_syslog_ident(const char *ident)
{
	size_t	len;

	snprintf(log_ident_buf, sizeof(log_ident_buf), "%s", ident);
	len = strlen(log_ident_buf);
	log_syslog_pid = (len > 0 && log_ident_buf[len - 1] == ']') ? 0 : LOG_PID;
	if (log_syslog_opened) {
		closelog();
		log_syslog_opened = 0;
	}
}

/* log_ident - the tag of syslog lines */

const char *
log_ident(void)
{
	return log_ident_buf;
}

/* log_syslog_enable - turn syslog output off or on */

void
log_syslog_enable(int on)
{
	log_syslog_off = !on;
}

/* log_syslog_facility - select the syslog facility by name */

int
log_syslog_facility(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} facilities[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON },
		{ "user", LOG_USER }, { "auth", LOG_AUTH },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(facilities); i++) {
		if (strcasecmp(name, facilities[i].name) == 0) {
			log_facility = facilities[i].code;
			if (log_syslog_opened) {
				closelog();
				log_syslog_opened = 0;
			}
			return 0;
		}
	}
	return -1;
}

/* log_progname - the name set by log_init() */

const char *
log_progname(void)
{
	return log_prog;
}

/* log_add_output - add an extra destination such as maillog_file */

void
log_add_output(LOG_OUTPUT_FN fn)
{
	if (log_output_count >= LOG_OUTPUT_MAX)
		log_panic("log_add_output: too many outputs");
	log_outputs[log_output_count++] = fn;
}

/* log_set_cleanup - install the fatal-error hook */

LOG_CLEANUP_FN
log_set_cleanup(LOG_CLEANUP_FN fn)
{
	LOG_CLEANUP_FN old = log_cleanup_fn;

	log_cleanup_fn = fn;
	return old;
}

/* log_vprintf - format and send one message to every destination */

void
log_vprintf(int level, const char *fmt, va_list ap)
{
	char text[LOG_TEXT_MAX];
	int saved_errno = errno;
	unsigned char *cp;
	int i;

	if (level < LOG_LEVEL_INFO || level > LOG_LEVEL_PANIC)
		level = LOG_LEVEL_PANIC;

	/* glibc expands %m from errno, which the caller's code may not keep. */
	errno = saved_errno;
	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		snprintf(text, sizeof(text), "(bad log format: %.200s)", fmt);
	/* Like Postfix, tabs become '?' too: a log line is one field. */
	for (cp = (unsigned char *) text; *cp; cp++)
		if (iscntrl(*cp))
			*cp = '?';

	if (log_dest & LOG_DEST_STDERR)
		dprintf(STDERR_FILENO, "%s: %s%s\n", log_prog, log_labels[level],
			text);
	if ((log_dest & LOG_DEST_SYSLOG) && !log_syslog_off) {
		if (!log_syslog_opened) {
			openlog(log_ident_buf, log_syslog_pid | LOG_NDELAY,
				log_facility);
			log_syslog_opened = 1;
		}
		syslog(log_priorities[level], "%s%s", log_labels[level], text);
	}
	for (i = 0; i < log_output_count; i++)
		log_outputs[i](level, text);
	errno = saved_errno;
}

/* log_info - normal event */

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

/* log_warn - something is wrong but work continues */

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

/* log_error - recoverable error; too many of them end the program */

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	if (++log_error_count >= LOG_ERROR_LIMIT)
		log_fatal("too many errors - program terminated");
}

/* log_vfatal - run the cleanup hook once, then exit */

static NORETURN log_vfatal(int status, const char *fmt, va_list ap) PRINTFLIKE(2, 0);

static NORETURN
log_vfatal(int status, const char *fmt, va_list ap)
{
	if (log_fatal_depth++ == 0) {
		log_vprintf(LOG_LEVEL_FATAL, fmt, ap);
		if (log_cleanup_fn)
			log_cleanup_fn();
	}
	/* Fatal errors in daemons are throttled by master; commands just exit. */
	exit(status);
}

/* log_fatal - progress is impossible */

NORETURN
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(1, fmt, ap);
}

/* log_fatal_status - progress is impossible; exit with this status */

NORETURN
log_fatal_status(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(status, fmt, ap);
}

/* log_panic - our own invariant is broken: abort for a core dump */

NORETURN
log_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_fatal_depth++ == 0)
		log_vprintf(LOG_LEVEL_PANIC, fmt, ap);
	va_end(ap);
	abort();
}
