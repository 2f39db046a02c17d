/*
 * deliver_request.c - both ends of the queue manager to agent protocol
 *
 * The wire format is the attribute sequence that deliver_request.h
 * lists, in that order, read strictly: a missing, extra or misplaced
 * attribute makes the whole request malformed. The reader bounds
 * every string and the request as a whole, so even a confused peer
 * cannot make an agent allocate without limit. Recipients are read
 * one attr_scan() call at a time because a request may carry far more
 * attributes than one call accepts (ATTR_COUNT_LIMIT).
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"		/* global */
#include "deliver_request.h"
#include "mail_queue.h"
#include "qfile.h"
#include "queue_id.h"

/* Attribute names that only this module uses. */
#define DEL_ATTR_CLIENT_NAME	"client_name"
#define DEL_ATTR_CLIENT_ADDR	"client_address"
#define DEL_ATTR_CLIENT_PORT	"client_port"
#define DEL_ATTR_CLIENT_PROTO	"protocol_name"
#define DEL_ATTR_CLIENT_HELO	"helo_name"
#define DEL_ATTR_SASL_METHOD	"sasl_method"
#define DEL_ATTR_SASL_USERNAME	"sasl_username"
#define DEL_ATTR_SASL_SENDER	"sasl_sender"
#define DEL_ATTR_REWRITE	"rewrite_context"
#define DEL_ATTR_ARRIVAL_SEC	"arrival_sec"
#define DEL_ATTR_ARRIVAL_USEC	"arrival_usec"
#define DEL_ATTR_ACTIVE_SEC	"active_sec"
#define DEL_ATTR_ACTIVE_USEC	"active_usec"
#define DEL_ATTR_REQUEST_SEC	"request_sec"
#define DEL_ATTR_REQUEST_USEC	"request_usec"

/*
 * Bounds on what one request may make us allocate: one string (an
 * address, the nexthop, an error text) and the sum of all strings.
 * Both are far above anything qmgr sends.
 */
#define DEL_REQ_STR_LIMIT	(64 * 1024)
#define DEL_REQ_TOTAL_LIMIT	ATTR_VALUE_LIMIT

/* The number of string fields in the request header. */
#define DEL_REQ_NSTR		15

/* deliver_request_alloc - an empty request, every string "" */

static DELIVER_REQUEST *
deliver_request_alloc(void)
{
	DELIVER_REQUEST *req = xcalloc(1, sizeof(*req));

	req->hop_status = xstrdup("");
	req->hop_reason = xstrdup("");
	return req;
}

/* deliver_request_free - release a request and everything it owns */

void
deliver_request_free(DELIVER_REQUEST *req)
{
	int     i;

	if (req == NULL)
		return;
	if (req->fp)
		(void) iostream_close(req->fp);
	xfree(req->queue_name);
	xfree(req->queue_id);
	xfree(req->nexthop);
	xfree(req->encoding);
	xfree(req->sender);
	xfree(req->dsn_envid);
	xfree(req->client_name);
	xfree(req->client_addr);
	xfree(req->client_port);
	xfree(req->client_proto);
	xfree(req->client_helo);
	xfree(req->sasl_method);
	xfree(req->sasl_username);
	xfree(req->sasl_sender);
	xfree(req->rewrite_context);
	if (req->rcpts) {
		for (i = 0; i < req->rcpt_count; i++) {
			xfree(req->rcpts[i].orig_addr);
			xfree(req->rcpts[i].address);
			xfree(req->rcpts[i].dsn_orcpt);
		}
		xfree(req->rcpts);
	}
	xfree(req->hop_status);
	xfree(req->hop_reason);
	xfree(req);
}

/* deliver_str - NULL-safe string for sending */

static const char *
deliver_str(const char *s)
{
	return s ? s : "";
}

/* deliver_request_send - qmgr: write one request */

