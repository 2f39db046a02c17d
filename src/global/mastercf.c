/*
 * mastercf.c - master.cf: reading, normalizing, editing
 *
 * The file is read as physical lines and grouped the way Postfix's
 * readllines() groups them: a line that starts with text begins an
 * entry, a line that starts with white space continues it, and comment
 * and blank lines neither end nor continue anything. Each entry keeps
 * its physical lines so that mastercf_write() can copy untouched
 * entries byte for byte. (cfgline_read() cannot be used here: it drops
 * the comment lines that an editor must keep.)
 *
 * Parsing, normalization, the checks and the output layout follow
 * Postfix 3.7's postconf, so that postconf -M, -F and -P print what
 * Postfix prints. Deliberate differences, all where Postfix would
 * change what the file means:
 *
 * - postconf splits "-oname=value" again at every later 'o' in the
 *   value ("-osyslog_name=x" becomes "-o sysl" "-o g_name=x"). Here an
 *   option cluster is split getopt-style: the first option letter that
 *   takes a value takes the rest of the word.
 * - postconf writes an edited entry without braces around its first
 *   non-option argument, even when that has white space; we keep them.
 * - postconf appends new text to a last line that has no newline, which
 *   joins the two; we end that line first.
 * - An empty private, unprivileged or chroot column, or an empty
 *   command, is invalid here; postconf -Fe writes such an entry.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "mastercf.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* Field separators of a master.cf entry (Postfix's PCF_MASTER_BLANKS). */
#define MCF_BLANKS " \t\r\n"

/* Braces that protect white space in arguments. */
#define MCF_BRACES "{}"

/* Daemon options that take a value (Postfix accepts only -o). */
#define MCF_OPTS_WITH_VALUE "o"

/* Warnings about master.cf text carry this prefix, as in Postfix. */
#define MCF_WARN_PREFIX "master.cf"

/* postconf -M layout: preferred column of each field, fold limit. */
static const int mcf_column_goal[MASTERCF_NCOLUMNS] = {
    0, 11, 17, 25, 33, 41, 49, 57,
};

#define MCF_LINE_LIMIT 80
#define MCF_INDENT_TEXT "    "
#define MCF_INDENT_LEN 4

/* Field names as postconf uses them in messages and with -F. */
static const char *const mcf_field_names[MASTERCF_NCOLUMNS] = {
    "service", "type",	 "private",	  "unprivileged",
    "chroot",  "wakeup", "process_limit", "command",
};

static const char *const mcf_valid_types[] = {
    "unix", "fifo", "inet", "pass", "unix-dgram", NULL,
};

/* mcf_is_noise - a blank line or a comment line */

static int
mcf_is_noise(const char *line)
{
	while (isspace((unsigned char) *line))
		line++;
	return *line == 0 || *line == '#';
}

/* mcf_is_continued - a line that continues the logical line before it */

static int
mcf_is_continued(const char *line)
{
	return isspace((unsigned char) *line) && !mcf_is_noise(line);
}

/* mcf_entry_new - empty entry */

static MASTERCF_ENTRY *
mcf_entry_new(int is_service)
{
	MASTERCF_ENTRY *ent = xcalloc(1, sizeof(*ent));

	ent->is_service = is_service;
	return ent;
}

/* mcf_entry_clear - forget parsed data */

static void
mcf_entry_clear(MASTERCF_ENTRY *ent)
{
	int i;

	argv_free(&ent->argv);
	argv_free(&ent->args);
	argv_free(&ent->opt_names);
	argv_free(&ent->opt_values);
	for (i = 0; i < MASTERCF_COMMAND; i++)
		ent->column[i] = NULL;
	ent->parsed = 0;
}

/* mastercf_entry_free - destroy one entry */

void
mastercf_entry_free(MASTERCF_ENTRY *ent)
{
	if (ent == NULL)
		return;
	mcf_entry_clear(ent);
	argv_free(&ent->lines);
	xfree(ent->text);
	xfree(ent);
}

/* mastercf_split_nameval - Postfix's split_nameval(), in place */

const char *
mastercf_split_nameval(char *buf, char **name, char **value)
{
	char *np;
	char *ep;
	char *cp;
	char *vp;
	char *end;

	for (np = buf; isspace((unsigned char) *np); np++)
		/* void */;
	if (*np == 0 || *np == '=')
		return "missing attribute name";
	for (ep = np; *ep && !isspace((unsigned char) *ep) && *ep != '='; ep++)
		/* void */;
	for (cp = ep; isspace((unsigned char) *cp); cp++)
		/* void */;
	if (*cp != '=')
		return "missing '=' after attribute name";
	*ep = 0;
	for (vp = cp + 1; isspace((unsigned char) *vp); vp++)
		/* void */;
	for (end = vp + strlen(vp);
	     end > vp && isspace((unsigned char) end[-1]); end--)
		/* void */;
	*end = 0;
	*name = np;
	*value = vp;
	return NULL;
}

/* mcf_balpar - length of the balanced {...} group at the start, or 0 */

static size_t
mcf_balpar(const char *str)
{
	const char *cp;
	int level = 1;

	if (*str != MCF_BRACES[0])
		return 0;
	for (cp = str + 1; *cp; cp++) {
		if (*cp == MCF_BRACES[1]) {
			if (--level == 0)
				return (size_t) (cp - str + 1);
		} else if (*cp == MCF_BRACES[0]) {
			level++;
		}
	}
	return 0;
}

