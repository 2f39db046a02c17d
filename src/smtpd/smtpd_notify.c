/*
 * smtpd_notify.c - session transcripts and error notices to the postmaster
 *
 * The engine records every command line it reads ("In: ...") and every
 * reply line it sends ("Out: ...") in a bounded transcript, and every
 * 4xx/5xx reply adds an error class: protocol, policy, resource or
 * software. When the session ends and one of its classes is listed in
 * $notify_classes, the transcript goes to $error_notice_recipient as a
 * new message, submitted through cleanup(8) the way bounce(8) submits
 * its notices.
 *
 * The class of a reply follows from its code and enhanced status code,
 * so that every reply site is covered without marking each one: x.3.5
 * (configuration) and table lookup failures are software errors, other
 * x.3.x are resource errors (cleanup unavailable, queue file write
 * errors, 452 4.3.1); any other rejection made by the restriction
 * engine is a policy error (a 503 there, a protocol error); of the
 * engine's own replies, 500-504/555 and other x.5.x codes are protocol
 * errors.
 *
 * The notice comes from $double_bounce_sender, so a notice that cannot
 * be delivered is dropped by bounce(8) instead of producing a notice
 * of its own; it enters the queue through cleanup, not through smtpd,
 * so it cannot cause another transcript either. Message content and
 * AUTH arguments are never recorded.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "cleanup_clnt.h"	/* global */
#include "params_global.h"
#include "rec.h"
#include "smtpd.h"
#include "smtpd_int.h"

/* Transcript bounds: lines kept, bytes kept, bytes of one line. */
#define NOTIFY_MAX_LINES	100
#define NOTIFY_MAX_BYTES	10240
#define NOTIFY_MAX_LINE		500

static const struct {
	const char *name;
	int	mask;
} notify_class_names[] = {
	{"protocol", SMTPD_ERR_PROTOCOL},
	{"policy", SMTPD_ERR_POLICY},
	{"resource", SMTPD_ERR_RESOURCE},
	{"software", SMTPD_ERR_SOFTWARE},
	{0, 0},
};

/* How smtpd_check_dict_retry() ends its reply. */
#define LOOKUP_FAIL		": Temporary lookup failure"
#define LOOKUP_FAIL_LEN		(sizeof(LOOKUP_FAIL) - 1)

static ARGV *notify_lines;		/* the transcript, oldest first */
static size_t notify_bytes;		/* bytes in notify_lines */
static size_t notify_dropped;		/* lines dropped from the front */
static int notify_errors;		/* SMTPD_ERR_* seen this session */

/* smtpd_notify_mask - SMTPD_ERR_* bits of a notify_classes value */

int
smtpd_notify_mask(const char *classes)
{
	char   *copy = xstrdup(classes);
	char   *bp = copy;
	char   *tok;
	int	mask = 0;
	int	i;

	/* Other classes (bounce, delay, data...) are not smtpd's business. */
	while ((tok = token_next(&bp, ", \t\r\n")) != NULL)
		for (i = 0; notify_class_names[i].name; i++)
			if (strcasecmp(tok, notify_class_names[i].name) == 0)
				mask |= notify_class_names[i].mask;
	xfree(copy);
	return mask;
}

/* smtpd_notify_classify - the SMTPD_ERR_* class of one reply text */

