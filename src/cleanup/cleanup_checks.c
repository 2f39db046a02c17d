/*
 * cleanup_checks.c - header_checks, mime_header_checks,
 * nested_header_checks and body_checks (header_checks(5))
 *
 * Applied only when the client asks for it (CLEANUP_FLAG_FILTER: pickup
 * and smtpd do). Each logical header is looked up whole, its lines
 * joined with "\n" as collected (at most header_size_limit bytes), each
 * body line alone; empty lines never match. Which table sees a header
 * depends on where it is, as in Postfix: MIME headers (Content-*,
 * MIME-Version) anywhere and all headers of a multipart body part go
 * to mime_header_checks, the headers of an attached message
 * (message/rfc822) to nested_header_checks, the other message headers
 * to header_checks. body_checks sees at most body_checks_size_limit
 * bytes of each body segment (attachment). With
 * disable_mime_input_processing everything after the message headers
 * is body.
 *
 * To follow the structure this file keeps a small MIME state: the
 * Content-Type of each header block (type, boundary), a stack of open
 * multipart boundaries (at most mime_nesting_limit) and the headers of
 * body parts, which it collects itself (cleanup_message.c passes it the
 * raw body lines) and writes once inspected.
 *
 * A result is "ACTION text" (cleanup_act.c). FILTER and REDIRECT are
 * remembered and written in the extracted section as the named
 * attributes content_filter= and redirect_to= (the last one wins);
 * BCC recipients are written there with NOTIFY=NEVER. REJECT, DISCARD
 * and PASS end the inspection of the message. Every action that Postfix
 * logs is logged in Postfix's shape:
 *
 *	QUEUEID: reject: header Subject: x from local; from=<a> to=<b>: 5.7.1 text
 *
 * Tables are opened once per process. A table that cannot be opened,
 * or cannot answer, defers every message that needs it (the client
 * gets a temporary error): mail is never passed uninspected.
 *
 * The per-message state is module-static: a cleanup process handles
 * one message at a time (SERVICE_SINGLE), and nothing is allocated per
 * message, so a client that disappears leaks nothing.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "cleanup_clnt.h"	/* global */
#include "header_parse.h"
#include "info_log_addr.h"
#include "map.h"
#include "params_cleanup.h"
#include "qfile.h"
#include "cleanup.h"
#include "cleanup_act.h"

/* Named attributes in the extracted section. */
#define CLEANUP_ATTR_FILTER	"content_filter"
#define CLEANUP_ATTR_REDIRECT	"redirect_to"

/* One parameter's list of tables. */
typedef struct CHECKS {
	const char *title;		/* the parameter name */
	MAP   **maps;
	size_t	count;
	int     broken;			/* a table could not be opened */
} CHECKS;

static CHECKS cleanup_header_checks = {.title = "header_checks"};
static CHECKS cleanup_mimehdr_checks = {.title = "mime_header_checks"};
static CHECKS cleanup_nesthdr_checks = {.title = "nested_header_checks"};
static CHECKS cleanup_body_checks = {.title = "body_checks"};
static int cleanup_checks_ready;

/* Where the body reader is. */
#define CC_TEXT		0		/* body text */
#define CC_PART_HDR	1		/* headers of a multipart body part */
#define CC_NESTED_HDR	2		/* headers of an attached message */

/* What the Content-Type of a header block makes of its body. */
#define CC_KIND_TEXT	0
#define CC_KIND_MULTI	1
#define CC_KIND_MESSAGE	2

/* Results of one inspection. */
#define CC_KEEP		0
#define CC_DROP		1
#define CC_REPLACED	2		/* output cc.replace instead */

typedef struct CC_BOUNDARY {
	char   *boundary;
	int     digest;			/* multipart/digest: parts are messages */
} CC_BOUNDARY;

