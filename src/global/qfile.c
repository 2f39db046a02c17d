/*
 * qfile.c - queue files: write the sections, mark recipients done, read
 *
 * The size record comes first and has fixed-width fields, so that the
 * writer can fill in the content size and recipient count when it knows
 * them, in place, without moving anything. Recipients are marked done
 * by changing one type byte, R to D: a one-byte write cannot be torn,
 * so after a crash a recipient is either done or not, never half.
 *
 * The reader is strict. Anything it does not expect, in any place, is
 * a reason to refuse the whole file: a damaged queue file goes to the
 * corrupt queue, it is never half delivered.
 */

#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "qfile.h"		/* global */
#include "rec.h"

/* Writer states, in file order. */
#define QFILE_W_ENVELOPE	1
#define QFILE_W_CONTENT		2
#define QFILE_W_EXTRACTED	3

struct QFILE_WRITER {
	IOSTREAM *st;			/* borrowed */
	int     state;
	size_t  chunk;			/* longest text record */
	off_t   data_offset;		/* first content record */
	off_t   xtra_offset;		/* the X record */
	long    rcpt_count;		/* envelope recipients */
};

/* qfile_size_text - the six fixed-width fields of the size record */

static void
qfile_size_text(STRBUF *buf, const long *size)
{
	int     i;

	strbuf_reset(buf);
	for (i = 0; i < REC_SIZE_FIELDS; i++)
		strbuf_append_printf(buf, "%s%*ld", i ? " " : "",
				     REC_SIZE_WIDTH, size[i]);
}

/* qfile_write_open - size record placeholder and arrival time */

QFILE_WRITER *
qfile_write_open(IOSTREAM *st, long sec, long usec, size_t chunk)
{
	QFILE_WRITER *w = xcalloc(1, sizeof(*w));
	STRBUF *buf = strbuf_create(REC_SIZE_LEN + 1);
	long    size[REC_SIZE_FIELDS] = {0};

	w->st = st;
	w->state = QFILE_W_ENVELOPE;
	w->chunk = chunk;
	qfile_size_text(buf, size);
	rec_put(st, REC_TYPE_SIZE, strbuf_str(buf), strbuf_len(buf));
	rec_printf(st, REC_TYPE_TIME, "%ld %ld", sec, usec);
	strbuf_free(&buf);
	return w;
}

/* qfile_expect - a call in the wrong section is a program error */

static void
qfile_expect(const QFILE_WRITER *w, int state, const char *what)
{
	if (w->state != state)
		log_panic("qfile: %s in the wrong section", what);
}

/* qfile_write_attr - named attribute, envelope or extracted */

void
qfile_write_attr(QFILE_WRITER *w, const char *name, const char *value)
{
	if (w->state == QFILE_W_CONTENT)
		log_panic("qfile: attribute in the content section");
	if (*name == 0 || strchr(name, '='))
		log_panic("qfile: bad attribute name \"%s\"", name);
	rec_printf(w->st, REC_TYPE_ATTR, "%s=%s", name, value);
}

/* qfile_write_fullname - sender full name */

void
qfile_write_fullname(QFILE_WRITER *w, const char *name)
{
	qfile_expect(w, QFILE_W_ENVELOPE, "full name");
	rec_puts(w->st, REC_TYPE_FULL, name);
}

/* qfile_write_sender - envelope sender, "" for <> */

void
qfile_write_sender(QFILE_WRITER *w, const char *sender)
{
	qfile_expect(w, QFILE_W_ENVELOPE, "sender");
	rec_puts(w->st, REC_TYPE_FROM, sender);
}

/* qfile_write_dsn - DSN RET and ENVID of the message */

void
qfile_write_dsn(QFILE_WRITER *w, int ret, const char *envid)
{
	qfile_expect(w, QFILE_W_ENVELOPE, "DSN information");
	if (ret)
		rec_printf(w->st, REC_TYPE_DSN_RET, "%d", ret);
	if (envid)
		rec_puts(w->st, REC_TYPE_DSN_ENVID, envid);
}

/* qfile_write_rcpt - DSN ORCPT, NOTIFY, original, then the recipient */

