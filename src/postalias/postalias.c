/*
 * postalias.c - Postfix alias database maintenance, and newaliases
 *
 * Creates, queries and updates alias databases, as Postfix's
 * postalias(1): the source file has the aliases(5) syntax ("name:
 * value, value, ..."; see aliases_parse.c), names are stored in
 * internal form and lower case, values in external (quoted) form, and
 * every build ends with the "@" -> "@" entry that tells Sendmail (and
 * NIS clients) that the database is complete. "-q -" and "-s" print
 * "key: value". The table work common with postmap is in
 * src/postmap/postmap_cmd.c.
 *
 * Invoked as newaliases (a link installed at $newaliases_path), it
 * rebuilds every table listed in $alias_database, as Postfix's
 * "sendmail -bi" does by running postalias on that list. It accepts
 * sendmail's -C (main.cf, or its directory) and -v, and ignores the
 * other sendmail options, as newaliases callers pass some.
 *
 * Security: runs with its caller's privileges. When root builds from a
 * file that root does not own, it becomes that file's owner first (-o
 * turns this off), so an alias file owned by someone else cannot make
 * root write where that owner could not. The source file, keys from
 * standard input and table contents are untrusted text.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "aliases_parse.h"
#include "mainconf.h"
#include "map.h"
#include "params_global.h"
#include "postmap.h"

#define POSTALIAS_USAGE "usage: %s [-Nfinoprsuvw] [-c config_dir] " \
	"[-d key] [-q key] [map_type:]file..."

/* sysexits.h: what sendmail-compatible commands exit with. */
#define POSTALIAS_EX_USAGE	64

/* What a build needs besides the table. */
typedef struct {
	int     open_flags;
	STRBUF *name;
	STRBUF *value;
	STRBUF *why;
} POSTALIAS_STATE;

/* pa_line - one "name: value, ..." line */

static void
pa_line(MAP *map, char *line, const char *path, int lineno, void *context)
{
	POSTALIAS_STATE *state = (POSTALIAS_STATE *) context;

	switch (aliases_parse_line(line, state->name, state->value, state->why)) {
	case ALIASES_PARSE_OK:
		postmap_update(map, strbuf_str(state->name),
			       strbuf_str(state->value));
		break;
	case ALIASES_PARSE_EMPTY:
		break;
	default:
		log_warn("%s, line %d: %s", path, lineno,
			 strbuf_str(state->why));
		break;
	}
}

/*
 * pa_end - Sendmail compatibility: the "@" -> "@" entry says that the
 * database is complete. An update (-i) replaces it without a warning.
 * Postfix adds NIS's YP_LAST_MODIFIED and YP_MASTER_NAME entries only
 * where it is built with NIS, which this program is not.
 */

static void
pa_end(MAP *map, void *context)
{
	POSTALIAS_STATE *state = (POSTALIAS_STATE *) context;

	if ((state->open_flags & O_TRUNC) == 0) {
		map->flags &= ~(MAP_F_DUP_WARN | MAP_F_DUP_IGNORE);
		map->flags |= MAP_F_DUP_REPLACE;
	}
	postmap_update(map, "@", "@");
}

/* pa_build - build or update each table */

static void
pa_build(char **specs, int count, int flags, int open_flags, int map_flags)
{
	POSTALIAS_STATE state;
	int     n;

	state.open_flags = open_flags;
	state.name = strbuf_create(100);
	state.value = strbuf_create(100);
	state.why = strbuf_create(100);
	for (n = 0; n < count; n++)
		postmap_build(specs[n], flags, open_flags, map_flags, pa_line,
			      pa_end, &state);
	strbuf_free(&state.name);
	strbuf_free(&state.value);
	strbuf_free(&state.why);
}

/* pa_config_path - sendmail -C: main.cf itself, or its directory */

static void
pa_config_path(const char *path)
{
	struct stat st;
	char   *dir;
	char   *slash;

	if (stat(path, &st) < 0)
		log_fatal_status(POSTALIAS_EX_USAGE, "stat %s: %m", path);
	if (S_ISREG(st.st_mode)) {
		dir = xstrdup(path);
		if ((slash = strrchr(dir, '/')) == NULL) {
			mainconf_set_dir(".");
		} else {
			slash[slash == dir] = 0;	/* "/main.cf" -> "/" */
			mainconf_set_dir(dir);
		}
		xfree(dir);
	} else {
		mainconf_set_dir(path);
	}
}

/*
 * pa_newaliases - rebuild $alias_database, as "sendmail -bi" does.
 * The options are sendmail's; those that take an argument are listed
 * so that their argument is not taken for a recipient.
 */

