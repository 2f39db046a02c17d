/*
 * dns_parse_test.c - unit tests for the DNS reply parser
 *
 * Replies are built by hand, byte by byte: A, AAAA, MX (the list comes
 * back sorted by preference, whatever the wire order), NS, PTR, CNAME
 * chains (followed, limited, looping), TXT strings joined, rcodes
 * (NXDOMAIN, SERVFAIL, REFUSED), NODATA, and malformed packets
 * (truncated anywhere, forward and looping compression pointers, bad
 * rdata lengths, not a response). Also dns_rbl_name and dns_type_name.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <arpa/inet.h>

#include "strbuf.h"
#include "inet_addr.h"
#include "dns.h"

/* A packet under construction. */
typedef struct PKT {
	unsigned char b[4096];
	size_t	len;
} PKT;

/* put8 - append one octet */

static void
put8(PKT *p, unsigned v)
{
	assert_true(p->len < sizeof(p->b));
	p->b[p->len++] = (unsigned char) v;
}

/* put16 - append a 16-bit number */

static void
put16(PKT *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

/* putname - append an uncompressed name ("" is the root) */

static void
putname(PKT *p, const char *name)
{
	const char *dot;
	size_t	n;

	while (*name) {
		dot = strchr(name, '.');
		n = dot ? (size_t) (dot - name) : strlen(name);

		put8(p, (unsigned) n);
		memcpy(p->b + p->len, name, n);
		p->len += n;
		name += n + (dot ? 1 : 0);
	}
	put8(p, 0);
}

/* putptr - append a compression pointer */

static void
putptr(PKT *p, unsigned off)
{
	put16(p, 0xc000 | off);
}

/* header - start a reply with one question (qname at offset 12) */

static void
header(PKT *p, unsigned rcode, unsigned ancount, const char *qname,
       unsigned qtype)
{
	p->len = 0;
	put16(p, 0x1234);
	put16(p, 0x8180 | rcode);
	put16(p, 1);
	put16(p, ancount);
	put16(p, 0);
	put16(p, 0);
	putname(p, qname);
	put16(p, qtype);
	put16(p, 1);
}

/* rrhead - owner (pointer to the question name), type, class, ttl */

static void
rrhead(PKT *p, int owner_off, const char *owner, unsigned type)
{
	if (owner)
		putname(p, owner);
	else
		putptr(p, (unsigned) owner_off);
	put16(p, type);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
}

/* rr_name - an answer whose rdata is (pref and) a name */

static void
rr_name(PKT *p, const char *owner, unsigned type, int pref, const char *target)
{
	size_t	lenpos;

	rrhead(p, 12, owner, type);
	lenpos = p->len;
	put16(p, 0);
	if (pref >= 0)
		put16(p, (unsigned) pref);
	putname(p, target);
	p->b[lenpos] = (unsigned char) ((p->len - lenpos - 2) >> 8);
	p->b[lenpos + 1] = (unsigned char) ((p->len - lenpos - 2) & 0xff);
}

/* rr_addr - an A or AAAA answer */

static void
rr_addr(PKT *p, const char *owner, const char *addr)
{
	INET_ADDR a;

	assert_int_equal(inet_addr_pton(addr, &a), 0);
	rrhead(p, 12, owner, a.family == AF_INET ? DNS_T_A : DNS_T_AAAA);
	put16(p, (unsigned) INET_ADDR_LEN(&a));
	memcpy(p->b + p->len, a.bytes, (size_t) INET_ADDR_LEN(&a));
	p->len += (size_t) INET_ADDR_LEN(&a);
}

/* parse - run the parser, check the status, return the list */

static DNS_RR *
parse(PKT *p, const char *qname, unsigned type, int want)
{
	STRBUF *why = strbuf_create(10);
	DNS_RR *list = (DNS_RR *) 1;
	int	status;

	status = dns_parse_reply(p->b, p->len, qname, type, &list, why);
	if (status != want)
		fail_msg("%s/%s: status %d, want %d (%s)", qname,
			 dns_type_name(type), status, want, strbuf_str(why));
	if (status != DNS_OK) {
		assert_null(list);
		assert_non_null(strstr(strbuf_str(why), "name="));
	}
	strbuf_free(&why);
	return list;
}

/* count - records in a list */

static int
count(const DNS_RR *rr)
{
	int	n = 0;

	for (; rr; rr = rr->next)
		n++;
	return n;
}

static void
test_a_aaaa(void **unused)
{
	PKT	p;
	DNS_RR *rr;
	INET_ADDR_STR s;

	(void) unused;
	header(&p, 0, 2, "Host.Example", DNS_T_A);
	rr_addr(&p, NULL, "192.0.2.1");
	rr_addr(&p, NULL, "192.0.2.2");
	rr = parse(&p, "host.example.", DNS_T_A, DNS_OK);
	assert_int_equal(count(rr), 2);
	assert_string_equal(rr->qname, "host.example");
	assert_string_equal(rr->rname, "host.example");
	assert_int_equal(rr->type, DNS_T_A);
	assert_int_equal(rr->ttl, 300);
	assert_null(rr->text);
	assert_string_equal(inet_addr_ntop(&rr->addr, &s), "192.0.2.1");
	assert_string_equal(inet_addr_ntop(&rr->next->addr, &s), "192.0.2.2");
	dns_rr_free(rr);

	header(&p, 0, 2, "host.example", DNS_T_AAAA);
	rr_addr(&p, NULL, "2001:db8::1");
	rr_addr(&p, NULL, "192.0.2.9");	/* other type: ignored */
	rr = parse(&p, "HOST.example", DNS_T_AAAA, DNS_OK);
	assert_int_equal(count(rr), 1);
	assert_int_equal(rr->addr.family, AF_INET6);
	assert_string_equal(inet_addr_ntop(&rr->addr, &s), "2001:db8::1");
	dns_rr_free(rr);

	/* A records for another name only: NODATA. */
	header(&p, 0, 1, "host.example", DNS_T_A);
	rr_addr(&p, "other.example", "192.0.2.3");
	(void) parse(&p, "host.example", DNS_T_A, DNS_NOTFOUND);
}

static void
test_mx_ns_ptr(void **unused)
{
	static const int prefs[][3] = {
		{10, 20, 30}, {30, 20, 10}, {20, 30, 10}, {20, 10, 20},
	};
	PKT	p;
	DNS_RR *rr, *r;
	size_t	i;
	int	j;

	(void) unused;
	for (i = 0; i < sizeof(prefs) / sizeof(prefs[0]); i++) {
		char	host[40];

		header(&p, 0, 3, "example.com", DNS_T_MX);
		for (j = 0; j < 3; j++) {
			snprintf(host, sizeof(host), "MX%d.example.com", j);
			rr_name(&p, NULL, DNS_T_MX, prefs[i][j], host);
		}
		rr = parse(&p, "example.com", DNS_T_MX, DNS_OK);
		assert_int_equal(count(rr), 3);
		for (r = rr; r->next; r = r->next)
			assert_true(r->pref <= r->next->pref);
		for (r = rr; r; r = r->next) {
			assert_int_equal(r->type, DNS_T_MX);
			assert_int_equal(strncmp(r->text, "mx", 2), 0);
			j = r->text[2] - '0';
			assert_true(j >= 0 && j < 3);
			assert_int_equal(r->pref, prefs[i][j]);
		}
		dns_rr_free(rr);
	}

	/* Null MX (RFC 7505): preference 0, target the root. */
	header(&p, 0, 1, "null.example", DNS_T_MX);
	rr_name(&p, NULL, DNS_T_MX, 0, "");
	rr = parse(&p, "null.example", DNS_T_MX, DNS_OK);
	assert_string_equal(rr->text, "");
	assert_int_equal(rr->pref, 0);
	dns_rr_free(rr);

	/* MX target compressed against the question name. */
	header(&p, 0, 1, "example.com", DNS_T_MX);
	rrhead(&p, 12, NULL, DNS_T_MX);
	put16(&p, 2 + 5 + 2);
	put16(&p, 5);
	put8(&p, 4);
	memcpy(p.b + p.len, "mail", 4);
	p.len += 4;
	putptr(&p, 12);
	rr = parse(&p, "example.com", DNS_T_MX, DNS_OK);
	assert_string_equal(rr->text, "mail.example.com");
	assert_int_equal(rr->pref, 5);
	dns_rr_free(rr);

	header(&p, 0, 2, "example.com", DNS_T_NS);
	rr_name(&p, NULL, DNS_T_NS, -1, "ns1.example.com");
	rr_name(&p, NULL, DNS_T_NS, -1, "ns2.example.net.");
	rr = parse(&p, "example.com", DNS_T_NS, DNS_OK);
	assert_int_equal(count(rr), 2);
	assert_string_equal(rr->text, "ns1.example.com");
	assert_string_equal(rr->next->text, "ns2.example.net");
	dns_rr_free(rr);

	header(&p, 0, 1, "1.2.0.192.in-addr.arpa", DNS_T_PTR);
	rr_name(&p, NULL, DNS_T_PTR, -1, "Client.Example");
	rr = parse(&p, "1.2.0.192.in-addr.arpa", DNS_T_PTR, DNS_OK);
	assert_string_equal(rr->text, "client.example");
	dns_rr_free(rr);

	/* A PTR target with a space in a label is not handed out. */
	header(&p, 0, 1, "1.2.0.192.in-addr.arpa", DNS_T_PTR);
	rr_name(&p, NULL, DNS_T_PTR, -1, "bad host.example");
	(void) parse(&p, "1.2.0.192.in-addr.arpa", DNS_T_PTR, DNS_NOTFOUND);
}

static void
test_cname(void **unused)
{
	PKT	p;
	DNS_RR *rr;
	INET_ADDR_STR s;
	int	i;

	(void) unused;
	/* www -> a -> b, b has the address; records in any order. */
	header(&p, 0, 4, "www.example", DNS_T_A);
	rr_addr(&p, "b.example", "192.0.2.7");
	rr_name(&p, "a.example", DNS_T_CNAME, -1, "b.example");
	rr_name(&p, NULL, DNS_T_CNAME, -1, "A.example");
	rr_addr(&p, "www.example", "192.0.2.99");	/* beside a CNAME: ignored */
	rr = parse(&p, "www.example", DNS_T_A, DNS_OK);
	assert_int_equal(count(rr), 1);
	assert_string_equal(rr->qname, "www.example");
	assert_string_equal(rr->rname, "b.example");
	assert_string_equal(inet_addr_ntop(&rr->addr, &s), "192.0.2.7");
	dns_rr_free(rr);

	/* Asking for the CNAME itself. */
	header(&p, 0, 1, "www.example", DNS_T_CNAME);
	rr_name(&p, NULL, DNS_T_CNAME, -1, "a.example");
	rr = parse(&p, "www.example", DNS_T_CNAME, DNS_OK);
	assert_string_equal(rr->text, "a.example");
	dns_rr_free(rr);

	/* A CNAME whose target has no record here: NODATA. */
	header(&p, 0, 1, "www.example", DNS_T_MX);
	rr_name(&p, NULL, DNS_T_CNAME, -1, "a.example");
	(void) parse(&p, "www.example", DNS_T_MX, DNS_NOTFOUND);

	/* A CNAME with bad rdata before a good one: refused, no leak. */
	header(&p, 0, 2, "www.example", DNS_T_A);
	rrhead(&p, 12, NULL, DNS_T_CNAME);
	put16(&p, 2);
	put16(&p, 0x0161);
	rr_name(&p, NULL, DNS_T_CNAME, -1, "a.example");
	(void) parse(&p, "www.example", DNS_T_A, DNS_INVAL);

	/* A loop www -> a -> www. */
	header(&p, 0, 2, "www.example", DNS_T_A);
	rr_name(&p, NULL, DNS_T_CNAME, -1, "a.example");
	rr_name(&p, "a.example", DNS_T_CNAME, -1, "www.example");
	(void) parse(&p, "www.example", DNS_T_A, DNS_INVAL);

	/* Ten links are followed, eleven are not. */
	for (i = 10; i <= 11; i++) {
		char	from[40], to[40];
		int	j;

		header(&p, 0, (unsigned) i + 1, "c0.example", DNS_T_A);
		for (j = 0; j < i; j++) {
			snprintf(from, sizeof(from), "c%d.example", j);
			snprintf(to, sizeof(to), "c%d.example", j + 1);
			rr_name(&p, from, DNS_T_CNAME, -1, to);
		}
		rr_addr(&p, to, "192.0.2.10");
		rr = parse(&p, "c0.example", DNS_T_A, i == 10 ? DNS_OK : DNS_INVAL);
		if (i == 10)
			assert_string_equal(rr->rname, "c10.example");
		dns_rr_free(rr);
	}
}

static void
test_txt(void **unused)
{
	PKT	p;
	DNS_RR *rr;

	(void) unused;
	header(&p, 0, 2, "2.0.0.127.bl.example", DNS_T_TXT);
	rrhead(&p, 12, NULL, DNS_T_TXT);
	put16(&p, 6 + 7);
	put8(&p, 5);
	memcpy(p.b + p.len, "Hello", 5);
	p.len += 5;
	put8(&p, 6);
	memcpy(p.b + p.len, " w\001rld", 6);
	p.len += 6;
	rrhead(&p, 12, NULL, DNS_T_TXT);
	put16(&p, 1);
	put8(&p, 0);				/* one empty string */
	rr = parse(&p, "2.0.0.127.bl.example", DNS_T_TXT, DNS_OK);
	assert_int_equal(count(rr), 2);
	assert_string_equal(rr->text, "Hello w?rld");
	assert_string_equal(rr->next->text, "");
	dns_rr_free(rr);

	/* A string longer than its record. */
	header(&p, 0, 1, "t.example", DNS_T_TXT);
	rrhead(&p, 12, NULL, DNS_T_TXT);
	put16(&p, 3);
	put8(&p, 5);
	put16(&p, 0x4142);
	(void) parse(&p, "t.example", DNS_T_TXT, DNS_INVAL);
}

static void
test_rcodes(void **unused)
{
	static const struct {
		unsigned rcode;
		int	status;
		const char *why;
	} t[] = {
		{0, DNS_NOTFOUND, "No address associated"},	/* NODATA */
		{1, DNS_RETRY, "try again"},		/* FORMERR */
		{2, DNS_RETRY, "try again"},		/* SERVFAIL */
		{3, DNS_NOTFOUND, ": Host not found"},	/* NXDOMAIN */
		{5, DNS_RETRY, "try again"},		/* REFUSED */
	};
	PKT	p;
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		STRBUF *why = strbuf_create(10);
		DNS_RR *list;

		header(&p, t[i].rcode, 0, "x.example", DNS_T_MX);
		assert_int_equal(dns_parse_reply(p.b, p.len, "x.example",
						 DNS_T_MX, &list, why),
				 t[i].status);
		assert_null(list);
		assert_non_null(strstr(strbuf_str(why), t[i].why));
		assert_non_null(strstr(strbuf_str(why),
				       "name=x.example type=MX"));
		strbuf_free(&why);
	}
}

