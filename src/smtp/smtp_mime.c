/*
 * smtp_mime.c - 8-bit MIME content to 7-bit for a server without 8BITMIME
 *
 * A line-by-line MIME walker: every entity whose header says
 * "Content-Transfer-Encoding: 8bit" (or binary) and that is not a
 * container gets its body encoded as quoted-printable (RFC 2045 6.7)
 * and that header rewritten; a multipart or message/rfc822 entity
 * declared 8bit is relabelled 7bit, and its parts are walked in turn.
 * As with Postfix, content that is not labelled 8bit is passed on
 * unchanged, and so are headers.
 *
 * Security: the input is untrusted. Header blocks are kept up to
 * SMTP_MIME_HDR_LIMIT lines and nesting up to SMTP_MIME_DEPTH levels;
 * beyond either, the rest is passed on unchanged.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "header_parse.h"	/* global */
#include "smtp_mime.h"

#define SMTP_MIME_DEPTH		20	/* nested multiparts */
#define SMTP_MIME_HDR_LIMIT	1000	/* lines of one header block */
#define SMTP_MIME_QP_WIDTH	76	/* encoded line length */

/* Where the walker is. */
#define MS_HEADER	1		/* in an entity's header */
#define MS_BODY		2		/* body, unchanged */
#define MS_QP		3		/* body, to quoted-printable */
#define MS_RAW		4		/* gave up: everything unchanged */

struct SMTP_MIME {
	SMTP_MIME_OUT out;
	void   *context;
	int	state;
	ARGV   *header;			/* physical lines of the header */
	char   *bounds[SMTP_MIME_DEPTH];	/* open multipart boundaries */
	int	depth;
	int	converted;		/* entities converted */
	STRBUF *buf;
};

/* smtp_mime_create - start a message */

SMTP_MIME *
smtp_mime_create(SMTP_MIME_OUT out, void *context)
{
	SMTP_MIME *m = xcalloc(1, sizeof(*m));

	m->out = out;
	m->context = context;
	m->state = MS_HEADER;
	m->header = argv_create();
	m->buf = strbuf_create(100);
	return m;
}

/* smtp_mime_free - done */

void
smtp_mime_free(SMTP_MIME *m)
{
	while (m->depth > 0)
		xfree(m->bounds[--m->depth]);
	argv_free(&m->header);
	strbuf_free(&m->buf);
	xfree(m);
}

/* smtp_mime_converted - entities converted so far */

int
smtp_mime_converted(const SMTP_MIME *m)
{
	return m->converted;
}

/* mime_emit - one output line */

static void
mime_emit(SMTP_MIME *m, const char *line, size_t len)
{
	m->out(m->context, line, len);
}

/* mime_header_is - is text the header name? Its value, or NULL */

static const char *
mime_header_is(const char *text, const char *name)
{
	size_t	off, len = header_name_len(text, strlen(text), &off);

	if (len != strlen(name) || strncasecmp(text, name, len) != 0)
		return NULL;
	return text + off;
}

/* mime_end_header - analyse and emit the header, choose the body mode */

static void
mime_end_header(SMTP_MIME *m)
{
	STRBUF *text = strbuf_create(200);
	STRBUF *type = strbuf_create(30);
	STRBUF *subtype = strbuf_create(30);
	STRBUF *bound = strbuf_create(30);
	const char *value;
	size_t	i, j, cte_at = (size_t) -1, cte_lines = 0;
	int	multipart, message, eight, cte = HEADER_CTE_7BIT;

	/* Logical headers: a line and its continuation lines. */
	strbuf_set(type, "text");
	strbuf_set(subtype, "plain");
	for (i = 0; i < m->header->argc; i = j) {
		strbuf_set(text, m->header->argv[i]);
		for (j = i + 1; j < m->header->argc
		     && (m->header->argv[j][0] == ' '
			 || m->header->argv[j][0] == '\t'); j++) {
			strbuf_append_char(text, '\n');
			strbuf_append_str(text, m->header->argv[j]);
		}
		if ((value = mime_header_is(strbuf_str(text),
					    "Content-Type")) != NULL) {
			if (header_content_type(value, type, subtype, bound) < 0) {
				strbuf_set(type, "text");
				strbuf_set(subtype, "plain");
			}
		} else if ((value = mime_header_is(strbuf_str(text),
					"Content-Transfer-Encoding")) != NULL) {
			cte = header_cte(value);
			cte_at = i;
			cte_lines = j - i;
		}
	}
	multipart = strcmp(strbuf_str(type), "multipart") == 0
		&& strbuf_len(bound) > 0;
	message = strcmp(strbuf_str(type), "message") == 0
		&& strcmp(strbuf_str(subtype), "rfc822") == 0;
	eight = cte == HEADER_CTE_8BIT || cte == HEADER_CTE_BINARY;

	for (i = 0; i < m->header->argc; i++) {
		if (i == cte_at && eight) {
			value = multipart || message ?
				"Content-Transfer-Encoding: 7bit" :
				"Content-Transfer-Encoding: quoted-printable";
			mime_emit(m, value, strlen(value));
			i += cte_lines - 1;
			continue;
		}
		mime_emit(m, m->header->argv[i], strlen(m->header->argv[i]));
	}
	argv_truncate(m->header, 0);

	if (multipart && m->depth < SMTP_MIME_DEPTH) {
		m->bounds[m->depth++] = xstrdup(strbuf_str(bound));
		m->state = MS_BODY;
	} else if (multipart) {
		m->state = MS_RAW;
	} else if (message) {
		m->state = MS_HEADER;	/* after the blank line */
	} else if (eight) {
		m->state = MS_QP;
		m->converted++;
	} else {
		m->state = MS_BODY;
	}
	strbuf_free(&text);
	strbuf_free(&type);
	strbuf_free(&subtype);
	strbuf_free(&bound);
}

