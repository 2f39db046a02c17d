/*
 * dsn.h - the outcome of one delivery attempt, as DSN fields
 *
 * Delivery agents describe what happened to a recipient with these
 * fields; they end up in the log line ("dsn=5.1.1, status=bounced
 * (reason)"), in the bounce/defer/trace logs, and in the
 * message/delivery-status part of a notification (RFC 3464).
 *
 *	status	"X.Y.Z" enhanced status code (RFC 3463): 2.x.x delivered,
 *		4.x.x deferred, 5.x.x bounced.
 *	action	"delivered", "relayed", "expanded", "delayed", "failed"
 *		(RFC 3464 Action:); dstat_*() fill it in when NULL.
 *	reason	free text for the log and the human part.
 *	dtype	diagnostic type ("smtp") or "" when none; with
 *	dtext	the remote server's reply ("550 5.1.1 No such user").
 *	mtype	remote MTA type ("dns") or "" when none; with
 *	mname	the remote MTA name ("mx.example.com").
 */

#ifndef DSN_H
#define DSN_H

#include "sysdeps.h"

typedef struct DSN {
	const char *status;
	const char *action;
	const char *reason;
	const char *dtype;
	const char *dtext;
	const char *mtype;
	const char *mname;
} DSN;

/* A DSN with just status and reason (action, diagnostics, MTA empty). */
#define DSN_SIMPLE(status, reason) \
	{ (status), "", (reason), "", "", "", "" }

/*
 * Is status a well-formed "X.Y.Z" code with X in 2, 4 or 5, Y 1 to 3
 * digits, Z 1 to 3 digits?
 */
extern int dsn_valid(const char *status);

/* The first character of a valid status: '2', '4' or '5'. */
#define DSN_CLASS(status) ((status)[0])

/*
 * Finds an RFC 3463 code at the start of text (after an optional
 * three-digit SMTP reply code and a space), as "550 5.1.1 text".
 * Returns the length of the code (copied into code, NUL-terminated,
 * size at least 12), or 0 when there is none.
 */
extern size_t dsn_find_code(const char *text, char *code, size_t size);

/*
 * Splits "X.Y.Z text" (or "550 X.Y.Z text") into a code and a reason:
 * the code found by dsn_find_code(), else def (a valid code), goes into
 * code (size at least 12); returns the text after the code, with
 * leading white space skipped (borrowed from text).
 */
extern const char *dsn_split(const char *text, const char *def, char *code,
			     size_t size);

#endif
