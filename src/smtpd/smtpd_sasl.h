/*
 * smtpd_sasl.h - SMTP AUTH (RFC 4954) in smtpd(8)
 *
 * The protocol engine calls these; smtpd_sasl.c talks to the SASL
 * back-end through xsasl.h. Without USE_SASL_AUTH every function is a
 * harmless no-op (AUTH is never offered) and smtpd_sasl_init() warns
 * when smtpd_sasl_auth_enable asks for it.
 */

#ifndef SMTPD_SASL_H
#define SMTPD_SASL_H

#include "smtpd.h"

/* Once per process, as root before the jail (pre_jail hook). */
extern void smtpd_sasl_init(void);

/* Session start: the AUTH context when AUTH may be offered. */
extern void smtpd_sasl_connect(SMTPD_STATE *state);

/*
 * After a STARTTLS handshake (RFC 3207: forget what the client said):
 * forgets any authentication and recreates the AUTH context with the
 * smtpd_sasl_tls_security_options. Safe to call at any time.
 */
extern void smtpd_sasl_session_reset(SMTPD_STATE *state);

/*
 * EHLO: the mechanisms to announce after "AUTH " (borrowed, valid until
 * the next smtpd_sasl_* call), NULL when AUTH is not offered to this
 * client.
 */
extern const char *smtpd_sasl_ehlo_mechanisms(SMTPD_STATE *state);

/* The AUTH command: SMTPD_CMD_* (smtpd_int.h). */
extern int smtpd_sasl_auth_cmd(SMTPD_STATE *state, char *args);

/* Session end: release the AUTH context. */
extern void smtpd_sasl_disconnect(SMTPD_STATE *state);

#endif
