/*
 * map_pcre.c - lookup table of Perl-compatible regular expressions
 *
 * pcre_table(5), built on PCRE2: the file syntax of regexp tables
 * ("/pattern/flags result", "!/pattern/flags result", "if" ... "endif",
 * $N in results), with PCRE flags: i (default on), m, s (default on),
 * x, A, E, U, and X, which is accepted and changes nothing because PCRE2
 * always treats an unknown escape as an error. The whole file is
 * compiled at open time; a bad line makes the open fail with the file
 * name and line number.
 */

#include "sysdeps.h"

#ifdef HAS_PCRE

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <fcntl.h>
#include <pcre2.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "map.h"
#include "map_pattern.h"

typedef struct MAP_PCRE {
	MAP	map;
	MAP_PATTERN_LIST list;
	pcre2_match_data *match_data;	/* room for the most captures */
	uint32_t max_pairs;		/* captures + 1, over all rules */
	const char *key;		/* during a lookup */
} MAP_PCRE;

/* pcre_pat_free - free one compiled pattern */

static void
pcre_pat_free(void *ptr)
{
	pcre2_code_free(ptr);
}

/* pcre_error_text - PCRE2's text for an error code */

static void
pcre_error_text(int code, STRBUF *out)
{
	PCRE2_UCHAR buf[256];

	if (pcre2_get_error_message(code, buf, sizeof(buf)) < 0)
		strbuf_printf(out, "unknown PCRE2 error %d", code);
	else
		strbuf_set(out, (const char *) buf);
}

/* pcre_compile_pat - compile one delimited pattern with its flags */

static pcre2_code *
pcre_compile_pat(const MAP_PATTERN_DELIM *d, STRBUF *why)
{
	uint32_t options;
	pcre2_code *code;
	PCRE2_SIZE offset;
	STRBUF *text;
	size_t	i;
	int	err;

	/* pcre_table(5): i and s are on by default; flags toggle. */
	options = PCRE2_CASELESS | PCRE2_DOTALL;
	for (i = 0; i < d->flags_len; i++) {
		switch (d->flags[i]) {
		case 'i':
			options ^= PCRE2_CASELESS;
			break;
		case 'm':
			options ^= PCRE2_MULTILINE;
			break;
		case 's':
			options ^= PCRE2_DOTALL;
			break;
		case 'x':
			options ^= PCRE2_EXTENDED;
			break;
		case 'A':
			options ^= PCRE2_ANCHORED;
			break;
		case 'E':
			options ^= PCRE2_DOLLAR_ENDONLY;
			break;
		case 'U':
			options ^= PCRE2_UNGREEDY;
			break;
		case 'X':
			/* PCRE_EXTRA is PCRE2's only behaviour. */
			break;
		default:
			strbuf_printf(why, "unknown regexp option \"%c\"",
				      d->flags[i]);
			return NULL;
		}
	}
	code = pcre2_compile((PCRE2_SPTR) d->pattern, PCRE2_ZERO_TERMINATED,
			     options, &err, &offset, NULL);
	if (code == NULL) {
		text = strbuf_create(100);
		pcre_error_text(err, text);
		strbuf_printf(why, "error in regex at offset %lu: %s",
			      (unsigned long) offset, strbuf_str(text));
		strbuf_free(&text);
	}
	return code;
}

/* pcre_capture_count - number of capturing subpatterns */

static uint32_t
pcre_capture_count(const pcre2_code *code)
{
	uint32_t count = 0;

	(void) pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &count);
	return count;
}

/* pcre_parse_line - one logical line of the table */

