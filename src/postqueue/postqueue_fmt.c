/*
 * postqueue_fmt.c - mailq and JSON listings from showq's item stream
 *
 * The mailq layout is Postfix's, column for column, because scripts
 * parse it (the postsuper(1) manual itself shows an awk one):
 *
 *	-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
 *	A1B2C3D4E5*     1234 Thu Jan  1 00:00:00  sender@example.com
 *	                                         rcpt@example.com
 *
 * The ID is followed by "*" (active queue) or "!" (hold queue), and by
 * "#" when its expiration was forced. A "(reason)" line, right-aligned
 * to column 78 where it fits, comes before the first recipient with
 * that reason; "(reason unavailable)" when a recipient without one
 * follows one with a reason. Messages are separated by an empty line,
 * and the listing ends with "-- N Kbytes in M Requests." (N = total
 * size / 1024, rounded down; "Request" when M is 1), or is just "Mail
 * queue is empty". With enable_long_queue_ids the columns are wider
 * and the arrival time loses its trailing blank.
 *
 * JSON: one object per message on one line, members in Postfix's order
 * (queue_name, queue_id, arrival_time, message_size, forced_expire,
 * sender, recipients: [{address, delay_reason when known}]).
 */

#include "sysdeps.h"

#include <string.h>
#include <time.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"		/* global */
#include "showq_proto.h"
#include "postqueue.h"

struct PQ_FMT {
	int     style;			/* PQ_FMT_* */
	int     long_ids;
	IOSTREAM *out;			/* borrowed */
	unsigned long messages;
	unsigned long total_size;
	int     in_message;		/* JSON: an object is open */
	int     rcpt_count;		/* recipients of the current message */
	STRBUF *reason;			/* mailq: the reason last shown */
	STRBUF *quote;			/* JSON scratch */
};

/* Column widths of the two mailq layouts (Postfix's). */
#define PQ_ID_WIDTH(f)		((f)->long_ids ? 17 : 11)
#define PQ_SIZE_WIDTH(f)	((f)->long_ids ? 8 : 7)
#define PQ_TIME_WIDTH(f)	((f)->long_ids ? 19 : 20)

/* Where a "(reason)" line ends (its closing parenthesis in column 78). */
#define PQ_REASON_END		76

/* pq_fmt_create - make a formatter */

PQ_FMT *
pq_fmt_create(int style, int long_ids, IOSTREAM *out)
{
	PQ_FMT *fmt = xcalloc(1, sizeof(*fmt));

	fmt->style = style;
	fmt->long_ids = long_ids;
	fmt->out = out;
	fmt->reason = strbuf_create(100);
	fmt->quote = strbuf_create(100);
	return fmt;
}

/* pq_fmt_free - forget a formatter */

void
pq_fmt_free(PQ_FMT *fmt)
{
	strbuf_free(&fmt->reason);
	strbuf_free(&fmt->quote);
	xfree(fmt);
}

/* pq_json_quote - JSON string escapes */

void
pq_json_quote(STRBUF *out, const char *text)
{
	const unsigned char *cp;

	for (cp = (const unsigned char *) text; *cp; cp++) {
		switch (*cp) {
		case '"':
		case '\\':
			strbuf_append_char(out, '\\');
			strbuf_append_char(out, *cp);
			break;
		case '\b':
			strbuf_append_str(out, "\\b");
			break;
		case '\f':
			strbuf_append_str(out, "\\f");
			break;
		case '\n':
			strbuf_append_str(out, "\\n");
			break;
		case '\r':
			strbuf_append_str(out, "\\r");
			break;
		case '\t':
			strbuf_append_str(out, "\\t");
			break;
		default:
			/* Like Postfix, DEL is escaped too. */
			if (*cp < 0x20 || *cp == 0x7f)
				strbuf_append_printf(out, "\\u%04X", *cp);
			else
				strbuf_append_char(out, *cp);
			break;
		}
	}
}

/* pq_json - a quoted JSON string value (valid until the next call) */

static const char *
pq_json(PQ_FMT *fmt, const char *text)
{
	strbuf_reset(fmt->quote);
	pq_json_quote(fmt->quote, text);
	return strbuf_str(fmt->quote);
}

/* pq_fmt_close_json - finish the open JSON object */

