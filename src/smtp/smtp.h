/*
 * smtp.h - private interfaces of the smtp(8)/lmtp delivery agent
 *
 * smtp.c reads delivery requests and walks the address list of the
 * next hop; smtp_connect.c opens connections; smtp_proto.c speaks
 * SMTP or LMTP over one; smtp_reply.c parses server replies and EHLO
 * keywords (pure functions, unit-tested); smtp_cache.c keeps idle
 * connections of this process for the next request to the same next
 * hop; smtp_tls.c chooses the TLS policy of a next hop and runs the
 * handshake; smtp_sasl.c does AUTH.
 */

#ifndef SMTP_H
#define SMTP_H

#include "sysdeps.h"

#include <time.h>

#include "deliver_request.h"
#include "smtp_addr.h"

struct ARGV;
struct IOSTREAM;
struct STRBUF;

/* Settings of the running mode: smtp_* or the lmtp_* twins. */
typedef struct SMTP_CONF {
	int	lmtp;			/* LMTP mode (program name lmtp) */
	const char *helo_name;
	const char *bind_address;
	const char *bind_address6;
	const char *fallback_relay;
	const char *cache_destinations;
	int	connect_timeout;
	int	helo_timeout;
	int	mail_timeout;
	int	rcpt_timeout;
	int	data_init_timeout;
	int	data_xfer_timeout;
	int	data_done_timeout;
	int	rset_timeout;
	int	quit_timeout;
	int	line_length_limit;
	int	mx_session_limit;
	int	never_send_ehlo;
	int	skip_5xx_greeting;
	int	skip_quit_response;
	int	cache_on_demand;
	int	cache_time_limit;
	int	reuse_count_limit;
	int	reuse_time_limit;
	/* TLS (smtp_tls.c) */
	const char *tls_security_level;
	int	use_tls;
	int	enforce_tls;
	int	tls_enforce_peername;
	const char *tls_policy_maps;
	int	tls_wrappermode;
	int	tls_note_starttls_offer;
	int	starttls_timeout;
	int	tls_loglevel;
	const char *tls_CAfile;
	const char *tls_CApath;
	const char *tls_cert_file;
	const char *tls_key_file;
	const char *tls_chain_files;
	int	tls_scert_verifydepth;
	const char *tls_fingerprint_digest;
	const char *tls_session_cache_database;
	int	tls_session_cache_timeout;
	const char *tls_protocols;
	const char *tls_ciphers;
	const char *tls_exclude_ciphers;
	const char *tls_mandatory_protocols;
	const char *tls_mandatory_ciphers;
	const char *tls_mandatory_exclude_ciphers;
	const char *tls_verify_cert_match;
	const char *tls_secure_cert_match;
	const char *tls_fingerprint_cert_match;
	const char *tls_servername;
	/* SASL (smtp_sasl.c) */
	int	sasl_auth_enable;
	int	sasl_auth_soft_bounce;
	const char *sasl_mechanism_filter;
	const char *sasl_password_maps;
	const char *sasl_path;
	const char *sasl_type;
	const char *sasl_security_options;
	const char *sasl_tls_security_options;
	const char *sasl_tls_verified_security_options;
	int	sender_dependent_authentication;
	/* Address mapping on output (smtp_generic.c) */
	const char *generic_maps;
} SMTP_CONF;

extern SMTP_CONF smtp_conf;

/* EHLO features. */
#define SMTP_FEATURE_ESMTP	(1 << 0)	/* EHLO/LHLO accepted */
#define SMTP_FEATURE_PIPELINING	(1 << 1)
#define SMTP_FEATURE_SIZE	(1 << 2)
#define SMTP_FEATURE_8BITMIME	(1 << 3)
#define SMTP_FEATURE_DSN	(1 << 4)
#define SMTP_FEATURE_SMTPUTF8	(1 << 5)
#define SMTP_FEATURE_ENHANCED	(1 << 6)	/* ENHANCEDSTATUSCODES */
#define SMTP_FEATURE_STARTTLS	(1 << 7)
#define SMTP_FEATURE_AUTH	(1 << 8)	/* AUTH (or AUTH=) mechanisms */

/* A server reply, all lines. */
#define SMTP_REPLY_TEXT_LIMIT	2000	/* bytes of reply text kept */
#define SMTP_REPLY_LINE_LIMIT	2048	/* bytes of one line read */
#define SMTP_REPLY_LINES	100	/* lines of one reply read */

