/*
 * params_anvil.c - parameters of anvil(8) and smtpd's use of it (client rate and concurrency limits), and the policy delegation client
 *
 * Defaults are Postfix 3.7's. smtpd_client_connection_limit_exceptions
 * is not declared: Postfix only keeps it as the fallback inside the
 * default of smtpd_client_event_limit_exceptions, as here.
 * policy_time_limit is not declared because nothing honours it (there
 * is no spawn(8)).
 */

#include "sysdeps.h"

#include "param.h"
#include "params_anvil.h"

int	var_anvil_rate_time_unit;
int	var_anvil_status_update_time;
int	var_smtpd_client_connection_count_limit;
int	var_smtpd_client_connection_rate_limit;
int	var_smtpd_client_message_rate_limit;
int	var_smtpd_client_recipient_rate_limit;
int	var_smtpd_client_new_tls_session_rate_limit;
int	var_smtpd_client_auth_rate_limit;
char   *var_smtpd_client_event_limit_exceptions;
char   *var_smtpd_policy_service_default_action;
int	var_smtpd_policy_service_max_idle;
int	var_smtpd_policy_service_max_ttl;
char   *var_smtpd_policy_service_policy_context;
int	var_smtpd_policy_service_request_limit;
int	var_smtpd_policy_service_retry_delay;
int	var_smtpd_policy_service_timeout;
int	var_smtpd_policy_service_try_limit;

/*
 * params_anvil_event_limit_exceptions - default
 * "${smtpd_client_connection_limit_exceptions:$mynetworks}"
 *
 * smtpd_client_connection_limit_exceptions is the Postfix 2.1 name,
 * which postconf -d does not list and we do not declare; a dynamic
 * default keeps the reference (expanded at load time: $mynetworks
 * unless main.cf sets the old name) out of the closed-defaults check.
 */

static const char *
params_anvil_event_limit_exceptions(void)
{
	return "${smtpd_client_connection_limit_exceptions:$mynetworks}";
}

const PARAM_DEF params_anvil[] = {
    PARAM_TIME("anvil_rate_time_unit", "60s", &var_anvil_rate_time_unit, 1, 0),
    PARAM_TIME("anvil_status_update_time", "600s",
	       &var_anvil_status_update_time, 1, 0),
    PARAM_INT("smtpd_client_connection_count_limit", 50,
	      &var_smtpd_client_connection_count_limit, 0, 0),
    PARAM_INT("smtpd_client_connection_rate_limit", 0,
	      &var_smtpd_client_connection_rate_limit, 0, 0),
    PARAM_INT("smtpd_client_message_rate_limit", 0,
	      &var_smtpd_client_message_rate_limit, 0, 0),
    PARAM_INT("smtpd_client_recipient_rate_limit", 0,
	      &var_smtpd_client_recipient_rate_limit, 0, 0),
    PARAM_INT("smtpd_client_auth_rate_limit", 0,
	      &var_smtpd_client_auth_rate_limit, 0, 0),
    PARAM_INT("smtpd_client_new_tls_session_rate_limit", 0,
	      &var_smtpd_client_new_tls_session_rate_limit, 0, 0),
    PARAM_FN("smtpd_client_event_limit_exceptions", PARAM_T_STR,
	     params_anvil_event_limit_exceptions,
	     &var_smtpd_client_event_limit_exceptions, 0, 0),
    PARAM_STR("smtpd_policy_service_default_action",
	      "451 4.3.5 Server configuration problem",
	      &var_smtpd_policy_service_default_action, 1, 0),
    PARAM_TIME("smtpd_policy_service_max_idle", "300s",
	       &var_smtpd_policy_service_max_idle, 1, 0),
    PARAM_TIME("smtpd_policy_service_max_ttl", "1000s",
	       &var_smtpd_policy_service_max_ttl, 1, 0),
    PARAM_STR("smtpd_policy_service_policy_context", "",
	      &var_smtpd_policy_service_policy_context, 0, 0),
    PARAM_INT("smtpd_policy_service_request_limit", 0,
	      &var_smtpd_policy_service_request_limit, 0, 0),
    PARAM_TIME("smtpd_policy_service_retry_delay", "1s",
	       &var_smtpd_policy_service_retry_delay, 1, 0),
    PARAM_TIME("smtpd_policy_service_timeout", "100s",
	       &var_smtpd_policy_service_timeout, 1, 0),
    PARAM_INT("smtpd_policy_service_try_limit", 2,
	      &var_smtpd_policy_service_try_limit, 1, 0),
    PARAM_END
};
