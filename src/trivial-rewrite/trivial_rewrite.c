/*
 * trivial_rewrite.c - address rewriting and resolving service
 *
 * trivial-rewrite(8) answers two requests over the internal attribute
 * protocol (attr.h; clients use rewrite_clnt.h):
 *
 *	request=rewrite rule=local|remote address=A
 *		-> status=0 address=CANONICAL
 *	request=resolve address=A
 *		-> status=0 flags=N transport=T nexthop=H recipient=R
 *
 * The rules themselves are in src/global/rewrite_addr.c; this file
 * holds the configuration (domain lists, transport_maps,
 * relocated_maps) and the dispatch. It is a SERVICE_MULTI daemon: cleanup, qmgr and smtpd keep
 * connections open, so one process serves many clients.
 *
 * Security: runs as $mail_owner (master.cf may chroot it; tables are
 * opened before that). Requests come from other mail system processes
 * and are bounded by the attribute limits and $ipc_timeout; addresses
 * in them are untrusted text and are never used as file names.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <string.h>

#include "argv.h"		/* util */
#include "events.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "attr.h"		/* global */
#include "map.h"
#include "map_search.h"
#include "mynetworks.h"
#include "param.h"
#include "params_global.h"
#include "params_rewrite.h"
#include "rewrite_addr.h"
#include "rewrite_clnt.h"
#include "service.h"		/* master */
#include "trivial_rewrite.h"

/* Longest address we accept in a request. */
#define TR_ADDR_LIMIT	(64 * 1024)

static TR_DOMAINS *tr_mydestination;
static TR_DOMAINS *tr_virtual_alias;
static TR_DOMAINS *tr_virtual_mailbox;
static TR_DOMAINS *tr_relay;
static char *tr_interfaces;		/* inet_interfaces + proxy_interfaces */
static MAP **tr_transport;		/* transport_maps; NULL entry: failed */
static size_t tr_transport_count;
static MAP **tr_relocated;		/* relocated_maps; NULL entry: failed */
static size_t tr_relocated_count;

/* tr_is_local_literal - is [addr] one of our interface addresses? */

static int
tr_is_local_literal(const char *domain)
{
	return rewrite_addr_literal_local(domain, tr_interfaces);
}

/* tr_domain_class - address class of a lower-case domain; -1: retry */

static int
tr_domain_class(void *context, const char *domain)
{
	int	hit;

	(void) context;
	if ((hit = tr_domains_match(tr_mydestination, domain)) != 0)
		return hit > 0 ? RESOLVE_CLASS_LOCAL : -1;
	if (tr_is_local_literal(domain))
		return RESOLVE_CLASS_LOCAL;
	if ((hit = tr_domains_match(tr_virtual_alias, domain)) != 0)
		return hit > 0 ? RESOLVE_CLASS_ALIAS : -1;
	if ((hit = tr_domains_match(tr_virtual_mailbox, domain)) != 0)
		return hit > 0 ? RESOLVE_CLASS_VIRTUAL : -1;
	if ((hit = tr_domains_match(tr_relay, domain)) != 0)
		return hit > 0 ? RESOLVE_CLASS_RELAY : -1;
	return RESOLVE_CLASS_DEFAULT;
}

/* tr_transport_lookup - search transport_maps in order */

static int
tr_transport_lookup(void *context, const char *key, STRBUF *value)
{
	size_t	i;
	int	status;

	(void) context;
	for (i = 0; i < tr_transport_count; i++) {
		if (tr_transport[i] == NULL)
			return MAP_RETRY;
		status = map_lookup(tr_transport[i], key, value);
		if (status != MAP_NOTFOUND)
			return status;
	}
	return MAP_NOTFOUND;
}

/* tr_relocated_lookup - search relocated_maps in order */

static int
tr_relocated_lookup(void *context, const char *key, int partial,
		    STRBUF *value)
{
	size_t	i;
	int	status;

	(void) context;
	for (i = 0; i < tr_relocated_count; i++) {
		if (tr_relocated[i] == NULL)
			return MAP_RETRY;
		if (partial && (tr_relocated[i]->flags & MAP_F_PATTERN))
			continue;
		status = map_lookup(tr_relocated[i], key, value);
		if (status != MAP_NOTFOUND)
			return status;
	}
	return MAP_NOTFOUND;
}

/* tr_reply_status - a reply that carries only a status */

static int
tr_reply_status(IOSTREAM *client, int status)
{
	return attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, status),
			  ATTR_TYPE_END);
}

/* tr_rewrite - serve one rewrite request */

