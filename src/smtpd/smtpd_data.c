/*
 * smtpd_data.c - smtpd(8): the message path to cleanup(8)
 *
 * Opens the cleanup stream at the first accepted recipient, sends the
 * envelope, the content of DATA or BDAT as queue file records, and
 * answers with cleanup's verdict: "250 2.0.0 Ok: queued as ID" only
 * after cleanup reported the file complete and fsynced.
 *
 * DATA ends only at <CR><LF>.<CR><LF>: a line ending in a bare <LF> is
 * a line (or, with smtpd_forbid_bare_newline = reject, makes the
 * message fail), but "." after it does not end the content, and a bare
 * <CR> is never a line end, so <LF>.<LF>, <LF>.<CR><LF> and <CR>.<CR>
 * cannot smuggle a second message (CVE-2023-51764). Lines longer than
 * line_length_limit become continuation records; the content size is
 * bounded by message_size_limit.
 *
 * Security: the content is untrusted; it is copied in bounded pieces
 * and never interpreted beyond line ends and dot-stuffing.
 */

#include "sysdeps.h"

#include <sys/time.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"
#include "iostream.h"
#include "params_global.h"	/* global */
#include "params_smtpd.h"
#include "params_sasl.h"
#include "rec.h"
#include "cleanup_clnt.h"
#include "smtpd.h"		/* smtpd */
#include "smtpd_check.h"
#include "smtpd_int.h"
#include "smtpd_tls.h"

/* smtpd_data_attrs - the client attributes of a network submission */

static void
smtpd_data_attrs(SMTPD_STATE *state, IOSTREAM *out)
{
	rec_printf(out, REC_TYPE_ATTR, "client_name=%s", state->name);
	rec_printf(out, REC_TYPE_ATTR, "reverse_client_name=%s",
		   state->reverse_name);
	rec_printf(out, REC_TYPE_ATTR, "client_address=%s", state->addr);
	rec_printf(out, REC_TYPE_ATTR, "client_port=%s", state->port);
	if (state->helo_name)
		rec_printf(out, REC_TYPE_ATTR, "helo_name=%s", state->helo_name);
	/* Postfix's Received: "with ESMTPS", "ESMTPA", "ESMTPSA". */
	rec_printf(out, REC_TYPE_ATTR, "protocol_name=%s%s%s", state->protocol,
		   state->tls_context ? "S" : "",
		   state->sasl_username ? "A" : "");
	smtpd_tls_data_attrs(state, out);
	if (state->sasl_method)
		rec_printf(out, REC_TYPE_ATTR, "sasl_method=%s",
			   state->sasl_method);
	if (state->sasl_username)
		rec_printf(out, REC_TYPE_ATTR, "sasl_username=%s",
			   state->sasl_username);
	if (state->sasl_username && var_smtpd_sasl_authenticated_header)
		rec_printf(out, REC_TYPE_ATTR, "received_auth=%s",
			   state->sasl_username);
	if (state->encoding)
		rec_printf(out, REC_TYPE_ATTR, "encoding=%s", state->encoding);
	if (state->sasl_sender)
		rec_printf(out, REC_TYPE_ATTR, "sasl_sender=%s",
			   state->sasl_sender);
}

/* smtpd_data_open - open cleanup and write the envelope head */

