/*
 * cleanup_map.c - canonical and virtual alias address mapping
 *
 * Only for clients that set CLEANUP_FLAG_MAP_OK (pickup and smtpd do;
 * bounces and forwarded mail do not). An envelope sender goes through
 * sender_canonical_maps, canonical_maps and masquerading; an envelope
 * recipient through recipient_canonical_maps, canonical_maps,
 * masquerading and then virtual_alias_maps, which may turn it into
 * many recipients. Header addresses get the canonical and masquerade
 * steps of their class (header_sender, header_recipient). Each step
 * is enabled per class by its *_classes parameter.
 *
 * A table is searched (addr_map.h) in the order of canonical(5) and
 * virtual(5): user+ext@domain, user@domain, then, when the domain is
 * $myorigin or a local domain ($mydestination, $inet_interfaces,
 * $proxy_interfaces, asked of trivial-rewrite), user+ext and user,
 * and last @domain.
 * Only the first key goes to pattern tables. When a key without the
 * extension matched, the extension is put back into the result if
 * propagate_unmatched_extensions says so. A table that cannot answer
 * defers the message (CLEANUP_STAT_DEFER): an address is never passed
 * on half rewritten.
 *
 * Tables are opened at the first message that needs them; a table
 * that cannot be opened answers every lookup with "try again later".
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "strbuf.h"
#include "stringops.h"
#include "addr_map.h"		/* global */
#include "addr_parse.h"
#include "cleanup_clnt.h"
#include "header_parse.h"
#include "map.h"
#include "params_cleanup.h"
#include "params_global.h"
#include "params_rewrite.h"
#include "rewrite_clnt.h"
#include "cleanup.h"

/* Address classes (canonical_classes, masquerade_classes). */
#define CLEANUP_CLASS_ENV_FROM	(1 << 0)
#define CLEANUP_CLASS_ENV_RCPT	(1 << 1)
#define CLEANUP_CLASS_HDR_FROM	(1 << 2)
#define CLEANUP_CLASS_HDR_RCPT	(1 << 3)

/* propagate_unmatched_extensions */
#define CLEANUP_EXT_CANONICAL	(1 << 0)
#define CLEANUP_EXT_VIRTUAL	(1 << 1)

/* Canonical mappings are followed this deep (Postfix: 10). */
#define CLEANUP_CANON_DEPTH	10

/* A set of tables named by one parameter. */
typedef struct CLEANUP_MAPS {
	const char *title;		/* the parameter name */
	MAP   **maps;			/* NULL entries could not be opened */
	size_t	count;
} CLEANUP_MAPS;

static int cleanup_map_ready;
static CLEANUP_MAPS cleanup_send_canon = {.title = "sender_canonical_maps"};
static CLEANUP_MAPS cleanup_rcpt_canon = {.title = "recipient_canonical_maps"};
static CLEANUP_MAPS cleanup_comm_canon = {.title = "canonical_maps"};
static CLEANUP_MAPS cleanup_virt_alias = {.title = "virtual_alias_maps"};
static int cleanup_send_canon_flags;
static int cleanup_rcpt_canon_flags;
static int cleanup_comm_canon_flags;
static int cleanup_masq_flags;
static int cleanup_ext_prop;
static ARGV *cleanup_masq_domains;
static ARGV *cleanup_masq_exceptions;

/* cleanup_map_fold - the been-here key: addresses compare without case */

static char *
cleanup_map_fold(STRBUF *buf, const char *addr)
{
	strbuf_set(buf, addr);
	return str_lower(strbuf_str(buf));
}

/*
 * cleanup_map_expand - virtual alias expansion of one address
 *
 * Each address of the list is looked up again and again until it is
 * not found or maps to itself (an address may expand into itself once,
 * virtual(5)), at most recursion_limit times; the list may not grow
 * beyond expansion_limit addresses, and no result may be longer than
 * length_limit. Returns CLEANUP_EXPAND_OK with the final list in out,
 * or an error code (out then holds what was expanded so far).
 */

