/*
 * params_cleanup.h - variables of the cleanup(8) parameters
 *
 * Declared in params_cleanup.c (group PARAM_GROUP_CLEANUP), valid after
 * the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_CLEANUP_H
#define PARAMS_CLEANUP_H

extern char *var_body_checks;
extern int var_body_checks_size_limit;
extern char *var_canonical_classes;
extern char *var_canonical_maps;
extern int var_disable_mime_input;
extern int var_duplicate_filter_limit;
extern char *var_header_checks;
extern char *var_header_from_format;
extern int var_header_size_limit;
extern int var_hopcount_limit;
extern char *var_local_header_rewrite_clients;
extern char *var_masquerade_classes;
extern char *var_masquerade_domains;
extern char *var_masquerade_exceptions;
extern char *var_mimehdr_checks;
extern int var_mime_nesting_limit;
extern char *var_nesthdr_checks;
extern char *var_propagate_unmatched_extensions;
extern char *var_recipient_canonical_classes;
extern char *var_recipient_canonical_maps;
extern char *var_sender_canonical_classes;
extern char *var_sender_canonical_maps;
extern int var_virtual_alias_address_length_limit;
extern int var_virtual_alias_expansion_limit;
extern int var_virtual_alias_recursion_limit;

#endif