off_t
qfile_write_rcpt(QFILE_WRITER *w, const char *address, const char *orig,
		 const char *dsn_orcpt, int dsn_notify)
{
	off_t   offset;

	if (w->state == QFILE_W_CONTENT)
		log_panic("qfile: recipient in the content section");
	if (dsn_orcpt)
		rec_puts(w->st, REC_TYPE_DSN_ORCPT, dsn_orcpt);
	if (dsn_notify)
		rec_printf(w->st, REC_TYPE_DSN_NOTIFY, "%d", dsn_notify);
	if (orig)
		rec_puts(w->st, REC_TYPE_ORCP, orig);
	offset = iostream_tell(w->st);
	rec_puts(w->st, REC_TYPE_RCPT, address);
	if (w->state == QFILE_W_ENVELOPE)
		w->rcpt_count++;
	return offset;
}

/* qfile_write_content - end of envelope, start of content */

void
qfile_write_content(QFILE_WRITER *w)
{
	qfile_expect(w, QFILE_W_ENVELOPE, "content marker");
	rec_put(w->st, REC_TYPE_MESG, "", 0);
	w->data_offset = iostream_tell(w->st);
	w->state = QFILE_W_CONTENT;
}

/* qfile_write_line - one content line */

void
qfile_write_line(QFILE_WRITER *w, const char *line, size_t len)
{
	qfile_expect(w, QFILE_W_CONTENT, "content line");
	rec_put_line(w->st, line, len, w->chunk);
}

/* qfile_write_extracted - end of content, start of extracted section */

void
qfile_write_extracted(QFILE_WRITER *w)
{
	qfile_expect(w, QFILE_W_CONTENT, "extracted marker");
	w->xtra_offset = iostream_tell(w->st);
	rec_put(w->st, REC_TYPE_XTRA, "", 0);
	w->state = QFILE_W_EXTRACTED;
}

/* qfile_write_return_receipt - Return-Receipt-To: address */

void
qfile_write_return_receipt(QFILE_WRITER *w, const char *addr)
{
	qfile_expect(w, QFILE_W_EXTRACTED, "return receipt");
	rec_puts(w->st, REC_TYPE_RRTO, addr);
}

/* qfile_write_errors_to - Errors-To: address */

void
qfile_write_errors_to(QFILE_WRITER *w, const char *addr)
{
	qfile_expect(w, QFILE_W_EXTRACTED, "errors-to");
	rec_puts(w->st, REC_TYPE_ERTO, addr);
}

/* qfile_write_close - end marker, size record, flush, fsync */

int
qfile_write_close(QFILE_WRITER *w, long content_length, STRBUF *why)
{
	STRBUF *buf = strbuf_create(REC_SIZE_LEN + 1);
	long    size[REC_SIZE_FIELDS] = {0};
	int     ret = 0;

	qfile_expect(w, QFILE_W_EXTRACTED, "end marker");
	rec_put(w->st, REC_TYPE_END, "", 0);
	size[QFILE_SIZE_CONTENT] = (long) (w->xtra_offset - w->data_offset);
	size[QFILE_SIZE_DATA_OFFSET] = (long) w->data_offset;
	size[QFILE_SIZE_RCPT_COUNT] = w->rcpt_count;
	size[QFILE_SIZE_CONT_LENGTH] = content_length;
	qfile_size_text(buf, size);

	/* The size record is first; its header is the type and one byte. */
	if (iostream_seek(w->st, 2, SEEK_SET) != 2
	    || iostream_write(w->st, strbuf_str(buf), strbuf_len(buf)) < 0
	    || iostream_flush(w->st) < 0) {
		strbuf_printf(why, "write queue file: %s",
			      strerror(iostream_errno(w->st) ?
				       iostream_errno(w->st) : errno));
		ret = -1;
	} else if (fsync(iostream_fileno(w->st)) < 0) {
		strbuf_printf(why, "fsync queue file: %s", strerror(errno));
		ret = -1;
	}
	strbuf_free(&buf);
	xfree(w);
	return ret;
}

/* qfile_mark_done - R becomes D, in place, durably */

