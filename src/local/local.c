/*
 * local.c - the local(8) delivery agent: requests, recipients, aliases
 *
 * Reads delivery requests from qmgr(8), one connection at a time, and
 * delivers each recipient as Postfix's local(8) does: the domain is
 * dropped, the local part is looked up in $alias_maps, then in the
 * passwd file; a user's ~/.forward (per $forward_path) comes before
 * the mailbox. Aliases, :include: files and .forward files expand into
 * destinations that this process delivers itself, recursively: local
 * addresses again as recipients, files and commands directly, other
 * addresses by forwarding the message through cleanup(8).
 *
 * Every destination is reported through deliver_status.h. The queue
 * file's recipient is marked done only when all its destinations were
 * delivered or bounced (none deferred), as Postfix's deliver_completed().
 *
 * Security: runs as root (master.cf "local unix - n n"), not chrooted:
 * it must read users' .forward files and write their mailboxes. Every
 * file operation on behalf of a user runs with that user's effective
 * IDs (set_eugid); commands run with all IDs changed for good. Alias
 * destinations get the rights of the alias table's owner, or
 * $default_privs when root owns it. Untrusted inputs: the message, the
 * envelope, the contents of .forward and :include: files.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "safe_open.h"
#include "set_eugid.h"
#include "strbuf.h"
#include "stringops.h"
#include "aliases_parse.h"
#include "deliver_request.h"
#include "deliver_status.h"
#include "mail_copy.h"
#include "mainconf.h"
#include "map.h"
#include "map_search.h"
#include "param.h"
#include "params_deliver.h"
#include "params_global.h"
#include "params_local.h"
#include "qfile.h"
#include "rewrite_clnt.h"
#include "service.h"
#include "local.h"

/* The alias tables, opened once before the first request. */
static MAP **alias_maps;
static char **alias_names;		/* "type:name", for messages */
static size_t alias_count;

/* local_is_allowed - is exp_type in an allow_mail_to_* list? */

int
local_is_allowed(const char *list, int exp_type)
{
	static const char *const names[] = {"", "alias", "forward", "include"};
	ARGV   *argv;
	size_t  i;
	int     found = 0;

	if (exp_type == LOCAL_EXP_NONE)
		return 1;
	argv = argv_split(list, ", \t\r\n");
	for (i = 0; i < argv->argc; i++)
		if (strcasecmp(argv->argv[i], names[exp_type]) == 0)
			found = 1;
	argv_free(&argv);
	return found;
}

/* Lookup context of local_expand(). */
struct expand_ctx {
	const LOCAL_ATTR *attr;
	const char *filter;
	STRBUF *value;
};

/* local_expand_lookup - the per-recipient $names, filtered */

static const char *
local_expand_lookup(const char *name, void *context)
{
	struct expand_ctx *ec = context;
	const LOCAL_ATTR *a = ec->attr;
	const char *val = NULL;
	char   *cp;

	if (strcmp(name, "user") == 0)
		val = a->user;
	else if (strcmp(name, "home") == 0)
		val = a->home;
	else if (strcmp(name, "shell") == 0)
		val = a->shell;
	else if (strcmp(name, "extension") == 0)
		val = a->extension;
	else if (strcmp(name, "recipient") == 0)
		val = a->address;
	else if (strcmp(name, "local") == 0)
		val = a->local;
	else if (strcmp(name, "domain") == 0)
		val = a->domain;
	else if (strcmp(name, "recipient_delimiter") == 0)
		val = var_recipient_delimiter;
	if (val == NULL || *val == 0)
		return NULL;

	/* Characters outside the filter become '_', as in Postfix. */
	strbuf_set(ec->value, val);
	if (ec->filter)
		for (cp = ec->value->data; *cp; cp++)
			if (strchr(ec->filter, *cp) == NULL)
				*cp = '_';
	return strbuf_str(ec->value);
}

/* local_expand - $name expansion of forward_path, luser_relay, ... */

