/*
 * mysql_cf.c - the configuration of a mysql: table (mysql_table(5))
 *
 * The file has main.cf syntax (name = value, continuation lines,
 * comments) but its values are not $name-expanded, as with Postfix's
 * cfg_parser. The query and result templates share one record of what
 * they need from the key (a local part, a domain, N domain labels): a
 * key that lacks it is not looked up at all, and a result that lacks
 * what result_format needs is skipped. These rules, and the messages
 * for bad settings, follow Postfix's db_common and cfg_parser modules.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "cfgline.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mainconf.h"
#include "map.h"
#include "nametab.h"
#include "mysql_cf.h"

/* What the templates need; a key or result without it is skipped. */
#define CF_KEY_DOMAIN	(1 << 0)	/* %d %D %1..%9 in query, %D %1..%9 in result */
#define CF_KEY_USER	(1 << 1)	/* %u %U in query, %U in result */
#define CF_VALUE_DOMAIN	(1 << 2)	/* %d in result_format */
#define CF_VALUE_USER	(1 << 3)	/* %u in result_format */

/* Separators of list-valued settings (Postfix's CHARS_COMMA_SP). */
#define CF_SEPARATORS	", \t\r\n"

/* /file/name inside /file/name ... in a domain list. */
#define CF_DOMAIN_MAX_DEPTH 10

/* Postfix's defaults (mysql_table(5); the intervals as in Postfix 3.9). */
#define CF_DEF_RETRY_INTERVAL	60
#define CF_DEF_IDLE_INTERVAL	60
#define CF_DEF_CHARSET		"utf8mb4"

/* Where the settings come from: a file, or NAME_param in main.cf. */
typedef struct CF_SRC {
	const char *name;		/* file name or main.cf prefix */
	NAMETAB *tab;			/* file: name -> value */
	STRBUF *param;			/* main.cf: scratch for NAME_param */
} CF_SRC;

/* One entry of a "domain" list: a name, or a table, maybe negated. */
typedef struct CF_DOMAIN_ENT {
	int     negate;
	char   *text;			/* lower-case domain, or type:table */
	MAP    *map;			/* NULL for a domain name */
} CF_DOMAIN_ENT;

struct MYSQL_CF_DOMAIN {
	CF_DOMAIN_ENT *ent;
	size_t  n;
	size_t  size;
};

/* cf_src_free_value - wipe and free a value (it may be a password) */

static void
cf_src_free_value(void *value)
{
	explicit_bzero(value, strlen(value));
	xfree(value);
}

/* cf_src_load - read a "name = value" file into a table */

static int
cf_src_load(CF_SRC *src, STRBUF *why)
{
	FILE   *fp;
	STRBUF *line;
	int     lineno = 0;
	int     first;
	int     ret = 0;
	char   *cp;
	char   *name;
	char   *value;
	const char *err;

	if ((fp = fopen(src->name, "r")) == NULL) {
		strbuf_printf(why, "open %s: %s", src->name, strerror(errno));
		return -1;
	}
	line = strbuf_create(100);
	while (ret == 0 && cfgline_read(fp, line, &lineno, &first) == 0) {
		cp = str_trim(strbuf_str(line));
		name = cp;
		while (*cp && !isspace((unsigned char) *cp) && *cp != '=')
			cp++;
		err = NULL;
		if (cp == name) {
			err = "missing attribute name";
		} else {
			value = cp;
			while (isspace((unsigned char) *cp))
				cp++;
			if (*cp != '=')
				err = "missing '=' after attribute name";
			else {
				*value = 0;
				value = str_trim(cp + 1);
				/* The last assignment wins, as in main.cf. */
				if ((value = nametab_enter(src->tab, name,
							   xstrdup(value))) != NULL)
					cf_src_free_value(value);
			}
		}
		if (err) {
			strbuf_printf(why, "%s, line %d: %s: \"%s\"",
				      src->name, first, err, name);
			ret = -1;
		}
	}
	if (ret == 0 && ferror(fp)) {
		strbuf_printf(why, "read %s: %s", src->name, strerror(errno));
		ret = -1;
	}
	(void) fclose(fp);
	explicit_bzero(line->data, line->size);		/* a password */
	strbuf_free(&line);
	return ret;
}

