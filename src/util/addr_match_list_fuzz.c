/*
 * addr_match_list_fuzz.c - libFuzzer target for address match lists
 *
 * Input: a flag byte, then NUL-separated parts: the list text, a host
 * name, an address and, when the flags say so, the text of a
 * /file/name that goes first in the list (written to a temporary file
 * for each run). A fake table layer answers type:table entries: a
 * table "t:name" finds the key "name", "t:retry" fails its lookups and
 * "fail:x" does not open.
 *
 * Checks: a list that does not parse says why; lookup keys come in
 * lower case (the contract in addr_match_list.h) and are the host
 * name, its parent domains (not for pattern tables) or the address; every table opened is closed, also when the create
 * fails; a match is 1, 0 or -1 with a reason, and repeats itself.
 *
 * Words that start with '/' are other /file/names: inputs with them are
 * skipped, so that the fuzzer never reads /dev/zero or a tty.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr_match_list.h"
#include "fuzz_file.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Flag byte. */
#define FUZZ_PARENT	(1 << 0)	/* ADDR_MATCH_FLAG_PARENT */
#define FUZZ_FILE	(1 << 1)	/* a /file/name first */
#define FUZZ_NO_WHY	(1 << 2)	/* create without a reason buffer */
#define FUZZ_NO_OPS	(1 << 3)	/* no table layer */

static const char *fuzz_file;			/* the /file/name in it */

/* A table of the fake layer. */
typedef struct FAKE_TABLE {
	char   *name;			/* the part after the ':' */
	int	props;
} FAKE_TABLE;

static int fake_opened;			/* tables open now */
static char *fake_host;			/* the match's host name, lower case */
static char *fake_addr;			/* the match's address, lower case */

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* fake_open - any type opens except "fail" */

static void *
fake_open(void *context, const char *type_name, int list_flags, int *props,
	  STRBUF *why)
{
	const char *colon = strchr(type_name, ':');
	FAKE_TABLE *table;

	check(colon != NULL && colon > type_name && colon[1] != 0,
	      "table name without type or name");
	check(*props == 0 && why != NULL, "open arguments");
	if (strncmp(type_name, "fail:", 5) == 0) {
		strbuf_set(why, "fake table does not open");
		return NULL;
	}
	table = xmalloc(sizeof(*table));
	table->name = xstrdup(colon + 1);
	if (strncmp(type_name, "regexp:", 7) == 0
	    || strncmp(type_name, "cidr:", 5) == 0)
		*props = ADDR_MATCH_TABLE_PATTERN;
	table->props = *props;
	fake_opened++;
	return table;
}

/* fake_lookup - found when the key is the table's name */

static int
fake_lookup(void *context, void *handle, const char *key)
{
	FAKE_TABLE *table = handle;
	const char *cp;

	for (cp = key; *cp; cp++)
		check(!isupper((unsigned char) *cp), "lookup key not in lower case");
	check(*key != 0, "empty lookup key");
	/* The name, parent domains (not for patterns), the address. */
	check((fake_addr && strcmp(key, fake_addr) == 0)
	      || (fake_host && (table->props & ADDR_MATCH_TABLE_PATTERN) == 0
		  && str_has_suffix(fake_host, key))
	      || (fake_host && strcmp(key, fake_host) == 0),
	      "lookup key is neither name, parent domain nor address");
	if (strcmp(table->name, "retry") == 0)
		return -1;
	return strcmp(table->name, key) == 0;
}

/* fake_close - forget a table */

static void
fake_close(void *context, void *handle)
{
	FAKE_TABLE *table = handle;

	xfree(table->name);
	xfree(table);
	fake_opened--;
}

static const ADDR_MATCH_TABLE_OPS fake_ops = {
	.open = fake_open,
	.lookup = fake_lookup,
	.close = fake_close,
};

/* fuzz_match - addr_match_list_match() with the keys the tables may see */

static int
fuzz_match(ADDR_MATCH_LIST *list, const char *host, const char *addr)
{
	int	status;

	fake_host = host ? str_lower(xstrdup(host)) : NULL;
	fake_addr = addr ? str_lower(xstrdup(addr)) : NULL;
	status = addr_match_list_match(list, host, addr);
	check(status >= -1 && status <= 1, "match result");
	check(status >= 0 || *addr_match_list_error(list) != 0,
	      "match error without reason");
	xfree(fake_host);
	xfree(fake_addr);
	fake_host = fake_addr = NULL;
	return status;
}

/* starts_file_word - does text have a word that starts with '/' */

static int
starts_file_word(const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (text[i] == '/' && (i == 0 || strchr(", \t\r\n!", text[i - 1])))
			return 1;
	return 0;
}

/* next_part - the text up to the next NUL, or the rest */

static const char *
next_part(const uint8_t **data, size_t *size, size_t *len)
{
	const char *part = (const char *) *data;
	const char *nul = memchr(part, 0, *size);

	*len = nul ? (size_t) (nul - part) : *size;
	*data += *len + (nul != NULL);
	*size -= *len + (nul != NULL);
	return part;
}

/* LLVMFuzzerInitialize - once: log setup and a private directory */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_file = fuzz_file_setup("aml_fuzz", "list");
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ADDR_MATCH_LIST *list;
	STRBUF *why;
	STRBUF *patterns;
	const char *part[4];
	size_t	len[4];
	char   *host;
	char   *addr;
	int	flags;
	int	status;
	int	i;

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	for (i = 0; i < 4; i++)
		part[i] = next_part(&data, &size, len + i);
	if (starts_file_word(part[0], len[0])
	    || ((flags & FUZZ_FILE) && starts_file_word(part[3], len[3])))
		return 0;

	patterns = strbuf_create(100);
	if (flags & FUZZ_FILE) {
		fuzz_file_write(part[3], len[3]);
		strbuf_printf(patterns, "%s ", fuzz_file);
	}
	strbuf_append(patterns, part[0], len[0]);
	host = len[1] ? xstrndup(part[1], len[1]) : NULL;
	addr = len[2] ? xstrndup(part[2], len[2]) : NULL;
	why = (flags & FUZZ_NO_WHY) ? NULL : strbuf_create(100);

	list = addr_match_list_create_ops(strbuf_str(patterns),
				  (flags & FUZZ_PARENT) ? ADDR_MATCH_FLAG_PARENT
					: ADDR_MATCH_FLAG_NONE,
				  (flags & FUZZ_NO_OPS) ? NULL : &fake_ops,
					  NULL, why);
	if (list == NULL) {
		check(why == NULL || strbuf_len(why) > 0, "error without reason");
		check(fake_opened == 0, "failed create left tables open");
	} else {
		status = fuzz_match(list, host, addr);
		check(fuzz_match(list, host, addr) == status,
		      "match does not repeat");
		status = fuzz_match(list, NULL, NULL);
		check(status == 0 || status == -1, "match of nothing");
		(void) fuzz_match(list, host, NULL);
		(void) fuzz_match(list, NULL, addr);
		check(addr_match_list_size(list) <= strbuf_len(patterns) + len[3],
		      "more entries than words");
		addr_match_list_free(list);
		check(fake_opened == 0, "free left tables open");
	}
	if (why)
		strbuf_free(&why);
	strbuf_free(&patterns);
	xfree(host);
	xfree(addr);
	return 0;
}
