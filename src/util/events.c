/*
 * events.c - single-threaded event loop on epoll
 *
 * Descriptors live in a table indexed by fd. Each fresh registration
 * gets a new generation number, which travels with the kernel event
 * (epoll data holds fd and generation), so an event that was already
 * collected for a descriptor that a callback then disabled, closed or
 * handed to a new owner is recognised as stale and dropped.
 *
 * Timers sit in a binary heap ordered by expiry time, then by request
 * sequence number, which gives "equal times in request order". Lookup
 * by (callback, context) is a linear scan: programs keep few timers.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "events.h"

/* Kernel events collected per wait; the rest wait for the next call. */
#define EVENT_BATCH	256

typedef struct {
	EVENT_FN read_fn;
	void   *read_ctx;
	EVENT_FN write_fn;
	void   *write_ctx;
	uint32_t gen;			/* bumped on each fresh registration */
	int     mask;			/* EVENT_READ | EVENT_WRITE */
} EVENT_FD;

typedef struct {
	EVENT_FN fn;
	void   *ctx;
	int64_t when;			/* monotonic ms */
	uint64_t seq;			/* request order */
} EVENT_TIMER_ENT;

static int event_epfd = -1;
static EVENT_FD *event_fds;
static int event_fds_size;

static EVENT_TIMER_ENT *event_timers;
static size_t event_ntimers;
static size_t event_timers_size;
static uint64_t event_timer_seq;

static int64_t event_present_ms;
static time_t event_present;
static int event_busy;

/* event_clock_ms - fresh monotonic time in milliseconds */

static int64_t
event_clock_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		log_panic("clock_gettime: %m");
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* event_update_time - refresh the cached clocks */

static void
event_update_time(void)
{
	event_present_ms = event_clock_ms();
	event_present = time((time_t *) 0);
}

/* event_time - cached wall-clock time */

time_t
event_time(void)
{
	if (event_present == 0)
		event_update_time();
	return event_present;
}

/* event_time_ms - cached monotonic milliseconds */

int64_t
event_time_ms(void)
{
	if (event_present_ms == 0)
		event_update_time();
	return event_present_ms;
}

/* event_init - create the kernel event set on first use */