static void
pq_fmt_close_json(PQ_FMT *fmt)
{
	if (fmt->style == PQ_FMT_JSON && fmt->in_message)
		iostream_puts(fmt->out, "]}\n");
	fmt->in_message = 0;
}

/* pq_fmt_time - asctime()'s text without its newline: "Thu Jan  1 00:00:00 1970" */

static void
pq_fmt_time(long when, char *buf, size_t size)
{
	time_t  t = (time_t) when;
	struct tm *tm;

	if ((tm = localtime(&t)) == NULL
	    || strftime(buf, size, "%a %b %e %H:%M:%S %Y", tm) == 0)
		memcpy(buf, "???", size < 4 ? size : 4);
}

/* pq_fmt_message - start a message */

void
pq_fmt_message(PQ_FMT *fmt, const PQ_MSG *msg)
{
	STRBUF *id;
	char    date[64];

	if (fmt->style == PQ_FMT_JSON) {
		pq_fmt_close_json(fmt);
		iostream_printf(fmt->out, "{\"queue_name\": \"%s\", ",
				pq_json(fmt, msg->queue_name));
		iostream_printf(fmt->out, "\"queue_id\": \"%s\", ",
				pq_json(fmt, msg->queue_id));
		iostream_printf(fmt->out, "\"arrival_time\": %ld, ", msg->arrival_time);
		iostream_printf(fmt->out, "\"message_size\": %ld, ", msg->message_size);
		iostream_printf(fmt->out, "\"forced_expire\": %s, ",
				msg->forced_expire ? "true" : "false");
		iostream_printf(fmt->out, "\"sender\": \"%s\", ",
				pq_json(fmt, msg->sender));
		iostream_puts(fmt->out, "\"recipients\": [");
		fmt->in_message = 1;
	} else {
		if (fmt->messages > 0)
			iostream_puts(fmt->out, "\n");
		else
			iostream_printf(fmt->out, "%-*s %*s %-*s %s\n",
					PQ_ID_WIDTH(fmt),
					fmt->long_ids ? "----Queue ID-----" : "-Queue ID-",
					PQ_SIZE_WIDTH(fmt), "--Size--",
					PQ_TIME_WIDTH(fmt),
					fmt->long_ids ? "---Arrival Time----" :
					"----Arrival Time----",
					fmt->long_ids ? "--Sender/Recipient------" :
					"-Sender/Recipient-------");
		id = strbuf_create(40);
		strbuf_set(id, msg->queue_id);
		if (strcmp(msg->queue_name, "active") == 0)
			strbuf_append_char(id, '*');
		else if (strcmp(msg->queue_name, "hold") == 0)
			strbuf_append_char(id, '!');
		if (msg->forced_expire)
			strbuf_append_char(id, '#');
		pq_fmt_time(msg->arrival_time, date, sizeof(date));
		/* asctime()'s first 20 (19) characters: the blank after the time too. */
		iostream_printf(fmt->out, "%-*s %*ld %-*.*s %s\n",
				PQ_ID_WIDTH(fmt), strbuf_str(id),
				PQ_SIZE_WIDTH(fmt), msg->message_size,
				PQ_TIME_WIDTH(fmt), PQ_TIME_WIDTH(fmt), date,
				msg->sender);
		strbuf_free(&id);
		strbuf_reset(fmt->reason);
	}
	fmt->messages++;
	fmt->total_size += msg->message_size > 0 ? (unsigned long) msg->message_size : 0;
	fmt->rcpt_count = 0;
}

/* pq_fmt_rcpt - one recipient of the current message */

void
pq_fmt_rcpt(PQ_FMT *fmt, const char *address, const char *reason)
{
	const char *show;
	int     pad;

	if (fmt->style == PQ_FMT_JSON) {
		iostream_printf(fmt->out, "%s{\"address\": \"%s\"",
				fmt->rcpt_count ? ", " : "", pq_json(fmt, address));
		if (*reason)
			iostream_printf(fmt->out, ", \"delay_reason\": \"%s\"",
					pq_json(fmt, reason));
		iostream_puts(fmt->out, "}");
	} else {
		if (strcmp(strbuf_str(fmt->reason), reason) != 0) {
			strbuf_set(fmt->reason, reason);
			show = *reason ? reason : "reason unavailable";
			if ((pad = PQ_REASON_END - (int) strlen(show)) < 0)
				pad = 0;
			iostream_printf(fmt->out, "%*s(%s)\n", pad, "", show);
		}
		iostream_printf(fmt->out, "%-*s %*s %-*s %s\n",
				PQ_ID_WIDTH(fmt), "", PQ_SIZE_WIDTH(fmt), "",
				PQ_TIME_WIDTH(fmt), "", address);
	}
	fmt->rcpt_count++;
}

