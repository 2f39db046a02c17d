/*
 * mastercf_test.c - unit tests for mastercf
 *
 * Expected outputs (layout, folding, rewritten files, messages) were
 * taken from Postfix 3.7.11's postconf run on the same input.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
/* cmocka.h needs the two above. */
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "mastercf.h"
#include "mem.h"
#include "strbuf.h"

/* Warnings logged by the module under test, one per line. */
static STRBUF *warnings;

/* capture_output - extra log output that records warnings */

static void
capture_output(int level, const char *text)
{
	if (level == LOG_LEVEL_WARN && warnings != NULL) {
		strbuf_append_str(warnings, text);
		strbuf_append_char(warnings, '\n');
	}
}

/* Scratch directory for files, made anew for each test. */
#define TMPDIR_TEMPLATE "/tmp/mastercf_test.XXXXXX"
static char tmpdir[sizeof(TMPDIR_TEMPLATE)];

/* tmp_path - a name in the scratch directory (caller frees) */

static char *
tmp_path(const char *name)
{
	STRBUF *sb = strbuf_create(100);
	char *path;

	strbuf_printf(sb, "%s/%s", tmpdir, name);
	path = strbuf_detach(sb);
	strbuf_free(&sb);
	return path;
}

/* write_file - create a file with the given content */

static void
write_file(const char *path, const char *content)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(content, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* read_file - whole file content (caller frees) */

static char *
read_file(const char *path)
{
	STRBUF *sb = strbuf_create(1000);
	FILE *fp = fopen(path, "r");
	int ch;

	assert_non_null(fp);
	char *content;

	while ((ch = getc(fp)) != EOF)
		strbuf_append_char(sb, ch);
	fclose(fp);
	content = strbuf_detach(sb);
	strbuf_free(&sb);
	return content;
}

/* join_argv - words joined with '|', for compact comparisons */

static char *
join_argv(const ARGV *argvp, size_t first)
{
	STRBUF *sb = strbuf_create(100);
	char *joined;
	size_t i;

	for (i = first; i < argvp->argc; i++) {
		if (i > first)
			strbuf_append_char(sb, '|');
		strbuf_append_str(sb, argvp->argv[i]);
	}
	joined = strbuf_detach(sb);
	strbuf_free(&sb);
	return joined;
}

/* setup - scratch directory and warning capture */

static int
setup(void **state)
{
	static int once;

	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (!once) {
		log_init("mastercf_test", 0);
		log_add_output(capture_output);
		once = 1;
	}
	warnings = strbuf_create(100);
	return 0;
}

/* teardown - remove the scratch directory */

static int
teardown(void **state)
{
	STRBUF *cmd = strbuf_create(100);

	strbuf_printf(cmd, "rm -rf '%s'", tmpdir);
	if (system(strbuf_str(cmd)) != 0)
		return -1;
	strbuf_free(&cmd);
	strbuf_free(&warnings);
	return 0;
}

/* test_columns - every column, and the command split from its args */

static void
test_columns(void **state)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *ent;

	ent = mastercf_parse("smtp inet n - y 60? 100 smtpd -v -o a=b c", why);
	assert_non_null(ent);
	assert_true(ent->is_service);
	assert_string_equal(ent->column[MASTERCF_SERVICE], "smtp");
	assert_string_equal(ent->column[MASTERCF_TYPE], "inet");
	assert_string_equal(ent->column[MASTERCF_PRIVATE], "n");
	assert_string_equal(ent->column[MASTERCF_UNPRIV], "-");
	assert_string_equal(ent->column[MASTERCF_CHROOT], "y");
	assert_string_equal(ent->column[MASTERCF_WAKEUP], "60?");
	assert_string_equal(ent->column[MASTERCF_MAXPROC], "100");
	assert_int_equal(ent->args->argc, 3);
	assert_string_equal(ent->args->argv[0], "smtpd");
	assert_string_equal(ent->args->argv[1], "-v");
	assert_string_equal(ent->args->argv[2], "c");
	assert_int_equal(ent->opt_names->argc, 1);
	assert_string_equal(ent->opt_names->argv[0], "a");
	assert_string_equal(ent->opt_values->argv[0], "b");
	assert_string_equal(mastercf_option(ent, "a"), "b");
	assert_null(mastercf_option(ent, "c"));
	mastercf_entry_free(ent);
	strbuf_free(&why);
}

