/*
 * master.h - the master daemon's private interfaces
 *
 * A MASTER_SERV is one master.cf service: what the file says (built by
 * master_ent.c), its listening endpoints (master_listen.c), its status
 * stream (master_status.c), its process accounting (master_avail.c,
 * master_spawn.c) and its wakeup timer (master_wakeup.c). master_conf.c
 * keeps the list and applies a reload to it.
 */

#ifndef MASTER_H
#define MASTER_H

#include "sysdeps.h"

#include <signal.h>
#include <sys/types.h>

#include "inet_addr.h"		/* util */
#include "master_proto.h"

struct ARGV;
struct STRBUF;
struct MASTERCF_ENTRY;

/* Flags. */
#define MASTER_FLAG_CONDWAKE	(1 << 0)	/* wakeup only once used */
#define MASTER_FLAG_THROTTLE	(1 << 1)	/* no new processes for now */
#define MASTER_FLAG_LISTEN	(1 << 2)	/* master watches the endpoints */
#define MASTER_FLAG_MARK	(1 << 3)	/* reload: not in the new file */

typedef struct MASTER_SERV {
	/* From master.cf. */
	char   *ext_name;	/* first column as written */
	char   *name;		/* endpoint: "private/x", "127.0.0.1:25", "25" */
	int	type;		/* MASTER_TYPE_* */
	int	private;
	int	unpriv;
	int	chroot;
	int	wakeup_time;	/* seconds; 0: none */
	int	max_proc;	/* 0: no limit */
	char   *path;		/* $daemon_directory/command */
	struct ARGV *args;	/* the child's argv */
	int	line;		/* in master.cf */
	int	flags;		/* MASTER_FLAG_* */
	int	throttle_delay;	/* seconds */

	/* Endpoints. inet: one per address; the others have one. */
	int	listen_count;
	INET_ADDR *addrs;	/* inet: listen_count addresses */
	unsigned port;		/* inet: host order */
	int    *listen_fd;	/* -1 while closed */

	/* Processes. */
	int	total_proc;	/* running */
	int	avail_proc;	/* running and waiting for work */
	int	status_fd[2];	/* [0] master reads, [1] children write */

	struct MASTER_SERV *next;
} MASTER_SERV;

/* One child process. */
typedef struct MASTER_PROC {
	MASTER_SERV *serv;
	pid_t	pid;
	unsigned gen;		/* generation, to ignore stale reports */
	int	avail;		/* MASTER_STAT_* */
	int	use_count;	/* requests it reported finished */
	struct MASTER_PROC *next;
} MASTER_PROC;

#define MASTER_LIMIT_OK(limit, count)	((limit) == 0 || (count) < (limit))
#define MASTER_THROTTLED(s)	(((s)->flags & MASTER_FLAG_THROTTLE) != 0)
#define MASTER_LISTENING(s)	(((s)->flags & MASTER_FLAG_LISTEN) != 0)

/*
 * master_ent.c: the settings master_ent_create() reads, so that tests
 * can supply them; master_ent_vars_init() copies the var_* parameters.
 */
typedef struct MASTER_ENT_VARS {
	const char *daemon_directory;
	const char *inet_interfaces;
	const char *inet_protocols;
	const char *known_tcp_ports;	/* "smtp=25, ..." */
	const char *service_disable;	/* master_service_disable */
	int	default_process_limit;
	int	throttle_time;
	int	verbose;
} MASTER_ENT_VARS;

extern void master_ent_vars_init(MASTER_ENT_VARS *vars);

/*
 * Builds a service from a parsed master.cf entry. Returns NULL with
 * the reason in why (as "FILE: line N: reason" when path is given).
 */
extern MASTER_SERV *master_ent_create(const struct MASTERCF_ENTRY *ent,
				      const char *path,
				      const MASTER_ENT_VARS *vars,
				      struct STRBUF *why);
extern void master_ent_free(MASTER_SERV *serv);

/* One line describing the service, for verbose logging. */
extern void master_ent_format(const MASTER_SERV *serv, struct STRBUF *out);

/*
 * Endpoint and settings comparison for reloads:
 *   MASTER_ENT_SAME	nothing changed
 *   MASTER_ENT_UPDATE	same endpoints, other settings changed
 *   MASTER_ENT_REPLACE	the endpoints differ: close and reopen
 */
#define MASTER_ENT_SAME		0
#define MASTER_ENT_UPDATE	1
#define MASTER_ENT_REPLACE	2
extern int master_ent_compare(const MASTER_SERV *old_serv,
			      const MASTER_SERV *new_serv);

/* Services are identified by endpoint name and type. */
extern int master_ent_same_key(const MASTER_SERV *a, const MASTER_SERV *b);

