/*
 * smtp_proto.c - the SMTP/LMTP conversation over one connection
 *
 * Greeting, EHLO (HELO when EHLO is refused) or LHLO, then one mail
 * transaction per delivery request: MAIL FROM with SIZE, BODY, SMTPUTF8
 * and the DSN parameters the server offers, RCPT TO per recipient,
 * DATA and the dot-stuffed content, and the end-of-data reply (LMTP:
 * one per accepted recipient). With PIPELINING the commands up to DATA
 * go out together and the replies are read afterwards; without it,
 * each command waits for its reply. Every stage has its own timeout
 * (smtp_*_timeout, or the lmtp_* twins).
 *
 * Every recipient outcome is reported through dstat_*() with the
 * server's reply kept for the log and the DSN, in Postfix's words:
 * "host H[A] said: 550 5.1.1 ... (in reply to RCPT TO command)",
 * "lost connection with H[A] while sending message body",
 * "conversation with H[A] timed out while sending MAIL FROM".
 *
 * Security: replies are untrusted; lines and replies are read with
 * fixed limits (smtp.h), and reply text is cleaned of control
 * characters before it reaches a log or a notification.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "deliver_request.h"	/* global */
#include "deliver_status.h"
#include "dsn.h"
#include "header_parse.h"
#include "mail_copy.h"
#include "params_global.h"
#include "qfile.h"
#include "params_smtp.h"
#include "tls.h"			/* tls */
#include "smtp.h"
#include "smtp_mime.h"

/* Reply reading results. */
#define SMTP_GOT_REPLY	0
#define SMTP_GOT_LOST	(-1)		/* end of file, error, timeout */
#define SMTP_GOT_JUNK	(-2)		/* not a well-formed reply */

/* Lines of one reply beyond which the server is talking nonsense. */
#define SMTP_REPLY_MAX_LINES	1000

static STRBUF *smtp_line;

/* smtp_get_reply - read one (multi-line) reply */

static int
smtp_get_reply(SMTP_SESSION *session, SMTP_REPLY *reply)
{
	int	n, ret, last;

	if (smtp_line == NULL)
		smtp_line = strbuf_create(SMTP_REPLY_LINE_LIMIT);
	smtp_reply_reset(reply);
	for (n = 0; n < SMTP_REPLY_MAX_LINES; n++) {
		ret = iostream_get_line(session->st, smtp_line,
					SMTP_REPLY_LINE_LIMIT,
					IOS_LINE_STRIP_CR);
		if (ret == IOS_EOF || ret == IOS_LINE_LAST)
			return SMTP_GOT_LOST;
		if (log_verbose)
			log_info("< %s: %s", session->namaddr,
				 strbuf_str(smtp_line));
		last = smtp_reply_add_line(reply, strbuf_str(smtp_line),
					   strbuf_len(smtp_line));
		/* Drop the rest of an over-long line. */
		while (ret == IOS_LINE_MORE) {
			ret = iostream_get_line(session->st, smtp_line,
						SMTP_REPLY_LINE_LIMIT,
						IOS_LINE_STRIP_CR);
			if (ret == IOS_EOF || ret == IOS_LINE_LAST)
				return SMTP_GOT_LOST;
		}
		if (last < 0)
			return SMTP_GOT_JUNK;
		if (last > 0)
			return SMTP_GOT_REPLY;
	}
	return SMTP_GOT_JUNK;
}

/* smtp_lost - why: lost connection or timeout while doing stage */

static void
smtp_lost(SMTP_SESSION *session, int got, const char *stage, STRBUF *dsn,
	  STRBUF *why)
{
	if (got == SMTP_GOT_JUNK) {
		strbuf_set(dsn, "4.5.0");
		strbuf_printf(why, "host %s sent a malformed reply while %s",
			      session->namaddr, stage);
		return;
	}
	strbuf_set(dsn, "4.4.2");
	if (iostream_timeout(session->st))
		strbuf_printf(why, "conversation with %s timed out while %s",
			      session->namaddr, stage);
	else
		strbuf_printf(why, "lost connection with %s while %s",
			      session->namaddr, stage);
}

