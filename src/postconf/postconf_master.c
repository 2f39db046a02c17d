/*
 * postconf_master.c - postconf: master.cf entries, fields and parameters
 *
 * Implements -M (whole entries), -F (service/type/field) and -P
 * (service/type/parameter, the -o settings), each for showing and, with
 * -e, -X or -#, for editing. Output, diagnostics and the rewritten file
 * follow Postfix 3.7's postconf; see mastercf.c for where we differ on
 * purpose.
 *
 * Selectors are "service[/type[/field-or-parameter]]" where a missing
 * or "*" component matches anything. An edit reads master.cf for
 * editing (unrelated entries are neither parsed nor checked, as with
 * Postfix), changes the matching entries and renames the new file into
 * place.
 */

#include "sysdeps.h"

#include <ctype.h>

#include "argv.h"
#include "log.h"
#include "mainconf.h"
#include "mastercf.h"
#include "mem.h"
#include "param.h"
#include "postconf.h"
#include "strbuf.h"
#include "stringops.h"

/* Line folding, as for main.cf output. */
#define PCF_LINE_LIMIT 80
#define PCF_INDENT_TEXT "    "
#define PCF_INDENT_LEN 4

/* Field separators of a master.cf entry. */
#define PCF_BLANKS " \t\r\n"

/* A pattern component that matches anything. */
#define PCF_WILD "*"
#define PCF_IS_WILD(s) (strcmp((s), PCF_WILD) == 0)

/* -F field selector: a column index, or any column. */
#define PCF_FIELD_ANY (-1)

/* -F field names, indexed by column. */
static const char *const pcf_field_names[MASTERCF_NCOLUMNS] = {
    "service", "type",	 "private",	  "unprivileged",
    "chroot",  "wakeup", "process_limit", "command",
};

/* One command-line selector or edit request. */
typedef struct PCF_MREQ {
	const char *raw;   /* as given */
	char *copy;	   /* parsed in place */
	ARGV *pattern;	   /* service, type[, field or parameter] */
	int field;	   /* -F: column or PCF_FIELD_ANY */
	const char *value; /* edit value (in copy) */
	int matches;
} PCF_MREQ;

/* Context for -x expansion. */
typedef struct PCF_EXPAND_CTX {
	MASTERCF *mcf;
	ARGV *names; /* local scope of the current entry */
	ARGV *values;
	STRBUF *result;
	STRBUF *why;
} PCF_EXPAND_CTX;

/* pcf_has_blank - does text contain white space */

static int
pcf_has_blank(const char *text)
{
	return text[strcspn(text, PCF_BLANKS)] != 0;
}

/*
 * pcf_parse_pattern - split "a/b/c" into min..max components
 *
 * Returns NULL on bad syntax. As in Postfix, empty components vanish
 * ("a//b" is "a/b"), '*' must stand alone, and missing trailing
 * components become '*'.
 */

static ARGV *
pcf_parse_pattern(const char *text, size_t min, size_t max)
{
	ARGV *pattern;
	size_t i;

	if (*text == '/')
		return NULL;
	pattern = argv_split(text, "/");
	if (pattern->argc < min || pattern->argc > max) {
		argv_free(&pattern);
		return NULL;
	}
	for (i = 0; i < pattern->argc; i++) {
		if (!PCF_IS_WILD(pattern->argv[i]) &&
		    strchr(pattern->argv[i], '*') != NULL) {
			argv_free(&pattern);
			return NULL;
		}
	}
	while (pattern->argc < max)
		argv_add(pattern, PCF_WILD);
	return pattern;
}

/* pcf_match - does a service pattern match service name and type */

static int
pcf_match(char *const *pattern, const char *service, const char *type)
{
	return (PCF_IS_WILD(pattern[0]) || strcmp(pattern[0], service) == 0) &&
	       (PCF_IS_WILD(pattern[1]) || strcmp(pattern[1], type) == 0);
}

/* pcf_parse_field - -F field name to column; fatal when unknown */

