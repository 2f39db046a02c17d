/*
 * smtpd_sasl_test.c - unit tests for smtpd's AUTH command (smtpd_sasl.c)
 *
 * The SASL library is replaced by a fake back-end with a fixed script
 * (PLAIN with an initial response "Z29vZA==" or a challenge, LOGIN with
 * user/pass, TEMP for a service failure), and the engine's reply,
 * deadline and lost-connection functions by stubs that record replies,
 * so every AUTH reply, the mechanism filter, the STARTTLS reset and the
 * security options handed to the back-end can be checked exactly. The
 * client's lines come from a memory stream.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "argv.h"		/* util */
#include "iostream.h"
#include "mem.h"
#include "strbuf.h"
#include "params_sasl.h"	/* global */
#include "params_tls.h"
#include "xsasl.h"		/* xsasl */
#include "smtpd.h"		/* smtpd */
#include "smtpd_anvil.h"
#include "smtpd_int.h"
#include "smtpd_sasl.h"

/* ------------------------------------------------------------ engine stubs */

SMTPD_SESS smtpd_sess;
int	smtpd_stand_alone;
static ARGV *replies;			/* every reply, in order */

void
smtpd_reply(SMTPD_STATE *state, const char *fmt,...)
{
	STRBUF *buf = strbuf_create(100);
	va_list ap;

	(void) state;
	va_start(ap, fmt);
	strbuf_append_vprintf(buf, fmt, ap);
	va_end(ap);
	argv_add(replies, strbuf_str(buf));
	strbuf_free(&buf);
}

void
smtpd_deadline(SMTPD_STATE *state, int min_rate)
{
	(void) state;
	(void) min_rate;
}

/* anvil: no AUTH rate limit in these tests */
const char *
smtpd_anvil_auth(SMTPD_STATE *state)
{
	(void) state;
	return NULL;
}

int
smtpd_lost(SMTPD_STATE *state)
{
	(void) state;
	argv_add(replies, "LOST");
	return SMTPD_CMD_HANGUP;
}

#ifdef USE_SASL_AUTH

/* ------------------------------------------------------------ fake back-end */

struct XSASL_SERVER_IMPL {
	int	dummy;
};

struct XSASL_SERVER {
	char   *mech;			/* in progress */
	int	step;
	int	done;
};

static XSASL_SERVER_IMPL fake_impl;
static int creates, frees;
static char last_options[100];
static int last_tls;

XSASL_SERVER_IMPL *
xsasl_server_init(const char *type, const char *path, STRBUF *why)
{
	(void) path;
	if (strcmp(type, "fake") != 0) {
		strbuf_printf(why, "unsupported SASL server implementation: %s",
			      type);
		return NULL;
	}
	return &fake_impl;
}

void
xsasl_server_done(XSASL_SERVER_IMPL *impl)
{
	(void) impl;
}

XSASL_SERVER *
xsasl_server_create(XSASL_SERVER_IMPL *impl, const XSASL_SERVER_CREATE *args,
		    STRBUF *why)
{
	(void) impl;
	(void) why;
	creates++;
	snprintf(last_options, sizeof(last_options), "%s",
		 args->security_options);
	last_tls = args->tls;
	return xcalloc(1, sizeof(XSASL_SERVER));
}

void
xsasl_server_free(XSASL_SERVER *server)
{
	frees++;
	xfree(server->mech);
	xfree(server);
}

const char *
xsasl_server_get_mechanism_list(XSASL_SERVER *server)
{
	(void) server;
	return "PLAIN login EXTERNAL TEMP";
}

/* fake_step - the scripted exchange */

