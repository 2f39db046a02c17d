/*
 * param_test.c - unit tests for the parameter registry
 *
 * Checks every declared default against Postfix 3.7.11's postconf -d
 * output (testdata/postconf-d-3.7.11.txt), the conversions and their
 * error wording, time units, lookup and the sorted walk.
 */

#include "sysdeps.h"

#include <limits.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "argv.h"
#include "mainconf.h"
#include "mem.h"
#include "nametab.h"
#include "param.h"
#include "params_global.h"
#include "strbuf.h"

#define REFERENCE "testdata/postconf-d-3.7.11.txt"

/*
 * Parameters whose default differs from the reference on purpose:
 * install paths (from makedefs), our version, and values that Postfix
 * computes from the host. README_FILES/COMPATIBILITY_DIFFERENCES says
 * why. Keep this list short: everything else must match byte for byte.
 */
static const char *const exceptions[] = {
    "command_directory", "config_directory",  "daemon_directory",
    "data_directory",	 "html_directory",    "mail_version",
    "mailq_path",	 "manpage_directory", "meta_directory",
    "mydomain",		 "myhostname",	      "mynetworks",
    "newaliases_path",	 "process_id",	      "process_name",
    "queue_directory",	 "readme_directory",  "sample_directory",
    "sendmail_path",	 "shlib_directory",
    "smtpd_forbid_bare_newline",	/* "normalize": no SMTP smuggling */
};

/* is_exception - in the list above */

static int
is_exception(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(exceptions); i++)
		if (strcmp(exceptions[i], name) == 0)
			return 1;
	return 0;
}

/* load_reference - name -> default text, from postconf -d output */

static NAMETAB *
load_reference(void)
{
	NAMETAB *ref = nametab_create(1100);
	STRBUF *line = strbuf_create(200);
	FILE *fp = fopen(REFERENCE, "r");
	char *eq;
	int ch;

	assert_non_null(fp);
	for (;;) {
		strbuf_reset(line);
		while ((ch = getc(fp)) != EOF && ch != '\n')
			strbuf_append_char(line, ch);
		if (ch == EOF && strbuf_len(line) == 0)
			break;
		/* "name = value", or "name =" for an empty default. */
		eq = strstr(strbuf_str(line), " =");
		assert_non_null(eq);
		*eq = 0;
		nametab_enter(ref, strbuf_str(line),
			      xstrdup(eq[2] == ' ' ? eq + 3 : eq + 2));
	}
	fclose(fp);
	strbuf_free(&line);
	assert_true(nametab_count(ref) > 1000);
	return ref;
}

struct ref_check {
	NAMETAB *ref;
	int checked;
	int excepted;
};

/* check_one - a declared default against the reference */

static void
check_one(const PARAM_DEF *def, void *context)
{
	struct ref_check *rc = context;
	const char *want = nametab_find(rc->ref, def->name);

	if (want == NULL)
		fail_msg("%s: not a Postfix 3.7 parameter", def->name);
	if (is_exception(def->name)) {
		rc->excepted++;
		return;
	}
	if (strcmp(param_default(def), want) != 0)
		fail_msg("%s: default \"%s\", Postfix has \"%s\"", def->name,
			 param_default(def), want);
	rc->checked++;
}

/* test_reference - every default is Postfix's, except the listed ones */

static void
test_reference(void **state)
{
	struct ref_check rc = {load_reference(), 0, 0};
	size_t i;

	param_walk(check_one, &rc);
	/* The exception list names declared parameters only. */
	for (i = 0; i < ARRAY_LEN(exceptions); i++)
		assert_non_null(param_find(exceptions[i]));
	assert_int_equal(rc.excepted, ARRAY_LEN(exceptions));
	assert_true(rc.checked >= 110);
	nametab_free(&rc.ref, xfree);
}

/* test_find - lookup by name */

static void
test_find(void **state)
{
	const PARAM_DEF *def;

	assert_true(param_count() >= 130);
	assert_non_null(def = param_find("mydestination"));
	assert_int_equal(def->type, PARAM_T_STR);
	assert_ptr_equal(def->var, &var_mydestination);
	assert_non_null(def = param_find("max_idle"));
	assert_int_equal(def->type, PARAM_T_TIME);
	assert_string_equal(param_default(def), "100s");
	assert_non_null(def = param_find("default_process_limit"));
	assert_string_equal(param_default(def), "100");
	assert_non_null(def = param_find("biff"));
	assert_string_equal(param_default(def), "yes");
	assert_null(param_find("no_such_parameter"));
	assert_null(param_find(""));
	assert_null(param_find("mydestinatio"));
}

struct walk_state {
	const char *prev;
	size_t count;
};

/* walk_one - names arrive strictly increasing */

