/*
 * smtp_addr_test.c - unit tests for the smtp(8) destination lookup
 *
 * The DNS library (dns.h) is replaced by a stub that answers from a
 * small zone table and counts the queries; getaddrinfo() is real, so
 * the "native" tests only use localhost. Covered: next-hop syntax
 * ([host], [addr], [IPv6:...], :port by number and service name, inet:
 * and unix:, the LMTP default port), MX order and the shuffle among
 * equal preferences, the implicit MX, null MX, NXDOMAIN, SERVFAIL, MX
 * hosts whose lookup fails, this host as MX (by address, proxy address
 * and myhostname; only at port 25 and never for LMTP), the backup MX
 * whose primaries cannot be found, inet_protocols,
 * smtp_address_preference, smtp_mx_address_limit, smtp_host_lookup,
 * disable_dns_lookups and the relay= name.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"			/* util */
#include "strbuf.h"
#include "inet_addr.h"
#include "dns.h"			/* dns */
#include "params_global.h"		/* global */
#include "params_smtp_addr.h"
#include "smtp_addr.h"			/* smtp */

/* ------------------------------------------------------------ DNS stub */

/* One record (or a forced status) of the stub zone. */
static const struct zone_rec {
	const char *name;
	unsigned type;
	const char *value;		/* address, "pref target"; "!RETRY",
					 * "!NX" force a status */
} zone[] = {
	{"example.com", DNS_T_MX, "20 mx2.example.com"},
	{"example.com", DNS_T_MX, "10 mx1.example.com"},
	{"mx1.example.com", DNS_T_A, "192.0.2.1"},
	{"mx2.example.com", DNS_T_A, "192.0.2.2"},
	{"equal.example", DNS_T_MX, "10 mx1.example.com"},
	{"equal.example", DNS_T_MX, "10 mx2.example.com"},
	{"equal.example", DNS_T_MX, "20 mx3.example.com"},
	{"mx3.example.com", DNS_T_A, "192.0.2.3"},
	{"aonly.example", DNS_T_A, "192.0.2.30"},
	{"dual.example", DNS_T_A, "192.0.2.40"},
	{"dual.example", DNS_T_AAAA, "2001:db8::40"},
	{"nullmx.example", DNS_T_MX, "0 "},
	{"nx.example", DNS_T_MX, "!NX"},
	{"nx.example", DNS_T_A, "!NX"},
	{"nx.example", DNS_T_AAAA, "!NX"},
	{"servfail.example", DNS_T_MX, "!RETRY"},
	{"halfbad.example", DNS_T_MX, "10 broken.example.com"},
	{"halfbad.example", DNS_T_MX, "20 mx2.example.com"},
	{"broken.example.com", DNS_T_A, "!RETRY"},
	{"allbad.example", DNS_T_MX, "10 broken.example.com"},
	{"allbad.example", DNS_T_MX, "20 nx.example"},
	{"allnx.example", DNS_T_MX, "10 nx.example"},
	{"loop.example", DNS_T_MX, "10 self.example.com"},
	{"self.example.com", DNS_T_A, "192.0.2.99"},
	{"proxy.example", DNS_T_MX, "10 proxy.example.com"},
	{"proxy.example.com", DNS_T_A, "192.0.2.98"},
	{"backup.example", DNS_T_MX, "10 mx1.example.com"},
	{"backup.example", DNS_T_MX, "20 self.example.com"},
	{"backup.example", DNS_T_MX, "30 mx3.example.com"},
	{"primaryfail.example", DNS_T_MX, "10 nx.example"},
	{"primaryfail.example", DNS_T_MX, "20 self.example.com"},
	{"byname.example", DNS_T_MX, "10 mx1.example.com"},
	{"byname.example", DNS_T_MX, "10 me.example.com"},
	{"me.example.com", DNS_T_A, "192.0.2.50"},
	{"many.example", DNS_T_A, "192.0.2.61"},
	{"many.example", DNS_T_A, "192.0.2.62"},
	{"many.example", DNS_T_A, "192.0.2.63"},
	{"many.example", DNS_T_A, "192.0.2.64"},
	{"many.example", DNS_T_A, "192.0.2.65"},
	{"many.example", DNS_T_A, "192.0.2.66"},
	{"many.example", DNS_T_A, "192.0.2.67"},
};

static int mx_queries;
static int addr_queries;

/* stub_why - the text the real library gives */

static void
stub_why(STRBUF *why, const char *name, unsigned type, const char *text)
{
	if (why)
		strbuf_printf(why, "Host or domain name not found. "
			      "Name service error for name=%s type=%s: %s",
			      name, dns_type_name(type), text);
}

