/*
 * smtpd_check_test.c - unit tests for the restriction engine's access
 * tables (smtpd_check_access.c) and address syntax checks
 * (smtpd_check_addr.c)
 *
 * The engine half that these files call (smtpd_check_eng.h: replies,
 * logs, table cache, list evaluation) is replaced by stubs that record
 * what happened, so each access(5) result can be checked for its exact
 * reply, log line and side effect. Tables are inline: tables. The DNS
 * (permit_mx_backup's lookups) is stubbed out: it is not linked.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "argv.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "dns.h"		/* dns */
#include "cleanup_clnt.h"	/* global */
#include "map.h"
#include "map_search.h"
#include "params_smtpd_check.h"
#include "smtpd.h"		/* smtpd */
#include "smtpd_check_int.h"
#include "smtpd_check_eng.h"

/* ------------------------------------------------------------ stubs */

static STRBUF *last_reply;		/* "kind: reply" */
static STRBUF *last_log;		/* "what: text" */
static STRBUF *last_permit;		/* smtpd_check_log_permit() args */
static ARGV *open_specs;
static MAP **open_maps;

int	smtpd_check_access_flags = MAP_SEARCH_F_PARENT;
char   *smtpd_check_rcpt_delim = "+";

/* record - "kind: CODE DSN text" */

static void
record(const char *kind, int code, const char *dsn, const char *fmt,
       va_list ap) PRINTFLIKE(4, 0);

static void
record(const char *kind, int code, const char *dsn, const char *fmt,
       va_list ap)
{
	strbuf_printf(last_reply, "%s: %d %s ", kind, code, dsn);
	strbuf_append_vprintf(last_reply, fmt, ap);
}

int
smtpd_check_reject(SMTPD_STATE *state, int code, const char *dsn,
		   const char *fmt,...)
{
	va_list ap;

	(void) state;
	va_start(ap, fmt);
	record("reject", code, dsn, fmt, ap);
	va_end(ap);
	return SMTPD_CHECK_REJECT;
}

int
smtpd_check_defer_if_permit(SMTPD_STATE *state, int code, const char *dsn,
			    const char *fmt,...)
{
	va_list ap;

	(void) state;
	va_start(ap, fmt);
	record("dip", code, dsn, fmt, ap);
	va_end(ap);
	return SMTPD_CHECK_DUNNO;
}

void
smtpd_check_defer_if_reject(SMTPD_STATE *state, int code, const char *dsn,
			    const char *fmt,...)
{
	va_list ap;

	(void) state;
	va_start(ap, fmt);
	record("dir", code, dsn, fmt, ap);
	va_end(ap);
}

void
smtpd_check_log(SMTPD_STATE *state, const char *what, const char *text)
{
	(void) state;
	strbuf_printf(last_log, "%s: %s", what, text);
}

void
smtpd_check_log_permit(SMTPD_STATE *state, const char *action,
		       const char *reply_class, const char *reply_name,
		       const char *table)
{
	(void) state;
	strbuf_printf(last_permit, "%s|%s|%s|%s", action, reply_class,
		      reply_name, table ? table : "-");
}

int
smtpd_check_server_error(SMTPD_STATE *state)
{
	(void) state;
	strbuf_set(last_reply, "server_error");
	return SMTPD_CHECK_REJECT;
}

int
smtpd_check_dict_retry(SMTPD_STATE *state, const char *reply_name)
{
	(void) state;
	strbuf_printf(last_reply, "retry: %s", reply_name);
	return SMTPD_CHECK_REJECT;
}

MAP    *
smtpd_check_table_find(const char *spec)
{
	STRBUF *why = strbuf_create(100);
	ssize_t idx = argv_find(open_specs, spec);
	MAP    *map;

	if (idx >= 0) {
		strbuf_free(&why);
		return open_maps[idx];
	}
	map = map_open(spec, O_RDONLY, MAP_F_FOLD_FIX, why);
	if (map == NULL)
		fail_msg("%s", strbuf_str(why));
	open_maps = xrealloc(open_maps, (open_specs->argc + 1) * sizeof(MAP *));
	open_maps[open_specs->argc] = map;
	argv_add(open_specs, spec);
	strbuf_free(&why);
	return map;
}

