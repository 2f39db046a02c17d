/*
 * master_conf.c - the list of services: start, reload, stop
 *
 * A reload reads the whole new master.cf first and changes nothing
 * unless every entry in it is good. Then each running service is
 * matched with its new entry by endpoint name and type: a service that
 * stays keeps its listening endpoints (clients queued there are not
 * lost) and gets a new status stream, so that its old processes finish
 * what they are doing and exit while new ones start with the new
 * settings; a service whose addresses changed is closed and opened
 * again; a removed service's processes are terminated at once.
 */

#include "sysdeps.h"

#include <signal.h>

#include "argv.h"		/* util */
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "mastercf.h"		/* global */
#include "master.h"

MASTER_SERV *master_head;

/* master_conf_free - release a list of services (not running) */

void
master_conf_free(MASTER_SERV *list)
{
	MASTER_SERV *next;

	for (; list != NULL; list = next) {
		next = list->next;
		master_ent_free(list);
	}
}

/*
 * master_conf_locate - mastercf_read() gives no line for a bad column;
 * find the first entry that does not parse and name its file and line.
 */

static void
master_conf_locate(const char *path, STRBUF *why)
{
	STRBUF *reason = strbuf_create(100);
	MASTERCF_ENTRY *ent;
	MASTERCF *mcf;

	if ((mcf = mastercf_read_flags(path, MASTERCF_FLAG_EDIT
				       | MASTERCF_FLAG_QUIET, reason)) != NULL) {
		for (ent = mcf->head; ent != NULL; ent = ent->next) {
			if (ent->is_service && ent->line > 0
			    && mastercf_entry_parse(ent, reason) < 0) {
				strbuf_printf(why, "%s: line %d: %s", path, ent->line,
					      strbuf_str(reason));
				break;
			}
		}
		mastercf_free(mcf);
	}
	strbuf_free(&reason);
}

/* master_conf_read - master.cf into a new list */

int
master_conf_read(const char *path, const MASTER_ENT_VARS *vars,
		 MASTER_SERV **list, STRBUF *why)
{
	MASTERCF *mcf;
	MASTERCF_ENTRY *ent;
	MASTER_SERV *head = NULL;
	MASTER_SERV **tailp = &head;
	MASTER_SERV *serv, **sp;

	*list = NULL;
	if ((mcf = mastercf_read(path, why)) == NULL) {
		master_conf_locate(path, why);
		return -1;
	}
	for (ent = mcf->head; ent != NULL; ent = ent->next) {
		if (!ent->is_service)
			continue;
		if (master_ent_disabled(vars->service_disable,
					ent->column[MASTERCF_SERVICE],
					ent->column[MASTERCF_TYPE]))
			continue;
		if ((serv = master_ent_create(ent, path, vars, why)) == NULL) {
			master_conf_free(head);
			mastercf_free(mcf);
			return -1;
		}

		/* As in Postfix, the last entry for an endpoint wins. */
		for (sp = &head; *sp != NULL; sp = &(*sp)->next)
			if (master_ent_same_key(*sp, serv))
				break;
		if (*sp != NULL) {
			log_warn("duplicate master.cf entry for service \"%s\" (%s)"
				 " -- using the last entry", serv->ext_name,
				 serv->name);
			serv->next = (*sp)->next;
			master_ent_free(*sp);
			*sp = serv;
			if (serv->next == NULL)
				tailp = &serv->next;
		} else {
			*tailp = serv;
			tailp = &serv->next;
		}
	}
	mastercf_free(mcf);
	*list = head;
	return 0;
}

/* master_conf_diff - match a new list against the running one */

