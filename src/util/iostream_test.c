/*
 * iostream_test.c - unit tests for iostream
 *
 * Uses memory streams, regular files in a private temporary directory,
 * pipes and socket pairs. SOCK_SEQPACKET pairs deliver one message per
 * read(), which lets the line reader meet every buffer boundary. Every
 * wait is bounded by a timeout well under a second.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "strbuf.h"
#include "iostream.h"

/* now_ms - monotonic clock for elapsed-time checks */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sleep_ms - plain sleep */

static void
sleep_ms(int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long) (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* temp_dir - private directory for file tests; caller removes it */

static char *
temp_dir(void)
{
	char    tmpl[] = "/tmp/iostream_test.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

/* test_getc_ungetc - bytes, push-back at the front, sticky EOF */

static void
test_getc_ungetc(void **state)
{
	IOSTREAM *st = iostream_memopen("ab\377", 3);

	assert_int_equal(iostream_ungetc(st, 'z'), 'z');	/* at offset 0 */
	assert_int_equal(iostream_getc(st), 'z');
	assert_int_equal(iostream_getc(st), 'a');
	assert_int_equal(iostream_ungetc(st, 'y'), 'y');
	assert_int_equal(iostream_getc(st), 'y');
	assert_int_equal(iostream_getc(st), 'b');
	assert_int_equal(iostream_getc(st), 0377);		/* not sign-extended */
	assert_false(iostream_eof(st));
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_true(iostream_eof(st));
	assert_false(iostream_error(st));
	assert_int_equal(iostream_ungetc(st, IOS_EOF), IOS_EOF);
	assert_int_equal(iostream_ungetc(st, 'q'), 'q');
	assert_int_equal(iostream_getc(st), 'q');
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_int_equal(iostream_fileno(st), -1);
	assert_int_equal(iostream_close(st), 0);
}

/* test_read - exact reads, short read at the end */

static void
test_read(void **state)
{
	IOSTREAM *st = iostream_memopen("0123456789", 10);
	char    buf[16];

	assert_int_equal(iostream_read(st, buf, 4), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(iostream_read_pending(st), 6);
	assert_int_equal(iostream_read(st, buf, 0), 0);
	assert_int_equal(iostream_read(st, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "456789", 6);
	assert_true(iostream_eof(st));
	assert_int_equal(iostream_read(st, buf, sizeof(buf)), 0);
	assert_int_equal(iostream_close(st), 0);
}

/* Expected results of one line read. */
struct line_exp {
	int     ret;
	const char *text;
};

static const struct line_case {
	const char *in;
	size_t  limit;
	int     flags;
	struct line_exp exp[6];			/* ends with IOS_EOF */
} line_cases[] = {
	{"a\nbc\n", 10, 0,
	{{IOS_LINE_COMPLETE, "a"}, {IOS_LINE_COMPLETE, "bc"}, {IOS_EOF, ""}}},
	{"", 10, 0, {{IOS_EOF, ""}}},
	{"\n\r\n", 10, IOS_LINE_STRIP_CR,
	{{IOS_LINE_COMPLETE, ""}, {IOS_LINE_COMPLETE, ""}, {IOS_EOF, ""}}},
	{"ab\r\ncd\r\n", 10, 0,
	{{IOS_LINE_COMPLETE, "ab\r"}, {IOS_LINE_COMPLETE, "cd\r"}, {IOS_EOF, ""}}},
	/* A CR LF right after the limit still ends the line. */
	{"abc\r\n", 3, IOS_LINE_STRIP_CR,
	{{IOS_LINE_COMPLETE, "abc"}, {IOS_EOF, ""}}},
	{"abc\r\n", 3, 0,
	{{IOS_LINE_MORE, "abc"}, {IOS_LINE_COMPLETE, "\r"}, {IOS_EOF, ""}}},
	{"abc\rd\n", 3, IOS_LINE_STRIP_CR,
	{{IOS_LINE_MORE, "abc"}, {IOS_LINE_COMPLETE, "\rd"}, {IOS_EOF, ""}}},
	{"abc\n", 3, 0, {{IOS_LINE_COMPLETE, "abc"}, {IOS_EOF, ""}}},
	{"abcd\n", 3, 0,
	{{IOS_LINE_MORE, "abc"}, {IOS_LINE_COMPLETE, "d"}, {IOS_EOF, ""}}},
	{"abcdefg", 3, 0,
	{{IOS_LINE_MORE, "abc"}, {IOS_LINE_MORE, "def"}, {IOS_LINE_LAST, "g"},
	{IOS_EOF, ""}}},
	{"abc", 3, 0, {{IOS_LINE_LAST, "abc"}, {IOS_EOF, ""}}},
	{"x\r", 3, IOS_LINE_STRIP_CR, {{IOS_LINE_LAST, "x\r"}, {IOS_EOF, ""}}},
	{"abc\r", 3, IOS_LINE_STRIP_CR,
	{{IOS_LINE_MORE, "abc"}, {IOS_LINE_LAST, "\r"}, {IOS_EOF, ""}}},
	{"0123456789abcdef\nz\n", 0, 0,
	{{IOS_LINE_COMPLETE, "0123456789abcdef"}, {IOS_LINE_COMPLETE, "z"},
	{IOS_EOF, ""}}},
	{"a\0b\nc", 5, 0,
	{{IOS_LINE_COMPLETE, "a\0b"}, {IOS_LINE_LAST, "c"}, {IOS_EOF, ""}}},
};

/* Input lengths, for the case with a NUL byte. */
static size_t
line_case_len(const struct line_case *c)
{
	return c == &line_cases[ARRAY_LEN(line_cases) - 1] ? 5 : strlen(c->in);
}

/* check_lines - read a stream line by line against a table row */

static void
check_lines(IOSTREAM *st, const struct line_case *c, size_t chunk)
{
	STRBUF *line = strbuf_create(1);
	size_t  i;
	int     ret;

	for (i = 0; i < ARRAY_LEN(c->exp); i++) {
		ret = iostream_get_line(st, line, c->limit, c->flags);
		if (ret != c->exp[i].ret)
			fail_msg("input \"%s\" limit %zu chunk %zu line %zu: "
				 "got %d, want %d", c->in, c->limit, chunk, i,
				 ret, c->exp[i].ret);
		if (ret == IOS_EOF) {
			assert_int_equal(strbuf_len(line), 0);
			break;
		}
		if (ret == IOS_LINE_COMPLETE || ret == IOS_LINE_LAST)
			assert_true(strbuf_len(line) <= (c->limit ? c->limit : 100));
		else
			assert_int_equal(strbuf_len(line), c->limit);
		if (c == &line_cases[ARRAY_LEN(line_cases) - 1] && i == 0) {
			assert_int_equal(strbuf_len(line), 3);
			assert_memory_equal(strbuf_str(line), "a\0b", 3);
		} else if (strcmp(strbuf_str(line), c->exp[i].text) != 0) {
			fail_msg("input \"%s\" limit %zu chunk %zu line %zu: "
				 "got \"%s\", want \"%s\"", c->in, c->limit,
				 chunk, i, strbuf_str(line), c->exp[i].text);
		}
	}
	assert_true(i < ARRAY_LEN(c->exp));
	strbuf_free(&line);
}

/* test_get_line_mem - line reader over a memory stream */

static void
test_get_line_mem(void **state)
{
	size_t  i;
	IOSTREAM *st;

	for (i = 0; i < ARRAY_LEN(line_cases); i++) {
		st = iostream_memopen(line_cases[i].in, line_case_len(line_cases + i));
		check_lines(st, line_cases + i, 0);
		assert_int_equal(iostream_close(st), 0);
	}
}

/*
 * test_get_line_chunks - the same input arriving a few bytes per read,
 * so that every line end, CR and limit falls on a buffer boundary.
 */
static void
test_get_line_chunks(void **state)
{
	size_t  i, chunk, off, len, n;
	IOSTREAM *st;
	int     sv[2];

	for (i = 0; i < ARRAY_LEN(line_cases); i++) {
		len = line_case_len(line_cases + i);
		for (chunk = 1; chunk <= 4; chunk++) {
			assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
			for (off = 0; off < len; off += n) {
				n = len - off < chunk ? len - off : chunk;
				assert_int_equal(write(sv[1], line_cases[i].in + off, n), n);
			}
			close(sv[1]);
			st = iostream_fdopen(sv[0], O_RDONLY);
			iostream_set_timeout_ms(st, 1000, 1000);
			check_lines(st, line_cases + i, chunk);
			assert_false(iostream_timeout(st));
			assert_int_equal(iostream_close(st), 0);
		}
	}
}

/* test_get_line_strbuf_limit - the line buffer's own limit also bounds */

static void
test_get_line_strbuf_limit(void **state)
{
	IOSTREAM *st = iostream_memopen("abcdef\n", 7);
	STRBUF *line = strbuf_create(10);

	strbuf_set_limit(line, 4);
	assert_int_equal(iostream_get_line(st, line, 100, 0), IOS_LINE_MORE);
	assert_string_equal(strbuf_str(line), "abcd");
	assert_false(strbuf_overflow(line));
	assert_int_equal(iostream_get_line(st, line, 100, 0), IOS_LINE_COMPLETE);
	assert_string_equal(strbuf_str(line), "ef");
	strbuf_free(&line);
	iostream_close(st);
}

/* test_get_line_long - one long line costs linear time */

static void
test_get_line_long(void **state)
{
	size_t  len = 4 * 1024 * 1024;
	char   *big = xmalloc(len + 1);
	STRBUF *line = strbuf_create(1);
	IOSTREAM *st;
	size_t  total = 0;
	int     ret, pieces = 0;

	memset(big, 'x', len);
	big[len] = '\n';
	st = iostream_memopen(big, len + 1);
	while ((ret = iostream_get_line(st, line, 2048, 0)) == IOS_LINE_MORE) {
		total += strbuf_len(line);
		pieces++;
	}
	assert_int_equal(ret, IOS_LINE_COMPLETE);
	total += strbuf_len(line);
	assert_int_equal(total, len);
	assert_int_equal(pieces, len / 2048 - 1);
	iostream_close(st);

	/* No limit: the whole line in one STRBUF. */
	st = iostream_memopen(big, len + 1);
	assert_int_equal(iostream_get_line(st, line, 0, 0), IOS_LINE_COMPLETE);
	assert_int_equal(strbuf_len(line), len);
	iostream_close(st);
	strbuf_free(&line);
	xfree(big);
}

/* test_get_record - exact byte counts, short at the end, limits */

static void
test_get_record(void **state)
{
	IOSTREAM *st = iostream_memopen("hello world", 11);
	STRBUF *rec = strbuf_create(1);

	assert_int_equal(iostream_get_record(st, rec, 5), 0);
	assert_string_equal(strbuf_str(rec), "hello");
	assert_int_equal(iostream_get_record(st, rec, 0), 0);
	assert_int_equal(strbuf_len(rec), 0);

	strbuf_set_limit(rec, 3);
	assert_int_equal(iostream_get_record(st, rec, 5), -1);	/* over limit */
	assert_int_equal(iostream_getc(st), ' ');		/* nothing consumed */
	strbuf_set_limit(rec, 0);

	assert_int_equal(iostream_get_record(st, rec, 100), -1);
	assert_string_equal(strbuf_str(rec), "world");
	assert_true(iostream_eof(st));
	strbuf_free(&rec);
	iostream_close(st);
}

/*
 * test_file_roundtrip - every output call into a file, read back with
 * mixed read sizes; seek and tell on a read-write stream.
 */
static void
test_file_roundtrip(void **state)
{
	char   *dir = temp_dir();
	char   *path = xmalloc(strlen(dir) + 10);
	size_t  big_len = 300000, i, got, n;
	char   *big = xmalloc(big_len);
	char   *back = xmalloc(big_len);
	char    buf[32];
	IOSTREAM *st;
	int     fd;

	snprintf(path, strlen(dir) + 10, "%s/f", dir);
	for (i = 0; i < big_len; i++)
		big[i] = (char) (i * 7 + i / 251);

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_WRONLY);
	assert_int_equal(iostream_fileno(st), fd);
	assert_int_equal(iostream_puts(st, "head "), 0);
	assert_int_equal(iostream_printf(st, "%d-%s|", 42, "x"), 0);
	assert_int_equal(iostream_putc(st, '\n'), 0);
	for (i = 0; i < big_len; i += n) {		/* odd sizes, some > buffer */
		n = (i / 3) % 9000 + 1;
		if (n > big_len - i)
			n = big_len - i;
		assert_int_equal(iostream_write(st, big + i, n), 0);
	}
	assert_int_equal(iostream_tell(st), 11 + big_len);
	assert_int_equal(iostream_close(st), 0);

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_RDONLY);
	assert_int_equal(iostream_read(st, buf, 11), 11);
	assert_memory_equal(buf, "head 42-x|\n", 11);
	for (got = 0; got < big_len; got += n) {
		n = got % 3 ? 5000 : 17;
		if (n > big_len - got)
			n = big_len - got;
		assert_int_equal(iostream_read(st, back + got, n), n);
	}
	assert_memory_equal(back, big, big_len);
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_true(iostream_eof(st));
	assert_int_equal(iostream_close(st), 0);

	/* Read-write on one descriptor: writes land where tell() says. */
	fd = open(path, O_RDWR);
	st = iostream_fdopen(fd, O_RDWR);
	assert_int_equal(iostream_getc(st), 'h');
	assert_int_equal(iostream_tell(st), 1);
	assert_int_equal(iostream_seek(st, 4, SEEK_CUR), 5);
	assert_int_equal(iostream_puts(st, "XY"), 0);
	assert_int_equal(iostream_tell(st), 7);
	assert_int_equal(iostream_seek(st, 0, SEEK_SET), 0);
	assert_int_equal(iostream_read(st, buf, 8), 8);
	assert_memory_equal(buf, "head XY-", 8);
	assert_int_equal(iostream_seek(st, -1, SEEK_END), 10 + big_len);
	assert_int_equal(iostream_getc(st), (unsigned char) big[big_len - 1]);
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_int_equal(iostream_close(st), 0);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	xfree(big);
	xfree(back);
	xfree(path);
	xfree(dir);
}

/* test_memory_seek - seek and tell on a memory stream */

static void
test_memory_seek(void **state)
{
	IOSTREAM *st = iostream_memopen("abcdef", 6);

	assert_int_equal(iostream_getc(st), 'a');
	assert_int_equal(iostream_seek(st, 2, SEEK_CUR), 3);
	assert_int_equal(iostream_getc(st), 'd');
	assert_int_equal(iostream_tell(st), 4);
	assert_int_equal(iostream_seek(st, -1, SEEK_END), 5);
	assert_int_equal(iostream_getc(st), 'f');
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_int_equal(iostream_seek(st, 0, SEEK_SET), 0);	/* clears EOF */
	assert_false(iostream_eof(st));
	assert_int_equal(iostream_getc(st), 'a');
	assert_int_equal(iostream_seek(st, 7, SEEK_SET), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(iostream_seek(st, -2, SEEK_CUR), -1);
	iostream_close(st);
}

/* test_memcreate - output into a STRBUF, limit turns into a sticky error */

static void
test_memcreate(void **state)
{
	STRBUF *out = strbuf_create(1);
	IOSTREAM *st = iostream_memcreate(out);
	char    big[5000];

	assert_int_equal(iostream_printf(st, "%s=%d\n", "n", 5), 0);
	assert_int_equal(strbuf_len(out), 0);		/* still buffered */
	assert_int_equal(iostream_flush(st), 0);
	assert_string_equal(strbuf_str(out), "n=5\n");
	memset(big, 'b', sizeof(big));
	assert_int_equal(iostream_write(st, big, sizeof(big)), 0);
	assert_int_equal(strbuf_len(out), 4 + sizeof(big));
	assert_int_equal(iostream_getc(st), IOS_EOF);	/* write-only */
	assert_true(iostream_error(st));
	assert_int_equal(iostream_errno(st), EBADF);
	assert_int_equal(iostream_close(st), -1);

	strbuf_reset(out);
	strbuf_set_limit(out, 6);
	st = iostream_memcreate(out);
	assert_int_equal(iostream_puts(st, "1234567"), 0);	/* buffered */
	assert_int_equal(iostream_flush(st), -1);
	assert_true(iostream_error(st));
	assert_int_equal(iostream_errno(st), ENOSPC);
	assert_int_equal(iostream_puts(st, "1"), -1);		/* sticky */
	assert_int_equal(iostream_flush(st), -1);
	assert_int_equal(strbuf_len(out), 0);
	iostream_clearerr(st);
	assert_int_equal(iostream_puts(st, "ok"), 0);
	assert_int_equal(iostream_close(st), 0);
	assert_string_equal(strbuf_str(out), "ok");
	strbuf_free(&out);
}

/* test_socket_epipe - peer gone: EPIPE, no SIGPIPE, writes then dropped */

static void
test_socket_epipe(void **state)
{
	IOSTREAM *st;
	int     sv[2];

	/* SIGPIPE is left at its default: it would kill the test. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	st = iostream_fdopen(sv[0], O_RDWR);
	assert_int_equal(iostream_puts(st, "hello"), 0);
	assert_int_equal(iostream_flush(st), -1);
	assert_true(iostream_error(st));
	assert_false(iostream_timeout(st));
	assert_int_equal(iostream_errno(st), EPIPE);
	assert_int_equal(iostream_puts(st, "more"), -1);
	assert_int_equal(iostream_printf(st, "%d", 1), -1);
	assert_int_equal(iostream_flush(st), -1);
	assert_int_equal(iostream_getc(st), IOS_EOF);		/* reads stop too */
	assert_int_equal(iostream_close(st), -1);
}

/* test_pipe_epipe - the same through write() on a pipe */

static void
test_pipe_epipe(void **state)
{
	struct sigaction sa, old;
	IOSTREAM *st;
	int     pv[2];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old);
	assert_int_equal(pipe(pv), 0);
	close(pv[0]);
	st = iostream_fdopen(pv[1], O_WRONLY);
	iostream_set_timeout(st, 1);
	assert_int_equal(iostream_puts(st, "x"), 0);
	assert_int_equal(iostream_flush(st), -1);
	assert_int_equal(iostream_errno(st), EPIPE);
	assert_int_equal(iostream_close(st), -1);
	sigaction(SIGPIPE, &old, NULL);
}

/* test_read_timeout - a silent peer times out, and that sticks */

static void
test_read_timeout(void **state)
{
	IOSTREAM *st;
	long    t0, dt;
	char    buf[4];
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout_ms(st, 100, 1000);
	t0 = now_ms();
	assert_int_equal(iostream_getc(st), IOS_EOF);
	dt = now_ms() - t0;
	assert_true(dt >= 95 && dt < 900);
	assert_true(iostream_timeout(st));
	assert_false(iostream_error(st));
	assert_false(iostream_eof(st));
	assert_int_equal(iostream_errno(st), ETIMEDOUT);

	/* Sticky: data now available is not read, writes are dropped. */
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_int_equal(iostream_puts(st, "late"), -1);
	assert_int_equal(iostream_flush(st), -1);
	assert_int_equal(recv(sv[1], buf, 1, MSG_DONTWAIT), -1);

	iostream_clearerr(st);
	assert_int_equal(iostream_getc(st), 'x');
	assert_int_equal(iostream_close(st), 0);
	close(sv[1]);
}

/* test_write_timeout - a peer that does not read times out the writer */

static void
test_write_timeout(void **state)
{
	size_t  len = 8 * 1024 * 1024;
	char   *big = xcalloc(1, len);
	IOSTREAM *st;
	long    t0, dt;
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_WRONLY);
	iostream_set_timeout_ms(st, 0, 100);
	t0 = now_ms();
	assert_int_equal(iostream_write(st, big, len), -1);
	dt = now_ms() - t0;
	assert_true(dt >= 95 && dt < 900);
	assert_true(iostream_timeout(st));
	assert_int_equal(iostream_flush(st), -1);
	assert_int_equal(iostream_close(st), -1);
	close(sv[1]);
	xfree(big);
}

/* test_pipe_write_timeout - a full pipe times out the writer */

static void
test_pipe_write_timeout(void **state)
{
	size_t  len = 1024 * 1024;
	char   *big = xcalloc(1, len);
	IOSTREAM *st;
	long    t0, dt;
	int     pv[2];

	assert_int_equal(pipe(pv), 0);
	st = iostream_fdopen(pv[1], O_WRONLY);
	iostream_set_timeout_ms(st, 0, 100);
	t0 = now_ms();
	assert_int_equal(iostream_write(st, big, len), -1);
	dt = now_ms() - t0;
	assert_true(dt >= 95 && dt < 900);
	assert_true(iostream_timeout(st));
	assert_int_equal(iostream_close(st), -1);
	close(pv[0]);
	xfree(big);
}

/* test_deadline - the total budget beats a long per-call timeout */

static void
test_deadline(void **state)
{
	IOSTREAM *st;
	long    t0, dt;
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout(st, 10);
	iostream_set_deadline(st, 150, 0);
	t0 = now_ms();
	assert_int_equal(iostream_getc(st), IOS_EOF);
	dt = now_ms() - t0;
	assert_true(dt >= 145 && dt < 900);
	assert_true(iostream_timeout(st));

	/* Cleared, the per-call timeout rules again (data comes at once). */
	iostream_clearerr(st);
	iostream_clear_deadline(st);
	assert_int_equal(write(sv[1], "ok", 2), 2);
	assert_int_equal(iostream_getc(st), 'o');
	assert_int_equal(iostream_close(st), 0);
	close(sv[1]);
}

/*
 * deadline_run - 3 bytes arrive, then after 300 ms 1 more, with a
 * 400 ms budget: only a credit for the first 3 bytes saves the read.
 */
static int
deadline_run(int min_rate)
{
	IOSTREAM *st;
	char    buf[3];
	int     sv[2], ch;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDONLY);
	iostream_set_deadline(st, 400, min_rate);
	assert_int_equal(write(sv[1], "abc", 3), 3);
	sleep_ms(300);
	assert_int_equal(iostream_read(st, buf, 3), 3);
	sleep_ms(300);
	assert_int_equal(write(sv[1], "d", 1), 1);
	ch = iostream_getc(st);
	assert_int_equal(ch == IOS_EOF, iostream_timeout(st));
	iostream_close(st);
	close(sv[1]);
	return ch;
}

