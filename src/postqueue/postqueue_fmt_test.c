/*
 * postqueue_fmt_test.c - unit tests for the mailq and JSON listings
 *
 * Each case is a showq item stream, built with attr_print() as showq
 * sends it, and the exact text expected for -p and -j: empty queue,
 * the active/hold/forced-expire markers, reason lines (shown once per
 * run of equal reasons, "reason unavailable" after one, right-aligned
 * at column 78 unless too long), the Kbytes total rounded down and the
 * singular "Request", long queue ID columns, JSON escapes, and a stream
 * that breaks off (no summary, an error).
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iostream.h"
#include "strbuf.h"
#include "attr.h"
#include "showq_proto.h"
#include "postqueue.h"

/* 41 blanks: where recipients start in the short layout. */
#define R	"                                         "
/* 47 blanks: the same in the long layout (17 + 1 + 8 + 1 + 19 + 1). */
#define RL	R "      "
#define EPOCH	"Thu Jan  1 00:00:00"

/* One showq item; type 'm' message, 'r' recipient, 'e' end, 0 stop. */
typedef struct ITEM {
	int     type;
	const char *queue;		/* m: queue; r: address */
	const char *id;			/* m: queue ID; r: reason */
	long    time;
	long    size;
	int     expire;
	const char *sender;
} ITEM;

/* Full initializers, so that -Wmissing-field-initializers stays quiet. */
#define M(q, id, t, sz, x, snd)	{'m', (q), (id), (t), (sz), (x), (snd)}
#define RC(addr, why)		{'r', (addr), (why), 0, 0, 0, NULL}
#define END			{'e', NULL, NULL, 0, 0, 0, NULL}
#define STOP			{0, NULL, NULL, 0, 0, 0, NULL}

/* build - the wire form of items */

static void
build(STRBUF *wire, const ITEM *items)
{
	IOSTREAM *st = iostream_memcreate(wire);

	for (; items->type; items++) {
		switch (items->type) {
		case 'm':
			attr_print(st, ATTR_FLAG_NONE,
				   ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_MESSAGE),
				   ATTR_SEND_STR(SHOWQ_ATTR_QUEUE, items->queue),
				   ATTR_SEND_STR(SHOWQ_ATTR_ID, items->id),
				   ATTR_SEND_LONG(SHOWQ_ATTR_TIME, items->time),
				   ATTR_SEND_LONG(SHOWQ_ATTR_SIZE, items->size),
				   ATTR_SEND_INT(SHOWQ_ATTR_EXPIRE, items->expire),
				   ATTR_SEND_STR(SHOWQ_ATTR_SENDER, items->sender),
				   ATTR_TYPE_END);
			break;
		case 'r':
			attr_print(st, ATTR_FLAG_NONE,
				   ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_RCPT),
				   ATTR_SEND_STR(SHOWQ_ATTR_RCPT, items->queue),
				   ATTR_SEND_STR(SHOWQ_ATTR_REASON, items->id),
				   ATTR_TYPE_END);
			break;
		case 'e':
			attr_print(st, ATTR_FLAG_NONE,
				   ATTR_SEND_STR(SHOWQ_ATTR_TYPE, SHOWQ_TYPE_END),
				   ATTR_TYPE_END);
			break;
		}
	}
	assert_int_equal(iostream_close(st), 0);
}

/* run - format items in one style; returns the text (caller frees) */

static char *
run(const ITEM *items, int style, int long_ids, int expect_status)
{
	STRBUF *wire = strbuf_create(100);
	STRBUF *text = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	IOSTREAM *in;
	IOSTREAM *out;
	PQ_FMT *fmt;
	char   *result;

	build(wire, items);
	in = iostream_memopen(strbuf_str(wire), strbuf_len(wire));
	out = iostream_memcreate(text);
	fmt = pq_fmt_create(style, long_ids, out);
	assert_int_equal(pq_fmt_showq(in, fmt, why), expect_status);
	if (expect_status < 0)
		assert_string_equal(strbuf_str(why), "malformed showq server response");
	pq_fmt_free(fmt);
	assert_int_equal(iostream_close(out), 0);
	(void) iostream_close(in);
	result = strbuf_detach(text);
	strbuf_free(&text);
	strbuf_free(&wire);
	strbuf_free(&why);
	return result;
}

