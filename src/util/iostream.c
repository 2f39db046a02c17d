/*
 * iostream.c - buffered stream over a file descriptor or memory
 *
 * The read buffer holds unread data in rbuf[rpos..rlen); it is refilled
 * only when empty (or, for the line reader's CR look-ahead, compacted
 * first), so every byte is copied a bounded number of times and reading
 * n bytes costs O(n). Large reads and writes bypass the buffers.
 *
 * All waiting happens in ios_wait(), which polls only when a timeout or
 * deadline is set or a non-blocking descriptor said EAGAIN. A write to
 * a socket uses send(MSG_NOSIGNAL), so a peer that went away is an
 * EPIPE error on this stream rather than a SIGPIPE for the process.
 */

#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "iostream.h"

#define IOS_BUFSIZE	4096

/* What the stream may do. */
#define IOS_MODE_READ	(1 << 0)
#define IOS_MODE_WRITE	(1 << 1)

/* State bits. */
#define IOS_FLAG_EOF	(1 << 0)	/* read side saw end of file */
#define IOS_FLAG_ERR	(1 << 1)	/* an I/O error: sticky */
#define IOS_FLAG_TIMEOUT (1 << 2)	/* a timeout or deadline: sticky */
#define IOS_FLAG_NOTSOCK (1 << 3)	/* send() said ENOTSOCK: use write() */
#define IOS_FLAG_MEM	(1 << 4)	/* memory stream, fd is -1 */

#define IOS_FAILED	(IOS_FLAG_ERR | IOS_FLAG_TIMEOUT)

#define NS_PER_SEC	1000000000LL
#define NS_PER_MS	1000000LL

struct IOSTREAM {
	int     fd;
	int     mode;			/* IOS_MODE_* */
	int     flags;			/* IOS_FLAG_* */
	int     err;			/* errno of the first failure */
	unsigned char *rbuf;		/* unread data is rbuf[rpos..rlen) */
	size_t  rsize;
	size_t  rpos;
	size_t  rlen;
	unsigned char *wbuf;		/* pending output is wbuf[0..wlen) */
	size_t  wsize;
	size_t  wlen;
	int     read_ms;		/* per-call timeouts, 0: none */
	int     write_ms;
	int64_t deadline;		/* monotonic ns, 0: no deadline */
	int64_t total;			/* deadline length, ns */
	int     min_rate;		/* bytes/s that extend the deadline */
	STRBUF *mem_out;		/* borrowed, memcreate streams */
	STRBUF *fmt;			/* printf scratch */
	IOSTREAM_READ_FN tr_read;	/* transport, NULL: system calls */
	IOSTREAM_WRITE_FN tr_write;
	void   *tr_ctx;
};

/* ios_now - monotonic time in nanoseconds */

static int64_t
ios_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		log_panic("clock_gettime: %m");
	return (int64_t) ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* ios_fail - make the stream fail, remembering the first errno */

static void
ios_fail(IOSTREAM *st, int flag, int err)
{
	st->flags |= flag;
	if (st->err == 0)
		st->err = err;
	errno = err;
}

/* ios_create - common part of the constructors */

static IOSTREAM *
ios_create(int fd, int mode)
{
	IOSTREAM *st = xcalloc(1, sizeof(*st));

	st->fd = fd;
	st->mode = mode;
	return st;
}

/* iostream_fdopen - stream over a descriptor */

IOSTREAM *
iostream_fdopen(int fd, int flags)
{
	int     mode;

	if (fd < 0)
		log_panic("iostream_fdopen: bad descriptor %d", fd);
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		mode = IOS_MODE_READ;
		break;
	case O_WRONLY:
		mode = IOS_MODE_WRITE;
		break;
	default:
		mode = IOS_MODE_READ | IOS_MODE_WRITE;
		break;
	}
	return ios_create(fd, mode);
}

/* iostream_memopen - read-only stream over a copy of a buffer */

IOSTREAM *
iostream_memopen(const void *buf, size_t len)
{
	IOSTREAM *st = ios_create(-1, IOS_MODE_READ);

	st->flags |= IOS_FLAG_MEM;
	st->rsize = len ? len : 1;
	st->rbuf = xmalloc(st->rsize);
	if (len)
		memcpy(st->rbuf, buf, len);
	st->rlen = len;
	return st;
}

/* iostream_memcreate - write-only stream that appends to a STRBUF */

