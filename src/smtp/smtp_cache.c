/*
 * smtp_cache.c - idle connections of this process, for reuse
 *
 * After a transaction that left the connection usable (and an RSET to
 * prove it), the session waits here for the next request to the same
 * next hop, as Postfix's connection cache does, but per process:
 * smtp_connection_cache_time_limit bounds the idle time,
 * smtp_connection_reuse_time_limit the age of the connection, and
 * smtp_connection_reuse_count_limit (0: none) the number of
 * transactions. Only next hops for which caching is wanted are kept:
 * all of them with smtp_connection_cache_on_demand (this process
 * cannot see qmgr's backlog, so every destination counts as having
 * one), else those in smtp_connection_cache_destinations.
 */

#include "sysdeps.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "argv.h"		/* util */
#include "mem.h"
#include "debug_peer.h"		/* global */
#include "smtp.h"

/* At most this many idle connections per process. */
#define SMTP_CACHE_SIZE	8

static SMTP_SESSION *smtp_cache[SMTP_CACHE_SIZE];

/* smtp_cache_usable - may this session take another transaction? */

static int
smtp_cache_usable(const SMTP_SESSION *session, time_t now)
{
	if (now - session->created >= smtp_conf.reuse_time_limit)
		return 0;
	if (smtp_conf.reuse_count_limit > 0
	    && session->use_count >= smtp_conf.reuse_count_limit)
		return 0;
	return 1;
}

/* smtp_cache_wanted - keep connections to nexthop? */

int
smtp_cache_wanted(const char *nexthop)
{
	ARGV   *list;
	size_t	i;
	int	found = 0;

	if (smtp_conf.cache_on_demand)
		return 1;
	if (smtp_conf.cache_destinations == NULL
	    || *smtp_conf.cache_destinations == 0)
		return 0;
	list = argv_split(smtp_conf.cache_destinations, ", \t\r\n");
	for (i = 0; i < list->argc && !found; i++)
		found = strcasecmp(list->argv[i], nexthop) == 0;
	argv_free(&list);
	return found;
}

/* smtp_cache_find - take an idle session to key out of the cache */

SMTP_SESSION *
smtp_cache_find(const char *key)
{
	SMTP_SESSION *session;
	time_t	now = time(NULL);
	int	i;

	(void) smtp_cache_expire();
	for (i = 0; i < SMTP_CACHE_SIZE; i++) {
		session = smtp_cache[i];
		if (session && strcmp(session->key, key) == 0) {
			smtp_cache[i] = NULL;
			if (smtp_cache_usable(session, now))
				return session;
			smtp_quit(session);
		}
	}
	return NULL;
}

/* smtp_cache_store - keep a session (or close it when not usable) */

void
smtp_cache_store(SMTP_SESSION *session)
{
	time_t	now = time(NULL);
	int	i, oldest = 0;

	debug_peer_restore();		/* the session is idle now */
	if (!smtp_cache_usable(session, now)
	    || smtp_conf.cache_time_limit <= 0) {
		smtp_quit(session);
		return;
	}
	session->idle_since = now;
	for (i = 0; i < SMTP_CACHE_SIZE; i++) {
		if (smtp_cache[i] == NULL)
			break;
		if (smtp_cache[i]->idle_since < smtp_cache[oldest]->idle_since)
			oldest = i;
	}
	if (i == SMTP_CACHE_SIZE) {
		smtp_quit(smtp_cache[oldest]);
		i = oldest;
	}
	smtp_cache[i] = session;
}

/* smtp_cache_expire - close idle sessions past their time */

int
smtp_cache_expire(void)
{
	time_t	now = time(NULL);
	long	left, wait = -1;
	int	i;

	for (i = 0; i < SMTP_CACHE_SIZE; i++) {
		if (smtp_cache[i] == NULL)
			continue;
		left = (long) (smtp_cache[i]->idle_since
			       + smtp_conf.cache_time_limit - now);
		if (left <= 0 || !smtp_cache_usable(smtp_cache[i], now)) {
			smtp_quit(smtp_cache[i]);
			smtp_cache[i] = NULL;
			continue;
		}
		if (wait < 0 || left < wait)
			wait = left;
	}
	return wait < 0 ? -1 : (int) (wait * 1000);
}

/* smtp_cache_close - close every idle session */

void
smtp_cache_close(void)
{
	int	i;

	for (i = 0; i < SMTP_CACHE_SIZE; i++) {
		if (smtp_cache[i]) {
			smtp_quit(smtp_cache[i]);
			smtp_cache[i] = NULL;
		}
	}
}
