/*
 * cleanup_message.c - headers and body of the message being queued
 *
 * The content arrives one logical line at a time. Header lines are
 * collected with their continuation lines (at most header_size_limit
 * bytes) and looked at as a whole: Received: headers count toward
 * hopcount_limit, sendmail -t takes recipients from (Resent-)To/Cc/Bcc
 * and drops Bcc, and the headers cleanup must add are noted. At the
 * first line that is not a header the missing (Resent-)From:, Date:
 * and Message-Id: headers are added, in Postfix's form; the body then
 * passes through unchanged. Our own Received: header comes first.
 */

#include "sysdeps.h"

#include <string.h>
#include <time.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "addr_parse.h"		/* global */
#include "cleanup_clnt.h"
#include "header_parse.h"
#include "params_cleanup.h"
#include "params_global.h"
#include "qfile.h"
#include "cleanup.h"

/* cleanup_date - RFC 5322 date in local time: "Sun, 22 Nov 2026 ..." */

void
cleanup_date(STRBUF *out, long when)
{
	time_t	t = (time_t) when;
	struct tm tm;
	char	buf[100];
	long    off;

	localtime_r(&t, &tm);
	off = (long) tm.tm_gmtoff / 60;
	if (strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S", &tm) == 0)
		buf[0] = 0;
	strbuf_append_printf(out, "%s %c%02ld%02ld", buf, off < 0 ? '-' : '+',
			     (off < 0 ? -off : off) / 60,
			     (off < 0 ? -off : off) % 60);
	if (strftime(buf, sizeof(buf), "%Z", &tm) > 0)
		strbuf_append_printf(out, " (%s)", buf);
}

/* cleanup_out_line - one content line into the file */

void
cleanup_out_line(CLEANUP_STATE *state, const char *line, size_t len)
{
	state->content_len += (long) len + 1;
	if (var_message_size_limit > 0
	    && state->content_len > var_message_size_limit) {
		cleanup_error(state, CLEANUP_STAT_SIZE, "message file too big");
		return;
	}
	if (state->errs == 0)
		qfile_write_line(state->writer, line, len);
}

/* cleanup_out_text - lines separated by "\n" */

void
cleanup_out_text(CLEANUP_STATE *state, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		cleanup_out_line(state, text, (size_t) (nl - text));
		text = nl + 1;
	}
	cleanup_out_line(state, text, strlen(text));
}

/*
 * cleanup_append_safe - append len bytes of text (from smtpd's
 * attributes: certificate names, a user name) that must not break the
 * header line
 */

static void
cleanup_append_safe(STRBUF *hdr, const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len && text[i]; i++)
		strbuf_append_char(hdr, (unsigned char) text[i] < 0x20
				   || text[i] == 0x7f ? '?' : text[i]);
}

/*
 * cleanup_append_folded - the TLS summary, with a line break ("\n\t ")
 * before its key-exchange and client-signature parts
 */

static void
cleanup_append_folded(STRBUF *hdr, const char *text)
{
	static const char *const folds[] = {
		" key-exchange ", " client-signature ", 0,
	};
	const char *const *fp;
	const char *brk;

	for (fp = folds; *fp; fp++) {
		if ((brk = strstr(text, *fp)) == NULL)
			continue;
		cleanup_append_safe(hdr, text, (size_t) (brk - text));
		strbuf_append_str(hdr, "\n\t");
		text = brk;
	}
	cleanup_append_safe(hdr, text, strlen(text));
}

/*
 * cleanup_message_start - the content begins: our Received: header
 *
 * The shape tells who handed the message over: smtpd passes the client
 * attributes, a local submission (pickup) passes the submitter's user
 * ID; anything else (bounces, forwarded mail) gets none here.
 */