int
smtpd_data_open(SMTPD_STATE *state)
{
	STRBUF *why = strbuf_create(100);
	IOSTREAM *out;
	struct timeval tv;

	smtpd_sess.open_flags = state->saved_flags;
	if (SMTPD_STAND_ALONE())
		state->cleanup = smtpd_drop_open(why);
	else
		state->cleanup = cleanup_clnt_open(NULL, CLEANUP_FLAG_MASK_EXTERNAL
						   | state->saved_flags, why);
	if (state->cleanup == NULL) {
		log_warn("connect to %s: %s", SMTPD_STAND_ALONE() ?
			 "postdrop" : "cleanup service", strbuf_str(why));
		strbuf_free(&why);
		return -1;
	}
	strbuf_free(&why);
	state->queue_id = xstrdup(cleanup_clnt_queue_id(state->cleanup));
	if (state->sasl_method && !SMTPD_STAND_ALONE())
		log_info("%s: client=%s, sasl_method=%s, sasl_username=%s%s%s",
			 state->queue_id, state->namaddr, state->sasl_method,
			 state->sasl_username,
			 state->sasl_sender ? ", sasl_sender=" : "",
			 state->sasl_sender ? state->sasl_sender : "");
	else
		log_info("%s: client=%s", state->queue_id, state->namaddr);
	out = cleanup_clnt_stream(state->cleanup);
	gettimeofday(&tv, NULL);
	rec_printf(out, REC_TYPE_TIME, "%ld %ld", (long) tv.tv_sec,
		   (long) tv.tv_usec);
	/* A local submission: pickup vouches for the user, nobody else. */
	if (!SMTPD_STAND_ALONE())
		smtpd_data_attrs(state, out);
	if (state->dsn_envid)
		rec_puts(out, REC_TYPE_DSN_ENVID, state->dsn_envid);
	if (state->dsn_ret)
		rec_printf(out, REC_TYPE_DSN_RET, "%d", state->dsn_ret);
	rec_puts(out, REC_TYPE_FROM, state->sender);
	return 0;
}

/* smtpd_send_flags - HOLD/DISCARD results that came after the open */

static void
smtpd_send_flags(SMTPD_STATE *state)
{
	int	more = state->saved_flags & ~smtpd_sess.open_flags
	    & (CLEANUP_FLAG_HOLD | CLEANUP_FLAG_DISCARD);

	if (more) {
		rec_printf(cleanup_clnt_stream(state->cleanup), REC_TYPE_FLGS,
			   "%d", more);
		smtpd_sess.open_flags |= more;
	}
}

/* smtpd_msg_start - write the content start and PREPEND headers */

static void
smtpd_msg_start(SMTPD_STATE *state)
{
	IOSTREAM *out = cleanup_clnt_stream(state->cleanup);
	size_t	i;

	/*
	 * FILTER and REDIRECT results of every stage up to DATA (qmgr reads
	 * these attributes); the envelope is still open here.
	 */
	if (state->saved_filter)
		rec_printf(out, REC_TYPE_ATTR, "content_filter=%s",
			   state->saved_filter);
	if (state->saved_redirect)
		rec_printf(out, REC_TYPE_ATTR, "redirect_to=%s",
			   state->saved_redirect);
	smtpd_send_flags(state);
	rec_puts(out, REC_TYPE_MESG, "");
	for (i = 0; state->prepend && i < state->prepend->argc; i++) {
		const char *hdr = state->prepend->argv[i];
		const char *nl;

		/* A header may be folded: one record per line. */
		while ((nl = strchr(hdr, '\n')) != NULL) {
			rec_put_line(out, hdr, (size_t) (nl - hdr),
				     (size_t) var_line_length_limit);
			hdr = nl + 1;
		}
		rec_put_line(out, hdr, strlen(hdr),
			     (size_t) var_line_length_limit);
	}
	smtpd_sess.msg_started = 1;
}

/* smtpd_msg_put - one content record, unless the message failed already */

static void
smtpd_msg_put(SMTPD_STATE *state, int type, const char *data, size_t len)
{
	/* Counted as on the wire: a line end is <CR><LF>. */
	state->act_size += (long) len + (type == REC_TYPE_NORM ? 2 : 0);
	if (var_message_size_limit > 0
	    && state->act_size > var_message_size_limit)
		smtpd_sess.msg_err |= MSG_ERR_SIZE;
	if (smtpd_sess.msg_err)
		return;
	if (rec_put(cleanup_clnt_stream(state->cleanup), type, data, len)
	    == REC_TYPE_ERROR)
		smtpd_sess.msg_err |= MSG_ERR_WRITE;
}

/* smtpd_cleanup_reply - the reply for a cleanup status */

