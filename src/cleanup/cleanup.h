/*
 * cleanup.h - private interfaces of the cleanup(8) server
 *
 * One CLEANUP_STATE per message: cleanup.c reads the envelope and
 * drives the queue file writer, cleanup_message.c processes the
 * headers and body lines, cleanup_addr.c canonicalizes addresses,
 * cleanup_map.c and cleanup_masq.c apply canonical_maps, masquerading
 * and virtual_alias_maps.
 */

#ifndef CLEANUP_H
#define CLEANUP_H

#include "sysdeps.h"

#include <sys/types.h>

struct ARGV;
struct IOSTREAM;
struct NAMETAB;
struct QFILE_WRITER;
struct STRBUF;

/* An envelope recipient before it is written. */
typedef struct CLEANUP_RCPT {
	char   *address;		/* as the client sent it */
	char   *dsn_orcpt;		/* or NULL */
	int     dsn_notify;		/* or 0 */
} CLEANUP_RCPT;

/* Where we are in the input. */
#define CLEANUP_IN_ENVELOPE	1
#define CLEANUP_IN_HEADERS	2
#define CLEANUP_IN_BODY		3
#define CLEANUP_IN_EXTRACTED	4

typedef struct CLEANUP_STATE {
	struct STRBUF *queue_id;
	struct STRBUF *path;		/* incoming/ID */
	struct IOSTREAM *dst;		/* the queue file */
	struct QFILE_WRITER *writer;	/* NULL before the content */
	int     flags;			/* CLEANUP_FLAG_* */
	int     errs;			/* CLEANUP_STAT_* */
	struct STRBUF *reason;		/* text for errs, or empty */
	int     phase;			/* CLEANUP_IN_* */
	long    arrival_sec;
	long    arrival_usec;

	/* Envelope as received. */
	struct ARGV *attrs;		/* "name=value", to store */
	char   *userid;			/* local submitter, or NULL */
	char   *fullname;		/* or NULL */
	char   *sender;			/* canonical; NULL until seen */
	int     dsn_ret;
	char   *dsn_envid;
	CLEANUP_RCPT *rcpts;
	int     rcpt_count;
	int     rcpt_size;
	char   *pend_orcpt;		/* DSN records for the next R */
	int     pend_notify;

	/* Recipients written so far (envelope and extracted). */
	struct NAMETAB *dups;
	int     rcpts_out;
	char   *one_rcpt;		/* canonical, when exactly one */

	/* Content. */
	struct STRBUF *line;		/* joined CONT pieces */
	struct STRBUF *header;		/* header being collected */
	long    content_len;		/* bytes, one per line ending too */
	int     hop_count;
	int     seen;			/* CLEANUP_SEEN_* */
	struct ARGV *to_extract;	/* addresses from To/Cc/Bcc */
	struct ARGV *resent_extract;	/* from Resent-To/Cc/Bcc */
	struct STRBUF *message_id;	/* for logging */
} CLEANUP_STATE;

/* Headers we look for (seen mask). */
#define CLEANUP_SEEN_FROM		(1 << 0)
#define CLEANUP_SEEN_DATE		(1 << 1)
#define CLEANUP_SEEN_MSGID		(1 << 2)
#define CLEANUP_SEEN_RESENT		(1 << 3)	/* any Resent- header */
#define CLEANUP_SEEN_RESENT_FROM	(1 << 4)
#define CLEANUP_SEEN_RESENT_DATE	(1 << 5)
#define CLEANUP_SEEN_RESENT_MSGID	(1 << 6)

/* Internal flags (beside CLEANUP_FLAG_*): a DISCARD action was logged. */
#define CLEANUP_FLAG_DISCARD_LOGGED	(1 << 16)

/* cleanup_rwr.c: rewrite context of header addresses */
struct ADDR_MATCH_LIST;
extern int cleanup_rwr_local(const char *clients, const char *client_addr,
			     const char *sasl_username,
			     struct ADDR_MATCH_LIST *interfaces,
			     struct ADDR_MATCH_LIST *mynetworks);
extern const char *cleanup_rwr_context(const CLEANUP_STATE *state);

/* cleanup_addr.c */
extern int cleanup_rewrite(CLEANUP_STATE *state, const char *addr,
			   struct STRBUF *result);
extern void cleanup_out_rcpt(CLEANUP_STATE *state, const char *canon,
			     const char *orig, const char *dsn_orcpt,
			     int dsn_notify);

/* cleanup_map.c: canonical and virtual alias mapping (MAP_OK clients);
 * the search order and table values: addr_map.h */
typedef int (*CLEANUP_MAP1N_FN)(void *context, const char *addr,
				struct ARGV *result);
typedef struct CLEANUP_LIMITS {
	int     recursion;		/* virtual_alias_recursion_limit */
	int     expansion;		/* virtual_alias_expansion_limit */
	int     length;			/* virtual_alias_address_length_limit */
} CLEANUP_LIMITS;
#define CLEANUP_EXPAND_OK	0
#define CLEANUP_EXPAND_RETRY	1	/* a table failed */
#define CLEANUP_EXPAND_NESTING	2	/* recursion limit (or a loop) */
#define CLEANUP_EXPAND_SIZE	3	/* expansion limit */
#define CLEANUP_EXPAND_LENGTH	4	/* a result over the length limit */
extern int cleanup_map_expand(const char *addr, CLEANUP_MAP1N_FN lookup,
			      void *context, const CLEANUP_LIMITS *limits,
			      struct ARGV *out);
extern int cleanup_map_sender(CLEANUP_STATE *state, struct STRBUF *addr);
extern int cleanup_map_recipient(CLEANUP_STATE *state, const char *canon,
				 struct ARGV *out);
extern int cleanup_map_header(CLEANUP_STATE *state, int hdr_flags,
			      struct STRBUF *header);

/* cleanup_masq.c: masquerade_domains ("!" entries stop the search) */
extern const char *cleanup_masq_domain(const struct ARGV *masq,
				       const char *domain);
extern int cleanup_masq_addr(const struct ARGV *masq,
			     const struct ARGV *exceptions,
			     struct STRBUF *addr);

/* cleanup_message.c */
extern void cleanup_message_start(CLEANUP_STATE *state);
extern void cleanup_message_line(CLEANUP_STATE *state, const char *line,
				 size_t len);
extern void cleanup_message_end(CLEANUP_STATE *state);
extern void cleanup_date(struct STRBUF *out, long when);
extern void cleanup_out_line(CLEANUP_STATE *state, const char *line,
			     size_t len);
extern void cleanup_out_text(CLEANUP_STATE *state, const char *text);
extern void cleanup_error(CLEANUP_STATE *state, int stat, const char *fmt,
			  ...) PRINTFLIKE(3, 4);

/* cleanup_checks.c: header_checks, body_checks and friends */
#define CLEANUP_CHECKS_KEEP	0
#define CLEANUP_CHECKS_DROP	1
extern void cleanup_checks_init(void);

/* Reads the rewriting parameters and opens the tables, once. */
extern void cleanup_map_init(void);
extern void cleanup_checks_start(CLEANUP_STATE *state);
extern int cleanup_checks_header(CLEANUP_STATE *state, struct STRBUF *hdr);
extern void cleanup_checks_headers_end(CLEANUP_STATE *state);
extern void cleanup_checks_body(CLEANUP_STATE *state, const char *line,
				size_t len);
extern void cleanup_checks_end(CLEANUP_STATE *state);
extern void cleanup_checks_extracted(CLEANUP_STATE *state);

#endif