void
cleanup_message_start(CLEANUP_STATE *state)
{
	STRBUF *hdr = strbuf_create(200);
	STRBUF *date = strbuf_create(64);
	const char *addr = NULL;
	const char *name = NULL;
	const char *helo = NULL;
	const char *proto = NULL;
	const char *tls_summary = NULL;
	const char *tls_ccert = NULL;
	const char *auth = NULL;
	size_t	i;

	state->phase = CLEANUP_IN_HEADERS;
	cleanup_checks_start(state);
	cleanup_date(date, state->arrival_sec);
	for (i = 0; i < state->attrs->argc; i++) {
		const char *a = state->attrs->argv[i];

		if (strncmp(a, "client_address=", 15) == 0)
			addr = a + 15;
		else if (strncmp(a, "client_name=", 12) == 0)
			name = a + 12;
		else if (strncmp(a, "helo_name=", 10) == 0)
			helo = a + 10;
		else if (strncmp(a, "protocol_name=", 14) == 0)
			proto = a + 14;
		else if (strncmp(a, "tls_summary=", 12) == 0)
			tls_summary = a + 12;
		else if (strncmp(a, "tls_ccert=", 10) == 0)
			tls_ccert = a + 10;
		else if (strncmp(a, "received_auth=", 14) == 0)
			auth = a + 14;
	}
	if (addr != NULL) {
		if (name == NULL || *name == 0)
			name = "unknown";
		/* An IPv6 address is written as an RFC 5321 literal. */
		strbuf_printf(hdr, "Received: from %s (%s [%s%s])\n",
			      helo && *helo ? helo : name, name,
			      strchr(addr, ':') ? "IPv6:" : "", addr);

		/*
		 * smtpd_tls_received_header, smtpd_sasl_authenticated_header:
		 * Postfix folds the TLS summary before "key-exchange" and
		 * before "client-signature".
		 */
		if (tls_summary && *tls_summary) {
			strbuf_append_str(hdr, "\t(using ");
			cleanup_append_folded(hdr, tls_summary);
			strbuf_append_str(hdr, ")\n");
		}
		if (tls_ccert && *tls_ccert) {
			strbuf_append_str(hdr, "\t(");
			cleanup_append_safe(hdr, tls_ccert, strlen(tls_ccert));
			strbuf_append_str(hdr, ")\n");
		}
		if (auth && *auth) {
			strbuf_append_str(hdr, "\t(Authenticated sender: ");
			cleanup_append_safe(hdr, auth, strlen(auth));
			strbuf_append_str(hdr, ")\n");
		}
		strbuf_append_printf(hdr, "\tby %s (%s) with %s id %s",
				     var_myhostname, var_mail_name,
				     proto && *proto ? proto : "SMTP",
				     strbuf_str(state->queue_id));
		if (state->rcpt_count == 1) {
			strbuf_append_str(hdr, "\n\tfor <");
			addr_quote(hdr, state->rcpts[0].address, 0);
			strbuf_append_str(hdr, ">");
		}
		strbuf_append_printf(hdr, "; %s", strbuf_str(date));
		cleanup_out_text(state, strbuf_str(hdr));
	} else if (state->userid != NULL) {
		strbuf_printf(hdr, "Received: by %s (%s, from userid %s)\n"
			      "\tid %s; %s", var_myhostname, var_mail_name,
			      state->userid, strbuf_str(state->queue_id),
			      strbuf_str(date));
		cleanup_out_text(state, strbuf_str(hdr));
	}
	strbuf_free(&hdr);
	strbuf_free(&date);
}

/* cleanup_log_msgid - the message-id line of the log */

static void
cleanup_log_msgid(CLEANUP_STATE *state, const char *resent, const char *id)
{
	log_info("%s: %smessage-id=%s", strbuf_str(state->queue_id), resent,
		 id);
}

/* cleanup_extract - remember the addresses of a To/Cc/Bcc header */

static void
cleanup_extract(ARGV *list, const char *value)
{
	ADDR_LIST *addrs = addr_parse_list(value);
	size_t	i;

	for (i = 0; i < addrs->count; i++)
		if (*addrs->items[i].addr)
			argv_add(list, addrs->items[i].addr);
	addr_list_free(&addrs);
}

/* cleanup_header_done - a complete header: note it, write it */

