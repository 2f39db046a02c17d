/*
 * aliases_parse_test.c - tests for the aliases(5) syntax module
 *
 * The expected names and values were taken from Postfix 3.7's
 * "postalias -f" followed by "postalias -f -s" on the same lines, so
 * that the spacing and quoting of stored values match Postfix exactly.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "argv.h"
#include "strbuf.h"
#include "aliases_parse.h"

/* Lines that parse: input, name (internal form), value (external). */
static const struct {
	const char *line;
	const char *name;
	const char *value;
} parse_ok[] = {
	{"a1: b", "a1", "b"},
	{"Postmaster:\troot", "Postmaster", "root"},
	{"\"John Doe\": john", "John Doe", "john"},
	{"\"quoted:colon\": x", "quoted:colon", "x"},
	{"\"x@y\": z", "x@y", "z"},
	{"user(comment): y", "user (comment)", "y"},
	{"a.b: c.d", "a.b", "c.d"},
	{"first.last: \"First Last\" <fl@example.com>, (note) x@y",
	 "first.last", "\"First Last\" <fl@example.com>, (note) x@y"},
	{"cmd: \"|/usr/bin/prog -a\", |/bin/true",
	 "cmd", "\"|/usr/bin/prog -a\", |/bin/true"},
	{"inc: :include:/etc/list", "inc", ":include:/etc/list"},
	{"file: /var/log/x", "file", "/var/log/x"},
	{"lit: user@[10.0.0.1]", "lit", "user@[10.0.0.1]"},
	{"esc: \\,x, a\\ b", "esc", "\",x\", \"a b\""},
	{"q: \"a\\\"b\", \"back\\\\slash\"", "q", "\"a\\\"b\", \"back\\\\slash\""},
	{"sp: a,b , c   ,d", "sp", "a, b, c, d"},
	{"route: <@a,@b:c@d>", "route", "<@a, @b:c@d>"},
	{"bang: a!b%c", "bang", "a!b%c"},
	{"e: \"\"", "e", "\"\""},
	{"nested: (a (b) c) z", "nested", "(a (b) c) z"},
	/* A continuation line arrives joined, leading white space kept. */
	{"multi: a,b , c   ,d  leading: cont", "multi", "a, b, c, d leading:cont"},
	{"root:\tadmin@example.com,  \"|/usr/bin/procmail -a x\",\t/var/mail/archive",
	 "root", "admin@example.com, \"|/usr/bin/procmail -a x\", /var/mail/archive"},
	{"tricky: \"a b\"@example.com, <c@d>, Foo Bar <foo@bar>, \\x",
	 "tricky", "\"a b\"@example.com, <c@d>, Foo Bar <foo@bar>, x"},
	{"x:\"\"", "x", "\"\""},
};

/* Lines that do not parse, with Postfix's reason. */
static const struct {
	const char *line;
	const char *why;
} parse_bad[] = {
	{"bad line", "need name:value pair"},
	{"empty:", "need name:value pair"},
	{": value", "need name:value pair"},
	{"a, b: c", "need name:value pair"},
	{"nocolon value", "need name:value pair"},
	{"remote@example.com: x", "name must be local"},
	{"user%host: x", "name must be local"},
};

/* test_parse_ok - names and values as Postfix stores them */

static void
test_parse_ok(void **state)
{
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(parse_ok); i++) {
		int     status = aliases_parse_line(parse_ok[i].line, name, value,
						    why);

		if (status != ALIASES_PARSE_OK)
			fail_msg("\"%s\": status %d (%s)", parse_ok[i].line,
				 status, strbuf_str(why));
		assert_string_equal(strbuf_str(name), parse_ok[i].name);
		assert_string_equal(strbuf_str(value), parse_ok[i].value);
	}
	strbuf_free(&name);
	strbuf_free(&value);
	strbuf_free(&why);
}

/* test_parse_bad - malformed lines give Postfix's reason */

