/*
 * params_smtp.c - parameters of smtp(8) and lmtp: the SMTP/LMTP client (timeouts, EHLO, pipelining, connection reuse, transports)
 *
 * Defaults are Postfix 3.7's. Only what the client honours is declared;
 * the lmtp_* twins are what the program uses in LMTP mode.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtp.h"

int	var_disable_mime_output_conversion;
char   *var_smtp_bind_address;
char   *var_smtp_bind_address6;
int	var_smtp_connect_timeout;
char   *var_smtp_connection_cache_destinations;
int	var_smtp_connection_cache_on_demand;
int	var_smtp_connection_cache_time_limit;
int	var_smtp_connection_reuse_count_limit;
int	var_smtp_connection_reuse_time_limit;
int	var_smtp_data_done_timeout;
int	var_smtp_data_init_timeout;
int	var_smtp_data_xfer_timeout;
char   *var_smtp_fallback_relay;
char   *var_smtp_generic_maps;
char   *var_smtp_helo_name;
int	var_smtp_helo_timeout;
int	var_smtp_line_length_limit;
int	var_smtp_mail_timeout;
int	var_smtp_mx_session_limit;
int	var_smtp_never_send_ehlo;
int	var_smtp_quit_timeout;
int	var_smtp_rcpt_timeout;
int	var_smtp_rset_timeout;
int	var_smtp_skip_5xx_greeting;
int	var_smtp_skip_quit_response;
char   *var_lmtp_bind_address;
char   *var_lmtp_bind_address6;
int	var_lmtp_connect_timeout;
char   *var_lmtp_connection_cache_destinations;
int	var_lmtp_connection_cache_on_demand;
int	var_lmtp_connection_cache_time_limit;
int	var_lmtp_connection_reuse_count_limit;
int	var_lmtp_connection_reuse_time_limit;
int	var_lmtp_data_done_timeout;
int	var_lmtp_data_init_timeout;
int	var_lmtp_data_xfer_timeout;
char   *var_lmtp_fallback_relay;
char   *var_lmtp_generic_maps;
char   *var_lmtp_lhlo_name;
int	var_lmtp_lhlo_timeout;
int	var_lmtp_line_length_limit;
int	var_lmtp_mail_timeout;
int	var_lmtp_mx_session_limit;
int	var_lmtp_quit_timeout;
int	var_lmtp_rcpt_timeout;
int	var_lmtp_rset_timeout;
int	var_lmtp_skip_5xx_greeting;
int	var_lmtp_skip_quit_response;

/*
 * params_smtp_fallback_relay - default "$fallback_relay"
 *
 * fallback_relay is the Postfix 2.2 name, which postconf -d does not
 * list and we do not declare; a dynamic default keeps the reference
 * (empty unless main.cf still sets the old name) out of the
 * closed-defaults check, as smtpd_client_event_limit_exceptions does.
 */

static const char *
params_smtp_fallback_relay(void)
{
	return "$fallback_relay";
}

