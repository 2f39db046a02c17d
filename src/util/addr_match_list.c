/*
 * addr_match_list.c - match a client name and address against a list
 *
 * Everything is parsed when the list is created: address blocks become
 * CIDR_MATCH entries, /file/name entries are replaced by the entries in
 * the file, and tables are opened through the caller's table layer. A
 * match is then a walk over a flat array. Where this differs from
 * Postfix it is on the side of saying what is wrong: a bracketed or
 * net/mask entry that does not parse fails the create (Postfix gives up
 * later, with a fatal error at match time), and a bare IPv6 address
 * gets its own message instead of "unsupported dictionary type".
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "addr_match_list.h"
#include "cidr_match.h"
#include "inet_addr.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

/* Entry kinds. */
#define AML_CIDR 1   /* address block */
#define AML_NAME 2   /* host or .domain name */
#define AML_TABLE 3  /* type:table */
#define AML_BROKEN 4 /* unreadable /file/name */

typedef struct ADDR_MATCH_ENTRY {
	int kind;
	int negate;	 /* a match means "not in the list" */
	CIDR_MATCH cidr; /* AML_CIDR */
	char *text;	 /* name (lower case), type:table, or
			  * the reason a file is unusable */
	size_t text_len;
	void *table; /* AML_TABLE handle */
	int props;   /* AML_TABLE ADDR_MATCH_TABLE_* */
} ADDR_MATCH_ENTRY;

struct ADDR_MATCH_LIST {
	ADDR_MATCH_ENTRY *ent;
	size_t count;
	size_t size;
	int flags;
	const ADDR_MATCH_TABLE_OPS *ops;
	void *context;
	STRBUF *key;   /* table lookup key */
	STRBUF *error; /* why the last match returned -1 */
};

static const ADDR_MATCH_TABLE_OPS *addr_match_default_ops;
static void *addr_match_default_context;

/* Separators between entries, as in Postfix lists. */
#define AML_DELIMS ", \t\r\n"

static int addr_match_list_parse(ADDR_MATCH_LIST *, char *, int, int, STRBUF *);

/* addr_match_list_set_table_ops - set the default table layer */

void
addr_match_list_set_table_ops(const ADDR_MATCH_TABLE_OPS *ops, void *context)
{
	addr_match_default_ops = ops;
	addr_match_default_context = context;
}

/* addr_match_list_add - new zeroed entry at the end */

static ADDR_MATCH_ENTRY *
addr_match_list_add(ADDR_MATCH_LIST *list, int kind, int negate)
{
	ADDR_MATCH_ENTRY *ent;

	if (list->count == list->size) {
		list->size = list->size ? size_mul(list->size, 2) : 8;
		list->ent = xrealloc(list->ent,
				     size_mul(list->size, sizeof(*list->ent)));
	}
	ent = list->ent + list->count++;
	memset(ent, 0, sizeof(*ent));
	ent->kind = kind;
	ent->negate = negate;
	return ent;
}

/* addr_match_list_file - read a /file/name into entries */

static int
addr_match_list_file(ADDR_MATCH_LIST *list, const char *path, int negate,
		     int depth, STRBUF *why)
{
	ADDR_MATCH_ENTRY *ent;
	FILE *fp;
	char *line = NULL;
	size_t line_size = 0;
	int status = 0;

	if (depth >= ADDR_MATCH_MAX_DEPTH) {
		if (why)
			strbuf_printf(why, "%s: files nested more than %d deep",
				      path, ADDR_MATCH_MAX_DEPTH);
		return -1;
	}

	/*
	 * Like Postfix, an unreadable file does not stop the program; a
	 * match that reaches it reports an error, so the caller can defer.
	 */
	if ((fp = fopen(path, "re")) == NULL) {
		ent = addr_match_list_add(list, AML_BROKEN, negate);
		ent->text = str_concat("open ", path, ": ", strerror(errno),
				       (char *) NULL);
		return 0;
	}
	/* A word that starts with '#' ends its line: see the parser. */
	while (status == 0 && getline(&line, &line_size, fp) >= 0)
		status =
		    addr_match_list_parse(list, line, negate, depth + 1, why);
	if (status == 0 && ferror(fp)) {
		ent = addr_match_list_add(list, AML_BROKEN, negate);
		ent->text = str_concat("read ", path, ": ", strerror(errno),
				       (char *) NULL);
	}
	free(line);
	fclose(fp);
	if (status < 0 && why) {
		STRBUF *inner = strbuf_create(100);

		strbuf_set(inner, strbuf_str(why));
		strbuf_printf(why, "%s: %s", path, strbuf_str(inner));
		strbuf_free(&inner);
	}
	return status;
}

