/*
 * maillog_file.h - records of $maillog_file: format, check, open, append
 *
 * A record has the shape of a syslog line, as Postfix's msg_logger(3)
 * writes it, so that pflogsumm and other log readers parse it:
 *
 *	Mmm dd hh:mm:ss host tag[pid]: text
 *
 * with the day as two digits ("Jan 05"), host the first label of
 * $myhostname and tag "$syslog_name/program" ("postfix/smtpd").
 * Clients format records and send them to postlogd(8), which appends
 * each one to $maillog_file with a newline.
 */

#ifndef MAILLOG_FILE_H
#define MAILLOG_FILE_H

#include "sysdeps.h"

#include <time.h>

struct STRBUF;

/* Postfix truncates the text of a record there (msg_logger(3)). */
#define MAILLOG_TEXT_MAX	2000

/*
 * Formats one record into rec (reset first). level is a LOG_LEVEL_*
 * value: other than info, the text gets its label ("warning: ").
 */
extern void maillog_file_format(struct STRBUF *rec, time_t when,
				const char *host, const char *tag, long pid,
				int level, const char *text);

/*
 * The reverse, for postlogd's relay to syslog: tag[pid] into tag_pid
 * and what follows ": " into text (both are reset first). Returns 0, or
 * -1 when rec does not have the shape of a record.
 */
extern int maillog_file_parse(const char *rec, size_t len,
			      struct STRBUF *tag_pid, struct STRBUF *text);

/*
 * Checks path against $maillog_file_prefixes (a comma or white space
 * separated list; path must start with one of them). Returns 0, or -1
 * with Postfix's wording in why: "maillog_file value 'PATH' does not
 * match any prefix in maillog_file_prefixes".
 */
extern int maillog_file_check(const char *path, const char *prefixes,
			      struct STRBUF *why);

/*
 * Opens path for appending, creating it with mode 0600 when it does not
 * exist, with Postfix's logwriter(3) rules: an existing file may be a
 * device or a pipe (/dev/stdout) but not a directory, must have one hard
 * link, and may be reached through a symbolic link only when root owns
 * the link (/dev/stdout -> /proc/self/fd/1). Returns a close-on-exec
 * descriptor, or -1 with errno set and the reason in why.
 */
extern int maillog_file_open(const char *path, struct STRBUF *why);

/* Appends rec and a newline in one write. Returns 0, or -1 with errno. */
extern int maillog_file_write(int fd, const char *rec, size_t len);

#endif
