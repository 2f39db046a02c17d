/*
 * smtpd_policy.h - the Postfix policy delegation protocol client
 *
 * check_policy_service endpoints ("unix:private/policy",
 * "inet:127.0.0.1:9998", a bare "private/name"; a
 * "{ inet:host:port, timeout=10s, default_action=DUNNO,
 * max_idle=.., max_ttl=.., try_limit=.., policy_context=.. }" form
 * as in Postfix 3.0+) are sent the documented attributes
 * (SMTPD_POLICY_README: request=smtpd_access_policy, protocol_state,
 * protocol_name, helo_name, queue_id, sender, recipient,
 * recipient_count, client_address, client_name,
 * reverse_client_name, instance, sasl_*, size, etrn_domain, stress,
 * client_port, policy_context, server_address, server_port,
 * compatibility_level, mail_version, ...) as name=value lines ended
 * by an empty line, and read back "action=..." lines ended by an empty
 * line. Connections are kept open between requests and sessions and
 * closed after smtpd_policy_service_max_idle / _max_ttl; a request is
 * retried up to smtpd_policy_service_try_limit times with
 * smtpd_policy_service_retry_delay between attempts, each bounded by
 * smtpd_policy_service_timeout (and policy_time_limit is the server
 * side's, in master.cf's spawn). The "instance" attribute is the same
 * for every request of one mail transaction (SMTPD_STATE xact_id); the
 * etrn_domain attribute is SMTPD_STATE etrn_domain in the ETRN state.
 */

#ifndef SMTPD_POLICY_H
#define SMTPD_POLICY_H

#include "smtpd.h"

struct STRBUF;

/*
 * Queries the server named by spec (the argument of
 * check_policy_service, as written in the restriction list). Returns
 * the action text (what followed "action=") in action: the restriction
 * engine evaluates it like an access(5) table result. When the server
 * cannot be reached or answers nonsense after all tries, logs a warning
 * and puts smtpd_policy_service_default_action (or the endpoint's own
 * default_action) into action ("451 4.3.5 Server configuration
 * problem" by default). Returns 0 for a real answer, -1 for the default.
 */
extern int smtpd_policy_query(SMTPD_STATE *state, const char *spec,
			      struct STRBUF *action);

/*
 * Between sessions (smtpd's event loop): closes the connections that
 * have been idle for max_idle or open for max_ttl, and returns how many
 * milliseconds may pass before the next one expires (-1: none open).
 */
extern int smtpd_policy_idle(void);

/* Releases the connections (before exit). */
extern void smtpd_policy_close(void);

#endif
