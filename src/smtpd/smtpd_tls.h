/*
 * smtpd_tls.h - STARTTLS and smtps (wrapper mode) for smtpd(8)
 *
 * The protocol engine calls these; everything works, and does nothing,
 * when the program is built without TLS (the configuration that asks
 * for TLS then gets one warning at start-up).
 */

#ifndef SMTPD_TLS_H
#define SMTPD_TLS_H

#include "smtpd.h"

struct IOSTREAM;

/*
 * Pre-jail (root): choose the level (smtpd_tls_security_level, else
 * smtpd_enforce_tls / smtpd_use_tls; smtpd_tls_wrappermode forces
 * encrypt) and load the server context. A failure is logged as a
 * warning; the server then offers no STARTTLS at level may, and
 * refuses mail at level encrypt.
 */
extern void smtpd_tls_init(void);

/* Announce STARTTLS in the EHLO reply now? */
extern int smtpd_tls_offer(const SMTPD_STATE *state);

/*
 * Level encrypt before the handshake: non-zero when cmd (an upper case
 * command name) must wait for STARTTLS; the caller answers "530 5.7.0
 * Must issue a STARTTLS command first".
 */
extern int smtpd_tls_needed(const SMTPD_STATE *state, const char *cmd);

/*
 * The STARTTLS command (SMTPD_CMD_* result). On success the session is
 * reset as RFC 3207 4.2 says and state->tls_context is set; a failed
 * handshake ends the session (SMTPD_CMD_HANGUP, logged).
 */
extern int smtpd_tls_starttls_cmd(SMTPD_STATE *state, char *args);

/*
 * smtps: the handshake right after the connection, before the banner.
 * 0 (or nothing to do), -1 when the session must end (logged).
 */
extern int smtpd_tls_wrapper(SMTPD_STATE *state);

/* End of session: close the TLS session (no close_notify on failure). */
extern void smtpd_tls_session_end(SMTPD_STATE *state, int failure);

/*
 * The tls_summary= and tls_ccert= attributes for cleanup's Received:
 * header (smtpd_tls_received_header = yes, TLS active only).
 */
extern void smtpd_tls_data_attrs(const SMTPD_STATE *state,
				 struct IOSTREAM *out);

#endif
