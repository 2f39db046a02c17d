/*
 * postfix_check.c - "postfix check" and "postfix set-permissions"
 *
 * Walks $meta_directory/postfix-files. "check" (also run by "postfix
 * start") creates missing directories flagged c, repairs owner, group
 * and mode of the directories flagged u and, for those flagged r, the
 * ownership of everything below them (subdirectories get the mode too;
 * queue files keep theirs, because their mode bits carry state). It
 * then warns, as Postfix's postfix-script does, about files that are
 * not owned by root or that are group or other writable in the
 * configuration, daemon and meta directories, about data_directory
 * content not owned by mail_owner, and about damaged messages.
 * "set-permissions" sets owner, group and mode of every listed file and
 * directory that exists, silently, as Postfix's post-install does.
 *
 * Warnings keep Postfix's wording ("not owned by postfix: PATH", "group
 * or other writable: PATH"); each repair is reported on a line of its
 * own ("fixing ownership of PATH: postfix", "fixing permissions of
 * PATH: 0700", "creating missing directory: PATH").
 *
 * Security: runs as root inside directories that mail_owner can write
 * (the queue). Below the listed directories nothing is followed: each
 * object is looked at with fstatat(AT_SYMLINK_NOFOLLOW), directories
 * are opened with O_NOFOLLOW and then changed through that descriptor,
 * and other objects are changed with fchownat(AT_SYMLINK_NOFOLLOW), so
 * a symbolic link planted there cannot redirect a chown or chmod.
 */

#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "mainconf.h"		/* global */
#include "mastercf.h"
#include "params_global.h"
#include "postfix.h"

/* Deepest directory nesting we descend into (hash_queue_depth is <= 16). */
#define CHECK_MAX_DEPTH	32

typedef struct CHECK_STATE {
	int	mode;		/* POSTFIX_CHECK_REPAIR or _SET_PERMS */
	int	quiet;		/* set-permissions: report errors only */
	uid_t	mail_uid;
	int	failed;		/* check_fail() was called */
} CHECK_STATE;

/* What a tree walk calls for each object below the top. */
typedef void (*CHECK_VISIT_FN)(CHECK_STATE *state, int dir_fd,
			       const char *name, int fd, const char *path,
			       const struct stat *st, void *context);

/* postfix_check_stat - compare an object with what postfix-files wants */

int
postfix_check_stat(const struct stat *st, uid_t uid, gid_t gid, mode_t mode)
{
	mode_t	have = st->st_mode & 07777;
	int	problems = 0;

	if (uid != (uid_t) -1 && st->st_uid != uid)
		problems |= POSTFIX_CHECK_OWNER;
	if (gid != (gid_t) -1 && st->st_gid != gid)
		problems |= POSTFIX_CHECK_GROUP;
	if (have != mode)
		problems |= POSTFIX_CHECK_MODE;
	if ((have & ~mode & (S_IWGRP | S_IWOTH)) != 0)
		problems |= POSTFIX_CHECK_WRITABLE;
	return problems;
}

/*
 * check_fail - a problem that stops "postfix start". Logged as fatal,
 * as postfix-script's check does, but the check goes on so that all of
 * them are seen; the caller exits.
 */

static void
check_fail(CHECK_STATE *state, const char *fmt,...) PRINTFLIKE(2, 3);

static void
check_fail(CHECK_STATE *state, const char *fmt,...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprintf(LOG_LEVEL_FATAL, fmt, ap);
	va_end(ap);
	state->failed = 1;
}

/* check_lookup - postfix-files "$name": the main.cf value */

static const char *
check_lookup(const char *name, void *unused_context)
{
	return mainconf_lookup(name);
}

/* check_account - an owner or group field, "$param" or a name */

static const char *
check_account(const char *field)
{
	const char *value;

	if (*field != '$')
		return field;
	value = mainconf_lookup(field + 1);
	return value ? value : "";
}

/* check_user - owner field to a user ID; -1 with a warning if unknown */

static int
check_user(CHECK_STATE *state, const POSTFIX_FILES_ENTRY *ent, char **name,
	   uid_t *uid)
{
	struct passwd *pw;

	*name = xstrdup(check_account(ent->owner));
	if ((pw = getpwnam(*name)) == NULL) {
		check_fail(state, "%s/postfix-files, line %d: unknown user name \"%s\" for %s",
			   var_meta_directory, ent->line, *name, ent->name);
		xfree(*name);
		return -1;
	}
	*uid = pw->pw_uid;
	return 0;
}

/* check_group - group field to a group ID; (gid_t) -1 for none */

