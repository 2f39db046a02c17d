/*
 * setgid_trust.c - what a set-group-ID command may believe of its caller
 *
 * One copy of the rules for postdrop and postlog, so that the two
 * programs that any user can run with group $setgid_group cannot drift
 * apart.
 */

#include "sysdeps.h"

#include <sys/auxv.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "log.h"
#include "strbuf.h"
#include "mainconf.h"		/* global */
#include "param.h"
#include "params_global.h"
#include "setgid_trust.h"

/* setgid_untrusted - does the caller lack our privileges */

int
setgid_untrusted(void)
{
	int	untrusted;

	untrusted = getuid() != 0 && (getauxval(AT_SECURE) != 0
				      || getgid() != getegid()
				      || getuid() != geteuid());
	if (untrusted)
		while (getenv("TZ") != NULL)
			if (unsetenv("TZ") < 0)
				_exit(1);
	return untrusted;
}

/* setgid_listed - is dir one of the words of list */

static int
setgid_listed(const char *list, const char *dir)
{
	ARGV   *words = argv_split(list, ", \t\r\n");
	int	found = (argv_find(words, dir) >= 0);

	argv_free(&words);
	return found;
}

/* setgid_check_config_dir - a caller's -c directory must be blessed by root */

void
setgid_check_config_dir(const char *config_dir, int status)
{
	STRBUF *why = strbuf_create(100);
	int	found;

	mainconf_set_dir(NULL);
	if (mainconf_read(0, why) < 0)
		log_fatal_status(status, "%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	found = setgid_listed(var_alternate_config_directories, config_dir)
	    || setgid_listed(var_multi_instance_directories, config_dir);
	if (!found) {
		log_error("untrusted configuration directory name: %s", config_dir);
		log_fatal_status(status,
				 "specify \"alternate_config_directories = %s\" in %s",
				 config_dir, mainconf_path());
	}
	mainconf_reset();
	strbuf_free(&why);
}

/* setgid_clean_env - keep only what $import_environment lists */

void
setgid_clean_env(void)
{
	ARGV   *keep = argv_split(var_import_environment, ", \t\r\n");
	ARGV   *saved = argv_create();
	const char *value;
	char   *eq;
	size_t	i;

	for (i = 0; i < keep->argc; i++) {
		if (strchr(keep->argv[i], '=') != NULL)
			argv_add(saved, keep->argv[i]);
		else if ((value = getenv(keep->argv[i])) != NULL)
			argv_add_printf(saved, "%s=%s", keep->argv[i], value);
	}
	if (clearenv() != 0)
		log_fatal("clearenv failed");
	for (i = 0; i < saved->argc; i++) {
		eq = strchr(saved->argv[i], '=');
		*eq = 0;
		if (setenv(saved->argv[i], eq + 1, 1) < 0)
			log_fatal("setenv: %m");
	}
	argv_free(&keep);
	argv_free(&saved);
}
