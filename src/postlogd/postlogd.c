/*
 * postlogd - the internal log server: appends records to $maillog_file
 *
 * With maillog_file set, every program sends its log lines as
 * datagrams to public/$postlog_service_name (maillog_client.h), and
 * postlogd appends each datagram to $maillog_file as one line. There
 * is one postlogd at a time (process limit 1), so lines never
 * interleave; it serves until $max_idle seconds pass without a record,
 * and master starts the next one when the socket becomes readable, so
 * records that arrive meanwhile wait in the kernel and none is lost.
 * "postfix reload" ends the running process, which is how a rotated
 * file gets closed. When master stops the mail system, postlogd writes
 * what is still queued before it exits, so that master's last words
 * ("terminating on signal 15") reach the file.
 *
 * postlogd's own log lines go straight into the file: sending them to
 * the socket would send them to itself. When main.cf no longer sets
 * maillog_file, programs that still run with the old setting keep
 * sending records for a while; postlogd passes those on to syslog,
 * under the tag and process ID of the program that sent them.
 *
 * Security: master starts postlogd as root; it opens $maillog_file in
 * pre_jail as root and then runs as $mail_owner (master.cf unprivileged
 * column), without chroot. Its input is untrusted: any process that can
 * reach public/ (group $setgid_group: postdrop, postqueue, postlog) may
 * send anything. A datagram becomes exactly one line, with control
 * characters replaced, so nobody can forge other lines; datagrams are
 * at most 64 kB (the skeleton's limit).
 */

#include "sysdeps.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"		/* util */
#include "strbuf.h"
#include "maillog_client.h"	/* global */
#include "maillog_file.h"
#include "params_global.h"
#include "master_proto.h"	/* master */
#include "service.h"

static int postlogd_fd = -1;		/* $maillog_file, when set */

/* What the log module replaces too: C's iscntrl(), tab included. */
#define POSTLOGD_CNTRL(ch)	((ch) < 0x20 || (ch) == 0x7f)

/* Largest datagram, as the trigger skeleton reads them. */
#define POSTLOGD_DGRAM_SIZE	65536

/* postlogd_relay - a record for syslog (maillog_file is no longer set) */

static void
postlogd_relay(const STRBUF *rec)
{
	static STRBUF *tag_pid;
	static STRBUF *text;

	if (tag_pid == NULL) {
		tag_pid = strbuf_create(100);
		text = strbuf_create(100);
	}

	/*
	 * Syslog adds its own time stamp and host: keep only the text, under
	 * the sender's "tag[pid]" (the log module then adds no pid of ours).
	 */
	if (maillog_file_parse(strbuf_str(rec), strbuf_len(rec), tag_pid,
			       text) < 0) {
		log_warn("malformed log record: %.100s", strbuf_str(rec));
		return;
	}
	log_syslog_ident(strbuf_str(tag_pid));
	log_info("%s", strbuf_str(text));
	log_syslog_name(var_syslog_name);
}

/* postlogd_trigger - one datagram, one record */

static void
postlogd_trigger(const char *buf, size_t len, const SERVICE *svc)
{
	static STRBUF *rec;
	unsigned char ch;
	size_t	i;

	if (rec == NULL)
		rec = strbuf_create(256);

	/* Our clients send no newline; a trailing one is not text. */
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0)
		return;
	strbuf_reset(rec);
	for (i = 0; i < len; i++) {
		ch = (unsigned char) buf[i];
		strbuf_append_char(rec, POSTLOGD_CNTRL(ch) ? '?' : ch);
	}

	/*
	 * A write error (disk full) has nowhere to be reported but this same
	 * file; the record is lost, as in Postfix.
	 */
	if (postlogd_fd >= 0)
		(void) maillog_file_write(postlogd_fd, strbuf_str(rec),
					  strbuf_len(rec));
	else
		postlogd_relay(rec);
}

/* postlogd_sigterm - write what is queued, then go */

static void
postlogd_sigterm(int unused_sig)
{
	static unsigned char buf[POSTLOGD_DGRAM_SIZE];
	ssize_t n;
	ssize_t i;

	/*
	 * master logs "terminating on signal 15" (and postfix(1) "stopping
	 * the Postfix mail system") just before it signals us; those
	 * records are already in the socket queue, and would die with it.
	 * Only async-signal-safe calls here: recv(), writev(), _exit().
	 */
	while ((n = recv(MASTER_LISTEN_FD, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		while (n > 0 && buf[n - 1] == '\n')
			n--;
		for (i = 0; i < n; i++)
			if (POSTLOGD_CNTRL(buf[i]))
				buf[i] = '?';
		if (n > 0)
			(void) maillog_file_write(postlogd_fd, (char *) buf,
						  (size_t) n);
	}
	_exit(0);
}

/* postlogd_post_jail - drain the queue when master stops us */

static void
postlogd_post_jail(const SERVICE *svc)
{
	struct sigaction sa;

	if (postlogd_fd < 0 || svc->standalone)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = postlogd_sigterm;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0)
		log_fatal("sigaction SIGTERM: %m");
}

/* postlogd_pre_jail - open $maillog_file as root */

static void
postlogd_pre_jail(const SERVICE *svc)
{
	STRBUF *why;

	if (svc->argc > 0)
		log_fatal("unexpected command-line argument: %s", svc->argv[0]);
	if (*var_maillog_file == 0)
		return;
	why = strbuf_create(100);
	if ((postlogd_fd = maillog_file_open(var_maillog_file, why)) < 0) {

		/*
		 * Through our own socket this news would reach only the next
		 * postlogd, which fails in the same way: tell syslog instead.
		 */
		maillog_client_disable();
		log_fatal("open logfile '%s': %s", var_maillog_file,
			  strbuf_str(why));
	}
	strbuf_free(&why);
	maillog_client_direct(postlogd_fd);
}

/* main - hand over to the trigger skeleton */

int
main(int argc, char **argv)
{
	/*
	 * Every datagram counts as a request: no max_use, or postlogd would
	 * restart every $max_use log lines. $max_idle still applies.
	 */
	static const SERVICE_SPEC spec = {
		.name = "postlogd",
		.model = SERVICE_TRIGGER,
		.flags = SERVICE_FLAG_SOLITARY | SERVICE_FLAG_NO_USE_LIMIT,
		.pre_jail = postlogd_pre_jail,
		.post_jail = postlogd_post_jail,
		.trigger = postlogd_trigger,
		.watchdog_timeout = &var_postlogd_watchdog_timeout,
	};

	service_main(argc, argv, &spec);
}
