/*
 * maillog_client.h - log to syslog, or through postlogd to $maillog_file
 *
 * With maillog_file empty, programs log to syslog as log.h describes.
 * With it set, maillog_client_init() turns syslog off and sends every
 * log line as one datagram, a record in maillog_file.h's shape, to the
 * postlogd(8) socket $queue_directory/public/$postlog_service_name.
 * Standard error and other outputs of log.h are not affected.
 *
 * When the socket cannot be reached (the mail system is down, or the
 * program may not use public/), a record is lost, unless the program
 * asked for MAILLOG_CLIENT_FLAG_FALLBACK: then it appends the record to
 * $maillog_file itself, and a failure to do so is fatal, as in Postfix
 * (postfix(1), postsuper(1) and postlog(1), which run as root while the
 * mail system starts or stops).
 */

#ifndef MAILLOG_CLIENT_H
#define MAILLOG_CLIENT_H

#include "sysdeps.h"

struct STRBUF;

#define MAILLOG_CLIENT_FLAG_NONE	0
#define MAILLOG_CLIENT_FLAG_FALLBACK	(1 << 0)	/* write the file directly */
#define MAILLOG_CLIENT_FLAG_PATIENT	(1 << 1)	/* wait longer when full */

/*
 * Call after the configuration is loaded (maillog_file, ..._prefixes,
 * myhostname, queue_directory, postlog_service_name), and again after a
 * reload. Connects to the socket at once when it exists, so that a
 * daemon can chroot or drop privileges afterwards. Returns 0, or -1
 * with the reason in why when $maillog_file does not start with one of
 * $maillog_file_prefixes (callers treat that as fatal, as Postfix
 * does); logging is then unchanged.
 */
extern int maillog_client_init(int flags, struct STRBUF *why);

/*
 * For postlogd: write this process's own records to fd (an open
 * $maillog_file) instead of sending them to the socket, which would
 * send them to ourselves. maillog_client_disable() goes back to
 * syslog, for example to report that $maillog_file cannot be opened.
 */
extern void maillog_client_direct(int fd);
extern void maillog_client_disable(void);

/*
 * After chroot(root): a socket path under root is reached from inside
 * the jail without the root prefix (for reconnecting after a reload).
 */
extern void maillog_client_jail(const char *root);

/* The socket path in use; NULL when records do not go to the socket. */
extern const char *maillog_client_path(void);

#endif
