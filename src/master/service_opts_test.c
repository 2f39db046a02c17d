/*
 * service_opts_test.c - the daemon command line that master builds
 *
 * Each case is a command line (words separated by '|') and the fields
 * it must produce; the -o options and the remaining arguments are
 * compared as '|'-joined strings.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "argv.h"
#include "strbuf.h"
#include "service_opts.h"

typedef struct {
	const char *cmdline;
	int	ok;
	const char *name;
	const char *type;
	int	socket_count;
	const char *flags;	/* letters of the boolean options seen */
	int	verbose;
	const char *opts;	/* "name=value|..." */
	const char *args;
	const char *why;	/* error text */
} OPTS_CASE;

static const OPTS_CASE opts_cases[] = {
	/* What master passes, as in Postfix. */
	{"smtpd|-n|smtp|-t|inet|-u|-c", 1, "smtp", "inet", 1, "cu", 0, "", "", NULL},
	{"qmgr|-l|-n|qmgr|-t|unix|-u", 1, "qmgr", "unix", 1, "lu", 0, "", "", NULL},
	{"cleanup|-z|-n|cleanup|-t|unix|-v|-v|-u", 1, "cleanup", "unix", 1,
	"uz", 2, "", "", NULL},
	{"smtpd|-n|25|-t|inet|-s|2|-u|-o|syslog_name=postfix/x|-o|a=b=c",
	1, "25", "inet", 2, "u", 0, "syslog_name=postfix/x|a=b=c", "", NULL},
	/* Values glued to their letter, letters grouped. */
	{"x|-nfoo|-tunix|-ouc|-vvuc", 1, "foo", "unix", 1, "cu", 2, "uc=", "", NULL},
	{"x|-uco|k=v|-s3", 1, NULL, NULL, 3, "cu", 0, "k=v", "", NULL},
	/* "-o name" alone means an empty value; an empty value is fine. */
	{"x|-o|name|-o|empty=", 1, NULL, NULL, 1, "", 0, "name=|empty=", "", NULL},
	/* Options end at the first argument; the rest is the daemon's. */
	{"pipe|-n|p|-t|unix|flags=R|argv=/bin/x|-o|y", 1, "p", "unix", 1, "",
	0, "", "flags=R|argv=/bin/x|-o|y", NULL},
	{"x|--|-v", 1, NULL, NULL, 1, "", 0, "", "-v", NULL},
	{"x|-|-v", 1, NULL, NULL, 1, "", 0, "", "-|-v", NULL},
	{"x|-S|-D", 1, NULL, NULL, 1, "DS", 0, "", "", NULL},
	/* A later -n or -t wins. */
	{"x|-n|a|-n|b|-t|unix|-t|inet", 1, "b", "inet", 1, "", 0, "", "", NULL},
	/* Errors. */
	{"x|-q", 0, .why = "invalid option: -q"},
	{"x|-n", 0, .why = "option requires an argument: -n"},
	{"x|-uo", 0, .why = "option requires an argument: -o"},
	{"x|-s|0", 0, .why = "invalid socket count: \"0\""},
	{"x|-s|65", 0, .why = "invalid socket count: \"65\""},
	{"x|-s|two", 0, .why = "invalid socket count: \"two\""},
	{"x|-o|=v", 0, .why = "invalid -o argument: \"=v\""},
};

/* join - '|'-joined words */

static void
join(STRBUF *out, const ARGV *a, const ARGV *b)
{
	size_t	i;

	strbuf_reset(out);
	for (i = 0; i < a->argc; i++) {
		if (i > 0)
			strbuf_append_char(out, '|');
		strbuf_append_str(out, a->argv[i]);
		if (b) {
			strbuf_append_char(out, '=');
			strbuf_append_str(out, b->argv[i]);
		}
	}
}

/* test_cases - run the table */

static void
test_cases(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	SERVICE_OPTS opts;
	ARGV   *words;
	size_t	i;
	int	ret;

	for (i = 0; i < ARRAY_LEN(opts_cases); i++) {
		const OPTS_CASE *t = opts_cases + i;

		words = argv_split(t->cmdline, "|");
		strbuf_reset(why);
		ret = service_opts_parse((int) words->argc, words->argv, &opts, why);
		if (!t->ok) {
			assert_int_equal(ret, -1);
			assert_string_equal(strbuf_str(why), t->why);
			service_opts_free(&opts);
			argv_free(&words);
			continue;
		}
		assert_int_equal(ret, 0);
		if (t->name)
			assert_string_equal(opts.name, t->name);
		else
			assert_null(opts.name);
		if (t->type)
			assert_string_equal(opts.type, t->type);
		else
			assert_null(opts.type);
		assert_int_equal(opts.socket_count, t->socket_count);
		assert_int_equal(opts.verbose, t->verbose);
		strbuf_reset(got);
		if (opts.chroot)
			strbuf_append_char(got, 'c');
		if (opts.debug)
			strbuf_append_char(got, 'D');
		if (opts.solitary)
			strbuf_append_char(got, 'l');
		if (opts.standalone)
			strbuf_append_char(got, 'S');
		if (opts.unpriv)
			strbuf_append_char(got, 'u');
		if (opts.unlimited)
			strbuf_append_char(got, 'z');
		assert_string_equal(strbuf_str(got), t->flags);
		join(got, opts.opt_names, opts.opt_values);
		assert_string_equal(strbuf_str(got), t->opts);
		join(got, opts.args, NULL);
		assert_string_equal(strbuf_str(got), t->args);
		service_opts_free(&opts);
		argv_free(&words);
	}
	strbuf_free(&why);
	strbuf_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
