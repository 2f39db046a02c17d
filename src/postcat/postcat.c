/*
 * postcat.c - show queue file contents
 *
 * Prints the records of queue files (named, found in the queue with -q,
 * or on standard input) in Postfix's postcat(1) shapes: section markers
 * "*** ENVELOPE RECORDS path ***", "name: value" envelope lines, the
 * message text as it was received, then the extracted section and the
 * end marker. -e, -h and -b select the envelope, headers and body; -o
 * adds each record's offset, -d its type in decimal, -v the record
 * names of text records.
 *
 * Records are read with rec_get() and its limits; a malformed record
 * stops the program with the reason, and a file that ends before its
 * end record is reported (it may still be being written).
 *
 * Security: runs as the invoking user (root or the mail system owner
 * to read the queue). Queue files are untrusted input; a -q argument
 * must be a well-formed queue ID, so it cannot name other files.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iostream.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mail_queue.h"		/* global */
#include "mainconf.h"
#include "param.h"
#include "params_global.h"
#include "qfile.h"
#include "queue_id.h"
#include "rec.h"

#define PC_PRINT_ENV	(1 << 0)	/* -e */
#define PC_PRINT_HEADER	(1 << 1)	/* -h */
#define PC_PRINT_BODY	(1 << 2)	/* -b */
#define PC_PRINT_ALL	(PC_PRINT_ENV | PC_PRINT_HEADER | PC_PRINT_BODY)
#define PC_PRINT_OFFSET	(1 << 3)	/* -o */
#define PC_PRINT_DEC	(1 << 4)	/* -d */
#define PC_SEARCH_QUEUE	(1 << 5)	/* -q */

#define PC_STATE_ENV	1
#define PC_STATE_HEADER	2
#define PC_STATE_BODY	3

#define POSTCAT_USAGE "usage: %s [-b (body text)] [-c config_dir] " \
	"[-d (decimal record type)] [-e (envelope records)] " \
	"[-h (header text)] [-o (record offsets)] [-q (access queue)] " \
	"[-v] [file(s)...]"

static IOSTREAM *out;

/* postcat_is_header - does text start like "Name:" */

static int
postcat_is_header(const char *text, size_t len)
{
	size_t  i;
	int     ws = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c == ':')
			return i > 0;
		if (c == ' ' || c == '\t') {
			if (i == 0)
				return 0;
			ws = 1;
			continue;
		}
		if (ws || c < 33 || c > 126)
			return 0;
	}
	return 0;
}

/* postcat_prefix - offset and decimal type, when asked for */

static void
postcat_prefix(int flags, off_t offset, int type)
{
	if (flags & PC_PRINT_OFFSET)
		iostream_printf(out, "%9lu ", (unsigned long) offset);
	if (flags & PC_PRINT_DEC)
		iostream_printf(out, "%3d ", type);
}

/* postcat_marker - a section marker line */

static void
postcat_marker(int flags, off_t offset, int type, const char *text,
	       const char *path)
{
	postcat_prefix(flags, offset, type);
	iostream_printf(out, "*** %s %s ***\n", text, path);
}

/* postcat_time - "name: asctime" for a time in seconds */

static void
postcat_time(const char *name, const char *value)
{
	long    sec;
	char   *copy = xstrdup(value);
	char   *bp = copy;
	char   *tok = token_next(&bp, " ");
	time_t  t;

	if (tok == NULL || parse_long(tok, &sec, 0, 0x7fffffffL) < 0) {
		iostream_printf(out, "%s: %s\n", name, value);
	} else {
		t = (time_t) sec;
		iostream_printf(out, "%s: %s", name, asctime(localtime(&t)));
	}
	xfree(copy);
}

/* postcat - print one queue file; returns 0, or -1 if it was incomplete */