static void
smtpd_cleanup_reply(SMTPD_STATE *state, int status, const char *reason)
{
	if (status & CLEANUP_STAT_SIZE) {
		smtpd_reply(state, "552 5.3.4 Error: message file too big");
	} else if (status & CLEANUP_STAT_HOPS) {
		smtpd_reply(state, "554 5.4.0 Error: too many hops");
	} else if (status & (CLEANUP_STAT_CONT | CLEANUP_STAT_DEFER)) {
		int	temp = (status & CLEANUP_STAT_CONT) == 0;

		if (isdigit((unsigned char) reason[0])
		    && isdigit((unsigned char) reason[1])
		    && isdigit((unsigned char) reason[2]) && reason[3] == ' ')
			smtpd_reply(state, "%s", reason);
		else if ((reason[0] == '4' || reason[0] == '5')
			 && reason[1] == '.')
			smtpd_reply(state, "%s %s",
				    reason[0] == '4' ? "451" : "550", reason);
		else if (temp)
			smtpd_reply(state, "451 4.3.0 Error: %s", *reason ?
				    reason : "queue file write error");
		else
			smtpd_reply(state, "550 5.7.1 %s", *reason ? reason :
				    "Error: message content rejected");
	} else if (status & CLEANUP_STAT_RCPT) {
		smtpd_reply(state, "554 5.5.1 Error: no valid recipients");
	} else if (status & CLEANUP_STAT_BAD) {
		smtpd_reply(state, "451 4.3.0 Error: internal error %d", status);
	} else {
		smtpd_reply(state, "451 4.3.0 Error: queue file write error");
	}
}

/* smtpd_msg_finish - end of content: checks, cleanup's verdict, reply */

static int
smtpd_msg_finish(SMTPD_STATE *state)
{
	STRBUF *reason;
	const char *err = NULL;
	char   *pre_filter = state->saved_filter;
	char   *pre_redirect = state->saved_redirect;
	IOSTREAM *out;
	int	status;
	int	ret = SMTPD_CMD_ERR;

	/*
	 * FILTER and REDIRECT of the earlier stages went out with the
	 * envelope; whatever the end-of-data stage decides goes out after
	 * the content, where cleanup takes it over header_checks' own.
	 */
	state->saved_filter = state->saved_redirect = NULL;
	state->where = SMTPD_AFTER_EOM;
	if (smtpd_sess.msg_err & MSG_ERR_BARE_LF) {
		log_info("bare <LF> received after %s from %s",
			 smtpd_sess.bdat_seen ? SMTPD_CMD_BDAT : SMTPD_CMD_DATA,
			 state->namaddr);
		smtpd_reply(state, "%d 5.5.2 Error: bare <LF> received",
			    var_smtpd_forbid_bare_newline_reject_code);
	} else if (smtpd_sess.msg_err & MSG_ERR_SIZE) {
		smtpd_reply(state, "552 5.3.4 Error: message file too big");
	} else if (smtpd_sess.msg_err & MSG_ERR_WRITE) {
		smtpd_reply(state, "451 4.3.0 Error: queue file write error");
	} else if (!SMTPD_STAND_ALONE()
		   && (err = smtpd_check_eod(state)) != NULL) {
		smtpd_reply_text(state, err);
	} else {
		reason = strbuf_create(100);
		out = cleanup_clnt_stream(state->cleanup);
		rec_puts(out, REC_TYPE_XTRA, "");
		smtpd_send_flags(state);	/* end-of-data HOLD/DISCARD */
		if (state->saved_filter)
			rec_printf(out, REC_TYPE_ATTR, "content_filter=%s",
				   state->saved_filter);
		if (state->saved_redirect)
			rec_printf(out, REC_TYPE_ATTR, "redirect_to=%s",
				   state->saved_redirect);
		status = cleanup_clnt_close(state->cleanup, reason);
		state->cleanup = NULL;
		if (status == CLEANUP_STAT_OK) {
			smtpd_reply(state, "250 2.0.0 Ok: queued as %s",
				    state->queue_id);
			state->error_count = 0;
			state->junk_cmds = 0;
			ret = SMTPD_CMD_OK;
		} else {
			/* cleanup has logged why. */
			smtpd_cleanup_reply(state, status, strbuf_str(reason));
		}
		strbuf_free(&reason);
	}
	if (state->saved_filter == NULL)
		state->saved_filter = pre_filter;
	else
		xfree(pre_filter);
	if (state->saved_redirect == NULL)
		state->saved_redirect = pre_redirect;
	else
		xfree(pre_redirect);
	smtpd_mail_reset(state);
	return ret;
}