/* dns_lookup - stub: answers from zone[] */

int
dns_lookup(const char *name, unsigned type, int flags, DNS_RR **list,
	   STRBUF *why)
{
	DNS_RR **tail = list;
	size_t	i;

	(void) flags;
	if (type == DNS_T_MX)
		mx_queries++;
	else
		addr_queries++;
	*list = NULL;
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
		DNS_RR *rr;

		if (strcmp(zone[i].name, name) != 0 || zone[i].type != type)
			continue;
		if (strcmp(zone[i].value, "!RETRY") == 0) {
			dns_rr_free(*list);
			*list = NULL;
			stub_why(why, name, type, "Host not found, try again");
			return DNS_RETRY;
		}
		if (strcmp(zone[i].value, "!NX") == 0) {
			dns_rr_free(*list);
			*list = NULL;
			stub_why(why, name, type, "Host not found");
			return DNS_NOTFOUND;
		}
		rr = xcalloc(1, sizeof(*rr));
		rr->qname = xstrdup(name);
		rr->rname = xstrdup(name);
		rr->type = type;
		if (type == DNS_T_A || type == DNS_T_AAAA) {
			assert_int_equal(inet_addr_pton(zone[i].value,
							&rr->addr), 0);
		} else {
			rr->pref = (unsigned) strtoul(zone[i].value, NULL, 10);
			rr->text = xstrdup(strchr(zone[i].value, ' ') + 1);
		}
		*tail = rr;
		tail = &rr->next;
	}
	if (*list)
		return DNS_OK;
	stub_why(why, name, type, "No address associated with hostname");
	return DNS_NOTFOUND;
}

/* dns_lookup_addr - stub: A then AAAA per families, as the library */

int
dns_lookup_addr(const char *name, int families, DNS_RR **list, STRBUF *why)
{
	DNS_RR *a = NULL, *aaaa = NULL, **tail;
	int	sa = DNS_NOTFOUND, s6 = DNS_NOTFOUND;

	if (families & 1)
		sa = dns_lookup(name, DNS_T_A, 0, &a, why);
	if (families & 2)
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
	return type == DNS_T_MX ? "MX" : type == DNS_T_AAAA ? "AAAA" : "A";
}

/* ------------------------------------------------------------ helpers */

static STRBUF *dsn;
static STRBUF *why;

/* setup - Postfix defaults, IPv4 only, this host is 192.0.2.99 */

static int
setup(void **unused)
{
	(void) unused;
	var_inet_protocols = "ipv4";
	var_inet_interfaces = "192.0.2.99";
	var_proxy_interfaces = "192.0.2.98";
	var_myhostname = "me.example.com";
	var_disable_dns_lookups = 0;
	var_ignore_mx_lookup_error = 0;
	var_smtp_defer_if_no_mx_address_found = 0;
	var_smtp_host_lookup = var_lmtp_host_lookup = "dns";
	var_smtp_address_preference = var_lmtp_address_preference = "any";
	var_smtp_mx_address_limit = var_lmtp_mx_address_limit = 5;
	var_smtp_randomize_addresses = var_lmtp_randomize_addresses = 1;
	var_smtp_tcp_port = "smtp";
	var_lmtp_tcp_port = "24";
	smtp_addr_init();
	mx_queries = addr_queries = 0;
	dsn = strbuf_create(10);
	why = strbuf_create(100);
	return 0;
}

static int
teardown(void **unused)
{
	(void) unused;
	strbuf_free(&dsn);
	strbuf_free(&why);
	return 0;
}

/* list_text - "host/addr:port/pref ..." of a list */

static char *
list_text(const SMTP_ADDR *list)
{
	STRBUF *out = strbuf_create(100);
	INET_ADDR_STR buf;
	char   *text;

	for (; list; list = list->next) {
		if (strbuf_len(out))
			strbuf_append_char(out, ' ');
		if (list->is_unix)
			strbuf_append_printf(out, "unix:%s", list->host);
		else
			strbuf_append_printf(out, "%s/%s:%u/%u", list->host,
					     inet_addr_ntop(&list->addr, &buf),
					     list->port, list->pref);
	}
	text = strbuf_detach(out);
	strbuf_free(&out);
	return text;
}

/* expect_ok - the lookup succeeds with exactly this list */

static void
expect_ok(const char *nexthop, int lmtp, const char *want)
{
	SMTP_ADDR *list = NULL;
	char   *text;

	assert_int_equal(smtp_addr_find(nexthop, lmtp, &list, dsn, why),
			 SMTP_ADDR_OK);
	text = list_text(list);
	assert_string_equal(text, want);
	xfree(text);
	smtp_addr_free(list);
}

