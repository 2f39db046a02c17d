/*
 * cleanup.c - the cleanup(8) server: one message per connection
 *
 * Every message enters the queue here. The client (pickup, smtpd,
 * bounce...) streams the envelope and content as records; cleanup
 * canonicalizes the addresses, adds missing headers and writes the
 * queue file into incoming/. The file is created with mode 0600 and
 * becomes 0700 only when it is complete and fsynced: the queue manager
 * ignores files that are not executable. Only then does the client
 * hear "status 0", so a reply of success always means "safe on disk".
 * On any failure, or when the client goes away, the file is removed.
 *
 * Security: runs as $mail_owner, optionally chrooted. Everything the
 * client sends is untrusted: records are length-checked (rec.h), the
 * message size is capped by message_size_limit, header lines by
 * header_size_limit.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "strbuf.h"
#include "stringops.h"
#include "attr.h"		/* global */
#include "cleanup_clnt.h"
#include "mail_queue.h"
#include "param.h"
#include "params_cleanup.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"
#include "master_proto.h"	/* master */
#include "service.h"
#include "trigger_send.h"
#include "cleanup.h"

/* cleanup_error - record a failure; the first reason wins */

void
cleanup_error(CLEANUP_STATE *state, int stat, const char *fmt,...)
{
	va_list	ap;

	state->errs |= stat;
	if (strbuf_len(state->reason) == 0) {
		va_start(ap, fmt);
		strbuf_append_vprintf(state->reason, fmt, ap);
		va_end(ap);
	}
}

/* cleanup_state_create - an empty message */

static CLEANUP_STATE *
cleanup_state_create(void)
{
	CLEANUP_STATE *state = xcalloc(1, sizeof(*state));

	state->queue_id = strbuf_create(32);
	state->path = strbuf_create(64);
	state->reason = strbuf_create(100);
	strbuf_set_limit(state->reason, 1000);
	state->phase = CLEANUP_IN_ENVELOPE;
	state->attrs = argv_create();
	state->dups = nametab_create(16);
	state->line = strbuf_create(100);
	state->header = strbuf_create(100);
	state->to_extract = argv_create();
	state->resent_extract = argv_create();
	state->message_id = strbuf_create(100);
	return state;
}

/* cleanup_state_free - release everything */

static void
cleanup_state_free(CLEANUP_STATE *state)
{
	int     i;

	strbuf_free(&state->queue_id);
	strbuf_free(&state->path);
	strbuf_free(&state->reason);
	argv_free(&state->attrs);
	free(state->userid);
	free(state->fullname);
	free(state->sender);
	free(state->dsn_envid);
	for (i = 0; i < state->rcpt_count; i++) {
		free(state->rcpts[i].address);
		free(state->rcpts[i].dsn_orcpt);
	}
	free(state->rcpts);
	free(state->pend_orcpt);
	nametab_free_(state->dups, NULL);
	free(state->one_rcpt);
	strbuf_free(&state->line);
	strbuf_free(&state->header);
	argv_free(&state->to_extract);
	argv_free(&state->resent_extract);
	strbuf_free(&state->message_id);
	free(state);
}

/* cleanup_envelope_rcpt - remember a recipient until the content starts */

static void
cleanup_envelope_rcpt(CLEANUP_STATE *state, const char *addr)
{
	CLEANUP_RCPT *rcpt;

	if (state->rcpt_count == state->rcpt_size) {
		state->rcpt_size = state->rcpt_size ? 2 * state->rcpt_size : 8;
		state->rcpts = xrealloc(state->rcpts,
					size_mul((size_t) state->rcpt_size,
						 sizeof(*state->rcpts)));
	}
	rcpt = state->rcpts + state->rcpt_count++;
	rcpt->address = xstrdup(addr);
	rcpt->dsn_orcpt = state->pend_orcpt;
	rcpt->dsn_notify = state->pend_notify;
	state->pend_orcpt = NULL;
	state->pend_notify = 0;
}

/*
 * cleanup_envelope_attr - a "name=value" from the client
 *
 * userid is ours (it selects the Received: header of a local
 * submission) and is not stored; the others go into the queue file.
 */

