/*
 * addr_parse_test.c - tests for the address parser and quoter
 *
 * Lists come from RFC 5322 appendix A and from the tolerant behaviour
 * of Postfix's tok822 module. Each parsed list is flattened to one
 * string, "addr|display|group|route|angle" per address, joined by " ; ",
 * with "-" for a missing part.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"
#include "addr_parse.h"

static const struct {
	const char *in;
	const char *out;
} list_cases[] = {
	/* RFC 5322 A.1.1 */
	{"John Doe <jdoe@machine.example>",
	 "jdoe@machine.example|John Doe|-|-|1"},
	{"Mary Smith <mary@example.net>", "mary@example.net|Mary Smith|-|-|1"},
	/* A.1.2 */
	{"\"Joe Q. Public\" <john.q.public@example.com>",
	 "john.q.public@example.com|Joe Q. Public|-|-|1"},
	{"Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
	 "mary@x.test|Mary Smith|-|-|1 ; jdoe@example.org|-|-|-|0 ; "
	 "one@y.test|Who?|-|-|1"},
	{"<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
	 "boss@nil.test|-|-|-|1 ; sysservices@example.net|Giant; \"Big\" Box|-|-|1"},
	/* A.1.3 groups */
	{"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	 "c@a.test|Ed Jones|A Group|-|1 ; joe@where.test|-|A Group|-|0 ; "
	 "jdoe@one.test|John|A Group|-|1"},
	{"Undisclosed recipients:;", ""},
	{"undisclosed-recipients: ;", ""},
	{"g1: a@b;, c@d", "a@b|-|g1|-|0 ; c@d|-|-|-|0"},
	/* A.5 white space and comments */
	{"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	 "pete@silly.test|Pete|-|-|1"},
	{"(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", ""},
	/* A.6.1 obsolete: source route, dotted phrase */
	{"Joe Q. Public <john.q.public@example.com>",
	 "john.q.public@example.com|Joe Q. Public|-|-|1"},
	{"<@machine.tld:mary@example.net>, , jdoe@test  . example",
	 "@machine.tld:mary@example.net|-|-|@machine.tld|1 ; "
	 "jdoe@test.example|-|-|-|0"},
	{"<@a,@b:user@c>", "@a,@b:user@c|-|-|@a,@b|1"},
	/* Quoted local parts keep their text, without quotes. */
	{"\"a b\"@example.com", "a b@example.com|-|-|-|0"},
	{"\"a@b\"@c", "a@b@c|-|-|-|0"},
	{"\"a\\\"b\"@c", "a\"b@c|-|-|-|0"},
	{"a\\ b@c", "a b@c|-|-|-|0"},
	{"\"\"@c", "@c|-|-|-|0"},
	/* Comment as display name, RFC 822 style. */
	{"jdoe@example.org (John Doe)", "jdoe@example.org|John Doe|-|-|0"},
	/* Domain literal, case kept. */
	{"u@[10.0.0.1], X@EXAMPLE.Com",
	 "u@[10.0.0.1]|-|-|-|0 ; X@EXAMPLE.Com|-|-|-|0"},
	/* tok822: two words with no operator are two addresses. */
	{"a b", "a|-|-|-|0 ; b|-|-|-|0"},
	{"user1 user2@x", "user1|-|-|-|0 ; user2@x|-|-|-|0"},
	/* The null address, and nothing at all. */
	{"<>", "|-|-|-|1"},
	{"", ""},
	{" , ,, ", ""},
	{"(just a comment)", ""},
	/* Unclosed things end at the end. */
	{"\"unclosed@x", "unclosed@x|-|-|-|0"},
	{"Name <a@b", "a@b|Name|-|-|1"},
	{"a@b (unclosed", "a@b|unclosed|-|-|0"},
	/* Commas inside <> do not split (source route). */
	{"x <@a,@b:c@d>, e", "@a,@b:c@d|x|-|@a,@b|1 ; e|-|-|-|0"},
	/* Bang path and percent hack are plain local parts here. */
	{"a!b%c@d", "a!b%c@d|-|-|-|0"},
	/* Folded header text. */
	{"a@b,\r\n\tc@d", "a@b|-|-|-|0 ; c@d|-|-|-|0"},
};

/* flatten - one string for a list */

