/*
 * events.h - single-threaded event loop: descriptors and timers
 *
 * A program registers callbacks for descriptors that become readable or
 * writable and for timers, then calls event_loop() over and over. Each
 * call waits at most max_wait_ms (or until the next timer), delivers the
 * due timers and then the ready descriptors, and returns.
 *
 * Callbacks may enable, disable and close any descriptor and request or
 * cancel any timer: an event is delivered only while its registration
 * still stands, a descriptor that was disabled and enabled again (say,
 * a new connection that got the same number) gets nothing left over
 * from before, and a timer requested by a callback runs in a later
 * call at the earliest. Disable a descriptor before closing it. After
 * fork(), a process that keeps using the loop must call event_fork().
 */

#ifndef EVENTS_H
#define EVENTS_H

#include "sysdeps.h"

#include <stdint.h>
#include <time.h>

/* What happened, passed to the callback. */
#define EVENT_READ	(1 << 0)	/* readable (data, or end of file) */
#define EVENT_WRITE	(1 << 1)	/* writable */
#define EVENT_ERROR	(1 << 2)	/* error or hangup: a read will tell */
#define EVENT_TIMER	(1 << 3)	/* a timer expired */

typedef void (*EVENT_FN)(int event, void *context);

/*
 * Call fn(EVENT_READ, context) while fd is readable (level-triggered),
 * or fn(EVENT_WRITE, context) while it is writable. Enabling again
 * replaces the callback. Read and write may be enabled together, each
 * with its own callback. Error and hangup conditions go to the read
 * callback as EVENT_ERROR (to the write callback if no read callback
 * is registered). fd must be pollable: a pipe, socket or terminal, not
 * a regular file.
 */
extern void event_enable_read(int fd, EVENT_FN fn, void *context);
extern void event_enable_write(int fd, EVENT_FN fn, void *context);

/* Forget both callbacks of fd. Unknown descriptors are fine. */
extern void event_disable_readwrite(int fd);

/*
 * Call fn(EVENT_TIMER, context) once, delay_ms from now. A timer with
 * the same fn and context is replaced, not duplicated. Timers run in
 * order of expiry, equal times in request order.
 */
extern void event_request_timer(EVENT_FN fn, void *context, int delay_ms);

/* Milliseconds the cancelled timer had left, or -1 if there was none. */
extern int event_cancel_timer(EVENT_FN fn, void *context);

/*
 * Wait up to max_wait_ms (-1: until something happens, 0: just poll)
 * and deliver what is due. Must not be called from a callback.
 */
extern void event_loop(int max_wait_ms);

/* Wall-clock time and monotonic milliseconds, updated by event_loop(). */
extern time_t event_time(void);
extern int64_t event_time_ms(void);

/*
 * In a child after fork(): give the child its own kernel event set, so
 * its changes do not disturb the parent's. Registrations are kept.
 */
extern void event_fork(void);

#endif
