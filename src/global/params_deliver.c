/*
 * params_deliver.c - parameters shared by the delivery agents
 *
 * What every delivery agent's status reporting (deliver_status.c) and
 * mailbox locking (mailbox.c) honour; each agent loads this group with
 * its own. Defaults are Postfix 3.7's, as postconf -d prints them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_deliver.h"

int	var_soft_bounce;
int	var_delay_logging_resolution_limit;
int	var_deliver_lock_attempts;
int	var_deliver_lock_delay;
int	var_stale_lock_time;

const PARAM_DEF params_deliver[] = {
    PARAM_BOOL("soft_bounce", 0, &var_soft_bounce),
    PARAM_INT("delay_logging_resolution_limit", 2,
	      &var_delay_logging_resolution_limit, 0, 6),
    PARAM_INT("deliver_lock_attempts", 20, &var_deliver_lock_attempts, 1, 0),
    PARAM_TIME("deliver_lock_delay", "1s", &var_deliver_lock_delay, 1, 0),
    PARAM_TIME("stale_lock_time", "500s", &var_stale_lock_time, 1, 0),
    PARAM_END
};