/* mime_boundary - is line a boundary of an open multipart? Its level */

static int
mime_boundary(SMTP_MIME *m, const char *line, size_t len, int *close)
{
	int	level, kind;

	if (len < 3 || line[0] != '-' || line[1] != '-')
		return -1;
	for (level = m->depth - 1; level >= 0; level--) {
		kind = header_boundary(line, len, m->bounds[level]);
		if (kind != HEADER_BOUNDARY_NONE) {
			*close = kind == HEADER_BOUNDARY_END;
			return level;
		}
	}
	return -1;
}

/* mime_qp - emit one body line as quoted-printable */

static void
mime_qp(SMTP_MIME *m, const char *line, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	i;
	unsigned char ch;
	int	literal;

	strbuf_reset(m->buf);
	for (i = 0; i < len; i++) {
		ch = (unsigned char) line[i];
		literal = (ch >= 33 && ch <= 126 && ch != '=')
			|| ((ch == ' ' || ch == '\t') && i + 1 < len);
		/* Keep encoded lines within the width: soft breaks. */
		if (strbuf_len(m->buf) + (literal ? 1 : 3)
		    > SMTP_MIME_QP_WIDTH - 1) {
			strbuf_append_char(m->buf, '=');
			mime_emit(m, strbuf_str(m->buf), strbuf_len(m->buf));
			strbuf_reset(m->buf);
		}
		if (literal) {
			strbuf_append_char(m->buf, ch);
		} else {
			strbuf_append_char(m->buf, '=');
			strbuf_append_char(m->buf, hex[ch >> 4]);
			strbuf_append_char(m->buf, hex[ch & 15]);
		}
	}
	mime_emit(m, strbuf_str(m->buf), strbuf_len(m->buf));
}

/* smtp_mime_line - one content line (no line end) */

void
smtp_mime_line(SMTP_MIME *m, const char *line, size_t len)
{
	int	level, close;

	switch (m->state) {
	case MS_RAW:
		mime_emit(m, line, len);
		return;
	case MS_HEADER:
		if (len == 0 || (m->header->argc > 0
				 && (line[0] == ' ' || line[0] == '\t'))
		    || memchr(line, ':', len) != NULL) {
			if (len > 0 && m->header->argc < SMTP_MIME_HDR_LIMIT
			    && memchr(line, 0, len) == NULL) {
				argv_addn(m->header, line, len);
				return;
			}
			if (len > 0) {	/* too much: give up */
				mime_end_header(m);
				m->state = MS_RAW;
				mime_emit(m, line, len);
				return;
			}
			mime_end_header(m);
			mime_emit(m, line, len);	/* the blank line */
			return;
		}
		/* Not a header line: the header ended without a blank line. */
		mime_end_header(m);
		smtp_mime_line(m, line, len);
		return;
	default:
		if ((level = mime_boundary(m, line, len, &close)) >= 0) {
			while (m->depth > level + 1)
				xfree(m->bounds[--m->depth]);
			mime_emit(m, line, len);
			if (close) {
				xfree(m->bounds[--m->depth]);
				m->state = MS_BODY;	/* epilogue */
			} else {
				m->state = MS_HEADER;
			}
			return;
		}
		if (m->state == MS_QP)
			mime_qp(m, line, len);
		else
			mime_emit(m, line, len);
		return;
	}
}

/* smtp_mime_end - the content ended */

void
smtp_mime_end(SMTP_MIME *m)
{
	if (m->state == MS_HEADER && m->header->argc > 0) {
		mime_end_header(m);
	}
}
