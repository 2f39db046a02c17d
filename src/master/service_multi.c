/*
 * service_multi.c - skeleton model: many clients in one event loop
 *
 * The process stays "available" to master while it serves clients: it
 * is busy only for the moment of an accept(), so master starts another
 * process only when this one cannot keep up. After max_use clients it
 * stops accepting, says so to master (which may start a successor),
 * and exits when its last client is gone.
 */

#include "sysdeps.h"

#include <unistd.h>

#include "events.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "service_impl.h"

static int multi_stopped;		/* no longer accepting */

/* multi_stop_accepting - used up: leave new clients to a successor */

static void
multi_stop_accepting(void)
{
	SERVICE_STATE *ss = &service_state;
	int	n;

	for (n = 0; n < ss->listen_count; n++)
		event_disable_readwrite(ss->listen_fd[n]);
	(void) service_notify(MASTER_STAT_TAKEN);
}

/* multi_serve - hand a new client to the daemon */

static void
multi_serve(int fd)
{
	SERVICE_STATE *ss = &service_state;
	IOSTREAM *client;

	if (log_verbose)
		log_info("connection established fd %d", fd);
	ss->client_count++;
	client = service_client_open(fd);
	ss->spec->serve(client, &ss->svc);
}

/*
 * multi_wind_down - the process should go (use limit, changed table):
 * exit now when no client is connected, else take no new ones and exit
 * after the last.
 */
static void
multi_wind_down(void)
{
	if (service_state.client_count == 0)
		service_exit();
	if (!multi_stopped) {
		multi_stop_accepting();
		multi_stopped = 1;
	}
}

/* multi_accept_event - a listening endpoint is readable */

static void
multi_accept_event(int unused_event, void *context)
{
	SERVICE_STATE *ss = &service_state;
	int	listen_fd = (int) (intptr_t) context;
	int	fd;

	/* A table changed: new clients go to a fresh process. */
	if (service_used_up()) {
		multi_wind_down();
		return;
	}
	if (ss->spec->pre_accept)
		ss->spec->pre_accept(&ss->svc);
	(void) service_notify(MASTER_STAT_TAKEN);
	fd = service_accept(listen_fd);
	(void) service_notify(MASTER_STAT_AVAIL);
	if (fd < 0) {
		if (ss->master_gone && ss->client_count == 0)
			service_exit();
		return;
	}
	service_idle_stop();
	multi_serve(fd);
}

/* service_disconnect - the daemon is done with a client */

void
service_disconnect(IOSTREAM *client)
{
	SERVICE_STATE *ss = &service_state;
	int	fd = iostream_fileno(client);

	if (log_verbose)
		log_info("connection closed fd %d", fd);
	event_disable_readwrite(fd);
	(void) iostream_close(client);
	if (ss->client_count <= 0)
		log_panic("service_disconnect: no client is connected");
	ss->client_count--;
	ss->use_count++;
	if (ss->svc.standalone) {
		if (ss->client_count == 0)
			service_exit();
		return;
	}
	if (service_used_up()) {
		multi_wind_down();
		return;
	}
	if (ss->client_count == 0)
		service_idle_start();
}

/* service_client_count - clients connected now */

int
service_client_count(void)
{
	return service_state.client_count;
}

/* service_multi_start - register the endpoints, or serve stdin */

void
service_multi_start(void)
{
	SERVICE_STATE *ss = &service_state;
	int	n;

	if (ss->svc.standalone) {
		int	fd = dup(STDIN_FILENO);

		if (fd < 0)
			log_fatal("dup standard input: %m");
		multi_serve(fd);
		return;
	}
	for (n = 0; n < ss->listen_count; n++)
		event_enable_read(ss->listen_fd[n], multi_accept_event,
				  (void *) (intptr_t) ss->listen_fd[n]);
}
