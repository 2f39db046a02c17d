/*
 * pipe.c - pipe(8): deliver mail to an external command
 *
 * Each master.cf entry that runs pipe names a transport and ends with
 * the command attributes (pipe_attr.c): "flags=DRhu user=name
 * argv=/path/cmd -f ${sender} -- ${recipient}". For each request from
 * qmgr the command's macros are expanded (one argument per recipient
 * for the per-recipient macros), the command runs with the user's
 * rights and the message on its standard input (mail_copy() with the
 * envelope headers that the flags ask for), and every recipient of
 * the request gets the same outcome from the exit status.
 *
 * Security: runs as root (master.cf "unprivileged" column n) because
 * it must run commands as other users; it never runs one as root or
 * as $mail_owner, and it refuses such a user= at startup. The request
 * comes from qmgr; the addresses in it are untrusted text that reaches
 * the command only as whole arguments (no shell is involved unless the
 * administrator's argv= runs one).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "deliver_request.h"	/* global */
#include "deliver_status.h"
#include "dsn.h"
#include "mail_copy.h"
#include "mainconf.h"
#include "param.h"
#include "params_deliver.h"
#include "params_global.h"
#include "params_virtual.h"
#include "qfile.h"
#include "service.h"		/* master */
#include "pipe.h"

static PIPE_ATTR pipe_attr;
static int pipe_time_limit;
static ARGV *pipe_env;

/* pipe_pre_jail - parse the command attributes and resolve the user */

static void
pipe_pre_jail(const SERVICE *svc)
{
	STRBUF *why = strbuf_create(100);
	struct passwd *pw;
	struct group *gr;
	const char *value;
	char	name[256];
	ARGV   *names;
	size_t	i;
	long	secs;

	if (pipe_attr_parse(svc->argc, svc->argv, &pipe_attr, why) < 0)
		log_fatal("%s", strbuf_str(why));
	if ((pw = getpwnam(pipe_attr.user)) == NULL)
		log_fatal("user= command-line attribute: unknown user name: %s",
			  pipe_attr.user);
	if (pw->pw_uid == 0)
		log_fatal("user= command-line attribute specifies root "
			  "privileges: %s", pipe_attr.user);
	if (strcmp(pw->pw_name, var_mail_owner) == 0)
		log_fatal("user= command-line attribute specifies mail system "
			  "owner %s", var_mail_owner);
	pipe_attr.uid = pw->pw_uid;
	pipe_attr.gid = pw->pw_gid;
	if (pipe_attr.group) {
		if ((gr = getgrnam(pipe_attr.group)) == NULL)
			log_fatal("user= command-line attribute: unknown group "
				  "name: %s", pipe_attr.group);
		if (gr->gr_gid == 0)
			log_fatal("user= command-line attribute specifies "
				  "privileged group: %s", pipe_attr.group);
		pipe_attr.gid = gr->gr_gid;
	}
	if (pipe_attr.gid == 0)
		log_fatal("user= command-line attribute specifies privileged "
			  "group ID 0: %s", pipe_attr.user);

	/* <transport>_time_limit overrides command_time_limit. */
	pipe_time_limit = var_command_time_limit;
	if (snprintf(name, sizeof(name), "%s_time_limit", svc->name)
	    < (int) sizeof(name)
	    && (value = mainconf_lookup(name)) != NULL) {
		if (param_parse_time(value, 's', &secs) < 0 || secs <= 0)
			log_fatal("bad time value: %s = %s", name, value);
		pipe_time_limit = (int) secs;
	}

	/* The command sees only $export_environment. */
	pipe_env = argv_create();
	names = argv_split(var_export_environment, ", \t\r\n");
	for (i = 0; i < names->argc; i++)
		if ((value = getenv(names->argv[i])) != NULL)
			argv_add_printf(pipe_env, "%s=%s", names->argv[i], value);
	argv_free(&names);
	strbuf_free(&why);
}

/* pipe_report - one outcome for every recipient; the reply status */

static int
pipe_report(DELIVER_REQUEST *req, const char *relay, const char *status,
	    const char *action, const char *reason)
{
	DSN	dsn = DSN_SIMPLE(status, reason);

	dsn.action = action;
	return dstat_report_all(req, relay, &dsn) < 0 ? DEL_STAT_DEFER
		: DEL_STAT_OK;
}

/* pipe_deliver - deliver one request */

