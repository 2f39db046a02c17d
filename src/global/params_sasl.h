/*
 * params_sasl.h - variables of the sasl parameters
 *
 * Declared in params_sasl.c (group PARAM_GROUP_SASL), valid after the service
 * skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SASL_H
#define PARAMS_SASL_H

extern int var_broken_sasl_auth_clients;
extern char *var_cyrus_sasl_config_path;
extern int var_lmtp_sasl_auth_enable;
extern int var_lmtp_sasl_auth_soft_bounce;
extern char *var_lmtp_sasl_mechanism_filter;
extern char *var_lmtp_sasl_password_maps;
extern char *var_lmtp_sasl_path;
extern char *var_lmtp_sasl_security_options;
extern char *var_lmtp_sasl_tls_security_options;
extern char *var_lmtp_sasl_tls_verified_security_options;
extern char *var_lmtp_sasl_type;
extern int var_lmtp_sender_dependent_authentication;
extern int var_smtp_sasl_auth_enable;
extern int var_smtp_sasl_auth_soft_bounce;
extern char *var_smtp_sasl_mechanism_filter;
extern char *var_smtp_sasl_password_maps;
extern char *var_smtp_sasl_path;
extern char *var_smtp_sasl_security_options;
extern char *var_smtp_sasl_tls_security_options;
extern char *var_smtp_sasl_tls_verified_security_options;
extern char *var_smtp_sasl_type;
extern int var_smtp_sender_dependent_authentication;
extern int var_smtpd_sasl_auth_enable;
extern int var_smtpd_sasl_authenticated_header;
extern char *var_smtpd_sasl_exceptions_networks;
extern char *var_smtpd_sasl_local_domain;
extern char *var_smtpd_sasl_mechanism_filter;
extern char *var_smtpd_sasl_path;
extern int var_smtpd_sasl_response_limit;
extern char *var_smtpd_sasl_security_options;
extern char *var_smtpd_sasl_service;
extern char *var_smtpd_sasl_tls_security_options;
extern char *var_smtpd_sasl_type;
extern char *var_smtpd_sender_login_maps;

#endif