/* test_options - normalization of -o forms and braces */

static void
test_options(void **state)
{
	static const struct {
		const char *args;    /* after "s unix - - - - - cmd " */
		const char *argv;    /* normalized, '|' separated */
		const char *opts;    /* name=value pairs, '|' separated */
		const char *warning; /* substring of a warning, or NULL */
	} t[] = {
	    {"-o a=b", "-o|a=b", "a=b", NULL},
	    {"-oa=b", "-o|a=b", "a=b", NULL},
	    {"-o a=", "-o|a=", "a=", NULL},
	    {"-voa=b", "-v|-o|a=b", "a=b", NULL},
	    {"-vo a=b", "-v|-o|a=b", "a=b", NULL},
	    {"-v -oddd=$ccc", "-v|-o|ddd=$ccc", "ddd=$ccc", NULL},
	    {"-stuffobb=cc dd", "-stuff|-o|bb=cc|dd", "bb=cc", NULL},
	    /* getopt-style, not postconf's "-o sysl" "-o g_name=..." */
	    {"-osyslog_name=postfix/sub", "-o|syslog_name=postfix/sub",
	     "syslog_name=postfix/sub", NULL},
	    {"-o { a = b c }", "-o|a=b c", "a=b c", NULL},
	    {"-o {a=b}", "-o|a=b", "a=b", NULL},
	    {"-o{ a = b }", "-o|a=b", "a=b", NULL},
	    {"-o { a = b }x", "-o|a=b", "a=b",
	     "syntax error after '}' in \"{ a = b }x\""},
	    {"-o { a b }", "-o|a b", "",
	     "missing '=' after attribute name: \"a b\""},
	    {"-o { =b }", "-o|=b", "", "missing attribute name: \"=b\""},
	    {"-o first -o second", "-o|first|-o|second", "", NULL},
	    {"-o", "-o", "", NULL},
	    {"-D -o a=b x -o c=d", "-D|-o|a=b|x|-o|c=d", "a=b", NULL},
	    {"-- -o a=b", "--|-o|a=b", "", NULL},
	    {"{ a b } {c d}", "a b|c d", "", NULL},
	    {"{ arg2a arg2b }x", "arg2a arg2b", "",
	     "master.cf: syntax error after '}' in \"{ arg2a arg2b }x\""},
	    {"{ arg3a arg3b ", "arg3a arg3b", "",
	     "master.cf: missing '}' in \"{ arg3a arg3b \""},
	    {"a{b c}d", "a{b c}d", "", NULL},
	};
	STRBUF *why = strbuf_create(100);
	STRBUF *text = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	char *got;
	size_t i;
	size_t j;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(warnings);
		strbuf_printf(text, "s unix - - - - - cmd %s", t[i].args);
		ent = mastercf_parse(strbuf_str(text), why);
		assert_non_null(ent);
		got = join_argv(ent->argv, MASTERCF_COMMAND + 1);
		if (strcmp(got, t[i].argv) != 0)
			fail_msg("%s: argv \"%s\", want \"%s\"", t[i].args, got,
				 t[i].argv);
		xfree(got);
		strbuf_reset(text);
		for (j = 0; j < ent->opt_names->argc; j++)
			strbuf_append_printf(text, "%s%s=%s", j ? "|" : "",
					     ent->opt_names->argv[j],
					     ent->opt_values->argv[j]);
		if (strcmp(strbuf_str(text), t[i].opts) != 0)
			fail_msg("%s: opts \"%s\", want \"%s\"", t[i].args,
				 strbuf_str(text), t[i].opts);
		if (t[i].warning)
			assert_non_null(
			    strstr(strbuf_str(warnings), t[i].warning));
		else
			assert_int_equal(strbuf_len(warnings), 0);
		mastercf_entry_free(ent);
	}
	strbuf_free(&text);
	strbuf_free(&why);
}

/* test_checks - column validation with postconf's wording */

