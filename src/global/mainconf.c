/*
 * mainconf.c - main.cf: reading, $name expansion, -o overrides, loading
 *
 * The grammar is Postfix's (postconf(5)): logical lines from cfgline,
 * "name = value" split like Postfix's split_nameval(), last assignment
 * wins. Values stay raw until someone asks: expansion happens on lookup
 * so that a default such as "$myhostname" sees main.cf's myhostname.
 *
 * The expansion language is Postfix 3.7's mac_expand(): a text is
 * scanned for $name, ${...} and $(...); the text inside braces is a
 * name or a relational expression, optionally followed by "?" and/or
 * ":" and their operands. Error messages reproduce Postfix's, because
 * administrators see them (postconf prints them as warnings).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>

#include "argv.h"
#include "cfgline.h"
#include "log.h"
#include "mainconf.h"
#include "mem.h"
#include "nametab.h"
#include "param.h"
#include "strbuf.h"
#include "stringops.h"

#ifndef DEF_CONFIG_DIRECTORY
#define DEF_CONFIG_DIRECTORY "/etc/postfix"
#endif

/* One name set in main.cf or by an override. */
typedef struct MC_ENTRY {
	char *name; /* borrowed from mc_order */
	char *value;
	const char *file; /* NULL: override */
	int line;
} MC_ENTRY;

static NAMETAB *mc_table;	       /* name -> MC_ENTRY */
static ARGV *mc_order;		       /* names in order of appearance */
static ARGV *mc_files;		       /* file names the entries point to */
static char *mc_dir;		       /* explicit directory, or NULL */
static char *mc_path;		       /* $dir/main.cf */
static STRBUF *mc_lookup_buf;	       /* mainconf_lookup() result */
static MAINCONF_LOOKUP_FN mc_scope_fn; /* master.cf -o settings */
static void *mc_scope_context;

/* Postfix's white space set for the expansion language. */
#define MC_WHITESPACE " \t\r\n"

/* Postfix's mac_expand() gives up beyond this nesting depth. */
#define MC_MAX_LEVEL 100

/* mc_entry_free - nametab_free() helper */

static void
mc_entry_free(void *ptr)
{
	MC_ENTRY *ent = ptr;

	xfree(ent->value);
	xfree(ent);
}

/* mc_init - create the tables on first use */

static void
mc_init(void)
{
	if (mc_table == NULL) {
		mc_table = nametab_create(100);
		mc_order = argv_create();
		mc_files = argv_create();
	}
}

/* mainconf_reset - forget every setting */

void
mainconf_reset(void)
{
	if (mc_table != NULL) {
		nametab_free(&mc_table, mc_entry_free);
		argv_free(&mc_order);
		argv_free(&mc_files);
	}
}

/* mc_set - record name = value, last assignment wins */

static void
mc_set(const char *name, const char *value, const char *file, int line)
{
	MC_ENTRY *ent;

	mc_init();
	if ((ent = nametab_find(mc_table, name)) == NULL) {
		ent = xcalloc(1, sizeof(*ent));
		(void) nametab_enter(mc_table, name, ent);
		argv_add(mc_order, name);
	} else if (ent->value == NULL) {
		argv_add(mc_order, name); /* set again after unset */
	} else {
		xfree(ent->value);
	}
	ent->value = xstrdup(value);
	ent->file = file;
	ent->line = line;
}

/* mc_get - the entry for name, or NULL */

static MC_ENTRY *
mc_get(const char *name)
{
	MC_ENTRY *ent = mc_table ? nametab_find(mc_table, name) : NULL;

	return ent && ent->value ? ent : NULL;
}

/* mainconf_set_dir - choose the configuration directory */

void
mainconf_set_dir(const char *config_dir)
{
	xfree(mc_dir);
	mc_dir = config_dir ? xstrdup(config_dir) : NULL;
	xfree(mc_path);
	mc_path = NULL;
}

/* mainconf_set_dir_env - MAIL_CONFIG, for commands */

int
mainconf_set_dir_env(void)
{
	const char *dir = getenv("MAIL_CONFIG");

	if (dir == NULL || *dir == 0)
		return 0;
	mainconf_set_dir(dir);
	return 1;
}

