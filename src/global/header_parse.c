/*
 * header_parse.c - message header lines: names, folding, known headers, MIME
 *
 * These helpers are deliberately tolerant: mail arrives with every kind
 * of damage, and the cleanup server must pass it on rather than choke.
 * Only what decides between "header" and "body" is strict, since a
 * wrong answer there moves text across the boundary.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "stringops.h"
#include "header_parse.h"

/* header_name_len - "Name:" at the start of a header line */

size_t
header_name_len(const char *text, size_t len, size_t *value_off)
{
	size_t  n;
	size_t  i;

	/* RFC 5322 2.2: ftext is %d33-57 / %d59-126. */
	for (n = 0; n < len; n++) {
		unsigned char ch = text[n];

		if (ch < 33 || ch > 126 || ch == ':')
			break;
	}
	if (n == 0)
		return 0;
	/* RFC 5322 4.5: obsolete syntax allows white space before the colon. */
	for (i = n; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		 /* skip */ ;
	if (i >= len || text[i] != ':')
		return 0;
	for (i++; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		 /* skip */ ;
	if (value_off)
		*value_off = i;
	return n;
}

/* header_append_line - one physical line into a header being collected */

int
header_append_line(STRBUF *hdr, const char *line, size_t len, size_t limit)
{
	size_t  room;
	int     cut = 0;

	if (limit == 0) {
		if (strbuf_len(hdr) > 0)
			strbuf_append_char(hdr, '\n');
		strbuf_append(hdr, line, len);
		return 0;
	}
	if (strbuf_len(hdr) >= limit)
		return len > 0 || strbuf_len(hdr) > 0;
	room = limit - strbuf_len(hdr);
	if (strbuf_len(hdr) > 0) {
		strbuf_append_char(hdr, '\n');
		room--;
	}
	if (len > room) {
		len = room;
		cut = 1;
	}
	strbuf_append(hdr, line, len);
	return cut;
}

/* header_unfold - remove the line breaks of folding */

void
header_unfold(STRBUF *out, const char *text)
{
	const char *p;
	const char *brk;

	for (p = text; *p; p++) {
		brk = p;
		if (*brk == '\r' && brk[1] == '\n')
			brk++;
		if (*brk == '\n' && (brk[1] == ' ' || brk[1] == '\t')) {
			p = brk;
			continue;
		}
		strbuf_append_char(out, *p);
	}
}

/* header_fold - break long lines before white space */

void
header_fold(STRBUF *out, const char *text, size_t width)
{
	const char *p = text;
	size_t  len = strlen(p);
	size_t  k;
	size_t  brk;
	size_t  i;
	int     seen_text;

	if (width < 2)
		width = 2;
	while (len > width) {
		/*
		 * The last break point within width, else the first one after
		 * it. A break goes before white space, and only where the line
		 * so far has some text: a line of white space alone would be
		 * an empty continuation line.
		 */
		brk = 0;
		seen_text = 0;
		for (k = 1; k < len; k++) {
			if (p[k - 1] != ' ' && p[k - 1] != '\t')
				seen_text = 1;
			if ((p[k] == ' ' || p[k] == '\t') && seen_text) {
				if (k <= width || brk == 0)
					brk = k;
				if (k >= width)
					break;
			}
		}
		/* Do not leave a tail of white space alone on the next line. */
		for (i = brk; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
			 /* skip */ ;
		if (brk == 0 || i == len)
			break;
		strbuf_append(out, p, brk);
		strbuf_append_char(out, '\n');
		p += brk;
		len -= brk;
	}
	strbuf_append(out, p, len);
}

/* The known headers, by name; RFC 5322, RFC 2045, and common practice. */
static const HEADER_INFO header_info_table[] = {
	{"Apparently-To", HDR_APPARENTLY_TO, HDR_F_RECIPIENT},
	{"Bcc", HDR_BCC, HDR_F_RECIPIENT | HDR_F_EXTRACT},
	{"Cc", HDR_CC, HDR_F_RECIPIENT | HDR_F_EXTRACT},
	{"Content-Description", HDR_CONTENT_DESCRIPTION, HDR_F_MIME},
	{"Content-Disposition", HDR_CONTENT_DISPOSITION, HDR_F_MIME},
	{"Content-ID", HDR_CONTENT_ID, HDR_F_MIME},
	{"Content-Length", HDR_CONTENT_LENGTH, 0},
	{"Content-Transfer-Encoding", HDR_CONTENT_TRANSFER_ENCODING, HDR_F_MIME},
	{"Content-Type", HDR_CONTENT_TYPE, HDR_F_MIME},
	{"Date", HDR_DATE, 0},
	{"Delivered-To", HDR_DELIVERED_TO, HDR_F_TRACE},
	{"Disposition-Notification-To", HDR_DISP_NOTIFICATION_TO, HDR_F_SENDER},
	{"Errors-To", HDR_ERRORS_TO, HDR_F_SENDER},
	{"From", HDR_FROM, HDR_F_SENDER},
	{"Mail-Followup-To", HDR_MAIL_FOLLOWUP_TO, HDR_F_SENDER},
	{"Message-ID", HDR_MESSAGE_ID, 0},
	{"MIME-Version", HDR_MIME_VERSION, HDR_F_MIME},
	{"Received", HDR_RECEIVED, HDR_F_TRACE},
	{"Reply-To", HDR_REPLY_TO, HDR_F_SENDER},
	{"Resent-Bcc", HDR_RESENT_BCC, HDR_F_RECIPIENT | HDR_F_EXTRACT | HDR_F_RESENT},
	{"Resent-Cc", HDR_RESENT_CC, HDR_F_RECIPIENT | HDR_F_EXTRACT | HDR_F_RESENT},
	{"Resent-Date", HDR_RESENT_DATE, HDR_F_RESENT},
	{"Resent-From", HDR_RESENT_FROM, HDR_F_SENDER | HDR_F_RESENT},
	{"Resent-Message-ID", HDR_RESENT_MESSAGE_ID, HDR_F_RESENT},
	{"Resent-Reply-To", HDR_RESENT_REPLY_TO, HDR_F_SENDER | HDR_F_RESENT},
	{"Resent-Sender", HDR_RESENT_SENDER, HDR_F_SENDER | HDR_F_RESENT},
	{"Resent-To", HDR_RESENT_TO, HDR_F_RECIPIENT | HDR_F_EXTRACT | HDR_F_RESENT},
	{"Return-Path", HDR_RETURN_PATH, HDR_F_SENDER | HDR_F_TRACE},
	{"Return-Receipt-To", HDR_RETURN_RECEIPT_TO, HDR_F_SENDER},
	{"Sender", HDR_SENDER, HDR_F_SENDER},
	{"Subject", HDR_SUBJECT, 0},
	{"To", HDR_TO, HDR_F_RECIPIENT | HDR_F_EXTRACT},
	{"X-Original-To", HDR_X_ORIGINAL_TO, HDR_F_TRACE},
};

/* header_info_find - known header by name, any case */

const HEADER_INFO *
header_info_find(const char *name, size_t len)
{
	size_t  i;

	/* Few enough entries that a hash would not pay for itself. */
	for (i = 0; i < ARRAY_LEN(header_info_table); i++) {
		const HEADER_INFO *hi = header_info_table + i;

		if (strlen(hi->name) == len && strncasecmp(hi->name, name, len) == 0)
			return hi;
	}
	return NULL;
}

/* RFC 2045 5.1 tspecials, which end a token. */
#define MIME_TSPECIALS	"()<>@,;:\\\"/[]?="

/* mime_skip - white space and (nested) comments */

static const char *
mime_skip(const char *p)
{
	int     level;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (level = 0; *p; p++) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '(')
				level++;
			else if (*p == ')' && --level == 0) {
				p++;
				break;
			}
		}
	}
}