const PARAM_DEF params_smtp[] = {
    PARAM_BOOL("disable_mime_output_conversion", 0,
	       &var_disable_mime_output_conversion),
    PARAM_STR("lmtp_bind_address", "", &var_lmtp_bind_address, 0, 0),
    PARAM_STR("lmtp_bind_address6", "", &var_lmtp_bind_address6, 0, 0),
    PARAM_TIME("lmtp_connect_timeout", "0s", &var_lmtp_connect_timeout, 0, 0),
    PARAM_STR("lmtp_connection_cache_destinations",
	      "", &var_lmtp_connection_cache_destinations, 0, 0),
    PARAM_BOOL("lmtp_connection_cache_on_demand",
	       1, &var_lmtp_connection_cache_on_demand),
    PARAM_TIME("lmtp_connection_cache_time_limit",
	       "2s", &var_lmtp_connection_cache_time_limit, 0, 0),
    PARAM_INT("lmtp_connection_reuse_count_limit",
	      0, &var_lmtp_connection_reuse_count_limit, 0, 0),
    PARAM_TIME("lmtp_connection_reuse_time_limit",
	       "300s", &var_lmtp_connection_reuse_time_limit, 1, 0),
    PARAM_TIME("lmtp_data_done_timeout",
	       "600s", &var_lmtp_data_done_timeout, 1, 0),
    PARAM_TIME("lmtp_data_init_timeout",
	       "120s", &var_lmtp_data_init_timeout, 1, 0),
    PARAM_TIME("lmtp_data_xfer_timeout",
	       "180s", &var_lmtp_data_xfer_timeout, 1, 0),
    PARAM_STR("lmtp_fallback_relay", "", &var_lmtp_fallback_relay, 0, 0),
    PARAM_STR("lmtp_generic_maps", "", &var_lmtp_generic_maps, 0, 0),
    PARAM_STR("lmtp_lhlo_name", "$myhostname", &var_lmtp_lhlo_name, 1, 0),
    PARAM_TIME("lmtp_lhlo_timeout", "300s", &var_lmtp_lhlo_timeout, 1, 0),
    PARAM_INT("lmtp_line_length_limit",
	      998, &var_lmtp_line_length_limit, 0, 0),
    PARAM_TIME("lmtp_mail_timeout", "300s", &var_lmtp_mail_timeout, 1, 0),
    PARAM_INT("lmtp_mx_session_limit", 2, &var_lmtp_mx_session_limit, 0, 0),
    PARAM_TIME("lmtp_quit_timeout", "300s", &var_lmtp_quit_timeout, 1, 0),
    PARAM_TIME("lmtp_rcpt_timeout", "300s", &var_lmtp_rcpt_timeout, 1, 0),
    PARAM_TIME("lmtp_rset_timeout", "20s", &var_lmtp_rset_timeout, 1, 0),
    PARAM_BOOL("lmtp_skip_5xx_greeting", 1, &var_lmtp_skip_5xx_greeting),
    PARAM_BOOL("lmtp_skip_quit_response", 0, &var_lmtp_skip_quit_response),
    PARAM_STR("smtp_bind_address", "", &var_smtp_bind_address, 0, 0),
    PARAM_STR("smtp_bind_address6", "", &var_smtp_bind_address6, 0, 0),
    PARAM_TIME("smtp_connect_timeout", "30s", &var_smtp_connect_timeout, 0, 0),
    PARAM_STR("smtp_connection_cache_destinations",
	      "", &var_smtp_connection_cache_destinations, 0, 0),
    PARAM_BOOL("smtp_connection_cache_on_demand",
	       1, &var_smtp_connection_cache_on_demand),
    PARAM_TIME("smtp_connection_cache_time_limit",
	       "2s", &var_smtp_connection_cache_time_limit, 0, 0),
    PARAM_INT("smtp_connection_reuse_count_limit",
	      0, &var_smtp_connection_reuse_count_limit, 0, 0),
    PARAM_TIME("smtp_connection_reuse_time_limit",
	       "300s", &var_smtp_connection_reuse_time_limit, 1, 0),
    PARAM_TIME("smtp_data_done_timeout",
	       "600s", &var_smtp_data_done_timeout, 1, 0),
    PARAM_TIME("smtp_data_init_timeout",
	       "120s", &var_smtp_data_init_timeout, 1, 0),
    PARAM_TIME("smtp_data_xfer_timeout",
	       "180s", &var_smtp_data_xfer_timeout, 1, 0),
    PARAM_FN("smtp_fallback_relay", PARAM_T_STR, params_smtp_fallback_relay,
	     &var_smtp_fallback_relay, 0, 0),
    PARAM_STR("smtp_generic_maps", "", &var_smtp_generic_maps, 0, 0),
    PARAM_STR("smtp_helo_name", "$myhostname", &var_smtp_helo_name, 1, 0),
    PARAM_TIME("smtp_helo_timeout", "300s", &var_smtp_helo_timeout, 1, 0),
    PARAM_INT("smtp_line_length_limit",
	      998, &var_smtp_line_length_limit, 0, 0),
    PARAM_TIME("smtp_mail_timeout", "300s", &var_smtp_mail_timeout, 1, 0),
    PARAM_INT("smtp_mx_session_limit", 2, &var_smtp_mx_session_limit, 0, 0),
    PARAM_BOOL("smtp_never_send_ehlo", 0, &var_smtp_never_send_ehlo),
    PARAM_TIME("smtp_quit_timeout", "300s", &var_smtp_quit_timeout, 1, 0),
    PARAM_TIME("smtp_rcpt_timeout", "300s", &var_smtp_rcpt_timeout, 1, 0),
    PARAM_TIME("smtp_rset_timeout", "20s", &var_smtp_rset_timeout, 1, 0),
    PARAM_BOOL("smtp_skip_5xx_greeting", 1, &var_smtp_skip_5xx_greeting),
    PARAM_BOOL("smtp_skip_quit_response", 1, &var_smtp_skip_quit_response),
    PARAM_END
};