static int
postcat(IOSTREAM *in, const char *path, int flags, size_t limit)
{
	STRBUF *buf = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	int     state = PC_STATE_ENV;
	int     do_print = (flags & PC_PRINT_ENV);
	int     prev_type = 0;
	int     open_line = 0;		/* a piece was shown without newline */
	int     type;
	int     ch;
	int     ret = 0;
	off_t   offset;
	const char *eq;

	if ((ch = iostream_getc(in)) != IOS_EOF) {
		if (!strchr(REC_TYPE_ENVELOPE_SET, ch)) {
			log_warn("%s: input is not a valid queue file", path);
			strbuf_free(&buf);
			strbuf_free(&why);
			return -1;
		}
		iostream_ungetc(in, ch);
	}
	if (flags & PC_PRINT_ENV)
		iostream_printf(out, "*** ENVELOPE RECORDS %s ***\n", path);

	for (;;) {
		offset = iostream_tell(in);
		type = rec_get(in, buf, limit, why);
		if (type == REC_TYPE_ERROR) {
			iostream_flush(out);
			log_fatal("%s: malformed queue file at offset %ld: %s",
				  path, (long) offset, strbuf_str(why));
		}
		if (type == REC_TYPE_EOF) {
			log_warn("%s: premature end of file: no end record", path);
			ret = -1;
			break;
		}
		if (type == REC_TYPE_NORM || type == REC_TYPE_CONT) {
			/* The first line that is no header (nor part of one) starts the body. */
			if (state == PC_STATE_HEADER && prev_type != REC_TYPE_CONT
			    && !postcat_is_header(strbuf_str(buf), strbuf_len(buf))
			    && !(strbuf_len(buf) > 0 && (strbuf_str(buf)[0] == ' '
						 || strbuf_str(buf)[0] == '\t'))) {
				state = PC_STATE_BODY;
				do_print = (flags & PC_PRINT_BODY);
			}
		} else if (type == REC_TYPE_MESG) {
			if (state != PC_STATE_ENV)
				log_warn("%s: out-of-order message content marker", path);
			if (flags & PC_PRINT_ENV)
				postcat_marker(flags, offset, type, "MESSAGE CONTENTS", path);
			state = PC_STATE_HEADER;
			do_print = (flags & PC_PRINT_HEADER);
			prev_type = type;
			continue;
		} else if (type == REC_TYPE_XTRA) {
			if (state != PC_STATE_HEADER && state != PC_STATE_BODY)
				log_warn("%s: out-of-order extracted segment marker", path);
			if (open_line)
				iostream_putc(out, '\n');
			open_line = 0;
			if (flags & PC_PRINT_ENV)
				postcat_marker(flags, offset, type, "HEADER EXTRACTED", path);
			state = PC_STATE_ENV;
			do_print = (flags & PC_PRINT_ENV);
			prev_type = type;
			continue;
		} else if (type == REC_TYPE_END) {
			if (state != PC_STATE_ENV)
				log_warn("%s: out-of-order message end marker", path);
			if (flags & PC_PRINT_ENV)
				postcat_marker(flags, offset, type, "MESSAGE FILE END", path);
			break;
		}
		if (do_print == 0) {
			prev_type = type;
			continue;
		}
		postcat_prefix(flags, offset, type);
		switch (type) {
		case REC_TYPE_TIME:
		case REC_TYPE_WARN:
			postcat_time(rec_type_name(type), strbuf_str(buf));
			break;
		case REC_TYPE_CONT:
			if (state == PC_STATE_ENV)
				iostream_printf(out, "%s: ", rec_type_name(type));
			else if (log_verbose)
				iostream_puts(out, "unterminated_text: ");
			iostream_write(out, strbuf_str(buf), strbuf_len(buf));
			/*
			 * Offsets need one record per line. Unlike Postfix, the
			 * piece still counts as a continuation for the header
			 * test, so -o does not end the headers early.
			 */
			if (state == PC_STATE_ENV || log_verbose
			    || (flags & PC_PRINT_OFFSET))
				iostream_putc(out, '\n');
			else
				open_line = 1;
			break;
		case REC_TYPE_NORM:
			open_line = 0;
			if (log_verbose)
				iostream_printf(out, "%s: ", rec_type_name(type));
			iostream_write(out, strbuf_str(buf), strbuf_len(buf));
			iostream_putc(out, '\n');
			break;
		case REC_TYPE_ATTR:
			if ((eq = strchr(strbuf_str(buf), '=')) != NULL
			    && eq - strbuf_str(buf) == (long) strlen(QFILE_ATTR_CREATE_TIME)
			    && strncmp(strbuf_str(buf), QFILE_ATTR_CREATE_TIME,
				       strlen(QFILE_ATTR_CREATE_TIME)) == 0) {
				postcat_time(QFILE_ATTR_CREATE_TIME, eq + 1);
				break;
			}
			/* FALLTHROUGH */
		default:
			iostream_printf(out, "%s: ", rec_type_name(type));
			iostream_write(out, strbuf_str(buf), strbuf_len(buf));
			iostream_putc(out, '\n');
			break;
		}
		prev_type = type;
	}
	if (iostream_flush(out) < 0)
		log_fatal("write error on standard output: %m");
	strbuf_free(&buf);
	strbuf_free(&why);
	return ret;
}

