/*
 * mastercf.h - master.cf: reading, normalizing, editing
 *
 * Each entry is one service line (with its continuation lines): seven
 * columns and a command with arguments. "-o name=value", "-o name =
 * value" spread over tokens, and "-o { name = value }" (value may
 * contain spaces) are normalized into name=value pairs; the other
 * arguments stay as given. Comments and blank lines are kept as
 * entries of their own so that an edited file keeps them.
 *
 * Normalization follows postconf: "-oname=value" and option clusters
 * such as "-vo name=value" are split into "-v" "-o" "name=value"; the
 * text inside "{ }" loses its braces and outer white space, and inside
 * "-o { name = value }" the white space around '=' goes too. Problems
 * with braces are warnings (logged with a "master.cf: " prefix, as
 * Postfix does), not errors.
 *
 * A service entry owns its physical lines as read: the first line, its
 * continuation lines, and the comment and blank lines that follow up to
 * the next service line. An unchanged entry is written back exactly;
 * an edited one is written in postconf -Mf form (see mastercf_write()).
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

/* How mastercf_write() writes an entry that was read from the file. */
#define MASTERCF_EDIT_NONE	0	/* lines as read */
#define MASTERCF_EDIT_REPLACE	1	/* new text, then the comment lines */
#define MASTERCF_EDIT_MODIFY	2	/* comment lines, then new text */
#define MASTERCF_EDIT_REMOVE	3	/* comment lines only */
#define MASTERCF_EDIT_COMMENT	4	/* "#" before each service line */

typedef struct MASTERCF_ENTRY {
	int     is_service;	/* 0: a comment or blank line (text) */
	char   *text;		/* comment line as read; for a service, the
				 * logical line (continuation lines joined,
				 * comment lines left out) */
	char   *column[MASTERCF_COMMAND];	/* service .. maxproc */
	struct ARGV *args;	/* command, then its arguments, without -o */
	struct ARGV *opt_names;	/* -o names, in order */
	struct ARGV *opt_values;	/* -o values, parallel to opt_names */
	int     line;		/* first line in the file (0: not from file) */
	struct MASTERCF_ENTRY *next;

	/*
	 * All fields as postconf shows them: the seven columns, the command,
	 * then the arguments, with each -o as "-o" "name=value". args,
	 * opt_names and opt_values are derived from it.
	 */
	struct ARGV *argv;
	struct ARGV *lines;	/* physical lines as read, or NULL */
	int     edit;		/* MASTERCF_EDIT_* */
	int     parsed;		/* argv and the derived fields are valid */
} MASTERCF_ENTRY;

typedef struct MASTERCF {
	char   *path;
	MASTERCF_ENTRY *head;
	MASTERCF_ENTRY *tail;
	int     edit_fd;	/* locked path.tmp, or -1 */
	char   *edit_path;	/* path.tmp while edit_fd is open */
	int     noeol;		/* the last line had no newline */
} MASTERCF;

/*
 * Flags for mastercf_read_flags(). With MASTERCF_FLAG_EDIT (for
 * editors, which must not trip over entries they do not touch) entries
 * are only grouped into lines, and column[0] and column[1] are taken
 * from the first line (NULL when missing); nothing is checked or
 * logged. mastercf_entry_parse() then parses an entry on demand.
 */
#define MASTERCF_FLAG_EDIT	(1 << 0)

/*
 * With MASTERCF_FLAG_QUIET nothing is logged: for a second reading of a
 * file whose warnings were already shown.
 */
#define MASTERCF_FLAG_QUIET	(1 << 1)

/*
 * Reads and checks a master.cf. Returns NULL on error, with Postfix's
 * postconf wording in why: "open FILE: reason", "file FILE: line N: bad
 * field count" (fewer than eight fields), or, for a bad column value,
 * "invalid FIELD field \"VALUE\" in \"ENTRY\"" where FIELD is one of
 * type, private, unprivileged, chroot, wakeup, process_limit.
 * Continuation text before the first service line draws Postfix's
 * warning "FILE: logical line must not start with whitespace" and is
 * kept as a comment entry. A "-o" without a value is not an error: it
 * stays in args, as master(8) passes it on.
 */
extern MASTERCF *mastercf_read(const char *path, struct STRBUF *why);
extern MASTERCF *mastercf_read_flags(const char *path, int flags,
				     struct STRBUF *why);
extern void mastercf_free(MASTERCF *mcf);

/*
 * Like mastercf_read_flags(), but first creates and locks path.tmp so
 * that concurrent editors take turns (Postfix's edit_file protocol);
 * mastercf_write() then uses that file. Errors: "open FILE.tmp: reason",
 * "open FILE for reading: reason", and those of mastercf_read().
 */
