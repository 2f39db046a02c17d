/*
 * smtp_generic.c - smtp_generic_maps / lmtp_generic_maps: addresses on output
 *
 * The opposite of canonical mapping: as mail leaves, the envelope
 * sender, the envelope recipients and the addresses in the sender and
 * recipient headers of the primary message header (From:, To:, Cc:,
 * Reply-To:, Sender:, the Resent-* family and friends) are replaced per
 * the tables, searched in canonical(5) order (addr_map.h): user@domain,
 * then user when the domain is $myorigin or local (trivial-rewrite
 * decides), then @domain; with recipient_delimiter, user+ext@domain
 * before user@domain. One lookup per address, no recursion, and the
 * unmatched extension is not put back (propagate_unmatched_extensions
 * lists "generic" off by default; this client does not read it). A
 * header is re-emitted, refolded, only when an address in it changed.
 *
 * A table that cannot answer (or could not be opened) makes the
 * caller defer the mail: an address is never sent half mapped.
 *
 * Tables are opened in pre_jail (smtp_generic_init()).
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "addr_map.h"		/* global */
#include "addr_parse.h"
#include "header_parse.h"
#include "map.h"
#include "params_global.h"
#include "rewrite_clnt.h"
#include "smtp.h"

/* Folded header lines are kept within this width when rebuilt. */
#define SMTP_GENERIC_WIDTH	78

static MAP **smtp_generic_maps;
static size_t smtp_generic_nmaps;
static const char *smtp_generic_title;

/* smtp_generic_init - open the tables (pre_jail) */

void
smtp_generic_init(void)
{
	STRBUF *why;
	ARGV   *specs;
	size_t	i;

	smtp_generic_title = smtp_conf.lmtp ? "lmtp_generic_maps" :
		"smtp_generic_maps";
	if (smtp_conf.generic_maps == NULL || *smtp_conf.generic_maps == 0)
		return;
	why = strbuf_create(100);
	specs = map_split_specs(smtp_generic_title, smtp_conf.generic_maps);
	smtp_generic_maps = xcalloc(specs->argc + 1, sizeof(*smtp_generic_maps));
	for (i = 0; i < specs->argc; i++) {
		/* NULL: could not be opened; every lookup then fails. */
		smtp_generic_maps[i] = map_open(specs->argv[i], O_RDONLY,
						MAP_F_FOLD_FIX, why);
		if (smtp_generic_maps[i] == NULL)
			log_warn("%s: %s", smtp_generic_title, strbuf_str(why));
	}
	smtp_generic_nmaps = specs->argc;
	argv_free(&specs);
	strbuf_free(&why);
}

/* smtp_generic_enabled - are there tables? */

int
smtp_generic_enabled(void)
{
	return smtp_generic_nmaps > 0;
}

/* smtp_generic_lookup - one key in every table */

static int
smtp_generic_lookup(void *context, const char *key, int partial,
		    STRBUF *value)
{
	size_t	i;
	int	ret;

	(void) context;
	for (i = 0; i < smtp_generic_nmaps; i++) {
		MAP    *map = smtp_generic_maps[i];

		if (map == NULL) {
			log_warn("%s lookup error for \"%s\"", smtp_generic_title,
				 key);
			return MAP_RETRY;
		}
		/* Partial keys are for fixed tables only, as in Postfix. */
		if (partial && (map->flags & MAP_F_PATTERN))
			continue;
		ret = map_lookup(map, key, value);
		if (ret == MAP_RETRY) {
			log_warn("%s:%s lookup error for \"%s\"", map->type,
				 map->name, key);
			return MAP_RETRY;
		}
		if (ret == MAP_FOUND)
			return MAP_FOUND;
	}
	return MAP_NOTFOUND;
}

/* smtp_generic_is_local - $myorigin or a local domain: 1, 0, -1 */

