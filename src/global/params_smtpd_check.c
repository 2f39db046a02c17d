/*
 * params_smtpd_check.c - parameters of smtpd(8) restrictions: restriction lists, access and reject codes, DNS checks, recipient tables
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd_check.h"

const PARAM_DEF params_smtpd_check[] = {
    PARAM_END
};
