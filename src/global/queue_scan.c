/*
 * queue_scan.c - walk the files of one queue directory
 *
 * A depth-first walk with one open directory per level. A directory
 * entry is a hash level when its name is one character and it is a
 * directory; anything else that is not a directory is a file to list.
 * Other directories do not belong in a queue and are left alone.
 */

#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "queue_scan.h"		/* global */

struct QUEUE_SCAN {
	DIR    *dirs[QUEUE_SCAN_DEPTH + 1];	/* dirs[0] is the queue itself */
	int     level;			/* index of the innermost open dir */
	STRBUF *dir;			/* path of dirs[level] */
	STRBUF *name;			/* the name last returned */
};

/* queue_scan_open - start a walk */

QUEUE_SCAN *
queue_scan_open(const char *queue)
{
	QUEUE_SCAN *scan;
	DIR    *dir;

	if ((dir = opendir(queue)) == NULL)
		return NULL;
	scan = xcalloc(1, sizeof(*scan));
	scan->dirs[0] = dir;
	scan->level = 0;
	scan->dir = strbuf_create(100);
	strbuf_set(scan->dir, queue);
	scan->name = strbuf_create(40);
	return scan;
}

/* queue_scan_up - leave the innermost directory */

static void
queue_scan_up(QUEUE_SCAN *scan)
{
	char   *slash;

	(void) closedir(scan->dirs[scan->level]);
	scan->dirs[scan->level] = NULL;
	scan->level--;
	if ((slash = strrchr(strbuf_str(scan->dir), '/')) != NULL)
		strbuf_truncate(scan->dir, (size_t) (slash - strbuf_str(scan->dir)));
}

/* queue_scan_is_dir - is dir/name a directory (without following links) */

static int
queue_scan_is_dir(const char *dir, const struct dirent *ent)
{
	STRBUF *path;
	struct stat st;
	int     ret;

#ifdef DT_DIR
	if (ent->d_type == DT_DIR)
		return 1;
	if (ent->d_type != DT_UNKNOWN)
		return 0;
#endif
	path = strbuf_create(100);
	strbuf_printf(path, "%s/%s", dir, ent->d_name);
	ret = (lstat(strbuf_str(path), &st) == 0 && S_ISDIR(st.st_mode));
	strbuf_free(&path);
	return ret;
}

/* queue_scan_next - the next file, descending into hash levels */

const char *
queue_scan_next(QUEUE_SCAN *scan, STRBUF *path)
{
	struct dirent *ent;
	DIR    *sub;
	size_t  len;

	while (scan->level >= 0) {
		if ((ent = readdir(scan->dirs[scan->level])) == NULL) {
			if (scan->level == 0) {
				(void) closedir(scan->dirs[0]);
				scan->dirs[0] = NULL;
				scan->level = -1;
				return NULL;
			}
			queue_scan_up(scan);
			continue;
		}
		if (ent->d_name[0] == '.')
			continue;
		if (queue_scan_is_dir(strbuf_str(scan->dir), ent)) {
			if (ent->d_name[1] != 0 || scan->level >= QUEUE_SCAN_DEPTH)
				continue;
			len = strbuf_len(scan->dir);
			strbuf_append_printf(scan->dir, "/%s", ent->d_name);
			if ((sub = opendir(strbuf_str(scan->dir))) == NULL) {
				if (errno != ENOENT)
					log_warn("open directory %s: %m",
						 strbuf_str(scan->dir));
				strbuf_truncate(scan->dir, len);
				continue;
			}
			scan->dirs[++scan->level] = sub;
			continue;
		}
		strbuf_set(scan->name, ent->d_name);
		strbuf_printf(path, "%s/%s", strbuf_str(scan->dir), ent->d_name);
		return strbuf_str(scan->name);
	}
	return NULL;
}

/* queue_scan_close - end a walk */

void
queue_scan_close(QUEUE_SCAN *scan)
{
	while (scan->level >= 0) {
		(void) closedir(scan->dirs[scan->level]);
		scan->level--;
	}
	strbuf_free(&scan->dir);
	strbuf_free(&scan->name);
	xfree(scan);
}

/* queue_scan_prune_dir - remove empty hash levels deeper than keep */

static int
queue_scan_prune_dir(const char *path, int depth, int keep)
{
	STRBUF *sub;
	DIR    *dir;
	struct dirent *ent;
	struct stat st;
	int     count = 0;

	if (depth > QUEUE_SCAN_DEPTH || (dir = opendir(path)) == NULL)
		return 0;
	sub = strbuf_create(100);
	while ((ent = readdir(dir)) != NULL) {
		if (ent->d_name[0] == '.' || ent->d_name[1] != 0)
			continue;
		strbuf_printf(sub, "%s/%s", path, ent->d_name);
		if (lstat(strbuf_str(sub), &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		count += queue_scan_prune_dir(strbuf_str(sub), depth + 1, keep);
		/* rmdir() refuses a directory that still holds something. */
		if (depth > keep && rmdir(strbuf_str(sub)) == 0)
			count++;
	}
	(void) closedir(dir);
	strbuf_free(&sub);
	return count;
}

/* queue_scan_prune - remove empty hash subdirectories of a queue */

int
queue_scan_prune(const char *queue, int keep_depth)
{
	return queue_scan_prune_dir(queue, 1, keep_depth);
}