int
smtpd_check_list_eval(SMTPD_STATE *state, ARGV *list, const char *reply_name,
		      const char *reply_class)
{
	size_t	i;

	(void) state;
	strbuf_printf(last_reply, "list(%s, %s):", reply_name, reply_class);
	for (i = 0; i < list->argc; i++)
		strbuf_append_printf(last_reply, " [%s]", list->argv[i]);
	return strcmp(list->argv[0], "permit") == 0 ? SMTPD_CHECK_OK :
	    SMTPD_CHECK_DUNNO;
}

/* The DNS is not used by these tests: every lookup fails softly. */

int
dns_lookup(const char *name, unsigned type, int flags, DNS_RR **list,
	   STRBUF *why)
{
	(void) name;
	(void) type;
	(void) flags;
	(void) why;
	*list = NULL;
	return DNS_RETRY;
}

int
dns_lookup_addr(const char *name, int families, DNS_RR **list, STRBUF *why)
{
	(void) name;
	(void) families;
	(void) why;
	*list = NULL;
	return DNS_NOTFOUND;
}

void
dns_rr_free(DNS_RR *list)
{
	(void) list;
}

/* ------------------------------------------------------------ fixture */

static SMTPD_STATE state;

static int
setup(void **unused)
{
	(void) unused;
	memset(&state, 0, sizeof(state));
	state.name = "mail.example.com";
	state.addr = "192.0.2.1";
	state.namaddr = "mail.example.com[192.0.2.1]";
	last_reply = strbuf_create(100);
	last_log = strbuf_create(100);
	last_permit = strbuf_create(100);
	open_specs = argv_create();
	var_access_map_reject_code = 554;
	var_access_map_defer_code = 450;
	var_non_fqdn_reject_code = 504;
	var_smtpd_null_access_lookup_key = "<>";
	return 0;
}

static int
teardown(void **unused)
{
	size_t	i;

	(void) unused;
	for (i = 0; i < open_specs->argc; i++)
		map_close(open_maps[i]);
	xfree(open_maps);
	open_maps = NULL;
	argv_free(&open_specs);
	strbuf_free(&last_reply);
	strbuf_free(&last_log);
	strbuf_free(&last_permit);
	xfree(state.saved_filter);
	xfree(state.saved_redirect);
	xfree(state.discard_reason);
	if (state.prepend)
		argv_free(&state.prepend);
	return 0;
}

/* ------------------------------------------------------------ results */

