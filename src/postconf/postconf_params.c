/*
 * postconf_params.c - postconf: known parameters, main.cf display, checks
 *
 * Postfix's postconf knows three classes of parameter names:
 *
 * - built-in: every parameter of every group in the registry;
 * - per-service: a master.cf service name plus a scheduler suffix
 *   (relay_destination_concurrency_limit), for services that run a
 *   delivery agent, with "$default_..." defaults;
 * - user-defined: a name set in main.cf (or master.cf -o) that some
 *   value refers to as $name, or that smtpd_restriction_classes lists.
 *
 * Anything else set in main.cf or master.cf is "unused" and draws a
 * warning after the output. As in Postfix, main.cf values of built-in
 * parameters are expanded once while the names are collected, so that a
 * broken value is fatal even when nothing asks for the expansion.
 *
 * Postfix walks its hash tables in an order that changes from run to
 * run; we report in file order instead.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>

#include "argv.h"
#include "log.h"
#include "mainconf.h"
#include "mastercf.h"
#include "mem.h"
#include "nametab.h"
#include "param.h"
#include "postconf.h"
#include "postconf_main.h"
#include "strbuf.h"
#include "stringops.h"

/* One known parameter. */
typedef struct PCF_PARAM {
	int class;	      /* PCF_CLASS_* */
	const PARAM_DEF *def; /* built-in */
	char *defval;	      /* per-service: "$default_..." */
} PCF_PARAM;

/* The -o settings of one master.cf service and the names valid there. */
typedef struct PCF_SCOPE {
	MASTERCF_ENTRY *ent;
	ARGV *names;	/* unique, first appearance order */
	ARGV *values;	/* last value given */
	NAMETAB *valid; /* user-defined names valid locally */
} PCF_SCOPE;

STRBUF *pcf_out;

static NAMETAB *pcf_params;  /* name -> PCF_PARAM */
static ARGV *pcf_param_list; /* every name in pcf_params */
static MASTERCF *pcf_mcf;    /* NULL: no master.cf */
static PCF_SCOPE *pcf_scopes;
static size_t pcf_scope_count;
static NAMETAB *pcf_rest_classes; /* main.cf smtpd_restriction_classes */

/* Line folding, as Postfix's postconf does it. */
#define PCF_LINE_LIMIT 80
#define PCF_INDENT "    "
#define PCF_SEPARATORS " \t\r\n"

/* pcf_flush - write the buffered output */

void
pcf_flush(void)
{
	if (pcf_out == NULL || strbuf_len(pcf_out) == 0)
		return;
	if (fwrite(strbuf_str(pcf_out), 1, strbuf_len(pcf_out), stdout) !=
		strbuf_len(pcf_out) ||
	    fflush(stdout) != 0)
		log_fatal("write to standard output: %m");
	strbuf_reset(pcf_out);
}

/* pcf_print_line - normalize white space, fold at 80 columns */

void
pcf_print_line(STRBUF *out, int flags, const char *text)
{
	const char *cp = text;
	size_t line_len = 0;
	size_t word_len;

	for (;;) {
		cp += strspn(cp, PCF_SEPARATORS);
		if (*cp == 0)
			break;
		word_len = strcspn(cp, PCF_SEPARATORS);
		if (line_len > 0) {
			if (!(flags & PCF_FOLD) ||
			    line_len + word_len < PCF_LINE_LIMIT) {
				strbuf_append_char(out, ' ');
				line_len += 1;
			} else {
				strbuf_append_str(out, "\n" PCF_INDENT);
				line_len = strlen(PCF_INDENT);
			}
		}
		strbuf_append(out, cp, word_len);
		line_len += word_len;
		cp += word_len;
	}
	strbuf_append_char(out, '\n');
}

/* pcf_param_free - nametab_free() helper */

static void
pcf_param_free(void *ptr)
{
	PCF_PARAM *param = ptr;

	xfree(param->defval);
	xfree(param);
}

/* pcf_find - a known parameter, or NULL */

static PCF_PARAM *
pcf_find(const char *name)
{
	return nametab_find(pcf_params, name);
}