static int
pcf_parse_field(const char *name)
{
	int field;

	if (PCF_IS_WILD(name))
		return PCF_FIELD_ANY;
	for (field = 0; field < MASTERCF_NCOLUMNS; field++)
		if (strcmp(pcf_field_names[field], name) == 0)
			return field;
	log_fatal("invalid service attribute name: \"%s\"", name);
}

/* pcf_free_reqs - destroy requests */

static void
pcf_free_reqs(PCF_MREQ *reqs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		argv_free(&reqs[i].pattern);
		xfree(reqs[i].copy);
	}
	xfree(reqs);
}

/* pcf_count_args - length of a NULL-terminated list */

static size_t
pcf_count_args(char **args)
{
	size_t n = 0;

	while (args != NULL && args[n] != NULL)
		n++;
	return n;
}

/* pcf_show_reqs - parse display selectors; fatal on bad syntax */

static PCF_MREQ *
pcf_show_reqs(int mode, char **args, size_t count)
{
	PCF_MREQ *reqs = xcalloc(count ? count : 1, sizeof(*reqs));
	size_t i;

	for (i = 0; i < count; i++) {
		reqs[i].raw = args[i];
		switch (mode) {
		case PCF_MODE_MASTER_ENTRY:
			if ((reqs[i].pattern =
				 pcf_parse_pattern(args[i], 1, 2)) == NULL)
				log_fatal(
				    "-M option requires service_name[/type]");
			break;
		case PCF_MODE_MASTER_FIELD:
			if ((reqs[i].pattern =
				 pcf_parse_pattern(args[i], 1, 3)) == NULL)
				log_fatal("-F option requires "
					  "service_name[/type[/field]]");
			reqs[i].field =
			    pcf_parse_field(reqs[i].pattern->argv[2]);
			break;
		default:
			if ((reqs[i].pattern =
				 pcf_parse_pattern(args[i], 1, 3)) == NULL)
				log_fatal("-P option requires "
					  "service_name[/type[/parameter]]");
			break;
		}
	}
	return reqs;
}

/* pcf_warn_unmatched - the selectors that matched nothing */

static void
pcf_warn_unmatched(const PCF_MREQ *reqs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (reqs[i].matches == 0)
			log_warn("unmatched request: \"%s\"", reqs[i].raw);
}

/* pcf_flush - write accumulated output */

static void
pcf_flush(STRBUF *out)
{
	if (strbuf_len(out) > 0) {
		(void) fwrite(strbuf_str(out), 1, strbuf_len(out), stdout);
		strbuf_reset(out);
	}
}

/*
 * pcf_print_line - Postfix's pcf_print_line()
 *
 * White space between words becomes one space; with folding, a word
 * that would reach column 80 starts an indented line.
 */

static void
pcf_print_line(STRBUF *out, int flags, const char *text)
{
	char *copy = xstrdup(text);
	char *cp = copy;
	char *word;
	size_t line_len = 0;
	size_t word_len;

	while ((word = token_next(&cp, PCF_BLANKS)) != NULL) {
		word_len = strlen(word);
		if (line_len > 0) {
			if ((flags & PCF_FOLD) == 0 ||
			    line_len + word_len < PCF_LINE_LIMIT) {
				strbuf_append_char(out, ' ');
				line_len += 1;
			} else {
				strbuf_append_str(out, "\n" PCF_INDENT_TEXT);
				line_len = PCF_INDENT_LEN;
			}
		}
		strbuf_append_str(out, word);
		line_len += word_len;
	}
	strbuf_append_char(out, '\n');
	xfree(copy);
}

/* pcf_is_readonly - a parameter that master.cf cannot set */

static int
pcf_is_readonly(const char *name)
{
	const PARAM_DEF *def = param_find(name);

	return def != NULL && (def->flags & PARAM_F_READONLY) != 0;
}

/* pcf_basename - last pathname component */

static const char *
pcf_basename(const char *path)
{
	const char *cp = strrchr(path, '/');

	return cp ? cp + 1 : path;
}

/*
 * pcf_entry_params - the -o name=value settings of a service
 *
 * As in Postfix, all entries with the same service name and type share
 * one parameter name space (later settings win), and read-only
 * parameters are left out. names and values are parallel; names are
 * unique. Returns the number of settings, or -1 when no entry for the
 * service has any (so that it is not shown at all).
 */

