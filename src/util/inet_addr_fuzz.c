/*
 * inet_addr_fuzz.c - libFuzzer target for address and endpoint parsing
 *
 * The input (up to its first NUL) is parsed as a bare address, with
 * every combination of the bracket and IPv6-tag flags, and split as a
 * "host:port" endpoint. Checks: the flag combinations agree with each
 * other and with inet_pton(); a printed address parses back to itself;
 * the socket address and IPv4-mapped conversions are inverses; a split
 * that fails leaves the text as it was, and one that succeeds joins and
 * splits again to the same host and port.
 */

#include "sysdeps.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inet_addr.h"
#include "log.h"
#include "mem.h"
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

/* fuzz_parse - the flag combinations of inet_addr_parse() */

static void
fuzz_parse(const char *text, STRBUF *why)
{
	static const int flag_sets[] = {
		INET_ADDR_FLAG_NONE,
		INET_ADDR_FLAG_BRACKETS,
		INET_ADDR_FLAG_NEED_BRACKETS,
		INET_ADDR_FLAG_IPV6_TAG,
		INET_ADDR_FLAG_BRACKETS | INET_ADDR_FLAG_IPV6_TAG,
		INET_ADDR_FLAG_SMTP_LITERAL,
	};
	INET_ADDR addr[ARRAY_LEN(flag_sets)];
	int	ok[ARRAY_LEN(flag_sets)];
	INET_ADDR bare;
	unsigned char raw[16];
	int	bare_ok;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(flag_sets); i++) {
		strbuf_reset(why);
		ok[i] = inet_addr_parse(text, flag_sets[i], addr + i, why) == 0;
		check(ok[i] || strbuf_len(why) > 0, "parse error without reason");
	}
	bare_ok = inet_addr_pton(text, &bare) == 0;

	/* Without flags it is inet_pton() in the family the text implies. */
	check(bare_ok == (inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET,
				    text, raw) == 1), "pton differs from libc");
	check(ok[0] == bare_ok, "parse without flags differs from pton");
	if (bare_ok)
		check(inet_addr_equal(addr, &bare), "parse and pton disagree");

	/* A flag only adds forms: what a stricter set takes, a wider one does. */
	if (ok[0])
		check(ok[1] && inet_addr_equal(addr + 1, addr), "[] optional");
	if (ok[2])
		check(ok[1] && inet_addr_equal(addr + 1, addr + 2), "[] needed");
	check(ok[2] == (ok[1] && text[0] == '['), "[] needed vs optional");
	if (ok[0])
		check(ok[3] && inet_addr_equal(addr + 3, addr), "tag: bare");
	if (ok[1])
		check(ok[4] && inet_addr_equal(addr + 4, addr + 1), "tag: []");
	if (ok[2])
		check(ok[5] && inet_addr_equal(addr + 5, addr + 2), "tag: [] needed");
	for (i = 3; i < ARRAY_LEN(flag_sets); i++)
		if (ok[i] && !ok[i - 3])
			check(addr[i].family == AF_INET6, "tag on IPv4");
}

/* fuzz_addr - printing and conversions of one parsed address */

static void
fuzz_addr(const INET_ADDR *addr, unsigned port)
{
	INET_ADDR_STR buf;
	INET_ADDR again;
	INET_ADDR unmapped;
	struct sockaddr_storage ss;
	size_t	salen;
	unsigned got_port;
	const char *text;

	text = inet_addr_ntop(addr, &buf);
	check(text == buf.buf && strlen(text) < sizeof(buf.buf), "ntop");
	check(inet_addr_pton(text, &again) == 0, "printed form does not parse");
	check(inet_addr_equal(&again, addr), "printed form differs");

	salen = inet_addr_to_sockaddr(addr, port, &ss);
	check(inet_addr_from_sockaddr((struct sockaddr *) &ss, salen, &again,
				      &got_port) == 0, "from sockaddr");
	check(inet_addr_equal(&again, addr) && got_port == port,
	      "sockaddr round trip");
	check(inet_addr_from_sockaddr((struct sockaddr *) &ss, salen - 1, &again,
				      NULL) < 0, "short sockaddr accepted");

	unmapped = *addr;
	check(inet_addr_unmap(&unmapped) == inet_addr_is_v4mapped(addr),
	      "unmap and is_v4mapped disagree");
	if (inet_addr_is_v4mapped(addr))
		check(unmapped.family == AF_INET
		      && memcmp(unmapped.bytes, addr->bytes + 12, 4) == 0,
		      "unmapped address");
	else
		check(inet_addr_equal(&unmapped, addr), "unmap changed address");
}

/* fuzz_hostport - split, and join and split again */

static void
fuzz_hostport(const char *text, int flags, STRBUF *why)
{
	INET_ADDR_HOSTPORT hp;
	INET_ADDR_HOSTPORT hp2;
	char   *buf = xstrdup(text);
	char   *host;
	char   *port;
	STRBUF *joined;

	strbuf_reset(why);
	if (inet_addr_split_hostport(buf, flags, &hp, why) < 0) {
		check(strcmp(buf, text) == 0, "failed split changed the text");
		check(hp.host == NULL && hp.port == NULL, "failed split result");
		check(strbuf_len(why) > 0, "split error without reason");
		xfree(buf);
		return;
	}
	check(hp.host != NULL || hp.port != NULL, "split found nothing");
	if (hp.host != NULL && hp.port != NULL) {
		host = xstrdup(hp.host);
		port = xstrdup(hp.port);
		joined = strbuf_create(100);
		inet_addr_join_hostport(joined, host, port);
		check(inet_addr_split_hostport(strbuf_str(joined),
					       INET_ADDR_HOSTPORT_NONE, &hp2,
					       why) == 0, "joined text");
		check(hp2.host && strcmp(hp2.host, host) == 0
		      && hp2.port && strcmp(hp2.port, port) == 0,
		      "join and split changed host or port");
		strbuf_free(&joined);
		xfree(host);
		xfree(port);
	}
	xfree(buf);
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "inet_addr_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("inet_addr_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *text = xstrndup((const char *) data, size);
	STRBUF *why = strbuf_create(100);
	INET_ADDR addr;

	fuzz_parse(text, why);
	if (inet_addr_parse(text, INET_ADDR_FLAG_BRACKETS
			    | INET_ADDR_FLAG_IPV6_TAG, &addr, NULL) == 0)
		fuzz_addr(&addr, size > 1 ? (unsigned) data[0] << 8 | data[1] : 25);
	fuzz_hostport(text, INET_ADDR_HOSTPORT_NONE, why);
	fuzz_hostport(text, INET_ADDR_HOSTPORT_BARE_PORT, why);
	strbuf_free(&why);
	xfree(text);
	return 0;
}