/* pcf_enter - add a parameter unless the name is known already */

static PCF_PARAM *
pcf_enter(const char *name, int class, const PARAM_DEF *def, const char *defval)
{
	PCF_PARAM *param;

	if ((param = pcf_find(name)) != NULL)
		return param;
	param = xcalloc(1, sizeof(*param));
	param->class = class;
	param->def = def;
	param->defval = defval ? xstrdup(defval) : NULL;
	nametab_enter(pcf_params, name, param);
	argv_add(pcf_param_list, name);
	return param;
}

/* pcf_is_raw - a parameter whose value is never $expanded */

static int
pcf_is_raw(const PCF_PARAM *param)
{
	return param && param->def && param->def->type == PARAM_T_RAW;
}

/* pcf_default - the default text of a parameter, NULL if it has none */

static const char *
pcf_default(const PCF_PARAM *param)
{
	if (param->def)
		return param_default(param->def);
	return param->defval;
}

/* pcf_register_builtin - one registry parameter */

static void
pcf_register_builtin(const PARAM_DEF *def, void *unused_context)
{
	pcf_enter(def->name, PCF_CLASS_BUILTIN, def, NULL);
}

/*
 * Per-service parameters: delivery agents get the scheduler settings,
 * pipe(8) and spawn(8) a time limit. Postfix's table (postconf_service).
 */
static const char *const pcf_service_suffixes[][2] = {
    {"_time_limit", "command_time_limit"}, /* pipe only */
    {"_recipient_limit", "default_recipient_limit"},
    {"_extra_recipient_limit", "default_extra_recipient_limit"},
    {"_recipient_refill_limit", "default_recipient_refill_limit"},
    {"_recipient_refill_delay", "default_recipient_refill_delay"},
    {"_delivery_slot_cost", "default_delivery_slot_cost"},
    {"_delivery_slot_loan", "default_delivery_slot_loan"},
    {"_delivery_slot_discount", "default_delivery_slot_discount"},
    {"_minimum_delivery_slots", "default_minimum_delivery_slots"},
    {"_initial_destination_concurrency", "initial_destination_concurrency"},
    {"_destination_concurrency_limit", "default_destination_concurrency_limit"},
    {"_destination_recipient_limit", "default_destination_recipient_limit"},
    {"_destination_concurrency_positive_feedback",
     "default_destination_concurrency_positive_feedback"},
    {"_destination_concurrency_negative_feedback",
     "default_destination_concurrency_negative_feedback"},
    {"_destination_concurrency_failed_cohort_limit",
     "default_destination_concurrency_failed_cohort_limit"},
    {"_destination_rate_delay", "default_destination_rate_delay"},
    {"_transport_rate_delay", "default_transport_rate_delay"},
};

/* pcf_register_service - parameters named after one master.cf service */

static void
pcf_register_service(const char *service, const char *command)
{
	STRBUF *name = strbuf_create(100);
	STRBUF *defval = strbuf_create(100);
	size_t first;
	size_t last;
	size_t i;

	if (strcmp(command, "pipe") == 0) {
		first = 0;
		last = ARRAY_LEN(pcf_service_suffixes);
	} else if (strcmp(command, "spawn") == 0) {
		first = 0;
		last = 1;
	} else if (strcmp(command, "local") == 0 ||
		   strcmp(command, "error") == 0 ||
		   strcmp(command, "virtual") == 0 ||
		   strcmp(command, "smtp") == 0 ||
		   strcmp(command, "lmtp") == 0) {
		first = 1;
		last = ARRAY_LEN(pcf_service_suffixes);
	} else {
		first = last = 0;
	}
	for (i = first; i < last; i++) {
		strbuf_printf(name, "%s%s", service,
			      pcf_service_suffixes[i][0]);
		strbuf_printf(defval, "$%s", pcf_service_suffixes[i][1]);
		/*
		 * A built-in of that name keeps its own default (local_...),
		 * but counts as per-service for -C, as in Postfix.
		 */
		pcf_enter(strbuf_str(name), PCF_CLASS_SERVICE, NULL,
			  strbuf_str(defval))
		    ->class
		    = PCF_CLASS_SERVICE;
	}
	strbuf_free(&name);
	strbuf_free(&defval);
}