/*
 * mcf_extract_field - strip the braces from argv[field]
 *
 * Like Postfix's extpar(): an unbalanced or trailing-garbage group draws
 * a warning and is still used (the text after the opening brace, or the
 * balanced part).
 */

static void
mcf_extract_field(ARGV *argvp, size_t field, int flags)
{
	char *copy = xstrdup(argvp->argv[field]);
	char *cp = copy;
	char *end;
	size_t len;

	if ((len = mcf_balpar(cp)) == 0) {
		if ((flags & MASTERCF_FLAG_QUIET) == 0)
			log_warn("%s: missing '%c' in \"%s\"", MCF_WARN_PREFIX,
				 MCF_BRACES[1], argvp->argv[field]);
		cp += 1;
	} else {
		if (cp[len] != 0 && (flags & MASTERCF_FLAG_QUIET) == 0)
			log_warn("%s: syntax error after '%c' in \"%s\"",
				 MCF_WARN_PREFIX, MCF_BRACES[1],
				 argvp->argv[field]);
		cp[len - 1] = 0;
		cp += 1;
	}
	for (end = cp + strlen(cp);
	     end > cp && isspace((unsigned char) end[-1]); end--)
		/* void */;
	*end = 0;
	while (isspace((unsigned char) *cp))
		cp++;
	xfree(argvp->argv[field]);
	argvp->argv[field] = xstrdup(cp);
	xfree(copy);
}

/* mcf_normalize_nameval - "name = value" from inside braces to name=value */

static void
mcf_normalize_nameval(ARGV *argvp, size_t field, int flags)
{
	char *copy = xstrdup(argvp->argv[field]);
	const char *err;
	char *name;
	char *value;

	if ((err = mastercf_split_nameval(copy, &name, &value)) != NULL) {
		if ((flags & MASTERCF_FLAG_QUIET) == 0)
			log_warn("%s: %s: \"%s\"", MCF_WARN_PREFIX, err,
				 argvp->argv[field]);
	} else {
		xfree(argvp->argv[field]);
		argvp->argv[field] = str_concat(name, "=", value, (char *) 0);
	}
	xfree(copy);
}

/* mcf_takes_value - is this option word one whose value follows */

static int
mcf_takes_value(const char *arg)
{
	return arg[0] == '-' && arg[1] != 0 &&
	       strchr(MCF_OPTS_WITH_VALUE, arg[1]) != NULL;
}

/* mcf_is_option - still in the leading daemon options */

static int
mcf_is_option(const char *arg)
{
	return arg[0] == '-' && strcmp(arg, "--") != 0;
}

/*
 * mcf_normalize_args - bring the daemon arguments into postconf's form
 *
 * Option clusters are split before the first option that takes a value;
 * "-oname=value" becomes "-o" "name=value"; braces are stripped, and a
 * braced -o value loses the white space around its '='. Arguments after
 * the first non-option only lose their braces.
 */

static void
mcf_normalize_args(ARGV *argvp, size_t first, int flags)
{
	size_t field;
	char *arg;
	char *cp;
	int extract;

	for (field = first; field < argvp->argc; field++) {
		arg = argvp->argv[field];
		if (!mcf_is_option(arg))
			break;
		if (arg[1] != 0 &&
		    strchr(MCF_OPTS_WITH_VALUE, arg[1]) == NULL) {
			for (cp = arg + 2; *cp; cp++) {
				if (strchr(MCF_OPTS_WITH_VALUE, *cp) != NULL) {
					char *rest =
					    str_concat("-", cp, (char *) 0);

					argv_insert(argvp, field + 1, rest);
					xfree(rest);
					*cp = 0;
					break;
				}
			}
			continue;
		}
		if (!mcf_takes_value(arg))
			continue;
		if (arg[2] != 0) {
			argv_insert(argvp, field + 1, arg + 2);
			arg[2] = 0;
			field += 1;
			extract = (argvp->argv[field][0] == MCF_BRACES[0]);
		} else if (field + 1 < argvp->argc) {
			field += 1;
			extract = (argvp->argv[field][0] == MCF_BRACES[0]);
		} else {
			extract = 0;
		}
		if (extract) {
			mcf_extract_field(argvp, field, flags);
			mcf_normalize_nameval(argvp, field, flags);
		}
	}
	for (/* void */; field < argvp->argc; field++)
		if (argvp->argv[field][0] == MCF_BRACES[0])
			mcf_extract_field(argvp, field, flags);
}

/* mcf_printable_text - message text: newlines shown as spaces */

static char *
mcf_printable_text(const char *text)
{
	char *copy = xstrdup(text);
	char *cp;

	for (cp = copy; *cp; cp++)
		if (*cp == '\n')
			*cp = ' ';
	return copy;
}

/* mcf_check_argv - postconf's per-field checks */

