/*
 * dns.c - DNS lookups over the system resolver library
 *
 * The resolver library only sends the query and waits (res_nmkquery,
 * res_nsend: /etc/resolv.conf servers, timeout and attempts, TCP
 * retry of truncated replies); the reply is parsed here, by our own
 * bounded parser, so that the rcode decides between a permanent and a
 * temporary answer exactly as dns.h promises. glibc's res_nsend fails
 * (-1) on SERVFAIL, REFUSED and NOTIMP from every server and on
 * timeouts; all of those are DNS_RETRY. A reply we cannot parse is
 * DNS_INVAL.
 *
 * Security: replies come from the network. The parser checks every
 * length against the packet, follows compression pointers only
 * backwards (so they cannot loop) and at most DNS_MAX_HOPS times, and
 * bounds names to 255 octets and CNAME chains to 10 links.
 */

#include "sysdeps.h"

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"		/* util */
#include "strbuf.h"
#include "inet_addr.h"
#include "dns.h"		/* dns */

#define DNS_HDR_LEN	12
#define DNS_MAX_NAME	255		/* RFC 1035 2.3.4, wire octets */
#define DNS_MAX_LABEL	63
#define DNS_MAX_HOPS	64		/* compression pointers per name */
#define DNS_MAX_CNAME	10		/* links followed, as dns.h says */
#define DNS_MAX_REPLY	65536
#define DNS_C_IN	1
#define DNS_RCODE_NXDOMAIN 3

/* One parsed answer record, before it becomes a DNS_RR. */
struct dns_ans {
	char	owner[DNS_MAX_NAME + 1];
	int	owner_ok;		/* owner name is printable */
	unsigned type;
	unsigned ttl;
	size_t	rdata;			/* offset of the rdata */
	size_t	rdlen;
};

/* dns_why - "Name service error for name=N type=T: TEXT" */

static void
dns_why(STRBUF *why, const char *name, unsigned type, const char *text)
{
	if (why)
		strbuf_printf(why, "Host or domain name not found. "
			      "Name service error for name=%s type=%s: %s",
			      name, dns_type_name(type), text);
}

/* dns_get16 - network-order 16-bit number */

static unsigned
dns_get16(const unsigned char *p)
{
	return ((unsigned) p[0] << 8) | p[1];
}

/* dns_get32 - network-order 32-bit number */

static unsigned
dns_get32(const unsigned char *p)
{
	return ((unsigned) p[0] << 24) | ((unsigned) p[1] << 16)
		| ((unsigned) p[2] << 8) | p[3];
}

/*
 * dns_expand - expand the (compressed) name at *off into out (lower
 * case, dotted, no final dot; "" is the root). Advances *off past the
 * name as it is stored at *off. Returns 0, or -1 for a malformed name;
 * *printable is cleared when a label holds a byte that cannot appear
 * in a host name we hand out (control, space, dot, non-ASCII).
 */

