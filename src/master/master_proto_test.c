/*
 * master_proto_test.c - status records, type names, generation, notify
 *
 * master_notify() writes to the fixed descriptor MASTER_STATUS_FD, so
 * the test puts one end of a socketpair there and reads the record
 * from the other end, as master would.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "master_proto.h"

/* test_status_roundtrip - what is encoded decodes to the same record */

static void
test_status_roundtrip(void **unused_state)
{
	static const MASTER_STATUS t[] = {
		{1, 0, MASTER_STAT_TAKEN},
		{1, 1, MASTER_STAT_AVAIL},
		{12345, 77, MASTER_STAT_AVAIL},
		{0x7fffffffL, 0xffffffffU, MASTER_STAT_TAKEN},
	};
	unsigned char buf[MASTER_STATUS_SIZE];
	MASTER_STATUS out;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		master_status_encode(t + i, buf);
		assert_int_equal(master_status_decode(buf, sizeof(buf), &out), 0);
		assert_int_equal(out.pid, t[i].pid);
		assert_int_equal(out.gen, t[i].gen);
		assert_int_equal(out.status, t[i].status);
	}
}

/* test_status_bytes - the encoding is fixed: network byte order */

static void
test_status_bytes(void **unused_state)
{
	static const unsigned char want[MASTER_STATUS_SIZE] = {
		0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x01, 0x00, 0, 0, 0, 1,
	};
	MASTER_STATUS stat = {0x010203, 256, MASTER_STAT_AVAIL};
	unsigned char buf[MASTER_STATUS_SIZE];

	master_status_encode(&stat, buf);
	assert_memory_equal(buf, want, sizeof(want));
}

/* test_status_bad - short, long, and insane records are refused */

static void
test_status_bad(void **unused_state)
{
	static const struct {
		unsigned char buf[MASTER_STATUS_SIZE + 1];
		size_t	len;
	} t[] = {
		{{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, MASTER_STATUS_SIZE - 1},
		{{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0}, MASTER_STATUS_SIZE + 1},
		{{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}, MASTER_STATUS_SIZE},	/* pid 0 */
		{{0x80, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, MASTER_STATUS_SIZE},	/* pid < 0 */
		{{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2}, MASTER_STATUS_SIZE},	/* status */
		{{0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1}, MASTER_STATUS_SIZE},	/* status */
	};
	MASTER_STATUS out;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		assert_int_equal(master_status_decode(t[i].buf, t[i].len, &out), -1);
}

/* test_type_names - master.cf type column names, both ways */

static void
test_type_names(void **unused_state)
{
	static const struct {
		const char *name;
		int	code;
	} t[] = {
		{"inet", MASTER_TYPE_INET},
		{"unix", MASTER_TYPE_UNIX},
		{"unix-dgram", MASTER_TYPE_UNIX_DGRAM},
		{"fifo", MASTER_TYPE_FIFO},
		{"pass", MASTER_TYPE_PASS},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		assert_int_equal(master_type_code(t[i].name), t[i].code);
		assert_string_equal(master_type_name(t[i].code), t[i].name);
	}
	assert_int_equal(master_type_code("INET"), 0);
	assert_int_equal(master_type_code("tcp"), 0);
	assert_int_equal(master_type_code(""), 0);
	assert_null(master_type_name(0));
	assert_null(master_type_name(99));
}

/* test_generation - the number master passes in the environment */

static void
test_generation(void **unused_state)
{
	static const struct {
		const char *value;	/* NULL: unset */
		unsigned want;
	} t[] = {
		{NULL, 0},
		{"17", 17},
		{"4294967295", 4294967295U},
		{"4294967296", 0},
		{"-1", 0},
		{"12x", 0},
		{"", 0},
	};
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		if (t[i].value)
			assert_int_equal(setenv(MASTER_GEN_NAME, t[i].value, 1), 0);
		else
			assert_int_equal(unsetenv(MASTER_GEN_NAME), 0);
		assert_int_equal(master_generation(), t[i].want);
	}
	unsetenv(MASTER_GEN_NAME);
}

/* test_notify - a child's report arrives whole and correct */

static void
test_notify(void **unused_state)
{
	unsigned char buf[MASTER_STATUS_SIZE + 4];
	MASTER_STATUS out;
	int	pair[2];
	ssize_t	n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(dup2(pair[1], MASTER_STATUS_FD), MASTER_STATUS_FD);
	close(pair[1]);
	setenv(MASTER_GEN_NAME, "42", 1);

	assert_int_equal(master_notify(MASTER_STAT_TAKEN), 0);
	assert_int_equal(master_notify(MASTER_STAT_AVAIL), 0);
	n = read(pair[0], buf, MASTER_STATUS_SIZE);
	assert_int_equal(n, MASTER_STATUS_SIZE);
	assert_int_equal(master_status_decode(buf, (size_t) n, &out), 0);
	assert_int_equal(out.pid, getpid());
	assert_int_equal(out.gen, 42);
	assert_int_equal(out.status, MASTER_STAT_TAKEN);
	n = read(pair[0], buf, MASTER_STATUS_SIZE);
	assert_int_equal(master_status_decode(buf, (size_t) n, &out), 0);
	assert_int_equal(out.status, MASTER_STAT_AVAIL);

	/* Master gone: the write fails instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	close(pair[0]);
	assert_int_equal(master_notify(MASTER_STAT_AVAIL), -1);
	close(MASTER_STATUS_FD);
	unsetenv(MASTER_GEN_NAME);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_roundtrip),
		cmocka_unit_test(test_status_bytes),
		cmocka_unit_test(test_status_bad),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_notify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
