/*
 * mail_queue.c - queue directories and queue file names
 *
 * A new file gets its name from its own inode, which is known only
 * after it exists. So it is created under a private temporary name,
 * linked to its final name (link() fails rather than replace an
 * existing file, where rename() would not), and the temporary name is
 * removed. A clash only means that the clock has not moved since an
 * earlier file with the same inode was named: try again.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "strbuf.h"
#include "stringops.h"
#include "mem.h"
#include "mail_queue.h"		/* global */
#include "params_global.h"
#include "queue_id.h"

#define MAIL_QUEUE_TRIES	1000	/* link() clashes before giving up */

/* mail_queue_name_ok - lower-case letters only */

int
mail_queue_name_ok(const char *name)
{
	const char *cp;

	if (*name == 0 || strlen(name) > 100)
		return 0;
	for (cp = name; *cp; cp++)
		if (*cp < 'a' || *cp > 'z')
			return 0;
	return 1;
}

/* mail_queue_hashed - is queue one of $hash_queue_names */

int
mail_queue_hashed(const char *queue)
{
	char   *list;
	char   *bp;
	char   *name;
	int     found = 0;

	if (var_hash_queue_names == NULL || var_hash_queue_depth <= 0)
		return 0;
	bp = list = xstrdup(var_hash_queue_names);
	while (!found && (name = token_next(&bp, ", \t\r\n")) != NULL)
		found = (strcmp(name, queue) == 0);
	xfree(list);
	return found;
}

/* mail_queue_dir - directory of a queue file, with hash levels */

int
mail_queue_dir(STRBUF *out, const char *queue, const char *id)
{
	STRBUF *hash;
	int     depth;
	int     i;

	if (!mail_queue_name_ok(queue) || !queue_id_ok(id))
		return -1;
	strbuf_set(out, queue);
	if (mail_queue_hashed(queue)) {
		hash = strbuf_create(10);
		if (queue_id_hash_chars(id, hash) < 0)
			log_panic("mail_queue_dir: no hash for valid ID %s", id);
		depth = var_hash_queue_depth;
		if ((size_t) depth > strbuf_len(hash))
			depth = (int) strbuf_len(hash);
		for (i = 0; i < depth; i++)
			strbuf_append_printf(out, "/%c", strbuf_str(hash)[i]);
		strbuf_free(&hash);
	}
	return 0;
}

/* mail_queue_path - path of a queue file */

int
mail_queue_path(STRBUF *out, const char *queue, const char *id)
{
	if (mail_queue_dir(out, queue, id) < 0)
		return -1;
	strbuf_append_printf(out, "/%s", id);
	return 0;
}

/* mail_queue_mkdirs - create the missing hash levels of a directory */

static int
mail_queue_mkdirs(const char *dir, const char *queue)
{
	char   *copy = xstrdup(dir);
	char   *cp = copy + strlen(queue);
	int     ret = 0;

	/* The queue directory itself belongs to postfix check. */
	while (ret == 0 && *cp == '/') {
		cp = strchr(cp + 1, '/');
		if (cp)
			*cp = 0;
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			ret = -1;
		if (cp)
			*cp = '/';
		else
			break;
	}
	xfree(copy);
	return ret;
}

/* mail_queue_create - new queue file, named by time and inode */