static struct {
	int     active;			/* CLEANUP_FLAG_FILTER, not ended */
	int     body_state;		/* CC_* */
	STRBUF *hdr;			/* body part header being collected */
	int     kind;			/* CC_KIND_* of the current block */
	STRBUF *boundary;		/* its boundary, for CC_KIND_MULTI */
	int     digest;
	CC_BOUNDARY *stack;		/* open multiparts */
	int     depth;
	int     size;
	long    seg_bytes;		/* body bytes in the current segment */
	STRBUF *value;			/* lookup result */
	STRBUF *replace;		/* REPLACE text */
	STRBUF *reply;			/* REJECT text */
	STRBUF *text;			/* scratch */
	STRBUF *type;
	STRBUF *subtype;
	char   *filter;
	char   *redirect;
	ARGV   *bcc;
} cc;

/* cleanup_checks_open - one parameter's tables */

static void
cleanup_checks_open(CHECKS *checks, const char *value)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *specs = map_split_specs("cleanup", value);
	size_t	i;

	checks->count = 0;
	checks->maps = xcalloc(specs->argc + 1, sizeof(*checks->maps));
	for (i = 0; i < specs->argc; i++) {
		MAP    *map = map_open(specs->argv[i], O_RDONLY, MAP_F_FOLD_FIX,
				       why);

		if (map == NULL) {
			log_warn("%s: %s", checks->title, strbuf_str(why));
			checks->broken = 1;
			continue;
		}
		checks->maps[checks->count++] = map;
	}
	argv_free(&specs);
	strbuf_free(&why);
}

/* cleanup_checks_init - open the tables, once per process */

void
cleanup_checks_init(void)
{
	if (cleanup_checks_ready)
		return;
	cleanup_checks_ready = 1;
	cleanup_checks_open(&cleanup_header_checks, var_header_checks);
	cleanup_checks_open(&cleanup_mimehdr_checks, var_mimehdr_checks);
	cleanup_checks_open(&cleanup_nesthdr_checks, var_nesthdr_checks);
	cleanup_checks_open(&cleanup_body_checks, var_body_checks);
	cc.hdr = strbuf_create(100);
	cc.boundary = strbuf_create(100);
	cc.value = strbuf_create(100);
	cc.replace = strbuf_create(100);
	cc.reply = strbuf_create(100);
	cc.text = strbuf_create(100);
	cc.type = strbuf_create(32);
	cc.subtype = strbuf_create(32);
	cc.bcc = argv_create();
}

/* cleanup_checks_reset - forget the previous message */

static void
cleanup_checks_reset(void)
{
	int     i;

	for (i = 0; i < cc.depth; i++)
		free(cc.stack[i].boundary);
	cc.depth = 0;
	free(cc.filter);
	free(cc.redirect);
	cc.filter = cc.redirect = NULL;
	argv_truncate(cc.bcc, 0);
	strbuf_reset(cc.hdr);
	cc.body_state = CC_TEXT;
	cc.seg_bytes = 0;
}

/* cleanup_checks_block - a header block starts */

static void
cleanup_checks_block(int digest_part)
{
	cc.kind = digest_part ? CC_KIND_MESSAGE : CC_KIND_TEXT;
	strbuf_reset(cc.boundary);
	cc.digest = 0;
}

/* cleanup_checks_start - a message starts */

void
cleanup_checks_start(CLEANUP_STATE *state)
{
	cleanup_checks_init();
	cleanup_checks_reset();
	cc.active = (state->flags & CLEANUP_FLAG_FILTER) != 0;
	cleanup_checks_block(0);
}

/* cleanup_checks_attr - an envelope attribute as the client sent it */

static const char *
cleanup_checks_attr(const CLEANUP_STATE *state, const char *name)
{
	size_t	len = strlen(name);
	size_t	i;

	for (i = 0; i < state->attrs->argc; i++)
		if (strncmp(state->attrs->argv[i], name, len) == 0
		    && state->attrs->argv[i][len] == '=')
			return state->attrs->argv[i] + len + 1;
	return NULL;
}

