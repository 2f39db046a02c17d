/*
 * header_parse.h - message header lines: names, folding, known headers, MIME
 *
 * Small pieces the cleanup server's header/body state machine is built
 * from: recognising "Name:" (RFC 5322 2.2 field names, with the
 * obsolete white space before the colon), joining continuation lines
 * under header_size_limit, unfolding and folding, a table of the
 * headers the mail system treats specially, and the parts of MIME
 * (RFC 2045/2046) needed to follow nested parts: Content-Type type,
 * subtype and boundary, Content-Transfer-Encoding, boundary lines.
 * Nothing here allocates except into the caller's STRBUFs.
 */

#ifndef HEADER_PARSE_H
#define HEADER_PARSE_H

#include "sysdeps.h"

struct STRBUF;

/*
 * If text[0..len) starts a header ("Name:" with the name of printable
 * US-ASCII other than ":", optionally white space before the colon),
 * returns the length of the name and sets *value_off (if not NULL) to
 * the offset just past the colon and the white space after it.
 * Returns 0 for anything else, including a continuation line.
 */
extern size_t header_name_len(const char *text, size_t len, size_t *value_off);

/* A continuation line starts with a space or a tab. */
#define header_is_continuation(line, len) \
	((len) > 0 && ((line)[0] == ' ' || (line)[0] == '\t'))

/*
 * Adds one physical line (without its line ending) to a header being
 * collected: after a "\n" when hdr is not empty. Keeps hdr at most
 * limit bytes (0: no limit), discarding the excess as Postfix's
 * header_size_limit does. Returns 1 when something was discarded, else 0.
 */
extern int header_append_line(struct STRBUF *hdr, const char *line,
			      size_t len, size_t limit);

/*
 * Appends text with folding undone (RFC 5322 2.2.3): each CRLF or LF
 * followed by a space or tab is removed, the white space kept. A line
 * break not followed by white space is kept as it is.
 */
extern void header_unfold(struct STRBUF *out, const char *text);

/*
 * Appends a folded copy of an unfolded header: a "\n" is put before
 * white space so that lines stay within width bytes where the text
 * allows it (a word longer than width stays whole). Unfolding the
 * result gives the text back.
 */
extern void header_fold(struct STRBUF *out, const char *text, size_t width);

/* Headers the mail system knows; HDR_OTHER for the rest. */
typedef enum {
	HDR_OTHER = 0,
	HDR_APPARENTLY_TO, HDR_BCC, HDR_CC, HDR_CONTENT_DESCRIPTION,
	HDR_CONTENT_DISPOSITION, HDR_CONTENT_ID, HDR_CONTENT_LENGTH,
	HDR_CONTENT_TRANSFER_ENCODING, HDR_CONTENT_TYPE, HDR_DATE,
	HDR_DELIVERED_TO, HDR_DISP_NOTIFICATION_TO, HDR_ERRORS_TO, HDR_FROM,
	HDR_MAIL_FOLLOWUP_TO, HDR_MESSAGE_ID, HDR_MIME_VERSION, HDR_RECEIVED,
	HDR_REPLY_TO, HDR_RESENT_BCC, HDR_RESENT_CC, HDR_RESENT_DATE,
	HDR_RESENT_FROM, HDR_RESENT_MESSAGE_ID, HDR_RESENT_REPLY_TO,
	HDR_RESENT_SENDER, HDR_RESENT_TO, HDR_RETURN_PATH,
	HDR_RETURN_RECEIPT_TO, HDR_SENDER, HDR_SUBJECT, HDR_TO,
	HDR_X_ORIGINAL_TO,
} HEADER_ID;

#define HDR_F_SENDER	(1 << 0)	/* holds sender addresses */
#define HDR_F_RECIPIENT	(1 << 1)	/* holds recipient addresses */
#define HDR_F_RESENT	(1 << 2)	/* a Resent-* header (RFC 5322 3.6.6) */
#define HDR_F_EXTRACT	(1 << 3)	/* recipients for "sendmail -t" */
#define HDR_F_MIME	(1 << 4)	/* MIME header, also valid in a body part */
#define HDR_F_TRACE	(1 << 5)	/* trace header (Received, Return-Path) */

typedef struct HEADER_INFO {
	const char *name;		/* preferred spelling */
	HEADER_ID id;
	int     flags;
} HEADER_INFO;

/* Looks up a header name (len bytes, any case); NULL when not known. */
extern const HEADER_INFO *header_info_find(const char *name, size_t len);

/*
 * Parses a Content-Type value (RFC 2045 5.1): type and subtype are
 * stored in lower case, boundary gets the boundary parameter unquoted
 * ("" if none); boundary may be NULL. Comments are skipped. Returns 0,
 * or -1 when there is no "type/subtype" (RFC 2045 says: treat as
 * text/plain); type and subtype are then empty.
 */
extern int header_content_type(const char *value, struct STRBUF *type,
			       struct STRBUF *subtype, struct STRBUF *boundary);

/* Content-Transfer-Encoding values (RFC 2045 6.1). */
#define HEADER_CTE_7BIT		0
#define HEADER_CTE_8BIT		1
#define HEADER_CTE_BINARY	2
#define HEADER_CTE_QP		3	/* quoted-printable */
#define HEADER_CTE_BASE64	4
#define HEADER_CTE_OTHER	(-1)	/* unknown or x-token */

extern int header_cte(const char *value);

/*
 * Tells whether a body line (without line ending) is a boundary line
 * for boundary (RFC 2046 5.1.1; trailing white space allowed): returns
 * 1 for "--boundary", 2 for the closing "--boundary--", 0 otherwise.
 */
#define HEADER_BOUNDARY_NONE	0
#define HEADER_BOUNDARY_PART	1
#define HEADER_BOUNDARY_END	2

extern int header_boundary(const char *line, size_t len, const char *boundary);

#endif
