/*
 * mainconf_fuzz.c - libFuzzer target for main.cf reading and expansion
 *
 * The input is written as main.cf in a private directory and read with
 * mainconf_read(). Every value is then expanded by the real engine
 * through mainconf_expand_fn(), in each mode, with a lookup that sees
 * main.cf and the static defaults. Each line also goes through
 * mainconf_parse_assignment().
 *
 * Checks: errors come with a reason; expansion ends (loops are caught by
 * the nesting limit, with Postfix's message for "name = $name", and a
 * run never hangs); text without '$' expands to itself, and so does
 * any text with each '$' doubled, without a single lookup; a scan looks
 * nothing up and writes nothing; expansion is repeatable; a parsed
 * assignment is trimmed and parses again the same; unset and override
 * keep the list of names consistent.
 *
 * The lookup does not call dynamic defaults (such as mydomain): those
 * evaluate main.cf values with mainconf_eval(), which exits on a bad
 * value by design. A chain like "a = $b $b", "b = $c $c" ... doubles the
 * work per line, in Postfix too; the lookup stops answering after
 * FUZZ_MAX_LOOKUPS so that such input costs time linear in its size.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "fuzz_file.h"
#include "log.h"
#include "mainconf.h"
#include "mem.h"
#include "param.h"
#include "strbuf.h"
#include "stringops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_LOOKUPS	2000
#define FUZZ_RESULT_LIMIT	(1024 * 1024)

static const char *fuzz_file;			/* its main.cf */

/* The lookup's state for one expansion. */
typedef struct FUZZ_LOOKUP {
	int	count;			/* lookups so far */
} FUZZ_LOOKUP;

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* fuzz_lookup - main.cf, then static defaults; counted and bounded */

static const char *
fuzz_lookup(const char *name, void *context)
{
	FUZZ_LOOKUP *state = context;
	const PARAM_DEF *def;
	const char *value;

	/* "${?x}" looks up the empty name, in Postfix too. */
	if (++state->count > FUZZ_MAX_LOOKUPS)
		return NULL;
	def = param_find(name);
	if ((def == NULL || !(def->flags & PARAM_F_READONLY))
	    && (value = mainconf_lookup_raw(name)) != NULL)
		return value;
	if (def == NULL)
		return NULL;
	return (def->flags & PARAM_F_DYNAMIC) ? "dynamic.example" :
	    param_default(def);
}

/* expand - one expansion; returns the status, fills result and why */

static int
expand(STRBUF *result, const char *value, int flags, int *lookups,
       STRBUF *why)
{
	FUZZ_LOOKUP state = {0};
	ARGV   *used = argv_create();
	int	status;

	strbuf_reset(why);
	status = mainconf_expand_fn(result, value, flags, fuzz_lookup, &state,
				    used, why);
	check(status == 0 || status == -1, "expand status");
	check(status == 0 || strbuf_len(why) > 0, "expand error without reason");
	if (!(flags & (MAINCONF_EXP_RECORD | MAINCONF_EXP_SCAN)))
		check(used->argc == 0, "names recorded without being asked");
	if (flags & MAINCONF_EXP_RECORD)
		check(used->argc >= (size_t) (state.count < FUZZ_MAX_LOOKUPS ?
					      state.count : 0),
		      "lookups not recorded");
	argv_free(&used);
	*lookups = state.count;
	return status;
}

/* is_self_reference - is value "$name", "${name}" or "$(name)" */

static int
is_self_reference(const char *name, const char *value)
{
	size_t	len = strlen(name);
	const PARAM_DEF *def = param_find(name);
	const char *cp;

	/* A program sees the default of a read-only parameter. */
	if (def != NULL && (def->flags & PARAM_F_READONLY))
		return 0;
	/* Only such names can be referred to. */
	for (cp = name; *cp; cp++)
		if (!isalnum((unsigned char) *cp) && *cp != '_')
			return 0;
	if (value[0] != '$')
		return 0;
	if (strcmp(value + 1, name) == 0)
		return 1;
	return (value[1] == '{' || value[1] == '(')
	    && strncmp(value + 2, name, len) == 0
	    && value[2 + len] == (value[1] == '{' ? '}' : ')')
	    && value[3 + len] == 0;
}

/* fuzz_value - the expansion checks for one value */