/* smtpd_data_check - may the content start? NULL, or the reply was sent */

static int
smtpd_data_check(SMTPD_STATE *state, const char *cmd)
{
	const char *err;

	if (state->rcpt_count == 0) {
		if (state->sender == NULL)
			smtpd_reply(state, "503 5.5.1 Error: need RCPT command");
		else
			smtpd_reply(state, "554 5.5.1 Error: no valid recipients");
		return -1;
	}
	state->where = cmd;
	if (!SMTPD_STAND_ALONE() && (err = smtpd_check_data(state)) != NULL) {
		smtpd_reply_text(state, err);
		return -1;
	}
	return 0;
}

/* smtpd_data_cmd - DATA: the content, ending at <CR><LF>.<CR><LF> only */

int
smtpd_data_cmd(SMTPD_STATE *state, char *args)
{
	int	r;
	int	at_start = 1;		/* at the start of a line */
	int	prev_crlf = 1;		/* previous line ended with CRLF */
	int	crlf;
	char   *text;
	size_t	len;

	if (*args) {
		smtpd_reply(state, "501 5.5.4 Syntax: DATA");
		return SMTPD_CMD_ERR;
	}
	if (smtpd_sess.bdat_seen) {
		smtpd_reply(state, "503 5.5.1 Error: DATA after BDAT");
		return SMTPD_CMD_ERR;
	}
	if (smtpd_data_check(state, SMTPD_CMD_DATA) < 0)
		return SMTPD_CMD_ERR;
	smtpd_msg_start(state);
	smtpd_reply(state, "354 End data with <CR><LF>.<CR><LF>");
	state->where = SMTPD_CMD_DATA;
	smtpd_deadline(state, var_smtpd_min_data_rate);
	for (;;) {
		r = iostream_get_line(state->client, smtpd_sess.line,
				      (size_t) var_line_length_limit, 0);
		if (r == IOS_EOF || r == IOS_LINE_LAST) {
			(void) smtpd_lost(state);
			smtpd_mail_reset(state);
			return SMTPD_CMD_HANGUP;
		}
		text = strbuf_str(smtpd_sess.line);
		len = strbuf_len(smtpd_sess.line);
		if (r == IOS_LINE_MORE) {
			/* A CR at the end may belong to the CRLF that follows. */
			if (len > 1 && text[len - 1] == '\r') {
				iostream_ungetc(state->client, '\r');
				len--;
			}
			if (at_start && text[0] == '.') {
				text++;
				len--;
			}
			smtpd_msg_put(state, REC_TYPE_CONT, text, len);
			at_start = 0;
			continue;
		}
		crlf = len > 0 && text[len - 1] == '\r';
		if (crlf)
			len--;
		else if (smtpd_sess.bare_lf_mode == BARE_LF_REJECT)
			smtpd_sess.msg_err |= MSG_ERR_BARE_LF;
		if (at_start && prev_crlf && crlf && len == 1 && text[0] == '.')
			break;
		if (at_start && len > 0 && text[0] == '.') {
			text++;
			len--;
		}
		smtpd_msg_put(state, REC_TYPE_NORM, text, len);
		at_start = 1;
		prev_crlf = crlf;
	}
	return smtpd_msg_finish(state);
}

/* smtpd_bdat_content - split chunk bytes into content records */