/* smtp_said - why: the server's reply to a command */

static void
smtp_said(SMTP_SESSION *session, const SMTP_REPLY *reply, const char *cmd,
	  STRBUF *dsn, STRBUF *why)
{
	strbuf_set(dsn, reply->dsn);
	strbuf_printf(why, "host %s said: %s (in reply to %s command)",
		      session->namaddr, strbuf_str(reply->text), cmd);
}

/* smtp_command - send one command (buffered; flushed before a read) */

static void
smtp_command(SMTP_SESSION *session, int timeout, const char *fmt, ...)
PRINTFLIKE(3, 4);

static void
smtp_command(SMTP_SESSION *session, int timeout, const char *fmt, ...)
{
	static STRBUF *cmd;
	va_list	ap;

	if (cmd == NULL)
		cmd = strbuf_create(100);
	iostream_set_timeout(session->st, timeout);
	va_start(ap, fmt);
	strbuf_reset(cmd);
	strbuf_append_vprintf(cmd, fmt, ap);
	va_end(ap);
	(void) iostream_write(session->st, strbuf_str(cmd), strbuf_len(cmd));
	(void) iostream_write(session->st, "\r\n", 2);
	if (log_verbose)
		log_info("> %s: %s", session->namaddr, strbuf_str(cmd));
}

/* smtp_chat - one command and its reply */

int
smtp_chat(SMTP_SESSION *session, int timeout, SMTP_REPLY *reply,
	  const char *stage, STRBUF *dsn, STRBUF *why, const char *fmt, ...)
{
	va_list	ap;
	int	got;

	iostream_set_timeout(session->st, timeout);
	va_start(ap, fmt);
	(void) iostream_vprintf(session->st, fmt, ap);
	va_end(ap);
	(void) iostream_write(session->st, "\r\n", 2);
	if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
		smtp_lost(session, got, stage, dsn, why);
		return -1;
	}
	return 0;
}

/* smtp_hello - EHLO (HELO when refused) or LHLO; features */

static int
smtp_hello(SMTP_SESSION *session, SMTP_REPLY *reply, STRBUF *dsn,
	   STRBUF *why, int *perm)
{
	const char *cmd;
	int	got;

	cmd = smtp_conf.lmtp ? "LHLO" : smtp_conf.never_send_ehlo ? "HELO" :
		"EHLO";
	smtp_command(session, smtp_conf.helo_timeout, "%s %s", cmd,
		     smtp_conf.helo_name);
	got = smtp_get_reply(session, reply);
	if (got == SMTP_GOT_REPLY && reply->code / 100 != 2
	    && strcmp(cmd, "EHLO") == 0 && reply->code != 421
	    && session->tls == NULL) {
		cmd = "HELO";
		smtp_command(session, smtp_conf.helo_timeout, "HELO %s",
			     smtp_conf.helo_name);
		got = smtp_get_reply(session, reply);
	}
	if (got != SMTP_GOT_REPLY) {
		smtp_lost(session, got, strcmp(cmd, "LHLO") == 0 ?
			  "performing the LHLO handshake" :
			  strcmp(cmd, "EHLO") == 0 ?
			  "performing the EHLO handshake" :
			  "performing the HELO handshake", dsn, why);
		return SMTP_NEXT;
	}
	if (reply->code / 100 != 2) {
		smtp_said(session, reply, cmd, dsn, why);
		*perm = reply->code / 100 == 5;
		return SMTP_NEXT;
	}
	if (strcmp(cmd, "HELO") == 0)
		session->features = 0;
	else
		session->features = smtp_reply_features(reply,
							&session->size_limit);
	return SMTP_OK;
}

/*
 * smtp_starttls - STARTTLS when the policy wants it and the server
 * offers it, then EHLO again
 *
 * Postfix's rules: at level may, no STARTTLS in the EHLO reply or a
 * refusal means plaintext on this connection, and a failed handshake
 * means a new connection to the same server without TLS
 * (session->tls_retry_plain); at encrypt and above, each of these
 * defers the recipients for this server (dsn 4.7.4 or 4.7.5) and the
 * next server is tried.
 */

