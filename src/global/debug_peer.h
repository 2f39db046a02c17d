/*
 * debug_peer.h - more verbose logging for selected remote peers
 *
 * debug_peer_list names the clients (smtpd) and servers (smtp, lmtp)
 * whose sessions are logged in more detail: while a session with a
 * matching peer lasts, log_verbose is raised by debug_peer_level.
 */

#ifndef DEBUG_PEER_H
#define DEBUG_PEER_H

#include "sysdeps.h"

/*
 * Parses debug_peer_list (fatal when it does not parse). Call once,
 * before the jail, so that type:table entries open as root; an empty
 * list makes the other calls do nothing.
 */
extern void debug_peer_init(void);

/*
 * Raises log_verbose by debug_peer_level when the peer (name and/or
 * address, either may be NULL) is in the list, and returns 1; else
 * returns 0. A lookup error is logged as a warning and counts as no
 * match. A second call before debug_peer_restore() does nothing.
 */
extern int debug_peer_check(const char *name, const char *addr);

/* Undoes debug_peer_check(); harmless when it raised nothing. */
extern void debug_peer_restore(void);

/* Frees the list (tests, exit). */
extern void debug_peer_free(void);

#endif