IOSTREAM *
iostream_memcreate(STRBUF *out)
{
	IOSTREAM *st = ios_create(-1, IOS_MODE_WRITE);

	st->flags |= IOS_FLAG_MEM;
	st->mem_out = out;
	return st;
}

/* ios_free - release memory, leave the descriptor alone */

static void
ios_free(IOSTREAM *st)
{
	xfree(st->rbuf);
	xfree(st->wbuf);
	if (st->fmt)
		strbuf_free(&st->fmt);
	xfree(st);
}

/* iostream_fdclose - flush and free, keep the descriptor */

int
iostream_fdclose(IOSTREAM *st)
{
	int     ret = iostream_flush(st);

	ios_free(st);
	return ret;
}

/* iostream_close - flush, close and free */

int
iostream_close(IOSTREAM *st)
{
	int     ret = iostream_flush(st);
	int     saved;

	if (st->fd >= 0 && close(st->fd) < 0 && ret == 0)
		ret = -1;
	saved = errno;
	ios_free(st);
	errno = saved;
	return ret;
}

/* iostream_set_timeout - same per-call timeout both ways, in seconds */

void
iostream_set_timeout(IOSTREAM *st, int seconds)
{
	int     ms = (seconds <= 0) ? 0 :
	    (seconds > INT_MAX / 1000) ? INT_MAX : seconds * 1000;

	iostream_set_timeout_ms(st, ms, ms);
}

/* iostream_set_timeout_ms - per-call timeouts, in milliseconds */

void
iostream_set_timeout_ms(IOSTREAM *st, int read_ms, int write_ms)
{
	st->read_ms = read_ms > 0 ? read_ms : 0;
	st->write_ms = write_ms > 0 ? write_ms : 0;
}

/* iostream_set_deadline - start a total time budget */

void
iostream_set_deadline(IOSTREAM *st, int total_ms, int min_rate)
{
	st->total = (int64_t) (total_ms > 0 ? total_ms : 0) * NS_PER_MS;
	st->min_rate = min_rate > 0 ? min_rate : 0;
	st->deadline = ios_now() + st->total;
	if (st->deadline == 0)			/* 0 means "none" */
		st->deadline = 1;
}

/* iostream_clear_deadline - back to per-call timeouts */

void
iostream_clear_deadline(IOSTREAM *st)
{
	st->deadline = 0;
}

/*
 * ios_credit - n bytes moved: extend the deadline at the minimum rate
 * (smtpd_min_data_rate), but never past the full budget from now.
 */
static void
ios_credit(IOSTREAM *st, size_t n)
{
	int64_t now, ext, cap;

	if (st->deadline == 0 || st->min_rate == 0 || n == 0)
		return;
	now = ios_now();
	cap = now + st->total;
	if (n / st->min_rate >= (size_t) (st->total / NS_PER_SEC + 1)) {
		st->deadline = cap;
		return;
	}
	ext = (int64_t) (n / st->min_rate) * NS_PER_SEC
	    + (int64_t) (n % st->min_rate) * NS_PER_SEC / st->min_rate;
	st->deadline = (st->deadline > cap - ext) ? cap : st->deadline + ext;
}

/*
 * ios_wait - wait until fd is ready for events, within the per-call
 * timeout and the deadline. Without either, it polls only when force
 * is set (a non-blocking descriptor said EAGAIN). Returns 0 when the
 * caller may try the system call, -1 after a timeout or poll error.
 */
static int
ios_wait(IOSTREAM *st, short events, int op_ms, int force)
{
	struct pollfd pfd;
	int64_t start, now, left, dl_left;
	int     limited, wait_ms, n;

	if (op_ms <= 0 && st->deadline == 0 && !force)
		return 0;
	start = ios_now();
	for (;;) {
		now = ios_now();
		limited = 0;
		left = 0;
		if (op_ms > 0) {
			left = start + op_ms * NS_PER_MS - now;
			limited = 1;
		}
		if (st->deadline) {
			dl_left = st->deadline - now;
			if (!limited || dl_left < left)
				left = dl_left;
			limited = 1;
		}
		if (limited && left <= 0) {
			ios_fail(st, IOS_FLAG_TIMEOUT, ETIMEDOUT);
			return -1;
		}
		/* Round up, so that an early wake-up does not spin. */
		wait_ms = !limited ? -1 :
		    (left / NS_PER_MS >= INT_MAX - 1) ? INT_MAX :
		    (int) ((left + NS_PER_MS - 1) / NS_PER_MS);
		pfd.fd = st->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ios_fail(st, IOS_FLAG_ERR, errno);
			return -1;
		}
		if (n == 0)
			continue;			/* the loop top decides */
		if (pfd.revents & POLLNVAL) {
			ios_fail(st, IOS_FLAG_ERR, EBADF);
			return -1;
		}
		/* Ready, or POLLERR/POLLHUP that the system call will report. */
		return 0;
	}
}

