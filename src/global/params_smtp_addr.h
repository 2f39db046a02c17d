/*
 * params_smtp_addr.h - variables of the smtp_addr parameters
 *
 * Declared in params_smtp_addr.c (group PARAM_GROUP_SMTP), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTP_ADDR_H
#define PARAMS_SMTP_ADDR_H

extern int var_disable_dns_lookups;
extern int var_ignore_mx_lookup_error;
extern int var_smtp_defer_if_no_mx_address_found;
extern char *var_smtp_host_lookup;
extern char *var_lmtp_host_lookup;
extern char *var_smtp_address_preference;
extern char *var_lmtp_address_preference;
extern int var_smtp_mx_address_limit;
extern int var_lmtp_mx_address_limit;
extern int var_smtp_randomize_addresses;
extern int var_lmtp_randomize_addresses;
extern char *var_smtp_tcp_port;
extern char *var_lmtp_tcp_port;

#endif
