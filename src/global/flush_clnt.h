/*
 * flush_clnt.h - client of the flush(8) fast flush service
 *
 * flush(8) keeps, per destination in $fast_flush_domains, a log of the
 * queue files that were deferred for it, so that ETRN (smtpd) and
 * "postqueue -s site" (sendmail -qRsite) can deliver the mail of one
 * destination without a scan of the whole deferred queue. Delivery
 * code adds to the logs (flush_add when a recipient is deferred); the
 * tools ask for delivery.
 *
 * Every call talks to public/$flush_service_name, waits at most
 * $ipc_timeout, and returns a FLUSH_STAT_* code. flush_add and
 * flush_send_site answer FLUSH_STAT_DENY without contacting the server
 * when fast_flush_domains is empty.
 */

#ifndef FLUSH_CLNT_H
#define FLUSH_CLNT_H

#include "sysdeps.h"

/* Requests (attribute "request"). */
#define FLUSH_REQ_ADD		"add"		/* site, queue_id */
#define FLUSH_REQ_SEND_SITE	"send_site"	/* site */
#define FLUSH_REQ_SEND_FILE	"send_file"	/* queue_id */
#define FLUSH_REQ_REFRESH	"rfrsh"		/* logs not used for a while */
#define FLUSH_REQ_PURGE		"purge"		/* every log */

/* Attributes. */
#define FLUSH_ATTR_SITE		"site"
#define FLUSH_ATTR_QUEUE_ID	"queue_id"

/* Reply status (attribute "status"), with Postfix's values. */
#define FLUSH_STAT_FAIL		(-1)	/* the service could not be reached */
#define FLUSH_STAT_OK		0	/* done */
#define FLUSH_STAT_UNKNOWN	2	/* Postfix 2.x only; never sent now */
#define FLUSH_STAT_BAD		3	/* malformed request or parameter */
#define FLUSH_STAT_DENY		4	/* site not in $fast_flush_domains */

/* Remember that queue_id was deferred for site. */
extern int flush_add(const char *site, const char *queue_id);

/* Deliver the deferred mail logged for site now (ETRN, postqueue -s). */
extern int flush_send_site(const char *site);

/* Deliver one deferred queue file now. */
extern int flush_send_file(const char *queue_id);

/* Flush logs unused for $fast_flush_refresh_time; drop old empty ones. */
extern int flush_refresh(void);

/* Flush every log now. */
extern int flush_purge(void);

#endif