static void
test_malformed(void **unused)
{
	PKT	p, good;
	DNS_RR *list;
	size_t	n;
	int	status;

	(void) unused;
	/* Every truncation of a good reply is refused or parsed cleanly. */
	header(&good, 0, 2, "example.com", DNS_T_MX);
	rr_name(&good, NULL, DNS_T_MX, 10, "mx.example.com");
	rr_name(&good, NULL, DNS_T_MX, 20, "mx2.example.com");
	for (n = 0; n < good.len; n++) {
		status = dns_parse_reply(good.b, n, "example.com", DNS_T_MX,
					 &list, NULL);
		assert_int_equal(status, DNS_INVAL);
		assert_null(list);
	}

	/* Not a response. */
	p = good;
	p.b[2] &= 0x7f;
	(void) parse(&p, "example.com", DNS_T_MX, DNS_INVAL);

	/* A pointer to itself, a forward pointer, a pointer into the header. */
	header(&p, 0, 1, "example.com", DNS_T_A);
	n = p.len;
	putptr(&p, (unsigned) n);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);
	/* (A forward pointer to the owner name of the next answer.) */
	header(&p, 0, 2, "example.com", DNS_T_A);
	putptr(&p, (unsigned) p.len + 16);
	put16(&p, DNS_T_A);
	put16(&p, 1);
	put16(&p, 0);
	put16(&p, 300);
	put16(&p, 4);
	put16(&p, 0x0102);
	put16(&p, 0x0304);
	rr_addr(&p, "example.com", "192.0.2.1");
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);
	header(&p, 0, 1, "example.com", DNS_T_A);
	putptr(&p, 2);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/* Two pointers that point at each other. */
	header(&p, 0, 2, "example.com", DNS_T_A);
	n = p.len;
	put8(&p, 1);
	put8(&p, 'a');
	putptr(&p, (unsigned) n + 4);		/* forward: refused */
	put8(&p, 1);
	put8(&p, 'b');
	putptr(&p, (unsigned) n);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/* Reserved label type 0x40. */
	header(&p, 0, 1, "example.com", DNS_T_A);
	put8(&p, 0x41);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/* A record with 5 octets of address; rdlength past the end. */
	header(&p, 0, 1, "example.com", DNS_T_A);
	rrhead(&p, 12, NULL, DNS_T_A);
	put16(&p, 5);
	put16(&p, 0x0102);
	put16(&p, 0x0304);
	put8(&p, 5);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);
	header(&p, 0, 1, "example.com", DNS_T_A);
	rrhead(&p, 12, NULL, DNS_T_A);
	put16(&p, 400);
	put16(&p, 0x0102);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/* An MX name running past its rdata. */
	header(&p, 0, 1, "example.com", DNS_T_MX);
	rrhead(&p, 12, NULL, DNS_T_MX);
	put16(&p, 4);
	put16(&p, 10);
	put8(&p, 3);
	put8(&p, 'a');
	put8(&p, 'b');
	put8(&p, 'c');
	put8(&p, 0);
	(void) parse(&p, "example.com", DNS_T_MX, DNS_INVAL);

	/* A label of 64 octets. */
	header(&p, 0, 0, "example.com", DNS_T_A);
	p.len = 12;
	put8(&p, 64);
	memset(p.b + p.len, 'a', 64);
	p.len += 64;
	put8(&p, 0);
	put16(&p, 1);
	put16(&p, 1);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/*
	 * A name longer than 255 octets, made of pointers back: the labels
	 * sit in the rdata of a first answer of an unknown type, the owner
	 * of the second points at the last of them.
	 */
	header(&p, 0, 2, "example.com", DNS_T_A);
	rrhead(&p, 12, NULL, 99);
	put16(&p, 5 * 66);
	n = 12;
	{
		int	i;

		for (i = 0; i < 5; i++) {
			size_t	here = p.len;

			put8(&p, 63);
			memset(p.b + p.len, 'x', 63);
			p.len += 63;
			putptr(&p, (unsigned) n);
			n = here;
		}
	}
	putptr(&p, (unsigned) n);
	put16(&p, DNS_T_A);
	put16(&p, 1);
	put16(&p, 0);
	put16(&p, 300);
	put16(&p, 4);
	put16(&p, 0);
	put16(&p, 0);
	(void) parse(&p, "example.com", DNS_T_A, DNS_INVAL);

	/* Garbage. */
	for (n = 0; n < sizeof(p.b); n++)
		p.b[n] = (unsigned char) (n * 7 + 3);
	p.len = 600;
	p.b[2] |= 0x80;
	p.b[3] &= 0xf0;
	status = dns_parse_reply(p.b, p.len, "example.com", DNS_T_A, &list,
				 NULL);
	assert_true(status == DNS_INVAL || status == DNS_NOTFOUND);
	assert_null(list);
}

