/*
 * postmap.c - Postfix lookup table management
 *
 * Creates, queries and updates lookup tables, as Postfix's postmap(1):
 * "postmap [type:]file" builds file.db from "key whitespace value"
 * lines, "-q key" and "-q -" look keys up, "-d" deletes, "-i" adds lines
 * from standard input, "-s" lists a table. The work common with
 * postalias is in postmap_cmd.c; this file has the command line and the
 * source file syntax.
 *
 * Security: runs with its caller's privileges. When root builds from a
 * file that root does not own, it becomes that file's owner first (see
 * postmap_cmd.c; -o turns this off). The source file, keys from
 * standard input and table contents are untrusted text.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <unistd.h>

#include "argv.h"
#include "base64.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mainconf.h"
#include "map.h"
#include "params_global.h"
#include "postmap.h"

#define POSTMAP_USAGE "usage: %s [-bfFhimnNoprsuUvw] [-c config_dir] " \
	"[-d key] [-q key] [map_type:]file..."

/* What a build needs besides the table. */
typedef struct {
	int     flags;			/* POSTMAP_F_* */
	STRBUF *b64;			/* -F: encoded file contents */
	STRBUF *why;
} POSTMAP_STATE;

/*
 * pm_file_value - -F: the named files' contents, with a newline between
 * files, base64-encoded into out. 0, or -1 with the reason in why.
 */

static int
pm_file_value(const char *value, STRBUF *out, STRBUF *why)
{
	ARGV   *files = argv_split(value, ", \t\r\n");
	STRBUF *content = strbuf_create(1000);
	char    buf[8192];
	size_t  n;
	size_t  i;
	FILE   *fp;
	int     status = 0;

	for (i = 0; status == 0 && i < files->argc; i++) {
		if ((fp = fopen(files->argv[i], "r")) == NULL) {
			strbuf_printf(why, "open %s: %m", files->argv[i]);
			status = -1;
			break;
		}
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_append(content, buf, n);
		if (ferror(fp)) {
			strbuf_printf(why, "read %s: %m", files->argv[i]);
			status = -1;
		}
		(void) fclose(fp);
		if (i + 1 < files->argc)
			strbuf_append_char(content, '\n');
	}
	if (status == 0)
		(void) base64_encode(out, strbuf_str(content),
				     strbuf_len(content), BASE64_FLAG_NONE);
	argv_free(&files);
	strbuf_free(&content);
	return status;
}

/*
 * pm_line - one source line, by Postfix's "key whitespace value" rule:
 * the key ends at the first white space outside double quotes (a
 * backslash takes the next character as is) and keeps its quotes,
 * because postmap cannot know whether a key is an address local part;
 * the value is the rest, trimmed. Bad lines draw a warning and are
 * skipped, as in Postfix.
 */

static void
pm_line(MAP *map, char *line, const char *path, int lineno, void *context)
{
	POSTMAP_STATE *state = (POSTMAP_STATE *) context;
	char   *cp;
	char   *value;
	int     in_quotes = 0;

	for (cp = line; *cp; cp++) {
		if (*cp == '\\') {
			if (*++cp == 0)
				break;
		} else if (*cp == ' ' || *cp == '\t' || *cp == '\r'
			   || *cp == '\n' || *cp == '\v' || *cp == '\f') {
			if (!in_quotes)
				break;
		} else if (*cp == '"') {
			in_quotes = !in_quotes;
		}
	}
	if (in_quotes) {
		char   *p = postmap_printable(line);

		log_warn("%s, line %d: unbalanced '\"' in '%s' -- ignoring "
			 "this line", path, lineno, p);
		xfree(p);
		return;
	}
	if (*cp)
		*cp++ = 0;
	value = str_trim(cp);
	if (*line == 0 || *value == 0) {
		log_warn("%s, line %d: expected format: key whitespace value",
			 path, lineno);
		return;
	}
	if (line[strlen(line) - 1] == ':')
		log_warn("%s, line %d: record is in \"key: value\" format; "
			 "is this an alias file?", path, lineno);
	if (state->flags & POSTMAP_F_RHS_FILE) {
		if (pm_file_value(value, state->b64, state->why) < 0) {
			log_warn("%s, line %d: %s: skipping this entry", path,
				 lineno, strbuf_str(state->why));
			return;
		}
		value = strbuf_str(state->b64);
	}
	postmap_update(map, line, value);
}

/* main - parse the command line, then build, query, delete or list */

