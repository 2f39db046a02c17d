/*
 * cidr_match.c - match host addresses against network/prefix patterns
 *
 * The pattern is parsed once into network bytes and mask bytes, so a
 * match is a masked byte compare. Error texts follow the ones Postfix
 * logs for cidr tables and match lists, because administrators search
 * for them.
 */

#include "sysdeps.h"

#include <ctype.h>

#include "cidr_match.h"
#include "inet_addr.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* cidr_match_make_mask - prefix ones, then zeros */

static void
cidr_match_make_mask(unsigned char *mask, int nbytes, int prefix)
{
	int i;

	for (i = 0; i < nbytes; i++, prefix -= 8) {
		if (prefix >= 8)
			mask[i] = 0xff;
		else if (prefix <= 0)
			mask[i] = 0;
		else
			mask[i] = (unsigned char) (0xff << (8 - prefix));
	}
}

/* cidr_match_parse - parse a network/prefix pattern */

int
cidr_match_parse(CIDR_MATCH *cm, const char *pattern, STRBUF *why)
{
	char *copy = xstrdup(pattern);
	char *addr = copy;
	char *len_text = NULL;
	char *cp;
	long prefix;
	int nbytes;
	int i;
	int status = -1;

	/*
	 * Brackets are optional around the address, and may enclose the
	 * prefix length too: "[addr]/len" and "[addr/len]".
	 */
	if (*addr == '[') {
		addr++;
		if ((cp = strchr(addr, ']')) == NULL) {
			if (why)
				strbuf_printf(
				    why, "missing ']' character after \"[%s\"",
				    addr);
			goto out;
		}
		*cp++ = 0;
		if (*cp == '/') {
			len_text = cp + 1;
		} else if (*cp != 0) {
			if (why)
				strbuf_printf(why, "garbage after \"[%s]\"",
					      addr);
			goto out;
		}
	}
	if (len_text == NULL && (cp = strchr(addr, '/')) != NULL) {
		*cp = 0;
		len_text = cp + 1;
	}
	memset(cm, 0, sizeof(*cm));
	if (len_text != NULL) {
		if (inet_addr_pton(addr, &cm->net) < 0 ||
		    !isdigit((unsigned char) *len_text) ||
		    parse_long(len_text, &prefix, 0,
			       INET_ADDR_BITS(&cm->net))) {
			if (why)
				strbuf_printf(why,
					      "bad net/mask pattern: \"%s/%s\"",
					      addr, len_text);
			goto out;
		}
	} else {
		if (inet_addr_pton(addr, &cm->net) < 0) {
			if (why)
				strbuf_printf(
				    why, "bad address pattern: \"%s\"", addr);
			goto out;
		}
		prefix = INET_ADDR_BITS(&cm->net);
	}
	cm->prefix = (int) prefix;
	nbytes = INET_ADDR_LEN(&cm->net);
	cidr_match_make_mask(cm->mask, nbytes, cm->prefix);
	for (i = 0; i < nbytes; i++) {
		if (cm->net.bytes[i] & ~cm->mask[i]) {
			if (why) {
				STRBUF *fix = strbuf_create(50);

				for (; i < nbytes; i++)
					cm->net.bytes[i] &= cm->mask[i];
				cidr_match_format(cm, fix);
				strbuf_printf(
				    why,
				    "non-null host address bits in "
				    "\"%s/%s\", perhaps you should use "
				    "\"%s\" instead",
				    addr, len_text, strbuf_str(fix));
				strbuf_free(&fix);
			}
			goto out;
		}
	}
	status = 0;

out:
	xfree(copy);
	return status;
}

/* cidr_match_addr - is the address inside the block */

int
cidr_match_addr(const CIDR_MATCH *cm, const INET_ADDR *addr)
{
	const unsigned char *bytes = addr->bytes;
	int nbytes;
	int i;

	if (addr->family != cm->net.family) {
		/* Postfix smtpd presents ::ffff:a.b.c.d clients as a.b.c.d. */
		if (cm->net.family == AF_INET && inet_addr_is_v4mapped(addr))
			bytes += 12;
		else
			return 0;
	}
	nbytes = INET_ADDR_LEN(&cm->net);
	for (i = 0; i < nbytes; i++)
		if ((bytes[i] & cm->mask[i]) != cm->net.bytes[i])
			return 0;
	return 1;
}

/* cidr_match_str - match an address string */

int
cidr_match_str(const CIDR_MATCH *cm, const char *str)
{
	INET_ADDR addr;

	if (inet_addr_pton(str, &addr) < 0)
		return 0;
	return cidr_match_addr(cm, &addr);
}

/* cidr_match_format - canonical net/prefix text */

void
cidr_match_format(const CIDR_MATCH *cm, STRBUF *out)
{
	INET_ADDR_STR buf;

	strbuf_append_printf(out, "%s/%d", inet_addr_ntop(&cm->net, &buf),
			     cm->prefix);
}
