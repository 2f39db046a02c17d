/*
 * addr_parse.h - RFC 5322 address lists, RFC 5321 paths, quoting
 *
 * The one address parser of the mail system. Header address lists are
 * parsed the tolerant way Postfix's tok822 module does: comments,
 * display names, groups, angle addresses with source routes, obsolete
 * forms, and two words with no operator between them taken as two
 * addresses. Nothing is ever rejected there; strange text becomes a
 * strange address.
 *
 * Addresses have two forms. The internal form is the local part with
 * its quotes and backslashes removed, then "@" and the domain:
 * "a b"@example.com is "a b@example.com" inside. The external form
 * quotes the local part where it needs it (Postfix's quote_822_local);
 * the local part is everything before the LAST "@" of the internal
 * form. Domains compare without case, local parts with case.
 */

#ifndef ADDR_PARSE_H
#define ADDR_PARSE_H

#include "sysdeps.h"

struct STRBUF;

/* One address of a list. All strings are owned by the list. */
typedef struct ADDR_ITEM {
	char   *addr;		/* internal form: [route:]local[@domain] */
	char   *route;		/* "@a,@b" of <@a,@b:u@c>, or NULL */
	char   *local;		/* local part, internal (unquoted) form */
	char   *domain;		/* after the last unquoted @, or NULL if none */
	char   *display;	/* display name (or comment), unquoted, or NULL */
	char   *group;		/* name of the enclosing group, or NULL */
	int     angle;		/* the address was written as <...> */
} ADDR_ITEM;

typedef struct ADDR_LIST {
	ADDR_ITEM *items;
	size_t  count;
	size_t  size;		/* slots allocated */
} ADDR_LIST;

/*
 * Parses a header value (unfolded or not: CR and LF count as white
 * space) into addresses, in order. Empty groups ("undisclosed-recipients:;")
 * and empty list elements give no address; "<>" gives one empty
 * address. Never fails; the list may be empty. Caller frees.
 */
extern ADDR_LIST *addr_parse_list(const char *text);
extern void addr_list_free_(ADDR_LIST *list);
#define addr_list_free(pp)	(addr_list_free_(*(pp)), *(pp) = NULL)

/* addr_parse_path() flags. */
#define ADDR_PATH_STRICT	(1 << 0)	/* RFC 5321: <...> required, nothing else */
#define ADDR_PATH_ALLOW_EMPTY	(1 << 1)	/* accept <> (MAIL FROM) */

/*
 * Parses the address of an SMTP MAIL FROM or RCPT TO command, the text
 * after the colon with the ESMTP parameters already split off. Without
 * ADDR_PATH_STRICT it is as liberal as Postfix's smtpd with
 * strict_rfc821_envelopes = no: brackets optional, comments and a
 * display name tolerated, but exactly one address. With it, the
 * argument must be one <...> with RFC 5321 syntax (quoted-string or
 * dot-string local part, a domain or address literal, an optional
 * source route). Fills out with the internal form, source route
 * included as Postfix keeps it (trivial-rewrite strips it); route, if
 * not NULL, receives the route alone ("" if none). Returns 0, or -1
 * with a reason in why.
 */
extern int addr_parse_path(const char *arg, int flags, struct STRBUF *out,
			   struct STRBUF *route, struct STRBUF *why);

/* addr_quote() flags. */
#define ADDR_QUOTE_8BITCLEAN	(1 << 0)	/* 8-bit local parts stay bare (SMTPUTF8) */

/*
 * Appends the external form of an internal address to out: the local
 * part (before the last "@") goes in double quotes, with " and \
 * escaped, when it is empty or is not an RFC 5322 dot-atom. The domain
 * is copied as it is. An address with no "@" is all local part, but an
 * empty address stays empty (the null sender).
 */
extern void addr_quote(struct STRBUF *out, const char *internal, int flags);

/*
 * Appends the internal form of one external address (as written in a
 * header or an alias, optionally in <>) to out. Returns 0, or -1 when
 * the text holds no address or more than one.
 */
extern int addr_unquote(struct STRBUF *out, const char *external);

/*
 * Compare internal addresses: local parts exactly, domains (after the
 * last "@") without regard to ASCII case. 0 means equal; else the sign
 * of the first difference.
 */
extern int addr_compare(const char *a, const char *b);

#endif
