/*
 * qfile_test.c - unit tests for qfile
 *
 * A complete file written through the writer reads back with every
 * field; done-marks change one byte in place and survive a re-read;
 * and the reader refuses damaged files: each byte cut off the end, a
 * flipped type byte in each record, and hand-made files with records
 * in the wrong section or order.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "iostream.h"
#include "strbuf.h"
#include "qfile.h"
#include "rec.h"

#define LIMIT	10000

static char path[] = "/tmp/qfile_test.XXXXXX";
static off_t rcpt_off[2];

/* write_sample - a complete file with every kind of record */

static STRBUF *
write_sample(int fd)
{
	IOSTREAM *st = iostream_fdopen(fd, O_RDWR);
	STRBUF *why = strbuf_create(10);
	STRBUF *data = strbuf_create(1000);
	QFILE_WRITER *w;
	char    longline[30];

	memset(longline, 'x', sizeof(longline));
	w = qfile_write_open(st, 1700000000L, 123456, 10);
	qfile_write_attr(w, QFILE_ATTR_CREATE_TIME, "1700000000");
	qfile_write_attr(w, QFILE_ATTR_CLIENT_NAME, "client.example");
	qfile_write_attr(w, QFILE_ATTR_CLIENT_ADDR, "192.0.2.1");
	qfile_write_fullname(w, "A User");
	qfile_write_sender(w, "sender@example.com");
	qfile_write_dsn(w, QFILE_RET_HDRS, "envid-1");
	rcpt_off[0] = qfile_write_rcpt(w, "one@example.org", "One@Example.org",
				       "rfc822;One@Example.org",
				       QFILE_NOTIFY_SUCCESS | QFILE_NOTIFY_FAILURE);
	rcpt_off[1] = qfile_write_rcpt(w, "two@example.org", NULL, NULL, 0);
	qfile_write_content(w);
	qfile_write_line(w, "Subject: test", 13);
	qfile_write_line(w, "", 0);
	qfile_write_line(w, longline, sizeof(longline));
	qfile_write_extracted(w);
	qfile_write_return_receipt(w, "rr@example.com");
	qfile_write_errors_to(w, "err@example.com");
	qfile_write_rcpt(w, "hdr@example.net", NULL, NULL, 0);
	qfile_write_attr(w, "encoding", "7bit");
	assert_int_equal(qfile_write_close(w, 50, why), 0);
	assert_int_equal(iostream_fdclose(st), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	{
		char    b[4096];
		ssize_t n;

		while ((n = read(fd, b, sizeof(b))) > 0)
			strbuf_append(data, b, (size_t) n);
	}
	strbuf_free(&why);
	return data;
}

/* read_mem - qfile_read() over bytes */

static QFILE *
read_mem(const char *buf, size_t len, STRBUF *why)
{
	IOSTREAM *st = iostream_memopen(buf, len);
	QFILE  *q = qfile_read(st, LIMIT, 1, why);

	iostream_close(st);
	return q;
}

static int
setup(void **unused)
{
	int     fd = mkstemp(path);

	return fd < 0 ? -1 : (close(fd), 0);
}

static int
teardown(void **unused)
{
	unlink(path);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	return 0;
}

static void
test_write_read(void **unused)
{
	int     fd = open(path, O_RDWR | O_TRUNC);
	STRBUF *why = strbuf_create(10);
	STRBUF *data = write_sample(fd);
	QFILE  *q = read_mem(strbuf_str(data), strbuf_len(data), why);

	assert_non_null(q);
	assert_int_equal(q->arrival_sec, 1700000000L);
	assert_int_equal(q->arrival_usec, 123456);
	assert_string_equal(q->sender, "sender@example.com");
	assert_string_equal(q->fullname, "A User");
	assert_string_equal(qfile_attr(q, "client_name"), "client.example");
	assert_string_equal(qfile_attr(q, "client_address"), "192.0.2.1");
	assert_null(qfile_attr(q, "client"));
	assert_int_equal(q->dsn_ret, QFILE_RET_HDRS);
	assert_string_equal(q->dsn_envid, "envid-1");
	assert_int_equal(q->rcpt_count, 2);
	assert_string_equal(q->rcpts[0].address, "one@example.org");
	assert_string_equal(q->rcpts[0].orig, "One@Example.org");
	assert_string_equal(q->rcpts[0].dsn_orcpt, "rfc822;One@Example.org");
	assert_int_equal(q->rcpts[0].dsn_notify, 6);
	assert_int_equal(q->rcpts[0].offset, rcpt_off[0]);
	assert_false(q->rcpts[0].done);
	assert_null(q->rcpts[1].orig);
	assert_int_equal(q->rcpts[1].offset, rcpt_off[1]);
	assert_string_equal(strbuf_str(q->content),
		"Subject: test\n\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
	assert_int_equal(q->line_count, 3);
	assert_int_equal(q->size[QFILE_SIZE_RCPT_COUNT], 2);
	assert_int_equal(q->size[QFILE_SIZE_CONT_LENGTH], 50);
	/* "Subject: t" (10+2) "est" (3+2), "" (0+2), 3 x (10+2) */
	assert_int_equal(q->size[QFILE_SIZE_CONTENT], 12 + 5 + 2 + 36);
	assert_int_equal(q->xrcpt_count, 1);
	assert_string_equal(q->xrcpts[0].address, "hdr@example.net");
	assert_string_equal(q->return_receipt, "rr@example.com");
	assert_string_equal(q->errors_to, "err@example.com");
	assert_int_equal(q->xattrs->argc, 1);
	assert_string_equal(q->xattrs->argv[0], "encoding=7bit");
	qfile_free(q);

	/* Mark the second recipient done, twice; only one byte changes. */
	assert_int_equal(qfile_mark_done(fd, rcpt_off[1], why), 0);
	assert_int_equal(qfile_mark_done(fd, rcpt_off[1], why), 0);
	assert_int_equal(qfile_mark_done(fd, rcpt_off[1] + 1, why), -1);
	assert_true(strncmp(strbuf_str(why), "no recipient record at offset ", 30) == 0);
	{
		STRBUF *after;

		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		after = strbuf_create(1000);
		{
			char    b[4096];
			ssize_t n;

			while ((n = read(fd, b, sizeof(b))) > 0)
				strbuf_append(after, b, (size_t) n);
		}
		assert_int_equal(strbuf_len(after), strbuf_len(data));
		assert_int_equal(strbuf_str(after)[rcpt_off[1]], 'D');
		strbuf_str(after)[rcpt_off[1]] = 'R';
		assert_memory_equal(strbuf_str(after), strbuf_str(data),
				    strbuf_len(data));
		strbuf_str(after)[rcpt_off[1]] = 'D';
		q = read_mem(strbuf_str(after), strbuf_len(after), why);
		assert_non_null(q);
		assert_false(q->rcpts[0].done);
		assert_true(q->rcpts[1].done);
		qfile_free(q);
		strbuf_free(&after);
	}
	close(fd);
	strbuf_free(&data);
	strbuf_free(&why);
}

static void
test_truncated(void **unused)
{
	int     fd = open(path, O_RDWR | O_TRUNC);
	STRBUF *why = strbuf_create(10);
	STRBUF *data = write_sample(fd);
	size_t  len;
	QFILE  *q;

	/* Every proper prefix is refused; and so is one more byte. */
	for (len = 0; len < strbuf_len(data); len++) {
		q = read_mem(strbuf_str(data), len, why);
		assert_null(q);
		assert_true(strbuf_len(why) > 0);
	}
	strbuf_append_char(data, 'E');
	assert_null(read_mem(strbuf_str(data), strbuf_len(data), why));
	close(fd);
	strbuf_free(&data);
	strbuf_free(&why);
}

/* hand - a file made of "type:text" words (text with no spaces) */

static STRBUF *
hand(const char *spec)
{
	STRBUF *out = strbuf_create(100);
	IOSTREAM *st = iostream_memcreate(out);
	ARGV   *words = argv_split(spec, " ");
	size_t  i;

	char   *cp;

	/* '_' stands for a space inside a record. */
	for (i = 0; i < words->argc; i++) {
		for (cp = words->argv[i]; *cp; cp++)
			if (*cp == '_')
				*cp = ' ';
		rec_puts(st, words->argv[i][0], words->argv[i] + 2);
	}
	iostream_close(st);
	argv_free(&words);
	return out;
}

static void
test_refusals(void **unused)
{
	/* A size record with its six fields. */
#define SZ "C:0_114_0_0_0_0"
	static const struct {
		const char *spec;
		const char *why;
	} t[] = {
		{"T:1_2 S:a M: X: E:", "first record is not a size record"},
		{SZ " S:a M: X: E:", "envelope without time record"},
		{"C:x T:1_2 S:a M: X: E:", "bad size record: x"},
		{"C:0_0_0_0_0_0 T:1_2 M: X: E:", "envelope without sender record"},
		{"C:0_0_0_0_0_0 S:a M: X: E:", "envelope without time record"},
		{"C:0_0_0_0_0_0 T:1_2 T:1_2 S:a M: X: E:", "duplicate time record"},
		{"C:0_0_0_0_0_0 T:1_x S:a M: X: E:", "bad time record: 1 x"},
		{"C:0_0_0_0_0_0 T:1_2 S:a S:b M: X: E:", "duplicate sender record"},
		{"C:0_0_0_0_0_0 T:1_2 S:a N:text M: X: E:",
		 "unexpected regular_text record in the envelope"},
		{"C:0_0_0_0_0_0 T:1_2 S:a M: X: E:",
		 "data offset 23 does not match size record 0"},
		{"C:0_0_0_0_0_0 T:1_2 S:a O:orig M: X: E:",
		 "original_recipient record without recipient"},
		{"C:0_0_0_0_0_0 T:1_2 S:a A:noequals M: X: E:",
		 "bad attribute record: noequals"},
		{"C:0_0_0_0_0_0 T:1_2 S:a n:99 R:x M: X: E:",
		 "bad DSN notify record: 99"},
		{"C:0_0_0_0_0_0 T:1_2 S:a C:0 M: X: E:",
		 "size record is not first"},
		{"C:0_0_0_0_0_0 T:1_2 S:a E:", "out-of-order end marker"},
		{"C:0_0_0_0_0_0 T:1_2 S:a", "missing end marker (premature end of file)"},
	};
	size_t  i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		STRBUF *why = strbuf_create(10);
		STRBUF *file;
		QFILE  *q;

		file = hand(t[i].spec);
		q = read_mem(strbuf_str(file), strbuf_len(file), why);
		if (q)
			fail_msg("accepted: %s", t[i].spec);
		assert_string_equal(strbuf_str(why), t[i].why);
		strbuf_free(&file);
		strbuf_free(&why);
	}
}

static void
test_content_order(void **unused)
{
	int     fd = open(path, O_RDWR | O_TRUNC);
	STRBUF *why = strbuf_create(10);
	STRBUF *data = write_sample(fd);
	char   *copy;
	size_t  i;
	int     refused = 0;

	/*
	 * Flip each N type byte to L. Joining two lines is legal; leaving
	 * the last one unterminated before the X record is not.
	 */
	for (i = 0; i < strbuf_len(data); i++) {
		if (strbuf_str(data)[i] != 'N')
			continue;
		copy = malloc(strbuf_len(data));
		memcpy(copy, strbuf_str(data), strbuf_len(data));
		copy[i] = 'L';
		{
			QFILE  *q = read_mem(copy, strbuf_len(data), why);

			if (q == NULL)
				refused++;
			else
				qfile_free(q);
		}
		free(copy);
	}
	assert_int_equal(refused, 1);	/* only the last line ends before X */
	close(fd);
	strbuf_free(&data);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test_setup_teardown(test_content_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
