/*
 * master_ent_test.c - master.cf entries become services
 *
 * Entries are parsed by mastercf_parse() and turned into services with
 * fixed settings (no name service needed: numeric addresses only, and
 * known_tcp_ports for port names). Each case checks the endpoint name,
 * the addresses, the columns and the child's command line, or the
 * error text.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "argv.h"
#include "inet_addr.h"
#include "strbuf.h"
#include "mastercf.h"
#include "master.h"

static const MASTER_ENT_VARS test_vars = {
	.daemon_directory = "/usr/libexec/test",
	.inet_interfaces = "all",
	.inet_protocols = "ipv4",
	.known_tcp_ports = "lmtp=24, smtp=25, smtps=submissions=465, submission=587",
	.service_disable = "",
	.default_process_limit = 100,
	.throttle_time = 60,
	.verbose = 0,
};

typedef struct {
	const char *text;
	const char *interfaces;	/* NULL: "all" */
	const char *protocols;	/* NULL: "ipv4" */
	const char *name;	/* endpoint, or NULL for an error */
	int	type;
	const char *addrs;	/* "addr addr" (inet) */
	int	unpriv, chroot, wakeup, condwake, maxproc;
	const char *args;	/* child argv, space-separated */
	const char *why;
} ENT_CASE;

static const ENT_CASE ent_cases[] = {
	/* Defaults: private y, unpriv y, chroot n, wakeup 0, maxproc 100. */
	{"cleanup unix - - - - - cleanup", NULL, NULL, "private/cleanup",
		MASTER_TYPE_UNIX, "", 1, 0, 0, 0, 100,
	"cleanup -n cleanup -t unix -u", NULL},
	{"pickup fifo n - y 60 1 pickup", NULL, NULL, "public/pickup",
		MASTER_TYPE_FIFO, "", 1, 1, 60, 0, 1,
	"pickup -l -n pickup -t fifo -u -c", NULL},
	{"flush unix n - n 1000? 0 flush", NULL, NULL, "public/flush",
		MASTER_TYPE_UNIX, "", 1, 0, 1000, 1, 0,
	"flush -z -n flush -t unix -u", NULL},
	{"postlog unix-dgram n - n - 1 postlogd", NULL, NULL, "public/postlog",
		MASTER_TYPE_UNIX_DGRAM, "", 1, 0, 0, 0, 1,
	"postlogd -l -n postlog -t unix-dgram -u", NULL},
	{"local unix - n n - - local", NULL, NULL, "private/local",
		MASTER_TYPE_UNIX, "", 0, 0, 0, 0, 100, "local -n local -t unix", NULL},
	{"smtpd pass - - n - - smtpd", NULL, NULL, "private/smtpd",
		MASTER_TYPE_PASS, "", 1, 0, 0, 0, 100,
	"smtpd -n smtpd -t pass -u", NULL},
	/* A "?" on a zero wakeup means nothing. */
	{"x unix - - n 0? - x", NULL, NULL, "private/x", MASTER_TYPE_UNIX, "",
		1, 0, 0, 0, 100, "x -n x -t unix -u", NULL},

	/* Arguments and -o options keep their order. */
	{"relay unix - - n - - smtp -o syslog_name=postfix/$service_name -v",
		NULL, NULL, "private/relay", MASTER_TYPE_UNIX, "", 1, 0, 0, 0, 100,
	"smtp -n relay -t unix -u -o syslog_name=postfix/$service_name -v", NULL},
	{"p unix - n n - - pipe flags=R user=u argv=/bin/x ${recipient}",
		NULL, NULL, "private/p", MASTER_TYPE_UNIX, "", 0, 0, 0, 0, 100,
	"pipe -n p -t unix flags=R user=u argv=/bin/x ${recipient}", NULL},

	/* inet: port only, with inet_interfaces and inet_protocols. */
	{"smtp inet n - n - - smtpd", NULL, NULL, "25", MASTER_TYPE_INET,
		"0.0.0.0", 1, 0, 0, 0, 100, "smtpd -n smtp -t inet -u", NULL},
	{"25 inet n - n - - smtpd", NULL, NULL, "25", MASTER_TYPE_INET,
		"0.0.0.0", 1, 0, 0, 0, 100, "smtpd -n 25 -t inet -u", NULL},
	{"smtp inet n - n - - smtpd", NULL, "ipv4, ipv6", "25",
		MASTER_TYPE_INET, "0.0.0.0 ::", 1, 0, 0, 0, 100,
	"smtpd -n smtp -t inet -u -s 2", NULL},
	{"2525 inet n - n - - smtpd", "127.0.0.1, ::1, 192.0.2.1", "ipv4", "2525",
		MASTER_TYPE_INET, "127.0.0.1 192.0.2.1", 1, 0, 0, 0, 100,
	"smtpd -n 2525 -t inet -u -s 2", NULL},
	{"2525 inet n - n - - smtpd", "loopback-only", "ipv6", "2525",
		MASTER_TYPE_INET, "::1", 1, 0, 0, 0, 100,
	"smtpd -n 2525 -t inet -u", NULL},
	/* inet: host:port forms, canonical names. */
	{"127.0.0.1:smtp inet n - n - - smtpd", NULL, NULL, "[127.0.0.1]:25",
		MASTER_TYPE_INET, "127.0.0.1", 1, 0, 0, 0, 100,
	"smtpd -n 127.0.0.1:smtp -t inet -u", NULL},
	{"[::1]:submission inet n - n - 5 smtpd", NULL, "all", "[::1]:587",
		MASTER_TYPE_INET, "::1", 1, 0, 0, 0, 5,
	"smtpd -n [::1]:submission -t inet -u", NULL},
	{"::1:465 inet n - n - - smtpd", NULL, "ipv6", "[::1]:465",
		MASTER_TYPE_INET, "::1", 1, 0, 0, 0, 100,
	"smtpd -n ::1:465 -t inet -u", NULL},
	{"smtps inet n - n - - smtpd", NULL, NULL, "465", MASTER_TYPE_INET,
		"0.0.0.0", 1, 0, 0, 0, 100, "smtpd -n smtps -t inet -u", NULL},

	/* Errors. */
	{"smtp inet - - n - - smtpd", .why = "inet service cannot be private"},
	{"smtp inet y - n - - smtpd", .why = "inet service cannot be private"},
	{"nosuchport987 inet n - n - - smtpd",
	.why = "unknown service: nosuchport987/tcp"},
	{"[::1]:25 inet n - n - - smtpd",
	.why = "address ::1: its protocol is disabled by inet_protocols"},
	{"smtp inet n - n - - smtpd", NULL, "ipv5",
	.why = "bad inet_protocols value: \"ipv5\""},
	{"127.0.0.1: inet n - n - - smtpd", .why = "missing port in \"127.0.0.1:\""},
	{"2525 inet n - n - - smtpd", "::1", "ipv4",
	.why = "no address to listen on for \"2525\""},
};