static const struct result_case {
	const char *value;
	int	ret;			/* SMTPD_CHECK_* */
	const char *reply;		/* last_reply, "" for none */
	const char *log;		/* last_log, "" for none */
} result_cases[] = {
	{"REJECT", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 <u@x.example>: "
	 "Sender address rejected: Access denied", ""},
	{"reject go away", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 "
	 "<u@x.example>: Sender address rejected: go away", ""},
	{"REJECT 5.7.9 custom text", SMTPD_CHECK_REJECT, "reject: 554 5.7.9 "
	 "<u@x.example>: Sender address rejected: custom text", ""},
	{"REJECT 5.7 not a dsn", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 "
	 "<u@x.example>: Sender address rejected: 5.7 not a dsn", ""},
	{"DEFER", SMTPD_CHECK_REJECT, "reject: 450 4.7.1 <u@x.example>: "
	 "Sender address rejected: Access denied", ""},
	{"DEFER try later", SMTPD_CHECK_REJECT, "reject: 450 4.7.1 "
	 "<u@x.example>: Sender address rejected: try later", ""},
	{"550 no thanks", SMTPD_CHECK_REJECT, "reject: 550 5.7.1 "
	 "<u@x.example>: Sender address rejected: no thanks", ""},
	{"450 4.2.0 later", SMTPD_CHECK_REJECT, "reject: 450 4.2.0 "
	 "<u@x.example>: Sender address rejected: later", ""},
	{"521", SMTPD_CHECK_OK, "", ""},	/* all-numeric: OK */
	{"250 fine", SMTPD_CHECK_REJECT, "server_error", ""},
	{"OK", SMTPD_CHECK_OK, "", ""},
	{"ok", SMTPD_CHECK_OK, "", ""},
	{"12345", SMTPD_CHECK_OK, "", ""},
	{"DUNNO", SMTPD_CHECK_DUNNO, "", ""},
	{"OK some text", SMTPD_CHECK_OK, "", ""},	/* first word decides */
	{"dunno some text", SMTPD_CHECK_DUNNO, "", ""},
	{"DEFER_IF_PERMIT why not", SMTPD_CHECK_DUNNO, "dip: 450 4.7.1 "
	 "<u@x.example>: Sender address rejected: why not", ""},
	{"DEFER_IF_REJECT", SMTPD_CHECK_DUNNO, "dir: 450 4.7.1 "
	 "<u@x.example>: Sender address rejected: Service unavailable", ""},
	{"HOLD", SMTPD_CHECK_DUNNO, "", "hold: <u@x.example>: Sender address "
	 "triggers HOLD action"},
	{"HOLD look at this", SMTPD_CHECK_DUNNO, "", "hold: <u@x.example>: "
	 "Sender address look at this"},
	{"DISCARD", SMTPD_CHECK_OK, "", "discard: <u@x.example>: Sender "
	 "address triggers DISCARD action"},
	{"WARN watch it", SMTPD_CHECK_DUNNO, "", "warn: watch it"},
	{"INFO noted", SMTPD_CHECK_DUNNO, "", "info: noted"},
	{"FILTER smtp:[127.0.0.1]:10025", SMTPD_CHECK_DUNNO, "",
	 "filter: <u@x.example>: Sender address triggers FILTER "
	 "smtp:[127.0.0.1]:10025"},
	{"FILTER nocolon", SMTPD_CHECK_DUNNO, "", ""},
	{"REDIRECT a@b.example", SMTPD_CHECK_DUNNO, "", "redirect: "
	 "<u@x.example>: Sender address triggers REDIRECT a@b.example"},
	{"PREPEND X-Tag: yes", SMTPD_CHECK_DUNNO, "", ""},
	{"PREPEND not a header", SMTPD_CHECK_DUNNO, "", ""},
	{"BCC a@b.example", SMTPD_CHECK_DUNNO, "", ""},
	{"permit_mynetworks, reject", SMTPD_CHECK_DUNNO,
	 "list(u@x.example, Sender address): [permit_mynetworks] [reject]", ""},
	{"permit", SMTPD_CHECK_OK,
	 "list(u@x.example, Sender address): [permit]", ""},
	{"OKAY", SMTPD_CHECK_DUNNO, "list(u@x.example, Sender address): [OKAY]",
	 ""},
};

/* test_table_results - every access(5) result, in both name forms */

static void
test_table_results(void **unused)
{
	size_t	i;
	int	form;

	(void) unused;
	for (i = 0; i < ARRAY_LEN(result_cases); i++) {
		const struct result_case *rc = result_cases + i;

		for (form = 0; form < 2; form++) {
			int	ret;

			strbuf_reset(last_reply);
			strbuf_reset(last_log);
			ret = smtpd_check_table_result(&state, "inline:test",
						       rc->value,
						       "check_sender_access",
						       form ? "<u@x.example>" :
						       "u@x.example",
						       SMTPD_NAME_SENDER);
			if (ret != rc->ret || strcmp(strbuf_str(last_reply),
						     rc->reply) != 0
			    || strcmp(strbuf_str(last_log), rc->log) != 0)
				fail_msg("\"%s\": got %d \"%s\" log \"%s\"",
					 rc->value, ret, strbuf_str(last_reply),
					 strbuf_str(last_log));
		}
	}
}

/* test_permit_log - OK and all-numeric results are offered for logging */

