/*
 * tls_io.c - the TLS transport of an IOSTREAM, the handshake loop and
 * tls_session_stop()
 *
 * The descriptor is non-blocking from the handshake on; OpenSSL's "want
 * read/write" becomes EAGAIN with the event to wait for, and the
 * stream does the waiting within its own timeouts and deadline, so
 * the rest of the program sees no difference between plaintext and
 * TLS.
 */

#include "sysdeps.h"

#ifdef USE_TLS

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "iostream.h"
#include "params_tls.h"
#include "tls.h"
#include "tls_int.h"

/* tls_io_error - map an SSL_get_error() result for the transport */

static ssize_t
tls_io_error(TLS_IMPL *impl, int ret, int *want)
{
	int	saved = errno;

	switch (SSL_get_error(impl->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*want = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*want = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		tls_log_errors(impl->loglevel >= 1);
		errno = saved ? saved : EIO;
		return -1;
	default:
		tls_log_errors(1);
		errno = EIO;
		return -1;
	}
}

/* tls_io_read - transport read over SSL_read_ex() */

static ssize_t
tls_io_read(void *ctx, void *buf, size_t len, int *want)
{
	TLS_IMPL *impl = ctx;
	size_t  n = 0;
	int	ret;

	ERR_clear_error();
	errno = 0;
	if ((ret = SSL_read_ex(impl->ssl, buf, len, &n)) > 0)
		return (ssize_t) n;
	return tls_io_error(impl, ret, want);
}

/* tls_io_write - transport write over SSL_write_ex() */

static ssize_t
tls_io_write(void *ctx, const void *buf, size_t len, int *want)
{
	TLS_IMPL *impl = ctx;
	size_t  n = 0;
	int	ret;

	ERR_clear_error();
	errno = 0;
	if ((ret = SSL_write_ex(impl->ssl, buf, len, &n)) > 0)
		return (ssize_t) n;
	if (tls_io_error(impl, ret, want) == 0)	/* closed while writing */
		errno = EPIPE;
	return -1;
}

/* tls_io_install - put the TLS transport on stream */

void
tls_io_install(TLS_SESS *sess, IOSTREAM *stream)
{
	iostream_set_transport(stream, tls_io_read, tls_io_write, sess->impl);
}

/* tls_now_ms - monotonic clock in milliseconds */

static long long
tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* tls_handshake - SSL_accept/SSL_connect within timeout seconds */

int
tls_handshake(SSL *ssl, IOSTREAM *stream, int timeout, int is_server,
	      STRBUF *why)
{
	int	fd = iostream_fileno(stream);
	long long deadline = tls_now_ms() + (long long) timeout * 1000;
	unsigned long err;
	int	flags;
	int	ret;
	int	events;
	long long left;

	if ((flags = fcntl(fd, F_GETFL)) < 0
	    || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		strbuf_printf(why, "cannot make the socket non-blocking: %s",
			      strerror(errno));
		return -1;
	}
	if (!SSL_set_fd(ssl, fd)) {
		tls_log_errors(1);
		strbuf_set(why, "cannot attach the socket to TLS");
		return -1;
	}
	for (;;) {
		ERR_clear_error();
		errno = 0;
		ret = is_server ? SSL_accept(ssl) : SSL_connect(ssl);
		if (ret == 1)
			return 0;
		switch (SSL_get_error(ssl, ret)) {
		case SSL_ERROR_WANT_READ:
			events = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			events = POLLOUT;
			break;
		case SSL_ERROR_SYSCALL:
			if ((err = ERR_peek_error()) != 0) {
				strbuf_set(why, ERR_reason_error_string(err) ?
					   ERR_reason_error_string(err) :
					   "TLS library problem");
				tls_log_errors(1);
			} else if (errno && errno != EPIPE && errno != ECONNRESET)
				strbuf_printf(why, "%s", strerror(errno));
			else
				strbuf_set(why, "lost connection");
			return -1;
		case SSL_ERROR_ZERO_RETURN:
			strbuf_set(why, "lost connection");
			return -1;
		default:
			err = ERR_peek_error();
			strbuf_set(why, err && ERR_reason_error_string(err) ?
				   ERR_reason_error_string(err) :
				   "TLS library problem");
			tls_log_errors(1);
			return -1;
		}
		left = timeout > 0 ? deadline - tls_now_ms() : 0;
		if (timeout > 0 && left <= 0) {
			strbuf_set(why, "timeout");
			return -1;
		}
		if (iostream_wait(stream, events, (int) left) < 0) {
			strbuf_set(why, iostream_timeout(stream) ? "timeout" :
				   "lost connection");
			return -1;
		}
	}
}

/* tls_info_callback - loglevel 2: handshake steps and alerts */

void
tls_info_callback(const SSL *ssl, int where, int ret)
{
	const char *op = (where & SSL_ST_CONNECT) ? "SSL_connect" :
	    (where & SSL_ST_ACCEPT) ? "SSL_accept" : "undefined";

	if (where & SSL_CB_LOOP)
		log_info("%s:%s", op, SSL_state_string_long(ssl));
	else if (where & SSL_CB_ALERT)
		log_info("SSL3 alert %s:%s:%s", (where & SSL_CB_READ) ?
			 "read" : "write", SSL_alert_type_string_long(ret),
			 SSL_alert_desc_string_long(ret));
	else if ((where & SSL_CB_EXIT) && ret == 0)
		log_info("%s:failed in %s", op, SSL_state_string_long(ssl));
}

/* tls_session_stop - close_notify, plain transport, free */

void
tls_session_stop(TLS_SESS *sess, IOSTREAM *stream, int failure)
{
	TLS_IMPL *impl = sess->impl;

	if (!failure) {
		(void) iostream_flush(stream);
		ERR_clear_error();
		if (SSL_shutdown(impl->ssl) == 0 && !var_tls_fast_shutdown_enable
		    && iostream_wait(stream, POLLIN, 5000) == 0)
			(void) SSL_shutdown(impl->ssl);
		ERR_clear_error();
	} else {
		SSL_set_quiet_shutdown(impl->ssl, 1);
		/* A failed session must not be resumed. */
		if (SSL_get_session(impl->ssl))
			SSL_CTX_remove_session(SSL_get_SSL_CTX(impl->ssl),
					       SSL_get_session(impl->ssl));
	}
	iostream_set_transport(stream, 0, 0, 0);
	tls_session_free(sess);
}

#endif					/* USE_TLS */
