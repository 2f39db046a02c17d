/*
 * params_smtpd.c - parameters of smtpd(8) protocol: banner, EHLO keywords, timeouts, limits
 *
 * Defaults are Postfix 3.7's, with one deliberate difference:
 * smtpd_forbid_bare_newline defaults to "normalize" (Postfix 3.7: "no"),
 * so that SMTP smuggling cannot work against a default installation.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd.h"

char   *var_smtpd_banner;
int	var_smtpd_timeout;
int	var_smtpd_error_sleep_time;
int	var_smtpd_soft_error_limit;
int	var_smtpd_hard_error_limit;
int	var_smtpd_junk_command_limit;
int	var_smtpd_recipient_limit;
int	var_smtpd_recipient_overshoot_limit;
int	var_smtpd_helo_required;
int	var_disable_vrfy_command;
char   *var_smtpd_discard_ehlo_keywords;
char   *var_smtpd_discard_ehlo_keyword_address_maps;
char   *var_smtpd_forbidden_commands;
int	var_smtpd_forbid_unauth_pipelining;
char   *var_smtpd_forbid_bare_newline;
char   *var_smtpd_forbid_bare_newline_exclusions;
int	var_smtpd_forbid_bare_newline_reject_code;
int	var_strict_rfc821_envelopes;
int	var_smtpd_peername_lookup;
int	var_smtpd_client_port_logging;
char   *var_smtpd_noop_commands;
char   *var_smtpd_reject_footer;
char   *var_smtpd_reject_footer_maps;
int	var_smtpd_per_request_deadline;
int	var_smtpd_min_data_rate;

/*
 * ps_per_request_deadline - Postfix 3.7's default, which honours the
 * older smtpd_per_record_deadline when main.cf still sets it (that name
 * is not a parameter of its own any more, hence a computed default: the
 * registry's defaults may only name declared parameters)
 */

static const char *
ps_per_request_deadline(void)
{
	return "${smtpd_per_record_deadline?{$smtpd_per_record_deadline}:"
	    "{${stress?{yes}:{no}}}}";
}

const PARAM_DEF params_smtpd[] = {
    PARAM_BOOL("disable_vrfy_command", 0, &var_disable_vrfy_command),
    PARAM_STR("smtpd_banner", "$myhostname ESMTP $mail_name",
	      &var_smtpd_banner, 1, 0),
    PARAM_BOOL("smtpd_client_port_logging", 0,
	       &var_smtpd_client_port_logging),
    PARAM_STR("smtpd_discard_ehlo_keyword_address_maps", "",
	      &var_smtpd_discard_ehlo_keyword_address_maps, 0, 0),
    PARAM_STR("smtpd_discard_ehlo_keywords", "",
	      &var_smtpd_discard_ehlo_keywords, 0, 0),
    PARAM_TIME("smtpd_error_sleep_time", "1s", &var_smtpd_error_sleep_time,
	       0, 0),
    PARAM_STR("smtpd_forbid_bare_newline", "normalize",
	      &var_smtpd_forbid_bare_newline, 1, 0),
    PARAM_STR("smtpd_forbid_bare_newline_exclusions", "$mynetworks",
	      &var_smtpd_forbid_bare_newline_exclusions, 0, 0),
    PARAM_INT("smtpd_forbid_bare_newline_reject_code", 550,
	      &var_smtpd_forbid_bare_newline_reject_code, 400, 599),
    PARAM_BOOL("smtpd_forbid_unauth_pipelining", 0,
	       &var_smtpd_forbid_unauth_pipelining),
    PARAM_RAW("smtpd_forbidden_commands",
	      "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}",
	      &var_smtpd_forbidden_commands, 0, 0),
    {"smtpd_hard_error_limit", PARAM_T_INT, "${stress?{1}:{20}}", 0,
     (void *) &var_smtpd_hard_error_limit, 1, 0, 0},
    PARAM_BOOL("smtpd_helo_required", 0, &var_smtpd_helo_required),
    {"smtpd_junk_command_limit", PARAM_T_INT, "${stress?{1}:{100}}", 0,
     (void *) &var_smtpd_junk_command_limit, 1, 0, 0},
    PARAM_INT("smtpd_min_data_rate", 500, &var_smtpd_min_data_rate, 1, 0),
    PARAM_STR("smtpd_noop_commands", "", &var_smtpd_noop_commands, 0, 0),
    PARAM_BOOL("smtpd_peername_lookup", 1, &var_smtpd_peername_lookup),
    PARAM_FN("smtpd_per_request_deadline", PARAM_T_BOOL,
	     ps_per_request_deadline, &var_smtpd_per_request_deadline, 0, 1),
    PARAM_INT("smtpd_recipient_limit", 1000, &var_smtpd_recipient_limit,
	      1, 0),
    PARAM_INT("smtpd_recipient_overshoot_limit", 1000,
	      &var_smtpd_recipient_overshoot_limit, 1, 0),
    PARAM_RAW("smtpd_reject_footer", "", &var_smtpd_reject_footer, 0, 0),
    PARAM_STR("smtpd_reject_footer_maps", "", &var_smtpd_reject_footer_maps,
	      0, 0),
    PARAM_INT("smtpd_soft_error_limit", 10, &var_smtpd_soft_error_limit,
	      1, 0),
    PARAM_TIME("smtpd_timeout", "${stress?{10}:{300}}s", &var_smtpd_timeout,
	       1, 0),
    PARAM_BOOL("strict_rfc821_envelopes", 0, &var_strict_rfc821_envelopes),
    PARAM_END
};
