/*
 * flush.c - flush(8): per-destination logs of deferred mail
 *
 * For each destination in $fast_flush_domains, flush/SITE lists the
 * queue IDs of mail that was deferred for it. A request to deliver a
 * site's mail (ETRN, postqueue -s) makes each listed file in the
 * deferred queue due now (its modification time is the time qmgr may
 * retry it) and asks qmgr for a deferred queue scan, then empties the
 * log: mail that is deferred again is logged again.
 *
 * Requests (attr.h; clients use flush_clnt.h): request=add site=S
 * queue_id=Q, request=send_site site=S, request=send_file queue_id=Q,
 * request=rfrsh, request=purge; the reply is status=FLUSH_STAT_*. A
 * wakeup byte from master(8) (the "1000?" in master.cf) is a refresh:
 * logs that nobody read for $fast_flush_refresh_time are flushed, and
 * empty logs older than $fast_flush_purge_time are removed.
 *
 * Security: runs as $mail_owner and may be chrooted; site names from
 * clients become file names only through flush_site_path(), which
 * allows no "/" and no leading ".".
 */

#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "addr_match_list.h"	/* util */
#include "argv.h"
#include "iostream.h"
#include "lock_file.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "attr.h"		/* global */
#include "flush_clnt.h"
#include "mail_queue.h"
#include "mainconf.h"
#include "map.h"
#include "map_match.h"
#include "map_search.h"
#include "param.h"
#include "params_flush.h"
#include "params_global.h"
#include "queue_id.h"
#include "master_proto.h"	/* master */
#include "service.h"
#include "trigger_send.h"
#include "flush.h"

/* The longest log we read: many thousands of queue IDs. */
#define FLUSH_LOG_LIMIT		(16 * 1024 * 1024)

static ADDR_MATCH_LIST *flush_domains;

/* flush_policy - is site eligible? FLUSH_STAT_OK, _DENY or _FAIL */

static int
flush_policy(const char *site)
{
	char   *lc;
	int	ret;

	if (flush_domains == NULL)
		return FLUSH_STAT_DENY;
	lc = str_lower(xstrdup(site));
	ret = addr_match_list_match(flush_domains, lc, NULL);
	xfree(lc);
	if (ret < 0) {
		log_warn("fast_flush_domains: %s",
			 addr_match_list_error(flush_domains));
		return FLUSH_STAT_FAIL;
	}
	return ret > 0 ? FLUSH_STAT_OK : FLUSH_STAT_DENY;
}

/* flush_kick_qmgr - ask qmgr to scan the deferred queue */

static void
flush_kick_qmgr(void)
{
	STRBUF *why = strbuf_create(100);
	static const char req[] = {TRIGGER_REQ_SCAN_DEFERRED};

	char   *qmgr = str_concat("public/", var_queue_service_name, (char *) 0);

	if (trigger_send(MASTER_TYPE_UNIX, qmgr, req, sizeof(req),
			 var_trigger_timeout, why) < 0)
		log_warn("trigger %s: %s", qmgr, strbuf_str(why));
	xfree(qmgr);
	strbuf_free(&why);
}

/* flush_one_file - make one deferred file due now; 1 if it was there */

static int
flush_one_file(const char *queue_id)
{
	STRBUF *path = strbuf_create(100);
	int	ret = 0;

	if (mail_queue_path(path, MAIL_QUEUE_DEFERRED, queue_id) == 0) {
		if (utimes(strbuf_str(path), NULL) == 0)
			ret = 1;
		else if (errno != ENOENT)
			log_warn("update time of %s: %m", strbuf_str(path));
	}
	strbuf_free(&path);
	return ret;
}

/* flush_send_path - flush the files listed in one log, empty it */