/* format_addrs - the addresses of a service, space-separated */

static void
format_addrs(const MASTER_SERV *serv, STRBUF *out)
{
	INET_ADDR_STR abuf;
	int	n;

	strbuf_reset(out);
	for (n = 0; serv->addrs && n < serv->listen_count; n++) {
		if (n > 0)
			strbuf_append_char(out, ' ');
		strbuf_append_str(out, inet_addr_ntop(serv->addrs + n, &abuf));
	}
}

/* make_serv - parse text and build a service, or NULL with why */

static MASTER_SERV *
make_serv(const char *text, const MASTER_ENT_VARS *vars, STRBUF *why)
{
	MASTERCF_ENTRY *ent;
	MASTER_SERV *serv;

	ent = mastercf_parse(text, why);
	assert_non_null(ent);
	ent->line = 7;
	serv = master_ent_create(ent, NULL, vars, why);
	mastercf_entry_free(ent);
	return serv;
}

/* test_cases - the table */

static void
test_cases(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	MASTER_ENT_VARS vars;
	MASTER_SERV *serv;
	size_t	i, j;

	for (i = 0; i < ARRAY_LEN(ent_cases); i++) {
		const ENT_CASE *t = ent_cases + i;

		vars = test_vars;
		if (t->interfaces)
			vars.inet_interfaces = t->interfaces;
		if (t->protocols)
			vars.inet_protocols = t->protocols;
		strbuf_reset(why);
		serv = make_serv(t->text, &vars, why);
		if (t->name == NULL) {
			assert_null(serv);
			assert_string_equal(strbuf_str(why), t->why);
			continue;
		}
		if (serv == NULL)
			fail_msg("case %zu: %s", i, strbuf_str(why));
		assert_string_equal(serv->name, t->name);
		assert_int_equal(serv->type, t->type);
		format_addrs(serv, got);
		assert_string_equal(strbuf_str(got), t->addrs);
		if (serv->type != MASTER_TYPE_INET)
			assert_int_equal(serv->listen_count, 1);
		assert_int_equal(serv->unpriv, t->unpriv);
		assert_int_equal(serv->chroot, t->chroot);
		assert_int_equal(serv->wakeup_time, t->wakeup);
		assert_int_equal(!!(serv->flags & MASTER_FLAG_CONDWAKE), t->condwake);
		assert_int_equal(serv->max_proc, t->maxproc);
		assert_int_equal(serv->throttle_delay, 60);
		assert_int_equal(serv->line, 7);
		strbuf_reset(got);
		for (j = 0; j < serv->args->argc; j++)
			strbuf_append_printf(got, "%s%s", j ? " " : "",
					     serv->args->argv[j]);
		assert_string_equal(strbuf_str(got), t->args);
		strbuf_printf(got, "/usr/libexec/test/%s", serv->args->argv[0]);
		assert_string_equal(serv->path, strbuf_str(got));
		master_ent_free(serv);
	}
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_path_and_context - command path; errors name file and line */

static void
test_path_and_context(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	MASTER_SERV *serv;
	MASTER_ENT_VARS vars = test_vars;

	serv = make_serv("x unix - - n - - some/cmd", &vars, why);
	assert_non_null(serv);
	assert_string_equal(serv->path, "/usr/libexec/test/some/cmd");
	master_ent_free(serv);

	vars.verbose = 2;
	serv = make_serv("x unix - - n - - cmd a", &vars, why);
	assert_string_equal(serv->args->argv[5], "-v");
	assert_string_equal(serv->args->argv[6], "-u");
	assert_int_equal(serv->args->argc, 8);
	master_ent_free(serv);

	ent = mastercf_parse("smtp inet - - n - - smtpd", why);
	ent->line = 12;
	assert_null(master_ent_create(ent, "/etc/x/master.cf", &test_vars, why));
	assert_string_equal(strbuf_str(why),
		"/etc/x/master.cf: line 12: inet service cannot be private");
	mastercf_entry_free(ent);
	strbuf_free(&why);
}

/* test_compare - what a reload does with an old and a new entry */

static void
test_compare(void **unused_state)
{
	static const struct {
		const char *old_text;
		const char *new_text;
		const char *new_interfaces;
		int	want;
		int	same_key;
	} t[] = {
		{"a unix - - n - - cmd", "a unix - - n - - cmd", NULL, MASTER_ENT_SAME, 1},
		{"a unix - - n - - cmd", "a unix - n n - - cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd", "a unix - - y - - cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd", "a unix - - n 10 - cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n 10 - cmd", "a unix - - n 10? - cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd", "a unix - - n - 3 cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd", "a unix - - n - - cmd2", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd", "a unix - - n - - cmd -o x=y", NULL, MASTER_ENT_UPDATE, 1},
		{"a unix - - n - - cmd -o x=y", "a unix - - n - - cmd -o x=z", NULL, MASTER_ENT_UPDATE, 1},
		/* Another endpoint altogether. */
		{"a unix - - n - - cmd", "a unix n - n - - cmd", NULL, MASTER_ENT_REPLACE, 0},
		{"a unix - - n - - cmd", "a fifo - - n - - cmd", NULL, MASTER_ENT_REPLACE, 0},
		/* Same port, other addresses. */
		{"2525 inet n - n - - cmd", "2525 inet n - n - - cmd", "127.0.0.1",
		MASTER_ENT_REPLACE, 1},
		/* "smtp" and "25" are the same endpoint; the name changed. */
		{"smtp inet n - n - - cmd", "25 inet n - n - - cmd", NULL, MASTER_ENT_UPDATE, 1},
		{"127.0.0.1:25 inet n - n - - cmd", "127.0.0.1:smtp inet n - n - - cmd",
		NULL, MASTER_ENT_UPDATE, 1},
	};
	STRBUF *why = strbuf_create(100);
	MASTER_ENT_VARS vars;
	MASTER_SERV *a, *b;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		vars = test_vars;
		a = make_serv(t[i].old_text, &vars, why);
		if (t[i].new_interfaces)
			vars.inet_interfaces = t[i].new_interfaces;
		b = make_serv(t[i].new_text, &vars, why);
		assert_non_null(a);
		assert_non_null(b);
		if (master_ent_compare(a, b) != t[i].want)
			fail_msg("case %zu: got %d want %d", i, master_ent_compare(a, b),
				 t[i].want);
		assert_int_equal(master_ent_same_key(a, b), t[i].same_key);
		master_ent_free(a);
		master_ent_free(b);
	}
	strbuf_free(&why);
}

/* test_disabled - master_service_disable patterns */

static void
test_disabled(void **unused_state)
{
	static const struct {
		const char *patterns;
		const char *name;
		const char *type;
		int	want;
	} t[] = {
		{"", "smtp", "inet", 0},
		{"inet", "smtp", "inet", 1},
		{"INET", "smtp", "inet", 1},
		{"inet", "cleanup", "unix", 0},
		{"unix, fifo", "pickup", "fifo", 1},
		{"smtp/inet", "smtp", "inet", 1},
		{"smtp/inet", "submission", "inet", 0},
		{"!submission/inet, inet", "submission", "inet", 0},
		{"!submission/inet, inet", "smtp", "inet", 1},
		{"127.0.0.1:25/inet", "127.0.0.1:25", "inet", 1},
		{"smtp/unix", "smtp", "inet", 0},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		assert_int_equal(master_ent_disabled(t[i].patterns, t[i].name,
						     t[i].type), t[i].want);
	assert_int_equal(master_ent_disabled(NULL, "smtp", "inet"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_path_and_context),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_disabled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
