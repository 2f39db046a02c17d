/*
 * cfgline_fuzz.c - libFuzzer target for the logical line reader
 *
 * Reads the input as a configuration file (through fmemopen(), so no
 * file is written) and compares every logical line, and the line where
 * it starts, with a simple model of the rules in cfgline.h: noise lines
 * (blank, or '#' after white space) vanish; a line that starts with
 * white space continues the logical line before it, as with Postfix's
 * readllines(); trailing white space goes. A second pass under a small
 * length limit checks that no line passes the limit, and that lines
 * before the first truncation come out as without a limit.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "cfgline.h"
#include "log.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One logical line of the model. */
typedef struct MODEL_LINE {
	char   *text;			/* may hold NUL bytes */
	size_t	len;
	int	first_line;
} MODEL_LINE;

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* model_is_noise - blank or comment, judged on the text up to a NUL */

static int
model_is_noise(const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len && text[i] != 0 && isspace((unsigned char) text[i]); i++)
		 /* void */ ;
	return i == len || text[i] == 0 || text[i] == '#';
}

/* model_emit - finish a logical line: trailing white space goes */

static void
model_emit(MODEL_LINE *out, size_t *count, STRBUF *buf, int first_line)
{
	strbuf_trim_right(buf);
	out[*count].len = strbuf_len(buf);
	out[*count].text = malloc(strbuf_len(buf) + 1);
	memcpy(out[*count].text, strbuf_str(buf), strbuf_len(buf) + 1);
	out[*count].first_line = first_line;
	*count += 1;
	strbuf_reset(buf);
}

/* model_read - the logical lines of data, the way cfgline.h says */

static MODEL_LINE *
model_read(const uint8_t *data, size_t size, size_t *count, int *lines)
{
	MODEL_LINE *out = calloc(size + 1, sizeof(*out));
	STRBUF *buf = strbuf_create(100);
	const char *text = (const char *) data;
	const char *line;
	const char *nl;
	size_t	len;
	size_t	pos = 0;
	int	lineno = 0;
	int	first_line = 0;

	*count = 0;
	while (pos < size) {
		line = text + pos;
		nl = memchr(line, '\n', size - pos);
		len = nl ? (size_t) (nl - line) : size - pos;
		pos += len + (nl != NULL);
		lineno++;
		/* A line that starts with text ends the logical line... */
		if (strbuf_len(buf) > 0 && line[0] != '#'
		    && !isspace((unsigned char) line[0]))
			model_emit(out, count, buf, first_line);
		/* ...even when it is noise (a NUL byte before any text). */
		if (model_is_noise(line, len))
			continue;
		if (strbuf_len(buf) == 0)
			first_line = lineno;
		strbuf_append(buf, line, len);
	}
	if (strbuf_len(buf) > 0)
		model_emit(out, count, buf, first_line);
	strbuf_free(&buf);
	*lines = lineno;
	return out;
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "cfgline_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("cfgline_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	MODEL_LINE *model;
	STRBUF *buf;
	size_t	count;
	size_t	n;
	size_t	limit;
	int	lines;
	int	overflow;
	int	lineno = 0;
	int	first_line;
	FILE   *fp;

	if (size == 0)
		return 0;
	model = model_read(data, size, &count, &lines);
	buf = strbuf_create(10);

	if ((fp = fmemopen((void *) data, size, "r")) == NULL)
		log_panic("cfgline_fuzz: fmemopen: %m");
	for (n = 0; cfgline_read(fp, buf, &lineno, &first_line) == 0; n++) {
		check(n < count, "more logical lines than the model");
		check(strbuf_len(buf) == model[n].len
		      && memcmp(strbuf_str(buf), model[n].text,
				model[n].len) == 0,
		      "logical line differs from the model");
		check(first_line == model[n].first_line,
		      "first line number differs from the model");
		check(first_line >= 1 && first_line <= lineno,
		      "first line out of range");
		check(memchr(strbuf_str(buf), '\n', strbuf_len(buf)) == NULL,
		      "newline inside a logical line");
	}
	check(n == count, "fewer logical lines than the model");
	check(lineno == lines, "physical line count");
	fclose(fp);

	/* Under a limit every line fits, truncated where needed. */
	limit = 1 + data[0] % 64;
	strbuf_set_limit(buf, limit);
	lineno = 0;
	if ((fp = fmemopen((void *) data, size, "r")) == NULL)
		log_panic("cfgline_fuzz: fmemopen: %m");
	for (n = 0, overflow = 0; cfgline_read(fp, buf, &lineno,
					     &first_line) == 0; n++) {
		check(strbuf_len(buf) <= limit, "line passed the limit");
		/* After a truncation the lines need not line up any more. */
		if ((overflow |= strbuf_overflow(buf)) == 0)
			check(n < count && strbuf_len(buf) == model[n].len,
			      "line changed under a limit it did not reach");
	}
	fclose(fp);

	for (n = 0; n < count; n++)
		free(model[n].text);
	free(model);
	strbuf_free(&buf);
	return 0;
}
