/*
 * params_global.c - the general parameters
 *
 * Parameters that the configuration layer, directories, logging,
 * process management and every program share, the names of the
 * internal services, and the scheduler defaults that per-transport
 * parameters (relay_destination_concurrency_limit, ...) fall back to.
 *
 * Defaults are Postfix 3.7's, byte for byte as postconf -d prints them,
 * except the install paths (from makedefs), mail_version (ours),
 * shlib_directory (we build no shared libraries) and the values Postfix
 * computes from the host: myhostname, mydomain, mynetworks, process_id
 * and process_name. README_FILES/COMPATIBILITY_DIFFERENCES lists these,
 * and param_test.c checks everything else against Postfix's list.
 */

#include "sysdeps.h"

#include <unistd.h>

#include "log.h"
#include "mail_version.h"
#include "mainconf.h"
#include "mem.h"
#include "mynetworks.h"
#include "param.h"
#include "params_global.h"
#include "strbuf.h"

/* Install paths: makedefs passes these; the fallbacks are Postfix's. */
#ifndef DEF_CONFIG_DIRECTORY
#define DEF_CONFIG_DIRECTORY "/etc/postfix"
#endif
#ifndef DEF_COMMAND_DIRECTORY
#define DEF_COMMAND_DIRECTORY "/usr/sbin"
#endif
#ifndef DEF_DAEMON_DIRECTORY
#define DEF_DAEMON_DIRECTORY "/usr/libexec/postfix"
#endif
#ifndef DEF_DATA_DIRECTORY
#define DEF_DATA_DIRECTORY "/var/lib/postfix"
#endif
#ifndef DEF_QUEUE_DIRECTORY
#define DEF_QUEUE_DIRECTORY "/var/spool/postfix"
#endif
#ifndef DEF_META_DIRECTORY
#define DEF_META_DIRECTORY "/etc/postfix"
#endif
#ifndef DEF_SENDMAIL_PATH
#define DEF_SENDMAIL_PATH "/usr/sbin/sendmail"
#endif
#ifndef DEF_NEWALIASES_PATH
#define DEF_NEWALIASES_PATH "/usr/bin/newaliases"
#endif
#ifndef DEF_MAILQ_PATH
#define DEF_MAILQ_PATH "/usr/bin/mailq"
#endif
#ifndef DEF_MANPAGE_DIRECTORY
#define DEF_MANPAGE_DIRECTORY "/usr/local/man"
#endif
#ifndef DEF_SAMPLE_DIRECTORY
#define DEF_SAMPLE_DIRECTORY "/etc/postfix"
#endif
#ifndef DEF_README_DIRECTORY
#define DEF_README_DIRECTORY "no"
#endif
#ifndef DEF_HTML_DIRECTORY
#define DEF_HTML_DIRECTORY "no"
#endif
/* Postfix says "no" when it is not built with shared libraries. */
#ifndef DEF_SHLIB_DIRECTORY
#define DEF_SHLIB_DIRECTORY "no"
#endif

/* Postfix's fallback domain when the host name has none. */
#define PG_DEF_DOMAIN "localdomain"

