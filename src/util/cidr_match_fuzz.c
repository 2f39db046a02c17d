/*
 * cidr_match_fuzz.c - libFuzzer target for network/prefix patterns
 *
 * The input (up to its first NUL) is parsed as a pattern, with and
 * without a place for the reason (the error path formats a suggested
 * fix, so it runs more code). A pattern that parses must print in a
 * form that parses to the same block; the block must contain its own
 * first and last address and no address just outside it; an IPv4 block
 * must match the IPv4-mapped forms of its addresses and an IPv6 block
 * no IPv4 address.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr_match.h"
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

/* same_block - same family, network, prefix and mask */

static int
same_block(const CIDR_MATCH *a, const CIDR_MATCH *b)
{
	return inet_addr_equal(&a->net, &b->net) && a->prefix == b->prefix
	    && memcmp(a->mask, b->mask, sizeof(a->mask)) == 0;
}

/* fuzz_block - properties of a block that parsed */

static void
fuzz_block(const CIDR_MATCH *cm)
{
	STRBUF *text = strbuf_create(100);
	CIDR_MATCH again;
	INET_ADDR last;
	INET_ADDR outside;
	INET_ADDR mapped;
	INET_ADDR_STR buf;
	int	nbytes = INET_ADDR_LEN(&cm->net);
	int	bit;
	int	i;

	check(cm->prefix >= 0 && cm->prefix <= INET_ADDR_BITS(&cm->net),
	      "prefix out of range");
	for (i = 0; i < nbytes; i++)
		check((cm->net.bytes[i] & ~cm->mask[i]) == 0, "host bits set");

	cidr_match_format(cm, text);
	check(cidr_match_parse(&again, strbuf_str(text), NULL) == 0,
	      "printed block does not parse");
	check(same_block(&again, cm), "printed block differs");

	/* First and last address inside, a flipped prefix bit outside. */
	check(cidr_match_addr(cm, &cm->net) == 1, "network address");
	check(cidr_match_str(cm, inet_addr_ntop(&cm->net, &buf)) == 1,
	      "network address as text");
	last = cm->net;
	for (i = 0; i < nbytes; i++)
		last.bytes[i] |= (unsigned char) ~cm->mask[i];
	check(cidr_match_addr(cm, &last) == 1, "last address");
	if (cm->prefix > 0) {
		bit = cm->prefix - 1;
		outside = cm->net;
		outside.bytes[bit / 8] ^= (unsigned char) (0x80 >> (bit % 8));
		check(cidr_match_addr(cm, &outside) == 0, "outside address");
	}

	/* IPv4 blocks see ::ffff:a.b.c.d as a.b.c.d; IPv6 never sees IPv4. */
	if (cm->net.family == AF_INET) {
		memset(&mapped, 0, sizeof(mapped));
		mapped.family = AF_INET6;
		mapped.bytes[10] = mapped.bytes[11] = 0xff;
		memcpy(mapped.bytes + 12, last.bytes, 4);
		check(cidr_match_addr(cm, &mapped) == 1, "mapped address");
	} else {
		memset(&mapped, 0, sizeof(mapped));
		mapped.family = AF_INET;
		memcpy(mapped.bytes, cm->net.bytes + 12, 4);
		check(cidr_match_addr(cm, &mapped) == 0, "IPv4 in IPv6 block");
	}
	strbuf_free(&text);
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "cidr_match_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once: warnings about bad input are expected */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("cidr_match_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *text = xstrndup((const char *) data, size);
	STRBUF *why = strbuf_create(100);
	CIDR_MATCH cm;
	CIDR_MATCH quiet;
	int	status;

	status = cidr_match_parse(&cm, text, why);
	check(status == 0 || strbuf_len(why) > 0, "error without reason");
	check((cidr_match_parse(&quiet, text, NULL) == 0) == (status == 0),
	      "result depends on the reason buffer");
	if (status == 0) {
		check(same_block(&cm, &quiet), "block depends on the reason buffer");
		fuzz_block(&cm);
	}
	strbuf_free(&why);
	xfree(text);
	return 0;
}
