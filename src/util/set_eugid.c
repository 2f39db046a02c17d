/*
 * set_eugid.c - act as another user for a while, then as root again
 *
 * The order matters: group IDs can be changed only while the effective
 * user ID is 0, so every switch goes through root first, sets the
 * groups, and changes the effective user ID last.
 */

#include "sysdeps.h"

#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "log.h"
#include "set_eugid.h"

/* set_eugid_root - effective root again, with root's groups */

int
set_eugid_root(void)
{
	gid_t   root_gid = 0;

	if (geteuid() != 0 && seteuid(0) < 0)
		return -1;
	if (setegid(0) < 0)
		return -1;
	if (setgroups(1, &root_gid) < 0)
		return -1;
	return 0;
}

/* set_eugid - become uid/gid for file operations */

int
set_eugid(uid_t uid, gid_t gid)
{
	int     err;

	if (set_eugid_root() < 0)
		return -1;
	if (setgroups(1, &gid) < 0 || setegid(gid) < 0
	    || (uid != 0 && seteuid(uid) < 0)) {
		err = errno;
		(void) set_eugid_root();
		errno = err;
		return -1;
	}
	if (log_verbose)
		log_info("set_eugid: euid %ld egid %ld",
			 (long) geteuid(), (long) getegid());
	return 0;
}

/* set_ugid - become uid/gid for good (child processes) */

int
set_ugid(uid_t uid, gid_t gid)
{
	if (geteuid() != 0 && seteuid(0) < 0)
		return -1;
	if (setgroups(1, &gid) < 0)
		return -1;
	if (setgid(gid) < 0)
		return -1;
	if (setuid(uid) < 0)
		return -1;
	return 0;
}
