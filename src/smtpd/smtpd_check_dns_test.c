/*
 * smtpd_check_dns_test.c - unit tests for smtpd's DNS-based checks
 *
 * The DNS (dns.h) and the restriction engine's calls (smtpd_check_int.h)
 * are replaced here by stubs: the DNS answers come from a small table,
 * replies are captured as text with their kind (reject or
 * defer_if_permit). Covered: DNSBL reply filters (good and bad
 * syntax), default_rbl_reply and rbl_reply_maps templates with their
 * macros and the code/DSN split, lookup failures (never a 5xx),
 * RHSBL names, DNSWL, unknown host names and domains with null MX and
 * both tempfail actions, and MX/NS/A access (names, then addresses;
 * OK not allowed).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "inet_addr.h"
#include "dns.h"		/* dns */
#include "params_global.h"	/* global */
#include "rewrite_clnt.h"
#include "params_smtpd_dns.h"
#include "smtpd_check_int.h"	/* smtpd */

/* ------------------------------------------------------------ DNS stub */

/* One record (or a forced status) of the stub zone. */
static const struct zone_rec {
	const char *name;
	unsigned type;
	const char *value;		/* address, target, "pref target", text;
					 * "!RETRY", "!INVAL" force a status */
} zone[] = {
	{"1.0.0.127.bl.example", DNS_T_A, "127.0.0.2"},
	{"1.0.0.127.bl.example", DNS_T_TXT, "listed"},
	{"1.0.0.127.bl.example", DNS_T_TXT, "twice"},
	{"1.0.0.127.fail.example", DNS_T_A, "!RETRY"},
	{"1.0.0.127.wl.example", DNS_T_A, "127.0.0.5"},
	{"bad.example.rhsbl.example", DNS_T_A, "127.0.0.2"},
	{"good.example", DNS_T_MX, "10 mx.good.example"},
	{"mx.good.example", DNS_T_A, "192.0.2.1"},
	{"bad.example", DNS_T_MX, "10 mx.bad.example"},
	{"mx.bad.example", DNS_T_A, "192.0.2.66"},
	{"bad.example", DNS_T_NS, "ns.bad.example"},
	{"ns.bad.example", DNS_T_A, "192.0.2.67"},
	{"aonly.example", DNS_T_A, "192.0.2.30"},
	{"v6only.example", DNS_T_AAAA, "2001:db8::30"},
	{"nullmx.example", DNS_T_MX, "0 "},
	{"servfail.example", DNS_T_MX, "!RETRY"},
	{"servfail.example", DNS_T_A, "!RETRY"},
	{"servfail.example", DNS_T_AAAA, "!RETRY"},
	{"halfbroken.example", DNS_T_A, "!RETRY"},
	{"halfbroken.example", DNS_T_MX, "10 mx.good.example"},
	{"garbled.example", DNS_T_MX, "!INVAL"},
};

static int dns_queries;

/* dns_lookup - stub: answers from zone[] */

int
dns_lookup(const char *name, unsigned type, int flags, DNS_RR **list,
	   STRBUF *why)
{
	DNS_RR **tail = list;
	size_t	i;

	(void) flags;
	dns_queries++;
	*list = NULL;
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
		DNS_RR *rr;

		if (strcmp(zone[i].name, name) != 0 || zone[i].type != type)
			continue;
		if (zone[i].value[0] == '!') {
			dns_rr_free(*list);
			*list = NULL;
			if (why)
				strbuf_printf(why, "stub error for %s", name);
			return strcmp(zone[i].value, "!RETRY") == 0 ?
				DNS_RETRY : DNS_INVAL;
		}
		rr = xcalloc(1, sizeof(*rr));
		rr->qname = xstrdup(name);
		rr->rname = xstrdup(name);
		rr->type = type;
		if (type == DNS_T_A || type == DNS_T_AAAA) {
			assert_int_equal(inet_addr_pton(zone[i].value, &rr->addr), 0);
		} else if (type == DNS_T_MX) {
			rr->pref = (unsigned) strtoul(zone[i].value, NULL, 10);
			rr->text = xstrdup(strchr(zone[i].value, ' ') + 1);
		} else {
			rr->text = xstrdup(zone[i].value);
		}
		*tail = rr;
		tail = &rr->next;
	}
	if (*list)
		return DNS_OK;
	if (why)
		strbuf_printf(why, "stub: no %u record for %s", type, name);
	return DNS_NOTFOUND;
}

