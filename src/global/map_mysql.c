/*
 * map_mysql.c - lookup table in a MySQL or MariaDB database
 *
 * "mysql:/etc/postfix/file.cf" runs the SQL query that the file
 * describes (mysql_table(5); parsing and '%' expansion are in
 * mysql_cf.c) and answers the values of all rows and columns, each put
 * through result_format and joined with commas.
 *
 * The hosts are mirrors. One connection is kept open: UNIX-domain
 * sockets are tried before TCP hosts, in random order within each kind,
 * and a host that fails is left alone for retry_interval seconds while
 * the next one is tried. An idle connection is closed after
 * idle_interval seconds (by a timer where the program runs the event
 * loop, else before the next lookup). When no host answers, a lookup is
 * MAP_RETRY, never "not found": mail waits.
 */

/*
 * <mysql.h> defines macros that call strcpy and strncpy, which
 * sysdeps.h poisons; the poison is applied again right after it.
 */
#define SYSDEPS_NO_POISON
#include "sysdeps.h"

#ifdef HAS_MYSQL

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok atoi strncpy
#endif

#include "events.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "map.h"
#include "mysql_cf.h"

/* Connection states (bits, so that a search can ask for several). */
#define HOST_ACTIVE	(1 << 0)	/* connected */
#define HOST_FAIL	(1 << 1)	/* failed; retry after retry_after */
#define HOST_UNTRIED	(1 << 2)	/* not connected, nothing known */

/* Connection attempts per lookup, in case hosts become due meanwhile. */
#define MYSQL_MAX_ATTEMPTS 100

typedef struct MYSQL_HOST {
	const MYSQL_CF_HOST *cf;	/* borrowed from the configuration */
	MYSQL  *db;			/* NULL when not connected */
	int     stat;			/* HOST_* */
	time_t  retry_after;		/* HOST_FAIL: not before this */
	time_t  last_used;		/* HOST_ACTIVE: last good query */
} MYSQL_HOST;

typedef struct MAP_MYSQL {
	MAP     map;
	MYSQL_CF *cf;
	MYSQL_HOST *hosts;
	size_t  nhosts;
	STRBUF *query;			/* the expanded query */
	STRBUF *err;			/* the last connection or query error */
	unsigned short seed[3];		/* host order */
} MAP_MYSQL;

/* mysql_host_close - close a connection that is not needed now */

static void
mysql_host_close(MYSQL_HOST *host)
{
	if (host->db)
		mysql_close(host->db);
	host->db = NULL;
	host->stat = HOST_UNTRIED;
}

/* mysql_idle_event - timer: close a connection that was not used */

static void
mysql_idle_event(int event, void *context)
{
	MYSQL_HOST *host = context;

	if (log_verbose)
		log_info("mysql: closing idle connection to %s", host->cf->label);
	mysql_host_close(host);
}

/* mysql_host_down - close a failed connection, stay away for a while */

static void
mysql_host_down(MAP_MYSQL *mm, MYSQL_HOST *host)
{
	if (host->db)
		mysql_close(host->db);
	host->db = NULL;
	host->stat = HOST_FAIL;
	host->retry_after = time(NULL) + mm->cf->retry_interval;
	(void) event_cancel_timer(mysql_idle_event, host);
}

/* mysql_host_connect - connect to one host; 0 or -1 (host is down) */