static int
tr_rewrite(IOSTREAM *client)
{
	STRBUF *rule = strbuf_create(20);
	STRBUF *addr = strbuf_create(100);
	STRBUF *result = strbuf_create(100);
	REWRITE_CONF conf;
	int	ret;

	strbuf_set_limit(rule, 100);
	strbuf_set_limit(addr, TR_ADDR_LIMIT);
	if (attr_scan(client, ATTR_FLAG_STRICT,
		      ATTR_RECV_STR(REWRITE_ATTR_RULE, rule),
		      ATTR_RECV_STR(REWRITE_ATTR_ADDR, addr),
		      ATTR_TYPE_END) != 2) {
		ret = -1;
	} else {
		conf.append_at_origin = var_append_at_myorigin;
		conf.append_dot_domain = var_append_dot_mydomain;
		conf.swap_bangpath = var_swap_bangpath;
		conf.percent_hack = var_allow_percent_hack;
		if (strcmp(strbuf_str(rule), REWRITE_LOCAL) == 0) {
			conf.origin = var_myorigin;
			conf.domain = var_mydomain;
		} else if (strcmp(strbuf_str(rule), REWRITE_REMOTE) == 0) {
			conf.origin = var_remote_header_rewrite_domain;
			conf.domain = var_remote_header_rewrite_domain;
		} else {
			log_warn("unknown rewrite rule set: %.100s",
				 strbuf_str(rule));
			conf.origin = NULL;
		}
		if (conf.origin == NULL) {
			ret = tr_reply_status(client, -1);
		} else {
			rewrite_addr(&conf, strbuf_str(addr), result);
			if (log_verbose)
				log_info("rewrite %s: %s -> %s", strbuf_str(rule),
					 strbuf_str(addr), strbuf_str(result));
			ret = attr_print(client, ATTR_FLAG_NONE,
					 ATTR_SEND_INT(ATTR_NAME_STATUS, 0),
					 ATTR_SEND_STR(REWRITE_ATTR_ADDR,
						       strbuf_str(result)),
					 ATTR_TYPE_END);
		}
	}
	strbuf_free(&rule);
	strbuf_free(&addr);
	strbuf_free(&result);
	return ret;
}

/* tr_resolve - serve one resolve request */

static int
tr_resolve(IOSTREAM *client)
{
	STRBUF *addr = strbuf_create(100);
	RESOLVE_REPLY reply;
	RESOLVE_CONF conf = {
		.myhostname = var_myhostname,
		.local_transport = var_local_transport,
		.virtual_transport = var_virtual_transport,
		.relay_transport = var_relay_transport,
		.default_transport = var_default_transport,
		.relayhost = var_relayhost,
		.recipient_delimiter = var_recipient_delimiter,
		.percent_hack = var_allow_percent_hack,
		.swap_bangpath = var_swap_bangpath,
		.domain_class = tr_domain_class,
		.transport_lookup = tr_transport_count ? tr_transport_lookup : 0,
		.relocated_lookup = tr_relocated_count ? tr_relocated_lookup : 0,
		.myorigin = var_myorigin,
		.null_domain = var_resolve_null_domain,
		.numeric_domain = var_resolve_numeric_domain,
		.dequoted = var_resolve_dequoted_address,
	};
	int	ret;

	strbuf_set_limit(addr, TR_ADDR_LIMIT);
	if (attr_scan(client, ATTR_FLAG_STRICT,
		      ATTR_RECV_STR(REWRITE_ATTR_ADDR, addr),
		      ATTR_TYPE_END) != 1) {
		strbuf_free(&addr);
		return -1;
	}
	resolve_reply_init(&reply);
	resolve_addr(&conf, strbuf_str(addr), &reply);
	if (log_verbose)
		log_info("resolve %s: %s %s %s %#x", strbuf_str(addr),
			 strbuf_str(reply.transport), strbuf_str(reply.nexthop),
			 strbuf_str(reply.recipient), (unsigned) reply.flags);
	ret = attr_print(client, ATTR_FLAG_NONE,
			 ATTR_SEND_INT(ATTR_NAME_STATUS, 0),
			 ATTR_SEND_INT(RESOLVE_ATTR_FLAGS, reply.flags),
			 ATTR_SEND_STR(RESOLVE_ATTR_TRANSPORT,
				       strbuf_str(reply.transport)),
			 ATTR_SEND_STR(RESOLVE_ATTR_NEXTHOP,
				       strbuf_str(reply.nexthop)),
			 ATTR_SEND_STR(RESOLVE_ATTR_RECIPIENT,
				       strbuf_str(reply.recipient)),
			 ATTR_TYPE_END);
	resolve_reply_free(&reply);
	strbuf_free(&addr);
	return ret;
}

/* tr_request - read and answer one request; -1 to disconnect */

static int
tr_request(IOSTREAM *client)
{
	STRBUF *req = strbuf_create(20);
	int	ret;

	strbuf_set_limit(req, 100);
	if (attr_scan(client, ATTR_FLAG_MORE | ATTR_FLAG_EXTRA,
		      ATTR_RECV_STR(ATTR_NAME_REQUEST, req),
		      ATTR_TYPE_END) != 1)
		ret = -1;
	else if (strcmp(strbuf_str(req), REWRITE_REQ_REWRITE) == 0)
		ret = tr_rewrite(client);
	else if (strcmp(strbuf_str(req), REWRITE_REQ_RESOLVE) == 0)
		ret = tr_resolve(client);
	else {
		log_warn("unknown request: \"%.100s\"", strbuf_str(req));
		ret = attr_scan(client, ATTR_FLAG_NONE, ATTR_TYPE_END) < 0 ? -1
			: tr_reply_status(client, -1);
	}
	strbuf_free(&req);
	return ret;
}