int
smtpd_notify_classify(const char *text, int from_check)
{
	int	code;
	const char *dsn;
	size_t	len;

	if ((text[0] != '4' && text[0] != '5')
	    || !isdigit((unsigned char) text[1])
	    || !isdigit((unsigned char) text[2])
	    || (text[3] != ' ' && text[3] != '-' && text[3] != 0))
		return 0;
	code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
	dsn = text[3] ? text + 4 : "";

	/* Without an enhanced status code, only the reply code counts. */
	if ((dsn[0] != '4' && dsn[0] != '5') || dsn[1] != '.')
		dsn = NULL;

	/*
	 * A lookup failure is known by the end of the text, where no
	 * client-supplied address can be, so a client cannot fake one.
	 */
	len = strlen(text);
	if (dsn && (strncmp(dsn + 1, ".3.5", 4) == 0
		    || (strncmp(dsn + 1, ".3.0", 4) == 0 && len > LOOKUP_FAIL_LEN
			&& strcmp(text + len - LOOKUP_FAIL_LEN,
				  LOOKUP_FAIL) == 0)))
		return SMTPD_ERR_SOFTWARE;
	if (dsn && strncmp(dsn + 1, ".3.", 3) == 0)
		return SMTPD_ERR_RESOURCE;

	/*
	 * The restriction engine's rejections are policy, except 503 (a
	 * command out of order, as reject_unauth_pipelining says), which
	 * Postfix also counts as a protocol error.
	 */
	if (from_check)
		return code == 503 ? SMTPD_ERR_PROTOCOL : SMTPD_ERR_POLICY;
	/* 452 4.5.3: too many recipients is a limit, not a client error. */
	if (dsn && strncmp(dsn, "4.5.3", 5) == 0)
		return 0;
	if ((code >= 500 && code <= 504) || code == 555
	    || (dsn && strncmp(dsn + 1, ".5.", 3) == 0))
		return SMTPD_ERR_PROTOCOL;
	return 0;
}

/* smtpd_notify_start - a new session: empty transcript, no errors */

void
smtpd_notify_start(void)
{
	if (notify_lines == NULL)
		notify_lines = argv_create();
	argv_truncate(notify_lines, 0);
	notify_bytes = 0;
	notify_dropped = 0;
	notify_errors = 0;
}

/* notify_record - append one transcript line, dropping the oldest */

static void
notify_record(const char *prefix, const char *line, size_t len)
{
	STRBUF *buf;
	size_t	i;

	if (notify_lines == NULL)
		return;
	buf = strbuf_create(len + 16);
	strbuf_append_str(buf, prefix);
	/* The transcript is mail: keep it printable ASCII. */
	for (i = 0; i < len && i < NOTIFY_MAX_LINE; i++)
		strbuf_append_char(buf, (line[i] >= 0x20 && line[i] < 0x7f) ?
				   line[i] : '?');
	if (len > NOTIFY_MAX_LINE)
		strbuf_append_str(buf, "...");
	argv_add(notify_lines, strbuf_str(buf));
	notify_bytes += strbuf_len(buf);
	strbuf_free(&buf);
	while (notify_lines->argc > 1
	       && (notify_lines->argc > NOTIFY_MAX_LINES
		   || notify_bytes > NOTIFY_MAX_BYTES)) {
		notify_bytes -= strlen(notify_lines->argv[0]);
		argv_delete(notify_lines, 0, 1);
		notify_dropped++;
	}
}

/* smtpd_notify_in - record a command line from the client */

void
smtpd_notify_in(const char *line, size_t len)
{
	const char *cp = line;
	size_t	n;

	/* AUTH: keep the mechanism, never an initial response. */
	while (cp < line + len && (*cp == ' ' || *cp == '\t'))
		cp++;
	if (len - (size_t) (cp - line) >= 5 && strncasecmp(cp, "AUTH", 4) == 0
	    && (cp[4] == ' ' || cp[4] == '\t')) {
		cp += 5;
		while (cp < line + len && (*cp == ' ' || *cp == '\t'))
			cp++;
		for (n = 0; cp + n < line + len && cp[n] != ' ' && cp[n] != '\t';)
			n++;
		if (cp + n < line + len) {
			len = (size_t) (cp + n - line);
			notify_record("In: ", line, len);
			notify_record("In: ", "(AUTH response not shown)", 25);
			return;
		}
	}
	notify_record("In: ", line, len);
}

/* smtpd_notify_out - record one reply line and its error class */

void
smtpd_notify_out(const char *line, size_t len, int from_check)
{
	STRBUF *copy;

	notify_record("Out: ", line, len);
	copy = strbuf_create(len + 1);
	strbuf_set_mem(copy, line, len);
	notify_errors |= smtpd_notify_classify(strbuf_str(copy), from_check);
	strbuf_free(&copy);
}

/* smtpd_notify_error - add an error class that no reply shows */

void
smtpd_notify_error(int mask)
{
	notify_errors |= mask;
}

/* smtpd_notify_errors - the classes recorded this session */

int
smtpd_notify_errors(void)
{
	return notify_errors;
}

/* smtpd_notify_transcript - the transcript lines (borrowed) */

