/*
 * cleanup_masq.c - address masquerading (masquerade_domains)
 *
 * "user@host.sub.example.com" becomes "user@example.com" when
 * example.com is in masquerade_domains. The list is tried in order and
 * the first entry that decides wins: an entry equal to the address
 * domain stops the search with no change, an entry that is a proper
 * parent domain rewrites to itself, or, when written "!domain", stops
 * the search with no change (ADDRESS_REWRITING_README: put the "!"
 * exceptions before the parent domain they carve out). Local parts in
 * masquerade_exceptions are never masqueraded.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "strbuf.h"
#include "stringops.h"
#include "rewrite_addr.h"	/* global */
#include "cleanup.h"

/* cleanup_masq_domain - the domain to masquerade domain as, or NULL */

const char *
cleanup_masq_domain(const ARGV *masq, const char *domain)
{
	size_t	domain_len = strlen(domain);
	size_t	i;

	for (i = 0; i < masq->argc; i++) {
		const char *name = masq->argv[i];
		int     truncate = (*name != '!');
		size_t	len;

		name += !truncate;
		if ((len = strlen(name)) == 0)
			continue;
		if (len == domain_len) {
			if (strcasecmp(name, domain) == 0)
				return NULL;
		} else if (len < domain_len) {
			const char *parent = domain + domain_len - len;

			if (parent[-1] == '.' && strcasecmp(name, parent) == 0)
				return truncate ? name : NULL;
		}
	}
	return NULL;
}

/* cleanup_masq_addr - masquerade an internal address; 1 when changed */

int
cleanup_masq_addr(const ARGV *masq, const ARGV *exceptions, STRBUF *addr)
{
	ssize_t	at = rewrite_addr_split(strbuf_str(addr));
	const char *domain;
	STRBUF *local;
	size_t	i;
	int     except = 0;

	if (at < 0 || masq->argc == 0)
		return 0;
	if (exceptions != NULL && exceptions->argc > 0) {
		/* Postfix compares the local part without case. */
		local = strbuf_create(64);
		strbuf_set_mem(local, strbuf_str(addr), (size_t) at);
		for (i = 0; i < exceptions->argc && !except; i++)
			except = strcasecmp(exceptions->argv[i],
					    strbuf_str(local)) == 0;
		strbuf_free(&local);
		if (except)
			return 0;
	}
	domain = cleanup_masq_domain(masq, strbuf_str(addr) + at + 1);
	if (domain == NULL)
		return 0;
	strbuf_truncate(addr, (size_t) at + 1);
	strbuf_append_str(addr, domain);
	return 1;
}
