/*
 * postmap_mime.c - message lines to lookup keys for postmap -h/-b/-m
 *
 * Follows what Postfix's MIME engine hands to header_checks and
 * body_checks, since that is what "postmap -q -" with -h, -b and -m
 * exists to simulate: a logical header (continuation lines joined with
 * their newlines) is one key; the line that ends a header block is the
 * first body line, and when that line is not empty an empty body line
 * is inserted before it. Without -m only the primary headers are
 * headers. With -m, multipart boundaries open part headers (the
 * boundary line itself is body), and message/rfc822 content opens the
 * headers of the attached message.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "postmap.h"

/* Where the engine is. */
#define PM_ST_HEADER	0		/* in a header block */
#define PM_ST_BODY	1		/* in body text */

/* What the Content-Type of the current header block said. */
#define PM_CT_OTHER	0
#define PM_CT_MULTIPART	1
#define PM_CT_MESSAGE	2

struct POSTMAP_MIME {
	int     flags;			/* POSTMAP_MIME_* */
	POSTMAP_KEY_FN fn;
	void   *context;
	int     state;			/* PM_ST_* */
	int     primary;		/* the message's own headers */
	int     done;			/* no more keys wanted */
	STRBUF *header;			/* logical header being collected */
	int     have_header;
	int     ctype;			/* PM_CT_* of this header block */
	int     digest;			/* multipart/digest */
	int     def_message;		/* digest part: message/rfc822 */
	STRBUF *boundary;		/* boundary= of this header block */
	ARGV   *stack;			/* open boundaries, innermost last */
	ARGV   *digests;		/* "1" where that one is a digest */
};

/* pm_is_header - "name:" with printable name characters */

static int
pm_is_header(const char *line)
{
	const unsigned char *cp = (const unsigned char *) line;
	const unsigned char *start = cp;

	while (*cp > ' ' && *cp < 0x7f && *cp != ':')
		cp++;
	if (cp == start)
		return 0;
	while (*cp == ' ' || *cp == '\t')
		cp++;
	return *cp == ':';
}

/* pm_token - the next MIME token (RFC 2045) of a header value */

static const char *
pm_token(const char *cp, STRBUF *out)
{
	strbuf_reset(out);
	while (*cp == ' ' || *cp == '\t' || *cp == '\n' || *cp == '\r')
		cp++;
	if (*cp == '"') {
		for (cp++; *cp && *cp != '"'; cp++) {
			if (*cp == '\\' && cp[1])
				cp++;
			strbuf_append_char(out, *cp);
		}
		if (*cp)
			cp++;
		return cp;
	}
	while (*cp && !isspace((unsigned char) *cp)
	       && strchr("()<>@,;:\\\"/[]?=", *cp) == NULL)
		strbuf_append_char(out, *cp++);
	return cp;
}

/* pm_content_type - note what a Content-Type header announces */

static void
pm_content_type(POSTMAP_MIME *mime, const char *value)
{
	STRBUF *tok = strbuf_create(100);
	STRBUF *sub = strbuf_create(100);
	const char *cp = value;

	cp = pm_token(cp, tok);
	while (*cp == ' ' || *cp == '\t')
		cp++;
	if (*cp == '/')
		cp = pm_token(cp + 1, sub);
	mime->ctype = PM_CT_OTHER;
	mime->digest = 0;
	if (strcasecmp(strbuf_str(tok), "multipart") == 0) {
		mime->ctype = PM_CT_MULTIPART;
		mime->digest = strcasecmp(strbuf_str(sub), "digest") == 0;
	} else if (strcasecmp(strbuf_str(tok), "message") == 0
		   && (strcasecmp(strbuf_str(sub), "rfc822") == 0
		       || strcasecmp(strbuf_str(sub), "global") == 0)) {
		mime->ctype = PM_CT_MESSAGE;
	}

	/* Parameters: ; name = value ... */
	strbuf_reset(mime->boundary);
	while ((cp = strchr(cp, ';')) != NULL) {
		cp = pm_token(cp + 1, tok);
		while (*cp == ' ' || *cp == '\t' || *cp == '\n')
			cp++;
		if (*cp != '=')
			continue;
		cp = pm_token(cp + 1, sub);
		if (strcasecmp(strbuf_str(tok), "boundary") == 0)
			strbuf_set(mime->boundary, strbuf_str(sub));
	}
	strbuf_free(&tok);
	strbuf_free(&sub);
}

/* pm_flush_header - emit the pending header and note what it says */

static void
pm_flush_header(POSTMAP_MIME *mime)
{
	const char *text;

	if (!mime->have_header)
		return;
	mime->have_header = 0;
	text = strbuf_str(mime->header);
	if ((mime->flags & POSTMAP_MIME_PARSE)
	    && strncasecmp(text, "content-type", 12) == 0
	    && pm_is_header(text))
		pm_content_type(mime, strchr(text, ':') + 1);
	if (mime->flags & POSTMAP_MIME_HEADERS)
		mime->fn(mime->context, text);
}