static void
test_checks(void **state)
{
	static const struct {
		const char *text;
		const char *why; /* NULL: valid */
	} t[] = {
	    {"a unix - n n - 0 x", NULL},
	    {"a inet - - - - - x", NULL},
	    {"a fifo y y y 60 1 x", NULL},
	    {"a pass n n n 1000? 0 x", NULL},
	    {"a unix-dgram n - n - 1 x", NULL},
	    {"a unix - - - -? - x", NULL},
	    {"a unix - n n - 0", "bad field count"},
	    {"a", "bad field count"},
	    {"bar xxxx - n n - 0 other",
	     "invalid type field \"xxxx\" in \"bar xxxx - n n - 0 other\""},
	    {"bar inet X n n - 0 other",
	     "invalid private field \"X\" in \"bar inet X n n - 0 other\""},
	    {"bar inet - yy n - 0 other", "invalid unprivileged field \"yy\" "
					  "in \"bar inet - yy n - 0 other\""},
	    {"bar inet - n X - 0 other",
	     "invalid chroot field \"X\" in \"bar inet - n X - 0 other\""},
	    {"bar inet - n n X? 0 other",
	     "invalid wakeup field \"X?\" in \"bar inet - n n X? 0 other\""},
	    {"bar inet - n n -- 0 other",
	     "invalid wakeup field \"--\" in \"bar inet - n n -- 0 other\""},
	    {"bar inet - n n - X other", "invalid process_limit field \"X\" in "
					 "\"bar inet - n n - X other\""},
	    {"bar inet X n n - 0 other\n -o a=b",
	     "invalid private field \"X\" in \"bar inet X n n - 0 other  -o "
	     "a=b\""},
	};
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		ent = mastercf_parse(t[i].text, why);
		if (t[i].why == NULL) {
			if (ent == NULL)
				fail_msg("%s: %s", t[i].text, strbuf_str(why));
			mastercf_entry_free(ent);
		} else {
			assert_null(ent);
			assert_string_equal(strbuf_str(why), t[i].why);
		}
	}
	strbuf_free(&why);
}

/* A file with everything that reading and writing must keep. */
static const char sample_cf[] =
    "# head\n"
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "#smtp      inet  n       -       y       -       1       postscreen\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "#  -o smtpd_tls_security_level=encrypt\n"
    "  -o smtpd_sasl_auth_enable=yes\n"
    "#tail\n"
    "\n"
    "relay     unix  -       -       y       -       -       smtp\n"
    "        -o syslog_name=postfix/$service_name\n";

/* test_read - grouping, line numbers, logical text, lookups */

static void
test_read(void **state)
{
	char *path = tmp_path("master.cf");
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	MASTERCF *mcf;

	write_file(path, sample_cf);
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	assert_string_equal(mcf->path, path);

	ent = mcf->head;
	assert_false(ent->is_service);
	assert_string_equal(ent->text, "# head");
	assert_int_equal(ent->line, 1);

	ent = ent->next;
	assert_true(ent->is_service);
	assert_string_equal(ent->column[MASTERCF_SERVICE], "smtp");
	assert_int_equal(ent->line, 2);
	assert_int_equal(ent->lines->argc, 2); /* with the comment after it */

	ent = ent->next;
	assert_string_equal(ent->column[MASTERCF_SERVICE], "submission");
	assert_int_equal(ent->line, 4);
	assert_int_equal(ent->lines->argc, 6);
	assert_string_equal(
	    ent->text, "submission inet n       -       y       -"
		       "       -       smtpd  -o syslog_name=postfix/submission"
		       "  -o smtpd_sasl_auth_enable=yes");
	assert_int_equal(ent->opt_names->argc, 2);
	assert_string_equal(mastercf_option(ent, "smtpd_sasl_auth_enable"),
			    "yes");

	ent = ent->next;
	assert_string_equal(ent->column[MASTERCF_SERVICE], "relay");
	assert_int_equal(ent->line, 10);
	assert_null(ent->next);
	assert_ptr_equal(ent, mcf->tail);

	assert_ptr_equal(mastercf_find(mcf, "relay", "unix"), ent);
	assert_ptr_equal(mastercf_find(mcf, "relay", NULL), ent);
	assert_null(mastercf_find(mcf, "relay", "inet"));
	assert_null(mastercf_find(mcf, "postscreen", NULL));
	assert_int_equal(strbuf_len(warnings), 0);
	mastercf_free(mcf);

	/* The last of several entries for a service is the one in effect. */
	write_file(path, "a unix - - - - - first\na inet - - - - - other\n"
			 "a unix - - - - - second\n");
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	assert_string_equal(mastercf_find(mcf, "a", "unix")->args->argv[0],
			    "second");
	assert_string_equal(mastercf_find(mcf, "a", NULL)->args->argv[0],
			    "second");
	mastercf_free(mcf);

	/* Continuation text before the first entry is ignored, with a warning.
	 */
	write_file(path, "#x\n  foo\n#c\n\n  bar\nsvc unix - n n - 0 x");
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	assert_non_null(strstr(
	    strbuf_str(warnings),
	    ": logical line must not start with whitespace: \"  foo  bar\""));
	assert_false(mcf->head->next->is_service);
	assert_non_null(mastercf_find(mcf, "svc", "unix"));
	assert_true(mcf->noeol);
	mastercf_free(mcf);

	/* A second reading can be quiet about the same problems. */
	write_file(path, "  stray\nsvc unix - n n - 0 x {a -o {b}\n");
	strbuf_reset(warnings);
	mcf = mastercf_read_flags(path, MASTERCF_FLAG_QUIET, why);
	assert_non_null(mcf);
	assert_int_equal(strbuf_len(warnings), 0);
	assert_string_equal(mastercf_find(mcf, "svc", "unix")->args->argv[1],
			    "a -o {b}");
	mastercf_free(mcf);
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	assert_non_null(
	    strstr(strbuf_str(warnings), "whitespace: \"  stray\""));

	assert_non_null(strstr(strbuf_str(warnings),
			       "master.cf: missing '}' in \"{a -o {b}\""));

	/* Long text is cut at 30 characters, as Postfix does. */
	mastercf_free(mcf);
	write_file(
	    path,
	    "  this stray text is longer than thirty\nsvc unix - n n - 0 x\n");
	strbuf_reset(warnings);
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	assert_non_null(
	    strstr(strbuf_str(warnings),
		   "whitespace: \"  this stray text is longer th...\""));
	mastercf_free(mcf);

	xfree(path);
	strbuf_free(&why);
}

