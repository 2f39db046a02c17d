/*
 * smtpd_check_eng.h - private interface between the files of the
 * restriction engine: smtpd_check.c (lists, stages, replies, logs),
 * smtpd_check_access.c (access tables and their results) and
 * smtpd_check_addr.c (relay control, recipient tables, name syntax).
 * Nothing outside these three files includes it.
 */

#ifndef SMTPD_CHECK_ENG_H
#define SMTPD_CHECK_ENG_H

#include "smtpd.h"

struct ARGV;
struct MAP;
struct ADDR_MATCH_LIST;

/* smtpd_check.c */
extern int smtpd_check_access_flags;	/* MAP_SEARCH_F_* for access maps */
extern char *smtpd_check_rcpt_delim;	/* recipient_delimiter */

/* Logs "QUEUEID: what: WHERE from name[addr]: text; from=<>...". */
extern void smtpd_check_log(SMTPD_STATE *state, const char *what,
			    const char *text);

/*
 * Logs "permit: ... action=ACTION for CLASS=NAME[ from TABLE]" when
 * smtpd_log_access_permit_actions lists action and no defer_if_permit
 * is pending.
 */
extern void smtpd_check_log_permit(SMTPD_STATE *state, const char *action,
				   const char *reply_class,
				   const char *reply_name, const char *table);

/* 451 4.3.5 Server configuration error (never a warning only). */
extern int smtpd_check_server_error(SMTPD_STATE *state);

/* 451 4.3.0 <name>: Temporary lookup failure. */
extern int smtpd_check_dict_retry(SMTPD_STATE *state, const char *reply_name);

/* smtpd_check_defer_if_reject(): see smtpd_check_int.h. */

/* The table named spec ("hash:/x"), opened once; NULL if it will not open. */
extern struct MAP *smtpd_check_table_find(const char *spec);

/* Evaluates a restriction list (a class, or a table result's list). */
extern int smtpd_check_list_eval(SMTPD_STATE *state, struct ARGV *list,
				 const char *reply_name,
				 const char *reply_class);

/* smtpd_check_access.c */
extern int smtpd_check_mail_access(SMTPD_STATE *state, const char *table,
				   const char *addr, const char *def_acl,
				   const char *reply_class);
extern int smtpd_check_namadr_access(SMTPD_STATE *state, const char *table,
				     const char *name, const char *addr,
				     const char *def_acl,
				     const char *reply_class);

/* TLS: relay_clientcerts, permit_tls_clientcerts (all = 0) and
 * permit_tls_all_clientcerts (all = 1), check_ccert_access,
 * reject_plaintext_session. SMTPD_CHECK_* results. */
extern void smtpd_check_tls_init(void);
extern int smtpd_check_tls_clientcerts(SMTPD_STATE *state, const char *name,
				       int all);
extern int smtpd_check_ccert_access(SMTPD_STATE *state, const char *table,
				    const char *def_acl);
extern int smtpd_check_plaintext(SMTPD_STATE *state);

/* smtpd_check_addr.c */
extern void smtpd_check_addr_init(void);
extern struct ADDR_MATCH_LIST *smtpd_check_list_create(const char *param,
						       const char *value);
extern const char *smtpd_check_domain_of(const char *addr);
extern int smtpd_check_valid_hostname(const char *name);
extern int smtpd_check_valid_literal(const char *name);
extern int smtpd_check_fqdn(const char *name);
extern int smtpd_check_is_addr(const char *name);
extern int smtpd_check_auth_dest(SMTPD_STATE *state, const char *rcpt);
extern int smtpd_check_mx_backup(SMTPD_STATE *state, const char *rcpt);
extern int smtpd_check_rcpt_maps(SMTPD_STATE *state, const char *addr,
				 const char *reply_class);
extern int smtpd_check_non_fqdn(SMTPD_STATE *state, const char *addr,
				const char *reply_class);

/*
 * The sender login mismatch restrictions (smtpd_sender_login_maps):
 * which clients the check covers, and whether an address without an
 * owner is fine for an authenticated client.
 */
#define SMTPD_LOGIN_AUTH	(1 << 0)	/* authenticated clients */
#define SMTPD_LOGIN_UNAUTH	(1 << 1)	/* unauthenticated clients */
#define SMTPD_LOGIN_KNOWN	(1 << 2)	/* only owned addresses */
extern int smtpd_check_login_mismatch(SMTPD_STATE *state, const char *sender,
				      int flags);

#endif
