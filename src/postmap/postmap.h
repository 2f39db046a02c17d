/*
 * postmap.h - the postmap and postalias commands, internal interfaces
 *
 * postmap.c and postalias.c (in src/postalias) are the two commands;
 * what they share (opening tables by "[type:]name", building a table
 * atomically from a source file, "-q", "-q -", "-d", "-s") lives in
 * postmap_cmd.c, which both link, so that the two keep behaving alike,
 * as Postfix's do. postmap_mime.c turns a message read line by line
 * into lookup keys for "postmap -h/-b/-m -q -", as header_checks and
 * body_checks would see them.
 *
 * These functions are for commands: on errors they print Postfix's
 * diagnostic and exit through log_fatal().
 */

#ifndef POSTMAP_H
#define POSTMAP_H

#include "sysdeps.h"

#include "map.h"

/* Command flags (beyond the MAP_F_* flags of the tables). */
#define POSTMAP_F_AS_OWNER	(1 << 0)	/* root: run as source owner */
#define POSTMAP_F_SAVE_PERM	(1 << 1)	/* copy source's g/o bits */
#define POSTMAP_F_HEADER_KEY	(1 << 2)	/* -h: header lines are keys */
#define POSTMAP_F_BODY_KEY	(1 << 3)	/* -b: body lines are keys */
#define POSTMAP_F_MIME_KEY	(1 << 4)	/* -m: MIME parsing */
#define POSTMAP_F_RHS_FILE	(1 << 5)	/* -F: base64 file contents */
#define POSTMAP_F_UTF8		(1 << 6)	/* skip non-UTF-8 source lines */

#define POSTMAP_F_HB_KEY	(POSTMAP_F_HEADER_KEY | POSTMAP_F_BODY_KEY)
#define POSTMAP_F_ANY_KEY	(POSTMAP_F_HB_KEY | POSTMAP_F_MIME_KEY)

/*
 * Program start: standard descriptors open, argv[0] reduced to its base
 * name, logging to stderr and syslog, MAIL_VERBOSE and MAIL_CONFIG.
 */
extern void postmap_init(char **argv);

/* main.cf from -c (mainconf_set_dir), MAIL_CONFIG or the default. */
extern void postmap_config(void);

/* "type:name", or "name" with $default_database_type. Fatal on error. */
extern MAP *postmap_open(const char *spec, int open_flags, int map_flags);

/* The map's last error without the "type:name: " the map layer adds. */
extern const char *postmap_error(MAP *map);

/* A copy of text with non-printable bytes as '?', for logs; caller frees. */
extern char *postmap_printable(const char *text);

/* Stores one entry; a table error is fatal ("write error"). */
extern void postmap_update(MAP *map, const char *key, const char *value);

/*
 * Called for each logical source line (comments, continuation lines,
 * lines that start with white space and non-UTF-8 lines handled), and
 * once at the end, before the table is closed (end may be NULL).
 */
typedef void (*POSTMAP_LINE_FN)(MAP *map, char *line, const char *path,
				int lineno, void *context);
typedef void (*POSTMAP_END_FN)(MAP *map, void *context);

/*
 * Builds the table of spec from its source file (open_flags has
 * O_TRUNC: a new file replaces the old one when complete), or updates
 * it from standard input (no O_TRUNC), under an exclusive lock with
 * termination signals held.
 */
extern void postmap_build(const char *spec, int flags, int open_flags,
			  int map_flags, POSTMAP_LINE_FN line_fn,
			  POSTMAP_END_FN end_fn, void *context);

/* "-q key": prints the value from the first table that has it; 1 found. */
extern int postmap_query(char **specs, int count, const char *key,
			 int flags, int map_flags);

/*
 * "-q -": keys from standard input, "key<sep>value" for each found;
 * with POSTMAP_F_HB_KEY the input is a message (postmap_mime.c).
 * Returns 1 when any key was found.
 */
extern int postmap_queries(char **specs, int count, const char *sep,
			   int flags, int map_flags);

/* "-d key" or "-d -": one entry per table; 1 when any was found. */
extern int postmap_deletes(char **specs, int count, const char *key,
			   int map_flags);

/* "-s": every entry of the table as "key<sep>value". */
extern void postmap_seq(const char *spec, const char *sep, int flags,
			int map_flags);

/* Message keys (postmap_mime.c). */
typedef struct POSTMAP_MIME POSTMAP_MIME;

/* Called with each key: a logical header (newlines inside) or a line. */
typedef void (*POSTMAP_KEY_FN)(void *context, const char *key);

#define POSTMAP_MIME_HEADERS	(1 << 0)	/* -h: header lines */
#define POSTMAP_MIME_BODY	(1 << 1)	/* -b: body lines */
#define POSTMAP_MIME_PARSE	(1 << 2)	/* -m: MIME structure */

extern POSTMAP_MIME *postmap_mime_create(int flags, POSTMAP_KEY_FN fn,
					 void *context);

/* One input line without its newline. 0: more, 1: no more keys wanted. */
extern int postmap_mime_update(POSTMAP_MIME *mime, const char *line);

/* Emits a header still pending at the end of input, then frees. */
extern void postmap_mime_free(POSTMAP_MIME *mime);

#endif