/* test_read_errors - missing file, bad field count with its line */

static void
test_read_errors(void **state)
{
	char *path = tmp_path("master.cf");
	STRBUF *why = strbuf_create(100);
	STRBUF *want = strbuf_create(100);

	assert_null(mastercf_read(path, why));
	strbuf_printf(want, "open %s: No such file or directory", path);
	assert_string_equal(strbuf_str(why), strbuf_str(want));

	write_file(path, "foo unix - n n - 0 x\n\nbar inet - n n -\n#c\n  0\n");
	assert_null(mastercf_read(path, why));
	strbuf_printf(want, "file %s: line 3: bad field count", path);
	assert_string_equal(strbuf_str(why), strbuf_str(want));

	write_file(
	    path,
	    "foo unix - n n - 0 x\nbar inet - X n - 0 other\n\t-o a=b  \n");
	assert_null(mastercf_read(path, why));
	assert_string_equal(strbuf_str(why),
			    "invalid unprivileged field \"X\" in "
			    "\"bar inet - X n - 0 other\t-o a=b  \"");

	/* An editor does not trip over entries it does not touch. */
	write_file(path, "foo unix - n n - 0 x\nbar\n unix - n n - - pipe\n");
	{
		MASTERCF *mcf =
		    mastercf_read_flags(path, MASTERCF_FLAG_EDIT, why);
		MASTERCF_ENTRY *bar;

		assert_non_null(mcf);
		bar = mcf->head->next;
		assert_string_equal(bar->column[MASTERCF_SERVICE], "bar");
		assert_null(bar->column[MASTERCF_TYPE]);
		assert_false(bar->parsed);
		assert_int_equal(mastercf_entry_parse(mcf->head, why), 0);
		assert_string_equal(mcf->head->args->argv[0], "x");
		mastercf_free(mcf);
	}
	strbuf_free(&want);
	strbuf_free(&why);
	xfree(path);
}

/* test_format - postconf -M and -Mf layout */