/* test_deadline_rate - transferred bytes extend the deadline */

static void
test_deadline_rate(void **state)
{
	assert_int_equal(deadline_run(0), IOS_EOF);	/* 600 ms > 400 ms */
	assert_int_equal(deadline_run(10), 'd');	/* 3 bytes = +300 ms */
}

/* test_deadline_cap - credit never goes past the full budget */

static void
test_deadline_cap(void **state)
{
	IOSTREAM *st;
	char    buf[100];
	long    t0, dt;
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDONLY);
	iostream_set_deadline(st, 150, 1);		/* 1 byte = +1 s */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(write(sv[1], buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(iostream_read(st, buf, sizeof(buf)), sizeof(buf));
	t0 = now_ms();
	assert_int_equal(iostream_getc(st), IOS_EOF);
	dt = now_ms() - t0;
	assert_true(dt >= 100 && dt < 900);
	assert_true(iostream_timeout(st));
	iostream_close(st);
	close(sv[1]);
}

/* test_flush_before_read - pending output goes out before we wait */

static void
test_flush_before_read(void **state)
{
	IOSTREAM *st;
	char    buf[16];
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout_ms(st, 500, 500);
	assert_int_equal(write(sv[1], "ab", 2), 2);
	assert_int_equal(iostream_getc(st), 'a');
	assert_int_equal(iostream_read_pending(st), 1);

	/* Input still buffered: the reply stays buffered (pipelining). */
	assert_int_equal(iostream_puts(st, "r1 "), 0);
	assert_int_equal(iostream_getc(st), 'b');
	assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -1);

	/* Input exhausted: the next read flushes before it waits. */
	assert_int_equal(iostream_puts(st, "r2"), 0);
	assert_int_equal(write(sv[1], "c", 1), 1);
	assert_int_equal(iostream_getc(st), 'c');
	assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 5);
	assert_memory_equal(buf, "r1 r2", 5);
	assert_int_equal(iostream_close(st), 0);
	close(sv[1]);
}

