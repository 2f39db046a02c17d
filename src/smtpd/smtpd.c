/*
 * smtpd.c - the SMTP server: sessions, commands, and the message path
 *
 * One process serves one session at a time (SERVICE_SINGLE; master.cf's
 * maxproc bounds the number of sessions), as Postfix does. This file
 * holds the session (peer lookup in smtpd_peer.c, anvil, banner, the
 * command loop with its error, junk and pipelining defences, the
 * disconnect statistics) and the commands other than DATA and BDAT,
 * whose message path to cleanup(8) is smtpd_data.c. The restriction
 * engine (smtpd_check.h) and the anvil client (smtpd_anvil.h) decide
 * what is allowed; the engine only decides what is well-formed.
 *
 * HELO/EHLO do not need to come first unless smtpd_helo_required;
 * STARTTLS and smtps are smtpd_tls.c, AUTH is smtpd_sasl.c. Every
 * command and reply line also goes to the session transcript of
 * smtpd_notify.c, which may mail it to the postmaster at the end.
 *
 * Security: runs as $mail_owner (master.cf may chroot it). Everything
 * the client sends is untrusted: every buffer has a limit
 * (line_length_limit for lines, message_size_limit for the content,
 * smtpd_recipient_limit for recipients) and every read has
 * smtpd_timeout. Per-transaction memory is released by the transaction
 * reset, so a long session does not grow.
 */

#include "sysdeps.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"
#include "iostream.h"
#include "hex.h"
#include "addr_match_list.h"
#include "param.h"		/* global */
#include "params_global.h"
#include "params_smtpd.h"
#include "params_sasl.h"
#include "map.h"
#include "map_match.h"
#include "debug_peer.h"
#include "rec.h"
#include "qfile.h"
#include "addr_parse.h"
#include "cleanup_clnt.h"
#include "flush_clnt.h"
#include "service.h"		/* master */
#include "smtpd.h"
#include "smtpd_check.h"
#include "smtpd_anvil.h"
#include "smtpd_policy.h"
#include "smtpd_peer.h"
#include "smtpd_sasl.h"
#include "smtpd_tls.h"
#include "smtpd_int.h"

static const struct {
	const char *name;
	int	mask;
} ehlo_names[] = {
	{"pipelining", EHLO_PIPELINING},
	{"size", EHLO_SIZE},
	{"vrfy", EHLO_VRFY},
	{"etrn", EHLO_ETRN},
	{"enhancedstatuscodes", EHLO_ENHANCED},
	{"8bitmime", EHLO_8BITMIME},
	{"dsn", EHLO_DSN},
	{"smtputf8", EHLO_SMTPUTF8},
	{"chunking", EHLO_CHUNKING},
	{"starttls", EHLO_STARTTLS},
	{"auth", EHLO_AUTH},
	{"silent-discard", EHLO_SILENT},
	{0, 0},
};

SMTPD_SESS smtpd_sess;

/* Service-wide data, set up before the jail. */
static ARGV *forbidden_names;		/* smtpd_forbidden_commands words */
static MAP **forbidden_maps;		/* ... and tables */
static size_t forbidden_map_count;
static ADDR_MATCH_LIST *bare_lf_exclusions;
static int bare_lf_default;		/* BARE_LF_* from main.cf */
static int ehlo_discard_default;	/* EHLO_* from main.cf */
static MAP **ehlo_maps;			/* ..._keyword_address_maps */
static size_t ehlo_map_count;
static ARGV *noop_commands;		/* smtpd_noop_commands */
static unsigned long smtpd_xact_counter;	/* source of state->xact_id */
static MAP **footer_maps;		/* smtpd_reject_footer_maps */
static size_t footer_map_count;

/*
 * smtpd_footer_attr - the value of a $name in a reject footer: the few
 * session attributes that postconf(5) lists; NULL for any other name
 */

static const char *
smtpd_footer_attr(SMTPD_STATE *state, const char *name, size_t len,
		  char *buf, size_t buflen)
{
	time_t	now;
	struct tm *tm;

#define FOOTER_NAME_IS(n) (len == sizeof(n) - 1 && strncmp(name, n, len) == 0)

	if (FOOTER_NAME_IS("client_address"))
		return state->addr ? state->addr : "unknown";
	if (FOOTER_NAME_IS("client_port"))
		return state->port ? state->port : "0";
	if (FOOTER_NAME_IS("server_name"))
		return var_myhostname;
	if (FOOTER_NAME_IS("localtime")) {
		now = time(NULL);
		if ((tm = localtime(&now)) == NULL
		    || strftime(buf, buflen, "%b %d %H:%M:%S", tm) == 0)
			return "";
		return buf;
	}
	return NULL;
}

/*
 * smtpd_reply_footer - append smtpd_reject_footer (or the template that
 * smtpd_reject_footer_maps gives for the whole reply) to a 4XX/5XX
 * reply in buf: on a new line unless the template starts with "\c",
 * "\n" for more line breaks (each new line repeats the reply code and
 * enhanced status code), $name, ${name} or $(name) for client_address,
 * client_port, localtime and server_name, $$ for a dollar.
 */

static void
smtpd_reply_footer(SMTPD_STATE *state, STRBUF *buf)
{
	const char *reply = strbuf_str(buf);
	const char *tmpl = var_smtpd_reject_footer;
	STRBUF *found = NULL;
	STRBUF *prefix;
	const char *cp;
	const char *name;
	const char *value;
	const char *end;
	char	timebuf[64];
	size_t	i;
	size_t	len;

	if ((reply[0] != '4' && reply[0] != '5') || strlen(reply) < 4
	    || SMTPD_STAND_ALONE())
		return;
	if (footer_map_count > 0) {
		found = strbuf_create(100);
		for (i = 0; i < footer_map_count; i++) {
			if (map_lookup(footer_maps[i], reply, found) == MAP_FOUND) {
				tmpl = strbuf_str(found);
				break;
			}
		}
	}
	if (*tmpl == 0) {
		if (found)
			strbuf_free(&found);
		return;
	}

	/* "550 5.1.1 " or "550 ": what each footer line starts with. */
	prefix = strbuf_create(20);
	strbuf_set_mem(prefix, reply, 3);
	strbuf_append_char(prefix, ' ');
	cp = reply + 4;
	len = strspn(cp, "0123456789.");
	if (len >= 5 && (cp[len] == ' ' || cp[len] == 0)
	    && cp[0] == reply[0] && cp[1] == '.') {
		strbuf_append(prefix, cp, len);
		strbuf_append_char(prefix, ' ');
	}
	if (strncmp(tmpl, "\\c", 2) == 0) {
		tmpl += 2;
	} else {
		strbuf_append_char(buf, '\n');
		strbuf_append(buf, strbuf_str(prefix), strbuf_len(prefix));
	}
	for (cp = tmpl; *cp; cp++) {
		if (cp[0] == '\\' && cp[1] == 'n') {
			strbuf_append_char(buf, '\n');
			strbuf_append(buf, strbuf_str(prefix), strbuf_len(prefix));
			cp++;
		} else if (cp[0] == '$' && cp[1] == '$') {
			strbuf_append_char(buf, '$');
			cp++;
		} else if (cp[0] == '$') {
			if (cp[1] == '{' || cp[1] == '(') {
				name = cp + 2;
				end = strchr(name, cp[1] == '{' ? '}' : ')');
				if (end == NULL) {
					strbuf_append_char(buf, *cp);
					continue;
				}
				len = (size_t) (end - name);
				cp = end;
			} else {
				name = cp + 1;
				for (len = 0; isalnum((unsigned char) name[len])
				     || name[len] == '_'; len++)
					 /* void */ ;
				if (len == 0) {
					strbuf_append_char(buf, *cp);
					continue;
				}
				cp = name + len - 1;
			}
			value = smtpd_footer_attr(state, name, len, timebuf,
						  sizeof(timebuf));
			if (value == NULL)
				log_warn("smtpd_reject_footer: unknown attribute "
					 "\"%.*s\"", (int) len, name);
			else
				strbuf_append(buf, value, strlen(value));
		} else if (*cp != '\r' && *cp != '\n') {
			strbuf_append_char(buf, *cp);
		}
	}
	strbuf_free(&prefix);
	if (found)
		strbuf_free(&found);
}