/* mime_token - copy an RFC 2045 token into buf; returns the end */

static const char *
mime_token(const char *p, STRBUF *buf)
{
	strbuf_reset(buf);
	while ((unsigned char) *p > ' ' && (unsigned char) *p < 127
	       && strchr(MIME_TSPECIALS, *p) == NULL)
		strbuf_append_char(buf, *p++);
	return p;
}

/* header_content_type - type/subtype and boundary of Content-Type */

int
header_content_type(const char *value, STRBUF *type, STRBUF *subtype,
		    STRBUF *boundary)
{
	STRBUF *attr;
	STRBUF *val;
	const char *p;
	int     found = 0;

	if (boundary)
		strbuf_reset(boundary);
	p = mime_token(mime_skip(value), type);
	p = mime_skip(p);
	if (strbuf_len(type) == 0 || *p != '/') {
		strbuf_reset(type);
		strbuf_reset(subtype);
		return -1;
	}
	p = mime_token(mime_skip(p + 1), subtype);
	if (strbuf_len(subtype) == 0) {
		strbuf_reset(type);
		return -1;
	}
	str_lower(strbuf_str(type));
	str_lower(strbuf_str(subtype));
	if (boundary == NULL)
		return 0;

	/* Parameters: *(";" attribute "=" value); stop at the first damage. */
	attr = strbuf_create(20);
	val = strbuf_create(80);
	for (;;) {
		p = mime_skip(p);
		if (*p != ';')
			break;
		p = mime_skip(p + 1);
		if (*p == ';')
			continue;
		p = mime_skip(mime_token(p, attr));
		if (strbuf_len(attr) == 0 || *p != '=')
			break;
		p = mime_skip(p + 1);
		if (*p == '"') {
			strbuf_reset(val);
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				strbuf_append_char(val, *p);
			}
			if (*p == '"')
				p++;
		} else {
			p = mime_token(p, val);
		}
		if (!found && strcasecmp(strbuf_str(attr), "boundary") == 0) {
			strbuf_set(boundary, strbuf_str(val));
			found = 1;
		}
	}
	strbuf_free(&attr);
	strbuf_free(&val);
	return 0;
}

