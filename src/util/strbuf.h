/*
 * strbuf.h - counted, growing, always NUL-terminated string buffer
 *
 * Text whose length comes from outside lives in a STRBUF. A buffer may
 * have a hard limit on its length: an append that would pass it appends
 * nothing, returns -1 and sets the overflow flag, so a caller can turn it
 * into the protocol's "too long" reply. Binary data (with NUL bytes) is
 * fine: strbuf_len() is the length, strbuf_str() the terminated data.
 */

#ifndef STRBUF_H
#define STRBUF_H

#include "sysdeps.h"

typedef struct STRBUF {
	char   *data;		/* always NUL-terminated */
	size_t  len;		/* bytes in use, excluding the NUL */
	size_t  size;		/* bytes allocated */
	size_t  limit;		/* 0, or the longest len allowed */
	int     overflow;	/* an append was refused by the limit */
} STRBUF;

extern STRBUF *strbuf_create(size_t init_size);
extern void strbuf_free_(STRBUF *sb);
#define strbuf_free(pp)	(strbuf_free_(*(pp)), *(pp) = NULL)

extern void strbuf_set_limit(STRBUF *sb, size_t limit);	/* 0: none */

/* Each returns 0, or -1 when the limit refuses the whole append. */
extern int strbuf_append(STRBUF *sb, const void *data, size_t len);
extern int strbuf_append_str(STRBUF *sb, const char *str);
extern int strbuf_append_char(STRBUF *sb, int ch);
extern int strbuf_append_printf(STRBUF *sb, const char *fmt, ...) PRINTFLIKE(2, 3);
extern int strbuf_append_vprintf(STRBUF *sb, const char *fmt, va_list ap) PRINTFLIKE(2, 0);

/* Replace the contents; same result convention. */
extern int strbuf_set(STRBUF *sb, const char *str);
extern int strbuf_set_mem(STRBUF *sb, const void *data, size_t len);
extern int strbuf_printf(STRBUF *sb, const char *fmt, ...) PRINTFLIKE(2, 3);

extern void strbuf_reset(STRBUF *sb);		/* empty, clears overflow */
extern void strbuf_truncate(STRBUF *sb, size_t len);	/* no-op if longer */
extern void strbuf_trim_right(STRBUF *sb);	/* drop trailing white space */
extern char *strbuf_detach(STRBUF *sb);		/* caller frees; sb emptied */

#define strbuf_str(sb)		((sb)->data)
#define strbuf_len(sb)		((sb)->len)
#define strbuf_overflow(sb)	((sb)->overflow)
#define strbuf_end(sb)		((sb)->data + (sb)->len)
#define strbuf_last(sb)		((sb)->len ? (unsigned char) (sb)->data[(sb)->len - 1] : -1)

#endif