static int
dns_expand(const unsigned char *pkt, size_t len, size_t *off, char *out,
	   int *printable)
{
	size_t	pos = *off;
	size_t	end = 0;		/* where the name ends at *off */
	size_t	limit = *off;		/* pointers must go before this */
	size_t	wire = 0;		/* octets of the expanded name */
	size_t	olen = 0;
	int	hops = 0;
	int	jumped = 0;
	unsigned lab;
	size_t	i;

	*printable = 1;
	for (;;) {
		if (pos >= len)
			return -1;
		lab = pkt[pos];
		if ((lab & 0xc0) == 0xc0) {
			size_t	target;

			if (pos + 1 >= len || ++hops > DNS_MAX_HOPS)
				return -1;
			target = ((lab & 0x3f) << 8) | pkt[pos + 1];
			/* Strictly backwards: no loops, and no forward refs. */
			if (target >= limit || target < DNS_HDR_LEN)
				return -1;
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			limit = target;
			pos = target;
			continue;
		}
		if (lab & 0xc0)			/* 0x40, 0x80: reserved */
			return -1;
		if (lab == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if (pos + 1 + lab > len)
			return -1;
		wire += lab + 1;
		if (wire + 1 > DNS_MAX_NAME)
			return -1;
		if (olen)
			out[olen++] = '.';
		for (i = 0; i < lab; i++) {
			int	ch = pkt[pos + 1 + i];

			if (ch <= 0x20 || ch >= 0x7f || ch == '.')
				*printable = 0;
			if (ch >= 'A' && ch <= 'Z')
				ch += 'a' - 'A';
			else if (ch == 0)
				ch = '?';
			out[olen++] = (char) ch;
		}
		pos += 1 + lab;
	}
	out[olen] = 0;
	*off = end;
	return 0;
}

/* dns_norm_name - qname in lower case, without the final dot */

static char *
dns_norm_name(const char *name)
{
	char   *copy = xstrdup(name);
	size_t	n = strlen(copy);
	char   *p;

	if (n > 0 && copy[n - 1] == '.')
		copy[n - 1] = 0;
	for (p = copy; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return copy;
}

/* dns_rr_make - a record owned by the caller */

static DNS_RR *
dns_rr_make(const char *qname, const char *rname, unsigned type,
	    unsigned ttl)
{
	DNS_RR *rr = xcalloc(1, sizeof(*rr));

	rr->qname = xstrdup(qname);
	rr->rname = xstrdup(rname);
	rr->type = type;
	rr->ttl = ttl;
	return rr;
}

/* dns_rr_free - free a record list */

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

/*
 * dns_rdata - turn one answer's rdata into a record. Returns the
 * record, NULL to skip it (a target name we will not hand out), and
 * sets *bad for rdata that does not fit its type.
 */

static DNS_RR *
dns_rdata(const unsigned char *pkt, size_t len, const struct dns_ans *ans,
	  const char *qname, int *bad)
{
	char	name[DNS_MAX_NAME + 1];
	size_t	off = ans->rdata;
	size_t	end = ans->rdata + ans->rdlen;
	unsigned pref = 0;
	int	printable;
	DNS_RR *rr;
	STRBUF *txt;

	switch (ans->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (ans->rdlen != (ans->type == DNS_T_A ? 4u : 16u)) {
			*bad = 1;
			return NULL;
		}
		rr = dns_rr_make(qname, ans->owner, ans->type, ans->ttl);
		rr->addr.family = ans->type == DNS_T_A ? AF_INET : AF_INET6;
		memcpy(rr->addr.bytes, pkt + off, ans->rdlen);
		return rr;
	case DNS_T_MX:
		if (ans->rdlen < 3) {
			*bad = 1;
			return NULL;
		}
		pref = dns_get16(pkt + off);
		off += 2;
		/* FALLTHROUGH */
	case DNS_T_NS:
	case DNS_T_PTR:
	case DNS_T_CNAME:
		/* The name may point outside the rdata, but ends inside it. */
		if (dns_expand(pkt, end, &off, name, &printable) < 0
		    || off != end) {
			*bad = 1;
			return NULL;
		}
		(void) len;
		if (!printable)
			return NULL;
		rr = dns_rr_make(qname, ans->owner, ans->type, ans->ttl);
		rr->pref = pref;
		rr->text = xstrdup(name);
		return rr;
	case DNS_T_TXT:
		txt = strbuf_create(ans->rdlen + 1);
		while (off < end) {
			size_t	n = pkt[off];
			size_t	i;

			if (off + 1 + n > end) {
				strbuf_free(&txt);
				*bad = 1;
				return NULL;
			}
			for (i = 0; i < n; i++) {
				int	ch = pkt[off + 1 + i];

				strbuf_append_char(txt, ch < 0x20 || ch >= 0x7f ?
						   '?' : ch);
			}
			off += 1 + n;
		}
		if (ans->rdlen == 0) {
			strbuf_free(&txt);
			*bad = 1;
			return NULL;
		}
		rr = dns_rr_make(qname, ans->owner, ans->type, ans->ttl);
		rr->text = strbuf_detach(txt);
		strbuf_free(&txt);
		return rr;
	default:
		return NULL;
	}
}

/* dns_mx_sort - stable insertion sort of an MX list by preference */

static DNS_RR *
dns_mx_sort(DNS_RR *list)
{
	DNS_RR *sorted = NULL;
	DNS_RR **pp;
	DNS_RR *next;

	for (; list; list = next) {
		next = list->next;
		for (pp = &sorted; *pp && (*pp)->pref <= list->pref;
		     pp = &(*pp)->next)
			 /* void */ ;
		list->next = *pp;
		*pp = list;
	}
	return sorted;
}

/* dns_parse_reply - parse a reply packet for (qname, type) */

int
dns_parse_reply(const unsigned char *pkt, size_t len, const char *qname,
		unsigned type, DNS_RR **list, STRBUF *why)
{
	char	name[DNS_MAX_NAME + 1];
	char   *want = dns_norm_name(qname);
	struct dns_ans *ans = NULL;
	unsigned flags, qdcount, ancount, nans = 0, i;
	size_t	off = DNS_HDR_LEN;
	DNS_RR *head = NULL;
	DNS_RR **tail = &head;
	int	printable;
	int	links;
	int	bad = 0;
	int	status;

	*list = NULL;
	if (len < DNS_HDR_LEN) {
		dns_why(why, want, type, "Malformed or unexpected name server reply");
		status = DNS_INVAL;
		goto out;
	}
	flags = dns_get16(pkt + 2);
	qdcount = dns_get16(pkt + 4);
	ancount = dns_get16(pkt + 6);
	if ((flags & 0x8000) == 0) {		/* QR: not a response */
		dns_why(why, want, type, "Malformed or unexpected name server reply");
		status = DNS_INVAL;
		goto out;
	}
	switch (flags & 0x000f) {
	case 0:
		break;
	case DNS_RCODE_NXDOMAIN:
		dns_why(why, want, type, "Host not found");
		status = DNS_NOTFOUND;
		goto out;
	default:				/* SERVFAIL, REFUSED, ... */
		dns_why(why, want, type, "Host not found, try again");
		status = DNS_RETRY;
		goto out;
	}

	/* Question section: skipped, but it must be well formed. */
	for (i = 0; i < qdcount; i++) {
		if (dns_expand(pkt, len, &off, name, &printable) < 0
		    || off + 4 > len) {
			dns_why(why, want, type,
				"Malformed or unexpected name server reply");
			status = DNS_INVAL;
			goto out;
		}
		off += 4;
	}

	/* Answer section. Each record takes at least 11 octets. */
	if (ancount > (len - off) / 11 + 1)
		ancount = (unsigned) ((len - off) / 11 + 1);
	ans = xcalloc(ancount ? ancount : 1, sizeof(*ans));
	for (i = 0; i < ancount; i++) {
		struct dns_ans *a = ans + nans;

		if (dns_expand(pkt, len, &off, a->owner, &a->owner_ok) < 0
		    || off + 10 > len) {
			bad = 1;
			break;
		}
		a->type = dns_get16(pkt + off);
		a->ttl = dns_get32(pkt + off + 4);
		a->rdlen = dns_get16(pkt + off + 8);
		a->rdata = off + 10;
		if (a->rdata + a->rdlen > len) {
			bad = 1;
			break;
		}
		off = a->rdata + a->rdlen;
		if (dns_get16(pkt + a->rdata - 8) == DNS_C_IN && a->owner_ok)
			nans++;
	}
	if (bad) {
		dns_why(why, want, type, "Malformed or unexpected name server reply");
		status = DNS_INVAL;
		goto out;
	}

	/* Follow the CNAME chain from the name asked for. */
	snprintf(name, sizeof(name), "%s", want);
	for (links = 0; type != DNS_T_CNAME; links++) {
		DNS_RR *cname = NULL;

		for (i = 0; i < nans && cname == NULL && !bad; i++)
			if (ans[i].type == DNS_T_CNAME
			    && strcmp(ans[i].owner, name) == 0)
				cname = dns_rdata(pkt, len, ans + i, want, &bad);
		if (bad || cname == NULL) {
			dns_rr_free(cname);
			break;
		}
		if (links >= DNS_MAX_CNAME) {
			dns_rr_free(cname);
			dns_why(why, want, type, "CNAME chain too long");
			status = DNS_INVAL;
			goto out;
		}
		snprintf(name, sizeof(name), "%s", cname->text);
		dns_rr_free(cname);
	}
	if (bad) {
		dns_why(why, want, type, "Malformed or unexpected name server reply");
		status = DNS_INVAL;
		goto out;
	}

	/* The records of the type for the final name. */
	for (i = 0; i < nans; i++) {
		DNS_RR *rr;

		if (ans[i].type != type || strcmp(ans[i].owner, name) != 0)
			continue;
		if ((rr = dns_rdata(pkt, len, ans + i, want, &bad)) != NULL) {
			*tail = rr;
			tail = &rr->next;
		}
		if (bad)
			break;
	}
	if (bad) {
		dns_rr_free(head);
		dns_why(why, want, type, "Malformed or unexpected name server reply");
		status = DNS_INVAL;
		goto out;
	}
	if (head == NULL) {
		dns_why(why, want, type, "No address associated with hostname");
		status = DNS_NOTFOUND;
		goto out;
	}
	if (type == DNS_T_MX)
		head = dns_mx_sort(head);
	*list = head;
	status = DNS_OK;

out:
	xfree(ans);
	xfree(want);
	return status;
}

/* dns_valid_qname - a name we are willing to send to the resolver */

static int
dns_valid_qname(const char *name)
{
	size_t	n = strlen(name);
	size_t	label = 0;
	const char *p;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	for (p = name; p < name + n; p++) {
		unsigned char ch = (unsigned char) *p;

		if (ch == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\' || ch == '"'
		    || ++label > DNS_MAX_LABEL)
			return 0;
	}
	return label > 0;
}

static struct __res_state dns_res;
static int dns_res_ready;

/* dns_lookup - look up records of one type */

int
dns_lookup(const char *name, unsigned type, int flags, DNS_RR **list,
	   STRBUF *why)
{
	unsigned char query[NS_PACKETSZ];
	unsigned char *reply;
	u_long	saved;
	int	qlen;
	int	rlen;
	int	status;

	*list = NULL;
	if (!dns_valid_qname(name)) {
		dns_why(why, name, type, "Malformed domain name");
		return DNS_INVAL;
	}
	if (!dns_res_ready) {
		if (res_ninit(&dns_res) < 0) {
			dns_why(why, name, type, "Host not found, try again");
			return DNS_RETRY;
		}
		dns_res_ready = 1;
	}
	/* No search list, no default domain: names are absolute. */
	dns_res.options &= ~(RES_DNSRCH | RES_DEFNAMES);
	saved = dns_res.options;
	if (flags & DNS_F_TCP)
		dns_res.options |= RES_USEVC;
	qlen = res_nmkquery(&dns_res, ns_o_query, name, ns_c_in, (int) type,
			    NULL, 0, NULL, query, sizeof(query));
	if (qlen < 0) {
		dns_res.options = saved;
		dns_why(why, name, type, "Malformed domain name");
		return DNS_INVAL;
	}
	reply = xmalloc(DNS_MAX_REPLY);
	rlen = res_nsend(&dns_res, query, qlen, reply, DNS_MAX_REPLY);
	dns_res.options = saved;
	if (rlen < 0) {
		/* Timeout, network error, SERVFAIL or REFUSED everywhere. */
		dns_why(why, name, type, "Host not found, try again");
		xfree(reply);
		return DNS_RETRY;
	}
	if (rlen > DNS_MAX_REPLY)
		rlen = DNS_MAX_REPLY;
	status = dns_parse_reply(reply, (size_t) rlen, name, type, list, why);
	xfree(reply);
	return status;
}

/* dns_lookup_addr - A and AAAA records */

int
dns_lookup_addr(const char *name, int families, DNS_RR **list, STRBUF *why)
{
	static const struct {
		int	family_bit;
		unsigned type;
	} kinds[] = {
		{1, DNS_T_A},
		{2, DNS_T_AAAA},
	};
	STRBUF *tmp = strbuf_create(100);
	DNS_RR **tail = list;
	DNS_RR *rr;
	int	found = 0, retry = 0, inval = 0;
	size_t	i;

	*list = NULL;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if ((families & kinds[i].family_bit) == 0)
			continue;
		switch (dns_lookup(name, kinds[i].type, DNS_F_NONE, &rr, tmp)) {
		case DNS_OK:
			*tail = rr;
			while (*tail)
				tail = &(*tail)->next;
			found = 1;
			break;
		case DNS_RETRY:
			retry = 1;
			if (why)
				strbuf_set(why, strbuf_str(tmp));
			break;
		case DNS_INVAL:
			if (why && !retry)
				strbuf_set(why, strbuf_str(tmp));
			inval = 1;
			break;
		default:
			if (why && !retry && !inval)
				strbuf_set(why, strbuf_str(tmp));
			break;
		}
	}
	strbuf_free(&tmp);
	if (found)
		return DNS_OK;
	if (retry)
		return DNS_RETRY;
	if (inval)
		return DNS_INVAL;
	if (why && (families & 3) == 0)
		dns_why(why, name, DNS_T_A, "No address family enabled");
	return DNS_NOTFOUND;
}

/* dns_rbl_name - reversed query name */

void
dns_rbl_name(const INET_ADDR *addr, const char *zone, STRBUF *out)
{
	static const char hexdig[] = "0123456789abcdef";
	int	i;

	strbuf_reset(out);
	if (addr->family == AF_INET6) {
		for (i = 15; i >= 0; i--)
			strbuf_append_printf(out, "%c.%c.",
					     hexdig[addr->bytes[i] & 0xf],
					     hexdig[addr->bytes[i] >> 4]);
	} else {
		for (i = 3; i >= 0; i--)
			strbuf_append_printf(out, "%u.", addr->bytes[i]);
	}
	strbuf_append_str(out, zone);
}

/* dns_lookup_ptr - PTR records of an address */

int
dns_lookup_ptr(const INET_ADDR *addr, DNS_RR **list, STRBUF *why)
{
	STRBUF *name = strbuf_create(80);
	int	status;

	dns_rbl_name(addr, addr->family == AF_INET6 ? "ip6.arpa" :
		     "in-addr.arpa", name);
	status = dns_lookup(strbuf_str(name), DNS_T_PTR, DNS_F_NONE, list, why);
	strbuf_free(&name);
	return status;
}

/* dns_type_name - printable type */

const char *
dns_type_name(unsigned type)
{
	static char other[20];

	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_NS:
		return "NS";
	case DNS_T_CNAME:
		return "CNAME";
	case DNS_T_PTR:
		return "PTR";
	case DNS_T_MX:
		return "MX";
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_AAAA:
		return "AAAA";
	default:
		snprintf(other, sizeof(other), "TYPE%u", type);
		return other;
	}
}
