/*
 * params_smtp.h - variables of the smtp parameters
 *
 * Declared in params_smtp.c (group PARAM_GROUP_SMTP), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTP_H
#define PARAMS_SMTP_H

#endif