int
local_expand(STRBUF *out, const char *pattern, const LOCAL_ATTR *attr,
	     const char *filter)
{
	struct expand_ctx ec;
	STRBUF *why = strbuf_create(100);
	int     ret;

	ec.attr = attr;
	ec.filter = filter;
	ec.value = strbuf_create(100);
	ret = mainconf_expand_fn(out, pattern, 0, local_expand_lookup, &ec,
				 (ARGV *) 0, why);
	if (ret < 0)
		log_warn("macro expansion of \"%s\": %s", pattern,
			 strbuf_str(why));
	strbuf_free(&ec.value);
	strbuf_free(&why);
	return ret;
}

/* local_report - report one destination of the recipient */

int
local_report(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *status,
	     const char *fmt, ...)
{
	DELIVER_RCPT copy;
	DELIVER_RCPT *rcpt = ctx->rcpt;
	STRBUF *reason = strbuf_create(100);
	DSN     dsn = DSN_SIMPLE(status, "");
	va_list ap;
	int     ret;

	va_start(ap, fmt);
	strbuf_append_vprintf(reason, fmt, ap);
	va_end(ap);
	dsn.reason = strbuf_str(reason);

	/*
	 * A destination of an expansion is reported under its own address,
	 * with the queue file's recipient as the original one, and without
	 * a done mark (offset -1): the recipient is marked once, at the end.
	 */
	if (attr->level > 0 || strcmp(attr->address, rcpt->address) != 0) {
		copy = *rcpt;
		copy.address = (char *) attr->address;
		if (*rcpt->orig_addr == 0)
			copy.orig_addr = rcpt->address;
		copy.offset = -1;
		rcpt = &copy;
		ctx->expanded = 1;
	}
	ret = dstat_report(ctx->req, rcpt, ctx->relay, &dsn);
	if (ret < 0 || DSN_CLASS(status) == '4'
	    || (DSN_CLASS(status) == '5' && var_soft_bounce))
		ctx->deferred = 1;
	strbuf_free(&reason);
	return ret;
}

/* local_seen - duplicate filter: 1 when key was delivered already */

static int
local_seen(LOCAL_CTX *ctx, const char *key)
{
	if (argv_find(ctx->seen, key) >= 0)
		return 1;
	argv_add(ctx->seen, key);
	return 0;
}

/* local_read_file - a .forward or :include: file as uid, line by line */

static int
local_read_file(const char *path, uid_t uid, gid_t gid, uid_t owner,
		ARGV *lines, struct stat *st, STRBUF *why)
{
	IOSTREAM *fp;
	STRBUF *line = strbuf_create(100);
	int     fd, err, ret;

	if (set_eugid(uid, gid) < 0)
		log_fatal("set_eugid(%ld, %ld): %m", (long) uid, (long) gid);
	fd = safe_open(path, O_RDONLY, 0, st, owner, (gid_t) -1, why);
	err = errno;
	if (set_eugid_root() < 0)
		log_fatal("set_eugid_root: %m");
	if (fd < 0) {
		strbuf_free(&line);
		errno = err;
		return -1;
	}
	fp = iostream_fdopen(fd, O_RDONLY);
	strbuf_set_limit(line, (size_t) var_line_length_limit);
	while ((ret = iostream_get_line(fp, line, (size_t) var_line_length_limit,
					IOS_LINE_STRIP_CR)) > 0) {
		if (line->data[0] != '#')
			argv_add(lines, strbuf_str(line));
		strbuf_reset(line);
	}
	ret = iostream_error(fp) ? -1 : 0;
	if (ret < 0)
		strbuf_printf(why, "read error: %s", strerror(iostream_errno(fp)));
	(void) iostream_close(fp);
	strbuf_free(&line);
	return ret;
}

/* local_owner_privs - the rights for an alias table's destinations */