char *var_2bounce_notice_recipient;
char *var_address_verify_service_name;
char *var_alias_database;
char *var_alias_maps;
char *var_alternate_config_directories;
int var_application_event_drain_time;
char *var_authorized_flush_users;
char *var_authorized_mailq_users;
char *var_authorized_submit_users;
int var_berkeley_db_create_buffer_size;
int var_berkeley_db_read_buffer_size;
int var_biff;
char *var_bounce_notice_recipient;
char *var_bounce_service_name;
char *var_cleanup_service_name;
char *var_command_directory;
int var_command_time_limit;
char *var_compatibility_level;
char *var_config_directory;
char *var_connection_cache_service_name;
char *var_daemon_directory;
int var_daemon_table_open_error_is_fatal;
int var_daemon_timeout;
char *var_data_directory;
int var_debug_peer_level;
char *var_debug_peer_list;
char *var_default_database_type;
int var_default_delivery_slot_cost;
int var_default_delivery_slot_discount;
int var_default_delivery_slot_loan;
int var_default_destination_concurrency_failed_cohort_limit;
int var_default_destination_concurrency_limit;
char *var_default_destination_concurrency_negative_feedback;
char *var_default_destination_concurrency_positive_feedback;
int var_default_destination_rate_delay;
int var_default_destination_recipient_limit;
int var_default_extra_recipient_limit;
int var_default_minimum_delivery_slots;
char *var_default_privs;
int var_default_process_limit;
int var_default_recipient_limit;
int var_default_recipient_refill_delay;
int var_default_recipient_refill_limit;
int var_default_transport_rate_delay;
char *var_default_verp_delimiters;
char *var_defer_service_name;
char *var_delay_notice_recipient;
int var_delay_warning_time;
int var_dont_remove;
char *var_double_bounce_sender;
char *var_empty_address_recipient;
int var_enable_long_queue_ids;
int var_enable_original_recipient;
char *var_error_notice_recipient;
char *var_error_service_name;
char *var_export_environment;
char *var_flush_service_name;
int var_fork_attempts;
int var_fork_delay;
int var_hash_queue_depth;
char *var_hash_queue_names;
char *var_html_directory;
char *var_import_environment;
int var_in_flow_delay;
char *var_inet_interfaces;
char *var_inet_protocols;
char *var_info_log_address_format;
int var_initial_destination_concurrency;
char *var_internal_mail_filter_classes;
int var_ipc_idle;
char *var_known_tcp_ports;
int var_ipc_timeout;
int var_ipc_ttl;
int var_line_length_limit;
int var_local_destination_concurrency_limit;
int var_local_destination_recipient_limit;
char *var_mail_name;
char *var_mail_owner;
char *var_mail_version;
char *var_maillog_file;
char *var_maillog_file_compressor;
char *var_maillog_file_prefixes;
char *var_maillog_file_rotate_suffix;
char *var_mailq_path;
char *var_manpage_directory;
char *var_master_service_disable;
int var_max_idle;
int var_max_use;
long var_message_size_limit;
char *var_meta_directory;
char *var_multi_instance_directories;
int var_multi_instance_enable;
char *var_multi_instance_group;
char *var_multi_instance_name;
char *var_multi_instance_wrapper;
char *var_mydestination;
char *var_mydomain;
char *var_myhostname;
char *var_mynetworks;
char *var_mynetworks_style;
char *var_myorigin;
char *var_newaliases_path;
char *var_notify_classes;
char *var_openssl_path;
char *var_parent_domain_matches_subdomains;
char *var_pickup_service_name;
char *var_postlog_service_name;
int var_postlogd_watchdog_timeout;
char *var_process_id;
char *var_process_id_directory;
char *var_process_name;
char *var_proxy_interfaces;
char *var_proxymap_service_name;
char *var_proxywrite_service_name;
char *var_queue_directory;
int var_queue_file_attribute_count_limit;
long var_queue_minfree;
char *var_queue_service_name;
char *var_readme_directory;
char *var_recipient_delimiter;
int var_respectful_logging;
char *var_rewrite_service_name;
char *var_sample_directory;
char *var_sendmail_fix_line_endings;
char *var_sendmail_path;
int var_service_throttle_time;
char *var_service_name;
char *var_setgid_group;
char *var_shlib_directory;
char *var_showq_service_name;
char *var_smtputf8_autodetect_classes;
int var_smtputf8_enable;
char *var_stress;
char *var_syslog_facility;
char *var_syslog_name;
char *var_tlsmgr_service_name;
char *var_trace_service_name;
int var_trigger_timeout;
char *var_verp_delimiter_filter;

/* pg_hostname - the kernel's host name, read once */