static void
cleanup_header_done(CLEANUP_STATE *state)
{
	const char *hdr = strbuf_str(state->header);
	const HEADER_INFO *info;
	STRBUF *value;
	size_t	name_len, value_off;
	int     drop = 0;

	if (cleanup_checks_header(state, state->header) == CLEANUP_CHECKS_DROP) {
		strbuf_reset(state->header);
		return;
	}
	hdr = strbuf_str(state->header);	/* REPLACE may have changed it */
	name_len = header_name_len(hdr, strbuf_len(state->header), &value_off);
	info = header_info_find(hdr, name_len);
	if (info != NULL) {
		value = strbuf_create(100);
		header_unfold(value, hdr + value_off);
		if (info->flags & HDR_F_RESENT)
			state->seen |= CLEANUP_SEEN_RESENT;
		switch (info->id) {
		case HDR_RECEIVED:
			if (++state->hop_count >= var_hopcount_limit)
				cleanup_error(state, CLEANUP_STAT_HOPS,
					      "too many hops");
			break;
		case HDR_FROM:
			state->seen |= CLEANUP_SEEN_FROM;
			break;
		case HDR_RESENT_FROM:
			state->seen |= CLEANUP_SEEN_RESENT_FROM;
			break;
		case HDR_DATE:
			state->seen |= CLEANUP_SEEN_DATE;
			break;
		case HDR_RESENT_DATE:
			state->seen |= CLEANUP_SEEN_RESENT_DATE;
			break;
		case HDR_MESSAGE_ID:
			state->seen |= CLEANUP_SEEN_MSGID;
			strbuf_trim_right(value);
			cleanup_log_msgid(state, "", strbuf_str(value));
			break;
		case HDR_RESENT_MESSAGE_ID:
			state->seen |= CLEANUP_SEEN_RESENT_MSGID;
			strbuf_trim_right(value);
			cleanup_log_msgid(state, "resent-", strbuf_str(value));
			break;
		default:
			break;
		}
		if ((state->flags & CLEANUP_FLAG_EXTRACT)
		    && (info->flags & HDR_F_EXTRACT)) {
			cleanup_extract((info->flags & HDR_F_RESENT) ?
					state->resent_extract :
					state->to_extract, strbuf_str(value));
			if (info->id == HDR_BCC || info->id == HDR_RESENT_BCC)
				drop = 1;
		}
		strbuf_free(&value);
	}
	if (!drop && info != NULL)
		(void) cleanup_map_header(state, info->flags, state->header);
	if (!drop)
		cleanup_out_text(state, strbuf_str(state->header));
	strbuf_reset(state->header);
}

/* cleanup_phrase - a display name, quoted when it is not plain words */

static void
cleanup_phrase(STRBUF *out, const char *name)
{
	const char *cp;
	int     plain = 1;

	for (cp = name; *cp; cp++)
		if ((unsigned char) *cp >= 0x80 || *cp < ' '
		    || strchr("()<>[]:;@\\,.\"", *cp))
			plain = 0;
	if (plain) {
		strbuf_append_str(out, name);
		return;
	}
	strbuf_append_char(out, '"');
	for (cp = name; *cp; cp++) {
		if (*cp == '"' || *cp == '\\')
			strbuf_append_char(out, '\\');
		strbuf_append_char(out, *cp);
	}
	strbuf_append_char(out, '"');
}

/* cleanup_add_headers - the end of the headers: add what is missing */

