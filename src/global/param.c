/*
 * param.c - the parameter registry
 *
 * Looks parameters up by name in one hash table built on first use from
 * every group table, converts main.cf text to typed values with
 * Postfix's checks and error wording, and walks the parameters in name
 * order for postconf.
 *
 * A later component adds its group here, in param_groups[], and its bit
 * in param.h. A name may be declared in one group only: a duplicate is
 * a broken invariant and panics when the table is built.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>

#include "log.h"
#include "mem.h"
#include "nametab.h"
#include "param.h"
#include "strbuf.h"
#include "stringops.h"

/* Every group, in no particular order; programs select them by bit. */
const PARAM_GROUP param_groups[] = {
    {PARAM_GROUP_GLOBAL, "global", params_global},
    {PARAM_GROUP_REWRITE, "rewrite", params_rewrite},
    {PARAM_GROUP_CLEANUP, "cleanup", params_cleanup},
    {PARAM_GROUP_DELIVER, "deliver", params_deliver},
    {PARAM_GROUP_QMGR, "qmgr", params_qmgr},
    {PARAM_GROUP_LOCAL, "local", params_local},
    {PARAM_GROUP_BOUNCE, "bounce", params_bounce},
    /* queue-tools helper */
    {PARAM_GROUP_VIRTUAL, "virtual", params_virtual},
    {PARAM_GROUP_FLUSH, "flush", params_flush},
    {PARAM_GROUP_SMTPD, "smtpd", params_smtpd},
    {PARAM_GROUP_SMTPD_CHECK, "smtpd_check", params_smtpd_check},
    {PARAM_GROUP_SMTPD_CHECK, "smtpd_dns", params_smtpd_dns},
    {PARAM_GROUP_ANVIL, "anvil", params_anvil},
    {PARAM_GROUP_SMTP, "smtp", params_smtp},
    {PARAM_GROUP_SMTP, "smtp_addr", params_smtp_addr},
    {PARAM_GROUP_TLS, "tls", params_tls},
    {PARAM_GROUP_SASL, "sasl", params_sasl},
    {0, 0, 0},
};

static NAMETAB *param_table;	       /* name -> PARAM_DEF */
static const PARAM_DEF **param_sorted; /* all definitions, by name */
static size_t param_total;

/* param_compare - qsort() helper: order definitions by name */

static int
param_compare(const void *a, const void *b)
{
	const PARAM_DEF *const *pa = a;
	const PARAM_DEF *const *pb = b;

	return strcmp((*pa)->name, (*pb)->name);
}

/* param_init - build the name table and the sorted list once */

static void
param_init(void)
{
	const PARAM_GROUP *grp;
	const PARAM_DEF *def;
	size_t n = 0;

	if (param_table != NULL)
		return;
	for (grp = param_groups; grp->table; grp++)
		for (def = grp->table; def->name; def++)
			n++;
	param_table = nametab_create(n);
	param_sorted = xcalloc(n ? n : 1, sizeof(*param_sorted));
	for (grp = param_groups; grp->table; grp++) {
		for (def = grp->table; def->name; def++) {
			if (nametab_enter(param_table, def->name,
					  (void *) def) != NULL)
				log_panic("parameter %s is declared twice",
					  def->name);
			param_sorted[param_total++] = def;
		}
	}
	qsort(param_sorted, param_total, sizeof(*param_sorted), param_compare);
}

/* param_find - definition by name */

const PARAM_DEF *
param_find(const char *name)
{
	param_init();
	return nametab_find(param_table, name);
}

/* param_count - number of known parameters */

size_t
param_count(void)
{
	param_init();
	return param_total;
}

/* param_default - default text, computed for dynamic parameters */

const char *
param_default(const PARAM_DEF *def)
{
	const char *value;

	if (def->flags & PARAM_F_DYNAMIC) {
		if (def->defval_fn == NULL)
			log_panic("parameter %s: no default function",
				  def->name);
		value = def->defval_fn();
		return value ? value : "";
	}
	if (def->defval == NULL)
		log_panic("parameter %s: no default value", def->name);
	return def->defval;
}

/* param_time_unit - the unit of a time value that has none */

int
param_time_unit(const PARAM_DEF *def)
{
	const char *defval = param_default(def);
	size_t len = strlen(defval);

	if (len > 0 && isalpha((unsigned char) defval[len - 1]))
		return (unsigned char) defval[len - 1];
	return 's';
}

/* param_parse_time - time value with optional unit to seconds */