static int
smtp_starttls(SMTP_SESSION *session, SMTP_REPLY *reply, STRBUF *dsn,
	      STRBUF *why, int *perm)
{
	int	level = session->policy ? session->policy->level : TLS_LEV_NONE;
	int	offered = (session->features & SMTP_FEATURE_STARTTLS) != 0;

	if (session->tls != NULL)
		return SMTP_OK;
	if (level == TLS_LEV_NONE
	    || (session->tls_disabled && level == TLS_LEV_MAY)) {
		if (offered && smtp_conf.tls_note_starttls_offer)
			log_info("Host offered STARTTLS: [%s]", session->host);
		return SMTP_OK;
	}
	if (!offered) {
		if (level == TLS_LEV_MAY)
			return SMTP_OK;
		strbuf_set(dsn, "4.7.4");
		strbuf_printf(why, "TLS is required, but was not offered by "
			      "host %s", session->namaddr);
		return SMTP_NEXT;
	}
	if (smtp_chat(session, smtp_conf.helo_timeout, reply,
		      "sending STARTTLS", dsn, why, "STARTTLS") < 0)
		return SMTP_NEXT;
	if (reply->code / 100 != 2) {
		if (level == TLS_LEV_MAY)
			return SMTP_OK;
		strbuf_set(dsn, "4.7.4");
		strbuf_printf(why, "TLS is required, but host %s refused to "
			      "start TLS: %s", session->namaddr,
			      strbuf_str(reply->text));
		return SMTP_NEXT;
	}

	/* CVE-2011-0411: nothing sent before the handshake may count. */
	(void) iostream_purge_input(session->st);
	if (smtp_tls_start(session, dsn, why) < 0) {
		session->broken = 1;
		if (level == TLS_LEV_MAY)
			session->tls_retry_plain = 1;
		return SMTP_NEXT;
	}
	return smtp_hello(session, reply, dsn, why, perm);
}

/* smtp_helo - greeting, EHLO/HELO/LHLO, STARTTLS and AUTH */

int
smtp_helo(SMTP_SESSION *session, STRBUF *dsn, STRBUF *why, int *perm)
{
	SMTP_REPLY *reply = smtp_reply_create();
	STRBUF *mechs = NULL;
	int	got, ret = SMTP_NEXT;

	*perm = 0;
	iostream_set_timeout(session->st, smtp_conf.helo_timeout);
	if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
		smtp_lost(session, got, "receiving the initial server greeting",
			  dsn, why);
		goto done;
	}
	if (reply->code / 100 != 2) {
		strbuf_set(dsn, reply->dsn);
		strbuf_printf(why, "host %s refused to talk to me: %s",
			      session->namaddr, strbuf_str(reply->text));
		*perm = reply->code / 100 == 5 ? SMTP_PERM_GREETING : 0;
		goto done;
	}
	if (smtp_hello(session, reply, dsn, why, perm) != SMTP_OK)
		goto done;
	if (smtp_starttls(session, reply, dsn, why, perm) != SMTP_OK)
		goto done;
	if (session->features & SMTP_FEATURE_AUTH) {
		mechs = strbuf_create(100);
		smtp_reply_auth_mechs(reply, mechs);
	}
	if (smtp_sasl_auth(session, mechs ? strbuf_str(mechs) : "", dsn, why,
			   perm) != SMTP_OK)
		goto done;
	ret = SMTP_OK;

done:
	if (mechs)
		strbuf_free(&mechs);
	smtp_reply_free(reply);
	return ret;
}

/* smtp_relay_name - relay= text, with conn_use=N for a reused session */

static void
smtp_relay_name(SMTP_SESSION *session, STRBUF *out)
{
	strbuf_set(out, session->relay);
	if (session->use_count > 1)
		strbuf_append_printf(out, ", conn_use=%d", session->use_count);
}