/*
 * cleanup_checks_log - one log line in Postfix's shape
 *
 * "ID: action: context content from origin; from=<s> to=<r> proto=P
 * helo=<h>: text", the content cut at 200 bytes and made printable;
 * origin is "name[addr]" for mail from smtpd, "local" otherwise. The
 * recipient is the first envelope recipient as the client sent it.
 */

static void
cleanup_checks_log(const CLEANUP_STATE *state, const char *action,
		   const char *context, const char *content, const char *text)
{
	STRBUF *line = strbuf_create(300);
	const char *addr = cleanup_checks_attr(state, QFILE_ATTR_CLIENT_ADDR);
	const char *name = cleanup_checks_attr(state, QFILE_ATTR_CLIENT_NAME);
	const char *attr;
	size_t	i;

	strbuf_printf(line, "%s: %s: %s ", strbuf_str(state->queue_id), action,
		      context);
	for (i = 0; content[i] && i < 200; i++)
		strbuf_append_char(line, isprint((unsigned char) content[i]) ?
				   content[i] : '?');
	if (addr != NULL)
		strbuf_append_printf(line, " from %s[%s];",
				     name && *name ? name : "unknown", addr);
	else
		strbuf_append_str(line, " from local;");
	if (state->sender)
		strbuf_append_printf(line, " from=<%s>",
				     info_log_addr(state->sender));
	if (state->rcpt_count > 0)
		strbuf_append_printf(line, " to=<%s>",
				     info_log_addr(state->rcpts[0].address));
	if (addr != NULL) {
		if ((attr = cleanup_checks_attr(state, QFILE_ATTR_PROTO_NAME)))
			strbuf_append_printf(line, " proto=%s", attr);
		if ((attr = cleanup_checks_attr(state, QFILE_ATTR_HELO_NAME)))
			strbuf_append_printf(line, " helo=<%s>", attr);
	}
	if (text && *text)
		strbuf_append_printf(line, ": %s", text);
	log_info("%s", strbuf_str(line));
	strbuf_free(&line);
}

/*
 * cleanup_checks_find - look key up in each table in turn
 *
 * Returns MAP_FOUND (result in cc.value), MAP_NOTFOUND, or MAP_RETRY
 * after deferring the message.
 */

static int
cleanup_checks_find(CLEANUP_STATE *state, const CHECKS *checks,
		    const char *key)
{
	size_t	i;
	int     ret = MAP_NOTFOUND;

	if (*key == 0)
		return MAP_NOTFOUND;
	if (!checks->broken)
		for (i = 0; i < checks->count; i++)
			if ((ret = map_lookup(checks->maps[i], key, cc.value))
			    != MAP_NOTFOUND)
				break;
	if (checks->broken || ret == MAP_RETRY) {
		log_warn("%s: %s map lookup problem -- "
			 "message not accepted, try again later",
			 strbuf_str(state->queue_id), checks->title);
		cleanup_error(state, CLEANUP_STAT_DEFER,
			      "4.3.0 %s map lookup problem", checks->title);
		cc.active = 0;
		return MAP_RETRY;
	}
	return ret;
}

/* cleanup_checks_act - carry out one table result */

