/*
 * smtpd_policy.c - the Postfix policy delegation protocol client
 *
 * One POLICY_CLNT per distinct check_policy_service argument, created
 * on first use and kept for the life of the process: it holds the
 * parsed endpoint and settings, and the open connection. A connection
 * is reused for later requests until it has been idle for max_idle,
 * has lived for max_ttl or has served request_limit requests; it is
 * checked before a request (smtpd is blocked in the SMTP dialogue
 * during a session) and, between sessions, by smtpd_policy_idle(),
 * which smtpd's event loop calls: as in Postfix, a connection outlives
 * the session, so the next client of this process reuses it, and an
 * idle one is closed on time. smtpd_policy_close() drops them all
 * before the process exits.
 *
 * A request is tried up to try_limit times, with retry_delay between
 * tries; connect, every write and every read are bounded by timeout. A
 * kept connection that the server closed while it was idle gets one
 * immediate free retry on a new connection.
 *
 * Values come from the SMTP client (HELO name, addresses), so any
 * CR or LF in them is replaced: a client must not be able to add
 * attributes of its own to the request.
 *
 * Endpoint argument forms (SMTPD_POLICY_README, Postfix 3.0+):
 *	inet:host:port   inet:[ipv6]:port   unix:path   path
 *	{ endpoint, name=value, {name = value with spaces}, ... }
 * with names timeout, max_idle, max_ttl, request_limit, try_limit,
 * retry_delay, default_action and policy_context.
 */

#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "hex.h"
#include "inet_addr.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "timed_connect.h"
#include "mail_version.h"	/* global */
#include "param.h"
#include "params_anvil.h"
#include "params_global.h"
#include "smtpd.h"
#include "smtpd_policy.h"
#include "tls.h"

/* Longest reply line we read from a policy server. */
#define POLICY_LINE_LIMIT	4096

/* Most reply lines we read for one request. */
#define POLICY_LINE_COUNT	100

typedef struct POLICY_CLNT {
	char   *spec;			/* the argument, as given (key) */
	char   *endpoint;		/* "inet:host:port" or "unix:path" */
	int	timeout;
	int	max_idle;
	int	max_ttl;
	int	request_limit;		/* 0: none */
	int	try_limit;
	int	retry_delay;
	char   *default_action;
	char   *policy_context;
	IOSTREAM *stream;		/* open connection, or NULL */
	long long opened;		/* policy_now_ms() */
	long long last_used;
	int	requests;		/* on this connection */
	struct POLICY_CLNT *next;
} POLICY_CLNT;

static POLICY_CLNT *policy_list;

/* The "instance" attribute: one value per mail transaction. */
static STRBUF *policy_instance;
static unsigned long policy_inst_xact;	/* state->xact_id it belongs to */
static unsigned policy_inst_seq;

/*
 * policy_now_ms - a monotonic clock in milliseconds (whole seconds
 * would expire a connection up to a second early)
 */

static long long
policy_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return (long long) time(NULL) * 1000;
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* policy_clnt_free - close and forget one client */

static void
policy_clnt_free(POLICY_CLNT *pc)
{
	if (pc->stream)
		(void) iostream_close(pc->stream);
	free(pc->spec);
	free(pc->endpoint);
	free(pc->default_action);
	free(pc->policy_context);
	free(pc);
}

/* policy_time_setting - a time value "10", "10s", "2m"; -1 if bad */

static int
policy_time_setting(const char *value)
{
	long	secs;

	if (param_parse_time(value, 's', &secs) < 0 || secs <= 0)
		return -1;
	return (int) secs;
}

/*
 * policy_clnt_create - parse an argument into a client; NULL with a
 * reason in why
 */