/*
 * smtpd_deadline - with smtpd_per_request_deadline, one smtpd_timeout
 * for reading a whole request and writing its reply; min_rate > 0 (DATA,
 * BDAT) lets received bytes extend it at that many bytes per second
 */

void
smtpd_deadline(SMTPD_STATE *state, int min_rate)
{
	if (!var_smtpd_per_request_deadline || var_smtpd_timeout <= 0)
		return;
	iostream_set_deadline(state->client, var_smtpd_timeout > INT_MAX / 1000 ?
			      INT_MAX : var_smtpd_timeout * 1000, min_rate);
}

/*
 * Set while smtpd_reply_text() sends a reply that the restriction
 * engine made, for the error class of the transcript.
 */
static int smtpd_reply_from_check;
static STRBUF *smtpd_reply_buf;		/* one reply line */

/* smtpd_reply_line - write, log and record one line of a reply */

static void
smtpd_reply_line(SMTPD_STATE *state, const char *code, int sep,
		 const char *text, size_t len)
{
	STRBUF *buf;

	if (smtpd_reply_buf == NULL)
		smtpd_reply_buf = strbuf_create(100);
	buf = smtpd_reply_buf;
	strbuf_reset(buf);
	if (code != NULL)
		strbuf_append_printf(buf, "%.3s%c", code, sep);
	strbuf_append(buf, text, len);
	if (log_verbose)
		log_info("> %s: %s", state->namaddr, strbuf_str(buf));
	smtpd_notify_out(strbuf_str(buf), strbuf_len(buf),
			 smtpd_reply_from_check);
	(void) iostream_write(state->client, strbuf_str(buf), strbuf_len(buf));
	(void) iostream_write(state->client, "\r\n", 2);
}

/* smtpd_reply - send one reply line (slowed down after many errors) */

void
smtpd_reply(SMTPD_STATE *state, const char *fmt, ...)
{
	va_list ap;
	const char *text;
	const char *nl;
	size_t	len;

	if (var_smtpd_error_sleep_time > 0
	    && state->error_count >= var_smtpd_soft_error_limit) {
		(void) iostream_flush(state->client);
		sleep((unsigned) var_smtpd_error_sleep_time);
	}
	va_start(ap, fmt);
	strbuf_reset(smtpd_sess.reply);
	strbuf_append_vprintf(smtpd_sess.reply, fmt, ap);
	va_end(ap);
	smtpd_reply_footer(state, smtpd_sess.reply);

	/*
	 * A reply text with line breaks (a check's footer, say) becomes a
	 * multi-line reply "ddd-..." ... "ddd ..."; a CR never goes out
	 * alone.
	 */
	text = strbuf_str(smtpd_sess.reply);
	while ((nl = strchr(text, '\n')) != NULL) {
		len = (size_t) (nl - text);
		if (len > 0 && text[len - 1] == '\r')
			len--;
		if (len >= 4 && text[3] == ' ')
			smtpd_reply_line(state, text, '-', text + 4, len - 4);
		else
			smtpd_reply_line(state, strbuf_str(smtpd_sess.reply), '-',
					 text, len);
		text = nl + 1;
	}
	if (text != strbuf_str(smtpd_sess.reply)
	    && !(strlen(text) >= 4 && text[3] == ' '))
		smtpd_reply_line(state, strbuf_str(smtpd_sess.reply), ' ',
				 text, strlen(text));
	else
		smtpd_reply_line(state, NULL, 0, text, strlen(text));
}

/* smtpd_reply_text - send a reply that a check module formatted */

void
smtpd_reply_text(SMTPD_STATE *state, const char *text)
{
	smtpd_reply_from_check = 1;
	smtpd_reply(state, "%s", text);
	smtpd_reply_from_check = 0;
}

/* smtpd_is_header - does the command look like a message header label? */

static int
smtpd_is_header(const char *word)
{
	const char *cp;

	for (cp = word; *cp && *cp != ':'; cp++)
		if (!(isalnum((unsigned char) *cp) || *cp == '-' || *cp == '_'))
			return 0;
	return cp > word && *cp == ':';
}

/* smtpd_forbidden - is word in smtpd_forbidden_commands? */

static int
smtpd_forbidden(const char *word)
{
	STRBUF *value;
	size_t	i;
	int	found = 0;

	if (smtpd_is_header(word))
		return 1;
	for (i = 0; forbidden_names && i < forbidden_names->argc; i++)
		if (strcasecmp(forbidden_names->argv[i], word) == 0)
			return 1;
	if (forbidden_map_count == 0)
		return 0;
	value = strbuf_create(100);
	for (i = 0; !found && i < forbidden_map_count; i++)
		found = map_lookup(forbidden_maps[i], word, value) == MAP_FOUND;
	strbuf_free(&value);
	return found;
}

/* smtpd_mail_reset - end the mail transaction, free what it holds */

void
smtpd_mail_reset(SMTPD_STATE *state)
{
	if (state->cleanup) {
		cleanup_clnt_abort(state->cleanup);
		state->cleanup = NULL;
	}
	xfree(state->sender);
	xfree(state->recipient);
	xfree(state->encoding);
	xfree(state->dsn_envid);
	xfree(state->queue_id);
	xfree(state->sasl_sender);
	xfree(state->saved_filter);
	xfree(state->saved_redirect);
	xfree(state->discard_reason);
	state->sender = state->recipient = state->encoding = NULL;
	state->dsn_envid = state->queue_id = state->sasl_sender = NULL;
	state->saved_filter = state->saved_redirect = NULL;
	state->discard_reason = NULL;
	if (state->prepend)
		argv_free(&state->prepend);
	state->rcpt_count = 0;
	state->rcpt_overshoot = 0;
	state->msg_size = 0;
	state->smtputf8 = 0;
	state->dsn_ret = 0;
	state->act_size = 0;
	state->saved_flags = 0;
	smtpd_sess.msg_err = MSG_ERR_NONE;
	smtpd_sess.bdat_active = 0;
	smtpd_sess.bdat_seen = 0;
	smtpd_sess.msg_started = 0;
	strbuf_reset(smtpd_sess.partial);
	if (strbuf_len(state->buffer) > 0)
		strbuf_reset(state->buffer);
	smtpd_check_reset(state);
}

