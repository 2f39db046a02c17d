/*
 * virtual.c - virtual(8): deliver to mailboxes of hosted domains
 *
 * For each recipient, virtual_mailbox_maps gives a mailbox path
 * relative to $virtual_mailbox_base (a result that ends in "/" is a
 * Maildir, anything else an mbox file), virtual_uid_maps and
 * virtual_gid_maps give the owner, and the delivery itself runs with
 * those effective IDs so that the kernel checks every file access.
 * Recipients of one request are delivered one by one; each gets its
 * own outcome.
 *
 * Security: runs as root (master.cf "unprivileged" column n), and
 * drops to the recipient's uid/gid (never below
 * $virtual_minimum_uid) around each delivery. Recipient addresses are
 * untrusted, but only ever used as table keys: the file names come
 * from the administrator's tables and are checked to stay below the
 * mailbox base (no "..", not absolute).
 */

#include "sysdeps.h"

#include <string.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "set_eugid.h"
#include "strbuf.h"
#include "deliver_request.h"	/* global */
#include "deliver_status.h"
#include "dsn.h"
#include "mail_copy.h"
#include "mailbox.h"
#include "param.h"
#include "params_deliver.h"
#include "params_global.h"
#include "params_rewrite.h"
#include "params_virtual.h"
#include "qfile.h"
#include "service.h"		/* master */
#include "virtual.h"

#define VIRTUAL_RELAY	"virtual"

static VIRTUAL_MAPS *virtual_mailbox_maps;
static VIRTUAL_MAPS *virtual_uid_maps;
static VIRTUAL_MAPS *virtual_gid_maps;

/* virtual_pre_jail - open the tables as root */

static void
virtual_pre_jail(const SERVICE *svc)
{
	(void) svc;
	/* As in Postfix: a mailbox must be able to hold a whole message. */
	if (var_virtual_mailbox_limit > 0
	    && (var_virtual_mailbox_limit < var_message_size_limit
		|| var_message_size_limit == 0))
		log_fatal("main.cf configuration error: "
		  "virtual_mailbox_limit is smaller than message_size_limit");
	virtual_mailbox_maps = virtual_maps_open("virtual_mailbox_maps",
						 var_virtual_mailbox_maps);
	virtual_uid_maps = virtual_maps_open("virtual_uid_maps",
					     var_virtual_uid_maps);
	virtual_gid_maps = virtual_maps_open("virtual_gid_maps",
					     var_virtual_gid_maps);
}

/* virtual_report - one recipient's outcome; -1 if it was not recorded */

static int
virtual_report(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt, const char *status,
	       const char *reason)
{
	DSN	dsn = DSN_SIMPLE(status, reason);

	return dstat_report(req, rcpt, VIRTUAL_RELAY, &dsn);
}

/*
 * virtual_id - a recipient's uid or gid from its tables
 *
 * Returns the ID, or -1 after logging a warning (the caller defers:
 * a missing or bad ID is a configuration problem, not the sender's).
 */

static long
virtual_id(VIRTUAL_MAPS *vm, const char *addr, long minimum, STRBUF *value,
	   STRBUF *why)
{
	long	id;

	switch (virtual_maps_find(vm, addr, var_recipient_delimiter, value,
				  why)) {
	case MAP_FOUND:
		if ((id = virtual_parse_id(strbuf_str(value), minimum, why)) < 0)
			log_warn("recipient %s: bad %s result: %s", addr,
				 vm->param, strbuf_str(why));
		return id;
	case MAP_NOTFOUND:
		log_warn("recipient %s: not found in %s", addr, vm->param);
		return -1;
	default:
		log_warn("%s", strbuf_str(why));
		return -1;
	}
}

/* virtual_deliver_rcpt - deliver to one recipient; -1 if not recorded */