static void
local_owner_privs(const char *spec, uid_t *uid, gid_t *gid)
{
	struct stat st;
	const char *name = strchr(spec, ':');
	char   *path;
	int     found;

	*uid = 0;
	if (name != NULL && name[1] == '/') {
		path = str_concat(name + 1, ".db", (char *) 0);
		found = stat(path, &st) == 0 || stat(name + 1, &st) == 0;
		xfree(path);
		if (found && st.st_uid != 0) {
			*uid = st.st_uid;
			*gid = st.st_gid;
			return;
		}
	}
	local_default_privs(uid, gid);
}

/* local_default_privs - the rights of $default_privs */

void
local_default_privs(uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if ((pw = getpwnam(var_default_privs)) == NULL)
		log_fatal("unknown default_privs user: %s", var_default_privs);
	if (pw->pw_uid == 0)
		log_fatal("default_privs user %s has user ID 0", var_default_privs);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
}

static int local_dest(LOCAL_CTX *, const LOCAL_ATTR *, const char *);

/* local_dests - deliver every destination of an expansion */

static int
local_dests(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, ARGV *lines)
{
	ARGV   *dests = argv_create();
	size_t  i;

	for (i = 0; i < lines->argc; i++)
		(void) aliases_split_value(lines->argv[i], dests);
	for (i = 0; i < dests->argc; i++)
		(void) local_dest(ctx, attr, dests->argv[i]);
	i = dests->argc;
	argv_free(&dests);
	return (int) i;
}

/* local_include - an :include: file's destinations */

static int
local_include(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *path)
{
	LOCAL_ATTR child = *attr;
	ARGV   *lines = argv_create();
	STRBUF *why = strbuf_create(100);
	struct stat st;
	int     ret;

	if (*path != '/') {
		ret = local_report(ctx, attr, "5.3.5",
				   ":include:%s uses a relative path", path);
		goto out;
	}
	if (local_read_file(path, attr->uid, attr->gid, (uid_t) -1, lines,
			    &st, why) < 0) {
		ret = local_report(ctx, attr, errno == ENOENT ? "5.3.5" : "4.3.0",
				   "cannot open include file %s: %s", path,
				   strbuf_str(why));
		goto out;
	}

	/* A file that a user owns gives its destinations that user's rights. */
	if (st.st_uid != 0) {
		child.uid = st.st_uid;
		child.gid = st.st_gid;
	}
	child.exp_type = LOCAL_EXP_INCLUDE;
	child.exp_from = path;
	child.level = attr->level + 1;
	(void) local_dests(ctx, &child, lines);
	ret = 0;
out:
	argv_free(&lines);
	strbuf_free(&why);
	return ret;
}

/* local_address - a destination that is a mail address */

static int
local_address(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *addr)
{
	RESOLVE_REPLY reply;
	STRBUF *canon = strbuf_create(100);
	LOCAL_ATTR child = *attr;
	int     direct = 0, ret;
	const char *cp;

	/* "\user": straight to the mailbox, no alias or .forward. */
	if (*addr == '\\') {
		direct = 1;
		addr++;
	}
	if (*addr == 0) {
		strbuf_free(&canon);
		return 0;
	}
	if (rewrite_clnt(REWRITE_LOCAL, addr, canon) < 0) {
		strbuf_free(&canon);
		return local_report(ctx, attr, "4.3.0",
				    "address rewriting failure for %s", addr);
	}
	resolve_reply_init(&reply);
	if (resolve_clnt(strbuf_str(canon), &reply) < 0
	    || (reply.flags & RESOLVE_FLAG_FAIL)) {
		ret = local_report(ctx, attr, "4.3.0",
				   "address resolver failure for %s",
				   strbuf_str(canon));
	} else if ((reply.flags & RESOLVE_CLASS_FLAG_LOCAL)
		   && ((cp = strchr(strbuf_str(reply.transport), ':')) != NULL
		       ? (size_t) (cp - strbuf_str(reply.transport)) == strlen(ctx->relay)
		       && strncmp(strbuf_str(reply.transport), ctx->relay,
				  strlen(ctx->relay)) == 0
		       : strcmp(strbuf_str(reply.transport), ctx->relay) == 0)) {
		/* Ours: deliver here, recursively. */
		child.address = strbuf_str(reply.recipient);
		child.level = attr->level + 1;
		if (direct) {
			child.exp_type = LOCAL_EXP_FORWARD;
			child.exp_from = "\\";	/* see local_recipient() */
		}
		ret = local_recipient(ctx, &child);
	} else {
		ret = local_forward(ctx, attr, strbuf_str(canon));
	}
	resolve_reply_free(&reply);
	strbuf_free(&canon);
	return ret;
}