static int
check_group(CHECK_STATE *state, const POSTFIX_FILES_ENTRY *ent, char **name,
	    gid_t *gid)
{
	struct group *gr;

	*gid = (gid_t) -1;
	*name = NULL;
	if (ent->group == NULL)
		return 0;
	*name = xstrdup(check_account(ent->group));
	if ((gr = getgrnam(*name)) == NULL) {
		check_fail(state, "%s/postfix-files, line %d: unknown group name \"%s\" for %s",
			   var_meta_directory, ent->line, *name, ent->name);
		xfree(*name);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* check_warn_problems - Postfix's warnings for what is wrong */

static void
check_warn_problems(const CHECK_STATE *state, int problems, const char *path,
		    const char *user, const char *group,
		    const struct stat *st, mode_t mode)
{
	if (state->quiet)
		return;
	if (problems & POSTFIX_CHECK_OWNER)
		log_warn("not owned by %s: %s", user, path);
	if (problems & POSTFIX_CHECK_GROUP)
		log_warn("not owned by group %s: %s", group, path);
	if (problems & POSTFIX_CHECK_WRITABLE)
		log_warn("group or other writable: %s", path);
	else if (problems & POSTFIX_CHECK_MODE)
		log_warn("wrong permissions %04o (should be %04o): %s",
			 (unsigned) (st->st_mode & 07777), (unsigned) mode, path);
}

/*
 * check_fix - repair ownership and mode. With fd >= 0 the object is
 * changed through it; otherwise through dir_fd and name, without
 * following a symbolic link. Set-ID bits go when the owner changes, so
 * the mode comes after.
 */

static void
check_fix(const CHECK_STATE *state, int problems, int fd, int dir_fd,
	  const char *name, const char *path, const char *user, uid_t uid,
	  const char *group, gid_t gid, mode_t mode)
{
	int	rc;

	if (problems & (POSTFIX_CHECK_OWNER | POSTFIX_CHECK_GROUP)) {
		uid_t	set_uid = (problems & POSTFIX_CHECK_OWNER) ? uid : (uid_t) -1;
		gid_t	set_gid = (problems & POSTFIX_CHECK_GROUP) ? gid : (gid_t) -1;

		if (!state->quiet)
			log_info("fixing ownership of %s: %s%s%s", path,
				 set_uid != (uid_t) -1 ? user : "",
				 set_gid != (gid_t) -1 ? ":" : "",
				 set_gid != (gid_t) -1 ? group : "");
		if (fd >= 0)
			rc = fchown(fd, set_uid, set_gid);
		else
			rc = fchownat(dir_fd, name, set_uid, set_gid,
				      AT_SYMLINK_NOFOLLOW);
		if (rc < 0)
			log_warn("cannot change ownership of %s: %m", path);
	}
	if (problems & (POSTFIX_CHECK_MODE | POSTFIX_CHECK_WRITABLE)) {
		if (!state->quiet)
			log_info("fixing permissions of %s: %04o", path,
				 (unsigned) mode);
		if (fd < 0 || fchmod(fd, mode) < 0)
			log_warn("cannot change permissions of %s: %m", path);
	}
}

/*
 * check_walk - call visit for everything below the directory open on
 * dir_fd (path names it). Directories are opened with O_NOFOLLOW and
 * visited through that descriptor before their content; other objects
 * get fd -1.
 */

static void
check_walk(CHECK_STATE *state, int dir_fd, STRBUF *path, int depth,
	   CHECK_VISIT_FN visit, void *context)
{
	size_t	len = strbuf_len(path);
	struct dirent *dp;
	struct stat st;
	DIR    *dir;
	int	copy;
	int	fd;

	if ((copy = dup(dir_fd)) < 0 || (dir = fdopendir(copy)) == NULL) {
		log_warn("open directory %s: %m", strbuf_str(path));
		if (copy >= 0)
			(void) close(copy);
		return;
	}
	while ((dp = readdir(dir)) != NULL) {
		if (strcmp(dp->d_name, ".") == 0 || strcmp(dp->d_name, "..") == 0)
			continue;
		strbuf_truncate(path, len);
		strbuf_append_printf(path, "/%s", dp->d_name);
		if (fstatat(dir_fd, dp->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				log_warn("lstat %s: %m", strbuf_str(path));
			continue;
		}
		fd = -1;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dir_fd, dp->d_name, O_RDONLY | O_DIRECTORY
				    | O_NOFOLLOW | O_CLOEXEC);
			/* Gone, or replaced since fstatat(): leave it alone. */
			if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
				if (fd < 0 && errno != ENOENT && errno != ELOOP
				    && errno != ENOTDIR)
					log_warn("open %s: %m", strbuf_str(path));
				if (fd >= 0)
					(void) close(fd);
				continue;
			}
		}
		visit(state, dir_fd, dp->d_name, fd, strbuf_str(path), &st, context);
		if (fd >= 0) {
			if (depth < CHECK_MAX_DEPTH)
				check_walk(state, fd, path, depth + 1, visit, context);
			else
				log_warn("directory nesting too deep, skipped: %s",
					 strbuf_str(path));
			(void) close(fd);
		}
	}
	(void) closedir(dir);
	strbuf_truncate(path, len);
}