static void
test_format(void **state)
{
	static const struct {
		const char *text;
		const char *plain;
		const char *folded;
	} t[] = {
	    {"smtp      inet  n       -       y       -       -       smtpd",
	     "smtp       inet  n       -       y       -       -       smtpd\n",
	     "smtp       inet  n       -       y       -       -       "
	     "smtpd\n"},
	    {"submission inet n - y - - smtpd -o syslog_name=postfix/submission"
	     " -o { smtpd_client_restrictions = permit_sasl_authenticated, "
	     "reject } -v",
	     "submission inet  n       -       y       -       -       smtpd"
	     " -o syslog_name=postfix/submission"
	     " -o {smtpd_client_restrictions=permit_sasl_authenticated, "
	     "reject} -v\n",
	     "submission inet  n       -       y       -       -       smtpd\n"
	     "    -o syslog_name=postfix/submission\n"
	     "    -o {smtpd_client_restrictions=permit_sasl_authenticated, "
	     "reject}\n"
	     "    -v\n"},
	    {"postlog   unix-dgram n  -       n       -       1       postlogd",
	     "postlog    unix-dgram n  -       n       -       1       "
	     "postlogd\n",
	     "postlog    unix-dgram n  -       n       -       1       "
	     "postlogd\n"},
	    {"maildrop  unix  -       n       n       -       -       pipe\n"
	     "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}"
	     " {a b} ccccccccccccccccccccccccccccccccccccc",
	     "maildrop   unix  -       n       n       -       -       pipe"
	     " flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}"
	     " {a b} ccccccccccccccccccccccccccccccccccccc\n",
	     "maildrop   unix  -       n       n       -       -       pipe "
	     "flags=DRXhu\n"
	     "    user=vmail argv=/usr/bin/maildrop -d ${recipient} {a b}\n"
	     "    ccccccccccccccccccccccccccccccccccccc\n"},
	    /* Postfix does not brace the first non-option argument. */
	    {"bar inet - n n 0 0 other -o name1=value1"
	     " -o { name2 = value2a value2b } { arg1a arg1b } { arg2a arg2b }",
	     "bar        inet  -       n       n       0       0       other"
	     " -o name1=value1 -o {name2=value2a value2b} arg1a arg1b {arg2a "
	     "arg2b}\n",
	     "bar        inet  -       n       n       0       0       other\n"
	     "    -o name1=value1\n"
	     "    -o {name2=value2a value2b}\n"
	     "    arg1a arg1b {arg2a arg2b}\n"},
	    {"foo unix - n n - 0 other -voaaa=bbb -vo ccc=$aaa -v -oddd=$ccc",
	     "foo        unix  -       n       n       -       0       other"
	     " -v -o aaa=bbb -v -o ccc=$aaa -v -o ddd=$ccc\n",
	     "foo        unix  -       n       n       -       0       other "
	     "-v\n"
	     "    -o aaa=bbb\n"
	     "    -v\n"
	     "    -o ccc=$aaa\n"
	     "    -v\n"
	     "    -o ddd=$ccc\n"},
	};
	STRBUF *why = strbuf_create(100);
	STRBUF *out = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		ent = mastercf_parse(t[i].text, why);
		assert_non_null(ent);
		strbuf_reset(out);
		mastercf_format(ent, 0, out);
		assert_string_equal(strbuf_str(out), t[i].plain);
		strbuf_reset(out);
		mastercf_format(ent, 1, out);
		assert_string_equal(strbuf_str(out), t[i].folded);
		mastercf_entry_free(ent);
	}
	strbuf_free(&out);
	strbuf_free(&why);
}

/* expand_upper - test expansion: the value in upper case */

static const char *
expand_upper(const MASTERCF_ENTRY *ent, const char *value, void *context)
{
	STRBUF *buf = context;
	const char *cp;

	strbuf_reset(buf);
	for (cp = value; *cp; cp++)
		strbuf_append_char(
		    buf, *cp >= 'a' && *cp <= 'z' ? *cp - 'a' + 'A' : *cp);
	return strbuf_str(buf);
}

/* test_format_expand - only -o values go through the expander */

static void
test_format_expand(void **state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *out = strbuf_create(100);
	STRBUF *buf = strbuf_create(100);
	MASTERCF_ENTRY *ent;

	ent = mastercf_parse("a unix - - - - - cmd -v -o x=$y z", why);
	assert_non_null(ent);
	mastercf_format_expand(ent, 1, expand_upper, buf, out);
	assert_string_equal(
	    strbuf_str(out),
	    "a          unix  -       -       -       -       -       cmd -v\n"
	    "    -o X=$Y\n"
	    "    z\n");
	mastercf_entry_free(ent);
	strbuf_free(&buf);
	strbuf_free(&out);
	strbuf_free(&why);
}

/* edit_sample - read sample_cf for editing, apply fn, return the file */

