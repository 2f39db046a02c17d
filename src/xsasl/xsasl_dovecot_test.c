/*
 * xsasl_dovecot_test.c - Dovecot server back-end against a scripted
 *	fake auth server
 *
 * A forked child listens on a UNIX socket in a private directory and
 * speaks the auth protocol lines; it logs every line it receives to a
 * file that the tests read back.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#ifdef USE_SASL_AUTH

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "strbuf.h"
#include "xsasl.h"
#include "xsasl_int.h"

static char tmpdir[] = "/tmp/xsasl_dovecot_test.XXXXXX";
static char sock_path[200];
static char log_path[200];
static pid_t child;
static XSASL_SERVER_IMPL *impl;

/* base64 of "\0user\0good", "\0user\0bad", "\0temp\0x", "\0gone\0x" */
#define RESP_GOOD	"AHVzZXIAZ29vZA=="
#define RESP_BAD	"AHVzZXIAYmFk"
#define RESP_TEMP	"AHRlbXAAeA=="
#define RESP_GONE	"AGdvbmUAeA=="
#define RESP_ONCE	"AG9uY2UAeA=="		/* "\0once\0x" */
#define RESP_NOUSER	"AG5vdXNlcgB4"		/* "\0nouser\0x" */

/* fake_field - the n-th TAB field of line (0-based), copied into out */

static void
fake_field(const char *line, int n, char *out, size_t size)
{
	const char *cp = line;
	size_t	len;

	while (n-- > 0 && cp)
		if ((cp = strchr(cp, '\t')) != NULL)
			cp++;
	if (cp == NULL) {
		*out = 0;
		return;
	}
	len = strcspn(cp, "\t\n");
	if (len >= size)
		len = size - 1;
	memcpy(out, cp, len);
	out[len] = 0;
}

/* fake_serve - one connection; returns when the client leaves */

static void
fake_serve(int fd, FILE *logfp, int *once_done)
{
	FILE   *in = fdopen(dup(fd), "r");
	FILE   *out = fdopen(fd, "w");
	char    line[4096];
	char    id[32];
	char    mech[64];

	fputs("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\n"
	      "MECH\tLOGIN\tplaintext\nMECH\tCRAM-MD5\tdictionary\tactive\n"
	      "MECH\tANONYMOUS\tanonymous\nMECH\tSECRET\tprivate\n"
	      "MECH\tbad name\n"
	      "MECH\tFS\tforward-secrecy\tmutual-auth\n"
	      "SPID\t123\nCUID\t7\nCOOKIE\t0123abcd\nDONE\n", out);
	fflush(out);
	while (fgets(line, sizeof(line), in) != NULL) {
		fputs(line, logfp);
		fflush(logfp);
		fake_field(line, 1, id, sizeof(id));
		if (strncmp(line, "AUTH\t", 5) == 0) {
			fake_field(line, 2, mech, sizeof(mech));
			if (strstr(line, "\tresp=" RESP_GOOD))
				fprintf(out, "OK\t%s\tuser=user\n", id);
			else if (strstr(line, "\tresp=" RESP_BAD))
				fprintf(out, "FAIL\t%s\tuser=user\treason=Bad\001 "
					"password\n", id);
			else if (strstr(line, "\tresp=" RESP_TEMP))
				fprintf(out, "FAIL\t%s\ttemp\treason=try later\n", id);
			else if (strstr(line, "\tresp=" RESP_NOUSER))
				fprintf(out, "OK\t%s\n", id);
			else if (strstr(line, "\tresp=" RESP_GONE))
				break;
			else if (strstr(line, "\tresp=" RESP_ONCE)) {
				if (!*once_done) {
					*once_done = 1;
					break;
				}
				fprintf(out, "OK\t%s\tuser=once\n", id);
			} else if (strcmp(mech, "LOGIN") == 0)
				/* An unrelated id first: must be skipped. */
				fprintf(out, "CONT\t999\tAAAA\nCONT\t%s\t"
					"VXNlcm5hbWU6\n", id);
			else
				fprintf(out, "FAIL\t%s\n", id);
		} else if (strncmp(line, "CONT\t", 5) == 0) {
			fake_field(line, 2, mech, sizeof(mech));
			if (strcmp(mech, "dXNlcg==") == 0)	/* "user" */
				fprintf(out, "CONT\t%s\tUGFzc3dvcmQ6\n", id);
			else if (strcmp(mech, "Z29vZA==") == 0)	/* "good" */
				fprintf(out, "OK\t%s\tuser=user\n", id);
			else if (strcmp(mech, "") == 0)
				fprintf(out, "CONT\t%s\tnot base64!\n", id);
			else
				fprintf(out, "FAIL\t%s\treason=nope\n", id);
		}
		fflush(out);
	}
	fclose(in);
	fclose(out);
}

/* fake_server - the child: accept connections until killed */

