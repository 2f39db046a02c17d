/*
 * strbuf.c - counted, growing, always NUL-terminated string buffer
 *
 * Growth doubles the allocation, so appending n bytes one at a time costs
 * O(n). The limit is checked before any byte is copied: a refused append
 * leaves the buffer exactly as it was.
 */

#include "sysdeps.h"

#include "log.h"
#include "mem.h"
#include "strbuf.h"

/* strbuf_create - new empty buffer */

STRBUF *
strbuf_create(size_t init_size)
{
	STRBUF *sb = xmalloc(sizeof(*sb));

	sb->size = init_size ? size_add(init_size, 1) : 16;
	sb->data = xmalloc(sb->size);
	sb->data[0] = 0;
	sb->len = 0;
	sb->limit = 0;
	sb->overflow = 0;
	return sb;
}

/* strbuf_free_ - release buffer and contents; use the strbuf_free() macro */

void
strbuf_free_(STRBUF *sb)
{
	if (sb == NULL)
		return;
	xfree(sb->data);
	xfree(sb);
}

/* strbuf_set_limit - set the hard length limit */

void
strbuf_set_limit(STRBUF *sb, size_t limit)
{
	sb->limit = limit;
}

/* strbuf_space - make room for len more bytes plus the NUL */

static int
strbuf_space(STRBUF *sb, size_t len)
{
	size_t need = size_add(size_add(sb->len, len), 1);
	size_t nsize;

	if (sb->limit && need - 1 > sb->limit) {
		sb->overflow = 1;
		return -1;
	}
	if (need > sb->size) {
		nsize = sb->size;
		while (nsize < need)
			nsize = size_mul(nsize, 2);
		sb->data = xrealloc(sb->data, nsize);
		sb->size = nsize;
	}
	return 0;
}

/* strbuf_append - append len bytes */

int
strbuf_append(STRBUF *sb, const void *data, size_t len)
{
	const char *src = data;

	/* Appending part of ourselves must survive the realloc. */
	if (src >= sb->data && src < sb->data + sb->size) {
		size_t off = src - sb->data;

		if (strbuf_space(sb, len) < 0)
			return -1;
		data = sb->data + off;
	} else if (strbuf_space(sb, len) < 0)
		return -1;
	if (len)
		memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = 0;
	return 0;
}

/* strbuf_append_str - append a C string */

int
strbuf_append_str(STRBUF *sb, const char *str)
{
	return strbuf_append(sb, str, strlen(str));
}

/* strbuf_append_char - append one byte */

int
strbuf_append_char(STRBUF *sb, int ch)
{
	if (sb->len + 1 < sb->size && (sb->limit == 0 || sb->len < sb->limit)) {
		sb->data[sb->len++] = (char) ch;
		sb->data[sb->len] = 0;
		return 0;
	}
	if (strbuf_space(sb, 1) < 0)
		return -1;
	sb->data[sb->len++] = (char) ch;
	sb->data[sb->len] = 0;
	return 0;
}

/* strbuf_append_vprintf - append formatted text */

int
strbuf_append_vprintf(STRBUF *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(sb->data + sb->len, sb->size - sb->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		log_panic("strbuf_append_vprintf: bad format: %s", fmt);
	if ((size_t) n < sb->size - sb->len) {
		if (sb->limit && sb->len + n > sb->limit) {
			sb->data[sb->len] = 0;
			sb->overflow = 1;
			return -1;
		}
		sb->len += n;
		return 0;
	}
	sb->data[sb->len] = 0;
	if (strbuf_space(sb, (size_t) n) < 0)
		return -1;
	va_copy(ap2, ap);
	n = vsnprintf(sb->data + sb->len, sb->size - sb->len, fmt, ap2);
	va_end(ap2);
	sb->len += n;
	return 0;
}

/* strbuf_append_printf - append formatted text */

int
strbuf_append_printf(STRBUF *sb, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = strbuf_append_vprintf(sb, fmt, ap);
	va_end(ap);
	return ret;
}

/* strbuf_printf - replace contents with formatted text */

int
strbuf_printf(STRBUF *sb, const char *fmt, ...)
{
	va_list ap;
	int ret;

	strbuf_reset(sb);
	va_start(ap, fmt);
	ret = strbuf_append_vprintf(sb, fmt, ap);
	va_end(ap);
	return ret;
}

/* strbuf_set - replace contents with a C string */

int
strbuf_set(STRBUF *sb, const char *str)
{
	return strbuf_set_mem(sb, str, strlen(str));
}

/* strbuf_set_mem - replace contents with len bytes; data may overlap sb */

int
strbuf_set_mem(STRBUF *sb, const void *data, size_t len)
{
	if (data >= (const void *) sb->data
	    && data < (const void *) (sb->data + sb->size)) {
		memmove(sb->data, data, len);
		sb->len = len;
		sb->data[len] = 0;
		return 0;
	}
	strbuf_reset(sb);
	return strbuf_append(sb, data, len);
}

/* strbuf_reset - make empty and clear the overflow flag */

void
strbuf_reset(STRBUF *sb)
{
	sb->len = 0;
	sb->data[0] = 0;
	sb->overflow = 0;
}

/* strbuf_truncate - shorten to len bytes */

void
strbuf_truncate(STRBUF *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->data[len] = 0;
	}
}

/* strbuf_trim_right - drop trailing white space */

void
strbuf_trim_right(STRBUF *sb)
{
	/* A NUL byte is data, not white space (strchr would match it). */
	while (sb->len > 0 && sb->data[sb->len - 1] != 0
	       && strchr(" \t\r\n", sb->data[sb->len - 1]))
		sb->len--;
	sb->data[sb->len] = 0;
}

/* strbuf_detach - hand the contents to the caller, leave sb empty */

char *
strbuf_detach(STRBUF *sb)
{
	char *data = sb->data;

	sb->size = 16;
	sb->data = xmalloc(sb->size);
	strbuf_reset(sb);
	return data;
}