/* cf_src_get - a setting as written, or NULL when it is not set */

static const char *
cf_src_get(CF_SRC *src, const char *param)
{
	if (src->tab)
		return nametab_find(src->tab, param);
	strbuf_printf(src->param, "%s_%s", src->name, param);
	return mainconf_lookup(strbuf_str(src->param));
}

/* cf_get_str - a string setting (caller frees), at least min long */

static int
cf_get_str(CF_SRC *src, const char *param, const char *def, size_t min,
	   char **result, STRBUF *why)
{
	const char *val = cf_src_get(src, param);
	size_t  len;

	if (val == NULL)
		val = def;
	if (val == NULL) {
		*result = NULL;
		return 0;
	}
	len = strlen(val);
	if (len < min) {
		strbuf_printf(why, "%s: bad string length %zu < %zu: %s = %s",
			      src->name, len, min, param, val);
		return -1;
	}
	*result = xstrdup(val);
	return 0;
}

/* cf_get_long - a numerical setting, at least min */

static int
cf_get_long(CF_SRC *src, const char *param, long def, long min,
	    long *result, STRBUF *why)
{
	const char *val = cf_src_get(src, param);
	long    num;

	if (val == NULL) {
		*result = def;
		return 0;
	}
	if (parse_long(val, &num, -2147483647L, 2147483647L) < 0) {
		strbuf_printf(why, "%s: bad numerical configuration: %s = %s",
			      src->name, param, val);
		return -1;
	}
	if (num < min) {
		strbuf_printf(why, "%s: invalid %s parameter value %ld < %ld",
			      src->name, param, num, min);
		return -1;
	}
	*result = num;
	return 0;
}

/* cf_get_bool - a yes/no setting; def may be -1 ("not set") */

static int
cf_get_bool(CF_SRC *src, const char *param, int def, int *result,
	    STRBUF *why)
{
	const char *val = cf_src_get(src, param);

	if (val == NULL) {
		*result = def;
		return 0;
	}
	if (parse_bool(val, result) < 0) {
		strbuf_printf(why, "%s: bad boolean configuration: %s = %s",
			      src->name, param, val);
		return -1;
	}
	return 0;
}

/* cf_parse_template - check a template, note what it needs from keys */

static int
cf_parse_template(MYSQL_CF *cf, const char *param, const char *fmt,
		  int is_query, STRBUF *why)
{
	const char *cp;

	for (cp = fmt; *cp; cp++) {
		if (*cp != '%')
			continue;
		switch (*++cp) {
		case '%':
		case 's':
		case 'S':
			break;
		case 'u':
			cf->flags |= is_query ? CF_KEY_USER : CF_VALUE_USER;
			break;
		case 'd':
			cf->flags |= is_query ? CF_KEY_DOMAIN : CF_VALUE_DOMAIN;
			break;
		case 'U':
			cf->flags |= CF_KEY_USER;
			break;
		case '1': case '2': case '3': case '4': case '5':
		case '6': case '7': case '8': case '9':
			if (cf->nparts < *cp - '0')
				cf->nparts = *cp - '0';
			/* FALLTHROUGH */
		case 'D':
			cf->flags |= CF_KEY_DOMAIN;
			break;
		default:
			strbuf_printf(why, "%s: invalid %s template: %s",
				      cf->name, param, fmt);
			return -1;
		}
	}
	return 0;
}

/* cf_domain_add - add one entry (or a /file/name's words) to the list */

