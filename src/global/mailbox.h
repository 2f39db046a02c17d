/*
 * mailbox.h - deliver into an mbox file or a Maildir, safely
 *
 * Shared by local(8) and virtual(8). The caller has already switched
 * to the recipient's user and group IDs (set_eugid.h) when the file
 * operations must run with them.
 *
 * mbox: opens (creating mode 0600 when missing) and locks the file
 * with the methods listed (Postfix's mailbox_delivery_lock /
 * virtual_mailbox_lock syntax: "fcntl", "flock", "dotlock",
 * comma/space separated; a dotlock that cannot be made because the
 * directory is not writable is skipped, as Postfix does for
 * /var/mail without write permission), refuses a file that is not a
 * regular file, has more than one link, or is a symlink, checks
 * size_limit (0: none) against the file size plus the message,
 * appends the message with mail_copy(MAIL_COPY_MBOX flags by the
 * caller), and on any error truncates the file back to its old size.
 *
 * Maildir: path ends in "/"; creates path, tmp/, new/, cur/ as needed
 * (mode 0700), writes tmp/UNIQUE, fsyncs, and links it into
 * new/UNIQUE, where UNIQUE is "SEC.VdevIinoMusec.HOST" after the
 * Maildir convention (host name with '/' and ':' escaped).
 *
 * Both return 0 when delivered, or -1 with an RFC 3463 status (4.x.x:
 * try again, such as a lock timeout or a full disk; 5.x.x: give up,
 * such as a size limit, 5.2.2 "mailbox full") in status and the
 * reason in reason.
 */

#ifndef MAILBOX_H
#define MAILBOX_H

#include "sysdeps.h"

#include <sys/types.h>

#include "deliver_request.h"

struct STRBUF;

extern int mbox_deliver(DELIVER_REQUEST *req, const char *path,
			const char *lock_methods, long size_limit,
			int copy_flags, const char *delivered_to,
			const char *orig_to, struct STRBUF *status,
			struct STRBUF *reason);

/*
 * mbox_deliver() for a root caller writing into a spool directory that
 * only root may write (mail_spool_directory): a file this call creates
 * is given to owner/group, an existing file must belong to owner
 * ((uid_t) -1: any owner, as mbox_deliver() does). Added for local(8).
 */
extern int mbox_deliver_owner(DELIVER_REQUEST *req, const char *path,
			      const char *lock_methods, long size_limit,
			      int copy_flags, const char *delivered_to,
			      const char *orig_to, uid_t owner, gid_t group,
			      struct STRBUF *status, struct STRBUF *reason);

/*
 * The size, under the lock, that the mbox file had before the last
 * successful mbox_deliver*() call appended to it: the offset of the new
 * message, for biff notifications. -1 before any such call.
 */
extern off_t mbox_last_offset(void);

extern int maildir_deliver(DELIVER_REQUEST *req, const char *path,
			   int copy_flags, const char *delivered_to,
			   const char *orig_to, struct STRBUF *status,
			   struct STRBUF *reason);

#endif