int
deliver_request_send(IOSTREAM *st, const DELIVER_REQUEST *req)
{
	const DELIVER_RCPT *rcpt;
	int     i;

	if (req->rcpt_count < 0 || req->rcpt_count > DEL_REQ_RCPT_LIMIT)
		log_panic("deliver_request_send: bad recipient count %d",
			  req->rcpt_count);
	if (attr_print(st, ATTR_FLAG_MORE,
		       ATTR_SEND_INT(DEL_ATTR_FLAGS, req->flags),
		       ATTR_SEND_STR(DEL_ATTR_QUEUE, deliver_str(req->queue_name)),
		       ATTR_SEND_STR(DEL_ATTR_QUEUE_ID, deliver_str(req->queue_id)),
		       ATTR_SEND_LONG(DEL_ATTR_OFFSET, req->data_offset),
		       ATTR_SEND_LONG(DEL_ATTR_SIZE, req->data_size),
		       ATTR_SEND_STR(DEL_ATTR_NEXTHOP, deliver_str(req->nexthop)),
		       ATTR_SEND_STR(DEL_ATTR_ENCODING, deliver_str(req->encoding)),
		       ATTR_SEND_INT(DEL_ATTR_SMTPUTF8, req->smtputf8),
		       ATTR_SEND_STR(DEL_ATTR_SENDER, deliver_str(req->sender)),
		       ATTR_SEND_STR(DEL_ATTR_ENVID, deliver_str(req->dsn_envid)),
		       ATTR_SEND_INT(DEL_ATTR_RET, req->dsn_ret),
		       ATTR_SEND_STR(DEL_ATTR_CLIENT_NAME, deliver_str(req->client_name)),
		       ATTR_SEND_STR(DEL_ATTR_CLIENT_ADDR, deliver_str(req->client_addr)),
		       ATTR_SEND_STR(DEL_ATTR_CLIENT_PORT, deliver_str(req->client_port)),
		       ATTR_SEND_STR(DEL_ATTR_CLIENT_PROTO, deliver_str(req->client_proto)),
		       ATTR_SEND_STR(DEL_ATTR_CLIENT_HELO, deliver_str(req->client_helo)),
		       ATTR_SEND_STR(DEL_ATTR_SASL_METHOD, deliver_str(req->sasl_method)),
		       ATTR_SEND_STR(DEL_ATTR_SASL_USERNAME, deliver_str(req->sasl_username)),
		       ATTR_SEND_STR(DEL_ATTR_SASL_SENDER, deliver_str(req->sasl_sender)),
		       ATTR_SEND_STR(DEL_ATTR_REWRITE, deliver_str(req->rewrite_context)),
		       ATTR_SEND_LONG(DEL_ATTR_ARRIVAL_SEC, req->arrival_sec),
		       ATTR_SEND_LONG(DEL_ATTR_ARRIVAL_USEC, req->arrival_usec),
		       ATTR_SEND_LONG(DEL_ATTR_ACTIVE_SEC, req->active_sec),
		       ATTR_SEND_LONG(DEL_ATTR_ACTIVE_USEC, req->active_usec),
		       ATTR_SEND_LONG(DEL_ATTR_REQUEST_SEC, req->request_sec),
		       ATTR_SEND_LONG(DEL_ATTR_REQUEST_USEC, req->request_usec),
		       ATTR_SEND_INT(DEL_ATTR_RCPT_COUNT, req->rcpt_count),
		       ATTR_TYPE_END) < 0)
		return -1;
	for (i = 0; i < req->rcpt_count; i++) {
		rcpt = req->rcpts + i;
		if (attr_print(st, ATTR_FLAG_MORE,
			       ATTR_SEND_STR(DEL_ATTR_ORCPT, deliver_str(rcpt->orig_addr)),
			       ATTR_SEND_STR(DEL_ATTR_RCPT, deliver_str(rcpt->address)),
			       ATTR_SEND_STR(DEL_ATTR_DSN_ORCPT, deliver_str(rcpt->dsn_orcpt)),
			       ATTR_SEND_INT(DEL_ATTR_NOTIFY, rcpt->dsn_notify),
			       ATTR_SEND_LONG(DEL_ATTR_RCPT_OFFSET, rcpt->offset),
			       ATTR_TYPE_END) < 0)
			return -1;
	}
	return attr_print(st, ATTR_FLAG_NONE, ATTR_TYPE_END);
}

/* deliver_take - move a STRBUF's text into the request, counting bytes */

static char *
deliver_take(STRBUF *sb, size_t *total)
{
	*total += strbuf_len(sb);
	return xstrndup(strbuf_str(sb), strbuf_len(sb));
}

/* deliver_usec_ok - a microsecond field */

static int
deliver_usec_ok(long usec)
{
	return usec >= 0 && usec <= 999999;
}

