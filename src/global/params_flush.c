/*
 * params_flush.c - parameters of the flush(8) fast flush service
 *
 * Which destinations get a per-site log of deferred mail, and how often
 * those logs are refreshed and purged. flush_service_name is global
 * (params_global.c): clients need it too. Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_flush.h"

char   *var_fast_flush_domains;
int	var_fast_flush_refresh_time;
int	var_fast_flush_purge_time;

const PARAM_DEF params_flush[] = {
    PARAM_STR("fast_flush_domains", "$relay_domains", &var_fast_flush_domains,
	      0, 0),
    PARAM_TIME("fast_flush_refresh_time", "12h", &var_fast_flush_refresh_time,
	       1, 0),
    PARAM_TIME("fast_flush_purge_time", "7d", &var_fast_flush_purge_time, 1, 0),
    PARAM_END
};
