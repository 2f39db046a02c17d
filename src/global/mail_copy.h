/*
 * mail_copy.h - read a queued message's content, copy it out for delivery
 *
 * qfile_content_*() stream the content section of a queue file from
 * its data offset, joining continuation records back into whole lines,
 * without holding the message in memory. mail_copy() writes the
 * message to a mailbox, a pipe or a socket with the envelope headers
 * and the quoting each destination wants (local(8), virtual(8),
 * pipe(8); the SMTP client uses the reader).
 */

#ifndef MAIL_COPY_H
#define MAIL_COPY_H

#include "sysdeps.h"

#include <sys/types.h>

#include "deliver_request.h"

struct ARGV;
struct IOSTREAM;
struct STRBUF;

typedef struct QFILE_CONTENT QFILE_CONTENT;

/*
 * Starts reading the content at data_offset (req->data_offset) of the
 * queue file fp (borrowed). limit bounds one record (QFILE_REC_LIMIT).
 */
extern QFILE_CONTENT *qfile_content_open(struct IOSTREAM *fp, off_t data_offset,
					 size_t limit);

/*
 * The next line, without its newline, into line (replaced; may hold
 * NUL bytes: use its length). Returns 1 for a line, 0 at the end of
 * the content (the 'X' record), -1 when the file is malformed or
 * unreadable (reason in why).
 */
extern int qfile_content_line(QFILE_CONTENT *c, struct STRBUF *line,
			      struct STRBUF *why);
extern void qfile_content_close(QFILE_CONTENT *c);

/* mail_copy() flags. */
#define MAIL_COPY_FROM		(1 << 0)  /* "From sender  Thu Nov 21 10:00:00 2026" first */
#define MAIL_COPY_QUOTE		(1 << 1)  /* body "From " lines become ">From " */
#define MAIL_COPY_BLANK		(1 << 2)  /* a blank line after the message */
#define MAIL_COPY_RETURN	(1 << 3)  /* "Return-Path: <sender>" */
#define MAIL_COPY_DELIVERED	(1 << 4)  /* "Delivered-To: delivered_to" */
#define MAIL_COPY_ORIG_RCPT	(1 << 5)  /* "X-Original-To: orig_to" */
#define MAIL_COPY_DOT		(1 << 6)  /* SMTP dot-stuffing (pipe '.') */
#define MAIL_COPY_CRLF		(1 << 7)  /* lines end in CRLF (smtp, lmtp) */
#define MAIL_COPY_FSYNC		(1 << 8)  /* fsync the destination when done */
#define MAIL_COPY_MBOX		(MAIL_COPY_FROM | MAIL_COPY_QUOTE | MAIL_COPY_BLANK | \
				 MAIL_COPY_RETURN | MAIL_COPY_DELIVERED | \
				 MAIL_COPY_ORIG_RCPT | MAIL_COPY_FSYNC)
#define MAIL_COPY_MAILDIR	(MAIL_COPY_RETURN | MAIL_COPY_DELIVERED | \
				 MAIL_COPY_ORIG_RCPT | MAIL_COPY_FSYNC)

/* mail_copy() results. */
#define MAIL_COPY_OK		0
#define MAIL_COPY_STAT_READ	(-1)	/* queue file problem: defer 4.3.0 */
#define MAIL_COPY_STAT_WRITE	(-2)	/* destination problem: errno in why */

/*
 * Copies the message of req to dst: the optional envelope headers
 * (flags), then every content line, with "\n" (or "\r\n") line ends.
 * Delivered-To loop detection is the caller's job. An empty orig_to
 * suppresses X-Original-To. Flushes dst, and
 * fsyncs it with MAIL_COPY_FSYNC. Returns MAIL_COPY_* with the reason
 * in why ("error writing message: File too large"); on
 * MAIL_COPY_STAT_WRITE, errno is left as the failed call set it.
 */
extern int mail_copy(DELIVER_REQUEST *req, const char *delivered_to,
		     const char *orig_to, struct IOSTREAM *dst, int flags,
		     struct STRBUF *why);

/*
 * The addresses of the message's own Delivered-To: headers (top-level
 * header section only), trimmed and in lower case, for the mail
 * forwarding loop check of local(8), virtual(8) and pipe(8) flag D.
 * Returns a new ARGV, or NULL (reason in why) when the queue file
 * cannot be read.
 */
extern struct ARGV *mail_copy_delivered(DELIVER_REQUEST *req,
					struct STRBUF *why);

/*
 * Does the message already carry "Delivered-To: addr" (any case)?
 * 1 yes (a loop), 0 no, -1 the queue file cannot be read.
 */
extern int mail_copy_loop(DELIVER_REQUEST *req, const char *addr);

/* The mbox "From " line date: "Sat Nov 21 10:00:00 2026" (local time). */
extern void mail_copy_from_date(struct STRBUF *out, long when);

#endif
