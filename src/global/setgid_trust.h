/*
 * setgid_trust.h - what a set-group-ID command may believe of its caller
 *
 * postdrop and postlog run set-gid $setgid_group for any user. For a
 * caller other than root, everything from the caller is untrusted:
 * MAIL_CONFIG is ignored, a -c directory other than the default must be
 * listed in the default main.cf (alternate_config_directories or
 * multi_instance_directories), TZ is dropped, and the environment is
 * reduced to $import_environment, as Postfix does.
 */

#ifndef SETGID_TRUST_H
#define SETGID_TRUST_H

#include "sysdeps.h"

/*
 * 1 when the caller is not root and the process runs with privileges
 * the caller lacks (set-gid, set-uid, or AT_SECURE); TZ is then removed
 * from the environment. Call first, before anything reads the time.
 */
extern int setgid_untrusted(void);

/*
 * Reads the default main.cf and exits with status (after Postfix's two
 * diagnostics) unless it lists config_dir; leaves no configuration
 * loaded.
 */
extern void setgid_check_config_dir(const char *config_dir, int status);

/* Keeps only the $import_environment variables (after mainconf_load). */
extern void setgid_clean_env(void);

#endif
