/*
 * pipe_attr.c - pipe(8) command attributes and macro expansion
 *
 * The attributes come from the end of the master.cf entry, after the
 * daemon options, as words: "flags=DRhu", "user=name[:group]", ...,
 * "argv=command" and the command's own arguments, which are every word
 * after argv=. A word in braces ("{ a b }") is one argument with the
 * braces and the white space inside them removed (Postfix 3.0).
 *
 * Macros are $name, ${name} and $(name); $$ is a literal "$". The
 * command is checked for unknown macro names when it is parsed, so a
 * delivery never fails on a typing error that the daemon could have
 * reported at startup.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "addr_parse.h"		/* global */
#include "deliver_request.h"
#include "mail_copy.h"
#include "map_search.h"
#include "pipe.h"

/* Macro names; the PIPE_MAC_RCPT ones expand once per recipient. */
#define PIPE_MAC_RCPT	1

static const struct pipe_macro {
	const char *name;
	int	flags;
} pipe_macros[] = {
	{"client_address", 0},
	{"client_helo", 0},
	{"client_hostname", 0},
	{"client_port", 0},
	{"client_protocol", 0},
	{"domain", PIPE_MAC_RCPT},
	{"extension", PIPE_MAC_RCPT},
	{"mailbox", PIPE_MAC_RCPT},
	{"nexthop", 0},
	{"original_recipient", PIPE_MAC_RCPT},
	{"queue_id", 0},
	{"recipient", PIPE_MAC_RCPT},
	{"sasl_method", 0},
	{"sasl_sender", 0},
	{"sasl_username", 0},
	{"sender", 0},
	{"size", 0},
	{"user", PIPE_MAC_RCPT},
	{0, 0},
};

/* pipe_macro_find - look up a macro name of len bytes */

static const struct pipe_macro *
pipe_macro_find(const char *name, size_t len)
{
	const struct pipe_macro *mp;

	for (mp = pipe_macros; mp->name; mp++)
		if (strlen(mp->name) == len && strncmp(mp->name, name, len) == 0)
			return mp;
	return NULL;
}

/*
 * pipe_macro_next - find the next macro reference in text
 *
 * Returns the length of text before it (literal text, with "$$" to be
 * reduced by the caller), and sets *name and *name_len to the reference
 * (NULL at the end) and *ref_len to the length of the whole reference.
 * A "$" that starts no valid reference is an error (-1 with why).
 */