static void
flatten(STRBUF *out, const ADDR_LIST *list)
{
	size_t  i;

	strbuf_reset(out);
	for (i = 0; i < list->count; i++) {
		const ADDR_ITEM *it = list->items + i;

		strbuf_append_printf(out, "%s%s|%s|%s|%s|%d", i ? " ; " : "",
				     it->addr,
				     it->display ? it->display : "-",
				     it->group ? it->group : "-",
				     it->route ? it->route : "-", it->angle);
	}
}

/* test_list - header address lists */

static void
test_list(void **state)
{
	STRBUF *buf = strbuf_create(100);
	ADDR_LIST *list;
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(list_cases); i++) {
		list = addr_parse_list(list_cases[i].in);
		flatten(buf, list);
		if (strcmp(strbuf_str(buf), list_cases[i].out) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
				 list_cases[i].in, strbuf_str(buf),
				 list_cases[i].out);
		addr_list_free(&list);
		assert_null(list);
	}
	strbuf_free(&buf);
}

/* test_parts - local part and domain split at the last unquoted @ */

static void
test_parts(void **state)
{
	ADDR_LIST *list;

	(void) state;
	list = addr_parse_list("\"x@y\"@Example.COM, nodomain, <a@>");
	assert_int_equal(list->count, 3);
	assert_string_equal(list->items[0].local, "x@y");
	assert_string_equal(list->items[0].domain, "Example.COM");
	assert_string_equal(list->items[1].local, "nodomain");
	assert_null(list->items[1].domain);
	assert_string_equal(list->items[2].local, "a");
	assert_string_equal(list->items[2].domain, "");
	addr_list_free(&list);
}