static void
cleanup_envelope_attr(CLEANUP_STATE *state, const char *text)
{
	const char *eq = strchr(text, '=');

	if (eq == NULL || eq == text) {
		cleanup_error(state, CLEANUP_STAT_BAD, "malformed attribute");
		return;
	}
	if (strncmp(text, "userid=", 7) == 0) {
		free(state->userid);
		state->userid = xstrdup(eq + 1);
		return;
	}
	if ((int) state->attrs->argc >= var_queue_file_attribute_count_limit) {
		cleanup_error(state, CLEANUP_STAT_BAD,
			      "too many envelope attributes");
		return;
	}
	argv_add(state->attrs, text);
}

/*
 * cleanup_envelope_done - the content starts: write the envelope
 *
 * The envelope is kept in memory until now so that nothing reaches the
 * file before the sender and recipients are canonical.
 */

static void
cleanup_envelope_done(CLEANUP_STATE *state)
{
	STRBUF *canon = strbuf_create(100);
	STRBUF *attr = strbuf_create(100);
	size_t	i;
	int     n;

	if (state->sender == NULL) {
		cleanup_error(state, CLEANUP_STAT_BAD, "no sender record");
		state->sender = xstrdup("");
	}
	state->writer = qfile_write_open(state->dst, state->arrival_sec,
					 state->arrival_usec,
					 (size_t) var_line_length_limit);
	strbuf_printf(attr, "%ld", state->arrival_sec);
	qfile_write_attr(state->writer, QFILE_ATTR_CREATE_TIME,
			 strbuf_str(attr));
	qfile_write_attr(state->writer, QFILE_ATTR_REWRITE, "local");
	for (i = 0; i < state->attrs->argc; i++) {
		const char *text = state->attrs->argv[i];
		const char *eq = strchr(text, '=');

		strbuf_set_mem(attr, text, (size_t) (eq - text));
		if (strcmp(strbuf_str(attr), QFILE_ATTR_CREATE_TIME) == 0
		    || strcmp(strbuf_str(attr), QFILE_ATTR_REWRITE) == 0)
			continue;
		qfile_write_attr(state->writer, strbuf_str(attr), eq + 1);
	}
	if (state->dsn_ret || state->dsn_envid)
		qfile_write_dsn(state->writer, state->dsn_ret, state->dsn_envid);
	if (state->fullname)
		qfile_write_fullname(state->writer, state->fullname);

	/* The null sender stays null; anything else gets canonical form. */
	if (*state->sender && cleanup_rewrite(state, state->sender, canon) == 0
	    && cleanup_map_sender(state, canon) == 0) {
		free(state->sender);
		state->sender = xstrdup(strbuf_str(canon));
	}
	qfile_write_sender(state->writer, state->sender);
	for (n = 0; n < state->rcpt_count; n++) {
		CLEANUP_RCPT *rcpt = state->rcpts + n;

		if (cleanup_rewrite(state, rcpt->address, canon) < 0)
			break;
		cleanup_out_rcpt(state, strbuf_str(canon), rcpt->address,
				 rcpt->dsn_orcpt, rcpt->dsn_notify);
	}
	qfile_write_content(state->writer);
	strbuf_free(&canon);
	strbuf_free(&attr);
}

/* cleanup_extra_flags - HOLD/DISCARD learned late by the client */

static void
cleanup_extra_flags(CLEANUP_STATE *state, const char *text)
{
	long	value;

	if (parse_long(text, &value, 0, INT_MAX) == 0)
		state->flags |= (int) value
		    & (CLEANUP_FLAG_HOLD | CLEANUP_FLAG_DISCARD);
}

/*
 * cleanup_extracted_attr - a "name=value" after the content: only the
 * content_filter and redirect_to that smtpd's end-of-data restrictions
 * decided; they follow header_checks' own in the extracted section, so
 * they win (qmgr takes the last one). 0, or -1 for anything else.
 */

static int
cleanup_extracted_attr(CLEANUP_STATE *state, const char *text)
{
	static const char *const names[] = {"content_filter", "redirect_to"};
	const char *eq = strchr(text, '=');
	size_t	len = eq ? (size_t) (eq - text) : 0;
	size_t	i;

	for (i = 0; eq != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && strncmp(text, names[i], len) == 0) {
			if (state->writer)
				qfile_write_attr(state->writer, names[i], eq + 1);
			return 0;
		}
	}
	cleanup_error(state, CLEANUP_STAT_BAD,
		      "unexpected attribute after content");
	return -1;
}

