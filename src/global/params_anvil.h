/*
 * params_anvil.h - variables of the anvil parameters
 *
 * Declared in params_anvil.c (group PARAM_GROUP_ANVIL), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_ANVIL_H
#define PARAMS_ANVIL_H

extern int var_anvil_rate_time_unit;
extern int var_anvil_status_update_time;
extern int var_smtpd_client_connection_count_limit;
extern int var_smtpd_client_connection_rate_limit;
extern int var_smtpd_client_message_rate_limit;
extern int var_smtpd_client_recipient_rate_limit;
extern int var_smtpd_client_new_tls_session_rate_limit;
extern int var_smtpd_client_auth_rate_limit;
extern char *var_smtpd_client_event_limit_exceptions;
extern char *var_smtpd_policy_service_default_action;
extern int var_smtpd_policy_service_max_idle;
extern int var_smtpd_policy_service_max_ttl;
extern char *var_smtpd_policy_service_policy_context;
extern int var_smtpd_policy_service_request_limit;
extern int var_smtpd_policy_service_retry_delay;
extern int var_smtpd_policy_service_timeout;
extern int var_smtpd_policy_service_try_limit;

#endif