static ssize_t
pipe_macro_next(const char *text, const char **name, size_t *name_len,
		size_t *ref_len, STRBUF *why)
{
	const char *cp = text;
	const char *start;
	char	close;

	for (;;) {
		if ((cp = strchr(cp, '$')) == NULL) {
			*name = NULL;
			return (ssize_t) strlen(text);
		}
		if (cp[1] == '$') {
			cp += 2;
			continue;
		}
		break;
	}
	if (cp[1] == '{' || cp[1] == '(') {
		close = cp[1] == '{' ? '}' : ')';
		start = cp + 2;
		*name_len = strspn(start, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (*name_len == 0 || start[*name_len] != close) {
			strbuf_printf(why, "bad macro reference in \"%s\"", text);
			return -1;
		}
		*ref_len = *name_len + 3;
	} else {
		start = cp + 1;
		*name_len = strspn(start, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (*name_len == 0) {
			strbuf_printf(why, "bad macro reference in \"%s\"", text);
			return -1;
		}
		*ref_len = *name_len + 1;
	}
	*name = start;
	return cp - text;
}

/* pipe_append_literal - append literal text, "$$" becoming "$" */

static void
pipe_append_literal(STRBUF *out, const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		strbuf_append_char(out, text[i]);
		if (text[i] == '$' && i + 1 < len && text[i + 1] == '$')
			i++;
	}
}

/*
 * pipe_scan_word - check the macros of one command word
 *
 * Returns PIPE_MAC_RCPT when it names a per-recipient macro, 0 when it
 * does not, -1 for an unknown or malformed macro.
 */

static int
pipe_scan_word(const char *word, STRBUF *why)
{
	const struct pipe_macro *mp;
	const char *name;
	size_t	name_len, ref_len;
	ssize_t lit;
	int	flags = 0;

	for (;;) {
		if ((lit = pipe_macro_next(word, &name, &name_len, &ref_len,
					   why)) < 0)
			return -1;
		if (name == NULL)
			return flags;
		if ((mp = pipe_macro_find(name, name_len)) == NULL) {
			strbuf_printf(why, "unknown macro name \"%.*s\" in "
				      "command argument \"%s\"",
				      (int) name_len, name, word);
			return -1;
		}
		flags |= mp->flags;
		word += lit + ref_len;
	}
}

/* pipe_parse_flags - flags= letters to PIPE_ATTR flags */

int
pipe_parse_flags(const char *letters, int *flags, STRBUF *why)
{
	const char *cp;

	*flags = 0;
	for (cp = letters; *cp; cp++) {
		switch (*cp) {
		case 'B':
			*flags |= MAIL_COPY_BLANK;
			break;
		case 'D':
			*flags |= MAIL_COPY_DELIVERED;
			break;
		case 'F':
			*flags |= MAIL_COPY_FROM;
			break;
		case 'O':
			*flags |= MAIL_COPY_ORIG_RCPT;
			break;
		case 'R':
			*flags |= MAIL_COPY_RETURN;
			break;
		case 'X':
			*flags |= PIPE_OPT_FINAL;
			break;
		case 'h':
			*flags |= PIPE_OPT_FOLD_HOST;
			break;
		case 'q':
			*flags |= PIPE_OPT_QUOTE;
			break;
		case 'u':
			*flags |= PIPE_OPT_FOLD_USER;
			break;
		case '.':
			*flags |= MAIL_COPY_DOT;
			break;
		case '>':
			*flags |= MAIL_COPY_QUOTE;
			break;
		default:
			strbuf_printf(why, "unknown flag: %c (decimal %d)",
				      isprint((unsigned char) *cp) ? *cp : '?',
				      (unsigned char) *cp);
			return -1;
		}
	}
	return 0;
}

/* pipe_unescape - C backslash escapes, as Postfix's eol= takes them */

static int
pipe_unescape(STRBUF *out, const char *in)
{
	int	ch, n, i;

	strbuf_reset(out);
	while ((ch = (unsigned char) *in++) != 0) {
		if (ch != '\\') {
			strbuf_append_char(out, ch);
			continue;
		}
		switch (ch = (unsigned char) *in++) {
		case 'a': ch = '\a'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'v': ch = '\v'; break;
		case '\\': break;
		case 0:
			return -1;
		default:
			if (ch < '0' || ch > '7')
				return -1;
			for (n = ch - '0', i = 1; i < 3 && *in >= '0' && *in <= '7';
			     i++)
				n = n * 8 + (*in++ - '0');
			ch = n & 0xff;
			break;
		}
		strbuf_append_char(out, ch);
	}
	return 0;
}

/* pipe_parse_eol - eol= to mail_copy() flags */

int
pipe_parse_eol(const char *value, int *flags, STRBUF *why)
{
	STRBUF *eol = strbuf_create(10);
	int	ret = 0;

	if (pipe_unescape(eol, value) < 0) {
		strbuf_printf(why, "bad escape sequence in eol=%s", value);
		ret = -1;
	} else if (strcmp(strbuf_str(eol), "\n") == 0) {
		*flags = 0;
	} else if (strcmp(strbuf_str(eol), "\r\n") == 0) {
		*flags = MAIL_COPY_CRLF;
	} else {
		/* XXX issue 6: mail_copy() knows only LF and CRLF line ends. */
		strbuf_printf(why, "unsupported record delimiter: eol=%s "
			      "(use \\n or \\r\\n)", value);
		ret = -1;
	}
	strbuf_free(&eol);
	return ret;
}

/* pipe_strip_braces - "{ text }" to "text", in place; else unchanged */

static char *
pipe_strip_braces(char *word, STRBUF *why)
{
	if (*word != '{')
		return word;
	return token_strip_parens(word, "{}", why);
}

/* pipe_attr_parse - parse the command attributes */

int
pipe_attr_parse(int argc, char **argv, PIPE_ATTR *attr, STRBUF *why)
{
	char   *copy;
	char   *word;
	char   *value;
	int	i, eol_flags = 0, flags = 0;
	long	size;

	memset(attr, 0, sizeof(*attr));
	attr->null_sender = xstrdup("MAILER-DAEMON");
	for (i = 0; i < argc; i++) {
		copy = xstrdup(argv[i]);
		if ((word = pipe_strip_braces(copy, why)) == NULL) {
			xfree(copy);
			return -1;
		}
		if ((value = strchr(word, '=')) == NULL) {
			strbuf_printf(why, "missing '=' after attribute name: "
				      "\"%s\"", word);
			xfree(copy);
			return -1;
		}
		*value++ = 0;
		if (strcmp(word, "flags") == 0) {
			if (pipe_parse_flags(value, &flags, why) < 0) {
				xfree(copy);
				return -1;
			}
		} else if (strcmp(word, "user") == 0) {
			char   *colon = strchr(value, ':');

			if (colon)
				*colon++ = 0;
			if (*value == 0 || (colon && *colon == 0)) {
				strbuf_printf(why, "bad user= attribute value: "
					      "\"%s\"", argv[i]);
				xfree(copy);
				return -1;
			}
			xfree(attr->user);
			xfree(attr->group);
			attr->user = xstrdup(value);
			attr->group = colon ? xstrdup(colon) : NULL;
		} else if (strcmp(word, "size") == 0) {
			if (parse_long(value, &size, 0, LONG_MAX) < 0) {
				strbuf_printf(why, "bad size= attribute value: "
					      "\"%s\"", value);
				xfree(copy);
				return -1;
			}
			attr->size_limit = size;
		} else if (strcmp(word, "eol") == 0) {
			if (pipe_parse_eol(value, &eol_flags, why) < 0) {
				xfree(copy);
				return -1;
			}
		} else if (strcmp(word, "null_sender") == 0) {
			xfree(attr->null_sender);
			attr->null_sender = xstrdup(value);
		} else if (strcmp(word, "directory") == 0) {
			xfree(attr->directory);
			attr->directory = xstrdup(value);
		} else if (strcmp(word, "chroot") == 0) {
			xfree(attr->chroot_dir);
			attr->chroot_dir = xstrdup(value);
		} else if (strcmp(word, "argv") == 0) {
			attr->command = argv_create();
			if (*value)
				argv_add(attr->command, value);
			xfree(copy);
			for (i++; i < argc; i++) {
				copy = xstrdup(argv[i]);
				if ((word = pipe_strip_braces(copy, why)) == NULL) {
					xfree(copy);
					return -1;
				}
				argv_add(attr->command, word);
				xfree(copy);
			}
			break;
		} else {
			strbuf_printf(why, "unknown attribute name: \"%s\"", word);
			xfree(copy);
			return -1;
		}
		xfree(copy);
	}
	attr->flags = flags | eol_flags;
	if (attr->user == NULL) {
		strbuf_set(why, "missing user= command-line attribute");
		return -1;
	}
	if (attr->command == NULL || attr->command->argc == 0) {
		strbuf_set(why, "missing argv= command-line attribute");
		return -1;
	}
	for (i = 0; i < (int) attr->command->argc; i++)
		if (pipe_scan_word(attr->command->argv[i], why) < 0)
			return -1;
	return 0;
}

/* pipe_attr_free - release what pipe_attr_parse() allocated */

void
pipe_attr_free(PIPE_ATTR *attr)
{
	xfree(attr->user);
	xfree(attr->group);
	xfree(attr->null_sender);
	xfree(attr->directory);
	xfree(attr->chroot_dir);
	if (attr->command)
		argv_free(&attr->command);
	memset(attr, 0, sizeof(*attr));
}

/* Per-expansion state: the request and, for per-recipient words, one recipient. */
struct pipe_ctx {
	const PIPE_ATTR *attr;
	const DELIVER_REQUEST *req;
	const DELIVER_RCPT *rcpt;	/* NULL outside per-recipient words */
	const char *delimiters;
};

/*
 * pipe_append_addr - an address as the q, u and h flags want it
 *
 * u folds the local part (left of the right-most '@'), h the domain; q
 * quotes the local part as RFC 822 would, so that sendmail(1) reads the
 * address back the same way.
 */

static void
pipe_append_addr(STRBUF *out, const char *addr, int flags, int rcpt)
{
	STRBUF *tmp = strbuf_create(100);
	const char *at = strrchr(addr, '@');
	size_t	llen = at ? (size_t) (at - addr) : strlen(addr);
	size_t	i;

	strbuf_set(tmp, addr);
	if (rcpt && (flags & PIPE_OPT_FOLD_USER))
		for (i = 0; i < llen; i++)
			strbuf_str(tmp)[i] = (char) tolower((unsigned char) addr[i]);
	if (rcpt && at && (flags & PIPE_OPT_FOLD_HOST))
		str_lower(strbuf_str(tmp) + llen + 1);
	if ((flags & PIPE_OPT_QUOTE) && *addr) {
		addr_quote(out, strbuf_str(tmp), 0);
	} else {
		strbuf_append_str(out, strbuf_str(tmp));
	}
	strbuf_free(&tmp);
}

/* pipe_append_value - append the value of one macro */

static void
pipe_append_value(STRBUF *out, const struct pipe_ctx *ctx, const char *name)
{
	const DELIVER_REQUEST *req = ctx->req;
	int	flags = ctx->attr->flags;
	const char *addr, *at;
	STRBUF *bare;
	size_t	llen, mark;

	if (strcmp(name, "sender") == 0) {
		if (*req->sender)
			pipe_append_addr(out, req->sender, flags, 0);
		else if (*ctx->attr->null_sender)
			pipe_append_addr(out, ctx->attr->null_sender, flags, 0);
	} else if (strcmp(name, "recipient") == 0) {
		pipe_append_addr(out, ctx->rcpt->address, flags, 1);
	} else if (strcmp(name, "original_recipient") == 0) {
		addr = *ctx->rcpt->orig_addr ? ctx->rcpt->orig_addr :
			ctx->rcpt->address;
		pipe_append_addr(out, addr, flags, 1);
	} else if (strcmp(name, "nexthop") == 0) {
		mark = strbuf_len(out);
		strbuf_append_str(out, req->nexthop);
		if (flags & PIPE_OPT_FOLD_HOST)
			str_lower(strbuf_str(out) + mark);
	} else if (strcmp(name, "domain") == 0) {
		addr = ctx->rcpt->address;
		if ((at = strrchr(addr, '@')) != NULL) {
			mark = strbuf_len(out);
			strbuf_append_str(out, at + 1);
			if (flags & PIPE_OPT_FOLD_HOST)
				str_lower(strbuf_str(out) + mark);
		}
	} else if (strcmp(name, "mailbox") == 0 || strcmp(name, "user") == 0
		   || strcmp(name, "extension") == 0) {
		addr = ctx->rcpt->address;
		at = strrchr(addr, '@');
		llen = at ? (size_t) (at - addr) : strlen(addr);
		bare = strbuf_create(100);
		strbuf_set_mem(bare, addr, llen);
		mark = strbuf_len(out);
		if (strcmp(name, "mailbox") == 0) {
			strbuf_append(out, addr, llen);
		} else {
			STRBUF *user = strbuf_create(100);
			int	split = map_search_strip_ext(strbuf_str(bare),
							     ctx->delimiters, 0,
							     user);

			if (strcmp(name, "user") == 0)
				strbuf_append_str(out, split ? strbuf_str(user) :
						  strbuf_str(bare));
			else if (split)
				strbuf_append(out, addr + strbuf_len(user) + 1,
					      llen - strbuf_len(user) - 1);
			strbuf_free(&user);
		}
		if (flags & PIPE_OPT_FOLD_USER)
			str_lower(strbuf_str(out) + mark);
		strbuf_free(&bare);
	} else if (strcmp(name, "size") == 0) {
		strbuf_append_printf(out, "%ld", req->data_size);
	} else if (strcmp(name, "client_address") == 0) {
		strbuf_append_str(out, req->client_addr);
	} else if (strcmp(name, "client_hostname") == 0) {
		strbuf_append_str(out, req->client_name);
	} else if (strcmp(name, "client_port") == 0) {
		strbuf_append_str(out, req->client_port);
	} else if (strcmp(name, "client_protocol") == 0) {
		strbuf_append_str(out, req->client_proto);
	} else if (strcmp(name, "client_helo") == 0) {
		strbuf_append_str(out, req->client_helo);
	} else if (strcmp(name, "queue_id") == 0) {
		strbuf_append_str(out, req->queue_id);
	} else if (strcmp(name, "sasl_method") == 0) {
		strbuf_append_str(out, req->sasl_method);
	} else if (strcmp(name, "sasl_sender") == 0) {
		strbuf_append_str(out, req->sasl_sender);
	} else if (strcmp(name, "sasl_username") == 0) {
		strbuf_append_str(out, req->sasl_username);
	} else {
		log_panic("pipe_append_value: unchecked macro \"%s\"", name);
	}
}

/* pipe_expand_word - expand one word for one recipient (or none) */

static int
pipe_expand_word(const char *word, const struct pipe_ctx *ctx, STRBUF *out,
		 STRBUF *why)
{
	const char *name;
	size_t	name_len, ref_len;
	ssize_t lit;
	char   *nbuf;

	strbuf_reset(out);
	for (;;) {
		if ((lit = pipe_macro_next(word, &name, &name_len, &ref_len,
					   why)) < 0)
			return -1;
		pipe_append_literal(out, word, (size_t) lit);
		if (name == NULL)
			return 0;
		if (pipe_macro_find(name, name_len) == NULL) {
			strbuf_printf(why, "unknown macro name \"%.*s\"",
				      (int) name_len, name);
			return -1;
		}
		nbuf = xstrndup(name, name_len);
		pipe_append_value(out, ctx, nbuf);
		xfree(nbuf);
		word += lit + ref_len;
	}
}

/* pipe_expand - expand the command for one request */

int
pipe_expand(const PIPE_ATTR *attr, const DELIVER_REQUEST *req,
	    const char *delimiters, ARGV *out, STRBUF *why)
{
	struct pipe_ctx ctx;
	STRBUF *buf = strbuf_create(100);
	const char *word;
	size_t	i;
	int	r, kind, ret = 0;

	ctx.attr = attr;
	ctx.req = req;
	ctx.rcpt = NULL;
	ctx.delimiters = delimiters ? delimiters : "";
	for (i = 0; ret == 0 && i < attr->command->argc; i++) {
		word = attr->command->argv[i];
		if ((kind = pipe_scan_word(word, why)) < 0) {
			ret = -1;
		} else if (kind & PIPE_MAC_RCPT) {
			for (r = 0; ret == 0 && r < req->rcpt_count; r++) {
				ctx.rcpt = req->rcpts + r;
				if ((ret = pipe_expand_word(word, &ctx, buf, why)) == 0)
					argv_add(out, strbuf_str(buf));
			}
			ctx.rcpt = NULL;
		} else if ((ret = pipe_expand_word(word, &ctx, buf, why)) == 0) {
			argv_add(out, strbuf_str(buf));
		}
	}
	strbuf_free(&buf);
	return ret;
}