static int
pcre_parse_line(void *context, MAP_PATTERN_LIST *list, char *line,
		const MAP_PATTERN_WHERE *where, STRBUF *why)
{
	MAP_PCRE *mp = context;
	MAP_PATTERN_DELIM d;
	MAP_PATTERN_SUBST *subst;
	MAP_PATTERN_RULE *rule;
	pcre2_code *code;
	uint32_t ncap;
	char   *p = line;
	size_t	len;
	int	max_sub;

	if (!isalnum((unsigned char) *p)) {
		if (map_pattern_get_delimited(&p, 0, &d, why) < 0)
			return -1;
		if (*p == 0)
			map_pattern_warn(where,
					 "no replacement text: using empty string");
		if ((subst = map_pattern_subst_parse(p, why)) == NULL)
			return -1;
		max_sub = map_pattern_subst_max(subst);
		if (max_sub > 0 && d.match == 0) {
			strbuf_set(why, "$number found in negative match "
				   "replacement text");
			goto bad_subst;
		}
		if (max_sub > 0 && (mp->map.flags & MAP_F_NO_REGSUB)) {
			strbuf_set(why, "regular expression substitution is "
				   "not allowed");
			goto bad_subst;
		}
		if ((code = pcre_compile_pat(&d, why)) == NULL)
			goto bad_subst;
		ncap = pcre_capture_count(code);
		if ((uint32_t) max_sub > ncap) {
			strbuf_printf(why, "out of range replacement index \"%d\"",
				      max_sub);
			pcre2_code_free(code);
			goto bad_subst;
		}
		rule = map_pattern_list_add(list, MAP_PATTERN_OP_MATCH, d.match,
					    where->lineno, code);
		rule->subst = subst;
		if (ncap + 1 > mp->max_pairs)
			mp->max_pairs = ncap + 1;
		return 0;

bad_subst:
		map_pattern_subst_free(subst);
		return -1;
	}

	if ((len = map_pattern_keyword(p, "if")) != 0) {
		p += len;
		if (map_pattern_get_delimited(&p, 0, &d, why) < 0)
			return -1;
		if ((code = pcre_compile_pat(&d, why)) == NULL)
			return -1;
		if (*p)
			map_pattern_warn(where, "ignoring extra text after IF");
		(void) map_pattern_list_add(list, MAP_PATTERN_OP_IF, d.match,
					    where->lineno, code);
		return 0;
	}

	switch (map_pattern_endif(p, list, where, why)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}

	strbuf_set(why, "unrecognized request");
	return -1;
}

/* pcre_match - does a rule's pattern match the key */

static int
pcre_match(void *context, const MAP_PATTERN_RULE *rule)
{
	MAP_PCRE *mp = context;
	MAP_PATTERN_WHERE where;
	STRBUF *text;
	int	rc;

	rc = pcre2_match(rule->pattern, (PCRE2_SPTR) mp->key,
			 PCRE2_ZERO_TERMINATED, 0, 0, mp->match_data, NULL);
	if (rc >= 0)
		return 1;	/* 0: more captures than room, still a match */
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;

	/* As in Postfix (match limits...): a warning, the rule does not apply. */
	where.type = "pcre";
	where.name = mp->map.name;
	where.lineno = rule->lineno;
	text = strbuf_create(100);
	pcre_error_text(rc, text);
	map_pattern_warn(&where, "matching error: %s", strbuf_str(text));
	strbuf_free(&text);
	return -1;
}

/* pcre_lookup - first rule that applies, with $N substituted */

static int
pcre_lookup(MAP *map, const char *key, STRBUF *value)
{
	MAP_PCRE *mp = (MAP_PCRE *) map;
	const MAP_PATTERN_RULE *rule;

	mp->key = key;
	rule = map_pattern_list_walk(&mp->list, pcre_match, mp);
	mp->key = NULL;
	if (rule == NULL)
		return MAP_NOTFOUND;

	/*
	 * The ovector of the last pcre2_match() belongs to this rule, and a
	 * rule with $N is never negated. PCRE2_UNSET is SIZE_MAX, which is
	 * how map_pattern_subst_expand() marks an unset subexpression.
	 */
	map_pattern_subst_expand(rule->subst, key,
				 pcre2_get_ovector_pointer(mp->match_data),
				 value);
	return MAP_FOUND;
}

/* pcre_close - free the rules and the table */

static void
pcre_close(MAP *map)
{
	MAP_PCRE *mp = (MAP_PCRE *) map;

	map_pattern_list_free(&mp->list);
	if (mp->match_data)
		pcre2_match_data_free(mp->match_data);
	map_free(map);
}

/* pcre_open - compile the whole table */

static MAP *
pcre_open(const char *name, int open_flags, int map_flags, STRBUF *why)
{
	MAP_PCRE *mp;

	if (open_flags != O_RDONLY) {
		strbuf_printf(why, "pcre:%s map requires O_RDONLY access mode",
			      name);
		return NULL;
	}
	mp = (MAP_PCRE *) map_alloc("pcre", name, sizeof(*mp), open_flags,
				    map_flags | MAP_F_PATTERN);
	map_pattern_list_init(&mp->list, pcre_pat_free);
	mp->max_pairs = 1;
	if (map_pattern_load("pcre", name, &mp->list, pcre_parse_line, mp,
			     why) < 0) {
		pcre_close(&mp->map);
		return NULL;
	}
	mp->match_data = pcre2_match_data_create(mp->max_pairs, NULL);
	if (mp->match_data == NULL)
		log_fatal("pcre map %s: out of memory", name);
	mp->map.lookup = pcre_lookup;
	mp->map.close = pcre_close;
	return &mp->map;
}

const MAP_DRIVER map_driver_pcre = {
	.type = "pcre",
	.flags = MAP_F_PATTERN,
	.open = pcre_open,
};

#endif
