/*
 * postfix_files.c - read postfix-files, the list of installed objects
 *
 * postfix-install and "postfix check" share one list of what an
 * installation owns, with owners and modes (conf/postfix-files, whose
 * header documents the format; the installer copies it into
 * $meta_directory). This module parses that list and expands the
 * "$parameter" that each name starts with. It knows nothing about what
 * the entries are used for.
 */

#include "sysdeps.h"

#include <errno.h>

#include "argv.h"		/* util */
#include "cfgline.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "postfix.h"

/* Longest line we accept; real lines are under 100 bytes. */
#define POSTFIX_FILES_LINE_MAX	4096

/* Field positions. */
#define FIELD_NAME	0
#define FIELD_TYPE	1
#define FIELD_OWNER	2
#define FIELD_GROUP	3
#define FIELD_MODE	4
#define FIELD_FLAGS	5

/* files_parse_mode - octal mode of 3 or 4 digits; 0 or -1 */

static int
files_parse_mode(const char *text, mode_t *mode)
{
	mode_t	val = 0;
	size_t	len = strlen(text);
	const char *cp;

	if (len < 3 || len > 4)
		return -1;
	for (cp = text; *cp; cp++) {
		if (*cp < '0' || *cp > '7')
			return -1;
		val = (val << 3) | (mode_t) (*cp - '0');
	}
	*mode = val;
	return 0;
}

/* files_parse_flags - flag letters to POSTFIX_FILES_* bits; 0 or -1 */

static int
files_parse_flags(const char *text, int *flags, STRBUF *why)
{
	static const struct {
		int	letter;
		int	flag;
	} letters[] = {
		{'p', POSTFIX_FILES_PRESERVE},
		{'u', POSTFIX_FILES_UPDATE},
		{'c', POSTFIX_FILES_CREATE},
		{'r', POSTFIX_FILES_RECURSIVE},
		{'m', POSTFIX_FILES_OPTIONAL},
	};
	const char *cp;
	size_t	i;

	*flags = 0;
	for (cp = text; *cp; cp++) {
		for (i = 0; i < ARRAY_LEN(letters); i++)
			if (letters[i].letter == *cp)
				break;
		if (i == ARRAY_LEN(letters)) {
			strbuf_printf(why, "unknown flag \"%c\" in \"%s\"",
				      *cp, text);
			return -1;
		}
		*flags |= letters[i].flag;
	}
	return 0;
}

/* postfix_files_parse - one line of postfix-files */

int
postfix_files_parse(const char *line, POSTFIX_FILES_ENTRY **entp, STRBUF *why)
{
	POSTFIX_FILES_ENTRY *ent;
	ARGV   *fields;
	const char *type;
	int	status = -1;

	*entp = NULL;
	if (*line != '$')
		return 0;

	/* Empty fields count: "a::b" has three. */
	fields = argv_create();
	for (;;) {
		const char *colon = strchr(line, ':');

		if (colon == NULL) {
			argv_add(fields, line);
			break;
		}
		argv_addn(fields, line, (size_t) (colon - line));
		line = colon + 1;
	}

	if (fields->argc < 5 || fields->argc > 6) {
		strbuf_printf(why, "expected 5 or 6 fields separated by \":\", found %zu",
			      fields->argc);
		goto out;
	}
	type = fields->argv[FIELD_TYPE];
	if (strlen(type) != 1 || strchr("dflh", *type) == NULL) {
		strbuf_printf(why, "unknown type \"%s\" for %s", type,
			      fields->argv[FIELD_NAME]);
		goto out;
	}
	if (fields->argv[FIELD_NAME][1] == 0) {
		strbuf_set(why, "empty parameter name");
		goto out;
	}
	if (*fields->argv[FIELD_OWNER] == 0) {
		strbuf_printf(why, "empty owner field for %s",
			      fields->argv[FIELD_NAME]);
		goto out;
	}

	ent = xcalloc(1, sizeof(*ent));
	ent->name = xstrdup(fields->argv[FIELD_NAME]);
	ent->type = *type;
	ent->owner = xstrdup(fields->argv[FIELD_OWNER]);
	*entp = ent;

	/* For links the owner field names the target; the rest is unused. */
	if (ent->type == POSTFIX_FILES_DIR || ent->type == POSTFIX_FILES_FILE) {
		if (*fields->argv[FIELD_GROUP] == 0) {
			strbuf_printf(why, "empty group field for %s", ent->name);
			goto bad;
		}
		if (strcmp(fields->argv[FIELD_GROUP], "-") != 0)
			ent->group = xstrdup(fields->argv[FIELD_GROUP]);
		if (files_parse_mode(fields->argv[FIELD_MODE], &ent->mode) < 0) {
			strbuf_printf(why, "bad mode \"%s\" for %s",
				      fields->argv[FIELD_MODE], ent->name);
			goto bad;
		}
	}
	if (fields->argc == 6
	    && files_parse_flags(fields->argv[FIELD_FLAGS], &ent->flags, why) < 0)
		goto bad;
	status = 1;
	goto out;

bad:
	postfix_files_entry_free(ent);
	*entp = NULL;
out:
	argv_free(&fields);
	return status;
}

