/*
 * smtpd_check_int.h - restriction engine internals shared by
 * smtpd_check.c (the engine: lists, classes, generic actions, access
 * tables, address checks) and smtpd_check_dns.c (the checks that ask
 * the DNS: DNSBL/DNSWL, RHSBL, unknown host names and domains, MX/NS/A
 * access). Nothing else includes this file.
 *
 * Every check answers SMTPD_CHECK_DUNNO (no decision: go on with the
 * list), SMTPD_CHECK_OK (permit: stop this list) or SMTPD_CHECK_REJECT
 * (the reply was made with smtpd_check_reject(): stop everything).
 *
 * reply_name is the thing being checked as it appears in the reply
 * ("<user@example.com>", "host.example.com[1.2.3.4]", the HELO name);
 * reply_class is Postfix's wording of its kind, one of the
 * SMTPD_NAME_* below ("Client host", "Sender address"...), giving
 * replies such as "554 5.7.1 <x@y>: Sender address rejected: Access
 * denied".
 */

#ifndef SMTPD_CHECK_INT_H
#define SMTPD_CHECK_INT_H

#include "smtpd.h"

#define SMTPD_CHECK_DUNNO	0
#define SMTPD_CHECK_OK		1
#define SMTPD_CHECK_REJECT	2

#define SMTPD_NAME_CLIENT	"Client host"
#define SMTPD_NAME_REV_CLIENT	"Unverified Client host"
#define SMTPD_NAME_HELO		"Helo command"
#define SMTPD_NAME_SENDER	"Sender address"
#define SMTPD_NAME_RECIPIENT	"Recipient address"
#define SMTPD_NAME_ETRN		"Etrn command"
#define SMTPD_NAME_DATA		"Data command"
#define SMTPD_NAME_EOD		"End-of-data"
#define SMTPD_NAME_CCERT	"Client certificate"
#define SMTPD_NAME_SASL_USER	"SASL login name"

/*
 * Makes the reply "CODE DSN TEXT" (TEXT from fmt), honouring
 * soft_bounce (5xx becomes 4xx), warn_if_reject (logs
 * "reject_warning:" and answers DUNNO instead), and logs the reject
 * line. The DSN's first digit follows the code's. Returns
 * SMTPD_CHECK_REJECT or SMTPD_CHECK_DUNNO.
 */
extern int smtpd_check_reject(SMTPD_STATE *state, int code, const char *dsn,
			      const char *fmt,...) PRINTFLIKE(4, 5);

/*
 * A temporary problem (typically a DNS timeout) found by a check that
 * would otherwise reject: Postfix's defer_if_permit. The reply is
 * remembered and sent only when the restriction lists end in permit;
 * answers SMTPD_CHECK_DUNNO.
 */
extern int smtpd_check_defer_if_permit(SMTPD_STATE *state, int code,
				       const char *dsn, const char *fmt,...)
				       PRINTFLIKE(4, 5);

/*
 * A temporary problem found by a check that would otherwise permit
 * (a DNSWL that cannot be asked): Postfix's defer_if_reject. The reply
 * is remembered and replaces a later 5xx reject of the same request.
 */
extern void smtpd_check_defer_if_reject(SMTPD_STATE *state, int code,
					const char *dsn, const char *fmt,...)
					PRINTFLIKE(4, 5);

/*
 * Evaluates an access(5) table result (or a policy server's action)
 * value for the thing in reply_name: OK, REJECT [text], DEFER [text],
 * DEFER_IF_REJECT, DEFER_IF_PERMIT, 4NN/5NN text, DISCARD, HOLD,
 * FILTER, REDIRECT, PREPEND, WARN, INFO, DUNNO, BCC (warn: unsupported),
 * a restriction class name, or a list of restrictions. table names the
 * source for logs ("hash:/etc/postfix/access"). def_acl is the
 * restriction name that found it ("check_sender_mx_access"), for the
 * recursion rules. Returns SMTPD_CHECK_*.
 */
extern int smtpd_check_table_result(SMTPD_STATE *state, const char *table,
				    const char *value, const char *def_acl,
				    const char *reply_name,
				    const char *reply_class);

/*
 * Looks domain (a host or domain name; parent domains as
 * parent_domain_matches_subdomains says for smtpd_access_maps) up in the
 * table named table (as written in the restriction list: "hash:/x";
 * the engine opens and caches it) and evaluates a hit with
 * smtpd_check_table_result(). *found says whether the table knew it. A
 * table lookup error defers ("451 4.3.0 <name>: Temporary lookup
 * failure"). Returns SMTPD_CHECK_*.
 */
extern int smtpd_check_domain_access(SMTPD_STATE *state, const char *table,
				     const char *domain, const char *def_acl,
				     const char *reply_name,
				     const char *reply_class, int *found);

/* The same for a network address (with its parent networks). */
extern int smtpd_check_addr_access(SMTPD_STATE *state, const char *table,
				   const char *addr, const char *def_acl,
				   const char *reply_name,
				   const char *reply_class, int *found);

/*
 * DNS checks (smtpd_check_dns.c). zone_arg is the restriction's
 * argument as written: "zen.example.org" or
 * "zen.example.org=127.0.0.[2..11]" (Postfix's address filter
 * syntax: a pattern of 4 octets, each a number, "[n;m;..]" or
 * "[n..m]"); for permit_dnswl_client also a DNSWL zone. A DNS timeout
 * never rejects: it defers (defer_if_permit for the checks that
 * Postfix treats so) or is skipped with a warning, as Postfix does.
 */

/* reject_rbl_client, reject_rhsbl_* (rbl_reply_maps, default_rbl_reply,
 * maps_rbl_reject_code). */
extern int smtpd_dns_rbl_client(SMTPD_STATE *state, const char *zone_arg);
extern int smtpd_dns_rhsbl(SMTPD_STATE *state, const char *zone_arg,
			   const char *domain, const char *reply_name,
			   const char *reply_class);

/* permit_dnswl_client, permit_rhswl_client: SMTPD_CHECK_OK on a hit. */
extern int smtpd_dns_dnswl_client(SMTPD_STATE *state, const char *zone_arg);
extern int smtpd_dns_rhswl_client(SMTPD_STATE *state, const char *zone_arg);

/* reject_unknown_helo_hostname: no A, AAAA or MX record
 * (unknown_hostname_reject_code, 450 on temporary failure). */
extern int smtpd_dns_unknown_hostname(SMTPD_STATE *state, const char *name,
				      const char *reply_name,
				      const char *reply_class);

/* reject_unknown_sender_domain / reject_unknown_recipient_domain: the
 * domain of addr has no MX, A or AAAA record, or a null MX
 * (unknown_address_reject_code, unknown_address_tempfail_action). */
extern int smtpd_dns_unknown_domain(SMTPD_STATE *state, const char *addr,
				    const char *reply_name,
				    const char *reply_class);

/* check_{client,reverse_client,helo,sender,recipient}_{mx,ns,a}_access:
 * looks up the MX hosts / name servers / addresses of domain (their
 * names in the table, then their addresses with
 * smtpd_check_addr_access). type is DNS_T_MX, DNS_T_NS or DNS_T_A. */
extern int smtpd_dns_host_access(SMTPD_STATE *state, const char *table,
				 unsigned type, const char *domain,
				 const char *def_acl, const char *reply_name,
				 const char *reply_class);

#endif
