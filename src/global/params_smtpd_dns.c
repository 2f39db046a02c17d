/*
 * params_smtpd_dns.c - parameters of smtpd(8)'s DNS-based checks
 * (DNSBL/RHSBL replies and codes, unknown host and domain codes)
 *
 * Defaults are Postfix 3.7's. default_rbl_reply is RAW: its $rbl_*
 * names are expanded per reply by smtpd, not at load time.
 * reject_tempfail_action is the generic one; the restriction engine
 * may read it too (reject_unknown_client_hostname).
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd_dns.h"

char   *var_rbl_reply_maps;
char   *var_default_rbl_reply;
int	var_maps_rbl_reject_code;
int	var_unknown_address_reject_code;
int	var_unknown_hostname_reject_code;
char   *var_reject_tempfail_action;
char   *var_unknown_address_tempfail_action;
char   *var_unknown_helo_hostname_tempfail_action;

const PARAM_DEF params_smtpd_dns[] = {
    PARAM_RAW("default_rbl_reply", "$rbl_code Service unavailable; "
	      "$rbl_class [$rbl_what] blocked using "
	      "$rbl_domain${rbl_reason?; $rbl_reason}",
	      &var_default_rbl_reply, 1, 0),
    PARAM_INT("maps_rbl_reject_code", 554, &var_maps_rbl_reject_code,
	      400, 599),
    PARAM_STR("rbl_reply_maps", "", &var_rbl_reply_maps, 0, 0),
    PARAM_STR("reject_tempfail_action", "defer_if_permit",
	      &var_reject_tempfail_action, 1, 0),
    PARAM_INT("unknown_address_reject_code", 450,
	      &var_unknown_address_reject_code, 400, 599),
    PARAM_STR("unknown_address_tempfail_action", "$reject_tempfail_action",
	      &var_unknown_address_tempfail_action, 1, 0),
    PARAM_STR("unknown_helo_hostname_tempfail_action",
	      "$reject_tempfail_action",
	      &var_unknown_helo_hostname_tempfail_action, 1, 0),
    PARAM_INT("unknown_hostname_reject_code", 450,
	      &var_unknown_hostname_reject_code, 400, 599),
    PARAM_END
};
