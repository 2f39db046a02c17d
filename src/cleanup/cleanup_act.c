/*
 * cleanup_act.c - parse header_checks(5) and body_checks actions
 *
 * Postfix compares the command word without regard to case, and keeps
 * OK only as an old spelling of DUNNO. REJECT texts get the enhanced
 * status code 5.7.1 unless they bring their own (RFC 3463 x.y.z, class
 * 2, 4 or 5, subject and detail at most three digits).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"		/* util */
#include "cleanup_act.h"

static const struct {
	const char *name;
	int     code;
} cleanup_act_names[] = {
	{"BCC", CLEANUP_ACT_BCC},
	{"DISCARD", CLEANUP_ACT_DISCARD},
	{"DUNNO", CLEANUP_ACT_DUNNO},
	{"FILTER", CLEANUP_ACT_FILTER},
	{"HOLD", CLEANUP_ACT_HOLD},
	{"IGNORE", CLEANUP_ACT_IGNORE},
	{"INFO", CLEANUP_ACT_INFO},
	{"OK", CLEANUP_ACT_DUNNO},
	{"PASS", CLEANUP_ACT_PASS},
	{"PREPEND", CLEANUP_ACT_PREPEND},
	{"REDIRECT", CLEANUP_ACT_REDIRECT},
	{"REPLACE", CLEANUP_ACT_REPLACE},
	{"REJECT", CLEANUP_ACT_REJECT},
	{"STRIP", CLEANUP_ACT_STRIP},
	{"WARN", CLEANUP_ACT_WARN},
};

/* cleanup_act_parse - command and optional text of a table result */

int
cleanup_act_parse(const char *value, const char **text)
{
	size_t	len = strcspn(value, " \t");
	size_t	i;

	*text = value + len + strspn(value + len, " \t");
	for (i = 0; i < sizeof(cleanup_act_names) / sizeof(cleanup_act_names[0]);
	     i++)
		if (strlen(cleanup_act_names[i].name) == len
		    && strncasecmp(value, cleanup_act_names[i].name, len) == 0)
			return cleanup_act_names[i].code;
	return CLEANUP_ACT_UNKNOWN;
}

/* cleanup_act_digits - length of a run of 1..max digits, or 0 */

static size_t
cleanup_act_digits(const char *cp, size_t max)
{
	size_t	n = 0;

	while (isdigit((unsigned char) cp[n]))
		n++;
	return n <= max ? n : 0;
}

/* cleanup_act_has_dsn - text starts with "D.DDD.DDD " (RFC 3463) */

static int
cleanup_act_has_dsn(const char *text)
{
	const char *cp = text;
	size_t	n;

	if (strchr("245", *cp) == NULL || *cp == 0 || cp[1] != '.')
		return 0;
	cp += 2;
	if ((n = cleanup_act_digits(cp, 3)) == 0 || cp[n] != '.')
		return 0;
	cp += n + 1;
	if ((n = cleanup_act_digits(cp, 3)) == 0)
		return 0;
	return cp[n] == 0 || cp[n] == ' ' || cp[n] == '\t';
}

/* cleanup_act_reply - REJECT text with an enhanced status code */

void
cleanup_act_reply(STRBUF *out, const char *text)
{
	if (*text == 0)
		strbuf_set(out, "5.7.1 message content rejected");
	else if (cleanup_act_has_dsn(text))
		strbuf_set(out, text);
	else
		strbuf_printf(out, "5.7.1 %s", text);
}
