/*
 * params_smtp_addr.h - variables of the smtp_addr parameters
 *
 * Declared in params_smtp_addr.c (group PARAM_GROUP_SMTP), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTP_ADDR_H
#define PARAMS_SMTP_ADDR_H

#endif