static int
fake_step(XSASL_SERVER *server, const char *resp, STRBUF *reply)
{
	server->step++;
	if (resp && strcmp(resp, "!!") == 0) {
		strbuf_set(reply, "malformed SASL response");
		return XSASL_AUTH_FORM;
	}
	if (strcmp(server->mech, "TEMP") == 0) {
		strbuf_set(reply, "service down");
		return XSASL_AUTH_TEMP;
	}
	if (strcmp(server->mech, "PLAIN") == 0) {
		if (resp == NULL) {
			strbuf_set(reply, "");
			return XSASL_AUTH_OK;
		}
		if (strcmp(resp, "Z29vZA==") == 0) {
			server->done = 1;
			strbuf_set(reply, "");
			return XSASL_AUTH_DONE;
		}
	} else if (strcmp(server->mech, "LOGIN") == 0) {
		if (server->step == 1 && resp == NULL) {
			strbuf_set(reply, "VXNlcm5hbWU6");
			return XSASL_AUTH_OK;
		}
		if (server->step == 2 && strcmp(resp, "dXNlcg==") == 0) {
			strbuf_set(reply, "UGFzc3dvcmQ6");
			return XSASL_AUTH_OK;
		}
		if (server->step == 3 && strcmp(resp, "cGFzcw==") == 0) {
			server->done = 1;
			strbuf_set(reply, "");
			return XSASL_AUTH_DONE;
		}
	}
	strbuf_set(reply, "authentication failure");
	return XSASL_AUTH_FAIL;
}

int
xsasl_server_first(XSASL_SERVER *server, const char *mechanism,
		   const char *init_response, STRBUF *reply)
{
	xfree(server->mech);
	server->mech = xstrdup(mechanism);
	server->step = 0;
	return fake_step(server, init_response, reply);
}

int
xsasl_server_next(XSASL_SERVER *server, const char *response, STRBUF *reply)
{
	return fake_step(server, response, reply);
}

const char *
xsasl_server_get_username(XSASL_SERVER *server)
{
	return server->done ? "user@example.com" : "";
}

/* ------------------------------------------------------------ helpers */

static SMTPD_STATE state;
static int inited;

/* session - a fresh session whose client will send input */

static void
session(const char *input)
{
	memset(&state, 0, sizeof(state));
	memset(&smtpd_sess, 0, sizeof(smtpd_sess));
	state.namaddr = "client.example[192.0.2.1]";
	state.addr = "192.0.2.1";
	state.name = "client.example";
	state.port = "4321";
	state.client = iostream_memopen(input, strlen(input));
	if (!inited) {
		smtpd_sasl_init();
		inited = 1;
	}
	smtpd_sasl_connect(&state);
}

/* end - close the session */

static void
end(void)
{
	smtpd_sasl_disconnect(&state);
	xfree(state.sasl_method);
	xfree(state.sasl_username);
	xfree(state.sasl_sender);
	(void) iostream_close(state.client);
	state.client = NULL;
}

/* joined - the replies so far as "a|b|c" */

