/*
 * mainconf_test.c - unit tests for main.cf reading, expansion and loading
 *
 * Grammar cases write a main.cf into a private temporary directory. The
 * expansion cases use a fixed table of values through
 * mainconf_expand_fn(), so they do not depend on the host; expected
 * results and error texts are what Postfix 3.7's postconf -x prints.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "log.h"
#include "mainconf.h"
#include "mem.h"
#include "param.h"
#include "params_global.h"
#include "strbuf.h"
#include "stringops.h"

static char tmpdir[] = "/tmp/mainconf_test.XXXXXX";

/* write_main_cf - replace the test main.cf */

static void
write_main_cf(const char *text)
{
	char *path = str_concat(tmpdir, "/main.cf", (char *) 0);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	xfree(path);
}

/* read_main_cf - write and read; returns mainconf_read()'s result */

static int
read_main_cf(const char *text, STRBUF *why)
{
	write_main_cf(text);
	return mainconf_read(0, why);
}

/* setup - private directory */

static int
setup(void **state)
{
	log_init("mainconf_test", LOG_DEST_STDERR);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	mainconf_set_dir(tmpdir);
	return 0;
}

/* read_capture - mainconf_read() with its warnings captured */

static char *
read_capture(const char *text, int *ret, STRBUF *why)
{
	char path[] = "/tmp/mainconf_test_err.XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(2);
	STRBUF *err = strbuf_create(100);
	char buf[512];
	ssize_t n;
	char *result;

	assert_true(fd >= 0 && saved >= 0);
	write_main_cf(text);
	fflush(stderr);
	dup2(fd, 2);
	*ret = mainconf_read(0, why);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_append(err, buf, (size_t) n);
	close(fd);
	unlink(path);
	result = strbuf_detach(err);
	strbuf_free(&err);
	return result;
}

/* teardown - remove the directory */

static int
teardown(void **state)
{
	char *path = str_concat(tmpdir, "/main.cf", (char *) 0);

	(void) unlink(path);
	xfree(path);
	(void) rmdir(tmpdir);
	mainconf_reset();
	mainconf_set_dir(NULL);
	return 0;
}

/* test_grammar - comments, continuation, white space, last wins */

static void
test_grammar(void **state)
{
	STRBUF *why = strbuf_create(10);
	const char *file;
	int line;

	assert_int_equal(read_main_cf("# comment\n"
				      "\n"
				      "myorigin=example.com\n"
				      "mydestination = a,\n"
				      "    b,\n"
				      "  # inside\n"
				      "\tc   \n"
				      "relayhost   =   [mx.example]:25   \n"
				      "empty =\n"
				      "a.b = odd name\n"
				      "myorigin = second\n"
				      "   # indented comment\n"
				      "last = x",
				      why),
			 0);
	assert_string_equal(mainconf_lookup_raw("myorigin"), "second");
	assert_string_equal(mainconf_lookup_raw("mydestination"),
			    "a,    b,\tc");
	assert_string_equal(mainconf_lookup_raw("relayhost"),
			    "[mx.example]:25");
	assert_string_equal(mainconf_lookup_raw("empty"), "");
	assert_string_equal(mainconf_lookup_raw("a.b"), "odd name");
	assert_string_equal(mainconf_lookup_raw("last"), "x");
	assert_null(mainconf_lookup_raw("nothere"));

	/* Origin: the last assignment, first line of the logical line. */
	assert_int_equal(mainconf_origin("myorigin", &file, &line), 0);
	assert_int_equal(line, 11);
	assert_true(str_has_suffix(file, "/main.cf"));
	assert_int_equal(mainconf_origin("mydestination", &file, &line), 0);
	assert_int_equal(line, 4);
	assert_int_equal(mainconf_origin("nothere", &file, &line), -1);

	/* The explicit directory is config_directory, like an override. */
	assert_string_equal(mainconf_lookup_raw("config_directory"), tmpdir);
	assert_int_equal(mainconf_origin("config_directory", &file, &line), 0);
	assert_null(file);
	assert_int_equal(line, 0);
	strbuf_free(&why);
}