static POLICY_CLNT *
policy_clnt_create(const char *spec, STRBUF *why)
{
	POLICY_CLNT *pc = xcalloc(1, sizeof(*pc));
	char   *copy = xstrdup(spec);
	char   *inner = str_trim(copy);
	ARGV   *words = NULL;
	size_t	i;
	long	num;

	pc->spec = xstrdup(spec);
	pc->timeout = var_smtpd_policy_service_timeout;
	pc->max_idle = var_smtpd_policy_service_max_idle;
	pc->max_ttl = var_smtpd_policy_service_max_ttl;
	pc->request_limit = var_smtpd_policy_service_request_limit;
	pc->try_limit = var_smtpd_policy_service_try_limit;
	pc->retry_delay = var_smtpd_policy_service_retry_delay;
	pc->default_action = xstrdup(var_smtpd_policy_service_default_action);
	pc->policy_context = xstrdup(var_smtpd_policy_service_policy_context);

	if (*inner == '{' && (inner = token_strip_parens(inner, "{}", why)) == NULL)
		goto bad;
	if ((words = argv_split_q(inner, ", \t\r\n", "{}", why)) == NULL)
		goto bad;
	if (words->argc == 0) {
		strbuf_set(why, "no policy server endpoint");
		goto bad;
	}
	for (i = 0; i < words->argc; i++) {
		char   *w = words->argv[i];
		char   *name;
		char   *value;
		char   *eq;
		int	secs;

		if (*w == '{' && (w = token_strip_parens(w, "{}", why)) == NULL)
			goto bad;
		if (i == 0) {
			if (str_has_prefix(w, "inet:") || str_has_prefix(w, "unix:"))
				pc->endpoint = xstrdup(w);
			else if (strchr(w, '=') == NULL && strchr(w, ':') == NULL)
				pc->endpoint = str_concat("unix:", w, (char *) 0);
			else {
				strbuf_printf(why, "bad policy server endpoint "
					      "\"%s\"", w);
				goto bad;
			}
			continue;
		}
		if ((eq = strchr(w, '=')) == NULL) {
			strbuf_printf(why, "missing '=' in \"%s\"", w);
			goto bad;
		}
		*eq = 0;
		name = str_trim(w);
		value = str_trim(eq + 1);
		if (strcmp(name, "timeout") == 0 || strcmp(name, "max_idle") == 0
		    || strcmp(name, "max_ttl") == 0
		    || strcmp(name, "retry_delay") == 0) {
			if ((secs = policy_time_setting(value)) < 0) {
				strbuf_printf(why, "bad time value in "
					      "\"%s=%s\"", name, value);
				goto bad;
			}
			if (strcmp(name, "timeout") == 0)
				pc->timeout = secs;
			else if (strcmp(name, "max_idle") == 0)
				pc->max_idle = secs;
			else if (strcmp(name, "max_ttl") == 0)
				pc->max_ttl = secs;
			else
				pc->retry_delay = secs;
		} else if (strcmp(name, "try_limit") == 0
			   || strcmp(name, "request_limit") == 0) {
			if (parse_long(value, &num,
				       strcmp(name, "try_limit") == 0 ? 1 : 0,
				       1000000) < 0) {
				strbuf_printf(why, "bad number in \"%s=%s\"",
					      name, value);
				goto bad;
			}
			if (strcmp(name, "try_limit") == 0)
				pc->try_limit = (int) num;
			else
				pc->request_limit = (int) num;
		} else if (strcmp(name, "default_action") == 0) {
			if (*value == 0) {
				strbuf_set(why, "empty default_action");
				goto bad;
			}
			free(pc->default_action);
			pc->default_action = xstrdup(value);
		} else if (strcmp(name, "policy_context") == 0) {
			free(pc->policy_context);
			pc->policy_context = xstrdup(value);
		} else {
			strbuf_printf(why, "unknown attribute name \"%s\"", name);
			goto bad;
		}
	}
	argv_free(&words);
	free(copy);
	return pc;

bad:
	if (words)
		argv_free(&words);
	free(copy);
	policy_clnt_free(pc);
	return NULL;
}

/* policy_clnt_find - the client of an argument, created on first use */

static POLICY_CLNT *
policy_clnt_find(const char *spec, STRBUF *why)
{
	POLICY_CLNT *pc;

	for (pc = policy_list; pc; pc = pc->next)
		if (strcmp(pc->spec, spec) == 0)
			return pc;
	if ((pc = policy_clnt_create(spec, why)) != NULL) {
		pc->next = policy_list;
		policy_list = pc;
	}
	return pc;
}

/* policy_disconnect - close the connection of a client */

static void
policy_disconnect(POLICY_CLNT *pc)
{
	if (pc->stream) {
		(void) iostream_close(pc->stream);
		pc->stream = NULL;
	}
}

/* policy_connect_unix - connect to a unix-domain socket; fd or -1 */

