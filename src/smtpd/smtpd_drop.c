/*
 * smtpd_drop.c - smtpd(8) in stand-alone mode: mail through postdrop(1)
 *
 * "smtpd -S" serves standard input once (sendmail -bs runs it so). When
 * the process does not run as $mail_owner it is "stand-alone" in
 * Postfix's sense: it runs with the invoking user's rights, so it cannot
 * reach private/ or public/ services, and it is a local submission, not
 * a network one. Then the engine skips the access restrictions and
 * anvil (as Postfix does: relaying and other access controls are off),
 * and each message goes to "postdrop -r" (set-gid, writes the maildrop
 * queue) instead of the cleanup service. postdrop -r speaks cleanup's
 * protocol (cleanup_clnt.h), so the engine keeps its CLEANUP_CLNT and
 * learns the (maildrop) queue ID for its "250 ... queued as" reply.
 *
 * Security: the envelope carries no client attributes (client name,
 * address, helo, protocol); postdrop and pickup would refuse them
 * anyway. pickup records the submitting user as for sendmail, and
 * cleanup writes "Received: ... (Postfix, from userid N)".
 * Run as $mail_owner, smtpd -S is a normal smtpd with every check.
 */

#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "log.h"
#include "strbuf.h"
#include "fork_retry.h"
#include "cleanup_clnt.h"	/* global */
#include "mainconf.h"
#include "params_global.h"
#include "service.h"		/* master */
#include "smtpd.h"		/* smtpd */
#include "smtpd_int.h"

#ifndef DEF_CONFIG_DIRECTORY
#define DEF_CONFIG_DIRECTORY "/etc/postfix"
#endif

int	smtpd_stand_alone;

/* smtpd_drop_init - stand-alone unless -S runs as $mail_owner */

void
smtpd_drop_init(const SERVICE *svc)
{
	struct passwd *pw;

	smtpd_stand_alone = 0;
	if (!svc->standalone)
		return;
	pw = getpwnam(var_mail_owner);
	smtpd_stand_alone = pw == NULL || getuid() != pw->pw_uid;
}

/* smtpd_drop_exec - in the grandchild: run postdrop -r on fd */

static NORETURN
smtpd_drop_exec(int fd)
{
	ARGV   *cmd = argv_create();
	const char *dir = mainconf_dir();

	argv_add_printf(cmd, "%s/postdrop", var_command_directory);
	argv_add(cmd, "-r");
	if (dir != NULL && strcmp(dir, DEF_CONFIG_DIRECTORY) != 0) {
		argv_add(cmd, "-c");
		argv_add(cmd, dir);
	}
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0)
		_exit(EX_OSERR);
	if (fd > STDOUT_FILENO)
		(void) close(fd);
	(void) signal(SIGPIPE, SIG_DFL);
	execv(cmd->argv[0], cmd->argv);
	log_warn("execute %s: %m", cmd->argv[0]);
	_exit(EX_OSERR);
}

/*
 * smtpd_drop_open - start postdrop -r on a socket pair; the cleanup
 * client protocol runs over it. postdrop is started as a grandchild,
 * so that no zombie is left for this process to collect.
 */

CLEANUP_CLNT *
smtpd_drop_open(STRBUF *why)
{
	int	sv[2];
	pid_t	pid;
	pid_t	pid2;
	int	status;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		strbuf_printf(why, "socketpair: %m");
		return NULL;
	}
	if ((pid = fork_retry(var_fork_attempts, var_fork_delay)) < 0) {
		strbuf_printf(why, "fork: %m");
		(void) close(sv[0]);
		(void) close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		(void) close(sv[0]);
		if ((pid2 = fork_retry(var_fork_attempts, var_fork_delay)) != 0)
			_exit(pid2 < 0 ? EX_OSERR : 0);
		smtpd_drop_exec(sv[1]);
	}
	(void) close(sv[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	return cleanup_clnt_fdopen(sv[0], CLEANUP_FLAG_NONE, why);
}
