/*
 * params_smtpd.h - variables of the smtpd parameters
 *
 * Declared in params_smtpd.c (group PARAM_GROUP_SMTPD), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_H
#define PARAMS_SMTPD_H

#endif