static int
cf_domain_add(MYSQL_CF_DOMAIN *list, const char *cfname, const char *item,
	      int depth, STRBUF *why)
{
	CF_DOMAIN_ENT *ent;
	int     negate = 0;

	while (*item == '!') {
		negate = !negate;
		item++;
	}
	if (*item == 0) {
		strbuf_printf(why, "%s: domain: empty pattern after '!'",
			      cfname);
		return -1;
	}

	/* A /file/name stands for the words in it, as in Postfix lists. */
	if (*item == '/') {
		FILE   *fp;
		STRBUF *line;
		ARGV   *words;
		int     lineno = 0, first, ret = 0;
		size_t  i;

		if (negate) {
			strbuf_printf(why, "%s: domain: \"!%s\": a file name "
				      "cannot be negated", cfname, item);
			return -1;
		}
		if (depth >= CF_DOMAIN_MAX_DEPTH) {
			strbuf_printf(why, "%s: domain: %s: files nested too "
				      "deeply", cfname, item);
			return -1;
		}
		if ((fp = fopen(item, "r")) == NULL) {
			strbuf_printf(why, "%s: domain: open %s: %s",
				      cfname, item, strerror(errno));
			return -1;
		}
		line = strbuf_create(100);
		while (ret == 0 && cfgline_read(fp, line, &lineno, &first) == 0) {
			words = argv_split(strbuf_str(line), CF_SEPARATORS);
			/* A word that starts with '#' begins a comment. */
			for (i = 0; ret == 0 && i < words->argc
			     && words->argv[i][0] != '#'; i++)
				ret = cf_domain_add(list, item, words->argv[i],
						    depth + 1, why);
			argv_free(&words);
		}
		if (ret == 0 && ferror(fp)) {
			strbuf_printf(why, "%s: domain: read %s: %s",
				      cfname, item, strerror(errno));
			ret = -1;
		}
		(void) fclose(fp);
		strbuf_free(&line);
		return ret;
	}
	if (list->n == list->size) {
		list->size = list->size ? size_mul(list->size, 2) : 4;
		list->ent = xrealloc(list->ent, size_mul(list->size,
							 sizeof(*list->ent)));
	}
	ent = list->ent + list->n;
	ent->negate = negate;
	ent->map = NULL;
	ent->text = xstrdup(item);

	/* Postfix string lists: "type:table" unless it starts with '['. */
	if (*item != '[' && strchr(item, ':') != NULL) {
		STRBUF *err = strbuf_create(100);

		ent->map = map_open(item, O_RDONLY,
				    MAP_F_LOCK | MAP_F_FOLD_FIX, err);
		if (ent->map == NULL) {
			strbuf_printf(why, "%s: domain: %s", cfname,
				      strbuf_str(err));
			strbuf_free(&err);
			xfree(ent->text);
			return -1;
		}
		strbuf_free(&err);
	} else {
		str_lower(ent->text);
	}
	list->n++;
	return 0;
}

/* cf_domain_free - close the tables of a domain list and free it */

static void
cf_domain_free(MYSQL_CF_DOMAIN *list)
{
	size_t  i;

	if (list == NULL)
		return;
	for (i = 0; i < list->n; i++) {
		if (list->ent[i].map)
			map_close(list->ent[i].map);
		xfree(list->ent[i].text);
	}
	xfree(list->ent);
	xfree(list);
}

/* cf_domain_parse - parse the "domain" setting */

static MYSQL_CF_DOMAIN *
cf_domain_parse(const char *cfname, const char *value, STRBUF *why)
{
	MYSQL_CF_DOMAIN *list = xcalloc(1, sizeof(*list));
	ARGV   *items;
	STRBUF *err = strbuf_create(100);
	size_t  i;
	int     ret = 0;

	if ((items = argv_split_q(value, CF_SEPARATORS, "{}", err)) == NULL) {
		strbuf_printf(why, "%s: domain: %s", cfname, strbuf_str(err));
		strbuf_free(&err);
		xfree(list);
		return NULL;
	}
	strbuf_free(&err);
	for (i = 0; ret == 0 && i < items->argc; i++)
		ret = cf_domain_add(list, cfname, items->argv[i], 0, why);
	argv_free(&items);
	if (ret < 0) {
		cf_domain_free(list);
		return NULL;
	}
	return list;
}

/* mysql_cf_check_domain - is this key eligible for a lookup */

