/*
 * rec.c - typed records: write with a length prefix, read with limits
 *
 * The reader trusts nothing: queue files may be damaged by a crash or a
 * full disk, and postcat reads files named by anyone. Every length is
 * bounded before memory is committed to it, and every record type must
 * be one the format defines.
 */

#include "sysdeps.h"

#include <stdarg.h>
#include <string.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "strbuf.h"
#include "rec.h"		/* global */

/* The longest length prefix: 5 x 7 bits covers any 32-bit length. */
#define REC_LEN_BYTES_MAX	5

static const struct {
	int     type;
	const char *name;
} rec_names[] = {
	/* Names as Postfix's postcat prints them. */
	{REC_TYPE_SIZE, "message_size"},
	{REC_TYPE_TIME, "message_arrival_time"},
	{REC_TYPE_FULL, "sender_fullname"},
	{REC_TYPE_FROM, "sender"},
	{REC_TYPE_RCPT, "recipient"},
	{REC_TYPE_DONE, "done_recipient"},
	{REC_TYPE_ORCP, "original_recipient"},
	{REC_TYPE_DRCP, "canceled_recipient"},
	{REC_TYPE_ATTR, "named_attribute"},
	{REC_TYPE_WARN, "warning_message_time"},
	{REC_TYPE_DSN_RET, "dsn_return_flags"},
	{REC_TYPE_DSN_ENVID, "dsn_envelope_id"},
	{REC_TYPE_DSN_ORCPT, "dsn_original_recipient"},
	{REC_TYPE_DSN_NOTIFY, "dsn_notify_flags"},
	{REC_TYPE_MESG, "message_content"},
	{REC_TYPE_NORM, "regular_text"},
	{REC_TYPE_CONT, "unterminated_text"},
	{REC_TYPE_DTXT, "padding"},
	{REC_TYPE_XTRA, "extracted_info"},
	{REC_TYPE_RRTO, "return_receipt"},
	{REC_TYPE_ERTO, "errors_to"},
	{REC_TYPE_END, "message_end"},
	{REC_TYPE_FLGS, "cleanup_flags"},
	{0, 0},
};

/* rec_type_name - printable name of a record type */

const char *
rec_type_name(int type)
{
	int     i;

	for (i = 0; rec_names[i].name; i++)
		if (rec_names[i].type == type)
			return rec_names[i].name;
	return "unknown_record_type";
}

/* rec_type_known - does this format define the type */

int
rec_type_known(int type)
{
	int     i;

	for (i = 0; rec_names[i].name; i++)
		if (rec_names[i].type == type)
			return 1;
	return 0;
}

/* rec_put - append one record with its length prefix */

int
rec_put(IOSTREAM *st, int type, const void *data, size_t len)
{
	size_t  n = len;
	int     byte;

	if (len > 0xffffffffUL)
		log_panic("rec_put: record length %lu", (unsigned long) len);
	iostream_putc(st, type);
	do {
		byte = n & 0177;
		n >>= 7;
		if (n)
			byte |= 0200;
		iostream_putc(st, byte);
	} while (n);
	if (iostream_write(st, data, len) < 0)
		return REC_TYPE_ERROR;
	return type;
}

/* rec_puts - append a record holding a string */

int
rec_puts(IOSTREAM *st, int type, const char *str)
{
	return rec_put(st, type, str, strlen(str));
}

/* rec_printf - append a record holding formatted text */

int
rec_printf(IOSTREAM *st, int type, const char *fmt, ...)
{
	STRBUF *buf = strbuf_create(100);
	va_list ap;
	int     ret;

	va_start(ap, fmt);
	strbuf_append_vprintf(buf, fmt, ap);
	va_end(ap);
	ret = rec_put(st, type, strbuf_str(buf), strbuf_len(buf));
	strbuf_free(&buf);
	return ret;
}

/* rec_put_line - one text line, split into continuation records */

int
rec_put_line(IOSTREAM *st, const char *line, size_t len, size_t chunk)
{
	while (chunk > 0 && len > chunk) {
		if (rec_put(st, REC_TYPE_CONT, line, chunk) < 0)
			return REC_TYPE_ERROR;
		line += chunk;
		len -= chunk;
	}
	return rec_put(st, REC_TYPE_NORM, line, len);
}

/* rec_get - read one record, refusing anything malformed */

int
rec_get(IOSTREAM *st, STRBUF *buf, size_t limit, STRBUF *why)
{
	unsigned long len = 0;
	int     type;
	int     ch;
	int     shift;
	int     i;

	strbuf_reset(buf);
	if ((type = iostream_getc(st)) == IOS_EOF) {
		if (iostream_error(st) || iostream_timeout(st)) {
			strbuf_set(why, "read error");
			return REC_TYPE_ERROR;
		}
		return REC_TYPE_EOF;
	}
	if (!rec_type_known(type)) {
		strbuf_printf(why, "unknown record type %d", type);
		return REC_TYPE_ERROR;
	}
	for (i = 0, shift = 0; /* void */ ; i++, shift += 7) {
		if (i >= REC_LEN_BYTES_MAX) {
			strbuf_printf(why, "record type %c: bad length encoding",
				      type);
			return REC_TYPE_ERROR;
		}
		if ((ch = iostream_getc(st)) == IOS_EOF) {
			strbuf_printf(why, "record type %c: truncated length",
				      type);
			return REC_TYPE_ERROR;
		}
		len |= (unsigned long) (ch & 0177) << shift;
		if ((ch & 0200) == 0)
			break;
	}
	/* One encoding per length: a zero last byte means a padded one. */
	if (i > 0 && ch == 0) {
		strbuf_printf(why, "record type %c: bad length encoding", type);
		return REC_TYPE_ERROR;
	}
	if (len > limit) {
		strbuf_printf(why, "record type %c: length %lu exceeds limit %lu",
			      type, len, (unsigned long) limit);
		return REC_TYPE_ERROR;
	}
	if (iostream_get_record(st, buf, (size_t) len) < 0) {
		strbuf_printf(why, "record type %c: truncated data", type);
		return REC_TYPE_ERROR;
	}
	return type;
}
