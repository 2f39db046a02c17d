/*
 * params_rewrite.c - address rewriting and resolving parameters
 *
 * The parameters of trivial-rewrite(8): canonical form (myorigin and
 * mydomain appending, bang paths, the percent hack) and the address
 * classes with their transports. Defaults are Postfix 3.7's, as
 * postconf -d prints them. virtual_alias_maps and virtual_mailbox_maps
 * live here because the domain lists default to them.
 */

#include "sysdeps.h"

#include "param.h"
#include "params_rewrite.h"

int	var_allow_percent_hack;
int	var_append_at_myorigin;
int	var_append_dot_mydomain;
char   *var_default_transport;
char   *var_local_transport;
char   *var_relay_domains;
char   *var_relay_transport;
char   *var_relayhost;
char   *var_relocated_maps;
char   *var_remote_header_rewrite_domain;
int	var_resolve_dequoted_address;
int	var_resolve_null_domain;
int	var_resolve_numeric_domain;
int	var_swap_bangpath;
char   *var_transport_maps;
char   *var_virtual_alias_domains;
char   *var_virtual_alias_maps;
char   *var_virtual_mailbox_domains;
char   *var_virtual_mailbox_maps;
char   *var_virtual_transport;

/*
 * params_rewrite_virtual_alias_maps - default "$virtual_maps"
 *
 * virtual_maps is Postfix's pre-2.0 name, which postconf -d does not
 * list and we do not declare; a dynamic default keeps the reference
 * (expanded at load time, empty unless main.cf sets it) out of the
 * closed-defaults check.
 */

static const char *
params_rewrite_virtual_alias_maps(void)
{
	return "$virtual_maps";
}

const PARAM_DEF params_rewrite[] = {
    PARAM_BOOL("allow_percent_hack", 1, &var_allow_percent_hack),
    PARAM_BOOL("append_at_myorigin", 1, &var_append_at_myorigin),
    PARAM_NBOOL("append_dot_mydomain",
		"${{$compatibility_level} <level {1} ? {yes} : {no}}",
		&var_append_dot_mydomain),
    PARAM_STR("default_transport", "smtp", &var_default_transport, 1, 0),
    PARAM_STR("local_transport", "local:$myhostname", &var_local_transport,
	      1, 0),
    PARAM_STR("relay_domains",
	      "${{$compatibility_level} <level {2} ? {$mydestination} : {}}",
	      &var_relay_domains, 0, 0),
    PARAM_STR("relay_transport", "relay", &var_relay_transport, 1, 0),
    PARAM_STR("relayhost", "", &var_relayhost, 0, 0),
    PARAM_STR("relocated_maps", "", &var_relocated_maps, 0, 0),
    PARAM_STR("remote_header_rewrite_domain", "",
	      &var_remote_header_rewrite_domain, 0, 0),
    PARAM_BOOL("resolve_dequoted_address", 1,
	       &var_resolve_dequoted_address),
    PARAM_BOOL("resolve_null_domain", 0, &var_resolve_null_domain),
    PARAM_BOOL("resolve_numeric_domain", 0, &var_resolve_numeric_domain),
    PARAM_BOOL("swap_bangpath", 1, &var_swap_bangpath),
    PARAM_STR("transport_maps", "", &var_transport_maps, 0, 0),
    PARAM_STR("virtual_alias_domains", "$virtual_alias_maps",
	      &var_virtual_alias_domains, 0, 0),
    PARAM_FN("virtual_alias_maps", PARAM_T_STR,
	     params_rewrite_virtual_alias_maps, &var_virtual_alias_maps, 0, 0),
    PARAM_STR("virtual_mailbox_domains", "$virtual_mailbox_maps",
	      &var_virtual_mailbox_domains, 0, 0),
    PARAM_STR("virtual_mailbox_maps", "", &var_virtual_mailbox_maps, 0, 0),
    PARAM_STR("virtual_transport", "virtual", &var_virtual_transport, 1, 0),
    PARAM_END
};
