/*
 * postfix_files_test.c - parsing and expanding postfix-files
 *
 * Table-driven line cases, the shipped conf/postfix-files as a whole,
 * and "$parameter" expansion with a lookup table of our own.
 */

#include "sysdeps.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "strbuf.h"
#include "postfix.h"

/* test_parse_lines - good lines, comments, and bad lines */

static void
test_parse_lines(void **unused_state)
{
	static const struct {
		const char *line;
		int	result;
		int	type;
		const char *owner;
		const char *group;	/* NULL: "-" */
		mode_t	mode;
		int	flags;
		const char *reason;	/* part of the reason, for -1 */
	} t[] = {
		{"$queue_directory/incoming:d:$mail_owner:-:700:ucr", 1, 'd',
		 "$mail_owner", NULL, 0700,
		 POSTFIX_FILES_UPDATE | POSTFIX_FILES_CREATE | POSTFIX_FILES_RECURSIVE, NULL},
		{"$queue_directory/maildrop:d:$mail_owner:$setgid_group:1730:uc", 1,
		 'd', "$mail_owner", "$setgid_group", 01730,
		 POSTFIX_FILES_UPDATE | POSTFIX_FILES_CREATE, NULL},
		{"$command_directory/postconf:f:root:-:755", 1, 'f', "root", NULL,
		 0755, 0, NULL},
		{"$command_directory/postdrop:f:root:$setgid_group:2755", 1, 'f',
		 "root", "$setgid_group", 02755, 0, NULL},
		{"$config_directory/main.cf:f:root:-:644:p", 1, 'f', "root", NULL,
		 0644, POSTFIX_FILES_PRESERVE, NULL},
		{"$manpage_directory/man1/postconf.1:f:root:-:644:m", 1, 'f', "root",
		 NULL, 0644, POSTFIX_FILES_OPTIONAL, NULL},
		{"$newaliases_path:l:$command_directory/postalias:-:755", 1, 'l',
		 "$command_directory/postalias", NULL, 0, 0, NULL},
		{"$command_directory/mailq:h:$sendmail_path:-:-", 1, 'h',
		 "$sendmail_path", NULL, 0, 0, NULL},
		{"$data_directory:d:$mail_owner:-:700:", 1, 'd', "$mail_owner",
		 NULL, 0700, 0, NULL},
		/* Comments: anything that does not start with "$". */
		{"", 0, 0, NULL, NULL, 0, 0, NULL},
		{"# $queue_directory:d:root:-:755", 0, 0, NULL, NULL, 0, 0, NULL},
		{" $queue_directory:d:root:-:755", 0, 0, NULL, NULL, 0, 0, NULL},
		{"queue_directory:d:root:-:755", 0, 0, NULL, NULL, 0, 0, NULL},
		/* Errors. */
		{"$queue_directory:d:root:-", -1, 0, NULL, NULL, 0, 0, "found 4"},
		{"$queue_directory:d:root:-:755:u:x", -1, 0, NULL, NULL, 0, 0,
		 "found 7"},
		{"$queue_directory:x:root:-:755", -1, 0, NULL, NULL, 0, 0,
		 "unknown type \"x\""},
		{"$queue_directory:dd:root:-:755", -1, 0, NULL, NULL, 0, 0,
		 "unknown type"},
		{"$queue_directory:d:root:-:758", -1, 0, NULL, NULL, 0, 0,
		 "bad mode \"758\""},
		{"$queue_directory:d:root:-:75", -1, 0, NULL, NULL, 0, 0, "bad mode"},
		{"$queue_directory:d:root:-:07555", -1, 0, NULL, NULL, 0, 0,
		 "bad mode"},
		{"$queue_directory:d:root:-:-", -1, 0, NULL, NULL, 0, 0, "bad mode"},
		{"$queue_directory:d:root:-:755:uz", -1, 0, NULL, NULL, 0, 0,
		 "unknown flag \"z\""},
		{"$queue_directory:d::-:755", -1, 0, NULL, NULL, 0, 0, "empty owner"},
		{"$queue_directory:d:root::755", -1, 0, NULL, NULL, 0, 0,
		 "empty group"},
		{"$:d:root:-:755", -1, 0, NULL, NULL, 0, 0, "empty parameter"},
	};
	STRBUF *why = strbuf_create(100);
	POSTFIX_FILES_ENTRY *ent;
	size_t	i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		assert_int_equal(postfix_files_parse(t[i].line, &ent, why),
				 t[i].result);
		if (t[i].result != 1) {
			assert_null(ent);
			if (t[i].reason)
				assert_non_null(strstr(strbuf_str(why), t[i].reason));
			continue;
		}
		assert_non_null(ent);
		assert_int_equal(ent->type, t[i].type);
		assert_string_equal(ent->owner, t[i].owner);
		if (t[i].group)
			assert_string_equal(ent->group, t[i].group);
		else
			assert_null(ent->group);
		assert_int_equal(ent->mode, t[i].mode);
		assert_int_equal(ent->flags, t[i].flags);
		assert_int_equal(strncmp(ent->name, t[i].line, strlen(ent->name)), 0);
		postfix_files_entry_free(ent);
	}
	strbuf_free(&why);
}

