/*
 * xsasl_int.h - internals shared by the SASL back-ends
 */

#ifndef XSASL_INT_H
#define XSASL_INT_H

#include "sysdeps.h"

struct STRBUF;

/*
 * Security options (smtpd_sasl_security_options and friends) as bits:
 * each excludes mechanisms with that weakness, or requires a property.
 */
#define XSASL_SEC_NOPLAINTEXT	(1 << 0)
#define XSASL_SEC_NOACTIVE	(1 << 1)
#define XSASL_SEC_NODICTIONARY	(1 << 2)
#define XSASL_SEC_NOANONYMOUS	(1 << 3)
#define XSASL_SEC_FORWARD_SECRECY (1 << 4)
#define XSASL_SEC_MUTUAL_AUTH	(1 << 5)

/*
 * "noanonymous, noplaintext" to bits. Returns 0 with *flags set, or -1
 * with the unknown word in why.
 */
extern int xsasl_security_parse(const char *options, int *flags,
				struct STRBUF *why);

#endif