/* test_names - sorted list and order of appearance */

static void
walk_names(const char *name, const char *value, void *context)
{
	ARGV *order = context;

	argv_add_printf(order, "%s=%s", name, value);
}

static void
test_names(void **state)
{
	STRBUF *why = strbuf_create(10);
	ARGV *names;
	ARGV *order = argv_create();

	assert_int_equal(read_main_cf("zz = 1\naa = 2\nmm = 3\nzz = 4\n", why),
			 0);
	mainconf_override("bb", "5");
	names = mainconf_names();
	assert_int_equal(names->argc, 5);
	assert_string_equal(names->argv[0], "aa");
	assert_string_equal(names->argv[1], "bb");
	assert_string_equal(names->argv[2], "config_directory");
	assert_string_equal(names->argv[3], "mm");
	assert_string_equal(names->argv[4], "zz");
	mainconf_walk(walk_names, order);
	assert_int_equal(order->argc, 5);
	assert_string_equal(order->argv[1], "zz=4");
	assert_string_equal(order->argv[2], "aa=2");
	assert_string_equal(order->argv[4], "bb=5");
	argv_free(&names);
	argv_free(&order);
	strbuf_free(&why);
}

/* test_errors - Postfix's wording, file name and line number */

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *error; /* after "DIR/main.cf, " */
	} t[] = {
	    {"a = 1\nfoo\n",
	     "line 2: missing '=' after attribute name: \"foo\""},
	    {"a = 1\n= foo\n", "line 2: missing attribute name: \"= foo\""},
	    {"a = 1\n\n# c\nfoo\n  bar\n   baz\n",
	     "line 4: missing '=' after attribute name: \"foo  bar   baz\""},
	    {"foo bar = x\n",
	     "line 1: missing '=' after attribute name: \"foo bar = x\""},
	};
	STRBUF *why = strbuf_create(10);
	STRBUF *want = strbuf_create(10);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(read_main_cf(t[i].text, why), -1);
		strbuf_printf(want, "%s/main.cf, %s", tmpdir, t[i].error);
		assert_string_equal(strbuf_str(why), strbuf_str(want));
	}

	/* A missing file: an error unless the caller allows it. */
	teardown(state);
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
	assert_int_equal(setup(state), 0);
	assert_int_equal(mainconf_read(1, why), 0);
	assert_int_equal(mainconf_read(0, why), -1);
	strbuf_printf(want, "open %s/main.cf: No such file or directory",
		      tmpdir);
	assert_string_equal(strbuf_str(why), strbuf_str(want));

	/* Leading white space with nothing to continue: skipped. */
	assert_int_equal(read_main_cf("  b = 1\na = 2\n", why), 0);
	assert_null(mainconf_lookup_raw("b"));
	assert_string_equal(mainconf_lookup_raw("a"), "2");
	strbuf_free(&why);
	strbuf_free(&want);
}

/* test_warnings - repeated names and misplaced continuation lines */

static void
test_warnings(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *want = strbuf_create(10);
	char *got;
	int ret;

	got = read_capture("a = 1\nb = 2\na = 1\na = 3\n", &ret, why);
	assert_int_equal(ret, 0);
	/* Same value again: silent. A new value: Postfix names the old one. */
	strbuf_printf(want,
		      "mainconf_test: warning: %s/main.cf, line 4: "
		      "overriding earlier entry: a=1\n",
		      tmpdir);
	assert_string_equal(got, strbuf_str(want));
	assert_string_equal(mainconf_lookup_raw("a"), "3");
	xfree(got);

	got = read_capture("# c\n  x = 1\ny = 2\n", &ret, why);
	assert_int_equal(ret, 0);
	strbuf_printf(want,
		      "mainconf_test: warning: %s/main.cf: logical line"
		      " must not start with whitespace: \"  x = 1\"\n",
		      tmpdir);
	assert_string_equal(got, strbuf_str(want));
	assert_null(mainconf_lookup_raw("x"));
	xfree(got);
	strbuf_free(&why);
	strbuf_free(&want);
}