static void
fake_server(int lfd)
{
	FILE   *logfp = fopen(log_path, "a");
	int	once_done = 0;
	int	fd;

	if (logfp == NULL)
		_exit(1);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			_exit(1);
		fake_serve(fd, logfp, &once_done);
	}
}

/* setup - socket, child, back-end */

static int
setup(void **state)
{
	struct sockaddr_un sun;
	STRBUF *why = strbuf_create(0);
	int	lfd;

	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/auth", tmpdir);
	snprintf(log_path, sizeof(log_path), "%s/log", tmpdir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
	    || bind(lfd, (struct sockaddr *) &sun, sizeof(sun)) < 0
	    || listen(lfd, 5) < 0)
		return -1;
	if ((child = fork()) < 0)
		return -1;
	if (child == 0)
		fake_server(lfd);
	close(lfd);
	xsasl_dovecot_timeout = 2;
	if ((impl = xsasl_server_init("dovecot", sock_path, why)) == NULL)
		return -1;
	strbuf_free(&why);
	return 0;
}

/* teardown - stop the child, remove the directory */

static int
teardown(void **state)
{
	char    cmd[300];

	xsasl_server_done(impl);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* session - a server session with options, TLS flag */

static XSASL_SERVER *
session(XSASL_SERVER_IMPL *use, const char *options, int tls)
{
	XSASL_SERVER_CREATE args = {
		.service = "smtp",
		.user_realm = "",
		.server_addr = "127.0.0.1",
		.server_port = "25",
		.client_addr = "127.0.0.2",
		.client_port = "40000",
		.tls = tls,
		.security_options = options,
	};
	STRBUF *why = strbuf_create(0);
	XSASL_SERVER *server = xsasl_server_create(use, &args, why);

	assert_non_null(server);
	strbuf_free(&why);
	return server;
}

/*
 * log_has - did the fake server receive a line containing text? The
 * server logs a line after the client may have moved on (a handshake
 * needs no answer to our VERSION), so wait up to two seconds.
 */
static int
log_has(const char *text)
{
	char    line[4096];
	FILE   *fp;
	int	found = 0;
	int	tries;

	for (tries = 0; !found && tries < 200; tries++) {
		if (tries > 0)
			usleep(10000);
		assert_non_null(fp = fopen(log_path, "r"));
		while (!found && fgets(line, sizeof(line), fp) != NULL)
			found = strstr(line, text) != NULL;
		fclose(fp);
	}
	return found;
}

/* test_mech_filter - flags against security options */

static void
test_mech_filter(void **state)
{
	static const struct {
		const char *options;
		const char *expect;
	} t[] = {
		{"", "PLAIN LOGIN CRAM-MD5 ANONYMOUS FS"},
		{"noanonymous", "PLAIN LOGIN CRAM-MD5 FS"},
		{"noanonymous, noplaintext", "CRAM-MD5 FS"},
		{"noanonymous noplaintext nodictionary", "FS"},
		{"noactive", "PLAIN LOGIN ANONYMOUS FS"},
		{"forward_secrecy", "FS"},
		{"mutual_auth", "FS"},
	};
	XSASL_SERVER *server;
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		server = session(impl, t[i].options, 0);
		assert_string_equal(xsasl_server_get_mechanism_list(server),
				    t[i].expect);
		xsasl_server_free(server);
	}
	assert_true(log_has("VERSION\t1\t1"));
	assert_true(log_has("CPID\t"));
}

/* test_plain - OK with user=, FAIL with reason, temp, FORM */

static void
test_plain(void **state)
{
	XSASL_SERVER *server = session(impl, "noanonymous", 1);
	STRBUF *reply = strbuf_create(0);

	assert_int_equal(xsasl_server_first(server, "plain", RESP_GOOD, reply),
			 XSASL_AUTH_DONE);
	assert_string_equal(xsasl_server_get_username(server), "user");
	assert_string_equal(strbuf_str(reply), "");
	assert_true(log_has("AUTH\t1\tPLAIN\tservice=smtp\tnologin\t"
			    "lip=127.0.0.1\trip=127.0.0.2\tlport=25\t"
			    "rport=40000\tsecured\tresp=" RESP_GOOD "\n"));

	/* The reason is made printable. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_BAD, reply),
			 XSASL_AUTH_FAIL);
	assert_string_equal(strbuf_str(reply), "Bad? password");
	assert_null(xsasl_server_get_username(server));

	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_TEMP, reply),
			 XSASL_AUTH_TEMP);
	assert_string_equal(strbuf_str(reply), "try later");

	/* OK without user=: an internal failure. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_NOUSER,
					    reply), XSASL_AUTH_TEMP);
	assert_string_equal(strbuf_str(reply),
			    "Internal authentication server failure");

	/* Not base64: never sent. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", "AHVz\tZXI=",
					    reply), XSASL_AUTH_FORM);
	assert_false(log_has("ZXI="));

	/* Filtered, private and unknown mechanisms. */
	assert_int_equal(xsasl_server_first(server, "ANONYMOUS", NULL, reply),
			 XSASL_AUTH_FAIL);
	assert_string_equal(strbuf_str(reply), "Invalid authentication mechanism");
	assert_int_equal(xsasl_server_first(server, "SECRET", NULL, reply),
			 XSASL_AUTH_FAIL);
	assert_int_equal(xsasl_server_first(server, "X\tY", NULL, reply),
			 XSASL_AUTH_FAIL);

	/* FAIL without reason= leaves reply as it was (Postfix). */
	strbuf_set(reply, "previous");
	assert_int_equal(xsasl_server_first(server, "CRAM-MD5", NULL, reply),
			 XSASL_AUTH_FAIL);
	assert_string_equal(strbuf_str(reply), "previous");
	xsasl_server_free(server);
	strbuf_free(&reply);
}

