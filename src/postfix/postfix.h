/*
 * postfix.h - private interfaces of the postfix command
 *
 * postfix.c parses the command line, loads main.cf and dispatches;
 * postfix_ctl.c controls the master daemon (start, stop, status, ...);
 * postfix_files.c reads $meta_directory/postfix-files; postfix_check.c
 * checks and repairs what that file lists ("postfix check",
 * "postfix set-permissions").
 */

#ifndef POSTFIX_H
#define POSTFIX_H

#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/types.h>

struct STRBUF;

/*
 * postfix_files.c: one line of postfix-files,
 *	name:type:owner:group:mode[:flags]
 * as conf/postfix-files documents it. Text fields are as written
 * ("$queue_directory/incoming", "$mail_owner"); group is NULL for "-".
 */
#define POSTFIX_FILES_DIR	'd'
#define POSTFIX_FILES_FILE	'f'
#define POSTFIX_FILES_SYMLINK	'l'
#define POSTFIX_FILES_HARDLINK	'h'

#define POSTFIX_FILES_PRESERVE	(1 << 0)	/* p */
#define POSTFIX_FILES_UPDATE	(1 << 1)	/* u */
#define POSTFIX_FILES_CREATE	(1 << 2)	/* c */
#define POSTFIX_FILES_RECURSIVE	(1 << 3)	/* r */
#define POSTFIX_FILES_OPTIONAL	(1 << 4)	/* m */

typedef struct POSTFIX_FILES_ENTRY {
	char   *name;
	int	type;		/* POSTFIX_FILES_DIR ... */
	char   *owner;		/* for links: the link target */
	char   *group;		/* NULL: leave the group alone */
	mode_t	mode;		/* 0 for links */
	int	flags;		/* POSTFIX_FILES_* */
	int	line;		/* in the file */
	struct POSTFIX_FILES_ENTRY *next;
} POSTFIX_FILES_ENTRY;

/*
 * Parses one line. Returns 1 with *ent filled in (the caller frees it
 * with postfix_files_entry_free()), 0 for a comment or blank line (a
 * line that does not start with "$"), or -1 with the reason in why.
 */
extern int postfix_files_parse(const char *line, POSTFIX_FILES_ENTRY **ent,
			       struct STRBUF *why);
extern void postfix_files_entry_free(POSTFIX_FILES_ENTRY *ent);

/*
 * Reads a whole file. Returns the entries in file order (possibly
 * none: NULL with an empty why), or NULL with "FILE, line N: reason"
 * or "open FILE: reason" in why.
 */
extern POSTFIX_FILES_ENTRY *postfix_files_read(const char *path,
					       struct STRBUF *why);
extern void postfix_files_free(POSTFIX_FILES_ENTRY *list);

/*
 * Expands a name field: "$param" or "$param/rest" becomes the value of
 * param (looked up with lookup) followed by "/rest". Returns 1 with the
 * path in result, 0 when the value is "no" (not installed), or -1 with
 * the reason in why (no "$", unknown or empty parameter).
 */
typedef const char *(*POSTFIX_FILES_LOOKUP_FN)(const char *name,
					       void *context);
extern int postfix_files_expand(const char *name,
				POSTFIX_FILES_LOOKUP_FN lookup, void *context,
				struct STRBUF *result, struct STRBUF *why);

/*
 * postfix_check.c: what is wrong with one object, given the owner,
 * group and mode that postfix-files asks for (uid or gid -1: any).
 * Set-ID and sticky bits count as part of the mode.
 */
#define POSTFIX_CHECK_OWNER	(1 << 0)
#define POSTFIX_CHECK_GROUP	(1 << 1)
#define POSTFIX_CHECK_MODE	(1 << 2)
#define POSTFIX_CHECK_WRITABLE	(1 << 3)	/* group or other writable */
extern int postfix_check_stat(const struct stat *st, uid_t uid, gid_t gid,
			      mode_t mode);

/*
 * Modes of postfix_check_run():
 *   POSTFIX_CHECK_REPAIR	"postfix check" and "postfix start": create
 *				missing directories, repair the directories
 *				flagged u (and, with r, what is below them),
 *				warn about the rest
 *   POSTFIX_CHECK_SET_PERMS	"postfix set-permissions": also set owner,
 *				group and mode of every file listed
 * Problems that must stop "postfix start" (postfix-files unreadable or
 * naming unknown accounts or parameters, a directory that cannot be
 * created, no master.cf, maillog_file without a postlog service) are
 * logged as fatal, but the check goes on; then it returns -1. Returns 0
 * otherwise; warnings do not count.
 */
#define POSTFIX_CHECK_REPAIR	1
#define POSTFIX_CHECK_SET_PERMS	2
extern int postfix_check_run(int mode);

/*
 * postfix_ctl.c: the master daemon. Each returns the exit status of
 * the postfix command. verbose is the number of -v options.
 */
extern int postfix_ctl_start(int foreground, int verbose, int debug,
			     const char *config_dir);
extern int postfix_ctl_stop(void);
extern int postfix_ctl_abort(void);
extern int postfix_ctl_reload(void);
extern int postfix_ctl_status(void);
extern int postfix_ctl_flush(void);

/*
 * The process ID of the master that holds the lock on pid_path, 0 when
 * none does (or the file does not exist), -1 with the reason in why.
 */
extern long postfix_ctl_master_pid(const char *pid_path, struct STRBUF *why);

#endif
