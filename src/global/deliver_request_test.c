/*
 * deliver_request_test.c - unit tests for deliver_request
 *
 * A request with several recipients goes from the qmgr side to the
 * agent side over a socketpair and arrives field for field, with the
 * queue file open; the reply carries status and hop fields back; two
 * requests share one connection and a hang-up ends it cleanly.
 * Malformed requests (edited copies of a good one) are refused without
 * a reply, a missing queue file gives NULL and a DEFER reply, and a
 * garbled reply is -1.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iostream.h"
#include "strbuf.h"
#include "deliver_request.h"
#include "mail_queue.h"
#include "params_global.h"
#include "qfile.h"

static char dir[] = "/tmp/deliver_request_test.XXXXXX";
static char cwd[4096];
static STRBUF *qid;
static off_t rcpt_off[3];
static off_t data_off;

/* make_queue_file - a small complete queue file in active/ */

static void
make_queue_file(void)
{
	STRBUF *path = strbuf_create(10);
	STRBUF *why = strbuf_create(10);
	QFILE_WRITER *w;
	IOSTREAM *st;
	int     fd;

	fd = mail_queue_create("active", 0, qid, path, why);
	assert_true(fd >= 0);
	st = iostream_fdopen(fd, O_RDWR);
	w = qfile_write_open(st, 1700000000L, 0, 0);
	qfile_write_sender(w, "sender@example.com");
	rcpt_off[0] = qfile_write_rcpt(w, "a@example.org", "A@example.org", NULL, 0);
	rcpt_off[1] = qfile_write_rcpt(w, "b@example.org", NULL, "rfc822;b@example.org",
				       QFILE_NOTIFY_SUCCESS);
	rcpt_off[2] = qfile_write_rcpt(w, "c@example.org", NULL, NULL, 0);
	qfile_write_content(w);
	data_off = iostream_tell(st);
	qfile_write_line(w, "Subject: x", 10);
	qfile_write_extracted(w);
	assert_int_equal(qfile_write_close(w, 12, why), 0);
	assert_int_equal(iostream_close(st), 0);
	strbuf_free(&path);
	strbuf_free(&why);
}

/* sample_request - a request built by hand, as qmgr would */

static DELIVER_REQUEST *
sample_request(const char *id)
{
	static const char *addr[3] = {"a@example.org", "b@example.org", "c@example.org"};
	static const char *orig[3] = {"A@example.org", "", ""};
	static const char *orcpt[3] = {"", "rfc822;b@example.org", ""};
	static const int notify[3] = {0, QFILE_NOTIFY_SUCCESS, 0};
	DELIVER_REQUEST *req = calloc(1, sizeof(*req));
	int     i;

	assert_non_null(req);
	req->flags = DEL_REQ_FLAG_RECORD;
	req->queue_name = strdup("active");
	req->queue_id = strdup(id);
	req->data_offset = data_off;
	req->data_size = 12;
	req->nexthop = strdup("example.org");
	req->encoding = strdup("8bitmime");
	req->smtputf8 = 1;
	req->sender = strdup("sender@example.com");
	req->dsn_envid = strdup("env-1");
	req->dsn_ret = QFILE_RET_HDRS;
	req->client_name = strdup("client.example");
	req->client_addr = strdup("192.0.2.1");
	req->client_port = strdup("1234");
	req->client_proto = strdup("ESMTP");
	req->client_helo = strdup("helo.example");
	req->sasl_method = strdup("");
	req->sasl_username = strdup("");
	/* sasl_sender left NULL: sent as "" */
	req->rewrite_context = strdup("remote");
	req->arrival_sec = 1700000000L;
	req->arrival_usec = 5;
	req->active_sec = 1700000001L;
	req->active_usec = 999999;
	req->request_sec = 1700000002L;
	req->request_usec = 0;
	req->rcpt_count = 3;
	req->rcpts = calloc(3, sizeof(*req->rcpts));
	assert_non_null(req->rcpts);
	for (i = 0; i < 3; i++) {
		req->rcpts[i].address = strdup(addr[i]);
		req->rcpts[i].orig_addr = strdup(orig[i]);
		req->rcpts[i].dsn_orcpt = strdup(orcpt[i]);
		req->rcpts[i].dsn_notify = notify[i];
		req->rcpts[i].offset = rcpt_off[i];
	}
	return req;
}

/* pair - a connected pair of streams */

static void
pair(IOSTREAM **qmgr, IOSTREAM **agent)
{
	int     sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	*qmgr = iostream_fdopen(sv[0], O_RDWR);
	*agent = iostream_fdopen(sv[1], O_RDWR);
	iostream_set_timeout(*qmgr, 10);
	iostream_set_timeout(*agent, 10);
}

