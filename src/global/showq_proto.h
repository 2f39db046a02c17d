/*
 * showq_proto.h - what showq(8) sends to postqueue(1)
 *
 * A client connects to public/$showq_service_name and sends nothing;
 * showq walks the queues in Postfix's order (SHOWQ_QUEUE_ORDER) and
 * streams one attr.h request per item, each with the item type first:
 *
 *	message:	S type "message", S queue_name, S queue_id,
 *			L arrival_time (seconds), L message_size (content
 *			bytes), I forced_expire (0 or 1), S sender
 *			(MAILER-DAEMON for the null sender), E
 *	recipient:	S type "recipient", S address, S reason ("" when
 *			delivery was not deferred yet), E
 *	end:		S type "end", E
 *
 * The recipients that follow a message belong to it, until the next
 * message or the end. Only recipients still to be delivered are sent:
 * first those in the defer log (with the reason of their last attempt),
 * then the others. The listing is complete only when the end item
 * arrived; a client that sees the connection close before that
 * reports a malformed server response.
 */

#ifndef SHOWQ_PROTO_H
#define SHOWQ_PROTO_H

#include "sysdeps.h"

/* Service class: unprivileged users' postqueue connects to it. */
#define SHOWQ_CLASS		"public"

/* Queues in the order showq lists them, as Postfix's showq does. */
#define SHOWQ_QUEUE_ORDER	"maildrop", "active", "incoming", "deferred", "hold"

/* Attribute names. */
#define SHOWQ_ATTR_TYPE		"type"
#define SHOWQ_ATTR_QUEUE	"queue_name"
#define SHOWQ_ATTR_ID		"queue_id"
#define SHOWQ_ATTR_TIME		"arrival_time"
#define SHOWQ_ATTR_SIZE		"message_size"
#define SHOWQ_ATTR_EXPIRE	"forced_expire"
#define SHOWQ_ATTR_SENDER	"sender"
#define SHOWQ_ATTR_RCPT		"address"
#define SHOWQ_ATTR_REASON	"reason"

/* Item types (values of SHOWQ_ATTR_TYPE). */
#define SHOWQ_TYPE_MESSAGE	"message"
#define SHOWQ_TYPE_RCPT		"recipient"
#define SHOWQ_TYPE_END		"end"

/*
 * A queue file in one of these modes is ready (written completely and
 * fsynced, Postfix's MAIL_QUEUE_STAT_READY); the group execute bit marks
 * a message whose expiration was forced (postsuper -e, -f).
 */
#define SHOWQ_MODE_READY	0700
#define SHOWQ_MODE_EXPIRE	0010

#endif