int
mysql_cf_check_domain(MYSQL_CF *cf, const char *key, STRBUF *why)
{
	const char *at;
	char   *domain;
	CF_DOMAIN_ENT *ent;
	STRBUF *val;
	size_t  i;
	int     ret = 0;
	int     status;

	if (cf->domain == NULL)
		return 1;

	/* Only user@domain with a non-empty user (mysql_table(5)). */
	if ((at = strrchr(key, '@')) == NULL || at == key)
		return 0;
	domain = str_lower(xstrdup(at + 1));
	val = strbuf_create(20);
	for (i = 0; i < cf->domain->n; i++) {
		ent = cf->domain->ent + i;
		if (ent->map) {
			status = map_lookup(ent->map, domain, val);
			if (status == MAP_RETRY) {
				strbuf_printf(why, "%s: %s", ent->text,
					      map_error(ent->map));
				ret = -1;
				break;
			}
			if (status != MAP_FOUND)
				continue;
		} else if (strcmp(domain, ent->text) != 0) {
			continue;
		}
		ret = !ent->negate;
		break;
	}
	strbuf_free(&val);
	xfree(domain);
	return ret;
}

/* mysql_cf_parse_host - parse one "hosts" entry */

int
mysql_cf_parse_host(const char *text, MYSQL_CF_HOST *host, STRBUF *why)
{
	const char *cp = text;
	char   *port;
	char   *name;
	long    num;
	struct servent *sp;

	memset(host, 0, sizeof(*host));
	if (strncmp(cp, "unix:", 5) == 0) {
		host->type = MYSQL_CF_UNIX;
		name = xstrdup(cp + 5);
	} else {
		if (strncmp(cp, "inet:", 5) == 0)
			cp += 5;
		host->type = MYSQL_CF_INET;
		name = xstrdup(cp);

		/* host:port, with [ipv6]:port; the port may be a name. */
		if (*name == '[' && (port = strchr(name, ']')) != NULL) {
			memmove(name, name + 1, (size_t) (port - name - 1));
			port[-1] = 0;
			port = port[1] == ':' ? port + 2 : NULL;
		} else if ((port = strrchr(name, ':')) != NULL) {
			*port++ = 0;
		}
		if (port != NULL) {
			if (parse_long(port, &num, 1, 65535) == 0) {
				host->port = (unsigned) num;
			} else if (*port && (sp = getservbyname(port, "tcp")) != NULL) {
				host->port = ntohs((unsigned short) sp->s_port);
			} else {
				strbuf_printf(why, "bad port in host \"%s\"",
					      text);
				xfree(name);
				return -1;
			}
		}
		/* As in the MySQL library: "localhost" is the default socket. */
		if (strcasecmp(name, "localhost") == 0) {
			xfree(name);
			name = NULL;
			host->type = MYSQL_CF_UNIX;
		}
	}
	if (name != NULL && *name == 0) {
		strbuf_printf(why, "empty host or socket name in \"%s\"", text);
		xfree(name);
		return -1;
	}
	host->name = name;
	host->label = xstrdup(text);
	return 0;
}

/* mysql_cf_free_host - free what mysql_cf_parse_host() allocated */

void
mysql_cf_free_host(MYSQL_CF_HOST *host)
{
	xfree(host->label);
	xfree(host->name);
	host->label = host->name = NULL;
}

/* cf_parse_hosts - the "hosts" list, default localhost */

static int
cf_parse_hosts(MYSQL_CF *cf, const char *value, STRBUF *why)
{
	ARGV   *items = argv_split(value, CF_SEPARATORS);
	STRBUF *err = strbuf_create(100);
	size_t  i;
	int     ret = 0;

	if (items->argc == 0)
		argv_add(items, "localhost");

	/* Do not give up on a lone host (a load balancer) after one error. */
	if (items->argc == 1)
		argv_add(items, items->argv[0]);
	cf->hosts = xcalloc(items->argc, sizeof(*cf->hosts));
	for (i = 0; i < items->argc; i++) {
		if (mysql_cf_parse_host(items->argv[i], cf->hosts + i, err) < 0) {
			strbuf_printf(why, "%s: hosts: %s", cf->name,
				      strbuf_str(err));
			ret = -1;
			break;
		}
		cf->nhosts++;
	}
	strbuf_free(&err);
	argv_free(&items);
	return ret;
}

