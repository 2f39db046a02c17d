/*
 * params_local.c - parameters of the local(8) delivery agent
 *
 * Only what local(8) honours. Shared names it also reads live
 * elsewhere: alias_maps, default_privs, command_time_limit, biff,
 * export_environment, recipient_delimiter, local_destination_* in
 * params_global.c; propagate_unmatched_extensions in params_cleanup.c;
 * the lock timing in params_deliver.c. RAW values ($home, ${extension},
 * $user) are expanded per recipient by local(8) itself. Defaults are
 * Postfix 3.7's, as postconf -d prints them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_local.h"

char   *var_allow_mail_to_commands;
char   *var_allow_mail_to_files;
char   *var_command_expansion_filter;
int	var_expand_owner_alias;
char   *var_fallback_transport;
char   *var_forward_expansion_filter;
char   *var_forward_path;
char   *var_home_mailbox;
char   *var_local_command_shell;
char   *var_luser_relay;
char   *var_mail_spool_directory;
char   *var_mailbox_command;
char   *var_mailbox_delivery_lock;
long	var_mailbox_size_limit;
char   *var_mailbox_transport;
int	var_owner_request_special;
char   *var_prepend_delivered_header;
int	var_require_home_directory;
int	var_strict_mailbox_ownership;

const PARAM_DEF params_local[] = {
    PARAM_STR("allow_mail_to_commands", "alias, forward",
	      &var_allow_mail_to_commands, 0, 0),
    PARAM_STR("allow_mail_to_files", "alias, forward",
	      &var_allow_mail_to_files, 0, 0),
    PARAM_STR("command_expansion_filter",
	      "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	      &var_command_expansion_filter, 1, 0),
    PARAM_BOOL("expand_owner_alias", 0, &var_expand_owner_alias),
    PARAM_STR("fallback_transport", "", &var_fallback_transport, 0, 0),
    PARAM_STR("forward_expansion_filter",
	      "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	      &var_forward_expansion_filter, 1, 0),
    PARAM_RAW("forward_path",
	      "$home/.forward${recipient_delimiter}${extension}, $home/.forward",
	      &var_forward_path, 0, 0),
    PARAM_STR("home_mailbox", "", &var_home_mailbox, 0, 0),
    PARAM_STR("local_command_shell", "", &var_local_command_shell, 0, 0),
    PARAM_RAW("luser_relay", "", &var_luser_relay, 0, 0),
    PARAM_STR("mail_spool_directory", "/var/mail",
	      &var_mail_spool_directory, 0, 0),
    PARAM_RAW("mailbox_command", "", &var_mailbox_command, 0, 0),
    PARAM_STR("mailbox_delivery_lock", "fcntl, dotlock",
	      &var_mailbox_delivery_lock, 1, 0),
    PARAM_LONG("mailbox_size_limit", 51200000, &var_mailbox_size_limit, 0, 0),
    PARAM_STR("mailbox_transport", "", &var_mailbox_transport, 0, 0),
    PARAM_BOOL("owner_request_special", 1, &var_owner_request_special),
    PARAM_STR("prepend_delivered_header", "command, file, forward",
	      &var_prepend_delivered_header, 0, 0),
    PARAM_BOOL("require_home_directory", 0, &var_require_home_directory),
    PARAM_BOOL("strict_mailbox_ownership", 1,
	       &var_strict_mailbox_ownership),
    PARAM_END
};
