/*
 * params_local.h - variables of the local(8) parameters
 *
 * Declared in params_local.c (group PARAM_GROUP_LOCAL), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_LOCAL_H
#define PARAMS_LOCAL_H

extern char *var_allow_mail_to_commands;
extern char *var_allow_mail_to_files;
extern char *var_command_expansion_filter;
extern int var_expand_owner_alias;
extern char *var_fallback_transport;
extern char *var_forward_expansion_filter;
extern char *var_forward_path;
extern char *var_home_mailbox;
extern char *var_local_command_shell;
extern char *var_luser_relay;
extern char *var_mail_spool_directory;
extern char *var_mailbox_command;
extern char *var_mailbox_delivery_lock;
extern long var_mailbox_size_limit;
extern char *var_mailbox_transport;
extern int var_owner_request_special;
extern char *var_prepend_delivered_header;
extern int var_require_home_directory;
extern int var_strict_mailbox_ownership;

#endif
