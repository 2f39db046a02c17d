/*
 * params_virtual.h - variables of the virtual(8) and pipe(8) parameters
 *
 * Declared in params_virtual.c (group PARAM_GROUP_VIRTUAL), valid after
 * the service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_VIRTUAL_H
#define PARAMS_VIRTUAL_H

extern char *var_virtual_mailbox_base;
extern char *var_virtual_uid_maps;
extern char *var_virtual_gid_maps;
extern int var_virtual_minimum_uid;
extern long var_virtual_mailbox_limit;
extern char *var_virtual_mailbox_lock;

#endif