static void
test_parse_bad(void **state)
{
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(parse_bad); i++) {
		strbuf_reset(why);
		if (aliases_parse_line(parse_bad[i].line, name, value, why)
		    != ALIASES_PARSE_ERROR)
			fail_msg("\"%s\": accepted", parse_bad[i].line);
		assert_string_equal(strbuf_str(why), parse_bad[i].why);
	}
	strbuf_free(&name);
	strbuf_free(&value);
	strbuf_free(&why);
}

/* test_parse_empty - white space only is no entry and no error */

static void
test_parse_empty(void **state)
{
	STRBUF *name = strbuf_create(10);
	STRBUF *value = strbuf_create(10);
	STRBUF *why = strbuf_create(10);

	(void) state;
	assert_int_equal(aliases_parse_line("", name, value, why),
			 ALIASES_PARSE_EMPTY);
	assert_int_equal(aliases_parse_line(" \t ", name, value, why),
			 ALIASES_PARSE_EMPTY);
	assert_string_equal(strbuf_str(why), "");
	strbuf_free(&name);
	strbuf_free(&value);
	strbuf_free(&why);
}

/* Right-hand sides and the destinations they name, "|"-separated. */
static const struct {
	const char *value;
	size_t  count;
	const char *dests;
} split[] = {
	{"a, b", 2, "a|b"},
	{"a,b , c   ,d", 4, "a|b|c|d"},
	{"\"|/usr/bin/prog -a\", |/bin/true", 2, "|/usr/bin/prog -a||/bin/true"},
	{"Foo Bar <foo@bar>, (note) x@y", 2, "foo@bar|x@y"},
	{":include:/etc/list", 1, ":include:/etc/list"},
	{"/var/mail/archive", 1, "/var/mail/archive"},
	{"\"a b\"@example.com", 1, "a b@example.com"},
	{"user@[10.0.0.1]", 1, "user@[10.0.0.1]"},
	/* Two words without an operator are two addresses, as in Postfix. */
	{"alice bob", 2, "alice|bob"},
	{"first.last@example.com (Full Name)", 1, "first.last@example.com"},
	{"", 0, ""},
	{" , ,", 0, ""},
	{"<>", 0, ""},
	{"<@a,@b:c@d>, e", 2, "@a, @b:c@d|e"},
};

/* test_split - values split into destinations */

static void
test_split(void **state)
{
	size_t  i;
	size_t  j;

	(void) state;
	for (i = 0; i < ARRAY_LEN(split); i++) {
		ARGV   *dests = argv_create();
		STRBUF *joined = strbuf_create(10);
		size_t  n = aliases_split_value(split[i].value, dests);

		for (j = 0; j < dests->argc; j++) {
			if (j > 0)
				strbuf_append_char(joined, '|');
			strbuf_append_str(joined, dests->argv[j]);
		}
		if (n != split[i].count || dests->argc != n)
			fail_msg("\"%s\": %zu destinations (%s)", split[i].value,
				 n, strbuf_str(joined));
		assert_string_equal(strbuf_str(joined), split[i].dests);
		argv_free(&dests);
		strbuf_free(&joined);
	}
}

/* test_dest_type - the four kinds of destination */

static void
test_dest_type(void **state)
{
	static const struct {
		const char *dest;
		int     type;
		const char *arg;
	} t[] = {
		{"user@example.com", ALIASES_DEST_ADDRESS, "user@example.com"},
		{"root", ALIASES_DEST_ADDRESS, "root"},
		{"/var/mail/x", ALIASES_DEST_FILE, "/var/mail/x"},
		{"|/bin/cat -n", ALIASES_DEST_COMMAND, "/bin/cat -n"},
		{":include:/etc/list", ALIASES_DEST_INCLUDE, "/etc/list"},
		{":INCLUDE:/etc/list", ALIASES_DEST_INCLUDE, "/etc/list"},
		{":includ:/x", ALIASES_DEST_ADDRESS, ":includ:/x"},
	};
	size_t  i;
	const char *arg;

	(void) state;
	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(aliases_dest_type(t[i].dest, &arg), t[i].type);
		assert_string_equal(arg, t[i].arg);
		assert_int_equal(aliases_dest_type(t[i].dest, NULL), t[i].type);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_dest_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