/* smtp_report - report one recipient; mark it done */

static void
smtp_report(SMTP_SESSION *session, DELIVER_REQUEST *req, int i, char *done,
	    int *status, const char *code, const char *reason,
	    const SMTP_REPLY *reply)
{
	STRBUF *relay = strbuf_create(100);
	DSN	dsn;

	dsn.status = code;
	dsn.action = "";
	if (DSN_CLASS(code) == '2'
	    && (session->features & SMTP_FEATURE_DSN) == 0
	    && (req->rcpts[i].dsn_notify & QFILE_NOTIFY_SUCCESS))
		dsn.action = "relayed";
	dsn.reason = reason;
	dsn.dtype = reply ? "smtp" : "";
	dsn.dtext = reply ? strbuf_str(reply->text) : "";
	dsn.mtype = "dns";
	dsn.mname = session->host;
	smtp_relay_name(session, relay);
	if (dstat_report(req, req->rcpts + i, strbuf_str(relay), &dsn) < 0)
		*status = DEL_STAT_DEFER;
	done[i] = 1;
	strbuf_free(&relay);
}

/* smtp_report_set - report every recipient in set[] the same way */

static void
smtp_report_set(SMTP_SESSION *session, DELIVER_REQUEST *req, char *set,
		char *done, int *status, const char *code,
		const char *reason, const SMTP_REPLY *reply)
{
	int	i;

	for (i = 0; i < req->rcpt_count; i++)
		if (set[i] && !done[i])
			smtp_report(session, req, i, done, status, code, reason,
				    reply);
}

/* smtp_8bit - does text have a non-ASCII byte? */

static int
smtp_8bit(const char *text)
{
	for (; *text; text++)
		if (*text & 0x80)
			return 1;
	return 0;
}

/* smtp_mail_cmd - the MAIL FROM command */

static void
smtp_mail_cmd(SMTP_SESSION *session, DELIVER_REQUEST *req,
	      const char *sender, int utf8, STRBUF *out)
{
	strbuf_printf(out, "MAIL FROM:<%s>", sender);
	if (session->features & SMTP_FEATURE_SIZE)
		strbuf_append_printf(out, " SIZE=%ld", req->data_size);
	if (session->features & SMTP_FEATURE_8BITMIME) {
		if (strcasecmp(req->encoding, "8bitmime") == 0)
			strbuf_append_str(out, " BODY=8BITMIME");
		else if (strcasecmp(req->encoding, "7bit") == 0)
			strbuf_append_str(out, " BODY=7BIT");
	}
	if (utf8)
		strbuf_append_str(out, " SMTPUTF8");
	if (session->features & SMTP_FEATURE_DSN) {
		if (req->dsn_ret == QFILE_RET_FULL)
			strbuf_append_str(out, " RET=FULL");
		else if (req->dsn_ret == QFILE_RET_HDRS)
			strbuf_append_str(out, " RET=HDRS");
		if (*req->dsn_envid) {
			strbuf_append_str(out, " ENVID=");
			smtp_xtext(out, req->dsn_envid);
		}
	}
}

/* smtp_rcpt_cmd - the RCPT TO command */

static void
smtp_rcpt_cmd(SMTP_SESSION *session, const DELIVER_RCPT *rcpt,
	      const char *address, STRBUF *out)
{
	const char *semi;
	int	notify = rcpt->dsn_notify;

	strbuf_printf(out, "RCPT TO:<%s>", address);
	if ((session->features & SMTP_FEATURE_DSN) == 0)
		return;
	if (notify & QFILE_NOTIFY_NEVER) {
		strbuf_append_str(out, " NOTIFY=NEVER");
	} else if (notify) {
		strbuf_append_str(out, " NOTIFY=");
		if (notify & QFILE_NOTIFY_SUCCESS)
			strbuf_append_str(out, "SUCCESS,");
		if (notify & QFILE_NOTIFY_FAILURE)
			strbuf_append_str(out, "FAILURE,");
		if (notify & QFILE_NOTIFY_DELAY)
			strbuf_append_str(out, "DELAY,");
		strbuf_truncate(out, strbuf_len(out) - 1);
	}
	if (*rcpt->dsn_orcpt && (semi = strchr(rcpt->dsn_orcpt, ';')) != NULL) {
		strbuf_append_str(out, " ORCPT=");
		strbuf_append(out, rcpt->dsn_orcpt,
			      (size_t) (semi - rcpt->dsn_orcpt) + 1);
		smtp_xtext(out, semi + 1);
	} else if (*rcpt->orig_addr) {
		strbuf_append_str(out, " ORCPT=rfc822;");
		smtp_xtext(out, rcpt->orig_addr);
	}
}

