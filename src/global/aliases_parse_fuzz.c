/*
 * aliases_parse_fuzz.c - libFuzzer target for the aliases(5) syntax
 *
 * The input (up to its first NUL) is parsed as a logical line of an
 * aliases file, and split as a right-hand side (a .forward or :include:
 * line goes straight to aliases_split_value() in the local agent).
 *
 * Checks: an error comes with a reason; the stored value is in external
 * form, so parsing "name: VALUE" again gives the same value back (but
 * for Postfix quirks noted below, which this module keeps), and it
 * splits into the same destinations as the text after the colon did; aliases_split_value()
 * counts what it adds; every destination has a type, and its argument
 * lies inside it.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliases_parse.h"
#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* split - destinations of a value, with the per-destination checks */

static ARGV *
split(const char *value)
{
	ARGV   *dests = argv_create();
	const char *arg;
	size_t	count;
	size_t	i;
	int	type;

	count = aliases_split_value(value, dests);
	check(count == dests->argc, "split count");
	for (i = 0; i < dests->argc; i++) {
		type = aliases_dest_type(dests->argv[i], &arg);
		check(type == ALIASES_DEST_ADDRESS || type == ALIASES_DEST_FILE
		      || type == ALIASES_DEST_COMMAND
		      || type == ALIASES_DEST_INCLUDE, "destination type");
		check(arg >= dests->argv[i]
		      && arg <= dests->argv[i] + strlen(dests->argv[i]),
		      "destination argument outside the destination");
		check(aliases_dest_type(dests->argv[i], NULL) == type,
		      "destination type without argument");
	}
	return dests;
}

/* same_argv - same strings in the same order */

static int
same_argv(const ARGV *a, const ARGV *b)
{
	size_t	i;

	if (a->argc != b->argc)
		return 0;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 0;
	return 1;
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "aliases_parse_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("aliases_parse_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *line = xstrndup((const char *) data, size);
	STRBUF *name = strbuf_create(100);
	STRBUF *value = strbuf_create(100);
	STRBUF *name2 = strbuf_create(100);
	STRBUF *value2 = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	STRBUF *trimmed = strbuf_create(100);
	char   *again;
	char   *colon;
	ARGV   *dests;
	ARGV   *dests2;
	int	status;

	status = aliases_parse_line(line, name, value, why);
	check(status == ALIASES_PARSE_OK || status == ALIASES_PARSE_EMPTY
	      || status == ALIASES_PARSE_ERROR, "parse status");
	check(status != ALIASES_PARSE_ERROR || strbuf_len(why) > 0,
	      "parse error without reason");
	/*
	 * "a: \" stores an empty value, as in Postfix, but "x: " does not
	 * parse: only a value with text is parsed again.
	 */
	/*
	 * Postfix writes a domain literal without the backslashes it had
	 * ("[a\]b]" becomes "[a]b]"), which then reads differently; so do
	 * we, for compatibility. Lines with both are not parsed again.
	 */
	if (status == ALIASES_PARSE_OK && strbuf_len(value) > 0
	    && !(strchr(line, '[') && strchr(line, '\\'))) {
		/* The stored value is stable: parsed again, it is itself. */
		again = str_concat("x: ", strbuf_str(value), (char *) NULL);
		if (aliases_parse_line(again, name2, value2, why)
		    != ALIASES_PARSE_OK)
			log_panic("check failed: stored value does not parse: "
				  "%s: %s", strbuf_str(why), again);
		/*
		 * A backslash at the very end is an empty atom, which Postfix
		 * stores as a trailing space; parsed again, that goes. So
		 * does trailing white space in an unclosed comment.
		 */
		strbuf_set(trimmed, strbuf_str(value));
		strbuf_trim_right(trimmed);
		strbuf_trim_right(value2);
		if (strcmp(strbuf_str(name2), "x") != 0
		    || strcmp(strbuf_str(value2), strbuf_str(trimmed)) != 0)
			log_panic("check failed: stored value changes when "
				  "parsed again: \"%s\" -> \"%s\"",
				  strbuf_str(value), strbuf_str(value2));
		xfree(again);

		/*
		 * And it names the same destinations as the text after the
		 * colon, when nothing before it can hide another colon, and
		 * the text does not end in the empty atom of a backslash
		 * (the stored value keeps only a space for it, as Postfix's).
		 */
		colon = strchr(line, ':');
		if (colon != NULL
		    && strcspn(line, "\"(\\[<") > (size_t) (colon - line)
		    && !str_has_suffix(line, "\\")) {
			dests = split(strbuf_str(value));
			dests2 = split(colon + 1);
			if (!same_argv(dests, dests2))
				log_panic("check failed: stored value \"%s\" "
					  "names other destinations than \"%s\"",
					  strbuf_str(value), colon + 1);
			argv_free(&dests);
			argv_free(&dests2);
		}
	}

	/* The whole line as a .forward line. */
	dests = split(line);
	argv_free(&dests);

	strbuf_free(&name);
	strbuf_free(&value);
	strbuf_free(&name2);
	strbuf_free(&value2);
	strbuf_free(&why);
	strbuf_free(&trimmed);
	xfree(line);
	return 0;
}
