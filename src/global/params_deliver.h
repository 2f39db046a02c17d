/*
 * params_deliver.h - variables of the parameters shared by delivery agents
 *
 * Declared in params_deliver.c (group PARAM_GROUP_DELIVER), valid after
 * the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_DELIVER_H
#define PARAMS_DELIVER_H

extern int var_soft_bounce;
extern int var_delay_logging_resolution_limit;
extern int var_deliver_lock_attempts;
extern int var_deliver_lock_delay;
extern int var_stale_lock_time;

#endif