static int
mcf_check_argv(const ARGV *argvp, const char *text, STRBUF *why)
{
	const char *const *tp;
	const char *cp;
	const char *bad_field = NULL;
	const char *bad_value = NULL;
	size_t len;
	int field;
	char *shown;

	cp = argvp->argv[MASTERCF_TYPE];
	for (tp = mcf_valid_types; *tp && strcmp(*tp, cp) != 0; tp++)
		/* void */;
	if (*tp == NULL) {
		bad_field = mcf_field_names[MASTERCF_TYPE];
		bad_value = cp;
	}
	for (field = MASTERCF_PRIVATE;
	     bad_field == NULL && field <= MASTERCF_CHROOT; field++) {
		cp = argvp->argv[field];
		if (cp[0] == 0 || cp[1] != 0 || strchr("yn-", *cp) == NULL) {
			bad_field = mcf_field_names[field];
			bad_value = cp;
		}
	}
	if (bad_field == NULL) {
		cp = argvp->argv[MASTERCF_WAKEUP];
		len = strlen(cp);
		if (len > 0 && cp[len - 1] == '?')
			len--;
		if (!(cp[0] == '-' && len == 1) &&
		    strspn(cp, "0123456789") != len) {
			bad_field = mcf_field_names[MASTERCF_WAKEUP];
			bad_value = cp;
		}
	}
	if (bad_field == NULL) {
		cp = argvp->argv[MASTERCF_MAXPROC];
		if (strcmp(cp, "-") != 0 && cp[strspn(cp, "0123456789")] != 0) {
			bad_field = mcf_field_names[MASTERCF_MAXPROC];
			bad_value = cp;
		}
	}
	if (bad_field == NULL)
		return 0;
	shown = mcf_printable_text(text);
	strbuf_printf(why, "invalid %s field \"%s\" in \"%s\"", bad_field,
		      bad_value, shown);
	xfree(shown);
	return -1;
}

/* mcf_derive - refresh the columns, args and options from argv */

static void
mcf_derive(MASTERCF_ENTRY *ent)
{
	ARGV *argvp = ent->argv;
	size_t field;
	const char *arg;
	char *copy;
	char *name;
	char *value;
	int i;

	argv_free(&ent->args);
	argv_free(&ent->opt_names);
	argv_free(&ent->opt_values);
	ent->args = argv_create();
	ent->opt_names = argv_create();
	ent->opt_values = argv_create();
	for (i = 0; i < MASTERCF_COMMAND; i++)
		ent->column[i] = argvp->argv[i];
	argv_add(ent->args, argvp->argv[MASTERCF_COMMAND]);
	for (field = MASTERCF_COMMAND + 1; field < argvp->argc; field++) {
		arg = argvp->argv[field];
		if (!mcf_is_option(arg))
			break;
		if (strcmp(arg, "-o") == 0 && field + 1 < argvp->argc) {
			copy = xstrdup(argvp->argv[field + 1]);
			if (mastercf_split_nameval(copy, &name, &value) ==
			    NULL) {
				argv_add(ent->opt_names, name);
				argv_add(ent->opt_values, value);
			} else {
				argv_add(ent->args, arg);
				argv_add(ent->args, argvp->argv[field + 1]);
			}
			xfree(copy);
			field += 1;
			continue;
		}
		argv_add(ent->args, arg);
	}
	for (/* void */; field < argvp->argc; field++)
		argv_add(ent->args, argvp->argv[field]);
	ent->parsed = 1;
}

/* mcf_split - split entry text into fields, brace groups kept whole */

static ARGV *
mcf_split(const char *text)
{
	ARGV *argvp = argv_create();
	char *copy = xstrdup(text);
	char *cp = copy;
	char *tok;

	while ((tok = token_next_q(&cp, MCF_BLANKS, MCF_BRACES, NULL)) != NULL)
		argv_add(argvp, tok);
	xfree(copy);
	return argvp;
}

/* mcf_parse_text() results. */
#define MCF_ERR_COUNT (-1) /* fewer than eight fields */
#define MCF_ERR_FIELD (-2) /* a bad column value */

/*
 * mcf_parse_text - parse entry text into ent
 *
 * text is what the fields come from; shown is the text for messages.
 * Returns 0 or one of the MCF_ERR_ codes, with why.
 */

static int
mcf_parse_text(MASTERCF_ENTRY *ent, const char *text, const char *shown,
	       int flags, STRBUF *why)
{
	ARGV *argvp = mcf_split(text);

	if (argvp->argc < MASTERCF_NCOLUMNS) {
		argv_free(&argvp);
		strbuf_set(why, "bad field count");
		return MCF_ERR_COUNT;
	}
	if (mcf_check_argv(argvp, shown, why) < 0) {
		argv_free(&argvp);
		return MCF_ERR_FIELD;
	}
	mcf_normalize_args(argvp, MASTERCF_COMMAND + 1, flags);
	mcf_entry_clear(ent);
	ent->argv = argvp;
	mcf_derive(ent);
	return 0;
}

/* mastercf_parse - parse the text of one entry */

MASTERCF_ENTRY *
mastercf_parse(const char *text, STRBUF *why)
{
	MASTERCF_ENTRY *ent = mcf_entry_new(1);

	if (mcf_parse_text(ent, text, text, 0, why) < 0) {
		mastercf_entry_free(ent);
		return NULL;
	}
	ent->text = xstrdup(text);
	return ent;
}

/* mastercf_check - check the columns of a parsed entry */

