/*
 * local_deliver.c - local(8)'s final deliveries: mailbox, file,
 * command, and forwarding through cleanup(8)
 *
 * Each function reports its outcome with local_report(), in the words
 * Postfix's local(8) logs ("delivered to mailbox", "delivered to
 * command: CMD", "delivered to file: PATH", "forwarded as ID"), and
 * returns what local_report() returned.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "iostream.h"
#include "fork_retry.h"
#include "log.h"
#include "mem.h"
#include "set_eugid.h"
#include "strbuf.h"
#include "stringops.h"
#include "cleanup_clnt.h"
#include "deliver_request.h"
#include "mail_copy.h"
#include "mailbox.h"
#include "params_global.h"
#include "params_local.h"
#include "qfile.h"
#include "rec.h"
#include "local.h"

#define LOCAL_VERIFY(ctx)	((ctx)->req->flags & DEL_REQ_FLAG_VERIFY)

/* local_hdr_wanted - is kind ("command", "file", "forward") listed? */

static int
local_hdr_wanted(const char *kind)
{
	ARGV   *argv = argv_split(var_prepend_delivered_header, ", \t\r\n");
	size_t  i;
	int     found = 0;

	for (i = 0; i < argv->argc; i++)
		if (strcasecmp(argv->argv[i], kind) == 0)
			found = 1;
	argv_free(&argv);
	return found;
}

/* local_orig_to - the X-Original-To: value: the original recipient */

static const char *
local_orig_to(LOCAL_CTX *ctx)
{
	if (!var_enable_original_recipient)
		return "";
	return *ctx->rcpt->orig_addr ? ctx->rcpt->orig_addr : ctx->rcpt->address;
}

/* local_seen_key - duplicate filter for files and commands */

static int
local_dup(LOCAL_CTX *ctx, const char *kind, uid_t uid, const char *what)
{
	STRBUF *key = strbuf_create(100);
	int     seen;

	strbuf_printf(key, "%s %ld %s", kind, (long) uid, what);
	seen = argv_find(ctx->seen, strbuf_str(key)) >= 0;
	if (!seen)
		argv_add(ctx->seen, strbuf_str(key));
	strbuf_free(&key);
	return seen;
}

/* local_deliver_mailbox - the user's mailbox, command or transport */

int
local_deliver_mailbox(LOCAL_CTX *ctx, const LOCAL_ATTR *attr)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(100);
	STRBUF *path = strbuf_create(100);
	int     ret;

	if (*var_mailbox_transport) {
		ret = local_pass(ctx, attr, "mailbox_transport",
				 var_mailbox_transport);
		goto out;
	}
	if (*var_mailbox_command) {
		if (local_expand(path, var_mailbox_command, attr,
				 var_command_expansion_filter) < 0)
			ret = local_report(ctx, attr, "4.3.5",
					   "mail system configuration error");
		else
			ret = local_deliver_command(ctx, attr, strbuf_str(path));
		goto out;
	}
	if (LOCAL_VERIFY(ctx)) {
		ret = local_report(ctx, attr, "2.0.0", "delivers to mailbox");
		goto out;
	}
	if (*var_home_mailbox) {
		strbuf_printf(path, "%s/%s", attr->home, var_home_mailbox);
		if (set_eugid(attr->uid, attr->gid) < 0)
			log_fatal("set_eugid: %m");
		if (str_has_suffix(var_home_mailbox, "/"))
			ret = maildir_deliver(ctx->req, strbuf_str(path),
					      MAIL_COPY_MAILDIR, attr->delivered,
					      local_orig_to(ctx), status, reason);
		else
			ret = mbox_deliver(ctx->req, strbuf_str(path),
					   var_mailbox_delivery_lock,
					   var_mailbox_size_limit, MAIL_COPY_MBOX,
					   attr->delivered, local_orig_to(ctx),
					   status, reason);
		if (set_eugid_root() < 0)
			log_fatal("set_eugid_root: %m");
	} else {
		/* The spool directory belongs to root: open as root, chown. */
		strbuf_printf(path, "%s/%s", var_mail_spool_directory, attr->user);
		ret = mbox_deliver_owner(ctx->req, strbuf_str(path),
					 var_mailbox_delivery_lock,
					 var_mailbox_size_limit, MAIL_COPY_MBOX,
					 attr->delivered, local_orig_to(ctx),
					 var_strict_mailbox_ownership ?
					 attr->uid : (uid_t) -1, attr->gid,
					 status, reason);
	}
	/* Postfix notifies biff for UNIX-style mailboxes only, not Maildir. */
	if (ret == 0 && var_biff
	    && !(*var_home_mailbox && str_has_suffix(var_home_mailbox, "/")))
		local_biff(attr->user, mbox_last_offset());
	if (ret == 0)
		ret = local_report(ctx, attr, "2.0.0", str_has_suffix(
			       var_home_mailbox, "/") && *var_home_mailbox ?
				   "delivered to maildir" : "delivered to mailbox");
	else
		ret = local_report(ctx, attr, strbuf_str(status),
				   "cannot update mailbox %s for user %s. %s",
				   strbuf_str(path), attr->user,
				   strbuf_str(reason));