/* cleanup_envelope - one envelope record; 0, or -1 to stop reading */

static int
cleanup_envelope(CLEANUP_STATE *state, int type, STRBUF *buf)
{
	const char *text = strbuf_str(buf);
	long    sec, usec;
	long    value;

	switch (type) {
	case REC_TYPE_TIME:
		if (sscanf(text, "%ld %ld", &sec, &usec) == 2 && sec > 0
		    && usec >= 0 && usec < 1000000) {
			state->arrival_sec = sec;
			state->arrival_usec = usec;
		}
		return 0;
	case REC_TYPE_ATTR:
		cleanup_envelope_attr(state, text);
		return 0;
	case REC_TYPE_DSN_ENVID:
		free(state->dsn_envid);
		state->dsn_envid = xstrdup(text);
		return 0;
	case REC_TYPE_DSN_RET:
		if (parse_long(text, &value, 0, 2) == 0)
			state->dsn_ret = (int) value;
		return 0;
	case REC_TYPE_FULL:
		free(state->fullname);
		state->fullname = xstrdup(text);
		return 0;
	case REC_TYPE_FROM:
		if (state->sender != NULL) {
			cleanup_error(state, CLEANUP_STAT_BAD,
				      "duplicate sender record");
			return 0;
		}
		state->sender = xstrdup(text);
		return 0;
	case REC_TYPE_DSN_ORCPT:
		free(state->pend_orcpt);
		state->pend_orcpt = xstrdup(text);
		return 0;
	case REC_TYPE_DSN_NOTIFY:
		if (parse_long(text, &value, 0, 15) == 0)
			state->pend_notify = (int) value;
		return 0;
	case REC_TYPE_RCPT:
		if (*text == 0) {
			cleanup_error(state, CLEANUP_STAT_BAD,
				      "empty recipient record");
			return 0;
		}
		cleanup_envelope_rcpt(state, text);
		return 0;
	case REC_TYPE_FLGS:
		cleanup_extra_flags(state, text);
		return 0;
	case REC_TYPE_MESG:
		cleanup_envelope_done(state);
		cleanup_message_start(state);
		return 0;
	default:
		cleanup_error(state, CLEANUP_STAT_BAD,
			      "unexpected record type %d in envelope", type);
		return -1;
	}
}

/* cleanup_content - one content record; 0, or -1 to stop reading */

static int
cleanup_content(CLEANUP_STATE *state, int type, STRBUF *buf)
{
	switch (type) {
	case REC_TYPE_CONT:
	case REC_TYPE_NORM:
		/* The size limit also bounds the memory a long line takes. */
		if (var_message_size_limit > 0
		    && (long) (strbuf_len(state->line) + strbuf_len(buf))
		    + state->content_len > var_message_size_limit) {
			cleanup_error(state, CLEANUP_STAT_SIZE,
				      "message file too big");
			strbuf_reset(state->line);
			return 0;
		}
		if ((state->errs & CLEANUP_STAT_SIZE) == 0)
			strbuf_append(state->line, strbuf_str(buf),
				      strbuf_len(buf));
		if (type == REC_TYPE_NORM) {
			if ((state->errs & CLEANUP_STAT_SIZE) == 0)
				cleanup_message_line(state,
						     strbuf_str(state->line),
						     strbuf_len(state->line));
			strbuf_reset(state->line);
		}
		return 0;
	case REC_TYPE_DTXT:
		return 0;
	case REC_TYPE_XTRA:
		if (strbuf_len(state->line))
			cleanup_message_line(state, strbuf_str(state->line),
					     strbuf_len(state->line));
		strbuf_reset(state->line);
		cleanup_message_end(state);
		state->phase = CLEANUP_IN_EXTRACTED;
		return 0;
	default:
		cleanup_error(state, CLEANUP_STAT_BAD,
			      "unexpected record type %d in content", type);
		return -1;
	}
}

/* cleanup_read - read the records up to the end; 0, or -1 for EOF/error */