static int pcf_master_flags;		/* mastercf_read_flags() flags */

/* pcf_master_quiet - leave master.cf warnings to the -M/-F/-P code */

void
pcf_master_quiet(void)
{
	pcf_master_flags = MASTERCF_FLAG_QUIET;
}

/* pcf_read_master - master.cf: a missing file is a warning */

static void
pcf_read_master(void)
{
	STRBUF *why = strbuf_create(100);
	char *path = str_concat(mainconf_dir(), "/master.cf", (char *) 0);
	MASTERCF_ENTRY *ent;
	PCF_SCOPE *scope;
	FILE *fp;
	ssize_t at;
	size_t n = 0;
	size_t i;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("open %s: %m", path);
		xfree(path);
		strbuf_free(&why);
		return;
	}
	fclose(fp);
	if ((pcf_mcf = mastercf_read_flags(path, pcf_master_flags, why)) == NULL)
		log_fatal("%s", strbuf_str(why));
	for (ent = pcf_mcf->head; ent; ent = ent->next)
		if (ent->is_service)
			n++;
	pcf_scopes = xcalloc(n ? n : 1, sizeof(*pcf_scopes));
	for (ent = pcf_mcf->head; ent; ent = ent->next) {
		if (!ent->is_service)
			continue;
		scope = pcf_scopes + pcf_scope_count++;
		scope->ent = ent;
		scope->names = argv_create();
		scope->values = argv_create();
		scope->valid = nametab_create(10);
		/* Each service is one name space; a repeated -o wins. */
		for (i = 0; ent->opt_names && i < ent->opt_names->argc; i++) {
			if ((at = argv_find(scope->names,
					    ent->opt_names->argv[i])) >= 0) {
				xfree(scope->values->argv[at]);
				scope->values->argv[at] =
				    xstrdup(ent->opt_values->argv[i]);
			} else {
				argv_add(scope->names, ent->opt_names->argv[i]);
				argv_add(scope->values,
					 ent->opt_values->argv[i]);
			}
		}
	}
	xfree(path);
	strbuf_free(&why);
}

/* pcf_scope_value - a service's -o value, or NULL */

static const char *
pcf_scope_value(const PCF_SCOPE *scope, const char *name)
{
	ssize_t at = argv_find(scope->names, name);

	return at >= 0 ? scope->values->argv[at] : NULL;
}

/* pcf_register_known - built-in and per-service parameters */

static void
pcf_register_known(void)
{
	size_t i;
	const MASTERCF_ENTRY *ent;

	pcf_params = nametab_create(param_count() + 100);
	pcf_param_list = argv_create();
	param_walk(pcf_register_builtin, NULL);
	pcf_read_master();
	for (i = 0; i < pcf_scope_count; i++) {
		ent = pcf_scopes[i].ent;
		if (ent->args && ent->args->argc > 0)
			pcf_register_service(ent->column[MASTERCF_SERVICE],
					     ent->args->argv[0]);
	}
}

/* Lookup context for expansion: -d looks at defaults only. */
typedef struct PCF_LOOKUP {
	int flags;
	const PCF_SCOPE *scope;
} PCF_LOOKUP;

/* pcf_lookup - value of a name for expansion (MAINCONF_LOOKUP_FN) */

static const char *
pcf_lookup(const char *name, void *context)
{
	const PCF_LOOKUP *lc = context;
	const char *value;
	PCF_PARAM *param;

	if (!(lc->flags & PCF_SHOW_DEFS)) {
		if (lc->scope &&
		    (value = pcf_scope_value(lc->scope, name)) != NULL)
			return value;
		if ((value = mainconf_lookup_raw(name)) != NULL)
			return value;
	}
	if ((param = pcf_find(name)) != NULL)
		return pcf_default(param);
	return NULL;
}

/* pcf_expand - recursive expansion; errors are fatal, as in Postfix */

