/*
 * master_ent.c - turn a master.cf entry into a service
 *
 * Interprets the columns as master(5) describes them ("-" selects the
 * default), finds the addresses an inet service listens on, and builds
 * the command line of the service's processes:
 *
 *	command [-l] [-z] -n name -t type [-v] [-u] [-c] [-s count] args...
 *
 * where the arguments (with their -o options) keep the order they had
 * in master.cf. Nothing here opens endpoints; a failed lookup is an
 * error that the caller reports with the file name and line.
 */

#include "sysdeps.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"		/* util */
#include "inet_addr.h"
#include "log.h"
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "mainconf.h"		/* global */
#include "mastercf.h"
#include "params_global.h"
#include "master.h"

#define ENT_SEPARATORS	", \t\r\n"

/* master_ent_vars_init - take the settings from the loaded parameters */

void
master_ent_vars_init(MASTER_ENT_VARS *vars)
{
	vars->daemon_directory = var_daemon_directory;
	vars->inet_interfaces = var_inet_interfaces;
	vars->inet_protocols = var_inet_protocols;
	vars->known_tcp_ports = var_known_tcp_ports;
	vars->service_disable = var_master_service_disable;
	vars->default_process_limit = var_default_process_limit;
	vars->throttle_time = var_service_throttle_time;
	vars->verbose = log_verbose;
}

/* ent_bool - a y/n column; "-" is the default */

static int
ent_bool(const char *value, const char *field, int def, int *result,
	 STRBUF *why)
{
	if (strcmp(value, "-") == 0)
		*result = def;
	else if (strcmp(value, "y") == 0)
		*result = 1;
	else if (strcmp(value, "n") == 0)
		*result = 0;
	else {
		strbuf_printf(why, "field \"%s\": bad value: \"%s\"", field, value);
		return -1;
	}
	return 0;
}

/* ent_int - a number column; "-" is the default */

static int
ent_int(const char *value, const char *field, int def, int *result,
	STRBUF *why)
{
	long	num;

	if (strcmp(value, "-") == 0) {
		*result = def;
		return 0;
	}
	if (parse_long(value, &num, 0, 1000000000L) < 0) {
		strbuf_printf(why, "field \"%s\": bad value: \"%s\"", field, value);
		return -1;
	}
	*result = (int) num;
	return 0;
}

/* ent_protocols - the address families that inet_protocols selects */