/* dns_lookup_addr - stub: A then AAAA, as the library does */

int
dns_lookup_addr(const char *name, int families, DNS_RR **list, STRBUF *why)
{
	DNS_RR *a = NULL, *aaaa = NULL, **tail;
	int	sa, s6;

	(void) families;
	sa = dns_lookup(name, DNS_T_A, 0, &a, why);
	s6 = dns_lookup(name, DNS_T_AAAA, 0, &aaaa, why);
	for (tail = &a; *tail; tail = &(*tail)->next)
		 /* void */ ;
	*tail = aaaa;
	*list = a;
	if (a)
		return DNS_OK;
	if (sa == DNS_RETRY || s6 == DNS_RETRY)
		return DNS_RETRY;
	return DNS_NOTFOUND;
}

/* dns_rbl_name - stub: IPv4 only */

void
dns_rbl_name(const INET_ADDR *addr, const char *zone_name, STRBUF *out)
{
	strbuf_printf(out, "%u.%u.%u.%u.%s", addr->bytes[3], addr->bytes[2],
		      addr->bytes[1], addr->bytes[0], zone_name);
}

/* dns_rr_free - stub */

void
dns_rr_free(DNS_RR *list)
{
	DNS_RR *next;

	for (; list; list = next) {
		next = list->next;
		xfree(list->qname);
		xfree(list->rname);
		xfree(list->text);
		xfree(list);
	}
}

/* dns_type_name - stub */

const char *
dns_type_name(unsigned type)
{
	return type == DNS_T_MX ? "MX" : type == DNS_T_NS ? "NS" : "A";
}

/* ------------------------------------------------------------ engine stub */

static STRBUF *reply;			/* last reply made */
static const char *reply_kind;		/* "reject" or "defer_if_permit" */
static const char *table_key;		/* key that "hits" the access table */
static const char *table_action;	/* SMTPD_CHECK_* name for a hit */
static ARGV *table_keys;		/* keys looked up, in order */

/* record_reply - the text "CODE DSN TEXT" */

static void PRINTFLIKE(4, 0)
record_reply(const char *kind, int code, const char *dsn, const char *fmt,
	     va_list ap)
{
	STRBUF *text = strbuf_create(100);

	strbuf_append_vprintf(text, fmt, ap);
	strbuf_printf(reply, "%d %s %s", code, dsn, strbuf_str(text));
	reply_kind = kind;
	strbuf_free(&text);
}

int
smtpd_check_reject(SMTPD_STATE *state, int code, const char *dsn,
		   const char *fmt,...)
{
	va_list	ap;

	(void) state;
	assert_int_equal(dsn[0] - '0', code / 100);
	va_start(ap, fmt);
	record_reply("reject", code, dsn, fmt, ap);
	va_end(ap);
	return SMTPD_CHECK_REJECT;
}

int
smtpd_check_defer_if_permit(SMTPD_STATE *state, int code, const char *dsn,
			    const char *fmt,...)
{
	va_list	ap;

	(void) state;
	va_start(ap, fmt);
	record_reply("defer_if_permit", code, dsn, fmt, ap);
	va_end(ap);
	return SMTPD_CHECK_DUNNO;
}

void
smtpd_check_defer_if_reject(SMTPD_STATE *state, int code, const char *dsn,
			    const char *fmt,...)
{
	va_list	ap;

	(void) state;
	va_start(ap, fmt);
	record_reply("defer_if_reject", code, dsn, fmt, ap);
	va_end(ap);
}

/* table_hit - the stub access table: one key, one action */

static int
table_hit(SMTPD_STATE *state, const char *key, const char *reply_name,
	  const char *reply_class, int *found)
{
	argv_add(table_keys, key);
	*found = table_key && strcmp(key, table_key) == 0;
	if (!*found)
		return SMTPD_CHECK_DUNNO;
	if (strcmp(table_action, "OK") == 0)
		return SMTPD_CHECK_OK;
	return smtpd_check_reject(state, 554, "5.7.1", "<%s>: %s rejected: %s",
				  reply_name, reply_class, key);
}