/* addr_match_list_table - open a type:table entry */

static int
addr_match_list_table(ADDR_MATCH_LIST *list, const char *item, int negate,
		      STRBUF *why)
{
	ADDR_MATCH_ENTRY *ent;
	const char *colon = strchr(item, ':');
	const char *cp;
	void *table;
	int props = 0;

	for (cp = item; cp < colon; cp++)
		if (!isalnum((unsigned char) *cp) && *cp != '_' && *cp != '-')
			break;
	if (cp == item || cp < colon || colon[1] == 0) {
		if (why)
			strbuf_printf(why,
				      "bad table name \"%s\": expected "
				      "type:name",
				      item);
		return -1;
	}
	if (list->ops == NULL) {
		if (why)
			strbuf_printf(why,
				      "table \"%s\": lookup tables are not "
				      "supported here",
				      item);
		return -1;
	}
	/* The table layer always gets somewhere to put its reason. */
	if (why == NULL) {
		STRBUF *scratch = strbuf_create(100);

		table = list->ops->open(list->context, item, list->flags,
					&props, scratch);
		strbuf_free(&scratch);
	} else {
		table = list->ops->open(list->context, item, list->flags,
					&props, why);
	}
	if (table == NULL)
		return -1;
	ent = addr_match_list_add(list, AML_TABLE, negate);
	ent->text = xstrdup(item);
	ent->text_len = strlen(item);
	ent->table = table;
	ent->props = props;
	return 0;
}

/* addr_match_list_entry - classify and add one entry */

static int
addr_match_list_entry(ADDR_MATCH_LIST *list, char *item, int negate, int depth,
		      STRBUF *why)
{
	ADDR_MATCH_ENTRY *ent;
	CIDR_MATCH cidr;

	if (*item == '/')
		return addr_match_list_file(list, item, negate, depth, why);
	if (*item != '[' && strchr(item, ':') != NULL) {
		/* mynetworks docs: IPv6 needs [] or it reads as type:table. */
		if (cidr_match_parse(&cidr, item, NULL) == 0) {
			if (why)
				strbuf_printf(why,
					      "IPv6 address \"%s\" must be "
					      "enclosed in []",
					      item);
			return -1;
		}
		return addr_match_list_table(list, item, negate, why);
	} else if (*item == '[' || strchr(item, '/') != NULL) {
		if (cidr_match_parse(&cidr, item, why) < 0)
			return -1;
	} else if (item[strspn(item, "0123456789.")] != 0 ||
		   cidr_match_parse(&cidr, item, NULL) < 0) {
		/* Also "1.2.3": Postfix never matches it; neither do we. */
		ent = addr_match_list_add(list, AML_NAME, negate);
		ent->text = str_lower(xstrdup(item));
		ent->text_len = strlen(item);
		return 0;
	}
	ent = addr_match_list_add(list, AML_CIDR, negate);
	ent->cidr = cidr;
	return 0;
}

/* addr_match_list_parse - add the entries of a text */

static int
addr_match_list_parse(ADDR_MATCH_LIST *list, char *text, int negate, int depth,
		      STRBUF *why)
{
	char *cp = text;
	char *tok;
	char *item;
	int err;
	int neg;

	while ((tok = token_next_q(&cp, AML_DELIMS, "{}", &err)) != NULL) {
		if (err) {
			if (why)
				strbuf_printf(why, "unbalanced {} in \"%s\"",
					      tok);
			return -1;
		}
		if (*tok == '#') /* the rest is a comment */
			break;
		for (neg = negate, item = tok; *item == '!'; item++)
			neg = !neg;
		if (*item == 0) {
			if (why)
				strbuf_printf(
				    why, "no pattern after '!' in \"%s\"", tok);
			return -1;
		}
		if (addr_match_list_entry(list, item, neg, depth, why) < 0)
			return -1;
	}
	return 0;
}

/* addr_match_list_create_ops - parse a list with a given table layer */

ADDR_MATCH_LIST *
addr_match_list_create_ops(const char *patterns, int flags,
			   const ADDR_MATCH_TABLE_OPS *ops, void *context,
			   STRBUF *why)
{
	ADDR_MATCH_LIST *list = xcalloc(1, sizeof(*list));
	char *copy = xstrdup(patterns);

	list->flags = flags;
	list->ops = ops;
	list->context = context;
	list->key = strbuf_create(100);
	list->error = strbuf_create(100);
	if (addr_match_list_parse(list, copy, 0, 0, why) < 0) {
		addr_match_list_free(list);
		list = NULL;
	}
	xfree(copy);
	return list;
}

/* addr_match_list_create - parse a list with the default table layer */

