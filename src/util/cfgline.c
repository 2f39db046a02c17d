/*
 * cfgline.c - read one logical line of a configuration file
 *
 * Reads with getc() so that a line is never longer in memory than the
 * buffer's limit allows, whatever the file contains.
 */

#include "sysdeps.h"

#include <ctype.h>

#include "strbuf.h"
#include "cfgline.h"

/* cfgline_physical - read one physical line, without the newline */

static int
cfgline_physical(FILE *fp, STRBUF *buf)
{
	int ch;
	int got = 0;

	while ((ch = getc(fp)) != EOF) {
		got = 1;
		if (ch == '\n')
			break;
		(void) strbuf_append_char(buf, ch);	/* overflow is sticky */
	}
	return got ? 0 : -1;
}

/* cfgline_is_noise - blank or comment line */

static int
cfgline_is_noise(const char *text)
{
	while (isspace((unsigned char) *text))
		text++;
	return *text == 0 || *text == '#';
}

/* cfgline_read - read one logical line */

int
cfgline_read(FILE *fp, STRBUF *buf, int *lineno, int *first_line)
{
	size_t start;
	int ch;

	strbuf_reset(buf);
	*first_line = 0;
	for (;;) {
		/* A logical line ends before a line that starts with text. */
		if (strbuf_len(buf) > 0) {
			ch = getc(fp);
			if (ch == EOF)
				break;
			(void) ungetc(ch, fp);
			/* Postfix's readllines(): any white space continues. */
			if (ch != '#' && !isspace(ch))
				break;
		}
		start = strbuf_len(buf);
		if (cfgline_physical(fp, buf) < 0)
			break;
		*lineno += 1;
		if (cfgline_is_noise(strbuf_str(buf) + start)) {
			strbuf_truncate(buf, start);
			continue;
		}
		if (start == 0)
			*first_line = *lineno;
	}
	strbuf_trim_right(buf);
	return strbuf_len(buf) > 0 ? 0 : -1;
}