static int
pcf_entry_params(const MASTERCF *mcf, const MASTERCF_ENTRY *ent, ARGV *names,
		 ARGV *values)
{
	const MASTERCF_ENTRY *cur;
	ssize_t at;
	size_t i;
	int seen = 0;

	for (cur = mcf->head; cur; cur = cur->next) {
		if (!cur->is_service || !cur->parsed ||
		    strcmp(cur->column[MASTERCF_SERVICE],
			   ent->column[MASTERCF_SERVICE]) != 0 ||
		    strcmp(cur->column[MASTERCF_TYPE],
			   ent->column[MASTERCF_TYPE]) != 0)
			continue;
		for (i = 0; i < cur->opt_names->argc; i++) {
			seen = 1;
			if (pcf_is_readonly(cur->opt_names->argv[i]))
				continue;
			if ((at = argv_find(names, cur->opt_names->argv[i])) >=
			    0) {
				xfree(values->argv[at]);
				values->argv[at] =
				    xstrdup(cur->opt_values->argv[i]);
			} else {
				argv_add(names, cur->opt_names->argv[i]);
				argv_add(values, cur->opt_values->argv[i]);
			}
		}
	}
	return seen ? (int) names->argc : -1;
}

/* pcf_scope_lookup - local scope of a master.cf entry for -x */

static const char *
pcf_scope_lookup(const char *name, void *context)
{
	PCF_EXPAND_CTX *ctx = context;
	ssize_t at;

	if ((at = argv_find(ctx->names, name)) >= 0)
		return ctx->values->argv[at];
	return NULL;
}

/* pcf_set_scope - make an entry's settings the local scope */

static void
pcf_set_scope(PCF_EXPAND_CTX *ctx, const MASTERCF_ENTRY *ent)
{
	argv_truncate(ctx->names, 0);
	argv_truncate(ctx->values, 0);

	/* Postfix's read-only per-service names come first. */
	argv_add(ctx->names, "process_name");
	argv_add(ctx->values, pcf_basename(ent->argv->argv[MASTERCF_COMMAND]));
	argv_add(ctx->names, "service_name");
	argv_add(ctx->values, ent->column[MASTERCF_SERVICE]);
	(void) pcf_entry_params(ctx->mcf, ent, ctx->names, ctx->values);
}

/* pcf_expand - $name expansion with an entry's local scope (-x) */

static const char *
pcf_expand(const MASTERCF_ENTRY *ent, const char *value, void *context)
{
	PCF_EXPAND_CTX *ctx = context;
	int ret;

	pcf_set_scope(ctx, ent);
	strbuf_reset(ctx->result);
	mainconf_set_scope(pcf_scope_lookup, ctx);
	ret = mainconf_expand(ctx->result, value, MAINCONF_EXP_RECURSE, NULL,
			      ctx->why);
	mainconf_set_scope(NULL, NULL);
	if (ret < 0)
		log_fatal("%s", strbuf_str(ctx->why));
	return strbuf_str(ctx->result);
}

/* pcf_show_entries - postconf -M */

static void
pcf_show_entries(MASTERCF *mcf, int flags, PCF_MREQ *reqs, size_t count,
		 PCF_EXPAND_CTX *ctx, STRBUF *out)
{
	MASTERCF_ENTRY *ent;
	MASTERCF_EXPAND_FN expand = (flags & PCF_SHOW_EVAL) ? pcf_expand : NULL;
	int fold = (flags & PCF_FOLD) != 0;
	size_t i;

	for (ent = mcf->head; ent; ent = ent->next) {
		if (!ent->is_service)
			continue;
		if (count == 0) {
			mastercf_format_expand(ent, fold, expand, ctx, out);
			continue;
		}
		for (i = 0; i < count; i++) {
			if (pcf_match(reqs[i].pattern->argv,
				      ent->column[MASTERCF_SERVICE],
				      ent->column[MASTERCF_TYPE])) {
				reqs[i].matches++;
				mastercf_format_expand(ent, fold, expand, ctx,
						       out);
			}
		}
		pcf_flush(out);
	}
}