/* postfix_files_entry_free - release one entry */

void
postfix_files_entry_free(POSTFIX_FILES_ENTRY *ent)
{
	if (ent == NULL)
		return;
	xfree(ent->name);
	xfree(ent->owner);
	xfree(ent->group);
	xfree(ent);
}

/* postfix_files_free - release a list */

void
postfix_files_free(POSTFIX_FILES_ENTRY *list)
{
	POSTFIX_FILES_ENTRY *next;

	for (; list != NULL; list = next) {
		next = list->next;
		postfix_files_entry_free(list);
	}
}

/* postfix_files_read - the entries of a whole file */

POSTFIX_FILES_ENTRY *
postfix_files_read(const char *path, STRBUF *why)
{
	POSTFIX_FILES_ENTRY *head = NULL;
	POSTFIX_FILES_ENTRY **tail = &head;
	POSTFIX_FILES_ENTRY *ent;
	STRBUF *line;
	STRBUF *reason;
	FILE   *fp;
	int	lineno = 0;
	int	first;

	strbuf_reset(why);
	if ((fp = fopen(path, "re")) == NULL) {
		strbuf_printf(why, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	line = strbuf_create(100);
	strbuf_set_limit(line, POSTFIX_FILES_LINE_MAX);
	reason = strbuf_create(100);
	while (cfgline_read(fp, line, &lineno, &first) == 0) {
		if (strbuf_overflow(line)) {
			strbuf_printf(why, "%s, line %d: line too long", path, first);
			goto bad;
		}
		switch (postfix_files_parse(strbuf_str(line), &ent, reason)) {
		case -1:
			strbuf_printf(why, "%s, line %d: %s", path, first,
				      strbuf_str(reason));
			goto bad;
		case 1:
			ent->line = first;
			*tail = ent;
			tail = &ent->next;
			break;
		default:
			break;
		}
	}
	if (ferror(fp)) {
		strbuf_printf(why, "read %s: %s", path, strerror(errno));
		goto bad;
	}
	(void) fclose(fp);
	strbuf_free(&line);
	strbuf_free(&reason);
	return head;

bad:
	(void) fclose(fp);
	strbuf_free(&line);
	strbuf_free(&reason);
	postfix_files_free(head);
	return NULL;
}

/* postfix_files_expand - "$param/rest" to a path name */

int
postfix_files_expand(const char *name, POSTFIX_FILES_LOOKUP_FN lookup,
		     void *context, STRBUF *result, STRBUF *why)
{
	const char *slash;
	const char *value;
	char   *param;

	if (*name != '$') {
		strbuf_printf(why, "name does not start with \"$\": %s", name);
		return -1;
	}
	if ((slash = strchr(name, '/')) == NULL)
		slash = name + strlen(name);
	param = xstrndup(name + 1, (size_t) (slash - name - 1));
	if (*param == 0) {
		strbuf_printf(why, "empty parameter name in %s", name);
	} else if ((value = lookup(param, context)) == NULL) {
		strbuf_printf(why, "unknown parameter \"%s\" in %s", param, name);
	} else if (*value == 0) {
		strbuf_printf(why, "parameter \"%s\" has an empty value (in %s)",
			      param, name);
	} else {
		xfree(param);
		if (strcmp(value, "no") == 0)
			return 0;
		strbuf_set(result, value);
		strbuf_append_str(result, slash);
		return 1;
	}
	xfree(param);
	return -1;
}
