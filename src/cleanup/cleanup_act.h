/*
 * cleanup_act.h - the actions of header_checks(5) and body_checks
 *
 * A table result is "COMMAND optional text...". The parser here is pure
 * (no state, no logging) so that it can be tested alone; carrying the
 * actions out is cleanup_checks.c's business.
 */

#ifndef CLEANUP_ACT_H
#define CLEANUP_ACT_H

#include "sysdeps.h"

struct STRBUF;

/* Commands (header_checks(5) ACTIONS); OK is DUNNO. */
#define CLEANUP_ACT_UNKNOWN	0
#define CLEANUP_ACT_BCC		1
#define CLEANUP_ACT_DISCARD	2
#define CLEANUP_ACT_DUNNO	3
#define CLEANUP_ACT_FILTER	4
#define CLEANUP_ACT_HOLD	5
#define CLEANUP_ACT_IGNORE	6
#define CLEANUP_ACT_INFO	7
#define CLEANUP_ACT_PASS	8
#define CLEANUP_ACT_PREPEND	9
#define CLEANUP_ACT_REDIRECT	10
#define CLEANUP_ACT_REPLACE	11
#define CLEANUP_ACT_REJECT	12
#define CLEANUP_ACT_STRIP	13
#define CLEANUP_ACT_WARN	14

/*
 * Splits value into its command (any case) and the text after the
 * white space that follows it (*text, "" when there is none). Returns
 * CLEANUP_ACT_*, CLEANUP_ACT_UNKNOWN for a command that does not exist.
 */
extern int cleanup_act_parse(const char *value, const char **text);

/*
 * The reply text of REJECT: text when it starts with an enhanced status
 * code ("4.7.1 ", "5.7.0 "), else "5.7.1 text"; an empty text gives
 * "5.7.1 message content rejected". Overwrites out.
 */
extern void cleanup_act_reply(struct STRBUF *out, const char *text);

#endif