int
mastercf_check(const MASTERCF_ENTRY *ent, const char *text, STRBUF *why)
{
	if (ent->argv == NULL || ent->argv->argc < MASTERCF_NCOLUMNS) {
		strbuf_set(why, "bad field count");
		return -1;
	}
	return mcf_check_argv(ent->argv, text, why);
}

/* mastercf_entry_parse - parse an entry read for editing */

int
mastercf_entry_parse(MASTERCF_ENTRY *ent, STRBUF *why)
{
	STRBUF *shown;
	size_t i;
	int ret;

	if (ent->parsed)
		return 0;
	if (!ent->is_service || ent->lines == NULL) {
		strbuf_set(why, "bad field count");
		return -1;
	}

	/*
	 * postconf's editor shows the entry as it collected it: each line
	 * with its newline, which the message turns into a space.
	 */
	shown = strbuf_create(100);
	for (i = 0; i < ent->lines->argc; i++) {
		if (i > 0 && !mcf_is_continued(ent->lines->argv[i]))
			continue;
		strbuf_append_str(shown, ent->lines->argv[i]);
		strbuf_append_char(shown, '\n');
	}
	ret = mcf_parse_text(ent, strbuf_str(shown), strbuf_str(shown), 0, why);
	strbuf_free(&shown);
	return ret < 0 ? -1 : 0;
}

/* mcf_add - link an entry at the end */

static void
mcf_add(MASTERCF *mcf, MASTERCF_ENTRY *ent)
{
	ent->next = NULL;
	if (mcf->tail)
		mcf->tail->next = ent;
	else
		mcf->head = ent;
	mcf->tail = ent;
}

/* mastercf_replace - new fields for an entry read from the file */

void
mastercf_replace(MASTERCF_ENTRY *ent, MASTERCF_ENTRY *new_entry)
{
	mcf_entry_clear(ent);
	ent->argv = new_entry->argv;
	new_entry->argv = NULL;
	xfree(ent->text);
	ent->text = new_entry->text;
	new_entry->text = NULL;
	mastercf_entry_free(new_entry);
	mcf_derive(ent);
	ent->edit = MASTERCF_EDIT_REPLACE;
}

/* mastercf_append - add a new entry at the end of the file */

void
mastercf_append(MASTERCF *mcf, MASTERCF_ENTRY *ent)
{
	ent->edit = MASTERCF_EDIT_REPLACE;
	mcf_add(mcf, ent);
}

/* mcf_read_lines - the physical lines of a file, without newlines */

static ARGV *
mcf_read_lines(FILE *fp, int *noeol)
{
	ARGV *lines = argv_create();
	STRBUF *buf = strbuf_create(200);
	int ch;
	int got = 0;

	while ((ch = getc(fp)) != EOF) {
		got = 1;
		if (ch == '\n') {
			argv_add(lines, strbuf_str(buf));
			strbuf_reset(buf);
			got = 0;
			continue;
		}
		strbuf_append_char(buf, ch);
	}
	if (got)
		argv_add(lines, strbuf_str(buf));
	*noeol = got;
	strbuf_free(&buf);
	return lines;
}

/* mcf_first_words - service name and type from the first line */

static void
mcf_first_words(MASTERCF_ENTRY *ent)
{
	ARGV *words = argv_split(ent->lines->argv[0], MCF_BLANKS);

	/*
	 * An entry read for editing has no argv; keep the two words in it
	 * so that the column pointers have an owner.
	 */
	ent->argv = argv_create();
	if (words->argc > 0) {
		argv_add(ent->argv, words->argv[0]);
		if (words->argc > 1)
			argv_add(ent->argv, words->argv[1]);
	}
	ent->column[MASTERCF_SERVICE] =
	    ent->argv->argc > 0 ? ent->argv->argv[0] : NULL;
	ent->column[MASTERCF_TYPE] =
	    ent->argv->argc > 1 ? ent->argv->argv[1] : NULL;
	argv_free(&words);
}

/* mcf_finish - complete an entry once all its lines are known */

static int
mcf_finish(MASTERCF *mcf, MASTERCF_ENTRY *ent, STRBUF *logical, int flags,
	   STRBUF *why)
{
	STRBUF *err;

	ent->text = xstrdup(strbuf_str(logical));
	if (!ent->is_service) {
		/* readllines() skips such text with this warning. */
		if ((flags & (MASTERCF_FLAG_EDIT | MASTERCF_FLAG_QUIET)) == 0)
			log_warn("%s: logical line must not start with "
				 "whitespace: \"%.30s%s\"",
				 mcf->path, ent->text,
				 strlen(ent->text) > 30 ? "..." : "");
		return 0;
	}
	if (flags & MASTERCF_FLAG_EDIT) {
		mcf_first_words(ent);
		return 0;
	}
	err = strbuf_create(100);
	switch (mcf_parse_text(ent, ent->text, ent->text, flags, err)) {
	case 0:
		break;
	case MCF_ERR_COUNT:
		/* postconf's wording; the field checks name no location. */
		strbuf_printf(why, "file %s: line %d: %s", mcf->path, ent->line,
			      strbuf_str(err));
		strbuf_free(&err);
		return -1;
	default:
		strbuf_set(why, strbuf_str(err));
		strbuf_free(&err);
		return -1;
	}
	strbuf_free(&err);
	return 0;
}

/* mcf_group - group physical lines into entries */

