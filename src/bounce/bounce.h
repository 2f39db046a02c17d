/*
 * bounce.h - internal interfaces of the bounce(8) program
 *
 * bounce.c serves the requests; bounce_notify.c reads a status log into
 * memory, decides which recipients a notification reports, composes
 * the RFC 3464 multipart/report and submits it through cleanup(8).
 */

#ifndef BOUNCE_H
#define BOUNCE_H

#include "sysdeps.h"

#include <sys/types.h>

#include "bounce_clnt.h"

struct IOSTREAM;
struct STRBUF;

/* What a notification is about. */
#define BOUNCE_KIND_FAILED	1	/* non-delivery (bounce, expired defer) */
#define BOUNCE_KIND_DELAYED	2	/* delay warning */
#define BOUNCE_KIND_SUCCESS	3	/* delivery report (trace) */

/* A status log read into memory; every string is owned by the list. */
typedef struct BOUNCE_LIST {
	BOUNCE_LOG_ENTRY *ent;
	int	count;
	int	size;
} BOUNCE_LIST;

/* The log service/id, or NULL with errno (ENOENT: no log). */
extern BOUNCE_LIST *bounce_list_read(const char *service, const char *id);
extern void bounce_list_free(BOUNCE_LIST *list);

/*
 * Does a notification of kind to the sender report this recipient?
 * (DSN NOTIFY, and DEL_REQ_FLAG_USR_VRFY/RECORD for reports.)
 */
extern int bounce_wanted(int kind, int msg_flags, const BOUNCE_LOG_ENTRY *ent);

/* One notification to compose. */
typedef struct BOUNCE_NOTICE {
	int	kind;			/* BOUNCE_KIND_* */
	int	postmaster;		/* a postmaster copy: headers only */
	const char *to;			/* recipient of the notification */
	long	now;
	long	arrival_sec;		/* 0: unknown */
	long	retry_until;		/* delays: 0 when unknown */
	const char *boundary;
} BOUNCE_NOTICE;

/* Receives the notification, one line at a time, without newline. */
typedef void (*BOUNCE_PUT_FN)(void *context, const char *line, size_t len);

/*
 * Composes the notification about the recipients of list that sel
 * says to include (sel[i] non-zero), with the original message or its
 * headers read from qf (the queue file; NULL: not available) at
 * data_offset, content_size bytes. Returns 0, or -1 when the queue file
 * turned out to be unreadable (the notification is then complete, but
 * without the original).
 */
extern int bounce_compose(const BOUNCE_MSG *msg, const BOUNCE_NOTICE *notice,
			  const BOUNCE_LIST *list, const char *sel,
			  struct IOSTREAM *qf, off_t data_offset,
			  long content_size, BOUNCE_PUT_FN put, void *context);

/*
 * Sends the notifications that a flush (kind FAILED or SUCCESS) or a
 * warn (kind DELAYED) of list calls for: to the sender, and the
 * postmaster copies that $notify_classes asks for. Returns 0 when every
 * one was queued (or none was due), -1 otherwise.
 */
extern int bounce_notify(const BOUNCE_MSG *msg, int kind,
			 const BOUNCE_LIST *list);

/* RFC 5322 date-time of when, local time, appended to out. */
extern void bounce_date(struct STRBUF *out, long when);

#endif
