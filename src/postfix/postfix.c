/*
 * postfix.c - the postfix command: control the mail system
 *
 * Usage: postfix [-Dv] [-c config_dir] command [args]
 *
 * Does, in one program, what Postfix's postfix(1) and its
 * postfix-script do together: postfix(1) reads main.cf, checks the
 * accounts, and sets up the environment; the script then checks the
 * installation and talks to master(8). Messages follow that split:
 * problems found before the script would run are "postfix: fatal:
 * ...", on standard error; what the script would say is logged with
 * the tag "$syslog_name/postfix-script" and also written to standard
 * error as "postfix/postfix-script: ...".
 *
 * Security: reserved for root. It trusts main.cf, postfix-files and
 * the directories they name, which are root's; below the queue
 * directory it does not follow symbolic links (postfix_check.c). With
 * -c or MAIL_CONFIG it operates on that instance and passes the
 * directory on to master.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "maillog_client.h"	/* global */
#include "mainconf.h"
#include "param.h"
#include "params_global.h"
#include "postfix.h"

/* The installation parameters that set-permissions may change. */
static const char *const postfix_install_params[] = {
	"command_directory", "daemon_directory", "data_directory",
	"queue_directory", "meta_directory", "sendmail_path",
	"newaliases_path", "mailq_path", "mail_owner", "setgid_group",
	"manpage_directory", "sample_directory", "readme_directory",
	"html_directory", "shlib_directory",
};

/* usage - complain and exit */

static NORETURN
usage(void)
{
	log_fatal("usage: postfix [-Dv] [-c config_dir] command");
}

/* postfix_script_output - what postlog shows on standard error */

static void
postfix_script_output(int level, const char *text)
{
	static const char *const labels[] = {
		"", "warning: ", "error: ", "fatal: ", "panic: ",
	};

	if (level < LOG_LEVEL_INFO || level > LOG_LEVEL_PANIC)
		level = LOG_LEVEL_PANIC;
	dprintf(STDERR_FILENO, "%s/postfix-script: %s%s\n", var_syslog_name,
		labels[level], text);
}

/* postfix_load_config - read main.cf and load the parameters */