void
master_conf_diff(MASTER_SERV *old_list, MASTER_SERV *new_list,
		 MASTER_CONF_DIFF_FN fn, void *context)
{
	MASTER_SERV *old_serv, *new_serv;
	size_t	count = 0, i;
	char   *matched;

	for (new_serv = new_list; new_serv != NULL; new_serv = new_serv->next)
		count++;
	matched = xcalloc(count ? count : 1, 1);
	for (old_serv = old_list; old_serv != NULL; old_serv = old_serv->next) {
		for (i = 0, new_serv = new_list; new_serv != NULL;
		     i++, new_serv = new_serv->next)
			if (!matched[i] && master_ent_same_key(old_serv, new_serv))
				break;
		if (new_serv == NULL) {
			fn(old_serv, NULL, MASTER_CONF_REMOVE, context);
		} else {
			matched[i] = 1;
			fn(old_serv, new_serv, master_ent_compare(old_serv, new_serv),
			   context);
		}
	}
	for (i = 0, new_serv = new_list; new_serv != NULL;
	     i++, new_serv = new_serv->next)
		if (!matched[i])
			fn(NULL, new_serv, MASTER_CONF_ADD, context);
	xfree(matched);
}

/* master_start_service - open endpoints, watch them, start timers */

static int
master_start_service(MASTER_SERV *serv, STRBUF *why)
{
	if (master_listen_init(serv, why) < 0)
		return -1;
	master_status_init(serv);
	master_avail_listen(serv);
	master_wakeup_start(serv);
	return 0;
}

/* master_stop_service - undo master_start_service, ending the children */

static void
master_stop_service(MASTER_SERV *serv)
{
	master_wakeup_cleanup(serv);
	master_avail_cleanup(serv);
	master_status_cleanup(serv);
	master_listen_cleanup(serv);
}

/* master_restart_service - new generation: old processes finish and go */

static void
master_restart_service(MASTER_SERV *serv)
{
	master_wakeup_cleanup(serv);
	master_status_cleanup(serv);
	master_status_init(serv);
	master_wakeup_init(serv);
	master_avail_listen(serv);
}

/* master_config - start every service of master.cf; errors are fatal */

void
master_config(const char *path, const MASTER_ENT_VARS *vars)
{
	STRBUF *why = strbuf_create(100);
	MASTER_SERV *list, *serv;

	if (master_conf_read(path, vars, &list, why) < 0)
		log_fatal("%s", strbuf_str(why));
	master_head = list;
	for (serv = master_head; serv != NULL; serv = serv->next) {
		if (log_verbose) {
			strbuf_reset(why);
			master_ent_format(serv, why);
			log_info("%s", strbuf_str(why));
		}
		if (master_start_service(serv, why) < 0)
			log_fatal("%s", strbuf_str(why));
	}
	strbuf_free(&why);
}

/* One reload decision, applied after all were made. */
typedef struct {
	MASTER_SERV *old_serv;
	MASTER_SERV *new_serv;
	int	action;
} MASTER_CONF_STEP;

typedef struct {
	MASTER_CONF_STEP *steps;
	size_t	count;
} MASTER_CONF_PLAN;

/* master_conf_plan_add - record one decision */

static void
master_conf_plan_add(MASTER_SERV *old_serv, MASTER_SERV *new_serv,
		     int action, void *context)
{
	MASTER_CONF_PLAN *plan = context;

	plan->steps = xrealloc(plan->steps, size_mul(plan->count + 1,
						     sizeof(*plan->steps)));
	plan->steps[plan->count].old_serv = old_serv;
	plan->steps[plan->count].new_serv = new_serv;
	plan->steps[plan->count].action = action;
	plan->count++;
}

/* master_conf_unlink - take a service out of the running list */

static void
master_conf_unlink(MASTER_SERV *serv)
{
	MASTER_SERV **sp;

	for (sp = &master_head; *sp != NULL; sp = &(*sp)->next) {
		if (*sp == serv) {
			*sp = serv->next;
			serv->next = NULL;
			return;
		}
	}
	log_panic("master_conf_unlink: service %s not found", serv->name);
}

/* master_conf_append - add a service at the end of the running list */

