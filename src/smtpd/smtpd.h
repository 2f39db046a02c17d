/*
 * smtpd.h - private header of the smtpd(8) program
 *
 * One SMTPD_STATE describes one SMTP session: who the client is, what
 * the session negotiated, and the mail transaction in progress. The
 * protocol engine (smtpd.c and friends) owns and fills it; the
 * restriction engine (smtpd_check.c), the anvil and policy clients
 * (smtpd_anvil.c, smtpd_policy.c) read it and set only the fields that
 * say so below. Strings are owned by the state (xstrdup'd, freed by the
 * engine) unless a comment says otherwise; NULL means "not known / not
 * given yet".
 *
 * Addresses (sender, recipient) are kept in internal form (addr_parse.h:
 * quotes removed, as trivial-rewrite and the tables see them); the
 * null sender is "".
 */

#ifndef SMTPD_H
#define SMTPD_H

#include "sysdeps.h"

#include <sys/types.h>
#include <time.h>

struct IOSTREAM;
struct STRBUF;
struct ARGV;
struct CLEANUP_CLNT;
struct TLS_SESS;
struct XSASL_SERVER;

/* Status of a client name lookup (name_status, reverse_name_status). */
#define SMTPD_PEER_CODE_OK	2	/* name known (and verified) */
#define SMTPD_PEER_CODE_TEMP	4	/* temporary lookup failure */
#define SMTPD_PEER_CODE_PERM	5	/* no name, or does not verify */
#define SMTPD_PEER_CODE_FORGED	6	/* name does not map back to the address */

/* Where we are in the session, for logs and the policy protocol. */
#define SMTPD_AFTER_CONNECT	"CONNECT"
#define SMTPD_CMD_HELO		"HELO"
#define SMTPD_CMD_EHLO		"EHLO"
#define SMTPD_CMD_MAIL		"MAIL"
#define SMTPD_CMD_RCPT		"RCPT"
#define SMTPD_CMD_DATA		"DATA"
#define SMTPD_CMD_BDAT		"BDAT"
#define SMTPD_AFTER_EOM		"END-OF-MESSAGE"
#define SMTPD_CMD_VRFY		"VRFY"
#define SMTPD_CMD_ETRN		"ETRN"

typedef struct SMTPD_STATE {
	struct IOSTREAM *client;	/* the connection */
	const char *service;		/* master.cf service name (not owned) */
	time_t	conn_time;		/* when the client connected */

	/* Client identity, set once at connection time. */
	char   *name;			/* verified host name, or "unknown" */
	char   *reverse_name;		/* PTR name, or "unknown" */
	char   *addr;			/* printable address ("1.2.3.4", "::1") */
	char   *rfc_addr;		/* address as in a Received: header
					 * ("1.2.3.4", "IPv6:::1") */
	char   *port;			/* client port, "0" when unknown */
	int	addr_family;		/* AF_INET, AF_INET6 (AF_UNSPEC: unknown) */
	char   *namaddr;		/* "name[addr]" for logging */
	int	name_status;		/* SMTPD_PEER_CODE_* of name */
	int	reverse_name_status;	/* SMTPD_PEER_CODE_* of reverse_name */
	char   *server_addr;		/* local end of the connection */
	char   *server_port;

	/* Session. */
	const char *protocol;		/* "SMTP" or "ESMTP" (not owned) */
	char   *helo_name;		/* HELO/EHLO argument, NULL before */
	const char *where;		/* SMTPD_CMD_* / SMTPD_AFTER_* (not owned) */
	int	error_count;		/* errors, for the soft/hard limits */
	int	junk_cmds;		/* NOOP/VRFY/RSET/... (junk limit) */
	int	unauth_pipelining;	/* client talked before we answered
					 * where that is not allowed (set by
					 * the engine, read by checks) */
	char   *sasl_method;		/* after AUTH succeeded (smtpd_sasl.c):
					 * "PLAIN"; NULL: not authenticated */
	char   *sasl_username;		/* the authenticated user */
	char   *sasl_sender;		/* MAIL FROM ... AUTH=<...> */
	struct XSASL_SERVER *sasl_server; /* AUTH context (smtpd_sasl.c),
					 * NULL when AUTH is not offered */
	struct TLS_SESS *tls_context;	/* TLS session after STARTTLS or on
					 * an smtps port (smtpd_tls.c), NULL:
					 * plaintext; read-only elsewhere */
	unsigned long xact_id;		/* the current mail transaction: a
					 * number unique in the process, new
					 * at session start and whenever the
					 * engine starts a MAIL FROM (before
					 * the MAIL restrictions); the policy
					 * "instance" follows it */
	char   *etrn_domain;		/* ETRN argument while the ETRN
					 * restrictions run, else NULL */

	/* Mail transaction: reset by RSET, HELO/EHLO, end of DATA. */
	char   *sender;			/* MAIL FROM, NULL before MAIL */
	char   *recipient;		/* RCPT TO being checked (or last one) */
	int	rcpt_count;		/* accepted recipients */
	int	rcpt_overshoot;		/* recipients refused for the limit */
	long	msg_size;		/* SIZE= from MAIL FROM, 0 if none */
	char   *encoding;		/* BODY=7BIT / 8BITMIME, NULL if none */
	int	smtputf8;		/* MAIL FROM ... SMTPUTF8 */
	char   *dsn_envid;		/* ENVID= (xtext decoded) */
	int	dsn_ret;		/* DSN_RET_* (dsn.h), 0 if none */
	char   *queue_id;		/* cleanup's ID once the file is open */
	struct CLEANUP_CLNT *cleanup;	/* open after the first accepted RCPT */
	long	act_size;		/* bytes of message content received */

	/*
	 * Results of restrictions (set by smtpd_check.c, used by the
	 * engine when it hands the message to cleanup, cleared with the
	 * transaction): CLEANUP_FLAG_HOLD / CLEANUP_FLAG_DISCARD bits, the
	 * FILTER and REDIRECT arguments (last one wins), and headers to
	 * PREPEND (in order; the engine writes them before the message's
	 * own headers, after cleanup's Received: line).
	 */
	int	saved_flags;
	char   *saved_filter;		/* "transport:destination" */
	char   *saved_redirect;		/* address */
	struct ARGV *prepend;		/* header lines, NULL if none */
	char   *discard_reason;		/* why DISCARD, for the log line */

	/* Scratch for checks; the engine never reads it. */
	void   *check_context;

	struct STRBUF *buffer;		/* engine scratch */
} SMTPD_STATE;

/*
 * The log form of where the session is, for "NOQUEUE: reject: RCPT from
 * host[addr]: ..." lines: the queue ID or "NOQUEUE".
 */
#define SMTPD_QUEUE_ID(state) ((state)->queue_id ? (state)->queue_id : "NOQUEUE")

#endif