/* What a recursive ("r") directory wants of everything below it. */
typedef struct CHECK_TREE {
	const char *user;
	uid_t	uid;
	const char *group;
	gid_t	gid;
	mode_t	dir_mode;	/* for subdirectories */
	int	repair;
} CHECK_TREE;

/* check_tree_visit - one object below a recursive directory */

static void
check_tree_visit(CHECK_STATE *state, int dir_fd, const char *name, int fd,
		 const char *path, const struct stat *st, void *context)
{
	const CHECK_TREE *tree = context;
	int	problems;

	/* Endpoints belong to whoever master made them for. */
	if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode))
		return;
	problems = postfix_check_stat(st, tree->uid, tree->gid, st->st_mode & 07777);
	if (S_ISDIR(st->st_mode))
		problems |= postfix_check_stat(st, (uid_t) -1, (gid_t) -1,
					       tree->dir_mode);
	if (problems == 0)
		return;
	check_warn_problems(state, problems, path, tree->user, tree->group, st,
			    tree->dir_mode);
	if (tree->repair)
		check_fix(state, problems, fd, dir_fd, name, path, tree->user,
			  tree->uid, tree->group, tree->gid, tree->dir_mode);
}

/* check_open_dir - open a listed directory; -1 with errno */

static int
check_open_dir(const char *path, struct stat *st)
{
	int	fd;

	/* The parents of listed directories are root's: follow links. */
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* check_make_dir - create a missing directory with its owner and mode */

static int
check_make_dir(CHECK_STATE *state, const char *path, uid_t uid, gid_t gid,
	       mode_t mode)
{
	if (!state->quiet)
		log_info("creating missing directory: %s", path);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		check_fail(state, "create directory %s: %m", path);
		return -1;
	}
	if (chown(path, uid, gid) < 0 || chmod(path, mode) < 0) {
		check_fail(state, "set ownership and permissions of %s: %m", path);
		return -1;
	}
	return 0;
}

/* check_dir_entry - one "d" line */

static void
check_dir_entry(CHECK_STATE *state, const POSTFIX_FILES_ENTRY *ent,
		const char *path)
{
	CHECK_TREE tree;
	STRBUF *walk_path;
	struct stat st;
	char   *user;
	char   *group;
	uid_t	uid;
	gid_t	gid;
	int	problems;
	int	repair;
	int	fd;

	if (check_user(state, ent, &user, &uid) < 0)
		return;
	if (check_group(state, ent, &group, &gid) < 0) {
		xfree(user);
		return;
	}
	repair = state->mode == POSTFIX_CHECK_SET_PERMS
		|| (ent->flags & POSTFIX_FILES_UPDATE);

	if ((fd = check_open_dir(path, &st)) < 0) {
		if (errno != ENOENT) {
			log_warn("%s: %m", path);
		} else if (ent->flags & POSTFIX_FILES_CREATE) {
			(void) check_make_dir(state, path, uid, gid, ent->mode);
		} else if (!state->quiet) {
			log_warn("missing directory: %s", path);
		}
		goto out;
	}
	problems = postfix_check_stat(&st, uid, gid, ent->mode);
	if (problems) {
		check_warn_problems(state, problems, path, user, group, &st,
				    ent->mode);
		if (repair)
			check_fix(state, problems, fd, -1, NULL, path, user, uid,
				  group, gid, ent->mode);
	}
	if (ent->flags & POSTFIX_FILES_RECURSIVE) {
		tree.user = user;
		tree.uid = uid;
		tree.group = group;
		tree.gid = gid;
		tree.dir_mode = ent->mode;
		tree.repair = repair;
		walk_path = strbuf_create(100);
		strbuf_set(walk_path, path);
		check_walk(state, fd, walk_path, 1, check_tree_visit, &tree);
		strbuf_free(&walk_path);
	}
	(void) close(fd);
out:
	xfree(user);
	xfree(group);
}

/* check_under - is path dir or below it? */

static int
check_under(const char *path, const char *dir)
{
	size_t	len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return strncmp(path, dir, len) == 0
		&& (path[len] == 0 || path[len] == '/');
}

