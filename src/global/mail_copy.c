/*
 * mail_copy.c - stream a queued message's content out for delivery
 *
 * The content section of a queue file is a run of N (line) and L
 * (piece of a long line) records ended by the X record; w records are
 * padding. The reader joins the pieces of each line again and never
 * holds more than one line. mail_copy() adds what the destination
 * format wants: the mbox From_ line and >From quoting, the envelope
 * headers local(8) prepends, SMTP dot-stuffing and CRLF line ends.
 */

#include "sysdeps.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"	/* global */
#include "mail_copy.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"

/* The mbox From_ line's sender for the null sender (Postfix's word). */
#define MAIL_COPY_NULL_SENDER	"MAILER-DAEMON"

struct QFILE_CONTENT {
	IOSTREAM *fp;			/* borrowed */
	size_t	limit;			/* of one record */
	STRBUF *rec;			/* one record's data */
	int	state;			/* see below */
	int	seek_errno;		/* the seek to the start failed */
};

#define QFILE_CONTENT_OPEN	0	/* more lines may follow */
#define QFILE_CONTENT_END	1	/* the X record was read */
#define QFILE_CONTENT_ERROR	2	/* sticky: malformed or unreadable */

/* qfile_content_open - position at the first content record */

QFILE_CONTENT *
qfile_content_open(IOSTREAM *fp, off_t data_offset, size_t limit)
{
	QFILE_CONTENT *c = xcalloc(1, sizeof(*c));

	c->fp = fp;
	c->limit = limit;
	c->rec = strbuf_create(100);
	errno = 0;
	if (data_offset <= 0)
		c->seek_errno = EINVAL;
	else if (iostream_seek(fp, data_offset, SEEK_SET) < 0)
		c->seek_errno = errno ? errno : EIO;
	return c;
}

/* qfile_content_line - the next whole line */

int
qfile_content_line(QFILE_CONTENT *c, STRBUF *line, STRBUF *why)
{
	int     type;

	if (c->state == QFILE_CONTENT_END)
		return 0;
	if (c->state == QFILE_CONTENT_ERROR) {
		strbuf_set(why, "queue file read error");
		return -1;
	}
	if (c->seek_errno) {
		strbuf_printf(why, "seek to message content: %s",
			      strerror(c->seek_errno));
		goto fail;
	}
	strbuf_reset(line);
	strbuf_reset(why);
	for (;;) {
		type = rec_get(c->fp, c->rec, c->limit, why);
		switch (type) {
		case REC_TYPE_CONT:
		case REC_TYPE_NORM:
			if (strbuf_append(line, strbuf_str(c->rec),
					  strbuf_len(c->rec)) < 0) {
				strbuf_set(why, "message line is too long");
				goto fail;
			}
			if (type == REC_TYPE_NORM)
				return 1;
			break;
		case REC_TYPE_DTXT:
			break;
		case REC_TYPE_XTRA:
			/* A line cut short by the end of the content is damage. */
			if (strbuf_len(line) > 0) {
				strbuf_set(why, "unterminated message line");
				goto fail;
			}
			c->state = QFILE_CONTENT_END;
			return 0;
		case REC_TYPE_EOF:
			strbuf_set(why, "premature end of queue file");
			goto fail;
		case REC_TYPE_ERROR:
			if (strbuf_len(why) == 0)
				strbuf_set(why, "queue file read error");
			goto fail;
		default:
			strbuf_printf(why, "unexpected record type %s in the "
				      "message content", rec_type_name(type));
			goto fail;
		}
	}

fail:
	c->state = QFILE_CONTENT_ERROR;
	return -1;
}

/* qfile_content_close - release the reader; the file stays open */

void
qfile_content_close(QFILE_CONTENT *c)
{
	strbuf_free(&c->rec);
	xfree(c);
}

/* mail_copy_from_date - asctime() format, local time, without newline */

void
mail_copy_from_date(STRBUF *out, long when)
{
	time_t  t = (time_t) when;
	struct tm tm;
	char    buf[64];

	/* asctime(3) layout: day of month space-padded, as mbox readers expect. */
	if (localtime_r(&t, &tm) == NULL
	    || strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm) == 0) {
		strbuf_append_str(out, "Thu Jan  1 00:00:00 1970");
		return;
	}
	strbuf_append_str(out, buf);
}

/* mail_copy - the message with envelope headers and quoting */