/* postcat_open_queue - find a queue file by ID in the usual queues */

static int
postcat_open_queue(const char *id, STRBUF *path)
{
	static const char *const queues[] = {
		MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
		MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD, MAIL_QUEUE_SAVED, 0,
	};
	int     i;
	int     tries;
	int     fd;

	if (!queue_id_ok(id))
		log_fatal("bad mail queue ID: %s", id);

	/* A file may move between queues while we look: look twice. */
	for (tries = 0; tries < 2; tries++) {
		for (i = 0; queues[i]; i++) {
			if ((fd = mail_queue_open(queues[i], id, O_RDONLY)) >= 0) {
				mail_queue_path(path, queues[i], id);
				return fd;
			}
		}
	}
	return -1;
}

/* postcat_init - standard descriptors, logging */

static void
postcat_init(char **argv)
{
	struct stat st;
	char   *slash;
	int     fd;

	for (fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) < 0
		    && (close(fd), open("/dev/null", O_RDWR, 0)) != fd)
			exit(1);
	if ((slash = strrchr(argv[0], '/')) != NULL && slash[1])
		argv[0] = slash + 1;
	log_init(argv[0], LOG_DEST_STDERR);
	(void) mainconf_set_dir_env();
}

/* main - parse the command line, then print each file */

int
main(int argc, char **argv)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *path = strbuf_create(100);
	IOSTREAM *in;
	size_t  limit;
	int     flags = 0;
	int     status = 0;
	int     ch;
	int     fd;

	postcat_init(argv);
	while ((ch = getopt(argc, argv, "bc:dehoqv")) > 0) {
		switch (ch) {
		case 'b':
			flags |= PC_PRINT_BODY;
			break;
		case 'c':
			mainconf_set_dir(optarg);
			break;
		case 'd':
			flags |= PC_PRINT_DEC;
			break;
		case 'e':
			flags |= PC_PRINT_ENV;
			break;
		case 'h':
			flags |= PC_PRINT_HEADER;
			break;
		case 'o':
			flags |= PC_PRINT_OFFSET;
			break;
		case 'q':
			flags |= PC_SEARCH_QUEUE;
			break;
		case 'v':
			log_verbose++;
			break;
		default:
			log_fatal(POSTCAT_USAGE, argv[0]);
		}
	}
	if ((flags & PC_PRINT_ALL) == 0)
		flags |= PC_PRINT_ALL;

	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	limit = QFILE_REC_LIMIT(var_line_length_limit);
	out = iostream_fdopen(STDOUT_FILENO, O_WRONLY);

	if (optind == argc) {
		in = iostream_fdopen(STDIN_FILENO, O_RDONLY);
		if (postcat(in, "stdin", flags, limit) < 0)
			status = 1;
		iostream_fdclose(in);
	} else if (flags & PC_SEARCH_QUEUE) {
		if (chdir(var_queue_directory) < 0)
			log_fatal("chdir %s: %m", var_queue_directory);
		for (; optind < argc; optind++) {
			if ((fd = postcat_open_queue(argv[optind], path)) < 0)
				log_fatal("open queue file %s: %m", argv[optind]);
			in = iostream_fdopen(fd, O_RDONLY);
			if (postcat(in, strbuf_str(path), flags, limit) < 0)
				status = 1;
			if (iostream_close(in) < 0)
				log_warn("close %s: %m", argv[optind]);
		}
	} else {
		for (; optind < argc; optind++) {
			if ((fd = open(argv[optind], O_RDONLY)) < 0)
				log_fatal("open %s: %m", argv[optind]);
			in = iostream_fdopen(fd, O_RDONLY);
			if (postcat(in, argv[optind], flags, limit) < 0)
				status = 1;
			if (iostream_close(in) < 0)
				log_warn("close %s: %m", argv[optind]);
		}
	}
	if (iostream_close(out) < 0)
		log_fatal("write error on standard output");
	strbuf_free(&why);
	strbuf_free(&path);
	return status;
}