static char *
edit_sample(const char *content, void (*fn)(MASTERCF *))
{
	char *path = tmp_path("master.cf");
	char *tmp = tmp_path("master.cf.tmp");
	STRBUF *why = strbuf_create(100);
	MASTERCF *mcf;
	MASTERCF_ENTRY *ent;
	struct stat st;
	char *result;

	write_file(path, content);
	mcf = mastercf_open_edit(path, MASTERCF_FLAG_EDIT, why);
	assert_non_null(mcf);
	assert_int_equal(stat(tmp, &st), 0); /* locked temporary file */
	for (ent = mcf->head; ent; ent = ent->next)
		if (ent->is_service)
			assert_int_equal(mastercf_entry_parse(ent, why), 0);
	fn(mcf);
	assert_int_equal(mastercf_write(mcf, why), 0);
	assert_int_not_equal(stat(tmp, &st), 0); /* renamed into place */
	mastercf_free(mcf);
	result = read_file(path);
	xfree(tmp);
	xfree(path);
	strbuf_free(&why);
	return result;
}

static void
edit_none(MASTERCF *mcf)
{
}

static void
edit_set_option(MASTERCF *mcf)
{
	mastercf_set_option(mastercf_find(mcf, "submission", "inet"),
			    "smtpd_sasl_auth_enable", "no");
}

static void
edit_del_option(MASTERCF *mcf)
{
	assert_int_equal(
	    mastercf_del_option(mastercf_find(mcf, "submission", "inet"),
				"syslog_name"),
	    1);
}

static void
edit_comment(MASTERCF *mcf)
{
	mastercf_find(mcf, "submission", "inet")->edit = MASTERCF_EDIT_COMMENT;
}

static void
edit_remove(MASTERCF *mcf)
{
	mastercf_find(mcf, "smtp", "inet")->edit = MASTERCF_EDIT_REMOVE;
}

static void
edit_field(MASTERCF *mcf)
{
	STRBUF *why = strbuf_create(10);

	assert_int_equal(mastercf_set_field(mastercf_find(mcf, "relay", "unix"),
					    MASTERCF_CHROOT, "n", why),
			 0);
	strbuf_free(&why);
}

static void
edit_replace(MASTERCF *mcf)
{
	STRBUF *why = strbuf_create(10);
	MASTERCF_ENTRY *ent =
	    mastercf_parse("smtp inet n - y - 1 postscreen", why);

	assert_non_null(ent);
	mastercf_replace(mastercf_find(mcf, "smtp", "inet"), ent);
	strbuf_free(&why);
}

static void
edit_append(MASTERCF *mcf)
{
	STRBUF *why = strbuf_create(10);
	MASTERCF_ENTRY *ent;

	ent =
	    mastercf_parse("new unix - n n - - pipe flags=R argv=/bin/x", why);
	assert_non_null(ent);
	mastercf_append(mcf, ent);
	strbuf_free(&why);
}

/* test_write - rewritten files, as postconf writes them */

