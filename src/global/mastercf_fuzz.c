/*
 * mastercf_fuzz.c - libFuzzer target for master.cf reading and editing
 *
 * The input is written as master.cf in a private directory (the module
 * reads only files) and read three ways: checked, for editing (lines
 * only), and for editing with each entry parsed on demand.
 *
 * Checks: errors come with a reason; a file read for editing and
 * written back unchanged is the same file, byte for byte; the checked
 * read and the parse-on-demand read agree on every entry; every entry
 * printed by mastercf_format(), folded or not, parses back to the same
 * fields; -o edits show up in mastercf_option(), survive printing and
 * parsing, and go away again; a command replaced with mastercf_set_field()
 * (the input's last line) prints and parses to the same fields; and a
 * file written after edits reads back with the edited entries intact.
 *
 * Where Postfix's own behaviour breaks one of these, and the module
 * keeps it for compatibility, the input is exempt from that check: see
 * display_safe(), newlines_matter(), argv_writable() and fuzz_options().
 * A NUL byte ends its line for the module (text after it is lost), so
 * the byte-for-byte check is skipped for input with NUL bytes.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "fuzz_file.h"
#include "log.h"
#include "mastercf.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_file;			/* its master.cf */

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* same_argv - same strings in the same order */

static int
same_argv(const ARGV *a, const ARGV *b)
{
	size_t	i;

	if (a == NULL || b == NULL || a->argc != b->argc)
		return 0;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 0;
	return 1;
}

/* odd_option - an option word that reading cannot have made ("{-oa}") */

static int
odd_option(const char *arg)
{
	return arg[0] == '-' && (arg[strcspn(arg, " \t\r\n")] != 0
			     || (strcmp(arg, "-o") != 0 && strchr(arg + 1, 'o')));
}

/*
 * display_safe - will postconf -M output parse back to the same fields
 *
 * postconf prints arguments after the options without braces, even
 * with white space in them, and prints nothing for an empty one; text
 * with braces of its own loses them when read again; an argument read
 * as "{-x y}" looks like an option once its braces are gone. mastercf_write()
 * braces what needs it; read_back() checks that.
 */

static int
display_safe(const MASTERCF_ENTRY *ent)
{
	size_t	i;
	int	options = 1;
	const char *arg;

	for (i = MASTERCF_COMMAND; i < ent->argv->argc; i++) {
		arg = ent->argv->argv[i];
		if (*arg == 0 || strpbrk(arg, "{}") != NULL)
			return 0;
		if (i == MASTERCF_COMMAND)
			continue;
		if (options && arg[0] != '-')
			options = 0;
		if ((!options && arg[strcspn(arg, " \t\r\n")] != 0)
		    || odd_option(arg))
			return 0;
	}
	return 1;
}

/* balanced - every '{' closed by a later '}' and the other way round */

static int
balanced(const char *text)
{
	int	level = 0;

	for (; *text; text++)
		if ((level += (*text == '{') - (*text == '}')) < 0)
			return 0;
	return level == 0;
}

/* vt_continued - a continuation line starts with \v or \f */

static int
vt_continued(const ARGV *lines)
{
	size_t	i;

	for (i = 1; i < lines->argc; i++)
		if (lines->argv[i][0] == '\v' || lines->argv[i][0] == '\f')
			return 1;
	return 0;
}

/*
 * newlines_matter - the newlines that postconf's editor keeps between
 * lines can change the fields: inside braces that span lines or are not
 * closed, or between words that the checked read joins (a line that
 * continues with \v or \f, which are not blanks)
 */

static int
newlines_matter(const MASTERCF_ENTRY *ent)
{
	return (strchr(ent->text, '{') && (ent->lines->argc > 1
					   || !balanced(ent->text)))
	    || vt_continued(ent->lines);
}

/*
 * argv_writable - every field can be written so that it reads back
 *
 * Not so a field with unbalanced braces (which drew a warning when it
 * was read), or with white space such as \v at either end, which the
 * braces it needs would lose (as in Postfix's extpar()).
 */

static int
argv_writable(const ARGV *argvp)
{
	const char *arg;
	size_t	i;

	for (i = 0; i < argvp->argc; i++) {
		arg = argvp->argv[i];
		if (!balanced(arg) || (*arg && (isspace((unsigned char) arg[0])
			     || isspace((unsigned char) arg[strlen(arg) - 1]))))
			return 0;
	}
	return 1;
}