static void
test_rbl_name(void **unused)
{
	static const struct {
		const char *addr;
		const char *zone;
		const char *name;
	} t[] = {
		{"1.2.3.4", "zen.example", "4.3.2.1.zen.example"},
		{"127.0.0.2", "in-addr.arpa", "2.0.0.127.in-addr.arpa"},
		{"2001:db8::567:89ab", "bl.example",
		 "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		 "8.b.d.0.1.0.0.2.bl.example"},
	};
	STRBUF *out = strbuf_create(10);
	INET_ADDR a;
	size_t	i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(inet_addr_pton(t[i].addr, &a), 0);
		strbuf_set(out, "junk");
		dns_rbl_name(&a, t[i].zone, out);
		assert_string_equal(strbuf_str(out), t[i].name);
	}
	strbuf_free(&out);
	assert_string_equal(dns_type_name(DNS_T_MX), "MX");
	assert_string_equal(dns_type_name(DNS_T_AAAA), "AAAA");
	assert_string_equal(dns_type_name(99), "TYPE99");
}

static void
test_lookup_inval(void **unused)
{
	static const char *bad[] = {
		"", ".", "a..b", "with space.example", "back\\slash.example",
		"x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	STRBUF *why = strbuf_create(10);
	DNS_RR *list;
	size_t	i;

	(void) unused;
	/* Refused before any query is sent. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dns_lookup(bad[i], DNS_T_A, DNS_F_NONE, &list,
					    why), DNS_INVAL);
		assert_null(list);
		assert_non_null(strstr(strbuf_str(why), "Malformed"));
	}
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_aaaa),
		cmocka_unit_test(test_mx_ns_ptr),
		cmocka_unit_test(test_cname),
		cmocka_unit_test(test_txt),
		cmocka_unit_test(test_rcodes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_rbl_name),
		cmocka_unit_test(test_lookup_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