/*
 * ios_sys_write - one write attempt. Sockets get no SIGPIPE. When the
 * time is limited the call must not block after poll() said writable:
 * a socket write is made non-blocking, and a pipe write is cut to
 * PIPE_BUF, which fits once poll() reports space.
 */
static ssize_t
ios_sys_write(IOSTREAM *st, const unsigned char *p, size_t n, int timed)
{
	ssize_t w;

	if (!(st->flags & IOS_FLAG_NOTSOCK)) {
		w = send(st->fd, p, n, MSG_NOSIGNAL | (timed ? MSG_DONTWAIT : 0));
		if (w >= 0 || errno != ENOTSOCK)
			return w;
		st->flags |= IOS_FLAG_NOTSOCK;
	}
	if (timed && n > PIPE_BUF)
		n = PIPE_BUF;
	return write(st->fd, p, n);
}

/*
 * ios_write_all - write n bytes, riding out EINTR, EAGAIN and partial
 * writes. Returns 0, or -1 with the stream failed.
 */
static int
ios_write_all(IOSTREAM *st, const unsigned char *p, size_t n)
{
	ssize_t w;
	int     force = 0;
	int     want = POLLOUT;		/* a transport's wait */

	if (st->flags & IOS_FAILED)
		return -1;
	if (!(st->mode & IOS_MODE_WRITE)) {
		ios_fail(st, IOS_FLAG_ERR, EBADF);
		return -1;
	}
	if (st->flags & IOS_FLAG_MEM) {
		if (strbuf_append(st->mem_out, p, n) < 0) {
			ios_fail(st, IOS_FLAG_ERR, ENOSPC);
			return -1;
		}
		return 0;
	}
	while (n > 0) {
		if (st->tr_write != NULL) {
			if (force && ios_wait(st, (short) want, st->write_ms, 1) < 0)
				return -1;
			w = st->tr_write(st->tr_ctx, p, n, &want);
		} else {
			if (ios_wait(st, POLLOUT, st->write_ms, force) < 0)
				return -1;
			w = ios_sys_write(st, p, n,
					  st->write_ms > 0 || st->deadline != 0);
		}
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				force = 1;
				continue;
			}
			ios_fail(st, IOS_FLAG_ERR, errno);
			return -1;
		}
		force = 0;
		p += w;
		n -= (size_t) w;
		ios_credit(st, (size_t) w);
	}
	return 0;
}

/* ios_flush_buf - write out the write buffer; dropped on failure */

static int
ios_flush_buf(IOSTREAM *st)
{
	size_t  n = st->wlen;

	if (n == 0)
		return (st->flags & IOS_FAILED) ? -1 : 0;
	st->wlen = 0;
	return ios_write_all(st, st->wbuf, n);
}

/*
 * ios_sys_read - one read into dst. Flushes pending output first, so a
 * peer is never left waiting for a reply we still hold. Returns the
 * byte count, 0 at end of file, -1 with the stream failed.
 */
static ssize_t
ios_sys_read(IOSTREAM *st, void *dst, size_t size)
{
	ssize_t n;
	int     force = 0;
	int     want = POLLIN;		/* a transport's wait */

	if (st->flags & IOS_FAILED)
		return -1;
	if (st->flags & IOS_FLAG_EOF)
		return 0;
	if (!(st->mode & IOS_MODE_READ)) {
		ios_fail(st, IOS_FLAG_ERR, EBADF);
		return -1;
	}
	if (st->flags & IOS_FLAG_MEM) {
		st->flags |= IOS_FLAG_EOF;
		return 0;
	}
	if (st->wlen > 0 && ios_flush_buf(st) < 0)
		return -1;
	for (;;) {
		if (st->tr_read != NULL) {
			if (force && ios_wait(st, (short) want, st->read_ms, 1) < 0)
				return -1;
			n = st->tr_read(st->tr_ctx, dst, size, &want);
		} else {
			if (ios_wait(st, POLLIN, st->read_ms, force) < 0)
				return -1;
			n = read(st->fd, dst, size);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				force = 1;
				continue;
			}
			ios_fail(st, IOS_FLAG_ERR, errno);
			return -1;
		}
		if (n == 0) {
			st->flags |= IOS_FLAG_EOF;
			return 0;
		}
		ios_credit(st, (size_t) n);
		return n;
	}
}