/* reparse - print an entry, parse the text, compare the fields */

static void
reparse(const MASTERCF_ENTRY *ent, const char *what)
{
	STRBUF *text = strbuf_create(200);
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *again;
	int	fold;

	if (!display_safe(ent)) {
		strbuf_free(&text);
		strbuf_free(&why);
		return;
	}
	for (fold = 0; fold <= 1; fold++) {
		strbuf_reset(text);
		mastercf_format(ent, fold, text);
		check(strbuf_len(text) > 0 && strbuf_last(text) == '\n',
		      "printed entry does not end in a newline");
		if ((again = mastercf_parse(strbuf_str(text), why)) == NULL)
			log_panic("check failed: %s: printed entry does not "
				  "parse: %s: %s", what, strbuf_str(why),
				  strbuf_str(text));
		if (!same_argv(again->argv, ent->argv))
			log_panic("check failed: %s: printed entry parses "
				  "differently: %s", what, strbuf_str(text));
		check(same_argv(again->opt_names, ent->opt_names)
		      && same_argv(again->opt_values, ent->opt_values)
		      && same_argv(again->args, ent->args),
		      "derived fields differ after printing");
		mastercf_entry_free(again);
	}
	strbuf_free(&text);
	strbuf_free(&why);
}

/*
 * fuzz_options - -o edits on a parsed entry
 *
 * A last argument "-o" without a value takes the "-o" of a new setting
 * as its value, as with postconf -P; and an argument such as "{-oa}"
 * looks like an option once its braces are gone, and takes the next
 * word as its value when options are edited, as with postconf -P. Such
 * entries are left alone; so are entries that set our option already
 * ("-o fuzz_option\f=" is that option for mastercf_option(), which
 * trims white space around the name, but not for the editor, which
 * matches "name=" as postconf does).
 */

static void
fuzz_options(MASTERCF_ENTRY *ent)
{
	const char *value;
	size_t	i;

	if (strcmp(ent->argv->argv[ent->argv->argc - 1], "-o") == 0
	    || mastercf_option(ent, "fuzz_option") != NULL)
		return;
	for (i = MASTERCF_COMMAND + 1; i < ent->argv->argc; i++)
		if (odd_option(ent->argv->argv[i]))
			return;

	mastercf_set_option(ent, "fuzz_option", "a value");
	check((value = mastercf_option(ent, "fuzz_option")) != NULL
	      && strcmp(value, "a value") == 0, "option not set");
	reparse(ent, "after set_option");
	check(mastercf_del_option(ent, "fuzz_option") == 1, "option count");
	check(mastercf_option(ent, "fuzz_option") == NULL, "option not gone");
	reparse(ent, "after del_option");
}

/* fuzz_command - replace the command and arguments; 0 or -1 */

static int
fuzz_command(MASTERCF_ENTRY *ent, const char *command)
{
	STRBUF *why = strbuf_create(100);
	int	status;

	if ((status = mastercf_set_field(ent, MASTERCF_COMMAND, command,
					 why)) == 0)
		reparse(ent, "after set_field");
	else
		check(strbuf_len(why) > 0, "set_field error without reason");
	strbuf_free(&why);
	return status;
}

/* read_back - the file as written has the fields of the edited one */

static void
read_back(const MASTERCF *edited, int edited_ok)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF *mcf;
	const MASTERCF_ENTRY *ent;
	const MASTERCF_ENTRY *eent;

	if ((mcf = mastercf_read_flags(fuzz_file, MASTERCF_FLAG_QUIET,
				       why)) == NULL) {
		check(!edited_ok, "edited file does not read back");
		check(strbuf_len(why) > 0, "read error without reason");
		strbuf_free(&why);
		return;
	}
	for (ent = mcf->head, eent = edited->head; /* see below */ ;
	     ent = ent->next, eent = eent->next) {
		while (ent && !ent->is_service)
			ent = ent->next;
		while (eent && !eent->is_service)
			eent = eent->next;
		if (ent == NULL || eent == NULL)
			break;
		/* An entry written as read reads as the checked read did. */
		if (eent->edit == MASTERCF_EDIT_NONE && newlines_matter(eent))
			continue;
		check(eent->parsed, "edited entry not parsed");
		if (!same_argv(ent->argv, eent->argv) && argv_writable(eent->argv))
			log_panic("check failed: written entry reads back "
				  "differently: %s", ent->text);
	}
	check(ent == NULL && eent == NULL, "written file has other services");
	mastercf_free(mcf);
	strbuf_free(&why);
}