static void
test_write(void **state)
{
	static const char head[] =
	    "# head\n"
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "#smtp      inet  n       -       y       -       1       "
	    "postscreen\n";
	static const char subm[] =
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "#  -o smtpd_tls_security_level=encrypt\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "#tail\n"
	    "\n";
	static const char relay[] =
	    "relay     unix  -       -       y       -       -       smtp\n"
	    "        -o syslog_name=postfix/$service_name\n";
	STRBUF *want = strbuf_create(1000);
	char *got;

	/* Unchanged: byte for byte, also without a final newline. */
	got = edit_sample(sample_cf, edit_none);
	assert_string_equal(got, sample_cf);
	xfree(got);
	got = edit_sample("a unix - - - - - b\n#c", edit_none);
	assert_string_equal(got, "a unix - - - - - b\n#c");
	xfree(got);

	/* postconf -Pe: the entry's comment lines move before it. */
	got = edit_sample(sample_cf, edit_set_option);
	strbuf_printf(
	    want, "%s%s%s%s", head,
	    "#  -o smtpd_tls_security_level=encrypt\n#tail\n\n",
	    "submission inet  n       -       y       -       -       smtpd\n"
	    "    -o syslog_name=postfix/submission\n"
	    "    -o smtpd_sasl_auth_enable=no\n",
	    relay);
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -PX */
	got = edit_sample(sample_cf, edit_del_option);
	strbuf_printf(
	    want, "%s%s%s%s", head,
	    "#  -o smtpd_tls_security_level=encrypt\n#tail\n\n",
	    "submission inet  n       -       y       -       -       smtpd\n"
	    "    -o smtpd_sasl_auth_enable=yes\n",
	    relay);
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -M#: comment lines stay as they are. */
	got = edit_sample(sample_cf, edit_comment);
	strbuf_printf(
	    want, "%s%s%s", head,
	    "#submission inet n       -       y       -       -       smtpd\n"
	    "#  -o syslog_name=postfix/submission\n"
	    "#  -o smtpd_tls_security_level=encrypt\n"
	    "#  -o smtpd_sasl_auth_enable=yes\n"
	    "#tail\n\n",
	    relay);
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -MX: the comment after the entry stays. */
	got = edit_sample(sample_cf, edit_remove);
	strbuf_printf(want, "%s%s%s",
		      "# head\n#smtp      inet  n       -       y       -      "
		      " 1       postscreen\n",
		      subm, relay);
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -Fe */
	got = edit_sample(sample_cf, edit_field);
	strbuf_printf(
	    want, "%s%s%s", head, subm,
	    "relay      unix  -       -       n       -       -       smtp\n"
	    "    -o syslog_name=postfix/$service_name\n");
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -Me of an existing entry: new text, then the comments. */
	got = edit_sample(sample_cf, edit_replace);
	strbuf_printf(want, "%s%s%s%s", "# head\n",
		      "smtp       inet  n       -       y       -       1      "
		      " postscreen\n"
		      "#smtp      inet  n       -       y       -       1      "
		      " postscreen\n",
		      subm, relay);
	assert_string_equal(got, strbuf_str(want));
	xfree(got);

	/* postconf -Me of a new entry; also after a line without newline. */
	got = edit_sample(sample_cf, edit_append);
	strbuf_printf(want, "%s%s", sample_cf,
		      "new        unix  -       n       n       -       -      "
		      " pipe flags=R\n"
		      "    argv=/bin/x\n");
	assert_string_equal(got, strbuf_str(want));
	xfree(got);
	got = edit_sample("#c", edit_append);
	assert_string_equal(
	    got, "#c\nnew        unix  -       n       n       -       -"
		 "       pipe flags=R\n    argv=/bin/x\n");
	xfree(got);

	strbuf_free(&want);
}

/* An argument long enough that the word after it starts a new line. */
#define LONG_ARG \
	"a-long-argument-that-fills-a-folded-line-so-that-the-next-word-wraps-xxxxx"

/* edit_odd_command - a command with arguments that need braces */

static void
edit_odd_command(MASTERCF *mcf)
{
	STRBUF *why = strbuf_create(10);

	assert_int_equal(mastercf_set_field(mastercf_find(mcf, "relay", "unix"),
					    MASTERCF_COMMAND,
					    "smtp -o {x={y}} {-x y} {} {{a}} {-oa}"
					    " {b c} z " LONG_ARG " #",
					    why),
			 0);
	assert_int_equal(mastercf_set_field(mastercf_find(mcf, "smtp", "inet"),
					    MASTERCF_COMMAND,
					    "smtpd -v {-oa} -o q=r", why),
			 0);
	strbuf_free(&why);
}

/*
 * test_write_safe - a rewritten entry reads back with the same fields:
 * empty arguments, arguments that start with '{' or '#' (a folded
 * line that starts with '#' is a comment) and arguments that look like
 * options without their braces keep the braces (found by mastercf_fuzz)
 */

static void
test_write_safe(void **state)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF *mcf;
	char *got;
	char *path = tmp_path("master.cf");

	got = edit_sample(sample_cf, edit_odd_command);
	xfree(got);
	mcf = mastercf_read(path, why);
	assert_non_null(mcf);
	got = join_argv(mastercf_find(mcf, "relay", "unix")->argv,
			MASTERCF_COMMAND);
	assert_string_equal(got, "smtp|-o|x={y}|-x y||{a}|-oa|b c|z|"
			    LONG_ARG "|#");
	xfree(got);
	got = join_argv(mastercf_find(mcf, "smtp", "inet")->argv,
			MASTERCF_COMMAND);
	assert_string_equal(got, "smtpd|-v|-oa|-o|q=r");
	xfree(got);
	mastercf_free(mcf);
	xfree(path);
	strbuf_free(&why);
}

/* test_edit_entry - the entry-level edit functions */