/* smtpd_lost - log a lost connection or timeout, reply to a timeout */

int
smtpd_lost(SMTPD_STATE *state)
{
	char	bytes[64];

	bytes[0] = 0;
	if (strcmp(state->where, SMTPD_CMD_DATA) == 0
	    || strcmp(state->where, SMTPD_CMD_BDAT) == 0)
		snprintf(bytes, sizeof(bytes), " (%ld bytes)", state->act_size);
	if (iostream_timeout(state->client)) {
		log_info("timeout after %s%s from %s", state->where, bytes,
			 state->namaddr);
		iostream_clearerr(state->client);
		iostream_clear_deadline(state->client);
		smtpd_reply(state, "421 4.4.2 %s Error: timeout exceeded",
			    var_myhostname);
		(void) iostream_flush(state->client);
	} else {
		log_info("lost connection after %s%s from %s", state->where,
			 bytes, state->namaddr);
	}
	return SMTPD_CMD_HANGUP;
}

/* smtpd_split_path - "<addr> params" or "addr params": the address copy */

static char *
smtpd_split_path(char *arg, char **params)
{
	char   *cp = arg;
	char   *addr;
	int	quoted = 0;

	if (*cp == '<') {
		for (; *cp; cp++) {
			if (*cp == '\\' && cp[1])
				cp++;
			else if (*cp == '"')
				quoted = !quoted;
			else if (*cp == '>' && !quoted) {
				cp++;
				break;
			}
		}
	} else {
		for (; *cp && *cp != ' ' && *cp != '\t'; cp++) {
			if (*cp == '\\' && cp[1])
				cp++;
			else if (*cp == '"') {
				for (cp++; *cp && *cp != '"'; cp++)
					if (*cp == '\\' && cp[1])
						cp++;
				if (*cp == 0)
					break;
			}
		}
	}
	addr = xmalloc(size_add((size_t) (cp - arg), 1));
	memcpy(addr, arg, (size_t) (cp - arg));
	addr[cp - arg] = 0;
	*params = cp;
	return addr;			/* caller frees */
}

/* smtpd_arg_after - "FROM:" prefix: the text after it, or NULL */

static char *
smtpd_arg_after(char *args, const char *prefix)
{
	size_t	len = strlen(prefix);

	if (strncasecmp(args, prefix, len) != 0)
		return NULL;
	args += len;
	if (!var_strict_rfc821_envelopes)
		while (*args == ' ' || *args == '\t')
			args++;
	return args;
}

/* smtpd_log_discard - "discarding EHLO keywords: ..." */

static void
smtpd_log_discard(SMTPD_STATE *state)
{
	STRBUF *buf = strbuf_create(100);
	char	word[32];
	int	i;

	for (i = 0; ehlo_names[i].name; i++) {
		if ((smtpd_sess.ehlo_discard & ehlo_names[i].mask) == 0
		    || ehlo_names[i].mask == EHLO_SILENT)
			continue;
		snprintf(word, sizeof(word), "%s", ehlo_names[i].name);
		strbuf_append_printf(buf, " %s", str_upper(word));
	}
	log_info("discarding EHLO keywords:%s", strbuf_str(buf));
	strbuf_free(&buf);
	(void) state;
}

/* helo_cmd_common - HELO and EHLO */

static int
helo_cmd_common(SMTPD_STATE *state, char *args, int ehlo)
{
	const char *err;
	const char *mechs;
	char   *name = str_trim(args);
	ARGV   *words;
	size_t	i;

	if (*name == 0) {
		smtpd_reply(state, "501 Syntax: %s hostname",
			    ehlo ? "EHLO" : "HELO");
		return SMTPD_CMD_ERR;
	}
	if (state->helo_name) {
		smtpd_mail_reset(state);
		xfree(state->helo_name);
		state->helo_name = NULL;
	}
	state->helo_name = xstrdup(name);
	state->protocol = ehlo ? "ESMTP" : "SMTP";
	if (!SMTPD_STAND_ALONE()
	    && (err = smtpd_check_helo(state, state->helo_name)) != NULL) {
		smtpd_reply_text(state, err);
		xfree(state->helo_name);
		state->helo_name = NULL;
		return SMTPD_CMD_ERR;
	}
	if (!ehlo) {
		smtpd_reply(state, "250 %s", var_myhostname);
		return SMTPD_CMD_OK;
	}
	if ((smtpd_sess.ehlo_discard & ~EHLO_SILENT)
	    && (smtpd_sess.ehlo_discard & EHLO_SILENT) == 0)
		smtpd_log_discard(state);
	words = argv_create();
	argv_add(words, var_myhostname);
	if (EHLO_ON(EHLO_PIPELINING))
		argv_add(words, "PIPELINING");
	if (EHLO_ON(EHLO_SIZE)) {
		if (var_message_size_limit > 0)
			argv_add_printf(words, "SIZE %ld", var_message_size_limit);
		else
			argv_add(words, "SIZE");
	}
	if (EHLO_ON(EHLO_VRFY) && !var_disable_vrfy_command)
		argv_add(words, "VRFY");
	if (EHLO_ON(EHLO_ETRN))
		argv_add(words, "ETRN");
	/* Issue 9: STARTTLS (EHLO_STARTTLS) and AUTH (EHLO_AUTH) go here. */
	if (EHLO_ON(EHLO_STARTTLS) && smtpd_tls_offer(state))
		argv_add(words, "STARTTLS");
	if (EHLO_ON(EHLO_AUTH)
	    && (mechs = smtpd_sasl_ehlo_mechanisms(state)) != NULL) {
		argv_add_printf(words, "AUTH %s", mechs);
		if (var_broken_sasl_auth_clients)
			argv_add_printf(words, "AUTH=%s", mechs);
	}
	if (EHLO_ON(EHLO_ENHANCED))
		argv_add(words, "ENHANCEDSTATUSCODES");
	if (EHLO_ON(EHLO_8BITMIME))
		argv_add(words, "8BITMIME");
	if (EHLO_ON(EHLO_DSN))
		argv_add(words, "DSN");
	if (EHLO_ON(EHLO_SMTPUTF8) && var_smtputf8_enable)
		argv_add(words, "SMTPUTF8");
	if (EHLO_ON(EHLO_CHUNKING))
		argv_add(words, "CHUNKING");
	for (i = 0; i < words->argc; i++)
		smtpd_reply(state, "250%c%s", i + 1 < words->argc ? '-' : ' ',
			    words->argv[i]);
	argv_free(&words);
	return SMTPD_CMD_OK;
}

/* helo_cmd - HELO hostname */

static int
helo_cmd(SMTPD_STATE *state, char *args)
{
	return helo_cmd_common(state, args, 0);
}

/* ehlo_cmd - EHLO hostname */

static int
ehlo_cmd(SMTPD_STATE *state, char *args)
{
	return helo_cmd_common(state, args, 1);
}

/* smtpd_8bit - does the text have non-ASCII bytes? */

static int
smtpd_8bit(const char *text)
{
	for (; *text; text++)
		if ((unsigned char) *text >= 0x80)
			return 1;
	return 0;
}

