/*
 * mainconf.h - main.cf: reading, $name expansion, -o overrides, loading
 *
 * mainconf_read() reads $config_directory/main.cf into a dictionary of
 * raw (unexpanded) values, remembering the file and line of each name;
 * the last assignment wins. mainconf_expand() implements Postfix's
 * expansion language: $name, ${name}, $(name), $$, ${name?text},
 * ${name:text}, ${name?{text}}, ${name:{text}}, ${name?{t1}:{t2}} and
 * the comparisons ${name==value?{t1}:{t2}} (also !=, <, <=, >, >=),
 * recursively, with loop detection. mainconf_load() then converts the
 * values of the wanted parameter groups into their var_* variables.
 *
 * A command calls, in order: mainconf_set_dir() (from -c or
 * MAIL_CONFIG), mainconf_read(), mainconf_override() for each -o, then
 * mainconf_load(). Daemons get this from the service skeleton.
 */

#ifndef MAINCONF_H
#define MAINCONF_H

#include "sysdeps.h"

struct STRBUF;
struct ARGV;

/* The configuration directory, default DEF_CONFIG_DIRECTORY. */
extern void mainconf_set_dir(const char *config_dir);
extern const char *mainconf_dir(void);
extern const char *mainconf_path(void);	/* .../main.cf */

/*
 * Reads main.cf. Returns 0, or -1 with "FILE, line N: reason" in why
 * (missing '=', bad name, unreadable file). A missing main.cf is not
 * an error when missing_ok is set (postconf -d works without one).
 */
extern int mainconf_read(int missing_ok, struct STRBUF *why);

/* Parses one "name = value" line (for -o and postconf -e); 0 or -1. */
extern int mainconf_parse_assignment(const char *text, char **name,
				     char **value, struct STRBUF *why);

/* Sets a value as if it came last in main.cf (-o name=value). */
extern void mainconf_override(const char *name, const char *value);

/* Raw value from main.cf or an override, NULL when not set there. */
extern const char *mainconf_lookup_raw(const char *name);

/* Where a name was set: file name and line (0 for overrides). */
extern int mainconf_origin(const char *name, const char **file, int *line);

/* Names set in main.cf or by overrides, sorted (caller frees). */
extern struct ARGV *mainconf_names(void);

/*
 * Value as a program sees it: from main.cf if set there, else the
 * default; then fully expanded. NULL when the name is neither set nor a
 * known parameter. The result is valid until the next call.
 */
extern const char *mainconf_lookup(const char *name);

/*
 * Expands $name references in value into result. Unknown names expand
 * to the empty string. Returns 0, or -1 with the reason in why
 * (unbalanced braces, a loop: "unreasonable macro call nesting").
 * With MAINCONF_EXP_RECORD, every name referenced is added to used.
 */
#define MAINCONF_EXP_RECURSE	(1 << 0)	/* expand values of values */
extern int mainconf_expand(struct STRBUF *result, const char *value,
			   int flags, struct ARGV *used, struct STRBUF *why);

/*
 * Stores every parameter of the given groups in its var_* variable,
 * from main.cf or the default, expanded (except RAW). Bad values are
 * fatal, with Postfix's wording. Idempotent.
 */
extern void mainconf_load(int groups);

/* Forgets everything read (for tests and reloads). */
extern void mainconf_reset(void);

#endif