/* tr_event - a client is readable: serve what it has sent */

static void
tr_event(int event, void *context)
{
	IOSTREAM *client = context;

	(void) event;
	do {
		if (tr_request(client) < 0) {
			service_disconnect(client);
			return;
		}
	} while (iostream_read_pending(client) > 0);
}

/* tr_serve - a new client */

static void
tr_serve(IOSTREAM *client, const SERVICE *svc)
{
	(void) svc;
	event_enable_read(iostream_fileno(client), tr_event, client);
}

/*
 * tr_own_addresses - the interface addresses of inet_interfaces ("all":
 * every interface, from mynetworks_compute() with style host), then the
 * words of both lists as they are (proxy_interfaces addresses)
 */

static char *
tr_own_addresses(const char *inet, const char *proxy)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *out = strbuf_create(100);
	char   *blocks;
	char   *result;
	ARGV   *words;
	size_t	i;

	blocks = mynetworks_compute("host", inet, var_inet_protocols, why);
	if (blocks == NULL)
		log_warn("inet_interfaces: %s", strbuf_str(why));
	else {
		/* "1.2.3.4/32" and "[::1]/128" become bare addresses. */
		words = argv_split(blocks, " ");
		for (i = 0; i < words->argc; i++) {
			char   *w = words->argv[i];
			char   *end = strchr(w, '/');

			if (end)
				*end = 0;
			if (*w == '[') {
				w++;
				if ((end = strchr(w, ']')) != NULL)
					*end = 0;
			}
			strbuf_append_printf(out, "%s ", w);
		}
		argv_free(&words);
		free(blocks);
	}
	strbuf_append_printf(out, "%s %s", inet, proxy);
	strbuf_free(&why);
	result = strbuf_detach(out);
	strbuf_free(&out);
	return result;
}

/* tr_pre_jail - open the tables while we can still read them */

static void
tr_pre_jail(const SERVICE *svc)
{
	ARGV   *maps;
	STRBUF *why = strbuf_create(100);
	size_t	i;

	(void) svc;
	/* Subdomains match as parent_domain_matches_subdomains says. */
#define TR_PARENT(name) \
	map_search_parent_style(var_parent_domain_matches_subdomains, (name))
	tr_mydestination = tr_domains_create("mydestination", var_mydestination,
					     TR_PARENT("mydestination"));
	tr_virtual_alias = tr_domains_create("virtual_alias_domains",
					     var_virtual_alias_domains,
					     TR_PARENT("virtual_alias_domains"));
	tr_virtual_mailbox = tr_domains_create("virtual_mailbox_domains",
					       var_virtual_mailbox_domains,
					   TR_PARENT("virtual_mailbox_domains"));
	tr_relay = tr_domains_create("relay_domains", var_relay_domains,
				     TR_PARENT("relay_domains"));
	tr_interfaces = tr_own_addresses(var_inet_interfaces,
					 var_proxy_interfaces);

	if ((maps = argv_split_q(var_transport_maps, ", \t\r\n", "{}",
				 why)) == NULL)
		log_fatal("transport_maps: %s", strbuf_str(why));
	tr_transport_count = maps->argc;
	tr_transport = xcalloc(maps->argc + 1, sizeof(*tr_transport));
	for (i = 0; i < maps->argc; i++) {
		tr_transport[i] = map_open(maps->argv[i], O_RDONLY,
					   MAP_F_FOLD_FIX | MAP_F_FOLD_MUL, why);
		if (tr_transport[i] == NULL)
			log_warn("transport_maps: %s", strbuf_str(why));
	}
	argv_free(&maps);

	if ((maps = argv_split_q(var_relocated_maps, ", \t\r\n", "{}",
				 why)) == NULL)
		log_fatal("relocated_maps: %s", strbuf_str(why));
	tr_relocated_count = maps->argc;
	tr_relocated = xcalloc(maps->argc + 1, sizeof(*tr_relocated));
	for (i = 0; i < maps->argc; i++) {
		tr_relocated[i] = map_open(maps->argv[i], O_RDONLY,
					   MAP_F_FOLD_FIX, why);
		if (tr_relocated[i] == NULL)
			log_warn("relocated_maps: %s", strbuf_str(why));
	}
	argv_free(&maps);
	strbuf_free(&why);
}

/* main - hand over to the skeleton */

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "trivial-rewrite",
		.model = SERVICE_MULTI,
		.param_groups = PARAM_GROUP_REWRITE,
		.pre_jail = tr_pre_jail,
		.serve = tr_serve,
	};

	service_main(argc, argv, &spec);
}