const ARGV *
smtpd_notify_transcript(void)
{
	return notify_lines;
}

/* notify_put - one line of the notice */

static void
notify_put(IOSTREAM *st, const char *line)
{
	(void) rec_put_line(st, line, strlen(line),
			    (size_t) var_line_length_limit);
}

/* notify_class_list - "protocol, policy" for the classes in mask */

static void
notify_class_list(STRBUF *out, int mask)
{
	int	i;

	strbuf_reset(out);
	for (i = 0; notify_class_names[i].name; i++)
		if (mask & notify_class_names[i].mask)
			strbuf_append_printf(out, "%s%s", strbuf_len(out) ? ", " : "",
					     notify_class_names[i].name);
}

/* smtpd_notify_end - the end of a session: send a notice if one is due */

void
smtpd_notify_end(SMTPD_STATE *state)
{
	STRBUF *why;
	STRBUF *line;
	STRBUF *classes;
	CLEANUP_CLNT *clnt;
	IOSTREAM *st;
	char   *queue_id;
	int	wanted = smtpd_notify_mask(var_notify_classes) & notify_errors;
	int	status;
	size_t	i;

	if (wanted == 0 || SMTPD_STAND_ALONE() || notify_lines == NULL)
		return;
	if (*var_error_notice_recipient == 0) {
		log_warn("error_notice_recipient is empty: no transcript of the "
			 "session with %s", state->namaddr);
		return;
	}
	why = strbuf_create(100);
	line = strbuf_create(200);
	classes = strbuf_create(50);
	if ((clnt = cleanup_clnt_open(NULL, CLEANUP_FLAG_NONE, why)) == NULL) {
		log_warn("cannot send the transcript of the session with %s "
			 "to %s: %s", state->namaddr, var_error_notice_recipient,
			 strbuf_str(why));
		strbuf_free(&why);
		strbuf_free(&line);
		strbuf_free(&classes);
		return;
	}
	queue_id = xstrdup(cleanup_clnt_queue_id(clnt));
	st = cleanup_clnt_stream(clnt);
	rec_puts(st, REC_TYPE_FROM, var_double_bounce_sender);
	rec_puts(st, REC_TYPE_RCPT, var_error_notice_recipient);
	rec_puts(st, REC_TYPE_MESG, "");

	/* Headers; cleanup adds Date:, Message-Id: and Received:. */
	strbuf_printf(line, "From: MAILER-DAEMON@%s (Mail Delivery System)",
		      var_myhostname);
	notify_put(st, strbuf_str(line));
	strbuf_printf(line, "To: %s (Postmaster)", var_error_notice_recipient);
	notify_put(st, strbuf_str(line));
	strbuf_printf(line, "Subject: %s SMTP server: errors from %s",
		      var_mail_name, state->namaddr);
	notify_put(st, strbuf_str(line));
	notify_put(st, "Auto-Submitted: auto-generated");
	notify_put(st, "");

	notify_class_list(classes, wanted);
	strbuf_printf(line, "The SMTP session with %s had errors of a class "
		      "listed in notify_classes: %s.", state->namaddr,
		      strbuf_str(classes));
	notify_put(st, strbuf_str(line));
	notify_put(st, "");
	notify_put(st, "Transcript of session follows.");
	notify_put(st, "");
	if (notify_dropped > 0) {
		strbuf_printf(line, "(truncated: %zu earlier lines not shown)",
			      notify_dropped);
		notify_put(st, strbuf_str(line));
	}
	for (i = 0; i < notify_lines->argc; i++)
		notify_put(st, notify_lines->argv[i]);
	notify_put(st, "");
	notify_put(st, "The mail log has the details of this session.");
	rec_puts(st, REC_TYPE_XTRA, "");

	strbuf_reset(why);
	status = cleanup_clnt_close(clnt, why);
	if (status != CLEANUP_STAT_OK)
		log_warn("transcript of the session with %s not queued: %s",
			 state->namaddr, strbuf_len(why) ? strbuf_str(why) :
			 cleanup_stat_text(status));
	else
		log_info("%s: postmaster notice: %s errors from %s",
			 queue_id, strbuf_str(classes), state->namaddr);
	xfree(queue_id);
	strbuf_free(&why);
	strbuf_free(&line);
	strbuf_free(&classes);
}
