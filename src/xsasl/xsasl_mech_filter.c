/*
 * xsasl_mech_filter.c - SASL mechanism filters (smtpd_sasl_mechanism_filter,
 * smtp_sasl_mechanism_filter)
 *
 * A filter is a list of patterns, separated by commas and/or white
 * space: a mechanism name, a type:table (the mechanism is looked up,
 * any value matches), or /file/name (more patterns, read from a file
 * with main.cf's line syntax). "!" before a pattern negates it. The
 * first pattern that matches decides; when none matches the mechanism
 * is not allowed. An empty filter allows everything. Names match
 * without regard to case.
 *
 * Tables are opened when the filter is made, so that a service can do
 * it before it drops privileges.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "argv.h"
#include "cfgline.h"
#include "map.h"		/* global */
#include "xsasl.h"

struct XSASL_MECH_FILTER {
	char   *param;			/* for warnings */
	ARGV   *words;			/* patterns, "!" kept */
	MAP   **maps;			/* per word: its table, or NULL */
};

#define FILTER_DELIMS	", \t\r\n"

/* mech_filter_file - the patterns of a /file/name entry */

static int
mech_filter_file(ARGV *out, const char *path, int negate, STRBUF *why)
{
	STRBUF *line;
	ARGV   *words;
	FILE   *fp;
	int	lineno = 0, first;
	size_t	i;

	if ((fp = fopen(path, "re")) == NULL) {
		strbuf_printf(why, "open %s: %m", path);
		return -1;
	}
	line = strbuf_create(100);
	while (cfgline_read(fp, line, &lineno, &first) == 0) {
		words = argv_split(strbuf_str(line), FILTER_DELIMS);
		for (i = 0; i < words->argc; i++)
			argv_add_printf(out, "%s%s", negate ? "!" : "",
					words->argv[i]);
		argv_free(&words);
	}
	(void) fclose(fp);
	strbuf_free(&line);
	return 0;
}

/* xsasl_mech_filter_create - parse a filter and open its tables */

XSASL_MECH_FILTER *
xsasl_mech_filter_create(const char *param, const char *spec, STRBUF *why)
{
	XSASL_MECH_FILTER *filter;
	const char *word;
	ARGV   *words;
	size_t	i;
	int	negate;

	if ((words = argv_split_q(spec, FILTER_DELIMS, "{}", why)) == NULL)
		return NULL;
	filter = xcalloc(1, sizeof(*filter));
	filter->param = xstrdup(param);
	filter->words = argv_create();
	for (i = 0; i < words->argc; i++) {
		word = words->argv[i];
		negate = word[0] == '!';
		if (word[negate] == '/') {
			if (mech_filter_file(filter->words, word + negate, negate,
					     why) < 0) {
				argv_free(&words);
				xsasl_mech_filter_free(filter);
				return NULL;
			}
		} else {
			argv_add(filter->words, word);
		}
	}
	argv_free(&words);
	filter->maps = xcalloc(filter->words->argc + 1, sizeof(MAP *));
	for (i = 0; i < filter->words->argc; i++) {
		word = filter->words->argv[i];
		word += word[0] == '!';
		if (strchr(word, ':') == NULL)
			continue;
		if ((filter->maps[i] = map_open(word, O_RDONLY, MAP_F_FOLD_FIX,
						why)) == NULL) {
			xsasl_mech_filter_free(filter);
			return NULL;
		}
	}
	return filter;
}

/* xsasl_mech_filter_free - close the tables, free the filter */

void
xsasl_mech_filter_free(XSASL_MECH_FILTER *filter)
{
	size_t	i;

	if (filter == NULL)
		return;
	for (i = 0; filter->maps && i < filter->words->argc; i++)
		if (filter->maps[i])
			map_close(filter->maps[i]);
	xfree(filter->maps);
	argv_free(&filter->words);
	xfree(filter->param);
	xfree(filter);
}

/* xsasl_mech_filter_match - does the filter allow the mechanism? */

int
xsasl_mech_filter_match(XSASL_MECH_FILTER *filter, const char *mech)
{
	STRBUF *value;
	const char *word;
	size_t	i;
	int	negate, found, ret;

	if (filter == NULL || filter->words->argc == 0)
		return 1;
	for (i = 0; i < filter->words->argc; i++) {
		word = filter->words->argv[i];
		negate = *word == '!';
		word += negate;
		if (filter->maps[i] != NULL) {
			value = strbuf_create(20);
			ret = map_lookup(filter->maps[i], mech, value);
			strbuf_free(&value);
			if (ret == MAP_RETRY) {
				log_warn("%s: %s: lookup error for %s",
					 filter->param, word, mech);
				return 0;
			}
			found = ret == MAP_FOUND;
		} else {
			found = strcasecmp(word, mech) == 0;
		}
		if (found)
			return !negate;
	}
	return 0;
}

/* xsasl_mech_filter_list - the allowed ones of a mechanism list */

void
xsasl_mech_filter_list(XSASL_MECH_FILTER *filter, const char *mechs,
		       STRBUF *out)
{
	ARGV   *list = argv_split(mechs, " \t");
	size_t	i;

	strbuf_reset(out);
	for (i = 0; i < list->argc; i++) {
		str_upper(list->argv[i]);
		if (xsasl_mech_filter_match(filter, list->argv[i]))
			strbuf_append_printf(out, "%s%s", strbuf_len(out) ? " " : "",
					     list->argv[i]);
	}
	argv_free(&list);
}