/*
 * pcf_print_field - one "service/type/field = value" line (-F)
 *
 * Postfix's pcf_print_master_field(): a value that would pass column
 * 80 after its label goes on the next line, also without -f; the
 * command field is laid out like a -M entry. Like Postfix, with -h a
 * command of up to four characters is not separated from the word
 * after it unless that is an option with a value.
 */

static void
pcf_print_field(const MASTERCF_ENTRY *ent, int field, int flags,
		PCF_EXPAND_CTX *ctx, STRBUF *out)
{
	char **argv = ent->argv->argv;
	size_t argc = ent->argv->argc;
	size_t line_len = 0;
	size_t arg_len;
	size_t i;
	const char *arg;
	const char *aval;
	int in_options = 1;
	int need_parens;

#define PCF_ADD(text)                                                          \
	do {                                                                   \
		strbuf_append_str(out, (text));                                \
		line_len += strlen(text);                                      \
	} while (0)

	if ((flags & PCF_HIDE_NAME) == 0) {
		PCF_ADD(argv[MASTERCF_SERVICE]);
		PCF_ADD("/");
		PCF_ADD(argv[MASTERCF_TYPE]);
		PCF_ADD("/");
		PCF_ADD(pcf_field_names[field]);
	}
	if ((flags & (PCF_HIDE_NAME | PCF_HIDE_VALUE)) == 0)
		PCF_ADD(" = ");
	if ((flags & PCF_HIDE_VALUE) == 0) {
		if (line_len > 0 &&
		    line_len + strlen(argv[field]) > PCF_LINE_LIMIT) {
			strbuf_append_str(out, "\n" PCF_INDENT_TEXT);
			line_len = PCF_INDENT_LEN;
		}
		PCF_ADD(argv[field]);
	}
	if (field == MASTERCF_COMMAND && (flags & PCF_HIDE_VALUE) == 0) {
		for (i = MASTERCF_COMMAND + 1; i < argc; i++) {
			arg = argv[i];
			arg_len = strlen(arg);
			aval = NULL;
			need_parens = 0;
			if (in_options) {
				if (arg[0] != '-' || strcmp(arg, "--") == 0) {
					in_options = 0;
				} else if (arg[1] == 'o' && i + 1 < argc) {
					line_len = PCF_LINE_LIMIT;
					aval = argv[i + 1];
					if ((flags & PCF_SHOW_EVAL) &&
					    strcmp(arg, "-o") == 0)
						aval =
						    pcf_expand(ent, aval, ctx);
					arg_len += strlen(aval) + 1;
					if ((need_parens =
						 pcf_has_blank(aval)) != 0)
						arg_len += 2;
				}
			} else {
				need_parens = pcf_has_blank(arg);
			}
			if (line_len > PCF_INDENT_LEN) {
				if ((flags & PCF_FOLD) == 0 ||
				    line_len + 1 + arg_len < PCF_LINE_LIMIT) {
					PCF_ADD(" ");
				} else {
					strbuf_append_str(out,
							  "\n" PCF_INDENT_TEXT);
					line_len = PCF_INDENT_LEN;
				}
			}
			if (!in_options && need_parens)
				PCF_ADD("{");
			PCF_ADD(arg);
			if (!in_options && need_parens)
				PCF_ADD("}");
			if (aval != NULL) {
				PCF_ADD(" ");
				if (need_parens)
					PCF_ADD("{");
				PCF_ADD(aval);
				if (need_parens)
					PCF_ADD("}");
				i += 1;
				line_len = PCF_LINE_LIMIT;
			}
		}
	}
	strbuf_append_char(out, '\n');
#undef PCF_ADD
}

/* pcf_show_fields - postconf -F */

