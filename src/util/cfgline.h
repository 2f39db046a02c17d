/*
 * cfgline.h - read one logical line of a configuration file
 *
 * Used for main.cf, master.cf and table source files. Blank lines and
 * lines whose first non-white-space character is '#' are skipped. A
 * line that starts with white space continues the logical line before
 * it: the newline is deleted and the text, leading white space
 * included, is appended. Trailing white space is removed. A
 * continuation line with no logical line before it is returned as a
 * line of its own, and the caller decides whether to complain.
 */

#ifndef CFGLINE_H
#define CFGLINE_H

#include "sysdeps.h"

struct STRBUF;

/*
 * Reads the next logical line into buf. *lineno counts physical lines
 * (the caller starts it at 0); *first_line gets the number of the line
 * where the logical line began. Returns 0, or -1 at end of file. A
 * line longer than the buffer's limit is truncated to that limit and
 * strbuf_overflow(buf) tells the caller.
 */
extern int cfgline_read(FILE *fp, struct STRBUF *buf, int *lineno,
			int *first_line);

#endif