/* check_in_root_trees - is path in a tree that check_root_trees() walks? */

static int
check_in_root_trees(const char *path)
{
	return check_under(path, var_config_directory)
		|| check_under(path, var_daemon_directory)
		|| check_under(path, var_meta_directory);
}

/* check_file_entry - one "f" line */

static void
check_file_entry(CHECK_STATE *state, const POSTFIX_FILES_ENTRY *ent,
		 const char *path)
{
	struct stat st;
	char   *user;
	char   *group;
	uid_t	uid;
	gid_t	gid;
	int	problems;
	int	fd;

	/* Not installed (not built, or another instance's files). */
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return;
	if (check_user(state, ent, &user, &uid) < 0)
		return;
	if (check_group(state, ent, &group, &gid) < 0) {
		xfree(user);
		return;
	}
	/* The parents are root's, as for directories. */
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0
	    || fstat(fd, &st) < 0) {
		log_warn("%s: %m", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warn("not a regular file: %s", path);
		goto out;
	}
	problems = postfix_check_stat(&st, uid, gid, ent->mode);
	if (state->mode == POSTFIX_CHECK_SET_PERMS) {
		if (problems)
			check_fix(state, problems, fd, -1, NULL, path, user, uid,
				  group, gid, ent->mode);
		goto out;
	}

	/*
	 * "check" only warns about files, and only where Postfix does: an
	 * administrator may well make main.cf less readable. The walk of
	 * the root-owned trees reports owner and write permission of what
	 * is in them.
	 */
	problems &= ~POSTFIX_CHECK_MODE;
	if (check_in_root_trees(path))
		problems &= ~(POSTFIX_CHECK_OWNER | POSTFIX_CHECK_WRITABLE);
	check_warn_problems(state, problems, path, user, group, &st, ent->mode);
	if ((ent->mode & S_ISGID) && (st.st_mode & 02111) != 02111)
		log_warn("not set-gid or not owner+group+world executable: %s",
			 path);
out:
	if (fd >= 0)
		(void) close(fd);
	xfree(user);
	xfree(group);
}

/* What a warn-only walk looks for. */
typedef struct CHECK_OWNED {
	const char *user;
	uid_t	uid;
	int	links;		/* warn about links that leave the tree */
} CHECK_OWNED;

/* check_owned_visit - ownership and write permission, warnings only */

static void
check_owned_visit(CHECK_STATE *unused_state, int dir_fd, const char *name,
		  int unused_fd, const char *path, const struct stat *st,
		  void *context)
{
	const CHECK_OWNED *owned = context;
	struct stat target;
	char	buf[4096];
	ssize_t	len;

	if (st->st_uid != owned->uid)
		log_warn("not owned by %s: %s", owned->user, path);
	if (!S_ISLNK(st->st_mode)) {
		if (st->st_mode & (S_IWGRP | S_IWOTH))
			log_warn("group or other writable: %s", path);
		return;
	}
	/* Postfix looks at what a link points to ("find -L"). */
	if (fstatat(dir_fd, name, &target, 0) == 0
	    && (target.st_mode & (S_IWGRP | S_IWOTH)))
		log_warn("group or other writable: %s", path);
	if (owned->links
	    && (len = readlinkat(dir_fd, name, buf, sizeof(buf) - 1)) > 0) {
		buf[len] = 0;
		if (strchr(buf, '/') != NULL)
			log_warn("symlink leaves directory: %s", path);
	}
}

/* check_owned_tree - warn-only walk of a directory and its content */