int
param_parse_time(const char *value, int def_unit, long *result)
{
	const char *cp = value;
	long number = 0;
	long scale;
	int unit;

	if (!isdigit((unsigned char) *cp))
		return -1;
	for (; isdigit((unsigned char) *cp); cp++) {
		if (number > (LONG_MAX - 9) / 10)
			return -1;
		number = number * 10 + (*cp - '0');
	}
	if (*cp != 0 && cp[1] != 0)
		return -1;
	unit = *cp ? *cp : def_unit;
	switch (unit) {
	case 's':
		scale = 1;
		break;
	case 'm':
		scale = 60;
		break;
	case 'h':
		scale = 3600;
		break;
	case 'd':
		scale = 86400;
		break;
	case 'w':
		scale = 7 * 86400;
		break;
	default:
		return -1;
	}
	/* Postfix keeps times in an int. */
	if (number > INT_MAX / scale)
		return -1;
	*result = number * scale;
	return 0;
}

/* param_store_str - string types: length limits, then a private copy */

static int
param_store_str(const PARAM_DEF *def, const char *value, STRBUF *why)
{
	char **target = def->var;
	long len = (long) strlen(value);

	if (def->min && len < def->min) {
		strbuf_printf(why, "bad string length %ld < %ld: %s = %s", len,
			      def->min, def->name, value);
		return -1;
	}
	if (def->max && len > def->max) {
		strbuf_printf(why, "bad string length %ld > %ld: %s = %s", len,
			      def->max, def->name, value);
		return -1;
	}
	xfree(*target);
	*target = xstrdup(value);
	return 0;
}

/* param_number - whole-string decimal number; Postfix's error wording */

static int
param_number(const PARAM_DEF *def, const char *value, long lo, long hi,
	     long *result, STRBUF *why)
{
	if (parse_long(value, result, lo, hi) < 0) {
		strbuf_printf(why, "bad numerical configuration: %s = %s",
			      def->name, value);
		return -1;
	}
	return 0;
}

/* param_store - convert, check and store one value */

int
param_store(const PARAM_DEF *def, const char *value, STRBUF *why)
{
	long number;
	int bool_val;

	strbuf_reset(why);
	if (def->var == NULL)
		log_panic("parameter %s: no variable", def->name);

	switch (def->type) {
	case PARAM_T_STR:
	case PARAM_T_RAW:
		return param_store_str(def, value, why);

	case PARAM_T_INT:
		if (param_number(def, value, INT_MIN, INT_MAX, &number, why) <
		    0)
			return -1;
		/* As Postfix: a zero limit means no limit. */
		if (def->min && number < def->min) {
			strbuf_printf(why,
				      "invalid %s parameter value %ld < %ld",
				      def->name, number, def->min);
			return -1;
		}
		if (def->max && number > def->max) {
			strbuf_printf(why,
				      "invalid %s parameter value %ld > %ld",
				      def->name, number, def->max);
			return -1;
		}
		*(int *) def->var = (int) number;
		return 0;

	case PARAM_T_LONG:
	case PARAM_T_SIZE:
		if (param_number(def, value, LONG_MIN, LONG_MAX, &number, why) <
		    0)
			return -1;
		if (def->min && number < def->min) {
			strbuf_printf(why,
				      "invalid %s parameter value %ld < %ld",
				      def->name, number, def->min);
			return -1;
		}
		if (def->max && number > def->max) {
			strbuf_printf(why,
				      "invalid %s parameter value %ld > %ld",
				      def->name, number, def->max);
			return -1;
		}
		*(long *) def->var = number;
		return 0;

	case PARAM_T_BOOL:
		if (parse_bool(value, &bool_val) < 0) {
			strbuf_printf(why, "bad boolean configuration: %s = %s",
				      def->name, value);
			return -1;
		}
		*(int *) def->var = bool_val;
		return 0;

	case PARAM_T_TIME:
		if (param_parse_time(value, param_time_unit(def), &number) <
		    0) {
			strbuf_printf(
			    why, "parameter %s: bad time value or unit: %s",
			    def->name, value);
			return -1;
		}
		if (def->min && number < def->min) {
			strbuf_printf(why, "invalid %s: %ld (min %ld)",
				      def->name, number, def->min);
			return -1;
		}
		if (def->max && number > def->max) {
			strbuf_printf(why, "invalid %s: %ld (max %ld)",
				      def->name, number, def->max);
			return -1;
		}
		*(int *) def->var = (int) number;
		return 0;

	default:
		log_panic("parameter %s: unknown type %d", def->name,
			  def->type);
	}
}

/* param_walk - every parameter, sorted by name */

void
param_walk(PARAM_WALK_FN fn, void *context)
{
	size_t i;

	param_init();
	for (i = 0; i < param_total; i++)
		fn(param_sorted[i], context);
}
