/*
 * params_smtpd_dns.h - variables of smtpd's DNS-based check parameters
 *
 * Declared in params_smtpd_dns.c (group PARAM_GROUP_SMTPD_CHECK), valid
 * after the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_DNS_H
#define PARAMS_SMTPD_DNS_H

extern char *var_rbl_reply_maps;
extern char *var_default_rbl_reply;
extern int var_maps_rbl_reject_code;
extern int var_unknown_address_reject_code;
extern int var_unknown_hostname_reject_code;
extern char *var_reject_tempfail_action;
extern char *var_unknown_address_tempfail_action;
extern char *var_unknown_helo_hostname_tempfail_action;

#endif