static int
smtp_generic_is_local(void *context, const char *domain)
{
	RESOLVE_REPLY reply;
	STRBUF *probe;
	int	ret;

	(void) context;
	if (strcasecmp(domain, var_myorigin) == 0)
		return 1;
	probe = strbuf_create(100);
	strbuf_printf(probe, "postmaster@%s", domain);
	resolve_reply_init(&reply);
	if (resolve_clnt(strbuf_str(probe), &reply) < 0
	    || (reply.flags & RESOLVE_FLAG_FAIL))
		ret = -1;
	else
		ret = (reply.flags & RESOLVE_CLASS_FLAG_LOCAL) != 0;
	resolve_reply_free(&reply);
	strbuf_free(&probe);
	return ret;
}

/* smtp_generic_addr - map one internal-form address in place */

int
smtp_generic_addr(STRBUF *addr)
{
	ADDR_MAP_FIND find;
	STRBUF *value;
	STRBUF *ext;
	ARGV   *out;
	int	ret;

	if (smtp_generic_nmaps == 0 || strbuf_len(addr) == 0)
		return 0;
	find.lookup = smtp_generic_lookup;
	find.is_local = smtp_generic_is_local;
	find.context = NULL;
	find.delimiters = var_recipient_delimiter;
	value = strbuf_create(100);
	ext = strbuf_create(20);
	out = argv_create();
	ret = addr_map_find(&find, strbuf_str(addr), value, ext);
	if (ret == MAP_FOUND) {
		addr_map_crunch(strbuf_str(addr), strbuf_str(value), NULL, out);
		if (out->argc > 1)
			log_warn("multi-valued %s entry for %s",
				 smtp_generic_title, strbuf_str(addr));
		if (out->argc > 0)
			strbuf_set(addr, out->argv[0]);
	} else if (ret == MAP_RETRY) {
		log_warn("%s map lookup problem for %s", smtp_generic_title,
			 strbuf_str(addr));
	}
	argv_free(&out);
	strbuf_free(&value);
	strbuf_free(&ext);
	return ret == MAP_RETRY ? -1 : 0;
}

/* smtp_generic_header - map the addresses of one header in place */

int
smtp_generic_header(STRBUF *header)
{
	const HEADER_INFO *info;
	ADDR_LIST *list;
	ARGV   *addrs;
	STRBUF *value;
	STRBUF *addr;
	STRBUF *text;
	size_t	name_len, value_off, i;
	int	changed = 0;
	int	ret = 0;

	if (smtp_generic_nmaps == 0)
		return 0;
	name_len = header_name_len(strbuf_str(header), strbuf_len(header),
				   &value_off);
	if (name_len == 0
	    || (info = header_info_find(strbuf_str(header), name_len)) == NULL
	    || (info->flags & (HDR_F_SENDER | HDR_F_RECIPIENT)) == 0)
		return 0;
	value = strbuf_create(100);
	addr = strbuf_create(100);
	addrs = argv_create();
	header_unfold(value, strbuf_str(header) + value_off);
	list = addr_parse_list(strbuf_str(value));
	for (i = 0; i < list->count && ret == 0; i++) {
		strbuf_set(addr, list->items[i].addr);
		if (smtp_generic_addr(addr) < 0)
			ret = -1;
		else if (strcmp(strbuf_str(addr), list->items[i].addr) != 0)
			changed = 1;
		argv_add(addrs, strbuf_str(addr));
	}
	if (ret == 0 && changed) {
		text = strbuf_create(100);
		strbuf_set_mem(text, strbuf_str(header), name_len);
		strbuf_append_str(text, ": ");
		addr_map_format_list(text, list, addrs);
		strbuf_reset(header);
		header_fold(header, strbuf_str(text), SMTP_GENERIC_WIDTH);
		strbuf_free(&text);
	}
	addr_list_free(&list);
	argv_free(&addrs);
	strbuf_free(&value);
	strbuf_free(&addr);
	return ret;
}