int
mail_copy(DELIVER_REQUEST *req, const char *delivered_to, const char *orig_to,
	  IOSTREAM *dst, int flags, STRBUF *why)
{
	const char *eol = (flags & MAIL_COPY_CRLF) ? "\r\n" : "\n";
	QFILE_CONTENT *c;
	STRBUF *line = strbuf_create(200);
	STRBUF *rwhy = strbuf_create(100);
	STRBUF *date;
	int     ret = MAIL_COPY_OK;
	int     got;
	int     err;

	strbuf_reset(why);
	if (flags & MAIL_COPY_FROM) {
		date = strbuf_create(32);
		mail_copy_from_date(date, (long) time(NULL));
		iostream_printf(dst, "From %s  %s%s", *req->sender ?
				req->sender : MAIL_COPY_NULL_SENDER,
				strbuf_str(date), eol);
		strbuf_free(&date);
	}
	if (flags & MAIL_COPY_RETURN)
		iostream_printf(dst, "Return-Path: <%s>%s", req->sender, eol);
	if ((flags & MAIL_COPY_ORIG_RCPT) && orig_to && *orig_to)
		iostream_printf(dst, "X-Original-To: %s%s", orig_to, eol);
	if ((flags & MAIL_COPY_DELIVERED) && delivered_to && *delivered_to)
		iostream_printf(dst, "Delivered-To: %s%s", delivered_to, eol);

	c = qfile_content_open(req->fp, req->data_offset,
			       QFILE_REC_LIMIT(var_line_length_limit > 0 ?
					       var_line_length_limit : 2048));
	while ((got = qfile_content_line(c, line, rwhy)) > 0) {
		/* Mbox: a body line "From " would start a new message. */
		if ((flags & MAIL_COPY_QUOTE) && strbuf_len(line) >= 5
		    && memcmp(strbuf_str(line), "From ", 5) == 0)
			iostream_putc(dst, '>');
		/* RFC 5321 4.5.2: a leading dot is doubled. */
		if ((flags & MAIL_COPY_DOT) && strbuf_len(line) > 0
		    && strbuf_str(line)[0] == '.')
			iostream_putc(dst, '.');
		iostream_write(dst, strbuf_str(line), strbuf_len(line));
		iostream_puts(dst, eol);
		/* Stop early when the destination has failed for good. */
		if (iostream_error(dst))
			break;
	}
	qfile_content_close(c);
	strbuf_free(&line);
	if (got < 0) {
		log_warn("%s: read message content: %s", req->queue_id,
			 strbuf_str(rwhy));
		/* Whatever we wrote is incomplete; the caller truncates it. */
		strbuf_printf(why, "error reading message: %s", strbuf_str(rwhy));
		strbuf_free(&rwhy);
		return MAIL_COPY_STAT_READ;
	}
	strbuf_free(&rwhy);
	if (flags & MAIL_COPY_BLANK)
		iostream_puts(dst, eol);
	if (iostream_flush(dst) < 0) {
		err = iostream_errno(dst) ? iostream_errno(dst) : EIO;
		strbuf_printf(why, "error writing message: %s", strerror(err));
		errno = err;
		ret = MAIL_COPY_STAT_WRITE;
	} else if ((flags & MAIL_COPY_FSYNC) && iostream_fileno(dst) >= 0
		   && fsync(iostream_fileno(dst)) < 0) {
		err = errno;
		strbuf_printf(why, "error writing message: %s", strerror(err));
		errno = err;
		ret = MAIL_COPY_STAT_WRITE;
	}
	return ret;
}

/* mail_copy_delivered - the Delivered-To: addresses of the header section */

ARGV *
mail_copy_delivered(DELIVER_REQUEST *req, STRBUF *why)
{
	ARGV   *found = argv_create();
	STRBUF *line = strbuf_create(100);
	QFILE_CONTENT *c;
	const char *cp;
	int	got;

	c = qfile_content_open(req->fp, req->data_offset,
			       QFILE_REC_LIMIT(var_line_length_limit > 0 ?
					       var_line_length_limit : 2048));
	while ((got = qfile_content_line(c, line, why)) > 0) {
		cp = strbuf_str(line);
		if (strbuf_len(line) == 0)
			break;			/* end of the headers */
		if (strncasecmp(cp, "Delivered-To:", 13) == 0)
			argv_add(found, str_lower(str_trim(line->data + 13)));
		else if (*cp != ' ' && *cp != '\t' && strchr(cp, ':') == NULL)
			break;			/* not a header: the body began */
	}
	qfile_content_close(c);
	strbuf_free(&line);
	if (got < 0)
		argv_free(&found);
	return found;
}

/* mail_copy_loop - is addr among the Delivered-To: addresses? */

int
mail_copy_loop(DELIVER_REQUEST *req, const char *addr)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *found = mail_copy_delivered(req, why);
	char   *lower;
	int	loop;

	if (found == NULL) {
		log_warn("%s: %s", req->queue_id, strbuf_str(why));
		strbuf_free(&why);
		return -1;
	}
	lower = str_lower(xstrdup(addr));
	loop = argv_find(found, lower) >= 0;
	xfree(lower);
	argv_free(&found);
	strbuf_free(&why);
	return loop;
}