/* smtp_put_line - one content line out: dot-stuffed, CRLF, length-limited */

static void
smtp_put_line(void *context, const char *cp, size_t left)
{
	SMTP_SESSION *session = context;
	size_t	limit = (size_t) smtp_conf.line_length_limit;

	if (left > 0 && *cp == '.')
		(void) iostream_putc(session->st, '.');
	/* Over-long lines are broken with CRLF and a space. */
	while (limit > 0 && left > limit) {
		(void) iostream_write(session->st, cp, limit);
		(void) iostream_write(session->st, "\r\n ", 3);
		cp += limit;
		left -= limit;
	}
	(void) iostream_write(session->st, cp, left);
	(void) iostream_write(session->st, "\r\n", 2);
}

/* smtp_emit - one content line to the MIME converter or straight out */

static void
smtp_emit(SMTP_SESSION *session, SMTP_MIME *mime, const char *cp, size_t len)
{
	if (mime)
		smtp_mime_line(mime, cp, len);
	else
		smtp_put_line(session, cp, len);
}

/*
 * smtp_emit_header - one collected header ("\n" between its lines),
 * through smtp_generic_maps; 0, or -1 when a table failed
 */

static int
smtp_emit_header(SMTP_SESSION *session, SMTP_MIME *mime, STRBUF *hdr)
{
	const char *cp, *nl, *end;

	if (smtp_generic_header(hdr) < 0)
		return -1;
	cp = strbuf_str(hdr);
	end = cp + strbuf_len(hdr);
	for (;;) {
		nl = memchr(cp, '\n', (size_t) (end - cp));
		smtp_emit(session, mime, cp, (size_t) ((nl ? nl : end) - cp));
		if (nl == NULL)
			break;
		cp = nl + 1;
	}
	strbuf_reset(hdr);
	return 0;
}

/*
 * smtp_content - send the content, dot-stuffed with CRLF line ends
 *
 * 8-bit content for a server without 8BITMIME is converted to
 * quoted-printable (smtp_mime.c) unless disable_mime_output_conversion
 * is set; then it goes unchanged, as with Postfix. With generic
 * tables, the primary message header is collected one header at a
 * time (continuation lines included) so that its addresses can be
 * mapped; it ends at the first line that is neither a header nor a
 * continuation (normally the empty line).
 *
 * Returns 0, -1 when the queue file could not be read (why set), -2
 * when the connection failed, -3 when a generic table failed.
 */