/*
 * deliver_request_scan - read and check the attributes of one request
 *
 * Returns 1 for a well-formed request, 0 at a clean end of input, -1
 * for anything else (logged).
 */

static int
deliver_request_scan(IOSTREAM *client, DELIVER_REQUEST *req)
{
	STRBUF *s[DEL_REQ_NSTR];
	STRBUF *orcpt, *addr, *dorcpt;
	long    data_offset, data_size, offset;
	size_t  total = 0;
	int     ch;
	int     i;
	int     ret = -1;

	/* A clean hang-up between requests is not an error. */
	if ((ch = iostream_getc(client)) == IOS_EOF)
		return 0;
	(void) iostream_ungetc(client, ch);

	for (i = 0; i < DEL_REQ_NSTR; i++) {
		s[i] = strbuf_create(64);
		strbuf_set_limit(s[i], DEL_REQ_STR_LIMIT);
	}
	/* The last three are reused for each recipient's strings. */
	orcpt = s[12];
	addr = s[13];
	dorcpt = s[14];
	if (attr_scan(client, ATTR_FLAG_STRICT | ATTR_FLAG_MORE,
		      ATTR_RECV_INT(DEL_ATTR_FLAGS, &req->flags),
		      ATTR_RECV_STR(DEL_ATTR_QUEUE, s[0]),
		      ATTR_RECV_STR(DEL_ATTR_QUEUE_ID, s[1]),
		      ATTR_RECV_LONG(DEL_ATTR_OFFSET, &data_offset),
		      ATTR_RECV_LONG(DEL_ATTR_SIZE, &data_size),
		      ATTR_RECV_STR(DEL_ATTR_NEXTHOP, s[2]),
		      ATTR_RECV_STR(DEL_ATTR_ENCODING, s[3]),
		      ATTR_RECV_INT(DEL_ATTR_SMTPUTF8, &req->smtputf8),
		      ATTR_RECV_STR(DEL_ATTR_SENDER, s[4]),
		      ATTR_RECV_STR(DEL_ATTR_ENVID, s[5]),
		      ATTR_RECV_INT(DEL_ATTR_RET, &req->dsn_ret),
		      ATTR_RECV_STR(DEL_ATTR_CLIENT_NAME, s[6]),
		      ATTR_RECV_STR(DEL_ATTR_CLIENT_ADDR, s[7]),
		      ATTR_RECV_STR(DEL_ATTR_CLIENT_PORT, s[8]),
		      ATTR_RECV_STR(DEL_ATTR_CLIENT_PROTO, s[9]),
		      ATTR_RECV_STR(DEL_ATTR_CLIENT_HELO, s[10]),
		      ATTR_RECV_STR(DEL_ATTR_SASL_METHOD, s[11]),
		      ATTR_RECV_STR(DEL_ATTR_SASL_USERNAME, orcpt),
		      ATTR_RECV_STR(DEL_ATTR_SASL_SENDER, addr),
		      ATTR_RECV_STR(DEL_ATTR_REWRITE, dorcpt),
		      ATTR_RECV_LONG(DEL_ATTR_ARRIVAL_SEC, &req->arrival_sec),
		      ATTR_RECV_LONG(DEL_ATTR_ARRIVAL_USEC, &req->arrival_usec),
		      ATTR_RECV_LONG(DEL_ATTR_ACTIVE_SEC, &req->active_sec),
		      ATTR_RECV_LONG(DEL_ATTR_ACTIVE_USEC, &req->active_usec),
		      ATTR_RECV_LONG(DEL_ATTR_REQUEST_SEC, &req->request_sec),
		      ATTR_RECV_LONG(DEL_ATTR_REQUEST_USEC, &req->request_usec),
		      ATTR_RECV_INT(DEL_ATTR_RCPT_COUNT, &req->rcpt_count),
		      ATTR_TYPE_END) != 27) {
		log_warn("malformed delivery request");
		goto out;
	}
	req->queue_name = deliver_take(s[0], &total);
	req->queue_id = deliver_take(s[1], &total);
	req->nexthop = deliver_take(s[2], &total);
	req->encoding = deliver_take(s[3], &total);
	req->sender = deliver_take(s[4], &total);
	req->dsn_envid = deliver_take(s[5], &total);
	req->client_name = deliver_take(s[6], &total);
	req->client_addr = deliver_take(s[7], &total);
	req->client_port = deliver_take(s[8], &total);
	req->client_proto = deliver_take(s[9], &total);
	req->client_helo = deliver_take(s[10], &total);
	req->sasl_method = deliver_take(s[11], &total);
	req->sasl_username = deliver_take(orcpt, &total);
	req->sasl_sender = deliver_take(addr, &total);
	req->rewrite_context = deliver_take(dorcpt, &total);
	req->data_offset = (off_t) data_offset;
	req->data_size = data_size;
	{
		int     count = req->rcpt_count;

		/* Until the recipients are in, free() must not look at them. */
		req->rcpt_count = 0;
		if (!mail_queue_name_ok(req->queue_name)
		    || !queue_id_ok(req->queue_id)
		    || data_offset <= 0 || data_size < 0
		    || (req->dsn_ret != 0 && req->dsn_ret != QFILE_RET_FULL
			&& req->dsn_ret != QFILE_RET_HDRS)
		    || !deliver_usec_ok(req->arrival_usec)
		    || !deliver_usec_ok(req->active_usec)
		    || !deliver_usec_ok(req->request_usec)
		    || count < 1 || count > DEL_REQ_RCPT_LIMIT) {
			log_warn("malformed delivery request: bad value");
			goto out;
		}
		req->rcpts = xcalloc((size_t) count, sizeof(*req->rcpts));
		for (i = 0; i < count; i++) {
			DELIVER_RCPT *rcpt = req->rcpts + i;

			if (attr_scan(client, ATTR_FLAG_STRICT | ATTR_FLAG_MORE,
				      ATTR_RECV_STR(DEL_ATTR_ORCPT, orcpt),
				      ATTR_RECV_STR(DEL_ATTR_RCPT, addr),
				      ATTR_RECV_STR(DEL_ATTR_DSN_ORCPT, dorcpt),
				   ATTR_RECV_INT(DEL_ATTR_NOTIFY, &rcpt->dsn_notify),
				      ATTR_RECV_LONG(DEL_ATTR_RCPT_OFFSET, &offset),
				      ATTR_TYPE_END) != 5) {
				log_warn("%s: malformed delivery request: recipient %d",
					 req->queue_id, i + 1);
				goto out;
			}
			rcpt->orig_addr = deliver_take(orcpt, &total);
			rcpt->address = deliver_take(addr, &total);
			rcpt->dsn_orcpt = deliver_take(dorcpt, &total);
			rcpt->offset = (off_t) offset;
			req->rcpt_count = i + 1;
			if ((offset <= 0 && offset != -1) || *rcpt->address == 0
			    || (rcpt->dsn_notify & ~(QFILE_NOTIFY_NEVER
				| QFILE_NOTIFY_SUCCESS | QFILE_NOTIFY_FAILURE
						     | QFILE_NOTIFY_DELAY)) != 0) {
				log_warn("%s: malformed delivery request: "
					 "recipient %d: bad value",
					 req->queue_id, i + 1);
				goto out;
			}
			if (total > DEL_REQ_TOTAL_LIMIT) {
				log_warn("%s: malformed delivery request: "
					 "too large", req->queue_id);
				goto out;
			}
		}
	}
	/* The terminator, and nothing else. */
	if (attr_scan(client, ATTR_FLAG_EXTRA, ATTR_TYPE_END) != 0) {
		log_warn("%s: malformed delivery request: no terminator",
			 req->queue_id);
		goto out;
	}
	ret = 1;

out:
	for (i = 0; i < DEL_REQ_NSTR; i++)
		strbuf_free(&s[i]);
	return ret;
}