static void
smtpd_bdat_content(SMTPD_STATE *state, const char *data, size_t len)
{
	const char *nl;
	size_t	n;
	size_t	limit = (size_t) var_line_length_limit;

	while (len > 0) {
		if ((nl = memchr(data, '\n', len)) != NULL) {
			n = (size_t) (nl - data);
			strbuf_append(smtpd_sess.partial, data, n);
			if (strbuf_len(smtpd_sess.partial) > 0
			    && strbuf_str(smtpd_sess.partial)[strbuf_len(smtpd_sess.partial) - 1]
			    == '\r')
				strbuf_truncate(smtpd_sess.partial,
						strbuf_len(smtpd_sess.partial) - 1);
			else if (smtpd_sess.bare_lf_mode == BARE_LF_REJECT)
				smtpd_sess.msg_err |= MSG_ERR_BARE_LF;
			smtpd_msg_put(state, REC_TYPE_NORM,
				      strbuf_str(smtpd_sess.partial),
				      strbuf_len(smtpd_sess.partial));
			strbuf_reset(smtpd_sess.partial);
			data += n + 1;
			len -= n + 1;
			continue;
		}
		strbuf_append(smtpd_sess.partial, data, len);
		len = 0;
		/* Long lines become continuation records; keep a CR back. */
		while (strbuf_len(smtpd_sess.partial) > limit) {
			char   *p = strbuf_str(smtpd_sess.partial);
			size_t	cut = p[limit - 1] == '\r' ? limit - 1 : limit;

			smtpd_msg_put(state, REC_TYPE_CONT, p, cut);
			memmove(p, p + cut, strbuf_len(smtpd_sess.partial) - cut);
			strbuf_truncate(smtpd_sess.partial,
					strbuf_len(smtpd_sess.partial) - cut);
		}
	}
}

/* smtpd_data_bdat - BDAT size [LAST] (RFC 3030) */

int
smtpd_data_bdat(SMTPD_STATE *state, char *args)
{
	char   *tok, *last;
	long	size, chunk;
	int	is_last = 0;
	int	reject = 0;
	char	buf[8192];
	size_t	want, got;

	if (!EHLO_ON(EHLO_CHUNKING)) {
		smtpd_reply(state, "502 5.5.1 Error: command not implemented");
		return SMTPD_CMD_ERR;
	}
	if ((tok = token_next(&args, " \t")) == NULL
	    || parse_long(tok, &size, 0, LONG_MAX) < 0) {
		/* The chunk size is unknown: the input cannot be resynced. */
		smtpd_reply(state, "501 5.5.4 Syntax: BDAT count [LAST]");
		return SMTPD_CMD_ERR;
	}
	if ((last = token_next(&args, " \t")) != NULL) {
		if (strcasecmp(last, "LAST") != 0 || token_next(&args, " \t")) {
			smtpd_reply(state, "501 5.5.4 Syntax: BDAT count [LAST]");
			return SMTPD_CMD_ERR;
		}
		is_last = 1;
	}
	state->where = SMTPD_CMD_BDAT;
	chunk = size;
	if (!smtpd_sess.bdat_active) {
		if (state->rcpt_count == 0 || smtpd_data_check(state,
						      SMTPD_CMD_BDAT) < 0) {
			if (state->rcpt_count == 0)
				(void) smtpd_data_check(state, SMTPD_CMD_BDAT);
			reject = 1;
		} else {
			smtpd_msg_start(state);
			smtpd_sess.bdat_active = 1;
			smtpd_sess.bdat_seen = 1;
		}
	}
	/* Read (and, after an error, discard) exactly the chunk. */
	smtpd_deadline(state, var_smtpd_min_data_rate);
	while (size > 0) {
		want = (size_t) size < sizeof(buf) ? (size_t) size : sizeof(buf);
		got = iostream_read(state->client, buf, want);
		if (got < want) {
			state->act_size += (long) got;
			(void) smtpd_lost(state);
			smtpd_mail_reset(state);
			return SMTPD_CMD_HANGUP;
		}
		if (!reject)
			smtpd_bdat_content(state, buf, got);
		size -= (long) got;
	}
	if (reject)
		return SMTPD_CMD_ERR;
	if (!is_last) {
		if (smtpd_sess.msg_err & MSG_ERR_SIZE) {
			smtpd_reply(state, "552 5.3.4 Error: message file too big");
			smtpd_mail_reset(state);
			return SMTPD_CMD_ERR;
		}
		smtpd_reply(state, "250 2.0.0 Ok: %ld bytes", chunk);
		return SMTPD_CMD_OK;
	}
	if (strbuf_len(smtpd_sess.partial) > 0) {
		smtpd_msg_put(state, REC_TYPE_NORM, strbuf_str(smtpd_sess.partial),
			      strbuf_len(smtpd_sess.partial));
		strbuf_reset(smtpd_sess.partial);
	}
	return smtpd_msg_finish(state);
}

