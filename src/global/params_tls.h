/*
 * params_tls.h - variables of the tls parameters
 *
 * Declared in params_tls.c (group PARAM_GROUP_TLS), valid after the service
 * skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_TLS_H
#define PARAMS_TLS_H

extern int var_lmtp_enforce_tls;
extern int var_lmtp_starttls_timeout;
extern char *var_lmtp_tls_CAfile;
extern char *var_lmtp_tls_CApath;
extern char *var_lmtp_tls_cert_file;
extern char *var_lmtp_tls_chain_files;
extern char *var_lmtp_tls_ciphers;
extern int var_lmtp_tls_enforce_peername;
extern char *var_lmtp_tls_exclude_ciphers;
extern char *var_lmtp_tls_fingerprint_cert_match;
extern char *var_lmtp_tls_fingerprint_digest;
extern char *var_lmtp_tls_key_file;
extern int var_lmtp_tls_loglevel;
extern char *var_lmtp_tls_mandatory_ciphers;
extern char *var_lmtp_tls_mandatory_exclude_ciphers;
extern char *var_lmtp_tls_mandatory_protocols;
extern int var_lmtp_tls_note_starttls_offer;
extern char *var_lmtp_tls_policy_maps;
extern char *var_lmtp_tls_protocols;
extern int var_lmtp_tls_scert_verifydepth;
extern char *var_lmtp_tls_secure_cert_match;
extern char *var_lmtp_tls_security_level;
extern char *var_lmtp_tls_servername;
extern char *var_lmtp_tls_session_cache_database;
extern int var_lmtp_tls_session_cache_timeout;
extern char *var_lmtp_tls_verify_cert_match;
extern int var_lmtp_tls_wrappermode;
extern int var_lmtp_use_tls;
extern int var_plaintext_reject_code;
extern char *var_relay_clientcerts;
extern int var_smtp_enforce_tls;
extern int var_smtp_starttls_timeout;
extern char *var_smtp_tls_CAfile;
extern char *var_smtp_tls_CApath;
extern char *var_smtp_tls_cert_file;
extern char *var_smtp_tls_chain_files;
extern char *var_smtp_tls_ciphers;
extern int var_smtp_tls_enforce_peername;
extern char *var_smtp_tls_exclude_ciphers;
extern char *var_smtp_tls_fingerprint_cert_match;
extern char *var_smtp_tls_fingerprint_digest;
extern char *var_smtp_tls_key_file;
extern int var_smtp_tls_loglevel;
extern char *var_smtp_tls_mandatory_ciphers;
extern char *var_smtp_tls_mandatory_exclude_ciphers;
extern char *var_smtp_tls_mandatory_protocols;
extern int var_smtp_tls_note_starttls_offer;
extern char *var_smtp_tls_policy_maps;
extern char *var_smtp_tls_protocols;
extern int var_smtp_tls_scert_verifydepth;
extern char *var_smtp_tls_secure_cert_match;
extern char *var_smtp_tls_security_level;
extern char *var_smtp_tls_servername;
extern char *var_smtp_tls_session_cache_database;
extern int var_smtp_tls_session_cache_timeout;
extern char *var_smtp_tls_verify_cert_match;
extern int var_smtp_tls_wrappermode;
extern int var_smtp_use_tls;
extern int var_smtpd_enforce_tls;
extern int var_smtpd_starttls_timeout;
extern int var_smtpd_tls_always_issue_session_ids;
extern int var_smtpd_tls_ask_ccert;
extern int var_smtpd_tls_auth_only;
extern char *var_smtpd_tls_CAfile;
extern char *var_smtpd_tls_CApath;
extern int var_smtpd_tls_ccert_verifydepth;
extern char *var_smtpd_tls_cert_file;
extern char *var_smtpd_tls_chain_files;
extern char *var_smtpd_tls_ciphers;
extern char *var_smtpd_tls_eccert_file;
extern char *var_smtpd_tls_eckey_file;
extern char *var_smtpd_tls_exclude_ciphers;
extern char *var_smtpd_tls_fingerprint_digest;
extern char *var_smtpd_tls_key_file;
extern int var_smtpd_tls_loglevel;
extern char *var_smtpd_tls_mandatory_ciphers;
extern char *var_smtpd_tls_mandatory_exclude_ciphers;
extern char *var_smtpd_tls_mandatory_protocols;
extern char *var_smtpd_tls_protocols;
extern int var_smtpd_tls_received_header;
extern int var_smtpd_tls_req_ccert;
extern char *var_smtpd_tls_security_level;
extern char *var_smtpd_tls_session_cache_database;
extern int var_smtpd_tls_session_cache_timeout;
extern int var_smtpd_tls_wrappermode;
extern int var_smtpd_use_tls;
extern int var_tls_append_default_CA;
extern char *var_tls_eecdh_auto_curves;
extern char *var_tls_export_cipherlist;
extern int var_tls_fast_shutdown_enable;
extern char *var_tls_high_cipherlist;
extern char *var_tls_low_cipherlist;
extern char *var_tls_medium_cipherlist;
extern char *var_tls_null_cipherlist;
extern int var_tls_preempt_cipherlist;
extern char *var_tls_ssl_options;

#endif
