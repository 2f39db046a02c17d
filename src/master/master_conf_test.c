/*
 * master_conf_test.c - reading master.cf, matching, and applying reloads
 *
 * The modules that touch the system (endpoints, status streams,
 * processes, timers) are replaced by stubs that write what was asked
 * of them into a journal, one "action service" per line, so a test
 * can check that a reload closes and opens exactly what it must, in
 * the right order, and leaves the rest alone.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include "argv.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "master.h"

static STRBUF *journal;
static char *dir;
static char *cf_path;

/* note - append one line to the journal */

static void
note(const char *action, const MASTER_SERV *serv)
{
	strbuf_append_printf(journal, "%s %s\n", action, serv->ext_name);
}

/* Stubs for the modules that master_conf.c drives. */

int
master_listen_init(MASTER_SERV *serv, STRBUF *why)
{
	note("listen_init", serv);
	if (strcmp(serv->ext_name, "failme") == 0) {
		strbuf_set(why, "bind: simulated failure");
		return -1;
	}
	serv->listen_fd[0] = 100;
	return 0;
}

void
master_listen_cleanup(MASTER_SERV *serv)
{
	note("listen_cleanup", serv);
}

void
master_status_init(MASTER_SERV *serv)
{
	note("status_init", serv);
}

void
master_status_cleanup(MASTER_SERV *serv)
{
	note("status_cleanup", serv);
}

void
master_avail_listen(MASTER_SERV *serv)
{
	note("avail_listen", serv);
}

void
master_avail_cleanup(MASTER_SERV *serv)
{
	note("avail_cleanup", serv);
}

void
master_wakeup_init(MASTER_SERV *serv)
{
	note("wakeup_init", serv);
}

void
master_wakeup_start(MASTER_SERV *serv)
{
	note("wakeup_start", serv);
}

void
master_wakeup_cleanup(MASTER_SERV *serv)
{
	note("wakeup_cleanup", serv);
}

void
master_kill_all(int sig)
{
	strbuf_append_printf(journal, "kill_all %d\n", sig);
}

static const MASTER_ENT_VARS test_vars = {
	.daemon_directory = "/d",
	.inet_interfaces = "127.0.0.1",
	.inet_protocols = "ipv4",
	.known_tcp_ports = "smtp=25",
	.service_disable = "",
	.default_process_limit = 100,
	.throttle_time = 60,
};

/* write_cf - replace the test master.cf */

