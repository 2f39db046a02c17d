/*
 * service_opts.c - parse the command line of a daemon
 *
 * Not getopt(): the parser keeps no global state, so tests can run it
 * many times, and it stops at the first non-option argument on every
 * platform (pipe(8) style arguments such as "flags=R argv=/bin/x -o y"
 * must reach the daemon untouched).
 */

#include "sysdeps.h"

#include "argv.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "master_proto.h"
#include "service_opts.h"

/* so_set_opt - record one -o name=value */

static int
so_set_opt(SERVICE_OPTS *opts, const char *arg, STRBUF *why)
{
	const char *eq = strchr(arg, '=');
	size_t	len = eq ? (size_t) (eq - arg) : strlen(arg);

	/* Postfix takes "-o name" as "name =" (an empty value). */
	if (len == 0) {
		strbuf_printf(why, "invalid -o argument: \"%s\"", arg);
		return -1;
	}
	argv_addn(opts->opt_names, arg, len);
	argv_add(opts->opt_values, eq ? eq + 1 : "");
	return 0;
}

/* service_opts_parse - parse options, leave the rest in args */

int
service_opts_parse(int argc, char **argv, SERVICE_OPTS *opts, STRBUF *why)
{
	const char *cp;
	const char *val;
	long	count;
	int	i;
	int	ch;

	memset(opts, 0, sizeof(*opts));
	opts->socket_count = 1;
	opts->opt_names = argv_create();
	opts->opt_values = argv_create();
	opts->args = argv_create();

	for (i = 1; i < argc; i++) {
		cp = argv[i];
		if (cp[0] != '-' || cp[1] == 0)
			break;
		if (strcmp(cp, "--") == 0) {
			i++;
			break;
		}
		for (cp++; (ch = *cp) != 0; cp++) {
			switch (ch) {
			case 'c':
				opts->chroot = 1;
				continue;
			case 'D':
				opts->debug = 1;
				continue;
			case 'l':
				opts->solitary = 1;
				continue;
			case 'S':
				opts->standalone = 1;
				continue;
			case 'u':
				opts->unpriv = 1;
				continue;
			case 'v':
				opts->verbose++;
				continue;
			case 'z':
				opts->unlimited = 1;
				continue;
			case 'n':
			case 'o':
			case 's':
			case 't':
				break;
			default:
				strbuf_printf(why, "invalid option: -%c", ch);
				return -1;
			}

			/* An option with a value: the rest of this word, or the next. */
			if (cp[1] != 0) {
				val = cp + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				strbuf_printf(why, "option requires an argument: -%c", ch);
				return -1;
			}
			switch (ch) {
			case 'n':
				xfree(opts->name);
				opts->name = xstrdup(val);
				break;
			case 't':
				xfree(opts->type);
				opts->type = xstrdup(val);
				break;
			case 's':
				if (parse_long(val, &count, 1, MASTER_LISTEN_MAX) < 0) {
					strbuf_printf(why, "invalid socket count: \"%s\"", val);
					return -1;
				}
				opts->socket_count = (int) count;
				break;
			case 'o':
				if (so_set_opt(opts, val, why) < 0)
					return -1;
				break;
			}
			break;			/* the value ended this word */
		}
	}
	for (; i < argc; i++)
		argv_add(opts->args, argv[i]);
	return 0;
}

/* service_opts_free - release what service_opts_parse() made */

void
service_opts_free(SERVICE_OPTS *opts)
{
	xfree(opts->name);
	xfree(opts->type);
	if (opts->opt_names)
		argv_free(&opts->opt_names);
	if (opts->opt_values)
		argv_free(&opts->opt_values);
	if (opts->args)
		argv_free(&opts->args);
	memset(opts, 0, sizeof(*opts));
}
