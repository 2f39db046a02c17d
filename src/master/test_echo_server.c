/*
 * test_echo_server.c - a daemon for testing master and the skeletons
 *
 * Not installed. System tests point a master.cf entry at it (with
 * daemon_directory set to the directory that holds it) to watch master
 * start, count, throttle and stop processes. Arguments after the
 * options choose what it does:
 *
 *	model=single|multi|trigger	the skeleton model (default single)
 *	record=FILE	append one line per event to FILE ("trigger PID
 *			BYTES", "connect PID", "start PID SERVICE")
 *	fail		exit with status 1 right after startup
 *
 * A stream client first gets "hello SERVICE PID", then each line it
 * sends comes back as "echo LINE", except: "quit" closes, "exit N"
 * exits with status N, "abort" dies by SIGABRT, "pid" answers with the
 * process ID, "param NAME" with the value of a parameter as the daemon
 * sees it.
 *
 * Security: none; runs as whatever master.cf says, for tests only.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "events.h"		/* util */
#include "iostream.h"
#include "log.h"
#include "strbuf.h"
#include "stringops.h"
#include "mainconf.h"		/* global */
#include "params_global.h"
#include "service.h"

static const char *echo_record_path;

/* echo_record - append an event line to the record file */

static void
echo_record(const char *fmt,...) PRINTFLIKE(1, 2);

static void
echo_record(const char *fmt,...)
{
	STRBUF *line;
	va_list ap;
	int	fd;

	if (echo_record_path == NULL)
		return;
	line = strbuf_create(100);
	va_start(ap, fmt);
	strbuf_append_vprintf(line, fmt, ap);
	va_end(ap);
	strbuf_append_char(line, '\n');
	if ((fd = open(echo_record_path, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0) {
		log_warn("open %s: %m", echo_record_path);
	} else {
		if (write(fd, strbuf_str(line), strbuf_len(line)) < 0)
			log_warn("write %s: %m", echo_record_path);
		(void) close(fd);
	}
	strbuf_free(&line);
}

/* echo_command - one line from a client; 0 to go on, -1 to close */

static int
echo_command(IOSTREAM *client, const char *line)
{
	const char *value;
	long	status;

	if (strcmp(line, "quit") == 0)
		return -1;
	if (strcmp(line, "abort") == 0)
		abort();
	if (strcmp(line, "pid") == 0) {
		iostream_printf(client, "%ld\n", (long) getpid());
	} else if (strcmp(line, "param service_name") == 0) {
		iostream_printf(client, "%s\n", var_service_name);
	} else if (str_has_prefix(line, "param ")) {
		value = mainconf_lookup(line + 6);
		iostream_printf(client, "%s\n", value ? value : "(undefined)");
	} else if (str_has_prefix(line, "exit ")
		   && parse_long(line + 5, &status, 0, 255) == 0) {
		exit((int) status);
	} else {
		iostream_printf(client, "echo %s\n", line);
	}
	return iostream_flush(client);
}

/* echo_hello - greet a new client */

static void
echo_hello(IOSTREAM *client, const SERVICE *svc)
{
	echo_record("connect %ld %s", (long) getpid(), svc->name);
	iostream_printf(client, "hello %s %ld\n", svc->name, (long) getpid());
	(void) iostream_flush(client);
}

/* echo_serve_single - SERVICE_SINGLE: the whole session */

static void
echo_serve_single(IOSTREAM *client, const SERVICE *svc)
{
	STRBUF *line = strbuf_create(100);

	echo_hello(client, svc);
	while (iostream_get_line(client, line, 1000, IOS_LINE_STRIP_CR)
	       == IOS_LINE_COMPLETE)
		if (echo_command(client, strbuf_str(line)) < 0)
			break;
	strbuf_free(&line);
}

/* echo_multi_event - SERVICE_MULTI: a client is readable */

static void
echo_multi_event(int unused_event, void *context)
{
	IOSTREAM *client = context;
	STRBUF *line = strbuf_create(100);
	int	status;

	/* One line per event; the loop calls again while data is there. */
	status = iostream_get_line(client, line, 1000, IOS_LINE_STRIP_CR);
	if (status != IOS_LINE_COMPLETE
	    || echo_command(client, strbuf_str(line)) < 0)
		service_disconnect(client);
	else
		while (iostream_read_pending(client) > 0
		       && iostream_get_line(client, line, 1000, IOS_LINE_STRIP_CR)
		       == IOS_LINE_COMPLETE) {
			if (echo_command(client, strbuf_str(line)) < 0) {
				service_disconnect(client);
				break;
			}
		}
	strbuf_free(&line);
}

/* echo_serve_multi - SERVICE_MULTI: a new client */

static void
echo_serve_multi(IOSTREAM *client, const SERVICE *svc)
{
	echo_hello(client, svc);
	event_enable_read(iostream_fileno(client), echo_multi_event, client);
}

/* echo_trigger - SERVICE_TRIGGER: one request */

static void
echo_trigger(const char *buf, size_t len, const SERVICE *svc)
{
	STRBUF *text = strbuf_create(len + 1);
	size_t	i;

	for (i = 0; i < len; i++)
		strbuf_append_char(text, (unsigned char) buf[i] >= 0x20
				   && (unsigned char) buf[i] < 0x7f ? buf[i] : '.');
	echo_record("trigger %ld %s", (long) getpid(), strbuf_str(text));
	if (log_verbose)
		log_info("trigger: %s", strbuf_str(text));
	strbuf_free(&text);
}

/* echo_post_jail - startup is complete */

static void
echo_post_jail(const SERVICE *svc)
{
	int	i;

	for (i = 0; i < svc->argc; i++)
		if (str_has_prefix(svc->argv[i], "record="))
			echo_record_path = svc->argv[i] + 7;
	echo_record("start %ld %s", (long) getpid(), svc->name);
	for (i = 0; i < svc->argc; i++)
		if (strcmp(svc->argv[i], "fail") == 0)
			log_fatal("startup failure requested");
}

/* main - pick the model, then hand over to the skeleton */

int
main(int argc, char **argv)
{
	static SERVICE_SPEC spec = {
		.name = "test_echo_server",
		.model = SERVICE_SINGLE,
		.post_jail = echo_post_jail,
		.serve = echo_serve_single,
		.trigger = echo_trigger,
	};
	int	i;

	/* The skeleton parses the options; the model must be known before. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "model=multi") == 0) {
			spec.model = SERVICE_MULTI;
			spec.serve = echo_serve_multi;
		} else if (strcmp(argv[i], "model=trigger") == 0) {
			spec.model = SERVICE_TRIGGER;
		}
	}
	service_main(argc, argv, &spec);
}