static void
check_owned_tree(CHECK_STATE *state, const char *path, const char *user,
		 uid_t uid, int links)
{
	CHECK_OWNED owned;
	STRBUF *walk_path;
	struct stat st;
	int	fd;

	if ((fd = check_open_dir(path, &st)) < 0)
		return;
	owned.user = user;
	owned.uid = uid;
	owned.links = links;
	if (st.st_uid != uid)
		log_warn("not owned by %s: %s", user, path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		log_warn("group or other writable: %s", path);
	walk_path = strbuf_create(100);
	strbuf_set(walk_path, path);
	check_walk(state, fd, walk_path, 1, check_owned_visit, &owned);
	strbuf_free(&walk_path);
	(void) close(fd);
}

/* check_corrupt_visit - a file in the corrupt queue */

static void
check_corrupt_visit(CHECK_STATE *unused_state, int unused_dir_fd,
		    const char *unused_name, int unused_fd, const char *path,
		    const struct stat *st, void *unused_context)
{
	if (S_ISREG(st->st_mode))
		log_warn("damaged message: %s", path);
}

/* check_root_trees - the root-owned trees, as postfix-script checks them */

static void
check_root_trees(CHECK_STATE *state)
{
	ARGV   *todo = argv_create();
	STRBUF *walk_path;
	struct passwd *pw;
	struct stat st;
	size_t	i;
	int	fd;

	argv_add(todo, var_config_directory);
	argv_add(todo, var_daemon_directory);
	argv_add(todo, var_meta_directory);
	argv_sort(todo);
	argv_uniq(todo);
	for (i = 0; i < todo->argc; i++)
		check_owned_tree(state, todo->argv[i], "root", 0, 1);
	argv_free(&todo);

	if ((pw = getpwnam(var_mail_owner)) != NULL)
		check_owned_tree(state, var_data_directory, var_mail_owner,
				 pw->pw_uid, 0);

	walk_path = strbuf_create(100);
	strbuf_printf(walk_path, "%s/corrupt", var_queue_directory);
	if ((fd = check_open_dir(strbuf_str(walk_path), &st)) >= 0) {
		check_walk(state, fd, walk_path, 1, check_corrupt_visit, NULL);
		(void) close(fd);
	}
	strbuf_free(&walk_path);
}

/* check_config_files - what must be there before master can start */

static int
check_config_files(CHECK_STATE *state)
{
	MASTERCF_ENTRY *ent;
	MASTERCF *mcf;
	STRBUF *why;
	STRBUF *path;
	int	found = 0;

	path = strbuf_create(100);
	strbuf_printf(path, "%s/master.cf", var_config_directory);
	if (access(strbuf_str(path), F_OK) < 0) {
		check_fail(state, "no %s file found", strbuf_str(path));
		strbuf_free(&path);
		return -1;
	}

	/* With maillog_file, daemons log through the postlog service. */
	if (*var_maillog_file) {
		why = strbuf_create(100);
		mcf = mastercf_read_flags(strbuf_str(path), MASTERCF_FLAG_EDIT
					  | MASTERCF_FLAG_QUIET, why);
		if (mcf == NULL) {
			check_fail(state, "%s", strbuf_str(why));
			strbuf_free(&why);
			strbuf_free(&path);
			return -1;
		}
		for (ent = mcf->head; ent != NULL; ent = ent->next)
			if (ent->is_service && ent->column[0] && ent->column[1]
			    && strcmp(ent->column[0], var_postlog_service_name) == 0
			    && strcmp(ent->column[1], "unix-dgram") == 0)
				found = 1;
		mastercf_free(mcf);
		strbuf_free(&why);
		if (!found) {
			check_fail(state, "missing '%s' service in master.cf - add: "
				   "%s unix-dgram n - n - 1 postlogd",
				   var_postlog_service_name, var_postlog_service_name);
			strbuf_free(&path);
			return -1;
		}
	}
	strbuf_free(&path);
	return 0;
}

/* postfix_check_run - check (and repair) the installation */

int
postfix_check_run(int mode)
{
	POSTFIX_FILES_ENTRY *list;
	POSTFIX_FILES_ENTRY *ent;
	CHECK_STATE state;
	STRBUF *files_path;
	STRBUF *path;
	STRBUF *why;

	memset(&state, 0, sizeof(state));
	state.mode = mode;
	state.quiet = (mode == POSTFIX_CHECK_SET_PERMS);

	why = strbuf_create(100);
	path = strbuf_create(100);
	files_path = strbuf_create(100);
	strbuf_printf(files_path, "%s/postfix-files", var_meta_directory);
	if ((list = postfix_files_read(strbuf_str(files_path), why)) == NULL
	    && strbuf_len(why) > 0) {
		check_fail(&state, "%s", strbuf_str(why));
		goto out;
	}
	for (ent = list; ent != NULL; ent = ent->next) {
		if (ent->type != POSTFIX_FILES_DIR && ent->type != POSTFIX_FILES_FILE)
			continue;
		switch (postfix_files_expand(ent->name, check_lookup, NULL, path, why)) {
		case -1:
			check_fail(&state, "%s, line %d: %s", strbuf_str(files_path),
				   ent->line, strbuf_str(why));
			continue;
		case 0:
			continue;
		}
		if (ent->type == POSTFIX_FILES_DIR)
			check_dir_entry(&state, ent, strbuf_str(path));
		else
			check_file_entry(&state, ent, strbuf_str(path));
	}
	postfix_files_free(list);
	if (!state.failed && mode == POSTFIX_CHECK_REPAIR
	    && check_config_files(&state) == 0)
		check_root_trees(&state);
out:
	strbuf_free(&why);
	strbuf_free(&path);
	strbuf_free(&files_path);
	return state.failed ? -1 : 0;
}
