/*
 * rewrite_clnt.c - client of the trivial-rewrite(8) service
 *
 * Keeps one connection (through attr_clnt, which reconnects once when
 * the server has gone away) and a one-entry cache per request kind. The
 * cache expires after $ipc_idle seconds so that a configuration change
 * (postfix reload restarts trivial-rewrite) is seen soon.
 */

#include "sysdeps.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "attr.h"
#include "attr_clnt.h"
#include "params_global.h"
#include "rewrite_clnt.h"

/* Longest address the server may send back. */
#define REWRITE_CLNT_ADDR_LIMIT	(64 * 1024)

static ATTR_CLNT *rewrite_conn;

/* The last rewrite answer. */
static STRBUF *rw_last_rule;
static STRBUF *rw_last_addr;
static STRBUF *rw_last_result;
static time_t rw_last_time;

/* The last resolve answer. */
static STRBUF *rs_last_addr;
static RESOLVE_REPLY rs_last;
static time_t rs_last_time;

/* rewrite_clnt_conn - the connection, created on first use */

static ATTR_CLNT *
rewrite_clnt_conn(void)
{
	if (rewrite_conn == NULL)
		rewrite_conn = attr_clnt_create("private", var_rewrite_service_name,
						var_ipc_timeout);
	return rewrite_conn;
}

/* rewrite_clnt_fresh - is a cache entry from stamp still usable? */

static int
rewrite_clnt_fresh(time_t stamp)
{
	time_t	now = time(NULL);

	return stamp != 0 && now >= stamp && now - stamp < var_ipc_idle;
}

/* rewrite_clnt - canonicalise an address through the service */

int
rewrite_clnt(const char *rule, const char *addr, STRBUF *result)
{
	int	status = -1;

	if (rw_last_rule == NULL) {
		rw_last_rule = strbuf_create(10);
		rw_last_addr = strbuf_create(100);
		rw_last_result = strbuf_create(100);
	}
	if (rewrite_clnt_fresh(rw_last_time)
	    && strcmp(strbuf_str(rw_last_rule), rule) == 0
	    && strcmp(strbuf_str(rw_last_addr), addr) == 0) {
		strbuf_set(result, strbuf_str(rw_last_result));
		return 0;
	}
	strbuf_set_limit(rw_last_result, REWRITE_CLNT_ADDR_LIMIT);
	if (attr_clnt_request(rewrite_clnt_conn(), ATTR_FLAG_NONE,
			      ATTR_SEND_STR(ATTR_NAME_REQUEST, REWRITE_REQ_REWRITE),
			      ATTR_SEND_STR(REWRITE_ATTR_RULE, rule),
			      ATTR_SEND_STR(REWRITE_ATTR_ADDR, addr),
			      ATTR_TYPE_END,
			      ATTR_FLAG_STRICT,
			      ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			      ATTR_RECV_STR(REWRITE_ATTR_ADDR, rw_last_result),
			      ATTR_TYPE_END) != 2 || status != 0) {
		log_warn("rewrite_clnt: %s: request failed for %.100s", rule, addr);
		rw_last_time = 0;
		strbuf_set(result, addr);
		return -1;
	}
	strbuf_set(rw_last_rule, rule);
	strbuf_set(rw_last_addr, addr);
	rw_last_time = time(NULL);
	strbuf_set(result, strbuf_str(rw_last_result));
	return 0;
}

/* resolve_clnt_copy - copy one reply into another */

static void
resolve_clnt_copy(RESOLVE_REPLY *to, const RESOLVE_REPLY *from)
{
	strbuf_set(to->transport, strbuf_str(from->transport));
	strbuf_set(to->nexthop, strbuf_str(from->nexthop));
	strbuf_set(to->recipient, strbuf_str(from->recipient));
	to->flags = from->flags;
}

/* resolve_clnt - resolve an address through the service */

int
resolve_clnt(const char *addr, RESOLVE_REPLY *reply)
{
	int	status = -1;

	if (rs_last_addr == NULL) {
		rs_last_addr = strbuf_create(100);
		resolve_reply_init(&rs_last);
		strbuf_set_limit(rs_last.transport, REWRITE_CLNT_ADDR_LIMIT);
		strbuf_set_limit(rs_last.nexthop, REWRITE_CLNT_ADDR_LIMIT);
		strbuf_set_limit(rs_last.recipient, REWRITE_CLNT_ADDR_LIMIT);
	}
	if (rewrite_clnt_fresh(rs_last_time)
	    && strcmp(strbuf_str(rs_last_addr), addr) == 0) {
		resolve_clnt_copy(reply, &rs_last);
		return 0;
	}
	if (attr_clnt_request(rewrite_clnt_conn(), ATTR_FLAG_NONE,
			      ATTR_SEND_STR(ATTR_NAME_REQUEST, REWRITE_REQ_RESOLVE),
			      ATTR_SEND_STR(REWRITE_ATTR_ADDR, addr),
			      ATTR_TYPE_END,
			      ATTR_FLAG_STRICT,
			      ATTR_RECV_INT(ATTR_NAME_STATUS, &status),
			      ATTR_RECV_INT(RESOLVE_ATTR_FLAGS, &rs_last.flags),
			      ATTR_RECV_STR(RESOLVE_ATTR_TRANSPORT, rs_last.transport),
			      ATTR_RECV_STR(RESOLVE_ATTR_NEXTHOP, rs_last.nexthop),
			      ATTR_RECV_STR(RESOLVE_ATTR_RECIPIENT, rs_last.recipient),
			      ATTR_TYPE_END) != 5 || status != 0) {
		log_warn("resolve_clnt: request failed for %.100s", addr);
		rs_last_time = 0;
		strbuf_reset(reply->transport);
		strbuf_reset(reply->nexthop);
		strbuf_set(reply->recipient, addr);
		reply->flags = RESOLVE_FLAG_FAIL;
		return -1;
	}
	strbuf_set(rs_last_addr, addr);
	rs_last_time = time(NULL);
	resolve_clnt_copy(reply, &rs_last);
	return 0;
}

/* rewrite_clnt_reset - drop the caches and the connection */

void
rewrite_clnt_reset(void)
{
	rw_last_time = 0;
	rs_last_time = 0;
	if (rewrite_conn != NULL) {
		attr_clnt_free(rewrite_conn);
		rewrite_conn = NULL;
	}
}