/* scope_lookup - a fixed local scope */

static const char *
scope_lookup(const char *name, void *context)
{
	return strcmp(name, "myorigin") == 0 ? (const char *) context : NULL;
}

/* test_unset_scope_env - mainconf_unset, local scope, MAIL_CONFIG */

static void
test_unset_scope_env(void **state)
{
	STRBUF *why = strbuf_create(10);
	STRBUF *out = strbuf_create(10);
	ARGV *names;

	assert_int_equal(read_main_cf("myorigin = a.example\nx = 1\n", why), 0);
	mainconf_unset("x");
	mainconf_unset("not_set");
	assert_null(mainconf_lookup_raw("x"));
	names = mainconf_names();
	assert_int_equal(argv_find(names, "x"), -1);
	argv_free(&names);
	mainconf_override("x", "2");
	assert_string_equal(mainconf_lookup_raw("x"), "2");

	/* A scope (master.cf -o) comes before main.cf. */
	mainconf_set_scope(scope_lookup, "scoped.example");
	assert_int_equal(mainconf_expand(out, "<$myorigin>",
					 MAINCONF_EXP_RECURSE, NULL, why),
			 0);
	assert_string_equal(strbuf_str(out), "<scoped.example>");
	assert_string_equal(mainconf_lookup("myorigin"), "scoped.example");
	mainconf_set_scope(NULL, NULL);
	assert_string_equal(mainconf_lookup("myorigin"), "a.example");

	/* MAIL_CONFIG: used when set and not empty. */
	setenv("MAIL_CONFIG", "", 1);
	assert_int_equal(mainconf_set_dir_env(), 0);
	assert_string_equal(mainconf_dir(), tmpdir);
	setenv("MAIL_CONFIG", "/some/where", 1);
	assert_int_equal(mainconf_set_dir_env(), 1);
	assert_string_equal(mainconf_dir(), "/some/where");
	assert_string_equal(mainconf_path(), "/some/where/main.cf");
	unsetenv("MAIL_CONFIG");
	mainconf_set_dir(NULL);
	assert_string_equal(mainconf_dir(), "/etc/postfix");
	mainconf_set_dir(tmpdir);
	strbuf_free(&why);
	strbuf_free(&out);
}

/* test_parse_assignment - -o and postconf -e syntax */

static void
test_parse_assignment(void **state)
{
	static const struct {
		const char *in;
		const char *name;
		const char *value;
		const char *error;
	} t[] = {
	    {"a=b", "a", "b", NULL},
	    {"  a  =  b c  ", "a", "b c", NULL},
	    {"a=", "a", "", NULL},
	    {"a==b", "a", "=b", NULL},
	    {"a", NULL, NULL, "missing '=' after attribute name"},
	    {"a b=c", NULL, NULL, "missing '=' after attribute name"},
	    {"=b", NULL, NULL, "missing attribute name"},
	    {"   ", NULL, NULL, "missing attribute name"},
	};
	STRBUF *why = strbuf_create(10);
	char *name;
	char *value;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		if (t[i].error == NULL) {
			assert_int_equal(mainconf_parse_assignment(
					     t[i].in, &name, &value, why),
					 0);
			assert_string_equal(name, t[i].name);
			assert_string_equal(value, t[i].value);
			xfree(name);
			xfree(value);
		} else {
			assert_int_equal(mainconf_parse_assignment(
					     t[i].in, &name, &value, why),
					 -1);
			assert_string_equal(strbuf_str(why), t[i].error);
		}
	}
	strbuf_free(&why);
}

/* The values the expansion tests see. */
static const char *const exp_table[][2] = {
    {"a", "5"},
    {"b", "hello"},
    {"e", ""},
    {"ref", "$b world"},
    {"deep", "<$ref>"},
    {"loop1", "$loop2"},
    {"loop2", "$loop1"},
    {"selfcmp", "${{$selfcmp} == {x}?y}"},
    {"compatibility_level", "0"},
    {"three", "3.6"},
};