static int
cleanup_checks_act(CLEANUP_STATE *state, const CHECKS *checks,
		   const char *context, const char *content,
		   const char *value, int is_header)
{
	const char *text;
	int     act = cleanup_act_parse(value, &text);

	switch (act) {
	case CLEANUP_ACT_REJECT:
		cleanup_act_reply(cc.reply, text);
		if (*strbuf_str(cc.reply) == '4')
			state->errs |= CLEANUP_STAT_DEFER;
		else
			state->errs |= CLEANUP_STAT_CONT;
		strbuf_reset(state->reason);
		strbuf_append_str(state->reason, strbuf_str(cc.reply));
		cc.active = 0;
		cleanup_checks_log(state, "reject", context, content,
				   strbuf_str(cc.reply));
		return CC_DROP;
	case CLEANUP_ACT_DISCARD:
		state->flags |= CLEANUP_FLAG_DISCARD | CLEANUP_FLAG_DISCARD_LOGGED;
		cc.active = 0;
		cleanup_checks_log(state, "discard", context, content, text);
		return CC_KEEP;
	case CLEANUP_ACT_HOLD:
		state->flags |= CLEANUP_FLAG_HOLD;
		cleanup_checks_log(state, "hold", context, content, text);
		return CC_KEEP;
	case CLEANUP_ACT_WARN:
		cleanup_checks_log(state, "warning", context, content, text);
		return CC_KEEP;
	case CLEANUP_ACT_INFO:
		cleanup_checks_log(state, "info", context, content, text);
		return CC_KEEP;
	case CLEANUP_ACT_PASS:
		cc.active = 0;
		cleanup_checks_log(state, "pass", context, content, text);
		return CC_KEEP;
	case CLEANUP_ACT_STRIP:
		cleanup_checks_log(state, "strip", context, content, text);
		return CC_DROP;
	case CLEANUP_ACT_IGNORE:
		return CC_DROP;
	case CLEANUP_ACT_DUNNO:
		return CC_KEEP;
	case CLEANUP_ACT_FILTER:
		if (*text == 0) {
			log_warn("missing FILTER command argument in %s map",
				 checks->title);
		} else if (strchr(text, ':') == NULL) {
			log_warn("bad FILTER command %s in %s -- "
				 "need transport:destination", text,
				 checks->title);
		} else {
			free(cc.filter);
			cc.filter = xstrdup(text);
			cleanup_checks_log(state, "filter", context, content,
					   text);
		}
		return CC_KEEP;
	case CLEANUP_ACT_REDIRECT:
	case CLEANUP_ACT_BCC:
		if (strchr(text, '@') == NULL) {
			log_warn("bad %s address \"%s\" in %s map -- "
				 "need user@domain",
				 act == CLEANUP_ACT_BCC ? "BCC" : "REDIRECT",
				 text, checks->title);
		} else if (act == CLEANUP_ACT_BCC) {
			argv_add(cc.bcc, text);
			cleanup_checks_log(state, "bcc", context, content, text);
		} else {
			free(cc.redirect);
			cc.redirect = xstrdup(text);
			cleanup_checks_log(state, "redirect", context, content,
					   text);
		}
		return CC_KEEP;
	case CLEANUP_ACT_PREPEND:
	case CLEANUP_ACT_REPLACE:
		if (*text == 0 || (is_header
			     && header_name_len(text, strlen(text), NULL) == 0)) {
			log_warn("bad %s %s text \"%s\" in %s map -- need "
				 "\"headername: headervalue\"",
				 act == CLEANUP_ACT_PREPEND ? "PREPEND" : "REPLACE",
				 context, text, checks->title);
			return CC_KEEP;
		}
		if (act == CLEANUP_ACT_PREPEND) {
			cleanup_out_text(state, text);
			return CC_KEEP;
		}
		strbuf_set(cc.replace, text);
		return CC_REPLACED;
	default:
		log_warn("unknown command in %s map: %s", checks->title, value);
		return CC_KEEP;
	}
}

/* cleanup_checks_inspect - look one line up and act; CC_* */

static int
cleanup_checks_inspect(CLEANUP_STATE *state, const CHECKS *checks,
		       const char *context, const char *content, int is_header)
{
	if (!cc.active || checks->count + checks->broken == 0)
		return CC_KEEP;
	if (cleanup_checks_find(state, checks, content) != MAP_FOUND)
		return CC_KEEP;
	return cleanup_checks_act(state, checks, context, content,
				  strbuf_str(cc.value), is_header);
}

/* cleanup_checks_ctype - note the Content-Type of the current block */

