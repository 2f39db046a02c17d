/*
 * smtpd_anvil.h - smtpd(8)'s use of the anvil(8) rate/concurrency service
 *
 * Enforces smtpd_client_connection_count_limit,
 * smtpd_client_connection_rate_limit, smtpd_client_message_rate_limit,
 * smtpd_client_recipient_rate_limit and
 * smtpd_client_new_tls_session_rate_limit per client address, for
 * clients not in smtpd_client_event_limit_exceptions, through
 * anvil_clnt.h. A limit of 0 is no limit; when anvil cannot be reached
 * the session goes on (Postfix's behaviour: a warning, no limit).
 *
 * Each function returns NULL, or the reply to send and has logged
 * Postfix's warning ("warning: Connection rate limit exceeded: 11 from
 * host[addr] for service smtp"). Replies are Postfix's:
 *   connect: "421 4.7.0 host.name Error: too many connections from ADDR"
 *            (the engine sends it and hangs up)
 *   MAIL:    "450 4.7.1 Error: too much mail from ADDR"
 *   RCPT:    "450 4.7.1 Error: too many recipients from ADDR"
 *   STARTTLS:"421 4.7.0 host.name Error: too many new TLS sessions from ADDR"
 */

#ifndef SMTPD_ANVIL_H
#define SMTPD_ANVIL_H

#include "smtpd.h"

/* After main.cf is loaded (pre-jail): parses the exception list. */
extern void smtpd_anvil_init(void);

/* Connection opened (counts connection and rate). */
extern const char *smtpd_anvil_connect(SMTPD_STATE *state);

/* MAIL FROM about to be accepted (message rate). */
extern const char *smtpd_anvil_mail(SMTPD_STATE *state);

/* RCPT TO about to be accepted (recipient rate). */
extern const char *smtpd_anvil_rcpt(SMTPD_STATE *state);

/*
 * Before a TLS handshake (STARTTLS, smtps): 1 when the client has
 * negotiated more than smtpd_client_new_tls_session_rate_limit new
 * sessions in the time unit (a warning is logged), else 0. After a
 * handshake that did not resume a session: count it.
 */
extern int smtpd_anvil_newtls_check(SMTPD_STATE *state);
extern void smtpd_anvil_newtls(SMTPD_STATE *state);

/* AUTH about to be processed (AUTH command rate). */
extern const char *smtpd_anvil_auth(SMTPD_STATE *state);

/* Connection closed (only when smtpd_anvil_connect was called). */
extern void smtpd_anvil_disconnect(SMTPD_STATE *state);

#endif
