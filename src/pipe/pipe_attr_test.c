/*
 * pipe_attr_test.c - tests for pipe(8) attributes, macros and exit codes
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sysexits.h>
#include <sys/wait.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"
#include "mail_copy.h"
#include "pipe.h"

#define W_EXIT(n)	((n) << 8)	/* a wait status for exit(n) */

static void
test_flags(void **state)
{
	static const struct {
		const char *in;
		int	ok;
		int	flags;
	} t[] = {
		{"", 1, 0},
		{"B", 1, MAIL_COPY_BLANK},
		{"DRF", 1, MAIL_COPY_DELIVERED | MAIL_COPY_RETURN | MAIL_COPY_FROM},
		{"O.>", 1, MAIL_COPY_ORIG_RCPT | MAIL_COPY_DOT | MAIL_COPY_QUOTE},
		{"Xhqu", 1, PIPE_OPT_FINAL | PIPE_OPT_FOLD_HOST | PIPE_OPT_QUOTE
		 | PIPE_OPT_FOLD_USER},
		{"Z", 0, 0},
		{"Dz", 0, 0},
	};
	STRBUF *why = strbuf_create(10);
	size_t	i;
	int	flags;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int	r = pipe_parse_flags(t[i].in, &flags, why);

		assert_int_equal(r == 0, t[i].ok);
		if (t[i].ok)
			assert_int_equal(flags, t[i].flags);
		else
			assert_non_null(strstr(strbuf_str(why), "unknown flag"));
	}
	strbuf_free(&why);
}

