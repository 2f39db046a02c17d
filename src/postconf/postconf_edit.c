/*
 * postconf_edit.c - postconf -e, -# and -X on main.cf
 *
 * Works on physical lines so that comments, blank lines and the order
 * of the file survive. A logical line whose name is being edited is
 * replaced ("name = value") with its continuation lines dropped (-e),
 * has "#" put before it and its continuation lines (-#), or goes with
 * them (-X). Comment and blank lines between continuation lines are
 * kept. Names that -e did not find are appended, in the order of the
 * command line.
 *
 * The new file is written to main.cf.tmp, which is locked first so that
 * concurrent editors take turns (the same protocol as master.cf edits),
 * then synced and renamed over main.cf.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "lock_file.h"
#include "log.h"
#include "mainconf.h"
#include "mem.h"
#include "nametab.h"
#include "postconf.h"
#include "postconf_main.h"
#include "strbuf.h"
#include "stringops.h"

/* One requested edit. */
typedef struct PCF_EDIT_REQ {
	char *value; /* -e only */
	int found;   /* times the name was seen in main.cf */
} PCF_EDIT_REQ;

/* pcf_edit_req_free - nametab_free() helper */

static void
pcf_edit_req_free(void *ptr)
{
	PCF_EDIT_REQ *req = ptr;

	xfree(req->value);
	xfree(req);
}

/* pcf_edit_open - create and lock path.tmp, empty */

static int
pcf_edit_open(const char *tmp_path)
{
	struct stat fd_st;
	struct stat path_st;
	int fd;

	for (;;) {
		if ((fd = open(tmp_path, O_CREAT | O_WRONLY, 0644)) < 0)
			log_fatal("open %s: %m", tmp_path);
		if (lock_flock(fd, LOCK_MODE_EXCLUSIVE, LOCK_WAIT) < 0)
			log_fatal("lock %s: %m", tmp_path);
		/* Another editor may have renamed it while we waited. */
		if (fstat(fd, &fd_st) < 0)
			log_fatal("fstat %s: %m", tmp_path);
		if (stat(tmp_path, &path_st) == 0 &&
		    fd_st.st_dev == path_st.st_dev &&
		    fd_st.st_ino == path_st.st_ino)
			break;
		close(fd);
	}
	if (ftruncate(fd, 0) < 0)
		log_fatal("truncate %s: %m", tmp_path);
	return fd;
}

/* pcf_line_name - the name of a logical line: text up to space or '=' */

static char *
pcf_line_name(const char *line)
{
	return xstrndup(line, strcspn(line, " \t\r\n="));
}

/* pcf_edit_main - postconf -e, -# or -X */

void
pcf_edit_main(int flags, char **args)
{
	const char *path = mainconf_path();
	char *tmp_path = str_concat(path, ".tmp", (char *) 0);
	NAMETAB *table = nametab_create(10);
	ARGV *order = argv_create();
	STRBUF *why = strbuf_create(100);
	STRBUF *line = strbuf_create(100);
	STRBUF *out = strbuf_create(4096);
	PCF_EDIT_REQ *req;
	PCF_EDIT_REQ *old;
	const char *cp;
	char *name;
	char *value;
	ssize_t at;
	FILE *fp;
	int interesting = 0;
	int ch;
	int fd;
	size_t i;

	/* The requests; a repeated name: the last request wins. */
	for (; *args; args++) {
		if (flags & PCF_EDIT) {
			if (mainconf_parse_assignment(*args, &name, &value,
						      why) < 0)
				log_fatal("%s: \"%s\"", strbuf_str(why), *args);
		} else {
			name = xstrdup(*args);
			value = NULL;
		}
		req = xcalloc(1, sizeof(*req));
		req->value = value;
		if ((old = nametab_enter(table, name, req)) != NULL) {
			if (flags & PCF_EDIT)
				log_warn("ignoring earlier request: '%s = %s'",
					 name, old->value);
			pcf_edit_req_free(old);
		}
		if ((at = argv_find(order, name)) >= 0)
			argv_delete(order, (size_t) at, 1);
		argv_add(order, name);
		xfree(name);
	}

	fd = pcf_edit_open(tmp_path);
	if ((fp = fopen(path, "r")) == NULL) {
		(void) unlink(tmp_path);
		log_fatal("open %s for reading: %m", path);
	}

	for (;;) {
		strbuf_reset(line);
		while ((ch = getc(fp)) != EOF) {
			strbuf_append_char(line, ch);
			if (ch == '\n')
				break;
		}
		if (strbuf_len(line) == 0)
			break;
		/*
		 * We add the newline that a last line may lack: Postfix glues
		 * the first appended setting onto it.
		 */
		if (strbuf_last(line) != '\n')
			strbuf_append_char(line, '\n');
		cp = strbuf_str(line) + strspn(strbuf_str(line), " \t\r\n");

		/* Comment and blank lines stay, also inside a logical line. */
		if (*cp == '#' || *cp == 0) {
			strbuf_append_str(out, strbuf_str(line));
			continue;
		}
		/* A continuation line goes with its logical line. */
		if (cp > strbuf_str(line)) {
			if (!interesting)
				strbuf_append_str(out, strbuf_str(line));
			else if (flags & PCF_COMMENT_OUT)
				strbuf_append_printf(out, "#%s",
						     strbuf_str(line));
			continue;
		}
		name = pcf_line_name(cp);
		if ((req = nametab_find(table, name)) == NULL) {
			interesting = 0;
			strbuf_append_str(out, strbuf_str(line));
			xfree(name);
			continue;
		}
		if (req->found++ == 1)
			log_warn("%s: multiple entries for \"%s\"", path, name);
		interesting = 1;
		if (flags & PCF_EDIT)
			strbuf_append_printf(out, "%s = %s\n", name,
					     req->value);
		else if (flags & PCF_COMMENT_OUT)
			strbuf_append_printf(out, "#%s", strbuf_str(line));
		xfree(name);
	}
	if (ferror(fp))
		log_fatal("read %s: %m", path);
	fclose(fp);

	if (flags & PCF_EDIT) {
		for (i = 0; i < order->argc; i++) {
			req = nametab_find(table, order->argv[i]);
			if (req->found == 0)
				strbuf_append_printf(out, "%s = %s\n",
						     order->argv[i],
						     req->value);
		}
	}

	if (write(fd, strbuf_str(out), strbuf_len(out)) !=
		(ssize_t) strbuf_len(out) ||
	    fsync(fd) < 0) {
		(void) unlink(tmp_path);
		log_fatal("write %s: %m", tmp_path);
	}
	if (rename(tmp_path, path) < 0) {
		(void) unlink(tmp_path);
		log_fatal("rename %s to %s: %m", tmp_path, path);
	}
	if (close(fd) < 0)
		log_fatal("close %s: %m", tmp_path);

	xfree(tmp_path);
	nametab_free(&table, pcf_edit_req_free);
	argv_free(&order);
	strbuf_free(&why);
	strbuf_free(&line);
	strbuf_free(&out);
}
