/*
 * dns_parse_fuzz.c - libFuzzer target for the DNS reply parser
 *
 * The input is taken as a reply packet and parsed for each record type
 * the library knows, as an answer to a fixed name and to the name in
 * the packet's own question (so that answers can match it).
 *
 * Checks: a list comes only with DNS_OK and is never empty then;
 * every record has the type asked for, lower-case printable names
 * and, for MX, a list sorted by preference; the "why" text names the
 * query on failure.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <string.h>

#include "log.h"		/* util */
#include "strbuf.h"
#include "dns.h"		/* dns */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* check_name - lower case, printable, no final dot */

static void
check_name(const char *name)
{
	const char *p;

	check(name != NULL, "name present");
	for (p = name; *p; p++)
		check(*p > 0x20 && *p < 0x7f && !(*p >= 'A' && *p <= 'Z'),
		      "name printable lower case");
	check(p == name || p[-1] != '.', "no final dot");
}

/* question_name - the first question's name, uncompressed, or "" */

static void
question_name(const uint8_t *data, size_t size, STRBUF *out)
{
	size_t	off = 12;

	strbuf_reset(out);
	while (off < size && data[off] != 0 && data[off] < 64
	       && off + 1 + data[off] <= size) {
		if (strbuf_len(out))
			strbuf_append_char(out, '.');
		strbuf_append(out, data + off + 1, data[off]);
		off += 1 + data[off];
	}
	if (memchr(strbuf_str(out), 0, strbuf_len(out)))
		strbuf_reset(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned types[] = {
		DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR,
		DNS_T_NS, DNS_T_CNAME,
	};
	STRBUF *why = strbuf_create(100);
	STRBUF *qname = strbuf_create(100);
	const DNS_RR *rr;
	DNS_RR *list;
	size_t	i;
	int	pass;
	int	status;

	question_name(data, size, qname);
	for (pass = 0; pass < 2; pass++) {
		const char *name = pass ? strbuf_str(qname) : "example.com";

		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			strbuf_reset(why);
			status = dns_parse_reply(data, size, name, types[i],
						 &list, why);
			check(status >= DNS_OK && status <= DNS_INVAL, "status");
			if (status != DNS_OK) {
				check(list == NULL, "no list on failure");
				check(strstr(strbuf_str(why), "name=") != NULL,
				      "why names the query");
				continue;
			}
			check(list != NULL, "list on success");
			for (rr = list; rr; rr = rr->next) {
				check(rr->type == types[i], "type asked for");
				check_name(rr->rname);
				if (rr->type == DNS_T_A || rr->type == DNS_T_AAAA)
					check(rr->text == NULL, "no text");
				else
					check(rr->text != NULL, "text");
				if (rr->type != DNS_T_TXT && rr->text)
					check_name(rr->text);
				if (rr->type == DNS_T_MX && rr->next)
					check(rr->pref <= rr->next->pref, "sorted");
			}
			dns_rr_free(list);
		}
	}
	strbuf_free(&why);
	strbuf_free(&qname);
	return 0;
}