/* local_dest - one destination of an alias, :include: or .forward */

static int
local_dest(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *dest)
{
	const char *arg;

	switch (aliases_dest_type(dest, &arg)) {
	case ALIASES_DEST_INCLUDE:
		if (!local_is_allowed(var_allow_mail_to_files, attr->exp_type)
		    && !local_is_allowed(var_allow_mail_to_commands,
					 attr->exp_type))
			return local_report(ctx, attr, "5.7.1",
					    "mail to file is restricted");
		return local_include(ctx, attr, arg);
	case ALIASES_DEST_COMMAND:
		if (!local_is_allowed(var_allow_mail_to_commands, attr->exp_type))
			return local_report(ctx, attr, "5.7.1",
					    "mail to command is restricted");
		return local_deliver_command(ctx, attr, arg);
	case ALIASES_DEST_FILE:
		if (!local_is_allowed(var_allow_mail_to_files, attr->exp_type))
			return local_report(ctx, attr, "5.7.1",
					    "mail to file is restricted");
		return local_deliver_file(ctx, attr, arg);
	default:
		return local_address(ctx, attr, arg ? arg : dest);
	}
}

/* local_alias - look the name up in $alias_maps; 1 when it expanded */

static int
local_alias(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, const char *name,
	    int *result)
{
	STRBUF *value = strbuf_create(100);
	STRBUF *owner = strbuf_create(100);
	STRBUF *sender = strbuf_create(100);
	LOCAL_ATTR child = *attr;
	ARGV   *lines;
	size_t  i;
	int     found = MAP_NOTFOUND, st;
	char   *key = str_lower(xstrdup(name));

	for (i = 0; i < alias_count; i++) {
		if (alias_maps[i] == NULL)
			continue;
		st = map_lookup(alias_maps[i], key, value);
		if (st == MAP_RETRY) {
			log_warn("%s: lookup of %s failed: %s", alias_names[i],
				 key, map_error(alias_maps[i]));
			*result = local_report(ctx, attr, "4.3.0",
					       "alias database unavailable");
			found = MAP_RETRY;
			break;
		}
		if (st == MAP_FOUND) {
			found = MAP_FOUND;
			break;
		}
	}
	if (found != MAP_FOUND) {
		xfree(key);
		strbuf_free(&value);
		strbuf_free(&owner);
		strbuf_free(&sender);
		return found == MAP_RETRY;
	}

	/*
	 * An owner-NAME alias makes owner-NAME the sender of what this
	 * alias forwards, so that errors go to the list owner.
	 */
	strbuf_printf(sender, "owner-%s", key);
	if (map_lookup(alias_maps[i], strbuf_str(sender), owner) == MAP_FOUND) {
		if (var_expand_owner_alias)
			strbuf_set(sender, strbuf_str(owner));
		else
			strbuf_append_printf(sender, "@%s", var_myorigin);
		child.sender = strbuf_str(sender);
	}
	local_owner_privs(alias_names[i], &child.uid, &child.gid);
	child.exp_type = LOCAL_EXP_ALIAS;
	child.exp_from = key;
	child.level = attr->level + 1;
	child.user = NULL;
	child.home = NULL;
	child.shell = NULL;
	lines = argv_create();
	argv_add(lines, strbuf_str(value));
	if (local_dests(ctx, &child, lines) == 0)
		*result = local_report(ctx, attr, "5.3.5",
				       "alias %s has no destinations", key);
	else
		*result = 0;
	argv_free(&lines);
	xfree(key);
	strbuf_free(&value);
	strbuf_free(&owner);
	strbuf_free(&sender);
	return 1;
}

