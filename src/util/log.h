/*
 * log.h - the one logging interface of every program
 *
 * log_info() reports normal events, log_warn() problems that do not stop
 * the work, log_error() recoverable errors (too many of them are fatal),
 * log_fatal() conditions that make progress impossible (runs the cleanup
 * hook, then exits), log_panic() broken invariants (aborts for a core).
 * All take printf formats and understand %m.
 *
 * Output goes to standard error as "prog: warning: text" (commands), to
 * syslog with ident "syslog_name/prog" and facility mail (daemons), and
 * to any extra outputs added with log_add_output() (maillog_file).
 */

#ifndef LOG_H
#define LOG_H

#include "sysdeps.h"

/* Severity, also passed to extra outputs. */
#define LOG_LEVEL_INFO	0
#define LOG_LEVEL_WARN	1
#define LOG_LEVEL_ERROR	2
#define LOG_LEVEL_FATAL	3
#define LOG_LEVEL_PANIC	4

/* Destinations for log_init(). */
#define LOG_DEST_STDERR	(1 << 0)
#define LOG_DEST_SYSLOG	(1 << 1)

/* Number of -v flags given; verbose logging is "if (log_verbose) ...". */
extern int log_verbose;

/*
 * Sets the program name and destinations. With LOG_DEST_SYSLOG the ident
 * is "postfix/prog" until log_syslog_name() changes the first part.
 */
extern void log_init(const char *progname, int dest);
extern void log_syslog_name(const char *syslog_name);
extern int log_syslog_facility(const char *name);	/* -1: unknown name */
extern const char *log_progname(void);

/*
 * log_syslog_ident() replaces the whole ident ("postlog -t tag"); an
 * ident that ends in "[pid]" carries a process ID, and syslog then adds
 * none of its own (postlogd relaying another process's record).
 * log_ident() is the ident in effect, also the tag of maillog_file
 * records. log_syslog_enable(0) stops syslog output while maillog_file
 * is in use; unlike the destinations of log_init(), it stays in effect
 * across log_init() calls.
 */
extern void log_syslog_ident(const char *ident);
extern const char *log_ident(void);
extern void log_syslog_enable(int on);

/* Extra output: called with the level and the text without its label. */
typedef void (*LOG_OUTPUT_FN)(int level, const char *text);
extern void log_add_output(LOG_OUTPUT_FN fn);

/* Runs once before exit on a fatal error; returns the previous hook. */
typedef void (*LOG_CLEANUP_FN)(void);
extern LOG_CLEANUP_FN log_set_cleanup(LOG_CLEANUP_FN fn);

extern void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void log_error(const char *fmt, ...) PRINTFLIKE(1, 2);
extern NORETURN log_fatal(const char *fmt, ...) PRINTFLIKE(1, 2);
extern NORETURN log_fatal_status(int status, const char *fmt, ...) PRINTFLIKE(2, 3);
extern NORETURN log_panic(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void log_vprintf(int level, const char *fmt, va_list ap) PRINTFLIKE(2, 0);

/* log_error() calls allowed before the program gives up. */
#define LOG_ERROR_LIMIT	13

/* Longest log text; longer text is truncated, not split. */
#define LOG_TEXT_MAX	4096

#endif
