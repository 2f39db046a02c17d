/*
 * service_opts.h - the command line of a daemon, as master builds it
 *
 * Split out of the skeleton so that the parser can be tested alone.
 * Options end at the first argument that does not start with '-', at
 * "--", or at a lone "-" (as with Postfix, whose daemons stop there
 * too); what follows goes to the daemon in args.
 */

#ifndef SERVICE_OPTS_H
#define SERVICE_OPTS_H

#include "sysdeps.h"

struct ARGV;
struct STRBUF;

typedef struct SERVICE_OPTS {
	char   *name;		/* -n, or NULL */
	char   *type;		/* -t, or NULL */
	int	socket_count;	/* -s, default 1 */
	int	chroot;		/* -c */
	int	unpriv;		/* -u */
	int	solitary;	/* -l */
	int	unlimited;	/* -z */
	int	standalone;	/* -S */
	int	verbose;	/* number of -v */
	int	debug;		/* -D */
	struct ARGV *opt_names;	/* -o names, in order */
	struct ARGV *opt_values;	/* their values ("" after a bare name) */
	struct ARGV *args;	/* the arguments after the options */
} SERVICE_OPTS;

/*
 * Parses argv[1..argc-1] (argv[0] is the program). Letters may be
 * grouped ("-uc") and an option value may follow its letter ("-nsmtp")
 * or come as the next argument. Returns 0, or -1 with the reason in
 * why: "invalid option: -x", "option requires an argument: -n",
 * "invalid socket count: ...", "invalid -o argument: ..." (no name).
 * Free the result with service_opts_free() either way.
 */
extern int service_opts_parse(int argc, char **argv, SERVICE_OPTS *opts,
			      struct STRBUF *why);
extern void service_opts_free(SERVICE_OPTS *opts);

#endif