static int
mysql_host_connect(MAP_MYSQL *mm, MYSQL_HOST *host)
{
	const MYSQL_CF *cf = mm->cf;
	MYSQL  *db;

	if ((db = host->db = mysql_init(NULL)) == NULL)
		log_fatal("mysql_init: insufficient memory");
	if (cf->option_file)
		(void) mysql_optionsv(db, MYSQL_READ_DEFAULT_FILE, cf->option_file);
	if (*cf->option_group)
		(void) mysql_optionsv(db, MYSQL_READ_DEFAULT_GROUP, cf->option_group);
	if (cf->tls_key_file)
		(void) mysql_optionsv(db, MYSQL_OPT_SSL_KEY, cf->tls_key_file);
	if (cf->tls_cert_file)
		(void) mysql_optionsv(db, MYSQL_OPT_SSL_CERT, cf->tls_cert_file);
	if (cf->tls_CAfile)
		(void) mysql_optionsv(db, MYSQL_OPT_SSL_CA, cf->tls_CAfile);
	if (cf->tls_CApath)
		(void) mysql_optionsv(db, MYSQL_OPT_SSL_CAPATH, cf->tls_CApath);
	if (cf->tls_ciphers)
		(void) mysql_optionsv(db, MYSQL_OPT_SSL_CIPHER, cf->tls_ciphers);
	if (cf->tls_verify_cert >= 0) {
		my_bool verify = (my_bool) cf->tls_verify_cert;

		(void) mysql_optionsv(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
	}
	/*
	 * An empty user or password is passed as NULL, so that an option
	 * file may supply it (the library would send "" as given).
	 */
	if (mysql_real_connect(db,
			       host->cf->type == MYSQL_CF_INET ? host->cf->name : NULL,
			       *cf->user ? cf->user : NULL,
			       *cf->password ? cf->password : NULL,
			       cf->dbname, host->cf->port,
			       host->cf->type == MYSQL_CF_UNIX ? host->cf->name : NULL,
			       CLIENT_MULTI_RESULTS) == NULL) {
		strbuf_printf(mm->err, "connect to mysql server %s: %s",
			      host->cf->label, mysql_error(db));
		log_warn("%s", strbuf_str(mm->err));	/* Postfix's wording */
		mysql_host_down(mm, host);
		return -1;
	}
	if (mysql_set_character_set(db, cf->charset) != 0) {
		strbuf_printf(mm->err, "mysql server %s: set character set "
			      "\"%s\": %s", host->cf->label, cf->charset,
			      mysql_error(db));
		log_warn("%s", strbuf_str(mm->err));
		mysql_host_down(mm, host);
		return -1;
	}
	if (log_verbose)
		log_info("mysql:%s: connected to %s", mm->map.name,
			 host->cf->label);
	host->stat = HOST_ACTIVE;
	host->last_used = time(NULL);
	return 0;
}

/* mysql_host_usable - may this host be used (or tried) now */

static int
mysql_host_usable(const MYSQL_HOST *host, int stat, int type, time_t now)
{
	if ((host->stat & stat) == 0 || host->cf->type != type)
		return 0;
	return host->stat != HOST_FAIL || host->retry_after < now;
}

/* mysql_host_find - a random host of this kind in one of these states */

static MYSQL_HOST *
mysql_host_find(MAP_MYSQL *mm, int stat, int type)
{
	time_t  now = time(NULL);
	size_t  count = 0;
	size_t  i;
	size_t  pick;

	for (i = 0; i < mm->nhosts; i++)
		if (mysql_host_usable(mm->hosts + i, stat, type, now))
			count++;
	if (count == 0)
		return NULL;
	pick = count > 1 ? (size_t) nrand48(mm->seed) % count : 0;
	for (i = 0; i < mm->nhosts; i++)
		if (mysql_host_usable(mm->hosts + i, stat, type, now)
		    && pick-- == 0)
			return mm->hosts + i;
	log_panic("mysql_host_find: lost a host");
}

/* mysql_host_active - a connected host, connecting one if needed */

static MYSQL_HOST *
mysql_host_active(MAP_MYSQL *mm)
{
	MYSQL_HOST *host;
	time_t  now = time(NULL);
	size_t  i;
	int     tries;

	/* Without an event loop, idle connections are closed here. */
	for (i = 0; i < mm->nhosts; i++) {
		host = mm->hosts + i;
		if (host->stat == HOST_ACTIVE
		    && now - host->last_used > mm->cf->idle_interval) {
			(void) event_cancel_timer(mysql_idle_event, host);
			mysql_host_close(host);
		}
	}

	/* Connected hosts first, UNIX-domain sockets before TCP. */
	if ((host = mysql_host_find(mm, HOST_ACTIVE, MYSQL_CF_UNIX)) != NULL
	    || (host = mysql_host_find(mm, HOST_ACTIVE, MYSQL_CF_INET)) != NULL)
		return host;
	for (tries = 0; tries < MYSQL_MAX_ATTEMPTS; tries++) {
		if ((host = mysql_host_find(mm, HOST_UNTRIED | HOST_FAIL,
					    MYSQL_CF_UNIX)) == NULL
		    && (host = mysql_host_find(mm, HOST_UNTRIED | HOST_FAIL,
					       MYSQL_CF_INET)) == NULL)
			break;
		if (log_verbose)
			log_info("mysql:%s: trying %s", mm->map.name,
				 host->cf->label);
		if (mysql_host_connect(mm, host) == 0)
			return host;
	}
	return NULL;
}

/* mysql_quote - SQL-escape text for the connection's character set */

static int
mysql_quote(void *context, const char *text, size_t len, STRBUF *out,
	    STRBUF *why)
{
	MYSQL_HOST *host = context;
	char   *buf = xmalloc(size_add(size_mul(len, 2), 1));
	unsigned long n;

	n = mysql_real_escape_string(host->db, buf, text, (unsigned long) len);
	if (n == (unsigned long) -1) {
		strbuf_printf(why, "mysql server %s: cannot escape the lookup "
			      "key: %s", host->cf->label, mysql_error(host->db));
		xfree(buf);
		return -1;
	}
	(void) strbuf_append(out, buf, n);
	xfree(buf);
	return 0;
}

/* mysql_query_failed - note why a query failed on this host */

static void
mysql_query_failed(MAP_MYSQL *mm, MYSQL_HOST *host, const char *what)
{
	strbuf_printf(mm->err, "query failed%s: %s", what,
		      mysql_error(host->db));
	/* Postfix's wording: "mysql:/file: query failed: reason". */
	log_warn("%s:%s: %s", mm->map.type, mm->map.name, strbuf_str(mm->err));
}

/*
 * mysql_collect - read every result set of the query that just ran
 *
 * All result sets must be read or the connection goes out of step. A
 * stored procedure may return one result set that holds data, no more.
 * Returns 0 with *resp (NULL: no result set) or -1.
 */

static int
mysql_collect(MAP_MYSQL *mm, MYSQL_HOST *host, MYSQL_RES **resp)
{
	MYSQL_RES *first = NULL;
	MYSQL_RES *res;
	int     next;
	int     failed = 0;

	do {
		if ((res = mysql_store_result(host->db)) != NULL) {
			if (first == NULL) {
				first = res;
			} else {
				if (!failed)
					log_warn("%s:%s: query failed: multiple "
						 "result sets returning data are "
						 "not supported", mm->map.type,
						 mm->map.name);
				strbuf_set(mm->err, "query failed: multiple "
					   "result sets");
				mysql_free_result(res);
				failed = 1;
			}
		} else if (mysql_field_count(host->db) != 0) {
			if (!failed)
				mysql_query_failed(mm, host, " (mysql_store_result)");
			failed = 1;
		}
		if ((next = mysql_next_result(host->db)) > 0) {
			if (!failed)
				mysql_query_failed(mm, host, " (mysql_next_result)");
			failed = 1;
		}
	} while (next == 0);
	if (!failed && first == NULL && mm->cf->require_result_set) {
		strbuf_set(mm->err, "query failed: query returned no result "
			   "set (require_result_set = yes)");
		log_warn("%s:%s: %s", mm->map.type, mm->map.name,
			 strbuf_str(mm->err));
		failed = 1;
	}
	if (failed) {
		if (first)
			mysql_free_result(first);
		return -1;
	}
	*resp = first;
	return 0;
}

/*
 * mysql_query_hosts - run the query for key on the first host that works
 *
 * Returns 0 with the result (NULL: no result set), or -1 when no host
 * could answer (the reason in mm->err).
 */

static int
mysql_query_hosts(MAP_MYSQL *mm, const char *key, MYSQL_RES **resp)
{
	MYSQL_HOST *host;

	strbuf_reset(mm->err);
	while ((host = mysql_host_active(mm)) != NULL) {

		/* Quoting depends on the connection's character set. */
		if (mysql_cf_expand_query(mm->cf, key, mysql_quote, host,
					  mm->query, mm->err) < 0) {
			log_warn("%s:%s: %s", mm->map.type, mm->map.name,
				 strbuf_str(mm->err));
			mysql_host_down(mm, host);
			continue;
		}
		if (log_verbose)
			log_info("mysql:%s: query: %s", mm->map.name,
				 strbuf_str(mm->query));
		if (mysql_real_query(host->db, strbuf_str(mm->query),
				     (unsigned long) strbuf_len(mm->query)) != 0) {
			mysql_query_failed(mm, host, "");
			mysql_host_down(mm, host);
			continue;
		}
		if (mysql_collect(mm, host, resp) < 0) {
			mysql_host_down(mm, host);
			continue;
		}
		host->last_used = time(NULL);
		event_request_timer(mysql_idle_event, host,
				    mm->cf->idle_interval > INT_MAX / 1000 ?
				    INT_MAX : (int) (mm->cf->idle_interval * 1000));
		return 0;
	}
	/* Nothing was tried: every host failed not long ago. */
	if (strbuf_len(mm->err) == 0)
		strbuf_printf(mm->err, "no mysql server available: every "
			      "host failed less than %ld seconds ago",
			      mm->cf->retry_interval);
	return -1;
}

/* mysql_lookup - run the query, format and join the values */

static int
mysql_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_MYSQL *mm = (MAP_MYSQL *) map;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	unsigned int nfields;
	unsigned int j;
	long    count = 0;
	int     status;

	/* Keys outside the listed domains are not looked up (domain =). */
	if ((status = mysql_cf_check_domain(mm->cf, key, mm->err)) == 0) {
		if (log_verbose)
			log_info("mysql:%s: skipping lookup of '%s'", map->name, key);
		return MAP_NOTFOUND;
	}
	if (status < 0) {
		strbuf_printf(map->why, "'domain' pattern match failed for "
			      "'%s': %s", key, strbuf_str(mm->err));
		log_warn("%s:%s: %s", map->type, map->name, strbuf_str(map->why));
		return MAP_RETRY;
	}

	/* A key without the parts the query needs is not looked up. */
	if (mysql_cf_expand_query(mm->cf, key, NULL, NULL, mm->query,
				  map->why) == 0)
		return MAP_NOTFOUND;

	if (mysql_query_hosts(mm, key, &res) < 0) {
		strbuf_set(map->why, strbuf_str(mm->err));
		return MAP_RETRY;
	}
	if (res == NULL)			/* require_result_set = no */
		return MAP_NOTFOUND;
	strbuf_reset(value);
	nfields = mysql_num_fields(res);
	while ((row = mysql_fetch_row(res)) != NULL) {
		for (j = 0; j < nfields; j++) {
			if (mysql_cf_expand_result(mm->cf, row[j], key, value)
			    && mm->cf->expansion_limit > 0
			    && ++count > mm->cf->expansion_limit) {
				strbuf_printf(map->why, "expansion limit "
					      "exceeded for key: '%s'", key);
				log_warn("%s:%s: %s", map->type, map->name,
					 strbuf_str(map->why));
				mysql_free_result(res);
				return MAP_RETRY;
			}
		}
	}
	mysql_free_result(res);
	return strbuf_len(value) > 0 ? MAP_FOUND : MAP_NOTFOUND;
}