static int
cleanup_read(CLEANUP_STATE *state, IOSTREAM *client)
{
	STRBUF *buf = strbuf_create(1000);
	STRBUF *why = strbuf_create(100);
	size_t	limit = QFILE_REC_LIMIT(var_line_length_limit);
	int     type;
	int     ret = -1;

	for (;;) {
		type = rec_get(client, buf, limit, why);
		if (type == REC_TYPE_EOF || type == REC_TYPE_ERROR) {
			log_warn("%s: %s", strbuf_str(state->queue_id),
				 type == REC_TYPE_EOF ?
				 "unexpected EOF from client" : strbuf_str(why));
			break;
		}
		if (type == REC_TYPE_END) {
			if (state->phase != CLEANUP_IN_EXTRACTED) {
				cleanup_error(state, CLEANUP_STAT_BAD,
					      "premature end of message");
				if (state->phase == CLEANUP_IN_ENVELOPE)
					cleanup_envelope_done(state),
					    cleanup_message_start(state);
				cleanup_message_end(state);
				state->phase = CLEANUP_IN_EXTRACTED;
			}
			ret = 0;
			break;
		}
		if (state->phase == CLEANUP_IN_ENVELOPE) {
			if (cleanup_envelope(state, type, buf) < 0)
				break;
		} else if (state->phase != CLEANUP_IN_EXTRACTED) {
			if (cleanup_content(state, type, buf) < 0)
				break;
		} else if (type == REC_TYPE_FLGS) {
			cleanup_extra_flags(state, strbuf_str(buf));
		} else if (type == REC_TYPE_ATTR) {
			if (cleanup_extracted_attr(state, strbuf_str(buf)) < 0)
				break;
		} else if (type != REC_TYPE_DTXT) {
			cleanup_error(state, CLEANUP_STAT_BAD,
				      "unexpected record type %d after content",
				      type);
			break;
		}
	}
	strbuf_free(&buf);
	strbuf_free(&why);
	return ret;
}

/* cleanup_discard_file - remove the partial queue file */

static void
cleanup_discard_file(CLEANUP_STATE *state)
{
	STRBUF *why = strbuf_create(100);

	if (state->writer) {
		if (state->phase != CLEANUP_IN_EXTRACTED)
			qfile_write_extracted(state->writer);
		(void) qfile_write_close(state->writer, 0, why);
		state->writer = NULL;
	}
	if (unlink(strbuf_str(state->path)) < 0 && errno != ENOENT)
		log_warn("remove %s: %m", strbuf_str(state->path));
	strbuf_free(&why);
}

/*
 * cleanup_finish - close the file and decide; returns CLEANUP_STAT_*
 *
 * Success is only reported once the file is complete (end record,
 * fsync) and marked so by its mode.
 */

static int
cleanup_finish(CLEANUP_STATE *state)
{
	STRBUF *why = strbuf_create(100);
	int     fd = iostream_fileno(state->dst);

	if (state->errs == 0 && state->rcpts_out == 0)
		cleanup_error(state, CLEANUP_STAT_RCPT, "no recipients specified");
	if (state->errs == 0 && (state->flags & CLEANUP_FLAG_DISCARD)) {
		if (!(state->flags & CLEANUP_FLAG_DISCARD_LOGGED))
			log_info("%s: discard: client request",
				 strbuf_str(state->queue_id));
		cleanup_discard_file(state);
		strbuf_free(&why);
		return CLEANUP_STAT_OK;
	}
	if (state->errs) {
		cleanup_discard_file(state);
		strbuf_free(&why);
		return state->errs;
	}
	if (qfile_write_close(state->writer, state->content_len, why) < 0) {
		state->writer = NULL;
		log_warn("%s: %s", strbuf_str(state->queue_id), strbuf_str(why));
		cleanup_error(state, CLEANUP_STAT_WRITE, "queue file write error");
	} else if (fchmod(fd, 0700) < 0 || fsync(fd) < 0) {
		log_warn("%s: mark %s complete: %m",
			 strbuf_str(state->queue_id), strbuf_str(state->path));
		cleanup_error(state, CLEANUP_STAT_WRITE, "queue file write error");
	}
	state->writer = NULL;
	if (state->errs) {
		cleanup_discard_file(state);
		strbuf_free(&why);
		return state->errs;
	}
	if ((state->flags & CLEANUP_FLAG_HOLD)
	    && mail_queue_rename(strbuf_str(state->queue_id),
				 MAIL_QUEUE_INCOMING, MAIL_QUEUE_HOLD, why) < 0)
		log_warn("%s: %s", strbuf_str(state->queue_id), strbuf_str(why));
	strbuf_free(&why);
	return CLEANUP_STAT_OK;
}