/* test_login - CONT round trip */

static void
test_login(void **state)
{
	XSASL_SERVER *server = session(impl, "noanonymous", 0);
	STRBUF *reply = strbuf_create(0);

	assert_int_equal(xsasl_server_first(server, "LOGIN", NULL, reply),
			 XSASL_AUTH_OK);
	assert_string_equal(strbuf_str(reply), "VXNlcm5hbWU6");
	assert_int_equal(xsasl_server_next(server, "dXNlcg==", reply),
			 XSASL_AUTH_OK);
	assert_string_equal(strbuf_str(reply), "UGFzc3dvcmQ6");
	assert_int_equal(xsasl_server_next(server, "Z29vZA==", reply),
			 XSASL_AUTH_DONE);
	assert_string_equal(xsasl_server_get_username(server), "user");

	/* Wrong password; bad client base64 is FORM and not sent. */
	assert_int_equal(xsasl_server_first(server, "LOGIN", NULL, reply),
			 XSASL_AUTH_OK);
	assert_int_equal(xsasl_server_next(server, "a\nb", reply),
			 XSASL_AUTH_FORM);
	assert_int_equal(xsasl_server_next(server, "d3Jvbmc=", reply),
			 XSASL_AUTH_FAIL);
	assert_string_equal(strbuf_str(reply), "nope");
	assert_false(xsasl_server_next(server, "dXNlcg==", reply)
		     == XSASL_AUTH_OK);

	/* A CONT with bad base64 from the server. */
	assert_int_equal(xsasl_server_first(server, "LOGIN", NULL, reply),
			 XSASL_AUTH_OK);
	assert_int_equal(xsasl_server_next(server, "", reply), XSASL_AUTH_TEMP);
	xsasl_server_free(server);
	strbuf_free(&reply);
}

/* test_gone - server closes: reconnect once, then TEMP */

static void
test_gone(void **state)
{
	XSASL_SERVER *server = session(impl, "noanonymous", 0);
	STRBUF *reply = strbuf_create(0);

	/* Closed after the first AUTH: the retry on a new connection works. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_ONCE, reply),
			 XSASL_AUTH_DONE);
	assert_string_equal(xsasl_server_get_username(server), "once");
	/* Closed every time. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_GONE, reply),
			 XSASL_AUTH_TEMP);
	assert_string_equal(strbuf_str(reply),
			    "Connection lost to authentication server");
	/* And the next request reconnects. */
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_GOOD, reply),
			 XSASL_AUTH_DONE);
	xsasl_server_free(server);
	strbuf_free(&reply);
}

/* test_unreachable - no socket: empty list, TEMP */

static void
test_unreachable(void **state)
{
	STRBUF *why = strbuf_create(0);
	STRBUF *reply = strbuf_create(0);
	XSASL_SERVER_IMPL *none;
	XSASL_SERVER *server;
	char    path[300];

	snprintf(path, sizeof(path), "%s/nonexistent", tmpdir);
	none = xsasl_server_init("dovecot", path, why);
	assert_non_null(none);
	server = session(none, "noanonymous", 0);
	assert_string_equal(xsasl_server_get_mechanism_list(server), "");
	assert_int_equal(xsasl_server_first(server, "PLAIN", RESP_GOOD, reply),
			 XSASL_AUTH_TEMP);
	assert_string_equal(strbuf_str(reply),
			    "Connection lost to authentication server");
	assert_int_equal(xsasl_server_next(server, RESP_GOOD, reply),
			 XSASL_AUTH_TEMP);
	xsasl_server_free(server);
	xsasl_server_done(none);
	assert_null(xsasl_server_init("dovecot", "", why));
	strbuf_free(&why);
	strbuf_free(&reply);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mech_filter),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_gone),
		cmocka_unit_test(test_unreachable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

/* skip_test - built without SASL */

static void
skip_test(void **state)
{
	skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skip_test),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
