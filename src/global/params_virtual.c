/*
 * params_virtual.c - parameters of the virtual(8) and pipe(8) agents
 *
 * virtual(8) delivers to mailboxes under $virtual_mailbox_base with
 * per-recipient uid and gid from tables. pipe(8) has no parameters of
 * its own beyond the per-transport <transport>_time_limit, which it
 * looks up by name, and shared ones (command_time_limit,
 * export_environment) that live in params_global.c. virtual_mailbox_maps
 * and virtual_mailbox_domains are trivial-rewrite's (params_rewrite.c).
 * Defaults are Postfix 3.7's, as postconf -d prints them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_virtual.h"

char   *var_virtual_mailbox_base;
char   *var_virtual_uid_maps;
char   *var_virtual_gid_maps;
int	var_virtual_minimum_uid;
long	var_virtual_mailbox_limit;
char   *var_virtual_mailbox_lock;

const PARAM_DEF params_virtual[] = {
    PARAM_STR("virtual_mailbox_base", "", &var_virtual_mailbox_base, 0, 0),
    PARAM_STR("virtual_uid_maps", "", &var_virtual_uid_maps, 0, 0),
    PARAM_STR("virtual_gid_maps", "", &var_virtual_gid_maps, 0, 0),
    PARAM_INT("virtual_minimum_uid", 100, &var_virtual_minimum_uid, 1, 0),
    PARAM_SIZE("virtual_mailbox_limit", 51200000, &var_virtual_mailbox_limit,
	       0, 0),
    PARAM_STR("virtual_mailbox_lock", "fcntl, dotlock",
	      &var_virtual_mailbox_lock, 1, 0),
    PARAM_END
};