typedef struct SMTP_REPLY {
	int	code;			/* 200..599, or 0: no reply */
	char	dsn[12];		/* "5.1.1", or X.0.0 from the code */
	struct STRBUF *text;		/* lines joined with a space */
	struct STRBUF *lines;		/* lines joined with a newline */
} SMTP_REPLY;

/* smtp_reply.c */
extern SMTP_REPLY *smtp_reply_create(void);
extern void smtp_reply_free(SMTP_REPLY *reply);
extern void smtp_reply_reset(SMTP_REPLY *reply);

/*
 * Adds one reply line (without line end). Returns 1 when it was the
 * last line of the reply (code followed by a space or nothing), 0 when
 * more lines follow ("250-"), -1 for a malformed line (no 3-digit
 * code or a code that changes inside the reply).
 */
extern int smtp_reply_add_line(SMTP_REPLY *reply, const char *line,
			       size_t len);

/*
 * EHLO reply lines (after the first) to SMTP_FEATURE_* bits; *size
 * gets SIZE's limit (0: none).
 */
extern int smtp_reply_features(const SMTP_REPLY *reply, long *size);

/*
 * The SASL mechanisms of the EHLO reply's AUTH and AUTH= lines, upper
 * case, separated by one space, without duplicates; replaces out.
 */
extern void smtp_reply_auth_mechs(const SMTP_REPLY *reply,
				  struct STRBUF *out);

/* Appends text to out for use as a parameter value: xtext (RFC 3461). */
extern void smtp_xtext(struct STRBUF *out, const char *text);

/*
 * The TLS policy of one next hop (smtp_tls.c): the level and the
 * per-destination overrides from smtp_tls_policy_maps (NULL: the
 * main.cf setting for the level).
 */
typedef struct SMTP_TLS_POLICY {
	int	level;			/* TLS_LEV_* (TLS_LEV_NONE without
					 * TLS support at level may) */
	char   *protocols;
	char   *ciphers;
	char   *exclude;
	char   *match;			/* match=, as written */
	char   *servername;
	int	error;			/* the lookup or policy failed:
					 * defer with dsn/why below */
	char   *dsn;
	char   *why;
} SMTP_TLS_POLICY;

/* One connection to a server. */
typedef struct SMTP_SESSION {
	struct IOSTREAM *st;
	char   *key;			/* connection cache key: next hop */
	char   *host;			/* server name */
	char   *namaddr;		/* "host[addr]" */
	char   *relay;			/* "host[addr]:port" */
	int	features;		/* SMTP_FEATURE_* */
	long	size_limit;		/* SIZE limit, 0: none */
	int	use_count;		/* transactions done or under way */
	time_t	created;		/* connection set up */
	time_t	idle_since;		/* put in the cache */
	unsigned port;			/* server port (0: unix:) */
	char   *addr;			/* printable server address */
	/* TLS and SASL; set by the caller before smtp_helo(). */
	const SMTP_TLS_POLICY *policy;	/* borrowed; NULL: no TLS */
	const char *nexthop;		/* borrowed: next hop as written */
	const char *sender;		/* borrowed: envelope sender */
	int	tls_disabled;		/* retry without TLS (level may) */
	int	tls_retry_plain;	/* out: the handshake failed at may */
	void   *tls;			/* TLS_SESS *, NULL: plaintext */
	int	tls_verified;		/* certificate trusted and matched */
	int	sasl_done;		/* authenticated */
	int	broken;			/* unusable: close without QUIT */
} SMTP_SESSION;

/* smtp_connect.c */

/*
 * Connects to one address. Returns a session (greeting not read), or
 * NULL with dsn and why set in Postfix's words ("connect to
 * H[A]:P: Connection refused").
 */
extern SMTP_SESSION *smtp_connect(const SMTP_ADDR *addr, struct STRBUF *dsn,
				  struct STRBUF *why);
extern void smtp_session_free(SMTP_SESSION *session);

/* smtp_proto.c */

/* Results of one protocol step. */
#define SMTP_OK		0	/* done; the session can be kept */
#define SMTP_NEXT	1	/* try the next server (dsn/why set) */
#define SMTP_DONE_DROP	2	/* recipients reported; close session */