/* mainconf_dir - the configuration directory */

const char *
mainconf_dir(void)
{
	return mc_dir ? mc_dir : DEF_CONFIG_DIRECTORY;
}

/* mainconf_path - the main.cf pathname */

const char *
mainconf_path(void)
{
	if (mc_path == NULL)
		mc_path = str_concat(mainconf_dir(), "/main.cf", (char *) 0);
	return mc_path;
}

/* mc_split - Postfix's split_nameval(), in place */

static const char *
mc_split(char *buf, char **name, char **value)
{
	char *np;
	char *ep;
	char *cp;
	char *vp;
	char *end;

	for (np = buf; isspace((unsigned char) *np); np++)
		;
	if (*np == 0 || *np == '=')
		return "missing attribute name";
	for (ep = np; *ep && !isspace((unsigned char) *ep) && *ep != '='; ep++)
		;
	for (cp = ep; isspace((unsigned char) *cp); cp++)
		;
	if (*cp != '=')
		return "missing '=' after attribute name";
	*ep = 0;
	for (vp = cp + 1; isspace((unsigned char) *vp); vp++)
		;
	for (end = vp + strlen(vp);
	     end > vp && isspace((unsigned char) end[-1]); end--)
		;
	*end = 0;
	*name = np;
	*value = vp;
	return NULL;
}

/* mainconf_parse_assignment - one "name = value" */

int
mainconf_parse_assignment(const char *text, char **name, char **value,
			  STRBUF *why)
{
	char *copy = xstrdup(text);
	const char *err;
	char *np;
	char *vp;

	if ((err = mc_split(copy, &np, &vp)) != NULL) {
		strbuf_set(why, err);
		xfree(copy);
		return -1;
	}
	*name = xstrdup(np);
	*value = xstrdup(vp);
	xfree(copy);
	return 0;
}

/* mainconf_read - read main.cf */

int
mainconf_read(int missing_ok, STRBUF *why)
{
	const char *path = mainconf_path();
	const char *file;
	MC_ENTRY *old;
	STRBUF *line;
	FILE *fp;
	const char *err;
	char *name;
	char *value;
	int lineno = 0;
	int first_line;
	int ret = 0;

	mainconf_reset();
	mc_init();
	/* Postfix: an explicit directory is also config_directory's value. */
	if (mc_dir != NULL)
		mc_set("config_directory", mc_dir, NULL, 0);

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		strbuf_printf(why, "open %s: %m", path);
		return -1;
	}
	argv_add(mc_files, path);
	file = mc_files->argv[mc_files->argc - 1];

	line = strbuf_create(100);
	while (cfgline_read(fp, line, &lineno, &first_line) == 0) {
		if (isspace((unsigned char) *strbuf_str(line))) {
			/* Postfix shows at most 30 characters here. */
			log_warn("%s: logical line must not start with white"
				 "space: \"%.30s%s\"",
				 path, strbuf_str(line),
				 strbuf_len(line) > 30 ? "..." : "");
			continue;
		}
		if ((err = mc_split(strbuf_str(line), &name, &value)) != NULL) {
			strbuf_printf(why, "%s, line %d: %s: \"%s\"", path,
				      first_line, err, strbuf_str(line));
			ret = -1;
			break;
		}
		/* Postfix warns when a repeated name changes the value. */
		if ((old = mc_get(name)) != NULL &&
		    strcmp(old->value, value) != 0)
			log_warn("%s, line %d: overriding earlier entry: %s=%s",
				 path, first_line, name, old->value);
		mc_set(name, value, file, first_line);
	}
	if (ret == 0 && ferror(fp)) {
		strbuf_printf(why, "read %s: %m", path);
		ret = -1;
	}
	fclose(fp);
	strbuf_free(&line);
	return ret;
}

/* mainconf_override - -o name=value */

void
mainconf_override(const char *name, const char *value)
{
	mc_set(name, value, NULL, 0);
}

/* mainconf_unset - forget a setting */