static void
pcf_show_fields(MASTERCF *mcf, int flags, PCF_MREQ *reqs, size_t count,
		PCF_EXPAND_CTX *ctx, STRBUF *out)
{
	MASTERCF_ENTRY *ent;
	size_t i;
	int field;

	for (ent = mcf->head; ent; ent = ent->next) {
		if (!ent->is_service)
			continue;
		if (count == 0) {
			for (field = 0; field < MASTERCF_NCOLUMNS; field++)
				pcf_print_field(ent, field, flags, ctx, out);
		}
		for (i = 0; i < count; i++) {
			if (!pcf_match(reqs[i].pattern->argv,
				       ent->column[MASTERCF_SERVICE],
				       ent->column[MASTERCF_TYPE]))
				continue;
			reqs[i].matches++;
			if (reqs[i].field == PCF_FIELD_ANY) {
				for (field = 0; field < MASTERCF_NCOLUMNS;
				     field++)
					pcf_print_field(ent, field, flags, ctx,
							out);
			} else {
				pcf_print_field(ent, reqs[i].field, flags, ctx,
						out);
			}
		}
		pcf_flush(out);
	}
}

/* pcf_print_param - one "service/type/parameter = value" line (-P) */

static void
pcf_print_param(const MASTERCF_ENTRY *ent, const char *name, const char *value,
		int flags, PCF_EXPAND_CTX *ctx, STRBUF *out)
{
	STRBUF *line = strbuf_create(100);

	if (flags & PCF_HIDE_VALUE) {
		strbuf_printf(line, "%s/%s/%s", ent->column[MASTERCF_SERVICE],
			      ent->column[MASTERCF_TYPE], name);
	} else {
		if (flags & PCF_SHOW_EVAL)
			value = pcf_expand(ent, value, ctx);
		if (flags & PCF_HIDE_NAME)
			strbuf_set(line, value);
		else
			strbuf_printf(line, "%s/%s/%s = %s",
				      ent->column[MASTERCF_SERVICE],
				      ent->column[MASTERCF_TYPE], name, value);
	}
	pcf_print_line(out, flags, strbuf_str(line));
	strbuf_free(&line);
}

/* pcf_show_params - postconf -P */

static void
pcf_show_params(MASTERCF *mcf, int flags, PCF_MREQ *reqs, size_t count,
		PCF_EXPAND_CTX *ctx, STRBUF *out)
{
	MASTERCF_ENTRY *ent;
	ARGV *names = argv_create();
	ARGV *values = argv_create();
	ARGV *sorted;
	ssize_t at;
	size_t i;
	size_t j;

	for (ent = mcf->head; ent; ent = ent->next) {
		if (!ent->is_service)
			continue;
		argv_truncate(names, 0);
		argv_truncate(values, 0);
		if (pcf_entry_params(mcf, ent, names, values) < 0)
			continue;
		sorted = argv_create();
		for (j = 0; j < names->argc; j++)
			argv_add(sorted, names->argv[j]);
		argv_sort(sorted);
		for (i = 0; i < (count ? count : 1); i++) {
			if (count > 0 &&
			    !pcf_match(reqs[i].pattern->argv,
				       ent->column[MASTERCF_SERVICE],
				       ent->column[MASTERCF_TYPE]))
				continue;
			if (count == 0 ||
			    PCF_IS_WILD(reqs[i].pattern->argv[2])) {
				for (j = 0; j < sorted->argc; j++) {
					at = argv_find(names, sorted->argv[j]);
					pcf_print_param(ent, sorted->argv[j],
							values->argv[at], flags,
							ctx, out);
				}
				if (count > 0)
					reqs[i].matches++;
			} else if ((at = argv_find(names,
						   reqs[i].pattern->argv[2])) >=
				   0) {
				pcf_print_param(ent, names->argv[at],
						values->argv[at], flags, ctx,
						out);
				reqs[i].matches++;
			}
		}
		argv_free(&sorted);
		pcf_flush(out);
	}
	argv_free(&names);
	argv_free(&values);
}

/* pcf_master_path - $config_directory/master.cf (caller frees) */

static char *
pcf_master_path(void)
{
	return str_concat(mainconf_dir(), "/master.cf", (char *) 0);
}

/* pcf_show_master - the display modes */