static void
cleanup_add_headers(CLEANUP_STATE *state)
{
	int     resent = (state->seen & CLEANUP_SEEN_RESENT) != 0;
	const char *prefix = resent ? "Resent-" : "";
	STRBUF *hdr = strbuf_create(200);
	STRBUF *id = strbuf_create(100);
	char	stamp[32];
	time_t	t = (time_t) state->arrival_sec;
	struct tm tm;

	if (!(state->seen & (resent ? CLEANUP_SEEN_RESENT_FROM
			     : CLEANUP_SEEN_FROM))) {
		strbuf_printf(hdr, "%sFrom: ", prefix);
		if (*state->sender == 0) {
			strbuf_append_str(hdr, "MAILER-DAEMON");
		} else if (state->fullname && *state->fullname
			   && strcmp(var_header_from_format, "obsolete") == 0) {
			addr_quote(hdr, state->sender, 0);
			strbuf_append_printf(hdr, " (%s)", state->fullname);
		} else if (state->fullname && *state->fullname) {
			cleanup_phrase(hdr, state->fullname);
			strbuf_append_str(hdr, " <");
			addr_quote(hdr, state->sender, 0);
			strbuf_append_str(hdr, ">");
		} else {
			addr_quote(hdr, state->sender, 0);
		}
		cleanup_out_text(state, strbuf_str(hdr));
	}
	if (!(state->seen & (resent ? CLEANUP_SEEN_RESENT_DATE
			     : CLEANUP_SEEN_DATE))) {
		strbuf_printf(hdr, "%sDate: ", prefix);
		cleanup_date(hdr, state->arrival_sec);
		cleanup_out_text(state, strbuf_str(hdr));
	}
	if (!(state->seen & (resent ? CLEANUP_SEEN_RESENT_MSGID
			     : CLEANUP_SEEN_MSGID))) {
		if (var_enable_long_queue_ids) {
			strbuf_printf(id, "<%s@%s>", strbuf_str(state->queue_id),
				      var_myhostname);
		} else {
			gmtime_r(&t, &tm);
			if (strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S",
				     &tm) == 0)
				stamp[0] = 0;
			strbuf_printf(id, "<%s.%s@%s>", stamp,
				      strbuf_str(state->queue_id),
				      var_myhostname);
		}
		strbuf_printf(hdr, "%sMessage-Id: %s", prefix, strbuf_str(id));
		cleanup_out_text(state, strbuf_str(hdr));
		cleanup_log_msgid(state, resent ? "resent-" : "",
				  strbuf_str(id));
	}
	strbuf_free(&hdr);
	strbuf_free(&id);
}

/* cleanup_message_line - one logical content line */

void
cleanup_message_line(CLEANUP_STATE *state, const char *line, size_t len)
{
	if (state->phase == CLEANUP_IN_HEADERS) {
		if (strbuf_len(state->header) > 0
		    && header_is_continuation(line, len)) {
			(void) header_append_line(state->header, line, len,
					    (size_t) var_header_size_limit);
			return;
		}
		if (strbuf_len(state->header) > 0)
			cleanup_header_done(state);
		if (header_name_len(line, len, NULL) > 0) {
			(void) header_append_line(state->header, line, len,
					    (size_t) var_header_size_limit);
			return;
		}
		cleanup_add_headers(state);
		cleanup_checks_headers_end(state);
		state->phase = CLEANUP_IN_BODY;
	}
	cleanup_checks_body(state, line, len);
}

/*
 * cleanup_message_end - end of content: the extracted section
 *
 * With sendmail -t, Resent- recipients win over the others when there
 * are any, as in Postfix.
 */

void
cleanup_message_end(CLEANUP_STATE *state)
{
	STRBUF *canon = strbuf_create(100);
	ARGV   *list;
	size_t	i;

	if (state->phase == CLEANUP_IN_HEADERS) {
		if (strbuf_len(state->header) > 0)
			cleanup_header_done(state);
		cleanup_add_headers(state);
		cleanup_checks_headers_end(state);
		state->phase = CLEANUP_IN_BODY;
	}
	cleanup_checks_end(state);
	qfile_write_extracted(state->writer);
	cleanup_checks_extracted(state);
	list = state->resent_extract->argc ? state->resent_extract
		: state->to_extract;
	for (i = 0; i < list->argc; i++) {
		if (cleanup_rewrite(state, list->argv[i], canon) < 0)
			break;
		cleanup_out_rcpt(state, strbuf_str(canon), list->argv[i],
				 NULL, 0);
	}
	strbuf_free(&canon);
}
