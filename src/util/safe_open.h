/*
 * safe_open.h - open a file in a place that others may control
 *
 * For files such as mailboxes and .forward files, where a user could
 * plant a symbolic link or a hard link to some other file and have a
 * privileged process write to it or read it. safe_open() opens only a
 * plain regular file with one link, optionally owned by a given user,
 * and makes sure that the file it opened is the file it checked.
 */

#ifndef SAFE_OPEN_H
#define SAFE_OPEN_H

#include "sysdeps.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

struct STRBUF;

/*
 * Open path with open(2) flags and mode. Refused: symbolic links (the
 * last component), files that are not regular, existing files with
 * more than one hard link, and existing files not owned by user unless
 * user is (uid_t) -1. The file is checked before open() and again
 * after, and must be the same file both times; O_TRUNC is applied only
 * after the checks. O_CREAT|O_EXCL creates a new file; O_CREAT alone
 * opens an existing file or creates one. A file this call creates is
 * given to user and group (either may be -1: unchanged) with fchown().
 *
 * Returns the descriptor, with the file's status in *st (st may be
 * NULL), or -1 with errno set and the reason in why (without the path).
 */
extern int safe_open(const char *path, int flags, mode_t mode,
		     struct stat *st, uid_t user, gid_t group,
		     struct STRBUF *why);

#endif
