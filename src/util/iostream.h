/*
 * iostream.h - buffered stream over a file descriptor or memory
 *
 * An IOSTREAM has separate read and write buffers, so one stream serves
 * a socket in both directions. Every read or write system call can be
 * bounded by a per-operation timeout, and optionally by a total deadline
 * that data transfer extends at a minimum rate (Postfix's
 * smtpd_timeout with smtpd_per_request_deadline and smtpd_min_data_rate).
 *
 * Errors and timeouts are sticky: after the first one the stream does
 * no more system calls, writes are dropped, reads return what is still
 * buffered and then IOS_EOF, and iostream_flush() returns -1. A caller
 * checks once per protocol step. End of file is sticky on the read side
 * only; it does not stop writes.
 *
 * A stream that can both read and write flushes its write buffer before
 * it blocks for input, so a command/reply protocol never deadlocks and
 * pipelined replies go out together when the input runs dry.
 */

#ifndef IOSTREAM_H
#define IOSTREAM_H

#include "sysdeps.h"

#include <fcntl.h>		/* O_RDONLY, O_WRONLY, O_RDWR */
#include <sys/types.h>

struct STRBUF;

typedef struct IOSTREAM IOSTREAM;

/* Returned by iostream_getc() at end of file, error or timeout. */
#define IOS_EOF		(-1)

/*
 * Open a stream over fd. flags is O_RDONLY, O_WRONLY or O_RDWR (other
 * bits are ignored). The stream owns fd: iostream_close() closes it.
 * No timeout is set.
 */
extern IOSTREAM *iostream_fdopen(int fd, int flags);

/* A read-only stream over a copy of len bytes at buf. Never blocks. */
extern IOSTREAM *iostream_memopen(const void *buf, size_t len);

/*
 * A write-only stream whose output is appended to out (borrowed: it
 * must outlive the stream) whenever the stream flushes. When out's
 * limit refuses data the stream fails with ENOSPC.
 */
extern IOSTREAM *iostream_memcreate(struct STRBUF *out);

/*
 * Flush, close the descriptor and free the stream. Returns 0, or -1 if
 * anything failed during the life of the stream or the close failed.
 */
extern int iostream_close(IOSTREAM *st);

/* Same, but leave the descriptor open for the caller. */
extern int iostream_fdclose(IOSTREAM *st);

/*
 * Timeouts for each read or write system call; 0 means wait forever.
 * The first form takes seconds and sets both directions.
 */
extern void iostream_set_timeout(IOSTREAM *st, int seconds);
extern void iostream_set_timeout_ms(IOSTREAM *st, int read_ms, int write_ms);

/*
 * Start (or restart) a total deadline of total_ms from now for all
 * reads and writes together; each system call then waits at most the
 * smaller of its own timeout and the time left. With min_rate > 0,
 * every N bytes transferred extend the deadline by N/min_rate seconds,
 * never beyond total_ms from the present. Clear it to go back to
 * per-operation timeouts only.
 */
extern void iostream_set_deadline(IOSTREAM *st, int total_ms, int min_rate);
extern void iostream_clear_deadline(IOSTREAM *st);

/* Next byte as unsigned char, or IOS_EOF. */
extern int iostream_getc(IOSTREAM *st);

/* Push one byte back; the next read returns it. Returns ch, or IOS_EOF. */
extern int iostream_ungetc(IOSTREAM *st, int ch);

/*
 * Read len bytes into buf. Returns len, or fewer at end of file, error
 * or timeout (tell them apart with iostream_eof() and friends).
 */
extern size_t iostream_read(IOSTREAM *st, void *buf, size_t len);

/*
 * Read exactly len bytes into rec, replacing its contents. Returns 0,
 * or -1 when fewer arrived (rec holds those). When len is more than
 * rec's limit, returns -1 and consumes nothing.
 */
extern int iostream_get_record(IOSTREAM *st, struct STRBUF *rec, size_t len);

