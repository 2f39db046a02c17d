/*
 * params_cleanup.h - variables of the cleanup(8) parameters
 *
 * Declared in params_cleanup.c (group PARAM_GROUP_CLEANUP), valid after
 * the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_CLEANUP_H
#define PARAMS_CLEANUP_H

extern int var_duplicate_filter_limit;
extern char *var_header_from_format;
extern int var_header_size_limit;
extern int var_hopcount_limit;

#endif