/*
 * Reads the greeting and does EHLO/HELO or LHLO. SMTP_OK, or
 * SMTP_NEXT with dsn and why set (*perm non-zero when the server said
 * 5xx: SMTP_PERM_GREETING for a 5xx greeting).
 */
#define SMTP_PERM_GREETING	2
extern int smtp_helo(SMTP_SESSION *session, struct STRBUF *dsn,
		     struct STRBUF *why, int *perm);

/*
 * One mail transaction for the recipients of req not yet done
 * (env: the envelope as sent, generic mapping applied: argv[0] the
 * sender, argv[1 + i] recipient i)
 * (done[i] == 0). Reports each recipient it can decide through
 * dstat_*(), setting done[i] (1) and *status DEL_STAT_DEFER when a
 * report failed. Returns SMTP_OK (session usable for another
 * transaction after RSET), SMTP_NEXT (nothing decided by this server:
 * dsn/why/perm tell why; try the next one), or SMTP_DONE_DROP (all
 * recipients decided; close the connection).
 */
extern int smtp_xfer(SMTP_SESSION *session, DELIVER_REQUEST *req,
		     const struct ARGV *env, char *done, int *status,
		     struct STRBUF *dsn, struct STRBUF *why, int *perm);

/* RSET to check that a session can be reused: 0 OK, -1 drop it. */
extern int smtp_rset(SMTP_SESSION *session);

/* QUIT (reply read unless skip_quit_response), then free. */
extern void smtp_quit(SMTP_SESSION *session);

/* smtp_tls.c */

/* pre_jail: the TLS client context and smtp_tls_policy_maps. */
extern void smtp_tls_init(void);

/* The policy of a next hop (never fails: errors are in policy). */
extern void smtp_tls_policy(const char *nexthop, SMTP_TLS_POLICY *policy);
extern void smtp_tls_policy_free(SMTP_TLS_POLICY *policy);

/*
 * Handshake over the session's connection at the policy's level.
 * 0, or -1 with dsn and why set (the connection is then unusable).
 */
extern int smtp_tls_start(SMTP_SESSION *session, struct STRBUF *dsn,
			  struct STRBUF *why);

/* End TLS on a session before it is closed (failure: no close_notify). */
extern void smtp_tls_stop(SMTP_SESSION *session, int failure);

/* smtp_sasl.c */

/* pre_jail: smtp_sasl_password_maps and the SASL client back-end. */
extern void smtp_sasl_init(void);

/*
 * AUTH when enabled, a password is known and the server offers it:
 * SMTP_OK (authenticated, or nothing to do), or SMTP_NEXT with dsn,
 * why and *perm set. mechs: the server's AUTH mechanisms.
 */
extern int smtp_sasl_auth(SMTP_SESSION *session, const char *mechs,
			  struct STRBUF *dsn, struct STRBUF *why, int *perm);

/*
 * smtp_proto.c helpers shared with smtp_sasl.c: send one command and
 * read the reply (0, or -1 with dsn and why set: "lost connection
 * with H[A] while stage"). The command text is never logged.
 */
extern int smtp_chat(SMTP_SESSION *session, int timeout, SMTP_REPLY *reply,
		     const char *stage, struct STRBUF *dsn,
		     struct STRBUF *why, const char *fmt, ...)
	PRINTFLIKE(7, 8);

/* smtp_generic.c */

/* pre_jail: open smtp_generic_maps (lmtp_generic_maps). */
extern void smtp_generic_init(void);

/* Are there generic tables? */
extern int smtp_generic_enabled(void);

/*
 * Maps one internal-form address in place (unchanged when no table
 * knows it). 0, or -1 when a table could not answer (logged).
 */
extern int smtp_generic_addr(struct STRBUF *addr);

/*
 * Maps the addresses of one sender or recipient header in place (the
 * whole header, "\n" between its lines, without the final line end;
 * refolded only when an address changed). 0, or -1 as above.
 */
extern int smtp_generic_header(struct STRBUF *header);

/* smtp_cache.c */
extern SMTP_SESSION *smtp_cache_find(const char *key);
extern void smtp_cache_store(SMTP_SESSION *session);

/* Closes expired sessions; milliseconds until the next expiry, or -1. */
extern int smtp_cache_expire(void);

/* Closes every idle session (before exit). */
extern void smtp_cache_close(void);

/* May a session to this next hop be cached? */
extern int smtp_cache_wanted(const char *nexthop);

#endif