static void
test_eol(void **state)
{
	STRBUF *why = strbuf_create(10);
	int	flags = -1;

	(void) state;
	assert_int_equal(pipe_parse_eol("\\n", &flags, why), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(pipe_parse_eol("\\r\\n", &flags, why), 0);
	assert_int_equal(flags, MAIL_COPY_CRLF);
	assert_int_equal(pipe_parse_eol("\\015\\012", &flags, why), 0);
	assert_int_equal(flags, MAIL_COPY_CRLF);
	assert_int_equal(pipe_parse_eol("\\r", &flags, why), -1);
	assert_int_equal(pipe_parse_eol("\\", &flags, why), -1);
	strbuf_free(&why);
}

/* parse - pipe_attr_parse() on a blank-separated word list */

static int
parse(const char *words, PIPE_ATTR *attr, STRBUF *why)
{
	ARGV   *av = argv_split(words, "|");
	int	r = pipe_attr_parse((int) av->argc, av->argv, attr, why);

	argv_free(&av);
	return r;
}

static void
test_attr_parse(void **state)
{
	STRBUF *why = strbuf_create(10);
	PIPE_ATTR attr;

	(void) state;
	assert_int_equal(parse("flags=DRX|user=nobody:nogroup|size=1000|"
			       "null_sender=|directory=/tmp|"
			       "argv=/bin/cmd|-f|${sender}|{ a b }", &attr,
			       why), 0);
	assert_int_equal(attr.flags, MAIL_COPY_DELIVERED | MAIL_COPY_RETURN
			 | PIPE_OPT_FINAL);
	assert_string_equal(attr.user, "nobody");
	assert_string_equal(attr.group, "nogroup");
	assert_int_equal(attr.size_limit, 1000);
	assert_string_equal(attr.null_sender, "");
	assert_string_equal(attr.directory, "/tmp");
	assert_int_equal(attr.command->argc, 4);
	assert_string_equal(attr.command->argv[0], "/bin/cmd");
	assert_string_equal(attr.command->argv[2], "${sender}");
	assert_string_equal(attr.command->argv[3], "a b");
	pipe_attr_free(&attr);

	/* Defaults. */
	assert_int_equal(parse("user=u|argv=cmd", &attr, why), 0);
	assert_string_equal(attr.null_sender, "MAILER-DAEMON");
	assert_null(attr.group);
	assert_int_equal(attr.flags, 0);
	pipe_attr_free(&attr);

	/* Errors. */
	assert_int_equal(parse("argv=cmd", &attr, why), -1);
	assert_non_null(strstr(strbuf_str(why), "missing user="));
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u", &attr, why), -1);
	assert_non_null(strstr(strbuf_str(why), "missing argv="));
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u|bogus=1|argv=cmd", &attr, why), -1);
	assert_non_null(strstr(strbuf_str(why), "unknown attribute name"));
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u|argv=cmd|${nosuch}", &attr, why), -1);
	assert_non_null(strstr(strbuf_str(why), "unknown macro name \"nosuch\""));
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u|argv=cmd|${recipient", &attr, why), -1);
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u|size=x|argv=cmd", &attr, why), -1);
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=|argv=cmd", &attr, why), -1);
	pipe_attr_free(&attr);
	assert_int_equal(parse("user=u|flags=W|argv=cmd", &attr, why), -1);
	pipe_attr_free(&attr);
	strbuf_free(&why);
}

/* expand - expand command words against a fixed request */

static char *
expand(const char *flags, const char *command, const char *delim,
       const char *sender)
{
	static DELIVER_RCPT rcpts[] = {
		{"orig@Example.COM", "Joe+Foo@Example.COM", "", 0, 0},
		{"", "A B@Dom.example", "", 0, 0},
	};
	DELIVER_REQUEST req;
	PIPE_ATTR attr;
	STRBUF *why = strbuf_create(10);
	STRBUF *words = strbuf_create(10);
	ARGV   *out = argv_create();
	size_t	i;
	char   *result;
	char   *spec = str_concat("user=u|flags=", flags, "|argv=", command,
				  (char *) 0);

	memset(&req, 0, sizeof(req));
	req.queue_id = "4ABCDEF";
	req.nexthop = "NextHop.Example";
	req.sender = (char *) sender;
	req.data_size = 1234;
	req.client_name = "client.example";
	req.client_addr = "192.0.2.1";
	req.client_port = "2525";
	req.client_proto = "ESMTP";
	req.client_helo = "helo.example";
	req.sasl_method = "PLAIN";
	req.sasl_username = "sasluser";
	req.sasl_sender = "";
	req.rcpts = rcpts;
	req.rcpt_count = 2;
	assert_int_equal(parse(spec, &attr, why), 0);
	if (pipe_expand(&attr, &req, delim, out, why) < 0)
		fail_msg("pipe_expand: %s", strbuf_str(why));
	for (i = 0; i < out->argc; i++)
		strbuf_append_printf(words, "%s[%s]", i ? " " : "", out->argv[i]);
	pipe_attr_free(&attr);
	argv_free(&out);
	strbuf_free(&why);
	xfree(spec);
	result = strbuf_detach(words);
	strbuf_free(&words);
	return result;
}

static void
test_expand(void **state)
{
	static const struct {
		const char *flags;
		const char *command;
		const char *delim;
		const char *sender;
		const char *out;
	} t[] = {
		{"", "cmd|-f|$sender|--|${recipient}", "", "s@x",
		 "[cmd] [-f] [s@x] [--] [Joe+Foo@Example.COM] [A B@Dom.example]"},
		{"", "cmd|${sender}", "", "", "[cmd] [MAILER-DAEMON]"},
		{"", "cmd|x$(recipient)y", "", "s",
		 "[cmd] [xJoe+Foo@Example.COMy] [xA B@Dom.exampley]"},
		{"h", "cmd|${recipient}|${nexthop}|${domain}", "", "s",
		 "[cmd] [Joe+Foo@example.com] [A B@dom.example] "
		 "[nexthop.example] [example.com] [dom.example]"},
		{"u", "cmd|${recipient}", "", "s",
		 "[cmd] [joe+foo@Example.COM] [a b@Dom.example]"},
		{"q", "cmd|${recipient}", "", "s",
		 "[cmd] [Joe+Foo@Example.COM] [\"A B\"@Dom.example]"},
		{"", "cmd|${user}|${extension}|${mailbox}", "+", "s",
		 "[cmd] [Joe] [A B] [Foo] [] [Joe+Foo] [A B]"},
		{"u", "cmd|${user}", "", "s", "[cmd] [joe+foo] [a b]"},
		{"", "cmd|${original_recipient}", "", "s",
		 "[cmd] [orig@Example.COM] [A B@Dom.example]"},
		{"", "cmd|$size|$queue_id|$$5", "", "s",
		 "[cmd] [1234] [4ABCDEF] [$5]"},
		{"", "cmd|${client_address}:${client_port}|${client_hostname}|"
		 "${client_helo}|${client_protocol}|${sasl_method}|"
		 "${sasl_username}|<${sasl_sender}>", "", "s",
		 "[cmd] [192.0.2.1:2525] [client.example] [helo.example] "
		 "[ESMTP] [PLAIN] [sasluser] [<>]"},
	};
	size_t	i;
	char   *got;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = expand(t[i].flags, t[i].command, t[i].delim, t[i].sender);
		if (strcmp(got, t[i].out) != 0)
			fail_msg("case %zu: got %s, want %s", i, got, t[i].out);
		xfree(got);
	}
}

static void
test_exit_status(void **state)
{
	static const struct {
		int	wstat;
		const char *output;
		int	ret;
		const char *status;
		const char *reason;
	} t[] = {
		{W_EXIT(0), "", PIPE_STAT_OK, "2.0.0", ""},
		{W_EXIT(EX_TEMPFAIL), "", PIPE_STAT_DEFER, "4.3.0",
		 "Command died with status 75: \"/bin/cmd\""},
		{W_EXIT(EX_NOUSER), "no such user", PIPE_STAT_BOUNCE, "5.1.1",
		 "Command died with status 67: \"/bin/cmd\". Command output: "
		 "no such user"},
		{W_EXIT(1), "oops", PIPE_STAT_BOUNCE, "5.3.0",
		 "Command died with status 1: \"/bin/cmd\". Command output: oops"},
		{W_EXIT(1), "4.2.2 mailbox full", PIPE_STAT_DEFER, "4.2.2",
		 "Command died with status 1: \"/bin/cmd\". Command output: "
		 "4.2.2 mailbox full"},
		{W_EXIT(EX_TEMPFAIL), "5.1.1 gone", PIPE_STAT_BOUNCE, "5.1.1",
		 "Command died with status 75: \"/bin/cmd\". Command output: "
		 "5.1.1 gone"},
		{9, "", PIPE_STAT_DEFER, "4.3.0",
		 "Command died with signal 9: \"/bin/cmd\""},
	};
	STRBUF *status = strbuf_create(10);
	STRBUF *reason = strbuf_create(10);
	size_t	i;

	(void) state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(pipe_exit_status(t[i].wstat, "/bin/cmd",
						  t[i].output, status, reason),
				 t[i].ret);
		assert_string_equal(strbuf_str(status), t[i].status);
		assert_string_equal(strbuf_str(reason), t[i].reason);
	}
	strbuf_free(&status);
	strbuf_free(&reason);
}

static void
test_clean_output(void **state)
{
	STRBUF *out = strbuf_create(10);

	(void) state;
	pipe_clean_output(out, "  line 1\nline\t2\001\n\n", 18, 100);
	assert_string_equal(strbuf_str(out), "line 1 line 2?");
	pipe_clean_output(out, "abcdef", 6, 3);
	assert_string_equal(strbuf_str(out), "abc");
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_eol),
		cmocka_unit_test(test_attr_parse),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_clean_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
