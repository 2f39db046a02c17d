/*
 * postconf.c - the postconf command: options, and what to run
 *
 * Parses the command line like Postfix 3.7's postconf, including its
 * checks for options that exclude each other and their messages
 * ("specify one of -d -n", "with option -M, do not specify -n"), then
 * shows or edits main.cf, lists built-in features (-m, -a, -A, -l), or
 * hands master.cf work to pcf_master_main().
 *
 * Security: runs as the invoking user with no privileges of its own.
 * Its inputs are the command line, MAIL_CONFIG and the configuration
 * files that user can read; -e, -# and -X write main.cf through a
 * locked temporary file that is renamed into place.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "log.h"
#include "mainconf.h"
#include "map.h"
#include "mem.h"
#include "postconf.h"
#include "postconf_main.h"
#include "sasl_types.h"
#include "tls.h"			/* tls */
#include "strbuf.h"
#include "stringops.h"

/*
 * Option bits, for the compatibility checks only. The order of
 * pcf_opt_names[] is Postfix's: it decides the order of names in the
 * error messages.
 */
#define OPT_SASL_SERV (1 << 0)	   /* -a */
#define OPT_SASL_CLNT (1 << 1)	   /* -A */
#define OPT_PARAM_CLASS (1 << 2)   /* -C (never set, as in Postfix) */
#define OPT_SHOW_DEFS (1 << 3)	   /* -d */
#define OPT_EDIT_CONF (1 << 4)	   /* -e */
#define OPT_FOLD_LINE (1 << 5)	   /* -f */
#define OPT_MASTER_FLD (1 << 6)	   /* -F */
#define OPT_HIDE_NAME (1 << 7)	   /* -h */
#define OPT_HIDE_VALUE (1 << 8)	   /* -H */
#define OPT_SHOW_LOCKS (1 << 9)	   /* -l */
#define OPT_SHOW_MAPS (1 << 10)	   /* -m */
#define OPT_MASTER_ENTRY (1 << 11) /* -M */
#define OPT_SHOW_NONDEF (1 << 12)  /* -n */
#define OPT_MAIN_OVER (1 << 13)	   /* -o */
#define OPT_MAIN_PARAM (1 << 14)   /* -p */
#define OPT_MASTER_PARAM (1 << 15) /* -P */
#define OPT_SHOW_EVAL (1 << 16)	   /* -x */
#define OPT_EDIT_EXCL (1 << 17)	   /* -X */
#define OPT_COMMENT_OUT (1 << 18)  /* -# */
#define OPT_TLS_INFO (1 << 19)	   /* -T */

static const struct {
	const char *name;
	int bit;
} pcf_opt_names[] = {
    {"-a", OPT_SASL_SERV},    {"-A", OPT_SASL_CLNT}, {"-C", OPT_PARAM_CLASS},
    {"-d", OPT_SHOW_DEFS},    {"-e", OPT_EDIT_CONF}, {"-f", OPT_FOLD_LINE},
    {"-F", OPT_MASTER_FLD},   {"-h", OPT_HIDE_NAME}, {"-H", OPT_HIDE_VALUE},
    {"-l", OPT_SHOW_LOCKS},   {"-m", OPT_SHOW_MAPS}, {"-M", OPT_MASTER_ENTRY},
    {"-n", OPT_SHOW_NONDEF},  {"-o", OPT_MAIN_OVER}, {"-p", OPT_MAIN_PARAM},
    {"-P", OPT_MASTER_PARAM}, {"-T", OPT_TLS_INFO},  {"-x", OPT_SHOW_EVAL},
    {"-X", OPT_EDIT_EXCL},
    {"-#", OPT_COMMENT_OUT},
};

#define OPT_MAJOR                                                              \
	(OPT_SASL_SERV | OPT_SASL_CLNT | OPT_SHOW_LOCKS | OPT_SHOW_MAPS |      \
	 OPT_MAIN_PARAM | OPT_MASTER_ENTRY | OPT_MASTER_FLD |                  \
	 OPT_MASTER_PARAM | OPT_TLS_INFO)
#define OPT_EDITS (OPT_EDIT_CONF | OPT_COMMENT_OUT | OPT_EDIT_EXCL)
#define OPT_MASTER (OPT_MASTER_ENTRY | OPT_MASTER_FLD | OPT_MASTER_PARAM)

