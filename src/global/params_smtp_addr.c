/*
 * params_smtp_addr.c - parameters of smtp(8) destination lookup (MX and address lists, host lookup methods, address limits)
 *
 * Defaults are Postfix 3.7's. The lmtp_ twins are what the same
 * program reads in LMTP mode. smtp_tcp_port and lmtp_tcp_port are the
 * ports a next hop without ":port" gets.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtp_addr.h"

int	var_disable_dns_lookups;
int	var_ignore_mx_lookup_error;
int	var_smtp_defer_if_no_mx_address_found;
char   *var_smtp_host_lookup;
char   *var_lmtp_host_lookup;
char   *var_smtp_address_preference;
char   *var_lmtp_address_preference;
int	var_smtp_mx_address_limit;
int	var_lmtp_mx_address_limit;
int	var_smtp_randomize_addresses;
int	var_lmtp_randomize_addresses;
char   *var_smtp_tcp_port;
char   *var_lmtp_tcp_port;

const PARAM_DEF params_smtp_addr[] = {
    PARAM_BOOL("disable_dns_lookups", 0, &var_disable_dns_lookups),
    PARAM_BOOL("ignore_mx_lookup_error", 0, &var_ignore_mx_lookup_error),
    PARAM_BOOL("smtp_defer_if_no_mx_address_found", 0,
	       &var_smtp_defer_if_no_mx_address_found),
    PARAM_STR("smtp_host_lookup", "dns", &var_smtp_host_lookup, 1, 0),
    PARAM_STR("lmtp_host_lookup", "dns", &var_lmtp_host_lookup, 1, 0),
    PARAM_STR("smtp_address_preference", "any",
	      &var_smtp_address_preference, 1, 0),
    PARAM_STR("lmtp_address_preference", "any",
	      &var_lmtp_address_preference, 1, 0),
    PARAM_INT("smtp_mx_address_limit", 5, &var_smtp_mx_address_limit, 0, 0),
    PARAM_INT("lmtp_mx_address_limit", 5, &var_lmtp_mx_address_limit, 0, 0),
    PARAM_BOOL("smtp_randomize_addresses", 1,
	       &var_smtp_randomize_addresses),
    PARAM_BOOL("lmtp_randomize_addresses", 1,
	       &var_lmtp_randomize_addresses),
    PARAM_STR("smtp_tcp_port", "smtp", &var_smtp_tcp_port, 1, 0),
    PARAM_STR("lmtp_tcp_port", "24", &var_lmtp_tcp_port, 1, 0),
    PARAM_END
};