static const char *
pg_hostname(void)
{
	static char *name;
	char buf[256];

	if (name == NULL) {
		if (gethostname(buf, sizeof(buf)) < 0)
			log_fatal("gethostname: %m");
		buf[sizeof(buf) - 1] = 0;
		name = xstrdup(buf);
	}
	return name;
}

/*
 * params_global_myhostname - the host name, qualified with $mydomain
 *
 * As Postfix: a host name without a dot gets ".$mydomain" appended,
 * with mydomain as main.cf sets it (not its default, which is derived
 * from myhostname), or "localdomain".
 */

const char *
params_global_myhostname(void)
{
	static STRBUF *result;
	static int busy;
	const char *host = pg_hostname();
	const char *raw;
	STRBUF *domain;

	/* $myhostname inside main.cf's mydomain is undefined here. */
	if (busy)
		return NULL;
	if (result == NULL)
		result = strbuf_create(100);
	if (strchr(host, '.') != NULL) {
		strbuf_set(result, host);
		return strbuf_str(result);
	}
	busy = 1;
	domain = strbuf_create(100);
	if ((raw = mainconf_lookup_raw("mydomain")) != NULL)
		mainconf_eval(domain, raw);
	else
		strbuf_set(domain, PG_DEF_DOMAIN);
	strbuf_printf(result, "%s.%s", host, strbuf_str(domain));
	strbuf_free(&domain);
	busy = 0;
	return strbuf_str(result);
}

/* params_global_mydomain - $myhostname without its first label */

const char *
params_global_mydomain(void)
{
	static STRBUF *result;
	static int busy;
	const char *host;
	const char *dot;

	if (busy)
		return NULL;
	if (result == NULL)
		result = strbuf_create(100);
	busy = 1;
	host = mainconf_lookup("myhostname");
	if (host != NULL && (dot = strchr(host, '.')) != NULL)
		strbuf_set(result, dot + 1);
	else
		strbuf_set(result, PG_DEF_DOMAIN);
	busy = 0;
	return strbuf_str(result);
}

/* pg_mynetworks - networks of this host per mynetworks_style */

static const char *
pg_mynetworks(void)
{
	static char *result;
	static int busy;
	char *style;
	char *interfaces;
	char *protocols;
	const char *value;
	STRBUF *why;
	char error[LOG_TEXT_MAX];

	if (busy)
		return NULL;
	busy = 1;
	/* Copies: each mainconf_lookup() reuses its result buffer. */
	style =
	    xstrdup((value = mainconf_lookup("mynetworks_style")) ? value : "");
	interfaces =
	    xstrdup((value = mainconf_lookup("inet_interfaces")) ? value : "");
	protocols =
	    xstrdup((value = mainconf_lookup("inet_protocols")) ? value : "");
	why = strbuf_create(100);
	xfree(result);
	result = mynetworks_compute(style, interfaces, protocols, why);
	xfree(style);
	xfree(interfaces);
	xfree(protocols);
	if (result == NULL) {
		/* Postfix gives up here too; free first, for leak checkers. */
		snprintf(error, sizeof(error), "%s", strbuf_str(why));
		strbuf_free(&why);
		log_fatal("%s", error);
	}
	strbuf_free(&why);
	busy = 0;
	return result;
}

/* pg_process_id - our process ID */

static const char *
pg_process_id(void)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%ld", (long) getpid());
	return buf;
}

/* pg_process_name - our program name */

static const char *
pg_process_name(void)
{
	return log_progname();
}

