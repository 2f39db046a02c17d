/*
 * master_proto.c - status records, service type names, generation
 *
 * The record has a fixed size so that master can read one with a single
 * read() from a stream that many children write to: a write this small
 * to a local socket is never split.
 */

#include "sysdeps.h"

#include <errno.h>
#include <unistd.h>

#include "name_code.h"		/* util */
#include "stringops.h"
#include "master_proto.h"

static const NAME_CODE master_types[] = {
	{ MASTER_XPORT_INET, MASTER_TYPE_INET },
	{ MASTER_XPORT_UNIX, MASTER_TYPE_UNIX },
	{ MASTER_XPORT_UNIX_DGRAM, MASTER_TYPE_UNIX_DGRAM },
	{ MASTER_XPORT_FIFO, MASTER_TYPE_FIFO },
	{ MASTER_XPORT_PASS, MASTER_TYPE_PASS },
	{ NULL, 0 },
};

/* master_type_code - type name to code */

int
master_type_code(const char *name)
{
	return name_code_lookup(master_types, NAME_CODE_FLAG_STRICT_CASE, name);
}

/* master_type_name - type code to name */

const char *
master_type_name(int type)
{
	return str_name_code(master_types, type);
}

/* mp_put32 - store a 32-bit number in network byte order */

static void
mp_put32(unsigned char *cp, uint32_t val)
{
	cp[0] = (unsigned char) (val >> 24);
	cp[1] = (unsigned char) (val >> 16);
	cp[2] = (unsigned char) (val >> 8);
	cp[3] = (unsigned char) val;
}

/* mp_get32 - fetch a 32-bit number in network byte order */

static uint32_t
mp_get32(const unsigned char *cp)
{
	return ((uint32_t) cp[0] << 24) | ((uint32_t) cp[1] << 16)
	    | ((uint32_t) cp[2] << 8) | (uint32_t) cp[3];
}

/* master_status_encode - record to bytes */

void
master_status_encode(const MASTER_STATUS *stat,
		     unsigned char buf[MASTER_STATUS_SIZE])
{
	mp_put32(buf, (uint32_t) stat->pid);
	mp_put32(buf + 4, (uint32_t) stat->gen);
	mp_put32(buf + 8, (uint32_t) stat->status);
}

/* master_status_decode - bytes to record, with sanity checks */

int
master_status_decode(const unsigned char *buf, size_t len, MASTER_STATUS *stat)
{
	uint32_t pid, status;

	if (len != MASTER_STATUS_SIZE)
		return -1;
	pid = mp_get32(buf);
	status = mp_get32(buf + 8);
	/* pid_t is a signed 32-bit number on every system we run on. */
	if (pid == 0 || pid > 0x7fffffffU)
		return -1;
	if (status != MASTER_STAT_TAKEN && status != MASTER_STAT_AVAIL)
		return -1;
	stat->pid = (long) pid;
	stat->gen = (unsigned) mp_get32(buf + 4);
	stat->status = (int) status;
	return 0;
}

/* master_generation - our generation number from the environment */

unsigned
master_generation(void)
{
	const char *val = getenv(MASTER_GEN_NAME);
	long	gen;

	if (val == NULL || parse_long(val, &gen, 0, 0xffffffffL) < 0)
		return 0;
	return (unsigned) gen;
}

/* master_notify - tell master that we are busy or available */

int
master_notify(int status)
{
	static unsigned gen;
	static int gen_known;
	MASTER_STATUS stat;
	unsigned char buf[MASTER_STATUS_SIZE];
	ssize_t n;

	if (!gen_known) {
		gen = master_generation();
		gen_known = 1;
	}
	stat.pid = (long) getpid();
	stat.gen = gen;
	stat.status = status;
	master_status_encode(&stat, buf);
	do {
		n = write(MASTER_STATUS_FD, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t) sizeof(buf) ? 0 : -1;
}