static const char *
joined(void)
{
	static char buf[1000];
	size_t	i;

	buf[0] = 0;
	for (i = 0; i < replies->argc; i++) {
		if (i)
			strncat(buf, "|", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, replies->argv[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

/* taken - joined(), and forget the replies */

static const char *
taken(void)
{
	const char *text = joined();

	argv_truncate(replies, 0);
	return text;
}

static int
setup(void **unused)
{
	(void) unused;
	var_smtpd_sasl_auth_enable = 1;
	var_smtpd_sasl_type = "fake";
	var_smtpd_sasl_path = "smtpd";
	var_smtpd_sasl_service = "smtp";
	var_smtpd_sasl_local_domain = "";
	var_smtpd_sasl_mechanism_filter = "!external, static:rest";
	var_smtpd_sasl_exceptions_networks = "";
	var_smtpd_sasl_response_limit = 20;
	var_smtpd_sasl_security_options = "noanonymous";
	var_smtpd_sasl_tls_security_options = "noanonymous, noactive";
	var_smtpd_tls_auth_only = 0;
	replies = argv_create();
	return 0;
}

static int
teardown(void **unused)
{
	(void) unused;
	argv_free(&replies);
	return 0;
}

/* ------------------------------------------------------------ tests */

/* The mechanism filter, and what the back-end is given. */

static void
test_ehlo(void **unused)
{
	char	args[] = "PLAIN Z29vZA==";

	(void) unused;
	session("");
	assert_string_equal(smtpd_sasl_ehlo_mechanisms(&state),
			    "PLAIN LOGIN TEMP");
	assert_string_equal(last_options, "noanonymous");
	assert_int_equal(last_tls, 0);
	smtpd_sess.ehlo_discard = EHLO_AUTH;
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args), SMTPD_CMD_ERR);
	assert_string_equal(taken(),
			    "503 5.5.1 Error: authentication not enabled");
	end();
}

/* One AUTH command per row, in a session with the given history. */

static const struct auth_case {
	const char *args;
	const char *input;		/* the client's further lines */
	int	no_helo;
	int	in_mail;
	int	ret;
	const char *replies;
	const char *user;		/* sasl_username afterwards */
} auth_cases[] = {
	{"PLAIN Z29vZA==", "", 1, 0, SMTPD_CMD_ERR,
	"503 5.5.1 Error: send HELO/EHLO first", 0},
	{"PLAIN Z29vZA==", "", 0, 1, SMTPD_CMD_ERR,
	"503 5.5.1 Error: MAIL transaction in progress", 0},
	{"", "", 0, 0, SMTPD_CMD_ERR, "501 5.5.4 Syntax: AUTH mechanism", 0},
	{"PLAIN a b", "", 0, 0, SMTPD_CMD_ERR,
	"501 5.5.4 Syntax: AUTH mechanism", 0},
	{"plain Z29vZA==", "", 0, 0, SMTPD_CMD_OK,
	"235 2.7.0 Authentication successful", "user@example.com"},
	{"PLAIN", "Z29vZA==\r\n", 0, 0, SMTPD_CMD_OK,
	"334 |235 2.7.0 Authentication successful", "user@example.com"},
	{"PLAIN =", "", 0, 0, SMTPD_CMD_ERR,
	"535 5.7.8 Error: authentication failed: authentication failure", 0},
	{"LOGIN", "dXNlcg==\r\ncGFzcw==\r\n", 0, 0, SMTPD_CMD_OK,
		"334 VXNlcm5hbWU6|334 UGFzc3dvcmQ6|"
	"235 2.7.0 Authentication successful", "user@example.com"},
	{"LOGIN", "dXNlcg==\r\nd3Jvbmc=\r\n", 0, 0, SMTPD_CMD_ERR,
		"334 VXNlcm5hbWU6|334 UGFzc3dvcmQ6|"
	"535 5.7.8 Error: authentication failed: authentication failure", 0},
	{"LOGIN", "*\r\n", 0, 0, SMTPD_CMD_ERR,
	"334 VXNlcm5hbWU6|501 5.7.0 Authentication aborted", 0},
	{"LOGIN", "!!\r\n", 0, 0, SMTPD_CMD_ERR,
	"334 VXNlcm5hbWU6|501 5.5.2 Cannot decode response", 0},
	{"LOGIN", "123456789012345678901\r\n", 0, 0, SMTPD_CMD_ERR,
		"334 VXNlcm5hbWU6|"
	"500 5.5.6 Authentication exchange line is too long", 0},
	{"LOGIN", "12345678901234567890\r\n", 0, 0, SMTPD_CMD_ERR,
		"334 VXNlcm5hbWU6|"
	"535 5.7.8 Error: authentication failed: authentication failure", 0},
	{"LOGIN", "", 0, 0, SMTPD_CMD_HANGUP, "334 VXNlcm5hbWU6|LOST", 0},
	{"PLAIN 123456789012345678901", "", 0, 0, SMTPD_CMD_ERR,
	"500 5.5.6 Authentication exchange line is too long", 0},
	{"EXTERNAL =", "", 0, 0, SMTPD_CMD_ERR,
		"535 5.7.8 Error: authentication failed: Invalid authentication "
	"mechanism", 0},
	{"TEMP", "", 0, 0, SMTPD_CMD_ERR,
	"454 4.7.0 Temporary authentication failure: service down", 0},
};

static void
test_auth(void **unused)
{
	const struct auth_case *ac;
	char   *args;

	(void) unused;
	for (ac = auth_cases; ac < auth_cases + sizeof(auth_cases)
	     / sizeof(auth_cases[0]); ac++) {
		session(ac->input);
		state.helo_name = ac->no_helo ? NULL : "client.example";
		state.sender = ac->in_mail ? "a@example.org" : NULL;
		args = xstrdup(ac->args);
		if (smtpd_sasl_auth_cmd(&state, args) != ac->ret)
			fail_msg("AUTH %s: wrong result", ac->args);
		if (strcmp(joined(), ac->replies) != 0)
			fail_msg("AUTH %s: got \"%s\"", ac->args, joined());
		argv_truncate(replies, 0);
		if (ac->user) {
			assert_non_null(state.sasl_username);
			assert_string_equal(state.sasl_username, ac->user);
			assert_string_equal(state.sasl_method,
					    strncasecmp(ac->args, "LOGIN", 5) == 0 ?
					    "LOGIN" : "PLAIN");
		} else {
			assert_null(state.sasl_username);
		}
		xfree(args);
		end();
	}
}

/* A second AUTH: refused once authenticated; after a failure it works. */

static void
test_auth_again(void **unused)
{
	char	args1[] = "PLAIN d3Jvbmc=";
	char	args2[] = "PLAIN Z29vZA==";
	char	args3[] = "PLAIN Z29vZA==";
	int	before;

	(void) unused;
	session("");
	state.helo_name = "client.example";
	before = creates;
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args1), SMTPD_CMD_ERR);
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args2), SMTPD_CMD_OK);
	assert_int_equal(creates, before + 1);	/* fresh context */
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args3), SMTPD_CMD_ERR);
	assert_string_equal(taken(),
	    "535 5.7.8 Error: authentication failed: authentication failure|"
			    "235 2.7.0 Authentication successful|"
			    "503 5.5.1 Error: already authenticated");
	end();
}