/* Sets of options of which at most one may be given. */
static const int pcf_incompat[] = {
    OPT_MAJOR,
    OPT_SHOW_DEFS | OPT_SHOW_NONDEF | OPT_EDITS,
    OPT_FOLD_LINE | OPT_EDITS,
    OPT_SHOW_EVAL | OPT_EDITS,
    OPT_MAIN_OVER | OPT_SHOW_DEFS | OPT_EDITS,
    OPT_HIDE_NAME | OPT_EDITS | OPT_HIDE_VALUE,
};

/* Each mode, and the options that go with it. */
static const int pcf_compat[][2] = {
    {OPT_SASL_SERV, 0},
    {OPT_SASL_CLNT, 0},
    {OPT_SHOW_LOCKS, 0},
    {OPT_SHOW_MAPS, 0},
    {OPT_TLS_INFO, 0},
    {OPT_MAIN_PARAM, OPT_EDITS | OPT_FOLD_LINE | OPT_HIDE_NAME |
			 OPT_PARAM_CLASS | OPT_SHOW_EVAL | OPT_SHOW_DEFS |
			 OPT_SHOW_NONDEF | OPT_MAIN_OVER | OPT_HIDE_VALUE},
    {OPT_MASTER_ENTRY,
     OPT_EDITS | OPT_FOLD_LINE | OPT_MAIN_OVER | OPT_SHOW_EVAL},
    {OPT_MASTER_FLD, OPT_EDIT_CONF | OPT_FOLD_LINE | OPT_HIDE_NAME |
			 OPT_MAIN_OVER | OPT_SHOW_EVAL | OPT_HIDE_VALUE},
    {OPT_MASTER_PARAM, OPT_EDIT_CONF | OPT_EDIT_EXCL | OPT_FOLD_LINE |
			   OPT_HIDE_NAME | OPT_MAIN_OVER | OPT_SHOW_EVAL |
			   OPT_HIDE_VALUE},
    {OPT_PARAM_CLASS, OPT_MAIN_PARAM | OPT_SHOW_DEFS | OPT_SHOW_NONDEF},
};

/* pcf_opt_string - option names of the bits in mask, in Postfix order */

static void
pcf_opt_string(STRBUF *out, int mask)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < ARRAY_LEN(pcf_opt_names); i++) {
		if (mask & pcf_opt_names[i].bit) {
			if (strbuf_len(out) > 0)
				strbuf_append_char(out, ' ');
			strbuf_append_str(out, pcf_opt_names[i].name);
		}
	}
}

/* pcf_check_options - Postfix's option compatibility matrix */

static void
pcf_check_options(int opts)
{
	STRBUF *buf1 = strbuf_create(50);
	STRBUF *buf2 = strbuf_create(50);
	size_t i;
	int set;
	int excess;

	for (i = 0; i < ARRAY_LEN(pcf_incompat); i++) {
		set = opts & pcf_incompat[i];
		if (set & (set - 1)) {
			pcf_opt_string(buf1, set);
			log_fatal("specify one of %s", strbuf_str(buf1));
		}
	}
	for (i = 0; i < ARRAY_LEN(pcf_compat); i++) {
		if ((opts & pcf_compat[i][0]) != 0 &&
		    (excess = opts & ~(pcf_compat[i][0] | pcf_compat[i][1])) !=
			0) {
			pcf_opt_string(buf1, pcf_compat[i][0]);
			pcf_opt_string(buf2, excess);
			log_fatal("with option %s, do not specify %s",
				  strbuf_str(buf1), strbuf_str(buf2));
		}
	}
	strbuf_free(&buf1);
	strbuf_free(&buf2);
}

/* usage - the options we have, in Postfix's style */

static NORETURN
usage(const char *progname)
{
	log_fatal("usage: %s"
		  " [-a (server SASL types)]"
		  " [-A (client SASL types)]"
		  " [-c config_dir]"
		  " [-C param_class]"
		  " [-d (parameter defaults)]"
		  " [-e (edit configuration)]"
		  " [-f (fold lines)]"
		  " [-F (master.cf fields)]"
		  " [-h (no names)]"
		  " [-H (no values)]"
		  " [-l (lock types)]"
		  " [-m (map types)]"
		  " [-M (master.cf)]"
		  " [-n (non-default parameters)]"
		  " [-o name=value (override parameter value)]"
		  " [-p (main.cf, default)]"
		  " [-P (master.cf parameters)]"
		  " [-T mode (TLS information)]"
		  " [-v (verbose)]"
		  " [-x (expand parameter values)]"
		  " [-X (exclude)]"
		  " [-# (comment-out)]"
		  " [name...]",
		  progname);
}

