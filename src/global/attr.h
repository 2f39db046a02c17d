/*
 * attr.h - the internal request/reply encoding
 *
 * Every internal service (rewrite, cleanup, bounce, ...) talks this one
 * encoding over a local socket: a request is a sequence of named,
 * typed attributes ended by a terminator, and a reply is the same, its
 * first attribute being "status" (ATTR_NAME_STATUS) by convention.
 * Callers do not use this module directly; each service owns a client
 * module (rewrite_clnt.c, ...) that does.
 *
 * Wire format. Every length is a netstring-style count: 1 to 10 ASCII
 * digits without leading zeros (a lone "0" is allowed), then ':'.
 *
 *	attribute  = type name value
 *	type       = "S" | "I" | "L" | "D"	(string, int, long, data)
 *	name       = length ":" 1*name-char ","
 *	value      = length ":" *OCTET ","
 *	terminator = "E"
 *	request    = *attribute terminator
 *
 * A name is 1 to ATTR_NAME_LIMIT bytes of [A-Za-z0-9_.-]. A string value
 * contains no NUL; a data value is any bytes. An int or long value is
 * an optional '-' and 1 to 20 decimal digits without leading zeros, in
 * range for its type. For example, {status: 0, result: "a@b"} is
 *
 *	I6:status,1:0,S6:result,3:a@b,E
 *
 * A reader refuses anything else: bad type byte, bad count, a value
 * longer than the limit (ATTR_VALUE_LIMIT, or the receiving STRBUF's own
 * limit when smaller), a missing ',' separator, more than
 * ATTR_COUNT_LIMIT attributes in one request, or the end of input
 * before the terminator. Every read and write runs under the stream's
 * own timeouts (the client sets $ipc_timeout).
 */

#ifndef ATTR_H
#define ATTR_H

#include "sysdeps.h"

#include <stdarg.h>
#include <stddef.h>

struct IOSTREAM;
struct STRBUF;

/* Attribute types (also the argument list tags). */
#define ATTR_TYPE_END	0	/* ends an argument list */
#define ATTR_TYPE_STR	1	/* print: const char *; scan: STRBUF * */
#define ATTR_TYPE_INT	2	/* print: int; scan: int * */
#define ATTR_TYPE_LONG	3	/* print: long; scan: long * */
#define ATTR_TYPE_DATA	4	/* print: size_t, const void *; scan: STRBUF * */

/*
 * Type-checked argument helpers; use these rather than the bare tags.
 * ATTR_SEND_* go to attr_print(), ATTR_RECV_* to attr_scan().
 */
#define ATTR_SEND_STR(n, v)	ATTR_TYPE_STR, (const char *) (n), \
				(1 ? (v) : (const char *) 0)
#define ATTR_SEND_INT(n, v)	ATTR_TYPE_INT, (const char *) (n), (int) (v)
#define ATTR_SEND_LONG(n, v)	ATTR_TYPE_LONG, (const char *) (n), (long) (v)
#define ATTR_SEND_DATA(n, l, p)	ATTR_TYPE_DATA, (const char *) (n), \
				(size_t) (l), (1 ? (p) : (const void *) 0)
#define ATTR_RECV_STR(n, sb)	ATTR_TYPE_STR, (const char *) (n), \
				(1 ? (sb) : (struct STRBUF *) 0)
#define ATTR_RECV_INT(n, ip)	ATTR_TYPE_INT, (const char *) (n), \
				(1 ? (ip) : (int *) 0)
#define ATTR_RECV_LONG(n, lp)	ATTR_TYPE_LONG, (const char *) (n), \
				(1 ? (lp) : (long *) 0)
#define ATTR_RECV_DATA(n, sb)	ATTR_TYPE_DATA, (const char *) (n), \
				(1 ? (sb) : (struct STRBUF *) 0)

/* Flags. */
#define ATTR_FLAG_NONE		0
#define ATTR_FLAG_MISSING	(1 << 0)	/* scan: error if one is absent */
#define ATTR_FLAG_EXTRA		(1 << 1)	/* scan: error on unexpected ones */
#define ATTR_FLAG_MORE		(1 << 2)	/* not the end: no terminator */
#define ATTR_FLAG_STRICT	(ATTR_FLAG_MISSING | ATTR_FLAG_EXTRA)

/* Conventional names. */
#define ATTR_NAME_REQUEST	"request"
#define ATTR_NAME_STATUS	"status"

/* Bounds: name length, value length, attributes per request. */
#define ATTR_NAME_LIMIT		100
#define ATTR_VALUE_LIMIT	(64 * 1024 * 1024)
#define ATTR_COUNT_LIMIT	1024

/*
 * Writes the attributes (a list of ATTR_SEND_* ended by ATTR_TYPE_END)
 * and, unless ATTR_FLAG_MORE, the terminator, then flushes. Returns 0,
 * or -1 when the stream failed. A name that breaks the name rules is a
 * program bug (panic).
 */
extern int attr_print(struct IOSTREAM *st, int flags, ...);
/*
 * The v forms take a pointer so that one va_list can carry a request
 * list and then a reply list (attr_clnt); they consume through the
 * list's ATTR_TYPE_END.
 */
extern int attr_vprint(struct IOSTREAM *st, int flags, va_list *app);

/*
 * Reads attributes into the ATTR_RECV_* destinations, which must
 * arrive in the listed order. An attribute whose name is not the next
 * one expected is skipped, or is an error with ATTR_FLAG_EXTRA. Unless
 * ATTR_FLAG_MORE, the rest of the request is read up to and including
 * its terminator (extra attributes skipped, or an error with
 * ATTR_FLAG_EXTRA). With ATTR_FLAG_MORE, reading stops right after the
 * last expected attribute. Returns the number of destinations filled,
 * or -1 on end of input, a stream error or timeout, a format or limit
 * violation, a type mismatch, or (ATTR_FLAG_MISSING) an absent
 * attribute. Errors other than end of input before the first byte are
 * logged as warnings.
 */
extern int attr_scan(struct IOSTREAM *st, int flags, ...);
extern int attr_vscan(struct IOSTREAM *st, int flags, va_list *app);

/*
 * Reads one attribute, for servers that dispatch on a request name
 * before they know the rest. Returns the type, ATTR_TYPE_END for the
 * terminator, or -1 as attr_scan(). An INT or LONG value is left in
 * value as text, validated.
 */
extern int attr_scan_one(struct IOSTREAM *st, struct STRBUF *name,
			 struct STRBUF *value);

#endif