/*
 * ios_fill - read more data after what is buffered, compacting or
 * growing the buffer to make room. Returns bytes added, 0 at end of
 * file, -1 on failure.
 */
static ssize_t
ios_fill(IOSTREAM *st)
{
	ssize_t n;

	if (st->flags & (IOS_FAILED | IOS_FLAG_EOF))
		return (st->flags & IOS_FAILED) ? -1 : 0;
	if (st->flags & IOS_FLAG_MEM)
		return ios_sys_read(st, NULL, 0);	/* sets EOF, keeps data */
	if (st->rbuf == NULL) {
		st->rsize = IOS_BUFSIZE;
		st->rbuf = xmalloc(st->rsize);
	}
	if (st->rpos == st->rlen) {
		st->rpos = st->rlen = 0;
	} else if (st->rlen == st->rsize) {
		if (st->rpos > 0) {
			memmove(st->rbuf, st->rbuf + st->rpos, st->rlen - st->rpos);
			st->rlen -= st->rpos;
			st->rpos = 0;
		} else {
			st->rsize = size_mul(st->rsize, 2);
			st->rbuf = xrealloc(st->rbuf, st->rsize);
		}
	}
	n = ios_sys_read(st, st->rbuf + st->rlen, st->rsize - st->rlen);
	if (n > 0)
		st->rlen += (size_t) n;
	return n;
}

/* iostream_getc - next byte */

int
iostream_getc(IOSTREAM *st)
{
	if (st->rpos == st->rlen && ios_fill(st) <= 0)
		return IOS_EOF;
	return st->rbuf[st->rpos++];
}

/* iostream_ungetc - push back one byte */

int
iostream_ungetc(IOSTREAM *st, int ch)
{
	if (ch == IOS_EOF)
		return IOS_EOF;
	if (st->rbuf == NULL) {
		st->rsize = IOS_BUFSIZE;
		st->rbuf = xmalloc(st->rsize);
	}
	if (st->rpos == 0) {
		/* Rare: make a hole at the front. */
		if (st->rlen == st->rsize) {
			st->rsize = size_mul(st->rsize, 2);
			st->rbuf = xrealloc(st->rbuf, st->rsize);
		}
		memmove(st->rbuf + 1, st->rbuf, st->rlen);
		st->rlen++;
		st->rpos = 1;
	}
	st->rbuf[--st->rpos] = (unsigned char) ch;
	return (unsigned char) ch;
}

/* iostream_read_pending - buffered unread bytes */

size_t
iostream_read_pending(IOSTREAM *st)
{
	return st->rlen - st->rpos;
}

/* iostream_read - read len bytes, short only at the end */

size_t
iostream_read(IOSTREAM *st, void *buf, size_t len)
{
	unsigned char *dst = buf;
	size_t  got = 0, n;
	ssize_t r;

	while (got < len) {
		n = st->rlen - st->rpos;
		if (n > 0) {
			if (n > len - got)
				n = len - got;
			memcpy(dst + got, st->rbuf + st->rpos, n);
			st->rpos += n;
			got += n;
		} else if (len - got >= IOS_BUFSIZE
			   && !(st->flags & IOS_FLAG_MEM)) {
			/* Big request, empty buffer: skip the copy. */
			if ((r = ios_sys_read(st, dst + got, len - got)) <= 0)
				break;
			got += (size_t) r;
		} else if (ios_fill(st) <= 0) {
			break;
		}
	}
	return got;
}

/* iostream_get_record - read exactly len bytes into a STRBUF */

