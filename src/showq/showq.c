/*
 * showq - list the mail queue for postqueue(1)
 *
 * For each client, walks the maildrop, active, incoming, deferred and
 * hold queues in that order (Postfix's), and streams one item per
 * message and per recipient still to be delivered, as showq_proto.h
 * describes; postqueue formats them ("postqueue -p", "-j", mailq).
 * The client sends nothing. A message's size is the content size from
 * its size record (the file size for a maildrop file, which has none);
 * its arrival time is the time record (else the file's mtime).
 * Recipients deferred earlier come first, each with the reason of its
 * last attempt from the defer log (bounce_clnt.h reader); recipients
 * already delivered are never shown, whatever the log says.
 *
 * The queue changes under our feet: files that are not ready (still
 * being written: owner execute bit clear), that vanish, or that cannot
 * be read or parsed are skipped, the latter two with a warning.
 *
 * Security: runs as $mail_owner without a chroot (master.cf), reached
 * through public/showq by any local user; it reads queue files and
 * defer logs and reveals senders, recipients and reasons, which is why
 * postqueue checks $authorized_mailq_users first. Clients send no
 * input, so the only untrusted data are the queue files themselves
 * (maildrop files belong to users): records are read with a length
 * limit, and control characters in what we send become "?".
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "addr_parse.h"		/* global */
#include "attr.h"
#include "bounce_clnt.h"
#include "mail_queue.h"
#include "params_global.h"
#include "qfile.h"
#include "queue_id.h"
#include "queue_scan.h"
#include "rec.h"
#include "showq_proto.h"
#include "service.h"		/* master */

/* One recipient still to be delivered. */
typedef struct SHOWQ_RCPT {
	char   *address;		/* internal form */
	off_t   offset;			/* of its R record */
	int     shown;		/* already sent with a reason */
} SHOWQ_RCPT;

/* What one queue file told us. */
typedef struct SHOWQ_MSG {
	long    arrival;
	long    size;			/* -1: no size record */
	long    data_offset;
	char   *sender;			/* NULL until seen */
	SHOWQ_RCPT *rcpts;
	int     rcpt_count;
	int     rcpt_space;
} SHOWQ_MSG;

/* showq_msg_free - forget one message */

static void
showq_msg_free(SHOWQ_MSG *msg)
{
	int     i;

	for (i = 0; i < msg->rcpt_count; i++)
		xfree(msg->rcpts[i].address);
	xfree(msg->rcpts);
	xfree(msg->sender);
}

/* showq_add_rcpt - remember a recipient still to be delivered */

static void
showq_add_rcpt(SHOWQ_MSG *msg, const char *address, off_t offset)
{
	if (msg->rcpt_count >= msg->rcpt_space) {
		msg->rcpt_space = msg->rcpt_space ? msg->rcpt_space * 2 : 8;
		msg->rcpts = xrealloc(msg->rcpts,
				      size_mul((size_t) msg->rcpt_space,
					       sizeof(*msg->rcpts)));
	}
	msg->rcpts[msg->rcpt_count].address = xstrdup(address);
	msg->rcpts[msg->rcpt_count].offset = offset;
	msg->rcpts[msg->rcpt_count].shown = 0;
	msg->rcpt_count++;
}

/* showq_printable - external address form, control characters as "?" */

static const char *
showq_printable(STRBUF *out, const char *addr)
{
	char   *cp;

	strbuf_reset(out);
	if (*addr == 0)
		addr = var_empty_address_recipient;
	addr_quote(out, addr, ADDR_QUOTE_8BITCLEAN);
	for (cp = strbuf_str(out); *cp; cp++)
		if ((unsigned char) *cp < 0x20 || *cp == 0x7f)
			*cp = '?';
	return strbuf_str(out);
}

/* showq_parse_size - the content size and data offset of a size record */

static void
showq_parse_size(SHOWQ_MSG *msg, const char *data)
{
	ARGV   *fields = argv_split(data, " ");

	if (fields->argc >= 2
	    && parse_long(fields->argv[QFILE_SIZE_CONTENT], &msg->size, 0,
			  LONG_MAX) == 0
	    && parse_long(fields->argv[QFILE_SIZE_DATA_OFFSET],
			  &msg->data_offset, 0, LONG_MAX) == 0) {
		argv_free(&fields);
		return;
	}
	argv_free(&fields);
	msg->size = -1;
	msg->data_offset = 0;
}