int
cleanup_map_expand(const char *addr, CLEANUP_MAP1N_FN lookup, void *context,
		   const CLEANUP_LIMITS *limits, ARGV *out)
{
	NAMETAB *been_here = nametab_create(16);
	STRBUF *fold = strbuf_create(100);
	ARGV   *result = argv_create();
	char   *lhs;
	size_t	arg, i;
	int     count;
	int     ret = CLEANUP_EXPAND_OK;
	int     stat;

	argv_truncate(out, 0);
	argv_add(out, addr);
	for (arg = 0; arg < out->argc && ret == CLEANUP_EXPAND_OK; arg++) {
		if ((int) out->argc > limits->expansion) {
			ret = CLEANUP_EXPAND_SIZE;
			break;
		}
		for (count = 0; /* void */ ; count++) {
			if (nametab_exists(been_here,
					   cleanup_map_fold(fold,
							    out->argv[arg])))
				break;
			if (count >= limits->recursion) {
				ret = CLEANUP_EXPAND_NESTING;
				break;
			}
			stat = lookup(context, out->argv[arg], result);
			if (stat == MAP_RETRY) {
				ret = CLEANUP_EXPAND_RETRY;
				break;
			}
			if (stat != MAP_FOUND || result->argc == 0)
				break;
			lhs = xstrdup(out->argv[arg]);
			for (i = 0; i < result->argc; i++) {
				if ((int) strlen(result->argv[i])
				    > limits->length) {
					ret = CLEANUP_EXPAND_LENGTH;
					break;
				}
				if (i == 0) {
					free(out->argv[arg]);
					out->argv[arg] = xstrdup(result->argv[0]);
				} else {
					argv_add(out, result->argv[i]);
				}
				if (strcasecmp(lhs, result->argv[i]) == 0)
					(void) nametab_enter(been_here,
						cleanup_map_fold(fold, lhs), NULL);
			}
			free(lhs);
			if (ret != CLEANUP_EXPAND_OK)
				break;
		}
	}
	if (ret == CLEANUP_EXPAND_OK && (int) out->argc > limits->expansion)
		ret = CLEANUP_EXPAND_SIZE;
	nametab_free(&been_here, NULL);
	strbuf_free(&fold);
	argv_free(&result);
	return ret;
}

/* cleanup_map_mask - a class list into bits; fatal for unknown names */

static int
cleanup_map_mask(const char *param, const char *value,
		 const char *const *names)
{
	ARGV   *words = argv_split(value, ", \t\r\n");
	int     mask = 0;
	size_t	i;
	int     n;

	for (i = 0; i < words->argc; i++) {
		for (n = 0; names[n]; n++)
			if (strcasecmp(words->argv[i], names[n]) == 0)
				break;
		if (names[n] == NULL)
			log_fatal("invalid %s value: \"%s\"", param,
				  words->argv[i]);
		mask |= 1 << n;
	}
	argv_free(&words);
	return mask;
}

/* cleanup_map_open - open the tables of one parameter */

static void
cleanup_map_open(CLEANUP_MAPS *maps, const char *value)
{
	ARGV   *specs = map_split_specs("cleanup", value);
	STRBUF *why = strbuf_create(100);
	size_t	i;

	maps->count = specs->argc;
	maps->maps = xcalloc(specs->argc + 1, sizeof(*maps->maps));
	for (i = 0; i < specs->argc; i++) {
		maps->maps[i] = map_open(specs->argv[i], O_RDONLY,
					 MAP_F_FOLD_FIX, why);
		if (maps->maps[i] == NULL)
			log_warn("%s: %s", maps->title, strbuf_str(why));
	}
	argv_free(&specs);
	strbuf_free(&why);
}

/* cleanup_map_init - read the parameters and open tables, once */