/* expect_err - the lookup fails with this status, code and text */

static void
expect_err(const char *nexthop, int lmtp, int status, const char *code,
	   const char *text)
{
	SMTP_ADDR *list = (SMTP_ADDR *) 1;

	assert_int_equal(smtp_addr_find(nexthop, lmtp, &list, dsn, why),
			 status);
	assert_null(list);
	assert_string_equal(strbuf_str(dsn), code);
	assert_string_equal(strbuf_str(why), text);
}

/* ------------------------------------------------------------ tests */

static void
test_syntax(void **unused)
{
	static const struct {
		const char *nexthop;
		int	lmtp;
		const char *want;
	} t[] = {
		{"[192.0.2.7]", 0, "192.0.2.7/192.0.2.7:25/0"},
		{"[192.0.2.7]:2525", 0, "192.0.2.7/192.0.2.7:2525/0"},
		{"[192.0.2.7]:smtp", 0, "192.0.2.7/192.0.2.7:25/0"},
		{"inet:[192.0.2.7]:26", 0, "192.0.2.7/192.0.2.7:26/0"},
		{"192.0.2.7", 0, "192.0.2.7/192.0.2.7:25/0"},
		{"[192.0.2.7]", 1, "192.0.2.7/192.0.2.7:24/0"},
		{"inet:192.0.2.7:2424", 1, "192.0.2.7/192.0.2.7:2424/0"},
		{"[mx1.example.com]", 0, "mx1.example.com/192.0.2.1:25/0"},
		{"[mx1.example.com]:587", 0, "mx1.example.com/192.0.2.1:587/0"},
		{"mx1.example.com", 1, "mx1.example.com/192.0.2.1:24/0"},
		{"unix:private/dovecot-lmtp", 1, "unix:private/dovecot-lmtp"},
		{"unix:/run/lmtp", 1, "unix:/run/lmtp"},
	};
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_ok(t[i].nexthop, t[i].lmtp, t[i].want);
	/* Brackets, numbers and LMTP never look up MX records. */
	assert_int_equal(mx_queries, 0);

	var_inet_protocols = "ipv4, ipv6";
	smtp_addr_init();
	expect_ok("[IPv6:2001:db8::1]", 0, "2001:db8::1/2001:db8::1:25/0");
	expect_ok("[ipv6:2001:DB8::1]:2525", 0,
		  "2001:db8::1/2001:db8::1:2525/0");
	expect_ok("[2001:db8::1]", 1, "2001:db8::1/2001:db8::1:24/0");

	expect_err("[192.0.2.7]:nosuchservice", 0, SMTP_ADDR_RETRY, "4.3.5",
		   "unknown service: nosuchservice/tcp");
	expect_err("[192.0.2.7]:99999", 0, SMTP_ADDR_RETRY, "4.3.5",
		   "bad port number in \"[192.0.2.7]:99999\"");
	expect_err("unix:private/x", 0, SMTP_ADDR_RETRY, "4.3.5",
		   "bad destination: unix:private/x: unix: requires LMTP");
	assert_int_equal(smtp_addr_find("[", 0, &(SMTP_ADDR *){NULL}, dsn,
					why), SMTP_ADDR_RETRY);
	assert_string_equal(strbuf_str(dsn), "4.3.5");
	/* smtp_tcp_port is the default port. */
	var_smtp_tcp_port = "2525";
	expect_ok("[192.0.2.7]", 0, "192.0.2.7/192.0.2.7:2525/0");
}

static void
test_mx_order(void **unused)
{
	(void) unused;
	expect_ok("example.com", 0, "mx1.example.com/192.0.2.1:25/10 "
		  "mx2.example.com/192.0.2.2:25/20");
	assert_int_equal(mx_queries, 1);
	/* A port does not turn off the MX lookup. */
	expect_ok("example.com:2525", 0, "mx1.example.com/192.0.2.1:2525/10 "
		  "mx2.example.com/192.0.2.2:2525/20");
	assert_int_equal(mx_queries, 2);
	/* The implicit MX: no MX records, the domain's own address. */
	expect_ok("aonly.example", 0, "aonly.example/192.0.2.30:25/0");
}