int
smtpd_check_domain_access(SMTPD_STATE *state, const char *table,
			  const char *domain, const char *def_acl,
			  const char *reply_name, const char *reply_class,
			  int *found)
{
	(void) table;
	(void) def_acl;
	return table_hit(state, domain, reply_name, reply_class, found);
}

int
smtpd_check_addr_access(SMTPD_STATE *state, const char *table,
			const char *addr, const char *def_acl,
			const char *reply_name, const char *reply_class,
			int *found)
{
	(void) table;
	(void) def_acl;
	return table_hit(state, addr, reply_name, reply_class, found);
}

/* resolve_clnt - stub: "local.example" is ours, the rest is remote */

int
resolve_clnt(const char *addr, RESOLVE_REPLY *rr)
{
	strbuf_set(rr->recipient, addr);
	rr->flags = strstr(addr, "@local.example") ? RESOLVE_CLASS_FLAG_LOCAL :
		RESOLVE_CLASS_FLAG_DEFAULT;
	return 0;
}

/* ------------------------------------------------------------ tests */

static SMTPD_STATE state;

/* setup - defaults as Postfix 3.7 has them, a client at 127.0.0.1 */

static int
setup(void **unused)
{
	static long session;

	(void) unused;
	memset(&state, 0, sizeof(state));
	state.conn_time = ++session;		/* a new session each test */
	state.addr = "127.0.0.1";
	state.name = "client.example";
	state.namaddr = "client.example[127.0.0.1]";
	state.helo_name = "helo.example";
	state.sender = "s@sender.example";
	state.recipient = "r@rcpt.example";
	var_default_rbl_reply = "$rbl_code Service unavailable; $rbl_class "
		"[$rbl_what] blocked using $rbl_domain${rbl_reason?; "
		"$rbl_reason}";
	var_rbl_reply_maps = "";
	var_inet_protocols = "ipv4, ipv6";
	var_maps_rbl_reject_code = 554;
	var_unknown_address_reject_code = 450;
	var_unknown_hostname_reject_code = 450;
	var_unknown_address_tempfail_action = "defer_if_permit";
	var_unknown_helo_hostname_tempfail_action = "defer_if_permit";
	reply = strbuf_create(100);
	reply_kind = "none";
	table_key = table_action = NULL;
	table_keys = argv_create();
	dns_queries = 0;
	return 0;
}

static int
teardown(void **unused)
{
	(void) unused;
	strbuf_free(&reply);
	argv_free(&table_keys);
	return 0;
}

/* expect - status, kind and text of the last reply */

static void
expect(int status, int want, const char *kind, const char *text)
{
	assert_int_equal(status, want);
	assert_string_equal(reply_kind, kind);
	if (text)
		assert_string_equal(strbuf_str(reply), text);
}

