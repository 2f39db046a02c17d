/*
 * flush_site.c - flush(8) log names and contents
 *
 * Site names come from SMTP clients (ETRN) and from users (postqueue
 * -s), so they never reach the file system unchanged: the mapping to a
 * file name keeps only characters that cannot form a path.
 */

#include "sysdeps.h"

#include <ctype.h>
#include <string.h>

#include "argv.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "mail_queue.h"		/* global */
#include "queue_id.h"
#include "flush.h"

#define FLUSH_SITE_MAX	255

/* flush_site_path - site name to log path */

int
flush_site_path(STRBUF *path, const char *site)
{
	const char *cp;
	int	ch;

	if (*site == 0 || *site == '.' || strlen(site) > FLUSH_SITE_MAX)
		return -1;
	strbuf_set(path, MAIL_QUEUE_FLUSH "/");
	for (cp = site; *cp; cp++) {
		ch = tolower((unsigned char) *cp);
		if (!(isascii(ch) && (isalnum(ch) || ch == '.' || ch == '-')))
			ch = '_';
		strbuf_append_char(path, ch);
	}
	return 0;
}

/* flush_log_ids - the distinct queue IDs of a log */

void
flush_log_ids(const char *text, size_t len, ARGV *ids)
{
	const char *end = text + len;
	const char *nl;
	char   *id;
	size_t	first = ids->argc;

	while (text < end) {
		if ((nl = memchr(text, '\n', (size_t) (end - text))) == NULL)
			nl = end;
		id = xstrndup(text, (size_t) (nl - text));
		if (queue_id_ok(id))
			argv_add(ids, id);
		xfree(id);
		text = nl + 1;
	}
	if (ids->argc > first) {
		argv_sort(ids);
		argv_uniq(ids);
	}
}