static void
test_edit_entry(void **state)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	char *got;

	ent = mastercf_parse(
	    "a unix - - - - - cmd -o x=1 -v -o y=2 -o x=3 arg -o x=4", why);
	assert_non_null(ent);

	/* Every -o among the options is replaced; the one after arg is not. */
	mastercf_set_option(ent, "x", "9");
	got = join_argv(ent->argv, MASTERCF_COMMAND);
	assert_string_equal(got, "cmd|-o|x=9|-v|-o|y=2|-o|x=9|arg|-o|x=4");
	xfree(got);
	assert_string_equal(mastercf_option(ent, "x"), "9");
	assert_int_equal(ent->edit, MASTERCF_EDIT_MODIFY);

	/* A new -o goes after the last option. */
	mastercf_set_option(ent, "z", "5");
	got = join_argv(ent->argv, MASTERCF_COMMAND);
	assert_string_equal(got,
			    "cmd|-o|x=9|-v|-o|y=2|-o|x=9|-o|z=5|arg|-o|x=4");
	xfree(got);

	assert_int_equal(mastercf_del_option(ent, "x"), 2);
	assert_int_equal(mastercf_del_option(ent, "nothere"), 0);
	got = join_argv(ent->argv, MASTERCF_COMMAND);
	assert_string_equal(got, "cmd|-v|-o|y=2|-o|z=5|arg|-o|x=4");
	xfree(got);

	/* The command field takes the command and all arguments. */
	assert_int_equal(mastercf_set_field(ent, MASTERCF_COMMAND,
					    "aa -stuffobb=cc dd", why),
			 0);
	got = join_argv(ent->argv, MASTERCF_COMMAND);
	assert_string_equal(got, "aa|-stuff|-o|bb=cc|dd");
	xfree(got);
	assert_string_equal(mastercf_option(ent, "bb"), "cc");

	/* A bad value is reported with the value as the context. */
	assert_int_equal(mastercf_set_field(ent, MASTERCF_PRIVATE, "x", why),
			 -1);
	assert_string_equal(strbuf_str(why),
			    "invalid private field \"x\" in \"x\"");
	assert_int_equal(mastercf_set_field(ent, MASTERCF_PRIVATE, "y", why),
			 0);
	assert_int_equal(mastercf_set_field(ent, MASTERCF_COMMAND, "", why),
			 -1);
	assert_int_equal(mastercf_set_field(ent, MASTERCF_SERVICE, "b", why),
			 0);
	assert_string_equal(ent->column[MASTERCF_SERVICE], "b");

	mastercf_entry_free(ent);
	strbuf_free(&why);
}

/* test_split_nameval - Postfix's name = value splitting */

static void
test_split_nameval(void **state)
{
	static const struct {
		const char *in;
		const char *name;  /* NULL: error */
		const char *value; /* or the error */
	} t[] = {
	    {"a=b", "a", "b"},
	    {"  a  =  b c  ", "a", "b c"},
	    {"a=", "a", ""},
	    {"=b", NULL, "missing attribute name"},
	    {"   ", NULL, "missing attribute name"},
	    {"a b=c", NULL, "missing '=' after attribute name"},
	    {"a", NULL, "missing '=' after attribute name"},
	};
	const char *err;
	char *copy;
	char *name;
	char *value;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		copy = xstrdup(t[i].in);
		err = mastercf_split_nameval(copy, &name, &value);
		if (t[i].name) {
			assert_null(err);
			assert_string_equal(name, t[i].name);
			assert_string_equal(value, t[i].value);
		} else {
			assert_non_null(err);
			assert_string_equal(err, t[i].value);
		}
		xfree(copy);
	}
}

/* test_edit_missing - an editor needs the file to exist */

static void
test_edit_missing(void **state)
{
	char *path = tmp_path("nothere.cf");
	char *tmp = tmp_path("nothere.cf.tmp");
	STRBUF *why = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	struct stat st;

	assert_null(mastercf_open_edit(path, MASTERCF_FLAG_EDIT, why));
	strbuf_printf(want, "open %s for reading: No such file or directory",
		      path);
	assert_string_equal(strbuf_str(why), strbuf_str(want));
	assert_int_not_equal(stat(tmp, &st), 0); /* not left behind */
	strbuf_free(&want);
	strbuf_free(&why);
	xfree(tmp);
	xfree(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_columns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_format_expand, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_safe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_edit_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_split_nameval, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_edit_missing, setup, teardown),
	};

	return cmocka_run_group_tests_name("mastercf", tests, NULL, NULL);
}