static void
walk_one(const PARAM_DEF *def, void *context)
{
	struct walk_state *ws = context;

	if (ws->prev != NULL)
		assert_true(strcmp(ws->prev, def->name) < 0);
	ws->prev = def->name;
	ws->count++;
}

/* test_walk - sorted, and every parameter once */

static void
test_walk(void **state)
{
	struct walk_state ws = {NULL, 0};

	param_walk(walk_one, &ws);
	assert_int_equal(ws.count, param_count());
}

/*
 * closed_one - every $name in a default is a declared parameter, except
 * in raw parameters, which are expanded per delivery with names such
 * as $home and $user that only the delivery agent knows
 */

static void
closed_one(const PARAM_DEF *def, void *context)
{
	ARGV *used = argv_create();
	STRBUF *why = strbuf_create(10);
	size_t i;

	if ((def->flags & PARAM_F_DYNAMIC) || def->type == PARAM_T_RAW) {
		argv_free(&used);
		strbuf_free(&why);
		return;
	}
	if (mainconf_expand(NULL, def->defval, MAINCONF_EXP_SCAN, used, why) <
	    0)
		fail_msg("%s: bad default: %s", def->name, strbuf_str(why));
	for (i = 0; i < used->argc; i++)
		if (param_find(used->argv[i]) == NULL)
			fail_msg("%s: default refers to undeclared $%s",
				 def->name, used->argv[i]);
	argv_free(&used);
	strbuf_free(&why);
}

/* test_defaults_closed - defaults only refer to known parameters */

static void
test_defaults_closed(void **state)
{
	param_walk(closed_one, NULL);
}

/* test_parse_time - units, default unit, limits */

static void
test_parse_time(void **state)
{
	static const struct {
		const char *in;
		int unit;
		int ok;
		long secs;
	} t[] = {
	    {"0", 's', 1, 0},
	    {"10", 's', 1, 10},
	    {"10", 'm', 1, 600},
	    {"10s", 'h', 1, 10},
	    {"5m", 's', 1, 300},
	    {"2h", 's', 1, 7200},
	    {"3d", 's', 1, 259200},
	    {"1w", 's', 1, 604800},
	    {"4", 'd', 1, 345600},
	    {"", 's', 0, 0},
	    {"s", 's', 0, 0},
	    {"-1", 's', 0, 0},
	    {"1x", 's', 0, 0},
	    {"1ss", 's', 0, 0},
	    {"1 s", 's', 0, 0},
	    {"1.5h", 's', 0, 0},
	    {"2147483647", 's', 1, 2147483647L},
	    {"2147483648", 's', 0, 0},
	    {"3550w", 's', 1, 3550L * 604800},
	    {"3551w", 's', 0, 0},
	    {"3551w1", 's', 0, 0},
	    {"9999999999999999999999", 's', 0, 0},
	    {"10", 'x', 0, 0},
	};
	size_t i;
	long secs;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		secs = -42;
		if (param_parse_time(t[i].in, t[i].unit, &secs) !=
		    (t[i].ok ? 0 : -1))
			fail_msg("\"%s\": unexpected result", t[i].in);
		if (t[i].ok)
			assert_int_equal(secs, t[i].secs);
		else
			assert_int_equal(secs, -42);
	}
}

static char *t_str;
static int t_int;
static long t_long;
static int t_bool;
static int t_time;

static const PARAM_DEF t_defs[] = {
    PARAM_STR("t_str", "abc", &t_str, 2, 5),
    PARAM_INT("t_int", 10, &t_int, 1, 100),
    PARAM_INT("t_int_nolimit", 10, &t_int, 0, 0),
    PARAM_LONG("t_long", 1000, &t_long, 0, 5000000000L),
    PARAM_SIZE("t_size", 10240000, &t_long, 1, 0),
    PARAM_BOOL("t_bool", 1, &t_bool),
    PARAM_TIME("t_time", "300s", &t_time, 1, 3600),
    PARAM_TIME("t_hours", "12h", &t_time, 0, 0),
    PARAM_TIME("t_stress", "${stress?{10}:{300}}m", &t_time, 0, 0),
    PARAM_TIME("t_nounit", "300", &t_time, 0, 0),
    PARAM_END};

/* tdef - test definition by name */

static const PARAM_DEF *
tdef(const char *name)
{
	const PARAM_DEF *def;

	for (def = t_defs; def->name; def++)
		if (strcmp(def->name, name) == 0)
			return def;
	fail_msg("no test definition %s", name);
	return NULL;
}

/* test_store - conversions, limits and Postfix's error wording */

