/*
 * params_smtpd_dns.h - variables of smtpd's DNS-based check parameters
 *
 * Declared in params_smtpd_dns.c (group PARAM_GROUP_SMTPD_CHECK), valid
 * after the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_DNS_H
#define PARAMS_SMTPD_DNS_H

#endif
