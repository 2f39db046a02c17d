/*
 * pipe_status.c - what a finished command means for delivery
 *
 * Exit status conventions are those of <sysexits.h>, with the DSN
 * codes that Postfix's sys_exits.c gives them: EX_TEMPFAIL and
 * EX_OSERR defer, the other sysexits codes and any other non-zero
 * status bounce; death by a signal defers. Output that starts with an
 * RFC 3463 code overrides the class that the exit status implies
 * (Postfix 2.3 and later).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <sysexits.h>
#include <sys/wait.h>

#include "strbuf.h"		/* util */
#include "dsn.h"		/* global */
#include "pipe.h"

/* sysexits.h codes with Postfix's DSN codes. */
static const struct pipe_sysexit {
	int	code;
	const char *dsn;
} pipe_sysexits[] = {
	{EX_USAGE, "5.3.0"},
	{EX_DATAERR, "5.6.0"},
	{EX_NOINPUT, "5.3.0"},
	{EX_NOUSER, "5.1.1"},
	{EX_NOHOST, "5.1.2"},
	{EX_UNAVAILABLE, "5.3.0"},
	{EX_SOFTWARE, "5.3.0"},
	{EX_OSERR, "4.3.0"},
	{EX_OSFILE, "5.3.0"},
	{EX_CANTCREAT, "5.2.0"},
	{EX_IOERR, "5.3.0"},
	{EX_TEMPFAIL, "4.3.0"},
	{EX_PROTOCOL, "5.5.0"},
	{EX_NOPERM, "5.7.0"},
	{EX_CONFIG, "5.3.5"},
	{0, 0},
};

/* pipe_clean_output - printable, one line, bounded */

void
pipe_clean_output(STRBUF *out, const char *data, size_t len, size_t limit)
{
	size_t	i;
	int	ch;

	strbuf_reset(out);
	for (i = 0; i < len && strbuf_len(out) < limit; i++) {
		ch = (unsigned char) data[i];
		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		else if (!isprint(ch))
			ch = '?';
		strbuf_append_char(out, ch);
	}
	strbuf_trim_right(out);
	while (strbuf_len(out) > 0 && strbuf_str(out)[0] == ' ') {
		memmove(strbuf_str(out), strbuf_str(out) + 1, strbuf_len(out));
		strbuf_truncate(out, strbuf_len(out) - 1);
	}
}

/* pipe_output_suffix - ". Command output: ..." when there is output */

static void
pipe_output_suffix(STRBUF *reason, const char *output)
{
	if (*output)
		strbuf_append_printf(reason, ". Command output: %s", output);
}

/* pipe_exit_status - judge a finished command */

int
pipe_exit_status(int wait_status, const char *cmd, const char *output,
		 STRBUF *status, STRBUF *reason)
{
	const struct pipe_sysexit *sp;
	char	code[12];
	int	ex;

	if (WIFSIGNALED(wait_status)) {
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "Command died with signal %d: \"%s\"",
			      WTERMSIG(wait_status), cmd);
		pipe_output_suffix(reason, output);
		return PIPE_STAT_DEFER;
	}
	if ((ex = WEXITSTATUS(wait_status)) == 0) {
		strbuf_set(status, "2.0.0");
		strbuf_reset(reason);
		return PIPE_STAT_OK;
	}
	for (sp = pipe_sysexits; sp->code; sp++)
		if (sp->code == ex)
			break;
	strbuf_set(status, sp->code ? sp->dsn : "5.3.0");
	strbuf_printf(reason, "Command died with status %d: \"%s\"", ex, cmd);
	pipe_output_suffix(reason, output);

	/* Postfix 2.3: an enhanced status code in the output takes precedence. */
	if (dsn_find_code(output, code, sizeof(code)) > 0
	    && (code[0] == '4' || code[0] == '5'))
		strbuf_set(status, code);
	return DSN_CLASS(strbuf_str(status)) == '4' ? PIPE_STAT_DEFER
		: PIPE_STAT_BOUNCE;
}

