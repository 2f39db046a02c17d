/*
 * service.h - the skeleton that every daemon's main() hands control to
 *
 * A daemon describes itself in a SERVICE_SPEC and calls service_main(),
 * which does not return. The skeleton parses the options that master(8)
 * passes, reads main.cf (directory from MAIL_CONFIG) and the -o
 * overrides, loads the parameter groups, opens syslog as
 * "$syslog_name/NAME", runs pre_jail as root, chroots to
 * $queue_directory (-c), becomes $mail_owner (-u), runs post_jail, and
 * then serves: it accepts connections or reads triggers on the
 * endpoints that master passed, tells master when it is busy and when
 * it is available, and exits after $max_use requests, after $max_idle
 * seconds without one, when master goes away, or when the watchdog
 * ($daemon_timeout) finds it stuck.
 *
 * Models:
 *   SERVICE_SINGLE	one client at a time: accept, serve(client) until
 *			it returns, close. For smtpd, cleanup, local...
 *   SERVICE_MULTI	many clients in one event loop: serve(client) sets
 *			up events for the client and returns; the daemon
 *			calls service_disconnect() when it is done with it.
 *			For anvil, scache, proxymap...
 *   SERVICE_TRIGGER	requests of a few bytes: trigger(buf, len) is
 *			called with what one read (fifo), one connection
 *			(unix, inet, pass) or one datagram (unix-dgram)
 *			delivered. For pickup, qmgr, flush, postlogd.
 *
 * Options (master passes most of them; see master(8)):
 *   -n name	service name (master.cf first column); default spec->name
 *   -t type	transport: inet, unix, unix-dgram, fifo, pass
 *   -s count	number of listening endpoints (default 1)
 *   -o n=v	main.cf override, as if at the end of main.cf
 *   -u		run as $mail_owner after pre_jail
 *   -c		chroot to $queue_directory after pre_jail
 *   -l		master runs at most one process of this service
 *   -z		master runs any number of processes of this service
 *   -v		more verbose logging (repeatable)
 *   -D		run $debugger_command on ourselves
 *   -S		stand-alone, without master, for tests and debugging:
 *		serve standard input once as a client (it must be a
 *		socket or a terminal: replies go to the same descriptor),
 *		or for SERVICE_TRIGGER read it to the end as triggers,
 *		and exit. No jail unless -c or -u are given too.
 * Arguments after the options reach the hooks in svc->argv.
 */

#ifndef SERVICE_H
#define SERVICE_H

#include "sysdeps.h"

struct IOSTREAM;

/* Models. */
#define SERVICE_SINGLE	1
#define SERVICE_MULTI	2
#define SERVICE_TRIGGER	3

/* Flags. */
#define SERVICE_FLAG_UNLIMITED	(1 << 0)	/* no max_use, no max_idle */
#define SERVICE_FLAG_SOLITARY	(1 << 1)	/* fatal unless maxproc is 1 */
#define SERVICE_FLAG_NO_USE_LIMIT (1 << 2)	/* max_idle, but no max_use */

/* What the hooks learn about this process; valid until exit. */
typedef struct SERVICE {
	const char *name;	/* -n, else the program name */
	const char *type;	/* -t; "stand-alone" with -S */
	int	argc;
	char  **argv;		/* arguments after the options */
	int	standalone;	/* -S */
} SERVICE;

typedef struct SERVICE_SPEC {
	const char *name;	/* program name, for logging: "smtpd" */
	int	model;		/* SERVICE_SINGLE ... */
	int	param_groups;	/* PARAM_GROUP_* to load besides global */
	int	flags;		/* SERVICE_FLAG_* */

	/* As root, after main.cf was loaded, before chroot and setuid. */
	void	(*pre_jail)(const SERVICE *svc);

	/* After chroot and setuid, before the first request. */
	void	(*post_jail)(const SERVICE *svc);

	/*
	 * SERVICE_SINGLE, SERVICE_MULTI: a new client. The stream is
	 * blocking, with $ipc_timeout per read or write; the daemon may
	 * change that. SINGLE closes it when serve returns; MULTI leaves it
	 * to the daemon's service_disconnect().
	 */
	void	(*serve)(struct IOSTREAM *client, const SERVICE *svc);

	/* SERVICE_TRIGGER: bytes of one request (len > 0). */
	void	(*trigger)(const char *buf, size_t len, const SERVICE *svc);

	/*
	 * Optional. Called before each wait for events; returns how long
	 * the skeleton may wait at most (milliseconds, -1: no limit).
	 */
	int	(*loop)(const SERVICE *svc);

	/* Optional. Before each accept() or trigger read. */
	void	(*pre_accept)(const SERVICE *svc);

	/* Optional. Before a normal exit (max_use, max_idle, master gone). */
	void	(*pre_exit)(const SERVICE *svc);

	/*
	 * Optional. Watchdog period in seconds instead of $daemon_timeout
	 * (read after main.cf is loaded, as qmgr's own timeout is).
	 */
	const int *watchdog_timeout;
} SERVICE_SPEC;

/* Runs the daemon; never returns. */
extern NORETURN service_main(int argc, char **argv, const SERVICE_SPEC *spec);

/*
 * SERVICE_MULTI: the daemon is done with client; the skeleton disables
 * its events, closes it and counts the request as served.
 */
extern void service_disconnect(struct IOSTREAM *client);

/* SERVICE_MULTI: clients connected now. */
extern int service_client_count(void);

/*
 * Any model: finish the current request, then exit as after max_use
 * (for example after a configuration change that needs a new process).
 */
extern void service_exit_soon(void);

/*
 * Any model, from pre_jail or post_jail: exit after seconds without a
 * request instead of $max_idle (anvil keeps its counters for a whole
 * anvil_rate_time_unit). Ignored with SERVICE_FLAG_UNLIMITED.
 */
extern void service_set_idle_limit(int seconds);

/* Restarts the watchdog; for long jobs that do make progress. */
extern void service_watchdog_pat(void);

#endif