/* check_equal - the agent got what qmgr sent */

static void
check_equal(const DELIVER_REQUEST *a, const DELIVER_REQUEST *b)
{
	int     i;

	assert_int_equal(a->flags, b->flags);
	assert_string_equal(a->queue_name, b->queue_name);
	assert_string_equal(a->queue_id, b->queue_id);
	assert_int_equal(a->data_offset, b->data_offset);
	assert_int_equal(a->data_size, b->data_size);
	assert_string_equal(a->nexthop, b->nexthop);
	assert_string_equal(a->encoding, b->encoding);
	assert_int_equal(a->smtputf8, b->smtputf8);
	assert_string_equal(a->sender, b->sender);
	assert_string_equal(a->dsn_envid, b->dsn_envid);
	assert_int_equal(a->dsn_ret, b->dsn_ret);
	assert_string_equal(a->client_name, b->client_name);
	assert_string_equal(a->client_addr, b->client_addr);
	assert_string_equal(a->client_port, b->client_port);
	assert_string_equal(a->client_proto, b->client_proto);
	assert_string_equal(a->client_helo, b->client_helo);
	assert_string_equal(a->sasl_method, b->sasl_method);
	assert_string_equal(a->sasl_username, b->sasl_username);
	assert_string_equal(b->sasl_sender, "");
	assert_string_equal(a->rewrite_context, b->rewrite_context);
	assert_int_equal(a->arrival_sec, b->arrival_sec);
	assert_int_equal(a->arrival_usec, b->arrival_usec);
	assert_int_equal(a->active_sec, b->active_sec);
	assert_int_equal(a->active_usec, b->active_usec);
	assert_int_equal(a->request_sec, b->request_sec);
	assert_int_equal(a->request_usec, b->request_usec);
	assert_int_equal(a->rcpt_count, b->rcpt_count);
	for (i = 0; i < a->rcpt_count; i++) {
		assert_string_equal(a->rcpts[i].address, b->rcpts[i].address);
		assert_string_equal(a->rcpts[i].orig_addr, b->rcpts[i].orig_addr);
		assert_string_equal(a->rcpts[i].dsn_orcpt, b->rcpts[i].dsn_orcpt);
		assert_int_equal(a->rcpts[i].dsn_notify, b->rcpts[i].dsn_notify);
		assert_int_equal(a->rcpts[i].offset, b->rcpts[i].offset);
	}
}

static void
test_round_trip(void **unused)
{
	DELIVER_REQUEST *sent = sample_request(strbuf_str(qid));
	DELIVER_REQUEST *got;
	IOSTREAM *qmgr, *agent;
	STRBUF *hs = strbuf_create(10);
	STRBUF *hr = strbuf_create(10);
	char    type;

	pair(&qmgr, &agent);

	/* First request: the destination failed as a whole. */
	assert_int_equal(deliver_request_send(qmgr, sent), 0);
	got = deliver_request_read(agent);
	assert_non_null(got);
	check_equal(sent, got);
	assert_non_null(got->fp);
	assert_true(got->received_sec >= 1700000000L);
	assert_string_equal(got->hop_status, "");
	/* The queue file is open read-write at the recipient. */
	assert_int_equal(pread(iostream_fileno(got->fp), &type, 1,
			       got->rcpts[1].offset), 1);
	assert_int_equal(type, 'R');
	deliver_request_hop(got, "4.4.1", "connect to example.org: refused");
	assert_int_equal(deliver_request_done(agent, got, DEL_STAT_DEFER), 0);
	assert_int_equal(deliver_reply_read(qmgr, hs, hr), DEL_STAT_DEFER);
	assert_string_equal(strbuf_str(hs), "4.4.1");
	assert_string_equal(strbuf_str(hr), "connect to example.org: refused");

	/* Second request on the same connection: plain success. */
	assert_int_equal(deliver_request_send(qmgr, sent), 0);
	got = deliver_request_read(agent);
	assert_non_null(got);
	check_equal(sent, got);
	assert_int_equal(deliver_request_done(agent, got, DEL_STAT_OK), 0);
	assert_int_equal(deliver_reply_read(qmgr, hs, hr), DEL_STAT_OK);
	assert_string_equal(strbuf_str(hs), "");
	assert_string_equal(strbuf_str(hr), "");

	/* qmgr hangs up: a clean end. */
	assert_int_equal(iostream_close(qmgr), 0);
	assert_null(deliver_request_read(agent));
	(void) iostream_close(agent);
	deliver_request_free(sent);
	strbuf_free(&hs);
	strbuf_free(&hr);
}

/* encode - the wire form of a request */