/*
 * Whether master_service_disable (a list of "type" and "name/type"
 * patterns, "!" to exclude, first match wins) turns a service off.
 */
extern int master_ent_disabled(const char *patterns, const char *ext_name,
			       const char *type_name);

/*
 * master_conf.c: reads master.cf into a new list in *list (services
 * that master_service_disable turns off are left out; a later
 * duplicate replaces an earlier one, with a warning). Returns 0, or -1
 * with why on any error.
 */
extern int master_conf_read(const char *path, const MASTER_ENT_VARS *vars,
			    MASTER_SERV **list, struct STRBUF *why);
extern void master_conf_free(MASTER_SERV *list);

/*
 * Matches a new list against the running one. For each running
 * service, fn(old, new, action) with MASTER_ENT_* or MASTER_CONF_ADD or
 * MASTER_CONF_REMOVE (where old or new is NULL); new services last, in
 * file order.
 */
#define MASTER_CONF_ADD		3
#define MASTER_CONF_REMOVE	4
typedef void (*MASTER_CONF_DIFF_FN)(MASTER_SERV *old_serv,
				    MASTER_SERV *new_serv, int action,
				    void *context);
extern void master_conf_diff(MASTER_SERV *old_list, MASTER_SERV *new_list,
			     MASTER_CONF_DIFF_FN fn, void *context);

/* The running services. */
extern MASTER_SERV *master_head;

/* Starts every service in master.cf; errors are fatal. */
extern void master_config(const char *path, const MASTER_ENT_VARS *vars);

/*
 * Reload: applies a new master.cf to the running services. Returns 0,
 * or -1 with why when the file is bad (nothing changed then).
 */
extern int master_refresh(const char *path, const MASTER_ENT_VARS *vars,
			  struct STRBUF *why);

/* Stops every service: children get SIGTERM, endpoints close. */
extern void master_stop_all(void);

/* master_listen.c: open and close the endpoints (0 or -1 with why). */
extern int master_listen_init(MASTER_SERV *serv, struct STRBUF *why);
extern void master_listen_cleanup(MASTER_SERV *serv);

/* Owner of the UNIX-domain endpoints, set by master.c. */
extern uid_t master_owner_uid;
extern gid_t master_owner_gid;

/* master_status.c: the status stream of a service. */
extern void master_status_init(MASTER_SERV *serv);
extern void master_status_cleanup(MASTER_SERV *serv);

/*
 * Applies one status record (already read and decoded) to the process
 * table; exposed for tests.
 */
extern void master_status_apply(MASTER_SERV *serv, const MASTER_STATUS *stat);

/* master_avail.c: decides whether master watches the endpoints. */
extern int master_avail_want_listen(const MASTER_SERV *serv);
extern void master_avail_listen(MASTER_SERV *serv);
extern void master_avail_more(MASTER_SERV *serv, MASTER_PROC *proc);
extern void master_avail_less(MASTER_SERV *serv, MASTER_PROC *proc);
extern void master_avail_cleanup(MASTER_SERV *serv);

/*
 * The listener callback: a client is waiting and no process is free.
 * master_avail.c calls it; master_spawn.c provides it (tests may
 * provide their own).
 */
extern void master_spawn(MASTER_SERV *serv);

/* master_spawn.c: processes. */
extern MASTER_PROC *master_proc_find(pid_t pid);
extern void master_proc_add(MASTER_PROC *proc);
extern void master_proc_remove(MASTER_PROC *proc);
extern void master_reap_child(void);
extern void master_delete_children(MASTER_SERV *serv);
extern void master_kill_all(int sig);
extern void master_throttle(MASTER_SERV *serv);
extern void master_unthrottle(MASTER_SERV *serv);

/* What to do about a child that ended with wait status. */
#define MASTER_EXIT_OK		0	/* normal exit */
#define MASTER_EXIT_WARN	(1 << 0)	/* log it */
#define MASTER_EXIT_THROTTLE	(1 << 1)	/* and throttle the service */
extern int master_exit_verdict(int wait_status, int use_count,
			       int throttled, int killed_by_us);

/* Environment for the children: MAIL_CONFIG and such (master.c). */
extern const char *master_config_dir_env;	/* -c, or NULL */

/* master_wakeup.c: wakeup timers. */
extern void master_wakeup_init(MASTER_SERV *serv);
extern void master_wakeup_start(MASTER_SERV *serv);	/* now, then timer */
extern void master_wakeup_cleanup(MASTER_SERV *serv);

/* master_sig.c: signals become flags, checked after each event round. */
extern volatile sig_atomic_t master_got_sighup;
extern volatile sig_atomic_t master_got_sigchld;
extern volatile sig_atomic_t master_got_sigterm;	/* the signal number */
extern void master_sig_init(void);
extern void master_sig_child(void);	/* in a child before exec */

#endif
