/*
 * params_rewrite.h - variables of the address rewriting parameters
 *
 * Canonical-form rewriting and address resolution (trivial-rewrite):
 * declared in params_rewrite.c (group PARAM_GROUP_REWRITE), valid after
 * the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_REWRITE_H
#define PARAMS_REWRITE_H

extern int var_allow_percent_hack;
extern int var_append_at_myorigin;
extern int var_append_dot_mydomain;
extern char *var_default_transport;
extern char *var_local_transport;
extern char *var_relay_domains;
extern char *var_relay_transport;
extern char *var_relayhost;
extern char *var_relocated_maps;
extern char *var_remote_header_rewrite_domain;
extern int var_resolve_dequoted_address;
extern int var_resolve_null_domain;
extern int var_resolve_numeric_domain;
extern int var_swap_bangpath;
extern char *var_transport_maps;
extern char *var_virtual_alias_domains;
extern char *var_virtual_alias_maps;
extern char *var_virtual_mailbox_domains;
extern char *var_virtual_mailbox_maps;
extern char *var_virtual_transport;

#endif