static STRBUF *
encode(const DELIVER_REQUEST *req)
{
	STRBUF *out = strbuf_create(1000);
	IOSTREAM *mem = iostream_memcreate(out);

	assert_int_equal(deliver_request_send(mem, req), 0);
	assert_int_equal(iostream_close(mem), 0);
	return out;
}

/* edit - replace the first from in buf by to */

static void
edit(STRBUF *buf, const char *from, const char *to)
{
	STRBUF *tmp = strbuf_create(100);
	char   *p = strstr(strbuf_str(buf), from);

	assert_non_null(p);
	strbuf_append(tmp, strbuf_str(buf), (size_t) (p - strbuf_str(buf)));
	strbuf_append_str(tmp, to);
	strbuf_append_str(tmp, p + strlen(from));
	strbuf_set_mem(buf, strbuf_str(tmp), strbuf_len(tmp));
	strbuf_free(&tmp);
}

static void
test_malformed(void **unused)
{
	static const struct {
		const char *from;
		const char *to;
	} t[] = {
		{"I5:flags,1:4,", "I5:flagz,1:4,"},		/* wrong name */
		{"I5:flags,1:4,", ""},				/* missing */
		{"S10:queue_name,6:active,", "S10:queue_name,4:a/..,"},
		{"S8:queue_id,", "S8:queue_id,"},		/* see below */
		{"I10:rcpt_count,1:3,", "I10:rcpt_count,1:0,"},
		{"I10:rcpt_count,1:3,", "I10:rcpt_count,6:100001,"},
		{"I10:rcpt_count,1:3,", "I10:rcpt_count,2:-1,"},
		{"I10:rcpt_count,1:3,", "I10:rcpt_count,1:4,"},	/* too few */
		{"I10:rcpt_count,1:3,", "I10:rcpt_count,1:2,"},	/* too many */
		{"I7:dsn_ret,1:2,", "I7:dsn_ret,1:7,"},
		{"L12:arrival_usec,1:5,", "L12:arrival_usec,7:1000000,"},
		{"S7:address,13:a@example.org,", "S7:address,0:,"},
		{"I10:dsn_notify,1:2,", "I10:dsn_notify,2:16,"},
		{"L6:offset,", "L6:offset,2:-1,L6:offset,"},	/* extra */
		{"S5:extra,", NULL},				/* see below */
		{NULL, ""},					/* no end */
		{"S8:encoding,8:8bitmime,", "I8:encoding,1:8,"},	/* type */
		{"S7:nexthop,", "S7:nexthop,999999999:"},	/* too long */
	};
	DELIVER_REQUEST *req = sample_request(strbuf_str(qid));
	IOSTREAM *qmgr, *agent;
	STRBUF *wire;
	char    from[40], to[40];
	size_t  i;
	char    c;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		wire = encode(req);
		if (t[i].to == NULL) {
			/* An extra attribute just before the terminator. */
			strbuf_truncate(wire, strbuf_len(wire) - 1);
			strbuf_append_str(wire, "S5:extra,1:x,E");
		} else if (t[i].from == NULL) {
			/* The terminator is missing. */
			strbuf_truncate(wire, strbuf_len(wire) - 1);
		} else if (strcmp(t[i].from, "S8:queue_id,") == 0) {
			/* A well-formed value that is no queue ID. */
			snprintf(from, sizeof(from), "S8:queue_id,%zu:%.3s",
				 strbuf_len(qid), strbuf_str(qid));
			snprintf(to, sizeof(to), "S8:queue_id,%zu:../",
				 strbuf_len(qid));
			edit(wire, from, to);
		} else {
			edit(wire, t[i].from, t[i].to);
		}
		pair(&qmgr, &agent);
		assert_int_equal(iostream_write(qmgr, strbuf_str(wire),
						strbuf_len(wire)), 0);
		assert_int_equal(iostream_flush(qmgr), 0);
		(void) shutdown(iostream_fileno(qmgr), SHUT_WR);
		assert_null(deliver_request_read(agent));
		/* No reply to a malformed request. */
		(void) iostream_close(agent);
		assert_int_equal(read(iostream_fileno(qmgr), &c, 1), 0);
		(void) iostream_close(qmgr);
		strbuf_free(&wire);
	}
	deliver_request_free(req);
}

static void
test_missing_file(void **unused)
{
	DELIVER_REQUEST *req = sample_request("ABCDEF12345");
	IOSTREAM *qmgr, *agent;
	STRBUF *hs = strbuf_create(10);
	STRBUF *hr = strbuf_create(10);

	pair(&qmgr, &agent);
	assert_int_equal(deliver_request_send(qmgr, req), 0);
	assert_null(deliver_request_read(agent));
	assert_int_equal(deliver_reply_read(qmgr, hs, hr), DEL_STAT_DEFER);
	assert_string_equal(strbuf_str(hs), "");
	(void) iostream_close(agent);
	(void) iostream_close(qmgr);
	deliver_request_free(req);
	strbuf_free(&hs);
	strbuf_free(&hr);
}