/*
 * Read one line into line (its contents are replaced), up to and
 * without the LF; with IOS_LINE_STRIP_CR a CR right before the LF goes
 * too. At most limit bytes are stored (0: no limit, only for trusted
 * input; line's own limit also applies). Returns:
 *   IOS_LINE_COMPLETE	a whole line was read
 *   IOS_LINE_MORE	limit bytes were read and the line goes on: the
 *			next call returns the rest (Postfix writes such
 *			pieces as continuation records)
 *   IOS_LINE_LAST	the input ended (end of file, error or timeout)
 *			without a final LF; line has the text after the
 *			last LF
 *   IOS_EOF		nothing was read: end of file, error or timeout
 */
#define IOS_LINE_STRIP_CR	(1 << 0)

#define IOS_LINE_COMPLETE	1
#define IOS_LINE_MORE		2
#define IOS_LINE_LAST		3

extern int iostream_get_line(IOSTREAM *st, struct STRBUF *line,
			     size_t limit, int flags);

/* Bytes that are buffered and can be read without a system call. */
extern size_t iostream_read_pending(IOSTREAM *st);

/*
 * Output. Each returns 0, or -1 when the stream has failed (now or
 * before); data is buffered and may fail only at a later flush.
 */
extern int iostream_write(IOSTREAM *st, const void *buf, size_t len);
extern int iostream_putc(IOSTREAM *st, int ch);
extern int iostream_puts(IOSTREAM *st, const char *str);
extern int iostream_printf(IOSTREAM *st, const char *fmt, ...) PRINTFLIKE(2, 3);
extern int iostream_vprintf(IOSTREAM *st, const char *fmt, va_list ap) PRINTFLIKE(2, 0);

/* Write out the buffer. Returns 0, or -1 if anything has failed. */
extern int iostream_flush(IOSTREAM *st);

/*
 * Flush, drop read-ahead, and move the file offset (lseek() whence).
 * Returns the new offset, or -1 (the stream is then failed if the
 * flush failed; a refused lseek() only sets errno).
 */
extern off_t iostream_seek(IOSTREAM *st, off_t offset, int whence);

/* Logical offset: the next byte read or written. -1 if unknown. */
extern off_t iostream_tell(IOSTREAM *st);

/* State. iostream_errno() is the errno of the first failure, or 0. */
extern int iostream_fileno(IOSTREAM *st);
extern int iostream_eof(IOSTREAM *st);
extern int iostream_error(IOSTREAM *st);
extern int iostream_timeout(IOSTREAM *st);
extern int iostream_errno(IOSTREAM *st);

/* Forget end of file, errors and timeouts (e.g. to retry a read). */
extern void iostream_clearerr(IOSTREAM *st);

/*
 * Transports. A transport (TLS) replaces the read and write system
 * calls of a descriptor stream; buffering, timeouts and deadlines stay
 * the stream's. Each function moves at most len bytes and returns the
 * count, 0 for end of file (read only), or -1 with errno set. EAGAIN
 * means "not now": the function sets *want to what the descriptor must
 * become ready for (POLLIN or POLLOUT) and the stream waits for it
 * within its timeouts, then calls again. The stream calls a transport
 * before it waits, so data the transport holds decoded is never
 * stranded; the descriptor should therefore be non-blocking.
 * iostream_set_transport(st, NULL, NULL, NULL) goes back to plain
 * system calls. Pending output is not flushed by the switch: flush
 * first.
 */
typedef ssize_t (*IOSTREAM_READ_FN) (void *ctx, void *buf, size_t len,
				     int *want);
typedef ssize_t (*IOSTREAM_WRITE_FN) (void *ctx, const void *buf,
				      size_t len, int *want);

extern void iostream_set_transport(IOSTREAM *st, IOSTREAM_READ_FN rd,
				   IOSTREAM_WRITE_FN wr, void *ctx);

/*
 * Wait until the descriptor is ready for events (POLLIN, POLLOUT), at
 * most timeout_ms (0: no per-call limit) and within the deadline.
 * Returns 0, or -1 when the stream failed (timeout: iostream_timeout()).
 * For a transport's own waits, such as a TLS handshake.
 */
extern int iostream_wait(IOSTREAM *st, int events, int timeout_ms);

/*
 * Drop buffered input that has not been read, and return how many
 * bytes that was. STARTTLS uses it so that plaintext a client pipelined
 * after the command never reaches the encrypted session.
 */
extern size_t iostream_purge_input(IOSTREAM *st);

#endif
