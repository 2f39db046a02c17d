/*
 * params_smtpd.h - variables of the smtpd parameters
 *
 * Declared in params_smtpd.c (group PARAM_GROUP_SMTPD), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_H
#define PARAMS_SMTPD_H

extern char *var_smtpd_banner;
extern int var_smtpd_timeout;
extern int var_smtpd_error_sleep_time;
extern int var_smtpd_soft_error_limit;
extern int var_smtpd_hard_error_limit;
extern int var_smtpd_junk_command_limit;
extern int var_smtpd_recipient_limit;
extern int var_smtpd_recipient_overshoot_limit;
extern int var_smtpd_helo_required;
extern int var_disable_vrfy_command;
extern char *var_smtpd_discard_ehlo_keywords;
extern char *var_smtpd_discard_ehlo_keyword_address_maps;
extern char *var_smtpd_forbidden_commands;
extern int var_smtpd_forbid_unauth_pipelining;
extern char *var_smtpd_forbid_bare_newline;
extern char *var_smtpd_forbid_bare_newline_exclusions;
extern int var_smtpd_forbid_bare_newline_reject_code;
extern int var_strict_rfc821_envelopes;
extern int var_smtpd_peername_lookup;
extern int var_smtpd_client_port_logging;
extern char *var_smtpd_noop_commands;
extern char *var_smtpd_reject_footer;
extern char *var_smtpd_reject_footer_maps;
extern int var_smtpd_per_request_deadline;
extern int var_smtpd_min_data_rate;

#endif
