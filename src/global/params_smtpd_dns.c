/*
 * params_smtpd_dns.c - parameters of smtpd(8)'s DNS-based checks
 * (DNSBL/RHSBL replies and codes, unknown host and domain codes)
 *
 * Defaults are Postfix 3.7's.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_smtpd_dns.h"

const PARAM_DEF params_smtpd_dns[] = {
    PARAM_END
};
