/*
 * postdrop - store a message from sendmail in the maildrop queue
 *
 * Reads a message in maildrop format (maildrop.h) from standard input,
 * checks each record as it arrives, and writes it to a new file in
 * $queue_directory/maildrop. The file is created mode 0600 and becomes
 * "ready" (mode 0744) only after the last record is written and the
 * file is fsynced: pickup(8) skips files without the owner execute
 * bit, as Postfix's pickup does. Then postdrop wakes pickup through
 * public/pickup. On any error, or a signal, the file is removed.
 *
 * Security: installed set-group-ID $setgid_group, so that users can
 * write into the maildrop directory (mode 1730, group $setgid_group:
 * nobody but its owner can list it, the sticky bit keeps users from
 * removing each other's files). The file belongs to the caller, which
 * is how pickup learns who submitted it. For a caller other than root
 * everything is untrusted: MAIL_CONFIG is ignored, a -c directory other
 * than the default must be listed in $alternate_config_directories or
 * $multi_instance_directories of the default main.cf, TZ is dropped and
 * the environment is reduced to $import_environment. These checks
 * duplicate postlog's (postlog.c), on purpose for now: both are short,
 * and a shared module is a later refactoring.
 *
 * With -r, postdrop speaks the cleanup service protocol (cleanup_clnt.h)
 * on standard input and output, as Postfix's postdrop -r does: it sends
 * "queue_id=ID" when the file exists, reads (and ignores) the request
 * flags, then the records, and after the file is safe it sends
 * "status=0 reason=". smtpd(8) in stand-alone mode (sendmail -bs) uses
 * this to answer "250 2.0.0 Ok: queued as ID". On an error postdrop
 * exits without a status, which the client takes as "not queued".
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "stringops.h"
#include "strbuf.h"
#include "mail_queue.h"		/* global */
#include "maildrop.h"
#include "mainconf.h"
#include "user_acl.h"
#include "setgid_trust.h"
#include "maillog_client.h"
#include "param.h"
#include "params_global.h"
#include "qfile.h"
#include "rec.h"
#include "attr.h"
#include "cleanup_clnt.h"
#include "master_proto.h"	/* master */
#include "trigger_send.h"

/* The file being written, removed by the fatal and signal handlers. */
static char *postdrop_path;

/* postdrop_cleanup - remove the unfinished file */

static void
postdrop_cleanup(void)
{
	if (postdrop_path != NULL && unlink(postdrop_path) < 0 && errno != ENOENT)
		log_warn("remove %s: %m", postdrop_path);
	postdrop_path = NULL;
}

/* postdrop_sig - a signal: remove the file and go */

