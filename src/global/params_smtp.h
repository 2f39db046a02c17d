/*
 * params_smtp.h - variables of the smtp parameters
 *
 * Declared in params_smtp.c (group PARAM_GROUP_SMTP), valid after the
 * service skeleton or mainconf_load() has run with that group. The
 * lmtp_* variables are the LMTP twins that lmtp (the same program in
 * LMTP mode) uses instead of the smtp_* ones.
 */

#ifndef PARAMS_SMTP_H
#define PARAMS_SMTP_H

extern int var_disable_mime_output_conversion;
extern char *var_smtp_bind_address;
extern char *var_smtp_bind_address6;
extern int var_smtp_connect_timeout;
extern char *var_smtp_connection_cache_destinations;
extern int var_smtp_connection_cache_on_demand;
extern int var_smtp_connection_cache_time_limit;
extern int var_smtp_connection_reuse_count_limit;
extern int var_smtp_connection_reuse_time_limit;
extern int var_smtp_data_done_timeout;
extern int var_smtp_data_init_timeout;
extern int var_smtp_data_xfer_timeout;
extern char *var_smtp_fallback_relay;
extern char *var_smtp_generic_maps;
extern char *var_smtp_helo_name;
extern int var_smtp_helo_timeout;
extern int var_smtp_line_length_limit;
extern int var_smtp_mail_timeout;
extern int var_smtp_mx_session_limit;
extern int var_smtp_never_send_ehlo;
extern int var_smtp_quit_timeout;
extern int var_smtp_rcpt_timeout;
extern int var_smtp_rset_timeout;
extern int var_smtp_skip_5xx_greeting;
extern int var_smtp_skip_quit_response;

extern char *var_lmtp_bind_address;
extern char *var_lmtp_bind_address6;
extern int var_lmtp_connect_timeout;
extern char *var_lmtp_connection_cache_destinations;
extern int var_lmtp_connection_cache_on_demand;
extern int var_lmtp_connection_cache_time_limit;
extern int var_lmtp_connection_reuse_count_limit;
extern int var_lmtp_connection_reuse_time_limit;
extern int var_lmtp_data_done_timeout;
extern int var_lmtp_data_init_timeout;
extern int var_lmtp_data_xfer_timeout;
extern char *var_lmtp_fallback_relay;
extern char *var_lmtp_generic_maps;
extern char *var_lmtp_lhlo_name;
extern int var_lmtp_lhlo_timeout;
extern int var_lmtp_line_length_limit;
extern int var_lmtp_mail_timeout;
extern int var_lmtp_mx_session_limit;
extern int var_lmtp_quit_timeout;
extern int var_lmtp_rcpt_timeout;
extern int var_lmtp_rset_timeout;
extern int var_lmtp_skip_5xx_greeting;
extern int var_lmtp_skip_quit_response;

#endif