void
mainconf_unset(const char *name)
{
	MC_ENTRY *ent;
	ssize_t at;

	if ((ent = mc_get(name)) == NULL)
		return;
	/* The table never deletes; an entry without value is "not set". */
	xfree(ent->value);
	ent->value = NULL;
	if ((at = argv_find(mc_order, name)) >= 0)
		argv_delete(mc_order, (size_t) at, 1);
}

/* mainconf_lookup_raw - value as set, unexpanded */

const char *
mainconf_lookup_raw(const char *name)
{
	MC_ENTRY *ent = mc_get(name);

	return ent ? ent->value : NULL;
}

/* mainconf_origin - where a name was last set */

int
mainconf_origin(const char *name, const char **file, int *line)
{
	MC_ENTRY *ent = mc_get(name);

	if (ent == NULL)
		return -1;
	*file = ent->file;
	*line = ent->line;
	return 0;
}

/* mainconf_names - names set, sorted */

ARGV *
mainconf_names(void)
{
	ARGV *names = argv_create();
	size_t i;

	for (i = 0; mc_order && i < mc_order->argc; i++)
		argv_add(names, mc_order->argv[i]);
	argv_sort(names);
	return names;
}

/* mainconf_walk - names set, in order of appearance */

void
mainconf_walk(MAINCONF_WALK_FN fn, void *context)
{
	size_t i;

	for (i = 0; mc_order && i < mc_order->argc; i++)
		fn(mc_order->argv[i], mainconf_lookup_raw(mc_order->argv[i]),
		   context);
}

/*
 * The expansion engine. mc_parse() splits text into literal runs and
 * $references like Postfix's mac_parse(); mc_expr() evaluates one
 * reference. Both count nesting like Postfix, so a loop is reported
 * with the same name Postfix reports.
 */
typedef struct MC_EXP {
	STRBUF *result;
	int flags;
	MAINCONF_LOOKUP_FN lookup;
	void *context;
	ARGV *used;
	STRBUF *why;
	int error;
	int level;
} MC_EXP;

#define MC_SCAN(mc) ((mc)->flags & MAINCONF_EXP_SCAN)

static int mc_parse(MC_EXP *, const char *);
static int mc_error(MC_EXP *, const char *, ...) PRINTFLIKE(2, 3);

/* mc_error - remember the first error, in Postfix's words */

static int
mc_error(MC_EXP *mc, const char *fmt, ...)
{
	va_list ap;

	if (!mc->error && mc->why != NULL) {
		strbuf_reset(mc->why);
		va_start(ap, fmt);
		strbuf_append_vprintf(mc->why, fmt, ap);
		va_end(ap);
	}
	mc->error = 1;
	return -1;
}

/* mc_enter - nesting check on entry to each piece of text */

static int
mc_enter(MC_EXP *mc, const char *text)
{
	if (mc->level++ > MC_MAX_LEVEL)
		mc_error(mc, "unreasonable macro call nesting: \"%s\"", text);
	return mc->error ? -1 : 0;
}

/* mc_literal - literal text goes to the result */

static int
mc_literal(MC_EXP *mc, const char *text)
{
	if (mc_enter(mc, text) < 0)
		return -1;
	if (!MC_SCAN(mc))
		strbuf_append_str(mc->result, text);
	mc->level--;
	return 0;
}

/* mc_curly - "{payload}" at *bp: balance braces, skip white space after */

static char *
mc_curly(MC_EXP *mc, char **bp)
{
	char *cp;
	char *payload;
	int level = 1;

	for (cp = payload = *bp + 1; /* see below */; cp++) {
		if (*cp == 0) {
			mc_error(mc,
				 "unbalanced {} in attribute expression: "
				 "\"%s\"",
				 *bp);
			return NULL;
		} else if (*cp == '{') {
			level++;
		} else if (*cp == '}' && --level <= 0) {
			break;
		}
	}
	*cp++ = 0;
	*bp = cp + strspn(cp, MC_WHITESPACE);
	return payload;
}

/* mc_find_curly - skip white space to a '{'; 1 and advance if found */

static int
mc_find_curly(char **cp)
{
	size_t len = strspn(*cp, MC_WHITESPACE);

	if ((*cp)[len] != '{')
		return 0;
	*cp += len;
	return 1;
}