static void
event_init(void)
{
	if (event_epfd >= 0)
		return;
	if ((event_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		log_fatal("epoll_create1: %m");
}

/* event_slot - table entry for fd, growing the table */

static EVENT_FD *
event_slot(const char *myname, int fd)
{
	int     nsize;

	if (fd < 0)
		log_panic("%s: bad descriptor %d", myname, fd);
	if (fd >= event_fds_size) {
		nsize = event_fds_size ? event_fds_size : 64;
		while (nsize <= fd)
			nsize *= 2;
		event_fds = xrealloc(event_fds, size_mul(nsize, sizeof(*event_fds)));
		memset(event_fds + event_fds_size, 0,
		       (size_t) (nsize - event_fds_size) * sizeof(*event_fds));
		event_fds_size = nsize;
	}
	return event_fds + fd;
}

/* event_ctl - tell the kernel about the registration of fd */

static void
event_ctl(const char *myname, int fd, int op)
{
	EVENT_FD *ef = event_fds + fd;
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = ((ef->mask & EVENT_READ) ? EPOLLIN : 0)
	    | ((ef->mask & EVENT_WRITE) ? EPOLLOUT : 0);
	ev.data.u64 = ((uint64_t) ef->gen << 32) | (uint32_t) fd;
	if (epoll_ctl(event_epfd, op, fd, &ev) < 0)
		log_panic("%s: fd %d: epoll_ctl: %m", myname, fd);
}

/* event_enable - common part of enable_read and enable_write */

static void
event_enable(const char *myname, int fd, int which, EVENT_FN fn, void *ctx)
{
	EVENT_FD *ef;
	int     old_mask;

	if (fn == NULL)
		log_panic("%s: fd %d: null callback", myname, fd);
	event_init();
	ef = event_slot(myname, fd);
	old_mask = ef->mask;
	if (which == EVENT_READ) {
		ef->read_fn = fn;
		ef->read_ctx = ctx;
	} else {
		ef->write_fn = fn;
		ef->write_ctx = ctx;
	}
	ef->mask |= which;
	if (old_mask == 0) {
		ef->gen++;
		event_ctl(myname, fd, EPOLL_CTL_ADD);
	} else if (old_mask != ef->mask) {
		event_ctl(myname, fd, EPOLL_CTL_MOD);
	}
}

/* event_enable_read - call fn while fd is readable */

void
event_enable_read(int fd, EVENT_FN fn, void *context)
{
	event_enable("event_enable_read", fd, EVENT_READ, fn, context);
}

/* event_enable_write - call fn while fd is writable */

void
event_enable_write(int fd, EVENT_FN fn, void *context)
{
	event_enable("event_enable_write", fd, EVENT_WRITE, fn, context);
}

/* event_disable_readwrite - forget fd */

void
event_disable_readwrite(int fd)
{
	EVENT_FD *ef;
	struct epoll_event ev;

	if (fd < 0 || fd >= event_fds_size || event_fds[fd].mask == 0)
		return;
	ef = event_fds + fd;
	ef->mask = 0;
	ef->read_fn = ef->write_fn = NULL;
	ef->read_ctx = ef->write_ctx = NULL;

	/*
	 * A caller that closed fd first has already taken it out of the
	 * kernel set (unless a duplicate keeps it open); EBADF and ENOENT
	 * are not worth a complaint.
	 */
	memset(&ev, 0, sizeof(ev));
	if (epoll_ctl(event_epfd, EPOLL_CTL_DEL, fd, &ev) < 0
	    && errno != EBADF && errno != ENOENT)
		log_warn("event_disable_readwrite: fd %d: epoll_ctl: %m", fd);
}

/* event_timer_before - heap order: earlier time, then earlier request */

static int
event_timer_before(const EVENT_TIMER_ENT *a, const EVENT_TIMER_ENT *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* event_timer_up - restore heap order upwards from slot i */

static void
event_timer_up(size_t i)
{
	EVENT_TIMER_ENT tmp;
	size_t  parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!event_timer_before(event_timers + i, event_timers + parent))
			break;
		tmp = event_timers[i];
		event_timers[i] = event_timers[parent];
		event_timers[parent] = tmp;
		i = parent;
	}
}

/* event_timer_down - restore heap order downwards from slot i */

static void
event_timer_down(size_t i)
{
	EVENT_TIMER_ENT tmp;
	size_t  child, best;

	for (;;) {
		best = i;
		child = 2 * i + 1;
		if (child < event_ntimers
		    && event_timer_before(event_timers + child, event_timers + best))
			best = child;
		child++;
		if (child < event_ntimers
		    && event_timer_before(event_timers + child, event_timers + best))
			best = child;
		if (best == i)
			break;
		tmp = event_timers[i];
		event_timers[i] = event_timers[best];
		event_timers[best] = tmp;
		i = best;
	}
}

/* event_timer_remove - take slot i out of the heap */

static void
event_timer_remove(size_t i)
{
	event_ntimers--;
	if (i == event_ntimers)
		return;
	event_timers[i] = event_timers[event_ntimers];
	event_timer_down(i);
	event_timer_up(i);
}

/* event_timer_find - slot of the timer for (fn, ctx), or -1 */

static ssize_t
event_timer_find(EVENT_FN fn, void *ctx)
{
	size_t  i;

	for (i = 0; i < event_ntimers; i++)
		if (event_timers[i].fn == fn && event_timers[i].ctx == ctx)
			return (ssize_t) i;
	return -1;
}

/* event_request_timer - run fn once after delay_ms */

void
event_request_timer(EVENT_FN fn, void *context, int delay_ms)
{
	EVENT_TIMER_ENT *t;
	ssize_t i;

	if (fn == NULL)
		log_panic("event_request_timer: null callback");
	if (delay_ms < 0)
		delay_ms = 0;
	if ((i = event_timer_find(fn, context)) >= 0)
		event_timer_remove((size_t) i);
	if (event_ntimers == event_timers_size) {
		event_timers_size = event_timers_size ? 2 * event_timers_size : 16;
		event_timers = xrealloc(event_timers,
			     size_mul(event_timers_size, sizeof(*event_timers)));
	}
	t = event_timers + event_ntimers;
	t->fn = fn;
	t->ctx = context;
	t->when = event_clock_ms() + delay_ms;
	t->seq = event_timer_seq++;
	event_timer_up(event_ntimers++);
}

/* event_cancel_timer - forget the timer for (fn, context) */

int
event_cancel_timer(EVENT_FN fn, void *context)
{
	ssize_t i;
	int64_t left;

	if ((i = event_timer_find(fn, context)) < 0)
		return -1;
	left = event_timers[i].when - event_clock_ms();
	event_timer_remove((size_t) i);
	return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int) left;
}