int
main(int argc, char **argv)
{
	POSTMAP_STATE state;
	int     flags = POSTMAP_F_AS_OWNER | POSTMAP_F_SAVE_PERM | POSTMAP_F_UTF8;
	int     open_flags = O_RDWR | O_CREAT | O_TRUNC;
	int     map_flags = MAP_F_DUP_WARN | MAP_F_FOLD_FIX;
	int     force_utf8 = 0;
	int     utf8 = 1;
	const char *query = NULL;
	const char *delkey = NULL;
	int     sequence = 0;
	int     ch;
	int     n;

	postmap_init(argv);
	while ((ch = getopt(argc, argv, "bc:d:fFhimnNopq:rsuUvw")) > 0) {
		switch (ch) {
		case 'b':
			flags |= POSTMAP_F_BODY_KEY;
			break;
		case 'c':
			mainconf_set_dir(optarg);
			break;
		case 'd':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s -q or -d");
			delkey = optarg;
			break;
		case 'f':
			map_flags &= ~MAP_F_FOLD_FIX;
			break;
		case 'F':
			flags |= POSTMAP_F_RHS_FILE;
			break;
		case 'h':
			flags |= POSTMAP_F_HEADER_KEY;
			break;
		case 'i':
			open_flags &= ~O_TRUNC;
			break;
		case 'm':
			flags |= POSTMAP_F_MIME_KEY;
			break;
		case 'n':
			map_flags |= MAP_F_TRY0NULL;
			map_flags &= ~MAP_F_TRY1NULL;
			break;
		case 'N':
			map_flags |= MAP_F_TRY1NULL;
			map_flags &= ~MAP_F_TRY0NULL;
			break;
		case 'o':
			flags &= ~POSTMAP_F_AS_OWNER;
			break;
		case 'p':
			flags &= ~POSTMAP_F_SAVE_PERM;
			break;
		case 'q':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s -q or -d");
			query = optarg;
			break;
		case 'r':
			map_flags &= ~(MAP_F_DUP_WARN | MAP_F_DUP_IGNORE);
			map_flags |= MAP_F_DUP_REPLACE;
			break;
		case 's':
			if (sequence || query || delkey)
				log_fatal("specify only one of -s -q or -d");
			sequence = 1;
			break;
		case 'u':
			utf8 = 0;
			break;
		case 'U':
			force_utf8 = 1;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			map_flags &= ~(MAP_F_DUP_WARN | MAP_F_DUP_REPLACE);
			map_flags |= MAP_F_DUP_IGNORE;
			break;
		default:
			log_fatal(POSTMAP_USAGE, argv[0]);
		}
	}
	postmap_config();
	if (log_verbose)
		map_flags |= MAP_F_DEBUG;

	if ((query == NULL || strcmp(query, "-") != 0)
	    && (flags & POSTMAP_F_ANY_KEY))
		log_fatal("specify -b -h or -m only with \"-q -\"");
	if ((flags & POSTMAP_F_ANY_KEY) && (flags & POSTMAP_F_HB_KEY) == 0)
		log_warn("ignoring -m option without -b or -h");

	/*
	 * UTF-8 checks as in Postfix: with smtputf8_enable, not with -u,
	 * and not on message keys (-b, -h) unless -U insists.
	 */
	if (!var_smtputf8_enable || !utf8
	    || ((flags & POSTMAP_F_HB_KEY) && !force_utf8))
		flags &= ~POSTMAP_F_UTF8;

	/* Postfix: -s without a table just fails; the others explain. */
	if (optind >= argc) {
		if (sequence)
			exit(1);
		log_fatal(POSTMAP_USAGE, argv[0]);
	}
	argv += optind;
	argc -= optind;

	if (delkey)
		exit(postmap_deletes(argv, argc, delkey,
				     map_flags | MAP_F_LOCK) ? 0 : 1);
	if (query && strcmp(query, "-") == 0)
		exit(postmap_queries(argv, argc, "\t", flags,
				     map_flags | MAP_F_LOCK) ? 0 : 1);
	if (query)
		exit(postmap_query(argv, argc, query, flags,
				   map_flags | MAP_F_LOCK) ? 0 : 1);
	if (sequence) {
		postmap_seq(argv[0], "\t", flags, map_flags | MAP_F_LOCK);
		exit(0);
	}
	state.flags = flags;
	state.b64 = strbuf_create(100);
	state.why = strbuf_create(100);
	for (n = 0; n < argc; n++)
		postmap_build(argv[n], flags, open_flags, map_flags, pm_line,
			      NULL, &state);
	strbuf_free(&state.b64);
	strbuf_free(&state.why);
	exit(0);
}