static const struct {
	const char *in;
	int     flags;
	int     ok;
	const char *out;
	const char *route;
} path_cases[] = {
	{"<user@example.com>", 0, 1, "user@example.com", ""},
	{"<user@example.com>", ADDR_PATH_STRICT, 1, "user@example.com", ""},
	{"user@example.com", 0, 1, "user@example.com", ""},
	{"user@example.com", ADDR_PATH_STRICT, 0, NULL, NULL},
	{" <u@x> ", ADDR_PATH_STRICT, 1, "u@x", ""},
	{"<>", ADDR_PATH_ALLOW_EMPTY, 1, "", ""},
	{"<>", ADDR_PATH_ALLOW_EMPTY | ADDR_PATH_STRICT, 1, "", ""},
	{"<>", 0, 0, NULL, NULL},
	{"", ADDR_PATH_ALLOW_EMPTY, 0, NULL, NULL},
	{"<\"a b\"@x>", ADDR_PATH_STRICT, 1, "a b@x", ""},
	{"<\"a\\\"b\"@x>", ADDR_PATH_STRICT, 1, "a\"b@x", ""},
	{"<@r1,@r2:u@x>", ADDR_PATH_STRICT, 1, "@r1,@r2:u@x", "@r1,@r2"},
	{"<@r1:u@x>", 0, 1, "@r1:u@x", "@r1"},
	{"<u@[192.0.2.1]>", ADDR_PATH_STRICT, 1, "u@[192.0.2.1]", ""},
	{"<postmaster>", ADDR_PATH_STRICT, 1, "postmaster", ""},
	{"<a..b@x>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a b@x>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a@x y>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<(c)a@x>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<(c)a@x>", 0, 1, "a@x", ""},
	{"Name <a@x>", 0, 1, "a@x", ""},
	{"Name <a@x>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a@x>, <b@y>", 0, 0, NULL, NULL},
	{"a@x b@y", 0, 0, NULL, NULL},
	{"<a@x", 0, 0, NULL, NULL},
	{"a@x>", 0, 0, NULL, NULL},
	{"<<a@x>", 0, 0, NULL, NULL},
	{"<\"<\"@x>", 0, 1, "<@x", ""},
	{"g: a@x;", 0, 0, NULL, NULL},
	{"<a@x.>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a@>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<\"unclosed@x>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a@x>junk", 0, 0, NULL, NULL},
	{"<a@x> junk", 0, 0, NULL, NULL},
	{"<a@x> (comment)", 0, 1, "a@x", ""},
	{"<a@x> (comment)", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<a@[1.2.3.4<]>", ADDR_PATH_STRICT, 0, NULL, NULL},
	{"<\"a>b\"@x>", ADDR_PATH_STRICT, 1, "a>b@x", ""},
	{"<a@x>", ADDR_PATH_STRICT | ADDR_PATH_ALLOW_EMPTY, 1, "a@x", ""},
};

/* test_path - MAIL FROM / RCPT TO arguments */

static void
test_path(void **state)
{
	STRBUF *out = strbuf_create(10);
	STRBUF *route = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	size_t  i;
	int     ret;

	(void) state;
	for (i = 0; i < ARRAY_LEN(path_cases); i++) {
		strbuf_reset(why);
		ret = addr_parse_path(path_cases[i].in, path_cases[i].flags,
				      out, route, why);
		if ((ret == 0) != path_cases[i].ok)
			fail_msg("\"%s\" flags %d: got %d (%s)", path_cases[i].in,
				 path_cases[i].flags, ret, strbuf_str(why));
		if (ret == 0) {
			assert_string_equal(strbuf_str(out), path_cases[i].out);
			assert_string_equal(strbuf_str(route), path_cases[i].route);
		} else {
			assert_true(strbuf_len(why) > 0);
		}
	}
	/* route may be NULL */
	assert_int_equal(addr_parse_path("<@a:b@c>", 0, out, NULL, why), 0);
	assert_string_equal(strbuf_str(out), "@a:b@c");
	strbuf_free(&out);
	strbuf_free(&route);
	strbuf_free(&why);
}

static const struct {
	const char *internal;
	int     flags;
	const char *external;
} quote_cases[] = {
	{"user@example.com", 0, "user@example.com"},
	{"a.b.c@x", 0, "a.b.c@x"},
	{"a b@x", 0, "\"a b\"@x"},
	{"a@b@x", 0, "\"a@b\"@x"},
	{"a\"b@x", 0, "\"a\\\"b\"@x"},
	{"a\\b@x", 0, "\"a\\\\b\"@x"},
	{".a@x", 0, "\".a\"@x"},
	{"a.@x", 0, "\"a.\"@x"},
	{"a..b@x", 0, "\"a..b\"@x"},
	{"@x", 0, "\"\"@x"},
	{"", 0, ""},
	{"postmaster", 0, "postmaster"},
	{"two words", 0, "\"two words\""},
	{"a!b%c@d", 0, "a!b%c@d"},
	{"us,er@x", 0, "\"us,er\"@x"},
	{"\xc3\xa9t\xc3\xa9@x", 0, "\"\xc3\xa9t\xc3\xa9\"@x"},
	{"\xc3\xa9t\xc3\xa9@x", ADDR_QUOTE_8BITCLEAN, "\xc3\xa9t\xc3\xa9@x"},
	{"tab\there@x", 0, "\"tab\there\"@x"},
	{"a@[1.2.3.4]", 0, "a@[1.2.3.4]"},
};

/* test_quote - internal to external and back */

static void
test_quote(void **state)
{
	STRBUF *ext = strbuf_create(10);
	STRBUF *in = strbuf_create(10);
	size_t  i;

	(void) state;
	for (i = 0; i < ARRAY_LEN(quote_cases); i++) {
		strbuf_reset(ext);
		addr_quote(ext, quote_cases[i].internal, quote_cases[i].flags);
		assert_string_equal(strbuf_str(ext), quote_cases[i].external);
		if (*quote_cases[i].internal == 0)
			continue;
		strbuf_reset(in);
		assert_int_equal(addr_unquote(in, strbuf_str(ext)), 0);
		assert_string_equal(strbuf_str(in), quote_cases[i].internal);
	}
	/* addr_quote appends */
	strbuf_set(ext, "To: ");
	addr_quote(ext, "x y@z", 0);
	assert_string_equal(strbuf_str(ext), "To: \"x y\"@z");
	strbuf_reset(in);
	assert_int_equal(addr_unquote(in, "<\"x y\"@z>"), 0);
	assert_string_equal(strbuf_str(in), "x y@z");
	assert_int_equal(addr_unquote(in, "a, b"), -1);
	assert_int_equal(addr_unquote(in, ""), -1);
	strbuf_free(&ext);
	strbuf_free(&in);
}

/* test_compare - domain without case, local part with */

static void
test_compare(void **state)
{
	(void) state;
	assert_int_equal(addr_compare("User@Example.COM", "User@example.com"), 0);
	assert_int_not_equal(addr_compare("user@x", "User@x"), 0);
	assert_int_not_equal(addr_compare("a@b@x", "a@x"), 0);
	assert_int_equal(addr_compare("a@b@X", "a@b@x"), 0);
	assert_int_not_equal(addr_compare("a", "a@x"), 0);
	assert_int_equal(addr_compare("local", "local"), 0);
	assert_true(addr_compare("a@x", "b@x") < 0);
	assert_true(addr_compare("ab@x", "a@x") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