/* exp_lookup - MAINCONF_LOOKUP_FN over exp_table */

static const char *
exp_lookup(const char *name, void *context)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(exp_table); i++)
		if (strcmp(exp_table[i][0], name) == 0)
			return exp_table[i][1];
	return NULL;
}

/* test_expand - every form of the language */

static void
test_expand(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
	    {"plain text", "plain text"},
	    {"$a", "5"},
	    {"${a}", "5"},
	    {"$(a)", "5"},
	    {"$a.x", "5.x"},
	    {"x$b-y", "xhello-y"},
	    {"$$a $$", "$a $"},
	    {"$undefined.x", ".x"},
	    {"${undefined}", ""},
	    {"$ref", "hello world"},
	    {"$deep", "<hello world>"},
	    {"${ b }", "hello"},
	    {"${a?yes}", "yes"},
	    {"${e?yes}", ""},
	    {"${undefined?yes}", ""},
	    {"${a:empty}", ""},
	    {"${e:empty}", "empty"},
	    {"${undefined:empty}", "empty"},
	    {"${a?{yes}}", "yes"},
	    {"${a?{yes}:{no}}", "yes"},
	    {"${e?{yes}:{no}}", "no"},
	    {"${a?{x}:y}", "x"},
	    {"${e?{x}:y}", "y"},
	    {"${a?{v1} : {v2}}", "v1"},
	    {"${e?{v1} : {v2}}", "v2"},
	    {"${a:{x}}${e:{y}}", "y"},
	    {"${a?x}y", "xy"},
	    {"${a?x:y}", "x:y"},
	    {"${ b ? x }", " x "},
	    {"${a?$b}", "hello"},
	    {"${a?{$ref}}", "hello world"},
	    {"${{$a} == {5}?{eq}:{ne}}", "eq"},
	    {"${{$a} != {5}?{ne}:{eq}}", "eq"},
	    {"${ {$a} != {5} ? {ne} : {eq} }", "eq"},
	    {"${{$a} < {10}?{lt}:{ge}}", "lt"},
	    {"${{$b} < {abc}?{lt}:{ge}}", "ge"},
	    {"${{abc}<{abd}?{lt}:{ge}}", "lt"},
	    {"${{10} > {9}?{gt}:{le}}", "gt"},
	    {"${{10} >= {10}?{ge}:{lt}}", "ge"},
	    {"${{9} <= {10}?{le}}", "le"},
	    {"${{09}=={9}?{eq}:{ne}}", "eq"},
	    {"${{}=={}?{eq}:{ne}}", "eq"},
	    {"${{10} < {9x}?{lt}:{ge}}", "lt"},
	    {"${{1} == {1}}", "true"},
	    {"${{1} == {2}}", ""},
	    {"${{1} == {2}:{false}}", "false"},
	    {"${{$compatibility_level} <level {2} ? {subnet} : {host}}",
	     "subnet"},
	    {"${{$three} <level {3.6} ? {no} : {yes}}", "yes"},
	    {"${{3.6} <=level {3.6}?{le}}", "le"},
	    {"${{3.10} >level {3.9}?{gt}:{le}}", "gt"},
	    {"${{10} >level {3.6.1}?{gt}:{le}}", "gt"},
	    {"${{2} ==level {2.0}?{eq}:{ne}}", "eq"},
	    {"${multi_instance_name?{$multi_instance_name}:{postfix}}",
	     "postfix"},
	};
	STRBUF *out = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		if (mainconf_expand_fn(out, t[i].in, MAINCONF_EXP_RECURSE,
				       exp_lookup, NULL, NULL, why) != 0)
			fail_msg("\"%s\": %s", t[i].in, strbuf_str(why));
		if (strcmp(strbuf_str(out), t[i].out) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", t[i].in,
				 strbuf_str(out), t[i].out);
	}

	/* Without RECURSE a value is inserted as it is. */
	assert_int_equal(
	    mainconf_expand_fn(out, "[$ref]", 0, exp_lookup, NULL, NULL, why),
	    0);
	assert_string_equal(strbuf_str(out), "[$b world]");
	strbuf_free(&out);
	strbuf_free(&why);
}