static int
ent_protocols(const char *value, int *want4, int *want6, STRBUF *why)
{
	char   *copy = xstrdup(value);
	char   *cp = copy;
	char   *tok;
	int	sock;

	*want4 = *want6 = 0;
	while ((tok = token_next(&cp, ENT_SEPARATORS)) != NULL) {
		if (strcasecmp(tok, "all") == 0) {
			*want4 = 1;
			/* "all" means IPv6 too, when this host has it. */
			if ((sock = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
				*want6 = 1;
				(void) close(sock);
			}
		} else if (strcasecmp(tok, "ipv4") == 0) {
			*want4 = 1;
		} else if (strcasecmp(tok, "ipv6") == 0) {
			*want6 = 1;
		} else {
			strbuf_printf(why, "bad inet_protocols value: \"%s\"", value);
			xfree(copy);
			return -1;
		}
	}
	xfree(copy);
	if (!*want4 && !*want6) {
		strbuf_printf(why, "bad inet_protocols value: \"%s\"", value);
		return -1;
	}
	return 0;
}

/* ent_add_addr - append an address unless it is there already */

static void
ent_add_addr(MASTER_SERV *serv, const INET_ADDR *addr)
{
	int	n;

	for (n = 0; n < serv->listen_count; n++)
		if (inet_addr_equal(serv->addrs + n, addr))
			return;
	serv->addrs = xrealloc(serv->addrs,
			       size_mul((size_t) serv->listen_count + 1,
					sizeof(*serv->addrs)));
	serv->addrs[serv->listen_count++] = *addr;
}

/* ent_add_host - the addresses of a host name or address literal */

static int
ent_add_host(MASTER_SERV *serv, const char *host, int want4, int want6,
	     STRBUF *why)
{
	struct addrinfo hints;
	struct addrinfo *res, *ai;
	INET_ADDR addr;
	int	found = 0;
	int	err;

	/* An address literal needs no resolver, and its family is known. */
	if (inet_addr_pton(host, &addr) == 0) {
		if ((addr.family == AF_INET && !want4)
		    || (addr.family == AF_INET6 && !want6)) {
			strbuf_printf(why, "address %s: its protocol is disabled by inet_protocols",
				      host);
			return -1;
		}
		ent_add_addr(serv, &addr);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = want4 && want6 ? AF_UNSPEC : want4 ? AF_INET : AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		strbuf_printf(why, "bad hostname or network address: %s: %s",
			      host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (inet_addr_from_sockaddr(ai->ai_addr, ai->ai_addrlen, &addr,
					    NULL) < 0)
			continue;
		if ((addr.family == AF_INET && !want4)
		    || (addr.family == AF_INET6 && !want6))
			continue;
		ent_add_addr(serv, &addr);
		found = 1;
	}
	freeaddrinfo(res);
	if (!found) {
		strbuf_printf(why, "bad hostname or network address: %s", host);
		return -1;
	}
	return 0;
}

/* ent_port - a port number or name, via known_tcp_ports first */

static int
ent_port(const char *port, const char *known, unsigned *result, STRBUF *why)
{
	struct servent *se;
	char   *copy, *cp, *item, *eq, *name;
	long	num;
	int	found = 0;

	if (parse_long(port, &num, 1, 65535) == 0) {
		*result = (unsigned) num;
		return 0;
	}

	/* known_tcp_ports: "name=port" or "name=alias=port" items. */
	if (known != NULL) {
		cp = copy = xstrdup(known);
		while (!found && (item = token_next(&cp, ", \t\r\n")) != NULL) {
			if ((eq = strrchr(item, '=')) == NULL
			    || parse_long(eq + 1, &num, 1, 65535) < 0)
				continue;
			*eq = 0;
			while ((name = token_next(&item, "=")) != NULL)
				if (strcmp(name, port) == 0)
					found = 1;
		}
		xfree(copy);
		if (found) {
			*result = (unsigned) num;
			return 0;
		}
	}
	if ((se = getservbyname(port, "tcp")) != NULL) {
		*result = ntohs((unsigned short) se->s_port);
		return 0;
	}
	strbuf_printf(why, "unknown service: %s/tcp", port);
	return -1;
}

/* ent_inet - endpoint name and addresses of an inet service */

static int
ent_inet(MASTER_SERV *serv, const MASTER_ENT_VARS *vars, STRBUF *why)
{
	INET_ADDR_HOSTPORT hp;
	INET_ADDR_STR abuf;
	INET_ADDR addr;
	char   *copy = xstrdup(serv->ext_name);
	STRBUF *name = strbuf_create(50);
	char   *cp, *tok;
	char   *last;
	int	want4, want6;
	int	ret = -1;

	if (ent_protocols(vars->inet_protocols, &want4, &want6, why) < 0)
		goto out;

	/* master(5) also allows an IPv6 host without brackets: "::1:smtp". */
	if (*copy != '[' && (last = strrchr(copy, ':')) != NULL
	    && strchr(copy, ':') != last) {
		*last = 0;
		hp.host = copy;
		hp.port = last + 1;
		hp.bracketed = 0;
	} else if (inet_addr_split_hostport(copy, INET_ADDR_HOSTPORT_BARE_PORT,
					    &hp, why) < 0) {
		goto out;
	}
	if (hp.port == NULL) {
		strbuf_printf(why, "missing port in \"%s\"", serv->ext_name);
		goto out;
	}
	if (ent_port(hp.port, vars->known_tcp_ports, &serv->port, why) < 0)
		goto out;

	/*
	 * The endpoint name identifies the service across reloads, so "smtp"
	 * and "25" must give the same name.
	 */
	if (hp.host != NULL) {
		if (ent_add_host(serv, hp.host, want4, want6, why) < 0)
			goto out;
		if (inet_addr_pton(hp.host, &addr) == 0)
			strbuf_printf(name, "[%s]:", inet_addr_ntop(&addr, &abuf));
		else
			strbuf_printf(name, "%s:", hp.host);
	} else if (strcasecmp(vars->inet_interfaces, "all") == 0) {
		memset(&addr, 0, sizeof(addr));
		if (want4) {
			addr.family = AF_INET;
			ent_add_addr(serv, &addr);
		}
		if (want6) {
			addr.family = AF_INET6;
			ent_add_addr(serv, &addr);
		}
	} else if (strcasecmp(vars->inet_interfaces, "loopback-only") == 0) {
		if (want4)
			(void) ent_add_host(serv, "127.0.0.1", 1, 0, why);
		if (want6)
			(void) ent_add_host(serv, "::1", 0, 1, why);
	} else {
		cp = xstrdup(vars->inet_interfaces);
		last = cp;
		while ((tok = token_next(&cp, ENT_SEPARATORS)) != NULL) {
			/* An interface whose protocol is off is left out. */
			if (inet_addr_pton(tok, &addr) == 0
			    && ((addr.family == AF_INET && !want4)
				|| (addr.family == AF_INET6 && !want6)))
				continue;
			if (ent_add_host(serv, tok, want4, want6, why) < 0) {
				xfree(last);
				goto out;
			}
		}
		xfree(last);
	}
	if (serv->listen_count == 0) {
		strbuf_printf(why, "no address to listen on for \"%s\"",
			      serv->ext_name);
		goto out;
	}
	if (serv->listen_count > MASTER_LISTEN_MAX) {
		strbuf_printf(why, "too many addresses for \"%s\" (limit %d)",
			      serv->ext_name, MASTER_LISTEN_MAX);
		goto out;
	}
	strbuf_append_printf(name, "%u", serv->port);
	serv->name = strbuf_detach(name);
	ret = 0;

out:
	strbuf_free(&name);
	xfree(copy);
	return ret;
}

/* master_ent_create - a service from a master.cf entry */

MASTER_SERV *
master_ent_create(const MASTERCF_ENTRY *ent, const char *path,
		  const MASTER_ENT_VARS *vars, STRBUF *why)
{
	MASTER_SERV *serv = xcalloc(1, sizeof(*serv));
	STRBUF *reason = strbuf_create(100);
	const char *const *col = (const char *const *) ent->column;
	const char *command;
	char	buf[32];
	size_t	i;
	char   *wakeup;
	size_t	len;
	int	n;

	if (!ent->is_service || !ent->parsed)
		log_panic("master_ent_create: entry is not a parsed service");
	serv->ext_name = xstrdup(col[MASTERCF_SERVICE]);
	serv->line = ent->line;
	serv->status_fd[0] = serv->status_fd[1] = -1;
	serv->throttle_delay = vars->throttle_time;

	if ((serv->type = master_type_code(col[MASTERCF_TYPE])) == 0) {
		strbuf_printf(reason, "bad transport type: %s", col[MASTERCF_TYPE]);
		goto bad;
	}
	if (ent_bool(col[MASTERCF_PRIVATE], "private", 1, &serv->private,
		     reason) < 0
	    || ent_bool(col[MASTERCF_UNPRIV], "unprivileged", 1, &serv->unpriv,
			reason) < 0
	    || ent_bool(col[MASTERCF_CHROOT], "chroot", 0, &serv->chroot,
			reason) < 0)
		goto bad;

	/* Wakeup: seconds, with '?' for "not before the first use". */
	wakeup = xstrdup(col[MASTERCF_WAKEUP]);
	len = strlen(wakeup);
	if (len > 1 && wakeup[len - 1] == '?') {
		wakeup[len - 1] = 0;
		serv->flags |= MASTER_FLAG_CONDWAKE;
	}
	n = ent_int(wakeup, "wakeup_time", 0, &serv->wakeup_time, reason);
	xfree(wakeup);
	if (n < 0)
		goto bad;
	if (serv->wakeup_time == 0)
		serv->flags &= ~MASTER_FLAG_CONDWAKE;
	if (ent_int(col[MASTERCF_MAXPROC], "max_proc",
		    vars->default_process_limit, &serv->max_proc, reason) < 0)
		goto bad;

	if (serv->type == MASTER_TYPE_INET) {
		if (serv->private) {
			strbuf_set(reason, "inet service cannot be private");
			goto bad;
		}
		if (ent_inet(serv, vars, reason) < 0)
			goto bad;
	} else {
		serv->name = str_concat(serv->private ? "private/" : "public/",
					serv->ext_name, NULL);
		serv->listen_count = 1;
	}
	serv->listen_fd = xmalloc(size_mul((size_t) serv->listen_count,
					   sizeof(int)));
	for (n = 0; n < serv->listen_count; n++)
		serv->listen_fd[n] = -1;

	command = ent->argv->argv[MASTERCF_COMMAND];
	serv->path = str_concat(vars->daemon_directory, "/", command, NULL);
	serv->args = argv_create();
	argv_add(serv->args, command);
	if (serv->max_proc == 1)
		argv_add(serv->args, "-l");
	if (serv->max_proc == 0)
		argv_add(serv->args, "-z");
	argv_add(serv->args, "-n");
	argv_add(serv->args, serv->ext_name);
	argv_add(serv->args, "-t");
	argv_add(serv->args, col[MASTERCF_TYPE]);
	if (vars->verbose)
		argv_add(serv->args, "-v");
	if (serv->unpriv)
		argv_add(serv->args, "-u");
	if (serv->chroot)
		argv_add(serv->args, "-c");
	if (serv->listen_count > 1) {
		snprintf(buf, sizeof(buf), "%d", serv->listen_count);
		argv_add(serv->args, "-s");
		argv_add(serv->args, buf);
	}
	for (i = MASTERCF_COMMAND + 1; i < ent->argv->argc; i++)
		argv_add(serv->args, ent->argv->argv[i]);
	strbuf_free(&reason);
	return serv;

bad:
	if (path)
		strbuf_printf(why, "%s: line %d: %s", path, ent->line,
			      strbuf_str(reason));
	else
		strbuf_set(why, strbuf_str(reason));
	strbuf_free(&reason);
	master_ent_free(serv);
	return NULL;
}

/* master_ent_free - release a service (endpoints must be closed) */

void
master_ent_free(MASTER_SERV *serv)
{
	xfree(serv->ext_name);
	xfree(serv->name);
	xfree(serv->path);
	if (serv->args)
		argv_free(&serv->args);
	xfree(serv->addrs);
	xfree(serv->listen_fd);
	xfree(serv);
}

/* master_ent_format - one line about a service, for verbose logs */

void
master_ent_format(const MASTER_SERV *serv, STRBUF *out)
{
	INET_ADDR_STR abuf;
	size_t	i;
	int	n;

	strbuf_append_printf(out, "service %s (%s) type %s wakeup %d%s"
			     " maxproc %d path %s", serv->ext_name, serv->name,
			     master_type_name(serv->type), serv->wakeup_time,
			     (serv->flags & MASTER_FLAG_CONDWAKE) ? "?" : "",
			     serv->max_proc, serv->path);
	for (n = 0; n < serv->listen_count && serv->addrs; n++)
		strbuf_append_printf(out, " addr %s",
				     inet_addr_ntop(serv->addrs + n, &abuf));
	strbuf_append_str(out, " argv");
	for (i = 0; serv->args && i < serv->args->argc; i++)
		strbuf_append_printf(out, " %s", serv->args->argv[i]);
}

/* master_ent_same_key - same endpoint name and type */

int
master_ent_same_key(const MASTER_SERV *a, const MASTER_SERV *b)
{
	return a->type == b->type && strcmp(a->name, b->name) == 0;
}

/* master_ent_compare - what a reload must do about a service */

int
master_ent_compare(const MASTER_SERV *old_serv, const MASTER_SERV *new_serv)
{
	size_t	i;
	int	n;

	if (!master_ent_same_key(old_serv, new_serv)
	    || old_serv->listen_count != new_serv->listen_count
	    || old_serv->port != new_serv->port)
		return MASTER_ENT_REPLACE;
	for (n = 0; n < old_serv->listen_count && old_serv->addrs; n++)
		if (!inet_addr_equal(old_serv->addrs + n, new_serv->addrs + n))
			return MASTER_ENT_REPLACE;
	if (old_serv->unpriv != new_serv->unpriv
	    || old_serv->chroot != new_serv->chroot
	    || old_serv->wakeup_time != new_serv->wakeup_time
	    || (old_serv->flags & MASTER_FLAG_CONDWAKE)
	    != (new_serv->flags & MASTER_FLAG_CONDWAKE)
	    || old_serv->max_proc != new_serv->max_proc
	    || old_serv->throttle_delay != new_serv->throttle_delay
	    || strcmp(old_serv->ext_name, new_serv->ext_name) != 0
	    || strcmp(old_serv->path, new_serv->path) != 0
	    || old_serv->args->argc != new_serv->args->argc)
		return MASTER_ENT_UPDATE;
	for (i = 0; i < old_serv->args->argc; i++)
		if (strcmp(old_serv->args->argv[i], new_serv->args->argv[i]) != 0)
			return MASTER_ENT_UPDATE;
	return MASTER_ENT_SAME;
}

/* master_ent_disabled - master_service_disable matching */

int
master_ent_disabled(const char *patterns, const char *ext_name,
		    const char *type_name)
{
	char   *copy, *cp, *pat, *slash;
	int	negate;
	int	match = 0;
	int	result = 0;

	if (patterns == NULL)
		return 0;
	cp = copy = xstrdup(patterns);
	while (!match && (pat = token_next(&cp, ENT_SEPARATORS)) != NULL) {
		if ((negate = (*pat == '!')) != 0)
			pat++;
		if ((slash = strrchr(pat, '/')) != NULL) {
			*slash = 0;
			match = strcmp(pat, ext_name) == 0
			    && strcasecmp(slash + 1, type_name) == 0;
		} else {
			match = strcasecmp(pat, type_name) == 0;
		}
		if (match)
			result = !negate;
	}
	xfree(copy);
	return result;
}
