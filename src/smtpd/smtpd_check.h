/*
 * smtpd_check.h - the restriction engine of smtpd(8)
 *
 * Evaluates smtpd_client_restrictions, smtpd_helo_restrictions,
 * smtpd_sender_restrictions, smtpd_relay_restrictions,
 * smtpd_recipient_restrictions, smtpd_data_restrictions,
 * smtpd_end_of_data_restrictions and smtpd_etrn_restrictions, with
 * smtpd_restriction_classes, access(5) tables and the DNS checks, as
 * Postfix documents them (postconf(5), access(5), SMTPD_ACCESS_README).
 *
 * Every check returns NULL when the command may go on, or the complete
 * SMTP reply to send ("554 5.7.1 <x@y>: Relay access denied"), valid
 * until the next call into this module. A reject has already been
 * logged in Postfix's shape ("NOQUEUE: reject: RCPT from name[addr]:
 * 554 5.7.1 ...; from=<s> to=<r> proto=ESMTP helo=<h>"; a queue ID
 * instead of NOQUEUE once there is one); warn_if_reject and WARN
 * results log "reject_warning:" / "warn:" lines and return NULL.
 *
 * With smtpd_delay_reject = yes (the default) the client, HELO and
 * sender restrictions are not applied when their command arrives: the
 * module remembers that they are due and applies them (once per
 * transaction, their verdict kept) before the recipient restrictions
 * of each RCPT, and at ETRN. The engine therefore simply calls every
 * check at its stage and sends whatever comes back.
 *
 * Side effects on the state (smtpd.h): HOLD, DISCARD, FILTER, REDIRECT
 * and PREPEND results set saved_flags, saved_filter, saved_redirect,
 * prepend and discard_reason; check_context is the module's own.
 */

#ifndef SMTPD_CHECK_H
#define SMTPD_CHECK_H

#include "smtpd.h"

/*
 * After main.cf is loaded, before the jail (tables may need root to
 * open): parses every restriction list (an unknown restriction name
 * is fatal, as in Postfix: "unknown smtpd restriction") and opens
 * their tables, mynetworks, relay_domains and the recipient maps.
 */
extern void smtpd_check_init(void);

/* New session: state->check_context set up; end: released. */
extern void smtpd_check_session_start(SMTPD_STATE *state);
extern void smtpd_check_session_end(SMTPD_STATE *state);

/* A new mail transaction (after MAIL FROM was accepted, RSET, EOM). */
extern void smtpd_check_reset(SMTPD_STATE *state);

/* smtpd_client_restrictions, when the client connects. */
extern const char *smtpd_check_client(SMTPD_STATE *state);

/*
 * smtpd_helo_restrictions, at HELO/EHLO (state->helo_name is set).
 * smtpd_helo_required is the engine's business.
 */
extern const char *smtpd_check_helo(SMTPD_STATE *state, const char *helo);

/* Forget the HELO/EHLO name and its results (STARTTLS resets the session). */
extern void smtpd_check_helo_reset(SMTPD_STATE *state);

/*
 * MAIL FROM: smtpd_sender_restrictions for sender (internal form,
 * "" for <>), and the sender-side table checks
 * (smtpd_reject_unlisted_sender, reject_unlisted_sender).
 */
extern const char *smtpd_check_mail(SMTPD_STATE *state, const char *sender);

/*
 * RCPT TO (and VRFY): the delayed stages, smtpd_relay_restrictions,
 * smtpd_recipient_restrictions, then the recipient table checks
 * (local_recipient_maps, virtual and relay recipient maps:
 * "550 5.1.1 <r>: Recipient address rejected: User unknown in local
 * recipient table", unknown_local_recipient_reject_code ...).
 */
extern const char *smtpd_check_rcpt(SMTPD_STATE *state, const char *recipient);

/* DATA (or the first BDAT): smtpd_data_restrictions. */
extern const char *smtpd_check_data(SMTPD_STATE *state);

/* After the message content: smtpd_end_of_data_restrictions. */
extern const char *smtpd_check_eod(SMTPD_STATE *state);

/* ETRN domain: the delayed stages, then smtpd_etrn_restrictions. */
extern const char *smtpd_check_etrn(SMTPD_STATE *state, const char *domain);

/*
 * MAIL FROM ... SIZE=n and the queue file system: "552 5.3.4 Message
 * size exceeds fixed limit" when size > message_size_limit (0: no
 * limit), "452 4.3.1 Insufficient system storage" when the queue file
 * system has less than queue_minfree free, or less than 1.5 times
 * size free. Logged as Postfix does ("NOQUEUE: reject: MAIL from ...").
 */
extern const char *smtpd_check_size(SMTPD_STATE *state, long size);

#endif
