/*
 * params_smtp.c - parameters of smtp(8) and lmtp: the SMTP/LMTP client (timeouts, EHLO, pipelining, connection reuse, transports)
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtp.h"

const PARAM_DEF params_smtp[] = {
    PARAM_END
};