/* test_expand_errors - Postfix's warnings, and loops */

static void
test_expand_errors(void **state)
{
	static const struct {
		const char *in;
		const char *error;
	} t[] = {
	    {"${a", "truncated macro reference: \"${a\""},
	    {"x ${{1} == {1}} ${a",
	     "truncated macro reference: \"x ${{1} == {1}} ${a\""},
	    {"a$", "empty macro name: \"a$\""},
	    {"a$ b", "empty macro name: \"a$ b\""},
	    {"${}", "empty macro name: \"${}\""},
	    {"${a==5?{eq}:{ne}}",
	     "attribute name syntax error at: \"...a>>>==5?{eq}:{ne}\""},
	    {"${na me1}", "attribute name syntax error at: \"...na>>> me1\""},
	    {"${b:{v1}:{v2}}", "unexpected input at: \"...v1}>>>:{v2}\""},
	    {"${a?{v1}x}", "\":\" expected at: \"...v1}>>>x\""},
	    {"${{$a} =~ {b}?x}",
	     "\"==\" or \"!=\"\" or \"<\"\" or \"<=\"\" or \">=\"\" or \">\" "
	     "expected at: \"...$a}>>>=~ {b}?x\""},
	    {"${{1} <foo {2}?a:b}", "bad operator suffix at: \"...<>>>foo\""},
	    {"${{1} == 2 ?a:b}",
	     "\"{expression}\" expected at: \"...{1} ==>>> 2 ?a:b\""},
	    {"${{1} == {1} x}", "\"?\" or \":\" expected at: \"...}>>>x\""},
	    {"${{1 == {1}}}",
	     "\"==\" or \"!=\"\" or \"<\"\" or \"<=\"\" or \">=\"\" or \">\" "
	     "expected at: \"...1 == {1}}>>>\""},
	    {"${a?{x}", "truncated macro reference: \"${a?{x}\""},
	    {"${a?{x}:{y}", "truncated macro reference: \"${a?{x}:{y}\""},
	    {"${{x} <level {2}?a:b}",
	     "malformed compatibility level syntax: \"x\""},
	    {"${{2} <level {3.x}?a:b}",
	     "malformed compatibility level syntax: \"3.x\""},
	    {"$(a?{x)", "unbalanced {} in attribute expression: \"{x\""},
	    {"$(a?{{x})", "unbalanced {} in attribute expression: \"{{x}\""},
	    {"$loop1", "unreasonable macro call nesting: \"loop2\""},
	    {"$selfcmp",
	     "unreasonable macro call nesting: \"{$selfcmp} == {x}?y\""},
	};
	STRBUF *out = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		if (mainconf_expand_fn(out, t[i].in, MAINCONF_EXP_RECURSE,
				       exp_lookup, NULL, NULL, why) != -1)
			fail_msg("\"%s\": no error, got \"%s\"", t[i].in,
				 strbuf_str(out));
		if (strcmp(strbuf_str(why), t[i].error) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", t[i].in,
				 strbuf_str(why), t[i].error);
	}
	strbuf_free(&out);
	strbuf_free(&why);
}

/* test_scan - names in both branches; nothing looked up or written */