/* local_home_missing - 1 (errno set) when attr's home cannot be stat()ed */

static int
local_home_missing(const LOCAL_ATTR *attr)
{
	struct stat st;
	int	ret, saved;

	if (set_eugid(attr->uid, attr->gid) < 0)
		log_fatal("set_eugid(%ld, %ld): %m", (long) attr->uid,
			  (long) attr->gid);
	ret = stat(attr->home, &st);
	saved = errno;
	if (set_eugid_root() < 0)
		log_fatal("set_eugid_root: %m");
	errno = saved;
	return ret < 0;
}

/* local_dotforward - the user's .forward file; 1 when it expanded */

static int
local_dotforward(LOCAL_CTX *ctx, const LOCAL_ATTR *attr, int *result)
{
	STRBUF *paths = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	LOCAL_ATTR child = *attr;
	ARGV   *list, *lines = NULL;
	struct stat st;
	size_t  i;
	int     done = 0;

	if (local_expand(paths, var_forward_path, attr,
			 var_forward_expansion_filter) < 0) {
		*result = local_report(ctx, attr, "4.3.5",
				       "mail system configuration error");
		strbuf_free(&paths);
		strbuf_free(&why);
		return 1;
	}
	list = argv_split(strbuf_str(paths), ", \t\r\n");
	for (i = 0; i < list->argc && !done; i++) {
		lines = argv_create();
		if (local_read_file(list->argv[i], attr->uid, attr->gid,
				    attr->uid, lines, &st, why) < 0) {
			if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
				log_warn("cannot open %s: %s", list->argv[i],
					 strbuf_str(why));
			argv_free(&lines);
			continue;
		}
		child.exp_type = LOCAL_EXP_FORWARD;
		child.exp_from = attr->user;
		child.level = attr->level + 1;
		if (local_dests(ctx, &child, lines) > 0) {
			*result = 0;
			done = 1;
		}
		argv_free(&lines);
		break;				/* first file that exists wins */
	}
	argv_free(&list);
	strbuf_free(&paths);
	strbuf_free(&why);
	return done;
}

/* local_recipient - deliver one local address (see top of file) */