int
qfile_mark_done(int fd, off_t offset, STRBUF *why)
{
	char    type;

	if (pread(fd, &type, 1, offset) != 1) {
		strbuf_printf(why, "read record at offset %ld: %s",
			      (long) offset, errno ? strerror(errno) : "EOF");
		return -1;
	}
	if (type == REC_TYPE_DONE)
		return 0;
	if (type != REC_TYPE_RCPT) {
		strbuf_printf(why, "no recipient record at offset %ld",
			      (long) offset);
		return -1;
	}
	type = REC_TYPE_DONE;
	if (pwrite(fd, &type, 1, offset) != 1) {
		strbuf_printf(why, "update record at offset %ld: %s",
			      (long) offset, strerror(errno));
		return -1;
	}
	if (fsync(fd) < 0) {
		strbuf_printf(why, "fsync: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* qfile_free - release what qfile_read() returned */

void
qfile_free(QFILE *q)
{
	int     i;

	xfree(q->sender);
	xfree(q->fullname);
	xfree(q->dsn_envid);
	xfree(q->return_receipt);
	xfree(q->errors_to);
	for (i = 0; i < q->rcpt_count; i++) {
		xfree(q->rcpts[i].address);
		xfree(q->rcpts[i].orig);
		xfree(q->rcpts[i].dsn_orcpt);
	}
	for (i = 0; i < q->xrcpt_count; i++) {
		xfree(q->xrcpts[i].address);
		xfree(q->xrcpts[i].orig);
		xfree(q->xrcpts[i].dsn_orcpt);
	}
	xfree(q->rcpts);
	xfree(q->xrcpts);
	argv_free(&q->attrs);
	argv_free(&q->xattrs);
	if (q->content)
		strbuf_free(&q->content);
	xfree(q);
}

/* qfile_attr - envelope attribute by name */

const char *
qfile_attr(const QFILE *q, const char *name)
{
	size_t  len = strlen(name);
	size_t  i;

	for (i = 0; i < q->attrs->argc; i++)
		if (strncmp(q->attrs->argv[i], name, len) == 0
		    && q->attrs->argv[i][len] == '=')
			return q->attrs->argv[i] + len + 1;
	return NULL;
}

/* Reader state: a recipient's DSN and original address come first. */
typedef struct {
	QFILE_RCPT pending;
	int     have_pending;
} QFILE_RSTATE;

/* qfile_parse_longs - n decimal numbers separated by white space */

static int
qfile_parse_longs(const char *text, long *out, int n)
{
	char   *copy = xstrdup(text);
	char   *bp = copy;
	char   *tok;
	int     i;
	int     ok = 1;

	for (i = 0; ok && i < n; i++)
		ok = ((tok = token_next(&bp, " ")) != NULL
		      && parse_long(tok, &out[i], 0, 0x7fffffffL) == 0);
	if (ok && token_next(&bp, " ") != NULL)
		ok = 0;
	xfree(copy);
	return ok ? 0 : -1;
}

/* qfile_add_rcpt - append a recipient with what came before it */

static void
qfile_add_rcpt(QFILE_RCPT **list, int *count, QFILE_RSTATE *rs,
	       const char *address, off_t offset, int done)
{
	QFILE_RCPT *r;

	*list = xrealloc(*list, size_mul((size_t) *count + 1, sizeof(**list)));
	r = *list + (*count)++;
	*r = rs->pending;
	r->address = xstrdup(address);
	r->offset = offset;
	r->done = done;
	memset(&rs->pending, 0, sizeof(rs->pending));
	rs->have_pending = 0;
}

/* qfile_rcpt_part - DSN ORCPT, NOTIFY or original address */

static int
qfile_rcpt_part(QFILE_RSTATE *rs, int type, const char *text, STRBUF *why)
{
	long    notify;

	switch (type) {
	case REC_TYPE_DSN_ORCPT:
		if (rs->pending.dsn_orcpt)
			break;
		rs->pending.dsn_orcpt = xstrdup(text);
		rs->have_pending = 1;
		return 0;
	case REC_TYPE_DSN_NOTIFY:
		if (rs->pending.dsn_notify
		    || parse_long(text, &notify, 1, 15) < 0) {
			strbuf_printf(why, "bad DSN notify record: %.100s", text);
			return -1;
		}
		rs->pending.dsn_notify = (int) notify;
		rs->have_pending = 1;
		return 0;
	case REC_TYPE_ORCP:
		if (rs->pending.orig)
			break;
		rs->pending.orig = xstrdup(text);
		rs->have_pending = 1;
		return 0;
	}
	strbuf_printf(why, "duplicate %s record", rec_type_name(type));
	return -1;
}

/* qfile_read - read and check a whole queue file */

QFILE *
qfile_read(IOSTREAM *st, size_t limit, int keep_content, STRBUF *why)
{
	QFILE  *q = xcalloc(1, sizeof(*q));
	STRBUF *buf = strbuf_create(100);
	QFILE_RSTATE rs;
	int     section = QFILE_W_ENVELOPE;
	int     prev = 0;
	int     type;
	int     have_time = 0;
	long    ret;
	off_t   offset;
	off_t   data_offset = -1;

	memset(&rs, 0, sizeof(rs));
	q->attrs = argv_create();
	q->xattrs = argv_create();
	if (keep_content)
		q->content = strbuf_create(1000);

#define QFILE_BAD(...) do { strbuf_printf(why, __VA_ARGS__); goto bad; } while (0)

	for (;;) {
		offset = iostream_tell(st);
		type = rec_get(st, buf, limit, why);
		if (type == REC_TYPE_ERROR)
			goto bad;
		if (type == REC_TYPE_EOF)
			QFILE_BAD("missing end marker (premature end of file)");
		if (prev == 0 && type != REC_TYPE_SIZE)
			QFILE_BAD("first record is not a size record");
		if (rs.have_pending && type != REC_TYPE_RCPT && type != REC_TYPE_DONE
		    && type != REC_TYPE_ORCP && type != REC_TYPE_DSN_ORCPT
		    && type != REC_TYPE_DSN_NOTIFY)
			QFILE_BAD("%s record without recipient",
				  rs.pending.orig ? "original_recipient" : "DSN");
		if (prev == REC_TYPE_CONT && type != REC_TYPE_CONT
		    && type != REC_TYPE_NORM)
			QFILE_BAD("unterminated text before %s record",
				  rec_type_name(type));
		if (type == REC_TYPE_END) {
			if (section != QFILE_W_EXTRACTED)
				QFILE_BAD("out-of-order end marker");
			break;
		}
		if (section == QFILE_W_ENVELOPE) {
			if (type == REC_TYPE_MESG) {
				if (!have_time || q->sender == NULL)
					QFILE_BAD("envelope without %s record",
						  have_time ? "sender" : "time");
				data_offset = iostream_tell(st);
				if (data_offset != q->size[QFILE_SIZE_DATA_OFFSET])
					QFILE_BAD("data offset %ld does not match size record %ld",
					  (long) data_offset, q->size[QFILE_SIZE_DATA_OFFSET]);
				section = QFILE_W_CONTENT;
				prev = type;
				continue;
			}
			if (!strchr(REC_TYPE_ENVELOPE_SET, type))
				QFILE_BAD("unexpected %s record in the envelope",
					  rec_type_name(type));
		} else if (section == QFILE_W_CONTENT) {
			if (type == REC_TYPE_XTRA) {
				if (offset - data_offset != q->size[QFILE_SIZE_CONTENT])
					QFILE_BAD("content size %ld does not match size record %ld",
					   (long) (offset - data_offset),
					   q->size[QFILE_SIZE_CONTENT]);
				section = QFILE_W_EXTRACTED;
				prev = type;
				continue;
			}
			if (!strchr(REC_TYPE_CONTENT_SET, type))
				QFILE_BAD("unexpected %s record in the content",
					  rec_type_name(type));
		} else if (!strchr(REC_TYPE_EXTRACT_SET, type)) {
			QFILE_BAD("unexpected %s record in the extracted section",
				  rec_type_name(type));
		}
		switch (type) {
		case REC_TYPE_SIZE:
			if (prev != 0)
				QFILE_BAD("size record is not first");
			if (qfile_parse_longs(strbuf_str(buf), q->size,
					      REC_SIZE_FIELDS) < 0)
				QFILE_BAD("bad size record: %.100s", strbuf_str(buf));
			break;
		case REC_TYPE_TIME:
			if (have_time++)
				QFILE_BAD("duplicate time record");
			{
				long    tv[2];

				if (qfile_parse_longs(strbuf_str(buf), tv, 2) < 0
				    || tv[1] > 999999)
					QFILE_BAD("bad time record: %.100s",
						  strbuf_str(buf));
				q->arrival_sec = tv[0];
				q->arrival_usec = tv[1];
			}
			break;
		case REC_TYPE_FULL:
			if (q->fullname)
				QFILE_BAD("duplicate full name record");
			q->fullname = xstrdup(strbuf_str(buf));
			break;
		case REC_TYPE_FROM:
			if (q->sender)
				QFILE_BAD("duplicate sender record");
			q->sender = xstrdup(strbuf_str(buf));
			break;
		case REC_TYPE_ATTR:
			if (strchr(strbuf_str(buf), '=') == NULL
			    || strbuf_str(buf)[0] == '=')
				QFILE_BAD("bad attribute record: %.100s",
					  strbuf_str(buf));
			argv_add(section == QFILE_W_ENVELOPE ? q->attrs : q->xattrs,
				 strbuf_str(buf));
			break;
		case REC_TYPE_WARN:
			break;
		case REC_TYPE_DSN_RET:
			if (q->dsn_ret || parse_long(strbuf_str(buf), &ret, 1, 2) < 0)
				QFILE_BAD("bad DSN ret record: %.100s", strbuf_str(buf));
			q->dsn_ret = (int) ret;
			break;
		case REC_TYPE_DSN_ENVID:
			if (q->dsn_envid)
				QFILE_BAD("duplicate DSN envelope ID record");
			q->dsn_envid = xstrdup(strbuf_str(buf));
			break;
		case REC_TYPE_DSN_ORCPT:
		case REC_TYPE_DSN_NOTIFY:
		case REC_TYPE_ORCP:
			if (qfile_rcpt_part(&rs, type, strbuf_str(buf), why) < 0)
				goto bad;
			break;
		case REC_TYPE_RCPT:
		case REC_TYPE_DONE:
		case REC_TYPE_DRCP:
			if (type == REC_TYPE_DRCP) {
				xfree(rs.pending.orig);
				xfree(rs.pending.dsn_orcpt);
				memset(&rs.pending, 0, sizeof(rs.pending));
				rs.have_pending = 0;
				break;
			}
			if (section == QFILE_W_ENVELOPE)
				qfile_add_rcpt(&q->rcpts, &q->rcpt_count, &rs,
					       strbuf_str(buf), offset,
					       type == REC_TYPE_DONE);
			else
				qfile_add_rcpt(&q->xrcpts, &q->xrcpt_count, &rs,
					       strbuf_str(buf), offset,
					       type == REC_TYPE_DONE);
			break;
		case REC_TYPE_NORM:
			q->line_count++;
			/* FALLTHROUGH */
		case REC_TYPE_CONT:
			if (q->content) {
				strbuf_append(q->content, strbuf_str(buf),
					      strbuf_len(buf));
				if (type == REC_TYPE_NORM)
					strbuf_append_char(q->content, '\n');
			}
			break;
		case REC_TYPE_DTXT:
			break;
		case REC_TYPE_RRTO:
			xfree(q->return_receipt);
			q->return_receipt = xstrdup(strbuf_str(buf));
			break;
		case REC_TYPE_ERTO:
			xfree(q->errors_to);
			q->errors_to = xstrdup(strbuf_str(buf));
			break;
		default:
			QFILE_BAD("unexpected %s record", rec_type_name(type));
		}
		prev = type;
	}
	if (q->rcpt_count != q->size[QFILE_SIZE_RCPT_COUNT])
		QFILE_BAD("recipient count %d does not match size record %ld",
			  q->rcpt_count, q->size[QFILE_SIZE_RCPT_COUNT]);
	if (iostream_getc(st) != IOS_EOF)
		QFILE_BAD("data after the end marker");
	strbuf_free(&buf);
	return q;

bad:
	xfree(rs.pending.orig);
	xfree(rs.pending.dsn_orcpt);
	strbuf_free(&buf);
	qfile_free(q);
	return NULL;
}
