/*
 * mem.h - memory allocation that never returns NULL
 *
 * On exhaustion these log a fatal error (which runs the program's
 * cleanup hook) and exit, so call sites need no NULL checks. Size
 * arithmetic that could wrap goes through size_add() and size_mul(),
 * which panic instead of wrapping.
 */

#ifndef MEM_H
#define MEM_H

#include <stddef.h>

extern void *xmalloc(size_t len);
extern void *xcalloc(size_t nmemb, size_t size);
extern void *xrealloc(void *ptr, size_t len);
extern char *xstrdup(const char *str);
extern char *xstrndup(const char *str, size_t len);	/* at most len bytes */
extern void *xmemdup(const void *ptr, size_t len);
extern void xfree(void *ptr);				/* NULL is fine */

extern size_t size_add(size_t a, size_t b);
extern size_t size_mul(size_t a, size_t b);

#endif