static void
test_bad_reply(void **unused)
{
	static const char *t[] = {
		"",						/* hang-up */
		"I6:status,1:0,E",				/* fields missing */
		"I6:status,1:7,S10:hop_status,0:,S10:hop_reason,0:,E",
		"I6:status,1:1,S10:hop_status,5:2.0.0,S10:hop_reason,0:,E",
		"I6:status,1:1,S10:hop_status,3:4.x,S10:hop_reason,0:,E",
		"I6:status,1:0,S10:hop_status,0:,S10:hop_reason,0:,",
	};
	STRBUF *hs = strbuf_create(10);
	STRBUF *hr = strbuf_create(10);
	IOSTREAM *qmgr, *agent;
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pair(&qmgr, &agent);
		strbuf_set(hs, "junk");
		iostream_puts(agent, t[i]);
		assert_int_equal(iostream_close(agent), 0);
		assert_int_equal(deliver_reply_read(qmgr, hs, hr), -1);
		assert_string_equal(strbuf_str(hs), "");
		(void) iostream_close(qmgr);
	}
	strbuf_free(&hs);
	strbuf_free(&hr);
}

/* The deferred count: sent by the agent, old and newer replies read. */

static void
test_reply_deferred(void **unused)
{
	static const struct {
		const char *reply;
		int	status;
		int	deferred;
	} t[] = {
		/* An agent that does not send the count. */
		{"I6:status,1:0,S10:hop_status,0:,S10:hop_reason,0:,E", 0, 0},
		{"I6:status,1:0,S10:hop_status,0:,S10:hop_reason,0:,"
		 "I8:deferred,1:2,E", 0, 2},
		/* A later attribute that this reader does not know. */
		{"I6:status,1:1,S10:hop_status,0:,S10:hop_reason,0:,"
		 "I8:deferred,1:1,S5:later,1:x,E", 1, 1},
		{"I6:status,1:0,S10:hop_status,0:,S10:hop_reason,0:,"
		 "I8:deferred,2:-1,E", -1, 0},
	};
	DELIVER_REQUEST *sent = sample_request(strbuf_str(qid));
	DELIVER_REQUEST *got;
	STRBUF *hs = strbuf_create(10);
	STRBUF *hr = strbuf_create(10);
	IOSTREAM *qmgr, *agent;
	size_t  i;
	int     deferred = -7;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pair(&qmgr, &agent);
		iostream_puts(agent, t[i].reply);
		assert_int_equal(iostream_close(agent), 0);
		deferred = -7;
		assert_int_equal(deliver_reply_read_deferred(qmgr, hs, hr,
							     &deferred),
				 t[i].status);
		assert_int_equal(deferred, t[i].deferred);
		(void) iostream_close(qmgr);
	}

	/*
	 * The agent sends the count it was given. Offset -1 (no done mark:
	 * local(8) passing on an expansion's destination) is accepted.
	 */
	pair(&qmgr, &agent);
	sent->rcpts[1].offset = -1;
	assert_int_equal(deliver_request_send(qmgr, sent), 0);
	got = deliver_request_read(agent);
	assert_non_null(got);
	assert_int_equal(got->rcpts[1].offset, -1);
	assert_int_equal(got->deferred, 0);
	got->deferred = 3;
	assert_int_equal(deliver_request_done(agent, got, DEL_STAT_OK), 0);
	assert_int_equal(deliver_reply_read_deferred(qmgr, hs, hr, &deferred),
			 DEL_STAT_OK);
	assert_int_equal(deferred, 3);
	(void) iostream_close(agent);
	(void) iostream_close(qmgr);
	deliver_request_free(sent);
	strbuf_free(&hs);
	strbuf_free(&hr);
}

static int
setup(void **unused)
{
	if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(dir) == NULL
	    || chdir(dir) < 0 || mkdir("active", 0700) < 0)
		return -1;
	var_hash_queue_names = "deferred";
	var_hash_queue_depth = 1;
	qid = strbuf_create(20);
	make_queue_file();
	return 0;
}

static int
teardown(void **unused)
{
	char    cmd[4200];

	strbuf_free(&qid);
	if (chdir(cwd) < 0)
		return -1;
	if (snprintf(cmd, sizeof(cmd), "rm -rf %s", dir) >= (int) sizeof(cmd)
	    || system(cmd) != 0)
		return -1;
	var_hash_queue_names = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_reply),
		cmocka_unit_test(test_reply_deferred),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