/* test_read_shipped - the shipped list parses, in order */

static void
test_read_shipped(void **unused_state)
{
	STRBUF *why = strbuf_create(100);
	POSTFIX_FILES_ENTRY *list;
	POSTFIX_FILES_ENTRY *ent;
	int	count = 0;
	int	maildrop = 0;
	int	last_line = 0;

	list = postfix_files_read("../../conf/postfix-files", why);
	assert_non_null(list);
	assert_string_equal(list->name, "$config_directory");
	for (ent = list; ent != NULL; ent = ent->next) {
		assert_true(ent->line > last_line);
		last_line = ent->line;
		if (strcmp(ent->name, "$queue_directory/maildrop") == 0) {
			assert_int_equal(ent->mode, 01730);
			assert_string_equal(ent->group, "$setgid_group");
			maildrop = 1;
		}
		count++;
	}
	assert_true(count >= 20);
	assert_true(maildrop);
	postfix_files_free(list);
	strbuf_free(&why);
}

/* test_read_errors - file and line in the reason */

static void
test_read_errors(void **unused_state)
{
	char	path[] = "/tmp/postfix_files_test.XXXXXX";
	char	empty[] = "/tmp/postfix_files_test.XXXXXX";
	static const char text[] =
		"# comment\n"
		"$queue_directory:d:root:-:755:uc\n"
		"\n"
		"$queue_directory/pid:d:root:-:9755:uc\n";
	STRBUF *why = strbuf_create(100);
	STRBUF *want = strbuf_create(100);
	int	fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	assert_null(postfix_files_read(path, why));
	strbuf_printf(want, "%s, line 4: bad mode \"9755\" for $queue_directory/pid",
		      path);
	assert_string_equal(strbuf_str(why), strbuf_str(want));
	unlink(path);

	assert_null(postfix_files_read(path, why));
	assert_non_null(strstr(strbuf_str(why), "open /tmp/postfix_files_test."));
	assert_non_null(strstr(strbuf_str(why), "No such file"));

	/* An empty list is not an error: NULL with an empty reason. */
	assert_true((fd = mkstemp(empty)) >= 0);
	close(fd);
	assert_null(postfix_files_read(empty, why));
	assert_int_equal(strbuf_len(why), 0);
	unlink(empty);
	strbuf_free(&why);
	strbuf_free(&want);
}

/* test_lookup - a fixed set of parameters */

static const char *
test_lookup(const char *name, void *context)
{
	static const char *const params[][2] = {
		{"queue_directory", "/var/spool/postfix"},
		{"html_directory", "no"},
		{"sendmail_path", "/usr/sbin/sendmail"},
		{"empty", ""},
	};
	size_t	i;

	(*(int *) context)++;
	for (i = 0; i < ARRAY_LEN(params); i++)
		if (strcmp(params[i][0], name) == 0)
			return params[i][1];
	return NULL;
}

/* test_expand - "$param/rest" */

static void
test_expand(void **unused_state)
{
	static const struct {
		const char *name;
		int	result;
		const char *text;	/* path, or part of the reason */
	} t[] = {
		{"$queue_directory", 1, "/var/spool/postfix"},
		{"$queue_directory/incoming", 1, "/var/spool/postfix/incoming"},
		{"$queue_directory/a/b", 1, "/var/spool/postfix/a/b"},
		{"$sendmail_path", 1, "/usr/sbin/sendmail"},
		{"$html_directory/index.html", 0, NULL},
		{"$html_directory", 0, NULL},
		{"$nosuch/x", -1, "unknown parameter \"nosuch\" in $nosuch/x"},
		{"$empty/x", -1, "parameter \"empty\" has an empty value"},
		{"$/x", -1, "empty parameter name in $/x"},
		{"queue_directory/x", -1, "does not start with"},
	};
	STRBUF *result = strbuf_create(100);
	STRBUF *why = strbuf_create(100);
	size_t	i;
	int	calls = 0;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		strbuf_reset(why);
		assert_int_equal(postfix_files_expand(t[i].name, test_lookup, &calls,
						      result, why), t[i].result);
		if (t[i].result == 1)
			assert_string_equal(strbuf_str(result), t[i].text);
		else if (t[i].result < 0)
			assert_non_null(strstr(strbuf_str(why), t[i].text));
	}
	/* Names without "$" or with an empty name look nothing up. */
	assert_int_equal(calls, 8);
	strbuf_free(&result);
	strbuf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_read_shipped),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