static int
virtual_deliver_rcpt(DELIVER_REQUEST *req, DELIVER_RCPT *rcpt)
{
	STRBUF *result = strbuf_create(100);
	STRBUF *value = strbuf_create(20);
	STRBUF *why = strbuf_create(100);
	STRBUF *status = strbuf_create(10);
	STRBUF *reason = strbuf_create(100);
	STRBUF *path = strbuf_create(100);
	const char *addr = rcpt->address;
	const char *orig_to = *rcpt->orig_addr ? rcpt->orig_addr : addr;
	long	uid, gid;
	int	ret, maildir, loop, delivered;

	switch (virtual_maps_find(virtual_mailbox_maps, addr,
				  var_recipient_delimiter, result, why)) {
	case MAP_NOTFOUND:
		strbuf_printf(reason, "unknown user: \"%s\"", addr);
		ret = virtual_report(req, rcpt, "5.1.1", strbuf_str(reason));
		goto done;
	case MAP_RETRY:
		log_warn("%s", strbuf_str(why));
		ret = virtual_report(req, rcpt, "4.3.0",
				     "virtual_mailbox_maps: table lookup problem");
		goto done;
	}
	if (!virtual_path_ok(strbuf_str(result), why)) {
		log_warn("recipient %s: bad virtual_mailbox_maps result: %s",
			 addr, strbuf_str(why));
		ret = virtual_report(req, rcpt, "4.3.5",
				     "mail system configuration error");
		goto done;
	}
	if ((uid = virtual_id(virtual_uid_maps, addr, var_virtual_minimum_uid,
			      value, why)) < 0
	    || (gid = virtual_id(virtual_gid_maps, addr, 1, value, why)) < 0) {
		ret = virtual_report(req, rcpt, "4.3.5",
				     "mail system configuration error");
		goto done;
	}
	strbuf_set(path, var_virtual_mailbox_base);
	if (strbuf_len(path) == 0 || strbuf_last(path) != '/')
		strbuf_append_char(path, '/');
	strbuf_append_str(path, strbuf_str(result));
	maildir = strbuf_last(path) == '/';

	if (req->flags & DEL_REQ_FLAG_VERIFY) {
		ret = virtual_report(req, rcpt, "2.0.0", maildir ?
				     "delivers to maildir" :
				     "delivers to mailbox");
		goto done;
	}
	if ((loop = mail_copy_loop(req, addr)) != 0) {
		if (loop < 0) {
			ret = virtual_report(req, rcpt, "4.3.0",
					     "error reading queue file");
		} else {
			strbuf_printf(reason, "mail forwarding loop for %s", addr);
			ret = virtual_report(req, rcpt, "5.4.6",
					     strbuf_str(reason));
		}
		goto done;
	}

	/* The mailbox code runs with the recipient's rights. */
	if (set_eugid((uid_t) uid, (gid_t) gid) < 0) {
		log_warn("set_eugid %ld:%ld: %m", uid, gid);
		ret = virtual_report(req, rcpt, "4.3.0",
				     "cannot switch to the recipient's user ID");
		goto done;
	}
	if (maildir)
		delivered = maildir_deliver(req, strbuf_str(path),
					    MAIL_COPY_MAILDIR, addr, orig_to,
					    status, reason);
	else
		delivered = mbox_deliver(req, strbuf_str(path),
					 var_virtual_mailbox_lock,
					 var_virtual_mailbox_limit,
					 MAIL_COPY_MBOX, addr, orig_to,
					 status, reason);
	if (set_eugid_root() < 0)
		log_fatal("set_eugid_root: %m");
	if (delivered == 0)
		ret = virtual_report(req, rcpt, "2.0.0", maildir ?
				     "delivered to maildir" :
				     "delivered to mailbox");
	else
		ret = virtual_report(req, rcpt, strbuf_str(status),
				     strbuf_str(reason));

done:
	strbuf_free(&result);
	strbuf_free(&value);
	strbuf_free(&why);
	strbuf_free(&status);
	strbuf_free(&reason);
	strbuf_free(&path);
	return ret;
}

/* virtual_serve - serve the requests of one qmgr connection */

static void
virtual_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;
	int	i, status;

	(void) svc;
	while ((req = deliver_request_read(client)) != NULL) {
		status = DEL_STAT_OK;
		for (i = 0; i < req->rcpt_count; i++)
			if (virtual_deliver_rcpt(req, req->rcpts + i) < 0)
				status = DEL_STAT_DEFER;
		if (deliver_request_done(client, req, status) < 0)
			break;
	}
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "virtual",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_DELIVER | PARAM_GROUP_VIRTUAL
			| PARAM_GROUP_REWRITE,
		.pre_jail = virtual_pre_jail,
		.serve = virtual_serve,
	};

	service_main(argc, argv, &spec);
}
