/*
 * params_smtpd_check.h - variables of the smtpd_check parameters
 *
 * Declared in params_smtpd_check.c (group PARAM_GROUP_SMTPD_CHECK), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_SMTPD_CHECK_H
#define PARAMS_SMTPD_CHECK_H

#endif