/* cf_build_legacy_query - the query from table, select_field, ... */

static int
cf_build_legacy_query(MYSQL_CF *cf, CF_SRC *src, STRBUF *why)
{
	static const char *const names[] = {"table", "select_field",
	"where_field"};
	char   *val[3] = {NULL, NULL, NULL};
	char   *cond = NULL;
	STRBUF *query;
	size_t  i;
	int     ret = 0;

	for (i = 0; ret == 0 && i < ARRAY_LEN(names); i++) {
		if ((ret = cf_get_str(src, names[i], NULL, 1, val + i,
				      why)) == 0 && val[i] == NULL) {
			strbuf_printf(why, "%s: neither 'query' nor the legacy "
				      "'%s' parameter is defined",
				      cf->name, names[i]);
			ret = -1;
		}
	}
	if (ret == 0)
		ret = cf_get_str(src, "additional_conditions", "", 0,
				 &cond, why);
	if (ret == 0) {
		/* The form documented in mysql_table(5), as Postfix builds it. */
		query = strbuf_create(100);
		(void) strbuf_printf(query, "SELECT %s FROM %s WHERE %s='%%s' %s",
				     val[1], val[0], val[2], cond);
		cf->query = strbuf_detach(query);
		strbuf_free(&query);
	}
	for (i = 0; i < ARRAY_LEN(val); i++)
		xfree(val[i]);
	xfree(cond);
	return ret;
}

/* cf_read_settings - everything after the source is open */

static int
cf_read_settings(MYSQL_CF *cf, CF_SRC *src, STRBUF *why)
{
	char   *hosts = NULL;
	char   *domain = NULL;
	int     ret;

	if (cf_get_str(src, "user", "", 0, &cf->user, why) < 0
	    || cf_get_str(src, "password", "", 0, &cf->password, why) < 0
	    || cf_get_str(src, "dbname", "", 1, &cf->dbname, why) < 0
	    || cf_get_str(src, "charset", CF_DEF_CHARSET, 1,
			  &cf->charset, why) < 0
	    || cf_get_str(src, "result_format", "%s", 1,
			  &cf->result_format, why) < 0
	    || cf_get_str(src, "option_file", NULL, 0,
			  &cf->option_file, why) < 0
	    || cf_get_str(src, "option_group", "client", 0,
			  &cf->option_group, why) < 0
	    || cf_get_str(src, "tls_cert_file", NULL, 0,
			  &cf->tls_cert_file, why) < 0
	    || cf_get_str(src, "tls_key_file", NULL, 0,
			  &cf->tls_key_file, why) < 0
	    || cf_get_str(src, "tls_CAfile", NULL, 0,
			  &cf->tls_CAfile, why) < 0
	    || cf_get_str(src, "tls_CApath", NULL, 0,
			  &cf->tls_CApath, why) < 0
	    || cf_get_str(src, "tls_ciphers", NULL, 0,
			  &cf->tls_ciphers, why) < 0
	    || cf_get_bool(src, "tls_verify_cert", -1,
			   &cf->tls_verify_cert, why) < 0
	    || cf_get_bool(src, "require_result_set", 1,
			   &cf->require_result_set, why) < 0
	    || cf_get_long(src, "expansion_limit", 0, 0,
			   &cf->expansion_limit, why) < 0
	    || cf_get_long(src, "retry_interval", CF_DEF_RETRY_INTERVAL, 1,
			   &cf->retry_interval, why) < 0
	    || cf_get_long(src, "idle_interval", CF_DEF_IDLE_INTERVAL, 1,
			   &cf->idle_interval, why) < 0
	    || cf_get_str(src, "query", NULL, 0, &cf->query, why) < 0)
		return -1;
	if (cf->query == NULL && cf_build_legacy_query(cf, src, why) < 0)
		return -1;
	if (cf_parse_template(cf, "query", cf->query, 1, why) < 0
	    || cf_parse_template(cf, "result_format", cf->result_format, 0,
				 why) < 0)
		return -1;
	if (cf_get_str(src, "domain", "", 0, &domain, why) < 0)
		return -1;
	ret = 0;
	if (*domain && (cf->domain = cf_domain_parse(cf->name, domain,
						     why)) == NULL)
		ret = -1;
	xfree(domain);
	if (ret == 0 && (ret = cf_get_str(src, "hosts", "", 0, &hosts,
					  why)) == 0)
		ret = cf_parse_hosts(cf, hosts, why);
	xfree(hosts);
	return ret;
}