static void
test_equal_preference(void **unused)
{
	int	first[3] = {0, 0, 0};
	int	i;

	(void) unused;
	for (i = 0; i < 200; i++) {
		SMTP_ADDR *list;

		assert_int_equal(smtp_addr_find("equal.example", 0, &list, dsn,
						why), SMTP_ADDR_OK);
		assert_non_null(list->next);
		assert_non_null(list->next->next);
		assert_null(list->next->next->next);
		assert_int_equal(list->pref, 10);
		assert_int_equal(list->next->pref, 10);
		/* The lower preference stays last. */
		assert_string_equal(list->next->next->host, "mx3.example.com");
		first[list->host[2] - '1']++;
		smtp_addr_free(list);
	}
	assert_true(first[0] > 40);
	assert_true(first[1] > 40);
	assert_int_equal(first[2], 0);

	/* Without smtp_randomize_addresses, DNS order. */
	var_smtp_randomize_addresses = 0;
	for (i = 0; i < 20; i++)
		expect_ok("equal.example", 0, "mx1.example.com/192.0.2.1:25/10 "
			  "mx2.example.com/192.0.2.2:25/10 "
			  "mx3.example.com/192.0.2.3:25/20");
}

static void
test_failures(void **unused)
{
	(void) unused;
	expect_err("nullmx.example", 0, SMTP_ADDR_FAIL, "5.1.0",
		   "Domain nullmx.example does not accept mail (nullMX)");
	expect_err("nx.example", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=nx.example type=A: Host not found");
	expect_err("servfail.example", 0, SMTP_ADDR_RETRY, "4.4.3",
		   "Host or domain name not found. Name service error for "
		   "name=servfail.example type=MX: Host not found, try again");
	expect_err("[nx.example]", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=nx.example type=A: Host not found");
	expect_err("[broken.example.com]", 0, SMTP_ADDR_RETRY, "4.4.3",
		   "Host or domain name not found. Name service error for "
		   "name=broken.example.com type=A: Host not found, try again");

	/* A broken MX host is skipped while another one works. */
	expect_ok("halfbad.example", 0, "mx2.example.com/192.0.2.2:25/20");
	/*
	 * When none works, a temporary failure makes the result temporary
	 * (the text is the last one, as in Postfix).
	 */
	expect_err("allbad.example", 0, SMTP_ADDR_RETRY, "4.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=nx.example type=A: Host not found");
	expect_err("allnx.example", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=nx.example type=A: Host not found");
	var_smtp_defer_if_no_mx_address_found = 1;
	expect_err("allnx.example", 0, SMTP_ADDR_RETRY, "4.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=nx.example type=A: Host not found");
	/* ignore_mx_lookup_error: the domain's addresses after all. */
	var_ignore_mx_lookup_error = 1;
	expect_err("servfail.example", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=servfail.example type=A: "
		   "No address associated with hostname");
}

static void
test_self(void **unused)
{
	(void) unused;
	expect_err("loop.example", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for loop.example loops back to myself");
	expect_err("proxy.example", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for proxy.example loops back to myself");
	/* Backup MX: only the better MX hosts are kept. */
	expect_ok("backup.example", 0, "mx1.example.com/192.0.2.1:25/10");
	expect_err("primaryfail.example", 0, SMTP_ADDR_RETRY, "4.4.4",
		   "unable to find primary relay for primaryfail.example");
	/* An MX host named myhostname is this host, whatever its address. */
	expect_err("byname.example", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for byname.example loops back to myself");
	/* Without MX lookup, at port 25, the same test. */
	expect_err("[192.0.2.99]", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for 192.0.2.99 loops back to myself");
	expect_err("[self.example.com]", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for self.example.com loops back to myself");
	/* Another port, or LMTP: not a loop (a content filter, say). */
	expect_ok("loop.example:10025", 0,
		  "self.example.com/192.0.2.99:10025/10");
	expect_ok("[192.0.2.99]:10025", 0, "192.0.2.99/192.0.2.99:10025/0");
	expect_ok("[192.0.2.99]", 1, "192.0.2.99/192.0.2.99:24/0");
	/* Not ours any more. */
	var_inet_interfaces = "192.0.2.1";
	var_proxy_interfaces = "";
	var_myhostname = "other.example.com";
	smtp_addr_init();
	expect_ok("loop.example", 0, "self.example.com/192.0.2.99:25/10");
	expect_err("example.com", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for example.com loops back to myself");
	/* "all": every interface address, 127.0.0.1 included. */
	var_inet_interfaces = "all";
	smtp_addr_init();
	expect_err("[127.0.0.1]", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for 127.0.0.1 loops back to myself");
	var_inet_interfaces = "loopback-only";
	smtp_addr_init();
	expect_err("[127.0.0.1]", 0, SMTP_ADDR_FAIL, "5.4.6",
		   "mail for 127.0.0.1 loops back to myself");
}

static void
test_protocols(void **unused)
{
	(void) unused;
	expect_ok("dual.example", 0, "dual.example/192.0.2.40:25/0");
	var_inet_protocols = "ipv6";
	smtp_addr_init();
	expect_ok("dual.example", 0, "dual.example/2001:db8::40:25/0");
	expect_err("aonly.example", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=aonly.example type=AAAA: "
		   "No address associated with hostname");
	var_inet_protocols = "ipv4, ipv6";
	smtp_addr_init();
	var_smtp_address_preference = "ipv6";
	expect_ok("dual.example", 0, "dual.example/2001:db8::40:25/0 "
		  "dual.example/192.0.2.40:25/0");
	var_smtp_address_preference = "ipv4";
	expect_ok("dual.example", 0, "dual.example/192.0.2.40:25/0 "
		  "dual.example/2001:db8::40:25/0");
	/* The LMTP twin is separate. */
	var_lmtp_address_preference = "ipv6";
	expect_ok("[dual.example]", 1, "dual.example/2001:db8::40:24/0 "
		  "dual.example/192.0.2.40:24/0");
}

static void
test_limit(void **unused)
{
	SMTP_ADDR *list, *e;
	int	n;

	(void) unused;
	assert_int_equal(smtp_addr_find("many.example", 0, &list, dsn, why),
			 SMTP_ADDR_OK);
	for (n = 0, e = list; e; e = e->next)
		n++;
	assert_int_equal(n, 5);
	smtp_addr_free(list);
	var_smtp_mx_address_limit = 2;
	assert_int_equal(smtp_addr_find("many.example", 0, &list, dsn, why),
			 SMTP_ADDR_OK);
	for (n = 0, e = list; e; e = e->next)
		n++;
	assert_int_equal(n, 2);
	smtp_addr_free(list);
	var_smtp_mx_address_limit = 0;
	assert_int_equal(smtp_addr_find("many.example", 0, &list, dsn, why),
			 SMTP_ADDR_OK);
	for (n = 0, e = list; e; e = e->next)
		n++;
	assert_int_equal(n, 7);
	smtp_addr_free(list);
}

static void
test_host_lookup(void **unused)
{
	(void) unused;
	/* dns only: localhost is not in the DNS. */
	expect_err("[localhost]", 0, SMTP_ADDR_FAIL, "5.4.4",
		   "Host or domain name not found. Name service error for "
		   "name=localhost type=A: No address associated with hostname");
	var_smtp_host_lookup = "dns, native";
	expect_ok("[localhost]:2525", 0, "localhost/127.0.0.1:2525/0");
	var_smtp_host_lookup = "native";
	addr_queries = 0;
	expect_ok("[localhost]:2525", 0, "localhost/127.0.0.1:2525/0");
	assert_int_equal(addr_queries, 0);
	/* MX lookups are DNS only, and native alone turns them off. */
	expect_ok("localhost:2525", 0, "localhost/127.0.0.1:2525/0");
	assert_int_equal(mx_queries, 0);
	/* disable_dns_lookups: no MX, no DNS at all. */
	var_smtp_host_lookup = "dns";
	var_disable_dns_lookups = 1;
	expect_ok("localhost:2525", 0, "localhost/127.0.0.1:2525/0");
	assert_int_equal(mx_queries, 0);
	assert_int_equal(addr_queries, 0);
}

static void
test_name(void **unused)
{
	SMTP_ADDR *list;
	STRBUF *out = strbuf_create(10);

	(void) unused;
	assert_int_equal(smtp_addr_find("example.com", 0, &list, dsn, why),
			 SMTP_ADDR_OK);
	smtp_addr_name(list, out);
	assert_string_equal(strbuf_str(out), "mx1.example.com[192.0.2.1]:25");
	smtp_addr_free(list);
	var_inet_protocols = "ipv6";
	smtp_addr_init();
	assert_int_equal(smtp_addr_find("[dual.example]:2525", 0, &list, dsn,
					why), SMTP_ADDR_OK);
	smtp_addr_name(list, out);
	assert_string_equal(strbuf_str(out), "dual.example[2001:db8::40]:2525");
	smtp_addr_free(list);
	assert_int_equal(smtp_addr_find("unix:private/dovecot-lmtp", 1, &list,
					dsn, why), SMTP_ADDR_OK);
	smtp_addr_name(list, out);
	assert_string_equal(strbuf_str(out),
			    "me.example.com[private/dovecot-lmtp]");
	smtp_addr_free(list);
	smtp_addr_free(NULL);
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mx_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_equal_preference, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocols, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_lookup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
