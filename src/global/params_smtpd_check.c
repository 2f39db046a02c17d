/*
 * params_smtpd_check.c - parameters of smtpd(8) restrictions:
 * restriction lists, access and reject codes, recipient tables
 *
 * Defaults are Postfix 3.7's. (parent_domain_matches_subdomains, which
 * the engine reads too, is a global parameter: params_global.c.)
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd_check.h"

char   *var_smtpd_client_restrictions;
char   *var_smtpd_helo_restrictions;
char   *var_smtpd_sender_restrictions;
char   *var_smtpd_relay_restrictions;
char   *var_smtpd_recipient_restrictions;
char   *var_smtpd_data_restrictions;
char   *var_smtpd_end_of_data_restrictions;
char   *var_smtpd_etrn_restrictions;
char   *var_smtpd_restriction_classes;
int	var_smtpd_delay_reject;
int	var_smtpd_reject_unlisted_sender;
int	var_smtpd_reject_unlisted_recipient;
int	var_show_user_unknown_table_name;
int	var_allow_untrusted_routing;
int	var_access_map_reject_code;
int	var_access_map_defer_code;
int	var_reject_code;
int	var_defer_code;
int	var_relay_domains_reject_code;
int	var_unknown_client_reject_code;
int	var_invalid_hostname_reject_code;
int	var_non_fqdn_reject_code;
int	var_unknown_local_recipient_reject_code;
int	var_unknown_virtual_alias_reject_code;
int	var_unknown_virtual_mailbox_reject_code;
int	var_unknown_relay_recipient_reject_code;
int	var_multi_recipient_bounce_reject_code;
char   *var_local_recipient_maps;
char   *var_relay_recipient_maps;
char   *var_permit_mx_backup_networks;
char   *var_smtpd_null_access_lookup_key;
char   *var_smtpd_log_access_permit_actions;

const PARAM_DEF params_smtpd_check[] = {
    PARAM_INT("access_map_defer_code", 450, &var_access_map_defer_code, 400,
	      599),
    PARAM_INT("access_map_reject_code", 554, &var_access_map_reject_code,
	      400, 599),
    PARAM_BOOL("allow_untrusted_routing", 0, &var_allow_untrusted_routing),
    PARAM_INT("defer_code", 450, &var_defer_code, 400, 599),
    PARAM_INT("invalid_hostname_reject_code", 501,
	      &var_invalid_hostname_reject_code, 400, 599),
    PARAM_STR("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps",
	      &var_local_recipient_maps, 0, 0),
    PARAM_INT("multi_recipient_bounce_reject_code", 550,
	      &var_multi_recipient_bounce_reject_code, 400, 599),
    PARAM_INT("non_fqdn_reject_code", 504, &var_non_fqdn_reject_code, 400,
	      599),
    PARAM_STR("permit_mx_backup_networks", "",
	      &var_permit_mx_backup_networks, 0, 0),
    PARAM_INT("reject_code", 554, &var_reject_code, 400, 599),
    PARAM_INT("relay_domains_reject_code", 554,
	      &var_relay_domains_reject_code, 400, 599),
    PARAM_STR("relay_recipient_maps", "", &var_relay_recipient_maps, 0, 0),
    PARAM_BOOL("show_user_unknown_table_name", 1,
	       &var_show_user_unknown_table_name),
    PARAM_STR("smtpd_client_restrictions", "",
	      &var_smtpd_client_restrictions, 0, 0),
    PARAM_STR("smtpd_data_restrictions", "", &var_smtpd_data_restrictions,
	      0, 0),
    PARAM_BOOL("smtpd_delay_reject", 1, &var_smtpd_delay_reject),
    PARAM_STR("smtpd_end_of_data_restrictions", "",
	      &var_smtpd_end_of_data_restrictions, 0, 0),
    PARAM_STR("smtpd_etrn_restrictions", "", &var_smtpd_etrn_restrictions,
	      0, 0),
    PARAM_STR("smtpd_helo_restrictions", "", &var_smtpd_helo_restrictions,
	      0, 0),
    PARAM_STR("smtpd_log_access_permit_actions", "",
	      &var_smtpd_log_access_permit_actions, 0, 0),
    PARAM_STR("smtpd_null_access_lookup_key", "<>",
	      &var_smtpd_null_access_lookup_key, 1, 0),
    PARAM_STR("smtpd_recipient_restrictions", "",
	      &var_smtpd_recipient_restrictions, 0, 0),
    PARAM_BOOL("smtpd_reject_unlisted_recipient", 1,
	       &var_smtpd_reject_unlisted_recipient),
    PARAM_BOOL("smtpd_reject_unlisted_sender", 0,
	       &var_smtpd_reject_unlisted_sender),
    PARAM_STR("smtpd_relay_restrictions",
	      "${{$compatibility_level} <level {1} ? {} : "
	      "{permit_mynetworks, permit_sasl_authenticated, "
	      "defer_unauth_destination}}",
	      &var_smtpd_relay_restrictions, 0, 0),
    PARAM_STR("smtpd_restriction_classes", "",
	      &var_smtpd_restriction_classes, 0, 0),
    PARAM_STR("smtpd_sender_restrictions", "",
	      &var_smtpd_sender_restrictions, 0, 0),
    PARAM_INT("unknown_client_reject_code", 450,
	      &var_unknown_client_reject_code, 400, 599),
    PARAM_INT("unknown_local_recipient_reject_code", 550,
	      &var_unknown_local_recipient_reject_code, 400, 599),
    PARAM_INT("unknown_relay_recipient_reject_code", 550,
	      &var_unknown_relay_recipient_reject_code, 400, 599),
    PARAM_INT("unknown_virtual_alias_reject_code", 550,
	      &var_unknown_virtual_alias_reject_code, 400, 599),
    PARAM_INT("unknown_virtual_mailbox_reject_code", 550,
	      &var_unknown_virtual_mailbox_reject_code, 400, 599),
    PARAM_END
};