/* same_file - does the file hold exactly data */

static int
same_file(const uint8_t *data, size_t size)
{
	char   *buf = xmalloc(size + 1);
	ssize_t n;
	int	fd;
	int	same;

	if ((fd = open(fuzz_file, O_RDONLY)) < 0)
		log_panic("open %s: %m", fuzz_file);
	n = read(fd, buf, size + 1);
	same = n == (ssize_t) size && memcmp(buf, data, size) == 0;
	(void) close(fd);
	xfree(buf);
	return same;
}

/* last_line - the text after the last newline, or before a final one */

static char *
last_line(const uint8_t *data, size_t size)
{
	char   *text = xstrndup((const char *) data, size);
	size_t	len = strlen(text);
	char   *nl;

	if (len > 0 && text[len - 1] == '\n')
		text[--len] = 0;
	nl = strrchr(text, '\n');
	nl = xstrdup(nl ? nl + 1 : text);
	xfree(text);
	return nl;
}

/* LLVMFuzzerInitialize - once: log setup and a private directory */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_file = fuzz_file_setup("mastercf_fuzz", "master.cf");
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF *checked;
	MASTERCF *edit;
	MASTERCF_ENTRY *ent;
	MASTERCF_ENTRY *eent;
	MASTERCF_ENTRY *first = NULL;	/* the entry that gets edited */
	char   *command;
	int	status;

	fuzz_file_write(data, size);

	/* Read for editing, write back unchanged: the same bytes. */
	edit = mastercf_read_flags(fuzz_file, MASTERCF_FLAG_EDIT, why);
	check(edit != NULL, "read for editing failed");
	check(mastercf_write(edit, why) == 0, "write failed");
	check(memchr(data, 0, size) != NULL || same_file(data, size),
	      "unchanged file written back differently");
	mastercf_free(edit);

	/* The checked read, and parsing on demand, agree. */
	strbuf_reset(why);
	checked = mastercf_read_flags(fuzz_file, MASTERCF_FLAG_QUIET, why);
	edit = mastercf_read_flags(fuzz_file, MASTERCF_FLAG_EDIT, why);
	check(edit != NULL, "second read for editing failed");
	if (checked == NULL)
		check(strbuf_len(why) > 0, "read error without reason");
	for (ent = checked ? checked->head : NULL, eent = edit->head; ent;
	     ent = ent->next, eent = eent->next) {
		check(eent != NULL && eent->is_service == ent->is_service
		      && eent->line == ent->line, "entries differ");
		if (!ent->is_service)
			continue;
		/* postconf's editor keeps newlines; so do we. */
		if (mastercf_entry_parse(eent, why) < 0) {
			check(newlines_matter(eent),
			      "entry does not parse on demand");
			continue;
		}
		check(same_argv(eent->argv, ent->argv) || newlines_matter(eent),
		      "entry parses differently on demand");
		reparse(ent, "as read");
		if (first == NULL) {
			fuzz_options(eent);
			first = eent;
		}
	}
	check(checked == NULL || eent == NULL, "more entries on demand");

	/* A new command from the last line; write the edits; read back. */
	if (checked != NULL && first != NULL) {
		command = last_line(data, size);
		status = fuzz_command(first, command);
		xfree(command);
		check(mastercf_write(edit, why) == 0, "write of edits failed");
		for (eent = edit->head; eent; eent = eent->next)
			if (eent->is_service && mastercf_entry_parse(eent, why) < 0)
				check(newlines_matter(eent),
				      "entry does not parse after write");
		/* A refused command stays in the entry, which then fails. */
		read_back(edit, status == 0);
	}
	if (checked)
		mastercf_free(checked);
	mastercf_free(edit);
	strbuf_free(&why);
	return 0;
}