static int
pipe_deliver(DELIVER_REQUEST *req, const SERVICE *svc)
{
	const char *relay = svc->name;
	STRBUF *why = strbuf_create(100);
	STRBUF *output = strbuf_create(100);
	STRBUF *status = strbuf_create(10);
	STRBUF *reason = strbuf_create(100);
	ARGV   *argv = argv_create();
	PIPE_RUN run;
	char   *saved_sender;
	const char *delivered_to = "", *orig_to = "";
	int	copy_flags, ret, loop;

	if (req->flags & DEL_REQ_FLAG_VERIFY) {
		strbuf_printf(reason, "delivers to command: %s",
			      pipe_attr.command->argv[0]);
		ret = pipe_report(req, relay, "2.0.0", NULL, strbuf_str(reason));
		goto done;
	}
	if (pipe_attr.size_limit > 0 && req->data_size > pipe_attr.size_limit) {
		ret = pipe_report(req, relay, "5.2.3", NULL, "message too large");
		goto done;
	}
	copy_flags = pipe_attr.flags & ~PIPE_OPT_MASK;
	if (copy_flags & (MAIL_COPY_DELIVERED | MAIL_COPY_ORIG_RCPT)) {
		if (req->rcpt_count > 1) {
			log_warn("pipe flag `%c' requires %s_destination_"
				 "recipient_limit = 1",
				 (copy_flags & MAIL_COPY_DELIVERED) ? 'D' : 'O',
				 svc->name);
			ret = pipe_report(req, relay, "4.3.5", NULL,
					  "mail system configuration error");
			goto done;
		}
		delivered_to = req->rcpts[0].address;
		orig_to = *req->rcpts[0].orig_addr ? req->rcpts[0].orig_addr
			: req->rcpts[0].address;
	}
	if (copy_flags & MAIL_COPY_DELIVERED) {
		if ((loop = mail_copy_loop(req, delivered_to)) < 0) {
			ret = pipe_report(req, relay, "4.3.0", NULL,
					  "error reading queue file");
			goto done;
		}
		if (loop) {
			strbuf_printf(reason, "mail forwarding loop for %s",
				      delivered_to);
			ret = pipe_report(req, relay, "5.4.6", NULL,
					  strbuf_str(reason));
			goto done;
		}
	}
	if (pipe_expand(&pipe_attr, req, var_recipient_delimiter, argv,
			why) < 0) {
		log_warn("%s: %s", svc->name, strbuf_str(why));
		ret = pipe_report(req, relay, "4.3.5", NULL,
				  "mail system configuration error");
		goto done;
	}
	run.uid = pipe_attr.uid;
	run.gid = pipe_attr.gid;
	run.directory = pipe_attr.directory;
	run.chroot_dir = pipe_attr.chroot_dir;
	run.time_limit = pipe_time_limit;
	run.env = pipe_env->argv;

	/* null_sender= also applies to the From_ line and Return-Path:. */
	saved_sender = req->sender;
	if (*saved_sender == 0)
		req->sender = pipe_attr.null_sender;
	ret = pipe_command(req, &run, argv, copy_flags, delivered_to, orig_to,
			   output, status, reason);
	req->sender = saved_sender;

	switch (ret) {
	case PIPE_STAT_OK:
		strbuf_printf(reason, "delivered via %s service", svc->name);
		if (strbuf_len(output))
			strbuf_append_printf(reason, " (%s)", strbuf_str(output));
		ret = pipe_report(req, relay, "2.0.0",
				  (pipe_attr.flags & PIPE_OPT_FINAL) ?
				  "delivered" : "relayed", strbuf_str(reason));
		break;
	default:
		ret = pipe_report(req, relay, strbuf_str(status), NULL,
				  strbuf_str(reason));
		break;
	}

done:
	argv_free(&argv);
	strbuf_free(&why);
	strbuf_free(&output);
	strbuf_free(&status);
	strbuf_free(&reason);
	return ret;
}

/* pipe_serve - serve the requests of one qmgr connection */

static void
pipe_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;
	int	status;

	while ((req = deliver_request_read(client)) != NULL) {
		status = pipe_deliver(req, svc);
		if (deliver_request_done(client, req, status) < 0)
			break;
	}
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "pipe",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_DELIVER | PARAM_GROUP_VIRTUAL,
		.pre_jail = pipe_pre_jail,
		.serve = pipe_serve,
	};

	service_main(argc, argv, &spec);
}