const PARAM_DEF params_global[] = {
    PARAM_STR("2bounce_notice_recipient", "postmaster",
	      &var_2bounce_notice_recipient, 0, 0),
    PARAM_STR("address_verify_service_name", "verify",
	      &var_address_verify_service_name, 1, 0),
    PARAM_STR("alias_database", "hash:/etc/aliases", &var_alias_database, 0, 0),
    PARAM_STR("alias_maps", "hash:/etc/aliases, nis:mail.aliases",
	      &var_alias_maps, 0, 0),
    PARAM_STR("alternate_config_directories", "",
	      &var_alternate_config_directories, 0, 0),
    PARAM_TIME("application_event_drain_time", "100s",
	       &var_application_event_drain_time, 1, 0),
    PARAM_STR("authorized_flush_users", "static:anyone",
	      &var_authorized_flush_users, 0, 0),
    PARAM_STR("authorized_mailq_users", "static:anyone",
	      &var_authorized_mailq_users, 0, 0),
    PARAM_STR("authorized_submit_users", "static:anyone",
	      &var_authorized_submit_users, 0, 0),
    PARAM_INT("berkeley_db_create_buffer_size", 16777216,
	      &var_berkeley_db_create_buffer_size, 1, 0),
    PARAM_INT("berkeley_db_read_buffer_size", 131072,
	      &var_berkeley_db_read_buffer_size, 1, 0),
    PARAM_BOOL("biff", 1, &var_biff),
    PARAM_STR("bounce_notice_recipient", "postmaster",
	      &var_bounce_notice_recipient, 0, 0),
    PARAM_STR("bounce_service_name", "bounce", &var_bounce_service_name, 1, 0),
    PARAM_STR("cleanup_service_name", "cleanup", &var_cleanup_service_name, 1,
	      0),
    PARAM_STR("command_directory", DEF_COMMAND_DIRECTORY,
	      &var_command_directory, 1, 0),
    PARAM_TIME("command_time_limit", "1000s", &var_command_time_limit, 1, 0),
    PARAM_STR("compatibility_level", "0", &var_compatibility_level, 1, 0),
    PARAM_STR("config_directory", DEF_CONFIG_DIRECTORY, &var_config_directory,
	      1, 0),
    PARAM_STR("connection_cache_service_name", "scache",
	      &var_connection_cache_service_name, 1, 0),
    PARAM_STR("daemon_directory", DEF_DAEMON_DIRECTORY, &var_daemon_directory,
	      1, 0),
    PARAM_BOOL("daemon_table_open_error_is_fatal", 0,
	       &var_daemon_table_open_error_is_fatal),
    PARAM_TIME("daemon_timeout", "18000s", &var_daemon_timeout, 1, 0),
    PARAM_STR("data_directory", DEF_DATA_DIRECTORY, &var_data_directory, 1, 0),
    PARAM_INT("debug_peer_level", 2, &var_debug_peer_level, 1, 0),
    PARAM_STR("debug_peer_list", "", &var_debug_peer_list, 0, 0),
    PARAM_STR("default_database_type", "hash", &var_default_database_type, 1,
	      0),
    PARAM_INT("default_delivery_slot_cost", 5, &var_default_delivery_slot_cost,
	      0, 0),
    PARAM_INT("default_delivery_slot_discount", 50,
	      &var_default_delivery_slot_discount, 0, 100),
    PARAM_INT("default_delivery_slot_loan", 3, &var_default_delivery_slot_loan,
	      0, 0),
    PARAM_INT("default_destination_concurrency_failed_cohort_limit", 1,
	      &var_default_destination_concurrency_failed_cohort_limit, 0, 0),
    PARAM_INT("default_destination_concurrency_limit", 20,
	      &var_default_destination_concurrency_limit, 0, 0),
    PARAM_STR("default_destination_concurrency_negative_feedback", "1",
	      &var_default_destination_concurrency_negative_feedback, 0, 0),
    PARAM_STR("default_destination_concurrency_positive_feedback", "1",
	      &var_default_destination_concurrency_positive_feedback, 0, 0),
    PARAM_TIME("default_destination_rate_delay", "0s",
	       &var_default_destination_rate_delay, 0, 0),
    PARAM_INT("default_destination_recipient_limit", 50,
	      &var_default_destination_recipient_limit, 0, 0),
    PARAM_INT("default_extra_recipient_limit", 1000,
	      &var_default_extra_recipient_limit, 1, 0),
    PARAM_INT("default_minimum_delivery_slots", 3,
	      &var_default_minimum_delivery_slots, 0, 0),
    PARAM_STR("default_privs", "nobody", &var_default_privs, 1, 0),
    PARAM_INT("default_process_limit", 100, &var_default_process_limit, 1, 0),
    PARAM_INT("default_recipient_limit", 20000, &var_default_recipient_limit, 1,
	      0),
    PARAM_TIME("default_recipient_refill_delay", "5s",
	       &var_default_recipient_refill_delay, 1, 0),
    PARAM_INT("default_recipient_refill_limit", 100,
	      &var_default_recipient_refill_limit, 1, 0),
    PARAM_TIME("default_transport_rate_delay", "0s",
	       &var_default_transport_rate_delay, 0, 0),
    PARAM_STR("default_verp_delimiters", "+=", &var_default_verp_delimiters, 0,
	      0),
    PARAM_STR("defer_service_name", "defer", &var_defer_service_name, 1, 0),
    PARAM_STR("delay_notice_recipient", "postmaster",
	      &var_delay_notice_recipient, 0, 0),
    PARAM_TIME("delay_warning_time", "0h", &var_delay_warning_time, 0, 0),
    PARAM_INT("dont_remove", 0, &var_dont_remove, 0, 0),
    PARAM_STR("double_bounce_sender", "double-bounce",
	      &var_double_bounce_sender, 1, 0),
    PARAM_STR("empty_address_recipient", "MAILER-DAEMON",
	      &var_empty_address_recipient, 1, 0),
    PARAM_BOOL("enable_long_queue_ids", 0, &var_enable_long_queue_ids),
    PARAM_BOOL("enable_original_recipient", 1, &var_enable_original_recipient),
    PARAM_STR("error_notice_recipient", "postmaster",
	      &var_error_notice_recipient, 0, 0),
    PARAM_STR("error_service_name", "error", &var_error_service_name, 1, 0),
    PARAM_STR("export_environment", "TZ MAIL_CONFIG LANG",
	      &var_export_environment, 0, 0),
    PARAM_STR("flush_service_name", "flush", &var_flush_service_name, 1, 0),
    PARAM_INT("fork_attempts", 5, &var_fork_attempts, 1, 0),
    PARAM_TIME("fork_delay", "1s", &var_fork_delay, 1, 0),
    PARAM_INT("hash_queue_depth", 1, &var_hash_queue_depth, 1, 16),
    PARAM_STR("hash_queue_names", "deferred, defer", &var_hash_queue_names, 1,
	      0),
    PARAM_STR("html_directory", DEF_HTML_DIRECTORY, &var_html_directory, 0, 0),
    PARAM_STR("import_environment",
	      "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY"
	      " LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME",
	      &var_import_environment, 0, 0),
    PARAM_TIME("in_flow_delay", "1s", &var_in_flow_delay, 0, 10),
    PARAM_STR("inet_interfaces", "all", &var_inet_interfaces, 1, 0),
    PARAM_STR("inet_protocols", "all", &var_inet_protocols, 1, 0),
    PARAM_STR("info_log_address_format", "external",
	      &var_info_log_address_format, 0, 0),
    PARAM_INT("initial_destination_concurrency", 5,
	      &var_initial_destination_concurrency, 1, 0),
    PARAM_STR("internal_mail_filter_classes", "",
	      &var_internal_mail_filter_classes, 0, 0),
    PARAM_TIME("ipc_idle", "5s", &var_ipc_idle, 1, 0),
    PARAM_TIME("ipc_timeout", "3600s", &var_ipc_timeout, 1, 0),
    PARAM_TIME("ipc_ttl", "1000s", &var_ipc_ttl, 1, 0),
    PARAM_STR("known_tcp_ports",
	      "lmtp=24, smtp=25, smtps=submissions=465, submission=587",
	      &var_known_tcp_ports, 0, 0),
    PARAM_INT("line_length_limit", 2048, &var_line_length_limit, 512, 0),
    PARAM_INT("local_destination_concurrency_limit", 2,
	      &var_local_destination_concurrency_limit, 0, 0),
    PARAM_INT("local_destination_recipient_limit", 1,
	      &var_local_destination_recipient_limit, 0, 0),
    PARAM_STR("mail_name", "Postfix", &var_mail_name, 1, 0),
    PARAM_STR("mail_owner", "postfix", &var_mail_owner, 1, 0),
    PARAM_STR("mail_version", MAIL_VERSION, &var_mail_version, 0, 0),
    PARAM_STR("maillog_file", "", &var_maillog_file, 0, 0),
    PARAM_STR("maillog_file_compressor", "gzip", &var_maillog_file_compressor,
	      0, 0),
    PARAM_STR("maillog_file_prefixes", "/var, /dev/stdout",
	      &var_maillog_file_prefixes, 0, 0),
    PARAM_STR("maillog_file_rotate_suffix", "%Y%m%d-%H%M%S",
	      &var_maillog_file_rotate_suffix, 0, 0),
    PARAM_STR("mailq_path", DEF_MAILQ_PATH, &var_mailq_path, 0, 0),
    PARAM_STR("manpage_directory", DEF_MANPAGE_DIRECTORY,
	      &var_manpage_directory, 0, 0),
    PARAM_STR("master_service_disable", "", &var_master_service_disable, 0, 0),
    PARAM_TIME("max_idle", "100s", &var_max_idle, 1, 0),
    PARAM_INT("max_use", 100, &var_max_use, 1, 0),
    PARAM_LONG("message_size_limit", 10240000, &var_message_size_limit, 0, 0),
    PARAM_STR("meta_directory", DEF_META_DIRECTORY, &var_meta_directory, 1, 0),
    PARAM_STR("multi_instance_directories", "", &var_multi_instance_directories,
	      0, 0),
    PARAM_BOOL("multi_instance_enable", 0, &var_multi_instance_enable),
    PARAM_STR("multi_instance_group", "", &var_multi_instance_group, 0, 0),
    PARAM_STR("multi_instance_name", "", &var_multi_instance_name, 0, 0),
    PARAM_STR("multi_instance_wrapper", "", &var_multi_instance_wrapper, 0, 0),
    PARAM_STR("mydestination", "$myhostname, localhost.$mydomain, localhost",
	      &var_mydestination, 0, 0),
    PARAM_FN("mydomain", PARAM_T_STR, params_global_mydomain, &var_mydomain, 1,
	     0),
    PARAM_FN("myhostname", PARAM_T_STR, params_global_myhostname,
	     &var_myhostname, 1, 0),
    PARAM_FN("mynetworks", PARAM_T_STR, pg_mynetworks, &var_mynetworks, 0, 0),
    PARAM_STR("mynetworks_style",
	      "${{$compatibility_level} <level {2} ? {subnet} : {host}}",
	      &var_mynetworks_style, 1, 0),
    PARAM_STR("myorigin", "$myhostname", &var_myorigin, 1, 0),
    PARAM_STR("newaliases_path", DEF_NEWALIASES_PATH, &var_newaliases_path, 0,
	      0),
    PARAM_STR("notify_classes", "resource, software", &var_notify_classes, 0,
	      0),
    PARAM_STR("openssl_path", "openssl", &var_openssl_path, 0, 0),
    PARAM_STR("parent_domain_matches_subdomains",
	      "debug_peer_list,fast_flush_domains,mynetworks,"
	      "permit_mx_backup_networks,qmqpd_authorized_clients,"
	      "relay_domains,smtpd_access_maps",
	      &var_parent_domain_matches_subdomains, 0, 0),
    PARAM_STR("pickup_service_name", "pickup", &var_pickup_service_name, 1, 0),
    PARAM_STR("postlog_service_name", "postlog", &var_postlog_service_name, 1,
	      0),
    PARAM_TIME("postlogd_watchdog_timeout", "10s",
	       &var_postlogd_watchdog_timeout, 10, 0),
    PARAM_FN_RO("process_id", PARAM_T_STR, pg_process_id, &var_process_id),
    PARAM_STR("process_id_directory", "pid", &var_process_id_directory, 1, 0),
    PARAM_FN_RO("process_name", PARAM_T_STR, pg_process_name,
		&var_process_name),
    PARAM_STR("proxy_interfaces", "", &var_proxy_interfaces, 0, 0),
    PARAM_STR("proxymap_service_name", "proxymap", &var_proxymap_service_name,
	      1, 0),
    PARAM_STR("proxywrite_service_name", "proxywrite",
	      &var_proxywrite_service_name, 1, 0),
    PARAM_STR("queue_directory", DEF_QUEUE_DIRECTORY, &var_queue_directory, 1,
	      0),
    PARAM_INT("queue_file_attribute_count_limit", 100,
	      &var_queue_file_attribute_count_limit, 1, 0),
    PARAM_LONG("queue_minfree", 0, &var_queue_minfree, 0, 0),
    PARAM_STR("queue_service_name", "qmgr", &var_queue_service_name, 1, 0),
    PARAM_STR("readme_directory", DEF_README_DIRECTORY, &var_readme_directory,
	      0, 0),
    PARAM_STR("recipient_delimiter", "", &var_recipient_delimiter, 0, 0),
    PARAM_NBOOL("respectful_logging",
		"${{$compatibility_level} <level {3.6} ? {no} : {yes}}",
		&var_respectful_logging),
    PARAM_STR("rewrite_service_name", "rewrite", &var_rewrite_service_name, 1,
	      0),
    PARAM_STR("sample_directory", DEF_SAMPLE_DIRECTORY, &var_sample_directory,
	      0, 0),
    PARAM_STR("sendmail_fix_line_endings", "always",
	      &var_sendmail_fix_line_endings, 0, 0),
    PARAM_STR("sendmail_path", DEF_SENDMAIL_PATH, &var_sendmail_path, 0, 0),
    PARAM_STR_RO("service_name", "", &var_service_name),
    PARAM_TIME("service_throttle_time", "60s", &var_service_throttle_time, 1,
	       0),
    PARAM_STR("setgid_group", "postdrop", &var_setgid_group, 1, 0),
    PARAM_STR("shlib_directory", DEF_SHLIB_DIRECTORY, &var_shlib_directory, 0,
	      0),
    PARAM_STR("showq_service_name", "showq", &var_showq_service_name, 1, 0),
    PARAM_STR("smtputf8_autodetect_classes", "sendmail, verify",
	      &var_smtputf8_autodetect_classes, 0, 0),
    PARAM_NBOOL("smtputf8_enable",
		"${{$compatibility_level} <level {1} ? {no} : {yes}}",
		&var_smtputf8_enable),
    PARAM_STR("stress", "", &var_stress, 0, 0),
    PARAM_STR("syslog_facility", "mail", &var_syslog_facility, 1, 0),
    PARAM_STR("syslog_name",
	      "${multi_instance_name?{$multi_instance_name}:{postfix}}",
	      &var_syslog_name, 1, 0),
    PARAM_STR("tlsmgr_service_name", "tlsmgr", &var_tlsmgr_service_name, 1, 0),
    PARAM_STR("trace_service_name", "trace", &var_trace_service_name, 1, 0),
    PARAM_TIME("trigger_timeout", "10s", &var_trigger_timeout, 1, 0),
    PARAM_STR("verp_delimiter_filter", "-=+", &var_verp_delimiter_filter, 0, 0),
    PARAM_END};