static const ITEM empty[] = {
	END, STOP,
};

static const ITEM deferred[] = {
	M("deferred", "3F5CF2000F2", 0, 1234, 0, "sender@example.com"),
	RC("a@example.com", "connect to x[1.2.3.4]:25: Connection refused"),
	RC("b@example.com", "connect to x[1.2.3.4]:25: Connection refused"),
	RC("c@example.com", ""),
	RC("d@example.com", ""),
	END, STOP,
};

static const ITEM markers[] = {
	M("active", "AAAAA1", 0, 1023, 0, "MAILER-DAEMON"),
	RC("x@example.com", ""),
	M("hold", "BBBBB2", 0, 1024, 0, "h@example.com"),
	RC("y@example.com", ""),
	M("incoming", "CCCCC3", 0, 1, 1, "i@example.com"),
	RC("z@example.com", ""),
	M("maildrop", "DDDDDDDDDDDDD", 86400 + 3600, 99999999, 0, "root"),
	END, STOP,
};

static const ITEM one[] = {
	M("incoming", "E1", 0, 2047, 0, "s@example.com"),
	RC("r@example.com", "a reason that is much longer than seventy-six characters, so no padding at all"),
	END, STOP,
};

static const ITEM quoting[] = {
	M("deferred", "F1", 5, 10, 0, "\"a b\"@example.com"),
	RC("back\\slash@example.com", "tab\there\001 and \"quotes\""),
	RC("plain@example.com", ""),
	END, STOP,
};

static const ITEM broken[] = {
	M("deferred", "G1", 0, 10, 0, "s@example.com"),
	RC("r@example.com", ""),
	STOP,
};

static const ITEM orphan[] = {
	RC("r@example.com", ""),
	END, STOP,
};

static void
test_mailq(void **unused)
{
	static const struct {
		const ITEM *items;
		int     long_ids;
		int     status;
		const char *text;
	} t[] = {
		{empty, 0, 0, "Mail queue is empty\n"},
		{deferred, 0, 0,
			"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
			"3F5CF2000F2    1234 " EPOCH "  sender@example.com\n"
			"                                (connect to x[1.2.3.4]:25: Connection refused)\n"
			R "a@example.com\n"
			R "b@example.com\n"
			"                                                          (reason unavailable)\n"
			R "c@example.com\n"
			R "d@example.com\n"
			"\n-- 1 Kbytes in 1 Request.\n"},
		{markers, 0, 0,
			"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
			"AAAAA1*        1023 " EPOCH "  MAILER-DAEMON\n"
			R "x@example.com\n"
			"\n"
			"BBBBB2!        1024 " EPOCH "  h@example.com\n"
			R "y@example.com\n"
			"\n"
			"CCCCC3#           1 " EPOCH "  i@example.com\n"
			R "z@example.com\n"
			"\n"
			"DDDDDDDDDDDDD 99999999 Fri Jan  2 01:00:00  root\n"
			"\n-- 97658 Kbytes in 4 Requests.\n"},
		{one, 0, 0,
			"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
			"E1             2047 " EPOCH "  s@example.com\n"
			"(a reason that is much longer than seventy-six characters, so no padding at all)\n"
			R "r@example.com\n"
			"\n-- 1 Kbytes in 1 Request.\n"},
		{markers, 1, 0,
			"----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------\n"
			"AAAAA1*               1023 " EPOCH " MAILER-DAEMON\n"
			RL "x@example.com\n"
			"\n"
			"BBBBB2!               1024 " EPOCH " h@example.com\n"
			RL "y@example.com\n"
			"\n"
			"CCCCC3#                  1 " EPOCH " i@example.com\n"
			RL "z@example.com\n"
			"\n"
			"DDDDDDDDDDDDD     99999999 Fri Jan  2 01:00:00 root\n"
			"\n-- 97658 Kbytes in 4 Requests.\n"},
		{broken, 0, -1,
			"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
			"G1               10 " EPOCH "  s@example.com\n"
			R "r@example.com\n"},
		{orphan, 0, -1, ""},
	};
	size_t  i;
	char   *got;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = run(t[i].items, PQ_FMT_MAILQ, t[i].long_ids, t[i].status);
		if (strcmp(got, t[i].text) != 0)
			fail_msg("case %zu:\n%s---expected:\n%s", i, got, t[i].text);
		free(got);
	}
}