static int
policy_connect_unix(const char *path, int timeout, STRBUF *why)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		strbuf_set(why, "path name is too long");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		strbuf_printf(why, "socket: %s", strerror(errno));
		return -1;
	}
	if (timed_connect(fd, (struct sockaddr *) &sun, sizeof(sun),
			      timeout) < 0) {
		strbuf_printf(why, "%s", strerror(errno));
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* policy_connect_inet - connect to host:port; fd or -1 */

static int
policy_connect_inet(const char *hostport, int timeout, STRBUF *why)
{
	char   *buf = xstrdup(hostport);
	INET_ADDR_HOSTPORT hp;
	struct addrinfo hints;
	struct addrinfo *res = NULL;
	struct addrinfo *ai;
	int	fd = -1;
	int	err;

	if (inet_addr_split_hostport(buf, INET_ADDR_HOSTPORT_NONE, &hp, why) < 0
	    || hp.host == NULL || hp.port == NULL) {
		if (strbuf_len(why) == 0)
			strbuf_set(why, "need host:port");
		free(buf);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(hp.host, hp.port, &hints, &res)) != 0) {
		strbuf_printf(why, "%s", gai_strerror(err));
		free(buf);
		return -1;
	}
	strbuf_set(why, "no address");
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0) {
			strbuf_printf(why, "socket: %s", strerror(errno));
			continue;
		}
		if (timed_connect(fd, ai->ai_addr, ai->ai_addrlen,
				      timeout) == 0)
			break;
		strbuf_printf(why, "%s", strerror(errno));
		(void) close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	free(buf);
	return fd;
}

/* policy_connect - open the connection of a client; 0 or -1 */

static int
policy_connect(POLICY_CLNT *pc, STRBUF *why)
{
	int	fd;

	if (str_has_prefix(pc->endpoint, "inet:"))
		fd = policy_connect_inet(pc->endpoint + 5, pc->timeout, why);
	else
		fd = policy_connect_unix(pc->endpoint + 5, pc->timeout, why);
	if (fd < 0)
		return -1;
	pc->stream = iostream_fdopen(fd, O_RDWR);
	iostream_set_timeout(pc->stream, pc->timeout);
	pc->opened = pc->last_used = policy_now_ms();
	pc->requests = 0;
	return 0;
}

/*
 * policy_instance_value - the "instance" attribute: a new value whenever
 * the engine started a new mail transaction (state->xact_id changed)
 */

static const char *
policy_instance_value(const SMTPD_STATE *state)
{
	struct timeval tv;

	if (policy_instance == NULL)
		policy_instance = strbuf_create(40);
	if (strbuf_len(policy_instance) > 0
	    && policy_inst_xact == state->xact_id)
		return strbuf_str(policy_instance);
	(void) gettimeofday(&tv, NULL);
	strbuf_printf(policy_instance, "%lx.%lx.%lx.%x",
		      (unsigned long) getpid(), (unsigned long) tv.tv_sec,
		      (unsigned long) tv.tv_usec, policy_inst_seq++);
	policy_inst_xact = state->xact_id;
	return strbuf_str(policy_instance);
}

/* policy_add - append one "name=value" line, CR and LF replaced */

static void
policy_add(STRBUF *req, const char *name, const char *value)
{
	const char *cp;

	strbuf_append_printf(req, "%s=", name);
	for (cp = value ? value : ""; *cp; cp++)
		strbuf_append_char(req, *cp == '\n' || *cp == '\r' ? ' ' : *cp);
	strbuf_append_char(req, '\n');
}

/*
 * policy_tls_attrs - the TLS attributes (SMTPD_POLICY_README): names
 * only of a trusted certificate, xtext encoded as in Postfix;
 * fingerprints of any certificate; empty (key size 0) in plaintext
 */

