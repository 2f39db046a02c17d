/*
 * params_smtpd_check.h - variables of the smtpd_check parameters
 *
 * Declared in params_smtpd_check.c (group PARAM_GROUP_SMTPD_CHECK), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_CHECK_H
#define PARAMS_SMTPD_CHECK_H

extern char *var_smtpd_client_restrictions;
extern char *var_smtpd_helo_restrictions;
extern char *var_smtpd_sender_restrictions;
extern char *var_smtpd_relay_restrictions;
extern char *var_smtpd_recipient_restrictions;
extern char *var_smtpd_data_restrictions;
extern char *var_smtpd_end_of_data_restrictions;
extern char *var_smtpd_etrn_restrictions;
extern char *var_smtpd_restriction_classes;
extern int var_smtpd_delay_reject;
extern int var_smtpd_reject_unlisted_sender;
extern int var_smtpd_reject_unlisted_recipient;
extern int var_show_user_unknown_table_name;
extern int var_allow_untrusted_routing;
extern int var_access_map_reject_code;
extern int var_access_map_defer_code;
extern int var_reject_code;
extern int var_defer_code;
extern int var_relay_domains_reject_code;
extern int var_unknown_client_reject_code;
extern int var_invalid_hostname_reject_code;
extern int var_non_fqdn_reject_code;
extern int var_unknown_local_recipient_reject_code;
extern int var_unknown_virtual_alias_reject_code;
extern int var_unknown_virtual_mailbox_reject_code;
extern int var_unknown_relay_recipient_reject_code;
extern int var_multi_recipient_bounce_reject_code;
extern char *var_local_recipient_maps;
extern char *var_relay_recipient_maps;
extern char *var_permit_mx_backup_networks;
extern char *var_smtpd_null_access_lookup_key;
extern char *var_smtpd_log_access_permit_actions;

#endif