/* STARTTLS: authentication forgotten, TLS options, tls flag. */

static void
test_tls_reset(void **unused)
{
	char	args[] = "PLAIN Z29vZA==";

	(void) unused;
	session("");
	state.helo_name = "client.example";
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args), SMTPD_CMD_OK);
	(void) taken();
	state.tls_context = (struct TLS_SESS *) &fake_impl;	/* not read */
	assert_string_equal(smtpd_sasl_ehlo_mechanisms(&state),
			    "PLAIN LOGIN TEMP");
	assert_null(state.sasl_username);
	assert_null(state.sasl_method);
	assert_string_equal(last_options, "noanonymous, noactive");
	assert_int_equal(last_tls, 1);
	state.tls_context = NULL;
	end();
}

/* smtpd_tls_auth_only: nothing before TLS, AUTH after it. */

static void
test_tls_auth_only(void **unused)
{
	char	args[] = "PLAIN Z29vZA==";

	(void) unused;
	var_smtpd_tls_auth_only = 1;
	session("");
	state.helo_name = "client.example";
	assert_null(smtpd_sasl_ehlo_mechanisms(&state));
	assert_int_equal(smtpd_sasl_auth_cmd(&state, args), SMTPD_CMD_ERR);
	assert_string_equal(taken(),
			    "503 5.5.1 Error: authentication not enabled");
	state.tls_context = (struct TLS_SESS *) &fake_impl;
	smtpd_sasl_session_reset(&state);
	assert_string_equal(smtpd_sasl_ehlo_mechanisms(&state),
			    "PLAIN LOGIN TEMP");
	state.tls_context = NULL;
	end();
	var_smtpd_tls_auth_only = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehlo),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_auth_again),
		cmocka_unit_test(test_tls_reset),
		cmocka_unit_test(test_tls_auth_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else					/* USE_SASL_AUTH */

int
main(void)
{
	/* The stand-in AUTH command answers like Postfix without SASL. */
	SMTPD_STATE st;
	char	args[] = "PLAIN Z29vZA==";

	memset(&st, 0, sizeof(st));
	replies = argv_create();
	if (smtpd_sasl_auth_cmd(&st, args) != SMTPD_CMD_ERR
	    || replies->argc != 1 || strcmp(replies->argv[0], "503 5.5.1 Error: "
					  "authentication not enabled") != 0) {
		printf("smtpd_sasl_test: wrong reply without SASL\n");
		return 1;
	}
	argv_free(&replies);
	printf("smtpd_sasl_test: SASL support is not compiled in; "
	       "AUTH reply checked, the rest skipped\n");
	return 0;
}

#endif					/* USE_SASL_AUTH */