/* pq_fmt_end - finish the listing */

void
pq_fmt_end(PQ_FMT *fmt)
{
	if (fmt->style == PQ_FMT_JSON) {
		pq_fmt_close_json(fmt);
	} else if (fmt->messages == 0) {
		iostream_puts(fmt->out, "Mail queue is empty\n");
	} else {
		iostream_printf(fmt->out, "\n-- %lu Kbytes in %lu Request%s.\n",
				fmt->total_size / 1024, fmt->messages,
				fmt->messages == 1 ? "" : "s");
	}
}

/* pq_fmt_showq - format a whole showq stream */

int
pq_fmt_showq(IOSTREAM *showq, PQ_FMT *fmt, STRBUF *why)
{
	STRBUF *type = strbuf_create(20);
	STRBUF *queue = strbuf_create(20);
	STRBUF *id = strbuf_create(40);
	STRBUF *sender = strbuf_create(100);
	STRBUF *addr = strbuf_create(100);
	STRBUF *reason = strbuf_create(100);
	PQ_MSG  msg;
	int     ret = -1;

	for (;;) {
		if (attr_scan(showq, ATTR_FLAG_MORE | ATTR_FLAG_STRICT,
			      ATTR_RECV_STR(SHOWQ_ATTR_TYPE, type),
			      ATTR_TYPE_END) != 1) {
			strbuf_set(why, "malformed showq server response");
			break;
		}
		if (strcmp(strbuf_str(type), SHOWQ_TYPE_MESSAGE) == 0) {
			memset(&msg, 0, sizeof(msg));
			if (attr_scan(showq, ATTR_FLAG_STRICT,
				      ATTR_RECV_STR(SHOWQ_ATTR_QUEUE, queue),
				      ATTR_RECV_STR(SHOWQ_ATTR_ID, id),
				      ATTR_RECV_LONG(SHOWQ_ATTR_TIME, &msg.arrival_time),
				      ATTR_RECV_LONG(SHOWQ_ATTR_SIZE, &msg.message_size),
				      ATTR_RECV_INT(SHOWQ_ATTR_EXPIRE, &msg.forced_expire),
				      ATTR_RECV_STR(SHOWQ_ATTR_SENDER, sender),
				      ATTR_TYPE_END) != 6) {
				strbuf_set(why, "malformed showq server response");
				break;
			}
			msg.queue_name = strbuf_str(queue);
			msg.queue_id = strbuf_str(id);
			msg.sender = strbuf_str(sender);
			pq_fmt_message(fmt, &msg);
		} else if (strcmp(strbuf_str(type), SHOWQ_TYPE_RCPT) == 0) {
			if (attr_scan(showq, ATTR_FLAG_STRICT,
				      ATTR_RECV_STR(SHOWQ_ATTR_RCPT, addr),
				      ATTR_RECV_STR(SHOWQ_ATTR_REASON, reason),
				      ATTR_TYPE_END) != 2 || fmt->messages == 0) {
				strbuf_set(why, "malformed showq server response");
				break;
			}
			pq_fmt_rcpt(fmt, strbuf_str(addr), strbuf_str(reason));
		} else if (strcmp(strbuf_str(type), SHOWQ_TYPE_END) == 0) {
			if (attr_scan(showq, ATTR_FLAG_STRICT, ATTR_TYPE_END) != 0) {
				strbuf_set(why, "malformed showq server response");
				break;
			}
			ret = 0;
			break;
		} else {
			strbuf_set(why, "malformed showq server response");
			break;
		}
		if (iostream_error(fmt->out))
			break;			/* the reader went away */
	}
	/* Postfix prints no summary after a broken stream; JSON lines stay whole. */
	if (ret == 0)
		pq_fmt_end(fmt);
	else
		pq_fmt_close_json(fmt);
	strbuf_free(&type);
	strbuf_free(&queue);
	strbuf_free(&id);
	strbuf_free(&sender);
	strbuf_free(&addr);
	strbuf_free(&reason);
	return ret;
}