static void
master_conf_append(MASTER_SERV *serv)
{
	MASTER_SERV **sp;

	for (sp = &master_head; *sp != NULL; sp = &(*sp)->next)
		 /* void */ ;
	serv->next = NULL;
	*sp = serv;
}

/* master_conf_update - give a running service its new settings */

static void
master_conf_update(MASTER_SERV *serv, MASTER_SERV *entry)
{
#define SWAP(type, a, b) do { type tmp_ = (a); (a) = (b); (b) = tmp_; } while (0)

	SWAP(char *, serv->ext_name, entry->ext_name);
	SWAP(char *, serv->path, entry->path);
	SWAP(ARGV *, serv->args, entry->args);
	serv->unpriv = entry->unpriv;
	serv->chroot = entry->chroot;
	serv->wakeup_time = entry->wakeup_time;
	serv->flags = (serv->flags & ~MASTER_FLAG_CONDWAKE)
	    | (entry->flags & MASTER_FLAG_CONDWAKE);
	serv->max_proc = entry->max_proc;
	serv->throttle_delay = entry->throttle_delay;
	serv->line = entry->line;
}

/* master_refresh - apply a new master.cf to the running services */

int
master_refresh(const char *path, const MASTER_ENT_VARS *vars, STRBUF *why)
{
	MASTER_CONF_PLAN plan = {NULL, 0};
	MASTER_CONF_STEP *step;
	MASTER_SERV *list, *serv, *next;
	STRBUF *err = strbuf_create(100);
	size_t	i;

	if (master_conf_read(path, vars, &list, why) < 0) {
		strbuf_free(&err);
		return -1;
	}
	master_conf_diff(master_head, list, master_conf_plan_add, &plan);

	/* The new list only lends its entries to the steps below. */
	for (serv = list; serv != NULL; serv = next) {
		next = serv->next;
		serv->next = NULL;
	}

	/* Closing first, so that a replaced endpoint can be bound again. */
	for (i = 0; i < plan.count; i++) {
		step = plan.steps + i;
		if (step->action == MASTER_CONF_REMOVE
		    || step->action == MASTER_ENT_REPLACE) {
			if (log_verbose)
				log_info("reload: %s service %s (%s)",
					 step->action == MASTER_CONF_REMOVE ?
					 "remove" : "replace",
					 step->old_serv->ext_name,
					 step->old_serv->name);
			master_stop_service(step->old_serv);
			master_conf_unlink(step->old_serv);
			master_ent_free(step->old_serv);
		}
	}
	for (i = 0; i < plan.count; i++) {
		step = plan.steps + i;
		switch (step->action) {
		case MASTER_ENT_SAME:
		case MASTER_ENT_UPDATE:
			master_conf_update(step->old_serv, step->new_serv);
			master_ent_free(step->new_serv);
			master_restart_service(step->old_serv);
			break;
		case MASTER_ENT_REPLACE:
		case MASTER_CONF_ADD:
			if (log_verbose)
				log_info("reload: start service %s (%s)",
					 step->new_serv->ext_name,
					 step->new_serv->name);
			strbuf_reset(err);
			if (master_start_service(step->new_serv, err) < 0) {
				log_warn("%s -- service %s (%s) not started",
					  strbuf_str(err), step->new_serv->ext_name,
					  step->new_serv->name);
				master_ent_free(step->new_serv);
			} else {
				master_conf_append(step->new_serv);
			}
			break;
		case MASTER_CONF_REMOVE:
			break;
		default:
			log_panic("master_refresh: bad action %d", step->action);
		}
	}
	xfree(plan.steps);
	strbuf_free(&err);
	return 0;
}

/* master_stop_all - at exit: end the children, close the endpoints */

void
master_stop_all(void)
{
	MASTER_SERV *serv;

	master_kill_all(SIGTERM);
	for (serv = master_head; serv != NULL; serv = serv->next) {
		master_wakeup_cleanup(serv);
		master_listen_cleanup(serv);
	}
}