static void
cleanup_checks_ctype(const char *hdr, size_t len)
{
	size_t	value_off;
	size_t	name_len = header_name_len(hdr, len, &value_off);
	const HEADER_INFO *info = header_info_find(hdr, name_len);

	if (info == NULL || info->id != HDR_CONTENT_TYPE)
		return;
	strbuf_reset(cc.text);
	header_unfold(cc.text, hdr + value_off);
	if (header_content_type(strbuf_str(cc.text), cc.type, cc.subtype,
				cc.boundary) < 0) {
		cc.kind = CC_KIND_TEXT;
	} else if (strcmp(strbuf_str(cc.type), "multipart") == 0
		   && strbuf_len(cc.boundary) > 0) {
		cc.kind = CC_KIND_MULTI;
		cc.digest = strcmp(strbuf_str(cc.subtype), "digest") == 0;
	} else if (strcmp(strbuf_str(cc.type), "message") == 0
		   && (strcmp(strbuf_str(cc.subtype), "rfc822") == 0
		       || strcmp(strbuf_str(cc.subtype), "global") == 0)) {
		cc.kind = CC_KIND_MESSAGE;
	} else {
		cc.kind = CC_KIND_TEXT;
	}
}

/* cleanup_checks_is_mime - a MIME header (Content-*, MIME-Version) */

static int
cleanup_checks_is_mime(const char *hdr, size_t len)
{
	const HEADER_INFO *info = header_info_find(hdr,
					      header_name_len(hdr, len, NULL));

	return info != NULL && (info->flags & HDR_F_MIME) != 0;
}

/*
 * cleanup_checks_header - inspect one message header
 *
 * Returns CLEANUP_CHECKS_DROP when the header must not be written (it
 * was rejected, ignored or stripped), else CLEANUP_CHECKS_KEEP; a
 * REPLACE has then already changed hdr, and a PREPEND has been
 * written.
 */

int
cleanup_checks_header(CLEANUP_STATE *state, STRBUF *hdr)
{
	const CHECKS *checks = &cleanup_header_checks;
	int     ret;

	if (!var_disable_mime_input) {
		cleanup_checks_ctype(strbuf_str(hdr), strbuf_len(hdr));
		if (cleanup_checks_is_mime(strbuf_str(hdr), strbuf_len(hdr)))
			checks = &cleanup_mimehdr_checks;
	}
	ret = cleanup_checks_inspect(state, checks, "header", strbuf_str(hdr),
				     1);
	if (ret == CC_REPLACED) {
		strbuf_set(hdr, strbuf_str(cc.replace));
		return CLEANUP_CHECKS_KEEP;
	}
	return ret == CC_DROP ? CLEANUP_CHECKS_DROP : CLEANUP_CHECKS_KEEP;
}

/* cleanup_checks_block_end - a header block ends: what follows */

static void
cleanup_checks_block_end(void)
{
	cc.seg_bytes = 0;
	cc.body_state = CC_TEXT;
	if (var_disable_mime_input)
		return;
	if (cc.kind == CC_KIND_MULTI && cc.depth < var_mime_nesting_limit) {
		if (cc.depth == cc.size) {
			cc.size = cc.size ? 2 * cc.size : 4;
			cc.stack = xrealloc(cc.stack,
					    size_mul((size_t) cc.size,
						     sizeof(*cc.stack)));
		}
		cc.stack[cc.depth].boundary = xstrdup(strbuf_str(cc.boundary));
		cc.stack[cc.depth++].digest = cc.digest;
	} else if (cc.kind == CC_KIND_MESSAGE) {
		cc.body_state = CC_NESTED_HDR;
	}
	cleanup_checks_block(0);
}

/* cleanup_checks_headers_end - the message headers are complete */

void
cleanup_checks_headers_end(CLEANUP_STATE *state)
{
	(void) state;
	cleanup_checks_block_end();
}

/* cleanup_checks_part_header - inspect and write a body part header */

static void
cleanup_checks_part_header(CLEANUP_STATE *state)
{
	const char *hdr = strbuf_str(cc.hdr);
	const CHECKS *checks;
	int     ret;

	cleanup_checks_ctype(hdr, strbuf_len(cc.hdr));
	if (cc.body_state == CC_PART_HDR
	    || cleanup_checks_is_mime(hdr, strbuf_len(cc.hdr)))
		checks = &cleanup_mimehdr_checks;
	else
		checks = &cleanup_nesthdr_checks;
	ret = cleanup_checks_inspect(state, checks, "header", hdr, 1);
	if (ret == CC_KEEP)
		cleanup_out_text(state, hdr);
	else if (ret == CC_REPLACED)
		cleanup_out_text(state, strbuf_str(cc.replace));
	strbuf_reset(cc.hdr);
}