/*
 * showq_read - the envelope facts of one file. Returns 0, or -1 with the
 * reason in why. Content is skipped: with a size record by seeking to
 * the extracted section, else (maildrop) record by record.
 */

static int
showq_read(IOSTREAM *fp, SHOWQ_MSG *msg, STRBUF *why)
{
	STRBUF *buf = strbuf_create(100);
	size_t  limit = QFILE_REC_LIMIT(var_line_length_limit);
	off_t   offset;
	long    sec;
	int     type;
	int     ret = -1;

	for (;;) {
		offset = iostream_tell(fp);
		type = rec_get(fp, buf, limit, why);
		if (type == REC_TYPE_EOF) {
			strbuf_set(why, "premature end of file");
			break;
		}
		if (type == REC_TYPE_ERROR)
			break;
		if (type == REC_TYPE_END) {
			ret = 0;
			break;
		}
		switch (type) {
		case REC_TYPE_SIZE:
			if (msg->size < 0)
				showq_parse_size(msg, strbuf_str(buf));
			break;
		case REC_TYPE_TIME:
			if (msg->arrival == 0 && sscanf(strbuf_str(buf), "%ld", &sec) == 1
			    && sec > 0)
				msg->arrival = sec;
			break;
		case REC_TYPE_FROM:
			if (msg->sender != NULL) {
				strbuf_set(why, "more than one sender record");
				goto out;
			}
			msg->sender = xstrdup(strbuf_str(buf));
			break;
		case REC_TYPE_RCPT:
			if (strbuf_len(buf) > 0)
				showq_add_rcpt(msg, strbuf_str(buf), offset);
			break;
		case REC_TYPE_MESG:
			if (msg->size >= 0 && msg->data_offset > 0
			    && iostream_seek(fp, (off_t) msg->data_offset
					     + (off_t) msg->size, SEEK_SET) < 0) {
				strbuf_printf(why, "seek: %s", strerror(errno));
				goto out;
			}
			break;
		default:
			/* Content, done recipients, attributes, DSN fields. */
			break;
		}
	}
out:
	if (ret == 0 && msg->sender == NULL) {
		strbuf_set(why, "no sender record");
		ret = -1;
	}
	strbuf_free(&buf);
	return ret;
}

/* showq_reasons - send the deferred recipients, with their reasons */

static void
showq_reasons(IOSTREAM *client, const char *id, SHOWQ_MSG *msg,
	      STRBUF *addr)
{
	BOUNCE_LOG *log;
	const BOUNCE_LOG_ENTRY *ent;
	SHOWQ_RCPT *rcpt;
	int     i;

	if ((log = bounce_log_open(BOUNCE_LOG_DEFER, id)) == NULL) {
		if (errno != ENOENT)
			log_warn("open %s/%s: %m", BOUNCE_LOG_DEFER, id);
		return;
	}
	while ((ent = bounce_log_read(log)) != NULL) {
		/* The record offset names a recipient; the address is a fallback. */
		rcpt = NULL;
		for (i = 0; rcpt == NULL && i < msg->rcpt_count; i++)
			if (ent->rcpt.offset > 0 && msg->rcpts[i].offset == ent->rcpt.offset)
				rcpt = msg->rcpts + i;
		for (i = 0; rcpt == NULL && i < msg->rcpt_count; i++)
			if (ent->rcpt.offset <= 0
			    && strcmp(msg->rcpts[i].address, ent->rcpt.address) == 0)
				rcpt = msg->rcpts + i;
		if (rcpt == NULL || rcpt->shown)
			continue;			/* delivered since, or listed */
		rcpt->shown = 1;
		(void) attr_print(client, ATTR_FLAG_NONE,
				  ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_RCPT),
				  ATTR_SEND_STR(SHOWQ_ATTR_RCPT,
					      showq_printable(addr, rcpt->address)),
				  ATTR_SEND_STR(SHOWQ_ATTR_REASON,
						ent->dsn.reason ? ent->dsn.reason : ""),
				  ATTR_TYPE_END);
	}
	bounce_log_close(log);
}