/* mc_alldig - a non-empty string of digits */

static int
mc_alldig(const char *s)
{
	if (*s == 0)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char) *s))
			return 0;
	return 1;
}

/* mc_compat_level - "major[.minor[.patch]]" to a comparable number */

static long
mc_compat_level(const char *str)
{
	const char *cp = str;
	long part[3] = {0, 0, 0};
	long limit[3] = {LONG_MAX >> 20, 1023, 1023};
	int n;

	for (n = 0; n < 3; n++) {
		if (!isdigit((unsigned char) *cp))
			return -1;
		for (; isdigit((unsigned char) *cp); cp++) {
			if (part[n] > (limit[n] - (*cp - '0')) / 10)
				return -1;
			part[n] = part[n] * 10 + (*cp - '0');
		}
		if (*cp == 0)
			return (part[0] << 20) | (part[1] << 10) | part[2];
		if (*cp++ != '.')
			return -1;
	}
	return -1;
}

/* Relational operators, with Postfix's names. */
#define MC_OP_EQ 1
#define MC_OP_NE 2
#define MC_OP_LT 3
#define MC_OP_LE 4
#define MC_OP_GE 5
#define MC_OP_GT 6

/* Postfix's list of operators in its error message, quotes and all. */
#define MC_OP_ANY                                                              \
	"\"==\" or \"!=\"\" or \"<\"\" or \"<=\"\" or \">=\"\" or \">\""

/* mc_op_code - operator text to code, 0 if none */

static int
mc_op_code(const char *op, size_t len)
{
	static const struct {
		const char *name;
		int code;
	} ops[] = {
	    {"==", MC_OP_EQ}, {"!=", MC_OP_NE}, {"<", MC_OP_LT},
	    {"<=", MC_OP_LE}, {">=", MC_OP_GE}, {">", MC_OP_GT},
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(ops); i++)
		if (strlen(ops[i].name) == len &&
		    strncmp(ops[i].name, op, len) == 0)
			return ops[i].code;
	return 0;
}

/* mc_compare - apply a relational operator to a difference */

static int
mc_compare(int op, long delta)
{
	switch (op) {
	case MC_OP_EQ:
		return delta == 0;
	case MC_OP_NE:
		return delta != 0;
	case MC_OP_LT:
		return delta < 0;
	case MC_OP_LE:
		return delta <= 0;
	case MC_OP_GE:
		return delta >= 0;
	case MC_OP_GT:
		return delta > 0;
	default:
		log_panic("mc_compare: unknown operator %d", op);
	}
}

/* mc_evaluate - compare two expanded operands; -1 on error */

static int
mc_evaluate(MC_EXP *mc, const char *left, int op, int by_level,
	    const char *rite)
{
	long lval;
	long rval;
	int cmp;

	if (by_level) {
		/* Compatibility levels: 2 < 3.6 < 3.6.1 < 10. */
		if ((lval = mc_compat_level(left)) < 0)
			return mc_error(mc,
					"malformed compatibility level "
					"syntax: \"%s\"",
					left);
		if ((rval = mc_compat_level(rite)) < 0)
			return mc_error(mc,
					"malformed compatibility level "
					"syntax: \"%s\"",
					rite);
		return mc_compare(op, lval - rval);
	}
	if (mc_alldig(left) && mc_alldig(rite)) {
		if (parse_long(left, &lval, 0, LONG_MAX) < 0)
			return mc_error(mc, "mac_exp_eval: bad conversion: %s",
					left);
		if (parse_long(rite, &rval, 0, LONG_MAX) < 0)
			return mc_error(mc, "mac_exp_eval: bad conversion: %s",
					rite);
		return mc_compare(op, lval - rval);
	}
	cmp = strcmp(left, rite);
	return mc_compare(op, cmp);
}

/* mc_sub_expand - expand an operand with the same settings */

static void
mc_sub_expand(MC_EXP *mc, STRBUF *out, const char *text)
{
	MC_EXP sub = *mc;

	/*
	 * Same nesting count: Postfix restarts it here, which lets a value
	 * that compares itself recurse until the stack runs out.
	 */
	sub.result = out;
	(void) mc_parse(&sub, text);
	mc->error |= sub.error;
}

