/*
 * params_anvil.c - parameters of anvil(8) and smtpd's use of it (client rate and concurrency limits), and the policy delegation client
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_anvil.h"

const PARAM_DEF params_anvil[] = {
    PARAM_END
};