void
cleanup_map_init(void)
{
	static const char *const classes[] = {
		"envelope_sender", "envelope_recipient", "header_sender",
		"header_recipient", NULL,
	};
	static const char *const ext_names[] = {
		"canonical", "virtual", "alias", "forward", "include",
		"generic", NULL,
	};

	if (cleanup_map_ready)
		return;
	cleanup_map_ready = 1;
	cleanup_map_open(&cleanup_send_canon, var_sender_canonical_maps);
	cleanup_map_open(&cleanup_rcpt_canon, var_recipient_canonical_maps);
	cleanup_map_open(&cleanup_comm_canon, var_canonical_maps);
	cleanup_map_open(&cleanup_virt_alias, var_virtual_alias_maps);
	cleanup_send_canon_flags = cleanup_map_mask("sender_canonical_classes",
				       var_sender_canonical_classes, classes);
	cleanup_rcpt_canon_flags =
		cleanup_map_mask("recipient_canonical_classes",
				 var_recipient_canonical_classes, classes);
	cleanup_comm_canon_flags = cleanup_map_mask("canonical_classes",
					      var_canonical_classes, classes);
	cleanup_masq_flags = cleanup_map_mask("masquerade_classes",
					      var_masquerade_classes, classes);
	cleanup_ext_prop = cleanup_map_mask("propagate_unmatched_extensions",
			      var_propagate_unmatched_extensions, ext_names);
	cleanup_masq_domains = argv_split(var_masquerade_domains,
					  ", \t\r\n");
	cleanup_masq_exceptions = argv_split(var_masquerade_exceptions,
					     ", \t\r\n");
}

/* cleanup_map_lookup - one key in every table of a set */

static int
cleanup_map_lookup(void *context, const char *key, int partial,
		   STRBUF *value)
{
	CLEANUP_MAPS *maps = context;
	size_t	i;
	int     ret;

	for (i = 0; i < maps->count; i++) {
		if (maps->maps[i] == NULL) {
			log_warn("%s lookup error for \"%s\"", maps->title, key);
			return MAP_RETRY;
		}
		/* Partial keys are for fixed tables only, as in Postfix. */
		if (partial && (maps->maps[i]->flags & MAP_F_PATTERN))
			continue;
		ret = map_lookup(maps->maps[i], key, value);
		if (ret == MAP_RETRY) {
			log_warn("%s:%s lookup error for \"%s\"",
				 maps->maps[i]->type, maps->maps[i]->name, key);
			return MAP_RETRY;
		}
		if (ret == MAP_FOUND)
			return MAP_FOUND;
	}
	return MAP_NOTFOUND;
}

/* cleanup_map_is_local - $myorigin or a local domain: 1, 0, -1 */

