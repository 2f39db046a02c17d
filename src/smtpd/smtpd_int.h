/*
 * smtpd_int.h - shared internals of the smtpd(8) protocol engine
 *
 * smtpd.c (session, commands) and smtpd_data.c (message content, the
 * cleanup stream) share these; nothing outside the engine uses them.
 */

#ifndef SMTPD_INT_H
#define SMTPD_INT_H

#include "smtpd.h"

/* Results of a command. */
#define SMTPD_CMD_OK		0	/* success */
#define SMTPD_CMD_ERR		(-1)	/* failed; counts as an error */
#define SMTPD_CMD_FAIL		(-2)	/* failed; not an error (limits) */
#define SMTPD_CMD_HANGUP	1	/* end the session (reply sent) */

/* Command flags. */
#define SMTPD_CF_LAST	(1 << 0)	/* must end a pipelined group */
#define SMTPD_CF_JUNK	(1 << 1)	/* counts toward junk_command_limit */

/* EHLO keywords that smtpd_discard_ehlo_keywords may remove. */
#define EHLO_PIPELINING	(1 << 0)
#define EHLO_SIZE	(1 << 1)
#define EHLO_VRFY	(1 << 2)
#define EHLO_ETRN	(1 << 3)
#define EHLO_ENHANCED	(1 << 4)
#define EHLO_8BITMIME	(1 << 5)
#define EHLO_DSN	(1 << 6)
#define EHLO_SMTPUTF8	(1 << 7)
#define EHLO_CHUNKING	(1 << 8)
#define EHLO_STARTTLS	(1 << 9)
#define EHLO_AUTH	(1 << 10)
#define EHLO_SILENT	(1 << 11)	/* silent-discard: do not log */

/* smtpd_forbid_bare_newline modes. */
#define BARE_LF_ALLOW	0	/* no: treat <LF> as <CR><LF> */
#define BARE_LF_NORM	1	/* normalize / yes: the same, strict end */
#define BARE_LF_REJECT	2	/* reject: refuse the command or message */

/* Message states (engine-private). */
#define MSG_ERR_NONE	0
#define MSG_ERR_SIZE	(1 << 0)	/* message_size_limit exceeded */
#define MSG_ERR_BARE_LF	(1 << 1)	/* bare <LF> in reject mode */
#define MSG_ERR_WRITE	(1 << 2)	/* the cleanup stream failed */

/*
 * Engine-private session data (one session per process, so one
 * instance; reset for each session).
 */
#define SMTPD_NCMDS	14
typedef struct SMTPD_SESS {
	int	total[SMTPD_NCMDS];	/* commands seen, by table index */
	int	ok[SMTPD_NCMDS];	/* commands that succeeded */
	int	ehlo_discard;		/* EHLO_* removed for this session */
	int	bare_lf_mode;		/* BARE_LF_* for this client */
	int	msg_err;		/* MSG_ERR_* of the current message */
	int	bdat_active;		/* BDAT transaction in progress */
	int	bdat_seen;		/* BDAT used in this transaction */
	int	msg_started;		/* REC_TYPE_MESG written */
	int	access_denied;		/* client rejected at connect */
	int	open_flags;		/* saved_flags when cleanup was opened */
	struct STRBUF *line;		/* input line */
	struct STRBUF *reply;		/* reply being formatted */
	struct STRBUF *partial;		/* BDAT: line not ended yet */
} SMTPD_SESS;

extern SMTPD_SESS smtpd_sess;

#define EHLO_ON(m)	((smtpd_sess.ehlo_discard & (m)) == 0)

/* smtpd.c: one reply line (delayed after smtpd_soft_error_limit errors). */
extern void smtpd_reply(SMTPD_STATE *state, const char *fmt, ...)
	PRINTFLIKE(2, 3);

/* smtpd.c: a reply formatted by a check module. */
extern void smtpd_reply_text(SMTPD_STATE *state, const char *text);

/*
 * smtpd.c: with smtpd_per_request_deadline, start the deadline of one
 * request (min_rate: smtpd_min_data_rate for DATA/BDAT content, else 0).
 */
extern void smtpd_deadline(SMTPD_STATE *state, int min_rate);

/*
 * ETRN and AUTH need HELO/EHLO and no mail transaction: 0, or a 503
 * reply and -1. Inline, so that unit tests of a command module that
 * stub smtpd_reply() get the real check.
 */
static inline int
smtpd_require_idle(SMTPD_STATE *state)
{
	if (state->helo_name == NULL) {
		smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
		return -1;
	}
	if (state->sender != NULL) {
		smtpd_reply(state, "503 5.5.1 Error: MAIL transaction in progress");
		return -1;
	}
	return 0;
}

/* smtpd.c: end the mail transaction and free what it holds. */
extern void smtpd_mail_reset(SMTPD_STATE *state);

/* smtpd.c: log a lost connection or timeout (421 to a timeout). */
extern int smtpd_lost(SMTPD_STATE *state);

/* smtpd_data.c: open cleanup and send the envelope head; 0 or -1. */
extern int smtpd_data_open(SMTPD_STATE *state);

/* smtpd_data.c: the DATA and BDAT commands (SMTPD_CMD_* results). */
extern int smtpd_data_cmd(SMTPD_STATE *state, char *args);
extern int smtpd_data_bdat(SMTPD_STATE *state, char *args);

/*
 * smtpd_drop.c: stand-alone mode (smtpd -S not run as $mail_owner, as
 * for sendmail -bs): no access restrictions, no anvil, no client
 * attributes, and messages go through postdrop -r instead of cleanup.
 */
struct SERVICE;
struct CLEANUP_CLNT;
extern int smtpd_stand_alone;
#define SMTPD_STAND_ALONE()	(smtpd_stand_alone != 0)
extern void smtpd_drop_init(const struct SERVICE *svc);
extern struct CLEANUP_CLNT *smtpd_drop_open(struct STRBUF *why);

/*
 * smtpd_notify.c: the session transcript and the postmaster notice
 * ($notify_classes, $error_notice_recipient). The engine records every
 * command line and reply line; a 4xx/5xx reply adds its error class
 * (from_check: the reply came from the restriction engine, so a
 * rejection that is no protocol, resource or software error is a
 * policy error).
 */
#define SMTPD_ERR_PROTOCOL	(1 << 0)	/* bad syntax, sequence, command */
#define SMTPD_ERR_POLICY	(1 << 1)	/* a restriction said no */
#define SMTPD_ERR_RESOURCE	(1 << 2)	/* cleanup, queue file, space */
#define SMTPD_ERR_SOFTWARE	(1 << 3)	/* configuration, table failure */
struct ARGV;
extern int smtpd_notify_mask(const char *classes);	/* SMTPD_ERR_* bits */
extern int smtpd_notify_classify(const char *reply, int from_check);
extern void smtpd_notify_start(void);	/* a new session */
extern void smtpd_notify_in(const char *line, size_t len);
extern void smtpd_notify_out(const char *line, size_t len, int from_check);
extern void smtpd_notify_error(int mask);	/* a class no reply shows */
extern int smtpd_notify_errors(void);	/* SMTPD_ERR_* of this session */
extern const struct ARGV *smtpd_notify_transcript(void);	/* borrowed */
extern void smtpd_notify_end(SMTPD_STATE *state);	/* send if due */

#endif