static void
fuzz_value(const char *name, const char *value)
{
	STRBUF *result = strbuf_create(100);
	STRBUF *again = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	STRBUF *escaped = strbuf_create(100);
	const char *cp;
	int	status;
	int	lookups;
	int	lookups2;

	strbuf_set_limit(result, FUZZ_RESULT_LIMIT);
	strbuf_set_limit(again, FUZZ_RESULT_LIMIT);

	/* Recursive, as programs see it; twice, for the same answer. */
	status = expand(result, value, MAINCONF_EXP_RECURSE, &lookups, why);
	if (lookups <= FUZZ_MAX_LOOKUPS) {
		check(expand(again, value, MAINCONF_EXP_RECURSE, &lookups2,
			     why) == status, "expansion status not repeatable");
		check(status < 0 || strcmp(strbuf_str(result),
					   strbuf_str(again)) == 0,
		      "expansion not repeatable");
	}

	/* A loop is caught, with Postfix's message. */
	if (is_self_reference(name, value))
		check(status < 0 && strstr(strbuf_str(why), "unreasonable macro "
					   "call nesting") != NULL,
		      "loop not caught");

	/* One level, recording names. */
	(void) expand(result, value, MAINCONF_EXP_RECORD, &lookups, why);

	/* A scan only parses. */
	(void) expand(result, value, MAINCONF_EXP_SCAN, &lookups, why);
	check(lookups == 0 && strbuf_len(result) == 0, "scan looked or wrote");

	/* Literal text is itself. */
	if (strchr(value, '$') == NULL) {
		check(expand(result, value, 0, &lookups, why) == 0
		      && strcmp(strbuf_str(result), value) == 0 && lookups == 0,
		      "text without $ changed");
	}
	for (cp = value; *cp; cp++) {
		if (*cp == '$')
			strbuf_append_char(escaped, '$');
		strbuf_append_char(escaped, *cp);
	}
	check(expand(result, strbuf_str(escaped), MAINCONF_EXP_RECURSE,
		     &lookups, why) == 0, "escaped text failed");
	check(strcmp(strbuf_str(result), value) == 0 && lookups == 0,
	      "$$ did not give $");

	strbuf_free(&result);
	strbuf_free(&again);
	strbuf_free(&why);
	strbuf_free(&escaped);
}

/* fuzz_assignment - mainconf_parse_assignment() on one line */

static void
fuzz_assignment(const char *line)
{
	STRBUF *why = strbuf_create(100);
	char   *name;
	char   *value;
	char   *name2;
	char   *value2;
	char   *joined;
	const char *cp;

	if (mainconf_parse_assignment(line, &name, &value, why) < 0) {
		check(strbuf_len(why) > 0, "assignment error without reason");
		strbuf_free(&why);
		return;
	}
	check(*name != 0, "empty name");
	for (cp = name; *cp; cp++)
		check(!isspace((unsigned char) *cp) && *cp != '=', "bad name");
	check(!isspace((unsigned char) value[0])
	      && (*value == 0
		  || !isspace((unsigned char) value[strlen(value) - 1])),
	      "value not trimmed");
	joined = str_concat(name, " = ", value, (char *) NULL);
	check(mainconf_parse_assignment(joined, &name2, &value2, why) == 0,
	      "joined assignment does not parse");
	check(strcmp(name, name2) == 0 && strcmp(value, value2) == 0,
	      "joined assignment parses differently");
	xfree(joined);
	xfree(name);
	xfree(value);
	xfree(name2);
	xfree(value2);
	strbuf_free(&why);
}

/* fuzz_dictionary - unset and override keep the names consistent */

static void
fuzz_dictionary(ARGV *names)
{
	const char *name;
	ARGV   *now;
	size_t	i;
	size_t	seen;

	if (names->argc == 0)
		return;
	name = names->argv[0];
	mainconf_unset(name);
	check(mainconf_lookup_raw(name) == NULL, "unset name still set");
	now = mainconf_names();
	check(argv_find(now, name) < 0, "unset name still listed");
	argv_free(&now);
	mainconf_override(name, "override");
	check(strcmp(mainconf_lookup_raw(name), "override") == 0, "override");
	now = mainconf_names();
	for (seen = i = 0; i < now->argc; i++)
		seen += strcmp(now->argv[i], name) == 0;
	check(seen == 1 && now->argc == names->argc, "names after override");
	argv_free(&now);
}

/* LLVMFuzzerInitialize - once: log setup and a private directory */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_file = fuzz_file_setup("mainconf_fuzz", "main.cf");

	mainconf_set_dir(fuzz_file_dir());
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *names;
	ARGV   *lines;
	char   *text;
	size_t	i;

	/* Each physical line as an assignment (-o, postconf -e). */
	text = xstrndup((const char *) data, size);
	lines = argv_split(text, "\n");
	for (i = 0; i < lines->argc; i++)
		fuzz_assignment(lines->argv[i]);
	argv_free(&lines);
	xfree(text);

	/* The whole input as main.cf. */
	fuzz_file_write(data, size);
	if (mainconf_read(0, why) < 0) {
		check(strbuf_len(why) > 0, "read error without reason");
	} else {
		names = mainconf_names();
		for (i = 0; i < names->argc; i++) {
			check(mainconf_lookup_raw(names->argv[i]) != NULL,
			      "listed name without value");
			fuzz_value(names->argv[i],
				   mainconf_lookup_raw(names->argv[i]));
		}
		fuzz_dictionary(names);
		argv_free(&names);
	}
	mainconf_reset();
	strbuf_free(&why);
	return 0;
}