static int
pcf_show_master(int mode, int flags, char **args)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *out = strbuf_create(4096);
	char *path = pcf_master_path();
	size_t count = pcf_count_args(args);
	PCF_EXPAND_CTX ctx;
	PCF_MREQ *reqs;
	MASTERCF *mcf;

	if ((mcf = mastercf_read(path, why)) == NULL)
		log_fatal("%s", strbuf_str(why));
	reqs = pcf_show_reqs(mode, args, count);
	ctx.mcf = mcf;
	ctx.names = argv_create();
	ctx.values = argv_create();
	ctx.result = strbuf_create(100);
	ctx.why = why;
	switch (mode) {
	case PCF_MODE_MASTER_ENTRY:
		pcf_show_entries(mcf, flags, reqs, count, &ctx, out);
		break;
	case PCF_MODE_MASTER_FIELD:
		pcf_show_fields(mcf, flags, reqs, count, &ctx, out);
		break;
	default:
		pcf_show_params(mcf, flags, reqs, count, &ctx, out);
		break;
	}
	pcf_flush(out);
	(void) fflush(stdout);
	pcf_warn_unmatched(reqs, count);
	pcf_free_reqs(reqs, count);
	argv_free(&ctx.names);
	argv_free(&ctx.values);
	strbuf_free(&ctx.result);
	mastercf_free(mcf);
	xfree(path);
	strbuf_free(&out);
	strbuf_free(&why);
	return 0;
}

/* Option names as postconf shows them in edit diagnostics. */
#define PCF_EDIT_OPTS "-Me, -Fe, -Pe, -X, or -#"

/* pcf_edit_reqs - parse and check edit requests; fatal on errors */

static PCF_MREQ *
pcf_edit_reqs(int mode, int flags, char **args, size_t count)
{
	PCF_MREQ *reqs = xcalloc(count, sizeof(*reqs));
	PCF_MREQ *req;
	const char *err;
	char *cp;
	char *pattern;
	char *name;
	char *value;
	size_t i;

	for (i = 0; i < count; i++) {
		req = reqs + i;
		req->raw = args[i];
		cp = req->copy = xstrdup(args[i]);
		if (strchr(cp, '\n') != NULL)
			log_fatal("%s accept no multi-line input",
				  PCF_EDIT_OPTS);
		while (isspace((unsigned char) *cp))
			cp++;
		if (*cp == '#')
			log_fatal("%s accept no comment input", PCF_EDIT_OPTS);
		if (flags & PCF_EDIT) {
			if ((err = mastercf_split_nameval(cp, &name, &value)) !=
			    NULL)
				log_fatal("%s: \"%s\"", err, req->raw);
			pattern = name;
			req->value = value;
		} else {
			if (strchr(cp, '=') != NULL)
				log_fatal(
				    "-X or -# requires names without value");
			/* Postfix drops leading white space only. */
			pattern = cp;
		}
		switch (mode) {
		case PCF_MODE_MASTER_ENTRY:
			if ((req->pattern = pcf_parse_pattern(pattern, 2, 2)) ==
			    NULL)
				log_fatal("-Me, -MX or -M# requires "
					  "service_name/type");
			break;
		case PCF_MODE_MASTER_FIELD:
			if ((req->pattern = pcf_parse_pattern(pattern, 3, 3)) ==
			    NULL)
				log_fatal("-Fe or -FX requires "
					  "service_name/type/field_name");
			req->field = pcf_parse_field(req->pattern->argv[2]);
			if (req->field == PCF_FIELD_ANY)
				log_fatal(
				    "-Fe does not accept wild-card field name");
			if ((flags & PCF_EDIT) &&
			    req->field < MASTERCF_COMMAND &&
			    pcf_has_blank(req->value))
				log_fatal("-Fe does not accept whitespace in "
					  "non-command field");
			break;
		default:
			if ((req->pattern = pcf_parse_pattern(pattern, 3, 3)) ==
			    NULL)
				log_fatal("-Pe or -PX requires "
					  "service_name/type/parameter");
			if (PCF_IS_WILD(req->pattern->argv[2]))
				log_fatal("-Pe does not accept wild-card "
					  "parameter name");
			if ((flags & PCF_EDIT) && pcf_has_blank(req->value))
				log_fatal("-Pe does not accept whitespace in "
					  "parameter value");
			break;
		}
	}
	return reqs;
}

