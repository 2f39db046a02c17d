/*
 * params_bounce.h - variables of the bounce(8) parameters
 *
 * Declared in params_bounce.c (group PARAM_GROUP_BOUNCE), valid after
 * the service skeleton or mainconf_load() has run with that group.
 * notify_classes, the *_notice_recipient parameters and
 * double_bounce_sender are global (params_global.c).
 */

#ifndef PARAMS_BOUNCE_H
#define PARAMS_BOUNCE_H

extern int var_bounce_size_limit;

#endif