static volatile sig_atomic_t ticks;

/* tick - SIGALRM handler that only interrupts system calls */

static void
tick(int sig)
{
	ticks++;
}

/*
 * test_eintr - frequent signals (no SA_RESTART) neither break reads and
 * writes nor stretch a timeout.
 */
static void
test_eintr(void **state)
{
	struct sigaction sa, old;
	struct itimerval it, old_it;
	IOSTREAM *st;
	long    t0, dt;
	pid_t   pid;
	int     sv[2], status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick;
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 3000;
	it.it_value.tv_usec = 3000;
	setitimer(ITIMER_REAL, &it, &old_it);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout_ms(st, 150, 150);
	t0 = now_ms();
	ticks = 0;
	assert_int_equal(iostream_getc(st), IOS_EOF);
	dt = now_ms() - t0;
	assert_true(iostream_timeout(st));
	assert_true(dt >= 145 && dt < 900);
	assert_true(ticks > 5);

	/*
	 * A child answers after a while; a read without timeout survives
	 * the signals. Only the child holds the other end, so if it fails
	 * we see end of file instead of hanging.
	 */
	iostream_clearerr(st);
	iostream_set_timeout(st, 0);
	if ((pid = fork()) == 0) {
		sleep_ms(100);
		_exit(write(sv[1], "z", 1) == 1 ? 0 : 1);
	}
	assert_true(pid > 0);
	close(sv[1]);
	assert_int_equal(iostream_getc(st), 'z');

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(iostream_close(st), 0);
}

