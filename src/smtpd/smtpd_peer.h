/*
 * smtpd_peer.h - the client's address and host name (smtpd internal)
 */

#ifndef SMTPD_PEER_H
#define SMTPD_PEER_H

#include "smtpd.h"

/*
 * Sets name, reverse_name (with their SMTPD_PEER_CODE_* status), addr,
 * rfc_addr, port, addr_family, namaddr, server_addr and server_port
 * from state->client's socket. A stream that is not an IP socket is
 * "localhost[127.0.0.1]".
 */
extern void smtpd_peer_init(SMTPD_STATE *state);

/* Frees those strings (NULL-safe). */
extern void smtpd_peer_reset(SMTPD_STATE *state);

#endif
