/*
 * attr.c - the internal request/reply encoding
 *
 * Writes and reads the length-prefixed attribute format that attr.h
 * documents. Every count is checked before anything is allocated, so a
 * peer cannot make a reader allocate more than the limits allow, and
 * values that are skipped are read through a small fixed buffer.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "stringops.h"
#include "attr.h"

/* Longest decimal count we accept: 10 digits (4294967295 and more). */
#define ATTR_COUNT_DIGITS	10

/* Longest int/long text: sign and 20 digits. */
#define ATTR_NUM_TEXT_LIMIT	21

/* attr_name_ok - check a name against the name rules */

static int
attr_name_ok(const char *name, size_t len)
{
	size_t  i;

	if (len == 0 || len > ATTR_NAME_LIMIT)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char) name[i];

		if (!(isalnum(c) || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* attr_put_count - write one counted field: len ":" bytes "," */

static void
attr_put_count(IOSTREAM *st, const void *data, size_t len)
{
	iostream_printf(st, "%zu:", len);
	iostream_write(st, data, len);
	iostream_putc(st, ',');
}

/* attr_vprint - write attributes from a va_list pointer */

int
attr_vprint(IOSTREAM *st, int flags, va_list *app)
{
	int     type;
	const char *name;
	const char *str;
	const void *ptr;
	size_t  len;
	char    num[32];
	int     n;

	while ((type = va_arg(*app, int)) != ATTR_TYPE_END) {
		name = va_arg(*app, const char *);
		if (name == NULL || !attr_name_ok(name, strlen(name)))
			log_panic("attr_print: bad attribute name");
		switch (type) {
		case ATTR_TYPE_STR:
			str = va_arg(*app, const char *);
			if (str == NULL)
				log_panic("attr_print: null string for %s", name);
			iostream_putc(st, 'S');
			attr_put_count(st, name, strlen(name));
			attr_put_count(st, str, strlen(str));
			break;
		case ATTR_TYPE_INT:
			n = snprintf(num, sizeof(num), "%d", va_arg(*app, int));
			if (n < 0 || (size_t) n >= sizeof(num))
				log_panic("attr_print: int conversion");
			iostream_putc(st, 'I');
			attr_put_count(st, name, strlen(name));
			attr_put_count(st, num, (size_t) n);
			break;
		case ATTR_TYPE_LONG:
			n = snprintf(num, sizeof(num), "%ld", va_arg(*app, long));
			if (n < 0 || (size_t) n >= sizeof(num))
				log_panic("attr_print: long conversion");
			iostream_putc(st, 'L');
			attr_put_count(st, name, strlen(name));
			attr_put_count(st, num, (size_t) n);
			break;
		case ATTR_TYPE_DATA:
			len = va_arg(*app, size_t);
			ptr = va_arg(*app, const void *);
			if (ptr == NULL && len > 0)
				log_panic("attr_print: null data for %s", name);
			if (len > ATTR_VALUE_LIMIT)
				log_panic("attr_print: %s: %zu bytes is over the limit",
					  name, len);
			iostream_putc(st, 'D');
			attr_put_count(st, name, strlen(name));
			attr_put_count(st, len ? ptr : "", len);
			break;
		default:
			log_panic("attr_print: unknown attribute type %d", type);
		}
	}
	if ((flags & ATTR_FLAG_MORE) == 0)
		iostream_putc(st, 'E');
	return iostream_flush(st);
}

/* attr_print - write attributes */

int
attr_print(IOSTREAM *st, int flags,...)
{
	va_list ap;
	int     ret;

	va_start(ap, flags);
	ret = attr_vprint(st, flags, &ap);
	va_end(ap);
	return ret;
}

/* attr_get_count - read a count "digits:" no larger than limit */

static int
attr_get_count(IOSTREAM *st, size_t limit, size_t *result)
{
	size_t  val = 0;
	int     digits = 0;
	int     ch;

	while ((ch = iostream_getc(st)) != IOS_EOF && ch != ':') {
		if (!isdigit(ch) || digits >= ATTR_COUNT_DIGITS
		    || (digits == 1 && val == 0))
			return -1;
		val = val * 10 + (size_t) (ch - '0');
		digits++;
	}
	if (ch != ':' || digits == 0 || val > limit)
		return -1;
	*result = val;
	return 0;
}

/* attr_get_comma - read the separator after a field */

static int
attr_get_comma(IOSTREAM *st)
{
	return iostream_getc(st) == ',' ? 0 : -1;
}

/* attr_skip - read and drop len bytes without storing them */

static int
attr_skip(IOSTREAM *st, size_t len)
{
	char    buf[4096];
	size_t  n;

	while (len > 0) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		if (iostream_read(st, buf, n) != n)
			return -1;
		len -= n;
	}
	return 0;
}

/* attr_num_ok - check int/long text: optional '-', digits, no leading 0 */

static int
attr_num_ok(const char *s, size_t len)
{
	size_t  i = 0;

	if (len == 0 || len > ATTR_NUM_TEXT_LIMIT || strlen(s) != len)
		return 0;
	if (s[0] == '-')
		i = 1;
	if (i >= len || (s[i] == '0' && (len - i > 1 || i == 1)))
		return 0;
	for (; i < len; i++)
		if (!isdigit((unsigned char) s[i]))
			return 0;
	return 1;
}

/*
 * attr_read_head - read a type byte and a name, or the terminator
 *
 * Returns the type, ATTR_TYPE_END, or -1; *why says what was wrong
 * (NULL for end of input, an error or a timeout before the type byte).
 */

static int
attr_read_head(IOSTREAM *st, STRBUF *name, const char **why)
{
	int     ch;
	int     type;
	size_t  len;

	*why = NULL;
	if ((ch = iostream_getc(st)) == IOS_EOF)
		return -1;
	switch (ch) {
	case 'E':
		return ATTR_TYPE_END;
	case 'S':
		type = ATTR_TYPE_STR;
		break;
	case 'I':
		type = ATTR_TYPE_INT;
		break;
	case 'L':
		type = ATTR_TYPE_LONG;
		break;
	case 'D':
		type = ATTR_TYPE_DATA;
		break;
	default:
		*why = "bad attribute type";
		return -1;
	}
	if (attr_get_count(st, ATTR_NAME_LIMIT, &len) < 0) {
		*why = "bad attribute name length";
		return -1;
	}
	if (iostream_get_record(st, name, len) < 0 || attr_get_comma(st) < 0) {
		*why = "truncated or malformed attribute name";
		return -1;
	}
	if (!attr_name_ok(strbuf_str(name), len)) {
		*why = "bad attribute name";
		return -1;
	}
	return type;
}

/*
 * attr_read_value - read the value of an attribute of the given type
 *
 * Into value, or skipped when value is NULL. Returns 0, or -1 with *why.
 */

static int
attr_read_value(IOSTREAM *st, int type, STRBUF *value, const char **why)
{
	size_t  len;
	size_t  limit;

	limit = (type == ATTR_TYPE_INT || type == ATTR_TYPE_LONG) ?
		ATTR_NUM_TEXT_LIMIT : ATTR_VALUE_LIMIT;
	if (value != NULL && value->limit > 0 && value->limit < limit)
		limit = value->limit;
	if (attr_get_count(st, limit, &len) < 0) {
		*why = "bad or too large attribute value length";
		return -1;
	}
	if (value == NULL ? attr_skip(st, len) < 0
	    : iostream_get_record(st, value, len) < 0) {
		*why = "truncated attribute value";
		return -1;
	}
	if (attr_get_comma(st) < 0) {
		*why = "malformed attribute value";
		return -1;
	}
	if (value == NULL)
		return 0;
	if (type == ATTR_TYPE_STR && strlen(strbuf_str(value)) != len) {
		*why = "string value contains a null byte";
		return -1;
	}
	if ((type == ATTR_TYPE_INT || type == ATTR_TYPE_LONG)
	    && !attr_num_ok(strbuf_str(value), len)) {
		*why = "malformed number";
		return -1;
	}
	return 0;
}

/* attr_scan_one - read one attribute for a dispatching server */

int
attr_scan_one(IOSTREAM *st, STRBUF *name, STRBUF *value)
{
	const char *why;
	int     type;

	type = attr_read_head(st, name, &why);
	if (type > 0 && attr_read_value(st, type, value, &why) < 0)
		type = -1;
	if (type < 0 && why != NULL)
		log_warn("attr_scan: %s", why);
	return type;
}

/* attr_scan_fail - log why a scan failed and return -1 */

static int
attr_scan_fail(IOSTREAM *st, const char *why, const char *name)
{
	if (why != NULL)
		log_warn("attr_scan: %s%s%s", why, name ? ": " : "",
			 name ? name : "");
	else if (iostream_timeout(st))
		log_warn("attr_scan: timeout while reading a request");
	return -1;
}

/* attr_store_num - convert validated number text into an int or long */

static int
attr_store_num(int type, const char *text, void *ptr)
{
	long    val;

	if (type == ATTR_TYPE_INT) {
		if (parse_long(text, &val, INT_MIN, INT_MAX) < 0)
			return -1;
		*(int *) ptr = (int) val;
	} else {
		if (parse_long(text, &val, LONG_MIN, LONG_MAX) < 0)
			return -1;
		*(long *) ptr = val;
	}
	return 0;
}

/* attr_vscan - read attributes into a va_list's destinations */

int
attr_vscan(IOSTREAM *st, int flags, va_list *app)
{
	STRBUF *name = strbuf_create(ATTR_NAME_LIMIT + 1);
	STRBUF *num = strbuf_create(ATTR_NUM_TEXT_LIMIT + 1);
	const char *want = NULL;
	const char *why = NULL;
	const char *culprit = NULL;
	int     want_type;
	int     type = 0;
	int     seen = 0;
	int     filled = 0;
	int     ended = 0;
	void   *ptr;

	strbuf_set_limit(name, ATTR_NAME_LIMIT);
	strbuf_set_limit(num, ATTR_NUM_TEXT_LIMIT);
	while ((want_type = va_arg(*app, int)) != ATTR_TYPE_END) {
		want = va_arg(*app, const char *);
		ptr = va_arg(*app, void *);
		if (ended) {
			if (flags & ATTR_FLAG_MISSING) {
				why = "missing attribute";
				culprit = want;
				goto fail;
			}
			continue;
		}
		for (;;) {
			if (++seen > ATTR_COUNT_LIMIT) {
				why = "too many attributes";
				goto fail;
			}
			if ((type = attr_read_head(st, name, &why)) < 0)
				goto fail;
			if (type == ATTR_TYPE_END) {
				ended = 1;
				break;
			}
			if (strcmp(strbuf_str(name), want) == 0)
				break;
			if (flags & ATTR_FLAG_EXTRA) {
				why = "unexpected attribute";
				culprit = strbuf_str(name);
				goto fail;
			}
			if (attr_read_value(st, type, NULL, &why) < 0)
				goto fail;
		}
		if (ended) {
			if (flags & ATTR_FLAG_MISSING) {
				why = "missing attribute";
				culprit = want;
				goto fail;
			}
			continue;
		}
		if (type != want_type) {
			why = "attribute type mismatch";
			culprit = want;
			goto fail;
		}
		if (type == ATTR_TYPE_STR || type == ATTR_TYPE_DATA) {
			if (attr_read_value(st, type, ptr, &why) < 0)
				goto fail;
		} else {
			if (attr_read_value(st, type, num, &why) < 0)
				goto fail;
			if (attr_store_num(type, strbuf_str(num), ptr) < 0) {
				why = "number out of range";
				culprit = want;
				goto fail;
			}
		}
		filled++;
	}

	/* Read the rest of the request, unless the caller reads on. */
	if (!ended && (flags & ATTR_FLAG_MORE) == 0) {
		for (;;) {
			if (++seen > ATTR_COUNT_LIMIT + 1) {
				why = "too many attributes";
				goto fail;
			}
			if ((type = attr_read_head(st, name, &why)) < 0) {
				if (why == NULL)
					why = "missing terminator";
				goto fail;
			}
			if (type == ATTR_TYPE_END)
				break;
			if (flags & ATTR_FLAG_EXTRA) {
				why = "unexpected attribute";
				culprit = strbuf_str(name);
				goto fail;
			}
			if (attr_read_value(st, type, NULL, &why) < 0)
				goto fail;
		}
	}
	strbuf_free(&name);
	strbuf_free(&num);
	return filled;

fail:
	/* Consume the rest of the argument list so va_end() is clean. */
	if (want_type != ATTR_TYPE_END) {
		while ((want_type = va_arg(*app, int)) != ATTR_TYPE_END) {
			(void) va_arg(*app, const char *);
			(void) va_arg(*app, void *);
		}
	}
	if (why == NULL && filled > 0)
		why = "request ended early";
	attr_scan_fail(st, why, culprit);
	strbuf_free(&name);
	strbuf_free(&num);
	return -1;
}

/* attr_scan - read attributes */

int
attr_scan(IOSTREAM *st, int flags,...)
{
	va_list ap;
	int     ret;

	va_start(ap, flags);
	ret = attr_vscan(st, flags, &ap);
	va_end(ap);
	return ret;
}
