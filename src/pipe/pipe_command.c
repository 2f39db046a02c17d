/*
 * pipe_command.c - run one external command
 *
 * The command's standard output and standard error go to an unlinked
 * temporary file rather than to a pipe: a command that writes a lot
 * before it reads its input then cannot block us while we block on
 * it. After the command exits, the first PIPE_OUTPUT_LIMIT bytes of
 * that file are what the log and the DSN report (Postfix logs "a
 * limited amount of command output" too). pipe_status.c judges the
 * exit status. Running out of the time limit kills the command's
 * process group and bounces with 5.3.0, as Postfix does.
 */

#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "argv.h"		/* util */
#include "fork_retry.h"
#include "iostream.h"
#include "log.h"
#include "mem.h"
#include "set_eugid.h"
#include "strbuf.h"
#include "mail_copy.h"		/* global */
#include "params_global.h"
#include "pipe.h"

/* How much command output we keep for the log. */
#define PIPE_OUTPUT_LIMIT	2000

/* pipe_output_suffix - ". Command output: ..." when there is output */

static void
pipe_output_suffix(STRBUF *reason, const char *output)
{
	if (*output)
		strbuf_append_printf(reason, ". Command output: %s", output);
}

/* pipe_child - in the child: become the user and run the command */

static NORETURN
pipe_child(const PIPE_RUN *run, ARGV *argv, int in_fd, int out_fd)
{
	extern char **environ;
	long	fd, max_fd;

	(void) setsid();
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(EX_OSERR);
	max_fd = sysconf(_SC_OPEN_MAX);
	if (max_fd < 0 || max_fd > 4096)
		max_fd = 4096;
	for (fd = 3; fd < max_fd; fd++)
		(void) close((int) fd);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (run->chroot_dir && *run->chroot_dir
	    && (chroot(run->chroot_dir) < 0 || chdir("/") < 0)) {
		dprintf(2, "chroot %s: %s\n", run->chroot_dir, strerror(errno));
		_exit(EX_TEMPFAIL);
	}
	if (set_ugid(run->uid, run->gid) < 0) {
		dprintf(2, "set user ID %ld: %s\n", (long) run->uid,
			strerror(errno));
		_exit(EX_TEMPFAIL);
	}
	if (run->directory && *run->directory && chdir(run->directory) < 0) {
		dprintf(2, "chdir %s: %s\n", run->directory, strerror(errno));
		_exit(EX_TEMPFAIL);
	}
	environ = run->env;
	execvp(argv->argv[0], argv->argv);
	dprintf(2, "execvp %s: %s\n", argv->argv[0], strerror(errno));
	_exit(1);
}

/* pipe_wait - wait for the child until the deadline; -1 when it passed */

static int
pipe_wait(pid_t pid, time_t deadline, int *wait_status)
{
	struct timespec nap = {0, 10 * 1000 * 1000};
	pid_t	ret;

	for (;;) {
		if ((ret = waitpid(pid, wait_status, WNOHANG)) == pid)
			return 0;
		if (ret < 0 && errno != EINTR)
			log_fatal("waitpid: %m");
		if (time((time_t *) 0) >= deadline) {
			(void) kill(-pid, SIGKILL);
			(void) kill(pid, SIGKILL);
			while (waitpid(pid, wait_status, 0) < 0 && errno == EINTR)
				 /* void */ ;
			return -1;
		}
		(void) nanosleep(&nap, NULL);
	}
}

/* pipe_command - run argv with the message as input */

int
pipe_command(DELIVER_REQUEST *req, const PIPE_RUN *run, ARGV *argv,
	     int copy_flags, const char *delivered_to, const char *orig_to,
	     STRBUF *output, STRBUF *status, STRBUF *reason)
{
	char	path[] = "/tmp/pipe.XXXXXX";
	char	buf[PIPE_OUTPUT_LIMIT];
	STRBUF *why = strbuf_create(100);
	IOSTREAM *in;
	time_t	deadline;
	int	in_pipe[2], out_fd, copy_status, copy_errno = 0, wait_status = 0;
	int	timed_out, ret;
	ssize_t got;
	pid_t	pid;

	strbuf_reset(output);
	if ((out_fd = mkstemp(path)) < 0) {
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "create command output file: %s",
			      strerror(errno));
		strbuf_free(&why);
		return PIPE_STAT_DEFER;
	}
	(void) unlink(path);
	if (pipe(in_pipe) < 0) {
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "create pipe: %s", strerror(errno));
		(void) close(out_fd);
		strbuf_free(&why);
		return PIPE_STAT_DEFER;
	}
	deadline = time((time_t *) 0) + run->time_limit;
	switch (pid = fork_retry(var_fork_attempts, var_fork_delay)) {
	case -1:
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "fork: %s", strerror(errno));
		(void) close(out_fd);
		(void) close(in_pipe[0]);
		(void) close(in_pipe[1]);
		strbuf_free(&why);
		return PIPE_STAT_DEFER;
	case 0:
		(void) close(in_pipe[1]);
		pipe_child(run, argv, in_pipe[0], out_fd);
	default:
		break;
	}
	(void) close(in_pipe[0]);

	/* A command that does not read all its input makes the write fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	in = iostream_fdopen(in_pipe[1], O_WRONLY);
	iostream_set_deadline(in, run->time_limit * 1000, 0);
	copy_status = mail_copy(req, delivered_to, orig_to, in, copy_flags, why);
	if (copy_status == MAIL_COPY_STAT_WRITE)
		copy_errno = errno;
	(void) iostream_close(in);

	timed_out = pipe_wait(pid, deadline, &wait_status) < 0;

	if (lseek(out_fd, 0, SEEK_SET) == 0
	    && (got = read(out_fd, buf, sizeof(buf))) > 0)
		pipe_clean_output(output, buf, (size_t) got, PIPE_OUTPUT_LIMIT);
	(void) close(out_fd);

	if (timed_out) {
		strbuf_set(status, "5.3.0");
		strbuf_printf(reason, "Command time limit exceeded: \"%s\"",
			      argv->argv[0]);
		pipe_output_suffix(reason, strbuf_str(output));
		ret = PIPE_STAT_BOUNCE;
	} else if (copy_status == MAIL_COPY_STAT_READ) {
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "%s", strbuf_str(why));
		ret = PIPE_STAT_DEFER;
	} else if ((ret = pipe_exit_status(wait_status, argv->argv[0],
					   strbuf_str(output), status,
					   reason)) == PIPE_STAT_OK
		   && copy_status == MAIL_COPY_STAT_WRITE
		   && copy_errno != EPIPE) {
		/* The command succeeded but did not get the whole message. */
		strbuf_set(status, "4.3.0");
		strbuf_printf(reason, "%s", strbuf_str(why));
		ret = PIPE_STAT_DEFER;
	}
	strbuf_free(&why);
	return ret;
}
