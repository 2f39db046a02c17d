/*
 * map_pattern_fuzz.c - libFuzzer target for regexp, pcre and cidr tables
 *
 * Input: a flag byte, the table text up to the first NUL, then lookup
 * keys separated by NULs. The flag byte picks the driver, the source
 * form (a file, written for each run, or the inline "type:{...}" text,
 * read from memory) and the MAP_F_FOLD_MUL and MAP_F_NO_REGSUB flags.
 * The table is opened through map_open(), as programs open it.
 *
 * Checks: a table that does not open says why; a pattern table answers
 * a lookup with MAP_FOUND or MAP_NOTFOUND, the same answer twice, and
 * never finds the empty key; with MAP_F_FOLD_MUL the case of the key
 * makes no difference; operations a pattern table lacks are MAP_RETRY.
 *
 * glibc's POSIX regex takes exponential time or memory for some input,
 * in Postfix too, and no bug of ours: regcomp() for stacked repeats
 * (see regcomp_explodes()), regexec() for back references. Regexp tables
 * with many repeats are skipped; keys are not looked up in ones that use
 * back references ("\1".."\9").
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "log.h"
#include "map.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Flag byte. */
#define FUZZ_DRIVER(f)	((f) & 3)	/* index into fuzz_types */
#define FUZZ_INLINE	(1 << 2)	/* type:{text} instead of a file */
#define FUZZ_FOLD	(1 << 3)	/* MAP_F_FOLD_MUL */
#define FUZZ_NO_REGSUB	(1 << 4)	/* MAP_F_NO_REGSUB */

#define FUZZ_MAX_KEYS	8
#define FUZZ_MAX_KEY	256		/* longer keys are cut */

static const char *const fuzz_types[] = {"regexp", "pcre", "cidr", "regexp"};

static const char *fuzz_file;			/* the table file in it */

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* has_backref - does a regexp table use \1 .. \9 */

static int
has_backref(const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i++)
		if (text[i] == '\\' && text[i + 1] >= '1' && text[i + 1] <= '9')
			return 1;
	return 0;
}

/*
 * regcomp_explodes - glibc regcomp() copies the expression for each '+'
 * and for each {n,m} repeat, so "a++++..." or "((a{99}){99}){99}" takes
 * memory exponential in the text: allow one interval and four '+'
 */

static int
regcomp_explodes(const char *text, size_t len)
{
	size_t	i;
	int	plus = 0;
	int	intervals = 0;

	for (i = 0; i < len; i++) {
		plus += text[i] == '+';
		intervals += text[i] == '{' && i + 1 < len
		    && isdigit((unsigned char) text[i + 1]);
	}
	return plus > 4 || intervals > 1;
}

/* fuzz_lookup - the checks for one key */

static void
fuzz_lookup(MAP *map, const char *key, int flags)
{
	STRBUF *value = strbuf_create(100);
	STRBUF *again = strbuf_create(100);
	char   *upper;
	int	status;

	status = map_lookup(map, key, value);
	check(status == MAP_FOUND || status == MAP_NOTFOUND,
	      "pattern table lookup neither found nor not found");
	check(*key != 0 || status == MAP_NOTFOUND, "empty key found");
	check(map_lookup(map, key, again) == status, "lookup not repeatable");
	check(status != MAP_FOUND || strcmp(strbuf_str(value),
					    strbuf_str(again)) == 0,
	      "lookup value not repeatable");
	if (flags & FUZZ_FOLD) {
		upper = str_upper(xstrdup(key));
		check(map_lookup(map, upper, again) == status,
		      "folded lookup differs");
		check(status != MAP_FOUND || strcmp(strbuf_str(value),
						    strbuf_str(again)) == 0,
		      "folded lookup value differs");
		xfree(upper);
	}
	strbuf_free(&value);
	strbuf_free(&again);
}

/* LLVMFuzzerInitialize - once: log setup and a private directory */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_file = fuzz_file_setup("map_pattern_fuzz", "table");
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	const char *type;
	const char *nul;
	STRBUF *spec;
	STRBUF *why;
	STRBUF *key;
	STRBUF *value;
	size_t	len;
	int	flags;
	int	map_flags;
	int	nkeys;
	MAP    *map;

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	text = (const char *) data;
	nul = memchr(text, 0, size);
	len = nul ? (size_t) (nul - text) : size;
	data += len + (nul != NULL);
	size -= len + (nul != NULL);
	type = fuzz_types[FUZZ_DRIVER(flags)];
	if (strcmp(type, "regexp") == 0 && regcomp_explodes(text, len))
		return 0;
	map_flags = ((flags & FUZZ_FOLD) ? MAP_F_FOLD_MUL : 0)
	    | ((flags & FUZZ_NO_REGSUB) ? MAP_F_NO_REGSUB : 0);

	spec = strbuf_create(100);
	why = strbuf_create(100);
	if (flags & FUZZ_INLINE) {
		/* The braces keep the text from naming a file. */
		strbuf_printf(spec, "%s:{", type);
		strbuf_append(spec, text, len);
		strbuf_append_char(spec, '}');
	} else {
		fuzz_file_write(text, len);
		strbuf_printf(spec, "%s:%s", type, fuzz_file);
	}

	if ((map = map_open(strbuf_str(spec), O_RDONLY, map_flags, why)) == NULL) {
		check(strbuf_len(why) > 0, "open error without reason");
	} else {
		check((map->flags & MAP_F_PATTERN) != 0, "not a pattern table");
		if (strcmp(type, "regexp") == 0 && has_backref(text, len))
			size = 0;
		key = strbuf_create(100);
		fuzz_lookup(map, "", flags);
		for (nkeys = 0; size > 0 && nkeys < FUZZ_MAX_KEYS; nkeys++) {
			nul = memchr(data, 0, size);
			len = nul ? (size_t) (nul - (const char *) data) : size;
			strbuf_set_mem(key, data, len > FUZZ_MAX_KEY ?
				       FUZZ_MAX_KEY : len);
			data += len + (nul != NULL);
			size -= len + (nul != NULL);
			fuzz_lookup(map, strbuf_str(key), flags);
		}
		value = strbuf_create(10);
		check(map_update(map, "k", "v") == MAP_RETRY, "update worked");
		check(map_delete(map, "k") == MAP_RETRY, "delete worked");
		check(map_sequence(map, MAP_SEQ_FIRST, key, value) == MAP_RETRY,
		      "sequence worked");
		strbuf_free(&value);
		strbuf_free(&key);
		map_close(map);
	}
	strbuf_free(&spec);
	strbuf_free(&why);
	return 0;
}
