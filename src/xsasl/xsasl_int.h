/*
 * xsasl_int.h - internals shared by the SASL back-ends
 */

#ifndef XSASL_INT_H
#define XSASL_INT_H

#include "sysdeps.h"

struct STRBUF;

/*
 * Security options (smtpd_sasl_security_options and friends) as bits:
 * each excludes mechanisms with that weakness, or requires a property.
 */
#define XSASL_SEC_NOPLAINTEXT	(1 << 0)
#define XSASL_SEC_NOACTIVE	(1 << 1)
#define XSASL_SEC_NODICTIONARY	(1 << 2)
#define XSASL_SEC_NOANONYMOUS	(1 << 3)
#define XSASL_SEC_FORWARD_SECRECY (1 << 4)
#define XSASL_SEC_MUTUAL_AUTH	(1 << 5)

/*
 * "noanonymous, noplaintext" to bits. Returns 0 with *flags set, or -1
 * with the unknown word in why.
 */
extern int xsasl_security_parse(const char *options, int *flags,
				struct STRBUF *why);

#include "xsasl.h"

/*
 * Back-end tables. A back-end's implementation and session objects start
 * with these structures; the dispatch functions in xsasl_server.c and
 * xsasl_client.c call through them.
 */
struct XSASL_SERVER_IMPL {
	XSASL_SERVER *(*create) (XSASL_SERVER_IMPL *, const XSASL_SERVER_CREATE *,
				 struct STRBUF *);
	void	(*done) (XSASL_SERVER_IMPL *);
};

struct XSASL_SERVER {
	void	(*free) (XSASL_SERVER *);
	const char *(*get_mechanism_list) (XSASL_SERVER *);
	int	(*first) (XSASL_SERVER *, const char *, const char *,
			  struct STRBUF *);
	int	(*next) (XSASL_SERVER *, const char *, struct STRBUF *);
	const char *(*get_username) (XSASL_SERVER *);
};

struct XSASL_CLIENT_IMPL {
	XSASL_CLIENT *(*create) (XSASL_CLIENT_IMPL *, const XSASL_CLIENT_CREATE *,
				 struct STRBUF *);
	void	(*done) (XSASL_CLIENT_IMPL *);
};

struct XSASL_CLIENT {
	void	(*free) (XSASL_CLIENT *);
	int	(*first) (XSASL_CLIENT *, const char *, struct STRBUF *,
			  struct STRBUF *, struct STRBUF *);
	int	(*next) (XSASL_CLIENT *, const char *, struct STRBUF *,
			 struct STRBUF *);
};

/* Longest decoded response or challenge a back-end accepts. */
#define XSASL_MAX_DECODED	(64 * 1024)

#ifdef USE_SASL_AUTH
#ifdef USE_CYRUS_SASL
extern XSASL_SERVER_IMPL *xsasl_cyrus_server_init(const char *, const char *,
						  struct STRBUF *);
extern XSASL_CLIENT_IMPL *xsasl_cyrus_client_init(const char *, const char *,
						  struct STRBUF *);
/*
 * libsasl2 stores every callback as int (*)(void); going through
 * void (*)(void) tells the compiler the cast is meant.
 */
#define XSASL_CYRUS_PROC(fn)	((int (*)(void)) (void (*)(void)) (fn))
/* Shared by the Cyrus server and client: global callbacks, once. */
extern const void *xsasl_cyrus_callbacks(void);
extern const char *xsasl_cyrus_strerror(int status);

/*
 * A libsasl2 failure status as XSASL_AUTH_TEMP (resources, try again,
 * unavailable; with fail_is_temp also SASL_FAIL) or XSASL_AUTH_FAIL,
 * with libsasl2's text in why.
 */
extern int xsasl_cyrus_failure(int status, int fail_is_temp,
			       struct STRBUF *why);
/* XSASL_SEC_* to libsasl2 SASL_SEC_* bits. */
extern unsigned xsasl_cyrus_sec_flags(int xsasl_flags);
#endif
/* Seconds for each connect, read and write (tests shorten it). */
extern int xsasl_dovecot_timeout;
extern XSASL_SERVER_IMPL *xsasl_dovecot_server_init(const char *, const char *,
						    struct STRBUF *);
#endif

#endif
