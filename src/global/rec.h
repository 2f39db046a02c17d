/*
 * rec.h - typed records: the unit of queue files
 *
 * A record is one type byte, its length as a base-128 number (seven bits
 * per byte, lowest first, the high bit set on every byte but the last),
 * and that many data bytes. The type letters are Postfix's, so that
 * postcat(1) shows the familiar names; the file layout built from them
 * is described in qfile(5).
 */

#ifndef REC_H
#define REC_H

#include "sysdeps.h"

#include <sys/types.h>

struct IOSTREAM;
struct STRBUF;

/* Results of rec_get() that are not record types. */
#define REC_TYPE_EOF	(-1)		/* clean end of input */
#define REC_TYPE_ERROR	(-2)		/* malformed, too long, or I/O error */

/* Envelope. */
#define REC_TYPE_SIZE	'C'		/* first record, fixed-width counters */
#define REC_TYPE_TIME	'T'		/* arrival time: "sec usec" */
#define REC_TYPE_FULL	'F'		/* sender full name */
#define REC_TYPE_FROM	'S'		/* sender, "" for the null sender */
#define REC_TYPE_RCPT	'R'		/* recipient still to deliver */
#define REC_TYPE_DONE	'D'		/* recipient marked done in place */
#define REC_TYPE_ORCP	'O'		/* original recipient (before rewriting) */
#define REC_TYPE_DRCP	'/'		/* canceled recipient */
#define REC_TYPE_ATTR	'A'		/* named attribute "name=value" */
#define REC_TYPE_WARN	'W'		/* time of the next delay warning */
#define REC_TYPE_DSN_RET	'<'	/* DSN RET: 1 FULL, 2 HDRS */
#define REC_TYPE_DSN_ENVID	'i'	/* DSN ENVID (xtext decoded) */
#define REC_TYPE_DSN_ORCPT	'o'	/* DSN ORCPT "type;address" */
#define REC_TYPE_DSN_NOTIFY	'n'	/* DSN NOTIFY bit mask, decimal */
#define REC_TYPE_MESG	'M'		/* start of the content */

/* Content. */
#define REC_TYPE_NORM	'N'		/* a line, or the last piece of one */
#define REC_TYPE_CONT	'L'		/* a piece of a long line; more follows */
#define REC_TYPE_DTXT	'w'		/* padding, ignored */
#define REC_TYPE_XTRA	'X'		/* start of the extracted section */

/* Extracted from headers (besides R, O, o, n, A). */
#define REC_TYPE_RRTO	'r'		/* Return-Receipt-To: */
#define REC_TYPE_ERTO	'e'		/* Errors-To: */
#define REC_TYPE_END	'E'		/* last record of a complete file */

/*
 * Client -> cleanup stream only, never in a queue file: more
 * CLEANUP_FLAG_HOLD / CLEANUP_FLAG_DISCARD bits (decimal) that a client
 * learned after it sent the request flags (smtpd's DATA and
 * end-of-data restrictions). Accepted in the envelope and after
 * REC_TYPE_XTRA. After REC_TYPE_XTRA cleanup also accepts
 * REC_TYPE_ATTR "content_filter=..." and "redirect_to=..." (FILTER and
 * REDIRECT of smtpd's end-of-data restrictions), which it writes into
 * the extracted section where they win over earlier ones.
 */
#define REC_TYPE_FLGS	'f'		/* extra request flags */

/* Which record types may appear in each section of a queue file. */
#define REC_TYPE_ENVELOPE_SET	"CTFSRDO/AW<ion"
#define REC_TYPE_CONTENT_SET	"NLw"
#define REC_TYPE_EXTRACT_SET	"RDO/Areon"

/* The size record: six fixed-width fields, so it can be rewritten. */
#define REC_SIZE_FIELDS		6
#define REC_SIZE_WIDTH		15
#define REC_SIZE_LEN		(REC_SIZE_FIELDS * (REC_SIZE_WIDTH + 1) - 1)

/* Printable name of a type ("recipient"), "unknown_record_type" if none. */
extern const char *rec_type_name(int type);

/* Is type a record type this format knows? */
extern int rec_type_known(int type);

/*
 * Append one record. Returns type, or REC_TYPE_ERROR when the stream
 * has failed (errors are sticky; check once at the end with a flush).
 */
extern int rec_put(struct IOSTREAM *st, int type, const void *data,
		   size_t len);
extern int rec_puts(struct IOSTREAM *st, int type, const char *str);
extern int rec_printf(struct IOSTREAM *st, int type, const char *fmt, ...)
	PRINTFLIKE(3, 4);

/*
 * Append one line of text as content records: pieces of at most chunk
 * bytes as REC_TYPE_CONT, the rest (possibly empty) as REC_TYPE_NORM.
 * chunk 0 means no splitting. Returns REC_TYPE_NORM or REC_TYPE_ERROR.
 */
extern int rec_put_line(struct IOSTREAM *st, const char *line, size_t len,
			size_t chunk);

/*
 * Read one record into buf (replacing its contents; NUL-terminated).
 * Returns its type, REC_TYPE_EOF at a clean end of input (before the
 * type byte), or REC_TYPE_ERROR with the reason in why: truncated
 * record, unknown type, length encoding longer than five bytes, or a
 * length above limit (the data is then not read).
 */
extern int rec_get(struct IOSTREAM *st, struct STRBUF *buf, size_t limit,
		   struct STRBUF *why);

#endif