static void
policy_tls_attrs(STRBUF *req, const TLS_SESS *sess)
{
	STRBUF *buf = strbuf_create(100);
	int	trusted = sess && (sess->peer_status & TLS_CERT_TRUSTED);
	char	num[40];

	if (trusted && sess->peer_CN && *sess->peer_CN)
		(void) xtext_quote(buf, sess->peer_CN, strlen(sess->peer_CN),
				   NULL, XTEXT_FLAG_NONE);
	policy_add(req, "ccert_subject", strbuf_str(buf));
	strbuf_reset(buf);
	if (trusted && sess->issuer_CN && *sess->issuer_CN)
		(void) xtext_quote(buf, sess->issuer_CN,
				   strlen(sess->issuer_CN), NULL,
				   XTEXT_FLAG_NONE);
	policy_add(req, "ccert_issuer", strbuf_str(buf));
	strbuf_free(&buf);
	policy_add(req, "ccert_fingerprint", sess ? sess->peer_cert_fprint : "");
	policy_add(req, "ccert_pubkey_fingerprint", sess ?
		   sess->peer_pkey_fprint : "");
	policy_add(req, "encryption_protocol", sess ? sess->protocol : "");
	policy_add(req, "encryption_cipher", sess ? sess->cipher_name : "");
	(void) snprintf(num, sizeof(num), "%d", sess ? sess->cipher_usebits : 0);
	policy_add(req, "encryption_keysize", num);
}

/* policy_request_text - the whole request, ending in an empty line */

static void
policy_request_text(STRBUF *req, const SMTPD_STATE *state,
		    const POLICY_CLNT *pc)
{
	const char *where = state->where ? state->where : SMTPD_AFTER_CONNECT;
	int	at_data = strcmp(where, SMTPD_CMD_DATA) == 0
		|| strcmp(where, SMTPD_CMD_BDAT) == 0
		|| strcmp(where, SMTPD_AFTER_EOM) == 0;
	const char *recipient = "";
	char	num[40];

	if (strcmp(where, SMTPD_CMD_RCPT) == 0
	    || (at_data && state->rcpt_count == 1))
		recipient = state->recipient;
	strbuf_reset(req);
	policy_add(req, "request", "smtpd_access_policy");
	policy_add(req, "protocol_state", where);
	policy_add(req, "protocol_name", state->protocol ? state->protocol
		   : "SMTP");
	policy_add(req, "helo_name", state->helo_name);
	policy_add(req, "queue_id", state->queue_id);
	policy_add(req, "sender", state->sender);
	policy_add(req, "recipient", recipient);
	(void) snprintf(num, sizeof(num), "%d", at_data ? state->rcpt_count : 0);
	policy_add(req, "recipient_count", num);
	policy_add(req, "client_address", state->addr);
	policy_add(req, "client_name", state->name);
	policy_add(req, "reverse_client_name", state->reverse_name);
	policy_add(req, "instance", policy_instance_value(state));
	policy_add(req, "sasl_method", state->sasl_method);
	policy_add(req, "sasl_username", state->sasl_username);
	policy_add(req, "sasl_sender", state->sasl_sender);
	(void) snprintf(num, sizeof(num), "%ld",
			state->act_size > 0 ? state->act_size : state->msg_size);
	policy_add(req, "size", num);
	policy_tls_attrs(req, state->tls_context);
	policy_add(req, "etrn_domain", strcmp(where, SMTPD_CMD_ETRN) == 0
		   ? state->etrn_domain : "");
	policy_add(req, "stress", var_stress);
	policy_add(req, "client_port", state->port ? state->port : "0");
	policy_add(req, "policy_context", pc->policy_context);
	policy_add(req, "server_address", state->server_addr);
	policy_add(req, "server_port", state->server_port ? state->server_port
		   : "0");
	policy_add(req, "compatibility_level", var_compatibility_level);
	policy_add(req, "mail_version", MAIL_VERSION);
	strbuf_append_char(req, '\n');
}

/*
 * policy_exchange - one try: send the request, read "name=value" lines
 * up to an empty line; 0 with the action, or -1 with a reason
 */