int
iostream_get_record(IOSTREAM *st, STRBUF *rec, size_t len)
{
	size_t  n;

	strbuf_reset(rec);
	if (rec->limit && len > rec->limit)
		return -1;
	while (strbuf_len(rec) < len) {
		if (st->rpos == st->rlen && ios_fill(st) <= 0)
			return -1;
		n = st->rlen - st->rpos;
		if (n > len - strbuf_len(rec))
			n = len - strbuf_len(rec);
		strbuf_append(rec, st->rbuf + st->rpos, n);
		st->rpos += n;
	}
	return 0;
}

/* ios_line_done - a line ends here: strip a CR if asked */

static int
ios_line_done(STRBUF *line, int flags)
{
	if ((flags & IOS_LINE_STRIP_CR) && strbuf_last(line) == '\r')
		strbuf_truncate(line, strbuf_len(line) - 1);
	return IOS_LINE_COMPLETE;
}

/* iostream_get_line - bounded line reader */

int
iostream_get_line(IOSTREAM *st, STRBUF *line, size_t limit, int flags)
{
	const unsigned char *p, *lf;
	size_t  lim, room, n, scan;

	lim = limit ? limit : SIZE_MAX;
	if (line->limit && line->limit < lim)
		lim = line->limit;
	strbuf_reset(line);

	for (;;) {
		if (st->rpos == st->rlen && ios_fill(st) <= 0)
			return strbuf_len(line) > 0 ? IOS_LINE_LAST : IOS_EOF;
		p = st->rbuf + st->rpos;
		n = st->rlen - st->rpos;
		room = lim - strbuf_len(line);
		/* The LF may sit right after room content bytes. */
		scan = (n <= room) ? n : room + 1;
		if ((lf = memchr(p, '\n', scan)) != NULL) {
			strbuf_append(line, p, (size_t) (lf - p));
			st->rpos += (size_t) (lf - p) + 1;
			return ios_line_done(line, flags);
		}
		if (n <= room) {
			strbuf_append(line, p, n);
			st->rpos += n;
			continue;
		}

		/*
		 * The line is longer than the limit, unless the byte after the
		 * limit is a CR that we strip and a LF follows it. That LF may
		 * still be unread.
		 */
		strbuf_append(line, p, room);
		st->rpos += room;
		if ((flags & IOS_LINE_STRIP_CR) && p[room] == '\r') {
			if (st->rlen - st->rpos < 2)
				(void) ios_fill(st);
			if (st->rlen - st->rpos >= 2
			    && st->rbuf[st->rpos + 1] == '\n') {
				st->rpos += 2;
				return IOS_LINE_COMPLETE;
			}
		}
		return IOS_LINE_MORE;
	}
}

/* iostream_write - buffered output */

int
iostream_write(IOSTREAM *st, const void *buf, size_t len)
{
	const unsigned char *src = buf;
	size_t  n;

	if (st->flags & IOS_FAILED)
		return -1;
	if (!(st->mode & IOS_MODE_WRITE)) {
		ios_fail(st, IOS_FLAG_ERR, EBADF);
		return -1;
	}
	while (len > 0) {
		if (st->wlen == 0 && len >= IOS_BUFSIZE)
			return ios_write_all(st, src, len);	/* skip the copy */
		if (st->wbuf == NULL) {
			st->wsize = IOS_BUFSIZE;
			st->wbuf = xmalloc(st->wsize);
		}
		if (st->wlen == st->wsize) {
			if (ios_flush_buf(st) < 0)
				return -1;
			continue;
		}
		n = st->wsize - st->wlen;
		if (n > len)
			n = len;
		memcpy(st->wbuf + st->wlen, src, n);
		st->wlen += n;
		src += n;
		len -= n;
	}
	return 0;
}

/* iostream_putc - write one byte */

int
iostream_putc(IOSTREAM *st, int ch)
{
	unsigned char c = (unsigned char) ch;

	return iostream_write(st, &c, 1);
}

/* iostream_puts - write a C string, no newline added */

int
iostream_puts(IOSTREAM *st, const char *str)
{
	return iostream_write(st, str, strlen(str));
}

/* iostream_vprintf - formatted output */

int
iostream_vprintf(IOSTREAM *st, const char *fmt, va_list ap)
{
	if (st->flags & IOS_FAILED)
		return -1;
	if (st->fmt == NULL)
		st->fmt = strbuf_create(100);
	strbuf_reset(st->fmt);
	strbuf_append_vprintf(st->fmt, fmt, ap);
	return iostream_write(st, strbuf_str(st->fmt), strbuf_len(st->fmt));
}