static void
test_json(void **unused)
{
	static const struct {
		const ITEM *items;
		int     status;
		const char *text;
	} t[] = {
		{empty, 0, ""},
		{deferred, 0,
			"{\"queue_name\": \"deferred\", \"queue_id\": \"3F5CF2000F2\", "
			"\"arrival_time\": 0, \"message_size\": 1234, \"forced_expire\": false, "
			"\"sender\": \"sender@example.com\", \"recipients\": ["
			"{\"address\": \"a@example.com\", \"delay_reason\": \"connect to x[1.2.3.4]:25: Connection refused\"}, "
			"{\"address\": \"b@example.com\", \"delay_reason\": \"connect to x[1.2.3.4]:25: Connection refused\"}, "
			"{\"address\": \"c@example.com\"}, {\"address\": \"d@example.com\"}]}\n"},
		{markers, 0,
			"{\"queue_name\": \"active\", \"queue_id\": \"AAAAA1\", \"arrival_time\": 0, "
			"\"message_size\": 1023, \"forced_expire\": false, \"sender\": \"MAILER-DAEMON\", "
			"\"recipients\": [{\"address\": \"x@example.com\"}]}\n"
			"{\"queue_name\": \"hold\", \"queue_id\": \"BBBBB2\", \"arrival_time\": 0, "
			"\"message_size\": 1024, \"forced_expire\": false, \"sender\": \"h@example.com\", "
			"\"recipients\": [{\"address\": \"y@example.com\"}]}\n"
			"{\"queue_name\": \"incoming\", \"queue_id\": \"CCCCC3\", \"arrival_time\": 0, "
			"\"message_size\": 1, \"forced_expire\": true, \"sender\": \"i@example.com\", "
			"\"recipients\": [{\"address\": \"z@example.com\"}]}\n"
			"{\"queue_name\": \"maildrop\", \"queue_id\": \"DDDDDDDDDDDDD\", \"arrival_time\": 90000, "
			"\"message_size\": 99999999, \"forced_expire\": false, \"sender\": \"root\", "
			"\"recipients\": []}\n"},
		{quoting, 0,
			"{\"queue_name\": \"deferred\", \"queue_id\": \"F1\", \"arrival_time\": 5, "
			"\"message_size\": 10, \"forced_expire\": false, \"sender\": \"\\\"a b\\\"@example.com\", "
			"\"recipients\": [{\"address\": \"back\\\\slash@example.com\", "
			"\"delay_reason\": \"tab\\there\\u0001 and \\\"quotes\\\"\"}, "
			"{\"address\": \"plain@example.com\"}]}\n"},
		{broken, -1,
			"{\"queue_name\": \"deferred\", \"queue_id\": \"G1\", \"arrival_time\": 0, "
			"\"message_size\": 10, \"forced_expire\": false, \"sender\": \"s@example.com\", "
			"\"recipients\": [{\"address\": \"r@example.com\"}]}\n"},
	};
	size_t  i;
	char   *got;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = run(t[i].items, PQ_FMT_JSON, 0, t[i].status);
		if (strcmp(got, t[i].text) != 0)
			fail_msg("case %zu:\n%s---expected:\n%s", i, got, t[i].text);
		free(got);
	}
}

static void
test_json_quote(void **unused)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{"", ""},
		{"plain", "plain"},
		{"\"\\", "\\\"\\\\"},
		{"\b\f\n\r\t", "\\b\\f\\n\\r\\t"},
		{"\001\037\177", "\\u0001\\u001F\\u007F"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
	};
	STRBUF *out = strbuf_create(10);
	size_t  i;

	(void) unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		strbuf_reset(out);
		pq_json_quote(out, t[i].in);
		assert_string_equal(strbuf_str(out), t[i].out);
	}
	strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mailq),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_quote),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
