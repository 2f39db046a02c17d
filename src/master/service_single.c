/*
 * service_single.c - skeleton model: one client at a time
 *
 * Every process of the service watches the listening endpoints; the one
 * whose accept() succeeds tells master it is busy, serves the client to
 * the end, and tells master it is available again. Master starts more
 * processes while none is available, up to the service's limit.
 */

#include "sysdeps.h"

#include <unistd.h>

#include "events.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "service_impl.h"

/* single_serve - serve one client and account for it */

static void
single_serve(int fd)
{
	SERVICE_STATE *ss = &service_state;
	IOSTREAM *client;

	if (log_verbose)
		log_info("connection established");
	(void) service_notify(MASTER_STAT_TAKEN);
	client = service_client_open(fd);
	ss->spec->serve(client, &ss->svc);
	(void) iostream_close(client);
	ss->use_count++;
	if (log_verbose)
		log_info("connection closed");
	if (service_used_up() || service_notify(MASTER_STAT_AVAIL) < 0)
		service_exit();
}

/* single_accept_event - a listening endpoint is readable */

static void
single_accept_event(int unused_event, void *context)
{
	SERVICE_STATE *ss = &service_state;
	int	listen_fd = (int) (intptr_t) context;
	int	fd;

	service_idle_stop();
	/* A table changed while we waited: leave the connection to a fresh
	 * process (master starts one), so that it sees the new table. */
	if (service_used_up())
		service_exit();
	if (ss->spec->pre_accept)
		ss->spec->pre_accept(&ss->svc);
	if ((fd = service_accept(listen_fd)) >= 0)
		single_serve(fd);
	else if (ss->master_gone)
		service_exit();
	service_idle_start();
}

/* service_single_start - register the endpoints, or serve stdin */

void
service_single_start(void)
{
	SERVICE_STATE *ss = &service_state;
	int	n;

	if (ss->svc.standalone) {
		int	fd = dup(STDIN_FILENO);

		if (fd < 0)
			log_fatal("dup standard input: %m");
		single_serve(fd);
		service_exit();
	}
	for (n = 0; n < ss->listen_count; n++)
		event_enable_read(ss->listen_fd[n], single_accept_event,
				  (void *) (intptr_t) ss->listen_fd[n]);
}