static int
mcf_group(MASTERCF *mcf, ARGV *lines, int flags, STRBUF *why)
{
	MASTERCF_ENTRY *ent = NULL; /* entry that takes continuation */
	STRBUF *logical = strbuf_create(200);
	const char *line;
	size_t i;
	int err = 0;

	for (i = 0; i < lines->argc; i++) {
		line = lines->argv[i];
		if (mcf_is_noise(line)) {
			if (ent != NULL) {
				argv_add(ent->lines, line);
			} else {
				MASTERCF_ENTRY *c = mcf_entry_new(0);

				c->text = xstrdup(line);
				c->line = (int) i + 1;
				mcf_add(mcf, c);
			}
			continue;
		}
		if (mcf_is_continued(line) && ent != NULL) {
			argv_add(ent->lines, line);
			strbuf_append_str(logical, line);
			continue;
		}

		/*
		 * A new logical line: finish the previous one first.
		 */
		if (ent != NULL &&
		    (err = mcf_finish(mcf, ent, logical, flags, why)) < 0)
			break;
		ent = mcf_entry_new(!isspace((unsigned char) *line));
		ent->line = (int) i + 1;
		ent->lines = argv_create();
		argv_add(ent->lines, line);
		strbuf_set(logical, line);
		mcf_add(mcf, ent);
	}
	if (err == 0 && ent != NULL)
		err = mcf_finish(mcf, ent, logical, flags, why);
	strbuf_free(&logical);
	return err;
}

/* mcf_create - empty master.cf */

static MASTERCF *
mcf_create(const char *path)
{
	MASTERCF *mcf = xcalloc(1, sizeof(*mcf));

	mcf->path = xstrdup(path);
	mcf->edit_fd = -1;
	return mcf;
}

/* mcf_read_stream - read and group an open file */

static MASTERCF *
mcf_read_stream(MASTERCF *mcf, FILE *fp, int flags, STRBUF *why)
{
	ARGV *lines = mcf_read_lines(fp, &mcf->noeol);
	int read_err = ferror(fp);
	int err;

	if (read_err) {
		strbuf_printf(why, "read %s: %s", mcf->path, strerror(errno));
		argv_free(&lines);
		mastercf_free(mcf);
		return NULL;
	}
	err = mcf_group(mcf, lines, flags, why);
	argv_free(&lines);
	if (err < 0) {
		mastercf_free(mcf);
		return NULL;
	}
	return mcf;
}

/* mastercf_read_flags - read master.cf */

