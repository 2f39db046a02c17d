/*
 * addr_parse_fuzz.c - libFuzzer target for the address parser and quoter
 *
 * The input (up to its first NUL) is parsed as a header address list,
 * as an SMTP path with each set of flags, and taken as an internal
 * address to quote.
 *
 * Checks: every address is put together from its parts; quoting an
 * internal address and parsing it again gives it back (when its
 * domain is plain, since domains are never quoted); a strict path
 * that parses also parses liberally, to the same address; an error
 * comes with a reason; an address equals itself.
 */

#include "sysdeps.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr_parse.h"
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

/* plain_domain - domain text that needs no quoting: none, or [A-Za-z0-9.-]* */

static int
plain_domain(const char *internal)
{
	const char *at = strrchr(internal, '@');

	return at == NULL
	    || strspn(at + 1, "abcdefghijklmnopqrstuvwxyz"
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(at + 1);
}

/* round_trip - unquote(quote(x)) == x */

static void
round_trip(const char *internal, int flags)
{
	STRBUF *ext = strbuf_create(100);
	STRBUF *back = strbuf_create(100);

	if (*internal && plain_domain(internal)) {
		addr_quote(ext, internal, flags);
		if (addr_unquote(back, strbuf_str(ext)) != 0
		    || strcmp(strbuf_str(back), internal) != 0)
			log_panic("check failed: \"%s\" quoted as \"%s\" reads "
				  "back as \"%s\"", internal, strbuf_str(ext),
				  strbuf_str(back));
	}
	strbuf_free(&ext);
	strbuf_free(&back);
}

/* check_list - structure of a parsed list */

static void
check_list(const ADDR_LIST *list)
{
	STRBUF *buf = strbuf_create(100);
	size_t  i;

	for (i = 0; i < list->count; i++) {
		const ADDR_ITEM *it = list->items + i;

		check(it->addr != NULL && it->local != NULL, "missing parts");
		strbuf_reset(buf);
		if (it->route)
			strbuf_append_printf(buf, "%s:", it->route);
		strbuf_append_str(buf, it->local);
		if (it->domain)
			strbuf_append_printf(buf, "@%s", it->domain);
		check(strcmp(strbuf_str(buf), it->addr) == 0,
		      "address is not route:local@domain");
		check(it->route == NULL || it->route[0] == '@',
		      "route does not start with @");
		check(addr_compare(it->addr, it->addr) == 0, "compare to self");
		if (it->route == NULL) {
			round_trip(it->addr, 0);
			round_trip(it->addr, ADDR_QUOTE_8BITCLEAN);
		}
	}
	strbuf_free(&buf);
}

/* fuzz_log - show only what ends the process: the fuzzer's own checks */

static void
fuzz_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "addr_parse_fuzz: %s\n", text);
}

/* LLVMFuzzerInitialize - once */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	log_init("addr_parse_fuzz", 0);
	log_add_output(fuzz_log);
	return 0;
}

/* LLVMFuzzerTestOneInput - one input */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int path_flags[] = {
		0, ADDR_PATH_ALLOW_EMPTY, ADDR_PATH_STRICT,
		ADDR_PATH_STRICT | ADDR_PATH_ALLOW_EMPTY,
	};
	char   *text = xstrndup((const char *) data, size);
	STRBUF *out = strbuf_create(100);
	STRBUF *out2 = strbuf_create(100);
	STRBUF *route = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	ADDR_LIST *list;
	size_t  i;
	int     ret;

	list = addr_parse_list(text);
	check_list(list);
	addr_list_free(&list);

	for (i = 0; i < ARRAY_LEN(path_flags); i++) {
		strbuf_reset(why);
		ret = addr_parse_path(text, path_flags[i], out, route, why);
		check(ret == 0 || ret == -1, "path result");
		check(ret == 0 || strbuf_len(why) > 0, "path error without reason");
		if (ret == 0 && (path_flags[i] & ADDR_PATH_STRICT)) {
			if (addr_parse_path(text, path_flags[i] & ~ADDR_PATH_STRICT,
					    out2, NULL, why) != 0
			    || strcmp(strbuf_str(out), strbuf_str(out2)) != 0)
				log_panic("check failed: strict path \"%s\" -> \"%s\","
					  " liberal -> \"%s\" (%s)", text,
					  strbuf_str(out), strbuf_str(out2),
					  strbuf_str(why));
		}
		if (ret == 0 && strbuf_len(out) == 0)
			check(path_flags[i] & ADDR_PATH_ALLOW_EMPTY, "empty path");
	}

	/* The input as an internal address. */
	round_trip(text, 0);
	round_trip(text, ADDR_QUOTE_8BITCLEAN);
	strbuf_reset(out);
	(void) addr_unquote(out, text);

	strbuf_free(&out);
	strbuf_free(&out2);
	strbuf_free(&route);
	strbuf_free(&why);
	xfree(text);
	return 0;
}
