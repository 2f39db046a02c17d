/*
 * sasl_types.h - SASL plug-in types this build supports
 *
 * postconf -a lists the server types (smtpd_sasl_type), -A the client
 * types (smtp_sasl_type, lmtp_sasl_type).
 */

#ifndef SASL_TYPES_H
#define SASL_TYPES_H

#include "sysdeps.h"

struct ARGV;

#define SASL_TYPES_SERVER 1
#define SASL_TYPES_CLIENT 2

/* The type names for one side, sorted; the caller frees the result. */
extern struct ARGV *sasl_type_names(int side);

#endif