/* pm_body - emit a body line */

static void
pm_body(POSTMAP_MIME *mime, const char *line)
{
	if (mime->flags & POSTMAP_MIME_BODY)
		mime->fn(mime->context, line);
}

/* pm_new_block - a header block starts */

static void
pm_new_block(POSTMAP_MIME *mime, int def_message)
{
	mime->state = PM_ST_HEADER;
	mime->ctype = def_message ? PM_CT_MESSAGE : PM_CT_OTHER;
	mime->digest = 0;
	mime->def_message = def_message;
	strbuf_reset(mime->boundary);
}

/* pm_header_end - a header block ended; decide what follows */

static void
pm_header_end(POSTMAP_MIME *mime)
{
	/* Only the primary headers were asked for: stop here. */
	if (mime->primary
	    && (mime->flags & (POSTMAP_MIME_BODY | POSTMAP_MIME_PARSE)) == 0) {
		mime->done = 1;
		return;
	}
	mime->primary = 0;
	mime->state = PM_ST_BODY;
	if ((mime->flags & POSTMAP_MIME_PARSE) == 0)
		return;
	if (mime->ctype == PM_CT_MULTIPART && strbuf_len(mime->boundary) > 0) {
		argv_add(mime->stack, strbuf_str(mime->boundary));
		argv_add(mime->digests, mime->digest ? "1" : "0");
	} else if (mime->ctype == PM_CT_MESSAGE) {
		pm_new_block(mime, 0);
	}
}

/* pm_boundary - a body line that opens a part or closes a multipart */

static int
pm_boundary(POSTMAP_MIME *mime, const char *line)
{
	size_t  n;
	size_t  len;
	const char *b;

	if (line[0] != '-' || line[1] != '-' || mime->stack->argc == 0)
		return 0;
	for (n = mime->stack->argc; n > 0; n--) {
		b = mime->stack->argv[n - 1];
		len = strlen(b);
		if (strncmp(line + 2, b, len) != 0)
			continue;
		pm_body(mime, line);
		if (line[2 + len] == '-' && line[3 + len] == '-') {
			argv_truncate(mime->stack, n - 1);
			argv_truncate(mime->digests, n - 1);
			mime->state = PM_ST_BODY;
		} else {
			int     digest = strcmp(mime->digests->argv[n - 1], "1") == 0;

			argv_truncate(mime->stack, n);
			argv_truncate(mime->digests, n);
			pm_new_block(mime, digest);
		}
		return 1;
	}
	return 0;
}

/* postmap_mime_create - start on a new message */

POSTMAP_MIME *
postmap_mime_create(int flags, POSTMAP_KEY_FN fn, void *context)
{
	POSTMAP_MIME *mime = xcalloc(1, sizeof(*mime));

	mime->flags = flags;
	mime->fn = fn;
	mime->context = context;
	mime->primary = 1;
	mime->header = strbuf_create(100);
	mime->boundary = strbuf_create(100);
	mime->stack = argv_create();
	mime->digests = argv_create();
	pm_new_block(mime, 0);
	return mime;
}

/* postmap_mime_update - feed one line */

int
postmap_mime_update(POSTMAP_MIME *mime, const char *line)
{
	if (mime->done)
		return 1;
	if (mime->state == PM_ST_HEADER) {
		if (mime->have_header && (*line == ' ' || *line == '\t')) {
			strbuf_append_char(mime->header, '\n');
			strbuf_append_str(mime->header, line);
			return 0;
		}
		if (pm_is_header(line)) {
			pm_flush_header(mime);
			strbuf_set(mime->header, line);
			mime->have_header = 1;
			return 0;
		}

		/*
		 * Postfix: the body starts with an empty line; when the
		 * headers end without one, one is inserted.
		 */
		pm_flush_header(mime);
		pm_header_end(mime);
		if (mime->done)
			return 1;
		pm_body(mime, "");
		if (*line == 0)
			return 0;
		return postmap_mime_update(mime, line);
	}
	if ((mime->flags & POSTMAP_MIME_PARSE) && pm_boundary(mime, line))
		return 0;
	pm_body(mime, line);
	return 0;
}

/* postmap_mime_free - end of input */

void
postmap_mime_free(POSTMAP_MIME *mime)
{
	if (!mime->done && mime->state == PM_ST_HEADER)
		pm_flush_header(mime);
	strbuf_free(&mime->header);
	strbuf_free(&mime->boundary);
	argv_free(&mime->stack);
	argv_free(&mime->digests);
	xfree(mime);
}
