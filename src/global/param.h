/*
 * param.h - the parameter registry
 *
 * Every parameter the project honours is declared once, in a group table
 * (params_global.c, later params_smtpd.c, ...), with its name, type,
 * Postfix 3.7 default and limits. postconf -d prints from these tables;
 * postconf(5) is generated from them; main.cf names that no table knows
 * draw the "unused parameter" warning.
 *
 * A C variable is named after its parameter: smtpd_banner is
 * var_smtpd_banner. Variables are valid only after mainconf_load() (or
 * the service skeleton) has run.
 */

#ifndef PARAM_H
#define PARAM_H

#include "sysdeps.h"

struct STRBUF;

/* Parameter types. */
#define PARAM_T_STR	1	/* char *: expanded ($name) at load time */
#define PARAM_T_RAW	2	/* char *: stored unexpanded (e.g. ${user}) */
#define PARAM_T_INT	3	/* int */
#define PARAM_T_LONG	4	/* long */
#define PARAM_T_BOOL	5	/* int, 0 or 1; yes/no/true/false */
#define PARAM_T_TIME	6	/* int seconds; "10s", "5m", "1h", "2d", "1w" */
#define PARAM_T_SIZE	7	/* long bytes (postconf shows plain numbers) */

/* Flags. */
#define PARAM_F_DYNAMIC	(1 << 0)	/* default computed by defval_fn */
#define PARAM_F_READONLY (1 << 1)	/* not settable in main.cf (process_id...) */

typedef struct PARAM_DEF {
	const char *name;
	int     type;
	const char *defval;	/* exactly as postconf -d prints it */
	const char *(*defval_fn)(void);	/* PARAM_F_DYNAMIC default */
	void   *var;		/* char **, int *, or long * */
	long    min;		/* numbers: smallest; strings: shortest */
	long    max;		/* numbers: largest; strings: longest; 0 none */
	int     flags;
} PARAM_DEF;

/*
 * Table entries. Numeric defaults are written as C literals and
 * stringified, so the table holds one spelling of each default. A TIME
 * default carries its unit ("300s", "5d"); that unit is also the unit of
 * a value without one, as in Postfix.
 */
