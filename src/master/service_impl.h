/*
 * service_impl.h - state shared by the skeleton's files
 *
 * service_main.c does the startup and owns the state; service_single.c,
 * service_multi.c and service_trigger.c each implement one model on
 * top of it. Nothing outside the skeleton includes this.
 */

#ifndef SERVICE_IMPL_H
#define SERVICE_IMPL_H

#include "sysdeps.h"

#include "master_proto.h"
#include "service.h"
#include "service_opts.h"

struct IOSTREAM;

typedef struct SERVICE_STATE {
	const SERVICE_SPEC *spec;
	SERVICE	svc;
	SERVICE_OPTS opts;
	int	type;		/* MASTER_TYPE_*; 0 in stand-alone mode */
	int	listen_fd[MASTER_LISTEN_MAX];
	int	listen_count;
	int	use_count;	/* requests served */
	int	use_limit;	/* 0: none */
	int	idle_limit;	/* seconds; 0: none */
	int	exit_soon;	/* service_exit_soon() was called */
	int	client_count;	/* SERVICE_MULTI */
	int	master_gone;	/* the status stream was closed */
} SERVICE_STATE;

extern SERVICE_STATE service_state;

/* Normal termination: pre_exit hook, then exit(0). */
extern NORETURN service_exit(void);

/* (Re)starts or stops the max_idle timer. */
extern void service_idle_start(void);
extern void service_idle_stop(void);

/* True when the process has served enough and should go. */
extern int service_used_up(void);

/*
 * Tells master busy or available. Returns 0, or -1 when master has gone
 * away: the process then takes no new work (service_used_up() is true)
 * and the caller finishes what it has before it exits.
 */
extern int service_notify(int status);

/*
 * Accepts a client on a listening endpoint of the service's type (for
 * pass: receives the descriptor that the connection carries). Returns
 * the descriptor (blocking, close-on-exec), or -1 when another process
 * was faster or the client went away; other errors are fatal.
 */
extern int service_accept(int listen_fd);

/* A stream over a client descriptor with $ipc_timeout set. */
extern struct IOSTREAM *service_client_open(int fd);

/* The models: register events (or serve stdin in stand-alone mode). */
extern void service_single_start(void);
extern void service_multi_start(void);
extern void service_trigger_start(void);

#endif
