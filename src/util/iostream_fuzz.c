/*
 * iostream_fuzz.c - libFuzzer target for the bounded line reader
 *
 * iostream_get_line() cuts SMTP commands and queue file records out of
 * peer input. The first two input bytes choose the length limit, CR
 * stripping, how many times the rest is repeated (to pass the 4096-byte
 * stream buffer) and how it is cut into pieces. The lines must equal
 * those of a model of the contract in iostream.h, both from a memory
 * stream and from a socket that delivers the input in those pieces (a
 * SOCK_SEQPACKET socket returns one piece per read, so a line, its CR or
 * its LF can end up in the next read).
 */

#include "sysdeps.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iostream.h"
#include "log.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - fail loudly, so libFuzzer keeps the input */

static void
check(int ok, const char *what)
{
	if (!ok)
		log_panic("check failed: %s", what);
}

/* model_get_line - the next line of text[*pos..len) per iostream.h */

static int
model_get_line(const unsigned char *text, size_t len, size_t *pos,
	       size_t limit, int flags, STRBUF *line)
{
	const unsigned char *p = text + *pos;
	size_t	n = len - *pos;
	const unsigned char *lf = memchr(p, '\n', n);
	size_t	llen = lf ? (size_t) (lf - p) : n;

	strbuf_reset(line);
	if (n == 0)
		return IOS_EOF;
	if (limit == 0 || llen <= limit) {
		strbuf_append(line, p, llen);
		if (lf == NULL) {
			*pos = len;
			return IOS_LINE_LAST;
		}
		*pos += llen + 1;
		if ((flags & IOS_LINE_STRIP_CR) && strbuf_last(line) == '\r')
			strbuf_truncate(line, strbuf_len(line) - 1);
		return IOS_LINE_COMPLETE;
	}
	/* Too long: limit bytes now, the rest next time, unless CRLF follows. */
	strbuf_append(line, p, limit);
	*pos += limit;
	if ((flags & IOS_LINE_STRIP_CR) && n >= limit + 2
	    && p[limit] == '\r' && p[limit + 1] == '\n') {
		*pos += 2;
		return IOS_LINE_COMPLETE;
	}
	return IOS_LINE_MORE;
}

/* compare - read st to the end and compare with the model */

static void
compare(IOSTREAM *st, const unsigned char *text, size_t len, size_t limit,
	int flags)
{
	STRBUF *got = strbuf_create(10);
	STRBUF *want = strbuf_create(10);
	size_t	pos = 0;
	int	status;
	int	expect;

	do {
		expect = model_get_line(text, len, &pos, limit, flags, want);
		status = iostream_get_line(st, got, limit, flags);
		check(status == expect, "line status differs from the model");
		check(strbuf_len(got) == strbuf_len(want)
		      && memcmp(strbuf_str(got), strbuf_str(want),
				strbuf_len(want)) == 0,
		      "line differs from the model");
		check(limit == 0 || strbuf_len(got) <= limit,
		      "line passed the limit");
	} while (status != IOS_EOF);
	check(iostream_get_line(st, got, limit, flags) == IOS_EOF,
	      "read after end of file");
	check(iostream_eof(st) && !iostream_error(st), "end of file state");
	strbuf_free(&got);
	strbuf_free(&want);
}

/* fuzz_socket - the same text through a socket, in pieces */

static void
fuzz_socket(const unsigned char *text, size_t len, size_t limit, int flags,
	    unsigned seed)
{
	IOSTREAM *st;
	int	sv[2];
	size_t	sent = 0;
	size_t	piece;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		log_panic("socketpair: %m");
	while (sent < len) {
		seed = seed * 1103515245 + 12345;
		piece = 1 + (seed >> 16) % (2 + len / 32);
		if (piece > len - sent)
			piece = len - sent;
		/* A full socket buffer ends the text here, not the test. */
		if ((n = send(sv[1], text + sent, piece, MSG_DONTWAIT)) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			log_panic("send: %m");
		}
		sent += (size_t) n;
	}
	if (shutdown(sv[1], SHUT_WR) < 0)
		log_panic("shutdown: %m");
	st = iostream_fdopen(sv[0], O_RDONLY);
	compare(st, text, sent, limit, flags);
	(void) iostream_close(st);
	(void) close(sv[1]);
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "iostream_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("iostream_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *text;
	IOSTREAM *st;
	size_t	len;
	size_t	limit;
	size_t	copies;
	size_t	i;
	int	flags;

	if (size < 2)
		return 0;
	limit = data[0] & 0x3f;			/* 0: no limit */
	flags = (data[0] & 0x40) ? IOS_LINE_STRIP_CR : 0;
	copies = (data[0] & 0x80) ? 1 + (data[1] & 0x07) : 1;
	len = (size - 2) * copies;
	text = malloc(len + 1);
	for (i = 0; i < copies; i++)
		memcpy(text + i * (size - 2), data + 2, size - 2);

	st = iostream_memopen(text, len);
	compare(st, text, len, limit, flags);
	(void) iostream_close(st);
	fuzz_socket(text, len, limit, flags, data[1]);
	free(text);
	return 0;
}