#define PARAM_STR(n, d, v, mn, mx) \
	{ (n), PARAM_T_STR, (d), 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_RAW(n, d, v, mn, mx) \
	{ (n), PARAM_T_RAW, (d), 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_INT(n, d, v, mn, mx) \
	{ (n), PARAM_T_INT, #d, 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_LONG(n, d, v, mn, mx) \
	{ (n), PARAM_T_LONG, #d, 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_SIZE(n, d, v, mn, mx) \
	{ (n), PARAM_T_SIZE, #d, 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_BOOL(n, d, v) \
	{ (n), PARAM_T_BOOL, (d) ? "yes" : "no", 0, (void *) (v), 0, 1, 0 }
#define PARAM_TIME(n, d, v, mn, mx) \
	{ (n), PARAM_T_TIME, (d), 0, (void *) (v), (mn), (mx), 0 }
#define PARAM_FN(n, t, fn, v, mn, mx) \
	{ (n), (t), 0, (fn), (void *) (v), (mn), (mx), PARAM_F_DYNAMIC }

/*
 * A boolean whose default is an expression, as Postfix writes some
 * (smtputf8_enable = ${{$compatibility_level} <level {1} ? {no} : {yes}}).
 */
#define PARAM_NBOOL(n, d, v) \
	{ (n), PARAM_T_BOOL, (d), 0, (void *) (v), 0, 1, 0 }

/*
 * Read-only parameters (process_id, process_name, service_name): the
 * program sets them itself; main.cf and master.cf settings are ignored,
 * and postconf warns about them, as Postfix does.
 */
#define PARAM_STR_RO(n, d, v) \
	{ (n), PARAM_T_STR, (d), 0, (void *) (v), 0, 0, PARAM_F_READONLY }
#define PARAM_FN_RO(n, t, fn, v) \
	{ (n), (t), 0, (fn), (void *) (v), 0, 0, \
	  PARAM_F_DYNAMIC | PARAM_F_READONLY }
#define PARAM_END	{ 0, 0, 0, 0, 0, 0, 0, 0 }

/*
 * Groups: a program loads the groups it uses (a bit mask). Each later
 * component adds its bit and table here and in param_groups[].
 */
#define PARAM_GROUP_GLOBAL	(1 << 0)
#define PARAM_GROUP_REWRITE	(1 << 4)	/* params_rewrite.c */
#define PARAM_GROUP_CLEANUP	(1 << 5)	/* params_cleanup.c */
#define PARAM_GROUP_DELIVER	(1 << 6)	/* params_deliver.c */
#define PARAM_GROUP_QMGR	(1 << 7)	/* params_qmgr.c */
#define PARAM_GROUP_LOCAL	(1 << 8)	/* params_local.c */
#define PARAM_GROUP_BOUNCE	(1 << 9)	/* params_bounce.c */
#define PARAM_GROUP_QUEUE	(1 << 10)	/* params_queue.c: showq, postqueue, postsuper */
#define PARAM_GROUP_VIRTUAL	(1 << 11)	/* params_virtual.c: virtual, pipe */
#define PARAM_GROUP_FLUSH	(1 << 12)	/* params_flush.c */
#define PARAM_GROUP_SMTPD	(1 << 13)	/* params_smtpd.c: smtpd protocol */
#define PARAM_GROUP_SMTPD_CHECK	(1 << 14)	/* params_smtpd_check.c: restrictions */
#define PARAM_GROUP_ANVIL	(1 << 15)	/* params_anvil.c: anvil, rate limits, policy */
#define PARAM_GROUP_SMTP	(1 << 16)	/* params_smtp.c, params_smtp_addr.c: smtp/lmtp client */
#define PARAM_GROUP_TLS	(1 << 17)	/* params_tls.c: smtpd, smtp/lmtp TLS */
#define PARAM_GROUP_SASL	(1 << 18)	/* params_sasl.c: smtpd, smtp/lmtp SASL */
#define PARAM_GROUP_ALL		(~0)

typedef struct PARAM_GROUP {
	int     bit;
	const char *name;
	const PARAM_DEF *table;
} PARAM_GROUP;

extern const PARAM_GROUP param_groups[];	/* ends with table == NULL */

extern const PARAM_DEF params_global[];
extern const PARAM_DEF params_rewrite[];
extern const PARAM_DEF params_cleanup[];
extern const PARAM_DEF params_deliver[];
extern const PARAM_DEF params_qmgr[];
extern const PARAM_DEF params_local[];
extern const PARAM_DEF params_bounce[];
/* params_queue (queue-tools helper) */
extern const PARAM_DEF params_virtual[];
extern const PARAM_DEF params_flush[];
extern const PARAM_DEF params_smtpd[];
extern const PARAM_DEF params_smtpd_check[];
extern const PARAM_DEF params_smtpd_dns[];	/* also PARAM_GROUP_SMTPD_CHECK */
extern const PARAM_DEF params_anvil[];
extern const PARAM_DEF params_smtp[];
extern const PARAM_DEF params_smtp_addr[];	/* also PARAM_GROUP_SMTP */
extern const PARAM_DEF params_tls[];
extern const PARAM_DEF params_sasl[];

/* The definition of a parameter, or NULL for an unknown name. */
extern const PARAM_DEF *param_find(const char *name);

/* The default value text (calls defval_fn when dynamic). */
extern const char *param_default(const PARAM_DEF *def);

/*
 * Converts text (already $expanded) to the parameter's type, checks the
 * limits and stores it in *def->var. Returns 0, or -1 with Postfix's
 * wording in why ("bad numerical configuration: name = value", ...).
 * A string variable gets a copy; the previous copy is freed, so only
 * param_store() may assign string variables.
 */
extern int param_store(const PARAM_DEF *def, const char *value,
		       struct STRBUF *why);

/*
 * Time value to seconds: digits and an optional unit (s m h d w; the
 * default unit when there is none). 0, or -1 for a malformed,
 * negative or too large (more than INT_MAX seconds) value.
 */
extern int param_parse_time(const char *value, int def_unit, long *result);

/*
 * The unit of a TIME value without one: the letter that ends the
 * default ("300s", "${stress?{10}:{300}}s"); 's' when there is none.
 */
extern int param_time_unit(const PARAM_DEF *def);

/* Calls fn for every known parameter, sorted by name. */
typedef void (*PARAM_WALK_FN)(const PARAM_DEF *def, void *context);
extern void param_walk(PARAM_WALK_FN fn, void *context);

/* Number of known parameters (all groups). */
extern size_t param_count(void);

#endif