/* mysql_map_close - close the connections and free everything */

static void
mysql_map_close(MAP *map)
{
	MAP_MYSQL *mm = (MAP_MYSQL *) map;
	size_t  i;

	for (i = 0; i < mm->nhosts; i++) {
		(void) event_cancel_timer(mysql_idle_event, mm->hosts + i);
		mysql_host_close(mm->hosts + i);
	}
	xfree(mm->hosts);
	mysql_cf_free(mm->cf);
	strbuf_free(&mm->query);
	strbuf_free(&mm->err);
	map_free(map);
}

/* mysql_map_open - read the configuration; connect at the first lookup */

static MAP *
mysql_map_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_MYSQL *mm;
	MYSQL_CF *cf;
	size_t  i;
	unsigned long seed;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		strbuf_printf(why, "mysql:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	if ((cf = mysql_cf_read(name, why)) == NULL)
		return NULL;
	mm = (MAP_MYSQL *) map_alloc("mysql", name, sizeof(*mm), open_flags,
				     map_flags | MAP_F_FIXED);
	mm->cf = cf;
	mm->nhosts = cf->nhosts;
	mm->hosts = xcalloc(cf->nhosts, sizeof(*mm->hosts));
	for (i = 0; i < cf->nhosts; i++) {
		mm->hosts[i].cf = cf->hosts + i;
		mm->hosts[i].stat = HOST_UNTRIED;
	}
	mm->query = strbuf_create(100);
	mm->err = strbuf_create(100);
	seed = (unsigned long) time(NULL) ^ ((unsigned long) getpid() << 16)
	    ^ (unsigned long) (size_t) mm;
	mm->seed[0] = (unsigned short) seed;
	mm->seed[1] = (unsigned short) (seed >> 16);
	mm->seed[2] = (unsigned short) ((seed >> 8) ^ 0x330e);
	mm->map.lookup = mysql_lookup;
	mm->map.close = mysql_map_close;
	return &mm->map;
}

const MAP_DRIVER map_driver_mysql = {
	.type = "mysql",
	.flags = MAP_F_FIXED,
	.open = mysql_map_open,
};

#endif