int
mail_queue_create(const char *queue, int long_ids, STRBUF *id,
		  STRBUF *path, STRBUF *why)
{
	static unsigned long serial;
	char    idbuf[QUEUE_ID_SIZE];
	STRBUF *temp = strbuf_create(100);
	STRBUF *dir = strbuf_create(100);
	struct timeval tv;
	struct stat st;
	int     fd;
	int     tries;
	int     saved_errno;

	if (!mail_queue_name_ok(queue)) {
		strbuf_printf(why, "bad queue name: %s", queue);
		errno = EINVAL;
		goto fail;
	}
	strbuf_printf(temp, "%s/tmp.%ld.%lu", queue, (long) getpid(), ++serial);
	if ((fd = open(strbuf_str(temp), O_RDWR | O_CREAT | O_EXCL, 0600)) < 0) {
		strbuf_printf(why, "create file %s: %s", strbuf_str(temp), strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		strbuf_printf(why, "fstat %s: %s", strbuf_str(temp), strerror(errno));
		goto fail_fd;
	}
	for (tries = 0; tries < MAIL_QUEUE_TRIES; tries++) {
		if (gettimeofday(&tv, NULL) < 0)
			log_fatal("gettimeofday: %m");
		queue_id_make(idbuf, sizeof(idbuf), (long) tv.tv_sec,
			      (long) tv.tv_usec, (unsigned long) st.st_ino,
			      long_ids);
		if (mail_queue_dir(dir, queue, idbuf) < 0)
			log_panic("mail_queue_create: bad ID %s", idbuf);
		strbuf_printf(path, "%s/%s", strbuf_str(dir), idbuf);
		if (link(strbuf_str(temp), strbuf_str(path)) == 0)
			break;
		if (errno == ENOENT && mail_queue_mkdirs(strbuf_str(dir), queue) == 0)
			continue;
		if (errno != EEXIST) {
			strbuf_printf(why, "link %s to %s: %s", strbuf_str(temp),
				      strbuf_str(path), strerror(errno));
			goto fail_fd;
		}
		usleep(10);
	}
	if (tries >= MAIL_QUEUE_TRIES) {
		strbuf_printf(why, "cannot find a free name for %s",
			      strbuf_str(temp));
		errno = EEXIST;
		goto fail_fd;
	}
	if (unlink(strbuf_str(temp)) < 0)
		log_warn("remove %s: %m", strbuf_str(temp));
	strbuf_set(id, idbuf);
	strbuf_free(&temp);
	strbuf_free(&dir);
	return fd;

fail_fd:
	saved_errno = errno;
	(void) unlink(strbuf_str(temp));
	(void) close(fd);
	errno = saved_errno;
fail:
	strbuf_free(&temp);
	strbuf_free(&dir);
	return -1;
}

/* mail_queue_open - open an existing queue file */

int
mail_queue_open(const char *queue, const char *id, int flags)
{
	STRBUF *path = strbuf_create(100);
	int     fd;

	if (mail_queue_path(path, queue, id) < 0) {
		strbuf_free(&path);
		errno = EINVAL;
		return -1;
	}
	fd = open(strbuf_str(path), flags | O_NOFOLLOW, 0600);
	strbuf_free(&path);
	return fd;
}

/* mail_queue_rename - move a queue file to another queue */

int
mail_queue_rename(const char *id, const char *old_queue,
		  const char *new_queue, STRBUF *why)
{
	STRBUF *old_path = strbuf_create(100);
	STRBUF *new_path = strbuf_create(100);
	STRBUF *new_dir = strbuf_create(100);
	int     ret = -1;

	if (mail_queue_path(old_path, old_queue, id) < 0
	    || mail_queue_dir(new_dir, new_queue, id) < 0) {
		strbuf_printf(why, "bad queue name or ID: %s/%s -> %s",
			      old_queue, id, new_queue);
		errno = EINVAL;
		goto done;
	}
	strbuf_printf(new_path, "%s/%s", strbuf_str(new_dir), id);
	if (rename(strbuf_str(old_path), strbuf_str(new_path)) == 0
	    || (errno == ENOENT
		&& mail_queue_mkdirs(strbuf_str(new_dir), new_queue) == 0
		&& rename(strbuf_str(old_path), strbuf_str(new_path)) == 0))
		ret = 0;
	else
		strbuf_printf(why, "rename %s to %s: %s", strbuf_str(old_path),
			      strbuf_str(new_path), strerror(errno));
done:
	strbuf_free(&old_path);
	strbuf_free(&new_path);
	strbuf_free(&new_dir);
	return ret;
}
