/*
 * set_eugid.h - act as another user for a while, then as root again
 *
 * A root daemon (local(8), virtual(8)) opens mailboxes, .forward and
 * :include: files with the recipient's rights, so that the kernel
 * does the permission checks: set_eugid() switches the effective user
 * and group IDs and the supplementary group list to the user's,
 * set_eugid_root() switches back. The real and saved user IDs stay 0,
 * which is what makes the way back possible. set_ugid() is for a child
 * process about to run a command as the user: it changes every ID for
 * good.
 */

#ifndef SET_EUGID_H
#define SET_EUGID_H

#include "sysdeps.h"

#include <sys/types.h>

/*
 * Become uid/gid (effective IDs only), with gid as the only
 * supplementary group. Must be called as root (real or effective); a
 * process already running as another user goes through root first.
 * Returns 0, or -1 with errno (the IDs are then root's again when that
 * is possible).
 */
extern int set_eugid(uid_t uid, gid_t gid);

/* Back to root: effective uid 0, gid 0, no supplementary groups. 0 or -1. */
extern int set_eugid_root(void);

/*
 * For good: real, effective and saved IDs all become uid/gid, with gid
 * as the only supplementary group. 0, or -1 with errno.
 */
extern int set_ugid(uid_t uid, gid_t gid);

#endif
