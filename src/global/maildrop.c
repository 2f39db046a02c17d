/*
 * maildrop.c - the maildrop file format: build and check record streams
 *
 * The checker is a small state machine over the sections of the
 * stream; it knows nothing about files, so postdrop (reading standard
 * input) and pickup (reading a user's file) apply the same rules. The
 * text copier is sendmail's half: message lines from standard input
 * become content records.
 */

#include "sysdeps.h"

#include <ctype.h>

#include "iostream.h"		/* util */
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"	/* global */
#include "maildrop.h"
#include "rec.h"

/* maildrop_check_init - start checking a new stream */

void
maildrop_check_init(MAILDROP_CHECK *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->section = MAILDROP_SECT_ENVELOPE;
}

/* maildrop_check_time - "sec usec", both decimal (or just one number) */

static int
maildrop_check_time(const char *data)
{
	const char *cp = data;
	int     fields = 0;

	while (*cp) {
		if (!isdigit((unsigned char) *cp))
			return -1;
		while (isdigit((unsigned char) *cp))
			cp++;
		fields++;
		if (*cp == ' ')
			cp++;
		else if (*cp)
			return -1;
	}
	return (fields == 1 || fields == 2) ? 0 : -1;
}

/* maildrop_check_trace - "trace_flags=N" with only the bits users may set */

static int
maildrop_check_trace(const char *data)
{
	static const char prefix[] = MAILDROP_ATTR_TRACE_FLAGS "=";
	long	flags;

	if (strncmp(data, prefix, sizeof(prefix) - 1) != 0
	    || parse_long(data + sizeof(prefix) - 1, &flags, 1, 255) < 0
	    || (flags & ~(long) (DEL_REQ_FLAG_USR_VRFY | DEL_REQ_FLAG_RECORD)) != 0)
		return -1;
	return 0;
}

/* maildrop_check_envelope - one record before REC_TYPE_MESG */

static int
maildrop_check_envelope(MAILDROP_CHECK *mc, int type, const char *data,
			size_t len, STRBUF *why)
{
	switch (type) {
	case REC_TYPE_TIME:
		if (mc->saw_time++ || maildrop_check_time(data) < 0) {
			strbuf_set(why, "bad or repeated time record");
			return -1;
		}
		return 0;
	case REC_TYPE_ATTR:
		if (strcmp(data, MAILDROP_ATTR_EXTRACT "=yes") == 0) {
			mc->extract = 1;
			return 0;
		}
		if (maildrop_check_trace(data) == 0)
			return 0;
		strbuf_printf(why, "unexpected attribute record: %.100s", data);
		return -1;
	case REC_TYPE_DSN_RET:
		if (mc->saw_ret++ || mc->saw_from
		    || (strcmp(data, "1") != 0 && strcmp(data, "2") != 0)) {
			strbuf_set(why, "bad or misplaced DSN RET record");
			return -1;
		}
		return 0;
	case REC_TYPE_DSN_ENVID:
		if (mc->saw_envid++ || mc->saw_from) {
			strbuf_set(why, "misplaced DSN ENVID record");
			return -1;
		}
		return 0;
	case REC_TYPE_FULL:
		if (mc->saw_full++ || mc->saw_from) {
			strbuf_set(why, "misplaced full name record");
			return -1;
		}
		return 0;
	case REC_TYPE_FROM:
		if (mc->saw_from++) {
			strbuf_set(why, "more than one sender record");
			return -1;
		}
		return 0;
	case REC_TYPE_DSN_NOTIFY:
		if (maildrop_check_time(data) < 0 || strchr(data, ' ') != NULL) {
			strbuf_set(why, "bad DSN NOTIFY record");
			return -1;
		}
		/* FALLTHROUGH */
	case REC_TYPE_DSN_ORCPT:
	case REC_TYPE_RCPT:
		if (!mc->saw_from) {
			strbuf_printf(why, "%s record before the sender",
				      rec_type_name(type));
			return -1;
		}
		if (type == REC_TYPE_RCPT) {
			if (len == 0) {
				strbuf_set(why, "empty recipient record");
				return -1;
			}
			mc->rcpt_count++;
		}
		return 0;
	case REC_TYPE_MESG:
		if (!mc->saw_from) {
			strbuf_set(why, "no sender record");
			return -1;
		}
		mc->section = MAILDROP_SECT_CONTENT;
		return 0;
	default:
		strbuf_printf(why, "unexpected %s record in the envelope",
			      rec_type_name(type));
		return -1;
	}
}

