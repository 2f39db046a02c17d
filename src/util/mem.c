/*
 * mem.c - memory allocation that never returns NULL
 *
 * Exhaustion is reported through log_fatal(), whose formatting uses a
 * fixed buffer, so reporting out-of-memory does not itself allocate.
 */

#include "sysdeps.h"

#include <errno.h>
#include <stdint.h>

#include "log.h"
#include "mem.h"

/* out_of_memory - report and exit */

static NORETURN
out_of_memory(const char *what, size_t len)
{
	log_fatal("%s: insufficient memory for %zu bytes: %m", what, len);
}

/* xmalloc - allocate or die; zero-length requests return a valid pointer */

void *
xmalloc(size_t len)
{
	void *ptr;

	if ((ptr = malloc(len ? len : 1)) == NULL)
		out_of_memory("xmalloc", len);
	return ptr;
}

/* xcalloc - allocate zeroed memory for an array, checking the product */

void *
xcalloc(size_t nmemb, size_t size)
{
	void *ptr;

	(void) size_mul(nmemb, size);
	if ((ptr = calloc(nmemb ? nmemb : 1, size ? size : 1)) == NULL)
		out_of_memory("xcalloc", nmemb * size);
	return ptr;
}

/* xrealloc - resize or die */

void *
xrealloc(void *ptr, size_t len)
{
	void *nptr;

	if ((nptr = realloc(ptr, len ? len : 1)) == NULL)
		out_of_memory("xrealloc", len);
	return nptr;
}

/* xstrdup - copy a string */

char *
xstrdup(const char *str)
{
	return xmemdup(str, strlen(str) + 1);
}

/* xstrndup - copy at most len bytes of a string, always terminated */

char *
xstrndup(const char *str, size_t len)
{
	const char *end = memchr(str, 0, len);
	size_t n = end ? (size_t) (end - str) : len;
	char *copy = xmalloc(size_add(n, 1));

	memcpy(copy, str, n);
	copy[n] = 0;
	return copy;
}

/* xmemdup - copy a block of memory */

void *
xmemdup(const void *ptr, size_t len)
{
	void *copy = xmalloc(len);

	memcpy(copy, ptr, len);
	return copy;
}

/* xfree - release memory; the name exists so allocation pairs read well */

void
xfree(void *ptr)
{
	free(ptr);
}

/* size_add - add sizes, panic on wrap-around */

size_t
size_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		log_panic("size_add: %zu + %zu overflows", a, b);
	return a + b;
}

/* size_mul - multiply sizes, panic on wrap-around */

size_t
size_mul(size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b)
		log_panic("size_mul: %zu * %zu overflows", a, b);
	return a * b;
}
