/*
 * tls_level.c - TLS security level names
 *
 * The names of smtp_tls_security_level, smtpd_tls_security_level and
 * the smtp_tls_policy_maps level field. "dane-only" is DANE without
 * the fall-back to "may"; both map to TLS_LEV_DANE here, and the
 * client applies its DANE rules (tls.h).
 */

#include "sysdeps.h"

#include "name_code.h"
#include "tls.h"

static const NAME_CODE tls_level_table[] = {
	{"none", TLS_LEV_NONE},
	{"may", TLS_LEV_MAY},
	{"encrypt", TLS_LEV_ENCRYPT},
	{"dane", TLS_LEV_DANE},
	{"dane-only", TLS_LEV_DANE},
	{"fingerprint", TLS_LEV_FPRINT},
	{"verify", TLS_LEV_VERIFY},
	{"secure", TLS_LEV_SECURE},
	{0, TLS_LEV_INVALID},
};

/* tls_level_lookup - level name to TLS_LEV_* */

int
tls_level_lookup(const char *name)
{
	return name_code_lookup(tls_level_table, NAME_CODE_FLAG_NONE, name);
}

/* tls_level_name - TLS_LEV_* to its name ("invalid" if none) */

const char *
tls_level_name(int level)
{
	const char *name = str_name_code(tls_level_table, level);

	return name ? name : "invalid";
}