static void
test_rbl_client(void **unused)
{
	static const struct {
		const char *zone;
		int	status;
	} t[] = {
		{"bl.example", SMTPD_CHECK_REJECT},
		{"bl.example=127.0.0.2", SMTPD_CHECK_REJECT},
		{"bl.example=127.0.0.[1;2;9]", SMTPD_CHECK_REJECT},
		{"bl.example=127.[0..3].0.[2..11]", SMTPD_CHECK_REJECT},
		{"bl.example=127.0.0.[3..11]", SMTPD_CHECK_DUNNO},
		{"bl.example=127.0.0.3", SMTPD_CHECK_DUNNO},
		{"other.example", SMTPD_CHECK_DUNNO},
		{"fail.example", SMTPD_CHECK_DUNNO},	/* skipped, no 5xx */
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reply_kind = "none";
		assert_int_equal(smtpd_dns_rbl_client(&state, t[i].zone),
				 t[i].status);
		if (t[i].status == SMTPD_CHECK_REJECT)
			assert_string_equal(strbuf_str(reply),
					    "554 5.7.1 Service unavailable; Client "
					    "host [127.0.0.1] blocked using "
					    "bl.example; listed / twice");
		else
			assert_string_equal(reply_kind, "none");
	}
	/* No usable client address: nothing asked. */
	state.addr = "unknown";
	dns_queries = 0;
	expect(smtpd_dns_rbl_client(&state, "bl.example"), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	assert_int_equal(dns_queries, 0);
}

static void
test_rbl_cache(void **unused)
{
	int	i;

	(void) unused;
	/* One session asks each list once (A and TXT). */
	for (i = 0; i < 3; i++) {
		assert_int_equal(smtpd_dns_rbl_client(&state, "bl.example"),
				 SMTPD_CHECK_REJECT);
		assert_int_equal(smtpd_dns_rbl_client(&state, "other.example"),
				 SMTPD_CHECK_DUNNO);
		assert_int_equal(smtpd_dns_rbl_client(&state, "fail.example"),
				 SMTPD_CHECK_DUNNO);
	}
	assert_int_equal(dns_queries, 4);
	assert_string_equal(strbuf_str(reply), "554 5.7.1 Service unavailable; "
			    "Client host [127.0.0.1] blocked using bl.example; "
			    "listed / twice");
	/* Another filter on the same list is another question. */
	assert_int_equal(smtpd_dns_rbl_client(&state, "bl.example=127.0.0.3"),
			 SMTPD_CHECK_DUNNO);
	assert_int_equal(dns_queries, 5);
	/* A new session asks again. */
	state.port = "1234";
	assert_int_equal(smtpd_dns_rbl_client(&state, "bl.example"),
			 SMTPD_CHECK_REJECT);
	assert_int_equal(dns_queries, 7);
}

static void
test_rbl_bad_filter(void **unused)
{
	static const char *bad[] = {
		"bl.example=127.0.0", "bl.example=127.0.0.2.1",
		"bl.example=127.0.0.256", "bl.example=127.0.0.[3..1]",
		"bl.example=127.0.0.[2", "bl.example=127..0.2",
		"bl.example=127.0.0.x", "bl.example=", "bl.example=127.0.0.[]",
		"bl.example=127.0.0.2.",
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reply_kind = "none";
		expect(smtpd_dns_rbl_client(&state, bad[i]), SMTPD_CHECK_REJECT,
		       "reject", "451 4.3.5 Server configuration error");
	}
}

static void
test_rbl_templates(void **unused)
{
	static const struct {
		const char *template;
		int	code;
		const char *reply;
	} t[] = {
		{"$rbl_code Service unavailable; $rbl_class [$rbl_what] "
		 "blocked using $rbl_domain${rbl_reason?; $rbl_reason}", 450,
		 "450 4.7.1 Service unavailable; Client host [127.0.0.1] "
		 "blocked using bl.example; listed / twice"},
		{"$rbl_code 5.7.9 go away $client helo=$helo_name "
		 "from=$sender_name@$sender_domain to=$recipient", 554,
		 "554 5.7.9 go away client.example[127.0.0.1] helo=helo.example "
		 "from=s@sender.example to=r@rcpt.example"},
		{"550 ${rbl_reason?{$rbl_reason}:{none}} $client_address "
		 "${rbl_reason:empty}$client_name", 554,
		 "550 5.7.1 listed / twice 127.0.0.1 client.example"},
		{"421 4.7.0", 554, "421 4.7.0 Service unavailable"},
		{"no code here", 554, "450 4.7.1 Service unavailable"},
		{"250 ok", 554, "450 4.7.1 Service unavailable"},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		var_default_rbl_reply = (char *) t[i].template;
		var_maps_rbl_reject_code = t[i].code;
		expect(smtpd_dns_rbl_client(&state, "bl.example=127.0.0.2"),
		       SMTPD_CHECK_REJECT, "reject", t[i].reply);
	}
}

static void
test_rbl_reply_maps(void **unused)
{
	(void) unused;
	/* The tables open at first use, so this is the only test of them. */
	var_rbl_reply_maps = "inline:{ {bl.example = $rbl_code 4.7.2 "
		"custom, $rbl_domain ($rbl_reason)} }";
	expect(smtpd_dns_rbl_client(&state, "bl.example"), SMTPD_CHECK_REJECT,
	       "reject", "554 5.7.2 custom, bl.example (listed / twice)");
	/* Another zone: the default template. */
	var_default_rbl_reply = "$rbl_code default";
	expect(smtpd_dns_rbl_client(&state, "bl.example=127.0.0.2"),
	       SMTPD_CHECK_REJECT, "reject", "554 5.7.1 default");
}

static void
test_rhsbl(void **unused)
{
	static const struct {
		const char *domain;
		const char *reply_name;
		const char *class;
		const char *reply;		/* NULL: no decision */
	} t[] = {
		{"bad.example", "bad.example", SMTPD_NAME_HELO,
		 "554 5.7.1 Service unavailable; Helo command [bad.example] "
		 "blocked using rhsbl.example"},
		{"bad.example.", "bad.example", SMTPD_NAME_HELO,
		 "554 5.7.1 Service unavailable; Helo command [bad.example.] "
		 "blocked using rhsbl.example"},
		{"bad.example", "<u@bad.example>", SMTPD_NAME_SENDER,
		 "554 5.7.1 Service unavailable; Sender address [u@bad.example] "
		 "blocked using rhsbl.example"},
		{"u@bad.example", "u@bad.example", SMTPD_NAME_RECIPIENT,
		 "554 5.7.1 Service unavailable; Recipient address "
		 "[u@bad.example] blocked using rhsbl.example"},
		{"good.example", "good.example", SMTPD_NAME_HELO, NULL},
		{"[127.0.0.1]", "[127.0.0.1]", SMTPD_NAME_HELO, NULL},
		{"1.2.3.4", "1.2.3.4", SMTPD_NAME_HELO, NULL},
		{"unknown", "unknown[1.2.3.4]", SMTPD_NAME_CLIENT, NULL},
		{"", "<>", SMTPD_NAME_SENDER, NULL},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reply_kind = "none";
		if (t[i].reply)
			expect(smtpd_dns_rhsbl(&state, "rhsbl.example",
					       t[i].domain, t[i].reply_name,
					       t[i].class),
			       SMTPD_CHECK_REJECT, "reject", t[i].reply);
		else
			expect(smtpd_dns_rhsbl(&state, "rhsbl.example",
					       t[i].domain, t[i].reply_name,
					       t[i].class),
			       SMTPD_CHECK_DUNNO, "none", NULL);
	}
	/* Literals, numeric names, "unknown" and <> are never asked. */
	dns_queries = 0;
	for (i = 5; i < sizeof(t) / sizeof(t[0]); i++)
		(void) smtpd_dns_rhsbl(&state, "rhsbl.example", t[i].domain,
				       t[i].reply_name, t[i].class);
	assert_int_equal(dns_queries, 0);
}

static void
test_dnswl(void **unused)
{
	(void) unused;
	assert_int_equal(smtpd_dns_dnswl_client(&state, "wl.example"),
			 SMTPD_CHECK_OK);
	assert_int_equal(smtpd_dns_dnswl_client(&state,
						"wl.example=127.0.0.[1..4]"),
			 SMTPD_CHECK_DUNNO);
	assert_int_equal(smtpd_dns_dnswl_client(&state, "other.example"),
			 SMTPD_CHECK_DUNNO);
	assert_string_equal(reply_kind, "none");
	assert_int_equal(smtpd_dns_dnswl_client(&state, "fail.example"),
			 SMTPD_CHECK_DUNNO);
	assert_string_equal(reply_kind, "defer_if_reject");
	assert_string_equal(strbuf_str(reply), "450 4.7.1 <127.0.0.1>: Client "
			    "host rejected: Service unavailable");
	reply_kind = "none";
	state.name = "bad.example";
	assert_int_equal(smtpd_dns_rhswl_client(&state, "rhsbl.example"),
			 SMTPD_CHECK_OK);
	state.name = "unknown";
	assert_int_equal(smtpd_dns_rhswl_client(&state, "rhsbl.example"),
			 SMTPD_CHECK_DUNNO);
}

static void
test_unknown_hostname(void **unused)
{
	(void) unused;
	expect(smtpd_dns_unknown_hostname(&state, "aonly.example", "x",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_hostname(&state, "v6only.example.", "x",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_hostname(&state, "good.example", "x",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_hostname(&state, "nullmx.example", "x",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	/* A temporary failure with a definite answer elsewhere: fine. */
	expect(smtpd_dns_unknown_hostname(&state, "halfbroken.example", "x",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_hostname(&state, "nx.example", "nx.example",
					  SMTPD_NAME_HELO), SMTPD_CHECK_REJECT,
	       "reject", "450 4.7.1 <nx.example>: Helo command rejected: "
	       "Host not found");
	var_unknown_hostname_reject_code = 550;
	expect(smtpd_dns_unknown_hostname(&state, "nx.example", "nx.example",
					  SMTPD_NAME_HELO), SMTPD_CHECK_REJECT,
	       "reject", "550 5.7.1 <nx.example>: Helo command rejected: "
	       "Host not found");
	/* Temporary: never the 550. */
	expect(smtpd_dns_unknown_hostname(&state, "servfail.example", "s",
					  SMTPD_NAME_HELO), SMTPD_CHECK_DUNNO,
	       "defer_if_permit", "450 4.7.1 <s>: Helo command rejected: "
	       "Host not found");
	var_unknown_helo_hostname_tempfail_action = "defer";
	expect(smtpd_dns_unknown_hostname(&state, "servfail.example", "s",
					  SMTPD_NAME_HELO), SMTPD_CHECK_REJECT,
	       "reject", "450 4.7.1 <s>: Helo command rejected: "
	       "Host not found");
}

static void
test_unknown_domain(void **unused)
{
	(void) unused;
	expect(smtpd_dns_unknown_domain(&state, "u@good.example", "u@good.example",
					SMTPD_NAME_SENDER), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_domain(&state, "u@aonly.example", "x",
					SMTPD_NAME_SENDER), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	expect(smtpd_dns_unknown_domain(&state, "u@v6only.example", "x",
					SMTPD_NAME_SENDER), SMTPD_CHECK_DUNNO,
	       "none", NULL);
	/* Our own domains and the null sender are never looked up. */
	dns_queries = 0;
	expect(smtpd_dns_unknown_domain(&state, "u@local.example", "x",
					SMTPD_NAME_RECIPIENT),
	       SMTPD_CHECK_DUNNO, "none", NULL);
	expect(smtpd_dns_unknown_domain(&state, "", "<>", SMTPD_NAME_SENDER),
	       SMTPD_CHECK_DUNNO, "none", NULL);
	assert_int_equal(dns_queries, 0);

	expect(smtpd_dns_unknown_domain(&state, "u@nx.example", "u@nx.example",
					SMTPD_NAME_SENDER), SMTPD_CHECK_REJECT,
	       "reject", "450 4.1.8 <u@nx.example>: Sender address rejected: "
	       "Domain not found");
	expect(smtpd_dns_unknown_domain(&state, "u@nx.example", "u@nx.example",
					SMTPD_NAME_RECIPIENT),
	       SMTPD_CHECK_REJECT, "reject", "450 4.1.2 <u@nx.example>: "
	       "Recipient address rejected: Domain not found");
	expect(smtpd_dns_unknown_domain(&state, "u@nullmx.example", "u@n",
					SMTPD_NAME_SENDER), SMTPD_CHECK_REJECT,
	       "reject", "550 5.7.27 <u@n>: Sender address rejected: Domain "
	       "nullmx.example does not accept mail (nullMX)");
	expect(smtpd_dns_unknown_domain(&state, "u@nullmx.example", "u@n",
					SMTPD_NAME_RECIPIENT),
	       SMTPD_CHECK_REJECT, "reject", "556 5.1.10 <u@n>: Recipient "
	       "address rejected: Domain nullmx.example does not accept mail "
	       "(nullMX)");
	expect(smtpd_dns_unknown_domain(&state, "u@garbled.example", "g",
					SMTPD_NAME_SENDER), SMTPD_CHECK_REJECT,
	       "reject", "450 4.1.8 <g>: Sender address rejected: "
	       "Malformed DNS server reply");

	var_unknown_address_reject_code = 550;
	expect(smtpd_dns_unknown_domain(&state, "u@nx.example", "u@nx.example",
					SMTPD_NAME_SENDER), SMTPD_CHECK_REJECT,
	       "reject", "550 5.1.8 <u@nx.example>: Sender address rejected: "
	       "Domain not found");
	/* Temporary failures stay 450, per tempfail action. */
	expect(smtpd_dns_unknown_domain(&state, "u@servfail.example", "s",
					SMTPD_NAME_SENDER), SMTPD_CHECK_DUNNO,
	       "defer_if_permit", "450 4.1.8 <s>: Sender address rejected: "
	       "Domain not found");
	var_unknown_address_tempfail_action = "defer";
	expect(smtpd_dns_unknown_domain(&state, "u@servfail.example", "s",
					SMTPD_NAME_RECIPIENT),
	       SMTPD_CHECK_REJECT, "reject", "450 4.1.2 <s>: Recipient "
	       "address rejected: Domain not found");
}

static void
test_host_access(void **unused)
{
	static const struct {
		unsigned type;
		const char *domain;
		const char *key;		/* the table's one key */
		int	status;
		const char *looked_up;		/* keys asked, joined by " " */
	} t[] = {
		{DNS_T_MX, "bad.example", "mx.bad.example", SMTPD_CHECK_REJECT,
		 "mx.bad.example"},
		{DNS_T_MX, "u@bad.example", "192.0.2.66", SMTPD_CHECK_REJECT,
		 "mx.bad.example 192.0.2.66"},
		{DNS_T_MX, "good.example", "192.0.2.66", SMTPD_CHECK_DUNNO,
		 "mx.good.example 192.0.2.1"},
		/* No MX: the domain itself, by name and address. */
		{DNS_T_MX, "aonly.example", "192.0.2.30", SMTPD_CHECK_REJECT,
		 "aonly.example 192.0.2.30"},
		{DNS_T_MX, "nullmx.example", "x", SMTPD_CHECK_DUNNO, ""},
		{DNS_T_MX, "servfail.example", "x", SMTPD_CHECK_DUNNO, ""},
		{DNS_T_NS, "bad.example", "192.0.2.67", SMTPD_CHECK_REJECT,
		 "ns.bad.example 192.0.2.67"},
		/* No NS here: the parent's. */
		{DNS_T_NS, "a.b.bad.example", "ns.bad.example",
		 SMTPD_CHECK_REJECT, "ns.bad.example"},
		{DNS_T_A, "aonly.example", "192.0.2.30", SMTPD_CHECK_REJECT,
		 "192.0.2.30"},
		{DNS_T_A, "v6only.example", "2001:db8::30", SMTPD_CHECK_REJECT,
		 "2001:db8::30"},
		{DNS_T_A, "nx.example", "x", SMTPD_CHECK_DUNNO, ""},
		{DNS_T_MX, "[192.0.2.1]", "x", SMTPD_CHECK_DUNNO, ""},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		STRBUF *keys = strbuf_create(100);
		size_t	j;

		argv_truncate(table_keys, 0);
		table_key = t[i].key;
		table_action = "REJECT";
		assert_int_equal(smtpd_dns_host_access(&state, "stub:x", t[i].type,
						       t[i].domain,
						       "check_sender_mx_access",
						       "r", SMTPD_NAME_SENDER),
				 t[i].status);
		for (j = 0; j < table_keys->argc; j++)
			strbuf_append_printf(keys, "%s%s", j ? " " : "",
					     table_keys->argv[j]);
		assert_string_equal(strbuf_str(keys), t[i].looked_up);
		strbuf_free(&keys);
	}

	/* OK does not permit: the next host is checked, nothing decides. */
	argv_truncate(table_keys, 0);
	table_key = "mx.bad.example";
	table_action = "OK";
	assert_int_equal(smtpd_dns_host_access(&state, "stub:x", DNS_T_MX,
					       "bad.example",
					       "check_sender_mx_access", "r",
					       SMTPD_NAME_SENDER),
			 SMTPD_CHECK_DUNNO);
	assert_int_equal(table_keys->argc, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rbl_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rbl_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rbl_bad_filter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rbl_templates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rbl_reply_maps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rhsbl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dnswl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_hostname, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_domain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_access, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