static void
test_scan(void **state)
{
	ARGV *used = argv_create();
	STRBUF *why = strbuf_create(10);

	assert_int_equal(
	    mainconf_expand_fn(
		NULL, "$a ${e?{$t1}:{$t2}} ${{$l} == {$r}?$t3} $$no ${x:$t4}",
		MAINCONF_EXP_SCAN, exp_lookup, NULL, used, why),
	    0);
	argv_sort(used);
	assert_int_equal(used->argc, 9);
	assert_string_equal(used->argv[0], "a");
	assert_string_equal(used->argv[1], "e");
	assert_string_equal(used->argv[2], "l");
	assert_string_equal(used->argv[3], "r");
	assert_string_equal(used->argv[4], "t1");
	assert_string_equal(used->argv[5], "t2");
	assert_string_equal(used->argv[6], "t3");
	assert_string_equal(used->argv[7], "t4");
	assert_string_equal(used->argv[8], "x");

	/* A scan still finds syntax errors, but does not follow loops. */
	assert_int_equal(mainconf_expand_fn(NULL, "$loop1", MAINCONF_EXP_SCAN,
					    exp_lookup, NULL, NULL, why),
			 0);
	assert_int_equal(mainconf_expand_fn(NULL, "${x", MAINCONF_EXP_SCAN,
					    exp_lookup, NULL, NULL, why),
			 -1);

	/* RECORD lists what an expansion looked up, in its branch only. */
	argv_truncate(used, 0);
	assert_int_equal(mainconf_expand_fn(NULL, "${a?{$t1}:{$t2}}",
					    MAINCONF_EXP_RECORD, exp_lookup,
					    NULL, used, why),
			 0);
	assert_int_equal(used->argc, 2);
	assert_string_equal(used->argv[0], "a");
	assert_string_equal(used->argv[1], "t1");
	argv_free(&used);
	strbuf_free(&why);
}

/* test_lookup - main.cf values over defaults, expanded */

static void
test_lookup(void **state)
{
	STRBUF *why = strbuf_create(10);
	char host[256];

	assert_int_equal(read_main_cf("myhostname = mail.example.com\n"
				      "myorigin = $mydomain\n"
				      "process_name = other\n"
				      "user_thing = ${myhostname}/x\n",
				      why),
			 0);
	assert_string_equal(mainconf_lookup("myorigin"), "example.com");
	assert_string_equal(mainconf_lookup("mydomain"), "example.com");
	assert_string_equal(
	    mainconf_lookup("mydestination"),
	    "mail.example.com, localhost.example.com, localhost");
	assert_string_equal(mainconf_lookup("user_thing"),
			    "mail.example.com/x");
	/* Read-only: programs see the built-in value. */
	assert_string_equal(mainconf_lookup_raw("process_name"), "other");
	assert_string_equal(mainconf_lookup("process_name"), log_progname());
	assert_string_equal(mainconf_lookup("mail_version"), "0.1.0");
	assert_string_equal(mainconf_lookup("syslog_name"), "postfix");
	assert_string_equal(mainconf_lookup("mynetworks_style"), "subnet");
	assert_string_equal(mainconf_lookup("smtputf8_enable"), "no");
	assert_null(mainconf_lookup("not_a_parameter"));

	/* An override wins over main.cf, and over the default. */
	mainconf_override("compatibility_level", "3.6");
	assert_string_equal(mainconf_lookup("mynetworks_style"), "host");
	assert_string_equal(mainconf_lookup("respectful_logging"), "yes");
	mainconf_override("myorigin", "other");
	assert_string_equal(mainconf_lookup("myorigin"), "other");

	/* mydomain set: a short host name gets it appended. */
	assert_int_equal(read_main_cf("mydomain = example.net\n", why), 0);
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = 0;
	if (strchr(host, '.') == NULL)
		strbuf_printf(why, "%s.example.net", host);
	else
		strbuf_set(why, host);
	assert_string_equal(mainconf_lookup("myhostname"), strbuf_str(why));
	assert_string_equal(mainconf_lookup("mydomain"), "example.net");

	/* Nothing set: Postfix's fallback domain. */
	assert_int_equal(read_main_cf("myhostname = short\n", why), 0);
	assert_string_equal(mainconf_lookup("mydomain"), "localdomain");
	strbuf_free(&why);
}

/* test_load - var_* get main.cf values, else defaults */