/* pcf_param_classes - the -C argument */

static int
pcf_param_classes(const char *arg)
{
	static const struct {
		const char *name;
		int mask;
	} classes[] = {
	    {"builtin", PCF_CLASS_BUILTIN},
	    {"service", PCF_CLASS_SERVICE},
	    {"user", PCF_CLASS_USER},
	    {"all", PCF_CLASS_ALL},
	};
	char *copy = xstrdup(arg);
	char *cp = copy;
	char *tok;
	int mask = 0;
	size_t i;

	while ((tok = token_next(&cp, ", \t\r\n")) != NULL) {
		for (i = 0; i < ARRAY_LEN(classes); i++)
			if (strcasecmp(tok, classes[i].name) == 0)
				break;
		if (i == ARRAY_LEN(classes))
			log_fatal("unknown -C option value \"%s\" in \"%s\"",
				  tok, arg);
		mask |= classes[i].mask;
	}
	xfree(copy);
	return mask;
}

/* pcf_print_list - one name per line */

static void
pcf_print_list(ARGV *names)
{
	size_t i;

	for (i = 0; i < names->argc; i++) {
		strbuf_append_str(pcf_out, names->argv[i]);
		strbuf_append_char(pcf_out, '\n');
	}
	argv_free(&names);
}

/* pcf_read_main - main.cf and the -o overrides; errors are fatal */

static void
pcf_read_main(ARGV *overrides)
{
	STRBUF *why = strbuf_create(100);
	char *name;
	char *value;
	size_t i;

	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	for (i = 0; overrides && i < overrides->argc; i++) {
		if (mainconf_parse_assignment(overrides->argv[i], &name, &value,
					      why) < 0)
			log_fatal("invalid parameter override: %s: %s",
				  overrides->argv[i], strbuf_str(why));
		mainconf_override(name, value);
		xfree(name);
		xfree(value);
	}
	strbuf_free(&why);
}

/* pcf_flags - the option bits that the display and edit code use */

static int
pcf_flags(int opts)
{
	int flags = 0;

	if (opts & OPT_FOLD_LINE)
		flags |= PCF_FOLD;
	if (opts & OPT_HIDE_NAME)
		flags |= PCF_HIDE_NAME;
	if (opts & OPT_HIDE_VALUE)
		flags |= PCF_HIDE_VALUE;
	if (opts & OPT_SHOW_DEFS)
		flags |= PCF_SHOW_DEFS;
	if (opts & OPT_SHOW_NONDEF)
		flags |= PCF_SHOW_NONDEF;
	if (opts & OPT_SHOW_EVAL)
		flags |= PCF_SHOW_EVAL;
	if (opts & OPT_EDIT_CONF)
		flags |= PCF_EDIT;
	if (opts & OPT_COMMENT_OUT)
		flags |= PCF_COMMENT_OUT;
	if (opts & OPT_EDIT_EXCL)
		flags |= PCF_REMOVE;
	return flags;
}

/* pcf_master_mode - which master.cf mode -M, -F or -P selected */

static int
pcf_master_mode(int opts)
{
	if (opts & OPT_MASTER_FLD)
		return PCF_MODE_MASTER_FIELD;
	if (opts & OPT_MASTER_PARAM)
		return PCF_MODE_MASTER_PARAM;
	return PCF_MODE_MASTER_ENTRY;
}

