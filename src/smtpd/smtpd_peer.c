/*
 * smtpd_peer.c - who is the SMTP client: address, port and host name
 *
 * The address and port come from getpeername(); an IPv4-mapped IPv6
 * address is shown as plain IPv4, as Postfix does. With
 * smtpd_peername_lookup the PTR name is looked up (reverse_name) and
 * forward-confirmed: the name is "verified" (name) only when one of its
 * addresses is the client's. A temporary lookup failure is kept apart
 * from a permanent one (SMTPD_PEER_CODE_TEMP vs _PERM) so that checks
 * such as reject_unknown_client_hostname can answer 450 instead of 550.
 */

#include "sysdeps.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <ctype.h>
#include <string.h>

#include "log.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "iostream.h"
#include "params_smtpd.h"	/* global */
#include "smtpd.h"
#include "smtpd_peer.h"

/* peer_unmap - IPv4-mapped IPv6 to IPv4, in place */

static void
peer_unmap(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
	struct sockaddr_in sin;

	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = sin6->sin6_port;
	memcpy(&sin.sin_addr, sin6->sin6_addr.s6_addr + 12, 4);
	memcpy(ss, &sin, sizeof(sin));
	*len = sizeof(sin);
}

/* peer_name_ok - a PTR result that looks like a host name, not an address */

static int
peer_name_ok(const char *name)
{
	struct in6_addr a6;
	struct in_addr a4;
	const char *cp;

	if (*name == 0 || strlen(name) > 255)
		return 0;
	if (inet_pton(AF_INET, name, &a4) == 1
	    || inet_pton(AF_INET6, name, &a6) == 1)
		return 0;
	for (cp = name; *cp; cp++)
		if (!(isalnum((unsigned char) *cp) || *cp == '-' || *cp == '.' || *cp == '_'))
			return 0;
	return 1;
}

/* peer_forward_confirm - does name map back to addr? SMTPD_PEER_CODE_* */

static int
peer_forward_confirm(const char *name, const char *addr)
{
	struct addrinfo hints, *res, *ai;
	char	buf[NI_MAXHOST];
	int	err;
	int	ret = SMTPD_PEER_CODE_FORGED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		if (err == EAI_AGAIN)
			return SMTPD_PEER_CODE_TEMP;
		log_warn("hostname %s does not resolve to address %s: %s",
			 name, addr, gai_strerror(err));
		return SMTPD_PEER_CODE_FORGED;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct sockaddr_storage ss;
		socklen_t len = ai->ai_addrlen;

		if (len > sizeof(ss))
			continue;
		memcpy(&ss, ai->ai_addr, len);
		peer_unmap(&ss, &len);
		if (getnameinfo((struct sockaddr *) &ss, len, buf, sizeof(buf),
				NULL, 0, NI_NUMERICHOST) == 0
		    && strcasecmp(buf, addr) == 0) {
			ret = SMTPD_PEER_CODE_OK;
			break;
		}
	}
	freeaddrinfo(res);
	if (ret == SMTPD_PEER_CODE_FORGED)
		log_warn("hostname %s does not resolve to address %s",
			 name, addr);
	return ret;
}

/* smtpd_peer_init - fill in the client identity of a new session */

void
smtpd_peer_init(SMTPD_STATE *state)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char	host[NI_MAXHOST];
	char	serv[NI_MAXSERV];
	int	fd = iostream_fileno(state->client);
	int	err;

	state->name_status = SMTPD_PEER_CODE_PERM;
	state->reverse_name_status = SMTPD_PEER_CODE_PERM;
	memset(&ss, 0, sizeof(ss));
	if (fd < 0 || getpeername(fd, (struct sockaddr *) &ss, &len) < 0
	    || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		/* Not a network peer (stand-alone test, UNIX socket). */
		state->addr = xstrdup("127.0.0.1");
		state->rfc_addr = xstrdup("127.0.0.1");
		state->port = xstrdup("0");
		state->addr_family = AF_UNSPEC;
		state->name = xstrdup("localhost");
		state->reverse_name = xstrdup("localhost");
		state->name_status = SMTPD_PEER_CODE_OK;
		state->reverse_name_status = SMTPD_PEER_CODE_OK;
	} else {
		peer_unmap(&ss, &len);
		state->addr_family = ss.ss_family;
		if (getnameinfo((struct sockaddr *) &ss, len, host, sizeof(host),
				serv, sizeof(serv),
				NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			log_fatal("cannot convert client address to text");
		state->addr = xstrdup(host);
		state->port = xstrdup(serv);
		state->rfc_addr = ss.ss_family == AF_INET6 ?
		    str_concat("IPv6:", host, (char *) 0) : xstrdup(host);
		state->name = NULL;
		state->reverse_name = NULL;
		if (var_smtpd_peername_lookup) {
			err = getnameinfo((struct sockaddr *) &ss, len, host,
					  sizeof(host), NULL, 0, NI_NAMEREQD);
			if (err == 0 && peer_name_ok(host)) {
				state->reverse_name = xstrdup(str_lower(host));
				state->reverse_name_status = SMTPD_PEER_CODE_OK;
				state->name_status =
				    peer_forward_confirm(host, state->addr);
				if (state->name_status == SMTPD_PEER_CODE_OK)
					state->name = xstrdup(host);
			} else if (err == EAI_AGAIN) {
				state->reverse_name_status = SMTPD_PEER_CODE_TEMP;
				state->name_status = SMTPD_PEER_CODE_TEMP;
			}
		}
		if (state->name == NULL)
			state->name = xstrdup("unknown");
		if (state->reverse_name == NULL)
			state->reverse_name = xstrdup("unknown");
	}

	/* Local end, for the policy protocol and logging. */
	len = sizeof(ss);
	if (fd >= 0 && getsockname(fd, (struct sockaddr *) &ss, &len) == 0
	    && (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		peer_unmap(&ss, &len);
		if (getnameinfo((struct sockaddr *) &ss, len, host, sizeof(host),
				serv, sizeof(serv),
				NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
			state->server_addr = xstrdup(host);
			state->server_port = xstrdup(serv);
		}
	}
	if (state->server_addr == NULL) {
		state->server_addr = xstrdup("127.0.0.1");
		state->server_port = xstrdup("0");
	}
	state->namaddr = var_smtpd_client_port_logging ?
	    str_concat(state->name, "[", state->addr, "]:", state->port,
		       (char *) 0) :
	    str_concat(state->name, "[", state->addr, "]", (char *) 0);
}

/* smtpd_peer_reset - release what smtpd_peer_init() allocated */

void
smtpd_peer_reset(SMTPD_STATE *state)
{
	xfree(state->name);
	xfree(state->reverse_name);
	xfree(state->addr);
	xfree(state->rfc_addr);
	xfree(state->port);
	xfree(state->namaddr);
	xfree(state->server_addr);
	xfree(state->server_port);
	state->name = state->reverse_name = state->addr = NULL;
	state->rfc_addr = state->port = state->namaddr = NULL;
	state->server_addr = state->server_port = NULL;
}