/* deliver_request_open - open the queue file read-write */

static int
deliver_request_open(DELIVER_REQUEST *req)
{
	struct stat st;
	int     fd;

	if ((fd = mail_queue_open(req->queue_name, req->queue_id, O_RDWR)) < 0) {
		log_warn("%s: open queue file %s/%s: %m", req->queue_id,
			 req->queue_name, req->queue_id);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("%s: queue file %s/%s is not a regular file",
			 req->queue_id, req->queue_name, req->queue_id);
		(void) close(fd);
		return -1;
	}
	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	req->fp = iostream_fdopen(fd, O_RDWR);
	return 0;
}

/* deliver_reply_send - the reply: status and hop fields */

static int
deliver_reply_send(IOSTREAM *client, int status, const char *hop_status,
		   const char *hop_reason, int deferred)
{
	return attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, status),
			  ATTR_SEND_STR(DEL_ATTR_HOP_STATUS, hop_status),
			  ATTR_SEND_STR(DEL_ATTR_HOP_REASON, hop_reason),
			  ATTR_SEND_INT(DEL_ATTR_DEFERRED, deferred),
			  ATTR_TYPE_END);
}

/* deliver_request_read - agent: one request and its queue file */

DELIVER_REQUEST *
deliver_request_read(IOSTREAM *client)
{
	DELIVER_REQUEST *req = deliver_request_alloc();
	struct timeval tv;
	int     got;

	if ((got = deliver_request_scan(client, req)) <= 0) {
		deliver_request_free(req);
		return NULL;
	}
	if (deliver_request_open(req) < 0) {
		if (deliver_reply_send(client, DEL_STAT_DEFER, "", "", 0) < 0)
			log_warn("%s: cannot send delivery status reply",
				 req->queue_id);
		deliver_request_free(req);
		return NULL;
	}
	(void) gettimeofday(&tv, NULL);
	req->received_sec = (long) tv.tv_sec;
	req->received_usec = (long) tv.tv_usec;
	return req;
}

