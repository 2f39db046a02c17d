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

/*
 * The configuration directory, default DEF_CONFIG_DIRECTORY. A
 * directory set here (from -c or MAIL_CONFIG) also becomes the value of
 * config_directory, as if main.cf said so first, as Postfix does;
 * mainconf_set_dir(NULL) goes back to the default.
 */
extern void mainconf_set_dir(const char *config_dir);
extern const char *mainconf_dir(void);
extern const char *mainconf_path(void);	/* .../main.cf */

/*
 * For commands only: takes the directory from the MAIL_CONFIG
 * environment variable when it is set and not empty; returns 1 if it
 * did. A command that also has -c calls this first, so that -c wins.
 * Set-gid programs must not call it (the environment is untrusted).
 */
extern int mainconf_set_dir_env(void);

/*
 * Reads main.cf. Returns 0, or -1 with Postfix's wording in why: "FILE,
 * line N: missing '=' after attribute name: \"TEXT\"" (also "missing
 * attribute name"), or "open FILE: reason". As in Postfix, a name is
 * any text up to white space or '='; names that no parameter has are
 * kept (postconf calls them unused). A line that starts with white
 * space where no logical line was before it draws Postfix's warning
 * and is skipped. A missing main.cf is not an error when missing_ok is
 * set (postconf -d works without one).
 */
extern int mainconf_read(int missing_ok, struct STRBUF *why);

/*
 * Parses one "name = value" line (for -o and postconf -e): white space
 * around the name and the value goes. Returns 0 with copies that the
 * caller frees, or -1 with "missing attribute name" or "missing '='
 * after attribute name" in why.
 */
extern int mainconf_parse_assignment(const char *text, char **name,
				     char **value, struct STRBUF *why);

/* Sets a value as if it came last in main.cf (-o name=value). */
extern void mainconf_override(const char *name, const char *value);

/* Forgets a setting (postconf drops read-only assignments). */
extern void mainconf_unset(const char *name);

/* Raw value from main.cf or an override, NULL when not set there. */
extern const char *mainconf_lookup_raw(const char *name);

/*
 * Where a name was last set: 0 with the file name and line, or -1 when
 * it was not set. Overrides (and the directory from mainconf_set_dir())
 * have file NULL and line 0.
 */
extern int mainconf_origin(const char *name, const char **file, int *line);

/* Names set in main.cf or by overrides, sorted (caller frees). */
extern struct ARGV *mainconf_names(void);

/*
 * Calls fn for every name set, in the order the names first appeared,
 * with the value in effect.
 */
typedef void (*MAINCONF_WALK_FN)(const char *name, const char *value,
				 void *context);
extern void mainconf_walk(MAINCONF_WALK_FN fn, void *context);

/*
 * Value as a program sees it: from main.cf if set there (read-only
 * parameters always take the default), else the default; then fully
 * expanded (RAW parameters are not). NULL when the name is neither set
 * nor a known parameter. The result is valid until the next call. A
 * broken expansion is fatal, as with mainconf_eval().
 */
extern const char *mainconf_lookup(const char *name);

/*
 * Expands $name references in value into result (which is reset
 * first). Unknown names expand to the empty string. Returns 0, or -1
 * with the reason in why, in Postfix's wording: "truncated macro
 * reference", "empty macro name", "attribute name syntax error at",
 * "unbalanced {} in attribute expression", a loop: "unreasonable macro
 * call nesting: \"NAME\"", and so on. Postfix logs these as warnings
 * and then fails with "macro processing error"; callers do the same.
 *
 * Relational operators: ==, !=, <, <=, >=, > compare numbers when both
 * operands are all digits, else strings; with the suffix "level"
 * (<level, ...) they compare compatibility levels such as 2 and 3.6.
 *
 * MAINCONF_EXP_RECORD adds every name looked up to used (when not
 * NULL). MAINCONF_EXP_SCAN only parses: it records the names in both
 * branches of every conditional, looks nothing up and writes nothing.
 */
#define MAINCONF_EXP_RECURSE	(1 << 0)	/* expand values of values */
#define MAINCONF_EXP_RECORD	(1 << 1)	/* names looked up -> used */
#define MAINCONF_EXP_SCAN	(1 << 2)	/* parse and record only */
extern int mainconf_expand(struct STRBUF *result, const char *value,
			   int flags, struct ARGV *used, struct STRBUF *why);

/*
 * The same with another source of values: lookup returns the raw value
 * of a name, or NULL when it is undefined (postconf -d looks only at
 * defaults). The returned text must stay valid until the next lookup.
 */
typedef const char *(*MAINCONF_LOOKUP_FN)(const char *name, void *context);
extern int mainconf_expand_fn(struct STRBUF *result, const char *value,
			      int flags, MAINCONF_LOOKUP_FN lookup,
			      void *context, struct ARGV *used,
			      struct STRBUF *why);

/*
 * Sets (or, with NULL, clears) a local scope that mainconf_expand(),
 * mainconf_eval() and mainconf_lookup() consult before main.cf: the
 * -o settings of a master.cf service, as postconf -Mx shows them. The
 * lookup returns NULL for names that the scope does not set.
 */
extern void mainconf_set_scope(MAINCONF_LOOKUP_FN lookup, void *context);

/*
 * Expands value recursively with main.cf values and defaults, as
 * programs see them. An error is fatal with Postfix's wording: the
 * reason as a warning, then "dictionary mail_dict: macro processing
 * error".
 */
extern void mainconf_eval(struct STRBUF *result, const char *value);

/*
 * Stores every parameter of the given groups in its var_* variable,
 * from main.cf or the default, expanded (except RAW). Bad values are
 * fatal, with Postfix's wording. Idempotent.
 */
extern void mainconf_load(int groups);

/* Forgets everything read (for tests and reloads); keeps the directory. */
extern void mainconf_reset(void);

#endif