static void
write_cf(const char *text)
{
	int	fd = open(cf_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
}

/* list_names - "ext_name(name) ..." of a list */

static void
list_names(const MASTER_SERV *list, STRBUF *out)
{
	strbuf_reset(out);
	for (; list != NULL; list = list->next)
		strbuf_append_printf(out, "%s%s(%s)", strbuf_len(out) ? " " : "",
				     list->ext_name, list->name);
}

/* setup - temporary directory, empty journal */

static int
setup(void **unused_state)
{
	char	tmpl[] = "/tmp/master_conf_test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	dir = xstrdup(tmpl);
	cf_path = str_concat(dir, "/master.cf", NULL);
	journal = strbuf_create(1000);
	master_head = NULL;
	return 0;
}

/* teardown - remove the files, forget the services */

static int
teardown(void **unused_state)
{
	master_conf_free(master_head);
	master_head = NULL;
	(void) unlink(cf_path);
	(void) rmdir(dir);
	xfree(cf_path);
	xfree(dir);
	strbuf_free(&journal);
	return 0;
}

/* test_read - comments, continuation, duplicates, disabled services */

static void
test_read(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	MASTER_ENT_VARS vars = test_vars;
	MASTER_SERV *list;

	write_cf("# comment\n"
		 "smtp inet n - n - - smtpd\n"
		 "  -o x=y\n"
		 "\n"
		 "cleanup unix n - n - 0 cleanup\n"
		 "qmgr unix n - n 300 1 qmgr\n"
		 "cleanup unix n - n - 0 cleanup -v\n"
		 "pickup fifo n - n 60 1 pickup\n");
	assert_int_equal(master_conf_read(cf_path, &vars, &list, why), 0);
	list_names(list, got);
	assert_string_equal(strbuf_str(got), "smtp(25) cleanup(public/cleanup) "
			    "qmgr(public/qmgr) pickup(public/pickup)");
	/* The last cleanup entry is the one in effect. */
	assert_string_equal(list->next->args->argv[list->next->args->argc - 1],
			    "-v");
	assert_int_equal(list->next->line, 7);
	assert_string_equal(list->args->argv[list->args->argc - 1], "x=y");
	master_conf_free(list);

	vars.service_disable = "fifo, smtp/inet";
	assert_int_equal(master_conf_read(cf_path, &vars, &list, why), 0);
	list_names(list, got);
	assert_string_equal(strbuf_str(got), "cleanup(public/cleanup) qmgr(public/qmgr)");
	master_conf_free(list);

	/* An empty file is no error: no services. */
	write_cf("# nothing\n");
	assert_int_equal(master_conf_read(cf_path, &vars, &list, why), 0);
	assert_null(list);
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_read_errors - the reason names the file and the line */

static void
test_read_errors(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	MASTER_SERV *list = (MASTER_SERV *) &list;

	write_cf("cleanup unix n - n - 0 cleanup\n"
		 "\n"
		 "smtp inet - - n - - smtpd\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	assert_null(list);
	strbuf_printf(want, "%s: line 3: inet service cannot be private", cf_path);
	assert_string_equal(strbuf_str(why), strbuf_str(want));

	write_cf("cleanup unix x - n - 0 cleanup\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	assert_true(strstr(strbuf_str(why), "invalid private field \"x\"") != NULL);
	strbuf_printf(want, "%s: line 1: ", cf_path);
	assert_true(str_has_prefix(strbuf_str(why), strbuf_str(want)));

	/* Columns that mastercf_read() rejects: file and line too. */
	write_cf("# comment\n"
		 "cleanup unix n - n - 0 cleanup\n"
		 "  -o name=value\n"
		 "bad bogus n - n - 0 cleanup\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	strbuf_printf(want, "%s: line 4: invalid type field \"bogus\"", cf_path);
	assert_true(str_has_prefix(strbuf_str(why), strbuf_str(want)));
	write_cf("cleanup unix n - n - x1 cleanup\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	strbuf_printf(want, "%s: line 1: invalid process_limit field \"x1\"",
		      cf_path);
	assert_true(str_has_prefix(strbuf_str(why), strbuf_str(want)));

	write_cf("cleanup unix n - n - 0\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	assert_true(strstr(strbuf_str(why), "bad field count") != NULL);
	assert_true(strstr(strbuf_str(why), "line 1") != NULL);

	(void) unlink(cf_path);
	assert_int_equal(master_conf_read(cf_path, &test_vars, &list, why), -1);
	assert_true(str_has_prefix(strbuf_str(why), "open "));
	strbuf_free(&why);
	strbuf_free(&want);
}

/* Diff results as text. */
static void
diff_note(MASTER_SERV *old_serv, MASTER_SERV *new_serv, int action,
	  void *context)
{
	static const char *const names[] = {"same", "update", "replace", "add",
	"remove"};
	STRBUF *out = context;

	strbuf_append_printf(out, "%s %s;", names[action],
			     old_serv ? old_serv->ext_name : new_serv->ext_name);
}

/* test_diff - every running service is matched once, new ones last */

static void
test_diff(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	MASTER_SERV *old_list, *new_list;

	write_cf("a unix - - n - - cmd\n"
		 "b unix - - n - - cmd\n"
		 "c unix - - n - - cmd\n"
		 "2525 inet n - n - - cmd\n"
		 "e unix - - n - - cmd\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &old_list, why), 0);
	write_cf("d unix - - n - - cmd\n"
		 "c unix - - n - 5 cmd\n"
		 "b unix - - n - - cmd\n"
		 "127.0.0.1:2525 inet n - n - - cmd\n"
		 "e unix n - n - - cmd\n");
	assert_int_equal(master_conf_read(cf_path, &test_vars, &new_list, why), 0);
	master_conf_diff(old_list, new_list, diff_note, got);
	assert_string_equal(strbuf_str(got),
			    "remove a;same b;update c;remove 2525;remove e;"
			    "add d;add 127.0.0.1:2525;add e;");

	strbuf_reset(got);
	master_conf_diff(NULL, new_list, diff_note, got);
	assert_string_equal(strbuf_str(got), "add d;add c;add b;add 127.0.0.1:2525;add e;");
	strbuf_reset(got);
	master_conf_diff(old_list, NULL, diff_note, got);
	assert_string_equal(strbuf_str(got),
			    "remove a;remove b;remove c;remove 2525;remove e;");
	master_conf_free(old_list);
	master_conf_free(new_list);
	strbuf_free(&why);
	strbuf_free(&got);
}

/* test_refresh - a reload touches only what changed */

static void
test_refresh(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	STRBUF *got = strbuf_create(100);
	MASTER_SERV *keep, *update;

	write_cf("keep unix - - n - - cmd\n"
		 "update unix - - n - - cmd\n"
		 "gone unix - - n - - cmd\n"
		 "2525 inet n - n - - cmd\n");
	master_config(cf_path, &test_vars);
	assert_string_equal(strbuf_str(journal),
			    "listen_init keep\nstatus_init keep\navail_listen keep\nwakeup_start keep\n"
			    "listen_init update\nstatus_init update\navail_listen update\nwakeup_start update\n"
			    "listen_init gone\nstatus_init gone\navail_listen gone\nwakeup_start gone\n"
			    "listen_init 2525\nstatus_init 2525\navail_listen 2525\nwakeup_start 2525\n");
	keep = master_head;
	update = keep->next;

	/* A bad file changes nothing at all. */
	strbuf_reset(journal);
	write_cf("keep unix - - n - - cmd\nbad unix - - z - - cmd\n");
	assert_int_equal(master_refresh(cf_path, &test_vars, why), -1);
	assert_true(strstr(strbuf_str(why), "invalid chroot field \"z\"") != NULL);
	assert_string_equal(strbuf_str(journal), "");
	list_names(master_head, got);
	assert_string_equal(strbuf_str(got),
			    "keep(private/keep) update(private/update) gone(private/gone) 2525(2525)");

	/*
	 * keep and update keep their endpoints (no listen_* calls) and get a
	 * new status stream; gone is stopped; 2525 becomes another endpoint,
	 * so it is closed before the new one is opened; new is started.
	 */
	strbuf_reset(journal);
	write_cf("new unix - - n - - cmd\n"
		 "update unix - - n 10 3 cmd -o a=b\n"
		 "keep unix - - n - - cmd\n"
		 "127.0.0.1:2525 inet n - n - - cmd\n");
	assert_int_equal(master_refresh(cf_path, &test_vars, why), 0);
	assert_string_equal(strbuf_str(journal),
			    "wakeup_cleanup gone\navail_cleanup gone\nstatus_cleanup gone\nlisten_cleanup gone\n"
			    "wakeup_cleanup 2525\navail_cleanup 2525\nstatus_cleanup 2525\nlisten_cleanup 2525\n"
			    "wakeup_cleanup keep\nstatus_cleanup keep\nstatus_init keep\nwakeup_init keep\navail_listen keep\n"
			    "wakeup_cleanup update\nstatus_cleanup update\nstatus_init update\nwakeup_init update\navail_listen update\n"
			    "listen_init new\nstatus_init new\navail_listen new\nwakeup_start new\n"
			    "listen_init 127.0.0.1:2525\nstatus_init 127.0.0.1:2525\navail_listen 127.0.0.1:2525\nwakeup_start 127.0.0.1:2525\n");
	assert_ptr_equal(master_head, keep);
	assert_ptr_equal(master_head->next, update);
	assert_int_equal(update->max_proc, 3);
	assert_int_equal(update->wakeup_time, 10);
	assert_string_equal(update->args->argv[update->args->argc - 1], "a=b");
	list_names(master_head, got);
	assert_string_equal(strbuf_str(got),
			    "keep(private/keep) update(private/update) new(private/new) "
			    "127.0.0.1:2525([127.0.0.1]:2525)");

	/* Same endpoint name, other addresses: close, then open again. */
	{
		MASTER_ENT_VARS vars = test_vars;

		write_cf("keep unix - - n - - cmd\n2526 inet n - n - - cmd\n");
		assert_int_equal(master_refresh(cf_path, &vars, why), 0);
		strbuf_reset(journal);
		vars.inet_interfaces = "127.0.0.2";
		assert_int_equal(master_refresh(cf_path, &vars, why), 0);
		assert_string_equal(strbuf_str(journal),
				    "wakeup_cleanup 2526\navail_cleanup 2526\nstatus_cleanup 2526\nlisten_cleanup 2526\n"
				    "wakeup_cleanup keep\nstatus_cleanup keep\nstatus_init keep\nwakeup_init keep\navail_listen keep\n"
				    "listen_init 2526\nstatus_init 2526\navail_listen 2526\nwakeup_start 2526\n");
		assert_ptr_equal(master_head, keep);
		assert_non_null(master_head->next);
		assert_int_equal(master_head->next->addrs[0].bytes[3], 2);
	}

	/* A service whose endpoint cannot be opened is left out. */
	strbuf_reset(journal);
	write_cf("keep unix - - n - - cmd\nfailme unix - - n - - cmd\n");
	assert_int_equal(master_refresh(cf_path, &test_vars, why), 0);
	list_names(master_head, got);
	assert_string_equal(strbuf_str(got), "keep(private/keep)");
	assert_true(strstr(strbuf_str(journal), "listen_init failme\n") != NULL);
	assert_null(strstr(strbuf_str(journal), "status_init failme"));

	/* Stop: children first, then timers and endpoints. */
	strbuf_reset(journal);
	master_stop_all();
	assert_string_equal(strbuf_str(journal),
			    "kill_all 15\nwakeup_cleanup keep\nlisten_cleanup keep\n");
	strbuf_free(&why);
	strbuf_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