/* deliver_request_hop - agent: the destination as a whole failed */

void
deliver_request_hop(DELIVER_REQUEST *req, const char *status,
		    const char *reason)
{
	if (!dsn_valid(status) || DSN_CLASS(status) == '2')
		log_panic("deliver_request_hop: bad status \"%s\"",
			  status ? status : "(null)");
	xfree(req->hop_status);
	xfree(req->hop_reason);
	req->hop_status = xstrdup(status);
	req->hop_reason = xstrdup(reason ? reason : "");
}

/* deliver_request_done - agent: reply, close the queue file, free */

int
deliver_request_done(IOSTREAM *client, DELIVER_REQUEST *req, int status)
{
	int     ret;

	if (status != DEL_STAT_OK && status != DEL_STAT_DEFER)
		log_panic("deliver_request_done: bad status %d", status);
	ret = deliver_reply_send(client, status, req->hop_status,
				 req->hop_reason, req->deferred);
	if (ret < 0)
		log_warn("%s: cannot send delivery status reply",
			 req->queue_id);
	deliver_request_free(req);
	return ret;
}

/*
 * deliver_reply_read_deferred - a client: the agent's reply, with the
 * count of recipients it reported as deferred
 */

int
deliver_reply_read_deferred(IOSTREAM *st, STRBUF *hop_status,
			    STRBUF *hop_reason, int *deferred)
{
	STRBUF *hs = strbuf_create(16);
	STRBUF *hr = strbuf_create(100);
	int     status;
	int     count = 0;
	int     got;
	int     ret;

	/*
	 * Not ATTR_FLAG_EXTRA: a later reply attribute must not break this
	 * reader; an agent that does not send the count is read as 0.
	 */
	strbuf_set_limit(hs, 32);
	strbuf_set_limit(hr, DEL_REQ_STR_LIMIT);
	got = attr_scan(st, ATTR_FLAG_NONE,
			ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			ATTR_RECV_STR(DEL_ATTR_HOP_STATUS, hs),
			ATTR_RECV_STR(DEL_ATTR_HOP_REASON, hr),
			ATTR_RECV_INT(DEL_ATTR_DEFERRED, &count),
			ATTR_TYPE_END);
	if (got < 3
	    || (status != DEL_STAT_OK && status != DEL_STAT_DEFER)
	    || (strbuf_len(hs) > 0 && (!dsn_valid(strbuf_str(hs))
				       || DSN_CLASS(strbuf_str(hs)) == '2'))
	    || count < 0) {
		ret = -1;
		count = 0;
		strbuf_reset(hs);
		strbuf_reset(hr);
	} else {
		ret = status;
		if (got < 4)
			count = 0;
	}
	if (hop_status)
		strbuf_set(hop_status, strbuf_str(hs));
	if (hop_reason)
		strbuf_set(hop_reason, strbuf_str(hr));
	if (deferred)
		*deferred = count;
	strbuf_free(&hs);
	strbuf_free(&hr);
	return ret;
}

/* deliver_reply_read - qmgr: the agent's reply */

int
deliver_reply_read(IOSTREAM *st, STRBUF *hop_status, STRBUF *hop_reason)
{
	return deliver_reply_read_deferred(st, hop_status, hop_reason, NULL);
}