static void
pcf_expand(STRBUF *out, int flags, const char *value, const PCF_SCOPE *scope)
{
	PCF_LOOKUP lc;
	STRBUF *why = strbuf_create(100);
	char *copy = xstrdup(value);

	lc.flags = flags;
	lc.scope = scope;
	if (mainconf_expand_fn(out, copy, MAINCONF_EXP_RECURSE, pcf_lookup, &lc,
			       NULL, why) < 0) {
		log_warn("%s", strbuf_str(why));
		log_fatal("macro processing error");
	}
	xfree(copy);
	strbuf_free(&why);
}

/*
 * User-defined parameters. A $name in a value makes "name" valid when
 * main.cf or a master.cf service sets it: in main.cf's name space when
 * main.cf sets it, in a service's when that service sets it.
 */

/* pcf_flag_user - validate one referenced name */

static void
pcf_flag_user(const char *name, PCF_SCOPE *scope, int warn_undefined)
{
	int supplied = 0;
	size_t i;

	if (scope && pcf_scope_value(scope, name) != NULL) {
		supplied = 1;
		nametab_enter(scope->valid, name, scope);
	} else if (mainconf_lookup_raw(name) != NULL) {
		supplied = 1;
		pcf_enter(name, PCF_CLASS_USER, NULL, NULL);
	}
	if (scope == NULL) {
		/* A main.cf value may validate master.cf -o settings. */
		for (i = 0; i < pcf_scope_count; i++) {
			if (pcf_scope_value(pcf_scopes + i, name) != NULL) {
				supplied = 1;
				nametab_enter(pcf_scopes[i].valid, name,
					      pcf_scopes + i);
			}
		}
	}
	if (!supplied && warn_undefined && pcf_find(name) == NULL)
		log_warn("%s/%s: undefined parameter: %s", mainconf_dir(),
			 scope ? "master.cf" : "main.cf", name);
}

/* pcf_scan_value - validate the names a value refers to */

static void
pcf_scan_value(const char *value, PCF_SCOPE *scope, int warn_undefined)
{
	ARGV *used = argv_create();
	STRBUF *why = strbuf_create(100);
	size_t i;

	/* Postfix warns about syntax errors here, and goes on. */
	if (mainconf_expand_fn(NULL, value, MAINCONF_EXP_SCAN, pcf_lookup, NULL,
			       used, why) < 0)
		log_warn("%s", strbuf_str(why));
	for (i = 0; i < used->argc; i++)
		pcf_flag_user(used->argv[i], scope, warn_undefined);
	argv_free(&used);
	strbuf_free(&why);
}

/* pcf_restriction_classes - names listed in smtpd_restriction_classes */

static void
pcf_restriction_classes(const char *raw, PCF_SCOPE *scope)
{
	STRBUF *value = strbuf_create(100);
	char *cp;
	char *name;

	if (raw == NULL) {
		strbuf_free(&value);
		return;
	}
	pcf_expand(value, 0, raw, scope);
	cp = strbuf_str(value);
	while ((name = token_next(&cp, ", \t\r\n")) != NULL) {
		if (scope == NULL)
			nametab_enter(pcf_rest_classes, name, NULL);
		pcf_flag_user(name, scope, 1);
	}
	strbuf_free(&value);
}

/* pcf_check_value - scan a setting; expand those of known parameters */

static void
pcf_check_value(const char *name, const char *value, PCF_SCOPE *scope)
{
	PCF_PARAM *param = pcf_find(name);
	STRBUF *junk;

	if (pcf_is_raw(param))
		return;
	pcf_scan_value(value, scope, 1);
	/* Postfix expands these while looking for database configuration. */
	if (param != NULL && param->class != PCF_CLASS_USER) {
		junk = strbuf_create(100);
		pcf_expand(junk, 0, value, scope);
		strbuf_free(&junk);
	}
}

/* pcf_check_main - one main.cf setting (MAINCONF_WALK_FN) */

static void
pcf_check_main(const char *name, const char *value, void *unused_context)
{
	pcf_check_value(name, value, NULL);
}

/* pcf_is_readonly - process_name and friends: not for main.cf */

