/*
 * params_flush.h - variables of the flush(8) parameters
 *
 * Declared in params_flush.c (group PARAM_GROUP_FLUSH), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_FLUSH_H
#define PARAMS_FLUSH_H

extern char *var_fast_flush_domains;
extern int var_fast_flush_refresh_time;
extern int var_fast_flush_purge_time;

#endif