static int
smtp_content(SMTP_SESSION *session, DELIVER_REQUEST *req, STRBUF *why)
{
	QFILE_CONTENT *content;
	SMTP_MIME *mime = NULL;
	STRBUF *line = strbuf_create(1000);
	STRBUF *hdr = NULL;
	const char *cp;
	size_t	len;
	int	ret, map_error = 0;

	if ((session->features & SMTP_FEATURE_8BITMIME) == 0
	    && strcasecmp(req->encoding, "8bitmime") == 0
	    && !var_disable_mime_output_conversion)
		mime = smtp_mime_create(smtp_put_line, session);
	if (smtp_generic_enabled())
		hdr = strbuf_create(1000);
	iostream_set_timeout(session->st, smtp_conf.data_xfer_timeout);
	content = qfile_content_open(req->fp, req->data_offset,
				     QFILE_REC_LIMIT(var_line_length_limit));
	while ((ret = qfile_content_line(content, line, why)) > 0) {
		cp = strbuf_str(line);
		len = strbuf_len(line);
		if (hdr != NULL && strbuf_len(hdr) > 0
		    && header_is_continuation(cp, len)) {
			(void) header_append_line(hdr, cp, len, 0);
			continue;
		}
		if (hdr != NULL && strbuf_len(hdr) > 0
		    && (map_error = smtp_emit_header(session, mime, hdr)) < 0)
			break;
		if (hdr != NULL && header_name_len(cp, len, NULL) > 0) {
			strbuf_set_mem(hdr, cp, len);
			continue;
		}
		if (hdr != NULL)
			strbuf_free(&hdr);	/* the header has ended */
		smtp_emit(session, mime, cp, len);
		if (iostream_error(session->st) || iostream_timeout(session->st))
			break;
	}
	if (ret == 0 && map_error == 0 && hdr != NULL && strbuf_len(hdr) > 0)
		map_error = smtp_emit_header(session, mime, hdr);
	if (hdr != NULL)
		strbuf_free(&hdr);
	if (mime) {
		if (map_error == 0)
			smtp_mime_end(mime);
		smtp_mime_free(mime);
	}
	qfile_content_close(content);
	strbuf_free(&line);
	if (map_error < 0)
		return -3;
	if (ret < 0)
		return -1;
	if (iostream_flush(session->st) < 0)
		return -2;
	return 0;
}

/*
 * smtp_pipe_next - with PIPELINING, send the next RCPT TO (and DATA
 * after the last one, unless verifying)
 *
 * The caller keeps at most SMTP_PIPE_WINDOW commands without a reply
 * in flight, so that neither side can block on a full socket buffer
 * with many recipients. *next is the next recipient index to send;
 * past the last one it is rcpt_count + 1 once DATA went out.
 */
#define SMTP_PIPE_WINDOW	100

static void
smtp_pipe_next(SMTP_SESSION *session, DELIVER_REQUEST *req, const ARGV *env,
	       const char *todo, int *next, int verify, STRBUF *cmd)
{
	while (*next < req->rcpt_count && !todo[*next])
		++*next;
	if (*next < req->rcpt_count) {
		smtp_rcpt_cmd(session, req->rcpts + *next,
			      env->argv[1 + *next], cmd);
		smtp_command(session, smtp_conf.rcpt_timeout, "%s",
			     strbuf_str(cmd));
		++*next;
		while (*next < req->rcpt_count && !todo[*next])
			++*next;
	}
	if (*next == req->rcpt_count) {
		if (!verify)
			smtp_command(session, smtp_conf.data_init_timeout,
				     "DATA");
		++*next;
	}
}

/* smtp_xfer - one mail transaction */

