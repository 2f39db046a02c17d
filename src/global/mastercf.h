/*
 * mastercf.h - master.cf: reading, normalizing, editing
 *
 * Each entry is one service line (with its continuation lines): seven
 * columns and a command with arguments. "-o name=value", "-o name =
 * value" spread over tokens, and "-o { name = value }" (value may
 * contain spaces) are normalized into name=value pairs; the other
 * arguments stay as given. Comments and blank lines are kept as
 * entries of their own so that an edited file keeps them.
 */

#ifndef MASTERCF_H
#define MASTERCF_H

#include "sysdeps.h"

struct STRBUF;
struct ARGV;

/* Column indexes. */
#define MASTERCF_SERVICE	0
#define MASTERCF_TYPE		1
#define MASTERCF_PRIVATE	2
#define MASTERCF_UNPRIV		3
#define MASTERCF_CHROOT		4
#define MASTERCF_WAKEUP		5
#define MASTERCF_MAXPROC	6
#define MASTERCF_COMMAND	7	/* command name and arguments */
#define MASTERCF_NCOLUMNS	8

typedef struct MASTERCF_ENTRY {
	int     is_service;	/* 0: a comment or blank line (text) */
	char   *text;		/* comment lines, as read */
	char   *column[MASTERCF_COMMAND];	/* service .. maxproc */
	struct ARGV *args;	/* command, then its arguments, without -o */
	struct ARGV *opt_names;	/* -o names, in order */
	struct ARGV *opt_values;	/* -o values, parallel to opt_names */
	int     line;		/* first line in the file */
	struct MASTERCF_ENTRY *next;
} MASTERCF_ENTRY;

typedef struct MASTERCF {
	char   *path;
	MASTERCF_ENTRY *head;
	MASTERCF_ENTRY *tail;
} MASTERCF;

/*
 * Reads and checks a master.cf. Returns NULL with "FILE, line N: ..."
 * in why on a syntax error (too few columns, a bad type, a bad
 * private/unpriv/chroot value, bad wakeup or maxproc, -o without
 * value, unbalanced braces). A missing file is an error.
 */
extern MASTERCF *mastercf_read(const char *path, struct STRBUF *why);
extern void mastercf_free(MASTERCF *mcf);

/* The entry for service/type, or NULL. */
extern MASTERCF_ENTRY *mastercf_find(MASTERCF *mcf, const char *service,
				     const char *type);

/* Value of -o name in an entry, or NULL. */
extern const char *mastercf_option(const MASTERCF_ENTRY *ent,
				   const char *name);

/*
 * One entry as postconf -M prints it: the columns padded as Postfix
 * pads them, then the command and the arguments with -o options in
 * the form "-o name=value" (braced when the value has white space).
 * With fold, long lines are wrapped and each -o goes on its own
 * continuation line, as postconf -Mf does.
 */
extern void mastercf_format(const MASTERCF_ENTRY *ent, int fold,
			    struct STRBUF *out);

/* Writes the file back (to path.tmp, then rename); 0 or -1 with why. */
extern int mastercf_write(MASTERCF *mcf, struct STRBUF *why);

#endif
