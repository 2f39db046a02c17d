/*
 * params_global.h - variables of the general parameters
 *
 * The parameters every program shares: identity and networks, install
 * paths, ownership, logging, process management, queue layout and the
 * scheduler defaults that per-transport parameters fall back to. They
 * are declared in params_global.c (group PARAM_GROUP_GLOBAL) and valid
 * after mainconf_load() or the service skeleton has run.
 */

#ifndef PARAMS_GLOBAL_H
#define PARAMS_GLOBAL_H

extern char *var_2bounce_notice_recipient;
extern char *var_address_verify_service_name;
extern char *var_alias_database;
extern char *var_alias_maps;
extern char *var_alternate_config_directories;
extern int var_application_event_drain_time;
extern char *var_authorized_flush_users;
extern char *var_authorized_mailq_users;
extern char *var_authorized_submit_users;
extern int var_berkeley_db_create_buffer_size;
extern int var_berkeley_db_read_buffer_size;
extern int var_biff;
extern char *var_bounce_notice_recipient;
extern char *var_bounce_service_name;
extern char *var_cleanup_service_name;
extern char *var_command_directory;
extern int var_command_time_limit;
extern char *var_compatibility_level;
extern char *var_config_directory;
extern char *var_connection_cache_service_name;
extern char *var_daemon_directory;
extern int var_daemon_table_open_error_is_fatal;
extern int var_daemon_timeout;
extern char *var_data_directory;
extern int var_debug_peer_level;
extern char *var_debug_peer_list;
extern char *var_default_database_type;
extern int var_default_delivery_slot_cost;
extern int var_default_delivery_slot_discount;
extern int var_default_delivery_slot_loan;
extern int var_default_destination_concurrency_failed_cohort_limit;
extern int var_default_destination_concurrency_limit;
extern char *var_default_destination_concurrency_negative_feedback;
extern char *var_default_destination_concurrency_positive_feedback;
extern int var_default_destination_rate_delay;
extern int var_default_destination_recipient_limit;
extern int var_default_extra_recipient_limit;
extern int var_default_minimum_delivery_slots;
extern char *var_default_privs;
extern int var_default_process_limit;
extern int var_default_recipient_limit;
extern int var_default_recipient_refill_delay;
extern int var_default_recipient_refill_limit;
extern int var_default_transport_rate_delay;
extern char *var_default_verp_delimiters;
extern char *var_defer_service_name;
extern char *var_delay_notice_recipient;
extern int var_delay_warning_time;
extern int var_dont_remove;
extern char *var_double_bounce_sender;
extern char *var_empty_address_recipient;
extern int var_enable_long_queue_ids;
extern int var_enable_original_recipient;
extern char *var_error_notice_recipient;
extern char *var_error_service_name;
extern char *var_export_environment;
extern char *var_flush_service_name;
extern int var_fork_attempts;
extern int var_fork_delay;
extern int var_hash_queue_depth;
extern char *var_hash_queue_names;
extern char *var_html_directory;
extern char *var_import_environment;
extern int var_in_flow_delay;
extern char *var_inet_interfaces;
extern char *var_inet_protocols;
extern char *var_info_log_address_format;
extern int var_initial_destination_concurrency;
extern char *var_internal_mail_filter_classes;
extern int var_ipc_idle;
extern char *var_known_tcp_ports;
extern int var_ipc_timeout;
extern int var_ipc_ttl;
extern int var_line_length_limit;
extern int var_local_destination_concurrency_limit;
extern int var_local_destination_recipient_limit;
extern char *var_mail_name;
extern char *var_mail_owner;
extern char *var_mail_version;
extern char *var_maillog_file;
extern char *var_maillog_file_compressor;
extern char *var_maillog_file_prefixes;
extern char *var_maillog_file_rotate_suffix;
extern char *var_mailq_path;
extern char *var_manpage_directory;
extern char *var_master_service_disable;
extern int var_max_idle;
extern int var_max_use;
extern long var_message_size_limit;
extern char *var_meta_directory;
extern char *var_multi_instance_directories;
extern int var_multi_instance_enable;
extern char *var_multi_instance_group;
extern char *var_multi_instance_name;
extern char *var_multi_instance_wrapper;
extern char *var_mydestination;
extern char *var_mydomain;
extern char *var_myhostname;
extern char *var_mynetworks;
extern char *var_mynetworks_style;
extern char *var_myorigin;
extern char *var_newaliases_path;
extern char *var_notify_classes;
extern char *var_openssl_path;
extern char *var_parent_domain_matches_subdomains;
extern char *var_pickup_service_name;
extern char *var_postlog_service_name;
extern int var_postlogd_watchdog_timeout;
extern char *var_process_id;
extern char *var_process_id_directory;
extern char *var_process_name;
extern char *var_proxy_interfaces;
extern char *var_proxymap_service_name;
extern char *var_proxywrite_service_name;
extern char *var_queue_directory;
extern int var_queue_file_attribute_count_limit;
extern long var_queue_minfree;
extern char *var_queue_service_name;
extern char *var_readme_directory;
extern char *var_recipient_delimiter;
extern int var_respectful_logging;
extern char *var_rewrite_service_name;
extern char *var_sample_directory;
extern char *var_sendmail_fix_line_endings;
extern char *var_sendmail_path;
extern int var_service_throttle_time;
extern char *var_service_name;
extern char *var_setgid_group;
extern char *var_shlib_directory;
extern char *var_showq_service_name;
extern char *var_smtputf8_autodetect_classes;
extern int var_smtputf8_enable;
extern char *var_stress;
extern char *var_syslog_facility;
extern char *var_syslog_name;
extern char *var_tlsmgr_service_name;
extern char *var_trace_service_name;
extern int var_trigger_timeout;
extern char *var_verp_delimiter_filter;

/* The dynamic defaults, for code that needs them without main.cf. */
extern const char *params_global_myhostname(void);
extern const char *params_global_mydomain(void);

#endif