/*
 * mc_relational - "{left} op {right}" at *bp; sets *value to "true" or
 * "" (NULL when scanning) and advances *bp past it
 */

static int
mc_relational(MC_EXP *mc, const char **value, char **bp)
{
	char *cp = *bp;
	char *left;
	char *rite;
	char *op_pos;
	size_t op_len;
	char *sfx_pos;
	size_t sfx_len;
	int op;
	int by_level = 0;
	int result = 0;
	STRBUF *lbuf;
	STRBUF *rbuf;

	if ((left = mc_curly(mc, &cp)) == NULL)
		return -1;
	op_pos = cp;
	op_len = strspn(cp, "<>!=?+-*/~&|%");
	if ((op = mc_op_code(cp, op_len)) == 0)
		return mc_error(mc, "%s expected at: \"...%s}>>>%.20s\"",
				MC_OP_ANY, left, cp);
	cp += op_len;
	if (isalnum((unsigned char) *cp)) {
		/* Postfix 3.6 and later: "<level" and friends. */
		sfx_pos = cp;
		for (sfx_len = 1; isalnum((unsigned char) cp[sfx_len]);
		     sfx_len++)
			;
		cp += sfx_len;
		if (sfx_len != 5 || strncmp(sfx_pos, "level", 5) != 0)
			return mc_error(mc,
					"bad operator suffix at: "
					"\"...%.*s>>>%.*s\"",
					(int) op_len, op_pos, (int) sfx_len,
					sfx_pos);
		by_level = 1;
	}
	if (!mc_find_curly(&cp))
		return mc_error(mc,
				"\"{expression}\" expected at: "
				"\"...{%s} %.*s>>>%.20s\"",
				left, (int) op_len, op_pos, cp);
	if ((rite = mc_curly(mc, &cp)) == NULL)
		return -1;

	lbuf = strbuf_create(100);
	rbuf = strbuf_create(100);
	mc_sub_expand(mc, lbuf, left);
	mc_sub_expand(mc, rbuf, rite);
	if (!mc->error && !MC_SCAN(mc))
		result = mc_evaluate(mc, strbuf_str(lbuf), op, by_level,
				     strbuf_str(rbuf));
	strbuf_free(&lbuf);
	strbuf_free(&rbuf);
	if (mc->error)
		return -1;
	*value = MC_SCAN(mc) ? NULL : result ? "true" : "";
	*bp = cp;
	return 0;
}

/* mc_record - remember a name that was looked up */

static void
mc_record(MC_EXP *mc, const char *name)
{
	if (mc->used && (mc->flags & (MAINCONF_EXP_RECORD | MAINCONF_EXP_SCAN)))
		argv_add(mc->used, name);
}

/* mc_expr - evaluate the text of one $reference (modified in place) */

