/*
 * params_anvil.h - variables of the anvil parameters
 *
 * Declared in params_anvil.c (group PARAM_GROUP_ANVIL), valid after the
 * service skeleton or mainconf_load() has run with that group.
 */

#ifndef PARAMS_ANVIL_H
#define PARAMS_ANVIL_H

#endif
