/*
 * master_proto.h - what the master daemon and its children agree on
 *
 * A child of master(8) finds its status stream on MASTER_STATUS_FD and
 * its listening endpoints on MASTER_LISTEN_FD and up (one per -s count),
 * and learns its generation number from the environment. On the status
 * stream it writes fixed-size records, "I am busy" and "I am available
 * again"; master uses them to decide when to start more processes.
 * When master closes its end (reload, exit), the stream turns readable
 * in the child, which then finishes what it is doing and exits.
 *
 * Trigger services (fifo, or a unix socket that a trigger server
 * reads) take requests of a few bytes, each byte one request; the
 * TRIGGER_REQ_* values below are the bytes that master and the mail
 * programs send. Services define their own bytes next to these.
 */

#ifndef MASTER_PROTO_H
#define MASTER_PROTO_H

#include "sysdeps.h"

#include <stdint.h>

/*
 * Descriptors in a child. 3 and 4 are left unused (Postfix has its
 * process-limit flow pipe there); 0, 1 and 2 are master's own stdio,
 * normally /dev/null.
 */
#define MASTER_STATUS_FD	5	/* status stream to master */
#define MASTER_LISTEN_FD	6	/* first listening endpoint */

/* Most endpoints one service may have (inet: one per address). */
#define MASTER_LISTEN_MAX	64

/* Environment variable with the child's generation (decimal). */
#define MASTER_GEN_NAME		"GENERATION"

/* Service types, as the master.cf type column spells them. */
#define MASTER_TYPE_INET	1
#define MASTER_TYPE_UNIX	2
#define MASTER_TYPE_UNIX_DGRAM	3
#define MASTER_TYPE_FIFO	4
#define MASTER_TYPE_PASS	5

#define MASTER_XPORT_INET	"inet"
#define MASTER_XPORT_UNIX	"unix"
#define MASTER_XPORT_UNIX_DGRAM	"unix-dgram"
#define MASTER_XPORT_FIFO	"fifo"
#define MASTER_XPORT_PASS	"pass"

/* MASTER_TYPE_* for a type name, or 0 when unknown. */
extern int master_type_code(const char *name);

/* The type name for a MASTER_TYPE_* code, or NULL. */
extern const char *master_type_name(int type);

/*
 * A status record. Encoded as MASTER_STATUS_SIZE bytes: pid, generation
 * and status, each as a 32-bit number in network byte order.
 */
#define MASTER_STAT_TAKEN	0	/* busy with a client or request */
#define MASTER_STAT_AVAIL	1	/* ready for another one */

typedef struct MASTER_STATUS {
	long	pid;
	unsigned gen;
	int	status;		/* MASTER_STAT_* */
} MASTER_STATUS;

#define MASTER_STATUS_SIZE	12

extern void master_status_encode(const MASTER_STATUS *stat,
				 unsigned char buf[MASTER_STATUS_SIZE]);

/*
 * Decodes exactly len bytes. Returns 0, or -1 when len is not
 * MASTER_STATUS_SIZE, the pid is not positive or the status is not one
 * of MASTER_STAT_*; *stat is then undefined.
 */
extern int master_status_decode(const unsigned char *buf, size_t len,
				MASTER_STATUS *stat);

/*
 * Child side: writes one record for this process to MASTER_STATUS_FD
 * (the generation from master_generation()). Returns 0, or -1 when
 * master has gone away.
 */
extern int master_notify(int status);

/*
 * This process's generation, from MASTER_GEN_NAME; 0 when the variable
 * is absent or malformed (stand-alone mode).
 */
extern unsigned master_generation(void);

/*
 * Trigger request bytes. A trigger server reads what arrived and acts
 * on each byte; unknown bytes are ignored. master sends
 * TRIGGER_REQ_WAKEUP on a service's wakeup timer.
 */
#define TRIGGER_REQ_WAKEUP	'W'	/* look for work */
#define TRIGGER_REQ_SCAN_INCOMING 'I'	/* qmgr: scan the incoming queue */
#define TRIGGER_REQ_SCAN_DEFERRED 'D'	/* qmgr: scan the deferred queue */
#define TRIGGER_REQ_SCAN_ALL	'A'	/* qmgr: ignore deferred queue times */
#define TRIGGER_REQ_FLUSH_DEAD	'F'	/* qmgr: forget dead destinations */

/* Most bytes one trigger request may carry. */
#define TRIGGER_BUF_SIZE	1024

#endif