static int
mc_expr(MC_EXP *mc, char *buf)
{
	static char empty[] = "";
	const char *value = NULL;
	char *cp = buf;
	char *start;
	char *res;
	char *copy;
	size_t ws;
	int ch;

	if (mc_enter(mc, buf) < 0)
		return -1;

	if (mc_find_curly(&cp)) {
		/* Relational expression, optionally followed by ? or :. */
		if (mc_relational(mc, &value, &cp) < 0)
			return -1;
		if ((ch = *cp) != 0) {
			if (ch != '?' && ch != ':')
				return mc_error(mc,
						"\"?\" or \":\" expected at: "
						"\"...}>>>%.20s\"",
						cp);
			cp++;
		}
	} else {
		/* Parameter name, white space around it allowed. */
		start = cp = cp + strspn(cp, MC_WHITESPACE);
		for (;; cp++) {
			ws = strspn(cp, MC_WHITESPACE);
			if ((ch = cp[ws]) == 0) {
				*cp = 0;
				break;
			}
			if (ch == '?' || ch == ':') {
				*cp++ = 0;
				cp += ws;
				break;
			}
			if (!isalnum((unsigned char) *cp) && *cp != '_')
				return mc_error(mc,
						"attribute name syntax error"
						" at: \"...%.*s>>>%.20s\"",
						(int) (cp - buf), buf, cp);
		}
		mc_record(mc, start);
		if (!MC_SCAN(mc))
			value = mc->lookup(start, mc->context);
	}

	/*
	 * After "?" comes the text for a non-empty value and, after ":", the
	 * text for an empty one. Without braces an operand is the rest of
	 * the text (Postfix 2.x compatible). A scan parses both.
	 */
	switch (ch) {
	case '?':
		if (mc_find_curly(&cp)) {
			if ((res = mc_curly(mc, &cp)) == NULL)
				return -1;
		} else {
			res = cp;
			cp = empty;
		}
		if ((value != NULL && *value != 0) || MC_SCAN(mc))
			if (mc_parse(mc, res) < 0)
				return -1;
		if (*cp == 0)
			break;
		if (*cp != ':')
			return mc_error(mc,
					"\":\" expected at: "
					"\"...%s}>>>%.20s\"",
					res, cp);
		cp++;
		/* FALLTHROUGH */
	case ':':
		if (mc_find_curly(&cp)) {
			if ((res = mc_curly(mc, &cp)) == NULL)
				return -1;
		} else {
			res = cp;
			cp = empty;
		}
		if (value == NULL || *value == 0 || MC_SCAN(mc))
			if (mc_parse(mc, res) < 0)
				return -1;
		if (*cp != 0)
			return mc_error(mc,
					"unexpected input at: "
					"\"...%s}>>>%.20s\"",
					res, cp);
		break;
	default:
		if (value == NULL || *value == 0 || MC_SCAN(mc)) {
			/* Undefined and empty names expand to nothing. */
		} else if (mc->flags & MAINCONF_EXP_RECURSE) {
			copy = xstrdup(value);
			(void) mc_parse(mc, copy);
			xfree(copy);
			if (mc->error)
				return -1;
		} else {
			strbuf_append_str(mc->result, value);
		}
		break;
	}
	mc->level--;
	return 0;
}

/* mc_parse - split text into literals and $references */

static int
mc_parse(MC_EXP *mc, const char *text)
{
	STRBUF *lit = strbuf_create(100);
	char *name;
	const char *vp = text;
	const char *ep;
	int open;
	int close;
	int level;

	while (*vp && !mc->error) {
		if (*vp != '$') {
			strbuf_append_char(lit, *vp++);
			continue;
		}
		if (vp[1] == '$') {
			strbuf_append_char(lit, '$');
			vp += 2;
			continue;
		}
		if (strbuf_len(lit) > 0) {
			if (mc_literal(mc, strbuf_str(lit)) < 0)
				break;
			strbuf_reset(lit);
		}
		vp += 1;
		if (*vp == '{' || *vp == '(') {
			/* Only the same kind of bracket nests. */
			open = *vp;
			close = open == '{' ? '}' : ')';
			for (level = 1, ep = vp + 1; level > 0; ep++) {
				if (*ep == 0) {
					mc_error(mc,
						 "truncated macro reference: "
						 "\"%s\"",
						 text);
					break;
				}
				if (*ep == open)
					level++;
				else if (*ep == close)
					level--;
			}
			if (mc->error)
				break;
			name = xstrndup(vp + 1, (size_t) (ep - vp - 2));
		} else {
			for (ep = vp;
			     isalnum((unsigned char) *ep) || *ep == '_'; ep++)
				;
			name = xstrndup(vp, (size_t) (ep - vp));
		}
		vp = ep;
		if (*name == 0) {
			xfree(name);
			mc_error(mc, "empty macro name: \"%s\"", text);
			break;
		}
		(void) mc_expr(mc, name);
		xfree(name);
	}
	if (strbuf_len(lit) > 0 && !mc->error)
		(void) mc_literal(mc, strbuf_str(lit));
	strbuf_free(&lit);
	return mc->error ? -1 : 0;
}

/* mainconf_expand_fn - expand with a caller-supplied lookup */