static void
test_load(void **state)
{
	STRBUF *why = strbuf_create(10);

	assert_int_equal(read_main_cf("default_process_limit = 7\n"
				      "max_idle = 2m\n"
				      "delay_warning_time = 4\n"
				      "biff = no\n"
				      "message_size_limit = 5000000000\n"
				      "mail_name = Mail$$ystem\n"
				      "compatibility_level = 2\n"
				      "myhostname = h.example\n",
				      why),
			 0);
	mainconf_override("ipc_timeout",
			  "${{$default_process_limit} > {5}?{10m}:{1m}}");
	mainconf_load(PARAM_GROUP_GLOBAL);
	assert_int_equal(var_default_process_limit, 7);
	assert_int_equal(var_max_idle, 120);
	assert_int_equal(var_delay_warning_time, 4 * 3600);
	assert_int_equal(var_ipc_timeout, 600);
	assert_int_equal(var_biff, 0);
	assert_int_equal(var_message_size_limit, 5000000000L);
	assert_string_equal(var_mail_name, "Mail$ystem");
	assert_string_equal(var_myorigin, "h.example");
	assert_string_equal(var_mydestination,
			    "h.example, localhost.example, localhost");
	assert_string_equal(var_mynetworks_style, "host");
	assert_int_equal(var_smtputf8_enable, 1);
	assert_string_equal(var_mail_version, "0.1.0");
	assert_string_equal(var_config_directory, tmpdir);
	assert_int_equal(var_max_use, 100);

	/* Idempotent, and a later read changes what the next load stores. */
	mainconf_load(PARAM_GROUP_GLOBAL);
	assert_int_equal(var_default_process_limit, 7);
	assert_int_equal(read_main_cf("max_use = 3\n", why), 0);
	mainconf_load(PARAM_GROUP_GLOBAL);
	assert_int_equal(var_default_process_limit, 100);
	assert_int_equal(var_max_use, 3);
	strbuf_free(&why);
}

/* load_fails - mainconf_load() in a child; returns its stderr */

static char *
load_fails(const char *text)
{
	int fds[2];
	pid_t pid;
	int status;
	STRBUF *err = strbuf_create(100);
	char buf[512];
	ssize_t n;
	char *result;

	write_main_cf(text);
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		if (mainconf_read(0, err) < 0)
			_exit(3);
		mainconf_load(PARAM_GROUP_GLOBAL);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_append(err, buf, (size_t) n);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	result = strbuf_detach(err);
	strbuf_free(&err);
	return result;
}

/* test_load_errors - bad values are fatal, in Postfix's words */

static void
test_load_errors(void **state)
{
	static const struct {
		const char *text;
		const char *stderr_text;
	} t[] = {
	    {"max_use = lots\n",
	     "fatal: bad numerical configuration: max_use = lots\n"},
	    {"max_use = 0\n", "fatal: invalid max_use parameter value 0 < 1\n"},
	    {"biff = perhaps\n",
	     "fatal: bad boolean configuration: biff = perhaps\n"},
	    {"max_idle = 1y\n",
	     "fatal: parameter max_idle: bad time value or unit: 1y\n"},
	    {"in_flow_delay = 11\n",
	     "fatal: invalid in_flow_delay: 11 (max 10)\n"},
	    {"mail_owner =\n",
	     "fatal: bad string length 0 < 1: mail_owner = \n"},
	    {"myorigin = ${x\n",
	     "warning: truncated macro reference: \"${x\"\n"},
	    {"myorigin = ${x\n",
	     "fatal: dictionary mail_dict: macro processing error\n"},
	    {"myorigin = $l1\nl1 = $l2\nl2 = $l1\n",
	     "warning: unreasonable macro call nesting: \"l2\"\n"},
	};
	size_t i;
	char *got;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		got = load_fails(t[i].text);
		if (strstr(got, t[i].stderr_text) == NULL)
			fail_msg("%s: got \"%s\"", t[i].text, got);
		xfree(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grammar),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_warnings),
	    cmocka_unit_test(test_unset_scope_env),
	    cmocka_unit_test(test_parse_assignment),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_expand_errors),
	    cmocka_unit_test(test_scan),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