/* pcf_parse_new_entry - a -Me value as an entry; fatal when invalid */

static MASTERCF_ENTRY *
pcf_parse_new_entry(const PCF_MREQ *req, STRBUF *why)
{
	MASTERCF_ENTRY *ent;

	if ((ent = mastercf_parse(req->value, why)) == NULL) {
		if (strcmp(strbuf_str(why), "bad field count") == 0)
			log_fatal("%s: \"%s\"", strbuf_str(why), req->raw);
		log_fatal("%s", strbuf_str(why));
	}
	return ent;
}

/* pcf_edit_parse - parse an entry that an edit touches; fatal on errors */

static void
pcf_edit_parse(MASTERCF *mcf, MASTERCF_ENTRY *ent, STRBUF *why)
{
	if (mastercf_entry_parse(ent, why) < 0) {
		if (strcmp(strbuf_str(why), "bad field count") == 0)
			log_fatal("file %s: line %d: %s", mcf->path, ent->line,
				  strbuf_str(why));
		log_fatal("%s", strbuf_str(why));
	}
}

/*
 * pcf_edit_entry - apply all requests to one service entry
 *
 * For -Me the new text replaces the first entry that matches the
 * selector or has the new entry's own service name and type; later
 * matches are removed. -MX removes and -M# comments out. -Fe, -Pe and
 * -PX change the matching entries in place.
 */

static void
pcf_edit_entry(MASTERCF *mcf, MASTERCF_ENTRY *ent, int mode, int flags,
	       PCF_MREQ *reqs, size_t count, STRBUF *why)
{
	char *service;
	char *type;
	MASTERCF_ENTRY *new_entry = NULL;
	MASTERCF_ENTRY *tentative;
	PCF_MREQ *req;
	int matched = 0;
	int use;
	size_t i;

	if (ent->column[MASTERCF_TYPE] == NULL)
		log_fatal("file %s: line %d: specify service name and type "
			  "on the same line",
			  mcf->path, ent->line);

	/*
	 * Requests match the name and type as read, even after an earlier
	 * request changed them (and parsing replaces the column strings).
	 */
	service = xstrdup(ent->column[MASTERCF_SERVICE]);
	type = xstrdup(ent->column[MASTERCF_TYPE]);
	if (strchr(service, '=') != NULL)
		log_fatal("file %s: line %d: service name syntax \"%s\" is "
			  "unsupported with %s",
			  mcf->path, ent->line, service, PCF_EDIT_OPTS);
	if (type[strcspn(type, "=/")] != 0)
		log_fatal("file %s: line %d: service type syntax \"%s\" is "
			  "unsupported with %s",
			  mcf->path, ent->line, type, PCF_EDIT_OPTS);

	for (i = 0; i < count; i++) {
		req = reqs + i;
		tentative = NULL;
		use = 0;
		if (mode == PCF_MODE_MASTER_ENTRY && (flags & PCF_EDIT))
			tentative = pcf_parse_new_entry(req, why);
		if (pcf_match(req->pattern->argv, service, type)) {
			matched = 1;
			req->matches++;
			if (mode == PCF_MODE_MASTER_ENTRY) {
				if ((flags & PCF_EDIT) && req->matches == 1)
					use = 1;
			} else if (flags & (PCF_EDIT | PCF_REMOVE)) {
				pcf_edit_parse(mcf, ent, why);
				if (mode == PCF_MODE_MASTER_FIELD) {
					if (mastercf_set_field(ent, req->field,
							       req->value,
							       why) < 0)
						log_fatal("%s",
							  strbuf_str(why));
				} else if (flags & PCF_EDIT) {
					mastercf_set_option(
					    ent, req->pattern->argv[2],
					    req->value);
				} else {
					(void) mastercf_del_option(
					    ent, req->pattern->argv[2]);
				}
			}
		} else if (tentative != NULL &&
			   pcf_match(tentative->argv->argv, service, type)) {
			matched = 1;
			req->matches++;
			if (req->matches == 1)
				use = 1;
		}
		if (tentative != NULL) {
			if (use) {
				mastercf_entry_free(new_entry);
				new_entry = tentative;
			} else {
				mastercf_entry_free(tentative);
			}
		}
	}
	if (new_entry != NULL)
		mastercf_replace(ent, new_entry);
	else if (matched && mode == PCF_MODE_MASTER_ENTRY)
		ent->edit = (flags & PCF_COMMENT_OUT) ? MASTERCF_EDIT_COMMENT
						      : MASTERCF_EDIT_REMOVE;
	xfree(service);
	xfree(type);
}