static void
test_store(void **state)
{
	static const struct {
		const char *name;
		const char *value;
		const char *error; /* NULL: success */
		long stored;	   /* numbers */
	} t[] = {
	    {"t_str", "xy", NULL, 0},
	    {"t_str", "x", "bad string length 1 < 2: t_str = x", 0},
	    {"t_str", "abcdef", "bad string length 6 > 5: t_str = abcdef", 0},
	    {"t_int", "42", NULL, 42},
	    {"t_int", " 7 ", NULL, 7},
	    {"t_int", "x", "bad numerical configuration: t_int = x", 0},
	    {"t_int", "", "bad numerical configuration: t_int = ", 0},
	    {"t_int", "4x", "bad numerical configuration: t_int = 4x", 0},
	    {"t_int", "99999999999",
	     "bad numerical configuration: t_int = 99999999999", 0},
	    {"t_int", "0", "invalid t_int parameter value 0 < 1", 0},
	    {"t_int", "101", "invalid t_int parameter value 101 > 100", 0},
	    {"t_int_nolimit", "-5", NULL, -5},
	    {"t_long", "4000000000", NULL, 4000000000L},
	    {"t_long", "6000000000",
	     "invalid t_long parameter value 6000000000 > 5000000000", 0},
	    {"t_long", "1e6", "bad numerical configuration: t_long = 1e6", 0},
	    {"t_size", "0", "invalid t_size parameter value 0 < 1", 0},
	    {"t_bool", "yes", NULL, 1},
	    {"t_bool", "NO", NULL, 0},
	    {"t_bool", "true", NULL, 1},
	    {"t_bool", "maybe", "bad boolean configuration: t_bool = maybe", 0},
	    {"t_time", "5m", NULL, 300},
	    {"t_time", "60", NULL, 60},
	    {"t_time", "2h", "invalid t_time: 7200 (max 3600)", 0},
	    {"t_time", "0", "invalid t_time: 0 (min 1)", 0},
	    {"t_time", "5y", "parameter t_time: bad time value or unit: 5y", 0},
	    {"t_hours", "2", NULL, 7200},
	    {"t_stress", "2", NULL, 120},
	    {"t_nounit", "2", NULL, 2},
	};
	STRBUF *why = strbuf_create(10);
	const PARAM_DEF *def;
	long got;
	size_t i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		def = tdef(t[i].name);
		if (t[i].error == NULL) {
			if (param_store(def, t[i].value, why) != 0)
				fail_msg("%s = %s: %s", t[i].name, t[i].value,
					 strbuf_str(why));
			switch (def->type) {
			case PARAM_T_STR:
				assert_string_equal(t_str, t[i].value);
				continue;
			case PARAM_T_LONG:
			case PARAM_T_SIZE:
				got = t_long;
				break;
			case PARAM_T_BOOL:
				got = t_bool;
				break;
			case PARAM_T_TIME:
				got = t_time;
				break;
			default:
				got = t_int;
				break;
			}
			assert_int_equal(got, t[i].stored);
		} else {
			assert_int_equal(param_store(def, t[i].value, why), -1);
			assert_string_equal(strbuf_str(why), t[i].error);
		}
	}
	xfree(t_str);
	t_str = NULL;
	strbuf_free(&why);
}

/* test_time_unit - taken from the end of the default */

static void
test_time_unit(void **state)
{
	assert_int_equal(param_time_unit(tdef("t_time")), 's');
	assert_int_equal(param_time_unit(tdef("t_hours")), 'h');
	assert_int_equal(param_time_unit(tdef("t_stress")), 'm');
	assert_int_equal(param_time_unit(tdef("t_nounit")), 's');
	assert_int_equal(param_time_unit(param_find("delay_warning_time")),
			 'h');
}

/* types_one - each fixed default converts under its own type */

static void
types_one(const PARAM_DEF *def, void *context)
{
	STRBUF *why = context;

	/* Expression defaults ($name, ${...}) are checked by mainconf_test. */
	if (!(def->flags & PARAM_F_DYNAMIC) &&
	    strchr(def->defval, '$') == NULL &&
	    param_store(def, def->defval, why) != 0)
		fail_msg("%s: %s", def->name, strbuf_str(why));
}

/* test_default_types - defaults are valid values of their type */

static void
test_default_types(void **state)
{
	STRBUF *why = strbuf_create(10);

	param_walk(types_one, why);
	assert_int_equal(var_default_process_limit, 100);
	assert_int_equal(var_max_idle, 100);
	assert_int_equal(var_ipc_timeout, 3600);
	assert_int_equal(var_delay_warning_time, 0);
	assert_int_equal(var_message_size_limit, 10240000L);
	assert_int_equal(var_biff, 1);
	assert_int_equal(var_enable_long_queue_ids, 0);
	assert_string_equal(var_hash_queue_names, "deferred, defer");
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_defaults_closed),
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_store),
	    cmocka_unit_test(test_time_unit),
	    cmocka_unit_test(test_default_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