static int
pcf_is_readonly(const char *name)
{
	PCF_PARAM *param = pcf_find(name);

	return param && param->def && (param->def->flags & PARAM_F_READONLY);
}

/*
 * pcf_drop_readonly - forget assignments to read-only parameters
 *
 * Postfix's programs ignore them, so postconf does not show them.
 */

static void
pcf_drop_readonly(void)
{
	ARGV *names = mainconf_names();
	PCF_SCOPE *scope;
	size_t i;
	size_t j;

	for (i = 0; i < names->argc; i++) {
		if (pcf_is_readonly(names->argv[i])) {
			log_warn(
			    "%s/main.cf: read-only parameter assignment: %s=%s",
			    mainconf_dir(), names->argv[i],
			    mainconf_lookup_raw(names->argv[i]));
			mainconf_unset(names->argv[i]);
		}
	}
	argv_free(&names);
	for (i = 0; i < pcf_scope_count; i++) {
		scope = pcf_scopes + i;
		for (j = 0; j < scope->names->argc; /* see below */) {
			if (!pcf_is_readonly(scope->names->argv[j])) {
				j++;
				continue;
			}
			log_warn("%s/master.cf: read-only parameter "
				 "assignment: %s=%s",
				 mainconf_dir(), scope->names->argv[j],
				 scope->values->argv[j]);
			argv_delete(scope->names, j, 1);
			argv_delete(scope->values, j, 1);
		}
	}
}

/* pcf_register_user - find the valid user-defined names */

static void
pcf_register_user(void)
{
	PCF_SCOPE *scope;
	const char *name;
	size_t i;
	size_t j;
	size_t n;

	pcf_rest_classes = nametab_create(10);
	pcf_drop_readonly();

	/*
	 * Defaults that refer to $names of parameters left at their
	 * default. The registry's defaults refer only to its own names, so
	 * an undefined name here is not the administrator's problem.
	 */
	n = pcf_param_list->argc;
	for (i = 0; i < n; i++) {
		name = pcf_param_list->argv[i];
		if (mainconf_lookup_raw(name) != NULL ||
		    pcf_is_raw(pcf_find(name)))
			continue;
		if (pcf_default(pcf_find(name)) != NULL)
			pcf_scan_value(pcf_default(pcf_find(name)), NULL, 0);
	}

	/* main.cf, then each master.cf service, as Postfix 3.7 does. */
	pcf_restriction_classes(
	    mainconf_lookup_raw("smtpd_restriction_classes"), NULL);
	mainconf_walk(pcf_check_main, NULL);
	for (i = 0; i < pcf_scope_count; i++) {
		scope = pcf_scopes + i;
		pcf_restriction_classes(
		    pcf_scope_value(scope, "smtpd_restriction_classes"), scope);
		for (j = 0; j < scope->names->argc; j++) {
			name = scope->names->argv[j];
			if (nametab_exists(pcf_rest_classes, name))
				nametab_enter(scope->valid, name, scope);
			pcf_check_value(name, scope->values->argv[j], scope);
		}
	}
}

/* pcf_value - the value to show: main.cf, else the default */

static const char *
pcf_value(int flags, const char *name, const PCF_PARAM *param)
{
	const char *value;

	if (!(flags & PCF_SHOW_DEFS) &&
	    (value = mainconf_lookup_raw(name)) != NULL)
		return value;
	if (flags & PCF_SHOW_NONDEF)
		return NULL;
	return pcf_default(param);
}

/* pcf_print_param - one "name = value" line */

static void
pcf_print_param(int flags, const char *name, const PCF_PARAM *param)
{
	const char *value;
	char *copy;
	STRBUF *line;

	if ((value = pcf_value(flags, name, param)) == NULL)
		return;
	line = strbuf_create(100);
	if (flags & PCF_HIDE_VALUE) {
		pcf_print_line(pcf_out, flags, name);
	} else {
		copy = xstrdup(value);
		if ((flags & PCF_SHOW_EVAL) && !pcf_is_raw(param))
			pcf_expand(line, flags & ~PCF_SHOW_NONDEF, copy, NULL);
		else
			strbuf_set(line, copy);
		xfree(copy);
		if (!(flags & PCF_HIDE_NAME)) {
			copy = strbuf_detach(line);
			strbuf_printf(line, "%s = %s", name, copy);
			xfree(copy);
		}
		pcf_print_line(pcf_out, flags, strbuf_str(line));
	}
	strbuf_free(&line);
}