static int
pa_newaliases(int argc, char **argv)
{
	int     flags = POSTMAP_F_AS_OWNER | POSTMAP_F_SAVE_PERM | POSTMAP_F_UTF8;
	int     map_flags = MAP_F_DUP_WARN | MAP_F_FOLD_FIX;
	ARGV   *tables;
	int     ch;

	while ((ch = getopt(argc, argv,
			    "B:C:F:GIL:N:O:R:UX:b:ce:f:h:imno:p:r:q:tvV:x")) > 0) {
		switch (ch) {
		case 'C':
			pa_config_path(optarg);
			break;
		case 'v':
			log_verbose++;
			break;
		case '?':
			log_fatal_status(POSTALIAS_EX_USAGE,
					 "usage: %s [-C config_file] [-v]",
					 argv[0]);
		default:
			break;			/* sendmail options that do not apply */
		}
	}
	if (optind < argc)
		log_fatal_status(POSTALIAS_EX_USAGE,
				 "alias initialization mode requires no "
				 "recipient");
	postmap_config();
	if (!var_smtputf8_enable)
		flags &= ~POSTMAP_F_UTF8;
	if (log_verbose)
		map_flags |= MAP_F_DEBUG;

	/* Postfix runs postalias for this; its diagnostics say postalias. */
	log_init("postalias", LOG_DEST_STDERR | LOG_DEST_SYSLOG);
	if (*var_syslog_name)
		log_syslog_name(var_syslog_name);
	tables = argv_split(var_alias_database, ", \t\r\n");
	pa_build(tables->argv, (int) tables->argc, flags,
		 O_RDWR | O_CREAT | O_TRUNC, map_flags);
	argv_free(&tables);
	return 0;
}

/* main - parse the command line, then build, query, delete or list */

int
main(int argc, char **argv)
{
	int     flags = POSTMAP_F_AS_OWNER | POSTMAP_F_SAVE_PERM | POSTMAP_F_UTF8;
	int     open_flags = O_RDWR | O_CREAT | O_TRUNC;
	int     map_flags = MAP_F_DUP_WARN | MAP_F_FOLD_FIX;
	int     utf8 = 1;
	const char *query = NULL;
	const char *delkey = NULL;
	int     sequence = 0;
	int     ch;

	postmap_init(argv);
	if (strcmp(argv[0], "newaliases") == 0)
		exit(pa_newaliases(argc, argv));

	while ((ch = getopt(argc, argv, "Nc:d:finopq:rsuvw")) > 0) {
		switch (ch) {
		case 'N':
			map_flags |= MAP_F_TRY1NULL;
			map_flags &= ~MAP_F_TRY0NULL;
			break;
		case 'c':
			mainconf_set_dir(optarg);
			break;
		case 'd':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s or -q or -d");
			delkey = optarg;
			break;
		case 'f':
			map_flags &= ~MAP_F_FOLD_FIX;
			break;
		case 'i':
			open_flags &= ~O_TRUNC;
			break;
		case 'n':
			map_flags |= MAP_F_TRY0NULL;
			map_flags &= ~MAP_F_TRY1NULL;
			break;
		case 'o':
			flags &= ~POSTMAP_F_AS_OWNER;
			break;
		case 'p':
			flags &= ~POSTMAP_F_SAVE_PERM;
			break;
		case 'q':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s or -q or -d");
			query = optarg;
			break;
		case 'r':
			map_flags &= ~(MAP_F_DUP_WARN | MAP_F_DUP_IGNORE);
			map_flags |= MAP_F_DUP_REPLACE;
			break;
		case 's':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s or -q or -d");
			sequence = 1;
			break;
		case 'u':
			utf8 = 0;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			map_flags &= ~(MAP_F_DUP_WARN | MAP_F_DUP_REPLACE);
			map_flags |= MAP_F_DUP_IGNORE;
			break;
		default:
			log_fatal(POSTALIAS_USAGE, argv[0]);
		}
	}
	postmap_config();
	if (!var_smtputf8_enable || !utf8)
		flags &= ~POSTMAP_F_UTF8;
	if (log_verbose)
		map_flags |= MAP_F_DEBUG;

	/* Postfix: -s without a table just fails; the others explain. */
	if (optind >= argc) {
		if (sequence)
			exit(1);
		log_fatal(POSTALIAS_USAGE, argv[0]);
	}
	argv += optind;
	argc -= optind;

	if (delkey)
		exit(postmap_deletes(argv, argc, delkey,
				     map_flags | MAP_F_LOCK) ? 0 : 1);
	if (query && strcmp(query, "-") == 0)
		exit(postmap_queries(argv, argc, ":\t", flags,
				     map_flags | MAP_F_LOCK) ? 0 : 1);
	if (query)
		exit(postmap_query(argv, argc, query, flags,
				   map_flags | MAP_F_LOCK) ? 0 : 1);
	if (sequence) {
		postmap_seq(argv[0], ":\t", flags, map_flags | MAP_F_LOCK);
		exit(0);
	}
	pa_build(argv, argc, flags, open_flags, map_flags);
	exit(0);
}