/* iostream_printf - formatted output */

int
iostream_printf(IOSTREAM *st, const char *fmt, ...)
{
	va_list ap;
	int     ret;

	va_start(ap, fmt);
	ret = iostream_vprintf(st, fmt, ap);
	va_end(ap);
	return ret;
}

/* iostream_flush - write out buffered data, report any failure */

int
iostream_flush(IOSTREAM *st)
{
	if (st->wlen > 0)
		return ios_flush_buf(st);
	return (st->flags & IOS_FAILED) ? -1 : 0;
}

/* iostream_seek - flush, forget read-ahead, move the offset */

off_t
iostream_seek(IOSTREAM *st, off_t offset, int whence)
{
	off_t   pos, base;

	if (iostream_flush(st) < 0)
		return -1;
	if (st->flags & IOS_FLAG_MEM) {
		if (st->mem_out) {
			errno = ESPIPE;
			return -1;
		}
		base = (whence == SEEK_SET) ? 0 :
		    (whence == SEEK_CUR) ? (off_t) st->rpos : (off_t) st->rlen;
		if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		    || (offset < 0 && -offset > base)
		    || (offset > 0 && offset > (off_t) st->rlen - base)) {
			errno = EINVAL;
			return -1;
		}
		st->rpos = (size_t) (base + offset);
		st->flags &= ~IOS_FLAG_EOF;
		return (off_t) st->rpos;
	}
	/* The kernel offset is past the read-ahead we are about to drop. */
	if (whence == SEEK_CUR)
		offset -= (off_t) (st->rlen - st->rpos);
	if ((pos = lseek(st->fd, offset, whence)) < 0)
		return -1;
	st->rpos = st->rlen = 0;
	st->flags &= ~IOS_FLAG_EOF;
	return pos;
}

/* iostream_tell - logical offset */

off_t
iostream_tell(IOSTREAM *st)
{
	off_t   pos;

	if (st->flags & IOS_FLAG_MEM)
		return st->mem_out ? (off_t) (strbuf_len(st->mem_out) + st->wlen)
		    : (off_t) st->rpos;
	if ((pos = lseek(st->fd, 0, SEEK_CUR)) < 0)
		return -1;
	return pos - (off_t) (st->rlen - st->rpos) + (off_t) st->wlen;
}

/* iostream_fileno - the descriptor, -1 for memory streams */

int
iostream_fileno(IOSTREAM *st)
{
	return st->fd;
}

/* iostream_eof - read side reached end of file */

int
iostream_eof(IOSTREAM *st)
{
	return (st->flags & IOS_FLAG_EOF) != 0;
}

/* iostream_error - an I/O error happened */

int
iostream_error(IOSTREAM *st)
{
	return (st->flags & IOS_FLAG_ERR) != 0;
}

/* iostream_timeout - a timeout or deadline expired */

int
iostream_timeout(IOSTREAM *st)
{
	return (st->flags & IOS_FLAG_TIMEOUT) != 0;
}

/* iostream_errno - errno of the first failure */

int
iostream_errno(IOSTREAM *st)
{
	return st->err;
}

/* iostream_clearerr - forget end of file and failures */

void
iostream_clearerr(IOSTREAM *st)
{
	st->flags &= ~(IOS_FLAG_EOF | IOS_FAILED);
	st->err = 0;
}

/* iostream_set_transport - replace or restore the system calls */

void
iostream_set_transport(IOSTREAM *st, IOSTREAM_READ_FN rd,
		       IOSTREAM_WRITE_FN wr, void *ctx)
{
	if (st->flags & IOS_FLAG_MEM)
		log_panic("iostream_set_transport: memory stream");
	st->tr_read = rd;
	st->tr_write = wr;
	st->tr_ctx = ctx;
}

/* iostream_wait - wait for the descriptor, within timeout and deadline */

int
iostream_wait(IOSTREAM *st, int events, int timeout_ms)
{
	if (st->flags & IOS_FAILED)
		return -1;
	if (st->flags & IOS_FLAG_MEM)
		return 0;
	return ios_wait(st, (short) events, timeout_ms, 1);
}

/* iostream_purge_input - drop unread input */

size_t
iostream_purge_input(IOSTREAM *st)
{
	size_t  n = st->rlen - st->rpos;

	st->rpos = st->rlen = 0;
	return n;
}
