/*
 * params_qmgr.c - parameters of the queue manager
 *
 * What qmgr(8) honours besides the scheduler defaults that live in
 * params_global.c (default_destination_*, initial_destination_concurrency,
 * delay_warning_time), which per-transport settings fall back to.
 * Defaults are Postfix 3.7's, as postconf -d prints them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_qmgr.h"

int	var_qmgr_message_active_limit;
int	var_qmgr_message_recipient_limit;
int	var_queue_run_delay;
int	var_minimal_backoff_time;
int	var_maximal_backoff_time;
int	var_maximal_queue_lifetime;
int	var_bounce_queue_lifetime;
char   *var_defer_transports;
int	var_qmgr_ipc_timeout;
int	var_qmgr_daemon_timeout;
int	var_transport_retry_time;

const PARAM_DEF params_qmgr[] = {
    PARAM_INT("qmgr_message_active_limit", 20000,
	      &var_qmgr_message_active_limit, 1, 0),
    PARAM_INT("qmgr_message_recipient_limit", 20000,
	      &var_qmgr_message_recipient_limit, 1, 0),
    PARAM_TIME("queue_run_delay", "300s", &var_queue_run_delay, 1, 0),
    PARAM_TIME("minimal_backoff_time", "300s", &var_minimal_backoff_time, 1, 0),
    PARAM_TIME("maximal_backoff_time", "4000s", &var_maximal_backoff_time, 1, 0),
    PARAM_TIME("maximal_queue_lifetime", "5d", &var_maximal_queue_lifetime,
	       0, 0),
    PARAM_TIME("bounce_queue_lifetime", "5d", &var_bounce_queue_lifetime, 0, 0),
    PARAM_STR("defer_transports", "", &var_defer_transports, 0, 0),
    PARAM_TIME("qmgr_ipc_timeout", "60s", &var_qmgr_ipc_timeout, 1, 0),
    PARAM_TIME("qmgr_daemon_timeout", "1000s", &var_qmgr_daemon_timeout, 1, 0),
    PARAM_TIME("transport_retry_time", "60s", &var_transport_retry_time, 1, 0),
    PARAM_END
};
