/*
 * xsasl_security.c - parse SASL security options
 *
 * The words of smtpd_sasl_security_options, smtp_sasl_security_options
 * and their _tls_ variants, separated by commas and/or white space.
 */

#include "sysdeps.h"

#include "name_code.h"
#include "xsasl_int.h"

static const NAME_MASK xsasl_security_table[] = {
	{"noplaintext", XSASL_SEC_NOPLAINTEXT},
	{"noactive", XSASL_SEC_NOACTIVE},
	{"nodictionary", XSASL_SEC_NODICTIONARY},
	{"noanonymous", XSASL_SEC_NOANONYMOUS},
	{"forward_secrecy", XSASL_SEC_FORWARD_SECRECY},
	{"mutual_auth", XSASL_SEC_MUTUAL_AUTH},
	{0, 0},
};

/* xsasl_security_parse - option words to XSASL_SEC_* bits */

int
xsasl_security_parse(const char *options, int *flags, struct STRBUF *why)
{
	*flags = 0;
	return name_mask_parse(xsasl_security_table, options,
			       NAME_MASK_FLAG_ANY_CASE, flags, why);
}