int
local_recipient(LOCAL_CTX *ctx, const LOCAL_ATTR *in)
{
	LOCAL_ATTR attr = *in;
	STRBUF *key = strbuf_create(100);
	STRBUF *bare = strbuf_create(100);
	STRBUF *relay = NULL;
	char   *localpart, *user, *at, *home = NULL, *shell = NULL;
	struct passwd *pw;
	int     result = 0, direct, flags;

	if (attr.level > LOCAL_LEVEL_LIMIT) {
		log_warn("%s: possible loop in alias or forward expansion",
			 ctx->req->queue_id);
		result = local_report(ctx, &attr, "5.4.6",
				      "mail forwarding loop for %s", attr.address);
		goto out;
	}

	/* The same address twice in one expansion is delivered once. */
	strbuf_printf(key, "rcpt %s", attr.address);
	str_lower(key->data);
	if (local_seen(ctx, strbuf_str(key)))
		goto out;
	if (argv_find(ctx->loop, key->data + 5) >= 0) {
		result = local_report(ctx, &attr, "5.4.6",
				      "mail forwarding loop for %s", attr.address);
		goto out;
	}
	attr.delivered = attr.address;

	/* The recipient resolved to us: only the local part matters. */
	localpart = xstrdup(attr.address);
	if ((at = strrchr(localpart, '@')) != NULL) {
		*at = 0;
		attr.domain = at + 1;
	} else {
		attr.domain = "";
	}
	attr.local = localpart;
	attr.extension = "";
	flags = var_owner_request_special ? 0 : MAP_SEARCH_F_NO_OWNREQ;
	user = NULL;
	if (map_search_strip_ext(localpart, var_recipient_delimiter, flags,
				 bare)) {
		attr.extension = localpart + strbuf_len(bare) + 1;
		user = str_lower(xstrdup(strbuf_str(bare)));
	} else {
		user = str_lower(xstrdup(localpart));
	}
	direct = attr.exp_type == LOCAL_EXP_FORWARD
	    && strcmp(attr.exp_from ? attr.exp_from : "", "\\") == 0;

	/*
	 * Aliases: the whole local part, then without its extension. An
	 * alias that names itself ("root: root, ...") goes on to the user.
	 */
	if (!direct && !(attr.exp_type == LOCAL_EXP_ALIAS
			 && strcasecmp(attr.exp_from, localpart) == 0)
	    && (local_alias(ctx, &attr, localpart, &result)
		|| (*attr.extension
		    && !(attr.exp_type == LOCAL_EXP_ALIAS
			 && strcasecmp(attr.exp_from, user) == 0)
		    && local_alias(ctx, &attr, user, &result))))
		goto out_user;

	if ((pw = getpwnam(user)) == NULL) {
		/*
		 * local(8)'s precedence for a name without an account:
		 * mailbox_transport (it serves every local recipient, as
		 * for a Dovecot or Cyrus store with virtual users), then
		 * fallback_transport, then luser_relay.
		 */
		if (*var_mailbox_transport) {
			result = local_pass(ctx, &attr, "mailbox_transport",
					    var_mailbox_transport);
		} else if (*var_fallback_transport) {
			result = local_pass(ctx, &attr, "fallback_transport",
					    var_fallback_transport);
		} else if (*var_luser_relay) {
			relay = strbuf_create(100);
			attr.user = user;
			if (local_expand(relay, var_luser_relay, &attr, NULL) < 0)
				result = local_report(ctx, &attr, "4.3.5",
					       "mail system configuration error");
			else
				result = local_address(ctx, &attr,
						       strbuf_str(relay));
		} else {
			result = local_report(ctx, &attr, "5.1.1",
					      "unknown user: \"%s\"", user);
		}
		goto out_user;
	}
	/* Copies: the recursion below calls getpwnam() again. */
	home = xstrdup(pw->pw_dir);
	shell = xstrdup(pw->pw_shell);
	attr.user = user;
	attr.home = home;
	attr.shell = shell;
	attr.uid = pw->pw_uid;
	attr.gid = pw->pw_gid;

	/*
	 * require_home_directory: a home directory that is not there (an
	 * unmounted import, say) defers the mail instead of delivering it
	 * to the spool. The test runs with the user's rights, as the
	 * delivery itself would.
	 */
	if (var_require_home_directory && local_home_missing(&attr)) {
		result = local_report(ctx, &attr, "4.3.0",
				      "cannot access home directory %s: %m", home);
		goto out_user;
	}

	/* A user's .forward, unless it is the one that sent us here. */
	if (!direct && !(attr.exp_type == LOCAL_EXP_FORWARD
			 && strcmp(attr.exp_from, user) == 0)
	    && local_dotforward(ctx, &attr, &result))
		goto out_user;
	result = local_deliver_mailbox(ctx, &attr);

out_user:
	xfree(home);
	xfree(shell);
	xfree(user);
	xfree(localpart);
	if (relay)
		strbuf_free(&relay);
out:
	strbuf_free(&key);
	strbuf_free(&bare);
	return result;
}

/* local_serve_request - every recipient of one request */

static int
local_serve_request(DELIVER_REQUEST *req, const char *relay)
{
	LOCAL_CTX ctx;
	LOCAL_ATTR attr;
	STRBUF *why = strbuf_create(100);
	ARGV   *loop = mail_copy_delivered(req, why);
	int     i, status = DEL_STAT_OK;

	/* An unreadable queue file: qmgr defers every recipient. */
	if (loop == NULL) {
		log_warn("%s: %s", req->queue_id, strbuf_str(why));
		strbuf_free(&why);
		return DEL_STAT_DEFER;
	}
	for (i = 0; i < req->rcpt_count; i++) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.req = req;
		ctx.rcpt = &req->rcpts[i];
		ctx.relay = relay;
		ctx.seen = argv_create();
		ctx.loop = loop;
		memset(&attr, 0, sizeof(attr));
		attr.address = ctx.rcpt->address;
		attr.delivered = ctx.rcpt->address;
		attr.sender = req->sender;
		attr.exp_from = "";
		(void) local_recipient(&ctx, &attr);

		/*
		 * Destinations were reported under their own addresses; the
		 * queue file's recipient is done when none of them waits.
		 */
		if (ctx.expanded && !ctx.deferred
		    && (req->flags & DEL_REQ_FLAG_VERIFY) == 0
		    && qfile_mark_done(iostream_fileno(req->fp),
				       ctx.rcpt->offset, why) < 0) {
			log_warn("%s: mark recipient done: %s", req->queue_id,
				 strbuf_str(why));
			status = DEL_STAT_DEFER;
		}
		argv_free(&ctx.seen);
	}
	argv_free(&loop);
	strbuf_free(&why);
	return status;
}

