/*
 * qfile.h - queue files: write the sections, mark recipients done, read
 *
 * A queue file is a sequence of records (rec.h) in three sections, as
 * qfile(5) describes: the envelope (size record first, arrival time,
 * attributes, sender, recipients, DSN information), the content after
 * a REC_TYPE_MESG record, the information extracted from headers after
 * a REC_TYPE_XTRA record, and a REC_TYPE_END record last. A file
 * without its end record is incomplete and must not be delivered.
 */

#ifndef QFILE_H
#define QFILE_H

#include "sysdeps.h"

#include <sys/types.h>

struct ARGV;
struct IOSTREAM;
struct STRBUF;

/* DSN NOTIFY bits (RFC 3461), as stored in REC_TYPE_DSN_NOTIFY. */
#define QFILE_NOTIFY_NEVER	(1 << 0)
#define QFILE_NOTIFY_SUCCESS	(1 << 1)
#define QFILE_NOTIFY_FAILURE	(1 << 2)
#define QFILE_NOTIFY_DELAY	(1 << 3)

/* DSN RET values, as stored in REC_TYPE_DSN_RET. */
#define QFILE_RET_FULL		1
#define QFILE_RET_HDRS		2

/*
 * The longest record a reader accepts: writers split content lines at
 * $line_length_limit, and no envelope record comes near 64 kbytes.
 */
#define QFILE_REC_LIMIT(line_length_limit) \
	((size_t) (line_length_limit) > 65536 ? (size_t) (line_length_limit) : 65536)

/* Standard named attributes. */
#define QFILE_ATTR_CREATE_TIME	"create_time"
#define QFILE_ATTR_CLIENT_NAME	"client_name"
#define QFILE_ATTR_CLIENT_ADDR	"client_address"
#define QFILE_ATTR_PROTO_NAME	"protocol_name"
#define QFILE_ATTR_HELO_NAME	"helo_name"
#define QFILE_ATTR_SASL_USER	"sasl_username"
#define QFILE_ATTR_REWRITE	"rewrite_context"

typedef struct QFILE_RCPT {
	char   *address;		/* R or D record */
	char   *orig;			/* O record, or NULL */
	char   *dsn_orcpt;		/* o record, or NULL */
	int     dsn_notify;		/* n record, or 0 */
	off_t   offset;			/* of the R/D record, for marking */
	int     done;			/* it was a D record */
} QFILE_RCPT;

/* What qfile_read() found. Strings are owned by the QFILE. */
typedef struct QFILE {
	long    size[6];		/* the size record's six fields */
	long    arrival_sec;
	long    arrival_usec;
	char   *sender;
	char   *fullname;		/* or NULL */
	struct ARGV *attrs;		/* envelope "name=value" */
	int     dsn_ret;		/* 0 if none */
	char   *dsn_envid;		/* or NULL */
	QFILE_RCPT *rcpts;
	int     rcpt_count;
	struct STRBUF *content;		/* lines, each ending in "\n" */
	int     line_count;
	QFILE_RCPT *xrcpts;		/* extracted from headers */
	int     xrcpt_count;
	struct ARGV *xattrs;		/* extracted "name=value" */
	char   *return_receipt;		/* or NULL */
	char   *errors_to;		/* or NULL */
} QFILE;

/* The size record's fields. */
#define QFILE_SIZE_CONTENT	0	/* bytes from first content record to X */
#define QFILE_SIZE_DATA_OFFSET	1	/* offset of the first content record */
#define QFILE_SIZE_RCPT_COUNT	2	/* envelope recipients (R and D) */
#define QFILE_SIZE_QMGR_FLAGS	3	/* reserved for the queue manager */
#define QFILE_SIZE_CONT_LENGTH	4	/* message length as sent */
#define QFILE_SIZE_SMTPUTF8	5	/* SMTPUTF8 requested */

/*
 * Writing, in this order: qfile_write_open(), envelope calls,
 * qfile_write_content(), lines, qfile_write_extracted(), extracted
 * calls, qfile_write_close(). Calls out of order are a program error
 * (panic). I/O errors are sticky and reported by qfile_write_close().
 */
typedef struct QFILE_WRITER QFILE_WRITER;

/* Start a file on st (borrowed, must be a seekable file at offset 0). */
extern QFILE_WRITER *qfile_write_open(struct IOSTREAM *st, long sec,
				      long usec, size_t chunk);
extern void qfile_write_attr(QFILE_WRITER *w, const char *name,
			     const char *value);
extern void qfile_write_fullname(QFILE_WRITER *w, const char *name);
extern void qfile_write_sender(QFILE_WRITER *w, const char *sender);
extern void qfile_write_dsn(QFILE_WRITER *w, int ret, const char *envid);

/*
 * A recipient with its optional original address, DSN ORCPT and DSN
 * NOTIFY (0: none). Returns the offset of its R record (for
 * qfile_mark_done()). Allowed in the envelope and extracted sections.
 */
extern off_t qfile_write_rcpt(QFILE_WRITER *w, const char *address,
			      const char *orig, const char *dsn_orcpt,
			      int dsn_notify);
extern void qfile_write_content(QFILE_WRITER *w);

/* One line without its newline; long lines become continuation records. */
extern void qfile_write_line(QFILE_WRITER *w, const char *line, size_t len);
extern void qfile_write_extracted(QFILE_WRITER *w);
extern void qfile_write_return_receipt(QFILE_WRITER *w, const char *addr);
extern void qfile_write_errors_to(QFILE_WRITER *w, const char *addr);

/*
 * Write the end record, fill in the size record, flush and fsync.
 * Returns 0, or -1 with the reason in why. Frees w; st stays open.
 */
extern int qfile_write_close(QFILE_WRITER *w, long content_length,
			     struct STRBUF *why);

/*
 * Mark the recipient whose R record is at offset in the file open on
 * fd as done: its type byte becomes D, in place, then fsync. Marking a
 * D record again is fine. Returns 0, or -1 with the reason in why.
 */
extern int qfile_mark_done(int fd, off_t offset, struct STRBUF *why);

/*
 * Read and check a whole file: record syntax and lengths (each record
 * at most limit bytes), section order, required records (size, time,
 * sender, end marker), recipient count, data offset and content size,
 * and nothing after the end record. Returns the file's contents
 * (caller frees with qfile_free()), or NULL with the reason in why.
 * The content is kept only when keep_content is set.
 */
extern QFILE *qfile_read(struct IOSTREAM *st, size_t limit,
			 int keep_content, struct STRBUF *why);
extern void qfile_free(QFILE *q);

/* Look up an envelope attribute; NULL if absent. Borrowed from q. */
extern const char *qfile_attr(const QFILE *q, const char *name);

#endif