/* maildrop_check_rec - is this record allowed here */

int
maildrop_check_rec(MAILDROP_CHECK *mc, int type, const char *data,
		   size_t len, STRBUF *why)
{
	switch (mc->section) {
	case MAILDROP_SECT_ENVELOPE:
		return maildrop_check_envelope(mc, type, data, len, why);
	case MAILDROP_SECT_CONTENT:
		if (type == REC_TYPE_NORM || type == REC_TYPE_CONT) {
			mc->in_line = (type == REC_TYPE_CONT);
			mc->content_size += (long) len;
			return 0;
		}
		if (type == REC_TYPE_XTRA && !mc->in_line) {
			mc->section = MAILDROP_SECT_EXTRACTED;
			return 0;
		}
		strbuf_printf(why, "unexpected %s record in the content",
			      rec_type_name(type));
		return -1;
	case MAILDROP_SECT_EXTRACTED:
		if (type == REC_TYPE_END) {
			mc->section = MAILDROP_SECT_DONE;
			return 0;
		}
		strbuf_printf(why, "unexpected %s record after the content",
			      rec_type_name(type));
		return -1;
	default:
		strbuf_printf(why, "%s record after the end record",
			      rec_type_name(type));
		return -1;
	}
}

/* maildrop_check_end - was the stream complete */

int
maildrop_check_end(const MAILDROP_CHECK *mc, STRBUF *why)
{
	if (mc->section != MAILDROP_SECT_DONE) {
		strbuf_set(why, "premature end of input");
		return -1;
	}
	return 0;
}

/* maildrop_copy_text - message lines to content records */

long
maildrop_copy_text(IOSTREAM *in, IOSTREAM *out, int flags, size_t chunk)
{
	STRBUF *line = strbuf_create(100);
	long    size = 0;
	int     status;
	int     line_start = 1;		/* this piece starts a line; then: the next */
	int     skipping = 0;		/* dropping the rest of a From_ line */
	int     first = 1;
	int     type;
	int     strip = (flags & MAILDROP_TEXT_STRIP_CR) != 0;
	int     undecided = !strip && (flags & MAILDROP_TEXT_STRIP_CR_FIRST);

	while ((status = iostream_get_line(in, line, chunk,
					   strip ? IOS_LINE_STRIP_CR : 0))
	       != IOS_EOF) {

		/*
		 * sendmail_fix_line_endings = strict: the end of the first
		 * line decides for the whole message, as in Postfix.
		 */
		if (undecided && status != IOS_LINE_MORE) {
			undecided = 0;
			if (status == IOS_LINE_COMPLETE && strbuf_len(line) > 0
			    && strbuf_str(line)[strbuf_len(line) - 1] == '\r') {
				strip = 1;
				strbuf_truncate(line, strbuf_len(line) - 1);
			}
		}
		if (first && line_start && (flags & MAILDROP_TEXT_SKIP_FROM)
		    && strncmp(strbuf_str(line), "From ", 5) == 0)
			skipping = 1;
		first = 0;
		if (line_start && status != IOS_LINE_MORE
		    && (flags & MAILDROP_TEXT_DOT)
		    && strcmp(strbuf_str(line), ".") == 0)
			break;
		line_start = (status != IOS_LINE_MORE);
		if (skipping) {
			skipping = !line_start;
			continue;
		}
		type = line_start ? REC_TYPE_NORM : REC_TYPE_CONT;
		if (rec_put(out, type, strbuf_str(line), strbuf_len(line)) != type) {
			size = -1;
			break;
		}
		size += (long) strbuf_len(line) + (line_start ? 1 : 0);
		if (status == IOS_LINE_LAST)
			break;
	}
	strbuf_free(&line);
	return size;
}