/* local_serve - requests from qmgr, one after another */

static void
local_serve(IOSTREAM *client, const SERVICE *svc)
{
	DELIVER_REQUEST *req;
	int     status;

	while ((req = deliver_request_read(client)) != NULL) {
		status = local_serve_request(req, svc->name);
		if (deliver_request_done(client, req, status) < 0)
			break;
	}
}

/* local_pre_jail - open the alias tables as root, set the size limit */

static void
local_pre_jail(const SERVICE *svc)
{
	STRBUF *why = strbuf_create(100);
	ARGV   *specs = map_split_specs("alias_maps", var_alias_maps);
	struct rlimit rl;
	size_t  i;

	(void) svc;

	/*
	 * As in Postfix: a mailbox smaller than a message could never be
	 * updated, so the mail would bounce for a configuration mistake.
	 */
	if (var_mailbox_size_limit > 0
	    && (var_mailbox_size_limit < var_message_size_limit
		|| var_message_size_limit == 0))
		log_fatal("main.cf configuration error: "
			  "mailbox_size_limit is smaller than message_size_limit");
	alias_count = specs->argc;
	alias_maps = xcalloc(alias_count + 1, sizeof(*alias_maps));
	alias_names = xcalloc(alias_count + 1, sizeof(*alias_names));
	for (i = 0; i < alias_count; i++) {
		alias_names[i] = xstrdup(specs->argv[i]);

		/*
		 * XXX issue 6: a table type we do not have (the default's
		 * nis:mail.aliases) is skipped with a warning, as Postfix
		 * builds without NIS do; a table that fails to open answers
		 * "try again" for every lookup.
		 */
		alias_maps[i] = map_open(specs->argv[i], O_RDONLY,
					 MAP_F_FOLD_FIX | MAP_F_LOCK, why);
		if (alias_maps[i] == NULL) {
			char   *type = xstrdup(specs->argv[i]);
			char   *colon = strchr(type, ':');

			log_warn("%s", strbuf_str(why));
			if (colon)
				*colon = 0;
			if (colon && map_driver_find(type) != NULL)
				alias_maps[i] = map_open("fail:alias", O_RDONLY,
							 0, why);
			xfree(type);
		}
	}
	argv_free(&specs);
	strbuf_free(&why);

	/*
	 * mailbox_size_limit applies to every file this process writes
	 * (mailboxes, maildir files, /file destinations), as in Postfix.
	 */
	if (var_mailbox_size_limit > 0 && getrlimit(RLIMIT_FSIZE, &rl) == 0
	    && (rl.rlim_cur == RLIM_INFINITY
		|| rl.rlim_cur > (rlim_t) var_mailbox_size_limit)) {
		rl.rlim_cur = (rlim_t) var_mailbox_size_limit;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			log_warn("cannot set file size limit: %m");
		(void) signal(SIGXFSZ, SIG_IGN);
	}
	(void) signal(SIGPIPE, SIG_IGN);
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "local",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_LOCAL | PARAM_GROUP_DELIVER
		    | PARAM_GROUP_REWRITE,
		.pre_jail = local_pre_jail,
		.serve = local_serve,
	};

	service_main(argc, argv, &spec);
}