int
smtp_xfer(SMTP_SESSION *session, DELIVER_REQUEST *req, const ARGV *env,
	  char *done, int *status, STRBUF *dsn, STRBUF *why, int *perm)
{
	SMTP_REPLY *reply = smtp_reply_create();
	STRBUF *cmd = strbuf_create(200);
	char   *accepted = xcalloc((size_t) req->rcpt_count + 1, 1);
	char   *todo = xcalloc((size_t) req->rcpt_count + 1, 1);
	int	pipelined = (session->features & SMTP_FEATURE_PIPELINING) != 0;
	int	verify = (req->flags & DEL_REQ_FLAG_VERIFY) != 0;
	int	utf8 = 0, mail_ok, naccepted = 0, got, i, ret = SMTP_OK, cret;
	int	next = 0;

	*perm = 0;
	session->use_count++;
	for (i = 0; i < req->rcpt_count; i++)
		todo[i] = !done[i];

	/* What this server cannot take, no server at this hop can. */
	if (req->smtputf8 && (session->features & SMTP_FEATURE_SMTPUTF8)) {
		utf8 = 1;
	} else if (req->smtputf8 && smtp_8bit(env->argv[0])) {
		utf8 = -1;
	} else if (req->smtputf8) {
		for (i = 0; i < req->rcpt_count; i++)
			if (todo[i] && smtp_8bit(env->argv[1 + i]))
				utf8 = -1;
	}
	if (utf8 < 0) {
		strbuf_printf(why, "SMTPUTF8 is required, but was not offered "
			      "by host %s", session->namaddr);
		smtp_report_set(session, req, todo, done, status, "5.6.7",
				strbuf_str(why), NULL);
		goto done;
	}
	if ((session->features & SMTP_FEATURE_SIZE) && session->size_limit > 0
	    && req->data_size > session->size_limit) {
		strbuf_printf(why, "message size %ld exceeds size limit %ld of "
			      "server %s", req->data_size, session->size_limit,
			      session->namaddr);
		smtp_report_set(session, req, todo, done, status, "5.3.4",
				strbuf_str(why), NULL);
		goto done;
	}

	/* MAIL FROM. */
	smtp_mail_cmd(session, req, env->argv[0], utf8, cmd);
	smtp_command(session, smtp_conf.mail_timeout, "%s", strbuf_str(cmd));
	if (pipelined)
		for (i = 0; i < SMTP_PIPE_WINDOW; i++)
			smtp_pipe_next(session, req, env, todo, &next, verify,
				       cmd);
	iostream_set_timeout(session->st, smtp_conf.mail_timeout);
	if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
		smtp_lost(session, got, "sending MAIL FROM", dsn, why);
		ret = SMTP_NEXT;
		goto done;
	}
	mail_ok = reply->code / 100 == 2;
	if (!mail_ok) {
		smtp_said(session, reply, "MAIL FROM", dsn, why);
		if (reply->code / 100 == 4) {
			ret = SMTP_NEXT;
			goto done;
		}
		smtp_report_set(session, req, todo, done, status,
				strbuf_str(dsn), strbuf_str(why), reply);
		if (!pipelined)
			goto done;
	}

	/* RCPT TO, one reply each. */
	for (i = 0; i < req->rcpt_count; i++) {
		if (!todo[i])
			continue;
		if (!pipelined) {
			smtp_rcpt_cmd(session, req->rcpts + i, env->argv[1 + i],
				      cmd);
			smtp_command(session, smtp_conf.rcpt_timeout, "%s",
				     strbuf_str(cmd));
		}
		iostream_set_timeout(session->st, smtp_conf.rcpt_timeout);
		if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
			smtp_lost(session, got, "sending RCPT TO", dsn, why);
			ret = SMTP_NEXT;
			goto done;
		}
		if (pipelined)
			smtp_pipe_next(session, req, env, todo, &next, verify,
				       cmd);
		if (!mail_ok)
			continue;
		if (reply->code / 100 == 2) {
			if (verify)
				smtp_report(session, req, i, done, status,
					    reply->dsn,
					    strbuf_str(reply->text), reply);
			accepted[i] = 1;
			naccepted++;
		} else {
			smtp_said(session, reply, "RCPT TO", dsn, why);
			smtp_report(session, req, i, done, status,
				    strbuf_str(dsn), strbuf_str(why), reply);
		}
	}
	if (verify)
		goto done;

	/* DATA. */
	if (!pipelined) {
		if (naccepted == 0)
			goto done;
		smtp_command(session, smtp_conf.data_init_timeout, "DATA");
	}
	iostream_set_timeout(session->st, smtp_conf.data_init_timeout);
	if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
		smtp_lost(session, got, "sending DATA command", dsn, why);
		ret = naccepted ? SMTP_NEXT : SMTP_DONE_DROP;
		goto done;
	}
	if (reply->code != 354) {
		if (naccepted > 0) {
			smtp_said(session, reply, "DATA", dsn, why);
			smtp_report_set(session, req, accepted, done, status,
					strbuf_str(dsn), strbuf_str(why),
					reply);
		}
		goto done;
	}
	if (naccepted == 0) {
		/* Pipelined DATA went through without a recipient. */
		smtp_command(session, smtp_conf.data_done_timeout, ".");
		if (smtp_get_reply(session, reply) != SMTP_GOT_REPLY)
			ret = SMTP_DONE_DROP;
		goto done;
	}

	/* The content and the end of data. */
	if ((cret = smtp_content(session, req, why)) == -1) {
		log_warn("%s: %s", req->queue_id, strbuf_str(why));
		smtp_report_set(session, req, accepted, done, status, "4.3.0",
				"error reading message file", NULL);
		ret = SMTP_DONE_DROP;
		goto done;
	}
	if (cret == -3) {
		/* Half a message went out: drop it, no end of data. */
		session->broken = 1;
		smtp_report_set(session, req, accepted, done, status, "4.3.0",
				smtp_conf.lmtp ? "lmtp_generic_maps lookup error" :
				"smtp_generic_maps lookup error", NULL);
		ret = SMTP_DONE_DROP;
		goto done;
	}
	if (cret == -2) {
		smtp_lost(session, SMTP_GOT_LOST, "sending message body", dsn,
			  why);
		smtp_report_set(session, req, accepted, done, status,
				strbuf_str(dsn), strbuf_str(why), NULL);
		ret = SMTP_DONE_DROP;
		goto done;
	}
	smtp_command(session, smtp_conf.data_done_timeout, ".");
	for (i = 0; i < req->rcpt_count; i++) {
		if (!accepted[i])
			continue;
		iostream_set_timeout(session->st, smtp_conf.data_done_timeout);
		if ((got = smtp_get_reply(session, reply)) != SMTP_GOT_REPLY) {
			smtp_lost(session, got, "sending end of data -- message "
				  "may be sent more than once", dsn, why);
			smtp_report_set(session, req, accepted, done, status,
					strbuf_str(dsn), strbuf_str(why),
					NULL);
			ret = SMTP_DONE_DROP;
			goto done;
		}
		if (reply->code / 100 == 2) {
			if (smtp_conf.lmtp)
				smtp_report(session, req, i, done, status,
					    reply->dsn,
					    strbuf_str(reply->text), reply);
			else
				smtp_report_set(session, req, accepted, done,
						status, reply->dsn,
						strbuf_str(reply->text), reply);
		} else {
			smtp_said(session, reply, "end of DATA", dsn, why);
			if (smtp_conf.lmtp)
				smtp_report(session, req, i, done, status,
					    strbuf_str(dsn), strbuf_str(why),
					    reply);
			else
				smtp_report_set(session, req, accepted, done,
						status, strbuf_str(dsn),
						strbuf_str(why), reply);
		}
		if (!smtp_conf.lmtp)
			break;
	}