int
main(int argc, char **argv)
{
	ARGV *overrides = NULL;
	char **args;
	int opts = 0;
	int classes = PCF_CLASS_ALL;
	int status = 0;
	int fd;
	int ch;
	const char *tls_mode = NULL;

	/* Be consistent with file permissions, as Postfix is. */
	umask(022);

	/* Standard descriptors must be open before we open anything else. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(1);

	log_init(argv[0], LOG_DEST_STDERR);
	pcf_out = strbuf_create(8192);

	/* Commands take MAIL_CONFIG from the environment; -c overrides it. */
	(void) mainconf_set_dir_env();

	/* "+": stop at the first argument that is not an option, as Postfix. */
	while ((ch = getopt(argc, argv, "+aAc:C:defFhHlmMno:pPT:vxX#")) > 0) {
		switch (ch) {
		case 'a':
			opts |= OPT_SASL_SERV;
			break;
		case 'A':
			opts |= OPT_SASL_CLNT;
			break;
		case 'c':
			mainconf_set_dir(optarg);
			break;
		case 'C':
			classes = pcf_param_classes(optarg);
			break;
		case 'd':
			opts |= OPT_SHOW_DEFS;
			break;
		case 'e':
			opts |= OPT_EDIT_CONF;
			break;
		case 'f':
			opts |= OPT_FOLD_LINE;
			break;
		case 'F':
			opts |= OPT_MASTER_FLD;
			break;
		case 'h':
			opts |= OPT_HIDE_NAME;
			break;
		case 'H':
			opts |= OPT_HIDE_VALUE;
			break;
		case 'l':
			opts |= OPT_SHOW_LOCKS;
			break;
		case 'm':
			opts |= OPT_SHOW_MAPS;
			break;
		case 'M':
			opts |= OPT_MASTER_ENTRY;
			break;
		case 'n':
			opts |= OPT_SHOW_NONDEF;
			break;
		case 'o':
			opts |= OPT_MAIN_OVER;
			if (overrides == NULL)
				overrides = argv_create();
			argv_add(overrides, optarg);
			break;
		case 'p':
			opts |= OPT_MAIN_PARAM;
			break;
		case 'P':
			opts |= OPT_MASTER_PARAM;
			break;
		case 'T':
			opts |= OPT_TLS_INFO;
			tls_mode = optarg;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'x':
			opts |= OPT_SHOW_EVAL;
			break;
		case 'X':
			opts |= OPT_EDIT_EXCL;
			break;
		case '#':
			opts |= OPT_COMMENT_OUT;
			break;
		default:
			usage(argv[0]);
		}
	}
	args = argv + optind;

	/* Make the defaults explicit before checking compatibility. */
	if ((opts & OPT_MAJOR) == 0)
		opts |= OPT_MAIN_PARAM;
	if ((opts & (OPT_MAIN_PARAM | OPT_MASTER)) && args[0] &&
	    strchr(args[0], '='))
		opts |= OPT_EDIT_CONF;
	pcf_check_options(opts);
	if ((opts & OPT_EDIT_CONF) && args[0] == NULL)
		log_fatal("-e requires name=value argument");

	if (opts & OPT_SHOW_MAPS) {
		pcf_print_list(map_type_names());
	} else if (opts & OPT_TLS_INFO) {
		ARGV *lines = argv_create();

		if (tls_info(tls_mode, lines) < 0)
			log_fatal("invalid -T option: \"%s\"", tls_mode);
		pcf_print_list(lines);
	} else if (opts & OPT_SHOW_LOCKS) {
		/* Postfix's order; lock_file.c has all three. */
		strbuf_append_str(pcf_out, "flock\nfcntl\ndotlock\n");
	} else if ((opts & OPT_MASTER) && !(opts & OPT_EDITS)) {
		/* master.cf values may refer to main.cf: read it first. */
		pcf_master_quiet();
		pcf_read_main(overrides);
		pcf_flush();
		status = pcf_master_main(pcf_master_mode(opts), pcf_flags(opts),
					 args);
		fflush(stdout);
		pcf_flag_unused_master();
	} else if (opts & OPT_SASL_SERV) {
		pcf_print_list(sasl_type_names(SASL_TYPES_SERVER));
	} else if (opts & OPT_SASL_CLNT) {
		pcf_print_list(sasl_type_names(SASL_TYPES_CLIENT));
	} else if (opts & OPT_EDITS) {
		if (args[0] == NULL)
			log_fatal("missing service argument");
		if (opts & OPT_MASTER)
			status = pcf_master_main(pcf_master_mode(opts),
						 pcf_flags(opts), args);
		else
			pcf_edit_main(pcf_flags(opts), args);
	} else {
		if (!(opts & OPT_SHOW_DEFS))
			pcf_read_main(overrides);
		pcf_show_main(pcf_flags(opts), classes, args);
	}
	pcf_flush();
	if (overrides)
		argv_free(&overrides);
	strbuf_free(&pcf_out);
	exit(status);
}