out:
	strbuf_free(&status);
	strbuf_free(&reason);
	strbuf_free(&path);
	return ret;
}

/* local_deliver_file - append to a file named by an alias or .forward */

int
local_deliver_file(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *path)
{
	STRBUF *status = strbuf_create(10), *reason = strbuf_create(100);
	int     flags, ret;
	uid_t   uid;
	gid_t   gid;

	if (local_dup(ctx, "file", attr->uid, path)) {
		strbuf_free(&status);
		strbuf_free(&reason);
		return 0;
	}
	if (LOCAL_VERIFY(ctx)) {
		ret = local_report(ctx, attr, "2.0.0", "delivers to file: %s", path);
		goto out;
	}
	flags = local_hdr_wanted("file") ? MAIL_COPY_MBOX
	    : (MAIL_COPY_MBOX & ~MAIL_COPY_DELIVERED);
	uid = attr->uid;
	gid = attr->gid;
	if (uid == 0)
		local_default_privs(&uid, &gid);
	if (set_eugid(uid, gid) < 0)
		log_fatal("set_eugid: %m");
	if (str_has_suffix(path, "/"))
		ret = maildir_deliver(ctx->req, path, flags & ~(MAIL_COPY_FROM
					     | MAIL_COPY_QUOTE | MAIL_COPY_BLANK),
				      attr->delivered, local_orig_to(ctx),
				      status, reason);
	else
		ret = mbox_deliver(ctx->req, path, var_mailbox_delivery_lock,
				   var_mailbox_size_limit, flags,
				   attr->delivered, local_orig_to(ctx),
				   status, reason);
	if (set_eugid_root() < 0)
		log_fatal("set_eugid_root: %m");
	if (ret == 0)
		ret = local_report(ctx, attr, "2.0.0", "delivered to file: %s",
				   path);
	else
		ret = local_report(ctx, attr, strbuf_str(status),
				   "cannot append message to file %s: %s", path,
				   strbuf_str(reason));
out:
	strbuf_free(&status);
	strbuf_free(&reason);
	return ret;
}

/* local_command_env - the environment of a command, as Postfix sets it */

static void
local_command_env(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, ARGV *env)
{
	ARGV   *names = argv_split(var_export_environment, ", \t\r\n");
	const char *val;
	size_t  i;

	for (i = 0; i < names->argc; i++)
		if ((val = getenv(names->argv[i])) != NULL)
			argv_add_printf(env, "%s=%s", names->argv[i], val);
	argv_free(&names);
	argv_add(env, "PATH=/usr/bin:/bin");
	if (attr->user) {
		argv_add_printf(env, "USER=%s", attr->user);
		argv_add_printf(env, "LOGNAME=%s", attr->user);
	}
	if (attr->home)
		argv_add_printf(env, "HOME=%s", attr->home);
	if (attr->shell)
		argv_add_printf(env, "SHELL=%s", attr->shell);
	argv_add_printf(env, "SENDER=%s", ctx->req->sender);
	argv_add_printf(env, "RECIPIENT=%s", attr->address);
	argv_add_printf(env, "LOCAL=%s", attr->local ? attr->local : "");
	argv_add_printf(env, "DOMAIN=%s", attr->domain ? attr->domain : "");
	argv_add_printf(env, "EXTENSION=%s", attr->extension ? attr->extension : "");
	argv_add_printf(env, "ORIGINAL_RECIPIENT=%s", local_orig_to(ctx));
	if (*ctx->req->dsn_envid)
		argv_add_printf(env, "ENVID=%s", ctx->req->dsn_envid);
	argv_add_printf(env, "CLIENT_HOSTNAME=%s", ctx->req->client_name);
	argv_add_printf(env, "CLIENT_ADDRESS=%s", ctx->req->client_addr);
	argv_add_printf(env, "CLIENT_PROTOCOL=%s", ctx->req->client_proto);
	argv_add_printf(env, "CLIENT_HELO=%s", ctx->req->client_helo);
	if (*ctx->req->sasl_method) {
		argv_add_printf(env, "SASL_METHOD=%s", ctx->req->sasl_method);
		argv_add_printf(env, "SASL_USERNAME=%s", ctx->req->sasl_username);
		argv_add_printf(env, "SASL_SENDER=%s", ctx->req->sasl_sender);
	}
}

