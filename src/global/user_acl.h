/*
 * user_acl.h - user access lists of the commands
 *
 * authorized_submit_users (sendmail, postdrop), authorized_mailq_users
 * and authorized_flush_users (postqueue): login names, "/file/name"
 * (replaced by the names in the file) and "type:table" patterns (a
 * name matches when it is a key; the value is ignored), separated by
 * commas and/or white space. "!" before a pattern excludes. The first
 * pattern that matches decides; no match denies, and so does a table
 * that cannot be opened or searched (with a warning). A real user ID
 * without a passwd entry is matched as "unknown". Names are compared
 * without regard to case.
 */

#ifndef USER_ACL_H
#define USER_ACL_H

#include "sysdeps.h"

#include <sys/types.h>

struct STRBUF;

/* 1 when list lets user in, else 0. */
extern int user_acl_match(const char *list, const char *user);

/* The login name of uid, or "unknown"; replaces name's contents. */
extern const char *user_acl_name(uid_t uid, struct STRBUF *name);

/*
 * Exit with EX_NOPERM and "User NAME(UID) is not allowed to WHAT"
 * unless list lets the real user in.
 */
extern void user_acl_require(const char *list, const char *what);

#endif