ADDR_MATCH_LIST *
addr_match_list_create(const char *patterns, int flags, STRBUF *why)
{
	return addr_match_list_create_ops(patterns, flags,
					  addr_match_default_ops,
					  addr_match_default_context, why);
}

/* addr_match_list_name - does a name or .domain entry match */

static int
addr_match_list_name(const ADDR_MATCH_ENTRY *ent, const char *name,
		     size_t name_len, int parent)
{
	const char *tail;

	if (strcasecmp(name, ent->text) == 0)
		return 1;
	if (name_len <= ent->text_len)
		return 0;
	tail = name + name_len - ent->text_len;
	/* ".example.com" always means subdomains. */
	if (ent->text[0] == '.')
		return strcasecmp(tail, ent->text) == 0;
	/* parent_domain_matches_subdomains: "example.com" does too. */
	return parent && tail[-1] == '.' && strcasecmp(tail, ent->text) == 0;
}

/* addr_match_list_lookup - one table lookup, with the error recorded */

static int
addr_match_list_lookup(ADDR_MATCH_LIST *list, ADDR_MATCH_ENTRY *ent,
		       const char *key)
{
	int status = list->ops->lookup(list->context, ent->table, key);

	if (status < 0)
		strbuf_printf(list->error, "%s: table lookup problem",
			      ent->text);
	return status;
}

/* addr_match_list_table_match - look up name, parent domains, address */

static int
addr_match_list_table_match(ADDR_MATCH_LIST *list, ADDR_MATCH_ENTRY *ent,
			    const char *hostname, const char *addr)
{
	const char *key;
	const char *next;
	int status;

	if (hostname != NULL && *hostname != 0) {
		strbuf_set(list->key, hostname);
		str_lower(strbuf_str(list->key));
		key = strbuf_str(list->key);
		for (;;) {
			status = addr_match_list_lookup(list, ent, key);
			if (status != 0)
				return status;
			/* Pattern tables see the full name only. */
			if ((ent->props & ADDR_MATCH_TABLE_PATTERN) ||
			    (next = strchr(key + 1, '.')) == NULL)
				break;
			/* Parent style: "example.com", else ".example.com". */
			if (list->flags & ADDR_MATCH_FLAG_PARENT)
				next++;
			if (*next == 0)
				break;
			key = next;
		}
	}
	if (addr != NULL) {
		strbuf_set(list->key, addr);
		str_lower(strbuf_str(list->key));
		return addr_match_list_lookup(list, ent, strbuf_str(list->key));
	}
	return 0;
}

/* addr_match_list_match - first matching entry decides */

int
addr_match_list_match(ADDR_MATCH_LIST *list, const char *hostname,
		      const char *addr)
{
	ADDR_MATCH_ENTRY *ent;
	size_t i;
	INET_ADDR ia;
	int have_addr = addr != NULL && inet_addr_pton(addr, &ia) == 0;
	size_t name_len = hostname ? strlen(hostname) : 0;
	int parent = (list->flags & ADDR_MATCH_FLAG_PARENT) != 0;
	int hit;

	strbuf_reset(list->error);
	for (i = 0; i < list->count; i++) {
		ent = list->ent + i;
		switch (ent->kind) {
		case AML_CIDR:
			hit = have_addr && cidr_match_addr(&ent->cidr, &ia);
			break;
		case AML_NAME:
			hit = hostname != NULL &&
			      addr_match_list_name(ent, hostname, name_len,
						   parent);
			break;
		case AML_TABLE:
			hit = addr_match_list_table_match(
			    list, ent, hostname, have_addr ? addr : NULL);
			if (hit < 0)
				return -1;
			break;
		default:
			strbuf_set(list->error, ent->text);
			return -1;
		}
		if (hit)
			return ent->negate ? 0 : 1;
	}
	return 0;
}

/* addr_match_list_error - why the last match failed */

const char *
addr_match_list_error(const ADDR_MATCH_LIST *list)
{
	return strbuf_str(list->error);
}

/* addr_match_list_size - number of entries */

size_t
addr_match_list_size(const ADDR_MATCH_LIST *list)
{
	return list->count;
}

/* addr_match_list_free - close tables, release memory */

void
addr_match_list_free(ADDR_MATCH_LIST *list)
{
	ADDR_MATCH_ENTRY *ent;
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < list->count; i++) {
		ent = list->ent + i;
		if (ent->kind == AML_TABLE && list->ops->close != NULL)
			list->ops->close(list->context, ent->table);
		xfree(ent->text);
	}
	xfree(list->ent);
	strbuf_free(&list->key);
	strbuf_free(&list->error);
	xfree(list);
}
