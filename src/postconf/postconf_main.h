/*
 * postconf_main.h - postconf, main.cf side: internal interfaces
 *
 * postconf.c parses the command line; postconf_params.c keeps the
 * table of known parameters (built-in, per-service from master.cf,
 * user-defined) and shows and checks main.cf; postconf_edit.c edits
 * main.cf. The master.cf side is behind pcf_master_main() (postconf.h).
 */

#ifndef POSTCONF_MAIN_H
#define POSTCONF_MAIN_H

#include "sysdeps.h"

struct STRBUF;

/* Parameter classes, as postconf -C names them. */
#define PCF_CLASS_BUILTIN (1 << 0)
#define PCF_CLASS_SERVICE (1 << 1)
#define PCF_CLASS_USER (1 << 2)
#define PCF_CLASS_ALL (PCF_CLASS_BUILTIN | PCF_CLASS_SERVICE | PCF_CLASS_USER)

/*
 * Shows main.cf parameters (flags from postconf.h: PCF_SHOW_DEFS,
 * PCF_SHOW_NONDEF, PCF_SHOW_EVAL, PCF_HIDE_NAME, PCF_HIDE_VALUE,
 * PCF_FOLD) of the given classes, or the named ones, then warns about
 * unused main.cf and master.cf settings (not with -d). The caller has
 * read main.cf and applied -o overrides unless PCF_SHOW_DEFS is set.
 */
extern void pcf_show_main(int flags, int classes, char **names);

/*
 * After a master.cf display: warns about master.cf -o settings that no
 * parameter uses (main.cf has been read).
 */
extern void pcf_flag_unused_master(void);

/*
 * Reads master.cf without warnings from now on. The -M, -F and -P
 * modes read it themselves and report its problems once.
 */
extern void pcf_master_quiet(void);

/* Edits main.cf: -e name=value, -# name, -X name (PCF_EDIT etc.). */
extern void pcf_edit_main(int flags, char **args);

/*
 * Writes text as postconf prints a line: runs of white space become
 * one space and, with PCF_FOLD, lines longer than 80 columns are
 * folded with a four-space indent. Appends a newline.
 */
extern void pcf_print_line(struct STRBUF *out, int flags, const char *text);

/*
 * Standard output goes through this buffer and pcf_flush(): like
 * Postfix's postconf, a fatal error leaves no partial output.
 */
extern struct STRBUF *pcf_out;
extern void pcf_flush(void);

#endif