/* showq_file - report one queue file */

static void
showq_file(IOSTREAM *client, const char *queue, const char *id,
	   const char *path)
{
	SHOWQ_MSG msg;
	STRBUF *why = strbuf_create(100);
	STRBUF *addr = strbuf_create(100);
	IOSTREAM *fp = NULL;
	struct stat st;
	int     fd;
	int     i;

	memset(&msg, 0, sizeof(msg));
	msg.size = -1;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			log_warn("lstat %s: %m", path);
		goto out;
	}
	/* Not a queue file, or still being written. */
	if (!S_ISREG(st.st_mode) || (st.st_mode & SHOWQ_MODE_READY) != SHOWQ_MODE_READY)
		goto out;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) < 0) {
		if (errno != ENOENT)
			log_warn("open %s: %m", path);
		goto out;
	}
	fp = iostream_fdopen(fd, O_RDONLY);
	if (showq_read(fp, &msg, why) < 0) {
		/* A file removed or rewritten while we read it is no news. */
		if (access(path, F_OK) == 0)
			log_warn("%s: %s -- skipped", path, strbuf_str(why));
		goto out;
	}
	if (msg.size < 0)
		msg.size = (long) st.st_size;
	if (msg.arrival <= 0)
		msg.arrival = (long) st.st_mtime;

	(void) attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_MESSAGE),
			  ATTR_SEND_STR(SHOWQ_ATTR_QUEUE, queue),
			  ATTR_SEND_STR(SHOWQ_ATTR_ID, id),
			  ATTR_SEND_LONG(SHOWQ_ATTR_TIME, msg.arrival),
			  ATTR_SEND_LONG(SHOWQ_ATTR_SIZE, msg.size),
			  ATTR_SEND_INT(SHOWQ_ATTR_EXPIRE,
					(st.st_mode & SHOWQ_MODE_EXPIRE) != 0),
			  ATTR_SEND_STR(SHOWQ_ATTR_SENDER,
					showq_printable(addr, msg.sender)),
			  ATTR_TYPE_END);
	if (strcmp(queue, MAIL_QUEUE_MAILDROP) != 0)
		showq_reasons(client, id, &msg, addr);
	for (i = 0; i < msg.rcpt_count; i++)
		if (!msg.rcpts[i].shown)
			(void) attr_print(client, ATTR_FLAG_NONE,
					  ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_RCPT),
					  ATTR_SEND_STR(SHOWQ_ATTR_RCPT,
						 showq_printable(addr, msg.rcpts[i].address)),
					  ATTR_SEND_STR(SHOWQ_ATTR_REASON, ""),
					  ATTR_TYPE_END);
out:
	if (fp != NULL)
		(void) iostream_close(fp);
	showq_msg_free(&msg);
	strbuf_free(&why);
	strbuf_free(&addr);
}

/* showq_serve - list every queue to one client */

static void
showq_serve(IOSTREAM *client, const SERVICE *svc)
{
	static const char *queues[] = {SHOWQ_QUEUE_ORDER};
	STRBUF *path = strbuf_create(100);
	QUEUE_SCAN *scan;
	const char *id;
	size_t  i;

	(void) svc;
	for (i = 0; i < ARRAY_LEN(queues); i++) {
		if ((scan = queue_scan_open(queues[i])) == NULL) {
			if (errno != ENOENT)
				log_warn("open directory %s: %m", queues[i]);
			continue;
		}
		while ((id = queue_scan_next(scan, path)) != NULL) {
			if (!queue_id_ok(id))
				continue;		/* temporary names and debris */
			service_watchdog_pat();
			showq_file(client, queues[i], id, strbuf_str(path));
			if (iostream_error(client))
				break;			/* the client went away */
		}
		queue_scan_close(scan);
		if (iostream_error(client))
			break;
	}
	(void) attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_END),
			  ATTR_TYPE_END);
	strbuf_free(&path);
}

/* main - hand over to the single-client skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "showq",
		.model = SERVICE_SINGLE,
		.serve = showq_serve,
	};

	service_main(argc, argv, &spec);
}