static void
test_permit_log(void **unused)
{
	static const struct {
		const char *value;
		const char *permit;	/* last_permit, "" for none */
	} cases[] = {
		{"OK", "OK|Sender address|u@x.example|inline:t"},
		{"ok", "OK|Sender address|u@x.example|inline:t"},
		{"12345", "12345|Sender address|u@x.example|inline:t"},
		{"DUNNO", ""},
		{"REJECT", ""},
		{"DEFER_IF_PERMIT", ""},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		strbuf_reset(last_permit);
		(void) smtpd_check_table_result(&state, "inline:t",
						cases[i].value,
						"check_sender_access",
						"<u@x.example>",
						SMTPD_NAME_SENDER);
		if (strcmp(strbuf_str(last_permit), cases[i].permit) != 0)
			fail_msg("\"%s\": permit log \"%s\"", cases[i].value,
				 strbuf_str(last_permit));
	}
}

/* test_side_effects - HOLD, DISCARD, FILTER, REDIRECT, PREPEND */

static void
test_side_effects(void **unused)
{
	(void) unused;
	(void) smtpd_check_table_result(&state, "t", "HOLD", "x", "a@b.example",
					SMTPD_NAME_RECIPIENT);
	assert_true(state.saved_flags & CLEANUP_FLAG_HOLD);
	assert_false(state.saved_flags & CLEANUP_FLAG_DISCARD);
	(void) smtpd_check_table_result(&state, "t", "DISCARD spam", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	assert_true(state.saved_flags & CLEANUP_FLAG_DISCARD);
	assert_string_equal(state.discard_reason,
			    "<a@b.example>: Recipient address spam");
	(void) smtpd_check_table_result(&state, "t", "FILTER smtp:x:1", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	(void) smtpd_check_table_result(&state, "t", "FILTER relay:y", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	assert_string_equal(state.saved_filter, "relay:y");
	(void) smtpd_check_table_result(&state, "t", "FILTER bad", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	assert_string_equal(state.saved_filter, "relay:y");
	(void) smtpd_check_table_result(&state, "t", "REDIRECT c@d.example",
					"x", "a@b.example",
					SMTPD_NAME_RECIPIENT);
	assert_string_equal(state.saved_redirect, "c@d.example");
	(void) smtpd_check_table_result(&state, "t", "PREPEND X-A: 1", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	(void) smtpd_check_table_result(&state, "t", "PREPEND bad", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	(void) smtpd_check_table_result(&state, "t", "prepend X-B: 2", "x",
					"a@b.example", SMTPD_NAME_RECIPIENT);
	assert_non_null(state.prepend);
	assert_int_equal(state.prepend->argc, 2);
	assert_string_equal(state.prepend->argv[0], "X-A: 1");
	assert_string_equal(state.prepend->argv[1], "X-B: 2");
}

/* ------------------------------------------------------------ lookups */

#define SENDERS "inline:{ u@x.example=REJECT, x.example=DEFER, " \
	"v@=OK, { <>=REJECT no bounces }, w@y.example=DUNNO, y.example=REJECT }"

static const struct mail_case {
	const char *addr;
	int	ret;
	const char *reply;
} mail_cases[] = {
	{"u@x.example", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 <u@x.example>: "
	 "Sender address rejected: Access denied"},
	{"U@X.EXAMPLE", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 <U@X.EXAMPLE>: "
	 "Sender address rejected: Access denied"},
	{"u+ext@x.example", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 "
	 "<u+ext@x.example>: Sender address rejected: Access denied"},
	{"other@x.example", SMTPD_CHECK_REJECT, "reject: 450 4.7.1 "
	 "<other@x.example>: Sender address rejected: Access denied"},
	{"other@sub.x.example", SMTPD_CHECK_REJECT, "reject: 450 4.7.1 "
	 "<other@sub.x.example>: Sender address rejected: Access denied"},
	{"v@anywhere.example", SMTPD_CHECK_OK, ""},
	{"", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 <>: Sender address "
	 "rejected: no bounces"},
	{"w@y.example", SMTPD_CHECK_DUNNO, ""},	/* DUNNO stops the search */
	{"z@y.example", SMTPD_CHECK_REJECT, "reject: 554 5.7.1 <z@y.example>: "
	 "Sender address rejected: Access denied"},
	{"a@unlisted.example", SMTPD_CHECK_DUNNO, ""},
};

/* test_mail_access - address searches: full, extension, domain, parent, user@ */

static void
test_mail_access(void **unused)
{
	size_t	i;

	(void) unused;
	for (i = 0; i < ARRAY_LEN(mail_cases); i++) {
		const struct mail_case *mc = mail_cases + i;
		int	ret;

		strbuf_reset(last_reply);
		ret = smtpd_check_mail_access(&state, SENDERS, mc->addr,
					      "check_sender_access",
					      SMTPD_NAME_SENDER);
		if (ret != mc->ret || strcmp(strbuf_str(last_reply),
					     mc->reply) != 0)
			fail_msg("\"%s\": got %d \"%s\"", mc->addr, ret,
				 strbuf_str(last_reply));
	}
}

/* test_namadr_access - host name first, then the address; unknown skips */

static void
test_namadr_access(void **unused)
{
	const char *table = "inline:{ { example.com=REJECT by name }, "
	    "{ 192.0.2=REJECT by net }, good.example.net=DUNNO }";
	int	ret;

	(void) unused;
	ret = smtpd_check_namadr_access(&state, table, "mail.example.com",
					"198.51.100.1", "check_client_access",
					SMTPD_NAME_CLIENT);
	assert_int_equal(ret, SMTPD_CHECK_REJECT);
	assert_string_equal(strbuf_str(last_reply), "reject: 554 5.7.1 "
			    "<mail.example.com[192.0.2.1]>: Client host "
			    "rejected: by name");
	ret = smtpd_check_namadr_access(&state, table, "unknown", "192.0.2.7",
					"check_client_access",
					SMTPD_NAME_CLIENT);
	assert_int_equal(ret, SMTPD_CHECK_REJECT);
	assert_string_equal(strbuf_str(last_reply), "reject: 554 5.7.1 "
			    "<mail.example.com[192.0.2.1]>: Client host "
			    "rejected: by net");
	strbuf_reset(last_reply);
	ret = smtpd_check_namadr_access(&state, table, "good.example.net",
					"192.0.2.7", "check_client_access",
					SMTPD_NAME_CLIENT);
	assert_int_equal(ret, SMTPD_CHECK_DUNNO);
	assert_string_equal(strbuf_str(last_reply), "");
	ret = smtpd_check_namadr_access(&state, table, "other.example.net",
					"198.51.100.1", "check_client_access",
					SMTPD_NAME_CLIENT);
	assert_int_equal(ret, SMTPD_CHECK_DUNNO);
}

/* test_found_flag - domain and address lookups say whether they hit */

static void
test_found_flag(void **unused)
{
	const char *table = "inline:{ example.org=DUNNO, 10.1=OK }";
	int	found;

	(void) unused;
	assert_int_equal(smtpd_check_domain_access(&state, table,
						   "mx.example.org", "x",
						   "mx.example.org",
						   SMTPD_NAME_HELO, &found),
			 SMTPD_CHECK_DUNNO);
	assert_int_equal(found, 1);
	assert_int_equal(smtpd_check_domain_access(&state, table,
						   "example.net", "x",
						   "example.net",
						   SMTPD_NAME_HELO, &found),
			 SMTPD_CHECK_DUNNO);
	assert_int_equal(found, 0);
	assert_int_equal(smtpd_check_addr_access(&state, table, "10.1.2.3",
						 "x", "n", SMTPD_NAME_CLIENT,
						 &found), SMTPD_CHECK_OK);
	assert_int_equal(found, 1);
	assert_int_equal(smtpd_check_addr_access(&state, table, "10.2.2.3",
						 "x", "n", SMTPD_NAME_CLIENT,
						 &found), SMTPD_CHECK_DUNNO);
	assert_int_equal(found, 0);
}

/* test_lookup_error - a table that fails defers, never rejects */

static void
test_lookup_error(void **unused)
{
	(void) unused;
	assert_int_equal(smtpd_check_mail_access(&state, "fail:broken",
						 "a@b.example", "x",
						 SMTPD_NAME_SENDER),
			 SMTPD_CHECK_REJECT);
	assert_string_equal(strbuf_str(last_reply), "retry: a@b.example");
}

/* ------------------------------------------------------------ syntax */

static const struct name_case {
	const char *name;
	int	hostname;		/* smtpd_check_valid_hostname */
	int	literal;		/* smtpd_check_valid_literal */
} name_cases[] = {
	{"mail.example.com", 1, 0},
	{"localhost", 1, 0},
	{"a_b.example", 1, 0},
	{"xn--bcher-kva.example", 1, 0},
	{"-a.example", 0, 0},
	{"a-.example", 0, 0},
	{"a..example", 0, 0},
	{".example", 0, 0},
	{"bad!name", 0, 0},
	{"1.2.3.4", 0, 0},
	{"", 0, 0},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	 0, 0},
	{"[192.0.2.1]", 0, 1},
	{"[IPv6:2001:db8::1]", 0, 1},
	{"[ipv6:::1]", 0, 1},
	{"[2001:db8::1]", 0, 1},
	{"[192.0.2]", 0, 0},
	{"[mail.example.com]", 0, 0},
	{"[]", 0, 0},
};

/* test_name_syntax - host names and address literals */

static void
test_name_syntax(void **unused)
{
	size_t	i;

	(void) unused;
	for (i = 0; i < ARRAY_LEN(name_cases); i++) {
		const struct name_case *nc = name_cases + i;

		if (smtpd_check_valid_hostname(nc->name) != nc->hostname
		    || smtpd_check_valid_literal(nc->name) != nc->literal)
			fail_msg("\"%s\": hostname %d literal %d", nc->name,
				 smtpd_check_valid_hostname(nc->name),
				 smtpd_check_valid_literal(nc->name));
	}
	assert_true(smtpd_check_is_addr("192.0.2.1"));
	assert_true(smtpd_check_is_addr("::1"));
	assert_false(smtpd_check_is_addr("host.example"));
	assert_string_equal(smtpd_check_domain_of("u@x.example"), "x.example");
	assert_string_equal(smtpd_check_domain_of("\"a@b\"@c.example"),
			    "c.example");
	assert_null(smtpd_check_domain_of("user"));
	assert_null(smtpd_check_domain_of("user@"));
}

/* test_non_fqdn - reject_non_fqdn_sender/recipient */

static void
test_non_fqdn(void **unused)
{
	static const struct {
		const char *addr;
		int	ret;
	}       cases[] = {
		{"user@mail.example.com", SMTPD_CHECK_DUNNO},
		{"user@[192.0.2.1]", SMTPD_CHECK_DUNNO},
		{"", SMTPD_CHECK_DUNNO},
		{"user", SMTPD_CHECK_REJECT},
		{"user@localhost", SMTPD_CHECK_REJECT},
		{"user@localhost.", SMTPD_CHECK_REJECT},
		{"user@mail.example.com.", SMTPD_CHECK_DUNNO},
		{"user@bad!name.example", SMTPD_CHECK_REJECT},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		if (smtpd_check_non_fqdn(&state, cases[i].addr,
					 SMTPD_NAME_RECIPIENT) != cases[i].ret)
			fail_msg("\"%s\"", cases[i].addr);
	(void) smtpd_check_non_fqdn(&state, "user", SMTPD_NAME_SENDER);
	assert_string_equal(strbuf_str(last_reply), "reject: 504 5.5.2 <user>: "
			    "Sender address rejected: need fully-qualified "
			    "address");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_results, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_permit_log, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_side_effects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mail_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_namadr_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_found_flag, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lookup_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_syntax, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_non_fqdn, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
