/*
 * trigger_send.h - send a trigger request to a service
 *
 * A trigger is a few bytes (see TRIGGER_REQ_* in master_proto.h) written
 * to a service endpoint without waiting for an answer: master uses it
 * for wakeup timers, mail programs use it to poke pickup, qmgr or
 * flush. The sender never blocks longer than the timeout it gives.
 */

#ifndef TRIGGER_SEND_H
#define TRIGGER_SEND_H

#include "sysdeps.h"

struct STRBUF;

/*
 * Sends len bytes to the endpoint of type (MASTER_TYPE_UNIX, _FIFO,
 * _UNIX_DGRAM and _PASS: a path name; MASTER_TYPE_INET: "host:port").
 * Waits at most timeout seconds for the connection and the write; with
 * 0 it does not wait at all and fails with EAGAIN where it would have
 * to. A fifo that is full already holds unread requests, so that counts
 * as success. Returns 0, or -1 with errno set and the reason (without
 * the endpoint name) in why.
 */
extern int trigger_send(int type, const char *endpoint, const void *buf,
			size_t len, int timeout, struct STRBUF *why);

#endif
