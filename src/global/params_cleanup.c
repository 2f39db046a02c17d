/*
 * params_cleanup.c - parameters of the cleanup(8) server
 *
 * Only the parameters that cleanup honours today (address rewriting:
 * cleanup_map.c, cleanup_masq.c); defaults are Postfix
 * 3.7's, as postconf -d prints them. message_size_limit, mail_name and
 * enable_original_recipient are global (params_global.c).
 */

#include "sysdeps.h"

#include "param.h"
#include "params_cleanup.h"

char   *var_body_checks;
int	var_body_checks_size_limit;
char   *var_canonical_classes;
char   *var_canonical_maps;
int	var_disable_mime_input;
int	var_duplicate_filter_limit;
char   *var_header_checks;
char   *var_header_from_format;
int	var_header_size_limit;
int	var_hopcount_limit;
char   *var_local_header_rewrite_clients;
char   *var_masquerade_classes;
char   *var_masquerade_domains;
char   *var_masquerade_exceptions;
char   *var_mimehdr_checks;
int	var_mime_nesting_limit;
char   *var_nesthdr_checks;
char   *var_propagate_unmatched_extensions;
char   *var_recipient_canonical_classes;
char   *var_recipient_canonical_maps;
char   *var_sender_canonical_classes;
char   *var_sender_canonical_maps;
int	var_virtual_alias_address_length_limit;
int	var_virtual_alias_expansion_limit;
int	var_virtual_alias_recursion_limit;

const PARAM_DEF params_cleanup[] = {
    PARAM_STR("body_checks", "", &var_body_checks, 0, 0),
    PARAM_INT("body_checks_size_limit", 51200, &var_body_checks_size_limit,
	      0, 0),
    PARAM_STR("canonical_classes", "envelope_sender, envelope_recipient, "
	      "header_sender, header_recipient", &var_canonical_classes, 0, 0),
    PARAM_STR("canonical_maps", "", &var_canonical_maps, 0, 0),
    PARAM_BOOL("disable_mime_input_processing", 0, &var_disable_mime_input),
    PARAM_INT("duplicate_filter_limit", 1000, &var_duplicate_filter_limit,
	      0, 0),
    PARAM_STR("header_checks", "", &var_header_checks, 0, 0),
    PARAM_STR("header_from_format", "standard", &var_header_from_format,
	      1, 0),
    PARAM_INT("header_size_limit", 102400, &var_header_size_limit, 1, 0),
    PARAM_INT("hopcount_limit", 50, &var_hopcount_limit, 1, 0),
    PARAM_STR("local_header_rewrite_clients", "permit_inet_interfaces",
	      &var_local_header_rewrite_clients, 0, 0),
    PARAM_STR("masquerade_classes", "envelope_sender, header_sender, "
	      "header_recipient", &var_masquerade_classes, 0, 0),
    PARAM_STR("masquerade_domains", "", &var_masquerade_domains, 0, 0),
    PARAM_STR("masquerade_exceptions", "", &var_masquerade_exceptions,
	      0, 0),
    PARAM_STR("mime_header_checks", "$header_checks", &var_mimehdr_checks,
	      0, 0),
    PARAM_INT("mime_nesting_limit", 100, &var_mime_nesting_limit, 1, 0),
    PARAM_STR("nested_header_checks", "$header_checks", &var_nesthdr_checks,
	      0, 0),
    PARAM_STR("propagate_unmatched_extensions", "canonical, virtual",
	      &var_propagate_unmatched_extensions, 0, 0),
    PARAM_STR("recipient_canonical_classes",
	      "envelope_recipient, header_recipient",
	      &var_recipient_canonical_classes, 0, 0),
    PARAM_STR("recipient_canonical_maps", "", &var_recipient_canonical_maps,
	      0, 0),
    PARAM_STR("sender_canonical_classes", "envelope_sender, header_sender",
	      &var_sender_canonical_classes, 0, 0),
    PARAM_STR("sender_canonical_maps", "", &var_sender_canonical_maps,
	      0, 0),
    PARAM_INT("virtual_alias_address_length_limit", 1000,
	      &var_virtual_alias_address_length_limit, 1, 0),
    PARAM_INT("virtual_alias_expansion_limit", 1000,
	      &var_virtual_alias_expansion_limit, 1, 0),
    PARAM_INT("virtual_alias_recursion_limit", 1000,
	      &var_virtual_alias_recursion_limit, 1, 0),
    PARAM_END
};
