/*
 * params_sasl.c - parameters of SASL: smtpd(8) AUTH (Cyrus, Dovecot), sender login maps, smtp(8)/lmtp client AUTH
 *
 * Defaults are Postfix 3.7's. Only what the programs honour is declared.
 * The lmtp_* twins are what the client uses in LMTP mode.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_sasl.h"

int	var_broken_sasl_auth_clients;
char   *var_cyrus_sasl_config_path;
int	var_lmtp_sasl_auth_enable;
int	var_lmtp_sasl_auth_soft_bounce;
char   *var_lmtp_sasl_mechanism_filter;
char   *var_lmtp_sasl_password_maps;
char   *var_lmtp_sasl_path;
char   *var_lmtp_sasl_security_options;
char   *var_lmtp_sasl_tls_security_options;
char   *var_lmtp_sasl_tls_verified_security_options;
char   *var_lmtp_sasl_type;
int	var_lmtp_sender_dependent_authentication;
int	var_smtp_sasl_auth_enable;
int	var_smtp_sasl_auth_soft_bounce;
char   *var_smtp_sasl_mechanism_filter;
char   *var_smtp_sasl_password_maps;
char   *var_smtp_sasl_path;
char   *var_smtp_sasl_security_options;
char   *var_smtp_sasl_tls_security_options;
char   *var_smtp_sasl_tls_verified_security_options;
char   *var_smtp_sasl_type;
int	var_smtp_sender_dependent_authentication;
int	var_smtpd_sasl_auth_enable;
int	var_smtpd_sasl_authenticated_header;
char   *var_smtpd_sasl_exceptions_networks;
char   *var_smtpd_sasl_local_domain;
char   *var_smtpd_sasl_mechanism_filter;
char   *var_smtpd_sasl_path;
int	var_smtpd_sasl_response_limit;
char   *var_smtpd_sasl_security_options;
char   *var_smtpd_sasl_service;
char   *var_smtpd_sasl_tls_security_options;
char   *var_smtpd_sasl_type;
char   *var_smtpd_sender_login_maps;

const PARAM_DEF params_sasl[] = {
    PARAM_BOOL("broken_sasl_auth_clients", 0, &var_broken_sasl_auth_clients),
    PARAM_STR("cyrus_sasl_config_path", "", &var_cyrus_sasl_config_path, 0, 0),
    PARAM_BOOL("lmtp_sasl_auth_enable", 0, &var_lmtp_sasl_auth_enable),
    PARAM_BOOL("lmtp_sasl_auth_soft_bounce", 1, &var_lmtp_sasl_auth_soft_bounce),
    PARAM_STR("lmtp_sasl_mechanism_filter", "", &var_lmtp_sasl_mechanism_filter, 0, 0),
    PARAM_STR("lmtp_sasl_password_maps", "", &var_lmtp_sasl_password_maps, 0, 0),
    PARAM_STR("lmtp_sasl_path", "", &var_lmtp_sasl_path, 0, 0),
    PARAM_STR("lmtp_sasl_security_options", "noplaintext, noanonymous", &var_lmtp_sasl_security_options, 0, 0),
    PARAM_STR("lmtp_sasl_tls_security_options", "$lmtp_sasl_security_options", &var_lmtp_sasl_tls_security_options, 0, 0),
    PARAM_STR("lmtp_sasl_tls_verified_security_options", "$lmtp_sasl_tls_security_options", &var_lmtp_sasl_tls_verified_security_options, 0, 0),
    PARAM_STR("lmtp_sasl_type", "cyrus", &var_lmtp_sasl_type, 0, 0),
    PARAM_BOOL("lmtp_sender_dependent_authentication", 0, &var_lmtp_sender_dependent_authentication),
    PARAM_BOOL("smtp_sasl_auth_enable", 0, &var_smtp_sasl_auth_enable),
    PARAM_BOOL("smtp_sasl_auth_soft_bounce", 1, &var_smtp_sasl_auth_soft_bounce),
    PARAM_STR("smtp_sasl_mechanism_filter", "", &var_smtp_sasl_mechanism_filter, 0, 0),
    PARAM_STR("smtp_sasl_password_maps", "", &var_smtp_sasl_password_maps, 0, 0),
    PARAM_STR("smtp_sasl_path", "", &var_smtp_sasl_path, 0, 0),
    PARAM_STR("smtp_sasl_security_options", "noplaintext, noanonymous", &var_smtp_sasl_security_options, 0, 0),
    PARAM_STR("smtp_sasl_tls_security_options", "$smtp_sasl_security_options", &var_smtp_sasl_tls_security_options, 0, 0),
    PARAM_STR("smtp_sasl_tls_verified_security_options", "$smtp_sasl_tls_security_options", &var_smtp_sasl_tls_verified_security_options, 0, 0),
    PARAM_STR("smtp_sasl_type", "cyrus", &var_smtp_sasl_type, 0, 0),
    PARAM_BOOL("smtp_sender_dependent_authentication", 0, &var_smtp_sender_dependent_authentication),
    PARAM_BOOL("smtpd_sasl_auth_enable", 0, &var_smtpd_sasl_auth_enable),
    PARAM_BOOL("smtpd_sasl_authenticated_header", 0, &var_smtpd_sasl_authenticated_header),
    PARAM_STR("smtpd_sasl_exceptions_networks", "", &var_smtpd_sasl_exceptions_networks, 0, 0),
    PARAM_STR("smtpd_sasl_local_domain", "", &var_smtpd_sasl_local_domain, 0, 0),
    PARAM_STR("smtpd_sasl_mechanism_filter", "!external, static:rest", &var_smtpd_sasl_mechanism_filter, 0, 0),
    PARAM_STR("smtpd_sasl_path", "smtpd", &var_smtpd_sasl_path, 0, 0),
    PARAM_INT("smtpd_sasl_response_limit", 12288, &var_smtpd_sasl_response_limit, 1, 0),
    PARAM_STR("smtpd_sasl_security_options", "noanonymous", &var_smtpd_sasl_security_options, 0, 0),
    PARAM_STR("smtpd_sasl_service", "smtp", &var_smtpd_sasl_service, 0, 0),
    PARAM_STR("smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options", &var_smtpd_sasl_tls_security_options, 0, 0),
    PARAM_STR("smtpd_sasl_type", "cyrus", &var_smtpd_sasl_type, 0, 0),
    PARAM_STR("smtpd_sender_login_maps", "", &var_smtpd_sender_login_maps, 0, 0),
    PARAM_END,
};