done:
	if (ret == SMTP_NEXT)
		*perm = DSN_CLASS(strbuf_str(dsn)) == '5';
	smtp_reply_free(reply);
	strbuf_free(&cmd);
	xfree(accepted);
	xfree(todo);
	return ret;
}

/* smtp_rset - check that the session can take another transaction */

int
smtp_rset(SMTP_SESSION *session)
{
	SMTP_REPLY *reply = smtp_reply_create();
	int	ret;

	smtp_command(session, smtp_conf.rset_timeout, "RSET");
	ret = smtp_get_reply(session, reply) == SMTP_GOT_REPLY
		&& reply->code / 100 == 2 ? 0 : -1;
	smtp_reply_free(reply);
	return ret;
}

/* smtp_quit - say goodbye and free the session */

void
smtp_quit(SMTP_SESSION *session)
{
	SMTP_REPLY *reply;

	if (!session->broken && !iostream_error(session->st)
	    && !iostream_timeout(session->st) && !iostream_eof(session->st)) {
		smtp_command(session, smtp_conf.quit_timeout, "QUIT");
		if (smtp_conf.skip_quit_response) {
			(void) iostream_flush(session->st);
		} else {
			reply = smtp_reply_create();
			(void) smtp_get_reply(session, reply);
			smtp_reply_free(reply);
		}
	}
	smtp_session_free(session);
}
