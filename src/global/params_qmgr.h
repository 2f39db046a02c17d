/*
 * params_qmgr.h - variables of the queue manager's parameters
 *
 * Declared in params_qmgr.c (group PARAM_GROUP_QMGR), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_QMGR_H
#define PARAMS_QMGR_H

extern int var_qmgr_message_active_limit;
extern int var_qmgr_message_recipient_limit;
extern int var_queue_run_delay;
extern int var_minimal_backoff_time;
extern int var_maximal_backoff_time;
extern int var_maximal_queue_lifetime;
extern int var_bounce_queue_lifetime;
extern char *var_defer_transports;
extern int var_qmgr_ipc_timeout;
extern int var_qmgr_daemon_timeout;
extern int var_transport_retry_time;

#endif