/* local_command_output - what the command printed, on one line */

static void
local_command_output(int fd, STRBUF *out)
{
	char    buf[1000];
	ssize_t n;
	char   *cp;

	strbuf_reset(out);
	if (lseek(fd, 0, SEEK_SET) < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return;
	buf[n] = 0;
	for (cp = buf; *cp; cp++)
		if (*cp == '\n' || *cp == '\r' || *cp == '\t')
			*cp = ' ';
	strbuf_set(out, str_trim(buf));
}

/* local_command_wait - wait for the child, at most until deadline */

static int
local_command_wait(pid_t pid, time_t deadline, int *wstatus)
{
	struct timespec ts = {0, 50 * 1000 * 1000};
	pid_t   ret;

	for (;;) {
		if ((ret = waitpid(pid, wstatus, WNOHANG)) == pid)
			return 0;
		if (ret < 0 && errno != EINTR)
			return 0;
		if (time((time_t *) 0) >= deadline) {
			(void) kill(-pid, SIGKILL);
			(void) kill(pid, SIGKILL);
			(void) waitpid(pid, wstatus, 0);
			return -1;
		}
		(void) nanosleep(&ts, (struct timespec *) 0);
	}
}

/* local_deliver_command - pipe the message into a command */

int
local_deliver_command(LOCAL_CTX *ctx, const LOCAL_ATTR *attr,
		      const char *command)
{
	char    tmpl[] = "/tmp/postfix-local.XXXXXX";
	STRBUF *why = strbuf_create(100), *output = strbuf_create(100);
	ARGV   *env;
	IOSTREAM *dst;
	int     in[2], out_fd, flags, copy, wstatus = 0, ret, timed_out;
	pid_t   pid;
	time_t  deadline;
	const char *shell;
	uid_t   uid = attr->uid;
	gid_t   gid = attr->gid;

	if (uid == 0)				/* never as root */
		local_default_privs(&uid, &gid);
	if (local_dup(ctx, "command", attr->uid, command)) {
		ret = 0;
		goto done;
	}
	if (LOCAL_VERIFY(ctx)) {
		ret = local_report(ctx, attr, "2.0.0", "delivers to command: %s",
				   command);
		goto done;
	}
	if ((out_fd = mkstemp(tmpl)) < 0) {
		ret = local_report(ctx, attr, "4.3.0",
				   "cannot create command output file: %s",
				   strerror(errno));
		goto done;
	}
	(void) unlink(tmpl);
	if (pipe(in) < 0) {
		(void) close(out_fd);
		ret = local_report(ctx, attr, "4.3.0", "pipe: %s", strerror(errno));
		goto done;
	}
	env = argv_create();
	local_command_env(ctx, attr, env);
	shell = *var_local_command_shell ? var_local_command_shell : "/bin/sh";
	deadline = time((time_t *) 0) + var_command_time_limit;
	if ((pid = fork_retry(var_fork_attempts, var_fork_delay)) < 0) {
		(void) close(in[0]);
		(void) close(in[1]);
		(void) close(out_fd);
		argv_free(&env);
		ret = local_report(ctx, attr, "4.3.0", "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		(void) setsid();
		(void) signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
			_exit(75);
		(void) close(in[0]);
		(void) close(in[1]);
		(void) close(out_fd);
		if (set_ugid(uid, gid) < 0)
			_exit(75);
		if (attr->home == NULL || chdir(attr->home) < 0)
			(void) chdir("/");
		execle(shell, shell, "-c", command, (char *) 0, env->argv);
		_exit(126);
	}
	(void) close(in[0]);
	argv_free(&env);

	/* The command may stop reading early; that is not our failure. */
	flags = MAIL_COPY_FROM | MAIL_COPY_RETURN | MAIL_COPY_ORIG_RCPT;
	if (local_hdr_wanted("command"))
		flags |= MAIL_COPY_DELIVERED;
	dst = iostream_fdopen(in[1], O_WRONLY);
	iostream_set_timeout(dst, var_command_time_limit);
	copy = mail_copy(ctx->req, attr->delivered, local_orig_to(ctx), dst,
			 flags, why);
	(void) iostream_close(dst);
	timed_out = local_command_wait(pid, deadline, &wstatus) < 0;
	local_command_output(out_fd, output);
	(void) close(out_fd);

	if (copy == MAIL_COPY_STAT_READ)
		ret = local_report(ctx, attr, "4.3.0", "%s", strbuf_str(why));
	else if (timed_out)
		ret = local_report(ctx, attr, "5.3.0",
				   "Command time limit exceeded: \"%s\"%s%s",
				   command, strbuf_len(output) ?
				   ". Command output: " : "", strbuf_str(output));
	else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		ret = local_report(ctx, attr, "2.0.0", "delivered to command: %s",
				   command);
	else if (WIFEXITED(wstatus))
		ret = local_report(ctx, attr,
				   WEXITSTATUS(wstatus) == 75 ? "4.3.0" : "5.3.0",
				   "Command died with status %d: \"%s\"%s%s",
				   WEXITSTATUS(wstatus), command,
				   strbuf_len(output) ? ". Command output: " : "",
				   strbuf_str(output));
	else
		ret = local_report(ctx, attr, "5.3.0",
				   "Command died with signal %d: \"%s\"%s%s",
				   WTERMSIG(wstatus), command,
				   strbuf_len(output) ? ". Command output: " : "",
				   strbuf_str(output));
done:
	strbuf_free(&why);
	strbuf_free(&output);
	return ret;
}

/* local_forward - resubmit the message to address through cleanup */

int
local_forward(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *address)
{
	DELIVER_REQUEST *req = ctx->req;
	DELIVER_RCPT *rcpt = ctx->rcpt;
	STRBUF *why = strbuf_create(100), *line = strbuf_create(100);
	CLEANUP_CLNT *clnt;
	QFILE_CONTENT *c;
	IOSTREAM *st;
	char   *id = NULL;
	int     stat, ret, rd;

	if (local_dup(ctx, "forward", 0, address)) {
		ret = 0;
		goto out;
	}
	if (LOCAL_VERIFY(ctx)) {
		ret = local_report(ctx, attr, "2.0.0", "forwards to %s", address);
		goto out;
	}
	clnt = cleanup_clnt_open((const char *) 0,
				 CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_MAP_OK, why);
	if (clnt == NULL) {
		ret = local_report(ctx, attr, "4.3.0", "cannot forward: %s",
				   strbuf_str(why));
		goto out;
	}
	id = xstrdup(cleanup_clnt_queue_id(clnt));
	st = cleanup_clnt_stream(clnt);
	rec_printf(st, REC_TYPE_TIME, "%ld %ld", req->arrival_sec,
		   req->arrival_usec);
	rec_puts(st, REC_TYPE_FROM, attr->sender ? attr->sender : req->sender);
	if (*rcpt->dsn_orcpt)
		rec_puts(st, REC_TYPE_DSN_ORCPT, rcpt->dsn_orcpt);
	if (rcpt->dsn_notify)
		rec_printf(st, REC_TYPE_DSN_NOTIFY, "%d", rcpt->dsn_notify);
	rec_puts(st, REC_TYPE_RCPT, address);
	rec_puts(st, REC_TYPE_MESG, "");
	if (local_hdr_wanted("forward")) {
		strbuf_printf(line, "Delivered-To: %s", attr->delivered);
		rec_put_line(st, strbuf_str(line), strbuf_len(line),
			     (size_t) var_line_length_limit);
	}
	c = qfile_content_open(req->fp, req->data_offset,
			       QFILE_REC_LIMIT(var_line_length_limit));
	while ((rd = qfile_content_line(c, line, why)) > 0)
		rec_put_line(st, strbuf_str(line), strbuf_len(line),
			     (size_t) var_line_length_limit);
	qfile_content_close(c);
	if (rd < 0) {
		cleanup_clnt_abort(clnt);
		ret = local_report(ctx, attr, "4.3.0", "%s", strbuf_str(why));
		goto out;
	}
	rec_puts(st, REC_TYPE_XTRA, "");
	stat = cleanup_clnt_close(clnt, why);
	if (stat == CLEANUP_STAT_OK) {
		log_info("%s: forwarded to %s as %s", req->queue_id, address, id);
		ret = local_report(ctx, attr, "2.0.0", "forwarded as %s", id);
	} else {
		ret = local_report(ctx, attr,
				   (stat & (CLEANUP_STAT_WRITE | CLEANUP_STAT_DEFER))
				   ? "4.3.0" : "5.3.0",
				   "cannot forward to %s: %s", address,
				   strbuf_len(why) ? strbuf_str(why) :
				   cleanup_stat_text(stat));
	}
out:
	xfree(id);
	strbuf_free(&why);
	strbuf_free(&line);
	return ret;
}
