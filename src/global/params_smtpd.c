/*
 * params_smtpd.c - parameters of smtpd(8) protocol: banner, EHLO keywords, timeouts, limits
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd.h"

const PARAM_DEF params_smtpd[] = {
    PARAM_END
};