static void
postfix_load_config(void)
{
	STRBUF *why = strbuf_create(100);

	mainconf_reset();
	if (mainconf_read(0, why) < 0)
		log_fatal("%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	strbuf_free(&why);
}

/*
 * postfix_check_accounts - mail_owner and setgid_group must exist, must
 * not be privileged, and must not share IDs (Postfix's checks, in its
 * wording).
 */

static void
postfix_check_accounts(void)
{
	struct passwd *pw;
	struct group *gr;
	uid_t	owner_uid;
	gid_t	owner_gid;
	gid_t	sgid_gid;

	if ((pw = getpwnam(var_mail_owner)) == NULL)
		log_fatal("file %s: parameter mail_owner: unknown user name value: %s",
			  mainconf_path(), var_mail_owner);
	owner_uid = pw->pw_uid;
	owner_gid = pw->pw_gid;
	if (owner_uid == 0)
		log_fatal("file %s: parameter mail_owner: user %s has privileged user ID",
			  mainconf_path(), var_mail_owner);
	if (owner_gid == 0)
		log_fatal("file %s: parameter mail_owner: user %s has privileged group ID",
			  mainconf_path(), var_mail_owner);
	if ((pw = getpwuid(owner_uid)) != NULL
	    && strcmp(pw->pw_name, var_mail_owner) != 0)
		log_fatal("file %s: parameter mail_owner: user %s has same user ID as %s",
			  mainconf_path(), var_mail_owner, pw->pw_name);

	if ((gr = getgrnam(var_setgid_group)) == NULL)
		log_fatal("file %s: parameter setgid_group: unknown group name: %s",
			  mainconf_path(), var_setgid_group);
	sgid_gid = gr->gr_gid;
	if (sgid_gid == 0)
		log_fatal("file %s: parameter setgid_group: group %s has privileged group ID",
			  mainconf_path(), var_setgid_group);
	if ((gr = getgrgid(sgid_gid)) != NULL
	    && strcmp(gr->gr_name, var_setgid_group) != 0)
		log_fatal("file %s: parameter setgid_group: group %s has same group ID as %s",
			  mainconf_path(), var_setgid_group, gr->gr_name);

	if (owner_gid == sgid_gid)
		log_fatal("file %s: parameters mail_owner and setgid_group: "
			  "user %s and group %s have the same group ID: %ld",
			  mainconf_path(), var_mail_owner, var_setgid_group,
			  (long) sgid_gid);
}

/* postfix_need_dir - postfix-script's sanity checks */

static void
postfix_need_dir(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		log_fatal("no Postfix %s directory %s!", what, path);
}

/* postfix_set_params - set-permissions name=value: record, then reload */

static void
postfix_set_params(int argc, char **argv)
{
	ARGV   *args;
	const char *eq;
	size_t	i;
	int	n;
	int	known;
	int	status;

	if (argc == 0)
		return;
	args = argv_create();
	argv_add_printf(args, "%s/postconf", var_command_directory);
	argv_add(args, "-c");
	argv_add(args, var_config_directory);
	argv_add(args, "-e");
	for (n = 0; n < argc; n++) {
		if ((eq = strchr(argv[n], '=')) == NULL || eq == argv[n])
			log_fatal("usage: postfix set-permissions [name=value ...]");
		for (known = 0, i = 0; i < ARRAY_LEN(postfix_install_params); i++)
			if (strlen(postfix_install_params[i]) == (size_t) (eq - argv[n])
			    && strncmp(postfix_install_params[i], argv[n],
				       (size_t) (eq - argv[n])) == 0)
				known = 1;
		if (!known)
			log_fatal("unknown installation parameter: %.*s",
				  (int) (eq - argv[n]), argv[n]);
		argv_add(args, argv[n]);
	}
	switch (fork_retry(var_fork_attempts, var_fork_delay)) {
	case -1:
		log_fatal("fork: %m");
	case 0:
		execv(args->argv[0], args->argv);
		log_fatal("execute %s: %m", args->argv[0]);
	default:
		if (wait(&status) < 0 || !WIFEXITED(status)
		    || WEXITSTATUS(status) != 0)
			log_fatal("cannot update %s", mainconf_path());
	}
	argv_free(&args);
	postfix_load_config();
	postfix_check_accounts();
}

/* main - parse, load, check, dispatch */

int
main(int argc, char **argv)
{
	const char *config_dir = NULL;
	const char *command;
	char   *absolute;
	STRBUF *why;
	char   *master;
	int	verbose = 0;
	int	debug = 0;
	int	status;
	int	fd;
	int	ch;

	umask(022);

	/* Standard descriptors must be open before we open anything else. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(1);
	log_init("postfix", LOG_DEST_STDERR);

	/* MAIL_CONFIG, unless -c says otherwise; both reach master. */
	if (mainconf_set_dir_env())
		config_dir = xstrdup(mainconf_dir());
	while ((ch = getopt(argc, argv, "+c:Dv")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'D':
			debug = 1;
			break;
		case 'v':
			verbose++;
			log_verbose++;
			break;
		default:
			usage();
		}
	}
	if (getuid() != 0)
		log_fatal("the postfix command is reserved for the superuser");
	if (optind >= argc)
		usage();
	command = argv[optind++];

	/*
	 * Descendants (master, its daemons, postconf) see the same instance.
	 * master changes to the queue directory, so it needs a full path.
	 */
	if (config_dir && *config_dir != '/'
	    && (absolute = realpath(config_dir, NULL)) != NULL)
		config_dir = absolute;
	if (config_dir) {
		mainconf_set_dir(config_dir);
		if (setenv("MAIL_CONFIG", config_dir, 1) < 0)
			log_fatal("setenv: %m");
	}
	if ((verbose && setenv("MAIL_VERBOSE", "1", 1) < 0)
	    || (debug && setenv("MAIL_DEBUG", "1", 1) < 0))
		log_fatal("setenv: %m");
	postfix_load_config();
	postfix_check_accounts();

	/* From here on we speak as postfix-script. */
	log_init("postfix-script", LOG_DEST_SYSLOG);
	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);
	log_add_output(postfix_script_output);

	/* With maillog_file, the lines go there as postlog(1) sends them. */
	why = strbuf_create(100);
	if (maillog_client_init(MAILLOG_CLIENT_FLAG_FALLBACK, why) < 0)
		log_fatal("%s", strbuf_str(why));
	strbuf_free(&why);

	postfix_need_dir("command", var_command_directory);
	postfix_need_dir("daemon", var_daemon_directory);
	master = str_concat(var_daemon_directory, "/master", NULL);
	if (access(master, X_OK) < 0)
		log_fatal("no Postfix master program %s!", master);
	xfree(master);
	postfix_need_dir("configuration", var_config_directory);
	postfix_need_dir("meta", var_meta_directory);
	postfix_need_dir("queue", var_queue_directory);

	if (strcmp(command, "start") == 0) {
		status = postfix_ctl_start(0, verbose, debug, config_dir);
	} else if (strcmp(command, "start-fg") == 0) {
		status = postfix_ctl_start(1, verbose, debug, config_dir);
	} else if (strcmp(command, "stop") == 0) {
		status = postfix_ctl_stop();
	} else if (strcmp(command, "abort") == 0) {
		status = postfix_ctl_abort();
	} else if (strcmp(command, "reload") == 0) {
		status = postfix_ctl_reload();
	} else if (strcmp(command, "status") == 0) {
		status = postfix_ctl_status();
	} else if (strcmp(command, "flush") == 0) {
		status = postfix_ctl_flush();
	} else if (strcmp(command, "check") == 0) {
		status = postfix_check_run(POSTFIX_CHECK_REPAIR) < 0;
	} else if (strcmp(command, "set-permissions") == 0) {
		postfix_set_params(argc - optind, argv + optind);
		status = postfix_check_run(POSTFIX_CHECK_SET_PERMS) < 0;
	} else {
		log_fatal("unknown command: '%s'. Usage: postfix start (or start-fg, "
			  "stop, reload, abort, flush, check, status, set-permissions)",
			  command);
	}
	exit(status);
}