/* pcf_edit_master - the edit modes */

static int
pcf_edit_master(int mode, int flags, char **args)
{
	STRBUF *why = strbuf_create(100);
	char *path = pcf_master_path();
	size_t count = pcf_count_args(args);
	MASTERCF_ENTRY *ent;
	MASTERCF *mcf;
	PCF_MREQ *reqs;
	size_t i;

	reqs = pcf_edit_reqs(mode, flags, args, count);
	if ((mcf = mastercf_open_edit(path, MASTERCF_FLAG_EDIT, why)) == NULL)
		log_fatal("%s", strbuf_str(why));
	for (ent = mcf->head; ent; ent = ent->next)
		if (ent->is_service)
			pcf_edit_entry(mcf, ent, mode, flags, reqs, count, why);
	for (i = 0; i < count; i++) {
		if (reqs[i].matches > 0)
			continue;
		if (mode == PCF_MODE_MASTER_ENTRY && (flags & PCF_EDIT))
			mastercf_append(mcf,
					pcf_parse_new_entry(reqs + i, why));
		else if (mode != PCF_MODE_MASTER_ENTRY)
			log_warn("unmatched service_name/type: \"%s\"",
				 reqs[i].raw);
	}
	if (mastercf_write(mcf, why) < 0)
		log_fatal("%s", strbuf_str(why));
	mastercf_free(mcf);
	pcf_free_reqs(reqs, count);
	xfree(path);
	strbuf_free(&why);
	return 0;
}

/* pcf_master_main - postconf -M, -F, -P and their edit forms */

int
pcf_master_main(int mode, int flags, char **args)
{
	int edits;

	/*
	 * Like Postfix, a value on the command line implies -e. The option
	 * checks below repeat those of the command-line parser that matter
	 * here, so that this function never runs a meaningless request.
	 */
	if ((flags & (PCF_EDIT | PCF_REMOVE | PCF_COMMENT_OUT)) == 0 &&
	    args != NULL && args[0] != NULL && strchr(args[0], '=') != NULL)
		flags |= PCF_EDIT;
	if (mode == PCF_MODE_MASTER_FIELD && (flags & PCF_REMOVE))
		log_fatal("with option -F, do not specify -X");
	if (mode == PCF_MODE_MASTER_FIELD && (flags & PCF_COMMENT_OUT))
		log_fatal("with option -F, do not specify -#");
	if (mode == PCF_MODE_MASTER_PARAM && (flags & PCF_COMMENT_OUT))
		log_fatal("with option -P, do not specify -#");
	edits = flags & (PCF_EDIT | PCF_REMOVE | PCF_COMMENT_OUT);
	if (edits == (PCF_EDIT | PCF_REMOVE))
		log_fatal("specify one of -e -X");
	if (edits == (PCF_EDIT | PCF_COMMENT_OUT))
		log_fatal("specify one of -e -#");
	if (edits & (edits - 1))
		log_fatal("specify one of -X -#");
	if (mode != PCF_MODE_MASTER_ENTRY && mode != PCF_MODE_MASTER_FIELD &&
	    mode != PCF_MODE_MASTER_PARAM)
		log_panic("pcf_master_main: unknown mode %d", mode);
	if (edits == 0)
		return pcf_show_master(mode, flags, args);
	if (args == NULL || args[0] == NULL) {
		if (flags & PCF_EDIT)
			log_fatal("-e requires name=value argument");
		log_fatal("missing service argument");
	}
	return pcf_edit_master(mode, flags, args);
}