/* mysql_cf_read - read the configuration of mysql:name */

MYSQL_CF *
mysql_cf_read(const char *name, STRBUF *why)
{
	MYSQL_CF *cf = xcalloc(1, sizeof(*cf));
	CF_SRC  src;
	int     ret;

	cf->name = xstrdup(name);
	src.name = name;
	src.tab = NULL;
	src.param = NULL;

	/* mysql_table(5): a name not starting with / or . means main.cf. */
	if (*name == '/' || *name == '.') {
		src.tab = nametab_create(30);
		ret = cf_src_load(&src, why);
	} else {
		src.param = strbuf_create(50);
		ret = 0;
	}
	if (ret == 0)
		ret = cf_read_settings(cf, &src, why);
	if (src.tab)
		nametab_free(&src.tab, cf_src_free_value);
	if (src.param)
		strbuf_free(&src.param);
	if (ret < 0) {
		mysql_cf_free(cf);
		return NULL;
	}
	return cf;
}

/* mysql_cf_free - free a configuration */

void
mysql_cf_free(MYSQL_CF *cf)
{
	size_t  i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nhosts; i++)
		mysql_cf_free_host(cf->hosts + i);
	xfree(cf->hosts);
	if (cf->password) {
		explicit_bzero(cf->password, strlen(cf->password));
		xfree(cf->password);
	}
	xfree(cf->name);
	xfree(cf->user);
	xfree(cf->dbname);
	xfree(cf->charset);
	xfree(cf->query);
	xfree(cf->result_format);
	xfree(cf->option_file);
	xfree(cf->option_group);
	xfree(cf->tls_cert_file);
	xfree(cf->tls_key_file);
	xfree(cf->tls_CAfile);
	xfree(cf->tls_CApath);
	xfree(cf->tls_ciphers);
	cf_domain_free(cf->domain);
	xfree(cf);
}

/* cf_domain_labels - do the last n labels of domain exist, non-empty */

static int
cf_domain_labels_ok(const char *domain, int n)
{
	const char *end = domain + strlen(domain);
	const char *dot;
	int     i;

	for (i = 0; i < n; i++) {
		for (dot = end; dot > domain && dot[-1] != '.'; dot--)
			 /* void */ ;
		if (dot == end)			/* empty label */
			return 0;
		if (dot == domain)		/* the first label */
			return i + 1 == n;
		end = dot - 1;
	}
	return 1;
}

/* cf_domain_label - the n-th label from the right (n >= 1) */

static const char *
cf_domain_label(const char *domain, int n, size_t *len)
{
	const char *end = domain + strlen(domain);
	const char *dot = end;
	int     i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			end = dot - 1;
		for (dot = end; dot > domain && dot[-1] != '.'; dot--)
			 /* void */ ;
	}
	*len = (size_t) (end - dot);
	return dot;
}

/* cf_put - append text, quoted when there is a quote function */

static int
cf_put(MYSQL_CF_QUOTE_FN quote, void *context, const char *text, size_t len,
       STRBUF *out, STRBUF *why)
{
	if (quote)
		return quote(context, text, len, out, why);
	(void) strbuf_append(out, text, len);
	return 0;
}

/*
 * cf_expand - expand a template, as Postfix's db_common_expand()
 *
 * For the query, value is the lookup key and key is NULL; for
 * result_format, value is one result and key the lookup key. Lower-case
 * %s %u %d take apart the value, upper-case %S %U %D and %1..%9 the
 * key (for the query the two are the same).
 */