static int
policy_exchange(POLICY_CLNT *pc, const STRBUF *req, STRBUF *action,
		STRBUF *why)
{
	STRBUF *line = strbuf_create(100);
	int	have_action = 0;
	int	lines = 0;
	int	ret;

	if (iostream_write(pc->stream, strbuf_str(req), strbuf_len(req)) < 0
	    || iostream_flush(pc->stream) < 0) {
		strbuf_printf(why, "write: %s", iostream_timeout(pc->stream)
			      ? "timeout" : strerror(iostream_errno(pc->stream)));
		strbuf_free(&line);
		return -1;
	}
	for (;;) {
		ret = iostream_get_line(pc->stream, line, POLICY_LINE_LIMIT,
					IOS_LINE_STRIP_CR);
		if (ret != IOS_LINE_COMPLETE) {
			if (ret == IOS_LINE_MORE)
				strbuf_set(why, "reply line is too long");
			else if (iostream_timeout(pc->stream))
				strbuf_set(why, "read timeout");
			else if (iostream_error(pc->stream))
				strbuf_printf(why, "read: %s",
					      strerror(iostream_errno(pc->stream)));
			else
				strbuf_set(why, "lost connection");
			break;
		}
		if (strbuf_len(line) == 0) {
			if (have_action) {
				strbuf_free(&line);
				return 0;
			}
			strbuf_set(why, "missing attribute action");
			break;
		}
		if (++lines > POLICY_LINE_COUNT) {
			strbuf_set(why, "too many reply lines");
			break;
		}
		if (str_has_prefix(strbuf_str(line), "action=")) {
			strbuf_set(action, strbuf_str(line) + 7);
			have_action = 1;
		} else if (strchr(strbuf_str(line), '=') == NULL) {
			strbuf_printf(why, "malformed reply line \"%.100s\"",
				      strbuf_str(line));
			break;
		}
	}
	strbuf_free(&line);
	return -1;
}

/* policy_expire - drop a connection that is too old or used up */

static void
policy_expire(POLICY_CLNT *pc)
{
	long long now = policy_now_ms();

	if (pc->stream == NULL)
		return;
	if (now - pc->last_used >= pc->max_idle * 1000LL
	    || now - pc->opened >= pc->max_ttl * 1000LL
	    || (pc->request_limit > 0 && pc->requests >= pc->request_limit))
		policy_disconnect(pc);
}

/* smtpd_policy_query - ask a policy server */

int
smtpd_policy_query(SMTPD_STATE *state, const char *spec, STRBUF *action)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *req = strbuf_create(500);
	POLICY_CLNT *pc;
	int	tries;
	int	stale_retried = 0;

	if ((pc = policy_clnt_find(spec, why)) == NULL) {
		log_warn("check_policy_service %s: %s", spec, strbuf_str(why));
		strbuf_set(action, var_smtpd_policy_service_default_action);
		strbuf_free(&why);
		strbuf_free(&req);
		return -1;
	}
	policy_request_text(req, state, pc);
	for (tries = 1;; tries++) {
		strbuf_reset(why);
		policy_expire(pc);
		if (pc->stream != NULL || policy_connect(pc, why) == 0) {
			int	reused = pc->requests > 0;
			int	timed_out;

			if (policy_exchange(pc, req, action, why) == 0) {
				pc->last_used = policy_now_ms();
				pc->requests++;
				strbuf_free(&why);
				strbuf_free(&req);
				return 0;
			}
			timed_out = iostream_timeout(pc->stream);
			policy_disconnect(pc);

			/*
			 * A kept connection that the server has closed in the
			 * meantime is not the server's fault: once per query,
			 * try again on a new one at once, without using a try.
			 */
			if (reused && !timed_out && !stale_retried) {
				stale_retried = 1;
				tries--;
				continue;
			}
		} else
			log_warn("connect to %s: %s", pc->endpoint + 5,
				 strbuf_str(why));
		log_warn("problem talking to server %s: %s", pc->endpoint + 5,
			 strbuf_str(why));
		if (tries >= pc->try_limit)
			break;
		sleep((unsigned) pc->retry_delay);
	}
	strbuf_set(action, pc->default_action);
	strbuf_free(&why);
	strbuf_free(&req);
	return -1;
}

/* smtpd_policy_idle - close expired connections; ms to the next expiry */

int
smtpd_policy_idle(void)
{
	POLICY_CLNT *pc;
	long long now = policy_now_ms();
	long long left;
	long long next = -1;

	for (pc = policy_list; pc; pc = pc->next) {
		policy_expire(pc);
		if (pc->stream == NULL)
			continue;
		left = pc->max_idle * 1000LL - (now - pc->last_used);
		if (pc->max_ttl * 1000LL - (now - pc->opened) < left)
			left = pc->max_ttl * 1000LL - (now - pc->opened);
		if (left < 10)
			left = 10;
		if (next < 0 || left < next)
			next = left;
	}
	return next < 0 ? -1 : (int) (next > INT_MAX ? INT_MAX : next);
}

/* smtpd_policy_close - release connections */

void
smtpd_policy_close(void)
{
	POLICY_CLNT *pc;

	for (pc = policy_list; pc; pc = pc->next)
		policy_disconnect(pc);
}