/* header_cte - Content-Transfer-Encoding value */

int
header_cte(const char *value)
{
	static const struct {
		const char *name;
		int     code;
	} cte[] = {
		{"7bit", HEADER_CTE_7BIT},
		{"8bit", HEADER_CTE_8BIT},
		{"binary", HEADER_CTE_BINARY},
		{"quoted-printable", HEADER_CTE_QP},
		{"base64", HEADER_CTE_BASE64},
	};
	STRBUF *tok = strbuf_create(20);
	size_t  i;
	int     code = HEADER_CTE_OTHER;

	mime_token(mime_skip(value), tok);
	for (i = 0; i < ARRAY_LEN(cte); i++)
		if (strcasecmp(strbuf_str(tok), cte[i].name) == 0)
			code = cte[i].code;
	strbuf_free(&tok);
	return code;
}

/* header_boundary - is this body line a boundary line */

int
header_boundary(const char *line, size_t len, const char *boundary)
{
	size_t  blen = strlen(boundary);

	/*
	 * Like Postfix's MIME parser, match "--boundary" as a prefix and
	 * ignore what follows: RFC 2046 5.1.1 only allows white space
	 * there, but damaged mail must still be split the same way.
	 */
	if (blen == 0 || len < blen + 2 || line[0] != '-' || line[1] != '-'
	    || memcmp(line + 2, boundary, blen) != 0)
		return HEADER_BOUNDARY_NONE;
	if (len >= blen + 4 && line[blen + 2] == '-' && line[blen + 3] == '-')
		return HEADER_BOUNDARY_END;
	return HEADER_BOUNDARY_PART;
}