static int
cf_expand(const MYSQL_CF *cf, const char *fmt, const char *value,
	  const char *key, MYSQL_CF_QUOTE_FN quote, void *context,
	  STRBUF *out, STRBUF *why)
{
	const char *vdomain = NULL;
	const char *kdomain = NULL;
	const char *cp;
	const char *text;
	size_t  len;
	int     ret = 0;

	if (value == NULL)
		return 0;
	if (*value == 0) {
		if (key)
			log_warn("table \"mysql:%s\": empty lookup result for: "
				 "\"%s\" -- ignored", cf->name, key);
		else
			log_warn("table \"mysql:%s\": empty query string "
				 "-- ignored", cf->name);
		return 0;
	}
	if (key == NULL) {
		key = value;
		if (cf->flags & (CF_KEY_DOMAIN | CF_KEY_USER)
		    && (vdomain = strrchr(value, '@')) != NULL)
			vdomain++;
		kdomain = vdomain;
	} else {
		if (cf->flags & (CF_VALUE_DOMAIN | CF_VALUE_USER)
		    && (vdomain = strrchr(value, '@')) != NULL)
			vdomain++;
		if (((vdomain == NULL || *vdomain == 0)
		     && (cf->flags & CF_VALUE_DOMAIN))
		    || (vdomain == value + 1 && (cf->flags & CF_VALUE_USER)))
			return 0;
		if (cf->flags & (CF_KEY_DOMAIN | CF_KEY_USER)
		    && (kdomain = strrchr(key, '@')) != NULL)
			kdomain++;
	}

	/* A key without the parts the templates need is not looked up. */
	if (((kdomain == NULL || *kdomain == 0) && (cf->flags & CF_KEY_DOMAIN))
	    || (kdomain == key + 1 && (cf->flags & CF_KEY_USER)))
		return 0;
	if (cf->nparts > 0 && !cf_domain_labels_ok(kdomain, cf->nparts))
		return 0;

	if (strbuf_len(out) > 0)
		(void) strbuf_append_char(out, ',');
	for (cp = fmt; ret == 0 && *cp; cp++) {
		if (*cp != '%') {
			(void) strbuf_append_char(out, *cp);
			continue;
		}
		switch (*++cp) {
		case '%':
			(void) strbuf_append_char(out, '%');
			break;
		case 's':
			ret = cf_put(quote, context, value, strlen(value), out,
				     why);
			break;
		case 'S':
			ret = cf_put(quote, context, key, strlen(key), out, why);
			break;
		case 'u':
			len = vdomain ? (size_t) (vdomain - value - 1) : strlen(value);
			ret = cf_put(quote, context, value, len, out, why);
			break;
		case 'U':
			len = kdomain ? (size_t) (kdomain - key - 1) : strlen(key);
			ret = cf_put(quote, context, key, len, out, why);
			break;
		case 'd':
			ret = cf_put(quote, context, vdomain, strlen(vdomain),
				     out, why);
			break;
		case 'D':
			ret = cf_put(quote, context, kdomain, strlen(kdomain),
				     out, why);
			break;
		case '1': case '2': case '3': case '4': case '5':
		case '6': case '7': case '8': case '9':
			text = cf_domain_label(kdomain, *cp - '0', &len);
			ret = cf_put(quote, context, text, len, out, why);
			break;
		default:
			log_panic("cf_expand: %s: unchecked template: %s",
				  cf->name, fmt);
		}
	}
	return ret < 0 ? -1 : 1;
}

/* mysql_cf_expand_query - the query for one lookup key */

int
mysql_cf_expand_query(const MYSQL_CF *cf, const char *key,
		      MYSQL_CF_QUOTE_FN quote, void *context, STRBUF *out,
		      STRBUF *why)
{
	strbuf_reset(out);
	return cf_expand(cf, cf->query, key, NULL, quote, context, out, why);
}

/* mysql_cf_expand_result - append one formatted result value */

int
mysql_cf_expand_result(const MYSQL_CF *cf, const char *value,
		       const char *key, STRBUF *out)
{
	return cf_expand(cf, cf->result_format, value, key, NULL, NULL, out,
			 NULL);
}
