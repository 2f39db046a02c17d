/*
 * params_smtp_addr.c - parameters of smtp(8) destination lookup (MX and address lists, host lookup methods, address limits)
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtp_addr.h"

const PARAM_DEF params_smtp_addr[] = {
    PARAM_END
};
