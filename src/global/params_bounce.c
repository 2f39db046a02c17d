/*
 * params_bounce.c - parameters of the bounce(8) server
 *
 * Only what bounce honours today; defaults are Postfix 3.7's, as
 * postconf -d prints them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_bounce.h"

int	var_bounce_size_limit;

const PARAM_DEF params_bounce[] = {
    PARAM_INT("bounce_size_limit", 50000, &var_bounce_size_limit, 1, 0),
    PARAM_END
};
