/*
 * postconf.h - the postconf command, internal interfaces
 *
 * postconf.c parses the command line and handles main.cf;
 * postconf_master.c handles everything about master.cf (-M, -F, -P and
 * their -e, -X, -# forms) and is entered through pcf_master_main().
 */

#ifndef POSTCONF_H
#define POSTCONF_H

#include "sysdeps.h"

/* Option flags shared by both halves. */
#define PCF_FOLD	(1 << 0)	/* -f: fold long lines */
#define PCF_HIDE_NAME	(1 << 1)	/* -h: value only */
#define PCF_SHOW_DEFS	(1 << 2)	/* -d: defaults */
#define PCF_SHOW_NONDEF	(1 << 3)	/* -n: only explicit settings */
#define PCF_SHOW_EVAL	(1 << 4)	/* -x: expand $name */
#define PCF_EDIT	(1 << 5)	/* -e: edit */
#define PCF_COMMENT_OUT	(1 << 6)	/* -#: comment out */
#define PCF_REMOVE	(1 << 7)	/* -X: remove */
#define PCF_HIDE_VALUE	(1 << 8)	/* -H: name only */

/* Which master.cf mode was selected. */
#define PCF_MODE_MASTER_ENTRY	'M'	/* -M: whole service entries */
#define PCF_MODE_MASTER_FIELD	'F'	/* -F: service/type/field */
#define PCF_MODE_MASTER_PARAM	'P'	/* -P: service/type/parameter */

/*
 * Runs one master.cf operation on $config_directory/master.cf with the
 * remaining command-line arguments (selectors or edits). Prints results
 * on stdout, diagnostics through log_*(); returns the exit status.
 */
extern int pcf_master_main(int mode, int flags, char **args);

#endif