int
mainconf_expand_fn(STRBUF *result, const char *value, int flags,
		   MAINCONF_LOOKUP_FN lookup, void *context, ARGV *used,
		   STRBUF *why)
{
	MC_EXP mc;
	STRBUF *scratch = NULL;

	if (result == NULL)
		result = scratch = strbuf_create(10);
	strbuf_reset(result);
	mc.result = result;
	mc.flags = flags;
	mc.lookup = lookup;
	mc.context = context;
	mc.used = used;
	mc.why = why;
	mc.error = 0;
	mc.level = 0;
	(void) mc_parse(&mc, value);
	if (scratch)
		strbuf_free(&scratch);
	return mc.error ? -1 : 0;
}

/* mainconf_set_scope - local settings that take precedence */

void
mainconf_set_scope(MAINCONF_LOOKUP_FN lookup, void *context)
{
	mc_scope_fn = lookup;
	mc_scope_context = context;
}

/* mc_default_lookup - scope, main.cf value, else the built-in default */

static const char *
mc_default_lookup(const char *name, void *unused_context)
{
	const PARAM_DEF *def = param_find(name);
	const char *value;
	MC_ENTRY *ent;

	if (mc_scope_fn != NULL &&
	    (value = mc_scope_fn(name, mc_scope_context)) != NULL)
		return value;
	/* A program always sees the built-in value of a read-only one. */
	if ((def == NULL || !(def->flags & PARAM_F_READONLY)) &&
	    (ent = mc_get(name)) != NULL)
		return ent->value;
	return def ? param_default(def) : NULL;
}

/* mainconf_expand - expand with main.cf values and defaults */

int
mainconf_expand(STRBUF *result, const char *value, int flags, ARGV *used,
		STRBUF *why)
{
	return mainconf_expand_fn(result, value, flags, mc_default_lookup, NULL,
				  used, why);
}

/* mainconf_eval - recursive expansion; errors are fatal */

void
mainconf_eval(STRBUF *result, const char *value)
{
	STRBUF *why = strbuf_create(100);

	if (mainconf_expand(result, value, MAINCONF_EXP_RECURSE, NULL, why) <
	    0) {
		log_warn("%s", strbuf_str(why));
		log_fatal("dictionary mail_dict: macro processing error");
	}
	strbuf_free(&why);
}

/* mc_value - the value a program sees, expanded unless RAW */

static void
mc_value(const PARAM_DEF *def, const char *name, STRBUF *out)
{
	const char *raw = mc_default_lookup(name, NULL);
	char *copy;

	if (raw == NULL) {
		strbuf_reset(out);
		return;
	}
	/* A dynamic default may be computed by a lookup in the expansion. */
	copy = xstrdup(raw);
	if (def != NULL && def->type == PARAM_T_RAW)
		strbuf_set(out, copy);
	else
		mainconf_eval(out, copy);
	xfree(copy);
}

/* mainconf_lookup - value as programs see it */

const char *
mainconf_lookup(const char *name)
{
	const PARAM_DEF *def = param_find(name);
	STRBUF *value;

	if (def == NULL && mc_get(name) == NULL &&
	    (mc_scope_fn == NULL ||
	     mc_scope_fn(name, mc_scope_context) == NULL))
		return NULL;
	/* Evaluation may call us again (dynamic defaults): use our own. */
	value = strbuf_create(100);
	mc_value(def, name, value);
	if (mc_lookup_buf == NULL)
		mc_lookup_buf = strbuf_create(100);
	strbuf_set(mc_lookup_buf, strbuf_str(value));
	strbuf_free(&value);
	return strbuf_str(mc_lookup_buf);
}

/* mainconf_load - store the parameters of the given groups */

void
mainconf_load(int groups)
{
	const PARAM_GROUP *grp;
	const PARAM_DEF *def;
	STRBUF *value = strbuf_create(100);
	STRBUF *why = strbuf_create(100);

	for (grp = param_groups; grp->table; grp++) {
		if (!(grp->bit & groups))
			continue;
		for (def = grp->table; def->name; def++) {
			mc_value(def, def->name, value);
			if (param_store(def, strbuf_str(value), why) < 0)
				log_fatal("%s", strbuf_str(why));
		}
	}
	strbuf_free(&value);
	strbuf_free(&why);
}
