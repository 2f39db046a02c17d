/*
 * pipe.h - private interfaces of pipe(8)
 *
 * pipe_attr.c parses the command attributes at the end of the master.cf
 * entry (flags=, user=, argv=, ...) and expands the command's macros
 * for one delivery request; pipe_command.c runs the command.
 */

#ifndef PIPE_H
#define PIPE_H

#include "sysdeps.h"

#include <sys/types.h>

#include "deliver_request.h"

struct ARGV;
struct STRBUF;

/* Flags that are not mail_copy() flags (those share the same word). */
#define PIPE_OPT_FINAL		(1 << 16)	/* X: final delivery */
#define PIPE_OPT_FOLD_HOST	(1 << 17)	/* h: fold domains to lower case */
#define PIPE_OPT_QUOTE		(1 << 18)	/* q: quote address local parts */
#define PIPE_OPT_FOLD_USER	(1 << 19)	/* u: fold local parts */
#define PIPE_OPT_MASK		(PIPE_OPT_FINAL | PIPE_OPT_FOLD_HOST | \
				 PIPE_OPT_QUOTE | PIPE_OPT_FOLD_USER)

typedef struct PIPE_ATTR {
	int	flags;		/* MAIL_COPY_* | PIPE_OPT_* */
	char   *user;		/* user= name (required) */
	char   *group;		/* user=name:group, or NULL */
	struct ARGV *command;	/* argv= words, macros unexpanded */
	long	size_limit;	/* size=, 0: none */
	char   *null_sender;	/* null_sender=, default MAILER-DAEMON */
	char   *directory;	/* directory=, or NULL */
	char   *chroot_dir;	/* chroot=, or NULL */
	uid_t	uid;		/* filled by the daemon from user= */
	gid_t	gid;
} PIPE_ATTR;

/*
 * Parses flags letters into PIPE_ATTR flags. Returns 0, or -1 with
 * "unknown flag: X" in why.
 */
extern int pipe_parse_flags(const char *letters, int *flags,
			    struct STRBUF *why);

/*
 * Parses an eol= value (C escapes) into mail_copy() flags: "\n" gives
 * 0, "\r\n" MAIL_COPY_CRLF. Other delimiters are not supported (-1
 * with the reason in why).
 */
extern int pipe_parse_eol(const char *value, int *flags, struct STRBUF *why);

/*
 * Parses the command attributes (argv[0..argc-1], the words after the
 * daemon options; brace groups "{ a b }" count as one word). Fills attr
 * (user and group are names; the caller resolves them). Returns 0, or
 * -1 with the reason in why: an unknown attribute, a missing user= or
 * argv=, a bad value, or an unknown macro in the command.
 */
extern int pipe_attr_parse(int argc, char **argv, PIPE_ATTR *attr,
			   struct STRBUF *why);
extern void pipe_attr_free(PIPE_ATTR *attr);

/*
 * Expands the command's macros for req into out (which is appended
 * to): a word that names a per-recipient macro (recipient,
 * original_recipient, user, extension, mailbox, domain) becomes one
 * word per recipient. delimiters is recipient_delimiter. Returns 0, or
 * -1 with the reason in why (an unknown macro).
 */
extern int pipe_expand(const PIPE_ATTR *attr, const DELIVER_REQUEST *req,
		       const char *delimiters, struct ARGV *out,
		       struct STRBUF *why);

/* What a finished command means for delivery. */
#define PIPE_STAT_OK		0
#define PIPE_STAT_DEFER		1
#define PIPE_STAT_BOUNCE	2

/* How to run one command. */
typedef struct PIPE_RUN {
	uid_t	uid;
	gid_t	gid;
	const char *directory;	/* or NULL: stay in $queue_directory */
	const char *chroot_dir;	/* or NULL */
	int	time_limit;	/* seconds */
	char  **env;		/* environment of the command */
} PIPE_RUN;

/*
 * Starts argv (argv[0] a path or a name found in PATH) with run's
 * rights, feeds it the message through mail_copy() with copy_flags and
 * the envelope headers for delivered_to/orig_to, waits for it, and
 * maps the outcome: PIPE_STAT_OK with the command's output (if any) in
 * output; PIPE_STAT_DEFER or PIPE_STAT_BOUNCE with an RFC 3463 code in
 * status and Postfix's reason ("Command died with status 1: \"cmd\".
 * Command output: ...") in reason.
 */
extern int pipe_command(DELIVER_REQUEST *req, const PIPE_RUN *run,
			struct ARGV *argv, int copy_flags,
			const char *delivered_to, const char *orig_to,
			struct STRBUF *output, struct STRBUF *status,
			struct STRBUF *reason);

/*
 * The outcome of an exit status (as from waitpid()) with the command's
 * printable output: as pipe_command() returns it. cmd is argv[0].
 */
extern int pipe_exit_status(int wait_status, const char *cmd,
			    const char *output, struct STRBUF *status,
			    struct STRBUF *reason);

/* Cleans command output for the log: printable, one line, at most limit. */
extern void pipe_clean_output(struct STRBUF *out, const char *data,
			      size_t len, size_t limit);

#endif
