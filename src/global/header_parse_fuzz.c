/*
 * header_parse_fuzz.c - libFuzzer target for the header line helpers
 *
 * The first input byte picks a width and a size limit; the rest (up
 * to its first NUL) is the text.
 *
 * Checks: a recognised header name is valid ftext followed by a colon
 * and its value offset lies inside the text; unfolding a folded text
 * gives the text back; a collected header keeps to its size limit;
 * Content-Type gives lower-case tokens or nothing; the known-header
 * table answers only for its own names; boundary answers are stable.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "header_parse.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* is_token - non-empty, lower case, no space or tspecial */

static int
is_token(const char *s)
{
	if (*s == 0)
		return 0;
	for (; *s; s++)
		if ((unsigned char) *s <= ' ' || (unsigned char) *s >= 127
		    || strchr("()<>@,;:\\\"/[]?=", *s)
		    || (*s >= 'A' && *s <= 'Z'))
			return 0;
	return 1;
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "header_parse_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	log_init("header_parse_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STRBUF *a;
	STRBUF *b;
	STRBUF *c;
	const HEADER_INFO *hi;
	char   *text;
	size_t  width;
	size_t  len;
	size_t  n;
	size_t  i;
	size_t  off = 0;
	int     ret;
	int     cte;

	if (size == 0)
		return 0;
	a = strbuf_create(100);
	b = strbuf_create(100);
	c = strbuf_create(100);
	width = data[0] % 80;
	text = xstrndup((const char *) data + 1, size - 1);
	len = strlen(text);

	/* Header name. */
	n = header_name_len(text, len, &off);
	if (n > 0) {
		for (i = 0; i < n; i++)
			check((unsigned char) text[i] >= 33
			      && (unsigned char) text[i] <= 126 && text[i] != ':',
			      "bad name character");
		check(off > n && off <= len && text[n + strspn(text + n, " \t")] == ':',
		      "value offset");
		hi = header_info_find(text, n);
		check(hi == NULL || (strlen(hi->name) == n
				     && strncasecmp(hi->name, text, n) == 0),
		      "header table answers for another name");
	}

	/* Folding is undone by unfolding, for text without line breaks. */
	if (strpbrk(text, "\r\n") == NULL) {
		header_fold(a, text, width);
		header_unfold(b, strbuf_str(a));
		if (strcmp(strbuf_str(b), text) != 0)
			log_panic("check failed: fold/unfold changed \"%s\" to "
				  "\"%s\"", text, strbuf_str(b));
	}
	strbuf_reset(b);
	header_unfold(b, text);
	check(strbuf_len(b) <= len, "unfolding grew the text");

	/* Collecting with a limit, one line at a time. */
	strbuf_reset(c);
	{
		const char *p = text;
		const char *nl;

		while (*p) {
			nl = strchr(p, '\n');
			n = nl ? (size_t) (nl - p) : strlen(p);
			(void) header_append_line(c, p, n, width);
			check(width == 0 || strbuf_len(c) <= width, "limit passed");
			p += n + (nl != NULL);
		}
	}

	/* MIME. */
	ret = header_content_type(text, a, b, c);
	if (ret == 0)
		check(is_token(strbuf_str(a)) && is_token(strbuf_str(b)),
		      "content type tokens");
	else
		check(ret == -1 && strbuf_len(a) == 0 && strbuf_len(b) == 0,
		      "content type failure");
	cte = header_cte(text);
	check(cte >= HEADER_CTE_OTHER && cte <= HEADER_CTE_BASE64, "cte range");
	if (width < len) {
		char   *bnd = xstrndup(text, width);

		ret = header_boundary(text, len, bnd);
		check(ret == HEADER_BOUNDARY_NONE || (ret == HEADER_BOUNDARY_PART
						      && text[0] == '-')
		      || ret == HEADER_BOUNDARY_END, "boundary answer");
		xfree(bnd);
	}

	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&c);
	xfree(text);
	return 0;
}