static void
postdrop_sig(int sig)
{
	/* unlink() is async-signal-safe; logging is not. */
	if (postdrop_path != NULL)
		(void) unlink(postdrop_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* postdrop_copy - check standard input and copy it to the file */

static void
postdrop_copy(IOSTREAM *in, IOSTREAM *out, int reply_mode)
{
	MAILDROP_CHECK mc;
	STRBUF *buf = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	size_t	limit = QFILE_REC_LIMIT(var_line_length_limit);
	int	type;

	maildrop_check_init(&mc);
	while ((type = rec_get(in, buf, limit, why)) != REC_TYPE_EOF) {
		if (type == REC_TYPE_ERROR)
			log_fatal_status(EX_DATAERR, "uid=%ld: malformed input: %s",
					 (long) getuid(), strbuf_str(why));
		if (maildrop_check_rec(&mc, type, strbuf_str(buf),
				       strbuf_len(buf), why) < 0)
			log_fatal_status(EX_DATAERR, "uid=%ld: %s",
					 (long) getuid(), strbuf_str(why));
		if (var_message_size_limit > 0
		    && mc.content_size > var_message_size_limit)
			log_fatal_status(EX_DATAERR, "uid=%ld: message too large",
					 (long) getuid());
		(void) rec_put(out, type, strbuf_str(buf), strbuf_len(buf));
		if (type == REC_TYPE_END)
			break;
	}
	/*
	 * With -r, the end of input before the end record is the client's
	 * RSET or QUIT (or a lost session): no message, nothing to report.
	 */
	if (reply_mode && type == REC_TYPE_EOF) {
		postdrop_cleanup();
		exit(EX_TEMPFAIL);
	}
	if (maildrop_check_end(&mc, why) < 0)
		log_fatal_status(EX_DATAERR, "uid=%ld: %s", (long) getuid(),
				 strbuf_str(why));
	/* With -r the client waits for the status before it hangs up. */
	if (!reply_mode && rec_get(in, buf, limit, why) != REC_TYPE_EOF)
		log_fatal_status(EX_DATAERR, "uid=%ld: data after the end record",
				 (long) getuid());
	strbuf_free(&buf);
	strbuf_free(&why);
}

/* main - check, store, wake pickup */

int
main(int argc, char **argv)
{
	const char *config_dir = NULL;
	STRBUF *why = strbuf_create(100);
	STRBUF *id = strbuf_create(20);
	STRBUF *path = strbuf_create(100);
	IOSTREAM *in;
	IOSTREAM *out;
	IOSTREAM *reply = NULL;
	char   *pickup;
	int	reply_mode = 0;
	int	req_flags;
	int	untrusted;
	int	fd;
	int	ch;
	int	saved_errno;

	umask(077);

	/* Standard descriptors must be open before we open anything else. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EX_OSERR);

	untrusted = setgid_untrusted();
	tzset();
	log_init("postdrop", LOG_DEST_STDERR | LOG_DEST_SYSLOG);

	while ((ch = getopt(argc, argv, "c:rv")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'r':
			reply_mode = 1;
			break;
		case 'v':
			log_verbose++;
			break;
		default:
			log_fatal_status(EX_USAGE, "usage: postdrop [-rv] [-c config_dir]");
		}
	}
	if (argc > optind)
		log_fatal_status(EX_USAGE, "usage: postdrop [-rv] [-c config_dir]");

	if (config_dir != NULL) {
		if (untrusted && strcmp(config_dir, DEF_CONFIG_DIRECTORY) != 0)
			setgid_check_config_dir(config_dir, EX_CONFIG);
		mainconf_set_dir(config_dir);
	} else if (!untrusted) {
		(void) mainconf_set_dir_env();
	}
	if (mainconf_read(0, why) < 0)
		log_fatal_status(EX_CONFIG, "%s", strbuf_str(why));
	mainconf_load(PARAM_GROUP_GLOBAL);
	setgid_clean_env();

	log_syslog_name(var_syslog_name);
	if (log_syslog_facility(var_syslog_facility) < 0)
		log_warn("unknown syslog_facility: %s", var_syslog_facility);
	if (maillog_client_init(MAILLOG_CLIENT_FLAG_NONE, why) < 0)
		log_fatal("%s", strbuf_str(why));

	/* authorized_submit_users: postdrop is where it cannot be bypassed. */
	user_acl_require(var_authorized_submit_users, "submit mail");

	if (chdir(var_queue_directory) < 0)
		log_fatal_status(EX_TEMPFAIL, "chdir %s: %m", var_queue_directory);

	/* Catch signals first, then create the file. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, postdrop_sig);
	signal(SIGINT, postdrop_sig);
	signal(SIGQUIT, postdrop_sig);
	signal(SIGTERM, postdrop_sig);
	log_set_cleanup(postdrop_cleanup);
	if ((fd = mail_queue_create(MAIL_QUEUE_MAILDROP, var_enable_long_queue_ids,
				    id, path, why)) < 0)
		log_fatal_status(EX_TEMPFAIL, "%s", strbuf_str(why));
	postdrop_path = xstrdup(strbuf_str(path));

	in = iostream_fdopen(STDIN_FILENO, O_RDONLY);
	out = iostream_fdopen(fd, O_WRONLY);
	if (reply_mode) {
		reply = iostream_fdopen(STDOUT_FILENO, O_WRONLY);
		iostream_set_timeout(in, var_ipc_timeout > 0 ? var_ipc_timeout : 3600);
		iostream_set_timeout(reply, var_ipc_timeout > 0 ? var_ipc_timeout : 3600);
		if (attr_print(reply, ATTR_FLAG_NONE,
			       ATTR_SEND_STR(CLEANUP_ATTR_QUEUE_ID, strbuf_str(id)),
			       ATTR_TYPE_END) < 0
		    || attr_scan(in, ATTR_FLAG_STRICT,
				 ATTR_RECV_INT(CLEANUP_ATTR_FLAGS, &req_flags),
				 ATTR_TYPE_END) != 1)
			log_fatal_status(EX_PROTOCOL, "uid=%ld: request protocol error",
					 (long) getuid());
	}
	postdrop_copy(in, out, reply_mode);
	(void) iostream_fdclose(in);
	if (iostream_flush(out) != 0 || fsync(fd) < 0 || fchmod(fd, 0744) < 0) {
		saved_errno = errno;
		(void) iostream_fdclose(out);
		errno = saved_errno;
		log_fatal_status(EX_TEMPFAIL, "write %s: %m", postdrop_path);
	}
	if (iostream_close(out) != 0)
		log_fatal_status(EX_TEMPFAIL, "close %s: %m", postdrop_path);
	xfree(postdrop_path);
	postdrop_path = NULL;

	/* The message is safe: say so, then wake pickup (a courtesy). */
	if (reply != NULL) {
		(void) attr_print(reply, ATTR_FLAG_NONE,
				  ATTR_SEND_INT(CLEANUP_ATTR_STATUS, CLEANUP_STAT_OK),
				  ATTR_SEND_STR(CLEANUP_ATTR_REASON, ""),
				  ATTR_TYPE_END);
		(void) iostream_fdclose(reply);
	}
	pickup = str_concat("public/", var_pickup_service_name, (char *) 0);
	if (trigger_send(MASTER_TYPE_UNIX, pickup, "W", 1,
			 var_trigger_timeout, why) < 0)
		log_warn("unable to look up %s: %s", pickup, strbuf_str(why));
	xfree(pickup);
	strbuf_free(&why);
	strbuf_free(&id);
	strbuf_free(&path);
	exit(0);
}