/* event_fd_current - is the collected event still for this registration */

static EVENT_FD *
event_fd_current(int fd, uint32_t gen, int which)
{
	EVENT_FD *ef;

	if (fd >= event_fds_size)
		return NULL;
	ef = event_fds + fd;
	if (ef->gen != gen || (ef->mask & which) == 0)
		return NULL;
	return ef;
}

/* event_loop - one round: wait, then timers, then descriptors */

void
event_loop(int max_wait_ms)
{
	struct epoll_event evs[EVENT_BATCH];
	EVENT_TIMER_ENT t;
	EVENT_FD *ef;
	uint64_t seq_limit;
	int64_t left;
	uint32_t gen, bits;
	int     wait_ms, n, i, fd;

	if (event_busy)
		log_panic("event_loop: recursive call");
	event_init();

	wait_ms = max_wait_ms < 0 ? -1 : max_wait_ms;
	if (event_ntimers > 0) {
		left = event_timers[0].when - event_clock_ms();
		if (left < 0)
			left = 0;
		if (wait_ms < 0 || left < wait_ms)
			wait_ms = (int) left;
	}
	n = epoll_wait(event_epfd, evs, EVENT_BATCH, wait_ms);
	if (n < 0) {
		if (errno != EINTR)
			log_fatal("event_loop: epoll_wait: %m");
		n = 0;
	}
	event_update_time();
	event_busy = 1;

	/*
	 * Timers first. One popped before its callback runs can be
	 * requested again by it; that and any other timer requested from
	 * here on waits for the next round, so a zero delay cannot spin.
	 */
	seq_limit = event_timer_seq;
	while (event_ntimers > 0 && event_timers[0].when <= event_present_ms
	       && event_timers[0].seq < seq_limit) {
		t = event_timers[0];
		event_timer_remove(0);
		t.fn(EVENT_TIMER, t.ctx);
	}

	/*
	 * Then descriptors. Each delivery re-checks the registration: an
	 * earlier callback may have disabled or replaced it. The table may
	 * move when a callback enables a new descriptor, so no pointer into
	 * it survives a callback.
	 */
	for (i = 0; i < n; i++) {
		fd = (int) (uint32_t) evs[i].data.u64;
		gen = (uint32_t) (evs[i].data.u64 >> 32);
		bits = evs[i].events;
		if ((bits & EPOLLERR) || ((bits & EPOLLHUP) && !(bits & EPOLLIN))) {
			if ((ef = event_fd_current(fd, gen, EVENT_READ)) != NULL)
				ef->read_fn(EVENT_ERROR, ef->read_ctx);
			else if ((ef = event_fd_current(fd, gen, EVENT_WRITE)) != NULL)
				ef->write_fn(EVENT_ERROR, ef->write_ctx);
			continue;
		}
		if ((bits & (EPOLLIN | EPOLLHUP))
		    && (ef = event_fd_current(fd, gen, EVENT_READ)) != NULL)
			ef->read_fn(EVENT_READ, ef->read_ctx);
		if ((bits & EPOLLOUT)
		    && (ef = event_fd_current(fd, gen, EVENT_WRITE)) != NULL)
			ef->write_fn(EVENT_WRITE, ef->write_ctx);
	}
	event_busy = 0;
}

/* event_fork - give a child its own kernel event set */

void
event_fork(void)
{
	struct epoll_event ev;
	EVENT_FD *ef;
	int     fd;

	if (event_epfd < 0)
		return;
	(void) close(event_epfd);
	event_epfd = -1;
	event_init();
	for (fd = 0; fd < event_fds_size; fd++) {
		ef = event_fds + fd;
		if (ef->mask == 0)
			continue;
		ef->gen++;
		memset(&ev, 0, sizeof(ev));
		ev.events = ((ef->mask & EVENT_READ) ? EPOLLIN : 0)
		    | ((ef->mask & EVENT_WRITE) ? EPOLLOUT : 0);
		ev.data.u64 = ((uint64_t) ef->gen << 32) | (uint32_t) fd;
		if (epoll_ctl(event_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			/* A child often closes what it inherited: forget it. */
			if (errno != EBADF)
				log_panic("event_fork: fd %d: epoll_ctl: %m", fd);
			ef->mask = 0;
			ef->read_fn = ef->write_fn = NULL;
			ef->read_ctx = ef->write_ctx = NULL;
		}
	}
}
