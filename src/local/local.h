/*
 * local.h - the local(8) delivery agent's private interfaces
 *
 * One LOCAL_CTX lives for one recipient of a request; one LOCAL_ATTR
 * describes each step of its expansion (the recipient itself, then
 * every alias, :include: or .forward destination, recursively).
 */

#ifndef LOCAL_H
#define LOCAL_H

#include "sysdeps.h"

#include <sys/types.h>

#include "deliver_request.h"
#include "dsn.h"

struct ARGV;
struct STRBUF;

/* How a destination was found: the allow_mail_to_* class names. */
#define LOCAL_EXP_NONE		0	/* the recipient itself */
#define LOCAL_EXP_ALIAS		1	/* "alias" */
#define LOCAL_EXP_FORWARD	2	/* "forward" */
#define LOCAL_EXP_INCLUDE	3	/* "include" */

/* Recursion limit of alias and forward expansion (as Postfix). */
#define LOCAL_LEVEL_LIMIT	100

typedef struct LOCAL_CTX {
	DELIVER_REQUEST *req;
	DELIVER_RCPT *rcpt;		/* the queue file's recipient */
	const char *relay;		/* "local": the service name */
	struct ARGV *seen;		/* duplicate filter */
	struct ARGV *loop;		/* Delivered-To: values, lower case */
	int	deferred;		/* some destination was deferred */
	int	expanded;		/* destinations reported with copies */
} LOCAL_CTX;

typedef struct LOCAL_ATTR {
	int	level;			/* expansion depth */
	const char *address;		/* what is being delivered now */
	const char *delivered;		/* Delivered-To: value */
	int	exp_type;		/* LOCAL_EXP_* */
	const char *exp_from;		/* alias name or user it came from */
	const char *sender;		/* envelope sender (owner- alias) */
	uid_t	uid;			/* rights for files and commands */
	gid_t	gid;
	const char *user;		/* the user, when known */
	const char *home;
	const char *shell;
	const char *extension;		/* "" when none */
	const char *local;		/* local part */
	const char *domain;
} LOCAL_ATTR;

/* local.c */
extern int local_report(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
			const char *status, const char *fmt, ...)
	PRINTFLIKE(4, 5);
extern int local_recipient(LOCAL_CTX *ctx, const LOCAL_ATTR *attr);

/*
 * The user and group of $default_privs: files and commands never run
 * as root (root-owned alias tables and .forward files, mailbox_command
 * for root); fatal when the account is missing or is root.
 */
extern void local_default_privs(uid_t *uid, gid_t *gid);
extern int local_is_allowed(const char *list, int exp_type);
extern int local_expand(struct STRBUF *out, const char *pattern,
			const LOCAL_ATTR *attr, const char *filter);

/* local_biff.c: "user@offset" to comsat(8) on 127.0.0.1, best effort */
extern void local_biff(const char *user, off_t offset);

/* local_deliver.c */
extern int local_deliver_mailbox(LOCAL_CTX *ctx, const LOCAL_ATTR *attr);
extern int local_deliver_file(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
			      const char *path);
extern int local_deliver_command(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
				 const char *command);
extern int local_forward(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
			 const char *address);

/*
 * local_pass.c: hands attr's destination to transport ("service" or
 * "service:nexthop", the value of parameter param) as a delivery
 * request of one recipient; the other agent reports it. Returns 0, or
 * what local_report() returned when local(8) had to report it itself
 * (4.3.0 "mail transport unavailable").
 */
extern int local_pass(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
		      const char *param, const char *transport);

#endif
