/*
 * postlog - log from shell scripts, the way the mail system logs
 *
 * Logs the command-line text as one record, or each line of standard
 * input as one record, with the priority of -p and the tag
 * "$syslog_name/postlog" (or -t), to syslog, or with maillog_file set
 * through postlogd(8). When postlogd cannot be reached, postlog writes
 * $maillog_file itself (so that postfix(1) can log while the mail
 * system is down), or says why it cannot. The lines also go to
 * standard error, as Postfix 3.7's postlog does (its manual page says
 * only to a terminal, but it writes there whatever stderr is); that is
 * also where the reason goes when logging fails. See postlog(1).
 *
 * Security: installed set-group-ID $setgid_group, as Postfix 3.7 does,
 * so that any user can reach the postlogd socket in public/. For a
 * caller other than root everything is untrusted: MAIL_CONFIG is
 * ignored, a -c directory other than the default must be listed in
 * $alternate_config_directories or $multi_instance_directories of the
 * default main.cf, TZ is dropped and the rest of the environment is
 * reduced to $import_environment; the tag is made printable and the
 * log module replaces control characters in the text. postlog runs no
 * other program, and writes $maillog_file directly only with the
 * caller's own permissions, which in practice means root.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "maillog_client.h"	/* global */
#include "mainconf.h"
#include "setgid_trust.h"
#include "param.h"
#include "params_global.h"

/* usage - complain and exit */

static NORETURN
usage(void)
{
	log_fatal("usage: postlog [-c config_dir] [-i] [-p priority] [-t tag] [-v] [text]");
}

/* postlog_level - severity name to LOG_LEVEL_* */

static int
postlog_level(const char *name)
{
	/* Postfix's names, including its aliases. */
	static const struct {
		const char *name;
		int	level;
	} levels[] = {
		{"info", LOG_LEVEL_INFO},
		{"warn", LOG_LEVEL_WARN},
		{"warning", LOG_LEVEL_WARN},
		{"error", LOG_LEVEL_ERROR},
		{"err", LOG_LEVEL_ERROR},
		{"fatal", LOG_LEVEL_FATAL},
		{"crit", LOG_LEVEL_FATAL},
		{"panic", LOG_LEVEL_PANIC},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(levels); i++)
		if (strcasecmp(levels[i].name, name) == 0)
			return levels[i].level;
	log_fatal("bad severity: \"%s\"", name);
}

/* postlog_print - one record at any level, without exiting */

static void
postlog_print(int level, const char *fmt, ...) PRINTFLIKE(2, 3);

static void
postlog_print(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

/* postlog_printable - the tag with unprintable bytes replaced */

static char *
postlog_printable(const char *tag)
{
	char   *copy = xstrdup(tag);
	char   *cp;

	for (cp = copy; *cp; cp++)
		if (!isprint((unsigned char) *cp))
			*cp = '?';
	return copy;
}

/* postlog_argv - the command-line text as one record */

static void
postlog_argv(int level, char **argv)
{
	STRBUF *text = strbuf_create(100);

	for (; *argv; argv++) {
		strbuf_append_str(text, *argv);
		if (argv[1])
			strbuf_append_char(text, ' ');
	}
	postlog_print(level, "%s", strbuf_str(text));
	strbuf_free(&text);
}

/* postlog_stream - each line of standard input as one record */

static void
postlog_stream(int level)
{
	IOSTREAM *in = iostream_fdopen(STDIN_FILENO, O_RDONLY);
	STRBUF *line = strbuf_create(100);
	int	status;
	int	skip = 0;

	/* A line longer than the log module takes is cut, not split. */
	while ((status = iostream_get_line(in, line, LOG_TEXT_MAX, 0)) != IOS_EOF) {
		if (!skip)
			postlog_print(level, "%s", strbuf_str(line));
		skip = (status == IOS_LINE_MORE);
	}
	strbuf_free(&line);
	(void) iostream_fdclose(in);
}

/* main - parse, configure, log */

int
main(int argc, char **argv)
{
	const char *config_dir = NULL;
	const char *tag = NULL;
	STRBUF *why = strbuf_create(100);
	char   *printable_tag;
	int	level = LOG_LEVEL_INFO;
	int	untrusted;
	int	fd;
	int	ch;

	umask(022);

	/* Standard descriptors must be open before we open anything else. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(1);

	/*
	 * Root is trusted, as in Postfix (postfix-script runs us with
	 * MAIL_CONFIG); anyone else who runs us set-gid is not. The name
	 * is censored too: argv[0] comes from the caller.
	 */
	untrusted = setgid_untrusted();
	tzset();
	log_init("postlog", LOG_DEST_STDERR | LOG_DEST_SYSLOG);

	while ((ch = getopt(argc, argv, "c:ip:t:v")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'i':
			/* Obsolete: the process ID is always there. */
			break;
		case 'p':
			level = postlog_level(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		case 'v':
			log_verbose++;
			break;
		default:
			usage();
		}
	}

	/* Configuration. */
	if (config_dir != NULL) {
		if (untrusted && strcmp(config_dir, DEF_CONFIG_DIRECTORY) != 0)
			setgid_check_config_dir(config_dir, 1);
		mainconf_set_dir(config_dir);
	} else if (!untrusted) {
		(void) mainconf_set_dir_env();
	}
	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	setgid_clean_env();

	/* Logging as configured, under the tag. */
	log_init("postlog", LOG_DEST_SYSLOG | LOG_DEST_STDERR);
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);
	if (tag != NULL) {
		printable_tag = postlog_printable(tag);
		log_syslog_ident(printable_tag);
		xfree(printable_tag);
	}
	if (maillog_client_init(MAILLOG_CLIENT_FLAG_FALLBACK, why) < 0)
		log_fatal("%s", strbuf_str(why));
	strbuf_free(&why);

	if (argc > optind)
		postlog_argv(level, argv + optind);
	else
		postlog_stream(level);

	/* Postfix programs pause after a fatal or panic report; so do we. */
	if (level >= LOG_LEVEL_FATAL)
		sleep(1);
	exit(0);
}