/* pcf_warn_unused_main - main.cf names no parameter uses */

static void
pcf_warn_unused_main(const char *name, const char *value, void *unused)
{
	if (pcf_find(name) == NULL) {
		pcf_flush();
		log_warn("%s/main.cf: unused parameter: %s=%s", mainconf_dir(),
			 name, value);
	}
}

/* pcf_warn_unused_master - master.cf -o names no parameter uses */

static void
pcf_warn_unused_master(void)
{
	PCF_SCOPE *scope;
	size_t i;
	size_t j;

	for (i = 0; i < pcf_scope_count; i++) {
		scope = pcf_scopes + i;
		for (j = 0; j < scope->names->argc; j++) {
			if (pcf_find(scope->names->argv[j]) == NULL &&
			    !nametab_exists(scope->valid,
					    scope->names->argv[j])) {
				pcf_flush();
				log_warn(
				    "%s/master.cf: unused parameter: %s=%s",
				    mainconf_dir(), scope->names->argv[j],
				    scope->values->argv[j]);
			}
		}
	}
}

/* pcf_cleanup - free the tables */

static void
pcf_cleanup(void)
{
	size_t i;

	for (i = 0; i < pcf_scope_count; i++) {
		argv_free(&pcf_scopes[i].names);
		argv_free(&pcf_scopes[i].values);
		nametab_free(&pcf_scopes[i].valid, NULL);
	}
	xfree(pcf_scopes);
	pcf_scopes = NULL;
	pcf_scope_count = 0;
	if (pcf_mcf) {
		mastercf_free(pcf_mcf);
		pcf_mcf = NULL;
	}
	nametab_free(&pcf_params, pcf_param_free);
	argv_free(&pcf_param_list);
	if (pcf_rest_classes)
		nametab_free(&pcf_rest_classes, NULL);
}

/* pcf_compute_dynamic - dynamic defaults fail before any output */

static void
pcf_compute_dynamic(const PARAM_DEF *def, void *unused_context)
{
	if (def->flags & PARAM_F_DYNAMIC)
		(void) param_default(def);
}

/* pcf_show_main - postconf [-d] [-n] [-x] [-h|-H] [-f] [name...] */

void
pcf_show_main(int flags, int classes, char **names)
{
	PCF_PARAM *param;
	ARGV *sorted;
	size_t i;

	pcf_register_known();
	if (!(flags & PCF_SHOW_DEFS))
		pcf_register_user();
	param_walk(pcf_compute_dynamic, NULL);

	if (names[0] == NULL) {
		sorted = argv_create();
		for (i = 0; i < pcf_param_list->argc; i++)
			argv_add(sorted, pcf_param_list->argv[i]);
		argv_sort(sorted);
		for (i = 0; i < sorted->argc; i++) {
			param = pcf_find(sorted->argv[i]);
			if (param->class & classes)
				pcf_print_param(flags, sorted->argv[i], param);
		}
		argv_free(&sorted);
	} else {
		for (; *names; names++) {
			if ((param = pcf_find(*names)) == NULL) {
				log_warn("%s: unknown parameter", *names);
				continue;
			}
			pcf_print_param(flags, *names, param);
		}
	}
	pcf_flush();

	if (!(flags & PCF_SHOW_DEFS)) {
		mainconf_walk(pcf_warn_unused_main, NULL);
		pcf_warn_unused_master();
	}
	pcf_cleanup();
}

/* pcf_flag_unused_master - after postconf -M, -F or -P */

void
pcf_flag_unused_master(void)
{
	pcf_register_known();
	pcf_register_user();
	pcf_warn_unused_master();
	pcf_cleanup();
}
