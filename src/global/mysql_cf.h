/*
 * mysql_cf.h - the configuration of a mysql: table (mysql_table(5))
 *
 * Everything about a mysql: table that needs no server: reading its
 * "name = value" file (or, for a name that does not start with '/' or
 * '.', the obsolete NAME_parameter settings in main.cf), the hosts list,
 * the query and result_format templates with their '%' expansions, and
 * the "domain" list that limits which keys are looked up at all. The
 * driver (map_mysql.c) adds the connections.
 */

#ifndef MYSQL_CF_H
#define MYSQL_CF_H

#include "sysdeps.h"

struct STRBUF;
struct MAP;

/* Host types: a UNIX-domain socket or a TCP host. */
#define MYSQL_CF_UNIX	1
#define MYSQL_CF_INET	2

typedef struct MYSQL_CF_HOST {
	char   *label;		/* as written in "hosts", for messages */
	int     type;		/* MYSQL_CF_UNIX or MYSQL_CF_INET */
	char   *name;		/* socket path or host; NULL: the default */
	unsigned port;		/* 0: the client library's default */
} MYSQL_CF_HOST;

typedef struct MYSQL_CF_DOMAIN MYSQL_CF_DOMAIN;

typedef struct MYSQL_CF {
	char   *name;		/* file name or main.cf prefix */
	MYSQL_CF_HOST *hosts;	/* the "hosts" entries, in file order */
	size_t  nhosts;		/* at least 2 (see mysql_cf_read()) */
	char   *user;
	char   *password;	/* wiped before it is freed */
	char   *dbname;
	char   *charset;
	char   *query;		/* built from the legacy parameters if unset */
	char   *result_format;
	char   *option_file;	/* NULL: none */
	char   *option_group;	/* "" : none */
	char   *tls_cert_file;	/* the tls_* settings: NULL when unset */
	char   *tls_key_file;
	char   *tls_CAfile;
	char   *tls_CApath;
	char   *tls_ciphers;
	int     tls_verify_cert;	/* -1 unset, else 0 or 1 */
	int     require_result_set;
	long    expansion_limit;	/* 0: none */
	long    retry_interval;	/* seconds a failed host is left alone */
	long    idle_interval;	/* seconds before an idle connection closes */
	int     flags;		/* what the templates need; see mysql_cf.c */
	int     nparts;		/* highest %1..%9 in the templates */
	MYSQL_CF_DOMAIN *domain;	/* NULL: every key is looked up */
} MYSQL_CF;

/*
 * Reads the configuration of mysql:name. Returns it, or NULL with the
 * reason in why, naming the file (and line) or the parameter: a file
 * that cannot be read, a line without '=', a missing dbname, a bad
 * number or boolean, a bad template, a bad host or port, a domain list
 * whose file or table cannot be opened.
 *
 * Like Postfix, a single host is listed twice, so that one broken
 * connection to a load balancer is retried at once instead of making
 * the table fail for retry_interval.
 */
extern MYSQL_CF *mysql_cf_read(const char *name, struct STRBUF *why);

/* Frees the configuration (wiping the password); NULL is fine. */
extern void mysql_cf_free(MYSQL_CF *cf);

/*
 * Parses one "hosts" entry: "unix:/path", "inet:host:port", "host:port"
 * or "host" ("localhost" means the default UNIX-domain socket, as with
 * the MySQL library). 0, or -1 with the reason in why.
 */
extern int mysql_cf_parse_host(const char *text, MYSQL_CF_HOST *host,
			       struct STRBUF *why);
extern void mysql_cf_free_host(MYSQL_CF_HOST *host);

/*
 * The domain restriction: 1 when key may be looked up (no domain list,
 * or a key user@domain with a non-empty user and a listed domain), 0
 * when the lookup is skipped, -1 when a table in the list failed (the
 * reason in why).
 */
extern int mysql_cf_check_domain(MYSQL_CF *cf, const char *key,
				 struct STRBUF *why);

/*
 * Quotes len bytes of text for SQL and appends them to out; 0, or -1
 * with the reason in why. NULL means "append as is".
 */
typedef int (*MYSQL_CF_QUOTE_FN)(void *context, const char *text,
				 size_t len, struct STRBUF *out,
				 struct STRBUF *why);

/*
 * Expands the query template for the lookup key into out (which is
 * reset first). Returns 1, 0 when the key lacks what the templates need
 * (the lookup is suppressed and finds nothing), or -1 when quoting
 * failed (reason in why).
 */
extern int mysql_cf_expand_query(const MYSQL_CF *cf, const char *key,
				 MYSQL_CF_QUOTE_FN quote, void *context,
				 struct STRBUF *out, struct STRBUF *why);

/*
 * Appends result_format expanded for one result value (and the lookup
 * key) to out, after a comma when out is not empty. Returns 1, or 0 when
 * the value is skipped: NULL, empty, or lacking a part that the format
 * needs.
 */
extern int mysql_cf_expand_result(const MYSQL_CF *cf, const char *value,
				  const char *key, struct STRBUF *out);

#endif