/* cleanup_wakeup_qmgr - tell the queue manager; it may not be running */

static void
cleanup_wakeup_qmgr(void)
{
	STRBUF *path = strbuf_create(64);
	STRBUF *why = strbuf_create(64);
	char	req = TRIGGER_REQ_SCAN_INCOMING;

	/* master.cf declares qmgr a unix service, as Postfix 3.x ships it. */
	strbuf_printf(path, "public/%s", var_queue_service_name);
	(void) trigger_send(MASTER_TYPE_UNIX, strbuf_str(path), &req, 1,
			    var_trigger_timeout, why);
	strbuf_free(&path);
	strbuf_free(&why);
}

/* cleanup_drain - read until the client hangs up (see cleanup_clnt.c) */

static void
cleanup_drain(IOSTREAM *client)
{
	char	buf[512];

	while (iostream_read(client, buf, sizeof(buf)) > 0)
		 /* void */ ;
}

/* cleanup_serve - one message */

static void
cleanup_serve(IOSTREAM *client, const SERVICE *svc)
{
	CLEANUP_STATE *state = cleanup_state_create();
	STRBUF *why = strbuf_create(100);
	struct timeval tv;
	int     fd;
	int     status;

	(void) svc;
	if ((fd = mail_queue_create(MAIL_QUEUE_INCOMING,
				    var_enable_long_queue_ids,
				    state->queue_id, state->path, why)) < 0) {
		log_warn("%s", strbuf_str(why));
		goto done;
	}
	state->dst = iostream_fdopen(fd, O_RDWR);
	gettimeofday(&tv, NULL);
	state->arrival_sec = (long) tv.tv_sec;
	state->arrival_usec = (long) tv.tv_usec;
	if (attr_print(client, ATTR_FLAG_NONE,
		       ATTR_SEND_STR(CLEANUP_ATTR_QUEUE_ID,
				     strbuf_str(state->queue_id)),
		       ATTR_TYPE_END) < 0
	    || attr_scan(client, ATTR_FLAG_STRICT,
			 ATTR_RECV_INT(CLEANUP_ATTR_FLAGS, &state->flags),
			 ATTR_TYPE_END) != 1) {
		log_warn("%s: client went away before the message",
			 strbuf_str(state->queue_id));
		cleanup_discard_file(state);
		goto done;
	}
	if (cleanup_read(state, client) < 0) {
		log_warn("%s: message not queued: %s",
			 strbuf_str(state->queue_id),
			 strbuf_len(state->reason) ? strbuf_str(state->reason)
			 : "lost connection with client");
		cleanup_discard_file(state);
		if (state->errs)
			(void) attr_print(client, ATTR_FLAG_NONE,
				  ATTR_SEND_INT(CLEANUP_ATTR_STATUS, state->errs),
					  ATTR_SEND_STR(CLEANUP_ATTR_REASON,
						   strbuf_str(state->reason)),
					  ATTR_TYPE_END);
		goto done;
	}
	status = cleanup_finish(state);
	if (status == CLEANUP_STAT_OK) {
		cleanup_wakeup_qmgr();
	} else {
		if (strbuf_len(state->reason) == 0)
			strbuf_set(state->reason, cleanup_stat_text(status));
		log_info("%s: reject: %s", strbuf_str(state->queue_id),
			 strbuf_str(state->reason));
	}
	(void) attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(CLEANUP_ATTR_STATUS, status),
			  ATTR_SEND_STR(CLEANUP_ATTR_REASON,
				   status ? strbuf_str(state->reason) : ""),
			  ATTR_TYPE_END);
	cleanup_drain(client);

done:
	if (state->dst)
		(void) iostream_close(state->dst);
	cleanup_state_free(state);
	strbuf_free(&why);
}

/* cleanup_pre_jail - open the tables while the whole file system is visible */

static void
cleanup_pre_jail(const SERVICE *svc)
{
	cleanup_checks_init();
	cleanup_map_init();
}

/* main - hand over to the skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "cleanup",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_REWRITE | PARAM_GROUP_CLEANUP,
		.pre_jail = cleanup_pre_jail,
		.serve = cleanup_serve,
	};

	service_main(argc, argv, &spec);
}
