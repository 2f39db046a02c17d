/*
 * params_tls.c - parameters of TLS: smtpd(8) STARTTLS/smtps server side, smtp(8)/lmtp client side, shared cipher lists
 *
 * Defaults are Postfix 3.7's. Only what the programs honour is declared.
 * The lmtp_* twins are what the client uses in LMTP mode.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_tls.h"

int	var_lmtp_enforce_tls;
int	var_lmtp_starttls_timeout;
char   *var_lmtp_tls_CAfile;
char   *var_lmtp_tls_CApath;
char   *var_lmtp_tls_cert_file;
char   *var_lmtp_tls_chain_files;
char   *var_lmtp_tls_ciphers;
int	var_lmtp_tls_enforce_peername;
char   *var_lmtp_tls_exclude_ciphers;
char   *var_lmtp_tls_fingerprint_cert_match;
char   *var_lmtp_tls_fingerprint_digest;
char   *var_lmtp_tls_key_file;
int	var_lmtp_tls_loglevel;
char   *var_lmtp_tls_mandatory_ciphers;
char   *var_lmtp_tls_mandatory_exclude_ciphers;
char   *var_lmtp_tls_mandatory_protocols;
int	var_lmtp_tls_note_starttls_offer;
char   *var_lmtp_tls_policy_maps;
char   *var_lmtp_tls_protocols;
int	var_lmtp_tls_scert_verifydepth;
char   *var_lmtp_tls_secure_cert_match;
char   *var_lmtp_tls_security_level;
char   *var_lmtp_tls_servername;
char   *var_lmtp_tls_session_cache_database;
int	var_lmtp_tls_session_cache_timeout;
char   *var_lmtp_tls_verify_cert_match;
int	var_lmtp_tls_wrappermode;
int	var_lmtp_use_tls;
int	var_plaintext_reject_code;
char   *var_relay_clientcerts;
int	var_smtp_enforce_tls;
int	var_smtp_starttls_timeout;
char   *var_smtp_tls_CAfile;
char   *var_smtp_tls_CApath;
char   *var_smtp_tls_cert_file;
char   *var_smtp_tls_chain_files;
char   *var_smtp_tls_ciphers;
int	var_smtp_tls_enforce_peername;
char   *var_smtp_tls_exclude_ciphers;
char   *var_smtp_tls_fingerprint_cert_match;
char   *var_smtp_tls_fingerprint_digest;
char   *var_smtp_tls_key_file;
int	var_smtp_tls_loglevel;
char   *var_smtp_tls_mandatory_ciphers;
char   *var_smtp_tls_mandatory_exclude_ciphers;
char   *var_smtp_tls_mandatory_protocols;
int	var_smtp_tls_note_starttls_offer;
char   *var_smtp_tls_policy_maps;
char   *var_smtp_tls_protocols;
int	var_smtp_tls_scert_verifydepth;
char   *var_smtp_tls_secure_cert_match;
char   *var_smtp_tls_security_level;
char   *var_smtp_tls_servername;
char   *var_smtp_tls_session_cache_database;
int	var_smtp_tls_session_cache_timeout;
char   *var_smtp_tls_verify_cert_match;
int	var_smtp_tls_wrappermode;
int	var_smtp_use_tls;
int	var_smtpd_enforce_tls;
int	var_smtpd_starttls_timeout;
int	var_smtpd_tls_always_issue_session_ids;
int	var_smtpd_tls_ask_ccert;
int	var_smtpd_tls_auth_only;
char   *var_smtpd_tls_CAfile;
char   *var_smtpd_tls_CApath;
int	var_smtpd_tls_ccert_verifydepth;
char   *var_smtpd_tls_cert_file;
char   *var_smtpd_tls_chain_files;
char   *var_smtpd_tls_ciphers;
char   *var_smtpd_tls_eccert_file;
char   *var_smtpd_tls_eckey_file;
char   *var_smtpd_tls_exclude_ciphers;
char   *var_smtpd_tls_fingerprint_digest;
char   *var_smtpd_tls_key_file;
int	var_smtpd_tls_loglevel;
char   *var_smtpd_tls_mandatory_ciphers;
char   *var_smtpd_tls_mandatory_exclude_ciphers;
char   *var_smtpd_tls_mandatory_protocols;
char   *var_smtpd_tls_protocols;
int	var_smtpd_tls_received_header;
int	var_smtpd_tls_req_ccert;
char   *var_smtpd_tls_security_level;
char   *var_smtpd_tls_session_cache_database;
int	var_smtpd_tls_session_cache_timeout;
int	var_smtpd_tls_wrappermode;
int	var_smtpd_use_tls;
int	var_tls_append_default_CA;
char   *var_tls_eecdh_auto_curves;
char   *var_tls_export_cipherlist;
int	var_tls_fast_shutdown_enable;
char   *var_tls_high_cipherlist;
char   *var_tls_low_cipherlist;
char   *var_tls_medium_cipherlist;
char   *var_tls_null_cipherlist;
int	var_tls_preempt_cipherlist;
char   *var_tls_ssl_options;

const PARAM_DEF params_tls[] = {
    PARAM_BOOL("lmtp_enforce_tls", 0, &var_lmtp_enforce_tls),
    PARAM_TIME("lmtp_starttls_timeout", "300s", &var_lmtp_starttls_timeout, 1, 0),
    PARAM_STR("lmtp_tls_CAfile", "", &var_lmtp_tls_CAfile, 0, 0),
    PARAM_STR("lmtp_tls_CApath", "", &var_lmtp_tls_CApath, 0, 0),
    PARAM_STR("lmtp_tls_cert_file", "", &var_lmtp_tls_cert_file, 0, 0),
    PARAM_STR("lmtp_tls_chain_files", "", &var_lmtp_tls_chain_files, 0, 0),
    PARAM_STR("lmtp_tls_ciphers", "medium", &var_lmtp_tls_ciphers, 0, 0),
    PARAM_BOOL("lmtp_tls_enforce_peername", 1, &var_lmtp_tls_enforce_peername),
    PARAM_STR("lmtp_tls_exclude_ciphers", "", &var_lmtp_tls_exclude_ciphers, 0, 0),
    PARAM_STR("lmtp_tls_fingerprint_cert_match", "", &var_lmtp_tls_fingerprint_cert_match, 0, 0),
    PARAM_STR("lmtp_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}", &var_lmtp_tls_fingerprint_digest, 0, 0),
    PARAM_STR("lmtp_tls_key_file", "$lmtp_tls_cert_file", &var_lmtp_tls_key_file, 0, 0),
    PARAM_INT("lmtp_tls_loglevel", 0, &var_lmtp_tls_loglevel, 0, 0),
    PARAM_STR("lmtp_tls_mandatory_ciphers", "medium", &var_lmtp_tls_mandatory_ciphers, 0, 0),
    PARAM_STR("lmtp_tls_mandatory_exclude_ciphers", "", &var_lmtp_tls_mandatory_exclude_ciphers, 0, 0),
    PARAM_STR("lmtp_tls_mandatory_protocols", ">=TLSv1", &var_lmtp_tls_mandatory_protocols, 0, 0),
    PARAM_BOOL("lmtp_tls_note_starttls_offer", 0, &var_lmtp_tls_note_starttls_offer),
    PARAM_STR("lmtp_tls_policy_maps", "", &var_lmtp_tls_policy_maps, 0, 0),
    PARAM_STR("lmtp_tls_protocols", ">=TLSv1", &var_lmtp_tls_protocols, 0, 0),
    PARAM_INT("lmtp_tls_scert_verifydepth", 9, &var_lmtp_tls_scert_verifydepth, 1, 0),
    PARAM_STR("lmtp_tls_secure_cert_match", "nexthop", &var_lmtp_tls_secure_cert_match, 0, 0),
    PARAM_STR("lmtp_tls_security_level", "", &var_lmtp_tls_security_level, 0, 0),
    PARAM_STR("lmtp_tls_servername", "", &var_lmtp_tls_servername, 0, 0),
    PARAM_STR("lmtp_tls_session_cache_database", "", &var_lmtp_tls_session_cache_database, 0, 0),
    PARAM_TIME("lmtp_tls_session_cache_timeout", "3600s", &var_lmtp_tls_session_cache_timeout, 0, 8640000),
    PARAM_STR("lmtp_tls_verify_cert_match", "hostname", &var_lmtp_tls_verify_cert_match, 0, 0),
    PARAM_BOOL("lmtp_tls_wrappermode", 0, &var_lmtp_tls_wrappermode),
    PARAM_BOOL("lmtp_use_tls", 0, &var_lmtp_use_tls),
    PARAM_INT("plaintext_reject_code", 450, &var_plaintext_reject_code, 400, 599),
    PARAM_STR("relay_clientcerts", "", &var_relay_clientcerts, 0, 0),
    PARAM_BOOL("smtp_enforce_tls", 0, &var_smtp_enforce_tls),
    PARAM_TIME("smtp_starttls_timeout", "300s", &var_smtp_starttls_timeout, 1, 0),
    PARAM_STR("smtp_tls_CAfile", "", &var_smtp_tls_CAfile, 0, 0),
    PARAM_STR("smtp_tls_CApath", "", &var_smtp_tls_CApath, 0, 0),
    PARAM_STR("smtp_tls_cert_file", "", &var_smtp_tls_cert_file, 0, 0),
    PARAM_STR("smtp_tls_chain_files", "", &var_smtp_tls_chain_files, 0, 0),
    PARAM_STR("smtp_tls_ciphers", "medium", &var_smtp_tls_ciphers, 0, 0),
    PARAM_BOOL("smtp_tls_enforce_peername", 1, &var_smtp_tls_enforce_peername),
    PARAM_STR("smtp_tls_exclude_ciphers", "", &var_smtp_tls_exclude_ciphers, 0, 0),
    PARAM_STR("smtp_tls_fingerprint_cert_match", "", &var_smtp_tls_fingerprint_cert_match, 0, 0),
    PARAM_STR("smtp_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}", &var_smtp_tls_fingerprint_digest, 0, 0),
    PARAM_STR("smtp_tls_key_file", "$smtp_tls_cert_file", &var_smtp_tls_key_file, 0, 0),
    PARAM_INT("smtp_tls_loglevel", 0, &var_smtp_tls_loglevel, 0, 0),
    PARAM_STR("smtp_tls_mandatory_ciphers", "medium", &var_smtp_tls_mandatory_ciphers, 0, 0),
    PARAM_STR("smtp_tls_mandatory_exclude_ciphers", "", &var_smtp_tls_mandatory_exclude_ciphers, 0, 0),
    PARAM_STR("smtp_tls_mandatory_protocols", ">=TLSv1", &var_smtp_tls_mandatory_protocols, 0, 0),
    PARAM_BOOL("smtp_tls_note_starttls_offer", 0, &var_smtp_tls_note_starttls_offer),
    PARAM_STR("smtp_tls_policy_maps", "", &var_smtp_tls_policy_maps, 0, 0),
    PARAM_STR("smtp_tls_protocols", ">=TLSv1", &var_smtp_tls_protocols, 0, 0),
    PARAM_INT("smtp_tls_scert_verifydepth", 9, &var_smtp_tls_scert_verifydepth, 1, 0),
    PARAM_STR("smtp_tls_secure_cert_match", "nexthop, dot-nexthop", &var_smtp_tls_secure_cert_match, 0, 0),
    PARAM_STR("smtp_tls_security_level", "", &var_smtp_tls_security_level, 0, 0),
    PARAM_STR("smtp_tls_servername", "", &var_smtp_tls_servername, 0, 0),
    PARAM_STR("smtp_tls_session_cache_database", "", &var_smtp_tls_session_cache_database, 0, 0),
    PARAM_TIME("smtp_tls_session_cache_timeout", "3600s", &var_smtp_tls_session_cache_timeout, 0, 8640000),
    PARAM_STR("smtp_tls_verify_cert_match", "hostname", &var_smtp_tls_verify_cert_match, 0, 0),
    PARAM_BOOL("smtp_tls_wrappermode", 0, &var_smtp_tls_wrappermode),
    PARAM_BOOL("smtp_use_tls", 0, &var_smtp_use_tls),
    PARAM_BOOL("smtpd_enforce_tls", 0, &var_smtpd_enforce_tls),
    PARAM_TIME("smtpd_starttls_timeout", "${stress?{10}:{300}}s", &var_smtpd_starttls_timeout, 1, 0),
    PARAM_BOOL("smtpd_tls_always_issue_session_ids", 1, &var_smtpd_tls_always_issue_session_ids),
    PARAM_BOOL("smtpd_tls_ask_ccert", 0, &var_smtpd_tls_ask_ccert),
    PARAM_BOOL("smtpd_tls_auth_only", 0, &var_smtpd_tls_auth_only),
    PARAM_STR("smtpd_tls_CAfile", "", &var_smtpd_tls_CAfile, 0, 0),
    PARAM_STR("smtpd_tls_CApath", "", &var_smtpd_tls_CApath, 0, 0),
    PARAM_INT("smtpd_tls_ccert_verifydepth", 9, &var_smtpd_tls_ccert_verifydepth, 1, 0),
    PARAM_STR("smtpd_tls_cert_file", "", &var_smtpd_tls_cert_file, 0, 0),
    PARAM_STR("smtpd_tls_chain_files", "", &var_smtpd_tls_chain_files, 0, 0),
    PARAM_STR("smtpd_tls_ciphers", "medium", &var_smtpd_tls_ciphers, 0, 0),
    PARAM_STR("smtpd_tls_eccert_file", "", &var_smtpd_tls_eccert_file, 0, 0),
    PARAM_STR("smtpd_tls_eckey_file", "$smtpd_tls_eccert_file", &var_smtpd_tls_eckey_file, 0, 0),
    PARAM_STR("smtpd_tls_exclude_ciphers", "", &var_smtpd_tls_exclude_ciphers, 0, 0),
    PARAM_STR("smtpd_tls_fingerprint_digest", "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}", &var_smtpd_tls_fingerprint_digest, 0, 0),
    PARAM_STR("smtpd_tls_key_file", "$smtpd_tls_cert_file", &var_smtpd_tls_key_file, 0, 0),
    PARAM_INT("smtpd_tls_loglevel", 0, &var_smtpd_tls_loglevel, 0, 0),
    PARAM_STR("smtpd_tls_mandatory_ciphers", "medium", &var_smtpd_tls_mandatory_ciphers, 0, 0),
    PARAM_STR("smtpd_tls_mandatory_exclude_ciphers", "", &var_smtpd_tls_mandatory_exclude_ciphers, 0, 0),
    PARAM_STR("smtpd_tls_mandatory_protocols", ">=TLSv1", &var_smtpd_tls_mandatory_protocols, 0, 0),
    PARAM_STR("smtpd_tls_protocols", ">=TLSv1", &var_smtpd_tls_protocols, 0, 0),
    PARAM_BOOL("smtpd_tls_received_header", 0, &var_smtpd_tls_received_header),
    PARAM_BOOL("smtpd_tls_req_ccert", 0, &var_smtpd_tls_req_ccert),
    PARAM_STR("smtpd_tls_security_level", "", &var_smtpd_tls_security_level, 0, 0),
    PARAM_STR("smtpd_tls_session_cache_database", "", &var_smtpd_tls_session_cache_database, 0, 0),
    PARAM_TIME("smtpd_tls_session_cache_timeout", "3600s", &var_smtpd_tls_session_cache_timeout, 0, 8640000),
    PARAM_BOOL("smtpd_tls_wrappermode", 0, &var_smtpd_tls_wrappermode),
    PARAM_BOOL("smtpd_use_tls", 0, &var_smtpd_use_tls),
    PARAM_BOOL("tls_append_default_CA", 0, &var_tls_append_default_CA),
    PARAM_STR("tls_eecdh_auto_curves", "X25519 X448 prime256v1 secp521r1 secp384r1", &var_tls_eecdh_auto_curves, 0, 0),
    PARAM_STR("tls_export_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH", &var_tls_export_cipherlist, 0, 0),
    PARAM_BOOL("tls_fast_shutdown_enable", 1, &var_tls_fast_shutdown_enable),
    PARAM_STR("tls_high_cipherlist", "aNULL:-aNULL:HIGH:@STRENGTH", &var_tls_high_cipherlist, 0, 0),
    PARAM_STR("tls_low_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH", &var_tls_low_cipherlist, 0, 0),
    PARAM_STR("tls_medium_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH", &var_tls_medium_cipherlist, 0, 0),
    PARAM_STR("tls_null_cipherlist", "eNULL:!aNULL", &var_tls_null_cipherlist, 0, 0),
    PARAM_BOOL("tls_preempt_cipherlist", 0, &var_tls_preempt_cipherlist),
    PARAM_STR("tls_ssl_options", "", &var_tls_ssl_options, 0, 0),
    PARAM_END,
};