/* smtpd_xtext_param - decode an xtext parameter value into out */

static int
smtpd_xtext_param(STRBUF *out, const char *value, size_t max)
{
	size_t	len = strlen(value);

	if (len == 0 || len > max)
		return -1;
	return xtext_unquote(out, value, len, XTEXT_FLAG_NONE);
}

/* mail_cmd - MAIL FROM:<sender> [parameters] */

static int
mail_cmd(SMTPD_STATE *state, char *args)
{
	STRBUF *addr;
	STRBUF *why;
	char   *arg, *params, *tok, *value, *path;
	const char *err;
	long	size = 0;
	int	ret = SMTPD_CMD_ERR;

	if (var_smtpd_helo_required && state->helo_name == NULL) {
		smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
		return SMTPD_CMD_ERR;
	}
	if (state->sender != NULL) {
		smtpd_reply(state, "503 5.5.1 Error: nested MAIL command");
		return SMTPD_CMD_ERR;
	}
	if ((arg = smtpd_arg_after(args, "FROM:")) == NULL || *arg == 0) {
		smtpd_reply(state, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return SMTPD_CMD_ERR;
	}
	path = smtpd_split_path(arg, &params);
	addr = strbuf_create(100);
	why = strbuf_create(100);
	strbuf_set_limit(addr, (size_t) var_line_length_limit);
	while ((tok = token_next(&params, " \t")) != NULL) {
		if ((value = strchr(tok, '=')) != NULL)
			*value++ = 0;
		if (strcasecmp(tok, "SIZE") == 0 && value
		    && EHLO_ON(EHLO_SIZE)) {
			if (parse_long(value, &size, 0, LONG_MAX) < 0) {
				smtpd_reply(state, "501 5.5.4 Bad message size syntax");
				goto done;
			}
		} else if (strcasecmp(tok, "BODY") == 0 && value
			   && EHLO_ON(EHLO_8BITMIME)) {
			if (strcasecmp(value, "7BIT") != 0
			    && strcasecmp(value, "8BITMIME") != 0) {
				smtpd_reply(state, "501 5.5.4 Unsupported BODY parameter value");
				goto done;
			}
			xfree(state->encoding);
			state->encoding = str_upper(xstrdup(value));
		} else if (strcasecmp(tok, "RET") == 0 && value
			   && EHLO_ON(EHLO_DSN)) {
			if (state->dsn_ret == 0 && strcasecmp(value, "FULL") == 0)
				state->dsn_ret = QFILE_RET_FULL;
			else if (state->dsn_ret == 0
				 && strcasecmp(value, "HDRS") == 0)
				state->dsn_ret = QFILE_RET_HDRS;
			else {
				smtpd_reply(state, "501 5.5.4 Bad RET parameter syntax");
				goto done;
			}
		} else if (strcasecmp(tok, "ENVID") == 0 && value
			   && EHLO_ON(EHLO_DSN)) {
			strbuf_reset(why);
			if (state->dsn_envid != NULL
			    || smtpd_xtext_param(why, value, 100) < 0) {
				smtpd_reply(state, "501 5.5.4 Bad ENVID parameter syntax");
				goto done;
			}
			state->dsn_envid = xstrdup(strbuf_str(why));
		} else if (strcasecmp(tok, "AUTH") == 0 && value) {
			strbuf_reset(why);
			if (smtpd_xtext_param(why, value, 1000) < 0) {
				smtpd_reply(state, "501 5.5.4 Bad AUTH parameter syntax");
				goto done;
			}
			/*
			 * Honoured only for an authenticated client; "<>"
			 * (the identity is unknown) sets nothing.
			 */
			if (state->sasl_username
			    && strcmp(strbuf_str(why), "<>") != 0) {
				xfree(state->sasl_sender);
				state->sasl_sender = xstrdup(strbuf_str(why));
			}
		} else if (strcasecmp(tok, "SMTPUTF8") == 0 && value == NULL
			   && var_smtputf8_enable && EHLO_ON(EHLO_SMTPUTF8)) {
			state->smtputf8 = 1;
		} else {
			smtpd_reply(state, "555 5.5.4 Unsupported option: %s", tok);
			goto done;
		}
	}
	if (addr_parse_path(path, ADDR_PATH_ALLOW_EMPTY
			    | (var_strict_rfc821_envelopes ? ADDR_PATH_STRICT : 0),
			    addr, NULL, why) < 0) {
		smtpd_reply(state, "501 5.1.7 Bad sender address syntax");
		goto done;
	}
	if (var_smtputf8_enable && !state->smtputf8
	    && smtpd_8bit(strbuf_str(addr))) {
		smtpd_reply(state, "553 5.6.7 Must declare SMTPUTF8 to send "
			    "unicode address");
		goto done;
	}
	state->msg_size = size;
	state->where = SMTPD_CMD_MAIL;
	state->xact_id = ++smtpd_xact_counter;
	if ((err = smtpd_check_size(state, size)) != NULL
	    || (err = smtpd_anvil_mail(state)) != NULL) {
		smtpd_reply_text(state, err);
		goto done;
	}
	state->sender = xstrdup(strbuf_str(addr));
	if (!SMTPD_STAND_ALONE()
	    && (err = smtpd_check_mail(state, state->sender)) != NULL) {
		smtpd_reply_text(state, err);
		goto done;
	}
	smtpd_reply(state, "250 2.1.0 Ok");
	ret = SMTPD_CMD_OK;
done:
	if (ret != SMTPD_CMD_OK)
		smtpd_mail_reset(state);
	xfree(path);
	strbuf_free(&addr);
	strbuf_free(&why);
	return ret;
}

/* smtpd_notify_parse - NOTIFY=... to QFILE_NOTIFY_* bits, -1 if bad */

static int
smtpd_notify_parse(char *value)
{
	char   *tok;
	int	mask = 0;

	while ((tok = token_next(&value, ",")) != NULL) {
		if (strcasecmp(tok, "NEVER") == 0)
			mask |= QFILE_NOTIFY_NEVER;
		else if (strcasecmp(tok, "SUCCESS") == 0)
			mask |= QFILE_NOTIFY_SUCCESS;
		else if (strcasecmp(tok, "FAILURE") == 0)
			mask |= QFILE_NOTIFY_FAILURE;
		else if (strcasecmp(tok, "DELAY") == 0)
			mask |= QFILE_NOTIFY_DELAY;
		else
			return -1;
	}
	if (mask == 0 || ((mask & QFILE_NOTIFY_NEVER)
			  && mask != QFILE_NOTIFY_NEVER))
		return -1;
	return mask;
}

/* rcpt_cmd - RCPT TO:<recipient> [parameters] */

static int
rcpt_cmd(SMTPD_STATE *state, char *args)
{
	STRBUF *addr;
	STRBUF *why;
	STRBUF *orcpt;
	char   *arg, *params, *tok, *value, *semi, *path;
	const char *err;
	int	notify = 0;
	int	ret = SMTPD_CMD_ERR;
	IOSTREAM *out;

	if (state->sender == NULL) {
		smtpd_reply(state, "503 5.5.1 Error: need MAIL command");
		return SMTPD_CMD_ERR;
	}
	if ((arg = smtpd_arg_after(args, "TO:")) == NULL || *arg == 0) {
		smtpd_reply(state, "501 5.5.4 Syntax: RCPT TO:<address>");
		return SMTPD_CMD_ERR;
	}
	path = smtpd_split_path(arg, &params);
	addr = strbuf_create(100);
	why = strbuf_create(100);
	orcpt = strbuf_create(100);
	strbuf_set_limit(addr, (size_t) var_line_length_limit);
	while ((tok = token_next(&params, " \t")) != NULL) {
		if ((value = strchr(tok, '=')) != NULL)
			*value++ = 0;
		if (strcasecmp(tok, "NOTIFY") == 0 && value && notify == 0
		    && EHLO_ON(EHLO_DSN)) {
			if ((notify = smtpd_notify_parse(value)) < 0) {
				smtpd_reply(state, "501 5.5.4 Error: Bad NOTIFY parameter syntax");
				goto done;
			}
		} else if (strcasecmp(tok, "ORCPT") == 0 && value
			   && strbuf_len(orcpt) == 0 && EHLO_ON(EHLO_DSN)) {
			strbuf_reset(why);
			if ((semi = strchr(value, ';')) == NULL || semi == value
			    || smtpd_xtext_param(why, semi + 1, 500) < 0) {
				smtpd_reply(state, "501 5.5.4 Error: Bad ORCPT parameter syntax");
				goto done;
			}
			*semi = 0;
			strbuf_printf(orcpt, "%s;%s", str_lower(value),
				      strbuf_str(why));
		} else {
			smtpd_reply(state, "555 5.5.4 Unsupported option: %s", tok);
			goto done;
		}
	}
	if (addr_parse_path(path, var_strict_rfc821_envelopes ?
			    ADDR_PATH_STRICT : 0, addr, NULL, why) < 0
	    || strbuf_len(addr) == 0) {
		smtpd_reply(state, "501 5.1.3 Bad recipient address syntax");
		goto done;
	}
	if (var_smtputf8_enable && !state->smtputf8
	    && smtpd_8bit(strbuf_str(addr))) {
		smtpd_reply(state, "553 5.6.7 Must declare SMTPUTF8 to send "
			    "unicode address");
		goto done;
	}
	if (state->rcpt_count >= var_smtpd_recipient_limit) {
		smtpd_reply(state, "452 4.5.3 Error: too many recipients");
		ret = ++state->rcpt_overshoot > var_smtpd_recipient_overshoot_limit ?
		    SMTPD_CMD_ERR : SMTPD_CMD_FAIL;
		goto done;
	}
	state->where = SMTPD_CMD_RCPT;
	if ((err = smtpd_anvil_rcpt(state)) != NULL) {
		smtpd_reply_text(state, err);
		goto done;
	}
	xfree(state->recipient);
	state->recipient = xstrdup(strbuf_str(addr));
	if (!SMTPD_STAND_ALONE()
	    && (err = smtpd_check_rcpt(state, state->recipient)) != NULL) {
		smtpd_reply_text(state, err);
		goto done;
	}
	if (state->cleanup == NULL && smtpd_data_open(state) < 0) {
		smtpd_reply(state, "451 4.3.0 Error: queue file write error");
		goto done;
	}
	out = cleanup_clnt_stream(state->cleanup);
	if (strbuf_len(orcpt))
		rec_puts(out, REC_TYPE_DSN_ORCPT, strbuf_str(orcpt));
	if (notify)
		rec_printf(out, REC_TYPE_DSN_NOTIFY, "%d", notify);
	rec_puts(out, REC_TYPE_RCPT, state->recipient);
	state->rcpt_count++;
	smtpd_reply(state, "250 2.1.5 Ok");
	ret = SMTPD_CMD_OK;
done:
	xfree(path);
	strbuf_free(&addr);
	strbuf_free(&why);
	strbuf_free(&orcpt);
	return ret;
}

/* rset_cmd - RSET */

static int
rset_cmd(SMTPD_STATE *state, char *args)
{
	if (*args) {
		smtpd_reply(state, "501 5.5.4 Syntax: RSET");
		return SMTPD_CMD_ERR;
	}
	smtpd_mail_reset(state);
	smtpd_reply(state, "250 2.0.0 Ok");
	return SMTPD_CMD_OK;
}

/* noop_cmd - NOOP (any argument is allowed, RFC 5321 4.1.1.9) */

static int
noop_cmd(SMTPD_STATE *state, char *args)
{
	(void) args;
	smtpd_reply(state, "250 2.0.0 Ok");
	return SMTPD_CMD_OK;
}

/* vrfy_cmd - VRFY address: never confirms (252), as Postfix */

static int
vrfy_cmd(SMTPD_STATE *state, char *args)
{
	STRBUF *addr, *why;
	const char *err;
	char   *arg = str_trim(args);
	int	ret = SMTPD_CMD_ERR;

	if (var_disable_vrfy_command) {
		smtpd_reply(state, "502 5.5.1 VRFY command is disabled");
		return SMTPD_CMD_ERR;
	}
	if (*arg == 0) {
		smtpd_reply(state, "501 5.5.4 Syntax: VRFY address");
		return SMTPD_CMD_ERR;
	}
	if (var_smtpd_helo_required && state->helo_name == NULL) {
		smtpd_reply(state, "503 5.5.1 Error: send HELO/EHLO first");
		return SMTPD_CMD_ERR;
	}
	addr = strbuf_create(100);
	why = strbuf_create(100);
	strbuf_set_limit(addr, (size_t) var_line_length_limit);
	if (addr_parse_path(arg, 0, addr, NULL, why) < 0
	    || strbuf_len(addr) == 0) {
		smtpd_reply(state, "501 5.1.3 Bad recipient address syntax");
	} else {
		xfree(state->recipient);
		state->recipient = xstrdup(strbuf_str(addr));
		state->where = SMTPD_CMD_VRFY;
		if (!SMTPD_STAND_ALONE()
		    && (err = smtpd_check_rcpt(state, state->recipient)) != NULL) {
			smtpd_reply_text(state, err);
		} else {
			smtpd_reply(state, "252 2.0.0 %s", arg);
			ret = SMTPD_CMD_OK;
		}
		/* VRFY is no part of a transaction. */
		if (state->sender == NULL) {
			xfree(state->recipient);
			state->recipient = NULL;
		}
	}
	strbuf_free(&addr);
	strbuf_free(&why);
	return ret;
}

/* etrn_cmd - ETRN domain: ask the flush service to deliver */

static int
etrn_cmd(SMTPD_STATE *state, char *args)
{
	const char *err;
	char   *site = str_trim(args);
	const char *cp;

	if (!EHLO_ON(EHLO_ETRN)) {
		smtpd_reply(state, "502 5.5.1 Error: command not implemented");
		return SMTPD_CMD_ERR;
	}
	if (smtpd_require_idle(state) < 0)
		return SMTPD_CMD_ERR;
	if (*site == 0) {
		smtpd_reply(state, "500 Syntax: ETRN domain");
		return SMTPD_CMD_ERR;
	}
	if (*site == '@' || *site == '#')
		site++;
	for (cp = site; *cp; cp++)
		if (!(isalnum((unsigned char) *cp) || *cp == '-' || *cp == '.'
		      || *cp == '[' || *cp == ']' || *cp == ':' || *cp == '_'))
			break;
	if (*site == 0 || *cp) {
		smtpd_reply(state, "501 Error: invalid parameter syntax");
		return SMTPD_CMD_ERR;
	}
	state->where = SMTPD_CMD_ETRN;
	state->etrn_domain = xstrdup(site);
	err = SMTPD_STAND_ALONE() ? NULL : smtpd_check_etrn(state, site);
	xfree(state->etrn_domain);
	state->etrn_domain = NULL;
	if (err != NULL) {
		smtpd_reply_text(state, err);
		return SMTPD_CMD_ERR;
	}
	switch (flush_send_site(site)) {
	case FLUSH_STAT_OK:
		smtpd_reply(state, "250 Queuing started");
		return SMTPD_CMD_OK;
	case FLUSH_STAT_DENY:
		log_warn("reject: ETRN %.100s... from %s", site,
			 state->namaddr);
		smtpd_reply(state, "459 <%s>: service unavailable", site);
		return SMTPD_CMD_ERR;
	case FLUSH_STAT_BAD:
		log_warn("bad ETRN %.100s... from %s", site, state->namaddr);
		smtpd_reply(state, "458 Unable to queue messages");
		return SMTPD_CMD_ERR;
	default:
		log_warn("unable to talk to fast flush service");
		smtpd_reply(state, "458 Unable to queue messages");
		return SMTPD_CMD_ERR;
	}
}

/* quit_cmd - QUIT */

static int
quit_cmd(SMTPD_STATE *state, char *args)
{
	(void) args;
	smtpd_reply(state, "221 2.0.0 Bye");
	return SMTPD_CMD_HANGUP;
}

/* The commands, in the order of the disconnect log line. */
static const struct smtpd_cmd {
	const char *name;
	int	(*action)(SMTPD_STATE *, char *);
	int	flags;
} smtpd_cmds[] = {
	{"HELO", helo_cmd, SMTPD_CF_LAST},
	{"EHLO", ehlo_cmd, SMTPD_CF_LAST},
	{"STARTTLS", smtpd_tls_starttls_cmd, SMTPD_CF_LAST},
	{"AUTH", smtpd_sasl_auth_cmd, 0},
	{"MAIL", mail_cmd, 0},
	{"RCPT", rcpt_cmd, 0},
	{"DATA", smtpd_data_cmd, SMTPD_CF_LAST},
	{"BDAT", smtpd_data_bdat, 0},
	{"RSET", rset_cmd, SMTPD_CF_JUNK},
	{"NOOP", noop_cmd, SMTPD_CF_JUNK | SMTPD_CF_LAST},
	{"VRFY", vrfy_cmd, SMTPD_CF_JUNK | SMTPD_CF_LAST},
	{"ETRN", etrn_cmd, SMTPD_CF_JUNK | SMTPD_CF_LAST},
	{"QUIT", quit_cmd, SMTPD_CF_LAST},
	{0, 0, 0},
};

#define SMTPD_UNKNOWN_INDEX	(SMTPD_NCMDS - 1)
_Static_assert(sizeof(smtpd_cmds) / sizeof(smtpd_cmds[0]) - 1
	       <= SMTPD_UNKNOWN_INDEX, "SMTPD_NCMDS is too small for smtpd_cmds");

/* smtpd_input_pending - did the client send more than it may? */

static int
smtpd_input_pending(SMTPD_STATE *state)
{
	char	ch;
	int	fd;

	if (iostream_read_pending(state->client) > 0)
		return 1;
	if ((fd = iostream_fileno(state->client)) < 0)
		return 0;
	return recv(fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* smtpd_log_counts - the "disconnect from" line with command counts */

static void
smtpd_log_counts(SMTPD_STATE *state)
{
	STRBUF *buf = strbuf_create(200);
	int	total = 0, ok = 0;
	int	i;
	char	name[16];
	const char *cp;

	for (i = 0; i < SMTPD_NCMDS; i++) {
		if (smtpd_sess.total[i] == 0)
			continue;
		cp = i == SMTPD_UNKNOWN_INDEX ? "UNKNOWN" : smtpd_cmds[i].name;
		snprintf(name, sizeof(name), "%s", cp);
		str_lower(name);
		if (smtpd_sess.ok[i] == smtpd_sess.total[i])
			strbuf_append_printf(buf, " %s=%d", name, smtpd_sess.ok[i]);
		else
			strbuf_append_printf(buf, " %s=%d/%d", name, smtpd_sess.ok[i],
					     smtpd_sess.total[i]);
		total += smtpd_sess.total[i];
		ok += smtpd_sess.ok[i];
	}
	if (ok == total)
		strbuf_append_printf(buf, " commands=%d", ok);
	else
		strbuf_append_printf(buf, " commands=%d/%d", ok, total);
	log_info("disconnect from %s%s", state->namaddr, strbuf_str(buf));
	strbuf_free(&buf);
}

/* smtpd_bare_lf_mode - smtpd_forbid_bare_newline for this client */

static int
smtpd_bare_lf_mode(SMTPD_STATE *state)
{
	int	m;

	if (bare_lf_default == BARE_LF_ALLOW || bare_lf_exclusions == NULL)
		return bare_lf_default;
	m = addr_match_list_match(bare_lf_exclusions, state->name, state->addr);
	if (m < 0)
		log_warn("smtpd_forbid_bare_newline_exclusions: %s",
			 addr_match_list_error(bare_lf_exclusions));
	return m > 0 ? BARE_LF_ALLOW : bare_lf_default;
}

/* smtpd_commands - the command loop */

static void
smtpd_commands(SMTPD_STATE *state)
{
	const struct smtpd_cmd *cmd;
	char   *line, *args, *word;
	int	r, ret, idx;
	size_t	len;

	for (;;) {
		if (state->error_count >= var_smtpd_hard_error_limit) {
			log_info("too many errors after %s from %s",
				 state->where, state->namaddr);
			smtpd_reply(state, "421 4.7.0 %s Error: too many errors",
				    var_myhostname);
			break;
		}
		smtpd_deadline(state, 0);
		r = iostream_get_line(state->client, smtpd_sess.line,
				      (size_t) var_line_length_limit, 0);
		if (r == IOS_EOF || r == IOS_LINE_LAST) {
			(void) smtpd_lost(state);
			break;
		}
		if (r == IOS_LINE_MORE) {
			/* Skip the rest of an over-long command line. */
			while ((r = iostream_get_line(state->client, smtpd_sess.line,
					(size_t) var_line_length_limit, 0))
			       == IOS_LINE_MORE)
				 /* void */ ;
			if (r == IOS_EOF || r == IOS_LINE_LAST) {
				(void) smtpd_lost(state);
				break;
			}
			smtpd_notify_in("(a line too long)", 17);
			state->error_count++;
			smtpd_reply(state, "500 5.5.0 Error: line too long");
			continue;
		}
		len = strbuf_len(smtpd_sess.line);
		line = strbuf_str(smtpd_sess.line);
		smtpd_notify_in(line, len > 0 && line[len - 1] == '\r' ?
				len - 1 : len);
		if (len > 0 && line[len - 1] == '\r') {
			line[--len] = 0;
		} else if (smtpd_sess.bare_lf_mode == BARE_LF_REJECT) {
			log_info("bare <LF> received after %s from %s",
				 state->where, state->namaddr);
			state->error_count++;
			smtpd_reply(state, "%d 5.5.2 Error: bare <LF> received",
				    var_smtpd_forbid_bare_newline_reject_code);
			continue;
		}
		if (memchr(line, 0, len) != NULL) {
			state->error_count++;
			smtpd_reply(state, "500 5.5.2 Error: bad syntax");
			continue;
		}
		strbuf_set_mem(state->buffer, line, len);	/* for logging */
		if (log_verbose)
			log_info("< %s: %s", state->namaddr, line);
		args = line;
		while (*args == ' ' || *args == '\t')
			args++;
		if ((word = token_next(&args, " \t")) == NULL) {
			state->error_count++;
			smtpd_reply(state, "500 5.5.2 Error: bad syntax");
			continue;
		}
		if (args == NULL)
			args = "";
		for (cmd = smtpd_cmds; cmd->name; cmd++)
			if (strcasecmp(cmd->name, word) == 0)
				break;
		if (cmd->name == NULL && smtpd_forbidden(word)) {
			log_warn("non-SMTP command from %s: %.100s",
				 state->namaddr, strbuf_str(state->buffer));
			smtpd_reply(state,
			  "221 2.7.0 Error: I can break rules, too. Goodbye.");
			break;
		}
		if (cmd->name == NULL && noop_commands
		    && argv_find(noop_commands, str_upper(word)) >= 0) {
			smtpd_reply(state, "250 2.0.0 Ok");
			continue;
		}

		/* RFC 2920: these must end a group, and need PIPELINING. */
		if (cmd->name != NULL
		    && ((cmd->flags & SMTPD_CF_LAST)
			|| strcmp(state->protocol, "ESMTP") != 0
			|| !EHLO_ON(EHLO_PIPELINING))
		    && smtpd_input_pending(state)) {
			state->unauth_pipelining = 1;
			if (var_smtpd_forbid_unauth_pipelining) {
				STRBUF *next = strbuf_create(100);

				(void) iostream_get_line(state->client, next, 100,
							 IOS_LINE_STRIP_CR);
				log_info("improper command pipelining after %s "
					 "from %s: %.100s", cmd->name,
					 state->namaddr, strbuf_str(next));
				strbuf_free(&next);
				smtpd_reply(state, "554 5.5.0 Error: SMTP protocol "
					    "synchronization");
				break;
			}
		}
		if (smtpd_sess.access_denied && cmd->action != quit_cmd) {
			state->error_count++;
			smtpd_reply(state, "503 5.7.0 Error: access denied for %s",
				    state->namaddr);
			continue;
		}
		if (cmd->name != NULL && smtpd_tls_needed(state, cmd->name)) {
			state->error_count++;
			smtpd_reply(state, "530 5.7.0 Must issue a STARTTLS "
				    "command first");
			continue;
		}
		if (cmd->name == NULL) {
			state->where = "UNKNOWN";
			smtpd_sess.total[SMTPD_UNKNOWN_INDEX]++;
			state->error_count++;
			smtpd_reply(state, "502 5.5.2 Error: command not recognized");
			continue;
		}
		idx = (int) (cmd - smtpd_cmds);
		state->where = cmd->name;
		if ((cmd->flags & SMTPD_CF_JUNK)
		    && state->junk_cmds++ >= var_smtpd_junk_command_limit)
			state->error_count++;
		smtpd_sess.total[idx]++;
		ret = cmd->action(state, args);
		if (ret == SMTPD_CMD_OK
		    || (ret == SMTPD_CMD_HANGUP && cmd->action == quit_cmd))
			smtpd_sess.ok[idx]++;
		if (ret == SMTPD_CMD_ERR)
			state->error_count++;
		if (ret == SMTPD_CMD_HANGUP)
			break;
	}
	(void) iostream_flush(state->client);
}

/* smtpd_ehlo_mask - EHLO_* bits of a keyword list */

static int
smtpd_ehlo_mask(const char *list, const char *what)
{
	ARGV   *words = argv_split(list, ", \t\r\n");
	size_t	i, j;
	int	mask = 0;

	for (i = 0; i < words->argc; i++) {
		str_lower(words->argv[i]);
		for (j = 0; ehlo_names[j].name; j++)
			if (strcmp(ehlo_names[j].name, words->argv[i]) == 0)
				break;
		if (ehlo_names[j].name)
			mask |= ehlo_names[j].mask;
		else
			log_warn("%s: unknown keyword \"%s\" ignored", what,
				 words->argv[i]);
	}
	argv_free(&words);
	return mask;
}

/* smtpd_ehlo_discard - the EHLO keywords to drop for this client */

static int
smtpd_ehlo_discard(SMTPD_STATE *state)
{
	STRBUF *value;
	size_t	i;
	int	ret;
	int	mask = ehlo_discard_default;

	if (ehlo_map_count == 0)
		return mask;
	value = strbuf_create(100);
	for (i = 0; i < ehlo_map_count; i++) {
		ret = map_lookup(ehlo_maps[i], state->addr, value);
		if (ret == MAP_FOUND) {
			mask = smtpd_ehlo_mask(strbuf_str(value),
				     "smtpd_discard_ehlo_keyword_address_maps");
			break;
		}
		if (ret == MAP_RETRY) {
			log_warn("smtpd_discard_ehlo_keyword_address_maps: "
				 "lookup error for %s", state->addr);
			break;
		}
	}
	strbuf_free(&value);
	return mask;
}

/* smtpd_state_free - release a session */

static void
smtpd_state_free(SMTPD_STATE *state)
{
	smtpd_peer_reset(state);
	xfree(state->helo_name);
	xfree(state->sasl_method);
	xfree(state->sasl_username);
	strbuf_free(&state->buffer);
}

/* smtpd_serve - one SMTP session */

static void
smtpd_serve(IOSTREAM *client, const SERVICE *svc)
{
	SMTPD_STATE state;
	const char *err;
	int	anvil_done = 0;

	memset(&state, 0, sizeof(state));
	memset(smtpd_sess.total, 0, sizeof(smtpd_sess.total));
	memset(smtpd_sess.ok, 0, sizeof(smtpd_sess.ok));
	smtpd_sess.msg_err = 0;
	smtpd_sess.bdat_active = smtpd_sess.bdat_seen = smtpd_sess.msg_started = 0;
	strbuf_reset(smtpd_sess.partial);
	state.client = client;
	state.service = svc->name;
	state.conn_time = time(NULL);
	state.xact_id = ++smtpd_xact_counter;
	state.where = SMTPD_AFTER_CONNECT;
	state.protocol = "SMTP";
	state.buffer = strbuf_create(100);
	iostream_set_timeout(client, var_smtpd_timeout);
	smtpd_notify_start();

	smtpd_peer_init(&state);
	(void) debug_peer_check(state.name, state.addr);
	log_info("connect from %s", state.namaddr);
	smtpd_sess.ehlo_discard = smtpd_ehlo_discard(&state);
	smtpd_sess.bare_lf_mode = smtpd_bare_lf_mode(&state);
	smtpd_check_session_start(&state);
	smtpd_sasl_connect(&state);

	if (smtpd_tls_wrapper(&state) < 0) {
		/* smtps without a TLS session: nothing more (logged). */
	} else if ((err = smtpd_anvil_connect(&state)) != NULL) {
		smtpd_reply_text(&state, err);
	} else {
		anvil_done = 1;
		smtpd_sess.access_denied = 0;
		if (!SMTPD_STAND_ALONE()
		    && (err = smtpd_check_client(&state)) != NULL) {
			/* Sent instead of the banner; then only QUIT works. */
			smtpd_reply_text(&state, err);
			smtpd_sess.access_denied = strncmp(err, "421", 3) != 0;
		} else {
			smtpd_reply(&state, "220 %s", var_smtpd_banner);
		}
		if (err == NULL || smtpd_sess.access_denied)
			smtpd_commands(&state);
	}
	(void) iostream_flush(client);
	smtpd_log_counts(&state);
	smtpd_notify_end(&state);
	if (anvil_done)
		smtpd_anvil_disconnect(&state);
	smtpd_mail_reset(&state);	/* before the checks forget the session */
	smtpd_check_session_end(&state);
	smtpd_sasl_disconnect(&state);
	smtpd_tls_session_end(&state, iostream_error(client)
			      || iostream_timeout(client)
			      || iostream_eof(client));
	smtpd_state_free(&state);
	debug_peer_restore();
}

/* smtpd_pre_jail - tables and lists, opened as root */

static void
smtpd_pre_jail(const SERVICE *svc)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *words;
	const char *mode = var_smtpd_forbid_bare_newline;
	size_t	i;
	MAP    *map;

	smtpd_drop_init(svc);
	debug_peer_init();
	smtpd_check_init();
	smtpd_tls_init();
	if (!SMTPD_STAND_ALONE()) {
		smtpd_anvil_init();
		smtpd_sasl_init();
	}

	/* smtpd_forbidden_commands: words and type:table entries. */
	forbidden_names = argv_create();
	if ((words = argv_split_q(var_smtpd_forbidden_commands, ", \t\r\n",
				  "{}", why)) == NULL)
		log_fatal("smtpd_forbidden_commands: %s", strbuf_str(why));
	for (i = 0; i < words->argc; i++) {
		const char *w = words->argv[i];

		if (strchr(w, ':') != NULL) {
			if ((map = map_open(w, O_RDONLY, 0, why)) == NULL)
				log_fatal("smtpd_forbidden_commands: %s",
					  strbuf_str(why));
			forbidden_maps = xrealloc(forbidden_maps,
				       (forbidden_map_count + 1) * sizeof(MAP *));
			forbidden_maps[forbidden_map_count++] = map;
		} else {
			argv_add(forbidden_names, w);
		}
	}
	argv_free(&words);

	/* smtpd_reject_footer_maps */
	if ((words = argv_split_q(var_smtpd_reject_footer_maps, ", \t\r\n",
				  "{}", why)) == NULL)
		log_fatal("smtpd_reject_footer_maps: %s", strbuf_str(why));
	for (i = 0; i < words->argc; i++) {
		if ((map = map_open(words->argv[i], O_RDONLY, 0, why)) == NULL)
			log_fatal("smtpd_reject_footer_maps: %s",
				  strbuf_str(why));
		footer_maps = xrealloc(footer_maps,
				       (footer_map_count + 1) * sizeof(MAP *));
		footer_maps[footer_map_count++] = map;
	}
	argv_free(&words);

	/* smtpd_noop_commands */
	if (*var_smtpd_noop_commands) {
		noop_commands = argv_split(var_smtpd_noop_commands, ", \t\r\n");
		for (i = 0; i < noop_commands->argc; i++)
			str_upper(noop_commands->argv[i]);
	}

	/* smtpd_discard_ehlo_keywords, ..._address_maps */
	ehlo_discard_default = smtpd_ehlo_mask(var_smtpd_discard_ehlo_keywords,
					       "smtpd_discard_ehlo_keywords");
	if ((words = argv_split_q(var_smtpd_discard_ehlo_keyword_address_maps,
				  ", \t\r\n", "{}", why)) == NULL)
		log_fatal("smtpd_discard_ehlo_keyword_address_maps: %s",
			  strbuf_str(why));
	for (i = 0; i < words->argc; i++) {
		if ((map = map_open(words->argv[i], O_RDONLY, MAP_F_FOLD_FIX,
				    why)) == NULL)
			log_fatal("smtpd_discard_ehlo_keyword_address_maps: %s",
				  strbuf_str(why));
		ehlo_maps = xrealloc(ehlo_maps,
				     (ehlo_map_count + 1) * sizeof(MAP *));
		ehlo_maps[ehlo_map_count++] = map;
	}
	argv_free(&words);

	/* smtpd_forbid_bare_newline */
	if (strcasecmp(mode, "no") == 0)
		bare_lf_default = BARE_LF_ALLOW;
	else if (strcasecmp(mode, "normalize") == 0
		 || strcasecmp(mode, "yes") == 0)
		bare_lf_default = BARE_LF_NORM;
	else if (strcasecmp(mode, "reject") == 0)
		bare_lf_default = BARE_LF_REJECT;
	else
		log_fatal("invalid smtpd_forbid_bare_newline value: \"%s\"",
			  mode);
	if (bare_lf_default != BARE_LF_ALLOW
	    && *var_smtpd_forbid_bare_newline_exclusions) {
		bare_lf_exclusions = addr_match_list_create_ops(
				   var_smtpd_forbid_bare_newline_exclusions,
					 ADDR_MATCH_FLAG_NONE, &map_match_ops,
								 NULL, why);
		if (bare_lf_exclusions == NULL)
			log_fatal("smtpd_forbid_bare_newline_exclusions: %s",
				  strbuf_str(why));
	}
	strbuf_free(&why);
	(void) signal(SIGPIPE, SIG_IGN);
}

/* smtpd_post_jail - per-process buffers */

static void
smtpd_post_jail(const SERVICE *svc)
{
	(void) svc;
	smtpd_sess.line = strbuf_create(1024);
	smtpd_sess.reply = strbuf_create(256);
	smtpd_sess.partial = strbuf_create(1024);
}

/*
 * smtpd_loop - between sessions: policy server connections that have
 * been idle for their max_idle (or lived max_ttl) are closed, as they
 * would be during a session
 */

static int
smtpd_loop(const SERVICE *svc)
{
	(void) svc;
	return smtpd_policy_idle();
}

/* smtpd_pre_exit - say goodbye to the policy servers */

static void
smtpd_pre_exit(const SERVICE *svc)
{
	(void) svc;
	smtpd_policy_close();
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "smtpd",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_SMTPD | PARAM_GROUP_SMTPD_CHECK
		    | PARAM_GROUP_ANVIL | PARAM_GROUP_REWRITE | PARAM_GROUP_TLS
		    | PARAM_GROUP_SASL,
		.pre_jail = smtpd_pre_jail,
		.post_jail = smtpd_post_jail,
		.loop = smtpd_loop,
		.pre_exit = smtpd_pre_exit,
		.serve = smtpd_serve,
	};

	service_main(argc, argv, &spec);
}