extern MASTERCF *mastercf_open_edit(const char *path, int flags,
				    struct STRBUF *why);

/*
 * Parses the text of one entry (continuation lines may be joined with
 * or without their newlines). Returns NULL with "bad field count" or
 * "invalid FIELD field \"VALUE\" in \"TEXT\"" in why (newlines in TEXT
 * shown as spaces). The caller frees the result.
 */
extern MASTERCF_ENTRY *mastercf_parse(const char *text, struct STRBUF *why);
extern void mastercf_entry_free(MASTERCF_ENTRY *ent);

/*
 * Parses an entry read with MASTERCF_FLAG_EDIT in place, from its lines
 * (each followed by a space in error messages, as postconf's editor
 * shows them). 0, or -1 with why as for mastercf_parse(). A parsed
 * entry is left alone.
 */
extern int mastercf_entry_parse(MASTERCF_ENTRY *ent, struct STRBUF *why);

/* Checks the columns of a service entry; 0, or -1 with why as above. */
extern int mastercf_check(const MASTERCF_ENTRY *ent, const char *text,
			  struct STRBUF *why);

/*
 * The entry in effect for service/type (the last one, as master(8)
 * keeps the last), or NULL. A NULL type matches any type.
 */
extern MASTERCF_ENTRY *mastercf_find(MASTERCF *mcf, const char *service,
				     const char *type);

/* Value of -o name in an entry (the last one given), or NULL. */
extern const char *mastercf_option(const MASTERCF_ENTRY *ent,
				   const char *name);

/*
 * Gives ent the fields of new_entry (which is freed) and marks it
 * MASTERCF_EDIT_REPLACE: written in place of the old lines.
 */
extern void mastercf_replace(MASTERCF_ENTRY *ent, MASTERCF_ENTRY *new_entry);

/* Appends an entry at the end of the file, as MASTERCF_EDIT_REPLACE. */
extern void mastercf_append(MASTERCF *mcf, MASTERCF_ENTRY *ent);

/*
 * Replaces one column (MASTERCF_SERVICE .. MASTERCF_MAXPROC) or, with
 * MASTERCF_COMMAND, the command and all arguments (value is split and
 * normalized). The entry is checked afterwards; 0, or -1 with why as
 * for mastercf_check() where ENTRY is the new value (postconf -Fe).
 * The entry is changed either way; marks it MASTERCF_EDIT_MODIFY.
 */
extern int mastercf_set_field(MASTERCF_ENTRY *ent, int column,
			      const char *value, struct STRBUF *why);

/*
 * Sets -o name=value: replaces every -o for name among the options,
 * or adds one after the last option (before the first non-option
 * argument). Marks the entry MASTERCF_EDIT_MODIFY.
 */
extern void mastercf_set_option(MASTERCF_ENTRY *ent, const char *name,
				const char *value);

/* Removes every -o for name; marks the entry modified; returns count. */
extern int mastercf_del_option(MASTERCF_ENTRY *ent, const char *name);

/*
 * Splits "name = value" in place (Postfix's split_nameval(): white space
 * around name and value is dropped). Returns NULL, or the reason:
 * "missing attribute name", "missing '=' after attribute name".
 */
extern const char *mastercf_split_nameval(char *buf, char **name,
					  char **value);

/*
 * One entry as postconf -M prints it: the columns padded as Postfix
 * pads them, then the command and the arguments with -o options in
 * the form "-o name=value" (braced when the value has white space).
 * With fold, long lines are wrapped and each -o goes on its own
 * continuation line, as postconf -Mf does. Appends to out, with the
 * final newline.
 */
extern void mastercf_format(const MASTERCF_ENTRY *ent, int fold,
			    struct STRBUF *out);

/*
 * Same, with each -o value ("name=value") passed through expand first
 * (postconf -Mx). expand returns text valid until its next call.
 */
typedef const char *(*MASTERCF_EXPAND_FN)(const MASTERCF_ENTRY *ent,
					  const char *value, void *context);
extern void mastercf_format_expand(const MASTERCF_ENTRY *ent, int fold,
				   MASTERCF_EXPAND_FN expand, void *context,
				   struct STRBUF *out);

/*
 * Writes the file back (to path.tmp, then rename); 0 or -1 with why.
 * Entries are written according to their edit state: MASTERCF_EDIT_NONE
 * as read; REPLACE as mastercf_format(fold) followed by the entry's
 * comment lines; MODIFY with the comment lines first (both as postconf
 * -Me and -Pe/-Fe do); REMOVE leaves only the comment lines; COMMENT
 * puts "#" before the service and continuation lines.
 */
extern int mastercf_write(MASTERCF *mcf, struct STRBUF *why);

#endif