/* cleanup_checks_text - a body text line: boundaries, body_checks */

static void
cleanup_checks_text(CLEANUP_STATE *state, const char *line, size_t len)
{
	int     i, how;
	int     ret = CC_KEEP;

	for (i = cc.depth - 1; i >= 0; i--) {
		how = header_boundary(line, len, cc.stack[i].boundary);
		if (how == HEADER_BOUNDARY_NONE)
			continue;
		while (cc.depth > i + 1)
			free(cc.stack[--cc.depth].boundary);
		cc.seg_bytes = 0;
		if (how == HEADER_BOUNDARY_END) {
			free(cc.stack[--cc.depth].boundary);
		} else {
			cc.body_state = CC_PART_HDR;
			cleanup_checks_block(cc.stack[i].digest);
		}
		break;
	}
	if (len > 0 && cc.seg_bytes < var_body_checks_size_limit
	    && memchr(line, 0, len) == NULL) {
		strbuf_set_mem(cc.text, line, len);
		ret = cleanup_checks_inspect(state, &cleanup_body_checks,
					     "body", strbuf_str(cc.text), 0);
	}
	cc.seg_bytes += (long) len + 1;
	if (ret == CC_KEEP)
		cleanup_out_line(state, line, len);
	else if (ret == CC_REPLACED)
		cleanup_out_text(state, strbuf_str(cc.replace));
}

/* cleanup_checks_body - one body line: inspect it and write it */

void
cleanup_checks_body(CLEANUP_STATE *state, const char *line, size_t len)
{
	if (!cc.active && strbuf_len(cc.hdr) == 0) {
		cleanup_out_line(state, line, len);
		return;
	}
	if (cc.body_state != CC_TEXT) {
		if (strbuf_len(cc.hdr) > 0 && header_is_continuation(line, len)) {
			(void) header_append_line(cc.hdr, line, len,
					    (size_t) var_header_size_limit);
			return;
		}
		if (strbuf_len(cc.hdr) > 0)
			cleanup_checks_part_header(state);
		if (header_name_len(line, len, NULL) > 0) {
			(void) header_append_line(cc.hdr, line, len,
					    (size_t) var_header_size_limit);
			return;
		}
		cleanup_checks_block_end();
		if (len == 0) {
			cleanup_out_line(state, line, len);
			return;
		}
		/* Not a header and not the empty line: body text after all. */
		cleanup_checks_body(state, line, len);
		return;
	}
	cleanup_checks_text(state, line, len);
}

/* cleanup_checks_end - end of content: a body part header left over */

void
cleanup_checks_end(CLEANUP_STATE *state)
{
	if (strbuf_len(cc.hdr) > 0)
		cleanup_checks_part_header(state);
}

/* cleanup_checks_extracted - FILTER, REDIRECT and BCC results */

void
cleanup_checks_extracted(CLEANUP_STATE *state)
{
	STRBUF *canon;
	size_t	i;

	if (cc.filter)
		qfile_write_attr(state->writer, CLEANUP_ATTR_FILTER, cc.filter);
	if (cc.redirect)
		qfile_write_attr(state->writer, CLEANUP_ATTR_REDIRECT,
				 cc.redirect);
	if (cc.bcc->argc == 0)
		return;
	canon = strbuf_create(100);
	for (i = 0; i < cc.bcc->argc; i++) {
		if (cleanup_rewrite(state, cc.bcc->argv[i], canon) < 0)
			break;
		cleanup_out_rcpt(state, strbuf_str(canon), cc.bcc->argv[i],
				 NULL, QFILE_NOTIFY_NEVER);
	}
	strbuf_free(&canon);
}
