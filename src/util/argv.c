/*
 * argv.c - growable, NULL-terminated array of strings
 */

#include "sysdeps.h"

#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"

/* argv_create - new empty array */

ARGV *
argv_create(void)
{
	ARGV *argvp = xmalloc(sizeof(*argvp));

	argvp->size = 8;
	argvp->argc = 0;
	argvp->argv = xcalloc(argvp->size, sizeof(char *));
	return argvp;
}

/* argv_free_ - release array and strings; use the argv_free() macro */

void
argv_free_(ARGV *argvp)
{
	size_t i;

	if (argvp == NULL)
		return;
	for (i = 0; i < argvp->argc; i++)
		xfree(argvp->argv[i]);
	xfree(argvp->argv);
	xfree(argvp);
}

/* argv_grow - make room for one more string and the NULL */

static void
argv_grow(ARGV *argvp)
{
	if (argvp->argc + 1 >= argvp->size) {
		argvp->size = size_mul(argvp->size, 2);
		argvp->argv = xrealloc(argvp->argv,
				       size_mul(argvp->size, sizeof(char *)));
	}
}

/* argv_add - append a copy of str */

void
argv_add(ARGV *argvp, const char *str)
{
	argv_grow(argvp);
	argvp->argv[argvp->argc++] = xstrdup(str);
	argvp->argv[argvp->argc] = NULL;
}

/* argv_addn - append a copy of the first len bytes of str */

void
argv_addn(ARGV *argvp, const char *str, size_t len)
{
	argv_grow(argvp);
	argvp->argv[argvp->argc++] = xstrndup(str, len);
	argvp->argv[argvp->argc] = NULL;
}

/* argv_add_printf - append formatted text */

void
argv_add_printf(ARGV *argvp, const char *fmt, ...)
{
	STRBUF *sb = strbuf_create(64);
	va_list ap;

	va_start(ap, fmt);
	strbuf_append_vprintf(sb, fmt, ap);
	va_end(ap);
	argv_grow(argvp);
	argvp->argv[argvp->argc++] = strbuf_detach(sb);
	argvp->argv[argvp->argc] = NULL;
	strbuf_free(&sb);
}

/* argv_insert - insert a copy of str before position where */

void
argv_insert(ARGV *argvp, size_t where, const char *str)
{
	if (where > argvp->argc)
		where = argvp->argc;
	argv_grow(argvp);
	memmove(argvp->argv + where + 1, argvp->argv + where,
		(argvp->argc - where + 1) * sizeof(char *));
	argvp->argv[where] = xstrdup(str);
	argvp->argc++;
}

/* argv_delete - remove count strings starting at where */

void
argv_delete(ARGV *argvp, size_t where, size_t count)
{
	size_t i;

	if (where >= argvp->argc)
		return;
	if (count > argvp->argc - where)
		count = argvp->argc - where;
	for (i = where; i < where + count; i++)
		xfree(argvp->argv[i]);
	memmove(argvp->argv + where, argvp->argv + where + count,
		(argvp->argc - where - count + 1) * sizeof(char *));
	argvp->argc -= count;
}

/* argv_truncate - keep only the first len strings */

void
argv_truncate(ARGV *argvp, size_t len)
{
	if (len < argvp->argc)
		argv_delete(argvp, len, argvp->argc - len);
}

/* argv_cmp - qsort comparator */

static int
argv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* argv_sort - sort in strcmp order */

void
argv_sort(ARGV *argvp)
{
	if (argvp->argc > 1)
		qsort(argvp->argv, argvp->argc, sizeof(char *), argv_cmp);
}

/* argv_uniq - remove adjacent duplicates */

void
argv_uniq(ARGV *argvp)
{
	size_t i = 1;

	while (i < argvp->argc) {
		if (strcmp(argvp->argv[i], argvp->argv[i - 1]) == 0)
			argv_delete(argvp, i, 1);
		else
			i++;
	}
}

/* argv_find - index of the first string equal to str, or -1 */

ssize_t
argv_find(const ARGV *argvp, const char *str)
{
	size_t i;

	for (i = 0; i < argvp->argc; i++)
		if (strcmp(argvp->argv[i], str) == 0)
			return (ssize_t) i;
	return -1;
}

/* argv_split - split on delimiters, skipping empty fields */

ARGV *
argv_split(const char *str, const char *delims)
{
	ARGV *argvp = argv_create();
	size_t len;

	for (;;) {
		str += strspn(str, delims);
		if (*str == 0)
			break;
		len = strcspn(str, delims);
		argv_addn(argvp, str, len);
		str += len;
	}
	return argvp;
}

/* argv_split_q - split on delimiters, keeping parenthesized groups */

ARGV *
argv_split_q(const char *str, const char *delims, const char *parens,
	     STRBUF *why)
{
	ARGV *argvp = argv_create();
	char *copy = xstrdup(str);
	char *cp = copy;
	char *tok;
	int err, any_err = 0;

	while ((tok = token_next_q(&cp, delims, parens, &err)) != NULL) {
		any_err |= err;
		argv_add(argvp, tok);
	}
	xfree(copy);
	if (any_err) {
		if (why)
			strbuf_printf(why, "unbalanced '%c%c' in \"%s\"",
				      parens[0], parens[1], str);
		argv_free(&argvp);
		return NULL;
	}
	return argvp;
}