static int
cleanup_map_is_local(void *context, const char *domain)
{
	RESOLVE_REPLY reply;
	STRBUF *probe;
	int     ret;

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

/*
 * cleanup_map_addr_maps - the addresses one set of tables gives addr,
 * each in canonical form; MAP_FOUND, MAP_NOTFOUND or MAP_RETRY
 */

static int
cleanup_map_addr_maps(CLEANUP_MAPS *maps, const char *addr, int propagate,
		      ARGV *out)
{
	ADDR_MAP_FIND find;
	STRBUF *value = strbuf_create(100);
	STRBUF *ext = strbuf_create(20);
	STRBUF *canon = strbuf_create(100);
	size_t	i;
	int     ret;

	find.lookup = cleanup_map_lookup;
	find.is_local = cleanup_map_is_local;
	find.context = maps;
	find.delimiters = var_recipient_delimiter;
	argv_truncate(out, 0);
	ret = addr_map_find(&find, addr, value, ext);
	if (ret == MAP_FOUND) {
		addr_map_crunch(addr, strbuf_str(value),
				   propagate && strbuf_len(ext) ?
				   strbuf_str(ext) : NULL, out);
		for (i = 0; i < out->argc && ret == MAP_FOUND; i++) {
			if (rewrite_clnt(REWRITE_LOCAL, out->argv[i], canon) < 0)
				ret = MAP_RETRY;
			free(out->argv[i]);
			out->argv[i] = xstrdup(strbuf_str(canon));
		}
		if (ret == MAP_FOUND && out->argc == 0)
			ret = MAP_NOTFOUND;
	}
	strbuf_free(&value);
	strbuf_free(&ext);
	strbuf_free(&canon);
	return ret;
}

/* cleanup_map_defer - a table failed: the message waits */

static void
cleanup_map_defer(CLEANUP_STATE *state, const char *title, const char *addr)
{
	log_warn("%s: %s map lookup problem for %s -- "
		 "message not accepted, try again later",
		 strbuf_str(state->queue_id), title, addr);
	cleanup_error(state, CLEANUP_STAT_DEFER,
		      "4.6.0 Error: %s map lookup problem", title);
}

/* cleanup_map11 - one-to-one mapping of addr in place; -1 on failure */

static int
cleanup_map11(CLEANUP_STATE *state, CLEANUP_MAPS *maps, STRBUF *addr)
{
	ARGV   *out = argv_create();
	int     depth;
	int     ret = 0;
	int     stat;

	for (depth = 0; depth < CLEANUP_CANON_DEPTH; depth++) {
		stat = cleanup_map_addr_maps(maps, strbuf_str(addr),
				     cleanup_ext_prop & CLEANUP_EXT_CANONICAL,
					     out);
		if (stat == MAP_RETRY) {
			cleanup_map_defer(state, maps->title, strbuf_str(addr));
			ret = -1;
			break;
		}
		if (stat == MAP_NOTFOUND)
			break;
		if (out->argc > 1)
			log_warn("%s: multi-valued %s entry for %s",
				 strbuf_str(state->queue_id), maps->title,
				 strbuf_str(addr));
		if (strcasecmp(out->argv[0], strbuf_str(addr)) == 0)
			break;
		strbuf_set(addr, out->argv[0]);
	}
	if (depth == CLEANUP_CANON_DEPTH)
		log_warn("%s: unreasonable %s map nesting for %s",
			 strbuf_str(state->queue_id), maps->title,
			 strbuf_str(addr));
	argv_free(&out);
	return ret;
}

/* cleanup_map_class - canonical mapping and masquerading for a class */

static int
cleanup_map_class(CLEANUP_STATE *state, int class, STRBUF *addr)
{
	CLEANUP_MAPS *first;
	int     first_flags;

	if (*strbuf_str(addr) == 0)
		return 0;			/* the null sender */
	cleanup_map_init();
	if (class & (CLEANUP_CLASS_ENV_FROM | CLEANUP_CLASS_HDR_FROM)) {
		first = &cleanup_send_canon;
		first_flags = cleanup_send_canon_flags;
	} else {
		first = &cleanup_rcpt_canon;
		first_flags = cleanup_rcpt_canon_flags;
	}
	if (first->count && (first_flags & class)
	    && cleanup_map11(state, first, addr) < 0)
		return -1;
	if (cleanup_comm_canon.count && (cleanup_comm_canon_flags & class)
	    && cleanup_map11(state, &cleanup_comm_canon, addr) < 0)
		return -1;
	if (cleanup_masq_domains->argc && (cleanup_masq_flags & class))
		(void) cleanup_masq_addr(cleanup_masq_domains,
					 cleanup_masq_exceptions, addr);
	return 0;
}

/* cleanup_map_sender - map the canonical envelope sender in place */

int
cleanup_map_sender(CLEANUP_STATE *state, STRBUF *addr)
{
	if ((state->flags & CLEANUP_FLAG_MAP_OK) == 0)
		return 0;
	return cleanup_map_class(state, CLEANUP_CLASS_ENV_FROM, addr);
}

/* cleanup_map_virtual - the virtual_alias_maps lookup for expand */

static int
cleanup_map_virtual(void *context, const char *addr, ARGV *result)
{
	(void) context;
	return cleanup_map_addr_maps(&cleanup_virt_alias, addr,
				     cleanup_ext_prop & CLEANUP_EXT_VIRTUAL,
				     result);
}

/*
 * cleanup_map_recipient - the final recipients of one canonical
 * envelope recipient; -1 (message deferred) on failure
 */

int
cleanup_map_recipient(CLEANUP_STATE *state, const char *canon, ARGV *out)
{
	STRBUF *addr = strbuf_create(100);
	CLEANUP_LIMITS limits;
	int     ret = 0;

	argv_truncate(out, 0);
	if ((state->flags & CLEANUP_FLAG_MAP_OK) == 0) {
		argv_add(out, canon);
		strbuf_free(&addr);
		return 0;
	}
	strbuf_set(addr, canon);
	if (cleanup_map_class(state, CLEANUP_CLASS_ENV_RCPT, addr) < 0) {
		strbuf_free(&addr);
		return -1;
	}
	if (cleanup_virt_alias.count == 0) {
		argv_add(out, strbuf_str(addr));
		strbuf_free(&addr);
		return 0;
	}
	limits.recursion = var_virtual_alias_recursion_limit;
	limits.expansion = var_virtual_alias_expansion_limit;
	limits.length = var_virtual_alias_address_length_limit;
	switch (cleanup_map_expand(strbuf_str(addr), cleanup_map_virtual, NULL,
				   &limits, out)) {
	case CLEANUP_EXPAND_OK:
		break;
	case CLEANUP_EXPAND_RETRY:
		cleanup_map_defer(state, cleanup_virt_alias.title,
				  strbuf_str(addr));
		ret = -1;
		break;
	case CLEANUP_EXPAND_NESTING:
		log_warn("%s: unreasonable %s map nesting for %s -- "
			 "message not accepted", strbuf_str(state->queue_id),
			 cleanup_virt_alias.title, strbuf_str(addr));
		cleanup_error(state, CLEANUP_STAT_DEFER,
			      "4.6.0 Alias expansion error");
		ret = -1;
		break;
	case CLEANUP_EXPAND_SIZE:
		log_warn("%s: unreasonable %s map expansion size for %s -- "
			 "message not accepted", strbuf_str(state->queue_id),
			 cleanup_virt_alias.title, strbuf_str(addr));
		cleanup_error(state, CLEANUP_STAT_DEFER,
			      "4.6.0 Alias expansion error");
		ret = -1;
		break;
	default:
		log_warn("%s: unreasonable %s result length for %s -- "
			 "message not accepted", strbuf_str(state->queue_id),
			 cleanup_virt_alias.title, strbuf_str(addr));
		cleanup_error(state, CLEANUP_STAT_DEFER,
			      "4.6.0 Alias expansion error");
		ret = -1;
		break;
	}
	strbuf_free(&addr);
	return ret;
}

/*
 * cleanup_map_header - canonical form (cleanup_rwr.c), canonical
 * mapping and masquerading of the
 * addresses in a sender or recipient header, in place. The header is
 * left exactly as it was unless an address changed. Returns 0, or -1
 * (message deferred) on failure.
 */

int
cleanup_map_header(CLEANUP_STATE *state, int hdr_flags, STRBUF *header)
{
	STRBUF *value;
	STRBUF *addr;
	STRBUF *text;
	ADDR_LIST *list;
	ARGV   *addrs;
	size_t	name_len, value_off, i;
	int     class;
	int     changed = 0;
	int     ret = 0;
	const char *context;

	if (hdr_flags & HDR_F_TRACE)
		return 0;
	/* Canonical form per local_header_rewrite_clients, then mapping. */
	context = cleanup_rwr_context(state);
	if (context == NULL && (state->flags & CLEANUP_FLAG_MAP_OK) == 0)
		return 0;
	if (hdr_flags & HDR_F_SENDER)
		class = CLEANUP_CLASS_HDR_FROM;
	else if (hdr_flags & HDR_F_RECIPIENT)
		class = CLEANUP_CLASS_HDR_RCPT;
	else
		return 0;
	cleanup_map_init();
	name_len = header_name_len(strbuf_str(header), strbuf_len(header),
				   &value_off);
	if (name_len == 0)
		return 0;
	value = strbuf_create(100);
	addr = strbuf_create(100);
	addrs = argv_create();
	header_unfold(value, strbuf_str(header) + value_off);
	list = addr_parse_list(strbuf_str(value));
	for (i = 0; i < list->count && ret == 0; i++) {
		strbuf_set(addr, list->items[i].addr);
		if (context != NULL && *list->items[i].addr
		    && rewrite_clnt(context, list->items[i].addr, addr) < 0) {
			cleanup_error(state, CLEANUP_STAT_DEFER,
				      "address rewriting service unavailable");
			ret = -1;
		} else if ((state->flags & CLEANUP_FLAG_MAP_OK)
			   && cleanup_map_class(state, class, addr) < 0)
			ret = -1;
		if (strcmp(strbuf_str(addr), list->items[i].addr) != 0)
			changed = 1;
		argv_add(addrs, strbuf_str(addr));
	}
	if (ret == 0 && changed) {
		text = strbuf_create(100);
		strbuf_set_mem(text, strbuf_str(header), name_len);
		strbuf_append_str(text, ": ");
		addr_map_format_list(text, list, addrs);
		strbuf_reset(header);
		header_fold(header, strbuf_str(text), 78);
		strbuf_free(&text);
	}
	addr_list_free(&list);
	argv_free(&addrs);
	strbuf_free(&value);
	strbuf_free(&addr);
	return ret;
}