/*
 * test_partial_writes - a non-blocking socket with a slow reader: the
 * writer sees EAGAIN and short writes, and every byte arrives in order.
 */
static void
test_partial_writes(void **state)
{
	size_t  len = 2 * 1024 * 1024, i;
	char   *big = xmalloc(len);
	unsigned long sum = 0, child_sum;
	IOSTREAM *st;
	pid_t   pid;
	int     sv[2], status, sndbuf = 4096;

	for (i = 0; i < len; i++) {
		big[i] = (char) (i % 253);
		sum = sum * 31 + (unsigned char) big[i];
	}
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if ((pid = fork()) == 0) {
		char    buf[1000];
		unsigned long s = 0;
		size_t  total = 0;
		ssize_t n, k;

		close(sv[0]);
		while ((n = read(sv[1], buf, sizeof(buf))) > 0) {
			for (k = 0; k < n; k++)
				s = s * 31 + (unsigned char) buf[k];
			total += (size_t) n;
			if (total % 100000 < 1000)
				sleep_ms(1);
		}
		if (total != 2 * 1024 * 1024)
			s = 0;
		_exit(write(sv[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	for (i = 0; i < len; i += 1000)
		assert_int_equal(iostream_write(st, big + i,
					 len - i < 1000 ? len - i : 1000), 0);
	assert_int_equal(iostream_write(st, big, 0), 0);
	assert_int_equal(iostream_flush(st), 0);
	assert_int_equal(shutdown(sv[0], SHUT_WR), 0);
	iostream_set_timeout(st, 5);
	assert_int_equal(iostream_read(st, &child_sum, sizeof(child_sum)),
			 sizeof(child_sum));
	assert_true(child_sum == sum);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(iostream_close(st), 0);
	close(sv[1]);
	xfree(big);
}

/*
 * A toy transport: bytes travel XOR 0x55, and every other call says
 * EAGAIN first (asking for POLLIN or POLLOUT), as a TLS layer does.
 */
typedef struct XOR_IO {
	int	fd;
	int	calls;
	int	eagains;
} XOR_IO;

static ssize_t
xor_read(void *ctx, void *buf, size_t len, int *want)
{
	XOR_IO *x = ctx;
	unsigned char *p = buf;
	ssize_t n, i;

	if (x->calls++ % 2 == 0) {
		x->eagains++;
		*want = POLLIN;
		errno = EAGAIN;
		return -1;
	}
	if ((n = read(x->fd, buf, len)) > 0)
		for (i = 0; i < n; i++)
			p[i] ^= 0x55;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		*want = POLLIN;
	return n;
}

static ssize_t
xor_write(void *ctx, const void *buf, size_t len, int *want)
{
	XOR_IO *x = ctx;
	unsigned char tmp[256];
	size_t  i;

	if (x->calls++ % 2 == 0) {
		x->eagains++;
		*want = POLLOUT;
		errno = EAGAIN;
		return -1;
	}
	if (len > sizeof(tmp))
		len = sizeof(tmp);
	for (i = 0; i < len; i++)
		tmp[i] = ((const unsigned char *) buf)[i] ^ 0x55;
	return write(x->fd, tmp, len);
}

/*
 * test_transport - lines written through a transport arrive encoded,
 * encoded input is read back decoded, EAGAIN waits in the right
 * direction, a silent peer times out, and purged input is gone.
 */
static void
test_transport(void **state)
{
	IOSTREAM *st;
	XOR_IO  x = {0, 0, 0};
	STRBUF *line = strbuf_create(0);
	char    raw[64];
	ssize_t n, i;
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	st = iostream_fdopen(sv[0], O_RDWR);
	iostream_set_timeout_ms(st, 300, 300);

	/* Plaintext before the switch is purged. */
	assert_int_equal(write(sv[1], "plain\r\n", 7), 7);
	assert_int_equal(iostream_getc(st), 'p');
	assert_int_equal(iostream_purge_input(st), 6);
	assert_int_equal(iostream_read_pending(st), 0);

	x.fd = sv[0];
	iostream_set_transport(st, xor_read, xor_write, &x);
	assert_int_equal(iostream_puts(st, "hello\r\n"), 0);
	assert_int_equal(iostream_flush(st), 0);
	n = read(sv[1], raw, sizeof(raw));
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++)
		raw[i] ^= 0x55;
	assert_memory_equal(raw, "hello\r\n", 7);

	for (i = 0; i < 7; i++)
		raw[i] = "world\r\n"[i] ^ 0x55;
	assert_int_equal(write(sv[1], raw, 7), 7);
	assert_int_equal(iostream_get_line(st, line, 0, IOS_LINE_STRIP_CR),
			 IOS_LINE_COMPLETE);
	assert_string_equal(strbuf_str(line), "world");
	assert_true(x.eagains >= 2);

	/* Nothing more arrives: the read times out within its limit. */
	assert_int_equal(iostream_getc(st), IOS_EOF);
	assert_true(iostream_timeout(st));

	/* Back to system calls (errors stay sticky until cleared). */
	iostream_clearerr(st);
	iostream_set_transport(st, NULL, NULL, NULL);
	assert_int_equal(write(sv[1], "ok\n", 3), 3);
	assert_int_equal(iostream_get_line(st, line, 0, 0), IOS_LINE_COMPLETE);
	assert_string_equal(strbuf_str(line), "ok");
	assert_int_equal(iostream_wait(st, POLLOUT, 100), 0);
	assert_int_equal(iostream_close(st), 0);
	close(sv[1]);
	strbuf_free(&line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getc_ungetc),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_get_line_mem),
		cmocka_unit_test(test_get_line_chunks),
		cmocka_unit_test(test_get_line_strbuf_limit),
		cmocka_unit_test(test_get_line_long),
		cmocka_unit_test(test_get_record),
		cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_memory_seek),
		cmocka_unit_test(test_memcreate),
		cmocka_unit_test(test_socket_epipe),
		cmocka_unit_test(test_pipe_epipe),
		cmocka_unit_test(test_read_timeout),
		cmocka_unit_test(test_write_timeout),
		cmocka_unit_test(test_pipe_write_timeout),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_deadline_rate),
		cmocka_unit_test(test_deadline_cap),
		cmocka_unit_test(test_flush_before_read),
		cmocka_unit_test(test_eintr),
		cmocka_unit_test(test_partial_writes),
		cmocka_unit_test(test_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