static int
flush_send_path(const char *path)
{
	STRBUF *text = strbuf_create(1000);
	ARGV   *ids = argv_create();
	char	buf[8192];
	ssize_t got;
	size_t	i;
	int	fd, count = 0, status = FLUSH_STAT_OK;

	if ((fd = open(path, O_RDWR, 0)) < 0) {
		strbuf_free(&text);
		argv_free(&ids);
		if (errno == ENOENT)
			return FLUSH_STAT_OK;
		log_warn("open %s: %m", path);
		return FLUSH_STAT_FAIL;
	}
	if (lock_fcntl(fd, LOCK_MODE_EXCLUSIVE, LOCK_WAIT) < 0) {
		log_warn("lock %s: %m", path);
		status = FLUSH_STAT_FAIL;
	} else {
		while (strbuf_len(text) < FLUSH_LOG_LIMIT
		       && (got = read(fd, buf, sizeof(buf))) > 0)
			strbuf_append(text, buf, (size_t) got);
		flush_log_ids(strbuf_str(text), strbuf_len(text), ids);
		for (i = 0; i < ids->argc; i++)
			count += flush_one_file(ids->argv[i]);
		if (ftruncate(fd, 0) < 0)
			log_warn("truncate %s: %m", path);
		if (log_verbose)
			log_info("%s: %zu queued, %d deferred files flushed",
				 path, ids->argc, count);
	}
	(void) close(fd);
	if (count > 0)
		flush_kick_qmgr();
	strbuf_free(&text);
	argv_free(&ids);
	return status;
}

/* flush_add_service - append a queue ID to a site's log */

static int
flush_add_service(const char *site, const char *queue_id)
{
	STRBUF *path = strbuf_create(100);
	STRBUF *line = strbuf_create(100);
	int	fd, status;

	if (!queue_id_ok(queue_id) || flush_site_path(path, site) < 0) {
		status = FLUSH_STAT_BAD;
	} else if ((status = flush_policy(site)) != FLUSH_STAT_OK) {
		/* not eligible, or the list could not be searched */ ;
	} else if ((fd = open(strbuf_str(path), O_WRONLY | O_APPEND | O_CREAT,
			      0600)) < 0) {
		log_warn("open %s: %m", strbuf_str(path));
		status = FLUSH_STAT_FAIL;
	} else {
		strbuf_printf(line, "%s\n", queue_id);
		if (lock_fcntl(fd, LOCK_MODE_EXCLUSIVE, LOCK_WAIT) < 0
		    || write(fd, strbuf_str(line), strbuf_len(line))
		    != (ssize_t) strbuf_len(line)) {
			log_warn("append to %s: %m", strbuf_str(path));
			status = FLUSH_STAT_FAIL;
		}
		if (close(fd) < 0)
			status = FLUSH_STAT_FAIL;
	}
	strbuf_free(&path);
	strbuf_free(&line);
	return status;
}

/* flush_send_site_service - deliver a site's deferred mail */

static int
flush_send_site_service(const char *site)
{
	STRBUF *path = strbuf_create(100);
	int	status;

	if (flush_site_path(path, site) < 0)
		status = FLUSH_STAT_BAD;
	else if ((status = flush_policy(site)) == FLUSH_STAT_OK)
		status = flush_send_path(strbuf_str(path));
	strbuf_free(&path);
	return status;
}

/* flush_send_file_service - deliver one deferred file */

static int
flush_send_file_service(const char *queue_id)
{
	if (!queue_id_ok(queue_id))
		return FLUSH_STAT_BAD;
	if (flush_one_file(queue_id))
		flush_kick_qmgr();
	return FLUSH_STAT_OK;
}

/*
 * flush_refresh_service - flush logs unread for max_age seconds
 *
 * Empty logs older than $fast_flush_purge_time go away; non-empty ones
 * older than max_age are flushed (and so emptied, which makes their
 * time now). A purge is a refresh with max_age 0.
 */