MASTERCF *
mastercf_read_flags(const char *path, int flags, STRBUF *why)
{
	MASTERCF *mcf;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		strbuf_printf(why, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	mcf = mcf_read_stream(mcf_create(path), fp, flags, why);
	(void) fclose(fp);
	return mcf;
}

/* mastercf_read - read and check master.cf */

MASTERCF *
mastercf_read(const char *path, STRBUF *why)
{
	return mastercf_read_flags(path, 0, why);
}

/*
 * mcf_lock_tmp - create and lock path.tmp
 *
 * Postfix's edit_file protocol: whoever holds the lock on the temporary
 * file may edit; a file that was renamed or removed while we waited for
 * its lock is not the one to use, so try again.
 */

static int
mcf_lock_tmp(const char *tmp_path, STRBUF *why)
{
	struct stat fst;
	struct stat pst;
	int fd;

	for (;;) {
		if ((fd = open(tmp_path, O_CREAT | O_WRONLY, 0644)) < 0) {
			strbuf_printf(why, "open %s: %s", tmp_path,
				      strerror(errno));
			return -1;
		}
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				strbuf_printf(why, "lock %s: %s", tmp_path,
					      strerror(errno));
				(void) close(fd);
				return -1;
			}
		}
		if (fstat(fd, &fst) < 0) {
			strbuf_printf(why, "open %s: %s", tmp_path,
				      strerror(errno));
			(void) close(fd);
			return -1;
		}
		if (stat(tmp_path, &pst) == 0 && pst.st_dev == fst.st_dev &&
		    pst.st_ino == fst.st_ino && fst.st_nlink > 0)
			break;
		(void) close(fd);
	}
	if (ftruncate(fd, 0) < 0) {
		strbuf_printf(why, "truncate %s: %s", tmp_path,
			      strerror(errno));
		(void) unlink(tmp_path);
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* mastercf_open_edit - lock the temporary file, then read */

MASTERCF *
mastercf_open_edit(const char *path, int flags, STRBUF *why)
{
	char *tmp_path = str_concat(path, ".tmp", (char *) 0);
	MASTERCF *mcf;
	FILE *fp;
	int fd;

	if ((fd = mcf_lock_tmp(tmp_path, why)) < 0) {
		xfree(tmp_path);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		strbuf_printf(why, "open %s for reading: %s", path,
			      strerror(errno));
		(void) unlink(tmp_path);
		(void) close(fd);
		xfree(tmp_path);
		return NULL;
	}
	mcf = mcf_create(path);
	mcf->edit_fd = fd;
	mcf->edit_path = tmp_path;
	mcf = mcf_read_stream(mcf, fp, flags, why);
	(void) fclose(fp);
	return mcf;
}

/* mastercf_free - destroy master.cf, dropping an unfinished edit */

void
mastercf_free(MASTERCF *mcf)
{
	MASTERCF_ENTRY *ent;
	MASTERCF_ENTRY *next;

	if (mcf == NULL)
		return;
	for (ent = mcf->head; ent; ent = next) {
		next = ent->next;
		mastercf_entry_free(ent);
	}
	if (mcf->edit_fd >= 0) {
		(void) unlink(mcf->edit_path);
		(void) close(mcf->edit_fd);
	}
	xfree(mcf->edit_path);
	xfree(mcf->path);
	xfree(mcf);
}

/* mastercf_find - the entry in effect for service/type */

MASTERCF_ENTRY *
mastercf_find(MASTERCF *mcf, const char *service, const char *type)
{
	MASTERCF_ENTRY *ent;
	MASTERCF_ENTRY *found = NULL;

	for (ent = mcf->head; ent; ent = ent->next) {
		if (!ent->is_service || ent->edit == MASTERCF_EDIT_REMOVE ||
		    ent->edit == MASTERCF_EDIT_COMMENT ||
		    ent->column[MASTERCF_SERVICE] == NULL ||
		    ent->column[MASTERCF_TYPE] == NULL)
			continue;
		if (strcmp(ent->column[MASTERCF_SERVICE], service) == 0 &&
		    (type == NULL ||
		     strcmp(ent->column[MASTERCF_TYPE], type) == 0))
			found = ent;
	}
	return found;
}

/* mastercf_option - value of -o name */

const char *
mastercf_option(const MASTERCF_ENTRY *ent, const char *name)
{
	const char *value = NULL;
	size_t i;

	if (!ent->parsed)
		return NULL;
	for (i = 0; i < ent->opt_names->argc; i++)
		if (strcmp(ent->opt_names->argv[i], name) == 0)
			value = ent->opt_values->argv[i];
	return value;
}

/* mastercf_set_field - replace a column, or the command and arguments */

int
mastercf_set_field(MASTERCF_ENTRY *ent, int column, const char *value,
		   STRBUF *why)
{
	ARGV *words;
	size_t i;
	int ret;

	if (!ent->parsed || column < 0 || column > MASTERCF_COMMAND)
		log_panic("mastercf_set_field: bad request for column %d",
			  column);
	if (column == MASTERCF_COMMAND) {
		argv_truncate(ent->argv, MASTERCF_COMMAND);
		words = mcf_split(value);
		for (i = 0; i < words->argc; i++)
			argv_add(ent->argv, words->argv[i]);
		argv_free(&words);
		mcf_normalize_args(ent->argv, MASTERCF_COMMAND + 1, 0);
	} else {
		xfree(ent->argv->argv[column]);
		ent->argv->argv[column] = xstrdup(value);
	}
	ent->edit = MASTERCF_EDIT_MODIFY;
	if (ent->argv->argc < MASTERCF_NCOLUMNS) {
		/* An empty command: keep the entry printable. */
		argv_add(ent->argv, "");
		mcf_derive(ent);
		strbuf_printf(why, "invalid %s field \"%s\" in \"%s\"",
			      mcf_field_names[MASTERCF_COMMAND], value, value);
		return -1;
	}
	ret = mcf_check_argv(ent->argv, value, why);
	mcf_derive(ent);
	return ret;
}

/*
 * mcf_edit_option - replace or remove -o name=... among the options
 *
 * Returns the number of matches; *end gets the index where the options
 * end (where a new one goes).
 */

static int
mcf_edit_option(MASTERCF_ENTRY *ent, const char *name, const char *value,
		size_t *end)
{
	ARGV *argvp = ent->argv;
	size_t name_len = strlen(name);
	size_t field;
	const char *arg;
	const char *aval;
	int matches = 0;
	char *setting;

	for (field = MASTERCF_COMMAND + 1; field < argvp->argc; field++) {
		arg = argvp->argv[field];
		if (!mcf_is_option(arg))
			break;
		if (!mcf_takes_value(arg) || field + 1 >= argvp->argc)
			continue;
		aval = argvp->argv[field + 1];
		if (strcmp(arg, "-o") == 0 &&
		    strncmp(aval, name, name_len) == 0 &&
		    aval[name_len] == '=') {
			matches++;
			if (value != NULL) {
				setting =
				    str_concat(name, "=", value, (char *) 0);
				xfree(argvp->argv[field + 1]);
				argvp->argv[field + 1] = setting;
			} else {
				argv_delete(argvp, field, 2);
				field -=
				    1; /* the loop steps to the next word */
				continue;
			}
		}
		field += 1;
	}
	*end = field;
	return matches;
}

/* mastercf_set_option - set -o name=value */

void
mastercf_set_option(MASTERCF_ENTRY *ent, const char *name, const char *value)
{
	size_t end;
	char *setting;

	if (!ent->parsed)
		log_panic("mastercf_set_option: entry is not parsed");
	if (mcf_edit_option(ent, name, value, &end) == 0) {
		setting = str_concat(name, "=", value, (char *) 0);
		argv_insert(ent->argv, end, "-o");
		argv_insert(ent->argv, end + 1, setting);
		xfree(setting);
	}
	ent->edit = MASTERCF_EDIT_MODIFY;
	mcf_derive(ent);
}

/* mastercf_del_option - remove -o name=... */

int
mastercf_del_option(MASTERCF_ENTRY *ent, const char *name)
{
	size_t end;
	int count;

	if (!ent->parsed)
		log_panic("mastercf_del_option: entry is not parsed");
	count = mcf_edit_option(ent, name, NULL, &end);
	ent->edit = MASTERCF_EDIT_MODIFY;
	mcf_derive(ent);
	return count;
}

/* Internal format flags. */
#define MCF_FMT_FOLD (1 << 0) /* postconf -Mf */
#define MCF_FMT_SAFE (1 << 1) /* brace every argument that needs it */

/* mcf_has_blank - does text need braces to stay one field */

static int
mcf_has_blank(const char *text)
{
	return text[strcspn(text, MCF_BLANKS)] != 0;
}

/*
 * mcf_needs_braces - would the text read back differently without braces
 *
 * Reading splits at white space, drops empty fields and strips one pair
 * of braces from a field that starts with '{'; and a folded line that
 * starts with '#' is a comment (found by mastercf_fuzz: "{}", "{{a}}"
 * and "#" did not survive a rewrite).
 */

static int
mcf_needs_braces(const char *text)
{
	return *text == 0 || *text == MCF_BRACES[0] || *text == '#'
	    || mcf_has_blank(text);
}

/*
 * mcf_braced_option - an argument that looks like an option only because
 * reading took its braces off ("{-x y}", "{-oa}"); written as it is, it
 * would read back as other options (also found by mastercf_fuzz)
 */

static int
mcf_braced_option(const char *arg)
{
	return mcf_is_option(arg)
	    && (mcf_has_blank(arg) || (strcmp(arg, "-o") != 0
		   && strpbrk(arg + 1, MCF_OPTS_WITH_VALUE) != NULL));
}

/*
 * mcf_format - postconf's pcf_print_master_entry() layout
 *
 * The columns go to their preferred positions with at least one space
 * between them. With folding, every option with a value starts a line
 * of its own, and so does whatever follows it; other words wrap at 80
 * columns. postconf does not brace the first non-option argument even
 * when it has white space (its own tests expect that); MCF_FMT_SAFE
 * braces every argument that needs it, so that a rewritten file means
 * what it meant: also empty ones, ones that start with '{', and ones
 * that were braced because they would otherwise read as options.
 */

static void
mcf_format(const MASTERCF_ENTRY *ent, int flags, MASTERCF_EXPAND_FN expand,
	   void *context, STRBUF *out)
{
	char **argv = ent->argv->argv;
	size_t argc = ent->argv->argc;
	size_t line_len = 0;
	size_t arg_len;
	size_t field;
	const char *arg;
	const char *aval;
	int in_options = 1;
	int need_parens;

#define MCF_ADD(text)                                                          \
	do {                                                                   \
		strbuf_append_str(out, (text));                                \
		line_len += strlen(text);                                      \
	} while (0)

	for (field = 0; field < MASTERCF_NCOLUMNS && field < argc; field++) {
		if (line_len > 0) {
			do {
				MCF_ADD(" ");
			} while (line_len < (size_t) mcf_column_goal[field]);
		}
		MCF_ADD(argv[field]);
	}
	for (/* void */; field < argc; field++) {
		arg = argv[field];
		arg_len = strlen(arg);
		aval = NULL;
		need_parens = 0;
		if (in_options) {
			if (!mcf_is_option(arg) || ((flags & MCF_FMT_SAFE)
						    && mcf_braced_option(arg))) {
				in_options = 0;
				if (flags & MCF_FMT_SAFE)
					need_parens = mcf_needs_braces(arg)
					    || mcf_is_option(arg);
			} else if (mcf_takes_value(arg) && field + 1 < argc) {
				aval = argv[field + 1];
				line_len = MCF_LINE_LIMIT;
				if (expand != NULL && strcmp(arg, "-o") == 0)
					aval = expand(ent, aval, context);
				arg_len += strlen(aval) + 3;
				need_parens = (flags & MCF_FMT_SAFE) ?
				    mcf_needs_braces(aval) : mcf_has_blank(aval);
				if (need_parens)
					arg_len += 2;
			}
		} else {
			need_parens = (flags & MCF_FMT_SAFE) ?
			    mcf_needs_braces(arg) : mcf_has_blank(arg);
		}
		if (line_len > MCF_INDENT_LEN) {
			if ((flags & MCF_FMT_FOLD) == 0 ||
			    line_len + 1 + arg_len < MCF_LINE_LIMIT) {
				MCF_ADD(" ");
			} else {
				strbuf_append_str(out, "\n" MCF_INDENT_TEXT);
				line_len = MCF_INDENT_LEN;
			}
		}
		if (!in_options && need_parens)
			MCF_ADD("{");
		MCF_ADD(arg);
		if (!in_options && need_parens)
			MCF_ADD("}");
		if (aval != NULL) {
			MCF_ADD(" ");
			if (need_parens)
				MCF_ADD("{");
			MCF_ADD(aval);
			if (need_parens)
				MCF_ADD("}");
			field += 1;
			line_len = MCF_LINE_LIMIT;
		}
	}
	strbuf_append_char(out, '\n');
#undef MCF_ADD
}

/* mastercf_format_expand - postconf -M[f][x] output for one entry */

void
mastercf_format_expand(const MASTERCF_ENTRY *ent, int fold,
		       MASTERCF_EXPAND_FN expand, void *context, STRBUF *out)
{
	if (!ent->parsed)
		log_panic("mastercf_format: entry is not parsed");
	mcf_format(ent, fold ? MCF_FMT_FOLD : 0, expand, context, out);
}

/* mastercf_format - postconf -M[f] output for one entry */

void
mastercf_format(const MASTERCF_ENTRY *ent, int fold, STRBUF *out)
{
	mastercf_format_expand(ent, fold, NULL, NULL, out);
}

/* mcf_put_lines - append an entry's lines, selected by kind */

#define MCF_LINES_NOISE (1 << 0) /* comment and blank lines */
#define MCF_LINES_TEXT (1 << 1)	 /* the service and continuation lines */

static void
mcf_put_lines(const MASTERCF_ENTRY *ent, int which, const char *prefix,
	      STRBUF *out, size_t *last_mark)
{
	size_t i;
	int noise;

	for (i = 0; i < ent->lines->argc; i++) {
		noise = (i > 0 && mcf_is_noise(ent->lines->argv[i]));
		if ((noise && (which & MCF_LINES_NOISE) == 0) ||
		    (!noise && (which & MCF_LINES_TEXT) == 0))
			continue;
		if (!noise && prefix != NULL)
			strbuf_append_str(out, prefix);
		strbuf_append_str(out, ent->lines->argv[i]);
		strbuf_append_char(out, '\n');
		if (last_mark != NULL && i + 1 == ent->lines->argc)
			*last_mark = strbuf_len(out);
	}
}

/* mcf_render - the whole file as it will be written */

static void
mcf_render(const MASTERCF *mcf, STRBUF *out)
{
	const MASTERCF_ENTRY *ent;
	size_t last_mark = 0; /* output length after the last line */
	size_t *mark;

	for (ent = mcf->head; ent; ent = ent->next) {
		mark = (ent == mcf->tail && ent->line > 0) ? &last_mark : NULL;
		if (ent->lines == NULL && !ent->is_service) {
			strbuf_append_str(out, ent->text);
			strbuf_append_char(out, '\n');
			if (mark)
				*mark = strbuf_len(out);
			continue;
		}
		if (ent->lines == NULL) {
			if (ent->edit != MASTERCF_EDIT_REMOVE)
				mcf_format(ent, MCF_FMT_FOLD | MCF_FMT_SAFE,
					   NULL, NULL, out);
			continue;
		}
		switch (ent->is_service ? ent->edit : MASTERCF_EDIT_NONE) {
		case MASTERCF_EDIT_REPLACE:
			mcf_format(ent, MCF_FMT_FOLD | MCF_FMT_SAFE, NULL, NULL,
				   out);
			mcf_put_lines(ent, MCF_LINES_NOISE, NULL, out, mark);
			break;
		case MASTERCF_EDIT_MODIFY:
			mcf_put_lines(ent, MCF_LINES_NOISE, NULL, out, mark);
			mcf_format(ent, MCF_FMT_FOLD | MCF_FMT_SAFE, NULL, NULL,
				   out);
			break;
		case MASTERCF_EDIT_REMOVE:
			mcf_put_lines(ent, MCF_LINES_NOISE, NULL, out, mark);
			break;
		case MASTERCF_EDIT_COMMENT:
			mcf_put_lines(ent, MCF_LINES_NOISE | MCF_LINES_TEXT,
				      "#", out, mark);
			break;
		default:
			mcf_put_lines(ent, MCF_LINES_NOISE | MCF_LINES_TEXT,
				      NULL, out, mark);
			break;
		}
	}

	/*
	 * A file whose last line had no newline keeps it that way when that
	 * line is still the last thing written. (Postfix also appends new
	 * text to such a line, which runs the two together; we do not.)
	 */
	if (mcf->noeol && last_mark > 0 && last_mark == strbuf_len(out))
		strbuf_truncate(out, last_mark - 1);
}

/* mcf_write_all - write a buffer completely */

static int
mcf_write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

/* mastercf_write - write to path.tmp, then rename into place */

int
mastercf_write(MASTERCF *mcf, STRBUF *why)
{
	STRBUF *out = strbuf_create(4096);
	int ret = -1;

	if (mcf->edit_fd < 0) {
		xfree(mcf->edit_path);
		mcf->edit_path = str_concat(mcf->path, ".tmp", (char *) 0);
		if ((mcf->edit_fd = mcf_lock_tmp(mcf->edit_path, why)) < 0) {
			strbuf_free(&out);
			return -1;
		}
	}
	mcf_render(mcf, out);
	if (mcf_write_all(mcf->edit_fd, strbuf_str(out), strbuf_len(out)) < 0 ||
	    fsync(mcf->edit_fd) < 0) {
		strbuf_printf(why, "write %s: %s", mcf->edit_path,
			      strerror(errno));
	} else if (rename(mcf->edit_path, mcf->path) < 0) {
		strbuf_printf(why, "rename %s to %s: %s", mcf->edit_path,
			      mcf->path, strerror(errno));
	} else {
		ret = 0;
	}
	if (ret < 0)
		(void) unlink(mcf->edit_path);
	/* Closing releases the lock, after the rename. */
	(void) close(mcf->edit_fd);
	mcf->edit_fd = -1;
	strbuf_free(&out);
	return ret;
}