static int
flush_refresh_service(int max_age)
{
	STRBUF *path = strbuf_create(100);
	struct dirent *dp;
	struct stat st;
	time_t	now = time((time_t *) 0);
	DIR    *dir;

	if ((dir = opendir(MAIL_QUEUE_FLUSH)) == NULL) {
		log_warn("open directory %s: %m", MAIL_QUEUE_FLUSH);
		strbuf_free(&path);
		return FLUSH_STAT_FAIL;
	}
	while ((dp = readdir(dir)) != NULL) {
		if (dp->d_name[0] == '.')
			continue;
		strbuf_printf(path, "%s/%s", MAIL_QUEUE_FLUSH, dp->d_name);
		if (lstat(strbuf_str(path), &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_size == 0) {
			if (now - st.st_mtime > var_fast_flush_purge_time) {
				if (unlink(strbuf_str(path)) < 0)
					log_warn("remove %s: %m", strbuf_str(path));
				else if (log_verbose)
					log_info("remove empty log %s",
						 strbuf_str(path));
			}
		} else if (now - st.st_mtime >= max_age) {
			(void) flush_send_path(strbuf_str(path));
		}
	}
	(void) closedir(dir);
	strbuf_free(&path);
	return FLUSH_STAT_OK;
}

/* flush_serve - one client request */

static void
flush_serve(IOSTREAM *client, const SERVICE *svc)
{
	STRBUF *request = strbuf_create(20);
	STRBUF *site = strbuf_create(100);
	STRBUF *queue_id = strbuf_create(40);
	const char *req;
	int	ch, status;

	(void) svc;

	/* master(8)'s periodic wakeup is a bare trigger byte, not a request. */
	if ((ch = iostream_getc(client)) == IOS_EOF)
		goto done;
	if (ch == TRIGGER_REQ_WAKEUP) {
		(void) flush_refresh_service(var_fast_flush_refresh_time);
		goto done;
	}
	(void) iostream_ungetc(client, ch);

	strbuf_set_limit(site, 1000);
	strbuf_set_limit(queue_id, 100);
	if (attr_scan(client, ATTR_FLAG_NONE,
		      ATTR_RECV_STR(ATTR_NAME_REQUEST, request),
		      ATTR_RECV_STR(FLUSH_ATTR_SITE, site),
		      ATTR_RECV_STR(FLUSH_ATTR_QUEUE_ID, queue_id),
		      ATTR_TYPE_END) < 1) {
		log_warn("malformed request");
		goto done;
	}
	req = strbuf_str(request);
	if (strcmp(req, FLUSH_REQ_ADD) == 0) {
		status = flush_add_service(strbuf_str(site), strbuf_str(queue_id));
	} else if (strcmp(req, FLUSH_REQ_SEND_SITE) == 0) {
		status = flush_send_site_service(strbuf_str(site));
	} else if (strcmp(req, FLUSH_REQ_SEND_FILE) == 0) {
		status = flush_send_file_service(strbuf_str(queue_id));
	} else if (strcmp(req, FLUSH_REQ_REFRESH) == 0) {
		status = flush_refresh_service(var_fast_flush_refresh_time);
	} else if (strcmp(req, FLUSH_REQ_PURGE) == 0) {
		status = flush_refresh_service(0);
	} else {
		log_warn("unrecognized request: \"%.100s\"", req);
		status = FLUSH_STAT_BAD;
	}
	if (log_verbose)
		log_info("request %s site %s queue_id %s: status %d", req,
			 strbuf_str(site), strbuf_str(queue_id), status);
	(void) attr_print(client, ATTR_FLAG_NONE,
			  ATTR_SEND_INT(ATTR_NAME_STATUS, status),
			  ATTR_TYPE_END);
done:
	strbuf_free(&request);
	strbuf_free(&site);
	strbuf_free(&queue_id);
}

/* flush_pre_jail - parse $fast_flush_domains, open its tables */

static void
flush_pre_jail(const SERVICE *svc)
{
	STRBUF *why = strbuf_create(100);
	int	flags = ADDR_MATCH_FLAG_NONE;

	(void) svc;

	if (map_search_parent_style(var_parent_domain_matches_subdomains,
				    "fast_flush_domains"))
		flags |= ADDR_MATCH_FLAG_PARENT;
	if (*var_fast_flush_domains
	    && (flush_domains = addr_match_list_create_ops(var_fast_flush_domains,
							   flags,
							   &map_match_ops,
							   NULL, why)) == NULL)
		log_fatal("fast_flush_domains: %s", strbuf_str(why));
	strbuf_free(&why);
}

int
main(int argc, char **argv)
{
	static const SERVICE_SPEC spec = {
		.name = "flush",
		.model = SERVICE_SINGLE,
		.param_groups = PARAM_GROUP_FLUSH,
		.pre_jail = flush_pre_jail,
		.serve = flush_serve,
	};

	service_main(argc, argv, &spec);
}
